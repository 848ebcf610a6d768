/*
 * Unit tests for hw/net/e1000.c: identity as Linux's e1000 probes it (PCI IDs, the
 * EEPROM through EERD and bit-banged through EECD, its checksum, the PHY through
 * MDIC, IOADDR/IODATA and CTRL.RST), legacy transmit and receive through
 * descriptor rings in guest RAM (padding, FCS, buffers spanning descriptors),
 * interrupt causes and masks, address filters, flow control when the receive ring
 * is full, checksum offload and TCP segmentation, VLAN tags, statistics, link
 * changes, malformed rings (addresses outside RAM, bad indexes, zero lengths) and
 * the vmstate round trip.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/net/e1000.h"
#include "hw/net/pci-nic.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "sysemu/runstate.h"
#include "../../hw/net/e1000-regs.h"

#define MMIO_BASE   0x80000000u
#define IO_BASE     0x1000
#define RAM_SIZE    (1 << 20)
#define RX_RING     0x2000
#define TX_RING     0x3000
#define TX_BUF      0x4000
#define RX_BUF      0x10000
#define SLOT        3

static MemoryRegion ram, pci_mem, io;
static AddressSpace as_io, as_mem;
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
    static const int slots[] = { SLOT };

    /* A guest NIC receives only while the VM runs. */
    vm_start();
    cr_assert(memory_region_init_ram(&ram, "ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_init(&pci_mem, "pci-mem", 1ULL << 32);
    memory_region_init(&io, "pci-io", 0x10000);
    address_space_init(&as_io, &io, "pci-io");
    address_space_init(&as_mem, &pci_mem, "pci-mem");
    bus = pci_bus_new("pci.0", &pci_mem, &io);
    pci_bus_irqs(bus, set_irq, map_irq, NULL, 1);
    sent = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    peer = net_client_new(&peer_info, "peer", NULL, &err);
    cr_assert_not_null(peer);
    ni.backend = peer;
    nic = pci_nic_create(bus, slots, 1, &ni, "e1000", &err);
    cr_assert_not_null(nic, "%s", err ? err->message : "");
    cr_assert(ni.used);
    pci_bus_config_write(bus, PCI_DEVFN(SLOT, 0), PCI_BASE_ADDRESS_0, MMIO_BASE, 4);
    pci_bus_config_write(bus, PCI_DEVFN(SLOT, 0), PCI_BASE_ADDRESS_0 + 4, IO_BASE | 1, 4);
    pci_bus_config_write(bus, PCI_DEVFN(SLOT, 0), PCI_COMMAND,
                         PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    irq_level = 0;
}

TestSuite(e1000, .init = setup);

static uint32_t rd(uint32_t reg)
{
    uint64_t v = 0;

    cr_assert_eq(address_space_read_val(&as_mem, MMIO_BASE + reg, &v, 4), MEMTX_OK);
    return v;
}

static void wr(uint32_t reg, uint32_t v)
{
    cr_assert_eq(address_space_write_val(&as_mem, MMIO_BASE + reg, v, 4), MEMTX_OK);
}

static uint32_t inl(uint32_t port)
{
    uint64_t v = 0;

    cr_assert_eq(address_space_read_val(&as_io, IO_BASE + port, &v, 4), MEMTX_OK);
    return v;
}

static void outl(uint32_t port, uint32_t v)
{
    cr_assert_eq(address_space_write_val(&as_io, IO_BASE + port, v, 4), MEMTX_OK);
}

static uint16_t phy_rd(int phy, int reg)
{
    uint32_t v;

    wr(E1000_MDIC, (reg << 16) | (phy << 21) | E1000_MDIC_OP_READ);
    v = rd(E1000_MDIC);
    cr_assert(v & E1000_MDIC_READY);
    return (v & E1000_MDIC_ERROR) ? 0xffff : v & 0xffff;
}

static uint16_t eerd(int addr)
{
    uint32_t v;

    wr(E1000_EERD, (addr << 8) | E1000_EERD_START);
    v = rd(E1000_EERD);
    cr_assert(v & E1000_EERD_DONE);
    return v >> 16;
}

/* Linux's Microwire read: clock out start bit + READ opcode + 6 address bits on
 * DI, then clock in 16 data bits from DO. */
static uint16_t eecd_read(int addr)
{
    uint32_t eecd = E1000_EECD_REQ;
    uint32_t cmd = (0x6 << 6) | addr;
    uint16_t data = 0;

    wr(E1000_EECD, eecd);
    cr_assert(rd(E1000_EECD) & E1000_EECD_GNT);
    eecd |= E1000_EECD_CS;
    wr(E1000_EECD, eecd);
    for (int i = 8; i >= 0; i--) {
        eecd = (eecd & ~E1000_EECD_DI) | (((cmd >> i) & 1) ? E1000_EECD_DI : 0);
        wr(E1000_EECD, eecd);
        wr(E1000_EECD, eecd | E1000_EECD_SK);
        wr(E1000_EECD, eecd);
    }
    eecd &= ~E1000_EECD_DI;
    for (int i = 0; i < 16; i++) {
        wr(E1000_EECD, eecd | E1000_EECD_SK);
        data = (data << 1) | !!(rd(E1000_EECD) & E1000_EECD_DO);
        wr(E1000_EECD, eecd);
    }
    wr(E1000_EECD, 0);
    return data;
}

static void ram_write(hwaddr a, const void *p, size_t len)
{
    address_space_write(&address_space_memory, a, p, len);
}

static void ram_read(hwaddr a, void *p, size_t len)
{
    address_space_read(&address_space_memory, a, p, len);
}

/* Legacy transmit descriptor. */
static void txd_legacy(int i, uint64_t buf, uint16_t len, uint32_t cmd, uint8_t css,
                       uint8_t cso, uint16_t special)
{
    uint8_t d[16];

    stq_le_p(d, buf);
    stl_le_p(d + 8, len | ((uint32_t)cso << 16) | cmd);
    stl_le_p(d + 12, ((uint32_t)css << 8) | ((uint32_t)special << 16));
    ram_write(TX_RING + 16 * i, d, 16);
}

static void txd_context(int i, uint8_t ipcss, uint8_t ipcso, uint16_t ipcse, uint8_t tucss,
                        uint8_t tucso, uint16_t tucse, uint32_t cmd_len, uint8_t hdrlen,
                        uint16_t mss)
{
    uint8_t d[16];

    d[0] = ipcss;
    d[1] = ipcso;
    stw_le_p(d + 2, ipcse);
    d[4] = tucss;
    d[5] = tucso;
    stw_le_p(d + 6, tucse);
    stl_le_p(d + 8, cmd_len | E1000_TXD_CMD_DEXT);
    stl_le_p(d + 12, ((uint32_t)hdrlen << 8) | ((uint32_t)mss << 16));
    ram_write(TX_RING + 16 * i, d, 16);
}

static void txd_data(int i, uint64_t buf, uint32_t len, uint32_t cmd, uint8_t popts)
{
    uint8_t d[16];

    stq_le_p(d, buf);
    stl_le_p(d + 8, len | cmd | E1000_TXD_CMD_DEXT | (E1000_TXD_DTYP_DATA << 20));
    stl_le_p(d + 12, (uint32_t)popts << 8);
    ram_write(TX_RING + 16 * i, d, 16);
}

static uint8_t txd_sta(int i)
{
    uint8_t b;

    ram_read(TX_RING + 16 * i + 12, &b, 1);
    return b;
}

/* What e1000_configure_tx/rx do: rings of 8 descriptors, enable. */
static void start_nic(uint32_t rctl_extra)
{
    wr(E1000_TDBAL, TX_RING);
    wr(E1000_TDBAH, 0);
    wr(E1000_TDLEN, 8 * 16);
    wr(E1000_TDH, 0);
    wr(E1000_TDT, 0);
    wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
    wr(E1000_RDBAL, RX_RING);
    wr(E1000_RDBAH, 0);
    wr(E1000_RDLEN, 8 * 16);
    wr(E1000_RDH, 0);
    wr(E1000_RDT, 0);
    wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | rctl_extra);
}

/* Hand rx descriptors 0..n-1 to the NIC with 2 KiB buffers. */
static void give_rx(int n, uint32_t bufsize)
{
    for (int i = 0; i < 8; i++) {
        uint8_t d[16] = { 0 };

        stq_le_p(d, RX_BUF + i * bufsize);
        ram_write(RX_RING + 16 * i, d, 16);
    }
    wr(E1000_RDT, n);
}

static void rxd(int i, uint16_t *len, uint8_t *status, uint8_t *errors, uint16_t *special)
{
    uint8_t d[16];

    ram_read(RX_RING + 16 * i, d, 16);
    *len = lduw_le_p(d + 8);
    *status = d[12];
    *errors = d[13];
    *special = lduw_le_p(d + 14);
}

static uint16_t csum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    if (len & 1) {
        sum += p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* An Ethernet + IPv4 + TCP packet with payload bytes i * 3. */
static size_t make_tcp(uint8_t *f, const uint8_t *dst, size_t payload, bool fill_csums)
{
    size_t tot = 20 + 20 + payload;

    memset(f, 0, 54);
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
    stw_be_p(f + 12, 0x0800);
    f[14] = 0x45;
    stw_be_p(f + 16, tot);
    stw_be_p(f + 18, 0x1234);
    f[22] = 64;
    f[23] = 6;
    memcpy(f + 26, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
    stw_be_p(f + 34, 80);
    stw_be_p(f + 36, 4000);
    stl_be_p(f + 38, 1000000);
    f[46] = 5 << 4;
    f[47] = 0x19;                              /* FIN PSH ACK */
    stw_be_p(f + 48, 65535);
    for (size_t i = 0; i < payload; i++) {
        f[54 + i] = i * 3;
    }
    if (fill_csums) {
        uint32_t ph = csum(f + 26, 8, 0) + 6 + 20 + payload;

        stw_be_p(f + 24, ~csum(f + 14, 20, 0));
        stw_be_p(f + 50, ~csum(f + 34, 20 + payload, ph));
    }
    return 14 + tot;
}

Test(e1000, identity_as_the_linux_driver_probes_it)
{
    uint16_t sum = 0;

    cr_assert_eq(pci_bus_config_read(bus, PCI_DEVFN(SLOT, 0), PCI_VENDOR_ID, 4), 0x100e8086);
    cr_assert_eq(pci_bus_config_read(bus, PCI_DEVFN(SLOT, 0), PCI_CLASS_DEVICE, 2), 0x0200);
    cr_assert_eq(pci_bus_config_read(bus, PCI_DEVFN(SLOT, 0), PCI_INTERRUPT_PIN, 1), 1);
    /* EEPROM: the MAC address in words 0-2, the words sum to 0xbaba. */
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(eerd(i), mac[2 * i] | (mac[2 * i + 1] << 8));
    }
    for (int i = 0; i < 64; i++) {
        sum += eerd(i);
    }
    cr_assert_eq(sum, 0xbaba);
    cr_assert_eq(eerd(0x0d), 0x100e);
    /* The same words through the bit-banged pins. */
    for (int i = 0; i < 64; i += 7) {
        cr_assert_eq(eecd_read(i), eerd(i), "word %d", i);
    }
    cr_assert_eq(eecd_read(63), eerd(63));
    /* A WRITE cycle (not modelled) with its data word: ignored up to CS low, and
     * reads go on working. */
    {
        uint64_t bits = ((uint64_t)((0x5 << 6) | 5) << 16) | 0xb6d3;
        uint32_t eecd = E1000_EECD_REQ | E1000_EECD_CS;
        uint16_t before = eerd(5);

        wr(E1000_EECD, eecd);
        for (int i = 24; i >= 0; i--) {
            eecd = (eecd & ~E1000_EECD_DI) | (((bits >> i) & 1) ? E1000_EECD_DI : 0);
            wr(E1000_EECD, eecd);
            wr(E1000_EECD, eecd | E1000_EECD_SK);
            wr(E1000_EECD, eecd);
        }
        wr(E1000_EECD, 0);
        cr_assert_eq(eecd_read(5), before);
        cr_assert_eq(eecd_read(1), eerd(1));
    }
    cr_assert(rd(E1000_EECD) & E1000_EECD_PRES);
    cr_assert_eq(rd(E1000_EECD) & E1000_EECD_SIZE, 0, "64-word part");
    /* PHY at address 1: an M88E1011 with link and negotiation done. */
    cr_assert_eq(phy_rd(1, E1000_PHY_ID1), 0x0141);
    cr_assert_eq(phy_rd(1, E1000_PHY_ID2) & 0xfff0, 0x0c20);
    cr_assert_eq(phy_rd(1, E1000_PHY_STATUS) & 0x0024, 0x0024);
    cr_assert_eq(phy_rd(2, E1000_PHY_ID1), 0xffff, "nothing at address 2");
    wr(E1000_MDIC, (E1000_PHY_AUTONEG_ADV << 16) | (1 << 21) | E1000_MDIC_OP_WRITE | 0x01e1);
    cr_assert(rd(E1000_MDIC) & E1000_MDIC_READY);
    cr_assert_eq(phy_rd(1, E1000_PHY_AUTONEG_ADV), 0x01e1);
    wr(E1000_MDIC, (E1000_PHY_CTRL << 16) | (1 << 21) | E1000_MDIC_OP_WRITE | 0x9340);
    cr_assert_eq(phy_rd(1, E1000_PHY_CTRL), 0x1140, "reset and restart complete at once");
    /* STATUS: link up, 1000 Mb/s full duplex, not TBI. */
    cr_assert_eq(rd(E1000_STATUS) & 0xa3, 0x83);
    /* RA0 holds the station address. */
    cr_assert_eq(rd(E1000_RA), 0x12005452);
    cr_assert_eq(rd(E1000_RA + 4), 0x80005634);
    /* IOADDR/IODATA reach the same registers; CTRL.RST through them resets. */
    wr(E1000_IMS, E1000_ICR_RXT0);
    wr(E1000_RDLEN, 4096);
    outl(E1000_IOADDR, E1000_IMS);
    cr_assert_eq(inl(E1000_IOADDR), E1000_IMS);
    cr_assert_eq(inl(E1000_IODATA), E1000_ICR_RXT0);
    outl(E1000_IOADDR, E1000_CTRL);
    outl(E1000_IODATA, inl(E1000_IODATA) | E1000_CTRL_RST);
    cr_assert_eq(rd(E1000_IMS), 0);
    cr_assert_eq(rd(E1000_RDLEN), 0);
    cr_assert_eq(rd(E1000_CTRL) & E1000_CTRL_RST, 0, "self-clearing");
    cr_assert_eq(rd(E1000_RA + 4), 0x80005634, "address reloaded from the EEPROM");
    /* Unknown registers read 0 and take no harm from writes. */
    wr(0x1fff0, 0xdeadbeef);
    cr_assert_eq(rd(0x1fff0), 0);
}

Test(e1000, transmit_legacy_and_interrupts)
{
    uint8_t frame[100];
    GBytes *b;

    start_nic(0);
    for (size_t i = 0; i < sizeof(frame); i++) {
        frame[i] = i * 7;
    }
    ram_write(TX_BUF, frame, sizeof(frame));
    txd_legacy(0, TX_BUF, 100, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS,
               0, 0, 0);
    wr(E1000_TDT, 1);
    cr_assert_eq(sent->len, 1);
    b = g_ptr_array_index(sent, 0);
    cr_assert_eq(g_bytes_get_size(b), 100);
    cr_assert_arr_eq(g_bytes_get_data(b, NULL), frame, 100);
    cr_assert_eq(txd_sta(0) & E1000_TXD_STAT_DD, E1000_TXD_STAT_DD);
    cr_assert_eq(rd(E1000_TDH), 1);
    cr_assert_eq(irq_level, 0, "masked");
    wr(E1000_IMS, E1000_ICR_TXDW | E1000_ICR_RXT0 | E1000_ICR_LSC);
    cr_assert_eq(irq_level, 1);
    wr(E1000_IMC, E1000_ICR_TXDW);
    cr_assert_eq(irq_level, 0);
    wr(E1000_IMS, E1000_ICR_TXDW);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(rd(E1000_ICR) & (E1000_ICR_TXDW | E1000_ICR_TXQE),
                 E1000_ICR_TXDW | E1000_ICR_TXQE);
    cr_assert_eq(irq_level, 0, "ICR read clears");
    cr_assert_eq(rd(E1000_ICR), 0);
    /* ICS raises causes by hand (the driver's LSC kick at open). */
    wr(E1000_ICS, E1000_ICR_LSC);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(rd(E1000_ICR), E1000_ICR_LSC);
    /* A packet in two buffers; the second without RS gets no DD; short one padded. */
    txd_legacy(1, TX_BUF, 10, 0, 0, 0, 0);
    txd_legacy(2, TX_BUF + 10, 20, E1000_TXD_CMD_EOP, 0, 0, 0);
    wr(E1000_TDT, 3);
    cr_assert_eq(sent->len, 2);
    b = g_ptr_array_index(sent, 1);
    cr_assert_eq(g_bytes_get_size(b), 60, "TCTL.PSP pads");
    cr_assert_arr_eq(g_bytes_get_data(b, NULL), frame, 30);
    cr_assert_eq(txd_sta(2) & E1000_TXD_STAT_DD, 0);
    cr_assert_eq(rd(E1000_ICR) & E1000_ICR_TXDW, 0);
    /* Statistics count and clear on read. */
    cr_assert_eq(rd(E1000_GPTC), 2);
    cr_assert_eq(rd(E1000_GPTC), 0);
    cr_assert_eq(rd(E1000_GOTCL), 104 + 64);
    cr_assert_eq(rd(E1000_GOTCH), 0);
    cr_assert_eq(rd(E1000_GOTCL), 0, "pair cleared by reading the high half");
    cr_assert_eq(rd(E1000_TPT), 2);
    /* Legacy checksum insertion (CMD.IC): sum from CSS to the end at CSO. */
    {
        uint8_t pkt[64];
        size_t len = make_tcp(pkt, mac, 10, true);

        stw_be_p(pkt + 24, 0);
        ram_write(TX_BUF, pkt, len);
        txd_legacy(3, TX_BUF, len, E1000_TXD_CMD_EOP | E1000_TXD_CMD_IC, 14, 24, 0);
        wr(E1000_TDT, 4);
        cr_assert_eq(sent->len, 3);
        b = g_ptr_array_index(sent, 2);
        /* Summing to the end covers the TCP part too: just check the insertion
         * makes the whole range sum to 0xffff. */
        cr_assert_eq(csum((const uint8_t *)g_bytes_get_data(b, NULL) + 14, len - 14, 0),
                     0xffff);
    }
}

Test(e1000, receive_pads_appends_fcs_and_filters)
{
    uint8_t frame[42] = { 0 }, got[64];
    uint16_t len, special;
    uint8_t status, errors;
    uint32_t fcs;

    start_nic(0);
    give_rx(7, 2048);
    wr(E1000_IMS, E1000_ICR_RXT0);
    memcpy(frame, mac, 6);
    memcpy(frame + 6, "\x02\x00\x00\x00\x00\x01", 6);
    frame[12] = 0x08;
    frame[13] = 0x06;
    cr_assert(net_send(peer, frame, sizeof(frame)));
    rxd(0, &len, &status, &errors, &special);
    cr_assert_eq(len, 64, "padded to 60 + FCS");
    cr_assert_eq(status & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP),
                 E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
    cr_assert_eq(errors, 0);
    ram_read(RX_BUF, got, 64);
    cr_assert_arr_eq(got, frame, 42);
    fcs = ~net_crc32_le(got, 60);
    cr_assert_eq(ldl_le_p(got + 60), fcs);
    cr_assert_eq(rd(E1000_RDH), 1);
    cr_assert_eq(irq_level, 1);
    cr_assert(rd(E1000_ICR) & E1000_ICR_RXT0);
    /* Another station's unicast: dropped; with UPE taken. */
    frame[5] = 0x99;
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 1);
    wr(E1000_RCTL, rd(E1000_RCTL) | E1000_RCTL_UPE);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 2);
    wr(E1000_RCTL, rd(E1000_RCTL) & ~E1000_RCTL_UPE);
    /* A second exact address in RA1. */
    wr(E1000_RA + 8, ldl_le_p(frame));
    wr(E1000_RA + 12, lduw_le_p(frame + 4) | E1000_RAH_AV);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 3);
    /* Broadcast with BAM; without it dropped. */
    memset(frame, 0xff, 6);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 4);
    cr_assert_eq(rd(E1000_BPRC), 1);
    wr(E1000_RCTL, rd(E1000_RCTL) & ~E1000_RCTL_BAM);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 4);
    /* Multicast 01:00:5e:00:00:fb through the hash table (MO = 0: bits 47:36). */
    memcpy(frame, "\x01\x00\x5e\x00\x00\xfb", 6);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 4);
    {
        unsigned hash = ((0x00 >> 4) | (0xfb << 4)) & 0xfff;

        wr(E1000_MTA + 4 * (hash >> 5), 1u << (hash & 31));
    }
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 5);
    cr_assert_eq(rd(E1000_MPRC), 1);
    /* SECRC: no FCS stored. */
    wr(E1000_RCTL, rd(E1000_RCTL) | E1000_RCTL_SECRC);
    net_send(peer, frame, sizeof(frame));
    rxd(5, &len, &status, &errors, &special);
    cr_assert_eq(len, 60);
    cr_assert_eq(rd(E1000_GPRC), 6);
    /* A stopped receiver drops rather than queues. */
    wr(E1000_RCTL, 0);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(net_client_queue_len(peer->peer), 0);
}

