/*
 * The x86-64 host backend (tcg/x86_64/): generated code run natively, arithmetic
 * against C references, register pressure, helper calls, branches, goto_tb
 * patching and the overflow check (the encoder: test-tcg-x86-64-emit.c; the softmmu
 * fast path: test-tcg-x86-64-softmmu.c).
 */
#include <criterion/criterion.h>
#include <capstone/capstone.h>
#include <sys/mman.h>
#include "tcg-harness.h"
#include "exec/cputlb.h"
#include "../../tcg/x86_64/x86-internal.h"

/* ------------------------------------------------------------------------- */
/* Generated code                                                             */

static void x86_setup(void)
{
    harness_init();
    cr_assert(&tcg_backend_x86_64 != NULL);
    harness_select(&tcg_backend_x86_64);
}

TestSuite(x86_gen, .init = x86_setup);

#define E harness_env
#define W(i) harness_g32[i]
#define Q(i) harness_g64[i]

static const uint64_t vals64[] = {
    0, 1, 2, 7, 0x7f, 0x80, 0xff, 0x1234, 0x7fffffff, 0x80000000u, 0xffffffffu,
    0x100000000ull, 0x123456789abcdef0ull, 0x8000000000000000ull, 0xfffffffffffffffeull,
    ~0ull, 63, 31, 32, 0x5555aaaa5555aaaaull,
};

typedef enum {
    B_ADD, B_SUB, B_MUL, B_AND, B_OR, B_XOR, B_ANDC, B_ORC, B_SHL, B_SHR, B_SAR,
    B_ROTL, B_ROTR, B_DIV, B_DIVU, B_REM, B_REMU, B_CLZ, B_CTZ, B_NB
} BinOp;

static bool bin_ok(BinOp op, uint64_t a, uint64_t b, bool is64)
{
    if (op >= B_DIV && op <= B_REMU) {
        if (is64) {
            return b != 0 && !(a == 0x8000000000000000ull && b == ~0ull);
        }
        return (uint32_t)b != 0 && !((uint32_t)a == 0x80000000u && (uint32_t)b == ~0u);
    }
    return true;
}

static uint64_t ref64(BinOp op, uint64_t a, uint64_t b)
{
    switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_AND: return a & b;
    case B_OR: return a | b;
    case B_XOR: return a ^ b;
    case B_ANDC: return a & ~b;
    case B_ORC: return a | ~b;
    case B_SHL: return a << (b & 63);
    case B_SHR: return a >> (b & 63);
    case B_SAR: return (uint64_t)((int64_t)a >> (b & 63));
    case B_ROTL: return (b & 63) ? (a << (b & 63)) | (a >> (64 - (b & 63))) : a;
    case B_ROTR: return (b & 63) ? (a >> (b & 63)) | (a << (64 - (b & 63))) : a;
    case B_DIV: return (uint64_t)((int64_t)a / (int64_t)b);
    case B_DIVU: return a / b;
    case B_REM: return (uint64_t)((int64_t)a % (int64_t)b);
    case B_REMU: return a % b;
    case B_CLZ: return a ? (uint64_t)__builtin_clzll(a) : b;
    case B_CTZ: return a ? (uint64_t)__builtin_ctzll(a) : b;
    default: return 0;
    }
}

static uint32_t ref32(BinOp op, uint32_t a, uint32_t b)
{
    switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_AND: return a & b;
    case B_OR: return a | b;
    case B_XOR: return a ^ b;
    case B_ANDC: return a & ~b;
    case B_ORC: return a | ~b;
    case B_SHL: return a << (b & 31);
    case B_SHR: return a >> (b & 31);
    case B_SAR: return (uint32_t)((int32_t)a >> (b & 31));
    case B_ROTL: return (b & 31) ? (a << (b & 31)) | (a >> (32 - (b & 31))) : a;
    case B_ROTR: return (b & 31) ? (a >> (b & 31)) | (a << (32 - (b & 31))) : a;
    case B_DIV: return (uint32_t)((int32_t)a / (int32_t)b);
    case B_DIVU: return a / b;
    case B_REM: return (uint32_t)((int32_t)a % (int32_t)b);
    case B_REMU: return a % b;
    case B_CLZ: return a ? (uint32_t)__builtin_clz(a) : b;
    case B_CTZ: return a ? (uint32_t)__builtin_ctz(a) : b;
    default: return 0;
    }
}

static void gen_bin64(BinOp op, TCGv_i64 d, TCGv_i64 a, TCGv_i64 b)
{
    switch (op) {
    case B_ADD: tcg_gen_add_i64(d, a, b); break;
    case B_SUB: tcg_gen_sub_i64(d, a, b); break;
    case B_MUL: tcg_gen_mul_i64(d, a, b); break;
    case B_AND: tcg_gen_and_i64(d, a, b); break;
    case B_OR: tcg_gen_or_i64(d, a, b); break;
    case B_XOR: tcg_gen_xor_i64(d, a, b); break;
    case B_ANDC: tcg_gen_andc_i64(d, a, b); break;
    case B_ORC: tcg_gen_orc_i64(d, a, b); break;
    case B_SHL: tcg_gen_shl_i64(d, a, b); break;
    case B_SHR: tcg_gen_shr_i64(d, a, b); break;
    case B_SAR: tcg_gen_sar_i64(d, a, b); break;
    case B_ROTL: tcg_gen_rotl_i64(d, a, b); break;
    case B_ROTR: tcg_gen_rotr_i64(d, a, b); break;
    case B_DIV: tcg_gen_div_i64(d, a, b); break;
    case B_DIVU: tcg_gen_divu_i64(d, a, b); break;
    case B_REM: tcg_gen_rem_i64(d, a, b); break;
    case B_REMU: tcg_gen_remu_i64(d, a, b); break;
    case B_CLZ: tcg_gen_clz_i64(d, a, b); break;
    case B_CTZ: tcg_gen_ctz_i64(d, a, b); break;
    default: break;
    }
}

static void gen_bin32(BinOp op, TCGv_i32 d, TCGv_i32 a, TCGv_i32 b)
{
    switch (op) {
    case B_ADD: tcg_gen_add_i32(d, a, b); break;
    case B_SUB: tcg_gen_sub_i32(d, a, b); break;
    case B_MUL: tcg_gen_mul_i32(d, a, b); break;
    case B_AND: tcg_gen_and_i32(d, a, b); break;
    case B_OR: tcg_gen_or_i32(d, a, b); break;
    case B_XOR: tcg_gen_xor_i32(d, a, b); break;
    case B_ANDC: tcg_gen_andc_i32(d, a, b); break;
    case B_ORC: tcg_gen_orc_i32(d, a, b); break;
    case B_SHL: tcg_gen_shl_i32(d, a, b); break;
    case B_SHR: tcg_gen_shr_i32(d, a, b); break;
    case B_SAR: tcg_gen_sar_i32(d, a, b); break;
    case B_ROTL: tcg_gen_rotl_i32(d, a, b); break;
    case B_ROTR: tcg_gen_rotr_i32(d, a, b); break;
    case B_DIV: tcg_gen_div_i32(d, a, b); break;
    case B_DIVU: tcg_gen_divu_i32(d, a, b); break;
    case B_REM: tcg_gen_rem_i32(d, a, b); break;
    case B_REMU: tcg_gen_remu_i32(d, a, b); break;
    case B_CLZ: tcg_gen_clz_i32(d, a, b); break;
    case B_CTZ: tcg_gen_ctz_i32(d, a, b); break;
    default: break;
    }
}

/*
 * Every binary op, 64 and 32 bits, register and constant second operand, output to
 * a third global and in place (d == a, d == b), with and without the optimizer.
 */
