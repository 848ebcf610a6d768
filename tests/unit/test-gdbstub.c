/*
 * The GDB stub (softmmu/gdbstub.c): checksums, hex, escapes and run-length
 * encoding of the framing, the incremental receiver, and a scripted session
 * against the toy target running on the real engine (breakpoints in the middle of
 * a TB, single steps, memory and register access, Ctrl-C, detach).
 */
#include <criterion/criterion.h>
#include "toy-target.h"
#include "exec/gdbstub.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "sysemu/runstate.h"
#include "tcg/tcg.h"
#include "../../softmmu/internal.h"

/* ---- a decoder for what the stub sends, written from the GDB manual ---- */

/* Decode one "$...#cs" frame at the start of text into out; returns the frame's
 * length in text, 0 if it is malformed (bad checksum included). */
static size_t decode_frame(const char *text, size_t len, GString *out)
{
    size_t i;
    unsigned sum = 0, cs;

    g_string_truncate(out, 0);
    if (len < 4 || text[0] != '$') {
        return 0;
    }
    for (i = 1; i < len && text[i] != '#'; i++) {
        sum += (uint8_t)text[i];
        if (text[i] == '$') {
            return 0;           /* never bare inside a packet */
        }
    }
    if (i + 2 >= len) {
        return 0;
    }
    if (sscanf(text + i + 1, "%2x", &cs) != 1 || cs != (sum & 0xff)) {
        return 0;
    }
    for (size_t j = 1; j < i; j++) {
        char c = text[j];
        if (c == '}') {
            g_string_append_c(out, text[++j] ^ 0x20);
        } else if (c == '*') {
            int n = (uint8_t)text[++j] - 29;
            char last = out->str[out->len - 1];
            for (int k = 0; k < n; k++) {
                g_string_append_c(out, last);
            }
        } else {
            g_string_append_c(out, c);
        }
    }
    return i + 3;
}

/* ---- helpers ---- */

Test(gdbstub, checksum_and_hex)
{
    char hex[16];
    uint8_t bytes[8];

    cr_assert_eq(gdbstub_checksum((const uint8_t *)"OK", 2), 0x9a);
    cr_assert_eq(gdbstub_checksum((const uint8_t *)"", 0), 0);
    /* "g" = 0x67 */
    cr_assert_eq(gdbstub_checksum((const uint8_t *)"g", 1), 0x67);
    gdbstub_hex_encode(hex, (const uint8_t *)"\x01\xab\xff\x00", 4);
    cr_assert_str_eq(hex, "01abff00");
    cr_assert_eq(gdbstub_hex_decode(bytes, 8, "01AbfF00", 8), 4);
    cr_assert_eq(memcmp(bytes, "\x01\xab\xff\x00", 4), 0);
    cr_assert_eq(gdbstub_hex_decode(bytes, 8, "123", 3), -1, "odd digit count");
    cr_assert_eq(gdbstub_hex_decode(bytes, 8, "12zz34", 6), 1, "stops at non-hex");
    cr_assert_eq(gdbstub_hex_decode(bytes, 2, "11223344", 8), 2, "bounded by max");
}

Test(gdbstub, unescape)
{
    /* '}' then byte ^ 0x20: "}\x03" is '#', "}\x04" '$', "}]" '}', "}\x0a" '*' */
    const uint8_t in[] = { 'a', '}', 0x03, '}', 0x04, '}', 0x5d, '}', 0x0a, 'z' };
    uint8_t out[16];

    cr_assert_eq(gdbstub_unescape(out, in, sizeof(in)), 6);
    cr_assert_eq(memcmp(out, "a#$}*z", 6), 0);
}

Test(gdbstub, frame_simple)
{
    GString *f = gdbstub_frame((const uint8_t *)"OK", 2);
    cr_assert_str_eq(f->str, "$OK#9a");
    g_string_free(f, true);

    f = gdbstub_frame((const uint8_t *)"", 0);
    cr_assert_str_eq(f->str, "$#00");
    g_string_free(f, true);

    /* Specials are escaped, never run-length encoded. */
    f = gdbstub_frame((const uint8_t *)"$#}*", 4);
    cr_assert_str_eq(f->str, "$}\x04}\x03}]}\x0a#" "62", "got %s", f->str);
    g_string_free(f, true);
}

