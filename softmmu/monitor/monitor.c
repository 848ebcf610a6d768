/*
 * The human monitor's terminal side: a chardev front end that echoes and edits the
 * line (cursor keys, Home/End, Delete, Ctrl-E/K/U/W), keeps a history (Up/Down),
 * completes command names (Tab), runs complete lines through hmp_execute and sends
 * the output back with CR LF line ends, as QEMU's monitor does.
 *
 * Editing is done here on the chardev's byte stream rather than through libedit or
 * readline, because those libraries own a tty file descriptor, while the monitor's
 * input arrives from the chardev layer (a socket, or stdio shared with the serial
 * console through the Ctrl-A mux).
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "chardev/char.h"
#include "sysemu/vl.h"

#define MONITOR_PROMPT "(qemu) "
#define MONITOR_LINE_MAX 1024
#define MONITOR_HISTORY_MAX 64

typedef enum MonitorEsc {
    ESC_NONE,
    ESC_START,     /* got ESC */
    ESC_CSI,       /* got ESC [ (or ESC O) */
} MonitorEsc;

struct Monitor {
    Chardev *chr;
    bool on_mux;
    bool focused;           /* on a mux: the terminal is ours (Ctrl-A c) */
    bool greeted;
    char line[MONITOR_LINE_MAX];
    int len, cursor;
    MonitorEsc esc;
    int esc_param;
    bool last_was_cr;
    GPtrArray *history;     /* oldest first */
    int hist_pos;           /* == history->len: editing a new line */
};

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

static void monitor_puts(Monitor *mon, const char *s)
{
    monitor_write(mon, s, strlen(s));
}

/* Redraw the prompt and line, leaving the terminal cursor at mon->cursor. */
static void monitor_redraw(Monitor *mon)
{
    g_autofree char *s = g_strdup_printf("\r" MONITOR_PROMPT "%.*s\033[K", mon->len,
                                         mon->line);

    monitor_puts(mon, s);
    if (mon->len > mon->cursor) {
        g_autofree char *back = g_strdup_printf("\033[%dD", mon->len - mon->cursor);

        monitor_puts(mon, back);
    }
}

static void monitor_prompt(Monitor *mon)
{
    mon->len = mon->cursor = 0;
    monitor_puts(mon, MONITOR_PROMPT);
}

static void monitor_greet(Monitor *mon)
{
    g_autofree char *s = g_strdup_printf("mimic %s monitor - type 'help' for more "
                                         "information\n", vl_version_string());

    mon->greeted = true;
    monitor_puts(mon, s);
    monitor_prompt(mon);
}

static void monitor_run_line(Monitor *mon)
{
    g_autofree char *cmd = g_strndup(mon->line, mon->len);
    char *text = NULL;
    size_t text_len = 0;
    FILE *out;

    monitor_puts(mon, "\n");
    if (strspn(cmd, " \t") < strlen(cmd)) {
        const char *last = mon->history->len ?
            g_ptr_array_index(mon->history, mon->history->len - 1) : NULL;

        if (!last || strcmp(last, cmd) != 0) {
            if (mon->history->len == MONITOR_HISTORY_MAX) {
                g_ptr_array_remove_index(mon->history, 0);
            }
            g_ptr_array_add(mon->history, g_strdup(cmd));
        }
    }
    mon->hist_pos = mon->history->len;
    out = open_memstream(&text, &text_len);
    if (out) {
        hmp_execute(cmd, out);
        fclose(out);
        monitor_write(mon, text, text_len);
        free(text);
    }
    monitor_prompt(mon);
}

static void monitor_set_line(Monitor *mon, const char *s)
{
    mon->len = MIN((int)strlen(s), MONITOR_LINE_MAX - 1);
    memcpy(mon->line, s, mon->len);
    mon->cursor = mon->len;
    monitor_redraw(mon);
}

static void monitor_history_move(Monitor *mon, int dir)
{
    int pos = mon->hist_pos + dir;

    if (pos < 0 || pos > (int)mon->history->len) {
        return;
    }
    mon->hist_pos = pos;
    monitor_set_line(mon, pos == (int)mon->history->len ? ""
                     : (const char *)g_ptr_array_index(mon->history, pos));
}

static void monitor_complete(Monitor *mon)
{
    g_autofree char *prefix = NULL;
    g_auto(GStrv) matches = NULL;
    int n;

    /* Only the command word is completed. */
    if (memchr(mon->line, ' ', mon->cursor)) {
        return;
    }
    prefix = g_strndup(mon->line, mon->cursor);
    matches = hmp_complete(prefix);
    n = g_strv_length(matches);
    if (n == 1) {
        g_autofree char *rest = g_strdup(mon->line + mon->cursor);
        g_autofree char *s = g_strdup_printf("%s %.*s", matches[0],
                                             mon->len - mon->cursor, rest);

        monitor_set_line(mon, s);
        mon->cursor = strlen(matches[0]) + 1;
        monitor_redraw(mon);
    } else if (n > 1) {
        monitor_puts(mon, "\n");
        for (int i = 0; i < n; i++) {
            monitor_puts(mon, matches[i]);
            monitor_puts(mon, i + 1 < n ? " " : "\n");
        }
        monitor_redraw(mon);
    }
}

