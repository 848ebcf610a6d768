/*
 * If-conversion on i386 (tcg/ifconv.c): bench/workloads/intloop.c's loop as
 * i686-linux-gnu-gcc -O2 compiles it (odd arm at the region TB's start, head,
 * even arm with an inline DIV), whose data-dependent branch the engine profiles
 * and then converts, computes the architected checksum before and after the
 * conversion for several seeds and sizes. A variant takes the divisor's offset k
 * as an argument (kept in EBX's top byte: the loop uses every other register), so
 * that once the loop runs converted a zero divisor raises #DE at the DIV with the
 * registers and flags the unconverted code has there: nothing after the DIV done,
 * the arm's earlier insns all done. Passes on QEMU too (check-guest-i386-qemu),
 * and with -accel tcg,ifconv=off and =always.
 */
#include "lib.h"

#define K 0x9e3779b1u

uint32_t ifc_loop(uint32_t n, uint32_t x);
uint32_t ifc_loop_k(uint32_t n, uint32_t x, uint32_t k);
extern char x_ifc_div[], x_ifc_bail[];

__asm__(
    ".text\n"
    /* intloop: acc = x & 1 ? acc + x * K : acc ^ x / ((i & 7) + 3) */
    ".p2align 6\n"
    ".globl ifc_loop\n"
    "ifc_loop:\n"
    "    push %ebx; push %esi; push %edi; push %ebp\n"
    "    mov 20(%esp), %edi\n"
    "    mov 24(%esp), %ecx\n"
    "    xor %ebx, %ebx; xor %esi, %esi\n"
    "    jmp 2f\n"
    "1:  imul $0x9e3779b1, %ecx, %eax\n"
    "    add $1, %ebx\n"
    "    add %eax, %esi\n"
    "    cmp %ebx, %edi\n"
    "    je 3f\n"
    "2:  mov %ecx, %edx\n"
    "    shl $13, %edx\n"
    "    xor %ecx, %edx\n"
    "    mov %edx, %eax\n"
    "    shr $17, %eax\n"
    "    xor %edx, %eax\n"
    "    mov %eax, %ecx\n"
    "    shl $5, %ecx\n"
    "    xor %eax, %ecx\n"
    "    test $1, %al\n"
    "    jne 1b\n"
    "    mov %ebx, %ebp\n"
    "    mov %ecx, %eax\n"
    "    xor %edx, %edx\n"
    "    add $1, %ebx\n"
    "    and $7, %ebp\n"
    "    add $3, %ebp\n"
    "    div %ebp\n"
    "    xor %eax, %esi\n"
    "    cmp %ebx, %edi\n"
    "    jne 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"
    "    ret\n"
    /* The same with a divisor of (i & 7) + k; EBX = k << 24 | i (n < 2^24). */
    ".p2align 6\n"
    ".globl ifc_loop_k\n"
    "ifc_loop_k:\n"
    "    push %ebx; push %esi; push %edi; push %ebp\n"
    "    mov 20(%esp), %edi\n"
    "    mov 24(%esp), %ecx\n"
    "    mov 28(%esp), %ebx\n"
    "    shl $24, %ebx\n"
    "    add %ebx, %edi\n"
    "    xor %esi, %esi\n"
    "    jmp 2f\n"
    "1:  imul $0x9e3779b1, %ecx, %eax\n"
    "    add $1, %ebx\n"
    "    add %eax, %esi\n"
    "    cmp %ebx, %edi\n"
    "    je 3f\n"
    "2:  mov %ecx, %edx\n"
    "    shl $13, %edx\n"
    "    xor %ecx, %edx\n"
    "    mov %edx, %eax\n"
    "    shr $17, %eax\n"
    "    xor %edx, %eax\n"
    "    mov %eax, %ecx\n"
    "    shl $5, %ecx\n"
    "    xor %eax, %ecx\n"
    "    test $1, %al\n"
    "    jne 1b\n"
    "    mov %ebx, %ebp\n"
    "    shr $24, %ebp\n"
    "    mov %ebx, %eax\n"
    "    and $7, %eax\n"
    "    add %eax, %ebp\n"
    "    mov %ecx, %eax\n"
    "    xor %edx, %edx\n"
    "    add $1, %ebx\n"
    ".globl x_ifc_div\n"
    "x_ifc_div:\n"
    "    div %ebp\n"
    "    xor %eax, %esi\n"
    "    cmp %ebx, %edi\n"
    "    jne 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"
    "    ret\n"
    /* Where the #DE handler resumes: leave ifc_loop_k with 0. */
    ".globl x_ifc_bail\n"
    "x_ifc_bail:\n"
    "    xor %eax, %eax\n"
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"
    "    ret\n");

