/*
 * MIPS32 branches and jumps with their delay slots (MIPS32 Vol. II): BEQ/BNE/BLEZ/
 * BGTZ, the REGIMM branches (BLTZ, BGEZ, the -AL linking and -L likely forms), J/JAL,
 * JR/JALR (and their .HB hazard-barrier forms, which end the TB anyway), and the
 * FPU's BC1F/BC1T/BC1FL/BC1TL through mips_gen_bc1.
 * A branch in a delay slot is UNPREDICTABLE; we raise Reserved Instruction.
 */
#include "qemu/osdep.h"
#include "internal.h"

void mips_gen_save_bmask(DisasContext *dc, uint32_t bmask)
{
    TCGv_i32 t;

    if (bmask == dc->tb_bmask) {
        return;
    }
    t = tcg_temp_new_i32();
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUMIPSState, hflags));
    tcg_gen_andi_i32(t, t, ~MIPS_HFLAG_BMASK);
    if (bmask) {
        tcg_gen_ori_i32(t, t, bmask);
    }
    tcg_gen_st_i32(t, tcg_env, offsetof(CPUMIPSState, hflags));
    tcg_temp_free_i32(t);
    /* From here on env holds bmask (a region's later blocks rely on it being 0). */
    dc->tb_bmask = bmask;
}

/* Leave for the address in btarget. */
static void mips_gen_jump_btarget(DisasContext *dc, bool exit_to_loop)
{
    tcg_gen_mov_i32(cpu_pc, dc->btarget_v);
    if (exit_to_loop) {
        mips_gen_lookup_and_goto_ptr(dc);
    } else {
        mips_gen_lookup_same_flags(dc);
    }
}

/* exit_to_loop: the slot changed state the TB depends on (see DISAS_EXIT), so do
 * not chain: look the target up afresh. */
static void mips_gen_jump_const(DisasContext *dc, unsigned n, uint32_t dest,
                                bool exit_to_loop)
{
    if (exit_to_loop) {
        tcg_gen_movi_i32(cpu_pc, dest);
        mips_gen_lookup_and_goto_ptr(dc);
    } else {
        mips_gen_goto_tb(dc, n, dest);
    }
}

static void mips_gen_taken(DisasContext *dc, bool exit_to_loop)
{
    if (dc->btarget_known) {
        mips_gen_jump_const(dc, 0, dc->btarget, exit_to_loop);
    } else {
        mips_gen_jump_btarget(dc, exit_to_loop);
    }
}

bool mips_gen_branch_end(DisasContext *dc, uint32_t bmask, bool exit_to_loop)
{
    TCGLabel *taken;
    bool cont = false;

    mips_gen_save_bmask(dc, 0);
    switch (bmask) {
    case MIPS_HFLAG_B:
        /* Inside a region: a jump to another block of this TB. */
        taken = !exit_to_loop && dc->btarget_known
                ? translator_branch_label(&dc->base, dc->btarget) : NULL;
        if (taken) {
            tcg_gen_br(taken);
            break;
        }
        mips_gen_taken(dc, exit_to_loop);
        break;
    case MIPS_HFLAG_BC:
        /*
         * Inside a region the TB goes on at the fall-through, which starts a new
         * block; the taken side goes to its block in this TB, or leaves from a
         * stub after the TB's end (translator_exit_label).
         */
        taken = NULL;
        if (!exit_to_loop && dc->btarget_known) {
            taken = translator_branch_label(&dc->base, dc->btarget);
            if (!taken) {
                taken = translator_exit_label(&dc->base, dc->btarget);
            }
        }
        if (taken) {
            tcg_gen_brcondi_i32(TCG_COND_NE, dc->bcond_v, 0, taken);
            cont = true;
            break;
        }
        taken = gen_new_label();
        tcg_gen_brcondi_i32(TCG_COND_NE, dc->bcond_v, 0, taken);
        mips_gen_jump_const(dc, 1, dc->pc + 4, exit_to_loop);
        gen_set_label(taken);
        mips_gen_taken(dc, exit_to_loop);
        break;
    default:
        mips_gen_jump_btarget(dc, exit_to_loop);
        break;
    }
    dc->btarget_known = false;
    if (dc->branch_temps) {
        if (dc->bcond_v) {
            tcg_temp_free_i32(dc->bcond_v);
        }
        if (dc->btarget_v) {
            tcg_temp_free_i32(dc->btarget_v);
        }
        dc->branch_temps = false;
    }
    dc->bcond_v = cpu_bcond;
    dc->btarget_v = cpu_btarget;
    return cont;
}

/* Will translator_loop translate the next insn (the delay slot) into this TB? It
 * stops at the insn limit and before an insn on another page. */
