/*
 * AMD Am79C973 PCnet-FAST III on PCI (hw/net/pcnet.c). Created through
 * hw/net/pci-nic.h like every PCI NIC; model name "pcnet".
 */
#ifndef HW_NET_PCNET_H
#define HW_NET_PCNET_H

#include "hw/pci/pci.h"

#define PCNET_IO_SIZE       32         /* BAR0 (I/O) and BAR1 (memory) */
#define PCNET_VENDOR_ID     0x1022     /* AMD */
#define PCNET_DEVICE_ID     0x2000     /* PCnet-PCI II / FAST family */

extern const PCIDeviceClass pcnet_pci_class;

#endif
