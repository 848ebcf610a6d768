/*
 * Store merging (tcg/st-merge.c and the x86-64 backend's wide stores): which runs
 * of constant group stores merge and which must not, the byte image a run writes,
 * and, run natively against a local TLB, that a merged run writes its bytes with
 * wide host stores and no helper, while a run whose shared check fails (a span
 * across two pages, a page holding code, MMIO, an unmapped page) does every store
 * on its own, in order, each with a return address inside its own guest insn, so
 * that a fault is precise.
 */
#include <criterion/criterion.h>
#include <capstone/capstone.h>
#include "tcg-harness.h"
#include "exec/cputlb.h"
#include "../../tcg/x86_64/x86-internal.h"

#define E harness_env
#define W(i) harness_g32[i]
#define MMU 2
#define PAGE_A    0x20000u      /* RAM */
#define PAGE_B    0x21000u      /* RAM, right after A */
#define PAGE_CODE 0x22000u      /* RAM holding code: stores take the slow path */
#define PAGE_IO   0x23000u      /* MMIO: every store reaches the device */
#define PAGE_C    0x24000u      /* RAM, right after IO */
#define INSN_PC   0x1000u       /* guest pc of the first insn; 4 bytes each */

static CPUTLBEntry tlb[256];
static uint8_t ram[4][TARGET_PAGE_SIZE];       /* A, B, CODE, C */

/* What the slow path saw, in order. */
#define MAX_SLOW 64
static struct {
    uint32_t addr;
    uint64_t val;
    unsigned size;
    uintptr_t ra;
} slow[MAX_SLOW];
static unsigned nb_slow;

/* The RAM pages and where their bytes are. */
static const struct {
    uint32_t page;
    uint8_t *host;
} ram_pages[] = {
    { PAGE_A, ram[0] }, { PAGE_B, ram[1] }, { PAGE_CODE, ram[2] }, { PAGE_C, ram[3] },
};

static uint8_t *ram_byte(uint32_t a)
{
    for (size_t i = 0; i < ARRAY_SIZE(ram_pages); i++) {
        if ((a & TARGET_PAGE_MASK) == ram_pages[i].page) {
            return &ram_pages[i].host[a & ~TARGET_PAGE_MASK];
        }
    }
    return NULL;
}

static void map(uint32_t page, uint32_t wflags, uint8_t *host)
{
    CPUTLBEntry *e = &tlb[(page >> TARGET_PAGE_BITS) & 255];
    e->addr_read = page | (wflags & ~TLB_NOTDIRTY);
    e->addr_write = page | wflags;
    e->addend = host ? (uintptr_t)host - page : 0;
}

static uint64_t sm_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    (void)cpu;
    (void)addr;
    (void)oi;
    (void)ra;
    cr_assert_fail("no test here loads");
    return 0;
}

static void sm_st_mmu(CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                      uintptr_t ra)
{
    MemOp mop = get_memop(oi);

    (void)cpu;
    cr_assert(nb_slow < MAX_SLOW);
    slow[nb_slow].addr = addr;
    slow[nb_slow].val = val;
    slow[nb_slow].size = memop_size(mop);
    slow[nb_slow].ra = ra;
    nb_slow++;
    harness_store_bytes(ram_byte, addr, val, mop);
    HARNESS_CLOBBER_CALLER_SAVED();
}

static void sm_setup(void)
{
    harness_init();
    for (unsigned i = 0; i < 256; i++) {
        tlb[i].addr_read = tlb[i].addr_write = tlb[i].addr_code = TLB_INVALID_MASK;
    }
    map(PAGE_A, 0, ram[0]);
    map(PAGE_B, 0, ram[1]);
    map(PAGE_CODE, TLB_NOTDIRTY, ram[2]);
    map(PAGE_IO, TLB_MMIO, NULL);
    map(PAGE_C, 0, ram[3]);
    E->cpu.tlb_fast[MMU].mask = 255 << CPU_TLB_ENTRY_BITS;
    E->cpu.tlb_fast[MMU].table = tlb;
    x86_ld_helper = sm_ld_mmu;
    x86_st_helper = sm_st_mmu;
    nb_slow = 0;
}

TestSuite(st_merge, .init = sm_setup);

/* One guest insn: a store of the constant v (mop) at base + off. */
static void insn_st(int *insn, TCGv_i32 base, int32_t off, uint32_t v, MemOp mop)
{
    TCGv_i32 a = tcg_temp_new_i32();

    tcg_gen_insn_start(INSN_PC + 4 * (*insn)++, 0);
    tcg_gen_addi_i32(a, base, off);
    tcg_gen_qemu_st_i32(tcg_constant_i32(v), a, MMU, mop);
    tcg_temp_free_i32(a);
}

