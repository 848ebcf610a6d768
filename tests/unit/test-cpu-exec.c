/*
 * The execution engine end to end, on both backends, with the toy target: chaining
 * keeps hot loops in generated code, goto_ptr follows indirect jumps, self-modifying
 * code runs the new instructions, exceptions restore the exact guest state, exit
 * requests stop a running loop, and guest loads/stores of every size and endianness go
 * through the softmmu fast and slow paths, MMIO and page crossings.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <unistd.h>
#include "toy-target.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "tcg/tcg.h"
#include "../../accel/tcg/internal.h"

#define RAM_SIZE (64 * 1024)

static ToyState *env;
static MemoryRegion ram, mmio;
static uint64_t mmio_regs[512];
static unsigned mmio_reads, mmio_writes;

static uint64_t mmio_read(void *opaque, hwaddr off, unsigned size)
{
    mmio_reads++;
    uint64_t v = 0;
    memcpy(&v, (uint8_t *)mmio_regs + off, size);
    return v;
}

static void mmio_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    mmio_writes++;
    memcpy((uint8_t *)mmio_regs + off, &val, size);
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static void setup(bool interp)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 16, .use_interp = interp };
    cr_assert(tcg_exec_init(&cfg, &err), "tcg_exec_init: %s", err ? err->message : "");
    cr_assert(memory_region_init_ram(&ram, "toy.ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_init_io(&mmio, &mmio_ops, NULL, "toy.mmio", TARGET_PAGE_SIZE);
    memory_region_add_subregion(get_system_memory(), TOY_MMIO_BASE, &mmio);
    env = (ToyState *)cpu_create(&toy_cpu_class, &address_space_memory);
    cr_assert(env);
    env->ram_limit = RAM_SIZE;
}

static void load_program(uint32_t addr, const uint32_t *words, size_t n)
{
    cr_assert(address_space_write_rom(&address_space_memory, addr, words,
                                      n * 4) == MEMTX_OK);
}

/* Run until HALT (EXCP_DEBUG), servicing nothing else. */
static int run_to_halt(void)
{
    for (int i = 0; i < 1000; i++) {
        int r = cpu_exec(&env->cs);
        if (r == EXCP_DEBUG) {
            return r;
        }
        cr_assert(r == EXCP_INTERRUPT, "unexpected cpu_exec result %#x", r);
    }
    cr_assert_fail("guest did not halt");
    return -1;
}

/* Every case runs on the x86-64 backend and on the IR interpreter. */
#define TEST_BOTH_BACKENDS(name)                                  \
    static void case_##name(bool interp);                         \
    Test(cpu_exec_x86_64, name) { case_##name(false); }           \
    Test(cpu_exec_interp, name) { case_##name(true); }            \
    static void case_##name(bool interp)

/* A hot loop must stay in generated code: returns to the loop are a small fraction
 * of the iterations. */
TEST_BOTH_BACKENDS(chaining)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 1, 0, 0x0001),      /* r1 = 0x10000 iterations */
        toy_rri(TOY_ADDI, 2, 0, 3),          /* loop: r2 += 3 */
        toy_rri(TOY_ADDI, 1, 0, -1),         /*       r1-- */
        toy_rri(TOY_BNEZ, 1, 0, -3),         /*       if r1 goto loop */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    uint64_t lookups0 = jit_stats.tb_lookups;
    run_to_halt();
    cr_assert_eq(env->r[1], 0);
    cr_assert_eq(env->r[2], 3u * 0x10000);
    uint64_t lookups = jit_stats.tb_lookups - lookups0;
    cr_assert_lt(lookups, 0x10000 / 100, "%" PRIu64 " loop returns for 65536 iterations",
                 lookups);
    cr_assert_gt(jit_stats.chained, 0);
}

/* The permissions and file name of the mapping holding addr, from /proc/self/maps. */
static bool map_of(uintptr_t addr, char perms[5], char *name, size_t name_size)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    bool found = false;

    cr_assert_not_null(f);
    while (!found && fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        int pos = 0;
        if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %n", &lo, &hi, perms, &pos) < 3) {
            continue;
        }
        if (addr >= lo && addr < hi) {
            found = true;
            snprintf(name, name_size, "%s", line + pos);
            name[strcspn(name, "\n")] = 0;
        }
    }
    fclose(f);
    return found;
}

/* A loop of 0x10000 iterations (its TB chained to itself) adding 3 each time. */
static void run_chained_loop(void)
{
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 1, 0, 0x0001),
        toy_rri(TOY_ADDI, 2, 0, 3),
        toy_rri(TOY_ADDI, 1, 0, -1),
        toy_rri(TOY_BNEZ, 1, 0, -3),
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    run_to_halt();
    cr_assert_eq(env->r[2], 3u * 0x10000);
}

/* W^X: the code buffer runs from a view that cannot be written and is written (TBs,
 * chained jumps) through one that cannot be executed; both show the same bytes. */
TEST_BOTH_BACKENDS(code_views_wx)
{
    setup(interp);
    run_chained_loop();
    cr_assert_gt(jit_stats.chained, 0, "the loop was chained (patched through rw)");

    TranslationBlock *tb = tb_htable_lookup(&env->cs, 4, 4, 0, 0, 0);
    cr_assert_not_null(tb, "the loop's TB is in the hash table");
    uintptr_t rx = (uintptr_t)tb->tc.ptr;
    uintptr_t rw = (uintptr_t)tcg_splitwx_to_rw(tcg_ctx, tb->tc.ptr);
    cr_assert_neq(rx, rw, "one view only: memfd_create is available on Linux");

    char perms[5], name[256];
    cr_assert(map_of(rx, perms, name, sizeof(name)));
    cr_assert_eq(perms[0], 'r');
    cr_assert_eq(perms[1], '-', "executable view is writable: %s", perms);
    cr_assert_eq(perms[2], 'x', "executable view is not executable: %s", perms);
    cr_assert(strstr(name, "mimic-jit"), "rx view maps %s", name);
    cr_assert(map_of(rw, perms, name, sizeof(name)));
    cr_assert_eq(perms[1], 'w', "writable view is not writable: %s", perms);
    cr_assert_eq(perms[2], '-', "writable view is executable: %s", perms);
    cr_assert(strstr(name, "mimic-jit"), "rw view maps %s", name);
    /* The TB header is written through rw and lies just before its code. */
    cr_assert_lt((uintptr_t)tb, rw);
    cr_assert(map_of((uintptr_t)tb, perms, name, sizeof(name)));
    cr_assert_eq(perms[1], 'w');
    cr_assert_eq(memcmp((const void *)rx, (const void *)rw, tb->tc.size), 0);
    cr_assert(map_of((uintptr_t)tcg_code_gen_epilogue, perms, name, sizeof(name)));
    cr_assert_eq(perms[2], 'x', "the epilogue is addressed in the executable view");
}

/* Indirect jumps go TB to TB through the jump cache (goto_ptr). */
TEST_BOTH_BACKENDS(goto_ptr)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 1, 0, -1),        /* 0x20 loop: r1-- */
        toy_rri(TOY_BNEZ, 1, 0, 1),         /*   if r1 goto jump */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_JR, 3, 0, 0),           /*   jump: pc = r3 */
    };
    load_program(0x20, prog, ARRAY_SIZE(prog));
    env->r[1] = 1000;
    env->r[3] = 0x20;
    env->pc = 0x20;
    run_to_halt();
    cr_assert_eq(env->r[1], 0);
    cr_assert_gt(jit_stats.goto_ptr_hits, 900, "goto_ptr hits %" PRIu64,
                 jit_stats.goto_ptr_hits);
}

/*
 * Indirect jumps through the inline jump-cache probe: they stay in generated code,
 * and the probe tells TBs of the same pc apart by their flags (the subroutine is
 * translated once per mode, and each call must run the translation of its mode).
 */
