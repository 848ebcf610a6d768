/*
 * The x86-64 backend's direct RAM window (tcg/x86_64/ldst.c, CPUTLBWindow in
 * exec/cputlb.h): generated code run natively against a local window of four RAM
 * pages and a local TLB. Accesses inside the window need neither a TLB entry nor
 * the helper; just outside it at either end, in its last page (past lim), unaligned
 * with MO_ALIGN, and stores to a page marked as holding code take the TLB check
 * out of line and then the helper; a disabled window (lim 0) and a mode without a
 * window behave as before it existed; shared checks (ldst groups) use it too.
 */
#include <criterion/criterion.h>
#include <sys/mman.h>
#include <capstone/capstone.h>
#include "tcg-harness.h"
#include "exec/cputlb.h"
#include "../../tcg/x86_64/x86-internal.h"

#define E harness_env
#define W(i) harness_g32[i]
#define Q(i) harness_g64[i]

#define TEST_MMU 2
#define WIN_BASE 0x80000000u
#define WIN_PAGES 4
#define WIN_SIZE (WIN_PAGES * TARGET_PAGE_SIZE)
#define WIN_LIM (WIN_SIZE - TARGET_PAGE_SIZE)
#define BELOW_PAGE (WIN_BASE - TARGET_PAGE_SIZE)   /* RAM in the TLB only */

static CPUTLBEntry test_tlb[256];
static uint8_t win_ram[WIN_SIZE] __attribute__((aligned(4096)));
static uint8_t below_ram[TARGET_PAGE_SIZE];
static uint8_t code_map[WIN_PAGES + 1];
static unsigned slow_loads, slow_stores;
static uint32_t last_addr;

/* The helper stand-ins serve the window's RAM and the page below it by address, so
 * a value read through the helper is the same as one read inline. */
static uint8_t *test_byte(uint32_t a)
{
    if (a - WIN_BASE < WIN_SIZE) {
        return &win_ram[a - WIN_BASE];
    }
    if ((a & TARGET_PAGE_MASK) == BELOW_PAGE) {
        return &below_ram[a & ~TARGET_PAGE_MASK];
    }
    return NULL;
}

static uint64_t test_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    MemOp mop = get_memop(oi);
    uint8_t b[8];

    slow_loads++;
    last_addr = addr;
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint8_t *p = test_byte(addr + i);
        b[i] = p ? *p : 0xee;
    }
    __asm__ volatile("" ::: "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                     "memory");
    return harness_load_value(b, mop);
}

static void test_st_mmu(CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                        uintptr_t ra)
{
    MemOp mop = get_memop(oi);

    slow_stores++;
    last_addr = addr;
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint8_t *p = test_byte(addr + i);
        if (p) {
            *p = harness_store_byte(val, mop, i);
        }
    }
}

static void map_page(uint32_t page, uint8_t *host)
{
    CPUTLBEntry *e = &test_tlb[(page >> TARGET_PAGE_BITS) & 255];
    e->addr_read = e->addr_write = page;
    e->addend = (uintptr_t)host - page;
}

/*
 * The store map as cputlb.c keeps it (exec/cputlb.h): 0xff for each window page
 * (lim 0: none) without code, 0 for everything else. Tests change code_map and
 * lim directly; the runs below bring the map in step first.
 */
static uint8_t *store_map;

static void sync_store_map(void)
{
    const CPUTLBWindow *w = &harness_env->cpu.tlb_win[TEST_MMU];
    unsigned pages = w->lim ? w->lim / TARGET_PAGE_SIZE + 1 : 0;

    for (unsigned i = 0; i <= WIN_PAGES; i++) {
        store_map[i] = i < pages && !code_map[i] ? 0xff : 0;
    }
}

