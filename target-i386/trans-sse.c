/*
 * i386 SSE instructions (0F 10-17, 28-2F, 50-5F, C2, C6, the 0F AE MXCSR/fence forms)
 * and the SSE integer extensions of MMX (0F 70, C4, C5, D7, DA, DE, E0, E3, E4, E7,
 * EA, EE, F6, F7), and the SSE2 forms (66/F2/F3 prefixes, 0F 5A/5B/E6/C3, the
 * fences and CLFLUSH). Decoding checks the prefix (none: packed single, F3: scalar
 * single, 66: packed double / 128-bit integer, F2: scalar double), the
 * register/memory form and CR0/CR4 (EM: #UD, TS: #NM, OSFXSR = 0: #UD for XMM insns);
 * sse_helper.c and sse2_helper.c do the work (SSE3 and later: #UD).
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_sse =
    TCG_HELPER(helper_x86_sse, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_sse2 =
    TCG_HELPER(helper_x86_sse2, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_fwait =
    TCG_HELPER(helper_x86_fwait, 0, TCG_CALL_VOID, TCG_CALL_PTR);

static bool sse_is_mmx_ext(unsigned b)
{
    switch (b) {
    case 0x70: case 0xc4: case 0xc5: case 0xd7: case 0xda: case 0xde: case 0xe0:
    case 0xe3: case 0xe4: case 0xe7: case 0xea: case 0xee: case 0xf6: case 0xf7:
        return true;
    default:
        return false;
    }
}

static bool sse_f3_ok(unsigned b)
{
    switch (b) {
    case 0x10: case 0x11: case 0x2a: case 0x2c: case 0x2d: case 0x51: case 0x52:
    case 0x53: case 0x58: case 0x59: case 0x5c: case 0x5d: case 0x5e: case 0x5f:
    case 0xc2:
        return true;
    default:
        return false;
    }
}

static void gen_sse_call(DisasContext *s, X86Insn *d, unsigned b, bool f3)
{
    uint32_t ctl = b | (f3 ? 1u << 8 : 0) | (d->m.is_mem ? 1u << 9 : 0) |
                   ((d->imm & 0xff) << 16);

    gen_update_eip_cur(s);
    if (d->m.is_mem) {
        gen_lea_modrm(s, &d->m);
    } else {
        tcg_gen_movi_i32(x86_A0(s), 0);
    }
    gen_helper_env(s, &info_sse, NULL, 4, tcg_constant_i32(ctl), tcg_constant_i32(d->m.reg),
                   tcg_constant_i32(d->m.rm), x86_A0(s));
}

/*
 * SSE2: the 66/F2/F3-prefixed forms, the unprefixed conversions 0F 5A/5B, MOVNTI.
 * The prefix picks the form (66 > F2 > F3 when several are present is not modelled:
 * the last of F2/F3 wins, 66 counts only without them, as compilers emit).
 */
