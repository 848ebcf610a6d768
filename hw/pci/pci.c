/*
 * PCI core, after the PCI Local Bus Specification rev. 3.0: type-0 configuration
 * headers (chapter 6), BAR sizing and decoding, INTx# pins with board routing.
 *
 * Not modelled: type-1 (PCI-PCI bridge) headers and secondary buses, capability
 * lists, 64-bit BARs, bus mastering
 * checks on DMA (devices that DMA go through the system address space).
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "migration/vmstate.h"

static PCIBus *pci_root_bus;

PCIBus *pci_bus_new(const char *name, MemoryRegion *mem_space, MemoryRegion *io_space)
{
    PCIBus *bus = g_new0(PCIBus, 1);

    bus->name = g_strdup(name);
    bus->mem_space = mem_space;
    bus->io_space = io_space;
    return bus;
}

void pci_bus_free(PCIBus *bus)
{
    if (!bus) {
        return;
    }
    if (pci_root_bus == bus) {
        pci_root_bus = NULL;
    }
    g_free(bus->irq_count);
    g_free(bus->name);
    g_free(bus);
}

void pci_bus_irqs(PCIBus *bus, PCISetIRQFn set_irq, PCIMapIRQFn map_irq, void *opaque,
                  int nirq)
{
    assert(nirq > 0);
    bus->set_irq = set_irq;
    bus->map_irq = map_irq;
    bus->irq_opaque = opaque;
    bus->nirq = nirq;
    g_free(bus->irq_count);
    bus->irq_count = g_new0(int, nirq);
}

void pci_set_root_bus(PCIBus *bus)
{
    pci_root_bus = bus;
}

PCIBus *pci_get_root_bus(void)
{
    return pci_root_bus;
}

PCIDevice *pci_new(PCIBus *bus, int devfn, const PCIDeviceClass *pc, const char *id,
                   GError **errp)
{
    PCIDevice *d;

    if (devfn < 0 || devfn > 255) {
        error_setg(errp, "PCI devfn %d out of range", devfn);
        return NULL;
    }
    if (bus->devices[devfn]) {
        error_setg(errp, "PCI slot %02x.%x on bus %s is already taken by %s",
                   PCI_SLOT(devfn), PCI_FUNC(devfn), bus->name,
                   bus->devices[devfn]->qdev.id ? bus->devices[devfn]->qdev.id : "?");
        return NULL;
    }
    assert(pc->parent.instance_size >= sizeof(PCIDevice));
    d = PCI_DEVICE(qdev_new(&pc->parent, id));
    d->bus = bus;
    d->devfn = devfn;
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        d->bars[i].addr = PCI_BAR_UNMAPPED;
    }
    bus->devices[devfn] = d;
    return d;
}

PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const PCIDeviceClass *pc,
                             const char *id)
{
    GError *err = NULL;
    PCIDevice *d = pci_new(bus, devfn, pc, id, &err);

    if (!d || !qdev_realize(DEVICE(d), &err)) {
        error_report_err(err);
        abort();
    }
    return d;
}

void pci_device_init_config(PCIDevice *d)
{
    const PCIDeviceClass *pc = pci_device_get_class(d);

    memset(d->config, 0, sizeof(d->config));
    memset(d->wmask, 0, sizeof(d->wmask));
    memset(d->w1cmask, 0, sizeof(d->w1cmask));
    pci_set_word(d->config + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(d->config + PCI_DEVICE_ID, pc->device_id);
    d->config[PCI_REVISION_ID] = pc->revision;
    d->config[PCI_CLASS_PROG] = pc->prog_if;
    pci_set_word(d->config + PCI_CLASS_DEVICE, pc->class_id);
    d->config[PCI_HEADER_TYPE] = pc->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION : 0;
    pci_set_word(d->config + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id);
    pci_set_word(d->config + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    d->config[PCI_INTERRUPT_PIN] = pc->interrupt_pin;
    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM | PCI_STATUS_FAST_BACK);

    pci_set_word(d->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                 PCI_COMMAND_SPECIAL | PCI_COMMAND_INVALIDATE | PCI_COMMAND_PARITY |
                 PCI_COMMAND_SERR | PCI_COMMAND_FAST_BACK | PCI_COMMAND_INTX_DISABLE);
    pci_set_word(d->w1cmask + PCI_STATUS, PCI_STATUS_W1C_MASK);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        d->bars[i].addr = PCI_BAR_UNMAPPED;
    }
}

static unsigned pci_bar_offset(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * n;
}

void pci_register_bar(PCIDevice *d, int n, uint8_t type, uint64_t size, MemoryRegion *mr)
{
    PCIBar *bar;
    uint32_t mask;
    bool io = type & PCI_BASE_ADDRESS_SPACE_IO;

    assert(n >= 0 && n < PCI_NUM_REGIONS);
    /* Sizes are powers of two; the smallest decoders are 4 (I/O), 16 (memory)
     * and 2 KiB (expansion ROM) bytes. */
    assert(size && !(size & (size - 1)) && size <= (1ULL << 31));
    assert(size >= (io ? 4 : n == PCI_ROM_SLOT ? 2048 : 16));
    assert(!(io && n == PCI_ROM_SLOT));
    bar = &d->bars[n];
    bar->size = size;
    bar->type = type;
    bar->mr = mr;
    bar->addr = PCI_BAR_UNMAPPED;
    if (n == PCI_ROM_SLOT) {
        bar->type = 0;
        mask = (~(uint32_t)(size - 1) & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE;
        type = 0;
    } else {
        mask = ~(uint32_t)(size - 1) &
               (io ? PCI_BASE_ADDRESS_IO_MASK : PCI_BASE_ADDRESS_MEM_MASK);
    }
    pci_set_long(d->config + pci_bar_offset(n), type);
    pci_set_long(d->wmask + pci_bar_offset(n), mask);
}

