/*
 * What a guest watchdog's expiry does to the machine: QEMU's -watchdog-action,
 * -action watchdog= and the monitor's watchdog_action, shared by every watchdog
 * device (hw/watchdog/).
 */
#ifndef SYSEMU_WATCHDOG_H
#define SYSEMU_WATCHDOG_H

#include "qemu/osdep.h"

typedef enum WatchdogAction {
    WATCHDOG_ACTION_RESET,          /* QEMU's default: reset the machine */
    WATCHDOG_ACTION_SHUTDOWN,       /* ask the guest to power off (ACPI button) */
    WATCHDOG_ACTION_POWEROFF,       /* stop the emulator at once */
    WATCHDOG_ACTION_PAUSE,          /* stop the VM for the monitor */
    WATCHDOG_ACTION_DEBUG,          /* print a message and carry on */
    WATCHDOG_ACTION_NONE,
    WATCHDOG_ACTION_INJECT_NMI,     /* an NMI to the CPU (x86) */
    WATCHDOG_ACTION__MAX,
} WatchdogAction;

/* "reset", "shutdown", ... (QEMU's names); false for anything else. */
bool watchdog_action_parse(const char *name, WatchdogAction *out);
const char *watchdog_action_name(WatchdogAction a);

void watchdog_set_action(WatchdogAction a);
WatchdogAction watchdog_get_action(void);

/* Told of every expiry with the action taken (QMP's WATCHDOG event). */
void watchdog_set_hook(void (*fn)(WatchdogAction a));

/* A watchdog device expired: carry out the configured action. */
void watchdog_perform_action(void);

#endif
