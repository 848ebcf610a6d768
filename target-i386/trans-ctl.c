/*
 * i386 control transfer and system instructions: Jcc/JMP/CALL/RET/LOOP, far
 * transfers, INT/IRET, HLT, CLI/STI, IN/OUT, descriptor-table and control-register
 * instructions, CPUID/RDTSC/RDMSR/WRMSR, SYSENTER/SYSEXIT (Intel SDM Vol. 2/3).
 * Everything that changes the mode or privilege goes through helpers in
 * seg_helper.c / misc_helper.c and ends the TB.
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_ljmp =
    TCG_HELPER(helper_x86_ljmp, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_lcall =
    TCG_HELPER(helper_x86_lcall, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_lret =
    TCG_HELPER(helper_x86_lret, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_iret =
    TCG_HELPER(helper_x86_iret, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_raise_int =
    TCG_HELPER(helper_x86_raise_int, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_into =
    TCG_HELPER(helper_x86_into, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_hlt =
    TCG_HELPER(helper_x86_hlt, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_set_inhibit =
    TCG_HELPER(helper_x86_set_inhibit_irq, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_in =
    TCG_HELPER(helper_x86_in, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_out =
    TCG_HELPER(helper_x86_out, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_check_io =
    TCG_HELPER(helper_x86_check_io, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_lldt =
    TCG_HELPER(helper_x86_lldt, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_ltr =
    TCG_HELPER(helper_x86_ltr, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_verr =
    TCG_HELPER(helper_x86_verr, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_verw =
    TCG_HELPER(helper_x86_verw, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_lar =
    TCG_HELPER(helper_x86_lar, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_lsl =
    TCG_HELPER(helper_x86_lsl, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_write_cr =
    TCG_HELPER(helper_x86_write_cr, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_read_cr =
    TCG_HELPER(helper_x86_read_cr, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_read_dr =
    TCG_HELPER(helper_x86_read_dr, 0, TCG_CALL_I32, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_write_dr =
    TCG_HELPER(helper_x86_write_dr, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_invlpg =
    TCG_HELPER(helper_x86_invlpg, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_lmsw =
    TCG_HELPER(helper_x86_lmsw, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_clts =
    TCG_HELPER(helper_x86_clts, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_cpuid =
    TCG_HELPER(helper_x86_cpuid, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_rdtsc =
    TCG_HELPER(helper_x86_rdtsc, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_rdmsr =
    TCG_HELPER(helper_x86_rdmsr, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_wrmsr =
    TCG_HELPER(helper_x86_wrmsr, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_sysenter =
    TCG_HELPER(helper_x86_sysenter, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_sysexit =
    TCG_HELPER(helper_x86_sysexit, 0, TCG_CALL_VOID, TCG_CALL_PTR);

/* 70-7F, 0F 80-8F */
bool trans_jcc(DisasContext *s, X86Insn *d)
{
    TCGLabel *taken;

    if (x86_loop_jcc(s, d->op & 15, d->imm)) {
        return true;
    }
    if (gen_jcc_continue(s, d->op & 15, d->imm)) {
        return true;
    }
    taken = gen_new_label();
    /* Evaluating the condition may still change cc_op (to CC_OP_EFLAGS): then
     * gen_set_cc_op makes each exit store it again. */
    gen_sync_cc_op_both_ways(s);
    gen_cc_brcond(s, d->op & 15, taken);
    if (s->slot1_used && d->imm <= s->pc_start_eip) {
        /*
         * Slot 1 went to an earlier Jcc and the side without a slot goes through
         * the jump cache: chain the backward target, a loop's likelier side.
         */
        gen_jmp_eip(s, x86_next_eip(s), 1);
        gen_set_label(taken);
        gen_jmp_eip(s, d->imm, 0);
        return true;
    }
    gen_jmp_eip(s, x86_next_eip(s), 0);
    gen_set_label(taken);
    gen_jmp_eip(s, d->imm, 1);
    return true;
}

/* E9 / EB */
bool trans_jmp(DisasContext *s, X86Insn *d)
{
    if (x86_loop_jmp(s, d->imm)) {
        return true;
    }
    gen_jmp_eip(s, d->imm, 0);
    return true;
}

/* E8 */
bool trans_call(DisasContext *s, X86Insn *d)
{
    gen_push(s, s->dflag, tcg_constant_i32(x86_next_eip(s)));
    gen_jmp_eip(s, d->imm, 0);
    return true;
}

