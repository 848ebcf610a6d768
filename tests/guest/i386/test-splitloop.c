/*
 * Loops split by a data-dependent branch (target-i386/trans-loop.c): the TB that
 * starts at the loop's odd side holds the whole loop, its branch to the head (an
 * inner insn) a jump inside the TB, its branch to the odd side a self edge, and
 * its early exit a cold block. Each loop is checked against a reference computed
 * one iteration per call (a loop the region planner leaves alone): both sides
 * taken, flags live across the branches and read right after a join, a #DE inside
 * the loop (the flags it pushes), a timer interrupt while only the inner back edge
 * runs (it would hang without that edge's exit-request check), and a loop that
 * rewrites an immediate of its own code.
 */
#include "lib.h"

uint32_t loop_a(uint32_t n, uint32_t x);
uint32_t loop_b(uint32_t n, uint32_t x);
uint32_t loop_c(uint32_t until);
uint32_t loop_d(uint32_t n, uint32_t x);
uint32_t loop_e(uint32_t n, uint32_t x);
extern uint32_t smc_imm;

volatile uint32_t ticks;
static volatile uint32_t de_count, de_flags_bad;

__asm__(
    ".text\n"
    /* intloop's shape: odd side, head (xorshift, jne odd), even side (div, jne head) */
    ".globl loop_a\n"
    "loop_a:\n"
    "    push %ebx; push %esi; push %edi; push %ebp\n"
    "    mov 20(%esp), %edi\n"
    "    mov 24(%esp), %ecx\n"
    "    xor %ebx, %ebx; xor %esi, %esi\n"
    "    jmp 2f\n"
    "1:  imul $0x9e3779b1, %ecx, %eax\n"
    "    add $1, %ebx\n"
    "    add %eax, %esi\n"
    "    cmp %edi, %ebx\n"
    "    je 3f\n"
    "2:  mov %ecx, %edx; shl $13, %edx; xor %ecx, %edx\n"
    "    mov %edx, %eax; shr $17, %eax; xor %edx, %eax\n"
    "    mov %eax, %ecx; shl $5, %ecx; xor %eax, %ecx\n"
    "    test $1, %al\n"
    "    jne 1b\n"
    "    mov %ebx, %eax; add $1, %ebx; and $7, %eax; add $3, %eax\n"
    "    mov %eax, %ebp; mov %ecx, %eax; xor %edx, %edx\n"
    "    div %ebp\n"
    "    xor %eax, %esi\n"
    "    cmp %edi, %ebx\n"
    "    jne 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"
    "    ret\n"
    /* Flags live across both branches, and read by the first insn of the head,
     * reached with a different cc_op from each side: SUB (CF clear) and DEC (CF
     * kept from ROL), so the even side's branch back must not jump to the join
     * as if its flags were in the SUB's form. */
    ".globl loop_b\n"
    "loop_b:\n"
    "    push %esi; push %edi\n"
    "    mov 12(%esp), %edi\n"
    "    mov 16(%esp), %ecx\n"
    "    xor %esi, %esi\n"
    "    jmp 2f\n"
    "1:  adc $0x80000000, %esi\n"
    "    sub $1, %edi\n"
    "    jz 3f\n"
    "2:  sbb %edx, %edx\n"
    "    add %edx, %esi\n"
    "    mov %ecx, %eax; shl $13, %eax; xor %eax, %ecx\n"
    "    mov %ecx, %eax; shr $17, %eax; xor %eax, %ecx\n"
    "    mov %ecx, %eax; shl $5, %eax; xor %eax, %ecx\n"
    "    mov %ecx, %eax\n"
    "    add %ecx, %eax\n"
    "    jns 1b\n"
    "    setc %dl\n"
    "    movzbl %dl, %edx\n"
    "    add %edx, %esi\n"
    "    rol $3, %esi\n"
    "    dec %edi\n"
    "    jnz 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %edi; pop %esi\n"
    "    ret\n"
    /* One pass through the odd side, then only the head and the even side's back
     * edge until the timer handler has counted up to `until`. */
    ".globl loop_c\n"
    "loop_c:\n"
    "    push %ebx; push %esi; push %edi\n"
    "    mov 16(%esp), %edi\n"
    "    xor %esi, %esi\n"
    "    mov $1, %ebx\n"
    "    jmp 2f\n"
    "1:  add $1, %esi\n"
    "    dec %ebx\n"
    "    cmp $5, %ebx\n"
    "    je 3f\n"
    "2:  add $1, %esi\n"
    "    test %ebx, %ebx\n"
    "    jne 1b\n"
    "    mov ticks, %eax\n"
    "    cmp %edi, %eax\n"
    "    jb 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %edi; pop %esi; pop %ebx\n"
    "    ret\n"
    /* loop_a with a divisor of (i & 7): #DE every eighth even iteration, skipped by
     * the handler (the quotient is then x). */
    ".globl loop_d\n"
    "loop_d:\n"
    "    push %ebx; push %esi; push %edi; push %ebp\n"
    "    mov 20(%esp), %edi\n"
    "    mov 24(%esp), %ecx\n"
    "    xor %ebx, %ebx; xor %esi, %esi\n"
    "    jmp 2f\n"
    "1:  imul $0x9e3779b1, %ecx, %eax\n"
    "    add $1, %ebx\n"
    "    add %eax, %esi\n"
    "    cmp %edi, %ebx\n"
    "    je 3f\n"
    "2:  mov %ecx, %edx; shl $13, %edx; xor %ecx, %edx\n"
    "    mov %edx, %eax; shr $17, %eax; xor %edx, %eax\n"
    "    mov %eax, %ecx; shl $5, %ecx; xor %eax, %ecx\n"
    "    test $1, %al\n"
    "    jne 1b\n"
    "    mov %ebx, %eax; add $1, %ebx\n"
    "    mov %eax, %ebp; mov %ecx, %eax\n"
    "    and $7, %ebp\n"
    "    mov $0, %edx\n"
    "    div %ebp\n"
    "    xor %eax, %esi\n"
    "    cmp %edi, %ebx\n"
    "    jne 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"
    "    ret\n"
    /* The even side rewrites the immediate of the odd side's ADD. */
    ".globl loop_e\n"
    ".globl smc_imm\n"
    "loop_e:\n"
    "    push %ebx; push %esi; push %edi\n"
    "    mov 16(%esp), %edi\n"
    "    mov 20(%esp), %ecx\n"
    "    xor %ebx, %ebx; xor %esi, %esi\n"
    "    movl $7, smc_imm\n"
    "    jmp 2f\n"
    "1:  .byte 0x81, 0xc6\n"        /* add $imm32, %esi */
    "smc_imm: .long 7\n"
    "    add $1, %ebx\n"
    "    cmp %edi, %ebx\n"
    "    je 3f\n"
    "2:  mov %ecx, %eax; shl $13, %eax; xor %eax, %ecx\n"
    "    mov %ecx, %eax; shr $17, %eax; xor %eax, %ecx\n"
    "    mov %ecx, %eax; shl $5, %eax; xor %eax, %ecx\n"
    "    test $1, %cl\n"
    "    jne 1b\n"
    "    mov %ecx, smc_imm\n"
    "    add $1, %ebx\n"
    "    cmp %edi, %ebx\n"
    "    jne 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %edi; pop %esi; pop %ebx\n"
    "    ret\n");

