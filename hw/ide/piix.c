/*
 * Intel PIIX3 (82371SB) and PIIX4 (82371AB) IDE function, after the 82371AB
 * datasheet (290562-001) section 3.4 / 6: PCI header, IDETIM decode enables,
 * legacy-mode command and control blocks for both channels, and the
 * bus-master IDE registers at BMIBA (BAR 4).
 *
 * Not modelled: native-PCI mode (the channels are always in legacy mode, as
 * prog-if 0x80 says), the timing registers' effect, Ultra DMA CRC errors.
 */
#include "qemu/osdep.h"
#include "hw/ide/piix.h"
#include "migration/vmstate.h"

#define PIIX_IDETIM_PRI 0x40
#define PIIX_IDETIM_SEC 0x42
#define PIIX_IDETIM_DECODE 0x8000      /* IDE Decode Enable */

static const uint16_t piix_cmd_base[2] = { 0x1f0, 0x170 };
static const uint16_t piix_ctl_base[2] = { 0x3f6, 0x376 };

/* The legacy ports decode only while I/O space and the channel are enabled. */
static bool piix_decodes(IDEBus *bus)
{
    PIIXIDEState *s = bus->owner;
    uint16_t idetim = pci_get_word(s->pci.config +
                                   (bus->channel ? PIIX_IDETIM_SEC : PIIX_IDETIM_PRI));

    return (s->pci.config[PCI_COMMAND] & PCI_COMMAND_IO) && (idetim & PIIX_IDETIM_DECODE);
}

static uint64_t piix_cmd_read(void *opaque, hwaddr off, unsigned size)
{
    IDEBus *bus = opaque;
    uint64_t v = 0;

    if (!piix_decodes(bus)) {
        return ~0ULL >> (64 - 8 * size);
    }
    if (off == 0) {
        return ide_data_read(bus, size);
    }
    for (unsigned i = 0; i < size && off + i < 8; i++) {
        v |= (uint64_t)ide_ioport_read(bus, off + i) << (8 * i);
    }
    return v;
}

static void piix_cmd_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    IDEBus *bus = opaque;

    if (!piix_decodes(bus)) {
        return;
    }
    if (off == 0) {
        ide_data_write(bus, val, size);
        return;
    }
    for (unsigned i = 0; i < size && off + i < 8; i++) {
        ide_ioport_write(bus, off + i, (val >> (8 * i)) & 0xff);
    }
}

static const MemoryRegionOps piix_cmd_ops = {
    .read = piix_cmd_read,
    .write = piix_cmd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t piix_ctl_read(void *opaque, hwaddr off, unsigned size)
{
    IDEBus *bus = opaque;

    return piix_decodes(bus) ? ide_status_read(bus) : 0xff;
}

static void piix_ctl_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    IDEBus *bus = opaque;

    if (piix_decodes(bus)) {
        ide_ctrl_write(bus, val);
    }
}

static const MemoryRegionOps piix_ctl_ops = {
    .read = piix_ctl_read,
    .write = piix_ctl_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t piix_bm_read(void *opaque, hwaddr off, unsigned size)
{
    PIIXIDEState *s = opaque;

    return ide_bmdma_read(&s->bus[off >> 3], off & 7, size);
}

static void piix_bm_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIXIDEState *s = opaque;

    if (!(s->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER) && (off & 7) == BM_CMD &&
        (val & BM_CMD_START)) {
        mimic_log_mask(LOG_GUEST_ERROR, "piix-ide: bus master started with bus mastering "
                       "disabled in PCI command\n");
    }
    ide_bmdma_write(&s->bus[off >> 3], off & 7, val, size);
}

