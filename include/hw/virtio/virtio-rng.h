/*
 * virtio-rng over the transitional virtio PCI transport (1af4:1005): created with
 * -device virtio-rng-pci[,rng=ID][,max-bytes=N][,period=MS].
 */
#ifndef HW_VIRTIO_VIRTIO_RNG_H
#define HW_VIRTIO_VIRTIO_RNG_H

#include "hw/virtio/virtio-pci.h"

extern const PCIDeviceClass virtio_rng_pci_class;

#endif
