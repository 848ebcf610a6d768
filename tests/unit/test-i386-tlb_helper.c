/*
 * target-i386/tlb_helper.c: the 32-bit page walk (4 KiB and 4 MiB pages), U/S and
 * R/W rights with CR0.WP, accessed/dirty write-back, A20 masking, debug lookups.
 */
#include <criterion/criterion.h>
#include "../../target-i386/internal.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

static CPUX86State *env;
static MemoryRegion ram;

#define PD 0x10000u
#define PT 0x11000u

static void put32(uint32_t pa, uint32_t v)
{
    address_space_write(&address_space_memory, pa, &v, 4);
}

static uint32_t get32(uint32_t pa)
{
    uint32_t v = 0;

    address_space_read(&address_space_memory, pa, &v, 4);
    return v;
}

static void setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };

    cr_assert(tcg_exec_init(&cfg, &err));
    cr_assert(memory_region_init_ram(&ram, "ram", 4 << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    env = x86_env(cpu_create(cpu_class_by_name("i386", NULL), &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
    /* PDE 0 -> PT (user, writable); PDE 1: a 4 MiB page -> 0 (supervisor, read-only). */
    put32(PD + 0, PT | PG_P | PG_RW | PG_US);
    put32(PD + 4, 0 | PG_P | PG_PS);
    put32(PT + 4 * 1, 0x20000 | PG_P | PG_RW | PG_US);  /* 0x1000: user rw */
    put32(PT + 4 * 2, 0x21000 | PG_P);                  /* 0x2000: supervisor ro */
    put32(PT + 4 * 3, 0x22000 | PG_P | PG_US);          /* 0x3000: user ro */
    env->cr[3] = PD;
    env->cr[4] = CR4_PSE;
    env->cr[0] = CR0_PE | CR0_PG | CR0_ET;
    x86_cpu_update_hflags(env);
}

static bool probe(uint32_t va, MMUAccessType acc, int idx)
{
    return x86_cpu_tlb_fill(&env->cs, va, 1, acc, idx, true, 0);
}

Test(i386_tlb, walk_and_rights, .init = setup)
{
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x1234), 0x20000);
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x2fff), 0x21000);
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x5000), (hwaddr)-1);
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x00523456), 0x123000);

    cr_assert(probe(0x1000, MMU_DATA_STORE, X86_MMU_IDX_USER));
    cr_assert_not(probe(0x2000, MMU_DATA_LOAD, X86_MMU_IDX_USER));
    cr_assert(probe(0x2000, MMU_DATA_LOAD, X86_MMU_IDX_KERNEL));
    cr_assert_not(probe(0x3000, MMU_DATA_STORE, X86_MMU_IDX_USER));
    /* Supervisor writes to read-only pages: allowed unless CR0.WP. */
    cr_assert(probe(0x3000, MMU_DATA_STORE, X86_MMU_IDX_KERNEL));
    env->cr[0] |= CR0_WP;
    cr_assert_not(probe(0x3000, MMU_DATA_STORE, X86_MMU_IDX_KERNEL));
    cr_assert_not(probe(0x00400000, MMU_DATA_STORE, X86_MMU_IDX_KERNEL));
    cr_assert(probe(0x00400000, MMU_DATA_LOAD, X86_MMU_IDX_KERNEL));
    cr_assert_not(probe(0x00400000, MMU_DATA_LOAD, X86_MMU_IDX_USER));
    /* Without CR4.PSE the PS bit is ignored: PDE 1 then points at a table at 0. */
    env->cr[4] = 0;
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x00400000), (hwaddr)-1);
}

Test(i386_tlb, accessed_dirty, .init = setup)
{
    cr_assert(probe(0x1000, MMU_DATA_LOAD, X86_MMU_IDX_USER));
    cr_assert_eq(get32(PT + 4) & (PG_A | PG_D), PG_A);
    cr_assert_eq(get32(PD) & PG_A, PG_A);
    cr_assert(probe(0x1000, MMU_DATA_STORE, X86_MMU_IDX_USER));
    cr_assert_eq(get32(PT + 4) & (PG_A | PG_D), PG_A | PG_D);
    cr_assert(probe(0x00400000, MMU_DATA_LOAD, X86_MMU_IDX_KERNEL));
    cr_assert_eq(get32(PD + 4) & (PG_A | PG_D), PG_A);
    /* A failed walk sets nothing. */
    cr_assert_not(probe(0x3000, MMU_DATA_STORE, X86_MMU_IDX_USER));
    cr_assert_eq(get32(PT + 12) & (PG_A | PG_D), 0);
}

