/*
 * Intel 82540EM gigabit Ethernet controller on PCI (vendor 8086, device 100e), as
 * described by the "PCI/PCI-X Family of Gigabit Ethernet Controllers Software
 * Developer's Manual" (8254x SDM) and driven by Linux's e1000 module: QEMU's PC
 * machine's default NIC.
 *
 * Modelled: the register file in BAR0 and the IOADDR/IODATA window in BAR1; the
 * serial EEPROM (64-word Microwire part) through EERD and through the bit-banged
 * EECD pins, holding the station address and a valid checksum; the copper PHY
 * (M88E1011-compatible, address 1) through MDIC, with link and autonegotiation
 * following the back end's link (monitor set_link raises LSC); legacy receive
 * descriptors with buffers of 256 bytes to 16 KiB (frames spread over several),
 * the FCS stored after each frame unless SECRC, short frames padded; receive
 * address filters (16 exact addresses, the 4096-bit multicast hash with its four
 * offsets, broadcast, unicast/multicast promiscuous), VLAN tag stripping and the
 * VLAN filter table; IPv4/TCP/UDP receive checksum verification (RXCSUM);
 * transmit through legacy, context and data descriptors with IP and TCP/UDP
 * checksum insertion, TCP segmentation (TSO, IPv4 and IPv6) and VLAN tag
 * insertion; MAC loopback; interrupt causes with ICR read-to-clear, IMS/IMC/ICS;
 * statistics counters, cleared on read; device reset through CTRL.RST.
 *
 * Flow control towards the back end: when the receive ring has no free
 * descriptor the NIC refuses frames (they wait in the net queue) and takes them
 * as soon as the guest hands buffers back by writing RDT.
 *
 * Not modelled: interrupt moderation timers (ITR, RDTR, RADV, TIDV, TADV are
 * accepted and read back; interrupts are raised at once), EEPROM writes, the
 * flash interface, wake-up and manageability filters (registers accepted),
 * PAUSE frames, the packet buffer FIFOs (RDFH.., TDFH..), the rx packet checksum
 * word of the descriptor (written as 0), 64-bit PCI and PCI-X bus modes.
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "hw/net/e1000.h"
#include "hw/net/pci-nic.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "e1000-regs.h"

#define E1000_NREGS         (E1000_REG_END / 4)
#define E1000_RXDESC_SIZE   16
#define E1000_TXDESC_SIZE   16
#define E1000_MIN_FRAME     60         /* without FCS */
#define E1000_MAX_FRAME     16384      /* largest frame with RCTL.LPE */
#define E1000_MAX_STD_FRAME 1522       /* without LPE: 1518 + a VLAN tag */
#define E1000_TX_BUF_SIZE   (65536 + 256)
#define E1000_VLAN_HLEN     4

#define E1000_EE_IGNORE     10         /* ee_nbits: the rest of this cycle is ignored */

#define REG(off)            ((off) >> 2)

typedef struct E1000TxContext {
    uint32_t ipcss, ipcso, ipcse;
    uint32_t tucss, tucso, tucse;
    uint32_t paylen, hdrlen, mss;
    uint32_t tucmd;                    /* the context's command bits (TCP, IP, TSE) */
} E1000TxContext;

typedef struct E1000State {
    PCIDevice pci;
    MemoryRegion mmio, io;
    /* properties */
    char *netdev;
    char *mac;
    NetClientState *backend;
    /* run time */
    NetClientState *nc;
    AddressSpace *dma_as;
    uint8_t macaddr[NET_ETH_ALEN];
    uint32_t regs[E1000_NREGS];
    uint16_t eeprom[E1000_EEPROM_WORDS];
    uint16_t phy[32];
    uint32_t ioaddr;
    /* The EEPROM's serial state: bits shifted in since CS rose, and while a read
     * is under way the word and bit being shifted out. */
    uint32_t ee_cmd, ee_nbits;
    bool ee_reading;
    uint32_t ee_addr, ee_bit;
    /* Transmit: the last context, and the packet being gathered. */
    E1000TxContext ctx;
    bool tx_in_packet;                 /* descriptors of a packet without EOP yet */
    bool tx_tse, tx_err, tx_legacy;
    uint32_t tx_popts;                 /* legacy: CSS << 8 | CSO; else POPTS */
    uint32_t tx_vlan;                  /* VLE << 16 | tag */
    uint32_t tx_len;                   /* bytes in tx_buf */
    uint32_t tx_seg, tx_sent;          /* TSO: segments and payload bytes sent */
    uint8_t tx_hdr[256];
    uint8_t tx_buf[E1000_TX_BUF_SIZE + E1000_VLAN_HLEN];   /* room for a tag */
} E1000State;

/* ---- register file: which offsets exist and how they behave ---- */

enum {
    E1000_ACC_R = 1,                   /* reads return the stored value */
    E1000_ACC_W = 2,                   /* writes store the value */
    E1000_ACC_RC = 4,                  /* statistics: cleared when read */
};

typedef struct E1000RegRange {
    uint32_t off, count;
    uint8_t acc;
} E1000RegRange;

static const E1000RegRange e1000_reg_ranges[] = {
    { E1000_CTRL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_STATUS, 1, E1000_ACC_R },
    { E1000_EECD, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_EERD, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_CTRL_EXT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_FLA, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_MDIC, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_FCAL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_FCAH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_FCT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_VET, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_ICR, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_ITR, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_ICS, 1, E1000_ACC_W },
    { E1000_IMS, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_IMC, 1, E1000_ACC_W },
    { E1000_RCTL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_FCTTV, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TXCW, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RXCW, 1, E1000_ACC_R },
    { E1000_TCTL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TIPG, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_AIT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_LEDCTL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_PBA, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_FCRTL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_FCRTH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDFH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDFT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDFHS, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDFTS, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDFPC, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDBAL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDBAH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDLEN, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RDTR, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RXDCTL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RADV, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_RSRPD, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TXDMAC, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDFH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDFT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDFHS, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDFTS, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDFPC, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDBAL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDBAH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDLEN, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDH, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TDT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TIDV, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TXDCTL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TADV, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_TSPMT, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_STATS, (E1000_STATS_END - E1000_STATS) / 4, E1000_ACC_R | E1000_ACC_RC },
    { E1000_RXCSUM, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_MTA, 128, E1000_ACC_R | E1000_ACC_W },
    { E1000_RA, 32, E1000_ACC_R | E1000_ACC_W },
    { E1000_VFTA, 128, E1000_ACC_R | E1000_ACC_W },
    { E1000_WUC, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_WUFC, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_WUS, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_MANC, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_IPAV, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_IP4AT, 8, E1000_ACC_R | E1000_ACC_W },
    { E1000_IP6AT, 4, E1000_ACC_R | E1000_ACC_W },
    { E1000_WUPL, 1, E1000_ACC_R | E1000_ACC_W },
    { E1000_WUPM, 32, E1000_ACC_R | E1000_ACC_W },
    { E1000_FFLT, 8, E1000_ACC_R | E1000_ACC_W },
};

static uint8_t e1000_reg_acc[E1000_NREGS];

static void e1000_update_irq(E1000State *s);
static void e1000_flush_rx(E1000State *s);
static void e1000_transmit(E1000State *s);

/* ---- guest memory ---- */

