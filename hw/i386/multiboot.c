/*
 * -kernel for Multiboot (version 1) kernels, as GRUB legacy and QEMU load them
 * (The Multiboot Specification, version 0.6.96): find the header in the first
 * 8 KiB, load the image from its address fields (flags bit 16) or as an ELF
 * executable, load the modules named by -initrd "file args,file args" (",," is a
 * literal comma) on page boundaries after the kernel, build the Multiboot
 * information structure (memory sizes, boot device, command line, modules, the
 * memory map, the boot loader name), and start at the entry point in flat 32-bit
 * protected mode with EAX = 0x2BADB002 and EBX = the information structure.
 *
 * The kernel's command line is its file name followed by -append, as QEMU
 * passes it. Not supported: video mode set-up (flags bit 2 is accepted, no
 * graphics mode is set and no VBE/framebuffer information is given), a.out
 * symbol tables, ELF section headers in the information structure, drives and
 * APM tables.
 */
#include "qemu/osdep.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "hw/nvram/fw_cfg.h"

/* Header fields (offsets from the magic). */
#define MBH_FLAGS          4
#define MBH_CHECKSUM       8
#define MBH_HEADER_ADDR    12
#define MBH_LOAD_ADDR      16
#define MBH_LOAD_END_ADDR  20
#define MBH_BSS_END_ADDR   24
#define MBH_ENTRY_ADDR     28

/* Information structure fields. */
#define MBI_FLAGS          0
#define MBI_MEM_LOWER      4
#define MBI_MEM_UPPER      8
#define MBI_BOOT_DEVICE    12
#define MBI_CMDLINE        16
#define MBI_MODS_COUNT     20
#define MBI_MODS_ADDR      24
#define MBI_MMAP_LENGTH    44
#define MBI_MMAP_ADDR      48
#define MBI_LOADER_NAME    64

#define MB_MOD_SIZE        16
#define MB_MMAP_ENTRY_SIZE 24
#define MB_LOADER_NAME     "mimic"
/* Flags bits 0-15 are requirements: refuse a kernel that asks for others. */
#define MB_SUPPORTED_REQS  (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO | \
                            MULTIBOOT_VIDEO_MODE)

long multiboot_find_header(const uint8_t *data, size_t len)
{
    size_t limit = MIN_U(len, (size_t)MULTIBOOT_SEARCH);

    for (size_t off = 0; off + 12 <= limit; off += 4) {
        uint32_t magic = ldl_le_p(data + off);

        if (magic == MULTIBOOT_HEADER_MAGIC &&
            (uint32_t)(magic + ldl_le_p(data + off + MBH_FLAGS) +
                       ldl_le_p(data + off + MBH_CHECKSUM)) == 0) {
            return (long)off;
        }
    }
    return -1;
}

/* Entry of an ELF kernel: a virtual address inside a segment becomes physical. */
static uint32_t multiboot_elf_entry_phys(const uint8_t *data, size_t len)
{
    uint32_t entry = ldl_le_p(data + 0x18);
    uint32_t phoff = ldl_le_p(data + 0x1c);
    uint16_t phentsize = lduw_le_p(data + 0x2a);
    uint16_t phnum = lduw_le_p(data + 0x2c);

    for (unsigned i = 0; i < phnum; i++) {
        uint64_t ph = (uint64_t)phoff + (uint64_t)i * phentsize;
        uint32_t vaddr, paddr, memsz;

        if (phentsize < 32 || ph + 32 > len) {
            break;
        }
        if (ldl_le_p(data + ph) != ELF_PT_LOAD) {
            continue;
        }
        vaddr = ldl_le_p(data + ph + 8);
        paddr = ldl_le_p(data + ph + 12);
        memsz = ldl_le_p(data + ph + 20);
        if (entry - paddr < memsz) {
            return entry;               /* already physical */
        }
        if (entry - vaddr < memsz) {
            return paddr + (entry - vaddr);
        }
    }
    return entry;
}

