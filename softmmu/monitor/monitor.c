/*
 * The human monitor's terminal side: line editing, history (Up/Down, emacs key
 * bindings) and Tab completion of command names come from libedit; complete lines
 * run through hmp_execute and the output goes back with CR LF line ends, as QEMU's
 * monitor does.
 *
 * libedit wants a terminal and a blocking reader, while the monitor's input arrives
 * from the chardev layer (stdio, a socket, or stdio shared with the serial console
 * through the Ctrl-A mux) on the main loop, which must never block. So:
 *   - a pseudo-terminal is the adapter for input: the main loop writes the
 *     chardev's bytes into the pty master; libedit reads the slave, which is a
 *     real tty whose modes it may set as it likes;
 *   - libedit runs el_gets on a thread of its own; its output goes through a
 *     FILE of our own making (fopencookie) into a queue, never through the pty;
 *   - the main loop drains that queue in order: libedit's output goes to the
 *     chardev, complete lines are executed on the main thread (the machine is
 *     only ever touched from there) and the thread waits until a line is done
 *     before it prompts again, so command output and prompts never interleave.
 * Greeting a new client, redrawing after Ctrl-A c and following a new terminal
 * size are done inside libedit through private key sequences the main loop injects
 * into the pty: libedit is not thread-safe, so only its own thread may touch it.
 *
 * Terminal size: a stdio monitor starts with the size of the terminal behind stdout
 * and follows it: on SIGWINCH the main loop copies the new size to the pty and
 * asks libedit to read it again (el_resize). A socket's client sends no size (no
 * telnet NAWS on a raw socket), so its pty is MONITOR_SOCKET_COLUMNS wide: the width
 * of a VT100, the terminal libedit is told it drives there. A narrower line is safe
 * on any terminal; libedit wraps longer input lines itself.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "chardev/char.h"
#include "sysemu/vl.h"
#include "qemu/log.h"

#include <fcntl.h>
#include <glib-unix.h>
#include <histedit.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>

#define MONITOR_PROMPT "(qemu) "
#define MONITOR_HISTORY_MAX 100
#define MONITOR_SOCKET_COLUMNS 80
/* Keep room in the pty's input buffer (4 KiB on Linux) for what libedit reads. */
#define MONITOR_PTY_ROOM 2048

/* Private sequences the main loop types into the pty (bound in monitor_el_setup). */
#define MONITOR_KEY_GREET "\033[9901~"
#define MONITOR_KEY_REDRAW "\033[9902~"
#define MONITOR_KEY_RESIZE "\033[9903~"

typedef enum MonitorItemKind {
    ITEM_OUTPUT,     /* bytes libedit wrote */
    ITEM_LINE,       /* a complete line to execute */
    ITEM_READY,      /* libedit is reading: input may flow */
    ITEM_RESET,      /* everything before this belongs to an earlier client */
} MonitorItemKind;

typedef struct MonitorItem {
    MonitorItemKind kind;
    size_t len;
    char data[];
} MonitorItem;

struct Monitor {
    Chardev *chr;
    bool on_mux;
    bool focused;           /* on a mux: the terminal is ours (Ctrl-A c) */
    bool greeted;
    bool discarding;        /* drop libedit output until the next ITEM_RESET */

    int master_fd, slave_fd;
    FILE *el_in, *el_out;
    EditLine *el;
    History *hist;

    GThread *thread;
    GAsyncQueue *to_main;   /* MonitorItem *, in order */
    int wake_fd[2];         /* the thread pokes the main loop */
    guint wake_watch, master_watch, winch_watch;
    int ready;              /* atomic: libedit is inside el_gets */

    GMutex lock;            /* line_done handshake */
    GCond cond;
    bool line_done;
};

/* ---- the editing thread ---- */

static void monitor_post(Monitor *mon, MonitorItemKind kind, const char *data, size_t len)
{
    MonitorItem *it = g_malloc(sizeof(*it) + len + 1);
    char c = 0;

    it->kind = kind;
    it->len = len;
    if (len) {
        memcpy(it->data, data, len);
    }
    it->data[len] = '\0';
    g_async_queue_push(mon->to_main, it);
    /* A full pipe already means a wake-up is pending. */
    if (write(mon->wake_fd[1], &c, 1) < 0) {
        /* EAGAIN: fine */
    }
}