TEST_BOTH_BACKENDS(goto_ptr_inline)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ORI, 1, 0, 0x100),      /* 0x00 r1 = sub */
        toy_rri(TOY_ORI, 3, 0, 1000),       /* 0x04 r3 = iterations */
        toy_rri(TOY_LUI, 6, 0, 0),          /* 0x08 loop: */
        toy_rri(TOY_ORI, 6, 0, 0x1c),
        toy_rri(TOY_MODE, 0, 0, 1),         /* 0x10 */
        toy_rri(TOY_JRP, 1, 0, 0),          /* 0x14 sub in mode 1, back to 0x1c */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_LUI, 6, 0, 0),          /* 0x1c */
        toy_rri(TOY_ORI, 6, 0, 0x30),
        toy_rri(TOY_MODE, 0, 0, 2),         /* 0x24 */
        toy_rri(TOY_JRP, 1, 0, 0),          /* 0x28 sub in mode 2, back to 0x30 */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_ADDI, 3, 0, -1),        /* 0x30 */
        toy_rri(TOY_BNEZ, 3, 0, -12),       /* 0x34 to 0x08 */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    const uint32_t sub[] = {
        toy_rri(TOY_ADDM, 2, 0, 0),         /* r2 += mode */
        toy_rri(TOY_JRP, 6, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x100, sub, ARRAY_SIZE(sub));
    uint64_t lookups0 = jit_stats.tb_lookups;
    run_to_halt();
    cr_assert_eq(env->r[3], 0);
    cr_assert_eq(env->r[2], 1000u * (1 + 2), "r2 = %u: a TB ran in the wrong mode",
                 env->r[2]);
    uint64_t lookups = jit_stats.tb_lookups - lookups0;
    /* 6000 indirect jumps and mode switches. The two translations of sub share a
     * slot (the cache is indexed by pc), so every call of sub misses; everything
     * else must hit. */
    cr_assert_lt(lookups, 2 * 1000 + 20, "%" PRIu64 " returns to the loop", lookups);
}

/* Code reached through the inline probe, rewritten, reached again: the probe must
 * not find the stale TB (invalidation empties its jump-cache slot). */
TEST_BOTH_BACKENDS(goto_ptr_inline_smc)
{
    setup(interp);
    uint32_t new_insn = toy_rri(TOY_ADDI, 4, 0, 10);
    const uint32_t prog[] = {
        toy_rri(TOY_ORI, 3, 0, 0x800),          /* r3 = sub */
        toy_rri(TOY_ORI, 6, 0, 0x10),           /* r6 = return address */
        toy_rri(TOY_ORI, 5, 0, 50),             /* r5 = calls before the patch */
        toy_rri(TOY_JRP, 3, 0, 0),              /* 0x0c call sub */
        toy_rri(TOY_ADDI, 5, 0, -1),            /* 0x10 */
        toy_rri(TOY_BNEZ, 5, 0, -3),            /* to 0x0c */
        toy_rri(TOY_BNEZ, 1, 0, 7),             /* 0x18 second round: to done */
        toy_rri(TOY_LUI, 2, 0, new_insn >> 16),
        toy_rri(TOY_ORI, 2, 0, new_insn & 0xffff),
        toy_mem(TOY_ST, 2, 3, MO_LEUL, 0),      /* patch sub's first insn */
        toy_rri(TOY_ADDI, 1, 0, 1),
        toy_rri(TOY_ORI, 5, 0, 1),              /* one more call */
        toy_rri(TOY_JRP, 3, 0, 0),              /* 0x30 */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),             /* 0x38 done */
    };
    const uint32_t sub[] = {
        toy_rri(TOY_ADDI, 4, 0, 1),
        toy_rri(TOY_JRP, 6, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x800, sub, ARRAY_SIZE(sub));
    run_to_halt();
    cr_assert_eq(env->pc, 0x38, "halted at %#x", env->pc);
    cr_assert_eq(env->r[4], 50 + 10, "r4 = %u (expected 50 * 1 + 10)", env->r[4]);
}

/* A store that rewrites a later insn of the TB it runs in: the new insn runs. */
static void check_smc_same_tb(void)
{
    uint32_t new_insn = toy_rri(TOY_ADDI, 4, 0, 100);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 2, 0, new_insn >> 16),
        toy_rri(TOY_ORI, 2, 0, new_insn & 0xffff),
        toy_mem(TOY_ST, 2, 0, MO_LEUL, 0x14),   /* rewrite the insn at 0x14 */
        toy_rri(TOY_ADDI, 5, 0, 1),
        toy_rri(TOY_ADDI, 5, 0, 1),
        toy_rri(TOY_ADDI, 4, 0, 1),             /* 0x14: becomes addi r4, 100 */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    run_to_halt();
    cr_assert_eq(env->r[4], 100, "r4 = %u: the stale insn ran", env->r[4]);
    cr_assert_eq(env->r[5], 2);
    cr_assert_gt(jit_stats.invalidations, 0);
}

TEST_BOTH_BACKENDS(smc_same_tb)
{
    setup(interp);
    check_smc_same_tb();
}

/* Code run once, then rewritten by other code, then run again: the new code runs.
 * The subroutine is at sub_addr (below 64K). */
