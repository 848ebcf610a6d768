/*
 * Character devices: the registry, the front-end plumbing shared by every back
 * end (flow-controlled fd input, bounded fd output) and the parsers for the
 * -serial / -chardev / -monitor syntaxes.
 *
 * Input is read only while the front end's can_receive() allows it: when it says
 * 0 the fd watch is removed, and chardev_accept_input() (the UART drained its
 * FIFO) puts it back, so bytes wait in the kernel rather than being dropped.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <unistd.h>
#include <glib-unix.h>
#include "qemu/timer.h"
#include "hw/qdev.h"
#include "char-internal.h"

/* How long one write may wait for a slow reader before output is dropped. */
#define CHARDEV_WRITE_BUDGET_MS 2000

static Chardev *chardev_list;
static bool flush_at_exit;

Chardev *chardev_alloc(const ChardevClass *cls, const char *label, const char *filename)
{
    Chardev *chr = g_new0(Chardev, 1);
    Chardev **pp = &chardev_list;

    chr->cls = cls;
    chr->label = g_strdup(label);
    chr->filename = g_strdup(filename);
    chr->fd_in = -1;
    chr->fd_out = -1;
    chr->opened = true;
    if (!flush_at_exit) {
        flush_at_exit = true;
        atexit(chardev_flush_all);   /* the last lines before exit() */
    }
    while (*pp) {
        pp = &(*pp)->next;
    }
    *pp = chr;
    return chr;
}

bool chardev_label_in_use(const char *label)
{
    return label && chardev_find(label) != NULL;
}

Chardev *chardev_find(const char *id)
{
    for (Chardev *chr = chardev_list; chr; chr = chr->next) {
        if (chr->label && strcmp(chr->label, id) == 0) {
            return chr;
        }
    }
    return NULL;
}

const char *chardev_label(Chardev *chr)
{
    return chr->label ? chr->label : "";
}

void chardev_info(FILE *f)
{
    for (Chardev *chr = chardev_list; chr; chr = chr->next) {
        fprintf(f, "%s: filename=%s\n", chardev_label(chr),
                chr->filename ? chr->filename : chr->cls->kind);
    }
}

/* ---- front end ---- */

int chardev_fe_can_receive(Chardev *chr)
{
    if (!chr->fe_ops || !chr->fe_ops->can_receive) {
        return 0;
    }
    return chr->fe_ops->can_receive(chr->fe_opaque);
}

void chardev_fe_receive(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->fe_ops && chr->fe_ops->receive && len > 0) {
        chr->fe_ops->receive(chr->fe_opaque, buf, len);
    }
}

void chardev_fe_event(Chardev *chr, int event)
{
    if (chr->fe_ops && chr->fe_ops->event) {
        chr->fe_ops->event(chr->fe_opaque, event);
    }
}

void chardev_set_frontend(Chardev *chr, const CharFrontendOps *ops, void *opaque)
{
    if (chr->cls->set_frontend) {
        chr->cls->set_frontend(chr, ops, opaque);
        return;
    }
    chr->fe_ops = ops;
    chr->fe_opaque = opaque;
    if (!ops) {
        chardev_stop_input(chr);   /* detached: leave input in the kernel */
        return;
    }
    if (chr->opened) {
        chardev_fe_event(chr, CHR_EVENT_OPENED);
    }
    chardev_start_input(chr);
}

int chardev_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (!chr || len <= 0) {
        return 0;
    }
    return chr->cls->write(chr, buf, len);
}

void chardev_accept_input(Chardev *chr)
{
    if (!chr) {
        return;
    }
    if (chr->cls->accept_input) {
        chr->cls->accept_input(chr);
        return;
    }
    chardev_start_input(chr);
}

/* ---- fd input ---- */

