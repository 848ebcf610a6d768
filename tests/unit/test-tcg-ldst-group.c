/*
 * Shared softmmu TLB checks (tcg/ldst-group.c and the x86-64 backend's lead/member
 * accesses): which runs of accesses share one check and which must not, and, run
 * natively against a local TLB, that a shared check is one check in the fast path,
 * that accesses stay exact when the shared check fails (span across two pages, an
 * MMIO or code page, a TLB miss) and that no helper is called when it succeeds.
 * The random differential test (test-tcg-diff) runs such groups on both backends.
 */
#include <criterion/criterion.h>
#include <capstone/capstone.h>
#include "tcg-harness.h"
#include "exec/cputlb.h"
#include "../../tcg/x86_64/x86-internal.h"

#define E harness_env
#define W(i) harness_g32[i]
#define Q(i) harness_g64[i]
#define MMU 2
#define PAGE_A    0x10000u      /* RAM */
#define PAGE_B    0x11000u      /* RAM, right after A */
#define PAGE_IO   0x12000u      /* MMIO */
#define PAGE_CODE 0x13000u      /* RAM holding code: stores take the slow path */
#define PAGE_RO   0x14000u      /* RAM mapped read-only: stores take the slow path */

#define PAGE_TOP  0xfffff000u  /* RAM: the last page of the address space */
#define PAGE_ZERO 0x00000000u  /* RAM: the first one */

static CPUTLBEntry tlb[256];
static uint8_t ram[4][TARGET_PAGE_SIZE];     /* A, B, CODE, RO */
static uint8_t edge_ram[2][TARGET_PAGE_SIZE];    /* TOP, ZERO */
static unsigned slow_loads, slow_stores;
/* When set, the next slow load remaps PAGE_A onto ram[1] (as device code that
 * changes the memory map, or a TLB flush and refill, may). */
static bool remap_a_on_load;

static uint8_t *ram_byte(uint32_t a)
{
    switch (a & TARGET_PAGE_MASK) {
    case PAGE_A:
        return &ram[0][a & ~TARGET_PAGE_MASK];
    case PAGE_B:
        return &ram[1][a & ~TARGET_PAGE_MASK];
    case PAGE_CODE:
        return &ram[2][a & ~TARGET_PAGE_MASK];
    case PAGE_RO:
        return &ram[3][a & ~TARGET_PAGE_MASK];
    case PAGE_TOP:
        return &edge_ram[0][a & ~TARGET_PAGE_MASK];
    case PAGE_ZERO:
        return &edge_ram[1][a & ~TARGET_PAGE_MASK];
    default:
        return NULL;
    }
}

static void map(uint32_t page, uint32_t rflags, uint32_t wflags, uint8_t *host)
{
    CPUTLBEntry *e = &tlb[(page >> TARGET_PAGE_BITS) & 255];
    e->addr_read = page | rflags;
    e->addr_write = page | wflags;
    e->addend = host ? (uintptr_t)host - page : 0;
}

/* The slow path: RAM pages as above, MMIO reads 0x5a and ignores writes. */
static uint64_t grp_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    MemOp mop = get_memop(oi);
    uint8_t b[8];
    uint64_t v;

    (void)cpu;
    (void)ra;
    slow_loads++;
    if (remap_a_on_load) {
        remap_a_on_load = false;
        map(PAGE_A, 0, 0, ram[1]);
    }
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint8_t *p = ram_byte(addr + i);
        b[i] = p ? *p : 0x5a;
    }
    v = harness_load_value(b, mop);
    __asm__ volatile("" ::: "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                     "memory");
    return v;
}

static void grp_st_mmu(CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                       uintptr_t ra)
{
    (void)cpu;
    (void)ra;
    slow_stores++;
    harness_store_bytes(ram_byte, addr, val, get_memop(oi));
    HARNESS_CLOBBER_CALLER_SAVED();
}


