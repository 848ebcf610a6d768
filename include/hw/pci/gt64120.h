/*
 * Galileo (Marvell) GT-64120 system controller: the MIPS Malta's north bridge.
 * The board gives it the system memory container (where its register window and
 * PCI windows appear) and the PCI I/O space; it creates the PCI bus and the PCI
 * memory space, and shows itself as PCI device 0:0.0 (11ab:4620).
 */
#ifndef HW_PCI_GT64120_H
#define HW_PCI_GT64120_H

#include "hw/pci/pci.h"

#define GT64120_REGS_SIZE     0x1000
#define GT64120_NUM_REGS      (GT64120_REGS_SIZE / 4)

/* Register offsets (datasheet names). CPU address decode: */
#define GT_CPU            0x000      /* CPU Interface Configuration */
#define  GT_CPU_ENDIAN_LITTLE (1u << 12)
#define GT_MULTI          0x120      /* Multi-GT register */
#define GT_SCS10LD        0x008
#define GT_SCS10HD        0x010
#define GT_SCS32LD        0x018
#define GT_SCS32HD        0x020
#define GT_CS20LD         0x028
#define GT_CS20HD         0x030
#define GT_CS3BOOTLD      0x038
#define GT_CS3BOOTHD      0x040
#define GT_PCI0IOLD       0x048
#define GT_PCI0IOHD       0x050
#define GT_PCI0M0LD       0x058
#define GT_PCI0M0HD       0x060
#define GT_ISD            0x068      /* Internal Space Decode */
#define GT_CPUERR_ADDRLO  0x070
#define GT_CPUERR_ADDRHI  0x078
#define GT_PCI0M1LD       0x080
#define GT_PCI0M1HD       0x088
#define GT_PCI1IOLD       0x090
#define GT_PCI1IOHD       0x098
#define GT_PCI1M0LD       0x0a0
#define GT_PCI1M0HD       0x0a8
#define GT_PCI1M1LD       0x0b0
#define GT_PCI1M1HD       0x0b8
#define GT_SCS10AR        0x0d0
#define GT_SCS32AR        0x0d8
#define GT_CS20R          0x0e0
#define GT_CS3BOOTR       0x0e8
#define GT_PCI0IOREMAP    0x0f0
#define GT_PCI0M0REMAP    0x0f8
#define GT_PCI0M1REMAP    0x100
#define GT_PCI1IOREMAP    0x108
#define GT_PCI1M0REMAP    0x110
#define GT_PCI1M1REMAP    0x118
/* SDRAM and device address decode: */
#define GT_SCS0LD         0x400
#define GT_SCS0HD         0x404
#define GT_SCS1LD         0x408
#define GT_SCS1HD         0x40c
#define GT_SCS2LD         0x410
#define GT_SCS2HD         0x414
#define GT_SCS3LD         0x418
#define GT_SCS3HD         0x41c
#define GT_CS0LD          0x420
#define GT_CS0HD          0x424
#define GT_CS1LD          0x428
#define GT_CS1HD          0x42c
#define GT_CS2LD          0x430
#define GT_CS2HD          0x434
#define GT_CS3LD          0x438
#define GT_CS3HD          0x43c
#define GT_BOOTLD         0x440
#define GT_BOOTHD         0x444
#define GT_SDRAM_CFG      0x448
#define GT_SDRAM_B0       0x44c
#define GT_SDRAM_B1       0x450
#define GT_SDRAM_B2       0x454
#define GT_SDRAM_B3       0x458
#define GT_DEV_B0         0x45c
#define GT_DEV_B1         0x460
#define GT_DEV_B2         0x464
#define GT_DEV_B3         0x468
#define GT_DEV_BOOT       0x46c
#define GT_ADERR          0x470
#define GT_SDRAM_OPMODE   0x474
#define GT_SDRAM_BM       0x478
#define GT_SDRAM_ADDRDECODE 0x47c
/* DMA and timers: */
#define GT_DMA0_CTRL      0x840
#define GT_DMA3_CTRL      0x84c
#define GT_TC0            0x850
#define GT_TC3            0x85c
#define GT_TC_CONTROL     0x864
/* PCI internal: */
#define GT_PCI0_CMD       0xc00
#define  GT_PCI0_CMD_MBYTESWAP (1u << 0)
#define  GT_PCI0_CMD_SBYTESWAP (1u << 16)
#define GT_PCI0_TOR       0xc04
#define GT_PCI0_BS_SCS10  0xc08
#define GT_PCI0_BS_SCS32  0xc0c
#define GT_PCI0_BS_CS20   0xc10
#define GT_PCI0_BS_CS3BT  0xc14
#define GT_INTRCAUSE      0xc18
#define  GT_INTRCAUSE_INTSUM     (1u << 0)
#define  GT_INTRCAUSE_MASABORT0  (1u << 18)
#define  GT_INTRCAUSE_TARABORT0  (1u << 19)
#define GT_INTRMASK       0xc1c
#define GT_PCI0_ICMASK    0xc24
#define GT_PCI0_SERR0MASK 0xc28
#define GT_PCI0_IACK      0xc34     /* interrupt acknowledge: read = INTA cycle */
#define GT_PCI1_CFGADDR   0xcf0
#define GT_PCI1_CFGDATA   0xcf4
#define GT_PCI0_CFGADDR   0xcf8
#define  GT_PCI0_CFGADDR_CONFIGEN (1u << 31)
#define GT_PCI0_CFGDATA   0xcfc

