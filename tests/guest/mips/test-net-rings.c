/*
 * Malformed descriptor rings fed to both NICs of the Malta board from bare metal:
 * the on-board AMD PCnet (pcnet) and a virtio-net-pci card. The program finds
 * them by scanning PCI configuration space through the GT-64120, sizes and
 * assigns their BARs, and drives them by polling (no interrupts). Each case
 * gives a device loops, addresses outside RAM or on device registers, zero and
 * huge lengths or oddly wrapping rings, checks that the device reported an
 * error or ignored the entries, then resets the device and checks it still
 * works: an ARP request for the user-network gateway 10.0.2.2 goes out and
 * slirp's ARP reply comes back. The emulator surviving to DONE is the rest of
 * the test.
 *
 * The error checks hold mimic to the datasheet and the virtio 1.1 spec (MERR
 * and descriptor ERR bits; NEEDS_RESET, which 1.1 section 2.1.2 lets a device
 * set). QEMU 7.2 (check-guest-mips-qemu) reports neither: its PCnet reads zeros
 * from unassigned memory and its virtio marks a legacy device broken silently,
 * so there only the survival and after-reset checks pass.
 */
/* guest-args: -nic user,model=pcnet -nic user,model=virtio-net-pci */
#include "lib.h"

typedef unsigned char u8;
typedef unsigned short u16;

#define RAM_END     0x04000000u        /* run-tests.sh gives the board 64 MiB */
#define OUTSIDE     0x7ff00000u        /* nothing decodes here */
#define K1(pa)      (0xa0000000u | (pa))
#define PCI_IO_CPU  0x18000000u        /* the GT-64120's PCI I/O window (boot stub) */
#define GT_BASE     K1(0x1be00000u)
#define GT_CFGADDR  0xcf8
#define GT_CFGDATA  0xcfc

#define R8(a)       (*(volatile u8 *)(a))
#define R16(a)      (*(volatile u16 *)(a))
#define R32(a)      (*(volatile u32 *)(a))

static void barrier(void)
{
    __asm__ volatile("sync" ::: "memory");
}

static void zero(u32 pa, u32 len)
{
    for (u32 i = 0; i < len; i += 4) {
        R32(K1(pa + i)) = 0;
    }
}

static void copy_to(u32 pa, const u8 *src, u32 len)
{
    for (u32 i = 0; i < len; i++) {
        R8(K1(pa + i)) = src[i];
    }
}

/* A check name made of two parts (check() prints it at once). */
static const char *cat(const char *a, const char *b)
{
    static char buf[160];
    unsigned n = 0;

    while (*a && n < sizeof(buf) - 1) {
        buf[n++] = *a++;
    }
    while (*b && n < sizeof(buf) - 1) {
        buf[n++] = *b++;
    }
    buf[n] = 0;
    return buf;
}

/* ---- PCI configuration through the GT-64120 ---- */

static u32 cfg_rd(int dev, int reg)
{
    R32(GT_BASE + GT_CFGADDR) = 0x80000000u | (dev << 11) | (reg & 0xfc);
    return R32(GT_BASE + GT_CFGDATA);
}

static void cfg_wr(int dev, int reg, u32 v)
{
    R32(GT_BASE + GT_CFGADDR) = 0x80000000u | (dev << 11) | (reg & 0xfc);
    R32(GT_BASE + GT_CFGDATA) = v;
}

static int pci_find(u32 id)
{
    for (int dev = 0; dev < 32; dev++) {
        if (cfg_rd(dev, 0) == id) {
            return dev;
        }
    }
    return -1;
}

/* Size BAR n; give it ADDR (an I/O port or a PCI memory address). Returns its size. */
static u32 pci_assign_bar(int dev, int n, u32 addr)
{
    int reg = 0x10 + 4 * n;
    u32 sz;

    cfg_wr(dev, reg, 0xffffffffu);
    sz = cfg_rd(dev, reg);
    sz = (sz & 1) ? ~(sz & ~3u) + 1 : ~(sz & ~15u) + 1;
    cfg_wr(dev, reg, addr);
    return sz;
}

/* ---- frames ---- */

static u8 mac_pcnet[6], mac_virtio[6];

