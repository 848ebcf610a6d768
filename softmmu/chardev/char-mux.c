/*
 * The Ctrl-A multiplexer (QEMU's -nographic console): several front ends (serial
 * ports, the monitor) share one back end; all of them write to it, input goes to
 * the one with the focus. Escapes, after Ctrl-A:
 *   h or ?  help          x  quit (status 0)        s  commit disks (-snapshot)
 *   b       send break    c  switch front end       t  toggle output timestamps
 *   Ctrl-A  a literal Ctrl-A
 * Each front end has a buffer so escapes are seen even while the guest is not
 * reading its UART (a stuck guest can still be quit with Ctrl-A x).
 */
#include "qemu/osdep.h"
#include "qemu/timer.h"
#include "sysemu/runstate.h"
#include "char-internal.h"

#define MUX_MAX_FRONTENDS 4
/* Large enough for a paste, so Ctrl-A x typed after it still gets through while
 * the guest is not reading; past it, input waits in the kernel (back-pressure). */
#define MUX_BUFFER_SIZE 4096
#define MUX_ESCAPE_CHAR 0x01   /* Ctrl-A */

typedef struct MuxFrontend {
    const CharFrontendOps *ops;
    void *opaque;
    bool primary;              /* a serial port (set_frontend), not the monitor */
    uint8_t buf[MUX_BUFFER_SIZE];
    unsigned head, count;      /* ring buffer of input not yet delivered */
} MuxFrontend;

typedef struct MuxState {
    Chardev *drv;              /* the back end we sit in front of */
    Chardev *self;
    MuxFrontend fe[MUX_MAX_FRONTENDS];
    int nr_fe;
    int focus;
    bool switched;             /* the user has pressed Ctrl-A c */
    bool got_escape;
    bool timestamps;
    bool linestart;            /* next output byte begins a line (timestamps) */
    int64_t timestamps_start;
} MuxState;

static void (*mux_commit_hook)(void);

void chardev_mux_set_commit_hook(void (*fn)(void))
{
    mux_commit_hook = fn;
}

static void mux_drv_write(MuxState *m, const char *s)
{
    chardev_write(m->drv, (const uint8_t *)s, strlen(s));
}

static void mux_print_help(MuxState *m)
{
    static const char *const lines[] = {
        "C-a h    print this help",
        "C-a x    exit emulator",
        "C-a s    save disk data back to file (if -snapshot)",
        "C-a t    toggle console timestamps",
        "C-a b    send break (magic sysrq)",
        "C-a c    switch between console and monitor",
        "C-a C-a  sends C-a",
    };

    mux_drv_write(m, "\r\n");
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        mux_drv_write(m, lines[i]);
        mux_drv_write(m, "\r\n");
    }
}

/* Hand buffered input to the focused front end as far as it takes it. */
static void mux_flush_focus(MuxState *m)
{
    MuxFrontend *f;

    if (m->focus < 0 || m->focus >= m->nr_fe) {
        return;
    }
    f = &m->fe[m->focus];
    while (f->count > 0 && f->ops && f->ops->can_receive) {
        int room = f->ops->can_receive(f->opaque);
        unsigned n = MIN(f->count, MUX_BUFFER_SIZE - f->head);   /* contiguous */

        if (room <= 0) {
            break;
        }
        n = MIN(n, (unsigned)room);
        /* Advance first: receive() may call back into chardev_accept_input. */
        f->head = (f->head + n) % MUX_BUFFER_SIZE;
        f->count -= n;
        f->ops->receive(f->opaque, f->buf + (f->head + MUX_BUFFER_SIZE - n) %
                        MUX_BUFFER_SIZE, n);
    }
}

static void mux_fe_event(MuxFrontend *f, int event)
{
    if (f->ops && f->ops->event) {
        f->ops->event(f->opaque, event);
    }
}

