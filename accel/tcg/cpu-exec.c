/*
 * The execution loop: find (or translate) the TB for the CPU's state, run it, chain the
 * exit it left through to the TB that follows, and handle exceptions, interrupts and
 * exit requests between TBs.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "tcg/tcg.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif


/* The fill log holds slot numbers as uint16_t. */
_Static_assert(TB_JMP_CACHE_SIZE <= 65536, "jump cache log entries are 16-bit");

static inline void jmp_cache_page_clear(uint64_t *bits, uint32_t vpn)
{
    bits[vpn / 64] &= ~(1ULL << (vpn % 64));
}

static inline bool jmp_cache_bit(const uint64_t *bits, uint32_t n)
{
    return (bits[n / 64] >> (n % 64)) & 1;
}

void tb_jmp_cache_clear(CPUState *cpu)
{
    CPUJumpCache *jc = cpu->tb_jmp_cache;

    if (jc->nlog > TB_JMP_LOG_SIZE) {
        memset(jc, 0, sizeof(*jc));
        return;
    }
    for (unsigned i = 0; i < jc->nlog; i++) {
        unsigned h = jc->log[i];
        tb_jmp_cache_drop(jc, h);
        jmp_cache_page_clear(jc->pages, jc->array[h].pc >> TARGET_PAGE_BITS);
    }
    jc->nlog = 0;
    if (!jc->has_global) {
        return;
    }
    /* The global entries are not in the log: find them through their slot bits. */
    for (unsigned w = 0; w < TB_JMP_CACHE_SIZE / 64; w++) {
        uint64_t bits = jc->gslots[w];
        while (bits) {
            unsigned h = w * 64 + __builtin_ctzll(bits);
            uint32_t vpn = jc->array[h].pc >> TARGET_PAGE_BITS;
            bits &= bits - 1;
            tb_jmp_cache_drop(jc, h);
            jmp_cache_page_clear(jc->pages, vpn);
            jmp_cache_page_clear(jc->gpages, vpn);
        }
        jc->gslots[w] = 0;
    }
    jc->has_global = false;
}

void tb_jmp_cache_clear_nonglobal(CPUState *cpu)
{
    CPUJumpCache *jc = cpu->tb_jmp_cache;

    if (!jc->has_global) {
        tb_jmp_cache_clear(cpu);
        return;
    }
    if (jc->nlog > TB_JMP_LOG_SIZE) {
        /* Too many fills to replay: walk every slot, rebuilding the page bits from
         * the global entries that stay. */
        memset(jc->pages, 0, sizeof(jc->pages));
        for (unsigned h = 0; h < TB_JMP_CACHE_SIZE; h++) {
            /* The tags (128 KiB) say which of the 1 MiB of entries to look at. */
            if (!jc->ptag[h] || !jc->array[h].tb) {
                continue;
            }
            uint32_t vpn = jc->array[h].pc >> TARGET_PAGE_BITS;
            if (jmp_cache_bit(jc->gslots, h)) {
                jc->pages[vpn / 64] |= 1ULL << (vpn % 64);
            } else {
                tb_jmp_cache_drop(jc, h);
            }
        }
        jc->nlog = 0;
        return;
    }
    for (unsigned i = 0; i < jc->nlog; i++) {
        unsigned h = jc->log[i];
        if (jmp_cache_bit(jc->gslots, h)) {
            continue;           /* refilled from a global page since it was logged */
        }
        uint32_t vpn = jc->array[h].pc >> TARGET_PAGE_BITS;
        tb_jmp_cache_drop(jc, h);
        /* A page that may hold global entries keeps its bit (they are still there). */
        if (!jmp_cache_bit(jc->gpages, vpn)) {
            jmp_cache_page_clear(jc->pages, vpn);
        }
    }
    jc->nlog = 0;
}

static bool jmp_cache_page_test_and_clear(CPUJumpCache *jc, vaddr page)
{
    uint32_t vpn = page >> TARGET_PAGE_BITS;
    uint64_t bit = 1ULL << (vpn % 64);
    bool was = (jc->pages[vpn / 64] & bit) != 0;
    jc->pages[vpn / 64] &= ~bit;
    return was;
}

/*
 * Drop the entries of page's group whose tag says they belong to page; with
 * crossing_only, only those of TBs that run into the next page. The tags are
 * compared sixteen at a time: a group's entries span 16 KiB, its tags 2 KiB, and
 * Linux flushes code pages on every context switch.
 */
