/*
 * AMD Am79C973 PCnet-FAST III single-chip 10/100 Ethernet controller on PCI
 * (AMD datasheet 21510, "Am79C973/Am79C975 PCnet-FAST III"), as on the MIPS Malta
 * board at PCI slot 11 and driven by Linux's pcnet32.
 *
 * Modelled: the address PROM, word (WIO) and double-word (DWIO) I/O modes in the
 * I/O BAR and the same registers in the memory BAR, RAP/RDP/BDP access to the CSRs
 * and BCRs, software reset, the initialization block (16- and 32-bit software
 * styles), descriptor rings in guest memory for styles 0, 2 and 3 (buffer chaining
 * across descriptors, STP/ENP, OWN hand-over), interrupts with their CSR3/CSR4
 * masks and the INTA# pin, suspend (CSR5 SPND), the station address, logical
 * address (multicast hash), broadcast and promiscuous filters, internal loopback,
 * the FCS the receiver stores after each frame, and the integrated PHY through
 * BCR33/BCR34 (MII management).
 *
 * Every descriptor and buffer address the guest gives is checked to lie in guest
 * RAM before it is used; a bad one sets MERR and drops the frame. Ring walks are
 * bounded by the ring length, so looping or zero-length rings cannot hang the host.
 *
 * Not modelled: the EEPROM interface (the address comes from the "mac" property),
 * SRAM/FIFO watermarks and timing, collisions and retries, the transmit poll timer
 * when DPOLL is clear (Linux always sets TDMD), Magic Packet, the ILACC descriptor
 * style (style 1 is treated as style 2), external loopback, statistics counters.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "hw/net/pcnet.h"
#include "hw/net/pci-nic.h"
#include "migration/vmstate.h"
#include "net/net.h"

/* I/O space: the address PROM, then the register ports (word / double-word I/O). */
#define PCNET_APROM_SIZE    16
#define PCNET_WIO_RDP       0x10
#define PCNET_WIO_RAP       0x12
#define PCNET_WIO_RESET     0x14
#define PCNET_WIO_BDP       0x16
#define PCNET_DWIO_RDP      0x10
#define PCNET_DWIO_RAP      0x14
#define PCNET_DWIO_RESET    0x18
#define PCNET_DWIO_BDP      0x1c

#define PCNET_NUM_CSR       128
#define PCNET_NUM_BCR       64

/* CSR0: controller status and control. */
#define CSR0_INIT   0x0001
#define CSR0_STRT   0x0002
#define CSR0_STOP   0x0004
#define CSR0_TDMD   0x0008
#define CSR0_TXON   0x0010
#define CSR0_RXON   0x0020
#define CSR0_IENA   0x0040
#define CSR0_INTR   0x0080
#define CSR0_IDON   0x0100
#define CSR0_TINT   0x0200
#define CSR0_RINT   0x0400
#define CSR0_MERR   0x0800
#define CSR0_MISS   0x1000
#define CSR0_CERR   0x2000
#define CSR0_BABL   0x4000
#define CSR0_ERR    0x8000
#define CSR0_W1C    0x7f00

/* CSR3: interrupt masks (same positions as the CSR0 sources). */
#define CSR3_MASKS  0x5f00

/* CSR4: test and features control. */
#define CSR4_JABM       0x0001
#define CSR4_JAB        0x0002
#define CSR4_TXSTRTM    0x0004
#define CSR4_TXSTRT     0x0008
#define CSR4_RCVCCOM    0x0010
#define CSR4_RCVCCO     0x0020
#define CSR4_UINT       0x0040
#define CSR4_UINTCMD    0x0080
#define CSR4_MFCOM      0x0100
#define CSR4_MFCO       0x0200
#define CSR4_DPOLL      0x1000
#define CSR4_W1C        (CSR4_JAB | CSR4_TXSTRT | CSR4_RCVCCO | CSR4_UINT | CSR4_MFCO)

/* CSR5: extended control and interrupt 1. */
#define CSR5_SPND       0x0001
#define CSR5_W1C        0x0a88
#define CSR5_LTINTEN    0x4000

/* CSR15: mode. */
#define CSR15_DRX       0x0001
#define CSR15_DTX       0x0002
#define CSR15_LOOP      0x0004
#define CSR15_INTL      0x0040
#define CSR15_DRCVPA    0x2000
#define CSR15_DRCVBC    0x4000
#define CSR15_PROM      0x8000

/* Other CSRs by number. */
#define CSR_IADR0       1
#define CSR_IADR1       2
#define CSR_IMR         3
#define CSR_TFC         4
#define CSR_EXT         5
#define CSR_LADRF0      8
#define CSR_PADR0       12
#define CSR_MODE        15
#define CSR_BADRL       24
#define CSR_BADRU       25
#define CSR_BADXL       30
#define CSR_BADXU       31
#define CSR_SWS         58
#define CSR_RCVRC       72
#define CSR_XMTRC       74
#define CSR_RCVRL       76
#define CSR_XMTRL       78
#define CSR_CHIPID0     88
#define CSR_CHIPID1     89
#define CSR_MFC         112

/* BCRs by number. */
#define BCR_MC          2
#define BCR_LNKST       4
#define BCR_FDC         9
#define BCR_BSBC        18
#define BCR_EECAS       19
#define BCR_SWS         20
#define BCR_PHYCS       32
#define BCR_PHYADR      33
#define BCR_PHYDATA     34
#define  BCR20_SSIZE32  0x0100
#define  BCR20_CSRPCNET 0x0200

/* Chip ID of the Am79C973 (CSR89:CSR88): part 0x2625, AMD's manufacturer code 3. */
#define PCNET_CHIPID_LO 0x5003
#define PCNET_CHIPID_HI 0x0262

