/*
 * Every IR op, on every linked backend (the interpreter always; tcg/x86_64 when it is
 * linked in), with and without the optimizer, against reference results computed
 * here in plain C: shift counts at the edges, extensions, overflow, INT_MIN, 64-bit
 * ops, double-word ops, clz of 0, deposit/extract at the edges, every condition,
 * constant operands and the same temp as input and output.
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"

static void ops_setup(void)
{
    harness_init();
}

TestSuite(tcg_ops, .init = ops_setup);

static const uint32_t v32[] = {
    0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x12345678,
    0xdeadbeef, 0x00ff00ff, 0x80,
};
static const uint64_t v64[] = {
    0, 1, 2, 31, 32, 33, 63, 64, 65, 0xff, 0x80, 0x8000, 0xffffffffull, 0x80000000ull,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    0x8000000000000001ull, 0xfffffffffffffffeull, 0xffffffffffffffffull,
    0x123456789abcdef0ull, 0xdeadbeefcafebabeull, 0x00000000ffff0000ull,
};

#define N32 ARRAY_SIZE(v32)
#define N64 ARRAY_SIZE(v64)

static const int modes[] = { HARNESS_FULL, HARNESS_NO_OPT };

/* Run build() once per backend and mode after set(); check() reads env. */
#define FOR_EACH_CONFIG(b, m)                                                   \
    for (const TCGBackend *const *bp_ = harness_backends(); *bp_; bp_++)        \
        for (int mi_ = 0; mi_ < 2; mi_++)                                       \
            for (const TCGBackend *b = (harness_select(*bp_), *bp_); b; b = NULL) \
                for (int m = modes[mi_], once_ = 1; once_; once_ = 0)

static void end_tb(void)
{
    tcg_gen_exit_tb(NULL, 0);
}

/* ---- reference semantics ---- */

static uint32_t rotl32(uint32_t x, unsigned n)
{
    n &= 31;
    return n ? (x << n) | (x >> (32 - n)) : x;
}

static uint64_t rotl64(uint64_t x, unsigned n)
{
    n &= 63;
    return n ? (x << n) | (x >> (64 - n)) : x;
}

typedef void (*Gen32)(TCGv_i32, TCGv_i32, TCGv_i32);
typedef void (*Gen64)(TCGv_i64, TCGv_i64, TCGv_i64);

typedef struct Bin32 {
    const char *name;
    Gen32 gen;
    int kind;       /* 0 plain, 1 signed div/rem, 2 unsigned div/rem */
    uint32_t (*ref)(uint32_t, uint32_t);
} Bin32;

/* Reference semantics, one function per op. */
#define REF32(nm, expr) \
    static uint32_t ref32_##nm(uint32_t x, uint32_t y) { (void)y; return (expr); }
REF32(add, x + y)
REF32(sub, x - y)
REF32(mul, x * y)
REF32(div, (uint32_t)((int32_t)x / (int32_t)y))
REF32(divu, x / y)
REF32(rem, (uint32_t)((int32_t)x % (int32_t)y))
REF32(remu, x % y)
REF32(and, x & y)
REF32(or, x | y)
REF32(xor, x ^ y)
REF32(andc, x & ~y)
REF32(orc, x | ~y)
REF32(nor, ~(x | y))
REF32(shl, x << (y & 31))
REF32(shr, x >> (y & 31))
REF32(sar, (uint32_t)((int32_t)x >> (y & 31)))
REF32(rotl, rotl32(x, y))
REF32(rotr, rotl32(x, 32 - (y & 31)))
REF32(clz, x ? (uint32_t)__builtin_clz(x) : y)
REF32(ctz, x ? (uint32_t)__builtin_ctz(x) : y)

#define REF64(nm, expr) \
    static uint64_t ref64_##nm(uint64_t x, uint64_t y) { (void)y; return (expr); }
REF64(add, x + y)
REF64(sub, x - y)
REF64(mul, x * y)
REF64(div, (uint64_t)((int64_t)x / (int64_t)y))
REF64(divu, x / y)
REF64(rem, (uint64_t)((int64_t)x % (int64_t)y))
REF64(remu, x % y)
REF64(and, x & y)
REF64(or, x | y)
REF64(xor, x ^ y)
REF64(andc, x & ~y)
REF64(orc, x | ~y)
REF64(shl, x << (y & 63))
REF64(shr, x >> (y & 63))
REF64(sar, (uint64_t)((int64_t)x >> (y & 63)))
REF64(rotl, rotl64(x, y))
REF64(rotr, rotl64(x, 64 - (y & 63)))
REF64(clz, x ? (uint64_t)__builtin_clzll(x) : y)
REF64(ctz, x ? (uint64_t)__builtin_ctzll(x) : y)

static const Bin32 bin32[] = {
    { "add", tcg_gen_add_i32, 0, ref32_add }, { "sub", tcg_gen_sub_i32, 0, ref32_sub },
    { "mul", tcg_gen_mul_i32, 0, ref32_mul }, { "div", tcg_gen_div_i32, 1, ref32_div },
    { "divu", tcg_gen_divu_i32, 2, ref32_divu }, { "rem", tcg_gen_rem_i32, 1, ref32_rem },
    { "remu", tcg_gen_remu_i32, 2, ref32_remu }, { "and", tcg_gen_and_i32, 0, ref32_and },
    { "or", tcg_gen_or_i32, 0, ref32_or }, { "xor", tcg_gen_xor_i32, 0, ref32_xor },
    { "andc", tcg_gen_andc_i32, 0, ref32_andc }, { "orc", tcg_gen_orc_i32, 0, ref32_orc },
    { "nor", tcg_gen_nor_i32, 0, ref32_nor },
    { "shl", tcg_gen_shl_i32, 0, ref32_shl }, { "shr", tcg_gen_shr_i32, 0, ref32_shr },
    { "sar", tcg_gen_sar_i32, 0, ref32_sar }, { "rotl", tcg_gen_rotl_i32, 0, ref32_rotl },
    { "rotr", tcg_gen_rotr_i32, 0, ref32_rotr }, { "clz", tcg_gen_clz_i32, 0, ref32_clz },
    { "ctz", tcg_gen_ctz_i32, 0, ref32_ctz },
};

typedef struct Bin64 {
    const char *name;
    Gen64 gen;
    int kind;
    uint64_t (*ref)(uint64_t, uint64_t);
} Bin64;

static const Bin64 bin64[] = {
    { "add", tcg_gen_add_i64, 0, ref64_add }, { "sub", tcg_gen_sub_i64, 0, ref64_sub },
    { "mul", tcg_gen_mul_i64, 0, ref64_mul }, { "div", tcg_gen_div_i64, 1, ref64_div },
    { "divu", tcg_gen_divu_i64, 2, ref64_divu }, { "rem", tcg_gen_rem_i64, 1, ref64_rem },
    { "remu", tcg_gen_remu_i64, 2, ref64_remu }, { "and", tcg_gen_and_i64, 0, ref64_and },
    { "or", tcg_gen_or_i64, 0, ref64_or }, { "xor", tcg_gen_xor_i64, 0, ref64_xor },
    { "andc", tcg_gen_andc_i64, 0, ref64_andc }, { "orc", tcg_gen_orc_i64, 0, ref64_orc },
    { "shl", tcg_gen_shl_i64, 0, ref64_shl }, { "shr", tcg_gen_shr_i64, 0, ref64_shr },
    { "sar", tcg_gen_sar_i64, 0, ref64_sar }, { "rotl", tcg_gen_rotl_i64, 0, ref64_rotl },
    { "rotr", tcg_gen_rotr_i64, 0, ref64_rotr }, { "clz", tcg_gen_clz_i64, 0, ref64_clz },
    { "ctz", tcg_gen_ctz_i64, 0, ref64_ctz },
};

static bool div_ok32(int kind, uint32_t x, uint32_t y)
{
    if (kind && y == 0) {
        return false;
    }
    return !(kind == 1 && x == 0x80000000u && y == 0xffffffffu);
}

static bool div_ok64(int kind, uint64_t x, uint64_t y)
{
    if (kind && y == 0) {
        return false;
    }
    return !(kind == 1 && x == 0x8000000000000000ull && y == ~0ull);
}

/*
 * Each binary op over all value pairs, in four operand forms: temps in globals,
 * second operand a constant, first operand a constant, and output == first input.
 * A whole batch of pairs goes into one TB through TB temps to keep this quick.
 */