static void jmp_cache_drop_page(CPUJumpCache *jc, vaddr page, bool crossing_only)
{
    const unsigned group = 1u << (TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS);
    const unsigned base = tb_jmp_cache_hash(page) & ~(group - 1);
    const uint16_t tag = tb_jmp_cache_ptag(page);
    const uint16_t *tags = &jc->ptag[base];

    for (unsigned i = 0; i < group; i += 16) {
        unsigned match = 0;
#ifdef __SSE2__
        __m128i want = _mm_set1_epi16((short)tag);
        __m128i lo = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)&tags[i]), want);
        __m128i hi = _mm_cmpeq_epi16(_mm_loadu_si128((const __m128i *)&tags[i + 8]), want);
        /* Each lane is 0 or -1: packing to bytes keeps that, one mask bit per slot. */
        match = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(lo, hi));
#else
        for (unsigned k = 0; k < 16; k++) {
            match |= (unsigned)(tags[i + k] == tag) << k;
        }
#endif
        while (match) {
            unsigned h = base + i + __builtin_ctz(match);
            TranslationBlock *tb = jc->array[h].tb;
            match &= match - 1;
            if (!tb || (jc->array[h].pc & TARGET_PAGE_MASK) != page) {
                jc->ptag[h] = 0;        /* a stale tag: its entry is gone */
                continue;
            }
            if (!crossing_only || tb->page_addr[1] != (hwaddr)-1) {
                tb_jmp_cache_drop(jc, h);
            }
        }
    }
}

void tb_jmp_cache_clear_page(CPUState *cpu, vaddr page)
{
    CPUJumpCache *jc = cpu->tb_jmp_cache;

    page &= TARGET_PAGE_MASK;
    vaddr prev = page - TARGET_PAGE_SIZE;
    /* Only this page's TBs, and TBs of the previous page that run into this one:
     * the rest of each group belongs to other pages and stays valid. */
    jmp_cache_page_clear(jc->gpages, page >> TARGET_PAGE_BITS);
    if (jmp_cache_page_test_and_clear(jc, page)) {
        jmp_cache_drop_page(jc, page, false);
    }
    if (jmp_cache_bit(jc->pages, prev >> TARGET_PAGE_BITS)) {
        /* The bit stays: the previous page's own entries are still there. */
        jmp_cache_drop_page(jc, prev, true);
    }
}

void tb_jmp_cache_remove_tb(TranslationBlock *tb)
{
    CPUState *cpu;
    unsigned h = tb_jmp_cache_hash(tb->pc);
    CPU_FOREACH(cpu) {
        if (cpu->tb_jmp_cache->array[h].tb == tb) {
            tb_jmp_cache_drop(cpu->tb_jmp_cache, h);
        }
    }
}

static inline bool tb_matches(const TranslationBlock *tb, vaddr pc, uint32_t cs_base,
                              uint32_t flags, uint32_t cflags)
{
    return tb && tb->pc == pc && tb->cs_base == cs_base && tb_flags_match(tb, flags) &&
           ((tb->cflags ^ cflags) & (CF_COUNT_MASK | CF_NOCHAIN | CF_INVALID)) == 0;
}

/* Look a TB up without translating: jump cache, then the hash table. */
static TranslationBlock *tb_lookup(CPUState *cpu, vaddr pc, uint32_t cs_base,
                                   uint32_t flags, uint32_t cflags)
{
    unsigned h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = cpu->tb_jmp_cache->array[h].tb;

    if (likely(tb_matches(tb, pc, cs_base, flags, cflags))) {
        jit_stats.jmp_cache_hits++;
        /* Found for other values of bits it ignores: let the inline probe take it
         * with these (it compares exact flags). */
        cpu->tb_jmp_cache->array[h].nflags = tb_jmp_cache_nflags(tb, flags);
        return tb;
    }
    hwaddr phys = get_page_addr_code(cpu, pc, NULL);
    if (phys == (hwaddr)-1) {
        return NULL;
    }
    tb = tb_htable_lookup(cpu, phys, pc, cs_base, flags, cflags);
    if (tb) {
        tb_jmp_cache_set(cpu, pc, tb, flags, tlb_tb_code_global(cpu, tb));
    }
    return tb;
}

