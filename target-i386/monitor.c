/*
 * The monitor's `info tlb` for x86: the guest's page tables walked from CR3, as
 * the Intel SDM Vol. 3 ch. 4 defines them: 32-bit paging (4.3: 1024-entry
 * directory, 4 KiB pages through tables, 4 MiB pages with CR4.PSE and PDE.PS) and
 * PAE paging (4.4: the 4-entry PDPT, 512-entry directories and tables of 64-bit
 * entries, 2 MiB pages with PDE.PS, XD in bit 63).
 *
 * One line per present leaf, in address order: "virtual: physical flags", the
 * flags being X (execute-disable), G, P (large page), D, A, C (PCD), T (PWT),
 * U and W, '-' when clear. U and W are the effective rights (every level must
 * allow them); the others are the leaf's. The tables are read from guest physical
 * memory without setting accessed bits, and nothing is cached.
 */
#include "qemu/osdep.h"
#include "cpu.h"
#include "exec/memory.h"
#include "internal.h"

#define X86_MON_ADDR_MASK_32  0xfffff000u
#define X86_MON_ADDR_MASK_PAE 0x000ffffffffff000ull
#define X86_MON_XD            (1ull << 63)

/* A whole table page (4 KiB) from guest physical memory; false if not RAM/ROM. */
static bool x86_mon_read_table(CPUX86State *env, uint64_t pa, uint8_t *buf, size_t len)
{
    return address_space_read(env->cs.as, pa & env->a20_mask, buf, len) == MEMTX_OK;
}

static void x86_mon_print(FILE *f, uint32_t va, uint64_t pa, uint64_t leaf, bool large,
                          uint64_t rights)
{
    fprintf(f, "%08x: %08" PRIx64 " %c%c%c%c%c%c%c%c%c\n", va, pa,
            (leaf & X86_MON_XD) ? 'X' : '-',
            (leaf & PG_G) ? 'G' : '-',
            large ? 'P' : '-',
            (leaf & PG_D) ? 'D' : '-',
            (leaf & PG_A) ? 'A' : '-',
            (leaf & PG_PCD) ? 'C' : '-',
            (leaf & PG_PWT) ? 'T' : '-',
            (rights & PG_US) ? 'U' : '-',
            (rights & PG_RW) ? 'W' : '-');
}

static void x86_mon_dump_32(CPUX86State *env, FILE *f)
{
    uint8_t pd[4096], pt[4096];
    bool pse = env->cr[4] & CR4_PSE;

    if (!x86_mon_read_table(env, env->cr[3] & X86_MON_ADDR_MASK_32, pd, sizeof(pd))) {
        fprintf(f, "page directory at %08x is not in memory\n", env->cr[3]);
        return;
    }
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pde = ldl_le_p(pd + i * 4);

        if (!(pde & PG_P)) {
            continue;
        }
        if ((pde & PG_PS) && pse) {
            /* 4 MiB page: bits 20:13 of the PDE are physical address bits 39:32. */
            uint64_t pa = (pde & 0xffc00000u) | ((uint64_t)((pde >> 13) & 0xff) << 32);

            x86_mon_print(f, i << 22, pa, pde, true, pde);
            continue;
        }
        if (!x86_mon_read_table(env, pde & X86_MON_ADDR_MASK_32, pt, sizeof(pt))) {
            continue;
        }
        for (uint32_t j = 0; j < 1024; j++) {
            uint32_t pte = ldl_le_p(pt + j * 4);

            if (pte & PG_P) {
                x86_mon_print(f, (i << 22) | (j << 12), pte & X86_MON_ADDR_MASK_32, pte,
                              false, pde & pte);
            }
        }
    }
}

static void x86_mon_dump_pae(CPUX86State *env, FILE *f)
{
    uint8_t pdpt[32], pd[4096], pt[4096];

    if (!x86_mon_read_table(env, env->cr[3] & 0xffffffe0u, pdpt, sizeof(pdpt))) {
        fprintf(f, "PDPT at %08x is not in memory\n", env->cr[3]);
        return;
    }
    for (uint32_t l3 = 0; l3 < 4; l3++) {
        uint64_t pdpte = ldq_le_p(pdpt + l3 * 8);

        if (!(pdpte & PG_P) ||
            !x86_mon_read_table(env, pdpte & X86_MON_ADDR_MASK_PAE, pd, sizeof(pd))) {
            continue;
        }
        for (uint32_t l2 = 0; l2 < 512; l2++) {
            uint64_t pde = ldq_le_p(pd + l2 * 8);
            uint32_t va2 = (l3 << 30) | (l2 << 21);

            if (!(pde & PG_P)) {
                continue;
            }
            if (pde & PG_PS) {
                x86_mon_print(f, va2, pde & X86_MON_ADDR_MASK_PAE & ~0x1fffffull, pde,
                              true, pde);
                continue;
            }
            if (!x86_mon_read_table(env, pde & X86_MON_ADDR_MASK_PAE, pt, sizeof(pt))) {
                continue;
            }
            for (uint32_t l1 = 0; l1 < 512; l1++) {
                uint64_t pte = ldq_le_p(pt + l1 * 8);

                if (pte & PG_P) {
                    /* XD applies if any level sets it. */
                    x86_mon_print(f, va2 | (l1 << 12), pte & X86_MON_ADDR_MASK_PAE,
                                  pte | (pde & X86_MON_XD), false, pde & pte);
                }
            }
        }
    }
}

void x86_cpu_dump_tlb(CPUState *cs, FILE *f)
{
    CPUX86State *env = x86_env(cs);

    if (!(env->cr[0] & CR0_PG)) {
        fprintf(f, "PG disabled\n");
        return;
    }
    if (env->cr[4] & CR4_PAE) {
        x86_mon_dump_pae(env, f);
    } else {
        x86_mon_dump_32(env, f);
    }
}
