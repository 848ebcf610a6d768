/*
 * MIPS Malta board FPGA registers, after the "MIPS Malta User's Manual" (MD00048),
 * chapter "Malta board registers": LEDBAR, ASCIIWORD and ASCIIPOS0-7 (the display
 * is logged whenever it changes and can be read back), SOFTRES (writing GORESET,
 * 0x42, resets the board; under -no-reboot it ends the emulator), BRKRES, SWITCH,
 * STATUS, JMPRS, NMISTATUS/NMIACK, GPOUT/GPINP, the I2C bit-bang port, and the
 * CBUS UART (a 16550 with registers every 8 bytes at offset 0x900).
 *
 * Not modelled: the SPD EEPROM behind the I2C port (the bus floats high: nothing
 * acknowledges, so firmware that sizes SDRAM from SPD finds no module), NMI
 * sources, and the break-resets-board function of BRKRES (the bit is kept).
 */
#include "qemu/osdep.h"
#include "hw/misc/malta-fpga.h"
#include "hw/char/serial.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"

#define MALTA_FPGA_STATUS_LE   0x10
#define MALTA_FPGA_STATUS_BE   0x02

const char *malta_fpga_display_text(MaltaFPGAState *s)
{
    return s->display;
}

static void malta_fpga_display_changed(MaltaFPGAState *s)
{
    /* The display goes to the log only when a log is wanted, so that it does not
     * mix with a serial console on stderr. */
    if (mimic_loglevel || (mimic_logfile && mimic_logfile != stderr)) {
        char bar[9];

        for (int i = 0; i < 8; i++) {
            bar[i] = (s->leds & (0x80 >> i)) ? '#' : '.';
        }
        bar[8] = 0;
        mimic_log("malta display: [%s] leds [%s]\n", s->display, bar);
    }
}

/* SDA (bit 0) and SCL (bit 1) read back as driven, or high (pull-ups). */
static uint32_t malta_fpga_i2c_inputs(MaltaFPGAState *s)
{
    uint32_t pulled_low = s->i2coe & ~s->i2cout & 3;

    return ~pulled_low & 3;
}

uint64_t malta_fpga_read(void *opaque, hwaddr off, unsigned size)
{
    MaltaFPGAState *s = opaque;
    unsigned reg = off & ~3u;
    uint32_t v;

    switch (reg) {
    case MALTA_FPGA_NMISTATUS:
        v = 0;
        break;
    case MALTA_FPGA_SWITCH:
        v = s->switches & 0xff;
        break;
    case MALTA_FPGA_STATUS:
        v = s->big_endian ? MALTA_FPGA_STATUS_LE | MALTA_FPGA_STATUS_BE
                          : MALTA_FPGA_STATUS_LE;
        break;
    case MALTA_FPGA_JMPRS:
        v = 0;
        break;
    case MALTA_FPGA_LEDBAR:
        v = s->leds;
        break;
    case MALTA_FPGA_ASCIIPOS0 ... MALTA_FPGA_ASCIIPOS7 + 3:
        if ((reg - MALTA_FPGA_ASCIIPOS0) & 7) {
            v = 0;
        } else {
            v = (uint8_t)s->display[(reg - MALTA_FPGA_ASCIIPOS0) >> 3];
        }
        break;
    case MALTA_FPGA_SOFTRES:
        v = 0;
        break;
    case MALTA_FPGA_BRKRES:
        v = s->brk;
        break;
    case MALTA_FPGA_GPOUT:
        v = s->gpout;
        break;
    case MALTA_FPGA_GPINP:
        v = 0;
        break;
    case MALTA_FPGA_I2CINP:
        v = malta_fpga_i2c_inputs(s);
        break;
    case MALTA_FPGA_I2COE:
        v = s->i2coe;
        break;
    case MALTA_FPGA_I2COUT:
        v = s->i2cout;
        break;
    case MALTA_FPGA_I2CSEL:
        v = s->i2csel;
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "malta-fpga: read of unknown register 0x%05"
                       HWADDR_PRIx "\n", off);
        v = 0;
        break;
    }
    v >>= 8 * (off & 3);
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void malta_fpga_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    MaltaFPGAState *s = opaque;
    unsigned reg = off & ~3u;
    uint32_t v = (uint32_t)val << (8 * (off & 3));

    switch (reg) {
    case MALTA_FPGA_NMIACK:
    case MALTA_FPGA_SWITCH:
    case MALTA_FPGA_JMPRS:
        break;
    case MALTA_FPGA_LEDBAR:
        s->leds = v & 0xff;
        malta_fpga_display_changed(s);
        break;
    case MALTA_FPGA_ASCIIWORD:
        /* The display shows the word as eight hexadecimal digits. */
        snprintf(s->display, sizeof(s->display), "%08X", (uint32_t)val);
        malta_fpga_display_changed(s);
        break;
    case MALTA_FPGA_ASCIIPOS0 ... MALTA_FPGA_ASCIIPOS7 + 3:
        if ((reg - MALTA_FPGA_ASCIIPOS0) & 7) {
            mimic_log_mask(LOG_GUEST_ERROR, "malta-fpga: write between ASCIIPOS registers\n");
            break;
        }
        s->display[(reg - MALTA_FPGA_ASCIIPOS0) >> 3] = (char)(v & 0xff) ? (char)(v & 0xff)
                                                                          : ' ';
        malta_fpga_display_changed(s);
        break;
    case MALTA_FPGA_SOFTRES:
        if ((val & 0xff) == MALTA_FPGA_SOFTRES_GORESET) {
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
        break;
    case MALTA_FPGA_BRKRES:
        s->brk = v & 0xff;
        break;
    case MALTA_FPGA_GPOUT:
        s->gpout = v & 0xff;
        break;
    case MALTA_FPGA_I2COE:
        s->i2coe = v & 3;
        break;
    case MALTA_FPGA_I2COUT:
        s->i2cout = v & 3;
        break;
    case MALTA_FPGA_I2CSEL:
        s->i2csel = v & 1;
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "malta-fpga: write 0x%" PRIx64
                       " to unknown register 0x%05" HWADDR_PRIx "\n", val, off);
        break;
    }
}