static uint32_t xs(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* One iteration per call: the call keeps the region planner off this loop. */
static uint32_t __attribute__((noinline)) ref_a_iter(uint32_t *x, uint32_t i, uint32_t acc,
                                                     int div_by_i)
{
    uint32_t d;

    *x = xs(*x);
    if (*x & 1) {
        return acc + *x * 0x9e3779b1u;
    }
    d = div_by_i ? (i & 7) : (i & 7) + 3;
    return acc ^ (d ? *x / d : *x);
}

static uint32_t ref_a(uint32_t n, uint32_t x, int div_by_i)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < n; i++) {
        acc = ref_a_iter(&x, i, acc, div_by_i);
    }
    return acc;
}

/* *cf: the carry the head's SBB reads (the odd side's SUB: clear; the even
 * side's DEC keeps ROL's: bit 0 of the result). */
static uint32_t __attribute__((noinline)) ref_b_iter(uint32_t *x, uint32_t *cf,
                                                     uint32_t acc)
{
    uint32_t cf2;

    acc -= *cf;
    *x = xs(*x);
    cf2 = *x >> 31;
    if (!((*x >> 30) & 1)) {
        *cf = 0;
        return acc + 0x80000000u + cf2;
    }
    acc += cf2;
    acc = (acc << 3) | (acc >> 29);
    *cf = acc & 1;
    return acc;
}

