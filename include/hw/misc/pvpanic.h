/*
 * The paravirtual panic device (QEMU's docs/specs/pvpanic.rst): one byte
 * register; a read gives the events the device supports, a write reports one.
 * Two front doors share it: pvpanic-pci (memory BAR 0) and the ISA pvpanic
 * (an I/O port, 0x505 by default, described to the OS in the DSDT as the ACPI
 * device QEMU0001).
 */
#ifndef HW_MISC_PVPANIC_H
#define HW_MISC_PVPANIC_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "exec/memory.h"

#define TYPE_PVPANIC_ISA       "pvpanic"
#define PVPANIC_ISA_PORT       0x505

#define PVPANIC_PANICKED       (1u << 0)    /* the guest kernel panicked */
#define PVPANIC_CRASH_LOADED   (1u << 1)    /* ... and went on into its kdump kernel */
#define PVPANIC_EVENTS         (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

/* The register; opaque is a uint32_t holding the supported events (the
 * devices' "events" property). */
extern const MemoryRegionOps pvpanic_ops;

/* Check an "events" property: only the known bits. */
bool pvpanic_check_events(uint32_t events, GError **errp);

typedef struct PVPanicISAState {
    DeviceState parent;
    uint32_t ioport;            /* property, default PVPANIC_ISA_PORT */
    uint32_t events;            /* property, default PVPANIC_EVENTS */
    MemoryRegion io;
} PVPanicISAState;

/* The I/O port of a realized ISA pvpanic, or 0 when the machine has none (the
 * PC's DSDT describes it only when present). */
uint16_t pvpanic_isa_port(void);

#endif
