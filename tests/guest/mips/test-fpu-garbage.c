/*
 * FPU garbage: pages of pseudo-random words, most of them in the CP1 opcode space
 * (COP1 with the S/D/W/L/PS formats and the move/branch forms, COP1X, LWC1/LDC1/
 * SWC1/SDC1, SPECIAL MOVCI), executed in user mode on the 24Kf with CU1 = 1, FR
 * alternating between pages and random FCSR enables and rounding modes. Every
 * outcome must be a guest exception or a result: the emulator must not crash or
 * hang. Each exception in the page skips its insn (or the branch and its slot);
 * leaving the page or running too long (timer watchdog) ends the run.
 * guest-args: -cpu 24Kf */
#include "garbage.h"

#define ST_CU1 (1u << 29)
#define ST_FR  (1u << 26)

/* A word biased toward the FPU's encodings. */
static u32 fpu_word(void)
{
    static const u32 majors[] = { 0x11, 0x11, 0x11, 0x13, 0x31, 0x35, 0x39, 0x3d };
    u32 w = garbage_rnd(), k = garbage_rnd() % 16;

    if (k < 8) {
        w = (w & 0x03ffffffu) | (majors[k] << 26);
        if (majors[k] == 0x11 && (garbage_rnd() & 1)) {
            /* A format the arithmetic decodes: S, D, W, L, PS. */
            static const u32 fmts[] = { 0x10, 0x11, 0x14, 0x15, 0x16 };
            w = (w & ~(0x1fu << 21)) | (fmts[garbage_rnd() % 5] << 21);
        }
    } else if (k == 8) {
        w = (w & 0x03fff83fu & ~0x3fu) | 0x01u;     /* MOVCI */
    }
    return w;
}

int main(void)
{
    u32 st = mfc0(12, 0);
    volatile u32 *page = garbage_page();
    int pages = 32;

    garbage_seed = 4242;
    exc_hook = garbage_hook;
    for (int p = 0; p < pages; p++) {
        u32 fcsr = garbage_rnd() & 0x01000f83u;    /* FS, Enables, RM */
        u32 st_user = st | ST_CU1 | ((p & 1) ? ST_FR : 0);

        for (int i = 0; i < 1024; i++) {
            page[i] = fpu_word();
        }
        mtc0(12, 0, st_user);
        __asm__ volatile(".set push\n\t.set hardfloat\n\tctc1 %0, $31\n\t.set pop"
                         : : "r"(fcsr));
        garbage_run(st_user, st);
    }
    garbage_report("fpu garbage pages all returned", pages, st);
    done();
    return 0;
}
