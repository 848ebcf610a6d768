/*
 * Loop regions with forward branches inside (target-i386/trans-loop.c): a Jcc
 * forward to an insn of the region becomes a branch to a label there (a forward
 * join), with the lazy flags either kept (every path brings the same cc_op) or
 * put in env on every path in. Each loop below comes twice from one macro: as
 * is, and with a CALL to an empty function at each of its labels, which keeps
 * the planner off it (a CALL ends its scan) and splits it at every join, so the
 * second is the reference the first must match exactly: results, memory, and
 * what the trap handlers see (EIP, registers, the flags pushed).
 *  - the XZ decoder's bit-tree loop (lib/xz/xz_dec_lzma2.c, i386 -O2): bit-0 arm
 *    before the head, a forward skip of the range coder's normalization, a
 *    branch back to the bit-0 arm (the region TB's start), a back edge to the
 *    head, an exit in the middle;
 *  - flags read right after joins reached with different cc_ops (SUB or LOGIC
 *    against ADD, an INC keeping an earlier op's CF) and with the same one;
 *  - a forward Jcc whose join the TB never gets to (out of cold exits first);
 *  - a Jcc leaving backward from a region closed by a JMP (goto_tb slot 0);
 *  - a #DE after a join whose paths bring the same cc_op (not stored: the
 *    restore takes it from the insn_start record), skipped by the handler;
 *  - a page fault (paging on) after a join whose paths bring different ones,
 *    the handler mapping the page and the load retried;
 *  - timer interrupts reaching loops that run only a self edge, only an inner
 *    back edge, or only a branch back to a join at the TB's start (a Jcc back
 *    before the start keeping goto_tb slot 1), each with a forward join inside.
 * Runs once with paging off (the direct window the bzImage decompressor uses)
 * and once with paging on. Passes on QEMU too (check-guest-i386-qemu).
 */
#include "lib.h"

#define PG_P 1
#define PG_RW 2

struct rc {
    uint32_t range, code, pos;
    const uint8_t *buf;
};

uint32_t bt_reg(struct rc *rc, uint16_t *probs, uint32_t limit);
uint32_t bt_ref(struct rc *rc, uint16_t *probs, uint32_t limit);
uint32_t fl_reg(uint32_t n, uint32_t x);
uint32_t fl_ref(uint32_t n, uint32_t x);
uint32_t de_reg(uint32_t n, uint32_t x);
uint32_t de_ref(uint32_t n, uint32_t x);
uint32_t pf_reg(const uint32_t *p, uint32_t n);
uint32_t pf_ref(const uint32_t *p, uint32_t n);
uint32_t ex_reg(uint32_t n, uint32_t x);
uint32_t ex_ref(uint32_t n, uint32_t x);
uint32_t bo_reg(uint32_t n, uint32_t x);
uint32_t bo_ref(uint32_t n, uint32_t x);
uint32_t tick_self(uint32_t until);
uint32_t tick_inner(uint32_t until);
uint32_t tick_head(uint32_t until);
extern char x_de_reg[], x_de_ref[], x_pf_reg[], x_pf_ref[];

/* An empty function: a CALL to it at a label keeps the region planner off. */
#define HOOK "call hook_ret\n"

