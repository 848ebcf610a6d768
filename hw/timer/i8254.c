/*
 * Intel 8254 programmable interval timer (Intel datasheet 231164, "8254 Programmable
 * Interval Timer"), clocked at the PC's 1.193182 MHz. Three counters at base+0..2 and
 * the control word register at base+3.
 *
 * Modelled: modes 0-5 (6 and 7 alias 2 and 3), binary and BCD counting, LSB / MSB /
 * LSB-then-MSB access, the counter latch command, the read-back command (count and
 * status, with NULL COUNT and OUTPUT), gate inputs (level gating in modes 0, 2, 3, 4;
 * rising-edge trigger in modes 1, 2, 3, 5), and counter 0's OUT driving irq0.
 *
 * Counters are not stepped: the count and OUT are computed from CLOCK_VIRTUAL when
 * read, and one timer follows counter 0's next OUT transition so its interrupt edges
 * come on time. Counters 1 and 2 have no timer; their OUT is sampled on demand
 * (i8254_get_out, PC port 0x61 bit 5).
 *
 * A count rewritten while counting takes effect as the datasheet says: at once in
 * modes 0 and 4, at the next gate trigger in modes 1 and 5, and at the end of the
 * current period in modes 2 and 3 (or at a gate trigger, whichever comes first).
 *
 * Not modelled: the one-clock delay between writing a count and its load into the
 * counting element; mode 3 takes a new count at the end of the full period rather
 * than of the current half period. The power-on state is "unprogrammed" (no
 * counting, OUT high).
 */
#include "qemu/osdep.h"
#include "hw/timer/i8254.h"
#include "migration/vmstate.h"

#define PIT_CW_SC(v)    (((v) >> 6) & 3)
#define PIT_CW_RW(v)    (((v) >> 4) & 3)
#define PIT_CW_MODE(v)  (((v) >> 1) & 7)
#define PIT_CW_BCD      0x01
#define PIT_SC_READBACK 3
#define PIT_RW_LATCH    0

#define PIT_RB_NOCOUNT  0x20
#define PIT_RB_NOSTATUS 0x10

#define PIT_ST_OUTPUT   0x80
#define PIT_ST_NULL     0x40

enum {
    RW_LSB = 1,
    RW_MSB = 2,
    RW_WORD = 3,
    RW_WORD_MSB_LEFT = 4,   /* latch state only: LSB read, MSB pending */
};

static int64_t i8254_ns_to_ticks(int64_t ns)
{
    return muldiv64(ns, I8254_FREQ, NANOSECONDS_PER_SECOND);
}

/* First ns (relative) at which ticks have elapsed: rounds up. */
static int64_t i8254_ticks_to_ns(int64_t ticks)
{
    return (int64_t)(((__int128)ticks * NANOSECONDS_PER_SECOND + I8254_FREQ - 1) /
                     I8254_FREQ);
}

static bool i8254_gate_levels(const PITChannelState *c)
{
    return c->mode == 0 || c->mode == 2 || c->mode == 3 || c->mode == 4;
}

static bool i8254_waits_for_trigger(const PITChannelState *c)
{
    return (c->mode == 1 || c->mode == 5) && !c->triggered;
}

/* CLK pulses counted since count was loaded (gate pauses excluded). */
static int64_t i8254_elapsed(const PITChannelState *c, int64_t now)
{
    if (!c->armed || i8254_waits_for_trigger(c)) {
        return 0;
    }
    if (i8254_gate_levels(c) && !c->gate) {
        return c->paused_ticks;
    }
    if (now < c->count_load_time) {
        /* Only a clock set back (loadvm of an older moment) gets here. */
        return 0;
    }
    return i8254_ns_to_ticks(now - c->count_load_time);
}

/* Counting element value (1..0x10000, or modulo 10000 in BCD). */
static uint32_t i8254_get_count(const PITChannelState *c, int64_t now)
{
    int64_t d = i8254_elapsed(c, now);
    uint32_t modulo = c->bcd ? 10000 : 0x10000;

    if (!c->armed) {
        return c->count;
    }
    switch (c->mode) {
    case 2:
        return c->count - d % c->count;
    case 3:
        /* Mode 3 decrements by two, reloading at each half period. */
        return c->count - (2 * d) % c->count;
    default:
        return (uint32_t)((((int64_t)c->count - d) % modulo + modulo) % modulo);
    }
}

