/*
 * The softmmu TLB: a per-CPU, per-MMU-mode cache of guest virtual page ->
 * (host addend for RAM, or MMIO/notdirty flags) consulted inline by generated code.
 *
 * Generated code's fast path for a load of size S at guest address A in mode M:
 *     f = &cpu->tlb.f[M];
 *     e = (CPUTLBEntry *)((uintptr_t)f->table + ((A >> (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS)) & f->mask));
 *     cmp = A & (TARGET_PAGE_MASK | align_mask)    (align_mask = S-1 when MO_ALIGN, else 0;
 *                                                   unaligned accesses that may cross a
 *                                                   page compare (A + S - 1) & PAGE_MASK)
 *     if (cmp != e->addr_read) goto slow;          (addr_write for stores)
 *     host = A + e->addend;
 * Low bits of addr_read/addr_write/addr_code carry TLB_* flags so any of them fails the
 * compare and sends the access to the slow path (helper_ld*_mmu / helper_st*_mmu).
 */
#ifndef EXEC_CPUTLB_H
#define EXEC_CPUTLB_H

#include "qemu/osdep.h"
#include "tcg/memop.h"

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1u << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(uint32_t)(TARGET_PAGE_SIZE - 1))

#define MMU_MODES_MAX 4

/* Flags in the low bits of the TLB address fields. */
#define TLB_INVALID_MASK (1u << (TARGET_PAGE_BITS - 1))   /* no valid translation */
#define TLB_NOTDIRTY     (1u << (TARGET_PAGE_BITS - 2))   /* page holds translated code */
#define TLB_MMIO         (1u << (TARGET_PAGE_BITS - 3))   /* not RAM: go through memory API */
#define TLB_DISCARD_WRITE (1u << (TARGET_PAGE_BITS - 4))  /* ROM: writes ignored */
#define TLB_WATCH        (1u << (TARGET_PAGE_BITS - 5))   /* a gdb watchpoint is on the page */
#define TLB_FLAGS_MASK   (TLB_INVALID_MASK | TLB_NOTDIRTY | TLB_MMIO | TLB_DISCARD_WRITE | \
                          TLB_WATCH)

/* CPUTLBEntry.attrs: the entry came from a global translation (PAGE_GLOBAL) and
 * survives tlb_flush_nonglobal. */
#define TLB_ATTR_GLOBAL  1u

typedef struct CPUTLBEntry {
    uint32_t addr_read;
    uint32_t addr_write;
    uint32_t addr_code;
    uint32_t attrs;         /* TLB_ATTR_*: not read by generated code */
    uintptr_t addend;       /* host = guest vaddr + addend (RAM pages) */
    uintptr_t pad2;
} CPUTLBEntry;

#define CPU_TLB_ENTRY_BITS 5     /* sizeof(CPUTLBEntry) == 32 */
#define CPU_TLB_DYN_MIN_BITS 8
/* 2^16 entries map 256 MiB: a guest's whole RAM at the sizes the boards offer. Big
 * tables stay cheap to flush because a flush only resets the entries filled since
 * the last one (CPUTLBDesc.fill_log). */
#define CPU_TLB_DYN_MAX_BITS 16
#define CPU_VTLB_SIZE 8

/* Slow-path information for each fast entry (not touched by generated code). */
typedef struct CPUTLBEntryFull {
    hwaddr phys_addr;              /* guest physical page */
    struct MemoryRegion *mr;       /* region the page maps to */
    hwaddr mr_offset;              /* page's offset within mr */
    int prot;                      /* PAGE_READ | PAGE_WRITE | PAGE_EXEC */
    unsigned lg_page_size;         /* size of the guest mapping (for flush ranges) */
} CPUTLBEntryFull;

#define PAGE_READ  1
#define PAGE_WRITE 2
#define PAGE_EXEC  4
/* Passed in tlb_set_page's prot: a global translation (x86 PTE.G with CR4.PGE) that
 * an address-space switch (tlb_flush_nonglobal) keeps. */
#define PAGE_GLOBAL 8

/* What generated code reads: kept first in CPUState for short displacements. */
typedef struct CPUTLBDescFast {
    uintptr_t mask;                /* (n_entries - 1) << CPU_TLB_ENTRY_BITS */
    CPUTLBEntry *table;
} CPUTLBDescFast;