/* Descriptor status (the 16-bit view of software style 2; style 0 is its top byte). */
#define DESC_OWN        0x8000
#define DESC_ERR        0x4000
#define RDESC_FRAM      0x2000
#define RDESC_OFLO      0x1000
#define RDESC_BUFF      0x0400
#define TDESC_LTINT     0x1000
#define DESC_STP        0x0200
#define DESC_ENP        0x0100
#define RDESC_PAM       0x0040
#define RDESC_LAFM      0x0020
#define RDESC_BAM       0x0010
/* Transmit descriptor's error word (TMD2 in style 2). */
#define TMISC_BUFF      0x80000000u
#define TMISC_UFLO      0x40000000u

/* The integrated PHY's MII address and registers (IEEE 802.3 clause 22). */
#define PCNET_PHY_ADDR  0x1e
#define MII_BMCR        0
#define MII_BMSR        1
#define MII_PHYID1      2
#define MII_PHYID2      3
#define MII_ANAR        4
#define MII_ANLPAR      5
#define MII_ANER        6
#define  BMCR_RESET     0x8000
#define  BMCR_ANRESTART 0x0200
#define  BMSR_LINK      0x0004
#define  BMSR_ANDONE    0x0020

#define PCNET_MIN_FRAME     60         /* without FCS: shorter frames are padded */
#define PCNET_TX_MAX        4096       /* one frame from its chain of buffers */
#define PCNET_RX_POLL_NS    (1000 * 1000)

typedef struct PCNetState {
    PCIDevice pci;
    MemoryRegion io, mmio;
    /* properties */
    char *netdev;
    char *mac;
    NetClientState *backend;
    /* run time */
    NetClientState *nc;
    AddressSpace *dma_as;
    Timer *poll_timer;
    uint8_t aprom[PCNET_APROM_SIZE];
    uint16_t csr[PCNET_NUM_CSR];
    uint16_t bcr[PCNET_NUM_BCR];
    uint16_t phy[32];
    uint32_t rap;
    bool dwio;
    uint32_t rx_cur, tx_cur;           /* next descriptor index in each ring */
    uint32_t tx_len;                   /* bytes gathered of a frame not yet ended */
    bool tx_err;                       /* the frame being gathered already failed */
    uint8_t tx_buf[PCNET_TX_MAX];
} PCNetState;

/* A descriptor in one layout whatever the software style. */
typedef struct PCNetDesc {
    uint32_t addr;                     /* buffer */
    uint16_t bcnt;                     /* buffer size in bytes (0..4096) */
    uint16_t status;                   /* style-2 layout */
    uint32_t misc;                     /* rx: message count; tx: error word */
} PCNetDesc;

static void pcnet_update_irq(PCNetState *s);

/* ---- guest memory ---- */

static bool pcnet_dma(PCNetState *s, hwaddr addr, void *buf, size_t len, bool is_write)
{
    if (len == 0) {
        return true;
    }
    /* Only whole ranges of RAM: never MMIO, never past the end of memory. */
    if (addr + len < addr || addr + len > 0x100000000ULL ||
        !address_space_map_ram(s->dma_as, addr, len, is_write) ||
        address_space_rw(s->dma_as, addr, buf, len, is_write) != MEMTX_OK) {
        mimic_log_mask(LOG_GUEST_ERROR, "pcnet: DMA %s of %zu bytes at 0x%" PRIx64
                       " is outside guest RAM\n", is_write ? "write" : "read", len,
                       (uint64_t)addr);
        s->csr[0] |= CSR0_MERR;
        return false;
    }
    return true;
}

static unsigned pcnet_swstyle(PCNetState *s)
{
    return s->bcr[BCR_SWS] & 0xff;
}

static bool pcnet_ssize32(PCNetState *s)
{
    return pcnet_swstyle(s) != 0;
}

static unsigned pcnet_desc_size(PCNetState *s)
{
    return pcnet_ssize32(s) ? 16 : 8;
}

static uint32_t pcnet_ring_len(PCNetState *s, int csr)
{
    uint32_t n = (uint16_t)(-s->csr[csr]);

    return n ? n : 65536;
}

static uint32_t pcnet_ring_base(PCNetState *s, bool rx)
{
    int lo = rx ? CSR_BADRL : CSR_BADXL;
    uint32_t base = s->csr[lo] | ((uint32_t)s->csr[lo + 1] << 16);

    return pcnet_ssize32(s) ? base : (base & 0x00ffffff);
}

static hwaddr pcnet_desc_addr(PCNetState *s, bool rx, uint32_t idx)
{
    return (hwaddr)pcnet_ring_base(s, rx) + (hwaddr)idx * pcnet_desc_size(s);
}

static bool pcnet_desc_read(PCNetState *s, hwaddr a, PCNetDesc *d)
{
    if (pcnet_ssize32(s)) {
        uint8_t raw[16];
        uint32_t w[4];

        if (!pcnet_dma(s, a, raw, sizeof(raw), false)) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            w[i] = ldl_le_p(raw + 4 * i);
        }
        /* Style 3 swaps the first and third double words. */
        d->addr = pcnet_swstyle(s) == 3 ? w[2] : w[0];
        d->misc = pcnet_swstyle(s) == 3 ? w[0] : w[2];
        d->status = w[1] >> 16;
        d->bcnt = (uint16_t)(-(int)(w[1] & 0xfff)) & 0xfff;
    } else {
        uint8_t raw[8];
        uint16_t w[4];

        if (!pcnet_dma(s, a, raw, sizeof(raw), false)) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            w[i] = lduw_le_p(raw + 2 * i);
        }
        d->addr = w[0] | ((uint32_t)(w[1] & 0xff) << 16);
        d->status = w[1] & 0xff00;
        d->bcnt = (uint16_t)(-(int)(w[2] & 0xfff)) & 0xfff;
        d->misc = w[3];
    }
    /* A count of zero means the largest buffer the 12-bit field can give. */
    if (d->bcnt == 0) {
        d->bcnt = 4096;
    }
    return true;
}

