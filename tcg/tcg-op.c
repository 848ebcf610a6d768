/*
 * IR emitters (tcg-op.h). Most append one op; the immediate forms fold the trivial
 * cases (x + 0, x & -1, shift by 0, ...) at emit time so that the translators can use
 * them without thinking about it, and a few composite emitters (nor, concat, ...) are
 * built from simpler ops.
 */
#include "qemu/osdep.h"
#include "tcg/tcg-op.h"
#include "exec/exec-all.h"

/* ---- raw op builders ---- */

static TCGOp *tcg_gen_op1(TCGOpcode opc, uint64_t a1)
{
    TCGOp *op = tcg_emit_op(opc, 1);
    op->args[0] = a1;
    return op;
}

static TCGOp *tcg_gen_op2(TCGOpcode opc, TCGTemp *a1, TCGTemp *a2)
{
    TCGOp *op = tcg_emit_op(opc, 2);
    op->args[0] = temp_arg(a1);
    op->args[1] = temp_arg(a2);
    return op;
}

static TCGOp *tcg_gen_op3(TCGOpcode opc, TCGTemp *a1, TCGTemp *a2, TCGTemp *a3)
{
    TCGOp *op = tcg_emit_op(opc, 3);
    op->args[0] = temp_arg(a1);
    op->args[1] = temp_arg(a2);
    op->args[2] = temp_arg(a3);
    return op;
}

static TCGOp *tcg_gen_op4(TCGOpcode opc, TCGTemp *a1, TCGTemp *a2, TCGTemp *a3,
                          TCGTemp *a4)
{
    TCGOp *op = tcg_emit_op(opc, 4);
    op->args[0] = temp_arg(a1);
    op->args[1] = temp_arg(a2);
    op->args[2] = temp_arg(a3);
    op->args[3] = temp_arg(a4);
    return op;
}

static TCGOp *tcg_gen_op6(TCGOpcode opc, TCGTemp *a1, TCGTemp *a2, TCGTemp *a3,
                          TCGTemp *a4, TCGTemp *a5, TCGTemp *a6)
{
    TCGOp *op = tcg_emit_op(opc, 6);
    op->args[0] = temp_arg(a1);
    op->args[1] = temp_arg(a2);
    op->args[2] = temp_arg(a3);
    op->args[3] = temp_arg(a4);
    op->args[4] = temp_arg(a5);
    op->args[5] = temp_arg(a6);
    return op;
}

/* Host load/store: value or result, base pointer, offset carg. */
static void tcg_gen_ldst(TCGOpcode opc, TCGTemp *val, TCGTemp *base, intptr_t off)
{
    TCGOp *op = tcg_gen_op2(opc, val, base);
    op->args[2] = (uint64_t)off;
}

#define T32 tcgv_i32_temp
#define T64 tcgv_i64_temp
#define TP tcgv_ptr_temp

/* ---- plain one-op emitters ---- */
void tcg_gen_add_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_add_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_sub_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_sub_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_mul_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_mul_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_div_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_div_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_divu_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_divu_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_rem_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_rem_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_remu_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_remu_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_divrem_i32(TCGv_i32 q, TCGv_i32 r, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op4(INDEX_op_divrem_i32, T32(q), T32(r), T32(a), T32(b));
}

void tcg_gen_divremu_i32(TCGv_i32 q, TCGv_i32 r, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op4(INDEX_op_divremu_i32, T32(q), T32(r), T32(a), T32(b));
}

void tcg_gen_and_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_and_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_or_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_or_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_xor_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_xor_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_andc_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_andc_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_orc_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_orc_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_shl_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_shl_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_shr_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_shr_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_sar_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_sar_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_rotl_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_rotl_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_rotr_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op3(INDEX_op_rotr_i32, T32(ret), T32(a), T32(b));
}

void tcg_gen_neg_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_neg_i32, T32(ret), T32(a));
}

void tcg_gen_not_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_not_i32, T32(ret), T32(a));
}

