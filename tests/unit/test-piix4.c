/*
 * Unit tests for hw/isa/piix4.c, piix4-pm.c, piix4-dma.c and piix4-usb.c: PIRQ
 * steering onto the ISA IRQs (wire-ORed with ISA devices), the reset control
 * register, the PM block's placement and soft-off (which must reach the run-state
 * machinery as a guest shutdown), the PM timer, SMBus, the 8237 registers,
 * floating ISA reads, the UHCI register block of function 2, and vmstate.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/pci/piix4.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"
#include "qemu/timer.h"
#include "../../softmmu/internal.h"

static MemoryRegion pci_mem, io;
static AddressSpace as_io;
static PCIBus *bus;
static PIIX4State *piix4;
static PIIX4PMState *pm;
static IRQLine **pic;
static int pic_level[16];
static int pic_changes;

static void pic_handler(void *opaque, int n, int level)
{
    pic_level[n] = level;
    pic_changes++;
}

/* Malta wiring: slot 18+ rotate, USB on PIRQD. */
static int map_irq(PCIDevice *d, int pin)
{
    return (pin + PCI_SLOT(d->devfn)) & 3;
}

static void setup(void)
{
    GError *err = NULL;

    memory_region_init(&pci_mem, "pci-mem", 1ULL << 32);
    memory_region_init(&io, "isa-io", 0x10000);
    address_space_init(&as_io, &io, "isa-io");
    bus = pci_bus_new("pci.0", &pci_mem, &io);
    pic = irq_new_array(pic_handler, NULL, 16);
    piix4 = piix4_init(bus, 10, &io, pic, &pm, &err);
    cr_assert_not_null(piix4, "%s", err ? err->message : "");
    pci_bus_irqs(bus, piix4_set_pirq, map_irq, piix4, 4);
    memset(pic_level, 0, sizeof(pic_level));
    pic_changes = 0;
}

TestSuite(piix4, .init = setup);

static uint32_t cfg_rd(int fn, uint32_t reg, int len)
{
    return pci_bus_config_read(bus, PCI_DEVFN(10, fn), reg, len);
}

static void cfg_wr(int fn, uint32_t reg, uint32_t v, int len)
{
    pci_bus_config_write(bus, PCI_DEVFN(10, fn), reg, v, len);
}

static uint32_t inp(hwaddr port, unsigned size)
{
    uint64_t v = 0;

    cr_assert_eq(address_space_read_val(&as_io, port, &v, size), MEMTX_OK);
    return v;
}

static void outp(hwaddr port, uint32_t v, unsigned size)
{
    cr_assert_eq(address_space_write_val(&as_io, port, v, size), MEMTX_OK);
}

Test(piix4, functions_and_reset_values)
{
    cr_assert_eq(cfg_rd(0, 0, 4), 0x71108086);
    cr_assert_eq(cfg_rd(1, 0, 4), 0x71118086);
    cr_assert_eq(cfg_rd(2, 0, 4), 0x71128086);
    cr_assert_eq(cfg_rd(3, 0, 4), 0x71138086);
    cr_assert_eq(cfg_rd(0, PCI_HEADER_TYPE, 1), 0x80, "function 0 is multi-function");
    cr_assert_eq(cfg_rd(0, PCI_CLASS_DEVICE, 2), 0x0601);
    cr_assert_eq(cfg_rd(1, PCI_CLASS_PROG, 1), 0x80);
    cr_assert_eq(cfg_rd(2, PCI_INTERRUPT_PIN, 1), 4);
    cr_assert_eq(cfg_rd(0, PIIX4_PIRQRC, 4), 0x80808080);
    cr_assert_eq(cfg_rd(0, PIIX4_TOM, 1), 0x02);
    cr_assert_eq(cfg_rd(0, PIIX4_RTCCFG, 1), 0x21);
    cr_assert_eq(cfg_rd(0, PIIX4_IORT, 1), 0x4d);
    cr_assert_eq(cfg_rd(0, PCI_COMMAND, 2), 7);
    cr_assert_eq(cfg_rd(3, PIIX4_PM_PMBA, 4), 1);
    cr_assert_eq(cfg_rd(3, PIIX4_PM_SMBBA, 4), 1);
    /* BAR4 of IDE sizes as 16 ports. */
    cfg_wr(1, 0x20, 0xffffffff, 4);
    cr_assert_eq(cfg_rd(1, 0x20, 4), 0xfffffff1);
}

