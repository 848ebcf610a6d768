/*
 * GDB remote stub: GDB's Remote Serial Protocol ("Remote Protocol" appendix of the
 * GDB manual) on a chardev, as QEMU's -gdb / -s / gdbserver offer it.
 *
 * Supported: packet framing with acks and QStartNoAckMode, escapes and run-length
 * encoding on output, qSupported, ?, g/G, p/P, m/M/X (guest virtual addresses,
 * translated page by page with CPUClass get_phys_page_debug), c/s/C/S and
 * vCont (c, s), Z0/Z1 and z0/z1 (both are software breakpoints checked by the
 * translator), Z2/Z3/Z4 and z2-z4 (write, read and access watchpoints of any
 * length, accel/tcg/watchpoint.c; the stop reply names the data address with
 * watch:, rwatch: or awatch:), qAttached, qC, qfThreadInfo/qsThreadInfo (one
 * thread per vCPU, ids cpu_index + 1), qThreadExtraInfo, H, T, k, D and the 0x03
 * interrupt byte. Not supported (empty reply, which gdb takes as "not
 * supported"): target descriptions (qXfer:features), non-stop mode, vFile, qRcmd.
 *
 * All-stop, single-threaded: the stub runs in the main loop, between vCPU slices.
 * A breakpoint or the end of a step comes back from the vCPU loop as EXCP_DEBUG
 * (gdbstub_debug_stop), which stops the VM in RUN_STATE_DEBUG and sends the stop
 * reply that gdb has been waiting for since its c/s.
 */
#include "qemu/osdep.h"
#include "exec/gdbstub.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "chardev/char.h"
#include "sysemu/runstate.h"
#include "sysemu/accel.h"

/* Signals in stop replies (GDB's own numbering). */
#define GDB_SIGNAL_INT  2
#define GDB_SIGNAL_QUIT 3
#define GDB_SIGNAL_TRAP 5
#define GDB_SIGNAL_ABRT 6

typedef struct GdbServer {
    Chardev *chr;               /* NULL when driven by the unit tests */
    GdbOutFn test_out;
    void *test_opaque;
    bool active;                /* started (listening, connected or in a test) */
    bool connected;
    GdbRx rx;
    bool no_ack;                /* QStartNoAckMode accepted */
    bool running;               /* resumed by c/s: gdb waits for a stop reply */
    CPUState *g_cpu;            /* Hg: registers and memory */
    CPUState *c_cpu;            /* Hc: step/continue */
    CPUState *thread_iter;      /* qsThreadInfo position */
    GString *last;              /* the last packet sent, resent on a NAK */
} GdbServer;

static GdbServer gdb_srv;

/* ---- protocol helpers ---- */

uint8_t gdbstub_checksum(const uint8_t *buf, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += buf[i];
    }
    return sum;
}

void gdbstub_hex_encode(char *out, const uint8_t *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        *out++ = digits[buf[i] >> 4];
        *out++ = digits[buf[i] & 15];
    }
    *out = 0;
}

static int gdbstub_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

int gdbstub_hex_decode(uint8_t *out, size_t max, const char *hex, size_t hexlen)
{
    size_t n = 0;

    while (n < max && hexlen >= 2) {
        int hi = gdbstub_hex_digit(hex[0]);
        int lo = gdbstub_hex_digit(hex[1]);

        if (hi < 0 || lo < 0) {
            return n;
        }
        out[n++] = hi << 4 | lo;
        hex += 2;
        hexlen -= 2;
    }
    if (n < max && hexlen == 1 && gdbstub_hex_digit(hex[0]) >= 0) {
        return -1;
    }
    return n;
}

size_t gdbstub_unescape(uint8_t *out, const uint8_t *in, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        if (in[i] == '}' && i + 1 < len) {
            out[n++] = in[++i] ^ 0x20;
        } else {
            out[n++] = in[i];
        }
    }
    return n;
}

static bool gdbstub_needs_escape(uint8_t c)
{
    return c == '$' || c == '#' || c == '}' || c == '*';
}

static void gdbstub_put_escaped(GString *s, uint8_t c)
{
    if (gdbstub_needs_escape(c)) {
        g_string_append_c(s, '}');
        g_string_append_c(s, c ^ 0x20);
    } else {
        g_string_append_c(s, c);
    }
}

