/*
 * TB bookkeeping: the hash table that finds a TB by (physical pc, pc, flags), the
 * per-physical-page lists used for self-modifying-code invalidation, and the chaining
 * of TBs through patched direct jumps (and its undoing).
 *
 * Pages are identified by ram_addr, so aliases of the same RAM share one descriptor.
 * A page's list is non-empty exactly while translated code exists for it; the first TB
 * on a page marks the page NOTDIRTY in every softmmu TLB so stores to it take the slow
 * path, which lands in tb_invalidate_phys_range_fast(). A page written while it holds
 * code gets a bitmap of the bytes its TBs cover (8-byte granules), so stores to the
 * page's data need not walk its list.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "tcg/tcg.h"

#define CF_HASH_MASK (CF_COUNT_MASK | CF_NOCHAIN | CF_SINGLE_STEP)

static TranslationBlock **tb_htable;

/* Two-level page table over ram_addr pages: L1 index = page >> L2_BITS. */
#define L2_BITS 10
#define L2_SIZE (1u << L2_BITS)
#define L1_SIZE (1u << 16)          /* covers 2^(16+10+12) = 256 GiB of ram_addr */

/* One bit per TB_GRANULE bytes of a page. */
#define TB_GRANULE_BITS 3
#define TB_MAP_WORDS (TARGET_PAGE_SIZE >> TB_GRANULE_BITS >> 6)

typedef struct PageDesc {
    uintptr_t first_tb;             /* TB | n (which of the TB's pages) */
    /*
     * Granules covered by the page's TBs, or NULL until the page is first written
     * while it holds code. A superset: invalidating a TB leaves its bits (another TB
     * may share a granule) until the next walk of the list rebuilds the map. Linux
     * poisons its freed init memory a word at a time, and each store walked the
     * page's list of ~50 TBs (70,000 walks, 3.6 million TBs visited in a MIPS boot).
     */
    uint64_t *code_map;
} PageDesc;

static PageDesc *page_l1[L1_SIZE];

static PageDesc *page_find(hwaddr ram_addr, bool alloc)
{
    uint64_t index = ram_addr >> TARGET_PAGE_BITS;
    uint64_t l1 = index >> L2_BITS;
    if (l1 >= L1_SIZE) {
        return NULL;
    }
    if (!page_l1[l1]) {
        if (!alloc) {
            return NULL;
        }
        page_l1[l1] = g_new0(PageDesc, L2_SIZE);
    }
    return &page_l1[l1][index & (L2_SIZE - 1)];
}

bool tb_page_has_code(hwaddr page)
{
    PageDesc *pd = page_find(page, false);
    return pd && pd->first_tb;
}

void tb_page_reset_all(void)
{
    for (unsigned i = 0; i < L1_SIZE; i++) {
        if (page_l1[i]) {
            for (unsigned j = 0; j < L2_SIZE; j++) {
                g_free(page_l1[i][j].code_map);
            }
            memset(page_l1[i], 0, sizeof(PageDesc) * L2_SIZE);
        }
    }
}

/* Set the granules of [start, end) (offsets within one page, start < end). */
static void code_map_set(uint64_t *map, unsigned start, unsigned end)
{
    unsigned g = start >> TB_GRANULE_BITS, last = (end - 1) >> TB_GRANULE_BITS;

    for (; g <= last; g++) {
        map[g / 64] |= 1ULL << (g % 64);
    }
}

/* Whether any granule of [start, end) is set (offsets within one page). */
static bool code_map_test(const uint64_t *map, unsigned start, unsigned end)
{
    unsigned g = start >> TB_GRANULE_BITS, last = (end - 1) >> TB_GRANULE_BITS;

    for (; g <= last; g++) {
        if (map[g / 64] & (1ULL << (g % 64))) {
            return true;
        }
    }
    return false;
}

/*
 * Every input bit must reach the low bits the table is indexed by: a product only
 * carries bits upwards, so the high half is folded down and mixed again (before,
 * pc bits above ~13 never reached the index, and the vDSO, mapped at a random
 * address per process but always the same physical page, grew chains of 70 TBs).
 */