static void check_smc_other_tb(uint32_t sub_addr)
{
    uint32_t new_insn = toy_rri(TOY_ADDI, 4, 0, 10);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 3, 0, 0),
        toy_rri(TOY_ORI, 3, 0, sub_addr),       /* r3 = subroutine address */
        toy_rri(TOY_LUI, 6, 0, 0),
        toy_rri(TOY_ORI, 6, 0, 0x18),           /* r6 = return address */
        toy_rri(TOY_LUI, 1, 0, 0),
        toy_rri(TOY_JR, 3, 0, 0),               /* call sub (r4 += 1) */
        /* 0x18: second time round? */
        toy_rri(TOY_BNEZ, 1, 0, 6),             /* if r1 goto done */
        toy_rri(TOY_LUI, 2, 0, new_insn >> 16),
        toy_rri(TOY_ORI, 2, 0, new_insn & 0xffff),
        toy_mem(TOY_ST, 2, 3, MO_LEUL, 0),      /* patch sub's first insn */
        toy_rri(TOY_ADDI, 1, 0, 1),
        toy_rri(TOY_JR, 3, 0, 0),               /* call sub again */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),             /* 0x34 done */
    };
    const uint32_t sub[] = {
        toy_rri(TOY_ADDI, 4, 0, 1),
        toy_rri(TOY_JR, 6, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(sub_addr, sub, ARRAY_SIZE(sub));
    run_to_halt();
    cr_assert_eq(env->r[4], 11, "r4 = %u (expected 1 + 10)", env->r[4]);
}

TEST_BOTH_BACKENDS(smc_other_tb)
{
    setup(interp);
    check_smc_other_tb(0x800);
}

/*
 * Stores to data on a page that holds code give the page a map of the bytes its TBs
 * cover, so later data stores skip the walk of its TBs. Code translated on the page
 * after that (the subroutine, the return point) must enter the map: the store that
 * patches the subroutine then still finds and invalidates it.
 */
TEST_BOTH_BACKENDS(smc_after_data_stores_on_the_page)
{
    setup(interp);
    uint32_t new_insn = toy_rri(TOY_ADDI, 4, 0, 10);
    const uint32_t prog[] = {
        toy_rri(TOY_ORI, 3, 0, 0x400),          /* r3 = subroutine (same page) */
        toy_rri(TOY_ORI, 6, 0, 0x20),           /* r6 = return address */
        toy_rri(TOY_ORI, 7, 0, 0x800),          /* r7 = data (same page) */
        toy_mem(TOY_ST, 6, 7, MO_LEUL, 0),      /* data stores: the page gets its map */
        toy_mem(TOY_ST, 6, 7, MO_LEUL, 4),
        toy_mem(TOY_ST, 6, 7, MO_LEUL, 8),
        toy_mem(TOY_ST, 6, 7, MO_LEUL, 12),
        toy_rri(TOY_JR, 3, 0, 0),               /* call sub (r4 += 1), translated now */
        /* 0x20: second time round? */
        toy_rri(TOY_BNEZ, 1, 0, 7),             /* if r1 goto done */
        toy_mem(TOY_ST, 6, 7, MO_LEUL, 16),     /* another data store */
        toy_rri(TOY_LUI, 2, 0, new_insn >> 16),
        toy_rri(TOY_ORI, 2, 0, new_insn & 0xffff),
        toy_mem(TOY_ST, 2, 3, MO_LEUL, 0),      /* patch sub's first insn */
        toy_rri(TOY_ADDI, 1, 0, 1),
        toy_rri(TOY_JR, 3, 0, 0),               /* call sub again */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),             /* 0x40 done */
    };
    const uint32_t sub[] = {
        toy_rri(TOY_ADDI, 4, 0, 1),
        toy_rri(TOY_JR, 6, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x400, sub, ARRAY_SIZE(sub));
    uint64_t inval0 = jit_stats.invalidations;
    run_to_halt();
    cr_assert_eq(env->pc, 0x40, "halted at %#x", env->pc);
    cr_assert_eq(env->r[4], 11, "r4 = %u (expected 1 + 10): the stale subroutine ran",
                 env->r[4]);
    cr_assert_geq(jit_stats.invalidations - inval0, 1);
    uint32_t data[5];
    cr_assert(address_space_read(&address_space_memory, 0x800, data, sizeof(data)) ==
              MEMTX_OK);
    for (int i = 0; i < 5; i++) {
        cr_assert_eq(data[i], 0x20);
    }
}

/* Run from pc in mode until HALT. */
static void run_from(uint32_t pc, uint32_t mode)
{
    env->pc = pc;
    env->mode = mode;
    run_to_halt();
}

/*
 * A TB whose code never read an optional flag bit (CPUClass.tb_flags_optional) is
 * found for either value of it, so it is translated once (i386: the kernel's TBs
 * before and after it sets CR4.OSFXSR); a TB that read it is not. And a TB that
 * ignores the bit never chains into one that depends on it: run later with the
 * other value, the jump would land on code translated for the wrong one.
 */
TEST_BOTH_BACKENDS(optional_flag_bits)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 1, 0, 1),         /* 0x00 no ADDM: any TOY_MODE_OPTIONAL */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_ADDM, 2, 0, 0),         /* 0x08 r2 += mode */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_ADDI, 4, 0, 1),         /* 0x10 no ADDM, then a direct branch */
        toy_rri(TOY_BNEZ, 4, 0, 1),         /* 0x14 to 0x1c */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_ADDM, 3, 0, 0),         /* 0x1c r3 += mode */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));

    run_from(0x00, TOY_MODE_OPTIONAL);
    uint64_t tbs = jit_stats.tbs_translated;
    run_from(0x00, 0);
    cr_assert_eq(env->r[1], 2);
    cr_assert_eq(jit_stats.tbs_translated, tbs, "nothing translated for the other mode");
    cr_assert_not_null(tb_htable_lookup(&env->cs, 0, 0, 0, TOY_MODE_OPTIONAL, 0));
    cr_assert_eq(tb_htable_lookup(&env->cs, 0, 0, 0, TOY_MODE_OPTIONAL, 0),
                 tb_htable_lookup(&env->cs, 0, 0, 0, 0, 0), "one TB serves both modes");
    cr_assert_null(tb_htable_lookup(&env->cs, 0, 0, 0, 1, 0),
                   "a bit that is not optional still tells TBs apart");

    run_from(0x08, TOY_MODE_OPTIONAL);
    tbs = jit_stats.tbs_translated;
    run_from(0x08, 0);
    cr_assert_eq(env->r[2], TOY_MODE_OPTIONAL);
    cr_assert_gt(jit_stats.tbs_translated, tbs, "ADDM's TB translated again for mode 0");

    run_from(0x10, TOY_MODE_OPTIONAL);
    run_from(0x10, TOY_MODE_OPTIONAL);     /* chained now, if it may be */
    run_from(0x10, 0);
    cr_assert_eq(env->r[4], 3);
    cr_assert_eq(env->r[3], 2 * TOY_MODE_OPTIONAL, "0x1c ran in mode 0 as translated for %#x",
                 TOY_MODE_OPTIONAL);
}

/*
 * The inline probe compares exact flags. A TB found by the loop for other values of
 * bits it ignores must be keyed in the jump cache with the flags it was found for,
 * or every probe for it misses and each jump goes through the loop (an i386 boot:
 * 4.2 million times, for the TBs translated before FPU init set CR0/CR4 bits).
 */
TEST_BOTH_BACKENDS(probe_takes_tb_found_for_other_optional_bits)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_JRP, 1, 0, 0),          /* 0x08 to r1 = 0x10, by the probe */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_ADDI, 5, 0, -1),        /* 0x10 no ADDM: any TOY_MODE_OPTIONAL */
        toy_rri(TOY_BNEZ, 5, 0, -4),        /* 0x14 back to 0x08 */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));

    /* Translated with the bit set... */
    env->r[1] = 0x10;
    env->r[5] = 3;
    run_from(0x08, TOY_MODE_OPTIONAL);
    uint64_t tbs = jit_stats.tbs_translated, lookups0 = jit_stats.tb_lookups;

    /* ...run with it clear: the same TBs, and the probe takes 0x10 again after the
     * loop's first look-up (without the re-keying: once per iteration). */
    env->r[5] = 1000;
    run_from(0x08, 0);
    cr_assert_eq(env->r[5], 0);
    cr_assert_eq(jit_stats.tbs_translated, tbs, "nothing translated for the other mode");
    cr_assert_lt(jit_stats.tb_lookups - lookups0, 20, "%" PRIu64 " jumps went to the loop",
                 jit_stats.tb_lookups - lookups0);
}

/*
 * -d jitstats' re-translation census: code translated again after a flush (same
 * bytes), after being rewritten (changed bytes), and in another mode (other flags)
 * is counted as such, and nothing is counted without jitstats.
 */
TEST_BOTH_BACKENDS(census_counts_translations_again)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ORI, 1, 0, 0x100),      /* 0x00 r1 = sub */
        toy_rri(TOY_ORI, 6, 0, 0x10),
        toy_rri(TOY_MODE, 0, 0, 1),         /* 0x08 */
        toy_rri(TOY_JR, 1, 0, 0),           /* 0x0c sub in mode 1, back to 0x10 */
        toy_rri(TOY_ORI, 6, 0, 0x30),       /* 0x10 */
        toy_rri(TOY_MODE, 0, 0, 2),         /* 0x14 */
        toy_rri(TOY_JR, 1, 0, 0),           /* 0x18 sub in mode 2, back to 0x30 */
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),
        toy_rri(TOY_HALT, 0, 0, 0),         /* 0x30 */
    };
    const uint32_t sub[] = {
        toy_rri(TOY_ADDM, 2, 0, 0),         /* r2 += mode */
        toy_rri(TOY_JR, 6, 0, 0),
    };
    JITStats before;

    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x100, sub, ARRAY_SIZE(sub));
    /* Without jitstats: nothing counted. */
    run_to_halt();
    cr_assert_eq(env->r[2], 1 + 2);
    cr_assert_eq(jit_stats.retrans_other_flags + jit_stats.retrans_same_code +
                 jit_stats.retrans_new_code, 0);

    mimic_loglevel |= LOG_JITSTATS;
    tb_flush(&env->cs);
    before = jit_stats;
    env->pc = 0;
    env->r[1] = env->r[2] = env->r[6] = 0;
    run_to_halt();          /* first translations again: no history yet */
    cr_assert_eq(env->r[2], 1 + 2);
    cr_assert_eq(jit_stats.retrans_other_flags - before.retrans_other_flags, 1,
                 "sub in mode 2 after mode 1");
    cr_assert_eq(jit_stats.retrans_same_code - before.retrans_same_code, 0);

    tb_flush(&env->cs);
    before = jit_stats;
    env->pc = 0;
    env->r[1] = env->r[2] = env->r[6] = 0;
    run_to_halt();
    cr_assert_eq(env->r[2], 1 + 2);
    cr_assert_geq(jit_stats.retrans_same_code - before.retrans_same_code, 4,
                  "every TB translated again after the flush");
    cr_assert_eq(jit_stats.retrans_new_code - before.retrans_new_code, 0);
    cr_assert_eq(jit_stats.retrans_other_flags - before.retrans_other_flags, 0);

    /* Rewrite sub's first insn (from outside, as a device would): changed code. */
    before = jit_stats;
    uint32_t new_insn = toy_rri(TOY_ADDI, 2, 0, 10);
    cr_assert(address_space_write(&address_space_memory, 0x100, &new_insn, 4) ==
              MEMTX_OK);
    env->pc = 0;
    env->r[1] = env->r[2] = env->r[6] = 0;
    run_to_halt();
    cr_assert_eq(env->r[2], 10 + 10);
    cr_assert_eq(jit_stats.retrans_new_code - before.retrans_new_code, 2,
                 "sub in both modes, rewritten");
    cr_assert_eq(jit_stats.retrans_same_code - before.retrans_same_code, 0);
    mimic_loglevel &= ~LOG_JITSTATS;
}

