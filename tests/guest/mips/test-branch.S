/*
 * Branch and jump test bodies. Each two-operand / one-operand branch function
 * returns v0 = (slot executed ? 10 : 0) + (taken ? 1 : 0) and, for linking forms,
 * (ra - branch address) << 8.
 */
#include "regdef.h"
    .set noreorder
    .set noat
    .text

#define BR2(name, insn)            \
    .globl name;                   \
name:                              \
    li      v0, 0;                 \
    insn    a0, a1, 1f;            \
    addiu   v0, v0, 10;            \
    jr      ra;                    \
    nop;                           \
1:  addiu   v0, v0, 1;             \
    jr      ra;                    \
    nop

#define BR1(name, insn)            \
    .globl name;                   \
name:                              \
    li      v0, 0;                 \
    insn    a0, 1f;                \
    addiu   v0, v0, 10;            \
    jr      ra;                    \
    nop;                           \
1:  addiu   v0, v0, 1;             \
    jr      ra;                    \
    nop

/* Linking branch: ra after the branch is branch + 8 whether or not taken. */
#define BRL(name, insn)            \
    .globl name;                   \
name:                              \
    move    t0, ra;                \
    li      v0, 0;                 \
2:  insn    a0, 1f;                \
    addiu   v0, v0, 10;            \
    b       3f;                    \
    nop;                           \
1:  addiu   v0, v0, 1;             \
3:  la      t1, 2b;                \
    subu    t1, ra, t1;            \
    sll     t1, t1, 8;             \
    or      v0, v0, t1;            \
    jr      t0;                    \
    nop

BR2(t_beq, beq)
BR2(t_bne, bne)
BR2(t_beql, beql)
BR2(t_bnel, bnel)
BR1(t_blez, blez)
BR1(t_bgtz, bgtz)
BR1(t_bltz, bltz)
BR1(t_bgez, bgez)
BR1(t_blezl, blezl)
BR1(t_bgtzl, bgtzl)
BR1(t_bltzl, bltzl)
BR1(t_bgezl, bgezl)
BRL(t_bltzal, bltzal)
BRL(t_bgezal, bgezal)
BRL(t_bltzall, bltzall)
BRL(t_bgezall, bgezall)

/* bal: always taken, links. */
    .globl t_bal
t_bal:
    move    t0, ra
    li      v0, 0
2:  bal     1f
    addiu   v0, v0, 10
    b       3f
    nop
1:  addiu   v0, v0, 1
3:  la      t1, 2b
    subu    t1, ra, t1
    sll     t1, t1, 8
    or      v0, v0, t1
    jr      t0
    nop

/* jalr with a non-ra link register; the slot runs before the target. */
    .globl t_jalr
t_jalr:
    move    t0, ra
    li      v0, 0
    la      t2, 1f
2:  jalr    t3, t2
    addiu   v0, v0, 10
    li      v0, 99              /* not reached */
1:  addiu   v0, v0, 1
    la      t1, 2b
    subu    t1, t3, t1
    sll     t1, t1, 8
    or      v0, v0, t1
    jr      t0
    nop

/* jal and j, with the slot executed. */
    .globl t_jal
t_jal:
    move    t0, ra
    li      v0, 0
2:  jal     1f
    addiu   v0, v0, 10
    li      v0, 99
1:  addiu   v0, v0, 1
    la      t1, 2b
    subu    t1, ra, t1
    sll     t1, t1, 8
    or      v0, v0, t1
    j       4f
    addiu   v0, v0, 0x1000
    li      v0, 98
4:  jr      t0
    nop

/* jr.hb and jalr.hb */
    .globl t_jrhb
t_jrhb:
    la      t2, 1f
    li      v0, 0
    jr.hb   t2
    addiu   v0, v0, 10
    li      v0, 99
1:  jr      ra
    addiu   v0, v0, 1

/* A branch whose slot modifies the branch's own source register: the
 * comparison uses the value before the slot. */
    .globl t_slot_modifies_src
t_slot_modifies_src:
    li      v0, 0
    li      t0, 5
    beq     t0, a0, 1f          /* a0 = 5: taken */
    li      t0, 6
    jr      ra
    nop
1:  jr      ra
    addiu   v0, t0, 100         /* 106 */

/* jr whose slot overwrites the jump register: the old value is the target. */
    .globl t_jr_slot_overwrites
t_jr_slot_overwrites:
    la      t1, 1f
    jr      t1
    lui     t1, 0x1234              /* overwrites the jump register */