/* The bit-tree decoder: returns the symbol, updates *rc and probs. */
#define BITTREE(name, H)                                                    \
    ".p2align 6\n"                                                          \
    ".globl " name "\n"                                                     \
    name ":\n"                                                              \
    "    push %ebx; push %esi; push %edi; push %ebp\n"                      \
    "    mov 20(%esp), %edi\n"                                              \
    "    mov 24(%esp), %ebx\n"                                              \
    "    mov $1, %eax\n"                                                    \
    "    mov (%edi), %ebp\n"                                                \
    "    mov 4(%edi), %esi\n"                                               \
    "    jmp 2f\n"                                                          \
    "1:  " H            /* bit 0: range = bound, prob += (2048 - prob) >> 5 */ \
    "    mov %edx, %ebp\n"                                                  \
    "    movzwl (%ebx,%eax,2), %ecx\n"                                      \
    "    mov $0x800, %edx\n"                                                \
    "    sub %ecx, %edx\n"                                                  \
    "    shr $5, %edx\n"                                                    \
    "    add %edx, %ecx\n"                                                  \
    "    mov %cx, (%ebx,%eax,2)\n"                                          \
    "    add %eax, %eax\n"                                                  \
    "    cmp 28(%esp), %eax\n"                                              \
    "    jae 4f\n"                                                          \
    "2:  " H            /* the head: normalize when range < 2^24 */         \
    "    cmp $0xffffff, %ebp\n"                                             \
    "    ja 3f\n"                                                           \
    "    shl $8, %ebp\n"                                                    \
    "    mov 8(%edi), %ecx\n"                                               \
    "    mov 12(%edi), %edx\n"                                              \
    "    movzbl (%edx,%ecx), %edx\n"                                        \
    "    inc %ecx\n"                                                        \
    "    mov %ecx, 8(%edi)\n"                                               \
    "    shl $8, %esi\n"                                                    \
    "    add %edx, %esi\n"                                                  \
    "3:  " H                                                                \
    "    mov %ebp, %edx\n"                                                  \
    "    shr $11, %edx\n"                                                   \
    "    movzwl (%ebx,%eax,2), %ecx\n"                                      \
    "    imul %ecx, %edx\n"                                                 \
    "    cmp %edx, %esi\n"                                                  \
    "    jb 1b\n"                                                           \
    "    sub %edx, %ebp\n"  /* bit 1: prob -= prob >> 5 */                  \
    "    sub %edx, %esi\n"                                                  \
    "    movzwl (%ebx,%eax,2), %ecx\n"                                      \
    "    mov %ecx, %edx\n"                                                  \
    "    shr $5, %edx\n"                                                    \
    "    sub %edx, %ecx\n"                                                  \
    "    mov %cx, (%ebx,%eax,2)\n"                                          \
    "    lea 1(%eax,%eax), %eax\n"                                          \
    "    cmp 28(%esp), %eax\n"                                              \
    "    jb 2b\n"                                                           \
    "4:  mov %ebp, (%edi)\n"                                                \
    "    mov %esi, 4(%edi)\n"                                               \
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"                          \
    "    ret\n"

/*
 * Flags live at three joins: CMP (taken) against ADD (fall-through) read by
 * SETP/SETO/ADC; CMP against CMP read by SBB; TEST against an INC that keeps
 * the ADD's CF, read by ADC and SETZ. At the last join a stack slot stored by
 * the fall-through only is read back (store-to-load forwarding must not take
 * the stored value on the taken path). A self edge closes the loop.
 */
