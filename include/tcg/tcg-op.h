/*
 * IR emitters used by the target translators: tcg_gen_<op>_<i32|i64>.
 * Implemented in tcg/tcg-op.c. The "i" forms take an immediate and fold trivial cases
 * (add 0, and -1, shift 0) at emit time.
 */
#ifndef TCG_TCG_OP_H
#define TCG_TCG_OP_H

#include "tcg/tcg.h"

/* ---- 32-bit ---- */
void tcg_gen_mov_i32(TCGv_i32 ret, TCGv_i32 arg);
void tcg_gen_movi_i32(TCGv_i32 ret, int32_t arg);
/* Declare t's value dead (for a global: its pending write-back may be dropped;
 * values live at a later possible fault are still kept, see tcg/liveness.c). */
void tcg_gen_discard_i32(TCGv_i32 t);
void tcg_gen_add_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_addi_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_sub_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_subi_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_subfi_i32(TCGv_i32 ret, int32_t a, TCGv_i32 b);   /* a - b */
void tcg_gen_neg_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_mul_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_muli_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_div_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);    /* no /0, INT_MIN/-1 */
void tcg_gen_divu_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_rem_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_remu_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
/* Quotient and remainder of one division (one host div where the host has it);
 * the same guards as div/rem: no /0, no INT_MIN / -1; q and r distinct. */
void tcg_gen_divrem_i32(TCGv_i32 q, TCGv_i32 r, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_divremu_i32(TCGv_i32 q, TCGv_i32 r, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_mulu2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_muls2_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_add2_i32(TCGv_i32 rl, TCGv_i32 rh, TCGv_i32 al, TCGv_i32 ah,
                      TCGv_i32 bl, TCGv_i32 bh);
void tcg_gen_sub2_i32(TCGv_i32 rl, TCGv_i32 rh, TCGv_i32 al, TCGv_i32 ah,
                      TCGv_i32 bl, TCGv_i32 bh);
void tcg_gen_and_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_andi_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_or_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_ori_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_xor_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_xori_i32(TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_andc_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);   /* a & ~b */
void tcg_gen_orc_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);    /* a | ~b */
void tcg_gen_nor_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_not_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_shl_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);    /* count mod 32 */
void tcg_gen_shli_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b);   /* b < 32 */
void tcg_gen_shr_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_shri_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b);
void tcg_gen_sar_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_sari_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b);
void tcg_gen_rotl_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_rotli_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b);
void tcg_gen_rotr_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_rotri_i32(TCGv_i32 ret, TCGv_i32 a, unsigned b);
void tcg_gen_ext8s_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_ext8u_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_ext16s_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_ext16u_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_bswap16_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_bswap32_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_clz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 zero_val);
void tcg_gen_clzi_i32(TCGv_i32 ret, TCGv_i32 a, uint32_t zero_val);
void tcg_gen_ctz_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 zero_val);
void tcg_gen_ctzi_i32(TCGv_i32 ret, TCGv_i32 a, uint32_t zero_val);
void tcg_gen_ctpop_i32(TCGv_i32 ret, TCGv_i32 a);
void tcg_gen_deposit_i32(TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b, unsigned pos, unsigned len);
void tcg_gen_extract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned pos, unsigned len);
void tcg_gen_sextract_i32(TCGv_i32 ret, TCGv_i32 a, unsigned pos, unsigned len);
void tcg_gen_setcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, TCGv_i32 b);
void tcg_gen_setcondi_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 a, int32_t b);
void tcg_gen_movcond_i32(TCGCond c, TCGv_i32 ret, TCGv_i32 c1, TCGv_i32 c2,
                         TCGv_i32 v1, TCGv_i32 v2);
