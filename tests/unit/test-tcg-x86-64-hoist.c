/*
 * Loop-invariant guest stores in the x86-64 backend (tcg/x86_64/ldst-loop.c,
 * x86_hoist_*; found by tcg/loop.c): a store in a self loop at base + disp, base
 * a global the TB never writes, has its TLB check done once before the loop
 * head, and the body uses the host address it left in a register. Run against a local TLB:
 * the address is used only while it is right, i.e. the stores land where the
 * plain path would put them when the page misses the TLB at the start, when it
 * must take the slow path (code, MMIO), when the slow path of another access
 * remaps it in the middle of the loop, when it is remapped between two runs of
 * the same TB, when base + disp wraps around 2^32 and when the store crosses a
 * page, and the helper is called exactly as often as without hoisting.
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"
#include "exec/cputlb.h"
#include "exec/exec-all.h"
#include "../../tcg/x86_64/x86-internal.h"

#define E harness_env
#define W(i) harness_g32[i]
#define PC W(7)
#define MMU 2
#define ITERS 40
#define PAGE_A    0x10000u      /* RAM */
#define PAGE_B    0x11000u      /* RAM, right after A */
#define PAGE_IO   0x12000u      /* MMIO */
#define PAGE_CODE 0x13000u      /* RAM holding code: stores take the slow path */
#define PAGE_TOP  0xfffff000u  /* RAM: the last page of the address space */

static CPUTLBEntry tlb[256];
static uint8_t ram[4][TARGET_PAGE_SIZE];     /* A, B, CODE, TOP */
static unsigned slow_loads, slow_stores;
/* The slow load of this iteration (1-based; 0: never) remaps PAGE_A onto ram[1],
 * as device code changing the memory map, or a flush and refill, may. */
static unsigned remap_a_at_load;
/* A slow access to PAGE_A fills its TLB entry, as tlb_fill would. */
static bool refill_a;

static uint8_t *ram_byte(uint32_t a)
{
    switch (a & TARGET_PAGE_MASK) {
    case PAGE_A:
        return &ram[0][a & ~TARGET_PAGE_MASK];
    case PAGE_B:
        return &ram[1][a & ~TARGET_PAGE_MASK];
    case PAGE_CODE:
        return &ram[2][a & ~TARGET_PAGE_MASK];
    case PAGE_TOP:
        return &ram[3][a & ~TARGET_PAGE_MASK];
    default:
        return NULL;
    }
}

/* Where PAGE_A's bytes are now (the slow path must follow remaps too). */
static uint8_t *page_a_host = ram[0];

static uint8_t *slow_byte(uint32_t a)
{
    if ((a & TARGET_PAGE_MASK) == PAGE_A) {
        return &page_a_host[a & ~TARGET_PAGE_MASK];
    }
    return ram_byte(a);
}

static void map(uint32_t page, uint32_t flags, uint8_t *host)
{
    CPUTLBEntry *e = &tlb[(page >> TARGET_PAGE_BITS) & 255];
    e->addr_read = page | (flags == TLB_NOTDIRTY ? 0 : flags);
    e->addr_write = page | flags;
    e->addend = host ? (uintptr_t)host - page : 0;
    if (page == PAGE_A && host) {
        page_a_host = host;
    }
}

static uint64_t hoist_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    MemOp mop = get_memop(oi);
    uint8_t b[8];
    uint64_t v;

    (void)cpu;
    (void)ra;
    if (++slow_loads == remap_a_at_load) {
        map(PAGE_A, 0, ram[1]);
    }
    if (refill_a && (addr & TARGET_PAGE_MASK) == PAGE_A) {
        map(PAGE_A, 0, page_a_host);
    }
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint8_t *p = slow_byte(addr + i);
        b[i] = p ? *p : 0x5a;
    }
    v = harness_load_value(b, mop);
    /* Clobber what a C function may, so that stale registers show. */
    __asm__ volatile("" ::: "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                     "memory");
    return v;
}

