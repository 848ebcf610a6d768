/*
 * The monitor's `info tlb` for MIPS: the guest's joint TLB as the MIPS32 24K
 * Software User's Manual (MD00343, ch. 3 "Memory Management", CP0 EntryHi,
 * EntryLo0/1, PageMask, Wired) describes an entry: each entry maps an even/odd pair
 * of pages of the size PageMask gives, for one ASID unless G is set; each half has
 * its own PFN, cache attribute C, dirty (writable) D and valid V bits.
 *
 * One line per entry, all entries (invalid ones too, as the TLB holds them):
 *   index, VPN2 (start of the pair), ASID or "global", page size, then for the even
 *   and odd page: the virtual range it covers, the physical address and C/D/V.
 */
#include "qemu/osdep.h"
#include "cpu.h"

static const char *mips_monitor_size_name(uint32_t page)
{
    static char buf[16];

    if (page >= 1024 * 1024) {
        snprintf(buf, sizeof(buf), "%uM", page >> 20);
    } else {
        snprintf(buf, sizeof(buf), "%uK", page >> 10);
    }
    return buf;
}

static void mips_monitor_half(FILE *f, uint32_t va, uint32_t page, uint32_t lo)
{
    uint32_t pa = (((lo >> ENTRYLO_PFN_SHIFT) & 0xfffffu) << 12) & ~(page - 1);

    fprintf(f, "  %08x-%08x -> %08x C%u %c%c", va, va + page - 1, pa,
            (lo >> ENTRYLO_C_SHIFT) & 7, (lo & ENTRYLO_D) ? 'D' : '-',
            (lo & ENTRYLO_V) ? 'V' : '-');
}

void mips_cpu_dump_tlb(CPUState *cs, FILE *f)
{
    CPUMIPSState *env = mips_env(cs);

    fprintf(f, "EntryHi.ASID 0x%02x  Wired %u  PageMask 0x%08x\n",
            env->CP0_EntryHi & ENTRYHI_ASID, env->CP0_Wired, env->CP0_PageMask);
    fprintf(f, "Idx VPN2     ASID   Size  Even page                              "
            "Odd page\n");
    for (int i = 0; i < MIPS_TLB_ENTRIES; i++) {
        const MIPSTLBEntry *e = &env->tlb[i];
        uint32_t page = ((e->pagemask | 0x1fffu) + 1) >> 1;
        uint32_t va = e->vpn2 & ~(2 * page - 1);
        char asid[8];

        if (e->g) {
            snprintf(asid, sizeof(asid), "global");
        } else {
            snprintf(asid, sizeof(asid), "0x%02x", e->asid);
        }
        fprintf(f, "%3d %08x %-6s %4s", i, e->vpn2, asid, mips_monitor_size_name(page));
        mips_monitor_half(f, va, page, e->lo[0]);
        mips_monitor_half(f, va + page, page, e->lo[1]);
        fprintf(f, "\n");
    }
}
