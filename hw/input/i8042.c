/*
 * Intel 8042-compatible keyboard controller of the PC/AT (IBM PC AT Technical
 * Reference, "Keyboard Controller"; the command set as later documented for the
 * VIA/AMI 8042 firmwares), with a PS/2 keyboard and a PS/2 mouse behind it
 * (IBM PS/2 Hardware Interface Technical Reference, "Keyboard/Auxiliary Device
 * Controller").
 *
 * Modelled: status register, command byte and the rest of the controller RAM,
 * self-test (0xAA -> 0x55), interface tests, enabling/disabling both interfaces,
 * the output port (CPU reset line, A20 gate) through 0xD0/0xD1, 0xDD/0xDF and the
 * pulse commands 0xF0-0xFF (0xFE resets the machine), writes to the mouse and
 * loop-back of either output buffer (0xD2/0xD3), and the command sets of a
 * keyboard and a mouse: reset, identify, LEDs, scan code set, typematic rate,
 * enable/disable, mouse status, resolution, sample rate and wrap flag.
 *
 * Keys come from the monitor's sendkey (set 1 codes): with the command byte's
 * translation bit set (what BIOSes and Linux use) the keyboard's set 2 codes leave
 * the controller as set 1, so set 1 is queued; without it the keyboard's set 2
 * make/break codes are queued.
 *
 * Not modelled: host mouse input (mimic has no display), scan code set 3 and the
 * translation of set 1 codes a keyboard switched to set 1 would send (keys then go
 * out untranslated, as set 1), the password commands, parity and timeout errors.
 */
#include "qemu/osdep.h"
#include "hw/input/i8042.h"
#include "migration/vmstate.h"
#include "monitor/monitor.h"

#define KBD_ACK            0xfa
#define KBD_RESEND         0xfe
#define KBD_BAT_OK         0xaa
#define KBD_ECHO           0xee

#define AUX_STATUS_STREAM  0x20

static void i8042_queue_reset(I8042Queue *q)
{
    q->head = 0;
    q->count = 0;
}

static void i8042_queue_push(I8042Queue *q, uint8_t b)
{
    if (q->count >= I8042_QUEUE_SIZE) {
        mimic_log_mask(LOG_GUEST_ERROR, "i8042: device queue overflow, byte "
                       "0x%02x dropped\n", b);
        return;
    }
    q->data[(q->head + q->count) % I8042_QUEUE_SIZE] = b;
    q->count++;
}

static uint8_t i8042_queue_pop(I8042Queue *q)
{
    uint8_t b = q->data[q->head];

    q->head = (q->head + 1) % I8042_QUEUE_SIZE;
    q->count--;
    return b;
}

/* Interrupt outputs follow the output buffer, gated by the command byte. */
static void i8042_update_irq(I8042State *s)
{
    bool full = s->status & I8042_STR_OBF;
    bool aux = s->status & I8042_STR_AUXDATA;
    int kbd = full && !aux && (s->mode & I8042_CTR_KBDINT);
    int mouse = full && aux && (s->mode & I8042_CTR_AUXINT);

    s->outport &= ~(I8042_OUT_KBD_OBF | I8042_OUT_AUX_OBF);
    if (full) {
        s->outport |= aux ? I8042_OUT_AUX_OBF : I8042_OUT_KBD_OBF;
    }
    if (kbd != s->kbd_irq_level) {
        s->kbd_irq_level = kbd;
        irq_set(s->kbd_irq, kbd);
    }
    if (mouse != s->aux_irq_level) {
        s->aux_irq_level = mouse;
        irq_set(s->aux_irq, mouse);
    }
}

/* Move the next device byte into an empty output buffer. */
static void i8042_update(I8042State *s)
{
    if (!(s->status & I8042_STR_OBF)) {
        if (s->kbd_queue.count && !(s->mode & I8042_CTR_KBDDIS)) {
            s->obuf = i8042_queue_pop(&s->kbd_queue);
            s->status = (s->status & ~I8042_STR_AUXDATA) | I8042_STR_OBF;
        } else if (s->aux_queue.count && !(s->mode & I8042_CTR_AUXDIS)) {
            s->obuf = i8042_queue_pop(&s->aux_queue);
            s->status |= I8042_STR_OBF | I8042_STR_AUXDATA;
        }
    }
    i8042_update_irq(s);
}

