/*
 * Unit tests for hw/pci/gt64120.c, driven through the CPU address space the way
 * firmware and Linux do: reset values, moving the register window (ISD), the PCI
 * I/O and memory windows with their remap registers, configuration cycles with
 * master aborts and byte swapping, interrupt acknowledge, and vmstate.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/pci/gt64120.h"
#include "hw/pci/piix4.h"
#include "exec/memory.h"
#include "migration/vmstate.h"

static MemoryRegion sysmem, io;
static AddressSpace as;
static GT64120State *gt;
static hwaddr gt_base = 0x14000000;

static uint32_t rd(hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    cr_assert_eq(address_space_read_val(&as, addr, &v, size), MEMTX_OK,
                 "read at 0x%" HWADDR_PRIx " failed", addr);
    return v;
}

static void wr(hwaddr addr, uint32_t v, unsigned size)
{
    cr_assert_eq(address_space_write_val(&as, addr, v, size), MEMTX_OK,
                 "write at 0x%" HWADDR_PRIx " failed", addr);
}

static uint32_t gt_rd(unsigned reg)
{
    return rd(gt_base + reg, 4);
}

static void gt_wr(unsigned reg, uint32_t v)
{
    wr(gt_base + reg, v, 4);
}

/* A 32-byte I/O device and a 4 KiB PCI memory device, both echoing offsets. */
static uint32_t dev_last_write;

static uint64_t echo_read(void *opaque, hwaddr off, unsigned size)
{
    return (uintptr_t)opaque + off;
}

static void echo_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    dev_last_write = val;
}

