/*
 * Entropy sources (include/sysemu/rng.h). rng-random reads a file or character
 * device without blocking: a source with nothing to give (a FIFO, /dev/random on
 * an old kernel) is watched from the main loop and its reader called back, so
 * the vCPU never waits for entropy.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <unistd.h>
#include <sys/random.h>
#include <glib-unix.h>
#include "sysemu/rng.h"

struct RngBackend {
    char *id;
    int fd;                        /* rng-random; -1 for the built-in source */
    char *filename;
    guint watch;                   /* GSource waiting for fd to become readable */
    void (*readable_cb)(void *);
    void *readable_opaque;
    bool dead_logged;
    RngBackend *next;
};

static RngBackend *rng_list;

RngBackend *rng_backend_find(const char *id)
{
    for (RngBackend *b = rng_list; b; b = b->next) {
        if (b->id && strcmp(b->id, id) == 0) {
            return b;
        }
    }
    return NULL;
}

RngBackend *rng_backend_builtin(void)
{
    static RngBackend builtin = { .fd = -1 };

    return &builtin;
}

bool rng_object_add(const char *spec, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    const char *id = NULL, *filename = NULL;
    RngBackend *b;
    bool random;

    if (!parts[0] || (strcmp(parts[0], "rng-random") && strcmp(parts[0], "rng-builtin"))) {
        error_setg(errp, "-object %s: unsupported object type (mimic has rng-random "
                   "and rng-builtin)", parts[0] ? parts[0] : "");
        return false;
    }
    random = strcmp(parts[0], "rng-random") == 0;
    for (int i = 1; parts[i]; i++) {
        if (g_str_has_prefix(parts[i], "id=")) {
            id = parts[i] + 3;
        } else if (random && g_str_has_prefix(parts[i], "filename=")) {
            filename = parts[i] + 9;
        } else {
            error_setg(errp, "-object %s: unknown property '%s'", parts[0], parts[i]);
            return false;
        }
    }
    if (!id || !*id) {
        error_setg(errp, "-object %s: id= is required", parts[0]);
        return false;
    }
    if (rng_backend_find(id)) {
        error_setg(errp, "-object %s: id '%s' is used twice", parts[0], id);
        return false;
    }
    b = g_new0(RngBackend, 1);
    b->id = g_strdup(id);
    b->fd = -1;
    if (random) {
        b->filename = g_strdup(filename ? filename : "/dev/urandom");
        b->fd = open(b->filename, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (b->fd < 0) {
            error_setg_errno(errp, errno, "-object rng-random: cannot open '%s'",
                             b->filename);
            g_free(b->filename);
            g_free(b->id);
            g_free(b);
            return false;
        }
    }
    b->next = rng_list;
    rng_list = b;
    return true;
}

ssize_t rng_backend_read(RngBackend *b, void *buf, size_t len)
{
    ssize_t n;

    if (b->fd < 0) {
        n = getrandom(buf, len, GRND_NONBLOCK);
    } else {
        n = read(b->fd, buf, len);
    }
    if (n > 0) {
        return n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (!b->dead_logged) {
        b->dead_logged = true;
        error_report("rng %s: %s: no more entropy from this source", b->id ? b->id : "builtin",
                     n == 0 ? "end of file" : g_strerror(errno));
    }
    return -1;
}

static void rng_backend_fire(RngBackend *b)
{
    void (*cb)(void *) = b->readable_cb;

    b->watch = 0;
    b->readable_cb = NULL;
    if (cb) {
        cb(b->readable_opaque);
    }
}

static gboolean rng_backend_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    rng_backend_fire(opaque);
    return G_SOURCE_REMOVE;
}

static gboolean rng_backend_retry(gpointer opaque)
{
    rng_backend_fire(opaque);
    return G_SOURCE_REMOVE;
}

void rng_backend_when_readable(RngBackend *b, void (*cb)(void *opaque), void *opaque)
{
    b->readable_cb = cb;
    b->readable_opaque = opaque;
    if (b->watch) {
        return;
    }
    if (b->fd >= 0) {
        b->watch = g_unix_fd_add(b->fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                 rng_backend_readable, b);
    } else {
        /* getrandom() has nothing only before the host's pool is seeded. */
        b->watch = g_timeout_add(10, rng_backend_retry, b);
    }
}
