/*
 * i386 data movement: MOV forms, LEA, MOVZX/MOVSX, XCHG, the stack (PUSH/POP in all
 * forms, PUSHA/POPA, PUSHF/POPF, ENTER/LEAVE), string instructions with REP prefixes,
 * XLAT, far-pointer loads, BOUND and CMPXCHG8B (Intel SDM Vol. 2).
 *
 * String instructions iterate inside the TB; every iteration stores, then updates
 * ecx/esi/edi, so a fault in iteration k resumes at iteration k.
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_load_seg =
    TCG_HELPER(helper_x86_load_seg, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_read_eflags =
    TCG_HELPER(helper_x86_read_eflags, 0, TCG_CALL_I32, TCG_CALL_PTR);
static const TCGHelperInfo info_write_eflags =
    TCG_HELPER(helper_x86_write_eflags, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_in =
    TCG_HELPER(helper_x86_in, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_out =
    TCG_HELPER(helper_x86_out, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_check_io =
    TCG_HELPER(helper_x86_check_io, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_bound =
    TCG_HELPER(helper_x86_bound, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_rep_stos =
    TCG_HELPER(helper_x86_rep_stos, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_rep_movs =
    TCG_HELPER(helper_x86_rep_movs, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_set_inhibit =
    TCG_HELPER(helper_x86_set_inhibit_irq, 0, TCG_CALL_VOID, TCG_CALL_PTR);

/* 88-8B */
bool trans_mov(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v;

    if (d->ot == MO_32) {
        /*
         * Stores and register moves straight from the register: no copy, fewer IR
         * ops. Loads still go through a temp: a load whose output is the guest
         * register makes the backend write that register's old value back before
         * the access (the fault path needs it) instead of only on the slow path.
         */
        if (d->m.is_mem) {
            gen_lea_modrm(s, &d->m);
            if (d->op & 2) {
                v = x86_temp(s);
                if (!gen_fwd_load(s, d, v)) {
                    gen_ld_mem(s, MO_32, v, x86_A0(s));
                }
                tcg_gen_mov_i32(cpu_regs[d->m.reg], v);
            } else {
                gen_st_mem(s, MO_32, cpu_regs[d->m.reg], x86_A0(s));
                x86_fwd_note_store(s, d, cpu_regs[d->m.reg]);
            }
        } else if (d->op & 2) {
            tcg_gen_mov_i32(cpu_regs[d->m.reg], cpu_regs[d->m.rm]);
        } else {
            tcg_gen_mov_i32(cpu_regs[d->m.rm], cpu_regs[d->m.reg]);
        }
        return true;
    }
    v = x86_temp(s);
    if (d->op & 2) {
        gen_ld_rm(s, d, d->ot, v);
        gen_st_reg(s, d->ot, d->m.reg, v);
    } else {
        gen_ld_reg(s, d->ot, v, d->m.reg);
        if (d->m.is_mem) {
            gen_lea_modrm(s, &d->m);
        }
        gen_st_rm(s, d, d->ot, v);
    }
    return true;
}

/* B0-BF, C6, C7 */
bool trans_mov_imm(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = tcg_constant_i32(d->imm);

    if (d->op >= 0xb0 && d->op <= 0xbf) {
        gen_st_reg(s, d->op < 0xb8 ? MO_8 : s->dflag, d->op & 7, v);
        return true;
    }
    if (d->m.reg != 0) {
        return false;
    }
    if (d->m.is_mem) {
        gen_lea_modrm(s, &d->m);
    }
    gen_st_rm(s, d, d->ot, v);
    return true;
}

/* A0-A3 */
bool trans_mov_moffs(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);

    gen_lea_seg(s, x86_A0(s), tcg_constant_i32(d->imm), R_DS, s->override);
    if (d->op & 2) {
        gen_ld_reg(s, d->ot, v, R_EAX);
        gen_st_mem(s, d->ot, v, x86_A0(s));
    } else {
        gen_ld_mem(s, d->ot, v, x86_A0(s));
        gen_st_reg(s, d->ot, R_EAX, v);
    }
    return true;
}

