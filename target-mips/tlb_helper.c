/*
 * MIPS32 memory management: the fixed segment map of a 32-bit MIPS32 core and the
 * R4000-style joint TLB of the 24K (16 dual entries, variable page size), following
 * MIPS32 Vol. III ch. 4 ("Virtual memory") and the TLB instruction descriptions in
 * Vol. II. Not modelled: cacheability attributes (C is stored, never acted on), the
 * machine-check exception on duplicate matching entries (the first match wins).
 */
#include "qemu/osdep.h"
#include "cpu.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* What entry e (which matches va by VPN2 and ASID) gives for this access. */
static MIPSTLBResult mips_tlb_entry_result(const MIPSTLBEntry *e, uint32_t va,
                                           MMUAccessType access, hwaddr *pa, int *prot,
                                           uint32_t *pgsize)
{
    uint32_t span = e->pagemask | 0x1fffu;     /* bytes-1 of the pair */
    uint32_t half = (span + 1) >> 1;           /* size of one page */
    uint32_t lo = e->lo[(va & half) ? 1 : 0];
    uint32_t pfn_base;

    if (!(lo & ENTRYLO_V)) {
        return MIPS_TLBRET_INVALID;
    }
    if (access == MMU_DATA_STORE && !(lo & ENTRYLO_D)) {
        return MIPS_TLBRET_DIRTY;
    }
    pfn_base = ((lo >> ENTRYLO_PFN_SHIFT) & 0xfffffu) << 12;
    *pa = (hwaddr)((pfn_base & ~(half - 1)) | (va & (half - 1)));
    *prot = PAGE_READ | PAGE_EXEC;
    if (lo & ENTRYLO_D) {
        *prot |= PAGE_WRITE;
    }
    *pgsize = half;
    return MIPS_TLBRET_MATCH;
}

MIPSTLBResult mips_tlb_lookup(const MIPSTLBEntry *tlb, int n, uint32_t va, uint32_t asid,
                              MMUAccessType access, hwaddr *pa, int *prot,
                              uint32_t *pgsize, int *index)
{
    for (int i = 0; i < n; i++) {
        const MIPSTLBEntry *e = &tlb[i];
        uint32_t span = e->pagemask | 0x1fffu;

        if (((va ^ e->vpn2) & ~span) != 0) {
            continue;
        }
        if (!e->g && e->asid != asid) {
            continue;
        }
        if (index) {
            *index = i;
        }
        return mips_tlb_entry_result(e, va, access, pa, prot, pgsize);
    }
    return MIPS_TLBRET_NOMATCH;
}

void mips_tlb_keys_update(CPUMIPSState *env, int i)
{
    const MIPSTLBEntry *e = &env->tlb[i];

    env->tlb_key[i] = (e->vpn2 & ~0x1fffu) | (e->asid & 0xffu);
    env->tlb_kmask[i] = ~(e->pagemask | 0x1fffu) | (e->g ? 0 : 0xffu);
}

void mips_tlb_keys_rebuild(CPUMIPSState *env)
{
    for (int i = 0; i < MIPS_TLB_ENTRIES; i++) {
        mips_tlb_keys_update(env, i);
    }
}

/*
 * The joint TLB is searched on every softmmu miss in mapped space, twice per guest
 * refill (the miss, then the retry): all 16 keys at once instead of an entry-by-
 * entry loop with a branch per field.
 */
