/*
 * The softmmu TLB: per CPU and MMU mode, a power-of-two table of CPUTLBEntry that the
 * generated code probes inline, a small victim cache behind it, and the slow paths
 * that fill entries (through the target's page walker), dispatch MMIO, handle
 * unaligned and page-crossing accesses, and catch stores to pages holding code.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "exec/memory.h"
#include <sys/mman.h>

#define TLB_RESIZE_WINDOW_NS (100 * 1000 * 1000)

static inline unsigned tlb_n_entries(const CPUTLBDescFast *f)
{
    return (f->mask >> CPU_TLB_ENTRY_BITS) + 1;
}

static inline unsigned tlb_index(const CPUTLBDescFast *f, vaddr addr)
{
    return (addr >> TARGET_PAGE_BITS) & (f->mask >> CPU_TLB_ENTRY_BITS);
}

static inline CPUTLBEntry *tlb_entry(CPUState *cpu, int mmu_idx, vaddr addr)
{
    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    return &f->table[tlb_index(f, addr)];
}

static inline bool tlb_hit_page(uint32_t tlb_addr, vaddr page)
{
    return (tlb_addr & (TARGET_PAGE_MASK | TLB_INVALID_MASK)) == page;
}

static void tlb_alloc_tables(CPUState *cpu, int mmu_idx, unsigned bits)
{
    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];
    unsigned n = 1u << bits;

    g_free(f->table);
    g_free(d->fulltlb);
    g_free(d->fill_log[0]);
    g_free(d->fill_log[1]);
    f->table = g_new(CPUTLBEntry, n);
    f->mask = (uintptr_t)(n - 1) << CPU_TLB_ENTRY_BITS;
    d->fulltlb = g_new0(CPUTLBEntryFull, n);
    /* A log longer than the table only holds duplicates: then a memset or a scan
     * costs no more than following it. */
    d->fill_cap = n;
    d->fill_log[0] = g_new(uint32_t, n);
    d->fill_log[1] = g_new(uint32_t, n);
    d->fill_len[0] = d->fill_len[1] = 0;
    d->n_used_entries = 0;
    d->n_evictions = 0;
    /* All-ones addresses have TLB_INVALID_MASK set: no access can match. */
    memset(f->table, 0xff, sizeof(CPUTLBEntry) * n);
}

static inline bool tlb_entry_valid(const CPUTLBEntry *e)
{
    return !(e->addr_read & e->addr_write & e->addr_code & TLB_INVALID_MASK);
}

/* Which fill log lists a slot holding e: 1 for global entries. */
static inline unsigned tlb_entry_log(const CPUTLBEntry *e)
{
    return e->attrs & TLB_ATTR_GLOBAL ? 1 : 0;
}

static inline void tlb_log_fill(CPUTLBDesc *d, unsigned k, unsigned idx)
{
    if (d->fill_len[k] < d->fill_cap) {
        d->fill_log[k][d->fill_len[k]++] = idx;
    } else {
        d->fill_len[k] = d->fill_cap + 1;
    }
}

static inline bool tlb_log_complete(const CPUTLBDesc *d, unsigned k)
{
    return d->fill_len[k] <= d->fill_cap;
}

/* Slot idx, holding old, is about to hold the valid entry ne: keep the count of
 * used entries and the fill logs true (a slot that already held an entry of ne's
 * kind is listed in that kind's log already). */
static inline void tlb_note_fill(CPUTLBDesc *d, unsigned idx, const CPUTLBEntry *old,
                                 const CPUTLBEntry *ne)
{
    if (!tlb_entry_valid(old)) {
        d->n_used_entries++;
        tlb_log_fill(d, tlb_entry_log(ne), idx);
    } else if (tlb_entry_log(old) != tlb_entry_log(ne)) {
        tlb_log_fill(d, tlb_entry_log(ne), idx);
    }
}

/*
 * Store maps (CPUTLBWindow.store_map) are mostly address space: only the bytes
 * of a window's pages are ever written. A mode without a window points at one
 * shared read-only map of zeros, so stores there always take the slow path.
 */
