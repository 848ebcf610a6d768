/*
 * MIPS32 COP0 instructions (MIPS32 Vol. II/III): MFC0/MTC0, DI/EI, RDPGPR/WRPGPR
 * (one shadow set only, so they copy within the current set), TLBR/TLBWI/TLBWR/TLBP,
 * ERET and WAIT. Without CP0 access (user/supervisor mode and Status.CU0 = 0) they
 * raise Coprocessor Unusable with CE = 0. DERET (debug mode) is not modelled: RI.
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_mfc0 =
    TCG_HELPER(helper_mips_mfc0, TCG_CALL_NO_RWG, TCG_CALL_I32, TCG_CALL_PTR,
               TCG_CALL_I32);
static const TCGHelperInfo info_mtc0 =
    TCG_HELPER(helper_mips_mtc0, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_mtc0_status =
    TCG_HELPER(helper_mips_mtc0_status, TCG_CALL_NO_RWG, TCG_CALL_I32, TCG_CALL_PTR,
               TCG_CALL_I32);
static const TCGHelperInfo info_tlbwi =
    TCG_HELPER(helper_mips_tlbwi, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_tlbwr =
    TCG_HELPER(helper_mips_tlbwr, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_tlbp =
    TCG_HELPER(helper_mips_tlbp, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_tlbr =
    TCG_HELPER(helper_mips_tlbr, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_eret =
    TCG_HELPER(helper_mips_eret, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_ei =
    TCG_HELPER(helper_mips_ei, TCG_CALL_NO_RWG, TCG_CALL_I32, TCG_CALL_PTR);
static const TCGHelperInfo info_wait =
    TCG_HELPER(helper_mips_wait, 0, TCG_CALL_VOID, TCG_CALL_PTR);

static void mips_gen_call0(const TCGHelperInfo *info)
{
    tcg_gen_call1(info, NULL, tcgv_ptr_temp(tcg_env));
}

/* Registers whose writes change translation state or interrupt state. */
static bool mips_cp0_write_ends_tb(int reg)
{
    switch (reg) {
    case 9:     /* Count */
    case 10:    /* EntryHi (ASID) */
    case 11:    /* Compare */
    case 12:    /* Status */
    case 13:    /* Cause */
    case 16:    /* Config */
        return true;
    default:
        return false;
    }
}

/*
 * CP0 registers whose MFC0 is a plain read of their field (mips_cp0_read has no
 * side effect and no computation for them): read inline instead of calling the
 * helper. The Linux TLB refill and syscall paths read Context, BadVAddr, EntryHi,
 * Status, Cause and EPC on every entry. -1: go through the helper.
 */
static intptr_t mips_cp0_plain_field(int rd, int sel)
{
    if (sel != 0) {
        return -1;
    }
    switch (rd) {
    case 0:  return offsetof(CPUMIPSState, CP0_Index);
    case 2:  return offsetof(CPUMIPSState, CP0_EntryLo0);
    case 3:  return offsetof(CPUMIPSState, CP0_EntryLo1);
    case 4:  return offsetof(CPUMIPSState, CP0_Context);
    case 5:  return offsetof(CPUMIPSState, CP0_PageMask);
    case 6:  return offsetof(CPUMIPSState, CP0_Wired);
    case 8:  return offsetof(CPUMIPSState, CP0_BadVAddr);
    case 10: return offsetof(CPUMIPSState, CP0_EntryHi);
    case 11: return offsetof(CPUMIPSState, CP0_Compare);
    case 12: return offsetof(CPUMIPSState, CP0_Status);
    case 13: return offsetof(CPUMIPSState, CP0_Cause);
    case 14: return offsetof(CPUMIPSState, CP0_EPC);
    default: return -1;
    }
}

static bool trans_mfc0(DisasContext *dc, uint32_t insn)
{
    int rt = insn_rt(insn), rd = insn_rd(insn), sel = insn & 7;
    intptr_t field = mips_cp0_plain_field(rd, sel);

    if (insn & 0x7f8) {
        return false;
    }
    if (field >= 0) {
        tcg_gen_ld_i32(mips_gpr_dst(dc, rt), tcg_env, field);
        return true;
    }
    tcg_gen_call2(&info_mfc0, tcgv_i32_temp(mips_gpr_dst(dc, rt)), tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(tcg_constant_i32((rd << 3) | sel)));
    return true;
}

/*
 * After TLBWI/TLBWR: a TB in kseg0 or kseg1 (unmapped, and a MIPS TB stays in one
 * page) cannot have its own code remapped, and the flags do not depend on the TLB,
 * so it goes on: Linux's refill handler then runs its ERET in the same TB. Elsewhere
 * the next insn may now map to other code: look it up again.
 */