/* Load segment register seg from sel; ends the TB when the mode flags may change. */
static void gen_load_seg(DisasContext *s, int seg, TCGv_i32 sel)
{
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_load_seg, NULL, 2, tcg_constant_i32(seg), sel);
    if (seg == R_SS) {
        gen_helper_env(s, &info_set_inhibit, NULL, 0);
    }
    /*
     * MOV/POP SS ends the TB (interrupt shadow, stack size). After a load of another
     * segment the TB goes on without trusting its flags for that segment: the rest of
     * the TB reads the segment's check class at run time and adds its base even when
     * HF_ADDSEG said the bases were 0. Linux reloads DS/ES/FS on every kernel entry
     * and exit; ending TBs there cost its system calls about 5%.
     */
    if (seg == R_SS) {
        s->base.is_jmp = DISAS_EXIT;
    } else {
        s->seg_dynamic |= 1u << seg;
        if (seg == R_DS || seg == R_ES) {
            s->addseg = true;
        }
    }
}

/* 8C / 8E */
bool trans_mov_sreg(DisasContext *s, X86Insn *d)
{
    int seg = d->m.reg;
    TCGv_i32 v = x86_temp(s);

    if (seg > R_GS) {
        return false;
    }
    if (d->op == 0x8c) {
        tcg_gen_ld_i32(v, tcg_env, offsetof(CPUX86State, segs[seg].selector));
        if (d->m.is_mem) {
            gen_lea_modrm(s, &d->m);
            gen_st_mem(s, MO_16, v, x86_A0(s));
        } else {
            gen_st_reg(s, s->dflag, d->m.rm, v);
        }
        return true;
    }
    if (seg == R_CS) {
        return false;
    }
    gen_ld_rm(s, d, MO_16, v);
    gen_load_seg(s, seg, v);
    return true;
}

/* 8D */
bool trans_lea(DisasContext *s, X86Insn *d)
{
    if (!d->m.is_mem) {
        return false;
    }
    if (d->ot == MO_32) {
        /* Straight into the register: no temp, no copy. */
        gen_ea_offset_to(s, &d->m, cpu_regs[d->m.reg]);
        return true;
    }
    gen_st_reg(s, d->ot, d->m.reg, gen_ea_offset(s, &d->m));
    return true;
}

/* 0F B6/B7/BE/BF */
bool trans_movx(DisasContext *s, X86Insn *d)
{
    MemOp src_ot = (d->op & 1) ? MO_16 : MO_8;
    bool sign = d->op & 8;
    TCGv_i32 v;

    if (d->ot == MO_32 && !d->m.is_mem) {
        /* Register to 32-bit register: one extension straight into it. */
        TCGv_i32 dst = cpu_regs[d->m.reg];
        int rm = d->m.rm;

        if (src_ot == MO_16) {
            (sign ? tcg_gen_ext16s_i32 : tcg_gen_ext16u_i32)(dst, cpu_regs[rm]);
        } else if (rm < 4) {
            (sign ? tcg_gen_ext8s_i32 : tcg_gen_ext8u_i32)(dst, cpu_regs[rm]);
        } else {
            (sign ? tcg_gen_sextract_i32 : tcg_gen_extract_i32)(dst, cpu_regs[rm - 4],
                                                               8, 8);
        }
        return true;
    }
    v = x86_temp(s);
    if (d->m.is_mem) {
        /* A sign-extending load: no separate extension. */
        gen_ld_rm(s, d, src_ot | (sign ? MO_SIGN : 0), v);
        gen_st_reg(s, d->ot, d->m.reg, v);
        return true;
    }
    gen_ld_rm(s, d, src_ot, v);
    if (sign) {
        if (src_ot == MO_8) {
            tcg_gen_ext8s_i32(v, v);
        } else {
            tcg_gen_ext16s_i32(v, v);
        }
    }
    gen_st_reg(s, d->ot, d->m.reg, v);
    return true;
}

/* 86/87 */
bool trans_xchg(DisasContext *s, X86Insn *d)
{
    TCGv_i32 a = x86_temp(s), b = x86_temp(s);

    gen_ld_rm(s, d, d->ot, a);
    gen_ld_reg(s, d->ot, b, d->m.reg);
    gen_st_rm(s, d, d->ot, b);
    gen_st_reg(s, d->ot, d->m.reg, a);
    return true;
}