static void set_window(uint32_t lim)
{
    CPUTLBWindow *w = &harness_env->cpu.tlb_win[TEST_MMU];
    w->base = WIN_BASE;
    w->lim = lim;
    for (unsigned k = 0; k < ARRAY_SIZE(w->lim_ror); k++) {
        w->lim_ror[k] = lim >> k;
    }
    w->addend = (uintptr_t)win_ram - WIN_BASE;
    w->code_map = code_map;
    if (!store_map) {
        store_map = mmap(NULL, TLB_WIN_STORE_MAP_SIZE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        cr_assert(store_map != MAP_FAILED);
    }
    w->store_map = store_map;
    sync_store_map();
}

static void setup(void)
{
    harness_init();
    harness_select(&tcg_backend_x86_64);
    memset(test_tlb, 0xff, sizeof(test_tlb));
    /* The page below the window and the window's last page (past lim) are in the
     * TLB; the window's other pages are not: only the window can serve them. */
    map_page(BELOW_PAGE, below_ram);
    map_page(WIN_BASE + WIN_LIM, win_ram + WIN_LIM);
    harness_env->cpu.tlb_fast[TEST_MMU].mask = 255 << CPU_TLB_ENTRY_BITS;
    harness_env->cpu.tlb_fast[TEST_MMU].table = test_tlb;
    memset(code_map, 0, sizeof(code_map));
    set_window(WIN_LIM);
    tcg_ctx->ldst_window_mmu_mask = 1u << TEST_MMU;
    tcg_ctx->ldst_window_base[TEST_MMU] = WIN_BASE;
    x86_ld_helper = test_ld_mmu;
    x86_st_helper = test_st_mmu;
    slow_loads = slow_stores = 0;
    for (unsigned i = 0; i < WIN_SIZE; i++) {
        win_ram[i] = (uint8_t)(i * 131 + 7);
    }
    for (unsigned i = 0; i < TARGET_PAGE_SIZE; i++) {
        below_ram[i] = (uint8_t)(i * 29 + 3);
    }
}

static void teardown(void)
{
    tcg_ctx->ldst_window_mmu_mask = 0;
}

TestSuite(x86_window, .init = setup, .fini = teardown);

static uint64_t ref_load(uint32_t addr, MemOp mop)
{
    uint8_t b[8];
    for (unsigned i = 0; i < memop_size(mop); i++) {
        b[i] = *test_byte(addr + i);
    }
    return harness_load_value(b, mop);
}

/* One load of mop at guest address addr (g32[0]) into g64[1]; returns the code. */
static const void *gen_load(MemOp mop)
{
    harness_reset_code();
    harness_begin();
    tcg_gen_qemu_ld_i64(Q(1), W(0), TEST_MMU, mop);
    tcg_gen_exit_tb(NULL, 0);
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    return code;
}

/* Run a one-load TB at addr: whether the helper was called, and the value checked. */
static bool load_at(const void *code, uint32_t addr, MemOp mop)
{
    unsigned before = slow_loads;
    harness_clear_env();
    E->g32[0] = addr;
    harness_exec(code);
    cr_assert_eq(E->g64[1], ref_load(addr, mop), "addr %#x mop %x", addr, mop);
    return slow_loads != before;
}

Test(x86_window, hits_need_no_tlb_entry)
{
    static const MemOp ops[] = { MO_UB, MO_SB, MO_LEUW, MO_LESW, MO_LEUL, MO_LESL,
                                 MO_LEUQ, MO_BEUL, MO_BESW };
    for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
        const void *code = gen_load(ops[k]);
        for (uint32_t off = 0; off + 8 <= WIN_LIM; off += 1021) {
            cr_assert_not(load_at(code, WIN_BASE + off, ops[k]), "off %#x", off);
        }
        cr_assert_not(load_at(code, WIN_BASE, ops[k]));
    }
}