/* A byte produced by the controller itself (command replies). */
static void i8042_reply(I8042State *s, uint8_t b, bool aux)
{
    s->obuf = b;
    s->status |= I8042_STR_OBF;
    if (aux) {
        s->status |= I8042_STR_AUXDATA;
    } else {
        s->status &= ~I8042_STR_AUXDATA;
    }
    i8042_update_irq(s);
}

static void i8042_set_mode(I8042State *s, uint8_t mode)
{
    s->mode = mode;
    s->ram[0] = mode;
    if (mode & I8042_CTR_SYSFLAG) {
        s->status |= I8042_STR_SYS;
    } else {
        s->status &= ~I8042_STR_SYS;
    }
    i8042_update(s);
}

static void i8042_set_outport(I8042State *s, uint8_t val)
{
    uint8_t changed = s->outport ^ val;

    s->outport = val;
    if (changed & I8042_OUT_A20) {
        irq_set(s->a20_out, !!(val & I8042_OUT_A20));
    }
    if (!(val & I8042_OUT_RESET)) {
        /* The reset line is active low: the board resets everything, including
         * this controller, which brings the line back up. */
        s->outport |= I8042_OUT_RESET;
        irq_pulse(s->reset_out);
    }
}

/* ---- the PS/2 keyboard ---- */

static void i8042_kbd_reset_defaults(I8042State *s)
{
    s->kbd_scancode_set = 2;
    s->kbd_leds = 0;
    s->kbd_pending = 0;
}

static void i8042_kbd_write(I8042State *s, uint8_t val)
{
    I8042Queue *q = &s->kbd_queue;

    if (s->kbd_pending) {
        uint8_t cmd = s->kbd_pending;

        s->kbd_pending = 0;
        switch (cmd) {
        case 0xed:                      /* set LEDs */
            s->kbd_leds = val & 7;
            i8042_queue_push(q, KBD_ACK);
            break;
        case 0xf0:                      /* get/set scan code set */
            i8042_queue_push(q, KBD_ACK);
            if (val == 0) {
                i8042_queue_push(q, s->mode & I8042_CTR_XLATE ?
                                 (s->kbd_scancode_set == 1 ? 0x43 :
                                  s->kbd_scancode_set == 2 ? 0x41 : 0x3f) :
                                 s->kbd_scancode_set);
            } else if (val <= 3) {
                s->kbd_scancode_set = val;
            }
            break;
        case 0xf3:                      /* typematic rate/delay */
        default:
            i8042_queue_push(q, KBD_ACK);
            break;
        }
        i8042_update(s);
        return;
    }

    switch (val) {
    case 0xff:                          /* reset and self-test */
        i8042_queue_reset(q);
        i8042_kbd_reset_defaults(s);
        s->kbd_enabled = true;
        i8042_queue_push(q, KBD_ACK);
        i8042_queue_push(q, KBD_BAT_OK);
        break;
    case 0xf2:                          /* identify: MF2 keyboard */
        i8042_queue_push(q, KBD_ACK);
        i8042_queue_push(q, 0xab);
        i8042_queue_push(q, s->mode & I8042_CTR_XLATE ? 0x41 : 0x83);
        break;
    case 0xee:
        i8042_queue_push(q, KBD_ECHO);
        break;
    case 0xf4:
        s->kbd_enabled = true;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xf5:                          /* defaults and disable */
        i8042_kbd_reset_defaults(s);
        s->kbd_enabled = false;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xf6:                          /* defaults */
        i8042_kbd_reset_defaults(s);
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xed:
    case 0xf0:
    case 0xf3:
        s->kbd_pending = val;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xf7 ... 0xfd:                 /* key type settings (set 3) */
        i8042_queue_push(q, KBD_ACK);
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "i8042: unknown keyboard command 0x%02x\n",
                       val);
        i8042_queue_push(q, KBD_RESEND);
        break;
    }
    i8042_update(s);
}

