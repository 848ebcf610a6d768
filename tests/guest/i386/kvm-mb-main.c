/*
 * Multiboot test kernel: prints what the boot loader handed over (magic, memory
 * sizes, command line, modules with their first line, the memory map, the boot
 * loader name) for the system test to compare, and checks the basics itself.
 */
#include "kvm-lib.h"

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb_module {
    uint32_t start, end, string, reserved;
};

int mb_main(uint32_t magic, const struct mb_info *mbi);

int mb_main(uint32_t magic, const struct mb_info *mbi)
{
    uint32_t cs;

    printf_uart("multiboot kernel\n");
    CHECK_EQ("magic", magic, 0x2badb002);
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    printf_uart("flags: %x\n", mbi->flags);
    if (mbi->flags & 1) {
        printf_uart("mem_lower: %u KiB, mem_upper: %u KiB\n", mbi->mem_lower,
                    mbi->mem_upper);
    }
    if (mbi->flags & 4) {
        printf_uart("cmdline: %s\n", (const char *)(uintptr_t)mbi->cmdline);
    }
    if (mbi->flags & 8) {
        const struct mb_module *m = (const void *)(uintptr_t)mbi->mods_addr;

        printf_uart("modules: %u\n", mbi->mods_count);
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            const char *p = (const char *)(uintptr_t)m[i].start;

            CHECK_EQ("module page aligned", m[i].start & 0xfff, 0);
            printf_uart("module %u: %u bytes, '%s': ", i, m[i].end - m[i].start,
                        (const char *)(uintptr_t)m[i].string);
            while (p < (const char *)(uintptr_t)m[i].end && *p != '\n') {
                putc_uart(*p++);
            }
            putc_uart('\n');
        }
    }
    if (mbi->flags & 0x40) {
        uint32_t off = 0;

        while (off < mbi->mmap_length) {
            const uint8_t *e = (const uint8_t *)(uintptr_t)(mbi->mmap_addr + off);
            uint32_t size = *(const uint32_t *)e;

            printf_uart("mmap: %08x%08x +%08x%08x type %u\n",
                        *(const uint32_t *)(e + 8), *(const uint32_t *)(e + 4),
                        *(const uint32_t *)(e + 16), *(const uint32_t *)(e + 12),
                        *(const uint32_t *)(e + 20));
            off += size + 4;
        }
    }
    if (mbi->flags & 0x200) {
        printf_uart("loader: %s\n", (const char *)(uintptr_t)mbi->boot_loader_name);
    }
    if (test_failures == 0) {
        printf_uart("ALL PASSED\n");
    }
    return test_failures;
}