static uint8_t *tlb_store_map_new(bool writable)
{
    void *p = mmap(NULL, TLB_WIN_STORE_MAP_SIZE,
                   writable ? PROT_READ | PROT_WRITE : PROT_READ,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    /*
     * With transparent huge pages on, the first byte written would fault in (and
     * clear) 2 MiB where a window of 256 MiB writes 64 KiB: 14 ms of a MIPS boot's
     * CPU for its two windows' maps, in a VM that backs fresh memory lazily.
     */
    if (writable) {
        madvise(p, TLB_WIN_STORE_MAP_SIZE, MADV_NOHUGEPAGE);
    }
    return p;
}

uint8_t *tlb_store_map_zero(void)
{
    static uint8_t *zero;

    if (!zero) {
        zero = tlb_store_map_new(false);
        if (!zero) {
            error_report("cannot reserve %zu bytes for the direct-window store map",
                         (size_t)TLB_WIN_STORE_MAP_SIZE);
            abort();
        }
    }
    return zero;
}

/* The CPU's own store map for mode mmu_idx, or NULL if none could be had. */
static uint8_t *tlb_store_map_own(CPUTLBWindow *w)
{
    if (w->store_map && w->store_map != tlb_store_map_zero()) {
        return w->store_map;
    }
    uint8_t *m = tlb_store_map_new(true);
    if (m) {
        w->store_map = m;
    }
    return m;
}

void tlb_init(CPUState *cpu)
{
    for (int i = 0; i < MMU_MODES_MAX; i++) {
        tlb_alloc_tables(cpu, i, CPU_TLB_DYN_MIN_BITS);
        CPUTLBDesc *d = &cpu->tlb.d[i];
        memset(d->vtable, 0xff, sizeof(d->vtable));
        d->large_page_addr = -1;
        d->large_page_mask = -1;
        d->glarge_page_addr = -1;
        d->glarge_page_mask = -1;
        cpu->tlb_win[i].store_map = tlb_store_map_zero();
    }
}

void tlb_destroy(CPUState *cpu)
{
    for (int i = 0; i < MMU_MODES_MAX; i++) {
        g_free(cpu->tlb_fast[i].table);
        g_free(cpu->tlb.d[i].fulltlb);
        g_free(cpu->tlb.d[i].fill_log[0]);
        g_free(cpu->tlb.d[i].fill_log[1]);
        cpu->tlb_fast[i].table = NULL;
        cpu->tlb.d[i].fulltlb = NULL;
        cpu->tlb.d[i].fill_log[0] = NULL;
        cpu->tlb.d[i].fill_log[1] = NULL;
        g_free(cpu->tlb_win[i].code_map);
        uint8_t *store_map = cpu->tlb_win[i].store_map;
        if (store_map && store_map != tlb_store_map_zero()) {
            munmap(store_map, TLB_WIN_STORE_MAP_SIZE);
        }
        cpu->tlb_win[i] = (CPUTLBWindow){ .store_map = tlb_store_map_zero() };
        cpu->tlb.d[i].win_size = 0;
    }
}

/*
 * Size the table to the working set seen since the last resize: grow when most
 * entries were used (guest kernels with many mappings), shrink when few were (small
 * tables flush faster, and guests that switch address spaces flush often).
 */
static bool tlb_maybe_resize(CPUState *cpu, int mmu_idx)
{
    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];
    unsigned n = tlb_n_entries(f);
    unsigned bits = __builtin_ctz(n);
    unsigned used = d->n_used_entries;

    if (used > d->window_max_entries) {
        d->window_max_entries = used;
    }
    if (d->window_max_entries * 10 > n * 7 && bits < CPU_TLB_DYN_MAX_BITS) {
        tlb_alloc_tables(cpu, mmu_idx, bits + 1);
        d->window_max_entries = 0;
        return true;
    } else if (d->window_max_entries * 10 < n * 2 && bits > CPU_TLB_DYN_MIN_BITS &&
               ++d->window_begin_ns > 64) {
        /* Only after many quiet flushes in a row: shrinking loses useful entries. */
        tlb_alloc_tables(cpu, mmu_idx, bits - 1);
        d->window_max_entries = 0;
        d->window_begin_ns = 0;
        return true;
    }
    return false;
}

static void tlb_flush_one_mmuidx(CPUState *cpu, int mmu_idx)
{
    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];

    if (!tlb_maybe_resize(cpu, mmu_idx)) {
        if (tlb_log_complete(d, 0) && tlb_log_complete(d, 1)) {
            for (unsigned k = 0; k < 2; k++) {
                for (unsigned i = 0; i < d->fill_len[k]; i++) {
                    memset(&f->table[d->fill_log[k][i]], 0xff, sizeof(CPUTLBEntry));
                }
            }
        } else {
            memset(f->table, 0xff, sizeof(CPUTLBEntry) * tlb_n_entries(f));
        }
    }
    d->fill_len[0] = d->fill_len[1] = 0;
    memset(d->vtable, 0xff, sizeof(d->vtable));
    d->n_used_entries = 0;
    d->large_page_addr = -1;
    d->large_page_mask = -1;
    d->glarge_page_addr = -1;
    d->glarge_page_mask = -1;
    d->has_global = false;
}

/* Drop the mode's entries that are not global (table and victim cache). */
static void tlb_flush_nonglobal_mmuidx(CPUState *cpu, int mmu_idx)
{
    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];
    unsigned n = tlb_n_entries(f);
    unsigned kept = 0;

    if (!d->has_global) {
        tlb_flush_one_mmuidx(cpu, mmu_idx);
        return;
    }
    /* Resizing reallocates the table (losing the global entries too): only let it
     * grow here, which the working set asks for; shrinking waits for a full flush. */
    if (d->n_used_entries > d->window_max_entries) {
        d->window_max_entries = d->n_used_entries;
    }
    if (d->window_max_entries * 10 > n * 7 && __builtin_ctz(n) < CPU_TLB_DYN_MAX_BITS) {
        tlb_flush_one_mmuidx(cpu, mmu_idx);
        return;
    }
    if (tlb_log_complete(d, 0)) {
        /* Only the slots that got a non-global entry since the last flush can hold
         * one: the global entries, however many, cost nothing here. */
        for (unsigned i = 0; i < d->fill_len[0]; i++) {
            CPUTLBEntry *e = &f->table[d->fill_log[0][i]];
            if (tlb_entry_valid(e) && !(e->attrs & TLB_ATTR_GLOBAL)) {
                memset(e, 0xff, sizeof(*e));
                d->n_used_entries--;
            }
        }
    } else {
        for (unsigned i = 0; i < n; i++) {
            CPUTLBEntry *e = &f->table[i];
            if (!tlb_entry_valid(e)) {
                continue;
            }
            if (e->attrs & TLB_ATTR_GLOBAL) {
                kept++;
            } else {
                memset(e, 0xff, sizeof(*e));
            }
        }
        d->n_used_entries = kept;
    }
    d->fill_len[0] = 0;
    for (int v = 0; v < CPU_VTLB_SIZE; v++) {
        if (!(d->vtable[v].attrs & TLB_ATTR_GLOBAL)) {
            memset(&d->vtable[v], 0xff, sizeof(d->vtable[v]));
        }
    }
    d->large_page_addr = d->glarge_page_addr;
    d->large_page_mask = d->glarge_page_mask;
}

