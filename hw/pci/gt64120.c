/*
 * Galileo Technology GT-64120 System Controller for RC4650/4700/5000 CPUs, as used
 * on the MIPS Malta (datasheet: "GT-64120 System Controller", Galileo Technology;
 * and the GT-64010A datasheet's appendix on byte swapping).
 *
 * Modelled: the 4 KiB internal register file with its reset values; CPU address
 * decode of the PCI_0 I/O and two memory windows (low/high decode + remap, writing
 * a low decode register also loads its remap register) and of the internal space
 * (ISD); PCI_0 configuration mechanism (Configuration Address/Data, master aborts
 * reported in the Interrupt Cause register, configuration data byte-swapped towards
 * other devices unless the PCI_0 Command MByteSwap bit is set); the interrupt
 * acknowledge register (reads run an INTA cycle on the board's 8259); the interrupt
 * output (Interrupt Cause bits enabled in the CPU Interrupt Mask register); the
 * controller itself as PCI device 0:0.0.
 *
 * Not modelled: the SDRAM and device-bus controllers (their decode and parameter
 * registers only hold values: RAM and flash are fixed board wiring), the DMA engines
 * and timer/counters (registers hold values, starting them is logged as
 * unimplemented), PCI_1, PCI-side access to the internal registers through
 * BAR4/5, and byte swapping of window data (only little-endian boards are built).
 * CPU accesses that miss every decode window still end in a CPU bus error.
 */
#include "qemu/osdep.h"
#include "hw/pci/gt64120.h"
#include "migration/vmstate.h"

#define GT_LD_MASK     0x7fff
#define GT_HD_MASK     0x7f
#define GT_REMAP_MASK  0x7ff
#define GT_REG(s, off) ((s)->regs[(off) >> 2])

typedef struct GT64120ResetValue {
    uint16_t off;
    uint32_t val;
} GT64120ResetValue;

/* Datasheet reset values (registers not listed reset to 0). */
static const GT64120ResetValue gt64120_reset_values[] = {
    { GT_MULTI, 0x00000003 },
    { GT_SCS10LD, 0x000 }, { GT_SCS10HD, 0x007 },
    { GT_SCS32LD, 0x008 }, { GT_SCS32HD, 0x00f },
    { GT_CS20LD, 0x0e0 }, { GT_CS20HD, 0x070 },
    { GT_CS3BOOTLD, 0x0f8 }, { GT_CS3BOOTHD, 0x07f },
    { GT_PCI0IOLD, 0x080 }, { GT_PCI0IOHD, 0x00f },
    { GT_PCI0M0LD, 0x090 }, { GT_PCI0M0HD, 0x01f },
    { GT_ISD, 0x0a0 },
    { GT_PCI0M1LD, 0x790 }, { GT_PCI0M1HD, 0x01f },
    { GT_PCI1IOLD, 0x100 }, { GT_PCI1IOHD, 0x00f },
    { GT_PCI1M0LD, 0x110 }, { GT_PCI1M0HD, 0x01f },
    { GT_PCI1M1LD, 0x120 }, { GT_PCI1M1HD, 0x02f },
    { GT_SCS10AR, 0x000 }, { GT_SCS32AR, 0x008 },
    { GT_CS20R, 0x0e0 }, { GT_CS3BOOTR, 0x0f8 },
    { GT_PCI0IOREMAP, 0x080 }, { GT_PCI0M0REMAP, 0x090 }, { GT_PCI0M1REMAP, 0x790 },
    { GT_PCI1IOREMAP, 0x100 }, { GT_PCI1M0REMAP, 0x110 }, { GT_PCI1M1REMAP, 0x120 },
    { GT_SCS0LD, 0x000 }, { GT_SCS0HD, 0x007 },
    { GT_SCS1LD, 0x008 }, { GT_SCS1HD, 0x00f },
    { GT_SCS2LD, 0x010 }, { GT_SCS2HD, 0x017 },
    { GT_SCS3LD, 0x018 }, { GT_SCS3HD, 0x01f },
    { GT_CS0LD, 0x0c0 }, { GT_CS0HD, 0x0c7 },
    { GT_CS1LD, 0x0c8 }, { GT_CS1HD, 0x0cf },
    { GT_CS2LD, 0x0d0 }, { GT_CS2HD, 0x0df },
    { GT_CS3LD, 0x0f0 }, { GT_CS3HD, 0x0fb },
    { GT_BOOTLD, 0x0fc }, { GT_BOOTHD, 0x0ff },
    { GT_ADERR, 0xffffffff },
    { GT_SDRAM_CFG, 0x00000200 },
    { GT_SDRAM_B0, 0x00000005 }, { GT_SDRAM_B1, 0x00000005 },
    { GT_SDRAM_B2, 0x00000005 }, { GT_SDRAM_B3, 0x00000005 },
    { GT_DEV_B0, 0x386fffff }, { GT_DEV_B1, 0x386fffff },
    { GT_DEV_B2, 0x386fffff }, { GT_DEV_B3, 0x386fffff },
    { GT_DEV_BOOT, 0x146fffff },
    { GT_SDRAM_BM, 0x00000007 }, { GT_SDRAM_ADDRDECODE, 0x00000002 },
    { GT_PCI0_TOR, 0x0000070f },
    { GT_PCI0_BS_SCS10, 0x00fff000 }, { GT_PCI0_BS_SCS32, 0x00fff000 },
    { GT_PCI0_BS_CS20, 0x01fff000 }, { GT_PCI0_BS_CS3BT, 0x000ff000 },
};

