/*
 * MIPS32 FPU (CP1) instructions of the 24Kf (MIPS32 Vol. II, MD00086; formats S, D,
 * W, L; no PS, no MIPS-3D): LWC1 SWC1 LDC1 SDC1, COP1X LWXC1 SWXC1 LDXC1 SDXC1
 * LUXC1 SUXC1 PREFX, MFC1 MTC1 MFHC1 MTHC1 CFC1 CTC1, BC1F/BC1T/BC1FL/BC1TL, the
 * fmt arithmetic, conversions, compares and conditional moves, COP1X MADD/MSUB/
 * NMADD/NMSUB, and SPECIAL MOVCI.
 *
 * Neither Status.CU1 nor Status.FR is a TB flag: Linux switches both per process
 * (lazy FPU context switching, and FR by the program's FP ABI), and as flags they
 * made kernel and shared-library blocks translate more than once (measured: 41%
 * more TBs in a boot). CU1 is tested at run time (fpu_check: with CU1 clear every
 * CP1 insn raises Coprocessor Unusable with CE = 1, as always on models without
 * an FPU). FR needs no test for the registers FPXX code uses: the register file
 * is laid out so that even registers are the same storage in both modes
 * (CPUMIPSState.fpr); odd registers select at run time. Moves, loads, stores,
 * ABS/NEG/MOV and conditional moves are inline IR on env->fpr; everything that
 * rounds or signals calls fpu_helper.c. Encodings the 24Kf reserves (PS format,
 * L format with FR = 0, a double in an odd register with FR = 0, CVT.S.S and
 * such) raise Reserved Instruction, as QEMU does.
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_fpu =
    TCG_HELPER(helper_mips_fpu, TCG_CALL_NO_WG, TCG_CALL_I64, TCG_CALL_PTR,
               TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I32);
static const TCGHelperInfo info_fpu3 =
    TCG_HELPER(helper_mips_fpu3, TCG_CALL_NO_WG, TCG_CALL_I64, TCG_CALL_PTR,
               TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I32);
static const TCGHelperInfo info_fpu_cmp =
    TCG_HELPER(helper_mips_fpu_cmp, TCG_CALL_NO_WG, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I32);
static const TCGHelperInfo info_cfc1 =
    TCG_HELPER(helper_mips_cfc1, TCG_CALL_NO_RWG, TCG_CALL_I32, TCG_CALL_PTR,
               TCG_CALL_I32);
static const TCGHelperInfo info_raise =
    TCG_HELPER(helper_mips_raise, TCG_CALL_NO_RETURN, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32);
static const TCGHelperInfo info_raise_err =
    TCG_HELPER(helper_mips_raise_err, TCG_CALL_NO_RETURN, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32, TCG_CALL_I32);
static const TCGHelperInfo info_ctc1 =
    TCG_HELPER(helper_mips_ctc1, TCG_CALL_NO_WG, TCG_CALL_VOID, TCG_CALL_PTR,
               TCG_CALL_I32, TCG_CALL_I32);

/* Low word of fpr[r] (the host is little-endian). */
static inline intptr_t fpr_off(int r)
{
    return offsetof(CPUMIPSState, fpr) + 8 * r;
}

/*
 * CP1 usable? Without an FPU never: raise CpU (CE = 1) and return false. Else test
 * Status.CU1 at run time, once per stretch of code that only the TB's start or one
 * block start leads into (dc->cu1_checked): the raise is inline, in the insn's own
 * host code, so its insn record gives EPC and Cause.BD; no insn inside a TB changes
 * Status without ending it.
 */
/* Unless Status has bit set at run time, raise excp (with Cause.CE = ce for CpU)
 * at this insn. */
static void fpu_gen_status_test(DisasContext *dc, uint32_t bit, int excp, int ce)
{
    TCGLabel *ok = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUMIPSState, CP0_Status));
    tcg_gen_andi_i32(t, t, bit);
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, ok);
    tcg_temp_free_i32(t);
    tcg_gen_movi_i32(cpu_pc, dc->pc);
    if (excp == MIPS_EXCP_CPU) {
        tcg_gen_call3(&info_raise_err, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(excp)),
                      tcgv_i32_temp(tcg_constant_i32(ce)));
    } else {
        tcg_gen_call2(&info_raise, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(excp)));
    }
    gen_set_label(ok);
}

