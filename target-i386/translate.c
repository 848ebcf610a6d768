/*
 * i386 translator: guest instructions -> TCG IR, one TranslatorOps set driven by the
 * generic translator_loop.
 *
 * Decoding (Intel SDM Vol. 2, ch. 2 and appendix A): legacy prefixes, then a one-byte
 * or 0F two-byte opcode looked up in x86_op_table1/2 (trans-*.c). Each entry names a
 * translation function and an operand-form descriptor (XF_*) telling the decoder
 * whether a ModRM byte and which immediates follow; the decoder consumes them into an
 * X86Insn before the translation function runs.
 *
 * Rules every translation function follows so that a fault mid-instruction restarts
 * it cleanly (state is restored from the insn_start records: eip, and cc_op when the
 * translator knew it, see gen_sync_cc_op): memory
 * stores happen before any register, esp or flag update of the same instruction.
 */
#include "qemu/osdep.h"
#include <stdarg.h>
#include "internal.h"
#include "exec/exec-all.h"
#include "exec/translator.h"
#include "qemu/log.h"

TCGv_i32 cpu_regs[8];
TCGv_i32 cpu_eip, cpu_cc_op, cpu_cc_dst, cpu_cc_src, cpu_cc_src2, cpu_cc_lazy, cpu_df;
TCGv_i32 cpu_seg_base[6];

static const char *const x86_reg_names[8] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
};
static const char *const x86_seg_base_names[6] = {
    "es_base", "cs_base", "ss_base", "ds_base", "fs_base", "gs_base",
};

#define X86_MAX_INSNS_PER_TB 128
#define X86_MAX_INSN_LEN 15

static const TCGHelperInfo info_raise =
    TCG_HELPER(helper_x86_raise, TCG_CALL_NO_RETURN,
               TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_raise_cold =
    TCG_HELPER(helper_x86_raise_cold, TCG_CALL_NO_RETURN,
               TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_raise_err =
    TCG_HELPER(helper_x86_raise_err, TCG_CALL_NO_RETURN,
               TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);

void x86_tcg_init(void)
{
    for (int i = 0; i < 8; i++) {
        cpu_regs[i] = tcg_global_mem_new_i32(offsetof(CPUX86State, regs[i]),
                                             x86_reg_names[i]);
    }
    for (int i = 0; i < 6; i++) {
        cpu_seg_base[i] = tcg_global_mem_new_i32(offsetof(CPUX86State, segs[i].base),
                                                 x86_seg_base_names[i]);
    }
    cpu_eip = tcg_global_mem_new_i32(offsetof(CPUX86State, eip), "eip");
    cpu_cc_op = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_op), "cc_op");
    cpu_cc_dst = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_dst), "cc_dst");
    cpu_cc_src = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_src), "cc_src");
    cpu_cc_src2 = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_src2), "cc_src2");
    cpu_cc_lazy = tcg_global_mem_new_i32(offsetof(CPUX86State, cc_lazy), "cc_lazy");
    cpu_df = tcg_global_mem_new_i32(offsetof(CPUX86State, df), "df");
}

TCGv_i32 x86_temp(DisasContext *s)
{
    assert(s->nb_temps < X86_DC_MAX_TEMPS);
    if (s->nb_temps == s->nb_pool) {
        s->pool[s->nb_pool++] = tcg_temp_new_i32();
    }
    return s->pool[s->nb_temps++];
}

TCGv_i32 x86_A0(DisasContext *s)
{
    if (!s->A0) {
        s->A0 = x86_temp(s);
    }
    return s->A0;
}

/* End of an insn: its scratch temps are dead (see DisasContext.pool). */
static void x86_free_temps(DisasContext *s)
{
    if (s->pool_discards) {
        for (int i = 0; i < s->nb_temps; i++) {
            tcg_gen_discard_i32(s->pool[i]);
        }
    }
    s->nb_temps = 0;
    s->A0 = NULL;
}

/*
 * A branch back to a label makes liveness keep every scratch temp live at every
 * block end of the TB, so their ends must be marked as they were before the pool:
 * a discard of each pool temp before every insn emitted so far (all are dead at
 * insn boundaries), and from now on at each insn's end. Once per TB, and rare (a
 * REP string insn that gen_rep_bulk does not take).
 */
void x86_note_backward_branch(DisasContext *s)
{
    bool first = true;

    if (s->pool_discards) {
        return;
    }
    s->pool_discards = true;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if (op->opc != INDEX_op_insn_start) {
            continue;
        }
        if (first) {
            first = false;
            continue;
        }
        for (int i = 0; i < s->nb_pool; i++) {
            TCGOp *d = tcg_op_insert_before(tcg_ctx, op, INDEX_op_discard, 1);
            d->args[0] = temp_arg(tcgv_i32_temp(s->pool[i]));
        }
    }
}

void gen_helper_env(DisasContext *s, const TCGHelperInfo *info, TCGv_i32 ret,
                    int nargs, ...)
{
    TCGTemp *args[TCG_MAX_CALL_ARGS];
    va_list ap;

    assert(nargs + 1 <= TCG_MAX_CALL_ARGS);
    /* Helpers read env's cc_op (EFLAGS, exceptions raised without a restore). */
    x86_cc_op_may_fault(s);
    gen_sync_cc_op(s);
    args[0] = tcgv_ptr_temp(tcg_env);
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        args[i + 1] = tcgv_i32_temp(va_arg(ap, TCGv_i32));
    }
    va_end(ap);
    tcg_gen_callN(info, ret ? tcgv_i32_temp(ret) : NULL, nargs + 1, args);
}

uint32_t x86_next_eip(DisasContext *s)
{
    return s->base.pc_next - s->cs_base;
}

void gen_update_eip_cur(DisasContext *s)
{
    tcg_gen_movi_i32(cpu_eip, s->pc_start_eip);
}

void gen_update_eip_next(DisasContext *s)
{
    tcg_gen_movi_i32(cpu_eip, x86_next_eip(s));
}

