/*
 * Run state and the requests that change it. Requests may come from a signal
 * handler (SIGINT), a device in the middle of a vCPU slice (isa-debug-exit, the
 * Malta FPGA reset register) or the monitor; they only set flags and wake the main
 * loop, which acts on them between slices (runstate_check_requests).
 */
#include "qemu/osdep.h"
#include <signal.h>
#include <unistd.h>
#include "sysemu/runstate.h"
#include "qemu/timer.h"
#include "hw/qdev.h"
#include "hw/boards.h"
#include "exec/gdbstub.h"
#include "internal.h"

static RunState current_runstate = RUN_STATE_PRELAUNCH;

static volatile sig_atomic_t shutdown_requested;   /* a ShutdownCause, 0 = none */
static volatile sig_atomic_t reset_requested;      /* a ShutdownCause, 0 = none */
static volatile sig_atomic_t powerdown_requested;
static volatile sig_atomic_t exit_requested;
static volatile sig_atomic_t requested_exit_status;
static volatile sig_atomic_t shutdown_signal;
static volatile sig_atomic_t shutdown_pid;
static bool runstate_no_reboot;
static bool runstate_no_shutdown;

typedef struct PowerdownNotifier {
    void (*fn)(void *opaque);
    void *opaque;
} PowerdownNotifier;
static GArray *powerdown_notifiers;
static GArray *reset_notifiers;

static const char *const runstate_names[] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
    [RUN_STATE_DEBUG] = "debug",
    [RUN_STATE_GUEST_PANICKED] = "guest-panicked",
    [RUN_STATE_WATCHDOG] = "watchdog",
};

RunState runstate_get(void)
{
    return current_runstate;
}

bool runstate_is_running(void)
{
    return current_runstate == RUN_STATE_RUNNING;
}

const char *runstate_name(RunState s)
{
    if ((unsigned)s < ARRAY_SIZE(runstate_names) && runstate_names[s]) {
        return runstate_names[s];
    }
    return "unknown";
}

void runstate_set_no_reboot(bool no_reboot)
{
    runstate_no_reboot = no_reboot;
}

void runstate_set_no_shutdown(bool no_shutdown)
{
    runstate_no_shutdown = no_shutdown;
}

/*
 * -no-shutdown: a shutdown the guest asked for (poweroff, a panic, or a reboot
 * that -no-reboot turned into a shutdown) stops the VM in the shutdown state and
 * keeps the emulator and its monitor; system_reset then cont start it again, as in
 * QEMU. Shutdowns the host asked for (quit, Ctrl-A x, a signal) still end it.
 */
static bool runstate_keeps_running_on(ShutdownCause cause)
{
    return runstate_no_shutdown &&
           (cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN || cause == SHUTDOWN_CAUSE_GUEST_PANIC ||
            cause == SHUTDOWN_CAUSE_GUEST_RESET);
}

static bool runstate_reboot_disabled(void)
{
    return runstate_no_reboot || (current_machine && current_machine->no_reboot);
}

/* ---- requests (async-signal-safe: flags plus a wake-up) ---- */

void qemu_system_shutdown_request(ShutdownCause cause)
{
    shutdown_requested = cause == SHUTDOWN_CAUSE_NONE ? SHUTDOWN_CAUSE_HOST_QMP : cause;
    qemu_notify_event();
}

void qemu_system_killed(int signo, pid_t pid)
{
    shutdown_signal = signo;
    shutdown_pid = pid;
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
}

void qemu_system_reset_request(ShutdownCause cause)
{
    reset_requested = cause == SHUTDOWN_CAUSE_NONE ? SHUTDOWN_CAUSE_GUEST_RESET : cause;
    qemu_notify_event();
}

void qemu_system_powerdown_request(void)
{
    powerdown_requested = 1;
    qemu_notify_event();
}

void qemu_system_exit_request(int status)
{
    requested_exit_status = status;
    exit_requested = 1;
    qemu_notify_event();
}

static PanicAction panic_action = PANIC_ACTION_SHUTDOWN;
static void (*panic_hook)(PanicAction action);

void runstate_set_panic_hook(void (*fn)(PanicAction action))
{
    panic_hook = fn;
}

void runstate_set_panic_action(PanicAction action)
{
    panic_action = action;
}

void qemu_system_guest_panicked(void)
{
    mimic_log_mask(LOG_GUEST_ERROR, "guest panicked\n");
    if (current_machine && current_machine->cpu) {
        current_machine->cpu->crash_occurred = true;
    }
    if (panic_hook) {
        panic_hook(panic_action);
    }
    switch (panic_action) {
    case PANIC_ACTION_SHUTDOWN:
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC);
        break;
    case PANIC_ACTION_PAUSE:
        /* Keep the dead guest for the monitor (memory, registers, a savevm). */
        vm_stop(RUN_STATE_GUEST_PANICKED);
        break;
    case PANIC_ACTION_NONE:
        break;
    case PANIC_ACTION_EXIT_FAILURE:
        qemu_system_exit_request(1);
        break;
    }
}

typedef struct ResetNotifier {
    void (*fn)(void *opaque, ShutdownCause cause);
    void *opaque;
} ResetNotifier;

void qemu_register_reset_notifier(void (*fn)(void *opaque, ShutdownCause cause),
                                  void *opaque)
{
    ResetNotifier n = { .fn = fn, .opaque = opaque };

    if (!reset_notifiers) {
        reset_notifiers = g_array_new(false, false, sizeof(ResetNotifier));
    }
    g_array_append_val(reset_notifiers, n);
}