hwaddr pci_get_bar_addr(PCIDevice *d, int n)
{
    assert(n >= 0 && n < PCI_NUM_REGIONS);
    return d->bars[n].addr;
}

/* The address BAR n decodes now, or PCI_BAR_UNMAPPED. */
static hwaddr pci_bar_decoded_addr(PCIDevice *d, int n)
{
    PCIBar *bar = &d->bars[n];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint32_t val = pci_get_long(d->config + pci_bar_offset(n));
    MemoryRegion *space;
    hwaddr addr;

    if (n == PCI_ROM_SLOT) {
        if (!(cmd & PCI_COMMAND_MEMORY) || !(val & PCI_ROM_ADDRESS_ENABLE)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = val & PCI_ROM_ADDRESS_MASK & ~(uint32_t)(bar->size - 1);
        space = d->bus ? d->bus->mem_space : NULL;
    } else if (bar->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = val & PCI_BASE_ADDRESS_IO_MASK & ~(uint32_t)(bar->size - 1);
        space = d->bus ? d->bus->io_space : NULL;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = val & PCI_BASE_ADDRESS_MEM_MASK & ~(uint32_t)(bar->size - 1);
        space = d->bus ? d->bus->mem_space : NULL;
    }
    /* Address 0 is what an unassigned BAR holds, and a BAR reaching the top of the
     * 32-bit space is still holding its all-ones size probe: neither decodes. */
    if (addr == 0 || addr + bar->size >= (1ULL << 32)) {
        return PCI_BAR_UNMAPPED;
    }
    if (space && addr + bar->size > space->size) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

void pci_update_mappings(PCIDevice *d)
{
    bool began = false;

    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIBar *bar = &d->bars[n];
        MemoryRegion *space;
        hwaddr addr;

        if (!bar->size) {
            continue;
        }
        addr = pci_bar_decoded_addr(d, n);
        if (addr == bar->addr) {
            continue;
        }
        space = d->bus ? ((bar->type & PCI_BASE_ADDRESS_SPACE_IO) ? d->bus->io_space
                                                                    : d->bus->mem_space)
                       : NULL;
        if (bar->mr && space) {
            if (!began) {
                memory_region_transaction_begin();
                began = true;
            }
            if (bar->addr != PCI_BAR_UNMAPPED) {
                memory_region_del_subregion(space, bar->mr);
            }
            if (addr != PCI_BAR_UNMAPPED) {
                memory_region_add_subregion_overlap(space, addr, bar->mr, 1);
            }
        }
        bar->addr = addr;
    }
    if (began) {
        memory_region_transaction_commit();
    }
}

/* Propagate this function's effective INTx level to the bus routing. */
static void pci_irq_update(PCIDevice *d)
{
    PCIBus *bus = d->bus;
    int pin = d->config[PCI_INTERRUPT_PIN];
    bool assert_now;
    int irq_num;

    assert_now = d->irq_state &&
                 !(pci_get_word(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
    if (assert_now == d->irq_asserted) {
        return;
    }
    d->irq_asserted = assert_now;
    if (!bus || !bus->set_irq || pin < 1 || pin > PCI_NUM_PINS) {
        return;
    }
    irq_num = bus->map_irq ? bus->map_irq(d, pin - 1) : pin - 1;
    if (irq_num < 0 || irq_num >= bus->nirq) {
        return;
    }
    bus->irq_count[irq_num] += assert_now ? 1 : -1;
    assert(bus->irq_count[irq_num] >= 0);
    bus->set_irq(bus->irq_opaque, irq_num, bus->irq_count[irq_num] != 0);
}

void pci_set_irq(PCIDevice *d, int level)
{
    uint16_t status = pci_get_word(d->config + PCI_STATUS);

    level = level != 0;
    d->irq_state = level;
    /* The Interrupt Status bit follows the pin even when INTx is disabled. */
    status = level ? (status | PCI_STATUS_INTERRUPT) : (status & ~PCI_STATUS_INTERRUPT);
    pci_set_word(d->config + PCI_STATUS, status);
    pci_irq_update(d);
}

void pci_device_reset(PCIDevice *d)
{
    pci_set_word(d->config + PCI_COMMAND, 0);
    pci_set_word(d->config + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM | PCI_STATUS_FAST_BACK);
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        if (d->bars[n].size) {
            pci_set_long(d->config + pci_bar_offset(n), d->bars[n].type);
        }
    }
    pci_update_mappings(d);
    d->irq_state = 0;
    pci_irq_update(d);
}

uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t val = 0;

    for (int i = 0; i < len; i++) {
        val |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    return val;
}

void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    bool bars_touched = false, cmd_touched = false;

    for (int i = 0; i < len; i++) {
        uint32_t a = addr + i;
        uint8_t b = val >> (8 * i);

        d->config[a] = (d->config[a] & ~d->wmask[a]) | (b & d->wmask[a]);
        d->config[a] &= ~(b & d->w1cmask[a]);
        if ((a >= PCI_BASE_ADDRESS_0 && a < PCI_BASE_ADDRESS_0 + 4 * PCI_NUM_BARS) ||
            (a >= PCI_ROM_ADDRESS && a < PCI_ROM_ADDRESS + 4)) {
            bars_touched = true;
        }
        if (a == PCI_COMMAND || a == PCI_COMMAND + 1) {
            cmd_touched = true;
        }
    }
    if (bars_touched || cmd_touched) {
        pci_update_mappings(d);
    }
    if (cmd_touched) {
        pci_irq_update(d);
    }
}

/* Config accesses must be naturally aligned and stay in the header. */
static bool pci_config_access_ok(uint32_t addr, int len)
{
    if (len != 1 && len != 2 && len != 4) {
        return false;
    }
    return addr + len <= PCI_CONFIG_SPACE_SIZE && (addr & (len - 1)) == 0;
}

bool pci_bus_has_device(PCIBus *bus, int devfn)
{
    return devfn >= 0 && devfn < 256 && bus->devices[devfn] &&
           bus->devices[devfn]->qdev.realized;
}

uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, int len)
{
    PCIDevice *d;
    const PCIDeviceClass *pc;
    uint32_t ones = len == 4 ? 0xffffffffu : (1u << (8 * len)) - 1;

    if (!pci_bus_has_device(bus, devfn)) {
        return ones;
    }
    if (!pci_config_access_ok(addr, len)) {
        mimic_log_mask(LOG_GUEST_ERROR, "pci: bad config read %02x.%x+0x%x len %d\n",
                       PCI_SLOT(devfn), PCI_FUNC(devfn), addr, len);
        return ones;
    }
    d = bus->devices[devfn];
    pc = pci_device_get_class(d);
    if (pc->config_read) {
        return pc->config_read(d, addr, len);
    }
    return pci_default_read_config(d, addr, len);
}

