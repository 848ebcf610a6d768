/* x87 FPU: FNINIT state, control/status/tag words, loads/stores and conversions,
 * arithmetic, compares (FCOM/FCOMI), rounding control, stack faults, FSAVE/FRSTOR
 * (Intel SDM Vol. 1 ch. 8). */
#include "lib.h"

static uint16_t fsw(void)
{
    uint16_t v;
    __asm__ volatile("fnstsw %0" : "=m"(v));
    return v;
}

int main(void)
{
    uint16_t cw, sw;
    uint32_t i32, f;
    double d;
    float fl;
    static uint8_t save[108], save2[108];

    __asm__ volatile("fninit; fnstcw %0" : "=m"(cw));
    check("fninit cw", cw, 0x37f);
    check("fninit sw", fsw(), 0);

    /* 1 + 2 = 3, stored as a double. */
    __asm__ volatile("fld1; fld1; fadd %%st(0), %%st(0); faddp; fstpl %0" : "=m"(d));
    check64("fld1+2", *(uint64_t *)&d, 0x4008000000000000ull);
    /* 10 / 4 = 2.5 via integer loads. */
    static const int32_t ten = 10, four = 4;
    __asm__ volatile("fildl %1; fidivl %2; fstps %0" : "=m"(fl) : "m"(ten), "m"(four));
    check("fidiv", *(uint32_t *)&fl, 0x40200000);
    /* sqrt(2) rounded to float. */
    __asm__ volatile("fld1; fld1; faddp; fsqrt; fstps %0" : "=m"(fl));
    check("fsqrt", *(uint32_t *)&fl, 0x3fb504f3);
    /* fist with rounding modes: 2.5 -> 2 (nearest even), 3 (up), 2 (down/chop). */
    static const float two5 = 2.5f, m25 = -2.5f;
    __asm__ volatile("flds %1; fistpl %0" : "=m"(i32) : "m"(two5));
    check("fist nearest", i32, 2);
    cw = 0x0b7f;
    __asm__ volatile("fldcw %2; flds %1; fistpl %0" : "=m"(i32) : "m"(two5), "m"(cw));
    check("fist up", i32, 3);
    cw = 0x077f;
    __asm__ volatile("fldcw %2; flds %1; fistpl %0" : "=m"(i32) : "m"(m25), "m"(cw));
    check("fist down", i32, (uint32_t)-3);
    cw = 0x0f7f;
    __asm__ volatile("fldcw %2; flds %1; fistpl %0" : "=m"(i32) : "m"(m25), "m"(cw));
    check("fist chop", i32, (uint32_t)-2);
    __asm__ volatile("fninit");

    /* Compares. */
    __asm__ volatile("fld1; fldz; fcompp; fnstsw %%ax" : "=a"(sw));
    check("fcompp 0 < 1 -> C0", sw & 0x4500, 0x0100);
    __asm__ volatile("fld1; fld1; fucomip %%st(1), %%st; fstp %%st(0); pushfl; popl %0"
                     : "=r"(f));
    check("fucomip equal -> ZF", f & (F_ZF | F_CF | F_PF), F_ZF);
    __asm__ volatile("fldz; fld1; fcomip %%st(1), %%st; fstp %%st(0); pushfl; popl %0"
                     : "=r"(f));
    check("fcomip 1 > 0", f & (F_ZF | F_CF | F_PF), 0);
    __asm__ volatile("fldz; fxam; fnstsw %%ax; fstp %%st(0)" : "=a"(sw));
    check("fxam zero", sw & 0x4700, 0x4000);
    __asm__ volatile("fninit; fxam; fnstsw %%ax" : "=a"(sw));
    check("fxam empty", sw & 0x4500, 0x4100);

    /* Stack overflow/underflow (IE + SF, C1) is checked against the hardware by
     * difftest.c: QEMU's x87 (the oracle for these tests) does not model it. */

    /* Divide by zero (masked): ZE and infinity. */
    __asm__ volatile("fninit; fld1; fldz; fdivrp; fstpl %0; fnstsw %%ax" : "=m"(d), "=a"(sw));
    check("div0 ZE", sw & 0x04, 0x04);
    check64("div0 inf", *(uint64_t *)&d, 0x7ff0000000000000ull);

    /* FSAVE/FRSTOR round trip. */
    __asm__ volatile("fninit; fldpi; fld1; fnsave %0" : "=m"(save));
    check("fnsave reinitializes", fsw(), 0);
    check("fnsave cw", *(uint16_t *)save, 0x37f);
    check("fnsave top", (*(uint16_t *)(save + 4) >> 11) & 7, 6);
    check("fnsave tag", *(uint16_t *)(save + 8), 0x0fff);
    __asm__ volatile("frstor %1; fnsave %0" : "=m"(save2) : "m"(save));
    int same = 1;
    for (int i = 0; i < 108; i++) {
        if (i >= 12 && i < 28) {
            continue;   /* instruction/data pointers */
        }
        same &= save[i] == save2[i];
    }
    check("frstor/fnsave identical", same, 1);
    __asm__ volatile("frstor %1; fstpl %0" : "=m"(d) : "m"(save));
    check64("frstor st0", *(uint64_t *)&d, 0x3ff0000000000000ull);
    __asm__ volatile("fstpl %0" : "=m"(d));
    check64("frstor st1 pi", *(uint64_t *)&d, 0x400921fb54442d18ull);
    __asm__ volatile("fninit");
    return done();
}