/*
 * A direct RAM window of one MMU mode: guest virtual addresses [base, base + size)
 * that map linearly, with no translation, onto one contiguous block of plain RAM
 * (MIPS kseg0 in kernel mode, x86 linear addresses with paging off). Generated
 * code tries it before the TLB in the modes of TCGContext.ldst_window_mmu_mask:
 *     t = A - base                 (32-bit; base is a constant in the code, fixed
 *                                   per mode by TCGContext.ldst_window_base)
 *     if (t >= lim) goto tlb;      (out of line: the TLB check above, then the helper)
 *     if (A & align_mask) goto tlb;  (or both at once: ror(t, k) >= lim_ror[k])
 *     host = A + addend;
 * lim is the window's size less one page, so any access or shared-check span
 * (less than a page) that starts below base + lim ends inside the window; lim 0
 * means no window (every t fails). Stores take the window only when the page
 * holds no translated code: code_map has one byte per window page, non-zero for
 * a page with code (kept by tlb_protect_code / tlb_unprotect_code), checked inline
 * as TLB_NOTDIRTY is in the write tag.
 * Generated stores use store_map instead, which answers both questions in one
 * load: indexed by ror(t, k) >> (TARGET_PAGE_BITS - k) for an access aligned to
 * 2^k bytes (k = 0 for the others), it is 0xff for a window page without code
 * and 0 everywhere else: past the window, and from 2^(32 - TARGET_PAGE_BITS) on,
 * where misaligned offsets rotate to. (0xff: a word of two such bytes is -1,
 * which x86 compares with a one-byte immediate.) It spans TLB_WIN_STORE_MAP_SIZE
 * bytes of which only the window's pages are ever written; a mode without a
 * window points at a shared map of zeros.
 */
#define TLB_WIN_STORE_MAP_SIZE (((size_t)1 << (32 - TARGET_PAGE_BITS + 3)) + \
                                TARGET_PAGE_SIZE)
typedef struct CPUTLBWindow {
    uint32_t base;                  /* for C code: generated code has it as a constant */
    uint32_t lim;
    uintptr_t addend;               /* host = guest vaddr + addend */
    uint8_t *code_map;              /* indexed by (A - base) >> TARGET_PAGE_BITS */
    uint8_t *store_map;             /* see above: 0xff = a plain store may go to RAM */
    /* lim >> k, for the checks of accesses that must be aligned to 2^k bytes:
     * generated code rotates t right by k, which puts any misaligned low bits at
     * the top (far above lim >> k) and compares once for both conditions. */
    uint32_t lim_ror[4];
} CPUTLBWindow;

typedef struct CPUTLBDesc {
    CPUTLBEntryFull *fulltlb;
    CPUTLBEntry vtable[CPU_VTLB_SIZE];      /* victim cache */
    CPUTLBEntryFull vfulltlb[CPU_VTLB_SIZE];
    unsigned vindex;
    uint32_t large_page_addr, large_page_mask;  /* range covered by large guest pages */
    uint32_t glarge_page_addr, glarge_page_mask; /* the same for global large pages only */
    bool has_global;                /* the table may hold TLB_ATTR_GLOBAL entries */
    unsigned n_used_entries;
    /* Where the valid entries are, so that flushing a big, sparsely used table
     * costs what was filled rather than the table's size: fill_log[0] lists the
     * slots that got a non-global entry since the last flush (of any kind),
     * fill_log[1] those that got a global one since the last full flush. A slot
     * may be listed twice, or hold something else by now; fill_len[k] > fill_cap
     * means log k overflowed and the whole table must be reset or scanned. */
    uint32_t *fill_log[2];
    unsigned fill_len[2], fill_cap;
    /* Valid entries replaced by another page since the table was last sized. */
    unsigned n_evictions;
    int64_t window_begin_ns;
    unsigned window_max_entries;
    /* The direct window the target asked for (tlb_set_window), and what it
     * resolved to in the current memory map: win_size 0 = none. */
    uint32_t win_req_vbase, win_req_size;
    hwaddr win_req_pbase;
    uint32_t win_size;
    hwaddr win_ram_addr;            /* ram_addr of the window's first byte */
} CPUTLBDesc;

typedef struct CPUTLB {
    CPUTLBDesc d[MMU_MODES_MAX];
} CPUTLB;

typedef enum MMUAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2,
} MMUAccessType;

struct CPUState;

