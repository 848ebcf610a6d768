/*
 * Unit tests for hw/net/pcnet.c: identity as pcnet32 probes it (PROM, chip ID, WIO
 * and DWIO, the PHY), the initialization block, transmit and receive through
 * descriptor rings in guest RAM (padding, FCS, chaining), interrupts and masks,
 * address filters, flow control when the receive ring is full, loopback, suspend,
 * malformed rings (addresses outside RAM, loops, zero lengths, missing ENP), and
 * the vmstate round trip.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/net/pcnet.h"
#include "hw/net/pci-nic.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "sysemu/runstate.h"

#define IO_BASE     0x1000
#define RAM_SIZE    (1 << 20)
#define IB_ADDR     0x1000
#define RX_RING     0x2000
#define TX_RING     0x3000
#define TX_BUF      0x4000
#define RX_BUF      0x10000
#define RX_BUF_SIZE 1544

static MemoryRegion ram, pci_mem, io;
static AddressSpace as_io;
static PCIBus *bus;
static PCIDevice *nic;
static NetClientState *peer;
static int irq_level;
static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* The far end of the cable: records what the NIC sends. */
static GPtrArray *sent;

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
    static const int slots[] = { 11 };

    /* A guest NIC receives only while the VM runs. */
    vm_start();
    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_init(&pci_mem, "pci-mem", 1ULL << 32);
    memory_region_init(&io, "pci-io", 0x10000);
    address_space_init(&as_io, &io, "pci-io");
    bus = pci_bus_new("pci.0", &pci_mem, &io);
    pci_bus_irqs(bus, set_irq, map_irq, NULL, 1);
    sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    peer = net_client_new(&peer_info, "peer", NULL, &err);
    cr_assert_not_null(peer);
    ni.backend = peer;
    nic = pci_nic_create(bus, slots, 1, &ni, "pcnet", &err);
    cr_assert_not_null(nic, "%s", err ? err->message : "");
    cr_assert(ni.used);
    pci_bus_config_write(bus, PCI_DEVFN(11, 0), PCI_BASE_ADDRESS_0, IO_BASE | 1, 4);
    pci_bus_config_write(bus, PCI_DEVFN(11, 0), PCI_COMMAND,
                         PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    irq_level = 0;
}

TestSuite(pcnet, .init = setup);

static uint32_t inp(hwaddr off, unsigned size)
{
    uint64_t v = 0;

    cr_assert_eq(address_space_read_val(&as_io, IO_BASE + off, &v, size), MEMTX_OK);
    return v;
}

static void outp(hwaddr off, uint32_t v, unsigned size)
{
    cr_assert_eq(address_space_write_val(&as_io, IO_BASE + off, v, size), MEMTX_OK);
}

static uint16_t csr_rd(int n)
{
    outp(0x12, n, 2);
    return inp(0x10, 2);
}

static void csr_wr(int n, uint16_t v)
{
    outp(0x12, n, 2);
    outp(0x10, v, 2);
}

static uint16_t bcr_rd(int n)
{
    outp(0x12, n, 2);
    return inp(0x16, 2);
}

static void bcr_wr(int n, uint16_t v)
{
    outp(0x12, n, 2);
    outp(0x16, v, 2);
}

static void ram_wr32(hwaddr a, uint32_t v)
{
    stl_phys(&address_space_memory, a, v);
}

static uint32_t ram_rd32(hwaddr a)
{
    return ldl_phys(&address_space_memory, a);
}

/* Software style 2 descriptors: base, (status << 16 | -bcnt), misc, user. */
static void desc_set(hwaddr ring, int i, uint32_t buf, int bcnt, uint16_t status)
{
    ram_wr32(ring + 16 * i, buf);
    ram_wr32(ring + 16 * i + 4, ((uint32_t)status << 16) | ((-bcnt) & 0xffff));
    ram_wr32(ring + 16 * i + 8, 0);
}

static uint16_t desc_status(hwaddr ring, int i)
{
    return ram_rd32(ring + 16 * i + 4) >> 16;
}

