/*
 * The memory API: a tree of regions (RAM, ROM, ROM devices, MMIO, aliases,
 * containers with priorities) rendered into one sorted, non-overlapping FlatRange
 * array per address space. Lookups binary-search that array; layout changes
 * re-render it (once per transaction) and tell the listeners (softmmu TLB, KVM).
 *
 * Accessors (address_space_*) and MMIO dispatch with access-size adjustment and
 * endianness live in softmmu/physmem.c; this file owns the layout.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "exec/memory.h"
#include "exec/exec-all.h"
#include "memory-internal.h"

/*
 * Guest physical addresses reach 36 bits (PAE); a 2^48 system container holds
 * everything while keeping end addresses representable in 64 bits.
 */
#define SYSTEM_MEMORY_SIZE (1ULL << 48)
#define SYSTEM_IO_SIZE     0x10000ULL

AddressSpace address_space_memory;
AddressSpace address_space_io;
static MemoryRegion system_memory;
static MemoryRegion system_io;
static bool memory_initialized;

static GPtrArray *address_spaces;

typedef struct ASListener {
    AddressSpace *as;
    void (*fn)(AddressSpace *as, void *opaque);
    void *opaque;
} ASListener;

/* Every (space, listener) pair; as->listener mirrors the first for the header. */
static GArray *as_listeners;
static unsigned transaction_depth;
static bool layout_pending;

/* The global ram_addr space: each RAM/ROM block gets a page-aligned slice. */
static GPtrArray *ram_blocks;
static hwaddr ram_addr_next;

static void memory_init_once(void)
{
    if (memory_initialized) {
        return;
    }
    memory_initialized = true;
    memory_region_init(&system_memory, "system", SYSTEM_MEMORY_SIZE);
    memory_region_init(&system_io, "io", SYSTEM_IO_SIZE);
    address_space_init(&address_space_memory, &system_memory, "memory");
    address_space_init(&address_space_io, &system_io, "I/O");
}

MemoryRegion *get_system_memory(void)
{
    memory_init_once();
    return &system_memory;
}

MemoryRegion *get_system_io(void)
{
    memory_init_once();
    return &system_io;
}

/* ---- region initialisation ---- */

void memory_region_init(MemoryRegion *mr, const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->name = g_strdup(name ? name : "anonymous");
    mr->size = size;
    mr->enabled = true;
    mr->subregions = g_ptr_array_new();
}

void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_init(mr, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
}

/*
 * Guest RAM of 2 MiB or more is placed on a 2 MiB boundary and offered to the
 * kernel's transparent huge pages (MADV_HUGEPAGE: Debian's default THP mode is
 * "madvise"). A guest that walks memory at random (page tables, big heaps) then
 * costs the host one TLB entry per 2 MiB instead of per 4 KiB (i386 memtlb
 * 403 -> 350 ms when every access still missed the softmmu TLB). QEMU does the same.
 */
#define MEMORY_HUGE_ALIGN (2u << 20)

static void *memory_ram_map(size_t host_size)
{
    size_t len = host_size + (host_size >= MEMORY_HUGE_ALIGN ? MEMORY_HUGE_ALIGN : 0);
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    uint8_t *start;

    if (p == MAP_FAILED || len == host_size) {
        return p;
    }
    start = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)p, MEMORY_HUGE_ALIGN);
    if (start > p) {
        munmap(p, start - p);
    }
    if (start + host_size < p + len) {
        munmap(start + host_size, p + len - (start + host_size));
    }
#ifdef MADV_HUGEPAGE
    /* Advice only: where THP is off the mapping simply keeps 4 KiB pages. */
    madvise(start, host_size, MADV_HUGEPAGE);
#endif
    return start;
}

/*
 * Faulting in fresh RAM costs the host a page clear (a 2 MiB one with transparent
 * huge pages), slow on a virtualised host whose memory is cold: booting Malta
 * Linux spent 4-18% of its first second in the host's clear_page, on the vCPU thread.
 * A board that knows which RAM the guest is about to fill has it faulted in by a
 * short-lived thread of its own, in 2 MiB steps from the bottom up, the order in
 * which a decompressor writes. MADV_POPULATE_WRITE allocates without changing a
 * byte, so it may run alongside the guest, the loader or a snapshot load.
 */