Test(x86_window, just_outside_both_ends_and_last_page)
{
    const void *code = gen_load(MO_LEUL);

    /* Below the window: served by the TLB entry of the page below (no helper). */
    cr_assert_not(load_at(code, WIN_BASE - 4, MO_LEUL));
    /* Crossing into the window from below: the TLB check fails, the helper runs. */
    cr_assert(load_at(code, WIN_BASE - 2, MO_LEUL));
    cr_assert_eq(last_addr, WIN_BASE - 2);
    /* The window's last page is past lim: the out-of-line TLB check serves it. */
    cr_assert_not(load_at(code, WIN_BASE + WIN_LIM, MO_LEUL));
    cr_assert_not(load_at(code, WIN_BASE + WIN_SIZE - 4, MO_LEUL));
    /* Past the end, with no TLB entry: the helper. */
    harness_clear_env();
    E->g32[0] = WIN_BASE + WIN_SIZE;
    unsigned before = slow_loads;
    harness_exec(code);
    cr_assert_eq(slow_loads, before + 1);
    cr_assert_eq(last_addr, WIN_BASE + WIN_SIZE);
    /* Far away (address wraps below base): the helper too. */
    harness_clear_env();
    E->g32[0] = 0x1000;
    harness_exec(code);
    cr_assert_eq(slow_loads, before + 2);
    cr_assert_eq(last_addr, 0x1000u);
}

Test(x86_window, straddling_the_end_of_lim)
{
    /* Starts below lim, ends in the last page: still in the window (contiguous). */
    const void *code = gen_load(MO_LEUQ);
    cr_assert_not(load_at(code, WIN_BASE + WIN_LIM - 4, MO_LEUQ));
    /* Straddles the window's real end: the TLB check fails too, the helper runs
     * (and reads 0xee past the end). */
    harness_clear_env();
    E->g32[0] = WIN_BASE + WIN_SIZE - 4;
    unsigned before = slow_loads;
    harness_exec(code);
    cr_assert_eq(slow_loads, before + 1);
    cr_assert_eq(last_addr, WIN_BASE + WIN_SIZE - 4);
    cr_assert_eq(E->g64[1] >> 32, 0xeeeeeeeeu);
    cr_assert_eq((uint32_t)E->g64[1], (uint32_t)ref_load(WIN_BASE + WIN_SIZE - 4, MO_LEUL));
}

Test(x86_window, unaligned_with_mo_align_takes_the_helper)
{
    const void *code = gen_load(MO_LEUL | MO_ALIGN);
    cr_assert_not(load_at(code, WIN_BASE + 0x104, MO_LEUL));
    for (uint32_t mis = 1; mis < 4; mis++) {
        cr_assert(load_at(code, WIN_BASE + 0x104 + mis, MO_LEUL), "misaligned by %u", mis);
        cr_assert_eq(last_addr, WIN_BASE + 0x104 + mis);
    }
    code = gen_load(MO_LEUW | MO_ALIGN);
    cr_assert_not(load_at(code, WIN_BASE + 0x2002, MO_LEUW));
    cr_assert(load_at(code, WIN_BASE + 0x2003, MO_LEUW));
    /* Without MO_ALIGN an unaligned access stays inline. */
    code = gen_load(MO_LEUL);
    cr_assert_not(load_at(code, WIN_BASE + 0x1fff, MO_LEUL));
}

/* A store of mop at addr; returns whether the helper took it. Checks the bytes. */
static bool store_at(MemOp mop, uint32_t addr, uint64_t v)
{
    harness_reset_code();
    harness_begin();
    tcg_gen_qemu_st_i64(Q(1), W(0), TEST_MMU, mop);
    tcg_gen_exit_tb(NULL, 0);
    unsigned before = slow_stores;
    harness_clear_env();
    E->g32[0] = addr;
    E->g64[1] = v;
    sync_store_map();
    harness_run(HARNESS_FULL);
    for (unsigned i = 0; i < memop_size(mop); i++) {
        cr_assert_eq(*test_byte(addr + i), harness_store_byte(v, mop, i),
                     "byte %u of a store at %#x", i, addr);
    }
    return slow_stores != before;
}

