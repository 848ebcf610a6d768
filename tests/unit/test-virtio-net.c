/*
 * Unit tests for hw/net/virtio-net.c, driven as a driver would through the
 * virtio PCI registers (legacy I/O BAR and modern BAR) against rings in guest
 * RAM, with a test back end on the other end of the cable: identity and
 * configuration, transmit with checksum completion, receive with and without
 * mergeable buffers, DATA_VALID, flow control when the receive ring is empty,
 * link status and its configuration interrupt, malformed rings (loops,
 * addresses outside RAM, zero and huge lengths, bad indirect tables) followed
 * by a reset that makes the device usable again, random rings (3000 rounds
 * of fuzzed descriptors, indexes and addresses), the modern header layout,
 * creation from the command line, and the vmstate round trip.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/virtio/virtio-net.h"
#include "hw/net/pci-nic.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "sysemu/runstate.h"

#define RAM_SIZE  (1 << 20)
#define QN        256
#define RXRING    0x10000
#define TXRING    0x20000
#define BUF       0x40000              /* buffers from here on */
#define AVAIL(r)  ((r) + 16 * QN)
#define USED(r)   QEMU_ALIGN_UP(AVAIL(r) + 4 + 2 * QN + 2, 4096)
#define SLOT      3

static MemoryRegion ram, pci_mem, pci_io, pci_window;
static PCIBus *bus;
static VirtIONet *dev;
static NetClientState *peer;
static int irq_level;
static GPtrArray *sent;
static uint16_t avail_idx[2];

static size_t peer_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    g_ptr_array_add(sent, g_bytes_new(buf, len));
    return len;
}

static const NetClientInfo peer_info = {
    .type = "test-peer",
    .kind = NET_CLIENT_BACKEND,
    .receive = peer_receive,
};

static void set_irq(void *opaque, int n, int level)
{
    irq_level = level;
}

static int map_irq(PCIDevice *d, int pin)
{
    return 0;
}

