/*
 * virtio split virtqueues, after the Virtual I/O Device (VIRTIO) Version 1.1
 * specification, section 2.6: descriptor table, available and used rings,
 * indirect descriptors (2.6.5.3) and used/avail event suppression (2.6.7).
 *
 * Not modelled: packed virtqueues, in-order use. Guest-supplied indexes,
 * lengths and loops are bounded; a violation marks the device broken. Rings
 * and buffers must lie in guest RAM: an address that reaches a device's
 * registers (the virtio device's own included) is refused like one that
 * reaches nothing, so a guest cannot make a device re-enter itself.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio.h"
#include "migration/vmstate.h"

/* Every guest access of this file: whole ranges of RAM (or ROM for reads). */
static MemTxResult vq_dma(VirtIODevice *vdev, uint64_t pa, void *buf, uint64_t len,
                          bool is_write)
{
    if (len == 0) {
        return MEMTX_OK;
    }
    if (!address_space_map_ram(vdev->as, pa, len, is_write)) {
        return MEMTX_DECODE_ERROR;
    }
    return address_space_rw(vdev->as, pa, buf, len, is_write);
}

static bool vq_ld16(VirtIODevice *vdev, uint64_t pa, uint16_t *v)
{
    uint8_t b[2];

    if (vq_dma(vdev, pa, b, 2, false) != MEMTX_OK) {
        return false;
    }
    *v = lduw_le_p(b);
    return true;
}

static bool vq_st16(VirtIODevice *vdev, uint64_t pa, uint16_t v)
{
    uint8_t b[2];

    stw_le_p(b, v);
    return vq_dma(vdev, pa, b, 2, true) == MEMTX_OK;
}

static void vq_broken(VirtIODevice *vdev, const char *why)
{
    mimic_log_mask(LOG_GUEST_ERROR, "virtio: %s; device needs reset\n", why);
    vdev->broken = true;
    vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
}

static bool vq_has(VirtIODevice *vdev, int bit)
{
    return vdev->guest_features & (1ULL << bit);
}

void virtqueue_reset(VirtQueue *vq)
{
    uint16_t num = vq->num;

    memset(vq, 0, sizeof(*vq));
    vq->num = num;
}

void virtqueue_set_legacy_addr(VirtQueue *vq, uint64_t pa)
{
    vq->desc = pa;
    vq->avail = pa + 16ULL * vq->num;
    vq->used = QEMU_ALIGN_UP(vq->avail + 4 + 2ULL * vq->num + 2, VIRTIO_PCI_VRING_ALIGN);
    vq->last_avail_idx = 0;
    vq->used_idx = 0;
    vq->signalled_used_valid = false;
}

typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
} VRingDesc;

static bool vq_read_desc(VirtIODevice *vdev, uint64_t table, unsigned i, VRingDesc *d)
{
    uint8_t b[16];

    if (vq_dma(vdev, table + 16ULL * i, b, 16, false) != MEMTX_OK) {
        return false;
    }
    d->addr = ldq_le_p(b);
    d->len = ldl_le_p(b + 8);
    d->flags = lduw_le_p(b + 12);
    d->next = lduw_le_p(b + 14);
    return true;
}

static bool vq_add_buf(VirtIODevice *vdev, VirtQueueElement *elem, const VRingDesc *d)
{
    if (elem->in_num + elem->out_num >= VIRTQUEUE_MAX_SIZE) {
        vq_broken(vdev, "descriptor chain too long");
        return false;
    }
    if (d->flags & VRING_DESC_F_WRITE) {
        elem->in_addr[elem->in_num] = d->addr;
        elem->in_len[elem->in_num++] = d->len;
    } else {
        if (elem->in_num) {
            vq_broken(vdev, "readable descriptor after a writable one");
            return false;
        }
        elem->out_addr[elem->out_num] = d->addr;
        elem->out_len[elem->out_num++] = d->len;
    }
    return true;
}

