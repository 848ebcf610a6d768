/*
 * Debug registers (Intel SDM Vol. 3, 17.2 and 17.3): instruction breakpoints are
 * faults (saved eip = the instruction; EFLAGS.RF set by the handler lets it run once),
 * data breakpoints are traps (saved eip = the next instruction, the store done), DR7
 * L/G enables, R/W (00 execute, 01 write, 11 read/write) and LEN (1, 2, 4 bytes)
 * fields, DR6 B0-B3/BS/BD status with its fixed-1 bits, single step, and general
 * detect (GD: the next MOV DRn is a #DB fault with BD, GD cleared).
 * The same ELF passes on qemu-system-i386 (7.2) except the general-detect checks:
 * QEMU does not implement DR7.GD (SDM Vol. 3, 17.2.4 is the reference there).
 */
#include "lib.h"

#define DR6_FIXED 0xffff0ff0u
#define RW_X  0u
#define RW_W  1u
#define RW_RW 3u
#define LEN1  0u
#define LEN2  1u
#define LEN4  3u
/* DR7 value enabling breakpoint n (local enable) with the given R/W and LEN. */
#define DR7_BP(n, rw, len) ((1u << (2 * (n))) | ((rw) << (16 + 4 * (n))) | \
                            ((len) << (18 + 4 * (n))))

static volatile uint32_t db_count, db_eip, db_dr6, db_dr7;
volatile uint32_t counter;
static volatile uint32_t wvar[4] __attribute__((aligned(16)));
static volatile uint8_t bvar[8] __attribute__((aligned(8)));
extern char st_after[], ld_after[], gd_at[], step_after[];
void bp_func(void);

/* The instruction breakpoints' target: its first insn counts the runs. */
__asm__(".globl bp_func\n"
        "bp_func: incl counter\n"
        "    ret\n");

static void set_dr(int n, uint32_t v)
{
    switch (n) {
    case 0: __asm__ volatile("movl %0, %%dr0" : : "r"(v)); break;
    case 1: __asm__ volatile("movl %0, %%dr1" : : "r"(v)); break;
    case 2: __asm__ volatile("movl %0, %%dr2" : : "r"(v)); break;
    case 3: __asm__ volatile("movl %0, %%dr3" : : "r"(v)); break;
    case 6: __asm__ volatile("movl %0, %%dr6" : : "r"(v)); break;
    default: __asm__ volatile("movl %0, %%dr7" : : "r"(v)); break;
    }
}

static uint32_t get_dr6(void)
{
    uint32_t v;

    __asm__ volatile("movl %%dr6, %0" : "=r"(v));
    return v;
}

static uint32_t get_dr7(void)
{
    uint32_t v;

    __asm__ volatile("movl %%dr7, %0" : "=r"(v));
    return v;
}

static void db_handler(struct trap_frame *f)
{
    db_count++;
    db_eip = f->eip;
    db_dr6 = get_dr6();
    db_dr7 = get_dr7();
    set_dr(6, 0);
    /* Resume an instruction-breakpoint fault past the breakpoint; stop stepping. */
    f->eflags |= 0x10000;
    f->eflags &= ~F_TF;
}

static void reset(void)
{
    set_dr(7, 0);
    set_dr(6, 0);
    db_count = 0;
    db_eip = db_dr6 = 0;
}

static void test_registers(void)
{
    reset();
    check("DR6 reads its fixed bits", get_dr6(), DR6_FIXED);
    set_dr(7, 0);
    check("DR7 bit 10 reads 1", get_dr7(), 0x400);
    set_dr(0, 0x12345678);
    uint32_t v;
    __asm__ volatile("movl %%dr0, %0" : "=r"(v));
    check("DR0 read back", v, 0x12345678);
}

static void test_insn_breakpoint(void)
{
    reset();
    counter = 0;
    set_dr(0, (uint32_t)bp_func);
    set_dr(7, DR7_BP(0, RW_X, LEN1));
    bp_func();
    set_dr(7, 0);
    check("insn bp: one #DB", db_count, 1);
    check("insn bp: fault eip", db_eip, (uint32_t)bp_func);
    check("insn bp: DR6 B0", db_dr6, DR6_FIXED | 1);
    check("insn bp: insn ran once after RF", counter, 1);

    /* Global enable on DR3; a second call hits again (RF was cleared). DR0 no
     * longer matches: B bits "may be set" for matching disabled breakpoints. */
    reset();
    set_dr(0, 0);
    set_dr(3, (uint32_t)bp_func);
    set_dr(7, (2u << 6) | (RW_X << 28));
    bp_func();
    bp_func();
    set_dr(7, 0);
    check("G3 insn bp: one #DB per call", db_count, 2);
    check("G3 insn bp: DR6 B3", db_dr6, DR6_FIXED | 8);
    check("G3 insn bp: eip", db_eip, (uint32_t)bp_func);
    check("G3 insn bp: ran", counter, 3);

    /* R/W and LEN set but neither L nor G: nothing. */
    reset();
    set_dr(0, (uint32_t)bp_func);
    set_dr(7, DR7_BP(0, RW_X, LEN1) & ~3u);
    bp_func();
    set_dr(7, 0);
    check("disabled bp: no #DB", db_count, 0);
}

