/*
 * Unit tests for the memory API (softmmu/memory.c, softmmu/physmem.c): dispatch,
 * access-size splitting and endianness, overlaps and priorities, aliases, ROM and
 * ROM devices, unassigned addresses, DMA mapping bounds, transactions.
 * Criterion runs each test in its own process, so each starts from an empty
 * system memory.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "host-pages.h"
#include <unistd.h>
#include "exec/memory.h"

/* A device that records every callback and answers reads from a register file. */
typedef struct RecDev {
    uint8_t regs[64];
    int nr_reads, nr_writes;
    hwaddr last_off[16];
    unsigned last_size[16];
    uint64_t last_val[16];
} RecDev;

static uint64_t rec_read(void *opaque, hwaddr off, unsigned size)
{
    RecDev *d = opaque;
    uint64_t v = 0;

    /* The device is little-endian in its register file. */
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(off + i) % sizeof(d->regs)] << (i * 8);
    }
    if (d->nr_reads < 16) {
        d->last_off[d->nr_reads] = off;
        d->last_size[d->nr_reads] = size;
    }
    d->nr_reads++;
    return v;
}

static void rec_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    RecDev *d = opaque;
    int n = d->nr_reads + d->nr_writes;

    for (unsigned i = 0; i < size; i++) {
        d->regs[(off + i) % sizeof(d->regs)] = val >> (i * 8);
    }
    if (n < 16) {
        d->last_off[n] = off;
        d->last_size[n] = size;
        d->last_val[n] = val;
    }
    d->nr_writes++;
}

/* A big-endian device: register file holds the most significant byte first. */
static uint64_t be_read(void *opaque, hwaddr off, unsigned size)
{
    RecDev *d = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v = (v << 8) | d->regs[(off + i) % sizeof(d->regs)];
    }
    d->nr_reads++;
    return v;
}

static void be_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    RecDev *d = opaque;

    for (unsigned i = 0; i < size; i++) {
        d->regs[(off + i) % sizeof(d->regs)] = val >> ((size - 1 - i) * 8);
    }
    d->nr_writes++;
}

static const MemoryRegionOps ops_default = {
    .read = rec_read, .write = rec_write, .endianness = DEVICE_LITTLE_ENDIAN,
};
static const MemoryRegionOps ops_bytes = {
    .read = rec_read, .write = rec_write, .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};
static const MemoryRegionOps ops_words = {
    .read = rec_read, .write = rec_write, .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};
static const MemoryRegionOps ops_only32 = {
    .read = rec_read, .write = rec_write, .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};
static const MemoryRegionOps ops_be = {
    .read = be_read, .write = be_write, .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
};
static const MemoryRegionOps ops_be_bytes = {
    .read = be_read, .write = be_write, .endianness = DEVICE_BIG_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static MemoryRegion *new_ram(const char *name, uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);
    GError *err = NULL;

    cr_assert(memory_region_init_ram(mr, name, size, &err));
    return mr;
}

static MemoryRegion *new_io(const MemoryRegionOps *ops, RecDev *d, const char *name,
                            uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    memory_region_init_io(mr, ops, d, name, size);
    return mr;
}

static uint64_t rd(hwaddr a, unsigned size)
{
    uint64_t v = 0xdeadbeef;

    address_space_read_val(&address_space_memory, a, &v, size);
    return v;
}

Test(memory, ram_read_write_and_host_pointer)
{
    MemoryRegion *ram = new_ram("ram", 0x10000);
    uint8_t *host;

    memory_region_add_subregion(get_system_memory(), 0x100000, ram);
    cr_assert_eq(address_space_write_val(&address_space_memory, 0x100010,
                                         0x1122334455667788ULL, 8), MEMTX_OK);
    cr_assert_eq(rd(0x100010, 8), 0x1122334455667788ULL);
    cr_assert_eq(rd(0x100010, 1), 0x88);
    cr_assert_eq(rd(0x100011, 2), 0x6677);
    cr_assert_eq(ldl_phys(&address_space_memory, 0x100014), 0x11223344);
    host = memory_region_get_ram_ptr(ram);
    cr_assert_eq(host[0x10], 0x88, "RAM is stored little-endian in host memory");
    cr_assert_eq((uintptr_t)host % 4096, 0, "RAM is page-aligned");
    stl_phys(&address_space_memory, 0x100020, 0xcafef00d);
    cr_assert_eq(ldl_le_p(host + 0x20), 0xcafef00d);
}