void gen_exception(DisasContext *s, int vec)
{
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_raise, NULL, 1, tcg_constant_i32(vec));
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_exception_err(DisasContext *s, int vec, int err)
{
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_raise_err, NULL, 2, tcg_constant_i32(vec),
                   tcg_constant_i32(err));
    s->base.is_jmp = DISAS_NORETURN;
}

void gen_raise_in_path(DisasContext *s, int vec)
{
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_raise, NULL, 1, tcg_constant_i32(vec));
}

/*
 * A label to branch to when the current insn must raise vec, on a path that is
 * almost never taken: the raise is emitted after the TB's exits (x86_gen_cold), so
 * the insn's common path continues without a join label, which would make the
 * backend reload every guest register. The branch itself still writes dirty
 * globals back (a basic-block end); the cold code stores eip and raises without
 * restoring state from its host address, which belongs to no insn. NULL when the
 * TB has no room left: the caller raises in line then.
 */
TCGLabel *gen_raise_cold(DisasContext *s, int vec)
{
    TCGLabel *l;

    if (s->nb_cold == X86_DC_MAX_COLD) {
        return NULL;
    }
    l = gen_new_label();
    s->cold[s->nb_cold].label = l;
    s->cold[s->nb_cold].eip = s->pc_start_eip;
    s->cold[s->nb_cold].vec = vec;
    s->cold[s->nb_cold].cc_op = s->cc_op;
    s->nb_cold++;
    return l;
}

TCGLabel *gen_cold_exit(DisasContext *s, int kind, uint32_t eip, int *index)
{
    TCGLabel *l;

    if (s->nb_cold == X86_DC_MAX_COLD) {
        return NULL;
    }
    l = gen_new_label();
    *index = s->nb_cold;
    s->cold[s->nb_cold].label = l;
    s->cold[s->nb_cold].eip = eip;
    s->cold[s->nb_cold].vec = kind;
    s->cold[s->nb_cold].cc_op = s->cc_op;
    s->nb_cold++;
    return l;
}

static void x86_gen_cold(DisasContext *s)
{
    for (int i = 0; i < s->nb_cold; i++) {
        gen_set_label(s->cold[i].label);
        /* The flags as they were at the branch, not at the end of the TB. */
        s->cc_op = s->cold[i].cc_op;
        s->cc_op_clean = false;
        gen_sync_cc_op(s);
        if (s->cold[i].vec == X86_COLD_JUMP || s->cold[i].vec == X86_COLD_JUMP0) {
            int slot = s->cold[i].vec == X86_COLD_JUMP;

            tcg_gen_goto_tb(slot);
            tcg_gen_movi_i32(cpu_eip, s->cold[i].eip);
            tcg_gen_exit_tb(s->base.tb, slot);
            continue;
        }
        if (s->cold[i].vec == X86_COLD_END && s->loop.end_placed) {
            tcg_gen_br(s->loop.end_label);
            continue;
        }
        if (s->cold[i].vec == X86_COLD_LOOKUP || s->cold[i].vec == X86_COLD_END) {
            /* The C look-up, not the inline probe: its temps would count against
             * the registers a self loop keeps its guest registers in. */
            tcg_gen_movi_i32(cpu_eip, s->cold[i].eip);
            tcg_gen_lookup_and_goto_ptr();
            continue;
        }
        if (s->cold[i].vec == X86_COLD_EXIT) {
            tcg_gen_movi_i32(cpu_eip, s->cold[i].eip);
            tcg_gen_exit_tb(NULL, 0);
            continue;
        }
        tcg_gen_movi_i32(cpu_eip, s->cold[i].eip);
        gen_helper_env(s, &info_raise_cold, NULL, 1, tcg_constant_i32(s->cold[i].vec));
    }
    s->nb_cold = 0;
}

void gen_illegal(DisasContext *s)
{
    gen_exception(s, EXCP06_ILLOP);
}

bool x86_check_cpl0(DisasContext *s)
{
    if (s->cpl != 0) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return false;
    }
    return true;
}

