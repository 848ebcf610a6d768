/*
 * Unit tests for hw/i386/linux-boot.c (and the shared parts of pc-boot.c): a
 * synthetic bzImage is loaded by the x86 boot protocol and the result is checked
 * where the kernel will look for it: the protected-mode code at 1 MiB, the zero
 * page (setup header copy, loader type, command line pointer, initrd location
 * and size, e820 map), the command line, the initrd (page-aligned, as high as
 * initrd_addr_max and RAM allow), the flat GDT, the entry state, the fw_cfg
 * items; then the setup-header checks and the other errors.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "hw/nvram/fw_cfg.h"
#include "exec/memory.h"

#define RAM_SIZE (64u << 20)
#define SETUP_SECTS 4
#define PROT_SIZE 8192

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

TestSuite(linux_boot, .init = setup, .fini = teardown);

static const char *write_tmp(const void *data, size_t len)
{
    char *path = g_strdup("/tmp/test-pc-linux-boot-XXXXXX");
    int fd = mkstemp(path);

    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    g_ptr_array_add(tmpfiles, path);
    return path;
}

/* A bzImage of boot protocol `version` whose protected-mode part is a pattern. */
static uint8_t *make_bzimage(uint16_t version, size_t *len)
{
    size_t setup = (SETUP_SECTS + 1) * 512;
    uint8_t *k = g_malloc0(setup + PROT_SIZE);

    k[0x1f1] = SETUP_SECTS;
    stw_le_p(k + 0x1fe, 0xaa55);
    k[0x200] = 0xeb;
    k[0x201] = 0x6a;                    /* header up to 0x26c */
    stl_le_p(k + 0x202, 0x53726448);
    stw_le_p(k + 0x206, version);
    k[0x211] = 0x01;                    /* LOADED_HIGH */
    stl_le_p(k + 0x214, 0x100000);
    stl_le_p(k + 0x22c, 0x37ffffff);    /* initrd_addr_max */
    stl_le_p(k + 0x238, 2047);          /* cmdline_size */
    k[0x250] = 0x77;                    /* something in the header to be copied */
    for (size_t i = 0; i < PROT_SIZE; i++) {
        k[setup + i] = (uint8_t)(i * 7 + 3);
    }
    *len = setup + PROT_SIZE;
    return k;
}

static uint32_t ld32(hwaddr a)
{
    return ldl_phys(&address_space_memory, a);
}

static uint8_t ld8(hwaddr a)
{
    uint8_t b;

    address_space_read(&address_space_memory, a, &b, 1);
    return b;
}

static bool boot(const uint8_t *k, size_t len, const char *initrd, const char *cmdline,
                 FWCfgState *fw, PCBootEntry *e, GError **errp)
{
    PCBootParams p = {
        .kernel_filename = write_tmp(k, len),
        .initrd_filename = initrd,
        .cmdline = cmdline,
        .ram_below_4g = RAM_SIZE,
        .fw_cfg = fw,
    };

    return pc_boot_kernel(&p, e, errp);
}

Test(linux_boot, loads_by_the_protocol)
{
    size_t len;
    uint8_t *k = make_bzimage(0x020f, &len);
    uint8_t initrd[10000];
    PCBootEntry e;
    GError *err = NULL;
    uint32_t bp = LINUX_BOOT_PARAMS_ADDR, rd_addr;
    char cmd[64];

    for (size_t i = 0; i < sizeof(initrd); i++) {
        initrd[i] = (uint8_t)(i ^ 0x5a);
    }
    cr_assert(boot(k, len, write_tmp(initrd, sizeof(initrd)), "console=ttyS0 quiet",
                   NULL, &e, &err), "%s", err ? err->message : "");
    /* Entry state of the 32-bit boot protocol. */
    cr_assert(e.valid);
    cr_assert_eq(e.eip, 0x100000);
    cr_assert_eq(e.esi, bp);
    cr_assert_eq(e.ebx | e.edi | e.ebp, 0);
    cr_assert(e.needs_paging32);
    /* Protected-mode code at 1 MiB. */
    for (size_t i = 0; i < PROT_SIZE; i += 997) {
        cr_assert_eq(ld8(0x100000 + i), (uint8_t)(i * 7 + 3), "byte %zu", i);
    }
    /* Zero page. */
    cr_assert_eq(ld32(bp + 0x202), 0x53726448, "setup header copied");
    cr_assert_eq(ld8(bp + 0x250), 0x77);
    cr_assert_eq(ld8(bp + 0x210), 0xff, "type_of_loader");
    cr_assert(ld8(bp + 0x211) & 0x01, "LOADED_HIGH kept");
    cr_assert_eq(ld32(bp + 0x228), LINUX_BOOT_CMDLINE_ADDR);
    address_space_read(&address_space_memory, LINUX_BOOT_CMDLINE_ADDR, cmd, sizeof(cmd));
    cr_assert_str_eq(cmd, "console=ttyS0 quiet");
    rd_addr = ld32(bp + 0x218);
    cr_assert_eq(ld32(bp + 0x21c), sizeof(initrd));
    cr_assert_eq(rd_addr & 0xfff, 0, "page aligned");
    cr_assert(rd_addr + sizeof(initrd) <= RAM_SIZE);
    cr_assert(rd_addr >= RAM_SIZE - sizeof(initrd) - 4096, "as high as possible");
    for (size_t i = 0; i < sizeof(initrd); i += 501) {
        cr_assert_eq(ld8(rd_addr + i), initrd[i]);
    }
    /* e820: low RAM, EBDA, BIOS, extended RAM, flash. */
    cr_assert_eq(ld8(bp + 0x1e8), 5);
    cr_assert_eq(ld32(bp + 0x2d0 + 8), 0x9fc00);
    cr_assert_eq(ld32(bp + 0x2d0 + 16), E820_RAM);
    cr_assert_eq(ld32(bp + 0x2d0 + 3 * 20), 0x100000);
    cr_assert_eq(ld32(bp + 0x2d0 + 3 * 20 + 8), RAM_SIZE - 0x100000);
    cr_assert_eq(ld32(bp + 0x2d0 + 3 * 20 + 16), E820_RAM);
    cr_assert_eq(ld32(bp + 0x1e0), (RAM_SIZE - 0x100000) >> 10, "alt_mem_k");
    /* The flat GDT: code at 0x10, data at 0x18. */
    cr_assert_eq(e.gdt_base, LINUX_BOOT_GDT_ADDR);
    cr_assert_eq(e.gdt_limit, 31);
    cr_assert_eq(ld32(LINUX_BOOT_GDT_ADDR + PC_BOOT_CS + 4), 0x00cf9b00);
    cr_assert_eq(ld32(LINUX_BOOT_GDT_ADDR + PC_BOOT_DS + 4), 0x00cf9300);
    g_free(k);
}

