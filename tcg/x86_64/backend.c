/*
 * The x86-64 host backend: lowers the optimized IR of one TB to machine code, with
 * the register allocator of regalloc.c, and emits the prologue/epilogue through which
 * the execution loop enters generated code.
 *
 * Instruction facts from the Intel 64 and IA-32 Architectures Software Developer's
 * Manual vol. 2; calling convention from the System V AMD64 ABI. Host features used
 * when CPUID reports them: LZCNT (ABM), BMI1 TZCNT, POPCNT, MOVBE. Not used: VEX
 * encodings (BMI2 shlx/andn), SSE; the guest ISAs need only integer code.
 */
#include "x86-internal.h"
#include "exec/translation-block.h"
#include "disas/disas.h"
#include <cpuid.h>

bool x86_have_lzcnt, x86_have_bmi1, x86_have_bmi2, x86_have_popcnt, x86_have_movbe;
const uint8_t *x86_tb_ret_rx;
static const uint8_t *x86_prologue_rx;

void x86_probe_cpu(void)
{
    unsigned a, b, c, d;

    if (__get_cpuid(1, &a, &b, &c, &d)) {
        x86_have_popcnt = (c & bit_POPCNT) != 0;
        x86_have_movbe = (c & bit_MOVBE) != 0;
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        x86_have_bmi1 = (b & bit_BMI) != 0;
        x86_have_bmi2 = (b & bit_BMI2) != 0;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        x86_have_lzcnt = (c & bit_ABM) != 0;
    }
}

/* Op shapes, straight from the opcode list. */
static const struct {
    uint8_t nb_o, nb_i, nb_c, flags;
} x86_op_info[NB_OPS] = {
#define DEF(name, oargs, iargs, cargs, fl) \
    [INDEX_op_##name] = { oargs, iargs, cargs, fl },
#include "tcg/tcg-opc.h"
#undef DEF
};

static const uint8_t x86_jcc_of_cond[16] = {
    [TCG_COND_EQ] = JCC_JE, [TCG_COND_NE] = JCC_JNE,
    [TCG_COND_LT] = JCC_JL, [TCG_COND_GE] = JCC_JGE,
    [TCG_COND_LE] = JCC_JLE, [TCG_COND_GT] = JCC_JG,
    [TCG_COND_LTU] = JCC_JB, [TCG_COND_GEU] = JCC_JAE,
    [TCG_COND_LEU] = JCC_JBE, [TCG_COND_GTU] = JCC_JA,
};

/* ---- constraint sets ---- */
#define RB(r) X86_REG_BIT(X86_##r)
#define IN_R     { 0, 0, 0 }
#define IN_RI    { 0, CON_IMM, 0 }
#define IN_RA    { 0, CON_ANYIMM, 0 }
#define OUT_R    { 0, 0, 0 }
#define OUT_NEW  { 0, CON_NEW, 0 }
#define OUT_COM  { 0, CON_COMMUT, 0 }
#define OUT_A(k) { 0, CON_ALIAS, k }

static const X86OpCon con_r_r = { .o = { OUT_R }, .i = { IN_R } };
static const X86OpCon con_a_r = { .o = { OUT_A(0) }, .i = { IN_R } };
static const X86OpCon con_com_ra = { .o = { OUT_COM }, .i = { IN_R, IN_RA } };
static const X86OpCon con_a_r_ra = { .o = { OUT_A(0) }, .i = { IN_R, IN_RA } };
static const X86OpCon con_a_r_r = { .o = { OUT_A(0) }, .i = { IN_R, IN_R } };
static const X86OpCon con_shift = {
    .o = { OUT_A(0) }, .i = { IN_R, { RB(RCX), CON_IMM, 0 } },
};
/* BMI2 shifts and ANDN: three-operand, any registers. */
static const X86OpCon con_r_r_ri = { .o = { OUT_R }, .i = { IN_R, IN_RI } };
static const X86OpCon con_div = {
    .o = { { RB(RAX), 0, 0 } }, .i = { { RB(RAX), 0, 0 }, IN_R },
    .clobber = RB(RAX) | RB(RDX),
};
static const X86OpCon con_rem = {
    .o = { { RB(RDX), 0, 0 } }, .i = { { RB(RAX), 0, 0 }, IN_R },
    .clobber = RB(RAX) | RB(RDX),
};
/* mulu2/muls2, and divrem/divremu: quotient in rax, remainder in rdx. */
static const X86OpCon con_mul2 = {
    .o = { { RB(RAX), 0, 0 }, { RB(RDX), 0, 0 } }, .i = { { RB(RAX), 0, 0 }, IN_R },
    .clobber = RB(RAX) | RB(RDX),
};
static const X86OpCon con_addsub2 = {
    .o = { OUT_A(0), OUT_A(1) }, .i = { IN_R, IN_R, IN_RI, IN_RI },
};
static const X86OpCon con_setcond = { .o = { OUT_NEW }, .i = { IN_R, IN_RA } };
/* "setcond a, a, b": computed in a's register (x86_setcond_in_place). */
static const X86OpCon con_setcond_in_place = { .o = { OUT_A(0) }, .i = { IN_R, IN_RA } };
static const X86OpCon con_movcond = {
    .o = { OUT_A(3) }, .i = { IN_R, IN_RA, IN_R, IN_R },
};
static const X86OpCon con_brcond = { .i = { IN_R, IN_RA } };
static const X86OpCon con_cntz = { .o = { OUT_NEW }, .i = { IN_R, IN_RA } };
static const X86OpCon con_ld = { .o = { OUT_R }, .i = { IN_R } };
static const X86OpCon con_st = { .i = { IN_RI, IN_R } };
static const X86OpCon con_ptr = { .i = { IN_R } };

/* ---- small emit helpers that know about the scratch register ---- */

/* Group-1 op with any 64-bit immediate (through TMP when it does not fit). */
static void x86_arith_any(X86Gen *g, int ext, int rexw, int reg, int64_t val)
{
    if (!rexw || x86_fits_s32(val)) {
        x86_emit_arithi(g, ext, rexw, reg, val);
    } else {
        x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, val);
        x86_emit_arith(g, ext, rexw, reg, X86_TMP);
    }
}

/* The ALU instruction just emitted set ZF from register reg's new value. */
static void x86_note_zf(X86Gen *g, int reg, int rexw)
{
    g->zf_end = g->code_ptr;
    g->zf_reg = reg;
    g->zf_rexw = rexw;
}

/* Flags from (a cond b); b a register or constant. Returns the x86 condition. */
static int x86_gen_cmp(X86Gen *g, TCGCond cond, int rexw, int a, const X86OpRegs *r,
                       int bi)
{
    if (r->iconst[bi]) {
        int64_t v = r->ival[bi];
        if (v == 0 && (cond == TCG_COND_EQ || cond == TCG_COND_NE)) {
            x86_emit_modrm(g, OPC_TESTL | rexw, a, a);
        } else {
            x86_arith_any(g, ARITH_CMP, rexw, a, v);
        }
    } else {
        x86_emit_arith(g, ARITH_CMP, rexw, a, r->ireg[bi]);
    }
    return x86_jcc_of_cond[cond];
}

/* A base register and displacement for a host memory operand at base + off. */
static int x86_host_addr(X86Gen *g, int base, intptr_t *off)
{
    if (x86_fits_s32(*off)) {
        return base;
    }
    x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, *off);
    x86_emit_arith(g, ARITH_ADD, P_REXW, X86_TMP, base);
    *off = 0;
    return X86_TMP;
}

/* ---- per-op lowering ---- */