void tlb_flush_nonglobal(CPUState *cpu)
{
    for (int i = 0; i < MMU_MODES_MAX; i++) {
        tlb_flush_nonglobal_mmuidx(cpu, i);
    }
    tb_jmp_cache_clear_nonglobal(cpu);
    jit_stats.tlb_flushes++;
}

/* Whether the code TLB entry of mode mmu_idx for addr's page holds a global
 * translation. */
static bool tlb_code_page_global(CPUState *cpu, int mmu_idx, vaddr addr)
{
    CPUTLBEntry *e = tlb_entry(cpu, mmu_idx, addr);
    return cpu->tlb.d[mmu_idx].has_global && (e->attrs & TLB_ATTR_GLOBAL) &&
           tlb_hit_page(e->addr_code, addr & TARGET_PAGE_MASK);
}

bool tlb_tb_code_global(CPUState *cpu, const TranslationBlock *tb)
{
    int mmu_idx = cpu->cc->mmu_index(cpu, true);

    if (!cpu->tlb.d[mmu_idx].has_global || !tlb_code_page_global(cpu, mmu_idx, tb->pc)) {
        return false;
    }
    /* A TB running into the next page is only as global as both pages. */
    return tb->page_addr[1] == (hwaddr)-1 ||
           tlb_code_page_global(cpu, mmu_idx, (tb->pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE);
}

void tlb_flush_by_mmuidx(CPUState *cpu, uint16_t idxmap)
{
    for (int i = 0; i < MMU_MODES_MAX; i++) {
        if (idxmap & (1u << i)) {
            tlb_flush_one_mmuidx(cpu, i);
        }
    }
    tb_jmp_cache_clear(cpu);
    jit_stats.tlb_flushes++;
}

void tlb_flush(CPUState *cpu)
{
    tlb_flush_by_mmuidx(cpu, (1u << MMU_MODES_MAX) - 1);
}

static inline bool tlb_entry_is_page(const CPUTLBEntry *e, vaddr page)
{
    return tlb_hit_page(e->addr_read, page) || tlb_hit_page(e->addr_write, page) ||
           tlb_hit_page(e->addr_code, page);
}

void tlb_flush_page_by_mmuidx(CPUState *cpu, vaddr addr, uint16_t idxmap)
{
    vaddr page = addr & TARGET_PAGE_MASK;

    for (int i = 0; i < MMU_MODES_MAX; i++) {
        if (!(idxmap & (1u << i))) {
            continue;
        }
        CPUTLBDesc *d = &cpu->tlb.d[i];
        /* A large guest page was entered as many small ones: flush the mode. */
        if ((page & d->large_page_mask) == d->large_page_addr) {
            tlb_flush_one_mmuidx(cpu, i);
            continue;
        }
        CPUTLBEntry *e = tlb_entry(cpu, i, page);
        if (tlb_entry_is_page(e, page)) {
            memset(e, 0xff, sizeof(*e));
            d->n_used_entries--;
        }
        for (int v = 0; v < CPU_VTLB_SIZE; v++) {
            if (tlb_entry_is_page(&d->vtable[v], page)) {
                memset(&d->vtable[v], 0xff, sizeof(d->vtable[v]));
            }
        }
    }
    tb_jmp_cache_clear_page(cpu, page);
}

void tlb_flush_page(CPUState *cpu, vaddr addr)
{
    tlb_flush_page_by_mmuidx(cpu, addr, (1u << MMU_MODES_MAX) - 1);
}

static void tlb_add_large_range(uint32_t *addr, uint32_t *rmask, vaddr va, uint32_t size)
{
    uint32_t mask = ~(size - 1);
    if (*addr == (uint32_t)-1) {
        *addr = va & mask;
        *rmask = mask;
        return;
    }
    /* Widen the recorded range until it covers both large pages. */
    mask &= *rmask;
    while (((*addr ^ va) & mask) != 0) {
        mask <<= 1;
    }
    *addr &= mask;
    *rmask = mask;
}

static void tlb_add_large_page(CPUTLBDesc *d, vaddr va, uint32_t size, bool global)
{
    tlb_add_large_range(&d->large_page_addr, &d->large_page_mask, va, size);
    if (global) {
        tlb_add_large_range(&d->glarge_page_addr, &d->glarge_page_mask, va, size);
    }
}

static hwaddr full_ram_addr(const CPUTLBEntryFull *full, vaddr addr)
{
    return full->mr->ram_addr + full->mr_offset + (addr & ~TARGET_PAGE_MASK);
}

void tlb_set_page(CPUState *cpu, vaddr va, hwaddr pa, int prot, int mmu_idx, uint32_t size)
{
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];
    vaddr page = va & TARGET_PAGE_MASK;
    hwaddr pa_page = pa & ~(hwaddr)(TARGET_PAGE_SIZE - 1);
    bool global = prot & PAGE_GLOBAL;
    CPUTLBEntryFull full = { .phys_addr = pa_page, .prot = prot & ~PAGE_GLOBAL,
                             .lg_page_size = __builtin_ctz(size ? size : TARGET_PAGE_SIZE) };
    CPUTLBEntry e;

    jit_stats.tlb_fills++;
    if (size > TARGET_PAGE_SIZE) {
        tlb_add_large_page(d, va, size, global);
    }
    if (global) {
        d->has_global = true;
    }

    const FlatRange *fr = address_space_lookup(cpu->as, pa_page);
    bool whole_page = fr && fr->addr <= pa_page &&
                      fr->addr + fr->size >= pa_page + TARGET_PAGE_SIZE;
    MemoryRegion *mr = fr ? fr->mr : NULL;
    bool ram_read = whole_page && mr->ram_ptr && (!mr->ops || mr->romd_mode);
    bool ram_write = ram_read && !mr->ops && !mr->readonly && !fr->readonly;

    e.attrs = global ? TLB_ATTR_GLOBAL : 0;
    e.pad2 = 0;
    if (ram_read) {
        full.mr = mr;
        full.mr_offset = fr->mr_offset + (pa_page - fr->addr);
        e.addend = (uintptr_t)(mr->ram_ptr + full.mr_offset) - page;
        e.addr_read = (prot & PAGE_READ) ? page : (uint32_t)-1;
        e.addr_code = (prot & PAGE_EXEC) ? page : (uint32_t)-1;
        if (!(prot & PAGE_WRITE)) {
            e.addr_write = (uint32_t)-1;
        } else if (!ram_write) {
            e.addr_write = page | TLB_MMIO;     /* ROM: the memory API drops or routes */
        } else if (tb_page_has_code(mr->ram_addr + full.mr_offset)) {
            e.addr_write = page | TLB_NOTDIRTY;
        } else {
            e.addr_write = page;
        }
    } else {
        /* MMIO, partial-page RAM, or nothing: every access goes through the memory API
         * at the physical address. */
        full.mr = mr;
        full.mr_offset = 0;
        e.addend = 0;
        e.addr_read = (prot & PAGE_READ) ? (page | TLB_MMIO) : (uint32_t)-1;
        e.addr_write = (prot & PAGE_WRITE) ? (page | TLB_MMIO) : (uint32_t)-1;
        e.addr_code = (prot & PAGE_EXEC) ? (page | TLB_MMIO) : (uint32_t)-1;
    }
    if (unlikely(cpu->nb_watchpoints)) {
        /* Watched accesses take the slow path, which checks them (watchpoint.c). */
        int w = cpu_watchpoint_page_flags(cpu, page);
        if ((w & BP_MEM_READ) && e.addr_read != (uint32_t)-1) {
            e.addr_read |= TLB_WATCH;
        }
        if ((w & BP_MEM_WRITE) && e.addr_write != (uint32_t)-1) {
            e.addr_write |= TLB_WATCH;
        }
    }

    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    unsigned idx = tlb_index(f, page);
    CPUTLBEntry *te = &f->table[idx];
    /* Keep the evicted translation in the victim cache (unless it is this page). */
    if (tlb_entry_valid(te) && !tlb_entry_is_page(te, page)) {
        unsigned n = tlb_n_entries(f);
        if (++d->n_evictions > n / 2 && d->n_used_entries * 10 > n * 7 &&
            __builtin_ctz(n) < CPU_TLB_DYN_MAX_BITS) {
            /* A working set bigger than the table, in a guest that rarely flushes
             * (where the resize at a flush would come too late): grow now. The
             * mappings stay valid, so nothing else (jump cache) needs to know. */
            tlb_alloc_tables(cpu, mmu_idx, __builtin_ctz(n) + 1);
            d->window_max_entries = 0;
            idx = tlb_index(f, page);
            te = &f->table[idx];
        } else {
            unsigned v = d->vindex++ % CPU_VTLB_SIZE;
            d->vtable[v] = *te;
            d->vfulltlb[v] = d->fulltlb[idx];
        }
    }
    tlb_note_fill(d, idx, te, &e);
    *te = e;
    d->fulltlb[idx] = full;
}