int mips_tlb_find(const CPUMIPSState *env, uint32_t va, uint32_t asid)
{
    uint32_t q = (va & ~0xffu) | (asid & 0xffu);
    unsigned hits = 0;

#ifdef __SSE2__
    __m128i qv = _mm_set1_epi32((int)q), zero = _mm_setzero_si128();
    for (int i = 0; i < MIPS_TLB_ENTRIES; i += 4) {
        __m128i k = _mm_load_si128((const __m128i *)&env->tlb_key[i]);
        __m128i m = _mm_load_si128((const __m128i *)&env->tlb_kmask[i]);
        __m128i eq = _mm_cmpeq_epi32(_mm_and_si128(_mm_xor_si128(qv, k), m), zero);
        hits |= (unsigned)_mm_movemask_ps(_mm_castsi128_ps(eq)) << i;
    }
#else
    for (int i = 0; i < MIPS_TLB_ENTRIES; i++) {
        hits |= (unsigned)(((q ^ env->tlb_key[i]) & env->tlb_kmask[i]) == 0) << i;
    }
#endif
    return hits ? __builtin_ctz(hits) : -1;
}

/* As mips_get_physical_address; *index: the TLB entry used, or -1 (unmapped). */
static MIPSTLBResult mips_translate(CPUMIPSState *env, uint32_t va, MMUAccessType access,
                                    int mmu_idx, hwaddr *pa, int *prot,
                                    uint32_t *pgsize, int *index)
{
    bool user = mmu_idx == MIPS_MMU_IDX_USER;
    bool super = mmu_idx == MIPS_MMU_IDX_SUPER;

    *index = -1;

    if (va < 0x80000000u) {
        /* kuseg: mapped, except while ERL = 1 (unmapped, uncached). */
        if (mmu_idx == MIPS_MMU_IDX_ERL) {
            *pa = va;
            *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
            *pgsize = TARGET_PAGE_SIZE;
            return MIPS_TLBRET_MATCH;
        }
    } else if (va < 0xc0000000u) {
        /* kseg0 / kseg1: kernel only, unmapped. */
        if (user || super) {
            return MIPS_TLBRET_BADADDR;
        }
        *pa = va & 0x1fffffffu;
        *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        *pgsize = TARGET_PAGE_SIZE;
        return MIPS_TLBRET_MATCH;
    } else if (va < 0xe0000000u) {
        /* ksseg / sseg: supervisor and kernel, mapped. */
        if (user) {
            return MIPS_TLBRET_BADADDR;
        }
    } else {
        /* kseg3: kernel, mapped. */
        if (user || super) {
            return MIPS_TLBRET_BADADDR;
        }
    }
    *index = mips_tlb_find(env, va, env->CP0_EntryHi & ENTRYHI_ASID);
    if (*index < 0) {
        return MIPS_TLBRET_NOMATCH;
    }
    return mips_tlb_entry_result(&env->tlb[*index], va, access, pa, prot, pgsize);
}

MIPSTLBResult mips_get_physical_address(CPUMIPSState *env, uint32_t va,
                                        MMUAccessType access, int mmu_idx,
                                        hwaddr *pa, int *prot, uint32_t *pgsize)
{
    int index;

    return mips_translate(env, va, access, mmu_idx, pa, prot, pgsize, &index);
}

static void mips_tlb_exception_state(CPUMIPSState *env, uint32_t va)
{
    env->CP0_BadVAddr = va;
    env->CP0_Context = (env->CP0_Context & ~CONTEXT_BADVPN2) |
                       ((va >> 9) & CONTEXT_BADVPN2);
    env->CP0_EntryHi = (env->CP0_EntryHi & ENTRYHI_ASID) | (va & ENTRYHI_VPN2);
}