static gboolean chardev_fd_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    uint8_t buf[4096];
    int room = chardev_fe_can_receive(chr);
    ssize_t n;

    if (room <= 0) {
        /* Let the bytes wait in the kernel until the front end drains. */
        chr->in_watch = 0;
        chr->in_throttled = true;
        return G_SOURCE_REMOVE;
    }
    n = read(fd, buf, MIN((size_t)room, sizeof(buf)));
    if (n > 0) {
        chardev_fe_receive(chr, buf, (int)n);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return G_SOURCE_CONTINUE;
    }
    /* End of file or a dead fd: stop polling it (else poll spins on it). */
    chr->in_watch = 0;
    chr->in_eof = true;
    if (chr->cls->input_eof) {
        chr->cls->input_eof(chr);
    }
    return G_SOURCE_REMOVE;
}

void chardev_start_input(Chardev *chr)
{
    chr->in_throttled = false;
    if (chr->in_watch || chr->fd_in < 0 || chr->in_eof || !chr->fe_ops) {
        return;
    }
    chr->in_watch = g_unix_fd_add(chr->fd_in, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                  chardev_fd_readable, chr);
}

void chardev_stop_input(Chardev *chr)
{
    if (chr->in_watch) {
        g_source_remove(chr->in_watch);
        chr->in_watch = 0;
    }
}

/* ---- fd output ---- */

/*
 * Guest output is queued and written once per main loop iteration. A UART sends
 * one byte per THR write, so writing each byte through cost a poll(2) and a
 * write(2) per character: most of the time a guest spent printing to its console.
 * The main loop runs between vCPU slices (at most 10 ms apart) and before it
 * sleeps, so output still appears within a few milliseconds, in order.
 */
/* Has a stalled reader started reading again? */
static bool chardev_out_resumed(Chardev *chr)
{
    struct pollfd pfd = { .fd = chr->fd_out, .events = POLLOUT };

    if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLOUT)) {
        return false;
    }
    chr->out_stalled = false;
    return true;
}

static void chardev_fd_write_now(Chardev *chr, const uint8_t *buf, int len)
{
    int fd = chr->fd_out;
    int64_t give_up;
    int done = 0;

    if (fd < 0) {
        return;       /* nowhere to go (closed): the guest must not stall */
    }
    /* Drop until the reader drains (Ctrl-S on a terminal, a paused pipe),
     * instead of stalling the vCPU for every write. */
    if (chr->out_stalled && !chardev_out_resumed(chr)) {
        return;
    }
    give_up = clock_get_ns(CLOCK_REALTIME) + (int64_t)CHARDEV_WRITE_BUDGET_MS * 1000000;
    while (done < len) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        int64_t left = give_up - clock_get_ns(CLOCK_REALTIME);
        int r;
        ssize_t n;

        if (left <= 0) {
            chr->out_stalled = true;
            break;
        }
        r = poll(&pfd, 1, (int)(left / 1000000) + 1);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            chr->out_stalled = true;
            break;
        }
        if (pfd.revents & (POLLERR | POLLNVAL)) {
            break;
        }
        /* One pipe buffer page at a time: a blocking fd then never blocks. */
        n = write(fd, buf + done, MIN(len - done, 4096));
        if (n > 0) {
            done += n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        } else {
            break;
        }
    }
    /* Whatever could not be written is dropped. */
}

void chardev_flush(Chardev *chr)
{
    int len = chr->out_len;

    if (len > 0) {
        chr->out_len = 0;
        chardev_fd_write_now(chr, chr->out_buf, len);
    }
}

void chardev_flush_all(void)
{
    for (Chardev *chr = chardev_list; chr; chr = chr->next) {
        chardev_flush(chr);
    }
}

int chardev_fd_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->fd_out < 0) {
        chr->out_len = 0;
        return len;
    }
    /* What a stalled reader would not read is dropped now, not queued. */
    if (chr->out_stalled && !chardev_out_resumed(chr)) {
        return len;
    }
    if (chr->out_len + len > CHARDEV_OUT_BUF) {
        chardev_flush(chr);
        if (len > CHARDEV_OUT_BUF / 2) {
            chardev_fd_write_now(chr, buf, len);
            return len;
        }
    }
    memcpy(chr->out_buf + chr->out_len, buf, len);
    chr->out_len += len;
    /* Reported as taken: what a stalled reader never reads is dropped. */
    return len;
}

/* ---- spec parsing ---- */