static bool e1000_dma(E1000State *s, hwaddr addr, void *buf, size_t len, bool is_write)
{
    if (len == 0) {
        return true;
    }
    /* Only whole ranges of RAM: never MMIO, never past the end of memory. */
    if (addr + len < addr || !address_space_map_ram(s->dma_as, addr, len, is_write) ||
        address_space_rw(s->dma_as, addr, buf, len, is_write) != MEMTX_OK) {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: DMA %s of %zu bytes at 0x%" PRIx64
                       " is outside guest RAM\n", is_write ? "write" : "read", len,
                       (uint64_t)addr);
        return false;
    }
    return true;
}

static inline uint32_t e1000_reg(E1000State *s, uint32_t off)
{
    return s->regs[REG(off)];
}

/* A 32-bit statistics counter: it stops at its maximum rather than wrap. */
static void e1000_stat_inc(E1000State *s, uint32_t off, uint32_t n)
{
    uint32_t *r = &s->regs[REG(off)];

    *r = *r + n < *r ? UINT32_MAX : *r + n;
}

/* A 64-bit octet counter kept in a low/high register pair. */
static void e1000_stat_add64(E1000State *s, uint32_t lo, uint64_t n)
{
    uint64_t v = s->regs[REG(lo)] | ((uint64_t)s->regs[REG(lo) + 1] << 32);

    v += n;
    s->regs[REG(lo)] = (uint32_t)v;
    s->regs[REG(lo) + 1] = v >> 32;
}

/* Size-bucket counters PRC64..PRC1522 / PTC64..PTC1522 (length with FCS). */
static void e1000_stat_size(E1000State *s, uint32_t base64, size_t len)
{
    static const size_t limits[] = { 64, 127, 255, 511, 1023, 1522 };

    for (int i = 0; i < 6; i++) {
        if (len <= limits[i]) {
            e1000_stat_inc(s, base64 + 4 * i, 1);
            return;
        }
    }
}

static bool e1000_link_up(E1000State *s)
{
    return !(s->nc && s->nc->link_down);
}

/* ---- interrupts ---- */

static void e1000_update_irq(E1000State *s)
{
    pci_set_irq(&s->pci, (e1000_reg(s, E1000_ICR) & e1000_reg(s, E1000_IMS)) != 0);
}

static void e1000_raise(E1000State *s, uint32_t causes)
{
    s->regs[REG(E1000_ICR)] |= causes;
    e1000_update_irq(s);
}

/* ---- the PHY ---- */

static void e1000_phy_reset(E1000State *s)
{
    memset(s->phy, 0, sizeof(s->phy));
    s->phy[E1000_PHY_CTRL] = 0x1140;          /* autonegotiation on, 1000 Mb/s, full */
    s->phy[E1000_PHY_STATUS] = 0x7949;        /* 10/100 half/full, ext. status, AN able */
    s->phy[E1000_PHY_ID1] = 0x0141;           /* Marvell OUI */
    s->phy[E1000_PHY_ID2] = 0x0c20;           /* M88E1011 */
    s->phy[E1000_PHY_AUTONEG_ADV] = 0x0de1;
    s->phy[E1000_PHY_LP_ABILITY] = 0x45e1;    /* partner: 10/100, pause, ack */
    s->phy[E1000_PHY_AUTONEG_EXP] = 0x0001;
    s->phy[E1000_PHY_NEXT_PAGE_TX] = 0x2001;
    s->phy[E1000_PHY_1000T_CTRL] = 0x0300;
    s->phy[E1000_PHY_1000T_STATUS] = 0x3c00;  /* partner 1000 half/full, receivers ok */
    s->phy[E1000_PHY_EXT_STATUS] = 0x3000;    /* 1000BASE-T half/full */
    s->phy[E1000_M88_SPEC_CTRL] = 0x0068;
    s->phy[E1000_M88_SPEC_STATUS] = 0xa000;   /* 1000 Mb/s, full duplex */
    s->phy[E1000_M88_EXT_SPEC_CTRL] = 0x0d60;
    s->phy[E1000_M88_LED_CTRL] = 0x4100;
}

static uint16_t e1000_phy_read(E1000State *s, unsigned reg)
{
    uint16_t v = s->phy[reg];

    /* Link, negotiation and resolution follow the cable (set_link). */
    switch (reg) {
    case E1000_PHY_STATUS:
        if (e1000_link_up(s)) {
            v |= E1000_PHY_STATUS_LINK | E1000_PHY_STATUS_AN_DONE;
        }
        break;
    case E1000_M88_SPEC_STATUS:
        if (e1000_link_up(s)) {
            v |= E1000_M88_STATUS_LINK | E1000_M88_STATUS_RESOLVED;
        }
        break;
    case E1000_M88_INT_STATUS:
        s->phy[reg] = 0;                      /* clears when read */
        break;
    default:
        break;
    }
    return v;
}

static void e1000_phy_write(E1000State *s, unsigned reg, uint16_t val)
{
    switch (reg) {
    case E1000_PHY_CTRL:
        if (val & E1000_PHY_CTRL_RESET) {
            e1000_phy_reset(s);
        }
        /* Reset and restarted negotiation complete at once. */
        s->phy[reg] = val & ~(E1000_PHY_CTRL_RESET | E1000_PHY_CTRL_RESTART_AN);
        break;
    case E1000_PHY_STATUS:
    case E1000_PHY_ID1:
    case E1000_PHY_ID2:
    case E1000_PHY_LP_ABILITY:
    case E1000_PHY_AUTONEG_EXP:
    case E1000_PHY_1000T_STATUS:
    case E1000_PHY_EXT_STATUS:
    case E1000_M88_SPEC_STATUS:
    case E1000_M88_INT_STATUS:
    case E1000_M88_RX_ERR_CNTR:
        break;                                /* read-only */
    default:
        s->phy[reg] = val;
        break;
    }
}

static void e1000_mdic_write(E1000State *s, uint32_t val)
{
    unsigned reg = (val >> E1000_MDIC_REG_SHIFT) & 0x1f;
    unsigned phy = (val >> E1000_MDIC_PHY_SHIFT) & 0x1f;
    uint32_t op = val & (E1000_MDIC_OP_READ | E1000_MDIC_OP_WRITE);

    val &= ~(E1000_MDIC_READY | E1000_MDIC_ERROR);
    if (phy != E1000_PHY_ADDR) {
        /* Nobody answers at that address on the MDIO bus. */
        val |= E1000_MDIC_ERROR;
    } else if (op == E1000_MDIC_OP_READ) {
        val = (val & ~E1000_MDIC_DATA_MASK) | e1000_phy_read(s, reg);
    } else if (op == E1000_MDIC_OP_WRITE) {
        e1000_phy_write(s, reg, val & E1000_MDIC_DATA_MASK);
    } else {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: MDIC opcode 0x%x\n", op >> 26);
        val |= E1000_MDIC_ERROR;
    }
    s->regs[REG(E1000_MDIC)] = val | E1000_MDIC_READY;
    if (val & E1000_MDIC_INT_EN) {
        e1000_raise(s, E1000_ICR_MDAC);
    }
}

/* ---- the EEPROM ---- */

