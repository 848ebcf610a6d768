/*
 * Unit tests for the main loop (softmmu/main-loop.c, softmmu/cpus.c): waits
 * bounded by timer deadlines, qemu_notify_event wake-ups, GLib sources, and
 * main_loop_run returning the exit status.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <pthread.h>
#include <unistd.h>
#include "sysemu/runstate.h"
#include "qemu/timer.h"
#include "sysemu/accel.h"
#include "hw/core/cpu.h"
#include "../../softmmu/internal.h"

static void setup(void)
{
    main_loop_init();
}

TestSuite(main_loop, .init = setup);

static int fired;

static void count_cb(void *opaque)
{
    fired++;
}

Test(main_loop, wait_is_bounded_by_timer_deadline)
{
    Timer *t = timer_new_ns(CLOCK_REALTIME, count_cb, NULL);
    int64_t start = clock_get_ns(CLOCK_REALTIME), took;

    timer_mod(t, start + 30 * 1000 * 1000);
    main_loop_wait(-1);   /* would block forever without the timer */
    took = clock_get_ns(CLOCK_REALTIME) - start;
    cr_assert_eq(fired, 1, "the timer ran inside the wait");
    cr_assert_geq(took, 29 * 1000 * 1000);
    cr_assert_lt(took, 500 * 1000 * 1000);
}

Test(main_loop, zero_timeout_polls)
{
    int64_t start = clock_get_ns(CLOCK_REALTIME);

    main_loop_wait(0);
    cr_assert_lt(clock_get_ns(CLOCK_REALTIME) - start, 50 * 1000 * 1000);
}

static void *notify_later(void *arg)
{
    usleep(30000);
    qemu_notify_event();
    return NULL;
}

Test(main_loop, notify_event_wakes_a_blocking_wait)
{
    pthread_t th;
    int64_t start = clock_get_ns(CLOCK_REALTIME), took;

    pthread_create(&th, NULL, notify_later, NULL);
    main_loop_wait(5 * NANOSECONDS_PER_SECOND);
    took = clock_get_ns(CLOCK_REALTIME) - start;
    pthread_join(th, NULL);
    cr_assert_lt(took, 2 * NANOSECONDS_PER_SECOND, "woken after %ld ns", (long)took);
}

static gboolean glib_idle_cb(gpointer opaque)
{
    (*(int *)opaque)++;
    return G_SOURCE_REMOVE;
}

Test(main_loop, dispatches_glib_sources)
{
    int ran = 0;

    g_idle_add(glib_idle_cb, &ran);
    main_loop_wait(0);
    cr_assert_eq(ran, 1);
}

static void exit_cb(void *opaque)
{
    qemu_system_exit_request(*(int *)opaque);
}

Test(main_loop, main_loop_run_returns_exit_status)
{
    static int code = 5;
    Timer *t = timer_new_ns(CLOCK_REALTIME, exit_cb, &code);
    int64_t start = clock_get_ns(CLOCK_REALTIME);

    /* No CPUs exist, so the loop idles until the timer asks it to end. */
    vm_start();
    timer_mod(t, start + 20 * 1000 * 1000);
    cr_assert_eq(main_loop_run(), 5);
    cr_assert_geq(clock_get_ns(CLOCK_REALTIME) - start, 19 * 1000 * 1000);
    timer_free(t);
}

/*
 * A fake accelerator: its one slice pushes a device timer out again and again
 * (as a UART does on every THR write), then pulls it in, and spins until the
 * kick arrives.
 */
static volatile bool fake_kicked;
static uint64_t arms_after_pushes, arms_after_pull;
static int64_t kick_wait_ns;
static Timer *fake_timer;

static void fake_kick(CPUState *cpu)
{
    fake_kicked = true;
}

static int fake_run(CPUState *cpu)
{
    static int code = 3;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    uint64_t arms;
    int64_t t0;

    /* 5 ms is nearer than the slice's 10 ms: that arms the kick once. */
    timer_mod(fake_timer, now + 5 * 1000 * 1000);
    arms = cpus_kick_arm_count();
    for (int i = 1; i < 100; i++) {
        timer_mod(fake_timer, now + (5 + i) * 1000 * 1000);
    }
    arms_after_pushes = cpus_kick_arm_count() - arms;
    fake_kicked = false;
    t0 = clock_get_ns(CLOCK_REALTIME);
    timer_mod(fake_timer, clock_get_ns(CLOCK_VIRTUAL) + 200 * 1000);
    arms_after_pull = cpus_kick_arm_count() - arms;
    while (!fake_kicked && clock_get_ns(CLOCK_REALTIME) - t0 < 1000 * 1000 * 1000) {
        /* spin like guest code */
    }
    kick_wait_ns = clock_get_ns(CLOCK_REALTIME) - t0;
    qemu_system_exit_request(code);
    return EXCP_INTERRUPT;
}

Test(main_loop, timer_pushed_later_keeps_the_armed_kick)
{
    static AccelOps fake = { .name = "fake", .vcpu_run = fake_run, .vcpu_kick = fake_kick };
    CPUState *cpu = g_malloc0(sizeof(CPUState));

    fake_timer = timer_new_ns(CLOCK_VIRTUAL, count_cb, NULL);
    first_cpu = cpu;
    current_accel = &fake;
    vm_start();
    cr_assert_eq(main_loop_run(), 3);
    cr_assert_eq(arms_after_pushes, 0, "pushing the timer later re-armed the kick %llu times",
                 (unsigned long long)arms_after_pushes);
    cr_assert_eq(arms_after_pull, 1, "pulling it in re-arms once");
    cr_assert_lt(kick_wait_ns, 50 * 1000 * 1000, "the kick came at the new deadline (%lld ns)",
                 (long long)kick_wait_ns);
    first_cpu = NULL;
    current_accel = NULL;
    timer_free(fake_timer);
}