/* "a,b,server,nowait,k=v": flags and key/values after the first field. */
typedef struct ChardevOpts {
    GHashTable *kv;
} ChardevOpts;

static bool chardev_opts_bool(GHashTable *kv, const char *key, bool def, bool *out,
                              GError **errp)
{
    const char *v;

    if (!g_hash_table_contains(kv, key)) {
        *out = def;
        return true;
    }
    v = g_hash_table_lookup(kv, key);
    if (!v) {
        *out = true;   /* bare flag: "server" */
        return true;
    }
    if (!qdev_parse_bool(v, out)) {
        error_setg(errp, "chardev option '%s' takes on/off, not '%s'", key, v);
        return false;
    }
    return true;
}

/* Split "k=v,flag,..." into a table; later keys override earlier. */
static GHashTable *chardev_parse_kv(gchar **parts)
{
    GHashTable *kv = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

    for (gchar **p = parts; *p; p++) {
        char *eq = strchr(*p, '=');

        if (!**p) {
            continue;
        }
        if (eq) {
            g_hash_table_insert(kv, g_strndup(*p, eq - *p), g_strdup(eq + 1));
        } else if (strcmp(*p, "nowait") == 0) {
            g_hash_table_insert(kv, g_strdup("wait"), g_strdup("off"));
        } else if (strcmp(*p, "nodelay") == 0) {
            g_hash_table_insert(kv, g_strdup("nodelay"), g_strdup("on"));
        } else {
            g_hash_table_insert(kv, g_strdup(*p), NULL);
        }
    }
    return kv;
}

static bool chardev_check_keys(GHashTable *kv, const char *const *allowed,
                               const char *what, GError **errp)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, kv);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        bool ok = false;

        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(key, *a) == 0) {
                ok = true;
                break;
            }
        }
        if (!ok) {
            error_setg(errp, "%s: unknown option '%s'", what, (const char *)key);
            return false;
        }
    }
    return true;
}

static Chardev *chardev_socket_from_kv(const char *label, bool is_unix,
                                       const char *host, const char *port_or_path,
                                       GHashTable *kv, GError **errp)
{
    bool server, wait;

    if (!chardev_opts_bool(kv, "server", false, &server, errp) ||
        !chardev_opts_bool(kv, "wait", true, &wait, errp)) {
        return NULL;
    }
    return chardev_socket_new(label, is_unix, host, port_or_path, server, wait, errp);
}

Chardev *chardev_new_from_spec(const char *id, const char *spec, GError **errp)
{
    static const char *const socket_keys[] = { "server", "wait", "nodelay", NULL };
    gchar **parts = NULL;
    GHashTable *kv = NULL;
    Chardev *chr = NULL;

    if (id && chardev_label_in_use(id)) {
        error_setg(errp, "chardev '%s' already exists", id);
        return NULL;
    }
    if (strcmp(spec, "null") == 0) {
        return chardev_null_new(id, errp);
    }
    if (strcmp(spec, "stdio") == 0) {
        return chardev_stdio_new(id, true, errp);
    }
    if (strcmp(spec, "mon:stdio") == 0) {
        return chardev_stdio_mux();
    }
    if (strcmp(spec, "pty") == 0) {
        return chardev_pty_new(id, errp);
    }
    if (g_str_has_prefix(spec, "file:")) {
        if (!spec[5]) {
            error_setg(errp, "file: needs a path");
            return NULL;
        }
        return chardev_file_new(id, spec + 5, errp);
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        chr = chardev_find(spec + 8);
        if (!chr) {
            error_setg(errp, "no chardev with id '%s'", spec + 8);
        }
        return chr;
    }
    if (g_str_has_prefix(spec, "unix:")) {
        parts = g_strsplit(spec + 5, ",", -1);
        if (!parts[0] || !*parts[0]) {
            error_setg(errp, "unix: needs a socket path");
            goto out;
        }
        kv = chardev_parse_kv(parts + 1);
        if (chardev_check_keys(kv, socket_keys, spec, errp)) {
            chr = chardev_socket_from_kv(id, true, NULL, parts[0], kv, errp);
        }
        goto out;
    }
    if (g_str_has_prefix(spec, "tcp:")) {
        char *colon;

        parts = g_strsplit(spec + 4, ",", -1);
        colon = parts[0] ? strrchr(parts[0], ':') : NULL;
        if (!colon || !colon[1]) {
            error_setg(errp, "tcp: takes HOST:PORT, not '%s'", spec + 4);
            goto out;
        }
        *colon = '\0';
        kv = chardev_parse_kv(parts + 1);
        if (chardev_check_keys(kv, socket_keys, spec, errp)) {
            chr = chardev_socket_from_kv(id, false, parts[0], colon + 1, kv, errp);
        }
        goto out;
    }
    error_setg(errp, "unsupported character device '%s' (use stdio, mon:stdio, null, "
               "pty, file:PATH, unix:PATH[,server,nowait], tcp:HOST:PORT[,server,"
               "nowait] or chardev:ID)", spec);
out:
    if (kv) {
        g_hash_table_destroy(kv);
    }
    g_strfreev(parts);
    return chr;
}

