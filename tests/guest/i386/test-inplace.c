/*
 * Register forms the translator computes in place, without a scratch copy: an ALU
 * op whose source is also its destination (both encodings), ADC/SBB/SUB/INC/DEC,
 * shifts, NOT and TEST of a 32-bit register, LEA whose destination is its base or
 * index, MOVZX/MOVSX from registers (high bytes too) and memory, narrow compares
 * feeding a SETcc, and flags that must survive a RET or an indirect JMP into the
 * next block. Results and flags per the Intel SDM Vol. 2.
 */
#include "lib.h"

/* insns run with EAX = a, ECX = c and EFLAGS = fin; EAX and the flags (masked by fm)
 * afterwards are checked. EDX is free for the insns. */
#define RUN(name, insns, a, c, fin, er, fm, ef)                               \
    do {                                                                      \
        uint32_t r_ = (a), f_;                                                \
        __asm__ volatile("pushl %3; popfl; " insns "; pushfl; popl %1"       \
                         : "+a"(r_), "=&r"(f_)                                \
                         : "c"((uint32_t)(c)), "ri"((uint32_t)(fin))          \
                         : "edx", "cc", "memory");                            \
        check(name, r_, er);                                                  \
        check(name " flags", f_ & (fm), ef);                                  \
    } while (0)

#define F0 0x002
#define FC 0x003
#define FM (F_CF | F_ZF | F_SF | F_OF)

static volatile uint8_t mem8[2] = { 0x80, 0x22 };
static volatile uint16_t mem16 = 0x8001;

/* CMP then RET: the caller reads the flags in the block it returns to. */
__asm__(".pushsection .text\n"
        "cmp_ret: cmpl %ecx, %eax\n"
        "    ret\n"
        ".popsection\n");

static void alu_same_reg(void)
{
    /* 01 /r and 03 /r with ModRM C0: EAX op EAX. */
    RUN("add eax,eax (01)", "addl %%eax, %%eax", 0x80000001, 0, F0, 2, FM, F_CF | F_OF);
    RUN("add eax,eax (03)", ".byte 0x03, 0xc0", 0x80000001, 0, F0, 2, FM, F_CF | F_OF);
    RUN("sub eax,eax (2b)", ".byte 0x2b, 0xc0", 5, 0, FC, 0, FM, F_ZF);
    RUN("sub eax,eax; setbe", ".byte 0x2b, 0xc0; setbe %%al", 5, 0, F0, 1, FM, F_ZF);
    RUN("adc eax,eax (13)", ".byte 0x13, 0xc0", 0x80000000, 0, FC, 1, FM, F_CF | F_OF);
    RUN("sbb eax,eax (1b)", ".byte 0x1b, 0xc0", 5, 0, FC, 0xffffffff, FM, F_CF | F_SF);
    RUN("sbb eax,eax (19)", "sbbl %%eax, %%eax", 5, 0, FC, 0xffffffff, FM, F_CF | F_SF);
    RUN("xor eax,eax (33)", ".byte 0x33, 0xc0", 0x1234, 0, FC, 0, FM, F_ZF);
    RUN("xor eax,eax (31)", "xorl %%eax, %%eax", 0x80000000, 0, FC, 0, FM, F_ZF);
    RUN("cmp eax,eax (3b)", ".byte 0x3b, 0xc0", 7, 0, FC, 7, FM, F_ZF);
    RUN("or eax,eax (0b)", ".byte 0x0b, 0xc0", 0x80000000, 0, FC, 0x80000000, FM, F_SF);
    RUN("and eax,eax (21)", "andl %%eax, %%eax", 0, 0, FC, 0, FM, F_ZF);
}

