/*
 * A stack slot written by MOV and read back a few insns later in the same block
 * (the translator hands the stored value to the load instead of reading memory):
 * the value read must be memory's whenever the slot's address or contents changed
 * in between. Each case runs with EBP pointing at a buffer whose words are known,
 * so a wrongly forwarded value shows as the stored one instead of memory's.
 */
#include "lib.h"

static volatile uint32_t buf[8];

static void fill(void)
{
    for (int i = 0; i < 8; i++) {
        buf[i] = 0x1000 + i;
    }
}

int main(void)
{
    uint32_t a, d;

    /* Read back after a register-only insn: the stored value. */
    fill();
    __asm__ volatile("pushl %%ebp; movl %2, %%ebp; movl $0x11, %%ecx;"
                     "movl %%ecx, 4(%%ebp); xorl %%edx, %%edx; movl 4(%%ebp), %%eax;"
                     "popl %%ebp"
                     : "=a"(a), "=d"(d) : "r"(buf) : "ecx", "cc", "memory");
    check("forwarded over XOR", a, 0x11);
    check("slot written", buf[1], 0x11);

    /* The stored register changes before the load: the old value is read. */
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $0x22, %%ecx;"
                     "movl %%ecx, 8(%%ebp); movl $5, %%ecx; addl 8(%%ebp), %%ecx;"
                     "movl %%ecx, %%eax; popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("source register rewritten", a, 0x27);

    /* The base register moves: the load reads another slot. */
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $0x33, %%ecx;"
                     "movl %%ecx, 4(%%ebp); addl $4, %%ebp; movl 4(%%ebp), %%eax;"
                     "popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("base moved by ADD", a, 0x1002);
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $0x34, %%ecx;"
                     "movl %%ecx, 4(%%ebp); leal 8(%%ebp), %%ebp; movl 4(%%ebp), %%eax;"
                     "popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("base moved by LEA", a, 0x1003);
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $0x35, %%ecx;"
                     "movl %%ecx, 4(%%ebp); incl %%ebp; movl 3(%%ebp), %%eax;"
                     "popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("base moved by INC, same bytes", a, 0x35);
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $0x36, %%ecx;"
                     "movl %%ecx, 4(%%ebp); movl %%ebp, %%edx; addl $8, %%edx;"
                     "xchgl %%edx, %%ebp; movl 4(%%ebp), %%eax; movl %%edx, %%ebp;"
                     "popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "edx", "cc", "memory");
    check("base swapped by XCHG", a, 0x1003);

    /* Another store in between, through a different register, to the same slot. */
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; leal 4(%%ebp), %%ebx;"
                     "movl $0x44, %%ecx; movl $0x55, %%edx;"
                     "movl %%ecx, 4(%%ebp); movl %%edx, (%%ebx); movl 4(%%ebp), %%eax;"
                     "popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ebx", "ecx", "edx", "cc", "memory");
    check("aliasing store in between", a, 0x55);
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp;"
                     "movl $0x66, %%ecx; movl %%ecx, 4(%%ebp); movb $0x77, 5(%%ebp);"
                     "movl 4(%%ebp), %%eax; popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("byte store into the slot", a, 0x7766);

    /* A read of a part, of a neighbour, and through a 16-bit operand size. */
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $0xaabbccdd, %%ecx;"
                     "movl %%ecx, 4(%%ebp); movl 6(%%ebp), %%eax; popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("overlapping read", a, 0x1002aabb);
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $0x12345678, %%ecx;"
                     "movl $0xffffffff, %%eax;"
                     "movl %%ecx, 4(%%ebp); movw 4(%%ebp), %%ax; popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("16-bit read", a, 0xffff5678);

    /* The compiler's DIV from a spilled divisor, and the slot kept across insns. */
    fill();
    __asm__ volatile("pushl %%ebp; movl %2, %%ebp; movl $7, %%edx; movl $100, %%eax;"
                     "movl %%edx, 12(%%ebp); xorl %%edx, %%edx; divl 12(%%ebp);"
                     "popl %%ebp"
                     : "=a"(a), "=d"(d) : "r"(buf) : "cc", "memory");
    check("DIV from the spilled divisor: quotient", a, 14);
    check("DIV from the spilled divisor: remainder", d, 2);
    fill();
    __asm__ volatile("pushl %%ebp; movl %1, %%ebp; movl $3, %%ecx;"
                     "movl %%ecx, 4(%%ebp); movl $9, %%eax; imull 4(%%ebp), %%eax;"
                     "subl 4(%%ebp), %%eax; popl %%ebp"
                     : "=a"(a) : "r"(buf) : "ecx", "cc", "memory");
    check("IMUL then SUB of the slot", a, 24);
    return done();
}
