/*
 * Intel 8259A programmable interrupt controller pair as in PC/AT compatibles
 * (and the Malta's PIIX4): master at I/O 0x20, slave at 0xa0 cascaded on the
 * master's IR2, edge/level control registers (ELCR) at 0x4d0/0x4d1.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "hw/irq.h"
#include "exec/memory.h"

#define TYPE_I8259 "i8259"

typedef struct PICState {
    DeviceState parent;

    /* Properties. */
    bool master;
    uint32_t iobase;            /* 0x20 / 0xa0 */
    uint32_t elcr_addr;         /* 0x4d0 / 0x4d1 */
    uint32_t elcr_mask;         /* which inputs may be level-triggered */

    /* Wiring. */
    IRQLine *int_out;           /* INT: to the CPU (master) or master IR2 (slave) */
    struct PICState *slave;     /* master only */
    MemoryRegion io;
    MemoryRegion elcr_io;

    /* Registers, named as in the 8259A datasheet. */
    uint8_t irr;
    uint8_t isr;
    uint8_t imr;
    uint8_t last_irr;           /* input levels seen last (edge detection) */
    uint8_t elcr;               /* 1 = level triggered */
    uint8_t priority_add;       /* lowest priority IR + 1 (rotation) */
    uint8_t irq_base;           /* ICW2 vector base (T7-T3) */
    uint8_t read_reg_select;    /* OCW3 RR/RIS: 0 = IRR, 1 = ISR */
    uint8_t init_state;         /* 0 = ready, 1..3 = expecting ICW2..ICW4 */
    uint8_t icw1;
    uint8_t icw3;
    uint8_t icw4;
    bool poll;
    bool special_mask;
    bool auto_eoi;
    bool rotate_on_auto_eoi;
    bool special_fully_nested;
    bool single_mode;
    int32_t int_level;          /* current INT output */
} PICState;

/*
 * Master at io base 0x20 (+ELCR 0x4d0), slave at 0xa0 (+ELCR 0x4d1) cascaded on IRQ2;
 * returns 16 input lines (ISA IRQ 0-15); parent is the CPU line the master's INT
 * drives. master_out (may be NULL) receives the master device for i8259_iack().
 */
IRQLine **i8259_init(MemoryRegion *io_space, IRQLine *parent, DeviceState **master_out);

/*
 * Interrupt acknowledge cycle as a bus master does it (GT-64120 IACK register, x86
 * INTA): returns the vector and updates ISR/IRR like the real chip.
 */
int i8259_iack(DeviceState *master);

/* Level of the master's INT output (for polling boards and tests). */
int i8259_get_int(DeviceState *master);

extern const DeviceClass i8259_device_class;

#endif