/*
 * Direct RAM windows (CPUTLBWindow in exec/cputlb.h). The fast descriptor is what
 * generated code reads; CPUTLBDesc keeps the target's request, so that a change of
 * the memory map can cut or move the window without asking the target again.
 */

/* A page of RAM got (true) or lost (false) its last translated code: keep the
 * windows' code maps, which stores in a window test inline, in step. */
static void tlb_window_mark_code(hwaddr ram_addr_page, bool has_code)
{
    CPUState *cpu;
    CPU_FOREACH(cpu) {
        for (int m = 0; m < MMU_MODES_MAX; m++) {
            CPUTLBDesc *d = &cpu->tlb.d[m];
            if (d->win_size && ram_addr_page >= d->win_ram_addr &&
                ram_addr_page - d->win_ram_addr < d->win_size) {
                size_t i = (ram_addr_page - d->win_ram_addr) >> TARGET_PAGE_BITS;
                cpu->tlb_win[m].code_map[i] = has_code;
                cpu->tlb_win[m].store_map[i] = has_code ? 0 : 0xff;
            }
        }
    }
}

static void tlb_window_clear(CPUState *cpu, int mmu_idx)
{
    CPUTLBWindow *w = &cpu->tlb_win[mmu_idx];
    uint8_t *store_map = w->store_map;
    uint32_t old_size = cpu->tlb.d[mmu_idx].win_size;

    g_free(w->code_map);
    if (old_size) {
        /* Only a window's own map has non-zero bytes, and only these. */
        memset(store_map, 0, old_size >> TARGET_PAGE_BITS);
    }
    *w = (CPUTLBWindow){ .store_map = store_map ? store_map : tlb_store_map_zero() };
    cpu->tlb.d[mmu_idx].win_size = 0;
}

/*
 * Cut the requested window to the plain, writable RAM that backs its first byte
 * in the current memory map (one FlatRange: anything else, such as MMIO, ROM or a
 * hole, is past its end) and publish it. A window of less than two pages is
 * not worth a check (lim would be 0 or one page).
 */