Test(e1000, full_ring_holds_frames_until_rdt_moves)
{
    uint8_t frame[60] = { 0 };
    uint16_t len, special;
    uint8_t status, errors;

    start_nic(0);
    wr(E1000_IMS, E1000_ICR_RXDMT0);
    give_rx(2, 2048);                          /* descriptors 0 and 1 */
    memcpy(frame, mac, 6);
    for (int i = 0; i < 4; i++) {
        frame[14] = i;
        net_send(peer, frame, sizeof(frame));
    }
    cr_assert_eq(rd(E1000_RDH), 2);
    cr_assert_eq(net_client_queue_len(peer->peer), 2, "two frames wait");
    cr_assert(rd(E1000_ICR) & E1000_ICR_RXDMT0, "ring ran low");
    wr(E1000_RDT, 3);
    cr_assert_eq(rd(E1000_RDH), 3);
    cr_assert_eq(net_client_queue_len(peer->peer), 1);
    wr(E1000_RDT, 7);
    cr_assert_eq(net_client_queue_len(peer->peer), 0);
    for (int i = 0; i < 4; i++) {
        uint8_t b;

        rxd(i, &len, &status, &errors, &special);
        cr_assert_eq(status & E1000_RXD_STAT_DD, E1000_RXD_STAT_DD);
        ram_read(RX_BUF + i * 2048 + 14, &b, 1);
        cr_assert_eq(b, i, "frames in order");
    }
}