void tcg_gen_ext8s_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_ext8s_i32, T32(ret), T32(a));
}

void tcg_gen_ext8u_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_ext8u_i32, T32(ret), T32(a));
}

void tcg_gen_ext16s_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_ext16s_i32, T32(ret), T32(a));
}

void tcg_gen_ext16u_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_ext16u_i32, T32(ret), T32(a));
}

void tcg_gen_bswap16_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_bswap16_i32, T32(ret), T32(a));
}

void tcg_gen_bswap32_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_bswap32_i32, T32(ret), T32(a));
}

void tcg_gen_ctpop_i32(TCGv_i32 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_ctpop_i32, T32(ret), T32(a));
}

void tcg_gen_clz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 zero_val)
{
    tcg_gen_op3(INDEX_op_clz_i32, T32(ret), T32(a), T32(zero_val));
}

void tcg_gen_ctz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 zero_val)
{
    tcg_gen_op3(INDEX_op_ctz_i32, T32(ret), T32(a), T32(zero_val));
}

void tcg_gen_mulu2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op4(INDEX_op_mulu2_i32, T32(lo), T32(hi), T32(a), T32(b));
}

void tcg_gen_muls2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_op4(INDEX_op_muls2_i32, T32(lo), T32(hi), T32(a), T32(b));
}

void tcg_gen_add2_i32(TCGv_i32 rl, TCGv_i32 rh, TCGv_i32 al, TCGv_i32 ah,
                      TCGv_i32 bl, TCGv_i32 bh)
{
    tcg_gen_op6(INDEX_op_add2_i32, T32(rl), T32(rh), T32(al), T32(ah), T32(bl), T32(bh));
}

void tcg_gen_sub2_i32(TCGv_i32 rl, TCGv_i32 rh, TCGv_i32 al, TCGv_i32 ah,
                      TCGv_i32 bl, TCGv_i32 bh)
{
    tcg_gen_op6(INDEX_op_sub2_i32, T32(rl), T32(rh), T32(al), T32(ah), T32(bl), T32(bh));
}

void tcg_gen_add_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_add_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_sub_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_sub_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_mul_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_mul_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_div_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_div_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_divu_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_divu_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_rem_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_rem_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_remu_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_remu_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_divrem_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op4(INDEX_op_divrem_i64, T64(q), T64(r), T64(a), T64(b));
}

void tcg_gen_divremu_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op4(INDEX_op_divremu_i64, T64(q), T64(r), T64(a), T64(b));
}

void tcg_gen_and_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_and_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_or_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_or_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_xor_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_xor_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_andc_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_andc_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_orc_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_orc_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_shl_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_shl_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_shr_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_shr_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_sar_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_sar_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_rotl_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_rotl_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_rotr_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op3(INDEX_op_rotr_i64, T64(ret), T64(a), T64(b));
}

void tcg_gen_neg_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_neg_i64, T64(ret), T64(a));
}

void tcg_gen_not_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_not_i64, T64(ret), T64(a));
}

void tcg_gen_ext8s_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_ext8s_i64, T64(ret), T64(a));
}

void tcg_gen_ext8u_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_ext8u_i64, T64(ret), T64(a));
}

void tcg_gen_ext16s_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_ext16s_i64, T64(ret), T64(a));
}

void tcg_gen_ext16u_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_ext16u_i64, T64(ret), T64(a));
}

void tcg_gen_bswap16_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_bswap16_i64, T64(ret), T64(a));
}

void tcg_gen_bswap32_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_bswap32_i64, T64(ret), T64(a));
}

void tcg_gen_ctpop_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_ctpop_i64, T64(ret), T64(a));
}

void tcg_gen_ext32s_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_ext32s_i64, T64(ret), T64(a));
}

void tcg_gen_ext32u_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_ext32u_i64, T64(ret), T64(a));
}

void tcg_gen_bswap64_i64(TCGv_i64 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_bswap64_i64, T64(ret), T64(a));
}

