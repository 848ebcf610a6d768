/*
 * Unit tests for hw/virtio/virtio.c (split virtqueue: chains, indirect
 * tables, event index, malformed rings) and hw/virtio/virtio-blk.c +
 * virtio-pci.c (legacy registers, IN/OUT/FLUSH/GET_ID requests end to end
 * against a raw image, ISR/INTx, bad requests, vmstate round trip).
 */
#include "qemu/osdep.h"
#include "hw/virtio/virtio-blk.h"
#include "migration/vmstate.h"
#include <criterion/criterion.h>
#include <unistd.h>

#define RAM_SIZE (4 << 20)
#define QNUM 16
#define RING 0x10000               /* legacy ring at PFN 0x10 */
#define DESC(i) (RING + 16 * (i))
#define AVAIL (RING + 16 * QNUM)
#define USED QEMU_ALIGN_UP(AVAIL + 4 + 2 * QNUM + 2, 4096)

static MemoryRegion ram;
static VirtIODevice vdev;
static VirtQueue vq;

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

static void offer(uint16_t head)
{
    uint16_t idx = rd16(AVAIL + 2);

    wr16(AVAIL + 4 + 2 * (idx % QNUM), head);
    wr16(AVAIL + 2, idx + 1);
}

static void setup(void)
{
    GError *err = NULL;

    cr_assert(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memset(&vdev, 0, sizeof(vdev));
    vdev.as = &address_space_memory;
    memset(&vq, 0, sizeof(vq));
    vq.num = QNUM;
    virtqueue_set_legacy_addr(&vq, RING);
}

TestSuite(virtqueue, .init = setup);

Test(virtqueue, chain_and_copy)
{
    VirtQueueElement *e = g_new0(VirtQueueElement, 1);
    uint8_t buf[300];

    put_desc(RING, 3, 0x20000, 100, VRING_DESC_F_NEXT, 7);
    put_desc(RING, 7, 0x21000, 50, VRING_DESC_F_NEXT, 1);
    put_desc(RING, 1, 0x22000, 200, VRING_DESC_F_WRITE, 0);
    for (int i = 0; i < 150; i++) {
        buf[i] = i;
    }
    address_space_write(&address_space_memory, 0x20000, buf, 100);
    address_space_write(&address_space_memory, 0x21000, buf + 100, 50);
    offer(3);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), 1);
    cr_assert_eq(e->index, 3);
    cr_assert_eq(e->out_num, 2);
    cr_assert_eq(e->in_num, 1);
    cr_assert_eq(virtqueue_elem_out_size(e), 150);
    memset(buf, 0, sizeof(buf));
    cr_assert_eq(virtqueue_elem_read(&vdev, e, 90, buf, 20), 20);
    for (int i = 0; i < 20; i++) {
        cr_assert_eq(buf[i], 90 + i, "read across the descriptor boundary");
    }
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), 0, "ring empty");
    virtqueue_push(&vdev, &vq, e, 42);
    cr_assert_eq(rd16(USED + 2), 1);
    cr_assert_eq(rd32(USED + 4), 3);
    cr_assert_eq(rd32(USED + 8), 42);
    g_free(e);
}

Test(virtqueue, indirect_needs_feature)
{
    VirtQueueElement *e = g_new0(VirtQueueElement, 1);

    put_desc(0x30000, 0, 0x20000, 16, VRING_DESC_F_NEXT, 1);
    put_desc(0x30000, 1, 0x21000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
    put_desc(0x30000, 2, 0x22000, 1, VRING_DESC_F_WRITE, 0);
    put_desc(RING, 0, 0x30000, 48, VRING_DESC_F_INDIRECT, 0);
    vdev.guest_features = 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
    offer(0);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), 1);
    cr_assert_eq(e->out_num, 1);
    cr_assert_eq(e->in_num, 2);
    cr_assert_eq(virtqueue_elem_in_size(e), 513);

    vdev.guest_features = 0;
    offer(0);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), -1, "indirect without the feature");
    cr_assert(vdev.broken);
    cr_assert(vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
    g_free(e);
}

