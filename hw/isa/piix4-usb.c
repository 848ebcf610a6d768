/*
 * PIIX4 function 2: the USB host controller, a UHCI after Intel's "Universal Host
 * Controller Interface (UHCI) Design Guide" rev. 1.1 and the 82371AB datasheet
 * (order no. 290562-001), section "USB I/O registers": the configuration header and
 * the 32-byte I/O block behind USBBA (USBCMD, USBSTS, USBINTR, FRNUM, FRBASEADD,
 * SOFMOD and the two root ports' PORTSC).
 *
 * The board has no USB devices and none can be attached, so the root ports never
 * see a connection and no transfer can ever be addressed to a device. Within that,
 * the controller behaves as the design guide says: host controller and global
 * resets, Run/Stop with HCHalted, the frame counter advancing once per millisecond
 * while running, the port control bits and the write-1-to-clear status bits. The
 * frame list is not fetched: with nothing on the bus, the only work a schedule could
 * ask of the controller is on transfers that cannot exist. Linux's PCI quirk resets
 * the controller at boot (it warned "HCRESET not completed yet!" while the block
 * decoded nothing), and uhci-hcd drives it as an empty root hub.
 *
 * Not modelled: the schedule (frame list, TD and QH processing, and so the IOC,
 * short-packet, error and resume interrupts), legacy keyboard/mouse emulation
 * (USBLEGSUP keeps its value but traps nothing), and the debug mode's single step.
 */
#include "qemu/osdep.h"
#include "hw/pci/piix4.h"
#include "migration/vmstate.h"
#include "qemu/timer.h"

#define PIIX4_USB_SBRNUM 0x60
#define PIIX4_USB_LEGSUP 0xc0

/* I/O registers (offsets in the USBBA block). */
#define UHCI_USBCMD    0x00
#define UHCI_USBSTS    0x02
#define UHCI_USBINTR   0x04
#define UHCI_FRNUM     0x06
#define UHCI_FRBASEADD 0x08
#define UHCI_SOFMOD    0x0c
#define UHCI_PORTSC1   0x10
#define UHCI_PORTSC2   0x12
#define UHCI_IO_SIZE   32

#define UHCI_CMD_RS      0x0001
#define UHCI_CMD_HCRESET 0x0002
#define UHCI_CMD_GRESET  0x0004
#define UHCI_CMD_MASK    0x00ff

#define UHCI_STS_HCHALTED 0x0020
#define UHCI_STS_W1C      0x003f

#define UHCI_INTR_MASK    0x000f
#define UHCI_FRNUM_MASK   0x07ff
#define UHCI_FRBASE_MASK  0xfffff000u

/* PORTSC: bit 7 reads 1; these are writable (no device: enable cannot be set). */
#define UHCI_PORT_RESERVED 0x0080
#define UHCI_PORT_RD       0x0040
#define UHCI_PORT_PR       0x0200
#define UHCI_PORT_SUSP     0x1000
#define UHCI_PORT_RW       (UHCI_PORT_RD | UHCI_PORT_PR | UHCI_PORT_SUSP)

#define UHCI_FRAME_NS      1000000      /* one frame per millisecond */

/* The frame counter now: it advances only while Run/Stop is set. */
static uint16_t piix4_usb_frnum(const PIIX4USBState *s)
{
    if (!(s->cmd & UHCI_CMD_RS)) {
        return s->frnum;
    }
    int64_t frames = (clock_get_ns(CLOCK_VIRTUAL) - s->run_origin_ns) / UHCI_FRAME_NS;

    return (uint16_t)((s->frnum + MAX(frames, 0)) & UHCI_FRNUM_MASK);
}

/* Host controller reset: every I/O register to its default, the ports disconnected. */
static void piix4_usb_hc_reset(PIIX4USBState *s)
{
    s->cmd = 0;
    s->sts = UHCI_STS_HCHALTED;
    s->intr = 0;
    s->frnum = 0;
    s->flbase = 0;
    s->sofmod = 0x40;
    s->portsc[0] = s->portsc[1] = UHCI_PORT_RESERVED;
    s->run_origin_ns = 0;
}