GString *gdbstub_frame(const uint8_t *data, size_t len)
{
    GString *s = g_string_sized_new(len + 4);

    g_string_append_c(s, '$');
    for (size_t i = 0; i < len;) {
        uint8_t c = data[i];
        size_t run = 1;

        while (i + run < len && data[i + run] == c && run < 98) {
            run++;
        }
        gdbstub_put_escaped(s, c);
        /*
         * "c*N": N - 29 more copies of c (N printable, 3 to 97 repeats). Counts
         * whose N would be '#' (6) or '$' (7) cannot be sent: send one fewer and
         * let the rest go round again. Runs of escaped bytes stay literal.
         */
        size_t extra = run - 1;
        if (extra >= 3 && !gdbstub_needs_escape(c)) {
            if (extra == 6 || extra == 7) {
                extra = 5;
            }
            g_string_append_c(s, '*');
            g_string_append_c(s, (char)(extra + 29));
            i += extra + 1;
        } else {
            i += 1;
        }
    }
    uint8_t sum = gdbstub_checksum((const uint8_t *)s->str + 1, s->len - 1);
    g_string_append_printf(s, "#%02x", sum);
    return s;
}

void gdbstub_rx_init(GdbRx *rx)
{
    memset(rx, 0, sizeof(*rx));
    rx->state = GDB_RX_IDLE;
}

GdbRxEvent gdbstub_rx_byte(GdbRx *rx, uint8_t ch)
{
    int d;

    switch (rx->state) {
    case GDB_RX_IDLE:
        if (ch == '$') {
            rx->state = GDB_RX_BODY;
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
        } else if (ch == 0x03) {
            return GDB_RX_INTERRUPT;
        } else if (ch == '+') {
            return GDB_RX_ACK;
        } else if (ch == '-') {
            return GDB_RX_NAK;
        }
        /* Anything else between packets is line noise: ignored. */
        return GDB_RX_NONE;
    case GDB_RX_BODY:
        if (ch == '#') {
            rx->state = GDB_RX_CSUM1;
            rx->buf[rx->len] = 0;
            return GDB_RX_NONE;
        }
        if (ch == '$') {
            /* A new packet before the end of this one: gdb gave up on it. */
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
            return GDB_RX_NONE;
        }
        rx->sum += ch;
        if (rx->len < GDB_MAX_PACKET) {
            rx->buf[rx->len++] = ch;
        } else {
            rx->overflow = true;
        }
        return GDB_RX_NONE;
    case GDB_RX_CSUM1:
        d = gdbstub_hex_digit(ch);
        rx->got = (d < 0 ? 0 : d) << 4;
        rx->state = d < 0 ? GDB_RX_IDLE : GDB_RX_CSUM2;
        return d < 0 ? GDB_RX_BAD_CSUM : GDB_RX_NONE;
    case GDB_RX_CSUM2:
        d = gdbstub_hex_digit(ch);
        rx->state = GDB_RX_IDLE;
        if (d < 0 || (uint8_t)(rx->got | d) != rx->sum || rx->overflow) {
            return GDB_RX_BAD_CSUM;
        }
        return GDB_RX_PACKET;
    }
    return GDB_RX_NONE;
}

/* ---- output ---- */

static void gdbstub_write_raw(GdbServer *s, const uint8_t *buf, size_t len)
{
    if (s->test_out) {
        s->test_out(s->test_opaque, buf, len);
    } else if (s->chr) {
        chardev_write(s->chr, buf, len);
    }
}

static void gdbstub_put_packet_len(GdbServer *s, const char *data, size_t len)
{
    GString *f = gdbstub_frame((const uint8_t *)data, len);

    gdbstub_write_raw(s, (const uint8_t *)f->str, f->len);
    if (s->last) {
        g_string_free(s->last, true);
    }
    s->last = f;
}

static void gdbstub_put_packet(GdbServer *s, const char *data)
{
    gdbstub_put_packet_len(s, data, strlen(data));
}

/* ---- CPUs and threads ---- */

static int gdbstub_thread_id(CPUState *cpu)
{
    return cpu->cpu_index + 1;
}

static CPUState *gdbstub_cpu_by_thread(long tid)
{
    CPUState *cpu;

    if (tid <= 0) {
        return first_cpu;       /* 0: any thread, -1: all */
    }
    CPU_FOREACH(cpu) {
        if (gdbstub_thread_id(cpu) == tid) {
            return cpu;
        }
    }
    return NULL;
}

static CPUState *gdbstub_g_cpu(GdbServer *s)
{
    return s->g_cpu ? s->g_cpu : first_cpu;
}

static CPUState *gdbstub_c_cpu(GdbServer *s)
{
    return s->c_cpu ? s->c_cpu : first_cpu;
}

