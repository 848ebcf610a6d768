/*
 * virtio network device, after the Virtual I/O Device (VIRTIO) Version 1.1
 * specification section 5.1, on the transitional virtio PCI transport
 * (hw/virtio/virtio-pci.c: legacy I/O BAR and modern memory BAR).
 *
 * Modelled: one receive and one transmit queue; features MAC, STATUS (the
 * link follows the monitor's set_link), MRG_RXBUF (a frame spread over as
 * many receive buffers as it needs, num_buffers in the first header), CSUM
 * (the device completes a partial checksum the driver left with NEEDS_CSUM
 * before the frame leaves, since the back end checks checksums) and
 * GUEST_CSUM (received IPv4 TCP/UDP frames whose checksum the device has
 * verified are marked DATA_VALID), indirect descriptors and event index.
 * Flow control: with no receive buffer the device refuses frames, which
 * wait in the net queue until the driver adds buffers and notifies.
 *
 * Not modelled: the control queue (no receive filtering: every frame is
 * delivered, as in promiscuous mode), GSO/TSO in either direction, multiqueue,
 * MTU, guest announce. A receive buffer outside guest RAM, one with no
 * writable part, or a first buffer shorter than the header marks the device
 * NEEDS_RESET; a transmit buffer outside RAM loses that frame only.
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-net.h"
#include "hw/net/pci-nic.h"
#include "migration/vmstate.h"

static bool virtio_net_has(VirtIONet *s, int bit)
{
    return s->proxy.vdev.guest_features & (1ULL << bit);
}

/* VERSION_1 always carries num_buffers; a legacy driver only with MRG_RXBUF. */
static unsigned virtio_net_hdr_len(VirtIONet *s)
{
    return virtio_net_has(s, VIRTIO_NET_F_MRG_RXBUF) || virtio_net_has(s, VIRTIO_F_VERSION_1)
           ? VIRTIO_NET_HDR_MRG_LEN : VIRTIO_NET_HDR_LEN;
}

static void virtio_net_get_config(VirtIOPCIProxy *p, uint8_t *c)
{
    VirtIONet *s = (VirtIONet *)p;

    memcpy(c, s->mac, NET_ETH_ALEN);
    stw_le_p(c + 6, s->status);
    stw_le_p(c + 8, 1);                         /* max_virtqueue_pairs */
}

/* A guest mistake the device cannot step over: stop until the driver resets. */
static void virtio_net_set_broken(VirtIONet *s, const char *why)
{
    mimic_log_mask(LOG_GUEST_ERROR, "virtio-net: %s; device needs reset\n", why);
    s->proxy.vdev.broken = true;
    s->proxy.vdev.status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    virtio_pci_notify_config(&s->proxy);
}

/* ---- checksums (RFC 1071) ---- */

static uint32_t virtio_net_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    if (i < len) {
        sum += p[i] << 8;
    }
    return sum;
}

static uint16_t virtio_net_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* NEEDS_CSUM: sum from csum_start to the end, stored at csum_start + csum_offset. */
static bool virtio_net_complete_csum(VirtIONet *s, uint8_t *frame, size_t len,
                                     uint16_t start, uint16_t offset)
{
    uint16_t sum;

    if (start >= len || (size_t)start + offset + 2 > len) {
        mimic_log_mask(LOG_GUEST_ERROR, "virtio-net: checksum at %u+%u outside a "
                       "%zu-byte frame\n", start, offset, len);
        return false;
    }
    sum = ~virtio_net_csum_fold(virtio_net_csum_add(0, frame + start, len - start));
    frame[start + offset] = sum >> 8;
    frame[start + offset + 1] = sum;
    s->tx_csum_done++;
    return true;
}

/* Is FRAME an unfragmented IPv4 TCP or UDP packet with a correct checksum? */
static bool virtio_net_rx_csum_ok(const uint8_t *frame, size_t len)
{
    const uint8_t *ip = frame + 14;
    size_t ihl, tot, l4len;
    uint32_t sum;

    if (len < 14 + 20 || lduw_be_p(frame + 12) != 0x0800 || (ip[0] >> 4) != 4) {
        return false;
    }
    ihl = (ip[0] & 15) * 4;
    tot = lduw_be_p(ip + 2);
    if (ihl < 20 || tot < ihl || 14 + tot > len || (lduw_be_p(ip + 6) & 0x3fff) ||
        (ip[9] != 6 && ip[9] != 17)) {
        return false;
    }
    l4len = tot - ihl;
    if (l4len < (ip[9] == 6 ? 20u : 8u) || (ip[9] == 17 && lduw_be_p(ip + ihl + 6) == 0)) {
        return false;
    }
    /* Pseudo-header: addresses, protocol, length. */
    sum = virtio_net_csum_add(0, ip + 12, 8) + ip[9] + l4len;
    sum = virtio_net_csum_add(sum, ip + ihl, l4len);
    return virtio_net_csum_fold(sum) == 0xffff;
}