static void check_binary_ops(BinOp first, BinOp last)
{
    size_t n = ARRAY_SIZE(vals64);

    for (BinOp op = first; op <= last; op++) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++) {
                uint64_t a = vals64[i], b = vals64[j];
                for (int form = 0; form < 4; form++) {
                    int mode = (i + j) & 1 ? HARNESS_NO_OPT : HARNESS_FULL;
                    harness_reset_code();
                    if (bin_ok(op, a, b, true)) {
                        harness_begin();
                        TCGv_i64 bb = form == 1 ? tcg_constant_i64(b) : Q(1);
                        TCGv_i64 d = form == 2 ? Q(0) : form == 3 ? Q(1) : Q(2);
                        gen_bin64(op, d, Q(0), bb);
                        tcg_gen_exit_tb(NULL, 0);
                        E->g64[0] = a;
                        E->g64[1] = b;
                        E->g64[2] = 0xdead;
                        harness_run(mode);
                        uint64_t got = form == 2 ? E->g64[0] : form == 3 ? E->g64[1]
                                                                           : E->g64[2];
                        cr_assert_eq(got, ref64(op, a, b),
                                     "op %d form %d: %" PRIx64 ", %" PRIx64 " -> %" PRIx64
                                     " want %" PRIx64, op, form, a, b, got,
                                     ref64(op, a, b));
                    }
                    if (bin_ok(op, a, b, false)) {
                        harness_begin();
                        TCGv_i32 bb = form == 1 ? tcg_constant_i32(b) : W(1);
                        TCGv_i32 d = form == 2 ? W(0) : form == 3 ? W(1) : W(2);
                        gen_bin32(op, d, W(0), bb);
                        tcg_gen_exit_tb(NULL, 0);
                        E->g32[0] = a;
                        E->g32[1] = b;
                        E->g32[2] = 0xdead;
                        harness_run(mode);
                        uint32_t got = form == 2 ? E->g32[0] : form == 3 ? E->g32[1]
                                                                           : E->g32[2];
                        cr_assert_eq(got, ref32(op, a, b),
                                     "op32 %d form %d: %x, %x -> %x want %x", op, form,
                                     (uint32_t)a, (uint32_t)b, got, ref32(op, a, b));
                    }
                }
            }
        }
    }
}

Test(x86_gen, binary_ops_match_c)
{
    check_binary_ops(0, B_NB - 1);
}

static void check_unary_ops(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(vals64); i++) {
        uint64_t a = vals64[i];
        uint32_t a32 = a;

        harness_reset_code();
        harness_begin();
        tcg_gen_neg_i64(Q(1), Q(0));
        tcg_gen_not_i64(Q(2), Q(0));
        tcg_gen_bswap64_i64(Q(3), Q(0));
        tcg_gen_bswap32_i64(Q(4), Q(0));
        tcg_gen_bswap16_i64(Q(5), Q(0));
        tcg_gen_ctpop_i64(Q(6), Q(0));
        tcg_gen_ext8s_i64(Q(7), Q(0));
        tcg_gen_neg_i32(W(1), W(0));
        tcg_gen_bswap32_i32(W(2), W(0));
        tcg_gen_bswap16_i32(W(3), W(0));
        tcg_gen_ctpop_i32(W(4), W(0));
        tcg_gen_ext16s_i32(W(5), W(0));
        tcg_gen_extrh_i64_i32(W(6), Q(0));
        tcg_gen_ext8u_i32(W(7), W(0));
        tcg_gen_exit_tb(NULL, 0);
        harness_clear_env();
        E->g64[0] = a;
        E->g32[0] = a32;
        harness_run(HARNESS_NO_OPT);
        cr_assert_eq(E->g64[1], -a);
        cr_assert_eq(E->g64[2], ~a);
        cr_assert_eq(E->g64[3], __builtin_bswap64(a));
        cr_assert_eq(E->g64[4], __builtin_bswap32(a));
        cr_assert_eq(E->g64[5], __builtin_bswap16(a));
        cr_assert_eq(E->g64[6], (uint64_t)__builtin_popcountll(a));
        cr_assert_eq(E->g64[7], (uint64_t)(int64_t)(int8_t)a);
        cr_assert_eq(E->g32[1], -a32);
        cr_assert_eq(E->g32[2], __builtin_bswap32(a32));
        cr_assert_eq(E->g32[3], __builtin_bswap16(a32));
        cr_assert_eq(E->g32[4], (uint32_t)__builtin_popcount(a32));
        cr_assert_eq(E->g32[5], (uint32_t)(int32_t)(int16_t)a32);
        cr_assert_eq(E->g32[6], (uint32_t)(a >> 32));
        cr_assert_eq(E->g32[7], a32 & 0xff);

        static const struct { unsigned pos, len; } f[] = {
            { 0, 8 }, { 0, 16 }, { 0, 32 }, { 8, 8 }, { 3, 5 }, { 20, 12 }, { 31, 1 },
            { 0, 1 }, { 1, 31 }, { 33, 31 }, { 16, 48 }, { 0, 63 }, { 40, 24 }, { 7, 40 },
        };
        for (size_t k = 0; k < ARRAY_SIZE(f); k++) {
            unsigned pos = f[k].pos, len = f[k].len;
            uint64_t other = vals64[(i + k + 1) % ARRAY_SIZE(vals64)];
            harness_reset_code();
            harness_begin();
            tcg_gen_extract_i64(Q(1), Q(0), pos, len);
            tcg_gen_sextract_i64(Q(2), Q(0), pos, len);
            tcg_gen_deposit_i64(Q(3), Q(0), Q(4), pos, len);
            if (pos + len <= 32) {
                tcg_gen_extract_i32(W(1), W(0), pos, len);
                tcg_gen_sextract_i32(W(2), W(0), pos, len);
                tcg_gen_deposit_i32(W(3), W(0), W(4), pos, len);
            }
            tcg_gen_exit_tb(NULL, 0);
            harness_clear_env();
            E->g64[0] = a;
            E->g64[4] = other;
            E->g32[0] = a32;
            E->g32[4] = other;
            harness_run(HARNESS_NO_OPT);
            uint64_t m = len == 64 ? ~0ull : (1ull << len) - 1;
            cr_assert_eq(E->g64[1], (a >> pos) & m, "extract %u,%u", pos, len);
            cr_assert_eq(E->g64[2], (uint64_t)((int64_t)(a << (64 - pos - len)) >> (64 - len)),
                         "sextract %u,%u", pos, len);
            cr_assert_eq(E->g64[3], (a & ~(m << pos)) | ((other & m) << pos),
                         "deposit %u,%u", pos, len);
            if (pos + len <= 32) {
                uint32_t m32 = len == 32 ? ~0u : (1u << len) - 1;
                uint32_t o32 = other;
                cr_assert_eq(E->g32[1], (a32 >> pos) & m32);
                cr_assert_eq(E->g32[2],
                             (uint32_t)((int32_t)(a32 << (32 - pos - len)) >> (32 - len)));
                cr_assert_eq(E->g32[3], (a32 & ~(m32 << pos)) | ((o32 & m32) << pos));
            }
        }
    }
}

Test(x86_gen, unary_and_field_ops_match_c)
{
    check_unary_ops();
}

static const TCGCond conds[] = {
    TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE, TCG_COND_GT,
    TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU,
};

static bool cond64(TCGCond c, uint64_t a, uint64_t b)
{
    switch (c) {
    case TCG_COND_EQ: return a == b;
    case TCG_COND_NE: return a != b;
    case TCG_COND_LT: return (int64_t)a < (int64_t)b;
    case TCG_COND_GE: return (int64_t)a >= (int64_t)b;
    case TCG_COND_LE: return (int64_t)a <= (int64_t)b;
    case TCG_COND_GT: return (int64_t)a > (int64_t)b;
    case TCG_COND_LTU: return a < b;
    case TCG_COND_GEU: return a >= b;
    case TCG_COND_LEU: return a <= b;
    default: return a > b;
    }
}