/* An ARP request from 10.0.2.15 for 10.0.2.2, padded to 60 bytes. */
static void make_arp(u8 *f, const u8 *mac)
{
    static const u8 tail[] = { 0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1 };

    for (int i = 0; i < 60; i++) {
        f[i] = i < 6 ? 0xff : 0;
    }
    for (int i = 0; i < 6; i++) {
        f[6 + i] = mac[i];
        f[22 + i] = mac[i];
    }
    for (int i = 0; i < 10; i++) {
        f[12 + i] = tail[i];
    }
    f[28] = 10; f[29] = 0; f[30] = 2; f[31] = 15;
    f[38] = 10; f[39] = 0; f[40] = 2; f[41] = 2;
}

/* Is the frame at guest address PA slirp's ARP reply from 10.0.2.2 to MAC? */
static int is_arp_reply(u32 pa, const u8 *mac)
{
    volatile u8 *f = (volatile u8 *)K1(pa);

    for (int i = 0; i < 6; i++) {
        if (f[i] != mac[i]) {
            return 0;
        }
    }
    return f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
           f[28] == 10 && f[29] == 0 && f[30] == 2 && f[31] == 2;
}

/* ==== PCnet (Am79C973), word I/O, software style 2 ==== */

#define PC_IO       0x2000u
#define PC(off)     (K1(PCI_IO_CPU) + PC_IO + (off))
#define PC_RDP      0x10
#define PC_RAP      0x12
#define PC_RESET    0x14
#define PC_BDP      0x16
#define CSR0_INIT   0x0001
#define CSR0_STRT   0x0002
#define CSR0_TDMD   0x0008
#define CSR0_IDON   0x0100
#define CSR0_MERR   0x0800
#define CSR0_W1C    0x7f00
#define D_OWN       0x8000
#define D_ERR       0x4000
#define D_BUFF      0x0400
#define D_STP       0x0200
#define D_ENP       0x0100

#define PC_IB       0x00500000u
#define PC_RX       0x00501000u        /* receive ring */
#define PC_TX       0x00502000u        /* transmit ring */
#define PC_TXBUF    0x00503000u
#define PC_RXBUF    0x00510000u        /* 4 x 2 KiB */
#define PC_RXSZ     1544

static void pc_csr_wr(int n, u16 v)
{
    R16(PC(PC_RAP)) = n;
    R16(PC(PC_RDP)) = v;
}

static u16 pc_csr_rd(int n)
{
    R16(PC(PC_RAP)) = n;
    return R16(PC(PC_RDP));
}

static void pc_bcr_wr(int n, u16 v)
{
    R16(PC(PC_RAP)) = n;
    R16(PC(PC_BDP)) = v;
}

static void pc_desc(u32 ring, int i, u32 buf, int bcnt, u16 status)
{
    u32 a = K1(ring + 16 * i);

    R32(a) = buf;
    R32(a + 8) = 0;
    R32(a + 12) = 0;
    barrier();
    R32(a + 4) = ((u32)status << 16) | 0xf000u | ((u32)-bcnt & 0x0fffu);
}

static u16 pc_status(u32 ring, int i)
{
    return R32(K1(ring + 16 * i + 4)) >> 16;
}

/* Reset, initialize with rings of 2^rlog / 2^tlog at rdra / tdra, start. */
static int pc_start(int rlog, int tlog, u32 rdra, u32 tdra)
{
    u32 ib = K1(PC_IB);

    (void)R16(PC(PC_RESET));
    pc_bcr_wr(20, 2);                          /* software style 2: 32-bit */
    zero(PC_IB, 28);
    R8(ib + 2) = rlog << 4;
    R8(ib + 3) = tlog << 4;
    for (int i = 0; i < 6; i++) {
        R8(ib + 4 + i) = mac_pcnet[i];
    }
    R32(ib + 20) = rdra;
    R32(ib + 24) = tdra;
    barrier();
    pc_csr_wr(1, PC_IB & 0xffff);
    pc_csr_wr(2, PC_IB >> 16);
    pc_csr_wr(4, 0x0915);
    pc_csr_wr(0, CSR0_INIT);
    for (int i = 0; i < 100000 && !(pc_csr_rd(0) & CSR0_IDON); i++) {
    }
    if (!(pc_csr_rd(0) & CSR0_IDON)) {
        return 0;
    }
    pc_csr_wr(0, CSR0_IDON | CSR0_STRT);
    return 1;
}

