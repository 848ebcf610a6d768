/*
 * i386 x87 FPU instructions (D8-DF escape opcodes), WAIT, and the 0F AE group.
 * Translation checks CR0.EM/TS (#NM) and hands the insn to fpu_helper.c, which
 * performs memory accesses itself (restartable: state changes after the accesses).
 * Of the 0F AE group FXSAVE/FXRSTOR (FXSR) are here, LDMXCSR/STMXCSR/SFENCE (SSE) in
 * trans-sse.c; LFENCE/MFENCE/CLFLUSH (SSE2/CLFSH, not offered) are #UD.
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_fpu_mem =
    TCG_HELPER(helper_x86_fpu_mem, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_fpu_reg =
    TCG_HELPER(helper_x86_fpu_reg, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_fxsave =
    TCG_HELPER(helper_x86_fxsave, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_fxrstor =
    TCG_HELPER(helper_x86_fxrstor, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);
static const TCGHelperInfo info_fwait =
    TCG_HELPER(helper_x86_fwait, 0, TCG_CALL_VOID, TCG_CALL_PTR);

/*
 * Bytes an x87 memory form accesses (SDM Vol. 1, 8.1.10 and Vol. 2 per insn), and
 * whether it stores, for the segment check made before the helper runs: op is
 * (escape & 7) << 3 | ModRM.reg.
 */
static unsigned x86_fpu_mem_len(uint32_t op, bool is32, bool *is_write)
{
    unsigned esc = op >> 3, reg = op & 7;
    unsigned env_len = is32 ? 28 : 14;

    *is_write = false;
    switch (esc) {
    case 0:
        return 4;
    case 1:
        *is_write = reg >= 2 && reg != 4 && reg != 5;
        return reg == 4 || reg == 6 ? env_len : reg >= 5 ? 2 : 4;
    case 2:
        return 4;
    case 3:
        *is_write = reg == 1 || reg == 2 || reg == 3 || reg == 7;
        return reg >= 4 ? 10 : 4;
    case 4:
        return 8;
    case 5:
        *is_write = reg != 0 && reg != 4;
        return reg == 4 || reg == 6 ? env_len + 80 : reg == 7 ? 2 : 8;
    case 6:
        return 2;
    default:
        *is_write = reg != 0 && reg != 4 && reg != 5;
        return reg == 4 || reg == 6 ? 10 : reg >= 5 ? 8 : 2;
    }
}

bool trans_fpu(DisasContext *s, X86Insn *d)
{
    uint32_t op = ((d->op & 7) << 3) | d->m.reg;

    if (x86_fpu_flags(s, HF_EM_MASK | HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    gen_update_eip_cur(s);
    if (d->m.is_mem) {
        bool is_write;
        unsigned len = x86_fpu_mem_len(op, s->dflag == MO_32, &is_write);

        gen_lea_modrm(s, &d->m);
        gen_seg_check_range(s, x86_A0(s), len, is_write);
        gen_helper_env(s, &info_fpu_mem, NULL, 3, tcg_constant_i32(op), x86_A0(s),
                       tcg_constant_i32(s->dflag == MO_32));
    } else {
        gen_helper_env(s, &info_fpu_reg, NULL, 2, tcg_constant_i32(op),
                       tcg_constant_i32(d->m.rm));
        /* FCOMI/FUCOMI(P) write EFLAGS. */
        if (((op >> 3) == 3 || (op >> 3) == 7) && ((op & 7) == 5 || (op & 7) == 6)) {
            s->cc_op = CC_OP_DYNAMIC;
        }
    }
    return true;
}

/* 9B WAIT/FWAIT */
bool trans_wait(DisasContext *s, X86Insn *d)
{
    if (x86_fpu_flags(s, HF_MP_MASK | HF_TS_MASK) == (HF_MP_MASK | HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    gen_update_eip_cur(s);
    gen_helper_env(s, &info_fwait, NULL, 0);
    return true;
}

/* 0F AE /0 FXSAVE, /1 FXRSTOR (FXSR); /2 /3 /7 are SSE (trans-sse.c), the rest
 * SSE2/CLFSH: #UD. */
bool trans_fxsave(DisasContext *s, X86Insn *d)
{
    if (d->m.reg >= 2) {
        return trans_sse_mxcsr(s, d);
    }
    if (!d->m.is_mem || (s->prefix & (PREFIX_DATA | PREFIX_REPZ | PREFIX_REPNZ))) {
        return false;
    }
    if (x86_fpu_flags(s, HF_EM_MASK | HF_TS_MASK)) {
        gen_exception(s, EXCP07_PREX);
        return true;
    }
    gen_update_eip_cur(s);
    gen_lea_modrm(s, &d->m);
    gen_seg_check_range(s, x86_A0(s), 512, d->m.reg == 0);
    gen_helper_env(s, d->m.reg ? &info_fxrstor : &info_fxsave, NULL, 1, x86_A0(s));
    return true;
}