/* ---- receive ---- */

static bool virtio_net_rx_ready(VirtIONet *s)
{
    VirtIOPCIProxy *p = &s->proxy;

    return (p->vdev.status & VIRTIO_CONFIG_S_DRIVER_OK) && !p->vdev.broken &&
           p->queue_enabled[VIRTIO_NET_RXQ] && (p->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER);
}

static bool virtio_net_can_receive(NetClientState *nc)
{
    VirtIONet *s = nc->opaque;

    return virtio_net_rx_ready(s) &&
           !virtqueue_empty(&s->proxy.vdev, &s->proxy.vq[VIRTIO_NET_RXQ]);
}

static size_t virtio_net_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    VirtIONet *s = nc->opaque;
    VirtIODevice *vdev = &s->proxy.vdev;
    VirtQueue *vq = &s->proxy.vq[VIRTIO_NET_RXQ];
    bool mrg = virtio_net_has(s, VIRTIO_NET_F_MRG_RXBUF);
    unsigned hl = virtio_net_hdr_len(s), n = 0;
    uint8_t hdr[VIRTIO_NET_HDR_MRG_LEN] = { 0 };
    size_t done = 0;                   /* bytes of the frame written */
    uint32_t first_len = 0;

    if (!virtio_net_rx_ready(s)) {
        return 0;
    }
    if (virtio_net_has(s, VIRTIO_NET_F_GUEST_CSUM) && virtio_net_rx_csum_ok(buf, len)) {
        hdr[0] = VIRTIO_NET_HDR_F_DATA_VALID;
        s->rx_csum_valid++;
    }
    /* Fill buffers until the frame is in; give them all back if the ring runs dry. */
    while (n == 0 || done < len) {
        VirtQueueElement *e = n == 0 ? s->rx_first : s->rx_elem;
        uint64_t room, skip = n == 0 ? hl : 0;
        size_t chunk;
        int r = virtqueue_pop(vdev, vq, e);

        if (r < 0) {
            virtio_pci_notify(&s->proxy, VIRTIO_NET_RXQ);
            return 0;
        }
        if (r == 0) {
            virtqueue_unpop(vq, n);
            return 0;
        }
        room = virtqueue_elem_in_size(e);
        if (e->out_num || room < skip || room == 0) {
            virtqueue_unpop(vq, n + 1);
            virtio_net_set_broken(s, "receive buffer read-only or shorter than the header");
            return 0;
        }
        if (!mrg && room < hl + len) {
            /* A driver without mergeable buffers gives room for a whole frame. */
            virtqueue_unpop(vq, 1);
            mimic_log_mask(LOG_GUEST_ERROR, "virtio-net: %zu-byte frame dropped: receive "
                           "buffer holds %" PRIu64 "\n", len, room);
            s->rx_dropped++;
            return len;
        }
        chunk = MIN_U(room - skip, len - done);
        if (virtqueue_elem_write(vdev, e, skip, buf + done, chunk) != (int64_t)chunk) {
            virtqueue_unpop(vq, n + 1);
            virtio_net_set_broken(s, "receive buffer outside guest RAM");
            return 0;
        }
        if (n == 0) {
            first_len = skip + chunk;
        } else {
            s->rx_heads[n - 1] = e->index;
            s->rx_lens[n - 1] = chunk;
        }
        done += chunk;
        n++;
    }
    stw_le_p(hdr + 10, n);             /* num_buffers (only read when hl is 12) */
    if (virtqueue_elem_write(vdev, s->rx_first, 0, hdr, hl) != hl) {
        virtqueue_unpop(vq, n);
        virtio_net_set_broken(s, "receive buffer outside guest RAM");
        return 0;
    }
    virtqueue_push(vdev, vq, s->rx_first, first_len);
    for (unsigned i = 1; i < n; i++) {
        s->rx_elem->index = s->rx_heads[i - 1];
        virtqueue_push(vdev, vq, s->rx_elem, s->rx_lens[i - 1]);
    }
    virtio_pci_notify(&s->proxy, VIRTIO_NET_RXQ);
    return len;
}

/* ---- transmit ---- */

