/*
 * target-i386/cc_helper.c: the lazily computed flags must equal what the host's own
 * ALU (x86-64 runs the same 8/16/32-bit instructions) produces for the same operands.
 */
#include <criterion/criterion.h>
#include "../../target-i386/internal.h"
#include "migration/vmstate.h"

#define ARITH (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)

static uint32_t rng = 0x2468ace1;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static uint32_t operand(int i)
{
    static const uint32_t edge[] = { 0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
                                     0x7fffffff, 0x80000000, 0xffffffff };

    if (i < (int)(sizeof(edge) / sizeof(edge[0]))) {
        return edge[i];
    }
    return (rnd() & 1) ? rnd() : rnd() & 0xff;
}

/* Host flags after "op src, dst" with carry-in cin, for width w (0: b, 1: w, 2: l). */
#define HOST2(insn_b, insn_w, insn_l, w, a, b, cin, res, fl)                    \
    do {                                                                        \
        uint64_t f_;                                                            \
        uint32_t r_ = (a);                                                      \
        uint32_t b_ = (b);                                                      \
        if ((w) == 0) {                                                         \
            __asm__ volatile("bt $0, %q3; " insn_b " %b2, %b0; pushfq; popq %1"   \
                             : "+q"(r_), "=r"(f_) : "q"(b_), "r"((uint64_t)(cin)) : "cc"); \
        } else if ((w) == 1) {                                                  \
            __asm__ volatile("bt $0, %q3; " insn_w " %w2, %w0; pushfq; popq %1"   \
                             : "+r"(r_), "=r"(f_) : "r"(b_), "r"((uint64_t)(cin)) : "cc"); \
        } else {                                                                \
            __asm__ volatile("bt $0, %q3; " insn_l " %2, %0; pushfq; popq %1"     \
                             : "+r"(r_), "=r"(f_) : "r"(b_), "r"((uint64_t)(cin)) : "cc"); \
        }                                                                       \
        (res) = r_;                                                             \
        (fl) = (uint32_t)f_ & ARITH;                                            \
    } while (0)

Test(i386_cc, add_sub_adc_sbb_logic)
{
    for (int i = 0; i < 20000; i++) {
        uint32_t a = operand(i % 40), b = operand((i / 40) % 40), cin = i & 1;
        int w = i % 3;
        uint32_t r, f;

        HOST2("addb", "addw", "addl", w, a, b, cin, r, f);
        cr_assert_eq(x86_cc_compute_all(CC_OP_ADDB + w, r, b, 0), f, "add w%d %x %x", w, a, b);
        HOST2("adcb", "adcw", "adcl", w, a, b, cin, r, f);
        cr_assert_eq(x86_cc_compute_all(CC_OP_ADCB + w, r, b, cin), f, "adc w%d %x %x %u",
                     w, a, b, cin);
        HOST2("subb", "subw", "subl", w, a, b, cin, r, f);
        cr_assert_eq(x86_cc_compute_all(CC_OP_SUBB + w, r, b, 0), f, "sub w%d %x %x", w, a, b);
        HOST2("sbbb", "sbbw", "sbbl", w, a, b, cin, r, f);
        cr_assert_eq(x86_cc_compute_all(CC_OP_SBBB + w, r, b, cin), f, "sbb w%d %x %x %u",
                     w, a, b, cin);
        HOST2("xorb", "xorw", "xorl", w, a, b, cin, r, f);
        /* AF is undefined after logic ops; the host clears it, as we do. */
        cr_assert_eq(x86_cc_compute_all(CC_OP_LOGICB + w, r, 0, 0), f, "xor w%d", w);
    }
}

Test(i386_cc, inc_dec_keep_carry)
{
    for (int i = 0; i < 5000; i++) {
        uint32_t a = operand(i % 40), cin = i & 1, r = a;
        uint64_t f;

        __asm__ volatile("bt $0, %q2; incl %0; pushfq; popq %1"
                         : "+r"(r), "=r"(f) : "r"((uint64_t)cin) : "cc");
        cr_assert_eq(x86_cc_compute_all(CC_OP_INCL, r, cin, 0), (uint32_t)f & ARITH);
        r = a;
        __asm__ volatile("bt $0, %q2; decw %w0; pushfq; popq %1"
                         : "+r"(r), "=r"(f) : "r"((uint64_t)cin) : "cc");
        cr_assert_eq(x86_cc_compute_all(CC_OP_DECW, r, cin, 0), (uint32_t)f & ARITH);
    }
}