int virtqueue_pop(VirtIODevice *vdev, VirtQueue *vq, VirtQueueElement *elem)
{
    uint16_t avail_idx, head;
    uint64_t table;
    unsigned max, i, steps = 0;
    bool indirect = false;
    VRingDesc d;

    if (vdev->broken || !vq->num || !vq->desc) {
        return 0;
    }
    if (!vq_ld16(vdev, vq->avail + 2, &avail_idx)) {
        vq_broken(vdev, "avail ring not in memory");
        return -1;
    }
    if (avail_idx == vq->last_avail_idx) {
        return 0;
    }
    if ((uint16_t)(avail_idx - vq->last_avail_idx) > vq->num) {
        vq_broken(vdev, "avail index moved by more than the queue size");
        return -1;
    }
    if (!vq_ld16(vdev, vq->avail + 4 + 2ULL * (vq->last_avail_idx % vq->num), &head) ||
        head >= vq->num) {
        vq_broken(vdev, "bad head descriptor index");
        return -1;
    }
    vq->last_avail_idx++;
    if (vq_has(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        /* avail_event: tell the driver how far we have read. */
        vq_st16(vdev, vq->used + 4 + 8ULL * vq->num, vq->last_avail_idx);
    }
    elem->index = head;
    elem->in_num = elem->out_num = 0;
    table = vq->desc;
    max = vq->num;
    i = head;
    for (;;) {
        if (++steps > max + 1 || !vq_read_desc(vdev, table, i, &d)) {
            vq_broken(vdev, "descriptor loop or table not in memory");
            return -1;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (indirect || !vq_has(vdev, VIRTIO_RING_F_INDIRECT_DESC) ||
                (d.flags & VRING_DESC_F_NEXT) || d.len % 16 || d.len == 0 ||
                d.len / 16 > VIRTQUEUE_MAX_SIZE) {
                vq_broken(vdev, "bad indirect descriptor");
                return -1;
            }
            indirect = true;
            table = d.addr;
            max = d.len / 16;
            i = 0;
            steps = 0;
            continue;
        }
        if (!vq_add_buf(vdev, elem, &d)) {
            return -1;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            break;
        }
        i = d.next;
        if (i >= max) {
            vq_broken(vdev, "next descriptor out of range");
            return -1;
        }
    }
    return 1;
}

void virtqueue_unpop(VirtQueue *vq, unsigned n)
{
    /* avail_event keeps the value the pops wrote: the driver then notifies
     * once it adds a buffer past the ones given back, which is what a
     * device waiting for more room wants. */
    vq->last_avail_idx -= n;
}

bool virtqueue_empty(VirtIODevice *vdev, VirtQueue *vq)
{
    uint16_t avail_idx;

    if (vdev->broken || !vq->num || !vq->desc) {
        return true;
    }
    return !vq_ld16(vdev, vq->avail + 2, &avail_idx) || avail_idx == vq->last_avail_idx;
}

void virtqueue_push(VirtIODevice *vdev, VirtQueue *vq, const VirtQueueElement *elem,
                    uint32_t len)
{
    uint8_t b[8];
    uint64_t at = vq->used + 4 + 8ULL * (vq->used_idx % vq->num);

    stl_le_p(b, elem->index);
    stl_le_p(b + 4, len);
    if (vq_dma(vdev, at, b, 8, true) != MEMTX_OK) {
        vq_broken(vdev, "used ring not in memory");
        return;
    }
    vq->used_idx++;
    if (!vq_st16(vdev, vq->used + 2, vq->used_idx)) {
        vq_broken(vdev, "used ring not in memory");
    }
}

bool virtqueue_should_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    uint16_t v;

    if (vq_has(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        uint16_t old = vq->signalled_used, new = vq->used_idx;
        bool valid = vq->signalled_used_valid;
        vq->signalled_used = new;
        vq->signalled_used_valid = true;
        if (!valid) {
            return true;
        }
        if (!vq_ld16(vdev, vq->avail + 4 + 2ULL * vq->num, &v)) {
            return true;
        }
        /* vring_need_event(): did used_idx step past used_event? */
        return (uint16_t)(new - v - 1) < (uint16_t)(new - old);
    }
    if (!vq_ld16(vdev, vq->avail, &v)) {
        return true;
    }
    return !(v & VRING_AVAIL_F_NO_INTERRUPT);
}

static int64_t vq_elem_copy(VirtIODevice *vdev, unsigned n, const uint64_t *addr,
                            const uint32_t *lens, uint64_t offset, uint8_t *buf,
                            uint64_t len, bool to_guest)
{
    uint64_t done = 0;

    for (unsigned i = 0; i < n && done < len; i++) {
        if (offset >= lens[i]) {
            offset -= lens[i];
            continue;
        }
        uint64_t chunk = MIN_U(lens[i] - offset, len - done);
        MemTxResult r = vq_dma(vdev, addr[i] + offset, buf + done, chunk, to_guest);
        if (r != MEMTX_OK) {
            return -1;
        }
        done += chunk;
        offset = 0;
    }
    return done;
}

int64_t virtqueue_elem_read(VirtIODevice *vdev, const VirtQueueElement *elem,
                            uint64_t offset, void *buf, uint64_t len)
{
    return vq_elem_copy(vdev, elem->out_num, elem->out_addr, elem->out_len, offset, buf,
                        len, false);
}

int64_t virtqueue_elem_write(VirtIODevice *vdev, const VirtQueueElement *elem,
                             uint64_t offset, const void *buf, uint64_t len)
{
    return vq_elem_copy(vdev, elem->in_num, elem->in_addr, elem->in_len, offset,
                        (uint8_t *)buf, len, true);
}

uint64_t virtqueue_elem_out_size(const VirtQueueElement *elem)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < elem->out_num; i++) {
        n += elem->out_len[i];
    }
    return n;
}

uint64_t virtqueue_elem_in_size(const VirtQueueElement *elem)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < elem->in_num; i++) {
        n += elem->in_len[i];
    }
    return n;
}

static const VMStateField virtqueue_fields[] = {
    VMSTATE_UINT16(num, VirtQueue),
    VMSTATE_UINT64(desc, VirtQueue),
    VMSTATE_UINT64(avail, VirtQueue),
    VMSTATE_UINT64(used, VirtQueue),
    VMSTATE_UINT16(last_avail_idx, VirtQueue),
    VMSTATE_UINT16(used_idx, VirtQueue),
    VMSTATE_UINT16(signalled_used, VirtQueue),
    VMSTATE_BOOL(signalled_used_valid, VirtQueue),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_virtqueue = {
    .name = "virtqueue",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = virtqueue_fields,
};