static void setup(void)
{
    GError *err = NULL;
    NICInfo ni = { 0 };
    static const int slots[] = { SLOT };

    /* A guest NIC receives only while the VM runs. */
    vm_start();
    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_init(&pci_mem, "pci-mem", 1ULL << 32);
    memory_region_init(&pci_io, "pci-io", 0x10000);
    /* PCI memory from 0x10000000 shows in the CPU's view, as on the Malta. */
    memory_region_init_alias(&pci_window, "pci-window", &pci_mem, 0x10000000, 0x1000000);
    memory_region_add_subregion(get_system_memory(), 0x10000000, &pci_window);
    bus = pci_bus_new("pci.0", &pci_mem, &pci_io);
    pci_bus_irqs(bus, set_irq, map_irq, NULL, 1);
    sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    peer = net_client_new(&peer_info, "peer", NULL, &err);
    cr_assert_not_null(peer);
    ni.backend = peer;
    ni.model = (char *)"virtio-net-pci";
    dev = (VirtIONet *)pci_nic_create(bus, slots, 1, &ni, "pcnet", &err);
    cr_assert_not_null(dev, "%s", err ? err->message : "");
    cr_assert(ni.used);
    pci_bus_config_write(bus, PCI_DEVFN(SLOT, 0), PCI_COMMAND,
                         PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    irq_level = 0;
    avail_idx[0] = avail_idx[1] = 0;
}

TestSuite(virtio_net, .init = setup);

/* ---- guest memory ---- */

static void wr16(uint64_t a, uint16_t v) { uint8_t b[2]; stw_le_p(b, v); address_space_write(&address_space_memory, a, b, 2); }
static void wr32(uint64_t a, uint32_t v) { uint8_t b[4]; stl_le_p(b, v); address_space_write(&address_space_memory, a, b, 4); }
static void wr64(uint64_t a, uint64_t v) { uint8_t b[8]; stq_le_p(b, v); address_space_write(&address_space_memory, a, b, 8); }
static uint16_t rd16(uint64_t a) { uint8_t b[2]; address_space_read(&address_space_memory, a, b, 2); return lduw_le_p(b); }
static uint32_t rd32(uint64_t a) { uint8_t b[4]; address_space_read(&address_space_memory, a, b, 4); return ldl_le_p(b); }

static void put_desc(uint64_t table, int i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    wr64(table + 16 * i, addr);
    wr32(table + 16 * i + 8, len);
    wr16(table + 16 * i + 12, flags);
    wr16(table + 16 * i + 14, next);
}

static uint64_t ring_of(int q)
{
    return q == VIRTIO_NET_RXQ ? RXRING : TXRING;
}

/* Make descriptor HEAD of queue Q available (no notify). */
static void offer(int q, uint16_t head)
{
    uint64_t r = ring_of(q);

    wr16(AVAIL(r) + 4 + 2 * (avail_idx[q] % QN), head);
    wr16(AVAIL(r) + 2, ++avail_idx[q]);
}

static uint16_t used_idx(int q)
{
    return rd16(USED(ring_of(q)) + 2);
}

static uint32_t used_id(int q, unsigned n)
{
    return rd32(USED(ring_of(q)) + 4 + 8 * (n % QN));
}

static uint32_t used_len(int q, unsigned n)
{
    return rd32(USED(ring_of(q)) + 8 + 8 * (n % QN));
}

/* ---- the legacy interface ---- */

static void lw(unsigned off, uint32_t v, unsigned size)
{
    virtio_pci_write(&dev->proxy, off, v, size);
}

static uint32_t lr(unsigned off, unsigned size)
{
    return virtio_pci_read(&dev->proxy, off, size);
}

static void notify(int q)
{
    lw(VIRTIO_PCI_QUEUE_NOTIFY, q, 2);
}

/* Reset, negotiate FEATURES (of those offered), both queues at RXRING/TXRING. */
static void legacy_init(uint32_t features)
{
    lw(VIRTIO_PCI_STATUS, 0, 1);
    for (uint64_t a = RXRING; a < BUF; a += 4) {
        wr32(a, 0);
    }
    avail_idx[0] = avail_idx[1] = 0;
    lw(VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, 1);
    lw(VIRTIO_PCI_GUEST_FEATURES, lr(VIRTIO_PCI_HOST_FEATURES, 4) & features, 4);
    for (int q = 0; q < 2; q++) {
        lw(VIRTIO_PCI_QUEUE_SEL, q, 2);
        cr_assert_eq(lr(VIRTIO_PCI_QUEUE_NUM, 2), QN);
        lw(VIRTIO_PCI_QUEUE_PFN, ring_of(q) >> 12, 4);
    }
    lw(VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
       VIRTIO_CONFIG_S_DRIVER_OK, 1);
}

#define F_MRG   (1u << VIRTIO_NET_F_MRG_RXBUF)
#define F_CSUM  (1u << VIRTIO_NET_F_CSUM)
#define F_GCSUM (1u << VIRTIO_NET_F_GUEST_CSUM)
#define F_IND   (1u << VIRTIO_RING_F_INDIRECT_DESC)

/* ---- frames ---- */

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i < len; i++) {
        sum += i & 1 ? p[i] : p[i] << 8;
    }
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* An Ethernet + IPv4 + UDP (proto 17) or TCP (6) frame with PAYLOAD bytes. When
 * PARTIAL, the L4 checksum field holds only the pseudo-header sum, as Linux leaves
 * it for NEEDS_CSUM; else the full checksum. Returns the frame length. */
static size_t make_ip_frame(uint8_t *f, int proto, size_t payload, bool partial)
{
    size_t l4hdr = proto == 6 ? 20 : 8, l4len = l4hdr + payload;
    uint8_t *ip = f + 14, *l4 = ip + 20;
    unsigned csum_off = proto == 6 ? 16 : 6;
    uint32_t ps;

    memset(f, 0, 14 + 20 + l4len);
    memcpy(f, (uint8_t[]){ 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 }, 6);
    memcpy(f + 6, (uint8_t[]){ 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 6);
    f[12] = 0x08;
    ip[0] = 0x45;
    stw_be_p(ip + 2, 20 + l4len);
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, (uint8_t[]){ 10, 0, 2, 15, 10, 0, 2, 2 }, 8);
    stw_be_p(ip + 10, ~fold(sum16(ip, 20, 0)));
    stw_be_p(l4, 40000);
    stw_be_p(l4 + 2, 80);
    if (proto == 17) {
        stw_be_p(l4 + 4, l4len);
    } else {
        l4[12] = 5 << 4;
    }
    for (size_t i = 0; i < payload; i++) {
        l4[l4hdr + i] = i * 7 + 1;
    }
    ps = sum16(ip + 12, 8, 0) + proto + l4len;
    if (partial) {
        stw_be_p(l4 + csum_off, fold(ps));
    } else {
        stw_be_p(l4 + csum_off, ~fold(sum16(l4, l4len, ps)));
    }
    return 14 + 20 + l4len;
}

static bool l4_csum_ok(const uint8_t *f, size_t len)
{
    const uint8_t *ip = f + 14;
    size_t l4len = lduw_be_p(ip + 2) - 20;

    return fold(sum16(ip + 20, l4len, sum16(ip + 12, 8, 0) + ip[9] + l4len)) == 0xffff;
}

