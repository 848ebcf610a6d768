/* Real-address mode: drop from protected mode to real mode (16-bit protected-mode
 * segment, CR0.PE = 0, far jump), run 16-bit code (segment arithmetic, 16/32-bit
 * operands, near/far calls, INT n and #DE through the IVT, IRET), then return to
 * protected mode (Intel SDM Vol. 3, 9.9 "Mode Switching", 20.1 real-address mode). */
#include "lib.h"

#define RM_BASE 0x7000      /* the blob runs at 0700:0000 */

extern char rm_blob_start[], rm_blob_end[], rm_entry16[], rm_results[];
extern char rm_gp_at[], rm_ss_at[];
void rm_run(void);

__asm__(
    "    .data\n"
    "saved_esp: .long 0\n"
    "saved_idt: .word 0; .long 0\n"
    "rm_idt: .word 0x3ff; .long 0\n"
    "    .text\n"
    "    .globl rm_run\n"
    "rm_run:\n"
    "    pushal\n"
    "    movl %esp, saved_esp\n"
    "    sidt saved_idt\n"
    "    ljmp $0x30, $(0x7000 + rm_entry16 - rm_blob_start)\n"
    "    .globl rm_back\n"
    "rm_back:\n"
    "    movw $0x10, %ax; movw %ax, %ds; movw %ax, %es; movw %ax, %ss\n"
    "    movw %ax, %fs; movw %ax, %gs\n"
    "    movl saved_esp, %esp\n"
    "    lidt saved_idt\n"
    "    popal\n"
    "    ret\n"

    /* The 16-bit blob, copied to RM_BASE; offsets are relative to its start. */
    "    .section .rodata\n"
    "    .globl rm_blob_start, rm_blob_end, rm_entry16, rm_results\n"
    "    .code16\n"
    "rm_blob_start:\n"
    "rm_entry16:\n"
    "    movw $0x38, %ax; movw %ax, %ds; movw %ax, %es; movw %ax, %ss\n"
    "    movl %cr0, %eax; andl $0xfffffffe, %eax; movl %eax, %cr0\n"
    "    ljmp $0x0700, $(rm_real - rm_blob_start)\n"
    "rm_real:\n"
    "    movw $0x0700, %ax; movw %ax, %ds; movw %ax, %ss\n"
    "    movw $0x1000, %sp\n"
    "    lidt %cs:(rm_idtr - rm_blob_start)\n"
    /* IVT entries 0x60 and 0 (#DE) -> our handlers. */
    "    xorw %ax, %ax; movw %ax, %es\n"
    "    movw $(rm_int60 - rm_blob_start), %es:(0x60 * 4)\n"
    "    movw $0x0700, %es:(0x60 * 4 + 2)\n"
    "    movw $(rm_de - rm_blob_start), %es:0\n"
    "    movw $0x0700, %es:2\n"
    /* 1: 16-bit arithmetic */
    "    movw $0x1234, %ax; addw $0x1111, %ax\n"
    "    movw %ax, (rm_results - rm_blob_start)\n"
    /* 2: 32-bit operand in real mode */
    "    movl $0x12345678, %eax; roll $8, %eax\n"
    "    movl %eax, (rm_results - rm_blob_start + 4)\n"
    /* 3: segment arithmetic: ES = 0x0800 -> linear 0x8000 */
    "    movw $0x0800, %ax; movw %ax, %es\n"
    "    movw $0xbeef, %es:0\n"
    "    movw $0, %ax; movw %ax, %es\n"
    "    movw %es:0x8000, %ax\n"
    "    movw %ax, (rm_results - rm_blob_start + 8)\n"
    /* 4: near call/ret and push/pop */
    "    movw $5, %cx\n"
    "    call rm_double\n"
    "    movw %cx, (rm_results - rm_blob_start + 10)\n"
    /* 5: far call */
    "    lcall $0x0700, $(rm_far - rm_blob_start)\n"
    "    movw %dx, (rm_results - rm_blob_start + 12)\n"
    /* 6: INT via the IVT, flags restored by IRET */
    "    stc\n"
    "    int $0x60\n"
    "    sbbw %ax, %ax\n"
    "    movw %ax, (rm_results - rm_blob_start + 14)\n"
    /* 7: #DE through IVT entry 0 (handler skips the 2-byte div) */
    "    xorw %bx, %bx; movw $7, %ax; divb %bl\n"
    "    movw %sp, (rm_results - rm_blob_start + 18)\n"
    /* 8: 16-bit div */
    "    movw $1000, %ax; xorw %dx, %dx; movw $7, %bx; divw %bx\n"
    "    movw %ax, (rm_results - rm_blob_start + 20)\n"
    "    movw %dx, (rm_results - rm_blob_start + 22)\n"
    /* 9: segment limits still apply in real mode (SDM Vol. 3, 20.1.1): a word at
     * offset FFFFh is #GP, through SS #SS; no error code is pushed. */
    "    xorw %ax, %ax; movw %ax, %es\n"
    "    movw $(rm_gp - rm_blob_start), %es:(13 * 4)\n"
    "    movw $0x0700, %es:(13 * 4 + 2)\n"
    "    movw $(rm_ss - rm_blob_start), %es:(12 * 4)\n"
    "    movw $0x0700, %es:(12 * 4 + 2)\n"
    "    .byte 0x26, 0xa0, 0xff, 0xff\n"                    /* movb %es:0xffff, %al */
    "    .byte 0x66, 0x26, 0xa1, 0xfc, 0xff\n"              /* movl %es:0xfffc, %eax */
    "    movw $0x600d, (rm_results - rm_blob_start + 30)\n"
    "    .globl rm_gp_at, rm_ss_at\n"
    "rm_gp_at:\n"
    "    .byte 0x26, 0xa1, 0xff, 0xff\n"                    /* movw %es:0xffff, %ax */
    "    pushw %bp; movw $0xffff, %bp\n"
    "rm_ss_at:\n"
    "    .byte 0x8b, 0x46, 0x00\n"                          /* movw (%bp), %ax */
    "    popw %bp\n"
    /* Back to protected mode. */
    "    cli\n"
    "    movl %cr0, %eax; orl $1, %eax; movl %eax, %cr0\n"
    "    ljmpl $0x08, $rm_back\n"
    "rm_double:\n"
    "    pushw %bx\n"
    "    movw %cx, %bx; addw %bx, %cx\n"
    "    popw %bx\n"
    "    ret\n"
    "rm_far:\n"
    "    movw %cs, %dx\n"
    "    lret\n"
    "rm_int60:\n"
    "    movw $0x60, (rm_results - rm_blob_start + 16)\n"
    "    clc\n"     /* the caller's CF comes back from the saved FLAGS */
    "    iret\n"
    "rm_de:\n"
    "    pushw %bp; movw %sp, %bp\n"
    "    addw $2, 2(%bp)\n"
    "    popw %bp\n"
    "    movw $0xde, (rm_results - rm_blob_start + 24)\n"
    "    iret\n"
    "rm_gp:\n"
    "    pushw %bp; movw %sp, %bp\n"
    "    movw 2(%bp), %ax; movw %ax, (rm_results - rm_blob_start + 26)\n"
    "    addw $4, 2(%bp)\n"
    "    popw %bp\n"
    "    iret\n"
    "rm_ss:\n"
    "    pushw %bp; movw %sp, %bp\n"
    "    movw 2(%bp), %ax; movw %ax, (rm_results - rm_blob_start + 28)\n"
    "    addw $3, 2(%bp)\n"
    "    popw %bp\n"
    "    iret\n"
    "rm_idtr: .word 0x3ff; .long 0\n"
    "    .align 4\n"
    "rm_results: .fill 32, 1, 0\n"
    "rm_blob_end:\n"
    "    .code32\n"
    "    .text\n");

