/*
 * virtio PCI transport ("transitional" device), after the Virtual I/O Device
 * (VIRTIO) Version 1.1 specification: the modern interface of section 4.1.4
 * (vendor capabilities pointing at the common configuration, notification,
 * ISR and device configuration structures in memory BAR 4, 64-bit feature
 * negotiation with FEATURES_OK, split queue addresses and queue_enable), and
 * the legacy interface of section 4.1.4.8 (I/O BAR 0: features, queue
 * PFN/size/select/notify, status, ISR, configuration at offset 20).
 * Interrupts are INTx through the ISR.
 *
 * Not modelled: MSI-X (vectors read as NO_VECTOR), the PCI configuration
 * access capability.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-pci.h"
#include "migration/vmstate.h"

static void virtio_pci_update_irq(VirtIOPCIProxy *p)
{
    /* Bit 0: a queue has used buffers; bit 1: the device configuration changed. */
    pci_set_irq(&p->pci, (p->isr & 3) != 0);
}

void virtio_pci_reset(VirtIOPCIProxy *p)
{
    p->vdev.status = 0;
    p->vdev.guest_features = 0;
    p->vdev.broken = false;
    p->queue_sel = 0;
    p->isr = 0;
    p->dfselect = p->gfselect = 0;
    for (unsigned i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
        memset(&p->vq[i], 0, sizeof(p->vq[i]));
        p->vq[i].num = i < p->ops->num_queues ? p->ops->queue_size : 0;
        p->queue_pfn[i] = 0;
        p->queue_enabled[i] = false;
    }
    /* pci_device_reset rewrote the status register: keep the capability list. */
    p->pci.config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    if (p->ops->reset) {
        p->ops->reset(p);
    }
    virtio_pci_update_irq(p);
}

void virtio_pci_notify(VirtIOPCIProxy *p, unsigned queue)
{
    if (virtqueue_should_notify(&p->vdev, &p->vq[queue]) ||
        (p->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET)) {
        p->isr |= 1;
        virtio_pci_update_irq(p);
    }
}

void virtio_pci_notify_config(VirtIOPCIProxy *p)
{
    /* Before DRIVER_OK the driver reads the configuration anyway. */
    if (p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) {
        p->isr |= 2;
        virtio_pci_update_irq(p);
    }
}

uint64_t virtio_pci_read(void *opaque, hwaddr off, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint64_t v = 0;

    if (off >= VIRTIO_PCI_CONFIG) {
        uint8_t cfg[256] = { 0 };
        off -= VIRTIO_PCI_CONFIG;
        if (off + size > p->ops->config_size) {
            return 0;
        }
        p->ops->get_config(p, cfg);
        for (unsigned i = 0; i < size; i++) {
            v |= (uint64_t)cfg[off + i] << (8 * i);
        }
        return v;
    }
    switch (off) {
    case VIRTIO_PCI_HOST_FEATURES:
        return (uint32_t)p->ops->host_features;
    case VIRTIO_PCI_GUEST_FEATURES:
        return (uint32_t)p->vdev.guest_features;
    case VIRTIO_PCI_QUEUE_PFN:
        return p->queue_sel < VIRTIO_PCI_MAX_QUEUES ? p->queue_pfn[p->queue_sel] : 0;
    case VIRTIO_PCI_QUEUE_NUM:
        return p->queue_sel < VIRTIO_PCI_MAX_QUEUES ? p->vq[p->queue_sel].num : 0;
    case VIRTIO_PCI_QUEUE_SEL:
        return p->queue_sel;
    case VIRTIO_PCI_STATUS:
        return p->vdev.status;
    case VIRTIO_PCI_ISR:
        /* Reading acknowledges the interrupt. */
        v = p->isr;
        p->isr = 0;
        virtio_pci_update_irq(p);
        return v;
    default:
        return 0;
    }
}