static void run_bin32(const Bin32 *op)
{
    FOR_EACH_CONFIG(b, m) {
        for (int form = 0; form < 4; form++) {
            for (size_t i = 0; i < N32; i++) {
                uint32_t x = v32[i];
                harness_clear_env();
                harness_begin();
                for (size_t j = 0; j < N32 && j < 24; j++) {
                    uint32_t y = v32[j];
                    TCGv_i32 t = tcg_temp_new_i32();
                    if (!div_ok32(op->kind, x, y)) {
                        continue;
                    }
                    switch (form) {
                    case 0:
                        tcg_gen_movi_i32(harness_g32[0], x);
                        tcg_gen_movi_i32(harness_g32[1], y);
                        tcg_gen_ld_i32(harness_g32[0], tcg_env,
                                       offsetof(HarnessEnv, scratch[0]));
                        tcg_gen_xori_i32(harness_g32[0], harness_g32[0], x);
                        op->gen(t, harness_g32[0], harness_g32[1]);
                        break;
                    case 1:
                        tcg_gen_movi_i32(t, x);
                        op->gen(t, t, tcg_constant_i32(y));
                        break;
                    case 2:
                        tcg_gen_movi_i32(harness_g32[1], y);
                        op->gen(t, tcg_constant_i32(x), harness_g32[1]);
                        break;
                    default:
                        op->gen(t, tcg_constant_i32(x), tcg_constant_i32(y));
                        break;
                    }
                    tcg_gen_st_i32(t, tcg_env, offsetof(HarnessEnv, mem) + 4 * j);
                    tcg_temp_free_i32(t);
                }
                end_tb();
                harness_run(m);
                for (size_t j = 0; j < N32 && j < 24; j++) {
                    uint32_t y = v32[j], got;
                    if (!div_ok32(op->kind, x, y)) {
                        continue;
                    }
                    memcpy(&got, harness_env->mem + 4 * j, 4);
                    cr_assert_eq(got, op->ref(x, y),
                                 "%s: %s_i32(%#x, %#x) form %d mode %d = %#x, want %#x",
                                 b->name, op->name, x, y, form, m, got,
                                 op->ref(x, y));
                }
            }
        }
    }
}

static void run_bin64(const Bin64 *op)
{
    FOR_EACH_CONFIG(b, m) {
        for (int form = 0; form < 4; form++) {
            for (size_t i = 0; i < N64; i++) {
                uint64_t x = v64[i];
                harness_clear_env();
                harness_begin();
                for (size_t j = 0; j < N64; j++) {
                    uint64_t y = v64[j];
                    TCGv_i64 t = tcg_temp_new_i64();
                    if (!div_ok64(op->kind, x, y)) {
                        continue;
                    }
                    switch (form) {
                    case 0:
                        tcg_gen_movi_i64(harness_g64[0], x);
                        tcg_gen_movi_i64(harness_g64[1], y);
                        tcg_gen_ld_i64(harness_g64[0], tcg_env,
                                       offsetof(HarnessEnv, scratch[0]));
                        tcg_gen_xori_i64(harness_g64[0], harness_g64[0], x);
                        op->gen(t, harness_g64[0], harness_g64[1]);
                        break;
                    case 1:
                        tcg_gen_movi_i64(t, x);
                        op->gen(t, t, tcg_constant_i64(y));
                        break;
                    case 2:
                        tcg_gen_movi_i64(harness_g64[1], y);
                        op->gen(t, tcg_constant_i64(x), harness_g64[1]);
                        break;
                    default:
                        op->gen(t, tcg_constant_i64(x), tcg_constant_i64(y));
                        break;
                    }
                    tcg_gen_st_i64(t, tcg_env, offsetof(HarnessEnv, mem) + 8 * j);
                    tcg_temp_free_i64(t);
                }
                end_tb();
                harness_run(m);
                for (size_t j = 0; j < N64; j++) {
                    uint64_t y = v64[j], got;
                    if (!div_ok64(op->kind, x, y)) {
                        continue;
                    }
                    memcpy(&got, harness_env->mem + 8 * j, 8);
                    cr_assert_eq(got, op->ref(x, y),
                                 "%s: %s_i64(%#" PRIx64 ", %#" PRIx64 ") form %d mode %d"
                                 " = %#" PRIx64 ", want %#" PRIx64,
                                 b->name, op->name, x, y, form, m, got,
                                 op->ref(x, y));
                }
            }
        }
    }
}

Test(tcg_ops, binary_i32)
{
    for (size_t k = 0; k < ARRAY_SIZE(bin32); k++) {
        run_bin32(&bin32[k]);
    }
}

Test(tcg_ops, binary_i64)
{
    for (size_t k = 0; k < ARRAY_SIZE(bin64); k++) {
        run_bin64(&bin64[k]);
    }
}

/* ---- unary ops ---- */

typedef void (*Un32)(TCGv_i32, TCGv_i32);
typedef void (*Un64)(TCGv_i64, TCGv_i64);

#define REFUN(nm, expr) \
    static uint64_t refun_##nm(uint64_t x, bool is64) \
    { uint32_t x32 = x; (void)x32; (void)is64; return (expr); }
REFUN(neg, is64 ? -x : (uint32_t)-x32)
REFUN(not, is64 ? ~x : (uint32_t)~x32)
REFUN(ext8s, is64 ? (uint64_t)(int64_t)(int8_t)x : (uint32_t)(int8_t)x)
REFUN(ext8u, (uint8_t)x)
REFUN(ext16s, is64 ? (uint64_t)(int64_t)(int16_t)x : (uint32_t)(int16_t)x)
REFUN(ext16u, (uint16_t)x)
REFUN(ext32s, (uint64_t)(int64_t)(int32_t)x)
REFUN(ext32u, (uint32_t)x)
REFUN(bswap16, ((x & 0xff) << 8) | ((x >> 8) & 0xff))
REFUN(bswap32, __builtin_bswap32(x32))
REFUN(bswap64, __builtin_bswap64(x))
REFUN(ctpop, is64 ? __builtin_popcountll(x) : __builtin_popcount(x32))

static const struct {
    const char *name;
    Un32 gen;
    uint64_t (*ref)(uint64_t, bool);
} un32[] = {
    { "neg", tcg_gen_neg_i32, refun_neg },
    { "not", tcg_gen_not_i32, refun_not },
    { "ext8s", tcg_gen_ext8s_i32, refun_ext8s },
    { "ext8u", tcg_gen_ext8u_i32, refun_ext8u },
    { "ext16s", tcg_gen_ext16s_i32, refun_ext16s },
    { "ext16u", tcg_gen_ext16u_i32, refun_ext16u },
    { "bswap16", tcg_gen_bswap16_i32, refun_bswap16 },
    { "bswap32", tcg_gen_bswap32_i32, refun_bswap32 },
    { "ctpop", tcg_gen_ctpop_i32, refun_ctpop },
};

static const struct {
    const char *name;
    Un64 gen;
    uint64_t (*ref)(uint64_t, bool);
} un64[] = {
    { "neg", tcg_gen_neg_i64, refun_neg },
    { "not", tcg_gen_not_i64, refun_not },
    { "ext8s", tcg_gen_ext8s_i64, refun_ext8s },
    { "ext8u", tcg_gen_ext8u_i64, refun_ext8u },
    { "ext16s", tcg_gen_ext16s_i64, refun_ext16s },
    { "ext16u", tcg_gen_ext16u_i64, refun_ext16u },
    { "ext32s", tcg_gen_ext32s_i64, refun_ext32s },
    { "ext32u", tcg_gen_ext32u_i64, refun_ext32u },
    { "bswap16", tcg_gen_bswap16_i64, refun_bswap16 },
    { "bswap32", tcg_gen_bswap32_i64, refun_bswap32 },
    { "bswap64", tcg_gen_bswap64_i64, refun_bswap64 },
    { "ctpop", tcg_gen_ctpop_i64, refun_ctpop },
};