/* ---- tests ---- */

Test(virtio_net, identity_and_configuration)
{
    uint8_t *cfg = dev->proxy.pci.config;
    uint32_t hf = lr(VIRTIO_PCI_HOST_FEATURES, 4);
    static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

    cr_assert_eq(pci_get_word(cfg + PCI_VENDOR_ID), 0x1af4);
    cr_assert_eq(pci_get_word(cfg + PCI_DEVICE_ID), 0x1000, "transitional network device");
    cr_assert_eq(pci_get_word(cfg + PCI_SUBSYSTEM_ID), 1, "virtio type: network");
    cr_assert_eq(pci_get_word(cfg + PCI_CLASS_DEVICE), 0x0200);
    for (int i = 0; i < 6; i++) {
        cr_assert_eq(lr(VIRTIO_PCI_CONFIG + i, 1), mac[i]);
    }
    cr_assert_eq(lr(VIRTIO_PCI_CONFIG + 6, 2), VIRTIO_NET_S_LINK_UP);
    cr_assert_eq(lr(VIRTIO_PCI_CONFIG + 8, 2), 1, "one queue pair");
    for (int b = 0; b < 32; b++) {
        bool want = b == VIRTIO_NET_F_CSUM || b == VIRTIO_NET_F_GUEST_CSUM ||
                    b == VIRTIO_NET_F_MAC || b == VIRTIO_NET_F_MRG_RXBUF ||
                    b == VIRTIO_NET_F_STATUS || b == VIRTIO_RING_F_INDIRECT_DESC ||
                    b == VIRTIO_RING_F_EVENT_IDX;
        cr_assert_eq(!!(hf & (1u << b)), want, "feature bit %d", b);
    }
    lw(VIRTIO_PCI_QUEUE_SEL, 2, 2);
    cr_assert_eq(lr(VIRTIO_PCI_QUEUE_NUM, 2), 0, "no control queue");
}

Test(virtio_net, transmit_completes_partial_checksums)
{
    uint8_t f[1600], hdr[10] = { 0 };
    size_t len = make_ip_frame(f, 17, 1000, true);

    legacy_init(F_CSUM);
    /* Header and frame in separate descriptors, the frame split once more. */
    hdr[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    stw_le_p(hdr + 6, 34);             /* csum_start: the UDP header */
    stw_le_p(hdr + 8, 6);              /* csum_offset: its checksum field */
    address_space_write(&address_space_memory, BUF, hdr, 10);
    address_space_write(&address_space_memory, BUF + 0x100, f, 100);
    address_space_write(&address_space_memory, BUF + 0x1000, f + 100, len - 100);
    put_desc(TXRING, 0, BUF, 10, VRING_DESC_F_NEXT, 1);
    put_desc(TXRING, 1, BUF + 0x100, 100, VRING_DESC_F_NEXT, 2);
    put_desc(TXRING, 2, BUF + 0x1000, len - 100, 0, 0);
    offer(VIRTIO_NET_TXQ, 0);
    notify(VIRTIO_NET_TXQ);
    cr_assert_eq(sent->len, 1);
    cr_assert_eq(g_bytes_get_size(sent->pdata[0]), len, "header stripped");
    cr_assert(l4_csum_ok(g_bytes_get_data(sent->pdata[0], NULL), len), "checksum completed");
    cr_assert_eq(used_idx(VIRTIO_NET_TXQ), 1);
    cr_assert_eq(used_id(VIRTIO_NET_TXQ, 0), 0);
    cr_assert_eq(irq_level, 1, "transmit completion interrupt");
    cr_assert_eq(lr(VIRTIO_PCI_ISR, 1), 1);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(dev->tx_csum_done, 1);

    /* A checksum field past the end of the frame: the frame is lost, not sent. */
    stw_le_p(hdr + 6, len - 1);
    address_space_write(&address_space_memory, BUF, hdr, 10);
    offer(VIRTIO_NET_TXQ, 0);
    notify(VIRTIO_NET_TXQ);
    cr_assert_eq(sent->len, 1);
    cr_assert_eq(used_idx(VIRTIO_NET_TXQ), 2, "the buffer still comes back");
    cr_assert_eq(dev->tx_dropped, 1);
    cr_assert_not(dev->proxy.vdev.broken);
}

Test(virtio_net, receive_into_mergeable_buffers)
{
    uint8_t f[1600], got[1600];
    size_t len = make_ip_frame(f, 6, 1200, false);
    uint16_t used0;

    legacy_init(F_MRG | F_GCSUM);
    for (int i = 0; i < 4; i++) {
        put_desc(RXRING, i, BUF + 0x1000 * i, 512, VRING_DESC_F_WRITE, 0);
        offer(VIRTIO_NET_RXQ, i);
    }
    notify(VIRTIO_NET_RXQ);
    used0 = used_idx(VIRTIO_NET_RXQ);
    cr_assert(net_send(peer, f, len));
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), used0 + 3, "12 + 1266 bytes in three buffers");
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 0), 512);
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 1), 512);
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 2), 12 + len - 1024);
    cr_assert_eq(rd16(BUF + 10), 3, "num_buffers");
    cr_assert_eq(rd16(BUF) & 0xff, VIRTIO_NET_HDR_F_DATA_VALID, "checksum verified");
    address_space_read(&address_space_memory, BUF + 12, got, 500);
    address_space_read(&address_space_memory, BUF + 0x1000, got + 500, 512);
    address_space_read(&address_space_memory, BUF + 0x2000, got + 1012, len - 1012);
    cr_assert_eq(memcmp(got, f, len), 0);
    cr_assert_eq(irq_level, 1);

    /* A corrupted frame is delivered without DATA_VALID: the guest checks it. */
    f[len - 1] ^= 0x55;
    for (int i = 0; i < 3; i++) {
        put_desc(RXRING, 4 + i, BUF + 0x8000 + 0x1000 * i, 2048, VRING_DESC_F_WRITE, 0);
        offer(VIRTIO_NET_RXQ, 4 + i);
    }
    notify(VIRTIO_NET_RXQ);
    cr_assert(net_send(peer, f, len));
    /* The fourth small buffer was left over: it takes the start of this frame. */
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), used0 + 5);
    cr_assert_eq(used_id(VIRTIO_NET_RXQ, 3), 3);
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 3), 512);
    cr_assert_eq(used_id(VIRTIO_NET_RXQ, 4), 4);
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 4), 12 + len - 512, "one big buffer for the rest");
    cr_assert_eq(rd16(BUF + 0x3000 + 10), 2);
    cr_assert_eq(rd16(BUF + 0x3000) & 0xff, 0);
    cr_assert_eq(dev->rx_csum_valid, 1);
}