void tcg_gen_brcond_i32(TCGCond c, TCGv_i32 a, TCGv_i32 b, TCGLabel *l);
void tcg_gen_brcondi_i32(TCGCond c, TCGv_i32 a, int32_t b, TCGLabel *l);
/* Host loads/stores relative to a pointer temp (usually tcg_env). */
void tcg_gen_ld8u_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_ld8s_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_ld16u_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_ld16s_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_ld_i32(TCGv_i32 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_st8_i32(TCGv_i32 val, TCGv_ptr base, intptr_t off);
void tcg_gen_st16_i32(TCGv_i32 val, TCGv_ptr base, intptr_t off);
void tcg_gen_st_i32(TCGv_i32 val, TCGv_ptr base, intptr_t off);

/* ---- 64-bit ---- */
void tcg_gen_mov_i64(TCGv_i64 ret, TCGv_i64 arg);
void tcg_gen_movi_i64(TCGv_i64 ret, int64_t arg);
void tcg_gen_add_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_addi_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b);
void tcg_gen_sub_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_subi_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b);
void tcg_gen_neg_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_mul_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_div_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_divu_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_rem_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_remu_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_divrem_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_divremu_i64(TCGv_i64 q, TCGv_i64 r, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_mulu2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_muls2_i64(TCGv_i64 lo, TCGv_i64 hi, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_add2_i64(TCGv_i64 rl, TCGv_i64 rh, TCGv_i64 al, TCGv_i64 ah,
                      TCGv_i64 bl, TCGv_i64 bh);
void tcg_gen_sub2_i64(TCGv_i64 rl, TCGv_i64 rh, TCGv_i64 al, TCGv_i64 ah,
                      TCGv_i64 bl, TCGv_i64 bh);
void tcg_gen_and_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_andi_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b);
void tcg_gen_or_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_ori_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b);
void tcg_gen_xor_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_xori_i64(TCGv_i64 ret, TCGv_i64 a, int64_t b);
void tcg_gen_andc_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_orc_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_not_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_shl_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_shli_i64(TCGv_i64 ret, TCGv_i64 a, unsigned b);
void tcg_gen_shr_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_shri_i64(TCGv_i64 ret, TCGv_i64 a, unsigned b);
void tcg_gen_sar_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_sari_i64(TCGv_i64 ret, TCGv_i64 a, unsigned b);
void tcg_gen_rotl_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_rotr_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_ext8s_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_ext8u_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_ext16s_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_ext16u_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_ext32s_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_ext32u_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_bswap16_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_bswap32_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_bswap64_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_clz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 zero_val);
void tcg_gen_ctz_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 zero_val);
void tcg_gen_ctpop_i64(TCGv_i64 ret, TCGv_i64 a);
void tcg_gen_deposit_i64(TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b, unsigned pos, unsigned len);
void tcg_gen_extract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned pos, unsigned len);
void tcg_gen_sextract_i64(TCGv_i64 ret, TCGv_i64 a, unsigned pos, unsigned len);
void tcg_gen_setcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 a, TCGv_i64 b);
void tcg_gen_movcond_i64(TCGCond c, TCGv_i64 ret, TCGv_i64 c1, TCGv_i64 c2,
                         TCGv_i64 v1, TCGv_i64 v2);
void tcg_gen_brcond_i64(TCGCond c, TCGv_i64 a, TCGv_i64 b, TCGLabel *l);
void tcg_gen_brcondi_i64(TCGCond c, TCGv_i64 a, int64_t b, TCGLabel *l);
void tcg_gen_ld_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_ld32u_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_ld32s_i64(TCGv_i64 ret, TCGv_ptr base, intptr_t off);
void tcg_gen_st_i64(TCGv_i64 val, TCGv_ptr base, intptr_t off);
void tcg_gen_st32_i64(TCGv_i64 val, TCGv_ptr base, intptr_t off);

/* ---- conversions between sizes ---- */
void tcg_gen_ext_i32_i64(TCGv_i64 ret, TCGv_i32 a);     /* sign-extend */
void tcg_gen_extu_i32_i64(TCGv_i64 ret, TCGv_i32 a);    /* zero-extend */
void tcg_gen_extrl_i64_i32(TCGv_i32 ret, TCGv_i64 a);   /* low 32 bits */
void tcg_gen_extrh_i64_i32(TCGv_i32 ret, TCGv_i64 a);   /* high 32 bits */
void tcg_gen_concat_i32_i64(TCGv_i64 ret, TCGv_i32 lo, TCGv_i32 hi);
void tcg_gen_extr_i64_i32(TCGv_i32 lo, TCGv_i32 hi, TCGv_i64 a);

