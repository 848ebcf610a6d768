/*
 * Character devices: the host side of a serial port or monitor. A front end
 * (a UART model) attaches with handlers; back ends: stdio (raw terminal, with the
 * Ctrl-A mux under -nographic), file:, null, pty, unix:/tcp: sockets.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qemu/osdep.h"

typedef struct Chardev Chardev;

typedef struct CharFrontendOps {
    /* How many bytes the front end can take now (0: do not deliver). */
    int (*can_receive)(void *opaque);
    void (*receive)(void *opaque, const uint8_t *buf, int len);
    /* Break, open/close events (CHR_EVENT_*). May be NULL. */
    void (*event)(void *opaque, int event);
} CharFrontendOps;

#define CHR_EVENT_BREAK  0
#define CHR_EVENT_OPENED 1
#define CHR_EVENT_CLOSED 2
/* A mux gave the terminal to this front end / took it away (Ctrl-A c). */
#define CHR_EVENT_MUX_IN  3
#define CHR_EVENT_MUX_OUT 4

/* Parse a -serial / -chardev / -monitor style spec ("stdio", "file:PATH", "null",
 * "unix:PATH,server,nowait", "tcp:HOST:PORT,server,nowait", "chardev:ID"). */
Chardev *chardev_new_from_spec(const char *id, const char *spec, GError **errp);
/* -chardev backend,id=ID,... */
Chardev *chardev_new_from_opts(const char *opts, GError **errp);
Chardev *chardev_find(const char *id);

/* A front end: the device. Only one per chardev (the mux adds more on stdio). */
void chardev_set_frontend(Chardev *chr, const CharFrontendOps *ops, void *opaque);
/* Write from the guest; returns bytes written (never blocks the vCPU for long). */
int chardev_write(Chardev *chr, const uint8_t *buf, int len);
/* Write every chardev's queued output (the main loop does, before it polls). */
void chardev_flush_all(void);
/* Tell the chardev the front end may accept input again (can_receive went > 0). */
void chardev_accept_input(Chardev *chr);
const char *chardev_label(Chardev *chr);
/* info chardev */
void chardev_info(FILE *f);

/* -nographic: stdio multiplexed between the serial port and the monitor with Ctrl-A. */
Chardev *chardev_stdio_mux(void);
/* Attach the monitor as a second front end of a mux. */
void chardev_mux_add_frontend(Chardev *mux, const CharFrontendOps *ops, void *opaque);
/* Restore the terminal (atexit, signals). */
void chardev_restore_terminal(void);
/* Ctrl-A s ("save disk data back to file"): the block layer registers its commit. */
void chardev_mux_set_commit_hook(void (*fn)(void));
/* Is this chardev (or the one behind a mux) the host's stdio? */
bool chardev_is_stdio(Chardev *chr);

#endif