Test(x86_window, stores_to_code_pages_take_the_slow_path)
{
    const uint64_t v = 0x0123456789abcdefull;

    code_map[1] = 1;    /* the window's second page holds translated code */
    cr_assert_not(store_at(MO_LEUL, WIN_BASE + 0x2010, v));
    cr_assert_not(store_at(MO_LEUL | MO_ALIGN, WIN_BASE + 0x10, v));
    cr_assert_not(store_at(MO_UB, WIN_BASE + 0xfff, v));
    cr_assert_not(store_at(MO_UB, WIN_BASE + 0x2000, v));
    cr_assert(store_at(MO_LEUL, WIN_BASE + 0x1000, v));
    cr_assert_eq(last_addr, WIN_BASE + 0x1000);
    cr_assert(store_at(MO_UB, WIN_BASE + 0x1fff, v));
    /* A store that starts in a clean page and ends in the code page. */
    cr_assert(store_at(MO_LEUQ, WIN_BASE + 0xffc, v));
    /* An aligned store cannot reach the next page: only its own page counts (one
     * that may reach it is checked against both pages, conservatively: a store
     * at WIN_BASE + 0x10 of MO_LEUL without MO_ALIGN takes the stub here). */
    cr_assert_not(store_at(MO_LEUL | MO_ALIGN, WIN_BASE + 0xffc, v));
    /* The code is gone: fast again. */
    code_map[1] = 0;
    cr_assert_not(store_at(MO_LEUL, WIN_BASE + 0x1000, v));
    cr_assert_not(store_at(MO_LEUQ, WIN_BASE + 0xffc, v));
    /* Unaligned with MO_ALIGN: the helper (which raises the guest's exception). */
    cr_assert(store_at(MO_LEUW | MO_ALIGN, WIN_BASE + 0x11, v));
}

Test(x86_window, disabled_window_is_the_old_path)
{
    set_window(0);
    const void *code = gen_load(MO_LEUL);
    /* No TLB entry: the helper. */
    cr_assert(load_at(code, WIN_BASE + 0x100, MO_LEUL));
    /* A TLB entry: served inline by the TLB check. */
    map_page(WIN_BASE, win_ram);
    cr_assert_not(load_at(code, WIN_BASE + 0x100, MO_LEUL));
    cr_assert(store_at(MO_LEUL, WIN_BASE + 0x1100, 42));
    cr_assert_not(store_at(MO_LEUL, WIN_BASE + 0x100, 43));
}

Test(x86_window, mode_without_window_never_reads_it)
{
    tcg_ctx->ldst_window_mmu_mask = 1u << (TEST_MMU + 1);
    const void *code = gen_load(MO_LEUL);
    cr_assert(load_at(code, WIN_BASE + 0x100, MO_LEUL));
    /* The descriptor may even be garbage: it is not read. */
    harness_env->cpu.tlb_win[TEST_MMU].lim = 0xffffffffu;
    harness_env->cpu.tlb_win[TEST_MMU].addend = 0;
    cr_assert(load_at(code, WIN_BASE + 0x104, MO_LEUL));
}

/* Loads and stores off one base share one check (a group): with the window they
 * need no TLB entry; with the window off the leader's stub falls back to the TLB. */
static void run_group(uint32_t addr)
{
    harness_reset_code();
    harness_begin();
    TCGv_i32 a = tcg_temp_new_i32();
    tcg_gen_qemu_ld_i32(W(1), W(0), TEST_MMU, MO_LEUL);
    tcg_gen_addi_i32(a, W(0), 8);
    tcg_gen_qemu_ld_i32(W(2), a, TEST_MMU, MO_LEUL);
    tcg_gen_addi_i32(a, W(0), 16);
    tcg_gen_qemu_st_i32(W(3), a, TEST_MMU, MO_LEUL);
    tcg_gen_addi_i32(a, W(0), 20);
    tcg_gen_qemu_ld_i32(W(4), a, TEST_MMU, MO_LEUL);
    tcg_gen_exit_tb(NULL, 0);
    harness_clear_env();
    E->g32[0] = addr;
    E->g32[3] = 0xfeedf00d;
    sync_store_map();
    harness_run(HARNESS_FULL);
    cr_assert_eq(E->g32[1], (uint32_t)ref_load(addr, MO_LEUL));
    cr_assert_eq(E->g32[2], (uint32_t)ref_load(addr + 8, MO_LEUL));
    cr_assert_eq(ref_load(addr + 16, MO_LEUL), 0xfeedf00d);
    cr_assert_eq(E->g32[4], (uint32_t)ref_load(addr + 20, MO_LEUL));
}

