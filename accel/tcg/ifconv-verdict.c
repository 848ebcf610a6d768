/*
 * If-conversion verdicts (the pass is tcg/ifconv.c): which candidate branches of a
 * TB to convert, decided from the counts its first translation gathered.
 *
 * A TB is first translated with counters (TCG_IFCONV_PROFILE). When one of its
 * candidates has run TCG_IFCONV_RUNS times, the TB notes itself as pending and
 * requests an exit; it runs on to its next exit-request check (a loop header or a
 * TB start), and back in cpu_exec ifconv_decide_pending() looks at every
 * candidate's counts, stores the verdict under the TB's key (phys pc, pc, cs_base,
 * flags) and invalidates the TB: the next lookup of any pc it covered translates
 * again, with the verdict (TCG_IFCONV_APPLY) and no counters. The table is a cache of hints: bounded (a new verdict may evict an
 * old one, whose TB is then profiled again when next translated), emptied by
 * tb_flush, never saved. Converted and unconverted code compute the same guest
 * state, so an empty table changes only speed.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "hw/core/cpu.h"
#include "tcg/tcg-op.h"

#define IFCONV_TABLE_BITS 10

typedef struct IfconvVerdict {
    hwaddr phys_pc;
    vaddr pc;
    uint32_t cs_base, flags;
    uint32_t apply;             /* bit n: convert candidate n */
    bool used;
} IfconvVerdict;

static IfconvVerdict ifconv_table[1u << IFCONV_TABLE_BITS];
/* -accel tcg,ifconv=: off for A/B measurements, always to convert every candidate
 * at its first translation (measurements of what conversion costs, and tests). */
static int ifconv_policy;

void ifconv_set_policy(int policy)
{
    ifconv_policy = policy;
}

/*
 * A candidate is converted when at least 2/5 of its runs changed direction. A
 * random branch taken with probability p changes 2p(1-p) of the time (1/2 for
 * 50/50), a loop exit almost never. Measured on intloop's loop with the branch's
 * bias varied (`if ((x & 255) < t)`, 20M iterations, ifconv=off against =always,
 * min of 10): converted 88-93 ms whatever the bias; not converted 44 ms at 3% changes,
 * 62 at 22%, 72 at 30%, 82 at 37.5%, 105 at 47%, 120 at 50%. The break-even is
 * near 2/5 (with a cheaper arm than a divide it would be lower).
 * Runs of candidates other than the one that reached the count may be few; under
 * IFCONV_MIN_RUNS they say too little and are left alone.
 */
#define IFCONV_CHANGES_NUM 2
#define IFCONV_CHANGES_DEN 5
#define IFCONV_MIN_RUNS (TCG_IFCONV_RUNS / 8)

static IfconvVerdict *ifconv_slot(hwaddr phys_pc, vaddr pc, uint32_t cs_base,
                                  uint32_t flags)
{
    uint32_t h = tb_hash_func(phys_pc, pc, flags, cs_base);
    return &ifconv_table[h & ((1u << IFCONV_TABLE_BITS) - 1)];
}

static IfconvVerdict *ifconv_find(const TranslationBlock *tb)
{
    IfconvVerdict *v = ifconv_slot(tb->page_addr[0], tb->pc, tb->cs_base, tb->flags);

    if (v->used && v->phys_pc == tb->page_addr[0] && v->pc == tb->pc &&
        v->cs_base == tb->cs_base && v->flags == tb->flags) {
        return v;
    }
    return NULL;
}

static bool ifconv_worth(uint32_t runs, uint32_t changes)
{
    return runs >= IFCONV_MIN_RUNS &&
           (uint64_t)changes * IFCONV_CHANGES_DEN >= (uint64_t)runs * IFCONV_CHANGES_NUM;
}

void ifconv_decide_pending(CPUState *cpu)
{
    TranslationBlock *tb = cpu->ifconv_pending_tb;
    uint32_t slots = cpu->ifconv_pending_slots;
    unsigned first = slots & 0xff, nb = slots >> 8;
    IfconvVerdict *v = ifconv_slot(tb->page_addr[0], tb->pc, tb->cs_base, tb->flags);
    uint32_t apply = 0;

    cpu->ifconv_pending_tb = NULL;
    for (unsigned i = 0; i < nb; i++) {
        unsigned k = (first + i) % CPU_IFCONV_SLOTS;
        if (ifconv_worth(cpu->ifconv_prof[k].runs, cpu->ifconv_prof[k].changes)) {
            apply |= 1u << i;
        }
        /* Past the count: never pending again should this TB still run. */
        cpu->ifconv_prof[k].runs = TCG_IFCONV_RUNS + 1;
    }
    v->phys_pc = tb->page_addr[0];
    v->pc = tb->pc;
    v->cs_base = tb->cs_base;
    v->flags = tb->flags;
    v->apply = apply;
    v->used = true;
    jit_stats.ifconv_verdicts++;
    jit_stats.ifconv_apply_verdicts += apply != 0;
    tb_phys_invalidate(tb);
}

void ifconv_prepare(CPUState *cpu, TranslationBlock *tb, TCGContext *s)
{
    IfconvVerdict *v;

    if (tb->cflags & (CF_NOCACHE | CF_NOCHAIN | CF_COUNT_MASK) || cpu->singlestep ||
        ifconv_policy == TCG_IFCONV_POLICY_OFF) {
        s->ifconv_mode = TCG_IFCONV_OFF;
    } else if (ifconv_policy == TCG_IFCONV_POLICY_ALWAYS) {
        s->ifconv_mode = TCG_IFCONV_APPLY;
        s->ifconv_apply = ~0u;
    } else if ((v = ifconv_find(tb)) != NULL) {
        s->ifconv_mode = TCG_IFCONV_APPLY;
        s->ifconv_apply = v->apply;
    } else {
        s->ifconv_mode = TCG_IFCONV_PROFILE;
    }
}

void ifconv_translated(CPUState *cpu, TCGContext *s)
{
    for (unsigned i = 0; i < s->ifconv_nb_slots; i++) {
        unsigned k = (s->ifconv_slot_first + i) % CPU_IFCONV_SLOTS;
        memset(&cpu->ifconv_prof[k], 0, sizeof(cpu->ifconv_prof[k]));
    }
    jit_stats.ifconv_profiled_tbs += s->ifconv_nb_slots != 0;
}

void ifconv_flush(void)
{
    memset(ifconv_table, 0, sizeof(ifconv_table));
}