static void tlb_window_resolve(CPUState *cpu, int mmu_idx)
{
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];
    CPUTLBWindow *w = &cpu->tlb_win[mmu_idx];
    uint64_t size = d->win_req_size;
    hwaddr pbase = d->win_req_pbase;
    const FlatRange *fr = NULL;

    /* Code translated for this mode compares against the base it was first
     * given: a window elsewhere cannot be served. Watchpoints need every access
     * to meet the TLB: no window while there is one. */
    if (size && cpu->as && !cpu->nb_watchpoints &&
        (!tcg_ctx || !(tcg_ctx->ldst_window_mmu_mask & (1u << mmu_idx)) ||
         tcg_ctx->ldst_window_base[mmu_idx] == d->win_req_vbase)) {
        fr = address_space_lookup(cpu->as, pbase);
    }
    if (!fr || fr->addr > pbase || !fr->mr || !fr->mr->ram_ptr || fr->mr->ops ||
        fr->mr->readonly || fr->readonly) {
        tlb_window_clear(cpu, mmu_idx);
        return;
    }
    size = MIN(size, fr->addr + fr->size - pbase);
    /* Guest addresses are 32-bit: the window may not wrap. */
    size = MIN(size, ((uint64_t)1 << 32) - d->win_req_vbase);
    size &= ~(uint64_t)(TARGET_PAGE_SIZE - 1);
    if (size < 2 * TARGET_PAGE_SIZE || (pbase & (TARGET_PAGE_SIZE - 1)) ||
        (d->win_req_vbase & (TARGET_PAGE_SIZE - 1))) {
        tlb_window_clear(cpu, mmu_idx);
        return;
    }

    MemoryRegion *mr = fr->mr;
    hwaddr mr_off = fr->mr_offset + (pbase - fr->addr);
    hwaddr ram_addr = mr->ram_addr + mr_off;
    uintptr_t addend = (uintptr_t)(mr->ram_ptr + mr_off) - d->win_req_vbase;
    unsigned pages = size >> TARGET_PAGE_BITS;

    if (d->win_size == size && d->win_ram_addr == ram_addr && w->addend == addend &&
        w->base == d->win_req_vbase) {
        return;     /* unchanged: the code map is still right */
    }
    uint8_t *store_map = tlb_store_map_own(w);
    if (!store_map) {
        tlb_window_clear(cpu, mmu_idx);
        return;
    }
    if (d->win_size) {
        memset(store_map, 0, d->win_size >> TARGET_PAGE_BITS);
    }
    g_free(w->code_map);
    /* One spare byte: a shared check of a span reads the bytes of two pages. */
    w->code_map = g_malloc0(pages + 1);
    for (unsigned i = 0; i < pages; i++) {
        w->code_map[i] = tb_page_has_code(ram_addr + ((hwaddr)i << TARGET_PAGE_BITS));
        store_map[i] = w->code_map[i] ? 0 : 0xff;
    }
    w->base = d->win_req_vbase;
    w->lim = (uint32_t)size - TARGET_PAGE_SIZE;
    for (unsigned k = 0; k < ARRAY_SIZE(w->lim_ror); k++) {
        w->lim_ror[k] = w->lim >> k;
    }
    w->addend = addend;
    d->win_size = (uint32_t)size;
    d->win_ram_addr = ram_addr;
}

void tlb_watchpoints_changed(CPUState *cpu)
{
    tlb_flush(cpu);
    for (int m = 0; m < MMU_MODES_MAX; m++) {
        if (cpu->tlb.d[m].win_req_size) {
            tlb_window_resolve(cpu, m);
        }
    }
}

void tlb_set_window(CPUState *cpu, int mmu_idx, vaddr vbase, hwaddr pbase, uint32_t size)
{
    assert(mmu_idx >= 0 && mmu_idx < MMU_MODES_MAX);
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];

    if (size && tcg_ctx && !(tcg_ctx->ldst_window_mmu_mask & (1u << mmu_idx))) {
        /* From now on this mode's accesses try the window first, at this base. */
        tcg_ctx->ldst_window_base[mmu_idx] = vbase;
        tcg_ctx->ldst_window_mmu_mask |= 1u << mmu_idx;
    }
    if (d->win_req_vbase == vbase && d->win_req_pbase == pbase &&
        d->win_req_size == size && (d->win_size != 0) == (size != 0)) {
        return;
    }
    d->win_req_vbase = vbase;
    d->win_req_pbase = pbase;
    d->win_req_size = size;
    tlb_window_resolve(cpu, mmu_idx);
}

/* Look in the victim cache; on a hit swap it into the main table. */
static bool victim_tlb_hit(CPUState *cpu, int mmu_idx, vaddr page, MMUAccessType type)
{
    CPUTLBDesc *d = &cpu->tlb.d[mmu_idx];
    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    unsigned idx = tlb_index(f, page);

    for (int v = 0; v < CPU_VTLB_SIZE; v++) {
        CPUTLBEntry *ve = &d->vtable[v];
        uint32_t a = type == MMU_DATA_LOAD ? ve->addr_read
                   : type == MMU_DATA_STORE ? ve->addr_write : ve->addr_code;
        if (tlb_hit_page(a, page)) {
            CPUTLBEntry tmp = f->table[idx];
            tlb_note_fill(d, idx, &tmp, ve);
            CPUTLBEntryFull tmpf = d->fulltlb[idx];
            f->table[idx] = *ve;
            d->fulltlb[idx] = d->vfulltlb[v];
            *ve = tmp;
            d->vfulltlb[v] = tmpf;
            return true;
        }
    }
    return false;
}