static void e1000_eeprom_init(E1000State *s)
{
    uint16_t sum = 0;

    memset(s->eeprom, 0xff, sizeof(s->eeprom));
    for (int i = 0; i < 3; i++) {
        s->eeprom[i] = s->macaddr[2 * i] | (s->macaddr[2 * i + 1] << 8);
    }
    s->eeprom[0x03] = 0x0000;                 /* compatibility: nothing special */
    s->eeprom[0x04] = 0xffff;
    s->eeprom[0x05] = 0x3001;                 /* image version */
    s->eeprom[0x08] = 0x0000;                 /* PBA number */
    s->eeprom[0x09] = 0x0000;
    s->eeprom[E1000_EE_INIT_CTRL1] = 0x0003;  /* load subsystem and device IDs */
    s->eeprom[E1000_EE_SUBSYS_ID] = E1000_SUBSYS_ID;
    s->eeprom[E1000_EE_SUBSYS_VENDOR] = E1000_VENDOR_ID;
    s->eeprom[E1000_EE_DEVICE_ID] = E1000_DEVICE_ID;
    s->eeprom[E1000_EE_VENDOR_ID] = E1000_VENDOR_ID;
    s->eeprom[E1000_EE_INIT_CTRL2] = 0x3000;  /* symmetric and asymmetric pause */
    s->eeprom[0x24] = 0x0000;                 /* no wake-up (APM) on port A */
    for (int i = 0; i < E1000_EE_CHECKSUM; i++) {
        sum += s->eeprom[i];
    }
    s->eeprom[E1000_EE_CHECKSUM] = (uint16_t)(E1000_EE_SUM - sum);
}

/*
 * The Microwire protocol on the EECD pins: with CS high, each rising edge of SK
 * shifts DI in: a start bit (1), two opcode bits, six address bits. After a
 * READ the part drives a dummy 0 on DO, then one data bit (MSB first) per
 * rising edge, moving on to the next word after 16 bits. CS low ends the cycle.
 */
static void e1000_eecd_write(E1000State *s, uint32_t val)
{
    uint32_t old = e1000_reg(s, E1000_EECD);
    uint32_t eecd = (old & ~(E1000_EECD_SK | E1000_EECD_CS | E1000_EECD_DI |
                             E1000_EECD_FWE_MASK | E1000_EECD_REQ | E1000_EECD_GNT)) |
                    (val & (E1000_EECD_SK | E1000_EECD_CS | E1000_EECD_DI |
                            E1000_EECD_FWE_MASK | E1000_EECD_REQ));

    /* Software asks for the EEPROM and gets it at once: no hardware user. */
    if (eecd & E1000_EECD_REQ) {
        eecd |= E1000_EECD_GNT;
    }
    if (!(eecd & E1000_EECD_CS)) {
        s->ee_cmd = s->ee_nbits = 0;
        s->ee_reading = false;
        eecd &= ~E1000_EECD_DO;
    } else if (!(old & E1000_EECD_SK) && (eecd & E1000_EECD_SK)) {
        if (s->ee_reading) {
            uint16_t w = s->eeprom[s->ee_addr % E1000_EEPROM_WORDS];

            eecd &= ~E1000_EECD_DO;
            if ((w >> (15 - s->ee_bit)) & 1) {
                eecd |= E1000_EECD_DO;
            }
            if (++s->ee_bit == 16) {
                s->ee_bit = 0;
                s->ee_addr = (s->ee_addr + 1) % E1000_EEPROM_WORDS;
            }
        } else if (s->ee_nbits < E1000_EE_IGNORE &&
                   (s->ee_nbits > 0 || (eecd & E1000_EECD_DI))) {
            /* Zeros before the start bit are ignored. */
            s->ee_cmd = (s->ee_cmd << 1) | !!(eecd & E1000_EECD_DI);
            if (++s->ee_nbits == 9) {
                unsigned op = (s->ee_cmd >> 6) & 3;

                if (op == E1000_EE_OP_READ) {
                    s->ee_reading = true;
                    s->ee_addr = s->ee_cmd & 0x3f;
                    s->ee_bit = 0;
                    eecd &= ~E1000_EECD_DO;   /* the dummy zero */
                } else {
                    mimic_log_mask(LOG_UNIMP, "e1000: EEPROM opcode %u (only READ "
                                   "is modelled)\n", op);
                }
                s->ee_cmd = 0;
                if (!s->ee_reading) {
                    /* Whatever follows (a word to write) waits for CS to drop. */
                    s->ee_nbits = E1000_EE_IGNORE;
                }
            }
        }
    }
    s->regs[REG(E1000_EECD)] = eecd;
}

static void e1000_eerd_write(E1000State *s, uint32_t val)
{
    unsigned addr = (val >> E1000_EERD_ADDR_SHIFT) & 0xff;
    uint32_t data = 0;

    if (!(val & E1000_EERD_START)) {
        s->regs[REG(E1000_EERD)] = val & ~E1000_EERD_DONE;
        return;
    }
    if (addr < E1000_EEPROM_WORDS) {
        data = s->eeprom[addr];
    } else {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: EERD word %u past the EEPROM\n", addr);
    }
    s->regs[REG(E1000_EERD)] = (data << E1000_EERD_DATA_SHIFT) |
                               (addr << E1000_EERD_ADDR_SHIFT) | E1000_EERD_DONE;
}

/* ---- receive ---- */

static uint32_t e1000_rx_ring_size(E1000State *s)
{
    return (e1000_reg(s, E1000_RDLEN) & 0xfff80) / E1000_RXDESC_SIZE;
}

/* Descriptors the guest has handed to the NIC: from RDH up to, not including, RDT. */
static uint32_t e1000_rx_free(E1000State *s)
{
    uint32_t n = e1000_rx_ring_size(s);
    uint32_t h = e1000_reg(s, E1000_RDH), t = e1000_reg(s, E1000_RDT);

    if (n == 0 || h >= n || t >= n) {
        return 0;
    }
    return t >= h ? t - h : n - h + t;
}

static uint32_t e1000_rx_buf_size(E1000State *s)
{
    uint32_t rctl = e1000_reg(s, E1000_RCTL);
    unsigned bsize = (rctl >> E1000_RCTL_BSIZE_SHIFT) & 3;

    if (rctl & E1000_RCTL_BSEX) {
        static const uint32_t ext[4] = { 2048, 16384, 8192, 4096 };

        return ext[bsize];
    }
    return 2048 >> bsize;
}

static bool e1000_rx_enabled(E1000State *s)
{
    return e1000_reg(s, E1000_RCTL) & E1000_RCTL_EN;
}

/* Does the destination address pass the filters? */
static bool e1000_rx_filter(E1000State *s, const uint8_t *buf)
{
    static const uint8_t bcast[NET_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint32_t rctl = e1000_reg(s, E1000_RCTL);
    unsigned mo, hash;

    if (memcmp(buf, bcast, NET_ETH_ALEN) == 0) {
        return (rctl & (E1000_RCTL_BAM | E1000_RCTL_MPE)) != 0;
    }
    if ((buf[0] & 1) ? (rctl & E1000_RCTL_MPE) : (rctl & E1000_RCTL_UPE)) {
        return true;
    }
    for (int i = 0; i < 16; i++) {
        uint32_t ral = e1000_reg(s, E1000_RA + 8 * i);
        uint32_t rah = e1000_reg(s, E1000_RA + 8 * i + 4);
        uint8_t a[NET_ETH_ALEN] = { ral, ral >> 8, ral >> 16, ral >> 24, rah, rah >> 8 };

        if ((rah & E1000_RAH_AV) && memcmp(buf, a, NET_ETH_ALEN) == 0) {
            return true;
        }
    }
    if (!(buf[0] & 1)) {
        return false;
    }
    /* The multicast table: 12 bits of the address, where RCTL.MO says. */
    mo = (rctl >> E1000_RCTL_MO_SHIFT) & 3;
    hash = ((buf[4] >> (4 - mo)) | ((unsigned)buf[5] << (4 + mo))) & 0xfff;
    if (mo == 3) {
        hash = (buf[4] | ((unsigned)buf[5] << 8)) & 0xfff;
    }
    return (e1000_reg(s, E1000_MTA + 4 * (hash >> 5)) >> (hash & 31)) & 1;
}

static uint32_t e1000_csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    if (len & 1) {
        sum += p[len - 1] << 8;
    }
    return sum;
}

