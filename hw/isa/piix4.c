/*
 * Intel 82371AB PCI-to-ISA/IDE Xcelerator (PIIX4), function 0, after the
 * 82371AB datasheet (order no. 290562-001): function 0 is the PCI-ISA bridge whose
 * PIRQRC[A:D] registers steer the four PCI interrupt lines onto ISA IRQs, and which
 * owns the Reset Control register at I/O 0xcf9. Function 1 (IDE) is hw/ide/piix.c,
 * function 2 (USB) piix4-usb.c and function 3 (power management) piix4-pm.c.
 *
 * Cycles no device claims end on the ISA bus through subtractive decode, where
 * nothing answers: reads float to all ones. The 8237 DMA registers are in
 * piix4-dma.c.
 *
 * Not modelled: DMA transfers, the ISA bus timers (the i8254 is its own device),
 * the APIC chip select, SERIRQ, and the X-bus chip selects (XBCS is a plain
 * register).
 */
#include "qemu/osdep.h"
#include "hw/pci/piix4.h"
#include "hw/ide/piix.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"

/* ISA IRQs a PIRQ may be steered to (PIIX4 datasheet, PIRQRC description). */
static bool piix4_pirq_target_valid(unsigned irq)
{
    return (irq >= 3 && irq <= 7) || (irq >= 9 && irq <= 12) || irq == 14 || irq == 15;
}

/* The level the 8259 sees on IRQ n: the ISA device's line wire-ORed with every
 * PCI interrupt line that is routed there. */
static void piix4_update_irq(PIIX4State *s, int n, bool force)
{
    int level = s->isa_level[n];

    for (int p = 0; p < PIIX4_NUM_PIRQS; p++) {
        uint8_t rc = s->pci.config[PIIX4_PIRQRC + p];

        if (!(rc & PIIX4_PIRQRC_DISABLE) && (rc & PIIX4_PIRQRC_IRQ_MASK) == n &&
            piix4_pirq_target_valid(n) && s->pirq_level[p]) {
            level = 1;
        }
    }
    if (level != s->out_level[n] || force) {
        s->out_level[n] = level;
        if (s->pic_in) {
            irq_set(s->pic_in[n], level);
        }
    }
}

static void piix4_update_all_irqs(PIIX4State *s, bool force)
{
    for (int n = 0; n < PIIX4_NUM_ISA_IRQS; n++) {
        piix4_update_irq(s, n, force);
    }
}

static void piix4_isa_irq_handler(void *opaque, int n, int level)
{
    PIIX4State *s = opaque;

    s->isa_level[n] = level != 0;
    piix4_update_irq(s, n, false);
}

void piix4_set_pirq(void *opaque, int pirq, int level)
{
    PIIX4State *s = opaque;

    assert(pirq >= 0 && pirq < PIIX4_NUM_PIRQS);
    s->pirq_level[pirq] = level != 0;
    piix4_update_all_irqs(s, false);
}

IRQLine *piix4_isa_irq(PIIX4State *s, int n)
{
    assert(n >= 0 && n < PIIX4_NUM_ISA_IRQS);
    return s->isa_irqs[n];
}

static void piix4_isa_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    PIIX4State *s = (PIIX4State *)d;

    pci_default_write_config(d, addr, val, len);
    if (addr < PIIX4_PIRQRC + PIIX4_NUM_PIRQS && addr + len > PIIX4_PIRQRC) {
        for (int p = 0; p < PIIX4_NUM_PIRQS; p++) {
            uint8_t rc = d->config[PIIX4_PIRQRC + p];

            if (!(rc & PIIX4_PIRQRC_DISABLE) &&
                !piix4_pirq_target_valid(rc & PIIX4_PIRQRC_IRQ_MASK)) {
                mimic_log_mask(LOG_GUEST_ERROR, "piix4: PIRQ%c routed to reserved IRQ %u\n",
                               'A' + p, rc & PIIX4_PIRQRC_IRQ_MASK);
            }
        }
        piix4_update_all_irqs(s, false);
    }
}

static uint64_t piix4_rc_read(void *opaque, hwaddr off, unsigned size)
{
    PIIX4State *s = opaque;

    return s->rc;
}