static void hoist_st_mmu(CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                         uintptr_t ra)
{
    MemOp mop = get_memop(oi);

    (void)cpu;
    (void)ra;
    slow_stores++;
    if (refill_a && (addr & TARGET_PAGE_MASK) == PAGE_A) {
        map(PAGE_A, 0, page_a_host);
    }
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint8_t *p = slow_byte(addr + i);
        if (p) {
            *p = harness_store_byte(val, mop, i);
        }
    }
    __asm__ volatile("" ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                     "memory");
}

static void hoist_setup(void)
{
    harness_init();
    for (unsigned i = 0; i < 256; i++) {
        tlb[i].addr_read = tlb[i].addr_write = tlb[i].addr_code = TLB_INVALID_MASK;
    }
    memset(ram, 0, sizeof(ram));
    map(PAGE_A, 0, ram[0]);
    map(PAGE_B, 0, ram[1]);
    map(PAGE_IO, TLB_MMIO, NULL);
    map(PAGE_CODE, TLB_NOTDIRTY, ram[2]);
    map(PAGE_TOP, 0, ram[3]);
    E->cpu.tlb_fast[MMU].mask = 255 << CPU_TLB_ENTRY_BITS;
    E->cpu.tlb_fast[MMU].table = tlb;
    x86_ld_helper = hoist_ld_mmu;
    x86_st_helper = hoist_st_mmu;
    slow_loads = slow_stores = 0;
    remap_a_at_load = 0;
    refill_a = false;
}

TestSuite(hoist, .init = hoist_setup);

static const TCGBackend *x86(void)
{
    const TCGBackend *b = harness_backends()[1];
    if (!b) {
        cr_skip_test("tcg/x86_64 is not linked into this binary");
    }
    return b;
}

/*
 * The loop: w2 counts down from ITERS; each iteration (optionally) loads through
 * w3 (not a hoisted access: its check goes before the head as a span, below),
 * then stores w1 at w0 + disp and adds 3 to w1.
 * w0 is never written. Leaves through slot 1 when w2 reaches 0; slot 0 is the self
 * edge (pc 0), an exit request leaves through TB_EXIT_REQUESTED.
 */
static int32_t loop_disp;
static bool loop_load;
/* Also store a constant after the w1 store: big-endian 64 bits at w5 + 8 (a
 * second base: accesses off one base would share a TLB check instead). */
static bool loop_consts;
#define CONST64 0x0000000000000081ull   /* byte-swapped, no longer an imm32 */

/* The loops' end: back through the self edge (slot 0, pc 0) while w2 is not 0,
 * else out through slot 1; exit_req leaves for an exit request. */
static void gen_loop_end(TCGLabel *exit_req)
{
    TCGLabel *again = gen_new_label();

    tcg_gen_brcondi_i32(TCG_COND_NE, W(2), 0, again);
    tcg_gen_goto_tb(1);
    tcg_gen_movi_i32(PC, 0x100);
    tcg_gen_exit_tb(&harness_tb, 1);
    gen_set_label(again);
    tcg_gen_goto_tb(0);
    tcg_gen_movi_i32(PC, 0);
    tcg_gen_exit_tb(&harness_tb, 0);
    gen_set_label(exit_req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
}

static void gen_loop(void)
{
    TCGLabel *exit_req = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, exit_req);
    if (loop_load) {
        tcg_gen_qemu_ld_i32(t, W(3), MMU, MO_LEUL);
        tcg_gen_add_i32(W(4), W(4), t);
    }
    tcg_gen_addi_i32(t, W(0), loop_disp);
    tcg_gen_qemu_st_i32(W(1), t, MMU, MO_LEUL);
    if (loop_consts) {
        tcg_gen_addi_i32(t, W(5), 8);
        tcg_gen_qemu_st_i64(tcg_constant_i64(CONST64), t, MMU, MO_BEUQ);
    }
    tcg_gen_addi_i32(W(1), W(1), 3);
    tcg_gen_subi_i32(W(2), W(2), 1);
    tcg_temp_free_i32(t);
    gen_loop_end(exit_req);
}