uint32_t tb_hash_func(hwaddr phys_pc, vaddr pc, uint32_t flags, uint32_t cs_base)
{
    uint64_t h = phys_pc * 0x9e3779b97f4a7c15ULL;
    h ^= ((uint64_t)pc << 32 | flags) * 0xc2b2ae3d27d4eb4fULL;
    h ^= cs_base * 0x165667b19e3779f9ULL;
    h ^= h >> 32;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 29;
    return (uint32_t)h;
}

void tb_htable_init(void)
{
    tb_htable = g_new0(TranslationBlock *, TB_HASH_SIZE);
}

void tb_htable_reset(void)
{
    memset(tb_htable, 0, sizeof(TranslationBlock *) * TB_HASH_SIZE);
}

TranslationBlock *tb_htable_lookup(CPUState *cpu, hwaddr phys_pc, vaddr pc,
                                   uint32_t cs_base, uint32_t flags, uint32_t cflags)
{
    uint32_t h = tb_hash_func(phys_pc, pc, flags & ~cpu->cc->tb_flags_optional, cs_base);
    for (TranslationBlock *tb = tb_htable[h & (TB_HASH_SIZE - 1)]; tb; tb = tb->hash_next) {
        if (tb->pc == pc && tb->page_addr[0] == phys_pc && tb_flags_match(tb, flags) &&
            tb->cs_base == cs_base &&
            (tb->cflags & CF_HASH_MASK) == (cflags & CF_HASH_MASK)) {
            /* A TB spanning two pages is only valid if the second page still maps
             * to the same physical page. */
            if (tb->page_addr[1] != (hwaddr)-1) {
                vaddr pc2 = (pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
                if (get_page_addr_code(cpu, pc2, NULL) != tb->page_addr[1]) {
                    continue;
                }
            }
            return tb;
        }
    }
    return NULL;
}

static void tb_page_range(TranslationBlock *tb, int n, hwaddr *start, hwaddr *end);

static void tb_page_add(TranslationBlock *tb, int n, hwaddr page)
{
    PageDesc *pd = page_find(page, true);
    if (!pd) {
        return;     /* beyond any RAM we could have: not trackable, never written */
    }
    bool first = !pd->first_tb;
    tb->page_next[n] = pd->first_tb;
    pd->first_tb = (uintptr_t)tb | n;
    if (pd->code_map) {
        hwaddr ts, te;
        tb_page_range(tb, n, &ts, &te);
        code_map_set(pd->code_map, ts - page, te - page);
    }
    if (first) {
        tlb_protect_code(page);
    }
}

static void tb_page_remove(TranslationBlock *tb, int n, hwaddr page)
{
    PageDesc *pd = page_find(page, false);
    if (!pd) {
        return;
    }
    uintptr_t *link = &pd->first_tb;
    while (*link) {
        TranslationBlock *t = (TranslationBlock *)(*link & ~(uintptr_t)1);
        int tn = *link & 1;
        if (t == tb && tn == n) {
            *link = tb->page_next[n];
            return;
        }
        link = &t->page_next[tn];
    }
}

void tb_link(TranslationBlock *tb, uint32_t flags_optional)
{
    tb_page_add(tb, 0, tb->page_addr[0] & ~(hwaddr)(TARGET_PAGE_SIZE - 1));
    if (tb->page_addr[1] != (hwaddr)-1) {
        tb_page_add(tb, 1, tb->page_addr[1] & ~(hwaddr)(TARGET_PAGE_SIZE - 1));
    }
    uint32_t h = tb_hash_func(tb->page_addr[0], tb->pc, tb->flags & ~flags_optional,
                              tb->cs_base);
    tb->hash = h;
    TranslationBlock **head = &tb_htable[h & (TB_HASH_SIZE - 1)];
    tb->hash_next = *head;
    *head = tb;
}

static void tb_reset_jump(TranslationBlock *tb, int n)
{
    uintptr_t addr = (uintptr_t)tb->tc.ptr + tb->jmp_insn_offset[n];
    /* Written through the writable view, aimed at executable addresses. */
    tcg_ctx->backend->patch_jump((uintptr_t)tcg_splitwx_to_rw(tcg_ctx, (void *)addr), addr,
                                 (uintptr_t)tb->tc.ptr + tb->jmp_reset_offset[n]);
    tb->jmp_dest[n] = 0;
}

/* Take (tb, n) out of its destination's list of incoming jumps. */
static void tb_remove_from_jmp_list(TranslationBlock *tb, int n)
{
    TranslationBlock *dest = (TranslationBlock *)tb->jmp_dest[n];
    uintptr_t *link = &dest->jmp_list_head;
    while (*link) {
        TranslationBlock *t = (TranslationBlock *)(*link & ~(uintptr_t)3);
        int tn = *link & 3;
        if (t == tb && tn == n) {
            *link = tb->jmp_list_next[n];
            return;
        }
        link = &t->jmp_list_next[tn];
    }
}

void tb_add_jump(TranslationBlock *tb, int n, TranslationBlock *dest)
{
    if (tb->jmp_dest[n] || tb->jmp_reset_offset[n] == 0xffff) {
        return;
    }
    if ((tb->cflags | dest->cflags) & (CF_INVALID | CF_NOCHAIN | CF_NOCACHE)) {
        return;
    }
    /*
     * tb may run later with other values of the flag bits it ignores; the jump
     * must then still land on valid code, so dest may not depend on any of them.
     */
    if (dest->flags_mask & ~tb->flags_mask) {
        return;
    }
    uintptr_t target = (uintptr_t)dest->tc.ptr;
    if (tb->loop_slots & (1u << n)) {
        /*
         * A self edge compiled as a loop (tcg/loop.c): its chained path keeps
         * globals in registers, so it may only go to this TB's own loop head. The
         * loop found dest with the CPU's real flags: another TB here means the
         * flags differ, and the slot stays unchained (its exit path stores them).
         */
        if (dest != tb) {
            jit_stats.loop_refused++;
            return;
        }
        target += tb->loop_head_offset;
        jit_stats.loop_chained++;
    }
    uintptr_t addr = (uintptr_t)tb->tc.ptr + tb->jmp_insn_offset[n];
    tcg_ctx->backend->patch_jump((uintptr_t)tcg_splitwx_to_rw(tcg_ctx, (void *)addr), addr,
                                 target);
    tb->jmp_dest[n] = (uintptr_t)dest;
    tb->jmp_list_next[n] = dest->jmp_list_head;
    dest->jmp_list_head = (uintptr_t)tb | n;
    jit_stats.chained++;
}

void tb_phys_invalidate(TranslationBlock *tb)
{
    if (tb->cflags & CF_INVALID) {
        return;
    }
    tb->cflags |= CF_INVALID;
    jit_stats.invalidations++;

    TranslationBlock **link = &tb_htable[tb->hash & (TB_HASH_SIZE - 1)];
    while (*link) {
        if (*link == tb) {
            *link = tb->hash_next;
            break;
        }
        link = &(*link)->hash_next;
    }
    tb_page_remove(tb, 0, tb->page_addr[0] & ~(hwaddr)(TARGET_PAGE_SIZE - 1));
    if (tb->page_addr[1] != (hwaddr)-1) {
        tb_page_remove(tb, 1, tb->page_addr[1] & ~(hwaddr)(TARGET_PAGE_SIZE - 1));
    }
    tb_jmp_cache_remove_tb(tb);

    /* Outgoing jumps: forget that we point at others. A jump to ourselves is also
     * unlinked, so that a TB looping on its own (chained to itself) and invalidated
     * meanwhile, by a helper or a device it runs, leaves at its next iteration
     * instead of running stale code on. */
    for (int n = 0; n < 2; n++) {
        if (tb->jmp_dest[n]) {
            bool self = tb->jmp_dest[n] == (uintptr_t)tb;
            tb_remove_from_jmp_list(tb, n);
            if (self) {
                tb_reset_jump(tb, n);
            }
            tb->jmp_dest[n] = 0;
        }
    }
    /* Incoming jumps: make every TB that jumps here exit to the loop instead. */
    uintptr_t e = tb->jmp_list_head;
    while (e) {
        TranslationBlock *src = (TranslationBlock *)(e & ~(uintptr_t)3);
        int n = e & 3;
        e = src->jmp_list_next[n];
        tb_reset_jump(src, n);
    }
    tb->jmp_list_head = 0;
}

/* The guest bytes a TB covers on its n-th page, as a ram_addr range. */
static void tb_page_range(TranslationBlock *tb, int n, hwaddr *start, hwaddr *end)
{
    uint32_t off = tb->pc & ~TARGET_PAGE_MASK;
    uint32_t first_len = MIN_U((uint32_t)tb->size, TARGET_PAGE_SIZE - off);
    if (n == 0) {
        *start = tb->page_addr[0];
        *end = *start + (first_len ? first_len : 1);
    } else {
        *start = tb->page_addr[1] & ~(hwaddr)(TARGET_PAGE_SIZE - 1);
        *end = *start + (tb->size - first_len);
    }
}

/*
 * Invalidate TBs overlapping [start, end) within one page; report whether the TB
 * running the store at host pc retaddr (0: none) was among them. The running TB is
 * only looked up (a binary search over every TB) once a TB is found to overlap.
 */
static bool tb_invalidate_page_range(hwaddr start, hwaddr end, uintptr_t retaddr)
{
    bool hit_current = false;
    PageDesc *pd = page_find(start, false);
    hwaddr page = start & ~(hwaddr)(TARGET_PAGE_SIZE - 1);
    TranslationBlock *current = NULL;
    bool current_known = !retaddr;
    uint64_t map[TB_MAP_WORDS] = { 0 };

    if (!pd || !pd->first_tb) {
        return false;
    }
    if (pd->code_map && !code_map_test(pd->code_map, start - page, end - page)) {
        return false;
    }
    /* Walk every TB, and rebuild the map from those that stay. */
    uintptr_t e = pd->first_tb;
    while (e) {
        TranslationBlock *tb = (TranslationBlock *)(e & ~(uintptr_t)1);
        int n = e & 1;
        e = tb->page_next[n];
        hwaddr ts, te;
        tb_page_range(tb, n, &ts, &te);
        if (ts < end && start < te) {
            if (!current_known) {
                current = tb_find_by_host_pc(retaddr);
                current_known = true;
            }
            if (tb == current) {
                hit_current = true;
            }
            tb_phys_invalidate(tb);
        } else {
            code_map_set(map, ts - page, te - page);
        }
    }
    if (!pd->code_map) {
        pd->code_map = g_new(uint64_t, TB_MAP_WORDS);
    }
    memcpy(pd->code_map, map, sizeof(map));
    return hit_current;
}

void tb_invalidate_phys_range(hwaddr start, hwaddr end)
{
    while (start < end) {
        hwaddr page_end = (start | (TARGET_PAGE_SIZE - 1)) + 1;
        hwaddr e = MIN_U(end, page_end);
        tb_invalidate_page_range(start, e, 0);
        start = e;
    }
}

void tb_invalidate_phys_page(hwaddr page)
{
    page &= ~(hwaddr)(TARGET_PAGE_SIZE - 1);
    tb_invalidate_phys_range(page, page + TARGET_PAGE_SIZE);
}

void tb_invalidate_phys_range_fast(CPUState *cpu, hwaddr ram_addr, unsigned len,
                                   uintptr_t retaddr)
{
    bool modified = false;
    hwaddr start = ram_addr, end = ram_addr + len;

    while (start < end) {
        hwaddr page_end = (start | (TARGET_PAGE_SIZE - 1)) + 1;
        hwaddr e = MIN_U(end, page_end);
        modified |= tb_invalidate_page_range(start, e, retaddr);
        start = e;
    }
    if (modified) {
        /*
         * The store rewrites the TB that is running it. Abandon the store, go back
         * to the storing insn, and run it alone from an uncached TB: that TB is on no
         * page list, so its own store invalidates what it must and then proceeds,
         * and the insns after it are translated afresh.
         */
        cpu_restore_state(cpu, retaddr);
        cpu->cflags_next_tb = 1 | CF_NOCACHE | CF_NOCHAIN;
        cpu->exception_index = EXCP_NONE;
        cpu_loop_exit(cpu);
    }
}