static void piix4_rc_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIX4State *s = opaque;

    /* A 0 -> 1 transition of RCPU starts the reset; SRST says how hard (both are a
     * full board reset here). */
    if ((val & PIIX4_RC_RCPU) && !(s->rc & PIIX4_RC_RCPU)) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
    s->rc = val & (PIIX4_RC_SRST | PIIX4_RC_RCPU);
}

/* PCI cycles nobody claims go to ISA, where nothing answers: reads float high. */
static uint64_t piix4_float_read(void *opaque, hwaddr off, unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static void piix4_float_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps piix4_float_ops = {
    .read = piix4_float_read,
    .write = piix4_float_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps piix4_rc_ops = {
    .read = piix4_rc_read,
    .write = piix4_rc_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
};

static void piix4_isa_reset(DeviceState *dev)
{
    PIIX4State *s = (PIIX4State *)dev;
    uint8_t *c = s->pci.config;

    pci_device_reset(&s->pci);
    /* I/O, memory and bus master are always on for the bridge. */
    pci_set_word(c + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    pci_set_word(c + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM | PCI_STATUS_FAST_BACK);
    c[PIIX4_IORT] = 0x4d;
    pci_set_word(c + PIIX4_XBCS, 0x0003);
    for (int p = 0; p < PIIX4_NUM_PIRQS; p++) {
        c[PIIX4_PIRQRC + p] = PIIX4_PIRQRC_DISABLE;
    }
    c[PIIX4_SERIRQC] = 0x10;
    c[PIIX4_TOM] = 0x02;
    pci_set_word(c + PIIX4_MSTAT, 0);
    c[PIIX4_MBIRQ0] = 0x80;
    c[PIIX4_MBIRQ1] = 0x80;
    c[PIIX4_MBDMA0] = 0x04;
    c[PIIX4_MBDMA1] = 0x04;
    c[PIIX4_APICBASE] = 0;
    c[PIIX4_DLC] = 0;
    pci_set_word(c + PIIX4_PDMACFG, 0);
    pci_set_word(c + PIIX4_DDMABP0, 0);
    pci_set_word(c + PIIX4_DDMABP1, 0);
    pci_set_long(c + PIIX4_GENCFG, 0);
    c[PIIX4_RTCCFG] = 0x21;
    s->rc = 0;
    piix4_dma_reset(&s->dma);
    memset(s->pirq_level, 0, sizeof(s->pirq_level));
    piix4_update_all_irqs(s, false);
}

static void piix4_set_wmask(PCIDevice *d, unsigned start, unsigned len, uint8_t mask)
{
    memset(d->wmask + start, mask, len);
}

static bool piix4_isa_realize(DeviceState *dev, GError **errp)
{
    PIIX4State *s = (PIIX4State *)dev;
    PCIDevice *d = &s->pci;

    pci_device_init_config(d);
    piix4_set_wmask(d, PIIX4_IORT, 1, 0xff);
    piix4_set_wmask(d, PIIX4_XBCS, 2, 0xff);
    piix4_set_wmask(d, PIIX4_PIRQRC, PIIX4_NUM_PIRQS,
                    PIIX4_PIRQRC_DISABLE | PIIX4_PIRQRC_IRQ_MASK);
    piix4_set_wmask(d, PIIX4_SERIRQC, 1, 0xff);
    piix4_set_wmask(d, PIIX4_TOM, 1, 0xff);
    piix4_set_wmask(d, PIIX4_MSTAT, 2, 0xff);
    piix4_set_wmask(d, PIIX4_MBIRQ0, 2, 0xff);
    piix4_set_wmask(d, PIIX4_MBDMA0, 2, 0xff);
    piix4_set_wmask(d, PIIX4_APICBASE, 1, 0xff);
    piix4_set_wmask(d, PIIX4_DLC, 1, 0xff);
    piix4_set_wmask(d, PIIX4_PDMACFG, 6, 0xff);
    piix4_set_wmask(d, PIIX4_GENCFG, 4, 0xff);
    piix4_set_wmask(d, PIIX4_RTCCFG, 1, 0xff);
    /* The bridge's own command bits are hard-wired on. */
    pci_set_word(d->wmask + PCI_COMMAND, 0);

    s->isa_irqs = irq_new_array(piix4_isa_irq_handler, s, PIIX4_NUM_ISA_IRQS);
    memory_region_init_io(&s->rc_io, &piix4_rc_ops, s, "piix4-rc", 1);
    if (s->isa_io) {
        memory_region_add_subregion(s->isa_io, PIIX4_RC_PORT, &s->rc_io);
        /* Subtractive decode: below every positively decoded device. */
        memory_region_init_io(&s->isa_float, &piix4_float_ops, s, "isa-float",
                              s->isa_io->size);
        memory_region_add_subregion_overlap(s->isa_io, 0, &s->isa_float, -1);
    }
    piix4_dma_init(&s->dma, s->isa_io);
    piix4_isa_reset(dev);
    return true;
}

static int piix4_isa_post_load(void *opaque, int version_id)
{
    piix4_update_all_irqs(opaque, true);
    return 0;
}

static const VMStateField piix4_isa_vmstate_fields[] = {
    VMSTATE_STRUCT(pci, PIIX4State, vmstate_pci_device, PCIDevice),
    VMSTATE_INT32_ARRAY(isa_level, PIIX4State, PIIX4_NUM_ISA_IRQS),
    VMSTATE_INT32_ARRAY(pirq_level, PIIX4State, PIIX4_NUM_PIRQS),
    VMSTATE_UINT8(rc, PIIX4State),
    VMSTATE_STRUCT(dma, PIIX4State, piix4_dma_vmstate, PIIX4DMAState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription piix4_isa_vmstate = {
    .name = "piix4-isa",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = piix4_isa_post_load,
    .fields = piix4_isa_vmstate_fields,
};

const PCIDeviceClass piix4_isa_class = {
    .parent = {
        .name = "piix4-isa",
        .desc = "Intel 82371AB PIIX4 PCI-ISA bridge",
        .instance_size = sizeof(PIIX4State),
        .realize = piix4_isa_realize,
        .reset = piix4_isa_reset,
        .vmsd = &piix4_isa_vmstate,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7110,
    .revision = 0x01,
    .class_id = PCI_CLASS_BRIDGE_ISA,
    .multifunction = true,
    .config_write = piix4_isa_config_write,
};

/* Function 1 (IDE) is hw/ide/piix.c; function 2 (USB) is in piix4-usb.c. */

static void __attribute__((constructor)) piix4_register(void)
{
    device_class_register(&piix4_isa_class.parent);
    device_class_register(&piix4_usb_class.parent);
}

PIIX4State *piix4_init(PCIBus *bus, int slot, MemoryRegion *isa_io, IRQLine **pic_in,
                       PIIX4PMState **pm_out, GError **errp)
{
    PIIX4State *s;
    PIIX4PMState *pm;
    PCIDevice *d;

    d = pci_new(bus, PCI_DEVFN(slot, 0), &piix4_isa_class, "piix4", errp);
    if (!d) {
        return NULL;
    }
    s = (PIIX4State *)d;
    s->isa_io = isa_io;
    s->pic_in = pic_in;
    if (!qdev_realize(DEVICE(d), errp)) {
        return NULL;
    }
    /* Function 1: the IDE controller of hw/ide/piix.c, legacy IRQs 14 and 15. */
    d = piix_ide_init(bus, PCI_DEVFN(slot, 1), &piix4_ide_pci_class, "piix4-ide", isa_io,
                      piix4_isa_irq(s, 14), piix4_isa_irq(s, 15), errp);
    if (!d) {
        return NULL;
    }
    d = pci_new(bus, PCI_DEVFN(slot, 2), &piix4_usb_class, "piix4-usb", errp);
    if (!d || !qdev_realize(DEVICE(d), errp)) {
        return NULL;
    }
    d = pci_new(bus, PCI_DEVFN(slot, 3), &piix4_pm_class, "piix4-pm", errp);
    if (!d) {
        return NULL;
    }
    pm = (PIIX4PMState *)d;
    pm->isa_io = isa_io;
    pm->sci_irq = piix4_isa_irq(s, 9);
    if (!qdev_realize(DEVICE(d), errp)) {
        return NULL;
    }
    if (pm_out) {
        *pm_out = pm;
    }
    return s;
}
