/*
 * Unit tests for hw/i386/multiboot.c: synthetic Multiboot kernels (a flat image
 * with the header's address fields, and an ELF file linked at a virtual address)
 * are loaded with modules and a command line; the information structure, the
 * module list and memory map, the bss, the entry state and the GDT are checked in
 * guest memory; then the errors: unsupported required features, inconsistent
 * address fields, no address fields and not ELF, a load range past the file's
 * end, a missing module, a kernel that does not fit.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "exec/memory.h"

#define RAM_SIZE (32u << 20)

static MemoryRegion ram;
static GPtrArray *tmpfiles;

static void setup(void)
{
    GError *err = NULL;

    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    tmpfiles = g_ptr_array_new_with_free_func(g_free);
}

static void teardown(void)
{
    for (guint i = 0; i < tmpfiles->len; i++) {
        unlink(g_ptr_array_index(tmpfiles, i));
    }
    g_ptr_array_free(tmpfiles, true);
}

TestSuite(multiboot, .init = setup, .fini = teardown);

static const char *write_tmp(const void *data, size_t len)
{
    char *path = g_strdup("/tmp/test-pc-multiboot-XXXXXX");
    int fd = mkstemp(path);

    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    g_ptr_array_add(tmpfiles, path);
    return path;
}

static uint32_t ld32(hwaddr a)
{
    return ldl_phys(&address_space_memory, a);
}

static char *ldstr(hwaddr a)
{
    static char buf[256];

    address_space_read(&address_space_memory, a, buf, sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = 0;
    return buf;
}

static void mb_header(uint8_t *p, uint32_t flags)
{
    stl_le_p(p, MULTIBOOT_HEADER_MAGIC);
    stl_le_p(p + 4, flags);
    stl_le_p(p + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/* Flat image loaded at 1 MiB: header at 0x40, 4 KiB of data, 8 KiB of bss. */
static uint8_t *make_aout(size_t *len)
{
    uint8_t *k = g_malloc0(4096);

    memset(k + 0x100, 0xab, 4096 - 0x100);
    mb_header(k + 0x40, MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_PAGE_ALIGN |
              MULTIBOOT_MEMORY_INFO);
    stl_le_p(k + 0x4c, 0x100040);       /* header_addr */
    stl_le_p(k + 0x50, 0x100000);       /* load_addr */
    stl_le_p(k + 0x54, 0x101000);       /* load_end_addr */
    stl_le_p(k + 0x58, 0x103000);       /* bss_end_addr */
    stl_le_p(k + 0x5c, 0x100100);       /* entry_addr */
    *len = 4096;
    return k;
}

static bool load(const uint8_t *k, size_t len, const char *mods, const char *cmdline,
                 PCBootEntry *e, const char **kpath, GError **errp)
{
    PCBootParams p = {
        .kernel_filename = write_tmp(k, len),
        .initrd_filename = mods,
        .cmdline = cmdline,
        .ram_below_4g = RAM_SIZE,
    };

    if (kpath) {
        *kpath = p.kernel_filename;
    }
    return pc_boot_kernel(&p, e, errp);
}

Test(multiboot, flat_image_with_modules)
{
    size_t len;
    uint8_t *k = make_aout(&len);
    const char *m1 = write_tmp("module one", 10);
    const char *m2 = write_tmp("second module!", 14);
    char *spec = g_strdup_printf("%s a1 a2,%s x,,y", m1, m2);
    const char *kpath;
    PCBootEntry e;
    GError *err = NULL;
    uint32_t mbi, mods, mmap, mod0_start, mod1_start;
    char *want;

    memset(memory_region_get_ram_ptr(&ram) + 0x101000, 0xee, 0x2000);   /* dirty bss */
    cr_assert(load(k, len, spec, "console=com1", &e, &kpath, &err), "%s",
              err ? err->message : "");
    cr_assert(e.valid);
    cr_assert_eq(e.eip, 0x100100);
    cr_assert_eq(e.eax, MULTIBOOT_BOOTLOADER_MAGIC);
    cr_assert_not(e.needs_paging32);
    mbi = e.ebx;
    cr_assert_eq(ld32(0x100000), 0, "image loaded from its load_addr");
    cr_assert_eq(ld32(0x100040), MULTIBOOT_HEADER_MAGIC);
    cr_assert_eq(ld32(0x100100), 0xabababab);
    cr_assert_eq(ld32(0x101000), 0, "bss cleared");
    cr_assert_eq(ld32(0x102ffc), 0);
    cr_assert_eq(ld32(mbi), MBI_FLAG_MEM | MBI_FLAG_BOOTDEV | MBI_FLAG_CMDLINE |
                 MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME);
    cr_assert_eq(ld32(mbi + 4), 639);
    cr_assert_eq(ld32(mbi + 8), (RAM_SIZE >> 10) - 1024);
    want = g_strdup_printf("%s console=com1", kpath);
    cr_assert_str_eq(ldstr(ld32(mbi + 16)), want);
    g_free(want);
    cr_assert_eq(ld32(mbi + 20), 2);
    mods = ld32(mbi + 24);
    mod0_start = ld32(mods);
    mod1_start = ld32(mods + 16);
    cr_assert_eq(mod0_start, 0x103000, "first page after the bss");
    cr_assert_eq(ld32(mods + 4), 0x103000 + 10);
    cr_assert_eq(mod1_start, 0x104000, "page aligned");
    cr_assert_eq(ld32(mods + 20), 0x104000 + 14);
    cr_assert_eq(memcmp(ldstr(mod0_start), "module one", 10), 0);
    cr_assert_eq(memcmp(ldstr(mod1_start), "second module!", 14), 0);
    want = g_strdup_printf("%s a1 a2", m1);
    cr_assert_str_eq(ldstr(ld32(mods + 8)), want);
    g_free(want);
    want = g_strdup_printf("%s x,y", m2);
    cr_assert_str_eq(ldstr(ld32(mods + 24)), want, ",, is a comma");
    g_free(want);
    cr_assert(mbi >= 0x105000, "information after the modules");
    mmap = ld32(mbi + 48);
    cr_assert_eq(ld32(mbi + 44), 5 * 24);
    cr_assert_eq(ld32(mmap), 20, "entry size field");
    cr_assert_eq(ld32(mmap + 4), 0);
    cr_assert_eq(ld32(mmap + 12), 0x9fc00);
    cr_assert_eq(ld32(mmap + 20), 1);
    cr_assert_eq(ld32(mmap + 24 + 20), 2, "EBDA reserved");
    cr_assert_str_eq(ldstr(ld32(mbi + 64)), "mimic");
    cr_assert_eq(ld32(e.gdt_base + PC_BOOT_CS + 4), 0x00cf9b00);
    g_free(spec);
    g_free(k);
}