/* A fault in the middle of a TB: the pc is the faulting insn's, earlier insns'
 * effects are visible and later ones' are not. */
TEST_BOTH_BACKENDS(precise_exception)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 3, 0, 0x4000),         /* r3 = unmapped address */
        toy_rri(TOY_ADDI, 1, 0, 5),
        toy_rri(TOY_ADDI, 2, 0, 9),
        toy_mem(TOY_LD, 7, 3, MO_LEUL, 4),      /* 0x0c: faults */
        toy_rri(TOY_ADDI, 1, 0, 7),
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    const uint32_t handler[] = { toy_rri(TOY_HALT, 0, 0, 0) };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x400, handler, 1);
    env->handler = 0x400;
    env->r[7] = 0xdead;
    run_to_halt();
    cr_assert_eq(env->fault_count, 1);
    cr_assert_eq(env->fault_pc, 0x0c, "fault pc %#x", env->fault_pc);
    cr_assert_eq(env->fault_addr, 0x40000004);
    cr_assert_eq(env->r[1], 5);
    cr_assert_eq(env->r[2], 9);
    cr_assert_eq(env->r[7], 0xdead, "the faulting load must not write its register");
    cr_assert_eq(env->pc, 0x400);
}

/* The same load faulting again and again (as a guest TLB refill does): every fault
 * restores the state of that insn, also when the restore is remembered. */
TEST_BOTH_BACKENDS(precise_exception_repeated)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 3, 0, 0x4000),         /* r3 = unmapped address */
        toy_rri(TOY_ORI, 5, 0, 20),             /* r5 = faults to take */
        toy_rri(TOY_ADDI, 1, 0, 1),             /* 0x08 */
        toy_mem(TOY_LD, 7, 3, MO_LEUL, 4),      /* 0x0c: faults */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    const uint32_t handler[] = {
        toy_rri(TOY_ADDI, 5, 0, -1),            /* 0x400 */
        toy_rri(TOY_BNEZ, 5, 0, (0x08 - 0x408) / 4),
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x400, handler, ARRAY_SIZE(handler));
    env->handler = 0x400;
    run_to_halt();
    cr_assert_eq(env->fault_count, 20);
    cr_assert_eq(env->fault_pc, 0x0c, "fault pc %#x", env->fault_pc);
    cr_assert_eq(env->r[1], 20);
    cr_assert_eq(env->pc, 0x408);
}

/* A register written before the faulting access and overwritten after it in the same
 * TB: the fault must see the first value (the backend may keep it only in a host
 * register until the access; its slow path has to write it back). */
TEST_BOTH_BACKENDS(precise_exception_overwritten_register)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 3, 0, 0x4000),         /* r3 = unmapped address */
        toy_rri(TOY_LUI, 5, 0, 0x1111),         /* r5 = 0x11110000 ... */
        toy_mem(TOY_LD, 7, 3, MO_LEUL, 0),      /* 0x08: faults */
        toy_rri(TOY_LUI, 5, 0, 0x2222),         /* ... overwritten after the access */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    const uint32_t handler[] = { toy_rri(TOY_HALT, 0, 0, 0) };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x400, handler, 1);
    env->handler = 0x400;
    run_to_halt();
    cr_assert_eq(env->fault_pc, 0x08);
    cr_assert_eq(env->r[5], 0x11110000, "r5 = %#x at the fault", env->r[5]);
}

/* An aligned-only access that is unaligned faults precisely too. */
TEST_BOTH_BACKENDS(unaligned_fault)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 3, 0, 0x101),
        toy_mem(TOY_LD, 7, 3, MO_LEUL | MO_ALIGN, 0),   /* 0x04 */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    const uint32_t handler[] = { toy_rri(TOY_HALT, 0, 0, 0) };
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x400, handler, 1);
    env->handler = 0x400;
    run_to_halt();
    cr_assert_eq(env->fault_count, 1);
    cr_assert_eq(env->fault_pc, 0x04);
    cr_assert_eq(env->fault_addr, 0x101);
}

static void *kick_later(void *arg)
{
    usleep(20000);
    cpu_exit(&env->cs);
    return NULL;
}

/* An endless chained loop still stops on an exit request from another context. */
TEST_BOTH_BACKENDS(exit_request)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 1, 0, 1),
        toy_rri(TOY_BNEZ, 1, 0, -2),            /* r1 never returns to 0 soon */
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    pthread_t t;
    pthread_create(&t, NULL, kick_later, NULL);
    int r = cpu_exec(&env->cs);
    pthread_join(t, NULL);
    cr_assert_eq(r, EXCP_INTERRUPT);
    cr_assert(env->pc == 0 || env->pc == 4, "pc %#x", env->pc);
    cr_assert_gt(env->r[1], 1000);
}

/*
 * The exit-request check at a TB's start reads the flag into a temp of its own
 * that no other op of the TB touches: no discard after it (one op less for every
 * pass in every TB) and no later value reusing its number.
 */
TEST_BOTH_BACKENDS(tb_start_check_temp)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 1, 0, 1),
        toy_mem(TOY_LD, 2, 1, MO_UL, 4),        /* a scratch address temp */
        toy_rri(TOY_ADD, 3, 2, 0),
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    cr_assert_not_null(tb_gen_code(&env->cs, 0, 0, 0, 0));
    /* The op list of the last translation is still there (after the passes). */
    const TCGOp *ld = tcg_ctx->first_op;
    while (ld && ld->opc == INDEX_op_set_label) {
        ld = ld->next;
    }
    cr_assert(ld && ld->opc == INDEX_op_ld_i32, "the TB starts with the flag load");
    cr_assert_eq(ld->args[2], offsetof(CPUState, exit_request_tb));
    TCGTemp *flag = arg_temp(ld->args[0]);
    cr_assert_eq(flag->kind, TEMP_TB);
    const TCGOp *br = ld->next;
    cr_assert(br && br->opc == INDEX_op_brcond_i32 && arg_temp(br->args[0]) == flag);
    for (const TCGOp *op = br->next; op; op = op->next) {
        int n = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
        for (int i = 0; i < n; i++) {
            cr_assert_neq(arg_temp(op->args[i]), flag, "%s uses the flag's temp",
                          tcg_op_defs[op->opc].name);
        }
    }
    /* And it still runs. */
    env->r[1] = 0x100 - 1;
    run_to_halt();
    cr_assert_eq(env->r[1], 0x100);
}

