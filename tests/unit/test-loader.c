/*
 * Unit tests for hw/core/loader.c: ELF32 images built here byte by byte (little- and
 * big-endian), loaded through a capturing write callback; damaged files (bad magic,
 * truncation at every length, segments out of range or out of RAM) must fail with
 * an error and write nothing. ROM blobs are checked against real system memory.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include "hw/loader.h"
#include "exec/memory.h"

/* A fake guest physical memory of 1 MiB that the write callback fills. */
#define FAKE_RAM_SIZE (1u << 20)
static uint8_t fake_ram[FAKE_RAM_SIZE];
static unsigned nwrites;

static bool capture_write(void *opaque, hwaddr addr, GBytes *data, size_t zero_len,
                          GError **errp)
{
    size_t len;
    const void *buf = g_bytes_get_data(data, &len);

    cr_assert(addr + len + zero_len <= FAKE_RAM_SIZE,
              "write outside fake RAM at 0x%" HWADDR_PRIx, addr);
    memcpy(fake_ram + addr, buf, len);
    memset(fake_ram + addr + len, 0, zero_len);
    nwrites++;
    return true;
}

static bool kseg_translate(void *opaque, uint64_t addr, hwaddr *phys)
{
    if (addr >= 0x80000000ULL && addr < 0xc0000000ULL) {
        *phys = addr & 0x1fffffff;
        return true;
    }
    return false;
}

static void st16(uint8_t *p, uint16_t v, bool be)
{
    if (be) {
        stw_be_p(p, v);
    } else {
        stw_le_p(p, v);
    }
}

static void st32(uint8_t *p, uint32_t v, bool be)
{
    if (be) {
        stl_be_p(p, v);
    } else {
        stl_le_p(p, v);
    }
}

typedef struct TestSeg {
    uint32_t type, vaddr, filesz, memsz;
    uint8_t fill;
} TestSeg;

/* Build an ELF32 executable: header, program headers, then each segment's bytes
 * (filled with seg.fill). Returns the buffer; *len its size. */
static uint8_t *build_elf(bool be, uint16_t machine, uint32_t entry, const TestSeg *segs,
                          unsigned nseg, size_t *len)
{
    size_t off = 52 + 32 * nseg, total = off;
    uint8_t *b;

    for (unsigned i = 0; i < nseg; i++) {
        total += segs[i].filesz;
    }
    b = g_malloc0(total);
    memcpy(b, "\x7f" "ELF", 4);
    b[4] = ELF_CLASS32;
    b[5] = be ? ELF_DATA_MSB : ELF_DATA_LSB;
    b[6] = 1;
    st16(b + 16, 2, be);            /* ET_EXEC */
    st16(b + 18, machine, be);
    st32(b + 20, 1, be);
    st32(b + 24, entry, be);
    st32(b + 28, 52, be);           /* e_phoff */
    st16(b + 40, 52, be);
    st16(b + 42, 32, be);
    st16(b + 44, nseg, be);
    for (unsigned i = 0; i < nseg; i++) {
        uint8_t *ph = b + 52 + 32 * i;

        st32(ph + 0, segs[i].type, be);
        st32(ph + 4, off, be);
        st32(ph + 8, segs[i].vaddr, be);
        st32(ph + 12, segs[i].vaddr, be);
        st32(ph + 16, segs[i].filesz, be);
        st32(ph + 20, segs[i].memsz, be);
        st32(ph + 24, 7, be);
        st32(ph + 28, 0x1000, be);
        memset(b + off, segs[i].fill, segs[i].filesz);
        off += segs[i].filesz;
    }
    *len = total;
    return b;
}

static ElfLoadOpts mips_opts(void)
{
    return (ElfLoadOpts) {
        .machine = ELF_EM_MIPS,
        .data = ELF_DATA_LSB,
        .translate = kseg_translate,
        .phys_low = 0,
        .phys_high = FAKE_RAM_SIZE,
        .write = capture_write,
    };
}

