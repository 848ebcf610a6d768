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

/* IF = 0 until IRQ0 is pending in the PIC's IRR; returns the tick count then. */
static uint32_t wait_pending(void)
{
    __asm__ volatile("cli");
    outb(0x20, 0x0a);       /* OCW3: read IRR */
    for (int i = 0; i < 10000000 && !(inb(0x20) & 1); i++) {
    }
    return ticks;
}

/* STI; JMP with IF left clear at the target; returns the target's address. */
static uint32_t __attribute__((noinline)) sti_jmp(void)
{
    uint32_t target;

    __asm__ volatile("movl $3f, %0; sti; jmp 3f; nop; nop; 3: cli" : "=r"(target));
    return target;
}

int main(void)
{
    uint32_t t0, hlt_eip;

    trap_handlers[0x20] = timer_handler;
    pic_init_irq0_only();
    pit_init(1193);         /* ~1 kHz */

    __asm__ volatile("sti");
    for (int i = 0; i < 5; i++) {
        __asm__ volatile("hlt");
    }
    check("hlt woken by timer ticks", ticks >= 5, 1);

    /* With IF = 0 nothing is delivered, even once the PIC has IRQ0 pending (IRR). */
    t0 = wait_pending();
    check("irq0 pending in IRR", inb(0x20) & 1, 1);
    check("no delivery with IF=0", ticks, t0);
    /* An interrupt pending across STI is taken after the insn following STI: the
     * saved eip is past that insn (sti; movl; label). The CLI there keeps later
     * ticks from overwriting irq_eip before it is checked. */
    __asm__ volatile("sti; movl $1f, %0; 1: cli" : "=r"(hlt_eip));
    check("pending irq delivered after sti", ticks > t0, 1);
    check("delivered right after the shadow insn", irq_eip, hlt_eip);

    /* The insn in the shadow is a jump: the interrupt lands at its target. The
     * same code runs first with nothing pending, so that a translator that chains
     * the jump would be caught skipping the interrupt on the later runs. */
    for (int i = 0; i < 6; i++) {
        if (i % 3 != 2) {
            __asm__ volatile("sti; hlt");   /* a tick just went: none pending */
            sti_jmp();
            continue;
        }
        t0 = wait_pending();
        hlt_eip = sti_jmp();
        check("irq after sti; jmp", ticks > t0, 1);
        check("delivered at the jump target", irq_eip, hlt_eip);
    }

    /* sti; hlt is atomic: the wake-up interrupt lands after the hlt. */
    __asm__ volatile("cli");
    t0 = ticks;
    __asm__ volatile("movl $2f, %0; sti; hlt; 2: cli" : "=r"(hlt_eip));
    check("sti;hlt wakes", ticks > t0, 1);
    check("sti;hlt irq lands after the hlt", irq_eip, hlt_eip);
    __asm__ volatile("cli");
    outb(0x21, 0xff);
    return done();
}
