/* Exception test bodies whose exact instruction addresses matter. */
#include "regdef.h"
    .set noreorder
    .set noat
    .text

/* Raise one exception at a known address: returns that address in v0. */
#define AT_LABEL(name, ...)        \
    .globl name;                   \
name:                              \
    la      v0, 1f;                \
1:  __VA_ARGS__;                   \
    jr      ra;                    \
    nop

AT_LABEL(x_syscall, syscall)
AT_LABEL(x_break, break)
AT_LABEL(x_teq, teq zero, zero)
AT_LABEL(x_tne, tne a0, zero)
AT_LABEL(x_tge, tge a0, a1)
AT_LABEL(x_tgeu, tgeu a0, a1)
AT_LABEL(x_tlt, tlt a0, a1)
AT_LABEL(x_tltu, tltu a0, a1)
AT_LABEL(x_teqi, teqi a0, -1)
AT_LABEL(x_tnei, tnei a0, 5)
AT_LABEL(x_tgei, tgei a0, -2)
AT_LABEL(x_tgeiu, tgeiu a0, -2)
AT_LABEL(x_tlti, tlti a0, -2)
AT_LABEL(x_tltiu, tltiu a0, -2)
AT_LABEL(x_ri, .word 0x60000000)         /* major opcode 24: reserved in MIPS32 */
AT_LABEL(x_ri2, .word 0xec000000)        /* major opcode 59 */
AT_LABEL(x_ri_special, .word 0x0000003f) /* SPECIAL function 63 (MIPS64 DSRA32) */
AT_LABEL(x_cop1, .word 0x44084000)      /* mfc1 t0, $f0 */
AT_LABEL(x_lwc1, .word 0xc7a20000)      /* lwc1 $f2, 0(sp) */
AT_LABEL(x_sdc1, .word 0xf7a20000)      /* sdc1 $f2, 0(sp) */
AT_LABEL(x_cop1x, .word 0x4c000000)      /* COP1X lwxc1 */
AT_LABEL(x_movci, .word 0x00010001)      /* MOVF/MOVT */
AT_LABEL(x_cop2, .word 0x48000000)       /* mfc2 */

/*
 * A load that faults in a delay slot: returns the branch address in v0; the
 * handler resumes at resume_addr (set by the caller to x_bd_resume).
 */
    .globl x_bd_load
    .globl x_bd_resume
x_bd_load:
    la      v0, 1f
    addiu   t1, a0, 1           /* misaligned */
1:  beq     zero, zero, 2f
    lw      t0, 0(t1)
2:  li      v0, 0               /* not reached */
x_bd_resume:
    jr      ra
    nop

/* Same in the slot of a not-taken branch. */
    .globl x_bd_nottaken
x_bd_nottaken:
    la      v0, 1f
    addiu   t1, a0, 2
1:  beq     t1, zero, 2f        /* t1 != 0: not taken */
    lw      t0, 0(t1)
2:  jr      ra
    nop

/* A syscall in the delay slot of a jr. */
    .globl x_bd_jr_syscall
x_bd_jr_syscall:
    la      v0, 1f
    la      t1, 2f
1:  jr      t1
    syscall
2:  jr      ra
    nop

/* A faulting load in a delay slot that starts the next page. */
    .balign 4096
    .space  4096 - 12
    .globl x_bd_cross
x_bd_cross:
    la      v0, 1f              /* two words: lui, addiu */
1:  beq     zero, zero, 2f      /* last word of the page */
    lw      t0, 1(a0)           /* first word of the next page */
2:  jr      ra
    nop

/* Registers written earlier in the same TB must be visible to the handler of a
 * fault later in that TB. Returns the faulting insn's address. */
    .globl x_sync_fault
x_sync_fault:
    li      t0, 0x1111
    addiu   t1, a0, 1
    move    t2, zero
    la      v0, 1f
    mthi    t0
    mtlo    t1
1:  lw      t2, 0(t1)           /* AdEL */
    addiu   t0, t0, 1           /* after the handler: t0 = 0x1112 */
    move    v1, t0
    jr      ra
    nop

/*
 * Traps inside a TB: one never taken, one taken after registers (and HI/LO) were
 * written in the same TB, one not taken after it; the code after them runs once
 * the handler skips the trap. a1 points at a word that receives t0 + 1. Returns
 * the taken trap's address.
 */
    .globl x_trap_mid