static void reset_fake(void)
{
    memset(fake_ram, 0xaa, sizeof(fake_ram));
    nwrites = 0;
}

TestSuite(loader, .init = reset_fake);

Test(loader, valid_le_with_bss)
{
    TestSeg segs[] = {
        { ELF_PT_LOAD, 0x80010000, 0x100, 0x180, 0x11 },
        { 0x70000003, 0x80010040, 0x18, 0x18, 0x22 },      /* ABIFLAGS: skipped */
        { ELF_PT_LOAD, 0x80020000, 0x10, 0x10, 0x33 },
    };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0x80010008, segs, 3, &len);
    ElfLoadOpts o = mips_opts();
    ElfLoadInfo info;
    GError *err = NULL;

    cr_assert(load_elf32_buf(elf, len, &o, &info, &err), "%s", err ? err->message : "");
    cr_assert_eq(info.entry, 0x80010008);
    cr_assert_eq(info.phys_low, 0x10000);
    cr_assert_eq(info.phys_high, 0x20010);
    cr_assert_eq(info.nr_segments, 2);
    cr_assert_eq(info.data, ELF_DATA_LSB);
    cr_assert_eq(fake_ram[0x10000], 0x11);
    cr_assert_eq(fake_ram[0x100ff], 0x11);
    cr_assert_eq(fake_ram[0x10100], 0x00, "bss must be zeroed");
    cr_assert_eq(fake_ram[0x1017f], 0x00);
    cr_assert_eq(fake_ram[0x10180], 0xaa, "nothing written past memsz");
    cr_assert_eq(fake_ram[0x20000], 0x33);
    cr_assert_eq(nwrites, 2);
}

Test(loader, valid_big_endian)
{
    TestSeg seg = { ELF_PT_LOAD, 0x80001000, 0x20, 0x20, 0x5a };
    size_t len;
    g_autofree uint8_t *elf = build_elf(true, ELF_EM_MIPS, 0x80001004, &seg, 1, &len);
    ElfLoadOpts o = mips_opts();
    ElfLoadInfo info;

    o.data = 0;
    cr_assert(load_elf32_buf(elf, len, &o, &info, NULL));
    cr_assert_eq(info.data, ELF_DATA_MSB);
    cr_assert_eq(info.entry, 0x80001004);
    cr_assert_eq(fake_ram[0x101f], 0x5a);

    /* A little-endian-only machine refuses it, and says why. */
    reset_fake();
    o.data = ELF_DATA_LSB;
    GError *err = NULL;
    cr_assert_not(load_elf32_buf(elf, len, &o, &info, &err));
    cr_assert(strstr(err->message, "big-endian"), "%s", err->message);
    cr_assert_eq(nwrites, 0);
    g_error_free(err);
}

Test(loader, bad_magic)
{
    TestSeg seg = { ELF_PT_LOAD, 0x80001000, 0x20, 0x20, 1 };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0, &seg, 1, &len);
    ElfLoadOpts o = mips_opts();
    GError *err = NULL;

    elf[1] = 'X';
    cr_assert_not(load_elf32_buf(elf, len, &o, NULL, &err));
    cr_assert(strstr(err->message, "magic"), "%s", err->message);
    cr_assert_eq(nwrites, 0);
    g_error_free(err);
    cr_assert_not(loader_is_elf(elf, len));
}

Test(loader, truncated_at_every_length)
{
    TestSeg segs[] = {
        { ELF_PT_LOAD, 0x80001000, 0x40, 0x80, 1 },
        { ELF_PT_LOAD, 0x80002000, 0x40, 0x40, 2 },
    };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0x80001000, segs, 2, &len);
    ElfLoadOpts o = mips_opts();

    /* Every proper prefix is rejected with a message, and nothing is written. */
    for (size_t cut = 0; cut < len; cut++) {
        GError *err = NULL;
        g_autofree uint8_t *copy = g_memdup2(elf, cut ? cut : 1);

        cr_assert_not(load_elf32_buf(copy, cut, &o, NULL, &err), "prefix %zu accepted", cut);
        cr_assert_not_null(err);
        cr_assert(strlen(err->message) > 0);
        g_error_free(err);
        cr_assert_eq(nwrites, 0, "prefix %zu wrote memory", cut);
    }
    cr_assert(load_elf32_buf(elf, len, &o, NULL, NULL));
}