static void x86_gen_binop(X86Gen *g, TCGOpcode opc, int rexw, const X86OpRegs *r)
{
    int o = r->oreg[0], a = r->ireg[0], b = r->ireg[1];
    int ext;

    switch (opc) {
    case INDEX_op_add_i32:
    case INDEX_op_add_i64:
        if (r->iconst[1]) {
            int64_t v = r->ival[1];
            if (o == a) {
                x86_arith_any(g, ARITH_ADD, rexw, o, v);
                x86_note_zf(g, o, rexw);
            } else if (rexw && !x86_fits_s32(v)) {
                x86_emit_movi(g, TCG_TYPE_I64, o, v);
                x86_emit_arith(g, ARITH_ADD, rexw, o, a);
            } else {
                /* lea: three-operand add without touching the source. */
                x86_emit_modrm_off(g, OPC_LEA | rexw, o, a, rexw ? v : (int32_t)v);
            }
        } else if (o == a) {
            x86_emit_arith(g, ARITH_ADD, rexw, o, b);
            x86_note_zf(g, o, rexw);
        } else if (o == b) {
            x86_emit_arith(g, ARITH_ADD, rexw, o, a);
            x86_note_zf(g, o, rexw);
        } else {
            x86_emit_modrm_sib(g, OPC_LEA | rexw, o, a, b, 0, 0);
        }
        return;
    case INDEX_op_sub_i32:
    case INDEX_op_sub_i64:
        if (r->iconst[1]) {
            x86_arith_any(g, ARITH_SUB, rexw, o, r->ival[1]);
        } else {
            x86_emit_arith(g, ARITH_SUB, rexw, o, b);
        }
        x86_note_zf(g, o, rexw);
        return;
    case INDEX_op_mul_i32:
    case INDEX_op_mul_i64:
        if (r->iconst[1] && (!rexw || x86_fits_s32(r->ival[1]))) {
            int64_t v = r->ival[1];
            if (x86_fits_s8(v)) {
                x86_emit_modrm(g, OPC_IMUL_GvEvIb | rexw, o, a);
                x86_out8(g, (uint8_t)v);
            } else {
                x86_emit_modrm(g, OPC_IMUL_GvEvIz | rexw, o, a);
                x86_out32(g, (uint32_t)v);
            }
            return;
        }
        if (r->iconst[1]) {
            x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, r->ival[1]);
            b = X86_TMP;
        }
        if (o == b) {
            b = a;
        } else if (o != a) {
            x86_emit_mov(g, TCG_TYPE_I64, o, a);
        }
        x86_emit_modrm(g, OPC_IMUL_GvEv | rexw, o, b);
        return;
    case INDEX_op_and_i32:
    case INDEX_op_and_i64:
        ext = ARITH_AND;
        break;
    case INDEX_op_or_i32:
    case INDEX_op_or_i64:
        ext = ARITH_OR;
        break;
    case INDEX_op_xor_i32:
    case INDEX_op_xor_i64:
        ext = ARITH_XOR;
        break;
    default:
        g_assert_not_reached();
    }

    /* Commutative logic ops. */
    if (r->iconst[1]) {
        int64_t v = r->ival[1];
        if (ext == ARITH_AND && (v == 0xff || v == 0xffff || (rexw && v == 0xffffffff))) {
            /* Zero-extensions: no need for o == a. */
            if (v == 0xff) {
                x86_emit_ext8u(g, o, a);
            } else if (v == 0xffff) {
                x86_emit_ext16u(g, o, a);
            } else {
                x86_emit_ext32u(g, o, a);
            }
            return;
        }
        if (o != a) {
            x86_emit_mov(g, TCG_TYPE_I64, o, a);
        }
        x86_arith_any(g, ext, rexw, o, v);
        x86_note_zf(g, o, rexw);
        return;
    }
    if (o == b) {
        b = a;
    } else if (o != a) {
        x86_emit_mov(g, TCG_TYPE_I64, o, a);
    }
    x86_emit_arith(g, ext, rexw, o, b);
    x86_note_zf(g, o, rexw);
}

static void x86_gen_andc_orc(X86Gen *g, bool is_and, int rexw, const X86OpRegs *r)
{
    int o = r->oreg[0];    /* == input 0, except with ANDN */
    int ext = is_and ? ARITH_AND : ARITH_OR;

    if (is_and && x86_have_bmi1) {
        if (r->iconst[1]) {
            x86_emit_mov(g, TCG_TYPE_I64, o, r->ireg[0]);
            x86_arith_any(g, ARITH_AND, rexw, o, ~r->ival[1]);
        } else {
            /* andn o, b, a: o = ~b & a */
            x86_emit_vex_modrm(g, OPC_ANDN, 0, rexw, o, r->ireg[1], r->ireg[0]);
        }
        return;
    }
    if (r->iconst[1]) {
        x86_arith_any(g, ext, rexw, o, ~r->ival[1]);
        return;
    }
    x86_emit_mov(g, TCG_TYPE_I64, X86_TMP, r->ireg[1]);
    x86_emit_modrm(g, OPC_GRP3_Ev | rexw, EXT3_NOT, X86_TMP);
    x86_emit_arith(g, ext, rexw, o, X86_TMP);
}

static void x86_gen_shift(X86Gen *g, int ext, int rexw, const X86OpRegs *r)
{
    int o = r->oreg[0];    /* == input 0, except with BMI2 */
    bool bmi2 = x86_have_bmi2 && ext != SHIFT_ROL && ext != SHIFT_ROR;

    if (bmi2 && !r->iconst[1]) {
        /* shlx/shrx/sarx o, a, count: count masked like the IR wants. */
        int pp = ext == SHIFT_SHL ? 1 : ext == SHIFT_SAR ? 2 : 3;
        x86_emit_vex_modrm(g, OPC_SHLX, pp, rexw, o, r->ireg[1], r->ireg[0]);
        return;
    }
    if (bmi2) {
        x86_emit_mov(g, TCG_TYPE_I64, o, r->ireg[0]);
    }
    if (r->iconst[1]) {
        int count = r->ival[1] & (rexw ? 63 : 31);
        if (count) {
            x86_emit_shifti(g, ext, rexw, o, count);
        }
    } else {
        /* The hardware masks the count in cl to 5 or 6 bits, as the IR wants. */
        x86_emit_modrm(g, OPC_SHIFT_cl | rexw, ext, o);
    }
}

static void x86_gen_divrem(X86Gen *g, bool sign, int rexw, const X86OpRegs *r)
{
    if (sign) {
        /* cdq / cqo: sign-extend rax into rdx. */
        x86_emit_opc(g, 0x99 | rexw, 0, 0, 0);
    } else {
        x86_emit_arith(g, ARITH_XOR, 0, X86_RDX, X86_RDX);
    }
    x86_emit_modrm(g, OPC_GRP3_Ev | rexw, sign ? EXT3_IDIV : EXT3_DIV, r->ireg[1]);
}