static void pc_give_rx(int n)
{
    for (int i = 0; i < n; i++) {
        pc_desc(PC_RX, i, PC_RXBUF + 0x800 * i, PC_RXSZ, D_OWN);
    }
}

static void pc_send_arp(int desc)
{
    u8 f[60];

    make_arp(f, mac_pcnet);
    copy_to(PC_TXBUF, f, 60);
    pc_desc(PC_TX, desc, PC_TXBUF, 60, D_OWN | D_STP | D_ENP);
    barrier();
    pc_csr_wr(0, CSR0_TDMD);
}

/* Wait (up to ITERS polls) for receive descriptor 0 to come back. */
static int pc_rx_done(int iters)
{
    for (int i = 0; i < iters; i++) {
        if (!(pc_status(PC_RX, 0) & D_OWN)) {
            return 1;
        }
    }
    return 0;
}

/* After a reset the device must work: ARP request out, reply in. */
static void pc_check_usable(const char *what)
{
    int ok = pc_start(2, 2, PC_RX, PC_TX);

    if (ok) {
        pc_give_rx(4);
        zero(PC_RXBUF, 64);
        pc_send_arp(0);
        ok = pc_rx_done(1000000) && !(pc_status(PC_RX, 0) & D_ERR) &&
             is_arp_reply(PC_RXBUF, mac_pcnet);
    }
    check(cat("pcnet ARP round trip after reset, after: ", what), ok, 1);
}

static void pcnet_cases(void)
{
    u8 f[60];

    pc_check_usable("set-up");

    /* 1: transmit buffer outside RAM. */
    pc_start(2, 2, PC_RX, PC_TX);
    pc_give_rx(4);
    pc_desc(PC_TX, 0, OUTSIDE, 60, D_OWN | D_STP | D_ENP);
    pc_csr_wr(0, CSR0_TDMD);
    check("pcnet tx buffer outside RAM: descriptor ERR", (pc_status(PC_TX, 0) & (D_OWN | D_ERR)),
          D_ERR);
    check("pcnet tx buffer outside RAM: CSR0 MERR", pc_csr_rd(0) & CSR0_MERR, CSR0_MERR);
    pc_check_usable("tx outside RAM");

    /* 2: every descriptor owned, a frame started and never ended: one lap, no frame. */
    pc_start(2, 2, PC_RX, PC_TX);
    pc_give_rx(4);
    make_arp(f, mac_pcnet);
    copy_to(PC_TXBUF, f, 60);
    for (int i = 0; i < 4; i++) {
        pc_desc(PC_TX, i, PC_TXBUF, 60, D_OWN | (i == 0 ? D_STP : 0));
    }
    pc_csr_wr(0, CSR0_TDMD);
    pc_csr_wr(0, CSR0_TDMD);
    check("pcnet chain around the ring without ENP: all handed back",
          (pc_status(PC_TX, 0) | pc_status(PC_TX, 3)) & D_OWN, 0);
    check("pcnet chain around the ring without ENP: nothing sent", pc_rx_done(20000), 0);
    pc_check_usable("ring without ENP");

    /* 3: zero byte counts (4096 bytes each) chained: the frame outgrows the device. */
    pc_start(2, 2, PC_RX, PC_TX);
    pc_give_rx(4);
    for (int i = 0; i < 4; i++) {
        pc_desc(PC_TX, i, PC_TXBUF, 0, D_OWN | (i == 0 ? D_STP : 0) | (i == 3 ? D_ENP : 0));
    }
    pc_csr_wr(0, CSR0_TDMD);
    check("pcnet zero counts: oversized frame flagged", pc_status(PC_TX, 1) & D_ERR, D_ERR);
    check("pcnet zero counts: nothing sent", pc_rx_done(20000), 0);
    pc_check_usable("zero counts");

    /* 4: receive ring outside RAM: the reply cannot be stored. */
    pc_start(2, 2, OUTSIDE, PC_TX);
    pc_send_arp(0);
    for (int i = 0; i < 100000 && !(pc_csr_rd(0) & CSR0_MERR); i++) {
    }
    check("pcnet rx ring outside RAM: MERR", pc_csr_rd(0) & CSR0_MERR, CSR0_MERR);
    pc_check_usable("rx ring outside RAM");

    /* 5: a 512-entry transmit ring from 32 bytes below the end of RAM. */
    pc_start(2, 9, PC_RX, RAM_END - 32);
    pc_give_rx(4);
    make_arp(f, mac_pcnet);
    copy_to(PC_TXBUF, f, 60);
    pc_desc(RAM_END - 32, 0, PC_TXBUF, 60, D_OWN | D_STP | D_ENP);
    pc_desc(RAM_END - 32, 1, PC_TXBUF, 60, D_OWN | D_STP | D_ENP);
    pc_csr_wr(0, CSR0_TDMD);
    check("pcnet ring running off RAM: its descriptors in RAM are used",
          (pc_status(RAM_END - 32, 0) | pc_status(RAM_END - 32, 1)) & D_OWN, 0);
    check("pcnet ring running off RAM: MERR at the third", pc_csr_rd(0) & CSR0_MERR, CSR0_MERR);
    pc_check_usable("ring past the end of RAM");

    /* 6: receive buffer outside RAM, then a buffer too small with nowhere to chain. */
    pc_start(2, 2, PC_RX, PC_TX);
    pc_desc(PC_RX, 0, OUTSIDE, PC_RXSZ, D_OWN);
    pc_send_arp(0);
    pc_rx_done(1000000);
    check("pcnet rx buffer outside RAM: ERR|BUFF", pc_status(PC_RX, 0) & (D_OWN | D_ERR | D_BUFF),
          D_ERR | D_BUFF);
    pc_start(0, 2, PC_RX, PC_TX);
    pc_desc(PC_RX, 0, PC_RXBUF, 16, D_OWN);
    pc_send_arp(0);
    pc_rx_done(1000000);
    check("pcnet 16-byte rx buffer in a 1-entry ring: ERR", pc_status(PC_RX, 0) & (D_OWN | D_ERR),
          D_ERR);
    pc_check_usable("bad rx buffers");
}