Test(tcg_ops, unary)
{
    FOR_EACH_CONFIG(b, m) {
        for (size_t k = 0; k < ARRAY_SIZE(un32); k++) {
            for (int form = 0; form < 3; form++) {
                harness_clear_env();
                harness_begin();
                for (size_t i = 0; i < N32; i++) {
                    TCGv_i32 t = tcg_temp_new_i32();
                    if (form == 0) {
                        tcg_gen_ld_i32(t, tcg_env, offsetof(HarnessEnv, scratch[0]));
                        tcg_gen_xori_i32(t, t, v32[i]);
                        un32[k].gen(t, t);              /* in == out */
                    } else if (form == 1) {
                        un32[k].gen(t, tcg_constant_i32(v32[i]));
                    } else {
                        tcg_gen_movi_i32(harness_g32[3], v32[i]);
                        un32[k].gen(harness_g32[3], harness_g32[3]);
                        tcg_gen_mov_i32(t, harness_g32[3]);
                    }
                    tcg_gen_st_i32(t, tcg_env, offsetof(HarnessEnv, mem) + 4 * i);
                    tcg_temp_free_i32(t);
                }
                end_tb();
                harness_run(m);
                for (size_t i = 0; i < N32; i++) {
                    uint32_t got;
                    memcpy(&got, harness_env->mem + 4 * i, 4);
                    cr_assert_eq(got, (uint32_t)un32[k].ref(v32[i], false),
                                 "%s: %s_i32(%#x) form %d mode %d = %#x", b->name,
                                 un32[k].name, v32[i], form, m, got);
                }
            }
        }
        for (size_t k = 0; k < ARRAY_SIZE(un64); k++) {
            for (int form = 0; form < 2; form++) {
                harness_clear_env();
                harness_begin();
                for (size_t i = 0; i < N64; i++) {
                    TCGv_i64 t = tcg_temp_new_i64();
                    if (form == 0) {
                        tcg_gen_ld_i64(t, tcg_env, offsetof(HarnessEnv, scratch[0]));
                        tcg_gen_xori_i64(t, t, v64[i]);
                        un64[k].gen(t, t);
                    } else {
                        un64[k].gen(t, tcg_constant_i64(v64[i]));
                    }
                    tcg_gen_st_i64(t, tcg_env, offsetof(HarnessEnv, mem) + 8 * i);
                    tcg_temp_free_i64(t);
                }
                end_tb();
                harness_run(m);
                for (size_t i = 0; i < N64; i++) {
                    uint64_t got;
                    memcpy(&got, harness_env->mem + 8 * i, 8);
                    cr_assert_eq(got, un64[k].ref(v64[i], true),
                                 "%s: %s_i64(%#" PRIx64 ") form %d mode %d = %#" PRIx64,
                                 b->name, un64[k].name, v64[i], form, m, got);
                }
            }
        }
    }
}

/* ---- immediate emitters (folded at emit time or not) ---- */

Test(tcg_ops, immediates)
{
    static const int32_t imms[] = { 0, 1, -1, 2, 8, 0xff, 0xffff, INT32_MIN, 0x7fffffff, 5 };
    FOR_EACH_CONFIG(b, m) {
        for (size_t i = 0; i < N32; i++) {
            for (size_t k = 0; k < ARRAY_SIZE(imms); k++) {
                uint32_t x = v32[i], c = imms[k];
                harness_clear_env();
                harness_env->g32[0] = x;
                harness_begin();
                tcg_gen_addi_i32(harness_g32[1], harness_g32[0], c);
                tcg_gen_subi_i32(harness_g32[2], harness_g32[0], c);
                tcg_gen_muli_i32(harness_g32[3], harness_g32[0], c);
                tcg_gen_andi_i32(harness_g32[4], harness_g32[0], c);
                tcg_gen_ori_i32(harness_g32[5], harness_g32[0], c);
                tcg_gen_xori_i32(harness_g32[6], harness_g32[0], c);
                tcg_gen_subfi_i32(harness_g32[7], c, harness_g32[0]);
                tcg_gen_shli_i32(harness_g32[0], harness_g32[0], c & 31);
                end_tb();
                harness_run(m);
                cr_assert_eq(harness_env->g32[1], x + c, "%s addi", b->name);
                cr_assert_eq(harness_env->g32[2], x - c, "%s subi", b->name);
                cr_assert_eq(harness_env->g32[3], x * c, "%s muli", b->name);
                cr_assert_eq(harness_env->g32[4], x & c, "%s andi", b->name);
                cr_assert_eq(harness_env->g32[5], x | c, "%s ori", b->name);
                cr_assert_eq(harness_env->g32[6], x ^ c, "%s xori", b->name);
                cr_assert_eq(harness_env->g32[7], c - x, "%s subfi", b->name);
                cr_assert_eq(harness_env->g32[0], x << (c & 31), "%s shli", b->name);

                harness_clear_env();
                harness_env->g32[0] = x;
                harness_begin();
                tcg_gen_shri_i32(harness_g32[1], harness_g32[0], c & 31);
                tcg_gen_sari_i32(harness_g32[2], harness_g32[0], c & 31);
                tcg_gen_rotli_i32(harness_g32[3], harness_g32[0], c & 31);
                tcg_gen_rotri_i32(harness_g32[4], harness_g32[0], c & 31);
                tcg_gen_clzi_i32(harness_g32[5], harness_g32[0], c);
                tcg_gen_ctzi_i32(harness_g32[6], harness_g32[0], c);
                tcg_gen_setcondi_i32(TCG_COND_LTU, harness_g32[7], harness_g32[0], c);
                end_tb();
                harness_run(m);
                cr_assert_eq(harness_env->g32[1], x >> (c & 31));
                cr_assert_eq(harness_env->g32[2], (uint32_t)((int32_t)x >> (c & 31)));
                cr_assert_eq(harness_env->g32[3], rotl32(x, c & 31));
                cr_assert_eq(harness_env->g32[4], rotl32(x, 32 - (c & 31)));
                cr_assert_eq(harness_env->g32[5], x ? (uint32_t)__builtin_clz(x) : c);
                cr_assert_eq(harness_env->g32[6], x ? (uint32_t)__builtin_ctz(x) : c);
                cr_assert_eq(harness_env->g32[7], x < c);
            }
        }
        for (size_t i = 0; i < N64; i++) {
            for (size_t k = 0; k < N64; k++) {
                uint64_t x = v64[i], c = v64[k];
                harness_clear_env();
                harness_env->g64[0] = x;
                harness_begin();
                tcg_gen_addi_i64(harness_g64[1], harness_g64[0], c);
                tcg_gen_subi_i64(harness_g64[2], harness_g64[0], c);
                tcg_gen_andi_i64(harness_g64[3], harness_g64[0], c);
                tcg_gen_ori_i64(harness_g64[4], harness_g64[0], c);
                tcg_gen_xori_i64(harness_g64[5], harness_g64[0], c);
                tcg_gen_shli_i64(harness_g64[6], harness_g64[0], c & 63);
                tcg_gen_shri_i64(harness_g64[7], harness_g64[0], c & 63);
                tcg_gen_sari_i64(harness_g64[0], harness_g64[0], c & 63);
                end_tb();
                harness_run(m);
                cr_assert_eq(harness_env->g64[1], x + c, "%s addi64", b->name);
                cr_assert_eq(harness_env->g64[2], x - c, "%s subi64", b->name);
                cr_assert_eq(harness_env->g64[3], x & c, "%s andi64", b->name);
                cr_assert_eq(harness_env->g64[4], x | c, "%s ori64", b->name);
                cr_assert_eq(harness_env->g64[5], x ^ c, "%s xori64", b->name);
                cr_assert_eq(harness_env->g64[6], x << (c & 63), "%s shli64", b->name);
                cr_assert_eq(harness_env->g64[7], x >> (c & 63), "%s shri64", b->name);
                cr_assert_eq(harness_env->g64[0], (uint64_t)((int64_t)x >> (c & 63)),
                             "%s sari64", b->name);
            }
        }
    }
}

/* ---- conditions ---- */

static const TCGCond all_conds[] = {
    TCG_COND_NEVER, TCG_COND_ALWAYS, TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT,
    TCG_COND_GE, TCG_COND_LE, TCG_COND_GT, TCG_COND_LTU, TCG_COND_GEU,
    TCG_COND_LEU, TCG_COND_GTU,
};

static bool ref_cond(TCGCond c, uint64_t a, uint64_t b, bool is64)
{
    int64_t sa = is64 ? (int64_t)a : (int32_t)a, sb = is64 ? (int64_t)b : (int32_t)b;
    if (!is64) {
        a = (uint32_t)a;
        b = (uint32_t)b;
    }
    switch (c) {
    case TCG_COND_NEVER: return false;
    case TCG_COND_ALWAYS: return true;
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return sa < sb;
    case TCG_COND_GE: return sa >= sb;
    case TCG_COND_LE: return sa <= sb;
    case TCG_COND_GT: return sa > sb;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    case TCG_COND_GTU: return a > b;
    }
    return false;
}