#define FLAGS(name, H)                                                      \
    ".p2align 6\n"                                                          \
    ".globl " name "\n"                                                     \
    name ":\n"                                                              \
    "    push %ebx; push %esi; push %edi; push %ebp\n"                      \
    "    push $0\n"                                                         \
    "    mov 24(%esp), %edi\n"                                              \
    "    mov 28(%esp), %ecx\n"                                              \
    "    xor %ebx, %ebx; xor %esi, %esi; xor %edx, %edx; xor %ebp, %ebp\n"  \
    "1:  " H                                                                \
    "    mov %ecx, %eax; shl $13, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shr $17, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shl $5, %eax; xor %eax, %ecx\n"                    \
    "    cmp $0x60000000, %ecx\n"                                           \
    "    ja 2f\n"                                                           \
    "    add %ecx, %edx\n"                                                  \
    "2:  " H                                                                \
    "    setp %al\n"                                                        \
    "    seto %ah\n"                                                        \
    "    movzwl %ax, %eax\n"                                                \
    "    adc %eax, %esi\n"                                                  \
    "    cmp %ecx, %edx\n"                                                  \
    "    jb 3f\n"                                                           \
    "    cmp %esi, %edx\n"                                                  \
    "3:  " H                                                                \
    "    sbb %eax, %eax\n"                                                  \
    "    add %eax, %ebx\n"                                                  \
    "    test $4, %cl\n"                                                    \
    "    jne 4f\n"                                                          \
    "    add %ecx, %ebp\n"                                                  \
    "    inc %ebp\n"                                                        \
    "    mov %ebp, (%esp)\n"                                                \
    "4:  " H                                                                \
    "    mov (%esp), %eax\n"                                                \
    "    adc %eax, %ebx\n"                                                  \
    "    setz %al\n"                                                        \
    "    movzbl %al, %eax\n"                                                \
    "    add %eax, %esi\n"                                                  \
    "    dec %edi\n"                                                        \
    "    jnz 1b\n"                                                          \
    "    mov %esi, %eax; xor %ebx, %eax; add %edx, %eax; xor %ebp, %eax\n"  \
    "    rol $7, %eax; add %ecx, %eax\n"                                    \
    "    add $4, %esp\n"                                                    \
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"                          \
    "    ret\n"

/* A DIV right after a join both of whose paths bring a CMP's flags; the
 * divisor (i & 7) is zero every eighth iteration. */
#define DIVIDE(name, H)                                                     \
    ".p2align 6\n"                                                          \
    ".globl " name "\n"                                                     \
    name ":\n"                                                              \
    "    push %ebx; push %esi; push %edi; push %ebp\n"                      \
    "    mov 20(%esp), %edi\n"                                              \
    "    mov 24(%esp), %ecx\n"                                              \
    "    xor %ebx, %ebx; xor %esi, %esi\n"                                  \
    "1:  " H                                                                \
    "    mov %ecx, %eax; shl $13, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shr $17, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shl $5, %eax; xor %eax, %ecx\n"                    \
    "    mov %ebx, %ebp\n"                                                  \
    "    and $7, %ebp\n"                                                    \
    "    mov %ecx, %eax\n"                                                  \
    "    mov $0, %edx\n"                                                    \
    "    cmp $0x80000000, %ecx\n"                                           \
    "    jb 2f\n"                                                           \
    "    cmp $0xc0000000, %ecx\n"                                           \
    "2:  " H                                                                \
    ".globl x_" name "\n"                                                   \
    "x_" name ":\n"                                                         \
    "    div %ebp\n"                                                        \
    "    add %eax, %esi\n"                                                  \
    "    xor %edx, %esi\n"                                                  \
    "    inc %ebx\n"                                                        \
    "    cmp %edi, %ebx\n"                                                  \
    "    jb 1b\n"                                                           \
    "    mov %esi, %eax\n"                                                  \
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"                          \
    "    ret\n"

/* Sums words from p, a load right after a join reached with TEST's flags or
 * ADD's; ADC reads the CF that load's fault must keep. */
#define PFLOOP(name, H)                                                     \
    ".p2align 6\n"                                                          \
    ".globl " name "\n"                                                     \
    name ":\n"                                                              \
    "    push %ebx; push %esi; push %edi; push %ebp\n"                      \
    "    mov 20(%esp), %esi\n"                                              \
    "    mov 24(%esp), %edi\n"                                              \
    "    xor %ebx, %ebx; xor %ecx, %ecx; xor %edx, %edx\n"                  \
    "1:  " H                                                                \
    "    add $4, %esi\n"                                                    \
    "    test $1, %bl\n"                                                    \
    "    jne 2f\n"                                                          \
    "    add %ebx, %edx\n"                                                  \
    "2:  " H                                                                \
    ".globl x_" name "\n"                                                   \
    "x_" name ":\n"                                                         \
    "    mov -4(%esi), %eax\n"                                              \
    "    adc %eax, %ebx\n"                                                  \
    "    inc %ecx\n"                                                        \
    "    cmp %edi, %ecx\n"                                                  \
    "    jb 1b\n"                                                           \
    "    mov %ebx, %eax; xor %edx, %eax\n"                                  \
    "    pop %ebp; pop %edi; pop %esi; pop %ebx\n"                          \
    "    ret\n"

