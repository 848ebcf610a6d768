/*
 * Exceptions: SYSCALL, BREAK, traps, Reserved Instruction, Coprocessor Unusable
 * (COP1 with CE=1, COP2 with CE=2, CP0 from user mode with CE=0), faults in delay
 * slots (Cause.BD, EPC = branch), software interrupts and vector selection. It
 * checks the FPU-less model (Config1.FP = 0, Status.CU1 read-only).
 * guest-args: -cpu 24Kc */
#include "lib.h"

#define DECL(n) u32 n(u32 a, u32 b)
DECL(x_syscall); DECL(x_break); DECL(x_teq); DECL(x_tne); DECL(x_tge); DECL(x_tgeu);
DECL(x_tlt); DECL(x_tltu); DECL(x_teqi); DECL(x_tnei); DECL(x_tgei); DECL(x_tgeiu);
DECL(x_tlti); DECL(x_tltiu); DECL(x_ri); DECL(x_ri2); DECL(x_ri_special);
DECL(x_cop1); DECL(x_lwc1); DECL(x_sdc1); DECL(x_cop1x); DECL(x_movci); DECL(x_cop2);
DECL(x_trap_mid); DECL(x_trap_bd); DECL(x_trap_many);
u32 x_teq_divu(u32 a, u32 b, volatile u32 *out);
u32 x_teq_div(u32 a, u32 b, volatile u32 *out);
u32 x_teqi_divu(u32 a, u32 b, volatile u32 *out);
u32 x_teq_other(u32 a, u32 b, volatile u32 *out, u32 c);
DECL(x_bd_load); DECL(x_sync_fault); DECL(x_jr_misaligned); DECL(x_bd_nottaken); DECL(x_bd_jr_syscall); DECL(x_bd_cross);
extern char x_bd_resume[], x_jr_resume[];
u32 x_status_irq(u32 st);
u32 x_status_user(u32 st);
extern char x_status_irq_epc[], x_status_user_fault[], x_status_user_resume[];

static volatile u32 data[4] __attribute__((aligned(16)));

static void expect(const char *name, u32 (*fn)(u32, u32), u32 a, u32 b, int code)
{
    u32 at;

    reset_exc();
    at = fn(a, b);
    if (code < 0) {
        check(name, last_exc.count, 0);
        return;
    }
    check(name, EXC_CODE(last_exc.cause), (u32)code);
    if (last_exc.epc != at || last_exc.count != 1) {
        check(name, last_exc.epc, at);
    }
}

static void test_simple(void)
{
    expect("syscall", x_syscall, 0, 0, 8);
    check("syscall: general vector", last_exc.vec, 1);
    check("syscall: EXL set in handler", last_exc.status & 2, 2);
    check("syscall: BD clear", last_exc.cause & CAUSE_BD, 0);
    expect("break", x_break, 0, 0, 9);
    expect("teq", x_teq, 0, 0, 13);
    expect("tne taken", x_tne, 1, 0, 13);
    expect("tne not taken", x_tne, 0, 0, -1);
    expect("tge taken", x_tge, 5, 5, 13);
    expect("tge signed not taken", x_tge, 0xffffffffu, 0, -1);
    expect("tgeu taken", x_tgeu, 0xffffffffu, 0, 13);
    expect("tlt taken", x_tlt, 0x80000000u, 0, 13);
    expect("tlt not taken", x_tlt, 0, 0, -1);
    expect("tltu taken", x_tltu, 0, 1, 13);
    expect("tltu not taken", x_tltu, 0x80000000u, 1, -1);
    expect("teqi taken", x_teqi, 0xffffffffu, 0, 13);
    expect("teqi not taken", x_teqi, 1, 0, -1);
    expect("tnei taken", x_tnei, 4, 0, 13);
    expect("tnei not taken", x_tnei, 5, 0, -1);
    expect("tgei taken", x_tgei, 0xfffffffeu, 0, 13);
    expect("tgei not taken", x_tgei, 0xfffffff0u, 0, -1);
    /* tgeiu: immediate sign-extended, compared unsigned. */
    expect("tgeiu taken", x_tgeiu, 0xffffffffu, 0, 13);
    expect("tgeiu not taken", x_tgeiu, 5, 0, -1);
    expect("tlti taken", x_tlti, 0xfffffff0u, 0, 13);
    expect("tltiu taken", x_tltiu, 5, 0, 13);
    expect("tltiu not taken", x_tltiu, 0xfffffffeu, 0, -1);
    expect("reserved opcode 24", x_ri, 0, 0, 10);
    expect("reserved opcode 59", x_ri2, 0, 0, 10);
    expect("reserved SPECIAL 63", x_ri_special, 0, 0, 10);
    expect("mfc1: CpU", x_cop1, 0, 0, 11);
    check("mfc1: CE=1", (last_exc.cause >> 28) & 3, 1);
    expect("lwc1: CpU", x_lwc1, 0, 0, 11);
    check("lwc1: CE=1", (last_exc.cause >> 28) & 3, 1);
    expect("sdc1: CpU", x_sdc1, 0, 0, 11);
    check("sdc1: CE=1", (last_exc.cause >> 28) & 3, 1);
    expect("cop1x: CpU", x_cop1x, 0, 0, 11);
    check("cop1x: CE=1", (last_exc.cause >> 28) & 3, 1);
    expect("movci: CpU", x_movci, 0, 0, 11);
    check("movci: CE=1", (last_exc.cause >> 28) & 3, 1);
    /* No CP2 and CU2 stuck at 0: Vol. III says Coprocessor Unusable, CE = 2
     * (QEMU 7.2 raises Reserved Instruction instead). */
    expect("cop2: CpU", x_cop2, 0, 0, 11);
    check("cop2: CE=2", (last_exc.cause >> 28) & 3, 2);
}

