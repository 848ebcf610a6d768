/*
 * MIPS32 integer ALU instructions (MIPS32 Vol. II): immediate ALU ops, the SPECIAL
 * function table (shifts and rotates, register ALU, HI/LO, multiply/divide,
 * conditional moves, traps, SYSCALL/BREAK/SYNC), SPECIAL2 (MUL, MADD/MSUB, CLZ/CLO),
 * SPECIAL3 (EXT, INS, WSBH/SEB/SEH, RDHWR) and the REGIMM table.
 * Division by zero leaves HI/LO unchanged (UNPREDICTABLE in the ISA).
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_rdhwr =
    TCG_HELPER(helper_mips_rdhwr, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32);

/* rt = rs + imm, trapping on signed overflow (ADD/ADDI/SUB). */
static void mips_gen_add_ov(DisasContext *dc, int rd, TCGv_i32 a, TCGv_i32 b, bool sub)
{
    TCGv_i32 r = mips_temp(dc), t = mips_temp(dc);
    TCGLabel *ok = gen_new_label();

    if (sub) {
        tcg_gen_sub_i32(r, a, b);
        /* Overflow iff the operands differ in sign and the result's sign is not a's. */
        tcg_gen_xor_i32(t, a, b);
        tcg_gen_xor_i32(r, r, a);
        tcg_gen_and_i32(t, t, r);
        tcg_gen_xor_i32(r, r, a);
    } else {
        tcg_gen_add_i32(r, a, b);
        /* Overflow iff the operands agree in sign and the result's sign differs. */
        tcg_gen_xor_i32(t, a, b);
        tcg_gen_not_i32(t, t);
        tcg_gen_xor_i32(r, r, a);
        tcg_gen_and_i32(t, t, r);
        tcg_gen_xor_i32(r, r, a);
    }
    tcg_gen_brcondi_i32(TCG_COND_GE, t, 0, ok);
    mips_gen_exception(dc, MIPS_EXCP_OV);
    gen_set_label(ok);
    dc->base.is_jmp = DISAS_NEXT;
    if (rd) {
        tcg_gen_mov_i32(cpu_gpr[rd], r);
    }
}

bool trans_addi(DisasContext *dc, uint32_t insn)
{
    mips_gen_add_ov(dc, insn_rt(insn), mips_gpr_src(insn_rs(insn)),
                    tcg_constant_i32(insn_simm(insn)), false);
    return true;
}

bool trans_addiu(DisasContext *dc, uint32_t insn)
{
    if (insn_rt(insn)) {
        tcg_gen_addi_i32(cpu_gpr[insn_rt(insn)], mips_gpr_src(insn_rs(insn)),
                         insn_simm(insn));
    }
    return true;
}

bool trans_slti(DisasContext *dc, uint32_t insn)
{
    if (insn_rt(insn)) {
        tcg_gen_setcondi_i32(TCG_COND_LT, cpu_gpr[insn_rt(insn)],
                             mips_gpr_src(insn_rs(insn)), insn_simm(insn));
    }
    return true;
}

bool trans_sltiu(DisasContext *dc, uint32_t insn)
{
    /* The immediate is sign-extended, then compared unsigned. */
    if (insn_rt(insn)) {
        tcg_gen_setcondi_i32(TCG_COND_LTU, cpu_gpr[insn_rt(insn)],
                             mips_gpr_src(insn_rs(insn)), insn_simm(insn));
    }
    return true;
}

bool trans_andi(DisasContext *dc, uint32_t insn)
{
    if (insn_rt(insn)) {
        tcg_gen_andi_i32(cpu_gpr[insn_rt(insn)], mips_gpr_src(insn_rs(insn)),
                         insn_uimm(insn));
    }
    return true;
}

bool trans_ori(DisasContext *dc, uint32_t insn)
{
    if (insn_rt(insn)) {
        tcg_gen_ori_i32(cpu_gpr[insn_rt(insn)], mips_gpr_src(insn_rs(insn)),
                        insn_uimm(insn));
    }
    return true;
}

bool trans_xori(DisasContext *dc, uint32_t insn)
{
    if (insn_rt(insn)) {
        tcg_gen_xori_i32(cpu_gpr[insn_rt(insn)], mips_gpr_src(insn_rs(insn)),
                         insn_uimm(insn));
    }
    return true;
}