Test(gdbstub, frame_run_length)
{
    GString *f = gdbstub_frame((const uint8_t *)"0000000000", 10);
    /* one '0' then 9 more: '*' and 9 + 29 = '&' */
    cr_assert(g_str_has_prefix(f->str, "$0*&#"), "got %s", f->str);
    g_string_free(f, true);

    /* 7 and 8 in a row would need '#' / '$' as the count: never sent. */
    for (int n = 1; n <= 300; n++) {
        char *s = g_strnfill(n, 'x');
        GString *out = g_string_new(NULL);

        f = gdbstub_frame((const uint8_t *)s, n);
        size_t used = decode_frame(f->str, f->len, out);
        cr_assert_eq(used, f->len, "n=%d: %s does not decode", n, f->str);
        cr_assert_str_eq(out->str, s, "n=%d round trip", n);
        cr_assert(!strchr(f->str + 1, '$'), "n=%d: '$' inside %s", n, f->str);
        cr_assert_eq(strchr(f->str + 1, '#'), f->str + f->len - 3, "n=%d: %s", n, f->str);
        if (n >= 4) {
            cr_assert_lt(f->len, (size_t)n + 4, "n=%d not compressed", n);
        }
        g_string_free(out, true);
        g_string_free(f, true);
        g_free(s);
    }
}

Test(gdbstub, frame_random_round_trip)
{
    GRand *r = g_rand_new_with_seed(1234);
    GString *out = g_string_new(NULL);

    for (int iter = 0; iter < 2000; iter++) {
        uint8_t buf[200];
        int n = g_rand_int_range(r, 0, sizeof(buf));
        /* Few distinct bytes, so runs and specials are common. */
        static const uint8_t pool[] = { '0', 'f', '$', '#', '}', '*', 'x', 0x7e };

        for (int i = 0; i < n; i++) {
            buf[i] = pool[g_rand_int_range(r, 0, sizeof(pool))];
            if (i && g_rand_int_range(r, 0, 3)) {
                buf[i] = buf[i - 1];
            }
        }
        GString *f = gdbstub_frame(buf, n);
        cr_assert_eq(decode_frame(f->str, f->len, out), f->len, "iter %d", iter);
        cr_assert_eq(out->len, (size_t)n, "iter %d", iter);
        cr_assert_eq(memcmp(out->str, buf, n), 0, "iter %d", iter);
        g_string_free(f, true);
    }
    g_string_free(out, true);
    g_rand_free(r);
}

static GdbRxEvent feed(GdbRx *rx, const char *s)
{
    GdbRxEvent last = GDB_RX_NONE;

    for (; *s; s++) {
        GdbRxEvent e = gdbstub_rx_byte(rx, (uint8_t)*s);
        if (e != GDB_RX_NONE) {
            last = e;
        }
    }
    return last;
}