/* Write back the misc word, then the status (which hands the descriptor over). */
static bool pcnet_desc_write(PCNetState *s, hwaddr a, const PCNetDesc *d)
{
    if (pcnet_ssize32(s)) {
        uint8_t misc[4], st[2];
        hwaddr misc_off = pcnet_swstyle(s) == 3 ? 0 : 8;

        stl_le_p(misc, d->misc);
        stw_le_p(st, d->status);

        return pcnet_dma(s, a + misc_off, misc, 4, true) &&
               pcnet_dma(s, a + 6, st, 2, true);
    } else {
        uint8_t misc[2], st = d->status >> 8;

        stw_le_p(misc, d->misc & 0xffff);
        return pcnet_dma(s, a + 6, misc, 2, true) && pcnet_dma(s, a + 3, &st, 1, true);
    }
}

/* ---- interrupts ---- */

static void pcnet_update_irq(PCNetState *s)
{
    uint16_t csr0 = s->csr[0], csr4 = s->csr[CSR_TFC];
    bool intr;

    csr0 &= ~(CSR0_ERR | CSR0_INTR);
    if (csr0 & (CSR0_BABL | CSR0_CERR | CSR0_MISS | CSR0_MERR)) {
        csr0 |= CSR0_ERR;
    }
    intr = (csr0 & CSR0_W1C & ~CSR0_CERR & ~s->csr[CSR_IMR] & CSR3_MASKS) ||
           ((csr4 & CSR4_JAB) && !(csr4 & CSR4_JABM)) ||
           ((csr4 & CSR4_TXSTRT) && !(csr4 & CSR4_TXSTRTM)) ||
           ((csr4 & CSR4_RCVCCO) && !(csr4 & CSR4_RCVCCOM)) ||
           ((csr4 & CSR4_MFCO) && !(csr4 & CSR4_MFCOM)) ||
           (csr4 & CSR4_UINT);
    if (intr) {
        csr0 |= CSR0_INTR;
    }
    s->csr[0] = csr0;
    pci_set_irq(&s->pci, intr && (csr0 & CSR0_IENA));
}

/* ---- receive ---- */

static bool pcnet_rx_enabled(PCNetState *s)
{
    return (s->csr[0] & CSR0_RXON) && !(s->csr[CSR_EXT] & CSR5_SPND);
}

/* The descriptor the next frame starts in, if the host side owns it. */
static bool pcnet_rx_buffer_ready(PCNetState *s)
{
    PCNetDesc d;

    return pcnet_desc_read(s, pcnet_desc_addr(s, true, s->rx_cur), &d) &&
           (d.status & DESC_OWN);
}