Test(tcg_ops, cond_helpers)
{
    for (size_t k = 0; k < ARRAY_SIZE(all_conds); k++) {
        TCGCond c = all_conds[k];
        for (size_t i = 0; i < N64; i++) {
            for (size_t j = 0; j < N64; j++) {
                uint64_t a = v64[i], b = v64[j];
                for (int w = 0; w < 2; w++) {
                    cr_assert_eq(tcg_cond_eval(c, a, b, w), ref_cond(c, a, b, w));
                    cr_assert_eq(tcg_cond_eval(tcg_invert_cond(c), a, b, w),
                                 !ref_cond(c, a, b, w));
                    cr_assert_eq(tcg_cond_eval(tcg_swap_cond(c), b, a, w),
                                 ref_cond(c, a, b, w));
                }
            }
        }
    }
}

Test(tcg_ops, setcond_movcond_brcond_i32)
{
    FOR_EACH_CONFIG(b, m) {
        for (size_t k = 0; k < ARRAY_SIZE(all_conds); k++) {
            TCGCond c = all_conds[k];
            for (size_t i = 0; i < N32; i += 2) {
                for (size_t j = 0; j < N32; j += 3) {
                    uint32_t x = v32[i], y = v32[j];
                    bool r = ref_cond(c, x, y, false);
                    for (int form = 0; form < 2; form++) {
                        TCGLabel *l = NULL, *l2 = NULL;
                        harness_clear_env();
                        harness_env->g32[0] = x;
                        harness_env->g32[1] = y;
                        harness_env->g32[5] = 0x5555;
                        harness_env->g32[6] = 0x6666;
                        harness_begin();
                        TCGv_i32 a = harness_g32[0];
                        TCGv_i32 bb = form ? tcg_constant_i32(y) : harness_g32[1];
                        tcg_gen_setcond_i32(c, harness_g32[2], a, bb);
                        tcg_gen_movcond_i32(c, harness_g32[3], a, bb,
                                            harness_g32[5], harness_g32[6]);
                        l = gen_new_label();
                        l2 = gen_new_label();
                        tcg_gen_movi_i32(harness_g32[4], 100);
                        tcg_gen_brcond_i32(c, a, bb, l);
                        tcg_gen_movi_i32(harness_g32[4], 200);
                        tcg_gen_br(l2);
                        gen_set_label(l);
                        tcg_gen_addi_i32(harness_g32[4], harness_g32[4], 1);
                        gen_set_label(l2);
                        /* setcond with the same temp as output and input */
                        tcg_gen_setcond_i32(c, harness_g32[7], harness_g32[0], bb);
                        tcg_gen_setcond_i32(c, harness_g32[0], harness_g32[0], bb);
                        end_tb();
                        harness_run(m);
                        cr_assert_eq(harness_env->g32[2], r, "%s setcond %d %#x %#x",
                                     b->name, c, x, y);
                        cr_assert_eq(harness_env->g32[3], r ? 0x5555u : 0x6666u,
                                     "%s movcond %d", b->name, c);
                        cr_assert_eq(harness_env->g32[4], r ? 101u : 200u,
                                     "%s brcond %d %#x %#x form %d mode %d", b->name, c,
                                     x, y, form, m);
                        cr_assert_eq(harness_env->g32[0], r, "%s setcond in=out", b->name);
                    }
                }
            }
        }
    }
}

Test(tcg_ops, setcond_movcond_brcond_i64)
{
    FOR_EACH_CONFIG(b, m) {
        for (size_t k = 0; k < ARRAY_SIZE(all_conds); k++) {
            TCGCond c = all_conds[k];
            for (size_t i = 0; i < N64; i += 2) {
                for (size_t j = 0; j < N64; j += 3) {
                    uint64_t x = v64[i], y = v64[j];
                    bool r = ref_cond(c, x, y, true);
                    for (int form = 0; form < 2; form++) {
                        TCGLabel *l;
                        harness_clear_env();
                        harness_env->g64[0] = x;
                        harness_env->g64[1] = y;
                        harness_env->g64[5] = 0x5555555555ull;
                        harness_env->g64[6] = 0x6666666666ull;
                        harness_begin();
                        TCGv_i64 a = harness_g64[0];
                        TCGv_i64 bb = form ? tcg_constant_i64(y) : harness_g64[1];
                        tcg_gen_setcond_i64(c, harness_g64[2], a, bb);
                        tcg_gen_movcond_i64(c, harness_g64[3], a, bb,
                                            harness_g64[5], harness_g64[6]);
                        l = gen_new_label();
                        tcg_gen_movi_i64(harness_g64[4], 1);
                        tcg_gen_brcond_i64(c, a, bb, l);
                        tcg_gen_movi_i64(harness_g64[4], 2);
                        gen_set_label(l);
                        end_tb();
                        harness_run(m);
                        cr_assert_eq(harness_env->g64[2], r, "%s setcond64 %d", b->name, c);
                        cr_assert_eq(harness_env->g64[3],
                                     r ? 0x5555555555ull : 0x6666666666ull,
                                     "%s movcond64 %d", b->name, c);
                        cr_assert_eq(harness_env->g64[4], r ? 1u : 2u,
                                     "%s brcond64 %d %#" PRIx64 " %#" PRIx64,
                                     b->name, c, x, y);
                    }
                }
            }
        }
    }
}

/* ---- bit fields ---- */

Test(tcg_ops, deposit_extract)
{
    static const unsigned fields32[][2] = {
        { 0, 1 }, { 31, 1 }, { 0, 31 }, { 1, 31 }, { 0, 8 }, { 8, 8 }, { 24, 8 },
        { 0, 16 }, { 16, 16 }, { 5, 11 }, { 3, 28 }, { 0, 32 },
    };
    static const unsigned fields64[][2] = {
        { 0, 1 }, { 63, 1 }, { 0, 63 }, { 1, 63 }, { 0, 32 }, { 32, 32 }, { 31, 2 },
        { 16, 40 }, { 7, 9 }, { 0, 64 }, { 56, 8 },
    };
    FOR_EACH_CONFIG(b, m) {
        for (size_t f = 0; f < ARRAY_SIZE(fields32); f++) {
            unsigned pos = fields32[f][0], len = fields32[f][1];
            for (size_t i = 0; i < N32; i += 3) {
                for (int form = 0; form < 2; form++) {
                    uint32_t x = v32[i], y = v32[(i + 5) % N32];
                    harness_clear_env();
                    harness_env->g32[0] = x;
                    harness_env->g32[1] = y;
                    harness_begin();
                    TCGv_i32 a = form ? tcg_constant_i32(x) : harness_g32[0];
                    TCGv_i32 bb = form ? tcg_constant_i32(y) : harness_g32[1];
                    tcg_gen_deposit_i32(harness_g32[2], a, bb, pos, len);
                    tcg_gen_extract_i32(harness_g32[3], a, pos, len);
                    tcg_gen_sextract_i32(harness_g32[4], a, pos, len);
                    tcg_gen_deposit_i32(harness_g32[0], harness_g32[0], bb, pos, len);
                    end_tb();
                    harness_run(m);
                    cr_assert_eq(harness_env->g32[2], deposit32(x, pos, len, y),
                                 "%s deposit32 %u,%u", b->name, pos, len);
                    cr_assert_eq(harness_env->g32[3], extract32(x, pos, len),
                                 "%s extract32 %u,%u", b->name, pos, len);
                    cr_assert_eq(harness_env->g32[4], (uint32_t)sextract32(x, pos, len),
                                 "%s sextract32 %u,%u of %#x", b->name, pos, len, x);
                    cr_assert_eq(harness_env->g32[0], deposit32(x, pos, len, y));
                }
            }
        }
        for (size_t f = 0; f < ARRAY_SIZE(fields64); f++) {
            unsigned pos = fields64[f][0], len = fields64[f][1];
            for (size_t i = 0; i < N64; i += 3) {
                for (int form = 0; form < 2; form++) {
                    uint64_t x = v64[i], y = v64[(i + 7) % N64];
                    uint64_t sx = (uint64_t)((int64_t)(x << (64 - pos - len)) >> (64 - len));
                    harness_clear_env();
                    harness_env->g64[0] = x;
                    harness_env->g64[1] = y;
                    harness_begin();
                    TCGv_i64 a = form ? tcg_constant_i64(x) : harness_g64[0];
                    TCGv_i64 bb = form ? tcg_constant_i64(y) : harness_g64[1];
                    tcg_gen_deposit_i64(harness_g64[2], a, bb, pos, len);
                    tcg_gen_extract_i64(harness_g64[3], a, pos, len);
                    tcg_gen_sextract_i64(harness_g64[4], a, pos, len);
                    end_tb();
                    harness_run(m);
                    cr_assert_eq(harness_env->g64[2], deposit64(x, pos, len, y),
                                 "%s deposit64 %u,%u", b->name, pos, len);
                    cr_assert_eq(harness_env->g64[3], extract64(x, pos, len),
                                 "%s extract64 %u,%u", b->name, pos, len);
                    cr_assert_eq(harness_env->g64[4], sx, "%s sextract64 %u,%u",
                                 b->name, pos, len);
                }
            }
        }
    }
}

