/*
 * Inside the chardev layer: the Chardev object and its back-end class. Front ends
 * (UARTs, the monitor) only see include/chardev/char.h.
 */
#ifndef CHARDEV_CHAR_INTERNAL_H
#define CHARDEV_CHAR_INTERNAL_H

#include "chardev/char.h"

/* Output gathered between main loop iterations before one write(2). */
#define CHARDEV_OUT_BUF 4096

typedef struct ChardevClass {
    const char *kind;                 /* "stdio", "file", "socket", ... */
    /* Write guest output; returns bytes taken (may drop rather than block). */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* The front end can take input again. */
    void (*accept_input)(Chardev *chr);
    /* A front end attached (the mux keeps several). */
    void (*set_frontend)(Chardev *chr, const CharFrontendOps *ops, void *opaque);
    /* Input reached end of file (peer closed). */
    void (*input_eof)(Chardev *chr);
} ChardevClass;

struct Chardev {
    const ChardevClass *cls;
    char *label;                      /* id / "serial0" */
    char *filename;                   /* for info chardev */
    const CharFrontendOps *fe_ops;
    void *fe_opaque;
    int fd_in, fd_out;                /* -1 when closed */
    guint in_watch;                   /* GSource id reading fd_in, 0 if none */
    bool in_throttled;                /* watch removed because the front end is full */
    bool in_eof;
    bool opened;                      /* connected (sockets); always for files */
    bool out_stalled;                 /* the reader stopped: drop without waiting */
    /* Output not yet written to fd_out: see chardev_fd_write(). */
    int out_len;
    uint8_t out_buf[CHARDEV_OUT_BUF];
    void *state;                      /* the back end's own */
    Chardev *next;
};

/* char.c */
Chardev *chardev_alloc(const ChardevClass *cls, const char *label, const char *filename);
void chardev_start_input(Chardev *chr);
void chardev_stop_input(Chardev *chr);
/* Queue buf for chr->fd_out; it is written at the next main loop iteration (or
 * at once when the queue is full), waiting a bounded time for a slow reader; once
 * a reader has stalled, output is dropped until it reads again. */
int chardev_fd_write(Chardev *chr, const uint8_t *buf, int len);
/* Write chr's queued output now. */
void chardev_flush(Chardev *chr);
int chardev_fe_can_receive(Chardev *chr);
void chardev_fe_receive(Chardev *chr, const uint8_t *buf, int len);
void chardev_fe_event(Chardev *chr, int event);
bool chardev_label_in_use(const char *label);

/* char-fd.c */
Chardev *chardev_null_new(const char *label, GError **errp);
Chardev *chardev_file_new(const char *label, const char *path, GError **errp);
Chardev *chardev_pty_new(const char *label, GError **errp);
/* char-stdio.c */
Chardev *chardev_stdio_new(const char *label, bool signals, GError **errp);
/* char-mux.c: a mux in front of drv. */
Chardev *chardev_mux_new(const char *label, Chardev *drv);
/* char-socket.c */
Chardev *chardev_socket_new(const char *label, bool is_unix, const char *host,
                            const char *port_or_path, bool server, bool wait,
                            GError **errp);

#endif