static void mux_set_focus(MuxState *m, int focus)
{
    if (m->focus >= 0 && m->focus < m->nr_fe) {
        mux_fe_event(&m->fe[m->focus], CHR_EVENT_MUX_OUT);
    }
    m->focus = focus;
    mux_fe_event(&m->fe[m->focus], CHR_EVENT_MUX_IN);
    mux_flush_focus(m);
}

static void mux_queue_byte(MuxState *m, uint8_t c)
{
    MuxFrontend *f;

    if (m->focus < 0 || m->focus >= m->nr_fe) {
        return;   /* no front end yet: input has nowhere to go */
    }
    f = &m->fe[m->focus];
    if (f->count < MUX_BUFFER_SIZE) {
        f->buf[(f->head + f->count) % MUX_BUFFER_SIZE] = c;
        f->count++;
    }
}

static void mux_process_byte(MuxState *m, uint8_t c)
{
    if (!m->got_escape) {
        if (c == MUX_ESCAPE_CHAR) {
            m->got_escape = true;
        } else {
            mux_queue_byte(m, c);
        }
        return;
    }
    m->got_escape = false;
    switch (c) {
    case MUX_ESCAPE_CHAR:
        mux_queue_byte(m, c);
        break;
    case 'h':
    case '?':
        mux_print_help(m);
        break;
    case 'x':
        mux_drv_write(m, "mimic: Terminated\n\r");
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_UI);
        break;
    case 's':
        if (mux_commit_hook) {
            mux_commit_hook();
        }
        break;
    case 'b':
        if (m->focus >= 0 && m->focus < m->nr_fe) {
            mux_fe_event(&m->fe[m->focus], CHR_EVENT_BREAK);
        }
        break;
    case 'c':
        if (m->nr_fe < 2) {
            mux_drv_write(m, "\r\nno monitor\r\n");
        } else {
            m->switched = true;
            mux_set_focus(m, (m->focus + 1) % m->nr_fe);
        }
        break;
    case 't':
        m->timestamps = !m->timestamps;
        m->timestamps_start = -1;
        m->linestart = false;
        break;
    default:
        /* Unknown escapes are swallowed, as in QEMU. */
        break;
    }
}

/* ---- as the front end of the back end ---- */

static int mux_can_receive(void *opaque)
{
    MuxState *m = opaque;

    if (m->focus < 0 || m->focus >= m->nr_fe) {
        return 1;   /* still read, so that Ctrl-A x works without front ends */
    }
    return MUX_BUFFER_SIZE - m->fe[m->focus].count;
}

static void mux_receive(void *opaque, const uint8_t *buf, int len)
{
    MuxState *m = opaque;

    for (int i = 0; i < len; i++) {
        mux_process_byte(m, buf[i]);
    }
    mux_flush_focus(m);
}

static void mux_event(void *opaque, int event)
{
    MuxState *m = opaque;

    for (int i = 0; i < m->nr_fe; i++) {
        mux_fe_event(&m->fe[i], event);
    }
}

static const CharFrontendOps mux_drv_frontend_ops = {
    .can_receive = mux_can_receive,
    .receive = mux_receive,
    .event = mux_event,
};

/* ---- as a Chardev for its front ends ---- */

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxState *m = chr->state;
    int start = 0;

    if (!m->timestamps) {
        return chardev_write(m->drv, buf, len);
    }
    for (int i = 0; i < len; i++) {
        if (m->linestart) {
            int64_t now = clock_get_ns(CLOCK_REALTIME) / 1000000;
            int64_t ms;
            char stamp[40];

            chardev_write(m->drv, buf + start, i - start);
            start = i;
            if (m->timestamps_start < 0) {
                m->timestamps_start = now;
            }
            ms = now - m->timestamps_start;
            snprintf(stamp, sizeof(stamp), "[%02d:%02d:%02d.%03d] ",
                     (int)(ms / 3600000), (int)(ms / 60000 % 60),
                     (int)(ms / 1000 % 60), (int)(ms % 1000));
            mux_drv_write(m, stamp);
            m->linestart = false;
        }
        if (buf[i] == '\n') {
            m->linestart = true;
        }
    }
    chardev_write(m->drv, buf + start, len - start);
    return len;
}