static void test_delay_slots(void)
{
    u32 at;

    reset_exc();
    resume_addr = (u32)x_bd_resume;
    at = x_bd_load((u32)data, 0);
    check("slot load fault: AdEL", EXC_CODE(last_exc.cause), 4);
    check("slot load fault: BD", last_exc.cause & CAUSE_BD, CAUSE_BD);
    check("slot load fault: EPC = branch", last_exc.epc, at);
    check("slot load fault: BadVAddr", last_exc.badvaddr, (u32)data + 1);

    reset_exc();
    at = x_bd_nottaken((u32)data, 0);
    check("not-taken slot fault: BD", last_exc.cause & CAUSE_BD, CAUSE_BD);
    check("not-taken slot fault: EPC = branch", last_exc.epc, at);

    reset_exc();
    at = x_bd_jr_syscall(0, 0);
    check("jr slot syscall: code", EXC_CODE(last_exc.cause), 8);
    check("jr slot syscall: BD", last_exc.cause & CAUSE_BD, CAUSE_BD);
    check("jr slot syscall: EPC = jr", last_exc.epc, at);

    reset_exc();
    at = x_bd_cross((u32)data, 0);
    check("next-page slot fault: AdEL", EXC_CODE(last_exc.cause), 4);
    check("next-page slot fault: BD", last_exc.cause & CAUSE_BD, CAUSE_BD);
    check("next-page slot fault: EPC = branch", last_exc.epc, at);
    resume_addr = 0;
}

static volatile u32 seen_t0, seen_t1, seen_hi, seen_lo;

static int sync_hook(struct frame *f)
{
    seen_t0 = f->r[8];
    seen_t1 = f->r[9];
    seen_hi = f->hi;
    seen_lo = f->lo;
    return 0;
}

static void test_state_at_fault(void)
{
    u32 at;

    exc_hook = sync_hook;
    reset_exc();
    at = x_sync_fault((u32)data, 0);
    exc_hook = 0;
    check("fault in TB: EPC", last_exc.epc, at);
    check("fault in TB: t0 written before", seen_t0, 0x1111);
    check("fault in TB: t1 written before", seen_t1, (u32)data + 1);
    check("fault in TB: HI written before", seen_hi, 0x1111);
    check("fault in TB: LO written before", seen_lo, (u32)data + 1);
}