typedef struct RamPrefault {
    uint8_t *start;
    size_t len;
} RamPrefault;

#define RAM_PREFAULT_STEP (2u << 20)

static gpointer ram_prefault_thread(gpointer opaque)
{
    RamPrefault *job = opaque;

#ifdef MADV_POPULATE_WRITE
    for (size_t off = 0; off < job->len; off += RAM_PREFAULT_STEP) {
        size_t n = MIN(RAM_PREFAULT_STEP, job->len - off);

        if (madvise(job->start + off, n, MADV_POPULATE_WRITE) != 0) {
            break;      /* an older kernel: the guest faults the pages in itself */
        }
    }
#endif
    g_free(job);
    return NULL;
}

void memory_region_prefault_async(MemoryRegion *mr, uint64_t offset, uint64_t len)
{
    uint8_t *p = memory_region_get_ram_ptr(mr);
    uintptr_t start, end;
    RamPrefault *job;

    if (!p || offset >= mr->size) {
        return;
    }
    len = MIN(len, mr->size - offset);
    /* madvise wants whole host pages. */
    start = QEMU_ALIGN_UP((uintptr_t)(p + offset), (uintptr_t)TARGET_PAGE_SIZE_HOST);
    end = QEMU_ALIGN_DOWN((uintptr_t)(p + offset + len), (uintptr_t)TARGET_PAGE_SIZE_HOST);
    if (end <= start) {
        return;
    }
    job = g_new(RamPrefault, 1);
    job->start = (uint8_t *)start;
    job->len = end - start;
    g_thread_unref(g_thread_new("ram-prefault", ram_prefault_thread, job));
}

static bool memory_region_alloc_host(MemoryRegion *mr, uint64_t size, GError **errp)
{
    size_t host_size = QEMU_ALIGN_UP(size ? size : 1, (uint64_t)TARGET_PAGE_SIZE_HOST);
    void *p;

    if (size == 0) {
        error_setg(errp, "memory region '%s': RAM of size 0", mr->name);
        return false;
    }
    /* Anonymous mappings are zeroed and page-aligned; NORESERVE lets a large -m
     * cost nothing until the guest touches it. */
    p = memory_ram_map(host_size);
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot allocate %" PRIu64 " bytes for '%s'",
                         size, mr->name);
        return false;
    }
    mr->ram_ptr = p;
    mr->ram_addr = ram_addr_next;
    ram_addr_next += host_size;
    if (!ram_blocks) {
        ram_blocks = g_ptr_array_new();
    }
    g_ptr_array_add(ram_blocks, mr);
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size,
                            GError **errp)
{
    memory_region_init(mr, name, size);
    mr->ram = true;
    return memory_region_alloc_host(mr, size, errp);
}

bool memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size,
                            GError **errp)
{
    if (!memory_region_init_ram(mr, name, size, errp)) {
        return false;
    }
    mr->readonly = true;
    return true;
}

