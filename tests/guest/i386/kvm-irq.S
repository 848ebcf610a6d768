/*
 * A protected-mode IDT for the PC test guests: vector 0x20 (IRQ0 after
 * pic_init(0x20, 0x28)) counts ticks in irq0_count and sends the 8259 its EOI;
 * vectors 0x40 and 0x41 count in apic_count[0] / [1] and send the local APIC
 * its EOI; every other vector reports itself on COM1 and exits through
 * isa-debug-exit with 0x7f.
 */
    .text
    .code32

    .globl idt_init
idt_init:
    pushl %edi
    /* 256 gates to unexpected_N, then the IRQ0 gate. */
    movl $idt, %edi
    xorl %ecx, %ecx
1:  movl $unexpected, %eax
    movw %ax, (%edi)
    movw $0x08, 2(%edi)
    movw $0x8e00, 4(%edi)           /* present, DPL 0, 32-bit interrupt gate */
    shrl $16, %eax
    movw %ax, 6(%edi)
    addl $8, %edi
    incl %ecx
    cmpl $256, %ecx
    jne 1b
    movl $idt + 0x20 * 8, %edi
    movl $irq0_handler, %eax
    movw %ax, (%edi)
    shrl $16, %eax
    movw %ax, 6(%edi)
    movl $idt + 0x40 * 8, %edi
    movl $apic_handler0, %eax
    movw %ax, (%edi)
    shrl $16, %eax
    movw %ax, 6(%edi)
    movl $idt + 0x41 * 8, %edi
    movl $apic_handler1, %eax
    movw %ax, (%edi)
    shrl $16, %eax
    movw %ax, 6(%edi)
    lidt idt_desc
    popl %edi
    ret

apic_handler0:
    incl apic_count
    movl $0, 0xfee000b0
    iret

apic_handler1:
    incl apic_count + 4
    movl $0, 0xfee000b0
    iret

irq0_handler:
    pushl %eax
    incl irq0_count
    movb $0x20, %al
    outb %al, $0x20
    popl %eax
    iret

unexpected:
    movw $0x3f8, %dx
    movb $'!', %al
    outb %al, %dx
    movb $0x7f, %al
    outb %al, $0xf4
2:  cli
    hlt
    jmp 2b

    .data
    .p2align 2
    .globl irq0_count
irq0_count:
    .long 0
    .globl apic_count
apic_count:
    .long 0, 0
idt_desc:
    .word 256 * 8 - 1
    .long idt

    .bss
    .p2align 3
idt:
    .fill 256 * 8, 1, 0