static int i8254_get_out_at(const PITChannelState *c, int64_t now)
{
    int64_t d;

    if (!c->armed) {
        /* After a control word OUT is low in mode 0 and high in the others. */
        return c->mode != 0;
    }
    if ((c->mode == 2 || c->mode == 3) && !c->gate) {
        return 1;
    }
    d = i8254_elapsed(c, now);
    switch (c->mode) {
    case 0:
        return d >= c->count;
    case 1:
        return !c->triggered || d >= c->count;
    case 2:
        return d % c->count != c->count - 1;
    case 3:
        return d % c->count < (c->count + 1) / 2;
    case 4:
    case 5:
        return i8254_waits_for_trigger(c) || d != c->count;
    }
    return 1;
}

/* CLOCK_VIRTUAL time of the next OUT change after now, or -1. */
static int64_t i8254_next_transition(const PITChannelState *c, int64_t now)
{
    int64_t d, p, next;

    if (!c->armed || i8254_waits_for_trigger(c) || (i8254_gate_levels(c) && !c->gate)) {
        return -1;
    }
    d = i8254_elapsed(c, now);
    switch (c->mode) {
    case 0:
    case 1:
        if (d >= c->count) {
            return -1;
        }
        next = c->count;
        break;
    case 2:
        p = d % c->count;
        next = d - p + (p < c->count - 1 ? c->count - 1 : c->count);
        break;
    case 3:
        p = d % c->count;
        next = d - p + (p < (c->count + 1) / 2 ? (c->count + 1) / 2 : c->count);
        break;
    case 4:
    case 5:
        if (d > c->count) {
            return -1;
        }
        next = d < c->count ? c->count : c->count + 1;
        break;
    default:
        return -1;
    }
    return c->count_load_time + i8254_ticks_to_ns(next);
}

/* Load a count that was waiting for the end of a period, if that moment has come. */
static void i8254_sync(PITChannelState *c, int64_t now)
{
    if (c->pending_count && now >= c->pending_time) {
        c->count = c->pending_count;
        c->count_load_time = c->pending_time;
        c->pending_count = 0;
        c->null_count = 0;
    }
}

/* A gate trigger loads a waiting count at once. */
static void i8254_take_pending(PITChannelState *c)
{
    if (c->pending_count) {
        c->count = c->pending_count;
        c->pending_count = 0;
    }
}

/* Drive irq0 from counter 0's OUT at time now and follow its next transition. */
static void i8254_irq_update(PITState *s, int64_t now)
{
    PITChannelState *c = &s->channels[0];
    int out;

    i8254_sync(c, now);
    out = i8254_get_out_at(c, now);

    if (out != c->irq_level) {
        c->irq_level = out;
        irq_set(s->irq0, out);
    }
    c->next_transition_time = i8254_next_transition(c, now);
    if (c->next_transition_time >= 0) {
        timer_mod(&s->irq_timer, c->next_transition_time);
    } else {
        timer_del(&s->irq_timer);
    }
}

static void i8254_irq_timer_cb(void *opaque)
{
    PITState *s = opaque;

    /*
     * Evaluate at the transition itself rather than at "now": a late callback still
     * produces every edge, in order (timers_run_expired calls us again if the next
     * transition is also past).
     */
    i8254_irq_update(s, s->channels[0].next_transition_time);
}

static void i8254_channel_changed(PITState *s, PITChannelState *c, int64_t now)
{
    if (c == &s->channels[0]) {
        i8254_irq_update(s, now);
    }
}

static uint32_t i8254_decode_count(const PITChannelState *c, uint16_t raw)
{
    uint32_t v = raw;

    if (c->bcd) {
        v = ((raw >> 12) & 0xf) * 1000 + ((raw >> 8) & 0xf) * 100 +
            ((raw >> 4) & 0xf) * 10 + (raw & 0xf);
        if (v == 0) {
            return 10000;
        }
        return v;
    }
    return v ? v : 0x10000;
}

static uint16_t i8254_encode_count(const PITChannelState *c, uint32_t v)
{
    if (c->bcd) {
        v %= 10000;
        return ((v / 1000) << 12) | (((v / 100) % 10) << 8) | (((v / 10) % 10) << 4) |
               (v % 10);
    }
    return v & 0xffff;
}

