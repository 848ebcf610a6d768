/*
 * Intel 82371AB PIIX4 PCI-to-ISA bridge, as on the MIPS Malta: function 0 ISA
 * bridge (PIRQ routing onto the ISA IRQs, reset control), function 1 IDE and
 * function 2 USB (configuration headers only), function 3 power management
 * (PM I/O block with soft-off, SMBus base).
 */
#ifndef HW_PCI_PIIX4_H
#define HW_PCI_PIIX4_H

#include "hw/pci/pci.h"
#include "hw/irq.h"

#define PIIX4_NUM_ISA_IRQS 16
#define PIIX4_NUM_PIRQS    4

/* Function 0 configuration registers (82371AB datasheet, section 3.2). */
#define PIIX4_IORT        0x4c
#define PIIX4_XBCS        0x4e
#define PIIX4_PIRQRC      0x60       /* PIRQRC[A..D] at 0x60..0x63 */
#define  PIIX4_PIRQRC_DISABLE 0x80
#define  PIIX4_PIRQRC_IRQ_MASK 0x0f
#define PIIX4_SERIRQC     0x64
#define PIIX4_TOM         0x69
#define PIIX4_MSTAT       0x6a
#define PIIX4_MBIRQ0      0x70
#define PIIX4_MBIRQ1      0x71
#define PIIX4_MBDMA0      0x76
#define PIIX4_MBDMA1      0x77
#define PIIX4_APICBASE    0x80
#define PIIX4_DLC         0x82
#define PIIX4_PDMACFG     0x90
#define PIIX4_DDMABP0     0x92
#define PIIX4_DDMABP1     0x94
#define PIIX4_GENCFG      0xb0
#define PIIX4_RTCCFG      0xcb
/* Reset Control register in ISA I/O space. */
#define PIIX4_RC_PORT     0xcf9
#define  PIIX4_RC_SRST    0x02       /* system reset (vs. CPU only) */
#define  PIIX4_RC_RCPU    0x04       /* reset CPU: the edge starts the reset */

/* Function 3 (power management) configuration registers (section 3.4). */
#define PIIX4_PM_PMBA       0x40
#define PIIX4_PM_DEVRESD    0x5c
#define PIIX4_PM_PMREGMISC  0x80
#define  PIIX4_PM_PMIOSE    0x01
#define PIIX4_PM_SMBBA      0x90
#define PIIX4_PM_SMBHSTCFG  0xd2
#define  PIIX4_PM_SMB_HST_EN 0x01
#define PIIX4_PM_IO_SIZE    64
#define PIIX4_SMB_IO_SIZE   16
/* PM I/O registers, offsets from PMBA (section 7). */
#define PIIX4_PMSTS       0x00
#define  PIIX4_PMSTS_TMROF_STS  0x0001
#define  PIIX4_PMSTS_PWRBTN_STS 0x0100
#define  PIIX4_PMSTS_WAK_STS    0x8000
#define PIIX4_PMEN        0x02
#define PIIX4_PMCNTRL     0x04
#define  PIIX4_PMCNTRL_SCI_EN   0x0001
#define  PIIX4_PMCNTRL_SUS_TYP_SHIFT 10
#define  PIIX4_PMCNTRL_SUS_TYP_MASK  (7u << 10)
#define  PIIX4_PMCNTRL_SUS_EN   (1u << 13)
#define  PIIX4_SUS_TYP_SOFF     0    /* soft off (suspend to disk) */
#define  PIIX4_SUS_TYP_STR      1    /* suspend to RAM */
#define PIIX4_PMTMR       0x08       /* 24-bit, 3.579545 MHz */
#define PIIX4_GPSTS       0x0c
#define PIIX4_GPEN        0x0e
#define PIIX4_PCNTRL      0x10
#define PIIX4_GLBSTS      0x18
#define PIIX4_DEVSTS      0x1c
#define PIIX4_GLBEN       0x20
#define PIIX4_GLBCTL      0x28
#define PIIX4_DEVCTL      0x2c
#define PIIX4_GPIREG      0x30
#define PIIX4_GPOREG      0x34
#define PIIX4_PMTMR_HZ    3579545

