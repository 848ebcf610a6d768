/*
 * target-mips/translate.c: the shape of the TBs the MIPS front end asks for. A
 * region TB (docs/engine.md, "Regions") reaches past the delay slot of the last
 * branch back to its first 64 bytes, looking up to MIPS_REGION_BYTES (256) ahead
 * within the page: the XZ decompressor's literal loop, 196 bytes from its head to
 * its second back edge, is one TB. The results of such loops are checked by the
 * guest test tests/guest/mips/test-region.c.
 */
#include "mips-test-cpu.h"
#include "exec/translation-block.h"
#include "../../accel/tcg/internal.h"

#define RAM_BASE   0x00000000u
#define RAM_SIZE   0x00010000u
#define KSEG0      0x80000000u

static MemoryRegion ram;
static CPUMIPSState *env;

static void setup(void)
{
    GError *err = NULL;

    env = mips_test_cpu("24Kf");
    cr_assert(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
}

TestSuite(mips_translate, .init = setup);

/* Encodings (MIPS32 Vol. II). */
static uint32_t enc_b(uint32_t pc, uint32_t target)          /* beq $0, $0 */
{
    return (4u << 26) | (((target - pc - 4) >> 2) & 0xffff);
}

static uint32_t enc_bnez(int rs, uint32_t pc, uint32_t target)
{
    return (5u << 26) | ((uint32_t)rs << 21) | (((target - pc - 4) >> 2) & 0xffff);
}

static uint32_t enc_addiu(int rt, int rs, int16_t imm)
{
    return (9u << 26) | ((uint32_t)rs << 21) | ((uint32_t)rt << 16) | (uint16_t)imm;
}

/*
 * At kseg0 address pc: addius up to head (pc + 0x10), a first back edge (bnez a0,
 * head) at pc + 0x60, more addius, and a second back edge (b head + 8) at
 * pc + last, each with an addiu in its delay slot. Returns the TB translated at pc.
 */
static TranslationBlock *loop_tb(uint32_t pc, uint32_t last)
{
    uint32_t words[128];
    uint32_t n = (last + 8) / 4, head = pc + 0x10;
    uint32_t flags, cs_base;
    vaddr tpc;

    cr_assert(n <= 128);
    for (uint32_t i = 0; i < n; i++) {
        words[i] = enc_addiu(2, 2, (int16_t)i);
    }
    words[0x60 / 4] = enc_bnez(4, pc + 0x60, head);
    words[0x64 / 4] = enc_addiu(4, 4, -1);
    words[last / 4] = enc_b(pc + last, head + 8);
    cr_assert(address_space_write_rom(&address_space_memory, pc - KSEG0, words,
                                      n * 4) == MEMTX_OK);
    env->pc = pc;
    env->cs.cc->get_tb_cpu_state(&env->cs, &tpc, &cs_base, &flags);
    cr_assert_eq(tpc, pc);
    return tb_gen_code(&env->cs, pc, cs_base, flags, 0);
}

Test(mips_translate, region_reaches_a_back_edge_past_192_bytes)
{
    /* Second back edge at +0xc0, its slot at +0xc4: the TB covers 200 bytes (the
     * generic 192-byte window would stop after the first back edge's slot). */
    TranslationBlock *tb = loop_tb(KSEG0 + 0x1000, 0xc0);
    cr_assert_not_null(tb);
    cr_assert_eq(tb->size, 0xc8, "TB covers %#x bytes", tb->size);
}

Test(mips_translate, region_stops_at_256_bytes)
{
    /* A back edge whose slot ends past +0x100 is out of reach: the region ends after
     * the first back edge's slot. */
    TranslationBlock *tb = loop_tb(KSEG0 + 0x2000, 0xfc);
    cr_assert_not_null(tb);
    cr_assert_eq(tb->size, 0x68, "TB covers %#x bytes", tb->size);
    tb = loop_tb(KSEG0 + 0x3000, 0xf8);
    cr_assert_eq(tb->size, 0x100, "the last one in reach: TB covers %#x bytes", tb->size);
}

Test(mips_translate, region_stays_in_its_page)
{
    /* From 0xc0 before the page's end, the second back edge (+0xc0, slot +0xc4) lies
     * on the next page: the region ends after the first back edge's slot. */
    TranslationBlock *tb = loop_tb(KSEG0 + 0x4f40, 0xc0);
    cr_assert_not_null(tb);
    cr_assert_eq(tb->size, 0x68, "TB covers %#x bytes", tb->size);
}