Test(multiboot, elf_with_virtual_entry)
{
    uint8_t *k = g_malloc0(0x400);
    PCBootEntry e;
    GError *err = NULL;

    memcpy(k, "\x7f" "ELF", 4);
    k[4] = 1;                           /* ELFCLASS32 */
    k[5] = 1;                           /* little-endian */
    k[6] = 1;
    stw_le_p(k + 16, 2);                /* ET_EXEC */
    stw_le_p(k + 18, ELF_EM_386);
    stl_le_p(k + 20, 1);
    stl_le_p(k + 24, 0xc0100040);       /* e_entry: virtual */
    stl_le_p(k + 28, 52);               /* e_phoff */
    stw_le_p(k + 40, 52);
    stw_le_p(k + 42, 32);
    stw_le_p(k + 44, 1);
    stw_le_p(k + 46, 40);
    stl_le_p(k + 52, ELF_PT_LOAD);
    stl_le_p(k + 56, 0x100);            /* p_offset */
    stl_le_p(k + 60, 0xc0100000);       /* p_vaddr */
    stl_le_p(k + 64, 0x100000);         /* p_paddr */
    stl_le_p(k + 68, 0x300);            /* p_filesz */
    stl_le_p(k + 72, 0x1000);           /* p_memsz */
    stl_le_p(k + 76, 7);
    stl_le_p(k + 80, 4);
    mb_header(k + 0x100, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
    stl_le_p(k + 0x140, 0x12345678);
    cr_assert(load(k, 0x400, NULL, "", &e, NULL, &err), "%s", err ? err->message : "");
    cr_assert_eq(e.eip, 0x100040, "virtual entry made physical");
    cr_assert_eq(ld32(0x100040), 0x12345678);
    cr_assert_eq(ld32(e.ebx + 20), 0, "no modules");
    cr_assert(e.ebx >= 0x101000);
    g_free(k);
}

static void expect_error(const uint8_t *k, size_t len, const char *mods, const char *what)
{
    PCBootEntry e;
    GError *err = NULL;

    cr_assert_not(load(k, len, mods, "", &e, NULL, &err), "%s accepted", what);
    cr_assert(strstr(err->message, what), "'%s' not in '%s'", what, err->message);
    g_error_free(err);
}

Test(multiboot, errors)
{
    size_t len;
    uint8_t *k = make_aout(&len);

    mb_header(k + 0x40, MULTIBOOT_AOUT_KLUDGE | 0x20);
    expect_error(k, len, NULL, "requires Multiboot features");
    mb_header(k + 0x40, 0);
    expect_error(k, len, NULL, "not an ELF");
    mb_header(k + 0x40, MULTIBOOT_AOUT_KLUDGE);
    stl_le_p(k + 0x4c, 0x0ff000);       /* header_addr below load_addr */
    expect_error(k, len, NULL, "do not match");
    stl_le_p(k + 0x4c, 0x100040);
    stl_le_p(k + 0x54, 0x102000);       /* load_end past the file */
    expect_error(k, len, NULL, "past the end of the file");
    stl_le_p(k + 0x54, 0x101000);
    stl_le_p(k + 0x58, 0x4000000);      /* bss beyond 32 MiB of RAM */
    expect_error(k, len, NULL, "does not fit");
    stl_le_p(k + 0x58, 0x103000);
    expect_error(k, len, "/nonexistent/module", "Multiboot module 1");
    g_free(k);
}

Test(multiboot, header_search)
{
    uint8_t buf[9000] = { 0 };

    mb_header(buf + 8188, 0);
    cr_assert_eq(multiboot_find_header(buf, sizeof(buf)), -1, "must fit in 8 KiB");
    mb_header(buf + 8176, 0);
    cr_assert_eq(multiboot_find_header(buf, sizeof(buf)), 8176);
    stl_le_p(buf + 8184, 1);            /* bad checksum */
    cr_assert_eq(multiboot_find_header(buf, sizeof(buf)), -1);
    mb_header(buf + 2, 0);
    cr_assert_eq(multiboot_find_header(buf, sizeof(buf)), -1, "4-byte aligned only");
}