Test(piix4, pirq_routing)
{
    IRQLine *isa10 = piix4_isa_irq(piix4, 10);

    /* Disabled routing: PIRQA does not reach any IRQ. */
    piix4_set_pirq(piix4, 0, 1);
    for (int i = 0; i < 16; i++) {
        cr_assert_eq(pic_level[i], 0);
    }
    /* YAMON's set-up: A, B -> 10, C, D -> 11. */
    cfg_wr(0, PIIX4_PIRQRC, 0x0b0b0a0a, 4);
    cr_assert_eq(pic_level[10], 1, "pending PIRQA appears once routed");
    piix4_set_pirq(piix4, 1, 1);
    piix4_set_pirq(piix4, 0, 0);
    cr_assert_eq(pic_level[10], 1, "PIRQB still holds IRQ10");
    piix4_set_pirq(piix4, 1, 0);
    cr_assert_eq(pic_level[10], 0);
    piix4_set_pirq(piix4, 3, 1);
    cr_assert_eq(pic_level[11], 1);
    piix4_set_pirq(piix4, 3, 0);
    cr_assert_eq(pic_level[11], 0);

    /* An ISA device on IRQ 10 shares the wire with the PCI lines. */
    irq_set(isa10, 1);
    piix4_set_pirq(piix4, 0, 1);
    irq_set(isa10, 0);
    cr_assert_eq(pic_level[10], 1);
    piix4_set_pirq(piix4, 0, 0);
    cr_assert_eq(pic_level[10], 0);

    /* Reserved targets (0, 1, 2, 8, 13) are never driven; disable bit wins. */
    cfg_wr(0, PIIX4_PIRQRC, 0x02, 1);
    piix4_set_pirq(piix4, 0, 1);
    cr_assert_eq(pic_level[2], 0);
    cfg_wr(0, PIIX4_PIRQRC, 0x85, 1);
    cr_assert_eq(pic_level[5], 0);
    cfg_wr(0, PIIX4_PIRQRC, 0x05, 1);
    cr_assert_eq(pic_level[5], 1);
    /* Reset: routing disabled again, the IRQ drops. */
    qdev_reset_all();
    cr_assert_eq(pic_level[5], 0);
    cr_assert_eq(cfg_rd(0, PIIX4_PIRQRC, 1), 0x80);
}

Test(piix4, pci_device_interrupts_through_bus)
{
    PCIDevice *usb = bus->devices[PCI_DEVFN(10, 2)];

    cfg_wr(0, PIIX4_PIRQRC, 0x0b0b0a0a, 4);
    /* USB uses INTD#; with map_irq (pin 3 + slot 10) & 3 = PIRQB -> IRQ 10. */
    pci_set_irq(usb, 1);
    cr_assert_eq(pic_level[10], 1);
    pci_set_irq(usb, 0);
    cr_assert_eq(pic_level[10], 0);
}

Test(piix4, isa_lines_pass_through)
{
    irq_set(piix4_isa_irq(piix4, 4), 1);
    cr_assert_eq(pic_level[4], 1);
    int changes = pic_changes;
    irq_set(piix4_isa_irq(piix4, 4), 1);
    cr_assert_eq(pic_changes, changes, "no change, no call");
    irq_set(piix4_isa_irq(piix4, 4), 0);
    cr_assert_eq(pic_level[4], 0);
}

