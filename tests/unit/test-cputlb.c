/*
 * The softmmu TLB (accel/tcg/cputlb.c) through its C entry points: the table grows
 * for a working set bigger than it even when the guest never flushes, and every kind
 * of flush (full, non-global, page) and the code-page protection reach exactly the
 * entries they must, whether the fill logs still list every filled slot or have
 * overflowed (then the whole table is reset or scanned).
 */
#include <criterion/criterion.h>
#include <sys/mman.h>
#include <unistd.h>
#include "toy-target.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "tcg/tcg.h"

#define RAM_PAGES 16
#define GLOBAL_BASE 0x40000000u     /* pages from here on are entered as global */
#define MODE 1

static CPUState *cpu;
static MemoryRegion ram;
static unsigned fills;
static CPUClass cls;

/* Every virtual page maps to one of the RAM pages (aliases are fine for a TLB). */
static bool test_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType type,
                          int mmu_idx, bool probe, uintptr_t retaddr)
{
    vaddr page = addr & TARGET_PAGE_MASK;
    hwaddr pa = ((page >> TARGET_PAGE_BITS) % RAM_PAGES) << TARGET_PAGE_BITS;
    int prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;

    if (page >= GLOBAL_BASE && page < GLOBAL_BASE + 0x1000000u) {
        prot |= PAGE_GLOBAL;
    }
    fills++;
    tlb_set_page(cs, page, pa, prot, mmu_idx, TARGET_PAGE_SIZE);
    return true;
}