static volatile uint32_t ntrap;
static volatile struct trap_frame seen;

static uint32_t xorshift(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    return x ^ (x << 5);
}

static uint32_t ref_loop(uint32_t n, uint32_t x, uint32_t k)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < n; i++) {
        x = xorshift(x);
        if (x & 1) {
            acc += x * K;
        } else {
            acc ^= x / ((i & 7) + k);
        }
    }
    return acc;
}

/* The state at the first even iteration with a zero divisor (k = 0). */
static uint32_t ref_trap(uint32_t x, uint32_t *i_out, uint32_t *acc_out, uint32_t *x_out)
{
    uint32_t acc = 0;

    for (uint32_t i = 0; i < 1000000; i++) {
        x = xorshift(x);
        if (x & 1) {
            acc += x * K;
        } else if ((i & 7) == 0) {
            *i_out = i;
            *acc_out = acc;
            *x_out = x;
            return 1;
        } else {
            acc ^= x / (i & 7);
        }
    }
    return 0;
}

/* 1 when the low byte of v has an even number of set bits. */
static uint32_t parity_even(uint32_t v)
{
    v &= 0xff;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

static void de_handler(struct trap_frame *f)
{
    ntrap++;
    seen = *f;
    f->eip = (uint32_t)x_ifc_bail;
}

int main(void)
{
    static const uint32_t seeds[] = { 2463534242u, 1u, 0x9e3779b9u, 0u };

    /* Long enough for the profile (2048 runs of the branch), the verdict and a
     * converted run; seed 0 keeps x at 0 (every iteration even: a branch the
     * profile leaves alone). */
    for (unsigned s = 0; s < 4; s++) {
        check("intloop shape, 100000 iterations", ifc_loop(100000, seeds[s]),
              ref_loop(100000, seeds[s], 3));
        check("intloop shape, again", ifc_loop(100000, seeds[s]),
              ref_loop(100000, seeds[s], 3));
        check("intloop shape, 5 iterations", ifc_loop(5, seeds[s]), ref_loop(5, seeds[s], 3));
    }
    check("intloop shape, one iteration", ifc_loop(1, 12345), ref_loop(1, 12345, 3));
    for (uint32_t k = 1; k < 8; k += 3) {
        check("divisor offset k", ifc_loop_k(54321, seeds[0], k), ref_loop(54321, seeds[0], k));
        check("divisor offset k, again", ifc_loop_k(54321, seeds[2], k),
              ref_loop(54321, seeds[2], k));
    }

    /* k = 0: the divisor is 0 whenever i % 8 == 0. The seed's first iteration is
     * odd, so the loop enters the region TB at the odd arm (converted above). */
    uint32_t seed = 3, i = 0, acc = 0, x = 0;
    check("trap seed starts odd", xorshift(seed) & 1, 1);
    check("trap reference found", ref_trap(seed, &i, &acc, &x), 1);
    check("trap after some iterations", i > 8, 1);
    trap_handlers[0] = de_handler;
    uint32_t r = ifc_loop_k(100000, seed, 0);
    trap_handlers[0] = 0;
    check("#DE: taken once", ntrap, 1);
    check("#DE: bailed out", r, 0);
    check("#DE: EIP on the DIV", seen.eip, (uint32_t)x_ifc_div);
    check("#DE: EBX (i + 1)", seen.ebx, i + 1);
    check("#DE: ESI (acc of the iterations before)", seen.esi, acc);
    check("#DE: ECX (x of this iteration)", seen.ecx, x);
    check("#DE: EAX (the dividend)", seen.eax, x);
    check("#DE: EDX", seen.edx, 0);
    check("#DE: EBP (the divisor)", seen.ebp, 0);
    check("#DE: EDI (the end)", seen.edi, 100000);
    /* The flags of ADD EBX, 1 (i + 1 > 0, no carry or overflow). */
    check("#DE: CF ZF SF OF", seen.eflags & (F_CF | F_ZF | F_SF | F_OF), 0);
    check("#DE: PF", !!(seen.eflags & F_PF), parity_even(i + 1));
    check("#DE: AF", !!(seen.eflags & F_AF), ((i + 1) & 0xf) == 0);
    check("after #DE: the loop runs on", ifc_loop_k(1000, seed, 1), ref_loop(1000, seed, 1));
    return done();
}
