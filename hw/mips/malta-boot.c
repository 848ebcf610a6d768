/*
 * MIPS Malta -kernel / -bios set-up, doing what the YAMON boot monitor does before
 * it starts a kernel (YAMON User's Manual, "Application interface"): the kernel is
 * an ELF image at kseg0 addresses, started with a0 = argc, a1 = argv, a2 = envp
 * (name/value string pairs: memsize, ememsize, modetty0...), a3 = memsize; the
 * GT-64120 has been moved to 0x1be00000 with the PCI I/O window at 0x18000000 and
 * the memory windows below and above it; the PIIX4 steers PIRQA-D to IRQ 10, 10,
 * 11, 11 and has its power-management I/O block enabled.
 *
 * All of that is real MIPS code: a stub written into the boot flash at the reset
 * vector, so the CPU starts from its architectural reset state and a board reset
 * runs the same path again.
 */
#include "qemu/osdep.h"
#include "malta.h"
#include "hw/loader.h"
#include "hw/pci/gt64120.h"
#include "hw/pci/pci.h"
#include "hw/pci/piix4.h"

/* MIPS register numbers. */
enum {
    MIPS_R_ZERO = 0, MIPS_R_A0 = 4, MIPS_R_A1 = 5, MIPS_R_A2 = 6, MIPS_R_A3 = 7,
    MIPS_R_T0 = 8, MIPS_R_T1 = 9, MIPS_R_T9 = 25, MIPS_R_SP = 29,
};

#define MALTA_STUB_BODY   0x40      /* past the REVISION word at 0x10 */
#define MALTA_PM_IO_BASE  0x1000    /* PIIX4 PM block, as YAMON places it */
#define MALTA_SMB_IO_BASE 0x1100

uint32_t malta_insn_lui(int rt, uint16_t imm)
{
    return 0x3c000000u | (uint32_t)rt << 16 | imm;
}

uint32_t malta_insn_ori(int rt, int rs, uint16_t imm)
{
    return 0x34000000u | (uint32_t)rs << 21 | (uint32_t)rt << 16 | imm;
}

uint32_t malta_insn_sw(int rt, int16_t offset, int base)
{
    return 0xac000000u | (uint32_t)base << 21 | (uint32_t)rt << 16 | (uint16_t)offset;
}

uint32_t malta_insn_jr(int rs)
{
    return (uint32_t)rs << 21 | 0x08;
}

uint32_t malta_insn_beq(int rs, int rt, int16_t offset)
{
    return 0x10000000u | (uint32_t)rs << 21 | (uint32_t)rt << 16 | (uint16_t)offset;
}

typedef struct MaltaStubBuf {
    uint32_t *buf;
    size_t n, max;
    bool overflow;
} MaltaStubBuf;

static void malta_stub_emit(MaltaStubBuf *b, uint32_t insn)
{
    if (b->n >= b->max) {
        b->overflow = true;
        return;
    }
    b->buf[b->n++] = insn;
}

static void malta_stub_li(MaltaStubBuf *b, int rt, uint32_t val)
{
    malta_stub_emit(b, malta_insn_lui(rt, val >> 16));
    malta_stub_emit(b, malta_insn_ori(rt, rt, val & 0xffff));
}

/* GT register write through t0 (the register base), using t1. */
static void malta_stub_gt_write(MaltaStubBuf *b, unsigned reg, uint32_t val)
{
    malta_stub_li(b, MIPS_R_T1, val);
    malta_stub_emit(b, malta_insn_sw(MIPS_R_T1, reg, MIPS_R_T0));
}

/* A type-0 configuration write on PCI bus 0 through the GT-64120. */
static void malta_stub_pci_config_write(MaltaStubBuf *b, int devfn, unsigned reg, uint32_t val)
{
    malta_stub_gt_write(b, GT_PCI0_CFGADDR, GT_PCI0_CFGADDR_CONFIGEN | devfn << 8 | (reg & 0xfc));
    malta_stub_gt_write(b, GT_PCI0_CFGDATA, val);
}