static void gdbstub_send_stop(GdbServer *s, int signal, CPUState *cpu)
{
    static const char *const watch_kind[] = {
        [BP_MEM_READ] = "rwatch", [BP_MEM_WRITE] = "watch", [BP_MEM_ACCESS] = "awatch",
    };
    char buf[80];
    int n;

    if (!cpu) {
        cpu = first_cpu;
    }
    n = snprintf(buf, sizeof(buf), "T%02xthread:%02x;", signal,
                 cpu ? gdbstub_thread_id(cpu) : 1);
    if (cpu && cpu->watch_hit.flags) {
        /* The insn that made a watched access has completed. */
        snprintf(buf + n, sizeof(buf) - n, "%s:%" VADDR_PRIx ";",
                 watch_kind[cpu->watch_hit.flags & BP_MEM_ACCESS],
                 cpu->watch_hit_addr);
        cpu->watch_hit.flags = 0;
    }
    gdbstub_put_packet(s, buf);
}

static void gdbstub_clear_singlestep(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu->singlestep = 0;
    }
}

/* ---- breakpoints ---- */

bool gdbstub_breakpoint_insert(vaddr pc)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        for (int i = 0; i < cpu->nb_breakpoints; i++) {
            if (cpu->breakpoints[i] == pc) {
                return true;    /* already there: gdb may insert twice */
            }
        }
        if (cpu->nb_breakpoints >= CPU_MAX_BREAKPOINTS) {
            return false;
        }
    }
    CPU_FOREACH(cpu) {
        cpu->breakpoints[cpu->nb_breakpoints++] = pc;
    }
    /* Code translated before knows nothing of the breakpoint. */
    if (first_cpu) {
        tb_flush(first_cpu);
    }
    return true;
}

bool gdbstub_breakpoint_remove(vaddr pc)
{
    CPUState *cpu;
    bool found = false;

    CPU_FOREACH(cpu) {
        for (int i = 0; i < cpu->nb_breakpoints; i++) {
            if (cpu->breakpoints[i] == pc) {
                cpu->breakpoints[i] = cpu->breakpoints[--cpu->nb_breakpoints];
                found = true;
                break;
            }
        }
    }
    if (found && first_cpu) {
        tb_flush(first_cpu);
    }
    return found;
}

/* Z2 write, Z3 read, Z4 access: on every CPU, as breakpoints are. */
static int gdbstub_watch_flags(unsigned long type)
{
    return type == 2 ? BP_MEM_WRITE : type == 3 ? BP_MEM_READ : BP_MEM_ACCESS;
}

bool gdbstub_watchpoint_insert(vaddr addr, vaddr len, int flags)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (!cpu_watchpoint_insert(cpu, addr, len, flags)) {
            CPU_FOREACH(cpu) {
                cpu_watchpoint_remove(cpu, addr, len, flags);
            }
            return false;
        }
    }
    return true;
}

void gdbstub_watchpoint_remove(vaddr addr, vaddr len, int flags)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        cpu_watchpoint_remove(cpu, addr, len, flags);
    }
}

void gdbstub_breakpoint_remove_all(void)
{
    CPUState *cpu;
    bool any = false;

    CPU_FOREACH(cpu) {
        cpu_watchpoint_remove_all(cpu);
        any |= cpu->nb_breakpoints != 0;
        cpu->nb_breakpoints = 0;
    }
    if (any && first_cpu) {
        tb_flush(first_cpu);
    }
}

/* ---- registers ---- */

/* Room for one register's hex (x87 registers would be 10 bytes). */
#define GDB_REG_MAX 16

static void gdbstub_cmd_read_regs(GdbServer *s)
{
    CPUState *cpu = gdbstub_g_cpu(s);
    GString *out = g_string_new(NULL);
    uint8_t reg[GDB_REG_MAX];
    char hex[GDB_REG_MAX * 2 + 1];

    for (int n = 0; cpu && cpu->cc->gdb_read_register && n < cpu->cc->gdb_num_regs; n++) {
        int size = cpu->cc->gdb_read_register(cpu, reg, n);

        /* A shorter 'g' reply is fine: gdb takes the rest as unavailable. */
        if (size <= 0 || out->len + size * 2 > GDB_MAX_PACKET) {
            break;
        }
        gdbstub_hex_encode(hex, reg, size);
        g_string_append(out, hex);
    }
    gdbstub_put_packet_len(s, out->str, out->len);
    g_string_free(out, true);
}