bool mips_cpu_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType access_type,
                       int mmu_idx, bool probe, uintptr_t retaddr)
{
    CPUMIPSState *env = mips_env(cs);
    hwaddr pa;
    int prot, excp;
    uint32_t pgsize;
    MIPSTLBResult r;
    bool store = access_type == MMU_DATA_STORE;

    int index;

    r = mips_translate(env, addr, access_type, mmu_idx, &pa, &prot, &pgsize, &index);
    if (r == MIPS_TLBRET_MATCH) {
        if (index >= 0) {
            /* Remember what to flush when this entry is overwritten. */
            env->tlb[index].used[(addr & pgsize) ? 1 : 0] |= 1u << mmu_idx;
        }
        /* Map the 4 KB page holding addr; pgsize tells the softmmu how much a
         * flush of this mapping has to cover. */
        mimic_log_mask(LOG_MMU, "mips_cpu_tlb_fill: va %08x -> pa %08" HWADDR_PRIx
                       " prot %x size %x mmu_idx %d\n", addr, pa, prot, pgsize, mmu_idx);
        tlb_set_page(cs, addr & TARGET_PAGE_MASK, pa & ~(hwaddr)(TARGET_PAGE_SIZE - 1),
                     prot, mmu_idx, pgsize);
        return true;
    }
    if (probe) {
        return false;
    }
    if (retaddr && store && size == 4) {
        /*
         * An SWL that stores its pair's whole word (mips_gen_swlr) accesses
         * addr = its own address - 3, in the same page, as one 4-byte store: the
         * exception is the one the SWL takes, but BadVAddr must be the SWL's
         * address. The insn record says which insn this is (an SWL's own byte
         * stores, where the pair crosses a page, are 1-byte ones).
         */
        cpu_restore_state(cs, retaddr);
        retaddr = 0;
        if (env->restored_swl_pair) {
            addr += 3;
        }
    }
    switch (r) {
    case MIPS_TLBRET_BADADDR:
        excp = store ? MIPS_EXCP_ADES : MIPS_EXCP_ADEL;
        env->CP0_BadVAddr = addr;
        break;
    case MIPS_TLBRET_NOMATCH:
        excp = store ? MIPS_EXCP_TLBS_REFILL : MIPS_EXCP_TLBL_REFILL;
        mips_tlb_exception_state(env, addr);
        break;
    case MIPS_TLBRET_INVALID:
        excp = store ? MIPS_EXCP_TLBS : MIPS_EXCP_TLBL;
        mips_tlb_exception_state(env, addr);
        break;
    default:
        excp = MIPS_EXCP_MOD;
        mips_tlb_exception_state(env, addr);
        break;
    }
    mimic_log_mask(LOG_MMU, "mips_cpu_tlb_fill: va %08x access %d mmu_idx %d: %s\n",
                   addr, access_type, mmu_idx, mips_excp_name(excp));
    mips_raise_exception(env, excp, retaddr);
}

hwaddr mips_cpu_get_phys_page_debug(CPUState *cs, vaddr addr)
{
    CPUMIPSState *env = mips_env(cs);
    hwaddr pa;
    int prot;
    uint32_t pgsize;
    int idx = env->hflags & MIPS_HFLAG_MMU;

    if (mips_get_physical_address(env, addr, MMU_DATA_LOAD, idx, &pa, &prot,
                                  &pgsize) != MIPS_TLBRET_MATCH) {
        return (hwaddr)-1;
    }
    return pa & ~(hwaddr)(TARGET_PAGE_SIZE - 1);
}

/* Pages of one entry beyond which a full flush is cheaper than page flushes. */
#define MIPS_TLB_FLUSH_PAGES_MAX 64

void mips_tlb_flush_entry(CPUMIPSState *env, int idx)
{
    const MIPSTLBEntry *e = &env->tlb[idx];
    uint32_t span = (e->pagemask | 0x1fffu) + 1;
    uint32_t start = e->vpn2 & ~(span - 1);
    uint32_t pages = span / TARGET_PAGE_SIZE;

    uint8_t used[2] = { e->used[0], e->used[1] };

    /* Only softmmu pages made from this entry (recorded by mips_cpu_tlb_fill), in
     * the modes that made them: Linux overwrites an entry on every refill, and
     * scanning every mode's table and victim cache for both pages was a large part
     * of TLB-miss-heavy workloads. */
    env->tlb[idx].used[0] = env->tlb[idx].used[1] = 0;
    if (!(used[0] | used[1])) {
        return;
    }
    if (pages > MIPS_TLB_FLUSH_PAGES_MAX) {
        tlb_flush(&env->cs);
        return;
    }
    for (uint32_t p = 0; p < pages; p++) {
        uint8_t modes = used[p >= pages / 2];
        if (modes) {
            tlb_flush_page_by_mmuidx(&env->cs, start + p * TARGET_PAGE_SIZE, modes);
        }
    }
}

