/*
 * Clocks and timers. CLOCK_VIRTUAL runs with host time while the VM runs and stops
 * while it is paused (and is restored by loadvm); CLOCK_HOST is wall-clock time;
 * CLOCK_REALTIME is the host monotonic clock (UI, timeouts).
 * Timer callbacks run in the main loop, between vCPU slices, never inside a TB.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include "qemu/osdep.h"
#include <time.h>

/*
 * <time.h> defines CLOCK_REALTIME as a macro, which would break the enum below.
 * POSIX fixes its value at 0, the same as our CLOCK_REALTIME, so code in a file
 * that includes this header and calls clock_gettime(CLOCK_REALTIME, ...) still
 * gets the host's wall clock.
 */
#undef CLOCK_REALTIME

#define NANOSECONDS_PER_SECOND 1000000000LL

typedef enum ClockType {
    CLOCK_REALTIME = 0,         /* host monotonic time (see the note above) */
    CLOCK_VIRTUAL = 1,
    CLOCK_HOST = 2,
    CLOCK_MAX
} ClockType;

typedef void (*TimerCB)(void *opaque);

typedef struct Timer {
    ClockType clock;
    int64_t expire_ns;      /* -1 when not pending */
    TimerCB cb;
    void *opaque;
    struct Timer *next;     /* active list, sorted by expiry */
} Timer;

int64_t clock_get_ns(ClockType type);
Timer *timer_new_ns(ClockType type, TimerCB cb, void *opaque);
void timer_init_ns(Timer *t, ClockType type, TimerCB cb, void *opaque);
void timer_free(Timer *t);
void timer_mod(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(const Timer *t);
int64_t timer_expire_time_ns(const Timer *t);   /* -1 if not pending */

/* Run expired timers; returns true if any ran. */
bool timers_run_expired(void);
/* Nanoseconds until the earliest pending timer (-1: none). */
int64_t timers_deadline_ns(void);

/* Virtual clock control (vm_stop / vm_start / loadvm). */
void clock_virtual_pause(void);
void clock_virtual_resume(void);
void clock_virtual_set(int64_t ns);     /* loadvm: continue from a saved moment */

/* A timer's notify hook: called when a timer is modified so the vCPU can be kicked
 * to re-arm the host interval timer. */
void timers_set_notify(void (*fn)(void));

static inline int64_t muldiv64(int64_t a, uint32_t b, uint32_t c)
{
    return (int64_t)(((__int128)a * b) / c);
}

#endif
