/*
 * Clocks and timers.
 *
 * CLOCK_REALTIME is the host's monotonic clock, CLOCK_HOST the wall clock and
 * CLOCK_VIRTUAL the monotonic clock minus the time the VM spent stopped. The
 * virtual clock starts stopped at 0 (as in QEMU, guest time only flows from
 * vm_start on) and timers on it neither run nor count for deadlines while it is
 * stopped. Each clock keeps its pending timers in a list sorted by expiry; all of
 * this runs on the one emulator thread.
 */
#include "qemu/osdep.h"
#include <time.h>
#include "qemu/timer.h"

typedef struct ClockState {
    Timer *active;              /* sorted by expire_ns, earliest first */
} ClockState;

static ClockState clocks[CLOCK_MAX];

/* Virtual clock: now = host_monotonic - offset while running, frozen when paused. */
static bool virtual_running;
static int64_t virtual_offset;
static int64_t virtual_frozen_ns;

static void (*timers_notify_fn)(void);

static int64_t host_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

int64_t clock_get_ns(ClockType type)
{
    switch (type) {
    case CLOCK_REALTIME:
        return host_clock_ns(CLOCK_MONOTONIC);
    case CLOCK_HOST:
        /* POSIX CLOCK_REALTIME is 0, as the note in qemu/timer.h explains. */
        return host_clock_ns((clockid_t)0);
    case CLOCK_VIRTUAL:
        if (!virtual_running) {
            return virtual_frozen_ns;
        }
        return host_clock_ns(CLOCK_MONOTONIC) - virtual_offset;
    default:
        assert(0);
        return 0;
    }
}

void clock_virtual_pause(void)
{
    if (virtual_running) {
        virtual_frozen_ns = clock_get_ns(CLOCK_VIRTUAL);
        virtual_running = false;
    }
}

void clock_virtual_resume(void)
{
    if (!virtual_running) {
        virtual_offset = host_clock_ns(CLOCK_MONOTONIC) - virtual_frozen_ns;
        virtual_running = true;
        /* Pending virtual timers count again: the deadline may have moved. */
        if (clocks[CLOCK_VIRTUAL].active && timers_notify_fn) {
            timers_notify_fn();
        }
    }
}

void clock_virtual_set(int64_t ns)
{
    if (virtual_running) {
        virtual_offset = host_clock_ns(CLOCK_MONOTONIC) - ns;
    } else {
        virtual_frozen_ns = ns;
    }
    if (timers_notify_fn) {
        timers_notify_fn();
    }
}

void timer_init_ns(Timer *t, ClockType type, TimerCB cb, void *opaque)
{
    assert(type < CLOCK_MAX);
    t->clock = type;
    t->expire_ns = -1;
    t->cb = cb;
    t->opaque = opaque;
    t->next = NULL;
}

Timer *timer_new_ns(ClockType type, TimerCB cb, void *opaque)
{
    Timer *t = g_new0(Timer, 1);

    timer_init_ns(t, type, cb, opaque);
    return t;
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

/* Unlink t from its clock's list if it is there. */
static void timer_unlink(Timer *t)
{
    Timer **pp = &clocks[t->clock].active;

    for (; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
}

void timer_del(Timer *t)
{
    if (t->expire_ns >= 0) {
        timer_unlink(t);
        t->expire_ns = -1;
    }
}

void timer_mod(Timer *t, int64_t expire_ns)
{
    Timer **pp;

    timer_del(t);
    if (expire_ns < 0) {
        /* A negative time means "as soon as possible", not "never". */
        expire_ns = 0;
    }
    t->expire_ns = expire_ns;
    /* After timers of the same expiry: they fire in the order they were set. */
    pp = &clocks[t->clock].active;
    while (*pp && (*pp)->expire_ns <= expire_ns) {
        pp = &(*pp)->next;
    }
    t->next = *pp;
    *pp = t;
    if (clocks[t->clock].active == t && timers_notify_fn) {
        timers_notify_fn();
    }
}

bool timer_pending(const Timer *t)
{
    return t->expire_ns >= 0;
}

int64_t timer_expire_time_ns(const Timer *t)
{
    return t->expire_ns;
}

static bool clock_enabled(ClockType type)
{
    return type != CLOCK_VIRTUAL || virtual_running;
}

bool timers_run_expired(void)
{
    bool ran = false;

    for (int c = 0; c < CLOCK_MAX; c++) {
        int64_t now;

        if (!clock_enabled(c) || !clocks[c].active) {
            continue;
        }
        now = clock_get_ns(c);
        /*
         * Run as many timers as were due when we started. Callbacks may add,
         * move or delete timers (themselves included), so the head is re-read
         * each time; a timer re-armed for a moment already past waits for the
         * next call, so a guest programming a zero period cannot hang us here.
         */
        int budget = 0;
        for (Timer *t = clocks[c].active; t && t->expire_ns <= now; t = t->next) {
            budget++;
        }
        for (; budget > 0; budget--) {
            Timer *t = clocks[c].active;

            if (!t || t->expire_ns > now) {
                break;
            }
            clocks[c].active = t->next;
            t->next = NULL;
            t->expire_ns = -1;
            t->cb(t->opaque);
            ran = true;
        }
    }
    return ran;
}

int64_t timers_deadline_ns(void)
{
    int64_t best = -1;

    for (int c = 0; c < CLOCK_MAX; c++) {
        int64_t d;

        if (!clock_enabled(c) || !clocks[c].active) {
            continue;
        }
        d = clocks[c].active->expire_ns - clock_get_ns(c);
        if (d < 0) {
            d = 0;
        }
        if (best < 0 || d < best) {
            best = d;
        }
    }
    return best;
}

void timers_set_notify(void (*fn)(void))
{
    timers_notify_fn = fn;
}