/* What pcnet32_open does: style 2, init block with 2^rlog / 2^tlog rings, start. */
static void start_nic(int rlog, int tlog, uint16_t mode, uint32_t rdra, uint32_t tdra)
{
    uint8_t ib[28] = { 0 };

    inp(0x14, 2);                              /* S_RESET */
    bcr_wr(20, 2);
    stw_le_p(ib, mode);
    ib[2] = rlog << 4;
    ib[3] = tlog << 4;
    memcpy(ib + 4, mac, 6);
    stl_le_p(ib + 20, rdra);
    stl_le_p(ib + 24, tdra);
    address_space_write(&address_space_memory, IB_ADDR, ib, sizeof(ib));
    csr_wr(1, IB_ADDR & 0xffff);
    csr_wr(2, IB_ADDR >> 16);
    csr_wr(4, 0x0915);
    csr_wr(0, 0x0001);
    cr_assert(csr_rd(0) & 0x0100, "IDON after INIT");
    csr_wr(0, 0x0042);                         /* IENA | STRT */
}

static void give_rx_buffers(int n)
{
    for (int i = 0; i < n; i++) {
        desc_set(RX_RING, i, RX_BUF + i * 0x800, RX_BUF_SIZE, 0x8000);
    }
}

Test(pcnet, identity_as_pcnet32_probes_it)
{
    uint8_t prom[16];

    cr_assert_eq(inp(0x14, 2), 0);             /* WIO reset */
    cr_assert_eq(csr_rd(0), 0x0004);
    outp(0x12, 88, 2);
    cr_assert_eq(inp(0x12, 2), 88);            /* pcnet32_wio_check */
    cr_assert_eq(csr_rd(88) | ((uint32_t)csr_rd(89) << 16), 0x02625003);
    for (int i = 0; i < 16; i++) {
        prom[i] = inp(i, 1);
    }
    cr_assert_arr_eq(prom, mac, 6);
    cr_assert_eq(prom[14], 'W');
    cr_assert_eq(prom[15], 'W');
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(csr_rd(12 + i), mac[2 * i] | (mac[2 * i + 1] << 8));
    }
    /* The PHY answers at address 30 only. */
    bcr_wr(33, (30 << 5) | 1);
    cr_assert(bcr_rd(34) & 0x0004, "link up");
    bcr_wr(33, (30 << 5) | 2);
    cr_assert_neq(bcr_rd(34), 0xffff);
    bcr_wr(33, (5 << 5) | 2);
    cr_assert_eq(bcr_rd(34), 0xffff);
    /* set_link off: the PHY and LNKST see the cable pulled. */
    cr_assert(bcr_rd(4) & 0x8000);
    cr_assert(net_set_link("peer", false, NULL));
    bcr_wr(33, (30 << 5) | 1);
    cr_assert_eq(bcr_rd(34) & 0x0004, 0);
    cr_assert_eq(bcr_rd(4) & 0x8000, 0);
    cr_assert(net_set_link("peer", true, NULL));
    bcr_wr(33, (30 << 5) | 1);
    cr_assert(bcr_rd(34) & 0x0004);
    /* DWIO: a 32-bit write to RDP switches; then the ports move. */
    outp(0x10, 0, 4);
    outp(0x14, 88, 4);
    cr_assert_eq(inp(0x10, 4), 0x5003);
    cr_assert_eq(inp(0x18, 4), 0);             /* DWIO reset: back to WIO */
    cr_assert_eq(csr_rd(0), 0x0004);
    cr_assert_eq(pci_bus_config_read(bus, PCI_DEVFN(11, 0), PCI_VENDOR_ID, 4), 0x20001022);
    cr_assert_eq(pci_bus_config_read(bus, PCI_DEVFN(11, 0), PCI_CLASS_DEVICE, 2), 0x0200);
}