/* Set 1 make code (low byte; 0xe0-prefixed keys alike) -> the set 2 make code. */
static const uint8_t i8042_set1_to_set2[0x80] = {
    [0x01] = 0x76, [0x02] = 0x16, [0x03] = 0x1e, [0x04] = 0x26, [0x05] = 0x25,
    [0x06] = 0x2e, [0x07] = 0x36, [0x08] = 0x3d, [0x09] = 0x3e, [0x0a] = 0x46,
    [0x0b] = 0x45, [0x0c] = 0x4e, [0x0d] = 0x55, [0x0e] = 0x66, [0x0f] = 0x0d,
    [0x10] = 0x15, [0x11] = 0x1d, [0x12] = 0x24, [0x13] = 0x2d, [0x14] = 0x2c,
    [0x15] = 0x35, [0x16] = 0x3c, [0x17] = 0x43, [0x18] = 0x44, [0x19] = 0x4d,
    [0x1a] = 0x54, [0x1b] = 0x5b, [0x1c] = 0x5a, [0x1d] = 0x14, [0x1e] = 0x1c,
    [0x1f] = 0x1b, [0x20] = 0x23, [0x21] = 0x2b, [0x22] = 0x34, [0x23] = 0x33,
    [0x24] = 0x3b, [0x25] = 0x42, [0x26] = 0x4b, [0x27] = 0x4c, [0x28] = 0x52,
    [0x29] = 0x0e, [0x2a] = 0x12, [0x2b] = 0x5d, [0x2c] = 0x1a, [0x2d] = 0x22,
    [0x2e] = 0x21, [0x2f] = 0x2a, [0x30] = 0x32, [0x31] = 0x31, [0x32] = 0x3a,
    [0x33] = 0x41, [0x34] = 0x49, [0x35] = 0x4a, [0x36] = 0x59, [0x37] = 0x7c,
    [0x38] = 0x11, [0x39] = 0x29, [0x3a] = 0x58, [0x3b] = 0x05, [0x3c] = 0x06,
    [0x3d] = 0x04, [0x3e] = 0x0c, [0x3f] = 0x03, [0x40] = 0x0b, [0x41] = 0x83,
    [0x42] = 0x0a, [0x43] = 0x01, [0x44] = 0x09, [0x45] = 0x77, [0x46] = 0x7e,
    [0x47] = 0x6c, [0x48] = 0x75, [0x49] = 0x7d, [0x4a] = 0x7b, [0x4b] = 0x6b,
    [0x4c] = 0x73, [0x4d] = 0x74, [0x4e] = 0x79, [0x4f] = 0x69, [0x50] = 0x72,
    [0x51] = 0x7a, [0x52] = 0x70, [0x53] = 0x71, [0x56] = 0x61, [0x57] = 0x78,
    [0x58] = 0x07, [0x5b] = 0x1f, [0x5c] = 0x27, [0x5d] = 0x2f,
};

/* A key pressed or released (sendkey): keycode is set 1, 0xe0xx for extended keys. */
static void i8042_kbd_key(void *opaque, int keycode, bool down)
{
    I8042State *s = opaque;
    bool ext = (keycode & 0xff00) == 0xe000;
    uint8_t make = keycode & 0x7f;

    /* A disabled keyboard does not scan; a disabled interface holds keys back in
     * the queue (i8042_update does not move them). */
    if (!s->kbd_enabled) {
        return;
    }
    if (s->kbd_scancode_set == 3) {
        mimic_log_mask(LOG_UNIMP, "i8042: key 0x%x dropped: scan code set 3\n", keycode);
        return;
    }
    /* All of a key's bytes or none: a half sequence would confuse the guest. */
    if (s->kbd_queue.count + 3 > I8042_QUEUE_SIZE) {
        mimic_log_mask(LOG_GUEST_ERROR, "i8042: keyboard buffer full, key 0x%x "
                       "dropped\n", keycode);
        return;
    }
    if ((s->mode & I8042_CTR_XLATE) || s->kbd_scancode_set == 1) {
        if (ext) {
            i8042_queue_push(&s->kbd_queue, 0xe0);
        }
        i8042_queue_push(&s->kbd_queue, make | (down ? 0 : 0x80));
    } else {
        uint8_t code = i8042_set1_to_set2[make];

        if (!code) {
            mimic_log_mask(LOG_UNIMP, "i8042: key 0x%x has no set 2 code here\n",
                           keycode);
            return;
        }
        if (ext) {
            i8042_queue_push(&s->kbd_queue, 0xe0);
        }
        if (!down) {
            i8042_queue_push(&s->kbd_queue, 0xf0);
        }
        i8042_queue_push(&s->kbd_queue, code);
    }
    i8042_update(s);
}