/* Linux's MIPS clear_page loop body, one guest insn each: sw $zero 0, 4, 8, 12;
 * addiu base, 32; sw $zero -16, -12, -8, -4. */
static int gen_clear_page_body(TCGv_i32 base)
{
    int insn = 0;

    for (int i = 0; i < 4; i++) {
        insn_st(&insn, base, 4 * i, 0, MO_LEUL | MO_ALIGN);
    }
    tcg_gen_insn_start(INSN_PC + 4 * insn++, 0);
    tcg_gen_addi_i32(base, base, 32);
    for (int i = 0; i < 4; i++) {
        insn_st(&insn, base, -16 + 4 * i, 0, MO_LEUL | MO_ALIGN);
    }
    return insn;
}

/* ---- which stores merge (IR level) ---- */

typedef struct MergeCount {
    int heads, covered, stores;
    const struct TCGStWide *w;  /* the last head's bytes */
} MergeCount;

static MergeCount run_pass(void)
{
    MergeCount c = { 0 };

    tcg_optimize(tcg_ctx);
    tcg_ldst_group(tcg_ctx);
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if (!tcg_opc_is_guest_mem(op->opc)) {
            continue;
        }
        c.stores++;
        if (op->st_wide == TCG_ST_WIDE_COVERED) {
            c.covered++;
        } else if (op->st_wide) {
            c.heads++;
            c.w = &tcg_ctx->st_wide[op->st_wide - 1];
        }
    }
    return c;
}

Test(st_merge, clear_page_is_one_run_of_32_zero_bytes)
{
    harness_select(&tcg_backend_interp);
    harness_begin();
    gen_clear_page_body(W(0));
    tcg_gen_exit_tb(NULL, 0);
    MergeCount c = run_pass();

    cr_assert_eq(c.heads, 1);
    cr_assert_eq(c.covered, 7);
    cr_assert_eq(c.w->lo, 0);
    cr_assert_eq(c.w->len, 32);
    for (int i = 0; i < 32; i++) {
        cr_assert_eq(c.w->bytes[i], 0);
    }
}

/* Sizes and byte orders mix; a later store's bytes win where they overlap, and
 * the range may grow below the first store. */
Test(st_merge, image_follows_byte_order_and_program_order)
{
    static const uint8_t want[] = {
        0x11, 0x22, 0x99, 0x77, 0x66, 0x55, 0x44, 0xaa, 0xbb,
    };
    int insn = 0;

    harness_select(&tcg_backend_interp);
    harness_begin();
    insn_st(&insn, W(0), 2, 0x11, MO_UB);
    insn_st(&insn, W(0), 3, 0x2233, MO_BEUW);
    insn_st(&insn, W(0), 5, 0x44556677, MO_LEUL);
    insn_st(&insn, W(0), 4, 0x99, MO_UB);
    insn_st(&insn, W(0), 9, 0xbbaa, MO_LEUW);
    insn_st(&insn, W(0), 0, 0x1100, MO_LEUW);    /* below the first */
    tcg_gen_exit_tb(NULL, 0);
    MergeCount c = run_pass();

    cr_assert_eq(c.heads, 1);
    cr_assert_eq(c.covered, 5);
    /* Relative to the first store (at +2): bytes -2 .. 8. */
    cr_assert_eq(c.w->lo, -2);
    cr_assert_eq(c.w->len, 11);
    cr_assert_eq(c.w->bytes[0], 0x00);
    cr_assert_eq(c.w->bytes[1], 0x11);
    for (size_t i = 0; i < sizeof(want); i++) {
        cr_assert_eq(c.w->bytes[2 + i], want[i], "byte %zu: %#x", 2 + i,
                     c.w->bytes[2 + i]);
    }
}

/* What ends a run, case by case: each builds stores that would merge but for one
 * thing, and says how many heads and covered stores it wants. */