Test(piix4, pm_soft_off_requests_shutdown)
{
    int status = -1;

    /* Not decoded until PMBA and PMIOSE are set. */
    cr_assert_eq(inp(0x1004, 2), 0xffff, "unclaimed ports float high");
    cfg_wr(3, PIIX4_PM_PMBA, 0x1001, 4);
    cr_assert_eq(inp(0x1004, 2), 0xffff);
    cfg_wr(3, PIIX4_PM_PMREGMISC, PIIX4_PM_PMIOSE, 1);
    cr_assert_eq(cfg_rd(3, PIIX4_PM_PMBA, 4), 0x1001);
    cr_assert_eq(inp(0x1004, 2), 0);

    /* Suspend-to-RAM is not a power-off. */
    outp(0x1004, PIIX4_PMCNTRL_SUS_EN | (PIIX4_SUS_TYP_STR << 10), 2);
    cr_assert_not(runstate_check_requests(&status));
    /* SUS_TYP without SUS_EN does nothing either. */
    outp(0x1004, 0, 2);
    cr_assert_not(runstate_check_requests(&status));

    /* What Linux's piix4-poweroff does. */
    outp(0x1000, PIIX4_PMSTS_PWRBTN_STS, 2);
    outp(0x1004, PIIX4_PMCNTRL_SUS_EN | (PIIX4_SUS_TYP_SOFF << 10), 2);
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 0);
    cr_assert_eq(runstate_get(), RUN_STATE_SHUTDOWN);
    cr_assert_eq(inp(0x1004, 2) & PIIX4_PMCNTRL_SUS_EN, 0, "SUS_EN is write-only");

    /* Moving PMBA moves the block. */
    cfg_wr(3, PIIX4_PM_PMBA, 0x2041, 4);
    cr_assert_eq(cfg_rd(3, PIIX4_PM_PMBA, 4), 0x2041);
    cr_assert_eq(inp(0x1004, 2), 0xffff);
    cr_assert_eq(inp(0x2044, 2), 0);
}

Test(piix4, pm_timer_and_status)
{
    cfg_wr(3, PIIX4_PM_PMBA, 0x1001, 4);
    cfg_wr(3, PIIX4_PM_PMREGMISC, PIIX4_PM_PMIOSE, 1);
    clock_virtual_resume();
    uint32_t t0 = inp(0x1008, 4);
    g_usleep(20000);
    uint32_t t1 = inp(0x1008, 4);
    /* 20 ms at 3.58 MHz is about 71600 ticks (24-bit counter). */
    cr_assert(((t1 - t0) & 0xffffff) >= 60000, "PMTMR advanced only %u", t1 - t0);
    cr_assert_eq(t1 & 0xff000000, 0);

    /* Power button: status set, SCI (IRQ 9) only when enabled. */
    qemu_system_powerdown_request();
    int status;
    runstate_check_requests(&status);
    cr_assert(inp(0x1000, 2) & PIIX4_PMSTS_PWRBTN_STS);
    cr_assert_eq(pic_level[9], 0);
    outp(0x1002, 0x0100, 2);                   /* PWRBTN_EN */
    outp(0x1004, PIIX4_PMCNTRL_SCI_EN, 2);
    cr_assert_eq(pic_level[9], 1);
    outp(0x1000, PIIX4_PMSTS_PWRBTN_STS, 2);   /* write 1 to clear */
    cr_assert_eq(inp(0x1000, 2) & PIIX4_PMSTS_PWRBTN_STS, 0);
    cr_assert_eq(pic_level[9], 0);
}