/* ---- double-word ops ---- */

Test(tcg_ops, double_word)
{
    FOR_EACH_CONFIG(b, m) {
        for (size_t i = 0; i < N32; i++) {
            for (size_t j = 0; j < N32; j += 2) {
                for (int form = 0; form < 2; form++) {
                    uint32_t x = v32[i], y = v32[j];
                    uint32_t xh = v32[(i + 3) % N32], yh = v32[(j + 7) % N32];
                    uint64_t a = ((uint64_t)xh << 32) | x, bq = ((uint64_t)yh << 32) | y;
                    harness_clear_env();
                    harness_env->g32[0] = x;
                    harness_env->g32[1] = y;
                    harness_env->g32[6] = xh;
                    harness_env->g32[7] = yh;
                    harness_begin();
                    TCGv_i32 tx = form ? tcg_constant_i32(x) : harness_g32[0];
                    TCGv_i32 ty = form ? tcg_constant_i32(y) : harness_g32[1];
                    TCGv_i32 th = form ? tcg_constant_i32(xh) : harness_g32[6];
                    tcg_gen_mulu2_i32(harness_g32[2], harness_g32[3], tx, ty);
                    tcg_gen_muls2_i32(harness_g32[4], harness_g32[5], tx, ty);
                    TCGv_i32 rl = tcg_temp_new_i32(), rh = tcg_temp_new_i32();
                    tcg_gen_add2_i32(rl, rh, tx, th, ty, harness_g32[7]);
                    tcg_gen_st_i32(rl, tcg_env, offsetof(HarnessEnv, scratch[0]));
                    tcg_gen_st_i32(rh, tcg_env, offsetof(HarnessEnv, scratch[1]));
                    tcg_temp_free_i32(rl);
                    tcg_temp_free_i32(rh);
                    tcg_gen_sub2_i32(harness_g32[6], harness_g32[7], tx, th, ty,
                                     tcg_constant_i32(yh));
                    end_tb();
                    harness_run(m);
                    uint64_t pu = (uint64_t)x * y;
                    int64_t ps = (int64_t)(int32_t)x * (int32_t)y;
                    cr_assert_eq(harness_env->g32[2], (uint32_t)pu, "%s mulu2 lo", b->name);
                    cr_assert_eq(harness_env->g32[3], (uint32_t)(pu >> 32), "%s mulu2 hi",
                                 b->name);
                    cr_assert_eq(harness_env->g32[4], (uint32_t)ps, "%s muls2 lo", b->name);
                    cr_assert_eq(harness_env->g32[5], (uint32_t)((uint64_t)ps >> 32),
                                 "%s muls2 hi %#x*%#x", b->name, x, y);
                    cr_assert_eq(harness_env->scratch[0], (uint32_t)(a + bq));
                    cr_assert_eq(harness_env->scratch[1], (uint32_t)((a + bq) >> 32),
                                 "%s add2 hi", b->name);
                    cr_assert_eq(harness_env->g32[6], (uint32_t)(a - bq), "%s sub2 lo",
                                 b->name);
                    cr_assert_eq(harness_env->g32[7], (uint32_t)((a - bq) >> 32),
                                 "%s sub2 hi", b->name);
                }
            }
        }
        for (size_t i = 0; i < N64; i++) {
            for (size_t j = 0; j < N64; j += 2) {
                uint64_t x = v64[i], y = v64[j];
                uint64_t xh = v64[(i + 3) % N64], yh = v64[(j + 5) % N64];
                unsigned __int128 a = ((unsigned __int128)xh << 64) | x;
                unsigned __int128 bq = ((unsigned __int128)yh << 64) | y;
                harness_clear_env();
                harness_env->g64[0] = x;
                harness_env->g64[1] = y;
                harness_env->g64[6] = xh;
                harness_env->g64[7] = yh;
                harness_begin();
                tcg_gen_mulu2_i64(harness_g64[2], harness_g64[3], harness_g64[0], harness_g64[1]);
                tcg_gen_muls2_i64(harness_g64[4], harness_g64[5], harness_g64[0], harness_g64[1]);
                tcg_gen_add2_i64(harness_g64[0], harness_g64[1], harness_g64[0], harness_g64[6],
                                 harness_g64[1], harness_g64[7]);
                tcg_gen_st_i64(harness_g64[0], tcg_env, offsetof(HarnessEnv, scratch[0]));
                tcg_gen_st_i64(harness_g64[1], tcg_env, offsetof(HarnessEnv, scratch[1]));
                tcg_gen_movi_i64(harness_g64[0], x);
                tcg_gen_movi_i64(harness_g64[1], y);
                tcg_gen_sub2_i64(harness_g64[6], harness_g64[7], harness_g64[0], harness_g64[6],
                                 harness_g64[1], harness_g64[7]);
                end_tb();
                harness_run(m);
                unsigned __int128 pu = (unsigned __int128)x * y;
                __int128 ps = (__int128)(int64_t)x * (int64_t)y;
                cr_assert_eq(harness_env->g64[2], (uint64_t)pu);
                cr_assert_eq(harness_env->g64[3], (uint64_t)(pu >> 64), "%s mulu2_i64 hi",
                             b->name);
                cr_assert_eq(harness_env->g64[4], (uint64_t)ps);
                cr_assert_eq(harness_env->g64[5], (uint64_t)((unsigned __int128)ps >> 64),
                             "%s muls2_i64 hi", b->name);
                cr_assert_eq(harness_env->scratch[0], (uint64_t)(a + bq));
                cr_assert_eq(harness_env->scratch[1], (uint64_t)((a + bq) >> 64),
                             "%s add2_i64 hi", b->name);
                cr_assert_eq(harness_env->g64[6], (uint64_t)(a - bq));
                cr_assert_eq(harness_env->g64[7], (uint64_t)((a - bq) >> 64),
                             "%s sub2_i64 hi", b->name);
            }
        }
    }
}

/* ---- conversions between sizes ---- */

Test(tcg_ops, conversions)
{
    FOR_EACH_CONFIG(b, m) {
        for (size_t i = 0; i < N64; i++) {
            uint64_t q = v64[i];
            uint32_t w = v32[i % N32];
            harness_clear_env();
            harness_env->g64[0] = q;
            harness_env->g32[0] = w;
            harness_begin();
            tcg_gen_ext_i32_i64(harness_g64[1], harness_g32[0]);
            tcg_gen_extu_i32_i64(harness_g64[2], harness_g32[0]);
            tcg_gen_extrl_i64_i32(harness_g32[1], harness_g64[0]);
            tcg_gen_extrh_i64_i32(harness_g32[2], harness_g64[0]);
            tcg_gen_concat_i32_i64(harness_g64[3], harness_g32[0], harness_g32[2]);
            tcg_gen_extr_i64_i32(harness_g32[3], harness_g32[4], harness_g64[0]);
            {
                TCGv_ptr p = tcg_temp_new_ptr();
                tcg_gen_ext_i32_ptr(p, harness_g32[0]);
                tcg_gen_addi_ptr(p, p, 16);
                tcg_gen_st_i64(temp_tcgv_i64(tcgv_ptr_temp(p)), tcg_env,
                               offsetof(HarnessEnv, scratch[2]));
                tcg_temp_free_ptr(p);
            }
            /* Sign extension of a value that went through an i64 op. */
            tcg_gen_ext_i32_i64(harness_g64[4], tcg_constant_i32((int32_t)w));
            end_tb();
            harness_run(m);
            cr_assert_eq(harness_env->g64[1], (uint64_t)(int64_t)(int32_t)w, "%s ext", b->name);
            cr_assert_eq(harness_env->g64[2], (uint64_t)w, "%s extu", b->name);
            cr_assert_eq(harness_env->g32[1], (uint32_t)q, "%s extrl", b->name);
            cr_assert_eq(harness_env->g32[2], (uint32_t)(q >> 32), "%s extrh", b->name);
            cr_assert_eq(harness_env->g64[3], ((q >> 32) << 32) | w, "%s concat", b->name);
            cr_assert_eq(harness_env->g32[3], (uint32_t)q);
            cr_assert_eq(harness_env->g32[4], (uint32_t)(q >> 32));
            cr_assert_eq(harness_env->scratch[2], (uint64_t)w + 16, "%s ext_i32_ptr", b->name);
            cr_assert_eq(harness_env->g64[4], (uint64_t)(int64_t)(int32_t)w);
        }
    }
}