static const TCGHelperInfo info_set_inhibit =
    TCG_HELPER(helper_x86_set_inhibit_irq, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_debug_insn_end =
    TCG_HELPER(helper_x86_debug_insn_end, TCG_CALL_NO_WG, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32);
static const TCGHelperInfo info_insn_bp =
    TCG_HELPER(helper_x86_insn_bp, TCG_CALL_NO_WG, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32);

/*
 * Continue at env's eip through the CPU's jump cache, probed inline. The probe's
 * key is the linear pc and the TB flags, and it only takes TBs whose CS base is 0
 * (the jump cache marks others unusable), so it is emitted only where the CS base
 * is 0: known at translation time when the insn kept CS (cs_kept), otherwise tested
 * at run time (far transfers, IRET, SYSEXIT). Anything else, real and vm86 mode
 * with their non-zero bases, goes through the C look-up. The flags are read from
 * env: a segment load earlier in the TB may have changed them.
 */
static void gen_goto_ptr(DisasContext *s, bool cs_kept)
{
    TCGLabel *slow = NULL;
    TCGv_i32 flags;

    /* Every caller has stored cc_op already (gen_jmp_eip, gen_exit_or_lookup,
     * x86_gen_tb_exits). */
    if (cs_kept && s->cs_base != 0) {
        tcg_gen_lookup_and_goto_ptr();
        return;
    }
    if (!cs_kept) {
        slow = gen_new_label();
        tcg_gen_brcondi_i32(TCG_COND_NE, cpu_seg_base[R_CS], 0, slow);
    }
    flags = x86_temp(s);
    tcg_gen_ld_i32(flags, tcg_env, offsetof(CPUX86State, hflags));
    tcg_gen_andi_i32(flags, flags, HF_TB_MASK);
    translator_gen_lookup_and_goto_ptr(&s->base, cpu_eip, flags);
    if (slow) {
        gen_set_label(slow);
        tcg_gen_lookup_and_goto_ptr();
    }
}

/*
 * eip of the next insn is in env: the single-step / data-breakpoint #DB trap of a
 * TB translated with TF or breakpoints on (such TBs hold one insn), then back to
 * the loop or on through the jump cache.
 */
void gen_debug_insn_end(DisasContext *s)
{
    gen_helper_env(s, &info_debug_insn_end, NULL, 1,
                   tcg_constant_i32((s->flags & HF_TF_MASK) != 0));
    if (s->flags & (HF_TF_MASK | HF_INHIBIT_IRQ_MASK)) {
        tcg_gen_exit_tb(NULL, 0);
    } else {
        tcg_gen_lookup_and_goto_ptr();
    }
    s->base.is_jmp = DISAS_NORETURN;
}

static void gen_exit_or_lookup(DisasContext *s);

void gen_jmp_eip(DisasContext *s, uint32_t eip, int slot)
{
    gen_sync_cc_op(s);
    if (!(s->flags & HF_CS32_MASK)) {
        eip &= 0xffff;
    }
    if (s->shadow_insn) {
        /* The insn after STI: interrupts it held back are taken now. */
        tcg_gen_movi_i32(cpu_eip, eip);
        gen_exit_or_lookup(s);
        s->base.is_jmp = DISAS_NORETURN;
        return;
    }
    if (s->flags & (HF_TF_MASK | HF_DBG_MASK)) {
        tcg_gen_movi_i32(cpu_eip, eip);
        gen_debug_insn_end(s);
        return;
    }
    if (!(s->flags & (HF_TF_MASK | HF_INHIBIT_IRQ_MASK)) &&
        !(slot == 1 && s->slot1_used) && !(slot == 0 && s->slot0_used) &&
        translator_use_goto_tb(&s->base, s->cs_base + eip)) {
        tcg_gen_goto_tb(slot);
        tcg_gen_movi_i32(cpu_eip, eip);
        tcg_gen_exit_tb(s->base.tb, slot);
    } else {
        tcg_gen_movi_i32(cpu_eip, eip);
        if (s->flags & (HF_TF_MASK | HF_INHIBIT_IRQ_MASK)) {
            tcg_gen_exit_tb(NULL, 0);
        } else {
            gen_goto_ptr(s, true);
        }
    }
    s->base.is_jmp = DISAS_NORETURN;
}

/*
 * A backward Jcc whose taken side leaves through goto_tb slot 1 from a cold block
 * after the TB's exits, translation going on at the fall-through: a loop body
 * split by a data-dependent branch becomes one TB, without the exit check and the
 * chained jump at the split. Only once per TB (two slots), and not where a TB must
 * end after the insn (single-step, breakpoints, the insn after STI or MOV SS).
 * Forward Jccs end the TB as before: their fall-through blocks mostly end in
 * another Jcc, whose second side would then go through the jump cache on a hot
 * path (measured: boot +3% when every Jcc went on). Returns false when the caller
 * must end the TB.
 */
bool gen_jcc_continue(DisasContext *s, int cc, uint32_t target)
{
    TCGLabel *l;

    if (!(s->flags & HF_CS32_MASK)) {
        target &= 0xffff;
    }
    if (target > s->pc_start_eip ||
        s->slot1_used || s->nb_cold == X86_DC_MAX_COLD || s->shadow_insn ||
        s->shadow_pending ||
        (s->flags & (HF_TF_MASK | HF_DBG_MASK | HF_INHIBIT_IRQ_MASK)) ||
        !translator_use_goto_tb(&s->base, s->cs_base + target)) {
        return false;
    }
    l = gen_new_label();
    s->cold[s->nb_cold].label = l;
    s->cold[s->nb_cold].eip = target;
    s->cold[s->nb_cold].vec = X86_COLD_JUMP;
    s->cold[s->nb_cold].cc_op = s->cc_op;
    s->nb_cold++;
    s->slot1_used = true;
    gen_cc_brcond(s, cc, l);
    return true;
}

/* eip already stored: continue at it through the jump cache. */
void gen_jmp_dyn(DisasContext *s)
{
    s->base.is_jmp = DISAS_JUMP;
}

/* ---- registers ---- */

void gen_ld_reg(DisasContext *s, MemOp ot, TCGv_i32 dst, int reg)
{
    switch (ot) {
    case MO_8:
        if (reg < 4) {
            tcg_gen_ext8u_i32(dst, cpu_regs[reg]);
        } else {
            tcg_gen_extract_i32(dst, cpu_regs[reg - 4], 8, 8);
        }
        break;
    case MO_16:
        tcg_gen_ext16u_i32(dst, cpu_regs[reg]);
        break;
    default:
        tcg_gen_mov_i32(dst, cpu_regs[reg]);
        break;
    }
}

void gen_st_reg(DisasContext *s, MemOp ot, int reg, TCGv_i32 val)
{
    switch (ot) {
    case MO_8:
        if (reg < 4) {
            tcg_gen_deposit_i32(cpu_regs[reg], cpu_regs[reg], val, 0, 8);
        } else {
            tcg_gen_deposit_i32(cpu_regs[reg - 4], cpu_regs[reg - 4], val, 8, 8);
        }
        break;
    case MO_16:
        tcg_gen_deposit_i32(cpu_regs[reg], cpu_regs[reg], val, 0, 16);
        break;
    default:
        tcg_gen_mov_i32(cpu_regs[reg], val);
        break;
    }
}

/* ---- memory operands ---- */

static void x86_seg_record(DisasContext *s, TCGv_i32 addr, int seg)
{
    s->last_seg = seg;
    for (int i = 0; i < s->nb_seg_addrs; i++) {
        if (s->seg_addr[i] == addr) {
            s->seg_addr_seg[i] = seg;
            return;
        }
    }
    if (s->nb_seg_addrs < (int)ARRAY_SIZE(s->seg_addr)) {
        s->seg_addr[s->nb_seg_addrs] = addr;
        s->seg_addr_seg[s->nb_seg_addrs++] = seg;
    }
}

static int x86_seg_of(DisasContext *s, TCGv_i32 addr)
{
    for (int i = 0; i < s->nb_seg_addrs; i++) {
        if (s->seg_addr[i] == addr) {
            return s->seg_addr_seg[i];
        }
    }
    /* Every data address is computed by gen_lea_seg/gen_stack_addr first; DS is
     * only a safe default should a new translation function forget to. */
    return s->last_seg >= 0 ? s->last_seg : R_DS;
}

void gen_lea_seg(DisasContext *s, TCGv_i32 dst, TCGv_i32 off, int def_seg, int ovr)
{
    int seg = ovr >= 0 ? ovr : def_seg;

    x86_seg_record(s, dst, seg);
    if (s->aflag == MO_16) {
        tcg_gen_ext16u_i32(dst, off);
        off = dst;
    }
    if (!s->addseg && (seg == R_DS || seg == R_ES || seg == R_SS)) {
        tcg_gen_mov_i32(dst, off);
    } else {
        tcg_gen_add_i32(dst, off, cpu_seg_base[seg]);
    }
}

/*
 * The effective address of m into dst, which may be the base or index register
 * itself (LEA): each guest register is read before dst is first written, or dst
 * is written from it in one op. base + index, the commonest form with an index,
 * is one add; a displacement of 0 costs no op.
 */
void gen_ea_offset_to(DisasContext *s, X86ModRM *m, TCGv_i32 dst)
{
    if (m->index >= 0) {
        TCGv_i32 ix = cpu_regs[m->index];

        if (m->scale) {
            ix = x86_temp(s);
            tcg_gen_shli_i32(ix, cpu_regs[m->index], m->scale);
        }
        if (m->base >= 0) {
            tcg_gen_add_i32(dst, cpu_regs[m->base], ix);
        } else {
            tcg_gen_mov_i32(dst, ix);
        }
        if (m->disp) {
            tcg_gen_addi_i32(dst, dst, m->disp);
        }
    } else if (m->base >= 0) {
        tcg_gen_addi_i32(dst, cpu_regs[m->base], m->disp);
    } else {
        tcg_gen_movi_i32(dst, m->disp);
    }
    if (s->aflag == MO_16) {
        tcg_gen_ext16u_i32(dst, dst);
    }
}

TCGv_i32 gen_ea_offset(DisasContext *s, X86ModRM *m)
{
    TCGv_i32 t = x86_temp(s);

    gen_ea_offset_to(s, m, t);
    return t;
}

void gen_lea_modrm(DisasContext *s, X86ModRM *m)
{
    TCGv_i32 off = gen_ea_offset(s, m);
    int seg = s->override >= 0 ? s->override : m->def_seg;

    if (s->aflag == MO_32 && !s->addseg && (seg == R_DS || seg == R_ES || seg == R_SS)) {
        /* Flat: the offset temp (fresh for this insn) is the address; a copy
         * would only cost IR ops. */
        s->A0 = off;
        x86_seg_record(s, off, seg);
        return;
    }
    gen_lea_seg(s, x86_A0(s), off, m->def_seg, s->override);
}

static const TCGHelperInfo info_seg_check =
    TCG_HELPER(helper_x86_seg_check, TCG_CALL_NO_WG, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_dbg_access =
    TCG_HELPER(helper_x86_dbg_access, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32, TCG_CALL_I32);

/*
 * Limit and type check of a data access (SDM Vol. 3, 5.3/5.4), emitted only for
 * segments that are not flat in this TB's flags: Linux's flat DS/ES/SS/CS and its
 * 4 GiB-limit FS (per-CPU) and GS (TLS) cost nothing. Expand-up writable segments
 * get an inline compare of the access's last byte against the cached limit and call
 * the helper only on failure; the rare kinds (expand-down, unusable, read-only on a
 * store) always call the helper, which decides exactly.
 */
void gen_seg_check_range(DisasContext *s, TCGv_i32 addr, unsigned len, bool is_write)
{
    int seg = x86_seg_of(s, addr);
    unsigned cls = HF_SEG_CLASS(s->flags, seg);
    TCGv_i32 rw = tcg_constant_i32(len | (is_write ? X86_SEGCHK_WRITE : 0));
    TCGv_i32 segc = tcg_constant_i32(seg);

    if (s->seg_dynamic & (1u << seg)) {
        /* Class known only at run time (not in the TB flags, or the segment was
         * loaded earlier in this TB): flat goes straight on, the rest to the helper
         * (such accesses are rare enough not to deserve inline checks). */
        TCGLabel *flat = gen_new_label();
        TCGv_i32 c = x86_temp(s);

        tcg_gen_ld8u_i32(c, tcg_env, offsetof(CPUX86State, seg_class[seg]));
        tcg_gen_brcondi_i32(TCG_COND_EQ, c, X86_SEGCLS_FLAT, flat);
        gen_helper_env(s, &info_seg_check, NULL, 3, segc, addr, rw);
        gen_set_label(flat);
        return;
    }
    if (cls == X86_SEGCLS_FLAT) {
        return;
    }
    if (cls == X86_SEGCLS_SLOW || (cls == X86_SEGCLS_RO && is_write)) {
        gen_helper_env(s, &info_seg_check, NULL, 3, segc, addr, rw);
        return;
    }

    TCGLabel *bad = gen_new_label();
    TCGLabel *ok = gen_new_label();
    TCGv_i32 off = addr;
    TCGv_i32 last = x86_temp(s);
    TCGv_i32 lim = x86_temp(s);

    if (s->addseg || (seg != R_DS && seg != R_ES && seg != R_SS)) {
        off = x86_temp(s);
        tcg_gen_sub_i32(off, addr, cpu_seg_base[seg]);
    }
    tcg_gen_ld_i32(lim, tcg_env, offsetof(CPUX86State, segs[seg].limit));
    if (len > 1) {
        tcg_gen_addi_i32(last, off, len - 1);
        tcg_gen_brcond_i32(TCG_COND_LTU, last, off, bad);
    } else {
        tcg_gen_mov_i32(last, off);
    }
    tcg_gen_brcond_i32(TCG_COND_LEU, last, lim, ok);
    gen_set_label(bad);
    gen_helper_env(s, &info_seg_check, NULL, 3, segc, addr, rw);
    gen_set_label(ok);
}

/* The MemOp of a data access: #AC alignment checking when the TB runs with it on. */
static MemOp x86_data_memop(DisasContext *s, MemOp ot)
{
    ot |= MO_LE;
    if ((s->flags & HF_AC_MASK) && (ot & MO_SIZE) != MO_8) {
        ot |= MO_ALIGN;
    }
    return ot;
}

/* With a DR7 breakpoint enabled, report each access to the data-breakpoint matcher. */
static void gen_dbg_access(DisasContext *s, TCGv_i32 addr, unsigned len, bool is_write)
{
    if (s->flags & HF_DBG_MASK) {
        gen_helper_env(s, &info_dbg_access, NULL, 2, addr,
                       tcg_constant_i32(len | (is_write ? X86_SEGCHK_WRITE : 0)));
    }
}

void gen_ld_mem(DisasContext *s, MemOp ot, TCGv_i32 dst, TCGv_i32 addr)
{
    unsigned len = 1u << (ot & MO_SIZE);

    x86_cc_op_may_fault(s);
    gen_seg_check_range(s, addr, len, false);
    tcg_gen_qemu_ld_i32(dst, addr, s->mem_idx, x86_data_memop(s, ot));
    gen_dbg_access(s, addr, len, false);
}

void gen_st_mem(DisasContext *s, MemOp ot, TCGv_i32 val, TCGv_i32 addr)
{
    unsigned len = 1u << (ot & MO_SIZE);

    x86_cc_op_may_fault(s);
    gen_seg_check_range(s, addr, len, true);
    tcg_gen_qemu_st_i32(val, addr, s->mem_idx, x86_data_memop(s, ot));
    gen_dbg_access(s, addr, len, true);
}

void gen_ld_mem_i64(DisasContext *s, TCGv_i64 dst, TCGv_i32 addr)
{
    x86_cc_op_may_fault(s);
    gen_seg_check_range(s, addr, 8, false);
    tcg_gen_qemu_ld_i64(dst, addr, s->mem_idx, x86_data_memop(s, MO_64));
    gen_dbg_access(s, addr, 8, false);
}

void gen_st_mem_i64(DisasContext *s, TCGv_i64 val, TCGv_i32 addr)
{
    x86_cc_op_may_fault(s);
    gen_seg_check_range(s, addr, 8, true);
    tcg_gen_qemu_st_i64(val, addr, s->mem_idx, x86_data_memop(s, MO_64));
    gen_dbg_access(s, addr, 8, true);
}

void gen_ld_rm(DisasContext *s, X86Insn *d, MemOp ot, TCGv_i32 dst)
{
    if (d->m.is_mem) {
        gen_lea_modrm(s, &d->m);
        if (ot == MO_32 && gen_fwd_load(s, d, dst)) {
            return;
        }
        gen_ld_mem(s, ot, dst, x86_A0(s));
    } else {
        gen_ld_reg(s, ot, dst, d->m.rm);
    }
}

void gen_st_rm(DisasContext *s, X86Insn *d, MemOp ot, TCGv_i32 val)
{
    if (d->m.is_mem) {
        gen_st_mem(s, ot, val, x86_A0(s));
    } else {
        gen_st_reg(s, ot, d->m.rm, val);
    }
}

/* ---- stack ---- */

void gen_stack_addr(DisasContext *s, TCGv_i32 dst, TCGv_i32 off)
{
    x86_seg_record(s, dst, R_SS);
    if (!s->ss32) {
        tcg_gen_ext16u_i32(dst, off);
        off = dst;
    }
    if (s->addseg) {
        tcg_gen_add_i32(dst, off, cpu_seg_base[R_SS]);
    } else {
        tcg_gen_mov_i32(dst, off);
    }
}

void gen_esp_add(DisasContext *s, int32_t delta)
{
    if (s->ss32) {
        tcg_gen_addi_i32(cpu_regs[R_ESP], cpu_regs[R_ESP], delta);
    } else {
        TCGv_i32 t = x86_temp(s);

        tcg_gen_addi_i32(t, cpu_regs[R_ESP], delta);
        tcg_gen_deposit_i32(cpu_regs[R_ESP], cpu_regs[R_ESP], t, 0, 16);
    }
}

void gen_push(DisasContext *s, MemOp ot, TCGv_i32 val)
{
    TCGv_i32 nsp = x86_temp(s);
    TCGv_i32 a;

    tcg_gen_subi_i32(nsp, cpu_regs[R_ESP], 1 << ot);
    if (s->ss32 && !s->addseg) {
        a = nsp;
        x86_seg_record(s, a, R_SS);
    } else {
        a = x86_temp(s);
        gen_stack_addr(s, a, nsp);
    }
    gen_st_mem(s, ot, val, a);
    if (s->ss32) {
        tcg_gen_mov_i32(cpu_regs[R_ESP], nsp);
    } else {
        tcg_gen_deposit_i32(cpu_regs[R_ESP], cpu_regs[R_ESP], nsp, 0, 16);
    }
}

void gen_pop_peek(DisasContext *s, MemOp ot, TCGv_i32 dst)
{
    TCGv_i32 a;

    if (s->ss32 && !s->addseg) {
        /* Flat 32-bit stack: esp is the address, no copy. */
        a = cpu_regs[R_ESP];
        x86_seg_record(s, a, R_SS);
    } else {
        a = x86_temp(s);
        gen_stack_addr(s, a, cpu_regs[R_ESP]);
    }
    gen_ld_mem(s, ot, dst, a);
}

void gen_pop_adjust(DisasContext *s, MemOp ot)
{
    gen_esp_add(s, 1 << ot);
}

/* ---- decoder ---- */

typedef struct X86Fetch {
    DisasContext *s;
    CPUState *cs;
} X86Fetch;

static uint32_t x86_fetch_b(X86Fetch *f)
{
    uint32_t pc = f->s->base.pc_next++;

    return translator_ldub(f->cs, &f->s->base, pc);
}

static uint32_t x86_fetch_w(X86Fetch *f)
{
    uint32_t pc = f->s->base.pc_next;

    f->s->base.pc_next += 2;
    return translator_lduw(f->cs, &f->s->base, pc);
}

static uint32_t x86_fetch_l(X86Fetch *f)
{
    uint32_t pc = f->s->base.pc_next;

    f->s->base.pc_next += 4;
    return translator_ldl(f->cs, &f->s->base, pc);
}

static uint32_t x86_fetch_sized(X86Fetch *f, MemOp ot)
{
    return ot == MO_16 ? x86_fetch_w(f) : x86_fetch_l(f);
}

static void x86_decode_modrm(X86Fetch *f, X86ModRM *m, bool reg_only)
{
    DisasContext *s = f->s;
    uint32_t b = x86_fetch_b(f);

    if (reg_only) {
        /* MOV to/from CRn/DRn: the mod field is ignored, the operand is a register. */
        b |= 0xc0;
    }
    m->mod = b >> 6;
    m->reg = (b >> 3) & 7;
    m->rm = b & 7;
    m->is_mem = m->mod != 3;
    m->base = m->index = -1;
    m->scale = 0;
    m->disp = 0;
    m->def_seg = R_DS;
    if (!m->is_mem) {
        return;
    }
    if (s->aflag == MO_16) {
        static const int8_t b16[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP,
                                       R_EBX };
        static const int8_t i16[8] = { R_ESI, R_EDI, R_ESI, R_EDI, -1, -1, -1, -1 };

        if (m->mod == 0 && m->rm == 6) {
            m->disp = x86_fetch_w(f);
            return;
        }
        m->base = b16[m->rm];
        m->index = i16[m->rm];
        if (m->rm == 2 || m->rm == 3 || m->rm == 6) {
            m->def_seg = R_SS;
        }
        if (m->mod == 1) {
            m->disp = (int8_t)x86_fetch_b(f);
        } else if (m->mod == 2) {
            m->disp = (int16_t)x86_fetch_w(f);
        }
        return;
    }
    if (m->rm == 4) {
        uint32_t sib = x86_fetch_b(f);
        int base = sib & 7, index = (sib >> 3) & 7;

        m->scale = sib >> 6;
        m->index = index == 4 ? -1 : index;
        if (base == 5 && m->mod == 0) {
            m->disp = x86_fetch_l(f);
        } else {
            m->base = base;
        }
    } else if (m->rm == 5 && m->mod == 0) {
        m->disp = x86_fetch_l(f);
    } else {
        m->base = m->rm;
    }
    if (m->base == R_ESP || m->base == R_EBP) {
        m->def_seg = R_SS;
    }
    if (m->mod == 1) {
        m->disp = (int8_t)x86_fetch_b(f);
    } else if (m->mod == 2) {
        m->disp = x86_fetch_l(f);
    }
}

/*
 * LOCK is valid only on the read-modify-write memory forms of ADD, ADC, AND, BTC, BTR,
 * BTS, CMPXCHG, CMPXCHG8B, DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD and XCHG
 * (SDM Vol. 2, LOCK); anything else is #UD.
 */
static bool x86_lock_ok(const X86Insn *d)
{
    unsigned op = d->op;
    int reg = d->m.reg;

    if (!d->m.is_mem) {
        return false;
    }
    if (op < 0x40) {
        return (op & 6) == 0 && (op & 0x38) != 0x38;
    }
    switch (op) {
    case 0x80: case 0x81: case 0x82: case 0x83:
        return reg != 7;
    case 0x86: case 0x87:
        return true;
    case 0xf6: case 0xf7:
        return reg == 2 || reg == 3;
    case 0xfe: case 0xff:
        return reg <= 1;
    case 0x1ab: case 0x1b3: case 0x1bb: case 0x1b0: case 0x1b1: case 0x1c0: case 0x1c1:
        return true;
    case 0x1ba:
        return reg >= 5;
    case 0x1c7:
        return reg == 1;
    default:
        return false;
    }
}

/* Decode one insn at pc_next; false: #UD (or #GP for an over-long insn) was raised. */
static bool x86_decode_and_translate(DisasContext *s, CPUState *cs)
{
    X86Fetch f = { s, cs };
    X86Insn d;
    const X86OpEntry *e;
    uint32_t b;
    bool data16 = false, adr16 = false;

    s->prefix = 0;
    s->override = -1;
    for (;;) {
        if (s->base.pc_next - s->pc >= X86_MAX_INSN_LEN) {
            gen_exception_err(s, EXCP0D_GPF, 0);
            return true;
        }
        b = x86_fetch_b(&f);
        switch (b) {
        case 0x26: s->override = R_ES; continue;
        case 0x2e: s->override = R_CS; continue;
        case 0x36: s->override = R_SS; continue;
        case 0x3e: s->override = R_DS; continue;
        case 0x64: s->override = R_FS; continue;
        case 0x65: s->override = R_GS; continue;
        case 0x66: s->prefix |= PREFIX_DATA; data16 = true; continue;
        case 0x67: s->prefix |= PREFIX_ADR; adr16 = true; continue;
        case 0xf0: s->prefix |= PREFIX_LOCK; continue;
        case 0xf2: s->prefix = (s->prefix & ~PREFIX_REPZ) | PREFIX_REPNZ; continue;
        case 0xf3: s->prefix = (s->prefix & ~PREFIX_REPNZ) | PREFIX_REPZ; continue;
        default:
            break;
        }
        break;
    }
    s->dflag = (s->code32 ^ data16) ? MO_32 : MO_16;
    s->aflag = (s->code32 ^ adr16) ? MO_32 : MO_16;

    if (b == 0x0f) {
        b = 0x100 | x86_fetch_b(&f);
        e = &x86_op_table2[b & 0xff];
    } else {
        e = &x86_op_table1[b];
    }
    memset(&d, 0, sizeof(d));
    d.op = b;
    if (!e->fn) {
        goto illegal;
    }
    d.ot = (e->flags & XF_BYTE) ? MO_8 : s->dflag;
    if (e->flags & XF_MODRM) {
        x86_decode_modrm(&f, &d.m, b >= 0x120 && b <= 0x123);
    }
    if (e->flags & XF_IB) {
        d.imm = x86_fetch_b(&f);
    } else if (e->flags & XF_IBS) {
        d.imm = (int8_t)x86_fetch_b(&f);
    } else if (e->flags & XF_IZ) {
        d.imm = d.ot == MO_8 ? (uint32_t)(int8_t)x86_fetch_b(&f)
                             : d.ot == MO_16 ? (uint32_t)(int16_t)x86_fetch_w(&f)
                                             : x86_fetch_l(&f);
    } else if (e->flags & XF_IW) {
        d.imm = x86_fetch_w(&f);
    } else if (e->flags & XF_IWB) {
        d.imm = x86_fetch_w(&f);
        d.imm2 = x86_fetch_b(&f);
    } else if (e->flags & XF_AP) {
        d.imm = x86_fetch_sized(&f, s->dflag);
        d.imm2 = x86_fetch_w(&f);
    } else if (e->flags & XF_MOFFS) {
        d.imm = x86_fetch_sized(&f, s->aflag);
    } else if (e->flags & XF_JB) {
        int32_t rel = (int8_t)x86_fetch_b(&f);
        d.imm = x86_next_eip(s) + rel;
    } else if (e->flags & XF_JZ) {
        int32_t rel = s->dflag == MO_16 ? (int16_t)x86_fetch_w(&f)
                                        : (int32_t)x86_fetch_l(&f);
        d.imm = x86_next_eip(s) + rel;
        if (s->dflag == MO_16) {
            d.imm &= 0xffff;
        }
    } else if ((e->flags & XF_GRPIMM) && d.m.reg < 2) {
        d.imm = d.ot == MO_8 ? x86_fetch_b(&f)
                             : d.ot == MO_16 ? x86_fetch_w(&f) : x86_fetch_l(&f);
    }
    if (s->base.pc_next - s->pc > X86_MAX_INSN_LEN) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return true;
    }
    if ((s->prefix & PREFIX_LOCK) && !x86_lock_ok(&d)) {
        goto illegal;
    }
    x86_fwd_start_insn(s, &d);
    if (e->fn(s, &d)) {
        return true;
    }
illegal:
    mimic_log_mask(LOG_UNIMP, "i386: illegal opcode %s%02x at %08x\n",
                   (b & 0x100) ? "0f " : "", b & 0xff, s->pc);
    gen_illegal(s);
    return false;
}

/* ---- TranslatorOps ---- */

static void x86_tr_init_disas_context(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = container_of(db, DisasContext, base);
    uint32_t flags = db->tb->flags;

    s->flags = flags;
    s->cs_base = db->tb->cs_base;
    s->code32 = (flags & HF_CS32_MASK) != 0;
    s->ss32 = (flags & HF_SS32_MASK) != 0;
    s->addseg = (flags & HF_ADDSEG_MASK) != 0;
    s->pe = (flags & HF_PE_MASK) != 0;
    s->vm = (flags & HF_VM_MASK) != 0;
    s->cpl = flags & HF_CPL_MASK;
    s->iopl = (flags & HF_IOPL_MASK) >> HF_IOPL_SHIFT;
    if (!(flags & HF_PG_MASK)) {
        s->mem_idx = X86_MMU_IDX_PHYS;
    } else {
        s->mem_idx = s->cpl == 3 ? X86_MMU_IDX_USER : X86_MMU_IDX_KERNEL;
    }
    s->cc_op = CC_OP_DYNAMIC;
    s->cc_op_guess = x86_env(cs)->cc_op;
    s->shadow_pending = false;
    s->shadow_insn = false;
    s->cc_srcT = tcg_temp_new_i32();
    s->fwd_val = tcg_temp_new_i32();
    s->fwd_valid = s->fwd_usable = false;
    s->srcT_valid = false;
    s->cc_dst_narrow = false;
    s->lazy_written = false;
    s->src2_written = false;
    s->nb_temps = 0;
    s->nb_pool = 0;
    s->pool_discards = false;
    s->nb_cold = 0;
    s->seg_dynamic = 0;
    for (int seg = 0; seg < 6; seg++) {
        if (!x86_seg_in_tb_flags(seg, s->cpl)) {
            s->seg_dynamic |= 1u << seg;
        }
    }
    if (db->max_insns > X86_MAX_INSNS_PER_TB) {
        db->max_insns = X86_MAX_INSNS_PER_TB;
    }
    /* After sti / mov ss, or when single-stepping or with breakpoints on, one insn
     * per TB so the loop sees the state change right after it. */
    if (flags & (HF_INHIBIT_IRQ_MASK | HF_TF_MASK | HF_DBG_MASK)) {
        db->max_insns = 1;
    }
}

static void x86_tr_tb_start(DisasContextBase *db, CPUState *cs)
{
    x86_loop_plan(container_of(db, DisasContext, base), cs);
}

/*
 * The cc_op in force when the insn starts, for a fault in it to put in env (the
 * translator stores a known cc_op only where it is observable, gen_sync_cc_op);
 * CC_OP_DYNAMIC when env's cc_op is already right.
 */
static void x86_tr_insn_start(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = container_of(db, DisasContext, base);
    int op;

    x86_loop_insn_start(s);     /* a join label: may change cc_op */
    op = x86_cc_op_static(s->cc_op) ? s->cc_op : CC_OP_DYNAMIC;
    tcg_gen_insn_start(db->pc_next, (uint64_t)(int64_t)op);
    s->insn_start_op = tcg_ctx->last_op;
    s->insn_cc_op = s->cc_op;
}

static void x86_tr_translate_insn(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = container_of(db, DisasContext, base);
    uint32_t pc = db->pc_next;

    /* An insn that may straddle into the next page starts its own TB, so a fault
     * fetching its tail is raised with the state of that insn. */
    if (db->num_insns > 1 &&
        (pc & ~TARGET_PAGE_MASK) > TARGET_PAGE_SIZE - X86_MAX_INSN_LEN) {
        db->is_jmp = DISAS_TOO_MANY;
        return;
    }
    s->pc = pc;
    s->pc_start_eip = pc - s->cs_base;
    s->shadow_insn = s->shadow_pending;
    s->shadow_pending = false;
    s->cc_op_clean = false;
    s->A0 = NULL;    /* allocated on first use (x86_A0): most insns never touch memory */
    s->last_seg = -1;
    s->nb_seg_addrs = 0;
    if (s->flags & HF_INHIBIT_IRQ_MASK) {
        /* The shadow lasts for this one insn. */
        TCGv_i32 h = x86_temp(s);

        tcg_gen_ld_i32(h, tcg_env, offsetof(CPUX86State, hflags));
        tcg_gen_andi_i32(h, h, ~HF_INHIBIT_IRQ_MASK);
        tcg_gen_st_i32(h, tcg_env, offsetof(CPUX86State, hflags));
    }
    if (s->flags & HF_DBG_MASK) {
        if (!(s->flags & HF_RF_MASK)) {
            uint32_t hits = x86_insn_breakpoint_hits(x86_env(cs), pc);

            if (hits) {
                /* Instruction breakpoint: a fault before the insn (SDM 17.3.1.1). */
                gen_update_eip_cur(s);
                gen_helper_env(s, &info_insn_bp, NULL, 1, tcg_constant_i32(hits));
                s->base.is_jmp = DISAS_NORETURN;
                db->pc_next = pc + 1;
                x86_free_temps(s);
                return;
            }
        } else {
            /* RF suppressed this insn's breakpoint; it is cleared as the insn runs
             * (SDM 17.3.1.1), so the next insn is checked again. */
            TCGv_i32 t = x86_temp(s);

            tcg_gen_ld_i32(t, tcg_env, offsetof(CPUX86State, eflags));
            tcg_gen_andi_i32(t, t, ~RF_MASK);
            tcg_gen_st_i32(t, tcg_env, offsetof(CPUX86State, eflags));
            tcg_gen_ld_i32(t, tcg_env, offsetof(CPUX86State, hflags));
            tcg_gen_andi_i32(t, t, ~HF_RF_MASK);
            tcg_gen_st_i32(t, tcg_env, offsetof(CPUX86State, hflags));
        }
    }
    x86_decode_and_translate(s, cs);
    x86_free_temps(s);
    if (db->is_jmp == DISAS_NEXT && (s->flags & (HF_TF_MASK | HF_DBG_MASK))) {
        db->is_jmp = DISAS_TOO_MANY;
    }
    if (s->shadow_insn && (db->is_jmp == DISAS_NEXT || db->is_jmp == DISAS_TOO_MANY)) {
        db->is_jmp = DISAS_EXIT;    /* end of STI's shadow: look at interrupts */
    }
}

/*
 * End a TB after an insn that changed state TBs depend on (mode, CPL, CR0/CR3/CR4,
 * descriptor tables, IF): the next TB is looked up with the new flags. Only when an
 * interrupt request is pending must the loop see it (the insn may just have
 * unmasked it: IRET, STI, POPF, SYSEXIT); otherwise going straight on is the same,
 * and SYSENTER/SYSEXIT and friends no longer cost a round trip through the loop.
 */
static void gen_exit_or_lookup(DisasContext *s)
{
    TCGLabel *to_loop = gen_new_label();
    TCGv_i32 t = x86_temp(s);

    gen_sync_cc_op(s);
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, interrupt_request));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, to_loop);
    gen_goto_ptr(s, false);
    gen_set_label(to_loop);
    tcg_gen_exit_tb(NULL, 0);
}