static uint16_t e1000_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/* RXCSUM offload for IPv4 (and TCP/UDP in it): status and error bits. */
static void e1000_rx_csum(E1000State *s, const uint8_t *f, size_t len, uint8_t *status,
                          uint8_t *errors)
{
    uint32_t rxcsum = e1000_reg(s, E1000_RXCSUM);
    size_t ihl, tot, l4len;
    uint32_t sum;
    uint8_t proto;

    if (!(rxcsum & (E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL))) {
        *status |= E1000_RXD_STAT_IXSM;
        return;
    }
    if (len < 14 + 20 || lduw_be_p(f + 12) != 0x0800 || (f[14] >> 4) != 4) {
        return;
    }
    ihl = (f[14] & 15) * 4;
    tot = lduw_be_p(f + 16);
    if (ihl < 20 || tot < ihl || 14 + tot > len) {
        return;
    }
    if (rxcsum & E1000_RXCSUM_IPOFL) {
        *status |= E1000_RXD_STAT_IPCS;
        if (e1000_csum_fold(e1000_csum_add(0, f + 14, ihl)) != 0xffff) {
            *errors |= E1000_RXD_ERR_IPE;
        }
    }
    proto = f[14 + 9];
    /* Fragments carry no whole segment to check. */
    if (!(rxcsum & E1000_RXCSUM_TUOFL) || (lduw_be_p(f + 20) & 0x3fff) ||
        (proto != 6 && proto != 17)) {
        return;
    }
    l4len = tot - ihl;
    if (proto == 17 && (l4len < 8 || lduw_be_p(f + 14 + ihl + 6) == 0)) {
        return;                                /* UDP without a checksum */
    }
    sum = e1000_csum_add(0, f + 14 + 12, 8) + proto + l4len;
    sum = e1000_csum_add(sum, f + 14 + ihl, l4len);
    *status |= E1000_RXD_STAT_TCPCS;
    if (e1000_csum_fold(sum) != 0xffff) {
        *errors |= E1000_RXD_ERR_TCPE;
    }
}

/*
 * Put one frame into the receive ring. Returns false when the ring has too few
 * free descriptors for it now (the caller keeps it for later); frames the NIC
 * drops (filtered, oversized, a ring that can never hold them) return true.
 */
static bool e1000_receive_frame(E1000State *s, const uint8_t *in, size_t len)
{
    uint8_t frame[E1000_MAX_FRAME + 4];
    uint32_t rctl = e1000_reg(s, E1000_RCTL);
    uint32_t n = e1000_rx_ring_size(s), bufsize = e1000_rx_buf_size(s);
    uint32_t need, total, done = 0, free_after, thresh;
    uint16_t vlan = 0;
    uint8_t status = E1000_RXD_STAT_DD, errors = 0;
    uint64_t base = e1000_reg(s, E1000_RDBAL) | ((uint64_t)e1000_reg(s, E1000_RDBAH) << 32);

    if (len < NET_ETH_ALEN * 2 ||
        len > ((rctl & E1000_RCTL_LPE) ? E1000_MAX_FRAME : E1000_MAX_STD_FRAME)) {
        e1000_stat_inc(s, len < NET_ETH_ALEN * 2 ? E1000_RUC : E1000_ROC, 1);
        return true;
    }
    if (!e1000_rx_filter(s, in)) {
        return true;
    }
    memcpy(frame, in, len);
    if (len < E1000_MIN_FRAME) {
        memset(frame + len, 0, E1000_MIN_FRAME - len);
        len = E1000_MIN_FRAME;
    }
    /* VLAN: the tag moves into the descriptor, the filter table may drop it. */
    if ((e1000_reg(s, E1000_CTRL) & E1000_CTRL_VME) && len >= 18 &&
        lduw_be_p(frame + 12) == (e1000_reg(s, E1000_VET) & 0xffff)) {
        vlan = lduw_be_p(frame + 14);
        if ((rctl & E1000_RCTL_VFE) &&
            !((e1000_reg(s, E1000_VFTA + 4 * ((vlan & 0xfff) >> 5)) >> (vlan & 31)) & 1)) {
            return true;
        }
        memmove(frame + 12, frame + 16, len - 16);
        len -= E1000_VLAN_HLEN;
        status |= E1000_RXD_STAT_VP;
    }
    e1000_rx_csum(s, frame, len, &status, &errors);
    total = len;
    if (!(rctl & E1000_RCTL_SECRC)) {
        stl_le_p(frame + len, ~net_crc32_le(frame, len));
        total += 4;
    }
    need = (total + bufsize - 1) / bufsize;
    if (n == 0 || need > n - 1) {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: a %u-byte frame can never fit a ring of "
                       "%u descriptors of %u bytes (dropped)\n", total, n, bufsize);
        e1000_stat_inc(s, E1000_MPC, 1);
        e1000_raise(s, E1000_ICR_RXO);
        return true;
    }
    if (e1000_rx_free(s) < need) {
        return false;
    }
    while (done < total) {
        uint32_t h = e1000_reg(s, E1000_RDH), chunk = MIN(bufsize, total - done);
        hwaddr da = base + (hwaddr)h * E1000_RXDESC_SIZE;
        uint8_t desc[16];
        bool ok;

        if (!e1000_dma(s, da, desc, sizeof(desc), false)) {
            /* A ring outside RAM: nothing can be handed back; the frame is lost. */
            e1000_stat_inc(s, E1000_MPC, 1);
            e1000_raise(s, E1000_ICR_RXO);
            return true;
        }
        ok = e1000_dma(s, ldq_le_p(desc), frame + done, chunk, true);
        done += chunk;
        stw_le_p(desc + 8, chunk);
        stw_le_p(desc + 10, 0);
        desc[12] = status | (done == total ? E1000_RXD_STAT_EOP : 0);
        desc[13] = errors | (ok ? 0 : E1000_RXD_ERR_RXE);
        stw_le_p(desc + 14, (status & E1000_RXD_STAT_VP) ? vlan : 0);
        e1000_dma(s, da + 8, desc + 8, 8, true);
        s->regs[REG(E1000_RDH)] = (h + 1) % n;
    }
    e1000_stat_inc(s, E1000_GPRC, 1);
    e1000_stat_inc(s, E1000_TPR, 1);
    e1000_stat_add64(s, E1000_GORCL, total);
    e1000_stat_add64(s, E1000_TORL, total);
    e1000_stat_size(s, E1000_PRC64, len + 4);
    if (in[0] & 1) {
        e1000_stat_inc(s, memcmp(in, "\xff\xff\xff\xff\xff\xff", 6) ? E1000_MPRC : E1000_BPRC,
                       1);
    }
    /* RXDMT0 when the free descriptors fall to 1/2, 1/4 or 1/8 of the ring. */
    free_after = e1000_rx_free(s);
    thresh = n >> (((rctl >> E1000_RCTL_RDMTS_SHIFT) & 3) + 1);
    e1000_raise(s, E1000_ICR_RXT0 | (free_after <= thresh ? E1000_ICR_RXDMT0 : 0));
    return true;
}