void virtio_pci_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    switch (off) {
    case VIRTIO_PCI_GUEST_FEATURES:
        /* A legacy driver can only take what we offer (and never VERSION_1). */
        p->vdev.guest_features = val & p->ops->host_features & 0xffffffffULL;
        return;
    case VIRTIO_PCI_QUEUE_PFN: {
        unsigned q = p->queue_sel;
        if (q >= p->ops->num_queues) {
            return;
        }
        p->queue_pfn[q] = val;
        if (val == 0) {
            virtio_pci_reset(p);
        } else {
            virtqueue_set_legacy_addr(&p->vq[q], (uint64_t)val << VIRTIO_PCI_QUEUE_ADDR_SHIFT);
            p->queue_enabled[q] = true;
        }
        return;
    }
    case VIRTIO_PCI_QUEUE_SEL:
        p->queue_sel = val;
        return;
    case VIRTIO_PCI_QUEUE_NOTIFY:
        if (val < p->ops->num_queues && (p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) &&
            p->queue_enabled[val]) {
            p->ops->queue_notify(p, val);
        }
        return;
    case VIRTIO_PCI_STATUS:
        if ((val & 0xff) == 0) {
            virtio_pci_reset(p);
        } else {
            p->vdev.status = val;
            /* Bus mastering may have been turned on by the driver just now. */
            if (val & VIRTIO_CONFIG_S_DRIVER_OK) {
                for (unsigned q = 0; q < p->ops->num_queues; q++) {
                    if (p->queue_enabled[q]) {
                        p->ops->queue_notify(p, q);
                    }
                }
            }
        }
        return;
    default:
        if (off >= VIRTIO_PCI_CONFIG) {
            mimic_log_mask(LOG_UNIMP, "virtio-pci: config write at %u ignored\n",
                           (unsigned)off);
        }
        return;
    }
}

