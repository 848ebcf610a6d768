/*
 * A triple fault resets the machine: the first boot marks CMOS byte 0x40 and
 * faults with an empty IDT (ud2 -> #UD -> #GP -> #DF -> shutdown); after the
 * reset the program starts again from the reset vector, finds the mark (CMOS
 * keeps its contents across a reset, as the battery-backed RAM does), clears it
 * and passes. A keyboard-controller reset (0xFE to port 0x64) is tested the
 * same way with mark 2.
 */
#include "kvm-lib.h"

static uint8_t cmos_read(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

static void cmos_write(uint8_t idx, uint8_t v)
{
    outb(0x70, idx);
    outb(0x71, v);
}

int main(void)
{
    static const struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) empty_idt = { 0, 0 };
    uint8_t mark = cmos_read(0x40);

    printf_uart("\nboot with mark %u\n", mark);
    if (mark == 0) {
        cmos_write(0x40, 1);
        printf_uart("triple fault\n");
        __asm__ volatile("lidt %0; ud2" : : "m"(empty_idt));
        printf_uart("FAIL: still running\n");
        return 1;
    }
    if (mark == 1) {
        cmos_write(0x40, 2);
        printf_uart("reset through the keyboard controller\n");
        outb(0x64, 0xfe);
        for (volatile int i = 0; i < 10000000; i++) {
        }
        printf_uart("FAIL: still running\n");
        return 1;
    }
    cmos_write(0x40, 0);
    CHECK_EQ("came back after both resets", mark, 2);
    if (test_failures == 0) {
        printf_uart("ALL PASSED\n");
    }
    return test_failures;
}