Test(pcnet, transmit_one_frame_and_interrupt)
{
    uint8_t frame[60];
    GBytes *b;

    start_nic(2, 2, 0, RX_RING, TX_RING);
    cr_assert_eq(csr_rd(0) & 0x0032, 0x0032, "STRT RXON TXON");
    csr_wr(0, 0x0140);                         /* ack IDON */
    cr_assert_eq(irq_level, 0);
    for (int i = 0; i < 60; i++) {
        frame[i] = i * 7;
    }
    address_space_write(&address_space_memory, TX_BUF, frame, sizeof(frame));
    desc_set(TX_RING, 0, TX_BUF, 60, 0x8300);
    csr_wr(0, 0x0048);                         /* IENA | TDMD */
    cr_assert_eq(sent->len, 1);
    b = g_ptr_array_index(sent, 0);
    cr_assert_eq(g_bytes_get_size(b), 60);
    cr_assert_arr_eq(g_bytes_get_data(b, NULL), frame, 60);
    cr_assert_eq(desc_status(TX_RING, 0) & 0x8000, 0, "OWN handed back");
    cr_assert(csr_rd(0) & 0x0200, "TINT");
    cr_assert(csr_rd(0) & 0x0080, "INTR");
    cr_assert_eq(irq_level, 1);
    csr_wr(3, 0x0200);                         /* mask TINT */
    cr_assert_eq(irq_level, 0);
    csr_wr(3, 0);
    cr_assert_eq(irq_level, 1);
    csr_wr(0, 0x0240);                         /* ack TINT */
    cr_assert_eq(irq_level, 0);
    /* Next frame goes from descriptor 1, in two buffers (STP, then ENP). */
    desc_set(TX_RING, 1, TX_BUF, 20, 0x8200);
    desc_set(TX_RING, 2, TX_BUF + 20, 40, 0x8100);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 2);
    b = g_ptr_array_index(sent, 1);
    cr_assert_eq(g_bytes_get_size(b), 60);
    cr_assert_arr_eq(g_bytes_get_data(b, NULL), frame, 60);
}

Test(pcnet, receive_pads_appends_fcs_and_filters)
{
    uint8_t frame[42], got[64];
    static const uint8_t other[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };

    start_nic(2, 2, 0, RX_RING, TX_RING);
    give_rx_buffers(4);
    memset(frame, 0xab, sizeof(frame));
    memcpy(frame, mac, 6);
    cr_assert(net_send(peer, frame, sizeof(frame)));
    cr_assert_eq(desc_status(RX_RING, 0), 0x0340, "STP ENP PAM, OWN clear");
    cr_assert_eq(ram_rd32(RX_RING + 8) & 0xfff, 64, "60 padded + 4 FCS");
    address_space_read(&address_space_memory, RX_BUF, got, 64);
    cr_assert_arr_eq(got, frame, 42);
    for (int i = 42; i < 60; i++) {
        cr_assert_eq(got[i], 0);
    }
    cr_assert_eq(ldl_le_p(got + 60), ~net_crc32_le(got, 60));
    cr_assert(csr_rd(0) & 0x0400, "RINT");
    cr_assert_eq(irq_level, 1);

    /* Someone else's unicast is not taken (and not kept either). */
    memcpy(frame, other, 6);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(desc_status(RX_RING, 1), 0x8000);
    cr_assert_eq(net_client_queue_len(net_client_find(DEVICE(nic)->id)), 0);
    /* Broadcast: BAM. */
    memset(frame, 0xff, 6);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(desc_status(RX_RING, 1), 0x0310);
    /* Multicast through the logical address filter. */
    {
        uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
        uint32_t h = net_crc32_le(mc, 6) >> 26;

        memcpy(frame, mc, 6);
        net_send(peer, frame, sizeof(frame));
        cr_assert_eq(desc_status(RX_RING, 2), 0x8000, "not in LADRF: dropped");
        csr_wr(8 + (h >> 4), 1u << (h & 15));
        net_send(peer, frame, sizeof(frame));
        cr_assert_eq(desc_status(RX_RING, 2), 0x0320);
    }
    /* Promiscuous mode takes anything. */
    csr_wr(15, 0x8000);
    memcpy(frame, other, 6);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(desc_status(RX_RING, 3) & 0x8300, 0x0300);
}

Test(pcnet, full_ring_holds_frames_until_buffers_come)
{
    NetClientState *nc;
    uint8_t frame[100];

    start_nic(1, 1, 0, RX_RING, TX_RING);      /* 2 receive descriptors */
    nc = net_client_find(DEVICE(nic)->id);
    cr_assert_not_null(nc);
    memcpy(frame, mac, 6);
    for (int i = 0; i < 5; i++) {
        frame[20] = i;
        cr_assert(net_send(peer, frame, sizeof(frame)));
    }
    /* No buffers were given: all five wait, nothing is lost. */
    cr_assert_eq(net_client_queue_len(nc), 5);
    give_rx_buffers(2);
    csr_wr(0, 0x0440);                         /* any register access lets them in */
    cr_assert_eq(net_client_queue_len(nc), 3);
    for (int i = 0; i < 2; i++) {
        uint8_t b;

        address_space_read(&address_space_memory, RX_BUF + i * 0x800 + 20, &b, 1);
        cr_assert_eq(b, i, "in order");
    }
    give_rx_buffers(2);
    csr_wr(0, 0x0440);
    cr_assert_eq(net_client_queue_len(nc), 1);
    give_rx_buffers(1);
    csr_wr(0, 0x0440);
    cr_assert_eq(net_client_queue_len(nc), 0);
    {
        uint8_t b;

        address_space_read(&address_space_memory, RX_BUF + 20, &b, 1);
        cr_assert_eq(b, 4);
    }
}