/* 90-97 */
bool trans_xchg_ax(DisasContext *s, X86Insn *d)
{
    int reg = d->op & 7;
    TCGv_i32 a = x86_temp(s), b = x86_temp(s);

    if (reg == 0) {
        return true;        /* nop / pause */
    }
    gen_ld_reg(s, d->ot, a, R_EAX);
    gen_ld_reg(s, d->ot, b, reg);
    gen_st_reg(s, d->ot, R_EAX, b);
    gen_st_reg(s, d->ot, reg, a);
    return true;
}

/* 50-57 */
bool trans_push_reg(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v;

    if (d->ot == MO_32) {
        /* gen_push stores before it moves esp: PUSH ESP stores the old value. */
        gen_push(s, MO_32, cpu_regs[d->op & 7]);
        return true;
    }
    v = x86_temp(s);
    gen_ld_reg(s, d->ot, v, d->op & 7);
    gen_push(s, d->ot, v);
    return true;
}

/* 58-5F */
bool trans_pop_reg(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);

    gen_pop_peek(s, d->ot, v);
    gen_pop_adjust(s, d->ot);
    gen_st_reg(s, d->ot, d->op & 7, v);
    return true;
}

/* 68 / 6A */
bool trans_push_imm(DisasContext *s, X86Insn *d)
{
    gen_push(s, d->ot, tcg_constant_i32(d->imm));
    return true;
}

/* 8F /0 */
bool trans_pop_ev(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);

    if (d->m.reg != 0) {
        return false;
    }
    gen_pop_peek(s, d->ot, v);
    if (d->m.is_mem) {
        /* The address is computed with esp already incremented; esp is committed
         * only after the store so a faulting store restarts cleanly. */
        TCGv_i32 old = x86_temp(s);

        tcg_gen_mov_i32(old, cpu_regs[R_ESP]);
        gen_pop_adjust(s, d->ot);
        gen_lea_modrm(s, &d->m);
        tcg_gen_mov_i32(cpu_regs[R_ESP], old);
        gen_st_mem(s, d->ot, v, x86_A0(s));
        gen_pop_adjust(s, d->ot);
    } else {
        gen_pop_adjust(s, d->ot);
        gen_st_reg(s, d->ot, d->m.rm, v);
    }
    return true;
}

static int sreg_of_op(unsigned op)
{
    switch (op) {
    case 0x06: case 0x07: return R_ES;
    case 0x0e: return R_CS;
    case 0x16: case 0x17: return R_SS;
    case 0x1e: case 0x1f: return R_DS;
    case 0x1a0: case 0x1a1: return R_FS;
    default: return R_GS;
    }
}

/* 06/0E/16/1E, 0F A0/A8 */
bool trans_push_sreg(DisasContext *s, X86Insn *d)
{
    int seg = sreg_of_op(d->op);
    TCGv_i32 v = x86_temp(s);

    tcg_gen_ld_i32(v, tcg_env, offsetof(CPUX86State, segs[seg].selector));
    gen_push(s, s->dflag, v);
    return true;
}

/* 07/17/1F, 0F A1/A9 */
bool trans_pop_sreg(DisasContext *s, X86Insn *d)
{
    int seg = sreg_of_op(d->op);
    TCGv_i32 v = x86_temp(s);

    gen_pop_peek(s, MO_16, v);
    gen_load_seg(s, seg, v);
    gen_pop_adjust(s, s->dflag);
    return true;
}

/* 60 */
bool trans_pusha(DisasContext *s, X86Insn *d)
{
    MemOp ot = s->dflag;
    int size = 1 << ot;
    TCGv_i32 sp = x86_temp(s), a = x86_temp(s), v = x86_temp(s);

    for (int i = 0; i < 8; i++) {
        tcg_gen_subi_i32(sp, cpu_regs[R_ESP], (i + 1) * size);
        gen_stack_addr(s, a, sp);
        gen_ld_reg(s, ot, v, i);
        gen_st_mem(s, ot, v, a);
    }
    gen_esp_add(s, -8 * size);
    return true;
}

