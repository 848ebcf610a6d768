/*
 * The x86-64 host backend's softmmu fast path (tcg/x86_64/ldst.c), generated code
 * run natively against a local TLB with RAM, MMIO and code (NOTDIRTY) pages: loads
 * and stores of every size, sign and endianness, the slow path keeping live values,
 * alignment and page crossings, and the same without MOVBE.
 */
#include <criterion/criterion.h>
#include <capstone/capstone.h>
#include "tcg-harness.h"
#include "exec/cputlb.h"
#include "../../tcg/x86_64/x86-internal.h"

#define E harness_env
#define W(i) harness_g32[i]
#define Q(i) harness_g64[i]

static void x86_setup(void)
{
    harness_init();
    harness_select(&tcg_backend_x86_64);
}

/* ------------------------------------------------------------------------- */
/* Softmmu fast path against a local TLB                                      */

#define TEST_MMU 2
#define RAM_PAGE 0x5000u
#define MMIO_PAGE 0x6000u
#define RAM2_PAGE 0x7000u       /* RAM page right after the MMIO one: crossing tests */

static CPUTLBEntry test_tlb[256];
static uint8_t test_ram[2][TARGET_PAGE_SIZE];
static unsigned slow_loads, slow_stores;
static uint32_t last_addr, last_oi;
static uintptr_t last_ra;
static uint64_t mmio_value, last_store;

/* What env held when the load helper was called (the slow path must have written
 * every dirty global back by then: the access could fault). */
static uint32_t snap_g32[HARNESS_NG32];
static uint64_t snap_g64[HARNESS_NG64];

static uint64_t test_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    MemOp mop = get_memop(oi);
    uint8_t b[8];
    uint64_t v;

    cr_assert_eq((void *)cpu, (void *)harness_env);
    memcpy(snap_g32, harness_env->g32, sizeof(snap_g32));
    memcpy(snap_g64, harness_env->g64, sizeof(snap_g64));
    slow_loads++;
    last_addr = addr;
    last_oi = oi;
    last_ra = ra;
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint32_t a = addr + i;
        if ((a & TARGET_PAGE_MASK) == MMIO_PAGE) {
            b[i] = mmio_value >> (8 * (a & 7));
        } else {
            b[i] = test_ram[(a & TARGET_PAGE_MASK) == RAM2_PAGE][a & ~TARGET_PAGE_MASK];
        }
    }
    v = harness_load_value(b, mop);
    /* Clobber every caller-saved register the way a real C helper may. */
    __asm__ volatile("" ::: "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
                     "memory");
    return v;
}

static void test_st_mmu(CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                        uintptr_t ra)
{
    MemOp mop = get_memop(oi);

    slow_stores++;
    last_addr = addr;
    last_oi = oi;
    last_ra = ra;
    last_store = val;
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint32_t a = addr + i;
        if ((a & TARGET_PAGE_MASK) != MMIO_PAGE) {
            test_ram[(a & TARGET_PAGE_MASK) == RAM2_PAGE][a & ~TARGET_PAGE_MASK] =
                harness_store_byte(val, mop, i);
        }
    }
}

static void tlb_setup(void)
{
    x86_setup();
    memset(test_tlb, 0xff, sizeof(test_tlb));
    for (unsigned i = 0; i < 256; i++) {
        test_tlb[i].addr_read = test_tlb[i].addr_write = TLB_INVALID_MASK;
    }
    CPUTLBEntry *e = &test_tlb[(RAM_PAGE >> TARGET_PAGE_BITS) & 255];
    e->addr_read = e->addr_write = RAM_PAGE;
    e->addend = (uintptr_t)test_ram[0] - RAM_PAGE;
    e = &test_tlb[(MMIO_PAGE >> TARGET_PAGE_BITS) & 255];
    e->addr_read = e->addr_write = MMIO_PAGE | TLB_MMIO;
    e->addend = 0;
    e = &test_tlb[(RAM2_PAGE >> TARGET_PAGE_BITS) & 255];
    e->addr_read = RAM2_PAGE;
    e->addr_write = RAM2_PAGE | TLB_NOTDIRTY;   /* code page: stores go slow */
    e->addend = (uintptr_t)test_ram[1] - RAM2_PAGE;
    harness_env->cpu.tlb_fast[TEST_MMU].mask = 255 << CPU_TLB_ENTRY_BITS;
    harness_env->cpu.tlb_fast[TEST_MMU].table = test_tlb;
    x86_ld_helper = test_ld_mmu;
    x86_st_helper = test_st_mmu;
    slow_loads = slow_stores = 0;
}

