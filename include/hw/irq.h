/*
 * Interrupt lines: small objects that carry a level from a source to a sink.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

#include "qemu/osdep.h"

typedef void (*IRQHandler)(void *opaque, int n, int level);

typedef struct IRQLine {
    IRQHandler handler;
    void *opaque;
    int n;
} IRQLine;

IRQLine *irq_new(IRQHandler handler, void *opaque, int n);
/* An array of count lines numbered 0..count-1 that all go to handler. */
IRQLine **irq_new_array(IRQHandler handler, void *opaque, int count);
void irq_free(IRQLine *irq);

static inline void irq_set(IRQLine *irq, int level)
{
    if (irq) {
        irq->handler(irq->opaque, irq->n, level);
    }
}
static inline void irq_raise(IRQLine *irq) { irq_set(irq, 1); }
static inline void irq_lower(IRQLine *irq) { irq_set(irq, 0); }
static inline void irq_pulse(IRQLine *irq) { irq_set(irq, 1); irq_set(irq, 0); }

#endif