size_t malta_build_boot_stub(uint32_t *buf, size_t nwords, uint32_t revision,
                             uint32_t entry, uint32_t a0, uint32_t a1, uint32_t a2,
                             uint32_t a3, uint32_t sp)
{
    MaltaStubBuf b = { .buf = buf, .max = nwords };
    int piix4 = PCI_DEVFN(MALTA_PIIX4_SLOT, 0), pm = PCI_DEVFN(MALTA_PIIX4_SLOT, 3);

    if (nwords < MALTA_STUB_BODY / 4) {
        return 0;
    }
    memset(buf, 0, MALTA_STUB_BODY);
    /* 0x00: branch over the REVISION register that the board decodes at 0x10. */
    malta_stub_emit(&b, malta_insn_beq(MIPS_R_ZERO, MIPS_R_ZERO, (MALTA_STUB_BODY - 4) / 4));
    malta_stub_emit(&b, 0);                                    /* delay slot */
    buf[MALTA_REVISION_OFFSET / 4] = revision;
    b.n = MALTA_STUB_BODY / 4;

    /* Move the GT-64120 register window from its reset place to YAMON's. */
    malta_stub_li(&b, MIPS_R_T0, MALTA_KSEG1(MALTA_GT_BASE_RESET));
    malta_stub_gt_write(&b, GT_ISD, MALTA_GT_BASE_YAMON >> GT_DECODE_SHIFT);
    malta_stub_li(&b, MIPS_R_T0, MALTA_KSEG1(MALTA_GT_BASE_YAMON));
    /* PCI I/O: 0x18000000-0x181fffff shows PCI I/O addresses from 0 (ISA ports). */
    malta_stub_gt_write(&b, GT_PCI0IOLD, MALTA_PCI_IO_BASE >> GT_DECODE_SHIFT);
    malta_stub_gt_write(&b, GT_PCI0IOHD, 0x40);
    malta_stub_gt_write(&b, GT_PCI0IOREMAP, 0);
    /* PCI memory: 0x10000000-0x17ffffff and 0x18200000-0x1bdfffff, untranslated. */
    malta_stub_gt_write(&b, GT_PCI0M0LD, 0x10000000 >> GT_DECODE_SHIFT);
    malta_stub_gt_write(&b, GT_PCI0M0HD, 0x3f);
    malta_stub_gt_write(&b, GT_PCI0M1LD, 0x18200000 >> GT_DECODE_SHIFT);
    malta_stub_gt_write(&b, GT_PCI0M1HD, 0x5e);
    /* Little-endian board: no byte swapping between CPU and PCI. */
    malta_stub_gt_write(&b, GT_PCI0_CMD, GT_PCI0_CMD_MBYTESWAP | GT_PCI0_CMD_SBYTESWAP);

    /* PIIX4: PIRQA-D -> IRQ 10, 10, 11, 11 (Malta wiring that Linux reads back). */
    malta_stub_pci_config_write(&b, piix4, PIIX4_PIRQRC, 0x0b0b0a0a);
    /* PIIX4 power management and SMBus I/O blocks. */
    malta_stub_pci_config_write(&b, pm, PIIX4_PM_PMBA, MALTA_PM_IO_BASE | 1);
    malta_stub_pci_config_write(&b, pm, PIIX4_PM_PMREGMISC, PIIX4_PM_PMIOSE);
    malta_stub_pci_config_write(&b, pm, PIIX4_PM_SMBBA, MALTA_SMB_IO_BASE | 1);
    malta_stub_pci_config_write(&b, pm, PIIX4_PM_SMBHSTCFG & ~3u,
                          (uint32_t)PIIX4_PM_SMB_HST_EN << (8 * (PIIX4_PM_SMBHSTCFG & 3)));
    malta_stub_pci_config_write(&b, pm, PCI_COMMAND, PCI_COMMAND_IO);

    /* The YAMON calling convention, then jump. */
    malta_stub_li(&b, MIPS_R_A0, a0);
    malta_stub_li(&b, MIPS_R_A1, a1);
    malta_stub_li(&b, MIPS_R_A2, a2);
    malta_stub_li(&b, MIPS_R_A3, a3);
    malta_stub_li(&b, MIPS_R_SP, sp);
    malta_stub_li(&b, MIPS_R_T9, entry);
    malta_stub_emit(&b, malta_insn_jr(MIPS_R_T9));
    malta_stub_emit(&b, 0);                                    /* delay slot */
    return b.overflow ? 0 : b.n;
}

/* kseg0/kseg1 map onto the low 512 MiB; kuseg is unmapped while ERL is set
 * after reset, so a kuseg address is taken as physical. */
