/*
 * i386 MMX instructions (0F 60-7F, 0F D1-FE without a 66/F2/F3 prefix; those
 * prefixed forms are SSE/SSE2, which CPUID does not offer: #UD). Operands are staged
 * in env->mmx_src and the packed arithmetic is done by mmx_helper.c.
 * CR0.EM = 1 makes MMX insns #UD, CR0.TS = 1 #NM (Intel SDM Vol. 3, 12.2).
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_mmx_op =
    TCG_HELPER(helper_x86_mmx_op, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_mmx_load =
    TCG_HELPER(helper_x86_mmx_load, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_mmx_store =
    TCG_HELPER(helper_x86_mmx_store, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_emms =
    TCG_HELPER(helper_x86_emms, 0, TCG_CALL_VOID, TCG_CALL_PTR);
static const TCGHelperInfo info_fwait =
    TCG_HELPER(helper_x86_fwait, 0, TCG_CALL_VOID, TCG_CALL_PTR);

/* Stage the 64-bit mm/m64 source operand of d in env->mmx_src. */
static void gen_mmx_src(DisasContext *s, X86Insn *d)
{
    TCGv_i64 v = tcg_temp_new_i64();

    if (d->m.is_mem) {
        gen_lea_modrm(s, &d->m);
        gen_ld_mem_i64(s, v, x86_A0(s));
    } else {
        tcg_gen_ld_i64(v, tcg_env, offsetof(CPUX86State, fpregs[d->m.rm].mant));
    }
    tcg_gen_st_i64(v, tcg_env, offsetof(CPUX86State, mmx_src));
    tcg_temp_free_i64(v);
}

bool trans_mmx(DisasContext *s, X86Insn *d)
{
    unsigned b = d->op & 0xff;
    TCGv_i32 reg = tcg_constant_i32(d->m.reg);

    if (s->prefix & (PREFIX_DATA | PREFIX_REPZ | PREFIX_REPNZ)) {
        return trans_sse2(s, d);    /* the XMM forms */
    }
    if (b == 0x6c || b == 0x6d || b == 0xd6) {
        return false;               /* XMM-only encodings */
    }
    if (x86_fpu_flags(s, HF_EM_MASK)) {
        return false;
    }
    if (x86_fpu_flags(s, HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_fwait, NULL, 0);     /* pending x87 exceptions: #MF */

    switch (b) {
    case 0x77:
        gen_helper_env(s, &info_emms, NULL, 0);
        return true;
    case 0x6e: {
        TCGv_i32 v = x86_temp(s);
        TCGv_i64 q = tcg_temp_new_i64();

        gen_ld_rm(s, d, MO_32, v);
        tcg_gen_extu_i32_i64(q, v);
        tcg_gen_st_i64(q, tcg_env, offsetof(CPUX86State, mmx_src));
        tcg_temp_free_i64(q);
        gen_helper_env(s, &info_mmx_load, NULL, 1, reg);
        return true;
    }
    case 0x6f:
        gen_mmx_src(s, d);
        gen_helper_env(s, &info_mmx_load, NULL, 1, reg);
        return true;
    case 0x7e: {
        TCGv_i32 v = x86_temp(s);

        if (d->m.is_mem) {
            gen_lea_modrm(s, &d->m);
        }
        gen_helper_env(s, &info_mmx_store, NULL, 1, reg);
        tcg_gen_ld_i32(v, tcg_env, offsetof(CPUX86State, mmx_src));
        gen_st_rm(s, d, MO_32, v);
        return true;
    }
    case 0x7f:
        gen_helper_env(s, &info_mmx_store, NULL, 1, reg);
        if (d->m.is_mem) {
            TCGv_i64 q = tcg_temp_new_i64();

            gen_lea_modrm(s, &d->m);
            tcg_gen_ld_i64(q, tcg_env, offsetof(CPUX86State, mmx_src));
            gen_st_mem_i64(s, q, x86_A0(s));
            tcg_temp_free_i64(q);
        } else {
            gen_helper_env(s, &info_mmx_load, NULL, 1, tcg_constant_i32(d->m.rm));
        }
        return true;
    case 0x71:
    case 0x72:
    case 0x73: {
        TCGv_i64 q = tcg_constant_i64(d->imm & 0xff);
        int r = d->m.reg;

        if (d->m.is_mem || !(r == 2 || r == 6 || (r == 4 && b != 0x73))) {
            return false;
        }
        tcg_gen_st_i64(q, tcg_env, offsetof(CPUX86State, mmx_src));
        gen_helper_env(s, &info_mmx_op, NULL, 2, tcg_constant_i32(0x100 | (b << 4) | r),
                       tcg_constant_i32(d->m.rm));
        return true;
    }
    default:
        gen_mmx_src(s, d);
        gen_helper_env(s, &info_mmx_op, NULL, 2, tcg_constant_i32(b), reg);
        return true;
    }
}
