/*
 * MIPS32 loads and stores (MIPS32 Vol. II): byte/halfword/word with natural alignment
 * (misaligned -> AdEL/AdES through MO_ALIGN), the little-endian LWL/LWR/SWL/SWR
 * partial-word forms, LL/SC for a single CPU (a link bit and address in env; ERET
 * clears the link), CACHE (privileged, no effect) and PREF (no effect).
 */
#include "qemu/osdep.h"
#include "internal.h"

/* Major opcodes (MIPS32 Vol. II, table A.2). */
#define OPC_SWL 0x2a
#define OPC_SWR 0x2e

static const TCGHelperInfo info_swl =
    TCG_HELPER(helper_mips_swl, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_swr =
    TCG_HELPER(helper_mips_swr, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);

static TCGv_i32 mips_gen_addr(DisasContext *dc, uint32_t insn)
{
    TCGv_i32 addr = mips_temp(dc);

    tcg_gen_addi_i32(addr, mips_gpr_src(insn_rs(insn)), insn_simm(insn));
    return addr;
}

/*
 * The address of a plain load or store, which only reads it: with offset 0 the
 * base register itself, so no temp (the optimizer would fold the add away, but the
 * temp's discard op would stay and cost every later pass a little).
 */
static TCGv_i32 mips_gen_addr_ro(DisasContext *dc, uint32_t insn)
{
    if (insn_simm(insn) == 0) {
        return mips_gpr_src(insn_rs(insn));
    }
    return mips_gen_addr(dc, insn);
}

static bool mips_gen_load(DisasContext *dc, uint32_t insn, MemOp op)
{
    TCGv_i32 addr = mips_gen_addr_ro(dc, insn);

    /* A load to r0 still faults: load into a scratch temp. */
    tcg_gen_qemu_ld_i32(mips_gpr_dst(dc, insn_rt(insn)), addr, dc->mem_idx, op);
    return true;
}

static bool mips_gen_store(DisasContext *dc, uint32_t insn, MemOp op)
{
    TCGv_i32 addr = mips_gen_addr_ro(dc, insn);

    tcg_gen_qemu_st_i32(mips_gpr_src(insn_rt(insn)), addr, dc->mem_idx, op);
    return true;
}

bool trans_lb(DisasContext *dc, uint32_t insn)
{
    return mips_gen_load(dc, insn, MO_SB);
}

bool trans_lbu(DisasContext *dc, uint32_t insn)
{
    return mips_gen_load(dc, insn, MO_UB);
}

bool trans_lh(DisasContext *dc, uint32_t insn)
{
    return mips_gen_load(dc, insn, MO_LESW | MO_ALIGN);
}

bool trans_lhu(DisasContext *dc, uint32_t insn)
{
    return mips_gen_load(dc, insn, MO_LEUW | MO_ALIGN);
}

bool trans_lw(DisasContext *dc, uint32_t insn)
{
    return mips_gen_load(dc, insn, MO_LEUL | MO_ALIGN);
}

bool trans_sb(DisasContext *dc, uint32_t insn)
{
    return mips_gen_store(dc, insn, MO_UB);
}

bool trans_sh(DisasContext *dc, uint32_t insn)
{
    return mips_gen_store(dc, insn, MO_LEUW | MO_ALIGN);
}

bool trans_sw(DisasContext *dc, uint32_t insn)
{
    return mips_gen_store(dc, insn, MO_LEUL | MO_ALIGN);
}

/*
 * LWL/LWR on a little-endian CPU, with b = addr & 3 and w the aligned word:
 *   LWL: rt = (w << 8*(3-b)) | (rt & (0xffffffff >> 8*(b+1)))   (keeps 3-b low bytes)
 *   LWR: rt = (w >> 8*b)     | (rt & ~(0xffffffff >> 8*b))      (keeps b high bytes)
 */
static bool mips_gen_lwlr(DisasContext *dc, uint32_t insn, bool left)
{
    int rt = insn_rt(insn);
    TCGv_i32 addr = mips_gen_addr(dc, insn);
    TCGv_i32 w = mips_temp(dc), sh = mips_temp(dc), mask = mips_temp(dc);
    TCGv_i32 old = mips_gpr_src(rt);

    tcg_gen_andi_i32(sh, addr, 3);
    tcg_gen_andi_i32(addr, addr, ~3);
    tcg_gen_qemu_ld_i32(w, addr, dc->mem_idx, MO_LEUL);
    if (!rt) {
        return true;
    }
    if (left) {
        tcg_gen_xori_i32(sh, sh, 3);
        tcg_gen_shli_i32(sh, sh, 3);
        tcg_gen_shl_i32(w, w, sh);
        tcg_gen_shl_i32(mask, tcg_constant_i32(-1), sh);
    } else {
        tcg_gen_shli_i32(sh, sh, 3);
        tcg_gen_shr_i32(w, w, sh);
        tcg_gen_shr_i32(mask, tcg_constant_i32(-1), sh);
    }
    tcg_gen_andc_i32(mask, old, mask);
    tcg_gen_or_i32(cpu_gpr[rt], w, mask);
    return true;
}

bool trans_lwl(DisasContext *dc, uint32_t insn)
{
    return mips_gen_lwlr(dc, insn, true);
}

bool trans_lwr(DisasContext *dc, uint32_t insn)
{
    return mips_gen_lwlr(dc, insn, false);
}

static void mips_gen_swlr_call(DisasContext *dc, uint32_t insn, TCGv_i32 addr)
{
    const TCGHelperInfo *info = (insn >> 26) == OPC_SWL ? &info_swl : &info_swr;
    TCGTemp *args[4] = {
        tcgv_ptr_temp(tcg_env), tcgv_i32_temp(mips_gpr_src(insn_rt(insn))),
        tcgv_i32_temp(addr), tcgv_i32_temp(tcg_constant_i32(dc->mem_idx)),
    };

    tcg_gen_callN(info, NULL, 4, args);
}

/*
 * The unaligned word store idiom: SWL rt, X+3(b) and SWR rt, X(b) back to back, in
 * either order, store rt to X..X+3 between them. The first insn of such a pair
 * stores the whole word at X with one unaligned store (inline, instead of two
 * helper calls of up to four byte stores each: Linux's unaligned memcpy runs on
 * them) and the second does nothing. Where X..X+3 crosses a page, each insn calls
 * its helper as alone, so a fault on either page is taken at the insn that
 * faults there, with the first one's bytes written. Within a page both insns fault
 * on the same page, and re-running the pair is harmless, so a fault at the first
 * insn is what the hardware does; for an SWL first, whose store is at its own
 * address - 3, the insn record carries MIPS_INSN_SWL_PAIR so that mips_cpu_tlb_fill
 * reports the SWL's address in BadVAddr. A jump to the second insn starts another
 * TB, where it runs alone.
 */
static bool mips_swlr_pair(uint32_t insn, uint32_t next)
{
    unsigned op = insn >> 26, nop = next >> 26;
    int32_t off_l = insn_simm(op == OPC_SWL ? insn : next);
    int32_t off_r = insn_simm(op == OPC_SWL ? next : insn);

    return (op == OPC_SWL || op == OPC_SWR) &&
           nop == (op == OPC_SWL ? OPC_SWR : OPC_SWL) &&
           ((insn ^ next) & 0x03ff0000u) == 0 &&    /* same base and rt */
           off_l == off_r + 3;
}

uint32_t mips_swlr_pair_flags(DisasContext *dc, CPUState *cs, uint32_t pc)
{
    uint32_t insn;

    /* Not a delay slot (the next insn would be the branch's target), aligned, and
     * the second insn in the same page (so in this TB, if the TB goes on). */
    if ((dc->hflags & MIPS_HFLAG_BMASK) || (pc & 3) ||
        ((pc + 4) & TARGET_PAGE_MASK) != (pc & TARGET_PAGE_MASK) ||
        dc->swlr_done_pc == pc) {
        return 0;
    }
    insn = translator_ldl(cs, &dc->base, pc);
    if ((insn >> 26) != OPC_SWL && (insn >> 26) != OPC_SWR) {
        return 0;
    }
    if (!mips_swlr_pair(insn, translator_ldl(cs, &dc->base, pc + 4))) {
        return 0;
    }
    dc->swlr_first_pc = pc;
    return (insn >> 26) == OPC_SWL ? MIPS_INSN_SWL_PAIR : 0;
}

static bool mips_gen_swlr(DisasContext *dc, uint32_t insn)
{
    uint32_t next_pc = dc->pc + 4;

    if (dc->swlr_done_pc == dc->pc) {
        /* Second of a pair: only the page-crossing case is left to do. */
        TCGLabel *done = gen_new_label();
        TCGv_i32 addr = mips_gen_addr(dc, insn);
        TCGv_i32 x = mips_temp(dc);
        int32_t to_x = (insn >> 26) == OPC_SWL ? -3 : 0;

        dc->swlr_done_pc = 0;
        tcg_gen_addi_i32(x, addr, to_x);
        tcg_gen_andi_i32(x, x, ~TARGET_PAGE_MASK);
        tcg_gen_brcondi_i32(TCG_COND_LEU, x, TARGET_PAGE_SIZE - 4, done);
        mips_gen_swlr_call(dc, insn, addr);
        gen_set_label(done);
        return true;
    }
    if (dc->swlr_first_pc == dc->pc) {
        /* First of a pair (found by mips_swlr_pair_flags at insn_start). */
        TCGLabel *cross = gen_new_label(), *done = gen_new_label();
        TCGv_i32 addr = mips_gen_addr(dc, insn);
        TCGv_i32 x = mips_temp(dc), in_page = mips_temp(dc);
        int32_t to_x = (insn >> 26) == OPC_SWL ? -3 : 0;

        dc->swlr_first_pc = 0;
        tcg_gen_addi_i32(x, addr, to_x);
        tcg_gen_andi_i32(in_page, x, ~TARGET_PAGE_MASK);
        tcg_gen_brcondi_i32(TCG_COND_GTU, in_page, TARGET_PAGE_SIZE - 4, cross);
        tcg_gen_qemu_st_i32(mips_gpr_src(insn_rt(insn)), x, dc->mem_idx, MO_LEUL);
        tcg_gen_br(done);
        gen_set_label(cross);
        mips_gen_swlr_call(dc, insn, addr);
        gen_set_label(done);
        dc->swlr_done_pc = next_pc;
        return true;
    }
    mips_gen_swlr_call(dc, insn, mips_gen_addr(dc, insn));
    return true;
}

bool trans_swl(DisasContext *dc, uint32_t insn)
{
    return mips_gen_swlr(dc, insn);
}

bool trans_swr(DisasContext *dc, uint32_t insn)
{
    return mips_gen_swlr(dc, insn);
}

bool trans_ll(DisasContext *dc, uint32_t insn)
{
    TCGv_i32 addr = mips_gen_addr(dc, insn);
    TCGv_i32 val = mips_temp(dc);

    tcg_gen_qemu_ld_i32(val, addr, dc->mem_idx, MO_LEUL | MO_ALIGN);
    tcg_gen_st_i32(addr, tcg_env, offsetof(CPUMIPSState, lladdr));
    tcg_gen_st_i32(tcg_constant_i32(1), tcg_env, offsetof(CPUMIPSState, llbit));
    if (insn_rt(insn)) {
        tcg_gen_mov_i32(cpu_gpr[insn_rt(insn)], val);
    }
    return true;
}

bool trans_sc(DisasContext *dc, uint32_t insn)
{
    int rt = insn_rt(insn);
    TCGv_i32 addr = mips_gen_addr(dc, insn);
    TCGv_i32 t = mips_temp(dc), ok = mips_temp(dc);
    TCGLabel *fail = gen_new_label(), *done = gen_new_label();

    tcg_gen_movi_i32(ok, 0);
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUMIPSState, llbit));
    tcg_gen_brcondi_i32(TCG_COND_EQ, t, 0, fail);
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUMIPSState, lladdr));
    tcg_gen_brcond_i32(TCG_COND_NE, t, addr, fail);
    tcg_gen_qemu_st_i32(mips_gpr_src(rt), addr, dc->mem_idx, MO_LEUL | MO_ALIGN);
    tcg_gen_movi_i32(ok, 1);
    tcg_gen_br(done);
    gen_set_label(fail);
    /* A failing SC still reports a misaligned address. */
    tcg_gen_andi_i32(t, addr, 3);
    tcg_gen_brcondi_i32(TCG_COND_EQ, t, 0, done);
    tcg_gen_qemu_st_i32(mips_gpr_src(rt), addr, dc->mem_idx, MO_LEUL | MO_ALIGN);
    gen_set_label(done);
    tcg_gen_st_i32(tcg_constant_i32(0), tcg_env, offsetof(CPUMIPSState, llbit));
    if (rt) {
        tcg_gen_mov_i32(cpu_gpr[rt], ok);
    }
    return true;
}

bool trans_cache(DisasContext *dc, uint32_t insn)
{
    /* Privileged; with no caches modelled every operation is a no-op. */
    mips_check_cp0(dc);
    return true;
}

bool trans_pref(DisasContext *dc, uint32_t insn)
{
    return true;
}