Test(x86_gen, compare_ops_match_c)
{
    for (size_t c = 0; c < ARRAY_SIZE(conds); c++) {
        for (size_t i = 0; i < ARRAY_SIZE(vals64); i += 2) {
            for (size_t j = 0; j < ARRAY_SIZE(vals64); j++) {
                uint64_t a = vals64[i], b = vals64[j];
                TCGCond cc = conds[c];
                for (int k = 0; k < 2; k++) {
                    TCGLabel *l = NULL;
                    harness_reset_code();
                    harness_begin();
                    TCGv_i64 b64 = k ? tcg_constant_i64(b) : Q(1);
                    TCGv_i32 b32 = k ? tcg_constant_i32(b) : W(1);
                    tcg_gen_setcond_i64(cc, Q(2), Q(0), b64);
                    tcg_gen_movcond_i64(cc, Q(3), Q(0), b64, Q(4), Q(5));
                    tcg_gen_setcond_i32(cc, W(2), W(0), b32);
                    tcg_gen_movcond_i32(cc, W(3), W(0), b32, W(4), W(5));
                    l = gen_new_label();
                    tcg_gen_movi_i32(W(6), 1);
                    tcg_gen_brcond_i64(cc, Q(0), b64, l);
                    tcg_gen_movi_i32(W(6), 0);
                    gen_set_label(l);
                    l = gen_new_label();
                    tcg_gen_movi_i32(W(7), 1);
                    tcg_gen_brcond_i32(cc, W(0), b32, l);
                    tcg_gen_movi_i32(W(7), 0);
                    gen_set_label(l);
                    tcg_gen_exit_tb(NULL, 0);
                    harness_clear_env();
                    E->g64[0] = a;
                    E->g64[1] = b;
                    E->g64[4] = 0x1111;
                    E->g64[5] = 0x2222;
                    E->g32[0] = a;
                    E->g32[1] = b;
                    E->g32[4] = 0x3333;
                    E->g32[5] = 0x4444;
                    harness_run(k ? HARNESS_NO_OPT : HARNESS_FULL);
                    bool r64 = cond64(cc, a, b);
                    bool r32 = cond64(cc, (cc >= TCG_COND_LTU) ? (uint32_t)a
                                               : (uint64_t)(int64_t)(int32_t)a,
                                      (cc >= TCG_COND_LTU) ? (uint32_t)b
                                               : (uint64_t)(int64_t)(int32_t)b);
                    if (cc == TCG_COND_EQ || cc == TCG_COND_NE) {
                        r32 = cond64(cc, (uint32_t)a, (uint32_t)b);
                    }
                    cr_assert_eq(E->g64[2], r64, "setcond64 %d %" PRIx64 " %" PRIx64, cc, a, b);
                    cr_assert_eq(E->g64[3], r64 ? 0x1111u : 0x2222u);
                    cr_assert_eq(E->g32[2], r32, "setcond32 %d %x %x", cc, (uint32_t)a,
                                 (uint32_t)b);
                    cr_assert_eq(E->g32[3], r32 ? 0x3333u : 0x4444u);
                    cr_assert_eq(E->g32[6], r64, "brcond64");
                    cr_assert_eq(E->g32[7], r32, "brcond32");
                }
            }
        }
    }
}

Test(x86_gen, double_word_ops)
{
    for (size_t i = 0; i < ARRAY_SIZE(vals64); i++) {
        for (size_t j = 0; j < ARRAY_SIZE(vals64); j++) {
            uint64_t a = vals64[i], b = vals64[j];
            harness_reset_code();
            harness_begin();
            tcg_gen_mulu2_i64(Q(2), Q(3), Q(0), Q(1));
            tcg_gen_muls2_i64(Q(4), Q(5), Q(0), Q(1));
            tcg_gen_add2_i64(Q(6), Q(7), Q(0), Q(1), Q(1), Q(0));
            tcg_gen_mulu2_i32(W(2), W(3), W(0), W(1));
            tcg_gen_muls2_i32(W(4), W(5), W(0), W(1));
            tcg_gen_sub2_i32(W(6), W(7), W(0), W(1), W(1), W(0));
            tcg_gen_exit_tb(NULL, 0);
            harness_clear_env();
            E->g64[0] = a;
            E->g64[1] = b;
            E->g32[0] = a;
            E->g32[1] = b;
            harness_run(j & 1 ? HARNESS_NO_OPT : HARNESS_FULL);
            unsigned __int128 pu = (unsigned __int128)a * b;
            __int128 ps = (__int128)(int64_t)a * (int64_t)b;
            unsigned __int128 sum = (((unsigned __int128)b << 64) | a) +
                                    (((unsigned __int128)a << 64) | b);
            cr_assert_eq(E->g64[2], (uint64_t)pu);
            cr_assert_eq(E->g64[3], (uint64_t)(pu >> 64));
            cr_assert_eq(E->g64[4], (uint64_t)ps);
            cr_assert_eq(E->g64[5], (uint64_t)((unsigned __int128)ps >> 64));
            cr_assert_eq(E->g64[6], (uint64_t)sum);
            cr_assert_eq(E->g64[7], (uint64_t)(sum >> 64));
            uint32_t a32 = a, b32 = b;
            uint64_t pu32 = (uint64_t)a32 * b32;
            int64_t ps32 = (int64_t)(int32_t)a32 * (int32_t)b32;
            uint64_t d32 = ((((uint64_t)b32 << 32) | a32) - (((uint64_t)a32 << 32) | b32));
            cr_assert_eq(E->g32[2], (uint32_t)pu32);
            cr_assert_eq(E->g32[3], (uint32_t)(pu32 >> 32));
            cr_assert_eq(E->g32[4], (uint32_t)ps32);
            cr_assert_eq(E->g32[5], (uint32_t)((uint64_t)ps32 >> 32));
            cr_assert_eq(E->g32[6], (uint32_t)d32);
            cr_assert_eq(E->g32[7], (uint32_t)(d32 >> 32));
        }
    }
}

/* More live values than allocatable registers, across a branch and a helper call. */
Test(x86_gen, register_pressure_spills)
{
    enum { N = 30 };

    for (int mode = 0; mode < 2; mode++) {
        TCGv_i64 t[N];
        harness_reset_code();
        harness_begin();
        for (int i = 0; i < N; i++) {
            t[i] = tcg_temp_new_i64();
            tcg_gen_mul_i64(t[i], Q(0), tcg_constant_i64(i + 3));
            tcg_gen_xori_i64(t[i], t[i], (int64_t)i << 40);
        }
        TCGLabel *skip = gen_new_label();
        tcg_gen_brcondi_i64(TCG_COND_EQ, Q(1), 0, skip);
        tcg_gen_addi_i64(t[5], t[5], 1000);
        gen_set_label(skip);
        TCGTemp *args[6] = {
            tcgv_i64_temp(t[0]), tcgv_i64_temp(t[1]), tcgv_i64_temp(t[2]),
            tcgv_i64_temp(t[3]), tcgv_i64_temp(t[4]), tcgv_i64_temp(t[5]),
        };
        tcg_gen_callN(&harness_info_mix6, tcgv_i64_temp(Q(3)), 6, args);
        tcg_gen_movi_i64(Q(2), 0);
        for (int i = N - 1; i >= 0; i--) {
            tcg_gen_add_i64(Q(2), Q(2), t[i]);
            tcg_gen_rotl_i64(Q(2), Q(2), tcg_constant_i64(3));
        }
        tcg_gen_exit_tb(NULL, 0);
        harness_clear_env();
        E->g64[0] = 0x123456789ull;
        E->g64[1] = mode;
        harness_run(mode ? HARNESS_NO_OPT : HARNESS_FULL);

        uint64_t v[N], sum = 0;
        for (int i = 0; i < N; i++) {
            v[i] = (0x123456789ull * (i + 3)) ^ ((uint64_t)i << 40);
        }
        if (mode) {
            v[5] += 1000;
        }
        for (int i = N - 1; i >= 0; i--) {
            sum += v[i];
            sum = (sum << 3) | (sum >> 61);
        }
        cr_assert_eq(E->g64[2], sum, "mode %d", mode);
        cr_assert_eq(E->g64[3], harness_helper_mix6(v[0], v[1], v[2], v[3], v[4], v[5]));
    }
}