TestSuite(x86_softmmu, .init = tlb_setup);

static const MemOp ld_ops[] = {
    MO_UB, MO_SB, MO_LEUW, MO_LESW, MO_LEUL, MO_LESL, MO_LEUQ,
    MO_BEUW, MO_BESW, MO_BEUL, MO_BESL, MO_BEUQ,
};

static uint64_t ref_load(const uint8_t *p, MemOp mop)
{
    unsigned size = memop_size(mop);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        if (mop & MO_BSWAP) {
            v = (v << 8) | p[i];
        } else {
            v |= (uint64_t)p[i] << (8 * i);
        }
    }
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

/* Loads of every size, sign and endianness hit RAM inline, with no helper call. */
static void check_ram_loads(void)
{
    for (unsigned i = 0; i < TARGET_PAGE_SIZE; i++) {
        test_ram[0][i] = (uint8_t)(i * 37 + 0x81);
    }
    for (size_t k = 0; k < ARRAY_SIZE(ld_ops); k++) {
        MemOp mop = ld_ops[k];
        harness_reset_code();
        harness_begin();
        tcg_gen_qemu_ld_i64(Q(1), W(0), TEST_MMU, mop);
        if ((mop & MO_SIZE) != MO_64) {
            tcg_gen_qemu_ld_i32(W(1), W(0), TEST_MMU, mop);
        }
        tcg_gen_exit_tb(NULL, 0);
        const void *code = harness_gen(HARNESS_FULL);
        for (uint32_t off = 0; off + 8 <= TARGET_PAGE_SIZE; off += 509) {
            harness_clear_env();
            E->g32[0] = RAM_PAGE + off;
            harness_exec(code);
            uint64_t want = ref_load(&test_ram[0][off], mop);
            cr_assert_eq(E->g64[1], want, "mop %x off %u", mop, off);
            if ((mop & MO_SIZE) != MO_64) {
                cr_assert_eq(E->g32[1], (uint32_t)want, "mop %x off %u (i32)", mop, off);
            }
        }
    }
    cr_assert_eq(slow_loads, 0, "RAM loads took the slow path");
}

Test(x86_softmmu, ram_loads_fast_path)
{
    check_ram_loads();
}

/* With BMI2 a plain access indexes the TLB with one rorx (no mov; shr pair). */
Test(x86_softmmu, tlb_index_with_rorx)
{
    csh h;
    cs_insn *insn;
    bool rorx = false, shr = false;

    if (!x86_have_bmi2) {
        cr_skip_test("host without BMI2");
    }
    harness_reset_code();
    harness_begin();
    tcg_gen_qemu_ld_i32(W(1), W(0), TEST_MMU, MO_LEUL);
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert(code);
    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &h) == CS_ERR_OK);
    size_t n = cs_disasm(h, code, harness_tb.tc.size, (uintptr_t)code, 0, &insn);
    for (size_t i = 0; i < n && insn[i].id != X86_INS_JNE; i++) {
        rorx |= insn[i].id == X86_INS_RORX;
        shr |= insn[i].id == X86_INS_SHR;
    }
    cs_free(insn, n);
    cs_close(&h);
    cr_assert(rorx, "no rorx before the miss branch");
    cr_assert_not(shr, "shr left before the miss branch");
    /* And it indexes the right entry: the load is served by the fast path. */
    check_ram_loads();
}