Test(x86_window, shared_checks)
{
    uint64_t groups = tcg_ctx->stat_ldst_groups;

    run_group(WIN_BASE + 0x40);
    cr_assert_gt(tcg_ctx->stat_ldst_groups, groups, "no group was made");
    cr_assert_eq(slow_loads + slow_stores, 0);
    /* The span ends in the next page: the window covers both. */
    run_group(WIN_BASE + 0xff0);
    cr_assert_eq(slow_loads + slow_stores, 0);
    /* The span's second page holds code: the store must not go inline. */
    code_map[1] = 1;
    run_group(WIN_BASE + 0xff0);
    cr_assert_geq(slow_stores, 1);
    code_map[1] = 0;
    /* Window off, page in the TLB: the stubs' own TLB checks serve everything. */
    set_window(0);
    map_page(WIN_BASE, win_ram);
    slow_loads = slow_stores = 0;
    run_group(WIN_BASE + 0x40);
    cr_assert_eq(slow_loads + slow_stores, 0);
    /* Window off, no TLB entry: every access through the helper, values right. */
    run_group(WIN_BASE + 0x2040);
    cr_assert_eq(slow_loads, 3);
    cr_assert_eq(slow_stores, 1);
}

/*
 * Aligned accesses (MO_ALIGN) check alignment and window bounds in one compare
 * (the offset rotated right by log2(size) against lim_ror[k]). The rotation must
 * send every misaligned address, at any distance from the window, to the TLB
 * path, and keep every aligned one inside the window on the fast path.
 */
static bool expect_inline(uint32_t a, MemOp mop)
{
    uint32_t size = memop_size(mop);
    uint32_t t = a - WIN_BASE;

    if (a & (size - 1)) {
        return false;
    }
    if (t < WIN_LIM) {
        return true;
    }
    /* The pages the TLB maps (the one below the window and its last one). */
    return (a & TARGET_PAGE_MASK) == BELOW_PAGE ||
           (a & TARGET_PAGE_MASK) == WIN_BASE + WIN_LIM;
}

Test(x86_window, rotated_check_at_every_edge)
{
    static const MemOp ops[] = { MO_LEUW, MO_LESW, MO_LEUL, MO_LEUQ, MO_BEUL };
    /* Around the window's start, lim, its end, address 0 and the top of the
     * address space (differences that wrap), and the rotation's own boundary:
     * base + 2^(32-k) aliases the start if the rotation lost bits. */
    static const uint32_t centres[] = {
        WIN_BASE, WIN_BASE + WIN_LIM, WIN_BASE + WIN_SIZE, 0, 0xfffffff8u,
        WIN_BASE + 0x1000, WIN_BASE + 0x80000000u, WIN_BASE + 0x40000000u,
        WIN_BASE + 0x20000000u, WIN_BASE - 0x80000000u,
    };

    for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
        MemOp mop = ops[k] | MO_ALIGN;
        const void *code = gen_load(mop);
        for (size_t c = 0; c < ARRAY_SIZE(centres); c++) {
            for (int d = -17; d <= 17; d++) {
                uint32_t a = centres[c] + (uint32_t)d;
                unsigned before = slow_loads;
                harness_clear_env();
                E->g32[0] = a;
                harness_exec(code);
                bool slow = slow_loads != before;
                cr_assert_eq(slow, !expect_inline(a, mop), "mop %x addr %#x: %s", mop, a,
                             slow ? "helper" : "inline");
                if (slow) {
                    cr_assert_eq(last_addr, a);
                }
                if (test_byte(a) && test_byte(a + memop_size(mop) - 1)) {
                    cr_assert_eq(E->g64[1], ref_load(a, mop), "mop %x addr %#x", mop, a);
                }
            }
        }
    }
}