/* clz/ctz: out = a ? count(a) : b. */
static void x86_gen_cntz(X86Gen *g, bool is_clz, int rexw, const X86OpRegs *r)
{
    int o = r->oreg[0], a = r->ireg[0];
    int width = rexw ? 64 : 32;
    bool have = is_clz ? x86_have_lzcnt : x86_have_bmi1;
    int breg;

    if (have) {
        /* lzcnt/tzcnt give the width for 0 and set CF. */
        if (r->iconst[1]) {
            if (((uint64_t)r->ival[1] & (width == 64 ? ~0ull : 0xffffffffull)) == (uint64_t)width) {
                x86_emit_modrm(g, (is_clz ? OPC_LZCNT : OPC_TZCNT) | rexw, o, a);
                return;
            }
            x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, r->ival[1]);
            breg = X86_TMP;
        } else {
            breg = r->ireg[1];
        }
        x86_emit_modrm(g, (is_clz ? OPC_LZCNT : OPC_TZCNT) | rexw, o, a);
        x86_emit_modrm(g, (OPC_CMOVCC + JCC_JB) | rexw, o, breg);
        return;
    }
    /* bsr/bsf set ZF for 0 and leave the destination undefined. */
    if (r->iconst[1]) {
        int64_t v = r->ival[1];
        x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, is_clz ? v ^ (width - 1) : v);
    } else {
        x86_emit_mov(g, TCG_TYPE_I64, X86_TMP, r->ireg[1]);
        if (is_clz) {
            x86_emit_arithi(g, ARITH_XOR, rexw, X86_TMP, width - 1);
        }
    }
    x86_emit_modrm(g, (is_clz ? OPC_BSR : OPC_BSF) | rexw, o, a);
    x86_emit_modrm(g, (OPC_CMOVCC + JCC_JE) | rexw, o, X86_TMP);
    if (is_clz) {
        /* bsr gives the index of the top bit: clz = (width - 1) - index. */
        x86_emit_arithi(g, ARITH_XOR, rexw, o, width - 1);
    }
}

static void x86_gen_ctpop(X86Gen *g, int rexw, const X86OpRegs *r)
{
    int o = r->oreg[0], a = r->ireg[0];

    if (x86_have_popcnt) {
        x86_emit_modrm(g, OPC_POPCNT | rexw, o, a);
        return;
    }
    /* One bit per iteration: shr moves the low bit to CF, adc counts it. */
    x86_emit_mov(g, TCG_TYPE_I64, X86_TMP, a);
    x86_emit_arith(g, ARITH_XOR, 0, o, o);
    uint8_t *loop = g->code_ptr;
    x86_emit_shifti(g, SHIFT_SHR, rexw, X86_TMP, 1);
    x86_emit_modrm(g, OPC_ARITH_EvIb, ARITH_ADC, o);
    x86_out8(g, 0);
    x86_emit_modrm(g, OPC_TESTL | rexw, X86_TMP, X86_TMP);
    x86_out8(g, OPC_JCC_short + JCC_JNE);
    x86_out8(g, (uint8_t)(loop - (g->code_ptr + 1)));
}

static void x86_gen_deposit(X86Gen *g, int rexw, unsigned pos, unsigned len,
                            const X86OpRegs *r)
{
    int o = r->oreg[0], b = r->ireg[1];     /* o == input 0 */
    unsigned width = rexw ? 64 : 32;

    if (len == width) {
        x86_emit_mov(g, rexw ? TCG_TYPE_I64 : TCG_TYPE_I32, o, b);
        return;
    }
    if (pos == 0 && len == 8) {
        x86_emit_modrm(g, OPC_MOVB_EvGv | P_REXB_R | P_REXB_RM, b, o);
        return;
    }
    if (pos == 0 && len == 16) {
        x86_emit_modrm(g, OPC_MOVL_EvGv | P_DATA16, b, o);
        return;
    }
    /* TMP = (b & lenmask) << pos. */
    x86_emit_mov(g, TCG_TYPE_I64, X86_TMP, b);
    x86_emit_shifti(g, SHIFT_SHL, rexw, X86_TMP, width - len);
    if (width - len - pos) {
        x86_emit_shifti(g, SHIFT_SHR, rexw, X86_TMP, width - len - pos);
    }
    /* Clear the field in o. */
    uint64_t mask = (len == 64 ? ~0ull : ((1ull << len) - 1)) << pos;
    int64_t keep = rexw ? (int64_t)~mask : (int32_t)~(uint32_t)mask;
    if (!rexw || x86_fits_s32(keep)) {
        x86_emit_arithi(g, ARITH_AND, rexw, o, keep);
    } else {
        if (pos) {
            x86_emit_shifti(g, SHIFT_ROR, rexw, o, pos);
        }
        x86_emit_shifti(g, SHIFT_SHR, rexw, o, len);
        x86_emit_shifti(g, SHIFT_SHL, rexw, o, len);
        if (pos) {
            x86_emit_shifti(g, SHIFT_ROL, rexw, o, pos);
        }
    }
    x86_emit_arith(g, ARITH_OR, rexw, o, X86_TMP);
}

static void x86_gen_extract(X86Gen *g, bool sign, int rexw, unsigned pos, unsigned len,
                            const X86OpRegs *r)
{
    int o = r->oreg[0], a = r->ireg[0];
    unsigned width = rexw ? 64 : 32;
    TCGType t = rexw ? TCG_TYPE_I64 : TCG_TYPE_I32;

    if (pos == 0 && len == 8) {
        sign ? x86_emit_ext8s(g, rexw, o, a) : x86_emit_ext8u(g, o, a);
        return;
    }
    if (pos == 0 && len == 16) {
        sign ? x86_emit_ext16s(g, rexw, o, a) : x86_emit_ext16u(g, o, a);
        return;
    }
    if (pos == 0 && len == 32 && rexw) {
        sign ? x86_emit_ext32s(g, o, a) : x86_emit_ext32u(g, o, a);
        return;
    }
    x86_emit_mov(g, t, o, a);
    if (pos + len == width) {
        x86_emit_shifti(g, sign ? SHIFT_SAR : SHIFT_SHR, rexw, o, pos);
    } else if (!sign && len < 32) {
        if (pos) {
            x86_emit_shifti(g, SHIFT_SHR, rexw, o, pos);
        }
        x86_emit_arithi(g, ARITH_AND, 0, o, (1u << len) - 1);
    } else {
        x86_emit_shifti(g, SHIFT_SHL, rexw, o, width - pos - len);
        x86_emit_shifti(g, sign ? SHIFT_SAR : SHIFT_SHR, rexw, o, width - len);
    }
}