static void grp_setup(void)
{
    harness_init();
    for (unsigned i = 0; i < 256; i++) {
        tlb[i].addr_read = tlb[i].addr_write = tlb[i].addr_code = TLB_INVALID_MASK;
    }
    map(PAGE_A, 0, 0, ram[0]);
    map(PAGE_B, 0, 0, ram[1]);
    map(PAGE_IO, TLB_MMIO, TLB_MMIO, NULL);
    map(PAGE_CODE, 0, TLB_NOTDIRTY, ram[2]);
    map(PAGE_RO, 0, TLB_INVALID_MASK, ram[3]);
    E->cpu.tlb_fast[MMU].mask = 255 << CPU_TLB_ENTRY_BITS;
    E->cpu.tlb_fast[MMU].table = tlb;
    x86_ld_helper = grp_ld_mmu;
    x86_st_helper = grp_st_mmu;
    slow_loads = slow_stores = 0;
    remap_a_on_load = false;
}

TestSuite(ldst_group, .init = grp_setup);

/* ---- which accesses share a check (IR level) ---- */

typedef struct GroupCount {
    int leads, membs, plain;
    int64_t lo, hi;             /* span of the last leader */
    unsigned kinds;             /* its access types: 1 loads, 2 stores */
} GroupCount;

static GroupCount run_pass(void)
{
    GroupCount c = { 0 };

    tcg_optimize(tcg_ctx);
    tcg_ldst_group(tcg_ctx);
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        switch (op->opc) {
        case INDEX_op_qemu_ld_lead_i32:
        case INDEX_op_qemu_st_lead_i32:
        case INDEX_op_qemu_ld_lead_i64:
        case INDEX_op_qemu_st_lead_i64:
            c.leads++;
            c.lo = (int64_t)op->args[4];
            c.hi = (int64_t)op->args[5];
            c.kinds = (unsigned)op->args[6];
            break;
        case INDEX_op_qemu_ld_memb_i32:
        case INDEX_op_qemu_st_memb_i32:
        case INDEX_op_qemu_ld_memb_i64:
        case INDEX_op_qemu_st_memb_i64:
            c.membs++;
            break;
        case INDEX_op_qemu_ld_i32:
        case INDEX_op_qemu_st_i32:
        case INDEX_op_qemu_ld_i64:
        case INDEX_op_qemu_st_i64:
            c.plain++;
            break;
        default:
            break;
        }
    }
    return c;
}

static void st_at(TCGv_i32 base, int32_t off, MemOp mop, unsigned idx)
{
    TCGv_i32 a = tcg_temp_new_i32();
    tcg_gen_addi_i32(a, base, off);
    tcg_gen_qemu_st_i32(tcg_constant_i32(0), a, idx, mop);
    tcg_temp_free_i32(a);
}

static void ld_at(TCGv_i32 dst, TCGv_i32 base, int32_t off, MemOp mop)
{
    TCGv_i32 a = tcg_temp_new_i32();
    tcg_gen_addi_i32(a, base, off);
    tcg_gen_qemu_ld_i32(dst, a, MMU, mop);
    tcg_temp_free_i32(a);
}

/* Linux's MIPS clear_page loop body: four stores, the base moved by 32, four more
 * below the new base. */
static void gen_clear_page_body(TCGv_i32 base)
{
    for (int i = 0; i < 4; i++) {
        st_at(base, 4 * i, MO_LEUL | MO_ALIGN, MMU);
    }
    tcg_gen_addi_i32(base, base, 32);
    for (int i = 0; i < 4; i++) {
        st_at(base, -16 + 4 * i, MO_LEUL | MO_ALIGN, MMU);
    }
}

Test(ldst_group, clear_page_shares_one_check)
{
    harness_select(&tcg_backend_interp);
    harness_begin();
    gen_clear_page_body(W(0));
    tcg_gen_exit_tb(NULL, 0);
    GroupCount c = run_pass();
    cr_assert_eq(c.leads, 1, "one leader expected, got %d", c.leads);
    cr_assert_eq(c.membs, 7, "seven members expected, got %d", c.membs);
    cr_assert_eq(c.plain, 0);
    cr_assert_eq(c.lo, 0);
    cr_assert_eq(c.hi, 31, "span ends at the last byte stored (got %" PRId64 ")", c.hi);
}

