/*
 * Intel 82371SB PIIX3 PCI-to-ISA bridge of the PC board: function 0 (ISA bridge:
 * PIRQ routing onto the ISA IRQs, reset control at 0xcf9) and function 1 (IDE,
 * configuration header only).
 */
#ifndef HW_I386_PIIX3_H
#define HW_I386_PIIX3_H

#include "hw/pci/pci.h"
#include "hw/irq.h"

#define PIIX3_NUM_ISA_IRQS 16
#define PIIX3_NUM_PIRQS    4

#define PIIX3_PIRQRC       0x60        /* PIRQRC[A..D] at 0x60..0x63 */
#define  PIIX3_PIRQRC_DISABLE  0x80
#define  PIIX3_PIRQRC_IRQ_MASK 0x0f
#define PIIX3_TOM          0x69
#define PIIX3_MBIRQ0       0x70
#define PIIX3_APICBASE     0x80
#define PIIX3_NMISC_PORT   0x61        /* NMI status and control */
#define  PIIX3_NMISC_TIM2_GATE 0x01
#define  PIIX3_NMISC_SPKR_EN   0x02
#define  PIIX3_NMISC_RW_MASK   0x0f
#define  PIIX3_NMISC_REFRESH   0x10
#define  PIIX3_NMISC_TIM2_OUT  0x20
#define PIIX3_RC_PORT      0xcf9
#define  PIIX3_RC_SRST     0x02
#define  PIIX3_RC_RCPU     0x04

typedef struct PIIX3State {
    PCIDevice pci;                     /* function 0 */
    IRQLine **pic_in;                  /* the 8259 pair's inputs */
    IRQLine **isa_irqs;                /* what ISA devices drive */
    IRQLine *reset_out;                /* pulsed by the reset control register */
    DeviceState *pit;                  /* counter 2 gate/output behind port 0x61 */
    MemoryRegion nmisc_io;
    uint8_t nmisc;                     /* writable bits of port 0x61 */
    int32_t isa_level[PIIX3_NUM_ISA_IRQS];
    int32_t pirq_level[PIIX3_NUM_PIRQS];
    int32_t out_level[PIIX3_NUM_ISA_IRQS];
    uint8_t rc;
} PIIX3State;

typedef struct PIIX3IDEState {
    PCIDevice pci;                     /* function 1 */
} PIIX3IDEState;

/* Functions 0 and 1 at slot (the PC: 1); port 0x61 on isa_io drives pit's
 * counter 2 gate and reads its output (pit may be NULL). */
PIIX3State *piix3_init(PCIBus *bus, int slot, MemoryRegion *isa_io, IRQLine **pic_in,
                       IRQLine *reset_out, DeviceState *pit, GError **errp);
uint64_t piix3_nmisc_read(void *opaque, hwaddr off, unsigned size);
void piix3_nmisc_write(void *opaque, hwaddr off, uint64_t val, unsigned size);
IRQLine *piix3_isa_irq(PIIX3State *s, int n);
/* PCI bus set_irq handler: PIRQ A..D. */
void piix3_set_pirq(void *opaque, int pirq, int level);
/* Reset control register (reached through the i440FX's 0xcf8 region). */
uint64_t piix3_rcr_read(void *opaque);
void piix3_rcr_write(void *opaque, uint8_t val);

extern const PCIDeviceClass piix3_isa_class, piix3_ide_class;

#endif
