/*
 * virtio core (Virtual I/O Device specification 1.1, split virtqueues):
 * feature bits, device status, and a virtqueue implementation that walks
 * descriptor chains (with indirect tables) and keeps the used ring, with
 * event-index notification suppression. Every guest address goes through
 * the memory API and is checked (rings and buffers must be guest RAM); a
 * malformed ring marks the device broken (VIRTIO_CONFIG_S_NEEDS_RESET)
 * instead of touching host memory.
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include "qemu/osdep.h"
#include "exec/memory.h"

#define VIRTQUEUE_MAX_SIZE 1024
#define VIRTIO_PCI_VRING_ALIGN 4096

#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER      2
#define VIRTIO_CONFIG_S_DRIVER_OK   4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED      0x80

#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1          32

#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1

typedef struct VirtQueue {
    uint16_t num;                   /* 0: queue not set up */
    uint64_t desc, avail, used;     /* guest physical addresses */
    uint16_t last_avail_idx;
    uint16_t used_idx;
    uint16_t signalled_used;        /* used_idx at the last interrupt (event idx) */
    bool signalled_used_valid;
} VirtQueue;

/* One request: device-readable (out) then device-writable (in) buffers. */
typedef struct VirtQueueElement {
    uint16_t index;                 /* head descriptor, returned in the used ring */
    unsigned out_num, in_num;
    uint64_t out_addr[VIRTQUEUE_MAX_SIZE];
    uint32_t out_len[VIRTQUEUE_MAX_SIZE];
    uint64_t in_addr[VIRTQUEUE_MAX_SIZE];
    uint32_t in_len[VIRTQUEUE_MAX_SIZE];
} VirtQueueElement;

typedef struct VirtIODevice {
    AddressSpace *as;
    uint64_t guest_features;
    uint8_t status;
    bool broken;
} VirtIODevice;

/* Legacy layout: descriptor table, avail ring, used ring aligned to 4 KiB. */
void virtqueue_set_legacy_addr(VirtQueue *vq, uint64_t pa);
void virtqueue_reset(VirtQueue *vq);

/* Take the next available request: 1 = got one, 0 = ring empty, -1 = ring broken. */
int virtqueue_pop(VirtIODevice *vdev, VirtQueue *vq, VirtQueueElement *elem);
/* Give back the last N popped requests (not pushed): they are popped again next. */
void virtqueue_unpop(VirtQueue *vq, unsigned n);
/* True when the driver has made no request available (or the queue is unusable). */
bool virtqueue_empty(VirtIODevice *vdev, VirtQueue *vq);
/* Return a request with LEN bytes written into its in-buffers. */
void virtqueue_push(VirtIODevice *vdev, VirtQueue *vq, const VirtQueueElement *elem,
                    uint32_t len);
/* After pushes: should the guest be interrupted (flags / used_event)? */
bool virtqueue_should_notify(VirtIODevice *vdev, VirtQueue *vq);

/* Copy between a host buffer and an element's buffers, from byte OFFSET;
 * returns the bytes copied, or -1 if a guest address is not RAM/MMIO. */
int64_t virtqueue_elem_read(VirtIODevice *vdev, const VirtQueueElement *elem,
                            uint64_t offset, void *buf, uint64_t len);
int64_t virtqueue_elem_write(VirtIODevice *vdev, const VirtQueueElement *elem,
                             uint64_t offset, const void *buf, uint64_t len);
uint64_t virtqueue_elem_out_size(const VirtQueueElement *elem);
uint64_t virtqueue_elem_in_size(const VirtQueueElement *elem);

extern const struct VMStateDescription vmstate_virtqueue;

#endif