typedef struct RunNotifier {
    void (*fn)(void *opaque);
    void *opaque;
} RunNotifier;

static GArray *run_notifiers;

void qemu_register_run_notifier(void (*fn)(void *opaque), void *opaque)
{
    RunNotifier n = { .fn = fn, .opaque = opaque };

    if (!run_notifiers) {
        run_notifiers = g_array_new(false, false, sizeof(RunNotifier));
    }
    g_array_append_val(run_notifiers, n);
}

void qemu_unregister_run_notifier(void (*fn)(void *opaque), void *opaque)
{
    for (guint i = 0; run_notifiers && i < run_notifiers->len; i++) {
        RunNotifier *n = &g_array_index(run_notifiers, RunNotifier, i);

        if (n->fn == fn && n->opaque == opaque) {
            g_array_remove_index(run_notifiers, i);
            return;
        }
    }
}

void qemu_register_powerdown_notifier(void (*fn)(void *opaque), void *opaque)
{
    PowerdownNotifier n = { fn, opaque };

    if (!powerdown_notifiers) {
        powerdown_notifiers = g_array_new(false, false, sizeof(PowerdownNotifier));
    }
    g_array_append_val(powerdown_notifiers, n);
}

bool runstate_has_requests(void)
{
    return shutdown_requested || reset_requested || powerdown_requested ||
           exit_requested;
}

static void runstate_print_signal(int signo, pid_t pid)
{
    char comm[64] = "";

    if (pid > 0) {
        char *path = g_strdup_printf("/proc/%d/comm", (int)pid);
        gchar *text = NULL;

        if (g_file_get_contents(path, &text, NULL, NULL)) {
            g_strlcpy(comm, g_strstrip(text), sizeof(comm));
        }
        g_free(text);
        g_free(path);
        error_report("terminating on signal %d from pid %d (%s)", signo, (int)pid,
                     comm[0] ? comm : "<unknown process>");
    } else {
        error_report("terminating on signal %d", signo);
    }
}

bool runstate_check_requests(int *status)
{
    if (exit_requested) {
        exit_requested = 0;
        *status = requested_exit_status;
        vm_stop(RUN_STATE_SHUTDOWN);
        return true;
    }
    if (shutdown_requested) {
        int cause = shutdown_requested;

        shutdown_requested = 0;
        if (cause == SHUTDOWN_CAUSE_HOST_SIGNAL && shutdown_signal) {
            runstate_print_signal(shutdown_signal, shutdown_pid);
        }
        vm_stop(RUN_STATE_SHUTDOWN);
        if (runstate_keeps_running_on(cause)) {
            return false;
        }
        *status = 0;
        return true;
    }
    if (reset_requested) {
        ShutdownCause reset_cause = reset_requested;

        reset_requested = 0;
        if (runstate_reboot_disabled()) {
            /* -no-reboot: any reset (guest or monitor) ends the emulator, as in
             * QEMU, successfully (with -no-shutdown a guest's reboot stops it). */
            vm_stop(RUN_STATE_SHUTDOWN);
            if (runstate_keeps_running_on(reset_cause)) {
                return false;
            }
            *status = 0;
            return true;
        }
        qemu_system_reset();
        if (current_runstate == RUN_STATE_SHUTDOWN ||
            current_runstate == RUN_STATE_INTERNAL_ERROR) {
            /* A machine stopped for good is new again: cont may start it. */
            current_runstate = RUN_STATE_PRELAUNCH;
        }
        for (guint i = 0; reset_notifiers && i < reset_notifiers->len; i++) {
            ResetNotifier *n = &g_array_index(reset_notifiers, ResetNotifier, i);

            n->fn(n->opaque, reset_cause);
        }
    }
    if (powerdown_requested) {
        powerdown_requested = 0;
        for (guint i = 0; powerdown_notifiers && i < powerdown_notifiers->len; i++) {
            PowerdownNotifier *n = &g_array_index(powerdown_notifiers,
                                                  PowerdownNotifier, i);
            n->fn(n->opaque);
        }
    }
    return false;
}

/* ---- start / stop / reset ---- */

void vm_start(void)
{
    if (current_runstate == RUN_STATE_RUNNING) {
        return;
    }
    current_runstate = RUN_STATE_RUNNING;
    clock_virtual_resume();
    for (guint i = 0; run_notifiers && i < run_notifiers->len; i++) {
        RunNotifier *n = &g_array_index(run_notifiers, RunNotifier, i);

        n->fn(n->opaque);
    }
    qemu_notify_event();
}

void vm_stop(RunState state)
{
    CPUState *cpu;

    if (current_runstate == RUN_STATE_RUNNING) {
        clock_virtual_pause();
    }
    current_runstate = state;
    gdbstub_vm_stopped(state);      /* a gdb waiting on c/s gets its stop reply */
    /* A device may stop the VM from inside a slice: make the slice end. */
    CPU_FOREACH(cpu) {
        cpu_exit(cpu);
    }
    qemu_notify_event();
}

void qemu_system_reset(void)
{
    CPUState *cpu;

    qdev_reset_all();
    CPU_FOREACH(cpu) {
        cpu_reset(cpu);
    }
    if (current_machine_class && current_machine_class->reset && current_machine) {
        current_machine_class->reset(current_machine);
    }
}
