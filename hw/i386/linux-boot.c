/*
 * -kernel for x86 Linux without firmware, by the Linux x86 boot protocol
 * (Documentation/arch/x86/boot.rst): check the real-mode setup header, load the
 * protected-mode kernel at 1 MiB, build the zero page (struct boot_params: a copy
 * of the setup header plus the e820 map, the command line pointer and the initrd
 * location), place the initrd as high as the header allows, and start the kernel
 * at its 32-bit entry with a flat GDT (__BOOT_CS 0x10, __BOOT_DS 0x18) and %esi
 * pointing at the zero page ("32-bit boot protocol").
 *
 * Not supported: zImages (not "loaded high"), boot protocols before 2.02 (the
 * command line then has to sit in the real-mode segment), the 64-bit entry,
 * setup_data (no DTB, no EFI), and the real-mode setup code (never run).
 */
#include "qemu/osdep.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "hw/nvram/fw_cfg.h"

/* Setup header fields: offsets in the bzImage and in the zero page. */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_VID_MODE        0x1fa
#define HDR_BOOT_FLAG       0x1fe
#define HDR_JUMP            0x200
#define HDR_HEADER          0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define  LOADED_HIGH        0x01
#define  KEEP_SEGMENTS      0x40
#define  CAN_USE_HEAP       0x80
#define HDR_CODE32_START    0x214
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_HEAP_END_PTR    0x224
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_CMDLINE_SIZE    0x238
#define HDR_HARDWARE_SUBARCH 0x23c
/* Zero page fields outside the setup header. */
#define BP_ALT_MEM_K        0x1e0
#define BP_E820_ENTRIES     0x1e8
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128
#define BP_SIZE             4096

#define HDRS_MAGIC          0x53726448     /* "HdrS" */

bool linux_boot_is_bzimage(const uint8_t *data, size_t len)
{
    return len >= 0x260 && ldl_le_p(data + HDR_HEADER) == HDRS_MAGIC;
}

static bool linux_boot_publish(struct FWCfgState *fw, uint32_t kernel_addr,
                               const uint8_t *kernel, size_t kernel_len,
                               const uint8_t *setup, size_t setup_len,
                               const char *cmdline, uint32_t initrd_addr,
                               const uint8_t *initrd, size_t initrd_len)
{
    /* The items QEMU hands to firmware that boots the kernel itself. */
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_ADDR, kernel_addr);
    fw_cfg_add_i32(fw, FW_CFG_KERNEL_SIZE, kernel_len);
    fw_cfg_add_bytes(fw, FW_CFG_KERNEL_DATA, kernel, kernel_len);
    fw_cfg_add_i32(fw, FW_CFG_SETUP_ADDR, LINUX_BOOT_PARAMS_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_SETUP_SIZE, setup_len);
    fw_cfg_add_bytes(fw, FW_CFG_SETUP_DATA, setup, setup_len);
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_ADDR, LINUX_BOOT_CMDLINE_ADDR);
    fw_cfg_add_i32(fw, FW_CFG_CMDLINE_SIZE, strlen(cmdline) + 1);
    fw_cfg_add_string(fw, FW_CFG_CMDLINE_DATA, cmdline);
    fw_cfg_add_i32(fw, FW_CFG_INITRD_ADDR, initrd_addr);
    fw_cfg_add_i32(fw, FW_CFG_INITRD_SIZE, initrd_len);
    if (initrd_len) {
        fw_cfg_add_bytes(fw, FW_CFG_INITRD_DATA, initrd, initrd_len);
    }
    return true;
}