static void gen_breaker(int k)
{
    int insn = 0;
    TCGv_i32 t = tcg_temp_new_i32();

    switch (k) {
    case 0:     /* a register value in the middle: two runs of one, none */
        insn_st(&insn, W(0), 0, 0, MO_LEUL);
        tcg_gen_qemu_st_i32(W(1), W(0), MMU, MO_LEUL);
        tcg_gen_addi_i32(t, W(0), 4);
        tcg_gen_qemu_st_i32(W(2), t, MMU, MO_LEUL);
        insn_st(&insn, W(0), 8, 0, MO_LEUL);
        break;
    case 1:     /* a gap between the bytes */
        insn_st(&insn, W(0), 0, 0, MO_LEUL);
        insn_st(&insn, W(0), 8, 0, MO_LEUL);
        break;
    case 2:     /* a load of another base in between (its slow path runs C code) */
        insn_st(&insn, W(0), 0, 0, MO_LEUL);
        tcg_gen_qemu_ld_i32(W(3), W(4), MMU, MO_LEUL);
        insn_st(&insn, W(0), 4, 0, MO_LEUL);
        break;
    case 3:     /* a load of the stored bytes in between: it would see them early */
        insn_st(&insn, W(0), 0, 0, MO_LEUL);
        tcg_gen_addi_i32(t, W(0), 4);
        tcg_gen_qemu_ld_i32(W(3), t, MMU, MO_LEUL);
        insn_st(&insn, W(0), 4, 0, MO_LEUL);
        break;
    case 4:     /* a helper call (it ends the group too) */
        insn_st(&insn, W(0), 0, 0, MO_LEUL);
        tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
        insn_st(&insn, W(0), 4, 0, MO_LEUL);
        break;
    case 5:     /* more than TCG_ST_WIDE_MAX_BYTES: two runs */
        for (int i = 0; i < 2 * TCG_ST_WIDE_MAX_BYTES / 8; i++) {
            tcg_gen_addi_i32(t, W(0), 8 * i);
            tcg_gen_qemu_st_i64(tcg_constant_i64(0), t, MMU, MO_LEUQ);
        }
        break;
    }
    tcg_temp_free_i32(t);
}

Test(st_merge, what_ends_a_run)
{
    static const struct {
        int heads, covered;
    } want[] = {
        { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 },
        { 2, 2 * TCG_ST_WIDE_MAX_BYTES / 8 - 2 },
    };

    harness_select(&tcg_backend_interp);
    for (size_t k = 0; k < ARRAY_SIZE(want); k++) {
        harness_begin();
        gen_breaker((int)k);
        tcg_gen_exit_tb(NULL, 0);
        MergeCount c = run_pass();
        cr_assert_eq(c.heads, want[k].heads, "case %zu: %d heads", k, c.heads);
        cr_assert_eq(c.covered, want[k].covered, "case %zu: %d covered", k, c.covered);
    }
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

/* The guest insn whose host code holds ra (as tb_decode_insn_data finds it). */
static int insn_of(const uint8_t *code, int nb_insns, uintptr_t ra)
{
    uintptr_t off = ra - (uintptr_t)code;

    for (int i = 0; i < nb_insns; i++) {
        if (off <= tcg_ctx->insn_end_off[i]) {
            return i;
        }
    }
    return -1;
}

/* Host stores in the body (up to the first insn that leaves it), by width. */
static void count_stores(const uint8_t *code, size_t body, int *xmm, int *narrow)
{
    csh h;
    cs_insn *insn;

    *xmm = *narrow = 0;
    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
    size_t n = cs_disasm(h, code, body, (uintptr_t)code, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        const cs_x86 *x = &insn[i].detail->x86;
        if (x->op_count == 2 && x->operands[0].type == X86_OP_MEM &&
            x->operands[0].mem.base != X86_REG_RBP) {
            if (insn[i].id == X86_INS_MOVUPS) {
                (*xmm)++;
            } else if (insn[i].id == X86_INS_MOV) {
                (*narrow)++;
            }
        }
    }
    cs_free(insn, n);
    cs_close(&h);
}

static const uint8_t *gen_clear_page(int *nb_insns)
{
    harness_select(x86());
    harness_reset_code();
    harness_begin();
    *nb_insns = gen_clear_page_body(W(0));
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    return code;
}

Test(st_merge, clear_page_is_two_xmm_stores)
{
    int nb_insns, xmm, narrow;
    const uint8_t *code = gen_clear_page(&nb_insns);

    count_stores(code, tcg_ctx->insn_end_off[nb_insns - 1], &xmm, &narrow);
    cr_assert_eq(xmm, 2, "%d xmm stores", xmm);
    cr_assert_eq(narrow, 0, "%d narrow stores left in the body", narrow);

    memset(ram, 0xee, sizeof(ram));
    harness_clear_env();
    E->g32[0] = PAGE_A + 0x100;
    harness_exec(code);
    cr_assert_eq(nb_slow, 0);
    cr_assert_eq(E->g32[0], PAGE_A + 0x120);
    for (int i = 0; i < 0x40; i++) {
        uint8_t want = i >= 0x10 && i < 0x30 ? 0 : 0xee;
        cr_assert_eq(ram[0][0xf0 + i], want, "byte %#x", 0xf0 + i);
    }
}

/*
 * The shared check fails: every store must be done on its own, in order, and each
 * one that reaches the helper must pass a return address in its own guest insn
 * (the clear_page body's insn 4 is the addiu). Cases: the span across two RAM
 * pages (each store's own TLB entry hits: no helper), across RAM and MMIO (the
 * four in MMIO reach the device, one by one, as 4-byte stores), a page holding
 * code (all eight go slow, so the engine can invalidate the code), and the second
 * half on an unmapped page (where a guest would fault at the first of them).
 */
Test(st_merge, failed_check_stores_one_by_one_with_their_own_insn)
{
    static const struct {
        uint32_t base;
        unsigned nb_slow, first_slow;   /* helper calls, the first one's store */
    } cases[] = {
        { PAGE_A + 0xff0, 0, 0 },
        { PAGE_B + 0xff0, 4, 4 },       /* B, then IO */
        { PAGE_CODE + 0x40, 8, 0 },
        { PAGE_C + 0xff0, 4, 4 },       /* C, then unmapped */
        { PAGE_IO + 0x80, 8, 0 },
    };
    int nb_insns;
    const uint8_t *code = gen_clear_page(&nb_insns);

    for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
        uint32_t base = cases[k].base;

        memset(ram, 0xee, sizeof(ram));
        harness_clear_env();
        E->g32[0] = base;
        nb_slow = 0;
        harness_exec(code);
        cr_assert_eq(nb_slow, cases[k].nb_slow, "base %#x: %u slow stores", base, nb_slow);
        for (unsigned i = 0; i < nb_slow; i++) {
            unsigned store = cases[k].first_slow + i;
            int want_insn = store < 4 ? (int)store : (int)store + 1;
            cr_assert_eq(slow[i].addr, base + 4 * store, "base %#x: slow store %u at %#x",
                         base, i, slow[i].addr);
            cr_assert_eq(slow[i].size, 4);
            cr_assert_eq(slow[i].val, 0);
            cr_assert_eq(insn_of(code, nb_insns, slow[i].ra), want_insn,
                         "base %#x: store %u's return address is in insn %d", base, store,
                         insn_of(code, nb_insns, slow[i].ra));
        }
        /* The bytes in RAM are stored; those around the run are not. */
        for (int j = -4; j < 36; j++) {
            uint8_t *p = ram_byte(base + j);
            if (p) {
                cr_assert_eq(*p, j >= 0 && j < 32 ? 0 : 0xee, "base %#x: byte %d", base, j);
            }
        }
    }
}