/* C2 / C3 */
bool trans_ret(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);

    gen_pop_peek(s, s->dflag, v);
    gen_esp_add(s, (1 << s->dflag) + (d->op == 0xc2 ? (d->imm & 0xffff) : 0));
    tcg_gen_mov_i32(cpu_eip, v);
    gen_jmp_dyn(s);
    return true;
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JCXZ */
bool trans_loop(DisasContext *s, X86Insn *d)
{
    TCGv_i32 cx = x86_temp(s);
    TCGLabel *taken = gen_new_label();
    TCGLabel *not_taken = gen_new_label();

    if (d->op != 0xe3) {
        tcg_gen_subi_i32(cx, cpu_regs[R_ECX], 1);
        if (s->aflag == MO_16) {
            tcg_gen_deposit_i32(cpu_regs[R_ECX], cpu_regs[R_ECX], cx, 0, 16);
        } else {
            tcg_gen_mov_i32(cpu_regs[R_ECX], cx);
        }
    }
    if (s->aflag == MO_16) {
        tcg_gen_ext16u_i32(cx, cpu_regs[R_ECX]);
    } else {
        tcg_gen_mov_i32(cx, cpu_regs[R_ECX]);
    }
    if (d->op == 0xe3) {
        tcg_gen_brcondi_i32(TCG_COND_EQ, cx, 0, taken);
    } else {
        tcg_gen_brcondi_i32(TCG_COND_EQ, cx, 0, not_taken);
        if (d->op != 0xe2) {
            TCGv_i32 z = x86_temp(s);

            gen_cc_eval(s, 4, z);     /* ZF */
            tcg_gen_brcondi_i32(d->op == 0xe1 ? TCG_COND_NE : TCG_COND_EQ, z, 0, taken);
            tcg_gen_br(not_taken);
        } else {
            tcg_gen_br(taken);
        }
    }
    gen_set_label(not_taken);
    gen_jmp_eip(s, x86_next_eip(s), 0);
    gen_set_label(taken);
    gen_jmp_eip(s, d->imm, 1);
    return true;
}

static void gen_ljmp(DisasContext *s, TCGv_i32 sel, TCGv_i32 off)
{
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_ljmp, NULL, 3, sel, off, tcg_constant_i32(x86_next_eip(s)));
    s->base.is_jmp = DISAS_EXIT_PC_SET;
}

static void gen_lcall(DisasContext *s, TCGv_i32 sel, TCGv_i32 off)
{
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_lcall, NULL, 4, sel, off, tcg_constant_i32(x86_next_eip(s)),
                   tcg_constant_i32(s->dflag));
    s->base.is_jmp = DISAS_EXIT_PC_SET;
}

/* EA */
bool trans_jmp_far(DisasContext *s, X86Insn *d)
{
    gen_ljmp(s, tcg_constant_i32(d->imm2), tcg_constant_i32(d->imm));
    return true;
}

/* 9A */
bool trans_call_far(DisasContext *s, X86Insn *d)
{
    gen_lcall(s, tcg_constant_i32(d->imm2), tcg_constant_i32(d->imm));
    return true;
}

/* CA / CB */
bool trans_ret_far(DisasContext *s, X86Insn *d)
{
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_lret, NULL, 2, tcg_constant_i32(s->dflag),
                   tcg_constant_i32(d->op == 0xca ? (d->imm & 0xffff) : 0));
    s->base.is_jmp = DISAS_EXIT_PC_SET;
    return true;
}

/* FF: group 5 */
static bool trans_grp5_ctl(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);
    MemOp ot = d->ot;

    switch (d->m.reg) {
    case 0:
    case 1:
        return trans_grp5(s, d);
    case 2:
        gen_ld_rm(s, d, ot, v);
        gen_push(s, ot, tcg_constant_i32(x86_next_eip(s)));
        tcg_gen_mov_i32(cpu_eip, v);
        gen_jmp_dyn(s);
        return true;
    case 4:
        gen_ld_rm(s, d, ot, v);
        tcg_gen_mov_i32(cpu_eip, v);
        gen_jmp_dyn(s);
        return true;
    case 3:
    case 5: {
        TCGv_i32 sel = x86_temp(s), a = x86_temp(s);

        if (!d->m.is_mem) {
            return false;
        }
        gen_lea_modrm(s, &d->m);
        gen_ld_mem(s, ot, v, x86_A0(s));
        tcg_gen_addi_i32(a, x86_A0(s), 1 << ot);
        gen_ld_mem(s, MO_16, sel, a);
        if (d->m.reg == 3) {
            gen_lcall(s, sel, v);
        } else {
            gen_ljmp(s, sel, v);
        }
        return true;
    }
    case 6:
        gen_ld_rm(s, d, ot, v);
        gen_push(s, ot, v);
        return true;
    default:
        return false;
    }
}