Test(i386_cc, shifts_count_one)
{
    /* SHL/SHR/SAR by 1: CF, OF, SF, ZF, PF are defined (AF is not). */
    const uint32_t m = CC_C | CC_O | CC_S | CC_Z | CC_P;

    for (int i = 0; i < 5000; i++) {
        uint32_t a = operand(i % 40), r;
        uint64_t f;

        r = a;
        __asm__ volatile("shll $1, %0; pushfq; popq %1" : "+r"(r), "=r"(f) : : "cc");
        cr_assert_eq(x86_cc_compute_all(CC_OP_SHLL, r, a, 0) & m, (uint32_t)f & m);
        r = a;
        __asm__ volatile("shrl $1, %0; pushfq; popq %1" : "+r"(r), "=r"(f) : : "cc");
        cr_assert_eq(x86_cc_compute_all(CC_OP_SARL, r, a, 0) & m, (uint32_t)f & m);
        r = a;
        __asm__ volatile("sarb $1, %b0; pushfq; popq %1" : "+q"(r), "=r"(f) : : "cc");
        cr_assert_eq(x86_cc_compute_all(CC_OP_SARB, r, (uint32_t)(int8_t)a, 0) & m,
                     (uint32_t)f & m);
    }
}

Test(i386_cc, eflags_roundtrip)
{
    CPUX86State env;

    memset(&env, 0, sizeof(env));
    x86_cpu_set_eflags(&env, 0x00000cd7);
    cr_assert_eq(env.cc_op, CC_OP_EFLAGS);
    cr_assert_eq(env.df, -1);
    cr_assert_eq(x86_cpu_get_eflags(&env), 0x00000cd7);
    x86_cpu_set_eflags(&env, 0x00000200);
    cr_assert_eq(x86_cpu_get_eflags(&env), 0x00000202);
    cr_assert_eq(env.df, 1);
    /* Lazy state materializes: 0xff + 1 in bytes. */
    env.cc_op = CC_OP_ADDB;
    env.cc_dst = 0x100;
    env.cc_src = 1;
    cr_assert_eq(x86_cpu_get_eflags(&env) & ARITH, CC_C | CC_Z | CC_P | CC_A);
}

Test(i386_cc, decimal_adjust)
{
    CPUX86State env;

    memset(&env, 0, sizeof(env));
    /* 0x15 + 0x27 = 0x3c; DAA -> 0x42 with AF. */
    env.regs[R_EAX] = 0x3c;
    env.cc_op = CC_OP_ADDB;
    env.cc_dst = 0x3c;
    env.cc_src = 0x27;
    helper_x86_daa(&env);
    cr_assert_eq(env.regs[R_EAX], 0x42);
    cr_assert_eq(env.cc_src & (CC_A | CC_C), CC_A);
    /* AAS with a borrow out of AL into AH: AX - 6 = 0x01ff, AH - 1, AL & 0xf. */
    env.regs[R_EAX] = 0x0205;
    x86_cpu_set_eflags(&env, CC_A);
    helper_x86_aas(&env);
    cr_assert_eq(env.regs[R_EAX], 0x000f, "got %x", env.regs[R_EAX]);
    env.regs[R_EAX] = 0x3f;
    helper_x86_aam(&env, 10);
    cr_assert_eq(env.regs[R_EAX], 0x0603);
    helper_x86_aad(&env, 10);
    cr_assert_eq(env.regs[R_EAX], 0x003f);
}

/* The carry-only helper must agree with the full computation for every op, size and
 * operand mix (edge values plus a deterministic pseudo-random sweep). */
/* Two-operand IMUL (CC_OP_SMUL*: the operands kept, CF/OF computed when read). */
Test(i386_cc, smul_overflow_matches_host_imul)
{
    for (int i = 0; i < 3000; i++) {
        uint32_t a = operand(i % 40), b = operand(i / 40 + (i & 7)), r = a;
        uint64_t f;

        __asm__ volatile("imull %2, %0; pushfq; popq %1" : "+r"(r), "=r"(f) : "r"(b) : "cc");
        cr_assert_eq(x86_cc_compute_all(CC_OP_SMULL, r, a, b) & (CC_C | CC_O),
                     (uint32_t)f & (CC_C | CC_O), "imull %#x %#x", a, b);
        cr_assert_eq(helper_x86_cc_c(CC_OP_SMULL, r, a, b, 0), (uint32_t)f & CC_C);
        r = a;
        __asm__ volatile("imulw %w2, %w0; pushfq; popq %1" : "+r"(r), "=r"(f) : "r"(b) : "cc");
        cr_assert_eq(x86_cc_compute_all(CC_OP_SMULW, r, a, b) & (CC_C | CC_O),
                     (uint32_t)f & (CC_C | CC_O), "imulw %#x %#x", a, b);
    }
}