Test(gdbstub, receiver)
{
    GdbRx rx;

    gdbstub_rx_init(&rx);
    cr_assert_eq(feed(&rx, "$g#67"), GDB_RX_PACKET);
    cr_assert_str_eq(rx.buf, "g");
    cr_assert_eq(feed(&rx, "$g#68"), GDB_RX_BAD_CSUM);
    cr_assert_eq(feed(&rx, "$g#6"), GDB_RX_NONE, "incomplete");
    cr_assert_eq(feed(&rx, "7"), GDB_RX_PACKET);
    cr_assert_eq(feed(&rx, "+"), GDB_RX_ACK);
    cr_assert_eq(feed(&rx, "-"), GDB_RX_NAK);
    cr_assert_eq(feed(&rx, "\x03"), GDB_RX_INTERRUPT);
    cr_assert_eq(feed(&rx, "junk"), GDB_RX_NONE);
    /* A '$' restarts a packet that never ended. */
    cr_assert_eq(feed(&rx, "$m0,4$OK#9a"), GDB_RX_PACKET);
    cr_assert_str_eq(rx.buf, "OK");
    /* Upper-case checksum digits are fine. */
    cr_assert_eq(feed(&rx, "$vCont?#49"), GDB_RX_PACKET);
    cr_assert_str_eq(rx.buf, "vCont?");
    /* Too long: refused, and the receiver is ready for the next one. */
    GString *big = g_string_new("$");
    unsigned sum = 0;
    for (int i = 0; i < GDB_MAX_PACKET + 10; i++) {
        g_string_append_c(big, 'a');
        sum += 'a';
    }
    g_string_append_printf(big, "#%02x", sum & 0xff);
    cr_assert_eq(feed(&rx, big->str), GDB_RX_BAD_CSUM);
    g_string_free(big, true);
    cr_assert_eq(feed(&rx, "$?#3f"), GDB_RX_PACKET);
}

/* ---- a session against the toy CPU ---- */

#define RAM_SIZE (64 * 1024)

static ToyState *env;
static MemoryRegion ram;
static CPUClass gdb_toy_class;
static GString *sent;           /* everything the stub wrote */

static int toy_gdb_read(CPUState *cs, uint8_t *buf, int n)
{
    ToyState *t = (ToyState *)cs;

    if (n < 8) {
        stl_le_p(buf, t->r[n]);
    } else if (n == 8) {
        stl_le_p(buf, t->pc);
    } else {
        return 0;
    }
    return 4;
}

static int toy_gdb_write(CPUState *cs, const uint8_t *buf, int n)
{
    ToyState *t = (ToyState *)cs;

    if (n < 8) {
        t->r[n] = ldl_le_p(buf);
    } else if (n == 8) {
        t->pc = ldl_le_p(buf);
    } else {
        return 0;
    }
    return 4;
}

static hwaddr toy_phys_page_debug(CPUState *cs, vaddr addr)
{
    return addr < RAM_SIZE ? (hwaddr)addr : (hwaddr)-1;
}

static void toy_set_pc(CPUState *cs, vaddr pc)
{
    ((ToyState *)cs)->pc = pc;
}

static void out_cb(void *opaque, const uint8_t *buf, size_t len)
{
    g_string_append_len(sent, (const char *)buf, len);
}