Test(virtio_net, receive_without_mergeable_buffers)
{
    uint8_t f[200], got[200];
    size_t len = make_ip_frame(f, 17, 100, false);

    legacy_init(0);                    /* 10-byte header, no DATA_VALID */
    put_desc(RXRING, 0, BUF, 100, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    notify(VIRTIO_NET_RXQ);
    /* Too small for header + frame: the frame is lost, the buffer stays. */
    cr_assert(net_send(peer, f, len));
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 0);
    cr_assert_eq(dev->rx_dropped, 1);
    /* Two descriptors chained into one buffer: header, then the frame. */
    put_desc(RXRING, 1, BUF + 0x1000, 10, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 2);
    put_desc(RXRING, 2, BUF + 0x2000, 1514, VRING_DESC_F_WRITE, 0);
    wr16(AVAIL(RXRING) + 4, 1);        /* replace the small one (not yet used) */
    cr_assert(net_send(peer, f, len));
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 1);
    cr_assert_eq(used_id(VIRTIO_NET_RXQ, 0), 1);
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 0), 10 + len);
    cr_assert_eq(rd16(BUF + 0x1000), 0, "flags");
    address_space_read(&address_space_memory, BUF + 0x2000, got, len);
    cr_assert_eq(memcmp(got, f, len), 0);
}