/* ---- regions (accel/tcg/translator.c): a loop with its if/else in one TB ---- */

/*
 * A loop whose body alternates between two sides (forward branches to blocks
 * ahead, a join, a back edge into the middle of the TB's first run) runs inside
 * one region TB: right results, no chained jump and next to no return to the loop
 * (without regions it is four TBs chained together).
 */
TEST_BOTH_BACKENDS(region_if_else_loop)
{
    setup(interp);
    toy_regions = true;
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 1, 0, 0x0001),      /* 0x00 r1 = 0x10000 iterations */
        toy_rri(TOY_BNEZ, 5, 0, 3),          /* 0x04 loop: if r5 goto 0x14 */
        toy_rri(TOY_ADDI, 5, 0, 1),          /* 0x08   r5 = 1 */
        toy_rri(TOY_ADDI, 2, 0, 3),          /* 0x0c   r2 += 3 */
        toy_rri(TOY_BNEZ, 5, 0, 2),          /* 0x10   goto 0x1c */
        toy_rri(TOY_ADDI, 5, 0, -1),         /* 0x14   r5 = 0 */
        toy_rri(TOY_ADDI, 6, 0, 5),          /* 0x18   r6 += 5 */
        toy_rri(TOY_ADDI, 1, 0, -1),         /* 0x1c join: r1-- */
        toy_rri(TOY_BNEZ, 1, 0, -8),         /* 0x20 if r1 goto 0x04 */
        toy_rri(TOY_HALT, 0, 0, 0),          /* 0x24 */
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    uint64_t lookups0 = jit_stats.tb_lookups, chained0 = jit_stats.chained;
    run_to_halt();
    toy_regions = false;
    cr_assert_eq(env->r[1], 0);
    cr_assert_eq(env->r[2], 3u * 0x8000, "r2 = %#x", env->r[2]);
    cr_assert_eq(env->r[6], 5u * 0x8000, "r6 = %#x", env->r[6]);
    cr_assert_eq(jit_stats.chained, chained0, "the loop left its TB");
    cr_assert_leq(jit_stats.tb_lookups - lookups0, 2);
}

/* An endless region loop (its header inside the TB) stops on an exit request at
 * the header, with the registers of whole iterations: each iteration adds 3 to r2
 * or 5 to r6 and 1 to r1. */
TEST_BOTH_BACKENDS(region_exit_request)
{
    setup(interp);
    toy_regions = true;
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 7, 0, 1),          /* 0x00 */
        toy_rri(TOY_BNEZ, 5, 0, 3),          /* 0x04 loop: if r5 goto 0x14 */
        toy_rri(TOY_ADDI, 5, 0, 1),          /* 0x08 */
        toy_rri(TOY_ADDI, 2, 0, 3),          /* 0x0c */
        toy_rri(TOY_BNEZ, 5, 0, 2),          /* 0x10 goto 0x1c */
        toy_rri(TOY_ADDI, 5, 0, -1),         /* 0x14 */
        toy_rri(TOY_ADDI, 6, 0, 5),          /* 0x18 */
        toy_rri(TOY_ADDI, 1, 0, 1),          /* 0x1c join: r1++ (never 0 soon) */
        toy_rri(TOY_BNEZ, 1, 0, -8),         /* 0x20 goto 0x04 */
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    pthread_t t;
    pthread_create(&t, NULL, kick_later, NULL);
    int r = cpu_exec(&env->cs);
    pthread_join(t, NULL);
    toy_regions = false;
    cr_assert_eq(r, EXCP_INTERRUPT);
    cr_assert_eq(env->pc, 0x04, "pc %#x", env->pc);
    cr_assert_gt(env->r[1], 1000, "r1 = %u: the loop did not run", env->r[1]);
    cr_assert_eq(env->r[2] / 3 + env->r[6] / 5, env->r[1], "r1 %u r2 %u r6 %u",
                 env->r[1], env->r[2], env->r[6]);
    cr_assert_eq(env->r[7], 1);
}

/* ---- self loops (tcg/loop.c): a TB chained to its own start ---- */

/*
 * The chained loop of run_chained_loop: on x86-64 its TB keeps globals in host
 * registers, and its self edge is chained to the loop head (past the loads of
 * those registers), nowhere else; the interpreter chains it to its start.
 */
TEST_BOTH_BACKENDS(self_loop_chained_to_its_head)
{
    setup(interp);
    run_chained_loop();
    TranslationBlock *tb = tb_htable_lookup(&env->cs, 4, 4, 0, 0, 0);
    cr_assert_not_null(tb);
    cr_assert_eq(tb->jmp_dest[0], (uintptr_t)tb, "the taken side chains to itself");
    int32_t disp;
    memcpy(&disp, (const uint8_t *)tb->tc.ptr + tb->jmp_insn_offset[0], 4);
    uintptr_t target = (uintptr_t)tb->tc.ptr + tb->jmp_insn_offset[0] + 4 + disp;
    if (interp) {
        cr_assert_eq(tb->loop_slots, 0);
        return;
    }
    cr_assert_eq(tb->loop_slots, 1, "slot 0 is the self edge");
    cr_assert_neq(tb->loop_head_offset, 0xffff);
    cr_assert_gt(tb->loop_head_offset, 0, "registers are loaded before the head");
    cr_assert_eq(target, (uintptr_t)tb->tc.ptr + tb->loop_head_offset,
                 "self edge goes to +%#lx, head at +%#x",
                 (unsigned long)(target - (uintptr_t)tb->tc.ptr), tb->loop_head_offset);
    cr_assert_gt(jit_stats.loop_chained, 0);

    /* A self-edge slot is not chained to another TB of the same pc (other flags):
     * its chained path would skip the write-back of the registers. */
    TranslationBlock *fresh = tb_gen_code(&env->cs, 4, 0, 0, 0);
    TranslationBlock *other = tb_gen_code(&env->cs, 4, 0, 7, 0);
    cr_assert_eq(fresh->loop_slots, 1);
    uint64_t refused = jit_stats.loop_refused;
    tb_add_jump(fresh, 0, other);
    cr_assert_eq(fresh->jmp_dest[0], 0, "chained to a TB of other flags");
    cr_assert_eq(jit_stats.loop_refused, refused + 1);
    tb_add_jump(fresh, 0, fresh);
    cr_assert_eq(fresh->jmp_dest[0], (uintptr_t)fresh);
}

/* An exit request stops a self loop at its head with every register written back:
 * r2 = 3 * r1 holds at the head of every iteration. */
TEST_BOTH_BACKENDS(self_loop_exit_request)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 1, 0, 1),             /* 0x00 loop: r1++ */
        toy_rri(TOY_ADDI, 2, 0, 3),             /*            r2 += 3 */
        toy_rri(TOY_BNEZ, 1, 0, -3),            /*            r1 never 0 soon */
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    pthread_t t;
    pthread_create(&t, NULL, kick_later, NULL);
    int r = cpu_exec(&env->cs);
    pthread_join(t, NULL);
    cr_assert_eq(r, EXCP_INTERRUPT);
    cr_assert_eq(env->pc, 0, "pc %#x", env->pc);
    cr_assert_gt(env->r[1], 1000, "r1 = %u: the loop did not run", env->r[1]);
    cr_assert_eq(env->r[2], 3 * env->r[1], "r1 = %u, r2 = %u", env->r[1], env->r[2]);
}

/* A load in a self loop faults after 16 good iterations: the fault sees the
 * registers of the 17th iteration up to the load. */