Test(piix4, smbus_without_devices)
{
    cfg_wr(3, PIIX4_PM_SMBBA, 0x1101, 4);
    cfg_wr(3, 0xd0, 1u << 16, 4);              /* SMBHSTCFG.SMB_HST_EN */
    cr_assert_eq(inp(0x1100, 1), 0xff, "needs the I/O space enable too");
    cfg_wr(3, PCI_COMMAND, PCI_COMMAND_IO, 2);
    cr_assert_eq(inp(0x1100, 1), 0);
    outp(0x1104, 0xa1, 1);                     /* address 0x50, read */
    outp(0x1102, 0x48, 1);                     /* START, byte data */
    cr_assert_eq(inp(0x1100, 1) & 0x04, 0x04, "no device: DEV_ERR");
    outp(0x1100, 0x04, 1);
    cr_assert_eq(inp(0x1100, 1), 0);
}

Test(piix4, reset_control_register)
{
    int status = -1;

    outp(PIIX4_RC_PORT, PIIX4_RC_SRST, 1);
    cr_assert_not(runstate_check_requests(&status));
    cr_assert_eq(inp(PIIX4_RC_PORT, 1), PIIX4_RC_SRST);
    /* -no-reboot turns the reset into a clean exit. */
    runstate_set_no_reboot(true);
    outp(PIIX4_RC_PORT, PIIX4_RC_SRST | PIIX4_RC_RCPU, 1);
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 0);
}

Test(piix4, dma_registers)
{
    /* Linux: enable_dma(4) clears channel 4's mask bit on the second controller. */
    cr_assert_eq(inp(0xde, 1), 0xff, "all channels masked after reset");
    outp(0xd4, 0x00, 1);
    cr_assert_eq(inp(0xde, 1) & 0x0f, 0x0e);
    /* Address register through the flip-flop, current and base loaded together. */
    outp(0x0c, 0, 1);
    outp(0x04, 0x34, 1);
    outp(0x04, 0x12, 1);
    outp(0x0c, 0, 1);
    cr_assert_eq(inp(0x04, 1), 0x34);
    cr_assert_eq(inp(0x04, 1), 0x12);
    outp(0x0b, 0x46, 1);                       /* mode, channel 2 */
    outp(0x81, 0x7f, 1);                       /* page register channel 2 */
    cr_assert_eq(inp(0x81, 1), 0x7f);
    /* Master clear masks everything again. */
    outp(0x0d, 0, 1);
    cr_assert_eq(inp(0x0f, 1) & 0x0f, 0x0f);
}

Test(piix4, vmstate_round_trip)
{
    GByteArray *blob = g_byte_array_new();
    const VMStateDescription *vsd = piix4_isa_class.parent.vmsd;
    const VMStateDescription *vpm = piix4_pm_class.parent.vmsd;
    GByteArray *blob_pm = g_byte_array_new();
    size_t used;

    cfg_wr(0, PIIX4_PIRQRC, 0x0b0b0a0a, 4);
    piix4_set_pirq(piix4, 2, 1);
    outp(0x81, 0x33, 1);
    cfg_wr(3, PIIX4_PM_PMBA, 0x1001, 4);
    cfg_wr(3, PIIX4_PM_PMREGMISC, PIIX4_PM_PMIOSE, 1);
    outp(0x1002, 0x0100, 2);
    vmstate_save(vsd, piix4, blob);
    vmstate_save(vpm, pm, blob_pm);

    qdev_reset_all();
    cr_assert_eq(pic_level[11], 0);
    cr_assert_eq(inp(0x1002, 2), 0xffff);

    cr_assert_eq(vmstate_load(vsd, piix4, blob->data, blob->len, &used, NULL), 0);
    cr_assert_eq(vmstate_load(vpm, pm, blob_pm->data, blob_pm->len, &used, NULL), 0);
    cr_assert_eq(pic_level[11], 1, "PIRQC -> IRQ 11 re-driven by post_load");
    cr_assert_eq(inp(0x81, 1), 0x33);
    cr_assert_eq(inp(0x1002, 2), 0x0100, "PM block re-placed by post_load");
    g_byte_array_free(blob, TRUE);
    g_byte_array_free(blob_pm, TRUE);
}