static ssize_t monitor_cookie_write(void *opaque, const char *buf, size_t size)
{
    monitor_post(opaque, ITEM_OUTPUT, buf, size);
    return size;
}

static Monitor *monitor_of(EditLine *el)
{
    Monitor *mon = NULL;

    el_get(el, EL_CLIENTDATA, &mon);
    return mon;
}

static char *monitor_el_prompt(EditLine *el)
{
    Monitor *mon = monitor_of(el);

    /* el_gets draws the prompt once the tty is in its editing mode. */
    if (!g_atomic_int_get(&mon->ready)) {
        g_atomic_int_set(&mon->ready, 1);
        monitor_post(mon, ITEM_READY, NULL, 0);
    }
    return (char *)MONITOR_PROMPT;
}

static void monitor_el_clear_line(EditLine *el)
{
    const LineInfo *li = el_line(el);

    el_cursor(el, (int)(li->lastchar - li->cursor));
    li = el_line(el);
    el_deletestr(el, (int)(li->lastchar - li->buffer));
}

/* A new client, or the first Ctrl-A c: greeting and an empty line. */
static unsigned char monitor_el_greet(EditLine *el, int ch)
{
    Monitor *mon = monitor_of(el);
    FILE *out = NULL;

    el_get(el, EL_GETFP, 1, &out);
    fflush(out);
    monitor_post(mon, ITEM_RESET, NULL, 0);
    monitor_el_clear_line(el);
    fprintf(out, "mimic %s monitor - type 'help' for more information\n",
            vl_version_string());
    /* The cursor is at the start of a fresh line: draw there (CC_REDISPLAY would
     * first go back to erase the old prompt). */
    el_set(el, EL_REFRESH);
    return CC_NORM;
}

/* Ctrl-A c back to the monitor: draw the prompt and the line being edited afresh. */
static unsigned char monitor_el_redraw(EditLine *el, int ch)
{
    Monitor *mon = monitor_of(el);
    FILE *out = NULL;

    el_get(el, EL_GETFP, 1, &out);
    fflush(out);
    monitor_post(mon, ITEM_RESET, NULL, 0);
    fputs("\r\033[K", out);
    el_set(el, EL_REFRESH);
    return CC_NORM;
}

/* The pty has a new size (SIGWINCH on stdio): take it and redraw the line. */
static unsigned char monitor_el_resize(EditLine *el, int ch)
{
    el_resize(el);
    return CC_REDISPLAY;
}

/* Tab: complete the command word (the only word that has a fixed vocabulary). */
static unsigned char monitor_el_complete(EditLine *el, int ch)
{
    const LineInfo *li = el_line(el);
    size_t plen = li->cursor - li->buffer;
    g_autofree char *prefix = g_strndup(li->buffer, plen);
    g_auto(GStrv) matches = NULL;
    size_t common;
    int n;

    if (strchr(prefix, ' ')) {
        return CC_ERROR;
    }
    matches = hmp_complete(prefix);
    n = g_strv_length(matches);
    if (n == 0) {
        return CC_ERROR;
    }
    common = strlen(matches[0]);
    for (int i = 1; i < n; i++) {
        size_t k = 0;

        while (k < common && matches[i][k] == matches[0][k]) {
            k++;
        }
        common = k;
    }
    if (n == 1) {
        g_autofree char *rest = g_strdup_printf("%s ", matches[0] + plen);

        el_insertstr(el, rest);
        return CC_REFRESH;
    }
    if (common > plen) {
        g_autofree char *rest = g_strndup(matches[0] + plen, common - plen);

        el_insertstr(el, rest);
        return CC_REFRESH;
    }
    /* Ambiguous: list the candidates below and draw the line again. */
    {
        FILE *out = NULL;

        el_get(el, EL_GETFP, 1, &out);
        fputs("\n", out);
        for (int i = 0; i < n; i++) {
            fputs(matches[i], out);
            fputs(i + 1 < n ? " " : "\n", out);
        }
    }
    return CC_REDISPLAY;
}