bool memory_region_init_rom_device(MemoryRegion *mr, const MemoryRegionOps *ops,
                                   void *opaque, const char *name, uint64_t size,
                                   GError **errp)
{
    memory_region_init(mr, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    mr->romd_mode = true;
    return memory_region_alloc_host(mr, size, errp);
}

void memory_region_init_alias(MemoryRegion *mr, const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size)
{
    memory_region_init(mr, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr off = 0;

    while (mr->alias) {
        off += mr->alias_offset;
        mr = mr->alias;
    }
    return mr->ram_ptr ? mr->ram_ptr + off : NULL;
}

/* ---- layout changes ---- */

static void memory_layout_changed(void)
{
    layout_pending = true;
    if (transaction_depth == 0) {
        memory_region_transaction_begin();
        memory_region_transaction_commit();
    }
}

void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr offset,
                                         MemoryRegion *sub, int priority)
{
    guint i;

    assert(!sub->container);
    sub->container = parent;
    sub->addr = offset;
    sub->priority = priority;
    /*
     * Highest priority first, then by address. Among equals the region added last
     * comes first, so (as in QEMU) it wins an overlap of equal priority.
     */
    for (i = 0; i < parent->subregions->len; i++) {
        MemoryRegion *o = g_ptr_array_index(parent->subregions, i);

        if (priority > o->priority ||
            (priority == o->priority && offset <= o->addr)) {
            break;
        }
    }
    g_ptr_array_insert(parent->subregions, i, sub);
    memory_layout_changed();
}

void memory_region_add_subregion(MemoryRegion *parent, hwaddr offset, MemoryRegion *sub)
{
    memory_region_add_subregion_overlap(parent, offset, sub, 0);
}

void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub)
{
    assert(sub->container == parent);
    g_ptr_array_remove(parent->subregions, sub);
    sub->container = NULL;
    memory_layout_changed();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_layout_changed();
    }
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    MemoryRegion *parent = mr->container;
    int prio = mr->priority;

    if (mr->addr == addr) {
        return;
    }
    if (!parent) {
        mr->addr = addr;
        return;
    }
    /* Re-insert to keep the parent's order; one re-flatten for both steps. */
    memory_region_transaction_begin();
    memory_region_del_subregion(parent, mr);
    memory_region_add_subregion_overlap(parent, addr, mr, prio);
    memory_region_transaction_commit();
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    assert(mr->alias);
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        memory_layout_changed();
    }
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    /* Host memory was sized at creation: RAM can only shrink its window. */
    if (mr->ram_ptr && size > QEMU_ALIGN_UP(mr->size, (uint64_t)TARGET_PAGE_SIZE_HOST)) {
        mimic_log_mask(LOG_GUEST_ERROR, "memory: cannot grow RAM region '%s'\n",
                       mr->name);
        return;
    }
    if (mr->size != size) {
        mr->size = size;
        memory_layout_changed();
    }
}

void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode)
{
    if (mr->romd_mode != romd_mode) {
        mr->romd_mode = romd_mode;
        /* The TLB caches RAM-ness of the pages: re-render and flush. */
        memory_layout_changed();
    }
}

/* ---- flattening ---- */

typedef struct MemoryFlatBuilder {
    GArray *ranges;     /* FlatRange, sorted, non-overlapping */
} MemoryFlatBuilder;

/* Fill the holes of [start, end) not yet covered by higher-priority regions. */
static void memory_flat_insert(MemoryFlatBuilder *fb, hwaddr start, hwaddr end,
                               MemoryRegion *mr, hwaddr mr_base, bool readonly)
{
    hwaddr cur = start;
    guint i = 0;

    while (cur < end) {
        FlatRange *r = NULL;
        hwaddr gap_end = end;

        /* Skip ranges wholly before cur. */
        while (i < fb->ranges->len) {
            r = &g_array_index(fb->ranges, FlatRange, i);
            if (r->addr + r->size > cur) {
                break;
            }
            i++;
            r = NULL;
        }
        if (r && r->addr <= cur) {
            /* cur is covered: jump past this range. */
            cur = r->addr + r->size;
            i++;
            continue;
        }
        if (r && r->addr < gap_end) {
            gap_end = r->addr;
        }
        FlatRange nr = {
            .addr = cur,
            .size = gap_end - cur,
            .mr = mr,
            .mr_offset = cur - mr_base,
            .readonly = readonly,
        };
        g_array_insert_val(fb->ranges, i, nr);
        i++;
        cur = gap_end;
    }
}

/*
 * Render mr, whose offset 0 sits at address base, clipped to [clip_start, clip_end).
 * base is signed: an alias showing its target from a large offset places the
 * target's offset 0 below address 0. Addresses stay far below 2^62, so int64_t
 * arithmetic cannot overflow.
 */
#define FLAT_SIZE_CAP (1LL << 62)

static void memory_flat_render(MemoryFlatBuilder *fb, MemoryRegion *mr, int64_t base,
                               int64_t clip_start, int64_t clip_end, bool readonly)
{
    int64_t size = mr->size > (uint64_t)FLAT_SIZE_CAP ? FLAT_SIZE_CAP : (int64_t)mr->size;
    int64_t start, end;

    if (!mr->enabled || size == 0) {
        return;
    }
    start = MAX(base, clip_start);
    end = MIN(base + size, clip_end);
    if (start >= end) {
        return;
    }
    if (mr->alias) {
        /* The alias shows its target from alias_offset on. */
        memory_flat_render(fb, mr->alias, base - (int64_t)mr->alias_offset, start, end,
                           readonly || mr->readonly);
        return;
    }
    for (guint i = 0; i < mr->subregions->len; i++) {
        MemoryRegion *sub = g_ptr_array_index(mr->subregions, i);

        memory_flat_render(fb, sub, base + (int64_t)sub->addr, start, end, readonly);
    }
    if (mr->ram_ptr || mr->ops) {
        memory_flat_insert(fb, (hwaddr)start, (hwaddr)end, mr, (hwaddr)base,
                    readonly || mr->readonly);
    }
}