Test(x86_window, rotated_check_stores_and_code_pages)
{
    const uint64_t v = 0x1122334455667788ull;
    static const MemOp ops[] = { MO_LEUW, MO_LEUL, MO_LEUQ };

    for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
        MemOp mop = ops[k] | MO_ALIGN;
        uint32_t size = memop_size(mop);
        /* The page index comes from the rotated offset: a wrong shift would look
         * at another page's byte (pages 0 and 2 are clean, 1 holds code). */
        code_map[1] = 1;
        cr_assert(store_at(mop, WIN_BASE + 0x1000, v), "mop %x", mop);
        cr_assert(store_at(mop, WIN_BASE + 0x2000 - size, v), "mop %x", mop);
        cr_assert_not(store_at(mop, WIN_BASE + 0x1000 - size, v), "mop %x", mop);
        cr_assert_not(store_at(mop, WIN_BASE + 0x2000, v), "mop %x", mop);
        cr_assert_not(store_at(mop, WIN_BASE + 0x800, v), "mop %x", mop);
        cr_assert_not(store_at(mop, WIN_BASE + 0x2800, v), "mop %x", mop);
        code_map[1] = 0;
        code_map[2] = 1;
        cr_assert(store_at(mop, WIN_BASE + 0x2000, v), "mop %x", mop);
        cr_assert_not(store_at(mop, WIN_BASE + 0x1000, v), "mop %x", mop);
        code_map[2] = 0;
        /* Misaligned: the helper, nothing written inline (store_at checks the
         * bytes the helper stand-in wrote). */
        for (uint32_t mis = 1; mis < size; mis++) {
            cr_assert(store_at(mop, WIN_BASE + 0x100 + mis, v), "mop %x mis %u", mop, mis);
            cr_assert_eq(last_addr, WIN_BASE + 0x100 + mis);
        }
    }
}

/* The fast path of an aligned window access is no longer than an unaligned
 * one's by more than the rotation (no separate alignment test and branch). */
Test(x86_window, alignment_costs_no_extra_branch)
{
    static const MemOp ops[] = { MO_LEUW, MO_LEUL, MO_LEUQ };

    for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
        harness_reset_code();
        harness_begin();
        tcg_gen_qemu_ld_i64(Q(1), W(0), TEST_MMU, ops[k]);
        tcg_gen_exit_tb(NULL, 0);
        cr_assert(harness_gen(HARNESS_FULL));
        size_t plain = harness_tb.tc.size;
        harness_reset_code();
        harness_begin();
        tcg_gen_qemu_ld_i64(Q(1), W(0), TEST_MMU, ops[k] | MO_ALIGN);
        tcg_gen_exit_tb(NULL, 0);
        cr_assert(harness_gen(HARNESS_FULL));
        size_t aligned = harness_tb.tc.size;
        /* ror r32, imm8: 3 or 4 bytes; test + jne would be 9 or more. */
        cr_assert_leq(aligned, plain + 4, "mop %x: %zu bytes vs %zu", ops[k], aligned,
                      plain);
    }
}

/* A group whose leader must be aligned: a span starting at a multiple of the
 * alignment takes the rotated check, one that does not tests the alignment
 * apart; both send a misaligned leader to the helper with its own address. */
static void run_aligned_group(uint32_t addr, int32_t first)
{
    harness_reset_code();
    harness_begin();
    TCGv_i32 a = tcg_temp_new_i32();
    tcg_gen_addi_i32(a, W(0), 2);
    tcg_gen_qemu_ld_i32(W(1), a, TEST_MMU, MO_LEUW | MO_ALIGN);
    tcg_gen_addi_i32(a, W(0), first);
    tcg_gen_qemu_ld_i32(W(2), a, TEST_MMU, MO_UB);
    tcg_gen_addi_i32(a, W(0), 6);
    tcg_gen_qemu_st_i32(W(3), a, TEST_MMU, MO_LEUW | MO_ALIGN);
    tcg_gen_exit_tb(NULL, 0);
    harness_clear_env();
    E->g32[0] = addr;
    E->g32[3] = 0xbeef;
    harness_run(HARNESS_FULL);
    cr_assert_eq(E->g32[1], (uint32_t)ref_load(addr + 2, MO_LEUW));
    cr_assert_eq(E->g32[2], (uint32_t)ref_load(addr + first, MO_UB));
    cr_assert_eq(ref_load(addr + 6, MO_LEUW), 0xbeef);
}