Test(piix4, random_guest_accesses_do_not_break_it)
{
    GRand *r = g_rand_new_with_seed(0x7110);
    int status;

    /* Random configuration writes to all four functions and random port I/O
     * (PM and SMBus blocks wherever the guest put them, DMA, reset control). */
    for (int i = 0; i < 50000; i++) {
        int fn = g_rand_int_range(r, 0, 4);
        unsigned len = 1u << g_rand_int_range(r, 0, 3);
        uint32_t reg = g_rand_int_range(r, 0, 256) & ~(len - 1);
        hwaddr port = g_rand_int_range(r, 0, 0x10000) & ~(hwaddr)(len - 1);
        uint64_t v;

        if (reg == PCI_COMMAND && fn == 3) {
            continue;       /* keep I/O decoding of function 3 as it is */
        }
        cfg_wr(fn, reg, g_rand_int(r), len);
        if (port == PIIX4_RC_PORT || (port >= 0x1000 && port < 0x1100)) {
            continue;       /* no resets or power-offs in the middle of this */
        }
        if (g_rand_boolean(r)) {
            address_space_write_val(&as_io, port, g_rand_int(r), len);
        } else {
            address_space_read_val(&as_io, port, &v, len);
        }
        pci_bus_config_read(bus, g_rand_int_range(r, 0, 256), reg, len);
    }
    g_rand_free(r);
    runstate_check_requests(&status);
    qdev_reset_all();
    cr_assert_eq(cfg_rd(0, PIIX4_PIRQRC, 4), 0x80808080);
    for (int n = 0; n < 16; n++) {
        cr_assert_eq(pic_level[n], 0, "IRQ %d stuck after reset", n);
    }
}

/* ---- function 2: the UHCI register block (piix4-usb.c) ---- */

#define USBBA 0x1040

static void usb_map(void)
{
    cfg_wr(2, (PCI_BASE_ADDRESS_0 + 16), USBBA | 1, 4);
    cfg_wr(2, PCI_COMMAND, PCI_COMMAND_IO, 2);
}

Test(piix4, uhci_reset_values_and_hcreset)
{
    usb_map();
    cr_assert_eq(cfg_rd(2, (PCI_BASE_ADDRESS_0 + 16), 4), USBBA | 1, "32-byte I/O BAR");
    cr_assert_eq(inp(USBBA + 0x00, 2), 0, "USBCMD");
    cr_assert_eq(inp(USBBA + 0x02, 2), 0x0020, "USBSTS: halted");
    cr_assert_eq(inp(USBBA + 0x0c, 1), 0x40, "SOFMOD");
    cr_assert_eq(inp(USBBA + 0x10, 2), 0x0080, "PORTSC1: bit 7 reads 1, nothing connected");
    cr_assert_eq(inp(USBBA + 0x12, 2), 0x0080, "PORTSC2");

    outp(USBBA + 0x04, 0x000f, 2);
    outp(USBBA + 0x08, 0x12345678, 4);
    outp(USBBA + 0x0c, 0x3f, 1);
    outp(USBBA + 0x10, 0x1240, 2);              /* suspend, resume detect */
    cr_assert_eq(inp(USBBA + 0x04, 2), 0x000f);
    cr_assert_eq(inp(USBBA + 0x08, 4), 0x12345000, "frame list base is 4K aligned");
    cr_assert_eq(inp(USBBA + 0x0c, 1), 0x3f);
    cr_assert_eq(inp(USBBA + 0x10, 2), 0x12c0);
    outp(USBBA + 0x10, 0x0004, 2);
    cr_assert_eq(inp(USBBA + 0x10, 2) & 0x0004, 0, "no device: the port cannot be enabled");

    /* What Linux's PCI quirk does at boot: HCRESET, then it must read back clear. */
    outp(USBBA + 0x00, 0x0002, 2);
    cr_assert_eq(inp(USBBA + 0x00, 2), 0, "HCRESET completes at once");
    cr_assert_eq(inp(USBBA + 0x04, 2), 0);
    cr_assert_eq(inp(USBBA + 0x08, 4), 0);
    cr_assert_eq(inp(USBBA + 0x0c, 1), 0x40);
    cr_assert_eq(inp(USBBA + 0x10, 2), 0x0080);
    cr_assert_eq(inp(USBBA + 0x02, 2), 0x0020);

    /* Global reset resets the registers too, but stays set until cleared. */
    outp(USBBA + 0x04, 0x0003, 2);
    outp(USBBA + 0x00, 0x0004, 2);
    cr_assert_eq(inp(USBBA + 0x00, 2), 0x0004);
    cr_assert_eq(inp(USBBA + 0x04, 2), 0);
    outp(USBBA + 0x00, 0x0000, 2);
    cr_assert_eq(inp(USBBA + 0x00, 2), 0);
}

