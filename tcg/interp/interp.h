/*
 * Private to the IR interpreter backend: the bytecode format shared by the
 * serialiser (interp-gen.c) and the interpreter loop (interp-exec.c).
 *
 * A TB's bytecode is a sequence of 32-bit little-endian words, followed by a pool of
 * the TB's constants (8-byte aligned, one uint64_t each). Each op starts with a header
 * word whose low 8 bits are the TCGOpcode (or an INTERP_OP_* below); the other header
 * bits are op-specific (calls only). Then, in the IR's order:
 *   outputs, inputs   one operand word each;
 *   cargs             one word each (signed 32-bit), except where noted per op.
 * An operand word locates the value without any decoding branch: bits 31:30 choose a
 * base and bits 29:0 are a byte offset from it:
 *   INTERP_BASE_SLOTS  a local uint64_t array: slot 0 is env, slot 1 + (temp index -
 *                      nb_globals) a TEMP_TB temp;
 *   INTERP_BASE_ENV    env: a global at its mem_offset;
 *   INTERP_BASE_OP     the header word of the current op: a constant in the pool.
 * i32 values are read and written as 4 bytes at that address, i64 values as 8 (the
 * host is little-endian, so an i32 constant held sign-extended in the pool reads
 * right, and the upper half of an i32 temp's slot is never looked at).
 * Ops with a special layout:
 *   br           target
 *   brcond_*     a, b, cond, target       (target: signed word delta from the word
 *                                          holding it to the first word of the target)
 *   exit_tb      value low, value high
 *   goto_tb      slot low, slot high      (8-byte aligned: the address of the next
 *                                          TB's bytecode, or 0 / the address just
 *                                          after the slot when unchained; preceded
 *                                          by NOP pads)
 *   goto_tb | INTERP_GOTO_TB_FAR   delta  (word delta to a slot at the TB's start,
 *                                          used when the TB is too long for its
 *                                          16-bit goto_tb offsets: the TB then opens
 *                                          with a br over its two slots; unchained
 *                                          is 0 or the slot's own address)
 *   call         header bits 15:8 nargs, 23:16 mask of i32 args, bit 24 has a result,
 *                bit 25 result is i32; then [result], args, function pointer (2 words)
 * set_label, insn_start, discard and mb produce no bytecode.
 */
#ifndef TCG_INTERP_INTERP_H
#define TCG_INTERP_INTERP_H

#include "tcg/tcg.h"

#define INTERP_BASE_SLOTS 0u
#define INTERP_BASE_ENV   1u
#define INTERP_BASE_OP    2u
#define INTERP_ARG_SHIFT  30
#define INTERP_ARG_MASK   0x3fffffffu

/* Bytecode-only opcodes, after the IR's. */
#define INTERP_OP_NOP    (NB_OPS + 0)
#define INTERP_OP_POOL   (NB_OPS + 1)    /* marks the end of code (for listings) */
#define INTERP_OP_LAST   (NB_OPS + 2)

#define INTERP_GOTO_TB_FAR (1u << 8)

#define INTERP_CALL_NARGS_SHIFT 8
#define INTERP_CALL_I32MASK_SHIFT 16
#define INTERP_CALL_HAS_RET  (1u << 24)
#define INTERP_CALL_RET_I32  (1u << 25)

/* Local slots: env plus every possible TB temp. */
#define INTERP_NB_SLOTS (TCG_MAX_TEMPS + 1)

uintptr_t tcg_interp_exec(void *env, const void *code);

#endif