/* Which filter takes a frame (0: none), as RDESC_PAM / LAFM / BAM. */
static uint16_t pcnet_rx_filter(PCNetState *s, const uint8_t *buf)
{
    static const uint8_t bcast[NET_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint16_t mode = s->csr[CSR_MODE];
    uint8_t padr[NET_ETH_ALEN];

    for (int i = 0; i < 3; i++) {
        padr[2 * i] = s->csr[CSR_PADR0 + i] & 0xff;
        padr[2 * i + 1] = s->csr[CSR_PADR0 + i] >> 8;
    }
    if (memcmp(buf, padr, NET_ETH_ALEN) == 0 && !(mode & CSR15_DRCVPA)) {
        return RDESC_PAM;
    }
    if (memcmp(buf, bcast, NET_ETH_ALEN) == 0) {
        return (mode & CSR15_DRCVBC) ? 0 : RDESC_BAM;
    }
    if (buf[0] & 1) {
        /* Logical address filter: the top 6 bits of the CRC pick a bit of LADRF. */
        uint32_t hash = net_crc32_le(buf, NET_ETH_ALEN) >> 26;

        if (s->csr[CSR_LADRF0 + (hash >> 4)] & (1u << (hash & 15))) {
            return RDESC_LAFM;
        }
    }
    return (mode & CSR15_PROM) ? RDESC_PAM : 0;
}

/* Put one frame into the receive ring. Returns false only when the first
 * descriptor is not ours (the caller keeps the frame for later). */
static bool pcnet_receive_frame(PCNetState *s, const uint8_t *buf, size_t len)
{
    uint8_t frame[PCNET_TX_MAX + 4];
    uint32_t ring = pcnet_ring_len(s, CSR_RCVRL);
    uint32_t idx = s->rx_cur, first_idx = s->rx_cur, fcs;
    size_t total, done = 0;
    uint16_t match;
    PCNetDesc first, d;
    hwaddr first_addr = pcnet_desc_addr(s, true, idx);

    if (len < NET_ETH_ALEN || len > PCNET_TX_MAX) {
        return true;                   /* nothing a wire could carry: dropped */
    }
    match = pcnet_rx_filter(s, buf);
    if (!match) {
        return true;
    }
    if (!pcnet_desc_read(s, first_addr, &first)) {
        pcnet_update_irq(s);
        return true;
    }
    if (!(first.status & DESC_OWN)) {
        return false;
    }
    /* Pad runts to the minimum frame, then append the FCS as the MAC would. */
    memcpy(frame, buf, len);
    total = len;
    if (total < PCNET_MIN_FRAME) {
        memset(frame + total, 0, PCNET_MIN_FRAME - total);
        total = PCNET_MIN_FRAME;
    }
    fcs = ~net_crc32_le(frame, total);
    stl_le_p(frame + total, fcs);
    total += 4;

    /* Fill buffers from the first descriptor on; every descriptor but the first is
     * handed back as soon as it is full, the first one last of all. */
    d = first;
    for (uint32_t n = 0;; n++) {
        hwaddr a = pcnet_desc_addr(s, true, idx);
        uint32_t nidx = (idx + 1) % ring;
        size_t chunk = MIN((size_t)d.bcnt, total - done);
        bool ok = pcnet_dma(s, d.addr, frame + done, chunk, true);
        bool last, chain_fail = false;
        PCNetDesc next;

        if (ok) {
            done += chunk;
        }
        last = ok && done == total;
        if (ok && !last) {
            /* The chain may not wrap onto its own start nor use buffers not ours. */
            chain_fail = nidx == first_idx || n + 1 >= ring ||
                         !pcnet_desc_read(s, pcnet_desc_addr(s, true, nidx), &next) ||
                         !(next.status & DESC_OWN);
        }
        d.status = idx == first_idx ? DESC_STP : 0;
        if (!ok || chain_fail) {
            d.status |= DESC_ERR | RDESC_BUFF;
            if (chain_fail) {
                first.status |= DESC_ERR | RDESC_OFLO;
                s->csr[0] |= CSR0_MISS;
            }
        } else if (last) {
            d.status |= DESC_ENP | match;
            d.misc = total & 0xfff;
        }
        if (idx == first_idx) {
            first.status = d.status | (first.status & (DESC_ERR | RDESC_OFLO) &
                                       (chain_fail ? 0xffff : 0));
            first.misc = d.misc;
        } else {
            pcnet_desc_write(s, a, &d);
        }
        idx = nidx;
        if (!ok || chain_fail || last) {
            break;
        }
        d = next;
    }
    pcnet_desc_write(s, first_addr, &first);
    s->rx_cur = idx;
    s->csr[0] |= CSR0_RINT;
    pcnet_update_irq(s);
    return true;
}

static bool pcnet_can_receive(NetClientState *nc)
{
    PCNetState *s = nc->opaque;

    /* A stopped receiver drops frames (receive() takes them and discards them); a
     * running one with no free buffer asks the sender to hold them. */
    if (!pcnet_rx_enabled(s)) {
        return !(s->csr[0] & CSR0_RXON);
    }
    return pcnet_rx_buffer_ready(s);
}

static void pcnet_arm_poll(PCNetState *s)
{
    if (s->nc && net_client_queue_len(s->nc) && pcnet_rx_enabled(s) &&
        !timer_pending(s->poll_timer)) {
        timer_mod(s->poll_timer, clock_get_ns(CLOCK_VIRTUAL) + PCNET_RX_POLL_NS);
    }
}

static size_t pcnet_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    PCNetState *s = nc->opaque;

    if (!(s->csr[0] & CSR0_RXON)) {
        return len;
    }
    if (!pcnet_rx_enabled(s) || !pcnet_receive_frame(s, buf, len)) {
        pcnet_arm_poll(s);
        return 0;
    }
    return len;
}

/* Offer the frames waiting in the queue (new buffers may have been given). */
static void pcnet_flush_rx(PCNetState *s)
{
    if (s->nc && net_client_queue_len(s->nc) && pcnet_rx_enabled(s)) {
        net_client_flush(s->nc);
        pcnet_arm_poll(s);
    }
}

/* ---- transmit ---- */

static void pcnet_send_frame(PCNetState *s, const uint8_t *buf, size_t len)
{
    if (s->csr[CSR_MODE] & CSR15_LOOP) {
        /* Loopback: the frame comes back to our own receiver, never to the wire. */
        if (pcnet_rx_enabled(s)) {
            pcnet_receive_frame(s, buf, len);
        }
        return;
    }
    if (s->nc) {
        net_send(s->nc, buf, len);
    }
}

static void pcnet_transmit(PCNetState *s)
{
    uint32_t ring = pcnet_ring_len(s, CSR_XMTRL);

    if (!(s->csr[0] & CSR0_TXON) || (s->csr[CSR_EXT] & CSR5_SPND)) {
        return;
    }
    /* At most one lap of the ring per demand: a ring of descriptors the guest
     * keeps handing back cannot hold the host here. */
    for (uint32_t n = 0; n < ring; n++) {
        hwaddr a = pcnet_desc_addr(s, false, s->tx_cur);
        PCNetDesc d;
        bool end;

        if (!pcnet_desc_read(s, a, &d)) {
            s->tx_len = 0;
            s->tx_err = false;
            break;
        }
        if (!(d.status & DESC_OWN)) {
            break;
        }
        if (d.status & DESC_STP) {
            if (s->tx_len || s->tx_err) {
                mimic_log_mask(LOG_GUEST_ERROR, "pcnet: transmit frame started before "
                               "the previous one ended (dropped)\n");
            }
            s->tx_len = 0;
            s->tx_err = false;
        } else if (s->tx_len == 0 && !s->tx_err) {
            mimic_log_mask(LOG_GUEST_ERROR, "pcnet: transmit descriptor %u continues "
                           "no frame (no STP)\n", s->tx_cur);
            s->tx_err = true;
        }
        end = d.status & DESC_ENP;
        d.misc = 0;
        if (!s->tx_err) {
            if (s->tx_len + d.bcnt > PCNET_TX_MAX) {
                mimic_log_mask(LOG_GUEST_ERROR, "pcnet: transmit frame longer than "
                               "%d bytes (dropped)\n", PCNET_TX_MAX);
                s->tx_err = true;
                d.misc = TMISC_BUFF | TMISC_UFLO;
            } else if (!pcnet_dma(s, d.addr, s->tx_buf + s->tx_len, d.bcnt, false)) {
                s->tx_err = true;
                d.misc = TMISC_BUFF;
            } else {
                s->tx_len += d.bcnt;
            }
        }
        if (d.misc) {
            d.status |= DESC_ERR;
        }
        d.status &= ~DESC_OWN;
        pcnet_desc_write(s, a, &d);
        s->tx_cur = (s->tx_cur + 1) % ring;
        if (end) {
            if (!s->tx_err) {
                pcnet_send_frame(s, s->tx_buf, s->tx_len);
            }
            s->tx_len = 0;
            s->tx_err = false;
            /* With LTINTEN, only descriptors asking for it interrupt. */
            if (!(s->csr[CSR_EXT] & CSR5_LTINTEN) || (d.status & TDESC_LTINT)) {
                s->csr[0] |= CSR0_TINT;
            }
        }
    }
    pcnet_update_irq(s);
}