static bool mips_slot_in_this_tb(DisasContext *dc)
{
    DisasContextBase *db = &dc->base;

    /* A gdbstub breakpoint on the slot stops before it: the branch's state must
     * then be in env, where the stop (and the TB resuming at the slot) finds it. */
    return db->num_insns < db->max_insns && !db->singlestep_enabled &&
           (((dc->pc + 4) ^ db->pc_first) & TARGET_PAGE_MASK) == 0 &&
           !(unlikely(dc->cs->nb_breakpoints) && cpu_breakpoint_at(dc->cs, dc->pc + 4));
}

/* Choose where this branch's condition and target live (see DisasContext). In
 * this TB, only the temps the branch uses: each freed temp costs an IR op. */
static void mips_branch_state_begin(DisasContext *dc, bool cond, bool target)
{
    if (mips_slot_in_this_tb(dc)) {
        dc->bcond_v = cond ? tcg_temp_new_i32() : NULL;
        dc->btarget_v = target ? tcg_temp_new_i32() : NULL;
        dc->branch_temps = true;
    } else {
        dc->bcond_v = cpu_bcond;
        dc->btarget_v = cpu_btarget;
        dc->branch_temps = false;
    }
}

static void mips_set_branch(DisasContext *dc, uint32_t kind, bool known, uint32_t target)
{
    dc->hflags |= kind;
    dc->btarget_known = known;
    dc->btarget = target;
    if (known && !dc->branch_temps) {
        /* The slot starts the next TB, which takes the target from env. */
        tcg_gen_movi_i32(cpu_btarget, target);
    }
}

/*
 * Conditional branch on (gpr[rs] cond b), b being gpr[rt] or zero. likely: the slot
 * only runs when taken. link: register receiving pc + 8 (0 for none).
 */
static bool mips_gen_cond_branch(DisasContext *dc, uint32_t insn, TCGCond cond,
                                 TCGv_i32 a, TCGv_i32 b, bool likely, int link)
{
    uint32_t target = dc->pc + 4 + ((uint32_t)insn_simm(insn) << 2);
    TCGLabel *taken;

    if (dc->in_slot) {
        return false;
    }
    mips_branch_state_begin(dc, cond != TCG_COND_ALWAYS, false);
    if (cond == TCG_COND_ALWAYS) {
        if (link) {
            tcg_gen_movi_i32(cpu_gpr[link], dc->pc + 8);
        }
        mips_set_branch(dc, MIPS_HFLAG_B, true, target);
        return true;
    }
    tcg_gen_setcond_i32(cond, dc->bcond_v, a, b);
    if (link) {
        tcg_gen_movi_i32(cpu_gpr[link], dc->pc + 8);
    }
    if (likely) {
        /* Not taken: the slot is nullified, continue after it (in a region, at
         * the block there; env has no pending branch on this path). */
        TCGLabel *not_taken = translator_branch_label(&dc->base, dc->pc + 8);
        if (not_taken) {
            tcg_gen_brcondi_i32(TCG_COND_EQ, dc->bcond_v, 0, not_taken);
        } else {
            taken = gen_new_label();
            tcg_gen_brcondi_i32(TCG_COND_NE, dc->bcond_v, 0, taken);
            mips_gen_goto_tb(dc, 1, dc->pc + 8);
            gen_set_label(taken);
        }
        mips_set_branch(dc, MIPS_HFLAG_B, true, target);
    } else {
        mips_set_branch(dc, MIPS_HFLAG_BC, true, target);
    }
    return true;
}

static bool mips_gen_branch2(DisasContext *dc, uint32_t insn, TCGCond cond, bool likely)
{
    int rs = insn_rs(insn), rt = insn_rt(insn);

    if (rs == rt) {
        /* beq r,r is the unconditional "b"; bne r,r never branches. */
        if (cond == TCG_COND_EQ) {
            cond = TCG_COND_ALWAYS;
        }
    }
    return mips_gen_cond_branch(dc, insn, cond, mips_gpr_src(rs), mips_gpr_src(rt),
                                likely, 0);
}

static bool mips_gen_branchz(DisasContext *dc, uint32_t insn, TCGCond cond, bool likely,
                             int link)
{
    int rs = insn_rs(insn);

    if (rs == 0 && (cond == TCG_COND_GE || cond == TCG_COND_LE)) {
        cond = TCG_COND_ALWAYS;      /* bgez $0 / bal */
    }
    return mips_gen_cond_branch(dc, insn, cond, mips_gpr_src(rs), tcg_constant_i32(0),
                                likely, link);
}

bool trans_beq(DisasContext *dc, uint32_t insn)
{
    return mips_gen_branch2(dc, insn, TCG_COND_EQ, false);
}

bool trans_bne(DisasContext *dc, uint32_t insn)
{
    return mips_gen_branch2(dc, insn, TCG_COND_NE, false);
}

bool trans_beql(DisasContext *dc, uint32_t insn)
{
    return mips_gen_branch2(dc, insn, TCG_COND_EQ, true);
}

