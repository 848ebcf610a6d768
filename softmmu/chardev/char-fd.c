/*
 * Simple fd back ends: null (swallows output, never gives input), file:PATH
 * (output only, as in QEMU) and pty (a host pseudo-terminal; its name is
 * printed so the user can attach, e.g. with screen or minicom).
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>
#include "char-internal.h"

static int chardev_null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static const ChardevClass chardev_null_class = {
    .kind = "null",
    .write = chardev_null_write,
};

Chardev *chardev_null_new(const char *label, GError **errp)
{
    return chardev_alloc(&chardev_null_class, label, "null");
}

static int chardev_fd_out_write(Chardev *chr, const uint8_t *buf, int len)
{
    return chardev_fd_write(chr, buf, len);
}

static const ChardevClass chardev_file_class = {
    .kind = "file",
    .write = chardev_fd_out_write,
};

Chardev *chardev_file_new(const char *label, const char *path, GError **errp)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    Chardev *chr;
    char *name;

    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot open '%s' for a chardev", path);
        return NULL;
    }
    name = g_strdup_printf("file:%s", path);
    chr = chardev_alloc(&chardev_file_class, label, name);
    g_free(name);
    chr->fd_out = fd;
    return chr;
}

/* ---- pty ---- */

/*
 * While no program has the slave open, reading the master gives EIO/HUP; poll
 * again every second instead of spinning on the dead fd.
 */
#define PTY_RETRY_MS 1000

static gboolean chardev_pty_retry(gpointer opaque)
{
    Chardev *chr = opaque;

    chr->in_eof = false;
    chardev_start_input(chr);
    return G_SOURCE_REMOVE;
}

static void chardev_pty_input_eof(Chardev *chr)
{
    g_timeout_add(PTY_RETRY_MS, chardev_pty_retry, chr);
}

static int chardev_pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    /* Non-blocking master: with nobody attached, output is simply dropped. */
    ssize_t n = write(chr->fd_out, buf, len);

    (void)n;
    return len;
}

static const ChardevClass chardev_pty_class = {
    .kind = "pty",
    .write = chardev_pty_write,
    .input_eof = chardev_pty_input_eof,
};

Chardev *chardev_pty_new(const char *label, GError **errp)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    struct termios tio;
    const char *slave;
    Chardev *chr;
    char *name;

    if (fd < 0 || grantpt(fd) < 0 || unlockpt(fd) < 0 || !(slave = ptsname(fd))) {
        error_setg_errno(errp, errno, "cannot create a pseudo-terminal");
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    /* Raw line discipline: bytes pass unchanged in both directions. */
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(fd, TCSAFLUSH, &tio);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    name = g_strdup_printf("pty:%s", slave);
    chr = chardev_alloc(&chardev_pty_class, label, name);
    g_free(name);
    chr->fd_in = fd;
    chr->fd_out = fd;
    fprintf(stderr, "char device redirected to %s (label %s)\n", slave,
            label ? label : "pty");
    return chr;
}
