/*
 * MIPS Malta board FPGA registers, after the "MIPS Malta User's Manual" (MD00048),
 * chapter "Malta board registers": LEDBAR, ASCIIWORD and ASCIIPOS0-7 (the display
 * is logged whenever it changes and can be read back), SOFTRES (writing GORESET,
 * 0x42, resets the board; under -no-reboot it ends the emulator), BRKRES, SWITCH,
 * STATUS, JMPRS, NMISTATUS/NMIACK, GPOUT/GPINP, the I2C bit-bang port, and the
 * CBUS UART (a 16550 with registers every 8 bytes at offset 0x900).
 *
 * The I2C port carries the SDRAM module's SPD EEPROM (a 24C02 at address 0x50,
 * contents per the JEDEC SPD layout for PC100 SDRAM), which firmware such as YAMON
 * reads to size memory: random and sequential reads are modelled, writes are
 * acknowledged and ignored (SPD data is write-protected).
 *
 * Not modelled: NMI sources, and the break-resets-board function of BRKRES (the
 * bit is kept).
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

/* ---- SPD EEPROM on the I2C bus ---- */

enum {
    SPD_IDLE, SPD_ADDR, SPD_WORDADDR, SPD_WDATA, SPD_READ, SPD_READ_ACK,
};
#define SPD_ACKING 0x80      /* the EEPROM holds ACK for one clock, then goes on */

void malta_spd_fill(uint8_t *d, uint64_t ram_size)
{
    uint64_t size = 32 << 20;
    unsigned log2size = 25, addr_bits, rows, sum = 0;

    /* One rank of x8 devices with 4 internal banks on a 64-bit module: bytes =
     * 2^(rows + cols) * 4 * 8. Describe the largest such module that fits. */
    while (size * 2 <= MIN_U(ram_size, 256ULL << 20)) {
        size *= 2;
        log2size++;
    }
    addr_bits = log2size - 5;
    rows = addr_bits >= 22 ? 13 : 12;
    memset(d, 0, MALTA_SPD_SIZE);
    d[0] = 128;             /* bytes written by the module maker */
    d[1] = 8;               /* log2 of the EEPROM size */
    d[2] = 4;               /* memory type: SDRAM */
    d[3] = rows;
    d[4] = addr_bits - rows;
    d[5] = 1;               /* module ranks */
    d[6] = 64;              /* data width */
    d[8] = 1;               /* LVTTL */
    d[9] = 0x75;            /* tCK 7.5 ns at the highest CAS latency */
    d[10] = 0x54;           /* tAC 5.4 ns */
    d[12] = 0x80;           /* refresh 15.625 us, self refresh */
    d[13] = 8;              /* x8 devices */
    d[15] = 1;              /* tCCD */
    d[16] = 0x8f;           /* burst lengths 1, 2, 4, 8, page */
    d[17] = 4;              /* banks per device */
    d[18] = 0x06;           /* CAS latency 2 and 3 */
    d[19] = 0x01;
    d[20] = 0x01;
    d[22] = 0x0e;
    d[23] = 0xa0;           /* tCK 10 ns at CL-1 */
    d[24] = 0x60;
    d[27] = 0x14;           /* tRP 20 ns */
    d[28] = 0x0f;           /* tRRD 15 ns */
    d[29] = 0x14;           /* tRCD 20 ns */
    d[30] = 0x2d;           /* tRAS 45 ns */
    d[31] = 1u << (log2size - 22);   /* rank density: bit 0 = 4 MiB */
    d[32] = 0x15;
    d[33] = 0x08;
    d[34] = 0x15;
    d[35] = 0x08;
    d[62] = 0x12;           /* SPD revision 1.2 */
    for (int i = 0; i < 63; i++) {
        sum += d[i];
    }
    d[63] = sum & 0xff;
    d[126] = 0x64;          /* 100 MHz */
    d[127] = 0x87;
}

static void malta_spd_reset(MaltaSPDState *e)
{
    e->state = SPD_IDLE;
    e->bitcnt = e->shift = 0;
    e->scl = e->sda = 1;
    e->sda_out = 1;
    e->master_ack = 0;
}

static void malta_spd_load_byte(MaltaSPDState *e)
{
    e->shift = e->data[e->ptr++];
    e->bitcnt = 0;
    e->sda_out = e->shift >> 7;
    e->state = SPD_READ;
}

/* The end of the 8th bit of a byte the master sent: acknowledge it or not. */
static void malta_spd_byte_received(MaltaSPDState *e)
{
    switch (e->state) {
    case SPD_ADDR:
        if ((e->shift >> 1) != MALTA_SPD_I2C_ADDR) {
            e->state = SPD_IDLE;            /* not us: no ACK, wait for START */
            return;
        }
        e->state = SPD_ACKING | ((e->shift & 1) ? SPD_READ : SPD_WORDADDR);
        break;
    case SPD_WORDADDR:
        e->ptr = e->shift;
        e->state = SPD_ACKING | SPD_WDATA;
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "malta-fpga: write to write-protected SPD "
                       "byte 0x%02x\n", e->ptr);
        e->ptr++;
        e->state = SPD_ACKING | SPD_WDATA;
        break;
    }
    e->sda_out = 0;
}

