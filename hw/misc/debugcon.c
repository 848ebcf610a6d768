/*
 * isa-debugcon: the Bochs "port 0xe9 hack" debug console that QEMU, SeaBIOS
 * (port 0x402) and OVMF use: every byte written to the port goes to a character
 * device; a read returns a fixed value (0xe9 by default) so software can detect
 * the port. -device isa-debugcon,chardev=ID[,iobase=0x402][,readback=0xe9].
 *
 * Nothing of a real chip to leave out: the device only exists in emulators.
 */
#include "qemu/osdep.h"
#include "hw/i386/isa-misc.h"
#include "migration/vmstate.h"

static uint64_t isa_debugcon_read(void *opaque, hwaddr off, unsigned size)
{
    ISADebugconState *s = opaque;

    return s->readback;
}

void isa_debugcon_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    ISADebugconState *s = opaque;
    uint8_t b = val;

    if (s->chr) {
        chardev_write(s->chr, &b, 1);
    }
}

static const MemoryRegionOps isa_debugcon_ops = {
    .read = isa_debugcon_read,
    .write = isa_debugcon_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static bool isa_debugcon_realize(DeviceState *dev, GError **errp)
{
    ISADebugconState *s = (ISADebugconState *)dev;

    if (!s->chr) {
        error_setg(errp, "isa-debugcon: property 'chardev' is required "
                   "(-chardev file,id=dbg,path=FILE -device isa-debugcon,chardev=dbg)");
        return false;
    }
    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase 0x%x is outside the 64 KiB I/O space",
                   s->iobase);
        return false;
    }
    memory_region_init_io(&s->io, &isa_debugcon_ops, s, "isa-debugcon", 1);
    memory_region_add_subregion(get_system_io(), s->iobase, &s->io);
    return true;
}

static const VMStateField isa_debugcon_fields[] = {
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription isa_debugcon_vmstate = {
    .name = "isa-debugcon",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = isa_debugcon_fields,
};

static const Property isa_debugcon_props[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugconState, iobase, 0xe9),
    DEFINE_PROP_UINT32("readback", ISADebugconState, readback, 0xe9),
    DEFINE_PROP_PTR("chardev", ISADebugconState, chr),
    DEFINE_PROP_END_OF_LIST()
};

const DeviceClass isa_debugcon_device_class = {
    .name = TYPE_ISA_DEBUGCON,
    .desc = "ISA debug console (Bochs port 0xe9)",
    .instance_size = sizeof(ISADebugconState),
    .realize = isa_debugcon_realize,
    .vmsd = &isa_debugcon_vmstate,
    .props = isa_debugcon_props,
    .user_creatable = true,
};

static void __attribute__((constructor)) isa_debugcon_register(void)
{
    device_class_register(&isa_debugcon_device_class);
}