void tlb_init(struct CPUState *cpu);
void tlb_destroy(struct CPUState *cpu);
void tlb_flush(struct CPUState *cpu);
void tlb_flush_by_mmuidx(struct CPUState *cpu, uint16_t idxmap);
/* An address-space switch (x86 CR3 load with CR4.PGE=1): drop every translation except
 * the global ones (PAGE_GLOBAL), and the jump-cache entries except those of TBs whose
 * pages were global when they were entered. */
void tlb_flush_nonglobal(struct CPUState *cpu);
void tlb_flush_page(struct CPUState *cpu, vaddr addr);
void tlb_flush_page_by_mmuidx(struct CPUState *cpu, vaddr addr, uint16_t idxmap);
/* Called by a target's tlb_fill: map the page containing vaddr. size is the guest
 * mapping size (>= TARGET_PAGE_SIZE, power of two). prot may carry PAGE_GLOBAL. */
void tlb_set_page(struct CPUState *cpu, vaddr va, hwaddr pa, int prot, int mmu_idx,
                  uint32_t size);
/* Ask for a direct RAM window in mode mmu_idx (see CPUTLBWindow): guest virtual
 * [vbase, vbase + size) maps to guest physical [pbase, pbase + size). The window is
 * cut to the plain RAM found at pbase in the current memory map (and recomputed
 * when the map changes); size 0, or no RAM at pbase, means no window. Only for
 * modes where that mapping is fixed by the architecture for as long as the window
 * stays set: the target calls this again whenever the answer changes. */
/* The CPU's watchpoints changed: drop its translations and close (or reopen) its
 * windows, which generated code uses without looking at the TLB. */
void tlb_watchpoints_changed(struct CPUState *cpu);
void tlb_set_window(struct CPUState *cpu, int mmu_idx, vaddr vbase, hwaddr pbase,
                    uint32_t size);
/* The shared all-zero CPUTLBWindow.store_map of modes without a window. */
uint8_t *tlb_store_map_zero(void);
/* A page now holds translated code: make stores to it take the slow path. */
void tlb_protect_code(hwaddr ram_addr_page);
void tlb_unprotect_code(hwaddr ram_addr_page);

/* Slow paths called from generated code (retaddr = host return address in the TB).
 * Return values are zero/sign-extended per the MemOp in oi. */
uint64_t helper_ld_mmu(struct CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t retaddr);
void helper_st_mmu(struct CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr);

/* C-side guest accesses (helpers, translator code fetch). retaddr 0 = not from a TB. */
uint32_t cpu_ldub_mmuidx_ra(struct CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra);
uint32_t cpu_lduw_mmuidx_ra(struct CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra); /* LE */
uint32_t cpu_ldl_mmuidx_ra(struct CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra);  /* LE */
uint64_t cpu_ldq_mmuidx_ra(struct CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra);  /* LE */
void cpu_stb_mmuidx_ra(struct CPUState *cpu, vaddr a, uint32_t v, int mmu_idx, uintptr_t ra);
void cpu_stw_mmuidx_ra(struct CPUState *cpu, vaddr a, uint32_t v, int mmu_idx, uintptr_t ra);
void cpu_stl_mmuidx_ra(struct CPUState *cpu, vaddr a, uint32_t v, int mmu_idx, uintptr_t ra);
void cpu_stq_mmuidx_ra(struct CPUState *cpu, vaddr a, uint64_t v, int mmu_idx, uintptr_t ra);
/* Instruction fetch (MMU_INST_FETCH, mode from the CPU class's mmu_index(cpu, true)). */
uint32_t cpu_ldub_code(struct CPUState *cpu, vaddr a);
uint32_t cpu_lduw_code(struct CPUState *cpu, vaddr a);
uint32_t cpu_ldl_code(struct CPUState *cpu, vaddr a);

/* Translate a code address to a guest physical address (filling the TLB; may raise
 * the guest's fetch exception via cpu_loop_exit). Returns -1 if not backed by RAM/ROM. */
hwaddr get_page_addr_code(struct CPUState *cpu, vaddr addr, void **hostp);

/* Probe without faulting: host pointer for RAM, NULL otherwise (MMIO, or no mapping
 * when nonfault is true). */
void *probe_access(struct CPUState *cpu, vaddr addr, int size, MMUAccessType type,
                   int mmu_idx, uintptr_t retaddr);

#endif
