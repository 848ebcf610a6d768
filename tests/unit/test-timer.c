/*
 * Unit tests for clocks and timers (softmmu/qemu-timer.c): expiry order, deletion
 * and re-arming, deadlines, the virtual clock stopping while the VM is paused,
 * and the notify hook.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include "qemu/timer.h"

static char fired[32];
static int nr_fired;

static void record_cb(void *opaque)
{
    if (nr_fired < (int)sizeof(fired) - 1) {
        fired[nr_fired++] = *(const char *)opaque;
    }
}

Test(timer, run_in_expiry_order)
{
    int64_t now = clock_get_ns(CLOCK_REALTIME);
    Timer *a = timer_new_ns(CLOCK_REALTIME, record_cb, "a");
    Timer *b = timer_new_ns(CLOCK_REALTIME, record_cb, "b");
    Timer *c = timer_new_ns(CLOCK_REALTIME, record_cb, "c");
    Timer *later = timer_new_ns(CLOCK_REALTIME, record_cb, "L");

    timer_mod(b, now - 2000);
    timer_mod(c, now - 1000);
    timer_mod(a, now - 3000);
    timer_mod(later, now + NANOSECONDS_PER_SECOND * 100);
    cr_assert(timers_run_expired());
    cr_assert_str_eq(fired, "abc");
    cr_assert_not(timer_pending(a));
    cr_assert_eq(timer_expire_time_ns(a), -1);
    cr_assert(timer_pending(later), "future timer stays");
    cr_assert_not(timers_run_expired(), "nothing left to run");
    timer_free(later);
    timer_free(a);
    timer_free(b);
    timer_free(c);
}

Test(timer, equal_expiry_fires_in_arming_order)
{
    Timer t[4];
    static const char names[] = "wxyz";

    for (int i = 0; i < 4; i++) {
        timer_init_ns(&t[i], CLOCK_REALTIME, record_cb, (void *)&names[i]);
        timer_mod(&t[i], 5);
    }
    timers_run_expired();
    cr_assert_str_eq(fired, "wxyz");
}

Test(timer, del_and_remod)
{
    Timer *a = timer_new_ns(CLOCK_REALTIME, record_cb, "a");
    Timer *b = timer_new_ns(CLOCK_REALTIME, record_cb, "b");
    int64_t far = clock_get_ns(CLOCK_REALTIME) + NANOSECONDS_PER_SECOND * 100;

    timer_mod(a, 1);
    timer_mod(b, 2);
    timer_del(a);
    timer_del(a);   /* deleting twice is harmless */
    timer_mod(b, far);
    timer_mod(b, 3);  /* moving a pending timer keeps one entry */
    timers_run_expired();
    cr_assert_str_eq(fired, "b");
    timer_free(a);
    timer_free(b);
}

static Timer *self_timer;
static int self_count;

static void rearm_cb(void *opaque)
{
    self_count++;
    if (self_count < 3) {
        timer_mod(self_timer, 0);   /* already expired: runs on the next call */
    }
}

Test(timer, callback_may_rearm_itself)
{
    self_timer = timer_new_ns(CLOCK_REALTIME, rearm_cb, NULL);
    timer_mod(self_timer, 0);
    timers_run_expired();
    cr_assert_eq(self_count, 1, "a re-armed overdue timer waits for the next call");
    for (int i = 0; i < 5; i++) {
        timers_run_expired();
    }
    cr_assert_eq(self_count, 3);
    cr_assert_not(timer_pending(self_timer));
}

Test(timer, deadline)
{
    Timer *t = timer_new_ns(CLOCK_REALTIME, record_cb, "t");
    int64_t d;

    cr_assert_eq(timers_deadline_ns(), -1, "no timers: no deadline");
    timer_mod(t, clock_get_ns(CLOCK_REALTIME) + 50 * 1000 * 1000);
    d = timers_deadline_ns();
    cr_assert(d > 0 && d <= 50 * 1000 * 1000, "deadline %ld", (long)d);
    timer_mod(t, 0);
    cr_assert_eq(timers_deadline_ns(), 0, "overdue timers give 0, not negative");
    timer_free(t);
}

Test(timer, virtual_clock_stops_while_paused)
{
    int64_t v0, v1, v2;

    /* Guest time does not flow before vm_start. */
    v0 = clock_get_ns(CLOCK_VIRTUAL);
    usleep(2000);
    cr_assert_eq(clock_get_ns(CLOCK_VIRTUAL), v0);
    clock_virtual_resume();
    usleep(5000);
    v1 = clock_get_ns(CLOCK_VIRTUAL);
    cr_assert_geq(v1 - v0, 4 * 1000 * 1000);
    clock_virtual_pause();
    v1 = clock_get_ns(CLOCK_VIRTUAL);
    usleep(200 * 1000);
    cr_assert_eq(clock_get_ns(CLOCK_VIRTUAL), v1, "frozen while paused");
    clock_virtual_resume();
    v2 = clock_get_ns(CLOCK_VIRTUAL);
    cr_assert_lt(v2 - v1, 100 * 1000 * 1000, "resumes where it stopped, not +200ms");
    cr_assert_geq(v2, v1);
}

Test(timer, virtual_timers_wait_for_resume)
{
    Timer *t = timer_new_ns(CLOCK_VIRTUAL, record_cb, "v");

    clock_virtual_pause();
    timer_mod(t, clock_get_ns(CLOCK_VIRTUAL));
    cr_assert_eq(timers_deadline_ns(), -1, "paused clock: no deadline");
    cr_assert_not(timers_run_expired());
    cr_assert_eq(nr_fired, 0);
    clock_virtual_resume();
    cr_assert_geq(timers_deadline_ns(), 0);
    cr_assert(timers_run_expired());
    cr_assert_str_eq(fired, "v");
    timer_free(t);
}

Test(timer, virtual_clock_set)
{
    clock_virtual_set(123456789);
    cr_assert_eq(clock_get_ns(CLOCK_VIRTUAL), 123456789, "paused: exactly the value");
    clock_virtual_resume();
    clock_virtual_set(5 * NANOSECONDS_PER_SECOND);
    cr_assert_geq(clock_get_ns(CLOCK_VIRTUAL), 5 * NANOSECONDS_PER_SECOND);
    cr_assert_lt(clock_get_ns(CLOCK_VIRTUAL), 6 * NANOSECONDS_PER_SECOND);
}

Test(timer, host_clock_is_wall_time)
{
    int64_t host = clock_get_ns(CLOCK_HOST);
    int64_t wall = (int64_t)g_get_real_time() * 1000;

    cr_assert_lt(llabs(host - wall), NANOSECONDS_PER_SECOND);
}

static int notified;

static void notify_hook(void)
{
    notified++;
}

Test(timer, notify_when_earliest_changes)
{
    Timer *a = timer_new_ns(CLOCK_REALTIME, record_cb, "a");
    Timer *b = timer_new_ns(CLOCK_REALTIME, record_cb, "b");
    int64_t now = clock_get_ns(CLOCK_REALTIME);

    timers_set_notify(notify_hook);
    timer_mod(a, now + 1000000000);
    cr_assert_eq(notified, 1);
    timer_mod(b, now + 2000000000);
    cr_assert_eq(notified, 1, "a later timer does not move the deadline");
    timer_mod(b, now + 1000);
    cr_assert_eq(notified, 2);
    timers_set_notify(NULL);
    timer_free(a);
    timer_free(b);
}

Test(timer, muldiv64_no_overflow)
{
    cr_assert_eq(muldiv64(1000000000000LL, 1193182, 1000000000), 1193182000LL);
}