static void piix4_usb_write_cmd(PIIX4USBState *s, uint16_t val)
{
    val &= UHCI_CMD_MASK;
    if (val & UHCI_CMD_HCRESET) {
        /* The reset completes at once; the bit clears itself. */
        piix4_usb_hc_reset(s);
        return;
    }
    if ((val & UHCI_CMD_RS) && !(s->cmd & UHCI_CMD_RS)) {
        s->run_origin_ns = clock_get_ns(CLOCK_VIRTUAL);
        s->sts &= ~UHCI_STS_HCHALTED;
    } else if (!(val & UHCI_CMD_RS) && (s->cmd & UHCI_CMD_RS)) {
        /* Stops at the end of the current frame: the counter holds there. */
        s->frnum = piix4_usb_frnum(s);
        s->sts |= UHCI_STS_HCHALTED;
    }
    if ((val & UHCI_CMD_GRESET) && !(s->cmd & UHCI_CMD_GRESET)) {
        /* Global reset: the bus is reset and the controller's logic with it; the
         * bit stays until software ends the reset by clearing it. */
        piix4_usb_hc_reset(s);
        s->cmd = UHCI_CMD_GRESET;
        return;
    }
    s->cmd = val;
}

static void piix4_usb_write_portsc(PIIX4USBState *s, int port, uint16_t val)
{
    /* CSC and PEC (write 1 to clear) are never set: nothing connects. */
    s->portsc[port] = UHCI_PORT_RESERVED | (val & UHCI_PORT_RW);
}

/* Register value at a 16-bit aligned offset (FRBASEADD as its two halves). */
static uint16_t piix4_usb_reg16(const PIIX4USBState *s, unsigned off)
{
    switch (off) {
    case UHCI_USBCMD:
        return s->cmd;
    case UHCI_USBSTS:
        return s->sts;
    case UHCI_USBINTR:
        return s->intr;
    case UHCI_FRNUM:
        return piix4_usb_frnum(s);
    case UHCI_FRBASEADD:
        return (uint16_t)s->flbase;
    case UHCI_FRBASEADD + 2:
        return (uint16_t)(s->flbase >> 16);
    case UHCI_SOFMOD:
        return s->sofmod;
    case UHCI_PORTSC1:
        return s->portsc[0];
    case UHCI_PORTSC2:
        return s->portsc[1];
    default:
        return 0;
    }
}

static void piix4_usb_write_reg16(PIIX4USBState *s, unsigned off, uint16_t val)
{
    switch (off) {
    case UHCI_USBCMD:
        piix4_usb_write_cmd(s, val);
        break;
    case UHCI_USBSTS:
        s->sts &= ~(val & UHCI_STS_W1C & ~UHCI_STS_HCHALTED);
        break;
    case UHCI_USBINTR:
        s->intr = val & UHCI_INTR_MASK;
        break;
    case UHCI_FRNUM:
        /* Software may only set it while halted (design guide 2.1.4). */
        if (s->cmd & UHCI_CMD_RS) {
            mimic_log_mask(LOG_GUEST_ERROR, "piix4-usb: FRNUM written while running\n");
        } else {
            s->frnum = val & UHCI_FRNUM_MASK;
        }
        break;
    case UHCI_FRBASEADD:
        s->flbase = ((s->flbase & 0xffff0000u) | val) & UHCI_FRBASE_MASK;
        break;
    case UHCI_FRBASEADD + 2:
        s->flbase = ((s->flbase & 0x0000ffffu) | ((uint32_t)val << 16)) & UHCI_FRBASE_MASK;
        break;
    case UHCI_SOFMOD:
        s->sofmod = val & 0x7f;
        break;
    case UHCI_PORTSC1:
        piix4_usb_write_portsc(s, 0, val);
        break;
    case UHCI_PORTSC2:
        piix4_usb_write_portsc(s, 1, val);
        break;
    default:
        break;
    }
}

static uint64_t piix4_usb_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PIIX4USBState *s = opaque;
    uint64_t val = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned off = (unsigned)addr + i;
        uint16_t reg = piix4_usb_reg16(s, off & ~1u);

        val |= (uint64_t)((off & 1) ? reg >> 8 : reg & 0xff) << (8 * i);
    }
    return val;
}