/* Translate a loop generated by gen (it must come out as one) with the x86-64
 * backend. */
static const uint8_t *gen_loop_code(void (*gen)(void))
{
    harness_select(x86());
    harness_reset_code();
    harness_begin();
    gen();
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    cr_assert_neq(tcg_ctx->loop_head_off, 0xffff, "not generated as a loop");
    return code;
}

/* Chain the self edge (slot 0) to the loop head, as tb_add_jump does. */
static void chain_self_edge(const uint8_t *code)
{
    uintptr_t jmp = (uintptr_t)code + tcg_ctx->goto_tb_insn_off[0];
    tcg_backend_x86_64.patch_jump(jmp, jmp, (uintptr_t)code + tcg_ctx->loop_head_off);
}

/* Generate the loop, chain its self edge to the loop head, and check that the
 * store's TLB check went before the head (with the load's: one check each). */
static const uint8_t *gen_chained_loop(int32_t disp, bool with_load)
{
    loop_disp = disp;
    loop_load = with_load;
    const uint8_t *code = gen_loop_code(gen_loop);
    cr_assert_eq(harness_count_tlb_checks(code, tcg_ctx->loop_head_off, MMU),
                 1 + with_load, "the store's check is not before the loop head");
    chain_self_edge(code);
    return code;
}

static uintptr_t run_loop(const uint8_t *code, uint32_t base)
{
    harness_clear_env();
    E->cpu.exit_request_tb = 0;
    E->g32[0] = base;
    E->g32[1] = 0x1000;
    E->g32[2] = ITERS;
    E->g32[3] = PAGE_IO + 0x40;
    slow_loads = slow_stores = 0;
    return harness_exec(code);
}

