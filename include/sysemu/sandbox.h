/*
 * -sandbox: a seccomp (mode 2) system-call filter over the whole process, as
 * QEMU's option of the same name offers: with it on, a guest that took over the
 * emulator still cannot use the system calls the filter denies.
 */
#ifndef SYSEMU_SANDBOX_H
#define SYSEMU_SANDBOX_H

#include "qemu/osdep.h"

typedef struct SandboxConfig {
    bool on;
    bool obsolete;              /* deny long-obsolete calls (default: yes) */
    bool elevate;               /* deny set*uid/set*gid/setgroups */
    bool spawn;                 /* deny fork, vfork, exec, clone of a process */
    bool resourcectl;           /* deny changing scheduling, priority, affinity */
} SandboxConfig;

/* "on|off[,obsolete=allow|deny][,elevateprivileges=allow|deny|children]
 *  [,spawn=allow|deny][,resourcecontrol=allow|deny]" (QEMU's syntax). */
bool sandbox_parse(const char *arg, SandboxConfig *cfg, GError **errp);

/* Load the filter into every thread of the process; a no-op when !cfg->on.
 * Denied calls of the first three groups kill the process (SIGSYS: the kernel
 * logs it); resource-control calls fail with EPERM, which callers handle. */
bool sandbox_install(const SandboxConfig *cfg, GError **errp);

/* Is spawning processes denied? (migrate/-incoming exec: say so instead of
 * being killed.) */
bool sandbox_spawn_denied(void);

#endif