static uint32_t ref_b(uint32_t n, uint32_t x)
{
    uint32_t acc = 0, cf = 0;

    for (uint32_t i = 0; i < n; i++) {
        acc = ref_b_iter(&x, &cf, acc);
    }
    return acc;
}

static uint32_t __attribute__((noinline)) ref_e_iter(uint32_t *x, uint32_t *imm, uint32_t acc)
{
    *x = xs(*x);
    if (*x & 1) {
        return acc + *imm;
    }
    *imm = *x;
    return acc;
}

static uint32_t ref_e(uint32_t n, uint32_t x)
{
    uint32_t acc = 0, imm = 7;

    for (uint32_t i = 0; i < n; i++) {
        acc = ref_e_iter(&x, &imm, acc);
    }
    return acc;
}

static void de_handler(struct trap_frame *f)
{
    /* Flags of the insn before DIV (MOV $0 keeps AND's): ZF and PF set, CF, SF,
     * OF clear. A wrong cc_op at the DIV would push other flags. */
    if ((f->eflags & (F_CF | F_ZF | F_SF | F_OF | F_PF)) != (F_ZF | F_PF)) {
        de_flags_bad++;
    }
    de_count++;
    f->eip += 2;            /* div %ebp */
}

static void timer_handler(struct trap_frame *f)
{
    (void)f;
    ticks++;
    outb(0x20, 0x20);
}

int main(void)
{
    static const uint32_t seeds[] = { 2463534242u, 1u, 0x80000001u };
    uint32_t expect_de = 0, x;

    for (unsigned k = 0; k < 3; k++) {
        /* Each size twice: the second run finds the loop's TBs translated. */
        for (int rep = 0; rep < 2; rep++) {
            check("split loop (intloop shape), short", loop_a(5, seeds[k]),
                  ref_a(5, seeds[k], 0));
            check("split loop (intloop shape)", loop_a(20000, seeds[k]),
                  ref_a(20000, seeds[k], 0));
            check("flags live across the branches and at the join",
                  loop_b(20000, seeds[k]), ref_b(20000, seeds[k]));
            check("loop rewriting its own code", loop_e(3000, seeds[k]),
                  ref_e(3000, seeds[k]));
        }
    }

    /* #DE inside the loop: count the zero divisors the reference meets. */
    x = 2463534242u;
    for (uint32_t i = 0; i < 20000; i++) {
        x = xs(x);
        if (!(x & 1) && !(i & 7)) {
            expect_de++;
        }
    }
    trap_handlers[0] = de_handler;
    check("#DE in a split loop: result", loop_d(20000, 2463534242u),
          ref_a(20000, 2463534242u, 1));
    check("#DE in a split loop: traps", de_count, expect_de);
    check("#DE in a split loop: flags pushed", de_flags_bad, 0);
    trap_handlers[0] = 0;

    /* Timer interrupts while only the inner back edge runs. */
    trap_handlers[0x20] = timer_handler;
    pic_init_irq0_only();
    pit_init(1193);         /* ~1 kHz */
    __asm__ volatile("sti");
    check("interrupts reach a loop on its inner back edge", loop_c(20) > 20, 1);
    __asm__ volatile("cli");
    check("ticks counted", ticks >= 20, 1);
    return done();
}