/* CC INT3, CD INT n, CE INTO, F1 INT1 */
bool trans_int(DisasContext *s, X86Insn *d)
{
    uint32_t next = x86_next_eip(s);

    gen_update_eip_cur(s);
    switch (d->op) {
    case 0xcc:
        gen_helper_env(s, &info_raise_int, NULL, 2, tcg_constant_i32(EXCP03_INT3),
                       tcg_constant_i32(next));
        break;
    case 0xcd:
        if (s->vm && s->iopl < 3) {
            gen_exception_err(s, EXCP0D_GPF, 0);
            return true;
        }
        gen_helper_env(s, &info_raise_int, NULL, 2, tcg_constant_i32(d->imm & 0xff),
                       tcg_constant_i32(next));
        break;
    case 0xce: {
        /* Materialize the flags first: the helper reads OF from env. */
        gen_helper_env(s, &info_into, NULL, 1, tcg_constant_i32(next));
        s->cc_op = CC_OP_DYNAMIC;
        return true;
    }
    default:
        gen_exception(s, EXCP01_DB);
        return true;
    }
    s->base.is_jmp = DISAS_NORETURN;
    return true;
}

/* CF */
bool trans_iret(DisasContext *s, X86Insn *d)
{
    if (s->vm && s->iopl < 3) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return true;
    }
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_iret, NULL, 2, tcg_constant_i32(s->dflag),
                   tcg_constant_i32(x86_next_eip(s)));
    s->cc_op = CC_OP_DYNAMIC;
    s->base.is_jmp = DISAS_EXIT_PC_SET;
    return true;
}

/* F4 */
bool trans_hlt(DisasContext *s, X86Insn *d)
{
    if (!x86_check_cpl0(s)) {
        return true;
    }
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_hlt, NULL, 1, tcg_constant_i32(x86_next_eip(s)));
    s->base.is_jmp = DISAS_NORETURN;
    return true;
}

/* FA / FB */
bool trans_cli_sti(DisasContext *s, X86Insn *d)
{
    TCGv_i32 f = x86_temp(s);

    if (s->pe && s->cpl > s->iopl) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return true;
    }
    tcg_gen_ld_i32(f, tcg_env, offsetof(CPUX86State, eflags));
    if (d->op == 0xfa) {
        tcg_gen_andi_i32(f, f, ~IF_MASK);
        tcg_gen_st_i32(f, tcg_env, offsetof(CPUX86State, eflags));
        return true;
    }
    tcg_gen_ori_i32(f, f, IF_MASK);
    tcg_gen_st_i32(f, tcg_env, offsetof(CPUX86State, eflags));
    /*
     * Interrupts are recognized after the next insn. Nothing can interrupt a TB, so
     * the shadow is exact when that insn is translated in this TB and the TB ends
     * after it (x86_tr_translate_insn, gen_jmp_eip, x86_tr_tb_stop); Linux's
     * STI; SYSEXIT then costs no trip through the loop. When the TB has to end
     * here first, or single-stepping makes one-insn TBs, the next TB runs with
     * HF_INHIBIT_IRQ instead.
     */
    if (!(s->flags & (HF_TF_MASK | HF_DBG_MASK | HF_INHIBIT_IRQ_MASK)) && !s->shadow_insn) {
        s->shadow_pending = true;
        return true;
    }
    gen_helper_env(s, &info_set_inhibit, NULL, 0);
    s->base.is_jmp = DISAS_EXIT;
    return true;
}

/* E4-E7, EC-EF */
bool trans_in_out(DisasContext *s, X86Insn *d)
{
    MemOp ot = (d->op & 1) ? s->dflag : MO_8;
    TCGv_i32 port = x86_temp(s), v = x86_temp(s);

    if (d->op & 8) {
        tcg_gen_andi_i32(port, cpu_regs[R_EDX], 0xffff);
    } else {
        tcg_gen_movi_i32(port, d->imm & 0xff);
    }
    gen_update_eip_cur(s);
    if (s->pe && (s->cpl > s->iopl || s->vm)) {
        gen_helper_env(s, &info_check_io, NULL, 2, port, tcg_constant_i32(ot));
    }
    if (d->op & 2) {
        gen_ld_reg(s, ot, v, R_EAX);
        gen_helper_env(s, &info_out, NULL, 3, port, v, tcg_constant_i32(ot));
    } else {
        gen_helper_env(s, &info_in, v, 2, port, tcg_constant_i32(ot));
        gen_st_reg(s, ot, R_EAX, v);
    }
    return true;
}