static void pcnet_poll_cb(void *opaque)
{
    PCNetState *s = opaque;

    pcnet_flush_rx(s);
    pcnet_transmit(s);
}

/* ---- control ---- */

static void pcnet_init_block(PCNetState *s)
{
    uint32_t iadr = s->csr[CSR_IADR0] | ((uint32_t)s->csr[CSR_IADR1] << 16);
    uint8_t ib[28];
    uint32_t rdra, tdra, rlen, tlen;
    const uint8_t *padr, *ladrf;

    if (pcnet_ssize32(s)) {
        if (!pcnet_dma(s, iadr, ib, 28, false)) {
            pcnet_update_irq(s);
            return;
        }
        rlen = (ib[2] >> 4) & 0xf;
        tlen = (ib[3] >> 4) & 0xf;
        padr = ib + 4;
        ladrf = ib + 12;
        rdra = ldl_le_p(ib + 20);
        tdra = ldl_le_p(ib + 24);
    } else {
        iadr &= 0x00ffffff;
        if (!pcnet_dma(s, iadr, ib, 24, false)) {
            pcnet_update_irq(s);
            return;
        }
        padr = ib + 2;
        ladrf = ib + 8;
        rdra = ldl_le_p(ib + 16);
        tdra = ldl_le_p(ib + 20);
        rlen = rdra >> 29;
        tlen = tdra >> 29;
        rdra &= 0x00ffffff;
        tdra &= 0x00ffffff;
    }
    /* Encoded lengths above 9 mean 512 descriptors. */
    rlen = 1u << MIN(rlen, 9u);
    tlen = 1u << MIN(tlen, 9u);
    s->csr[CSR_MODE] = lduw_le_p(ib);
    for (int i = 0; i < 3; i++) {
        s->csr[CSR_PADR0 + i] = lduw_le_p(padr + 2 * i);
    }
    for (int i = 0; i < 4; i++) {
        s->csr[CSR_LADRF0 + i] = lduw_le_p(ladrf + 2 * i);
    }
    s->csr[CSR_BADRL] = rdra & 0xffff;
    s->csr[CSR_BADRU] = rdra >> 16;
    s->csr[CSR_BADXL] = tdra & 0xffff;
    s->csr[CSR_BADXU] = tdra >> 16;
    s->csr[CSR_RCVRL] = (uint16_t)-rlen;
    s->csr[CSR_XMTRL] = (uint16_t)-tlen;
    s->rx_cur = s->tx_cur = 0;
    s->tx_len = 0;
    s->tx_err = false;
    s->csr[0] = (s->csr[0] & ~CSR0_STOP) | CSR0_IDON | CSR0_INIT;
}

static void pcnet_start(PCNetState *s)
{
    uint16_t mode = s->csr[CSR_MODE];

    s->csr[0] &= ~(CSR0_STOP | CSR0_RXON | CSR0_TXON);
    s->csr[0] |= CSR0_STRT;
    if (!(mode & CSR15_DRX)) {
        s->csr[0] |= CSR0_RXON;
    }
    if (!(mode & CSR15_DTX)) {
        s->csr[0] |= CSR0_TXON;
    }
}

static void pcnet_stop(PCNetState *s)
{
    /* STOP clears every other CSR0 bit (interrupts included). */
    s->csr[0] = CSR0_STOP;
    s->csr[CSR_EXT] &= ~CSR5_SPND;
    timer_del(s->poll_timer);
}

static void pcnet_csr0_write(PCNetState *s, uint16_t val)
{
    if (val & CSR0_STOP) {
        pcnet_stop(s);
        pcnet_update_irq(s);
        return;
    }
    s->csr[0] &= ~(val & CSR0_W1C);
    s->csr[0] = (s->csr[0] & ~CSR0_IENA) | (val & CSR0_IENA);
    if (val & CSR0_INIT) {
        pcnet_init_block(s);
    }
    /* STRT without INIT runs with what the CSRs hold (rings set by hand). */
    if (val & CSR0_STRT) {
        pcnet_start(s);
    }
    pcnet_update_irq(s);
    if (val & (CSR0_TDMD | CSR0_STRT)) {
        pcnet_transmit(s);
    }
}

