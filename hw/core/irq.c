/*
 * Interrupt lines. A line is just (handler, opaque, n): the source calls irq_set()
 * and the sink's handler sees the level; no state is kept here, so a sink that
 * needs edge detection keeps the previous level itself.
 */
#include "qemu/osdep.h"
#include "hw/irq.h"

IRQLine *irq_new(IRQHandler handler, void *opaque, int n)
{
    IRQLine *irq = g_new0(IRQLine, 1);

    assert(handler);
    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

IRQLine **irq_new_array(IRQHandler handler, void *opaque, int count)
{
    IRQLine **lines = g_new0(IRQLine *, count);

    for (int i = 0; i < count; i++) {
        lines[i] = irq_new(handler, opaque, i);
    }
    return lines;
}

void irq_free(IRQLine *irq)
{
    g_free(irq);
}