/* ---- the PS/2 mouse ---- */

static void i8042_aux_reset_defaults(I8042State *s)
{
    s->aux_status = 0;
    s->aux_resolution = 2;
    s->aux_sample_rate = 100;
    s->aux_pending = 0;
    s->aux_wrap = false;
}

static void i8042_aux_write(I8042State *s, uint8_t val)
{
    I8042Queue *q = &s->aux_queue;

    if (s->aux_pending) {
        uint8_t cmd = s->aux_pending;

        s->aux_pending = 0;
        if (cmd == 0xe8) {
            s->aux_resolution = val & 3;
        } else {
            s->aux_sample_rate = val;
        }
        i8042_queue_push(q, KBD_ACK);
        i8042_update(s);
        return;
    }
    if (s->aux_wrap && val != 0xec && val != 0xff) {
        i8042_queue_push(q, val);       /* wrap mode echoes everything else */
        i8042_update(s);
        return;
    }

    switch (val) {
    case 0xff:                          /* reset: ack, BAT passed, device id */
        i8042_queue_reset(q);
        i8042_aux_reset_defaults(s);
        i8042_queue_push(q, KBD_ACK);
        i8042_queue_push(q, KBD_BAT_OK);
        i8042_queue_push(q, 0x00);
        break;
    case 0xf2:                          /* get device id: standard mouse */
        i8042_queue_push(q, KBD_ACK);
        i8042_queue_push(q, 0x00);
        break;
    case 0xe9:                          /* status request */
        i8042_queue_push(q, KBD_ACK);
        i8042_queue_push(q, s->aux_status);
        i8042_queue_push(q, s->aux_resolution);
        i8042_queue_push(q, s->aux_sample_rate);
        break;
    case 0xeb:                          /* read data: no motion, no buttons */
        i8042_queue_push(q, KBD_ACK);
        i8042_queue_push(q, 0x08);
        i8042_queue_push(q, 0x00);
        i8042_queue_push(q, 0x00);
        break;
    case 0xe8:
    case 0xf3:
        s->aux_pending = val;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xe6:
        s->aux_status &= ~0x10;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xe7:
        s->aux_status |= 0x10;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xea:                          /* stream mode */
        s->aux_status &= ~0x40;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xf0:                          /* remote mode */
        s->aux_status |= 0x40;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xec:
        s->aux_wrap = false;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xee:
        s->aux_wrap = true;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xf4:
        s->aux_status |= AUX_STATUS_STREAM;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xf5:
        s->aux_status &= ~AUX_STATUS_STREAM;
        i8042_queue_push(q, KBD_ACK);
        break;
    case 0xf6:
        i8042_aux_reset_defaults(s);
        i8042_queue_push(q, KBD_ACK);
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "i8042: unknown mouse command 0x%02x\n", val);
        i8042_queue_push(q, KBD_RESEND);
        break;
    }
    i8042_update(s);
}

/* ---- the controller ---- */

uint64_t i8042_status_read(void *opaque, hwaddr off, unsigned size)
{
    I8042State *s = opaque;

    return s->status;
}

uint64_t i8042_data_read(void *opaque, hwaddr off, unsigned size)
{
    I8042State *s = opaque;
    uint8_t v = s->obuf;

    /* Reading an empty buffer returns the last byte again, as the chip does. */
    s->status &= ~(I8042_STR_OBF | I8042_STR_AUXDATA);
    /* The interrupt line falls with the read and rises again with the next queued
     * byte: the PIC's inputs are edge-triggered, so without the fall every byte
     * after the first of a reply (ACK, id bytes, a key's codes) would be lost. */
    i8042_update_irq(s);
    i8042_update(s);
    return v;
}

