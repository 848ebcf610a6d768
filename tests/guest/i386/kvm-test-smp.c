/*
 * Run with -smp 2: the local APIC (ID, version, software enable), an INIT and
 * start-up IPI that brings the second processor up in real mode at 0x8000, the
 * APIC timer in periodic mode (vector 0x40), and the PIT routed through the I/O
 * APIC (pin 2, vector 0x41) with the 8259s masked.
 */
#include "kvm-lib.h"

#define APIC(r) (*(volatile uint32_t *)(uintptr_t)(0xfee00000u + (r)))
#define IOAPIC_SEL (*(volatile uint32_t *)0xfec00000u)
#define IOAPIC_WIN (*(volatile uint32_t *)0xfec00010u)

extern const char ap_tramp[], ap_tramp_end[];

static void delay(void)
{
    for (volatile int i = 0; i < 20000; i++) {
    }
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    IOAPIC_SEL = reg;
    IOAPIC_WIN = v;
}

static uint32_t ioapic_read(uint32_t reg)
{
    IOAPIC_SEL = reg;
    return IOAPIC_WIN;
}

int main(void)
{
    volatile uint16_t *ap_count = (volatile uint16_t *)0x7ff0;
    char *dst = (char *)0x8000;

    printf_uart("\nSMP and APIC test\n");
    CHECK_EQ("BSP APIC ID", APIC(0x20) >> 24, 0);
    CHECK_EQ("APIC version", APIC(0x30) & 0xff00ff, 0x50014);
    APIC(0xf0) = 0x1ff;                             /* software enable */
    CHECK_EQ("SVR", APIC(0xf0), 0x1ff);
    CHECK_EQ("I/O APIC has 24 entries", (ioapic_read(1) >> 16) & 0xff, 0x17);

    /* Start the AP. */
    for (const char *p = ap_tramp; p < ap_tramp_end; p++) {
        *dst++ = *p;
    }
    *ap_count = 0;
    APIC(0x310) = 1u << 24;
    APIC(0x300) = 0x4500;                           /* INIT, assert */
    delay();
    APIC(0x300) = 0x8500;                           /* INIT, de-assert */
    delay();
    APIC(0x300) = 0x4608;                           /* start-up at 0x8000 */
    /* Under translation the AP runs when the BSP's time slice ends. */
    for (int i = 0; i < 200000000 && *ap_count == 0; i++) {
    }
    APIC(0x300) = 0x4608;                           /* a second SIPI is ignored */
    delay();
    CHECK_EQ("the AP started once", *ap_count, 1);

    /* APIC timer, periodic, divide by 16, ~1 kHz. */
    idt_init();
    APIC(0x3e0) = 0x3;
    APIC(0x320) = 0x20040;
    APIC(0x380) = 62500;
    sti();
    while (apic_count[0] < 20) {
        hlt();
    }
    APIC(0x320) = 0x10000;
    CHECK_EQ("APIC timer ticks", apic_count[0] >= 20, 1);

    /* The PIT through the I/O APIC: pin 2, vector 0x41, to APIC 0. */
    pic_init(0x20, 0x28);
    outb(0x21, 0xff);                               /* 8259s fully masked */
    ioapic_write(0x10 + 2 * 2, 0x41);
    ioapic_write(0x11 + 2 * 2, 0);
    pit_set_periodic(1000);
    while (apic_count[1] < 20) {
        hlt();
    }
    cli();
    CHECK_EQ("PIT ticks through the I/O APIC", apic_count[1] >= 20, 1);
    CHECK_EQ("no 8259 interrupts", irq0_count, 0);
    if (test_failures == 0) {
        printf_uart("ALL PASSED\n");
    }
    return test_failures;
}
