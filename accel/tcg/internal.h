/*
 * Interfaces between the files of accel/tcg (not for the rest of the emulator).
 */
#ifndef ACCEL_TCG_INTERNAL_H
#define ACCEL_TCG_INTERNAL_H

#include "exec/exec-all.h"
#include "exec/memory.h"
#include "tcg/tcg.h"

/* translate-all.c */
TranslationBlock *tb_gen_code(CPUState *cpu, vaddr pc, uint32_t cs_base, uint32_t flags,
                              uint32_t cflags);
extern unsigned tb_flush_count;        /* bumped by every tb_flush */
/* Encoded per-insn records: find insn data for a host pc; false if none matches. */
bool tb_decode_insn_data(const TranslationBlock *tb, uintptr_t host_pc,
                         uint64_t data[TCG_INSN_START_WORDS]);

/* translate-all.c: the TB header pool (its capacity in *cap) and how much of it
 * holds headers now. */
const TranslationBlock *tb_pool_base(size_t *cap);
size_t tb_pool_used(void);

/* tb-count.c (-d tbcount): the counter a TB adds 1 to at its start (NULL if
 * none), zeroing at a flush, and the report of the top most-entered TBs. */
uint64_t *tb_count_slot(const TranslationBlock *tb);
void tb_count_reset(void);

/* code-populate.c: fresh pages of the code buffer (both views) and of the TB
 * headers faulted in by a helper thread ahead of the write pointers. init: the
 * area and its second view (alias: 0 for none); ahead: called by the vCPU thread
 * with the area's write pointer before it writes there; restart: the pointer went
 * back (a flush); idle: the helper has done all it was asked (for tests). */
enum { JIT_POPULATE_CODE, JIT_POPULATE_TBS, JIT_POPULATE_AREAS };
void jit_populate_init(int which, uint8_t *start, uint8_t *end, ptrdiff_t alias);
void jit_populate_ahead(int which, const uint8_t *ptr);
void jit_populate_restart(int which, const uint8_t *ptr);
bool jit_populate_idle(void);

/* ifconv-verdict.c: if-conversion verdicts (see tcg/ifconv.c). Before a TB's
 * translation: set tcg's mode for it (profile, or apply a stored verdict); after:
 * zero the profile slots it took; cpu_exec decides on a TB a profile left
 * pending (cpu->ifconv_pending_tb), invalidating it; tb_flush forgets every
 * verdict and every CPU's pending TB. */
void ifconv_prepare(CPUState *cpu, TranslationBlock *tb, TCGContext *s);
void ifconv_translated(CPUState *cpu, TCGContext *s);
void ifconv_decide_pending(CPUState *cpu);
void ifconv_flush(void);
void ifconv_set_policy(int policy);     /* TCG_IFCONV_POLICY_* */

/* tb-maint.c */
#define TB_HASH_BITS 16
#define TB_HASH_SIZE (1u << TB_HASH_BITS)
/* The TB hash table's hash of a TB's key (the table is indexed by its low bits). */
uint32_t tb_hash_func(hwaddr phys_pc, vaddr pc, uint32_t flags, uint32_t cs_base);
void tb_htable_init(void);
void tb_htable_reset(void);
TranslationBlock *tb_htable_lookup(CPUState *cpu, hwaddr phys_pc, vaddr pc,
                                   uint32_t cs_base, uint32_t flags, uint32_t cflags);
/* Insert into the hash table and the page lists; protect the pages' code. */
void tb_link(TranslationBlock *tb, uint32_t flags_optional);

/* Does tb's code suit a CPU whose TB flags are flags? (See flags_mask.) */
static inline bool tb_flags_match(const TranslationBlock *tb, uint32_t flags)
{
    return ((tb->flags ^ flags) & tb->flags_mask) == 0;
}
void tb_phys_invalidate(TranslationBlock *tb);
void tb_add_jump(TranslationBlock *tb, int n, TranslationBlock *dest);
void tb_page_reset_all(void);
/* A store of len bytes at ram_addr from host pc retaddr (0: not from a TB) hit a page
 * holding code: invalidate what overlaps; if the running TB was hit, leave it. */