static void mux_accept_input(Chardev *chr)
{
    MuxState *m = chr->state;

    mux_flush_focus(m);
    chardev_accept_input(m->drv);
}

static int mux_find(MuxState *m, void *opaque)
{
    for (int i = 0; i < m->nr_fe; i++) {
        if (m->fe[i].opaque == opaque) {
            return i;
        }
    }
    return -1;
}

static void mux_add(MuxState *m, const CharFrontendOps *ops, void *opaque,
                    bool primary)
{
    int i = mux_find(m, opaque);
    int pos;

    if (i >= 0) {
        m->fe[i].ops = ops;
        return;
    }
    if (m->nr_fe >= MUX_MAX_FRONTENDS) {
        error_report("too many front ends on the stdio mux (max %d)",
                     MUX_MAX_FRONTENDS);
        return;
    }
    /* Serial ports come before the monitor, so focus 0 is the first serial. */
    pos = m->nr_fe;
    if (primary) {
        for (pos = 0; pos < m->nr_fe && m->fe[pos].primary; pos++) {
            continue;
        }
        memmove(&m->fe[pos + 1], &m->fe[pos], (m->nr_fe - pos) * sizeof(m->fe[0]));
    }
    memset(&m->fe[pos], 0, sizeof(m->fe[pos]));
    m->fe[pos].ops = ops;
    m->fe[pos].opaque = opaque;
    m->fe[pos].primary = primary;
    m->nr_fe++;
    if (!m->switched) {
        /* Until the user switches, input goes to the first serial port. */
        m->focus = 0;
    } else if (pos <= m->focus) {
        m->focus++;      /* keep the focus on the same front end */
    }
    if (m->drv->opened) {
        mux_fe_event(&m->fe[pos], CHR_EVENT_OPENED);
    }
    chardev_accept_input(m->drv);
}

/* Detach a front end (a UART being unrealized). */
static void mux_remove(MuxState *m, int i)
{
    memmove(&m->fe[i], &m->fe[i + 1], (m->nr_fe - i - 1) * sizeof(m->fe[0]));
    m->nr_fe--;
    if (m->focus > i || m->focus >= m->nr_fe) {
        m->focus = m->nr_fe ? (m->focus > i ? m->focus - 1 : 0) : -1;
    }
}

static void mux_set_frontend(Chardev *chr, const CharFrontendOps *ops, void *opaque)
{
    MuxState *m = chr->state;

    if (!ops) {
        /* chardev_set_frontend(chr, NULL, NULL): drop that (or the first) port. */
        int i = opaque ? mux_find(m, opaque) : 0;

        if (!opaque) {
            while (i < m->nr_fe && !m->fe[i].primary) {
                i++;
            }
        }
        if (i >= 0 && i < m->nr_fe) {
            mux_remove(m, i);
        }
        return;
    }
    mux_add(m, ops, opaque, true);
}

void chardev_mux_add_frontend(Chardev *mux, const CharFrontendOps *ops, void *opaque)
{
    mux_add(mux->state, ops, opaque, false);
}

static const ChardevClass chardev_mux_class = {
    .kind = "mux",
    .write = mux_write,
    .accept_input = mux_accept_input,
    .set_frontend = mux_set_frontend,
};

Chardev *chardev_mux_new(const char *label, Chardev *drv)
{
    Chardev *chr = chardev_alloc(&chardev_mux_class, label, drv->filename);
    MuxState *m = g_new0(MuxState, 1);

    m->drv = drv;
    m->self = chr;
    m->focus = -1;
    m->linestart = true;
    chr->state = m;
    chardev_set_frontend(drv, &mux_drv_frontend_ops, m);
    return chr;
}