static void gdbstub_cmd_write_regs(GdbServer *s, const char *p)
{
    CPUState *cpu = gdbstub_g_cpu(s);
    size_t len = strlen(p);
    uint8_t *data = g_malloc(len / 2 + 1);
    int n = gdbstub_hex_decode(data, len / 2, p, len);
    int off = 0;

    if (!cpu || !cpu->cc->gdb_write_register || n < 0) {
        g_free(data);
        gdbstub_put_packet(s, "E22");
        return;
    }
    for (int r = 0; r < cpu->cc->gdb_num_regs && off < n; r++) {
        uint8_t reg[GDB_REG_MAX] = { 0 };
        int size = cpu->cc->gdb_read_register(cpu, reg, r);

        if (size <= 0 || off + size > n) {
            break;
        }
        cpu->cc->gdb_write_register(cpu, data + off, r);
        off += size;
    }
    g_free(data);
    gdbstub_put_packet(s, "OK");
}

static void gdbstub_cmd_read_reg(GdbServer *s, const char *p)
{
    CPUState *cpu = gdbstub_g_cpu(s);
    char *end;
    unsigned long n = strtoul(p, &end, 16);
    uint8_t reg[GDB_REG_MAX];
    char hex[GDB_REG_MAX * 2 + 1];
    int size;

    if (end == p || *end || !cpu || !cpu->cc->gdb_read_register ||
        n >= (unsigned long)cpu->cc->gdb_num_regs) {
        gdbstub_put_packet(s, "E14");
        return;
    }
    size = cpu->cc->gdb_read_register(cpu, reg, n);
    if (size <= 0) {
        /* A register of the layout this CPU does not have (MIPS FPU). */
        gdbstub_put_packet(s, "xxxxxxxx");
        return;
    }
    gdbstub_hex_encode(hex, reg, size);
    gdbstub_put_packet(s, hex);
}

static void gdbstub_cmd_write_reg(GdbServer *s, const char *p)
{
    CPUState *cpu = gdbstub_g_cpu(s);
    char *end;
    unsigned long n = strtoul(p, &end, 16);
    uint8_t reg[GDB_REG_MAX], cur[GDB_REG_MAX];
    int len, size;

    if (end == p || *end != '=' || !cpu || !cpu->cc->gdb_write_register ||
        n >= (unsigned long)cpu->cc->gdb_num_regs) {
        gdbstub_put_packet(s, "E14");
        return;
    }
    /* Exactly the register's size: a shorter value would leave bytes unset. */
    size = cpu->cc->gdb_read_register(cpu, cur, n);
    len = gdbstub_hex_decode(reg, sizeof(reg), end + 1, strlen(end + 1));
    if (size <= 0 || len != size || cpu->cc->gdb_write_register(cpu, reg, n) <= 0) {
        gdbstub_put_packet(s, "E14");
        return;
    }
    gdbstub_put_packet(s, "OK");
}

/* ---- memory ---- */