Test(e1000, frame_spans_small_buffers)
{
    uint8_t frame[1000], got[1004];
    uint16_t len, special;
    uint8_t status, errors;

    /* BSIZE = 11: 256-byte buffers; 1004 bytes take four. */
    start_nic(3u << E1000_RCTL_BSIZE_SHIFT);
    give_rx(7, 256);
    for (size_t i = 0; i < sizeof(frame); i++) {
        frame[i] = i;
    }
    memcpy(frame, mac, 6);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(rd(E1000_RDH), 4);
    for (int i = 0; i < 4; i++) {
        rxd(i, &len, &status, &errors, &special);
        cr_assert_eq(len, i < 3 ? 256 : 1004 - 768);
        cr_assert_eq(status & E1000_RXD_STAT_EOP, i == 3 ? E1000_RXD_STAT_EOP : 0);
        cr_assert(status & E1000_RXD_STAT_DD);
    }
    ram_read(RX_BUF, got, sizeof(got));
    cr_assert_arr_eq(got, frame, sizeof(frame));
    /* An 8-descriptor ring holds at most 7 buffers: a 2000-byte frame (LPE) needs
     * 8 and can never fit: dropped, counted, RXO. */
    wr(E1000_RCTL, 0);
    wr(E1000_RDH, 0);
    wr(E1000_RDT, 7);
    wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_LPE | (3u << E1000_RCTL_BSIZE_SHIFT));
    rd(E1000_ICR);
    {
        uint8_t big[2000] = { 0 };

        memcpy(big, mac, 6);
        net_send(peer, big, sizeof(big));
    }
    cr_assert_eq(net_client_queue_len(peer->peer), 0);
    cr_assert_eq(rd(E1000_RDH), 0);
    cr_assert(rd(E1000_ICR) & E1000_ICR_RXO);
    cr_assert_eq(rd(E1000_MPC), 1);
}

