/*
 * Socket back ends: unix:PATH and tcp:HOST:PORT, as client or server
 * (",server" listens; ",nowait" starts the guest before a client connects).
 * A server takes one client at a time and listens again when it leaves; output
 * while nobody is connected is dropped, as on a serial line with no cable.
 */
#include "qemu/osdep.h"
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <poll.h>
#include <glib-unix.h>
#include "char-internal.h"
#include "../internal.h"

typedef struct SocketState {
    bool server;
    int listen_fd;
    guint listen_watch;
    char *desc;                 /* "unix:/path,server=on" for messages */
} SocketState;

static void socket_set_connected(Chardev *chr, int fd);

static void socket_configure(int fd, bool is_tcp)
{
    int one = 1;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (is_tcp) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
}

static gboolean socket_accept_cb(gint fd, GIOCondition cond, gpointer opaque)
{
    Chardev *chr = opaque;
    SocketState *s = chr->state;
    int conn = accept(fd, NULL, NULL);

    if (conn < 0) {
        return G_SOURCE_CONTINUE;   /* EAGAIN or a client that gave up */
    }
    s->listen_watch = 0;
    socket_set_connected(chr, conn);
    return G_SOURCE_REMOVE;
}

static void socket_listen_again(Chardev *chr)
{
    SocketState *s = chr->state;

    if (s->server && s->listen_fd >= 0 && !s->listen_watch) {
        s->listen_watch = g_unix_fd_add(s->listen_fd, G_IO_IN, socket_accept_cb, chr);
    }
}

static void socket_set_connected(Chardev *chr, int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    bool is_tcp = getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
                  ss.ss_family != AF_UNIX;

    socket_configure(fd, is_tcp);
    chr->fd_in = fd;
    chr->fd_out = fd;
    chr->in_eof = false;
    chr->out_stalled = false;
    chr->opened = true;
    chardev_fe_event(chr, CHR_EVENT_OPENED);
    chardev_start_input(chr);
}

static void socket_input_eof(Chardev *chr)
{
    /* The peer went away: drop the connection, and listen again if a server. */
    chardev_stop_input(chr);
    if (chr->fd_in >= 0) {
        close(chr->fd_in);
    }
    chr->fd_in = chr->fd_out = -1;
    chr->opened = false;
    chardev_fe_event(chr, CHR_EVENT_CLOSED);
    socket_listen_again(chr);
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->fd_out < 0) {
        return len;
    }
    return chardev_fd_write(chr, buf, len);
}

static const ChardevClass chardev_socket_class = {
    .kind = "socket",
    .write = socket_write,
    .input_eof = socket_input_eof,
};

/* Resolve into a list of addresses to try; returns the getaddrinfo list. */
static struct addrinfo *socket_resolve_tcp(const char *host, const char *port,
                                           bool server, GError **errp)
{
    struct addrinfo hints = { 0 }, *res = NULL;
    int rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = server ? AI_PASSIVE : 0;
    rc = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "tcp:%s:%s: %s", host ? host : "", port, gai_strerror(rc));
        return NULL;
    }
    return res;
}

static int socket_open_unix(const char *path, bool server, GError **errp)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
        error_setg(errp, "unix:%s: socket path too long", path);
        return -1;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "unix:%s: socket", path);
        return -1;
    }
    if (server) {
        unlink(path);   /* a stale socket file from an earlier run */
        if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
            error_setg_errno(errp, errno, "unix:%s: cannot listen", path);
            close(fd);
            return -1;
        }
    } else if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        error_setg_errno(errp, errno, "unix:%s: cannot connect", path);
        close(fd);
        return -1;
    }
    return fd;
}

static int socket_open_tcp(const char *host, const char *port, bool server,
                           GError **errp)
{
    struct addrinfo *res = socket_resolve_tcp(host, port, server, errp);
    int fd = -1, saved = 0;

    if (!res) {
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int one = 1;

        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (server) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0) {
                break;
            }
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, saved, "tcp:%s:%s: cannot %s", host ? host : "", port,
                         server ? "listen" : "connect");
    }
    return fd;
}

Chardev *chardev_socket_new(const char *label, bool is_unix, const char *host,
                            const char *port_or_path, bool server, bool wait,
                            GError **errp)
{
    SocketState *s;
    Chardev *chr;
    char *desc;
    int fd;

    fd = is_unix ? socket_open_unix(port_or_path, server, errp)
                 : socket_open_tcp(host, port_or_path, server, errp);
    if (fd < 0) {
        return NULL;
    }
    if (is_unix) {
        desc = g_strdup_printf("unix:%s%s", port_or_path, server ? ",server=on" : "");
    } else {
        desc = g_strdup_printf("tcp:%s:%s%s", host ? host : "", port_or_path,
                               server ? ",server=on" : "");
    }
    chr = chardev_alloc(&chardev_socket_class, label, desc);
    s = g_new0(SocketState, 1);
    s->server = server;
    s->listen_fd = -1;
    s->desc = desc;
    chr->state = s;
    chr->opened = false;

    if (!server) {
        socket_set_connected(chr, fd);
        return chr;
    }
    s->listen_fd = fd;
    if (wait) {
        int conn;

        fprintf(stderr, "mimic: waiting for connection on: disconnected:%s\n", desc);
        /* Poll rather than block in accept, so Ctrl-C (a shutdown request from
         * the signal handler, with SA_RESTART) still gets us out. */
        for (;;) {
            struct pollfd pfd = { .fd = fd, .events = POLLIN };

            if (runstate_has_requests()) {
                error_setg(errp, "%s: interrupted while waiting for a connection",
                           desc);
                return NULL;
            }
            if (poll(&pfd, 1, 200) > 0) {
                conn = accept(fd, NULL, NULL);
                if (conn >= 0) {
                    break;
                }
            }
        }
        socket_set_connected(chr, conn);
    } else {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        socket_listen_again(chr);
    }
    return chr;
}