static void x86_gen_ldst_env(X86Gen *g, TCGOpcode opc, const X86OpRegs *r, intptr_t off)
{
    int base;

    switch (opc) {
    case INDEX_op_ld8u_i32:
    case INDEX_op_ld8u_i64:
        base = x86_host_addr(g, r->ireg[0], &off);
        x86_emit_modrm_off(g, OPC_MOVZBL, r->oreg[0], base, off);
        return;
    case INDEX_op_ld8s_i32:
    case INDEX_op_ld8s_i64:
        base = x86_host_addr(g, r->ireg[0], &off);
        x86_emit_modrm_off(g, OPC_MOVSBL | (opc == INDEX_op_ld8s_i64 ? P_REXW : 0),
                           r->oreg[0], base, off);
        return;
    case INDEX_op_ld16u_i32:
    case INDEX_op_ld16u_i64:
        base = x86_host_addr(g, r->ireg[0], &off);
        x86_emit_modrm_off(g, OPC_MOVZWL, r->oreg[0], base, off);
        return;
    case INDEX_op_ld16s_i32:
    case INDEX_op_ld16s_i64:
        base = x86_host_addr(g, r->ireg[0], &off);
        x86_emit_modrm_off(g, OPC_MOVSWL | (opc == INDEX_op_ld16s_i64 ? P_REXW : 0),
                           r->oreg[0], base, off);
        return;
    case INDEX_op_ld_i32:
    case INDEX_op_ld32u_i64:
        base = x86_host_addr(g, r->ireg[0], &off);
        x86_emit_ld(g, TCG_TYPE_I32, r->oreg[0], base, off);
        return;
    case INDEX_op_ld32s_i64:
        base = x86_host_addr(g, r->ireg[0], &off);
        x86_emit_modrm_off(g, OPC_MOVSLQ, r->oreg[0], base, off);
        return;
    case INDEX_op_ld_i64:
        base = x86_host_addr(g, r->ireg[0], &off);
        x86_emit_ld(g, TCG_TYPE_I64, r->oreg[0], base, off);
        return;
    default:
        break;
    }

    /* Stores: value (input 0) may be an immediate. */
    int size;
    switch (opc) {
    case INDEX_op_st8_i32:
    case INDEX_op_st8_i64:
        size = 1;
        break;
    case INDEX_op_st16_i32:
    case INDEX_op_st16_i64:
        size = 2;
        break;
    case INDEX_op_st_i32:
    case INDEX_op_st32_i64:
        size = 4;
        break;
    default:
        size = 8;
        break;
    }
    base = x86_host_addr(g, r->ireg[1], &off);
    if (r->iconst[0]) {
        int64_t v = r->ival[0];
        switch (size) {
        case 1:
            x86_emit_modrm_off(g, OPC_MOVB_EvIz, 0, base, off);
            x86_out8(g, (uint8_t)v);
            break;
        case 2:
            x86_emit_modrm_off(g, OPC_MOVL_EvIz | P_DATA16, 0, base, off);
            x86_out8(g, (uint8_t)v);
            x86_out8(g, (uint8_t)(v >> 8));
            break;
        case 4:
            x86_emit_sti(g, TCG_TYPE_I32, v, base, off);
            break;
        default:
            x86_emit_sti(g, TCG_TYPE_I64, v, base, off);
            break;
        }
        return;
    }
    switch (size) {
    case 1:
        x86_emit_modrm_off(g, OPC_MOVB_EvGv | P_REXB_R, r->ireg[0], base, off);
        break;
    case 2:
        x86_emit_modrm_off(g, OPC_MOVL_EvGv | P_DATA16, r->ireg[0], base, off);
        break;
    case 4:
        x86_emit_st(g, TCG_TYPE_I32, r->ireg[0], base, off);
        break;
    default:
        x86_emit_st(g, TCG_TYPE_I64, r->ireg[0], base, off);
        break;
    }
}

/*
 * "setcond a, a, b, c" with a's old value dying there (MIPS "sltu v1, v1, t0", a
 * register compared and overwritten with the result): "cmp a, b; setcc a8; movzx
 * a, a8" in a's register, where a fresh output register took "xor o, o; cmp a, b;
 * setcc o" and then a move home when a is a loop's pinned global.
 */
static bool x86_setcond_in_place(const TCGOp *op)
{
    TCGTemp *o = arg_temp(op->args[0]), *a = arg_temp(op->args[1]);
    TCGCond c = (TCGCond)op->args[3];

    return o == a && IS_DEAD_ARG(op, 1) && arg_temp(op->args[2]) != a &&
           c != TCG_COND_ALWAYS && c != TCG_COND_NEVER;
}