static void test_traps_in_tb(void)
{
    u32 at;

    /* A taken trap sees the state the TB wrote before it, and the TB goes on
     * after the handler. */
    exc_hook = sync_hook;
    reset_exc();
    data[0] = 0;
    at = x_trap_mid(0x100, (u32)data);
    exc_hook = 0;
    check("trap in TB: code", EXC_CODE(last_exc.cause), 13);
    check("trap in TB: EPC", last_exc.epc, at);
    check("trap in TB: one exception", last_exc.count, 1);
    check("trap in TB: BD clear", last_exc.cause & CAUSE_BD, 0);
    check("trap in TB: t0 written before", seen_t0, 0x2222);
    check("trap in TB: t1 written before", seen_t1, 0x103);
    check("trap in TB: HI written before", seen_hi, 0x2222);
    check("trap in TB: LO written before", seen_lo, 0x103);
    check("trap in TB: code after it ran", data[0], 0x2223);

    reset_exc();
    at = x_trap_bd(0, 0);
    check("slot trap: code", EXC_CODE(last_exc.cause), 13);
    check("slot trap: BD", last_exc.cause & CAUSE_BD, CAUSE_BD);
    check("slot trap: EPC = branch", last_exc.epc, at);
    reset_exc();
    x_trap_bd(1, 0);
    check("slot trap not taken", last_exc.count, 0);

    reset_exc();
    at = x_trap_many(0, 0);
    check("tenth trap in TB: code", EXC_CODE(last_exc.cause), 13);
    check("tenth trap in TB: EPC", last_exc.epc, at);
    check("tenth trap in TB: one exception", last_exc.count, 1);
    reset_exc();
    x_trap_many(1, 0);
    check("ten traps not taken", last_exc.count, 0);
}

/* A division right after TEQ on its divisor (no zero guard of its own). */
static void test_teq_div(void)
{
    u32 at;

    reset_exc();
    x_teq_divu(100, 7, data);
    check("teq+divu: no trap", last_exc.count, 0);
    check("teq+divu: LO", data[0], 14);
    check("teq+divu: HI", data[1], 2);
    x_teq_divu(0xfffffff0u, 0x10, data);
    check("teq+divu: unsigned LO", data[0], 0x0fffffffu);
    check("teq+divu: unsigned HI", data[1], 0);
    x_teq_div((u32)-100, 7, data);
    check("teq+div: LO", data[0], (u32)-14);
    check("teq+div: HI", data[1], (u32)-2);
    /* INT_MIN / -1 still needs its own guard. */
    x_teq_div(0x80000000u, 0xffffffffu, data);
    check("teq+div INT_MIN/-1: LO", data[0], 0x80000000u);
    check("teq+div INT_MIN/-1: HI", data[1], 0);
    x_teqi_divu(9, 2, data);
    check("teqi+divu: LO", data[0], 4);
    check("teqi+divu: HI", data[1], 1);
    check("teq+div: still no trap", last_exc.count, 0);

    /* Divisor zero: the trap is taken at the TEQ; the handler resumes at the
     * division, which then runs on its own (UNPREDICTABLE result, no host fault). */
    reset_exc();
    at = x_teq_divu(5, 0, data);
    check("teq+divu by 0: Tr", EXC_CODE(last_exc.cause), 13);
    check("teq+divu by 0: EPC = teq", last_exc.epc, at);
    check("teq+divu by 0: one exception", last_exc.count, 1);
    reset_exc();
    at = x_teq_div(5, 0, data);
    check("teq+div by 0: EPC = teq", last_exc.epc, at);
    reset_exc();
    at = x_teqi_divu(5, 0, data);
    check("teqi+divu by 0: EPC = teqi", last_exc.epc, at);

    /* TEQ on another register guards nothing: dividing by zero after it is
     * UNPREDICTABLE but must neither trap nor bring the emulator down. */
    reset_exc();
    x_teq_other(5, 0, data, 1);
    check("teq other reg, divu by 0: no trap", last_exc.count, 0);
    x_teq_other(100, 9, data, 1);
    check("teq other reg: LO", data[0], 11);
    check("teq other reg: HI", data[1], 1);
}

static int misaligned_fetch_hook(struct frame *f)
{
    f->epc = (u32)x_jr_resume;
    return 1;
}

static void test_misaligned_fetch(void)
{
    u32 target;

    exc_hook = misaligned_fetch_hook;
    reset_exc();
    target = x_jr_misaligned(0, 0);
    exc_hook = 0;
    check("misaligned jump target: AdEL", EXC_CODE(last_exc.cause), 4);
    check("misaligned jump target: EPC", last_exc.epc, target);
    check("misaligned jump target: BadVAddr", last_exc.badvaddr, target);
    check("misaligned jump target: not BD", last_exc.cause & CAUSE_BD, 0);
}

static int ibe_hook(struct frame *f)
{
    f->epc = f->r[31];          /* return to the caller of the bad jump */
    return 1;
}

/* Fetching from a physical address nothing decodes (above 64 MB of RAM). */
static void test_fetch_bus_error(void)
{
    exc_hook = ibe_hook;
    reset_exc();
    ((void (*)(void))0xa8000000u)();
    exc_hook = 0;
    check("fetch from nowhere: IBE", EXC_CODE(last_exc.cause), 6);
    check("fetch from nowhere: EPC", last_exc.epc, 0xa8000000u);
}

