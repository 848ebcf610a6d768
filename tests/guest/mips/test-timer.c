/*
 * The CP0 timer: Count advances, Count = Compare raises IP7 (Cause.TI), writing
 * Compare clears it, the interrupt is taken with IE = 1 and IM7, and WAIT wakes on it.
 */
#include "lib.h"

static volatile int ticks;
static volatile u32 tick_cause;

static int timer_hook(struct frame *f)
{
    if (EXC_CODE(f->cause) == 0 && (f->cause & 0x8000u)) {
        ticks++;
        tick_cause = f->cause;
        /* Acknowledge by writing Compare far away. */
        mtc0(11, 0, mfc0(9, 0) - 1);
        return 1;
    }
    return 0;
}

int main(void)
{
    u32 st = mfc0(12, 0), c0, c1, cause;

    /* Count runs. */
    c0 = mfc0(9, 0);
    for (volatile int i = 0; i < 1000; i++) {
    }
    c1 = mfc0(9, 0);
    check("Count advances", c1 != c0, 1);
    mtc0(9, 0, 0x1000);
    c0 = mfc0(9, 0);
    check("Count written", c0 >= 0x1000 && c0 < 0x1000 + 10000000u, 1);

    /* Poll TI with interrupts disabled. */
    mtc0(11, 0, mfc0(9, 0) + 20000);          /* ~0.2 ms at 100 MHz */
    check("TI clear after Compare write", mfc0(13, 0) & 0x40000000u, 0);
    for (int i = 0; i < 100000000 && !(mfc0(13, 0) & 0x40000000u); i++) {
    }
    cause = mfc0(13, 0);
    check("TI set when Count reaches Compare", cause & 0x40000000u, 0x40000000u);
    check("IP7 pending", cause & 0x8000u, 0x8000u);
    mtc0(11, 0, mfc0(9, 0) - 1);
    cause = mfc0(13, 0);
    check("Compare write clears TI", cause & 0x40000000u, 0);
    check("Compare write clears IP7", cause & 0x8000u, 0);

    /* Interrupt with IE = 1: taken from a busy loop. */
    exc_hook = timer_hook;
    reset_exc();
    ticks = 0;
    mtc0(11, 0, mfc0(9, 0) + 50000);
    mtc0(12, 0, st | 0x8001u);                /* IM7, IE */
    for (int i = 0; i < 100000000 && ticks == 0; i++) {
    }
    mtc0(12, 0, st);
    check("timer interrupt taken", ticks, 1);
    check("timer interrupt ExcCode 0", EXC_CODE(tick_cause), 0);
    check("timer interrupt TI", tick_cause & 0x40000000u, 0x40000000u);
    check("timer interrupt vector", last_exc.vec, 1);

    /* WAIT sleeps until the timer interrupt. */
    ticks = 0;
    mtc0(11, 0, mfc0(9, 0) + 100000);         /* 1 ms */
    mtc0(12, 0, st | 0x8001u);
    __asm__ volatile("wait\n\tnop" : : : "memory");
    c1 = ticks;
    mtc0(12, 0, st);
    check("wait woken by timer", c1, 1);

    /* Several ticks in a row, each re-armed by the handler... by us here. */
    ticks = 0;
    for (int n = 0; n < 5; n++) {
        mtc0(11, 0, mfc0(9, 0) + 10000);
        mtc0(12, 0, st | 0x8001u);
        __asm__ volatile("wait\n\tnop" : : : "memory");
        mtc0(12, 0, st);
    }
    check("five waits, five ticks", ticks, 5);

    /* Cause.DC stops Count. */
    mtc0(13, 0, 0x08000000u);
    c0 = mfc0(9, 0);
    for (volatile int i = 0; i < 10000; i++) {
    }
    c1 = mfc0(9, 0);
    mtc0(13, 0, 0);
    check("Cause.DC freezes Count", c1, c0);
    exc_hook = 0;
    done();
    return 0;
}
