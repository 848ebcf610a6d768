/*
 * x86-64 instruction encoder for the TCG backend.
 *
 * Models the legacy/REX encoding of the general-purpose integer instructions of the
 * Intel 64 and IA-32 Architectures Software Developer's Manual, vol. 2 (ModRM, SIB,
 * displacement and immediate forms). Not modelled: VEX/EVEX, x87, SSE; the backend
 * needs none of them.
 */
#include "x86-internal.h"

/*
 * Prefixes, REX and opcode bytes. r is the ModRM reg field (or an opcode extension),
 * rm the rm/base register, x the SIB index (-1 or a value < 0: none). A REX prefix is
 * emitted when an operand is r8..r15, for 64-bit operand size, and for byte
 * operations on spl/bpl/sil/dil (which without REX would mean ah/ch/dh/bh).
 */
/*
 * The encoders below write through a local pointer and store code_ptr once: a
 * byte store through g->code_ptr may alias g itself as far as the compiler knows,
 * so x86_out8 reloads and stores code_ptr for every byte. These two run for almost
 * every host instruction.
 */
static inline uint8_t *x86_put_opc(uint8_t *p, int opc, int r, int rm, int x)
{
    int rex = 0;

    if (unlikely(opc & (P_DATA16 | P_SIMDF3 | P_SIMDF2))) {
        if (opc & P_DATA16) {
            *p++ = 0x66;
        }
        if (opc & P_SIMDF3) {
            *p++ = 0xf3;
        } else if (opc & P_SIMDF2) {
            *p++ = 0xf2;
        }
    }
    if (opc & P_REXW) {
        rex |= 8;
    }
    if (r >= 8) {
        rex |= 4;
    }
    if (x >= 8) {
        rex |= 2;
    }
    if (rm >= 8) {
        rex |= 1;
    }
    if ((opc & P_REXB_R) && r >= 4) {
        rex |= 0x40;
    }
    if ((opc & P_REXB_RM) && rm >= 4) {
        rex |= 0x40;
    }
    if (rex) {
        *p++ = 0x40 | (rex & 0xf);
    }
    if (opc & (P_EXT | P_EXT38)) {
        *p++ = 0x0f;
        if (opc & P_EXT38) {
            *p++ = 0x38;
        }
    }
    *p++ = opc & 0xff;
    return p;
}

/*
 * Prefixes, REX and opcode bytes. r is the ModRM reg field (or an opcode extension),
 * rm the rm/base register, x the SIB index (-1 or a value < 0: none). A REX prefix is
 * emitted when an operand is r8..r15, for 64-bit operand size, and for byte
 * operations on spl/bpl/sil/dil (which without REX would mean ah/ch/dh/bh).
 */
void x86_emit_opc(X86Gen *g, int opc, int r, int rm, int x)
{
    x86_tmp_touch(g, r, rm, x);
    g->code_ptr = x86_put_opc(g->code_ptr, opc, r, rm, x);
}

/* Register-direct form: ModRM mod = 11. */
void x86_emit_modrm(X86Gen *g, int opc, int r, int rm)
{
    uint8_t *p = x86_put_opc(g->code_ptr, opc, r, rm, 0);

    x86_tmp_touch(g, r, rm, -1);
    *p++ = 0xc0 | ((r & 7) << 3) | (rm & 7);
    g->code_ptr = p;
}

/*
 * Memory form [base + index * (1 << shift) + disp]. base < 0 means no base (disp32
 * absolute via SIB), index < 0 no index. rsp/r12 as base need a SIB byte; rbp/r13 as
 * base have no disp-less form, so they take a zero disp8.
 */