Test(i386_tlb, a20_and_unpaged, .init = setup)
{
    env->cr[0] = CR0_ET;
    x86_cpu_update_hflags(env);
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x00101000), 0x00101000);
    x86_cpu_set_a20(env, false);
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x00101000), 0x00001000);
    x86_cpu_set_a20(env, true);
    cr_assert_eq(env->a20_mask, 0xffffffffu);
}

static void put64(uint32_t pa, uint64_t v)
{
    address_space_write(&address_space_memory, pa, &v, 8);
}

Test(i386_tlb, pae_walk, .init = setup)
{
    /* PDPT at 0x12000: entry 0 -> PD 0x13000; PD[0] -> PT 0x14000; PD[1]: 2 MiB page. */
    put64(0x12000, 0x13000 | PG_P);
    put64(0x13000, 0x14000 | PG_P | PG_RW | PG_US);
    put64(0x13008, 0x00200000 | PG_P | PG_PS);
    put64(0x14000 + 8 * 5, 0x25000 | PG_P | PG_RW | PG_US);
    env->cr[3] = 0x12000;
    env->cr[4] = CR4_PAE;
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x5123), 0x25000);
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x00234567), 0x00234000);
    cr_assert_eq(x86_cpu_get_phys_page_debug(&env->cs, 0x40000000), (hwaddr)-1);
    cr_assert(probe(0x5000, MMU_DATA_STORE, X86_MMU_IDX_USER));
    cr_assert_eq(get32(0x14000 + 8 * 5) & (PG_A | PG_D), PG_A | PG_D);
    cr_assert_not(probe(0x00200000, MMU_DATA_LOAD, X86_MMU_IDX_USER));
    cr_assert(probe(0x00200000, MMU_DATA_LOAD, X86_MMU_IDX_KERNEL));
}

/* Whether mode idx's TLB (main table or victim cache) maps va's page for loads. */
static bool tlb_maps(uint32_t va, int idx)
{
    CPUTLBDescFast *f = &env->cs.tlb_fast[idx];
    CPUTLBDesc *d = &env->cs.tlb.d[idx];
    uint32_t page = va & TARGET_PAGE_MASK;
    CPUTLBEntry *e = &f->table[(va >> TARGET_PAGE_BITS) & (f->mask >> CPU_TLB_ENTRY_BITS)];

    if ((e->addr_read & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) == page) {
        return true;
    }
    for (int v = 0; v < CPU_VTLB_SIZE; v++) {
        if ((d->vtable[v].addr_read & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) == page) {
            return true;
        }
    }
    return false;
}

Test(i386_tlb, global_pages_across_cr3_loads, .init = setup)
{
    const int k = X86_MMU_IDX_KERNEL;

    put32(PT + 4 * 4, 0x23000 | PG_P | PG_RW | PG_G);  /* 0x4000: global */
    put32(PD + 8, 0 | PG_P | PG_PS | PG_G);            /* 4 MiB global at 0x00800000 -> 0 */
    /* CR4.PGE=0: G is ignored, a CR3 load drops everything. */
    cr_assert(probe(0x4000, MMU_DATA_LOAD, k));
    x86_cpu_write_cr(env, 3, PD);
    cr_assert_not(tlb_maps(0x4000, k));

    x86_cpu_write_cr(env, 4, env->cr[4] | CR4_PGE);
    cr_assert(probe(0x4000, MMU_DATA_LOAD, k));
    cr_assert(probe(0x1000, MMU_DATA_LOAD, k));
    cr_assert(probe(0x00812000, MMU_DATA_LOAD, k));
    cr_assert(probe(0x00400000, MMU_DATA_LOAD, k));     /* large, not global */
    x86_cpu_write_cr(env, 3, PD);
    cr_assert(tlb_maps(0x4000, k));
    cr_assert(tlb_maps(0x00812000, k));
    cr_assert_not(tlb_maps(0x1000, k));
    cr_assert_not(tlb_maps(0x00400000, k));
    /* INVLPG inside the global large page drops it. */
    tlb_flush_page(&env->cs, 0x00a00000);
    cr_assert_not(tlb_maps(0x00812000, k));
    cr_assert(probe(0x00812000, MMU_DATA_LOAD, k));

    /* Clearing CR4.PGE flushes global translations too. */
    x86_cpu_write_cr(env, 4, env->cr[4] & ~CR4_PGE);
    cr_assert_not(tlb_maps(0x4000, k));
    cr_assert_not(tlb_maps(0x00812000, k));
    /* And with PGE back on, CR0.PG going off drops them as well. */
    x86_cpu_write_cr(env, 4, env->cr[4] | CR4_PGE);
    cr_assert(probe(0x4000, MMU_DATA_LOAD, k));
    x86_cpu_write_cr(env, 0, env->cr[0] & ~CR0_PG);
    cr_assert_not(tlb_maps(0x4000, k));
}