void tb_invalidate_phys_range_fast(CPUState *cpu, hwaddr ram_addr, unsigned len,
                                   uintptr_t retaddr);

/* cpu-exec.c */
static inline unsigned tb_jmp_cache_hash(vaddr pc)
{
    /* A page's entries share one group of slots, so flushing a page only looks at
     * that group; within it, the insn offset picks the slot. */
    const unsigned off_bits = TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS;
    unsigned page = (pc >> TARGET_PAGE_BITS) & ((1u << TB_JMP_PAGE_BITS) - 1);
    return (page << off_bits) | ((pc >> 2) & ((1u << off_bits) - 1));
}
/* The slot's page within its group (page number above the group bits), plus one so
 * that 0 means no entry. */
static inline uint16_t tb_jmp_cache_ptag(vaddr pc)
{
    return (uint16_t)((pc >> (TARGET_PAGE_BITS + TB_JMP_PAGE_BITS)) + 1);
}
void tb_jmp_cache_clear_page(CPUState *cpu, vaddr page);

/* The inline probe's half of a slot's key: ~flags, or 0 (never matches: flags
 * leave bit 31 clear) for a TB the probe must not take. */
static inline uint32_t tb_jmp_cache_nflags(const TranslationBlock *tb, uint32_t flags)
{
    bool plain = tb->cs_base == 0 &&
                 !(tb->cflags & (CF_COUNT_MASK | CF_NOCHAIN | CF_INVALID));
    return plain ? ~flags : 0;
}

/* Enter tb, found for the CPU flags flags, in the jump cache (and note its page for
 * tb_jmp_cache_clear_page). global: the TB's pages are global translations
 * (tlb_tb_code_global), so the entry survives tb_jmp_cache_clear_nonglobal. */
static inline void tb_jmp_cache_set(CPUState *cpu, vaddr pc, TranslationBlock *tb,
                                    uint32_t flags, bool global)
{
    unsigned h = tb_jmp_cache_hash(pc);
    uint32_t vpn = pc >> TARGET_PAGE_BITS;
    CPUJumpCache *jc = cpu->tb_jmp_cache;
    jc->array[h].tb = tb;
    jc->array[h].pc = pc;
    jc->array[h].nflags = tb_jmp_cache_nflags(tb, flags);
    jc->ptag[h] = tb_jmp_cache_ptag(pc);
    jc->pages[vpn / 64] |= 1ULL << (vpn % 64);
    if (global) {
        jc->gslots[h / 64] |= 1ULL << (h % 64);
        jc->gpages[vpn / 64] |= 1ULL << (vpn % 64);
        jc->has_global = true;
        return;
    }
    jc->gslots[h / 64] &= ~(1ULL << (h % 64));
    if (jc->nlog < TB_JMP_LOG_SIZE) {
        jc->log[jc->nlog] = h;
    }
    if (jc->nlog <= TB_JMP_LOG_SIZE) {
        jc->nlog++;
    }
}
/* Drop the entries that tb_jmp_cache_set did not mark global. */
void tb_jmp_cache_clear_nonglobal(CPUState *cpu);
void tb_jmp_cache_remove_tb(TranslationBlock *tb);

/* Empty slot h: no TB, and a key the inline probe never matches. */
static inline void tb_jmp_cache_drop(CPUJumpCache *jc, unsigned h)
{
    jc->array[h].tb = NULL;
    jc->array[h].nflags = 0;
    jc->ptag[h] = 0;
}

/* cputlb.c */
/* Whether tb's code pages are global translations in the current fetch mode's TLB. */
bool tlb_tb_code_global(CPUState *cpu, const TranslationBlock *tb);
void tlb_reset_dirty_all(void);
void tlb_register_memory_listener(void);

static inline uint32_t curr_cflags(void)
{
    return mimic_log_enabled(LOG_NOCHAIN | LOG_EXEC) ? CF_NOCHAIN : 0;
}

#endif
