/*
 * Store-to-load forwarding on the stack, within a TB.
 *
 * Compilers spill to a stack slot and read it back a few insns later (GCC's
 * `mov [ebp-0x1c], edx; xor edx, edx; div dword [ebp-0x1c]`). When nothing in
 * between can change the slot's address or contents, the load takes the stored
 * value: no second softmmu access. Limits that make it exact:
 *  - the slot is [esp/ebp + disp] through a flat SS, 32-bit addresses, no DR7
 *    breakpoints: the store and the load are the same linear bytes, and a load
 *    from bytes just written cannot fault (x86 has no write-only pages; the
 *    segment check passed for the same range);
 *  - the insns in between are register-only ones from a short list, none writing
 *    the base register (x86_fwd_keeps); anything else drops the slot;
 *  - the reading insn loads the slot first, before it changes anything.
 * Only the stack: a store to a device register may read back differently.
 * Another CPU's store in between is allowed to be missed (Intel SDM Vol. 3,
 * 8.2.3.5 "Intra-Processor Forwarding Is Allowed": a CPU's own store is forwarded
 * to its loads before others see it).
 */
#include "qemu/osdep.h"
#include "internal.h"

static bool x86_fwd_operand_ok(DisasContext *s, X86Insn *d)
{
    X86ModRM *m = &d->m;

    return m->is_mem && s->aflag == MO_32 && !s->addseg && s->override < 0 &&
           (m->base == R_ESP || m->base == R_EBP) && m->index < 0 &&
           m->def_seg == R_SS && !(s->seg_dynamic & (1u << R_SS)) &&
           HF_SEG_CLASS(s->flags, R_SS) == X86_SEGCLS_FLAT &&
           !(s->flags & HF_DBG_MASK);
}

/* After MOV r/m32, r32 stored val to its memory operand. */
void x86_fwd_note_store(DisasContext *s, X86Insn *d, TCGv_i32 val)
{
    if (!x86_fwd_operand_ok(s, d)) {
        return;
    }
    tcg_gen_mov_i32(s->fwd_val, val);
    s->fwd_valid = true;
    s->fwd_base = d->m.base;
    s->fwd_disp = d->m.disp;
}

/* A 32-bit load of d's memory operand (its address already computed). */
bool gen_fwd_load(DisasContext *s, X86Insn *d, TCGv_i32 dst)
{
    if (!s->fwd_usable || !x86_fwd_operand_ok(s, d) || d->m.base != s->fwd_base ||
        d->m.disp != s->fwd_disp) {
        return false;
    }
    s->fwd_usable = false;
    tcg_gen_mov_i32(dst, s->fwd_val);
    return true;
}

/*
 * What insn d does to a forwarded slot: X86_FWD_READ, it reads 32 bits of memory
 * first (any operand: gen_fwd_load compares); X86_FWD_KEEP, it touches no memory
 * and writes no register the slot's address uses; X86_FWD_DROP otherwise.
 */
enum { X86_FWD_DROP, X86_FWD_KEEP, X86_FWD_READ };

static int x86_fwd_keeps(DisasContext *s, X86Insn *d)
{
    unsigned op = d->op;
    unsigned wr;        /* registers written, 1 << reg */

    if (s->prefix || s->override >= 0 || s->dflag != MO_32) {
        return X86_FWD_DROP;
    }
    if (d->m.is_mem) {
        /* MOV r32, m32; ALU r32, m32; TEST/NOT/NEG/MUL/IMUL/DIV/IDIV m32; IMUL r32, m32. */
        if (op == 0x8b || (op < 0x40 && (op & 7) == 3) || op == 0xf7 || op == 0x1af) {
            return X86_FWD_READ;
        }
        if (op != 0x8d) {
            return X86_FWD_DROP;
        }
        wr = 1u << d->m.reg;        /* LEA: no access */
    } else if ((op < 0x40 && (op & 7) == 1) || op == 0x89) {
        wr = (op == 0x39) ? 0 : 1u << d->m.rm;
    } else if ((op < 0x40 && (op & 7) == 3) || op == 0x8b || op == 0x1af) {
        wr = (op == 0x3b) ? 0 : 1u << d->m.reg;
    } else if (op == 0x85) {
        wr = 0;
    } else if (op == 0x81 || op == 0x83) {
        wr = d->m.reg == 7 ? 0 : 1u << d->m.rm;
    } else if (op == 0xc1 || op == 0xd1) {
        wr = 1u << d->m.rm;
    } else if (op == 0xf7) {
        wr = d->m.reg >= 4 ? (1u << R_EAX) | (1u << R_EDX)
                           : (d->m.reg == 2 || d->m.reg == 3) ? 1u << d->m.rm : 0;
    } else if ((op >= 0x40 && op <= 0x4f) || (op >= 0xb8 && op <= 0xbf)) {
        wr = 1u << (op & 7);
    } else if (op == 0x99) {
        wr = 1u << R_EDX;
    } else {
        return X86_FWD_DROP;
    }
    return (wr & (1u << s->fwd_base)) ? X86_FWD_DROP : X86_FWD_KEEP;
}

/* Before translating d: does the slot survive it, may d's load use it? */
void x86_fwd_start_insn(DisasContext *s, X86Insn *d)
{
    s->fwd_usable = false;
    if (s->fwd_valid) {
        int k = x86_fwd_keeps(s, d);

        s->fwd_usable = k == X86_FWD_READ;
        s->fwd_valid = k == X86_FWD_KEEP;
    }
}