/* Ops that go through the generic constraint path. */
static void x86_gen_generic(X86Gen *g, const TCGOp *op)
{
    TCGOpcode opc = op->opc;
    int nb_o = x86_op_info[opc].nb_o, nb_i = x86_op_info[opc].nb_i;
    const uint64_t *cargs = &op->args[nb_o + nb_i];
    const X86OpCon *con;
    X86OpRegs r;
    int rexw = 0;

    switch (opc) {
    case INDEX_op_add_i64: case INDEX_op_sub_i64: case INDEX_op_mul_i64:
    case INDEX_op_and_i64: case INDEX_op_or_i64: case INDEX_op_xor_i64:
    case INDEX_op_andc_i64: case INDEX_op_orc_i64: case INDEX_op_shl_i64:
    case INDEX_op_shr_i64: case INDEX_op_sar_i64: case INDEX_op_rotl_i64:
    case INDEX_op_rotr_i64: case INDEX_op_neg_i64: case INDEX_op_not_i64:
    case INDEX_op_div_i64: case INDEX_op_divu_i64: case INDEX_op_rem_i64:
    case INDEX_op_remu_i64: case INDEX_op_setcond_i64: case INDEX_op_movcond_i64:
    case INDEX_op_brcond_i64: case INDEX_op_clz_i64: case INDEX_op_ctz_i64:
    case INDEX_op_ctpop_i64: case INDEX_op_deposit_i64: case INDEX_op_extract_i64:
    case INDEX_op_sextract_i64: case INDEX_op_mulu2_i64: case INDEX_op_muls2_i64:
    case INDEX_op_divrem_i64: case INDEX_op_divremu_i64: case INDEX_op_add2_i64: case INDEX_op_sub2_i64: case INDEX_op_bswap64_i64:
    case INDEX_op_ext8s_i64: case INDEX_op_ext16s_i64:
        rexw = P_REXW;
        break;
    default:
        break;
    }

    switch (opc) {
    case INDEX_op_add_i32: case INDEX_op_add_i64:
    case INDEX_op_mul_i32: case INDEX_op_mul_i64:
    case INDEX_op_and_i32: case INDEX_op_and_i64:
    case INDEX_op_or_i32: case INDEX_op_or_i64:
    case INDEX_op_xor_i32: case INDEX_op_xor_i64:
        con = &con_com_ra;
        break;
    case INDEX_op_andc_i32: case INDEX_op_andc_i64:
        con = x86_have_bmi1 ? &con_r_r_ri : &con_a_r_ra;
        break;
    case INDEX_op_sub_i32: case INDEX_op_sub_i64:
    case INDEX_op_orc_i32: case INDEX_op_orc_i64:
        con = &con_a_r_ra;
        break;
    case INDEX_op_shl_i32: case INDEX_op_shl_i64:
    case INDEX_op_shr_i32: case INDEX_op_shr_i64:
    case INDEX_op_sar_i32: case INDEX_op_sar_i64:
        con = x86_have_bmi2 ? &con_r_r_ri : &con_shift;
        break;
    case INDEX_op_rotl_i32: case INDEX_op_rotl_i64:
    case INDEX_op_rotr_i32: case INDEX_op_rotr_i64:
        con = &con_shift;
        break;
    case INDEX_op_neg_i32: case INDEX_op_neg_i64:
    case INDEX_op_not_i32: case INDEX_op_not_i64:
    case INDEX_op_bswap32_i32: case INDEX_op_bswap64_i64:
        con = &con_a_r;
        break;
    case INDEX_op_div_i32: case INDEX_op_div_i64:
    case INDEX_op_divu_i32: case INDEX_op_divu_i64:
        con = &con_div;
        break;
    case INDEX_op_rem_i32: case INDEX_op_rem_i64:
    case INDEX_op_remu_i32: case INDEX_op_remu_i64:
        con = &con_rem;
        break;
    case INDEX_op_mulu2_i32: case INDEX_op_mulu2_i64:
    case INDEX_op_muls2_i32: case INDEX_op_muls2_i64:
    case INDEX_op_divrem_i32: case INDEX_op_divrem_i64:
    case INDEX_op_divremu_i32: case INDEX_op_divremu_i64:
        con = &con_mul2;
        break;
    case INDEX_op_add2_i32: case INDEX_op_add2_i64:
    case INDEX_op_sub2_i32: case INDEX_op_sub2_i64:
        con = &con_addsub2;
        break;
    case INDEX_op_setcond_i32: case INDEX_op_setcond_i64:
        con = x86_setcond_in_place(op) ? &con_setcond_in_place : &con_setcond;
        break;
    case INDEX_op_movcond_i32: case INDEX_op_movcond_i64:
        con = &con_movcond;
        break;
    case INDEX_op_clz_i32: case INDEX_op_clz_i64:
    case INDEX_op_ctz_i32: case INDEX_op_ctz_i64:
        con = &con_cntz;
        break;
    case INDEX_op_ctpop_i32: case INDEX_op_ctpop_i64:
        con = x86_have_popcnt ? &con_r_r : &con_setcond;
        break;
    case INDEX_op_deposit_i32: case INDEX_op_deposit_i64:
        con = &con_a_r_r;
        break;
    case INDEX_op_ld8u_i32: case INDEX_op_ld8s_i32: case INDEX_op_ld16u_i32:
    case INDEX_op_ld16s_i32: case INDEX_op_ld_i32: case INDEX_op_ld8u_i64:
    case INDEX_op_ld8s_i64: case INDEX_op_ld16u_i64: case INDEX_op_ld16s_i64:
    case INDEX_op_ld32u_i64: case INDEX_op_ld32s_i64: case INDEX_op_ld_i64:
        con = &con_ld;
        break;
    case INDEX_op_st8_i32: case INDEX_op_st16_i32: case INDEX_op_st_i32:
    case INDEX_op_st8_i64: case INDEX_op_st16_i64: case INDEX_op_st32_i64:
    case INDEX_op_st_i64:
        con = &con_st;
        break;
    default:
        /* Unary moves/extensions: any output register. */
        con = &con_r_r;
        break;
    }

    x86_ra_op(g, op, nb_o, nb_i, con, &r);
    int o = r.oreg[0], a = r.ireg[0];

    switch (opc) {
    case INDEX_op_add_i32: case INDEX_op_add_i64:
    case INDEX_op_sub_i32: case INDEX_op_sub_i64:
    case INDEX_op_mul_i32: case INDEX_op_mul_i64:
    case INDEX_op_and_i32: case INDEX_op_and_i64:
    case INDEX_op_or_i32: case INDEX_op_or_i64:
    case INDEX_op_xor_i32: case INDEX_op_xor_i64:
        x86_gen_binop(g, opc, rexw, &r);
        break;
    case INDEX_op_andc_i32: case INDEX_op_andc_i64:
        x86_gen_andc_orc(g, true, rexw, &r);
        break;
    case INDEX_op_orc_i32: case INDEX_op_orc_i64:
        x86_gen_andc_orc(g, false, rexw, &r);
        break;
    case INDEX_op_shl_i32: case INDEX_op_shl_i64:
        x86_gen_shift(g, SHIFT_SHL, rexw, &r);
        break;
    case INDEX_op_shr_i32: case INDEX_op_shr_i64:
        x86_gen_shift(g, SHIFT_SHR, rexw, &r);
        break;
    case INDEX_op_sar_i32: case INDEX_op_sar_i64:
        x86_gen_shift(g, SHIFT_SAR, rexw, &r);
        break;
    case INDEX_op_rotl_i32: case INDEX_op_rotl_i64:
        x86_gen_shift(g, SHIFT_ROL, rexw, &r);
        break;
    case INDEX_op_rotr_i32: case INDEX_op_rotr_i64:
        x86_gen_shift(g, SHIFT_ROR, rexw, &r);
        break;
    case INDEX_op_neg_i32: case INDEX_op_neg_i64:
        x86_emit_modrm(g, OPC_GRP3_Ev | rexw, EXT3_NEG, o);
        break;
    case INDEX_op_not_i32: case INDEX_op_not_i64:
        x86_emit_modrm(g, OPC_GRP3_Ev | rexw, EXT3_NOT, o);
        break;
    case INDEX_op_div_i32: case INDEX_op_div_i64:
    case INDEX_op_rem_i32: case INDEX_op_rem_i64:
    case INDEX_op_divrem_i32: case INDEX_op_divrem_i64:
        x86_gen_divrem(g, true, rexw, &r);
        break;
    case INDEX_op_divu_i32: case INDEX_op_divu_i64:
    case INDEX_op_remu_i32: case INDEX_op_remu_i64:
    case INDEX_op_divremu_i32: case INDEX_op_divremu_i64:
        x86_gen_divrem(g, false, rexw, &r);
        break;
    case INDEX_op_mulu2_i32: case INDEX_op_mulu2_i64:
        x86_emit_modrm(g, OPC_GRP3_Ev | rexw, EXT3_MUL, r.ireg[1]);
        break;
    case INDEX_op_muls2_i32: case INDEX_op_muls2_i64:
        x86_emit_modrm(g, OPC_GRP3_Ev | rexw, EXT3_IMUL, r.ireg[1]);
        break;
    case INDEX_op_add2_i32: case INDEX_op_add2_i64:
    case INDEX_op_sub2_i32: case INDEX_op_sub2_i64: {
        bool add = opc == INDEX_op_add2_i32 || opc == INDEX_op_add2_i64;
        /* Immediates first go through TMP only for the high half (the low half's
         * add sets the carry that adc consumes). */
        if (r.iconst[2]) {
            x86_arith_any(g, add ? ARITH_ADD : ARITH_SUB, rexw, r.oreg[0], r.ival[2]);
        } else {
            x86_emit_arith(g, add ? ARITH_ADD : ARITH_SUB, rexw, r.oreg[0], r.ireg[2]);
        }
        if (r.iconst[3]) {
            x86_emit_arithi(g, add ? ARITH_ADC : ARITH_SBB, rexw, r.oreg[1], r.ival[3]);
        } else {
            x86_emit_arith(g, add ? ARITH_ADC : ARITH_SBB, rexw, r.oreg[1], r.ireg[3]);
        }
        break;
    }
    case INDEX_op_setcond_i32: case INDEX_op_setcond_i64: {
        TCGCond c = (TCGCond)cargs[0];
        if (c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
            x86_emit_movi(g, TCG_TYPE_I32, o, c == TCG_COND_ALWAYS);
            break;
        }
        if (r.iconst[1] && rexw && !x86_fits_s32(r.ival[1])) {
            /* Load TMP before the xor: movi must not come between cmp and setcc. */
            x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, r.ival[1]);
            r.iconst[1] = false;
            r.ireg[1] = X86_TMP;
        }
        if (o == a) {
            /* In place (con_setcond_in_place): the compare reads a before setcc
             * writes its low byte; then zero the rest. */
            int cc = x86_gen_cmp(g, c, rexw, a, &r, 1);
            x86_emit_modrm(g, OPC_SETCC + cc, 0, o);
            x86_emit_ext8u(g, o, o);
            break;
        }
        x86_emit_arith(g, ARITH_XOR, 0, o, o);
        int cc = x86_gen_cmp(g, c, rexw, a, &r, 1);
        x86_emit_modrm(g, OPC_SETCC + cc, 0, o);
        break;
    }
    case INDEX_op_movcond_i32: case INDEX_op_movcond_i64: {
        TCGCond c = (TCGCond)cargs[0];
        if (c == TCG_COND_ALWAYS) {
            x86_emit_mov(g, rexw ? TCG_TYPE_I64 : TCG_TYPE_I32, o, r.ireg[2]);
        } else if (c != TCG_COND_NEVER) {
            int cc = x86_gen_cmp(g, c, rexw, a, &r, 1);
            x86_emit_modrm(g, (OPC_CMOVCC + cc) | rexw, o, r.ireg[2]);
        }
        break;
    }
    case INDEX_op_clz_i32: case INDEX_op_clz_i64:
        x86_gen_cntz(g, true, rexw, &r);
        break;
    case INDEX_op_ctz_i32: case INDEX_op_ctz_i64:
        x86_gen_cntz(g, false, rexw, &r);
        break;
    case INDEX_op_ctpop_i32: case INDEX_op_ctpop_i64:
        x86_gen_ctpop(g, rexw, &r);
        break;
    case INDEX_op_deposit_i32: case INDEX_op_deposit_i64:
        x86_gen_deposit(g, rexw, cargs[0], cargs[1], &r);
        break;
    case INDEX_op_extract_i32: case INDEX_op_extract_i64:
        x86_gen_extract(g, false, rexw, cargs[0], cargs[1], &r);
        break;
    case INDEX_op_sextract_i32: case INDEX_op_sextract_i64:
        x86_gen_extract(g, true, rexw, cargs[0], cargs[1], &r);
        break;
    case INDEX_op_ext8s_i32: case INDEX_op_ext8s_i64:
        x86_emit_ext8s(g, rexw, o, a);
        break;
    case INDEX_op_ext8u_i32: case INDEX_op_ext8u_i64:
        x86_emit_ext8u(g, o, a);
        break;
    case INDEX_op_ext16s_i32: case INDEX_op_ext16s_i64:
        x86_emit_ext16s(g, rexw, o, a);
        break;
    case INDEX_op_ext16u_i32: case INDEX_op_ext16u_i64:
        x86_emit_ext16u(g, o, a);
        break;
    case INDEX_op_ext32s_i64: case INDEX_op_ext_i32_i64:
        x86_emit_ext32s(g, o, a);
        break;
    case INDEX_op_ext32u_i64: case INDEX_op_extrl_i64_i32:
        x86_emit_ext32u(g, o, a);
        break;
    case INDEX_op_extu_i32_i64:
        /* i32 registers already have a clear upper half. */
        if (o != a) {
            x86_emit_ext32u(g, o, a);
        }
        break;
    case INDEX_op_extrh_i64_i32:
        x86_emit_mov(g, TCG_TYPE_I64, o, a);
        x86_emit_shifti(g, SHIFT_SHR, P_REXW, o, 32);
        break;
    case INDEX_op_bswap16_i32: case INDEX_op_bswap16_i64:
        x86_emit_ext16u(g, o, a);
        x86_emit_shifti(g, SHIFT_ROL, P_DATA16, o, 8);
        break;
    case INDEX_op_bswap32_i32:
        x86_emit_opc(g, OPC_BSWAP + (o & 7), 0, o, 0);
        break;
    case INDEX_op_bswap32_i64:
        x86_emit_ext32u(g, o, a);
        x86_emit_opc(g, OPC_BSWAP + (o & 7), 0, o, 0);
        break;
    case INDEX_op_bswap64_i64:
        x86_emit_opc(g, (OPC_BSWAP + (o & 7)) | P_REXW, 0, o, 0);
        break;
    default:
        x86_gen_ldst_env(g, opc, &r, (intptr_t)cargs[0]);
        break;
    }
    x86_ra_op_finish(g, op, nb_o, nb_i);
}

