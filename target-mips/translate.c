/*
 * MIPS32 translator: guest instructions -> TCG IR, one TranslatorOps set driven by
 * the generic translator_loop. Decoding is table driven on the major opcode
 * (MIPS32 Vol. II, table A.2); the SPECIAL/SPECIAL2/SPECIAL3/REGIMM/COP0 function
 * tables live next to the code that implements them (trans-*.c).
 *
 * Delay slots: a branch records the kind of pending branch in dc->hflags (and the
 * target/condition in the btarget/bcond globals); the next insn is translated as the
 * slot and then the branch is completed. If the slot falls into another TB (page end
 * or insn limit), the pending-branch bits travel in env->hflags and the TB flags.
 * Each insn_start records (pc, hflags) so an exception in a slot finds EPC/Cause.BD.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "exec/exec-all.h"

TCGv_i32 cpu_gpr[32];
TCGv_i32 cpu_pc, cpu_hi, cpu_lo, cpu_btarget, cpu_bcond;

static const char *const mips_reg_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
    "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
    "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};

/* At most this many guest insns per TB keeps temps and labels well inside the
 * IR's per-TB limits. (-DMIPS_MAX_INSNS_PER_TB=1 makes every insn its own TB, a
 * debugging aid that sends every delay slot through the cross-TB path.) */
#ifndef MIPS_MAX_INSNS_PER_TB
#define MIPS_MAX_INSNS_PER_TB 128
#endif

