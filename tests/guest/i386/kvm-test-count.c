/*
 * A long-running, timing-independent guest for snapshot tests: counts PIT ticks
 * (1 kHz) while halted and prints "count N" every 100 ticks up to 30, keeping a
 * running checksum of guest-visible state in RAM. A machine saved mid-run and
 * restored (under the same or the other accelerator) must print exactly the lines
 * an uninterrupted run prints.
 */
#include "kvm-lib.h"

static volatile uint32_t state[64];

int main(void)
{
    uint32_t last = 0, sum = 0;

    printf_uart("\ncount test\n");
    idt_init();
    lapic_virtual_wire();
    pic_init(0x20, 0x28);
    pit_set_periodic(1000);
    sti();
    while (last < 3000) {
        hlt();
        while (last < 3000 && irq0_count >= last + 100) {
            last += 100;
            /* Work whose result depends on every earlier step. */
            for (int i = 0; i < 64; i++) {
                state[i] = state[i] * 1103515245u + last + i;
                sum ^= state[i];
            }
            printf_uart("count %u sum %08x\n", last / 100, sum);
        }
    }
    cli();
    CHECK_EQ("3000 ticks", irq0_count >= 3000, 1);
    if (test_failures == 0) {
        printf_uart("ALL PASSED\n");
    }
    return test_failures;
}