bool trans_lui(DisasContext *dc, uint32_t insn)
{
    if (insn_rs(insn) != 0) {
        return false;
    }
    if (insn_rt(insn)) {
        tcg_gen_movi_i32(cpu_gpr[insn_rt(insn)], insn_uimm(insn) << 16);
    }
    return true;
}

/* ---- SPECIAL ---- */

static bool trans_sll(DisasContext *dc, uint32_t insn)
{
    /* SLL r0, r0, 0/1/3 are NOP, SSNOP and EHB. */
    if (insn_rs(insn) != 0) {
        return false;
    }
    if (insn_rd(insn)) {
        tcg_gen_shli_i32(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rt(insn)),
                         insn_sa(insn));
    }
    return true;
}

static bool trans_srl(DisasContext *dc, uint32_t insn)
{
    int rs = insn_rs(insn);

    /* rs = 1 selects ROTR (Release 2). */
    if (rs > 1 || (rs == 1 && !mips_has_r2(dc))) {
        return false;
    }
    if (insn_rd(insn)) {
        if (rs) {
            tcg_gen_rotri_i32(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rt(insn)),
                              insn_sa(insn));
        } else {
            tcg_gen_shri_i32(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rt(insn)),
                             insn_sa(insn));
        }
    }
    return true;
}

static bool trans_sra(DisasContext *dc, uint32_t insn)
{
    if (insn_rs(insn) != 0) {
        return false;
    }
    if (insn_rd(insn)) {
        tcg_gen_sari_i32(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rt(insn)),
                         insn_sa(insn));
    }
    return true;
}

static bool mips_gen_shiftv(DisasContext *dc, uint32_t insn,
                            void (*op)(TCGv_i32, TCGv_i32, TCGv_i32))
{
    TCGv_i32 n;

    if (insn_rd(insn)) {
        n = mips_temp(dc);
        tcg_gen_andi_i32(n, mips_gpr_src(insn_rs(insn)), 31);
        op(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rt(insn)), n);
    }
    return true;
}

static bool trans_sllv(DisasContext *dc, uint32_t insn)
{
    return insn_sa(insn) == 0 && mips_gen_shiftv(dc, insn, tcg_gen_shl_i32);
}

static bool trans_srlv(DisasContext *dc, uint32_t insn)
{
    int sa = insn_sa(insn);

    /* sa = 1 selects ROTRV (Release 2). */
    if (sa > 1 || (sa == 1 && !mips_has_r2(dc))) {
        return false;
    }
    return mips_gen_shiftv(dc, insn, sa ? tcg_gen_rotr_i32 : tcg_gen_shr_i32);
}

static bool trans_srav(DisasContext *dc, uint32_t insn)
{
    return insn_sa(insn) == 0 && mips_gen_shiftv(dc, insn, tcg_gen_sar_i32);
}

static bool mips_gen_movc(DisasContext *dc, uint32_t insn, TCGCond cond)
{
    int rd = insn_rd(insn);

    if (insn_sa(insn) != 0) {
        return false;
    }
    if (rd) {
        tcg_gen_movcond_i32(cond, cpu_gpr[rd], mips_gpr_src(insn_rt(insn)),
                            tcg_constant_i32(0), mips_gpr_src(insn_rs(insn)),
                            cpu_gpr[rd]);
    }
    return true;
}

static bool trans_movz(DisasContext *dc, uint32_t insn)
{
    return mips_gen_movc(dc, insn, TCG_COND_EQ);
}

static bool trans_movn(DisasContext *dc, uint32_t insn)
{
    return mips_gen_movc(dc, insn, TCG_COND_NE);
}

static bool trans_syscall(DisasContext *dc, uint32_t insn)
{
    mips_gen_exception_now(dc, MIPS_EXCP_SYSCALL);
    return true;
}

static bool trans_break(DisasContext *dc, uint32_t insn)
{
    mips_gen_exception_now(dc, MIPS_EXCP_BREAK);
    return true;
}

static bool trans_sync(DisasContext *dc, uint32_t insn)
{
    /* One CPU, sequentially consistent accesses: a barrier has nothing to order. */
    tcg_gen_mb(0);
    return true;
}

static bool trans_mfhi(DisasContext *dc, uint32_t insn)
{
    if (insn_rd(insn)) {
        tcg_gen_mov_i32(cpu_gpr[insn_rd(insn)], cpu_hi);
    }
    return true;
}