static const TCGHelperInfo info_raise =
    TCG_HELPER(helper_mips_raise, TCG_CALL_NO_RETURN,
               TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_raise_now =
    TCG_HELPER(helper_mips_raise_now, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_raise_err =
    TCG_HELPER(helper_mips_raise_err, TCG_CALL_NO_RETURN,
               TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_raise_adel =
    TCG_HELPER(helper_mips_raise_adel, TCG_CALL_NO_RETURN,
               TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);

void mips_tcg_init(void)
{
    cpu_gpr[0] = NULL;
    for (int i = 1; i < 32; i++) {
        cpu_gpr[i] = tcg_global_mem_new_i32(offsetof(CPUMIPSState, gpr[i]),
                                            mips_reg_names[i]);
    }
    cpu_pc = tcg_global_mem_new_i32(offsetof(CPUMIPSState, pc), "pc");
    cpu_hi = tcg_global_mem_new_i32(offsetof(CPUMIPSState, hi), "HI");
    cpu_lo = tcg_global_mem_new_i32(offsetof(CPUMIPSState, lo), "LO");
    cpu_btarget = tcg_global_mem_new_i32(offsetof(CPUMIPSState, btarget), "btarget");
    cpu_bcond = tcg_global_mem_new_i32(offsetof(CPUMIPSState, bcond), "bcond");
}

TCGv_i32 mips_temp(DisasContext *dc)
{
    TCGv_i32 t = tcg_temp_new_i32();

    assert(dc->nb_temps < MIPS_DC_MAX_TEMPS);
    dc->temps[dc->nb_temps++] = t;
    return t;
}

static void mips_free_temps(DisasContext *dc)
{
    for (int i = 0; i < dc->nb_temps; i++) {
        tcg_temp_free_i32(dc->temps[i]);
    }
    dc->nb_temps = 0;
}

TCGv_i32 mips_gpr_src(int reg)
{
    return reg ? cpu_gpr[reg] : tcg_constant_i32(0);
}

TCGv_i32 mips_gpr_dst(DisasContext *dc, int reg)
{
    return reg ? cpu_gpr[reg] : mips_temp(dc);
}

bool mips_has_r2(DisasContext *dc)
{
    return (dc->hflags & MIPS_HFLAG_R2) != 0;
}

void mips_gen_exception_err(DisasContext *dc, int excp, int err)
{
    /* The pc is also restored from the insn records; storing it keeps the state
     * right even for exceptions raised where no record applies. */
    tcg_gen_movi_i32(cpu_pc, dc->pc);
    if (err) {
        tcg_gen_call3(&info_raise_err, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(excp)),
                      tcgv_i32_temp(tcg_constant_i32(err)));
    } else {
        tcg_gen_call2(&info_raise, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(excp)));
    }
    dc->base.is_jmp = DISAS_NORETURN;
}

void mips_gen_exception(DisasContext *dc, int excp)
{
    mips_gen_exception_err(dc, excp, 0);
}

/*
 * An exception the insn raises by itself (SYSCALL, BREAK, traps): outside a delay
 * slot, enter the handler in a helper and go straight to the handler's TB, without
 * unwinding to the loop. In a slot the pending branch's state lives only in the insn
 * records, so that case unwinds (and restores) as before.
 */
void mips_gen_exception_now(DisasContext *dc, int excp)
{
    if (dc->in_slot) {
        mips_gen_exception(dc, excp);
        return;
    }
    tcg_gen_movi_i32(cpu_pc, dc->pc);
    tcg_gen_call2(&info_raise_now, NULL, tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(tcg_constant_i32(excp)));
    mips_gen_lookup_and_goto_ptr(dc);
    dc->base.is_jmp = DISAS_NORETURN;
}

/*
 * A conditional trap (TEQ, TNE, ...; Linux's BUG_ON compiles to TNE, GCC guards
 * divisions with TEQ) is almost never taken: its raise goes after the TB's exits, so
 * the hot path keeps only the compare and branch. The cold block stores the pc and
 * enters the handler as mips_gen_exception_now does, without unwinding: it needs no
 * insn record (its host code lies past the last insn's). It then returns to the
 * loop rather than probing the jump cache: that takes no temps, and a temp reused
 * after the TB's exits would look live at every branch before them (liveness keeps
 * a TEMP_TB read later in the TB), keeping dead values and spilling them. A trap in
 * a delay slot needs the records for Cause.BD and EPC, so it stays inline.
 */
TCGLabel *mips_gen_trap_cold(DisasContext *dc)
{
    TCGLabel *l;

    if (dc->in_slot || dc->nb_cold == MIPS_DC_MAX_COLD) {
        return NULL;
    }
    l = gen_new_label();
    dc->cold[dc->nb_cold].label = l;
    dc->cold[dc->nb_cold].pc = dc->pc;
    dc->nb_cold++;
    return l;
}

static void mips_gen_cold(DisasContext *dc)
{
    for (int i = 0; i < dc->nb_cold; i++) {
        gen_set_label(dc->cold[i].label);
        tcg_gen_movi_i32(cpu_pc, dc->cold[i].pc);
        tcg_gen_call2(&info_raise_now, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(MIPS_EXCP_TRAP)));
        tcg_gen_exit_tb(NULL, 0);
    }
    dc->nb_cold = 0;
}

bool mips_check_cp0(DisasContext *dc)
{
    if (!(dc->hflags & MIPS_HFLAG_CP0)) {
        mips_gen_exception_err(dc, MIPS_EXCP_CPU, 0);
        return false;
    }
    return true;
}

/*
 * May a direct jump to dest be chained? The generic rule allows only the TB's own
 * page, because another page's mapping may change. kseg0 and kseg1 have a fixed
 * mapping (physical = virtual & 0x1fffffff, MIPS32 Vol. III, 4.3), so within one of
 * them a jump to any page can be chained too: all of the kernel's calls and jumps
 * then stay in generated code.
 */
bool mips_use_goto_tb(DisasContext *dc, uint32_t dest)
{
    uint32_t seg = dc->base.pc_first & 0xe0000000u;

    if (translator_use_goto_tb(&dc->base, dest)) {
        return true;
    }
    /* Same-page chaining refused means chaining is off for this TB altogether. */
    if (!translator_use_goto_tb(&dc->base, dc->base.pc_first)) {
        return false;
    }
    return (seg == 0x80000000u || seg == 0xa0000000u) && (dest & 0xe0000000u) == seg;
}

