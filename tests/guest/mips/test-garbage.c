/*
 * Garbage: pages of pseudo-random words executed in user mode must only ever produce
 * guest exceptions. Each page is mapped read-only at 0x00400000; every exception
 * inside the page skips the instruction (or the branch and its slot); leaving the
 * page, or running too long (timer watchdog), ends the run.
 */
#include "lib.h"

#define PAGE_VA 0x00400000u
#define PAGE_PA 0x00800000u
#define LO(pa, flags) ((((pa) >> 12) << 6) | (2u << 3) | (flags))

static volatile u32 nexc, ncodes[32], runs_ended;
static u32 seed = 12345;

static u32 rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 16) | (seed << 16);
}

static int garbage_hook(struct frame *f)
{
    u32 code = EXC_CODE(f->cause);
    u32 epc = f->epc;

    nexc++;
    ncodes[code]++;
    if (code == 0) {
        /* Watchdog: the page looped. */
        mtc0(11, 0, mfc0(9, 0) - 1);
        user_finish(f);
        runs_ended++;
        return 1;
    }
    if (nexc > 20000) {
        user_finish(f);
        runs_ended++;
        return 1;
    }
    if (epc >= PAGE_VA && epc < PAGE_VA + 4096 - 8) {
        f->epc = epc + ((f->cause & CAUSE_BD) ? 8 : 4);
        return 1;
    }
    user_finish(f);
    runs_ended++;
    return 1;
}

int main(void)
{
    u32 st = mfc0(12, 0);
    volatile u32 *page = (volatile u32 *)(0x80000000u | PAGE_PA);
    int pages = 24;

    exc_hook = garbage_hook;
    for (int p = 0; p < pages; p++) {
        for (int i = 0; i < 1024; i++) {
            page[i] = rnd();
        }
        /* Page-aligned pair, even page readable/executable, not writable. */
        mtc0(0, 0, 0);
        mtc0(10, 0, PAGE_VA | 1);
        mtc0(2, 0, LO(PAGE_PA, 2));
        mtc0(3, 0, 0);
        mtc0(5, 0, 0);
        __asm__ volatile("tlbwi\n\tehb" : : : "memory");
        mtc0(10, 0, 1);
        nexc = 0;
        mtc0(11, 0, mfc0(9, 0) + 2000000);    /* 20 ms watchdog */
        mtc0(12, 0, (st & ~0xff00u) | 0x8001u);
        run_user(PAGE_VA);
        mtc0(12, 0, st);
    }
    exc_hook = 0;
    check("garbage pages all returned", runs_ended, (u32)pages);
    check("kernel state intact", mfc0(12, 0), st);
    puts_uart("exceptions by code:");
    for (int c = 0; c < 32; c++) {
        if (ncodes[c]) {
            puts_uart(" ");
            puthex((u32)c);
            puts_uart("=");
            puthex(ncodes[c]);
        }
    }
    puts_uart("\n");
    done();
    return 0;
}