Test(pcnet, frame_chained_over_small_buffers)
{
    uint8_t frame[100], got[104];

    start_nic(3, 1, 0, RX_RING, TX_RING);
    for (int i = 0; i < 8; i++) {
        desc_set(RX_RING, i, RX_BUF + i * 32, 32, 0x8000);
    }
    for (int i = 0; i < 100; i++) {
        frame[i] = i;
    }
    memcpy(frame, mac, 6);
    net_send(peer, frame, sizeof(frame));
    /* 104 bytes with the FCS: four 32-byte buffers. */
    cr_assert_eq(desc_status(RX_RING, 0), 0x0200);
    cr_assert_eq(desc_status(RX_RING, 1), 0x0000);
    cr_assert_eq(desc_status(RX_RING, 2), 0x0000);
    cr_assert_eq(desc_status(RX_RING, 3), 0x0140);
    cr_assert_eq(ram_rd32(RX_RING + 3 * 16 + 8) & 0xfff, 104);
    cr_assert_eq(desc_status(RX_RING, 4), 0x8000);
    for (int i = 0; i < 4; i++) {
        address_space_read(&address_space_memory, RX_BUF + i * 32, got + i * 32,
                           MIN(32, 104 - i * 32));
    }
    cr_assert_arr_eq(got, frame, 100);
}

Test(pcnet, malformed_rings_never_hang_or_escape_ram)
{
    uint8_t frame[100] = { 0 };

    /* Transmit buffer outside RAM: error in the descriptor, MERR, nothing sent. */
    start_nic(2, 2, 0, RX_RING, TX_RING);
    desc_set(TX_RING, 0, 0xf0000000, 60, 0x8300);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 0);
    cr_assert(desc_status(TX_RING, 0) & 0x4000, "ERR");
    cr_assert(csr_rd(0) & 0x0800, "MERR");
    cr_assert(csr_rd(0) & 0x8000, "ERR summary");
    /* A buffer that runs off the end of RAM. */
    desc_set(TX_RING, 1, RAM_SIZE - 10, 60, 0x8300);
    csr_wr(0, 0x0848);
    cr_assert_eq(sent->len, 0);

    /* Every descriptor owned, STP and no ENP: one lap, then stop. */
    for (int i = 0; i < 4; i++) {
        desc_set(TX_RING, i, TX_BUF, 100, i == 0 ? 0x8200 : 0x8000);
    }
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 0);
    /* Zero counts (4096 bytes each): the frame grows past the limit and is dropped. */
    for (int i = 0; i < 4; i++) {
        desc_set(TX_RING, i, TX_BUF, 4096, i == 0 ? 0x8200 : 0x8000);
    }
    csr_wr(0, 0x0048);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 0);

    /* Rings outside RAM. */
    start_nic(9, 9, 0, 0xfffff000, 0xfffff000);
    desc_set(TX_RING, 0, TX_BUF, 60, 0x8300);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 0);
    memcpy(frame, mac, 6);
    net_send(peer, frame, sizeof(frame));
    cr_assert(csr_rd(0) & 0x0800, "MERR");
    /* A ring that ends past RAM: 512 descriptors from just below the end. */
    start_nic(9, 9, 0, RAM_SIZE - 64, RAM_SIZE - 64);
    for (int i = 0; i < 4; i++) {
        desc_set(RAM_SIZE - 64, i, TX_BUF, 60, 0x8300);
    }
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 4);

    /* Receive into a one-descriptor ring with a tiny buffer: chain fails cleanly. */
    start_nic(0, 0, 0, RX_RING, TX_RING);
    desc_set(RX_RING, 0, RX_BUF, 16, 0x8000);
    net_send(peer, frame, sizeof(frame));
    cr_assert(desc_status(RX_RING, 0) & 0x4000, "ERR");
    cr_assert_eq(desc_status(RX_RING, 0) & 0x8000, 0);
    /* Receive buffer outside RAM. */
    desc_set(RX_RING, 0, 0xf0000000, 1544, 0x8000);
    net_send(peer, frame, sizeof(frame));
    cr_assert(desc_status(RX_RING, 0) & 0x4000, "ERR");
}

