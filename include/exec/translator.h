/*
 * The generic translation loop. Targets provide TranslatorOps; they never copy the loop.
 *
 * translator_loop():
 *     ops->init_disas_context(db, cpu);
 *     tcg_func_start; gen TB-start interrupt check (exit_request_tb);
 *     ops->tb_start(db, cpu);
 *     loop: ops->insn_start(db, cpu)   -- must emit tcg_gen_insn_start(pc, data)
 *           ops->translate_insn(db, cpu) -- decodes at db->pc_next, advances it
 *           stop when db->is_jmp != DISAS_NEXT, max_insns reached, or the next insn
 *           would start on another page (targets may set is_jmp = DISAS_TOO_MANY).
 *     ops->tb_stop(db, cpu)             -- emits the TB's exit for DISAS_NEXT/TOO_MANY too
 *
 * Regions (multi-block TBs): a front end that supplies region_join, region_block_start
 * and region_exit lets one TB hold several basic blocks of the TB's page, within
 * TRANSLATOR_REGION_BYTES after pc_first, with branches between them inside the TB
 * (translator_branch_label). Blocks are translated in increasing pc order; when a
 * block ends (is_jmp != DISAS_NEXT) and a branch target ahead is still pending,
 * ops->tb_stop closes the block (so it must be callable once per block) and the loop
 * goes on at the lowest pending pc. A branch back to the start of an insn already
 * translated at a clean join point (region_join said so) becomes a backward branch
 * inside the TB; the loop header then checks exit_request_tb, as a TB start does.
 * Off (plain linear TBs) when single-stepping, with gdb breakpoints, CF_NOCHAIN or
 * CF_NOCACHE, or under -d exec,cpu,nochain. See docs/engine.md, "Regions".
 */
#ifndef EXEC_TRANSLATOR_H
#define EXEC_TRANSLATOR_H

#include "hw/core/cpu.h"
#include "exec/cputlb.h"
#include "tcg/tcg-op.h"

typedef enum DisasJumpType {
    DISAS_NEXT,        /* keep translating */
    DISAS_TOO_MANY,    /* stop: continue at pc_next in a new TB (chainable) */
    DISAS_NORETURN,    /* the exit has already been emitted */
    DISAS_TARGET_0,    /* target-specific reasons */
    DISAS_TARGET_1,
    DISAS_TARGET_2,
    DISAS_TARGET_3,
    DISAS_TARGET_4,
} DisasJumpType;

typedef struct DisasContextBase {
    TranslationBlock *tb;
    vaddr pc_first;
    vaddr pc_next;
    DisasJumpType is_jmp;
    int num_insns;
    int max_insns;
    bool singlestep_enabled;
    struct TranslatorRegion *region;    /* NULL: a plain linear TB */
    /* Code fetch fast path (translator_ld*, set by translator_loop): the host
     * address of the guest page holding pc_first (NULL when it is not RAM/ROM)
     * and that page's guest address. */
    const uint8_t *code_host0;
    vaddr code_page0;
} DisasContextBase;

/* A region's blocks lie within this many bytes after pc_first (and on its page). */
#define TRANSLATOR_REGION_BYTES 192

typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CPUState *cpu);
    void (*tb_start)(DisasContextBase *db, CPUState *cpu);
    void (*insn_start)(DisasContextBase *db, CPUState *cpu);
    void (*translate_insn)(DisasContextBase *db, CPUState *cpu);
    void (*tb_stop)(DisasContextBase *db, CPUState *cpu);
    /*
     * Regions (all three, or none). region_join: may code elsewhere in the TB jump
     * to the insn at db->pc_next, i.e. is the translation state here exactly what a
     * branch from another block brings (no pending delay slot, no fact carried over
     * from the previous insn)? Asked before every insn. region_block_start: a block
     * starts at db->pc_next after the previous one ended with a jump: reset
     * per-block state to that join state. region_exit: emit a way out of the TB to
     * dest with the join state (pc not yet stored); to_loop: return to the loop
     * (an exit request is pending), otherwise chaining or a jump-cache probe.
     */
    bool (*region_join)(DisasContextBase *db, CPUState *cpu);
    /* Optional: where the blocks worth holding end (exclusive), from a look at the
     * guest code ahead of pc_first (e.g. just past the last branch back into the
     * window); 0: no region for this TB. Without it the whole window is used. */
    vaddr (*region_scan)(DisasContextBase *db, CPUState *cpu, vaddr end);
    void (*region_block_start)(DisasContextBase *db, CPUState *cpu);
    void (*region_exit)(DisasContextBase *db, vaddr dest, bool to_loop);
} TranslatorOps;