static uint32_t word_at(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* What the last iteration stores. */
#define LAST_VALUE (0x1000u + 3 * (ITERS - 1))

Test(hoist, analysis_finds_the_invariant_store)
{
    loop_disp = 0x20;
    loop_load = true;
    harness_select(x86());
    harness_begin();
    gen_loop();
    tcg_optimize(tcg_ctx);
    tcg_liveness(tcg_ctx);
    tcg_loop_analyze(tcg_ctx, &harness_tb);
    /* Stores only: the load through w3 (never written either) is left alone. */
    cr_assert_eq(tcg_ctx->nb_loop_hoists, 1);
    cr_assert_eq(tcg_ctx->loop_hoists[0].base, tcgv_i32_temp(W(0)));
    cr_assert_eq(tcg_ctx->loop_hoists[0].disp, 0x20);
    cr_assert_eq(tcg_ctx->loop_hoists[0].op->opc, INDEX_op_qemu_st_i32);
    cr_assert_eq(tcg_ctx->loop_hoists[0].addr_op->opc, INDEX_op_add_i32);
    /* w0 only forms the hoisted address: no register for it. */
    for (int i = 0; i < tcg_ctx->nb_loop_globals; i++) {
        cr_assert_neq(tcg_ctx->loop_globals[i], tcgv_i32_temp(W(0)));
    }
}

Test(hoist, stores_stay_on_the_fast_path)
{
    const uint8_t *code = gen_chained_loop(0x20, false);
    uintptr_t r = run_loop(code, PAGE_A + 0x100);

    cr_assert_eq(r, (uintptr_t)&harness_tb | 1);
    cr_assert_eq(E->g32[2], 0);
    cr_assert_eq(word_at(&ram[0][0x120]), LAST_VALUE);
    cr_assert_eq(slow_stores, 0, "%u slow stores", slow_stores);
}

/* The page misses the TLB when the loop starts: the first store fills the entry
 * through the helper, and the stub's own check then gives the rest the address. */
Test(hoist, a_miss_at_the_start_costs_one_slow_store)
{
    const uint8_t *code = gen_chained_loop(0x20, false);

    tlb[(PAGE_A >> TARGET_PAGE_BITS) & 255].addr_write = TLB_INVALID_MASK;
    refill_a = true;
    run_loop(code, PAGE_A + 0x100);
    cr_assert_eq(word_at(&ram[0][0x120]), LAST_VALUE);
    cr_assert_eq(slow_stores, 1, "%u slow stores", slow_stores);
}

/* Pages whose stores must take the slow path never get an address: every store
 * calls the helper (translated code on the page, MMIO). */
Test(hoist, slow_pages_stay_slow)
{
    const uint8_t *code = gen_chained_loop(0x20, false);

    run_loop(code, PAGE_CODE + 0x100);
    cr_assert_eq(word_at(&ram[2][0x120]), LAST_VALUE);
    cr_assert_eq(slow_stores, ITERS);
    run_loop(code, PAGE_IO + 0x100);
    cr_assert_eq(slow_stores, ITERS);
}

/* C code in the middle of the loop (another access's slow path) remaps the page:
 * from that iteration on the stores go to the new host page. */
Test(hoist, a_remap_by_a_slow_path_is_seen_at_once)
{
    const uint8_t *code = gen_chained_loop(0x20, true);

    remap_a_at_load = 0;
    run_loop(code, PAGE_A + 0x100);
    cr_assert_eq(slow_loads, ITERS);
    cr_assert_eq(word_at(&ram[0][0x120]), LAST_VALUE);
    cr_assert_eq(slow_stores, 0);

    memset(ram, 0, sizeof(ram));
    const unsigned k = 17;
    /* run_loop resets the counters: arm the remap after it would. */
    harness_clear_env();
    E->cpu.exit_request_tb = 0;
    E->g32[0] = PAGE_A + 0x100;
    E->g32[1] = 0x1000;
    E->g32[2] = ITERS;
    E->g32[3] = PAGE_IO + 0x40;
    slow_loads = slow_stores = 0;
    remap_a_at_load = k;
    harness_exec(code);
    /* Iteration k loads (remapping), then stores to the new page. */
    cr_assert_eq(word_at(&ram[0][0x120]), 0x1000u + 3 * (k - 2),
                 "old page: %#x", word_at(&ram[0][0x120]));
    cr_assert_eq(word_at(&ram[1][0x120]), LAST_VALUE,
                 "new page: %#x (a stale host address was used)", word_at(&ram[1][0x120]));
    /* One pass through the store's stub refills the address; no helper. */
    cr_assert_eq(slow_stores, 0);
    map(PAGE_A, 0, ram[0]);
}

/* The same TB run again after the page was remapped outside it (a TLB flush and
 * refill between two runs): the check before the loop head sees the new mapping. */
Test(hoist, a_remap_between_runs_is_seen)
{
    const uint8_t *code = gen_chained_loop(0x20, false);

    run_loop(code, PAGE_A + 0x100);
    cr_assert_eq(word_at(&ram[0][0x120]), LAST_VALUE);
    memset(ram, 0, sizeof(ram));
    map(PAGE_A, 0, ram[1]);
    run_loop(code, PAGE_A + 0x100);
    cr_assert_eq(word_at(&ram[0][0x120]), 0, "a stale host address was used");
    cr_assert_eq(word_at(&ram[1][0x120]), LAST_VALUE);
    cr_assert_eq(slow_stores, 0);
    map(PAGE_A, 0, ram[0]);
}

/* base + disp wraps around 2^32: the 32-bit address is in the last page. */
Test(hoist, the_address_wraps_like_a_guest_address)
{
    const uint8_t *code = gen_chained_loop(-0x10, false);

    run_loop(code, 0x8);
    cr_assert_eq(word_at(&ram[3][0xff8]), LAST_VALUE);
    cr_assert_eq(slow_stores, 0);
}

/* A store that crosses into the next page fails the check: every one goes through
 * the helper, which writes both pages. */
Test(hoist, a_store_across_pages_goes_slow)
{
    const uint8_t *code = gen_chained_loop(0x20, false);

    run_loop(code, PAGE_A + 0xffe - 0x20);
    cr_assert_eq(slow_stores, ITERS);
    uint8_t b[4] = { ram[0][0xffe], ram[0][0xfff], ram[1][0], ram[1][1] };
    cr_assert_eq(word_at(b), LAST_VALUE);
}

/* An exit request stops the chained loop at its head; run again from the TB's
 * start, it finishes with the stores where they belong. */
Test(hoist, exit_and_reentry)
{
    const uint8_t *code = gen_chained_loop(0x20, false);

    harness_clear_env();
    E->g32[0] = PAGE_A + 0x100;
    E->g32[1] = 0x1000;
    E->g32[2] = ITERS;
    E->cpu.exit_request_tb = 1;
    cr_assert_eq(harness_exec(code), (uintptr_t)&harness_tb | TB_EXIT_REQUESTED);
    cr_assert_eq(E->g32[2], ITERS);
    E->cpu.exit_request_tb = 0;
    map(PAGE_A, 0, ram[1]);
    harness_exec(code);
    cr_assert_eq(word_at(&ram[1][0x120]), LAST_VALUE);
    cr_assert_eq(word_at(&ram[0][0x120]), 0);
    map(PAGE_A, 0, ram[0]);
}

/* A constant store hoisted too (a second hoisted store, of a big-endian 64-bit
 * immediate that fits no imm32 once swapped). */
Test(hoist, constant_stores)
{
    loop_consts = true;
    harness_select(x86());
    harness_reset_code();
    harness_begin();
    loop_disp = 0x40;
    loop_load = false;
    gen_loop();
    const uint8_t *code = harness_gen(HARNESS_FULL);
    loop_consts = false;
    cr_assert(code);
    cr_assert_eq(harness_count_tlb_checks(code, tcg_ctx->loop_head_off, MMU), 2);
    uintptr_t jmp = (uintptr_t)code + tcg_ctx->goto_tb_insn_off[0];
    tcg_backend_x86_64.patch_jump(jmp, jmp, (uintptr_t)code + tcg_ctx->loop_head_off);
    harness_clear_env();
    E->g32[0] = PAGE_A + 0x100;
    E->g32[1] = 0x1000;
    E->g32[2] = ITERS;
    E->g32[5] = PAGE_B + 0x200;
    slow_loads = slow_stores = 0;
    harness_exec(code);
    static const uint8_t be[8] = { 0, 0, 0, 0, 0, 0, 0, 0x81 };
    cr_assert_eq(word_at(&ram[0][0x140]), LAST_VALUE);
    cr_assert_arr_eq(&ram[1][0x208], be, 8);
    cr_assert_eq(slow_stores, 0);
}

/*
 * Loop-invariant shared checks (TCGContext.loop_spans, x86_span_* in ldst-loop.c):
 * the span loop loads w0 + 0 and w0 + 4 (summed into w4) and stores w1 at w0 + 8,
 * which tcg/ldst-group.c makes one group (a leading load, two members), plus
 * optionally a plain load through w3 first (MMIO: slow each time; it may remap
 * PAGE_A) and a store of w2 at w5 + 0x10 after (another base, a plain access).
 * w0, w3 and w5 are never written: every check goes before the loop head, and
 * the body only tests the slot's addend.
 */
static bool span_load, span_store2, span_bump;

static void gen_span_loop(void)
{
    TCGLabel *exit_req = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32(), v = tcg_temp_new_i32();

    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, exit_req);
    if (span_load) {
        tcg_gen_qemu_ld_i32(t, W(3), MMU, MO_LEUL);
        tcg_gen_add_i32(W(6), W(6), t);
    }
    tcg_gen_qemu_ld_i32(v, W(0), MMU, MO_LEUL | MO_ALIGN);
    tcg_gen_add_i32(W(4), W(4), v);
    tcg_gen_addi_i32(t, W(0), 4);
    tcg_gen_qemu_ld_i32(v, t, MMU, MO_LEUL | MO_ALIGN);
    tcg_gen_add_i32(W(4), W(4), v);
    tcg_gen_addi_i32(t, W(0), 8);
    tcg_gen_qemu_st_i32(W(1), t, MMU, MO_LEUL | MO_ALIGN);
    if (span_store2) {
        tcg_gen_addi_i32(t, W(5), 0x10);
        tcg_gen_qemu_st_i32(W(2), t, MMU, MO_LEUL);
    }
    if (span_bump) {
        tcg_gen_addi_i32(W(0), W(0), 4);
    }
    tcg_gen_addi_i32(W(1), W(1), 3);
    tcg_gen_subi_i32(W(2), W(2), 1);
    tcg_temp_free_i32(t);
    tcg_temp_free_i32(v);
    gen_loop_end(exit_req);
}