static bool trans_mflo(DisasContext *dc, uint32_t insn)
{
    if (insn_rd(insn)) {
        tcg_gen_mov_i32(cpu_gpr[insn_rd(insn)], cpu_lo);
    }
    return true;
}

static bool trans_mthi(DisasContext *dc, uint32_t insn)
{
    tcg_gen_mov_i32(cpu_hi, mips_gpr_src(insn_rs(insn)));
    return true;
}

static bool trans_mtlo(DisasContext *dc, uint32_t insn)
{
    tcg_gen_mov_i32(cpu_lo, mips_gpr_src(insn_rs(insn)));
    return true;
}

static bool trans_mult(DisasContext *dc, uint32_t insn)
{
    tcg_gen_muls2_i32(cpu_lo, cpu_hi, mips_gpr_src(insn_rs(insn)),
                      mips_gpr_src(insn_rt(insn)));
    return true;
}

static bool trans_multu(DisasContext *dc, uint32_t insn)
{
    tcg_gen_mulu2_i32(cpu_lo, cpu_hi, mips_gpr_src(insn_rs(insn)),
                      mips_gpr_src(insn_rt(insn)));
    return true;
}

/*
 * Division by zero gives UNPREDICTABLE results (MIPS32 Vol. II, DIV), and the IR's
 * division must never see a zero divisor: divide by 1 instead, branch-free so the
 * TB stays one basic block. The remainder is a - q * b: one multiply instead of a
 * second host division.
 */
/* Was rt just tested by a TEQ rt, $0 (mips_gen_trap), so that it is not zero here? */
static bool mips_divisor_nonzero(DisasContext *dc, uint32_t insn)
{
    return dc->nonzero_reg != 0 && dc->nonzero_pc == dc->pc &&
           dc->nonzero_reg == insn_rt(insn);
}

static bool trans_div(DisasContext *dc, uint32_t insn)
{
    TCGv_i32 a = mips_temp(dc), b = mips_temp(dc), t = mips_temp(dc);

    tcg_gen_mov_i32(a, mips_gpr_src(insn_rs(insn)));
    tcg_gen_mov_i32(b, mips_gpr_src(insn_rt(insn)));
    /* INT_MIN / -1 overflows the host's division too: divide by 1 instead, giving
     * LO = INT_MIN, HI = 0 as the two's-complement result would. */
    tcg_gen_setcondi_i32(TCG_COND_EQ, t, a, INT32_MIN);
    tcg_gen_movcond_i32(TCG_COND_EQ, t, b, tcg_constant_i32(-1), t,
                        tcg_constant_i32(0));
    if (!mips_divisor_nonzero(dc, insn)) {
        tcg_gen_movcond_i32(TCG_COND_EQ, t, b, tcg_constant_i32(0), tcg_constant_i32(1),
                            t);
    }
    tcg_gen_movcond_i32(TCG_COND_NE, b, t, tcg_constant_i32(0), tcg_constant_i32(1), b);
    /* One host division gives both: HI = a % 1 = 0 on the guarded paths, as before. */
    tcg_gen_divrem_i32(cpu_lo, cpu_hi, a, b);
    return true;
}

static bool trans_divu(DisasContext *dc, uint32_t insn)
{
    TCGv_i32 a = mips_temp(dc), b = mips_temp(dc);

    tcg_gen_mov_i32(a, mips_gpr_src(insn_rs(insn)));
    tcg_gen_mov_i32(b, mips_gpr_src(insn_rt(insn)));
    if (!mips_divisor_nonzero(dc, insn)) {
        tcg_gen_movcond_i32(TCG_COND_EQ, b, b, tcg_constant_i32(0), tcg_constant_i32(1),
                            b);
    }
    tcg_gen_divremu_i32(cpu_lo, cpu_hi, a, b);
    return true;
}

static bool mips_gen_alu3(DisasContext *dc, uint32_t insn,
                          void (*op)(TCGv_i32, TCGv_i32, TCGv_i32))
{
    if (insn_sa(insn) != 0) {
        return false;
    }
    if (insn_rd(insn)) {
        op(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rs(insn)),
           mips_gpr_src(insn_rt(insn)));
    }
    return true;
}

static bool trans_add(DisasContext *dc, uint32_t insn)
{
    if (insn_sa(insn) != 0) {
        return false;
    }
    mips_gen_add_ov(dc, insn_rd(insn), mips_gpr_src(insn_rs(insn)),
                    mips_gpr_src(insn_rt(insn)), false);
    return true;
}