/*
 * A forward Jcc over nine early exits to the region's end: the TB runs out of
 * cold exits at the ninth and ends there, so the forward Jcc's join is never
 * translated in it (it leaves through the jump cache, x86_loop_tb_stop).
 */
#define EXIT_CMP(k) "    cmp $0x7fff000" #k ", %esi\n    je 9f\n"
#define EXITS(name, H)                                                      \
    ".p2align 6\n"                                                          \
    ".globl " name "\n"                                                     \
    name ":\n"                                                              \
    "    push %esi; push %edi\n"                                            \
    "    mov 12(%esp), %edi\n"                                              \
    "    mov 16(%esp), %ecx\n"                                              \
    "    xor %esi, %esi\n"                                                  \
    "1:  " H                                                                \
    "    mov %ecx, %eax; shl $13, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shr $17, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shl $5, %eax; xor %eax, %ecx\n"                    \
    "    test $1, %cl\n"                                                    \
    "    jne 3f\n"                                                          \
    "    add %ecx, %esi\n"                                                  \
    EXIT_CMP(1) EXIT_CMP(2) EXIT_CMP(3) EXIT_CMP(4) EXIT_CMP(5)             \
    EXIT_CMP(6) EXIT_CMP(7) EXIT_CMP(8) EXIT_CMP(9)                         \
    "3:  " H                                                                \
    "    adc $1, %esi\n"                                                    \
    "    dec %edi\n"                                                        \
    "    jnz 1b\n"                                                          \
    "9:  mov %esi, %eax\n"                                                  \
    "    pop %edi; pop %esi\n"                                              \
    "    ret\n"

/*
 * The loop's exit laid out before it, a Jcc back there leaving the region (the
 * XZ decoder's literal loop at 0x01feef58): the region TB starts at the odd arm
 * and closes with a JMP to an inner join, so the leaving Jcc takes goto_tb slot 0
 * and the self edge slot 1.
 */
#define BACKOUT(name, H)                                                    \
    ".p2align 6\n"                                                          \
    ".globl " name "\n"                                                     \
    name ":\n"                                                              \
    "    push %ebx; push %esi; push %edi\n"                                 \
    "    mov 16(%esp), %edi\n"                                              \
    "    mov 20(%esp), %ecx\n"                                              \
    "    xor %esi, %esi; xor %ebx, %ebx\n"                                  \
    "    jmp 2f\n"                                                          \
    "8:  mov %esi, %eax\n"                                                  \
    "    add %ebx, %eax\n"                                                  \
    "    pop %edi; pop %esi; pop %ebx\n"                                    \
    "    ret\n"                                                             \
    "1:  " H                                                                \
    "    add $7, %esi\n"                                                    \
    "2:  " H                                                                \
    "    mov %ecx, %eax; shl $13, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shr $17, %eax; xor %eax, %ecx\n"                   \
    "    mov %ecx, %eax; shl $5, %eax; xor %eax, %ecx\n"                    \
    "    dec %edi\n"                                                        \
    "    je 8b\n"                                                           \
    "    test $2, %cl\n"                                                    \
    "    jne 3f\n"                                                          \
    "    add %ecx, %ebx\n"                                                  \
    "3:  " H                                                                \
    "    rol $1, %ebx\n"                                                    \
    "    test $1, %cl\n"                                                    \
    "    jne 1b\n"                                                          \
    "    add $1, %ebx\n"                                                    \
    "    jmp 2b\n"

