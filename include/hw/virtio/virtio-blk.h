/*
 * virtio-blk over the legacy virtio PCI transport (1af4:1001).
 */
#ifndef HW_VIRTIO_VIRTIO_BLK_H
#define HW_VIRTIO_VIRTIO_BLK_H

#include "hw/virtio/virtio-pci.h"
#include "block/block-backend.h"
#include "hw/boards.h"

#define VIRTIO_BLK_T_IN     0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

typedef struct VirtIOBlock {
    VirtIOPCIProxy proxy;
    BlockBackend *blk;             /* property "drive" */
    VirtQueueElement *elem;        /* scratch for the request in hand */
    uint64_t requests;             /* completed, for tests and statistics */
} VirtIOBlock;

extern const PCIDeviceClass virtio_blk_pci_class;

/* Create and realize a virtio-blk-pci function at DEVFN backed by BLK. */
PCIDevice *virtio_blk_pci_create(PCIBus *bus, int devfn, BlockBackend *blk, const char *id,
                                 GError **errp);
/*
 * Open the machine's if=virtio drives and put each on the first free slot
 * among SLOTS (NSLOTS of them). Boards call this after their fixed devices.
 */
bool virtio_blk_attach_drives(PCIBus *bus, MachineState *ms, const int *slots, int nslots,
                              GError **errp);

#endif
