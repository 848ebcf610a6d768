/* Exceptions and interrupts in ring 0: vectors, error codes, saved eip (fault vs trap),
 * double fault, #NM/#MF from the FPU (Intel SDM Vol. 3 ch. 6). */
#include "lib.h"

static void test_faults(void)
{
    int v;

    v = TRAP_PROBE("xorl %%ecx, %%ecx; divl %%ecx", : : : "eax", "ecx", "edx");
    check("#DE div0", v, 0);
    v = TRAP_PROBE("xorl %%edx, %%edx; xorl %%ecx, %%ecx; divl %%ecx", : : : "eax", "ecx",
                   "edx");
    check("#DE div0 with edx 0", v, 0);
    v = TRAP_PROBE("movl $5, %%edx; movl $5, %%ecx; divl %%ecx", : : : "eax", "ecx", "edx");
    check("#DE divl overflow", v, 0);
    v = TRAP_PROBE("movl $4, %%edx; movl $5, %%ecx; divl %%ecx", : : : "eax", "ecx", "edx");
    check("divl edx < divisor", v, -1);
    v = TRAP_PROBE("movl $0x80000000, %%eax; cltd; movl $-1, %%ecx; idivl %%ecx", : : : "eax",
                   "ecx", "edx");
    check("#DE idiv overflow", v, 0);
    v = TRAP_PROBE("movw $0x100, %%ax; movb $1, %%cl; divb %%cl", : : : "eax", "ecx");
    check("#DE divb overflow", v, 0);
    v = TRAP_PROBE("ud2");
    check("#UD ud2", v, 6);
    v = TRAP_PROBE(".byte 0xf0, 0x90");
    check("#UD lock nop", v, 6);
    v = TRAP_PROBE(".byte 0x0f, 0xff");
    check("#UD 0f ff", v, 6);
    static uint32_t lockvar;
    /* (LOCK MOV, also #UD on hardware, is checked by difftest.c: QEMU accepts it.) */
    v = TRAP_PROBE("lock; cmpl %%eax, %0", : "=m"(lockvar) : : "memory");
    check("#UD lock cmp", v, 6);
    v = TRAP_PROBE("lock; addl %%eax, %%ecx", : : : "ecx", "memory");
    check("#UD lock add reg", v, 6);
    v = TRAP_PROBE("lock; incl %0; lock; btsl $3, %0; lock; xchgl %%eax, %0", : "+m"(lockvar)
                   : : "eax", "memory");
    check("lock inc/bts/xchg ok", v, -1);
    /* MOV to/from CR ignores the mod bits: 0f 20 00 is mov %cr0, %eax. */
    uint32_t cr0a, cr0b;
    __asm__ volatile(".byte 0x0f, 0x20, 0x00; movl %%eax, %0; movl %%cr0, %1"
                     : "=r"(cr0a), "=r"(cr0b) : : "eax");
    check("mov cr ignores mod", cr0a, cr0b);
    v = TRAP_PROBE("movl $0x7fffffff, %%eax; incl %%eax; into", : : : "eax");
    check("#OF into", v, 4);
    v = TRAP_PROBE("xorl %%eax, %%eax; into", : : : "eax");
    check("no #OF", v, -1);
    static int32_t bounds[2] = { 10, 20 };
    v = TRAP_PROBE("movl $21, %%eax; boundl %%eax, %0", : : "m"(bounds) : "eax");
    check("#BR bound", v, 5);
    v = TRAP_PROBE("movl $15, %%eax; boundl %%eax, %0", : : "m"(bounds) : "eax");
    check("no #BR", v, -1);
}

static void test_traps(void)
{
    uint32_t after;
    int v;

    /* A trap saves the eip of the next instruction. */
    recover_eip = 0;
    v = TRAP_PROBE("movl $2f, %0; int3; 2:", : "=m"(after));
    check("#BP int3", v, 3);
    check("#BP eip after int3", last_eip, after);
    v = TRAP_PROBE("movl $2f, %0; int $0x41; 2:", : "=m"(after));
    check("int 0x41", v, 0x41);
    check("int 0x41 eip", last_eip, after);
    v = TRAP_PROBE("movl $2f, %0; 2: ud2", : "=m"(after));
    check("#UD eip at insn", last_eip, after);
}