/* THPeligible of the smaps entry that contains addr, or -1 if not found. */
static int smaps_thp_eligible(uintptr_t addr)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[256];
    int in = 0, val = -1;

    if (!f) {
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;

        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = addr >= lo && addr < hi;
        } else if (in && sscanf(line, "THPeligible: %d", &val) == 1) {
            break;
        }
    }
    fclose(f);
    return val;
}

Test(memory, big_ram_is_huge_page_aligned_and_advised)
{
    MemoryRegion *ram = new_ram("ram", 64u << 20);
    MemoryRegion *small = new_ram("small", 0x3000);
    uint8_t *host = memory_region_get_ram_ptr(ram);
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char mode[128] = "";

    cr_assert_eq((uintptr_t)host % (2u << 20), 0, "RAM of 2 MiB and more starts on a 2 MiB boundary");
    cr_assert_eq((uintptr_t)memory_region_get_ram_ptr(small) % 4096, 0);
    host[0] = 1;
    host[(64u << 20) - 1] = 2;
    /* The advice only shows where the host has THP in madvise or always mode. */
    if (f && fgets(mode, sizeof(mode), f) && !strstr(mode, "[never]")) {
        cr_assert_eq(smaps_thp_eligible((uintptr_t)host), 1,
                     "guest RAM is eligible for transparent huge pages (mode %s)", mode);
    }
    if (f) {
        fclose(f);
    }
}

/* Prefaulting makes the range resident, on its own thread, and changes no byte. */
Test(memory, prefault_async_populates_without_writing)
{
    MemoryRegion *ram = new_ram("ram", 16u << 20);
    MemoryRegion *io = new_io(&ops_default, &(RecDev){ 0 }, "dev", 0x1000);
    uint8_t *host = memory_region_get_ram_ptr(ram);
    size_t psz = getpagesize();

    host[(3u << 20) + 5] = 0xab;
    cr_assert_lt(host_resident_pages(host + (8u << 20), 4u << 20), 8,
                 "fresh RAM is not resident");
    memory_region_prefault_async(ram, 8u << 20, 4u << 20);
    memory_region_prefault_async(ram, 32u << 20, 4u << 20);     /* past the end */
    memory_region_prefault_async(io, 0, 0x1000);               /* not RAM */
    for (int i = 0; i < 500 && host_resident_pages(host + (8u << 20), 4u << 20) <
                              (4u << 20) / psz; i++) {
        g_usleep(10000);
    }
    cr_assert_eq(host_resident_pages(host + (8u << 20), 4u << 20), (4u << 20) / psz);
    for (size_t i = 8u << 20; i < 12u << 20; i += 4093) {
        cr_assert_eq(host[i], 0, "byte %zu", i);
    }
    cr_assert_eq(host[(3u << 20) + 5], 0xab);
    cr_assert_lt(host_resident_pages(host + (14u << 20), 2u << 20), 8,
                 "RAM past the range stays untouched");
}

Test(memory, ram_addr_space_is_distinct_per_block)
{
    MemoryRegion *a = new_ram("a", 0x3000);
    MemoryRegion *b = new_ram("b", 0x1000);
    hwaddr off;

    cr_assert_geq(b->ram_addr, a->ram_addr + 0x3000);
    cr_assert_eq(b->ram_addr % 4096, 0);
    cr_assert_eq(memory_region_from_ram_addr(a->ram_addr + 0x2004, &off), a);
    cr_assert_eq(off, 0x2004);
    cr_assert_eq(memory_region_from_ram_addr(b->ram_addr + 4, &off), b);
}

Test(memory, mmio_dispatch_offsets_relative_to_region)
{
    RecDev d = { 0 };
    MemoryRegion *io = new_io(&ops_default, &d, "dev", 0x100);

    memory_region_add_subregion(get_system_memory(), 0x1f000000, io);
    cr_assert_eq(address_space_write_val(&address_space_memory, 0x1f000008, 0xabcd, 2),
                 MEMTX_OK);
    cr_assert_eq(d.nr_writes, 1);
    cr_assert_eq(d.last_off[0], 8);
    cr_assert_eq(d.last_size[0], 2);
    cr_assert_eq(d.last_val[0], 0xabcd);
    cr_assert_eq(rd(0x1f000008, 2), 0xabcd);
}

