/*
 * Shared by the garbage tests (test-garbage.c, test-fpu-garbage.c): pages of
 * pseudo-random words run in user mode from a read-only mapping at GARBAGE_VA.
 * The exception hook skips each faulting insn inside the page (or the branch and
 * its slot); leaving the page, 20000 exceptions or the timer watchdog (a looping
 * page) end the run. Every outcome must be a guest exception or a result.
 */
#ifndef GUEST_MIPS_GARBAGE_H
#define GUEST_MIPS_GARBAGE_H

#include "lib.h"

#define GARBAGE_VA 0x00400000u
#define GARBAGE_PA 0x00800000u

static volatile u32 garbage_nexc, garbage_ncodes[32], garbage_runs_ended;
static u32 garbage_seed;

static u32 garbage_rnd(void)
{
    garbage_seed = garbage_seed * 1103515245u + 12345u;
    return (garbage_seed >> 16) | (garbage_seed << 16);
}

static int garbage_hook(struct frame *f)
{
    u32 code = EXC_CODE(f->cause);
    u32 epc = f->epc;

    garbage_nexc++;
    garbage_ncodes[code]++;
    if (code == 0) {
        mtc0(11, 0, mfc0(9, 0) - 1);        /* watchdog: the page looped */
    } else if (garbage_nexc <= 20000 && epc >= GARBAGE_VA &&
               epc < GARBAGE_VA + 4096 - 8) {
        f->epc = epc + ((f->cause & CAUSE_BD) ? 8 : 4);
        return 1;
    }
    user_finish(f);
    garbage_runs_ended++;
    return 1;
}

/* The page at GARBAGE_PA: even page of a pair, readable/executable, not writable. */
static volatile u32 *garbage_page(void)
{
    return (volatile u32 *)(0x80000000u | GARBAGE_PA);
}

/* Map the page, arm the 20 ms watchdog and run it in user mode with Status st_user
 * (the interrupt and mode bits are set here); Status is st_kernel afterwards. */
static void garbage_run(u32 st_user, u32 st_kernel)
{
    mtc0(0, 0, 0);
    mtc0(10, 0, GARBAGE_VA | 1);
    mtc0(2, 0, (((GARBAGE_PA) >> 12) << 6) | (2u << 3) | 2u);
    mtc0(3, 0, 0);
    mtc0(5, 0, 0);
    __asm__ volatile("tlbwi\n\tehb" : : : "memory");
    mtc0(10, 0, 1);
    garbage_nexc = 0;
    mtc0(11, 0, mfc0(9, 0) + 2000000);
    mtc0(12, 0, (st_user & ~0xff00u) | 0x8001u);
    run_user(GARBAGE_VA);
    mtc0(12, 0, st_kernel);
}

/* Every page returned, the kernel state intact, the exception counts by code. */
static void garbage_report(const char *what, int pages, u32 st)
{
    exc_hook = 0;
    check(what, garbage_runs_ended, (u32)pages);
    check("kernel state intact", mfc0(12, 0), st);
    puts_uart("exceptions by code:");
    for (int c = 0; c < 32; c++) {
        if (garbage_ncodes[c]) {
            puts_uart(" ");
            puthex((u32)c);
            puts_uart("=");
            puthex(garbage_ncodes[c]);
        }
    }
    puts_uart("\n");
}

#endif