Test(pcnet, loopback_and_suspend)
{
    uint8_t frame[60] = { 0 };

    start_nic(2, 2, 0x0044, RX_RING, TX_RING);    /* LOOP | INTL */
    give_rx_buffers(4);
    memcpy(frame, mac, 6);
    address_space_write(&address_space_memory, TX_BUF, frame, sizeof(frame));
    desc_set(TX_RING, 0, TX_BUF, 60, 0x8300);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 0, "nothing on the wire in loopback");
    cr_assert_eq(desc_status(RX_RING, 0) & 0x8300, 0x0300);

    /* Suspend: pcnet32 polls CSR5 for SPND before touching the filters. */
    csr_wr(15, 0);
    csr_wr(5, 0x0001);
    cr_assert(csr_rd(5) & 0x0001);
    desc_set(TX_RING, 1, TX_BUF, 60, 0x8300);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 0, "suspended");
    csr_wr(5, 0);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 1);
    /* STOP clears everything and drops the interrupt. */
    csr_wr(0, 0x0004);
    cr_assert_eq(csr_rd(0), 0x0004);
    cr_assert_eq(irq_level, 0);
}

Test(pcnet, vmstate_round_trip)
{
    const VMStateDescription *vmsd = DEVICE(nic)->dc->vmsd;
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    uint16_t before[4];

    start_nic(2, 2, 0, RX_RING, TX_RING);
    give_rx_buffers(4);
    desc_set(TX_RING, 0, TX_BUF, 60, 0x8300);
    csr_wr(0, 0x0048);
    before[0] = csr_rd(0);
    before[1] = csr_rd(76);
    before[2] = csr_rd(24);
    before[3] = csr_rd(74);
    cr_assert_eq(irq_level, 1);
    vmstate_save(vmsd, nic, buf);
    DEVICE(nic)->dc->reset(DEVICE(nic));
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(pci_get_bar_addr(nic, 0), PCI_BAR_UNMAPPED);
    cr_assert_eq(vmstate_load(vmsd, nic, buf->data, buf->len, NULL, &err), 0, "%s",
                 err ? err->message : "");
    cr_assert_eq(irq_level, 1, "interrupt level rebuilt");
    cr_assert_eq(pci_get_bar_addr(nic, 0), IO_BASE, "I/O BAR mapped again");
    cr_assert_eq(csr_rd(0), before[0]);
    cr_assert_eq(csr_rd(76), before[1]);
    cr_assert_eq(csr_rd(24), before[2]);
    cr_assert_eq(csr_rd(74), before[3]);
    /* And it carries on from the same descriptor. */
    desc_set(TX_RING, 1, TX_BUF, 60, 0x8300);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 2);
    g_byte_array_free(buf, true);
}