/* 0F 00: group 6 */
bool trans_grp6(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s);

    if (!s->pe || s->vm) {
        return false;
    }
    switch (d->m.reg) {
    case 0:
    case 1:
        tcg_gen_ld_i32(v, tcg_env, d->m.reg == 0 ? offsetof(CPUX86State, ldt.selector)
                                                 : offsetof(CPUX86State, tr.selector));
        if (d->m.is_mem) {
            gen_lea_modrm(s, &d->m);
            gen_st_mem(s, MO_16, v, x86_A0(s));
        } else {
            gen_st_reg(s, s->dflag, d->m.rm, v);
        }
        return true;
    case 2:
    case 3:
        if (!x86_check_cpl0(s)) {
            return true;
        }
        gen_ld_rm(s, d, MO_16, v);
        gen_update_eip_cur(s);
        gen_helper_env(s, d->m.reg == 2 ? &info_lldt : &info_ltr, NULL, 1, v);
        return true;
    case 4:
    case 5:
        gen_ld_rm(s, d, MO_16, v);
        gen_update_eip_cur(s);
        gen_flags_to_eflags_op(s);
        gen_helper_env(s, d->m.reg == 4 ? &info_verr : &info_verw, NULL, 1, v);
        tcg_gen_ld_i32(cpu_cc_src, tcg_env, offsetof(CPUX86State, cc_tmp));
        return true;
    default:
        return false;
    }
}

/* 0F 01: group 7 */
bool trans_grp7(DisasContext *s, X86Insn *d)
{
    TCGv_i32 v = x86_temp(s), a = x86_temp(s);
    int op = d->m.reg;

    if (!d->m.is_mem && op != 4 && op != 6) {
        return false;
    }
    switch (op) {
    case 0:
    case 1: {
        size_t off = op == 0 ? offsetof(CPUX86State, gdt) : offsetof(CPUX86State, idt);

        gen_lea_modrm(s, &d->m);
        tcg_gen_ld_i32(v, tcg_env, off + offsetof(SegmentCache, limit));
        gen_st_mem(s, MO_16, v, x86_A0(s));
        tcg_gen_ld_i32(v, tcg_env, off + offsetof(SegmentCache, base));
        if (s->dflag == MO_16) {
            tcg_gen_andi_i32(v, v, 0xffffff);
        }
        tcg_gen_addi_i32(a, x86_A0(s), 2);
        gen_st_mem(s, MO_32, v, a);
        return true;
    }
    case 2:
    case 3: {
        size_t off = op == 2 ? offsetof(CPUX86State, gdt) : offsetof(CPUX86State, idt);
        TCGv_i32 lim = x86_temp(s);

        if (!x86_check_cpl0(s)) {
            return true;
        }
        gen_lea_modrm(s, &d->m);
        gen_ld_mem(s, MO_16, lim, x86_A0(s));
        tcg_gen_addi_i32(a, x86_A0(s), 2);
        gen_ld_mem(s, MO_32, v, a);
        if (s->dflag == MO_16) {
            tcg_gen_andi_i32(v, v, 0xffffff);
        }
        tcg_gen_st_i32(lim, tcg_env, off + offsetof(SegmentCache, limit));
        tcg_gen_st_i32(v, tcg_env, off + offsetof(SegmentCache, base));
        return true;
    }
    case 4:
        tcg_gen_ld_i32(v, tcg_env, offsetof(CPUX86State, cr[0]));
        if (d->m.is_mem) {
            gen_lea_modrm(s, &d->m);
            gen_st_mem(s, MO_16, v, x86_A0(s));
        } else {
            gen_st_reg(s, s->dflag, d->m.rm, v);
        }
        return true;
    case 6:
        if (!x86_check_cpl0(s)) {
            return true;
        }
        gen_ld_rm(s, d, MO_16, v);
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_lmsw, NULL, 1, v);
        s->base.is_jmp = DISAS_EXIT;
        return true;
    case 7:
        if (!x86_check_cpl0(s)) {
            return true;
        }
        gen_lea_modrm(s, &d->m);
        gen_helper_env(s, &info_invlpg, NULL, 1, x86_A0(s));
        s->base.is_jmp = DISAS_EXIT;
        return true;
    default:
        return false;
    }
}