Test(virtio_net, empty_receive_ring_holds_frames_until_buffers_come)
{
    uint8_t f[3][100];

    legacy_init(F_MRG);
    for (int i = 0; i < 3; i++) {
        memset(f[i], 0x10 + i, sizeof(f[i]));
        cr_assert(net_send(peer, f[i], sizeof(f[i])));
    }
    cr_assert_eq(net_client_queue_len(dev->nc), 3, "all three wait");
    put_desc(RXRING, 0, BUF, 2048, VRING_DESC_F_WRITE, 0);
    put_desc(RXRING, 1, BUF + 0x1000, 2048, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    offer(VIRTIO_NET_RXQ, 1);
    cr_assert_eq(net_client_queue_len(dev->nc), 3, "nothing before the notify");
    notify(VIRTIO_NET_RXQ);
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 2);
    cr_assert_eq(net_client_queue_len(dev->nc), 1, "the third still waits");
    cr_assert_eq(rd32(BUF + 12), 0x10101010, "in order");
    cr_assert_eq(rd32(BUF + 0x1000 + 12), 0x11111111);
    put_desc(RXRING, 2, BUF + 0x2000, 2048, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 2);
    notify(VIRTIO_NET_RXQ);
    cr_assert_eq(net_client_queue_len(dev->nc), 0);
    cr_assert_eq(rd32(BUF + 0x2000 + 12), 0x12121212);
    cr_assert_eq(peer->dropped + dev->nc->dropped, 0, "nothing lost");

    /* A frame needing two buffers while one is there waits too, and keeps that one. */
    {
        uint8_t big[1500];

        memset(big, 0x77, sizeof(big));
        put_desc(RXRING, 3, BUF + 0x3000, 1024, VRING_DESC_F_WRITE, 0);
        offer(VIRTIO_NET_RXQ, 3);
        notify(VIRTIO_NET_RXQ);
        cr_assert(net_send(peer, big, sizeof(big)));
        cr_assert_eq(net_client_queue_len(dev->nc), 1);
        cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 3);
        put_desc(RXRING, 4, BUF + 0x4000, 1024, VRING_DESC_F_WRITE, 0);
        offer(VIRTIO_NET_RXQ, 4);
        notify(VIRTIO_NET_RXQ);
        cr_assert_eq(net_client_queue_len(dev->nc), 0);
        cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 5);
        cr_assert_eq(used_id(VIRTIO_NET_RXQ, 3), 3, "the kept buffer is used first");
        cr_assert_eq(rd16(BUF + 0x3000 + 10), 2);
    }
}

Test(virtio_net, link_status_follows_set_link)
{
    GError *err = NULL;
    uint8_t f[64] = { 0 };

    legacy_init(1u << VIRTIO_NET_F_STATUS);
    cr_assert(net_set_link("peer", false, &err));
    cr_assert_eq(lr(VIRTIO_PCI_CONFIG + 6, 2), 0, "link down");
    cr_assert_eq(irq_level, 1, "configuration change interrupt");
    cr_assert_eq(lr(VIRTIO_PCI_ISR, 1), 2, "ISR bit 1: configuration");
    cr_assert_eq(irq_level, 0);
    /* A frame sent while the cable is out is lost, and the buffer comes back. */
    address_space_write(&address_space_memory, BUF + 10, f, 64);
    put_desc(TXRING, 0, BUF, 74, 0, 0);
    offer(VIRTIO_NET_TXQ, 0);
    notify(VIRTIO_NET_TXQ);
    cr_assert_eq(sent->len, 0);
    cr_assert_eq(used_idx(VIRTIO_NET_TXQ), 1);
    lr(VIRTIO_PCI_ISR, 1);
    cr_assert(net_set_link("peer", true, &err));
    cr_assert_eq(lr(VIRTIO_PCI_CONFIG + 6, 2), VIRTIO_NET_S_LINK_UP);
    cr_assert_eq(lr(VIRTIO_PCI_ISR, 1), 2);
    offer(VIRTIO_NET_TXQ, 0);
    notify(VIRTIO_NET_TXQ);
    cr_assert_eq(sent->len, 1);
}

/* Reset and set up again: frames flow both ways. */
static void check_usable_after_reset(const char *what)
{
    uint8_t f[60];

    legacy_init(F_MRG | F_IND);
    cr_assert_not(dev->proxy.vdev.broken);
    memset(f, 0xab, sizeof(f));
    address_space_write(&address_space_memory, BUF + 0x9000 + 12, f, sizeof(f));
    put_desc(TXRING, 0, BUF + 0x9000, 12 + sizeof(f), 0, 0);
    offer(VIRTIO_NET_TXQ, 0);
    notify(VIRTIO_NET_TXQ);
    cr_assert_eq(sent->len, 1, "%s: the device transmits after the reset", what);
    g_ptr_array_set_size(sent, 0);
    put_desc(RXRING, 0, BUF + 0xa000, 2048, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    notify(VIRTIO_NET_RXQ);
    cr_assert(net_send(peer, f, sizeof(f)));
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 1, "%s: and receives", what);
}

/* After a malformed ring: NEEDS_RESET; after the reset, frames flow again. */
static void expect_broken_then_recover(const char *what)
{
    cr_assert(dev->proxy.vdev.broken, "%s: device marked broken", what);
    cr_assert(lr(VIRTIO_PCI_STATUS, 1) & VIRTIO_CONFIG_S_NEEDS_RESET, "%s", what);
    check_usable_after_reset(what);
}