static uint64_t malta_fpga_hi_read(void *opaque, hwaddr off, unsigned size)
{
    return malta_fpga_read(opaque, off + MALTA_FPGA_UART_END, size);
}

static void malta_fpga_hi_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    malta_fpga_write(opaque, off + MALTA_FPGA_UART_END, val, size);
}

static const MemoryRegionOps malta_fpga_lo_ops = {
    .read = malta_fpga_read,
    .write = malta_fpga_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps malta_fpga_hi_ops = {
    .read = malta_fpga_hi_read,
    .write = malta_fpga_hi_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void malta_fpga_reset(DeviceState *dev)
{
    MaltaFPGAState *s = (MaltaFPGAState *)dev;

    s->leds = 0;
    s->brk = 0x0a;
    s->gpout = 0;
    s->i2coe = 0;
    s->i2cout = 0;
    s->i2csel = 1;
    memcpy(s->display, "        ", 9);
}

static bool malta_fpga_realize(DeviceState *dev, GError **errp)
{
    MaltaFPGAState *s = (MaltaFPGAState *)dev;

    memory_region_init(&s->container, "malta-fpga", MALTA_FPGA_SIZE);
    memory_region_init_io(&s->regs_lo, &malta_fpga_lo_ops, s, "malta-fpga-regs",
                          MALTA_FPGA_UART);
    memory_region_init_io(&s->regs_hi, &malta_fpga_hi_ops, s, "malta-fpga-regs-hi",
                          MALTA_FPGA_SIZE - MALTA_FPGA_UART_END);
    memory_region_add_subregion(&s->container, 0, &s->regs_lo);
    memory_region_add_subregion(&s->container, MALTA_FPGA_UART_END, &s->regs_hi);
    malta_fpga_reset(dev);
    return true;
}

static const VMStateField malta_fpga_vmstate_fields[] = {
    VMSTATE_UINT32(leds, MaltaFPGAState),
    VMSTATE_UINT32(brk, MaltaFPGAState),
    VMSTATE_UINT32(gpout, MaltaFPGAState),
    VMSTATE_UINT32(i2coe, MaltaFPGAState),
    VMSTATE_UINT32(i2cout, MaltaFPGAState),
    VMSTATE_UINT32(i2csel, MaltaFPGAState),
    VMSTATE_BUFFER(display, MaltaFPGAState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription malta_fpga_vmstate = {
    .name = "malta-fpga",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = malta_fpga_vmstate_fields,
};

static const Property malta_fpga_props[] = {
    DEFINE_PROP_UINT32("switches", MaltaFPGAState, switches, 0),
    DEFINE_PROP_UINT32("big-endian", MaltaFPGAState, big_endian, 0),
    DEFINE_PROP_END_OF_LIST()
};

const DeviceClass malta_fpga_class = {
    .name = "malta-fpga",
    .desc = "MIPS Malta board FPGA",
    .instance_size = sizeof(MaltaFPGAState),
    .realize = malta_fpga_realize,
    .reset = malta_fpga_reset,
    .vmsd = &malta_fpga_vmstate,
    .props = malta_fpga_props,
};

static void __attribute__((constructor)) malta_fpga_register(void)
{
    device_class_register(&malta_fpga_class);
}

MaltaFPGAState *malta_fpga_init(MemoryRegion *space, hwaddr base, IRQLine *uart_irq,
                                Chardev *chr, GError **errp)
{
    MaltaFPGAState *s = (MaltaFPGAState *)qdev_new(&malta_fpga_class, "malta-fpga");

    if (!qdev_realize(DEVICE(s), errp)) {
        return NULL;
    }
    memory_region_add_subregion(space, base, &s->container);
    s->uart = serial_mm_init(&s->container, MALTA_FPGA_UART, 3, uart_irq, chr,
                             "cbus-uart");
    return s;
}