static bool malta_translate(void *opaque, uint64_t addr, hwaddr *phys)
{
    if (addr < 0x80000000ULL) {
        *phys = addr;
        return true;
    }
    if (addr < 0xc0000000ULL) {
        *phys = addr & 0x1fffffff;
        return true;
    }
    return false;
}

typedef struct MaltaArgBlock {
    uint8_t buf[MALTA_BOOTARGS_SIZE];
    size_t used;
    bool overflow;
} MaltaArgBlock;

/* Copy a string into the block; returns its kseg0 address. */
static uint32_t malta_argblock_str(MaltaArgBlock *ab, const char *s)
{
    size_t len = strlen(s) + 1;
    uint32_t addr = MALTA_KSEG0(MALTA_BOOTARGS_BASE + ab->used);

    if (ab->used + len > sizeof(ab->buf)) {
        ab->overflow = true;
        return 0;
    }
    memcpy(ab->buf + ab->used, s, len);
    ab->used += len;
    return addr;
}

bool malta_boot_kernel(const MaltaBootParams *p, MaltaBootInfo *info, GError **errp)
{
    ElfLoadOpts opts = {
        .machine = ELF_EM_MIPS,
        .data = ELF_DATA_LSB,
        .translate = malta_translate,
        .phys_low = 0,
        .phys_high = p->ram_low_size,
        .write = loader_write_rom_blob,
    };
    ElfLoadInfo elf;
    MaltaArgBlock *ab;
    g_autofree char *cmdline = NULL;
    char memsize[24], ememsize[24];
    const char *envp[] = {
        "memsize", memsize, "ememsize", ememsize, "modetty0", "38400n8r",
        "yamonrev", "02.22",
    };
    uint32_t ptrs[3 + ARRAY_SIZE(envp) + 1];     /* argv[0..1], NULL, envp..., NULL */
    uint32_t stub[256];
    size_t nstub;
    bool ok;

    memset(info, 0, sizeof(*info));
    if (!load_elf32(p->kernel_filename, &opts, &elf, errp)) {
        return false;
    }
    if (elf.phys_low < MALTA_BOOTARGS_BASE + MALTA_BOOTARGS_SIZE) {
        error_setg(errp, "%s: kernel loads at physical 0x%" HWADDR_PRIx
                   ", over the boot argument area (0x%llx-0x%llx)", p->kernel_filename,
                   elf.phys_low, MALTA_BOOTARGS_BASE,
                   MALTA_BOOTARGS_BASE + MALTA_BOOTARGS_SIZE);
        return false;
    }
    info->entry = (uint32_t)elf.entry;
    info->kernel_low = elf.phys_low;
    info->kernel_high = elf.phys_high;

    if (p->initrd_filename) {
        GBytes *data = load_file_bytes(p->initrd_filename, p->ram_low_size, errp);
        size_t len;
        hwaddr addr;

        if (!data) {
            return false;
        }
        len = g_bytes_get_size(data);
        /*
         * Debian's vmlinuz is a self-decompressing ELF: the real kernel is unpacked
         * over memory well above the ELF's own segments, so an initrd placed right
         * after them is overwritten. Put it at the top of low RAM (page-aligned, with
         * some room left above), where the decompressor and early boot never write.
         */
        addr = QEMU_ALIGN_DOWN(p->ram_low_size - len - (128 << 10), (hwaddr)65536);
        if (len + (128 << 10) > p->ram_low_size ||
            addr < QEMU_ALIGN_UP(elf.phys_high, 4096)) {
            error_setg(errp, "initrd '%s' (%zu bytes at 0x%" HWADDR_PRIx
                       ") does not fit in RAM (%" PRIu64 " MiB below 256 MiB)",
                       p->initrd_filename, len, addr, p->ram_low_size >> 20);
            g_bytes_unref(data);
            return false;
        }
        ok = rom_add_bytes("initrd", NULL, addr, data, 0, errp);
        g_bytes_unref(data);
        if (!ok) {
            return false;
        }
        info->initrd_addr = addr;
        info->initrd_size = len;
        cmdline = g_strdup_printf("rd_start=0x%08x rd_size=%zu%s%s", MALTA_KSEG0(addr), len,
                                  p->cmdline && *p->cmdline ? " " : "",
                                  p->cmdline ? p->cmdline : "");
    } else {
        cmdline = g_strdup(p->cmdline ? p->cmdline : "");
    }

    /* argv[0] = kernel file name, argv[1] = command line; envp name/value pairs. */
    snprintf(memsize, sizeof(memsize), "%" PRIu64, p->ram_low_size);
    snprintf(ememsize, sizeof(ememsize), "%" PRIu64, p->ram_size);
    ab = g_new0(MaltaArgBlock, 1);
    ab->used = sizeof(ptrs);
    ptrs[0] = malta_argblock_str(ab, p->kernel_filename);
    ptrs[1] = malta_argblock_str(ab, cmdline);
    ptrs[2] = 0;
    for (size_t i = 0; i < ARRAY_SIZE(envp); i++) {
        ptrs[3 + i] = malta_argblock_str(ab, envp[i]);
    }
    ptrs[3 + ARRAY_SIZE(envp)] = 0;
    if (ab->overflow) {
        error_setg(errp, "kernel command line too long (%zu bytes)", strlen(cmdline));
        g_free(ab);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(ptrs); i++) {
        stl_le_p(ab->buf + 4 * i, ptrs[i]);
    }
    /* argv is ptrs[0..2] (NULL-terminated), envp is ptrs[3..]. */
    info->argc = 2;
    info->argv = MALTA_KSEG0(MALTA_BOOTARGS_BASE);
    info->envp = MALTA_KSEG0(MALTA_BOOTARGS_BASE + 3 * 4);
    ok = rom_add_blob("bootargs", NULL, MALTA_BOOTARGS_BASE, ab->buf, ab->used, errp);
    g_free(ab);
    if (!ok) {
        return false;
    }

    nstub = malta_build_boot_stub(stub, ARRAY_SIZE(stub), p->revision, info->entry,
                                  info->argc, info->argv, info->envp,
                                  (uint32_t)p->ram_low_size,
                                  MALTA_KSEG0(p->ram_low_size - 16));
    assert(nstub);
    for (size_t i = 0; i < nstub; i++) {
        stub[i] = ldl_le_p(&stub[i]);   /* host order -> little-endian flash bytes */
    }
    return rom_add_blob("bootstub", NULL, MALTA_FLASH_BASE, stub, nstub * 4, errp);
}