void tcg_gen_clz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 zero_val)
{
    tcg_gen_op3(INDEX_op_clz_i64, T64(ret), T64(a), T64(zero_val));
}

void tcg_gen_ctz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 zero_val)
{
    tcg_gen_op3(INDEX_op_ctz_i64, T64(ret), T64(a), T64(zero_val));
}

void tcg_gen_mulu2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op4(INDEX_op_mulu2_i64, T64(lo), T64(hi), T64(a), T64(b));
}

void tcg_gen_muls2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b)
{
    tcg_gen_op4(INDEX_op_muls2_i64, T64(lo), T64(hi), T64(a), T64(b));
}

void tcg_gen_add2_i64(TCGv_i64 rl, TCGv_i64 rh, TCGv_i64 al, TCGv_i64 ah,
                      TCGv_i64 bl, TCGv_i64 bh)
{
    tcg_gen_op6(INDEX_op_add2_i64, T64(rl), T64(rh), T64(al), T64(ah), T64(bl), T64(bh));
}

void tcg_gen_sub2_i64(TCGv_i64 rl, TCGv_i64 rh, TCGv_i64 al, TCGv_i64 ah,
                      TCGv_i64 bl, TCGv_i64 bh)
{
    tcg_gen_op6(INDEX_op_sub2_i64, T64(rl), T64(rh), T64(al), T64(ah), T64(bl), T64(bh));
}


/* ---- moves and immediate forms (32-bit) ---- */

void tcg_gen_mov_i32(TCGv_i32 ret, TCGv_i32 arg)
{
    if (ret != arg) {
        tcg_gen_op2(INDEX_op_mov_i32, T32(ret), T32(arg));
    }
}

void tcg_gen_movi_i32(TCGv_i32 ret, int32_t arg)
{
    tcg_gen_mov_i32(ret, tcg_constant_i32(arg));
}

/* The value of t is dead from here on (a global's pending store can be dropped). */
void tcg_gen_discard_i32(TCGv_i32 t)
{
    tcg_emit_op(INDEX_op_discard, 1)->args[0] = temp_arg(tcgv_i32_temp(t));
}

void tcg_gen_addi_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    if (b == 0) {
        tcg_gen_mov_i32(ret, a);
    } else {
        tcg_gen_add_i32(ret, a, tcg_constant_i32(b));
    }
}

void tcg_gen_subi_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    /* Negate in unsigned arithmetic: -INT32_MIN must wrap, not overflow. */
    tcg_gen_addi_i32(ret, a, (int32_t)(0u - (uint32_t)b));
}

void tcg_gen_subfi_i32(TCGv_i32 ret, int32_t a, TCGv_i32 b)
{
    if (a == 0) {
        tcg_gen_neg_i32(ret, b);
    } else {
        tcg_gen_sub_i32(ret, tcg_constant_i32(a), b);
    }
}

void tcg_gen_muli_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    if (b == 0) {
        tcg_gen_movi_i32(ret, 0);
    } else if (b == 1) {
        tcg_gen_mov_i32(ret, a);
    } else if (b > 0 && (b & (b - 1)) == 0) {
        tcg_gen_shli_i32(ret, a, __builtin_ctz(b));
    } else {
        tcg_gen_mul_i32(ret, a, tcg_constant_i32(b));
    }
}

void tcg_gen_andi_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    switch (b) {
    case 0:
        tcg_gen_movi_i32(ret, 0);
        break;
    case -1:
        tcg_gen_mov_i32(ret, a);
        break;
    case 0xff:
        tcg_gen_ext8u_i32(ret, a);
        break;
    case 0xffff:
        tcg_gen_ext16u_i32(ret, a);
        break;
    default:
        tcg_gen_and_i32(ret, a, tcg_constant_i32(b));
        break;
    }
}