int main(void)
{
    uint8_t *dst = (uint8_t *)RM_BASE;
    uint32_t n = rm_blob_end - rm_blob_start;
    volatile uint16_t *res16;
    volatile uint32_t *res32;

    for (uint32_t i = 0; i < n; i++) {
        dst[i] = (uint8_t)rm_blob_start[i];
    }
    rm_run();
    res16 = (volatile uint16_t *)(RM_BASE + (rm_results - rm_blob_start));
    res32 = (volatile uint32_t *)res16;
    check("real mode add16", res16[0], 0x2345);
    check("real mode 32-bit operand", res32[1], 0x34567812);
    check("segment arithmetic", res16[4], 0xbeef);
    check("near call", res16[5], 10);
    check("far call cs", res16[6], 0x0700);
    check("int 0x60 ran", res16[8], 0x60);
    check("iret restored CF", res16[7], 0xffff);
    check("#DE via IVT", res16[12], 0xde);
    check("stack balanced after #DE", res16[9], 0x1000);
    check("divw q", res16[10], 142);
    check("divw r", res16[11], 6);
    check("byte at FFFFh and dword at FFFCh: no fault", res16[15], 0x600d);
    check("word at FFFFh: #GP at its ip", res16[13], rm_gp_at - rm_blob_start);
    check("word at FFFFh through SS: #SS at its ip", res16[14], rm_ss_at - rm_blob_start);
    uint32_t cr0;
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    check("back in protected mode", cr0 & 1, 1);
    return done();
}
