/*
 * The engine's services to the rest of the emulator: TB cache maintenance,
 * self-modifying-code invalidation, statistics.
 */
#ifndef EXEC_EXEC_ALL_H
#define EXEC_EXEC_ALL_H

#include "hw/core/cpu.h"

/*
 * A TB returns to the loop with (uintptr_t)tb | code, TBs being at least 8-aligned:
 *   TB_EXIT_IDX0 / TB_EXIT_IDX1: left through goto_tb slot 0/1 unchained: the loop
 *       may chain that slot to the next TB (pc already stored by the TB);
 *   TB_EXIT_REQUESTED: the TB-start check saw exit_request_tb; the pc was not stored
 *       (the loop calls the class's synchronize_from_tb).
 * A return of 0 means "pc stored, do not chain" (indirect jumps, exceptions).
 */
#define TB_EXIT_MASK      3
#define TB_EXIT_IDX0      0
#define TB_EXIT_IDX1      1
#define TB_EXIT_REQUESTED 3

/* goto_ptr: next TB's host code for env's current state, or tcg_code_gen_epilogue
 * (which returns 0 to the loop). Called from generated code. */
const void *helper_lookup_tb_ptr(CPUState *cpu);

/* Set up the code buffer (tb_size_mb 0 = default) and the IR backend. */
typedef struct TCGConfig {
    size_t tb_size_mb;
    bool use_interp;        /* -accel tcg,backend=interp */
    /* -accel tcg,ifconv=on|off|always (tcg/ifconv.c): convert the branches their
     * profile says (default), none, or every candidate without profiling. */
    enum { TCG_IFCONV_POLICY_ON, TCG_IFCONV_POLICY_OFF, TCG_IFCONV_POLICY_ALWAYS } ifconv;
} TCGConfig;
bool tcg_exec_init(const TCGConfig *cfg, GError **errp);

/* Drop every TB (code buffer full, or a global change such as loadvm). */
void tb_flush(CPUState *cpu);
/* TB pages are identified by ram_addr (MemoryRegion.ram_addr + offset), so aliases of
 * the same RAM share one descriptor. A store hit ram_addr [start, end): invalidate
 * the TBs translated from there. */
void tb_invalidate_phys_range(hwaddr start, hwaddr end);
/* Forget TBs of one page (e.g. the page was remapped). */
void tb_invalidate_phys_page(hwaddr page);
/* Does this guest physical page hold translated code? */
bool tb_page_has_code(hwaddr page);
/* Find the TB containing host pc (NULL if none). */
TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc);
/* Jump cache maintenance (after a TLB flush the virtual->TB mapping may be stale). */
void tb_jmp_cache_clear(CPUState *cpu);

typedef struct JITStats {
    uint64_t tbs_translated;
    uint64_t guest_insns_translated;
    uint64_t host_bytes;
    uint64_t ir_ops_before_opt, ir_ops_after_opt;
    uint64_t translate_ns;
    uint64_t tb_lookups;            /* returns to the loop that looked a TB up */
    uint64_t jmp_cache_hits;
    uint64_t chained;               /* jumps patched */
    uint64_t loop_chained;          /* of which self edges to a loop head */
    uint64_t loop_refused;          /* self-edge slots not chained: another TB found */
    uint64_t goto_ptr_hits, goto_ptr_misses;
    uint64_t flushes;
    uint64_t invalidations;
    uint64_t tlb_fills;
    uint64_t tlb_flushes;
    uint64_t code_buffer_used, code_buffer_size;
    uint64_t code_rw_releases;  /* times the writable code view was released */
    /* Re-translation census (only counted with -d jitstats): a TB translated again at
     * a physical pc already translated with the same key and the same guest bytes, or
     * different bytes; with another flags word; at another virtual pc; uncached. */
    uint64_t retrans_same_code, retrans_new_code, retrans_other_flags;
    uint64_t retrans_other_vaddr, retrans_nocache;
    /* If-conversion: TBs translated with branch counters, verdicts made (each
     * invalidates its TB for a new translation), those that convert something. */
    uint64_t ifconv_profiled_tbs, ifconv_verdicts, ifconv_apply_verdicts;
} JITStats;
extern JITStats jit_stats;
void jit_stats_print(FILE *f);
/* -d tbcount: the top most-entered TBs since the last flush (accel/tcg/tb-count.c). */
void tb_count_print(FILE *f, unsigned top);

#endif