/* The span loop, chained to its head: every check before the head, none in the
 * loop body (from the head to the self edge's jump). */
static const uint8_t *gen_span_chained(bool with_load, bool store2)
{
    span_load = with_load;
    span_store2 = store2;
    const uint8_t *code = gen_loop_code(gen_span_loop);
    int before = harness_count_tlb_checks(code, tcg_ctx->loop_head_off, MMU);
    int body = harness_count_tlb_checks(code, tcg_ctx->goto_tb_insn_off[0], MMU) - before;
    cr_assert_eq(before, 1 + with_load + store2, "%d checks before the head", before);
    cr_assert_eq(body, 0, "%d checks in the loop body", body);
    chain_self_edge(code);
    return code;
}

static void span_env(uint32_t base)
{
    harness_clear_env();
    E->cpu.exit_request_tb = 0;
    E->g32[0] = base;
    E->g32[1] = 0x1000;
    E->g32[2] = ITERS;
    E->g32[3] = PAGE_IO + 0x40;
    E->g32[5] = PAGE_B + 0x100;
    slow_loads = slow_stores = 0;
}

static uintptr_t run_span(const uint8_t *code, uint32_t base)
{
    span_env(base);
    return harness_exec(code);
}

/* The words the loop reads at base and base + 4 (in whatever page they are). */
static void span_words(uint8_t *p0, uint8_t *p4)
{
    uint32_t a = 0x11111111u, b = 0x02020202u;
    memcpy(p0, &a, 4);
    memcpy(p4, &b, 4);
}
#define SPAN_SUM ((uint32_t)(ITERS * (0x11111111u + 0x02020202u)))