static void x86_gen_brcond(X86Gen *g, const TCGOp *op, int rexw)
{
    TCGCond c = (TCGCond)op->args[2];
    TCGLabel *l = arg_label(op->args[3]);
    X86OpRegs r;

    x86_ra_op(g, op, 0, 2, &con_brcond, &r);
    /* "and t, x, 1; brcond t, 0, ne": the and's ZF is the test. Checked before the
     * block end, whose write-backs and moves home (mov only) keep the flags. */
    bool zf_ready = (c == TCG_COND_EQ || c == TCG_COND_NE) && r.iconst[1] &&
                    r.ival[1] == 0 && g->zf_end == g->code_ptr &&
                    g->zf_reg == r.ireg[0] && g->zf_rexw == rexw;
    x86_ra_bb_end_branch(g, op, l);
    if (c == TCG_COND_NEVER) {
        return;
    }
    if (c == TCG_COND_ALWAYS) {
        x86_emit_jmp_label(g, l);
        return;
    }
    if (zf_ready) {
        x86_emit_jcc_label(g, x86_jcc_of_cond[c], l);
        return;
    }
    x86_emit_jcc_label(g, x86_gen_cmp(g, c, rexw, r.ireg[0], &r, 1), l);
}

/*
 * "ld_i32 t, env, off; brcond_i32 t, K, c, L" with t dying at the branch (the check
 * of exit_request_tb that starts every TB) compares the field in memory:
 * "cmp dword [env + off], K; jcc L" needs no register and one instruction less.
 * When a "br L2" follows (a loop's back edge after its exit-request check), the
 * check branches back on the inverted condition and jumps to the cold exit:
 * "cmp; je L2; jmp L" runs one instruction less per iteration than
 * "cmp; jne L; jmp L2". Returns the last op done (the brcond or the br), or NULL
 * (emitting nothing) when the pair does not have that shape.
 */
static TCGOp *x86_gen_ld_brcond(X86Gen *g, TCGOp *op)
{
    TCGOp *br = op->next;
    TCGTemp *t = arg_temp(op->args[0]);

    if (!br || br->opc != INDEX_op_brcond_i32 || arg_temp(br->args[0]) != t ||
        !IS_DEAD_ARG(br, 0) || t->kind != TEMP_TB ||
        arg_temp(op->args[1])->kind != TEMP_FIXED || !x86_fits_s32((int64_t)op->args[2])) {
        return NULL;
    }
    TCGTemp *k = arg_temp(br->args[1]);
    TCGCond c = (TCGCond)br->args[2];
    if (k->kind != TEMP_CONST || c == TCG_COND_ALWAYS || c == TCG_COND_NEVER) {
        return NULL;
    }
    int32_t v = (int32_t)k->val;
    x86_ra_bb_end(g);
    x86_emit_modrm_off(g, x86_fits_s8(v) ? OPC_ARITH_EvIb : OPC_ARITH_EvIz, ARITH_CMP,
                       X86_AREG0, (intptr_t)op->args[2]);
    if (x86_fits_s8(v)) {
        x86_out8(g, (uint8_t)v);
    } else {
        x86_out32(g, (uint32_t)v);
    }
    x86_ra_temp_dead(g, t);
    TCGOp *jmp = br->next;
    if (jmp && jmp->opc == INDEX_op_br) {
        /* The br's block end has nothing left to write back: the brcond's did it. */
        x86_emit_jcc_label(g, x86_jcc_of_cond[tcg_invert_cond(c)], arg_label(jmp->args[0]));
        x86_emit_jmp_label(g, arg_label(br->args[3]));
        x86_ra_label_reset(g);
        return jmp;
    }
    x86_emit_jcc_label(g, x86_jcc_of_cond[c], arg_label(br->args[3]));
    return br;
}

/*
 * A carry added in: "setcond_i32 t, a, b, ltu; add_i32 d, t, x" (or d, x, t), t
 * dying at the add (MIPS sltu carry chains, 64-bit adds on a 32-bit guest):
 *     cmp a, b ; (mov d, x) ; adc d, 0
 * instead of "xor t, t; cmp a, b; setb t; (mov d, x); add d, t". gtu compares
 * the other way round. t must be a scratch temp, or the add's own output (a
 * global written by both, as in `sltu v0, t2, v0; addu v0, v0, t5`), so that
 * its in-between value is never needed. The registers are resolved for the
 * pair as one op (inputs a, b, x; output d), so every load and spill comes
 * before the compare; d may take a's or b's register when they die there.
 * Returns false (emitting nothing) otherwise.
 */
static const X86OpCon con_setcond_add = {
    .o = { OUT_R }, .i = { IN_R, IN_RA, IN_R },
};