const void *helper_lookup_tb_ptr(CPUState *cpu)
{
    vaddr pc;
    uint32_t cs_base, flags;
    uint32_t cflags = curr_cflags();

    if (unlikely(mimic_log_enabled(LOG_EXEC | LOG_CPU) || cpu->singlestep ||
                 cpu->watch_step)) {
        return tcg_code_gen_epilogue;   /* let the loop log (or stop) every TB */
    }
    cpu->cc->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
    /* Only the jump cache: a hash-table walk here would make every indirect jump
     * pay for misses that the loop handles just as well. */
    unsigned h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = cpu->tb_jmp_cache->array[h].tb;
    if (likely(tb_matches(tb, pc, cs_base, flags, cflags))) {
        jit_stats.goto_ptr_hits++;
        return tb->tc.ptr;
    }
    jit_stats.goto_ptr_misses++;
    return tcg_code_gen_epilogue;
}

void cpu_loop_exit(CPUState *cpu)
{
    cpu_longjmp(cpu->jmp_env);
}

void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr)
{
    if (retaddr) {
        cpu_restore_state(cpu, retaddr);
    }
    cpu_loop_exit(cpu);
}

void cpu_raise_exception_ra(CPUState *cpu, int excp, uintptr_t retaddr)
{
    cpu->exception_index = excp;
    cpu_loop_exit_restore(cpu, retaddr);
}

/* Returns true when cpu_exec must return (with *ret). */
static bool cpu_handle_exception(CPUState *cpu, int *ret)
{
    if (cpu->exception_index < 0) {
        return false;
    }
    if (cpu->exception_index >= EXCP_INTERNAL_BASE) {
        *ret = cpu->exception_index;
        cpu->exception_index = EXCP_NONE;
        return true;
    }
    /* A guest exception: enter the guest's handler and keep running. */
    cpu->cc->do_interrupt(cpu);
    cpu->exception_index = EXCP_NONE;
    if (unlikely(cpu->singlestep)) {
        /* gdbstub step: the step ends on the handler's first insn, as in QEMU. */
        *ret = EXCP_DEBUG;
        return true;
    }
    return false;
}

/* Returns true when the loop must stop to service something (exception_index set). */
static bool cpu_handle_interrupt(CPUState *cpu, TranslationBlock **last_tb)
{
    /* Clear the TB-start flag before looking at the requests (see cpu_exit). */
    cpu->exit_request_tb = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);

    if (unlikely(cpu->ifconv_pending_tb)) {
        /* A profiled TB reached its count (tcg/ifconv.c): decide, and translate it
         * again at its next lookup. Nothing chains out of it any more. */
        if (*last_tb == cpu->ifconv_pending_tb) {
            *last_tb = NULL;
        }
        ifconv_decide_pending(cpu);
    }

    uint32_t req = cpu->interrupt_request;
    if (unlikely(req)) {
        if (req & CPU_INTERRUPT_HALT) {
            cpu->interrupt_request &= ~CPU_INTERRUPT_HALT;
            cpu->halted = true;
            cpu->exception_index = EXCP_HLT;
            return true;
        }
        if (req & CPU_INTERRUPT_EXITTB) {
            cpu->interrupt_request &= ~CPU_INTERRUPT_EXITTB;
            *last_tb = NULL;
        }
        /* gdbstub steps run with interrupts masked (QEMU's default NOIRQ), and so
         * does the insn that hit a watchpoint, run again before the stop. */
        if (cpu->cc->exec_interrupt && likely(!cpu->singlestep) &&
            !(cpu->cflags_next_tb != -1 && (cpu->cflags_next_tb & CF_WATCH_STEP)) &&
            cpu->cc->exec_interrupt(cpu, req)) {
            /* The handler's pc is not a chaining target of the previous TB. */
            *last_tb = NULL;
        }
    }
    if (unlikely(cpu->exit_request)) {
        cpu->exit_request = false;
        if (cpu->exception_index == EXCP_NONE) {
            cpu->exception_index = EXCP_INTERRUPT;
        }
        return true;
    }
    return false;
}