bool trans_sse2(DisasContext *s, X86Insn *d)
{
    unsigned b = d->op & 0xff;
    unsigned pfx = (s->prefix & PREFIX_REPNZ) ? 3 : (s->prefix & PREFIX_REPZ) ? 2 :
                   (s->prefix & PREFIX_DATA) ? 1 : 0;
    uint32_t ctl;
    TCGv_i32 a = x86_temp(s);

    if (x86_fpu_flags(s, HF_EM_MASK) || !x86_fpu_flags(s, HF_OSFXSR_MASK)) {
        return false;
    }
    if (x86_fpu_flags(s, HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    /* Forms with an MMX operand first check pending x87 exceptions. */
    gen_update_eip_cur(s);
    if (b == 0xd6 || ((b == 0x2a || b == 0x2c || b == 0x2d) && pfx == 1)) {
        gen_helper_env(s, &info_fwait, NULL, 0);
    }
    ctl = b | (pfx << 8) | (d->m.is_mem ? 1u << 10 : 0) | ((d->imm & 0xff) << 16);
    if (b == 0xf7) {
        gen_lea_seg(s, a, cpu_regs[R_EDI], R_DS, s->override);
    } else if (d->m.is_mem) {
        gen_lea_modrm(s, &d->m);
        tcg_gen_mov_i32(a, x86_A0(s));
    } else {
        tcg_gen_movi_i32(a, 0);
    }
    gen_helper_env(s, &info_sse2, NULL, 4, tcg_constant_i32(ctl), tcg_constant_i32(d->m.reg),
                   tcg_constant_i32(d->m.rm), a);
    if (b == 0x2e || b == 0x2f) {
        s->cc_op = CC_OP_DYNAMIC;
    }
    return true;
}

/* 0F C3 MOVNTI m32, r32 */
bool trans_movnti(DisasContext *s, X86Insn *d)
{
    if (!d->m.is_mem || (s->prefix & (PREFIX_DATA | PREFIX_REPZ | PREFIX_REPNZ))) {
        return false;
    }
    gen_lea_modrm(s, &d->m);
    gen_st_mem(s, MO_32, cpu_regs[d->m.reg], x86_A0(s));
    return true;
}

bool trans_sse(DisasContext *s, X86Insn *d)
{
    unsigned b = d->op & 0xff;
    bool f3 = s->prefix & PREFIX_REPZ;

    if ((s->prefix & (PREFIX_DATA | PREFIX_REPNZ)) || b == 0x5a || b == 0x5b || b == 0xe6 ||
        (f3 && !sse_is_mmx_ext(b) && !sse_f3_ok(b)) ||
        (f3 && (b == 0x70))) {
        return trans_sse2(s, d);
    }
    if (x86_fpu_flags(s, HF_EM_MASK)) {
        return false;
    }
    if (sse_is_mmx_ext(b)) {
        if (f3) {
            return false;
        }
        if ((b == 0xc5 || b == 0xd7 || b == 0xf7) && d->m.is_mem) {
            return false;
        }
        if (b == 0xe7 && !d->m.is_mem) {
            return false;
        }
        if (x86_fpu_flags(s, HF_TS_MASK)) {
            gen_exception(s, EXCP07_PREX);
            return true;
        }
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_fwait, NULL, 0);
        if (b == 0xf7) {
            /* MASKMOVQ stores to DS:(E)DI. */
            TCGv_i32 a = x86_temp(s);

            gen_lea_seg(s, a, cpu_regs[R_EDI], R_DS, s->override);
            gen_helper_env(s, &info_sse, NULL, 4, tcg_constant_i32(b),
                           tcg_constant_i32(d->m.reg), tcg_constant_i32(d->m.rm), a);
            return true;
        }
        gen_sse_call(s, d, b, false);
        return true;
    }
    if (f3 && !sse_f3_ok(b)) {
        return false;
    }
    if ((b == 0x13 || b == 0x17 || b == 0x2b) && !d->m.is_mem) {
        return false;
    }
    if (b == 0x50 && d->m.is_mem) {
        return false;
    }
    if (!x86_fpu_flags(s, HF_OSFXSR_MASK)) {
        return false;
    }
    if (x86_fpu_flags(s, HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    if ((b == 0x2a && !f3 && !d->m.is_mem) || ((b == 0x2c || b == 0x2d) && !f3)) {
        /* MMX operands: pending x87 exceptions first. */
        gen_update_eip_cur(s);
        gen_helper_env(s, &info_fwait, NULL, 0);
    }
    gen_sse_call(s, d, b, f3);
    if (b == 0x2e || b == 0x2f) {
        s->cc_op = CC_OP_DYNAMIC;
    }
    return true;
}

/* 0F AE /2 LDMXCSR, /3 STMXCSR, /5 LFENCE, /6 MFENCE, /7 SFENCE or CLFLUSH m8. */
bool trans_sse_mxcsr(DisasContext *s, X86Insn *d)
{
    if (s->prefix & (PREFIX_DATA | PREFIX_REPZ | PREFIX_REPNZ)) {
        return false;
    }
    if (d->m.reg >= 5 && !d->m.is_mem) {
        return true;        /* fences: accesses are never reordered here */
    }
    if (d->m.reg == 7) {
        /* CLFLUSH: no caches; the access rights of the line still apply (a load). */
        TCGv_i32 t = x86_temp(s);

        gen_lea_modrm(s, &d->m);
        gen_ld_mem(s, MO_8, t, x86_A0(s));
        return true;
    }
    if ((d->m.reg != 2 && d->m.reg != 3) || !d->m.is_mem) {
        return false;
    }
    if (x86_fpu_flags(s, HF_EM_MASK) || !x86_fpu_flags(s, HF_OSFXSR_MASK)) {
        return false;
    }
    if (x86_fpu_flags(s, HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    d->imm = 0;
    gen_sse_call(s, d, 0xae, false);
    return true;
}
