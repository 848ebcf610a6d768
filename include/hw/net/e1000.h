/*
 * Intel 82540EM gigabit Ethernet controller ("e1000") on PCI (hw/net/e1000.c).
 * Created through hw/net/pci-nic.h like every PCI NIC; model name "e1000".
 */
#ifndef HW_NET_E1000_H
#define HW_NET_E1000_H

#include "hw/pci/pci.h"

#define E1000_MMIO_SIZE     0x20000    /* BAR0: the register file */
#define E1000_IO_SIZE       0x40       /* BAR1: IOADDR / IODATA */
#define E1000_VENDOR_ID     0x8086     /* Intel */
#define E1000_DEVICE_ID     0x100e     /* 82540EM desktop */
#define E1000_SUBSYS_ID     0x001e

extern const PCIDeviceClass e1000_pci_class;

#endif
