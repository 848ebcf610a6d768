/*
 * i386 MMU: 32-bit two-level paging with 4 MiB pages (CR4.PSE) and global pages,
 * accessed/dirty bits, CR0.WP, U/S and R/W checks, #PF with CR2 and the error code,
 * and the A20 gate applied to every physical address.
 *
 * Intel SDM Vol. 3, 4.3 (32-bit paging), 4.4 (PAE paging), 4.6 (access rights), 4.7
 * (page-fault exceptions), 4.8 (accessed and dirty flags). Not modelled: PSE-36 and
 * NX (not advertised; reserved-bit checks are not made either), PCD/PWT/PAT memory
 * types (caches are not modelled), SMEP/SMAP.
 *
 * The softmmu TLB never grants write access to a clean page: the first store comes
 * back here to set the dirty bit, as the hardware's page walk would.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "exec/memory.h"
#include "qemu/log.h"

typedef struct X86Walk {
    hwaddr pa;
    int prot;
    uint32_t page_size;
    uint32_t err;           /* #PF error code when the walk fails */
} X86Walk;

static uint32_t x86_ldl_phys(CPUX86State *env, hwaddr pa)
{
    uint64_t v = 0;

    address_space_read_val(env->cs.as, pa & env->a20_mask, &v, 4);
    return (uint32_t)v;
}

static void x86_stl_phys(CPUX86State *env, hwaddr pa, uint32_t v)
{
    address_space_write_val(env->cs.as, pa & env->a20_mask, v, 4);
}

static uint64_t x86_ldq_phys(CPUX86State *env, hwaddr pa)
{
    uint64_t v = 0;

    address_space_read_val(env->cs.as, pa & env->a20_mask, &v, 8);
    return v;
}

/* Access rights of a leaf (R/W and U/S of every level in rights) into w->prot. */
static bool x86_check_rights(CPUX86State *env, uint64_t rights, MMUAccessType access,
                             bool user, X86Walk *w)
{
    w->prot = PAGE_READ | PAGE_EXEC;
    if (user) {
        if (!(rights & PG_US)) {
            return false;
        }
        if (rights & PG_RW) {
            w->prot |= PAGE_WRITE;
        }
    } else if ((rights & PG_RW) || !(env->cr[0] & CR0_WP)) {
        w->prot |= PAGE_WRITE;
    }
    return !(access == MMU_DATA_STORE && !(w->prot & PAGE_WRITE));
}

/*
 * PAE paging (SDM 4.4): a 4-entry PDPT at CR3, then 512-entry directories and tables
 * of 64-bit entries; 2 MiB pages. The PDPTEs are read from memory on each walk rather
 * than latched at the CR3 load (software changes them only before reloading CR3).
 * Physical addresses above 4 GiB are kept (36-bit MAXPHYADDR).
 */
static bool x86_walk_pae(CPUX86State *env, uint32_t addr, MMUAccessType access, bool user,
                         bool update, X86Walk *w)
{
    const uint64_t frame = 0x0000000ffffff000ull;
    bool is_write = access == MMU_DATA_STORE;
    hwaddr pdpte_addr, pde_addr, pte_addr = 0;
    uint64_t pdpte, pde, pte, rights;
    bool large;

    w->err = (is_write ? PF_ERR_W : 0) | (user ? PF_ERR_U : 0);
    pdpte_addr = (env->cr[3] & 0xffffffe0u) + ((addr >> 30) & 3) * 8;
    pdpte = x86_ldq_phys(env, pdpte_addr);
    if (!(pdpte & PG_P)) {
        return false;
    }
    pde_addr = (pdpte & frame) + ((addr >> 21) & 0x1ff) * 8;
    pde = x86_ldq_phys(env, pde_addr);
    if (!(pde & PG_P)) {
        return false;
    }
    large = pde & PG_PS;
    if (large) {
        pte = pde;
        rights = pde;
        w->page_size = 2u << 20;
        w->pa = (pde & 0x0000000fffe00000ull) | (addr & 0x001ff000u);
    } else {
        pte_addr = (pde & frame) + ((addr >> 12) & 0x1ff) * 8;
        pte = x86_ldq_phys(env, pte_addr);
        if (!(pte & PG_P)) {
            return false;
        }
        rights = pde & pte;
        w->page_size = TARGET_PAGE_SIZE;
        w->pa = pte & frame;
    }
    w->err |= PF_ERR_P;
    if (!x86_check_rights(env, rights, access, user, w)) {
        return false;
    }
    if (update) {
        /* A and D live in the low dword of the 64-bit entries. */
        if (!(pde & PG_A) || (large && is_write && !(pde & PG_D))) {
            pde |= PG_A | ((large && is_write) ? PG_D : 0);
            x86_stl_phys(env, pde_addr, (uint32_t)pde);
        }
        if (!large) {
            uint64_t npte = pte | PG_A | (is_write ? PG_D : 0);

            if (npte != pte) {
                x86_stl_phys(env, pte_addr, (uint32_t)npte);
                pte = npte;
            }
        } else {
            pte = pde;
        }
    }
    if (!(pte & PG_D)) {
        w->prot &= ~PAGE_WRITE;
    }
    /* G lives in the leaf (the PDE of a large page); it only counts with CR4.PGE. */
    if ((pte & PG_G) && (env->cr[4] & CR4_PGE)) {
        w->prot |= PAGE_GLOBAL;
    }
    return true;
}