static void i8254_load_count(PITState *s, PITChannelState *c, uint16_t raw, int64_t now)
{
    uint32_t count = i8254_decode_count(c, raw);

    if (count == 1 && (c->mode == 2 || c->mode == 3)) {
        mimic_log_mask(LOG_GUEST_ERROR, "i8254: count 1 is illegal in mode %u, using 2\n",
                       c->mode);
        count = 2;
    }
    i8254_sync(c, now);
    if (c->armed && (c->mode == 2 || c->mode == 3) && c->gate) {
        /* Counting: the new count loads when the current period ends. */
        int64_t d = i8254_elapsed(c, now);

        c->pending_count = count;
        c->pending_time = c->count_load_time +
                          i8254_ticks_to_ns(d - d % c->count + c->count);
        c->null_count = 1;
        return;
    }
    if (c->armed && ((c->mode == 1 || c->mode == 5) && c->triggered)) {
        /* A one-shot in progress finishes; the count waits for the next trigger. */
        c->pending_count = count;
        c->pending_time = INT64_MAX;
        c->null_count = 1;
        return;
    }
    if (c->armed && (c->mode == 2 || c->mode == 3)) {
        /* Gate low: the count loads at the rising edge that restarts counting. */
        c->pending_count = count;
        c->pending_time = INT64_MAX;
        c->null_count = 1;
        return;
    }
    c->count = count;
    c->pending_count = 0;
    c->armed = 1;
    c->count_load_time = now;
    c->paused_ticks = 0;
    /* Modes 1 and 5 load the counting element at the next trigger. */
    c->null_count = (c->mode == 1 || c->mode == 5) && !c->triggered;
    i8254_channel_changed(s, c, now);
}

static void i8254_write_counter(PITState *s, PITChannelState *c, uint8_t val, int64_t now)
{
    switch (c->rw_mode) {
    case RW_LSB:
        i8254_load_count(s, c, val, now);
        break;
    case RW_MSB:
        i8254_load_count(s, c, val << 8, now);
        break;
    case RW_WORD:
        if (!c->write_state) {
            c->write_latch = val;
            c->write_state = 1;
            c->null_count = 1;
            if (c->mode == 0) {
                /* Mode 0: writing the first byte stops the count; OUT goes low. */
                c->armed = 0;
                i8254_channel_changed(s, c, now);
            }
        } else {
            c->write_state = 0;
            i8254_load_count(s, c, c->write_latch | (val << 8), now);
        }
        break;
    }
}

static uint8_t i8254_read_counter(PITChannelState *c, int64_t now)
{
    uint16_t v;

    i8254_sync(c, now);
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    switch (c->count_latched) {
    case RW_LSB:
        c->count_latched = 0;
        return c->latched_count & 0xff;
    case RW_MSB:
        c->count_latched = 0;
        return c->latched_count >> 8;
    case RW_WORD:
        c->count_latched = RW_WORD_MSB_LEFT;
        return c->latched_count & 0xff;
    case RW_WORD_MSB_LEFT:
        c->count_latched = 0;
        return c->latched_count >> 8;
    }
    v = i8254_encode_count(c, i8254_get_count(c, now));
    switch (c->rw_mode) {
    case RW_LSB:
        return v & 0xff;
    case RW_MSB:
        return v >> 8;
    default:
        c->read_state ^= 1;
        return c->read_state ? (v & 0xff) : (v >> 8);
    }
}

static void i8254_latch_count(PITChannelState *c, int64_t now)
{
    /* A second latch before the first is read is ignored. */
    i8254_sync(c, now);
    if (!c->count_latched) {
        c->latched_count = i8254_encode_count(c, i8254_get_count(c, now));
        c->count_latched = c->rw_mode;
    }
}

static void i8254_latch_status(PITChannelState *c, int64_t now)
{
    i8254_sync(c, now);
    if (!c->status_latched) {
        c->status = (i8254_get_out_at(c, now) ? PIT_ST_OUTPUT : 0) |
                    (c->null_count ? PIT_ST_NULL : 0) |
                    (c->rw_mode << 4) | (c->mode << 1) | c->bcd;
        c->status_latched = 1;
    }
}

