/*
 * 16550A-compatible UART (National Semiconductor PC16550D). One model serves the
 * ISA serial ports of the PC and of the Malta's Super I/O (byte-wide registers at
 * consecutive I/O ports) and memory-mapped UARTs whose registers are spaced
 * 1 << regshift bytes apart.
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "qemu/timer.h"
#include "chardev/char.h"

#define TYPE_SERIAL "serial-16550a"

#define SERIAL_FIFO_SIZE 16

/* A byte FIFO as the 16550 has two of: head is the oldest entry. */
typedef struct SerialFIFO {
    uint8_t data[SERIAL_FIFO_SIZE];
    uint32_t head;
    uint32_t count;
} SerialFIFO;

typedef struct SerialState {
    DeviceState parent;

    /* Properties. */
    Chardev *chr;
    uint32_t regshift;          /* register spacing: 1 << regshift bytes */
    uint32_t baudbase;          /* input clock / 16 (1843200 / 16 = 115200) */

    /* Wiring (set by the init helpers before realize). */
    IRQLine *irq;
    MemoryRegion io;

    /* Registers, named as in the PC16550D datasheet. */
    uint16_t divider;           /* DLL | DLM << 8 */
    uint8_t rbr;                /* receive buffer when FIFOs are off */
    uint8_t thr;                /* transmit holding register when FIFOs are off */
    uint8_t tsr;                /* transmitter shift register */
    uint8_t ier;
    uint8_t iir;                /* derived, kept for savevm readability */
    uint8_t fcr;                /* as last written (bits 7:6 trigger, bit 0 enable) */
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;

    /* Interrupt sources that are latched until serviced. */
    bool thr_ipending;          /* THRE interrupt pending (IIR read / THR write clear) */
    bool timeout_ipending;      /* character timeout pending */
    uint32_t tx_retries;        /* character times the back end has refused a byte */
    int32_t last_irq_level;

    SerialFIFO rx_fifo;
    SerialFIFO tx_fifo;
    uint8_t lsr_errors[SERIAL_FIFO_SIZE]; /* per-rx-entry error bits (BI) */

    /* Transmit pacing and receive character timeout. */
    Timer tx_timer;
    Timer timeout_timer;
    int64_t char_transmit_ns;   /* one character time at the current settings */
} SerialState;

/* 8 byte-wide registers at base of an I/O space (ISA ports 0x3f8, 0x2f8...). */
DeviceState *serial_isa_init(MemoryRegion *io_space, hwaddr base, IRQLine *irq,
                             Chardev *chr, const char *id);
/* Registers every 1 << regshift bytes at base of a memory space. */
DeviceState *serial_mm_init(MemoryRegion *space, hwaddr base, unsigned regshift,
                            IRQLine *irq, Chardev *chr, const char *id);

/* The device class (boards normally use the init helpers above). */
extern const DeviceClass serial_device_class;

#endif