static void check_ram_stores(void)
{
    static const MemOp st_ops[] = { MO_8, MO_LEUW, MO_LEUL, MO_LEUQ, MO_BEUW, MO_BEUL,
                                    MO_BEUQ };
    const uint64_t v = 0x8877665544332211ull;

    for (size_t k = 0; k < ARRAY_SIZE(st_ops); k++) {
        MemOp mop = st_ops[k];
        unsigned size = memop_size(mop);
        for (int imm = 0; imm < 2; imm++) {
            for (int page = 0; page < 2; page++) {
                uint32_t base = page ? RAM2_PAGE : RAM_PAGE;
                memset(test_ram, 0, sizeof(test_ram));
                slow_stores = 0;
                harness_reset_code();
                harness_begin();
                tcg_gen_qemu_st_i64(imm ? tcg_constant_i64(v) : Q(1), W(0), TEST_MMU, mop);
                tcg_gen_addi_i32(W(0), W(0), 64);
                if (size < 8) {
                    tcg_gen_qemu_st_i32(imm ? tcg_constant_i32((int32_t)(uint32_t)v) : W(1), W(0), TEST_MMU,
                                        mop);
                }
                tcg_gen_exit_tb(NULL, 0);
                harness_clear_env();
                E->g32[0] = base + 100;
                E->g64[1] = v;
                E->g32[1] = (uint32_t)v;
                harness_run(HARNESS_NO_OPT);
                uint8_t want[8];
                for (unsigned i = 0; i < size; i++) {
                    want[i] = (mop & MO_BSWAP) ? v >> (8 * (size - 1 - i)) : v >> (8 * i);
                }
                cr_assert_arr_eq(&test_ram[page][100], want, size, "mop %x imm %d", mop, imm);
                if (size < 8) {
                    cr_assert_arr_eq(&test_ram[page][164], want, size);
                }
                cr_assert_eq(slow_stores, page ? (size < 8 ? 2 : 1) : 0);
            }
        }
    }
}

Test(x86_softmmu, ram_stores_fast_path_and_notdirty_slow_path)
{
    check_ram_stores();
}

/* Every global dirty (in a register or as a constant) at an access that takes the
 * slow path: env holds all of them when the helper runs, though the TB overwrites
 * them all after the access (so liveness asks for no write-back of its own). */
Test(x86_softmmu, slow_path_writes_back_every_dirty_global)
{
    harness_reset_code();
    harness_begin();
    for (int i = 1; i < HARNESS_NG32; i++) {
        tcg_gen_addi_i32(W(i), W(i), 0x10 * i);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        if (i & 1) {
            tcg_gen_movi_i64(Q(i), 0x300 + i);
        } else {
            tcg_gen_addi_i64(Q(i), Q(i), 0x400);
        }
    }
    tcg_gen_insn_start(0x40, 0);
    tcg_gen_qemu_ld_i32(W(0), W(0), TEST_MMU, MO_LEUL);
    for (int i = 1; i < HARNESS_NG32; i++) {
        tcg_gen_movi_i32(W(i), 0);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        tcg_gen_movi_i64(Q(i), 0);
    }
    tcg_gen_exit_tb(NULL, 0);
    /* As in the emulator's own context with this backend (the harness's was set
     * up for the interpreter): liveness leaves the write-backs to the slow path. */
    tcg_ctx->backend_syncs_ldst = true;
    const uint8_t *code = harness_gen(HARNESS_FULL);
    tcg_ctx->backend_syncs_ldst = false;
    harness_clear_env();
    E->g32[0] = MMIO_PAGE + 8;
    for (int i = 1; i < HARNESS_NG32; i++) {
        E->g32[i] = 1000 * i;
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        E->g64[i] = 5000 + i;
    }
    harness_exec(code);
    cr_assert_eq(slow_loads, 1);
    cr_assert_eq(snap_g32[0], MMIO_PAGE + 8);
    for (int i = 1; i < HARNESS_NG32; i++) {
        cr_assert_eq(snap_g32[i], 1000 * i + 0x10 * i, "w%d stale in env at the helper", i);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        uint64_t want = (i & 1) ? 0x300 + i : 5000 + i + 0x400;
        cr_assert_eq(snap_g64[i], want, "q%d stale in env at the helper", i);
    }
}

/* MMIO pages go through the helper with the right address, MemOpIdx and a return
 * address inside the TB; live values in caller-saved registers survive the call. */