void i8042_cmd_write(void *opaque, hwaddr off, uint64_t val64, unsigned size)
{
    I8042State *s = opaque;
    uint8_t val = val64;

    s->status |= I8042_STR_CMDDAT;
    s->pending_cmd = 0;
    switch (val) {
    case 0x20 ... 0x3f:                 /* read controller RAM */
        i8042_reply(s, val == 0x20 ? s->mode : s->ram[val & 0x1f], false);
        break;
    case 0x60 ... 0x7f:                 /* write controller RAM: data follows */
    case 0xd1:                          /* write output port */
    case 0xd2:                          /* write keyboard output buffer */
    case 0xd3:                          /* write mouse output buffer */
    case 0xd4:                          /* write to mouse */
        s->pending_cmd = val;
        break;
    case 0xa7:
        i8042_set_mode(s, s->mode | I8042_CTR_AUXDIS);
        break;
    case 0xa8:
        i8042_set_mode(s, s->mode & ~I8042_CTR_AUXDIS);
        break;
    case 0xa9:                          /* mouse interface test: no error */
    case 0xab:                          /* keyboard interface test: no error */
        i8042_reply(s, 0x00, false);
        break;
    case 0xaa:                          /* controller self-test */
        s->status |= I8042_STR_SYS;
        i8042_reply(s, 0x55, false);
        break;
    case 0xad:
        i8042_set_mode(s, s->mode | I8042_CTR_KBDDIS);
        break;
    case 0xae:
        i8042_set_mode(s, s->mode & ~I8042_CTR_KBDDIS);
        break;
    case 0xc0:                          /* input port: keyboard not inhibited */
        i8042_reply(s, 0x80, false);
        break;
    case 0xd0:
        i8042_reply(s, s->outport, false);
        break;
    case 0xdd:
        i8042_set_outport(s, s->outport & ~I8042_OUT_A20);
        break;
    case 0xdf:
        i8042_set_outport(s, s->outport | I8042_OUT_A20);
        break;
    case 0xe0:                          /* test inputs T0/T1 */
        i8042_reply(s, 0x00, false);
        break;
    case 0xf0 ... 0xff:
        /* Pulse the output port bits whose command bit is 0; only bit 0 (reset)
         * has an effect worth pulsing. */
        if (!(val & 1)) {
            irq_pulse(s->reset_out);
        }
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "i8042: unknown controller command 0x%02x\n",
                       val);
        break;
    }
}

void i8042_data_write(void *opaque, hwaddr off, uint64_t val64, unsigned size)
{
    I8042State *s = opaque;
    uint8_t val = val64;
    uint8_t cmd = s->pending_cmd;

    s->status &= ~I8042_STR_CMDDAT;
    s->pending_cmd = 0;
    switch (cmd) {
    case 0:
        /* Sending to the keyboard enables its interface. */
        if (s->mode & I8042_CTR_KBDDIS) {
            s->mode &= ~I8042_CTR_KBDDIS;
            s->ram[0] = s->mode;
        }
        i8042_kbd_write(s, val);
        break;
    case 0x60:
        i8042_set_mode(s, val);
        break;
    case 0x61 ... 0x7f:
        s->ram[cmd & 0x1f] = val;
        break;
    case 0xd1:
        i8042_set_outport(s, val);
        break;
    case 0xd2:
        i8042_reply(s, val, false);
        break;
    case 0xd3:
        i8042_reply(s, val, true);
        break;
    case 0xd4:
        i8042_aux_write(s, val);
        break;
    }
}

static uint64_t i8042_io_read(void *opaque, hwaddr off, unsigned size)
{
    return i8042_data_read(opaque, off, size);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_io_read,
    .write = i8042_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_cmd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = (I8042State *)dev;

    memset(s->ram, 0, sizeof(s->ram));
    s->status = I8042_STR_CMDDAT | I8042_STR_KEYLOCK;
    s->obuf = 0;
    s->pending_cmd = 0;
    /* A20 enabled and the reset line high, as the BIOS leaves them. */
    s->outport = I8042_OUT_RESET | I8042_OUT_A20;
    i8042_queue_reset(&s->kbd_queue);
    i8042_queue_reset(&s->aux_queue);
    i8042_kbd_reset_defaults(s);
    s->kbd_enabled = true;
    i8042_aux_reset_defaults(s);
    s->kbd_irq_level = 0;
    s->aux_irq_level = 0;
    irq_lower(s->kbd_irq);
    irq_lower(s->aux_irq);
    i8042_set_mode(s, I8042_CTR_KBDINT | I8042_CTR_SYSFLAG | I8042_CTR_XLATE);
}