static bool e1000_can_receive(NetClientState *nc)
{
    E1000State *s = nc->opaque;

    /* A stopped receiver drops frames; a running one with no free descriptor
     * asks the sender to hold them. */
    if (!e1000_rx_enabled(s)) {
        return true;
    }
    return e1000_rx_free(s) > 0;
}

static size_t e1000_receive(NetClientState *nc, const uint8_t *buf, size_t len)
{
    E1000State *s = nc->opaque;

    if (!e1000_rx_enabled(s)) {
        return len;
    }
    if (!e1000_receive_frame(s, buf, len)) {
        e1000_stat_inc(s, E1000_RNBC, 1);
        return 0;
    }
    return len;
}

static void e1000_flush_rx(E1000State *s)
{
    if (s->nc && net_client_queue_len(s->nc) && e1000_rx_enabled(s) && e1000_rx_free(s)) {
        net_client_flush(s->nc);
    }
}

/* ---- transmit ---- */

/* Insert a checksum at offset cso, summed from css to cse (0: the end). */
static void e1000_tx_insert_csum(uint8_t *f, size_t len, uint32_t css, uint32_t cso,
                                 uint32_t cse, uint32_t extra)
{
    size_t end = cse ? (size_t)cse + 1 : len;

    if (end > len) {
        end = len;
    }
    if (css >= end || cso + 2 > len) {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: checksum offsets %u..%zu -> %u outside "
                       "the %zu-byte packet\n", css, end, cso, len);
        return;
    }
    stw_be_p(f + cso, ~e1000_csum_fold(e1000_csum_add(extra, f + css, end - css)));
}

/* Send the len bytes in tx_buf, which may grow by the tag and the padding (the
 * buffer has room for both; callers are done with its contents afterwards). */
static void e1000_tx_send(E1000State *s, size_t len)
{
    uint8_t *f = s->tx_buf;

    if (len < NET_ETH_ALEN * 2) {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: %zu-byte packet dropped\n", len);
        return;
    }
    if ((s->tx_vlan >> 16) && (e1000_reg(s, E1000_CTRL) & E1000_CTRL_VME)) {
        memmove(f + 16, f + 12, len - 12);
        stw_be_p(f + 12, e1000_reg(s, E1000_VET) & 0xffff);
        stw_be_p(f + 14, s->tx_vlan & 0xffff);
        len += E1000_VLAN_HLEN;
    }
    if (len < E1000_MIN_FRAME && (e1000_reg(s, E1000_TCTL) & E1000_TCTL_PSP)) {
        memset(f + len, 0, E1000_MIN_FRAME - len);
        len = E1000_MIN_FRAME;
    }
    e1000_stat_inc(s, E1000_GPTC, 1);
    e1000_stat_inc(s, E1000_TPT, 1);
    e1000_stat_add64(s, E1000_GOTCL, len + 4);
    e1000_stat_add64(s, E1000_TOTL, len + 4);
    e1000_stat_size(s, E1000_PTC64, len + 4);
    if (f[0] & 1) {
        e1000_stat_inc(s, memcmp(f, "\xff\xff\xff\xff\xff\xff", 6) ? E1000_MPTC : E1000_BPTC,
                       1);
    }
    if (e1000_reg(s, E1000_RCTL) & E1000_RCTL_LBM_MASK) {
        /* MAC loopback: the frame comes back to our receiver, never to the wire. */
        if (e1000_rx_enabled(s)) {
            e1000_receive_frame(s, f, len);
        }
        return;
    }
    if (s->nc) {
        net_send(s->nc, f, len);
    }
}

/* One TSO segment in tx_buf: header fields fixed up from the saved header. */
static void e1000_tso_segment(E1000State *s, bool last)
{
    E1000TxContext *c = &s->ctx;
    uint8_t *f = s->tx_buf;
    size_t len = s->tx_len, payload = len - c->hdrlen;

    if (c->ipcss + 20 <= c->hdrlen) {
        if (c->tucmd & E1000_TXD_CMD_IP) {
            stw_be_p(f + c->ipcss + 2, len - c->ipcss);
            stw_be_p(f + c->ipcss + 4, lduw_be_p(s->tx_hdr + c->ipcss + 4) + s->tx_seg);
        } else if (c->ipcss + 40 <= c->hdrlen) {
            stw_be_p(f + c->ipcss + 4, len - c->ipcss - 40);
        }
    }
    if (c->tucmd & E1000_TXD_CMD_TCP) {
        if (c->tucss + 20 <= c->hdrlen) {
            stl_be_p(f + c->tucss + 4, ldl_be_p(s->tx_hdr + c->tucss + 4) + s->tx_sent);
            if (!last) {
                f[c->tucss + 13] &= ~0x09;    /* FIN and PSH only on the last one */
            }
        }
    } else if (c->tucss + 8 <= c->hdrlen) {
        stw_be_p(f + c->tucss + 4, len - c->tucss);
    }
    if ((s->tx_popts & E1000_TXD_POPTS_IXSM) && c->ipcso + 2 <= c->hdrlen) {
        stw_be_p(f + c->ipcso, 0);
        e1000_tx_insert_csum(f, len, c->ipcss, c->ipcso, c->ipcse, 0);
    }
    if (s->tx_popts & E1000_TXD_POPTS_TXSM) {
        /* The driver seeded the field with the pseudo-header sum without the
         * length: each segment adds its own. */
        e1000_tx_insert_csum(f, len, c->tucss, c->tucso, c->tucse, len - c->tucss);
    }
    e1000_tx_send(s, len);
    s->tx_seg++;
    s->tx_sent += payload;
    /* The next segment starts from the driver's header again. */
    memcpy(s->tx_buf, s->tx_hdr, c->hdrlen);
    s->tx_len = c->hdrlen;
}

static void e1000_tx_end_packet(E1000State *s)
{
    uint8_t *f = s->tx_buf;
    size_t len = s->tx_len;

    if (s->tx_err) {
        e1000_stat_inc(s, E1000_TSCTFC, s->tx_tse ? 1 : 0);
    } else if (s->tx_tse) {
        if (len < s->ctx.hdrlen) {
            mimic_log_mask(LOG_GUEST_ERROR, "e1000: TSO packet of %zu bytes is shorter "
                           "than its %u-byte header (dropped)\n", len, s->ctx.hdrlen);
        } else if (len > s->ctx.hdrlen || s->tx_seg == 0) {
            e1000_tso_segment(s, true);
        }
        e1000_stat_inc(s, E1000_TSCTC, 1);
    } else if (s->tx_legacy) {
        if (s->tx_popts >> 16) {              /* CMD.IC */
            e1000_tx_insert_csum(f, len, (s->tx_popts >> 8) & 0xff, s->tx_popts & 0xff,
                                 0, 0);
        }
        e1000_tx_send(s, len);
    } else {
        if (s->tx_popts & E1000_TXD_POPTS_IXSM) {
            if (s->ctx.ipcso + 2 <= len) {
                stw_be_p(f + s->ctx.ipcso, 0);
            }
            e1000_tx_insert_csum(f, len, s->ctx.ipcss, s->ctx.ipcso, s->ctx.ipcse, 0);
        }
        if (s->tx_popts & E1000_TXD_POPTS_TXSM) {
            e1000_tx_insert_csum(f, len, s->ctx.tucss, s->ctx.tucso, s->ctx.tucse, 0);
        }
        e1000_tx_send(s, len);
    }
    s->tx_in_packet = false;
    s->tx_len = 0;
    s->tx_err = false;
    s->tx_tse = false;
}