static inline uint32_t entry_addr(const CPUTLBEntry *e, MMUAccessType type)
{
    return type == MMU_DATA_LOAD ? e->addr_read
         : type == MMU_DATA_STORE ? e->addr_write : e->addr_code;
}

/* Make sure addr's page is in the TLB for this access (may raise a guest fault).
 * Returns the entry index. */
static unsigned tlb_fill_page(CPUState *cpu, vaddr addr, int size, MMUAccessType type,
                              int mmu_idx, uintptr_t retaddr)
{
    CPUTLBDescFast *f = &cpu->tlb_fast[mmu_idx];
    vaddr page = addr & TARGET_PAGE_MASK;
    unsigned idx = tlb_index(f, addr);

    if (!tlb_hit_page(entry_addr(&f->table[idx], type), page)) {
        if (!victim_tlb_hit(cpu, mmu_idx, page, type)) {
            cpu->cc->tlb_fill(cpu, addr, size, type, mmu_idx, false, retaddr);
            /* tlb_fill may have resized the table (via a flush). */
            idx = tlb_index(f, addr);
        }
    }
    return idx;
}

static uint64_t mmio_read(CPUState *cpu, const CPUTLBEntryFull *full, vaddr addr,
                          unsigned size, int mmu_idx, MMUAccessType type, uintptr_t retaddr)
{
    uint64_t val = 0;
    hwaddr pa = full->phys_addr | (addr & ~TARGET_PAGE_MASK);
    cpu->mem_io_pc = retaddr;
    MemTxResult r = address_space_read_val(cpu->as, pa, &val, size);
    if (r != MEMTX_OK && cpu->cc->do_transaction_failed) {
        cpu->cc->do_transaction_failed(cpu, pa, addr, size, type, mmu_idx, retaddr);
    }
    return val;
}

static void mmio_write(CPUState *cpu, const CPUTLBEntryFull *full, vaddr addr,
                       uint64_t val, unsigned size, int mmu_idx, uintptr_t retaddr)
{
    hwaddr pa = full->phys_addr | (addr & ~TARGET_PAGE_MASK);
    cpu->mem_io_pc = retaddr;
    MemTxResult r = address_space_write_val(cpu->as, pa, val, size);
    if (r != MEMTX_OK && cpu->cc->do_transaction_failed) {
        cpu->cc->do_transaction_failed(cpu, pa, addr, size, MMU_DATA_STORE, mmu_idx,
                                       retaddr);
    }
    /* A device write may have raised an interrupt or asked for a reset/shutdown:
     * make the loop look before the next TB. */
    cpu->exit_request_tb |= cpu->interrupt_request != 0;
}

static uint64_t load_le(const void *p, unsigned size)
{
    switch (size) {
    case 1: return *(const uint8_t *)p;
    case 2: return lduw_le_p(p);
    case 4: return ldl_le_p(p);
    default: return ldq_le_p(p);
    }
}

static void store_le(void *p, uint64_t v, unsigned size)
{
    switch (size) {
    case 1: *(uint8_t *)p = v; break;
    case 2: stw_le_p(p, v); break;
    case 4: stl_le_p(p, v); break;
    default: stq_le_p(p, v); break;
    }
}

/* One access that does not cross a page; value in little-endian (guest) order. */
static uint64_t load_one(CPUState *cpu, vaddr addr, unsigned size, int mmu_idx,
                         MMUAccessType type, uintptr_t retaddr)
{
    unsigned idx = tlb_fill_page(cpu, addr, size, type, mmu_idx, retaddr);
    CPUTLBEntry *e = &cpu->tlb_fast[mmu_idx].table[idx];
    uint32_t a = entry_addr(e, type);

    if (unlikely(a & TLB_WATCH)) {
        cpu_watchpoint_check(cpu, addr, size, BP_MEM_READ, retaddr);
    }
    if (unlikely(a & TLB_MMIO)) {
        return mmio_read(cpu, &cpu->tlb.d[mmu_idx].fulltlb[idx], addr, size, mmu_idx,
                         type, retaddr);
    }
    return load_le((void *)(uintptr_t)(addr + e->addend), size);
}

static void store_one(CPUState *cpu, vaddr addr, uint64_t val, unsigned size,
                      int mmu_idx, uintptr_t retaddr)
{
    unsigned idx = tlb_fill_page(cpu, addr, size, MMU_DATA_STORE, mmu_idx, retaddr);
    CPUTLBEntry *e = &cpu->tlb_fast[mmu_idx].table[idx];
    CPUTLBEntryFull *full = &cpu->tlb.d[mmu_idx].fulltlb[idx];
    uint32_t a = e->addr_write;

    if (unlikely(a & TLB_WATCH)) {
        cpu_watchpoint_check(cpu, addr, size, BP_MEM_WRITE, retaddr);
    }
    if (unlikely(a & TLB_MMIO)) {
        mmio_write(cpu, full, addr, val, size, mmu_idx, retaddr);
        return;
    }
    if (unlikely(a & TLB_NOTDIRTY)) {
        hwaddr ram_addr = full_ram_addr(full, addr);
        if (tb_page_has_code(ram_addr & ~(hwaddr)(TARGET_PAGE_SIZE - 1))) {
            /* May not return: if the running TB was rewritten the insn restarts. */
            tb_invalidate_phys_range_fast(cpu, ram_addr, size, retaddr);
        }
        /* Re-read: invalidation does not touch this entry, but be exact. */
        e = &cpu->tlb_fast[mmu_idx].table[idx];
        if (!tb_page_has_code(ram_addr & ~(hwaddr)(TARGET_PAGE_SIZE - 1))) {
            e->addr_write &= ~TLB_NOTDIRTY;     /* no code left: fast stores again */
            tlb_window_mark_code(ram_addr & ~(hwaddr)(TARGET_PAGE_SIZE - 1), false);
        }
    }
    store_le((void *)(uintptr_t)(addr + e->addend), val, size);
}