TEST_BOTH_BACKENDS(self_loop_fault)
{
    setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_ORI, 3, 0, RAM_SIZE - 64),  /* 0x00 r3 = 16 words before the end */
        toy_rri(TOY_ADDI, 5, 0, 1),             /* 0x04 loop: r5++ */
        toy_mem(TOY_LD, 7, 3, MO_LEUL, 0),      /* 0x08 r7 = [r3] (faults at the end) */
        toy_rri(TOY_ADD, 6, 7, 0),              /* 0x0c r6 += r7 */
        toy_rri(TOY_ADDI, 3, 0, 4),             /* 0x10 r3 += 4 */
        toy_rri(TOY_BNEZ, 5, 0, -5),            /* 0x14 to 0x04 */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    const uint32_t handler[] = { toy_rri(TOY_HALT, 0, 0, 0) };
    uint32_t data[16], sum = 0;
    for (int i = 0; i < 16; i++) {
        data[i] = 0x1000 + i * 3;
        sum += data[i];
    }
    load_program(0, prog, ARRAY_SIZE(prog));
    load_program(0x400, handler, 1);
    load_program(RAM_SIZE - 64, data, 16);
    env->handler = 0x400;
    run_to_halt();
    cr_assert_eq(env->fault_count, 1);
    cr_assert_eq(env->fault_pc, 0x08, "fault pc %#x", env->fault_pc);
    cr_assert_eq(env->fault_addr, RAM_SIZE);
    cr_assert_eq(env->r[5], 17, "r5 = %u", env->r[5]);
    cr_assert_eq(env->r[3], RAM_SIZE);
    cr_assert_eq(env->r[7], data[15], "r7 = %#x", env->r[7]);
    cr_assert_eq(env->r[6], sum, "r6 = %#x, expected %#x", env->r[6], sum);
}

/* A self loop whose store walks up to the loop's own first insn and rewrites it:
 * the next iteration runs the new insn, not the stale chained code. */
TEST_BOTH_BACKENDS(self_loop_rewrites_itself)
{
    setup(interp);
    uint32_t new_insn = toy_rri(TOY_ADDI, 4, 0, 100);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 2, 0, new_insn >> 16),     /* 0x100 */
        toy_rri(TOY_ORI, 2, 0, new_insn & 0xffff),  /* 0x104 */
        toy_rri(TOY_ORI, 3, 0, 0xc0),               /* 0x108 r3 = store pointer */
        toy_rri(TOY_ADDI, 4, 0, 1),                 /* 0x10c loop: becomes addi 100 */
        toy_mem(TOY_ST, 2, 3, MO_LEUL, 0),          /* 0x110 [r3] = new insn */
        toy_rri(TOY_ADDI, 3, 0, 4),                 /* 0x114 */
        toy_rri(TOY_ADDI, 7, 0, -1),                /* 0x118 */
        toy_rri(TOY_BNEZ, 7, 0, -5),                /* 0x11c to 0x10c */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0x100, prog, ARRAY_SIZE(prog));
    env->pc = 0x100;
    env->r[7] = 21;     /* iteration 19 stores to 0x10c; iteration 20 runs it */
    run_to_halt();
    cr_assert_eq(env->r[4], 20 * 1 + 100, "r4 = %u: the stale insn ran", env->r[4]);
    cr_assert_eq(env->r[3], 0xc0 + 21 * 4);
    cr_assert_gt(jit_stats.invalidations, 0);
}

/* A device rewrites a self loop's code while the loop runs (DMA-like, from an
 * MMIO write the loop makes): the loop stops at its next self edge instead of
 * running on in stale code, and then runs the new code. */
static uint32_t patch_at_write, patch_insn, patch_writes;
static hwaddr patch_addr;

static void patch_mmio_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    if (++patch_writes == patch_at_write) {
        cr_assert_eq(address_space_write(&address_space_memory, patch_addr, &patch_insn,
                                         4), MEMTX_OK);
    }
}

static const MemoryRegionOps patch_mmio_ops = {
    .read = mmio_read,
    .write = patch_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

TEST_BOTH_BACKENDS(self_loop_rewritten_by_a_device)
{
    static MemoryRegion patch_mmio;

    setup(interp);
    memory_region_init_io(&patch_mmio, &patch_mmio_ops, NULL, "toy.patch",
                          TARGET_PAGE_SIZE);
    memory_region_add_subregion_overlap(get_system_memory(), TOY_MMIO_BASE, &patch_mmio,
                                        1);
    patch_insn = toy_rri(TOY_ADDI, 4, 0, 100);
    patch_addr = 0x200;
    patch_at_write = 10;
    patch_writes = 0;
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 4, 0, 1),                 /* 0x200 loop: becomes addi 100 */
        toy_mem(TOY_ST, 5, 6, MO_LEUL, 0),          /* 0x204 MMIO write */
        toy_rri(TOY_ADDI, 7, 0, -1),                /* 0x208 */
        toy_rri(TOY_BNEZ, 7, 0, -4),                /* 0x20c to 0x200 */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0x200, prog, ARRAY_SIZE(prog));
    env->pc = 0x200;
    env->r[6] = TOY_MMIO_BASE;
    env->r[7] = 20;
    run_to_halt();
    cr_assert_eq(patch_writes, 20);
    cr_assert_eq(env->r[4], 10 * 1 + 10 * 100, "r4 = %u: stale code ran on", env->r[4]);
}

/* Loads and stores of every size, sign and endianness, through RAM (fast path),
 * MMIO (slow path) and across a page boundary (slow path, split). */
