/*
 * x87 state survives the accelerator's register synchronisation: the stack is
 * loaded, the control word changed, and an interrupt handler runs in between
 * (under KVM on page-table based hosts its 32-bit iret goes through the
 * translator, so every register, the x87 stack, tags, status and control word
 * make a round trip CPU -> mimic -> CPU); then the values are checked bit for
 * bit, and integer registers across the interrupt too.
 */
#include "kvm-lib.h"

int main(void)
{
    uint16_t cw = 0, sw = 0;
    uint32_t pi_bits[3] = { 0 }, one_bits[3] = { 0 };
    uint32_t esi = 0, edi = 0, ebp_ok = 0;
    uint16_t newcw = 0x0e7f;            /* round toward zero, all masked, 64-bit */
    int32_t ival = -123456789;
    int32_t iout = 0;

    printf_uart("\nx87 and register sync test\n");
    idt_init();
    __asm__ volatile("fninit; fldcw %0" : : "m"(newcw));
    __asm__ volatile("fildl %0; fld1; fldpi" : : "m"(ival));
    /* An interrupt in the middle (vector 0x41: counts and sends an APIC EOI,
     * harmless without an APIC: the write goes nowhere). */
    __asm__ volatile("movl $0x600dbeef, %%esi; movl $0x12345678, %%edi; "
                     "pushl %%ebp; movl $0x0badcafe, %%ebp; int $0x41; "
                     "cmpl $0x0badcafe, %%ebp; sete %%al; movzbl %%al, %%eax; "
                     "popl %%ebp; movl %%esi, %0; movl %%edi, %1; movl %%eax, %2"
                     : "=m"(esi), "=m"(edi), "=m"(ebp_ok) : : "eax", "esi", "edi",
                     "memory");
    __asm__ volatile("fnstcw %0; fnstsw %1" : "=m"(cw), "=m"(sw));
    __asm__ volatile("fstpt %0; fstpt %1; fistpl %2"
                     : "=m"(*(char (*)[10])pi_bits), "=m"(*(char (*)[10])one_bits),
                       "=m"(iout));
    CHECK_EQ("interrupt ran", apic_count[1], 1);
    CHECK_EQ("esi kept", esi, 0x600dbeef);
    CHECK_EQ("edi kept", edi, 0x12345678);
    CHECK_EQ("ebp kept", ebp_ok, 1);
    CHECK_EQ("control word", cw, 0x0e7f);
    CHECK_EQ("TOP after three loads", (sw >> 11) & 7, 5);
    CHECK_EQ("pi mantissa high", pi_bits[1], 0xc90fdaa2);
    CHECK_EQ("pi rounded toward zero", pi_bits[0], 0x2168c234);
    CHECK_EQ("pi exponent", pi_bits[2] & 0xffff, 0x4000);
    CHECK_EQ("1.0 mantissa", one_bits[1], 0x80000000);
    CHECK_EQ("1.0 exponent", one_bits[2] & 0xffff, 0x3fff);
    CHECK_EQ("integer through the stack", (uint32_t)iout, (uint32_t)ival);
    if (test_failures == 0) {
        printf_uart("ALL PASSED\n");
    }
    return test_failures;
}