static gpointer monitor_thread(gpointer opaque)
{
    Monitor *mon = opaque;
    HistEvent ev;
    int failures = 0;

    for (;;) {
        int count = 0;
        const char *line = el_gets(mon->el, &count);
        g_autofree char *cmd = NULL;

        g_atomic_int_set(&mon->ready, 0);
        if (!line) {
            /* Ctrl-D on an empty line ends nothing here; a dead pty ends us. */
            if (count < 0 && errno != EINTR && ++failures > 100) {
                mimic_log_mask(LOG_UNIMP, "monitor: terminal input failed: %s\n",
                               strerror(errno));
                return NULL;
            }
            continue;
        }
        failures = 0;
        cmd = g_strndup(line, count);
        g_strchomp(cmd);
        if (cmd[strspn(cmd, " \t")]) {
            history(mon->hist, &ev, H_ENTER, cmd);
        }
        g_mutex_lock(&mon->lock);
        mon->line_done = false;
        g_mutex_unlock(&mon->lock);
        monitor_post(mon, ITEM_LINE, cmd, strlen(cmd));
        g_mutex_lock(&mon->lock);
        while (!mon->line_done) {
            g_cond_wait(&mon->cond, &mon->lock);
        }
        g_mutex_unlock(&mon->lock);
    }
    return NULL;
}

/* ---- the main loop side ---- */

static void monitor_write(Monitor *mon, const char *s, size_t n)
{
    /* The terminal is raw: a bare LF would not return the carriage. */
    size_t start = 0;

    if (mon->on_mux && !mon->focused) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
            if (i > start) {
                chardev_write(mon->chr, (const uint8_t *)s + start, i - start);
            }
            chardev_write(mon->chr, (const uint8_t *)"\r\n", 2);
            start = i + 1;
        }
    }
    if (n > start) {
        chardev_write(mon->chr, (const uint8_t *)s + start, n - start);
    }
}

static void monitor_run_line(Monitor *mon, const char *cmd)
{
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);

    if (out) {
        hmp_execute(cmd, out);
        fclose(out);
        monitor_write(mon, text, text_len);
        free(text);
    }
    g_mutex_lock(&mon->lock);
    mon->line_done = true;
    g_cond_signal(&mon->cond);
    g_mutex_unlock(&mon->lock);
}

static gboolean monitor_wake(gint fd, GIOCondition cond, gpointer opaque)
{
    Monitor *mon = opaque;
    char buf[256];
    MonitorItem *it;

    while (read(fd, buf, sizeof(buf)) > 0) {
        /* drain the pokes; the queue says what happened */
    }
    while ((it = g_async_queue_try_pop(mon->to_main))) {
        switch (it->kind) {
        case ITEM_OUTPUT:
            if (!mon->discarding) {
                monitor_write(mon, it->data, it->len);
            }
            break;
        case ITEM_RESET:
            mon->discarding = false;
            break;
        case ITEM_READY:
            chardev_accept_input(mon->chr);
            break;
        case ITEM_LINE:
            monitor_run_line(mon, it->data);
            break;
        }
        g_free(it);
    }
    return G_SOURCE_CONTINUE;
}

/* Echoes the tty makes between two el_gets calls are not for anyone: drop them. */
static gboolean monitor_master_readable(gint fd, GIOCondition cond, gpointer opaque)
{
    char buf[512];

    while (read(fd, buf, sizeof(buf)) > 0) {
        /* discard */
    }
    return G_SOURCE_CONTINUE;
}

static void monitor_type(Monitor *mon, const char *keys, size_t len)
{
    while (len > 0) {
        ssize_t n = write(mon->master_fd, keys, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            mimic_log_mask(LOG_UNIMP, "monitor: input dropped (%zu bytes)\n", len);
            return;
        }
        keys += n;
        len -= n;
    }
}