Test(x86_softmmu, mmio_slow_path_preserves_live_values)
{
    mmio_value = 0xf1e2d3c4b5a69788ull;
    harness_reset_code();
    harness_begin();
    TCGv_i64 t[12];
    for (int i = 0; i < 12; i++) {
        t[i] = tcg_temp_new_i64();
        tcg_gen_addi_i64(t[i], Q(0), i * 0x1111);
    }
    tcg_gen_insn_start(0x40, 0);
    tcg_gen_addi_i32(W(2), W(0), 3);
    tcg_gen_insn_start(0x44, 0);
    tcg_gen_qemu_ld_i32(W(1), W(0), TEST_MMU, MO_BESW);
    tcg_gen_qemu_ld_i64(Q(2), W(0), TEST_MMU, MO_LEUQ);
    tcg_gen_insn_start(0x48, 0);
    tcg_gen_movi_i64(Q(1), 0);
    for (int i = 0; i < 12; i++) {
        tcg_gen_add_i64(Q(1), Q(1), t[i]);
        tcg_gen_shli_i64(Q(1), Q(1), 1);
    }
    tcg_gen_add_i32(W(3), W(2), W(0));
    tcg_gen_exit_tb(NULL, 0);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    harness_clear_env();
    E->g64[0] = 0x10000;
    E->g32[0] = MMIO_PAGE + 8;
    harness_exec(code);

    cr_assert_eq(slow_loads, 2);
    cr_assert_eq(E->g32[1], (uint32_t)(int32_t)(int16_t)__builtin_bswap16(mmio_value));
    cr_assert_eq(E->g64[2], mmio_value);
    uint64_t sum = 0;
    for (int i = 0; i < 12; i++) {
        sum = (sum + 0x10000 + i * 0x1111) << 1;
    }
    cr_assert_eq(E->g64[1], sum);
    cr_assert_eq(E->g32[3], MMIO_PAGE + 8 + 3 + MMIO_PAGE + 8);
    cr_assert_eq(last_addr, MMIO_PAGE + 8);
    cr_assert_eq(last_oi, make_memop_idx(MO_LEUQ, TEST_MMU));
    /* The return address maps to the guest insn that made the access. */
    TCGContext *s = tcg_ctx;
    uintptr_t off = last_ra - (uintptr_t)code;
    cr_assert_gt(off, s->insn_end_off[0]);
    cr_assert_leq(off, s->insn_end_off[1]);
}

Test(x86_softmmu, alignment_and_page_crossing)
{
    memset(test_ram, 0x5a, sizeof(test_ram));
    struct {
        uint32_t addr;
        MemOp mop;
        bool slow;
    } cases[] = {
        { RAM_PAGE + 1, MO_LEUL, false },                   /* unaligned, within page */
        { RAM_PAGE + 1, MO_LEUL | MO_ALIGN, true },         /* misaligned */
        { RAM_PAGE + 4, MO_LEUL | MO_ALIGN, false },
        { RAM_PAGE + 0xffe, MO_LEUL, true },                /* crosses into the MMIO page */
        { RAM_PAGE + 0xffc, MO_LEUL, false },               /* last word of the page */
        { RAM_PAGE + 0xfff, MO_UB, false },
        { RAM_PAGE + 0xff9, MO_LEUQ, true },
        { RAM_PAGE + 0xff8, MO_BEUQ | MO_ALIGN, false },
        { 0x9000, MO_UB, true },                            /* no mapping */
    };
    for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
        harness_reset_code();
        harness_begin();
        tcg_gen_qemu_ld_i64(Q(1), W(0), TEST_MMU, cases[k].mop);
        tcg_gen_exit_tb(NULL, 0);
        slow_loads = 0;
        harness_clear_env();
        E->g32[0] = cases[k].addr;
        harness_run(HARNESS_FULL);
        cr_assert_eq(slow_loads, cases[k].slow, "case %zu", k);
    }
}

/* Loads and stores when the host lacks MOVBE and BMI2 (byte swaps around plain
 * moves; the TLB index with mov and shr). */
static void nomovbe_setup(void)
{
    tlb_setup();
    x86_have_lzcnt = x86_have_bmi1 = x86_have_bmi2 = false;
    x86_have_popcnt = x86_have_movbe = false;
}

Test(x86_softmmu, big_endian_access_without_movbe, .init = nomovbe_setup)
{
    check_ram_loads();
    check_ram_stores();
}