void mips_gen_lookup_and_goto_ptr(DisasContext *dc)
{
    /* The flags as mips_cpu_get_tb_cpu_state computes them, from env: a helper
     * (exception entry, ERET, CP0 writes) may just have changed them. */
    TCGv_i32 flags = tcg_temp_new_i32();
    tcg_gen_ld_i32(flags, tcg_env, offsetof(CPUMIPSState, hflags));
    tcg_gen_andi_i32(flags, flags, MIPS_HFLAG_TB_MASK);
    translator_gen_lookup_and_goto_ptr(&dc->base, cpu_pc, flags);
    tcg_temp_free_i32(flags);
}

/*
 * The same where nothing in this TB has changed the flags: every insn that changes
 * them (CP0 writes, ERET, exception entry, EI) ends the TB through
 * mips_gen_lookup_and_goto_ptr, and a branch ending here has cleared the pending-
 * branch bits in env (mips_gen_save_bmask). The TB's own flags, without those bits,
 * are then the next TB's: a constant, with no load, mask and complement (function
 * returns and indirect calls leave this way).
 */
void mips_gen_lookup_same_flags(DisasContext *dc)
{
    uint32_t flags = dc->hflags & (MIPS_HFLAG_TB_MASK & ~MIPS_HFLAG_BMASK);

    translator_gen_lookup_and_goto_ptr(&dc->base, cpu_pc, tcg_constant_i32(flags));
}

void mips_gen_goto_tb(DisasContext *dc, unsigned n, uint32_t dest)
{
    if (dc->slots_used & (1u << n)) {
        n ^= 1;
    }
    if (!(dc->slots_used & (1u << n)) && mips_use_goto_tb(dc, dest)) {
        dc->slots_used |= 1u << n;
        tcg_gen_goto_tb(n);
        tcg_gen_movi_i32(cpu_pc, dest);
        tcg_gen_exit_tb(dc->base.tb, n);
    } else {
        tcg_gen_movi_i32(cpu_pc, dest);
        mips_gen_lookup_same_flags(dc);
    }
}

bool trans_cop_unusable(DisasContext *dc, uint32_t insn)
{
    unsigned op = insn >> 26;
    int ce;

    /* SPECIAL MOVCI names CP1: trans-fpu.c raises CpU when it is unusable (always
     * on a model without an FPU). COP2 and its loads/stores name CP2, which is
     * absent. */
    if (op == 0) {
        return mips_trans_movci(dc, insn);
    }
    switch (op) {
    case 0x12: case 0x32: case 0x36: case 0x3a: case 0x3e:
        ce = 2;
        break;
    default:
        ce = 1;
        break;
    }
    mips_gen_exception_err(dc, MIPS_EXCP_CPU, ce);
    return true;
}

static bool trans_reserved(DisasContext *dc, uint32_t insn)
{
    return false;
}

