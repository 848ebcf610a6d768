/*
 * Real-mode start-up code for the application processor of kvm-test-smp.c: the
 * BSP copies it to 0x8000 and sends INIT + start-up IPI with vector 8; the AP
 * counts itself in the word at 0x7ff0 and halts for good.
 */
    .section .rodata
    .code16
    .globl ap_tramp, ap_tramp_end
ap_tramp:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    lock incw 0x7ff0
1:  hlt
    jmp 1b
ap_tramp_end:
    .code32