static const MemoryRegionOps piix_bm_ops = {
    .read = piix_bm_read,
    .write = piix_bm_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void piix_ide_reset(DeviceState *dev)
{
    PIIXIDEState *s = (PIIXIDEState *)dev;

    pci_device_reset(&s->pci);
    memset(s->pci.config + 0x40, 0, 0x0c);   /* IDETIM, SIDETIM, UDMACTL, UDMATIM */
    /*
     * The datasheet's power-on value leaves both channels' decode disabled
     * and the board firmware enables them; mimic boots kernels directly, so
     * the reset state is what the firmware would leave.
     */
    pci_set_word(s->pci.config + PIIX_IDETIM_PRI, PIIX_IDETIM_DECODE);
    pci_set_word(s->pci.config + PIIX_IDETIM_SEC, PIIX_IDETIM_DECODE);
    for (int c = 0; c < 2; c++) {
        ide_bus_reset(&s->bus[c]);
    }
}

static bool piix_ide_realize(DeviceState *dev, GError **errp)
{
    PIIXIDEState *s = (PIIXIDEState *)dev;

    if (!s->isa_io) {
        error_setg(errp, "%s: no ISA I/O space set (piix_ide_set_isa)", dev->dc->name);
        return false;
    }
    pci_device_init_config(&s->pci);
    for (int c = 0; c < 2; c++) {
        ide_bus_init(&s->bus[c], s->irq[c], &address_space_memory);
        s->bus[c].owner = s;
        s->bus[c].channel = c;
        memory_region_init_io(&s->cmd_mr[c], &piix_cmd_ops, &s->bus[c],
                              c ? "ide-secondary" : "ide-primary", 8);
        memory_region_init_io(&s->ctl_mr[c], &piix_ctl_ops, &s->bus[c],
                              c ? "ide-secondary-ctl" : "ide-primary-ctl", 1);
        memory_region_add_subregion(s->isa_io, piix_cmd_base[c], &s->cmd_mr[c]);
        memory_region_add_subregion(s->isa_io, piix_ctl_base[c], &s->ctl_mr[c]);
    }
    memory_region_init_io(&s->bm_mr, &piix_bm_ops, s, "piix-bmdma", 16);
    pci_register_bar(&s->pci, 4, PCI_BASE_ADDRESS_SPACE_IO, 16, &s->bm_mr);
    for (int i = 0x40; i < 0x4c; i++) {
        s->pci.wmask[i] = 0xff;
    }
    piix_ide_reset(dev);
    return true;
}

static int piix_ide_post_load(void *opaque, int version_id)
{
    PIIXIDEState *s = opaque;

    pci_update_mappings(&s->pci);
    for (int c = 0; c < 2; c++) {
        int r = vmstate_ide_bus.post_load(&s->bus[c], version_id);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

static const VMStateField piix_ide_fields[] = {
    VMSTATE_STRUCT(pci, PIIXIDEState, vmstate_pci_device, PCIDevice),
    VMSTATE_STRUCT_ARRAY(bus, PIIXIDEState, 2, vmstate_ide_bus, IDEBus),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription piix_ide_vmstate = {
    .name = "piix-ide",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = piix_ide_post_load,
    .fields = piix_ide_fields,
};

const PCIDeviceClass piix4_ide_pci_class = {
    .parent = {
        .name = "piix4-ide",
        .desc = "Intel 82371AB PIIX4 IDE controller",
        .instance_size = sizeof(PIIXIDEState),
        .realize = piix_ide_realize,
        .reset = piix_ide_reset,
        .vmsd = &piix_ide_vmstate,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7111,
    .revision = 0x01,
    .class_id = PCI_CLASS_STORAGE_IDE,
    .prog_if = 0x80,                 /* bus master capable, both channels legacy */
};

const PCIDeviceClass piix3_ide_pci_class = {
    .parent = {
        .name = "piix3-ide",
        .desc = "Intel 82371SB PIIX3 IDE controller",
        .instance_size = sizeof(PIIXIDEState),
        .realize = piix_ide_realize,
        .reset = piix_ide_reset,
        .vmsd = &piix_ide_vmstate,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7010,
    .revision = 0x00,
    .class_id = PCI_CLASS_STORAGE_IDE,
    .prog_if = 0x80,
};

static void __attribute__((constructor)) piix_ide_register(void)
{
    device_class_register(&piix4_ide_pci_class.parent);
    /*
     * piix3_ide_pci_class is not registered by name yet: hw/isa/piix3.c still
     * registers its own header-only "piix3-ide"; the PC board's switch to this
     * class should drop that one and register this one here.
     */
}

void piix_ide_set_isa(PCIDevice *d, MemoryRegion *isa_io, IRQLine *irq14, IRQLine *irq15)
{
    PIIXIDEState *s = (PIIXIDEState *)d;

    s->isa_io = isa_io;
    s->irq[0] = irq14;
    s->irq[1] = irq15;
}

PCIDevice *piix_ide_init(PCIBus *bus, int devfn, const PCIDeviceClass *pc, const char *id,
                         MemoryRegion *isa_io, IRQLine *irq14, IRQLine *irq15,
                         GError **errp)
{
    PCIDevice *d = pci_new(bus, devfn, pc, id, errp);

    if (!d) {
        return NULL;
    }
    piix_ide_set_isa(d, isa_io, irq14, irq15);
    if (!qdev_realize(DEVICE(d), errp)) {
        return NULL;
    }
    return d;
}

bool piix_ide_attach_drives(PCIDevice *d, MachineState *ms, GError **errp)
{
    PIIXIDEState *s = (PIIXIDEState *)d;
    int next = 0;

    for (int i = 0; i < ms->nb_drives; i++) {
        DriveOpts *o = &ms->drives[i];
        BlockBackendOpts bo = { 0 };
        g_autofree char *id = NULL;
        int idx = o->index;

        if (o->interface && strcmp(o->interface, "ide")) {
            continue;
        }
        if (idx < 0) {
            while (next < 4 && s->blk[next]) {
                next++;
            }
            idx = next;
        }
        if (idx > 3 || s->blk[idx]) {
            error_setg(errp, "IDE drive index %d is out of range or taken", idx);
            return false;
        }
        bool cdrom = o->media && !strcmp(o->media, "cdrom");
        id = o->id ? g_strdup(o->id)
                   : g_strdup_printf("ide%d-%s%d", idx / 2, cdrom ? "cd" : "hd", idx % 2);
        bo.file = o->file;
        bo.format = o->format;
        bo.id = id;
        bo.cache = o->cache;
        bo.read_only = o->readonly || cdrom;
        bo.snapshot = o->snapshot && !cdrom;
        bo.removable = cdrom;
        s->blk[idx] = blk_new_open(&bo, errp);
        if (!s->blk[idx]) {
            return false;
        }
        if (cdrom ? !ide_bus_attach_cdrom(&s->bus[idx / 2], idx % 2, s->blk[idx], errp)
                  : !ide_bus_attach(&s->bus[idx / 2], idx % 2, s->blk[idx], errp)) {
            return false;
        }
    }
    return true;
}
