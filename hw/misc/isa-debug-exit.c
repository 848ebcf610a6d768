/*
 * isa-debug-exit: the test device QEMU offers to bare-metal test programs
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04). A write of value v to any of
 * its ports ends the emulator with exit status (v << 1) | 1, so a test can never
 * be mistaken for a clean shutdown (status 0). Reads return 0.
 *
 * Nothing of a real chip to leave out: the device only exists in emulators.
 */
#include "qemu/osdep.h"
#include "hw/i386/isa-misc.h"
#include "sysemu/runstate.h"
#include "migration/vmstate.h"

static uint64_t isa_debug_exit_read(void *opaque, hwaddr off, unsigned size)
{
    return 0;
}

void isa_debug_exit_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    /* The status is an int for exit(): only its low byte reaches the parent. */
    qemu_system_exit_request((int)(((uint32_t)val << 1) | 1));
}

static const MemoryRegionOps isa_debug_exit_ops = {
    .read = isa_debug_exit_read,
    .write = isa_debug_exit_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static bool isa_debug_exit_realize(DeviceState *dev, GError **errp)
{
    ISADebugExitState *s = (ISADebugExitState *)dev;

    if (s->iosize == 0 || s->iosize > 0x10000 || s->iobase > 0xffff ||
        s->iobase + s->iosize > 0x10000) {
        error_setg(errp, "isa-debug-exit: iobase 0x%x + iosize 0x%x is outside the "
                   "64 KiB I/O space", s->iobase, s->iosize);
        return false;
    }
    memory_region_init_io(&s->io, &isa_debug_exit_ops, s, "isa-debug-exit",
                          s->iosize);
    memory_region_add_subregion(get_system_io(), s->iobase, &s->io);
    return true;
}

static const VMStateField isa_debug_exit_fields[] = {
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription isa_debug_exit_vmstate = {
    .name = "isa-debug-exit",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = isa_debug_exit_fields,
};

static const Property isa_debug_exit_props[] = {
    DEFINE_PROP_UINT32("iobase", ISADebugExitState, iobase, 0x501),
    DEFINE_PROP_UINT32("iosize", ISADebugExitState, iosize, 0x02),
    DEFINE_PROP_END_OF_LIST()
};

const DeviceClass isa_debug_exit_device_class = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .desc = "exit the emulator with status (value << 1) | 1",
    .instance_size = sizeof(ISADebugExitState),
    .realize = isa_debug_exit_realize,
    .vmsd = &isa_debug_exit_vmstate,
    .props = isa_debug_exit_props,
    .user_creatable = true,
};

static void __attribute__((constructor)) isa_debug_exit_register(void)
{
    device_class_register(&isa_debug_exit_device_class);
}