/*
 * RAM filled in the first second of a -kernel boot, faulted in ahead on prefault
 * threads (faulting it on the vCPU thread cost a boot 15-85 ms on this host, 9 cold
 * 2 MiB clears for the relocated copy alone):
 * - the low MALTA_PREFAULT_LOW: a self-decompressing kernel (Debian's vmlinuz)
 *   unpacks the real one from 1 MiB, and with KASLR (Debian's default) that kernel
 *   then copies itself up to CONFIG_RANDOMIZE_BASE_MAX_OFFSET (16 MiB by default)
 *   plus its own length higher (Debian's 6.1 4kc-malta: 16.6 MiB, so within
 *   17-50 MiB) and clears its bss there. Bounded: what a boot leaves unused costs RSS.
 * - the ELF's segments and the initrd, each on a thread of its own even where the
 *   low range covers them: the decompressor runs from its segments and clears its
 *   bss at once, before a bottom-up walk of the low range would get there.
 */
#define MALTA_PREFAULT_LOW (64u << 20)

void malta_boot_prefault(MemoryRegion *ram, const MaltaBootInfo *info)
{
    memory_region_prefault_async(ram, info->kernel_low, info->kernel_high - info->kernel_low);
    memory_region_prefault_async(ram, info->initrd_addr, info->initrd_size);
    memory_region_prefault_async(ram, 0, MALTA_PREFAULT_LOW);
}

bool malta_boot_bios(const char *filename, uint32_t revision, GError **errp)
{
    uint8_t *data;
    size_t len;
    uint8_t rev[4];
    bool ok;

    if (!load_file(filename, MALTA_FLASH_SIZE, &data, &len, errp)) {
        return false;
    }
    /* Images for the little-endian Malta are stored with every 32-bit word
     * byte-swapped (the flash sits on a big-endian data path); undo that. */
    for (size_t i = 0; i + 4 <= len; i += 4) {
        stl_le_p(data + i, ldl_be_p(data + i));
    }
    ok = rom_add_blob("bios", NULL, MALTA_FLASH_BASE, data, len, errp);
    g_free(data);
    if (!ok) {
        return false;
    }
    stl_le_p(rev, revision);
    return rom_add_blob("revision", NULL, MALTA_FLASH_BASE + MALTA_REVISION_OFFSET, rev,
                        sizeof(rev), errp);
}