Test(virtio_net, malformed_rings_then_reset)
{
    uint8_t f[60] = { 0 };

    /* A transmit chain that points to itself. */
    legacy_init(F_MRG | F_IND);
    put_desc(TXRING, 0, BUF, 70, VRING_DESC_F_NEXT, 0);
    offer(VIRTIO_NET_TXQ, 0);
    notify(VIRTIO_NET_TXQ);
    cr_assert_eq(sent->len, 0);
    expect_broken_then_recover("tx descriptor loop");

    /* An indirect table whose entries point into each other. */
    legacy_init(F_MRG | F_IND);
    put_desc(BUF + 0x5000, 0, BUF, 12, VRING_DESC_F_NEXT, 1);
    put_desc(BUF + 0x5000, 1, BUF, 12, VRING_DESC_F_NEXT, 0);
    put_desc(TXRING, 0, BUF + 0x5000, 32, VRING_DESC_F_INDIRECT, 0);
    offer(VIRTIO_NET_TXQ, 0);
    notify(VIRTIO_NET_TXQ);
    expect_broken_then_recover("indirect loop");

    /* A receive buffer outside guest RAM. */
    legacy_init(F_MRG | F_IND);
    put_desc(RXRING, 0, 0x7ff00000, 2048, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    notify(VIRTIO_NET_RXQ);
    net_send(peer, f, sizeof(f));
    expect_broken_then_recover("rx buffer outside RAM");

    /* A receive buffer on the device's own registers (the modern BAR). */
    legacy_init(F_MRG | F_IND);
    pci_bus_config_write(bus, PCI_DEVFN(SLOT, 0), PCI_BASE_ADDRESS_0 + 16, 0x10000000, 4);
    cr_assert_eq(pci_get_bar_addr(&dev->proxy.pci, VIRTIO_PCI_MODERN_BAR), 0x10000000);
    /* Its notify register for the receive queue: a write would re-enter the device. */
    put_desc(RXRING, 0, 0x10000000 + VIRTIO_PCI_NOTIFY_OFF, 2048, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    notify(VIRTIO_NET_RXQ);
    net_send(peer, f, sizeof(f));
    expect_broken_then_recover("rx buffer on device registers");

    /* A zero-length receive buffer, then a read-only one. */
    legacy_init(F_MRG | F_IND);
    put_desc(RXRING, 0, BUF, 0, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    notify(VIRTIO_NET_RXQ);
    net_send(peer, f, sizeof(f));
    expect_broken_then_recover("zero-length rx buffer");
    legacy_init(F_MRG | F_IND);
    put_desc(RXRING, 0, BUF, 2048, 0, 0);
    offer(VIRTIO_NET_RXQ, 0);
    notify(VIRTIO_NET_RXQ);
    net_send(peer, f, sizeof(f));
    expect_broken_then_recover("read-only rx buffer");

    /* The avail index jumping past the ring size. */
    legacy_init(F_MRG | F_IND);
    wr16(AVAIL(TXRING) + 2, QN + 5);
    notify(VIRTIO_NET_TXQ);
    expect_broken_then_recover("avail index past the ring");
}

Test(virtio_net, bad_transmit_buffers_are_dropped)
{
    legacy_init(F_MRG | F_IND);
    /* Outside RAM, zero length, 4 GiB - 1, header only: each returned unsent. */
    put_desc(TXRING, 0, 0x7ff00000, 100, 0, 0);
    put_desc(TXRING, 1, BUF, 0, 0, 0);
    put_desc(TXRING, 2, BUF, 0xffffffffu, 0, 0);
    put_desc(TXRING, 3, BUF, 12, 0, 0);
    for (int i = 0; i < 4; i++) {
        offer(VIRTIO_NET_TXQ, i);
    }
    notify(VIRTIO_NET_TXQ);
    cr_assert_eq(sent->len, 0);
    cr_assert_eq(used_idx(VIRTIO_NET_TXQ), 4);
    cr_assert_eq(dev->tx_dropped, 4);
    cr_assert_not(dev->proxy.vdev.broken);
    /* A huge receive buffer: only the bytes written must be RAM, and they are. */
    put_desc(RXRING, 0, BUF, 0xffffffffu, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    notify(VIRTIO_NET_RXQ);
    {
        uint8_t f[100] = { 1 };

        cr_assert(net_send(peer, f, sizeof(f)));
    }
    cr_assert_not(dev->proxy.vdev.broken);
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 0), 12 + 100);
    /* One that starts in RAM and crosses its end is refused. */
    put_desc(RXRING, 1, RAM_SIZE - 50, 0xffffffffu, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 1);
    notify(VIRTIO_NET_RXQ);
    {
        uint8_t f[100] = { 2 };

        net_send(peer, f, sizeof(f));
    }
    cr_assert(dev->proxy.vdev.broken, "a buffer running off the end of RAM");
}

Test(virtio_net, modern_interface_uses_the_12_byte_header)
{
    uint8_t f[80];

    memset(f, 0x5c, sizeof(f));
    /* Feature negotiation through the common configuration. */
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x14, 3, 1);
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x08, 1, 4);
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x0c, 1, 4);   /* VERSION_1 */
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x08, 0, 4);
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x0c,
                            1u << VIRTIO_NET_F_MAC, 4);
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x14, 0x0b, 1);
    cr_assert(virtio_pci_modern_read(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x14, 1) &
              VIRTIO_CONFIG_S_FEATURES_OK);
    for (int q = 0; q < 2; q++) {
        uint64_t r = ring_of(q);

        virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x16, q, 2);
        virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x20, r, 4);
        virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x28, AVAIL(r), 4);
        virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x30, USED(r), 4);
        virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x1c, 1, 2);
    }
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_COMMON_OFF + 0x14, 0x0f, 1);
    cr_assert_eq(virtio_pci_modern_read(&dev->proxy, VIRTIO_PCI_DEVICE_OFF + 5, 1), 0x56);

    put_desc(RXRING, 0, BUF, 2048, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_NOTIFY_OFF, 0, 2);
    cr_assert(net_send(peer, f, sizeof(f)));
    cr_assert_eq(used_len(VIRTIO_NET_RXQ, 0), 12 + sizeof(f));
    cr_assert_eq(rd16(BUF + 10), 1, "num_buffers is there without MRG_RXBUF");
    cr_assert_eq(rd32(BUF + 12), 0x5c5c5c5c);

    address_space_write(&address_space_memory, BUF + 0x1000 + 12, f, sizeof(f));
    put_desc(TXRING, 0, BUF + 0x1000, 12 + sizeof(f), 0, 0);
    offer(VIRTIO_NET_TXQ, 0);
    virtio_pci_modern_write(&dev->proxy, VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT, 1, 2);
    cr_assert_eq(sent->len, 1);
    cr_assert_eq(g_bytes_get_size(sent->pdata[0]), sizeof(f));
}