/* ---- host loads and stores ---- */

Test(tcg_ops, host_ld_st)
{
    FOR_EACH_CONFIG(b, m) {
        harness_clear_env();
        harness_env->scratch[0] = 0x8182838485868788ull;
        harness_env->scratch[1] = 0x0102030405060708ull;
        harness_begin();
        tcg_gen_ld8u_i32(harness_g32[0], tcg_env, offsetof(HarnessEnv, scratch[0]));
        tcg_gen_ld8s_i32(harness_g32[1], tcg_env, offsetof(HarnessEnv, scratch[0]));
        tcg_gen_ld16u_i32(harness_g32[2], tcg_env, offsetof(HarnessEnv, scratch[0]) + 2);
        tcg_gen_ld16s_i32(harness_g32[3], tcg_env, offsetof(HarnessEnv, scratch[0]) + 2);
        tcg_gen_ld_i32(harness_g32[4], tcg_env, offsetof(HarnessEnv, scratch[0]) + 4);
        tcg_gen_ld32u_i64(harness_g64[0], tcg_env, offsetof(HarnessEnv, scratch[0]));
        tcg_gen_ld32s_i64(harness_g64[1], tcg_env, offsetof(HarnessEnv, scratch[0]));
        tcg_gen_ld_i64(harness_g64[2], tcg_env, offsetof(HarnessEnv, scratch[1]));
        {
            /* Raw 64-bit op forms not reachable through named emitters. */
            TCGOp *op;
            TCGv_i64 t = tcg_temp_new_i64();
            static const TCGOpcode lds[] = { INDEX_op_ld8u_i64, INDEX_op_ld8s_i64,
                                             INDEX_op_ld16u_i64, INDEX_op_ld16s_i64 };
            for (int k = 0; k < 4; k++) {
                op = tcg_emit_op(lds[k], 3);
                op->args[0] = temp_arg(tcgv_i64_temp(t));
                op->args[1] = temp_arg(tcgv_ptr_temp(tcg_env));
                op->args[2] = offsetof(HarnessEnv, scratch[0]);
                tcg_gen_st_i64(t, tcg_env, offsetof(HarnessEnv, mem) + 8 * k);
            }
            tcg_temp_free_i64(t);
            op = tcg_emit_op(INDEX_op_st8_i64, 3);
            op->args[0] = temp_arg(tcgv_i64_temp(harness_g64[2]));
            op->args[1] = temp_arg(tcgv_ptr_temp(tcg_env));
            op->args[2] = offsetof(HarnessEnv, scratch[3]);
            op = tcg_emit_op(INDEX_op_st16_i64, 3);
            op->args[0] = temp_arg(tcgv_i64_temp(harness_g64[2]));
            op->args[1] = temp_arg(tcgv_ptr_temp(tcg_env));
            op->args[2] = offsetof(HarnessEnv, scratch[3]) + 2;
        }
        tcg_gen_st32_i64(harness_g64[2], tcg_env, offsetof(HarnessEnv, scratch[3]) + 4);
        tcg_gen_st8_i32(harness_g32[1], tcg_env, offsetof(HarnessEnv, scratch[2]));
        tcg_gen_st16_i32(harness_g32[3], tcg_env, offsetof(HarnessEnv, scratch[2]) + 2);
        tcg_gen_st_i32(harness_g32[4], tcg_env, offsetof(HarnessEnv, scratch[2]) + 4);
        {
            /* Through a loaded pointer: env's own address from scratch[7]. */
            TCGv_ptr p = tcg_temp_new_ptr();
            tcg_gen_ld_ptr(p, tcg_env, offsetof(HarnessEnv, scratch[7]));
            tcg_gen_ld_i32(harness_g32[5], p, 0);
            tcg_gen_st_i32(tcg_constant_i32(0x5a5a5a5a), p, 4);
            tcg_temp_free_ptr(p);
        }
        end_tb();
        harness_env->scratch[7] = (uintptr_t)&harness_env->scratch[6];
        harness_env->scratch[6] = 0;
        harness_run(m);
        cr_assert_eq(harness_env->g32[0], 0x88u, "%s ld8u", b->name);
        cr_assert_eq(harness_env->g32[1], 0xffffff88u, "%s ld8s", b->name);
        cr_assert_eq(harness_env->g32[2], 0x8586u);
        cr_assert_eq(harness_env->g32[3], 0xffff8586u);
        cr_assert_eq(harness_env->g32[4], 0x81828384u);
        cr_assert_eq(harness_env->g64[0], 0x85868788ull);
        cr_assert_eq(harness_env->g64[1], 0xffffffff85868788ull);
        cr_assert_eq(harness_env->g64[2], 0x0102030405060708ull);
        {
            static const uint64_t want[4] = { 0x88, 0xffffffffffffff88ull, 0x8788,
                                              0xffffffffffff8788ull };
            for (int k = 0; k < 4; k++) {
                uint64_t got;
                memcpy(&got, harness_env->mem + 8 * k, 8);
                cr_assert_eq(got, want[k], "%s raw ld %d_i64", b->name, k);
            }
        }
        cr_assert_eq(harness_env->scratch[6] & 0xffffffffull, 0);
        cr_assert_eq(harness_env->scratch[6] >> 32, 0x5a5a5a5aull, "%s st via ptr", b->name);
        cr_assert_eq(harness_env->scratch[3], 0x0506070807080008ull, "%s st8/16/32_i64",
                     b->name);
        cr_assert_eq(harness_env->scratch[2], 0x8182838485860088ull,
                     "%s st8/16/32_i32 %#" PRIx64, b->name, harness_env->scratch[2]);
        cr_assert_eq(harness_env->g32[5], 0u, "%s ld via ptr", b->name);
    }
}

/* ---- guest memory through the softmmu helpers ---- */

Test(tcg_ops, qemu_ld_st)
{
    static const MemOp mops[] = {
        MO_UB, MO_SB, MO_LEUW, MO_LESW, MO_LEUL, MO_LESL, MO_BEUW, MO_BESW,
        MO_BEUL, MO_BESL,
    };
    /* With the engine's softmmu linked only the mapped mode (1) can be used. */
    unsigned first_idx = harness_fake_mmu() ? 0 : 1;
    FOR_EACH_CONFIG(b, m) {
        for (unsigned idx = first_idx; idx < 2; idx++) {
            for (size_t k = 0; k < ARRAY_SIZE(mops); k++) {
                MemOp mop = mops[k];
                unsigned size = memop_size(mop);
                harness_clear_env();
                for (int i = 0; i < 64; i++) {
                    harness_env->mem[i] = 0x80 + i;
                }
                harness_env->g32[0] = 8;
                harness_begin();
                tcg_gen_qemu_ld_i32(harness_g32[1], harness_g32[0], idx, mop);
                tcg_gen_qemu_ld_i64(harness_g64[1], harness_g32[0], idx, mop);
                tcg_gen_qemu_st_i32(tcg_constant_i32(0x11223344), tcg_constant_i32(32), idx, mop);
                tcg_gen_qemu_st_i64(harness_g64[1], tcg_constant_i32(48), idx, mop);
                end_tb();
                harness_run(m);
                uint64_t raw = 0;
                for (unsigned i = 0; i < size; i++) {
                    unsigned sh = (mop & MO_BSWAP) ? 8 * (size - 1 - i) : 8 * i;
                    raw |= (uint64_t)(0x88 + i) << sh;
                }
                uint64_t want = raw;
                if (mop & MO_SIGN) {
                    want = (uint64_t)((int64_t)(raw << (64 - 8 * size)) >> (64 - 8 * size));
                }
                cr_assert_eq(harness_env->g32[1], (uint32_t)want, "%s qemu_ld_i32 mop %#x idx %u",
                             b->name, mop, idx);
                cr_assert_eq(harness_env->g64[1], want, "%s qemu_ld_i64 mop %#x", b->name, mop);
                for (unsigned i = 0; i < size; i++) {
                    unsigned sh = (mop & MO_BSWAP) ? 8 * (size - 1 - i) : 8 * i;
                    cr_assert_eq(harness_env->mem[32 + i], (uint8_t)(0x11223344u >> sh),
                                 "%s qemu_st_i32 mop %#x byte %u", b->name, mop, i);
                    cr_assert_eq(harness_env->mem[48 + i], harness_env->mem[8 + i],
                                 "%s qemu_st_i64 round trip", b->name);
                }
                cr_assert_eq(harness_env->mem[32 + size], 0x80 + 32 + size, "%s store too wide", b->name);
            }
            /* 64-bit accesses. */
            harness_clear_env();
            for (int i = 0; i < 16; i++) {
                harness_env->mem[i] = i + 1;
            }
            harness_begin();
            tcg_gen_qemu_ld_i64(harness_g64[0], tcg_constant_i32(0), idx, MO_LEUQ);
            tcg_gen_qemu_ld_i64(harness_g64[1], tcg_constant_i32(0), idx, MO_BEUQ);
            tcg_gen_qemu_st_i64(harness_g64[0], tcg_constant_i32(64), idx, MO_BEUQ);
            end_tb();
            harness_run(m);
            cr_assert_eq(harness_env->g64[0], 0x0807060504030201ull, "%s ldq le", b->name);
            cr_assert_eq(harness_env->g64[1], 0x0102030405060708ull, "%s ldq be", b->name);
            cr_assert_eq(harness_env->mem[64], 8);
            cr_assert_eq(harness_env->mem[71], 1);
        }
    }
}

