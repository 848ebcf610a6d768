/*
 * Garbage: pages of pseudo-random words executed in user mode must only ever produce
 * guest exceptions. Each page is mapped read-only at 0x00400000; every exception
 * inside the page skips the instruction (or the branch and its slot); leaving the
 * page, or running too long (timer watchdog), ends the run.
 */
#include "garbage.h"

int main(void)
{
    u32 st = mfc0(12, 0);
    volatile u32 *page = garbage_page();
    int pages = 24;

    garbage_seed = 12345;
    exc_hook = garbage_hook;
    for (int p = 0; p < pages; p++) {
        for (int i = 0; i < 1024; i++) {
            page[i] = garbage_rnd();
        }
        garbage_run(st, st);
    }
    garbage_report("garbage pages all returned", pages, st);
    done();
    return 0;
}