/* The master has set new SCL/SDA levels (1 = released/high). */
static void malta_spd_bus(MaltaSPDState *e, int scl, int sda)
{
    if (e->scl && scl && e->sda != sda) {
        /* SDA moving while SCL is high: START (falling) or STOP (rising). */
        if (!sda) {
            e->state = SPD_ADDR;
            e->bitcnt = e->shift = 0;
        } else {
            e->state = SPD_IDLE;
        }
        e->sda_out = 1;
    } else if (!e->scl && scl) {
        /* Rising edge: the receiver samples. */
        switch (e->state) {
        case SPD_ADDR:
        case SPD_WORDADDR:
        case SPD_WDATA:
            e->shift = e->shift << 1 | (sda & e->sda_out & 1);
            e->bitcnt++;
            break;
        case SPD_READ_ACK:
            e->master_ack = !sda;
            break;
        }
    } else if (e->scl && !scl) {
        /* Falling edge: the transmitter moves on to its next bit. */
        if (e->state & SPD_ACKING) {
            int next = e->state & ~SPD_ACKING;

            e->sda_out = 1;
            if (next == SPD_READ) {
                malta_spd_load_byte(e);
            } else {
                e->state = next;
                e->bitcnt = e->shift = 0;
            }
        } else if (e->state == SPD_READ) {
            if (++e->bitcnt < 8) {
                e->sda_out = (e->shift >> (7 - e->bitcnt)) & 1;
            } else {
                e->sda_out = 1;                 /* the master acknowledges */
                e->state = SPD_READ_ACK;
            }
        } else if (e->state == SPD_READ_ACK) {
            if (e->master_ack) {
                malta_spd_load_byte(e);
            } else {
                e->state = SPD_IDLE;            /* NACK: the master will STOP */
            }
        } else if ((e->state == SPD_ADDR || e->state == SPD_WORDADDR ||
                    e->state == SPD_WDATA) && e->bitcnt == 8) {
            malta_spd_byte_received(e);
        }
    }
    e->scl = scl;
    e->sda = sda;
}

/* Levels the FPGA drives (open drain: an enabled output at 0 pulls low). */
static void malta_fpga_i2c_update(MaltaFPGAState *s)
{
    int sda = !(s->i2coe & 1) || (s->i2cout & 1);
    int scl = !(s->i2coe & 2) || (s->i2cout & 2);

    malta_spd_bus(&s->spd, scl, sda);
}

/* SDA (bit 0) and SCL (bit 1) as they are on the wire. */
static uint32_t malta_fpga_i2c_inputs(MaltaFPGAState *s)
{
    int sda = (!(s->i2coe & 1) || (s->i2cout & 1)) && s->spd.sda_out;
    int scl = !(s->i2coe & 2) || (s->i2cout & 2);

    return (uint32_t)scl << 1 | sda;
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
        malta_fpga_i2c_update(s);
        break;
    case MALTA_FPGA_I2COUT:
        s->i2cout = v & 3;
        malta_fpga_i2c_update(s);
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
    malta_spd_reset(&s->spd);
}

static bool malta_fpga_realize(DeviceState *dev, GError **errp)
{
    MaltaFPGAState *s = (MaltaFPGAState *)dev;

    malta_spd_fill(s->spd.data, s->ram_size);
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

static const VMStateField malta_spd_vmstate_fields[] = {
    VMSTATE_UINT8(state, MaltaSPDState),
    VMSTATE_UINT8(bitcnt, MaltaSPDState),
    VMSTATE_UINT8(shift, MaltaSPDState),
    VMSTATE_UINT8(ptr, MaltaSPDState),
    VMSTATE_UINT8(scl, MaltaSPDState),
    VMSTATE_UINT8(sda, MaltaSPDState),
    VMSTATE_UINT8(sda_out, MaltaSPDState),
    VMSTATE_UINT8(master_ack, MaltaSPDState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription malta_spd_vmstate = {
    .name = "malta-spd",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = malta_spd_vmstate_fields,
};

static const VMStateField malta_fpga_vmstate_fields[] = {
    VMSTATE_UINT32(leds, MaltaFPGAState),
    VMSTATE_UINT32(brk, MaltaFPGAState),
    VMSTATE_UINT32(gpout, MaltaFPGAState),
    VMSTATE_UINT32(i2coe, MaltaFPGAState),
    VMSTATE_UINT32(i2cout, MaltaFPGAState),
    VMSTATE_UINT32(i2csel, MaltaFPGAState),
    VMSTATE_BUFFER(display, MaltaFPGAState),
    VMSTATE_STRUCT(spd, MaltaFPGAState, malta_spd_vmstate, MaltaSPDState),
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
    DEFINE_PROP_UINT64("ram-size", MaltaFPGAState, ram_size, 128ULL << 20),
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
                                Chardev *chr, uint64_t ram_size, GError **errp)
{
    MaltaFPGAState *s = (MaltaFPGAState *)qdev_new(&malta_fpga_class, "malta-fpga");

    qdev_prop_set_uint64(DEVICE(s), "ram-size", ram_size);
    if (!qdev_realize(DEVICE(s), errp)) {
        return NULL;
    }
    memory_region_add_subregion(space, base, &s->container);
    s->uart = serial_mm_init(&s->container, MALTA_FPGA_UART, 3, uart_irq, chr,
                             "cbus-uart");
    return s;
}