void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val, int len)
{
    PCIDevice *d;
    const PCIDeviceClass *pc;

    if (!pci_bus_has_device(bus, devfn)) {
        return;
    }
    if (!pci_config_access_ok(addr, len)) {
        mimic_log_mask(LOG_GUEST_ERROR, "pci: bad config write %02x.%x+0x%x len %d\n",
                       PCI_SLOT(devfn), PCI_FUNC(devfn), addr, len);
        return;
    }
    d = bus->devices[devfn];
    pc = pci_device_get_class(d);
    if (pc->config_write) {
        pc->config_write(d, addr, val, len);
    } else {
        pci_default_write_config(d, addr, val, len);
    }
}

static int pci_device_post_load(void *opaque, int version_id)
{
    PCIDevice *d = opaque;

    pci_update_mappings(d);
    pci_irq_update(d);
    return 0;
}

static const VMStateField vmstate_pci_device_fields[] = {
    VMSTATE_BUFFER(config, PCIDevice),
    VMSTATE_INT32(irq_state, PCIDevice),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_pci_device = {
    .name = "PCIDevice",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = pci_device_post_load,
    .fields = vmstate_pci_device_fields,
};

static const char *pci_class_name(uint16_t class_id)
{
    switch (class_id) {
    case PCI_CLASS_BRIDGE_HOST:
        return "Host bridge";
    case PCI_CLASS_BRIDGE_ISA:
        return "ISA bridge";
    case PCI_CLASS_STORAGE_IDE:
        return "IDE controller";
    case PCI_CLASS_SERIAL_USB:
        return "USB controller";
    case PCI_CLASS_BRIDGE_OTHER:
        return "Bridge";
    case 0x0200:
        return "Ethernet controller";
    case 0x0300:
        return "VGA controller";
    case 0x0100:
        return "SCSI controller";
    case 0x0401:
        return "Audio controller";
    default:
        return "Class";
    }
}

void pci_info(FILE *f, PCIBus *bus)
{
    if (!bus) {
        fprintf(f, "no PCI bus\n");
        return;
    }
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        uint16_t class_id;
        uint8_t pin;

        if (!d) {
            continue;
        }
        class_id = pci_get_word(d->config + PCI_CLASS_DEVICE);
        pin = d->config[PCI_INTERRUPT_PIN];
        fprintf(f, "  Bus  0, device %3d, function %d:\n", PCI_SLOT(devfn), PCI_FUNC(devfn));
        fprintf(f, "    %s: PCI device %04x:%04x\n", pci_class_name(class_id),
                pci_get_word(d->config + PCI_VENDOR_ID),
                pci_get_word(d->config + PCI_DEVICE_ID));
        fprintf(f, "      PCI subsystem %04x:%04x\n",
                pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID),
                pci_get_word(d->config + PCI_SUBSYSTEM_ID));
        if (pin) {
            fprintf(f, "      IRQ %d, pin %c\n", d->config[PCI_INTERRUPT_LINE], 'A' + pin - 1);
        }
        for (int n = 0; n < PCI_NUM_REGIONS; n++) {
            PCIBar *bar = &d->bars[n];
            hwaddr a = bar->addr;
            bool io = bar->type & PCI_BASE_ADDRESS_SPACE_IO;

            if (!bar->size) {
                continue;
            }
            fprintf(f, "      BAR%d: %s", n, io ? "I/O" : "32 bit ");
            if (!io) {
                fprintf(f, "%smemory",
                        (bar->type & PCI_BASE_ADDRESS_MEM_PREFETCH) ? "prefetchable " : "");
            }
            /* As QEMU prints it: an unmapped BAR shows all ones and its size - 2. */
            if (a == PCI_BAR_UNMAPPED) {
                fprintf(f, " at 0xffffffffffffffff [0x%0*" PRIx64 "].\n", io ? 4 : 8,
                        bar->size - 2);
            } else {
                fprintf(f, " at 0x%0*" HWADDR_PRIx " [0x%0*" HWADDR_PRIx "].\n", io ? 4 : 8,
                        a, io ? 4 : 8, a + bar->size - 1);
            }
        }
        fprintf(f, "      id \"%s\"\n", d->qdev.id ? d->qdev.id : "");
    }
}

