/*
 * virtio network device over virtio PCI (hw/net/virtio-net.c): transitional
 * device 1af4:1000, subsystem 1 (network). Created through hw/net/pci-nic.h
 * like every PCI NIC; model name "virtio-net-pci".
 */
#ifndef HW_VIRTIO_VIRTIO_NET_H
#define HW_VIRTIO_VIRTIO_NET_H

#include "hw/virtio/virtio-pci.h"
#include "net/net.h"

#define VIRTIO_NET_PCI_DEVICE_ID 0x1000     /* transitional; a modern-only one is 0x1041 */

/* Feature bits (virtio 1.1, 5.1.3). */
#define VIRTIO_NET_F_CSUM       0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MAC        5
#define VIRTIO_NET_F_MRG_RXBUF  15
#define VIRTIO_NET_F_STATUS     16

/* Configuration space: mac[6], status, max_virtqueue_pairs. */
#define VIRTIO_NET_CONFIG_SIZE  10
#define VIRTIO_NET_S_LINK_UP    1

/* struct virtio_net_hdr (5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE     0
#define VIRTIO_NET_HDR_LEN          10      /* legacy without MRG_RXBUF */
#define VIRTIO_NET_HDR_MRG_LEN      12      /* with num_buffers */

#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1
#define VIRTIO_NET_QUEUE_SIZE 256

typedef struct VirtIONet {
    VirtIOPCIProxy proxy;
    /* properties (hw/net/pci-nic.h) */
    char *netdev;
    char *mac_str;
    NetClientState *backend;
    /* run time */
    NetClientState *nc;
    uint8_t mac[NET_ETH_ALEN];
    uint16_t status;                /* VIRTIO_NET_S_LINK_UP */
    bool tx_busy;                   /* guards against re-entry of the tx loop */
    VirtQueueElement *rx_elem, *rx_first, *tx_elem;
    uint16_t *rx_heads;             /* further buffers of a merged frame */
    uint32_t *rx_lens;
    uint8_t *tx_buf;                /* header + frame being sent */
    /* statistics, for `info network` and tests */
    uint64_t rx_csum_valid;         /* frames delivered with DATA_VALID */
    uint64_t tx_csum_done;          /* partial checksums completed */
    uint64_t rx_dropped, tx_dropped;
} VirtIONet;

extern const PCIDeviceClass virtio_net_pci_class;

#endif
