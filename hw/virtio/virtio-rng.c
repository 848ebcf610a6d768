/*
 * virtio entropy device over the transitional virtio PCI transport (1af4:1005), after
 * the Virtual I/O Device (VIRTIO) Version 1.1 specification section 5.4: one
 * request queue of device-writable buffers that the device fills with random
 * bytes. Linux's virtio_rng driver feeds them to /dev/hwrng and the kernel pool.
 *
 * Properties as QEMU's: rng=ID (an -object rng-random/rng-builtin; the host's
 * getrandom(2) without it), max-bytes and period (ms): at most max-bytes per
 * period, the rest of the requests wait for the next period (virtual time).
 * A source with nothing to give right now leaves the requests in the ring and
 * serves them when it has (rng_backend_when_readable). No feature bits, no
 * configuration space.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-rng.h"
#include "qemu/timer.h"
#include "sysemu/rng.h"
#include "migration/vmstate.h"

#define VIRTIO_RNG_QUEUE_SIZE 8
/* What one request gets at most (Linux asks for 64 bytes at a time). */
#define VIRTIO_RNG_CHUNK 4096

typedef struct VirtIORng {
    VirtIOPCIProxy proxy;
    char *rng_id;                  /* property "rng" */
    uint64_t max_bytes;            /* property "max-bytes" */
    uint32_t period_ms;            /* property "period" */
    RngBackend *rng;
    VirtQueueElement *elem;
    uint64_t quota;                /* bytes left in this period */
    Timer refill;                  /* armed while a period's quota is in use */
    bool waiting;                  /* on the source (rng_backend_when_readable) */
} VirtIORng;

static void virtio_rng_process(VirtIORng *s);

static void virtio_rng_readable(void *opaque)
{
    VirtIORng *s = opaque;

    s->waiting = false;
    virtio_rng_process(s);
}

static void virtio_rng_refill(void *opaque)
{
    VirtIORng *s = opaque;

    s->quota = s->max_bytes;
    virtio_rng_process(s);
}