Test(virtio_net, created_from_the_command_line)
{
    GError *err = NULL;
    GPtrArray *opts = g_ptr_array_new();
    NetClientState *be = net_client_new(&peer_info, "n1", NULL, &err);
    VirtIONet *d2;

    cr_assert_not_null(be);
    g_ptr_array_add(opts, (char *)"virtio-net-pci,netdev=n1,mac=52:54:00:aa:bb:cc,id=vn1");
    cr_assert(pci_create_user_devices(bus, opts, (const int[]){ 5 }, 1, &err),
              "%s", err ? err->message : "");
    d2 = (VirtIONet *)bus->devices[PCI_DEVFN(5, 0)];
    cr_assert_not_null(d2);
    cr_assert_eq(d2->mac[5], 0xcc);
    cr_assert_eq(be->peer, d2->nc);
    cr_assert_eq(virtio_pci_read(&d2->proxy, VIRTIO_PCI_CONFIG + 4, 1), 0xbb);

    g_ptr_array_set_size(opts, 0);
    g_ptr_array_add(opts, (char *)"virtio-net-pci,netdev=nosuch");
    cr_assert_not(pci_create_user_devices(bus, opts, (const int[]){ 6 }, 1, &err));
    g_ptr_array_free(opts, true);
}

Test(virtio_net, vmstate_round_trip)
{
    GByteArray *ba = g_byte_array_new();
    GError *err = NULL;
    uint8_t f[100];
    const VMStateDescription *vmsd = dev->proxy.pci.qdev.dc->vmsd;

    memset(f, 0x42, sizeof(f));
    legacy_init(F_MRG);
    cr_assert(net_set_link("peer", false, &err));
    put_desc(RXRING, 0, BUF, 2048, VRING_DESC_F_WRITE, 0);
    put_desc(RXRING, 1, BUF + 0x1000, 2048, VRING_DESC_F_WRITE, 0);
    offer(VIRTIO_NET_RXQ, 0);
    offer(VIRTIO_NET_RXQ, 1);
    cr_assert(net_set_link("peer", true, &err));
    net_send(peer, f, sizeof(f));
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 1);
    cr_assert(net_set_link("peer", false, &err));
    vmstate_save(vmsd, dev, ba);
    dev->proxy.pci.qdev.dc->reset(DEVICE(dev));
    cr_assert_eq(dev->proxy.vdev.status, 0);
    cr_assert_eq(vmstate_load(vmsd, dev, ba->data, ba->len, NULL, &err), 0,
                 "%s", err ? err->message : "");
    cr_assert_eq(dev->proxy.vdev.status, 7);
    cr_assert_eq(dev->status, 0, "link state saved");
    cr_assert(dev->proxy.vdev.guest_features & F_MRG);
    /* The receive queue carries on with the second buffer. */
    cr_assert(net_set_link("peer", true, &err));
    net_send(peer, f, sizeof(f));
    cr_assert_eq(used_idx(VIRTIO_NET_RXQ), 2);
    cr_assert_eq(used_id(VIRTIO_NET_RXQ, 1), 1);
    cr_assert_eq(rd32(BUF + 0x1000 + 12), 0x42424242);
    g_byte_array_free(ba, true);
}