void mips_tlb_asid_changed(CPUMIPSState *env, uint32_t old_asid)
{
    /*
     * The softmmu only holds translations made from guest TLB entries that matched
     * under the ASID current at the time (an overwritten entry is flushed when it
     * is overwritten), so dropping the pages of the old ASID's non-global entries
     * makes every old-ASID translation unreachable; unmapped segments and global
     * entries do not depend on the ASID.
     */
    for (int i = 0; i < MIPS_TLB_ENTRIES; i++) {
        if (!env->tlb[i].g && env->tlb[i].asid == old_asid) {
            mips_tlb_flush_entry(env, i);
        }
    }
}

static void mips_tlb_write(CPUMIPSState *env, int idx)
{
    MIPSTLBEntry *e = &env->tlb[idx];
    uint32_t g = env->CP0_EntryLo0 & env->CP0_EntryLo1 & ENTRYLO_G;

    mips_tlb_flush_entry(env, idx);
    e->pagemask = env->CP0_PageMask;
    e->vpn2 = env->CP0_EntryHi & ENTRYHI_VPN2 & ~env->CP0_PageMask;
    e->asid = env->CP0_EntryHi & ENTRYHI_ASID;
    e->g = g ? 1 : 0;
    e->lo[0] = env->CP0_EntryLo0 & ~ENTRYLO_G;
    e->lo[1] = env->CP0_EntryLo1 & ~ENTRYLO_G;
    mips_tlb_keys_update(env, idx);
    mimic_log_mask(LOG_MMU, "mips tlb write %d: vpn2 %08x mask %08x asid %02x g %d "
                   "lo0 %08x lo1 %08x\n", idx, e->vpn2, e->pagemask, e->asid, e->g,
                   e->lo[0], e->lo[1]);
}

void mips_tlbwi(CPUMIPSState *env)
{
    mips_tlb_write(env, env->CP0_Index % MIPS_TLB_ENTRIES);
}

void mips_tlbwr(CPUMIPSState *env)
{
    uint32_t wired = env->CP0_Wired;
    uint32_t r = env->CP0_Random;

    if (wired >= MIPS_TLB_ENTRIES) {
        r = MIPS_TLB_ENTRIES - 1;
    } else if (r < wired || r >= MIPS_TLB_ENTRIES) {
        r = MIPS_TLB_ENTRIES - 1;
    }
    mips_tlb_write(env, r);
    /* Random counts down from 15 to Wired, then wraps. */
    env->CP0_Random = (r <= wired) ? MIPS_TLB_ENTRIES - 1 : r - 1;
}

void mips_tlbp(CPUMIPSState *env)
{
    uint32_t hi = env->CP0_EntryHi;
    int i = mips_tlb_find(env, hi & ENTRYHI_VPN2, hi & ENTRYHI_ASID);

    if (i >= 0) {
        env->CP0_Index = i;
    } else {
        env->CP0_Index |= 0x80000000u;
    }
}

void mips_tlbr(CPUMIPSState *env)
{
    const MIPSTLBEntry *e = &env->tlb[env->CP0_Index % MIPS_TLB_ENTRIES];
    uint32_t g = e->g ? ENTRYLO_G : 0;
    uint32_t old_asid = env->CP0_EntryHi & ENTRYHI_ASID;

    env->CP0_EntryHi = e->vpn2 | e->asid;
    env->CP0_PageMask = e->pagemask;
    env->CP0_EntryLo0 = e->lo[0] | g;
    env->CP0_EntryLo1 = e->lo[1] | g;
    if (old_asid != e->asid) {
        /* The ASID in EntryHi is the current address space: it just changed. */
        mips_tlb_asid_changed(env, old_asid);
    }
}