static void piix4_usb_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PIIX4USBState *s = opaque;

    /*
     * Register by register (FRBASEADD as two 16-bit halves, low first). A byte write
     * keeps the register's other byte, except in USBSTS, where the bytes not
     * written count as zeros so that they clear nothing.
     */
    for (unsigned i = 0; i < size;) {
        unsigned at = (unsigned)addr + i, reg = at & ~1u;
        bool word = !(at & 1) && size - i >= 2;
        uint16_t lanes = word ? 0xffff : (at & 1) ? 0xff00 : 0x00ff;
        uint16_t bytes = word ? (uint16_t)(val >> (8 * i))
                              : (uint16_t)(((val >> (8 * i)) & 0xff) << (8 * (at & 1)));
        uint16_t keep = reg == UHCI_USBSTS ? 0 : piix4_usb_reg16(s, reg);

        piix4_usb_write_reg16(s, reg, (uint16_t)((keep & ~lanes) | bytes));
        i += word ? 2 : 1;
    }
}

static const MemoryRegionOps piix4_usb_io_ops = {
    .read = piix4_usb_io_read,
    .write = piix4_usb_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void piix4_usb_reset(DeviceState *dev)
{
    PIIX4USBState *s = (PIIX4USBState *)dev;

    pci_device_reset(&s->pci);
    s->pci.config[PIIX4_USB_SBRNUM] = 0x10;            /* USB 1.0 */
    pci_set_word(s->pci.config + PIIX4_USB_LEGSUP, 0x2000);
    piix4_usb_hc_reset(s);
}

static bool piix4_usb_realize(DeviceState *dev, GError **errp)
{
    PIIX4USBState *s = (PIIX4USBState *)dev;

    pci_device_init_config(&s->pci);
    memory_region_init_io(&s->io, &piix4_usb_io_ops, s, "piix4-uhci", UHCI_IO_SIZE);
    pci_register_bar(&s->pci, 4, PCI_BASE_ADDRESS_SPACE_IO, UHCI_IO_SIZE, &s->io);
    memset(s->pci.wmask + PIIX4_USB_LEGSUP, 0xff, 2);
    piix4_usb_reset(dev);
    return true;
}

static int piix4_usb_post_load(void *opaque, int version_id)
{
    PIIX4USBState *s = opaque;

    if (version_id < 2) {
        /* Snapshots of the header-only function: the controller as after reset. */
        piix4_usb_hc_reset(s);
    } else if (s->cmd & UHCI_CMD_RS) {
        /* The counter continues from the saved frame, in this run's clock. */
        s->run_origin_ns = clock_get_ns(CLOCK_VIRTUAL);
    }
    return 0;
}

static int piix4_usb_pre_save(void *opaque)
{
    PIIX4USBState *s = opaque;

    /* Save the frame reached, so the stream holds no clock origin. */
    if (s->cmd & UHCI_CMD_RS) {
        s->frnum = piix4_usb_frnum(s);
        s->run_origin_ns = clock_get_ns(CLOCK_VIRTUAL);
    }
    return 0;
}

static const VMStateField piix4_usb_vmstate_fields[] = {
    VMSTATE_STRUCT(pci, PIIX4USBState, vmstate_pci_device, PCIDevice),
    VMSTATE_UINT16_V(cmd, PIIX4USBState, 2),
    VMSTATE_UINT16_V(sts, PIIX4USBState, 2),
    VMSTATE_UINT16_V(intr, PIIX4USBState, 2),
    VMSTATE_UINT16_V(frnum, PIIX4USBState, 2),
    VMSTATE_UINT32_V(flbase, PIIX4USBState, 2),
    VMSTATE_UINT8_V(sofmod, PIIX4USBState, 2),
    VMSTATE_ARRAY_V(portsc, PIIX4USBState, 2, VMS_UINT16, uint16_t, 2),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription piix4_usb_vmstate = {
    .name = "piix4-usb",
    .version_id = 2,
    .minimum_version_id = 1,
    .pre_save = piix4_usb_pre_save,
    .post_load = piix4_usb_post_load,
    .fields = piix4_usb_vmstate_fields,
};

const PCIDeviceClass piix4_usb_class = {
    .parent = {
        .name = "piix4-usb-uhci",
        .desc = "Intel 82371AB PIIX4 USB (UHCI, no devices attached)",
        .instance_size = sizeof(PIIX4USBState),
        .realize = piix4_usb_realize,
        .reset = piix4_usb_reset,
        .vmsd = &piix4_usb_vmstate,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7112,
    .revision = 0x01,
    .class_id = PCI_CLASS_SERIAL_USB,
    .prog_if = 0x00,                 /* UHCI */
    .interrupt_pin = 4,              /* INTD#: the PIIX4 drives PIRQD for USB */
};