bool linux_boot_load(const PCBootParams *p, GBytes *file, PCBootEntry *entry,
                     GError **errp)
{
    size_t kernel_len;
    const uint8_t *kernel = g_bytes_get_data(file, &kernel_len);
    const char *name = p->kernel_filename;
    const char *cmdline = p->cmdline ? p->cmdline : "";
    unsigned setup_sects, hdr_end;
    uint16_t version;
    uint8_t loadflags;
    uint32_t initrd_max, cmdline_max, code32;
    size_t setup_len, prot_len;
    uint8_t *bp = NULL;
    const uint8_t *initrd = NULL;
    GBytes *initrd_file = NULL, *prot = NULL;
    size_t initrd_len = 0;
    uint32_t initrd_addr = 0;
    E820Table e820;
    bool ok = false;

    if (!linux_boot_is_bzimage(kernel, kernel_len)) {
        error_setg(errp, "%s: not a Linux bzImage (no 'HdrS' setup header)", name);
        return false;
    }
    version = lduw_le_p(kernel + HDR_VERSION);
    loadflags = kernel[HDR_LOADFLAGS];
    setup_sects = kernel[HDR_SETUP_SECTS] ? kernel[HDR_SETUP_SECTS] : 4;
    setup_len = (setup_sects + 1) * 512;
    hdr_end = HDR_HEADER + kernel[HDR_JUMP + 1];

    if (lduw_le_p(kernel + HDR_BOOT_FLAG) != 0xaa55) {
        error_setg(errp, "%s: bad setup header: boot_flag is 0x%04x, not 0xaa55",
                   name, lduw_le_p(kernel + HDR_BOOT_FLAG));
        return false;
    }
    if (version < 0x0202) {
        error_setg(errp, "%s: Linux boot protocol %u.%02u is too old (2.02 or later "
                   "needed)", name, version >> 8, version & 0xff);
        return false;
    }
    if (!(loadflags & LOADED_HIGH)) {
        error_setg(errp, "%s: a zImage (not loaded high): only bzImages are supported",
                   name);
        return false;
    }
    /* The jump at 0x200 skips the header: it gives the header's length, which
     * for protocol 2.02 and later reaches at least cmd_line_ptr. */
    if (kernel[HDR_JUMP] != 0xeb || hdr_end < HDR_CMD_LINE_PTR + 4 || hdr_end > 0x290) {
        error_setg(errp, "%s: bad setup header: implausible header length "
                   "(jump at 0x200 is %02x %02x)", name, kernel[HDR_JUMP],
                   kernel[HDR_JUMP + 1]);
        return false;
    }
    if (setup_len >= kernel_len) {
        error_setg(errp, "%s: truncated: %u setup sectors but only %zu bytes", name,
                   setup_sects, kernel_len);
        return false;
    }
    prot_len = kernel_len - setup_len;
    code32 = ldl_le_p(kernel + HDR_CODE32_START);
    if (code32 != LINUX_BOOT_KERNEL_ADDR) {
        /* Boot loaders load at 1 MiB whatever code32_start says (it is the entry,
         * equal to the load address for every bzImage); a relocatable kernel moves
         * itself anyway. */
        mimic_log_mask(LOG_UNIMP, "linux-boot: code32_start 0x%x, loading at 0x%x\n",
                       code32, LINUX_BOOT_KERNEL_ADDR);
        code32 = LINUX_BOOT_KERNEL_ADDR;
    }
    if (LINUX_BOOT_KERNEL_ADDR + prot_len > p->ram_below_4g) {
        error_setg(errp, "%s: the kernel (%zu KiB) does not fit in %" PRIu64
                   " MiB of RAM", name, prot_len >> 10, p->ram_below_4g >> 20);
        return false;
    }
    initrd_max = version >= 0x0203 ? ldl_le_p(kernel + HDR_INITRD_ADDR_MAX) : 0x37ffffff;
    cmdline_max = version >= 0x0206 ? ldl_le_p(kernel + HDR_CMDLINE_SIZE) : 255;
    if (strlen(cmdline) > cmdline_max) {
        error_setg(errp, "-append: the command line is %zu bytes, the kernel takes at "
                   "most %u", strlen(cmdline), cmdline_max);
        return false;
    }

    if (p->initrd_filename) {
        uint64_t top = MIN_U((uint64_t)initrd_max + 1, p->ram_below_4g);

        initrd_file = load_file_bytes(p->initrd_filename, LOADER_MAX_FILE_SIZE, errp);
        if (!initrd_file) {
            g_prefix_error(errp, "-initrd: ");
            return false;
        }
        initrd = g_bytes_get_data(initrd_file, &initrd_len);
        if (initrd_len + LINUX_BOOT_KERNEL_ADDR + prot_len > top) {
            error_setg(errp, "-initrd %s: %zu KiB do not fit below 0x%" PRIx64
                       " next to the kernel", p->initrd_filename, initrd_len >> 10, top);
            goto out;
        }
        initrd_addr = (top - initrd_len) & ~0xfffULL;
        if (initrd_addr < QEMU_ALIGN_UP(LINUX_BOOT_KERNEL_ADDR + prot_len, 4096)) {
            error_setg(errp, "-initrd %s: %zu KiB do not fit below 0x%" PRIx64
                       " next to the kernel", p->initrd_filename, initrd_len >> 10, top);
            goto out;
        }
    }

    /* The zero page: the setup header as the kernel has it, then our fields. */
    bp = g_malloc0(BP_SIZE);
    memcpy(bp + HDR_SETUP_SECTS, kernel + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    stw_le_p(bp + HDR_VID_MODE, 0xffff);                /* "normal" */
    bp[HDR_TYPE_OF_LOADER] = 0xff;                      /* undefined loader */
    bp[HDR_LOADFLAGS] = (loadflags & ~KEEP_SEGMENTS) | CAN_USE_HEAP;
    stw_le_p(bp + HDR_HEAP_END_PTR, 0xfe00);
    stl_le_p(bp + HDR_CMD_LINE_PTR, LINUX_BOOT_CMDLINE_ADDR);
    stl_le_p(bp + HDR_RAMDISK_IMAGE, initrd_addr);
    stl_le_p(bp + HDR_RAMDISK_SIZE, initrd_len);
    if (version >= 0x0207) {
        stl_le_p(bp + HDR_HARDWARE_SUBARCH, 0);         /* a normal PC */
    }
    stl_le_p(bp + BP_ALT_MEM_K,
             (uint32_t)MIN_U((p->ram_below_4g - 0x100000) >> 10, 0xffffffffULL));
    pc_build_e820(&e820, p->ram_below_4g, p->ram_above_4g);
    bp[BP_E820_ENTRIES] = e820.n;
    for (unsigned i = 0; i < e820.n && i < BP_E820_MAX; i++) {
        uint8_t *e = bp + BP_E820_TABLE + 20 * i;

        stq_le_p(e, e820.e[i].addr);
        stq_le_p(e + 8, e820.e[i].size);
        stl_le_p(e + 16, e820.e[i].type);
    }

    /* The blobs share the files' bytes: no copy of the kernel or the initrd. */
    prot = g_bytes_new_from_bytes(file, setup_len, prot_len);
    if (!rom_add_bytes("linux-kernel", NULL, LINUX_BOOT_KERNEL_ADDR, prot, 0, errp) ||
        !rom_add_blob("linux-boot-params", NULL, LINUX_BOOT_PARAMS_ADDR, bp, BP_SIZE,
                      errp) ||
        !rom_add_blob("linux-cmdline", NULL, LINUX_BOOT_CMDLINE_ADDR, cmdline,
                      strlen(cmdline) + 1, errp) ||
        (initrd_len && !rom_add_bytes("linux-initrd", NULL, initrd_addr, initrd_file, 0,
                                      errp)) ||
        !pc_boot_write_gdt(entry, LINUX_BOOT_GDT_ADDR, errp)) {
        goto out;
    }
    if (p->fw_cfg) {
        linux_boot_publish(p->fw_cfg, LINUX_BOOT_KERNEL_ADDR, kernel + setup_len,
                           prot_len, kernel, setup_len, cmdline, initrd_addr, initrd,
                           initrd_len);
    }

    /* 32-bit boot protocol: %esi = zero page, %ebp = %edi = %ebx = 0. */
    entry->valid = true;
    entry->needs_paging32 = true;
    entry->eip = code32;
    entry->esi = LINUX_BOOT_PARAMS_ADDR;
    ok = true;
out:
    g_free(bp);
    if (prot) {
        g_bytes_unref(prot);
    }
    if (initrd_file) {
        g_bytes_unref(initrd_file);
    }
    return ok;
}