/* Six arguments that sit in each other's argument registers (a permutation cycle). */
Test(x86_gen, call_six_args_permuted)
{
    static const int perms[][6] = {
        { 0, 1, 2, 3, 4, 5 }, { 5, 4, 3, 2, 1, 0 }, { 1, 2, 3, 4, 5, 0 },
        { 1, 0, 3, 2, 5, 4 }, { 0, 0, 1, 1, 2, 2 }, { 3, 3, 3, 3, 3, 3 },
    };
    for (size_t p = 0; p < ARRAY_SIZE(perms); p++) {
        harness_reset_code();
        harness_begin();
        /* Load the globals into registers first (a use), so the call's moves have
         * register sources. */
        tcg_gen_add_i64(Q(7), Q(0), Q(1));
        tcg_gen_add_i64(Q(7), Q(7), Q(2));
        tcg_gen_add_i64(Q(7), Q(7), Q(3));
        tcg_gen_add_i64(Q(7), Q(7), Q(4));
        tcg_gen_add_i64(Q(7), Q(7), Q(5));
        TCGTemp *args[6];
        for (int i = 0; i < 6; i++) {
            args[i] = tcgv_i64_temp(Q(perms[p][i]));
        }
        tcg_gen_callN(&harness_info_mix6, tcgv_i64_temp(Q(6)), 6, args);
        TCGTemp *a3[3] = { tcgv_i32_temp(W(2)), tcgv_i32_temp(W(0)),
                           tcgv_i32_temp(tcg_constant_i32(-5)) };
        tcg_gen_callN(&harness_info_add3, tcgv_i32_temp(W(3)), 3, a3);
        tcg_gen_exit_tb(NULL, 0);
        harness_clear_env();
        for (int i = 0; i < 6; i++) {
            E->g64[i] = 0x1000000000ull * (i + 1) + i * 77;
        }
        E->g32[0] = 11;
        E->g32[2] = 1000;
        harness_run(HARNESS_NO_OPT);
        uint64_t x[6];
        for (int i = 0; i < 6; i++) {
            x[i] = 0x1000000000ull * (perms[p][i] + 1) + perms[p][i] * 77;
        }
        cr_assert_eq(E->g64[6], harness_helper_mix6(x[0], x[1], x[2], x[3], x[4], x[5]));
        cr_assert_eq(E->g32[3], harness_helper_add3(1000, 11, -5));
    }
}

/* Globals held in registers are written back before helpers that read them and
 * reloaded after helpers that write them. */
Test(x86_gen, call_global_sync)
{
    harness_reset_code();
    harness_begin();
    tcg_gen_addi_i32(W(0), W(0), 5);          /* dirty in a register */
    tcg_gen_mov_i32(W(1), W(0));              /* w1 dirty too, then overwritten by the helper */
    TCGTemp *a1[1] = { tcgv_ptr_temp(tcg_env) };
    tcg_gen_callN(&harness_info_read_g32_0, tcgv_i32_temp(W(2)), 1, a1);
    TCGTemp *a2[2] = { tcgv_ptr_temp(tcg_env), tcgv_i32_temp(tcg_constant_i32(77)) };
    tcg_gen_callN(&harness_info_write_g32_1, NULL, 2, a2);
    tcg_gen_addi_i32(W(3), W(1), 1);          /* must see the helper's 77 */
    tcg_gen_exit_tb(NULL, 0);
    harness_clear_env();
    E->g32[0] = 10;
    harness_exec(harness_gen(HARNESS_NO_OPT));
    cr_assert_eq(E->g32[0], 15);
    cr_assert_eq(E->g32[2], 15, "helper read a stale w0");
    cr_assert_eq(E->g32[1], 77);
    cr_assert_eq(E->g32[3], 78, "w1 not reloaded after the helper wrote it");
}

/* Every global dirty in a register or as a known constant, on both sides of a
 * label: a helper that reads globals, and the TB exit, must find them all in env
 * (the backend writes back only the globals touched since the last label). */
Test(x86_gen, every_global_written_back)
{
    for (int mode = 0; mode < 2; mode++) {
        harness_reset_code();
        harness_begin();
        TCGLabel *l = gen_new_label();
        for (int i = 0; i < HARNESS_NG32; i++) {
            tcg_gen_addi_i32(W(i), W(i), i + 1);
        }
        for (int i = 0; i < HARNESS_NG64; i++) {
            tcg_gen_movi_i64(Q(i), 0x100 + i);
        }
        tcg_gen_br(l);
        gen_set_label(l);
        /* After the label: half of them dirty again, constants and computed. */
        for (int i = 0; i < HARNESS_NG32; i += 2) {
            tcg_gen_movi_i32(W(i), 0x200 + i);
        }
        for (int i = 1; i < HARNESS_NG64; i += 2) {
            tcg_gen_addi_i64(Q(i), Q(i), 0x1000);
        }
        TCGTemp *a[1] = { tcgv_ptr_temp(tcg_env) };
        TCGv_i64 sum = tcg_temp_new_i64();
        tcg_gen_callN(&harness_info_sum_globals, tcgv_i64_temp(sum), 1, a);
        tcg_gen_mov_i64(Q(0), sum);
        tcg_gen_exit_tb(NULL, 0);
        harness_clear_env();
        for (int i = 0; i < HARNESS_NG32; i++) {
            E->g32[i] = 1000 * i;
        }
        harness_exec(harness_gen(mode ? HARNESS_FULL : HARNESS_NO_OPT));

        HarnessEnv *want = g_new0(HarnessEnv, 1);
        for (int i = 0; i < HARNESS_NG32; i++) {
            want->g32[i] = (i & 1) ? 1000 * i + i + 1 : 0x200 + i;
        }
        for (int i = 0; i < HARNESS_NG64; i++) {
            want->g64[i] = 0x100 + i + ((i & 1) ? 0x1000 : 0);
        }
        uint64_t s = harness_helper_sum_globals(want);
        cr_assert_eq(E->g64[0], s, "mode %d: the helper saw a stale global", mode);
        for (int i = 0; i < HARNESS_NG32; i++) {
            cr_assert_eq(E->g32[i], want->g32[i], "mode %d: w%d not written back", mode, i);
        }
        for (int i = 1; i < HARNESS_NG64; i++) {
            cr_assert_eq(E->g64[i], want->g64[i], "mode %d: q%d not written back", mode, i);
        }
        g_free(want);
    }
}

/* A backward loop with TEMP_TB values live across the label. */
Test(x86_gen, backward_loop_and_forward_skip)
{
    harness_reset_code();
    harness_begin();
    TCGv_i32 i = tcg_temp_new_i32();
    TCGv_i64 acc = tcg_temp_new_i64();
    TCGLabel *top = gen_new_label(), *skip = gen_new_label();
    tcg_gen_mov_i32(i, W(0));
    tcg_gen_movi_i64(acc, 0);
    gen_set_label(top);
    tcg_gen_ext_i32_i64(Q(1), i);
    tcg_gen_add_i64(acc, acc, Q(1));
    tcg_gen_mul_i64(acc, acc, Q(0));
    tcg_gen_subi_i32(i, i, 1);
    tcg_gen_brcondi_i32(TCG_COND_GT, i, 0, top);
    tcg_gen_brcondi_i64(TCG_COND_LTU, acc, 100, skip);
    tcg_gen_movi_i32(W(2), 1);
    gen_set_label(skip);
    tcg_gen_mov_i64(Q(2), acc);
    tcg_gen_exit_tb(NULL, 0);
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    for (uint32_t n = 1; n < 40; n += 3) {
        harness_clear_env();
        E->g32[0] = n;
        E->g64[0] = 3;
        harness_exec(code);
        uint64_t acc_ref = 0;
        for (uint32_t k = n; k > 0; k--) {
            acc_ref = (acc_ref + k) * 3;
        }
        cr_assert_eq(E->g64[2], acc_ref);
        cr_assert_eq(E->g32[2], acc_ref >= 100);
    }
}