/* 61 */
bool trans_popa(DisasContext *s, X86Insn *d)
{
    MemOp ot = s->dflag;
    int size = 1 << ot;
    TCGv_i32 sp = x86_temp(s), a = x86_temp(s);
    TCGv_i32 v[8];

    for (int i = 0; i < 8; i++) {
        v[i] = x86_temp(s);
        if (i == R_ESP) {
            continue;
        }
        tcg_gen_addi_i32(sp, cpu_regs[R_ESP], (7 - i) * size);
        gen_stack_addr(s, a, sp);
        gen_ld_mem(s, ot, v[i], a);
    }
    gen_esp_add(s, 8 * size);
    for (int i = 0; i < 8; i++) {
        if (i != R_ESP) {
            gen_st_reg(s, ot, i, v[i]);
        }
    }
    return true;
}

/* 9C */
bool trans_pushf(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);

    if (s->vm && s->iopl < 3) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return true;
    }
    gen_helper_env(s, &info_read_eflags, v, 0);
    gen_push(s, s->dflag, v);
    return true;
}

/* 9D */
bool trans_popf(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);
    uint32_t mask;

    if (s->vm && s->iopl < 3) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return true;
    }
    mask = CC_ALL | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK;
    if (s->cpl == 0 || !s->pe) {
        mask |= IF_MASK | IOPL_MASK;
    } else if (s->cpl <= s->iopl) {
        mask |= IF_MASK;
    }
    if (s->dflag == MO_16) {
        mask &= 0xffff;
    }
    gen_pop_peek(s, s->dflag, v);
    gen_pop_adjust(s, s->dflag);
    gen_helper_env(s, &info_write_eflags, NULL, 2, v, tcg_constant_i32(mask));
    s->cc_op = CC_OP_EFLAGS;
    /* IF/TF/IOPL may have changed: let the loop look at interrupts and flags. */
    s->base.is_jmp = DISAS_EXIT;
    return true;
}

/* C8 */
bool trans_enter(DisasContext *s, X86Insn *d)
{
    MemOp ot = s->dflag;
    int size = 1 << ot;
    int level = d->imm2 & 31;
    TCGv_i32 sp = x86_temp(s), a = x86_temp(s), v = x86_temp(s);
    TCGv_i32 frame = x86_temp(s), bp = x86_temp(s);

    tcg_gen_subi_i32(sp, cpu_regs[R_ESP], size);
    gen_stack_addr(s, a, sp);
    gen_ld_reg(s, ot, v, R_EBP);
    gen_st_mem(s, ot, v, a);
    tcg_gen_mov_i32(frame, sp);
    if (level > 0) {
        tcg_gen_mov_i32(bp, cpu_regs[R_EBP]);
        for (int i = 1; i < level; i++) {
            tcg_gen_subi_i32(bp, bp, size);
            gen_stack_addr(s, a, bp);
            gen_ld_mem(s, ot, v, a);
            tcg_gen_subi_i32(sp, sp, size);
            gen_stack_addr(s, a, sp);
            gen_st_mem(s, ot, v, a);
        }
        tcg_gen_subi_i32(sp, sp, size);
        gen_stack_addr(s, a, sp);
        gen_st_mem(s, ot, frame, a);
    }
    tcg_gen_subi_i32(sp, sp, d->imm & 0xffff);
    gen_st_reg(s, ot, R_EBP, frame);
    gen_st_reg(s, s->ss32 ? MO_32 : MO_16, R_ESP, sp);
    return true;
}

/* C9 */
bool trans_leave(DisasContext *s, X86Insn *d)
{
    MemOp ot = s->dflag;
    TCGv_i32 a = x86_temp(s), v = x86_temp(s), sp = x86_temp(s);

    gen_stack_addr(s, a, cpu_regs[R_EBP]);
    gen_ld_mem(s, ot, v, a);
    tcg_gen_addi_i32(sp, cpu_regs[R_EBP], 1 << ot);
    gen_st_reg(s, s->ss32 ? MO_32 : MO_16, R_ESP, sp);
    gen_st_reg(s, ot, R_EBP, v);
    return true;
}

/* ---- string instructions ---- */

static void gen_string_addr(DisasContext *s, TCGv_i32 dst, int reg, int def_seg, int ovr)
{
    gen_lea_seg(s, dst, cpu_regs[reg], def_seg, ovr);
}