static bool trans_sub(DisasContext *dc, uint32_t insn)
{
    if (insn_sa(insn) != 0) {
        return false;
    }
    mips_gen_add_ov(dc, insn_rd(insn), mips_gpr_src(insn_rs(insn)),
                    mips_gpr_src(insn_rt(insn)), true);
    return true;
}

static bool trans_addu(DisasContext *dc, uint32_t insn)
{
    return mips_gen_alu3(dc, insn, tcg_gen_add_i32);
}

static bool trans_subu(DisasContext *dc, uint32_t insn)
{
    return mips_gen_alu3(dc, insn, tcg_gen_sub_i32);
}

static bool trans_and(DisasContext *dc, uint32_t insn)
{
    return mips_gen_alu3(dc, insn, tcg_gen_and_i32);
}

static bool trans_or(DisasContext *dc, uint32_t insn)
{
    return mips_gen_alu3(dc, insn, tcg_gen_or_i32);
}

static bool trans_xor(DisasContext *dc, uint32_t insn)
{
    return mips_gen_alu3(dc, insn, tcg_gen_xor_i32);
}

static bool trans_nor(DisasContext *dc, uint32_t insn)
{
    return mips_gen_alu3(dc, insn, tcg_gen_nor_i32);
}

static bool trans_slt(DisasContext *dc, uint32_t insn)
{
    if (insn_sa(insn) != 0) {
        return false;
    }
    if (insn_rd(insn)) {
        tcg_gen_setcond_i32(TCG_COND_LT, cpu_gpr[insn_rd(insn)],
                            mips_gpr_src(insn_rs(insn)), mips_gpr_src(insn_rt(insn)));
    }
    return true;
}

static bool trans_sltu(DisasContext *dc, uint32_t insn)
{
    if (insn_sa(insn) != 0) {
        return false;
    }
    if (insn_rd(insn)) {
        tcg_gen_setcond_i32(TCG_COND_LTU, cpu_gpr[insn_rd(insn)],
                            mips_gpr_src(insn_rs(insn)), mips_gpr_src(insn_rt(insn)));
    }
    return true;
}

/* Trap if (a cond b). */
static void mips_gen_trap(DisasContext *dc, TCGCond cond, TCGv_i32 a, TCGv_i32 b)
{
    TCGLabel *skip = mips_gen_trap_cold(dc);

    if (skip) {
        tcg_gen_brcond_i32(cond, a, b, skip);
        return;
    }
    skip = gen_new_label();
    tcg_gen_brcond_i32(tcg_invert_cond(cond), a, b, skip);
    mips_gen_exception_now(dc, MIPS_EXCP_TRAP);
    gen_set_label(skip);
    dc->base.is_jmp = DISAS_NEXT;
}

static const TCGCond mips_trap_conds[8] = {
    TCG_COND_GE, TCG_COND_GEU, TCG_COND_LT, TCG_COND_LTU,
    TCG_COND_EQ, TCG_COND_NEVER, TCG_COND_NE, TCG_COND_NEVER,
};

/* After TEQ r, $0 (either operand order), the next insn runs only with r != 0. */
static void mips_note_nonzero(DisasContext *dc, int r)
{
    if (r != 0 && !dc->in_slot) {
        dc->nonzero_reg = r;
        dc->nonzero_pc = dc->pc + 4;
    }
}

static bool trans_trap_reg(DisasContext *dc, uint32_t insn)
{
    TCGCond cond = mips_trap_conds[insn_funct(insn) & 7];
    int rs = insn_rs(insn), rt = insn_rt(insn);

    if (cond == TCG_COND_NEVER) {
        return false;
    }
    mips_gen_trap(dc, cond, mips_gpr_src(rs), mips_gpr_src(rt));
    if (cond == TCG_COND_EQ && (rs == 0 || rt == 0)) {
        mips_note_nonzero(dc, rs | rt);
    }
    return true;
}

static bool trans_movci(DisasContext *dc, uint32_t insn)
{
    return trans_cop_unusable(dc, insn);
}