static bool x86_gen_setcond_add(X86Gen *g, const TCGOp *op)
{
    const TCGOp *add = op->next;

    /* Across a guest insn boundary too (MIPS: sltu, then addu): neither op can
     * fault, so which insn's host range holds the code does not matter. The
     * insn_start ops are handled after, in their order; the add is skipped. */
    while (add && add->opc == INDEX_op_insn_start) {
        add = add->next;
    }
    TCGTemp *t = arg_temp(op->args[0]);
    TCGCond c = (TCGCond)op->args[3];
    int ai = 1, bi = 2, ti;

    if (!add || add->opc != INDEX_op_add_i32 ||
        (c != TCG_COND_LTU && c != TCG_COND_GTU) || NEED_SYNC_ARG(op, 0)) {
        return false;
    }
    if (arg_temp(add->args[1]) == t && arg_temp(add->args[2]) != t) {
        ti = 1;
    } else if (arg_temp(add->args[2]) == t && arg_temp(add->args[1]) != t) {
        ti = 2;
    } else {
        return false;
    }
    TCGTemp *d = arg_temp(add->args[0]);
    if (!IS_DEAD_ARG(add, ti) ||
        (t != d && (t->kind == TEMP_GLOBAL || t->kind == TEMP_FIXED ||
                    x86_pin_reg(g, t) >= 0)) ||
        t->kind == TEMP_CONST) {
        return false;
    }
    if (c == TCG_COND_GTU) {
        /* a >u b is b <u a (b then goes to a register, even a constant). */
        ai = 2;
        bi = 1;
    }

    /* The pair as one op: d = x + (a <u b). */
    TCGOp fake;
    int xi = 3 - ti;
    memset(&fake, 0, offsetof(TCGOp, next));
    fake.opc = INDEX_op_add_i32;
    fake.args[0] = add->args[0];
    fake.args[1] = op->args[ai];
    fake.args[2] = op->args[bi];
    fake.args[3] = add->args[xi];
    fake.life_dead = (uint16_t)(IS_DEAD_ARG(add, 0) | IS_DEAD_ARG(op, ai) << 1 |
                                IS_DEAD_ARG(op, bi) << 2 | IS_DEAD_ARG(add, xi) << 3);
    fake.life_sync = (uint16_t)NEED_SYNC_ARG(add, 0);
    fake.out_hint = 0;

    X86OpRegs r;
    x86_ra_op(g, &fake, 1, 3, &con_setcond_add, &r);
    x86_gen_cmp(g, TCG_COND_LTU, 0, r.ireg[0], &r, 1);
    /* mov keeps the flags; d may have taken a dying a's or b's register. */
    x86_emit_mov(g, TCG_TYPE_I32, r.oreg[0], r.ireg[2]);
    x86_emit_arithi(g, ARITH_ADC, 0, r.oreg[0], 0);
    x86_ra_op_finish(g, &fake, 1, 3);
    if (t != d) {
        x86_ra_temp_dead(g, t);
    }
    g->skip_op = add;
    return true;
}

static void x86_gen_exit_tb(X86Gen *g, uintptr_t val)
{
    x86_ra_sync_globals(g);
    if (val == 0) {
        x86_emit_jmp_abs(g, tcg_code_gen_epilogue);
        return;
    }
    /* TB headers live in a pool mapped near the code buffer: a rip-relative lea
     * usually reaches them (the lea runs in the executable view). */
    int64_t disp = (intptr_t)val - (x86_rx_ptr(g) + 7);
    if (val == (uint32_t)val || !x86_fits_s32(disp)) {
        x86_emit_movi(g, TCG_TYPE_I64, X86_RAX, val);
    } else {
        x86_emit_opc(g, OPC_LEA | P_REXW, X86_RAX, 0, 0);
        x86_out8(g, 0x05);               /* mod 00, rm 101: [rip + disp32] */
        x86_out32(g, (uint32_t)disp);
    }
    x86_emit_jmp_abs(g, x86_tb_ret_rx);
}

static void x86_gen_goto_tb(X86Gen *g, unsigned n)
{
    /* A self edge keeps the pinned globals in their registers when chained (to
     * the loop head, tb_add_jump); the unchained path stores them at the exit_tb
     * that follows. */
    bool self = g->pinned && (g->s->loop_slots & (1u << n));

    x86_pin_fixup(g);        /* the loop head wants them home */
    if (self) {
        x86_pin_sync_others(g);
    } else {
        x86_ra_sync_globals(g);
    }
    /* The displacement must be 4-aligned so that chaining is one atomic store. */
    int pad = (4 - (((uintptr_t)g->code_ptr + 1) & 3)) & 3;
    x86_emit_nops(g, pad);
    x86_out8(g, OPC_JMP_long);
    g->s->goto_tb_insn_off[n] = g->code_ptr - g->code_start;
    x86_out32(g, 0);
    g->s->goto_tb_reset_off[n] = g->code_ptr - g->code_start;
}

static void x86_gen_goto_ptr(X86Gen *g, const TCGOp *op)
{
    X86OpRegs r;

    x86_ra_op(g, op, 0, 1, &con_ptr, &r);
    x86_ra_sync_globals(g);
    x86_emit_modrm(g, OPC_GRP5, EXT5_JMPN_Ev, r.ireg[0]);
}