Test(memory, wide_access_split_into_implemented_bytes)
{
    RecDev d = { 0 };
    MemoryRegion *io = new_io(&ops_bytes, &d, "bytes", 0x40);

    memory_region_add_subregion(get_system_memory(), 0x2000, io);
    address_space_write_val(&address_space_memory, 0x2004, 0x44332211, 4);
    cr_assert_eq(d.nr_writes, 4, "4-byte write on a byte device = 4 callbacks");
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(d.last_size[i], 1);
        cr_assert_eq(d.last_off[i], 4 + i);
        cr_assert_eq(d.last_val[i], 0x11 * (i + 1));
    }
    cr_assert_eq(rd(0x2004, 4), 0x44332211, "combined in guest (LE) order");
    cr_assert_eq(d.nr_reads, 4);
    address_space_write_val(&address_space_memory, 0x2008, 0x8877665544332211ULL, 8);
    cr_assert_eq(rd(0x2008, 8), 0x8877665544332211ULL);
}

Test(memory, narrow_access_widened_to_implemented_word)
{
    RecDev d = { 0 };
    MemoryRegion *io = new_io(&ops_words, &d, "words", 0x40);

    memory_region_add_subregion(get_system_memory(), 0x3000, io);
    memcpy(d.regs, "\x10\x20\x30\x40\x50\x60\x70\x80", 8);
    cr_assert_eq(rd(0x3002, 1), 0x30);
    cr_assert_eq(d.last_off[0], 0, "the device sees an aligned word access");
    cr_assert_eq(d.last_size[0], 4);
    cr_assert_eq(rd(0x3006, 2), 0x8070);
    d.nr_reads = 0;
    address_space_write_val(&address_space_memory, 0x3005, 0xaa, 1);
    cr_assert_eq(d.nr_writes, 1);
    cr_assert_eq(d.last_size[0], 4);
    cr_assert_eq(d.last_off[0], 4);
    cr_assert_eq(d.last_val[0], 0xaa00, "byte placed in its lane of the word");
}

Test(memory, invalid_sizes_and_alignment_rejected)
{
    RecDev d = { 0 };
    MemoryRegion *io = new_io(&ops_only32, &d, "only32", 0x40);
    uint64_t v = 1;

    memory_region_add_subregion(get_system_memory(), 0x4000, io);
    cr_assert_eq(address_space_read_val(&address_space_memory, 0x4000, &v, 1),
                 MEMTX_DECODE_ERROR);
    cr_assert_eq(v, 0);
    cr_assert_eq(address_space_write_val(&address_space_memory, 0x4002, 1, 4),
                 MEMTX_DECODE_ERROR, "unaligned refused unless valid.unaligned");
    cr_assert_eq(address_space_read_val(&address_space_memory, 0x4000, &v, 8),
                 MEMTX_DECODE_ERROR);
    cr_assert_eq(d.nr_reads + d.nr_writes, 0, "the device never saw them");
    cr_assert_eq(address_space_read_val(&address_space_memory, 0x4004, &v, 4), MEMTX_OK);
    cr_assert_eq(d.nr_reads, 1);
}

Test(memory, big_endian_device_is_byteswapped)
{
    RecDev d = { 0 };
    MemoryRegion *io = new_io(&ops_be, &d, "be", 0x40);

    memory_region_add_subregion(get_system_memory(), 0x5000, io);
    /* The guest stores 0x11223344 little-endian: byte 0x44 lands at offset 0. */
    address_space_write_val(&address_space_memory, 0x5000, 0x11223344, 4);
    cr_assert_eq(d.regs[0], 0x44);
    cr_assert_eq(d.regs[3], 0x11);
    cr_assert_eq(rd(0x5000, 4), 0x11223344);
    cr_assert_eq(rd(0x5000, 1), 0x44);
    cr_assert_eq(rd(0x5002, 2), 0x1122);
}

Test(memory, big_endian_device_split_keeps_byte_addresses)
{
    RecDev d = { 0 };
    MemoryRegion *io = new_io(&ops_be_bytes, &d, "be-bytes", 0x40);

    memory_region_add_subregion(get_system_memory(), 0x6000, io);
    address_space_write_val(&address_space_memory, 0x6000, 0xa1b2c3d4, 4);
    cr_assert_eq(d.nr_writes, 4);
    cr_assert_eq(d.regs[0], 0xd4, "byte at the lowest address is the LE low byte");
    cr_assert_eq(d.regs[1], 0xc3);
    cr_assert_eq(d.regs[3], 0xa1);
    cr_assert_eq(rd(0x6000, 4), 0xa1b2c3d4);
}