static void gen_index_step(DisasContext *s, int reg, TCGv_i32 step)
{
    if (s->aflag == MO_16) {
        TCGv_i32 t = x86_temp(s);

        tcg_gen_add_i32(t, cpu_regs[reg], step);
        tcg_gen_deposit_i32(cpu_regs[reg], cpu_regs[reg], t, 0, 16);
    } else {
        tcg_gen_add_i32(cpu_regs[reg], cpu_regs[reg], step);
    }
}

static void gen_ecx_dec(DisasContext *s)
{
    gen_index_step(s, R_ECX, tcg_constant_i32(-1));
}

/* One iteration of string op b (A4..AF, 6C..6F); step = df << ot. */
static void gen_string_once(DisasContext *s, unsigned b, MemOp ot, TCGv_i32 step)
{
    TCGv_i32 a = x86_temp(s), v = x86_temp(s), w = x86_temp(s), r = x86_temp(s);
    TCGv_i32 port = x86_temp(s);

    switch (b & ~1u) {
    case 0xa4:  /* movs */
        gen_string_addr(s, a, R_ESI, R_DS, s->override);
        gen_ld_mem(s, ot, v, a);
        gen_string_addr(s, a, R_EDI, R_ES, -1);
        gen_st_mem(s, ot, v, a);
        gen_index_step(s, R_ESI, step);
        gen_index_step(s, R_EDI, step);
        break;
    case 0xa6:  /* cmps */
        gen_string_addr(s, a, R_ESI, R_DS, s->override);
        gen_ld_mem(s, ot, v, a);
        gen_string_addr(s, a, R_EDI, R_ES, -1);
        gen_ld_mem(s, ot, w, a);
        gen_index_step(s, R_ESI, step);
        gen_index_step(s, R_EDI, step);
        tcg_gen_sub_i32(r, v, w);
        tcg_gen_mov_i32(cpu_cc_dst, r);
        tcg_gen_mov_i32(cpu_cc_src, w);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        break;
    case 0xaa:  /* stos */
        gen_string_addr(s, a, R_EDI, R_ES, -1);
        gen_st_mem(s, ot, cpu_regs[R_EAX], a);
        gen_index_step(s, R_EDI, step);
        break;
    case 0xac:  /* lods */
        gen_string_addr(s, a, R_ESI, R_DS, s->override);
        gen_ld_mem(s, ot, v, a);
        gen_st_reg(s, ot, R_EAX, v);
        gen_index_step(s, R_ESI, step);
        break;
    case 0xae:  /* scas */
        gen_string_addr(s, a, R_EDI, R_ES, -1);
        gen_ld_mem(s, ot, w, a);
        gen_index_step(s, R_EDI, step);
        tcg_gen_sub_i32(r, cpu_regs[R_EAX], w);
        tcg_gen_mov_i32(cpu_cc_dst, r);
        tcg_gen_mov_i32(cpu_cc_src, w);
        gen_set_cc_op(s, CC_OP_SUBB + ot);
        break;
    case 0x6c:  /* ins */
        gen_string_addr(s, a, R_EDI, R_ES, -1);
        /* Probe the destination first: a fault must not consume port data. */
        gen_ld_mem(s, ot, v, a);
        tcg_gen_andi_i32(port, cpu_regs[R_EDX], 0xffff);
        gen_helper_env(s, &info_in, v, 2, port, tcg_constant_i32(ot));
        gen_st_mem(s, ot, v, a);
        gen_index_step(s, R_EDI, step);
        break;
    default:    /* outs */
        gen_string_addr(s, a, R_ESI, R_DS, s->override);
        gen_ld_mem(s, ot, v, a);
        tcg_gen_andi_i32(port, cpu_regs[R_EDX], 0xffff);
        gen_helper_env(s, &info_out, NULL, 3, port, v, tcg_constant_i32(ot));
        gen_index_step(s, R_ESI, step);
        break;
    }
}

static TCGv_i32 gen_zf_of_result(DisasContext *s, MemOp ot)
{
    TCGv_i32 z = x86_temp(s);

    if (ot == MO_8) {
        tcg_gen_ext8u_i32(z, cpu_cc_dst);
    } else if (ot == MO_16) {
        tcg_gen_ext16u_i32(z, cpu_cc_dst);
    } else {
        tcg_gen_mov_i32(z, cpu_cc_dst);
    }
    return z;
}

