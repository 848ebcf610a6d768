/*
 * The human monitor (HMP): QEMU's command names and output on a chardev
 * (-monitor stdio / unix:PATH,server,nowait / tcp:HOST:PORT,server,nowait, or the
 * -nographic Ctrl-A c mux). softmmu/monitor/monitor.c is the terminal side (prompt,
 * line editing and history through libedit on a thread of its own, fed through a
 * pseudo-terminal), softmmu/monitor/hmp-cmds.c the commands.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "qemu/osdep.h"

struct Chardev;

typedef struct Monitor Monitor;

/* Start a human monitor on chr (on_mux: chr is a Ctrl-A mux, attach as a front end). */
Monitor *monitor_new_hmp(struct Chardev *chr, bool on_mux, GError **errp);

/* Start a QMP server on chr (-qmp unix:PATH,server,nowait). */
bool qmp_monitor_new(struct Chardev *chr, GError **errp);

/*
 * Run one command line and write what it prints to out. Returns false if the
 * command failed (its error message is in out, as QEMU prints it). Used by the
 * terminal monitor, QMP's human-monitor-command and the tests.
 */
bool hmp_execute(const char *cmdline, FILE *out);

/* Command names for completion: those starting with prefix (NULL-terminated, free
 * with g_strfreev). */
char **hmp_complete(const char *prefix);

/*
 * sendkey: a board whose keyboard can take keys registers how. keycode is a PC
 * scancode of set 1 (0xe0-prefixed keys have 0xe000 added); down is press/release.
 */
typedef void (*MonitorKeyFn)(void *opaque, int keycode, bool down);
void monitor_register_keyboard(MonitorKeyFn fn, void *opaque);

#endif