Test(x86_window, aligned_group_leaders)
{
    uint64_t groups = tcg_ctx->stat_ldst_groups;

    for (int32_t first = 0; first <= 1; first++) {
        slow_loads = slow_stores = 0;
        run_aligned_group(WIN_BASE + 0x200, first);
        cr_assert_eq(slow_loads + slow_stores, 0, "first %d", first);
        cr_assert_gt(tcg_ctx->stat_ldst_groups, groups, "no group was made");
        run_aligned_group(WIN_BASE + 0x201, first);
        cr_assert_geq(slow_loads, 1, "first %d", first);
        cr_assert_geq(slow_stores, 1, "first %d", first);
        /* Near lim: the span reaches the last page but starts below lim. */
        slow_loads = slow_stores = 0;
        run_aligned_group(WIN_BASE + WIN_LIM - 4, first);
        cr_assert_eq(slow_loads + slow_stores, 0, "first %d", first);
    }
}

/*
 * Stores check the store map alone (no compare with lim), so the window's last
 * page takes them inline too, with no TLB entry; a store running past the
 * window's end still goes to the helper.
 */
Test(x86_window, stores_reach_the_last_page_without_the_tlb)
{
    const uint64_t v = 0x8877665544332211ull;

    memset(&test_tlb[((WIN_BASE + WIN_LIM) >> TARGET_PAGE_BITS) & 255], 0xff,
           sizeof(CPUTLBEntry));
    cr_assert_not(store_at(MO_LEUL | MO_ALIGN, WIN_BASE + WIN_LIM + 0x10, v));
    cr_assert_not(store_at(MO_LEUQ | MO_ALIGN, WIN_BASE + WIN_SIZE - 8, v));
    cr_assert_not(store_at(MO_UB, WIN_BASE + WIN_SIZE - 1, v));
    /* Past the end (the byte after the last page is 0 in the map). */
    unsigned before = slow_stores;
    harness_reset_code();
    harness_begin();
    tcg_gen_qemu_st_i32(W(1), W(0), TEST_MMU, MO_UB);
    tcg_gen_exit_tb(NULL, 0);
    harness_clear_env();
    E->g32[0] = WIN_BASE + WIN_SIZE;
    sync_store_map();
    harness_run(HARNESS_FULL);
    cr_assert_eq(slow_stores, before + 1);
    cr_assert_eq(last_addr, WIN_BASE + WIN_SIZE);
    /* Unaligned and reaching past the end: both pages are checked. */
    before = slow_stores;
    harness_reset_code();
    harness_begin();
    tcg_gen_qemu_st_i32(W(1), W(0), TEST_MMU, MO_LEUL);
    tcg_gen_exit_tb(NULL, 0);
    harness_clear_env();
    E->g32[0] = WIN_BASE + WIN_SIZE - 2;
    harness_run(HARNESS_FULL);
    cr_assert_eq(slow_stores, before + 1);
    cr_assert_eq(last_addr, WIN_BASE + WIN_SIZE - 2);
}

/*
 * Consecutive window accesses off different bases load the window's addend
 * once (it stays in the scratch register while nothing else uses it); a slow
 * path in between loads it again before coming back, so a helper that moved
 * the window (a memory-map change, in C code) is seen by the next access.
 */
static uint8_t moved_ram[WIN_SIZE] __attribute__((aligned(4096)));
static bool move_window_in_helper;