static void alu_in_place(void)
{
    /* SUB's first operand (for a later signed/unsigned compare) is the old EAX. */
    RUN("sub; setl", "subl %%ecx, %%eax; setl %%al", 0x80000000, 1, F0, 0x7fffff01,
        FM, F_OF);
    RUN("sub; setb", "subl %%ecx, %%eax; setb %%al", 0x80000000, 1, F0, 0x7fffff00,
        FM, F_OF);
    RUN("sub; ja", "subl %%ecx, %%eax; movl $0, %%edx; jbe 1f; incl %%edx; 1:"
        "addl %%edx, %%eax", 7, 3, F0, 5, 0, 0);
    RUN("adc in place", "adcl %%ecx, %%eax", 0xffffffff, 0, FC, 0, FM, F_CF | F_ZF);
    RUN("sbb in place", "sbbl %%ecx, %%eax", 0, 0, FC, 0xffffffff, FM, F_CF | F_SF);
    RUN("sub imm in place", "subl $1, %%eax", 0, 0, F0, 0xffffffff, FM, F_CF | F_SF);
    RUN("add imm8 in place", "addl $-1, %%eax", 1, 0, F0, 0, FM, F_CF | F_ZF);
    /* INC/DEC keep CF from the op before, known at translation time here. */
    RUN("cmp; inc", "cmpl %%ecx, %%eax; incl %%eax", 5, 7, F0, 6, FM, F_CF);
    RUN("add; dec", "addl %%ecx, %%eax; decl %%eax", 1, 0xffffffff, F0, 0xffffffff,
        FM, F_CF | F_SF);
    RUN("inc via FF /0", ".byte 0xff, 0xc0", 0xffffffff, 0, F0, 0, FM, F_ZF);
    RUN("dec via FF /1", ".byte 0xff, 0xc8", 0x80000000, 0, FC, 0x7fffffff, FM,
        F_CF | F_OF);
    RUN("inc; jz", "incl %%eax; movl $0, %%edx; jnz 1f; movl $9, %%edx; 1:"
        "movl %%edx, %%eax", 0xffffffff, 0, F0, 9, 0, 0);
}

static void shifts_not_test(void)
{
    RUN("shr 1", "shrl $1, %%eax", 0x80000003, 0, F0, 0x40000001, F_CF | F_ZF | F_SF,
        F_CF);
    RUN("sar 4", "sarl $4, %%eax", 0x80000018, 0, F0, 0xf8000001, F_CF | F_ZF | F_SF,
        F_CF | F_SF);
    RUN("shl 31", "shll $31, %%eax", 3, 0, F0, 0x80000000, F_CF | F_ZF | F_SF,
        F_CF | F_SF);
    RUN("shr 3 to 0", "shrl $3, %%eax", 4, 0, FC, 0, F_CF | F_ZF | F_SF, F_CF | F_ZF);
    /* NOT changes no flag, also when the flags are still lazy. */
    RUN("cmp; not", "cmpl %%ecx, %%eax; notl %%ecx; movl %%ecx, %%eax", 1, 2, F0,
        0xfffffffd, FM, F_CF | F_SF);
    RUN("not; flags in", "notl %%ecx; movl %%ecx, %%eax", 0, 0x0f0f0f0f, FC, 0xf0f0f0f0,
        FM, F_CF);
    RUN("test ecx, imm", "testl $0x80000000, %%ecx; movl %%ecx, %%eax", 0, 0x80000001,
        FC, 0x80000001, FM, F_SF);
    RUN("test ecx, imm; jz", "testl $0x10, %%ecx; movl $1, %%eax; jz 1f; movl $2, %%eax; 1:",
        0, 0x0f, F0, 1, FM, F_ZF);
}

static void lea_alias(void)
{
    RUN("lea eax,[eax+eax*2]", "leal (%%eax,%%eax,2), %%eax", 5, 0, F0, 15, 0, 0);
    RUN("lea eax,[ecx+eax]", "leal (%%ecx,%%eax), %%eax", 3, 0x10, F0, 0x13, 0, 0);
    RUN("lea eax,[eax+ecx*4+8]", "leal 8(%%eax,%%ecx,4), %%eax", 0x100, 3, F0, 0x114, 0, 0);
    RUN("lea eax,[ecx+eax*8-1]", "leal -1(%%ecx,%%eax,8), %%eax", 2, 0x10, F0, 0x1f, 0, 0);
    RUN("lea eax,[eax*8+0x10]", "leal 0x10(,%%eax,8), %%eax", 2, 0, F0, 0x20, 0, 0);
    RUN("lea eax,[eax-4]", "leal -4(%%eax), %%eax", 0, 0, F0, 0xfffffffc, 0, 0);
    RUN("lea eax,[eax]", "leal (%%eax), %%eax", 0x1234, 0, F0, 0x1234, 0, 0);
    RUN("lea eax,[0x55]", "leal 0x55, %%eax", 0x1234, 0, F0, 0x55, 0, 0);
    RUN("lea ecx,[eax+ecx]", "leal (%%eax,%%ecx,1), %%ecx; movl %%ecx, %%eax", 1, 2, F0,
        3, 0, 0);
    /* LEA changes no flag. */
    RUN("lea keeps flags", "cmpl %%ecx, %%eax; leal 1(%%eax,%%eax), %%eax", 1, 2, F0, 3,
        FM, F_CF | F_SF);
}