static uint64_t do_load(CPUState *cpu, vaddr addr, MemOp op, int mmu_idx,
                        MMUAccessType type, uintptr_t retaddr)
{
    unsigned size = memop_size(op);
    uint64_t val;

    if (unlikely(addr & (size - 1))) {
        if (op & MO_ALIGN) {
            cpu->cc->do_unaligned_access(cpu, addr, type, mmu_idx, retaddr);
            /* not reached: targets raise; if one returns, carry on unaligned */
        }
        if (((addr & ~TARGET_PAGE_MASK) + size) > TARGET_PAGE_SIZE) {
            /* Crosses a page: bytes one by one, both pages filled (and faulting) in
             * address order as the hardware would. */
            val = 0;
            for (unsigned i = 0; i < size; i++) {
                val |= load_one(cpu, addr + i, 1, mmu_idx, type, retaddr) << (8 * i);
            }
            goto done;
        }
    }
    val = load_one(cpu, addr, size, mmu_idx, type, retaddr);
done:
    if (op & MO_BSWAP) {
        switch (size) {
        case 2: val = __builtin_bswap16(val); break;
        case 4: val = __builtin_bswap32(val); break;
        case 8: val = __builtin_bswap64(val); break;
        }
    }
    if (op & MO_SIGN) {
        switch (size) {
        case 1: val = (int64_t)(int8_t)val; break;
        case 2: val = (int64_t)(int16_t)val; break;
        case 4: val = (int64_t)(int32_t)val; break;
        }
    }
    return val;
}

static void do_store(CPUState *cpu, vaddr addr, uint64_t val, MemOp op, int mmu_idx,
                     uintptr_t retaddr)
{
    unsigned size = memop_size(op);

    if (op & MO_BSWAP) {
        switch (size) {
        case 2: val = __builtin_bswap16(val); break;
        case 4: val = __builtin_bswap32(val); break;
        case 8: val = __builtin_bswap64(val); break;
        }
    }
    if (unlikely(addr & (size - 1))) {
        if (op & MO_ALIGN) {
            cpu->cc->do_unaligned_access(cpu, addr, MMU_DATA_STORE, mmu_idx, retaddr);
        }
        if (((addr & ~TARGET_PAGE_MASK) + size) > TARGET_PAGE_SIZE) {
            /* Fault on either page before writing anything. */
            vaddr second = (addr + size - 1) & TARGET_PAGE_MASK;
            tlb_fill_page(cpu, addr, 1, MMU_DATA_STORE, mmu_idx, retaddr);
            tlb_fill_page(cpu, second, 1, MMU_DATA_STORE, mmu_idx, retaddr);
            for (unsigned i = 0; i < size; i++) {
                store_one(cpu, addr + i, (val >> (8 * i)) & 0xff, 1, mmu_idx, retaddr);
            }
            return;
        }
    }
    store_one(cpu, addr, val, size, mmu_idx, retaddr);
}

uint64_t helper_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t retaddr)
{
    return do_load(cpu, addr, get_memop(oi), get_mmuidx(oi), MMU_DATA_LOAD, retaddr);
}

void helper_st_mmu(CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr)
{
    do_store(cpu, addr, val, get_memop(oi), get_mmuidx(oi), retaddr);
}

uint32_t cpu_ldub_mmuidx_ra(CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra)
{
    return do_load(cpu, a, MO_UB, mmu_idx, MMU_DATA_LOAD, ra);
}
uint32_t cpu_lduw_mmuidx_ra(CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra)
{
    return do_load(cpu, a, MO_LEUW, mmu_idx, MMU_DATA_LOAD, ra);
}
uint32_t cpu_ldl_mmuidx_ra(CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra)
{
    return do_load(cpu, a, MO_LEUL, mmu_idx, MMU_DATA_LOAD, ra);
}
uint64_t cpu_ldq_mmuidx_ra(CPUState *cpu, vaddr a, int mmu_idx, uintptr_t ra)
{
    return do_load(cpu, a, MO_LEUQ, mmu_idx, MMU_DATA_LOAD, ra);
}
void cpu_stb_mmuidx_ra(CPUState *cpu, vaddr a, uint32_t v, int mmu_idx, uintptr_t ra)
{
    do_store(cpu, a, v, MO_UB, mmu_idx, ra);
}
void cpu_stw_mmuidx_ra(CPUState *cpu, vaddr a, uint32_t v, int mmu_idx, uintptr_t ra)
{
    do_store(cpu, a, v, MO_LEUW, mmu_idx, ra);
}
void cpu_stl_mmuidx_ra(CPUState *cpu, vaddr a, uint32_t v, int mmu_idx, uintptr_t ra)
{
    do_store(cpu, a, v, MO_LEUL, mmu_idx, ra);
}
void cpu_stq_mmuidx_ra(CPUState *cpu, vaddr a, uint64_t v, int mmu_idx, uintptr_t ra)
{
    do_store(cpu, a, v, MO_LEUQ, mmu_idx, ra);
}

