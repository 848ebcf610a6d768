/*
 * Small ISA devices of the PC board: System Control Port A (port 0x92), the
 * isa-debug-exit test device and the isa-debugcon debug console (Bochs port 0xe9
 * convention, OVMF/SeaBIOS use 0x402).
 */
#ifndef HW_I386_ISA_MISC_H
#define HW_I386_ISA_MISC_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "chardev/char.h"

#define TYPE_PORT92 "port92"
#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"
#define TYPE_ISA_DEBUGCON "isa-debugcon"

#define PORT92_FAST_RESET  0x01
#define PORT92_A20         0x02

typedef struct Port92State {
    DeviceState parent;
    MemoryRegion io;
    IRQLine *reset_out;         /* pulsed on a 0 -> 1 write of bit 0 */
    IRQLine *a20_out;           /* follows bit 1 */
    uint8_t outport;
} Port92State;

typedef struct ISADebugExitState {
    DeviceState parent;
    uint32_t iobase;            /* property, default 0x501 */
    uint32_t iosize;            /* property, default 2 */
    MemoryRegion io;
} ISADebugExitState;

typedef struct ISADebugconState {
    DeviceState parent;
    uint32_t iobase;            /* property, default 0xe9 */
    uint32_t readback;          /* property: what a read returns, default 0xe9 */
    Chardev *chr;               /* property "chardev" */
    MemoryRegion io;
} ISADebugconState;

/* Port 0x92 on io_space; either line may be NULL. */
Port92State *port92_init(MemoryRegion *io_space, IRQLine *reset_out, IRQLine *a20_out);
uint64_t port92_read(void *opaque, hwaddr off, unsigned size);
void port92_write(void *opaque, hwaddr off, uint64_t val, unsigned size);

/* Both map themselves into the system I/O space when realized (-device). */
void isa_debug_exit_write(void *opaque, hwaddr off, uint64_t val, unsigned size);
void isa_debugcon_write(void *opaque, hwaddr off, uint64_t val, unsigned size);

extern const DeviceClass port92_device_class;
extern const DeviceClass isa_debug_exit_device_class;
extern const DeviceClass isa_debugcon_device_class;

#endif