static bool fpu_check(DisasContext *dc)
{
    if (!(dc->model->config1 & CONFIG1_FP)) {
        mips_gen_exception_err(dc, MIPS_EXCP_CPU, 1);
        return false;
    }
    if (!dc->cu1_checked) {
        fpu_gen_status_test(dc, ST_CU1, MIPS_EXCP_CPU, 1);
        dc->cu1_checked = true;
    }
    return true;
}

static inline bool fpu_fmt_64(int fmt)
{
    return fmt == FPU_FMT_D || fmt == FPU_FMT_L;
}

/* Status & ST_FR (non-zero: FR = 1), read at run time. */
static TCGv_i64 fpu_load_fr(void)
{
    TCGv_i64 t = tcg_temp_new_i64();

    tcg_gen_ld32u_i64(t, tcg_env, offsetof(CPUMIPSState, CP0_Status));
    tcg_gen_andi_i64(t, t, ST_FR);
    return t;
}

/* v = FR ? the 32 or 64 bits at off1 : those at off0. */
static void fpu_ld_select(TCGv_i64 v, bool w64, intptr_t off1, intptr_t off0)
{
    TCGv_i64 fr = fpu_load_fr(), b = tcg_temp_new_i64();

    if (w64) {
        tcg_gen_ld_i64(v, tcg_env, off1);
        tcg_gen_ld_i64(b, tcg_env, off0);
    } else {
        tcg_gen_ld32u_i64(v, tcg_env, off1);
        tcg_gen_ld32u_i64(b, tcg_env, off0);
    }
    tcg_gen_movcond_i64(TCG_COND_NE, v, fr, tcg_constant_i64(0), v, b);
    tcg_temp_free_i64(b);
    tcg_temp_free_i64(fr);
}

/* Store v at off1 if FR, else at off0 (both are rewritten, one with its old value). */
static void fpu_st_select(TCGv_i64 v, bool w64, intptr_t off1, intptr_t off0)
{
    TCGv_i64 fr = fpu_load_fr(), old = tcg_temp_new_i64();

    for (int i = 0; i < 2; i++) {
        intptr_t off = i ? off0 : off1;
        TCGCond keep = i ? TCG_COND_NE : TCG_COND_EQ;
        if (w64) {
            tcg_gen_ld_i64(old, tcg_env, off);
        } else {
            tcg_gen_ld32u_i64(old, tcg_env, off);
        }
        tcg_gen_movcond_i64(keep, old, fr, tcg_constant_i64(0), old, v);
        if (w64) {
            tcg_gen_st_i64(old, tcg_env, off);
        } else {
            tcg_gen_st32_i64(old, tcg_env, off);
        }
    }
    tcg_temp_free_i64(old);
    tcg_temp_free_i64(fr);
}

/*
 * Raise Reserved Instruction at run time unless Status.FR = 1 (an L-format operand,
 * or a double in an odd register), once per insn, before it changes anything.
 */
static void fpu_need_fr1(DisasContext *dc)
{
    if (dc->fr1_checked_pc != dc->pc + 1) {
        dc->fr1_checked_pc = dc->pc + 1;
        fpu_gen_status_test(dc, ST_FR, MIPS_EXCP_RI, 0);
    }
}

/*
 * May register r hold a value of format fmt? L needs FR = 1, and so does a double
 * in an odd register (with FR = 0 those are reserved; QEMU raises RI too). FR is
 * no TB flag, so this emits a run-time test and returns true (it sits among the
 * decoders' field checks).
 */
static bool fpu_reg_ok(DisasContext *dc, int fmt, int r)
{
    if (fmt == FPU_FMT_L || (fmt == FPU_FMT_D && (r & 1))) {
        fpu_need_fr1(dc);
    }
    return true;
}

/* 32-bit register r: fpr[r]'s low word, but for an odd r with FR = 0 fpr[r - 1]'s
 * high word (see CPUMIPSState.fpr). */
static void fpu_load32(TCGv_i64 v, int r)
{
    if (!(r & 1)) {
        tcg_gen_ld32u_i64(v, tcg_env, fpr_off(r));
    } else {
        fpu_ld_select(v, false, fpr_off(r), fpr_off(r - 1) + 4);
    }
}

static void fpu_store32(TCGv_i64 v, int r)
{
    if (!(r & 1)) {
        tcg_gen_st32_i64(v, tcg_env, fpr_off(r));
    } else {
        fpu_st_select(v, false, fpr_off(r), fpr_off(r - 1) + 4);
    }
}