void x86_emit_modrm_sib(X86Gen *g, int opc, int r, int base, int index, int shift,
                        intptr_t disp)
{
    uint8_t *p;
    int mod, len;

    assert(x86_fits_s32(disp));
    assert(index != X86_RSP);
    x86_tmp_touch(g, r, base, index);
    if (base < 0) {
        /* [index*s + disp32] or absolute [disp32]: SIB with no base. */
        uint32_t d = (uint32_t)disp;
        p = x86_put_opc(g->code_ptr, opc, r, 0, index < 0 ? 0 : index);
        *p++ = 0x04 | ((r & 7) << 3);
        *p++ = (shift << 6) | ((index < 0 ? 4 : index) & 7) << 3 | 5;
        memcpy(p, &d, 4);
        g->code_ptr = p + 4;
        return;
    }
    if (disp == 0 && (base & 7) != X86_RBP) {
        mod = 0x00;
        len = 0;
    } else if (x86_fits_s8(disp)) {
        mod = 0x40;
        len = 1;
    } else {
        mod = 0x80;
        len = 4;
    }
    if (index < 0 && (base & 7) != X86_RSP) {
        p = x86_put_opc(g->code_ptr, opc, r, base, 0);
        *p++ = mod | ((r & 7) << 3) | (base & 7);
    } else {
        int idx = index < 0 ? 4 : index;   /* 100b = no index */
        p = x86_put_opc(g->code_ptr, opc, r, base, index < 0 ? 0 : index);
        *p++ = mod | ((r & 7) << 3) | 4;
        *p++ = (shift << 6) | ((idx & 7) << 3) | (base & 7);
    }
    if (len == 1) {
        *p++ = (uint8_t)disp;
    } else if (len == 4) {
        uint32_t d = (uint32_t)disp;
        memcpy(p, &d, 4);
        p += 4;
    }
    g->code_ptr = p;
}

void x86_emit_modrm_off(X86Gen *g, int opc, int r, int base, intptr_t disp)
{
    x86_emit_modrm_sib(g, opc, r, base, -1, 0, disp);
}

/*
 * Three-byte VEX prefix (SDM vol. 2, 2.3.5): R/X/B and vvvv stored inverted,
 * map 0F38, W from rexw, L = 0. Only the register-direct form is needed.
 */
void x86_emit_vex_modrm(X86Gen *g, int opc, int pp, int rexw, int r, int v, int rm)
{
    x86_tmp_touch(g, r, rm, v);
    x86_out8(g, 0xc4);
    x86_out8(g, ((r < 8) << 7) | (1 << 6) | ((rm < 8) << 5) | 0x02);
    x86_out8(g, ((rexw != 0) << 7) | ((~v & 15) << 3) | pp);
    x86_out8(g, opc & 0xff);
    x86_out8(g, 0xc0 | ((r & 7) << 3) | (rm & 7));
}

/* BMI2 RORX (VEX.LZ.F2.0F3A F0 /r ib): dst = src rotated right by imm, flags kept. */
void x86_emit_rorx(X86Gen *g, int rexw, int dst, int src, int imm)
{
    x86_tmp_touch(g, dst, src, -1);
    x86_out8(g, 0xc4);
    x86_out8(g, ((dst < 8) << 7) | (1 << 6) | ((src < 8) << 5) | 0x03);
    x86_out8(g, ((rexw != 0) << 7) | (15 << 3) | 3);
    x86_out8(g, 0xf0);
    x86_out8(g, 0xc0 | ((dst & 7) << 3) | (src & 7));
    x86_out8(g, imm);
}

void x86_emit_mov(X86Gen *g, TCGType type, int dst, int src)
{
    if (dst == src) {
        return;
    }
    x86_emit_modrm(g, OPC_MOVL_GvEv | (type == TCG_TYPE_I64 ? P_REXW : 0), dst, src);
}

/*
 * Shortest load of an immediate: xor for 0, mov r32 (zero-extends) for values that
 * fit in 32 unsigned bits, sign-extended imm32 for small negatives, else movabs.
 * An i32 value is loaded zero-extended so i32 registers keep their upper half clear.
 */
void x86_emit_movi(X86Gen *g, TCGType type, int reg, int64_t val)
{
    if (type == TCG_TYPE_I32) {
        val = (uint32_t)val;
    }
    if (val == 0) {
        x86_emit_modrm(g, OPC_ARITH_GvEv + (ARITH_XOR << 3), reg, reg);
    } else if (val == (int64_t)(uint32_t)val) {
        x86_emit_opc(g, OPC_MOVL_Iv + (reg & 7), 0, reg, 0);
        x86_out32(g, (uint32_t)val);
    } else if (x86_fits_s32(val)) {
        x86_emit_modrm(g, OPC_MOVL_EvIz | P_REXW, 0, reg);
        x86_out32(g, (uint32_t)val);
    } else {
        x86_emit_opc(g, (OPC_MOVL_Iv + (reg & 7)) | P_REXW, 0, reg, 0);
        x86_out64(g, (uint64_t)val);
    }
}

