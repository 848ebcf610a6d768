/*
 * PCI network cards as boards create them: each NIC model registers its
 * PCIDeviceClass here, and every model has the same three properties so a board
 * can create any of them the same way:
 *   "netdev"  (string)  -device ...,netdev=ID: the back end's id
 *   "backend" (pointer) the NetClientState * of the back end (boards, -nic)
 *   "mac"     (string)  the station address, "52:54:00:12:34:56" by default
 */
#ifndef HW_NET_PCI_NIC_H
#define HW_NET_PCI_NIC_H

#include "hw/pci/pci.h"
#include "net/net.h"

#define PCI_CLASS_NETWORK_ETHERNET 0x0200

/* Also makes the model a -device card (pci_user_class_register). */
void pci_nic_register_model(const PCIDeviceClass *pc);
const PCIDeviceClass *pci_nic_find_model(const char *name);

/* Create and realize the NIC of a -nic request (ni->model, or default_model when
 * the request names none) at function 0 of the first free slot in slots[] (the
 * board's order of preference). Marks ni used. NULL + errp on failure. */
PCIDevice *pci_nic_create(PCIBus *bus, const int *slots, int nslots, NICInfo *ni,
                          const char *default_model, GError **errp);


/* A NIC model's realize: the common part of the three properties above. Checks the
 * card sits on a PCI bus, parses mac_str into mac (52:54:00:12:34:56 when NULL),
 * finds the back end (netdev names one; else backend, which may be NULL) and
 * returns the card's client, created with info/id/opaque and connected to it.
 * NULL + errp (prefixed with the model's name) on failure, with nothing left. */
NetClientState *pci_nic_attach(PCIDevice *d, const char *model, const NetClientInfo *info,
                               const char *id, void *opaque, const char *mac_str,
                               const char *netdev, NetClientState *backend,
                               uint8_t mac[NET_ETH_ALEN], GError **errp);

#endif