Test(virtqueue, malformed_rings_are_refused)
{
    VirtQueueElement *e = g_new0(VirtQueueElement, 1);

    /* A loop. */
    put_desc(RING, 0, 0x20000, 16, VRING_DESC_F_NEXT, 1);
    put_desc(RING, 1, 0x20000, 16, VRING_DESC_F_NEXT, 0);
    offer(0);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), -1);
    /* Head out of range. */
    vdev.broken = false;
    offer(QNUM + 3);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), -1);
    /* Avail index jumping by more than the queue size. */
    vdev.broken = false;
    wr16(AVAIL + 2, vq.last_avail_idx + QNUM + 1);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), -1);
    /* A ring outside RAM. */
    vdev.broken = false;
    virtqueue_set_legacy_addr(&vq, 0x7ff00000);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), -1);
    /* Next index beyond an indirect table. */
    vdev.broken = false;
    virtqueue_set_legacy_addr(&vq, RING);
    wr16(AVAIL + 2, 0);
    vdev.guest_features = 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
    put_desc(0x30000, 0, 0x20000, 16, VRING_DESC_F_NEXT, 5);
    put_desc(RING, 2, 0x30000, 16, VRING_DESC_F_INDIRECT, 0);
    offer(2);
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), -1);
    g_free(e);
}

Test(virtqueue, event_index)
{
    VirtQueueElement *e = g_new0(VirtQueueElement, 1);

    vdev.guest_features = 1ULL << VIRTIO_RING_F_EVENT_IDX;
    put_desc(RING, 0, 0x20000, 1, VRING_DESC_F_WRITE, 0);
    for (int i = 0; i < 3; i++) {
        offer(0);
    }
    wr16(AVAIL + 4 + 2 * QNUM, 1);     /* used_event: interrupt once used passes 1 */
    cr_assert_eq(virtqueue_pop(&vdev, &vq, e), 1);
    cr_assert_eq(rd16(USED + 4 + 8 * QNUM), 1, "avail_event follows our progress");
    virtqueue_push(&vdev, &vq, e, 1);
    cr_assert(virtqueue_should_notify(&vdev, &vq), "first notification always goes");
    virtqueue_pop(&vdev, &vq, e);
    virtqueue_push(&vdev, &vq, e, 1);
    cr_assert(virtqueue_should_notify(&vdev, &vq), "used idx 2 passes used_event 1");
    virtqueue_pop(&vdev, &vq, e);
    virtqueue_push(&vdev, &vq, e, 1);
    cr_assert_not(virtqueue_should_notify(&vdev, &vq), "used_event 1 already passed");
    /* Without event index: the NO_INTERRUPT flag. */
    vdev.guest_features = 0;
    wr16(AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
    cr_assert_not(virtqueue_should_notify(&vdev, &vq));
    wr16(AVAIL, 0);
    cr_assert(virtqueue_should_notify(&vdev, &vq));
    g_free(e);
}

/* ---- virtio-blk-pci end to end ---- */

static int irq_level;

static void bus_irq(void *opaque, int n, int level)
{
    irq_level = level;
}

static int map_irq(PCIDevice *d, int pin)
{
    return 0;
}

static char path[64];
static VirtIOBlock *blkdev;
static BlockBackend *blk;

static void blk_setup(void)
{
    static MemoryRegion pmem, pio;
    GError *err = NULL;
    BlockBackendOpts o = { .id = "vd0", .format = "raw" };
    uint8_t *d = g_malloc(1 << 20);
    PCIBus *bus;
    int fd;

    setup();
    snprintf(path, sizeof(path), "/tmp/mimic-vblk-XXXXXX");
    fd = mkstemp(path);
    for (int i = 0; i < (1 << 20); i++) {
        d[i] = i * 3 + (i >> 9);
    }
    cr_assert_eq(write(fd, d, 1 << 20), 1 << 20);
    close(fd);
    g_free(d);
    o.file = path;
    blk = blk_new_open(&o, &err);
    cr_assert_not_null(blk);
    memory_region_init(&pmem, "pci-mem", 1ULL << 32);
    memory_region_init(&pio, "pci-io", 65536);
    bus = pci_bus_new("pci", &pmem, &pio);
    pci_bus_irqs(bus, bus_irq, map_irq, NULL, 1);
    blkdev = (VirtIOBlock *)virtio_blk_pci_create(bus, PCI_DEVFN(3, 0), blk, "vblk", &err);
    cr_assert_not_null(blkdev, "%s", err ? err->message : "");
    blkdev->proxy.pci.config[PCI_COMMAND] |= PCI_COMMAND_MASTER | PCI_COMMAND_IO;
    irq_level = 0;
}

static void blk_teardown(void)
{
    unlink(path);
}

static void vreg_w(unsigned off, uint32_t v, unsigned size)
{
    virtio_pci_write(&blkdev->proxy, off, v, size);
}

static uint32_t vreg_r(unsigned off, unsigned size)
{
    return virtio_pci_read(&blkdev->proxy, off, size);
}

/* Driver-side set-up of a legacy device with a 256-entry queue at RING. */
static void driver_init(uint32_t features)
{
    vreg_w(VIRTIO_PCI_STATUS, 0, 1);
    vreg_w(VIRTIO_PCI_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, 1);
    vreg_w(VIRTIO_PCI_GUEST_FEATURES, vreg_r(VIRTIO_PCI_HOST_FEATURES, 4) & features, 4);
    vreg_w(VIRTIO_PCI_QUEUE_SEL, 0, 2);
    cr_assert_eq(vreg_r(VIRTIO_PCI_QUEUE_NUM, 2), 256);
    vreg_w(VIRTIO_PCI_QUEUE_PFN, RING >> 12, 4);
    vreg_w(VIRTIO_PCI_STATUS, 7, 1);
}

#define BAVAIL (RING + 16 * 256)
#define BUSED QEMU_ALIGN_UP(BAVAIL + 4 + 2 * 256 + 2, 4096)

static uint8_t blk_request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
                           bool write_dir)
{
    static uint16_t idx;
    uint16_t used_before = rd16(BUSED + 2);

    wr32(0x40000, type);
    wr32(0x40004, 0);
    wr64(0x40008, sector);
    wr32(0x40100, 0xff);
    put_desc(RING, 0, 0x40000, 16, VRING_DESC_F_NEXT, 1);
    put_desc(RING, 1, data, len, VRING_DESC_F_NEXT | (write_dir ? 0 : VRING_DESC_F_WRITE), 2);
    put_desc(RING, 2, 0x40100, 1, VRING_DESC_F_WRITE, 0);
    wr16(BAVAIL + 4 + 2 * (idx % 256), 0);
    wr16(BAVAIL + 2, ++idx);
    vreg_w(VIRTIO_PCI_QUEUE_NOTIFY, 0, 2);
    cr_assert_eq(rd16(BUSED + 2), (uint16_t)(used_before + 1), "request completed");
    return rd32(0x40100) & 0xff;
}