/* ---- calls ---- */

Test(tcg_ops, calls)
{
    FOR_EACH_CONFIG(b, m) {
        harness_clear_env();
        harness_env->g32[0] = 10;
        harness_env->g64[0] = 0x1122334455667788ull;
        harness_begin();
        /* i32 args incl. a negative constant; result into a global */
        tcg_gen_call3(&harness_info_add3, tcgv_i32_temp(harness_g32[2]),
                      tcgv_i32_temp(harness_g32[0]), tcgv_i32_temp(tcg_constant_i32(-1)),
                      tcgv_i32_temp(tcg_constant_i32(5)));
        /* six i64 args */
        {
            TCGTemp *args[6];
            for (int i = 0; i < 6; i++) {
                args[i] = tcgv_i64_temp(i == 0 ? harness_g64[0]
                                        : tcg_constant_i64(0x100000001ull * i));
            }
            tcg_gen_callN(&harness_info_mix6, tcgv_i64_temp(harness_g64[1]), 6, args);
        }
        /* void helper with env */
        tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
        tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
        /* A global written in IR must be in env when a helper reads it ... */
        tcg_gen_movi_i32(harness_g32[0], 1234);
        tcg_gen_call1(&harness_info_read_g32_0, tcgv_i32_temp(harness_g32[3]),
                      tcgv_ptr_temp(tcg_env));
        /* ... and a global a helper writes must be re-read afterwards. */
        tcg_gen_movi_i32(harness_g32[1], 7);
        tcg_gen_addi_i32(harness_g32[4], harness_g32[1], 1);
        tcg_gen_call2(&harness_info_write_g32_1, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(99)));
        tcg_gen_addi_i32(harness_g32[5], harness_g32[1], 1);
        /* A pure helper whose result is unused disappears; used, it runs. */
        tcg_gen_call3(&harness_info_add3_pure, tcgv_i32_temp(harness_g32[6]),
                      tcgv_i32_temp(harness_g32[0]), tcgv_i32_temp(harness_g32[0]),
                      tcgv_i32_temp(harness_g32[0]));
        end_tb();
        harness_run(m);
        cr_assert_eq(harness_env->g32[2], 10u - 3u + 35u, "%s add3", b->name);
        cr_assert_eq(harness_env->g64[1],
                     harness_helper_mix6(0x1122334455667788ull, 0x100000001ull,
                                         0x200000002ull, 0x300000003ull, 0x400000004ull,
                                         0x500000005ull), "%s mix6", b->name);
        cr_assert_eq(harness_env->helper_calls, 2, "%s bump", b->name);
        cr_assert_eq(harness_env->g32[3], 1234u, "%s global synced before call", b->name);
        cr_assert_eq(harness_env->g32[4], 8u);
        cr_assert_eq(harness_env->g32[5], 100u, "%s global reloaded after call", b->name);
        cr_assert_eq(harness_env->g32[1], 99u);
        cr_assert_eq(harness_env->g32[6], 1234u * 11, "%s pure helper", b->name);
    }
}

/* ---- control: labels, loops, temps across blocks, exits ---- */

Test(tcg_ops, loop_and_temps_across_labels)
{
    FOR_EACH_CONFIG(b, m) {
        harness_clear_env();
        harness_env->g32[0] = 10;
        harness_begin();
        TCGv_i32 acc = tcg_temp_new_i32();
        TCGv_i32 i = tcg_temp_new_i32();
        TCGv_i64 acc64 = tcg_temp_new_i64();
        TCGLabel *top = gen_new_label(), *skip = gen_new_label();
        tcg_gen_movi_i32(acc, 0);
        tcg_gen_movi_i64(acc64, 1);
        tcg_gen_mov_i32(i, harness_g32[0]);
        gen_set_label(top);
        tcg_gen_add_i32(acc, acc, i);
        tcg_gen_shli_i64(acc64, acc64, 1);
        tcg_gen_brcondi_i32(TCG_COND_NE, i, 5, skip);
        tcg_gen_addi_i32(acc, acc, 1000);
        gen_set_label(skip);
        tcg_gen_subi_i32(i, i, 1);
        tcg_gen_brcondi_i32(TCG_COND_GT, i, 0, top);
        tcg_gen_mov_i32(harness_g32[1], acc);
        tcg_gen_mov_i64(harness_g64[0], acc64);
        tcg_gen_exit_tb(NULL, 0);
        harness_run(m);
        cr_assert_eq(harness_env->g32[1], 55u + 1000u, "%s loop", b->name);
        cr_assert_eq(harness_env->g64[0], 1u << 10, "%s loop64", b->name);
    }
}

Test(tcg_ops, exit_values_and_unreachable_code)
{
    static TranslationBlock fake_tb __attribute__((aligned(64)));
    FOR_EACH_CONFIG(b, m) {
        for (unsigned idx = 0; idx < 4; idx++) {
            harness_clear_env();
            harness_begin();
            TCGLabel *l = gen_new_label();
            tcg_gen_movi_i32(harness_g32[0], 1);
            tcg_gen_brcondi_i32(TCG_COND_EQ, harness_g32[1], 0, l);
            tcg_gen_movi_i32(harness_g32[0], 2);
            tcg_gen_exit_tb(NULL, 0);
            tcg_gen_movi_i32(harness_g32[0], 3);     /* unreachable */
            gen_set_label(l);
            tcg_gen_movi_i32(harness_g32[2], 4);
            tcg_gen_exit_tb(&fake_tb, idx);
            uintptr_t r = harness_run(m);
            cr_assert_eq(r, (uintptr_t)&fake_tb | idx, "%s exit value", b->name);
            cr_assert_eq(harness_env->g32[0], 1u);
            cr_assert_eq(harness_env->g32[2], 4u);
        }
    }
}

/* goto_tb: unchained it falls through to exit_tb; chained it runs the next TB. */
Test(tcg_ops, goto_tb_chaining)
{
    static TranslationBlock tb1 __attribute__((aligned(64)));
    FOR_EACH_CONFIG(b, m) {
        harness_clear_env();
        harness_reset_code();
        /* TB2: g32[1] = g32[0] * 3; exit 0 */
        harness_begin();
        tcg_gen_insn_start(0x2000, 0);
        tcg_gen_muli_i32(harness_g32[1], harness_g32[0], 3);
        tcg_gen_exit_tb(NULL, 0);
        const void *tb2 = harness_gen(m);
        cr_assert_not_null(tb2);
        /* TB1: g32[0] += 5; goto_tb 1; exit_tb(tb1, 1) */
        harness_begin();
        tcg_gen_insn_start(0x1000, 0);
        tcg_gen_addi_i32(harness_g32[0], harness_g32[0], 5);
        tcg_gen_goto_tb(1);
        tcg_gen_exit_tb(&tb1, 1);
        const void *code1 = harness_gen(m);
        cr_assert_not_null(code1);
        uint16_t jmp_off = tcg_ctx->goto_tb_insn_off[1];
        uint16_t reset_off = tcg_ctx->goto_tb_reset_off[1];
        cr_assert_neq(jmp_off, 0xffff, "%s: goto_tb offset recorded", b->name);
        cr_assert(reset_off > jmp_off && reset_off <= harness_tb.tc.size);

        uintptr_t r = harness_exec(code1);
        cr_assert_eq(r, (uintptr_t)&tb1 | 1, "%s unchained exit", b->name);
        cr_assert_eq(harness_env->g32[0], 5u);
        cr_assert_eq(harness_env->g32[1], 0u);

        b->patch_jump((uintptr_t)code1 + jmp_off, (uintptr_t)code1 + jmp_off,
                      (uintptr_t)tb2);
        r = harness_exec(code1);
        cr_assert_eq(r, 0, "%s chained exit", b->name);
        cr_assert_eq(harness_env->g32[0], 10u);
        cr_assert_eq(harness_env->g32[1], 30u, "%s chained TB ran", b->name);

        /* Unchain by pointing back at the reset path. */
        b->patch_jump((uintptr_t)code1 + jmp_off, (uintptr_t)code1 + jmp_off,
                      (uintptr_t)code1 + reset_off);
        harness_env->g32[1] = 0;
        r = harness_exec(code1);
        cr_assert_eq(r, (uintptr_t)&tb1 | 1, "%s unchained again", b->name);
        cr_assert_eq(harness_env->g32[1], 0u);
    }
}