static void test_gp(void)
{
    int v;

    v = TRAP_PROBE("movw $0x1234, %%ax; movw %%ax, %%ds", : : : "eax");
    check("#GP bad selector", v, 13);
    check("#GP bad selector err", last_err, 0x1234);
    __asm__ volatile("movw $0x10, %%ax; movw %%ax, %%ds" : : : "eax");
    v = TRAP_PROBE("movw $0x08, %%ax; movw %%ax, %%ss", : : : "eax");
    check("#GP code seg into ss", v, 13);
    check("#GP code seg into ss err", last_err, 0x08);
    v = TRAP_PROBE("xorl %%eax, %%eax; movw %%ax, %%ss", : : : "eax");
    check("#GP null ss", v, 13);
    check("#GP null ss err", last_err, 0);
    /* A not-present data segment: #NP with the selector. */
    set_gdt_entry(8, 0, 0xfffff, 0x00c01200);   /* P = 0 */
    v = TRAP_PROBE("movw $0x40, %%ax; movw %%ax, %%es", : : : "eax");
    check("#NP es", v, 11);
    check("#NP err", last_err, 0x40);
    v = TRAP_PROBE("movw $0x40, %%ax; movw %%ax, %%ss", : : : "eax");
    check("#SS not present", v, 12);
    check("#SS err", last_err, 0x40);
    __asm__ volatile("movw $0x10, %%ax; movw %%ax, %%es" : : : "eax");
    /* Null selectors are fine in data segment registers (but not usable). */
    v = TRAP_PROBE("xorl %%eax, %%eax; movw %%ax, %%fs", : : : "eax");
    check("null fs ok", v, -1);
    v = TRAP_PROBE("movl %%fs:0, %%eax", : : : "eax");
    check("null fs use: #GP", v, 13);
    check("null fs use: error code 0", last_err, 0);
    check("fs restore", TRAP_PROBE("movw $0x10, %%ax; movw %%ax, %%fs", : : : "eax"), -1);
}

static void df_handler(struct trap_frame *f)
{
    f->eip = recover_eip;
    recover_eip = 0;
}

static void test_double_fault(void)
{
    unsigned long long saved = idt[13];
    int v;

    /* #GP whose gate is not present: #NP during delivery -> #DF (error code 0). */
    trap_handlers[8] = df_handler;
    idt[13] &= ~(1ull << 47);
    v = TRAP_PROBE("movw $0x1234, %%ax; movw %%ax, %%ds", : : : "eax");
    idt[13] = saved;
    trap_handlers[8] = 0;
    check("#DF vector", v, 8);
    check("#DF err", last_err, 0);
    check("#DF seen once", trap_count > 0, 1);
    /* A benign exception whose gate is missing: just #NP. */
    saved = idt[3];
    idt[3] &= ~(1ull << 47);
    v = TRAP_PROBE("int3");
    idt[3] = saved;
    check("#NP for missing int3 gate", v, 11);
    check("#NP err idt", last_err, 3 * 8 + 2);
}

static void test_fpu_traps(void)
{
    uint32_t cr0;
    int v;

    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | 8));    /* TS */
    v = TRAP_PROBE("fld1; fstp %st(0)");
    check("#NM with TS", v, 7);
    __asm__ volatile("clts");
    v = TRAP_PROBE("fld1; fstp %st(0)");
    check("no #NM after clts", v, -1);
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | 4));    /* EM */
    v = TRAP_PROBE("fninit");
    check("#NM with EM", v, 7);
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | 0x20)); /* NE */
    static const uint16_t cw = 0x37b;   /* ZE unmasked */
    v = TRAP_PROBE("fninit; fldcw %0; fldz; fld1; fdivp; fwait", : : "m"(cw));
    check("#MF divide by zero", v, 16);
    __asm__ volatile("fninit");
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0));
}