static const MIPSTransFn mips_major_table[64] = {
    [0x00] = trans_special,  [0x01] = trans_regimm,
    [0x02] = trans_j,        [0x03] = trans_jal,
    [0x04] = trans_beq,      [0x05] = trans_bne,
    [0x06] = trans_blez,     [0x07] = trans_bgtz,
    [0x08] = trans_addi,     [0x09] = trans_addiu,
    [0x0a] = trans_slti,     [0x0b] = trans_sltiu,
    [0x0c] = trans_andi,     [0x0d] = trans_ori,
    [0x0e] = trans_xori,     [0x0f] = trans_lui,
    [0x10] = trans_cop0,     [0x11] = trans_cop1,
    [0x12] = trans_cop_unusable, [0x13] = trans_cop1x,
    [0x14] = trans_beql,     [0x15] = trans_bnel,
    [0x16] = trans_blezl,    [0x17] = trans_bgtzl,
    [0x1c] = trans_special2, [0x1f] = trans_special3,
    [0x20] = trans_lb,       [0x21] = trans_lh,
    [0x22] = trans_lwl,      [0x23] = trans_lw,
    [0x24] = trans_lbu,      [0x25] = trans_lhu,
    [0x26] = trans_lwr,
    [0x28] = trans_sb,       [0x29] = trans_sh,
    [0x2a] = trans_swl,      [0x2b] = trans_sw,
    [0x2e] = trans_swr,      [0x2f] = trans_cache,
    [0x30] = trans_ll,       [0x31] = trans_lwc1,
    [0x32] = trans_cop_unusable, [0x33] = trans_pref,
    [0x35] = trans_ldc1,     [0x36] = trans_cop_unusable,
    [0x38] = trans_sc,       [0x39] = trans_swc1,
    [0x3a] = trans_cop_unusable, [0x3d] = trans_sdc1,
    [0x3e] = trans_cop_unusable,
};

static void mips_tr_init_disas_context(DisasContextBase *db, CPUState *cs)
{
    DisasContext *dc = container_of(db, DisasContext, base);
    uint32_t flags = db->tb->flags;

    dc->cs = cs;
    dc->hflags = flags;
    dc->tb_bmask = flags & MIPS_HFLAG_BMASK;
    dc->mem_idx = flags & MIPS_HFLAG_MMU;
    dc->model = mips_env(cs)->model;
    dc->btarget_known = false;
    dc->btarget = 0;
    dc->in_slot = false;
    dc->nb_temps = 0;
    dc->bcond_v = cpu_bcond;
    dc->btarget_v = cpu_btarget;
    dc->branch_temps = false;
    dc->nb_cold = 0;
    dc->slots_used = 0;
    dc->swlr_done_pc = dc->swlr_first_pc = 0;
    dc->nonzero_reg = 0;
    dc->cu1_checked = false;
    if (db->max_insns > MIPS_MAX_INSNS_PER_TB) {
        db->max_insns = MIPS_MAX_INSNS_PER_TB;
    }
}

static void mips_tr_tb_start(DisasContextBase *db, CPUState *cs)
{
}

static void mips_tr_insn_start(DisasContextBase *db, CPUState *cs)
{
    DisasContext *dc = container_of(db, DisasContext, base);

    tcg_gen_insn_start(db->pc_next,
                       dc->hflags | mips_swlr_pair_flags(dc, cs, db->pc_next));
}

static void mips_tr_translate_insn(DisasContextBase *db, CPUState *cs)
{
    DisasContext *dc = container_of(db, DisasContext, base);
    uint32_t pc = db->pc_next;
    uint32_t slot_bmask = dc->hflags & MIPS_HFLAG_BMASK;
    uint32_t insn;
    MIPSTransFn fn;

    dc->pc = pc;
    dc->in_slot = slot_bmask != 0;
    dc->hflags &= ~MIPS_HFLAG_BMASK;
    db->pc_next = pc + 4;

    if (pc & 3) {
        /* A jump to a misaligned address faults on the fetch. */
        tcg_gen_movi_i32(cpu_pc, pc);
        tcg_gen_call2(&info_raise_adel, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(pc)));
        db->is_jmp = DISAS_NORETURN;
        return;
    }
    insn = translator_ldl(cs, db, pc);
    fn = mips_major_table[insn >> 26];
    if (!fn) {
        fn = trans_reserved;
    }
    if (!fn(dc, insn)) {
        mips_gen_exception(dc, MIPS_EXCP_RI);
    }
    mips_free_temps(dc);

    if (slot_bmask && db->is_jmp != DISAS_NORETURN) {
        bool cont = mips_gen_branch_end(dc, slot_bmask, db->is_jmp != DISAS_NEXT &&
                                                        db->is_jmp != DISAS_TOO_MANY);
        db->is_jmp = cont ? DISAS_NEXT : DISAS_NORETURN;
    }
    dc->in_slot = false;
}