void tcg_gen_ori_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    if (b == 0) {
        tcg_gen_mov_i32(ret, a);
    } else if (b == -1) {
        tcg_gen_movi_i32(ret, -1);
    } else {
        tcg_gen_or_i32(ret, a, tcg_constant_i32(b));
    }
}

void tcg_gen_xori_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    if (b == 0) {
        tcg_gen_mov_i32(ret, a);
    } else if (b == -1) {
        tcg_gen_not_i32(ret, a);
    } else {
        tcg_gen_xor_i32(ret, a, tcg_constant_i32(b));
    }
}

void tcg_gen_nor_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    tcg_gen_or_i32(ret, a, b);
    tcg_gen_not_i32(ret, ret);
}

static void tcg_gen_shifti_i32(TCGOpcode opc, TCGv_i32 ret, TCGv_i32 a, unsigned b)
{
    assert(b < 32);
    if (b == 0) {
        tcg_gen_mov_i32(ret, a);
    } else {
        tcg_gen_op3(opc, T32(ret), T32(a), T32(tcg_constant_i32(b)));
    }
}

void tcg_gen_shli_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b)
{
    tcg_gen_shifti_i32(INDEX_op_shl_i32, ret, a, b);
}

void tcg_gen_shri_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b)
{
    tcg_gen_shifti_i32(INDEX_op_shr_i32, ret, a, b);
}

void tcg_gen_sari_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b)
{
    tcg_gen_shifti_i32(INDEX_op_sar_i32, ret, a, b);
}

void tcg_gen_rotli_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b)
{
    tcg_gen_shifti_i32(INDEX_op_rotl_i32, ret, a, b);
}

void tcg_gen_rotri_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b)
{
    tcg_gen_shifti_i32(INDEX_op_rotr_i32, ret, a, b);
}

void tcg_gen_clzi_i32(TCGv_i32 ret, TCGv_i32 a, uint32_t zero_val)
{
    tcg_gen_clz_i32(ret, a, tcg_constant_i32(zero_val));
}

void tcg_gen_ctzi_i32(TCGv_i32 ret, TCGv_i32 a, uint32_t zero_val)
{
    tcg_gen_ctz_i32(ret, a, tcg_constant_i32(zero_val));
}

void tcg_gen_deposit_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b, unsigned pos, unsigned len)
{
    TCGOp *op;

    assert(len > 0 && len <= 32 && pos < 32 && pos + len <= 32);
    if (len == 32) {
        tcg_gen_mov_i32(ret, b);
        return;
    }
    op = tcg_gen_op3(INDEX_op_deposit_i32, T32(ret), T32(a), T32(b));
    op->args[3] = pos;
    op->args[4] = len;
}

void tcg_gen_extract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned pos, unsigned len)
{
    TCGOp *op;

    assert(len > 0 && len <= 32 && pos < 32 && pos + len <= 32);
    if (len == 32) {
        tcg_gen_mov_i32(ret, a);
        return;
    }
    if (pos + len == 32) {
        tcg_gen_shri_i32(ret, a, pos);
        return;
    }
    op = tcg_gen_op2(INDEX_op_extract_i32, T32(ret), T32(a));
    op->args[2] = pos;
    op->args[3] = len;
}

void tcg_gen_sextract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned pos, unsigned len)
{
    TCGOp *op;

    assert(len > 0 && len <= 32 && pos < 32 && pos + len <= 32);
    if (len == 32) {
        tcg_gen_mov_i32(ret, a);
        return;
    }
    if (pos + len == 32) {
        tcg_gen_sari_i32(ret, a, pos);
        return;
    }
    op = tcg_gen_op2(INDEX_op_sextract_i32, T32(ret), T32(a));
    op->args[2] = pos;
    op->args[3] = len;
}

void tcg_gen_setcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        tcg_gen_movi_i32(ret, c == TCG_COND_ALWAYS);
        return;
    }
    op = tcg_gen_op3(INDEX_op_setcond_i32, T32(ret), T32(a), T32(b));
    op->args[3] = c;
}