Test(ldst_group, loads_and_stores_share_one_check)
{
    /* A read-modify-write of two fields: the leader checks both tags. */
    harness_select(&tcg_backend_interp);
    harness_begin();
    ld_at(W(1), W(0), 8, MO_LEUL | MO_ALIGN);
    tcg_gen_addi_i32(W(1), W(1), 1);
    st_at(W(0), 8, MO_LEUL | MO_ALIGN, MMU);
    ld_at(W(2), W(0), 12, MO_LEUW);
    tcg_gen_exit_tb(NULL, 0);
    GroupCount c = run_pass();
    cr_assert_eq(c.leads, 1);
    cr_assert_eq(c.membs, 2);
    cr_assert_eq(c.kinds, 3, "kinds %u", c.kinds);
    cr_assert_eq(c.lo, 0);
    cr_assert_eq(c.hi, 5);

    /* Stores only: the write tag alone. */
    harness_begin();
    gen_clear_page_body(W(0));
    tcg_gen_exit_tb(NULL, 0);
    c = run_pass();
    cr_assert_eq(c.kinds, 2, "kinds %u", c.kinds);
}

Test(ldst_group, span_below_the_leader)
{
    /* Descending offsets: the leader is the highest access. */
    harness_select(&tcg_backend_interp);
    harness_begin();
    for (int i = 3; i >= 0; i--) {
        st_at(W(0), 4 * i, MO_LEUL, MMU);
    }
    tcg_gen_exit_tb(NULL, 0);
    GroupCount c = run_pass();
    cr_assert_eq(c.leads, 1);
    cr_assert_eq(c.membs, 3);
    cr_assert_eq(c.lo, -12);
    cr_assert_eq(c.hi, 3);
}

Test(ldst_group, interleaved_runs_share_checks)
{
    /* Copy and checksum loops interleave accesses off two or three pointers: each
     * pointer's run is a group, the others' accesses in between do not close it
     * (their slow paths zero the shared addends instead: see below). */
    harness_select(&tcg_backend_interp);
    harness_begin();
    for (int i = 0; i < 3; i++) {
        ld_at(W(4), W(0), 4 * i, MO_LEUL);
        st_at(W(1), 4 * i, MO_LEUL, MMU);
        ld_at(W(5), W(2), 8 * i, MO_LEUW);
    }
    tcg_gen_exit_tb(NULL, 0);
    GroupCount c = run_pass();
    cr_assert_eq(c.leads, 3, "three leaders expected, got %d", c.leads);
    cr_assert_eq(c.membs, 6, "six members expected, got %d", c.membs);
    cr_assert_eq(c.plain, 0);
}