static void mips_tr_tb_stop(DisasContextBase *db, CPUState *cs)
{
    DisasContext *dc = container_of(db, DisasContext, base);

    switch (db->is_jmp) {
    case DISAS_NEXT:
    case DISAS_TOO_MANY:
        if (dc->hflags & MIPS_HFLAG_BMASK) {
            /* The delay slot starts the next TB: hand the pending branch over. */
            mips_gen_save_bmask(dc, dc->hflags & MIPS_HFLAG_BMASK);
            tcg_gen_movi_i32(cpu_pc, db->pc_next);
            tcg_gen_exit_tb(NULL, 0);
        } else {
            mips_gen_goto_tb(dc, 0, db->pc_next);
        }
        break;
    case DISAS_EXIT:
        tcg_gen_movi_i32(cpu_pc, db->pc_next);
        mips_gen_lookup_and_goto_ptr(dc);
        break;
    case DISAS_EXIT_PC_SET:
        mips_gen_lookup_and_goto_ptr(dc);
        break;
    default:
        break;
    }
    mips_gen_cold(dc);
}

/*
 * Regions (exec/translator.h). A join point is an insn boundary where the state a
 * branch from another block of the TB brings is the state here: no delay slot
 * pending, env's pending-branch bits 0, and no fact about the insn before
 * (the second half of an SWL/SWR pair stores nothing; a division right after
 * TEQ rX, $0 skips its zero guard).
 */
static bool mips_tr_region_join(DisasContextBase *db, CPUState *cs)
{
    DisasContext *dc = container_of(db, DisasContext, base);
    uint32_t pc = db->pc_next;
    bool join = !(dc->hflags & MIPS_HFLAG_BMASK) && dc->tb_bmask == 0 &&
                dc->swlr_done_pc != pc && !(dc->nonzero_reg && dc->nonzero_pc == pc);

    /* A join point may become a branch target after the fact: a CP1 insn after it
     * cannot rely on a Status.CU1 test before it. */
    if (join) {
        dc->cu1_checked = false;
    }
    return join;
}

/*
 * Is there a loop to hold? Only reads guest code (what it finds chooses the TB's
 * shape, never what the code does): the region ends just past the delay slot of
 * the last branch or jump back to a target at or before itself and within
 * MIPS_REGION_HEAD_BYTES of pc_first, met before a call, return, indirect jump or
 * CP0 insn (past those the TB's code cannot loop: the code after a call is
 * reached through another TB). Code after the last back edge runs once per loop
 * exit and belongs in other TBs. No such branch: a plain TB (also holding
 * forward-only if/else blocks translated more code for no measured gain).
 */
#ifndef MIPS_REGION_HEAD_BYTES
#define MIPS_REGION_HEAD_BYTES 64
#endif
/*
 * MIPS looks further ahead than the generic window (TRANSLATOR_REGION_BYTES), still
 * within pc_first's page: the XZ decompressor's literal loop with a match byte
 * (lzma_literal, 49 insns from its head to the delay slot of its second back edge,
 * 196 bytes) was cut 4 bytes short and ran as three TBs chained into each other,
 * storing and reloading its registers at every switch between its two paths.
 */
#ifndef MIPS_REGION_BYTES
#define MIPS_REGION_BYTES 256
#endif

/* Major opcodes that branch with a 16-bit offset: BEQ BNE BLEZ BGTZ and their -L
 * forms (REGIMM's branches are told apart by rt). */
#define MIPS_SCAN_BRANCH_OPS 0xf000f0ull