void x86_emit_ld(X86Gen *g, TCGType type, int reg, int base, intptr_t off)
{
    x86_emit_modrm_off(g, OPC_MOVL_GvEv | (type == TCG_TYPE_I64 ? P_REXW : 0),
                       reg, base, off);
}

void x86_emit_st(X86Gen *g, TCGType type, int reg, int base, intptr_t off)
{
    x86_emit_modrm_off(g, OPC_MOVL_EvGv | (type == TCG_TYPE_I64 ? P_REXW : 0),
                       reg, base, off);
}

/* Store an immediate; a 64-bit value that does not fit imm32 goes through TMP. */
void x86_emit_sti(X86Gen *g, TCGType type, int64_t val, int base, intptr_t off)
{
    if (type == TCG_TYPE_I64 && !x86_fits_s32(val)) {
        x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, val);
        x86_emit_st(g, TCG_TYPE_I64, X86_TMP, base, off);
        return;
    }
    x86_emit_modrm_off(g, OPC_MOVL_EvIz | (type == TCG_TYPE_I64 ? P_REXW : 0),
                       0, base, off);
    x86_out32(g, (uint32_t)val);
}

void x86_emit_arith(X86Gen *g, int ext, int rexw, int dst, int src)
{
    x86_emit_modrm(g, (OPC_ARITH_GvEv + (ext << 3)) | rexw, dst, src);
}

/* Group-1 op with an immediate (val must fit a sign-extended imm32 for 64-bit). */
void x86_emit_arithi(X86Gen *g, int ext, int rexw, int reg, int64_t val)
{
    if (!rexw) {
        val = (int32_t)val;
    }
    if (x86_fits_s8(val)) {
        x86_emit_modrm(g, OPC_ARITH_EvIb | rexw, ext, reg);
        x86_out8(g, (uint8_t)val);
        return;
    }
    assert(x86_fits_s32(val));
    if (reg == X86_RAX) {
        /* Short accumulator form: op eax, imm32. */
        x86_emit_opc(g, ((ext << 3) + 5) | rexw, 0, 0, 0);
    } else {
        x86_emit_modrm(g, OPC_ARITH_EvIz | rexw, ext, reg);
    }
    x86_out32(g, (uint32_t)val);
}

void x86_emit_shifti(X86Gen *g, int ext, int rexw, int reg, int count)
{
    if (count == 1) {
        x86_emit_modrm(g, OPC_SHIFT_1 | rexw, ext, reg);
    } else {
        x86_emit_modrm(g, OPC_SHIFT_Ib | rexw, ext, reg);
        x86_out8(g, (uint8_t)count);
    }
}

void x86_emit_ext8u(X86Gen *g, int dst, int src)
{
    x86_emit_modrm(g, OPC_MOVZBL | P_REXB_RM, dst, src);
}

void x86_emit_ext8s(X86Gen *g, int rexw, int dst, int src)
{
    x86_emit_modrm(g, OPC_MOVSBL | P_REXB_RM | rexw, dst, src);
}

void x86_emit_ext16u(X86Gen *g, int dst, int src)
{
    x86_emit_modrm(g, OPC_MOVZWL, dst, src);
}

void x86_emit_ext16s(X86Gen *g, int rexw, int dst, int src)
{
    x86_emit_modrm(g, OPC_MOVSWL | rexw, dst, src);
}

void x86_emit_ext32s(X86Gen *g, int dst, int src)
{
    x86_emit_modrm(g, OPC_MOVSLQ, dst, src);
}

/* mov r32, r32 clears the upper half, even for dst == src. */
void x86_emit_ext32u(X86Gen *g, int dst, int src)
{
    x86_emit_modrm(g, OPC_MOVL_GvEv, dst, src);
}

void x86_emit_push(X86Gen *g, int reg)
{
    x86_emit_opc(g, OPC_PUSH_r32 + (reg & 7), 0, reg, 0);
}

void x86_emit_pop(X86Gen *g, int reg)
{
    x86_emit_opc(g, OPC_POP_r32 + (reg & 7), 0, reg, 0);
}