Test(piix4, uhci_run_stop_and_frame_counter)
{
    usb_map();
    clock_virtual_pause();
    outp(USBBA + 0x06, 0x07fe, 2);              /* FRNUM, written while halted */
    outp(USBBA + 0x00, 0x0001, 2);              /* Run */
    cr_assert_eq(inp(USBBA + 0x02, 2) & 0x0020, 0, "HCHalted clears when running");
    cr_assert_eq(inp(USBBA + 0x06, 2), 0x07fe);
    clock_virtual_set(clock_get_ns(CLOCK_VIRTUAL) + 3500000);
    cr_assert_eq(inp(USBBA + 0x06, 2), 0x0001, "one frame per ms, 11 bits wrap");
    outp(USBBA + 0x06, 0x0100, 2);
    cr_assert_eq(inp(USBBA + 0x06, 2), 0x0001, "FRNUM is read-only while running");
    outp(USBBA + 0x00, 0x0000, 2);              /* Stop */
    cr_assert_eq(inp(USBBA + 0x02, 2), 0x0020);
    clock_virtual_set(clock_get_ns(CLOCK_VIRTUAL) + 5000000);
    cr_assert_eq(inp(USBBA + 0x06, 2), 0x0001, "the counter holds while halted");
    /* HCHalted is not cleared by writing 1; the other status bits would be. */
    outp(USBBA + 0x02, 0x003f, 2);
    cr_assert_eq(inp(USBBA + 0x02, 2), 0x0020);
    /* Byte accesses reach the same registers. */
    outp(USBBA + 0x01, 0x00, 1);
    cr_assert_eq(inp(USBBA + 0x00, 1), 0);
    cr_assert_eq(inp(USBBA + 0x02, 1), 0x20);
    clock_virtual_resume();
}

Test(piix4, uhci_vmstate)
{
    const VMStateDescription *vsd = piix4_usb_class.parent.vmsd;
    PCIDevice *usb = bus->devices[PCI_DEVFN(10, 2)];
    GByteArray *blob = g_byte_array_new();
    size_t used;

    cr_assert_not_null(usb);
    usb_map();
    outp(USBBA + 0x04, 0x0005, 2);
    outp(USBBA + 0x08, 0x00abc000, 4);
    outp(USBBA + 0x06, 0x0123, 2);
    vmstate_save(vsd, usb, blob);
    qdev_reset_all();
    usb_map();
    cr_assert_eq(inp(USBBA + 0x04, 2), 0);
    cr_assert_eq(vmstate_load(vsd, usb, blob->data, blob->len, &used, NULL), 0);
    cr_assert_eq(used, blob->len);
    cr_assert_eq(inp(USBBA + 0x04, 2), 0x0005);
    cr_assert_eq(inp(USBBA + 0x08, 4), 0x00abc000);
    cr_assert_eq(inp(USBBA + 0x06, 2), 0x0123);
    g_byte_array_free(blob, TRUE);
}