Test(tcg_ops, goto_ptr)
{
    FOR_EACH_CONFIG(b, m) {
        harness_clear_env();
        harness_reset_code();
        harness_begin();
        tcg_gen_movi_i32(harness_g32[3], 77);
        tcg_gen_exit_tb(NULL, 0);
        const void *target = harness_gen(m);

        harness_begin();
        tcg_gen_movi_i32(harness_g32[0], 1);
        tcg_gen_lookup_and_goto_ptr();
        const void *code = harness_gen(m);

        harness_lookup_target = NULL;   /* miss: epilogue, returns 0 */
        if (!harness_fake_lookup()) {
            cr_skip_test("the engine's helper_lookup_tb_ptr is linked (needs a real CPU)");
        }
        cr_assert_eq(harness_exec(code), 0);
        cr_assert_eq(harness_env->g32[0], 1u);
        cr_assert_eq(harness_env->g32[3], 0u);
        harness_lookup_target = target;
        cr_assert_eq(harness_exec(code), 0);
        cr_assert_eq(harness_env->g32[3], 77u, "%s goto_ptr hit", b->name);
        harness_lookup_target = NULL;
    }
}

/* insn_end_off: one per insn_start, increasing, within the code. */
Test(tcg_ops, insn_end_offsets)
{
    FOR_EACH_CONFIG(b, m) {
        harness_begin();
        for (int i = 0; i < 20; i++) {
            tcg_gen_insn_start(0x1000 + 4 * i, i & 1);
            tcg_gen_addi_i32(harness_g32[0], harness_g32[0], i);
            if (i % 5 == 0) {
                tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
            }
        }
        tcg_gen_exit_tb(NULL, 0);
        cr_assert_eq(tcg_ctx->nb_insns, 20);
        cr_assert_eq(tcg_ctx->insn_data[7][0], 0x1000 + 28);
        cr_assert_eq(tcg_ctx->insn_data[7][1], 1);
        const void *code = harness_gen(m);
        cr_assert_not_null(code);
        for (int i = 1; i < 20; i++) {
            cr_assert(tcg_ctx->insn_end_off[i] >= tcg_ctx->insn_end_off[i - 1],
                      "%s insn_end_off not monotonic", b->name);
        }
        cr_assert(tcg_ctx->insn_end_off[19] <= harness_tb.tc.size);
    }
}

/* The interpreter publishes a return address inside the current insn's bytecode. */
static uintptr_t seen_ra[8];
static int nb_seen_ra;

static void ra_helper(void *env)
{
    (void)env;
    seen_ra[nb_seen_ra++] = tcg_interp_retaddr;
}

static const TCGHelperInfo info_ra = TCG_HELPER(ra_helper, TCG_CALL_NO_RWG,
                                                TCG_CALL_VOID, TCG_CALL_PTR);

Test(tcg_ops, interp_retaddr)
{
    harness_select(&tcg_backend_interp);
    harness_begin();
    for (int i = 0; i < 4; i++) {
        tcg_gen_insn_start(0x100 + i, 0);
        tcg_gen_addi_i32(harness_g32[0], harness_g32[0], 1);
        tcg_gen_call1(&info_ra, NULL, tcgv_ptr_temp(tcg_env));
        tcg_gen_addi_i32(harness_g32[1], harness_g32[0], 1);
    }
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    nb_seen_ra = 0;
    harness_exec(code);
    cr_assert_eq(nb_seen_ra, 4);
    for (int i = 0; i < 4; i++) {
        uintptr_t off = seen_ra[i] - (uintptr_t)code;
        uintptr_t lo = i ? tcg_ctx->insn_end_off[i - 1] : 0;
        cr_assert(off > lo && off <= tcg_ctx->insn_end_off[i],
                  "call %d: retaddr offset %" PRIuPTR " outside insn (%" PRIuPTR ", %u]",
                  i, off, lo, tcg_ctx->insn_end_off[i]);
    }
}

Test(tcg_ops, dump_format)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    harness_begin();
    tcg_gen_insn_start(0xbfc00000, 0);
    tcg_gen_addi_i32(harness_g32[3], harness_g32[3], 4);
    tcg_gen_exit_tb(NULL, 0);
    tcg_dump_ops(tcg_ctx, f, false);
    fclose(f);
    cr_assert(strstr(text, " ---- 0xbfc00000 0x0\n") != NULL, "%s", text);
    cr_assert(strstr(text, " add_i32 w3,w3,$0x4\n") != NULL, "%s", text);
    cr_assert(strstr(text, " exit_tb $0x0\n") != NULL, "%s", text);
    free(text);
}

/* ---- division with remainder ---- */

/* divrem/divremu give what div/rem give, for variable and constant operands (the
 * optimizer folds the constant form), signed and unsigned, both widths. */
Test(tcg_ops, divrem)
{
    FOR_EACH_CONFIG(b, m) {
        for (size_t i = 0; i < N64; i++) {
            for (size_t j = 0; j < N64; j++) {
                for (int form = 0; form < 2; form++) {
                    uint64_t x = v64[i], y = v64[j];
                    uint32_t x32 = (uint32_t)x, y32 = (uint32_t)y;
                    bool ok32 = y32 && !((int32_t)x32 == INT32_MIN &&
                                         (int32_t)y32 == -1);
                    bool ok64 = y && !((int64_t)x == INT64_MIN && (int64_t)y == -1);
                    harness_clear_env();
                    harness_env->g32[0] = x32;
                    harness_env->g32[1] = y32;
                    harness_env->g64[0] = x;
                    harness_env->g64[1] = y;
                    harness_begin();
                    TCGv_i32 a = form ? tcg_constant_i32(x32) : harness_g32[0];
                    TCGv_i32 d = form ? tcg_constant_i32(y32) : harness_g32[1];
                    TCGv_i64 a64 = form ? tcg_constant_i64(x) : harness_g64[0];
                    TCGv_i64 d64 = form ? tcg_constant_i64(y) : harness_g64[1];
                    if (y32) {
                        tcg_gen_divremu_i32(harness_g32[2], harness_g32[3], a, d);
                    }
                    if (ok32) {
                        tcg_gen_divrem_i32(harness_g32[4], harness_g32[5], a, d);
                    }
                    if (y) {
                        tcg_gen_divremu_i64(harness_g64[2], harness_g64[3], a64, d64);
                    }
                    if (ok64) {
                        tcg_gen_divrem_i64(harness_g64[4], harness_g64[5], a64, d64);
                    }
                    end_tb();
                    harness_run(m);
                    if (y32) {
                        cr_assert_eq(harness_env->g32[2], x32 / y32, "%s divremu32 q",
                                     b->name);
                        cr_assert_eq(harness_env->g32[3], x32 % y32, "%s divremu32 r",
                                     b->name);
                    }
                    if (ok32) {
                        int32_t sx = (int32_t)x32, sy = (int32_t)y32;
                        cr_assert_eq(harness_env->g32[4], (uint32_t)(sx / sy),
                                     "%s divrem32 q %#x/%#x", b->name, x32, y32);
                        cr_assert_eq(harness_env->g32[5], (uint32_t)(sx % sy),
                                     "%s divrem32 r %#x/%#x", b->name, x32, y32);
                    }
                    if (y) {
                        cr_assert_eq(harness_env->g64[2], x / y, "%s divremu64 q", b->name);
                        cr_assert_eq(harness_env->g64[3], x % y, "%s divremu64 r", b->name);
                    }
                    if (ok64) {
                        cr_assert_eq(harness_env->g64[4], (uint64_t)((int64_t)x / (int64_t)y),
                                     "%s divrem64 q", b->name);
                        cr_assert_eq(harness_env->g64[5], (uint64_t)((int64_t)x % (int64_t)y),
                                     "%s divrem64 r", b->name);
                    }
                }
            }
        }
    }
}