/* ---- -device for PCI cards ---- */

#define PCI_USER_MAX_CLASSES 16

static const PCIDeviceClass *pci_user_classes[PCI_USER_MAX_CLASSES];
static int pci_user_nb_classes;

void pci_user_class_register(const PCIDeviceClass *pc)
{
    assert(pci_user_nb_classes < PCI_USER_MAX_CLASSES);
    pci_user_classes[pci_user_nb_classes++] = pc;
}

const PCIDeviceClass *pci_user_class_find(const char *name)
{
    for (int i = 0; i < pci_user_nb_classes; i++) {
        if (strcmp(pci_user_classes[i]->parent.name, name) == 0) {
            return pci_user_classes[i];
        }
    }
    return NULL;
}

int pci_free_devfn(PCIBus *bus, const int *slots, int nslots)
{
    for (int i = 0; i < nslots; i++) {
        if (!pci_bus_has_device(bus, PCI_DEVFN(slots[i], 0))) {
            return PCI_DEVFN(slots[i], 0);
        }
    }
    return -1;
}

bool pci_create_user_devices(PCIBus *bus, GPtrArray *device_opts, const int *slots,
                             int nslots, GError **errp)
{
    for (guint i = 0; device_opts && i < device_opts->len; i++) {
        g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(device_opts, i), ",", -1);
        const PCIDeviceClass *pc = parts[0] ? pci_user_class_find(parts[0]) : NULL;
        const char *id = NULL;
        PCIDevice *d;
        int devfn;

        if (!pc) {
            continue;
        }
        for (int k = 1; parts[k]; k++) {
            if (g_str_has_prefix(parts[k], "id=")) {
                id = parts[k] + 3;
            }
        }
        devfn = pci_free_devfn(bus, slots, nslots);
        if (devfn < 0) {
            error_setg(errp, "-device %s: no free PCI slot", parts[0]);
            return false;
        }
        d = pci_new(bus, devfn, pc, id, errp);
        if (!d) {
            return false;
        }
        for (int k = 1; parts[k]; k++) {
            char *eq = strchr(parts[k], '=');

            if (!parts[k][0] || g_str_has_prefix(parts[k], "id=")) {
                continue;
            }
            if (!eq) {
                error_setg(errp, "-device %s: '%s' is not prop=value", parts[0], parts[k]);
                return false;
            }
            *eq = 0;
            /* The NICs' back-end pointer is for boards, not the command line. */
            if (strcmp(parts[k], "backend") == 0) {
                error_setg(errp, "-device %s: unknown property 'backend'", parts[0]);
                return false;
            }
            if (!qdev_prop_parse(DEVICE(d), parts[k], eq + 1, errp)) {
                return false;
            }
        }
        if (!qdev_realize(DEVICE(d), errp)) {
            return false;
        }
    }
    return true;
}