2:  jr      ra
    li      v0, 99
1:  jr      ra
    li      v0, 7

/* Branches whose delay slot is on the next page (and across TB boundaries). */
    .balign 4096
    .space  4096 - 12
    .globl t_cross_b
t_cross_b:
    li      v0, 0
    addiu   v0, v0, 1
    beq     zero, zero, 1f      /* last word of the page */
    addiu   v0, v0, 10          /* first word of the next page */
    li      v0, 99
1:  jr      ra
    nop

    .balign 4096
    .space  4096 - 12
    .globl t_cross_bc
t_cross_bc:                     /* a0 = 0: taken, else not taken */
    li      v0, 0
    nop
    beq     a0, zero, 1f
    addiu   v0, v0, 10
    jr      ra
    nop
1:  jr      ra
    addiu   v0, v0, 1

    .balign 4096
    .space  4096 - 12
    .globl t_cross_bl
t_cross_bl:                     /* likely: a0 = 0 taken */
    li      v0, 0
    nop
    beql    a0, zero, 1f
    addiu   v0, v0, 10
    jr      ra
    nop
1:  jr      ra
    addiu   v0, v0, 1

    .balign 4096
    .space  4096 - 12
    .globl t_cross_jr
t_cross_jr:
    la      t1, 1f
    jr      t1
    addiu   v0, zero, 10
    li      v0, 99
1:  jr      ra
    addiu   v0, v0, 1

    .balign 4096
    /* A long straight run of branches to exceed one TB's insn limit. */
    .globl t_many
t_many:
    li      v0, 0
    .rept   300
    bne     zero, zero, 9f
    addiu   v0, v0, 1
    .endr
9:  jr      ra
    nop

/*
 * A loop body split by a data-dependent backward branch (the shape of
 * bench/workloads/intloop.c): the translator goes on past the bnez, whose taken
 * side leaves from a cold block, into the fall-through that branches back to the
 * TB's start (a self loop). a0 = iterations (>= 1), a1 = xorshift seed. Returns the
 * accumulator (odd x: added; even x: xored, then doubled in a delay slot) xored
 * with the count of delay slots run << 16.
 */
    .balign 4096
    .globl t_split_loop
t_split_loop:
    move    v1, a1
    li      v0, 0
    li      t0, 0
    li      t3, 0
    b       2f
    nop
1:  addu    v0, v0, v1              /* odd x */
    addiu   t0, t0, 1
    beq     t0, a0, 3f
    addiu   t3, t3, 3               /* slot: both sides */
2:  sll     t1, v1, 13
    xor     v1, v1, t1
    srl     t1, v1, 17
    xor     v1, v1, t1
    sll     t1, v1, 5
    xor     v1, v1, t1
    andi    t1, v1, 1
    bnez    t1, 1b
    addiu   t3, t3, 1               /* slot: both sides */
    xor     v0, v0, v1              /* even x */
    addiu   t0, t0, 1
    bne     t0, a0, 2b
    sll     v0, v0, 1               /* slot: both sides */
3:  sll     t3, t3, 16
    jr      ra
    xor     v0, v0, t3

/*
 * The same shape with an exception in the continued fall-through and a
 * branch-likely as the back edge (whose not-taken side cannot have goto_tb slot 1,
 * the cold block's). a0 = iterations (even, >= 4), a1 = address of an aligned
 * word W. Odd iterations add 100; even ones add the word loaded, except iteration
 * 2, whose load is misaligned: the handler skips it (t4 keeps W), and 1000 in the
 * likely branch's slot. n = 6: 3 W + 300 + 3000.
 */
    .balign 4096
    .globl t_split_fault
t_split_fault:
    li      t0, 0
    li      v0, 0
    li      t4, 0
    b       2f
    nop
1:  addiu   v0, v0, 100             /* odd iterations */
    addiu   t0, t0, 1
    beq     t0, a0, 3f
    nop
2:  andi    t1, t0, 1
    bnez    t1, 1b
    move    t5, a1                  /* slot */
    xori    t2, t0, 2
    sltiu   t2, t2, 1               /* iteration 2 */
    addu    t5, t5, t2
    .globl x_split_lw
x_split_lw:
    lw      t4, 0(t5)               /* AdEL on iteration 2 */
    addu    v0, v0, t4
    addiu   t0, t0, 1
    bnel    t0, a0, 2b
    addiu   v0, v0, 1000            /* slot: only when taken */
3:  jr      ra
    nop