static volatile uint32_t step_count, step_eips[8];

static void step_handler(struct trap_frame *f)
{
    if (step_count < 8) {
        step_eips[step_count] = f->eip;
    }
    step_count++;
    if (step_count >= 4) {
        f->eflags &= ~F_TF;
    }
}

static void test_single_step(void)
{
    uint32_t l1, l2, l3;

    /* POPF sets TF: the trap comes after the insn following POPF, with the eip of the
     * next insn; a taken jump traps at its target. */
    trap_handlers[1] = step_handler;
    __asm__ volatile("movl $1f, %0; movl $2f, %1; movl $3f, %2;"
                     "pushfl; orl $0x100, (%%esp); popfl;"
                     "nop; 1: jmp 2f; nop; 2: nop; 3: nop; nop"
                     : "=m"(l1), "=m"(l2), "=m"(l3) : : "memory");
    trap_handlers[1] = 0;
    check("single-step count", step_count, 4);
    check("single-step after nop", step_eips[0], l1);
    check("single-step jmp target", step_eips[1], l2);
    check("single-step third", step_eips[2], l3);
}

/*
 * #DE from a DIV in the middle of a translated block, after other DIVs: the
 * translator emits the raise after the block's exits, so the saved eip must still
 * be the faulting DIV's, EAX/EDX unchanged and the flags those of the CMP before
 * it. Ten DIVs in one block also use up the translator's room for such out-of-line
 * raises (8), so the last one takes the in-line path.
 */
static void __attribute__((noinline)) test_de_in_block(void)
{
    extern char de_mid_div[], de_tenth_div[];
    uint32_t eax, edx;
    _Bool cf, zf, sf;
    int v;

    v = TRAP_PROBE("movl $0, %%ecx; movl $100, %%eax; xorl %%edx, %%edx; movl $7, %%ebx\n\t"
                   "divl %%ebx; xorl %%edx, %%edx; cmpl $20, %%eax\n"
                   "de_mid_div: divl %%ecx; addl $1, %%eax; movl $9, %%edx",
                   : "=a"(eax), "=d"(edx), "=@ccc"(cf), "=@ccz"(zf), "=@ccs"(sf)
                   : : "ebx", "ecx");
    check("#DE mid-block vector", v, 0);
    check("#DE mid-block eip", last_eip, (uint32_t)de_mid_div);
    check("#DE mid-block eax", eax, 14);
    check("#DE mid-block edx", edx, 0);
    check("#DE mid-block CF", cf, 1);
    check("#DE mid-block ZF", zf, 0);
    check("#DE mid-block SF", sf, 1);

    v = TRAP_PROBE("movl $0, %%ecx; movl $1000000, %%eax; xorl %%edx, %%edx; movl $3, %%ebx\n\t"
                   ".rept 9\n\tdivl %%ebx\n\t.endr\n"
                   "de_tenth_div: divl %%ecx; movl $5, %%eax",
                   : "=a"(eax), "=d"(edx) : : "ebx", "ecx");
    check("#DE tenth div vector", v, 0);
    check("#DE tenth div eip", last_eip, (uint32_t)de_tenth_div);
    check("#DE tenth div eax", eax, 0x837dfdc7);
    check("#DE tenth div edx", edx, 1);

    /* The same block shape without a fault: every quotient and remainder. */
    v = TRAP_PROBE("movl $0x80000001, %%eax; xorl %%edx, %%edx; movl $3, %%ebx\n\t"
                   ".rept 9\n\tdivl %%ebx\n\t.endr",
                   : "=a"(eax), "=d"(edx) : : "ebx");
    check("nine divs no fault", v, -1);
    check("nine divs eax", eax, 0x617e7c1);
    check("nine divs edx", edx, 2);
}

int main(void)
{
    test_single_step();
    test_faults();
    test_de_in_block();
    test_traps();
    test_gp();
    test_double_fault();
    test_fpu_traps();
    return done();
}