/*
 * Walk the page tables for addr. update: set A/D bits (false for debug lookups).
 * Returns false with w->err filled on a fault.
 */
static bool x86_walk(CPUX86State *env, uint32_t addr, MMUAccessType access, bool user,
                     bool update, X86Walk *w)
{
    if (env->cr[4] & CR4_PAE) {
        return x86_walk_pae(env, addr, access, user, update, w);
    }
    bool is_write = access == MMU_DATA_STORE;
    uint32_t pde_addr, pde, pte_addr = 0, pte, rights;
    bool large;

    w->err = (is_write ? PF_ERR_W : 0) | (user ? PF_ERR_U : 0);
    pde_addr = (env->cr[3] & 0xfffff000u) + ((addr >> 20) & 0xffc);
    pde = x86_ldl_phys(env, pde_addr);
    if (!(pde & PG_P)) {
        return false;
    }
    large = (pde & PG_PS) && (env->cr[4] & CR4_PSE);
    if (large) {
        pte = pde;
        rights = pde;
        w->page_size = 4u << 20;
        w->pa = (pde & 0xffc00000u) | (addr & 0x003ff000u);
    } else {
        pte_addr = (pde & 0xfffff000u) + ((addr >> 10) & 0xffc);
        pte = x86_ldl_phys(env, pte_addr);
        if (!(pte & PG_P)) {
            return false;
        }
        rights = pde & pte;
        w->page_size = TARGET_PAGE_SIZE;
        w->pa = pte & 0xfffff000u;
    }
    w->err |= PF_ERR_P;

    w->prot = PAGE_READ | PAGE_EXEC;
    if (user) {
        if (!(rights & PG_US)) {
            return false;
        }
        if (rights & PG_RW) {
            w->prot |= PAGE_WRITE;
        }
    } else if ((rights & PG_RW) || !(env->cr[0] & CR0_WP)) {
        w->prot |= PAGE_WRITE;
    }
    if (is_write && !(w->prot & PAGE_WRITE)) {
        return false;
    }
    if (update) {
        if (!(pde & PG_A)) {
            pde |= PG_A;
            if (large && is_write) {
                pde |= PG_D;
            }
            x86_stl_phys(env, pde_addr, pde);
        } else if (large && is_write && !(pde & PG_D)) {
            pde |= PG_D;
            x86_stl_phys(env, pde_addr, pde);
        }
        if (!large) {
            uint32_t npte = pte | PG_A | (is_write ? PG_D : 0);

            if (npte != pte) {
                x86_stl_phys(env, pte_addr, npte);
                pte = npte;
            }
        } else {
            pte = pde;
        }
    }
    /* A clean page is mapped read-only so the first store sets D through a walk. */
    if (!(pte & PG_D)) {
        w->prot &= ~PAGE_WRITE;
    }
    /* G lives in the leaf (the PDE of a large page); it only counts with CR4.PGE. */
    if ((pte & PG_G) && (env->cr[4] & CR4_PGE)) {
        w->prot |= PAGE_GLOBAL;
    }
    return true;
}

bool x86_cpu_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType access_type,
                      int mmu_idx, bool probe, uintptr_t retaddr)
{
    CPUX86State *env = x86_env(cs);
    X86Walk w;

    if (mmu_idx == X86_MMU_IDX_PHYS) {
        tlb_set_page(cs, addr & TARGET_PAGE_MASK, (addr & env->a20_mask) & TARGET_PAGE_MASK,
                     PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx, TARGET_PAGE_SIZE);
        return true;
    }
    if (x86_walk(env, addr, access_type, mmu_idx == X86_MMU_IDX_USER, true, &w)) {
        tlb_set_page(cs, addr & TARGET_PAGE_MASK,
                     ((w.pa | (addr & (w.page_size - 1))) & env->a20_mask) &
                     TARGET_PAGE_MASK,
                     w.prot, mmu_idx, w.page_size);
        return true;
    }
    if (probe) {
        return false;
    }
    mimic_log_mask(LOG_MMU, "i386: #PF addr %08x err %x eip %08x\n", (uint32_t)addr,
                   w.err, env->eip);
    env->cr[2] = addr;
    x86_raise_exception_err(env, EXCP0E_PAGE, w.err, retaddr);
}

hwaddr x86_cpu_get_phys_page_debug(CPUState *cs, vaddr addr)
{
    CPUX86State *env = x86_env(cs);
    X86Walk w;

    if (!(env->cr[0] & CR0_PG)) {
        return (addr & env->a20_mask) & TARGET_PAGE_MASK;
    }
    if (!x86_walk(env, addr, MMU_DATA_LOAD, false, false, &w)) {
        return (hwaddr)-1;
    }
    return ((w.pa | (addr & (w.page_size - 1))) & env->a20_mask) & TARGET_PAGE_MASK;
}
