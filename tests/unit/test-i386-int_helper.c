/*
 * target-i386/int_helper.c: shifts/rotates by any count, SHLD/SHRD and DIV/IDIV
 * against the host's own execution of the same 8/16/32-bit instructions.
 */
#include <criterion/criterion.h>
#include "../../target-i386/internal.h"

static uint32_t rng = 0x13579bdf;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Host: op %cl, reg with carry in; returns result, *flags. */
static uint32_t host_shift(int op, int w, uint32_t v, uint32_t c, uint32_t cin, uint32_t *fl)
{
    uint64_t f, ci = cin;
    uint32_t r = v;

#define HS(OPN)                                                                     \
    if (w == 0) {                                                                   \
        __asm__ volatile("bt $0, %2; " OPN "b %%cl, %b0; pushfq; popq %1"           \
                         : "+q"(r), "=r"(f) : "r"(ci), "c"(c) : "cc");               \
    } else if (w == 1) {                                                            \
        __asm__ volatile("bt $0, %2; " OPN "w %%cl, %w0; pushfq; popq %1"           \
                         : "+r"(r), "=r"(f) : "r"(ci), "c"(c) : "cc");               \
    } else {                                                                        \
        __asm__ volatile("bt $0, %2; " OPN "l %%cl, %0; pushfq; popq %1"            \
                         : "+r"(r), "=r"(f) : "r"(ci), "c"(c) : "cc");               \
    }
    switch (op) {
    case 0: HS("rol"); break;
    case 1: HS("ror"); break;
    case 2: HS("rcl"); break;
    case 3: HS("rcr"); break;
    case 4: HS("shl"); break;
    case 5: HS("shr"); break;
    default: HS("sar"); break;
    }
#undef HS
    *fl = (uint32_t)f;
    return r & (w == 0 ? 0xff : w == 1 ? 0xffff : 0xffffffff);
}

Test(i386_int, shifts_and_rotates)
{
    CPUX86State env;

    memset(&env, 0, sizeof(env));
    for (int i = 0; i < 30000; i++) {
        int op = i % 7, w = (i / 7) % 3;
        uint32_t v = rnd(), c = rnd() % 40, cin = rnd() & 1, hf, mask;
        unsigned mc = c & 31, bits = 8u << w;
        int gop = op == 6 ? 7 : op;

        x86_cpu_set_eflags(&env, cin ? CC_C : 0);
        /* Only the low 8 << w bits are the result (the translator stores those). */
        uint32_t got = helper_x86_shift(&env, (gop << 2) | w, v, c) &
                       (w == 0 ? 0xff : w == 1 ? 0xffff : 0xffffffff);
        uint32_t exp = host_shift(op, w, v, c, cin, &hf);

        cr_assert_eq(got, exp, "op %d w %d v %x c %u", op, w, v, c);
        if (mc == 0) {
            /* Flags unchanged: only CF (from BT) is known on the host side. */
            mask = CC_C;
        } else if (op < 4) {
            mask = CC_C | (mc == 1 ? CC_O : 0);
        } else if (mc > bits) {
            mask = CC_S | CC_Z | CC_P;
        } else {
            mask = CC_C | CC_S | CC_Z | CC_P | (mc == 1 ? CC_O : 0);
        }
        cr_assert_eq(env.cc_tmp & mask, hf & mask, "flags op %d w %d v %x c %u", op, w, v, c);
    }
}

Test(i386_int, shld_shrd)
{
    CPUX86State env;

    memset(&env, 0, sizeof(env));
    for (int i = 0; i < 20000; i++) {
        uint32_t d = rnd(), s = rnd(), c = rnd() % 32, r1 = d, r2 = d;
        uint64_t f1, f2;
        uint32_t mask = c == 0 ? 0 : CC_C | CC_S | CC_Z | CC_P | (c == 1 ? CC_O : 0);

        __asm__ volatile("shldl %%cl, %2, %0; pushfq; popq %1"
                         : "+r"(r1), "=r"(f1) : "r"(s), "c"(c) : "cc");
        __asm__ volatile("shrdl %%cl, %2, %0; pushfq; popq %1"
                         : "+r"(r2), "=r"(f2) : "r"(s), "c"(c) : "cc");
        cr_assert_eq(helper_x86_shd(&env, MO_32, d, s, c), r1);
        cr_assert_eq(env.cc_tmp & mask, (uint32_t)f1 & mask);
        cr_assert_eq(helper_x86_shd(&env, 4 | MO_32, d, s, c), r2);
        cr_assert_eq(env.cc_tmp & mask, (uint32_t)f2 & mask);
        if (c <= 16) {
            uint32_t r3 = d;

            __asm__ volatile("shldw %%cl, %w1, %w0" : "+r"(r3) : "r"(s), "c"(c) : "cc");
            cr_assert_eq(helper_x86_shd(&env, MO_16, d, s, c) & 0xffff, r3 & 0xffff, "shldw %x %x %u", d, s, c);
            r3 = d;
            __asm__ volatile("shrdw %%cl, %w1, %w0" : "+r"(r3) : "r"(s), "c"(c) : "cc");
            cr_assert_eq(helper_x86_shd(&env, 4 | MO_16, d, s, c) & 0xffff, r3 & 0xffff, "shrdw %x %x %u", d, s, c);
        }
    }
}

Test(i386_int, div_idiv)
{
    CPUX86State env;

    memset(&env, 0, sizeof(env));
    for (int i = 0; i < 20000; i++) {
        uint32_t hi = rnd() % 1000, lo = rnd(), d = rnd() | 0x10000;
        uint32_t q, r;

        env.regs[R_EAX] = lo;
        env.regs[R_EDX] = hi;
        helper_x86_div(&env, MO_32, d);
        __asm__ volatile("divl %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "r"(d));
        cr_assert_eq(env.regs[R_EAX], q);
        cr_assert_eq(env.regs[R_EDX], r);

        int32_t sd = (int32_t)(rnd() | 0x100) * ((i & 1) ? -1 : 1);
        int64_t n = (int64_t)(int32_t)rnd() * 3;
        env.regs[R_EAX] = (uint32_t)n;
        env.regs[R_EDX] = (uint32_t)((uint64_t)n >> 32);
        helper_x86_idiv(&env, MO_32, (uint32_t)sd);
        cr_assert_eq((int32_t)env.regs[R_EAX], (int32_t)(n / sd));
        cr_assert_eq((int32_t)env.regs[R_EDX], (int32_t)(n % sd));

        uint32_t ax = rnd() & 0xffff, db = (rnd() & 0xff) | 0x80;
        if (ax / db < 256) {
            env.regs[R_EAX] = 0xabcd0000 | ax;
            helper_x86_div(&env, MO_8, db);
            cr_assert_eq(env.regs[R_EAX], 0xabcd0000 | ((ax % db) << 8) | (ax / db));
        }
    }
}