/* 0F 20-23 */
bool trans_mov_cr_dr(DisasContext *s, X86Insn *d)
{
    int n = d->m.reg;
    int reg = d->m.rm;
    TCGv_i32 v = x86_temp(s);

    if (!x86_check_cpl0(s)) {
        return true;
    }
    switch (d->op) {
    case 0x120:
        if (n == 1 || n > 4) {
            return false;
        }
        gen_helper_env(s, &info_read_cr, v, 1, tcg_constant_i32(n));
        tcg_gen_mov_i32(cpu_regs[reg], v);
        return true;
    case 0x122:
        if (n == 1 || n > 4) {
            return false;
        }
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_write_cr, NULL, 2, tcg_constant_i32(n), cpu_regs[reg]);
        s->base.is_jmp = DISAS_EXIT;
        return true;
    case 0x121:
        if (n == 4 || n == 5) {
            n += 2;
        }
        /* A helper: DR7.GD makes the access a #DB fault. */
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_read_dr, v, 1, tcg_constant_i32(n));
        tcg_gen_mov_i32(cpu_regs[reg], v);
        return true;
    default:
        if (n == 4 || n == 5) {
            n += 2;
        }
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_write_dr, NULL, 2, tcg_constant_i32(n), cpu_regs[reg]);
        /* Breakpoint changes may have flushed translated code (this TB included):
         * straight back to the loop, which looks up the next insn afresh. */
        gen_update_eip_next(s);
        if (s->flags & (HF_TF_MASK | HF_DBG_MASK)) {
            gen_debug_insn_end(s);
        } else {
            gen_sync_cc_op(s);
            tcg_gen_exit_tb(NULL, 0);
            s->base.is_jmp = DISAS_NORETURN;
        }
        return true;
    }
}

/* 0F 06 */
bool trans_clts(DisasContext *s, X86Insn *d)
{
    if (!x86_check_cpl0(s)) {
        return true;
    }
    gen_helper_env(s, &info_clts, NULL, 0);
    s->base.is_jmp = DISAS_EXIT;
    return true;
}

/* 0F 08 INVD, 09 WBINVD, 30 WRMSR, 31 RDTSC, 32 RDMSR, A2 CPUID */
bool trans_sys_misc(DisasContext *s, X86Insn *d)
{
    switch (d->op) {
    case 0x108:
    case 0x109:
        x86_check_cpl0(s);
        return true;
    case 0x130:
        if (!x86_check_cpl0(s)) {
            return true;
        }
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_wrmsr, NULL, 0);
        s->base.is_jmp = DISAS_EXIT;
        return true;
    case 0x131:
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_rdtsc, NULL, 0);
        return true;
    case 0x132:
        if (!x86_check_cpl0(s)) {
            return true;
        }
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_rdmsr, NULL, 0);
        return true;
    default:
        gen_helper_env(s, &info_cpuid, NULL, 0);
        return true;
    }
}

/* 0F 02 LAR, 0F 03 LSL */
bool trans_lar_lsl(DisasContext *s, X86Insn *d)
{
    TCGv_i32 sel = x86_temp(s), r = x86_temp(s), z = x86_temp(s), old = x86_temp(s);

    if (!s->pe || s->vm) {
        return false;
    }
    gen_ld_rm(s, d, MO_16, sel);
    gen_flags_to_eflags_op(s);
    gen_update_eip_cur(s);
    gen_helper_env(s, d->op == 0x102 ? &info_lar : &info_lsl, r, 1, sel);
    tcg_gen_ld_i32(cpu_cc_src, tcg_env, offsetof(CPUX86State, cc_tmp));
    tcg_gen_andi_i32(z, cpu_cc_src, CC_Z);
    gen_ld_reg(s, d->ot, old, d->m.reg);
    tcg_gen_movcond_i32(TCG_COND_NE, r, z, tcg_constant_i32(0), r, old);
    gen_st_reg(s, d->ot, d->m.reg, r);
    return true;
}

/* 63 */
bool trans_arpl(DisasContext *s, X86Insn *d)
{
    TCGv_i32 dst = x86_temp(s), src = x86_temp(s), r = x86_temp(s), z = x86_temp(s);

    if (!s->pe || s->vm) {
        return false;
    }
    gen_ld_rm(s, d, MO_16, dst);
    gen_ld_reg(s, MO_16, src, d->m.reg);
    tcg_gen_andi_i32(src, src, 3);
    tcg_gen_andi_i32(r, dst, 3);
    tcg_gen_setcond_i32(TCG_COND_LTU, z, r, src);
    tcg_gen_andi_i32(r, dst, ~3);
    tcg_gen_or_i32(r, r, src);
    tcg_gen_movcond_i32(TCG_COND_NE, r, z, tcg_constant_i32(0), r, dst);
    gen_st_rm(s, d, MO_16, r);
    gen_flags_to_eflags_op(s);
    tcg_gen_andi_i32(cpu_cc_src, cpu_cc_src, ~CC_Z);
    tcg_gen_shli_i32(z, z, 6);
    tcg_gen_or_i32(cpu_cc_src, cpu_cc_src, z);
    return true;
}