/* Decode registers hold CPU address bits [35:21]. */
#define GT_DECODE_SHIFT   21

typedef struct GT64120State {
    PCIDevice pci;                 /* itself, as 0:0.0 */
    MemoryRegion *sysmem;          /* where the windows appear */
    MemoryRegion *pci_io;          /* the PCI I/O space (board-owned) */
    MemoryRegion pci_mem;          /* the PCI memory space (4 GiB container) */
    MemoryRegion pci_mem_abort;    /* what no PCI target claims: master abort */
    MemoryRegion regs_mr;          /* 4 KiB internal register window */
    MemoryRegion io_win;           /* CPU -> PCI I/O (forwards, 16-bit ISA decode) */
    MemoryRegion mem0_win, mem1_win;   /* CPU -> PCI memory aliases */
    AddressSpace io_as;            /* view of pci_io for the I/O window */
    hwaddr io_pci_base;            /* PCI I/O address of the window's first byte */
    bool regs_mapped, io_mapped, mem0_mapped, mem1_mapped;
    uint32_t big_endian;           /* strap: 0 = little-endian board */
    uint32_t regs[GT64120_NUM_REGS];
    IRQLine *irq;                  /* interrupt output (Malta: CPU IP5, CoreHi) */
    int irq_level;                 /* derived */
    int (*iack)(void *opaque);     /* PCI interrupt acknowledge (8259 INTA) */
    void *iack_opaque;
} GT64120State;

/* Create the controller with its bus; pci_io is the PCI I/O space container. */
GT64120State *gt64120_init(MemoryRegion *sysmem, MemoryRegion *pci_io, bool big_endian,
                           GError **errp);
PCIBus *gt64120_get_bus(GT64120State *s);
/* Where the controller's interrupt output goes. */
void gt64120_set_irq(GT64120State *s, IRQLine *irq);
/* Who answers an interrupt acknowledge cycle (the board's i8259 master). */
void gt64120_set_iack(GT64120State *s, int (*iack)(void *opaque), void *opaque);
/* Current decode of a window: start (CPU physical) and length; false if disabled. */
bool gt64120_window(GT64120State *s, unsigned ld_reg, hwaddr *start, uint64_t *len);
/* Register access as the CPU makes it (tests, monitor). */
uint64_t gt64120_reg_read(void *opaque, hwaddr off, unsigned size);
void gt64120_reg_write(void *opaque, hwaddr off, uint64_t val, unsigned size);

extern const PCIDeviceClass gt64120_pci_class;

#endif