x_trap_mid:
    li      t0, 0x2222
    addiu   t1, a0, 3
    mthi    t0
    mtlo    t1
    tne     zero, zero          /* never */
    la      v0, 1f
1:  tge     t1, a0              /* taken: t1 > a0 */
    addiu   t0, t0, 1
    tlt     t1, a0              /* not taken */
    sw      t0, 0(a1)
    jr      ra
    nop

/* A taken trap in the delay slot of a taken branch: Cause.BD, EPC = the branch
 * (the handler resumes after the slot, at 2). */
    .globl x_trap_bd
x_trap_bd:
    la      v0, 1f
1:  beq     zero, zero, 2f
    teq     a0, zero            /* taken when a0 == 0 */
2:  jr      ra
    nop

/* Ten traps in one TB, only the last one taken (at a0 == 0). Returns its address. */
    .globl x_trap_many
x_trap_many:
    .rept   9
    tne     zero, zero
    .endr
    la      v0, 1f
1:  teq     a0, zero
    jr      ra
    nop

/*
 * TEQ rX, $0 right before a division by rX (GCC's -mcheck-zero-division): the
 * division runs only when rX != 0. x_teq_*(a, b, out): out[0] = LO, out[1] = HI of
 * a / b; returns the TEQ's address. x_teq_other divides by a1 after testing a3.
 */
    .globl x_teq_divu
x_teq_divu:
    la      v0, 1f
1:  teq     a1, zero, 7
    divu    zero, a0, a1
    mflo    t0
    mfhi    t1
    sw      t0, 0(a2)
    sw      t1, 4(a2)
    jr      ra
    nop

    .globl x_teq_div
x_teq_div:
    la      v0, 1f
1:  teq     zero, a1, 7
    div     zero, a0, a1
    mflo    t0
    mfhi    t1
    sw      t0, 0(a2)
    sw      t1, 4(a2)
    jr      ra
    nop

    .globl x_teqi_divu
x_teqi_divu:
    la      v0, 1f
1:  teqi    a1, 0
    divu    zero, a0, a1
    mflo    t0
    mfhi    t1
    sw      t0, 0(a2)
    sw      t1, 4(a2)
    jr      ra
    nop

    .globl x_teq_other
x_teq_other:
    la      v0, 1f
1:  teq     a3, zero, 7
    divu    zero, a0, a1
    mflo    t0
    mfhi    t1
    sw      t0, 0(a2)
    sw      t1, 4(a2)
    jr      ra
    nop

/* A jump to a misaligned address faults on the fetch of the target: AdEL with
 * EPC = BadVAddr = the target, outside any delay slot. The handler resumes at
 * resume_addr (x_jr_resume). Returns the bad target in v0. */
    .globl x_jr_misaligned
    .globl x_jr_resume
x_jr_misaligned:
    la      v0, 1f
    addiu   v0, v0, 2
    jr      v0
    nop
1:  nop
x_jr_resume:
    jr      ra
    nop

/*
 * MTC0 Status in the middle of straight-line code (mimic lets the TB go on after a
 * Status write unless it changed the mode or let an interrupt in).
 * x_status_irq(st): with an interrupt pending and unmasked, the MTC0 that sets IE
 * lets it in before the next insn: EPC = x_status_irq_epc, and v0 counts both
 * increments after the handler returns there.
 * x_status_user(st): an MTC0 into user mode (EXL = 0, KSU = user) makes the next
 * fetch, from kseg0, an AdEL at x_status_user_fault; the hook resumes at
 * x_status_user_resume in kernel mode, so v0 = 2 (the faulting add never ran).
 */
    .globl x_status_irq
    .globl x_status_irq_epc
x_status_irq:
    move    v0, zero
    mtc0    a0, $12
x_status_irq_epc:
    addiu   v0, v0, 1
    addiu   v0, v0, 1
    jr      ra
    nop

    .globl x_status_user
    .globl x_status_user_fault
    .globl x_status_user_resume
x_status_user:
    move    v0, zero
    mtc0    a0, $12
x_status_user_fault:
    addiu   v0, v0, 1
x_status_user_resume:
    jr      ra
    addiu   v0, v0, 2
