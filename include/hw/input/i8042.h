/*
 * Intel 8042 keyboard controller as found in PC/AT compatibles (data port 0x60,
 * status/command port 0x64), with a PS/2 keyboard and a PS/2 mouse behind it.
 * The controller's output port carries the CPU reset line (bit 0) and the A20
 * gate (bit 1); the board receives both through IRQ lines.
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "hw/irq.h"
#include "exec/memory.h"

#define TYPE_I8042 "i8042"

#define I8042_DATA_PORT    0x60
#define I8042_CMD_PORT     0x64

/* Status register (read at 0x64). */
#define I8042_STR_OBF      0x01    /* output buffer full */
#define I8042_STR_IBF      0x02    /* input buffer full */
#define I8042_STR_SYS      0x04    /* system flag (self-test passed) */
#define I8042_STR_CMDDAT   0x08    /* last write was to 0x64 */
#define I8042_STR_KEYLOCK  0x10    /* 1 = keyboard not inhibited */
#define I8042_STR_AUXDATA  0x20    /* output buffer holds mouse data */
#define I8042_STR_TIMEOUT  0x40
#define I8042_STR_PARITY   0x80

/* Command byte (controller RAM byte 0). */
#define I8042_CTR_KBDINT   0x01
#define I8042_CTR_AUXINT   0x02
#define I8042_CTR_SYSFLAG  0x04
#define I8042_CTR_KBDDIS   0x10
#define I8042_CTR_AUXDIS   0x20
#define I8042_CTR_XLATE    0x40

/* Output port bits. */
#define I8042_OUT_RESET    0x01    /* 0 = CPU held in reset */
#define I8042_OUT_A20      0x02
#define I8042_OUT_KBD_OBF  0x10
#define I8042_OUT_AUX_OBF  0x20

#define I8042_QUEUE_SIZE   16

/* A PS/2 device's byte queue towards the controller. */
typedef struct I8042Queue {
    uint8_t data[I8042_QUEUE_SIZE];
    uint32_t head, count;
} I8042Queue;

typedef struct I8042State {
    DeviceState parent;

    IRQLine *kbd_irq;           /* ISA IRQ 1 */
    IRQLine *aux_irq;           /* ISA IRQ 12 */
    IRQLine *reset_out;         /* pulsed high: the board resets the system */
    IRQLine *a20_out;           /* level of the A20 gate */
    MemoryRegion data_io, cmd_io;

    /* Controller. */
    uint8_t status;
    uint8_t mode;               /* command byte */
    uint8_t outport;
    uint8_t pending_cmd;        /* command waiting for its data byte, 0 none */
    uint8_t obuf;               /* output buffer contents */
    uint8_t ram[32];            /* controller RAM bytes 0x00-0x1f (0 is the mode) */

    /* Keyboard (PS/2, scan code set 2 translated to set 1 when XLATE is set). */
    I8042Queue kbd_queue;
    uint8_t kbd_pending;        /* keyboard command waiting for its parameter */
    uint8_t kbd_scancode_set;
    uint8_t kbd_leds;
    bool kbd_enabled;

    /* Mouse (PS/2). */
    I8042Queue aux_queue;
    uint8_t aux_pending;
    uint8_t aux_status;         /* bit 5 stream enabled; bits 4,6 scaling/mode */
    uint8_t aux_resolution;
    uint8_t aux_sample_rate;
    bool aux_wrap;

    int32_t kbd_irq_level, aux_irq_level;
} I8042State;

/* Create at the standard ports of io_space; reset_out is pulsed (raised then
 * lowered) for command 0xFE or output port bit 0 going low; a20_out follows the
 * output port's A20 bit. Any line may be NULL. */
I8042State *i8042_init(MemoryRegion *io_space, IRQLine *kbd_irq, IRQLine *aux_irq,
                       IRQLine *reset_out, IRQLine *a20_out);
/* Port accessors (also used by tests). */
uint64_t i8042_data_read(void *opaque, hwaddr off, unsigned size);
void i8042_data_write(void *opaque, hwaddr off, uint64_t val, unsigned size);
uint64_t i8042_status_read(void *opaque, hwaddr off, unsigned size);
void i8042_cmd_write(void *opaque, hwaddr off, uint64_t val, unsigned size);

extern const DeviceClass i8042_device_class;

#endif
