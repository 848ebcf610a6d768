/*
 * The one translation loop every target uses (targets supply TranslatorOps), and
 * code fetch for translators.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "exec/translator.h"
#include "exec/memory.h"
#include "tcg/tcg-op.h"

/* Host pointer to the TB's first page (NULL when the code is not in RAM/ROM). */
static void *translator_host_page0;
static void *translator_host_page1;

/*
 * gdbstub breakpoints: a call to this helper replaces the insn at a breakpoint's
 * pc. It unwinds with the state of that insn restored (its insn_start record), so
 * the loop returns EXCP_DEBUG with the pc on the breakpoint, nothing executed.
 */
static void translator_helper_breakpoint(CPUState *cpu)
{
    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit_restore(cpu, GETPC());
}

static const TCGHelperInfo translator_info_breakpoint =
    TCG_HELPER(translator_helper_breakpoint, 0, TCG_CALL_VOID, TCG_CALL_PTR);

void translator_loop(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                     const TranslatorOps *ops, DisasContextBase *db)
{
    TCGLabel *exit_label;

    db->tb = tb;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = *max_insns;
    db->singlestep_enabled = cpu->singlestep;

    get_page_addr_code(cpu, tb->pc, &translator_host_page0);
    translator_host_page1 = NULL;

    ops->init_disas_context(db, cpu);

    /*
     * Interrupts and exit requests are noticed here, at the start of every TB, so a
     * chain of TBs never runs away from them. Nothing has been done yet, so the loop
     * only needs tb->pc to resume (TB_EXIT_REQUESTED).
     */
    exit_label = gen_new_label();
    TCGv_i32 flag = tcg_temp_new_i32();
    tcg_gen_ld_i32(flag, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, flag, 0, exit_label);
    tcg_temp_free_i32(flag);

    ops->tb_start(db, cpu);

    for (;;) {
        db->num_insns++;
        ops->insn_start(db, cpu);
        /* gdbstub breakpoint (a translation-time check: no cost without one). The
         * TB ends here; pc_next moves on so the TB covers the insn's byte. A step
         * (one-insn TB) runs the insn it starts on even if a breakpoint is there. */
        if (unlikely(cpu->nb_breakpoints) && !cpu->singlestep &&
            cpu_breakpoint_at(cpu, db->pc_next)) {
            tcg_gen_call1(&translator_info_breakpoint, NULL, tcgv_ptr_temp(tcg_env));
            db->is_jmp = DISAS_NORETURN;
            db->pc_next += 1;
            break;
        }
        ops->translate_insn(db, cpu);

        if (db->is_jmp != DISAS_NEXT) {
            break;
        }
        if (db->num_insns >= db->max_insns) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
        /* Stop before the next insn's page: a TB's code comes from one page, so a
         * remapping of another page cannot make it stale (targets that let one insn
         * straddle pages, x86, fetch the second page through translator_ld*). */
        if (((db->pc_next ^ db->pc_first) & TARGET_PAGE_MASK) != 0) {
            db->is_jmp = DISAS_TOO_MANY;
            break;
        }
    }

    ops->tb_stop(db, cpu);

    gen_set_label(exit_label);
    tcg_gen_exit_tb(tb, TB_EXIT_REQUESTED);

    tb->size = db->pc_next - db->pc_first;
    *max_insns = db->num_insns;
}

/* Host pointer for code at pc, recording a second page in the TB if needed. */
static void *translator_code_ptr(CPUState *cpu, DisasContextBase *db, vaddr pc,
                                 unsigned size)
{
    vaddr page0 = db->pc_first & TARGET_PAGE_MASK;
    vaddr last = pc + size - 1;

    if ((pc & TARGET_PAGE_MASK) == page0 && (last & TARGET_PAGE_MASK) == page0) {
        return translator_host_page0
               ? (uint8_t *)translator_host_page0 + (pc - page0) : NULL;
    }
    if ((pc & TARGET_PAGE_MASK) == page0 + TARGET_PAGE_SIZE &&
        (last & TARGET_PAGE_MASK) == page0 + TARGET_PAGE_SIZE) {
        if (!translator_host_page1) {
            hwaddr p1 = get_page_addr_code(cpu, pc, &translator_host_page1);
            db->tb->page_addr[1] = p1 & ~(hwaddr)(TARGET_PAGE_SIZE - 1);
            if (p1 == (hwaddr)-1) {
                translator_host_page1 = NULL;
                db->tb->page_addr[1] = (hwaddr)-1;
            }
        }
        return translator_host_page1
               ? (uint8_t *)translator_host_page1 + (pc - page0 - TARGET_PAGE_SIZE)
               : NULL;
    }
    return NULL;    /* straddles the boundary: fetch byte-wise */
}

uint32_t translator_ldub(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    uint8_t *p = translator_code_ptr(cpu, db, pc, 1);
    return p ? *p : cpu_ldub_code(cpu, pc);
}