static bool i8042_realize(DeviceState *dev, GError **errp)
{
    I8042State *s = (I8042State *)dev;

    memory_region_init_io(&s->data_io, &i8042_data_ops, s, "i8042-data", 1);
    memory_region_init_io(&s->cmd_io, &i8042_cmd_ops, s, "i8042-cmd", 1);
    i8042_reset(dev);
    return true;
}

static int i8042_post_load(void *opaque, int version_id)
{
    I8042State *s = opaque;

    if (s->kbd_queue.head >= I8042_QUEUE_SIZE || s->kbd_queue.count > I8042_QUEUE_SIZE ||
        s->aux_queue.head >= I8042_QUEUE_SIZE || s->aux_queue.count > I8042_QUEUE_SIZE) {
        return -EINVAL;
    }
    /* Re-drive the interrupt lines from the loaded output buffer state. */
    irq_set(s->kbd_irq, s->kbd_irq_level);
    irq_set(s->aux_irq, s->aux_irq_level);
    irq_set(s->a20_out, !!(s->outport & I8042_OUT_A20));
    return 0;
}

static const VMStateField i8042_queue_fields[] = {
    VMSTATE_UINT8_ARRAY(data, I8042Queue, I8042_QUEUE_SIZE),
    VMSTATE_UINT32(head, I8042Queue),
    VMSTATE_UINT32(count, I8042Queue),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription i8042_queue_vmstate = {
    .name = "i8042-queue",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = i8042_queue_fields,
};

static const VMStateField i8042_fields[] = {
    VMSTATE_UINT8(status, I8042State),
    VMSTATE_UINT8(mode, I8042State),
    VMSTATE_UINT8(outport, I8042State),
    VMSTATE_UINT8(pending_cmd, I8042State),
    VMSTATE_UINT8(obuf, I8042State),
    VMSTATE_UINT8_ARRAY(ram, I8042State, 32),
    VMSTATE_STRUCT(kbd_queue, I8042State, i8042_queue_vmstate, I8042Queue),
    VMSTATE_UINT8(kbd_pending, I8042State),
    VMSTATE_UINT8(kbd_scancode_set, I8042State),
    VMSTATE_UINT8(kbd_leds, I8042State),
    VMSTATE_BOOL(kbd_enabled, I8042State),
    VMSTATE_STRUCT(aux_queue, I8042State, i8042_queue_vmstate, I8042Queue),
    VMSTATE_UINT8(aux_pending, I8042State),
    VMSTATE_UINT8(aux_status, I8042State),
    VMSTATE_UINT8(aux_resolution, I8042State),
    VMSTATE_UINT8(aux_sample_rate, I8042State),
    VMSTATE_BOOL(aux_wrap, I8042State),
    VMSTATE_INT32(kbd_irq_level, I8042State),
    VMSTATE_INT32(aux_irq_level, I8042State),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription i8042_vmstate = {
    .name = "i8042",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = i8042_post_load,
    .fields = i8042_fields,
};

const DeviceClass i8042_device_class = {
    .name = TYPE_I8042,
    .desc = "i8042 PS/2 keyboard controller",
    .instance_size = sizeof(I8042State),
    .realize = i8042_realize,
    .reset = i8042_reset,
    .vmsd = &i8042_vmstate,
};

static void __attribute__((constructor)) i8042_register(void)
{
    device_class_register(&i8042_device_class);
}

I8042State *i8042_init(MemoryRegion *io_space, IRQLine *kbd_irq, IRQLine *aux_irq,
                       IRQLine *reset_out, IRQLine *a20_out)
{
    I8042State *s = (I8042State *)qdev_new(&i8042_device_class, "i8042");

    s->kbd_irq = kbd_irq;
    s->aux_irq = aux_irq;
    s->reset_out = reset_out;
    s->a20_out = a20_out;
    if (!qdev_realize(DEVICE(s), NULL)) {
        abort();                        /* realize cannot fail */
    }
    memory_region_add_subregion(io_space, I8042_DATA_PORT, &s->data_io);
    memory_region_add_subregion(io_space, I8042_CMD_PORT, &s->cmd_io);
    monitor_register_keyboard(i8042_kbd_key, s);
    return s;
}