static int user_cp0_hook(struct frame *f)
{
    user_finish(f);
    return 1;
}

/* User mode may not fetch from kseg0: the first fetch is an address error. */
static void test_user_fetch(void)
{
    exc_hook = user_cp0_hook;
    reset_exc();
    run_user(0x80100000u);
    check("user fetch from kseg0: AdEL", EXC_CODE(last_exc.cause), 4);
    check("user fetch from kseg0: BadVAddr", last_exc.badvaddr, 0x80100000u);
    check("user fetch from kseg0: EPC", last_exc.epc, 0x80100000u);
    exc_hook = 0;
}

static int swint_hook(struct frame *f)
{
    if (EXC_CODE(f->cause) == 0) {
        /* Acknowledge: clear the software interrupts IP0/IP1 in Cause. */
        mtc0(13, 0, mfc0(13, 0) & ~0x300u);
        return 1;
    }
    return 0;
}

static void test_swint(void)
{
    u32 st = mfc0(12, 0);

    exc_hook = swint_hook;
    reset_exc();
    mtc0(12, 0, st | 0x0101u);          /* IM0, IE */
    mtc0(13, 0, 0x100u);                /* raise IP0 */
    __asm__ volatile("nop; nop");
    mtc0(12, 0, st);
    check("software interrupt taken", last_exc.count, 1);
    check("software interrupt code", EXC_CODE(last_exc.cause), 0);
    check("software interrupt IP0", last_exc.cause & 0x100u, 0x100u);
    check("software interrupt vector", last_exc.vec, 1);

    reset_exc();
    mtc0(13, 0, 0x00800000u);           /* IV: interrupts use offset 0x200 */
    mtc0(12, 0, st | 0x0201u);          /* IM1, IE */
    mtc0(13, 0, 0x00800200u);           /* raise IP1 */
    __asm__ volatile("nop; nop");
    mtc0(12, 0, st);
    check("IV interrupt vector 0x200", last_exc.vec, 2);
    mtc0(13, 0, 0);
    mtc0(13, 0, 0x200u);                /* pending, but IE = 0 */
    check("masked interrupt not taken", last_exc.count, 1);
    mtc0(13, 0, 0);
    exc_hook = 0;
}

static int status_user_hook(struct frame *f)
{
    if (EXC_CODE(f->cause) == 4 && f->epc == (u32)x_status_user_fault) {
        f->epc = (u32)x_status_user_resume;
        f->status &= ~0x18u;            /* back to KSU = kernel at the ERET */
        return 1;
    }
    return 0;
}

/* A Status write takes effect at the next insn, in the same straight-line code. */
static void test_status_write(void)
{
    u32 st = mfc0(12, 0) & ~0x1fu, v;

    exc_hook = swint_hook;
    reset_exc();
    mtc0(12, 0, st | 0x0100u);          /* IM0, IE = 0 */
    mtc0(13, 0, 0x100u);                /* IP0 pending */
    check("IP0 pending, IE = 0: not taken", last_exc.count, 0);
    v = x_status_irq(st | 0x0101u);
    mtc0(12, 0, st);
    check("IE set: interrupt taken", last_exc.count, 1);
    check("IE set: taken at the next insn", last_exc.epc, (u32)x_status_irq_epc);
    check("IE set: both increments after it", v, 2);

    reset_exc();
    mtc0(12, 0, st | 0x0001u);          /* IE = 1, IM0 = 0: IP0 stays masked */
    mtc0(13, 0, 0x100u);
    check("IP0 pending, IM0 = 0: not taken", last_exc.count, 0);
    v = x_status_irq(st | 0x0101u);     /* unmask IP0 */
    mtc0(12, 0, st);
    check("IM0 set: interrupt taken", last_exc.count, 1);
    check("IM0 set: taken at the next insn", last_exc.epc, (u32)x_status_irq_epc);
    check("IM0 set: both increments after it", v, 2);

    /* Kernel-mode writes that let nothing in go on in line: IE off and on. */
    reset_exc();
    mtc0(13, 0, 0);
    v = x_status_irq(st | 0x0001u);
    check("IE set, nothing pending: no exception", last_exc.count, 0);
    check("IE set, nothing pending: both increments", v, 2);
    check("IE set, nothing pending: Status written", mfc0(12, 0) & 0xff1fu, (st | 1) & 0xff1fu);
    v = x_status_irq(st);
    check("IE cleared: Status written", mfc0(12, 0) & 0xff1fu, st & 0xff1fu);

    exc_hook = status_user_hook;
    reset_exc();
    v = x_status_user(st | 0x10u);      /* KSU = user, EXL = 0, IE = 0 */
    check("user mode by MTC0: AdEL", EXC_CODE(last_exc.cause), 4);
    check("user mode by MTC0: EPC", last_exc.epc, (u32)x_status_user_fault);
    check("user mode by MTC0: BadVAddr", last_exc.badvaddr, (u32)x_status_user_fault);
    check("user mode by MTC0: fault insn not run", v, 2);
    check("back in kernel mode", mfc0(12, 0) & 0x1eu, 0);
    exc_hook = 0;
}