void tcg_gen_setcondi_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, int32_t b)
{
    tcg_gen_setcond_i32(c, ret, a, tcg_constant_i32(b));
}

void tcg_gen_movcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 c1, TCGv_i32 c2,
                         TCGv_i32 v1, TCGv_i32 v2)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS) {
        tcg_gen_mov_i32(ret, v1);
        return;
    }
    if (c == TCG_COND_NEVER) {
        tcg_gen_mov_i32(ret, v2);
        return;
    }
    op = tcg_gen_op4(INDEX_op_movcond_i32, T32(ret), T32(c1), T32(c2), T32(v1));
    op->args[4] = temp_arg(T32(v2));
    op->args[5] = c;
}

void tcg_gen_br(TCGLabel *l)
{
    l->refs++;
    tcg_gen_op1(INDEX_op_br, label_arg(l));
}

static void tcg_gen_brcond(TCGOpcode opc, TCGCond c, TCGTemp *a, TCGTemp *b, TCGLabel *l)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS) {
        tcg_gen_br(l);
        return;
    }
    if (c == TCG_COND_NEVER) {
        return;
    }
    l->refs++;
    op = tcg_gen_op2(opc, a, b);
    op->args[2] = c;
    op->args[3] = label_arg(l);
}

void tcg_gen_brcond_i32(TCGCond c, TCGv_i32 a, TCGv_i32 b, TCGLabel *l)
{
    tcg_gen_brcond(INDEX_op_brcond_i32, c, T32(a), T32(b), l);
}

void tcg_gen_brcondi_i32(TCGCond c, TCGv_i32 a, int32_t b, TCGLabel *l)
{
    tcg_gen_brcond_i32(c, a, tcg_constant_i32(b), l);
}

void tcg_gen_ld8u_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld8u_i32, T32(ret), TP(base), off);
}

void tcg_gen_ld8s_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld8s_i32, T32(ret), TP(base), off);
}

void tcg_gen_ld16u_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld16u_i32, T32(ret), TP(base), off);
}

void tcg_gen_ld16s_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld16s_i32, T32(ret), TP(base), off);
}

void tcg_gen_ld_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld_i32, T32(ret), TP(base), off);
}

void tcg_gen_st8_i32(TCGv_i32 val, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_st8_i32, T32(val), TP(base), off);
}

void tcg_gen_st16_i32(TCGv_i32 val, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_st16_i32, T32(val), TP(base), off);
}

void tcg_gen_st_i32(TCGv_i32 val, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_st_i32, T32(val), TP(base), off);
}

/* ---- moves and immediate forms (64-bit) ---- */

void tcg_gen_mov_i64(TCGv_i64 ret, TCGv_i64 arg)
{
    if (ret != arg) {
        tcg_gen_op2(INDEX_op_mov_i64, T64(ret), T64(arg));
    }
}

void tcg_gen_movi_i64(TCGv_i64 ret, int64_t arg)
{
    tcg_gen_mov_i64(ret, tcg_constant_i64(arg));
}

void tcg_gen_addi_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b)
{
    if (b == 0) {
        tcg_gen_mov_i64(ret, a);
    } else {
        tcg_gen_add_i64(ret, a, tcg_constant_i64(b));
    }
}

void tcg_gen_subi_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b)
{
    tcg_gen_addi_i64(ret, a, (int64_t)(0ull - (uint64_t)b));
}

void tcg_gen_andi_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b)
{
    switch (b) {
    case 0:
        tcg_gen_movi_i64(ret, 0);
        break;
    case -1:
        tcg_gen_mov_i64(ret, a);
        break;
    case 0xff:
        tcg_gen_ext8u_i64(ret, a);
        break;
    case 0xffff:
        tcg_gen_ext16u_i64(ret, a);
        break;
    case 0xffffffffll:
        tcg_gen_ext32u_i64(ret, a);
        break;
    default:
        tcg_gen_and_i64(ret, a, tcg_constant_i64(b));
        break;
    }
}