Test(hoist, span_analysis)
{
    span_load = true;
    span_store2 = true;
    harness_select(x86());
    harness_begin();
    gen_span_loop();
    tcg_optimize(tcg_ctx);
    tcg_ldst_group(tcg_ctx);
    tcg_liveness(tcg_ctx);
    tcg_loop_analyze(tcg_ctx, &harness_tb);
    /* w5's store is a hoisted store (a plain one in a mode without a window). */
    cr_assert_eq(tcg_ctx->nb_loop_hoists, 1);
    cr_assert_eq(tcg_ctx->nb_loop_spans, 2, "%d spans", tcg_ctx->nb_loop_spans);
    cr_assert_eq(tcg_ctx->loop_spans[0].base, tcgv_i32_temp(W(3)));
    cr_assert_eq(tcg_ctx->loop_spans[0].kinds, 1);
    cr_assert_eq(tcg_ctx->loop_spans[1].base, tcgv_i32_temp(W(0)));
    cr_assert_eq(tcg_ctx->loop_spans[1].lo, 0);
    cr_assert_eq(tcg_ctx->loop_spans[1].hi, 11);
    cr_assert_eq(tcg_ctx->loop_spans[1].kinds, 3);
    cr_assert_eq(tcg_ctx->loop_spans[1].nb_leads, 1);
    cr_assert_eq(tcg_ctx->loop_spans[1].lead[0]->opc, INDEX_op_qemu_ld_lead_i32);
    cr_assert_eq(get_memop(tcg_ctx->loop_spans[1].oi), MO_ALIGN | MO_32);
    span_load = span_store2 = false;
}