static void x86_gen_tb_exits(DisasContext *s)
{
    DisasContextBase *db = &s->base;

    if (db->is_jmp != DISAS_NORETURN) {
        gen_sync_cc_op(s);
    }
    if ((s->flags & (HF_TF_MASK | HF_DBG_MASK)) && db->is_jmp != DISAS_NORETURN) {
        /* EFLAGS.TF / data breakpoints: a #DB trap after the (one) insn of this TB. */
        if (db->is_jmp == DISAS_NEXT || db->is_jmp == DISAS_TOO_MANY ||
            db->is_jmp == DISAS_EXIT) {
            tcg_gen_movi_i32(cpu_eip, db->pc_next - s->cs_base);
        }
        gen_debug_insn_end(s);
        return;
    }
    if (s->shadow_pending) {
        /* The TB ended right after STI: the next TB runs in its shadow. */
        tcg_gen_movi_i32(cpu_eip, db->pc_next - s->cs_base);
        gen_helper_env(s, &info_set_inhibit, NULL, 0);
        tcg_gen_exit_tb(NULL, 0);
        return;
    }
    switch (db->is_jmp) {
    case DISAS_NEXT:
    case DISAS_TOO_MANY:
        gen_jmp_eip(s, db->pc_next - s->cs_base, 0);
        break;
    case DISAS_EXIT:
        tcg_gen_movi_i32(cpu_eip, db->pc_next - s->cs_base);
        gen_exit_or_lookup(s);
        break;
    case DISAS_EXIT_PC_SET:
        gen_exit_or_lookup(s);
        break;
    case DISAS_JUMP:
        if (s->flags & (HF_TF_MASK | HF_INHIBIT_IRQ_MASK)) {
            tcg_gen_exit_tb(NULL, 0);
        } else if (s->shadow_insn) {
            gen_exit_or_lookup(s);
        } else {
            gen_goto_ptr(s, true);
        }
        break;
    default:
        break;
    }
}

static void x86_tr_tb_stop(DisasContextBase *db, CPUState *cs)
{
    DisasContext *s = container_of(db, DisasContext, base);

    s->cc_op_clean = false;
    s->insn_start_op = NULL;    /* exits and cold code belong to no insn */
    x86_gen_tb_exits(s);
    x86_gen_cold(s);
    x86_loop_tb_stop(s);
}

static const TranslatorOps x86_translator_ops = {
    .init_disas_context = x86_tr_init_disas_context,
    .tb_start = x86_tr_tb_start,
    .insn_start = x86_tr_insn_start,
    .translate_insn = x86_tr_translate_insn,
    .tb_stop = x86_tr_tb_stop,
};

void x86_translate_code(CPUState *cs, TranslationBlock *tb, int *max_insns)
{
    DisasContext s;

    memset(&s, 0, sizeof(s));
    if (*max_insns <= 0 || *max_insns > X86_MAX_INSNS_PER_TB) {
        *max_insns = X86_MAX_INSNS_PER_TB;
    }
    translator_loop(cs, tb, max_insns, &x86_translator_ops, &s.base);
    tb->flags_mask &= ~(X86_TB_FLAGS_OPTIONAL & ~s.fpu_flags_read);
}