/* Read or write guest virtual memory through the CPU's debug translation. */
static bool gdbstub_memory_rw(CPUState *cpu, vaddr addr, uint8_t *buf, size_t len,
                              bool is_write)
{
    if (!cpu || !cpu->cc->get_phys_page_debug) {
        return false;
    }
    while (len) {
        size_t n = MIN_U(len, TARGET_PAGE_SIZE - (addr & (TARGET_PAGE_SIZE - 1)));
        hwaddr page = cpu->cc->get_phys_page_debug(cpu, addr & TARGET_PAGE_MASK);
        hwaddr pa;
        MemTxResult r;

        if (page == (hwaddr)-1) {
            return false;
        }
        pa = page + (addr & (TARGET_PAGE_SIZE - 1));
        /* Writes reach ROM too (as a debugger expects) and invalidate any code
         * translated from the bytes they change. */
        r = is_write ? address_space_write_rom(cpu->as, pa, buf, n)
                     : address_space_read(cpu->as, pa, buf, n);
        if (r != MEMTX_OK) {
            return false;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

/* "ADDR,LEN" followed by term; returns the text after term, NULL if malformed. */
static const char *gdbstub_parse_addr_len(const char *p, vaddr *addr, size_t *len,
                                          char term)
{
    char *end;

    *addr = strtoull(p, &end, 16);
    if (end == p || *end != ',') {
        return NULL;
    }
    p = end + 1;
    *len = strtoull(p, &end, 16);
    if (end == p || *end != term) {
        return NULL;
    }
    return term ? end + 1 : end;
}

static void gdbstub_cmd_read_mem(GdbServer *s, const char *p)
{
    vaddr addr;
    size_t len;
    uint8_t *buf;
    char *hex;

    if (!gdbstub_parse_addr_len(p, &addr, &len, 0)) {
        gdbstub_put_packet(s, "E22");
        return;
    }
    /* gdb splits reads to fit the PacketSize we gave it; cap anyway. */
    len = MIN_U(len, GDB_MAX_PACKET / 2);
    buf = g_malloc(len + 1);
    hex = g_malloc(len * 2 + 1);
    if (!gdbstub_memory_rw(gdbstub_g_cpu(s), addr, buf, len, false)) {
        gdbstub_put_packet(s, "E14");
    } else {
        gdbstub_hex_encode(hex, buf, len);
        gdbstub_put_packet(s, hex);
    }
    g_free(buf);
    g_free(hex);
}

static void gdbstub_cmd_write_mem(GdbServer *s, const char *p, size_t plen, bool binary)
{
    const char *data;
    vaddr addr;
    size_t len;
    uint8_t *buf;
    size_t got;

    data = gdbstub_parse_addr_len(p, &addr, &len, ':');
    if (!data || len > GDB_MAX_PACKET) {
        gdbstub_put_packet(s, "E22");
        return;
    }
    size_t dlen = plen - (data - p);
    buf = g_malloc(MAX(dlen, len) + 1);
    if (binary) {
        got = gdbstub_unescape(buf, (const uint8_t *)data, dlen);
    } else {
        int n = gdbstub_hex_decode(buf, len, data, dlen);
        got = n < 0 ? 0 : (size_t)n;
    }
    if (got != len) {
        gdbstub_put_packet(s, "E22");
    } else if (len && !gdbstub_memory_rw(gdbstub_g_cpu(s), addr, buf, len, true)) {
        gdbstub_put_packet(s, "E14");
    } else {
        gdbstub_put_packet(s, "OK");
    }
    g_free(buf);
}

/* ---- execution control ---- */

static void gdbstub_resume(GdbServer *s, bool step, CPUState *cpu)
{
    RunState rs = runstate_get();

    if (rs == RUN_STATE_SHUTDOWN || rs == RUN_STATE_INTERNAL_ERROR) {
        /* Nothing left to run: tell gdb the "process" exited. */
        gdbstub_put_packet(s, "W00");
        return;
    }
    gdbstub_clear_singlestep();
    if (!cpu) {
        cpu = gdbstub_c_cpu(s);
    }
    if (step && cpu) {
        cpu->singlestep = 1;
    }
    s->c_cpu = cpu;
    s->running = true;
    vm_start();
}

/* c [ADDR], s [ADDR], C SIG[;ADDR], S SIG[;ADDR]: an address sets the pc first. */
static void gdbstub_cmd_continue(GdbServer *s, const char *p, bool step, bool has_sig)
{
    CPUState *cpu = gdbstub_c_cpu(s);

    if (has_sig) {
        p = strchr(p, ';');
        p = p ? p + 1 : "";
    }
    if (*p && cpu) {
        char *end;
        vaddr addr = strtoull(p, &end, 16);

        if (end != p && cpu->cc->set_pc) {
            cpu->cc->set_pc(cpu, addr);
        }
    }
    gdbstub_resume(s, step, cpu);
}

/* vCont;ACTION[:TID];...: the first action that applies to a thread wins. */
static void gdbstub_cmd_vcont(GdbServer *s, const char *p)
{
    g_auto(GStrv) acts = g_strsplit(p, ";", -1);
    CPUState *step_cpu = NULL;
    bool any = false;

    for (int i = 0; acts[i]; i++) {
        const char *a = acts[i];
        const char *colon = strchr(a, ':');
        CPUState *cpu = NULL;
        long tid = -1;

        if (!*a) {
            continue;
        }
        if (colon) {
            tid = strtol(colon + 1, NULL, 16);
            cpu = gdbstub_cpu_by_thread(tid);
            if (!cpu) {
                gdbstub_put_packet(s, "E22");
                return;
            }
        }
        switch (a[0]) {
        case 's':
        case 'S':
            if (!step_cpu) {
                step_cpu = cpu ? cpu : gdbstub_c_cpu(s);
            }
            any = true;
            break;
        case 'c':
        case 'C':
            any = true;
            break;
        default:
            gdbstub_put_packet(s, "E22");
            return;
        }
    }
    if (!any) {
        gdbstub_put_packet(s, "E22");
        return;
    }
    gdbstub_resume(s, step_cpu != NULL, step_cpu);
}

static void gdbstub_cmd_breakpoint(GdbServer *s, const char *p, bool insert)
{
    char *end;
    unsigned long type = strtoul(p, &end, 16);
    vaddr addr, len;

    if (end == p || *end != ',') {
        gdbstub_put_packet(s, "E22");
        return;
    }
    if (type > 4) {
        gdbstub_put_packet(s, "");     /* not a kind we know */
        return;
    }
    p = end + 1;
    addr = strtoull(p, &end, 16);
    if (end == p) {
        gdbstub_put_packet(s, "E22");
        return;
    }
    if (type >= 2) {
        /* A watchpoint: kind is the length in bytes. */
        unsigned long long kind;

        if (*end != ',') {
            gdbstub_put_packet(s, "E22");
            return;
        }
        p = end + 1;
        kind = strtoull(p, &end, 16);
        len = kind;
        if (end == p || !kind || len != kind || addr + len < addr) {
            gdbstub_put_packet(s, "E22");
            return;
        }
        if (insert) {
            gdbstub_put_packet(s, gdbstub_watchpoint_insert(addr, len,
                                   gdbstub_watch_flags(type)) ? "OK" : "E28");
        } else {
            gdbstub_watchpoint_remove(addr, len, gdbstub_watch_flags(type));
            gdbstub_put_packet(s, "OK");
        }
        return;
    }
    if (insert) {
        gdbstub_put_packet(s, gdbstub_breakpoint_insert(addr) ? "OK" : "E28");
    } else {
        /* Removing one that is not there is not an error worth failing gdb on. */
        gdbstub_breakpoint_remove(addr);
        gdbstub_put_packet(s, "OK");
    }
}

static void gdbstub_detach(GdbServer *s)
{
    gdbstub_breakpoint_remove_all();
    gdbstub_clear_singlestep();
    s->running = false;
}

/* ---- queries ---- */

static void gdbstub_cmd_thread_info(GdbServer *s, bool first)
{
    char buf[32];

    if (first) {
        s->thread_iter = first_cpu;
    }
    if (!s->thread_iter) {
        gdbstub_put_packet(s, "l");
        return;
    }
    snprintf(buf, sizeof(buf), "m%x", gdbstub_thread_id(s->thread_iter));
    s->thread_iter = s->thread_iter->next_cpu;
    gdbstub_put_packet(s, buf);
}

static void gdbstub_cmd_query(GdbServer *s, const char *p)
{
    char buf[128];

    if (g_str_has_prefix(p, "qSupported")) {
        snprintf(buf, sizeof(buf), "PacketSize=%x;QStartNoAckMode+;vContSupported+",
                 GDB_MAX_PACKET);
        gdbstub_put_packet(s, buf);
    } else if (!strcmp(p, "QStartNoAckMode")) {
        gdbstub_put_packet(s, "OK");
        s->no_ack = true;
    } else if (g_str_has_prefix(p, "qAttached")) {
        gdbstub_put_packet(s, "1");     /* attached to an existing "process" */
    } else if (!strcmp(p, "qC")) {
        snprintf(buf, sizeof(buf), "QC%x",
                 gdbstub_g_cpu(s) ? gdbstub_thread_id(gdbstub_g_cpu(s)) : 1);
        gdbstub_put_packet(s, buf);
    } else if (!strcmp(p, "qfThreadInfo")) {
        gdbstub_cmd_thread_info(s, true);
    } else if (!strcmp(p, "qsThreadInfo")) {
        gdbstub_cmd_thread_info(s, false);
    } else if (g_str_has_prefix(p, "qThreadExtraInfo,")) {
        CPUState *cpu = gdbstub_cpu_by_thread(strtol(p + 17, NULL, 16));
        char hex[sizeof(buf) * 2 + 1];

        if (!cpu) {
            gdbstub_put_packet(s, "E22");
            return;
        }
        snprintf(buf, sizeof(buf), "CPU#%d [%s]", cpu->cpu_index,
                 cpu->halted ? "halted" : "running");
        gdbstub_hex_encode(hex, (const uint8_t *)buf, strlen(buf));
        gdbstub_put_packet(s, hex);
    } else if (g_str_has_prefix(p, "qSymbol")) {
        gdbstub_put_packet(s, "OK");    /* no symbols wanted */
    } else {
        gdbstub_put_packet(s, "");
    }
}

/* ---- packet dispatch ---- */

static void gdbstub_handle_packet(GdbServer *s, const char *p, size_t len)
{
    CPUState *cpu;

    switch (p[0]) {
    case '?':
        /* gdb attached (or asks again): the VM is stopped for it. */
        if (runstate_is_running()) {
            vm_stop(RUN_STATE_DEBUG);
        }
        s->running = false;
        gdbstub_send_stop(s, GDB_SIGNAL_TRAP, gdbstub_c_cpu(s));
        break;
    case 'g':
        gdbstub_cmd_read_regs(s);
        break;
    case 'G':
        gdbstub_cmd_write_regs(s, p + 1);
        break;
    case 'p':
        gdbstub_cmd_read_reg(s, p + 1);
        break;
    case 'P':
        gdbstub_cmd_write_reg(s, p + 1);
        break;
    case 'm':
        gdbstub_cmd_read_mem(s, p + 1);
        break;
    case 'M':
        gdbstub_cmd_write_mem(s, p + 1, len - 1, false);
        break;
    case 'X':
        gdbstub_cmd_write_mem(s, p + 1, len - 1, true);
        break;
    case 'c':
        gdbstub_cmd_continue(s, p + 1, false, false);
        break;
    case 's':
        gdbstub_cmd_continue(s, p + 1, true, false);
        break;
    case 'C':
        gdbstub_cmd_continue(s, p + 1, false, true);
        break;
    case 'S':
        gdbstub_cmd_continue(s, p + 1, true, true);
        break;
    case 'v':
        if (!strcmp(p, "vCont?")) {
            gdbstub_put_packet(s, "vCont;c;C;s;S");
        } else if (g_str_has_prefix(p, "vCont;")) {
            gdbstub_cmd_vcont(s, p + 6);
        } else {
            gdbstub_put_packet(s, "");
        }
        break;
    case 'Z':
        gdbstub_cmd_breakpoint(s, p + 1, true);
        break;
    case 'z':
        gdbstub_cmd_breakpoint(s, p + 1, false);
        break;
    case 'H':
        if (p[1] != 'g' && p[1] != 'c') {
            gdbstub_put_packet(s, "");
            break;
        }
        cpu = gdbstub_cpu_by_thread(strtol(p + 2, NULL, 16));
        if (!cpu) {
            gdbstub_put_packet(s, "E22");
            break;
        }
        if (p[1] == 'g') {
            s->g_cpu = cpu;
        } else {
            s->c_cpu = cpu;
        }
        gdbstub_put_packet(s, "OK");
        break;
    case 'T':
        gdbstub_put_packet(s, gdbstub_cpu_by_thread(strtol(p + 1, NULL, 16)) &&
                               strtol(p + 1, NULL, 16) > 0 ? "OK" : "E22");
        break;
    case 'k':
        /* As QEMU: kill ends the emulator (no reply). */
        error_report("terminated via GDBstub");
        gdbstub_detach(s);
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP);
        break;
    case 'D':
        gdbstub_detach(s);
        gdbstub_put_packet(s, "OK");
        if (runstate_get() == RUN_STATE_DEBUG || runstate_get() == RUN_STATE_PAUSED ||
            runstate_get() == RUN_STATE_PRELAUNCH) {
            vm_start();
        }
        break;
    case 'q':
    case 'Q':
        gdbstub_cmd_query(s, p);
        break;
    default:
        gdbstub_put_packet(s, "");
        break;
    }
}

static void gdbstub_interrupt(GdbServer *s)
{
    /* Ctrl-C: only a running target (or one gdb believes running) answers. */
    if (!runstate_is_running() && !s->running) {
        return;
    }
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_DEBUG);
    }
    gdbstub_clear_singlestep();
    s->running = false;
    gdbstub_send_stop(s, GDB_SIGNAL_INT, gdbstub_c_cpu(s));
}