Chardev *chardev_new_from_opts(const char *opts, GError **errp)
{
    static const char *const common_keys[] = { "id", "mux", "signal", "path", "host",
                                               "port", "server", "wait", "nodelay",
                                               "logfile", NULL };
    gchar **parts = g_strsplit(opts, ",", -1);
    GHashTable *kv;
    const char *backend = parts[0], *id, *path;
    Chardev *chr = NULL;
    bool mux = false, signals = true;

    if (!backend || !*backend) {
        error_setg(errp, "-chardev: missing back end name");
        g_strfreev(parts);
        return NULL;
    }
    kv = chardev_parse_kv(parts + 1);
    if (!chardev_check_keys(kv, common_keys, "-chardev", errp)) {
        goto out;
    }
    if (g_hash_table_contains(kv, "logfile")) {
        error_setg(errp, "-chardev: logfile= is not supported");
        goto out;
    }
    id = g_hash_table_lookup(kv, "id");
    if (!id || !*id) {
        error_setg(errp, "-chardev %s: id= is required", backend);
        goto out;
    }
    if (chardev_label_in_use(id)) {
        error_setg(errp, "-chardev: duplicate id '%s'", id);
        goto out;
    }
    if (!chardev_opts_bool(kv, "mux", false, &mux, errp) ||
        !chardev_opts_bool(kv, "signal", true, &signals, errp)) {
        goto out;
    }
    path = g_hash_table_lookup(kv, "path");

    if (strcmp(backend, "stdio") == 0) {
        if (mux) {
            /* The Ctrl-A mux on stdio, findable under this id. */
            chr = chardev_stdio_mux();
            g_free(chr->label);
            chr->label = g_strdup(id);
            goto out;
        }
        chr = chardev_stdio_new(id, signals, errp);
        goto out;
    } else if (strcmp(backend, "null") == 0) {
        chr = chardev_null_new(mux ? NULL : id, errp);
    } else if (strcmp(backend, "file") == 0) {
        if (!path) {
            error_setg(errp, "-chardev file: path= is required");
            goto out;
        }
        chr = chardev_file_new(mux ? NULL : id, path, errp);
    } else if (strcmp(backend, "pty") == 0) {
        chr = chardev_pty_new(mux ? NULL : id, errp);
    } else if (strcmp(backend, "socket") == 0) {
        const char *host = g_hash_table_lookup(kv, "host");
        const char *port = g_hash_table_lookup(kv, "port");

        if (path) {
            chr = chardev_socket_from_kv(mux ? NULL : id, true, NULL, path, kv, errp);
        } else if (port) {
            chr = chardev_socket_from_kv(mux ? NULL : id, false, host ? host : "0.0.0.0",
                                         port, kv, errp);
        } else {
            error_setg(errp, "-chardev socket: needs path= or host=,port=");
            goto out;
        }
    } else {
        error_setg(errp, "-chardev: unsupported back end '%s' (null, stdio, file, pty, "
                   "socket)", backend);
        goto out;
    }
    if (chr && mux) {
        chr = chardev_mux_new(id, chr);
    }
out:
    g_hash_table_destroy(kv);
    g_strfreev(parts);
    return chr;
}
