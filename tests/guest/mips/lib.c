/* Support library of the bare-metal MIPS guest tests (see lib.h). */
#include "lib.h"

#define UART_BASE 0xb80003f8u
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

int failures;
volatile struct excp_record last_exc;
volatile u32 resume_addr;
int (*volatile exc_hook)(struct frame *f);

void putc_uart(char c)
{
    volatile unsigned char *uart = (volatile unsigned char *)UART_BASE;

    while (!(uart[UART_LSR] & UART_LSR_THRE)) {
    }
    uart[UART_THR] = (unsigned char)c;
}

void puts_uart(const char *s)
{
    while (*s) {
        if (*s == '\n') {
            putc_uart('\r');
        }
        putc_uart(*s++);
    }
}

void puthex(u32 v)
{
    static const char digits[] = "0123456789abcdef";

    puts_uart("0x");
    for (int i = 28; i >= 0; i -= 4) {
        putc_uart(digits[(v >> i) & 15]);
    }
}

void check(const char *name, u32 got, u32 expected)
{
    if (got == expected) {
        puts_uart("ok ");
        puts_uart(name);
        puts_uart("\n");
    } else {
        failures++;
        puts_uart("FAIL ");
        puts_uart(name);
        puts_uart(": got ");
        puthex(got);
        puts_uart(" expected ");
        puthex(expected);
        puts_uart("\n");
    }
}

void check64(const char *name, u64 got, u64 expected)
{
    if (got == expected) {
        check(name, 0, 0);
        return;
    }
    failures++;
    puts_uart("FAIL ");
    puts_uart(name);
    puts_uart(": got ");
    puthex((u32)(got >> 32));
    puthex((u32)got);
    puts_uart(" expected ");
    puthex((u32)(expected >> 32));
    puthex((u32)expected);
    puts_uart("\n");
}

void done(void)
{
    puts_uart(failures ? "failures\n" : "all passed\n");
    puts_uart("DONE\n");
}

void reset_exc(void)
{
    last_exc.count = 0;
    last_exc.cause = last_exc.epc = last_exc.badvaddr = 0;
    last_exc.vec = 0xffffffffu;
    resume_addr = 0;
}

void user_finish(struct frame *f)
{
    f->epc = (u32)user_return;
    /* Back to kernel mode with interrupts off; EXL stays set until the eret. */
    f->status &= ~0x19u;   /* also IE: nothing may interrupt user_return */
}

u32 trap_entry(struct frame *f)
{
    last_exc.count++;
    last_exc.cause = f->cause;
    last_exc.epc = f->epc;
    last_exc.badvaddr = f->badvaddr;
    last_exc.vec = f->vec;
    last_exc.status = f->status;
    if (exc_hook && exc_hook(f)) {
        return 0;
    }
    if (EXC_CODE(f->cause) == 0) {
        /* Unexpected interrupt: mask everything so we do not loop. */
        f->status &= ~0xff01u;
        puts_uart("FAIL unexpected interrupt\n");
        failures++;
        return 0;
    }
    if (f->cause & CAUSE_BD) {
        f->epc = resume_addr ? resume_addr : f->epc + 8;
    } else {
        f->epc += 4;
    }
    return 0;
}

volatile u32 nfault, fault_epc[2], fault_cause[2];

int fault_record_hook(struct frame *f)
{
    if (nfault < 2) {
        fault_epc[nfault] = f->epc;
        fault_cause[nfault] = f->cause;
    }
    nfault++;
    return 0;                               /* the default handling goes on */
}

static volatile u32 irq_stop_flag;

static int irq_stop_hook(struct frame *f)
{
    if (EXC_CODE(f->cause) == 0 && (f->cause & 0x8000u)) {
        irq_stop_flag = 1;
        mtc0(11, 0, mfc0(9, 0) - 1);        /* acknowledge */
        return 1;
    }
    return 0;
}

void spin_until_irq(const char *name, u32 (*fn)(volatile u32 *flag))
{
    u32 st = mfc0(12, 0);

    exc_hook = irq_stop_hook;
    reset_exc();
    irq_stop_flag = 0;
    mtc0(11, 0, mfc0(9, 0) + 200000);        /* ~2 ms */
    mtc0(12, 0, st | 0x8001u);               /* IM7, IE */
    fn(&irq_stop_flag);                      /* returns only once the IRQ is taken */
    mtc0(12, 0, st);
    exc_hook = 0;
    check(name, irq_stop_flag, 1);
}