Test(linux_boot, images_come_back_after_reset)
{
    size_t len;
    uint8_t *k = make_bzimage(0x020f, &len);
    PCBootEntry e;
    uint32_t zero = 0;

    cr_assert(boot(k, len, NULL, "", NULL, &e, NULL));
    address_space_write(&address_space_memory, 0x100000, &zero, 4);
    rom_reset_all();
    cr_assert_eq(ld8(0x100000), 3);
    cr_assert_eq(ld32(LINUX_BOOT_PARAMS_ADDR + 0x218), 0, "no initrd");
    g_free(k);
}

Test(linux_boot, fw_cfg_items)
{
    size_t len;
    uint8_t *k = make_bzimage(0x020f, &len);
    static MemoryRegion io;
    FWCfgState *fw;
    const uint8_t *v;
    uint32_t n;
    PCBootEntry e;

    memory_region_init(&io, "io", 0x10000);
    fw = fw_cfg_init_io(&io, &address_space_memory);
    cr_assert(boot(k, len, NULL, "root=/dev/sda", fw, &e, NULL));
    v = fw_cfg_get(fw, FW_CFG_KERNEL_SIZE, &n);
    cr_assert_eq(ldl_le_p(v), PROT_SIZE);
    v = fw_cfg_get(fw, FW_CFG_CMDLINE_DATA, &n);
    cr_assert_str_eq((const char *)v, "root=/dev/sda");
    v = fw_cfg_get(fw, FW_CFG_SETUP_DATA, &n);
    cr_assert_eq(n, (SETUP_SECTS + 1) * 512);
    cr_assert_eq(ldl_le_p(v + 0x202), 0x53726448);
    g_free(k);
}

static void expect_error(uint8_t *k, size_t len, const char *initrd, const char *cmdline,
                         const char *what)
{
    PCBootEntry e;
    GError *err = NULL;

    cr_assert_not(boot(k, len, initrd, cmdline, NULL, &e, &err), "%s accepted", what);
    cr_assert_not_null(err);
    cr_assert(strstr(err->message, what), "'%s' not in '%s'", what, err->message);
    g_error_free(err);
}

Test(linux_boot, setup_header_checks)
{
    size_t len;
    uint8_t *k = make_bzimage(0x020f, &len);

    stw_le_p(k + 0x1fe, 0x1234);
    expect_error(k, len, NULL, "", "boot_flag");
    stw_le_p(k + 0x1fe, 0xaa55);
    stw_le_p(k + 0x206, 0x0201);
    expect_error(k, len, NULL, "", "too old");
    stw_le_p(k + 0x206, 0x020f);
    k[0x211] = 0;
    expect_error(k, len, NULL, "", "zImage");
    k[0x211] = 1;
    k[0x200] = 0x90;
    expect_error(k, len, NULL, "", "header length");
    k[0x200] = 0xeb;
    expect_error(k, (SETUP_SECTS + 1) * 512, NULL, "", "truncated");
    g_free(k);
}

Test(linux_boot, other_errors)
{
    size_t len;
    uint8_t *k = make_bzimage(0x020f, &len);
    char *longcmd = g_malloc(3000);

    memset(longcmd, 'x', 2999);
    longcmd[2999] = 0;
    expect_error(k, len, NULL, longcmd, "at most 2047");
    expect_error(k, len, "/nonexistent/initrd.img", "", "-initrd");
    stl_le_p(k + 0x22c, 0x00100fff);    /* initrd_addr_max right above the kernel */
    expect_error(k, len, write_tmp(k, len), "", "do not fit");
    g_free(longcmd);
    g_free(k);
}

Test(linux_boot, not_a_kernel)
{
    uint8_t junk[4096] = { 1, 2, 3 };
    PCBootEntry e;
    GError *err = NULL;

    cr_assert_not(boot(junk, sizeof(junk), NULL, "", NULL, &e, &err));
    cr_assert(strstr(err->message, "not a Linux kernel"), "%s", err->message);
    g_error_free(err);
}

Test(linux_boot, e820_map)
{
    E820Table t;

    pc_build_e820(&t, 0xe0000000ULL, 0x20000000ULL);
    cr_assert_eq(t.n, 6);
    cr_assert_eq(t.e[3].addr, 0x100000);
    cr_assert_eq(t.e[3].size, 0xe0000000ULL - 0x100000);
    cr_assert_eq(t.e[5].addr, PC_HIGHMEM_BASE);
    cr_assert_eq(t.e[5].size, 0x20000000ULL);
    cr_assert_eq(t.e[5].type, E820_RAM);
}