/* Each case builds two accesses that must NOT share a check. */
static void gen_unsafe_case(int k)
{
    TCGLabel *l;

    switch (k) {
    case 0:     /* a helper call in between may change anything */
        st_at(W(0), 0, MO_LEUL, MMU);
        tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
        st_at(W(0), 4, MO_LEUL, MMU);
        break;
    case 1:     /* a label in between: another path may arrive there */
        l = gen_new_label();
        st_at(W(0), 0, MO_LEUL, MMU);
        tcg_gen_brcondi_i32(TCG_COND_EQ, W(1), 0, l);
        gen_set_label(l);
        st_at(W(0), 4, MO_LEUL, MMU);
        break;
    case 2:     /* a load in between that replaces the base */
        st_at(W(0), 0, MO_LEUL, MMU);
        ld_at(W(0), W(3), 0, MO_LEUL);
        st_at(W(0), 4, MO_LEUL, MMU);
        break;
    case 3:     /* another MMU mode */
        st_at(W(0), 0, MO_LEUL, MMU);
        st_at(W(0), 4, MO_LEUL, 1);
        break;
    case 4:     /* a page apart */
        st_at(W(0), 0, MO_UB, MMU);
        st_at(W(0), TARGET_PAGE_SIZE, MO_UB, MMU);
        break;
    case 5:     /* the member's alignment is not implied by the leader's */
        st_at(W(0), 0, MO_LEUL | MO_ALIGN, MMU);
        st_at(W(0), 2, MO_LEUL | MO_ALIGN, MMU);
        break;
    case 6:     /* a byte leader says nothing about a word's alignment */
        st_at(W(0), 0, MO_UB, MMU);
        st_at(W(0), 4, MO_LEUL | MO_ALIGN, MMU);
        break;
    case 7:     /* the base changed by an unknown amount */
        st_at(W(0), 0, MO_LEUL, MMU);
        tcg_gen_add_i32(W(0), W(0), W(1));
        st_at(W(0), 4, MO_LEUL, MMU);
        break;
    case 8:     /* a load in between whose address depends on a load of the run */
        ld_at(W(2), W(0), 0, MO_LEUL);
        ld_at(W(3), W(2), 4, MO_LEUL);
        break;
    case 9:     /* unrelated bases */
        st_at(W(0), 0, MO_LEUL, MMU);
        st_at(W(1), 4, MO_LEUL, MMU);
        break;
    default:    /* the base reloaded from memory between */
        st_at(W(0), 0, MO_LEUL, MMU);
        tcg_gen_ld_i32(W(0), tcg_env, offsetof(HarnessEnv, g32[5]));
        st_at(W(0), 4, MO_LEUL, MMU);
        break;
    }
}

Test(ldst_group, unsafe_runs_are_not_shared)
{
    for (int k = 0; k <= 10; k++) {
        harness_select(&tcg_backend_interp);
        harness_begin();
        gen_unsafe_case(k);
        tcg_gen_exit_tb(NULL, 0);
        GroupCount c = run_pass();
        cr_assert_eq(c.leads, 0, "case %d: accesses shared a check", k);
        cr_assert_eq(c.membs, 0, "case %d", k);
    }
}

Test(ldst_group, a_call_splits_a_run)
{
    harness_select(&tcg_backend_interp);
    harness_begin();
    for (int i = 0; i < 3; i++) {
        ld_at(W(1 + i), W(0), 4 * i, MO_LEUL);
    }
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    for (int i = 0; i < 3; i++) {
        ld_at(W(4 + i), W(0), 12 + 4 * i, MO_LEUL);
    }
    tcg_gen_exit_tb(NULL, 0);
    GroupCount c = run_pass();
    cr_assert_eq(c.leads, 2);
    cr_assert_eq(c.membs, 4);
}

/* ---- run natively ---- */

static const TCGBackend *x86(void)
{
    const TCGBackend *b = harness_backends()[1];
    if (!b) {
        cr_skip_test("tcg/x86_64 is not linked into this binary");
    }
    return b;
}

Test(ldst_group, one_check_in_the_fast_path)
{
    int checks[2];

    x86();
    for (int mode = 0; mode < 2; mode++) {
        harness_select(x86());
        harness_reset_code();
        harness_begin();
        tcg_gen_insn_start(0x1000, 0);
        gen_clear_page_body(W(0));
        tcg_gen_exit_tb(NULL, 0);
        const uint8_t *code = harness_gen(mode == 0 ? HARNESS_FULL : HARNESS_NO_OPT);
        cr_assert(code);
        /* insn_end_off[0]: the end of the body, where the stubs begin. */
        checks[mode] = harness_count_tlb_checks(code, tcg_ctx->insn_end_off[0], MMU);

        memset(ram, 0xee, sizeof(ram));
        harness_clear_env();
        E->g32[0] = PAGE_A + 0x100;
        slow_stores = 0;
        harness_exec(code);
        cr_assert_eq(slow_stores, 0, "mode %d: a store took the slow path", mode);
        cr_assert_eq(E->g32[0], PAGE_A + 0x120);
        for (int i = 0; i < 0x40; i++) {
            uint8_t want = i >= 0x10 && i < 0x30 ? 0 : 0xee;
            cr_assert_eq(ram[0][0xf0 + i], want, "mode %d: byte %#x", mode, 0xf0 + i);
        }
    }
    cr_assert_eq(checks[0], 1, "shared: %d TLB checks in the body", checks[0]);
    cr_assert_eq(checks[1], 8, "unshared: %d TLB checks in the body", checks[1]);
}