/* seg is flat in this TB's flags and not reloaded earlier in the TB. */
static bool x86_seg_flat_static(DisasContext *s, int seg)
{
    return !(s->seg_dynamic & (1u << seg)) &&
           HF_SEG_CLASS(s->flags, seg) == X86_SEGCLS_FLAT;
}

/*
 * REP STOS / REP MOVS through the bulk helpers (string_helper.c) when the
 * per-element code would check nothing but the softmmu: 32-bit addresses, flat
 * segments, no #AC and no data breakpoints.
 */
static bool gen_rep_bulk(DisasContext *s, unsigned b, MemOp ot)
{
    int src = s->override >= 0 ? s->override : R_DS;

    if (s->aflag != MO_32 || (s->flags & (HF_AC_MASK | HF_DBG_MASK)) ||
        !x86_seg_flat_static(s, R_ES)) {
        return false;
    }
    if ((b & ~1u) == 0xaa) {
        gen_helper_env(s, &info_rep_stos, NULL, 2, tcg_constant_i32(ot),
                       tcg_constant_i32(s->mem_idx));
        return true;
    }
    if ((b & ~1u) == 0xa4 && x86_seg_flat_static(s, src)) {
        gen_helper_env(s, &info_rep_movs, NULL, 3, tcg_constant_i32(ot),
                       tcg_constant_i32(s->mem_idx), tcg_constant_i32(src));
        return true;
    }
    return false;
}

bool trans_string(DisasContext *s, X86Insn *d)
{
    unsigned b = d->op;
    MemOp ot = d->ot;
    TCGv_i32 step = x86_temp(s);
    bool is_cmp = (b & ~1u) == 0xa6 || (b & ~1u) == 0xae;
    bool is_io = b >= 0x6c && b <= 0x6f;

    if (is_io) {
        if (s->pe && (s->cpl > s->iopl || s->vm)) {
            TCGv_i32 port = x86_temp(s);

            gen_update_eip_cur(s);
            tcg_gen_andi_i32(port, cpu_regs[R_EDX], 0xffff);
            gen_helper_env(s, &info_check_io, NULL, 2, port, tcg_constant_i32(ot));
        }
    }
    tcg_gen_shli_i32(step, cpu_df, ot);
    if (!(s->prefix & (PREFIX_REPZ | PREFIX_REPNZ))) {
        gen_string_once(s, b, ot, step);
        return true;
    }
    if (gen_rep_bulk(s, b, ot)) {
        return true;
    }

    TCGLabel *l_loop = gen_new_label();
    TCGLabel *l_done = gen_new_label();
    TCGv_i32 cx = x86_temp(s);

    if (is_cmp) {
        /*
         * The flags are the last iteration's, or the op before when ECX is 0: the
         * global holds them on every path, also for a fault in an iteration.
         */
        gen_sync_cc_op(s);
        x86_insn_start_dynamic(s);
    }
    x86_note_backward_branch(s);
    gen_set_label(l_loop);
    if (s->aflag == MO_16) {
        tcg_gen_ext16u_i32(cx, cpu_regs[R_ECX]);
    } else {
        tcg_gen_mov_i32(cx, cpu_regs[R_ECX]);
    }
    tcg_gen_brcondi_i32(TCG_COND_EQ, cx, 0, l_done);
    gen_string_once(s, b, ot, step);
    gen_ecx_dec(s);
    if (is_cmp) {
        TCGv_i32 z = gen_zf_of_result(s, ot);

        gen_sync_cc_op(s);      /* this iteration's SUB, for l_done and a fault */
        /* REPE stops when ZF = 0 (result non-zero), REPNE when ZF = 1. */
        tcg_gen_brcondi_i32((s->prefix & PREFIX_REPZ) ? TCG_COND_NE : TCG_COND_EQ,
                            z, 0, l_done);
    }
    tcg_gen_br(l_loop);
    gen_set_label(l_done);
    if (is_cmp) {
        s->cc_op = CC_OP_DYNAMIC;
    }
    if (is_io) {
        /* Device side effects: return to the loop so timers/interrupts are seen. */
        s->base.is_jmp = DISAS_EXIT;
    }
    return true;
}