Test(e1000, receive_checksum_offload)
{
    uint8_t pkt[200];
    size_t len = make_tcp(pkt, mac, 100, true);
    uint16_t dlen, special;
    uint8_t status, errors;

    start_nic(0);
    give_rx(7, 2048);
    wr(E1000_RXCSUM, E1000_RXCSUM_TUOFL | E1000_RXCSUM_IPOFL);
    net_send(peer, pkt, len);
    rxd(0, &dlen, &status, &errors, &special);
    cr_assert_eq(status & (E1000_RXD_STAT_TCPCS | E1000_RXD_STAT_IPCS | E1000_RXD_STAT_IXSM),
                 E1000_RXD_STAT_TCPCS | E1000_RXD_STAT_IPCS);
    cr_assert_eq(errors, 0);
    pkt[60] ^= 1;
    net_send(peer, pkt, len);
    rxd(1, &dlen, &status, &errors, &special);
    cr_assert_eq(errors, E1000_RXD_ERR_TCPE);
    wr(E1000_RXCSUM, 0);
    net_send(peer, pkt, len);
    rxd(2, &dlen, &status, &errors, &special);
    cr_assert(status & E1000_RXD_STAT_IXSM, "no offload: ignore checksum bits");
}

/* A TCP/IPv4 packet checked as Linux's e1000_tx_csum asks: context + data. */
Test(e1000, transmit_checksum_offload)
{
    uint8_t pkt[200];
    size_t len = make_tcp(pkt, mac, 77, false);
    const uint8_t *f;
    GBytes *b;

    start_nic(0);
    /* The stack leaves the pseudo-header sum (with length) in the field. */
    stw_be_p(pkt + 24, ~csum(pkt + 14, 20, 0));
    stw_be_p(pkt + 50, csum(pkt + 26, 8, 0) + 6 + 20 + 77);
    ram_write(TX_BUF, pkt, len);
    txd_context(0, 0, 0, 0, 34, 50, 0, E1000_TXD_CMD_TCP, 0, 0);
    txd_data(1, TX_BUF, len, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, E1000_TXD_POPTS_TXSM);
    wr(E1000_TDT, 2);
    cr_assert_eq(sent->len, 1);
    b = g_ptr_array_index(sent, 0);
    f = g_bytes_get_data(b, NULL);
    cr_assert_eq(g_bytes_get_size(b), len);
    cr_assert_eq(csum(f + 34, len - 34, csum(f + 26, 8, 0) + 6 + len - 34), 0xffff);
    cr_assert(txd_sta(1) & E1000_TXD_STAT_DD);
}

