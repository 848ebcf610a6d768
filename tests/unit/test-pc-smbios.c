/*
 * Unit tests for hw/i386/smbios.c: the entry point is found the way an OS scans
 * for it (16-byte steps through 0xf0000-0xfffff), both its checksums add up, its
 * table length, count and largest-structure fields describe the table behind
 * it, every structure is well formed (formatted length, unique handles, string
 * set ending in a double NUL, string numbers in range), the system UUID is
 * stored in SMBIOS 2.6+ byte order, and the memory structures add up to the RAM.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/i386/pc.h"
#include "exec/memory.h"

static MemoryRegion ram;

static void setup(void)
{
    GError *err = NULL;

    cr_assert(memory_region_init_ram(&ram, "ram", 1 << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
}

TestSuite(smbios, .init = setup);

static uint8_t *mem(hwaddr a)
{
    return (uint8_t *)memory_region_get_ram_ptr(&ram) + a;
}

static PCSmbiosConfig make_cfg(int cpus, uint64_t below, uint64_t above)
{
    PCSmbiosConfig c = {
        /* Here the "ROM" and its low alias are the same RAM. */
        .rom_addr = 0xfd000,
        .low_addr = 0xfd000,
        .bios_segment = 0xf000,
        .bios_version = "0.1.0",
        .product = "Standard PC (i440FX + PIIX, 1996)",
        .machine_version = "pc",
        .uuid = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                  0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 },
        .nr_cpus = cpus,
        .cpuid_eax = 0x6d8,
        .cpuid_edx = 0x0781abfd,
        .cpu_vendor = "GenuineIntel",
        .cpu_version = "mimic i686",
        .ram_below_4g = below,
        .ram_above_4g = above,
    };
    return c;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    for (size_t i = 0; i < len; i++) {
        s += p[i];
    }
    return s;
}

static hwaddr find_entry_point(void)
{
    for (hwaddr a = 0xf0000; a < 0x100000; a += 16) {
        if (memcmp(mem(a), "_SM_", 4) == 0) {
            return a;
        }
    }
    cr_assert_fail("no _SM_ entry point in the BIOS area");
    return 0;
}

typedef struct Found {
    const uint8_t *s[64];
    int n;
} Found;

/* The string number idx of structure t (1-based), or NULL. */
static const char *str_of(const uint8_t *t, int idx)
{
    const char *p = (const char *)t + t[1];

    if (idx == 0) {
        return NULL;
    }
    for (int i = 1; i < idx; i++) {
        p += strlen(p) + 1;
    }
    return p;
}

/* Walk the table as an OS does; check each structure; collect them. */
static void walk(hwaddr ep, Found *f)
{
    uint16_t len = lduw_le_p(mem(ep + 0x16));
    uint32_t addr = ldl_le_p(mem(ep + 0x18));
    uint16_t count = lduw_le_p(mem(ep + 0x1c));
    uint16_t max_size = lduw_le_p(mem(ep + 8)), largest = 0;
    const uint8_t *p = mem(addr), *end = p + len;
    bool handles[256] = { false };

    f->n = 0;
    for (int i = 0; i < count; i++) {
        const uint8_t *t = p, *q;
        int strings = 0;

        cr_assert_lt(p + 4, end, "structure %d starts inside the table", i);
        cr_assert_geq(t[1], 4);
        cr_assert_lt(lduw_le_p(t + 2), 256);
        cr_assert_not(handles[lduw_le_p(t + 2)], "handle %u used twice",
                      lduw_le_p(t + 2));
        handles[lduw_le_p(t + 2)] = true;
        q = t + t[1];
        if (q[0] == 0 && q[1] == 0) {
            q += 2;
        } else {
            while (q[0] != 0) {
                q += strlen((const char *)q) + 1;
                strings++;
            }
            q++;
        }
        cr_assert_leq(q, end, "structure %d's strings end inside the table", i);
        largest = MAX(largest, q - t);
        /* Every byte-sized string field of these types is in range. */
        for (int b = 4; b < t[1]; b++) {
            bool is_str = (t[0] == 0 && (b == 4 || b == 5 || b == 8)) ||
                          (t[0] == 1 && (b == 4 || b == 5 || b == 6 || b == 7 ||
                                         b == 0x19 || b == 0x1a)) ||
                          (t[0] == 4 && (b == 4 || b == 7 || b == 0x10)) ||
                          (t[0] == 17 && (b == 0x10 || b == 0x11 || b == 0x17));
            if (is_str) {
                cr_assert_leq(t[b], strings, "type %u field %#x: string %u of %d",
                              t[0], b, t[b], strings);
            }
        }
        f->s[f->n++] = t;
        p = q;
    }
    cr_assert_eq(p, end, "the structures fill exactly the table length");
    cr_assert_eq(f->s[f->n - 1][0], 127, "the last structure ends the table");
    cr_assert_eq(largest, max_size, "the largest structure's size");
}

static const uint8_t *first_of(Found *f, uint8_t type)
{
    for (int i = 0; i < f->n; i++) {
        if (f->s[i][0] == type) {
            return f->s[i];
        }
    }
    return NULL;
}