static void session_setup_backend(bool interp)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 16, .use_interp = interp };

    main_loop_init();
    cr_assert(tcg_exec_init(&cfg, &err), "tcg_exec_init: %s", err ? err->message : "");
    cr_assert(memory_region_init_ram(&ram, "toy.ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    gdb_toy_class = toy_cpu_class;
    gdb_toy_class.gdb_num_regs = 9;
    gdb_toy_class.gdb_read_register = toy_gdb_read;
    gdb_toy_class.gdb_write_register = toy_gdb_write;
    gdb_toy_class.get_phys_page_debug = toy_phys_page_debug;
    gdb_toy_class.set_pc = toy_set_pc;
    env = (ToyState *)cpu_create(&gdb_toy_class, &address_space_memory);
    cr_assert(env);
    env->ram_limit = RAM_SIZE;
    sent = g_string_new(NULL);
    gdbstub_attach_test(out_cb, NULL);
}

static void session_setup(void)
{
    session_setup_backend(false);
}

static void session_setup_interp(void)
{
    session_setup_backend(true);
}

/* Send a packet; return the one reply packet it produced ("" if none), after
 * checking the ack and the frame. */
static char *xfer(const char *body)
{
    /* As gdb sends it: the body as given (binary data already escaped). */
    char *f = g_strdup_printf("$%s#%02x", body,
                              gdbstub_checksum((const uint8_t *)body, strlen(body)));
    GString *out = g_string_new(NULL);
    char *reply;

    g_string_truncate(sent, 0);
    gdbstub_receive_test((const uint8_t *)f, strlen(f));
    g_free(f);
    cr_assert(g_str_has_prefix(sent->str, "+"), "%s: no ack (%s)", body, sent->str);
    if (sent->len == 1) {
        g_string_free(out, true);
        return g_strdup("");
    }
    size_t used = decode_frame(sent->str + 1, sent->len - 1, out);
    cr_assert_eq(used, sent->len - 1, "%s: bad reply frame %s", body, sent->str);
    reply = g_strdup(out->str);
    g_string_free(out, true);
    return reply;
}

static void expect(const char *body, const char *want)
{
    char *got = xfer(body);
    cr_assert_str_eq(got, want, "%s: got '%s', want '%s'", body, got, want);
    g_free(got);
}

/* The vCPU loop's part: run until EXCP_DEBUG, then the stop goes to the stub. */
static void run_until_debug(void)
{
    for (int i = 0; i < 1000; i++) {
        int r = cpu_exec(&env->cs);
        if (r == EXCP_DEBUG) {
            g_string_truncate(sent, 0);
            gdbstub_debug_stop(&env->cs);
            return;
        }
        cr_assert(r == EXCP_INTERRUPT, "unexpected cpu_exec result %#x", r);
    }
    cr_assert_fail("no EXCP_DEBUG");
}

static void expect_stop(const char *want)
{
    GString *out = g_string_new(NULL);

    cr_assert_eq(decode_frame(sent->str, sent->len, out), sent->len,
                 "stop reply frame %s", sent->str);
    cr_assert_str_eq(out->str, want);
    g_string_free(out, true);
}

static const uint32_t prog[] = {
    0x01100001,     /* 0x00: r1 += 1 */
    0x01200002,     /* 0x04: r2 += 2 */
    0x01300003,     /* 0x08: r3 += 3 */
    0x01400004,     /* 0x0c: r4 += 4 */
    0x05000000,     /* 0x10: HALT (EXCP_DEBUG as well) */
};

static void session_toy(void)
{
    char *g;

    cr_assert(address_space_write_rom(&address_space_memory, 0, prog, sizeof(prog)) ==
              MEMTX_OK);

    g = xfer("qSupported:swbreak+");
    cr_assert(strstr(g, "PacketSize=1000"), "%s", g);
    g_free(g);
    expect("?", "T05thread:01;");
    expect("qAttached", "1");
    expect("qC", "QC1");
    expect("qfThreadInfo", "m1");
    expect("qsThreadInfo", "l");
    expect("Hg1", "OK");
    expect("Hc-1", "OK");
    expect("Hg5", "E22");
    expect("T1", "OK");
    expect("T2", "E22");
    expect("vCont?", "vCont;c;C;s;S");
    expect("vMustReplyEmpty", "");
    expect("vCont;c:5", "E22");         /* no such thread: nothing resumes */
    expect("vCont;x", "E22");
    cr_assert(!runstate_is_running());
    expect("Z5,0,4", "");                  /* no such kind */

    /* Registers: nine 32-bit registers, all zero at first (run-length encoded). */
    char *zeros = g_strnfill(9 * 8, '0');
    expect("g", zeros);
    g_free(zeros);
    expect("P3=78563412", "OK");
    expect("p3", "78563412");
    expect("p9", "E14");
    expect("P3=12", "E14");                     /* shorter than the register */
    expect("p3", "78563412");                   /* a refused write changes nothing */
    expect("P3=00000000", "OK");

    /* Memory: the program's second word, a write read back, an unmapped address. */
    expect("m4,4", "02002001");
    expect("m4,0", "");
    expect("M8000,4:deadbeef", "OK");
    expect("m8000,4", "deadbeef");
    expect("X8004,2:}\x03}]", "OK");        /* binary: '#', '}' */
    expect("m8004,2", "237d");
    expect("m20000,4", "E14");
    expect("M20000,1:00", "E14");
    expect("mzz", "E22");

    /* Breakpoint in the middle of the first TB: stops before r3 += 3. */
    expect("Z0,8,4", "OK");
    g_free(xfer("c"));
    cr_assert(runstate_is_running());
    run_until_debug();
    expect_stop("T05thread:01;");
    cr_assert_eq(runstate_get(), RUN_STATE_DEBUG);
    cr_assert_eq(env->pc, 8);
    cr_assert_eq(env->r[1], 1);
    cr_assert_eq(env->r[2], 2);
    cr_assert_eq(env->r[3], 0, "the breakpoint's insn must not have run");
    expect("p8", "08000000");

    /* A step from the breakpoint runs that insn (and only it). */
    g_free(xfer("vCont;s:1"));
    run_until_debug();
    expect_stop("T05thread:01;");
    cr_assert_eq(env->pc, 0xc);
    cr_assert_eq(env->r[3], 3);
    cr_assert_eq(env->r[4], 0);

    /* Rewind with P: the same breakpoint is hit again on continue. */
    expect("P8=00000000", "OK");
    g_free(xfer("c"));
    run_until_debug();
    cr_assert_eq(env->pc, 8);
    cr_assert_eq(env->r[1], 2);

    /* C SIG;ADDR: resume at ADDR (the signal is ignored): from 4, the breakpoint
     * at 8 is next. S SIG: a step. */
    g_free(xfer("C05;4"));
    run_until_debug();
    expect_stop("T05thread:01;");
    cr_assert_eq(env->pc, 8);
    cr_assert_eq(env->r[1], 2);
    cr_assert_eq(env->r[2], 6);
    g_free(xfer("S05"));
    run_until_debug();
    cr_assert_eq(env->pc, 0xc);
    cr_assert_eq(env->r[3], 6);

    /* Without the breakpoint, continue runs to HALT; Ctrl-C while "running". */
    expect("z0,8,4", "OK");
    cr_assert_eq(env->cs.nb_breakpoints, 0);
    g_free(xfer("c"));
    g_string_truncate(sent, 0);
    gdbstub_receive_test((const uint8_t *)"\x03", 1);
    expect_stop("T02thread:01;");
    cr_assert_eq(runstate_get(), RUN_STATE_DEBUG);
    /* A second Ctrl-C with the VM stopped and no stop owed is ignored. */
    g_string_truncate(sent, 0);
    gdbstub_receive_test((const uint8_t *)"\x03", 1);
    cr_assert_eq(sent->len, 0);

    /* A stop from elsewhere (the monitor's stop) while gdb waits: T02. */
    g_free(xfer("c"));
    cr_assert(runstate_is_running());
    g_string_truncate(sent, 0);
    vm_stop(RUN_STATE_PAUSED);
    expect_stop("T02thread:01;");
    /* Not waiting any more: a later stop sends nothing. */
    vm_start();
    g_string_truncate(sent, 0);
    vm_stop(RUN_STATE_PAUSED);
    cr_assert_eq(sent->len, 0);

    /* Detach: breakpoints gone, the VM resumes. */
    expect("Z0,c,4", "OK");
    expect("D", "OK");
    cr_assert_eq(env->cs.nb_breakpoints, 0);
    cr_assert(runstate_is_running());
}

/* Both backends: the breakpoint helper's return address is found differently. */
Test(gdbstub, session_toy_x86_64, .init = session_setup)
{
    session_toy();
}

Test(gdbstub, session_toy_interp, .init = session_setup_interp)
{
    session_toy();
}

Test(gdbstub, acks_and_noack, .init = session_setup)
{
    /* A bad checksum is NAKed; a NAK from gdb resends the last reply. */
    g_string_truncate(sent, 0);
    gdbstub_receive_test((const uint8_t *)"$g#00", 5);
    cr_assert_str_eq(sent->str, "-");
    expect("qC", "QC1");
    g_string_truncate(sent, 0);
    gdbstub_receive_test((const uint8_t *)"-", 1);
    cr_assert_str_eq(sent->str, "$QC1#c5");

    /* After QStartNoAckMode no '+' is sent. */
    expect("QStartNoAckMode", "OK");
    g_string_truncate(sent, 0);
    gdbstub_receive_test((const uint8_t *)"$qC#b4", 6);
    cr_assert_str_eq(sent->str, "$QC1#c5");
}

/* A step over an insn that faults ends on the handler's first insn, unexecuted. */
Test(gdbstub, step_into_exception, .init = session_setup)
{
    const uint32_t code[] = {
        toy_mem(TOY_LD, 6, 5, MO_LEUL, 0),      /* 0x40: faults (r5 beyond RAM) */
        toy_rri(TOY_ADDI, 6, 0, 1),             /* 0x44 */
    };
    const uint32_t handler[] = { toy_rri(TOY_ADDI, 7, 0, 1) };

    cr_assert(address_space_write_rom(&address_space_memory, 0x40, code,
                                      sizeof(code)) == MEMTX_OK);
    cr_assert(address_space_write_rom(&address_space_memory, 0x80, handler,
                                      sizeof(handler)) == MEMTX_OK);
    env->handler = 0x80;
    expect("P5=00000400", "OK");                /* r5 = 0x40000 */
    expect("P8=40000000", "OK");                /* pc = 0x40 */
    g_free(xfer("s"));
    run_until_debug();
    expect_stop("T05thread:01;");
    cr_assert_eq(env->fault_count, 1);
    cr_assert_eq(env->fault_pc, 0x40);
    cr_assert_eq(env->pc, 0x80, "pc %#x", env->pc);
    cr_assert_eq(env->r[7], 0, "the handler's first insn must not have run");
    g_free(xfer("s"));
    run_until_debug();
    cr_assert_eq(env->pc, 0x84);
    cr_assert_eq(env->r[7], 1);
}

/*
 * Watchpoints: a write, a read and an access watchpoint each stop right after the
 * insn that touched the watched bytes (which completed, and nothing after it ran),
 * the stop reply naming the address; an insn run again after a hit and a fault
 * drop nothing. Both backends: the slow path's return address is found differently.
 */
static void watchpoints(void)
{
    const uint32_t code[] = {
        toy_rri(TOY_ADDI, 1, 0, 5),                 /* 0x00 */
        toy_mem(TOY_ST, 1, 2, MO_LEUL, 0x40),       /* 0x04: [r2 + 0x40] = r1 */
        toy_rri(TOY_ADDI, 3, 0, 1),                 /* 0x08 */
        toy_mem(TOY_LD, 4, 2, MO_LEUL, 0x40),       /* 0x0c: r4 = [r2 + 0x40] */
        toy_rri(TOY_ADDI, 5, 0, 1),                 /* 0x10 */
        toy_rri(TOY_HALT, 0, 0, 0),                 /* 0x14 */
    };

    cr_assert(address_space_write_rom(&address_space_memory, 0, code, sizeof(code)) ==
              MEMTX_OK);
    expect("P2=00800000", "OK");                    /* r2 = 0x8000 */
    expect("Z2,8040,0", "E22");
    expect("Z2,8040", "E22");
    expect("Z2,ffffffff,2", "E22");                 /* wraps */

    /* Write: the store at 0x04 hits; the stop is at 0x08 with the store done. */
    expect("Z2,8042,2", "OK");                      /* the word's upper half */
    expect("Z3,9000,4", "OK");                      /* elsewhere: never hit */
    g_free(xfer("c"));
    run_until_debug();
    expect_stop("T05thread:01;watch:8042;");
    cr_assert_eq(env->pc, 8, "pc %#x", env->pc);
    cr_assert_eq(env->r[3], 0, "the insn after the store ran");
    expect("m8040,4", "05000000");
    expect("z2,8042,2", "OK");

    /* Read: the load at 0x0c. */
    expect("Z3,8040,4", "OK");
    g_free(xfer("c"));
    run_until_debug();
    expect_stop("T05thread:01;rwatch:8040;");
    cr_assert_eq(env->pc, 0x10, "pc %#x", env->pc);
    cr_assert_eq(env->r[4], 5);
    cr_assert_eq(env->r[5], 0);
    expect("z3,8040,4", "OK");

    /* Access, from the start again: the store hits first. */
    expect("Z4,803c,8", "OK");
    expect("P8=00000000", "OK");
    g_free(xfer("c"));
    run_until_debug();
    expect_stop("T05thread:01;awatch:8040;");
    cr_assert_eq(env->pc, 8);
    g_free(xfer("c"));
    run_until_debug();
    expect_stop("T05thread:01;awatch:8040;");
    cr_assert_eq(env->pc, 0x10);
    /* Without watchpoints on the page, continue runs to HALT. */
    expect("z4,803c,8", "OK");
    expect("z3,9000,4", "OK");
    cr_assert_eq(env->cs.nb_watchpoints, 0);
    g_free(xfer("c"));
    run_until_debug();
    expect_stop("T05thread:01;");
    cr_assert_eq(env->pc, 0x14);
    cr_assert_eq(env->r[5], 1);

    /* The table holds CPU_MAX_WATCHPOINTS; detach removes them all. */
    for (int i = 0; i < CPU_MAX_WATCHPOINTS; i++) {
        char *z = g_strdup_printf("Z2,%x,4", 0xa000 + 4 * i);
        expect(z, "OK");
        expect(z, "OK");                            /* the same one twice */
        g_free(z);
    }
    expect("Z2,b000,4", "E28");
    cr_assert_eq(cpu_watchpoint_page_flags(&env->cs, 0xa000), BP_MEM_WRITE);
    cr_assert_eq(cpu_watchpoint_page_flags(&env->cs, 0xb000), 0);
    expect("D", "OK");
    cr_assert_eq(env->cs.nb_watchpoints, 0);
}

Test(gdbstub, watchpoints_x86_64, .init = session_setup)
{
    watchpoints();
}

Test(gdbstub, watchpoints_interp, .init = session_setup_interp)
{
    watchpoints();
}

/* An insn run again after a watchpoint hit that faults: no stop is owed, the guest's
 * handler runs, and the watchpoint hits again when the insn is retried. */
Test(gdbstub, watchpoint_then_fault, .init = session_setup)
{
    const uint32_t code[] = {
        toy_mem(TOY_LD64, 4, 2, MO_LEUQ, 0x7c),     /* 0x00: 8 bytes at r2 + 0x7c */
        toy_rri(TOY_HALT, 0, 0, 0),                 /* 0x04 */
    };
    const uint32_t handler[] = {
        toy_rri(TOY_ADDI, 7, 0, 1),                 /* 0x80: r7++ */
        toy_rri(TOY_ADDI, 2, 0, -0x100),            /* 0x84: r2 -= 0x100 */
        toy_rri(TOY_LUI, 6, 0, 0),                  /* 0x88: r6 = 0 */
        toy_rri(TOY_JR, 6, 0, 0),                   /* 0x8c: back to 0 */
    };

    cr_assert(address_space_write_rom(&address_space_memory, 0, code, sizeof(code)) ==
              MEMTX_OK);
    cr_assert(address_space_write_rom(&address_space_memory, 0x80, handler,
                                      sizeof(handler)) == MEMTX_OK);
    env->handler = 0x80;
    /* The load's first 4 bytes are watched RAM (0xfffc, read byte by byte as
     * the load crosses a page), its last 4 lie past the end of RAM (0x10000):
     * the insn faults when it runs again after the hit. */
    expect("P2=80ff0000", "OK");                    /* r2 = 0xff80 */
    expect("Z3,fffc,4", "OK");
    expect("Z3,fefc,4", "OK");
    g_free(xfer("c"));
    run_until_debug();
    /* The fault went to the handler, which moved the load down a page: the
     * retried load hits the second watchpoint and completes. */
    expect_stop("T05thread:01;rwatch:fefc;");
    cr_assert_eq(env->r[7], 1, "the handler ran once");
    cr_assert_eq(env->pc, 4);
}
