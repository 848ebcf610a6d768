/*
 * Glue between the files of softmmu/ (run state, main loop, vCPU loop, command
 * line, chardevs). Not for devices or targets: they use the include/ headers.
 */
#ifndef SOFTMMU_INTERNAL_H
#define SOFTMMU_INTERNAL_H

#include "qemu/osdep.h"
#include <sys/types.h>

/* runstate.c: act on pending requests. Returns true when the VM must end, with
 * the process exit status in *status. */
bool runstate_check_requests(int *status);
bool runstate_has_requests(void);
/* A host signal asked us to quit (SIGINT/SIGTERM/SIGHUP): async-signal-safe. */
void qemu_system_killed(int signo, pid_t pid);
/* -no-reboot before a machine exists (tests) */
void runstate_set_no_reboot(bool no_reboot);
/* -no-shutdown: a shutdown the guest asks for stops the VM instead of ending it. */
void runstate_set_no_shutdown(bool no_shutdown);

/* main-loop.c */
void main_loop_init(void);
/* os-posix.c: -daemonize (start: fork, the parent waits; ready: detach and tell
 * it), -pidfile, -overcommit mem-lock=on. */
bool os_daemonize_start(GError **errp);
void os_daemonize_ready(void);
bool os_pidfile_write(const char *path, GError **errp);
bool os_mlock_all(GError **errp);

/* cpus.c: kick the vCPU that is running now, if any (async-signal-safe). */
void cpus_kick_running(void);
/* cpus.c: how often the kick timer has been armed (for tests). */
uint64_t cpus_kick_arm_count(void);

#endif