/* 0F 34 */
bool trans_sysenter(DisasContext *s, X86Insn *d)
{
    if (!s->pe) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return true;
    }
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_sysenter, NULL, 0);
    s->base.is_jmp = DISAS_EXIT_PC_SET;
    return true;
}

/* 0F 35 */
bool trans_sysexit(DisasContext *s, X86Insn *d)
{
    if (!s->pe || s->cpl != 0) {
        gen_exception_err(s, EXCP0D_GPF, 0);
        return true;
    }
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_sysexit, NULL, 0);
    s->base.is_jmp = DISAS_EXIT_PC_SET;
    return true;
}

/* 0F 0B UD2, 0F B9 UD1, 0F FF UD0 */
bool trans_ud(DisasContext *s, X86Insn *d)
{
    gen_illegal(s);
    return true;
}

/* ---- opcode tables ---- */

#define M XF_MODRM
#define B XF_BYTE
#define ALU_ROW(base)                                                         \
    [(base) + 0] = { trans_alu_op, M | B }, [(base) + 1] = { trans_alu_op, M }, \
    [(base) + 2] = { trans_alu_op, M | B }, [(base) + 3] = { trans_alu_op, M }, \
    [(base) + 4] = { trans_alu_op, B | XF_IZ }, [(base) + 5] = { trans_alu_op, XF_IZ }