TestSuite(virtio_blk, .init = blk_setup, .fini = blk_teardown);

Test(virtio_blk, config_and_features)
{
    cr_assert_eq(blkdev->proxy.pci.config[PCI_VENDOR_ID], 0xf4);
    cr_assert_eq(pci_get_word(blkdev->proxy.pci.config + PCI_DEVICE_ID), 0x1001);
    cr_assert_eq(pci_get_word(blkdev->proxy.pci.config + PCI_SUBSYSTEM_ID), 2);
    cr_assert_eq(vreg_r(VIRTIO_PCI_CONFIG, 4), 2048, "capacity in sectors");
    cr_assert_eq(vreg_r(VIRTIO_PCI_CONFIG + 4, 4), 0);
    cr_assert(vreg_r(VIRTIO_PCI_HOST_FEATURES, 4) & (1u << VIRTIO_BLK_F_FLUSH));
    cr_assert_eq(vreg_r(VIRTIO_PCI_CONFIG + 20, 4), 512, "blk_size");
}

Test(virtio_blk, read_write_flush_getid)
{
    uint8_t buf[4096], back[4096];

    driver_init(~0u);
    cr_assert_eq(blk_request(VIRTIO_BLK_T_IN, 5, 0x50000, 4096, false), VIRTIO_BLK_S_OK);
    cr_assert_eq(irq_level, 1, "completion interrupt");
    cr_assert_eq(vreg_r(VIRTIO_PCI_ISR, 1), 1);
    cr_assert_eq(irq_level, 0, "ISR read acknowledges");
    address_space_read(&address_space_memory, 0x50000, buf, 4096);
    cr_assert_eq(blk_pread(blk, 5 * 512, back, 4096), 0);
    cr_assert_eq(memcmp(buf, back, 4096), 0);
    cr_assert_eq(rd32(BUSED + 8 + 8 * ((rd16(BUSED + 2) - 1) % 256) - 4 + 4), 4097,
                 "used length = data + status");

    for (int i = 0; i < 4096; i++) {
        buf[i] = i ^ 0x5a;
    }
    address_space_write(&address_space_memory, 0x60000, buf, 4096);
    cr_assert_eq(blk_request(VIRTIO_BLK_T_OUT, 100, 0x60000, 4096, true), VIRTIO_BLK_S_OK);
    cr_assert_eq(blk_pread(blk, 100 * 512, back, 4096), 0);
    cr_assert_eq(memcmp(buf, back, 4096), 0);
    cr_assert_eq(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0x60000, 0, true), VIRTIO_BLK_S_OK);
    cr_assert_eq(blk_request(VIRTIO_BLK_T_GET_ID, 0, 0x70000, 20, false), VIRTIO_BLK_S_OK);
    address_space_read(&address_space_memory, 0x70000, buf, 20);
    cr_assert_eq(memcmp(buf, "vd0", 4), 0);
    cr_assert_eq(blkdev->requests, 4);
}