static int monitor_can_receive(void *opaque)
{
    Monitor *mon = opaque;
    int pending = 0;

    if (!g_atomic_int_get(&mon->ready)) {
        return 0;
    }
    if (ioctl(mon->slave_fd, FIONREAD, &pending) < 0) {
        pending = 0;
    }
    return MAX(0, MONITOR_PTY_ROOM - pending);
}

static void monitor_receive(void *opaque, const uint8_t *buf, int len)
{
    monitor_type(opaque, (const char *)buf, len);
}

static void monitor_event(void *opaque, int event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        /* A new client (socket) or the terminal: start afresh. On a mux the
         * greeting waits until the user switches to the monitor. */
        if (!mon->on_mux) {
            mon->discarding = true;
            mon->greeted = true;
            monitor_type(mon, MONITOR_KEY_GREET, strlen(MONITOR_KEY_GREET));
        }
        break;
    case CHR_EVENT_MUX_IN:
        mon->focused = true;
        mon->discarding = true;
        if (!mon->greeted) {
            mon->greeted = true;
            monitor_type(mon, MONITOR_KEY_GREET, strlen(MONITOR_KEY_GREET));
        } else {
            monitor_type(mon, MONITOR_KEY_REDRAW, strlen(MONITOR_KEY_REDRAW));
        }
        break;
    case CHR_EVENT_MUX_OUT:
        mon->focused = false;
        break;
    default:
        break;
    }
}

/* The terminal behind stdio changed size: pass it on to the pty and libedit. */
static gboolean monitor_winch(gpointer opaque)
{
    Monitor *mon = opaque;
    struct winsize host, cur;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &host) < 0 || host.ws_col == 0 ||
        ioctl(mon->master_fd, TIOCGWINSZ, &cur) < 0) {
        return G_SOURCE_CONTINUE;
    }
    if (host.ws_col != cur.ws_col || host.ws_row != cur.ws_row) {
        ioctl(mon->master_fd, TIOCSWINSZ, &host);
        monitor_type(mon, MONITOR_KEY_RESIZE, strlen(MONITOR_KEY_RESIZE));
    }
    return G_SOURCE_CONTINUE;
}

static const CharFrontendOps monitor_fe_ops = {
    .can_receive = monitor_can_receive,
    .receive = monitor_receive,
    .event = monitor_event,
};

/* The pty libedit reads: as large as the terminal behind stdio, else a VT100's. */
static bool monitor_open_pty(Monitor *mon, GError **errp)
{
    struct winsize ws = { .ws_row = 24, .ws_col = MONITOR_SOCKET_COLUMNS };
    struct winsize host;

    if (chardev_is_stdio(mon->chr) && isatty(STDOUT_FILENO) &&
        ioctl(STDOUT_FILENO, TIOCGWINSZ, &host) == 0 && host.ws_col > 0) {
        ws = host;
    }
    if (openpty(&mon->master_fd, &mon->slave_fd, NULL, NULL, &ws) < 0) {
        error_setg(errp, "monitor: cannot open a pseudo-terminal: %s", strerror(errno));
        return false;
    }
    g_unix_set_fd_nonblocking(mon->master_fd, true, NULL);
    fcntl(mon->master_fd, F_SETFD, FD_CLOEXEC);
    fcntl(mon->slave_fd, F_SETFD, FD_CLOEXEC);
    return true;
}

