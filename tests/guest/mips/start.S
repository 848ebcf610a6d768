/*
 * Start-up and exception entry for the bare-metal MIPS guest tests.
 * _start: stack, clear BSS, take over the exception vectors (BEV = 0, EBase =
 * 0x80000000), call main, then reset the board (Malta software reset: exits under
 * -no-reboot). Every vector saves the full register set into exc_frame and calls
 * trap_entry(frame) in C, which may edit the frame (EPC, Status, registers).
 */
#include "regdef.h"

    .set noreorder
    .set noat

    .section .text.start, "ax"
    .globl _start
_start:
    la      sp, stack_top
    la      t0, __bss_start_sym
    la      t1, __bss_end_sym
1:  beq     t0, t1, 2f
    nop
    sw      zero, 0(t0)
    b       1b
    addiu   t0, t0, 4
2:
    /* Kernel mode, exceptions at EBase, interrupts off. */
    mtc0    zero, $12
    ehb
    li      t0, 0x80000000
    mtc0    t0, $15, 1
    /* Copy the vector stubs to EBase + 0x000, 0x180, 0x200. */
    la      t1, vec_stub_refill
    lw      t2, 0(t1)
    sw      t2, 0x000(t0)
    lw      t2, 4(t1)
    sw      t2, 0x004(t0)
    la      t1, vec_stub_general
    lw      t2, 0(t1)
    sw      t2, 0x180(t0)
    lw      t2, 4(t1)
    sw      t2, 0x184(t0)
    la      t1, vec_stub_int
    lw      t2, 0(t1)
    sw      t2, 0x200(t0)
    lw      t2, 4(t1)
    sw      t2, 0x204(t0)
    jal     main
    nop
    .globl  board_reset
board_reset:
    li      t0, 0xbf000500
    li      t1, 0x42
    sw      t1, 0(t0)
3:  b       3b
    nop

/* Two-word stubs copied to the vectors: jump to exc_common with the vector id in k1. */
vec_stub_refill:
    j       exc_common
    li      k1, 0
vec_stub_general:
    j       exc_common
    li      k1, 1
vec_stub_int:
    j       exc_common
    li      k1, 2

exc_common:
    la      k0, exc_frame
    sw      $1, 4(k0)
    sw      $2, 8(k0)
    sw      $3, 12(k0)
    sw      $4, 16(k0)
    sw      $5, 20(k0)
    sw      $6, 24(k0)
    sw      $7, 28(k0)
    sw      $8, 32(k0)
    sw      $9, 36(k0)
    sw      $10, 40(k0)
    sw      $11, 44(k0)
    sw      $12, 48(k0)
    sw      $13, 52(k0)
    sw      $14, 56(k0)
    sw      $15, 60(k0)
    sw      $16, 64(k0)
    sw      $17, 68(k0)
    sw      $18, 72(k0)
    sw      $19, 76(k0)
    sw      $20, 80(k0)
    sw      $21, 84(k0)
    sw      $22, 88(k0)
    sw      $23, 92(k0)
    sw      $24, 96(k0)
    sw      $25, 100(k0)
    sw      $28, 112(k0)
    sw      $29, 116(k0)
    sw      $30, 120(k0)
    sw      $31, 124(k0)
    mfhi    t0
    sw      t0, 128(k0)
    mflo    t0
    sw      t0, 132(k0)
    mfc0    t0, $14
    sw      t0, 136(k0)
    mfc0    t0, $13
    sw      t0, 140(k0)
    mfc0    t0, $12
    sw      t0, 144(k0)
    mfc0    t0, $8
    sw      t0, 148(k0)
    sw      k1, 152(k0)
    la      sp, exc_stack_top
    la      gp, _gp
    jal     trap_entry
    move    a0, k0
    la      k0, exc_frame
    lw      t0, 128(k0)
    mthi    t0
    lw      t0, 132(k0)
    mtlo    t0
    lw      t0, 136(k0)
    mtc0    t0, $14
    lw      t0, 144(k0)
    mtc0    t0, $12
    ehb
    lw      $1, 4(k0)
    lw      $2, 8(k0)
    lw      $3, 12(k0)
    lw      $4, 16(k0)
    lw      $5, 20(k0)
    lw      $6, 24(k0)
    lw      $7, 28(k0)
    lw      $8, 32(k0)
    lw      $9, 36(k0)
    lw      $10, 40(k0)
    lw      $11, 44(k0)
    lw      $12, 48(k0)
    lw      $13, 52(k0)
    lw      $14, 56(k0)
    lw      $15, 60(k0)
    lw      $16, 64(k0)
    lw      $17, 68(k0)
    lw      $18, 72(k0)
    lw      $19, 76(k0)
    lw      $20, 80(k0)
    lw      $21, 84(k0)
    lw      $22, 88(k0)
    lw      $23, 92(k0)
    lw      $24, 96(k0)
    lw      $25, 100(k0)
    lw      $28, 112(k0)
    lw      $29, 116(k0)
    lw      $30, 120(k0)
    lw      $31, 124(k0)
    eret
    nop

/*
 * run_user(entry) / run_super(entry): run code at entry in user / supervisor mode
 * with interrupts as in Status;
 * trap_entry ends the run by pointing EPC at user_return in kernel mode
 * (see user_finish in lib.c). Callee-saved registers survive.
 */
    .globl  run_user
    .globl  run_super
run_user:
    b       run_mode
    li      a1, 0x12            /* EXL, KSU = user */
run_super:
    li      a1, 0x0a            /* EXL, KSU = supervisor */
run_mode:
    la      t0, user_ctx
    sw      s0, 0(t0)
    sw      s1, 4(t0)
    sw      s2, 8(t0)
    sw      s3, 12(t0)
    sw      s4, 16(t0)
    sw      s5, 20(t0)
    sw      s6, 24(t0)
    sw      s7, 28(t0)
    sw      s8, 32(t0)
    sw      sp, 36(t0)
    sw      ra, 40(t0)
    sw      gp, 44(t0)
    mtc0    a0, $14
    mfc0    t1, $12
    or      t1, t1, a1
    mtc0    t1, $12
    ehb
    eret
    nop
    .globl  user_return
user_return:
    la      t0, user_ctx
    lw      s0, 0(t0)
    lw      s1, 4(t0)
    lw      s2, 8(t0)
    lw      s3, 12(t0)
    lw      s4, 16(t0)
    lw      s5, 20(t0)
    lw      s6, 24(t0)
    lw      s7, 28(t0)
    lw      s8, 32(t0)
    lw      sp, 36(t0)
    lw      ra, 40(t0)
    lw      gp, 44(t0)
    jr      ra
    nop

    .bss
    .align  4
    .globl  exc_frame
exc_frame:
    .space  160
user_ctx:
    .space  64