static void check_memops(uint32_t base)
{
    static const struct {
        MemOp op;
        uint32_t expect;    /* loading the bytes 81 82 83 84 */
    } loads[] = {
        { MO_UB, 0x81 }, { MO_SB, 0xffffff81 },
        { MO_LEUW, 0x8281 }, { MO_LESW, 0xffff8281 },
        { MO_BEUW, 0x8182 }, { MO_BESW, 0xffff8182 },
        { MO_LEUL, 0x84838281 }, { MO_BEUL, 0x81828384 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(loads); i++) {
        uint8_t bytes[8] = { 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88 };
        cr_assert(address_space_write(&address_space_memory, base, bytes, 8) == MEMTX_OK);
        const uint32_t prog[] = {
            toy_mem(TOY_LD, 1, 3, loads[i].op, 0),
            toy_mem(TOY_ST, 1, 3, loads[i].op, 8),     /* store it back after */
            toy_rri(TOY_HALT, 0, 0, 0),
        };
        load_program(0x1000 + i * 16, prog, ARRAY_SIZE(prog));
        env->r[3] = base;
        env->pc = 0x1000 + i * 16;
        run_to_halt();
        cr_assert_eq(env->r[1], loads[i].expect, "op %#x at %#x: got %#x want %#x",
                     loads[i].op, base, env->r[1], loads[i].expect);
        uint8_t back[4];
        cr_assert(address_space_read(&address_space_memory, base + 8, back,
                                     memop_size(loads[i].op)) == MEMTX_OK);
        cr_assert(memcmp(back, bytes, memop_size(loads[i].op)) == 0,
                  "store of op %#x at %#x did not write the same bytes back",
                  loads[i].op, base + 8);
    }
    /* 64-bit both ways. */
    uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    cr_assert(address_space_write(&address_space_memory, base, bytes, 8) == MEMTX_OK);
    const uint32_t prog[] = {
        toy_mem(TOY_LD64, 1, 3, MO_LE, 0),
        toy_mem(TOY_LD64, 4, 3, MO_BE, 0),
        toy_mem(TOY_ST64, 4, 3, MO_LE, 16),
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0x1800, prog, ARRAY_SIZE(prog));
    env->r[3] = base;
    env->pc = 0x1800;
    run_to_halt();
    cr_assert_eq(env->r[1], 0x04030201);
    cr_assert_eq(env->r[2], 0x08070605);
    cr_assert_eq(env->r[4], 0x05060708);
    cr_assert_eq(env->r[5], 0x01020304);
    uint8_t back[8];
    cr_assert(address_space_read(&address_space_memory, base + 16, back, 8) == MEMTX_OK);
    static const uint8_t rev[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
    cr_assert(memcmp(back, rev, 8) == 0);
}

TEST_BOTH_BACKENDS(memops_ram)
{
    setup(interp);
    check_memops(0x3000);
}

TEST_BOTH_BACKENDS(memops_mmio)
{
    setup(interp);
    mmio_reads = mmio_writes = 0;
    check_memops(TOY_MMIO_BASE + 0x40);
    cr_assert_gt(mmio_reads, 0);
    cr_assert_gt(mmio_writes, 0);
}

TEST_BOTH_BACKENDS(memops_page_crossing)
{
    setup(interp);
    /* Loads straddle 0x5000; the stores at +8/+16 do not, both paths are used. */
    check_memops(0x5000 - 2);
}

/*
 * The hash table is indexed by the low bits of tb_hash_func: keys that differ only
 * in high pc bits (one physical page mapped at a different address in every
 * process, as Linux's vDSO is) must spread over the table. Before the fix every
 * pc bit above ~13 was lost and all of these fell into one bucket.
 */
Test(cpu_exec, tb_hash_spreads_high_pc_bits)
{
    GHashTable *buckets = g_hash_table_new(NULL, NULL);

    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t h = tb_hash_func(0x1234000, 0xb7f00400u + (i << 13), 0x40, 0);

        g_hash_table_add(buckets, GUINT_TO_POINTER(h & (TB_HASH_SIZE - 1)));
    }
    cr_assert_gt(g_hash_table_size(buckets), 1000, "%u buckets for 1024 keys",
                 g_hash_table_size(buckets));
    g_hash_table_destroy(buckets);
}

/*
 * Jump-cache entries of TBs on global pages survive tb_jmp_cache_clear_nonglobal (an
 * x86 CR3 load), both when the fills since the last clear fit the log and when they
 * overflowed it; every other entry goes, and a full clear or a page flush drops the
 * global ones too.
 */
static TranslationBlock jc_tbs[2100];

static TranslationBlock *jc_tb(unsigned i, bool global)
{
    /* Distinct slots: 128 insns per page, pages 0..16 not global, page 100 global. */
    TranslationBlock *tb = &jc_tbs[i];
    vaddr pc = global ? 0x64000 + i * 4 : (i / 128) * TARGET_PAGE_SIZE + (i % 128) * 4;

    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->page_addr[0] = pc & TARGET_PAGE_MASK;
    tb->page_addr[1] = (hwaddr)-1;
    return tb;
}

static bool jc_has(TranslationBlock *tb)
{
    return env->cs.tb_jmp_cache->array[tb_jmp_cache_hash(tb->pc)].tb == tb;
}

static bool jc_page_bit(vaddr pc)
{
    uint32_t vpn = pc >> TARGET_PAGE_BITS;
    return (env->cs.tb_jmp_cache->pages[vpn / 64] >> (vpn % 64)) & 1;
}

static void jc_nonglobal_case(unsigned n_plain)
{
    TranslationBlock *g[8];

    setup(false);
    tb_jmp_cache_clear(&env->cs);
    for (unsigned i = 0; i < 8; i++) {
        g[i] = jc_tb(i, true);
        tb_jmp_cache_set(&env->cs, g[i]->pc, g[i], g[i]->flags, true);
    }
    for (unsigned i = 8; i < 8 + n_plain; i++) {
        TranslationBlock *tb = jc_tb(i, false);
        tb_jmp_cache_set(&env->cs, tb->pc, tb, tb->flags, false);
    }
    /* A global slot refilled by a non-global TB is not global any more. */
    TranslationBlock *over = &jc_tbs[2099];
    memset(over, 0, sizeof(*over));
    over->pc = g[7]->pc;
    over->page_addr[1] = (hwaddr)-1;
    tb_jmp_cache_set(&env->cs, over->pc, over, over->flags, false);

    tb_jmp_cache_clear_nonglobal(&env->cs);
    for (unsigned i = 0; i < 7; i++) {
        cr_assert(jc_has(g[i]), "global entry %u dropped", i);
    }
    cr_assert_not(jc_has(over));
    for (unsigned i = 8; i < 8 + n_plain; i++) {
        cr_assert_not(jc_has(&jc_tbs[i]), "entry %u kept", i);
    }
    cr_assert(jc_page_bit(g[0]->pc));
    cr_assert_not(jc_page_bit(jc_tbs[8].pc));
    /* Still found after a second switch with nothing filled in between. */
    tb_jmp_cache_clear_nonglobal(&env->cs);
    cr_assert(jc_has(g[0]));

    /* Flushing the global page drops its entries for good. */
    tb_jmp_cache_clear_page(&env->cs, g[0]->pc);
    cr_assert_not(jc_has(g[0]));
    tb_jmp_cache_set(&env->cs, g[1]->pc, g[1], g[1]->flags, true);
    tb_jmp_cache_clear(&env->cs);
    cr_assert_not(jc_has(g[1]));
    cr_assert_not(jc_page_bit(g[1]->pc));
    cr_assert_not(env->cs.tb_jmp_cache->has_global);
}

Test(cpu_exec, jmp_cache_keeps_global_entries)
{
    jc_nonglobal_case(100);
}

Test(cpu_exec, jmp_cache_keeps_global_entries_past_the_log)
{
    jc_nonglobal_case(2000);
}

static TranslationBlock *jc_tb_at(unsigned i, vaddr pc, bool crosses)
{
    TranslationBlock *tb = &jc_tbs[i];

    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->page_addr[0] = pc & TARGET_PAGE_MASK;
    tb->page_addr[1] = crosses ? (pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE : (hwaddr)-1;
    tb_jmp_cache_set(&env->cs, pc, tb, tb->flags, false);
    return tb;
}

Test(cpu_exec, jmp_cache_flushes_only_the_page)
{
    const vaddr page = 0x5000;
    const unsigned groups = 1u << TB_JMP_PAGE_BITS;

    setup(false);
    tb_jmp_cache_clear(&env->cs);
    TranslationBlock *a = jc_tb_at(0, page + 0x10, false);
    /* 512 bytes on in the same page: its own slot (they used to evict each other). */
    TranslationBlock *a2 = jc_tb_at(1, page + 0x210, false);
    /* A page sharing the group, and the previous page: one TB running into page. */
    TranslationBlock *other = jc_tb_at(2, page + groups * TARGET_PAGE_SIZE + 0x14, false);
    TranslationBlock *into = jc_tb_at(3, page - 8, true);
    TranslationBlock *before = jc_tb_at(4, page - 0x100, false);

    cr_assert(jc_has(a) && jc_has(a2) && jc_has(other) && jc_has(into) && jc_has(before));
    tb_jmp_cache_clear_page(&env->cs, page + 0x123);
    cr_assert_not(jc_has(a));
    cr_assert_not(jc_has(a2));
    cr_assert_not(jc_has(into), "a TB running into the page stays");
    cr_assert(jc_has(other), "another page of the group dropped");
    cr_assert(jc_has(before), "a TB of the previous page dropped");
    cr_assert_not(jc_page_bit(page));
    cr_assert(jc_page_bit(before->pc));
    cr_assert(jc_page_bit(other->pc));
    /* Emptied slots keep no tag, so a later flush of their page finds nothing. */
    cr_assert_eq(env->cs.tb_jmp_cache->ptag[tb_jmp_cache_hash(a->pc)], 0);
    cr_assert_neq(env->cs.tb_jmp_cache->ptag[tb_jmp_cache_hash(other->pc)], 0);

    /* Every slot of a group: flushing one of its pages leaves the others. */
    tb_jmp_cache_clear(&env->cs);
    const unsigned per_group = 1u << (TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS);
    for (unsigned i = 0; i < per_group; i++) {
        vaddr p = page + (i % 4) * groups * TARGET_PAGE_SIZE;
        jc_tb_at(i, p + i * 4, false);
    }
    tb_jmp_cache_clear_page(&env->cs, page + 2 * groups * TARGET_PAGE_SIZE);
    for (unsigned i = 0; i < per_group; i++) {
        cr_assert_eq(jc_has(&jc_tbs[i]), i % 4 != 2, "slot %u", i);
    }
}

/* Resident KiB of the mapping holding addr, from /proc/self/smaps. */
static long rss_kib_of(uintptr_t addr)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    bool in = false;
    long kib = -1;

    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = addr >= lo && addr < hi;
            continue;
        }
        if (in && sscanf(line, "Rss: %ld kB", &kib) == 1) {
            break;
        }
    }
    fclose(f);
    return kib;
}

