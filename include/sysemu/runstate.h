/*
 * Run state of the VM and the requests that change it (from devices, the monitor,
 * signals); the main loop acts on requests between vCPU slices.
 */
#ifndef SYSEMU_RUNSTATE_H
#define SYSEMU_RUNSTATE_H

#include "qemu/osdep.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH,
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE_DEBUG,            /* stopped by the gdbstub (breakpoint, step, Ctrl-C) */
    RUN_STATE_GUEST_PANICKED,   /* -action panic=pause after the guest reported a panic */
    RUN_STATE_WATCHDOG,         /* -watchdog-action pause after a watchdog expired */
} RunState;

/* -action panic=: what a guest's panic report (pvpanic) does. */
typedef enum PanicAction {
    PANIC_ACTION_SHUTDOWN,      /* QEMU's default: shut down (or stop, -no-shutdown) */
    PANIC_ACTION_PAUSE,
    PANIC_ACTION_NONE,
    PANIC_ACTION_EXIT_FAILURE,  /* exit with status 1 at once */
} PanicAction;

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_QMP,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_HOST_UI,           /* Ctrl-A x */
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,    /* poweroff */
    SHUTDOWN_CAUSE_GUEST_RESET,       /* reboot */
    SHUTDOWN_CAUSE_GUEST_PANIC,
} ShutdownCause;

RunState runstate_get(void);
bool runstate_is_running(void);
const char *runstate_name(RunState s);

/* Requests: async-safe, serviced by the main loop. */
void qemu_system_shutdown_request(ShutdownCause cause);
void qemu_system_reset_request(ShutdownCause cause);   /* honours -no-reboot */
void qemu_system_powerdown_request(void);              /* ACPI-style button */
void qemu_system_exit_request(int status);             /* isa-debug-exit */
void qemu_system_guest_panicked(void);
void runstate_set_panic_action(PanicAction action);
/* Told of every panic report with the action taken (QMP's GUEST_PANICKED). */
void runstate_set_panic_hook(void (*fn)(PanicAction action));
/* Register a powerdown notifier (board's power button). */
void qemu_register_powerdown_notifier(void (*fn)(void *opaque), void *opaque);
/* Register a reset notifier: called by the main loop after every machine reset it
 * carries out for a request (guest or host), with the request's cause (QMP's RESET
 * event). Not called when -no-reboot turns the reset into a shutdown. */
void qemu_register_reset_notifier(void (*fn)(void *opaque, ShutdownCause cause),
                                  void *opaque);

/* Register a run notifier: called each time the VM starts running (vm_start), e.g.
 * to hand devices the work that waited while it was stopped. */
void qemu_register_run_notifier(void (*fn)(void *opaque), void *opaque);
void qemu_unregister_run_notifier(void (*fn)(void *opaque), void *opaque);

void vm_start(void);
void vm_stop(RunState state);

/* Reset every device, then the CPUs, then the board (system_reset). */
void qemu_system_reset(void);

/* Main loop: run until shutdown; returns the process exit status. */
int main_loop_run(void);
/* One iteration: wait for fds/timers at most timeout_ns (0 = poll), run them. */
void main_loop_wait(int64_t timeout_ns);
/* Wake the main loop / kick the vCPU (from any context). */
void qemu_notify_event(void);

#endif