/* Random rings: whatever the descriptors say, the device never touches memory
 * outside guest RAM (ASan/UBSan builds check the host side), never hangs, and
 * works again after a reset. */
static uint32_t fuzz_seed = 0x2545f491;

static uint32_t fuzz_rand(void)
{
    fuzz_seed ^= fuzz_seed << 13;
    fuzz_seed ^= fuzz_seed >> 17;
    fuzz_seed ^= fuzz_seed << 5;
    return fuzz_seed;
}

static uint64_t fuzz_addr(void)
{
    switch (fuzz_rand() % 4) {
    case 0: return BUF + fuzz_rand() % 0x40000;                 /* RAM */
    case 1: return RAM_SIZE - fuzz_rand() % 64;                 /* its end */
    case 2: return 0x10000000 + fuzz_rand() % 0x4000;           /* device registers */
    default: return ((uint64_t)fuzz_rand() << 32) | fuzz_rand();
    }
}

static uint32_t fuzz_len(void)
{
    static const uint32_t lens[] = { 0, 1, 10, 12, 60, 1514, 4096, 65536, 0xffffffffu };

    return fuzz_rand() % 2 ? lens[fuzz_rand() % ARRAY_SIZE(lens)] : fuzz_rand() % 3000;
}

Test(virtio_net, random_rings_never_escape_or_hang)
{
    unsigned resets = 0;

    pci_bus_config_write(bus, PCI_DEVFN(SLOT, 0), PCI_BASE_ADDRESS_0 + 16, 0x10000000, 4);
    legacy_init(F_MRG | F_IND | F_CSUM | F_GCSUM | (1u << VIRTIO_RING_F_EVENT_IDX));
    for (int round = 0; round < 3000; round++) {
        int q = fuzz_rand() % 2, n = 1 + fuzz_rand() % 4;
        uint8_t f[1514];

        for (int i = 0; i < n; i++) {
            int d = fuzz_rand() % QN;
            uint16_t flags = fuzz_rand() & 7;

            /* Mostly plausible: writable on rx, readable on tx, short chains. */
            if (fuzz_rand() % 4) {
                flags = (q == VIRTIO_NET_RXQ ? VRING_DESC_F_WRITE : 0) |
                        (fuzz_rand() % 3 == 0 ? VRING_DESC_F_NEXT : 0);
            }
            put_desc(ring_of(q), d, fuzz_rand() % 8 ? fuzz_addr() : BUF + 0x30000,
                     fuzz_len(), flags, fuzz_rand() % 5 ? (uint16_t)((d + 1) % QN)
                                                               : (uint16_t)fuzz_rand());
            if (fuzz_rand() % 3 == 0) {
                put_desc(BUF + 0x30000, fuzz_rand() % 8, fuzz_addr(), fuzz_len(),
                         fuzz_rand() & 7, fuzz_rand() % 9);
            }
            if (fuzz_rand() % 16 == 0) {
                wr16(AVAIL(ring_of(q)) + 2, fuzz_rand());
            } else {
                offer(q, fuzz_rand() % 32 ? (uint16_t)d : (uint16_t)fuzz_rand());
            }
        }
        notify(q);
        memset(f, round, sizeof(f));
        net_send(peer, f, 14 + fuzz_rand() % 1500);
        if (dev->proxy.vdev.broken || fuzz_rand() % 64 == 0) {
            legacy_init(F_MRG | F_IND | F_CSUM | F_GCSUM | (1u << VIRTIO_RING_F_EVENT_IDX));
            resets++;
        }
    }
    cr_assert_gt(resets, 10, "the rings were malformed often enough to matter");
    g_ptr_array_set_size(sent, 0);
    check_usable_after_reset("after random rings");
}