/*
 * TSO as Linux's e1000_tso sets it up: IP tot_len and checksum zero, the TCP field
 * seeded with the pseudo-header sum without length, MSS 1000 over 2500 bytes of
 * payload, in data buffers cut at cuts[] (offsets into the packet).
 */
static void tso_run(const size_t *cuts, int ncuts)
{
    static const size_t seg_payload[3] = { 1000, 1000, 500 };
    const uint8_t popts = E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM;
    uint8_t pkt[2600];
    size_t len = make_tcp(pkt, mac, 2500, false), at = 0;
    int nd = 1;

    start_nic(0);
    g_ptr_array_set_size(sent, 0);
    stw_be_p(pkt + 16, 0);
    stw_be_p(pkt + 24, 0);
    stw_be_p(pkt + 50, csum(pkt + 26, 8, 0) + 6);
    ram_write(TX_BUF, pkt, len);
    txd_context(0, 14, 24, 33, 34, 50, 0,
                E1000_TXD_CMD_TSE | E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | 2500, 54, 1000);
    for (int i = 0; i <= ncuts; i++, nd++) {
        size_t end = i < ncuts ? cuts[i] : len;
        uint32_t cmd = E1000_TXD_CMD_TSE;

        if (i == ncuts) {
            cmd |= E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
        }
        txd_data(nd, TX_BUF + at, end - at, cmd, popts);
        at = end;
    }
    wr(E1000_TDT, nd);
    cr_assert_eq(sent->len, 3, "%u segments with %d cuts", sent->len, ncuts);
    for (int i = 0; i < 3; i++) {
        GBytes *b = g_ptr_array_index(sent, i);
        const uint8_t *f = g_bytes_get_data(b, NULL);
        size_t flen = g_bytes_get_size(b);

        cr_assert_eq(flen, 54 + seg_payload[i]);
        cr_assert_eq(lduw_be_p(f + 16), 40 + seg_payload[i], "IP total length");
        cr_assert_eq(lduw_be_p(f + 18), 0x1234 + i, "IP ID");
        cr_assert_eq(csum(f + 14, 20, 0), 0xffff, "IP checksum");
        cr_assert_eq(ldl_be_p(f + 38), 1000000 + 1000 * i, "sequence");
        cr_assert_eq(f[47], i == 2 ? 0x19 : 0x10, "FIN/PSH on the last only");
        cr_assert_eq(csum(f + 34, flen - 34, csum(f + 26, 8, 0) + 6 + flen - 34), 0xffff,
                     "TCP checksum of segment %d", i);
        cr_assert_arr_eq(f + 54, pkt + 54 + 1000 * i, seg_payload[i]);
    }
    cr_assert(txd_sta(nd - 1) & E1000_TXD_STAT_DD);
    cr_assert_eq(rd(E1000_TSCTC), 1);
}