/* A value of format fmt in register r, after fpu_reg_ok: a 64-bit value is fpr[r]
 * in both modes (an odd r only gets here with FR = 1). */
static TCGv_i64 fpu_load(DisasContext *dc, int fmt, int r)
{
    TCGv_i64 v = tcg_temp_new_i64();

    if (fpu_fmt_64(fmt)) {
        tcg_gen_ld_i64(v, tcg_env, fpr_off(r));
    } else {
        fpu_load32(v, r);
    }
    return v;
}

/* A 32-bit result replaces the register's 32 bits only (the other half of fpr[]
 * keeps its value: UNPREDICTABLE architecturally, QEMU does the same). */
static void fpu_store(DisasContext *dc, int fmt, int r, TCGv_i64 v)
{
    if (fpu_fmt_64(fmt)) {
        tcg_gen_st_i64(v, tcg_env, fpr_off(r));
    } else {
        fpu_store32(v, r);
    }
}

/* FCC cc of FCSR as 0/1 in a temp. */
static TCGv_i32 fpu_load_fcc(DisasContext *dc, int cc)
{
    TCGv_i32 t = mips_temp(dc);

    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUMIPSState, fcr31));
    tcg_gen_extract_i32(t, t, cc ? 24 + cc : 23, 1);
    return t;
}

/* ---- loads and stores ---- */

static bool fpu_gen_ldst(DisasContext *dc, TCGv_i32 addr, int r, bool dbl, bool store)
{
    MemOp mop = dbl ? (MO_LEUQ | MO_ALIGN) : (MO_LEUL | MO_ALIGN);
    TCGv_i64 v = tcg_temp_new_i64();

    /* A double in an odd register with FR = 0 is the pair r - 1, r (as in QEMU). */
    if (store) {
        if (!dbl) {
            fpu_load32(v, r);
        } else if (!(r & 1)) {
            tcg_gen_ld_i64(v, tcg_env, fpr_off(r));
        } else {
            fpu_ld_select(v, true, fpr_off(r), fpr_off(r - 1));
        }
        tcg_gen_qemu_st_i64(v, addr, dc->mem_idx, mop);
    } else {
        tcg_gen_qemu_ld_i64(v, addr, dc->mem_idx, mop);
        if (!dbl) {
            fpu_store32(v, r);
        } else if (!(r & 1)) {
            tcg_gen_st_i64(v, tcg_env, fpr_off(r));
        } else {
            fpu_st_select(v, true, fpr_off(r), fpr_off(r - 1));
        }
    }
    tcg_temp_free_i64(v);
    return true;
}

static bool fpu_trans_ldst(DisasContext *dc, uint32_t insn, bool dbl, bool store)
{
    TCGv_i32 addr;

    if (!fpu_check(dc)) {
        return true;
    }
    addr = mips_temp(dc);
    tcg_gen_addi_i32(addr, mips_gpr_src(insn_rs(insn)), insn_simm(insn));
    return fpu_gen_ldst(dc, addr, insn_rt(insn), dbl, store);
}

bool trans_lwc1(DisasContext *dc, uint32_t insn)
{
    return fpu_trans_ldst(dc, insn, false, false);
}

bool trans_ldc1(DisasContext *dc, uint32_t insn)
{
    return fpu_trans_ldst(dc, insn, true, false);
}

bool trans_swc1(DisasContext *dc, uint32_t insn)
{
    return fpu_trans_ldst(dc, insn, false, true);
}

bool trans_sdc1(DisasContext *dc, uint32_t insn)
{
    return fpu_trans_ldst(dc, insn, true, true);
}

/* ---- moves to and from GPRs, control registers ---- */