/*
 * TB headers live outside the code buffer, and the writable view of code well behind
 * the write pointer is released, so W^X does not count the code twice in RSS: after
 * 8 MiB of code the writable view keeps a few MiB at most, and the old code still runs.
 */
Test(cpu_exec, code_rw_view_released)
{
    char perms[5], name[256];

    setup(false);
    run_chained_loop();
    TranslationBlock *loop = tb_htable_lookup(&env->cs, 4, 4, 0, 0, 0);
    cr_assert_not_null(loop);
    cr_assert(map_of((uintptr_t)loop, perms, name, sizeof(name)));
    cr_assert_null(strstr(name, "mimic-jit"), "TB header in the code buffer (%s)", name);
    if (tcg_ctx->code_rx_diff == 0) {
        return;             /* one mapping (no memfd): nothing is counted twice */
    }

    /* Fill the buffer with one-insn TBs of a straight run of ADDIs. */
    for (uint32_t a = 0x100; a < RAM_SIZE; a += 4) {
        uint32_t w = toy_rri(TOY_ADDI, 3, 0, 1);
        load_program(a, &w, 1);
    }
    uint64_t releases0 = jit_stats.code_rw_releases;
    for (uint32_t flags = 1; jit_stats.code_buffer_used < (8u << 20); flags++) {
        cr_assert_lt(flags, 1000, "8 MiB of code not reached");
        for (uint32_t a = 0x100; a < RAM_SIZE; a += 4) {
            tb_gen_code(&env->cs, a, 0, flags << 8, 1);
        }
    }
    cr_assert_gt(jit_stats.code_rw_releases, releases0);
    uintptr_t rw = (uintptr_t)tcg_splitwx_to_rw(tcg_ctx, loop->tc.ptr);
    long kib = rss_kib_of(rw);
    cr_assert_geq(kib, 0);
    cr_assert_lt(kib, 4096, "writable view keeps %ld KiB for %" PRIu64 " KiB of code", kib,
                 jit_stats.code_buffer_used >> 10);

    /* The loop's code, in a released page, still runs (its exits stay chained). */
    env->pc = 0;
    env->r[2] = 0;
    run_to_halt();
    cr_assert_eq(env->r[2], 3u * 0x10000);
}

/*
 * The direct RAM window (tlb_set_window; exec/cputlb.h) end to end: the toy maps
 * RAM at its own address, so mode 0 may have a window over all of it. Data
 * accesses there then need no TLB fill (only instruction fetch does); a store that
 * rewrites the running TB, or another TB, still invalidates it; stores to a page
 * that no longer holds code go inline again; MMIO past the window is untouched.
 */
static void window_setup(bool interp)
{
    setup(interp);
    tlb_set_window(&env->cs, 0, 0, 0, 0x80000000u);
    /* Cut to the RAM: the MMIO page above it is not in the window. */
    cr_assert_eq(env->cs.tlb_win[0].lim, RAM_SIZE - TARGET_PAGE_SIZE);
}

TEST_BOTH_BACKENDS(window_data_needs_no_tlb_fill)
{
    window_setup(interp);
    const uint32_t prog[] = {
        toy_rri(TOY_LUI, 1, 0, 0),
        toy_rri(TOY_ORI, 1, 0, 0xe000),         /* r1 = 0xe000: page pointer */
        toy_rri(TOY_ADDI, 3, 0, 13),            /* r3 = 13 pages to go */
        toy_mem(TOY_ST, 3, 1, MO_LEUL, 4),      /* loop: mem[r1 + 4] = r3 */
        toy_mem(TOY_LD, 5, 1, MO_LEUL, 4),      /*       r5 = mem[r1 + 4] */
        toy_rri(TOY_ADD, 4, 5, 0),              /*       r4 += r5 */
        toy_rri(TOY_ADDI, 1, 0, -0x1000),       /*       r1 -= a page */
        toy_rri(TOY_ADDI, 3, 0, -1),
        toy_rri(TOY_BNEZ, 3, 0, -6),
        toy_rri(TOY_LUI, 6, 0, TOY_MMIO_BASE >> 16),
        toy_mem(TOY_ST, 3, 6, MO_LEUL, 8),      /* MMIO: mmio_regs[1] = 0 */
        toy_rri(TOY_ADDI, 7, 0, 77),
        toy_mem(TOY_ST, 7, 6, MO_LEUL, 16),     /* MMIO: mmio_regs[2] = 77 */
        toy_mem(TOY_LD, 2, 6, MO_LEUL, 16),     /* r2 = 77 through the device */
        toy_rri(TOY_HALT, 0, 0, 0),
    };
    load_program(0, prog, ARRAY_SIZE(prog));
    uint64_t fills0 = jit_stats.tlb_fills;
    run_to_halt();
    cr_assert_eq(env->r[4], 13 * 14 / 2);
    for (uint32_t k = 1; k <= 13; k++) {
        uint32_t v = 0;
        address_space_read(&address_space_memory, 0xe000 - (13 - k) * 0x1000 + 4, &v, 4);
        cr_assert_eq(v, k, "page %u", k);
    }
    cr_assert_eq(env->r[2], 77);
    cr_assert_eq(mmio_regs[2], 77);
    cr_assert_eq(mmio_writes, 2);
    cr_assert_eq(mmio_reads, 1);
    if (!interp) {
        /* Code page 0 and the MMIO page; 13 data pages would need 13 more. */
        cr_assert_leq(jit_stats.tlb_fills - fills0, 4, "%lu fills",
                      (unsigned long)(jit_stats.tlb_fills - fills0));
    }
}

TEST_BOTH_BACKENDS(window_smc_same_tb)
{
    window_setup(interp);
    check_smc_same_tb();
}

TEST_BOTH_BACKENDS(window_smc_other_tb)
{
    window_setup(interp);
    check_smc_other_tb(0x2800);     /* the subroutine on its own page */
    /* The page held code when the store ran: the window's code map said so. */
    cr_assert_gt(jit_stats.invalidations, 0);
}

/*
 * -d tbcount counts each TB's entries with chaining kept: a loop of 0x10000
 * iterations whose body is a TB of its own (chained to itself; the first pass is in
 * the TB before it) shows 0xffff entries, and the report ranks it first.
 */
TEST_BOTH_BACKENDS(tbcount_counts_chained_entries)
{
    unsigned saved = mimic_loglevel;
    char *text = NULL;
    size_t len = 0;

    mimic_loglevel |= LOG_TBCOUNT;
    setup(interp);
    uint64_t lookups0 = jit_stats.tb_lookups;
    run_chained_loop();     /* 0x0: r1 = 0x10000, falling into the loop at 0x4 */
    mimic_loglevel = saved;
    cr_assert_lt(jit_stats.tb_lookups - lookups0, 0x10000 / 100, "chaining kept");

    FILE *f = open_memstream(&text, &len);
    tb_count_print(f, 10);
    fclose(f);
    cr_log_info("%s", text);
    cr_assert_not_null(strstr(text, "TB entries"), "%s", text);
    char *first = strstr(text, "share\n");
    cr_assert_not_null(first);
    unsigned long long pc, n;
    cr_assert_eq(sscanf(first + 6, " %llx %*x %*u %llu", &pc, &n), 2, "%s", text);
    cr_assert_eq(pc, 4, "%s", text);
    cr_assert_eq(n, 0xffff, "%s", text);
    free(text);
}