static void test_data_breakpoints(void)
{
    reset();
    set_dr(1, (uint32_t)&wvar[1]);
    set_dr(7, DR7_BP(1, RW_W, LEN4));
    __asm__ volatile("movl $5, wvar+4\n.globl st_after\nst_after: nop" : : : "memory");
    check("write bp: one #DB", db_count, 1);
    check("write bp: trap eip after the store", db_eip, (uint32_t)st_after);
    check("write bp: DR6 B1", db_dr6, DR6_FIXED | 2);
    check("write bp: store done", wvar[1], 5);
    reset();
    set_dr(7, DR7_BP(1, RW_W, LEN4));
    (void)wvar[1];
    check("write bp: a read does not hit", db_count, 0);
    wvar[0] = 1;
    wvar[2] = 1;
    check("write bp: neighbours do not hit", db_count, 0);
    __asm__ volatile("movb $7, wvar+7" : : : "memory");
    check("write bp: last byte of the dword hits", db_count, 1);
    __asm__ volatile("movw $7, wvar+3" : : : "memory");
    check("write bp: word overlapping the first byte hits", db_count, 2);
    __asm__ volatile("incl wvar+4" : : : "memory");
    check("write bp: read-modify-write hits", db_count, 3);
    set_dr(7, 0);

    /* Read/write, 1 byte, on DR2: reads hit too; the byte after does not. */
    reset();
    set_dr(2, (uint32_t)&bvar[3]);
    set_dr(7, DR7_BP(2, RW_RW, LEN1));
    uint32_t v;
    __asm__ volatile("movzbl bvar+3, %0\n.globl ld_after\nld_after: nop" : "=r"(v));
    check("rw bp: read hits", db_count, 1);
    check("rw bp: trap eip", db_eip, (uint32_t)ld_after);
    check("rw bp: DR6 B2", db_dr6, DR6_FIXED | 4);
    __asm__ volatile("movzbl bvar+4, %0" : "=r"(v));
    check("rw bp: next byte does not hit", db_count, 1);
    __asm__ volatile("movl bvar, %0" : "=r"(v));
    check("rw bp: dword containing it hits", db_count, 2);
    /* LEN 2 on an aligned word: both its bytes hit. */
    set_dr(2, (uint32_t)&bvar[4]);
    set_dr(7, DR7_BP(2, RW_RW, LEN2));
    __asm__ volatile("movzbl bvar+5, %0" : "=r"(v));
    check("len 2 bp: second byte of the word", db_count, 3);
    __asm__ volatile("movzbl bvar+6, %0" : "=r"(v));
    check("len 2 bp: byte after the word", db_count, 3);
    set_dr(7, 0);
}

static void test_single_step_dr6(void)
{
    reset();
    __asm__ volatile("pushfl; orl $0x100, (%%esp); popfl; nop\n.globl step_after\n"
                     "step_after: nop" : : : "memory");
    check("single step: one #DB", db_count, 1);
    check("single step: eip", db_eip, (uint32_t)step_after);
    check("single step: DR6 BS", db_dr6, DR6_FIXED | 0x4000);
}

static void test_general_detect(void)
{
    uint32_t v;

    reset();
    set_dr(7, 0x2000);
    __asm__ volatile(".globl gd_at\ngd_at: movl %%dr0, %0" : "=r"(v));
    check("GD: one #DB", db_count, 1);
    check("GD: fault eip at the mov", db_eip, (uint32_t)gd_at);
    check("GD: DR6 BD", db_dr6, DR6_FIXED | 0x2000);
    check("GD: cleared on #DB", db_dr7 & 0x2000, 0);
    set_dr(7, 0);
}

int main(void)
{
    trap_handlers[1] = db_handler;
    test_registers();
    test_insn_breakpoint();
    test_data_breakpoints();
    test_single_step_dr6();
    test_general_detect();
    reset();
    return done();
}