static void movx(void)
{
    RUN("movsx eax,ch", "movl $0x1234f000, %%ecx; movsbl %%ch, %%eax", 0, 0, F0,
        0xfffffff0, 0, 0);
    RUN("movzx eax,ch", "movl $0x1234f000, %%ecx; movzbl %%ch, %%eax", 0, 0, F0, 0xf0, 0, 0);
    RUN("movsx eax,ah", "movsbl %%ah, %%eax", 0x00008000, 0, F0, 0xffffff80, 0, 0);
    RUN("movsx eax,al", "movsbl %%al, %%eax", 0x0000017f, 0, F0, 0x7f, 0, 0);
    RUN("movsx eax,cx", "movswl %%cx, %%eax", 0, 0x1234f000, F0, 0xfffff000, 0, 0);
    RUN("movzx eax,ax", "movzwl %%ax, %%eax", 0x12348765, 0, F0, 0x8765, 0, 0);
    RUN("movsx eax,byte [ecx]", "movsbl (%%ecx), %%eax", 0, (uint32_t)&mem8[0], F0,
        0xffffff80, 0, 0);
    RUN("movzx eax,byte [ecx]", "movzbl (%%ecx), %%eax", 0, (uint32_t)&mem8[0], F0, 0x80,
        0, 0);
    RUN("movsx eax,word [ecx]", "movswl (%%ecx), %%eax", 0, (uint32_t)&mem16, F0,
        0xffff8001, 0, 0);
    RUN("movsx ax,byte [ecx]", "movsbw (%%ecx), %%ax", 0x12340000, (uint32_t)&mem8[0], F0,
        0x1234ff80, 0, 0);
    RUN("movzx ax,byte [ecx]", "movzbw 1(%%ecx), %%ax", 0x12345678, (uint32_t)&mem8[0], F0,
        0x12340022, 0, 0);
}

static void narrow_compares(void)
{
    RUN("cmpb mem; sete", "cmpb $0x22, 1(%%ecx); sete %%al", 0, (uint32_t)&mem8[0], F0, 1,
        0, 0);
    RUN("cmpb mem; setl", "cmpb $1, (%%ecx); setl %%al", 0, (uint32_t)&mem8[0], F0, 1, 0, 0);
    RUN("cmpb mem; setb", "cmpb $1, (%%ecx); setb %%al", 0x100, (uint32_t)&mem8[0], F0,
        0x100, 0, 0);
    RUN("cmpb mem; jg", "cmpb $1, (%%ecx); movl $1, %%eax; jg 1f; movl $2, %%eax; 1:",
        0, (uint32_t)&mem8[0], F0, 2, 0, 0);
    RUN("cmpb; sets", "cmpb %%cl, %%al; sets %%al", 5, 0x10, F0, 1, 0, 0);
    RUN("subb; setl", "subb %%cl, %%al; setl %%al", 0x80, 1, F0, 1, FM, F_OF);
    RUN("subb; sets", "subb %%cl, %%al; sets %%al", 5, 0x10, F0, 1, 0, 0);
    RUN("subb; setbe", "subb %%cl, %%al; setbe %%al", 0x110, 0x210, F0, 0x101, 0, 0);
    RUN("cmpw; setbe", "cmpw %%cx, %%ax; setbe %%al", 0x10005, 0x20005, F0, 0x10001, 0, 0);
    RUN("subw; setl", "subw %%cx, %%ax; setl %%al", 0x8000, 1, F0, 0x7f01, 0, 0);
    RUN("subw; setg", "subw %%cx, %%ax; setg %%al", 0x0001, 0xffff, F0, 0x0001, 0, 0);
}

static void flags_across_blocks(void)
{
    RUN("cmp; ret; setb", "call cmp_ret; setb %%al", 5, 7, F0, 1, FM, F_CF | F_SF);
    RUN("cmp; ret; seta", "call cmp_ret; seta %%al", 7, 5, F0, 1, FM, 0);
    RUN("cmp; jmp *edx; setb", "movl $1f, %%edx; cmpl %%ecx, %%eax; jmp *%%edx; 1:"
        "setb %%al", 5, 7, F0, 1, FM, F_CF | F_SF);
    RUN("sub; jmp *edx; setl", "movl $1f, %%edx; subl %%ecx, %%eax; jmp *%%edx; 1:"
        "setl %%al", 0x80000000, 1, F0, 0x7fffff01, FM, F_OF);
}

int main(void)
{
    alu_same_reg();
    alu_in_place();
    shifts_not_test();
    lea_alias();
    movx();
    narrow_compares();
    flags_across_blocks();
    return done();
}