static bool fpu_trans_move(DisasContext *dc, uint32_t insn)
{
    int rt = insn_rt(insn), fs = insn_rd(insn);
    TCGv_i32 t;

    if (insn & 0x7ff) {
        return false;
    }
    switch (insn_rs(insn)) {
    case 0x00:  /* MFC1 */
    case 0x03:  /* MFHC1 */
        if (insn_rs(insn) == 3 && !mips_has_r2(dc)) {
            return false;
        }
        if (!rt) {
            return true;
        }
        if (!(fs & 1)) {
            tcg_gen_ld_i32(cpu_gpr[rt], tcg_env,
                           fpr_off(fs) + (insn_rs(insn) == 3 ? 4 : 0));
        } else {
            /* MFHC1 of an odd register with FR = 0 reads that register (QEMU). */
            TCGv_i64 v = tcg_temp_new_i64();
            fpu_ld_select(v, false, fpr_off(fs) + (insn_rs(insn) == 3 ? 4 : 0),
                          fpr_off(fs - 1) + 4);
            tcg_gen_extrl_i64_i32(cpu_gpr[rt], v);
            tcg_temp_free_i64(v);
        }
        return true;
    case 0x04:  /* MTC1 */
    case 0x07:  /* MTHC1 */
        if (insn_rs(insn) == 7 && !mips_has_r2(dc)) {
            return false;
        }
        if (!(fs & 1)) {
            tcg_gen_st_i32(mips_gpr_src(rt), tcg_env,
                           fpr_off(fs) + (insn_rs(insn) == 7 ? 4 : 0));
        } else {
            TCGv_i64 v = tcg_temp_new_i64();
            tcg_gen_extu_i32_i64(v, mips_gpr_src(rt));
            fpu_st_select(v, false, fpr_off(fs) + (insn_rs(insn) == 7 ? 4 : 0),
                          fpr_off(fs - 1) + 4);
            tcg_temp_free_i64(v);
        }
        return true;
    case 0x02:  /* CFC1 */
        if (fs != 0 && fs != 25 && fs != 26 && fs != 28 && fs != 31) {
            return false;
        }
        t = mips_gpr_dst(dc, rt);
        tcg_gen_call2(&info_cfc1, tcgv_i32_temp(t), tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(tcg_constant_i32(fs)));
        return true;
    case 0x06:  /* CTC1 (FIR is read-only: the helper ignores it) */
        if (fs != 0 && fs != 25 && fs != 26 && fs != 28 && fs != 31) {
            return false;
        }
        tcg_gen_call3(&info_ctc1, NULL, tcgv_ptr_temp(tcg_env),
                      tcgv_i32_temp(mips_gpr_src(rt)),
                      tcgv_i32_temp(tcg_constant_i32(fs)));
        return true;
    default:
        return false;
    }
}

/* ---- arithmetic on formats ---- */

static void fpu_gen_helper(DisasContext *dc, int fmt, int funct, int rfmt, int fd,
                           TCGv_i64 a, TCGv_i64 b)
{
    TCGv_i64 r = tcg_temp_new_i64();

    tcg_gen_call4(&info_fpu, tcgv_i64_temp(r), tcgv_ptr_temp(tcg_env),
                  tcgv_i64_temp(a), tcgv_i64_temp(b ? b : a),
                  tcgv_i32_temp(tcg_constant_i32((fmt << 6) | funct)));
    fpu_store(dc, rfmt, fd, r);
    tcg_temp_free_i64(r);
}

/* The result format of a conversion-type funct, or -1 if reserved for fmt. */
static int fpu_cvt_result(int fmt, int funct)
{
    switch (funct) {
    case FPU_ROUND_L: case FPU_TRUNC_L: case FPU_CEIL_L: case FPU_FLOOR_L:
    case FPU_CVT_L:
        return (fmt == FPU_FMT_S || fmt == FPU_FMT_D) ? FPU_FMT_L : -1;
    case FPU_ROUND_W: case FPU_TRUNC_W: case FPU_CEIL_W: case FPU_FLOOR_W:
    case FPU_CVT_W:
        return (fmt == FPU_FMT_S || fmt == FPU_FMT_D) ? FPU_FMT_W : -1;
    case FPU_CVT_S:
        return fmt != FPU_FMT_S ? FPU_FMT_S : -1;
    case FPU_CVT_D:
        return fmt != FPU_FMT_D ? FPU_FMT_D : -1;
    default:
        return -1;
    }
}