static void setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 16, .use_interp = true };

    cr_assert(tcg_exec_init(&cfg, &err), "tcg_exec_init: %s", err ? err->message : "");
    cr_assert(memory_region_init_ram(&ram, "tlb.ram", RAM_PAGES * TARGET_PAGE_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    cls = toy_cpu_class;
    cls.tlb_fill = test_tlb_fill;
    cpu = cpu_create(&cls, &address_space_memory);
    cr_assert(cpu);
}

TestSuite(cputlb, .init = setup);

static unsigned table_entries(void)
{
    return (cpu->tlb_fast[MODE].mask >> CPU_TLB_ENTRY_BITS) + 1;
}

/* Load from va's page; returns how many fills that took (0: it hit). */
static unsigned touch(uint32_t va)
{
    unsigned before = fills;
    (void)cpu_ldl_mmuidx_ra(cpu, va, MODE, 0);
    return fills - before;
}

static void store(uint32_t va, uint32_t v)
{
    cpu_stl_mmuidx_ra(cpu, va, v, MODE, 0);
}

/* Flush va's page and fill it again until the fill logs list it more often than
 * the table has entries: from then on flushes and scans must not trust them. */
static void overflow_logs(uint32_t va)
{
    unsigned n = table_entries();
    for (unsigned i = 0; i <= n; i++) {
        tlb_flush_page(cpu, va);
        cr_assert_eq(touch(va), 1u);
    }
    cr_assert_eq(table_entries(), n, "the table was resized");
}

/* The k-th page of a walk that visits n distinct pages in a scattered order. */
static uint32_t walk_page(unsigned k, unsigned n)
{
    return ((k * 7919u) % n) << TARGET_PAGE_BITS;
}

/* 12,000 pages (three times the old fixed maximum) walked again and again, with no
 * flush at all: after the table has grown, the walk hits. */
Test(cputlb, grows_for_a_big_working_set_without_flushes)
{
    const unsigned n = 12000;
    unsigned missed = 0;

    cr_assert_eq(table_entries(), 1u << CPU_TLB_DYN_MIN_BITS);
    for (int round = 0; round < 4; round++) {
        for (unsigned k = 0; k < n; k++) {
            touch(walk_page(k, n));
        }
    }
    for (unsigned k = 0; k < n; k++) {
        missed += touch(walk_page(k, n));
    }
    cr_assert_geq(table_entries(), 16384u, "table has %u entries", table_entries());
    cr_assert_lt(missed, n / 20, "%u of %u pages missed after growing", missed, n);
}

/* A flush empties the table whether it resets logged slots or the whole table. */
static void check_full_flush(unsigned npages, bool overflow)
{
    for (unsigned k = 0; k < npages; k++) {
        touch(walk_page(k, npages));
    }
    if (overflow) {
        overflow_logs(walk_page(2, npages));
        overflow_logs(GLOBAL_BASE);
    }
    /* A page flushed and filled again is listed twice in the log. */
    tlb_flush_page(cpu, walk_page(1, npages));
    cr_assert_eq(touch(walk_page(1, npages)), 1u);
    cr_assert_eq(touch(walk_page(0, npages)), 0u);
    tlb_flush(cpu);
    for (unsigned k = 0; k < npages; k++) {
        cr_assert_eq(touch(walk_page(k, npages)), 1u, "page %u of %u survived a flush",
                     k, npages);
    }
    tlb_flush(cpu);
}

Test(cputlb, flush_with_few_entries_filled)
{
    check_full_flush(20, false);
}

/* Half the table: past what the log lists, short of what makes a flush grow it. */
Test(cputlb, flush_with_many_entries_filled)
{
    check_full_flush(table_entries() / 2, false);
}

Test(cputlb, flush_after_the_logs_overflowed)
{
    check_full_flush(50, true);
}

/* An address-space switch drops non-global translations, keeps global ones, and
 * keeps them again at the next switch (the kept ones stay listed). */
static void check_nonglobal_flush(unsigned nlocal, bool overflow)
{
    const unsigned nglobal = 8;

    tlb_flush(cpu);
    for (unsigned k = 0; k < nglobal; k++) {
        touch(GLOBAL_BASE + walk_page(k, 64));
    }
    for (unsigned k = 0; k < nlocal; k++) {
        touch(0x01000000u + walk_page(k, nlocal));
    }
    if (overflow) {
        overflow_logs(0x01000000u + walk_page(1, nlocal));
    }
    for (int round = 0; round < 2; round++) {
        tlb_flush_nonglobal(cpu);
        for (unsigned k = 0; k < nglobal; k++) {
            cr_assert_eq(touch(GLOBAL_BASE + walk_page(k, 64)), 0u,
                         "global page %u lost (round %d)", k, round);
        }
        for (unsigned k = 0; k < nlocal; k++) {
            cr_assert_eq(touch(0x01000000u + walk_page(k, nlocal)), 1u,
                         "local page %u kept (round %d)", k, round);
        }
    }
}

Test(cputlb, nonglobal_flush_with_few_entries_filled)
{
    check_nonglobal_flush(30, false);
}

Test(cputlb, nonglobal_flush_with_many_entries_filled)
{
    check_nonglobal_flush(table_entries() / 2, false);
}

Test(cputlb, nonglobal_flush_after_the_log_overflowed)
{
    check_nonglobal_flush(40, true);
}

/* A page that gets translated code must make every writable entry mapping it take
 * the slow path, whichever way the entries are found. */
static void check_protect(unsigned npages, bool overflow)
{
    tlb_flush(cpu);
    for (unsigned k = 0; k < npages; k++) {
        store(walk_page(k, npages), k);
    }
    if (overflow) {
        overflow_logs(walk_page(5, npages));
    }
    tlb_protect_code(3 * TARGET_PAGE_SIZE);
    unsigned marked = 0, aliases = 0;
    for (unsigned k = 0; k < npages; k++) {
        uint32_t va = walk_page(k, npages);
        CPUTLBDescFast *f = &cpu->tlb_fast[MODE];
        CPUTLBEntry *e = &f->table[(va >> TARGET_PAGE_BITS) &
                                   (f->mask >> CPU_TLB_ENTRY_BITS)];
        bool alias = (va >> TARGET_PAGE_BITS) % RAM_PAGES == 3;
        if ((e->addr_write & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) != va) {
            continue;       /* evicted meanwhile */
        }
        aliases += alias;
        marked += alias && (e->addr_write & TLB_NOTDIRTY);
        cr_assert(alias || !(e->addr_write & TLB_NOTDIRTY), "page %#x marked", va);
    }
    cr_assert_gt(aliases, 0u);
    cr_assert_eq(marked, aliases, "%u of %u entries of the code page marked",
                 marked, aliases);
    tlb_unprotect_code(3 * TARGET_PAGE_SIZE);
}

Test(cputlb, protect_code_with_few_entries_filled)
{
    check_protect(40, false);
}

Test(cputlb, protect_code_with_most_entries_filled)
{
    check_protect(table_entries() - 10, false);
}

Test(cputlb, protect_code_after_the_log_overflowed)
{
    check_protect(60, true);
}

/* ------------------------------------------------------------------------- */
/* Direct RAM windows (tlb_set_window)                                        */

#define WIN_VBASE 0x80000000u
#define WIN_MODE 2

static uint64_t test_mmio_read(void *opaque, hwaddr off, unsigned size)
{
    return 0;
}

static void test_mmio_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps test_mmio_ops = {
    .read = test_mmio_read,
    .write = test_mmio_write,
};

static void check_window(uint32_t pbase, unsigned pages)
{
    const CPUTLBWindow *w = &cpu->tlb_win[WIN_MODE];

    /* The store map (exec/cputlb.h): 0xff for exactly the window's pages (none
     * has code here), 0 after them, where a cut window's old pages must be
     * cleared too, and at the indexes misaligned offsets rotate to. */
    cr_assert(w->store_map);
    for (unsigned i = 0; i <= RAM_PAGES + 1; i++) {
        cr_assert_eq(w->store_map[i], i < pages ? 0xff : 0, "store map page %u of %u", i,
                     pages);
    }
    cr_assert_eq(w->store_map[1u << (32 - TARGET_PAGE_BITS)], 0);
    cr_assert_eq(w->store_map[TLB_WIN_STORE_MAP_SIZE - 1], 0);
    if (!pages) {
        cr_assert_eq(w->lim, 0u, "a window of lim %#x", w->lim);
        return;
    }
    cr_assert_eq(w->base, WIN_VBASE);
    cr_assert_eq(w->lim, (pages - 1) * TARGET_PAGE_SIZE, "lim %#x, want %u pages", w->lim,
                 pages);
    cr_assert_eq(w->addend, (uintptr_t)ram.ram_ptr + pbase - WIN_VBASE);
    cr_assert(w->code_map);
}

/* The window is cut to the RAM behind its first byte, in the current memory map. */
Test(cputlb, window_is_cut_to_the_ram_behind_it)
{
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0, 0x20000000u);
    cr_assert(tcg_ctx->ldst_window_mmu_mask & (1u << WIN_MODE));
    check_window(0, RAM_PAGES);
    /* Starting inside RAM: the rest of it. */
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 5 * TARGET_PAGE_SIZE, 0x20000000u);
    check_window(5 * TARGET_PAGE_SIZE, RAM_PAGES - 5);
    /* Smaller than the RAM: as asked. */
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0, 3 * TARGET_PAGE_SIZE);
    check_window(0, 3);
    /* One page is not worth a window; nothing mapped at pbase gives none either. */
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0, TARGET_PAGE_SIZE);
    check_window(0, 0);
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0x100000, 0x100000);
    check_window(0, 0);
    /* Size 0: off. */
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0, 0x20000000u);
    check_window(0, RAM_PAGES);
    tlb_set_window(cpu, WIN_MODE, 0, 0, 0);
    check_window(0, 0);
    /* Generated code takes a mode's base as a constant: a window at another base
     * stays off, the old one comes back. */
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE + 0x1000, 0, 0x20000000u);
    check_window(0, 0);
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0, 0x20000000u);
    check_window(0, RAM_PAGES);
    /* A window may not wrap around the 32-bit address space. */
    tlb_set_window(cpu, 3, 0xffffc000u, 0, 0x20000000u);
    cr_assert_eq(cpu->tlb_win[3].lim, 3 * TARGET_PAGE_SIZE);
    cr_assert_eq(tcg_ctx->ldst_window_base[3], 0xffffc000u);
}

