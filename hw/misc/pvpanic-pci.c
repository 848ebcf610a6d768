/*
 * pvpanic-pci: the paravirtual panic device of QEMU's documentation ("pvpanic
 * device", docs/specs/pvpanic.rst) on PCI, 1b36:0011. One byte register in
 * memory BAR 0: a read gives the events the device supports, bit 0 "guest
 * panicked" and bit 1 "crash kernel loaded"; the guest writes an event there.
 * Linux's pvpanic-pci driver writes bit 0 from its panic notifier, so the host
 * learns of a kernel panic at once and acts as -action panic= says (shut down,
 * pause, nothing, exit with failure) instead of watching a dead guest.
 *
 * Nothing of a real chip to leave out: the device only exists in emulators.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "hw/misc/pvpanic.h"
#include "migration/vmstate.h"

#define PVPANIC_BAR_SIZE     16

typedef struct PVPanicPCIState {
    PCIDevice pci;
    uint32_t events;            /* property, default PVPANIC_EVENTS */
    MemoryRegion mmio;
} PVPanicPCIState;

static bool pvpanic_pci_realize(DeviceState *dev, GError **errp)
{
    PVPanicPCIState *s = (PVPanicPCIState *)dev;

    if (!pvpanic_check_events(s->events, errp)) {
        return false;
    }
    pci_device_init_config(&s->pci);
    memory_region_init_io(&s->mmio, &pvpanic_ops, &s->events, "pvpanic",
                          PVPANIC_BAR_SIZE);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, PVPANIC_BAR_SIZE, &s->mmio);
    return true;
}

static void pvpanic_pci_reset(DeviceState *dev)
{
    pci_device_reset(&((PVPanicPCIState *)dev)->pci);
}

static int pvpanic_pci_post_load(void *opaque, int version_id)
{
    pci_update_mappings(&((PVPanicPCIState *)opaque)->pci);
    return 0;
}

static const VMStateField pvpanic_pci_fields[] = {
    VMSTATE_STRUCT(pci, PVPanicPCIState, vmstate_pci_device, PCIDevice),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription pvpanic_pci_vmstate = {
    .name = "pvpanic-pci",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = pvpanic_pci_post_load,
    .fields = pvpanic_pci_fields,
};

static const Property pvpanic_pci_props[] = {
    DEFINE_PROP_UINT32("events", PVPanicPCIState, events, PVPANIC_EVENTS),
    DEFINE_PROP_END_OF_LIST()
};

const PCIDeviceClass pvpanic_pci_class = {
    .parent = {
        .name = "pvpanic-pci",
        .desc = "paravirtual guest panic notifier (PCI)",
        .instance_size = sizeof(PVPanicPCIState),
        .realize = pvpanic_pci_realize,
        .reset = pvpanic_pci_reset,
        .vmsd = &pvpanic_pci_vmstate,
        .props = pvpanic_pci_props,
        .user_creatable = true,
    },
    .vendor_id = 0x1b36,             /* Red Hat's emulated-device vendor ID */
    .device_id = 0x0011,
    .revision = 1,
    .class_id = 0x0880,              /* base system peripheral: other */
    .subsystem_vendor_id = 0x1af4,
    .subsystem_id = 0x1100,
    .interrupt_pin = 0,
};

static void __attribute__((constructor)) pvpanic_pci_register(void)
{
    device_class_register(&pvpanic_pci_class.parent);
    pci_user_class_register(&pvpanic_pci_class);
}