static const MIPSTransFn mips_special_table[64] = {
    [0x00] = trans_sll,   [0x01] = trans_movci, [0x02] = trans_srl,  [0x03] = trans_sra,
    [0x04] = trans_sllv,  [0x06] = trans_srlv,  [0x07] = trans_srav,
    [0x08] = trans_jr,    [0x09] = trans_jalr,  [0x0a] = trans_movz, [0x0b] = trans_movn,
    [0x0c] = trans_syscall, [0x0d] = trans_break, [0x0f] = trans_sync,
    [0x10] = trans_mfhi,  [0x11] = trans_mthi,  [0x12] = trans_mflo, [0x13] = trans_mtlo,
    [0x18] = trans_mult,  [0x19] = trans_multu, [0x1a] = trans_div,  [0x1b] = trans_divu,
    [0x20] = trans_add,   [0x21] = trans_addu,  [0x22] = trans_sub,  [0x23] = trans_subu,
    [0x24] = trans_and,   [0x25] = trans_or,    [0x26] = trans_xor,  [0x27] = trans_nor,
    [0x2a] = trans_slt,   [0x2b] = trans_sltu,
    [0x30] = trans_trap_reg, [0x31] = trans_trap_reg, [0x32] = trans_trap_reg,
    [0x33] = trans_trap_reg, [0x34] = trans_trap_reg, [0x36] = trans_trap_reg,
};

bool trans_special(DisasContext *dc, uint32_t insn)
{
    MIPSTransFn fn = mips_special_table[insn_funct(insn)];

    return fn && fn(dc, insn);
}

/* ---- SPECIAL2 ---- */

static bool trans_mul(DisasContext *dc, uint32_t insn)
{
    return mips_gen_alu3(dc, insn, tcg_gen_mul_i32);
}

/* HI:LO +/-= rs * rt, signed or unsigned. */
static bool mips_gen_madd(DisasContext *dc, uint32_t insn, bool is_signed, bool sub)
{
    TCGv_i32 pl = mips_temp(dc), ph = mips_temp(dc);

    if (insn_rd(insn) != 0 || insn_sa(insn) != 0) {
        return false;
    }
    if (is_signed) {
        tcg_gen_muls2_i32(pl, ph, mips_gpr_src(insn_rs(insn)), mips_gpr_src(insn_rt(insn)));
    } else {
        tcg_gen_mulu2_i32(pl, ph, mips_gpr_src(insn_rs(insn)), mips_gpr_src(insn_rt(insn)));
    }
    if (sub) {
        tcg_gen_sub2_i32(cpu_lo, cpu_hi, cpu_lo, cpu_hi, pl, ph);
    } else {
        tcg_gen_add2_i32(cpu_lo, cpu_hi, cpu_lo, cpu_hi, pl, ph);
    }
    return true;
}

static bool trans_madd(DisasContext *dc, uint32_t insn)
{
    return mips_gen_madd(dc, insn, true, false);
}

static bool trans_maddu(DisasContext *dc, uint32_t insn)
{
    return mips_gen_madd(dc, insn, false, false);
}

static bool trans_msub(DisasContext *dc, uint32_t insn)
{
    return mips_gen_madd(dc, insn, true, true);
}

static bool trans_msubu(DisasContext *dc, uint32_t insn)
{
    return mips_gen_madd(dc, insn, false, true);
}

static bool trans_clz(DisasContext *dc, uint32_t insn)
{
    /* rt must equal rd in the encoding; we use rd as the destination. */
    if (insn_rd(insn)) {
        tcg_gen_clzi_i32(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rs(insn)), 32);
    }
    return true;
}

static bool trans_clo(DisasContext *dc, uint32_t insn)
{
    TCGv_i32 t;

    if (insn_rd(insn)) {
        t = mips_temp(dc);
        tcg_gen_not_i32(t, mips_gpr_src(insn_rs(insn)));
        tcg_gen_clzi_i32(cpu_gpr[insn_rd(insn)], t, 32);
    }
    return true;
}

static const MIPSTransFn mips_special2_table[64] = {
    [0x00] = trans_madd, [0x01] = trans_maddu, [0x02] = trans_mul,
    [0x04] = trans_msub, [0x05] = trans_msubu,
    [0x20] = trans_clz,  [0x21] = trans_clo,
};

bool trans_special2(DisasContext *dc, uint32_t insn)
{
    MIPSTransFn fn = mips_special2_table[insn_funct(insn)];

    return fn && fn(dc, insn);
}

/* ---- SPECIAL3 (Release 2) ---- */

