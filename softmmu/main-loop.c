/*
 * The main loop: one GLib GMainContext iteration at a time, driven by hand so the
 * poll timeout can be bounded by mimic's own timers with nanosecond precision.
 * File descriptors (chardev input, sockets, the monitor, slirp) are GSources on
 * the default context; an eventfd lets any context (signal handlers included)
 * wake a blocking wait.
 */
#include "qemu/osdep.h"
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <glib-unix.h>
#include "qemu/timer.h"
#include "chardev/char.h"
#include "sysemu/runstate.h"
#include "internal.h"

static GMainContext *main_ctx;
static int notify_fd = -1;
static GPollFD *poll_fds;
static gint poll_fds_alloc;

static gboolean main_loop_notify_cb(gint fd, GIOCondition cond, gpointer opaque)
{
    uint64_t v;

    /* Drain: the wake-up has done its job by ending the poll. */
    while (read(fd, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
        continue;
    }
    return G_SOURCE_CONTINUE;
}

void main_loop_init(void)
{
    if (main_ctx) {
        return;
    }
    main_ctx = g_main_context_default();
    if (!g_main_context_acquire(main_ctx)) {
        error_report("cannot acquire the GLib main context");
        exit(1);
    }
    notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (notify_fd < 0) {
        error_report("eventfd: %s", g_strerror(errno));
        exit(1);
    }
    g_unix_fd_add(notify_fd, G_IO_IN, main_loop_notify_cb, NULL);
}

void qemu_notify_event(void)
{
    int saved_errno = errno;

    if (notify_fd >= 0) {
        uint64_t one = 1;
        ssize_t r = write(notify_fd, &one, sizeof(one));

        (void)r;   /* EAGAIN: counter full, a wake-up is already pending */
    }
    cpus_kick_running();
    errno = saved_errno;
}

/* One poll of the GLib context; true if a source was dispatched. */
static bool main_loop_poll_once(int64_t timeout_ns)
{
    gint max_priority, nfds, glib_timeout_ms;
    int64_t deadline, timeout;
    struct timespec ts, *tsp;
    bool dispatched = false;

    /* Guest output queued since the last iteration goes out before we sleep. */
    chardev_flush_all();
    g_main_context_prepare(main_ctx, &max_priority);
    for (;;) {
        nfds = g_main_context_query(main_ctx, max_priority, &glib_timeout_ms,
                                    poll_fds, poll_fds_alloc);
        if (nfds <= poll_fds_alloc) {
            break;
        }
        poll_fds_alloc = nfds;
        poll_fds = g_renew(GPollFD, poll_fds, poll_fds_alloc);
    }

    /* Sleep no longer than the caller allows, GLib's own timeouts, our timers. */
    timeout = timeout_ns;
    if (glib_timeout_ms >= 0) {
        int64_t g = (int64_t)glib_timeout_ms * 1000000;

        timeout = timeout < 0 ? g : MIN(timeout, g);
    }
    deadline = timers_deadline_ns();
    if (deadline >= 0) {
        timeout = timeout < 0 ? deadline : MIN(timeout, deadline);
    }
    if (runstate_has_requests()) {
        timeout = 0;
    }
    if (timeout < 0) {
        tsp = NULL;
    } else {
        ts.tv_sec = timeout / NANOSECONDS_PER_SECOND;
        ts.tv_nsec = timeout % NANOSECONDS_PER_SECOND;
        tsp = &ts;
    }

    /* GPollFD has struct pollfd's layout on Linux (GLib relies on it too). */
    G_STATIC_ASSERT(sizeof(GPollFD) == sizeof(struct pollfd));
    if (ppoll((struct pollfd *)poll_fds, nfds, tsp, NULL) < 0 && errno != EINTR) {
        error_report("ppoll: %s", g_strerror(errno));
    }
    if (g_main_context_check(main_ctx, max_priority, poll_fds, nfds)) {
        g_main_context_dispatch(main_ctx);
        dispatched = true;
    }
    return dispatched;
}

void main_loop_wait(int64_t timeout_ns)
{
    int64_t end = -1;

    main_loop_init();
    if (timeout_ns > 0) {
        end = clock_get_ns(CLOCK_REALTIME) + timeout_ns;
    }
    for (;;) {
        bool dispatched = main_loop_poll_once(timeout_ns);
        bool ran = timers_run_expired();

        /*
         * GLib's own wake-ups (a source added or removed) end a poll without
         * anything for us to do: keep waiting for the rest of the time.
         */
        if (dispatched || ran || timeout_ns == 0 || runstate_has_requests()) {
            return;
        }
        if (end >= 0) {
            timeout_ns = end - clock_get_ns(CLOCK_REALTIME);
            if (timeout_ns <= 0) {
                return;
            }
        }
    }
}