static const MemoryRegionOps virtio_pci_ops = {
    .read = virtio_pci_read,
    .write = virtio_pci_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- modern interface ---- */

static uint64_t virtio_pci_host_features(VirtIOPCIProxy *p)
{
    return p->ops->host_features | (1ULL << VIRTIO_F_VERSION_1);
}

static uint64_t virtio_pci_common_read(VirtIOPCIProxy *p, hwaddr off, unsigned size)
{
    unsigned q = p->queue_sel;
    VirtQueue *vq = q < VIRTIO_PCI_MAX_QUEUES ? &p->vq[q] : NULL;

    switch (off) {
    case 0x00: return p->dfselect;
    case 0x04: return p->dfselect < 2 ? virtio_pci_host_features(p) >> (32 * p->dfselect) : 0;
    case 0x08: return p->gfselect;
    case 0x0c: return p->gfselect < 2 ? p->vdev.guest_features >> (32 * p->gfselect) : 0;
    case 0x10: return 0xffff;                        /* msix_config: NO_VECTOR */
    case 0x12: return p->ops->num_queues;
    case 0x14: return p->vdev.status;
    case 0x15: return 0;                             /* config_generation */
    case 0x16: return p->queue_sel;
    case 0x18: return q < p->ops->num_queues ? vq->num : 0;
    case 0x1a: return 0xffff;                        /* queue_msix_vector */
    case 0x1c: return q < p->ops->num_queues ? p->queue_enabled[q] : 0;
    case 0x1e: return q;                             /* queue_notify_off */
    case 0x20: return vq ? (uint32_t)vq->desc : 0;
    case 0x24: return vq ? vq->desc >> 32 : 0;
    case 0x28: return vq ? (uint32_t)vq->avail : 0;
    case 0x2c: return vq ? vq->avail >> 32 : 0;
    case 0x30: return vq ? (uint32_t)vq->used : 0;
    case 0x34: return vq ? vq->used >> 32 : 0;
    default: return 0;
    }
}

static void virtio_pci_set_addr(uint64_t *a, bool high, uint32_t val)
{
    *a = high ? deposit64(*a, 32, 32, val) : deposit64(*a, 0, 32, val);
}

static void virtio_pci_common_write(VirtIOPCIProxy *p, hwaddr off, uint64_t val,
                                    unsigned size)
{
    unsigned q = p->queue_sel;
    bool qok = q < p->ops->num_queues && !p->queue_enabled[q];
    VirtQueue *vq = q < VIRTIO_PCI_MAX_QUEUES ? &p->vq[q] : NULL;

    switch (off) {
    case 0x00: p->dfselect = val; return;
    case 0x08: p->gfselect = val; return;
    case 0x0c:
        if (p->gfselect < 2) {
            uint64_t mask = 0xffffffffULL << (32 * p->gfselect);
            p->vdev.guest_features = (p->vdev.guest_features & ~mask) |
                                     ((val << (32 * p->gfselect)) & mask);
        }
        return;
    case 0x14:
        if ((val & 0xff) == 0) {
            virtio_pci_reset(p);
            return;
        }
        if ((val & VIRTIO_CONFIG_S_FEATURES_OK) &&
            (p->vdev.guest_features & ~virtio_pci_host_features(p))) {
            /* Features we never offered: refuse FEATURES_OK. */
            val &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        }
        p->vdev.status = val;
        return;
    case 0x16: p->queue_sel = val; return;
    case 0x18:
        if (qok && val && val <= p->ops->queue_size && !(val & (val - 1))) {
            vq->num = val;
        }
        return;
    case 0x1c:
        if (qok && val == 1 && vq->desc) {
            vq->last_avail_idx = vq->used_idx = 0;
            vq->signalled_used_valid = false;
            p->queue_enabled[q] = true;
        }
        return;
    case 0x20: case 0x24:
        if (qok) {
            virtio_pci_set_addr(&vq->desc, off == 0x24, val);
        }
        return;
    case 0x28: case 0x2c:
        if (qok) {
            virtio_pci_set_addr(&vq->avail, off == 0x2c, val);
        }
        return;
    case 0x30: case 0x34:
        if (qok) {
            virtio_pci_set_addr(&vq->used, off == 0x34, val);
        }
        return;
    default:
        return;
    }
}

uint64_t virtio_pci_modern_read(void *opaque, hwaddr off, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    if (off < VIRTIO_PCI_ISR_OFF) {
        return virtio_pci_common_read(p, off, size);
    }
    if (off == VIRTIO_PCI_ISR_OFF) {
        return virtio_pci_read(p, VIRTIO_PCI_ISR, 1);
    }
    if (off >= VIRTIO_PCI_DEVICE_OFF && off < VIRTIO_PCI_NOTIFY_OFF) {
        return virtio_pci_read(p, VIRTIO_PCI_CONFIG + off - VIRTIO_PCI_DEVICE_OFF, size);
    }
    return 0;
}

void virtio_pci_modern_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    if (off < VIRTIO_PCI_ISR_OFF) {
        virtio_pci_common_write(p, off, val, size);
    } else if (off >= VIRTIO_PCI_NOTIFY_OFF) {
        unsigned q = (off - VIRTIO_PCI_NOTIFY_OFF) / VIRTIO_PCI_NOTIFY_MULT;
        if (q < p->ops->num_queues && p->queue_enabled[q] &&
            (p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK)) {
            p->ops->queue_notify(p, q);
        }
    } else if (off >= VIRTIO_PCI_DEVICE_OFF) {
        virtio_pci_write(p, VIRTIO_PCI_CONFIG + off - VIRTIO_PCI_DEVICE_OFF, val, size);
    }
}

