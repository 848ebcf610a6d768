/*
 * MIPS32 loads and stores (MIPS32 Vol. II): byte/halfword/word with natural alignment
 * (misaligned -> AdEL/AdES through MO_ALIGN), the little-endian LWL/LWR/SWL/SWR
 * partial-word forms, LL/SC for a single CPU (a link bit and address in env; ERET
 * clears the link), CACHE (privileged, no effect) and PREF (no effect).
 */
#include "qemu/osdep.h"
#include "internal.h"

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

static bool mips_gen_load(DisasContext *dc, uint32_t insn, MemOp op)
{
    TCGv_i32 addr = mips_gen_addr(dc, insn);

    /* A load to r0 still faults: load into a scratch temp. */
    tcg_gen_qemu_ld_i32(mips_gpr_dst(dc, insn_rt(insn)), addr, dc->mem_idx, op);
    return true;
}

static bool mips_gen_store(DisasContext *dc, uint32_t insn, MemOp op)
{
    TCGv_i32 addr = mips_gen_addr(dc, insn);

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

static bool mips_gen_swlr(DisasContext *dc, uint32_t insn, const TCGHelperInfo *info)
{
    TCGv_i32 addr = mips_gen_addr(dc, insn);
    TCGTemp *args[4] = {
        tcgv_ptr_temp(tcg_env), tcgv_i32_temp(mips_gpr_src(insn_rt(insn))),
        tcgv_i32_temp(addr), tcgv_i32_temp(tcg_constant_i32(dc->mem_idx)),
    };

    tcg_gen_callN(info, NULL, 4, args);
    return true;
}

bool trans_swl(DisasContext *dc, uint32_t insn)
{
    return mips_gen_swlr(dc, insn, &info_swl);
}

bool trans_swr(DisasContext *dc, uint32_t insn)
{
    return mips_gen_swlr(dc, insn, &info_swr);
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
