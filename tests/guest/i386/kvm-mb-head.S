/*
 * Multiboot (v1) header and entry of the test kernel: with -DMB_AOUT_KLUDGE the
 * header has the address fields (flags bit 16) for the flat-image build. The
 * loader enters at mb_entry in flat 32-bit protected mode with EAX = 0x2BADB002
 * and EBX = the information structure; mb_main's return value goes to
 * isa-debug-exit (port 0xf4).
 */
#define MB_MAGIC 0x1badb002
#ifdef MB_AOUT_KLUDGE
#define MB_FLAGS 0x00010003
#else
#define MB_FLAGS 0x00000003
#endif

    .section .multiboot, "a"
    .p2align 2
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
#ifdef MB_AOUT_KLUDGE
    .long mb_header
    .long _image_start
    .long _image_data_end
    .long _image_end
    .long mb_entry
#endif

    .text
    .globl mb_entry
mb_entry:
    cli
    movl $stack_top, %esp
    pushl %ebx
    pushl %eax
    call mb_main
    movw $0xf4, %dx
    outl %eax, %dx
1:  hlt
    jmp 1b

    .bss
    .p2align 4
    .fill 16384, 1, 0
stack_top:
