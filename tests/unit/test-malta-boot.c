/*
 * Unit tests for hw/mips/malta-boot.c: the MIPS instruction encoders (checked
 * against the architecture's encodings), the reset-vector stub, and the -kernel
 * set-up as the guest will find it in memory: kernel segments, initrd placement and
 * its rd_start/rd_size arguments, the YAMON argv/envp block, the flash contents,
 * plus -bios word swapping and the errors for images that do not fit.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include "../../hw/mips/malta.h"
#include "hw/loader.h"
#include "exec/memory.h"
#include "host-pages.h"

#define RAM_SIZE (32u << 20)

static MemoryRegion ram, flash;

static void setup(void)
{
    GError *err = NULL;

    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    cr_assert(memory_region_init_rom(&flash, "flash", MALTA_FLASH_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), MALTA_FLASH_BASE, &flash);
}

TestSuite(malta_boot, .init = setup);

static uint32_t ld32(hwaddr pa)
{
    return ldl_phys(&address_space_memory, pa);
}

static char *ldstr(uint32_t kseg0)
{
    static char buf[512];

    cr_assert(kseg0 >= 0x80000000u && kseg0 < 0x80000000u + RAM_SIZE, "0x%08x", kseg0);
    address_space_read(&address_space_memory, kseg0 & 0x1fffffff, buf, sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = 0;
    return buf;
}

/* A minimal little-endian MIPS ELF with one segment at vaddr. */
static char *write_elf(uint32_t vaddr, uint32_t filesz, uint32_t memsz)
{
    char *path = g_strdup("/tmp/test-malta-boot-XXXXXX");
    int fd = mkstemp(path);
    size_t len = 52 + 32 + filesz;
    g_autofree uint8_t *b = g_malloc0(len);

    memcpy(b, "\x7f" "ELF\x01\x01\x01", 7);
    stw_le_p(b + 16, 2);
    stw_le_p(b + 18, ELF_EM_MIPS);
    stl_le_p(b + 20, 1);
    stl_le_p(b + 24, vaddr);
    stl_le_p(b + 28, 52);
    stw_le_p(b + 42, 32);
    stw_le_p(b + 44, 1);
    stl_le_p(b + 52, ELF_PT_LOAD);
    stl_le_p(b + 56, 84);
    stl_le_p(b + 60, vaddr);
    stl_le_p(b + 64, vaddr);
    stl_le_p(b + 68, filesz);
    stl_le_p(b + 72, memsz);
    memset(b + 84, 0x5a, filesz);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, b, len), (ssize_t)len);
    close(fd);
    return path;
}

static char *write_file(size_t len, uint8_t fill)
{
    char *path = g_strdup("/tmp/test-malta-boot-XXXXXX");
    int fd = mkstemp(path);
    g_autofree uint8_t *b = g_malloc(len);

    memset(b, fill, len);
    for (size_t i = 0; i + 4 <= len; i += 4) {
        stl_be_p(b + i, 0x11223344 + i);
    }
    cr_assert_eq(write(fd, b, len), (ssize_t)len);
    close(fd);
    return path;
}

Test(malta_boot, encoders)
{
    /* Encodings from the MIPS32 instruction set manual. */
    cr_assert_eq(malta_insn_lui(8, 0xb400), 0x3c08b400);        /* lui t0, 0xb400 */
    cr_assert_eq(malta_insn_ori(9, 9, 0x00df), 0x352900df);     /* ori t1, t1, 0xdf */
    cr_assert_eq(malta_insn_sw(9, 0x68, 8), 0xad090068);        /* sw t1, 0x68(t0) */
    cr_assert_eq(malta_insn_sw(9, -4, 29), 0xafa9fffc);         /* sw t1, -4(sp) */
    cr_assert_eq(malta_insn_jr(25), 0x03200008);                /* jr t9 */
    cr_assert_eq(malta_insn_beq(0, 0, 15), 0x1000000f);         /* b .+64 */
}

Test(malta_boot, stub_layout)
{
    uint32_t stub[256];
    size_t n = malta_build_boot_stub(stub, 256, 0x420, 0x80100400, 2, 0x80002000,
                                     0x8000200c, 0x10000000, 0x8ffffff0);

    cr_assert(n > 16 && n < 256);
    cr_assert_eq(stub[0], 0x1000000f, "branch over the REVISION word to 0x40");
    cr_assert_eq(stub[1], 0);
    cr_assert_eq(stub[4], 0x420);
    /* First thing: move the GT registers (lui t0, 0xb400 ... sw t1, 0x68(t0)). */
    cr_assert_eq(stub[16], 0x3c08b400);
    cr_assert_eq(stub[20], 0xad090068);
    /* Last: lui/ori t9 = entry, jr t9, nop. */
    cr_assert_eq(stub[n - 4], 0x3c198010);
    cr_assert_eq(stub[n - 3], 0x37390400);
    cr_assert_eq(stub[n - 2], 0x03200008);
    cr_assert_eq(stub[n - 1], 0);
    /* a0 = 2 is loaded somewhere before the jump. */
    bool found = false;
    for (size_t i = 16; i + 1 < n; i++) {
        if (stub[i] == 0x3c040000 && stub[i + 1] == 0x34840002) {
            found = true;
        }
    }
    cr_assert(found, "li a0, 2 missing");
    /* Too small a buffer is reported, not overrun. */
    cr_assert_eq(malta_build_boot_stub(stub, 40, 0, 0, 0, 0, 0, 0, 0), 0);
}

Test(malta_boot, kernel_initrd_and_arguments)
{
    g_autofree char *kernel = write_elf(0x80100000, 0x1000, 0x2345);
    g_autofree char *initrd = write_file(10000, 0xee);
    MaltaBootParams p = {
        .kernel_filename = kernel,
        .initrd_filename = initrd,
        .cmdline = "console=ttyS0",
        .ram_size = 512u << 20,
        .ram_low_size = RAM_SIZE,
        .revision = 0x420,
    };
    MaltaBootInfo info;
    GError *err = NULL;

    cr_assert(malta_boot_kernel(&p, &info, &err), "%s", err ? err->message : "");
    cr_assert_eq(info.entry, 0x80100000);
    cr_assert_eq(ld32(0x100000), 0x5a5a5a5a);
    cr_assert_eq(ld32(0x102000), 0, "bss zeroed");
    /* initrd: at the top of low RAM, 64 KiB-aligned with 128 KiB spare above it
     * (the self-decompressing kernel relocates itself above its ELF segments). */
    cr_assert_eq(info.initrd_addr, 0x1fd0000, "initrd at 0x%" HWADDR_PRIx, info.initrd_addr);
    cr_assert_eq(info.initrd_size, 10000);
    cr_assert_eq(ld32(0x1fd0000), 0x44332211, "initrd loaded as is");

    /* YAMON arguments: argc 2, argv[0] kernel, argv[1] command line. */
    cr_assert_eq(info.argc, 2);
    cr_assert_eq(info.argv, 0x80002000);
    cr_assert_str_eq(ldstr(ld32(0x2000)), kernel);
    cr_assert_str_eq(ldstr(ld32(0x2004)), "rd_start=0x81fd0000 rd_size=10000 console=ttyS0");
    cr_assert_eq(ld32(0x2008), 0);
    /* envp: name/value pairs ending with NULL. */
    hwaddr e = info.envp & 0x1fffffff;
    const char *want[] = { "memsize", "33554432", "ememsize", "536870912",
                           "modetty0", "38400n8r" };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        cr_assert_str_eq(ldstr(ld32(e + 4 * i)), want[i], "envp[%zu]", i);
    }
    size_t i = 0;
    while (ld32(e + 4 * i)) {
        i++;
        cr_assert(i < 64);
    }
    cr_assert_eq(i % 2, 0, "pairs");

    /* The flash holds the stub with the REVISION word, at both addresses. */
    cr_assert_eq(ld32(MALTA_FLASH_BASE), 0x1000000f);
    cr_assert_eq(ld32(MALTA_FLASH_BASE + MALTA_REVISION_OFFSET), 0x420);

    /* A reset restores what the guest overwrote. */
    stl_phys(&address_space_memory, 0x2004, 0);
    stl_phys(&address_space_memory, 0x100000, 0);
    rom_reset_all();
    cr_assert_eq(ld32(0x100000), 0x5a5a5a5a);
    cr_assert_neq(ld32(0x2004), 0);
    unlink(kernel);
    unlink(initrd);
}