/* ---- pointers (host-sized) ---- */
void tcg_gen_ld_ptr(TCGv_ptr ret, TCGv_ptr base, intptr_t off);
void tcg_gen_addi_ptr(TCGv_ptr ret, TCGv_ptr a, intptr_t b);
void tcg_gen_ext_i32_ptr(TCGv_ptr ret, TCGv_i32 a);     /* zero-extend */

/* ---- guest memory (softmmu) ----
 * Emit qemu_ld/st ops with carg make_memop_idx(op, mmu_idx). A 64-bit access into an
 * i32 value is refused (assert). Stores drop MO_SIGN (meaningless for a store) so
 * backends see one form. */
void tcg_gen_qemu_ld_i32(TCGv_i32 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op);
void tcg_gen_qemu_st_i32(TCGv_i32 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op);
void tcg_gen_qemu_ld_i64(TCGv_i64 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op);
void tcg_gen_qemu_st_i64(TCGv_i64 val, TCGv_i32 addr, unsigned mmu_idx, MemOp op);

/* ---- control ---- */
void tcg_gen_br(TCGLabel *l);
void gen_set_label(TCGLabel *l);
void tcg_gen_mb(unsigned type);
/* Per guest instruction record: pc and one target word (e.g. MIPS delay-slot state). */
void tcg_gen_insn_start(uint64_t pc, uint64_t data1);
/* Leave the TB returning (tb | idx) so the loop may chain slot idx; tb NULL -> 0. */
struct TranslationBlock;
void tcg_gen_exit_tb(const struct TranslationBlock *tb, unsigned idx);
/* Direct jump slot idx (0 or 1); must be followed by exit_tb(tb, idx). */
void tcg_gen_goto_tb(unsigned idx);
/* Look the next TB up from env's current pc (helper_lookup_tb_ptr) and jump there. */
void tcg_gen_lookup_and_goto_ptr(void);
void tcg_gen_goto_ptr(TCGv_ptr dest);

/* ---- helper calls ---- */
/* ret may be NULL for void helpers (or to ignore a result); args are TCGTemp * (use
 * tcgv_*_temp()); nargs must equal info->nb_args. */
void tcg_gen_callN(const TCGHelperInfo *info, TCGTemp *ret, int nargs, TCGTemp **args);

/*
 * Convenience for helpers: declare with
 *   static const TCGHelperInfo info_helper_foo = TCG_HELPER(helper_foo, FLAGS, RET, ARGS...);
 * e.g. TCG_HELPER(helper_mips_tlbwi, 0, TCG_CALL_VOID, TCG_CALL_PTR)
 */
#define TCG_HELPER(fn, fl, rt, ...) {                                   \
        .func = (void *)(fn), .name = #fn, .flags = (fl), .ret = (rt),  \
        .nb_args = sizeof((TCGCallType[]){ __VA_ARGS__ }) / sizeof(TCGCallType), \
        .args = { __VA_ARGS__ } }

static inline void tcg_gen_call0(const TCGHelperInfo *i, TCGTemp *ret)
{
    tcg_gen_callN(i, ret, 0, NULL);
}
static inline void tcg_gen_call1(const TCGHelperInfo *i, TCGTemp *ret, TCGTemp *a)
{
    TCGTemp *args[1] = { a };
    tcg_gen_callN(i, ret, 1, args);
}
static inline void tcg_gen_call2(const TCGHelperInfo *i, TCGTemp *ret, TCGTemp *a,
                                 TCGTemp *b)
{
    TCGTemp *args[2] = { a, b };
    tcg_gen_callN(i, ret, 2, args);
}
static inline void tcg_gen_call3(const TCGHelperInfo *i, TCGTemp *ret, TCGTemp *a,
                                 TCGTemp *b, TCGTemp *c)
{
    TCGTemp *args[3] = { a, b, c };
    tcg_gen_callN(i, ret, 3, args);
}
static inline void tcg_gen_call4(const TCGHelperInfo *i, TCGTemp *ret, TCGTemp *a,
                                 TCGTemp *b, TCGTemp *c, TCGTemp *d)
{
    TCGTemp *args[4] = { a, b, c, d };
    tcg_gen_callN(i, ret, 4, args);
}

#endif