Test(e1000, tcp_segmentation)
{
    /* The header across two buffers, the payload across three. */
    static const size_t odd[] = { 30, 730, 1930 };
    /* Buffers ending exactly where segments end (as a page-sized split may). */
    static const size_t even[] = { 54, 1054, 2054 };
    /* One buffer for everything. */

    tso_run(odd, 3);
    tso_run(even, 3);
    tso_run(NULL, 0);
}

Test(e1000, vlan_insert_and_strip)
{
    uint8_t frame[64] = { 0 };
    uint16_t len, special;
    uint8_t status, errors;
    const uint8_t *f;

    start_nic(0);
    give_rx(7, 2048);
    wr(E1000_CTRL, rd(E1000_CTRL) | E1000_CTRL_VME);
    memcpy(frame, mac, 6);
    stw_be_p(frame + 12, 0x0800);
    ram_write(TX_BUF, frame, 64);
    txd_legacy(0, TX_BUF, 64, E1000_TXD_CMD_EOP | E1000_TXD_CMD_VLE, 0, 0, 0x2005);
    wr(E1000_TDT, 1);
    cr_assert_eq(sent->len, 1);
    f = g_bytes_get_data(g_ptr_array_index(sent, 0), NULL);
    cr_assert_eq(g_bytes_get_size(g_ptr_array_index(sent, 0)), 68);
    cr_assert_eq(lduw_be_p(f + 12), 0x8100);
    cr_assert_eq(lduw_be_p(f + 14), 0x2005);
    cr_assert_eq(lduw_be_p(f + 16), 0x0800);
    /* Back in: the tag lands in the descriptor. */
    net_send(peer, f, 68);
    rxd(0, &len, &status, &errors, &special);
    cr_assert(status & E1000_RXD_STAT_VP);
    cr_assert_eq(special, 0x2005);
    cr_assert_eq(len, 68, "64 + FCS, tag removed");
    /* With the VLAN filter on, VLAN 5 must be in the table. */
    wr(E1000_RCTL, rd(E1000_RCTL) | E1000_RCTL_VFE);
    net_send(peer, f, 68);
    cr_assert_eq(rd(E1000_RDH), 1);
    wr(E1000_VFTA, 1u << 5);
    net_send(peer, f, 68);
    cr_assert_eq(rd(E1000_RDH), 2);
}

