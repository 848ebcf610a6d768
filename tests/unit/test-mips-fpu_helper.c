/*
 * target-mips/fpu_helper.c: the FPU arithmetic. The fast path (exactness checked
 * arithmetically, host MXCSR untouched) must agree bit for bit, result and
 * exception bits, with the general MXCSR path on every operand class; the general
 * path must agree with the host's own IEEE arithmetic under each rounding mode
 * (fesetround/fetestexcept), with MIPS legacy NaNs and integer-conversion defaults;
 * the FCSR views of CFC1/CTC1; the 24Kf model's reset state, its gdb registers in
 * both FR layouts, and the FPU state's vmstate round trip.
 */
#include <criterion/criterion.h>
#include <fenv.h>
#include <math.h>
#include "../../target-mips/internal.h"
#include "exec/exec-all.h"
#include "exec/gdbstub.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "mips-test-cpu.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd64(void)
{
    /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

/* Operands that reach every case: small integers and fractions (often exact),
 * random bits, extreme exponents, denormals, zeros, infinities, NaNs. */
static uint64_t pick_d(void)
{
    uint64_t r = rnd64(), sign = r & (1ull << 63);

    switch ((r >> 8) % 10) {
    case 0: {
        double d = (double)(int)((r >> 20) % 2001) - 1000.0;
        uint64_t u;
        memcpy(&u, &d, 8);
        return u;
    }
    case 1: {
        double d = ((double)((r >> 20) % 4096)) / (double)(1u << ((r >> 40) % 16));
        uint64_t u;
        memcpy(&u, &d, 8);
        return u | sign;
    }
    case 2:
        return sign | (rnd64() & 0x000fffffffffffffull);            /* denormal */
    case 3:
        return sign | ((uint64_t)((r >> 16) % 60 + 1) << 52) | (rnd64() >> 12);
    case 4:
        return sign | ((uint64_t)(0x7fe - (r >> 16) % 60) << 52) | (rnd64() >> 12);
    case 5:
        switch ((r >> 16) % 5) {
        case 0:
            return sign;
        case 1:
            return sign | 0x7ff0000000000000ull;
        case 2:
            return 0x7ff0000000000000ull | (rnd64() >> 12) | 1;    /* a NaN */
        case 3:
            return sign | ((uint64_t)(1023 - 450 + (r >> 20) % 4) << 52) | (rnd64() >> 12);
        default:
            return sign | ((uint64_t)(1023 + 446 + (r >> 20) % 4) << 52) | (rnd64() >> 12);
        }
    default:
        /* Random value near 1 with a short mantissa half the time (exact results). */
        if (r & 1) {
            return sign | ((uint64_t)(1023 - 40 + (r >> 16) % 80) << 52) |
                   ((rnd64() >> 12) & 0x000ffff000000000ull);
        }
        return sign | ((uint64_t)(1023 - 200 + (r >> 16) % 400) << 52) | (rnd64() >> 12);
    }
}

static uint32_t pick_s(void)
{
    uint64_t r = rnd64();
    uint32_t sign = (uint32_t)(r >> 32) & 0x80000000u;

    switch ((r >> 8) % 8) {
    case 0: {
        float f = (float)((int)((r >> 20) % 2001) - 1000);
        uint32_t u;
        memcpy(&u, &f, 4);
        return u;
    }
    case 1:
        return sign | ((uint32_t)(r >> 20) & 0x007fffffu);            /* denormal */
    case 2:
        return sign | ((uint32_t)((r >> 16) % 8 + 1) << 23) | ((uint32_t)(r >> 30) & 0x7fffffu);
    case 3:
        return sign | ((uint32_t)(0xfe - (r >> 16) % 8) << 23) | ((uint32_t)(r >> 30) & 0x7fffffu);
    case 4:
        switch ((r >> 16) % 3) {
        case 0:
            return sign;
        case 1:
            return sign | 0x7f800000u;
        default:
            return 0x7f800000u | ((uint32_t)(r >> 30) & 0x7fffffu) | 1;
        }
    default:
        if (r & 1) {
            return sign | ((uint32_t)(127 - 10 + (r >> 16) % 20) << 23) |
                   ((uint32_t)(r >> 30) & 0x7ff000u);
        }
        return sign | ((uint32_t)(127 - 60 + (r >> 16) % 120) << 23) |
               ((uint32_t)(r >> 30) & 0x7fffffu);
    }
}

static const unsigned fast_ops_d[] = {
    FPU_ADD, FPU_SUB, FPU_MUL, FPU_DIV, FPU_SQRT, FPU_CVT_S, FPU_TRUNC_W, FPU_RECIP,
};
static const unsigned fast_ops_s[] = {
    FPU_ADD, FPU_SUB, FPU_MUL, FPU_DIV, FPU_SQRT, FPU_CVT_D, FPU_TRUNC_W, FPU_RSQRT,
};

Test(mips_fpu, fast_path_matches_general_path)
{
    for (int i = 0; i < 400000; i++) {
        bool dbl = i & 1;
        unsigned funct = dbl ? fast_ops_d[(i >> 1) % 8] : fast_ops_s[(i >> 1) % 8];
        uint64_t a = dbl ? pick_d() : pick_s(), b = dbl ? pick_d() : pick_s();
        uint32_t op = ((dbl ? FPU_FMT_D : FPU_FMT_S) << 6) | funct;
        uint32_t xf = 0, xs = 0;
        uint64_t rf = mips_fpu_compute(0, a, b, op, &xf, true);
        uint64_t rs = mips_fpu_compute(0, a, b, op, &xs, false);

        if (rf != rs || xf != xs) {
            cr_assert_fail("op %03x a %016llx b %016llx: fast %016llx/%02x general "
                           "%016llx/%02x", op, (unsigned long long)a,
                           (unsigned long long)b, (unsigned long long)rf, xf,
                           (unsigned long long)rs, xs);
        }
    }
    /* W -> S and D. */
    for (int i = 0; i < 100000; i++) {
        uint32_t w = (uint32_t)rnd64() >> (rnd64() % 32);
        for (unsigned f = FPU_CVT_S; f <= FPU_CVT_D; f++) {
            uint32_t op = (FPU_FMT_W << 6) | f, xf = 0, xs = 0;
            uint64_t rf = mips_fpu_compute(0, w, 0, op, &xf, true);
            uint64_t rs = mips_fpu_compute(0, w, 0, op, &xs, false);
            cr_assert(rf == rs && xf == xs, "cvt %x of %08x", f, w);
        }
    }
}

static uint32_t host_flags_to_mips(int fl)
{
    return ((fl & FE_INEXACT) ? FP_X_I : 0) | ((fl & FE_UNDERFLOW) ? FP_X_U : 0) |
           ((fl & FE_OVERFLOW) ? FP_X_O : 0) | ((fl & FE_DIVBYZERO) ? FP_X_Z : 0) |
           ((fl & FE_INVALID) ? FP_X_V : 0);
}

static bool isnan_bits_d(uint64_t u)
{
    return (u & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}

Test(mips_fpu, general_path_rounding_modes_match_host_ieee)
{
    static const int host_rm[4] = { FE_TONEAREST, FE_TOWARDZERO, FE_UPWARD, FE_DOWNWARD };

    for (int i = 0; i < 200000; i++) {
        unsigned rm = i & 3, funct = (i >> 2) % 4;
        uint64_t a = pick_d(), b = pick_d(), expect, got;
        volatile double va, vb, vr;
        uint32_t x = 0;
        int fl;

        if (isnan_bits_d(a) || isnan_bits_d(b)) {
            continue;
        }
        memcpy((void *)&va, &a, 8);
        memcpy((void *)&vb, &b, 8);
        fesetround(host_rm[rm]);
        feclearexcept(FE_ALL_EXCEPT);
        switch (funct) {
        case 0:
            vr = va + vb;
            break;
        case 1:
            vr = va - vb;
            break;
        case 2:
            vr = va * vb;
            break;
        default:
            vr = va / vb;
            break;
        }
        fl = fetestexcept(FE_ALL_EXCEPT);
        fesetround(FE_TONEAREST);
        memcpy(&expect, (void *)&vr, 8);
        if (isnan_bits_d(expect)) {
            expect = 0x7ff7ffffffffffffull;         /* the MIPS default NaN */
        }
        got = mips_fpu_compute(rm, a, b, (FPU_FMT_D << 6) | funct, &x, rm == 0);
        cr_assert(got == expect && x == host_flags_to_mips(fl),
                  "rm %u op %u a %016llx b %016llx: got %016llx/%02x expected %016llx/%02x",
                  rm, funct, (unsigned long long)a, (unsigned long long)b,
                  (unsigned long long)got, x, (unsigned long long)expect,
                  host_flags_to_mips(fl));
    }
}

Test(mips_fpu, nans_and_integer_conversions)
{
    uint32_t x = 0;

    /* Legacy encoding: 0x7fc00000 is signaling (Invalid), 0x7fbfffff quiet. */
    cr_assert_eq(mips_fpu_compute(0, 0x7fc00000u, 0x3f800000u, (FPU_FMT_S << 6) | FPU_ADD,
                                  &x, true), 0x7fbfffffu);
    cr_assert_eq(x, FP_X_V);
    x = 0;
    cr_assert_eq(mips_fpu_compute(0, 0x7fbfffffu, 0x3f800000u, (FPU_FMT_S << 6) | FPU_MUL,
                                  &x, true), 0x7fbfffffu);
    cr_assert_eq(x, 0);
    /* inf - inf: SSE's 0xfff8... becomes the MIPS default NaN. */
    cr_assert_eq(mips_fpu_compute(0, 0x7ff0000000000000ull, 0x7ff0000000000000ull,
                                  (FPU_FMT_D << 6) | FPU_SUB, &x, true),
                 0x7ff7ffffffffffffull);
    cr_assert_eq(x, FP_X_V);
    /* To W/L: NaN and out of range give the largest positive integer. */
    x = 0;
    cr_assert_eq(mips_fpu_compute(0, 0xcf32d05eu, 0, (FPU_FMT_S << 6) | FPU_TRUNC_W, &x,
                                  true), 0x7fffffffu);
    cr_assert_eq(x, FP_X_V);
    x = 0;
    cr_assert_eq(mips_fpu_compute(0, 0xfff0000000000000ull, 0, (FPU_FMT_D << 6) | FPU_CVT_L,
                                  &x, true), 0x7fffffffffffffffull);
    cr_assert_eq(x, FP_X_V);
    x = 0;
    cr_assert_eq(mips_fpu_compute(0, 0xc004000000000000ull, 0,
                                  (FPU_FMT_D << 6) | FPU_FLOOR_L, &x, true),
                 (uint64_t)-3);
    cr_assert_eq(x, FP_X_I);
    /* FS = 1: a denormal result is flushed to zero. */
    x = 0;
    cr_assert_eq(mips_fpu_compute(FCSR_FS, 0x00800001u, 0x3f000000u,
                                  (FPU_FMT_S << 6) | FPU_MUL, &x, true), 0);
}

Test(mips_fpu, control_register_views)
{
    CPUMIPSState env;

    memset(&env, 0, sizeof(env));
    env.fcr0 = 0x00739300u;
    cr_assert_eq(mips_fpu_cfc1(&env, 0), 0x00739300u);
    cr_assert_not(mips_fpu_ctc1(&env, 31, 0xffffffffu & ~FCSR_CAUSE));
    cr_assert_eq(env.fcr31, 0xff800fffu);
    cr_assert_eq(mips_fpu_cfc1(&env, 25), 0xffu);
    cr_assert_eq(mips_fpu_cfc1(&env, 26), 0x7cu);
    cr_assert_eq(mips_fpu_cfc1(&env, 28), 0xf87u);
    cr_assert_not(mips_fpu_ctc1(&env, 25, 0x01u));
    cr_assert_eq(env.fcr31 & (FCSR_FCC0 | FCSR_FCC1_7), FCSR_FCC0);
    /* Cause V with Enable V: an FPE is due. */
    cr_assert(mips_fpu_ctc1(&env, 26, 1u << 16));
    /* Cause E always traps. */
    cr_assert(mips_fpu_ctc1(&env, 31, 1u << 17));
    cr_assert_not(mips_fpu_ctc1(&env, 31, 1u << 16));
}

static uint32_t gdb_get(CPUMIPSState *env, int n)
{
    uint8_t buf[8];

    cr_assert_eq(mips_cpu_gdb_read_register(&env->cs, buf, n), 4, "register %d", n);
    return ldl_le_p(buf);
}

Test(mips_fpu, model_reset_and_gdb_registers)
{
    CPUMIPSState *env = mips_test_cpu("24Kf"), *nofpu;
    uint8_t buf[8];

    cr_assert_eq(env->CP0_Config1 & CONFIG1_FP, CONFIG1_FP);
    cr_assert_eq(env->fcr0, 0x00739300u);
    cr_assert_eq(env->fcr31, 0);
    cr_assert_eq(mips_cp0_write_mask(env->model, 12, 0) & (ST_CU1 | ST_FR), ST_CU1 | ST_FR);
    env->fpr[2] = 0x4000000012345678ull;
    env->fpr[3] = 0x00000000cafef00dull;
    env->fcr31 = 0x01800003u;
    /* FR = 0: f3 is the high word of the f2 double. */
    cr_assert_eq(gdb_get(env, 38 + 2), 0x12345678u);
    cr_assert_eq(gdb_get(env, 38 + 3), 0x40000000u);
    cr_assert_eq(gdb_get(env, 70), 0x01800003u);
    cr_assert_eq(gdb_get(env, 71), 0x00739300u);
    env->CP0_Status |= ST_FR;
    cr_assert_eq(gdb_get(env, 38 + 3), 0xcafef00du);
    stl_le_p(buf, 0x11112222u);
    cr_assert_eq(mips_cpu_gdb_write_register(&env->cs, buf, 38 + 3), 4);
    cr_assert_eq(env->fpr[3], 0x0000000011112222ull);
    env->CP0_Status &= ~ST_FR;
    cr_assert_eq(mips_cpu_gdb_write_register(&env->cs, buf, 38 + 3), 4);
    cr_assert_eq(env->fpr[2], 0x1111222212345678ull);
    /* FIR is read-only; FCSR writes keep the reserved bits clear. */
    stl_le_p(buf, 0xffffffffu);
    cr_assert_eq(mips_cpu_gdb_write_register(&env->cs, buf, 71), 4);
    cr_assert_eq(env->fcr0, 0x00739300u);
    cr_assert_eq(mips_cpu_gdb_write_register(&env->cs, buf, 70), 4);
    cr_assert_eq(env->fcr31, 0xff83ffffu);

    nofpu = mips_test_cpu("24Kc");
    cr_assert_eq(nofpu->CP0_Config1 & CONFIG1_FP, 0);
    cr_assert_eq(mips_cp0_write_mask(nofpu->model, 12, 0) & (ST_CU1 | ST_FR), 0);
    cr_assert_eq(mips_cpu_gdb_read_register(&nofpu->cs, buf, 38), 0);
    cr_assert_eq(mips_cpu_gdb_read_register(&nofpu->cs, buf, 70), 0);
}

Test(mips_fpu, vmstate_round_trip)
{
    CPUMIPSState *env = mips_test_cpu("24Kf");
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    uint64_t fpr[32];
    size_t used = 0;

    for (int i = 0; i < 32; i++) {
        env->fpr[i] = fpr[i] = 0x0123456789abcdefull * (i + 1);
    }
    env->fcr31 = 0x00800f83u;
    env->CP0_Status |= ST_CU1 | ST_FR;
    vmstate_save(&vmstate_mips_cpu, env, buf);
    cpu_reset(&env->cs);
    cr_assert_eq(env->fcr31, 0);
    cr_assert_eq(env->fpr[5], 0);
    cr_assert_eq(vmstate_load(&vmstate_mips_cpu, env, buf->data, buf->len, &used, &err), 0,
                 "load: %s", err ? err->message : "");
    cr_assert_eq(used, buf->len);
    cr_assert_eq(memcmp(env->fpr, fpr, sizeof(fpr)), 0);
    cr_assert_eq(env->fcr31, 0x00800f83u);
    cr_assert_eq(env->fcr0, 0x00739300u);
    cr_assert_eq(env->CP0_Status & (ST_CU1 | ST_FR), ST_CU1 | ST_FR);
    g_byte_array_free(buf, TRUE);
}
