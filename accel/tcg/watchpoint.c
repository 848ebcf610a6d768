/*
 * Data watchpoints for the GDB stub (Z2 write, Z3 read, Z4 access), behaving as
 * a debugger expects of hardware ones: the access completes, and the CPU stops
 * after the insn that made it, the stop reply naming the data address.
 *
 * How, without costing anything while there are none:
 * - The TLB entries of a page holding a watchpoint carry TLB_WATCH in the field of
 *   each watched kind (addr_read, addr_write), so generated code sends those
 *   accesses to the slow path; the direct RAM windows, which bypass the TLB, are
 *   closed while a CPU has any watchpoint (cputlb.c).
 * - The slow path calls cpu_watchpoint_check. On a hit it records the watchpoint,
 *   restores the guest state of the insn's start and unwinds; the loop runs that
 *   insn again as a TB of its own (CF_WATCH_STEP: uncached, unchained, no
 *   interrupt taken before it) with the watchpoints ignored, then stops with
 *   EXCP_DEBUG (cpu-exec.c). If the insn faults instead, the hit is dropped: it did
 *   not complete, and runs again after the guest's handler.
 */
#include "qemu/osdep.h"
#include "exec/exec-all.h"
#include "exec/cputlb.h"
#include "exec/translation-block.h"

static bool wp_overlaps(const CPUWatchpoint *wp, vaddr addr, vaddr len)
{
    return addr < wp->addr + wp->len && wp->addr < addr + len;
}

bool cpu_watchpoint_insert(CPUState *cpu, vaddr addr, vaddr len, int flags)
{
    if (!len || addr + len < addr || !(flags & BP_MEM_ACCESS) ||
        (flags & ~BP_MEM_ACCESS)) {
        return false;
    }
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        const CPUWatchpoint *wp = &cpu->watchpoints[i];
        if (wp->addr == addr && wp->len == len && wp->flags == flags) {
            return true;        /* gdb may insert the same one twice */
        }
    }
    if (cpu->nb_watchpoints >= CPU_MAX_WATCHPOINTS) {
        return false;
    }
    cpu->watchpoints[cpu->nb_watchpoints++] = (CPUWatchpoint){ addr, len, flags };
    tlb_watchpoints_changed(cpu);
    return true;
}

bool cpu_watchpoint_remove(CPUState *cpu, vaddr addr, vaddr len, int flags)
{
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        const CPUWatchpoint *wp = &cpu->watchpoints[i];
        if (wp->addr == addr && wp->len == len && wp->flags == flags) {
            cpu->watchpoints[i] = cpu->watchpoints[--cpu->nb_watchpoints];
            tlb_watchpoints_changed(cpu);
            return true;
        }
    }
    return false;
}

void cpu_watchpoint_remove_all(CPUState *cpu)
{
    if (cpu->nb_watchpoints) {
        cpu->nb_watchpoints = 0;
        tlb_watchpoints_changed(cpu);
    }
    cpu->watch_hit.flags = 0;
}

int cpu_watchpoint_page_flags(const CPUState *cpu, vaddr page)
{
    int flags = 0;

    page &= TARGET_PAGE_MASK;
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        if (wp_overlaps(&cpu->watchpoints[i], page, TARGET_PAGE_SIZE)) {
            flags |= cpu->watchpoints[i].flags;
        }
    }
    return flags;
}

void cpu_watchpoint_check(CPUState *cpu, vaddr addr, unsigned len, int flags,
                          uintptr_t retaddr)
{
    if (cpu->watch_step) {
        return;                 /* the insn that hit, running to completion */
    }
    for (int i = 0; i < cpu->nb_watchpoints; i++) {
        const CPUWatchpoint *wp = &cpu->watchpoints[i];
        if ((wp->flags & flags) && wp_overlaps(wp, addr, len)) {
            cpu->watch_hit = *wp;
            /* An address inside both the access and the watched range: gdb
             * matches the reported address against its watchpoints. */
            cpu->watch_hit_addr = MAX(addr, wp->addr);
            cpu->cflags_next_tb = 1 | CF_NOCACHE | CF_NOCHAIN | CF_WATCH_STEP;
            cpu_loop_exit_restore(cpu, retaddr);
        }
    }
}