static void address_space_flatten(AddressSpace *as)
{
    MemoryFlatBuilder fb = { .ranges = g_array_new(false, false, sizeof(FlatRange)) };
    int64_t root_size = as->root->size > (uint64_t)FLAT_SIZE_CAP ? FLAT_SIZE_CAP
                                                               : (int64_t)as->root->size;
    GArray *merged;

    memory_flat_render(&fb, as->root, 0, 0, root_size, false);

    /* Merge neighbours that continue the same region (fewer, larger ranges). */
    merged = g_array_sized_new(false, false, sizeof(FlatRange), fb.ranges->len);
    for (guint i = 0; i < fb.ranges->len; i++) {
        FlatRange *r = &g_array_index(fb.ranges, FlatRange, i);

        if (merged->len) {
            FlatRange *last = &g_array_index(merged, FlatRange, merged->len - 1);

            if (last->mr == r->mr && last->readonly == r->readonly &&
                last->addr + last->size == r->addr &&
                last->mr_offset + last->size == r->mr_offset) {
                last->size += r->size;
                continue;
            }
        }
        g_array_append_val(merged, *r);
    }
    g_array_free(fb.ranges, true);

    g_free(as->ranges);
    as->nr_ranges = merged->len;
    as->ranges = (FlatRange *)g_array_free(merged, false);
}

void memory_region_transaction_begin(void)
{
    transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    assert(transaction_depth > 0);
    if (--transaction_depth > 0 || !layout_pending) {
        return;
    }
    layout_pending = false;
    for (guint i = 0; address_spaces && i < address_spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(address_spaces, i);

        address_space_flatten(as);
    }
    /* Listeners run after every space is consistent (they may look at several). */
    for (guint i = 0; as_listeners && i < as_listeners->len; i++) {
        ASListener *l = &g_array_index(as_listeners, ASListener, i);

        l->fn(l->as, l->opaque);
    }
}

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name);
    as->root = root;
    if (!address_spaces) {
        address_spaces = g_ptr_array_new();
    }
    g_ptr_array_add(address_spaces, as);
    address_space_flatten(as);
}

void address_space_add_listener(AddressSpace *as,
                                void (*fn)(AddressSpace *as, void *opaque), void *opaque)
{
    ASListener l = { as, fn, opaque };

    if (as == &address_space_memory || as == &address_space_io) {
        memory_init_once();   /* else the first init would wipe the listener */
    }
    if (!as_listeners) {
        as_listeners = g_array_new(false, false, sizeof(ASListener));
    }
    g_array_append_val(as_listeners, l);
    if (!as->listener) {
        as->listener = fn;
        as->listener_opaque = opaque;
    }
}

const FlatRange *address_space_lookup(AddressSpace *as, hwaddr addr)
{
    unsigned lo = 0, hi;

    if (as == &address_space_memory || as == &address_space_io) {
        memory_init_once();
    }
    hi = as->nr_ranges;
    /*
     * Runs of look-ups land in one range (every softmmu TLB fill looks up its page,
     * and a TLB-miss-heavy guest fills one per access, nearly all in RAM): try the
     * last one found before the binary search, whose branches mispredict. Only an
     * index is kept, checked against the current array.
     */
    if (as->last_hit < hi) {
        const FlatRange *r = &as->ranges[as->last_hit];
        if (addr >= r->addr && addr - r->addr < r->size) {
            return r;
        }
    }
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const FlatRange *r = &as->ranges[mid];

        if (addr < r->addr) {
            hi = mid;
        } else if (addr - r->addr >= r->size) {
            lo = mid + 1;
        } else {
            as->last_hit = mid;
            return r;
        }
    }
    return NULL;
}