__asm__(
    ".text\n"
    "hook_ret: ret\n"
    BITTREE("bt_reg", "")
    BITTREE("bt_ref", HOOK)
    FLAGS("fl_reg", "")
    FLAGS("fl_ref", HOOK)
    DIVIDE("de_reg", "")
    DIVIDE("de_ref", HOOK)
    PFLOOP("pf_reg", "")
    PFLOOP("pf_ref", HOOK)
    EXITS("ex_reg", "")
    EXITS("ex_ref", HOOK)
    BACKOUT("bo_reg", "")
    BACKOUT("bo_ref", HOOK)
    /* Only the self edge loops once the ticks' parity is what it is. */
    ".p2align 6\n"
    ".globl tick_self\n"
    "tick_self:\n"
    "    push %esi; push %edi\n"
    "    mov 12(%esp), %edi\n"
    "    xor %esi, %esi\n"
    "1:  mov ticks, %eax\n"
    "    test $1, %al\n"
    "    jne 2f\n"
    "    add $1, %esi\n"
    "2:  add $1, %esi\n"
    "    cmp %edi, %eax\n"
    "    jb 1b\n"
    "    mov %esi, %eax\n"
    "    pop %edi; pop %esi\n"
    "    ret\n"
    /* One pass through the odd side (the TB's start), then only the inner back
     * edge, a forward join on its way. */
    ".p2align 6\n"
    ".globl tick_inner\n"
    "tick_inner:\n"
    "    push %ebx; push %esi; push %edi\n"
    "    mov 16(%esp), %edi\n"
    "    xor %esi, %esi\n"
    "    mov $1, %ebx\n"
    "    jmp 2f\n"
    "1:  add $1, %esi\n"
    "    dec %ebx\n"
    "    cmp $5, %ebx\n"
    "    je 3f\n"
    "2:  mov ticks, %eax\n"
    "    test $1, %al\n"
    "    jne 4f\n"
    "    add $2, %esi\n"
    "4:  test %ebx, %ebx\n"
    "    jne 1b\n"
    "    cmp %edi, %eax\n"
    "    jb 2b\n"
    "3:  mov %esi, %eax\n"
    "    pop %edi; pop %esi; pop %ebx\n"
    "    ret\n"
    /* A Jcc back before the TB's start (never taken) keeps goto_tb slot 1: the
     * branch back to the start is a jump to a join there. */
    ".p2align 6\n"
    ".globl tick_head\n"
    "tick_head:\n"
    "    push %esi; push %edi\n"
    "    mov 12(%esp), %edi\n"
    "    xor %esi, %esi\n"
    "    jmp 2f\n"
    "1:  add $5, %esi\n"
    "2:  mov ticks, %eax\n"
    "    test $1, %al\n"
    "    jne 3f\n"
    "    add $1, %esi\n"
    "3:  cmp $0xffffffff, %esi\n"
    "    je 1b\n"
    "    cmp %edi, %eax\n"
    "    jb 2b\n"
    "    mov %esi, %eax\n"
    "    pop %edi; pop %esi\n"
    "    ret\n");

volatile uint32_t ticks;

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt0[1024] __attribute__((aligned(4096)));
static uint32_t pt2[1024] __attribute__((aligned(4096)));
static uint32_t page_a[1024] __attribute__((aligned(4096)));
static uint32_t page_b[1024] __attribute__((aligned(4096)));
#define VA_P 0x00880000u        /* pt2[0x80]: page_a, pt2[0x81]: page_b */

static uint8_t inbuf[8192];
static uint16_t probs_a[256], probs_b[256];

/* What a trap handler saw, for the region run and for the reference. */
struct seen {
    uint32_t count, eip_bad, flags, regs, cr2;
};
static struct seen seen;
static const char *trap_label;