Test(malta_boot, images_that_do_not_fit)
{
    g_autofree char *low = write_elf(0x80001000, 0x100, 0x100);
    g_autofree char *kernel = write_elf(0x80100000, 0x100, 0x100);
    g_autofree char *big = write_file(RAM_SIZE, 0);
    MaltaBootParams p = {
        .kernel_filename = low,
        .ram_size = RAM_SIZE,
        .ram_low_size = RAM_SIZE,
    };
    MaltaBootInfo info;
    GError *err = NULL;

    cr_assert_not(malta_boot_kernel(&p, &info, &err));
    cr_assert(strstr(err->message, "boot argument area"), "%s", err->message);
    g_clear_error(&err);

    p.kernel_filename = kernel;
    p.initrd_filename = big;
    cr_assert_not(malta_boot_kernel(&p, &info, &err));
    cr_assert(strstr(err->message, "does not fit"), "%s", err->message);
    g_clear_error(&err);

    p.initrd_filename = NULL;
    g_autofree char *line = g_strnfill(MALTA_BOOTARGS_SIZE, 'x');
    p.cmdline = line;
    cr_assert_not(malta_boot_kernel(&p, &info, &err));
    cr_assert(strstr(err->message, "too long"), "%s", err->message);
    g_clear_error(&err);
    unlink(low);
    unlink(kernel);
    unlink(big);
}

Test(malta_boot, bios_is_word_swapped)
{
    g_autofree char *bios = write_file(4096, 0);
    GError *err = NULL;

    cr_assert(malta_boot_bios(bios, 0x420, &err), "%s", err ? err->message : "");
    /* The file holds big-endian words 0x11223344 + i: the CPU reads them back. */
    cr_assert_eq(ld32(MALTA_FLASH_BASE), 0x11223344);
    cr_assert_eq(ld32(MALTA_FLASH_BASE + 8), 0x1122334c);
    cr_assert_eq(ld32(MALTA_FLASH_BASE + MALTA_REVISION_OFFSET), 0x420);
    unlink(bios);

    g_autofree char *huge = write_file(MALTA_FLASH_SIZE + 4, 0);
    cr_assert_not(malta_boot_bios(huge, 0x420, &err));
    cr_assert(strstr(err->message, "too large"), "%s", err->message);
    g_clear_error(&err);
    unlink(huge);
}

/* A -kernel boot has the RAM it fills first faulted in ahead: the ELF's range, the
 * initrd, and the low 64 MiB, above the ELF too (where KASLR moves the unpacked
 * kernel), not the rest. */
Test(malta_boot, prefault_covers_the_low_64_mib_and_the_initrd)
{
    /* Static: the RAM block list keeps a pointer to it (regions are never freed). */
    static MemoryRegion big;
    GError *err = NULL;
    size_t psz = getpagesize();

    cr_assert(memory_region_init_ram(&big, "big", 256u << 20, &err));
    uint8_t *host = memory_region_get_ram_ptr(&big);
    MaltaBootInfo info = {
        .kernel_low = 16u << 20, .kernel_high = 21u << 20,   /* Debian's vmlinuz */
        .initrd_addr = 250u << 20, .initrd_size = 1u << 20,
    };
    malta_boot_prefault(&big, &info);
    struct { size_t at, len; } want[] = {
        { 0, 64u << 20 }, { 250u << 20, 1u << 20 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        for (int k = 0; k < 500 && host_resident_pages(host + want[i].at, want[i].len) <
                                   want[i].len / psz; k++) {
            g_usleep(10000);
        }
        cr_assert_eq(host_resident_pages(host + want[i].at, want[i].len), want[i].len / psz,
                     "range %zu resident", i);
    }
    cr_assert_lt(host_resident_pages(host + (100u << 20), 128u << 20), 8,
                 "the rest stays untouched");
}