/* goto_tb: unchained it falls through to the exit; patched it jumps to another TB. */
Test(x86_gen, goto_tb_patching)
{
    TranslationBlock *tb1 = g_new0(TranslationBlock, 1);

    harness_reset_code();
    harness_begin();
    tcg_gen_insn_start(0x100, 0);
    tcg_gen_movi_i32(W(0), 1);
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(tb1, 0);
    const uint8_t *c1 = harness_gen(HARNESS_FULL);
    cr_assert(c1);
    TCGContext *s = tcg_ctx;
    uint16_t insn_off = s->goto_tb_insn_off[0], reset_off = s->goto_tb_reset_off[0];
    cr_assert_eq(((uintptr_t)c1 + insn_off) & 3, 0, "displacement not 4-aligned");
    cr_assert_eq(reset_off, insn_off + 4);
    cr_assert_eq(c1[insn_off - 1], 0xe9);

    harness_begin();
    tcg_gen_movi_i32(W(1), 42);
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *c2 = harness_gen(HARNESS_FULL);

    harness_clear_env();
    cr_assert_eq(harness_exec(c1), (uintptr_t)tb1);
    cr_assert_eq(E->g32[0], 1);
    cr_assert_eq(E->g32[1], 0);

    tcg_backend_x86_64.patch_jump((uintptr_t)c1 + insn_off, (uintptr_t)c1 + insn_off,
                                  (uintptr_t)c2);
    harness_clear_env();
    cr_assert_eq(harness_exec(c1), 0);
    cr_assert_eq(E->g32[0], 1);
    cr_assert_eq(E->g32[1], 42);

    tcg_backend_x86_64.patch_jump((uintptr_t)c1 + insn_off, (uintptr_t)c1 + insn_off,
                                  (uintptr_t)c1 + reset_off);
    harness_clear_env();
    cr_assert_eq(harness_exec(c1), (uintptr_t)tb1);
    cr_assert_eq(E->g32[1], 0);
    g_free(tb1);
}

Test(x86_gen, goto_ptr_and_insn_end_offsets)
{
    harness_reset_code();
    harness_begin();
    tcg_gen_movi_i32(W(3), 9);
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *target = harness_gen(HARNESS_FULL);

    harness_begin();
    for (int i = 0; i < 3; i++) {
        tcg_gen_insn_start(0x1000 + 4 * i, i);
        tcg_gen_addi_i32(W(0), W(0), i + 1);
        tcg_gen_mul_i32(W(1), W(0), W(0));
    }
    TCGv_ptr p = tcg_temp_new_ptr();
    tcg_gen_ld_ptr(p, tcg_env, offsetof(HarnessEnv, scratch[0]));
    tcg_gen_goto_ptr(p);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    TCGContext *s = tcg_ctx;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(s->insn_data[i][0], 0x1000u + 4 * i);
        cr_assert_eq(s->insn_data[i][1], (uint64_t)i);
        cr_assert(i == 0 || s->insn_end_off[i] > s->insn_end_off[i - 1]);
    }
    cr_assert_leq(s->insn_end_off[2], harness_tb.tc.size);
    harness_clear_env();
    E->scratch[0] = (uintptr_t)target;
    cr_assert_eq(harness_exec(code), 0);
    cr_assert_eq(E->g32[0], 6, "globals written back before goto_ptr");
    cr_assert_eq(E->g32[1], 36);
    cr_assert_eq(E->g32[3], 9);
}

/* A 32-bit env field tested against a constant and dropped (the TB-start check of
 * exit_request_tb): compared in memory, never loaded into a register. */
static const struct {
    TCGCond c;
    int32_t k;
} ldbr_cases[] = {
    { TCG_COND_NE, 0 }, { TCG_COND_GT, 5 }, { TCG_COND_LTU, 1000 }, { TCG_COND_EQ, -1 },
    { TCG_COND_GEU, 0x12345678 }, { TCG_COND_LE, -200 },
};
static const uint32_t ldbr_vals[] = {
    0, 1, 5, 6, 999, 1000, 0xffffffffu, 0x12345678u, 0x12345677u, (uint32_t)-200,
    (uint32_t)-201, 0x80000000u,
};

Test(x86_gen, env_field_compared_in_memory)
{
    const unsigned off = offsetof(HarnessEnv, scratch[1]);
    csh h;
    cs_insn *insn;

    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    for (unsigned i = 0; i < ARRAY_SIZE(ldbr_cases); i++) {
        TCGCond c = ldbr_cases[i].c;
        int32_t k = ldbr_cases[i].k;

        harness_reset_code();
        harness_begin();
        TCGLabel *l = gen_new_label();
        TCGv_i32 t = tcg_temp_new_i32();
        tcg_gen_ld_i32(t, tcg_env, off);
        tcg_gen_brcondi_i32(c, t, k, l);
        tcg_temp_free_i32(t);
        tcg_gen_movi_i32(W(0), 1);
        gen_set_label(l);
        tcg_gen_exit_tb(NULL, 0);
        const uint8_t *code = harness_gen(HARNESS_FULL);
        cr_assert(code);

        /* The first instruction compares the field itself with k. */
        size_t n = cs_disasm(h, code, harness_tb.tc.size, (uintptr_t)code, 2, &insn);
        cr_assert_eq(n, 2u);
        cr_assert_eq(insn[0].id, X86_INS_CMP, "case %u: %s %s", i, insn[0].mnemonic,
                     insn[0].op_str);
        const cs_x86 *x = &insn[0].detail->x86;
        cr_assert_eq(x->op_count, 2);
        cr_assert_eq(x->operands[0].type, X86_OP_MEM);
        cr_assert_eq(x->operands[0].size, 4);
        cr_assert_eq(x->operands[0].mem.base, X86_REG_RBP);
        cr_assert_eq(x->operands[0].mem.disp, (int64_t)off);
        cr_assert_eq(x->operands[1].type, X86_OP_IMM);
        cr_assert_eq((int32_t)x->operands[1].imm, k);
        cr_assert(insn[1].id >= X86_INS_JAE && insn[1].id <= X86_INS_JS &&
                  insn[1].id != X86_INS_JMP, "a conditional jump follows: %s",
                  insn[1].mnemonic);
        cs_free(insn, n);

        for (unsigned j = 0; j < ARRAY_SIZE(ldbr_vals); j++) {
            uint32_t v = ldbr_vals[j];
            bool taken;
            switch (c) {
            case TCG_COND_NE: taken = v != (uint32_t)k; break;
            case TCG_COND_EQ: taken = v == (uint32_t)k; break;
            case TCG_COND_GT: taken = (int32_t)v > k; break;
            case TCG_COND_LE: taken = (int32_t)v <= k; break;
            case TCG_COND_LTU: taken = v < (uint32_t)k; break;
            default: taken = v >= (uint32_t)k; break;
            }
            harness_clear_env();
            E->scratch[1] = 0xabcdef0000000000ull | v;  /* high half must not matter */
            harness_exec(code);
            cr_assert_eq(E->g32[0], !taken, "case %u value %#x", i, v);
        }
    }
    cs_close(&h);
}

/*
 * Random programs under heavy register pressure (many more live TB temps than host
 * registers, with helper calls, guest memory accesses and forward branches) leave
 * the same state on tcg/x86_64 as on the interpreter.
 */