/* ==== virtio-net, legacy interface (I/O BAR 0) ==== */

#define VIO_IO      0x2100u
#define VIO(off)    (K1(PCI_IO_CPU) + VIO_IO + (off))
#define VIO_PA(off) (PCI_IO_CPU + VIO_IO + (off))
#define V_HOSTF     0
#define V_GUESTF    4
#define V_PFN       8
#define V_NUM       12
#define V_SEL       14
#define V_NOTIFY    16
#define V_STATUS    18
#define V_ISR       19
#define V_CONFIG    20
#define S_NEEDS_RESET 0x40
#define F_MAC       (1u << 5)
#define F_MRG       (1u << 15)
#define F_INDIRECT  (1u << 28)
#define DF_NEXT     1
#define DF_WRITE    2
#define DF_INDIRECT 4
#define HDR         12                 /* with MRG_RXBUF */

#define V_RXRING    0x00600000u
#define V_TXRING    0x00610000u
#define V_TABLE     0x00620000u
#define V_TXBUF     0x00630000u
#define V_RXBUF     0x00640000u        /* 4 x 2 KiB */

static u32 vq_num;
static u16 v_avail[2];

static u32 ring_pa(int q)
{
    return q ? V_TXRING : V_RXRING;
}

static u32 avail_pa(u32 ring)
{
    return ring + 16 * vq_num;
}

static u32 used_pa(u32 ring)
{
    return (avail_pa(ring) + 4 + 2 * vq_num + 2 + 4095) & ~4095u;
}

static void v_desc(u32 table, int i, u32 addr, u32 len, u16 flags, u16 next)
{
    u32 a = K1(table + 16 * i);

    R32(a) = addr;
    R32(a + 4) = 0;
    R32(a + 8) = len;
    R16(a + 12) = flags;
    R16(a + 14) = next;
}

static void v_offer(int q, u16 head)
{
    u32 av = K1(avail_pa(ring_pa(q)));

    R16(av + 4 + 2 * (v_avail[q] % vq_num)) = head;
    barrier();
    R16(av + 2) = ++v_avail[q];
    barrier();
}

static void v_notify(int q)
{
    R16(VIO(V_NOTIFY)) = q;
}

static u16 v_used(int q)
{
    return R16(K1(used_pa(ring_pa(q)) + 2));
}

static int v_needs_reset(void)
{
    return (R8(VIO(V_STATUS)) & S_NEEDS_RESET) != 0;
}