static bool fpu_trans_fmt(DisasContext *dc, uint32_t insn)
{
    int fmt = insn_rs(insn), ft = insn_rt(insn), fs = insn_rd(insn);
    int fd = insn_sa(insn), funct = insn_funct(insn), rfmt;
    bool fp = fmt == FPU_FMT_S || fmt == FPU_FMT_D;
    TCGv_i64 a, b, r;
    TCGv_i32 c;

    if (funct >= FPU_C_COND) {
        /* C.cond.fmt fs, ft, cc: cc in fd's top 3 bits, its low 2 bits zero. */
        if (!fp || (fd & 3) || !fpu_reg_ok(dc, fmt, fs) || !fpu_reg_ok(dc, fmt, ft)) {
            return false;
        }
        a = fpu_load(dc, fmt, fs);
        b = fpu_load(dc, fmt, ft);
        tcg_gen_call4(&info_fpu_cmp, NULL, tcgv_ptr_temp(tcg_env), tcgv_i64_temp(a),
                      tcgv_i64_temp(b),
                      tcgv_i32_temp(tcg_constant_i32(((fd >> 2) << 8) |
                                                     (fmt == FPU_FMT_D ? 0x10 : 0) |
                                                     (funct & 15))));
        tcg_temp_free_i64(a);
        tcg_temp_free_i64(b);
        return true;
    }
    switch (funct) {
    case FPU_ADD: case FPU_SUB: case FPU_MUL: case FPU_DIV:
        if (!fp || !fpu_reg_ok(dc, fmt, fs) || !fpu_reg_ok(dc, fmt, ft) ||
            !fpu_reg_ok(dc, fmt, fd)) {
            return false;
        }
        a = fpu_load(dc, fmt, fs);
        b = fpu_load(dc, fmt, ft);
        fpu_gen_helper(dc, fmt, funct, fmt, fd, a, b);
        tcg_temp_free_i64(a);
        tcg_temp_free_i64(b);
        return true;
    case FPU_SQRT: case FPU_RECIP: case FPU_RSQRT:
        if (!fp || ft || !fpu_reg_ok(dc, fmt, fs) || !fpu_reg_ok(dc, fmt, fd)) {
            return false;
        }
        a = fpu_load(dc, fmt, fs);
        fpu_gen_helper(dc, fmt, funct, fmt, fd, a, NULL);
        tcg_temp_free_i64(a);
        return true;
    case FPU_ABS: case FPU_NEG: case FPU_MOV:
        /* Sign-bit operations without FCSR effects, as QEMU 7.2 has them. */
        if (!fp || ft || !fpu_reg_ok(dc, fmt, fs) || !fpu_reg_ok(dc, fmt, fd)) {
            return false;
        }
        a = fpu_load(dc, fmt, fs);
        if (funct == FPU_ABS) {
            tcg_gen_andi_i64(a, a, fmt == FPU_FMT_D ? INT64_MAX : INT32_MAX);
        } else if (funct == FPU_NEG) {
            tcg_gen_xori_i64(a, a, fmt == FPU_FMT_D ? INT64_MIN : 0x80000000ll);
        }
        fpu_store(dc, fmt, fd, a);
        tcg_temp_free_i64(a);
        return true;
    case FPU_MOVCF: case FPU_MOVZ: case FPU_MOVN:
        if (!fp || !fpu_reg_ok(dc, fmt, fs) || !fpu_reg_ok(dc, fmt, fd)) {
            return false;
        }
        if (funct == FPU_MOVCF) {
            if (ft & 2) {
                return false;
            }
            c = fpu_load_fcc(dc, ft >> 2);
        } else {
            c = mips_gpr_src(ft);
        }
        a = fpu_load(dc, fmt, fs);
        r = fpu_load(dc, fmt, fd);
        {
            TCGv_i64 c64 = tcg_temp_new_i64();
            TCGCond cond = funct == FPU_MOVCF ? ((ft & 1) ? TCG_COND_NE : TCG_COND_EQ)
                         : funct == FPU_MOVZ ? TCG_COND_EQ : TCG_COND_NE;
            tcg_gen_extu_i32_i64(c64, c);
            tcg_gen_movcond_i64(cond, r, c64, tcg_constant_i64(0), a, r);
            tcg_temp_free_i64(c64);
        }
        fpu_store(dc, fmt, fd, r);
        tcg_temp_free_i64(a);
        tcg_temp_free_i64(r);
        return true;
    default:
        rfmt = fpu_cvt_result(fmt, funct);
        if (rfmt < 0 || ft || !fpu_reg_ok(dc, fmt, fs) || !fpu_reg_ok(dc, rfmt, fd)) {
            return false;
        }
        a = fpu_load(dc, fmt, fs);
        fpu_gen_helper(dc, fmt, funct, rfmt, fd, a, NULL);
        tcg_temp_free_i64(a);
        return true;
    }
}