static bool trans_ext(DisasContext *dc, uint32_t insn)
{
    unsigned pos = insn_sa(insn), size = insn_rd(insn) + 1;

    if (pos + size > 32) {
        return false;     /* UNPREDICTABLE: refuse */
    }
    if (insn_rt(insn)) {
        tcg_gen_extract_i32(cpu_gpr[insn_rt(insn)], mips_gpr_src(insn_rs(insn)), pos, size);
    }
    return true;
}

static bool trans_ins(DisasContext *dc, uint32_t insn)
{
    unsigned lsb = insn_sa(insn), msb = insn_rd(insn);

    if (msb < lsb) {
        return false;     /* UNPREDICTABLE: refuse */
    }
    if (insn_rt(insn)) {
        tcg_gen_deposit_i32(cpu_gpr[insn_rt(insn)], cpu_gpr[insn_rt(insn)],
                            mips_gpr_src(insn_rs(insn)), lsb, msb - lsb + 1);
    }
    return true;
}

static bool trans_bshfl(DisasContext *dc, uint32_t insn)
{
    int rd = insn_rd(insn);
    TCGv_i32 src = mips_gpr_src(insn_rt(insn)), dst, t;

    if (insn_rs(insn) != 0) {
        return false;
    }
    dst = mips_gpr_dst(dc, rd);
    switch (insn_sa(insn)) {
    case 0x02:      /* WSBH: swap the bytes of each halfword */
        t = mips_temp(dc);
        tcg_gen_shri_i32(t, src, 8);
        tcg_gen_andi_i32(t, t, 0x00ff00ff);
        tcg_gen_shli_i32(dst, src, 8);
        tcg_gen_andi_i32(dst, dst, 0xff00ff00);
        tcg_gen_or_i32(dst, dst, t);
        return true;
    case 0x10:      /* SEB */
        tcg_gen_ext8s_i32(dst, src);
        return true;
    case 0x18:      /* SEH */
        tcg_gen_ext16s_i32(dst, src);
        return true;
    default:
        return false;
    }
}

static bool trans_rdhwr(DisasContext *dc, uint32_t insn)
{
    TCGv_i32 dst;

    if (insn_rs(insn) != 0 || insn_sa(insn) != 0) {
        return false;
    }
    dst = mips_gpr_dst(dc, insn_rt(insn));
    tcg_gen_movi_i32(cpu_pc, dc->pc);
    tcg_gen_call2(&info_rdhwr, tcgv_i32_temp(dst), tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(tcg_constant_i32(insn_rd(insn))));
    return true;
}

bool trans_special3(DisasContext *dc, uint32_t insn)
{
    if (!mips_has_r2(dc)) {
        return false;
    }
    switch (insn_funct(insn)) {
    case 0x00:
        return trans_ext(dc, insn);
    case 0x04:
        return trans_ins(dc, insn);
    case 0x20:
        return trans_bshfl(dc, insn);
    case 0x3b:
        return trans_rdhwr(dc, insn);
    default:
        return false;
    }
}

/* ---- REGIMM ---- */

bool trans_regimm(DisasContext *dc, uint32_t insn)
{
    int rt = insn_rt(insn);
    TCGv_i32 imm = tcg_constant_i32(insn_simm(insn));

    switch (rt) {
    case 0x08:
        mips_gen_trap(dc, TCG_COND_GE, mips_gpr_src(insn_rs(insn)), imm);   /* TGEI */
        return true;
    case 0x09:
        mips_gen_trap(dc, TCG_COND_GEU, mips_gpr_src(insn_rs(insn)), imm);  /* TGEIU */
        return true;
    case 0x0a:
        mips_gen_trap(dc, TCG_COND_LT, mips_gpr_src(insn_rs(insn)), imm);   /* TLTI */
        return true;
    case 0x0b:
        mips_gen_trap(dc, TCG_COND_LTU, mips_gpr_src(insn_rs(insn)), imm);  /* TLTIU */
        return true;
    case 0x0c:
        mips_gen_trap(dc, TCG_COND_EQ, mips_gpr_src(insn_rs(insn)), imm);   /* TEQI */
        if (insn_simm(insn) == 0) {
            mips_note_nonzero(dc, insn_rs(insn));
        }
        return true;
    case 0x0e:
        mips_gen_trap(dc, TCG_COND_NE, mips_gpr_src(insn_rs(insn)), imm);   /* TNEI */
        return true;
    case 0x1f:
        /* SYNCI: no caches to synchronise; the softmmu catches code changes. */
        return mips_has_r2(dc);
    default:
        return mips_trans_regimm_branch(dc, insn);
    }
}
