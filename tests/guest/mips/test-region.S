/*
 * Bodies of the region tests (test-region.c): loops whose if/else blocks, back
 * edges and delay slots a region TB holds in one piece (docs/engine.md, "Regions").
 */
#include "regdef.h"
    .set noreorder
    .set noat
    .text

/* u32 t_ifelse(u32 n, u32 x): per iteration an odd/even side (forward branch over
 * a block, a jump over the other), a join, a back edge to the head. */
    .globl t_ifelse
t_ifelse:
    li      v0, 0
    li      t2, 0
1:  andi    t0, a1, 1
    beqz    t0, 2f
    srl     a1, a1, 1               /* slot: both sides */
    addu    v0, v0, a0              /* odd */
    b       3f
    xori    a1, a1, 0x5a5a          /* slot */
2:  addiu   v0, v0, 3               /* even */
    sll     t1, v0, 1
    xor     a1, a1, t1
3:  addiu   a0, a0, -1              /* join */
    bnez    a0, 1b
    addiu   t2, t2, 1               /* slot */
    jr      ra
    addu    v0, v0, t2

/* u32 t_midloop(u32 n): the loop head is in the middle of the TB's first run. */
    .globl t_midloop
t_midloop:
    li      v0, 0
    li      v1, 7
1:  addiu   v1, v1, 3
    addu    v0, v0, v1
    addiu   a0, a0, -1
    bnez    a0, 1b
    sll     v1, v1, 1               /* slot */
    jr      ra
    nop

/* u32 t_inner(u32 n, u32 x): two back edges, to the TB's start and to a block in
 * the middle (the fall-through of a conditional branch). */
    .globl t_inner
t_inner:
    andi    t0, a1, 7
    addu    v0, v0, t0
    beqz    a0, 9f
    srl     a1, a1, 3               /* slot */
4:  addiu   a0, a0, -1              /* inner head: a fall-through */
    andi    t0, a0, 3
    bnez    t0, 4b                  /* back edge into the middle */
    addiu   v0, v0, 1               /* slot */
    bnez    a1, t_inner             /* back edge to the TB's start */
    nop
9:  jr      ra
    nop

/* u32 t_likely_loop(u32 n, u32 x): branch-likely forms inside a loop, forward
 * (not taken: the slot is nullified and the other block runs) and backward. */
    .globl t_likely_loop
t_likely_loop:
    li      v0, 0
1:  andi    t0, a1, 3
    beql    t0, zero, 2f
    addiu   v0, v0, 100             /* slot: only when taken */
    addiu   v0, v0, 1
2:  srl     a1, a1, 1
    addiu   a0, a0, -1
    bnel    a0, zero, 1b
    xori    a1, a1, 0x1234          /* slot: only when looping */
    jr      ra
    nop

/* u32 t_into_slot(u32 n): a branch to an address that is another branch's delay
 * slot (run there as a plain insn). */
    .globl t_into_slot
t_into_slot:
    li      v0, 0
1:  andi    t1, a0, 1
    bnez    t1, 2f                  /* odd: into the slot below */
    nop
    addiu   v0, v0, 1
    b       3f
2:  addiu   v0, v0, 10              /* slot of the b, and a branch target */
3:  addiu   a0, a0, -1
    bnez    a0, 1b
    nop
    jr      ra
    nop

/* u32 t_spin_head(volatile u32 *flag): an endless region loop, back edge to the
 * TB's start, until an interrupt handler sets *flag. */
    .globl t_spin_head
t_spin_head:
    lw      t1, 0(a0)
    andi    t0, v1, 1
    beqz    t0, 2f
    addiu   v1, v1, 1
    addiu   v0, v0, 1
2:  beqz    t1, t_spin_head
    nop
    jr      ra
    nop

/* u32 t_spin_mid(volatile u32 *flag): the same with the loop head inside the TB
 * (its own exit-request check). */
    .globl t_spin_mid
t_spin_mid:
    li      v0, 0
    li      v1, 0
1:  andi    t0, v1, 1
    beqz    t0, 2f
    addiu   v1, v1, 1
    addiu   v0, v0, 1
2:  lw      t1, 0(a0)
    beqz    t1, 1b
    nop
    jr      ra
    nop

/* u32 t_smc_loop(u32 n): on its first odd count the loop rewrites the insn at
 * x_smc_insn (addiu v0, v0, 1 -> addiu v0, v0, 100), an insn of the same region
 * that the next iteration runs (SYNCI and SYNC make the new insn architecturally
 * visible; the back edge follows). */
    .globl t_smc_loop
    .globl x_smc_insn
t_smc_loop:
    li      v0, 0
    la      t3, x_smc_insn
    lui     t4, 0x2442
1:
x_smc_insn:
    addiu   v0, v0, 1
    andi    t0, a0, 1
    beqz    t0, 2f
    nop
    ori     t5, t4, 100
    sw      t5, 0(t3)
    synci   0(t3)
    sync
2:  addiu   a0, a0, -1
    bnez    a0, 1b
    nop
    jr.hb   ra
    nop

/* u32 t_fault_loop(u32 n, u32 addr): a region loop whose load in a block
 * (x_fault_lw) and in a delay slot (x_fault_slot) takes an address error when
 * the count reaches 3 (addr + 1 then) and 5 (likewise). */
    .globl t_fault_loop
    .globl x_fault_lw
    .globl x_fault_slot
    .globl x_fault_head
t_fault_loop:
    li      v0, 0
x_fault_head:
    xori    t0, a0, 3
    sltiu   t0, t0, 1
    addu    t1, a1, t0              /* misaligned on count 3 */
    andi    t2, a0, 1
    beqz    t2, 2f
    nop
x_fault_lw:
    lw      t3, 0(t1)
    addu    v0, v0, t3
2:  xori    t0, a0, 5
    sltiu   t0, t0, 1
    addu    t1, a1, t0              /* misaligned on count 5 */
    addiu   a0, a0, -1
    bnez    a0, x_fault_head
x_fault_slot:
    lw      t4, 0(t1)               /* slot */
    jr      ra
    nop