/* One 8237 DMA controller's programmable state (registers only). */
typedef struct PIIX4DMACtrl {
    uint16_t base_addr[4], base_count[4];
    uint16_t cur_addr[4], cur_count[4];
    uint8_t mode[4];
    uint8_t command, status, request, mask, temp;
    uint8_t flipflop;
} PIIX4DMACtrl;

typedef struct PIIX4DMAState {
    PIIX4DMACtrl ctrl[2];          /* 0: channels 0-3 (8-bit), 1: 4-7 (16-bit) */
    uint8_t page[16];              /* page registers 0x80-0x8f */
    MemoryRegion ctrl_io[2], page_io;
} PIIX4DMAState;

typedef struct PIIX4State {
    PCIDevice pci;                 /* function 0: ISA bridge */
    MemoryRegion *isa_io;          /* the ISA (PCI) I/O space it decodes */
    MemoryRegion rc_io;            /* reset control register */
    MemoryRegion isa_float;        /* subtractive decode: unclaimed ports float */
    PIIX4DMAState dma;
    IRQLine **pic_in;              /* inputs IRQ0..15 of the 8259 pair */
    IRQLine **isa_irqs;            /* what ISA devices drive (IRQ0..15) */
    int32_t isa_level[PIIX4_NUM_ISA_IRQS];
    int32_t pirq_level[PIIX4_NUM_PIRQS];
    int32_t out_level[PIIX4_NUM_ISA_IRQS];   /* derived: what the 8259 sees */
    uint8_t rc;
} PIIX4State;

typedef struct PIIX4USBState {
    PCIDevice pci;                 /* function 2: UHCI (piix4-usb.c) */
    MemoryRegion io;               /* the 32 bytes behind USBBA */
    uint16_t cmd, sts, intr;
    uint16_t frnum;                /* the frame reached when run_origin_ns was taken */
    uint32_t flbase;
    uint8_t sofmod;
    uint16_t portsc[2];
    int64_t run_origin_ns;         /* not migrated: CLOCK_VIRTUAL when frnum was */
} PIIX4USBState;

typedef struct PIIX4PMState {
    PCIDevice pci;                 /* function 3: power management */
    MemoryRegion *isa_io;
    IRQLine *sci_irq;              /* SCI: ISA IRQ 9 through function 0 */
    MemoryRegion pm_io, smb_io;
    hwaddr pm_base, smb_base;      /* where mapped, PCI_BAR_UNMAPPED if not */
    uint16_t pmsts, pmen, pmcntrl;
    uint16_t gpsts, gpen;
    uint32_t pcntrl, glbsts, devsts, glben, glbctl, devctl, gpireg, gporeg;
    uint8_t smb_regs[PIIX4_SMB_IO_SIZE];
    int64_t tmr_base_ns;           /* virtual time at which PMTMR read 0 */
    int32_t sci_level;             /* derived */
} PIIX4PMState;

/* Create functions 0-3 at slot (Malta: 10). pic_in: the 16 inputs of the 8259 pair.
 * Returns function 0; *pm_out (may be NULL) gets function 3. */
PIIX4State *piix4_init(PCIBus *bus, int slot, MemoryRegion *isa_io, IRQLine **pic_in,
                       PIIX4PMState **pm_out, GError **errp);
/* The line an ISA device on IRQ n drives (shared with PIRQ routing). */
IRQLine *piix4_isa_irq(PIIX4State *s, int n);
/* PCI bus set_irq handler: irq_num is PIRQ A..D (0..3). */
void piix4_set_pirq(void *opaque, int pirq, int level);
/* The 8237 pair of function 0 (piix4-dma.c). */
void piix4_dma_init(PIIX4DMAState *dma, MemoryRegion *isa_io);
void piix4_dma_reset(PIIX4DMAState *dma);
extern const struct VMStateDescription piix4_dma_vmstate;
/* PM timer value now (24 bits). */
uint32_t piix4_pm_timer(PIIX4PMState *pm);

extern const PCIDeviceClass piix4_isa_class, piix4_usb_class,
                            piix4_pm_class;

#endif