/*
 * Eight mixed stores (a leader and seven members) at base + 0..31, for bases that put
 * the span in one RAM page, across two RAM pages, across RAM and MMIO, on a page
 * whose stores must go slow, and on an unmapped page; every byte must come out as
 * the plain accesses would leave it, and the helper is called only for the bytes
 * that need it.
 */
static const MemOp run_mops[8] = {
    MO_LEUL | MO_ALIGN, MO_UB, MO_BEUW, MO_LEUQ, MO_LEUL, MO_BEUL | MO_ALIGN, MO_LEUW,
    MO_UB,
};
static const int32_t run_offs[8] = { 0, 4, 6, 8, 16, 20, 26, 31 };

static void gen_store_run(void)
{
    for (int i = 0; i < 8; i++) {
        TCGv_i32 a = tcg_temp_new_i32();
        tcg_gen_addi_i32(a, W(0), run_offs[i]);
        if ((run_mops[i] & MO_SIZE) == MO_64) {
            tcg_gen_qemu_st_i64(Q(i), a, MMU, run_mops[i]);
        } else {
            tcg_gen_qemu_st_i32(W(1 + (i % 7)), a, MMU, run_mops[i]);
        }
        tcg_temp_free_i32(a);
    }
}

static void ref_store(uint32_t base)
{
    for (int i = 0; i < 8; i++) {
        MemOp mop = run_mops[i];
        unsigned size = memop_size(mop);
        uint64_t v = (mop & MO_SIZE) == MO_64 ? E->g64[i] : E->g32[1 + (i % 7)];
        for (unsigned b = 0; b < size; b++) {
            uint8_t *p = ram_byte(base + run_offs[i] + b);
            unsigned sh = (mop & MO_BSWAP) ? 8 * (size - 1 - b) : 8 * b;
            if (p) {
                *p = (uint8_t)(v >> sh);
            }
        }
    }
}

Test(ldst_group, store_runs_stay_exact)
{
    static const struct {
        uint32_t base;
        unsigned slow;          /* stores that must reach the helper */
    } cases[] = {
        { PAGE_A + 0x200, 0 },
        { PAGE_A + 0xff0, 0 },          /* A and B: each store's own check hits */
        { PAGE_B + 0xff0, 4 },          /* B and MMIO: the four in MMIO go slow */
        { PAGE_CODE + 0x40, 8 },        /* code page: every store goes slow */
        { 0x40000 + 0x40, 8 },          /* not in the TLB */
    };
    static uint8_t want[3][TARGET_PAGE_SIZE], saved[3][TARGET_PAGE_SIZE];

    harness_select(x86());
    harness_reset_code();
    harness_begin();
    gen_store_run();
    tcg_gen_exit_tb(NULL, 0);
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    cr_assert_eq(tcg_ctx->stat_ldst_groups > 0, true);

    for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
        for (int i = 0; i < 3; i++) {
            for (unsigned j = 0; j < TARGET_PAGE_SIZE; j++) {
                ram[i][j] = (uint8_t)(j * 7 + i);
            }
        }
        harness_clear_env();
        for (int i = 0; i < 8; i++) {
            E->g32[i] = 0x11223344u * (i + 1);
            E->g64[i] = 0x0102030405060708ull * (i + 3);
        }
        E->g32[0] = cases[k].base;
        /* The reference: the same stores done byte by byte, on a copy. */
        memcpy(saved, ram, sizeof(saved));
        ref_store(cases[k].base);
        memcpy(want, ram, sizeof(want));
        memcpy(ram, saved, sizeof(saved));
        slow_stores = 0;
        harness_exec(code);
        cr_assert_eq(slow_stores, cases[k].slow, "base %#x: %u slow stores, want %u",
                     cases[k].base, slow_stores, cases[k].slow);
        cr_assert(memcmp(ram, want, sizeof(want)) == 0, "base %#x: RAM differs",
                  cases[k].base);
    }
}