static int cpu_exec_loop(CPUState *cpu)
{
    const CPUClass *cc = cpu->cc;
    int ret = EXCP_HALTED;

    while (!cpu_handle_exception(cpu, &ret)) {
        TranslationBlock *last_tb = NULL;
        int tb_exit = 0;

        while (!cpu_handle_interrupt(cpu, &last_tb)) {
            vaddr pc;
            uint32_t cs_base, flags, cflags;

            cc->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
            if (cpu->cflags_next_tb == -1) {
                cflags = curr_cflags();
            } else {
                cflags = cpu->cflags_next_tb;
                cpu->cflags_next_tb = -1;
                cpu->watch_step = (cflags & CF_WATCH_STEP) != 0;
            }
            if (unlikely(cpu->singlestep)) {
                /* gdbstub step: one insn, never cached (a cached TB of more insns
                 * must not be found) nor chained. */
                cflags = (cflags & ~CF_COUNT_MASK) | 1 | CF_NOCACHE | CF_NOCHAIN |
                         CF_SINGLE_STEP;
            }
            jit_stats.tb_lookups++;
            TranslationBlock *tb = NULL;
            if (!(cflags & CF_NOCACHE)) {
                tb = tb_lookup(cpu, pc, cs_base, flags, cflags);
            }
            if (!tb) {
                unsigned flushes = tb_flush_count;
                tb = tb_gen_code(cpu, pc, cs_base, flags, cflags);
                if (flushes != tb_flush_count) {
                    last_tb = NULL;     /* it was freed by the flush */
                }
                if (!(tb->cflags & CF_NOCACHE)) {
                    tb_jmp_cache_set(cpu, pc, tb, flags, tlb_tb_code_global(cpu, tb));
                }
            }
            if (last_tb) {
                tb_add_jump(last_tb, tb_exit, tb);
            }

            if (unlikely(mimic_log_enabled(LOG_EXEC | LOG_CPU)) && mimic_log_in_range(pc)) {
                if (mimic_log_enabled(LOG_EXEC)) {
                    mimic_log("Trace: %p [%08x/%08" VADDR_PRIx "/%08x]\n",
                              tb->tc.ptr, cs_base, pc, flags);
                }
                if (mimic_log_enabled(LOG_CPU) && cc->dump_state) {
                    cc->dump_state(cpu, mimic_logfile, 0);
                }
            }

            uintptr_t r = tcg_ctx->backend->exec(cpu, tb->tc.ptr);
            TranslationBlock *exited = (TranslationBlock *)(r & ~(uintptr_t)TB_EXIT_MASK);
            tb_exit = r & TB_EXIT_MASK;
            if (!exited) {
                last_tb = NULL;
            } else if (tb_exit == TB_EXIT_REQUESTED) {
                /* Stopped at a TB start before doing anything: pc not yet stored. */
                cc->synchronize_from_tb(cpu, exited);
                last_tb = NULL;
            } else {
                last_tb = exited;
            }
            if (unlikely(cpu->singlestep || cpu->watch_step) &&
                !(exited == tb && tb_exit == TB_EXIT_REQUESTED)) {
                /* The step's insn ran (an exit request before it does not count),
                 * or the insn that hit a watchpoint has completed. */
                if (cpu->watch_step) {
                    cpu->watch_step = false;
                } else {
                    cpu->watch_hit.flags = 0;
                }
                cpu->exception_index = EXCP_DEBUG;
                break;
            }
            if (unlikely(cpu->watch_step)) {
                /* Stopped before the insn by an exit request: run it again. */
                cpu->watch_step = false;
                cpu->cflags_next_tb = 1 | CF_NOCACHE | CF_NOCHAIN | CF_WATCH_STEP;
            }
        }
    }
    return ret;
}

/* Kept apart from the loop so nothing live across sigsetjmp is modified after it. */
static int cpu_exec_setjmp(CPUState *cpu)
{
    if (cpu_setjmp(cpu->jmp_env) != 0) {
        /* Unwound from a helper or the softmmu slow path: the exception (if any) is
         * in exception_index and the guest state has been restored. An insn run
         * again after a watchpoint hit that faults instead drops the hit: it did
         * not complete, and runs again after the guest's handler. */
        if (cpu->watch_step) {
            cpu->watch_step = false;
            cpu->watch_hit.flags = 0;
        }
    }
    return cpu_exec_loop(cpu);
}

int cpu_exec(CPUState *cpu)
{
    if (cpu->halted) {
        if (!cpu->cc->has_work(cpu)) {
            return EXCP_HALTED;
        }
        cpu->halted = false;
    }
    return cpu_exec_setjmp(cpu);
}