uint32_t cpu_ldub_code(CPUState *cpu, vaddr a)
{
    return do_load(cpu, a, MO_UB, cpu->cc->mmu_index(cpu, true), MMU_INST_FETCH, 0);
}
uint32_t cpu_lduw_code(CPUState *cpu, vaddr a)
{
    return do_load(cpu, a, MO_LEUW, cpu->cc->mmu_index(cpu, true), MMU_INST_FETCH, 0);
}
uint32_t cpu_ldl_code(CPUState *cpu, vaddr a)
{
    return do_load(cpu, a, MO_LEUL, cpu->cc->mmu_index(cpu, true), MMU_INST_FETCH, 0);
}

hwaddr get_page_addr_code(CPUState *cpu, vaddr addr, void **hostp)
{
    int mmu_idx = cpu->cc->mmu_index(cpu, true);
    unsigned idx = tlb_fill_page(cpu, addr, 1, MMU_INST_FETCH, mmu_idx, 0);
    CPUTLBEntry *e = &cpu->tlb_fast[mmu_idx].table[idx];

    if (e->addr_code & TLB_MMIO) {
        if (hostp) {
            *hostp = NULL;
        }
        return (hwaddr)-1;
    }
    if (hostp) {
        *hostp = (void *)(uintptr_t)((addr & TARGET_PAGE_MASK) + e->addend);
    }
    return full_ram_addr(&cpu->tlb.d[mmu_idx].fulltlb[idx], addr);
}

void *probe_access(CPUState *cpu, vaddr addr, int size, MMUAccessType type, int mmu_idx,
                   uintptr_t retaddr)
{
    unsigned idx = tlb_fill_page(cpu, addr, size, type, mmu_idx, retaddr);
    CPUTLBEntry *e = &cpu->tlb_fast[mmu_idx].table[idx];
    uint32_t a = entry_addr(e, type);
    if (a & (TLB_MMIO | TLB_NOTDIRTY | TLB_WATCH)) {
        return NULL;            /* the caller goes access by access */
    }
    return (void *)(uintptr_t)(addr + e->addend);
}

/* Visit every live entry of every CPU and mode (victims too). */
static void tlb_foreach_entry(void (*fn)(CPUTLBEntry *e, CPUTLBEntryFull *full, void *o),
                              void *opaque)
{
    CPUState *cpu;
    CPU_FOREACH(cpu) {
        for (int m = 0; m < MMU_MODES_MAX; m++) {
            CPUTLBDescFast *f = &cpu->tlb_fast[m];
            CPUTLBDesc *d = &cpu->tlb.d[m];
            if (tlb_log_complete(d, 0) && tlb_log_complete(d, 1)) {
                /* Every valid entry is listed in one of the logs. */
                for (unsigned k = 0; k < 2; k++) {
                    for (unsigned i = 0; i < d->fill_len[k]; i++) {
                        unsigned idx = d->fill_log[k][i];
                        fn(&f->table[idx], &d->fulltlb[idx], opaque);
                    }
                }
            } else {
                unsigned n = tlb_n_entries(f);
                for (unsigned i = 0; i < n; i++) {
                    fn(&f->table[i], &d->fulltlb[i], opaque);
                }
            }
            for (unsigned v = 0; v < CPU_VTLB_SIZE; v++) {
                fn(&d->vtable[v], &d->vfulltlb[v], opaque);
            }
        }
    }
}

static void protect_one(CPUTLBEntry *e, CPUTLBEntryFull *full, void *opaque)
{
    hwaddr page = *(hwaddr *)opaque;
    if ((e->addr_write & (TLB_INVALID_MASK | TLB_MMIO)) || !full->mr) {
        return;
    }
    if (full->mr->ram_addr + full->mr_offset == page) {
        e->addr_write |= TLB_NOTDIRTY;
    }
}

void tlb_protect_code(hwaddr ram_addr_page)
{
    tlb_foreach_entry(protect_one, &ram_addr_page);
    tlb_window_mark_code(ram_addr_page, true);
}

static void unprotect_one(CPUTLBEntry *e, CPUTLBEntryFull *full, void *opaque)
{
    hwaddr page = *(hwaddr *)opaque;
    if ((e->addr_write & TLB_NOTDIRTY) && full->mr &&
        (page == (hwaddr)-1 || full->mr->ram_addr + full->mr_offset == page)) {
        e->addr_write &= ~TLB_NOTDIRTY;
    }
}

void tlb_unprotect_code(hwaddr ram_addr_page)
{
    tlb_foreach_entry(unprotect_one, &ram_addr_page);
    tlb_window_mark_code(ram_addr_page, false);
}

void tlb_reset_dirty_all(void)
{
    hwaddr all = (hwaddr)-1;
    CPUState *cpu;

    tlb_foreach_entry(unprotect_one, &all);
    CPU_FOREACH(cpu) {
        for (int m = 0; m < MMU_MODES_MAX; m++) {
            if (cpu->tlb.d[m].win_size) {
                memset(cpu->tlb_win[m].code_map, 0,
                       cpu->tlb.d[m].win_size >> TARGET_PAGE_BITS);
                memset(cpu->tlb_win[m].store_map, 0xff,
                       cpu->tlb.d[m].win_size >> TARGET_PAGE_BITS);
            }
        }
    }
}

/* Any change of the memory map invalidates every cached translation, and may
 * move, cut or remove the RAM behind a direct window. */
static void tlb_memory_listener(AddressSpace *as, void *opaque)
{
    CPUState *cpu;
    CPU_FOREACH(cpu) {
        tlb_flush(cpu);
        for (int m = 0; m < MMU_MODES_MAX; m++) {
            tlb_window_resolve(cpu, m);
        }
    }
}

void tlb_register_memory_listener(void)
{
    address_space_add_listener(&address_space_memory, tlb_memory_listener, NULL);
}