static uint16_t pcnet_csr_read(PCNetState *s, uint32_t n)
{
    switch (n) {
    case 0:
        pcnet_update_irq(s);
        return s->csr[0];
    case CSR_SWS:
        return s->bcr[BCR_SWS];
    case CSR_RCVRC:
        return (uint16_t)-(pcnet_ring_len(s, CSR_RCVRL) - s->rx_cur);
    case CSR_XMTRC:
        return (uint16_t)-(pcnet_ring_len(s, CSR_XMTRL) - s->tx_cur);
    case CSR_CHIPID0:
        return PCNET_CHIPID_LO;
    case CSR_CHIPID1:
        return PCNET_CHIPID_HI;
    default:
        return n < PCNET_NUM_CSR ? s->csr[n] : 0;
    }
}

static void pcnet_bcr20_write(PCNetState *s, uint16_t val)
{
    uint16_t style = val & 0xff;

    switch (style) {
    case 0:
        s->bcr[BCR_SWS] = BCR20_CSRPCNET;
        break;
    case 1:
        mimic_log_mask(LOG_UNIMP, "pcnet: ILACC descriptor style (1) runs as style 2\n");
        /* fall through */
    case 2:
    case 3:
        s->bcr[BCR_SWS] = style | BCR20_SSIZE32 | BCR20_CSRPCNET;
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "pcnet: reserved software style %u\n", style);
        break;
    }
}

static void pcnet_csr_write(PCNetState *s, uint32_t n, uint16_t val)
{
    switch (n) {
    case 0:
        pcnet_csr0_write(s, val);
        return;
    case CSR_IMR:
        s->csr[n] = val & 0x5f7c;
        break;
    case CSR_TFC:
        s->csr[n] &= ~(val & CSR4_W1C);
        s->csr[n] = (s->csr[n] & CSR4_W1C) | (val & ~CSR4_W1C & ~CSR4_UINTCMD);
        if (val & CSR4_UINTCMD) {
            s->csr[n] |= CSR4_UINT;
        }
        break;
    case CSR_EXT:
        s->csr[n] &= ~(val & CSR5_W1C);
        s->csr[n] = (s->csr[n] & CSR5_W1C) | (val & ~CSR5_W1C);
        break;
    case CSR_SWS:
        pcnet_bcr20_write(s, val);
        break;
    case CSR_RCVRC:
    case CSR_XMTRC:
    case CSR_CHIPID0:
    case CSR_CHIPID1:
        break;                         /* read-only here */
    case CSR_RCVRL:
    case CSR_XMTRL:
        s->csr[n] = val;
        if (n == CSR_RCVRL) {
            s->rx_cur = 0;
        } else {
            s->tx_cur = 0;
        }
        break;
    default:
        if (n < PCNET_NUM_CSR) {
            s->csr[n] = val;
        }
        break;
    }
    pcnet_update_irq(s);
}

static uint16_t pcnet_phy_read(PCNetState *s)
{
    uint16_t ad = s->bcr[BCR_PHYADR];
    unsigned phy = (ad >> 5) & 0x1f, reg = ad & 0x1f;

    if (phy != PCNET_PHY_ADDR) {
        return 0xffff;                 /* nobody answers on the MII bus */
    }
    if (reg == MII_BMSR) {
        uint16_t v = s->phy[MII_BMSR];

        if (s->nc && s->nc->link_down) {
            v &= ~(BMSR_LINK | BMSR_ANDONE);
        }
        return v;
    }
    return s->phy[reg];
}

static void pcnet_phy_write(PCNetState *s, uint16_t val)
{
    uint16_t ad = s->bcr[BCR_PHYADR];
    unsigned phy = (ad >> 5) & 0x1f, reg = ad & 0x1f;

    if (phy != PCNET_PHY_ADDR) {
        return;
    }
    switch (reg) {
    case MII_BMCR:
        /* Reset and restart of negotiation finish at once. */
        s->phy[MII_BMCR] = val & ~(BMCR_RESET | BMCR_ANRESTART);
        break;
    case MII_ANAR:
        s->phy[MII_ANAR] = val;
        break;
    default:
        break;                         /* status and ID registers are read-only */
    }
}

static uint16_t pcnet_bcr_read(PCNetState *s, uint32_t n)
{
    switch (n) {
    case BCR_LNKST:
        /* LNKST (bit 15) follows the link; the LED's other bits are as written. */
        return (s->bcr[n] & ~0x8000) | ((s->nc && s->nc->link_down) ? 0 : 0x8000);
    case BCR_PHYDATA:
        return pcnet_phy_read(s);
    default:
        return n < PCNET_NUM_BCR ? s->bcr[n] : 0;
    }
}

static void pcnet_bcr_write(PCNetState *s, uint32_t n, uint16_t val)
{
    switch (n) {
    case BCR_SWS:
        pcnet_bcr20_write(s, val);
        break;
    case BCR_PHYDATA:
        pcnet_phy_write(s, val);
        break;
    default:
        if (n < PCNET_NUM_BCR) {
            s->bcr[n] = val;
        }
        break;
    }
}

/* S_RESET: what reading the RESET port does (datasheet "Software Reset"). */
static void pcnet_soft_reset(PCNetState *s)
{
    s->csr[0] = CSR0_STOP;
    s->csr[CSR_IMR] = 0;
    s->csr[CSR_TFC] = 0x0115;
    s->csr[CSR_EXT] = 0;
    s->csr[CSR_MODE] &= 0x21c4;
    s->csr[CSR_RCVRL] = s->csr[CSR_XMTRL] = 0;
    s->csr[CSR_MFC] = 0;
    s->bcr[BCR_SWS] = BCR20_CSRPCNET;
    s->rap = 0;
    s->dwio = false;
    s->rx_cur = s->tx_cur = 0;
    s->tx_len = 0;
    s->tx_err = false;
    if (s->poll_timer) {
        timer_del(s->poll_timer);
    }
    if (s->nc) {
        net_client_purge(s->nc);
    }
    pcnet_update_irq(s);
}

