/*
 * Multiboot (v1) entry for the bare-metal i386 tests: the loader enters in 32-bit
 * protected mode with flat segments, eax = 0x2BADB002, ebx = multiboot info.
 * We install our own GDT (flat ring-0 and ring-3 code/data, a TSS) and IDT (one
 * stub per vector 0-255, all funnelled into trap_dispatch in lib.c), then call main.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    mov %eax, mb_magic
    mov %ebx, mb_info
    lgdt gdt_desc
    ljmp $0x08, $1f
1:  mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    call idt_setup
    lidt idt_desc
    call lib_init
    call main
    push %eax
    call test_exit
2:  hlt
    jmp 2b

/* Per-vector stubs: push a dummy error code when the CPU does not, then the vector. */
    .altmacro
    .macro stub n
    .align 16
vec_\n:
    .if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17)
    .else
    push $0
    .endif
    push $\n
    jmp trap_common
    .endm

    .align 16
    .globl vec_table
vec_table:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    stub \n
    .endr
    .set i, 32
    .rept 224
    stub %i
    .set i, i + 1
    .endr

trap_common:
    pusha
    push %ds
    push %es
    push %fs
    push %gs
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    push %esp
    call trap_dispatch
    add $4, %esp
    pop %gs
    pop %fs
    pop %es
    pop %ds
    popa
    add $8, %esp
    iret

    .globl idt_setup
idt_setup:
    /* Interrupt gates (type 14), DPL 3 so int n works from ring 3 too. */
    xor %ecx, %ecx
3:  mov %ecx, %eax
    shl $4, %eax
    add $vec_table, %eax
    mov %eax, %edx
    and $0xffff, %eax
    or $0x00080000, %eax
    mov %eax, idt(,%ecx,8)
    and $0xffff0000, %edx
    or $0xee00, %edx
    mov %edx, idt+4(,%ecx,8)
    inc %ecx
    cmp $256, %ecx
    jne 3b
    ret

    .data
    .align 8
    .globl gdt
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08 ring-0 code */
    .quad 0x00cf92000000ffff    /* 0x10 ring-0 data */
    .quad 0x00cffa000000ffff    /* 0x18 ring-3 code */
    .quad 0x00cff2000000ffff    /* 0x20 ring-3 data */
    .quad 0                     /* 0x28 TSS (filled by lib.c) */
    .quad 0x00009a000000ffff    /* 0x30 16-bit code, base 0 */
    .quad 0x000092000000ffff    /* 0x38 16-bit data, base 0 */
    .quad 0                     /* 0x40 spare (tests) */
    .quad 0                     /* 0x48 spare (tests) */
    .quad 0                     /* 0x50 spare (tests) */
    .quad 0                     /* 0x58 spare (tests) */
gdt_end:
    .globl gdt_desc
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
    .globl idt_desc
idt_desc:
    .word 256 * 8 - 1
    .long idt
    .globl mb_magic, mb_info
mb_magic: .long 0
mb_info: .long 0

    .bss
    .align 4096
    .globl idt
idt:
    .space 256 * 8
    .align 16
    .space 16384
    .globl stack_top
stack_top:

    .section .note.GNU-stack, "", @progbits