bool trans_cop1(DisasContext *dc, uint32_t insn)
{
    int rs = insn_rs(insn);

    if (!fpu_check(dc)) {
        return true;
    }
    switch (rs) {
    case 0x08: {    /* BC1F, BC1T, BC1FL, BC1TL: cc in 20:18, nd 17, tf 16 */
        int rt = insn_rt(insn);
        if (dc->in_slot) {
            return false;
        }
        return mips_gen_bc1(dc, insn, fpu_load_fcc(dc, rt >> 2), rt & 1, (rt & 2) != 0);
    }
    case FPU_FMT_S: case FPU_FMT_D: case FPU_FMT_W: case FPU_FMT_L:
        return fpu_trans_fmt(dc, insn);
    default:
        return fpu_trans_move(dc, insn);
    }
}

/* ---- COP1X ---- */

bool trans_cop1x(DisasContext *dc, uint32_t insn)
{
    int rs = insn_rs(insn), rt = insn_rt(insn), rd = insn_rd(insn), sa = insn_sa(insn);
    int funct = insn_funct(insn);
    TCGv_i32 addr;

    if (!fpu_check(dc)) {
        return true;
    }
    if (!mips_has_r2(dc)) {
        return false;
    }
    switch (funct) {
    case 0x00: case 0x01: case 0x05:    /* LWXC1, LDXC1, LUXC1 fd, index(base) */
    case 0x08: case 0x09: case 0x0d:    /* SWXC1, SDXC1, SUXC1 fs, index(base) */
    case 0x0f:                          /* PREFX hint, index(base) */
        if (funct & 8 ? sa != 0 : rd != 0) {
            return false;
        }
        if (funct == 0x0f) {
            return true;                /* a hint: nothing to do */
        }
        if ((funct & 7) == 5) {
            fpu_need_fr1(dc);           /* LUXC1/SUXC1 need 64-bit registers */
        }
        addr = mips_temp(dc);
        tcg_gen_add_i32(addr, mips_gpr_src(rs), mips_gpr_src(rt));
        if ((funct & 7) == 5) {
            tcg_gen_andi_i32(addr, addr, ~7);
        }
        return fpu_gen_ldst(dc, addr, funct & 8 ? rd : sa, (funct & 7) != 0,
                            (funct & 8) != 0);
    case 0x20: case 0x21: case 0x28: case 0x29:     /* MADD, MSUB .S .D */
    case 0x30: case 0x31: case 0x38: case 0x39: {   /* NMADD, NMSUB .S .D */
        int fmt = funct & 1 ? FPU_FMT_D : FPU_FMT_S;
        TCGv_i64 a, b, c, r;
        /* fd = fs * ft + fr: fr in rs, ft in rt, fs in rd, fd in sa. */
        if (!fpu_reg_ok(dc, fmt, rs) || !fpu_reg_ok(dc, fmt, rt) ||
            !fpu_reg_ok(dc, fmt, rd) || !fpu_reg_ok(dc, fmt, sa)) {
            return false;
        }
        a = fpu_load(dc, fmt, rd);
        b = fpu_load(dc, fmt, rt);
        c = fpu_load(dc, fmt, rs);
        r = tcg_temp_new_i64();
        tcg_gen_callN(&info_fpu3, tcgv_i64_temp(r), 5, (TCGTemp *[]){
                      tcgv_ptr_temp(tcg_env), tcgv_i64_temp(a), tcgv_i64_temp(b),
                      tcgv_i64_temp(c), tcgv_i32_temp(tcg_constant_i32(funct)) });
        fpu_store(dc, fmt, sa, r);
        tcg_temp_free_i64(a);
        tcg_temp_free_i64(b);
        tcg_temp_free_i64(c);
        tcg_temp_free_i64(r);
        return true;
    }
    default:
        return false;
    }
}

/* ---- SPECIAL MOVCI: MOVF/MOVT rd, rs, cc ---- */

bool mips_trans_movci(DisasContext *dc, uint32_t insn)
{
    int rd = insn_rd(insn), rt = insn_rt(insn);
    TCGv_i32 c;

    if (!fpu_check(dc)) {
        return true;
    }
    if ((rt & 2) || insn_sa(insn) != 0) {
        return false;
    }
    if (!rd) {
        return true;
    }
    c = fpu_load_fcc(dc, rt >> 2);
    tcg_gen_movcond_i32((rt & 1) ? TCG_COND_NE : TCG_COND_EQ, cpu_gpr[rd], c,
                        tcg_constant_i32(0), mips_gpr_src(insn_rs(insn)), cpu_gpr[rd]);
    return true;
}
