/*
 * i386 integer arithmetic, logic, shifts, multiply/divide, bit and flag instructions
 * (Intel SDM Vol. 2). Flags are left lazy: each op records (cc_op, cc_dst, cc_src,
 * cc_src2) after its result has been stored.
 */
#include "qemu/osdep.h"
#include "internal.h"

enum { OP_ADD, OP_OR, OP_ADC, OP_SBB, OP_AND, OP_SUB, OP_XOR, OP_CMP };

static const TCGHelperInfo info_shift =
    TCG_HELPER(helper_x86_shift, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_shd =
    TCG_HELPER(helper_x86_shd, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_div =
    TCG_HELPER(helper_x86_div, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_idiv =
    TCG_HELPER(helper_x86_idiv, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_daa =
    TCG_HELPER(helper_x86_daa, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_das =
    TCG_HELPER(helper_x86_das, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_aaa =
    TCG_HELPER(helper_x86_aaa, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_aas =
    TCG_HELPER(helper_x86_aas, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_aam =
    TCG_HELPER(helper_x86_aam, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_aad =
    TCG_HELPER(helper_x86_aad, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);

/* Commit flags a helper left in env->cc_tmp (after the result's store). */
static void gen_commit_cc_tmp(DisasContext *s)
{
    tcg_gen_ld_i32(cpu_cc_src, tcg_env, offsetof(CPUX86State, cc_tmp));
    gen_set_cc_op(s, CC_OP_EFLAGS);
}

/* The operand kinds of an ALU destination. */
enum { DST_RM, DST_REG, DST_ACC };

static void gen_ld_dst(DisasContext *s, X86Insn *d, int kind, MemOp ot, TCGv_i32 v)
{
    if (kind == DST_RM) {
        gen_ld_rm(s, d, ot, v);
    } else {
        gen_ld_reg(s, ot, v, kind == DST_REG ? d->m.reg : R_EAX);
    }
}

static void gen_st_dst(DisasContext *s, X86Insn *d, int kind, MemOp ot, TCGv_i32 v)
{
    if (kind == DST_RM) {
        gen_st_rm(s, d, ot, v);
    } else {
        gen_st_reg(s, ot, kind == DST_REG ? d->m.reg : R_EAX, v);
    }
}

static void gen_alu_apply(DisasContext *s, X86Insn *d, int op, MemOp ot, int kind,
                          TCGv_i32 b)
{
    TCGv_i32 a, r, cin = NULL;
    bool in_place = ot == MO_32 && !(kind == DST_RM && d->m.is_mem);

    if (in_place) {
        /*
         * A 32-bit register destination is read and written in place (fewer IR
         * ops): the result goes straight into it, after which a is not read; b is
         * then a different register, a constant or a temp, or (logic ops, whose
         * flags do not keep b) the destination itself.
         */
        a = cpu_regs[kind == DST_REG ? d->m.reg : kind == DST_ACC ? R_EAX : d->m.rm];
        r = a;
    } else {
        a = x86_temp(s);
        gen_ld_dst(s, d, kind, ot, a);
        r = op == OP_CMP ? NULL : x86_temp(s);
    }
    if (op == OP_SUB) {
        /* Before the result is written: a may be the destination register. */
        tcg_gen_mov_i32(s->cc_srcT, a);
    }
    if (op == OP_ADC || op == OP_SBB) {
        cin = x86_temp(s);
        gen_compute_cf(s, cin);
    }
    switch (op) {
    case OP_ADD:
        tcg_gen_add_i32(r, a, b);
        break;
    case OP_ADC:
        tcg_gen_add_i32(r, a, b);
        tcg_gen_add_i32(r, r, cin);
        break;
    case OP_SUB:
        tcg_gen_sub_i32(r, a, b);
        break;
    case OP_CMP:
        /* The flags keep the operands (CC_OP_CMP): no difference computed. */
        tcg_gen_mov_i32(cpu_cc_dst, a);
        tcg_gen_mov_i32(cpu_cc_src, b);
        gen_set_cc_op(s, CC_OP_CMPB + ot);
        return;
    case OP_SBB:
        tcg_gen_sub_i32(r, a, b);
        tcg_gen_sub_i32(r, r, cin);
        break;
    case OP_AND:
        tcg_gen_and_i32(r, a, b);
        break;
    case OP_OR:
        tcg_gen_or_i32(r, a, b);
        break;
    default:
        tcg_gen_xor_i32(r, a, b);
        break;
    }
    if (!in_place) {
        gen_st_dst(s, d, kind, ot, r);
    }
    tcg_gen_mov_i32(cpu_cc_dst, r);
    switch (op) {
    case OP_ADD:
        tcg_gen_mov_i32(cpu_cc_src, b);
        gen_set_cc_op(s, CC_OP_ADDB + ot);
        break;
    case OP_ADC:
        tcg_gen_mov_i32(cpu_cc_src, b);
        gen_set_cc_src2(s, cin);
        gen_set_cc_op(s, CC_OP_ADCB + ot);
        break;
    case OP_SUB:
        tcg_gen_mov_i32(cpu_cc_src, b);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        s->srcT_valid = true;
        break;
    case OP_SBB:
        tcg_gen_mov_i32(cpu_cc_src, b);
        gen_set_cc_src2(s, cin);
        gen_set_cc_op(s, CC_OP_SBBB + ot);
        break;
    default:
        gen_set_cc_op(s, CC_OP_LOGICB + ot);
        break;
    }
}

/* 00-3F: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iz */
bool trans_alu_op(DisasContext *s, X86Insn *d)
{
    int op = (d->op >> 3) & 7;
    TCGv_i32 b;

    /*
     * A 32-bit source register is used in place, unless it is also the destination
     * of an op whose flags keep the source (gen_alu_apply reads it for cc_src after
     * writing the result): then a copy. CMP writes no register.
     */
    bool src_ok = op == OP_AND || op == OP_OR || op == OP_XOR || op == OP_CMP;

    switch (d->op & 7) {
    case 0:
    case 1:
        if (d->ot == MO_32 && (d->m.is_mem || d->m.rm != d->m.reg || src_ok)) {
            b = cpu_regs[d->m.reg];
        } else {
            b = x86_temp(s);
            gen_ld_reg(s, d->ot, b, d->m.reg);
        }
        gen_alu_apply(s, d, op, d->ot, DST_RM, b);
        break;
    case 2:
    case 3:
        if (s->prefix & PREFIX_LOCK) {
            return false;
        }
        if (d->ot == MO_32 && !d->m.is_mem && (d->m.rm != d->m.reg || src_ok)) {
            b = cpu_regs[d->m.rm];
        } else {
            b = x86_temp(s);
            gen_ld_rm(s, d, d->ot, b);
        }
        gen_alu_apply(s, d, op, d->ot, DST_REG, b);
        break;
    default:
        b = tcg_constant_i32(d->imm);
        gen_alu_apply(s, d, op, d->ot, DST_ACC, b);
        break;
    }
    return true;
}

/* 80/81/82/83 */
bool trans_grp1(DisasContext *s, X86Insn *d)
{
    TCGv_i32 b = tcg_constant_i32(d->imm);

    gen_alu_apply(s, d, d->m.reg, d->ot, DST_RM, b);
    return true;
}

/*
 * INC/DEC keep CF. When the op before is known, CF is computed inline (or is
 * already in cc_src); when it is not (at the start of a TB: Linux's and the XZ
 * decompressor's `dec reg; jne` and `inc reg` loop heads), computing it would call
 * a helper, so the op is kept instead (CC_OP_LAZY, cpu.h) and CF is computed only
 * if something reads it; ZF and SF stay inline.
 */
static void gen_inc_dec(DisasContext *s, X86Insn *d, int kind, MemOp ot, bool dec)
{
    TCGv_i32 a, r;
    int k = (dec ? 3 : 0) + ot;

    if (ot == MO_32 && (kind == DST_REG || !d->m.is_mem)) {
        /* A 32-bit register in place: what follows reads only r and the flags. */
        a = r = cpu_regs[kind == DST_REG ? d->m.reg : d->m.rm];
        tcg_gen_addi_i32(r, a, dec ? -1 : 1);
    } else {
        a = x86_temp(s);
        r = x86_temp(s);
        gen_ld_dst(s, d, kind, ot, a);
        tcg_gen_addi_i32(r, a, dec ? -1 : 1);
        gen_st_dst(s, d, kind, ot, r);
    }
    if (s->cc_op == CC_OP_DYNAMIC) {
        TCGv_i32 lazy_base = tcg_constant_i32(CC_OP_LAZY);
        TCGv_i32 t = x86_temp(s), u = x86_temp(s);

        /* Already lazy at run time: the op and cc_dst it kept stay. */
        tcg_gen_movcond_i32(TCG_COND_GEU, cpu_cc_lazy, cpu_cc_op, lazy_base,
                            cpu_cc_lazy, cpu_cc_dst);
        tcg_gen_shli_i32(t, cpu_cc_op, 3);
        tcg_gen_addi_i32(t, t, CC_OP_LAZY + k);
        tcg_gen_andi_i32(u, cpu_cc_op, ~7);
        tcg_gen_ori_i32(u, u, k);
        tcg_gen_movcond_i32(TCG_COND_GEU, cpu_cc_op, cpu_cc_op, lazy_base, u, t);
    } else if (CC_OP_IS_TR_LAZY(s->cc_op)) {
        tcg_gen_andi_i32(cpu_cc_op, cpu_cc_op, ~7);
        tcg_gen_ori_i32(cpu_cc_op, cpu_cc_op, k);
    } else if (s->cc_op != CC_OP_EFLAGS &&
               !(s->cc_op >= CC_OP_LOGICB && s->cc_op <= CC_OP_DECL)) {
        /*
         * A known op whose CF costs code (ADD/SUB: an add and a compare; ADC, SBB
         * and IMUL: a helper) that is usually dead, the next op rewriting the
         * flags, but kept alive by any memory access in between.
         */
        tcg_gen_mov_i32(cpu_cc_lazy, cpu_cc_dst);
        tcg_gen_movi_i32(cpu_cc_op, CC_OP_LAZY + (s->cc_op << 3) + k);
    } else {
        TCGv_i32 c = x86_temp(s);

        gen_compute_cf(s, c);
        tcg_gen_mov_i32(cpu_cc_dst, r);
        tcg_gen_mov_i32(cpu_cc_src, c);
        gen_set_cc_op(s, (dec ? CC_OP_DECB : CC_OP_INCB) + ot);
        return;
    }
    tcg_gen_mov_i32(cpu_cc_dst, r);
    s->lazy_written = true;
    s->cc_op = CC_OP_TR_LAZY + k;
    s->srcT_valid = false;
    s->cc_dst_narrow = false;
}

/* 40-4F */
bool trans_inc_dec_reg(DisasContext *s, X86Insn *d)
{
    d->m.reg = d->op & 7;
    gen_inc_dec(s, d, DST_REG, d->ot, d->op & 8);
    return true;
}

/* FE */
bool trans_grp4(DisasContext *s, X86Insn *d)
{
    if (d->m.reg > 1) {
        return false;
    }
    gen_inc_dec(s, d, DST_RM, MO_8, d->m.reg == 1);
    return true;
}

/* Used by FF /0 and /1 (trans-ctl.c decodes group 5). */
bool trans_grp5(DisasContext *s, X86Insn *d)
{
    if (d->m.reg > 1) {
        return false;
    }
    gen_inc_dec(s, d, DST_RM, d->ot, d->m.reg == 1);
    return true;
}

/* ---- shifts and rotates ---- */

static void gen_shift_const(DisasContext *s, X86Insn *d, int op, MemOp ot, int count)
{
    TCGv_i32 a, r, p = x86_temp(s);
    bool in_place = ot == MO_32 && !d->m.is_mem;

    if (in_place) {
        /* A 32-bit register shifted in place: p is computed before r is written. */
        a = r = cpu_regs[d->m.rm];
    } else {
        a = x86_temp(s);
        r = x86_temp(s);
        gen_ld_rm(s, d, ot, a);
    }
    if (op == 4 || op == 6) {
        tcg_gen_shli_i32(p, a, count - 1);
        tcg_gen_shli_i32(r, a, count);
    } else {
        /* SHR/SAR work on the zero- or sign-extended operand (a itself at 32 bits). */
        TCGv_i32 x = a;

        if (ot != MO_32) {
            x = x86_temp(s);
        }
        if (op == 5) {
            if (ot == MO_8) {
                tcg_gen_ext8u_i32(x, a);
            } else if (ot == MO_16) {
                tcg_gen_ext16u_i32(x, a);
            }
            tcg_gen_shri_i32(p, x, count - 1);
            tcg_gen_shri_i32(r, x, count);
        } else {
            if (ot == MO_8) {
                tcg_gen_ext8s_i32(x, a);
            } else if (ot == MO_16) {
                tcg_gen_ext16s_i32(x, a);
            }
            tcg_gen_sari_i32(p, x, count - 1);
            tcg_gen_sari_i32(r, x, count);
        }
    }
    if (!in_place) {
        gen_st_rm(s, d, ot, r);
    }
    tcg_gen_mov_i32(cpu_cc_dst, r);
    tcg_gen_mov_i32(cpu_cc_src, p);
    gen_set_cc_op(s, ((op == 4 || op == 6) ? CC_OP_SHLB : CC_OP_SARB) + ot);
}

/*
 * SHL/SHR/SAR r/m32 by CL without a helper: the same lazy flags as the constant
 * forms, selected branch-free so that a count of 0 leaves the flags (cc_op and its
 * operands in env) exactly as they were, as the SDM requires.
 */
static void gen_shift_dyn32(DisasContext *s, X86Insn *d, int op, TCGv_i32 count)
{
    TCGv_i32 a = x86_temp(s), r = x86_temp(s), p = x86_temp(s);
    TCGv_i32 c = x86_temp(s), cm1 = x86_temp(s);
    TCGv_i32 zero = tcg_constant_i32(0);
    int ccop = (op == 4 || op == 6) ? CC_OP_SHLL : CC_OP_SARL;

    gen_ld_rm(s, d, MO_32, a);
    tcg_gen_andi_i32(c, count, 31);
    tcg_gen_subi_i32(cm1, c, 1);
    tcg_gen_andi_i32(cm1, cm1, 31);
    if (op == 4 || op == 6) {
        tcg_gen_shl_i32(r, a, c);
        tcg_gen_shl_i32(p, a, cm1);
    } else if (op == 5) {
        tcg_gen_shr_i32(r, a, c);
        tcg_gen_shr_i32(p, a, cm1);
    } else {
        tcg_gen_sar_i32(r, a, c);
        tcg_gen_sar_i32(p, a, cm1);
    }
    gen_st_rm(s, d, MO_32, r);
    gen_sync_cc_op(s);      /* a count of 0 keeps the op before: env must have it */
    tcg_gen_movcond_i32(TCG_COND_EQ, cpu_cc_dst, c, zero, cpu_cc_dst, r);
    tcg_gen_movcond_i32(TCG_COND_EQ, cpu_cc_src, c, zero, cpu_cc_src, p);
    tcg_gen_movcond_i32(TCG_COND_EQ, cpu_cc_op, c, zero, cpu_cc_op,
                        tcg_constant_i32(ccop));
    s->cc_op = CC_OP_DYNAMIC;
}

/*
 * ROL/ROR r/m32 by a non-zero constant inline: CF and OF from the result (the
 * helper's and the SDM's formulas), the other flags kept by materializing the old
 * ones with the side-effect-free flags helper. Linux's ChaCha20 (its random number
 * generator, used on every fork and exec) rotates by 7, 8, 12 and 16; the next ADD or
 * XOR overwrites those flags, so liveness drops the helper call altogether, while
 * the general shift helper spilled every guest register around each rotate.
 */
static void gen_rotate_const32(DisasContext *s, X86Insn *d, bool left, int count)
{
    TCGv_i32 a = x86_temp(s), r = x86_temp(s), f = x86_temp(s);
    TCGv_i32 cf = x86_temp(s), of = x86_temp(s);

    gen_ld_rm(s, d, MO_32, a);
    if (left) {
        tcg_gen_rotli_i32(r, a, count);
    } else {
        tcg_gen_rotri_i32(r, a, count);
    }
    gen_st_rm(s, d, MO_32, r);
    gen_compute_eflags(s, f);
    if (left) {
        /* CF: the bit rotated into bit 0; OF: MSB(result) xor CF. */
        tcg_gen_andi_i32(cf, r, 1);
        tcg_gen_shri_i32(of, r, 31);
    } else {
        /* CF: the bit rotated into bit 31; OF: the two top bits differ. */
        tcg_gen_shri_i32(cf, r, 31);
        tcg_gen_extract_i32(of, r, 30, 1);
    }
    tcg_gen_xor_i32(of, of, cf);
    tcg_gen_shli_i32(of, of, 11);
    tcg_gen_andi_i32(f, f, ~(uint32_t)(CC_C | CC_O));
    tcg_gen_or_i32(f, f, cf);
    tcg_gen_or_i32(cpu_cc_src, f, of);
    gen_set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_shift(DisasContext *s, X86Insn *d, MemOp ot, TCGv_i32 count, int cconst)
{
    int op = d->m.reg;

    if (cconst >= 0) {
        cconst &= 31;
        if (cconst == 0) {
            /* Nothing changes, but the memory operand is still read (faults). */
            TCGv_i32 a = x86_temp(s);

            gen_ld_rm(s, d, ot, a);
            return;
        }
        if (op >= 4 && (ot == MO_32 || cconst < (8 << ot))) {
            gen_shift_const(s, d, op, ot, cconst);
            return;
        }
        if (op <= 1 && ot == MO_32) {
            gen_rotate_const32(s, d, op == 0, cconst);
            return;
        }
        count = tcg_constant_i32(cconst);
    } else if (op >= 4 && ot == MO_32) {
        gen_shift_dyn32(s, d, op, count);
        return;
    }
    TCGv_i32 a = x86_temp(s), r = x86_temp(s);

    gen_ld_rm(s, d, ot, a);
    gen_helper_env(s, &info_shift, r, 3, tcg_constant_i32((op << 2) | ot), a, count);
    gen_st_rm(s, d, ot, r);
    gen_commit_cc_tmp(s);
}

/* C0/C1/D0/D1/D2/D3 */
bool trans_grp2(DisasContext *s, X86Insn *d)
{
    switch (d->op) {
    case 0xc0:
    case 0xc1:
        gen_shift(s, d, d->ot, NULL, d->imm & 0xff);
        break;
    case 0xd0:
    case 0xd1:
        gen_shift(s, d, d->ot, NULL, 1);
        break;
    default: {
        TCGv_i32 c = x86_temp(s);

        tcg_gen_andi_i32(c, cpu_regs[R_ECX], 0xff);
        gen_shift(s, d, d->ot, c, -1);
        break;
    }
    }
    return true;
}

/* 0F A4/A5/AC/AD: SHLD/SHRD Ev,Gv,Ib/CL */
bool trans_shld_shrd(DisasContext *s, X86Insn *d)
{
    bool right = d->op & 8;
    TCGv_i32 a = x86_temp(s), b = x86_temp(s), r = x86_temp(s), c = x86_temp(s);

    if (d->op & 1) {
        tcg_gen_andi_i32(c, cpu_regs[R_ECX], 0xff);
    } else {
        tcg_gen_movi_i32(c, d->imm & 0xff);
    }
    gen_ld_rm(s, d, d->ot, a);
    gen_ld_reg(s, d->ot, b, d->m.reg);
    gen_helper_env(s, &info_shd, r, 4, tcg_constant_i32((right << 2) | d->ot), a, b, c);
    gen_st_rm(s, d, d->ot, r);
    gen_commit_cc_tmp(s);
    return true;
}

/* ---- group 3 ---- */

/*
 * DIV r/m32 inline: #DE when the divisor is 0 or the quotient does not fit in 32 bits
 * (both are EDX >= divisor, unsigned), else one host division. The helper it replaces made every guest
 * register go through env around the call, in loops that divide. Compilers clear
 * EDX before an unsigned 32-bit division, so that case gets a 32-bit host DIV, much
 * faster than the 64-bit one on most hosts; the test folds away when the optimizer
 * sees the XOR EDX, EDX.
 */
static void gen_divu32(DisasContext *s, TCGv_i32 v)
{
    TCGLabel *de = gen_raise_cold(s, EXCP00_DIVZ);
    TCGLabel *done = gen_new_label();
    TCGLabel *wide = gen_new_label();
    TCGv_i64 n = tcg_temp_new_i64(), dv = tcg_temp_new_i64();
    TCGv_i64 q = tcg_temp_new_i64(), r = tcg_temp_new_i64();
    bool de_inline = de == NULL;

    if (de_inline) {
        de = gen_new_label();
    }
    /* EDX >= divisor also catches a divisor of 0: one test for both. */
    tcg_gen_brcond_i32(TCG_COND_GEU, cpu_regs[R_EDX], v, de);
    tcg_gen_brcondi_i32(TCG_COND_NE, cpu_regs[R_EDX], 0, wide);
    /* One host DIV leaves both halves; EAX is read before either is written. */
    tcg_gen_divremu_i32(cpu_regs[R_EAX], cpu_regs[R_EDX], cpu_regs[R_EAX], v);
    /*
     * With EDX known to be 0 the wide path goes, and with it this br and the done
     * label: the common path runs on without a join (the #DE raise is cold code).
     */
    tcg_gen_br(done);
    gen_set_label(wide);
    tcg_gen_concat_i32_i64(n, cpu_regs[R_EAX], cpu_regs[R_EDX]);
    tcg_gen_extu_i32_i64(dv, v);
    tcg_gen_divremu_i64(q, r, n, dv);
    tcg_gen_extrl_i64_i32(cpu_regs[R_EAX], q);
    tcg_gen_extrl_i64_i32(cpu_regs[R_EDX], r);
    if (de_inline) {
        tcg_gen_br(done);
        gen_set_label(de);
        gen_raise_in_path(s, EXCP00_DIVZ);
    }
    gen_set_label(done);
    tcg_temp_free_i64(n);
    tcg_temp_free_i64(dv);
    tcg_temp_free_i64(q);
    tcg_temp_free_i64(r);
}

static void gen_mul(DisasContext *s, MemOp ot, TCGv_i32 v, bool sign)
{
    TCGv_i32 r = x86_temp(s), t = x86_temp(s);

    switch (ot) {
    case MO_8:
        if (sign) {
            tcg_gen_ext8s_i32(t, cpu_regs[R_EAX]);
            tcg_gen_ext8s_i32(r, v);
        } else {
            tcg_gen_ext8u_i32(t, cpu_regs[R_EAX]);
            tcg_gen_ext8u_i32(r, v);
        }
        tcg_gen_mul_i32(r, r, t);
        tcg_gen_deposit_i32(cpu_regs[R_EAX], cpu_regs[R_EAX], r, 0, 16);
        tcg_gen_mov_i32(cpu_cc_dst, r);
        if (sign) {
            tcg_gen_ext8s_i32(t, r);
            tcg_gen_sub_i32(cpu_cc_src, r, t);
            tcg_gen_ext16u_i32(cpu_cc_src, cpu_cc_src);
        } else {
            tcg_gen_andi_i32(cpu_cc_src, r, 0xff00);
        }
        break;
    case MO_16:
        if (sign) {
            tcg_gen_ext16s_i32(t, cpu_regs[R_EAX]);
            tcg_gen_ext16s_i32(r, v);
        } else {
            tcg_gen_ext16u_i32(t, cpu_regs[R_EAX]);
            tcg_gen_ext16u_i32(r, v);
        }
        tcg_gen_mul_i32(r, r, t);
        tcg_gen_deposit_i32(cpu_regs[R_EAX], cpu_regs[R_EAX], r, 0, 16);
        tcg_gen_shri_i32(t, r, 16);
        tcg_gen_deposit_i32(cpu_regs[R_EDX], cpu_regs[R_EDX], t, 0, 16);
        tcg_gen_mov_i32(cpu_cc_dst, r);
        if (sign) {
            tcg_gen_ext16s_i32(t, r);
            tcg_gen_sub_i32(cpu_cc_src, r, t);
        } else {
            tcg_gen_shri_i32(cpu_cc_src, r, 16);
        }
        break;
    default: {
        TCGv_i32 lo = x86_temp(s), hi = x86_temp(s);

        if (sign) {
            tcg_gen_muls2_i32(lo, hi, cpu_regs[R_EAX], v);
        } else {
            tcg_gen_mulu2_i32(lo, hi, cpu_regs[R_EAX], v);
        }
        tcg_gen_mov_i32(cpu_regs[R_EAX], lo);
        tcg_gen_mov_i32(cpu_regs[R_EDX], hi);
        tcg_gen_mov_i32(cpu_cc_dst, lo);
        if (sign) {
            tcg_gen_sari_i32(t, lo, 31);
            tcg_gen_sub_i32(cpu_cc_src, hi, t);
        } else {
            tcg_gen_mov_i32(cpu_cc_src, hi);
        }
        break;
    }
    }
    gen_set_cc_op(s, CC_OP_MULB + ot);
}

bool trans_grp3(DisasContext *s, X86Insn *d)
{
    MemOp ot = d->ot;
    TCGv_i32 v, r;

    if (ot == MO_32 && !d->m.is_mem && d->m.reg <= 2) {
        /* TEST and NOT of a 32-bit register read (and write) it in place. */
        TCGv_i32 reg = cpu_regs[d->m.rm];

        if (d->m.reg == 2) {
            tcg_gen_not_i32(reg, reg);
        } else {
            tcg_gen_andi_i32(cpu_cc_dst, reg, d->imm);
            gen_set_cc_op(s, CC_OP_LOGICL);
        }
        return true;
    }
    v = x86_temp(s);
    r = x86_temp(s);
    switch (d->m.reg) {
    case 0:
    case 1:
        gen_ld_rm(s, d, ot, v);
        tcg_gen_andi_i32(cpu_cc_dst, v, d->imm);
        gen_set_cc_op(s, CC_OP_LOGICB + ot);
        return true;
    case 2:
        gen_ld_rm(s, d, ot, v);
        tcg_gen_not_i32(r, v);
        gen_st_rm(s, d, ot, r);
        return true;
    case 3:
        gen_ld_rm(s, d, ot, v);
        tcg_gen_neg_i32(r, v);
        gen_st_rm(s, d, ot, r);
        tcg_gen_mov_i32(cpu_cc_dst, r);
        tcg_gen_mov_i32(cpu_cc_src, v);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        return true;
    case 4:
    case 5:
        if (s->prefix & PREFIX_LOCK) {
            return false;
        }
        gen_ld_rm(s, d, ot, v);
        gen_mul(s, ot, v, d->m.reg == 5);
        return true;
    default:
        if (s->prefix & PREFIX_LOCK) {
            return false;
        }
        gen_ld_rm(s, d, ot, v);
        if (ot == MO_32 && d->m.reg == 6) {
            gen_divu32(s, v);
            return true;
        }
        gen_update_eip_cur(s);
        gen_helper_env(s, d->m.reg == 6 ? &info_div : &info_idiv, NULL, 2,
                       tcg_constant_i32(ot), v);
        return true;
    }
}

/* 84/85 */
bool trans_test(DisasContext *s, X86Insn *d)
{
    TCGv_i32 a, b;

    if (d->ot == MO_32) {
        /* Nothing but cc_dst is written: the registers are read in place. */
        if (d->m.is_mem) {
            a = x86_temp(s);
            gen_ld_rm(s, d, MO_32, a);
        } else {
            a = cpu_regs[d->m.rm];
        }
        b = cpu_regs[d->m.reg];
    } else {
        a = x86_temp(s);
        b = x86_temp(s);
        gen_ld_rm(s, d, d->ot, a);
        gen_ld_reg(s, d->ot, b, d->m.reg);
    }
    tcg_gen_and_i32(cpu_cc_dst, a, b);
    gen_set_cc_op(s, CC_OP_LOGICB + d->ot);
    return true;
}

/* A8/A9 */
bool trans_test_a_imm(DisasContext *s, X86Insn *d)
{
    tcg_gen_andi_i32(cpu_cc_dst, cpu_regs[R_EAX], d->imm);
    gen_set_cc_op(s, CC_OP_LOGICB + d->ot);
    /* With the sized sign bit clear in the mask, the result is its own extension. */
    s->cc_dst_narrow = d->imm < (1u << ((8u << d->ot) - 1));
    return true;
}

/* Signed multiply of two ot-sized values into reg, with CF/OF = truncation. */
static void gen_imul2(DisasContext *s, MemOp ot, int reg, TCGv_i32 a, TCGv_i32 b)
{
    TCGv_i32 lo = x86_temp(s), hi = x86_temp(s), t = x86_temp(s);

    if (ot == MO_16) {
        tcg_gen_ext16s_i32(t, a);
        tcg_gen_ext16s_i32(hi, b);
        tcg_gen_mul_i32(lo, t, hi);
        tcg_gen_ext16s_i32(t, lo);
        gen_st_reg(s, ot, reg, lo);
        tcg_gen_mov_i32(cpu_cc_dst, lo);
        tcg_gen_sub_i32(cpu_cc_src, lo, t);
    } else {
        /*
         * A plain 32-bit multiply; CF/OF are computed from the operands only when
         * read (CC_OP_SMULL). The widening multiply it replaces tied up RAX/RDX
         * and was kept whenever the flags were live at a later memory access.
         */
        tcg_gen_mul_i32(lo, a, b);
        tcg_gen_mov_i32(cpu_cc_src, a);
        gen_set_cc_src2(s, b);
        tcg_gen_mov_i32(cpu_cc_dst, lo);
        gen_st_reg(s, ot, reg, lo);
        gen_set_cc_op(s, CC_OP_SMULL);
        return;
    }
    gen_set_cc_op(s, CC_OP_MULB + ot);
}

/* 69/6B: IMUL Gv,Ev,Iz/Ib */
bool trans_imul_imm(DisasContext *s, X86Insn *d)
{
    TCGv_i32 a = x86_temp(s);

    gen_ld_rm(s, d, d->ot, a);
    gen_imul2(s, d->ot, d->m.reg, a, tcg_constant_i32(d->imm));
    return true;
}

/* 0F AF: IMUL Gv,Ev */
bool trans_imul_gv_ev(DisasContext *s, X86Insn *d)
{
    TCGv_i32 a = x86_temp(s), b = x86_temp(s);

    gen_ld_rm(s, d, d->ot, a);
    gen_ld_reg(s, d->ot, b, d->m.reg);
    gen_imul2(s, d->ot, d->m.reg, b, a);
    return true;
}

/* ---- bit tests ---- */

/* op: 0 BT, 1 BTS, 2 BTR, 3 BTC; bit offset in off (register form: any value). */
static void gen_bt(DisasContext *s, X86Insn *d, int op, TCGv_i32 off, bool reg_off)
{
    MemOp ot = d->ot;
    int bits = 8 << ot;
    TCGv_i32 v = x86_temp(s), bit = x86_temp(s), r = x86_temp(s), mask = x86_temp(s);

    if (d->m.is_mem) {
        gen_lea_modrm(s, &d->m);
        if (reg_off) {
            /* The bit string extends beyond the operand: a signed offset. */
            TCGv_i32 disp = x86_temp(s);

            if (ot == MO_16) {
                tcg_gen_ext16s_i32(disp, off);
            } else {
                tcg_gen_mov_i32(disp, off);
            }
            tcg_gen_sari_i32(disp, disp, 3 + ot);
            tcg_gen_shli_i32(disp, disp, ot);
            tcg_gen_add_i32(x86_A0(s), x86_A0(s), disp);
        }
        gen_ld_mem(s, ot, v, x86_A0(s));
    } else {
        gen_ld_reg(s, ot, v, d->m.rm);
    }
    tcg_gen_andi_i32(bit, off, bits - 1);
    tcg_gen_shl_i32(mask, tcg_constant_i32(1), bit);
    switch (op) {
    case 1:
        tcg_gen_or_i32(r, v, mask);
        break;
    case 2:
        tcg_gen_andc_i32(r, v, mask);
        break;
    case 3:
        tcg_gen_xor_i32(r, v, mask);
        break;
    default:
        break;
    }
    if (op) {
        if (d->m.is_mem) {
            gen_st_mem(s, ot, r, x86_A0(s));
        } else {
            gen_st_reg(s, ot, d->m.rm, r);
        }
    }
    /* CF = the bit; ZF kept; OF/SF/AF/PF are undefined and kept too. */
    TCGv_i32 c = x86_temp(s);

    tcg_gen_shr_i32(c, v, bit);
    tcg_gen_andi_i32(c, c, 1);
    gen_flags_to_eflags_op(s);
    tcg_gen_andi_i32(cpu_cc_src, cpu_cc_src, ~CC_C);
    tcg_gen_or_i32(cpu_cc_src, cpu_cc_src, c);
}

/* 0F A3/AB/B3/BB */
bool trans_bt_op(DisasContext *s, X86Insn *d)
{
    static const int ops[4] = { 0, 1, 2, 3 };
    int op = ops[(d->op >> 3) & 3];
    TCGv_i32 off = x86_temp(s);

    if (op == 0 && (s->prefix & PREFIX_LOCK)) {
        return false;
    }
    gen_ld_reg(s, d->ot == MO_16 ? MO_16 : MO_32, off, d->m.reg);
    gen_bt(s, d, op, off, true);
    return true;
}

/* 0F BA: group 8, Ev,Ib */
bool trans_grp8(DisasContext *s, X86Insn *d)
{
    if (d->m.reg < 4) {
        return false;
    }
    gen_bt(s, d, d->m.reg - 4, tcg_constant_i32(d->imm & 0xff), false);
    return true;
}

/* 0F BC/BD */
bool trans_bsf_bsr(DisasContext *s, X86Insn *d)
{
    MemOp ot = d->ot;
    TCGv_i32 v = x86_temp(s), r = x86_temp(s), old = x86_temp(s);

    gen_ld_rm(s, d, ot, v);
    if (d->op & 1) {
        /* BSR: 31 - clz, on the zero-extended operand. */
        tcg_gen_clzi_i32(r, v, 32);
        tcg_gen_xori_i32(r, r, 31);
    } else {
        tcg_gen_ctzi_i32(r, v, 32);
    }
    /* A zero source leaves the destination unchanged (as Intel and AMD parts do). */
    gen_ld_reg(s, ot, old, d->m.reg);
    tcg_gen_movcond_i32(TCG_COND_EQ, r, v, tcg_constant_i32(0), old, r);
    gen_st_reg(s, ot, d->m.reg, r);
    tcg_gen_mov_i32(cpu_cc_dst, v);
    gen_set_cc_op(s, CC_OP_LOGICB + ot);
    return true;
}

/* 0F 90-9F */
bool trans_setcc(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);

    if (d->m.is_mem) {
        gen_lea_modrm(s, &d->m);
    }
    gen_cc_eval(s, d->op & 15, v);
    if (!d->m.is_mem && d->m.rm < 4) {
        /*
         * AL/CL/DL/BL: v is 0 or 1, so and + or replaces the low byte; unlike a
         * deposit, the optimizer folds it to a move when the register is known to
         * be 0 (`xor ebx, ebx; cmp eax, esi; setb bl`, the usual C boolean).
         */
        TCGv_i32 reg = cpu_regs[d->m.rm];

        tcg_gen_andi_i32(reg, reg, ~0xffu);
        tcg_gen_or_i32(reg, reg, v);
        return true;
    }
    gen_st_rm(s, d, MO_8, v);
    return true;
}

/* 0F 40-4F */
bool trans_cmovcc(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s), old = x86_temp(s);

    gen_ld_rm(s, d, d->ot, v);
    gen_ld_reg(s, d->ot, old, d->m.reg);
    gen_cc_movcond(s, d->op & 15, v, v, old);
    gen_st_reg(s, d->ot, d->m.reg, v);
    return true;
}

/* 98: CBW / CWDE */
bool trans_cbw(DisasContext *s, X86Insn *d)
{
    TCGv_i32 t = x86_temp(s);

    if (d->ot == MO_16) {
        tcg_gen_ext8s_i32(t, cpu_regs[R_EAX]);
        gen_st_reg(s, MO_16, R_EAX, t);
    } else {
        tcg_gen_ext16s_i32(cpu_regs[R_EAX], cpu_regs[R_EAX]);
    }
    return true;
}

/* 99: CWD / CDQ */
bool trans_cwd(DisasContext *s, X86Insn *d)
{
    TCGv_i32 t = x86_temp(s);

    if (d->ot == MO_16) {
        tcg_gen_ext16s_i32(t, cpu_regs[R_EAX]);
        tcg_gen_sari_i32(t, t, 15);
        gen_st_reg(s, MO_16, R_EDX, t);
    } else {
        tcg_gen_sari_i32(cpu_regs[R_EDX], cpu_regs[R_EAX], 31);
    }
    return true;
}

/* 27 DAA, 2F DAS, 37 AAA, 3F AAS, D4 AAM, D5 AAD */
bool trans_bcd(DisasContext *s, X86Insn *d)
{
    switch (d->op) {
    case 0x27:
        gen_helper_env(s, &info_daa, NULL, 0);
        break;
    case 0x2f:
        gen_helper_env(s, &info_das, NULL, 0);
        break;
    case 0x37:
        gen_helper_env(s, &info_aaa, NULL, 0);
        break;
    case 0x3f:
        gen_helper_env(s, &info_aas, NULL, 0);
        break;
    case 0xd4:
        if ((d->imm & 0xff) == 0) {
            gen_exception(s, EXCP00_DIVZ);
            return true;
        }
        gen_helper_env(s, &info_aam, NULL, 1, tcg_constant_i32(d->imm & 0xff));
        break;
    default:
        gen_helper_env(s, &info_aad, NULL, 1, tcg_constant_i32(d->imm & 0xff));
        break;
    }
    s->cc_op = CC_OP_EFLAGS;
    return true;
}

/* F5 CMC, F8 CLC, F9 STC, FC CLD, FD STD */
bool trans_flag_op(DisasContext *s, X86Insn *d)
{
    switch (d->op) {
    case 0xfc:
        tcg_gen_movi_i32(cpu_df, 1);
        return true;
    case 0xfd:
        tcg_gen_movi_i32(cpu_df, -1);
        return true;
    default:
        break;
    }
    gen_flags_to_eflags_op(s);
    switch (d->op) {
    case 0xf5:
        tcg_gen_xori_i32(cpu_cc_src, cpu_cc_src, CC_C);
        break;
    case 0xf8:
        tcg_gen_andi_i32(cpu_cc_src, cpu_cc_src, ~CC_C);
        break;
    default:
        tcg_gen_ori_i32(cpu_cc_src, cpu_cc_src, CC_C);
        break;
    }
    return true;
}

/* 9E SAHF, 9F LAHF */
bool trans_lahf_sahf(DisasContext *s, X86Insn *d)
{
    TCGv_i32 t = x86_temp(s);

    gen_flags_to_eflags_op(s);
    if (d->op == 0x9f) {
        tcg_gen_ori_i32(t, cpu_cc_src, EFLAGS_FIXED);
        tcg_gen_deposit_i32(cpu_regs[R_EAX], cpu_regs[R_EAX], t, 8, 8);
    } else {
        tcg_gen_extract_i32(t, cpu_regs[R_EAX], 8, 8);
        tcg_gen_andi_i32(t, t, CC_S | CC_Z | CC_A | CC_P | CC_C);
        tcg_gen_andi_i32(cpu_cc_src, cpu_cc_src, CC_O);
        tcg_gen_or_i32(cpu_cc_src, cpu_cc_src, t);
    }
    return true;
}

/* D6: SALC (undocumented: AL = CF ? FF : 00) */
bool trans_salc(DisasContext *s, X86Insn *d)
{
    TCGv_i32 c = x86_temp(s);

    gen_compute_cf(s, c);
    tcg_gen_neg_i32(c, c);
    gen_st_reg(s, MO_8, R_EAX, c);
    return true;
}

/* 0F C0/C1 */
bool trans_xadd(DisasContext *s, X86Insn *d)
{
    TCGv_i32 a = x86_temp(s), b = x86_temp(s), r = x86_temp(s);

    gen_ld_rm(s, d, d->ot, a);
    gen_ld_reg(s, d->ot, b, d->m.reg);
    tcg_gen_add_i32(r, a, b);
    if (d->m.is_mem) {
        gen_st_mem(s, d->ot, r, x86_A0(s));
        gen_st_reg(s, d->ot, d->m.reg, a);
    } else {
        gen_st_reg(s, d->ot, d->m.reg, a);
        gen_st_reg(s, d->ot, d->m.rm, r);
    }
    tcg_gen_mov_i32(cpu_cc_dst, r);
    tcg_gen_mov_i32(cpu_cc_src, b);
    gen_set_cc_op(s, CC_OP_ADDB + d->ot);
    return true;
}

/* 0F B0/B1 */
bool trans_cmpxchg(DisasContext *s, X86Insn *d)
{
    MemOp ot = d->ot;
    TCGv_i32 old = x86_temp(s), acc = x86_temp(s), src = x86_temp(s);
    TCGv_i32 nv = x86_temp(s), r = x86_temp(s), ea = x86_temp(s), eo = x86_temp(s);

    gen_ld_rm(s, d, ot, old);
    gen_ld_reg(s, ot, acc, R_EAX);
    gen_ld_reg(s, ot, src, d->m.reg);
    if (ot == MO_8) {
        tcg_gen_ext8u_i32(ea, old);
    } else if (ot == MO_16) {
        tcg_gen_ext16u_i32(ea, old);
    } else {
        tcg_gen_mov_i32(ea, old);
    }
    tcg_gen_movcond_i32(TCG_COND_EQ, nv, acc, ea, src, ea);
    /* The destination is always written (with its old value on mismatch). */
    gen_st_rm(s, d, ot, nv);
    /* The accumulator takes the old value only on mismatch (re-read: it may have
     * been the destination). */
    gen_ld_reg(s, ot, eo, R_EAX);
    tcg_gen_movcond_i32(TCG_COND_EQ, eo, acc, ea, eo, ea);
    gen_st_reg(s, ot, R_EAX, eo);
    tcg_gen_sub_i32(r, acc, ea);
    tcg_gen_mov_i32(cpu_cc_dst, r);
    tcg_gen_mov_i32(cpu_cc_src, ea);
    gen_set_cc_op(s, CC_OP_SUBB + ot);
    return true;
}

/* 0F C8-CF */
bool trans_bswap(DisasContext *s, X86Insn *d)
{
    int reg = d->op & 7;

    if (d->ot == MO_16) {
        /* Undefined; hardware clears the low word. */
        tcg_gen_andi_i32(cpu_regs[reg], cpu_regs[reg], 0xffff0000);
        return true;
    }
    tcg_gen_bswap32_i32(cpu_regs[reg], cpu_regs[reg]);
    return true;
}