Test(loader, segment_outside_ram)
{
    TestSeg segs[] = {
        { ELF_PT_LOAD, 0x80001000, 0x10, 0x10, 1 },
        { ELF_PT_LOAD, 0x800ff000, 0x10, 0x2000, 2 },   /* bss runs past 1 MiB */
    };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0x80001000, segs, 2, &len);
    ElfLoadOpts o = mips_opts();
    GError *err = NULL;

    cr_assert_not(load_elf32_buf(elf, len, &o, NULL, &err));
    cr_assert(strstr(err->message, "outside RAM"), "%s", err->message);
    cr_assert_eq(nwrites, 0, "validation must precede any write");
    g_error_free(err);
}

Test(loader, untranslatable_address)
{
    TestSeg seg = { ELF_PT_LOAD, 0xc0000000, 0x10, 0x10, 1 };   /* kseg2 */
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0xc0000000, &seg, 1, &len);
    ElfLoadOpts o = mips_opts();
    GError *err = NULL;

    cr_assert_not(load_elf32_buf(elf, len, &o, NULL, &err));
    cr_assert(strstr(err->message, "translation"), "%s", err->message);
    g_error_free(err);
}

Test(loader, malformed_headers)
{
    TestSeg seg = { ELF_PT_LOAD, 0x80001000, 0x10, 0x10, 1 };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0, &seg, 1, &len);
    ElfLoadOpts o = mips_opts();
    g_autofree uint8_t *b = g_malloc(len);
    struct {
        size_t off;
        uint32_t val;
        int width;
        const char *msg;
    } cases[] = {
        { 4, 2, 1, "class" },                    /* ELFCLASS64 */
        { 5, 3, 1, "encoding" },
        { 6, 0, 1, "version" },
        { 16, 3, 2, "executable" },              /* ET_DYN */
        { 18, ELF_EM_386, 2, "machine" },
        { 44, 0, 2, "no program headers" },
        { 42, 16, 2, "too small" },
        { 28, 0xfffffff0, 4, "truncated" },      /* phoff far beyond the file */
        { 52 + 4, 0xffffff00, 4, "truncated" },  /* p_offset beyond the file */
        { 52 + 16, 0x20, 4, "exceeds" },         /* filesz > memsz */
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        GError *err = NULL;

        memcpy(b, elf, len);
        if (cases[i].width == 1) {
            b[cases[i].off] = cases[i].val;
        } else if (cases[i].width == 2) {
            stw_le_p(b + cases[i].off, cases[i].val);
        } else {
            stl_le_p(b + cases[i].off, cases[i].val);
        }
        cr_assert_not(load_elf32_buf(b, len, &o, NULL, &err), "case %zu accepted", i);
        cr_assert(strstr(err->message, cases[i].msg), "case %zu: '%s' lacks '%s'", i,
                  err->message, cases[i].msg);
        g_error_free(err);
    }
    cr_assert_eq(nwrites, 0);
}

Test(loader, huge_segment_without_limits)
{
    TestSeg seg = { ELF_PT_LOAD, 0x80001000, 0x10, 0xfffff000, 1 };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0, &seg, 1, &len);
    ElfLoadOpts o = mips_opts();
    GError *err = NULL;

    /* No RAM bounds given: the size itself must still be refused, not allocated. */
    o.phys_low = o.phys_high = 0;
    cr_assert_not(load_elf32_buf(elf, len, &o, NULL, &err));
    cr_assert(strstr(err->message, "too large"), "%s", err->message);
    g_error_free(err);
    cr_assert_eq(nwrites, 0);
}

