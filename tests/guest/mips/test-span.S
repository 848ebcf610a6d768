/*
 * Bodies of the shared-check tests (test-span.c): loops whose loads and stores
 * go through a pointer the loop never changes, so their window or TLB check is
 * done once before the loop head (docs/engine.md, "Loop-invariant shared checks").
 */
#include "regdef.h"
    .set noreorder
    .set noat
    .text

/* u32 t_span_sum(u32 n, u32 *p): n times: v0 += p[0] + p[1]; p[2] = v0; p[3]++
 * (a group of loads and stores off p, which stays put). */
    .globl t_span_sum
    .globl x_span_lw0
t_span_sum:
    li      v0, 0
    li      t0, 0                   /* what a faulting load leaves */
    li      t1, 0
    li      t2, 0
1:
x_span_lw0:
    lw      t0, 0(a1)
    lw      t1, 4(a1)
    addu    v0, v0, t0
    addu    v0, v0, t1
    sw      v0, 8(a1)
    lw      t2, 12(a1)
    addiu   t2, t2, 1
    sw      t2, 12(a1)
    addiu   a0, a0, -1
    bnez    a0, 1b
    nop
    jr      ra
    nop
/* Four words of data on the same page as the loop's code (a page whose stores
 * take the slow path, since code was translated from it). */
    .globl x_span_data
x_span_data:
    .word   0, 0, 0, 0

/* u32 t_span_bytes(u32 n, u8 *p, u8 *q): n times: q[0] = p[0] + p[1] (bytes,
 * no alignment), with p and q fixed. */
    .globl t_span_bytes
t_span_bytes:
    li      v0, 0
1:  lbu     t0, 0(a1)
    lbu     t1, 1(a1)
    addu    t0, t0, t1
    addu    v0, v0, t0
    addiu   a0, a0, -1
    bnez    a0, 1b
    sb      t0, 0(a2)               /* slot */
    jr      ra
    nop