#define RP_NT 24

typedef struct RpGen {
    uint64_t rng;
    TCGv_i64 q[RP_NT];
    TCGv_i32 w[RP_NT];
} RpGen;

static unsigned rp_below(RpGen *p, unsigned n)
{
    p->rng ^= p->rng << 13;
    p->rng ^= p->rng >> 7;
    p->rng ^= p->rng << 17;
    return (unsigned)(p->rng % n);
}

static TCGv_i64 rp_q(RpGen *p)
{
    unsigned k = rp_below(p, RP_NT + HARNESS_NG64);
    return k < RP_NT ? p->q[k] : Q(k - RP_NT);
}

static TCGv_i32 rp_w(RpGen *p)
{
    unsigned k = rp_below(p, RP_NT + HARNESS_NG32);
    return k < RP_NT ? p->w[k] : W(k - RP_NT);
}

static void rp_program(uint64_t seed)
{
    RpGen p = { .rng = seed * 0x9e3779b97f4a7c15ull | 1 };
    TCGLabel *pending[4];
    int npending = 0;

    harness_begin();
    for (int i = 0; i < RP_NT; i++) {
        p.q[i] = tcg_temp_new_i64();
        p.w[i] = tcg_temp_new_i32();
        tcg_gen_addi_i64(p.q[i], Q(i % HARNESS_NG64), i * 0x10001);
        tcg_gen_xori_i32(p.w[i], W(i % HARNESS_NG32), i * 77);
    }
    for (int n = 0; n < 120; n++) {
        switch (rp_below(&p, 14)) {
        case 0:
            tcg_gen_add_i64(rp_q(&p), rp_q(&p), rp_q(&p));
            break;
        case 1:
            tcg_gen_mul_i64(rp_q(&p), rp_q(&p), tcg_constant_i64(rp_below(&p, 1000) - 500));
            break;
        case 2:
            tcg_gen_xor_i32(rp_w(&p), rp_w(&p), rp_w(&p));
            break;
        case 3:
            tcg_gen_shl_i64(rp_q(&p), rp_q(&p), rp_q(&p));
            break;
        case 4:
            tcg_gen_sar_i32(rp_w(&p), rp_w(&p), rp_w(&p));
            break;
        case 5:
            tcg_gen_setcond_i64(TCG_COND_LTU, rp_q(&p), rp_q(&p), rp_q(&p));
            break;
        case 6:
            tcg_gen_movcond_i32(TCG_COND_GT, rp_w(&p), rp_w(&p), rp_w(&p), rp_w(&p),
                                rp_w(&p));
            break;
        case 7:
            if (npending < 4) {
                pending[npending] = gen_new_label();
                tcg_gen_brcond_i32(TCG_COND_LT, rp_w(&p), rp_w(&p), pending[npending]);
                npending++;
            }
            break;
        case 8:
            if (npending > 0) {
                gen_set_label(pending[--npending]);
            }
            break;
        case 9: {
            TCGTemp *args[6];
            for (int i = 0; i < 6; i++) {
                args[i] = tcgv_i64_temp(rp_q(&p));
            }
            tcg_gen_callN(&harness_info_mix6, tcgv_i64_temp(rp_q(&p)), 6, args);
            break;
        }
        case 10: {
            TCGv_i32 a = tcg_temp_new_i32();
            tcg_gen_andi_i32(a, rp_w(&p), 0xff8);
            tcg_gen_qemu_ld_i64(rp_q(&p), a, 1, rp_below(&p, 2) ? MO_LEUQ : MO_BESL);
            tcg_temp_free_i32(a);
            break;
        }
        case 11: {
            TCGv_i32 a = tcg_temp_new_i32();
            tcg_gen_andi_i32(a, rp_w(&p), 0xffc);
            tcg_gen_qemu_st_i32(rp_w(&p), a, 1, rp_below(&p, 2) ? MO_LEUL : MO_BEUW);
            tcg_temp_free_i32(a);
            break;
        }
        case 12:
            tcg_gen_extrl_i64_i32(rp_w(&p), rp_q(&p));
            tcg_gen_ext_i32_i64(rp_q(&p), rp_w(&p));
            break;
        default:
            tcg_gen_st_i64(rp_q(&p), tcg_env,
                           offsetof(HarnessEnv, scratch[rp_below(&p, HARNESS_NSCRATCH)]));
            tcg_gen_mov_i32(rp_w(&p), rp_w(&p));
            break;
        }
    }
    while (npending > 0) {
        gen_set_label(pending[--npending]);
    }
    /* Everything live ends up in env. */
    for (int i = 0; i < RP_NT; i++) {
        tcg_gen_xor_i64(Q(i % HARNESS_NG64), Q(i % HARNESS_NG64), p.q[i]);
        tcg_gen_add_i32(W(i % HARNESS_NG32), W(i % HARNESS_NG32), p.w[i]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

Test(x86_gen, random_programs_under_pressure_match_interp)
{
    for (uint64_t seed = 1; seed <= 400; seed++) {
        HarnessEnv snap[2];
        for (int b = 0; b < 2; b++) {
            harness_select(b ? &tcg_backend_x86_64 : &tcg_backend_interp);
            harness_reset_code();
            harness_clear_env();
            for (int i = 0; i < HARNESS_NG64; i++) {
                E->g64[i] = 0x0123456789abcdefull * (i + seed);
                E->g32[i] = (uint32_t)(0x9e3779b9u * (i + 3 + seed));
            }
            for (unsigned i = 0; i < sizeof(E->mem); i++) {
                E->mem[i] = (uint8_t)(i * 7 + seed);
            }
            rp_program(seed);
            harness_run(seed & 1 ? HARNESS_NO_OPT : HARNESS_FULL);
            snap[b] = *E;
        }
        cr_assert_arr_eq(snap[0].g64, snap[1].g64, sizeof(snap[0].g64), "seed %" PRIu64, seed);
        cr_assert_arr_eq(snap[0].g32, snap[1].g32, sizeof(snap[0].g32), "seed %" PRIu64, seed);
        cr_assert_arr_eq(snap[0].scratch, snap[1].scratch, sizeof(snap[0].scratch),
                         "seed %" PRIu64, seed);
        cr_assert_arr_eq(snap[0].mem, snap[1].mem, sizeof(snap[0].mem), "seed %" PRIu64, seed);
    }
}

/* The write-backs at a block end are checked one by one: many live constants
 * synced at one brcond must not run past the buffer either. */
Test(x86_gen, overflow_in_block_end_write_backs)
{
    enum { N = 100, BIG = 16 * 1024 };
    uint8_t *buf = mmap(NULL, BIG, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    TCGv_i64 t[N];

    harness_begin();
    for (int i = 0; i < N; i++) {
        t[i] = tcg_temp_new_i64();
        tcg_gen_movi_i64(t[i], 0x123456789ull * (i + 1));
    }
    TCGLabel *l = gen_new_label();
    tcg_gen_brcondi_i64(TCG_COND_EQ, Q(0), 0, l);
    tcg_gen_movi_i64(Q(1), 1);
    gen_set_label(l);
    for (int i = 0; i < N; i++) {
        tcg_gen_add_i64(Q(2), Q(2), t[i]);
    }
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    int full = tcg_backend_x86_64.gen_code(tcg_ctx, &harness_tb, buf, BIG - 1024);
    cr_assert_gt(full, N * 10, "%d bytes", full);
    for (size_t size = 1100; size < (size_t)full + X86_OP_MARGIN; size += 97) {
        memset(buf, 0xcc, BIG);
        int n = tcg_backend_x86_64.gen_code(tcg_ctx, &harness_tb, buf, size);
        cr_assert(n == -1 || n == full, "size %zu gave %d", size, n);
        for (size_t i = size; i < BIG; i++) {
            cr_assert_eq(buf[i], 0xcc, "wrote past the end at %zu (size %zu)", i, size);
        }
    }
    /* And the code is right. */
    harness_clear_env();
    E->g64[0] = 0;
    cr_assert_eq(tcg_backend_x86_64.gen_code(tcg_ctx, &harness_tb, buf, BIG), full);
    tcg_backend_x86_64.exec(harness_env, buf);
    uint64_t sum = 0;
    for (int i = 0; i < N; i++) {
        sum += 0x123456789ull * (i + 1);
    }
    cr_assert_eq(E->g64[2], sum);
    cr_assert_eq(E->g64[1], 0);
    munmap(buf, BIG);
}

/* gen_code reports a full buffer instead of writing past it. */
Test(x86_gen, overflow_returns_minus_one)
{
    enum { BIG = 64 * 1024 };
    uint8_t *buf = mmap(NULL, BIG + 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    harness_begin();
    for (int i = 0; i < 400; i++) {
        tcg_gen_insn_start(i * 4, 0);
        tcg_gen_qemu_ld_i32(W(i & 7), W((i + 1) & 7), 1, MO_LEUL);
        tcg_gen_addi_i32(W((i + 3) & 7), W(i & 7), i);
    }
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    tcg_liveness(tcg_ctx);
    int full = tcg_backend_x86_64.gen_code(tcg_ctx, &harness_tb, buf, BIG);
    cr_assert_gt(full, 0);
    for (size_t size = 100; size < (size_t)full; size = size * 3 / 2) {
        memset(buf, 0xcc, BIG + 4096);
        int n = tcg_backend_x86_64.gen_code(tcg_ctx, &harness_tb, buf, size);
        cr_assert_eq(n, -1, "size %zu", size);
        for (size_t i = size; i < BIG + 4096; i++) {
            cr_assert_eq(buf[i], 0xcc, "wrote past the end at %zu (size %zu)", i, size);
        }
    }
    /* Each op is only started with X86_OP_MARGIN bytes of room left. */
    cr_assert_eq(tcg_backend_x86_64.gen_code(tcg_ctx, &harness_tb, buf,
                                             full + X86_OP_MARGIN), full);
    munmap(buf, BIG + 4096);
}

/* The sequences used when the host lacks LZCNT, TZCNT, POPCNT or MOVBE (loads and
 * stores without MOVBE: test-tcg-x86-64-softmmu.c). */
static void nofeat_setup(void)
{
    x86_setup();
    x86_have_lzcnt = x86_have_bmi1 = x86_have_bmi2 = false;
    x86_have_popcnt = x86_have_movbe = false;
}

TestSuite(x86_nofeat, .init = nofeat_setup);

Test(x86_nofeat, clz_ctz_with_bsr_bsf)
{
    check_binary_ops(B_CLZ, B_CTZ);
}

Test(x86_nofeat, shifts_in_cl_and_andc_without_bmi)
{
    check_binary_ops(B_ANDC, B_ROTR);
}

Test(x86_nofeat, ctpop_bswap_without_popcnt)
{
    check_unary_ops();
}

/*
 * The jump cache's key (pc zero-extended, a constant in the high half) is an OR of
 * an imm64: no shift or rotate, and only a handful of insns in the whole TB.
 */
Test(x86_gen, concat_constant_high_half_is_an_or)
{
    csh h;
    cs_insn *insn;
    int shifts = 0;
    size_t n;

    harness_reset_code();
    harness_begin();
    tcg_gen_concat_i32_i64(Q(0), W(0), tcg_constant_i32(~0x1234));
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    n = cs_disasm(h, code, harness_tb.tc.size, 0x1000, 0, &insn);
    cr_assert(n > 0);
    for (size_t i = 0; i < n; i++) {
        const char *m = insn[i].mnemonic;
        shifts += !strncmp(m, "sh", 2) || !strncmp(m, "ro", 2) || !strncmp(m, "sa", 2);
    }
    cs_free(insn, n);
    cs_close(&h);
    cr_assert_eq(shifts, 0, "key built with %d shifts/rotates", shifts);
    cr_assert(n <= 8, "%zu insns for concat + store + exit", n);
    harness_clear_env();
    E->g32[0] = 0x80001234;
    harness_exec(code);
    cr_assert_eq(E->g64[0], ((uint64_t)(uint32_t)~0x1234 << 32) | 0x80001234);
}

/* Count the insns of the TB just generated whose mnemonic starts with prefix. */
static int x86_count_mnem(const uint8_t *code, const char *prefix, size_t *total)
{
    csh h;
    cs_insn *insn;
    size_t n;
    int k = 0;

    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    n = cs_disasm(h, code, harness_tb.tc.size, 0x1000, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        k += !strncmp(insn[i].mnemonic, prefix, strlen(prefix));
    }
    cs_free(insn, n);
    cs_close(&h);
    if (total) {
        *total = n;
    }
    return k;
}

/* Quotient and remainder of the same operands: one host division, no multiply. */
Test(x86_gen, divrem_is_one_division)
{
    for (int sign = 0; sign < 2; sign++) {
        harness_reset_code();
        harness_begin();
        (sign ? tcg_gen_divrem_i32 : tcg_gen_divremu_i32)(W(2), W(3), W(0), W(1));
        tcg_gen_exit_tb(NULL, 0);
        const uint8_t *code = harness_gen(HARNESS_FULL);
        cr_assert_not_null(code);
        cr_assert_eq(x86_count_mnem(code, sign ? "idiv" : "div", NULL), 1);
        cr_assert_eq(x86_count_mnem(code, "imul", NULL), 0);
        harness_clear_env();
        E->g32[0] = (uint32_t)-1000003;
        E->g32[1] = 77;
        harness_exec(code);
        cr_assert_eq(E->g32[2], sign ? (uint32_t)(-1000003 / 77) : 0xfff0bdbdu / 77);
        cr_assert_eq(E->g32[3], sign ? (uint32_t)(-1000003 % 77) : 0xfff0bdbdu % 77);
    }
}

/*
 * A carry added in ("setcond ltu/gtu t; add d, t, x" with t dying) is one compare
 * and an adc, with no setcc; the in-between value of a global is only skipped
 * when the add overwrites that same global (MIPS `sltu v0, t2, v0; addu v0, v0,
 * t5`), and a global that stays live keeps its setcond value.
 */
Test(x86_gen, carry_add_is_adc)
{
    static const uint32_t v[] = { 0, 1, 2, 0x7fffffff, 0x80000000u, 0xfffffffeu,
                                  0xffffffffu };

    for (int shape = 0; shape < 5; shape++) {
        harness_reset_code();
        harness_begin();
        TCGv_i32 t = tcg_temp_new_i32();
        switch (shape) {
        case 0:     /* scratch t, ltu */
            tcg_gen_setcond_i32(TCG_COND_LTU, t, W(0), W(1));
            tcg_gen_add_i32(W(2), t, W(3));
            break;
        case 1:     /* scratch t, gtu, t second */
            tcg_gen_setcond_i32(TCG_COND_GTU, t, W(0), W(1));
            tcg_gen_add_i32(W(2), W(3), t);
            break;
        case 2:     /* a constant b */
            tcg_gen_setcond_i32(TCG_COND_LTU, t, W(0), tcg_constant_i32(0x80000000u));
            tcg_gen_add_i32(W(2), t, W(3));
            break;
        case 3:     /* the add's own output, also the compare's b */
            tcg_gen_mov_i32(W(2), W(1));
            tcg_gen_setcond_i32(TCG_COND_LTU, W(2), W(0), W(2));
            tcg_gen_add_i32(W(2), W(2), W(3));
            break;
        default:    /* a global that outlives the add: not fused */
            tcg_gen_setcond_i32(TCG_COND_LTU, W(4), W(0), W(1));
            tcg_gen_add_i32(W(2), W(4), W(3));
            break;
        }
        tcg_temp_free_i32(t);
        tcg_gen_exit_tb(NULL, 0);
        const uint8_t *code = harness_gen(HARNESS_FULL);
        cr_assert_not_null(code);
        if (shape < 4) {
            cr_assert_eq(x86_count_mnem(code, "adc", NULL), 1, "shape %d", shape);
            cr_assert_eq(x86_count_mnem(code, "setb", NULL) +
                         x86_count_mnem(code, "seta", NULL), 0, "shape %d", shape);
        } else {
            cr_assert_eq(x86_count_mnem(code, "setb", NULL), 1);
        }
        for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
            for (size_t j = 0; j < ARRAY_SIZE(v); j++) {
                uint32_t a = v[i], b = shape == 2 ? 0x80000000u : v[j], x = v[(i + j) % 7];
                uint32_t c = shape == 1 ? a > b : a < b;
                harness_clear_env();
                E->g32[0] = a;
                E->g32[1] = b;
                E->g32[3] = x;
                harness_exec(code);
                cr_assert_eq(E->g32[2], x + c, "shape %d: %#x %#x %#x", shape, a, b, x);
                if (shape == 4) {
                    cr_assert_eq(E->g32[4], c);
                }
            }
        }
    }
}

/*
 * "setcond a, a, b" (a's old value dying: MIPS "sltu v1, v1, t0") is computed in
 * a's register: a compare, a setcc and a zero extension, no xor of a fresh
 * register; every condition, a register or constant b, and 64 bits (a negative a
 * has its high half set, which the result must clear) give the right value.
 */
Test(x86_gen, setcond_into_its_own_input)
{
    static const uint32_t v[] = { 0, 1, 2, 0x7fffffff, 0x80000000u, 0xfffffffeu,
                                  0xffffffffu };
    static const TCGCond conds[] = {
        TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE, TCG_COND_GT,
        TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU,
    };

    for (size_t ci = 0; ci < ARRAY_SIZE(conds); ci++) {
        for (int shape = 0; shape < 3; shape++) {
            TCGCond c = conds[ci];
            harness_reset_code();
            harness_begin();
            if (shape == 0) {
                tcg_gen_setcond_i32(c, W(0), W(0), W(1));
            } else if (shape == 1) {
                tcg_gen_setcond_i32(c, W(0), W(0), tcg_constant_i32(0x80000000u));
            } else {
                /* 64 bits: sign-extended copies of the 32-bit values. */
                tcg_gen_setcond_i64(c, harness_g64[0], harness_g64[0], harness_g64[1]);
            }
            tcg_gen_exit_tb(NULL, 0);
            const uint8_t *code = harness_gen(HARNESS_FULL);
            cr_assert_not_null(code);
            cr_assert_eq(x86_count_mnem(code, "xor", NULL), 0, "cond %d shape %d",
                         (int)c, shape);
            cr_assert_eq(x86_count_mnem(code, "movzx", NULL), 1);
            for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
                for (size_t j = 0; j < ARRAY_SIZE(v); j++) {
                    uint32_t a = v[i], b = shape == 1 ? 0x80000000u : v[j];
                    int64_t sa = (int32_t)a, sb = (int32_t)b;
                    bool want;
                    switch (c) {
                    case TCG_COND_EQ: want = a == b; break;
                    case TCG_COND_NE: want = a != b; break;
                    case TCG_COND_LT: want = sa < sb; break;
                    case TCG_COND_GE: want = sa >= sb; break;
                    case TCG_COND_LE: want = sa <= sb; break;
                    case TCG_COND_GT: want = sa > sb; break;
                    case TCG_COND_LTU: want = shape == 2 ? (uint64_t)sa < (uint64_t)sb : a < b; break;
                    case TCG_COND_GEU: want = shape == 2 ? (uint64_t)sa >= (uint64_t)sb : a >= b; break;
                    case TCG_COND_LEU: want = shape == 2 ? (uint64_t)sa <= (uint64_t)sb : a <= b; break;
                    default: want = shape == 2 ? (uint64_t)sa > (uint64_t)sb : a > b; break;
                    }
                    harness_clear_env();
                    E->g32[0] = a;
                    E->g32[1] = b;
                    E->g64[0] = (uint64_t)sa;
                    E->g64[1] = (uint64_t)sb;
                    harness_exec(code);
                    if (shape == 2) {
                        cr_assert_eq(E->g64[0], (uint64_t)want, "cond %d: %#x %#x", (int)c, a, b);
                    } else {
                        cr_assert_eq(E->g32[0], (uint32_t)want, "cond %d shape %d: %#x %#x",
                                     (int)c, shape, a, b);
                    }
                }
            }
        }
    }
}

/*
 * The register allocator resets only the globals for a TB it has not seen
 * (TCGContext.fresh_for_backend): a TB's temps and labels must come out of
 * tcg_temp_alloc / gen_new_label in the state it wants, whatever the TB before
 * left in the same slots (spilled temps, bound labels, listed temps).
 */
static void fresh_busy_tb(void)
{
    enum { N = 40 };
    TCGv_i64 t[N];

    for (int i = 0; i < N; i++) {
        t[i] = tcg_temp_new_i64();
        tcg_gen_movi_i64(t[i], 0x1111ull * (i + 1));
        tcg_gen_add_i64(t[i], t[i], Q(i % HARNESS_NG64));
    }
    for (int k = 0; k < 4; k++) {
        TCGLabel *l = gen_new_label();
        tcg_gen_brcondi_i64(TCG_COND_EQ, Q(k), 0, l);
        tcg_gen_movi_i64(Q(k), k);
        gen_set_label(l);
    }
    for (int i = 0; i < N; i++) {
        tcg_gen_add_i64(Q(i % HARNESS_NG64), Q(i % HARNESS_NG64), t[i]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static void fresh_small_tb(void)
{
    TCGv_i32 a = tcg_temp_new_i32(), b = tcg_temp_new_i32();
    TCGLabel *l = gen_new_label();

    tcg_gen_add_i32(a, W(0), W(1));
    tcg_gen_shli_i32(b, a, 3);
    tcg_gen_brcondi_i32(TCG_COND_LTU, b, 100, l);
    tcg_gen_sub_i32(W(2), b, W(3));
    gen_set_label(l);
    tcg_gen_xor_i32(W(3), a, b);
    tcg_gen_exit_tb(NULL, 0);
}

Test(x86_gen, tb_code_does_not_depend_on_the_tb_before)
{
    enum { SIZE = 16 * 1024 };
    uint8_t *buf = mmap(NULL, 2 * SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint8_t *out = buf + SIZE;
    static uint8_t first[SIZE];
    int n[2];

    cr_assert_neq(buf, MAP_FAILED);
    for (int round = 0; round < 2; round++) {
        /* Round 0: the small TB right after a busy one; round 1: after itself. */
        harness_begin();
        if (round == 0) {
            fresh_busy_tb();
        } else {
            fresh_small_tb();
        }
        cr_assert_gt(tcg_gen_code(tcg_ctx, &harness_tb, buf, SIZE), 0);
        harness_begin();
        fresh_small_tb();
        n[round] = tcg_gen_code(tcg_ctx, &harness_tb, out, SIZE);
        cr_assert_gt(n[round], 0);
        if (round == 0) {
            memcpy(first, out, n[0]);
        }
    }
    cr_assert_eq(n[0], n[1]);
    cr_assert_arr_eq(first, out, n[0]);
    /* And it computes the right thing. */
    harness_clear_env();
    E->g32[0] = 7;
    E->g32[1] = 9;
    E->g32[3] = 5;
    tcg_backend_x86_64.exec(harness_env, out);
    cr_assert_eq(E->g32[2], (16u << 3) - 5);
    cr_assert_eq(E->g32[3], 16u ^ (16u << 3));
    munmap(buf, 2 * SIZE);
}