static void gdbstub_receive_bytes(GdbServer *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (gdbstub_rx_byte(&s->rx, buf[i])) {
        case GDB_RX_PACKET:
            if (!s->no_ack) {
                gdbstub_write_raw(s, (const uint8_t *)"+", 1);
            }
            gdbstub_handle_packet(s, s->rx.buf, s->rx.len);
            break;
        case GDB_RX_BAD_CSUM:
            if (!s->no_ack) {
                gdbstub_write_raw(s, (const uint8_t *)"-", 1);
            }
            break;
        case GDB_RX_NAK:
            if (!s->no_ack && s->last) {
                gdbstub_write_raw(s, (const uint8_t *)s->last->str, s->last->len);
            }
            break;
        case GDB_RX_INTERRUPT:
            gdbstub_interrupt(s);
            break;
        case GDB_RX_ACK:
        case GDB_RX_NONE:
            break;
        }
    }
}

static void gdbstub_reset_session(GdbServer *s)
{
    gdbstub_rx_init(&s->rx);
    s->no_ack = false;
    s->running = false;
    s->g_cpu = s->c_cpu = NULL;
    s->thread_iter = NULL;
    if (s->last) {
        g_string_free(s->last, true);
        s->last = NULL;
    }
}

/* ---- the vCPU loop's side ---- */