Test(virtio_blk, bad_requests)
{
    driver_init(~0u);
    cr_assert_eq(blk_request(VIRTIO_BLK_T_IN, 2047, 0x50000, 1024, false), VIRTIO_BLK_S_IOERR,
                 "past the end");
    cr_assert_eq(blk_request(VIRTIO_BLK_T_IN, 0, 0x50000, 100, false), VIRTIO_BLK_S_IOERR,
                 "not a sector multiple");
    cr_assert_eq(blk_request(VIRTIO_BLK_T_IN, 0, 0x7ff00000, 512, false),
                 VIRTIO_BLK_S_IOERR, "buffer outside RAM");
    cr_assert_eq(blk_request(99, 0, 0x50000, 512, false), VIRTIO_BLK_S_UNSUPP);
}

Test(virtio_blk, vmstate_round_trip)
{
    GByteArray *ba = g_byte_array_new();
    GError *err = NULL;
    uint8_t buf[512], back[512];

    driver_init(~0u);
    cr_assert_eq(blk_request(VIRTIO_BLK_T_IN, 1, 0x50000, 512, false), VIRTIO_BLK_S_OK);
    vmstate_save(blkdev->proxy.pci.qdev.dc->vmsd, blkdev, ba);
    blkdev->proxy.pci.qdev.dc->reset(DEVICE(blkdev));
    cr_assert_eq(blkdev->proxy.vdev.status, 0);
    cr_assert_eq(vmstate_load(blkdev->proxy.pci.qdev.dc->vmsd, blkdev, ba->data, ba->len,
                              NULL, &err), 0);
    cr_assert_eq(blkdev->proxy.vdev.status, 7);
    /* The queue carries on where it was. */
    cr_assert_eq(blk_request(VIRTIO_BLK_T_IN, 9, 0x50000, 512, false), VIRTIO_BLK_S_OK);
    address_space_read(&address_space_memory, 0x50000, buf, 512);
    cr_assert_eq(blk_pread(blk, 9 * 512, back, 512), 0);
    cr_assert_eq(memcmp(buf, back, 512), 0);
    g_byte_array_free(ba, true);
}

/* ---- modern (1.0) interface ---- */

static void mw(unsigned off, uint32_t v, unsigned size)
{
    virtio_pci_modern_write(&blkdev->proxy, off, v, size);
}

static uint32_t mr(unsigned off, unsigned size)
{
    return virtio_pci_modern_read(&blkdev->proxy, off, size);
}

