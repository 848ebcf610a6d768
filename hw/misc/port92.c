/*
 * PS/2 System Control Port A at I/O 0x92 (IBM PS/2 Hardware Interface Technical
 * Reference; Intel PIIX/PIIX3 datasheet "Port 92h"): bit 0 is the fast CPU reset
 * (a write that takes it from 0 to 1 resets the machine), bit 1 the fast A20 gate.
 *
 * Not modelled: the security lock bit 3 (kept, no effect) and the disk activity
 * LED bits 6-7 (kept).
 */
#include "qemu/osdep.h"
#include "hw/i386/isa-misc.h"
#include "migration/vmstate.h"

uint64_t port92_read(void *opaque, hwaddr off, unsigned size)
{
    Port92State *s = opaque;

    return s->outport;
}

void port92_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    Port92State *s = opaque;
    uint8_t old = s->outport;

    s->outport = val & ~PORT92_FAST_RESET;
    if ((old ^ val) & PORT92_A20) {
        irq_set(s->a20_out, !!(val & PORT92_A20));
    }
    if ((val & PORT92_FAST_RESET) && !(old & PORT92_FAST_RESET)) {
        irq_pulse(s->reset_out);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void port92_reset(DeviceState *dev)
{
    Port92State *s = (Port92State *)dev;

    /* A20 follows the keyboard controller after reset; this port's bit is 0. */
    s->outport = 0;
}

static bool port92_realize(DeviceState *dev, GError **errp)
{
    Port92State *s = (Port92State *)dev;

    memory_region_init_io(&s->io, &port92_ops, s, "port92", 1);
    port92_reset(dev);
    return true;
}

static int port92_post_load(void *opaque, int version_id)
{
    Port92State *s = opaque;

    s->outport &= ~PORT92_FAST_RESET;
    return 0;
}

static const VMStateField port92_fields[] = {
    VMSTATE_UINT8(outport, Port92State),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription port92_vmstate = {
    .name = "port92",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = port92_post_load,
    .fields = port92_fields,
};

const DeviceClass port92_device_class = {
    .name = TYPE_PORT92,
    .desc = "PS/2 system control port A (fast A20 and reset)",
    .instance_size = sizeof(Port92State),
    .realize = port92_realize,
    .reset = port92_reset,
    .vmsd = &port92_vmstate,
};

static void __attribute__((constructor)) port92_register(void)
{
    device_class_register(&port92_device_class);
}

Port92State *port92_init(MemoryRegion *io_space, IRQLine *reset_out, IRQLine *a20_out)
{
    Port92State *s = (Port92State *)qdev_new(&port92_device_class, "port92");

    s->reset_out = reset_out;
    s->a20_out = a20_out;
    if (!qdev_realize(DEVICE(s), NULL)) {
        abort();                        /* realize cannot fail */
    }
    memory_region_add_subregion(io_space, 0x92, &s->io);
    return s;
}