void gdbstub_debug_stop(CPUState *cpu)
{
    GdbServer *s = &gdb_srv;

    vm_stop(RUN_STATE_DEBUG);
    gdbstub_clear_singlestep();
    if (s->active && s->running) {
        s->running = false;
        s->c_cpu = s->g_cpu = cpu;
        gdbstub_send_stop(s, GDB_SIGNAL_TRAP, cpu);
    }
}

void gdbstub_vm_stopped(int state)
{
    GdbServer *s = &gdb_srv;
    int sig;

    if (!s->active || !s->running || state == RUN_STATE_DEBUG) {
        return;
    }
    switch (state) {
    case RUN_STATE_SHUTDOWN:
        sig = GDB_SIGNAL_QUIT;
        break;
    case RUN_STATE_INTERNAL_ERROR:
        sig = GDB_SIGNAL_ABRT;
        break;
    default:
        sig = GDB_SIGNAL_INT;
        break;
    }
    gdbstub_clear_singlestep();
    s->running = false;
    gdbstub_send_stop(s, sig, gdbstub_c_cpu(s));
}

/* ---- chardev front end ---- */

static int gdbstub_chr_can_receive(void *opaque)
{
    return GDB_MAX_PACKET;
}

static void gdbstub_chr_receive(void *opaque, const uint8_t *buf, int len)
{
    gdbstub_receive_bytes(opaque, buf, len);
}