void tcg_gen_ori_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b)
{
    if (b == 0) {
        tcg_gen_mov_i64(ret, a);
    } else if (b == -1) {
        tcg_gen_movi_i64(ret, -1);
    } else {
        tcg_gen_or_i64(ret, a, tcg_constant_i64(b));
    }
}

void tcg_gen_xori_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b)
{
    if (b == 0) {
        tcg_gen_mov_i64(ret, a);
    } else if (b == -1) {
        tcg_gen_not_i64(ret, a);
    } else {
        tcg_gen_xor_i64(ret, a, tcg_constant_i64(b));
    }
}

static void tcg_gen_shifti_i64(TCGOpcode opc, TCGv_i64 ret, TCGv_i64 a, unsigned b)
{
    assert(b < 64);
    if (b == 0) {
        tcg_gen_mov_i64(ret, a);
    } else {
        tcg_gen_op3(opc, T64(ret), T64(a), T64(tcg_constant_i64(b)));
    }
}

void tcg_gen_shli_i64(TCGv_i64 ret, TCGv_i64 a, unsigned b)
{
    tcg_gen_shifti_i64(INDEX_op_shl_i64, ret, a, b);
}

void tcg_gen_shri_i64(TCGv_i64 ret, TCGv_i64 a, unsigned b)
{
    tcg_gen_shifti_i64(INDEX_op_shr_i64, ret, a, b);
}

void tcg_gen_sari_i64(TCGv_i64 ret, TCGv_i64 a, unsigned b)
{
    tcg_gen_shifti_i64(INDEX_op_sar_i64, ret, a, b);
}

void tcg_gen_deposit_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b, unsigned pos, unsigned len)
{
    TCGOp *op;

    assert(len > 0 && len <= 64 && pos < 64 && pos + len <= 64);
    if (len == 64) {
        tcg_gen_mov_i64(ret, b);
        return;
    }
    op = tcg_gen_op3(INDEX_op_deposit_i64, T64(ret), T64(a), T64(b));
    op->args[3] = pos;
    op->args[4] = len;
}

void tcg_gen_extract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned pos, unsigned len)
{
    TCGOp *op;

    assert(len > 0 && len <= 64 && pos < 64 && pos + len <= 64);
    if (len == 64) {
        tcg_gen_mov_i64(ret, a);
        return;
    }
    if (pos + len == 64) {
        tcg_gen_shri_i64(ret, a, pos);
        return;
    }
    op = tcg_gen_op2(INDEX_op_extract_i64, T64(ret), T64(a));
    op->args[2] = pos;
    op->args[3] = len;
}

void tcg_gen_sextract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned pos, unsigned len)
{
    TCGOp *op;

    assert(len > 0 && len <= 64 && pos < 64 && pos + len <= 64);
    if (len == 64) {
        tcg_gen_mov_i64(ret, a);
        return;
    }
    if (pos + len == 64) {
        tcg_gen_sari_i64(ret, a, pos);
        return;
    }
    op = tcg_gen_op2(INDEX_op_sextract_i64, T64(ret), T64(a));
    op->args[2] = pos;
    op->args[3] = len;
}

void tcg_gen_setcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        tcg_gen_movi_i64(ret, c == TCG_COND_ALWAYS);
        return;
    }
    op = tcg_gen_op3(INDEX_op_setcond_i64, T64(ret), T64(a), T64(b));
    op->args[3] = c;
}

void tcg_gen_movcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 c1, TCGv_i64 c2,
                         TCGv_i64 v1, TCGv_i64 v2)
{
    TCGOp *op;

    if (c == TCG_COND_ALWAYS) {
        tcg_gen_mov_i64(ret, v1);
        return;
    }
    if (c == TCG_COND_NEVER) {
        tcg_gen_mov_i64(ret, v2);
        return;
    }
    op = tcg_gen_op4(INDEX_op_movcond_i64, T64(ret), T64(c1), T64(c2), T64(v1));
    op->args[4] = temp_arg(T64(v2));
    op->args[5] = c;
}

