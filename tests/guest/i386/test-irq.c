/* External interrupts: the 8259 PIC and 8254 PIT drive vector 0x20 through the CPU's
 * interrupt acknowledge; HLT wakes on an interrupt; IF and the STI shadow gate
 * delivery; the handler's frame returns to the interrupted code. */
#include "lib.h"

static volatile uint32_t ticks;
static volatile uint32_t irq_eip;

static void timer_handler(struct trap_frame *f)
{
    ticks++;
    irq_eip = f->eip;
    outb(0x20, 0x20);       /* EOI */
}

static void pic_init(void)
{
    outb(0x20, 0x11);
    outb(0x21, 0x20);       /* master base 0x20 */
    outb(0x21, 0x04);
    outb(0x21, 0x01);
    outb(0xa0, 0x11);
    outb(0xa1, 0x28);
    outb(0xa1, 0x02);
    outb(0xa1, 0x01);
    outb(0x21, 0xfe);       /* only IRQ0 */
    outb(0xa1, 0xff);
}

static void pit_init(uint16_t div)
{
    outb(0x43, 0x34);       /* channel 0, lo/hi, rate generator */
    outb(0x40, div & 0xff);
    outb(0x40, div >> 8);
}

int main(void)
{
    uint32_t t0, hlt_eip;

    trap_handlers[0x20] = timer_handler;
    pic_init();
    pit_init(1193);         /* ~1 kHz */

    __asm__ volatile("sti");
    for (int i = 0; i < 5; i++) {
        __asm__ volatile("hlt");
    }
    check("hlt woken by timer ticks", ticks >= 5, 1);

    /* With IF = 0 nothing is delivered, even once the PIC has IRQ0 pending (IRR). */
    __asm__ volatile("cli");
    t0 = ticks;
    outb(0x20, 0x0a);       /* OCW3: read IRR */
    for (int i = 0; i < 10000000 && !(inb(0x20) & 1); i++) {
    }
    check("irq0 pending in IRR", inb(0x20) & 1, 1);
    check("no delivery with IF=0", ticks, t0);
    /* An interrupt pending across STI is taken after the insn following STI: the
     * saved eip is past that insn (sti; nop; label). */
    __asm__ volatile("sti; movl $1f, %0; 1: nop; nop" : "=r"(hlt_eip));
    (void)hlt_eip;
    check("pending irq delivered after sti", ticks > t0, 1);

    /* sti; hlt is atomic: the wake-up interrupt lands after the hlt. */
    __asm__ volatile("cli");
    t0 = ticks;
    __asm__ volatile("sti; hlt; 2:");
    check("sti;hlt wakes", ticks > t0, 1);
    __asm__ volatile("cli");
    outb(0x21, 0xff);
    return done();
}