void translator_loop(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                     const TranslatorOps *ops, DisasContextBase *db);

/* Code fetch for the translator (through the TLB; may raise a fetch exception, which
 * is only legal for the first insn of a TB; later insns on another page end the TB). */
uint32_t translator_ldub_slow(CPUState *cpu, DisasContextBase *db, vaddr pc);
uint32_t translator_lduw_slow(CPUState *cpu, DisasContextBase *db, vaddr pc);
uint32_t translator_ldl_slow(CPUState *cpu, DisasContextBase *db, vaddr pc);

/* Inline for the common case, bytes on the TB's first page: the i386 decoder and
 * look-ahead fetch every byte through here. */
static inline uint32_t translator_ldub(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    vaddr off = pc - db->code_page0;

    if (likely(off < TARGET_PAGE_SIZE && db->code_host0)) {
        return db->code_host0[off];
    }
    return translator_ldub_slow(cpu, db, pc);
}

static inline uint32_t translator_lduw(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    vaddr off = pc - db->code_page0;

    if (likely(off < TARGET_PAGE_SIZE - 1 && db->code_host0)) {
        return lduw_le_p(db->code_host0 + off);
    }
    return translator_lduw_slow(cpu, db, pc);
}

static inline uint32_t translator_ldl(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    vaddr off = pc - db->code_page0;

    if (likely(off < TARGET_PAGE_SIZE - 3 && db->code_host0)) {
        return ldl_le_p(db->code_host0 + off);
    }
    return translator_ldl_slow(cpu, db, pc);
}

/*
 * Regions: a label for a branch to dest inside this TB, or NULL (the front end
 * then leaves the TB as usual). Ahead of db->pc_next, within the region's window:
 * the label of a pending block, bound when translation reaches dest. At or behind
 * it: only the start of an insn translated at a clean join point (a back edge; the
 * target gets an exit-request check). The branch must be made with the join state
 * (as region_join describes it).
 */
TCGLabel *translator_branch_label(DisasContextBase *db, vaddr dest);

/* Regions: a label whose code (after the TB's end) leaves for dest through
 * ops->region_exit, so a branch out of the TB need not end the block; NULL when
 * not in region mode or the TB may not grow past db->pc_next. */
TCGLabel *translator_exit_label(DisasContextBase *db, vaddr dest);

/* Host address of the guest code at pc on the TB's first page (for a front end's
 * look ahead), or NULL when that page is not plain RAM/ROM. */
const void *translator_code_host(DisasContextBase *db, vaddr pc);

/* True if a direct jump from this TB to dest may use goto_tb (same guest page, chaining
 * not disabled). */
bool translator_use_goto_tb(DisasContextBase *db, vaddr dest);

/*
 * Leave for the TB at (pc, flags) through the CPU's jump cache, probed inline: a
 * hit jumps straight to the TB's code, a miss returns to the loop (which looks in
 * the hash table, translates if need be and fills the slot). pc and flags must be
 * exactly what get_tb_cpu_state would return at this point (read them from env
 * after any helper that may change them); cs_base must be 0, and flags never
 * 0xffffffff. Falls back to tcg_gen_lookup_and_goto_ptr() where logging or
 * single-stepping needs every TB to pass through the loop.
 */
void translator_gen_lookup_and_goto_ptr(DisasContextBase *db, TCGv_i32 pc,
                                        TCGv_i32 flags);

#endif