/* Gather len bytes of a data buffer; TSO cuts segments as they fill. */
static void e1000_tx_gather(E1000State *s, uint64_t addr, uint32_t len)
{
    while (len > 0 && !s->tx_err) {
        uint32_t room, chunk;

        if (s->tx_tse) {
            uint32_t hl = s->ctx.hdrlen;

            /* A full segment goes out once more data follows it (the last one
             * waits for EOP, which marks it last). */
            if (s->tx_len == hl + s->ctx.mss) {
                e1000_tso_segment(s, false);
            }
            room = s->tx_len < hl ? hl - s->tx_len : hl + s->ctx.mss - s->tx_len;
        } else {
            room = E1000_TX_BUF_SIZE - s->tx_len;
        }
        if (room == 0) {
            mimic_log_mask(LOG_GUEST_ERROR, "e1000: packet longer than %d bytes "
                           "(dropped)\n", E1000_TX_BUF_SIZE);
            s->tx_err = true;
            break;
        }
        chunk = MIN(room, len);
        if (!e1000_dma(s, addr, s->tx_buf + s->tx_len, chunk, false)) {
            s->tx_err = true;
            break;
        }
        s->tx_len += chunk;
        addr += chunk;
        len -= chunk;
        if (s->tx_tse) {
            if (s->tx_len == s->ctx.hdrlen && s->tx_seg == 0 && s->tx_sent == 0) {
                memcpy(s->tx_hdr, s->tx_buf, s->ctx.hdrlen);
            }
        }
    }
}

static void e1000_tx_context(E1000State *s, const uint8_t *d)
{
    uint32_t dw2 = ldl_le_p(d + 8), dw3 = ldl_le_p(d + 12);
    E1000TxContext *c = &s->ctx;

    c->ipcss = d[0];
    c->ipcso = d[1];
    c->ipcse = lduw_le_p(d + 2);
    c->tucss = d[4];
    c->tucso = d[5];
    c->tucse = lduw_le_p(d + 6);
    c->paylen = dw2 & E1000_TXD_LEN_MASK;
    c->tucmd = dw2 & 0xff000000;
    c->hdrlen = (dw3 >> 8) & 0xff;
    c->mss = dw3 >> 16;
}

/* One descriptor at the head; returns its command bits. */
static uint32_t e1000_tx_desc(E1000State *s, const uint8_t *d)
{
    uint64_t addr = ldq_le_p(d);
    uint32_t dw2 = ldl_le_p(d + 8), dw3 = ldl_le_p(d + 12);
    uint32_t cmd = dw2 & 0xff000000, len;

    if (cmd & E1000_TXD_CMD_DEXT) {
        unsigned dtyp = (dw2 >> E1000_TXD_DTYP_SHIFT) & 0xf;

        if (dtyp == E1000_TXD_DTYP_CTX) {
            e1000_tx_context(s, d);
            return cmd;
        }
        if (dtyp != E1000_TXD_DTYP_DATA) {
            mimic_log_mask(LOG_GUEST_ERROR, "e1000: transmit descriptor type %u\n", dtyp);
            return cmd;
        }
        len = dw2 & E1000_TXD_LEN_MASK;
        if (!s->tx_in_packet) {
            s->tx_legacy = false;
            s->tx_popts = (dw3 >> 8) & 0xff;
            s->tx_tse = (cmd & E1000_TXD_CMD_TSE) != 0;
            if (s->tx_tse && (s->ctx.mss == 0 || s->ctx.hdrlen == 0)) {
                mimic_log_mask(LOG_GUEST_ERROR, "e1000: TSO with MSS %u, header %u "
                               "(dropped)\n", s->ctx.mss, s->ctx.hdrlen);
                s->tx_err = true;
            }
            s->tx_seg = s->tx_sent = 0;
        }
    } else {
        len = dw2 & 0xffff;
        if (!s->tx_in_packet) {
            s->tx_legacy = true;
            s->tx_tse = false;
            s->tx_popts = ((cmd & E1000_TXD_CMD_IC) ? 1u << 16 : 0) |
                          (((dw3 >> 8) & 0xff) << 8) | ((dw2 >> 16) & 0xff);
        }
    }
    if (!s->tx_in_packet) {
        s->tx_vlan = ((cmd & E1000_TXD_CMD_VLE) ? 1u << 16 : 0) | (dw3 >> 16);
        s->tx_in_packet = true;
    }
    e1000_tx_gather(s, addr, len);
    if (cmd & E1000_TXD_CMD_EOP) {
        e1000_tx_end_packet(s);
    }
    return cmd;
}

static void e1000_transmit(E1000State *s)
{
    uint32_t n = (e1000_reg(s, E1000_TDLEN) & 0xfff80) / E1000_TXDESC_SIZE;
    uint64_t base = e1000_reg(s, E1000_TDBAL) | ((uint64_t)e1000_reg(s, E1000_TDBAH) << 32);
    uint32_t causes = 0;

    if (!(e1000_reg(s, E1000_TCTL) & E1000_TCTL_EN) || n == 0) {
        return;
    }
    if (e1000_reg(s, E1000_TDH) >= n || e1000_reg(s, E1000_TDT) >= n) {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: TDH %u / TDT %u outside a ring of %u\n",
                       e1000_reg(s, E1000_TDH), e1000_reg(s, E1000_TDT), n);
        return;
    }
    /* At most one lap of the ring per tail write: the walk always ends. */
    for (uint32_t i = 0; i < n && e1000_reg(s, E1000_TDH) != e1000_reg(s, E1000_TDT); i++) {
        uint32_t h = e1000_reg(s, E1000_TDH);
        hwaddr da = base + (hwaddr)h * E1000_TXDESC_SIZE;
        uint8_t d[16];

        if (!e1000_dma(s, da, d, sizeof(d), false)) {
            /* The packet being gathered cannot end well. */
            s->tx_err = s->tx_in_packet;
        } else if (e1000_tx_desc(s, d) & E1000_TXD_CMD_RS) {
            uint8_t sta = d[12] | E1000_TXD_STAT_DD;

            e1000_dma(s, da + 12, &sta, 1, true);
            causes |= E1000_ICR_TXDW;
        }
        s->regs[REG(E1000_TDH)] = (h + 1) % n;
    }
    if (e1000_reg(s, E1000_TDH) == e1000_reg(s, E1000_TDT)) {
        causes |= E1000_ICR_TXQE;
    }
    e1000_raise(s, causes);
}

/* ---- register access ---- */