static void i8254_write_control(PITState *s, uint8_t val, int64_t now)
{
    unsigned sc = PIT_CW_SC(val);
    PITChannelState *c;

    if (sc == PIT_SC_READBACK) {
        for (int i = 0; i < 3; i++) {
            if (!(val & (2 << i))) {
                continue;
            }
            c = &s->channels[i];
            if (!(val & PIT_RB_NOSTATUS)) {
                i8254_latch_status(c, now);
            }
            if (!(val & PIT_RB_NOCOUNT)) {
                i8254_latch_count(c, now);
            }
        }
        return;
    }
    c = &s->channels[sc];
    if (PIT_CW_RW(val) == PIT_RW_LATCH) {
        i8254_latch_count(c, now);
        return;
    }
    c->rw_mode = PIT_CW_RW(val);
    c->mode = PIT_CW_MODE(val);
    if (c->mode >= 6) {
        c->mode -= 4;
    }
    c->bcd = val & PIT_CW_BCD;
    c->read_state = 0;
    c->write_state = 0;
    c->count_latched = 0;
    c->status_latched = 0;
    c->null_count = 1;
    c->armed = 0;
    c->triggered = 0;
    c->pending_count = 0;
    i8254_channel_changed(s, c, now);
}

static uint64_t i8254_io_read(void *opaque, hwaddr off, unsigned size)
{
    PITState *s = opaque;

    if (off == 3) {
        mimic_log_mask(LOG_GUEST_ERROR, "i8254: read of the control word register\n");
        return 0xff;
    }
    return i8254_read_counter(&s->channels[off], clock_get_ns(CLOCK_VIRTUAL));
}

static void i8254_io_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PITState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    if (off == 3) {
        i8254_write_control(s, val, now);
    } else {
        i8254_write_counter(s, &s->channels[off], val, now);
    }
}