/* Load the kernel image; returns the end of what was loaded in *end. */
static bool multiboot_load_kernel(const PCBootParams *p, const uint8_t *data, size_t len,
                                  long hdr, uint32_t *entry, uint64_t *end, GError **errp)
{
    const char *name = p->kernel_filename;
    uint32_t flags = ldl_le_p(data + hdr + MBH_FLAGS);

    if (flags & MULTIBOOT_AOUT_KLUDGE) {
        uint32_t header_addr, load_addr, load_end, bss_end;
        uint64_t file_off, load_len;

        if ((size_t)hdr + 32 > len) {
            error_setg(errp, "%s: Multiboot header truncated (address fields missing)",
                       name);
            return false;
        }
        header_addr = ldl_le_p(data + hdr + MBH_HEADER_ADDR);
        load_addr = ldl_le_p(data + hdr + MBH_LOAD_ADDR);
        load_end = ldl_le_p(data + hdr + MBH_LOAD_END_ADDR);
        bss_end = ldl_le_p(data + hdr + MBH_BSS_END_ADDR);
        *entry = ldl_le_p(data + hdr + MBH_ENTRY_ADDR);
        if (header_addr < load_addr || header_addr - load_addr > (uint64_t)hdr) {
            error_setg(errp, "%s: Multiboot header_addr 0x%x and load_addr 0x%x do not "
                       "match the header's offset %ld in the file", name, header_addr,
                       load_addr, hdr);
            return false;
        }
        file_off = hdr - (header_addr - load_addr);
        load_len = load_end ? (uint64_t)load_end - load_addr : len - file_off;
        if (load_end && load_end < load_addr) {
            error_setg(errp, "%s: Multiboot load_end_addr 0x%x is below load_addr 0x%x",
                       name, load_end, load_addr);
            return false;
        }
        if (file_off + load_len > len) {
            error_setg(errp, "%s: Multiboot load range (%" PRIu64 " bytes at file "
                       "offset %" PRIu64 ") runs past the end of the file", name,
                       load_len, file_off);
            return false;
        }
        *end = (uint64_t)load_addr + load_len;
        if (bss_end) {
            if (bss_end < *end) {
                error_setg(errp, "%s: Multiboot bss_end_addr 0x%x is below the loaded "
                           "image's end", name, bss_end);
                return false;
            }
            *end = bss_end;
        }
        if (*end > p->ram_below_4g) {
            error_setg(errp, "%s: the kernel (0x%x-0x%" PRIx64 ") does not fit in %"
                       PRIu64 " MiB of RAM", name, load_addr, *end,
                       p->ram_below_4g >> 20);
            return false;
        }
        {
            GBytes *image = g_bytes_new(data + file_off, load_len);
            bool ok = rom_add_bytes("multiboot-kernel", NULL, load_addr, image,
                                    *end - (load_addr + load_len), errp);

            g_bytes_unref(image);
            return ok;
        }
    }

    if (!loader_is_elf(data, len)) {
        error_setg(errp, "%s: the Multiboot header has no address fields (flags bit 16) "
                   "and the file is not an ELF executable", name);
        return false;
    } else {
        ElfLoadOpts opts = {
            .machine = ELF_EM_386,
            .data = ELF_DATA_LSB,
            .phys_low = 0,
            .phys_high = p->ram_below_4g,
            .write = loader_write_rom_blob,
        };
        ElfLoadInfo info;

        if (!load_elf32_buf(data, len, &opts, &info, errp)) {
            g_prefix_error(errp, "%s: ", name);
            return false;
        }
        *entry = multiboot_elf_entry_phys(data, len);
        *end = info.phys_high;
        return true;
    }
}

/* Split -initrd "a args,b args" (",," is a comma inside a name). */
static GPtrArray *multiboot_split_modules(const char *spec)
{
    GPtrArray *mods = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (const char *c = spec; ; c++) {
        if (*c == ',' && c[1] == ',') {
            g_string_append_c(cur, ',');
            c++;
        } else if (*c == ',' || *c == 0) {
            g_ptr_array_add(mods, g_strdup(cur->str));
            g_string_truncate(cur, 0);
            if (!*c) {
                break;
            }
        } else {
            g_string_append_c(cur, *c);
        }
    }
    g_string_free(cur, true);
    return mods;
}