Test(memory, overlap_priority_and_enable)
{
    RecDev d = { 0 };
    MemoryRegion *ram = new_ram("ram", 0x10000);
    MemoryRegion *io = new_io(&ops_default, &d, "window", 0x1000);
    MemoryRegion *low = new_io(&ops_default, &d, "hidden", 0x1000);
    const FlatRange *r;

    memory_region_add_subregion(get_system_memory(), 0, ram);
    memory_region_add_subregion_overlap(get_system_memory(), 0x4000, io, 1);
    memory_region_add_subregion_overlap(get_system_memory(), 0x8000, low, -1);
    r = address_space_lookup(&address_space_memory, 0x4800);
    cr_assert_eq(r->mr, io, "higher priority wins the overlap");
    cr_assert_eq(r->addr, 0x4000);
    cr_assert_eq(r->mr_offset, 0);
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x3fff)->mr, ram);
    r = address_space_lookup(&address_space_memory, 0x5010);
    cr_assert_eq(r->mr, ram);
    cr_assert_eq(r->addr, 0x5000);
    cr_assert_eq(r->mr_offset, 0x5000, "RAM offsets continue past the hole");
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x8010)->mr, ram,
                 "lower priority is hidden");
    memory_region_set_enabled(io, false);
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x4800)->mr, ram);
    memory_region_set_enabled(io, true);
    memory_region_set_address(io, 0x20000);
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x4800)->mr, ram);
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x20010)->mr, io);
    memory_region_del_subregion(get_system_memory(), io);
    cr_assert_null(address_space_lookup(&address_space_memory, 0x20010));
}

Test(memory, flat_view_is_sorted_and_disjoint)
{
    RecDev d = { 0 };
    MemoryRegion *ram = new_ram("ram", 0x100000);
    MemoryRegion *c = g_new0(MemoryRegion, 1);

    memory_region_init(c, "container", 0x10000);
    memory_region_add_subregion(c, 0x100, new_io(&ops_default, &d, "a", 0x100));
    memory_region_add_subregion(c, 0x300, new_io(&ops_default, &d, "b", 0x100));
    memory_region_add_subregion(get_system_memory(), 0, ram);
    memory_region_add_subregion_overlap(get_system_memory(), 0x40000, c, 2);
    for (unsigned i = 1; i < address_space_memory.nr_ranges; i++) {
        const FlatRange *p = &address_space_memory.ranges[i - 1];
        const FlatRange *q = &address_space_memory.ranges[i];

        cr_assert_leq(p->addr + p->size, q->addr);
    }
    /* The container's holes show the RAM below it. */
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x40200)->mr, ram);
    cr_assert_str_eq(address_space_lookup(&address_space_memory, 0x40310)->mr->name, "b");
}

/* The look-up's memory of its last hit must never outlive a change of the map. */
Test(memory, lookup_after_remap_is_not_the_last_hit)
{
    RecDev d = { 0 };
    MemoryRegion *ram = new_ram("ram", 0x10000);
    MemoryRegion *io = new_io(&ops_default, &d, "dev", 0x1000);
    const FlatRange *r;

    memory_region_add_subregion(get_system_memory(), 0, ram);
    memory_region_add_subregion_overlap(get_system_memory(), 0x4000, io, 1);
    r = address_space_lookup(&address_space_memory, 0x4010);
    cr_assert_eq(r->mr, io);
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x4ff0)->mr, io,
                 "a second hit in the same range");
    /* The same index now holds another range: RAM shows through at 0x4010. */
    memory_region_set_address(io, 0x8000);
    r = address_space_lookup(&address_space_memory, 0x4010);
    cr_assert_eq(r->mr, ram);
    cr_assert_eq(r->mr_offset + (0x4010 - r->addr), 0x4010, "at its own offset in RAM");
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x8010)->mr, io);
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x4010)->mr, ram,
                 "the last hit (the device) does not answer for RAM");
    memory_region_del_subregion(get_system_memory(), io);
    cr_assert_null(address_space_lookup(&address_space_memory, 0x10010),
                   "past the end of RAM after the device range went");
    cr_assert_eq(address_space_lookup(&address_space_memory, 0x8010)->mr, ram);
}

