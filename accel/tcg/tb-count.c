/*
 * -d tbcount: how often each TB ran, printed at exit.
 *
 * A profile by time (perf with MIMIC_PERFMAP=1) says where the host CPU went, not
 * how often code was entered: the XZ decompressor in Debian's Malta kernel turned
 * out to enter TBs 150 million times in half a second, chains of six-insn TBs per
 * decoded symbol, which no sampling profile shows. With the item set, every TB
 * starts by adding 1 to a counter of its own (a load, an add and a store to a
 * slot in a side array, nothing in the TB header), so chaining, regions and self
 * loops stay as they are. What a count means: entries into the TB from its start,
 * a self loop's iterations included (its edge comes back in at the head), a loop
 * inside a region TB once per entry. A code-buffer flush starts the counts over.
 */
#include "qemu/osdep.h"
#include "internal.h"

static uint64_t *tb_counts;     /* one per TB header in the pool */

uint64_t *tb_count_slot(const TranslationBlock *tb)
{
    size_t cap, idx;
    const TranslationBlock *pool = tb_pool_base(&cap);

    if (!tb_counts) {
        tb_counts = g_new0(uint64_t, cap);
    }
    idx = (size_t)(tb - pool);
    return idx < cap ? &tb_counts[idx] : NULL;
}

void tb_count_reset(void)
{
    size_t cap;

    if (tb_counts) {
        tb_pool_base(&cap);
        memset(tb_counts, 0, cap * sizeof(tb_counts[0]));
    }
}

static int by_count_desc(const void *a, const void *b)
{
    uint64_t x = tb_counts[*(const uint32_t *)a], y = tb_counts[*(const uint32_t *)b];

    return x < y ? 1 : x > y ? -1 : 0;
}

void tb_count_print(FILE *f, unsigned top)
{
    size_t cap, used = tb_pool_used();
    const TranslationBlock *pool = tb_pool_base(&cap);
    uint64_t total = 0;
    uint32_t *order;
    size_t n = 0;

    if (!tb_counts) {
        return;
    }
    order = g_new(uint32_t, used ? used : 1);
    for (size_t i = 0; i < used; i++) {
        if (tb_counts[i]) {
            total += tb_counts[i];
            order[n++] = (uint32_t)i;
        }
    }
    qsort(order, n, sizeof(order[0]), by_count_desc);
    fprintf(f, "TB entries                  %" PRIu64 " in %zu TBs (since the last flush)\n",
            total, n);
    fprintf(f, "  %-10s %-10s %5s %14s %6s\n", "pc", "flags", "insns", "entries", "share");
    for (size_t k = 0; k < n && k < top; k++) {
        const TranslationBlock *tb = &pool[order[k]];
        fprintf(f, "  %08" VADDR_PRIx " %08x   %5u %14" PRIu64 " %5.1f%%\n",
                tb->pc, tb->flags, tb->icount, tb_counts[order[k]],
                100.0 * tb_counts[order[k]] / total);
    }
    g_free(order);
}
