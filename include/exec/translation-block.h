/*
 * A translation block: one stretch of guest code translated into host code.
 */
#ifndef EXEC_TRANSLATION_BLOCK_H
#define EXEC_TRANSLATION_BLOCK_H

#include "qemu/osdep.h"

/* cflags */
#define CF_COUNT_MASK   0x000001ff   /* max insns (0 = default) */
#define CF_NOCHAIN      0x00000200   /* never chain into or out of this TB */
#define CF_LAST_IO      0x00000400   /* the last insn may do I/O */
#define CF_SINGLE_STEP  0x00000800
#define CF_INVALID      0x00001000   /* invalidated: never run or chain */
#define CF_NOCACHE      0x00002000   /* run once: not in the hash table or page lists */
#define CF_WATCH_STEP   0x00004000   /* the insn that hit a watchpoint, run again */

/* Headers live in their own pool, not in the code buffer (translate-all.c). */
typedef struct TranslationBlock {
    vaddr pc;                 /* guest virtual pc of the first insn */
    uint32_t cs_base;         /* x86: CS base; MIPS: 0 */
    uint32_t flags;           /* target's CPU-state flags it was translated for */
    /*
     * The bits of flags the code depends on: all but those of the target's
     * tb_flags_optional (CPUClass) that the translation never consulted. The TB
     * runs wherever the CPU's flags agree with flags on these bits.
     */
    uint32_t flags_mask;
    uint32_t cflags;
    uint16_t size;            /* guest bytes covered */
    uint16_t icount;          /* guest insns */

    struct {
        const void *ptr;      /* host code (executable view) */
        uint32_t size;        /* host code bytes, excluding the insn records */
    } tc;

    /* Guest physical pages covered; page_addr[1] = -1 if within one page. */
    hwaddr page_addr[2];
    /* Links for the per-physical-page list of TBs (tagged pointers: low bit = which
     * of this TB's pages the link belongs to). */
    uintptr_t page_next[2];

    /* Chaining: for goto_tb slot n, where the jmp displacement is and where the
     * unchained path resumes; jmp_dest[n] is the TB we jump to (tagged NULL if none). */
    uint16_t jmp_reset_offset[2];
    uint16_t jmp_insn_offset[2];
    uintptr_t jmp_dest[2];
    /* TBs that jump to us: list through their jmp_list_next[slot] (tagged with slot). */
    uintptr_t jmp_list_head;
    uintptr_t jmp_list_next[2];
    /*
     * Self loops: a slot in loop_slots jumps back to this TB's own start, and the
     * TB keeps globals in host registers across that edge. Such a slot is only ever
     * chained to this TB itself, at tc.ptr + loop_head_offset (past the loads of
     * those registers); its unchained path writes them back. 0 / 0xffff: none.
     */
    uint8_t loop_slots;
    uint16_t loop_head_offset;

    /* Per-insn records for restore-from-host-pc, compactly encoded after the code
     * (executable-view address). */
    const uint8_t *insn_records;
    uint32_t hash;            /* cached hash of (phys pc, pc, flags, cs_base) */
    struct TranslationBlock *hash_next;
} TranslationBlock;

#endif