static void mips_tlbw_end(DisasContext *dc)
{
    if (dc->pc < 0x80000000u || dc->pc >= 0xc0000000u) {
        dc->base.is_jmp = DISAS_EXIT;
    }
}

/*
 * The Status writes kernel code makes on every exception and syscall (leave EXL
 * with KSU = 0, flip IE, put the saved Status back before ERET) keep kernel mode,
 * leave IM alone and let no interrupt in: inline, they are a masked store. Anything
 * else (mode change, IM change, an interrupt pending and unmasked in the new value)
 * branches to slow, the helper, with Status not yet written.
 */
static void mips_gen_mtc0_status_fast(DisasContext *dc, int rt, TCGLabel *slow,
                                      TCGLabel *done)
{
    uint32_t mask = mips_cp0_write_mask(dc->model, 12, 0);
    TCGv_i32 old = tcg_temp_new_i32(), val = tcg_temp_new_i32(), t = tcg_temp_new_i32();

    tcg_gen_ld_i32(old, tcg_env, offsetof(CPUMIPSState, CP0_Status));
    tcg_gen_andi_i32(val, mips_gpr_src(rt), mask);
    tcg_gen_andi_i32(t, old, ~mask);
    tcg_gen_or_i32(val, val, t);
    tcg_gen_xor_i32(t, old, val);
    tcg_gen_andi_i32(t, t, ST_IM);
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, slow);
    tcg_gen_shri_i32(t, val, 1);
    tcg_gen_andi_i32(t, t, 15);
    tcg_gen_shr_i32(t, tcg_constant_i32(MIPS_STATUS_KERNEL_SET), t);
    tcg_gen_andi_i32(t, t, 1);
    tcg_gen_brcondi_i32(TCG_COND_EQ, t, 0, slow);
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUMIPSState, CP0_Cause));
    tcg_gen_and_i32(t, t, val);
    tcg_gen_andi_i32(t, t, CAUSE_IP);
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, slow);
    tcg_gen_st_i32(val, tcg_env, offsetof(CPUMIPSState, CP0_Status));
    tcg_gen_br(done);
    tcg_temp_free_i32(old);
    tcg_temp_free_i32(val);
    tcg_temp_free_i32(t);
}

/*
 * MTC0 Status: leave the TB only when the helper says the write changed the TB's
 * flags or let an interrupt in (the exit is inline, rarely taken). A later CP1 insn
 * must test Status.CU1 again. In a delay slot the write ends the TB as other CP0
 * writes do.
 */
static void mips_gen_mtc0_status(DisasContext *dc, int rt)
{
    TCGv_i32 end = tcg_temp_new_i32();
    TCGLabel *go_on = gen_new_label();

    if ((dc->hflags & MIPS_HFLAG_MMU) == MIPS_MMU_IDX_KERNEL) {
        TCGLabel *slow = gen_new_label();

        mips_gen_mtc0_status_fast(dc, rt, slow, go_on);
        gen_set_label(slow);
    }
    tcg_gen_call2(&info_mtc0_status, tcgv_i32_temp(end), tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(mips_gpr_src(rt)));
    tcg_gen_brcondi_i32(TCG_COND_EQ, end, 0, go_on);
    tcg_temp_free_i32(end);
    tcg_gen_movi_i32(cpu_pc, dc->pc + 4);
    tcg_gen_exit_tb(NULL, 0);
    gen_set_label(go_on);
    dc->cu1_checked = false;
}

static bool trans_mtc0(DisasContext *dc, uint32_t insn)
{
    int rt = insn_rt(insn), rd = insn_rd(insn), sel = insn & 7;

    if (insn & 0x7f8) {
        return false;
    }
    if (sel == 0 && (rd == 0 || rd == 2 || rd == 3 || rd == 4 || rd == 14)) {
        /* Index, EntryLo0/1, Context and EPC: a masked store, as mips_cp0_write
         * does (the refill handler writes EntryLo0/1 on every TLB miss). */
        uint32_t mask = mips_cp0_write_mask(dc->model, rd, sel);
        intptr_t field = mips_cp0_plain_field(rd, sel);
        TCGv_i32 v = tcg_temp_new_i32();
        tcg_gen_andi_i32(v, mips_gpr_src(rt), mask);
        if (rd == 4) {
            /* Context keeps its BadVPN2 bits. */
            TCGv_i32 old = tcg_temp_new_i32();
            tcg_gen_ld_i32(old, tcg_env, field);
            tcg_gen_andi_i32(old, old, ~mask);
            tcg_gen_or_i32(v, v, old);
            tcg_temp_free_i32(old);
        }
        tcg_gen_st_i32(v, tcg_env, field);
        tcg_temp_free_i32(v);
        return true;
    }
    if (rd == 12 && sel == 0 && !dc->in_slot) {
        mips_gen_mtc0_status(dc, rt);
        return true;
    }
    tcg_gen_call3(&info_mtc0, NULL, tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(mips_gpr_src(rt)),
                  tcgv_i32_temp(tcg_constant_i32((rd << 3) | sel)));
    if (rd == 10 && sel == 0) {
        /* EntryHi: a new ASID can remap the TB's own code only where it is mapped. */
        mips_tlbw_end(dc);
    } else if (mips_cp0_write_ends_tb(rd)) {
        dc->base.is_jmp = DISAS_EXIT;
    }
    return true;
}