static void e1000_mac_reset(E1000State *s)
{
    memset(s->regs, 0, sizeof(s->regs));
    s->regs[REG(E1000_CTRL)] = E1000_CTRL_FD | E1000_CTRL_SLU | E1000_CTRL_SPD_1000;
    s->regs[REG(E1000_EECD)] = E1000_EECD_PRES | E1000_EECD_FWE_DIS;
    s->regs[REG(E1000_VET)] = 0x8100;
    s->regs[REG(E1000_LEDCTL)] = 0x07068302;
    s->regs[REG(E1000_PBA)] = 0x00000030;     /* 48 KiB receive, 16 KiB transmit */
    s->regs[REG(E1000_TIPG)] = 0x00602008;
    s->regs[REG(E1000_RXCSUM)] = E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL;
    s->regs[REG(E1000_RXDCTL)] = 0x00010000;
    s->regs[REG(E1000_TXDCTL)] = 0x00000000;
    /* The EEPROM's station address lands in receive address 0. */
    s->regs[REG(E1000_RA)] = ldl_le_p(s->macaddr);
    s->regs[REG(E1000_RA) + 1] = lduw_le_p(s->macaddr + 4) | E1000_RAH_AV;
    s->ee_cmd = s->ee_nbits = 0;
    s->ee_reading = false;
    s->ee_addr = s->ee_bit = 0;
    memset(&s->ctx, 0, sizeof(s->ctx));
    s->tx_in_packet = s->tx_tse = s->tx_err = s->tx_legacy = false;
    s->tx_popts = s->tx_vlan = s->tx_len = s->tx_seg = s->tx_sent = 0;
    if (s->nc) {
        net_client_purge(s->nc);
    }
    e1000_update_irq(s);
}

static uint32_t e1000_status(E1000State *s)
{
    uint32_t v = E1000_STATUS_FD | E1000_STATUS_SPEED_1000 | E1000_STATUS_ASDV_1000;

    return e1000_link_up(s) ? v | E1000_STATUS_LU : v;
}

static uint32_t e1000_reg_read(E1000State *s, uint32_t off)
{
    uint32_t i = REG(off), v;

    if (off >= E1000_REG_END || !(e1000_reg_acc[i] & E1000_ACC_R)) {
        mimic_log_mask(LOG_UNIMP, "e1000: read of register 0x%05x\n", off);
        return 0;
    }
    v = s->regs[i];
    switch (off) {
    case E1000_STATUS:
        return e1000_status(s);
    case E1000_ICR:
        s->regs[i] = 0;
        e1000_update_irq(s);
        return v;
    default:
        break;
    }
    if (e1000_reg_acc[i] & E1000_ACC_RC) {
        /* The 64-bit octet counters clear as a pair when the high half is read. */
        switch (off) {
        case E1000_GORCL: case E1000_GOTCL: case E1000_TORL: case E1000_TOTL:
            break;
        case E1000_GORCH: case E1000_GOTCH: case E1000_TORH: case E1000_TOTH:
            s->regs[i - 1] = s->regs[i] = 0;
            break;
        default:
            s->regs[i] = 0;
            break;
        }
    }
    return v;
}

static void e1000_reg_write(E1000State *s, uint32_t off, uint32_t val)
{
    uint32_t i = REG(off);

    if (off >= E1000_REG_END || !(e1000_reg_acc[i] & E1000_ACC_W)) {
        mimic_log_mask(off < E1000_REG_END && e1000_reg_acc[i] ? LOG_GUEST_ERROR : LOG_UNIMP,
                       "e1000: write of 0x%08x to register 0x%05x ignored\n", val, off);
        return;
    }
    switch (off) {
    case E1000_CTRL:
        if (val & E1000_CTRL_RST) {
            e1000_mac_reset(s);
            return;
        }
        if (val & E1000_CTRL_PHY_RST) {
            e1000_phy_reset(s);
        }
        s->regs[i] = val & ~(E1000_CTRL_RST | E1000_CTRL_PHY_RST);
        return;
    case E1000_EECD:
        e1000_eecd_write(s, val);
        return;
    case E1000_EERD:
        e1000_eerd_write(s, val);
        return;
    case E1000_CTRL_EXT:
        s->regs[i] = val & ~E1000_CTRL_EXT_EE_RST;   /* the reload is immediate */
        return;
    case E1000_MDIC:
        e1000_mdic_write(s, val);
        return;
    case E1000_ICR:
        s->regs[i] &= ~val;                           /* write 1 to clear */
        e1000_update_irq(s);
        return;
    case E1000_ICS:
        e1000_raise(s, val & E1000_ICR_VALID);
        return;
    case E1000_IMS:
        s->regs[i] |= val & E1000_ICR_VALID;
        e1000_update_irq(s);
        return;
    case E1000_IMC:
        s->regs[REG(E1000_IMS)] &= ~val;
        e1000_update_irq(s);
        return;
    case E1000_RCTL:
        s->regs[i] = val;
        e1000_flush_rx(s);
        return;
    case E1000_RDLEN:
    case E1000_TDLEN:
        s->regs[i] = val & 0xfff80;
        return;
    case E1000_RDBAL:
    case E1000_TDBAL:
        s->regs[i] = val & ~0xfu;
        return;
    case E1000_RDH:
    case E1000_TDH:
        s->regs[i] = val & 0xffff;
        return;
    case E1000_RDT:
        s->regs[i] = val & 0xffff;
        e1000_flush_rx(s);
        return;
    case E1000_TCTL:
        s->regs[i] = val;
        e1000_transmit(s);
        return;
    case E1000_TDT:
        s->regs[i] = val & 0xffff;
        e1000_transmit(s);
        return;
    default:
        s->regs[i] = val;
        return;
    }
}

static uint64_t e1000_mmio_read(void *opaque, hwaddr off, unsigned size)
{
    E1000State *s = opaque;
    uint32_t v = e1000_reg_read(s, off & ~3u);

    return (v >> (8 * (off & 3))) & (~0ULL >> (64 - 8 * size));
}

static void e1000_mmio_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    E1000State *s = opaque;
    uint32_t v = val;

    if (size != 4) {
        /* A narrow write merges with what the register holds. */
        uint32_t shift = 8 * (off & 3), mask = (uint32_t)(~0ULL >> (64 - 8 * size)) << shift;
        uint32_t cur = off < E1000_REG_END ? s->regs[REG(off & ~3u)] : 0;

        v = (cur & ~mask) | (((uint32_t)val << shift) & mask);
    }
    e1000_reg_write(s, off & ~3u, v);
}

static const MemoryRegionOps e1000_mmio_ops = {
    .read = e1000_mmio_read,
    .write = e1000_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* BAR1: IOADDR selects a register, IODATA reads or writes it. */
static uint64_t e1000_io_read(void *opaque, hwaddr off, unsigned size)
{
    E1000State *s = opaque;

    if (size != 4) {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: %u-byte I/O read at 0x%x\n", size,
                       (unsigned)off);
        return ~0ULL >> (64 - 8 * size);
    }
    switch (off) {
    case E1000_IOADDR:
        return s->ioaddr;
    case E1000_IODATA:
        return e1000_reg_read(s, s->ioaddr & 0x1fffc);
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: I/O read at reserved 0x%x\n", (unsigned)off);
        return 0;
    }
}

static void e1000_io_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    E1000State *s = opaque;

    if (size != 4) {
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: %u-byte I/O write at 0x%x\n", size,
                       (unsigned)off);
        return;
    }
    switch (off) {
    case E1000_IOADDR:
        s->ioaddr = val & 0x1fffc;
        break;
    case E1000_IODATA:
        e1000_reg_write(s, s->ioaddr & 0x1fffc, val);
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "e1000: I/O write at reserved 0x%x\n",
                       (unsigned)off);
        break;
    }
}