static void gdbstub_chr_event(void *opaque, int event)
{
    GdbServer *s = opaque;

    switch (event) {
    case CHR_EVENT_OPENED:
        gdbstub_reset_session(s);
        s->connected = true;
        /* As QEMU: a debugger attaching stops the VM. */
        if (runstate_is_running()) {
            vm_stop(RUN_STATE_DEBUG);
        }
        break;
    case CHR_EVENT_CLOSED:
        /* gdb went away without D: leave no breakpoint behind; the VM stays as it
         * is (cont in the monitor resumes it). */
        s->connected = false;
        gdbstub_detach(s);
        break;
    default:
        break;
    }
}

static const CharFrontendOps gdbstub_chr_ops = {
    .can_receive = gdbstub_chr_can_receive,
    .receive = gdbstub_chr_receive,
    .event = gdbstub_chr_event,
};

/* QEMU's -gdb forms: a port, tcp:/unix: with server,nowait implied. */
static char *gdbstub_chardev_spec(const char *dev)
{
    char *end;

    strtoul(dev, &end, 10);
    if (*dev && !*end) {
        return g_strdup_printf("tcp::%s,server,nowait", dev);
    }
    if ((g_str_has_prefix(dev, "tcp:") || g_str_has_prefix(dev, "unix:")) &&
        !strstr(dev, ",server")) {
        return g_strdup_printf("%s,server,nowait", dev);
    }
    return g_strdup(dev);
}

bool gdbserver_start(const char *dev, GError **errp)
{
    GdbServer *s = &gdb_srv;
    g_autofree char *spec = NULL;
    g_autofree char *label = NULL;
    Chardev *chr;

    if (!dev || !*dev) {
        dev = "tcp::1234";
    }
    if (current_accel && strcmp(current_accel->name, "tcg") != 0) {
        error_setg(errp, "gdbstub: the GDB stub needs -accel tcg (breakpoints and "
                   "single-stepping are not supported with -accel %s)",
                   current_accel->name);
        return false;
    }
    if (s->chr) {
        /* A new device replaces the old one (its socket stays open, unused). */
        chardev_set_frontend(s->chr, NULL, NULL);
        gdbstub_detach(s);
        s->chr = NULL;
        s->active = s->connected = false;
    }
    if (!strcmp(dev, "none")) {
        return true;
    }
    spec = gdbstub_chardev_spec(dev);
    label = g_strdup("gdb");
    for (int i = 1; chardev_find(label); i++) {
        g_free(label);
        label = g_strdup_printf("gdb%d", i);
    }
    chr = chardev_new_from_spec(label, spec, errp);
    if (!chr) {
        return false;
    }
    gdbstub_reset_session(s);
    s->test_out = NULL;
    s->chr = chr;
    s->active = true;
    chardev_set_frontend(chr, &gdbstub_chr_ops, s);
    return true;
}

bool gdbserver_running(void)
{
    return gdb_srv.active;
}

void gdbstub_attach_test(GdbOutFn out, void *opaque)
{
    GdbServer *s = &gdb_srv;

    gdbstub_reset_session(s);
    s->chr = NULL;
    s->test_out = out;
    s->test_opaque = opaque;
    s->active = s->connected = out != NULL;
}

void gdbstub_receive_test(const uint8_t *buf, size_t len)
{
    gdbstub_receive_bytes(&gdb_srv, buf, len);
}
