/*
 * Unit tests for hw/pci/pci.c: configuration header defaults and write masks, BAR
 * sizing (all-ones probe) and mapping into the bus's memory and I/O spaces as the
 * command register enables decoding, INTx routing with shared lines, and the
 * vmstate round trip of a function.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/pci/pci.h"
#include "exec/memory.h"
#include "migration/vmstate.h"

/* A small test function: BAR0 = 4 KiB of memory-mapped registers, BAR1 = 32 ports. */
typedef struct TestPCIState {
    PCIDevice pci;
    MemoryRegion mmio, pio, rom;
    uint32_t scratch;
} TestPCIState;

static uint64_t tdev_read(void *opaque, hwaddr off, unsigned size)
{
    TestPCIState *t = opaque;

    return off == 0 ? t->scratch : 0x1000 + off;
}

static void tdev_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    TestPCIState *t = opaque;

    if (off == 0) {
        t->scratch = val;
    }
}

static const MemoryRegionOps tdev_ops = {
    .read = tdev_read,
    .write = tdev_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void tdev_reset(DeviceState *dev)
{
    pci_device_reset(&((TestPCIState *)dev)->pci);
}

static bool tdev_realize(DeviceState *dev, GError **errp)
{
    TestPCIState *t = (TestPCIState *)dev;

    pci_device_init_config(&t->pci);
    memory_region_init_io(&t->mmio, &tdev_ops, t, "tdev-mmio", 0x1000);
    memory_region_init_io(&t->pio, &tdev_ops, t, "tdev-pio", 32);
    pci_register_bar(&t->pci, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, 0x1000, &t->mmio);
    pci_register_bar(&t->pci, 1, PCI_BASE_ADDRESS_SPACE_IO, 32, &t->pio);
    return true;
}

/* A second class with a 64 KiB expansion ROM. */
static bool tdev_rom_realize(DeviceState *dev, GError **errp)
{
    TestPCIState *t = (TestPCIState *)dev;

    tdev_realize(dev, errp);
    memory_region_init_io(&t->rom, &tdev_ops, t, "tdev-rom", 0x10000);
    pci_register_bar(&t->pci, PCI_ROM_SLOT, 0, 0x10000, &t->rom);
    return true;
}

static const PCIDeviceClass tdev_class = {
    .parent = {
        .name = "test-pci-dev",
        .instance_size = sizeof(TestPCIState),
        .realize = tdev_realize,
        .reset = tdev_reset,
    },
    .vendor_id = 0x1234,
    .device_id = 0x5678,
    .revision = 7,
    .class_id = 0x0200,
    .interrupt_pin = 1,
};

static const PCIDeviceClass tdev_rom_class = {
    .parent = {
        .name = "test-pci-rom",
        .instance_size = sizeof(TestPCIState),
        .realize = tdev_rom_realize,
        .reset = tdev_reset,
    },
    .vendor_id = 0x1234,
    .device_id = 0x5679,
    .class_id = 0x0300,
};

static MemoryRegion pci_mem, pci_io;
static AddressSpace as_mem, as_io;
static PCIBus *bus;
static int irq_levels[4];
static int irq_calls;

static void test_set_irq(void *opaque, int n, int level)
{
    irq_levels[n] = level;
    irq_calls++;
}

/* Two devices on the same line: pin A of slot s goes to line s & 1. */
static int test_map_irq(PCIDevice *d, int pin)
{
    return (PCI_SLOT(d->devfn) + pin) & 1;
}

static void setup(void)
{
    memory_region_init(&pci_mem, "test-pci-mem", 1ULL << 32);
    memory_region_init(&pci_io, "test-pci-io", 0x10000);
    address_space_init(&as_mem, &pci_mem, "test-pci-mem");
    address_space_init(&as_io, &pci_io, "test-pci-io");
    bus = pci_bus_new("test.0", &pci_mem, &pci_io);
    pci_bus_irqs(bus, test_set_irq, test_map_irq, NULL, 4);
    memset(irq_levels, 0, sizeof(irq_levels));
    irq_calls = 0;
}

TestSuite(pci, .init = setup);

static uint32_t cfg_read(int devfn, uint32_t addr, int len)
{
    return pci_bus_config_read(bus, devfn, addr, len);
}

static void cfg_write(int devfn, uint32_t addr, uint32_t val, int len)
{
    pci_bus_config_write(bus, devfn, addr, val, len);
}

Test(pci, header_and_absent_devices)
{
    int devfn = PCI_DEVFN(3, 0);

    pci_create_simple(bus, devfn, &tdev_class, NULL);
    cr_assert_eq(cfg_read(devfn, PCI_VENDOR_ID, 4), 0x56781234);
    cr_assert_eq(cfg_read(devfn, PCI_REVISION_ID, 1), 7);
    cr_assert_eq(cfg_read(devfn, PCI_CLASS_DEVICE, 2), 0x0200);
    cr_assert_eq(cfg_read(devfn, PCI_INTERRUPT_PIN, 1), 1);
    cr_assert_eq(cfg_read(devfn, PCI_HEADER_TYPE, 1), 0);
    /* Nothing at other slots: all ones, at every width. */
    cr_assert_eq(cfg_read(PCI_DEVFN(4, 0), 0, 4), 0xffffffff);
    cr_assert_eq(cfg_read(PCI_DEVFN(4, 0), 2, 2), 0xffff);
    cr_assert_eq(cfg_read(PCI_DEVFN(3, 1), 0, 1), 0xff);
    /* Read-only fields ignore writes; the interrupt line is writable. */
    cfg_write(devfn, PCI_VENDOR_ID, 0xdeadbeef, 4);
    cr_assert_eq(cfg_read(devfn, PCI_VENDOR_ID, 4), 0x56781234);
    cfg_write(devfn, PCI_INTERRUPT_LINE, 0x0b, 1);
    cr_assert_eq(cfg_read(devfn, PCI_INTERRUPT_LINE, 1), 0x0b);
    cfg_write(devfn, PCI_INTERRUPT_PIN, 3, 1);
    cr_assert_eq(cfg_read(devfn, PCI_INTERRUPT_PIN, 1), 1);
    /* The same slot cannot be taken twice. */
    GError *err = NULL;
    cr_assert_null(pci_new(bus, devfn, &tdev_class, NULL, &err));
    cr_assert_not_null(err);
    g_error_free(err);
    /* Unaligned or oversized accesses are rejected, not performed. */
    cr_assert_eq(cfg_read(devfn, 1, 2), 0xffff);
    cr_assert_eq(cfg_read(devfn, 254, 4), 0xffffffff);
}

Test(pci, bar_sizing_and_mapping)
{
    int devfn = PCI_DEVFN(2, 0);
    TestPCIState *t = (TestPCIState *)pci_create_simple(bus, devfn, &tdev_class, NULL);
    uint64_t v;

    /* The all-ones probe reveals size and type. */
    cr_assert_eq(cfg_read(devfn, PCI_BASE_ADDRESS_0, 4), 0);
    cfg_write(devfn, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
    cr_assert_eq(cfg_read(devfn, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
    cfg_write(devfn, PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
    cr_assert_eq(cfg_read(devfn, PCI_BASE_ADDRESS_0 + 4, 4), 0xffffffe1);
    /* Unimplemented BARs and the ROM BAR read 0 even after the probe. */
    cfg_write(devfn, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
    cr_assert_eq(cfg_read(devfn, PCI_BASE_ADDRESS_0 + 8, 4), 0);
    cfg_write(devfn, PCI_ROM_ADDRESS, 0xffffffff, 4);
    cr_assert_eq(cfg_read(devfn, PCI_ROM_ADDRESS, 4), 0);
    /* Probe values decode nothing even with decoding on. */
    cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 2);
    cr_assert_eq(pci_get_bar_addr(&t->pci, 0), PCI_BAR_UNMAPPED);
    cr_assert_eq(pci_get_bar_addr(&t->pci, 1), PCI_BAR_UNMAPPED);

    /* Assign addresses (low bits are forced to the BAR's alignment). */
    cfg_write(devfn, PCI_BASE_ADDRESS_0, 0x10000abc, 4);
    cfg_write(devfn, PCI_BASE_ADDRESS_0 + 4, 0x1000, 4);
    cr_assert_eq(cfg_read(devfn, PCI_BASE_ADDRESS_0, 4), 0x10000000);
    cr_assert_eq(pci_get_bar_addr(&t->pci, 0), 0x10000000);
    cr_assert_eq(pci_get_bar_addr(&t->pci, 1), 0x1000);
    cr_assert_eq(address_space_read_val(&as_mem, 0x10000010, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0x1010);
    cr_assert_eq(address_space_write_val(&as_io, 0x1000, 0x55aa, 4), MEMTX_OK);
    cr_assert_eq(t->scratch, 0x55aa);

    /* Turning memory decoding off unmaps only the memory BAR. */
    cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_IO, 2);
    cr_assert_eq(pci_get_bar_addr(&t->pci, 0), PCI_BAR_UNMAPPED);
    cr_assert_null(address_space_lookup(&as_mem, 0x10000010));
    cr_assert_eq(pci_get_bar_addr(&t->pci, 1), 0x1000);

    /* Moving a BAR moves the mapping. */
    cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    cfg_write(devfn, PCI_BASE_ADDRESS_0, 0x20000000, 4);
    cr_assert_null(address_space_lookup(&as_mem, 0x10000010));
    cr_assert_eq(address_space_read_val(&as_mem, 0x20000004, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0x1004);

    /* Reset: decoding off, BARs back to their type bits, nothing mapped. */
    qdev_reset_all();
    cr_assert_eq(cfg_read(devfn, PCI_COMMAND, 2), 0);
    cr_assert_eq(cfg_read(devfn, PCI_BASE_ADDRESS_0 + 4, 4), PCI_BASE_ADDRESS_SPACE_IO);
    cr_assert_null(address_space_lookup(&as_mem, 0x20000004));
    cr_assert_eq(pci_get_bar_addr(&t->pci, 1), PCI_BAR_UNMAPPED);
}

Test(pci, expansion_rom_bar)
{
    int devfn = PCI_DEVFN(7, 0);
    TestPCIState *t = (TestPCIState *)pci_create_simple(bus, devfn, &tdev_rom_class, NULL);
    uint64_t v;

    /* Linux sizes the ROM with the enable bit clear. */
    cfg_write(devfn, PCI_ROM_ADDRESS, ~PCI_ROM_ADDRESS_ENABLE, 4);
    cr_assert_eq(cfg_read(devfn, PCI_ROM_ADDRESS, 4), 0xffff0000);
    cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    cfg_write(devfn, PCI_ROM_ADDRESS, 0x40000000, 4);
    cr_assert_eq(pci_get_bar_addr(&t->pci, PCI_ROM_SLOT), PCI_BAR_UNMAPPED,
                 "decodes only when enabled");
    cfg_write(devfn, PCI_ROM_ADDRESS, 0x40000001, 4);
    cr_assert_eq(pci_get_bar_addr(&t->pci, PCI_ROM_SLOT), 0x40000000);
    cr_assert_eq(address_space_read_val(&as_mem, 0x40000100, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0x1100);
    cfg_write(devfn, PCI_ROM_ADDRESS, 0x40000000, 4);
    cr_assert_null(address_space_lookup(&as_mem, 0x40000100));
    qdev_reset_all();
    cr_assert_eq(cfg_read(devfn, PCI_ROM_ADDRESS, 4), 0);
}

Test(pci, status_write_one_to_clear)
{
    int devfn = PCI_DEVFN(5, 0);
    PCIDevice *d = pci_create_simple(bus, devfn, &tdev_class, NULL);

    /* A device records a received master abort; software clears it with a 1. */
    d->config[PCI_STATUS + 1] |= 0x20;
    cfg_write(devfn, PCI_STATUS, 0x0000, 2);
    cr_assert_eq(cfg_read(devfn, PCI_STATUS + 1, 1) & 0x20, 0x20);
    cfg_write(devfn, PCI_STATUS, 0x2000, 2);
    cr_assert_eq(cfg_read(devfn, PCI_STATUS + 1, 1) & 0x20, 0);
    /* DEVSEL timing is read-only. */
    cr_assert_eq(cfg_read(devfn, PCI_STATUS, 2) & 0x0600, PCI_STATUS_DEVSEL_MEDIUM);
}

Test(pci, shared_interrupt_lines)
{
    PCIDevice *a = pci_create_simple(bus, PCI_DEVFN(2, 0), &tdev_class, NULL);
    PCIDevice *b = pci_create_simple(bus, PCI_DEVFN(4, 0), &tdev_class, NULL);
    PCIDevice *c = pci_create_simple(bus, PCI_DEVFN(3, 0), &tdev_class, NULL);

    /* Slots 2 and 4 share line 0; slot 3 is on line 1. */
    pci_set_irq(a, 1);
    cr_assert_eq(irq_levels[0], 1);
    cr_assert_eq(pci_bus_config_read(bus, a->devfn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
                 PCI_STATUS_INTERRUPT);
    pci_set_irq(b, 1);
    pci_set_irq(a, 0);
    cr_assert_eq(irq_levels[0], 1, "line stays up while b asserts it");
    pci_set_irq(b, 0);
    cr_assert_eq(irq_levels[0], 0);
    cr_assert_eq(irq_levels[1], 0);
    pci_set_irq(c, 1);
    cr_assert_eq(irq_levels[1], 1);

    /* INTx Disable masks the pin but the status bit still shows it. */
    pci_bus_config_write(bus, c->devfn, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    cr_assert_eq(irq_levels[1], 0);
    cr_assert_eq(pci_bus_config_read(bus, c->devfn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
                 PCI_STATUS_INTERRUPT);
    pci_bus_config_write(bus, c->devfn, PCI_COMMAND, 0, 2);
    cr_assert_eq(irq_levels[1], 1);
    /* Repeating a level does not call the router again. */
    int calls = irq_calls;
    pci_set_irq(c, 1);
    cr_assert_eq(irq_calls, calls);
}

Test(pci, vmstate_round_trip)
{
    int devfn = PCI_DEVFN(6, 0);
    TestPCIState *t = (TestPCIState *)pci_create_simple(bus, devfn, &tdev_class, NULL);
    GByteArray *blob = g_byte_array_new();
    size_t used;
    uint64_t v;

    cfg_write(devfn, PCI_BASE_ADDRESS_0, 0x30000000, 4);
    cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    cfg_write(devfn, PCI_INTERRUPT_LINE, 11, 1);
    pci_set_irq(&t->pci, 1);
    vmstate_save(&vmstate_pci_device, &t->pci, blob);

    qdev_reset_all();
    cr_assert_eq(irq_levels[0], 0);
    cr_assert_null(address_space_lookup(&as_mem, 0x30000000));

    cr_assert_eq(vmstate_load(&vmstate_pci_device, &t->pci, blob->data, blob->len, &used,
                              NULL), 0);
    cr_assert_eq(used, blob->len);
    cr_assert_eq(cfg_read(devfn, PCI_INTERRUPT_LINE, 1), 11);
    cr_assert_eq(pci_get_bar_addr(&t->pci, 0), 0x30000000, "post_load remaps BARs");
    cr_assert_eq(address_space_read_val(&as_mem, 0x30000008, &v, 4), MEMTX_OK);
    cr_assert_eq(v, 0x1008);
    cr_assert_eq(irq_levels[0], 1, "post_load re-asserts the pin");
    g_byte_array_free(blob, TRUE);
}

Test(pci, info_pci_lists_devices)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int devfn = PCI_DEVFN(2, 0);

    pci_create_simple(bus, devfn, &tdev_class, "nic0");
    cfg_write(devfn, PCI_BASE_ADDRESS_0 + 4, 0xc000, 4);
    cfg_write(devfn, PCI_COMMAND, PCI_COMMAND_IO, 2);
    pci_info(f, bus);
    fclose(f);
    cr_assert(strstr(buf, "device   2, function 0"), "%s", buf);
    cr_assert(strstr(buf, "Ethernet controller: PCI device 1234:5678"), "%s", buf);
    cr_assert(strstr(buf, "BAR1: I/O at 0xc000 [0xc01f]"), "%s", buf);
    cr_assert(strstr(buf, "BAR0: 32 bit memory at 0xffffffffffffffff [0x00000ffe]."), "%s",
              buf);
    cr_assert(strstr(buf, "PCI subsystem 0000:0000"), "%s", buf);
    cr_assert(strstr(buf, "IRQ 0, pin A"), "%s", buf);
    cr_assert(strstr(buf, "id \"nic0\""), "%s", buf);
    free(buf);
}