/* Low decode register -> (high decode, remap) of the same window. */
static bool gt64120_window_regs(unsigned ld, unsigned *hd, unsigned *remap)
{
    switch (ld) {
    case GT_PCI0IOLD:
        *hd = GT_PCI0IOHD;
        *remap = GT_PCI0IOREMAP;
        return true;
    case GT_PCI0M0LD:
        *hd = GT_PCI0M0HD;
        *remap = GT_PCI0M0REMAP;
        return true;
    case GT_PCI0M1LD:
        *hd = GT_PCI0M1HD;
        *remap = GT_PCI0M1REMAP;
        return true;
    case GT_PCI1IOLD:
        *hd = GT_PCI1IOHD;
        *remap = GT_PCI1IOREMAP;
        return true;
    case GT_PCI1M0LD:
        *hd = GT_PCI1M0HD;
        *remap = GT_PCI1M0REMAP;
        return true;
    case GT_PCI1M1LD:
        *hd = GT_PCI1M1HD;
        *remap = GT_PCI1M1REMAP;
        return true;
    case GT_SCS10LD:
        *hd = GT_SCS10HD;
        *remap = GT_SCS10AR;
        return true;
    case GT_SCS32LD:
        *hd = GT_SCS32HD;
        *remap = GT_SCS32AR;
        return true;
    case GT_CS20LD:
        *hd = GT_CS20HD;
        *remap = GT_CS20R;
        return true;
    case GT_CS3BOOTLD:
        *hd = GT_CS3BOOTHD;
        *remap = GT_CS3BOOTR;
        return true;
    default:
        return false;
    }
}

bool gt64120_window(GT64120State *s, unsigned ld_reg, hwaddr *start, uint64_t *len)
{
    unsigned hd_reg, remap_reg;
    uint32_t lo, hi;

    if (!gt64120_window_regs(ld_reg, &hd_reg, &remap_reg)) {
        return false;
    }
    lo = GT_REG(s, ld_reg) & GT_LD_MASK;
    hi = GT_REG(s, hd_reg) & GT_HD_MASK;
    /* The high register supplies address bits [27:21]; the rest come from low. */
    if ((lo & GT_HD_MASK) > hi) {
        return false;
    }
    *start = (hwaddr)lo << GT_DECODE_SHIFT;
    *len = (uint64_t)(hi - (lo & GT_HD_MASK) + 1) << GT_DECODE_SHIFT;
    return true;
}

/* PCI address of the first byte of a window: the remap register replaces the
 * address bits that stay constant across the window. */
