/* Support for the bare-metal i386 guest tests. */
#include <stdarg.h>
#include "lib.h"

#define COM1 0x3f8

volatile uint32_t recover_eip;
volatile uint32_t last_vec, last_err, last_eip, trap_count;
trap_handler_fn trap_handlers[256];
static int failures;
static int checks;

/* TSS: only ss0/esp0 and the I/O map base matter here. */
struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
    uint8_t iobitmap[8192 / 8 * 8 + 1];
} __attribute__((packed));
struct tss test_tss __attribute__((aligned(16)));

void putchar_(char c)
{
    if (c == '\n') {
        putchar_('\r');
    }
    while (!(inb(COM1 + 5) & 0x20)) {
    }
    outb(COM1, c);
}

void puts_(const char *s)
{
    while (*s) {
        putchar_(*s++);
    }
}

static void put_num(uint64_t v, int base, int width, int zero, int neg)
{
    char buf[24];
    int n = 0;

    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg) {
        buf[n++] = '-';
    }
    while (n < width) {
        buf[n++] = zero ? '0' : ' ';
    }
    while (n) {
        putchar_(buf[--n]);
    }
}

void printf_(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        int width = 0, zero = 0, ll = 0;

        if (*fmt != '%') {
            putchar_(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            zero = 1;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == 'l' && fmt[1] == 'l') {
            ll = 1;
            fmt += 2;
        }
        switch (*fmt) {
        case 'x':
            put_num(ll ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 16, width, zero, 0);
            break;
        case 'u':
            put_num(ll ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 10, width, zero, 0);
            break;
        case 'd': {
            int64_t v = ll ? va_arg(ap, int64_t) : va_arg(ap, int32_t);
            put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, zero, v < 0);
            break;
        }
        case 's':
            puts_(va_arg(ap, const char *));
            break;
        case 'c':
            putchar_((char)va_arg(ap, int));
            break;
        default:
            putchar_(*fmt);
            break;
        }
    }
    va_end(ap);
}

void check(const char *name, uint32_t got, uint32_t expected)
{
    checks++;
    if (got == expected) {
        printf_("ok %s\n", name);
    } else {
        failures++;
        printf_("FAIL %s: got 0x%x expected 0x%x\n", name, got, expected);
    }
}

void check64(const char *name, uint64_t got, uint64_t expected)
{
    checks++;
    if (got == expected) {
        printf_("ok %s\n", name);
    } else {
        failures++;
        printf_("FAIL %s: got 0x%llx expected 0x%llx\n", name, got, expected);
    }
}

void lib_init(void)
{
    /* Start on a fresh line: firmware may have left the cursor mid-line. */
    putchar_('\n');
}

int done(void)
{
    printf_("%d checks, %d failures\n", checks, failures);
    if (failures == 0) {
        puts_("DONE\n");
    }
    return failures ? 1 : 0;
}

void test_exit(int code)
{
    outb(0xf4, (uint8_t)code);
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}

void trap_dispatch(struct trap_frame *f)
{
    trap_count++;
    last_vec = f->vec;
    last_err = f->err;
    last_eip = f->eip;
    if (trap_handlers[f->vec]) {
        trap_handlers[f->vec](f);
        return;
    }
    if (recover_eip) {
        f->eip = recover_eip;
        recover_eip = 0;
        return;
    }
    printf_("FAIL unexpected trap %u err 0x%x at %x:%x\n", f->vec, f->err, f->cs, f->eip);
    test_exit(3);
}

void set_gdt_entry(int index, uint32_t base, uint32_t limit, uint32_t type_flags)
{
    /* type_flags: descriptor bits 8..23 of the high dword, in place. */
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | (type_flags & 0x00f0ff00) | (limit & 0xf0000) |
                  (base & 0xff000000);

    gdt[index] = ((unsigned long long)hi << 32) | lo;
}

void set_idt_gate(int vec, uint32_t handler, uint16_t sel, uint32_t type_dpl)
{
    uint32_t lo = (handler & 0xffff) | ((uint32_t)sel << 16);
    uint32_t hi = (handler & 0xffff0000) | (type_dpl & 0xff00) | 0x8000;

    idt[vec] = ((unsigned long long)hi << 32) | lo;
}

void tss_setup(uint32_t esp0)
{
    test_tss.ss0 = 0x10;
    test_tss.esp0 = esp0;
    test_tss.iomap = (uint16_t)((char *)test_tss.iobitmap - (char *)&test_tss);
    for (unsigned i = 0; i < sizeof(test_tss.iobitmap); i++) {
        test_tss.iobitmap[i] = 0xff;
    }
    set_gdt_entry(5, (uint32_t)&test_tss, sizeof(test_tss) - 1, 0x00008900);
    __asm__ volatile("ltr %w0" : : "r"(0x28));
}

void pic_init_irq0_only(void)
{
    outb(0x20, 0x11);       /* ICW1: edge, cascade, ICW4 */
    outb(0x21, 0x20);       /* master base 0x20 */
    outb(0x21, 0x04);       /* slave on IR2 */
    outb(0x21, 0x01);       /* 8086 mode */
    outb(0xa0, 0x11);
    outb(0xa1, 0x28);       /* slave base 0x28 */
    outb(0xa1, 0x02);
    outb(0xa1, 0x01);
    outb(0x21, 0xfe);       /* only IRQ0 */
    outb(0xa1, 0xff);
}

void pit_init(uint16_t div)
{
    outb(0x43, 0x34);       /* channel 0, lo/hi, rate generator */
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
}