static bool trans_mfmc0(DisasContext *dc, uint32_t insn)
{
    int rt = insn_rt(insn);

    /* DI/EI: rd = 12 (Status), sel 0, sc bit 5 selects EI. */
    if (!mips_has_r2(dc) || insn_rd(insn) != 12 || (insn & 0x7df) != 0) {
        return false;
    }
    if (!(insn & 0x20)) {
        /* DI: clearing Status.IE can make no interrupt deliverable and IE is not in
         * the TB flags, so it is a load and a store and the TB goes on (Linux's
         * local_irq_save runs it everywhere). */
        TCGv_i32 st = tcg_temp_new_i32();
        tcg_gen_ld_i32(st, tcg_env, offsetof(CPUMIPSState, CP0_Status));
        if (rt) {
            tcg_gen_mov_i32(cpu_gpr[rt], st);
        }
        tcg_gen_andi_i32(st, st, ~ST_IE);
        tcg_gen_st_i32(st, tcg_env, offsetof(CPUMIPSState, CP0_Status));
        tcg_temp_free_i32(st);
        return true;
    }
    /* EI may unmask a pending interrupt: leave the TB so the loop can take it. */
    tcg_gen_call1(&info_ei, tcgv_i32_temp(mips_gpr_dst(dc, rt)), tcgv_ptr_temp(tcg_env));
    dc->base.is_jmp = DISAS_EXIT;
    return true;
}

static bool trans_rdwrpgpr(DisasContext *dc, uint32_t insn)
{
    if (!mips_has_r2(dc) || (insn & 0x7ff) != 0) {
        return false;
    }
    /* SRSCtl.HSS = 0: the previous shadow set is the current one. */
    if (insn_rd(insn)) {
        tcg_gen_mov_i32(cpu_gpr[insn_rd(insn)], mips_gpr_src(insn_rt(insn)));
    }
    return true;
}

static bool trans_co(DisasContext *dc, uint32_t insn)
{
    /* Bits 24:6 of the CO instructions are zero (WAIT may carry an implementation-
     * defined code there). */
    if (insn_funct(insn) != 0x20 && (insn & 0x01ffffc0u) != 0) {
        return false;
    }
    switch (insn_funct(insn)) {
    case 0x01:
        mips_gen_call0(&info_tlbr);
        dc->base.is_jmp = DISAS_EXIT;
        return true;
    case 0x02:
        mips_gen_call0(&info_tlbwi);
        mips_tlbw_end(dc);
        return true;
    case 0x06:
        mips_gen_call0(&info_tlbwr);
        mips_tlbw_end(dc);
        return true;
    case 0x08:
        mips_gen_call0(&info_tlbp);
        return true;
    case 0x18:
        if (dc->in_slot) {
            return false;     /* ERET in a delay slot is UNPREDICTABLE */
        }
        mips_gen_call0(&info_eret);
        dc->base.is_jmp = DISAS_EXIT_PC_SET;
        return true;
    case 0x20:
        /* Resume after the WAIT once an interrupt arrives. */
        tcg_gen_movi_i32(cpu_pc, dc->pc + 4);
        mips_gen_save_bmask(dc, 0);
        mips_gen_call0(&info_wait);
        dc->base.is_jmp = DISAS_NORETURN;
        return true;
    default:
        return false;
    }
}

bool trans_cop0(DisasContext *dc, uint32_t insn)
{
    if (!mips_check_cp0(dc)) {
        return true;
    }
    switch (insn_rs(insn)) {
    case 0x00:
        return trans_mfc0(dc, insn);
    case 0x04:
        return trans_mtc0(dc, insn);
    case 0x0a:
    case 0x0e:
        return trans_rdwrpgpr(dc, insn);
    case 0x0b:
        return trans_mfmc0(dc, insn);
    default:
        if (insn_rs(insn) & 0x10) {
            return trans_co(dc, insn);
        }
        return false;
    }
}
