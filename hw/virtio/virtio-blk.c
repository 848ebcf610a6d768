/*
 * virtio block device, after the Virtual I/O Device (VIRTIO) Version 1.1
 * specification section 5.2: one request queue; requests are a 16-byte
 * header (type, reserved, sector), data buffers and a status byte.
 *
 * Modelled: IN, OUT, FLUSH, GET_ID; features SEG_MAX, SIZE_MAX, BLK_SIZE,
 * FLUSH, RO, indirect descriptors and event index. Not modelled: DISCARD,
 * WRITE_ZEROES, multiqueue, SCSI passthrough. Requests complete before the
 * notify returns.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-blk.h"
#include "migration/vmstate.h"

#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_SEG_MAX (VIRTIO_BLK_QUEUE_SIZE - 2)
#define VIRTIO_BLK_SIZE_MAX (1u << 20)
/* Largest request we accept: every segment at its maximum would be too much. */
#define VIRTIO_BLK_MAX_REQ (4u << 20)

static void virtio_blk_get_config(VirtIOPCIProxy *p, uint8_t *c)
{
    VirtIOBlock *s = (VirtIOBlock *)p;
    uint64_t sectors = blk_getlength(s->blk) / 512;

    stq_le_p(c, sectors);                       /* capacity */
    stl_le_p(c + 8, VIRTIO_BLK_SIZE_MAX);       /* size_max */
    stl_le_p(c + 12, VIRTIO_BLK_SEG_MAX);       /* seg_max */
    stw_le_p(c + 16, MIN_U(sectors / (16 * 63), 65535));   /* geometry */
    c[18] = 16;
    c[19] = 63;
    stl_le_p(c + 20, 512);                      /* blk_size */
}

static uint8_t virtio_blk_do_req(VirtIOBlock *s, VirtQueueElement *e, uint32_t *in_len)
{
    VirtIODevice *vdev = &s->proxy.vdev;
    uint64_t out = virtqueue_elem_out_size(e), in = virtqueue_elem_in_size(e);
    uint8_t hdr[16];
    uint32_t type;
    uint64_t sector, data_len;
    uint8_t *buf;
    int r;

    *in_len = 0;
    if (out < 16 || in < 1 || virtqueue_elem_read(vdev, e, 0, hdr, 16) != 16) {
        mimic_log_mask(LOG_GUEST_ERROR, "virtio-blk: malformed request\n");
        return VIRTIO_BLK_S_IOERR;
    }
    type = ldl_le_p(hdr);
    sector = ldq_le_p(hdr + 8);
    switch (type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        data_len = type == VIRTIO_BLK_T_IN ? in - 1 : out - 16;
        if (data_len % 512 || data_len > VIRTIO_BLK_MAX_REQ ||
            sector > (uint64_t)blk_getlength(s->blk) / 512 ||
            data_len > (uint64_t)blk_getlength(s->blk) - sector * 512) {
            mimic_log_mask(LOG_GUEST_ERROR, "virtio-blk: bad request %u sector %" PRIu64
                           " length %" PRIu64 "\n", type, sector, data_len);
            return VIRTIO_BLK_S_IOERR;
        }
        buf = g_malloc(data_len ? data_len : 1);
        if (type == VIRTIO_BLK_T_IN) {
            r = blk_pread(s->blk, sector * 512, buf, data_len);
            if (r == 0 && virtqueue_elem_write(vdev, e, 0, buf, data_len) != (int64_t)data_len) {
                r = -EFAULT;
            }
            *in_len = r == 0 ? data_len : 0;
        } else {
            r = virtqueue_elem_read(vdev, e, 16, buf, data_len) == (int64_t)data_len ? 0 : -EFAULT;
            if (r == 0) {
                r = blk_is_read_only(s->blk) ? -EROFS : blk_pwrite(s->blk, sector * 512, buf, data_len);
            }
        }
        g_free(buf);
        return r == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
    case VIRTIO_BLK_T_FLUSH:
        return blk_flush(s->blk) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
    case VIRTIO_BLK_T_GET_ID: {
        char id[20] = { 0 };
        snprintf(id, sizeof(id), "%s", blk_name(s->blk));
        int64_t n = virtqueue_elem_write(vdev, e, 0, id, MIN_U(20, in - 1));
        *in_len = n > 0 ? n : 0;
        return VIRTIO_BLK_S_OK;
    }
    default:
        return VIRTIO_BLK_S_UNSUPP;
    }
}

static void virtio_blk_queue_notify(VirtIOPCIProxy *p, unsigned queue)
{
    VirtIOBlock *s = (VirtIOBlock *)p;
    VirtQueue *vq = &p->vq[0];
    bool pushed = false;

    if (!(p->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
        mimic_log_mask(LOG_GUEST_ERROR, "virtio-blk: notify with bus mastering off\n");
        return;
    }
    while (virtqueue_pop(&p->vdev, vq, s->elem) > 0) {
        uint32_t in_len;
        uint8_t status = virtio_blk_do_req(s, s->elem, &in_len);
        uint64_t in = virtqueue_elem_in_size(s->elem);
        /* The status byte is the last byte of the device-writable part. */
        if (virtqueue_elem_write(&p->vdev, s->elem, in - 1, &status, 1) != 1) {
            mimic_log_mask(LOG_GUEST_ERROR, "virtio-blk: status byte not writable\n");
        }
        virtqueue_push(&p->vdev, vq, s->elem, in_len + 1);
        s->requests++;
        pushed = true;
    }
    if (pushed || p->vdev.broken) {
        virtio_pci_notify(p, 0);
    }
}

static const VirtIOPCIOps virtio_blk_ops = {
    .host_features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_SIZE_MAX) |
                     (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_FLUSH) |
                     (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX),
    .num_queues = 1,
    .queue_size = VIRTIO_BLK_QUEUE_SIZE,
    .config_size = 24,
    .get_config = virtio_blk_get_config,
    .queue_notify = virtio_blk_queue_notify,
};