Test(memory, alias_shows_target_at_offset)
{
    MemoryRegion *ram = new_ram("ram", 0x10000);
    MemoryRegion *alias = g_new0(MemoryRegion, 1);
    uint8_t *host = memory_region_get_ram_ptr(ram);

    memory_region_init_alias(alias, "alias", ram, 0x2000, 0x1000);
    memory_region_add_subregion(get_system_memory(), 0, ram);
    memory_region_add_subregion(get_system_memory(), 0x1fc00000, alias);
    address_space_write_val(&address_space_memory, 0x1fc00010, 0x5a5a1234, 4);
    cr_assert_eq(ldl_le_p(host + 0x2010), 0x5a5a1234);
    cr_assert_eq(rd(0x2010, 4), 0x5a5a1234);
    cr_assert_null(address_space_lookup(&address_space_memory, 0x1fc01000),
                   "alias is exactly its size");
    memory_region_set_alias_offset(alias, 0x3000);
    host[0x3000] = 0x77;
    cr_assert_eq(rd(0x1fc00000, 1), 0x77);
    cr_assert_eq(memory_region_get_ram_ptr(alias), host + 0x3000);
}

Test(memory, unassigned_reads_zero_and_reports_decode_error)
{
    uint64_t v = 42;
    uint8_t buf[16];
    MemoryRegion *ram = new_ram("ram", 0x1000);

    cr_assert_eq(address_space_read_val(&address_space_memory, 0x12345678, &v, 4),
                 MEMTX_DECODE_ERROR);
    cr_assert_eq(v, 0);
    cr_assert_eq(address_space_write_val(&address_space_memory, 0x12345678, 1, 4),
                 MEMTX_DECODE_ERROR);
    memory_region_add_subregion(get_system_memory(), 0x1000, ram);
    memset(memory_region_get_ram_ptr(ram), 0xee, 0x1000);
    memset(buf, 0x55, sizeof(buf));
    cr_assert_eq(address_space_read(&address_space_memory, 0xff8, buf, 16),
                 MEMTX_DECODE_ERROR);
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(buf[i], 0, "hole reads as zero");
        cr_assert_eq(buf[8 + i], 0xee, "RAM part is copied");
    }
}

Test(memory, rom_ignores_writes_but_loader_writes)
{
    MemoryRegion *rom = g_new0(MemoryRegion, 1);
    GError *err = NULL;
    uint32_t data = 0x01020304;

    cr_assert(memory_region_init_rom(rom, "rom", 0x1000, &err));
    memory_region_add_subregion(get_system_memory(), 0x1fc00000, rom);
    address_space_write_val(&address_space_memory, 0x1fc00000, 0xffffffff, 4);
    address_space_write(&address_space_memory, 0x1fc00004, &data, 4);
    cr_assert_eq(rd(0x1fc00000, 4), 0);
    cr_assert_eq(rd(0x1fc00004, 4), 0);
    cr_assert_eq(address_space_write_rom(&address_space_memory, 0x1fc00004, &data, 4),
                 MEMTX_OK);
    cr_assert_eq(rd(0x1fc00004, 4), 0x01020304);
    cr_assert_null(address_space_map_ram(&address_space_memory, 0x1fc00000, 4, true));
    cr_assert_not_null(address_space_map_ram(&address_space_memory, 0x1fc00000, 4,
                                             false));
}

Test(memory, rom_device_reads_memory_writes_ops)
{
    RecDev d = { 0 };
    MemoryRegion *flash = g_new0(MemoryRegion, 1);
    GError *err = NULL;
    uint8_t *host;

    cr_assert(memory_region_init_rom_device(flash, &ops_default, &d, "flash", 0x1000,
                                            &err));
    memory_region_add_subregion(get_system_memory(), 0x1e000000, flash);
    host = memory_region_get_ram_ptr(flash);
    host[0] = 0x99;
    d.regs[0] = 0x11;
    cr_assert_eq(rd(0x1e000000, 1), 0x99, "romd mode: reads from memory");
    cr_assert_eq(d.nr_reads, 0);
    address_space_write_val(&address_space_memory, 0x1e000000, 0x42, 1);
    cr_assert_eq(d.nr_writes, 1, "writes go to the device");
    cr_assert_eq(host[0], 0x99);
    memory_region_rom_device_set_romd(flash, false);
    cr_assert_eq(rd(0x1e000000, 1), 0x42, "command mode: reads from the device");
}