Test(i386_cc, carry_helper_matches_full_flags)
{
    static const uint32_t edge[] = { 0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
                                     0xffff, 0x7fffffff, 0x80000000, 0xffffffff };
    uint32_t x = 12345;

    for (uint32_t op = 0; op < CC_OP_NB; op++) {
        for (int i = 0; i < 2000; i++) {
            uint32_t dst, src, src2 = i & 1;
            if (i < (int)(ARRAY_SIZE(edge) * ARRAY_SIZE(edge))) {
                dst = edge[i % ARRAY_SIZE(edge)];
                src = edge[i / ARRAY_SIZE(edge)];
            } else {
                x = x * 1103515245u + 12345u;
                dst = x;
                x = x * 1103515245u + 12345u;
                src = x;
            }
            uint32_t want = x86_cc_compute_all(op, dst, src, src2) & CC_C;
            cr_assert_eq(helper_x86_cc_c(op, dst, src, src2, 0), want,
                         "op %u dst %#x src %#x src2 %u", op, dst, src, src2);
        }
    }
}

/* CMP keeps its operands (CC_OP_CMP*): the flags of the subtraction, as the host's. */
Test(i386_cc, cmp_operands_match_host_cmp)
{
    for (int i = 0; i < 20000; i++) {
        uint32_t a = operand(i % 40), b = operand((i / 40) % 40), r, f;
        int w = i % 3;

        HOST2("cmpb", "cmpw", "cmpl", w, a, b, 0, r, f);
        cr_assert_eq(r, a);
        cr_assert_eq(x86_cc_compute_all(CC_OP_CMPB + w, a, b, 0), f, "cmp w%d %x %x", w, a, b);
        cr_assert_eq(helper_x86_cc_c(CC_OP_CMPB + w, a, b, 0, 0), f & CC_C);
    }
}

/*
 * CC_OP_LAZY: INC/DEC after an op kept for its CF. The flags must be those of the
 * host running the op and then the INC/DEC, through both entry points (the full
 * flags and the carry only), and through env (x86_cc_flags).
 */
Test(i386_cc, lazy_incdec_keeps_previous_carry)
{
    CPUX86State env;

    memset(&env, 0, sizeof(env));
    for (int i = 0; i < 6000; i++) {
        uint32_t a = operand(i % 40), b = operand((i / 40) % 40), r, f, r2;
        uint64_t f2;
        int w = i % 3, prev_op;

        if (i & 1) {
            HOST2("addb", "addw", "addl", w, a, b, 0, r, f);
            prev_op = CC_OP_ADDB + w;
            env.cc_lazy = r;
        } else {
            HOST2("cmpb", "cmpw", "cmpl", w, a, b, 0, r, f);
            prev_op = CC_OP_CMPB + w;
            env.cc_lazy = a;
        }
        /* The host's INCL/DECB keeps the CF of the op above. */
        r2 = b;
        if (i & 2) {
            __asm__ volatile("pushq %q2; popfq; incl %0; pushfq; popq %1"
                             : "+r"(r2), "=r"(f2) : "r"((uint64_t)f) : "cc");
        } else {
            __asm__ volatile("pushq %q2; popfq; decb %b0; pushfq; popq %1"
                             : "+q"(r2), "=r"(f2) : "r"((uint64_t)f) : "cc");
        }
        env.cc_op = CC_OP_LAZY + (prev_op << 3) + ((i & 2) ? 2 : 3);
        env.cc_dst = r2;
        env.cc_src = b;
        env.cc_src2 = 0;
        cr_assert_eq(x86_cc_flags(&env), (uint32_t)f2 & ARITH, "i %d op %d", i, prev_op);
        cr_assert_eq(x86_cc_compute_ext(env.cc_op, r2, b, 0, env.cc_lazy),
                     (uint32_t)f2 & ARITH);
        cr_assert_eq(helper_x86_cc_c(env.cc_op, r2, b, 0, env.cc_lazy), f & CC_C);
    }
}

/* cc_lazy is not migrated: saving folds a CC_OP_LAZY state into CC_OP_EFLAGS with
 * the same flags (and leaves other states alone). */
Test(i386_cc, pre_save_folds_lazy_state)
{
    static CPUX86State env;
    uint32_t want;

    memset(&env, 0, sizeof(env));
    env.cc_op = CC_OP_LAZY + (CC_OP_SUBL << 3) + 2;     /* SUBL, then INCL */
    env.cc_lazy = 0xfffffffe;                           /* 1 - 3: borrow */
    env.cc_src = 3;
    env.cc_dst = 0xffffffff;                            /* -2 + 1 */
    want = x86_cc_flags(&env);
    cr_assert(want & CC_C);
    cr_assert_eq(vmstate_x86_cpu.pre_save(&env), 0);
    cr_assert_eq(env.cc_op, CC_OP_EFLAGS);
    cr_assert_eq(x86_cc_flags(&env), want);

    env.cc_op = CC_OP_SUBL;
    env.cc_dst = 5;
    env.cc_src = 7;
    cr_assert_eq(vmstate_x86_cpu.pre_save(&env), 0);
    cr_assert_eq(env.cc_op, CC_OP_SUBL);
    cr_assert_eq(env.cc_dst, 5);
}