static uint32_t xs(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static void note_trap(struct trap_frame *f)
{
    seen.count++;
    seen.eip_bad += f->eip != (uint32_t)trap_label;
    seen.flags = seen.flags * 31 + (f->eflags & F_ARITH);
    /* Not EBP: the caller's in the page-fault loop, which does not use it. */
    seen.regs = seen.regs * 31 + f->eax + 3 * f->ebx + 5 * f->ecx + 7 * f->edx +
                11 * f->esi + 13 * f->edi;
}

static void de_handler(struct trap_frame *f)
{
    note_trap(f);
    f->eax = 0x1234;
    f->edx = 0;
    f->eip += 2;            /* div %ebp */
}

static void pf_handler(struct trap_frame *f)
{
    uint32_t cr2;

    __asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
    note_trap(f);
    seen.cr2 = cr2;
    pt2[0x81] = (uint32_t)page_b | PG_P | PG_RW;
    __asm__ volatile("invlpg (%0)" : : "r"(VA_P + 0x1000) : "memory");
}

static void timer_handler(struct trap_frame *f)
{
    (void)f;
    ticks++;
    outb(0x20, 0x20);
}

static void check_bittree(const char *mode)
{
    struct rc ra = { 0xffffffffu, 0, 0, inbuf }, rb = ra;
    uint32_t sa = 0, sb = 0;

    for (int i = 0; i < 256; i++) {
        probs_a[i] = probs_b[i] = 0x400;
    }
    /* Five leading bytes as the LZMA range coder's init takes them. */
    for (int i = 0; i < 5; i++) {
        ra.code = rb.code = (ra.code << 8) | inbuf[i];
    }
    ra.pos = rb.pos = 5;
    for (int k = 0; k < 3000; k++) {
        uint32_t limit = k % 3 == 0 ? 0x100 : k % 3 == 1 ? 0x8 : 0x40;

        sa = sa * 33 + bt_reg(&ra, probs_a, limit);
        sb = sb * 33 + bt_ref(&rb, probs_b, limit);
    }
    printf_("bit-tree (%s): symbols %08x, %u bytes read\n", mode, sa, ra.pos);
    check("bit-tree: symbols", sa, sb);
    check("bit-tree: range", ra.range, rb.range);
    check("bit-tree: code", ra.code, rb.code);
    check("bit-tree: input consumed", ra.pos, rb.pos);
    {
        uint32_t ha = 0, hb = 0;

        for (int i = 0; i < 256; i++) {
            ha = ha * 31 + probs_a[i];
            hb = hb * 31 + probs_b[i];
        }
        check("bit-tree: probabilities", ha, hb);
    }
    check("bit-tree: probabilities moved", probs_a[1] != 0x400, 1);
}

static void check_flags(void)
{
    static const uint32_t seeds[] = { 2463534242u, 1u, 0x80000001u, 0xdeadbeefu };

    for (unsigned k = 0; k < 4; k++) {
        check("flags at joins, short", fl_reg(7, seeds[k]), fl_ref(7, seeds[k]));
        check("flags at joins", fl_reg(20000, seeds[k]), fl_ref(20000, seeds[k]));
        check("a join the TB does not reach", ex_reg(5000, seeds[k]),
              ex_ref(5000, seeds[k]));
        check("a Jcc leaving backward, a JMP closing", bo_reg(5000, seeds[k]),
              bo_ref(5000, seeds[k]));
    }
}

/* What the handlers note from here on, the trapping insn expected at label. */
static void watch_traps(const char *label)
{
    seen = (struct seen){ 0 };
    trap_label = label;
}

static void check_de(void)
{
    uint32_t ra, rb;
    struct seen a, b;

    trap_handlers[0] = de_handler;
    watch_traps(x_de_reg);
    ra = de_reg(4000, 0x12345678u) + de_reg(4000, 0x12345678u);
    a = seen;
    watch_traps(x_de_ref);
    rb = de_ref(4000, 0x12345678u) + de_ref(4000, 0x12345678u);
    b = seen;
    trap_handlers[0] = 0;
    check("#DE after a join: result", ra, rb);
    check("#DE after a join: traps", a.count, 1000);
    check("#DE after a join: traps (reference)", b.count, 1000);
    check("#DE after a join: EIP", a.eip_bad, 0);
    check("#DE after a join: EIP (reference)", b.eip_bad, 0);
    check("#DE after a join: flags pushed", a.flags, b.flags);
    check("#DE after a join: registers", a.regs, b.regs);
}

static struct seen run_pf(uint32_t (*fn)(const uint32_t *, uint32_t), const char *label,
                          uint32_t *result)
{
    /* 0x100 words from 0x40 before the end of page_a: the 0x41st faults. */
    pt2[0x81] = 0;
    __asm__ volatile("invlpg (%0)" : : "r"(VA_P + 0x1000) : "memory");
    watch_traps(label);
    *result = fn((const uint32_t *)(VA_P + 0x1000 - 0x100), 0x100);
    return seen;
}

static void check_pf(void)
{
    uint32_t ra, rb;
    struct seen a, b;

    trap_handlers[14] = pf_handler;
    for (int rep = 0; rep < 2; rep++) {
        a = run_pf(pf_reg, x_pf_reg, &ra);
        b = run_pf(pf_ref, x_pf_ref, &rb);
        check("#PF after a join: result", ra, rb);
        check("#PF after a join: one fault", a.count, 1);
        check("#PF after a join: one fault (reference)", b.count, 1);
        check("#PF after a join: EIP", a.eip_bad, 0);
        check("#PF after a join: EIP (reference)", b.eip_bad, 0);
        check("#PF after a join: CR2", a.cr2, VA_P + 0x1000);
        check("#PF after a join: flags pushed", a.flags, b.flags);
        check("#PF after a join: registers", a.regs, b.regs);
    }
    trap_handlers[14] = 0;
    pt2[0x81] = (uint32_t)page_b | PG_P | PG_RW;
    __asm__ volatile("invlpg (%0)" : : "r"(VA_P + 0x1000) : "memory");
}

static void enable_paging(void)
{
    for (int i = 0; i < 1024; i++) {
        pt0[i] = (i << 12) | PG_P | PG_RW;
    }
    pd[0] = (uint32_t)pt0 | PG_P | PG_RW;
    pd[2] = (uint32_t)pt2 | PG_P | PG_RW;
    pt2[0x80] = (uint32_t)page_a | PG_P | PG_RW;
    pt2[0x81] = (uint32_t)page_b | PG_P | PG_RW;
    __asm__ volatile("movl %0, %%cr3" : : "r"(pd) : "memory");
    __asm__ volatile("movl %%cr0, %%eax; orl $0x80000000, %%eax; movl %%eax, %%cr0"
                     : : : "eax", "memory");
}

int main(void)
{
    uint32_t x = 88172645u;

    for (unsigned i = 0; i < sizeof(inbuf); i++) {
        x = xs(x);
        /* Skewed toward small bytes: both sides of each rc bit get taken. */
        inbuf[i] = (x >> 7) & (x & 0x100 ? 0xff : 0x1f);
    }
    for (int i = 0; i < 1024; i++) {
        x = xs(x);
        page_a[i] = x;
        x = xs(x);
        page_b[i] = x;
    }

    check_bittree("paging off");
    check_flags();
    check_de();

    enable_paging();
    check_bittree("paging on");
    check_flags();
    check_de();
    check_pf();

    trap_handlers[0x20] = timer_handler;
    pic_init_irq0_only();
    pit_init(1193);         /* ~1 kHz */
    __asm__ volatile("sti");
    check("interrupts reach a self edge past a join", tick_self(ticks + 20) > 20, 1);
    check("interrupts reach an inner back edge past a join",
          tick_inner(ticks + 20) > 20, 1);
    check("interrupts reach a branch back to a join at the TB's start",
          tick_head(ticks + 20) > 20, 1);
    __asm__ volatile("cli");
    return done();
}