/*
 * A store map is 8 MiB of address space of which a window writes a byte per page:
 * only those pages may become resident, not a transparent huge page around them
 * (2 MiB cleared for the first byte on hosts with THP enabled).
 */
Test(cputlb, store_map_stays_sparse)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t len = TLB_WIN_STORE_MAP_SIZE & ~(size_t)(pg - 1);
    unsigned char *vec = g_malloc(len / pg);
    unsigned resident = 0;

    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0, 0x20000000u);
    check_window(0, RAM_PAGES);
    cr_assert_eq(mincore(cpu->tlb_win[WIN_MODE].store_map, len, vec), 0);
    for (size_t i = 0; i < len / pg; i++) {
        resident += vec[i] & 1;
    }
    g_free(vec);
    /* The page written, and the two check_window reads (the zero page). */
    cr_assert_leq(resident, 3, "%u pages of the store map resident", resident);
}

/* MMIO laid over the RAM cuts the window where it starts, or removes it; taking the
 * MMIO away brings the whole window back. */
Test(cputlb, window_follows_the_memory_map)
{
    static MemoryRegion mmio;

    memory_region_init_io(&mmio, &test_mmio_ops, NULL, "win.mmio", TARGET_PAGE_SIZE);
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 0, 0x20000000u);
    check_window(0, RAM_PAGES);
    memory_region_add_subregion_overlap(get_system_memory(), 6 * TARGET_PAGE_SIZE, &mmio, 1);
    check_window(0, 6);
    memory_region_del_subregion(get_system_memory(), &mmio);
    check_window(0, RAM_PAGES);
    memory_region_add_subregion_overlap(get_system_memory(), 0, &mmio, 1);
    check_window(0, 0);
    memory_region_del_subregion(get_system_memory(), &mmio);
    check_window(0, RAM_PAGES);
}