static const MemoryRegionOps e1000_io_ops = {
    .read = e1000_io_read,
    .write = e1000_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- the device ---- */

static void e1000_link_changed(NetClientState *nc)
{
    E1000State *s = nc->opaque;

    e1000_raise(s, E1000_ICR_LSC);
    if (!nc->link_down) {
        e1000_flush_rx(s);
    }
}

static void e1000_info_str(NetClientState *nc, GString *out)
{
    E1000State *s = nc->opaque;
    const uint8_t *m = s->macaddr;

    g_string_append_printf(out, "model=e1000, macaddr=%02x:%02x:%02x:%02x:%02x:%02x",
                           m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const NetClientInfo e1000_net_info = {
    .type = "nic",
    .kind = NET_CLIENT_NIC,
    .receive = e1000_receive,
    .can_receive = e1000_can_receive,
    .link_status_changed = e1000_link_changed,
    .info_str = e1000_info_str,
};

static void e1000_reset(DeviceState *dev)
{
    E1000State *s = (E1000State *)dev;

    pci_device_reset(&s->pci);
    s->ioaddr = 0;
    e1000_phy_reset(s);
    e1000_mac_reset(s);
}

static bool e1000_realize(DeviceState *dev, GError **errp)
{
    E1000State *s = (E1000State *)dev;
    uint8_t mac[NET_ETH_ALEN];

    s->nc = pci_nic_attach(&s->pci, "e1000", &e1000_net_info, dev->id, s, s->mac,
                           s->netdev, s->backend, mac, errp);
    if (!s->nc) {
        return false;
    }
    memcpy(s->macaddr, mac, NET_ETH_ALEN);
    s->dma_as = &address_space_memory;
    pci_device_init_config(&s->pci);
    pci_set_byte(s->pci.config + PCI_MIN_GNT, 0xff);
    pci_set_byte(s->pci.config + PCI_MAX_LAT, 0x00);
    memory_region_init_io(&s->mmio, &e1000_mmio_ops, s, "e1000-mmio", E1000_MMIO_SIZE);
    memory_region_init_io(&s->io, &e1000_io_ops, s, "e1000-io", E1000_IO_SIZE);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, E1000_MMIO_SIZE, &s->mmio);
    pci_register_bar(&s->pci, 1, PCI_BASE_ADDRESS_SPACE_IO, E1000_IO_SIZE, &s->io);
    e1000_eeprom_init(s);
    e1000_reset(dev);
    return true;
}

static void e1000_unrealize(DeviceState *dev)
{
    E1000State *s = (E1000State *)dev;

    net_client_free(s->nc);
    s->nc = NULL;
}

static int e1000_post_load(void *opaque, int version_id)
{
    E1000State *s = opaque;

    if (s->tx_len > E1000_TX_BUF_SIZE || s->ctx.hdrlen > sizeof(s->tx_hdr) ||
        s->ee_bit >= 16 || s->ee_nbits > E1000_EE_IGNORE) {
        return -EINVAL;
    }
    s->ee_addr %= E1000_EEPROM_WORDS;
    s->ioaddr &= 0x1fffc;
    /* The station address is what the EEPROM says. */
    for (int i = 0; i < 3; i++) {
        stw_le_p(s->macaddr + 2 * i, s->eeprom[i]);
    }
    pci_update_mappings(&s->pci);
    e1000_update_irq(s);
    return 0;
}

static const VMStateField e1000_ctx_fields[] = {
    VMSTATE_UINT32(ipcss, E1000TxContext),
    VMSTATE_UINT32(ipcso, E1000TxContext),
    VMSTATE_UINT32(ipcse, E1000TxContext),
    VMSTATE_UINT32(tucss, E1000TxContext),
    VMSTATE_UINT32(tucso, E1000TxContext),
    VMSTATE_UINT32(tucse, E1000TxContext),
    VMSTATE_UINT32(paylen, E1000TxContext),
    VMSTATE_UINT32(hdrlen, E1000TxContext),
    VMSTATE_UINT32(mss, E1000TxContext),
    VMSTATE_UINT32(tucmd, E1000TxContext),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription e1000_ctx_vmstate = {
    .name = "e1000-tx-context",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = e1000_ctx_fields,
};

static const VMStateField e1000_vmstate_fields[] = {
    VMSTATE_STRUCT(pci, E1000State, vmstate_pci_device, PCIDevice),
    VMSTATE_UINT32_ARRAY(regs, E1000State, E1000_NREGS),
    VMSTATE_UINT16_ARRAY(eeprom, E1000State, E1000_EEPROM_WORDS),
    VMSTATE_UINT16_ARRAY(phy, E1000State, 32),
    VMSTATE_UINT32(ioaddr, E1000State),
    VMSTATE_UINT32(ee_cmd, E1000State),
    VMSTATE_UINT32(ee_nbits, E1000State),
    VMSTATE_BOOL(ee_reading, E1000State),
    VMSTATE_UINT32(ee_addr, E1000State),
    VMSTATE_UINT32(ee_bit, E1000State),
    VMSTATE_STRUCT(ctx, E1000State, e1000_ctx_vmstate, E1000TxContext),
    VMSTATE_BOOL(tx_in_packet, E1000State),
    VMSTATE_BOOL(tx_tse, E1000State),
    VMSTATE_BOOL(tx_err, E1000State),
    VMSTATE_BOOL(tx_legacy, E1000State),
    VMSTATE_UINT32(tx_popts, E1000State),
    VMSTATE_UINT32(tx_vlan, E1000State),
    VMSTATE_UINT32(tx_len, E1000State),
    VMSTATE_UINT32(tx_seg, E1000State),
    VMSTATE_UINT32(tx_sent, E1000State),
    VMSTATE_BUFFER(tx_hdr, E1000State),
    VMSTATE_BUFFER(tx_buf, E1000State),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription e1000_vmstate = {
    .name = "e1000",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = e1000_post_load,
    .fields = e1000_vmstate_fields,
};

static const Property e1000_props[] = {
    DEFINE_PROP_STRING("netdev", E1000State, netdev),
    DEFINE_PROP_STRING("mac", E1000State, mac),
    DEFINE_PROP_PTR("backend", E1000State, backend),
    DEFINE_PROP_END_OF_LIST(),
};

const PCIDeviceClass e1000_pci_class = {
    .parent = {
        .name = "e1000",
        .desc = "Intel 82540EM Gigabit Ethernet",
        .instance_size = sizeof(E1000State),
        .realize = e1000_realize,
        .reset = e1000_reset,
        .unrealize = e1000_unrealize,
        .vmsd = &e1000_vmstate,
        .props = e1000_props,
        .user_creatable = true,
    },
    .vendor_id = E1000_VENDOR_ID,
    .device_id = E1000_DEVICE_ID,
    .revision = 0x03,
    .class_id = PCI_CLASS_NETWORK_ETHERNET,
    .subsystem_vendor_id = E1000_VENDOR_ID,
    .subsystem_id = E1000_SUBSYS_ID,
    .interrupt_pin = 1,
};

static void __attribute__((constructor)) e1000_register(void)
{
    for (size_t r = 0; r < ARRAY_SIZE(e1000_reg_ranges); r++) {
        for (uint32_t k = 0; k < e1000_reg_ranges[r].count; k++) {
            e1000_reg_acc[REG(e1000_reg_ranges[r].off) + k] = e1000_reg_ranges[r].acc;
        }
    }
    device_class_register(&e1000_pci_class.parent);
    pci_nic_register_model(&e1000_pci_class);
}