void tcg_gen_brcond_i64(TCGCond c, TCGv_i64 a, TCGv_i64 b, TCGLabel *l)
{
    tcg_gen_brcond(INDEX_op_brcond_i64, c, T64(a), T64(b), l);
}

void tcg_gen_brcondi_i64(TCGCond c, TCGv_i64 a, int64_t b, TCGLabel *l)
{
    tcg_gen_brcond_i64(c, a, tcg_constant_i64(b), l);
}

void tcg_gen_ld_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld_i64, T64(ret), TP(base), off);
}

void tcg_gen_ld32u_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld32u_i64, T64(ret), TP(base), off);
}

void tcg_gen_ld32s_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld32s_i64, T64(ret), TP(base), off);
}

void tcg_gen_st_i64(TCGv_i64 val, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_st_i64, T64(val), TP(base), off);
}

void tcg_gen_st32_i64(TCGv_i64 val, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_st32_i64, T64(val), TP(base), off);
}

/* ---- conversions ---- */

void tcg_gen_ext_i32_i64(TCGv_i64 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_ext_i32_i64, T64(ret), T32(a));
}

void tcg_gen_extu_i32_i64(TCGv_i64 ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_extu_i32_i64, T64(ret), T32(a));
}

void tcg_gen_extrl_i64_i32(TCGv_i32 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_extrl_i64_i32, T32(ret), T64(a));
}

void tcg_gen_extrh_i64_i32(TCGv_i32 ret, TCGv_i64 a)
{
    tcg_gen_op2(INDEX_op_extrh_i64_i32, T32(ret), T64(a));
}

void tcg_gen_concat_i32_i64(TCGv_i64 ret, TCGv_i32 lo, TCGv_i32 hi)
{
    TCGv_i64 t = tcg_temp_new_i64();

    /* Build in a scratch so that ret may alias nothing we still read. */
    tcg_gen_extu_i32_i64(t, hi);
    tcg_gen_extu_i32_i64(ret, lo);
    tcg_gen_deposit_i64(ret, ret, t, 32, 32);
    tcg_temp_free_i64(t);
}

void tcg_gen_extr_i64_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i64 a)
{
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_extrh_i64_i32(t, a);
    tcg_gen_extrl_i64_i32(lo, a);
    tcg_gen_mov_i32(hi, t);
    tcg_temp_free_i32(t);
}

/* ---- pointers ---- */

void tcg_gen_ld_ptr(TCGv_ptr ret, TCGv_ptr base, intptr_t off)
{
    tcg_gen_ldst(INDEX_op_ld_i64, TP(ret), TP(base), off);
}

void tcg_gen_addi_ptr(TCGv_ptr ret, TCGv_ptr a, intptr_t b)
{
    tcg_gen_addi_i64(temp_tcgv_i64(TP(ret)), temp_tcgv_i64(TP(a)), b);
}

void tcg_gen_ext_i32_ptr(TCGv_ptr ret, TCGv_i32 a)
{
    tcg_gen_op2(INDEX_op_extu_i32_i64, TP(ret), T32(a));
}

/* ---- guest memory ---- */

static void tcg_gen_qemu_ldst(TCGOpcode opc, TCGTemp *val, TCGv_i32 addr,
                              unsigned mmu_idx, MemOp mop)
{
    TCGOp *op = tcg_gen_op2(opc, val, T32(addr));

    assert(mmu_idx < MMU_MODES_MAX);
    op->args[2] = make_memop_idx(mop, mmu_idx);
}

void tcg_gen_qemu_ld_i32(TCGv_i32 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op)
{
    /* A 64-bit access into a 32-bit value is a translator bug. */
    assert((op & MO_SIZE) != MO_64);
    tcg_gen_qemu_ldst(INDEX_op_qemu_ld_i32, T32(val), addr, mmu_idx, op);
}