/* ---- register ports ---- */

static uint64_t pcnet_ioport_read(void *opaque, hwaddr off, unsigned size)
{
    PCNetState *s = opaque;
    uint64_t v = 0;

    if (off < PCNET_APROM_SIZE) {
        for (unsigned i = 0; i < size && off + i < PCNET_APROM_SIZE; i++) {
            v |= (uint64_t)s->aprom[off + i] << (8 * i);
        }
        return v;
    }
    if (s->dwio ? size != 4 : size != 2) {
        mimic_log_mask(LOG_GUEST_ERROR, "pcnet: %u-byte read at 0x%x in %s mode\n", size,
                       (unsigned)off, s->dwio ? "DWIO" : "WIO");
        return ~0ULL >> (64 - 8 * size);
    }
    if (s->dwio) {
        switch (off) {
        case PCNET_DWIO_RDP:
            return pcnet_csr_read(s, s->rap & 0x7f);
        case PCNET_DWIO_RAP:
            return s->rap;
        case PCNET_DWIO_RESET:
            pcnet_soft_reset(s);
            return 0;
        case PCNET_DWIO_BDP:
            return pcnet_bcr_read(s, s->rap);
        }
    } else {
        switch (off) {
        case PCNET_WIO_RDP:
            return pcnet_csr_read(s, s->rap & 0x7f);
        case PCNET_WIO_RAP:
            return s->rap;
        case PCNET_WIO_RESET:
            pcnet_soft_reset(s);
            return 0;
        case PCNET_WIO_BDP:
            return pcnet_bcr_read(s, s->rap);
        }
    }
    mimic_log_mask(LOG_GUEST_ERROR, "pcnet: read of reserved port 0x%x\n", (unsigned)off);
    return 0;
}

static void pcnet_ioport_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PCNetState *s = opaque;

    if (off < PCNET_APROM_SIZE) {
        return;                        /* the PROM is not writable (APROMWE clear) */
    }
    /* A double-word write to RDP switches the chip to DWIO until the next reset. */
    if (!s->dwio && size == 4 && off == PCNET_DWIO_RDP) {
        s->dwio = true;
    }
    if (s->dwio ? size != 4 : size != 2) {
        mimic_log_mask(LOG_GUEST_ERROR, "pcnet: %u-byte write at 0x%x in %s mode\n", size,
                       (unsigned)off, s->dwio ? "DWIO" : "WIO");
        return;
    }
    if ((s->dwio && off == PCNET_DWIO_RAP) || (!s->dwio && off == PCNET_WIO_RAP)) {
        s->rap = val & 0xff;
    } else if (off == PCNET_DWIO_RDP) {      /* same offset in both modes */
        pcnet_csr_write(s, s->rap & 0x7f, val & 0xffff);
    } else if ((s->dwio && off == PCNET_DWIO_BDP) || (!s->dwio && off == PCNET_WIO_BDP)) {
        pcnet_bcr_write(s, s->rap, val & 0xffff);
    } else if ((s->dwio && off == PCNET_DWIO_RESET) ||
               (!s->dwio && off == PCNET_WIO_RESET)) {
        /* Writes to RESET do nothing; only reads reset. */
    } else {
        mimic_log_mask(LOG_GUEST_ERROR, "pcnet: write to reserved port 0x%x\n",
                       (unsigned)off);
    }
    /* The driver may have handed buffers back: let waiting frames in. */
    pcnet_flush_rx(s);
}