static hwaddr gt64120_window_pci_base(GT64120State *s, unsigned ld_reg)
{
    unsigned hd_reg = 0, remap_reg = 0;
    uint32_t lo, end, mask, remap;

    if (!gt64120_window_regs(ld_reg, &hd_reg, &remap_reg)) {
        return 0;
    }
    lo = GT_REG(s, ld_reg) & GT_LD_MASK;
    end = (lo & ~GT_HD_MASK) | (GT_REG(s, hd_reg) & GT_HD_MASK);
    mask = ~(lo ^ end) & GT_REMAP_MASK;
    remap = GT_REG(s, remap_reg) & GT_REMAP_MASK;
    return (hwaddr)(((remap & mask) | (lo & ~mask)) & GT_REMAP_MASK) << GT_DECODE_SHIFT;
}

/* (Re)place one CPU->PCI memory alias according to its decode registers. */
static void gt64120_map_window(GT64120State *s, MemoryRegion *win, bool *mapped,
                               unsigned ld_reg, MemoryRegion *target)
{
    hwaddr start, pci_base;
    uint64_t len;
    bool on = gt64120_window(s, ld_reg, &start, &len);

    if (*mapped) {
        memory_region_del_subregion(s->sysmem, win);
        *mapped = false;
    }
    if (!on || !target) {
        return;
    }
    pci_base = gt64120_window_pci_base(s, ld_reg);
    /* Only the part of the window that has PCI space behind it is shown. */
    if (pci_base >= target->size) {
        return;
    }
    len = MIN_U(len, target->size - pci_base);
    if (start + len > s->sysmem->size) {
        return;
    }
    memory_region_set_alias_offset(win, pci_base);
    memory_region_set_size(win, len);
    memory_region_add_subregion_overlap(s->sysmem, start, win, 1);
    *mapped = true;
}

/* The I/O window forwards each access to the PCI I/O space. Cycles that no PCI
 * device claims end on the ISA bus behind the PIIX4's subtractive decode, where
 * devices decode 16 address bits: the I/O space repeats every 64 KiB. That is why
 * the ISA ports already show at 0x10000000 after reset, whatever the remap. */
static hwaddr gt64120_io_addr(GT64120State *s, hwaddr off)
{
    return (s->io_pci_base + off) & (s->pci_io->size - 1);
}

static uint64_t gt64120_io_read(void *opaque, hwaddr off, unsigned size)
{
    GT64120State *s = opaque;
    uint64_t v = 0;

    address_space_read_val(&s->io_as, gt64120_io_addr(s, off), &v, size);
    return v;
}

static void gt64120_io_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    GT64120State *s = opaque;

    address_space_write_val(&s->io_as, gt64120_io_addr(s, off), val, size);
}

