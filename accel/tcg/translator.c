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