const X86OpEntry x86_op_table1[256] = {
    ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
    ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
    [0x06] = { trans_push_sreg, 0 }, [0x07] = { trans_pop_sreg, 0 },
    [0x0e] = { trans_push_sreg, 0 },
    [0x16] = { trans_push_sreg, 0 }, [0x17] = { trans_pop_sreg, 0 },
    [0x1e] = { trans_push_sreg, 0 }, [0x1f] = { trans_pop_sreg, 0 },
    [0x27] = { trans_bcd, 0 }, [0x2f] = { trans_bcd, 0 },
    [0x37] = { trans_bcd, 0 }, [0x3f] = { trans_bcd, 0 },
    [0x40 ... 0x4f] = { trans_inc_dec_reg, 0 },
    [0x50 ... 0x57] = { trans_push_reg, 0 },
    [0x58 ... 0x5f] = { trans_pop_reg, 0 },
    [0x60] = { trans_pusha, 0 }, [0x61] = { trans_popa, 0 },
    [0x62] = { trans_bound, M }, [0x63] = { trans_arpl, M },
    [0x68] = { trans_push_imm, XF_IZ }, [0x69] = { trans_imul_imm, M | XF_IZ },
    [0x6a] = { trans_push_imm, XF_IBS }, [0x6b] = { trans_imul_imm, M | XF_IBS },
    [0x6c] = { trans_string, B }, [0x6d] = { trans_string, 0 },
    [0x6e] = { trans_string, B }, [0x6f] = { trans_string, 0 },
    [0x70 ... 0x7f] = { trans_jcc, XF_JB },
    [0x80] = { trans_grp1, M | B | XF_IZ }, [0x81] = { trans_grp1, M | XF_IZ },
    [0x82] = { trans_grp1, M | B | XF_IZ }, [0x83] = { trans_grp1, M | XF_IBS },
    [0x84] = { trans_test, M | B }, [0x85] = { trans_test, M },
    [0x86] = { trans_xchg, M | B }, [0x87] = { trans_xchg, M },
    [0x88] = { trans_mov, M | B }, [0x89] = { trans_mov, M },
    [0x8a] = { trans_mov, M | B }, [0x8b] = { trans_mov, M },
    [0x8c] = { trans_mov_sreg, M }, [0x8d] = { trans_lea, M },
    [0x8e] = { trans_mov_sreg, M }, [0x8f] = { trans_pop_ev, M },
    [0x90 ... 0x97] = { trans_xchg_ax, 0 },
    [0x98] = { trans_cbw, 0 }, [0x99] = { trans_cwd, 0 },
    [0x9a] = { trans_call_far, XF_AP }, [0x9b] = { trans_wait, 0 },
    [0x9c] = { trans_pushf, 0 }, [0x9d] = { trans_popf, 0 },
    [0x9e] = { trans_lahf_sahf, 0 }, [0x9f] = { trans_lahf_sahf, 0 },
    [0xa0] = { trans_mov_moffs, B | XF_MOFFS }, [0xa1] = { trans_mov_moffs, XF_MOFFS },
    [0xa2] = { trans_mov_moffs, B | XF_MOFFS }, [0xa3] = { trans_mov_moffs, XF_MOFFS },
    [0xa4] = { trans_string, B }, [0xa5] = { trans_string, 0 },
    [0xa6] = { trans_string, B }, [0xa7] = { trans_string, 0 },
    [0xa8] = { trans_test_a_imm, B | XF_IZ }, [0xa9] = { trans_test_a_imm, XF_IZ },
    [0xaa] = { trans_string, B }, [0xab] = { trans_string, 0 },
    [0xac] = { trans_string, B }, [0xad] = { trans_string, 0 },
    [0xae] = { trans_string, B }, [0xaf] = { trans_string, 0 },
    [0xb0 ... 0xb7] = { trans_mov_imm, B | XF_IZ },
    [0xb8 ... 0xbf] = { trans_mov_imm, XF_IZ },
    [0xc0] = { trans_grp2, M | B | XF_IB }, [0xc1] = { trans_grp2, M | XF_IB },
    [0xc2] = { trans_ret, XF_IW }, [0xc3] = { trans_ret, 0 },
    [0xc4] = { trans_lxs, M }, [0xc5] = { trans_lxs, M },
    [0xc6] = { trans_mov_imm, M | B | XF_IZ }, [0xc7] = { trans_mov_imm, M | XF_IZ },
    [0xc8] = { trans_enter, XF_IWB }, [0xc9] = { trans_leave, 0 },
    [0xca] = { trans_ret_far, XF_IW }, [0xcb] = { trans_ret_far, 0 },
    [0xcc] = { trans_int, 0 }, [0xcd] = { trans_int, XF_IB },
    [0xce] = { trans_int, 0 }, [0xcf] = { trans_iret, 0 },
    [0xd0] = { trans_grp2, M | B }, [0xd1] = { trans_grp2, M },
    [0xd2] = { trans_grp2, M | B }, [0xd3] = { trans_grp2, M },
    [0xd4] = { trans_bcd, XF_IB }, [0xd5] = { trans_bcd, XF_IB },
    [0xd6] = { trans_salc, 0 }, [0xd7] = { trans_xlat, 0 },
    [0xd8 ... 0xdf] = { trans_fpu, M },
    [0xe0 ... 0xe3] = { trans_loop, XF_JB },
    [0xe4] = { trans_in_out, XF_IB }, [0xe5] = { trans_in_out, XF_IB },
    [0xe6] = { trans_in_out, XF_IB }, [0xe7] = { trans_in_out, XF_IB },
    [0xe8] = { trans_call, XF_JZ }, [0xe9] = { trans_jmp, XF_JZ },
    [0xea] = { trans_jmp_far, XF_AP }, [0xeb] = { trans_jmp, XF_JB },
    [0xec ... 0xef] = { trans_in_out, 0 },
    [0xf1] = { trans_int, 0 },
    [0xf4] = { trans_hlt, 0 }, [0xf5] = { trans_flag_op, 0 },
    [0xf6] = { trans_grp3, M | B | XF_GRPIMM }, [0xf7] = { trans_grp3, M | XF_GRPIMM },
    [0xf8] = { trans_flag_op, 0 }, [0xf9] = { trans_flag_op, 0 },
    [0xfa] = { trans_cli_sti, 0 }, [0xfb] = { trans_cli_sti, 0 },
    [0xfc] = { trans_flag_op, 0 }, [0xfd] = { trans_flag_op, 0 },
    [0xfe] = { trans_grp4, M | B }, [0xff] = { trans_grp5_ctl, M },
};