static bool monitor_el_setup(Monitor *mon, GError **errp)
{
    static const cookie_io_functions_t out_fns = { .write = monitor_cookie_write };
    const char *term = getenv("TERM");
    HistEvent ev;

    mon->el_in = fdopen(mon->slave_fd, "r");
    mon->el_out = fopencookie(mon, "w", out_fns);
    if (!mon->el_in || !mon->el_out) {
        error_setg(errp, "monitor: cannot set up the line editor's files");
        return false;
    }
    /* Our FILE is the only way out: buffer until libedit flushes, as on a tty. */
    setvbuf(mon->el_out, NULL, _IOFBF, 4096);
    mon->el = el_init_fd("mimic", mon->el_in, mon->el_out, mon->el_out,
                         mon->slave_fd, mon->slave_fd, mon->slave_fd);
    if (!mon->el) {
        error_setg(errp, "monitor: libedit could not start");
        return false;
    }
    /* A socket's client is some terminal emulator: VT100 is what QEMU assumes. */
    if (!chardev_is_stdio(mon->chr) || !term || !*term || !strcmp(term, "dumb")) {
        term = "vt100";
    }
    el_set(mon->el, EL_TERMINAL, term);
    el_set(mon->el, EL_EDITOR, "emacs");
    el_set(mon->el, EL_CLIENTDATA, mon);
    el_set(mon->el, EL_PROMPT, monitor_el_prompt);

    mon->hist = history_init();
    history(mon->hist, &ev, H_SETSIZE, MONITOR_HISTORY_MAX);
    history(mon->hist, &ev, H_SETUNIQUE, 1);
    el_set(mon->el, EL_HIST, history, mon->hist);

    el_set(mon->el, EL_ADDFN, "mimic-complete", "Complete a monitor command",
           monitor_el_complete);
    el_set(mon->el, EL_ADDFN, "mimic-greet", "Greet a new client", monitor_el_greet);
    el_set(mon->el, EL_ADDFN, "mimic-redraw", "Redraw after Ctrl-A c", monitor_el_redraw);
    el_set(mon->el, EL_ADDFN, "mimic-resize", "Follow a new terminal size",
           monitor_el_resize);
    el_set(mon->el, EL_BIND, "^I", "mimic-complete", NULL);
    el_set(mon->el, EL_BIND, MONITOR_KEY_GREET, "mimic-greet", NULL);
    el_set(mon->el, EL_BIND, MONITOR_KEY_REDRAW, "mimic-redraw", NULL);
    el_set(mon->el, EL_BIND, MONITOR_KEY_RESIZE, "mimic-resize", NULL);
    /* As in bash and QEMU's monitor: Ctrl-W rubs out the word before the cursor. */
    el_set(mon->el, EL_BIND, "^W", "ed-delete-prev-word", NULL);
    return true;
}

Monitor *monitor_new_hmp(Chardev *chr, bool on_mux, GError **errp)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->chr = chr;
    mon->on_mux = on_mux;
    mon->master_fd = mon->slave_fd = -1;
    g_mutex_init(&mon->lock);
    g_cond_init(&mon->cond);
    mon->to_main = g_async_queue_new();
    if (!g_unix_open_pipe(mon->wake_fd, FD_CLOEXEC, NULL) ||
        !g_unix_set_fd_nonblocking(mon->wake_fd[0], true, NULL) ||
        !g_unix_set_fd_nonblocking(mon->wake_fd[1], true, NULL)) {
        error_setg(errp, "monitor: cannot create a pipe: %s", strerror(errno));
        return NULL;
    }
    if (!monitor_open_pty(mon, errp) || !monitor_el_setup(mon, errp)) {
        return NULL;
    }
    mon->wake_watch = g_unix_fd_add(mon->wake_fd[0], G_IO_IN, monitor_wake, mon);
    mon->master_watch = g_unix_fd_add(mon->master_fd, G_IO_IN, monitor_master_readable,
                                      mon);
    if (chardev_is_stdio(chr) && isatty(STDOUT_FILENO)) {
        mon->winch_watch = g_unix_signal_add(SIGWINCH, monitor_winch, mon);
    }
    mon->discarding = true;
    if (on_mux) {
        chardev_mux_add_frontend(chr, &monitor_fe_ops, mon);
    } else {
        chardev_set_frontend(chr, &monitor_fe_ops, mon);
    }
    mon->thread = g_thread_new("monitor", monitor_thread, mon);
    return mon;
}

static bool monitor_vl_init(Chardev *chr, bool on_mux, GError **errp)
{
    return monitor_new_hmp(chr, on_mux, errp) != NULL;
}

static void __attribute__((constructor)) monitor_register(void)
{
    vl_register_monitor(monitor_vl_init);
}