bool trans_bnel(DisasContext *dc, uint32_t insn)
{
    return mips_gen_branch2(dc, insn, TCG_COND_NE, true);
}

bool trans_blez(DisasContext *dc, uint32_t insn)
{
    return insn_rt(insn) == 0 && mips_gen_branchz(dc, insn, TCG_COND_LE, false, 0);
}

bool trans_bgtz(DisasContext *dc, uint32_t insn)
{
    return insn_rt(insn) == 0 && mips_gen_branchz(dc, insn, TCG_COND_GT, false, 0);
}

bool trans_blezl(DisasContext *dc, uint32_t insn)
{
    return insn_rt(insn) == 0 && mips_gen_branchz(dc, insn, TCG_COND_LE, true, 0);
}

bool trans_bgtzl(DisasContext *dc, uint32_t insn)
{
    return insn_rt(insn) == 0 && mips_gen_branchz(dc, insn, TCG_COND_GT, true, 0);
}

/* BC1F/BC1T (tf) and their likely forms on an FCC bit the caller loaded (trans-fpu.c). */
bool mips_gen_bc1(DisasContext *dc, uint32_t insn, TCGv_i32 fcc, bool tf, bool likely)
{
    return mips_gen_cond_branch(dc, insn, tf ? TCG_COND_NE : TCG_COND_EQ, fcc,
                                tcg_constant_i32(0), likely, 0);
}

bool mips_trans_regimm_branch(DisasContext *dc, uint32_t insn)
{
    switch (insn_rt(insn)) {
    case 0x00:
        return mips_gen_branchz(dc, insn, TCG_COND_LT, false, 0);   /* BLTZ */
    case 0x01:
        return mips_gen_branchz(dc, insn, TCG_COND_GE, false, 0);   /* BGEZ */
    case 0x02:
        return mips_gen_branchz(dc, insn, TCG_COND_LT, true, 0);    /* BLTZL */
    case 0x03:
        return mips_gen_branchz(dc, insn, TCG_COND_GE, true, 0);    /* BGEZL */
    case 0x10:
        return mips_gen_branchz(dc, insn, TCG_COND_LT, false, 31);  /* BLTZAL */
    case 0x11:
        return mips_gen_branchz(dc, insn, TCG_COND_GE, false, 31);  /* BGEZAL, BAL */
    case 0x12:
        return mips_gen_branchz(dc, insn, TCG_COND_LT, true, 31);   /* BLTZALL */
    case 0x13:
        return mips_gen_branchz(dc, insn, TCG_COND_GE, true, 31);   /* BGEZALL */
    default:
        return false;
    }
}

static bool mips_gen_jump(DisasContext *dc, uint32_t insn, int link)
{
    /* The 256 MB region is that of the delay slot. */
    uint32_t target = ((dc->pc + 4) & 0xf0000000u) | ((insn & 0x03ffffffu) << 2);

    if (dc->in_slot) {
        return false;
    }
    mips_branch_state_begin(dc, false, false);
    if (link) {
        tcg_gen_movi_i32(cpu_gpr[link], dc->pc + 8);
    }
    mips_set_branch(dc, MIPS_HFLAG_B, true, target);
    return true;
}

bool trans_j(DisasContext *dc, uint32_t insn)
{
    return mips_gen_jump(dc, insn, 0);
}

bool trans_jal(DisasContext *dc, uint32_t insn)
{
    return mips_gen_jump(dc, insn, 31);
}

bool trans_jr(DisasContext *dc, uint32_t insn)
{
    /* rt, rd must be 0; sa holds the hint (bit 4 = hazard barrier on R2). */
    if (dc->in_slot || (insn & 0x001ff800u) != 0) {
        return false;
    }
    if ((insn_sa(insn) & ~0x10) != 0 || (insn_sa(insn) && !mips_has_r2(dc))) {
        return false;
    }
    mips_branch_state_begin(dc, false, true);
    tcg_gen_mov_i32(dc->btarget_v, mips_gpr_src(insn_rs(insn)));
    dc->hflags |= MIPS_HFLAG_BR;
    dc->btarget_known = false;
    return true;
}

bool trans_jalr(DisasContext *dc, uint32_t insn)
{
    int rd = insn_rd(insn);

    if (dc->in_slot || insn_rt(insn) != 0) {
        return false;
    }
    if ((insn_sa(insn) & ~0x10) != 0 || (insn_sa(insn) && !mips_has_r2(dc))) {
        return false;
    }
    /* Read rs before writing rd (rs == rd is UNPREDICTABLE; this order is benign). */
    mips_branch_state_begin(dc, false, true);
    tcg_gen_mov_i32(dc->btarget_v, mips_gpr_src(insn_rs(insn)));
    if (rd) {
        tcg_gen_movi_i32(cpu_gpr[rd], dc->pc + 8);
    }
    dc->hflags |= MIPS_HFLAG_BR;
    dc->btarget_known = false;
    return true;
}