static const MemoryRegionOps pcnet_io_ops = {
    .read = pcnet_ioport_read,
    .write = pcnet_ioport_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- the device ---- */

static void pcnet_link_changed(NetClientState *nc)
{
    PCNetState *s = nc->opaque;

    if (!nc->link_down) {
        pcnet_flush_rx(s);
    }
}

static void pcnet_info_str(NetClientState *nc, GString *out)
{
    PCNetState *s = nc->opaque;

    g_string_append_printf(out, "model=pcnet, macaddr=%02x:%02x:%02x:%02x:%02x:%02x",
                           s->aprom[0], s->aprom[1], s->aprom[2], s->aprom[3],
                           s->aprom[4], s->aprom[5]);
}

static const NetClientInfo pcnet_net_info = {
    .type = "nic",
    .kind = NET_CLIENT_NIC,
    .receive = pcnet_receive,
    .can_receive = pcnet_can_receive,
    .link_status_changed = pcnet_link_changed,
    .info_str = pcnet_info_str,
};

static void pcnet_reset(DeviceState *dev)
{
    PCNetState *s = (PCNetState *)dev;

    pci_device_reset(&s->pci);
    memset(s->csr, 0, sizeof(s->csr));
    memset(s->bcr, 0, sizeof(s->bcr));
    /* H_RESET: the station address comes from the EEPROM into CSR12-14. */
    for (int i = 0; i < 3; i++) {
        s->csr[CSR_PADR0 + i] = s->aprom[2 * i] | (s->aprom[2 * i + 1] << 8);
    }
    s->bcr[BCR_MC] = 0x0002;
    s->bcr[BCR_LNKST] = 0x00c0;
    s->bcr[5] = 0x0084;
    s->bcr[6] = 0x0088;
    s->bcr[7] = 0x0090;
    s->bcr[BCR_BSBC] = 0x9001;
    s->bcr[BCR_EECAS] = 0x0000;
    s->bcr[22] = 0xff06;
    s->bcr[23] = PCNET_VENDOR_ID;
    s->bcr[BCR_PHYCS] = 0x0400;
    s->bcr[BCR_PHYADR] = PCNET_PHY_ADDR << 5;
    memset(s->phy, 0, sizeof(s->phy));
    s->phy[MII_BMCR] = 0x3100;         /* 100 Mb/s, negotiation on, full duplex */
    s->phy[MII_BMSR] = 0x782d;         /* 10/100 half/full, negotiated, link up */
    s->phy[MII_PHYID1] = 0x0000;
    s->phy[MII_PHYID2] = 0x6b70;
    s->phy[MII_ANAR] = 0x01e1;
    s->phy[MII_ANLPAR] = 0x45e1;
    s->phy[MII_ANER] = 0x0001;
    pcnet_soft_reset(s);
}

static bool pcnet_realize(DeviceState *dev, GError **errp)
{
    PCNetState *s = (PCNetState *)dev;
    uint8_t mac[NET_ETH_ALEN];

    s->nc = pci_nic_attach(&s->pci, "pcnet", &pcnet_net_info, dev->id, s, s->mac,
                           s->netdev, s->backend, mac, errp);
    if (!s->nc) {
        return false;
    }
    s->dma_as = &address_space_memory;
    pci_device_init_config(&s->pci);
    pci_set_byte(s->pci.config + PCI_MIN_GNT, 0x06);
    pci_set_byte(s->pci.config + PCI_MAX_LAT, 0xff);
    memory_region_init_io(&s->io, &pcnet_io_ops, s, "pcnet-io", PCNET_IO_SIZE);
    memory_region_init_io(&s->mmio, &pcnet_io_ops, s, "pcnet-mmio", PCNET_IO_SIZE);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_SPACE_IO, PCNET_IO_SIZE, &s->io);
    pci_register_bar(&s->pci, 1, PCI_BASE_ADDRESS_SPACE_MEMORY, PCNET_IO_SIZE, &s->mmio);
    s->poll_timer = timer_new_ns(CLOCK_VIRTUAL, pcnet_poll_cb, s);

    /* Address PROM: the station address, then "WW" where pcnet32 expects it. */
    memset(s->aprom, 0, sizeof(s->aprom));
    memcpy(s->aprom, mac, NET_ETH_ALEN);
    s->aprom[14] = 0x57;
    s->aprom[15] = 0x57;
    pcnet_reset(dev);
    return true;
}

static void pcnet_unrealize(DeviceState *dev)
{
    PCNetState *s = (PCNetState *)dev;

    if (s->poll_timer) {
        timer_free(s->poll_timer);
        s->poll_timer = NULL;
    }
    net_client_free(s->nc);
    s->nc = NULL;
}

static int pcnet_post_load(void *opaque, int version_id)
{
    PCNetState *s = opaque;

    if (s->tx_len > PCNET_TX_MAX) {
        return -EINVAL;
    }
    s->rap &= 0xff;
    pci_update_mappings(&s->pci);
    pcnet_update_irq(s);
    /* A ring index past a (loaded) ring length wraps, as the counters would. */
    s->rx_cur %= pcnet_ring_len(s, CSR_RCVRL);
    s->tx_cur %= pcnet_ring_len(s, CSR_XMTRL);
    pcnet_arm_poll(s);
    return 0;
}

static const VMStateField pcnet_vmstate_fields[] = {
    VMSTATE_STRUCT(pci, PCNetState, vmstate_pci_device, PCIDevice),
    VMSTATE_UINT8_ARRAY(aprom, PCNetState, PCNET_APROM_SIZE),
    VMSTATE_UINT16_ARRAY(csr, PCNetState, PCNET_NUM_CSR),
    VMSTATE_UINT16_ARRAY(bcr, PCNetState, PCNET_NUM_BCR),
    VMSTATE_UINT16_ARRAY(phy, PCNetState, 32),
    VMSTATE_UINT32(rap, PCNetState),
    VMSTATE_BOOL(dwio, PCNetState),
    VMSTATE_UINT32(rx_cur, PCNetState),
    VMSTATE_UINT32(tx_cur, PCNetState),
    VMSTATE_UINT32(tx_len, PCNetState),
    VMSTATE_BOOL(tx_err, PCNetState),
    VMSTATE_BUFFER(tx_buf, PCNetState),
    VMSTATE_TIMER_PTR(poll_timer, PCNetState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription pcnet_vmstate = {
    .name = "pcnet",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = pcnet_post_load,
    .fields = pcnet_vmstate_fields,
};

static const Property pcnet_props[] = {
    DEFINE_PROP_STRING("netdev", PCNetState, netdev),
    DEFINE_PROP_STRING("mac", PCNetState, mac),
    DEFINE_PROP_PTR("backend", PCNetState, backend),
    DEFINE_PROP_END_OF_LIST(),
};

const PCIDeviceClass pcnet_pci_class = {
    .parent = {
        .name = "pcnet",
        .desc = "AMD Am79C973 PCnet-FAST III Ethernet",
        .instance_size = sizeof(PCNetState),
        .realize = pcnet_realize,
        .reset = pcnet_reset,
        .unrealize = pcnet_unrealize,
        .vmsd = &pcnet_vmstate,
        .props = pcnet_props,
        .user_creatable = true,
    },
    .vendor_id = PCNET_VENDOR_ID,
    .device_id = PCNET_DEVICE_ID,
    .revision = 0x40,
    .class_id = PCI_CLASS_NETWORK_ETHERNET,
    .subsystem_vendor_id = PCNET_VENDOR_ID,
    .subsystem_id = PCNET_DEVICE_ID,
    .interrupt_pin = 1,
};

static void __attribute__((constructor)) pcnet_register(void)
{
    device_class_register(&pcnet_pci_class.parent);
    pci_nic_register_model(&pcnet_pci_class);
}