/* D7 */
bool trans_xlat(DisasContext *s, X86Insn *d)
{
    TCGv_i32 off = x86_temp(s), v = x86_temp(s);

    tcg_gen_ext8u_i32(off, cpu_regs[R_EAX]);
    tcg_gen_add_i32(off, off, cpu_regs[R_EBX]);
    gen_lea_seg(s, x86_A0(s), off, R_DS, s->override);
    gen_ld_mem(s, MO_8, v, x86_A0(s));
    gen_st_reg(s, MO_8, R_EAX, v);
    return true;
}

/* C4 LES, C5 LDS, 0F B2 LSS, 0F B4 LFS, 0F B5 LGS */
bool trans_lxs(DisasContext *s, X86Insn *d)
{
    int seg;
    TCGv_i32 off = x86_temp(s), sel = x86_temp(s), a = x86_temp(s);

    if (!d->m.is_mem) {
        return false;
    }
    switch (d->op) {
    case 0xc4: seg = R_ES; break;
    case 0xc5: seg = R_DS; break;
    case 0x1b2: seg = R_SS; break;
    case 0x1b4: seg = R_FS; break;
    default: seg = R_GS; break;
    }
    gen_lea_modrm(s, &d->m);
    gen_ld_mem(s, d->ot, off, x86_A0(s));
    tcg_gen_addi_i32(a, x86_A0(s), 1 << d->ot);
    gen_ld_mem(s, MO_16, sel, a);
    gen_load_seg(s, seg, sel);
    gen_st_reg(s, d->ot, d->m.reg, off);
    return true;
}

/* 62 */
bool trans_bound(DisasContext *s, X86Insn *d)
{
    TCGv_i32 idx = x86_temp(s);

    if (!d->m.is_mem) {
        return false;
    }
    gen_lea_modrm(s, &d->m);
    gen_ld_reg(s, d->ot, idx, d->m.reg);
    gen_seg_check_range(s, x86_A0(s), 2u << d->ot, false);
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_bound, NULL, 3, x86_A0(s), idx, tcg_constant_i32(d->ot));
    return true;
}

/* 0F C7 /1 */
bool trans_cmpxchg8b(DisasContext *s, X86Insn *d)
{
    TCGv_i64 old = tcg_temp_new_i64(), cmp = tcg_temp_new_i64(), nv = tcg_temp_new_i64();
    TCGv_i32 z = x86_temp(s), lo = x86_temp(s), hi = x86_temp(s);

    if (!d->m.is_mem || d->m.reg != 1) {
        tcg_temp_free_i64(old);
        tcg_temp_free_i64(cmp);
        tcg_temp_free_i64(nv);
        return false;
    }
    gen_lea_modrm(s, &d->m);
    /* The write check first: a read-only segment faults before anything. */
    gen_seg_check_range(s, x86_A0(s), 8, true);
    gen_ld_mem_i64(s, old, x86_A0(s));
    tcg_gen_concat_i32_i64(cmp, cpu_regs[R_EAX], cpu_regs[R_EDX]);
    tcg_gen_concat_i32_i64(nv, cpu_regs[R_EBX], cpu_regs[R_ECX]);
    tcg_gen_movcond_i64(TCG_COND_EQ, nv, old, cmp, nv, old);
    gen_st_mem_i64(s, nv, x86_A0(s));
    tcg_gen_extr_i64_i32(lo, hi, old);
    tcg_gen_setcond_i64(TCG_COND_EQ, cmp, old, cmp);
    tcg_gen_extrl_i64_i32(z, cmp);
    /* On mismatch edx:eax take the memory value (on a match it is the same). */
    tcg_gen_mov_i32(cpu_regs[R_EAX], lo);
    tcg_gen_mov_i32(cpu_regs[R_EDX], hi);
    gen_flags_to_eflags_op(s);
    tcg_gen_andi_i32(cpu_cc_src, cpu_cc_src, ~CC_Z);
    tcg_gen_shli_i32(z, z, 6);
    tcg_gen_or_i32(cpu_cc_src, cpu_cc_src, z);
    tcg_temp_free_i64(old);
    tcg_temp_free_i64(cmp);
    tcg_temp_free_i64(nv);
    return true;
}

/* 0F 18-1F: hint NOPs (prefetch, nop Ev) */
bool trans_nop_modrm(DisasContext *s, X86Insn *d)
{
    return true;
}