const X86OpEntry x86_op_table2[256] = {
    [0x00] = { trans_grp6, M }, [0x01] = { trans_grp7, M },
    [0x02] = { trans_lar_lsl, M }, [0x03] = { trans_lar_lsl, M },
    [0x06] = { trans_clts, 0 },
    [0x08] = { trans_sys_misc, 0 }, [0x09] = { trans_sys_misc, 0 },
    [0x0b] = { trans_ud, 0 },
    [0x10 ... 0x17] = { trans_sse, M },
    [0x18 ... 0x1f] = { trans_nop_modrm, M },
    [0x20 ... 0x23] = { trans_mov_cr_dr, M },
    [0x28 ... 0x2f] = { trans_sse, M },
    [0x30] = { trans_sys_misc, 0 }, [0x31] = { trans_sys_misc, 0 },
    [0x32] = { trans_sys_misc, 0 },
    [0x34] = { trans_sysenter, 0 }, [0x35] = { trans_sysexit, 0 },
    [0x40 ... 0x4f] = { trans_cmovcc, M },
    [0x50 ... 0x5f] = { trans_sse, M },
    [0x60 ... 0x6d] = { trans_mmx, M },
    [0x6e ... 0x6f] = { trans_mmx, M },
    [0x70] = { trans_sse, M | XF_IB },
    [0x71 ... 0x73] = { trans_mmx, M | XF_IB },
    [0x74 ... 0x76] = { trans_mmx, M },
    [0x77] = { trans_mmx, 0 },
    [0x7e ... 0x7f] = { trans_mmx, M },
    [0x80 ... 0x8f] = { trans_jcc, XF_JZ },
    [0x90 ... 0x9f] = { trans_setcc, M },
    [0xa0] = { trans_push_sreg, 0 }, [0xa1] = { trans_pop_sreg, 0 },
    [0xa2] = { trans_sys_misc, 0 }, [0xa3] = { trans_bt_op, M },
    [0xa4] = { trans_shld_shrd, M | XF_IB }, [0xa5] = { trans_shld_shrd, M },
    [0xa8] = { trans_push_sreg, 0 }, [0xa9] = { trans_pop_sreg, 0 },
    [0xab] = { trans_bt_op, M },
    [0xac] = { trans_shld_shrd, M | XF_IB }, [0xad] = { trans_shld_shrd, M },
    [0xae] = { trans_fxsave, M },
    [0xaf] = { trans_imul_gv_ev, M },
    [0xb0] = { trans_cmpxchg, M | B }, [0xb1] = { trans_cmpxchg, M },
    [0xb2] = { trans_lxs, M }, [0xb3] = { trans_bt_op, M },
    [0xb4] = { trans_lxs, M }, [0xb5] = { trans_lxs, M },
    [0xb6] = { trans_movx, M }, [0xb7] = { trans_movx, M },
    [0xb9] = { trans_ud, 0 },
    [0xba] = { trans_grp8, M | XF_IB }, [0xbb] = { trans_bt_op, M },
    [0xbc] = { trans_bsf_bsr, M }, [0xbd] = { trans_bsf_bsr, M },
    [0xbe] = { trans_movx, M }, [0xbf] = { trans_movx, M },
    [0xc0] = { trans_xadd, M | B }, [0xc1] = { trans_xadd, M },
    [0xc2] = { trans_sse, M | XF_IB },
    [0xc4] = { trans_sse, M | XF_IB }, [0xc5] = { trans_sse, M | XF_IB },
    [0xc6] = { trans_sse, M | XF_IB },
    [0xc3] = { trans_movnti, M },
    [0xc7] = { trans_cmpxchg8b, M },
    [0xc8 ... 0xcf] = { trans_bswap, 0 },
    [0xd1 ... 0xd3] = { trans_mmx, M }, [0xd5] = { trans_mmx, M },
    [0xd4] = { trans_mmx, M }, [0xd6] = { trans_mmx, M },
    [0xd7] = { trans_sse, M },
    [0xd8 ... 0xd9] = { trans_mmx, M }, [0xdb ... 0xdd] = { trans_mmx, M },
    [0xda] = { trans_sse, M }, [0xde] = { trans_sse, M },
    [0xdf] = { trans_mmx, M },
    [0xe0] = { trans_sse, M }, [0xe3 ... 0xe4] = { trans_sse, M },
    [0xe6] = { trans_sse, M },
    [0xe7] = { trans_sse, M }, [0xea] = { trans_sse, M }, [0xee] = { trans_sse, M },
    [0xf6 ... 0xf7] = { trans_sse, M },
    [0xf4] = { trans_mmx, M }, [0xfb] = { trans_mmx, M },
    [0xe1 ... 0xe2] = { trans_mmx, M }, [0xe5] = { trans_mmx, M },
    [0xe8 ... 0xe9] = { trans_mmx, M }, [0xeb ... 0xed] = { trans_mmx, M },
    [0xef] = { trans_mmx, M },
    [0xf1 ... 0xf3] = { trans_mmx, M }, [0xf5] = { trans_mmx, M },
    [0xf8 ... 0xfa] = { trans_mmx, M }, [0xfc ... 0xfe] = { trans_mmx, M },
    [0xff] = { trans_ud, 0 },
};