uint32_t translator_lduw(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    uint8_t *p = translator_code_ptr(cpu, db, pc, 2);
    if (p) {
        return lduw_le_p(p);
    }
    return translator_ldub(cpu, db, pc) | translator_ldub(cpu, db, pc + 1) << 8;
}

uint32_t translator_ldl(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    uint8_t *p = translator_code_ptr(cpu, db, pc, 4);
    if (p) {
        return ldl_le_p(p);
    }
    return translator_lduw(cpu, db, pc) | translator_lduw(cpu, db, pc + 2) << 16;
}

bool translator_use_goto_tb(DisasContextBase *db, vaddr dest)
{
    if (db->tb->cflags & (CF_NOCHAIN | CF_NOCACHE)) {
        return false;
    }
    if (db->singlestep_enabled) {
        return false;
    }
    return ((db->pc_first ^ dest) & TARGET_PAGE_MASK) == 0;
}

/* ret = (a >> right) & mask, a left shift for negative right. */
static void translator_gen_shift_mask(TCGv_i32 ret, TCGv_i32 a, int right, uint32_t mask)
{
    if (right > 0) {
        tcg_gen_shri_i32(ret, a, right);
    } else if (right < 0) {
        tcg_gen_shli_i32(ret, a, -right);
    } else {
        tcg_gen_mov_i32(ret, a);
    }
    tcg_gen_andi_i32(ret, ret, mask);
}

#define JC_ENTRY_SHIFT 4
_Static_assert(sizeof(((CPUJumpCache *)0)->array[0]) == 1u << JC_ENTRY_SHIFT,
               "jump-cache entries are indexed by shifting");
_Static_assert(offsetof(CPUJumpCache, array[0].nflags) ==
               offsetof(CPUJumpCache, array[0].pc) + 4 && sizeof(vaddr) == 4,
               "pc and nflags form one little-endian 64-bit key");

void translator_gen_lookup_and_goto_ptr(DisasContextBase *db, TCGv_i32 pc,
                                        TCGv_i32 flags)
{
    if (mimic_log_enabled(LOG_EXEC | LOG_CPU | LOG_NOCHAIN) || db->singlestep_enabled ||
        (db->tb->cflags & (CF_NOCHAIN | CF_NOCACHE))) {
        /* The helper sends every TB back to the loop when logging wants that. */
        tcg_gen_lookup_and_goto_ptr();
        return;
    }
    const unsigned off_bits = TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS;
    TCGv_i32 off = tcg_temp_new_i32();
    TCGv_i32 lo = tcg_temp_new_i32();
    TCGv_ptr ent = tcg_temp_new_ptr();
    TCGv_ptr base = tcg_temp_new_ptr();
    TCGv_i64 key = tcg_temp_new_i64();
    TCGv_i64 want = tcg_temp_new_i64();
    TCGv_ptr code = tcg_temp_new_ptr();
#define P64(p) temp_tcgv_i64(tcgv_ptr_temp(p))

    /* Byte offset of tb_jmp_cache_hash(pc)'s slot: the page's group, then the insn. */
    translator_gen_shift_mask(off, pc, TARGET_PAGE_BITS - off_bits - JC_ENTRY_SHIFT,
                              ((1u << TB_JMP_PAGE_BITS) - 1) << (off_bits + JC_ENTRY_SHIFT));
    translator_gen_shift_mask(lo, pc, 2 - JC_ENTRY_SHIFT,
                              ((1u << off_bits) - 1) << JC_ENTRY_SHIFT);
    tcg_gen_or_i32(off, off, lo);
    tcg_gen_ext_i32_ptr(ent, off);
    tcg_gen_ld_ptr(base, tcg_env, offsetof(CPUState, tb_jmp_cache));
    tcg_gen_add_i64(P64(ent), P64(ent), P64(base));

    /* Hit: the slot's (pc, ~flags) is ours; jump to its TB's code. Only a hit may
     * load through the slot's TB pointer (an empty slot's is NULL). */
    TCGLabel *miss = gen_new_label();
    tcg_gen_ld_i64(key, ent, offsetof(CPUJumpCache, array[0].pc));
    tcg_gen_not_i32(lo, flags);
    tcg_gen_concat_i32_i64(want, pc, lo);
    tcg_gen_brcond_i64(TCG_COND_NE, key, want, miss);
    tcg_gen_ld_ptr(code, ent, offsetof(CPUJumpCache, array[0].tb));
    tcg_gen_ld_ptr(code, code, offsetof(TranslationBlock, tc.ptr));
    tcg_gen_goto_ptr(code);
    /* Miss: back to the loop, which looks further and fills the slot. */
    gen_set_label(miss);
    tcg_gen_exit_tb(NULL, 0);
#undef P64

    tcg_temp_free_i32(off);
    tcg_temp_free_i32(lo);
    tcg_temp_free_ptr(ent);
    tcg_temp_free_ptr(base);
    tcg_temp_free_i64(key);
    tcg_temp_free_i64(want);
    tcg_temp_free_ptr(code);
}