void tcg_gen_qemu_st_i32(TCGv_i32 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op)
{
    assert((op & MO_SIZE) != MO_64);
    /* Signedness means nothing for a store; drop it so backends see one form. */
    tcg_gen_qemu_ldst(INDEX_op_qemu_st_i32, T32(val), addr, mmu_idx, op & ~MO_SIGN);
}

void tcg_gen_qemu_ld_i64(TCGv_i64 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op)
{
    tcg_gen_qemu_ldst(INDEX_op_qemu_ld_i64, T64(val), addr, mmu_idx, op);
}

void tcg_gen_qemu_st_i64(TCGv_i64 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op)
{
    tcg_gen_qemu_ldst(INDEX_op_qemu_st_i64, T64(val), addr, mmu_idx, op & ~MO_SIGN);
}

/* ---- control ---- */

void gen_set_label(TCGLabel *l)
{
    tcg_gen_op1(INDEX_op_set_label, label_arg(l));
}

void tcg_gen_mb(unsigned type)
{
    tcg_gen_op1(INDEX_op_mb, type);
}

void tcg_gen_insn_start(uint64_t pc, uint64_t data1)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op;

    assert(s->nb_insns < TCG_MAX_INSNS);
    op = tcg_emit_op(INDEX_op_insn_start, TCG_INSN_START_WORDS);
    op->args[0] = pc;
    op->args[1] = data1;
    s->insn_data[s->nb_insns][0] = pc;
    s->insn_data[s->nb_insns][1] = data1;
    s->nb_insns++;
}

void tcg_gen_exit_tb(const struct TranslationBlock *tb, unsigned idx)
{
    uintptr_t val = 0;

    if (tb) {
        assert(idx <= TB_EXIT_MASK && ((uintptr_t)tb & TB_EXIT_MASK) == 0);
        val = (uintptr_t)tb | idx;
    }
    tcg_gen_op1(INDEX_op_exit_tb, val);
}

void tcg_gen_goto_tb(unsigned idx)
{
    assert(idx < 2);
    tcg_gen_op1(INDEX_op_goto_tb, idx);
}

void tcg_gen_goto_ptr(TCGv_ptr dest)
{
    TCGOp *op = tcg_emit_op(INDEX_op_goto_ptr, 1);
    op->args[0] = temp_arg(TP(dest));
}

/* The lookup reads pc (and the flags) from env but changes no global. */
static const TCGHelperInfo tcg_info_lookup_tb_ptr =
    TCG_HELPER(helper_lookup_tb_ptr, TCG_CALL_NO_WG, TCG_CALL_PTR, TCG_CALL_PTR);

void tcg_gen_lookup_and_goto_ptr(void)
{
    TCGv_ptr ptr = tcg_temp_new_ptr();

    tcg_gen_call1(&tcg_info_lookup_tb_ptr, TP(ptr), TP(tcg_env));
    tcg_gen_goto_ptr(ptr);
    tcg_temp_free_ptr(ptr);
}

/* ---- helper calls ---- */

void tcg_gen_callN(const TCGHelperInfo *info, TCGTemp *ret, int nargs, TCGTemp **args)
{
    int nb_o = ret ? 1 : 0;
    TCGOp *op;
    int i;

    assert(nargs == info->nb_args && nargs <= TCG_MAX_CALL_ARGS);
    /* A result may be ignored (ret NULL), but a void helper cannot produce one. */
    assert(ret == NULL || info->ret != TCG_CALL_VOID);
    op = tcg_emit_op(INDEX_op_call, nb_o + nargs + 2);
    op->nb_callo = nb_o;
    op->nb_calli = nargs;
    if (ret) {
        op->args[0] = temp_arg(ret);
    }
    for (i = 0; i < nargs; i++) {
        op->args[nb_o + i] = temp_arg(args[i]);
    }
    op->args[nb_o + nargs] = (uintptr_t)info->func;
    op->args[nb_o + nargs + 1] = (uintptr_t)info;
}