static uint64_t moving_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    uint64_t v = test_ld_mmu(cpu, addr, oi, ra);
    if (move_window_in_helper) {
        harness_env->cpu.tlb_win[TEST_MMU].addend = (uintptr_t)moved_ram - WIN_BASE;
    }
    return v;
}

static const uint8_t *gen_three_accesses(void)
{
    harness_reset_code();
    harness_begin();
    tcg_gen_qemu_ld_i32(W(1), W(0), TEST_MMU, MO_LEUL);
    tcg_gen_qemu_ld_i32(W(3), W(2), TEST_MMU, MO_LEUL);
    tcg_gen_qemu_st_i32(W(5), W(4), TEST_MMU, MO_LEUL);
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    return code;
}

Test(x86_window, addend_loaded_once_per_block)
{
    const unsigned addend_off = offsetof(CPUState, tlb_win[TEST_MMU].addend);
    const uint8_t *code = gen_three_accesses();
    csh h;
    cs_insn *insn;
    unsigned loads = 0;

    /* The straight-line body runs up to the exit's jump; the stubs follow. */
    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    size_t n = cs_disasm(h, code, harness_tb.tc.size, (uintptr_t)code, 0, &insn);
    cr_assert_gt(n, 0u);
    for (size_t i = 0; i < n && insn[i].id != X86_INS_JMP; i++) {
        const cs_x86 *x = &insn[i].detail->x86;
        if (insn[i].id == X86_INS_MOV && x->op_count == 2 &&
            x->operands[1].type == X86_OP_MEM &&
            x->operands[1].mem.base == X86_REG_RBP &&
            x->operands[1].mem.disp == (int64_t)addend_off) {
            loads++;
        }
    }
    cs_free(insn, n);
    cs_close(&h);
    cr_assert_eq(loads, 1u, "the window's addend is loaded %u times", loads);

    /* All three in the window: inline, right values. */
    harness_clear_env();
    E->g32[0] = WIN_BASE + 0x40;
    E->g32[2] = WIN_BASE + 0x1080;
    E->g32[4] = WIN_BASE + 0x2100;
    E->g32[5] = 0xc0ffee11;
    harness_exec(code);
    cr_assert_eq(slow_loads + slow_stores, 0);
    cr_assert_eq(E->g32[1], (uint32_t)ref_load(WIN_BASE + 0x40, MO_LEUL));
    cr_assert_eq(E->g32[3], (uint32_t)ref_load(WIN_BASE + 0x1080, MO_LEUL));
    cr_assert_eq(ref_load(WIN_BASE + 0x2100, MO_LEUL), 0xc0ffee11);
}

Test(x86_window, addend_reloaded_after_a_slow_path)
{
    x86_ld_helper = moving_ld_mmu;
    const uint8_t *code = gen_three_accesses();

    /* The second load misses (no TLB entry past the window): its helper moves
     * the window, and the store after it must use the new addend. */
    memset(moved_ram, 0, sizeof(moved_ram));
    move_window_in_helper = true;
    harness_clear_env();
    E->g32[0] = WIN_BASE + 0x40;
    E->g32[2] = WIN_BASE + WIN_SIZE + 0x80;
    E->g32[4] = WIN_BASE + 0x2100;
    E->g32[5] = 0x5eedbeef;
    harness_exec(code);
    move_window_in_helper = false;
    cr_assert_eq(slow_loads, 1);
    cr_assert_eq(E->g32[1], (uint32_t)ref_load(WIN_BASE + 0x40, MO_LEUL));
    cr_assert_eq(E->g32[3], 0xeeeeeeeeu);
    uint32_t got;
    memcpy(&got, &moved_ram[0x2100], 4);
    cr_assert_eq(got, 0x5eedbeefu, "the store after the slow path used a stale addend");
    cr_assert_neq(ref_load(WIN_BASE + 0x2100, MO_LEUL), 0x5eedbeef);
    harness_env->cpu.tlb_win[TEST_MMU].addend = (uintptr_t)win_ram - WIN_BASE;
}