Test(e1000, link_follows_set_link)
{
    start_nic(0);
    wr(E1000_IMS, E1000_ICR_LSC);
    rd(E1000_ICR);
    cr_assert(net_set_link("peer", false, NULL));
    cr_assert_eq(irq_level, 1);
    cr_assert(rd(E1000_ICR) & E1000_ICR_LSC);
    cr_assert_eq(rd(E1000_STATUS) & E1000_STATUS_LU, 0);
    cr_assert_eq(phy_rd(1, E1000_PHY_STATUS) & E1000_PHY_STATUS_LINK, 0);
    cr_assert(net_set_link("peer", true, NULL));
    cr_assert(rd(E1000_ICR) & E1000_ICR_LSC);
    cr_assert(rd(E1000_STATUS) & E1000_STATUS_LU);
    cr_assert(phy_rd(1, E1000_PHY_STATUS) & E1000_PHY_STATUS_LINK);
}

Test(e1000, malformed_rings_never_hang_or_escape_ram)
{
    uint8_t frame[60] = { 0 };
    uint16_t len, special;
    uint8_t status, errors;

    memcpy(frame, mac, 6);
    start_nic(0);
    /* Transmit ring outside RAM: nothing sent, head moves on, no crash. */
    wr(E1000_TDBAL, 0x7ffff000);
    wr(E1000_TDT, 3);
    cr_assert_eq(sent->len, 0);
    cr_assert_eq(rd(E1000_TDH), 3);
    /* Buffer outside RAM and zero-length descriptors. */
    wr(E1000_TDBAL, TX_RING);
    wr(E1000_TDH, 0);
    wr(E1000_TDT, 0);
    txd_legacy(0, 0xfff00000, 60, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0, 0);
    txd_legacy(1, TX_BUF, 0, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0, 0);
    wr(E1000_TDT, 2);
    cr_assert_eq(sent->len, 0);
    cr_assert(txd_sta(0) & E1000_TXD_STAT_DD, "handed back all the same");
    /* Tail past the ring: ignored. */
    wr(E1000_TDT, 100);
    cr_assert_eq(rd(E1000_TDH), 2);
    /* A whole ring of descriptors with no EOP: one lap, then stop. */
    for (int i = 0; i < 8; i++) {
        txd_legacy(i, TX_BUF, 60, 0, 0, 0, 0);
    }
    wr(E1000_TDT, 1);
    cr_assert_eq(rd(E1000_TDH), 1);
    cr_assert_eq(sent->len, 0);
    /* TSO with MSS 0: dropped, not a loop. */
    wr(E1000_CTRL, E1000_CTRL_RST);
    start_nic(0);
    txd_context(0, 14, 24, 33, 34, 50, 0, E1000_TXD_CMD_TSE | E1000_TXD_CMD_TCP | 100, 54, 0);
    txd_data(1, TX_BUF, 154, E1000_TXD_CMD_TSE | E1000_TXD_CMD_EOP, E1000_TXD_POPTS_TXSM);
    wr(E1000_TDT, 2);
    cr_assert_eq(sent->len, 0);
    /* Receive buffer outside RAM: the descriptor comes back with RXE. */
    give_rx(7, 2048);
    {
        uint8_t d[16] = { 0 };

        stq_le_p(d, 0x7fff0000);
        ram_write(RX_RING, d, 16);
    }
    net_send(peer, frame, sizeof(frame));
    rxd(0, &len, &status, &errors, &special);
    cr_assert(status & E1000_RXD_STAT_DD);
    cr_assert(errors & E1000_RXD_ERR_RXE);
    /* Receive ring outside RAM, head past the ring, zero length: dropped/held. */
    wr(E1000_RDBAL, 0x7fff0000);
    net_send(peer, frame, sizeof(frame));
    wr(E1000_RDBAL, RX_RING);
    wr(E1000_RDH, 50);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(net_client_queue_len(peer->peer), 1, "no free descriptor: held");
    wr(E1000_RDLEN, 0);
    wr(E1000_RDH, 0);
    wr(E1000_RDT, 0);
    net_client_purge(peer->peer);
    net_send(peer, frame, sizeof(frame));
    cr_assert_eq(net_client_queue_len(peer->peer), 1);
}