bool multiboot_load(const PCBootParams *p, const uint8_t *kernel, size_t kernel_len,
                    PCBootEntry *entry, GError **errp)
{
    const char *name = p->kernel_filename;
    long hdr = multiboot_find_header(kernel, kernel_len);
    uint32_t flags, kentry = 0;
    uint64_t end = 0, addr;
    GPtrArray *mods = NULL;
    GByteArray *info = NULL;
    GString *strings = NULL;
    char *cmdline = NULL;
    uint8_t *mod_table = NULL;
    E820Table e820;
    bool ok = false;
    uint64_t info_base, str_base, mods_base, mmap_base, gdt_base, info_end;
    uint32_t cmdline_off, loader_off;
    GArray *mod_name_off = NULL;

    if (hdr < 0) {
        error_setg(errp, "%s: no Multiboot header in the first 8 KiB", name);
        return false;
    }
    flags = ldl_le_p(kernel + hdr + MBH_FLAGS);
    if (flags & 0xffff & ~MB_SUPPORTED_REQS) {
        error_setg(errp, "%s: the kernel requires Multiboot features this loader does "
                   "not provide (header flags 0x%08x)", name, flags);
        return false;
    }
    if (flags & MULTIBOOT_VIDEO_MODE) {
        mimic_log_mask(LOG_UNIMP, "multiboot: video mode request ignored (text mode)\n");
    }
    if (!multiboot_load_kernel(p, kernel, kernel_len, hdr, &kentry, &end, errp)) {
        return false;
    }

    /* Modules, each on a page boundary after the kernel. */
    addr = QEMU_ALIGN_UP(end, 4096);
    mods = p->initrd_filename ? multiboot_split_modules(p->initrd_filename)
                              : g_ptr_array_new_with_free_func(g_free);
    mod_table = g_malloc0(MB_MOD_SIZE * (mods->len ? mods->len : 1));
    strings = g_string_new(NULL);
    mod_name_off = g_array_new(false, false, sizeof(uint32_t));
    cmdline = p->cmdline && p->cmdline[0] ?
              g_strdup_printf("%s %s", name, p->cmdline) : g_strdup(name);
    cmdline_off = strings->len;
    g_string_append_len(strings, cmdline, strlen(cmdline) + 1);
    loader_off = strings->len;
    g_string_append_len(strings, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));

    for (guint i = 0; i < mods->len; i++) {
        const char *spec = g_ptr_array_index(mods, i);
        g_autofree char *file = g_strndup(spec, strcspn(spec, " "));
        uint8_t *mdata;
        size_t mlen;
        uint32_t off = strings->len;
        char blob_name[32];

        if (!file[0]) {
            error_setg(errp, "-initrd: empty module name in '%s'", p->initrd_filename);
            goto out;
        }
        if (!load_file(file, LOADER_MAX_FILE_SIZE, &mdata, &mlen, errp)) {
            g_prefix_error(errp, "-initrd (Multiboot module %u): ", i + 1);
            goto out;
        }
        if (addr + mlen > p->ram_below_4g) {
            error_setg(errp, "-initrd: Multiboot module %s (%zu KiB) does not fit in "
                       "RAM after the kernel", file, mlen >> 10);
            g_free(mdata);
            goto out;
        }
        snprintf(blob_name, sizeof(blob_name), "multiboot-module%u", i);
        if (mlen && !rom_add_blob(blob_name, NULL, addr, mdata, mlen, errp)) {
            g_free(mdata);
            goto out;
        }
        g_free(mdata);
        stl_le_p(mod_table + MB_MOD_SIZE * i, addr);
        stl_le_p(mod_table + MB_MOD_SIZE * i + 4, addr + mlen);
        g_array_append_val(mod_name_off, off);
        g_string_append_len(strings, spec, strlen(spec) + 1);
        addr = QEMU_ALIGN_UP(addr + mlen, 4096);
    }

    /* The information area: structure, strings, module list, memory map, GDT. */
    pc_build_e820(&e820, p->ram_below_4g, p->ram_above_4g);
    info_base = addr;
    str_base = info_base + MBI_SIZE;
    mods_base = QEMU_ALIGN_UP(str_base + strings->len, 16);
    mmap_base = mods_base + MB_MOD_SIZE * mods->len;
    gdt_base = QEMU_ALIGN_UP(mmap_base + MB_MMAP_ENTRY_SIZE * e820.n, 16);
    info_end = gdt_base + 32;
    if (info_end > p->ram_below_4g) {
        error_setg(errp, "%s: no room in RAM for the Multiboot information after the "
                   "kernel and modules", name);
        goto out;
    }
    info = g_byte_array_new();
    g_byte_array_set_size(info, gdt_base - info_base);
    memset(info->data, 0, info->len);
    {
        uint8_t *mbi = info->data;

        stl_le_p(mbi + MBI_FLAGS, MBI_FLAG_MEM | MBI_FLAG_BOOTDEV | MBI_FLAG_CMDLINE |
                 MBI_FLAG_MODS | MBI_FLAG_MMAP | MBI_FLAG_LOADER_NAME);
        stl_le_p(mbi + MBI_MEM_LOWER, MIN_U(p->ram_below_4g, PC_EBDA_BASE) >> 10);
        stl_le_p(mbi + MBI_MEM_UPPER, (p->ram_below_4g - 0x100000) >> 10);
        stl_le_p(mbi + MBI_BOOT_DEVICE, 0x8000ffff);    /* first BIOS hard disk */
        stl_le_p(mbi + MBI_CMDLINE, str_base + cmdline_off);
        stl_le_p(mbi + MBI_MODS_COUNT, mods->len);
        stl_le_p(mbi + MBI_MODS_ADDR, mods->len ? mods_base : 0);
        stl_le_p(mbi + MBI_MMAP_LENGTH, MB_MMAP_ENTRY_SIZE * e820.n);
        stl_le_p(mbi + MBI_MMAP_ADDR, mmap_base);
        stl_le_p(mbi + MBI_LOADER_NAME, str_base + loader_off);
        memcpy(mbi + (str_base - info_base), strings->str, strings->len);
        for (guint i = 0; i < mods->len; i++) {
            uint8_t *m = mod_table + MB_MOD_SIZE * i;

            stl_le_p(m + 8, str_base + g_array_index(mod_name_off, uint32_t, i));
            memcpy(mbi + (mods_base - info_base) + MB_MOD_SIZE * i, m, MB_MOD_SIZE);
        }
        for (unsigned i = 0; i < e820.n; i++) {
            uint8_t *e = mbi + (mmap_base - info_base) + MB_MMAP_ENTRY_SIZE * i;

            /* size excludes the size field itself */
            stl_le_p(e, MB_MMAP_ENTRY_SIZE - 4);
            stq_le_p(e + 4, e820.e[i].addr);
            stq_le_p(e + 12, e820.e[i].size);
            stl_le_p(e + 20, e820.e[i].type == E820_RAM ? 1 : 2);
        }
    }
    if (!rom_add_blob("multiboot-info", NULL, info_base, info->data, info->len, errp) ||
        !pc_boot_write_gdt(entry, gdt_base, errp)) {
        goto out;
    }
    if (p->fw_cfg) {
        /* Where the kernel starts, for firmware that wants to know. */
        fw_cfg_add_i32(p->fw_cfg, FW_CFG_KERNEL_ENTRY, kentry);
    }
    entry->valid = true;
    entry->eip = kentry;
    entry->eax = MULTIBOOT_BOOTLOADER_MAGIC;
    entry->ebx = info_base;
    ok = true;
out:
    if (info) {
        g_byte_array_free(info, true);
    }
    if (strings) {
        g_string_free(strings, true);
    }
    if (mod_name_off) {
        g_array_free(mod_name_off, true);
    }
    if (mods) {
        g_ptr_array_free(mods, true);
    }
    g_free(mod_table);
    g_free(cmdline);
    return ok;
}
