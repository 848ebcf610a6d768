/*
 * The action of an expired guest watchdog (QEMU's -watchdog-action names). The
 * devices only say "expired"; what that does is the user's choice, and it can be
 * changed at run time from the monitor (watchdog_action).
 */
#include "qemu/osdep.h"
#include "sysemu/watchdog.h"
#include "sysemu/runstate.h"
#include "hw/core/cpu.h"
#include "hw/boards.h"
#include "sysemu/kvm.h"

static const char *const watchdog_action_names[WATCHDOG_ACTION__MAX] = {
    [WATCHDOG_ACTION_RESET] = "reset",
    [WATCHDOG_ACTION_SHUTDOWN] = "shutdown",
    [WATCHDOG_ACTION_POWEROFF] = "poweroff",
    [WATCHDOG_ACTION_PAUSE] = "pause",
    [WATCHDOG_ACTION_DEBUG] = "debug",
    [WATCHDOG_ACTION_NONE] = "none",
    [WATCHDOG_ACTION_INJECT_NMI] = "inject-nmi",
};

static WatchdogAction watchdog_action = WATCHDOG_ACTION_RESET;
static void (*watchdog_hook)(WatchdogAction a);

bool watchdog_action_parse(const char *name, WatchdogAction *out)
{
    for (int i = 0; i < WATCHDOG_ACTION__MAX; i++) {
        if (strcmp(name, watchdog_action_names[i]) == 0) {
            *out = (WatchdogAction)i;
            return true;
        }
    }
    return false;
}

const char *watchdog_action_name(WatchdogAction a)
{
    return a < WATCHDOG_ACTION__MAX ? watchdog_action_names[a] : "?";
}

void watchdog_set_action(WatchdogAction a)
{
    watchdog_action = a;
}

WatchdogAction watchdog_get_action(void)
{
    return watchdog_action;
}

void watchdog_set_hook(void (*fn)(WatchdogAction a))
{
    watchdog_hook = fn;
}

void watchdog_perform_action(void)
{
    if (watchdog_hook) {
        watchdog_hook(watchdog_action);
    }
    switch (watchdog_action) {
    case WATCHDOG_ACTION_RESET:
        error_report("watchdog: the guest's watchdog expired: resetting the machine");
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    case WATCHDOG_ACTION_SHUTDOWN:
        error_report("watchdog: the guest's watchdog expired: asking it to power off");
        qemu_system_powerdown_request();
        break;
    case WATCHDOG_ACTION_POWEROFF:
        error_report("watchdog: the guest's watchdog expired: powering off");
        qemu_system_exit_request(0);
        break;
    case WATCHDOG_ACTION_PAUSE:
        error_report("watchdog: the guest's watchdog expired: pausing the VM");
        vm_stop(RUN_STATE_WATCHDOG);
        break;
    case WATCHDOG_ACTION_DEBUG:
        error_report("watchdog: the guest's watchdog expired (action debug: no effect)");
        break;
    case WATCHDOG_ACTION_NONE:
        break;
    case WATCHDOG_ACTION_INJECT_NMI:
        /* The PC's NMI line under TCG; the Malta CPU model has no NMI input, and
         * mimic's KVM loop does not deliver NMIs. */
        if (kvm_enabled()) {
            error_report("watchdog: inject-nmi: not available with KVM; nothing done");
        } else if (current_machine && current_machine->cpu &&
            strcmp(current_machine->cpu->cc->arch_name, "i386") == 0) {
            cpu_interrupt(current_machine->cpu, CPU_INTERRUPT_NMI);
        } else {
            error_report("watchdog: inject-nmi: this CPU has no NMI input; nothing done");
        }
        break;
    case WATCHDOG_ACTION__MAX:
        break;
    }
}
