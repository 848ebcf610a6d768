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
#include "../ifconv-ref.h"


uint32_t ifc_loop(uint32_t n, uint32_t x);
uint32_t ifc_loop_k(uint32_t n, uint32_t x, uint32_t k);
uint32_t ifc_loop_slot(uint32_t n, uint32_t x, uint32_t *slot);
extern char x_ifc_div[], x_ifc_bail[], x_ifc_slot_st[];
extern char smc_fn[];

/* intloop's odd arm (label 1: acc += x * K, i++, leave for 3 at the end) and its
 * head (label 2: the xorshift, then to 1 when x is odd), as gcc lays them out;
 * cmp is the exit test's compare of i (EBX) with n (EDI). */
#define IFC_ODD_AND_HEAD(cmp) \
    "1:  imul $0x9e3779b1, %ecx, %eax\n" \
    "    add $1, %ebx\n" \
    "    add %eax, %esi\n" \
    "    " cmp "\n" \
    "    je 3f\n" \
    "2:  mov %ecx, %edx\n" \
    "    shl $13, %edx\n" \
    "    xor %ecx, %edx\n" \
    "    mov %edx, %eax\n" \
    "    shr $17, %eax\n" \
    "    xor %edx, %eax\n" \
    "    mov %eax, %ecx\n" \
    "    shl $5, %ecx\n" \
    "    xor %eax, %ecx\n" \
    "    test $1, %al\n" \
    "    jne 1b\n"

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
    IFC_ODD_AND_HEAD("cmp %ebx, %edi")
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
    IFC_ODD_AND_HEAD("cmp %ebx, %edi")
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
    /* bench intloop as the real binary has it: main keeps EBP as a frame
     * pointer and spills the divisor to a stack slot, -0x1c(%ebp), which the
     * DIV reads back. The third argument is the slot's address. */
    ".p2align 6\n"
    ".globl ifc_loop_slot\n"
    "ifc_loop_slot:\n"
    "    push %ebx; push %esi; push %edi; push %ebp\n"
    "    mov 20(%esp), %edi\n"
    "    mov 24(%esp), %ecx\n"
    "    mov 28(%esp), %ebp\n"
    "    add $0x1c, %ebp\n"
    "    xor %ebx, %ebx; xor %esi, %esi\n"
    "    jmp 2f\n"
    IFC_ODD_AND_HEAD("cmp %edi, %ebx")
    "    mov %ebx, %eax\n"
    "    add $1, %ebx\n"
    "    and $7, %eax\n"
    "    add $3, %eax\n"
    "    mov %eax, %edx\n"
    "    mov %ecx, %eax\n"
    ".globl x_ifc_slot_st\n"
    "x_ifc_slot_st:\n"
    "    mov %edx, -0x1c(%ebp)\n"
    "    xor %edx, %edx\n"
    "    divl -0x1c(%ebp)\n"
    "    xor %eax, %esi\n"
    "    cmp %edi, %ebx\n"
    "    jne 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"
    "    ret\n"
    /* A function whose immediate the stack-slot loop may store into: a slot in a
     * page holding translated code. */
    ".data\n"
    ".p2align 4\n"
    ".globl smc_fn\n"
    "smc_fn:\n"
    "    mov $0x12345678, %eax\n"
    "    ret\n"
    ".text\n"
    /* Where the #DE and #PF handlers resume: leave ifc_loop_k or ifc_loop_slot
     * (the same four registers pushed) with 0. */
    ".globl x_ifc_bail\n"
    "x_ifc_bail:\n"
    "    xor %eax, %eax\n"
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"
    "    ret\n");

static volatile uint32_t ntrap;
static volatile struct trap_frame seen;

