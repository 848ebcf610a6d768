/*
 * The loop of test-ifconv.c: bench/workloads/intloop.c as gcc -O2 compiles it for
 * mipsel (the odd arm above the loop head, each arm ending in the exit test, a
 * TEQ guarding the even arm's divide), with the divisor's offset k as an argument
 * so that the trap can fire, and registers that need no saving.
 */
#include "regdef.h"
    .set noreorder
    .set noat
    .text
    .align  6

/* u32 t_ifc_loop(u32 n, u32 x, u32 k): acc after n iterations of
 * x = xorshift(x); acc = x & 1 ? acc + x * K : acc ^ x / ((i & 7) + k). */
    .globl t_ifc_loop
t_ifc_loop:
    move    t2, a0                  /* n */
    move    v1, a1                  /* x */
    move    t3, a2                  /* k */
    lui     v0, 0x9e37
    ori     v0, v0, 0x79b1          /* K */
    move    t0, zero                /* i */
    b       2f
    move    t1, zero                /* acc */
1:  mul     a0, v1, v0              /* odd: acc += x * K */
    addiu   t0, t0, 1
    beq     t0, t2, 3f
    addu    t1, a0, t1
2:  sll     a0, v1, 13              /* head: xorshift */
    andi    a1, t0, 7
    xor     v1, a0, v1
    srl     a0, v1, 17
    addu    a1, a1, t3
    xor     a0, a0, v1
    sll     v1, a0, 5
    andi    a2, a0, 1
    bnez    a2, 1b                  /* the unpredictable branch */
    xor     v1, v1, a0
    .globl x_ifc_teq
x_ifc_teq:
    teq     a1, zero, 7             /* even: acc ^= x / ((i & 7) + k) */
    divu    zero, v1, a1
    addiu   t0, t0, 1
    mflo    a0
    bne     t0, t2, 2b
    xor     t1, t1, a0
3:  jr      ra
    move    v0, t1

/* Where the trap handler of test-ifconv.c resumes: leave t_ifc_loop. */
    .globl x_ifc_bail
x_ifc_bail:
    jr      ra
    li      v0, 0