Test(ldst_group, load_runs_stay_exact)
{
    static const uint32_t bases[] = {
        PAGE_A + 0x300, PAGE_A + 0xff8, PAGE_B + 0xff8, PAGE_IO + 0x10, 0x40000,
    };
    static const unsigned slow[] = { 0, 0, 3, 6, 6 };
    static const MemOp mops[6] = {
        MO_LESL, MO_UB, MO_BESW | MO_ALIGN, MO_LEUQ, MO_BEUL, MO_SB,
    };
    static const int32_t offs[6] = { 0, 5, 6, 8, 12, 15 };

    for (int i = 0; i < 3; i++) {
        for (unsigned j = 0; j < TARGET_PAGE_SIZE; j++) {
            ram[i][j] = (uint8_t)(j * 13 + 5 * i + 1);
        }
    }
    harness_select(x86());
    harness_reset_code();
    harness_begin();
    for (int i = 0; i < 6; i++) {
        TCGv_i32 a = tcg_temp_new_i32();
        tcg_gen_addi_i32(a, W(0), offs[i]);
        tcg_gen_qemu_ld_i64(Q(i), a, MMU, mops[i]);
        tcg_temp_free_i32(a);
    }
    tcg_gen_exit_tb(NULL, 0);
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert(code);

    for (size_t k = 0; k < ARRAY_SIZE(bases); k++) {
        harness_clear_env();
        E->g32[0] = bases[k];
        slow_loads = 0;
        harness_exec(code);
        cr_assert_eq(slow_loads, slow[k], "base %#x: %u slow loads, want %u", bases[k],
                     slow_loads, slow[k]);
        for (int i = 0; i < 6; i++) {
            unsigned size = memop_size(mops[i]);
            uint64_t v = 0;
            for (unsigned b = 0; b < size; b++) {
                uint8_t *p = ram_byte(bases[k] + offs[i] + b);
                uint8_t byte = p ? *p : 0x5a;
                v = (mops[i] & MO_BSWAP) ? (v << 8) | byte : v | (uint64_t)byte << (8 * b);
            }
            if ((mops[i] & MO_SIGN) && size < 8) {
                unsigned sh = 64 - 8 * size;
                v = (uint64_t)((int64_t)(v << sh) >> sh);
            }
            cr_assert_eq(E->g64[i], v, "base %#x load %d: %#" PRIx64 " want %#" PRIx64,
                         bases[k], i, E->g64[i], v);
        }
    }
}

/* A run mixing loads and stores: fast when the page takes both, and when it takes
 * only loads (code page, read-only page) the loads stay inline and only the stores
 * reach the helper (whose stand-in here writes RAM in both cases). */