static const MemoryRegionOps virtio_pci_modern_ops = {
    .read = virtio_pci_modern_read,
    .write = virtio_pci_modern_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* One virtio_pci_cap (spec 4.1.4) at config offset AT; returns the next free offset. */
static uint8_t virtio_pci_add_cap(PCIDevice *d, uint8_t at, uint8_t next, uint8_t type,
                                  uint32_t offset, uint32_t length, uint8_t cap_len)
{
    uint8_t *c = d->config + at;

    c[0] = 0x09;                       /* vendor-specific capability */
    c[1] = next;
    c[2] = cap_len;
    c[3] = type;
    c[4] = VIRTIO_PCI_MODERN_BAR;
    pci_set_long(c + 8, offset);
    pci_set_long(c + 12, length);
    if (cap_len > 16) {
        pci_set_long(c + 16, VIRTIO_PCI_NOTIFY_MULT);
    }
    return at + cap_len;
}

void virtio_pci_realize(VirtIOPCIProxy *p, const VirtIOPCIOps *ops, const char *name)
{
    uint64_t size = 32;
    PCIDevice *d = &p->pci;

    p->ops = ops;
    p->vdev.as = &address_space_memory;
    while (size < VIRTIO_PCI_CONFIG + ops->config_size) {
        size *= 2;
    }
    memory_region_init_io(&p->bar, &virtio_pci_ops, p, name, size);
    pci_register_bar(d, 0, PCI_BASE_ADDRESS_SPACE_IO, size, &p->bar);
    memory_region_init_io(&p->modern_bar, &virtio_pci_modern_ops, p, name,
                          VIRTIO_PCI_MODERN_SIZE);
    pci_register_bar(d, VIRTIO_PCI_MODERN_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     VIRTIO_PCI_MODERN_SIZE, &p->modern_bar);
    /* Capabilities: common, ISR, device, notify (types 1, 3, 4, 2). A device
     * without configuration space (virtio-rng) has no device capability: one of
     * length 0 makes Linux's modern probe fail ("bad capability len 0"). */
    d->config[PCI_CAPABILITY_LIST] = 0x40;
    virtio_pci_add_cap(d, 0x40, 0x50, 1, VIRTIO_PCI_COMMON_OFF, 0x38, 16);
    virtio_pci_add_cap(d, 0x50, ops->config_size ? 0x60 : 0x70, 3, VIRTIO_PCI_ISR_OFF,
                       1, 16);
    if (ops->config_size) {
        virtio_pci_add_cap(d, 0x60, 0x70, 4, VIRTIO_PCI_DEVICE_OFF, ops->config_size, 16);
    }
    virtio_pci_add_cap(d, 0x70, 0x00, 2, VIRTIO_PCI_NOTIFY_OFF,
                       VIRTIO_PCI_MAX_QUEUES * VIRTIO_PCI_NOTIFY_MULT, 20);
    virtio_pci_reset(p);
}

static int virtio_pci_post_load(void *opaque, int version_id)
{
    VirtIOPCIProxy *p = opaque;

    pci_update_mappings(&p->pci);
    for (unsigned i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
        if (p->vq[i].num > VIRTQUEUE_MAX_SIZE) {
            return -EINVAL;
        }
    }
    virtio_pci_update_irq(p);
    return 0;
}

static const VMStateField virtio_pci_fields[] = {
    VMSTATE_STRUCT(pci, VirtIOPCIProxy, vmstate_pci_device, PCIDevice),
    VMSTATE_UINT64(vdev.guest_features, VirtIOPCIProxy),
    VMSTATE_UINT8(vdev.status, VirtIOPCIProxy),
    VMSTATE_BOOL(vdev.broken, VirtIOPCIProxy),
    VMSTATE_STRUCT_ARRAY(vq, VirtIOPCIProxy, VIRTIO_PCI_MAX_QUEUES, vmstate_virtqueue,
                         VirtQueue),
    VMSTATE_UINT32_ARRAY(queue_pfn, VirtIOPCIProxy, VIRTIO_PCI_MAX_QUEUES),
    VMSTATE_BOOL_ARRAY(queue_enabled, VirtIOPCIProxy, VIRTIO_PCI_MAX_QUEUES),
    VMSTATE_UINT32(dfselect, VirtIOPCIProxy),
    VMSTATE_UINT32(gfselect, VirtIOPCIProxy),
    VMSTATE_UINT16(queue_sel, VirtIOPCIProxy),
    VMSTATE_UINT8(isr, VirtIOPCIProxy),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_virtio_pci = {
    .name = "virtio-pci",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_pci_post_load,
    .fields = virtio_pci_fields,
};