static void v_init(void)
{
    R8(VIO(V_STATUS)) = 0;
    R8(VIO(V_STATUS)) = 3;                     /* ACKNOWLEDGE | DRIVER */
    R32(VIO(V_GUESTF)) = R32(VIO(V_HOSTF)) & (F_MAC | F_MRG | F_INDIRECT);
    for (int q = 0; q < 2; q++) {
        R16(VIO(V_SEL)) = q;
        vq_num = R16(VIO(V_NUM));
        zero(ring_pa(q), 0x4000);
        R32(VIO(V_PFN)) = ring_pa(q) >> 12;
        v_avail[q] = 0;
    }
    R8(VIO(V_STATUS)) = 7;                     /* | DRIVER_OK */
    (void)R8(VIO(V_ISR));
}

static void v_give_rx(int n)
{
    for (int i = 0; i < n; i++) {
        v_desc(V_RXRING, i, V_RXBUF + 0x800 * i, 0x800, DF_WRITE, 0);
        v_offer(0, i);
    }
    v_notify(0);
}

/* Put an ARP request (after a zero header) at V_TXBUF; descriptor 0 sends it. */
static void v_send_arp(void)
{
    u8 f[60];

    make_arp(f, mac_virtio);
    zero(V_TXBUF, HDR);
    copy_to(V_TXBUF + HDR, f, 60);
    v_desc(V_TXRING, 0, V_TXBUF, HDR + 60, 0, 0);
    v_offer(1, 0);
    v_notify(1);
}

static int v_rx_arrived(u16 before, int iters)
{
    for (int i = 0; i < iters; i++) {
        if (v_used(0) != before) {
            return 1;
        }
    }
    return 0;
}

static void v_check_usable(const char *what)
{
    int ok;

    v_init();
    zero(V_RXBUF, 64);
    v_give_rx(4);
    v_send_arp();
    ok = v_rx_arrived(0, 1000000) && !v_needs_reset() &&
         R16(K1(V_RXBUF + 10)) == 1 && is_arp_reply(V_RXBUF + HDR, mac_virtio);
    check(cat("virtio-net ARP round trip after reset, after: ", what), ok, 1);
}

/* A case that must end in NEEDS_RESET without the ring moving. */
static void v_expect_broken(const char *what, u16 used_tx_before)
{
    check(cat("virtio-net NEEDS_RESET: ", what), v_needs_reset(), 1);
    check(cat("virtio-net transmit ring did not move: ", what), v_used(1), used_tx_before);
    v_check_usable(what);
}

