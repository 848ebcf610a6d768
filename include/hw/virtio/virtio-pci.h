/*
 * virtio over PCI, legacy (0.9.5 "transitional") interface: one I/O BAR with
 * the common registers followed by the device-specific configuration, INTx
 * interrupts with the ISR status register. A device embeds VirtIOPCIProxy
 * first and supplies VirtIOPCIOps.
 */
#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"

#define VIRTIO_PCI_VENDOR_ID 0x1af4
#define VIRTIO_PCI_MAX_QUEUES 8

/* Legacy register offsets in BAR 0. */
#define VIRTIO_PCI_HOST_FEATURES  0
#define VIRTIO_PCI_GUEST_FEATURES 4
#define VIRTIO_PCI_QUEUE_PFN      8
#define VIRTIO_PCI_QUEUE_NUM      12
#define VIRTIO_PCI_QUEUE_SEL      14
#define VIRTIO_PCI_QUEUE_NOTIFY   16
#define VIRTIO_PCI_STATUS         18
#define VIRTIO_PCI_ISR            19
#define VIRTIO_PCI_CONFIG         20
#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12

struct VirtIOPCIProxy;

typedef struct VirtIOPCIOps {
    uint64_t host_features;
    unsigned num_queues;
    uint16_t queue_size;
    uint32_t config_size;
    void (*get_config)(struct VirtIOPCIProxy *p, uint8_t *config);
    void (*queue_notify)(struct VirtIOPCIProxy *p, unsigned queue);
    void (*reset)(struct VirtIOPCIProxy *p);
} VirtIOPCIOps;

/* Modern (1.0) interface: structures in memory BAR 4, found through capabilities. */
#define VIRTIO_PCI_MODERN_BAR 4
#define VIRTIO_PCI_MODERN_SIZE 0x4000
#define VIRTIO_PCI_COMMON_OFF 0x0000
#define VIRTIO_PCI_ISR_OFF 0x1000
#define VIRTIO_PCI_DEVICE_OFF 0x2000
#define VIRTIO_PCI_NOTIFY_OFF 0x3000
#define VIRTIO_PCI_NOTIFY_MULT 4

typedef struct VirtIOPCIProxy {
    PCIDevice pci;
    VirtIODevice vdev;
    VirtQueue vq[VIRTIO_PCI_MAX_QUEUES];
    uint32_t queue_pfn[VIRTIO_PCI_MAX_QUEUES];
    bool queue_enabled[VIRTIO_PCI_MAX_QUEUES];
    uint16_t queue_sel;
    uint8_t isr;
    uint32_t dfselect, gfselect;    /* modern feature word selects */
    MemoryRegion bar, modern_bar;
    const VirtIOPCIOps *ops;
} VirtIOPCIProxy;

/* From the device's realize, after pci_device_init_config. */
void virtio_pci_realize(VirtIOPCIProxy *p, const VirtIOPCIOps *ops, const char *name);
void virtio_pci_reset(VirtIOPCIProxy *p);
/* After the device has pushed used elements on QUEUE: interrupt if wanted. */
void virtio_pci_notify(VirtIOPCIProxy *p, unsigned queue);
/* The device configuration changed (e.g. link status): ISR bit 1 and INTx. */
void virtio_pci_notify_config(VirtIOPCIProxy *p);
/* Register accesses (the BAR's MemoryRegionOps; exposed for unit tests). */
uint64_t virtio_pci_read(void *opaque, hwaddr off, unsigned size);
void virtio_pci_write(void *opaque, hwaddr off, uint64_t val, unsigned size);
uint64_t virtio_pci_modern_read(void *opaque, hwaddr off, unsigned size);
void virtio_pci_modern_write(void *opaque, hwaddr off, uint64_t val, unsigned size);

extern const struct VMStateDescription vmstate_virtio_pci;

#endif
