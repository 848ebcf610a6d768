/*
 * Intel 82371SB PCI ISA IDE Xcelerator (PIIX3), datasheet order 290550:
 * function 0, the PCI-to-ISA bridge (vendor 8086, device 7000): PIRQ[A-D]
 * route control (0x60-0x63) steering PCI interrupts onto ISA IRQs, shared
 * with the ISA devices' own lines; the reset control register at I/O 0xcf9
 * (a 0 -> 1 edge of RCPU resets the system; SRST chooses hard or soft reset,
 * both reset everything here); the NMI status and control register at I/O 0x61
 * (counter 2 gate and speaker enable, counter 2 output and the refresh toggle
 * that software times short delays with). Function 1 (device 7010), the IDE
 * controller, is hw/ide/piix.c's, created here in legacy mode.
 *
 * Not modelled: the USB controller, the 8237 DMA pair,
 * the motherboard device IRQ routing (MBIRQ), the APIC chip select (kept),
 * the top-of-memory and X-bus chip selects (kept, no effect).
 */
#include "qemu/osdep.h"
#include "hw/i386/piix3.h"
#include "hw/timer/i8254.h"
#include "hw/ide/piix.h"
#include "qemu/timer.h"
#include "migration/vmstate.h"

/* DRAM refresh request period: the toggle in port 0x61 bit 4 flips at this rate. */
#define PIIX3_REFRESH_NS 15085

static bool piix3_pirq_target_valid(unsigned irq)
{
    /* IRQ 0, 1, 2, 8 and 13 are reserved as PIRQ targets. */
    return irq < 16 && irq != 0 && irq != 1 && irq != 2 && irq != 8 && irq != 13;
}

static void piix3_update_irq(PIIX3State *s, int n, bool force)
{
    int level = s->isa_level[n];

    for (int p = 0; p < PIIX3_NUM_PIRQS; p++) {
        uint8_t r = s->pci.config[PIIX3_PIRQRC + p];

        if (!(r & PIIX3_PIRQRC_DISABLE) && (r & PIIX3_PIRQRC_IRQ_MASK) == n &&
            piix3_pirq_target_valid(n)) {
            level |= s->pirq_level[p];
        }
    }
    if (force || level != s->out_level[n]) {
        s->out_level[n] = level;
        if (s->pic_in) {
            irq_set(s->pic_in[n], level);
        }
    }
}

static void piix3_update_all_irqs(PIIX3State *s, bool force)
{
    for (int n = 0; n < PIIX3_NUM_ISA_IRQS; n++) {
        piix3_update_irq(s, n, force);
    }
}

static void piix3_isa_irq_handler(void *opaque, int n, int level)
{
    PIIX3State *s = opaque;

    s->isa_level[n] = level;
    piix3_update_irq(s, n, false);
}

void piix3_set_pirq(void *opaque, int pirq, int level)
{
    PIIX3State *s = opaque;

    assert(pirq >= 0 && pirq < PIIX3_NUM_PIRQS);
    s->pirq_level[pirq] = level;
    piix3_update_all_irqs(s, false);
}

IRQLine *piix3_isa_irq(PIIX3State *s, int n)
{
    assert(n >= 0 && n < PIIX3_NUM_ISA_IRQS);
    return s->isa_irqs[n];
}

uint64_t piix3_rcr_read(void *opaque)
{
    PIIX3State *s = opaque;

    return s->rc;
}

void piix3_rcr_write(void *opaque, uint8_t val)
{
    PIIX3State *s = opaque;

    if ((val & PIIX3_RC_RCPU) && !(s->rc & PIIX3_RC_RCPU)) {
        s->rc = val & PIIX3_RC_SRST;
        irq_pulse(s->reset_out);
        return;
    }
    s->rc = val & (PIIX3_RC_SRST | PIIX3_RC_RCPU);
}

uint64_t piix3_nmisc_read(void *opaque, hwaddr off, unsigned size)
{
    PIIX3State *s = opaque;
    uint8_t v = s->nmisc & PIIX3_NMISC_RW_MASK;

    if ((clock_get_ns(CLOCK_VIRTUAL) / PIIX3_REFRESH_NS) & 1) {
        v |= PIIX3_NMISC_REFRESH;
    }
    if (s->pit && i8254_get_out(s->pit, 2)) {
        v |= PIIX3_NMISC_TIM2_OUT;
    }
    return v;
}

void piix3_nmisc_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIX3State *s = opaque;

    s->nmisc = val & PIIX3_NMISC_RW_MASK;
    if (s->pit) {
        i8254_set_gate(s->pit, 2, val & PIIX3_NMISC_TIM2_GATE);
    }
}

static const MemoryRegionOps piix3_nmisc_ops = {
    .read = piix3_nmisc_read,
    .write = piix3_nmisc_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void piix3_isa_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    pci_default_write_config(d, addr, val, len);
    if (addr < PIIX3_PIRQRC + PIIX3_NUM_PIRQS && addr + len > PIIX3_PIRQRC) {
        piix3_update_all_irqs((PIIX3State *)d, false);
    }
}