Test(virtio_blk, modern_capabilities_and_request)
{
    uint8_t *cfg = blkdev->proxy.pci.config;
    int types_seen = 0;
    uint8_t buf[512], back[512];

    /* The capability chain names common (1), notify (2), ISR (3), device (4). */
    cr_assert(pci_get_word(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST);
    for (uint8_t at = cfg[PCI_CAPABILITY_LIST]; at; at = cfg[at + 1]) {
        cr_assert_eq(cfg[at], 0x09);
        cr_assert_eq(cfg[at + 4], VIRTIO_PCI_MODERN_BAR);
        types_seen |= 1 << cfg[at + 3];
    }
    cr_assert_eq(types_seen, 0x1e);

    /* Feature negotiation: VERSION_1 offered; an unknown bit refuses FEATURES_OK. */
    mw(VIRTIO_PCI_COMMON_OFF + 0x14, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, 1);
    mw(VIRTIO_PCI_COMMON_OFF + 0x00, 1, 4);
    cr_assert_eq(mr(VIRTIO_PCI_COMMON_OFF + 0x04, 4) & 1, 1, "VERSION_1");
    mw(VIRTIO_PCI_COMMON_OFF + 0x08, 1, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x0c, 1 | 2, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x14, 0x0b, 1);
    cr_assert_eq(mr(VIRTIO_PCI_COMMON_OFF + 0x14, 1) & VIRTIO_CONFIG_S_FEATURES_OK, 0);
    mw(VIRTIO_PCI_COMMON_OFF + 0x0c, 1, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x08, 0, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x0c, 1u << VIRTIO_BLK_F_FLUSH, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x14, 0x0b, 1);
    cr_assert(mr(VIRTIO_PCI_COMMON_OFF + 0x14, 1) & VIRTIO_CONFIG_S_FEATURES_OK);

    /* Queue 0 at separate addresses, 8 entries. */
    mw(VIRTIO_PCI_COMMON_OFF + 0x16, 0, 2);
    cr_assert_eq(mr(VIRTIO_PCI_COMMON_OFF + 0x18, 2), 256);
    mw(VIRTIO_PCI_COMMON_OFF + 0x18, 8, 2);
    mw(VIRTIO_PCI_COMMON_OFF + 0x20, 0x80000, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x28, 0x81000, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x30, 0x82000, 4);
    mw(VIRTIO_PCI_COMMON_OFF + 0x1c, 1, 2);
    mw(VIRTIO_PCI_COMMON_OFF + 0x14, 0x0f, 1);
    cr_assert_eq(mr(VIRTIO_PCI_DEVICE_OFF, 4), 2048, "device config: capacity");

    /* One IN request of sector 7 with direct descriptors. */
    wr32(0x83000, VIRTIO_BLK_T_IN);
    wr64(0x83008, 7);
    put_desc(0x80000, 0, 0x83000, 16, VRING_DESC_F_NEXT, 1);
    put_desc(0x80000, 1, 0x84000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
    put_desc(0x80000, 2, 0x85000, 1, VRING_DESC_F_WRITE, 0);
    wr16(0x81004, 0);
    wr16(0x81002, 1);
    mw(VIRTIO_PCI_NOTIFY_OFF + 0 * VIRTIO_PCI_NOTIFY_MULT, 0, 2);
    cr_assert_eq(rd16(0x82002), 1, "used index advanced");
    cr_assert_eq(rd32(0x85000) & 0xff, VIRTIO_BLK_S_OK);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(mr(VIRTIO_PCI_ISR_OFF, 1), 1);
    cr_assert_eq(irq_level, 0);
    address_space_read(&address_space_memory, 0x84000, buf, 512);
    cr_assert_eq(blk_pread(blk, 7 * 512, back, 512), 0);
    cr_assert_eq(memcmp(buf, back, 512), 0);

    /* Writing status 0 resets the device and its queues. */
    mw(VIRTIO_PCI_COMMON_OFF + 0x14, 0, 1);
    cr_assert_eq(mr(VIRTIO_PCI_COMMON_OFF + 0x1c, 2), 0);
    cr_assert(pci_get_word(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST);
}