static void virtio_cases(void)
{
    u16 u;

    v_check_usable("set-up");

    /* 1: a transmit chain pointing to itself. */
    v_init();
    v_desc(V_TXRING, 0, V_TXBUF, 16, DF_NEXT, 0);
    v_offer(1, 0);
    v_notify(1);
    v_expect_broken("descriptor loop", 0);

    /* 2: an indirect table whose entry points at the table itself (nested). */
    v_init();
    v_desc(V_TABLE, 0, V_TABLE, 32, DF_INDIRECT, 0);
    v_desc(V_TXRING, 0, V_TABLE, 32, DF_INDIRECT, 0);
    v_offer(1, 0);
    v_notify(1);
    v_expect_broken("indirect table into itself", 0);

    /* 3: indirect entries chained into a loop. */
    v_init();
    v_desc(V_TABLE, 0, V_TXBUF, 16, DF_NEXT, 1);
    v_desc(V_TABLE, 1, V_TXBUF, 16, DF_NEXT, 0);
    v_desc(V_TXRING, 0, V_TABLE, 32, DF_INDIRECT, 0);
    v_offer(1, 0);
    v_notify(1);
    v_expect_broken("indirect loop", 0);

    /* 4: transmit buffers outside RAM, of zero length and of 4 GiB - 1: each
     * handed back unsent, the device carries on without a reset. */
    v_init();
    v_give_rx(4);
    v_desc(V_TXRING, 1, OUTSIDE, 72, 0, 0);
    v_desc(V_TXRING, 2, V_TXBUF, 0, 0, 0);
    v_desc(V_TXRING, 3, V_TXBUF, 0xffffffffu, 0, 0);
    v_offer(1, 1);
    v_offer(1, 2);
    v_offer(1, 3);
    v_notify(1);
    check("virtio-net bad tx buffers: handed back", v_used(1), 3);
    check("virtio-net bad tx buffers: no NEEDS_RESET", v_needs_reset(), 0);
    check("virtio-net bad tx buffers: nothing sent", v_rx_arrived(0, 20000), 0);
    v_send_arp();
    check("virtio-net bad tx buffers: next frame goes", v_rx_arrived(0, 1000000), 1);

    /* 5: a receive buffer outside RAM. */
    v_init();
    v_desc(V_RXRING, 0, OUTSIDE, 0x800, DF_WRITE, 0);
    v_offer(0, 0);
    v_notify(0);
    v_send_arp();
    u = v_used(1);
    v_expect_broken("rx buffer outside RAM", u);

    /* 6: a receive buffer on the device's own notify register. */
    v_init();
    v_desc(V_RXRING, 0, VIO_PA(V_NOTIFY), 0x800, DF_WRITE, 0);
    v_offer(0, 0);
    v_notify(0);
    v_send_arp();
    u = v_used(1);
    v_expect_broken("rx buffer on device registers", u);

    /* 7: a zero-length receive buffer. */
    v_init();
    v_desc(V_RXRING, 0, V_RXBUF, 0, DF_WRITE, 0);
    v_offer(0, 0);
    v_notify(0);
    v_send_arp();
    u = v_used(1);
    v_expect_broken("zero-length rx buffer", u);

    /* 8: a receive buffer of 4 GiB - 1 from near the end of RAM. */
    v_init();
    v_desc(V_RXRING, 0, RAM_END - 16, 0xffffffffu, DF_WRITE, 0);
    v_offer(0, 0);
    v_notify(0);
    v_send_arp();
    u = v_used(1);
    v_expect_broken("huge rx buffer past RAM", u);

    /* 9: the avail index running backwards (a wrap by more than the ring). */
    v_init();
    v_give_rx(4);
    v_send_arp();
    v_rx_arrived(0, 1000000);
    R16(K1(avail_pa(V_TXRING) + 2)) = 0;
    v_notify(1);
    v_expect_broken("avail index backwards", 1);

    /* 10: a head index beyond the ring. */
    v_init();
    R16(K1(avail_pa(V_TXRING) + 4)) = vq_num + 7;
    R16(K1(avail_pa(V_TXRING) + 2)) = 1;
    v_notify(1);
    v_expect_broken("head index beyond the ring", 0);

    /* 11: a ring whose available and used parts lie past the end of RAM. */
    v_init();
    R16(VIO(V_SEL)) = 1;
    R32(VIO(V_PFN)) = (RAM_END - 0x1000) >> 12;
    v_desc(RAM_END - 0x1000, 0, V_TXBUF, 72, 0, 0);
    v_notify(1);
    check("virtio-net ring past the end of RAM: NEEDS_RESET", v_needs_reset(), 1);
    v_check_usable("ring past the end of RAM");
}

int main(void)
{
    int pc = pci_find(0x20001022u), vn = pci_find(0x10001af4u);

    check("pcnet found on the PCI bus", pc >= 0, 1);
    check("virtio-net found on the PCI bus", vn >= 0, 1);
    if (pc < 0 || vn < 0) {
        done();
        return 0;
    }
    check("pcnet BAR0 is 32 bytes of I/O", pci_assign_bar(pc, 0, PC_IO), 32);
    pci_assign_bar(pc, 1, 0x10000000u);
    cfg_wr(pc, 0x04, 0x7);                     /* I/O, memory, bus master */
    check("virtio-net BAR0 is 32 bytes of I/O", pci_assign_bar(vn, 0, VIO_IO), 32);
    pci_assign_bar(vn, 4, 0x10100000u);
    cfg_wr(vn, 0x04, 0x7);
    check("virtio-net subsystem: network", cfg_rd(vn, 0x2c) >> 16, 1);

    for (int i = 0; i < 6; i++) {
        mac_pcnet[i] = R8(PC(i));
        mac_virtio[i] = R8(VIO(V_CONFIG + i));
    }
    check("pcnet station address from the PROM", mac_pcnet[0] == 0x52 && mac_pcnet[1] == 0x54, 1);
    check("virtio-net MAC in its configuration", mac_virtio[0] == 0x52 && mac_virtio[1] == 0x54, 1);

    pcnet_cases();
    virtio_cases();
    done();
    return 0;
}