static void piix3_isa_reset(DeviceState *dev)
{
    PIIX3State *s = (PIIX3State *)dev;
    uint8_t *c = s->pci.config;

    pci_device_reset(&s->pci);
    /* Power-on values from the datasheet's register tables. */
    pci_set_word(c + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                 PCI_COMMAND_MASTER | PCI_COMMAND_SPECIAL);
    pci_set_word(c + PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
    c[0x4c] = 0x4d;                    /* IORT */
    c[0x4e] = 0x03;                    /* XBCS */
    for (int p = 0; p < PIIX3_NUM_PIRQS; p++) {
        c[PIIX3_PIRQRC + p] = PIIX3_PIRQRC_DISABLE;
    }
    c[PIIX3_TOM] = 0x02;
    c[PIIX3_MBIRQ0] = 0x80;
    c[PIIX3_MBIRQ0 + 1] = 0x80;
    c[0x76] = 0x0c;                    /* MBDMA0/1 */
    c[0x77] = 0x0c;
    c[0x78] = 0x02;                    /* PCSC */
    c[0x79] = 0x00;
    c[PIIX3_APICBASE] = 0x00;
    c[0x82] = 0x00;                    /* DLC */
    c[0xa0] = 0x08;                    /* SMICNTL */
    s->rc = 0;
    s->nmisc = 0;
    if (s->pit) {
        i8254_set_gate(s->pit, 2, 0);
    }
    memset(s->pirq_level, 0, sizeof(s->pirq_level));
    piix3_update_all_irqs(s, true);
}

static bool piix3_isa_realize(DeviceState *dev, GError **errp)
{
    PIIX3State *s = (PIIX3State *)dev;

    pci_device_init_config(&s->pci);
    s->pci.wmask[0x4c] = 0x7f;
    s->pci.wmask[0x4e] = 0xff;
    for (int p = 0; p < PIIX3_NUM_PIRQS; p++) {
        s->pci.wmask[PIIX3_PIRQRC + p] = PIIX3_PIRQRC_DISABLE | PIIX3_PIRQRC_IRQ_MASK;
    }
    s->pci.wmask[PIIX3_TOM] = 0xfe;
    s->pci.wmask[PIIX3_MBIRQ0] = 0xcf;
    s->pci.wmask[PIIX3_MBIRQ0 + 1] = 0xcf;
    s->pci.wmask[0x76] = 0x8f;
    s->pci.wmask[0x77] = 0x8f;
    s->pci.wmask[0x78] = 0xff;
    s->pci.wmask[0x79] = 0xff;
    s->pci.wmask[PIIX3_APICBASE] = 0x7f;
    s->pci.wmask[0x82] = 0x0f;
    s->pci.wmask[0xa0] = 0xff;
    s->isa_irqs = irq_new_array(piix3_isa_irq_handler, s, PIIX3_NUM_ISA_IRQS);
    memory_region_init_io(&s->nmisc_io, &piix3_nmisc_ops, s, "piix3-nmisc", 1);
    return true;
}

static int piix3_isa_post_load(void *opaque, int version_id)
{
    piix3_update_all_irqs(opaque, true);
    return 0;
}

static const VMStateField piix3_isa_fields[] = {
    VMSTATE_STRUCT(pci, PIIX3State, vmstate_pci_device, PCIDevice),
    VMSTATE_INT32_ARRAY(isa_level, PIIX3State, PIIX3_NUM_ISA_IRQS),
    VMSTATE_INT32_ARRAY(pirq_level, PIIX3State, PIIX3_NUM_PIRQS),
    VMSTATE_UINT8(rc, PIIX3State),
    VMSTATE_UINT8(nmisc, PIIX3State),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription piix3_isa_vmstate = {
    .name = "piix3-isa",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = piix3_isa_post_load,
    .fields = piix3_isa_fields,
};

const PCIDeviceClass piix3_isa_class = {
    .parent = {
        .name = "PIIX3",
        .desc = "Intel 82371SB PIIX3 PCI-to-ISA bridge",
        .instance_size = sizeof(PIIX3State),
        .realize = piix3_isa_realize,
        .reset = piix3_isa_reset,
        .vmsd = &piix3_isa_vmstate,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7000,
    .class_id = PCI_CLASS_BRIDGE_ISA,
    .multifunction = true,
    .config_write = piix3_isa_config_write,
};

static void __attribute__((constructor)) piix3_register(void)
{
    device_class_register(&piix3_isa_class.parent);
    /* Function 1 is the IDE controller of hw/ide/piix.c. */
    device_class_register(&piix3_ide_pci_class.parent);
}

PIIX3State *piix3_init(PCIBus *bus, int slot, MemoryRegion *isa_io, IRQLine **pic_in,
                       IRQLine *reset_out, DeviceState *pit, GError **errp)
{
    PIIX3State *s;
    PCIDevice *ide;

    s = (PIIX3State *)pci_new(bus, PCI_DEVFN(slot, 0), &piix3_isa_class, "piix3",
                              errp);
    if (!s) {
        return NULL;
    }
    s->pic_in = pic_in;
    s->reset_out = reset_out;
    s->pit = pit;
    if (!qdev_realize(DEVICE(s), errp)) {
        return NULL;
    }
    memory_region_add_subregion(isa_io, PIIX3_NMISC_PORT, &s->nmisc_io);
    piix3_isa_reset(DEVICE(s));
    /* Function 1: both channels in legacy mode, at 0x1f0/0x3f6 on IRQ 14 and
     * 0x170/0x376 on IRQ 15, through the ISA IRQ lines so that a PIRQ routed
     * to the same IRQ shares it as on the real part. */
    ide = piix_ide_init(bus, PCI_DEVFN(slot, 1), &piix3_ide_pci_class, "piix3-ide", isa_io,
                        piix3_isa_irq(s, 14), piix3_isa_irq(s, 15), errp);
    if (!ide) {
        return NULL;
    }
    return s;
}