static const MemoryRegionOps gt64120_io_ops = {
    .read = gt64120_io_read,
    .write = gt64120_io_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* The interrupt output follows the cause bits the CPU mask enables (bit 0 is the
 * summary, bits 31:30 are the summaries for the PCI side). */
static void gt64120_drive_irq(GT64120State *s, bool force)
{
    int level = (GT_REG(s, GT_INTRCAUSE) & GT_REG(s, GT_INTRMASK) & 0x3ffffffeu) != 0;

    if (level != s->irq_level || force) {
        s->irq_level = level;
        irq_set(s->irq, level);
    }
}

static void gt64120_update_irq(GT64120State *s)
{
    gt64120_drive_irq(s, false);
}

static void gt64120_cause(GT64120State *s, uint32_t bits)
{
    GT_REG(s, GT_INTRCAUSE) |= bits | GT_INTRCAUSE_INTSUM;
    gt64120_update_irq(s);
}

static uint32_t gt64120_ones(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* A memory cycle nobody claims ends in a master abort: reads return all ones,
 * writes vanish, and the cause register records it (no CPU bus error). */
static uint64_t gt64120_abort_read(void *opaque, hwaddr off, unsigned size)
{
    GT64120State *s = opaque;

    gt64120_cause(s, GT_INTRCAUSE_MASABORT0);
    return gt64120_ones(size);
}

static void gt64120_abort_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    GT64120State *s = opaque;

    gt64120_cause(s, GT_INTRCAUSE_MASABORT0);
}

static const MemoryRegionOps gt64120_abort_ops = {
    .read = gt64120_abort_read,
    .write = gt64120_abort_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void gt64120_map_io_window(GT64120State *s)
{
    hwaddr start;
    uint64_t len;

    if (s->io_mapped) {
        memory_region_del_subregion(s->sysmem, &s->io_win);
        s->io_mapped = false;
    }
    if (!s->pci_io || !gt64120_window(s, GT_PCI0IOLD, &start, &len) ||
        start + len > s->sysmem->size) {
        return;
    }
    s->io_pci_base = gt64120_window_pci_base(s, GT_PCI0IOLD);
    memory_region_set_size(&s->io_win, len);
    memory_region_add_subregion_overlap(s->sysmem, start, &s->io_win, 1);
    s->io_mapped = true;
}

static void gt64120_update_mappings(GT64120State *s)
{
    hwaddr isd = (hwaddr)(GT_REG(s, GT_ISD) & GT_LD_MASK) << GT_DECODE_SHIFT;

    memory_region_transaction_begin();
    if (s->regs_mapped) {
        memory_region_del_subregion(s->sysmem, &s->regs_mr);
        s->regs_mapped = false;
    }
    /* The internal space wins over any window that overlaps it. */
    if (isd + GT64120_REGS_SIZE <= s->sysmem->size) {
        memory_region_add_subregion_overlap(s->sysmem, isd, &s->regs_mr, 2);
        s->regs_mapped = true;
    }
    gt64120_map_io_window(s);
    gt64120_map_window(s, &s->mem0_win, &s->mem0_mapped, GT_PCI0M0LD, &s->pci_mem);
    gt64120_map_window(s, &s->mem1_win, &s->mem1_mapped, GT_PCI0M1LD, &s->pci_mem);
    memory_region_transaction_commit();
}

static uint32_t gt64120_swap(uint32_t v, unsigned size)
{
    return size == 4 ? __builtin_bswap32(v) : size == 2 ? __builtin_bswap16(v) : v;
}

/* Decode the Configuration Address register; false on a master abort. */
static bool gt64120_config_target(GT64120State *s, unsigned lane, unsigned size,
                                  int *devfn, uint32_t *reg, bool *swap)
{
    uint32_t ca = GT_REG(s, GT_PCI0_CFGADDR);
    unsigned busnr = (ca >> 16) & 0xff;

    if (!(ca & GT_PCI0_CFGADDR_CONFIGEN)) {
        mimic_log_mask(LOG_GUEST_ERROR, "gt64120: config data access with ConfigEn clear\n");
        return false;
    }
    if (lane & (size - 1)) {
        mimic_log_mask(LOG_GUEST_ERROR, "gt64120: unaligned config data access\n");
        return false;
    }
    *devfn = (ca >> 8) & 0xff;
    if (busnr != 0 || !pci_bus_has_device(s->pci.bus, *devfn)) {
        /* No secondary buses: type-1 cycles and empty slots end in master abort. */
        gt64120_cause(s, GT_INTRCAUSE_MASABORT0);
        return false;
    }
    /* The controller's own header is internal: PCI byte swapping does not apply. */
    *swap = *devfn != 0 && !(GT_REG(s, GT_PCI0_CMD) & GT_PCI0_CMD_MBYTESWAP);
    /* With swapping, CPU byte lane i carries PCI byte lane 3 - i. */
    *reg = (ca & 0xfc) + (*swap ? 4 - lane - size : lane);
    return true;
}

static uint32_t gt64120_cfgdata_read(GT64120State *s, unsigned lane, unsigned size)
{
    int devfn;
    uint32_t reg, v;
    bool swap;

    if (!gt64120_config_target(s, lane, size, &devfn, &reg, &swap)) {
        return gt64120_ones(size);
    }
    v = pci_bus_config_read(s->pci.bus, devfn, reg, size);
    return swap ? gt64120_swap(v, size) : v;
}

static void gt64120_cfgdata_write(GT64120State *s, unsigned lane, uint32_t v, unsigned size)
{
    int devfn;
    uint32_t reg;
    bool swap;

    if (!gt64120_config_target(s, lane, size, &devfn, &reg, &swap)) {
        return;
    }
    pci_bus_config_write(s->pci.bus, devfn, reg, swap ? gt64120_swap(v, size) : v, size);
}

static void gt64120_write_reg32(GT64120State *s, unsigned off, uint32_t v)
{
    unsigned hd = 0, remap = 0;

    switch (off) {
    case GT_PCI0IOLD:
    case GT_PCI0M0LD:
    case GT_PCI0M1LD:
    case GT_PCI1IOLD:
    case GT_PCI1M0LD:
    case GT_PCI1M1LD:
    case GT_SCS10LD:
    case GT_SCS32LD:
    case GT_CS20LD:
    case GT_CS3BOOTLD:
        /* Writing a low decode register also loads the window's remap register. */
        if (!gt64120_window_regs(off, &hd, &remap)) {
            break;
        }
        GT_REG(s, off) = v & GT_LD_MASK;
        GT_REG(s, remap) = v & GT_REMAP_MASK;
        gt64120_update_mappings(s);
        break;
    case GT_PCI0IOHD:
    case GT_PCI0M0HD:
    case GT_PCI0M1HD:
    case GT_PCI1IOHD:
    case GT_PCI1M0HD:
    case GT_PCI1M1HD:
    case GT_SCS10HD:
    case GT_SCS32HD:
    case GT_CS20HD:
    case GT_CS3BOOTHD:
        GT_REG(s, off) = v & GT_HD_MASK;
        gt64120_update_mappings(s);
        break;
    case GT_PCI0IOREMAP:
    case GT_PCI0M0REMAP:
    case GT_PCI0M1REMAP:
    case GT_PCI1IOREMAP:
    case GT_PCI1M0REMAP:
    case GT_PCI1M1REMAP:
    case GT_SCS10AR:
    case GT_SCS32AR:
    case GT_CS20R:
    case GT_CS3BOOTR:
        GT_REG(s, off) = v & GT_REMAP_MASK;
        gt64120_update_mappings(s);
        break;
    case GT_ISD:
        GT_REG(s, off) = v & GT_LD_MASK;
        gt64120_update_mappings(s);
        break;
    case GT_INTRCAUSE: {
        /* Cause bits are cleared by writing 0; IntSum follows the others. */
        uint32_t c = GT_REG(s, off) & v;

        c &= ~GT_INTRCAUSE_INTSUM;
        if (c & ~0xc0000000u) {
            c |= GT_INTRCAUSE_INTSUM;
        }
        GT_REG(s, off) = c;
        gt64120_update_irq(s);
        break;
    }
    case GT_INTRMASK:
        GT_REG(s, off) = v;
        gt64120_update_irq(s);
        break;
    case GT_PCI0_CFGADDR:
    case GT_PCI1_CFGADDR:
        GT_REG(s, off) = v & 0x80fffffc;
        break;
    case GT_PCI0_IACK:
        mimic_log_mask(LOG_GUEST_ERROR, "gt64120: write to read-only IACK register\n");
        break;
    case GT_PCI1_CFGDATA:
        mimic_log_mask(LOG_UNIMP, "gt64120: PCI_1 configuration cycles\n");
        break;
    case GT_DMA0_CTRL ... GT_DMA3_CTRL:
        GT_REG(s, off) = v;
        if (v & (1u << 12)) {    /* ChanEn */
            mimic_log_mask(LOG_UNIMP, "gt64120: DMA channel %u enabled\n",
                           (off - GT_DMA0_CTRL) / 4);
        }
        break;
    case GT_TC_CONTROL:
        GT_REG(s, off) = v;
        if (v & 0x55) {          /* any EnTC bit */
            mimic_log_mask(LOG_UNIMP, "gt64120: timer/counters enabled\n");
        }
        break;
    default:
        GT_REG(s, off) = v;
        break;
    }
}

uint64_t gt64120_reg_read(void *opaque, hwaddr off, unsigned size)
{
    GT64120State *s = opaque;
    unsigned word = off & ~3u, lane = off & 3u;
    uint32_t v;

    if (off >= GT64120_REGS_SIZE || lane + size > 4) {
        mimic_log_mask(LOG_GUEST_ERROR, "gt64120: bad read at 0x%03" HWADDR_PRIx "\n", off);
        return 0;
    }
    switch (word) {
    case GT_PCI0_CFGDATA:
        return gt64120_cfgdata_read(s, lane, size);
    case GT_PCI1_CFGDATA:
        gt64120_cause(s, 1u << 26);             /* MasAbort1: there is no PCI_1 */
        return gt64120_ones(size);
    case GT_PCI0_IACK:
        if (!s->iack) {
            mimic_log_mask(LOG_GUEST_ERROR, "gt64120: IACK with no interrupt controller\n");
            return 0;
        }
        /* One INTA cycle per read, whatever the width. */
        v = s->iack(s->iack_opaque) & 0xff;
        break;
    default:
        v = GT_REG(s, word);
        break;
    }
    v >>= 8 * lane;
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void gt64120_reg_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    GT64120State *s = opaque;
    unsigned word = off & ~3u, lane = off & 3u;
    uint32_t v;

    if (off >= GT64120_REGS_SIZE || lane + size > 4) {
        mimic_log_mask(LOG_GUEST_ERROR, "gt64120: bad write at 0x%03" HWADDR_PRIx "\n", off);
        return;
    }
    if (word == GT_PCI0_CFGDATA) {
        gt64120_cfgdata_write(s, lane, (uint32_t)val, size);
        return;
    }
    v = size == 4 ? (uint32_t)val : deposit32(GT_REG(s, word), 8 * lane, 8 * size, val);
    gt64120_write_reg32(s, word, v);
}

static const MemoryRegionOps gt64120_reg_ops = {
    .read = gt64120_reg_read,
    .write = gt64120_reg_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void gt64120_reset(DeviceState *dev)
{
    GT64120State *s = (GT64120State *)dev;

    memset(s->regs, 0, sizeof(s->regs));
    for (size_t i = 0; i < ARRAY_SIZE(gt64120_reset_values); i++) {
        GT_REG(s, gt64120_reset_values[i].off) = gt64120_reset_values[i].val;
    }
    /* Both swap controls are strapped from the board's endianness. */
    GT_REG(s, GT_CPU) = s->big_endian ? 0 : GT_CPU_ENDIAN_LITTLE;
    GT_REG(s, GT_PCI0_CMD) = s->big_endian ? 0 : GT_PCI0_CMD_MBYTESWAP | GT_PCI0_CMD_SBYTESWAP;

    pci_device_reset(&s->pci);
    /* BARs come up pointing at the reset decode of each bank (datasheet). */
    pci_set_long(s->pci.config + PCI_BASE_ADDRESS_0 + 0, 0x00000008);
    pci_set_long(s->pci.config + PCI_BASE_ADDRESS_0 + 4, 0x01000008);
    pci_set_long(s->pci.config + PCI_BASE_ADDRESS_0 + 8, 0x1c000000);
    pci_set_long(s->pci.config + PCI_BASE_ADDRESS_0 + 12, 0x1f000000);
    pci_set_long(s->pci.config + PCI_BASE_ADDRESS_0 + 16, 0x14000000);
    pci_set_long(s->pci.config + PCI_BASE_ADDRESS_0 + 20, 0x14000001);
    pci_set_word(s->pci.config + PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    gt64120_update_mappings(s);
    gt64120_update_irq(s);
}

static bool gt64120_realize(DeviceState *dev, GError **errp)
{
    GT64120State *s = (GT64120State *)dev;

    if (!s->sysmem) {
        error_setg(errp, "gt64120: no system memory to decode into");
        return false;
    }
    pci_device_init_config(&s->pci);
    /* BARs as seen from PCI: config registers only (PCI-side slave access to SDRAM
     * and devices is not modelled), sized as the reset bank-size registers say. */
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, 16 << 20, NULL);
    pci_register_bar(&s->pci, 1, PCI_BASE_ADDRESS_MEM_PREFETCH, 16 << 20, NULL);
    pci_register_bar(&s->pci, 2, 0, 32 << 20, NULL);
    pci_register_bar(&s->pci, 3, 0, 1 << 20, NULL);
    pci_register_bar(&s->pci, 4, 0, GT64120_REGS_SIZE, NULL);
    pci_register_bar(&s->pci, 5, PCI_BASE_ADDRESS_SPACE_IO, GT64120_REGS_SIZE, NULL);

    memory_region_init_io(&s->regs_mr, &gt64120_reg_ops, s, "gt64120-regs",
                          GT64120_REGS_SIZE);
    if (s->pci_io) {
        /* The window decodes 16 address bits of the I/O space: it must be a power
         * of two that the window can wrap around. */
        assert(s->pci_io->size && !(s->pci_io->size & (s->pci_io->size - 1)));
        address_space_init(&s->io_as, s->pci_io, "pci0-io");
        memory_region_init_io(&s->io_win, &gt64120_io_ops, s, "gt64120-pci0-io",
                              1u << GT_DECODE_SHIFT);
    }
    memory_region_init_io(&s->pci_mem_abort, &gt64120_abort_ops, s, "pci0-mem-abort",
                          s->pci_mem.size);
    memory_region_add_subregion_overlap(&s->pci_mem, 0, &s->pci_mem_abort, -1000);
    memory_region_init_alias(&s->mem0_win, "gt64120-pci0-mem0", &s->pci_mem, 0,
                             1u << GT_DECODE_SHIFT);
    memory_region_init_alias(&s->mem1_win, "gt64120-pci0-mem1", &s->pci_mem, 0,
                             1u << GT_DECODE_SHIFT);
    gt64120_reset(dev);
    return true;
}

static int gt64120_post_load(void *opaque, int version_id)
{
    GT64120State *s = opaque;

    gt64120_update_mappings(s);
    gt64120_drive_irq(s, true);
    return 0;
}

static const VMStateField gt64120_vmstate_fields[] = {
    VMSTATE_STRUCT(pci, GT64120State, vmstate_pci_device, PCIDevice),
    VMSTATE_UINT32_ARRAY(regs, GT64120State, GT64120_NUM_REGS),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription gt64120_vmstate = {
    .name = "gt64120",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = gt64120_post_load,
    .fields = gt64120_vmstate_fields,
};

static const Property gt64120_props[] = {
    DEFINE_PROP_UINT32("big-endian", GT64120State, big_endian, 0),
    DEFINE_PROP_END_OF_LIST()
};

const PCIDeviceClass gt64120_pci_class = {
    .parent = {
        .name = "gt64120",
        .desc = "Galileo GT-64120 system controller",
        .instance_size = sizeof(GT64120State),
        .realize = gt64120_realize,
        .reset = gt64120_reset,
        .vmsd = &gt64120_vmstate,
        .props = gt64120_props,
    },
    .vendor_id = 0x11ab,
    .device_id = 0x4620,
    .revision = 0x10,
    .class_id = PCI_CLASS_BRIDGE_HOST,
};

static void __attribute__((constructor)) gt64120_register(void)
{
    device_class_register(&gt64120_pci_class.parent);
}

GT64120State *gt64120_init(MemoryRegion *sysmem, MemoryRegion *pci_io, bool big_endian,
                           GError **errp)
{
    PCIBus *bus = pci_bus_new("pci.0", NULL, pci_io);
    PCIDevice *d;
    GT64120State *s;

    d = pci_new(bus, PCI_DEVFN(0, 0), &gt64120_pci_class, "gt64120", errp);
    if (!d) {
        pci_bus_free(bus);
        return NULL;
    }
    s = (GT64120State *)d;
    /* The PCI memory space lives in the controller's state. */
    memory_region_init(&s->pci_mem, "pci0-mem", 1ULL << 32);
    bus->mem_space = &s->pci_mem;
    s->sysmem = sysmem;
    s->pci_io = pci_io;
    qdev_prop_set_uint32(DEVICE(s), "big-endian", big_endian);
    if (!qdev_realize(DEVICE(s), errp)) {
        return NULL;
    }
    return s;
}

PCIBus *gt64120_get_bus(GT64120State *s)
{
    return s->pci.bus;
}

void gt64120_set_irq(GT64120State *s, IRQLine *irq)
{
    s->irq = irq;
    gt64120_drive_irq(s, true);
}

void gt64120_set_iack(GT64120State *s, int (*iack)(void *opaque), void *opaque)
{
    s->iack = iack;
    s->iack_opaque = opaque;
}
