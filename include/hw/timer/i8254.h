/*
 * Intel 8254 programmable interval timer (PC/AT PIT at I/O 0x40, also in the
 * Malta's PIIX4): three 16-bit counters clocked at 1.193182 MHz.
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "qemu/timer.h"

#define TYPE_I8254 "i8254"
#define I8254_FREQ 1193182

typedef struct PITChannelState {
    uint32_t count;             /* initial count as a number: 1..0x10000 (BCD decoded) */
    uint32_t pending_count;     /* written, waiting for cycle end or trigger; 0 none */
    int64_t pending_time;       /* when pending_count loads (INT64_MAX: next trigger) */
    uint16_t latched_count;
    uint8_t count_latched;      /* 0 none, 1 LSB, 2 MSB, 3 LSB then MSB, 4 MSB left */
    uint8_t status_latched;
    uint8_t status;
    uint8_t read_state;         /* LSB/MSB access: 1 when the MSB is read next */
    uint8_t write_state;        /* LSB/MSB access: 1 when the MSB is written next */
    uint8_t write_latch;
    uint8_t rw_mode;            /* RW1:RW0 of the control word: 1 LSB, 2 MSB, 3 both */
    uint8_t mode;               /* 0-5 */
    uint8_t bcd;
    uint8_t gate;
    uint8_t null_count;
    uint8_t armed;              /* a count is loaded and counting set up */
    uint8_t triggered;          /* modes 1 and 5: a gate trigger started counting */
    int64_t count_load_time;    /* CLOCK_VIRTUAL ns when counting from count began */
    int64_t paused_ticks;       /* ticks counted when the gate stopped counting */
    int64_t next_transition_time;   /* counter 0: next OUT change, -1 none */
    int32_t irq_level;          /* counter 0: OUT level last driven on irq0 */
} PITChannelState;

typedef struct PITState {
    DeviceState parent;

    uint32_t iobase;

    IRQLine *irq0;
    MemoryRegion io;
    Timer irq_timer;            /* counter 0 output transitions only */

    PITChannelState channels[3];
} PITState;

DeviceState *i8254_init(MemoryRegion *io_space, hwaddr base, IRQLine *irq0,
                        const char *id);
void i8254_set_gate(DeviceState *pit, int channel, int level);   /* PC port 0x61 bit 0 */
int i8254_get_out(DeviceState *pit, int channel);                 /* PC port 0x61 bit 5 */

extern const DeviceClass i8254_device_class;

#endif