static void test_cp0(void)
{
    u32 v;

    check("PRId 24Kc", mfc0(15, 0) & 0xffff00u, 0x019300u);
    v = mfc0(16, 0);
    check("Config.AR = R2", (v >> 10) & 7, 1);
    check("Config.MT = TLB", (v >> 7) & 7, 1);
    check("Config.BE = 0", (v >> 15) & 1, 0);
    check("Config1.MMUSize = 15", (mfc0(16, 1) >> 25) & 63, 15);
    check("Config1.FP = 0", mfc0(16, 1) & 1, 0);
    /* Status: CU1 is not writable without an FPU. */
    v = mfc0(12, 0);
    mtc0(12, 0, v | 0x20000000u);
    check("Status.CU1 stays 0", mfc0(12, 0) & 0x20000000u, 0);
    mtc0(12, 0, v);
    mtc0(14, 0, 0x12345678u);
    check("EPC read back", mfc0(14, 0), 0x12345678u);
    mtc0(30, 0, 0x87654321u);
    check("ErrorEPC read back", mfc0(30, 0), 0x87654321u);
    mtc0(6, 0, 3);
    check("Wired", mfc0(6, 0), 3);
    v = mfc0(1, 0);
    check("Random within Wired..15", v >= 3 && v <= 15, 1);
    mtc0(6, 0, 0);
    mtc0(5, 0, 0x1fffe000u);
    check("PageMask 256M", mfc0(5, 0), 0x1fffe000u);
    mtc0(5, 0, 0x00006000u);
    check("PageMask 16K", mfc0(5, 0), 0x00006000u);
    mtc0(5, 0, 0);
    mtc0(10, 0, 0xffffffffu);
    check("EntryHi write mask", mfc0(10, 0), 0xffffe0ffu);
    mtc0(10, 0, 0);
    mtc0(2, 0, 0xffffffffu);
    check("EntryLo0 write mask", mfc0(2, 0), 0x03ffffffu);
    mtc0(4, 0, 0xffffffffu);
    check("Context.PTEBase only", mfc0(4, 0) & 0xff800000u, 0xff800000u);
    check("EBase", mfc0(15, 1) & 0xfffff000u, 0x80000000u);
    v = mfc0(9, 0);
    for (volatile int i = 0; i < 10000; i++) {
    }
    check("Count advances", mfc0(9, 0) != v, 1);
    {
        u32 r;
        __asm__ volatile("di %0" : "=r"(r));
        check("di returns Status", r, mfc0(12, 0));
        __asm__ volatile("ei %0" : "=r"(r));
        check("ei sets IE", mfc0(12, 0) & 1, 1);
        __asm__ volatile("di");
        check("di clears IE", mfc0(12, 0) & 1, 0);
        __asm__ volatile("rdhwr %0, $2" : "=r"(r));
        check("rdhwr CC in kernel", r != 0, 1);
        __asm__ volatile("rdhwr %0, $3" : "=r"(r));
        check("rdhwr CCRes", r, 2);
        __asm__ volatile("rdhwr %0, $1" : "=r"(r));
        check("rdhwr SYNCI_Step", r != 0, 1);
    }
}

int main(void)
{
    test_simple();
    test_delay_slots();
    test_state_at_fault();
    test_traps_in_tb();
    test_teq_div();
    test_misaligned_fetch();
    test_user_fetch();
    test_swint();
    test_status_write();
    test_cp0();
    /* Last: QEMU 7.2's Malta runs off into nothing here instead of raising IBE. */
    test_fetch_bus_error();
    done();
    return 0;
}
