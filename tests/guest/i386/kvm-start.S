/*
 * Reset vector and mode switch for the bare-metal PC test guests: the CPU starts
 * at f000:fff0 in real mode (CS base 0xffff0000); real-mode code prints "R" on
 * COM1 to prove port I/O works there, calls rm_test (a hook a test may define
 * in 16-bit assembly; absent by default), loads a flat GDT, enables protected mode
 * (no paging), reloads the segment registers, sets up .data/.bss and a stack,
 * and calls main(). main's return value goes to isa-debug-exit at port 0xf4:
 * 0 -> exit status 1 (pass), anything else -> (v << 1) | 1.
 */
#define COM1 0x3f8
#define DEBUG_EXIT 0xf4
#define ROM_BASE 0xffff0000

    .section .text16, "ax"
    .code16
    .globl start16
start16:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ss
    movw $0x7000, %sp
    /* COM1: 8N1; "R" */
    movw $COM1 + 3, %dx
    movb $0x03, %al
    outb %al, %dx
    movw $COM1 + 5, %dx
1:  inb %dx, %al
    testb $0x20, %al
    jz 1b
    movw $COM1, %dx
    movb $'R', %al
    outb %al, %dx
    /* Optional real-mode part of a test: a weak symbol, 0 when absent. rm_test
     * is 16-bit code in this ROM, called near (it returns with retw). */
    movl $rm_test, %eax
    testl %eax, %eax
    jz 2f
    subl $ROM_BASE, %eax
    callw *%ax
2:
    /* Flat GDT, then protected mode. */
    lgdtl %cs:(gdt_desc - start16)    /* start16 is at ROM_BASE: offset 0 */
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x08, $start32

    .p2align 3
gdt:
    .quad 0
    .quad 0x00cf9b000000ffff        /* 0x08: flat 32-bit code */
    .quad 0x00cf93000000ffff        /* 0x10: flat 32-bit data */
    .quad 0x00009b0f0000ffff        /* 0x18: 16-bit code, base 0xf0000 */
    .quad 0x000093000000ffff        /* 0x20: 16-bit data, base 0 */
gdt_desc:
    .word gdt_desc - gdt - 1
    .long gdt

    .weak rm_test

    .text
    .code32
start32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $0x90000, %esp
    /* .data from ROM to RAM, .bss cleared. */
    movl $_data_load, %esi
    movl $_data_start, %edi
    movl $_data_end, %ecx
    subl %edi, %ecx
    rep movsb
    movl $_bss_start, %edi
    movl $_bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb
    call main
    movw $DEBUG_EXIT, %dx
    outl %eax, %dx
2:  cli
    hlt
    jmp 2b

    .section .reset, "ax"
    .code16
    .globl reset_vector
reset_vector:
    /* f000:fff0 -> start16 in the same 64 KiB segment */
    ljmpw $0xf000, $0                 /* kvm-rom.ld puts start16 at ROM_BASE */
    .fill 16 - (. - reset_vector), 1, 0xf4