static const MemoryRegionOps echo_ops = {
    .read = echo_read,
    .write = echo_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static MemoryRegion io_dev, mem_dev;

static void setup(void)
{
    GError *err = NULL;

    memory_region_init(&sysmem, "test-sys", 1ULL << 32);
    memory_region_init(&io, "test-io", 0x10000);
    address_space_init(&as, &sysmem, "test-sys");
    gt = gt64120_init(&sysmem, &io, false, &err);
    cr_assert_not_null(gt, "%s", err ? err->message : "");
    memory_region_init_io(&io_dev, &echo_ops, (void *)(uintptr_t)0xa000, "io-dev", 32);
    memory_region_add_subregion(&io, 0x3f8, &io_dev);
    gt_base = 0x14000000;
}

TestSuite(gt64120, .init = setup);

Test(gt64120, reset_values)
{
    cr_assert_eq(gt_rd(GT_CPU), GT_CPU_ENDIAN_LITTLE);
    cr_assert_eq(gt_rd(GT_ISD), 0xa0);
    cr_assert_eq(gt_rd(GT_PCI0IOLD), 0x80);
    cr_assert_eq(gt_rd(GT_PCI0IOHD), 0x0f);
    cr_assert_eq(gt_rd(GT_PCI0M0LD), 0x90);
    cr_assert_eq(gt_rd(GT_PCI0M0HD), 0x1f);
    cr_assert_eq(gt_rd(GT_PCI0M1LD), 0x790);
    cr_assert_eq(gt_rd(GT_PCI0IOREMAP), 0x80);
    cr_assert_eq(gt_rd(GT_PCI0M1REMAP), 0x790);
    cr_assert_eq(gt_rd(GT_SCS0HD), 0x07);
    cr_assert_eq(gt_rd(GT_BOOTLD), 0xfc);
    cr_assert_eq(gt_rd(GT_SDRAM_BM), 0x07);
    cr_assert_eq(gt_rd(GT_DEV_BOOT), 0x146fffff);
    cr_assert_eq(gt_rd(GT_PCI0_TOR), 0x070f);
    cr_assert_eq(gt_rd(GT_PCI0_CMD), GT_PCI0_CMD_MBYTESWAP | GT_PCI0_CMD_SBYTESWAP);
    cr_assert_eq(gt_rd(GT_INTRCAUSE), 0);
    /* Sub-word reads see the little-endian register image. */
    cr_assert_eq(rd(gt_base + GT_DEV_BOOT + 3, 1), 0x14);
    cr_assert_eq(rd(gt_base + GT_DEV_BOOT + 2, 2), 0x146f);

    hwaddr start;
    uint64_t len;
    cr_assert(gt64120_window(gt, GT_PCI0IOLD, &start, &len));
    cr_assert_eq(start, 0x10000000);
    cr_assert_eq(len, 0x02000000);
    cr_assert(gt64120_window(gt, GT_PCI0M1LD, &start, &len));
    cr_assert_eq(start, 0xf2000000);
    cr_assert_eq(len, 0x02000000);
}

Test(gt64120, isd_moves_register_window)
{
    gt_wr(GT_ISD, 0xdf);                       /* YAMON's 0x1be00000 */
    cr_assert_null(address_space_lookup(&as, 0x14000000 + GT_ISD));
    gt_base = 0x1be00000;
    cr_assert_eq(gt_rd(GT_ISD), 0xdf);
    cr_assert_eq(gt_rd(GT_PCI0IOLD), 0x80);
    /* Reset brings it home. */
    qdev_reset_all();
    cr_assert_null(address_space_lookup(&as, 0x1be00000));
    gt_base = 0x14000000;
    cr_assert_eq(gt_rd(GT_ISD), 0xa0);
}

Test(gt64120, io_window_and_remap)
{
    /* At reset the window is at 0x10000000 with remap 0x80 (PCI I/O 0x10000000):
     * no PCI device claims that, so it reaches ISA, which decodes 16 bits. */
    cr_assert_eq(rd(0x100003f8, 2), 0xa000);

    /* Low decode write loads remap as well. */
    gt_wr(GT_PCI0IOLD, 0xc0);
    cr_assert_eq(gt_rd(GT_PCI0IOREMAP), 0xc0);
    gt_wr(GT_PCI0IOHD, 0x40);
    gt_wr(GT_PCI0IOREMAP, 0);
    cr_assert_eq(rd(0x180003f8, 1), (0xa000 & 0xff));
    cr_assert_eq(rd(0x180003fa, 2), 0xa002);
    wr(0x180003fc, 0x5a, 1);
    cr_assert_eq(dev_last_write, 0x5a);
    /* The 64 KiB I/O space repeats through the 2 MiB window; the old place is
     * gone. */
    cr_assert_eq(rd(0x181f03f8, 2), 0xa000);
    cr_assert_null(address_space_lookup(&as, 0x100003f8));
    cr_assert_null(address_space_lookup(&as, 0x18200000));
    /* With a remap, port 0 of the window is PCI I/O 0x10000 + 0x3f8 - aliasing to
     * ISA 0x3f8 again; a 0x3f8-offset remap moves the device to the window start. */
    gt_wr(GT_PCI0IOREMAP, 0x7ff);
    cr_assert_eq(rd(0x180003f8, 2), 0xa000);

    /* A high decode below the low one disables the window. */
    gt_wr(GT_PCI0IOHD, 0x3f);
    cr_assert_null(address_space_lookup(&as, 0x180003f8));
}

Test(gt64120, memory_windows)
{
    memory_region_init_io(&mem_dev, &echo_ops, (void *)(uintptr_t)0x70000, "mem-dev",
                          0x1000);
    memory_region_add_subregion(&gt->pci_mem, 0x10200000, &mem_dev);
    /* First move the I/O window out of the way, as firmware does. */
    gt_wr(GT_PCI0IOLD, 0xc0);
    gt_wr(GT_PCI0IOHD, 0x40);

    /* Identity window 0x10000000-0x17ffffff (YAMON's layout). */
    gt_wr(GT_PCI0M0LD, 0x80);
    gt_wr(GT_PCI0M0HD, 0x3f);
    cr_assert_eq(rd(0x10200010, 4), 0x70010);
    /* A 2 MiB window at 0x10000000 remapped to PCI 0x10200000. */
    gt_wr(GT_PCI0M0HD, 0x00);
    gt_wr(GT_PCI0M0REMAP, 0x81);
    cr_assert_eq(rd(0x10000020, 4), 0x70020);
    /* Nothing at PCI 0x10000000: master abort, all ones, recorded, no bus error. */
    gt_wr(GT_PCI0M0REMAP, 0x80);
    cr_assert_eq(gt_rd(GT_INTRCAUSE), 0);
    cr_assert_eq(rd(0x10000020, 4), 0xffffffff);
    cr_assert_eq(rd(0x10000020, 1), 0xff);
    cr_assert(gt_rd(GT_INTRCAUSE) & GT_INTRCAUSE_MASABORT0);
    cr_assert_null(address_space_lookup(&as, 0x10200000), "the window is 2 MiB");
    /* Mem1 at 0x18200000-0x1bdfffff is untranslated. */
    gt_wr(GT_PCI0M1LD, 0xc1);
    gt_wr(GT_PCI0M1HD, 0x5e);
    hwaddr start;
    uint64_t len;
    cr_assert(gt64120_window(gt, GT_PCI0M1LD, &start, &len));
    cr_assert_eq(start, 0x18200000);
    cr_assert_eq(start + len, 0x1be00000);
    /* The register window beats an overlapping PCI window. */
    gt_wr(GT_PCI0M1LD, 0xa0);
    gt_wr(GT_PCI0M1HD, 0x20);
    cr_assert_eq(gt_rd(GT_PCI0M1HD), 0x20);
}

static uint32_t cfg_read(uint32_t addr)
{
    gt_wr(GT_PCI0_CFGADDR, addr);
    return gt_rd(GT_PCI0_CFGDATA);
}

Test(gt64120, config_cycles)
{
    /* The controller itself is 0:0.0. */
    cr_assert_eq(cfg_read(0x80000000), 0x462011ab);
    cr_assert_eq(cfg_read(0x80000008) >> 8, 0x060000);
    cr_assert_eq(gt_rd(GT_PCI0_CFGADDR), 0x80000008);
    cr_assert_eq(gt_rd(GT_INTRCAUSE), 0);

    /* An empty slot: all ones and a master abort in the cause register, which
     * Linux clears by writing zeros to those bits. */
    cr_assert_eq(cfg_read(0x80002800), 0xffffffff);
    cr_assert_eq(gt_rd(GT_INTRCAUSE) & GT_INTRCAUSE_MASABORT0, GT_INTRCAUSE_MASABORT0);
    gt_wr(GT_INTRCAUSE, ~(GT_INTRCAUSE_MASABORT0 | GT_INTRCAUSE_TARABORT0));
    cr_assert_eq(gt_rd(GT_INTRCAUSE), 0);
    /* Bus 1 does not exist either. */
    cr_assert_eq(cfg_read(0x80010000), 0xffffffff);
    cr_assert(gt_rd(GT_INTRCAUSE) & GT_INTRCAUSE_MASABORT0);
    /* ConfigEn clear: no cycle at all. */
    cr_assert_eq(cfg_read(0x00000000), 0xffffffff);

    /* Configuration writes reach the device: Linux programs the GT's BAR4. */
    gt_wr(GT_PCI0_CFGADDR, 0x80000020);
    gt_wr(GT_PCI0_CFGDATA, 0x1be00000);
    cr_assert_eq(cfg_read(0x80000020), 0x1be00000);
}

Test(gt64120, config_byte_swapping)
{
    PCIBus *bus = gt64120_get_bus(gt);

    pci_create_simple(bus, PCI_DEVFN(10, 0), &piix4_isa_class, NULL);
    /* Little-endian strap: no swapping. */
    cr_assert_eq(cfg_read(0x80005000), 0x71108086);
    gt_wr(GT_PCI0_CFGADDR, 0x80005000);
    cr_assert_eq(rd(gt_base + GT_PCI0_CFGDATA + 2, 2), 0x7110);
    cr_assert_eq(rd(gt_base + GT_PCI0_CFGDATA + 3, 1), 0x71);

    /* MByteSwap clear (big-endian set-up): data to other devices is swapped... */
    gt_wr(GT_PCI0_CMD, 0);
    cr_assert_eq(cfg_read(0x80005000), 0x86801071);
    gt_wr(GT_PCI0_CFGADDR, 0x80005000);
    cr_assert_eq(rd(gt_base + GT_PCI0_CFGDATA + 0, 1), 0x71);
    cr_assert_eq(rd(gt_base + GT_PCI0_CFGDATA + 0, 2), 0x1071);
    /* ... writes too: PIRQRC A..D at 0x60 ... */
    gt_wr(GT_PCI0_CFGADDR, 0x80005060);
    gt_wr(GT_PCI0_CFGDATA, 0x0a0a0b0b);
    gt_wr(GT_PCI0_CMD, GT_PCI0_CMD_MBYTESWAP);
    cr_assert_eq(cfg_read(0x80005060), 0x0b0b0a0a);
    /* ... but never for the controller's own header. */
    gt_wr(GT_PCI0_CMD, 0);
    cr_assert_eq(cfg_read(0x80000000), 0x462011ab);
}

static int iack_calls;

static int test_iack(void *opaque)
{
    iack_calls++;
    return 0x20 + iack_calls;
}

Test(gt64120, interrupt_acknowledge)
{
    /* Without an interrupt controller the read is a logged guest error. */
    cr_assert_eq(gt_rd(GT_PCI0_IACK), 0);
    gt64120_set_iack(gt, test_iack, NULL);
    cr_assert_eq(gt_rd(GT_PCI0_IACK), 0x21);
    cr_assert_eq(rd(gt_base + GT_PCI0_IACK, 1), 0x22);
    cr_assert_eq(iack_calls, 2, "one INTA cycle per read");
    /* Writes do not acknowledge anything. */
    gt_wr(GT_PCI0_IACK, 0);
    cr_assert_eq(iack_calls, 2);
}

static int gt_irq_level;

static void gt_irq_handler(void *opaque, int n, int level)
{
    gt_irq_level = level;
}

Test(gt64120, interrupt_output)
{
    gt64120_set_irq(gt, irq_new(gt_irq_handler, NULL, 0));
    /* A master abort with the cause masked (the reset state): no interrupt. */
    cr_assert_eq(cfg_read(0x80002800), 0xffffffff);
    cr_assert_eq(gt_irq_level, 0);
    /* Unmasking the pending cause raises the line; clearing the cause drops it. */
    gt_wr(GT_INTRMASK, GT_INTRCAUSE_MASABORT0);
    cr_assert_eq(gt_irq_level, 1);
    gt_wr(GT_INTRCAUSE, ~GT_INTRCAUSE_MASABORT0);
    cr_assert_eq(gt_irq_level, 0);
    cr_assert_eq(gt_rd(GT_INTRCAUSE), 0);
    cfg_read(0x80002800);
    cr_assert_eq(gt_irq_level, 1);
    qdev_reset_all();
    cr_assert_eq(gt_irq_level, 0);
}

Test(gt64120, vmstate_round_trip)
{
    GByteArray *blob = g_byte_array_new();
    size_t used;

    gt_wr(GT_PCI0IOLD, 0xc0);
    gt_wr(GT_PCI0IOHD, 0x40);
    gt_wr(GT_PCI0IOREMAP, 0);
    gt_wr(GT_ISD, 0xdf);
    gt_base = 0x1be00000;
    gt_wr(GT_PCI0_CFGADDR, 0x80000020);
    gt_wr(GT_PCI0_CFGDATA, 0x1be00000);
    vmstate_save(gt64120_pci_class.parent.vmsd, gt, blob);

    qdev_reset_all();
    cr_assert_null(address_space_lookup(&as, 0x180003f8));
    cr_assert_not_null(address_space_lookup(&as, 0x100003f8));

    cr_assert_eq(vmstate_load(gt64120_pci_class.parent.vmsd, gt, blob->data, blob->len,
                              &used, NULL), 0);
    cr_assert_eq(used, blob->len);
    cr_assert_eq(gt_rd(GT_ISD), 0xdf, "register window back at 0x1be00000");
    cr_assert_eq(rd(0x180003f8, 2), 0xa000, "I/O window rebuilt by post_load");
    cr_assert_eq(cfg_read(0x80000020), 0x1be00000);
    g_byte_array_free(blob, TRUE);
}

Test(gt64120, random_guest_writes_do_not_break_it)
{
    PCIBus *bus = gt64120_get_bus(gt);
    GRand *r = g_rand_new_with_seed(0x64120);

    pci_create_simple(bus, PCI_DEVFN(10, 0), &piix4_isa_class, NULL);
    /* Whatever a guest writes (windows anywhere, any size, config cycles to any
     * device and register), the controller keeps working and never crashes. */
    for (int i = 0; i < 50000; i++) {
        hwaddr off = g_rand_int_range(r, 0, GT64120_REGS_SIZE);
        unsigned size = 1u << g_rand_int_range(r, 0, 3);
        uint32_t val = g_rand_int(r);

        off &= ~(hwaddr)(size - 1);
        if (g_rand_boolean(r)) {
            gt64120_reg_write(gt, off, val, size);
        } else {
            gt64120_reg_read(gt, off, size);
        }
        if ((i & 1023) == 0) {
            /* Touch whatever is mapped now at a random place. */
            uint64_t v;

            address_space_read_val(&as, g_rand_int(r) & ~3u, &v, 4);
        }
    }
    g_rand_free(r);
    qdev_reset_all();
    gt_base = 0x14000000;
    cr_assert_eq(gt_rd(GT_ISD), 0xa0);
    cr_assert_eq(cfg_read(0x80000000), 0x462011ab);
    cr_assert_eq(rd(0x100003f8, 2), 0xa000);
}