Test(loader, no_loadable_segments)
{
    TestSeg seg = { ELF_PT_LOAD, 0x80001000, 0, 0, 1 };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0, &seg, 1, &len);
    ElfLoadOpts o = mips_opts();
    GError *err = NULL;

    cr_assert_not(load_elf32_buf(elf, len, &o, NULL, &err));
    cr_assert(strstr(err->message, "no loadable"), "%s", err->message);
    g_error_free(err);
}

Test(loader, files)
{
    TestSeg seg = { ELF_PT_LOAD, 0x80003000, 0x30, 0x30, 0x77 };
    size_t len;
    g_autofree uint8_t *elf = build_elf(false, ELF_EM_MIPS, 0x80003000, &seg, 1, &len);
    char path[] = "/tmp/test-loader-XXXXXX";
    int fd = mkstemp(path);
    ElfLoadOpts o = mips_opts();
    ElfLoadInfo info;
    GError *err = NULL;
    uint64_t size;

    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, elf, len), (ssize_t)len);
    close(fd);
    cr_assert(load_elf32(path, &o, &info, &err));
    cr_assert_eq(fake_ram[0x3000], 0x77);

    /* Raw image: the same bytes at an address of our choosing. */
    cr_assert(load_image_targphys(path, 0x8000, 4096, &size, capture_write, NULL, NULL));
    cr_assert_eq(size, len);
    cr_assert_eq(memcmp(fake_ram + 0x8000, elf, len), 0);
    /* ... but not if it exceeds the room given. */
    cr_assert_not(load_image_targphys(path, 0x8000, 16, &size, capture_write, NULL, &err));
    cr_assert(strstr(err->message, "too large"), "%s", err->message);
    g_clear_error(&err);

    /* A truncated file on disk names the file in the error. */
    cr_assert_eq(truncate(path, 60), 0);
    cr_assert_not(load_elf32(path, &o, &info, &err));
    cr_assert(strstr(err->message, path) && strstr(err->message, "truncated"), "%s",
              err->message);
    g_clear_error(&err);
    unlink(path);

    cr_assert_not(load_elf32(path, &o, &info, &err));
    cr_assert(strstr(err->message, "No such file"), "%s", err->message);
    g_clear_error(&err);
    cr_assert_not(load_elf32("/tmp", &o, &info, &err));
    cr_assert(strstr(err->message, "not a regular file"), "%s", err->message);
    g_clear_error(&err);
}

Test(loader, rom_blobs_restored_at_reset)
{
    static MemoryRegion ram;
    uint8_t data[64], back[64];
    GError *err = NULL;

    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = i * 3 + 1;
    }
    cr_assert(memory_region_init_ram(&ram, "test.ram", 0x10000, &err));
    memory_region_add_subregion(get_system_memory(), 0x100000, &ram);
    cr_assert(rom_add_blob("blob", NULL, 0x100100, data, sizeof(data), &err));
    cr_assert_eq(address_space_read(&address_space_memory, 0x100100, back, sizeof(back)),
                 MEMTX_OK);
    cr_assert_eq(memcmp(back, data, sizeof(data)), 0);

    /* The guest scribbles over it; a machine reset puts it back. */
    memset(back, 0, sizeof(back));
    address_space_write(&address_space_memory, 0x100100, back, sizeof(back));
    rom_reset_all();
    cr_assert_eq(address_space_read(&address_space_memory, 0x100100, back, sizeof(back)),
                 MEMTX_OK);
    cr_assert_eq(memcmp(back, data, sizeof(data)), 0);

    /* A blob where nothing is mapped is refused. */
    cr_assert_not(rom_add_blob("nowhere", NULL, 0x40000000, data, 4, &err));
    cr_assert_not_null(err);
    g_clear_error(&err);
    rom_free_all();
}