static void virtio_rng_process(VirtIORng *s)
{
    VirtIOPCIProxy *p = &s->proxy;
    VirtQueue *vq = &p->vq[0];
    uint8_t buf[VIRTIO_RNG_CHUNK];
    bool pushed = false;

    if (!(p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) || s->waiting ||
        !(p->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
        return;
    }
    while (s->quota > 0 && virtqueue_pop(&p->vdev, vq, s->elem) > 0) {
        uint64_t want = MIN(MIN(virtqueue_elem_in_size(s->elem), s->quota),
                            (uint64_t)sizeof(buf));
        ssize_t got = want ? rng_backend_read(s->rng, buf, want) : 0;
        int64_t put;

        if (got <= 0 && want) {
            virtqueue_unpop(vq, 1);
            if (got == 0) {
                s->waiting = true;
                rng_backend_when_readable(s->rng, virtio_rng_readable, s);
            }
            break;
        }
        put = virtqueue_elem_write(&p->vdev, s->elem, 0, buf, got);
        if (put < 0) {
            mimic_log_mask(LOG_GUEST_ERROR, "virtio-rng: buffer is not guest RAM\n");
            put = 0;
        }
        virtqueue_push(&p->vdev, vq, s->elem, put);
        pushed = true;
        if (!timer_pending(&s->refill)) {
            /* The first bytes of a period start its clock. */
            timer_mod(&s->refill, clock_get_ns(CLOCK_VIRTUAL) +
                                  (int64_t)s->period_ms * 1000000);
        }
        s->quota -= MIN((uint64_t)put, s->quota);
    }
    if (pushed || p->vdev.broken) {
        virtio_pci_notify(p, 0);
    }
}

static void virtio_rng_queue_notify(VirtIOPCIProxy *p, unsigned queue)
{
    virtio_rng_process((VirtIORng *)p);
}

static const VirtIOPCIOps virtio_rng_ops = {
    .host_features = 0,
    .num_queues = 1,
    .queue_size = VIRTIO_RNG_QUEUE_SIZE,
    .config_size = 0,
    .queue_notify = virtio_rng_queue_notify,
};

static bool virtio_rng_realize(DeviceState *dev, GError **errp)
{
    VirtIORng *s = (VirtIORng *)dev;

    if (s->rng_id) {
        s->rng = rng_backend_find(s->rng_id);
        if (!s->rng) {
            error_setg(errp, "virtio-rng-pci: rng=%s: no such object (add it with "
                       "-object rng-random,id=%s)", s->rng_id, s->rng_id);
            return false;
        }
    } else {
        s->rng = rng_backend_builtin();
    }
    if (s->max_bytes == 0 || s->period_ms == 0) {
        error_setg(errp, "virtio-rng-pci: max-bytes and period must be above 0");
        return false;
    }
    pci_device_init_config(&s->proxy.pci);
    s->elem = g_new0(VirtQueueElement, 1);
    s->quota = s->max_bytes;
    timer_init_ns(&s->refill, CLOCK_VIRTUAL, virtio_rng_refill, s);
    virtio_pci_realize(&s->proxy, &virtio_rng_ops, "virtio-rng");
    return true;
}

static void virtio_rng_reset(DeviceState *dev)
{
    VirtIORng *s = (VirtIORng *)dev;

    pci_device_reset(&s->proxy.pci);
    virtio_pci_reset(&s->proxy);
    timer_del(&s->refill);
    s->quota = s->max_bytes;
    s->waiting = false;            /* a pending call-back finds the driver gone */
}

static int virtio_rng_post_load(void *opaque, int version_id)
{
    VirtIORng *s = opaque;
    int r = vmstate_virtio_pci.post_load(&s->proxy, version_id);

    /* Requests the driver made while the source had nothing: look again. */
    s->waiting = false;
    if (r == 0 && s->quota > 0) {
        virtio_rng_process(s);
    }
    return r;
}

static const VMStateField virtio_rng_fields[] = {
    VMSTATE_STRUCT(proxy, VirtIORng, vmstate_virtio_pci, VirtIOPCIProxy),
    VMSTATE_UINT64(quota, VirtIORng),
    VMSTATE_TIMER(refill, VirtIORng),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription virtio_rng_vmstate = {
    .name = "virtio-rng-pci",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_rng_post_load,
    .fields = virtio_rng_fields,
};

static const Property virtio_rng_props[] = {
    DEFINE_PROP_STRING("rng", VirtIORng, rng_id),
    DEFINE_PROP_UINT64("max-bytes", VirtIORng, max_bytes, INT64_MAX),
    DEFINE_PROP_UINT32("period", VirtIORng, period_ms, 1 << 16),
    DEFINE_PROP_END_OF_LIST(),
};

const PCIDeviceClass virtio_rng_pci_class = {
    .parent = {
        .name = "virtio-rng-pci",
        .desc = "virtio entropy source (transitional PCI interface)",
        .instance_size = sizeof(VirtIORng),
        .realize = virtio_rng_realize,
        .reset = virtio_rng_reset,
        .vmsd = &virtio_rng_vmstate,
        .props = virtio_rng_props,
        .user_creatable = true,
    },
    .vendor_id = VIRTIO_PCI_VENDOR_ID,
    .device_id = 0x1005,
    .revision = 0,
    .class_id = 0x00ff,              /* unclassified: other */
    .subsystem_vendor_id = VIRTIO_PCI_VENDOR_ID,
    .subsystem_id = 4,               /* virtio device type: entropy source */
    .interrupt_pin = 1,
};

static void __attribute__((constructor)) virtio_rng_register(void)
{
    device_class_register(&virtio_rng_pci_class.parent);
    pci_user_class_register(&virtio_rng_pci_class);
}