static void monitor_insert(Monitor *mon, char c)
{
    if (mon->len >= MONITOR_LINE_MAX - 1) {
        return;
    }
    memmove(mon->line + mon->cursor + 1, mon->line + mon->cursor, mon->len - mon->cursor);
    mon->line[mon->cursor++] = c;
    mon->len++;
    if (mon->cursor == mon->len) {
        monitor_write(mon, &c, 1);
    } else {
        monitor_redraw(mon);
    }
}

static void monitor_delete_range(Monitor *mon, int from, int to)
{
    memmove(mon->line + from, mon->line + to, mon->len - to);
    mon->len -= to - from;
    mon->cursor = from;
    monitor_redraw(mon);
}

static void monitor_csi(Monitor *mon, char c)
{
    switch (c) {
    case 'A':
        monitor_history_move(mon, -1);
        break;
    case 'B':
        monitor_history_move(mon, 1);
        break;
    case 'C':
        if (mon->cursor < mon->len) {
            mon->cursor++;
            monitor_puts(mon, "\033[C");
        }
        break;
    case 'D':
        if (mon->cursor > 0) {
            mon->cursor--;
            monitor_puts(mon, "\033[D");
        }
        break;
    case 'H':
        mon->cursor = 0;
        monitor_redraw(mon);
        break;
    case 'F':
        mon->cursor = mon->len;
        monitor_redraw(mon);
        break;
    case '~':
        if (mon->esc_param == 1 || mon->esc_param == 7) {
            monitor_csi(mon, 'H');
        } else if (mon->esc_param == 4 || mon->esc_param == 8) {
            monitor_csi(mon, 'F');
        } else if (mon->esc_param == 3 && mon->cursor < mon->len) {
            monitor_delete_range(mon, mon->cursor, mon->cursor + 1);
        }
        break;
    default:
        break;
    }
}

static void monitor_key(Monitor *mon, uint8_t c)
{
    if (mon->esc == ESC_START) {
        mon->esc = (c == '[' || c == 'O') ? ESC_CSI : ESC_NONE;
        mon->esc_param = 0;
        return;
    }
    if (mon->esc == ESC_CSI) {
        if (c >= '0' && c <= '9') {
            mon->esc_param = mon->esc_param * 10 + (c - '0');
            return;
        }
        mon->esc = ESC_NONE;
        monitor_csi(mon, c);
        return;
    }
    if (c == '\n' && mon->last_was_cr) {
        mon->last_was_cr = false;
        return;
    }
    mon->last_was_cr = c == '\r';
    switch (c) {
    case '\r':
    case '\n':
        monitor_run_line(mon);
        break;
    case 0x1b:
        mon->esc = ESC_START;
        break;
    case 0x7f:
    case 0x08:
        if (mon->cursor > 0) {
            monitor_delete_range(mon, mon->cursor - 1, mon->cursor);
        }
        break;
    case '\t':
        monitor_complete(mon);
        break;
    case 0x05:    /* Ctrl-E */
        monitor_csi(mon, 'F');
        break;
    case 0x0b:    /* Ctrl-K */
        mon->len = mon->cursor;
        monitor_redraw(mon);
        break;
    case 0x15:    /* Ctrl-U */
        monitor_delete_range(mon, 0, mon->cursor);
        break;
    case 0x17: {  /* Ctrl-W: the word before the cursor */
        int from = mon->cursor;

        while (from > 0 && mon->line[from - 1] == ' ') {
            from--;
        }
        while (from > 0 && mon->line[from - 1] != ' ') {
            from--;
        }
        monitor_delete_range(mon, from, mon->cursor);
        break;
    }
    default:
        if (c >= 32 && c < 127) {
            monitor_insert(mon, c);
        }
        break;
    }
}

static int monitor_can_receive(void *opaque)
{
    return 256;
}

static void monitor_receive(void *opaque, const uint8_t *buf, int len)
{
    Monitor *mon = opaque;

    for (int i = 0; i < len; i++) {
        monitor_key(mon, buf[i]);
    }
}

static void monitor_event(void *opaque, int event)
{
    Monitor *mon = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        /* A new client (socket) or the terminal: start afresh. On a mux the
         * greeting waits until the user switches to the monitor. */
        mon->esc = ESC_NONE;
        mon->hist_pos = mon->history->len;
        if (!mon->on_mux) {
            monitor_greet(mon);
        }
        break;
    case CHR_EVENT_MUX_IN:
        mon->focused = true;
        if (!mon->greeted) {
            monitor_greet(mon);
        } else {
            monitor_redraw(mon);
        }
        break;
    case CHR_EVENT_MUX_OUT:
        mon->focused = false;
        break;
    default:
        break;
    }
}

static const CharFrontendOps monitor_fe_ops = {
    .can_receive = monitor_can_receive,
    .receive = monitor_receive,
    .event = monitor_event,
};

Monitor *monitor_new_hmp(Chardev *chr, bool on_mux, GError **errp)
{
    Monitor *mon = g_new0(Monitor, 1);

    mon->chr = chr;
    mon->on_mux = on_mux;
    mon->history = g_ptr_array_new_with_free_func(g_free);
    if (on_mux) {
        chardev_mux_add_frontend(chr, &monitor_fe_ops, mon);
    } else {
        chardev_set_frontend(chr, &monitor_fe_ops, mon);
    }
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
