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
 */
#ifndef EXEC_TRANSLATOR_H
#define EXEC_TRANSLATOR_H

#include "hw/core/cpu.h"
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
} DisasContextBase;

typedef struct TranslatorOps {
    void (*init_disas_context)(DisasContextBase *db, CPUState *cpu);
    void (*tb_start)(DisasContextBase *db, CPUState *cpu);
    void (*insn_start)(DisasContextBase *db, CPUState *cpu);
    void (*translate_insn)(DisasContextBase *db, CPUState *cpu);
    void (*tb_stop)(DisasContextBase *db, CPUState *cpu);
} TranslatorOps;

void translator_loop(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                     const TranslatorOps *ops, DisasContextBase *db);

/* Code fetch for the translator (through the TLB; may raise a fetch exception, which
 * is only legal for the first insn of a TB; later insns on another page end the TB). */
uint32_t translator_ldub(CPUState *cpu, DisasContextBase *db, vaddr pc);
uint32_t translator_lduw(CPUState *cpu, DisasContextBase *db, vaddr pc);
uint32_t translator_ldl(CPUState *cpu, DisasContextBase *db, vaddr pc);

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