/* A base the loop writes: no span. */
Test(hoist, span_refused)
{
    harness_select(x86());
    harness_begin();
    span_load = span_store2 = false;
    span_bump = true;
    gen_span_loop();
    span_bump = false;
    tcg_optimize(tcg_ctx);
    tcg_ldst_group(tcg_ctx);
    tcg_liveness(tcg_ctx);
    tcg_loop_analyze(tcg_ctx, &harness_tb);
    cr_assert_eq(tcg_ctx->nb_loop_spans, 0, "a written base got a span");
}

Test(hoist, span_fast_path)
{
    const uint8_t *code = gen_span_chained(false, false);

    span_words(&ram[0][0x100], &ram[0][0x104]);
    uintptr_t r = run_span(code, PAGE_A + 0x100);
    cr_assert_eq(r, (uintptr_t)&harness_tb | 1);
    cr_assert_eq(E->g32[4], SPAN_SUM);
    cr_assert_eq(word_at(&ram[0][0x108]), LAST_VALUE);
    cr_assert_eq(slow_loads + slow_stores, 0, "%u/%u slow", slow_loads, slow_stores);
}

/* A page whose stores must take the slow path: the span check (which tests the
 * write tag, the group stores) fails; the loads still hit their own entries, the
 * store calls the helper every time. */
Test(hoist, span_code_page_stores_go_slow)
{
    const uint8_t *code = gen_span_chained(false, false);

    span_words(&ram[2][0x100], &ram[2][0x104]);
    run_span(code, PAGE_CODE + 0x100);
    cr_assert_eq(E->g32[4], SPAN_SUM);
    cr_assert_eq(word_at(&ram[2][0x108]), LAST_VALUE);
    cr_assert_eq(slow_stores, ITERS);
    cr_assert_eq(slow_loads, 0);
}

/* The page misses the TLB at the start: one slow load fills it, the leader's stub
 * then refills the slot and the rest is fast. */
Test(hoist, span_miss_at_the_start)
{
    const uint8_t *code = gen_span_chained(false, false);

    span_words(&ram[0][0x100], &ram[0][0x104]);
    tlb[(PAGE_A >> TARGET_PAGE_BITS) & 255].addr_read = TLB_INVALID_MASK;
    tlb[(PAGE_A >> TARGET_PAGE_BITS) & 255].addr_write = TLB_INVALID_MASK;
    refill_a = true;
    run_span(code, PAGE_A + 0x100);
    cr_assert_eq(E->g32[4], SPAN_SUM);
    cr_assert_eq(word_at(&ram[0][0x108]), LAST_VALUE);
    cr_assert_eq(slow_loads, 1, "%u slow loads", slow_loads);
    cr_assert_eq(slow_stores, 0);
}

/* Another access's slow path (C code) remaps PAGE_A in the middle of the loop:
 * from then on loads and stores use the new page. */
Test(hoist, span_remap_by_a_slow_path)
{
    const uint8_t *code = gen_span_chained(true, false);
    const unsigned k = 17;

    span_words(&ram[0][0x100], &ram[0][0x104]);
    span_words(&ram[1][0x100], &ram[1][0x104]);
    ram[1][0x100] = 0x12;       /* the new page reads differently */
    span_env(PAGE_A + 0x100);
    remap_a_at_load = k;
    harness_exec(code);
    cr_assert_eq(slow_loads, ITERS, "only the MMIO load is slow");
    cr_assert_eq(slow_stores, 0);
    cr_assert_eq(word_at(&ram[0][0x108]), 0x1000u + 3 * (k - 2),
                 "old page: %#x", word_at(&ram[0][0x108]));
    cr_assert_eq(word_at(&ram[1][0x108]), LAST_VALUE,
                 "new page: %#x (a stale addend was used)", word_at(&ram[1][0x108]));
    cr_assert_eq(E->g32[4], SPAN_SUM + (ITERS - k + 1), "loads after the remap");
    map(PAGE_A, 0, ram[0]);
}