Test(memory, map_ram_strict_bounds)
{
    RecDev d = { 0 };
    MemoryRegion *ram = new_ram("ram", 0x2000);
    uint8_t *host = memory_region_get_ram_ptr(ram);

    memory_region_add_subregion(get_system_memory(), 0x10000, ram);
    memory_region_add_subregion(get_system_memory(), 0x12000,
                                new_io(&ops_default, &d, "dev", 0x100));
    cr_assert_eq(address_space_map_ram(&address_space_memory, 0x10000, 0x2000, true),
                 host);
    cr_assert_eq(address_space_map_ram(&address_space_memory, 0x11ff0, 0x10, false),
                 host + 0x1ff0);
    cr_assert_null(address_space_map_ram(&address_space_memory, 0x11ff0, 0x11, true),
                   "one byte past the RAM");
    cr_assert_null(address_space_map_ram(&address_space_memory, 0x12000, 4, false),
                   "MMIO is not mappable");
    cr_assert_null(address_space_map_ram(&address_space_memory, 0x10000, 0, true));
    cr_assert_null(address_space_map_ram(&address_space_memory, 0xfffffffffffff000ULL,
                                         0x2000, true), "wrap-around");
    cr_assert_null(address_space_map_ram(&address_space_memory, 0x30000, 4, false));
}

static int listener_calls;

static void count_listener(AddressSpace *as, void *opaque)
{
    listener_calls++;
}

Test(memory, transaction_reflattens_once)
{
    RecDev d = { 0 };

    address_space_add_listener(&address_space_memory, count_listener, NULL);
    memory_region_transaction_begin();
    memory_region_add_subregion(get_system_memory(), 0x1000,
                                new_io(&ops_default, &d, "a", 0x100));
    memory_region_add_subregion(get_system_memory(), 0x2000,
                                new_io(&ops_default, &d, "b", 0x100));
    memory_region_transaction_begin();
    memory_region_add_subregion(get_system_memory(), 0x3000,
                                new_io(&ops_default, &d, "c", 0x100));
    memory_region_transaction_commit();
    cr_assert_eq(listener_calls, 0, "nothing until the outer commit");
    cr_assert_null(address_space_lookup(&address_space_memory, 0x1000));
    memory_region_transaction_commit();
    cr_assert_eq(listener_calls, 1);
    cr_assert_not_null(address_space_lookup(&address_space_memory, 0x3000));
    memory_region_add_subregion(get_system_memory(), 0x4000,
                                new_io(&ops_default, &d, "d", 0x100));
    cr_assert_eq(listener_calls, 2, "outside a transaction each change applies");
}

Test(memory, io_space_is_64k_and_separate)
{
    RecDev d = { 0 };

    memory_region_add_subregion(get_system_io(), 0x3f8,
                                new_io(&ops_default, &d, "serial", 8));
    cr_assert_eq(get_system_io()->size, 0x10000);
    address_space_write_val(&address_space_io, 0x3f9, 0x5, 1);
    cr_assert_eq(d.regs[1], 5);
    cr_assert_null(address_space_lookup(&address_space_memory, 0x3f9));
    cr_assert_null(address_space_lookup(&address_space_io, 0x10000));
}

Test(memory, mtree_info_lists_regions)
{
    MemoryRegion *ram = new_ram("board.ram", 0x1000);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    memory_region_add_subregion(get_system_memory(), 0, ram);
    mtree_info(f, false);
    mtree_info(f, true);
    fclose(f);
    cr_assert_not_null(strstr(text, "address-space: memory"));
    cr_assert_not_null(strstr(text, "0000000000000000-0000000000000fff (prio 0, ram): "
                                    "board.ram"));
    cr_assert_not_null(strstr(text, "FlatView"));
    free(text);
}

static int listener_a, listener_b;

static void listener_fn(AddressSpace *as, void *opaque)
{
    (*(int *)opaque)++;
}

Test(memory, several_listeners_each_called)
{
    RecDev d = { 0 };

    /* e.g. one softmmu TLB flush per vCPU */
    address_space_add_listener(&address_space_memory, listener_fn, &listener_a);
    address_space_add_listener(&address_space_memory, listener_fn, &listener_b);
    memory_region_add_subregion(get_system_memory(), 0x1000,
                                new_io(&ops_default, &d, "a", 0x100));
    cr_assert_eq(listener_a, 1);
    cr_assert_eq(listener_b, 1);
    memory_region_add_subregion(get_system_io(), 0x60,
                                new_io(&ops_default, &d, "kbd", 1));
    cr_assert_eq(listener_a, 2, "a change anywhere re-renders every space");
}