static const VirtIOPCIOps virtio_blk_ro_ops = {
    .host_features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_SIZE_MAX) |
                     (1ULL << VIRTIO_BLK_F_BLK_SIZE) | (1ULL << VIRTIO_BLK_F_FLUSH) |
                     (1ULL << VIRTIO_BLK_F_RO) |
                     (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX),
    .num_queues = 1,
    .queue_size = VIRTIO_BLK_QUEUE_SIZE,
    .config_size = 24,
    .get_config = virtio_blk_get_config,
    .queue_notify = virtio_blk_queue_notify,
};

static bool virtio_blk_realize(DeviceState *dev, GError **errp)
{
    VirtIOBlock *s = (VirtIOBlock *)dev;

    if (!s->blk) {
        error_setg(errp, "virtio-blk-pci: drive property not set");
        return false;
    }
    pci_device_init_config(&s->proxy.pci);
    s->elem = g_new0(VirtQueueElement, 1);
    virtio_pci_realize(&s->proxy, blk_is_read_only(s->blk) ? &virtio_blk_ro_ops
                                                           : &virtio_blk_ops, "virtio-blk");
    return true;
}

static void virtio_blk_reset(DeviceState *dev)
{
    VirtIOBlock *s = (VirtIOBlock *)dev;

    pci_device_reset(&s->proxy.pci);
    virtio_pci_reset(&s->proxy);
}

static const VMStateField virtio_blk_fields[] = {
    VMSTATE_STRUCT(proxy, VirtIOBlock, vmstate_virtio_pci, VirtIOPCIProxy),
    VMSTATE_END_OF_LIST()
};

static int virtio_blk_post_load(void *opaque, int version_id)
{
    VirtIOBlock *s = opaque;

    return vmstate_virtio_pci.post_load(&s->proxy, version_id);
}

static const VMStateDescription virtio_blk_vmstate = {
    .name = "virtio-blk-pci",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_blk_post_load,
    .fields = virtio_blk_fields,
};

static const Property virtio_blk_props[] = {
    DEFINE_PROP_PTR("drive", VirtIOBlock, blk),
    DEFINE_PROP_END_OF_LIST(),
};

const PCIDeviceClass virtio_blk_pci_class = {
    .parent = {
        .name = "virtio-blk-pci",
        .desc = "virtio block device (legacy PCI interface)",
        .instance_size = sizeof(VirtIOBlock),
        .realize = virtio_blk_realize,
        .reset = virtio_blk_reset,
        .vmsd = &virtio_blk_vmstate,
        .props = virtio_blk_props,
    },
    .vendor_id = VIRTIO_PCI_VENDOR_ID,
    .device_id = 0x1001,
    .revision = 0,
    .class_id = 0x0100,              /* mass storage: SCSI, as virtio-blk has always said */
    .subsystem_vendor_id = VIRTIO_PCI_VENDOR_ID,
    .subsystem_id = 2,               /* virtio device type: block */
    .interrupt_pin = 1,
};

static void __attribute__((constructor)) virtio_blk_register(void)
{
    device_class_register(&virtio_blk_pci_class.parent);
}

PCIDevice *virtio_blk_pci_create(PCIBus *bus, int devfn, BlockBackend *blk, const char *id,
                                 GError **errp)
{
    PCIDevice *d = pci_new(bus, devfn, &virtio_blk_pci_class, id, errp);

    if (!d) {
        return NULL;
    }
    ((VirtIOBlock *)d)->blk = blk;
    if (!qdev_realize(DEVICE(d), errp)) {
        return NULL;
    }
    return d;
}

bool virtio_blk_attach_drives(PCIBus *bus, MachineState *ms, const int *slots, int nslots,
                              GError **errp)
{
    int n = 0;

    for (int i = 0; i < ms->nb_drives; i++) {
        DriveOpts *o = &ms->drives[i];
        BlockBackendOpts bo = { 0 };
        g_autofree char *id = NULL;
        BlockBackend *blk;
        int slot = -1;

        if (!o->interface || strcmp(o->interface, "virtio")) {
            continue;
        }
        for (int k = 0; k < nslots; k++) {
            if (!pci_bus_has_device(bus, PCI_DEVFN(slots[k], 0))) {
                slot = slots[k];
                break;
            }
        }
        if (slot < 0) {
            error_setg(errp, "no free PCI slot for virtio drive '%s'", o->file);
            return false;
        }
        id = o->id ? g_strdup(o->id) : g_strdup_printf("virtio%d", n);
        bo.file = o->file;
        bo.format = o->format;
        bo.id = id;
        bo.cache = o->cache;
        bo.read_only = o->readonly;
        bo.snapshot = o->snapshot;
        blk = blk_new_open(&bo, errp);
        if (!blk) {
            return false;
        }
        if (!virtio_blk_pci_create(bus, PCI_DEVFN(slot, 0), blk, id, errp)) {
            blk_unref(blk);
            return false;
        }
        n++;
    }
    return true;
}