/* Remapped between two runs of the TB: the check before the head sees it. */
Test(hoist, span_remap_between_runs)
{
    const uint8_t *code = gen_span_chained(false, true);

    run_span(code, PAGE_A + 0x100);
    cr_assert_eq(word_at(&ram[0][0x108]), LAST_VALUE);
    cr_assert_eq(word_at(&ram[1][0x110]), 1, "w5's store");
    memset(ram, 0, sizeof(ram));
    map(PAGE_A, 0, ram[3]);
    run_span(code, PAGE_A + 0x100);
    cr_assert_eq(word_at(&ram[0][0x108]), 0, "a stale addend was used");
    cr_assert_eq(word_at(&ram[3][0x108]), LAST_VALUE);
    cr_assert_eq(slow_loads + slow_stores, 0);
    map(PAGE_A, 0, ram[0]);
}

/* The span crosses into the next page: its check fails every time, and each
 * access takes its own entry (no helper: both pages are mapped). */
Test(hoist, span_across_pages)
{
    const uint8_t *code = gen_span_chained(false, false);

    span_words(&ram[0][0xffc], &ram[1][0]);
    run_span(code, PAGE_A + 0xffc);
    cr_assert_eq(E->g32[4], SPAN_SUM);
    cr_assert_eq(word_at(&ram[1][4]), LAST_VALUE);
    cr_assert_eq(slow_loads + slow_stores, 0);
}

/* A misaligned base: the span check (the strictest alignment, a word) fails and
 * the leader's own path raises through the helper (here: the slow load). */
Test(hoist, span_misaligned_base)
{
    const uint8_t *code = gen_span_chained(false, false);

    run_span(code, PAGE_A + 0x102);
    cr_assert_eq(slow_loads, 2 * ITERS, "%u slow loads", slow_loads);
    cr_assert_eq(slow_stores, ITERS);
}

/*
 * A merged run of constant stores (tcg/st-merge.c) whose leader's check went
 * before the head: a slow load earlier in each iteration (C code) zeroes the
 * span's slot, and the leader's stub checks again, refills the slot and goes
 * back with the addend non-zero, so the stores it covers write nothing: the
 * stub must write the whole run, not only the leader's own word.
 */
static void gen_span_zero_loop(void)
{
    TCGLabel *exit_req = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, exit_req);
    tcg_gen_qemu_ld_i32(t, W(3), MMU, MO_LEUL);
    tcg_gen_add_i32(W(6), W(6), t);
    for (int i = 0; i < 4; i++) {
        tcg_gen_addi_i32(t, W(0), 4 * i);
        tcg_gen_qemu_st_i32(tcg_constant_i32(0), t, MMU, MO_LEUL | MO_ALIGN);
    }
    tcg_gen_subi_i32(W(2), W(2), 1);
    tcg_temp_free_i32(t);
    gen_loop_end(exit_req);
}

Test(hoist, span_leader_stub_writes_a_merged_run)
{
    const uint8_t *code = gen_loop_code(gen_span_zero_loop);

    cr_assert_eq(tcg_ctx->nb_st_wide, 1, "the four stores did not merge");
    chain_self_edge(code);
    memset(ram[0], 0xee, sizeof(ram[0]));
    run_span(code, PAGE_A + 0x100);
    cr_assert_eq(slow_loads, ITERS);
    cr_assert_eq(slow_stores, 0, "%u slow stores", slow_stores);
    for (int i = -4; i < 20; i++) {
        cr_assert_eq(ram[0][0x100 + i], i >= 0 && i < 16 ? 0 : 0xee, "byte %d", i);
    }
}