Test(e1000, vmstate_round_trip)
{
    const VMStateDescription *vmsd = DEVICE(nic)->dc->vmsd;
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    uint32_t before[5];
    uint8_t frame[60] = { 0 };

    start_nic(0);
    give_rx(5, 2048);
    wr(E1000_IMS, E1000_ICR_TXDW);
    wr(E1000_MTA + 12, 0x00f0f000);
    ram_write(TX_BUF, frame, sizeof(frame));
    txd_legacy(0, TX_BUF, 60, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0, 0);
    /* A packet left half-gathered (no EOP yet) must survive too. */
    txd_legacy(1, TX_BUF, 30, 0, 0, 0, 0);
    wr(E1000_TDT, 2);
    cr_assert_eq(sent->len, 1);
    cr_assert_eq(irq_level, 1);
    before[0] = rd(E1000_TDH);
    before[1] = rd(E1000_RDT);
    before[2] = rd(E1000_IMS);
    before[3] = rd(E1000_MTA + 12);
    before[4] = rd(E1000_RCTL);
    vmstate_save(vmsd, nic, buf);
    DEVICE(nic)->dc->reset(DEVICE(nic));
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(pci_get_bar_addr(nic, 0), PCI_BAR_UNMAPPED);
    cr_assert_eq(vmstate_load(vmsd, nic, buf->data, buf->len, NULL, &err), 0, "%s",
                 err ? err->message : "");
    cr_assert_eq(irq_level, 1, "interrupt level rebuilt");
    cr_assert_eq(pci_get_bar_addr(nic, 0), MMIO_BASE, "BAR mapped again");
    cr_assert_eq(rd(E1000_TDH), before[0]);
    cr_assert_eq(rd(E1000_RDT), before[1]);
    cr_assert_eq(rd(E1000_IMS), before[2]);
    cr_assert_eq(rd(E1000_MTA + 12), before[3]);
    cr_assert_eq(rd(E1000_RCTL), before[4]);
    /* It finishes the half-gathered packet: 30 + 30 bytes. */
    txd_legacy(2, TX_BUF, 30, E1000_TXD_CMD_EOP, 0, 0, 0);
    wr(E1000_TDT, 3);
    cr_assert_eq(sent->len, 2);
    cr_assert_eq(g_bytes_get_size(g_ptr_array_index(sent, 1)), 60);
    /* A truncated stream is refused. */
    cr_assert_neq(vmstate_load(vmsd, nic, buf->data, buf->len - 1, NULL, &err), 0);
    g_clear_error(&err);
    g_byte_array_free(buf, true);
}

/* -device e1000,... and -nic model=e1000 through hw/net/pci-nic.c. */
Test(e1000, boards_create_it_from_the_command_line)
{
    static const int slots[] = { SLOT, 8 };
    GPtrArray *opts = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    NetClientState *be = net_client_new(&peer_info, "n1", NULL, &err);

    cr_assert_not_null(be);
    cr_assert_eq(pci_nic_find_model("e1000"), &e1000_pci_class);
    g_ptr_array_add(opts, g_strdup("e1000,netdev=n1,mac=52:54:00:00:00:07,id=nic1"));
    cr_assert(pci_create_user_devices(bus, opts, slots, 2, &err), "%s",
              err ? err->message : "");
    cr_assert(pci_bus_has_device(bus, PCI_DEVFN(8, 0)));
    cr_assert_eq(net_client_find("nic1")->peer, be);
    g_ptr_array_free(opts, true);
    /* The new card's EEPROM carries its own address. */
    pci_bus_config_write(bus, PCI_DEVFN(8, 0), PCI_BASE_ADDRESS_0, MMIO_BASE + 0x100000, 4);
    pci_bus_config_write(bus, PCI_DEVFN(8, 0), PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    {
        uint64_t v = 0;

        address_space_write_val(&as_mem, MMIO_BASE + 0x100000 + E1000_EERD,
                                (2 << 8) | E1000_EERD_START, 4);
        address_space_read_val(&as_mem, MMIO_BASE + 0x100000 + E1000_EERD, &v, 4);
        cr_assert_eq(v >> 16, 0x0700);
    }
}

/* Random register writes and random ring contents: whatever a guest does, the
 * device neither crashes nor loops, and every access stays inside RAM. */
Test(e1000, random_guest_writes_are_survived)
{
    static const uint32_t regs[] = {
        E1000_CTRL, E1000_EECD, E1000_EERD, E1000_MDIC, E1000_ICS, E1000_IMS, E1000_IMC,
        E1000_RCTL, E1000_TCTL, E1000_RDBAL, E1000_RDLEN, E1000_RDH, E1000_RDT,
        E1000_TDBAL, E1000_TDLEN, E1000_TDH, E1000_TDT, E1000_RXCSUM, E1000_VET,
    };
    GRand *r = g_rand_new_with_seed(1000);
    uint8_t junk[4096], frame[1600];

    start_nic(0);
    for (int round = 0; round < 300; round++) {
        uint32_t reg = regs[g_rand_int_range(r, 0, ARRAY_SIZE(regs))];
        uint32_t v = g_rand_int(r);

        for (size_t i = 0; i < sizeof(junk); i++) {
            junk[i] = g_rand_int(r);
        }
        /* Keep the rings in RAM most of the time so the walks do something. */
        if (reg == E1000_RDBAL || reg == E1000_TDBAL) {
            v = (round & 3) ? (v & 0xff000) : v;
        } else if (reg == E1000_RDLEN || reg == E1000_TDLEN) {
            v &= 0x1ff80;
        } else if (reg == E1000_CTRL) {
            v &= ~E1000_CTRL_RST | (round % 50 == 0 ? E1000_CTRL_RST : 0);
        }
        ram_write(RX_RING, junk, sizeof(junk));
        ram_write(TX_RING, junk, sizeof(junk));
        wr(reg, v);
        wr(E1000_TCTL, E1000_TCTL_EN);
        wr(E1000_TDT, g_rand_int_range(r, 0, 300));
        for (size_t i = 0; i < sizeof(frame); i++) {
            frame[i] = g_rand_int(r);
        }
        memcpy(frame, mac, 6);
        net_send(peer, frame, g_rand_int_range(r, 1, sizeof(frame)));
        rd(E1000_ICR);
        rd(E1000_STATUS);
        rd(E1000_GPRC);
    }
    g_rand_free(r);
}
