/*
 * Bodies of the store-merging tests (test-stmerge.c): Linux's clear_page and
 * copy_page loop shapes (uasm-built in the kernel, written out here), and a loop
 * of constant stores of mixed sizes. Labels on the stores let the test check EPC.
 */
#include "regdef.h"
    .set noreorder
    .set noat
    .text

/* void t_clear(u32 *p, u32 *end): zero [p, end), 32 bytes per iteration, as the
 * kernel's clear_page: four stores, the pointer moved, four stores below it, the
 * last one in the branch's delay slot. */
    .globl t_clear
    .globl x_clr_sw0
    .globl x_clr_sw4
    .globl x_clr_bne
    .align  5
t_clear:
x_clr_sw0:
1:  sw      zero, 0(a0)
    sw      zero, 4(a0)
    sw      zero, 8(a0)
    sw      zero, 12(a0)
    addiu   a0, a0, 32
x_clr_sw4:
    sw      zero, -16(a0)
    sw      zero, -12(a0)
    sw      zero, -8(a0)
x_clr_bne:
    bne     a0, a1, 1b
    sw      zero, -4(a0)
    jr      ra
    nop

/* void t_copy(u32 *dst, const u32 *src, u32 *dst_end): as the kernel's
 * copy_page, 16 bytes per iteration in load/store pairs. */
    .globl t_copy
t_copy:
1:  lw      t0, 0(a1)
    lw      t1, 4(a1)
    lw      t2, 8(a1)
    lw      t3, 12(a1)
    sw      t0, 0(a0)
    sw      t1, 4(a0)
    sw      t2, 8(a0)
    sw      t3, 12(a0)
    addiu   a0, a0, 16
    bne     a0, a2, 1b
    addiu   a1, a1, 16
    jr      ra
    nop

/* void t_fill(u8 *p, u8 *end): 16 bytes per iteration of constants in words,
 * halves and bytes (the values are constants within the block). */
    .globl t_fill
t_fill:
1:  li      t0, 0x11223344
    li      t1, 0x8899aabb
    sw      t0, 0(a0)
    sw      t1, 4(a0)
    sh      t1, 8(a0)
    sb      t0, 10(a0)
    sb      zero, 11(a0)
    sw      t0, 12(a0)
    sb      t1, 13(a0)
    addiu   a0, a0, 16
    bne     a0, a1, 1b
    nop
    jr      ra
    nop

/* u32 x_smc_fn(void): 7 as written; once t_clear has zeroed its first 32 bytes
 * (nops), execution slides to the tail, which returns 9. */
    .globl x_smc_fn
    .align  5
x_smc_fn:
    jr      ra
    li      v0, 7
    nop
    nop
    nop
    nop
    nop
    nop
    jr      ra
    li      v0, 9