/* Pages that get translated code are marked in the window's code map (stores in
 * the window test it inline); a flush of all code clears the map. */
Test(cputlb, window_code_map_follows_code_pages)
{
    tlb_set_window(cpu, WIN_MODE, WIN_VBASE, 2 * TARGET_PAGE_SIZE, 0x20000000u);
    const uint8_t *map = cpu->tlb_win[WIN_MODE].code_map;
    for (unsigned i = 0; i < RAM_PAGES - 2; i++) {
        cr_assert_eq(map[i], 0);
    }
    const uint8_t *smap = cpu->tlb_win[WIN_MODE].store_map;
    tlb_protect_code(ram.ram_addr + 5 * TARGET_PAGE_SIZE);
    tlb_protect_code(ram.ram_addr + 1 * TARGET_PAGE_SIZE);     /* below the window */
    for (unsigned i = 0; i < RAM_PAGES - 2; i++) {
        cr_assert_eq(map[i], i == 3, "page %u", i);
        cr_assert_eq(smap[i], i == 3 ? 0 : 0xff, "store map page %u", i);
    }
    tlb_unprotect_code(ram.ram_addr + 5 * TARGET_PAGE_SIZE);
    cr_assert_eq(map[3], 0);
    cr_assert_eq(smap[3], 0xff);
    tlb_protect_code(ram.ram_addr + 15 * TARGET_PAGE_SIZE);
    cr_assert_eq(map[13], 1);
    cr_assert_eq(smap[13], 0);
    tb_flush(cpu);
    cr_assert_eq(map[13], 0);
    cr_assert_eq(smap[13], 0xff);
}