static const MemoryRegionOps i8254_io_ops = {
    .read = i8254_io_read,
    .write = i8254_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void i8254_set_gate(DeviceState *dev, int channel, int level)
{
    PITState *s = (PITState *)dev;
    PITChannelState *c;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    assert(channel >= 0 && channel < 3);
    c = &s->channels[channel];
    level = !!level;
    if (level == c->gate) {
        return;
    }
    i8254_sync(c, now);
    if (level) {
        if (c->mode != 0 && c->mode != 4) {
            i8254_take_pending(c);
        }
        switch (c->mode) {
        case 0:
        case 4:
            /* Counting resumes where it stopped. */
            c->count_load_time = now - i8254_ticks_to_ns(c->paused_ticks);
            break;
        case 1:
        case 5:
            /* Rising edge triggers (or retriggers) the count. */
            c->triggered = 1;
            c->null_count = 0;
            c->count_load_time = now;
            break;
        case 2:
        case 3:
            /* Rising edge reloads the count and restarts the period. */
            c->count_load_time = now;
            break;
        }
    } else if (i8254_gate_levels(c) && c->armed) {
        c->paused_ticks = i8254_elapsed(c, now);
        if (c->pending_count) {
            /* Counting stopped before the period ended: wait for the trigger. */
            c->pending_time = INT64_MAX;
        }
    }
    c->gate = level;
    i8254_channel_changed(s, c, now);
}

int i8254_get_out(DeviceState *dev, int channel)
{
    PITState *s = (PITState *)dev;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    assert(channel >= 0 && channel < 3);
    i8254_sync(&s->channels[channel], now);
    return i8254_get_out_at(&s->channels[channel], now);
}

static void i8254_reset(DeviceState *dev)
{
    PITState *s = (PITState *)dev;

    timer_del(&s->irq_timer);
    for (int i = 0; i < 3; i++) {
        PITChannelState *c = &s->channels[i];

        memset(c, 0, sizeof(*c));
        c->rw_mode = RW_WORD;
        c->count = 0x10000;
        c->null_count = 1;
        /* Counters 0 and 1 have their gates tied high on PCs; port 0x61 drives 2. */
        c->gate = i != 2;
        c->next_transition_time = -1;
    }
    irq_lower(s->irq0);
}

static bool i8254_realize(DeviceState *dev, GError **errp)
{
    PITState *s = (PITState *)dev;

    timer_init_ns(&s->irq_timer, CLOCK_VIRTUAL, i8254_irq_timer_cb, s);
    memory_region_init_io(&s->io, &i8254_io_ops, s, dev->id ? dev->id : "pit", 4);
    i8254_reset(dev);
    return true;
}

static void i8254_unrealize(DeviceState *dev)
{
    timer_del(&((PITState *)dev)->irq_timer);
}

static int i8254_post_load(void *opaque, int version_id)
{
    PITState *s = opaque;
    int ret = 0;

    for (int i = 0; i < 3; i++) {
        PITChannelState *c = &s->channels[i];

        /* A corrupt stream must not leave a zero divisor or out-of-range state. */
        if (c->mode > 5 || c->count == 0 || c->count > 0x10000 ||
            c->pending_count > 0x10000 || c->rw_mode < RW_LSB || c->rw_mode > RW_WORD ||
            c->count_latched > RW_WORD_MSB_LEFT) {
            c->mode = 0;
            c->count = 0x10000;
            c->pending_count = 0;
            c->rw_mode = RW_WORD;
            c->count_latched = 0;
            c->armed = 0;
            ret = -EINVAL;
        }
    }
    irq_set(s->irq0, s->channels[0].irq_level);
    return ret;
}

static const VMStateField i8254_channel_fields[] = {
    VMSTATE_UINT32(count, PITChannelState),
    VMSTATE_UINT32(pending_count, PITChannelState),
    VMSTATE_INT64(pending_time, PITChannelState),
    VMSTATE_UINT16(latched_count, PITChannelState),
    VMSTATE_UINT8(count_latched, PITChannelState),
    VMSTATE_UINT8(status_latched, PITChannelState),
    VMSTATE_UINT8(status, PITChannelState),
    VMSTATE_UINT8(read_state, PITChannelState),
    VMSTATE_UINT8(write_state, PITChannelState),
    VMSTATE_UINT8(write_latch, PITChannelState),
    VMSTATE_UINT8(rw_mode, PITChannelState),
    VMSTATE_UINT8(mode, PITChannelState),
    VMSTATE_UINT8(bcd, PITChannelState),
    VMSTATE_UINT8(gate, PITChannelState),
    VMSTATE_UINT8(null_count, PITChannelState),
    VMSTATE_UINT8(armed, PITChannelState),
    VMSTATE_UINT8(triggered, PITChannelState),
    VMSTATE_INT64(count_load_time, PITChannelState),
    VMSTATE_INT64(paused_ticks, PITChannelState),
    VMSTATE_INT64(next_transition_time, PITChannelState),
    VMSTATE_INT32(irq_level, PITChannelState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription i8254_channel_vmstate = {
    .name = "i8254-channel",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = i8254_channel_fields,
};

static const VMStateField i8254_fields[] = {
    VMSTATE_STRUCT_ARRAY(channels, PITState, 3, i8254_channel_vmstate, PITChannelState),
    VMSTATE_TIMER(irq_timer, PITState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription i8254_vmstate = {
    .name = "i8254",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = i8254_post_load,
    .fields = i8254_fields,
};

static const Property i8254_props[] = {
    DEFINE_PROP_UINT32("iobase", PITState, iobase, 0x40),
    DEFINE_PROP_END_OF_LIST(),
};

const DeviceClass i8254_device_class = {
    .name = TYPE_I8254,
    .desc = "Intel 8254 programmable interval timer",
    .instance_size = sizeof(PITState),
    .realize = i8254_realize,
    .reset = i8254_reset,
    .unrealize = i8254_unrealize,
    .vmsd = &i8254_vmstate,
    .props = i8254_props,
    .user_creatable = false,
};

static void __attribute__((constructor)) i8254_register(void)
{
    device_class_register(&i8254_device_class);
}

DeviceState *i8254_init(MemoryRegion *io_space, hwaddr base, IRQLine *irq0,
                        const char *id)
{
    DeviceState *dev = qdev_new(&i8254_device_class, id);
    PITState *s = (PITState *)dev;
    GError *err = NULL;

    qdev_prop_set_uint32(dev, "iobase", base);
    s->irq0 = irq0;
    if (!qdev_realize(dev, &err)) {
        error_report_err(err);
        return NULL;
    }
    memory_region_add_subregion(io_space, base, &s->io);
    return dev;
}