Test(ldst_group, mixed_runs_stay_exact)
{
    static const uint32_t pages[] = { PAGE_A, PAGE_CODE, PAGE_RO };

    harness_select(x86());
    harness_reset_code();
    harness_begin();
    ld_at(W(1), W(0), 0, MO_LEUL | MO_ALIGN);
    tcg_gen_addi_i32(W(1), W(1), 5);
    tcg_gen_qemu_st_i32(W(1), W(0), MMU, MO_LEUL | MO_ALIGN);
    ld_at(W(2), W(0), 6, MO_BEUW);
    {
        TCGv_i32 a = tcg_temp_new_i32();
        tcg_gen_addi_i32(a, W(0), 12);
        tcg_gen_qemu_st_i32(W(2), a, MMU, MO_BEUL);
        tcg_temp_free_i32(a);
    }
    ld_at(W(3), W(0), 12, MO_LEUL);
    tcg_gen_exit_tb(NULL, 0);
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert(code);

    for (size_t k = 0; k < ARRAY_SIZE(pages); k++) {
        uint32_t base = pages[k] + 0x80;
        uint8_t *m = ram_byte(base);
        for (int i = 0; i < 16; i++) {
            m[i] = (uint8_t)(0x10 + i);
        }
        harness_clear_env();
        E->g32[0] = base;
        slow_loads = slow_stores = 0;
        harness_exec(code);
        uint32_t w0 = 0x13121110u + 5;
        uint32_t h6 = (0x16u << 8) | 0x17u;
        cr_assert_eq(E->g32[1], w0, "page %#x", pages[k]);
        cr_assert_eq(E->g32[2], h6, "page %#x", pages[k]);
        cr_assert_eq(slow_loads, 0, "page %#x: %u slow loads", pages[k], slow_loads);
        cr_assert_eq(slow_stores, k == 0 ? 0 : 2, "page %#x: %u slow stores", pages[k],
                     slow_stores);
        uint32_t st0 = m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24;
        cr_assert_eq(st0, w0, "page %#x: stored word %#x", pages[k], st0);
        /* The BE store of h6 at +12, read back little-endian at +12. */
        cr_assert_eq(E->g32[3], __builtin_bswap32(h6), "page %#x: %#x", pages[k], E->g32[3]);
    }
}

/*
 * Two groups open at once (stores off W(0) in PAGE_A, loads off W(3)): when a load
 * of the other group takes the slow path and the C code there remaps PAGE_A, the
 * remaining stores must see the new mapping, not the addend their leader loaded.
 */
Test(ldst_group, slow_path_between_members_drops_shared_checks)
{
    harness_select(x86());
    harness_reset_code();
    harness_begin();
    for (int i = 0; i < 3; i++) {
        TCGv_i32 a = tcg_temp_new_i32();
        tcg_gen_addi_i32(a, W(0), 4 * i);
        tcg_gen_qemu_st_i32(W(1 + i), a, MMU, MO_LEUL);
        tcg_gen_addi_i32(a, W(4), 4 * i);
        tcg_gen_qemu_ld_i32(W(5 + i), a, MMU, MO_LEUL);
        tcg_temp_free_i32(a);
    }
    tcg_gen_exit_tb(NULL, 0);
    uint64_t groups = tcg_ctx->stat_ldst_groups;
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    cr_assert_eq(tcg_ctx->stat_ldst_groups, groups + 2, "two interleaved groups");

    for (int remap = 0; remap < 2; remap++) {
        memset(ram, 0, sizeof(ram));
        map(PAGE_A, 0, 0, ram[0]);
        harness_clear_env();
        E->g32[0] = PAGE_A + 0x100;
        E->g32[1] = 0x11111111u;
        E->g32[2] = 0x22222222u;
        E->g32[3] = 0x33333333u;
        E->g32[4] = PAGE_IO + 0x20;      /* every load goes slow */
        slow_loads = slow_stores = 0;
        remap_a_on_load = remap;
        harness_exec(code);
        cr_assert_eq(slow_loads, 3);
        cr_assert_eq(E->g32[5], 0x5a5a5a5au);
        uint32_t w[2][3];
        for (int i = 0; i < 3; i++) {
            memcpy(&w[0][i], &ram[0][0x100 + 4 * i], 4);
            memcpy(&w[1][i], &ram[1][0x100 + 4 * i], 4);
        }
        cr_assert_eq(w[0][0], 0x11111111u, "remap %d", remap);
        if (remap) {
            /* The first store went to the old page, the others to the new one. */
            cr_assert_eq(w[0][1], 0, "a store used a stale addend");
            cr_assert_eq(w[0][2], 0, "a store used a stale addend");
            cr_assert_eq(w[1][1], 0x22222222u);
            cr_assert_eq(w[1][2], 0x33333333u);
        } else {
            cr_assert_eq(w[0][1], 0x22222222u);
            cr_assert_eq(w[0][2], 0x33333333u);
            cr_assert_eq(slow_stores, 0);
        }
    }
}