/* Software style 0 (the LANCE layout): 24-bit addresses, 8-byte descriptors. */
Test(pcnet, sixteen_bit_software_style)
{
    uint8_t ib[24] = { 0 }, frame[60] = { 0 };
    uint16_t w1;

    inp(0x14, 2);
    cr_assert_eq(bcr_rd(20) & 0xff, 0);
    memcpy(ib + 2, mac, 6);
    stl_le_p(ib + 16, RX_RING | (1u << 29));      /* 2 receive descriptors */
    stl_le_p(ib + 20, TX_RING | (1u << 29));
    address_space_write(&address_space_memory, IB_ADDR, ib, sizeof(ib));
    csr_wr(1, IB_ADDR & 0xffff);
    csr_wr(2, IB_ADDR >> 16);
    csr_wr(0, 0x0001);
    cr_assert(csr_rd(0) & 0x0100);
    cr_assert_eq(csr_rd(76), (uint16_t)-2);
    csr_wr(0, 0x0042);
    /* TMD0 = address low, TMD1 = status << 8 | address high, TMD2 = -BCNT. */
    address_space_write(&address_space_memory, TX_BUF, frame, sizeof(frame));
    stw_le_p(frame, TX_BUF & 0xffff);
    stw_le_p(frame + 2, 0x8300 | ((TX_BUF >> 16) & 0xff));
    stw_le_p(frame + 4, (uint16_t)-60);
    stw_le_p(frame + 6, 0);
    address_space_write(&address_space_memory, TX_RING, frame, 8);
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 1);
    address_space_read(&address_space_memory, TX_RING + 2, &w1, 2);
    cr_assert_eq(w1 >> 8, 0x03, "OWN cleared, STP ENP kept");
    /* Receive one frame. */
    stw_le_p(frame, RX_BUF & 0xffff);
    stw_le_p(frame + 2, 0x8000 | ((RX_BUF >> 16) & 0xff));
    stw_le_p(frame + 4, (uint16_t)-RX_BUF_SIZE);
    stw_le_p(frame + 6, 0);
    address_space_write(&address_space_memory, RX_RING, frame, 8);
    memset(frame, 0, sizeof(frame));
    memcpy(frame, mac, 6);
    net_send(peer, frame, 60);
    address_space_read(&address_space_memory, RX_RING + 2, &w1, 2);
    cr_assert_eq(w1 >> 8, 0x03, "STP ENP, OWN cleared");
    address_space_read(&address_space_memory, RX_RING + 6, &w1, 2);
    cr_assert_eq(w1, 64, "MCNT");
}

/* Software style 3: the buffer address in the third double word. */
Test(pcnet, software_style_3)
{
    uint8_t frame[60] = { 0 };

    start_nic(2, 2, 0, RX_RING, TX_RING);
    bcr_wr(20, 3);
    cr_assert_eq(csr_rd(58) & 0x1ff, 0x103, "SSIZE32 with style 3");
    ram_wr32(TX_RING + 0, 0);
    ram_wr32(TX_RING + 4, (0x8300u << 16) | ((-60) & 0xffff));
    ram_wr32(TX_RING + 8, TX_BUF);
    address_space_write(&address_space_memory, TX_BUF, frame, sizeof(frame));
    csr_wr(0, 0x0048);
    cr_assert_eq(sent->len, 1);
    cr_assert_eq(desc_status(TX_RING, 0), 0x0300);
}

/* hw/net/pci-nic.c as boards use it: -device entries and -nic requests. */
Test(pcnet, boards_create_nics_from_the_command_line)
{
    static const int slots[] = { 11, 18, 19 };
    GPtrArray *opts = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    NetClientState *be;
    NICInfo ni = { .model = (char *)"ne2k_pci" };

    be = net_client_new(&peer_info, "n1", NULL, &err);
    cr_assert_not_null(be);
    g_ptr_array_add(opts, g_strdup("pcnet,netdev=n1,mac=52:54:00:00:00:07,id=nic1"));
    g_ptr_array_add(opts, g_strdup("isa-serial,id=s9"));      /* not a NIC: left alone */
    cr_assert(pci_create_user_devices(bus, opts, slots, 3, &err), "%s",
              err ? err->message : "");
    cr_assert(pci_bus_has_device(bus, PCI_DEVFN(18, 0)), "slot 11 was taken, so 18");
    cr_assert_eq(net_client_find("nic1")->peer, be);
    cr_assert_eq(pci_bus_config_read(bus, PCI_DEVFN(18, 0), PCI_VENDOR_ID, 2), 0x1022);
    g_ptr_array_set_size(opts, 0);
    g_ptr_array_add(opts, g_strdup("pcnet,netdev=n1"));
    cr_assert_not(pci_create_user_devices(bus, opts, slots, 3, &err), "n1 in use");
    g_clear_error(&err);
    g_ptr_array_set_size(opts, 0);
    g_ptr_array_add(opts, g_strdup("pcnet,backend=x"));
    cr_assert_not(pci_create_user_devices(bus, opts, slots, 3, &err));
    g_clear_error(&err);
    g_ptr_array_set_size(opts, 0);
    g_ptr_array_add(opts, g_strdup("pcnet,mac=nonsense"));
    cr_assert_not(pci_create_user_devices(bus, opts, slots, 3, &err));
    g_clear_error(&err);
    cr_assert_null(pci_nic_create(bus, slots, 3, &ni, "pcnet", &err), "unknown model");
    cr_assert_not_null(strstr(err->message, "pcnet"));
    g_clear_error(&err);
    g_ptr_array_free(opts, true);
}