/* The divisor the loop last stored to its slot (old if no iteration was even). */
static uint32_t ref_last_div(uint32_t n, uint32_t x, uint32_t old)
{
    for (uint32_t i = 0; i < n; i++) {
        x = xorshift(x);
        if (!(x & 1)) {
            old = (i & 7) + 3;
        }
    }
    return old;
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

static volatile uint32_t seen_cr2;

static void pf_handler(struct trap_frame *f)
{
    uint32_t cr2;

    __asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
    seen_cr2 = cr2;
    de_handler(f);
}

/*
 * The stack-slot loop with paging on (converted code probes the TLB for the
 * store): the slot in a page mapped at SLOT_VA through pt_slot, whose one entry
 * the cases change: writable, read-only (CR0.WP) or not present.
 */
#define PG_P 1u
#define PG_RW 2u
#define SLOT_VA 0x00800000u
#define SLOT_OFS 0x100u
#define SENTINEL 0x5a5a1234u

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt_low[1024] __attribute__((aligned(4096)));
static uint32_t pt_slot[1024] __attribute__((aligned(4096)));
static uint8_t slot_page[4096] __attribute__((aligned(4096)));

static void map_slot(uint32_t flags)
{
    pt_slot[0] = flags ? (uint32_t)slot_page | flags : 0;
    __asm__ volatile("invlpg (%0)" : : "r"(SLOT_VA) : "memory");
}

static volatile uint32_t *slot_word(void)
{
    return (volatile uint32_t *)(slot_page + SLOT_OFS);
}

/* Seed 5's first 8 iterations are odd (the storing arm never taken); seed 9's
 * are odd, odd, even: its third iteration stores, in the converted TB (entered
 * from the head's first odd iteration). */
static void slot_fault_case(const char *what, uint32_t flags, uint32_t err)
{
    uint32_t *slot = (uint32_t *)(SLOT_VA + SLOT_OFS);
    uint32_t acc2 = ref_loop(2, 9, 3), x2 = 9;

    for (int k = 0; k < 3; k++) {
        x2 = xorshift(x2);
    }
    map_slot(PG_P | PG_RW);
    check("slot: converted again", ifc_loop_slot(100000, 1, slot), ref_loop(100000, 1, 3));
    *slot_word() = SENTINEL;
    map_slot(flags);
    ntrap = 0;
    trap_handlers[14] = pf_handler;
    printf_("slot page %s\n", what);
    check("slot: arm never taken, no fault", ifc_loop_slot(8, 5, slot), ref_loop(8, 5, 3));
    check("slot: arm never taken, no #PF", ntrap, 0);
    check("slot: arm never taken, slot untouched", *slot_word(), SENTINEL);
    check("slot: arm taken, bailed out", ifc_loop_slot(100, 9, slot), 0);
    trap_handlers[14] = 0;
    check("slot: #PF taken once", ntrap, 1);
    check("slot: #PF vector", seen.vec, 14);
    check("slot: #PF error code", seen.err, err);
    check("slot: #PF CR2", seen_cr2, (uint32_t)slot);
    check("slot: #PF EIP on the store", seen.eip, (uint32_t)x_ifc_slot_st);
    check("slot: #PF EBX (i + 1)", seen.ebx, 3);
    check("slot: #PF ESI (acc of iterations 0, 1)", seen.esi, acc2);
    check("slot: #PF ECX (x)", seen.ecx, x2);
    check("slot: #PF EAX (x)", seen.eax, x2);
    check("slot: #PF EDX (the divisor)", seen.edx, (2 & 7) + 3);
    check("slot: #PF EBP", seen.ebp, (uint32_t)slot + 0x1c);
    check("slot: #PF EDI (n)", seen.edi, 100);
    /* The flags of ADD EAX, 3 (result 5). */
    check("slot: #PF CF ZF SF OF AF", seen.eflags & (F_CF | F_ZF | F_SF | F_OF | F_AF), 0);
    check("slot: #PF PF", !!(seen.eflags & F_PF), parity_even(5));
    check("slot: slot untouched after #PF", *slot_word(), SENTINEL);
    map_slot(PG_P | PG_RW);
    check("slot: after #PF, the loop runs on", ifc_loop_slot(1000, 9, slot),
          ref_loop(1000, 9, 3));
}

static void test_stack_slot_paging(void)
{
    static const uint32_t seeds[] = { 2463534242u, 1u, 0x9e3779b9u };
    uint32_t *slot = (uint32_t *)(SLOT_VA + SLOT_OFS);
    uint32_t cr0, cr3;

    for (int i = 0; i < 1024; i++) {
        pt_low[i] = (uint32_t)(i << 12) | PG_P | PG_RW;
    }
    pd[0] = (uint32_t)pt_low | PG_P | PG_RW;
    pd[SLOT_VA >> 22] = (uint32_t)pt_slot | PG_P | PG_RW;
    map_slot(PG_P | PG_RW);
    cr3 = (uint32_t)pd;
    __asm__ volatile("movl %0, %%cr3" : : "r"(cr3) : "memory");
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    /* PG, and WP so that ring 0 faults on a read-only page too. */
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | 0x80010000u) : "memory");

    for (unsigned s = 0; s < 3; s++) {
        check("paging, slot: 100000 iterations", ifc_loop_slot(100000, seeds[s], slot),
              ref_loop(100000, seeds[s], 3));
        check("paging, slot: the last divisor stored", *slot_word(),
              ref_last_div(100000, seeds[s], 0));
    }
    *slot_word() = SENTINEL;
    check("paging, slot: all odd", ifc_loop_slot(8, 5, slot), ref_loop(8, 5, 3));
    check("paging, slot: all odd, slot untouched", *slot_word(), SENTINEL);
    slot_fault_case("read-only", PG_P, 3);
    slot_fault_case("not present", 0, 2);

    /* A slot over smc_fn's immediate, translated before each run: the stores
     * hit a page holding code and must invalidate it. */
    uint32_t *code_slot = (uint32_t *)(smc_fn + 1);
    uint32_t (*fn)(void) = (uint32_t (*)(void))smc_fn;
    check("smc: the function before", fn(), 0x12345678);
    for (unsigned s = 0; s < 3; s++) {
        check("smc: slot in a code page", ifc_loop_slot(30000, seeds[s], code_slot),
              ref_loop(30000, seeds[s], 3));
        check("smc: the function returns the last divisor", fn(),
              ref_last_div(30000, seeds[s], 0));
    }
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0) : "memory");
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
    /* Paging off is a direct-window mode, whose stores the engine leaves
     * unconverted: checksums only (test_stack_slot_paging converts it). */
    for (unsigned s = 0; s < 3; s++) {
        uint32_t slot = 0;
        check("stack slot shape, 100000 iterations", ifc_loop_slot(100000, seeds[s], &slot),
              ref_loop(100000, seeds[s], 3));
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
    test_stack_slot_paging();
    return done();
}
