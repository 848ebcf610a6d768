/*
 * Support code for the bare-metal PC test guests: COM1 output with polling, a
 * printf with %s %c %d %u %x %08x, checks, and the 8259/8254 set-up.
 */
#include <stdarg.h>
#include "kvm-lib.h"

#define COM1 0x3f8

int test_failures;

void putc_uart(char c)
{
    if (c == '\n') {
        putc_uart('\r');
    }
    while (!(inb(COM1 + 5) & 0x20)) {
        /* wait for THRE */
    }
    outb(COM1, c);
}

void puts_uart(const char *s)
{
    while (*s) {
        putc_uart(*s++);
    }
}

static void put_num(uint32_t v, unsigned base, int width, char pad, bool neg)
{
    char buf[12];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        buf[n++] = '-';
    }
    while (n < width) {
        putc_uart(pad);
        width--;
    }
    while (n) {
        putc_uart(buf[--n]);
    }
}

void printf_uart(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        int width = 0;
        char pad = ' ';

        if (*fmt != '%') {
            putc_uart(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        switch (*fmt) {
        case 's':
            puts_uart(va_arg(ap, const char *));
            break;
        case 'c':
            putc_uart((char)va_arg(ap, int));
            break;
        case 'd': {
            int v = va_arg(ap, int);
            put_num(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u':
            put_num(va_arg(ap, uint32_t), 10, width, pad, false);
            break;
        case 'x':
            put_num(va_arg(ap, uint32_t), 16, width, pad, false);
            break;
        case '%':
            putc_uart('%');
            break;
        default:
            putc_uart('?');
            break;
        }
    }
    va_end(ap);
}

void check(bool ok, const char *what, uint32_t got, uint32_t want)
{
    if (ok) {
        printf_uart("ok: %s\n", what);
    } else {
        test_failures++;
        printf_uart("FAIL: %s (got 0x%x, want 0x%x)\n", what, got, want);
    }
}

/* 8259 pair: edge triggered, cascade on IR2, vectors at the given bases. */
void pic_init(uint8_t master_base, uint8_t slave_base)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, master_base);
    outb(0xa1, slave_base);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xfe);           /* only IRQ0 */
    outb(0xa1, 0xff);
}

void pic_eoi(int irq)
{
    if (irq >= 8) {
        outb(0xa0, 0x20);
    }
    outb(0x20, 0x20);
}

/* Counter 0, mode 2 (rate generator), binary. */
void pit_set_periodic(uint32_t hz)
{
    uint32_t div = 1193182 / hz;

    outb(0x43, 0x34);
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
}

void lapic_virtual_wire(void)
{
    volatile uint32_t *apic = (volatile uint32_t *)0xfee00000u;
    uint32_t a = 1, b, c, d;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    if (!(d & (1u << 9))) {
        return;
    }
    apic[0xf0 / 4] = 0x1ff;         /* SVR: software enable, spurious vector 0xff */
    apic[0x350 / 4] = 0x700;        /* LVT LINT0: ExtINT (the 8259) */
    apic[0x360 / 4] = 0x400;        /* LVT LINT1: NMI */
}