static vaddr mips_tr_region_scan(DisasContextBase *db, CPUState *cs, vaddr end)
{
    uint32_t last = 0, first = db->pc_first;
    int budget = db->max_insns;
    const uint8_t *host = translator_code_host(db, first);

    if (!host || (first & 3)) {
        return 0;           /* code outside RAM/ROM: no look ahead */
    }
    /* The front end's own window (see MIPS_REGION_BYTES), never past the page.
     * 64-bit sums: the last page of the address space ends at 2^32 (where the
     * generic window, which wraps to 0 there, gives no region). */
    uint64_t page_end = (uint64_t)(first & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
    uint64_t lim = MAX((uint64_t)end, MIN((uint64_t)first + MIPS_REGION_BYTES, page_end));
    /*
     * Written to avoid data-dependent branches (measured: the obvious switch
     * mispredicted on most insns and cost more than the regions it found): the
     * only branch taken rarely is the stop.
     */
    for (uint64_t pc = first; pc + 8 <= lim && budget > 0; pc += 4, budget--) {
        uint32_t insn = ldl_le_p(host + (pc - first));
        uint32_t op = insn >> 26, rt = insn_rt(insn) & 0x1c;
        uint32_t funct = insn_funct(insn);
        /* JR, JALR, SYSCALL, BREAK; JAL; linking REGIMM branches; COP0. */
        bool stop = (op == 0) & (funct - 8u <= 5u);
        stop |= (op == 3) | (op == 0x10) | ((op == 1) & (rt == 0x10));
        bool branch = ((MIPS_SCAN_BRANCH_OPS >> op) & 1) | ((op == 1) & (rt == 0));
        uint32_t target = (uint32_t)pc + 4 + ((uint32_t)insn_simm(insn) << 2);
        uint32_t jtarget = (((uint32_t)pc + 4) & 0xf0000000u) | ((insn & 0x03ffffffu) << 2);
        target = op == 2 ? jtarget : target;
        branch |= op == 2;
        bool back = branch & (target >= first) & (target <= pc) &
                    (target - first <= MIPS_REGION_HEAD_BYTES);
        last = back ? (uint32_t)pc + 8 : last;
        if (unlikely(stop)) {
            break;
        }
    }
    return last;
}

static void mips_tr_region_block_start(DisasContextBase *db, CPUState *cs)
{
    DisasContext *dc = container_of(db, DisasContext, base);

    dc->hflags = db->tb->flags & ~MIPS_HFLAG_BMASK;
    dc->tb_bmask = 0;
    dc->nonzero_reg = 0;
    dc->swlr_done_pc = dc->swlr_first_pc = 0;
    dc->btarget_known = false;
    dc->in_slot = false;
    dc->cu1_checked = false;
}

static void mips_tr_region_exit(DisasContextBase *db, vaddr dest, bool to_loop)
{
    DisasContext *dc = container_of(db, DisasContext, base);

    dc->hflags = db->tb->flags & ~MIPS_HFLAG_BMASK;
    if (to_loop) {
        tcg_gen_movi_i32(cpu_pc, dest);
        tcg_gen_exit_tb(NULL, 0);
    } else {
        mips_gen_goto_tb(dc, 0, dest);
    }
}

static const TranslatorOps mips_translator_ops = {
    .init_disas_context = mips_tr_init_disas_context,
    .tb_start = mips_tr_tb_start,
    .insn_start = mips_tr_insn_start,
    .translate_insn = mips_tr_translate_insn,
    .tb_stop = mips_tr_tb_stop,
    .region_join = mips_tr_region_join,
    .region_scan = mips_tr_region_scan,
    .region_block_start = mips_tr_region_block_start,
    .region_exit = mips_tr_region_exit,
};

void mips_translate_code(CPUState *cs, TranslationBlock *tb, int *max_insns)
{
    DisasContext dc;

    memset(&dc, 0, sizeof(dc));
    if (*max_insns <= 0 || *max_insns > MIPS_MAX_INSNS_PER_TB) {
        *max_insns = MIPS_MAX_INSNS_PER_TB;
    }
    translator_loop(cs, tb, max_insns, &mips_translator_ops, &dc.base);
}
