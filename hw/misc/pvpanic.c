/*
 * The paravirtual panic device's register, shared by its PCI and ISA forms,
 * and the ISA form itself (QEMU's `-device pvpanic`): one I/O port, 0x505
 * unless ioport= says otherwise. Linux's pvpanic-mmio driver finds it through
 * the ACPI device QEMU0001 that the PC's DSDT then carries (acpi-dsdt.c), and
 * writes PVPANIC_PANICKED from its panic notifier; the host acts as -action
 * panic= says.
 *
 * Nothing of a real chip to leave out: the device only exists in emulators.
 */
#include "qemu/osdep.h"
#include "hw/misc/pvpanic.h"
#include "sysemu/runstate.h"
#include "migration/vmstate.h"

static uint64_t pvpanic_read(void *opaque, hwaddr off, unsigned size)
{
    return off == 0 ? *(uint32_t *)opaque : 0;
}

static void pvpanic_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    uint32_t events = *(uint32_t *)opaque;

    if (off != 0) {
        return;
    }
    if (val & ~(uint64_t)events) {
        mimic_log_mask(LOG_GUEST_ERROR, "pvpanic: unsupported event 0x%" PRIx64 "\n",
                       val & ~(uint64_t)events);
    }
    val &= events;
    if (val & PVPANIC_PANICKED) {
        qemu_system_guest_panicked();
    } else if (val & PVPANIC_CRASH_LOADED) {
        /* The guest panicked into its crash kernel (kdump): it goes on running. */
        mimic_log_mask(LOG_GUEST_ERROR, "guest crashed, crash kernel loaded\n");
    }
}

const MemoryRegionOps pvpanic_ops = {
    .read = pvpanic_read,
    .write = pvpanic_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

bool pvpanic_check_events(uint32_t events, GError **errp)
{
    if (events & ~PVPANIC_EVENTS) {
        error_setg(errp, "pvpanic: events=0x%x: only bits 0 (panicked) and 1 "
                   "(crash kernel loaded) exist", events);
        return false;
    }
    return true;
}

static PVPanicISAState *pvpanic_isa_dev;

uint16_t pvpanic_isa_port(void)
{
    return pvpanic_isa_dev ? (uint16_t)pvpanic_isa_dev->ioport : 0;
}

static bool pvpanic_isa_realize(DeviceState *dev, GError **errp)
{
    PVPanicISAState *s = (PVPanicISAState *)dev;

    if (pvpanic_isa_dev) {
        error_setg(errp, "pvpanic: only one ISA pvpanic device per machine");
        return false;
    }
    if (s->ioport == 0 || s->ioport > 0xffff) {
        error_setg(errp, "pvpanic: ioport=0x%x is not a port of the 64 KiB I/O space",
                   s->ioport);
        return false;
    }
    if (!pvpanic_check_events(s->events, errp)) {
        return false;
    }
    memory_region_init_io(&s->io, &pvpanic_ops, &s->events, "pvpanic", 1);
    memory_region_add_subregion(get_system_io(), s->ioport, &s->io);
    pvpanic_isa_dev = s;
    return true;
}

static void pvpanic_isa_unrealize(DeviceState *dev)
{
    PVPanicISAState *s = (PVPanicISAState *)dev;

    memory_region_del_subregion(get_system_io(), &s->io);
    if (pvpanic_isa_dev == s) {
        pvpanic_isa_dev = NULL;
    }
}

static const VMStateField pvpanic_isa_fields[] = {
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription pvpanic_isa_vmstate = {
    .name = "pvpanic",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = pvpanic_isa_fields,
};

static const Property pvpanic_isa_props[] = {
    DEFINE_PROP_UINT32("ioport", PVPanicISAState, ioport, PVPANIC_ISA_PORT),
    DEFINE_PROP_UINT32("events", PVPanicISAState, events, PVPANIC_EVENTS),
    DEFINE_PROP_END_OF_LIST()
};

const DeviceClass pvpanic_isa_class = {
    .name = TYPE_PVPANIC_ISA,
    .desc = "paravirtual guest panic notifier (ISA, ACPI QEMU0001)",
    .instance_size = sizeof(PVPanicISAState),
    .realize = pvpanic_isa_realize,
    .unrealize = pvpanic_isa_unrealize,
    .vmsd = &pvpanic_isa_vmstate,
    .props = pvpanic_isa_props,
    .user_creatable = true,
};

static void __attribute__((constructor)) pvpanic_isa_register(void)
{
    device_class_register(&pvpanic_isa_class);
}