/* ---- RAM blocks ---- */

void ram_block_foreach(RAMBlockIterFn fn, void *opaque)
{
    for (guint i = 0; ram_blocks && i < ram_blocks->len; i++) {
        fn(g_ptr_array_index(ram_blocks, i), opaque);
    }
}

MemoryRegion *memory_region_from_ram_addr(hwaddr ram_addr, hwaddr *offset)
{
    for (guint i = 0; ram_blocks && i < ram_blocks->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(ram_blocks, i);

        if (ram_addr >= mr->ram_addr && ram_addr - mr->ram_addr < mr->size) {
            if (offset) {
                *offset = ram_addr - mr->ram_addr;
            }
            return mr;
        }
    }
    return NULL;
}

void ram_write_notify(MemoryRegion *mr, hwaddr mr_offset, hwaddr len)
{
    hwaddr start, end, page;

    while (mr->alias) {
        mr_offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (!mr->ram_ptr || len == 0) {
        return;
    }
    start = mr->ram_addr + mr_offset;
    end = start + len;
    for (page = start & ~(hwaddr)(TARGET_PAGE_SIZE - 1); page < end;
         page += TARGET_PAGE_SIZE) {
        if (tb_page_has_code(page)) {
            hwaddr s = MAX(start, page);
            hwaddr e = MIN(end, page + TARGET_PAGE_SIZE);

            tb_invalidate_phys_range(s, e);
        }
    }
}

/* ---- info mtree ---- */

static const char *mtree_kind(const MemoryRegion *mr)
{
    if (mr->romd_mode || (mr->ops && mr->ram_ptr)) {
        return "romd";
    }
    if (mr->ram_ptr) {
        return mr->readonly ? "rom" : "ram";
    }
    return "i/o";
}

static void mtree_print_region(FILE *f, const MemoryRegion *mr, hwaddr base, int level)
{
    hwaddr start = base + mr->addr;
    hwaddr last = start + (mr->size ? mr->size - 1 : 0);

    fprintf(f, "%*s%016" HWADDR_PRIx "-%016" HWADDR_PRIx " (prio %d, %s): ",
            level * 2, "", start, last, mr->priority,
            mr->alias ? mtree_kind(mr->alias) : mtree_kind(mr));
    if (mr->alias) {
        hwaddr a = mr->alias_offset;

        fprintf(f, "alias %s @%s %016" HWADDR_PRIx "-%016" HWADDR_PRIx,
                mr->name, mr->alias->name, a, a + (mr->size ? mr->size - 1 : 0));
    } else {
        fprintf(f, "%s", mr->name);
    }
    fprintf(f, "%s\n", mr->enabled ? "" : " [disabled]");
    for (guint i = 0; i < mr->subregions->len; i++) {
        mtree_print_region(f, g_ptr_array_index(mr->subregions, i), start, level + 1);
    }
}

void mtree_info(FILE *f, bool flatview)
{
    memory_init_once();
    for (guint i = 0; i < address_spaces->len; i++) {
        AddressSpace *as = g_ptr_array_index(address_spaces, i);

        if (flatview) {
            fprintf(f, "FlatView #%u\n AS \"%s\", root: %s\n Root memory region: %s\n",
                    i, as->name, as->root->name, as->root->name);
            if (as->nr_ranges == 0) {
                fprintf(f, "  No rendered FlatView\n");
            }
            for (unsigned j = 0; j < as->nr_ranges; j++) {
                const FlatRange *r = &as->ranges[j];

                fprintf(f, "  %016" HWADDR_PRIx "-%016" HWADDR_PRIx " (prio %d, %s%s): %s",
                        r->addr, r->addr + r->size - 1, r->mr->priority,
                        mtree_kind(r->mr), r->readonly && r->mr->ram_ptr
                        && !r->mr->readonly ? " ro" : "", r->mr->name);
                if (r->mr_offset) {
                    fprintf(f, " @%016" HWADDR_PRIx, r->mr_offset);
                }
                fputc('\n', f);
            }
        } else {
            fprintf(f, "address-space: %s\n", as->name);
            mtree_print_region(f, as->root, 0, 1);
        }
        fputc('\n', f);
    }
}
