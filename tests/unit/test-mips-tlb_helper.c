/*
 * target-mips/tlb_helper.c: joint-TLB lookup (page pairs, page sizes, ASID/G, V/D),
 * the segment map per MMU index, and TLBWI/TLBWR/TLBP/TLBR on a real CPU.
 */
#include <criterion/criterion.h>
#include "../../target-mips/cpu.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

#define LO(pa, flags) ((((uint32_t)(pa) >> 12) << ENTRYLO_PFN_SHIFT) | (flags))

static MIPSTLBEntry entry(uint32_t vpn2, uint32_t mask, uint32_t asid, bool g,
                          uint32_t lo0, uint32_t lo1)
{
    MIPSTLBEntry e = { .vpn2 = vpn2, .pagemask = mask, .asid = asid, .g = g,
                       .lo = { lo0, lo1 } };
    return e;
}

Test(mips_tlb_lookup, even_and_odd_4k_pages)
{
    MIPSTLBEntry t[2] = {
        entry(0x80000000u, 0, 0, false, 0, 0),
        entry(0x00400000u, 0, 7, false, LO(0x01234000, ENTRYLO_V | ENTRYLO_D),
              LO(0x05678000, ENTRYLO_V)),
    };
    hwaddr pa;
    int prot, idx = -1;
    uint32_t sz;

    cr_assert_eq(mips_tlb_lookup(t, 2, 0x00400abc, 7, MMU_DATA_LOAD, &pa, &prot, &sz, &idx),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x01234abc);
    cr_assert_eq(sz, 4096);
    cr_assert_eq(idx, 1);
    cr_assert_eq(prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    cr_assert_eq(mips_tlb_lookup(t, 2, 0x00401ffc, 7, MMU_DATA_LOAD, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x05678ffc);
    cr_assert_eq(prot, PAGE_READ | PAGE_EXEC);
    /* Odd page is clean: a store is a TLB modified fault. */
    cr_assert_eq(mips_tlb_lookup(t, 2, 0x00401000, 7, MMU_DATA_STORE, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_DIRTY);
    /* Outside the pair, or another ASID: refill. */
    cr_assert_eq(mips_tlb_lookup(t, 2, 0x00402000, 7, MMU_DATA_LOAD, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_NOMATCH);
    cr_assert_eq(mips_tlb_lookup(t, 2, 0x00400000, 8, MMU_DATA_LOAD, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_NOMATCH);
}

Test(mips_tlb_lookup, global_invalid_and_large_pages)
{
    MIPSTLBEntry t[3] = {
        entry(0x10000000u, 0, 3, true, LO(0x00100000, ENTRYLO_V), 0),
        /* 1 MB pages: PageMask 0x001fe000, pair covers 2 MB. */
        entry(0x20000000u, 0x001fe000u, 1, false, LO(0x00800000, ENTRYLO_V),
              LO(0x00a00000, ENTRYLO_V | ENTRYLO_D)),
        /* 16 MB pages, PFN bits below the page size are ignored. */
        entry(0x40000000u, 0x01ffe000u, 1, false, LO(0x01234000, ENTRYLO_V), 0),
    };
    hwaddr pa;
    int prot;
    uint32_t sz;

    cr_assert_eq(mips_tlb_lookup(t, 3, 0x10000010, 0x55, MMU_INST_FETCH, &pa, &prot, &sz,
                                 NULL), MIPS_TLBRET_MATCH, "global matches any ASID");
    cr_assert_eq(pa, 0x00100010);
    cr_assert_eq(mips_tlb_lookup(t, 3, 0x10001010, 3, MMU_DATA_LOAD, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_INVALID, "odd page V=0");
    cr_assert_eq(mips_tlb_lookup(t, 3, 0x200ffffc, 1, MMU_DATA_LOAD, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x008ffffc);
    cr_assert_eq(sz, 0x100000);
    cr_assert_eq(mips_tlb_lookup(t, 3, 0x20123456, 1, MMU_DATA_STORE, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x00a23456);
    cr_assert_eq(mips_tlb_lookup(t, 3, 0x40abcdef, 1, MMU_DATA_LOAD, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x01abcdef);
    cr_assert_eq(sz, 0x01000000);
    cr_assert_eq(mips_tlb_lookup(t, 3, 0x41000000, 1, MMU_DATA_LOAD, &pa, &prot, &sz, NULL),
                 MIPS_TLBRET_INVALID, "odd 16M page invalid");
}

static CPUMIPSState *env;

static void cpu_setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };
    const CPUClass *cc;

    cr_assert(tcg_exec_init(&cfg, &err));
    cc = cpu_class_by_name("mips", "24Kc");
    cr_assert_not_null(cc);
    env = mips_env(cpu_create(cc, &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
}

Test(mips_segments, per_mode, .init = cpu_setup)
{
    hwaddr pa;
    int prot;
    uint32_t sz;

    /* kseg0/kseg1: unmapped, kernel only. */
    cr_assert_eq(mips_get_physical_address(env, 0x80123456, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_KERNEL, &pa, &prot, &sz),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x00123456);
    cr_assert_eq(mips_get_physical_address(env, 0xbfc00000, MMU_INST_FETCH,
                                           MIPS_MMU_IDX_KERNEL, &pa, &prot, &sz),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x1fc00000);
    cr_assert_eq(mips_get_physical_address(env, 0x80000000, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_USER, &pa, &prot, &sz),
                 MIPS_TLBRET_BADADDR);
    cr_assert_eq(mips_get_physical_address(env, 0xa0000000, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_SUPER, &pa, &prot, &sz),
                 MIPS_TLBRET_BADADDR);
    /* sseg: supervisor may, user may not. */
    cr_assert_eq(mips_get_physical_address(env, 0xc0000000, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_SUPER, &pa, &prot, &sz),
                 MIPS_TLBRET_NOMATCH);
    cr_assert_eq(mips_get_physical_address(env, 0xc0000000, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_USER, &pa, &prot, &sz),
                 MIPS_TLBRET_BADADDR);
    cr_assert_eq(mips_get_physical_address(env, 0xe0000000, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_SUPER, &pa, &prot, &sz),
                 MIPS_TLBRET_BADADDR);
    /* kuseg: mapped, except with ERL. */
    cr_assert_eq(mips_get_physical_address(env, 0x00001000, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_USER, &pa, &prot, &sz),
                 MIPS_TLBRET_NOMATCH);
    cr_assert_eq(mips_get_physical_address(env, 0x00001234, MMU_DATA_STORE,
                                           MIPS_MMU_IDX_ERL, &pa, &prot, &sz),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x00001234);
    /* Reset leaves no entry that could match anything. */
    cr_assert_eq(mips_get_physical_address(env, 0xc0000000, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_KERNEL, &pa, &prot, &sz),
                 MIPS_TLBRET_NOMATCH);
}

Test(mips_tlb_insns, write_probe_read, .init = cpu_setup)
{
    hwaddr pa;
    int prot;
    uint32_t sz;

    env->CP0_Index = 9;
    env->CP0_EntryHi = 0x00402000u | 0x21;
    env->CP0_EntryLo0 = LO(0x00300000, ENTRYLO_V | ENTRYLO_D);
    env->CP0_EntryLo1 = LO(0x00301000, ENTRYLO_V);
    env->CP0_PageMask = 0;
    mips_tlbwi(env);
    cr_assert_eq(mips_get_physical_address(env, 0x00403004, MMU_DATA_LOAD,
                                           MIPS_MMU_IDX_USER, &pa, &prot, &sz),
                 MIPS_TLBRET_MATCH);
    cr_assert_eq(pa, 0x00301004);

    env->CP0_EntryHi = 0x00403000u | 0x21;    /* odd page address: same pair */
    mips_tlbp(env);
    cr_assert_eq(env->CP0_Index, 9);
    env->CP0_EntryHi = 0x00403000u | 0x22;
    mips_tlbp(env);
    cr_assert(env->CP0_Index & 0x80000000u, "probe miss sets P");

    env->CP0_Index = 9;
    env->CP0_EntryHi = 0;
    mips_tlbr(env);
    cr_assert_eq(env->CP0_EntryHi, 0x00402000u | 0x21);
    cr_assert_eq(env->CP0_EntryLo0, LO(0x00300000, ENTRYLO_V | ENTRYLO_D));
    cr_assert_eq(env->CP0_EntryLo1, LO(0x00301000, ENTRYLO_V));

    /* G is the AND of both EntryLo.G bits. */
    env->CP0_Index = 2;
    env->CP0_EntryHi = 0x00500000u;
    env->CP0_EntryLo0 = LO(0x1000, ENTRYLO_V | ENTRYLO_G);
    env->CP0_EntryLo1 = LO(0x2000, ENTRYLO_V);
    mips_tlbwi(env);
    cr_assert_eq(env->tlb[2].g, 0);
    env->CP0_EntryLo1 |= ENTRYLO_G;
    mips_tlbwi(env);
    cr_assert_eq(env->tlb[2].g, 1);
}

Test(mips_tlb_insns, random_counts_down_to_wired, .init = cpu_setup)
{
    bool seen[MIPS_TLB_ENTRIES] = { false };

    env->CP0_Wired = 12;
    env->CP0_Random = 15;
    env->CP0_EntryHi = 0x00600000u;
    env->CP0_EntryLo0 = env->CP0_EntryLo1 = 0;
    for (int i = 0; i < 8; i++) {
        uint32_t r = env->CP0_Random;

        cr_assert(r >= 12 && r <= 15, "Random %u outside Wired..15", r);
        mips_tlbwr(env);
        seen[r] = true;
    }
    for (int i = 12; i < 16; i++) {
        cr_assert(seen[i], "entry %d never chosen", i);
    }
    for (int i = 0; i < 12; i++) {
        cr_assert(!seen[i], "wired entry %d replaced", i);
    }
}

Test(mips_tlb_fill, probe_does_not_fault, .init = cpu_setup)
{
    env->CP0_Status = 0;
    mips_cpu_compute_hflags(env);
    cr_assert_not(mips_cpu_tlb_fill(&env->cs, 0x00001000, 4, MMU_DATA_LOAD,
                                    MIPS_MMU_IDX_KERNEL, true, 0));
    cr_assert_not(mips_cpu_tlb_fill(&env->cs, 0x80001000, 4, MMU_DATA_LOAD,
                                    MIPS_MMU_IDX_USER, true, 0));
    cr_assert_eq(mips_cpu_get_phys_page_debug(&env->cs, 0x80001234), 0x1000);
    cr_assert_eq(mips_cpu_get_phys_page_debug(&env->cs, 0x00001234), (hwaddr)-1);
}

/* Whether the softmmu table of mmu_idx maps addr's page for loads. */
static bool softmmu_maps(int mmu_idx, uint32_t addr)
{
    CPUTLBDescFast *f = &env->cs.tlb_fast[mmu_idx];
    CPUTLBEntry *e = &f->table[(addr >> TARGET_PAGE_BITS) & (f->mask >> CPU_TLB_ENTRY_BITS)];
    return (e->addr_read & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) == (addr & TARGET_PAGE_MASK);
}

/* Overwriting an entry removes exactly the softmmu pages made from it, in the modes
 * that made them: what a fill records in the entry's used bits. */
Test(mips_tlb_fill, overwrite_flushes_what_was_filled, .init = cpu_setup)
{
    env->CP0_Status = 0;
    mips_cpu_compute_hflags(env);
    env->CP0_Index = 5;
    env->CP0_EntryHi = 0x00402000u;
    env->CP0_EntryLo0 = LO(0x00300000, ENTRYLO_V | ENTRYLO_D | ENTRYLO_G);
    env->CP0_EntryLo1 = LO(0x00301000, ENTRYLO_V | ENTRYLO_D | ENTRYLO_G);
    env->CP0_PageMask = 0;
    mips_tlbwi(env);
    cr_assert_eq(env->tlb[5].used[0] | env->tlb[5].used[1], 0);

    /* The odd page from user mode, the even one from kernel mode. */
    cr_assert(mips_cpu_tlb_fill(&env->cs, 0x00403010, 4, MMU_DATA_LOAD,
                                MIPS_MMU_IDX_USER, true, 0));
    cr_assert(mips_cpu_tlb_fill(&env->cs, 0x00402020, 4, MMU_DATA_LOAD,
                                MIPS_MMU_IDX_KERNEL, true, 0));
    cr_assert_eq(env->tlb[5].used[1], 1u << MIPS_MMU_IDX_USER);
    cr_assert_eq(env->tlb[5].used[0], 1u << MIPS_MMU_IDX_KERNEL);
    cr_assert(softmmu_maps(MIPS_MMU_IDX_USER, 0x00403000));
    cr_assert(softmmu_maps(MIPS_MMU_IDX_KERNEL, 0x00402000));
    /* An unmapped-segment fill records nothing. */
    cr_assert(mips_cpu_tlb_fill(&env->cs, 0x80001000, 4, MMU_DATA_LOAD,
                                MIPS_MMU_IDX_KERNEL, true, 0));

    env->CP0_EntryHi = 0x00600000u;         /* overwrite entry 5 elsewhere */
    mips_tlbwi(env);
    cr_assert_not(softmmu_maps(MIPS_MMU_IDX_USER, 0x00403000), "stale user mapping");
    cr_assert_not(softmmu_maps(MIPS_MMU_IDX_KERNEL, 0x00402000), "stale kernel mapping");
    cr_assert(softmmu_maps(MIPS_MMU_IDX_KERNEL, 0x80001000), "kseg0 page kept");
    cr_assert_eq(env->tlb[5].used[0] | env->tlb[5].used[1], 0);
}

/*
 * The key-based search (mips_tlb_find, used by translation and TLBP) agrees with
 * the entry-by-entry reference lookup on every access, over random TLB contents
 * written through TLBWI: page sizes, ASIDs, G, duplicates (the first match wins).
 */
Test(mips_tlb_find, agrees_with_reference_lookup, .init = cpu_setup)
{
    static const uint32_t masks[] = { 0, 0x6000u, 0x1e000u, 0x1fe000u, 0x1ffe000u };
    uint32_t seed = 12345;

    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < MIPS_TLB_ENTRIES; i++) {
            seed = seed * 1103515245u + 12345u;
            env->CP0_Index = i;
            env->CP0_PageMask = masks[(seed >> 8) % 5];
            /* VPN2s from a small range so that entries overlap and ASIDs collide. */
            env->CP0_EntryHi = ((seed >> 4) & 0x0007e000u) | ((seed >> 20) & 3);
            env->CP0_EntryLo0 = LO(0x100000, ENTRYLO_V | ((seed >> 27) & 1 ? ENTRYLO_G : 0));
            env->CP0_EntryLo1 = LO(0x200000, ENTRYLO_V | ((seed >> 27) & 1 ? ENTRYLO_G : 0));
            mips_tlbwi(env);
        }
        for (int k = 0; k < 64; k++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t va = (seed >> 3) & 0x000fffffu, asid = (seed >> 25) & 3;
            int want = -1, got = mips_tlb_find(env, va, asid);
            hwaddr pa;
            int prot;
            uint32_t sz;

            mips_tlb_lookup(env->tlb, MIPS_TLB_ENTRIES, va, asid, MMU_DATA_LOAD, &pa, &prot,
                            &sz, &want);
            cr_assert_eq(got, want, "va %08x asid %u: find %d, lookup %d", va, asid, got,
                         want);
            env->CP0_EntryHi = (va & ENTRYHI_VPN2) | asid;
            mips_tlbp(env);
            cr_assert_eq(env->CP0_Index, want < 0 ? (env->CP0_Index | 0x80000000u)
                                                  : (uint32_t)want);
        }
    }
}