/* One request of the transmit queue: header, then the frame. */
static void virtio_net_tx_one(VirtIONet *s, VirtQueueElement *e)
{
    VirtIODevice *vdev = &s->proxy.vdev;
    unsigned hl = virtio_net_hdr_len(s);
    uint64_t size = virtqueue_elem_out_size(e);
    uint8_t *frame = s->tx_buf + hl;
    size_t len;

    if (size <= hl || size > hl + NET_MAX_FRAME) {
        mimic_log_mask(LOG_GUEST_ERROR, "virtio-net: transmit request of %" PRIu64
                       " bytes dropped\n", size);
        s->tx_dropped++;
        return;
    }
    if (virtqueue_elem_read(vdev, e, 0, s->tx_buf, size) != (int64_t)size) {
        mimic_log_mask(LOG_GUEST_ERROR, "virtio-net: transmit buffer outside guest RAM\n");
        s->tx_dropped++;
        return;
    }
    len = size - hl;
    if (s->tx_buf[1] != VIRTIO_NET_HDR_GSO_NONE) {
        mimic_log_mask(LOG_GUEST_ERROR, "virtio-net: GSO type %u was never offered\n",
                       s->tx_buf[1]);
        s->tx_dropped++;
        return;
    }
    if ((s->tx_buf[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
        (!virtio_net_has(s, VIRTIO_NET_F_CSUM) ||
         !virtio_net_complete_csum(s, frame, len, lduw_le_p(s->tx_buf + 6),
                                   lduw_le_p(s->tx_buf + 8)))) {
        s->tx_dropped++;
        return;
    }
    net_send(s->nc, frame, len);
}

static void virtio_net_flush_tx(VirtIONet *s)
{
    VirtIOPCIProxy *p = &s->proxy;
    VirtQueue *vq = &p->vq[VIRTIO_NET_TXQ];
    bool pushed = false;

    /* Sending may deliver a reply to us at once; it never comes back here, but a
     * second walk of the same ring from inside the first would reuse tx_elem. */
    if (s->tx_busy) {
        return;
    }
    s->tx_busy = true;
    while (virtqueue_pop(&p->vdev, vq, s->tx_elem) > 0) {
        virtio_net_tx_one(s, s->tx_elem);
        virtqueue_push(&p->vdev, vq, s->tx_elem, 0);
        pushed = true;
    }
    s->tx_busy = false;
    if (pushed || p->vdev.broken) {
        virtio_pci_notify(p, VIRTIO_NET_TXQ);
    }
}

static void virtio_net_queue_notify(VirtIOPCIProxy *p, unsigned queue)
{
    VirtIONet *s = (VirtIONet *)p;

    if (!(p->pci.config[PCI_COMMAND] & PCI_COMMAND_MASTER)) {
        mimic_log_mask(LOG_GUEST_ERROR, "virtio-net: notify with bus mastering off\n");
        return;
    }
    if (queue == VIRTIO_NET_TXQ) {
        virtio_net_flush_tx(s);
    } else if (queue == VIRTIO_NET_RXQ) {
        /* New receive buffers: offer what the back end had to hold. */
        net_client_flush(s->nc);
    }
}

static void virtio_net_update_link(VirtIONet *s)
{
    s->status = s->nc && s->nc->link_down ? 0 : VIRTIO_NET_S_LINK_UP;
}

static void virtio_net_vdev_reset(VirtIOPCIProxy *p)
{
    VirtIONet *s = (VirtIONet *)p;

    virtio_net_update_link(s);
    s->tx_busy = false;
    /* Frames held for the old driver instance would only confuse the new one. */
    if (s->nc) {
        net_client_purge(s->nc);
    }
}

static const VirtIOPCIOps virtio_net_ops = {
    .host_features = (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
                     (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
                     (1ULL << VIRTIO_NET_F_STATUS) |
                     (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX),
    .num_queues = 2,
    .queue_size = VIRTIO_NET_QUEUE_SIZE,
    .config_size = VIRTIO_NET_CONFIG_SIZE,
    .get_config = virtio_net_get_config,
    .queue_notify = virtio_net_queue_notify,
    .reset = virtio_net_vdev_reset,
};

/* ---- net client ---- */

static void virtio_net_link_changed(NetClientState *nc)
{
    VirtIONet *s = nc->opaque;
    uint16_t old = s->status;

    virtio_net_update_link(s);
    if (old != s->status && virtio_net_has(s, VIRTIO_NET_F_STATUS)) {
        virtio_pci_notify_config(&s->proxy);
    }
}

static void virtio_net_info_str(NetClientState *nc, GString *out)
{
    VirtIONet *s = nc->opaque;

    g_string_append_printf(out, "model=virtio-net-pci,macaddr=%02x:%02x:%02x:%02x:%02x:%02x",
                           s->mac[0], s->mac[1], s->mac[2], s->mac[3], s->mac[4], s->mac[5]);
}

static const NetClientInfo virtio_net_info = {
    .type = "nic",
    .kind = NET_CLIENT_NIC,
    .receive = virtio_net_receive,
    .can_receive = virtio_net_can_receive,
    .link_status_changed = virtio_net_link_changed,
    .info_str = virtio_net_info_str,
};

/* ---- device ---- */

static bool virtio_net_realize(DeviceState *dev, GError **errp)
{
    VirtIONet *s = (VirtIONet *)dev;

    s->nc = pci_nic_attach(&s->proxy.pci, "virtio-net-pci", &virtio_net_info, dev->id, s,
                           s->mac_str, s->netdev, s->backend, s->mac, errp);
    if (!s->nc) {
        return false;
    }
    s->rx_elem = g_new0(VirtQueueElement, 1);
    s->rx_first = g_new0(VirtQueueElement, 1);
    s->tx_elem = g_new0(VirtQueueElement, 1);
    s->rx_heads = g_new0(uint16_t, VIRTQUEUE_MAX_SIZE);
    s->rx_lens = g_new0(uint32_t, VIRTQUEUE_MAX_SIZE);
    s->tx_buf = g_malloc(VIRTIO_NET_HDR_MRG_LEN + NET_MAX_FRAME);
    pci_device_init_config(&s->proxy.pci);
    virtio_pci_realize(&s->proxy, &virtio_net_ops, "virtio-net");
    return true;
}

static void virtio_net_reset(DeviceState *dev)
{
    VirtIONet *s = (VirtIONet *)dev;

    pci_device_reset(&s->proxy.pci);
    virtio_pci_reset(&s->proxy);
}

static void virtio_net_unrealize(DeviceState *dev)
{
    VirtIONet *s = (VirtIONet *)dev;

    net_client_free(s->nc);
    s->nc = NULL;
    g_free(s->rx_elem);
    g_free(s->rx_first);
    g_free(s->tx_elem);
    g_free(s->rx_heads);
    g_free(s->rx_lens);
    g_free(s->tx_buf);
    s->rx_elem = s->rx_first = s->tx_elem = NULL;
    s->rx_heads = NULL;
    s->rx_lens = NULL;
    s->tx_buf = NULL;
}

static int virtio_net_post_load(void *opaque, int version_id)
{
    VirtIONet *s = opaque;

    s->status &= VIRTIO_NET_S_LINK_UP;
    s->tx_busy = false;
    return vmstate_virtio_pci.post_load(&s->proxy, version_id);
}

static const VMStateField virtio_net_fields[] = {
    VMSTATE_STRUCT(proxy, VirtIONet, vmstate_virtio_pci, VirtIOPCIProxy),
    VMSTATE_UINT16(status, VirtIONet),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription virtio_net_vmstate = {
    .name = "virtio-net-pci",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_net_post_load,
    .fields = virtio_net_fields,
};

static const Property virtio_net_props[] = {
    DEFINE_PROP_STRING("netdev", VirtIONet, netdev),
    DEFINE_PROP_STRING("mac", VirtIONet, mac_str),
    DEFINE_PROP_PTR("backend", VirtIONet, backend),
    DEFINE_PROP_END_OF_LIST(),
};

const PCIDeviceClass virtio_net_pci_class = {
    .parent = {
        .name = "virtio-net-pci",
        .desc = "virtio network device (transitional PCI interface)",
        .instance_size = sizeof(VirtIONet),
        .realize = virtio_net_realize,
        .reset = virtio_net_reset,
        .unrealize = virtio_net_unrealize,
        .vmsd = &virtio_net_vmstate,
        .props = virtio_net_props,
        .user_creatable = true,
    },
    .vendor_id = VIRTIO_PCI_VENDOR_ID,
    .device_id = VIRTIO_NET_PCI_DEVICE_ID,
    .revision = 0,
    .class_id = PCI_CLASS_NETWORK_ETHERNET,
    .subsystem_vendor_id = VIRTIO_PCI_VENDOR_ID,
    .subsystem_id = 1,               /* virtio device type: network */
    .interrupt_pin = 1,
};

static void __attribute__((constructor)) virtio_net_register(void)
{
    device_class_register(&virtio_net_pci_class.parent);
    pci_nic_register_model(&virtio_net_pci_class);
}