void x86_patch_rel32(uint8_t *field, const uint8_t *target)
{
    int64_t disp = target - (field + 4);
    int32_t d32 = (int32_t)disp;

    assert(disp == d32);
    memcpy(field, &d32, 4);
}

uint8_t *x86_emit_jcc32(X86Gen *g, int cc)
{
    uint8_t *field;

    if (cc < 0) {
        x86_out8(g, OPC_JMP_long);
    } else {
        x86_out8(g, 0x0f);
        x86_out8(g, 0x80 + cc);
    }
    field = g->code_ptr;
    x86_out32(g, 0);
    return field;
}

/*
 * Branch to a label: a backward target gets the short form when it reaches, a
 * forward one a rel32 recorded on the label's relocation list (patched when the
 * label is bound). cc < 0 means an unconditional jmp.
 */
static void x86_emit_branch_label(X86Gen *g, int cc, TCGLabel *l)
{
    if (l->has_value) {
        uint8_t *target = (uint8_t *)l->value;
        int64_t d8 = target - (g->code_ptr + 2);

        if (x86_fits_s8(d8)) {
            x86_out8(g, cc < 0 ? OPC_JMP_short : OPC_JCC_short + cc);
            x86_out8(g, (uint8_t)d8);
        } else {
            uint8_t *field = x86_emit_jcc32(g, cc);
            x86_patch_rel32(field, target);
        }
        return;
    }
    uint8_t *field = x86_emit_jcc32(g, cc);
    if (g->nb_relocs >= X86_MAX_RELOCS) {
        /* Too many forward branches in one TB: report it as a full buffer so the
         * caller retries with a smaller TB. */
        g->overflow = true;
        return;
    }
    X86Reloc *r = &g->relocs[g->nb_relocs++];
    r->where = field;
    r->next = l->relocs;
    l->relocs = r;
}

void x86_emit_jcc_label(X86Gen *g, int cc, TCGLabel *l)
{
    x86_emit_branch_label(g, cc, l);
}

void x86_emit_jmp_label(X86Gen *g, TCGLabel *l)
{
    x86_emit_branch_label(g, -1, l);
}

void x86_bind_label(X86Gen *g, TCGLabel *l)
{
    assert(!l->has_value);
    /* Another way in: nothing is known about X86_TMP there. */
    g->win_tmp = -1;
    l->has_value = true;
    l->value = (uintptr_t)g->code_ptr;
    for (X86Reloc *r = l->relocs; r; r = r->next) {
        x86_patch_rel32(r->where, g->code_ptr);
    }
    l->relocs = NULL;
}

/*
 * Jump or call to an absolute executable address: rel32 when it reaches from the
 * executable view of the code being written, else through TMP.
 */
static void x86_emit_abs(X86Gen *g, int opc, int ext, const void *rx_target)
{
    int64_t disp = (intptr_t)rx_target - (x86_rx_ptr(g) + 5);

    /* A call clobbers X86_TMP (caller-saved); a jump leaves. */
    g->win_tmp = -1;
    if (x86_fits_s32(disp)) {
        x86_out8(g, opc);
        x86_out32(g, (uint32_t)disp);
    } else {
        x86_emit_movi(g, TCG_TYPE_I64, X86_TMP, (intptr_t)rx_target);
        x86_emit_modrm(g, OPC_GRP5, ext, X86_TMP);
    }
}

void x86_emit_jmp_abs(X86Gen *g, const void *rx_target)
{
    x86_emit_abs(g, OPC_JMP_long, EXT5_JMPN_Ev, rx_target);
}

void x86_emit_call_abs(X86Gen *g, const void *func)
{
    x86_emit_abs(g, OPC_CALL_Jz, EXT5_CALLN_Ev, func);
}

/* Recommended multi-byte nop forms (SDM vol. 2B, NOP). */
void x86_emit_nops(X86Gen *g, int n)
{
    static const uint8_t nops[4][4] = {
        { 0 },
        { 0x90 },
        { 0x66, 0x90 },
        { 0x0f, 0x1f, 0x00 },
    };
    while (n > 0) {
        int k = n > 3 ? 3 : n;
        memcpy(g->code_ptr, nops[k], k);
        g->code_ptr += k;
        n -= k;
    }
}
