/*
 * Support for the bare-metal PC test guests (kvm-*.c): port I/O, the COM1 UART,
 * a small printf, the 8259/8254 and an IDT for protected-mode interrupts.
 */
#ifndef KVM_LIB_H
#define KVM_LIB_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void putc_uart(char c);
void puts_uart(const char *s);
void printf_uart(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Check and report: prints "ok: what" or "FAIL: what (got, want)"; counts failures. */
extern int test_failures;
void check(bool ok, const char *what, uint32_t got, uint32_t want);
static inline void check_eq(const char *what, uint32_t got, uint32_t want)
{
    check(got == want, what, got, want);
}
#define CHECK_EQ(what, got, want) check_eq(what, (uint32_t)(got), (uint32_t)(want))

/* Protected-mode interrupts: IDT in RAM, handlers in assembly (kvm-irq.S). */
void idt_init(void);
void pic_init(uint8_t master_base, uint8_t slave_base);
/* A local APIC (if CPUID has one) masks the 8259's INTR after reset until
 * firmware programs LINT0: put it in virtual wire mode as a BIOS does. */
void lapic_virtual_wire(void);
void pic_eoi(int irq);
void pit_set_periodic(uint32_t hz);
extern volatile uint32_t irq0_count;
extern volatile uint32_t apic_count[2];     /* vectors 0x40, 0x41 */

static inline void sti(void) { __asm__ volatile("sti"); }
static inline void cli(void) { __asm__ volatile("cli"); }
static inline void hlt(void) { __asm__ volatile("hlt"); }

#endif