/* Constants other than zero: an 8-byte piece that does not fit an imm32 goes
 * through a register, the tail as narrower immediates; every byte lands. */
Test(st_merge, nonzero_constants_land_exactly)
{
    static const uint32_t vals[] = { 0x89abcdefu, 0x01234567u, 0x7f, 0x80, 0xfffe };
    static const MemOp mops[] = { MO_LEUL, MO_BEUL, MO_UB, MO_UB, MO_LEUW };
    static const int32_t offs[] = { 0, 4, 8, 9, 10 };
    uint8_t want[12];
    int insn = 0;

    harness_select(x86());
    harness_reset_code();
    harness_begin();
    for (int i = 0; i < 5; i++) {
        insn_st(&insn, W(0), offs[i], vals[i], mops[i]);
    }
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    cr_assert_eq(tcg_ctx->nb_st_wide, 1);
    for (int i = 0; i < 5; i++) {
        for (unsigned b = 0; b < memop_size(mops[i]); b++) {
            want[offs[i] + b] = harness_store_byte(vals[i], mops[i], b);
        }
    }
    for (uint32_t base = PAGE_A + 0x200; base < PAGE_A + 0x208; base++) {
        memset(ram, 0xee, sizeof(ram));
        harness_clear_env();
        E->g32[0] = base;
        nb_slow = 0;
        harness_exec(code);
        cr_assert_eq(nb_slow, 0);
        cr_assert(memcmp(&ram[0][base - PAGE_A], want, sizeof(want)) == 0,
                  "base %#x: bytes differ", base);
        cr_assert_eq(ram[0][base - PAGE_A - 1], 0xee);
        cr_assert_eq(ram[0][base - PAGE_A + sizeof(want)], 0xee);
    }
}