Test(smbios, entry_point_found_and_checksums)
{
    PCSmbiosConfig c = make_cfg(1, 256 << 20, 0);
    GError *err = NULL;
    hwaddr ep;

    cr_assert(pc_smbios_build(&c, &err), "%s", err ? err->message : "");
    ep = find_entry_point();
    cr_assert_eq(ep, 0xfd000);
    cr_assert_eq(mem(ep)[5], 0x1f, "2.1 entry point length");
    cr_assert_eq(mem(ep)[6], 2);
    cr_assert_eq(mem(ep)[7], 8);
    cr_assert_eq(sum(mem(ep), 0x1f), 0, "entry point checksum");
    cr_assert_eq(memcmp(mem(ep + 0x10), "_DMI_", 5), 0);
    cr_assert_eq(sum(mem(ep + 0x10), 0x0f), 0, "intermediate checksum");
    cr_assert_eq(mem(ep)[0x1e], 0x28);
}

Test(smbios, structures_well_formed_with_strings)
{
    PCSmbiosConfig c = make_cfg(2, 256 << 20, 0);
    GError *err = NULL;
    const uint8_t *t;
    Found f;

    cr_assert(pc_smbios_build(&c, &err), "%s", err ? err->message : "");
    walk(find_entry_point(), &f);
    t = first_of(&f, 0);
    cr_assert_not_null(t);
    cr_assert_str_eq(str_of(t, t[4]), "mimic");
    cr_assert_str_eq(str_of(t, t[5]), "0.1.0");
    cr_assert_eq(lduw_le_p(t + 6), 0xf000);
    t = first_of(&f, 1);
    cr_assert_not_null(t);
    cr_assert_str_eq(str_of(t, t[5]), "Standard PC (i440FX + PIIX, 1996)");
    cr_assert_str_eq(str_of(t, t[6]), "pc");
    t = first_of(&f, 4);
    cr_assert_not_null(t);
    cr_assert_str_eq(str_of(t, t[4]), "CPU 0");
    cr_assert_str_eq(str_of(t, t[7]), "GenuineIntel");
    cr_assert_eq(ldl_le_p(t + 8), 0x6d8, "processor ID = CPUID 1 EAX");
    cr_assert_eq(ldl_le_p(t + 12), 0x0781abfd);
    {
        int cpus = 0;

        for (int i = 0; i < f.n; i++) {
            cpus += f.s[i][0] == 4;
        }
        cr_assert_eq(cpus, 2, "one processor structure per CPU");
    }
    cr_assert_not_null(first_of(&f, 3));
    cr_assert_not_null(first_of(&f, 32));
}

/* SMBIOS 2.6+: time_low, time_mid and time_hi_and_version little-endian; Linux
 * prints /sys/class/dmi/id/product_uuid back in the text order. */
Test(smbios, uuid_byte_order)
{
    PCSmbiosConfig c = make_cfg(1, 64 << 20, 0);
    static const uint8_t want[16] = { 0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde,
                                      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    GError *err = NULL;
    const uint8_t *t;
    Found f;

    cr_assert(pc_smbios_build(&c, &err), "%s", err ? err->message : "");
    walk(find_entry_point(), &f);
    t = first_of(&f, 1);
    cr_assert_arr_eq(t + 8, want, 16);
}

/* Memory: the DIMMs add up to the RAM, the array's capacity covers it, and the
 * mapped ranges are the RAM below 4 GiB and above it. */
Test(smbios, memory_adds_up)
{
    uint64_t below = 3ULL << 30, above = 30ULL << 30;
    PCSmbiosConfig c = make_cfg(1, below, above);
    GError *err = NULL;
    uint64_t dimm_mib = 0;
    int ranges = 0;
    const uint8_t *t;
    Found f;

    cr_assert(pc_smbios_build(&c, &err), "%s", err ? err->message : "");
    walk(find_entry_point(), &f);
    t = first_of(&f, 16);
    cr_assert_eq(ldl_le_p(t + 7), (below + above) >> 10, "array capacity (KiB)");
    cr_assert_eq(lduw_le_p(t + 0x0d), 3, "33 GiB in 16 GiB DIMMs");
    for (int i = 0; i < f.n; i++) {
        t = f.s[i];
        if (t[0] == 17) {
            uint16_t sz = lduw_le_p(t + 0x0c);

            dimm_mib += sz == 0x7fff ? ldl_le_p(t + 0x1c) : sz;
            cr_assert_eq(lduw_le_p(t + 4), lduw_le_p(first_of(&f, 16) + 2),
                         "DIMM in the array");
        } else if (t[0] == 19) {
            uint64_t start = (uint64_t)ldl_le_p(t + 4) << 10;
            uint64_t end = ((uint64_t)ldl_le_p(t + 8) << 10) | 0x3ff;

            if (ranges++ == 0) {
                cr_assert_eq(start, 0);
                cr_assert_eq(end, below - 1);
            } else {
                cr_assert_eq(start, PC_HIGHMEM_BASE);
                cr_assert_eq(end, PC_HIGHMEM_BASE + above - 1);
            }
        }
    }
    cr_assert_eq(dimm_mib, (below + above) >> 20);
    cr_assert_eq(ranges, 2);
}

Test(smbios, too_many_cpus_is_an_error)
{
    PCSmbiosConfig c = make_cfg(200, 64 << 20, 0);
    GError *err = NULL;

    cr_assert_not(pc_smbios_build(&c, &err));
    cr_assert_not_null(strstr(err->message, "do not fit"), "%s", err->message);
}