/* Resident set of this process in bytes (/proc/self/statm, second field). */
static size_t resident_bytes(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    cr_assert_not_null(f);
    cr_assert_eq(fscanf(f, "%lu %lu", &size, &resident), 2);
    fclose(f);
    return resident * (size_t)sysconf(_SC_PAGESIZE);
}

Test(loader, blob_zero_tail_restored_without_touching_fresh_ram)
{
    static MemoryRegion ram, rom;
    const size_t tail = 8u << 20;
    uint8_t data[300], back[300], junk[64];
    GBytes *b;
    GError *err = NULL;
    size_t before;

    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = i * 7 + 3;
    }
    cr_assert(memory_region_init_ram(&ram, "test.ram", 16u << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0x1000000, &ram);
    cr_assert(memory_region_init_rom(&rom, "test.rom", 0x2000, &err));
    memory_region_add_subregion(get_system_memory(), 0x3000000, &rom);

    /* An 8 MiB bss over fresh RAM: zeros by reading, not by writing every page
     * (which would have made the host allocate and clear all of it). */
    b = g_bytes_new(data, sizeof(data));
    before = resident_bytes();
    cr_assert(rom_add_bytes("image", NULL, 0x1000000, b, tail, &err));
    /* The data's own page may come as a 2 MiB transparent huge page. */
    cr_assert_lt(resident_bytes(), before + (4u << 20),
                 "the zero tail made %zu KiB resident", (resident_bytes() - before) >> 10);
    cr_assert_eq(address_space_read(&address_space_memory, 0x1000000, back, sizeof(back)),
                 MEMTX_OK);
    cr_assert_eq(memcmp(back, data, sizeof(data)), 0);

    /* The guest dirties the tail (a page-aligned spot and one straddling pages); a
     * reset zeroes it again and puts the data back. */
    memset(junk, 0x5a, sizeof(junk));
    address_space_write(&address_space_memory, 0x1000000 + sizeof(data), junk, 16);
    address_space_write(&address_space_memory, 0x1003000 - 32, junk, sizeof(junk));
    address_space_write(&address_space_memory, 0x1000000 + sizeof(data) + tail - 8, junk, 8);
    address_space_write(&address_space_memory, 0x1000000, junk, sizeof(junk));
    address_space_write(&address_space_memory, 0x1000000 + sizeof(data) + tail, junk, 1);
    rom_reset_all();
    cr_assert_eq(address_space_read(&address_space_memory, 0x1000000, back, sizeof(back)),
                 MEMTX_OK);
    cr_assert_eq(memcmp(back, data, sizeof(data)), 0);
    for (hwaddr a = 0x1000000 + sizeof(data); a < 0x1000000 + sizeof(data) + tail;
         a += sizeof(junk)) {
        size_t n = MIN(sizeof(junk), 0x1000000 + sizeof(data) + tail - a);

        cr_assert_eq(address_space_read(&address_space_memory, a, junk, n), MEMTX_OK);
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(junk[i], 0, "byte at 0x%" HWADDR_PRIx " not zeroed", a + i);
        }
    }
    /* Past the tail nothing was written. */
    cr_assert_eq(address_space_read(&address_space_memory,
                                    0x1000000 + sizeof(data) + tail, junk, 1), MEMTX_OK);
    cr_assert_eq(junk[0], 0x5a);

    /* A tail over ROM gets real zeros (ROM is written through write_rom). */
    memset(junk, 0x77, sizeof(junk));
    address_space_write_rom(&address_space_memory, 0x3000200, junk, sizeof(junk));
    cr_assert(rom_add_bytes("rom-image", NULL, 0x3000000, b, 0x1000, &err));
    cr_assert_eq(address_space_read(&address_space_memory, 0x3000200, junk, sizeof(junk)),
                 MEMTX_OK);
    for (size_t i = 0; i < sizeof(junk); i++) {
        cr_assert_eq(junk[i], 0);
    }
    g_bytes_unref(b);
    rom_free_all();
}