static int x86_gen_code(TCGContext *s, struct TranslationBlock *tb, uint8_t *buf,
                        size_t size)
{
    static X86Gen *gen;
    X86Gen *g;
    int insn = -1;

    if (!gen) {
        gen = g_new0(X86Gen, 1);
    }
    g = gen;
    g->s = s;
    g->code_start = g->code_ptr = buf;
    g->code_end = buf + size;
    g->rx_diff = s->code_rx_diff;
    if (size <= X86_OP_MARGIN) {
        return -1;
    }
    g->code_limit = buf + size - X86_OP_MARGIN;
    g->overflow = false;
    g->zf_end = NULL;
    g->nb_relocs = 0;
    g->nb_ldst = 0;
    g->nb_ldst_sync = 0;
    g->win_tmp = -1;
    x86_ra_init(g);
    s->goto_tb_insn_off[0] = s->goto_tb_insn_off[1] = 0xffff;
    s->goto_tb_reset_off[0] = s->goto_tb_reset_off[1] = 0xffff;
    /* A self loop: load the pinned globals once; the chained self edge comes back
     * after the loads, to the TB-start check. A loop inside the TB (a region's
     * back edges) keeps them in their registers with no chaining at all. */
    g->nb_hoist = 0;
    g->nb_span = 0;
    if ((s->loop_slots || s->loop_internal) && x86_pin_setup(g)) {
        /* Loop-invariant accesses are checked here, before the head, too. */
        x86_hoist_setup(g);
        x86_span_setup(g);
        s->loop_head_off = g->code_ptr - g->code_start;
    }

    g->skip_op = NULL;
    g->fold_t = NULL;
    for (TCGOp *op = s->first_op; op; op = op->next) {
        if (g->code_ptr > g->code_limit || g->overflow) {
            return -1;
        }
        if (op == g->skip_op) {
            g->skip_op = NULL;      /* emitted with an earlier op */
            continue;
        }
        switch (op->opc) {
        case INDEX_op_insn_start:
            if (insn >= 0) {
                s->insn_end_off[insn] = g->code_ptr - g->code_start;
            }
            insn++;
            if (insn >= TCG_MAX_INSNS) {
                return -1;
            }
            s->insn_data[insn][0] = op->args[0];
            s->insn_data[insn][1] = op->args[1];
            break;
        case INDEX_op_discard:
            x86_ra_discard(g, arg_temp(op->args[0]));
            break;
        case INDEX_op_set_label:
            x86_ra_bb_end(g);
            x86_ra_label_reset(g);
            x86_bind_label(g, arg_label(op->args[0]));
            g->zf_end = NULL;       /* other paths arrive with other flags */
            break;
        case INDEX_op_br:
            x86_ra_bb_end(g);
            x86_emit_jmp_label(g, arg_label(op->args[0]));
            /* Nothing falls through: forget registers without writing back. */
            x86_ra_label_reset(g);
            break;
        case INDEX_op_ld_i32: {
            TCGOp *done = x86_gen_ld_brcond(g, op);
            if (done) {
                op = done;          /* the brcond (and a br after it) is done too */
            } else {
                x86_gen_generic(g, op);
            }
            break;
        }
        case INDEX_op_add_i32:
            if (!x86_hoist_skip_addr(g, op) && !x86_ldst_fold_addr(g, op)) {
                x86_gen_generic(g, op);
            }
            break;
        case INDEX_op_setcond_i32:
            if (!x86_gen_setcond_add(g, op)) {
                x86_gen_generic(g, op);
            }
            break;
        case INDEX_op_brcond_i32:
            x86_gen_brcond(g, op, 0);
            break;
        case INDEX_op_brcond_i64:
            x86_gen_brcond(g, op, P_REXW);
            break;
        case INDEX_op_mb:
            /* Single-threaded TCG and x86's strong ordering: nothing to fence. */
            break;
        case INDEX_op_exit_tb:
            x86_gen_exit_tb(g, (uintptr_t)op->args[0]);
            x86_ra_label_reset(g);
            break;
        case INDEX_op_goto_tb:
            x86_gen_goto_tb(g, op->args[0]);
            break;
        case INDEX_op_goto_ptr:
            x86_gen_goto_ptr(g, op);
            x86_ra_label_reset(g);
            break;
        case INDEX_op_call:
            x86_ra_call(g, op);
            break;
        case INDEX_op_mov_i32:
        case INDEX_op_mov_i64:
            x86_ra_mov(g, op);
            break;
        case INDEX_op_qemu_ld_i32:
            x86_gen_qemu_ld(g, op, TCG_TYPE_I32);
            break;
        case INDEX_op_qemu_ld_i64:
            x86_gen_qemu_ld(g, op, TCG_TYPE_I64);
            break;
        case INDEX_op_qemu_st_i32:
            x86_gen_qemu_st(g, op, TCG_TYPE_I32);
            break;
        case INDEX_op_qemu_st_i64:
            x86_gen_qemu_st(g, op, TCG_TYPE_I64);
            break;
        case INDEX_op_qemu_probe_st_i64:
            x86_gen_qemu_probe_st(g, op);
            break;
        case INDEX_op_qemu_ld_lead_i32:
        case INDEX_op_qemu_ld_memb_i32:
            x86_gen_qemu_ld_shared(g, op, TCG_TYPE_I32, op->opc == INDEX_op_qemu_ld_lead_i32);
            break;
        case INDEX_op_qemu_ld_lead_i64:
        case INDEX_op_qemu_ld_memb_i64:
            x86_gen_qemu_ld_shared(g, op, TCG_TYPE_I64, op->opc == INDEX_op_qemu_ld_lead_i64);
            break;
        case INDEX_op_qemu_st_lead_i32:
        case INDEX_op_qemu_st_memb_i32:
            x86_gen_qemu_st_shared(g, op, TCG_TYPE_I32, op->opc == INDEX_op_qemu_st_lead_i32);
            break;
        case INDEX_op_qemu_st_lead_i64:
        case INDEX_op_qemu_st_memb_i64:
            x86_gen_qemu_st_shared(g, op, TCG_TYPE_I64, op->opc == INDEX_op_qemu_st_lead_i64);
            break;
        default:
            x86_gen_generic(g, op);
            break;
        }
        if (g->pin_pending) {
            /* One mov now rather than two registers for one value later. */
            x86_pin_fixup(g);
        }
    }
    if (g->overflow) {
        return -1;
    }
    if (insn >= 0) {
        s->insn_end_off[insn] = g->code_ptr - g->code_start;
    }
    if (!x86_gen_ldst_stubs(g)) {
        return -1;
    }
    return g->code_ptr - g->code_start;
}

/*
 * Prologue: uintptr_t prologue(void *env, const void *code). Saves the callee-saved
 * registers the allocator uses, reserves the frame (rsp 16-byte aligned inside TBs,
 * so helper calls need no adjustment), loads env into AREG0 and jumps to the TB.
 */
static size_t x86_gen_prologue(TCGContext *s, uint8_t *buf, size_t size)
{
    static const int8_t saved[] = {
        X86_RBP, X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15,
    };
    X86Gen g = { .s = s, .code_start = buf, .code_ptr = buf, .rx_diff = s->code_rx_diff };

    if (size < 128) {
        return 0;
    }
    x86_probe_cpu();
    for (unsigned i = 0; i < ARRAY_SIZE(saved); i++) {
        x86_emit_push(&g, saved[i]);
    }
    /* Entry rsp = 8 mod 16; six pushes keep that; the frame size is 8 mod 16. */
    x86_emit_arithi(&g, ARITH_SUB, P_REXW, X86_RSP, X86_FRAME_SIZE);
    x86_emit_mov(&g, TCG_TYPE_I64, X86_AREG0, X86_RDI);
    x86_emit_modrm(&g, OPC_GRP5, EXT5_JMPN_Ev, X86_RSI);

    /* Epilogue: jumping to tcg_code_gen_epilogue returns 0; x86_tb_ret_rx returns
     * whatever is in rax. */
    tcg_code_gen_epilogue = (const void *)x86_rx_ptr(&g);
    x86_emit_arith(&g, ARITH_XOR, 0, X86_RAX, X86_RAX);
    x86_tb_ret_rx = (const uint8_t *)x86_rx_ptr(&g);
    x86_emit_arithi(&g, ARITH_ADD, P_REXW, X86_RSP, X86_FRAME_SIZE);
    for (int i = ARRAY_SIZE(saved) - 1; i >= 0; i--) {
        x86_emit_pop(&g, saved[i]);
    }
    x86_out8(&g, OPC_RET);
    x86_prologue_rx = buf + g.rx_diff;
    return g.code_ptr - buf;
}

static uintptr_t x86_exec(void *env, const void *code)
{
    uintptr_t (*enter)(void *, const void *) =
        (uintptr_t (*)(void *, const void *))(uintptr_t)x86_prologue_rx;

    return enter(env, code);
}

/* Chaining: one aligned 4-byte store, atomic with respect to a CPU executing it. */
static void x86_patch_jump(uintptr_t jmp_addr, uintptr_t rx_jmp_addr, uintptr_t target)
{
    int64_t disp = (int64_t)target - (int64_t)(rx_jmp_addr + 4);

    assert((jmp_addr & 3) == 0 && x86_fits_s32(disp));
    __atomic_store_n((uint32_t *)jmp_addr, (uint32_t)(int32_t)disp, __ATOMIC_RELEASE);
}

static void x86_disas(FILE *f, const void *code, size_t size)
{
    disas_host(f, code, size);
}

const TCGBackend tcg_backend_x86_64 = {
    .name = "x86_64",
    .gen_prologue = x86_gen_prologue,
    .gen_code = x86_gen_code,
    .exec = x86_exec,
    .patch_jump = x86_patch_jump,
    .disas = x86_disas,
};