/*
 * A member's address add is folded into its data op ([host + base + disp], no
 * lea) when the base is its leader's own address; the sum is then exact because
 * the leader's span check passed. Runs at the very end of the address space:
 * inside the last page the shared check holds and the folded members read and
 * write that page; a run wrapping from the last page to page 0 fails the shared
 * check, and the members' stubs compute their 32-bit addresses (page 0).
 */
Test(ldst_group, members_fold_their_offset_exactly)
{
    csh h;
    cs_insn *insn;
    bool folded = false;

    map(PAGE_TOP, 0, 0, edge_ram[0]);
    map(PAGE_ZERO, 0, 0, edge_ram[1]);
    for (unsigned j = 0; j < TARGET_PAGE_SIZE; j++) {
        edge_ram[0][j] = (uint8_t)(j * 7 + 1);
        edge_ram[1][j] = (uint8_t)(j * 11 + 3);
        ram[0][j] = (uint8_t)(j * 5 + 2);
    }
    harness_select(x86());
    harness_reset_code();
    harness_begin();
    TCGv_i32 a = tcg_temp_new_i32();
    tcg_gen_qemu_ld_i32(W(1), W(0), MMU, MO_LEUL);
    tcg_gen_addi_i32(a, W(0), 8);
    tcg_gen_qemu_ld_i32(W(2), a, MMU, MO_LEUL);
    tcg_gen_addi_i32(a, W(0), 12);
    tcg_gen_qemu_st_i32(W(3), a, MMU, MO_LEUL);
    tcg_temp_free_i32(a);
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert(code);

    /* The body (up to the exit's jump) has a data op at [reg + reg + 8]. */
    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    size_t n = cs_disasm(h, code, harness_tb.tc.size, (uintptr_t)code, 0, &insn);
    for (size_t i = 0; i < n && insn[i].id != X86_INS_JMP; i++) {
        const cs_x86 *x = &insn[i].detail->x86;
        for (int o = 0; o < x->op_count; o++) {
            if (insn[i].id == X86_INS_MOV && x->operands[o].type == X86_OP_MEM &&
                x->operands[o].mem.index != X86_REG_INVALID &&
                x->operands[o].mem.disp == 8) {
                folded = true;
            }
        }
    }
    cs_free(insn, n);
    cs_close(&h);
    cr_assert(folded, "the member at +8 still computes its address apart");

    /* The stubs try their own TLB entries first (page 0 is mapped: no helper);
     * with page 0 unmapped the two wrapped members reach the helper. */
    static const uint32_t bases[] = { PAGE_A + 0x100, 0xfffffff0u, 0xfffffff8u, 0xfffffffcu,
                                      0xfffffff8u, 0xfffffffcu };
    static const unsigned slow[] = { 0, 0, 0, 0, 2, 2 };
    for (size_t k = 0; k < ARRAY_SIZE(bases); k++) {
        uint32_t b = bases[k];
        if (k == 4) {
            map(PAGE_ZERO, TLB_INVALID_MASK, TLB_INVALID_MASK, NULL);
        }
        harness_clear_env();
        E->g32[0] = b;
        E->g32[3] = 0xa5a55a5a + (uint32_t)k;
        slow_loads = slow_stores = 0;
        harness_exec(code);
        cr_assert_eq(slow_loads + slow_stores, slow[k], "base %#x: %u slow", b,
                     slow_loads + slow_stores);
        for (int i = 0; i < 2; i++) {
            uint32_t v = 0;
            for (unsigned j = 0; j < 4; j++) {
                v |= (uint32_t)*ram_byte(b + 8 * i + j) << (8 * j);
            }
            cr_assert_eq(E->g32[1 + i], v, "base %#x load %d", b, i);
        }
        uint32_t got = 0;
        for (unsigned j = 0; j < 4; j++) {
            got |= (uint32_t)*ram_byte(b + 12 + j) << (8 * j);
        }
        cr_assert_eq(got, 0xa5a55a5a + (uint32_t)k, "base %#x store", b);
    }
}
