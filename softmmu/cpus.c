/*
 * The vCPU loop (DESIGN.md section 4): one thread runs every vCPU round-robin
 * through the accelerator and, between slices, one main loop iteration.
 *
 * A host interval timer (POSIX timer on CLOCK_MONOTONIC, SIGALRM) is armed before
 * each slice for min(next timer deadline, 10 ms); its handler only asks the
 * accelerator to kick the running vCPU (async-signal-safe), so device timers and
 * host I/O are serviced on time while guest code runs. SA_RESTART keeps the
 * signal from failing system calls elsewhere.
 */
#include "qemu/osdep.h"
#include <signal.h>
#include <time.h>
#include "qemu/timer.h"
#include "sysemu/runstate.h"
#include "sysemu/accel.h"
#include "hw/core/cpu.h"
#include "exec/gdbstub.h"
#include "internal.h"

#define CPUS_MAX_SLICE_NS (10 * 1000 * 1000)

static CPUState *volatile cpus_running;
static timer_t cpus_kick_timer;
static bool cpus_kick_timer_ok;
/* CLOCK_MONOTONIC ns at which the armed kick fires (a slice's own: see below). */
static int64_t cpus_kick_at;
static uint64_t cpus_kick_arms;

uint64_t cpus_kick_arm_count(void)
{
    return cpus_kick_arms;
}

void cpus_kick_running(void)
{
    CPUState *cpu = cpus_running;

    if (cpu && current_accel && current_accel->vcpu_kick) {
        current_accel->vcpu_kick(cpu);
    }
}

static void cpus_kick_signal(int signo)
{
    int saved_errno = errno;

    cpus_kick_running();
    errno = saved_errno;
}

static int64_t cpus_monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

/*
 * Aim the kick at the next timer deadline (at most a slice away). only_earlier:
 * keep the armed kick if it fires no later than the new deadline. A kick that
 * comes early costs one vCPU exit, after which the loop re-aims it; re-arming on
 * every timer_mod cost a timer_settime per guest write to a device that pushes
 * its timer out (the UART's THRE interrupt on every THR write).
 */
static void cpus_arm_kick_timer(bool only_earlier)
{
    int64_t d = timers_deadline_ns();
    struct itimerspec its = { { 0, 0 }, { 0, 0 } };
    int64_t now;

    if (!cpus_kick_timer_ok) {
        return;
    }
    if (d < 0 || d > CPUS_MAX_SLICE_NS) {
        d = CPUS_MAX_SLICE_NS;
    }
    if (d < 1000) {
        /* Already due: a zero it_value would disarm, so fire almost at once. */
        d = 1000;
    }
    now = cpus_monotonic_ns();
    if (only_earlier && now + d >= cpus_kick_at) {
        return;
    }
    cpus_kick_at = now + d;
    cpus_kick_arms++;
    its.it_value.tv_sec = d / NANOSECONDS_PER_SECOND;
    its.it_value.tv_nsec = d % NANOSECONDS_PER_SECOND;
    timer_settime(cpus_kick_timer, 0, &its, NULL);
}

/* A timer moved to the head of its clock: re-aim the kick if a slice is running. */
static void cpus_timers_modified(void)
{
    if (cpus_running) {
        cpus_arm_kick_timer(true);
    }
}

static void cpus_init(void)
{
    static bool done;
    struct sigaction sa;
    struct sigevent sev;

    if (done) {
        return;
    }
    done = true;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = cpus_kick_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);

    memset(&sev, 0, sizeof(sev));
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGALRM;
    if (timer_create(CLOCK_MONOTONIC, &sev, &cpus_kick_timer) == 0) {
        cpus_kick_timer_ok = true;
    } else {
        error_report("warning: no host interval timer (%s): device timers will "
                     "only run between vCPU slices", g_strerror(errno));
    }
    timers_set_notify(cpus_timers_modified);
}

int main_loop_run(void)
{
    int status = 0;

    main_loop_init();
    cpus_init();
    for (;;) {
        bool idle = true;
        CPUState *cpu;

        if (runstate_check_requests(&status)) {
            break;
        }
        if (runstate_is_running() && current_accel) {
            CPU_FOREACH(cpu) {
                int r;

                if (cpu->stopped) {
                    continue;
                }
                /*
                 * The slice before may have ended at a timer's deadline: run it
                 * now, or this vCPU's slice would be aimed at a deadline already
                 * past and kicked before its first TB (with -smp 2, Linux's
                 * second CPU then never ran a single instruction).
                 */
                if (cpu != first_cpu) {
                    timers_run_expired();
                }
                cpus_running = cpu;
                cpus_arm_kick_timer(false);
                r = current_accel->vcpu_run(cpu);
                cpus_running = NULL;
                if (r != EXCP_HLT && r != EXCP_HALTED) {
                    idle = false;
                }
                if (r == EXCP_DEBUG) {
                    gdbstub_debug_stop(cpu);    /* breakpoint or step: stops the VM */
                }
                if (runstate_has_requests() || !runstate_is_running()) {
                    break;
                }
            }
        }
        /* Halted or stopped: sleep until a timer, an fd or a request wakes us. */
        main_loop_wait(idle ? -1 : 0);
    }
    return status;
}
