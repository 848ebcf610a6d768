/*
 * i386 translator: the lazy condition codes. Flag-setting insns record what they
 * did (cc_op, with cc_dst/cc_src/cc_src2 holding the operands or result) instead
 * of computing EFLAGS; the flags are computed only when something reads them
 * (gen_compute_eflags, gen_cc_* for conditions), mostly folded into one compare.
 * cc_op is known at translation time almost always and stored to env only where
 * it can be observed (gen_sync_cc_op; see translate.c's header for the rule that
 * makes a fault's restore from the insn_start record exact).
 */
#include "qemu/osdep.h"
#include "internal.h"

static const TCGHelperInfo info_cc_all =
    TCG_HELPER(helper_x86_cc_all, TCG_CALL_NO_RWG | TCG_CALL_NO_SIDE_EFFECTS,
               TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32);
static const TCGHelperInfo info_cc_c =
    TCG_HELPER(helper_x86_cc_c, TCG_CALL_NO_RWG | TCG_CALL_NO_SIDE_EFFECTS,
               TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32,
               TCG_CALL_I32);

bool x86_cc_op_static(int op)
{
    return op >= CC_OP_EFLAGS && op < CC_OP_NB;
}

/*
 * Store a statically known cc_op to env where it can be observed: before a
 * helper call, on every way out of the TB, before an insn reads the cc_op global.
 * Emitted on each such path (that it was done is not remembered, the paths of an
 * insn may join again, except within a Jcc: gen_sync_cc_op_both_ways), so a TB
 * whose flag ops follow each other without a helper or exit in between stores
 * only the last op, once per exit.
 */
void gen_sync_cc_op(DisasContext *s)
{
    if (x86_cc_op_static(s->cc_op) && !s->cc_op_clean) {
        tcg_gen_movi_i32(cpu_cc_op, s->cc_op);
    }
}

/*
 * Before a Jcc whose both sides leave the TB: one store serves both exits. Only
 * for the rest of this insn, and only while cc_op stays (gen_set_cc_op).
 */
void gen_sync_cc_op_both_ways(DisasContext *s)
{
    gen_sync_cc_op(s);
    s->cc_op_clean = true;
}

/*
 * This insn changes the cc globals in a way a fault in its middle must see (an
 * iteration of REPE CMPS has run): its insn_start record says "cc_op dynamic", so
 * a restore keeps the cc_op the insn synced to env instead of the one it began
 * with.
 */
void x86_insn_start_dynamic(DisasContext *s)
{
    TCGContext *tc = tcg_ctx;

    assert(s->insn_start_op && tc->nb_insns > 0);
    s->insn_start_op->args[1] = (uint64_t)(int64_t)CC_OP_DYNAMIC;
    tc->insn_data[tc->nb_insns - 1][1] = (uint64_t)(int64_t)CC_OP_DYNAMIC;
}

/*
 * Before a helper or memory access that may fault: if this insn already changed
 * cc_op (its flags written before a faulting step, against the rule at the top of
 * this file), a restore must keep what env holds, as it did when cc_op was always
 * stored eagerly, rather than put back the insn's starting cc_op.
 */
void x86_cc_op_may_fault(DisasContext *s)
{
    if (s->insn_start_op && s->cc_op != s->insn_cc_op) {
        gen_sync_cc_op(s);
        x86_insn_start_dynamic(s);
    }
}

void gen_set_cc_op(DisasContext *s, int op)
{
    s->cc_op = op;
    s->cc_op_clean = false;
    s->srcT_valid = false;
    s->cc_dst_narrow = false;
    if (op != CC_OP_DYNAMIC) {
        assert(x86_cc_op_static(op));
        /* No store to env here: gen_sync_cc_op does it where it is observable. */
        if (s->lazy_written) {
            /* Only CC_OP_LAZY ops read it: spare the IR op when it is clean. */
            tcg_gen_discard_i32(cpu_cc_lazy);
            s->lazy_written = false;
        }
        /*
         * Operands the new op does not read are dead: their stores at the end of
         * the TB can go (a shift's cc_src before a logic op, say). Liveness still
         * keeps them up to any access that may fault before this point.
         */
        if (op == CC_OP_EFLAGS) {
            tcg_gen_discard_i32(cpu_cc_dst);
        }
        if (op >= CC_OP_LOGICB && op <= CC_OP_LOGICL) {
            tcg_gen_discard_i32(cpu_cc_src);
        }
        if (s->src2_written &&
            (op < CC_OP_ADCB || op > CC_OP_SBBL ||
             (op >= CC_OP_SUBB && op <= CC_OP_SUBL)) &&
            !(op >= CC_OP_SMULB && op <= CC_OP_SMULL)) {
            tcg_gen_discard_i32(cpu_cc_src2);
            s->src2_written = false;
        }
    }
}

void gen_set_cc_src2(DisasContext *s, TCGv_i32 v)
{
    tcg_gen_mov_i32(cpu_cc_src2, v);
    s->src2_written = true;
}

/* ---- flags ---- */

/* The current cc_op as an IR value: a constant when known (env may lag behind). */
static TCGv_i32 gen_cc_op_value(DisasContext *s)
{
    return x86_cc_op_static(s->cc_op) ? tcg_constant_i32(s->cc_op) : cpu_cc_op;
}

void gen_compute_eflags(DisasContext *s, TCGv_i32 dst)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        tcg_gen_mov_i32(dst, cpu_cc_src);
        return;
    }
    tcg_gen_callN(&info_cc_all, tcgv_i32_temp(dst), 5,
                  (TCGTemp *[]){ tcgv_i32_temp(gen_cc_op_value(s)),
                                 tcgv_i32_temp(cpu_cc_dst),
                                 tcgv_i32_temp(cpu_cc_src), tcgv_i32_temp(cpu_cc_src2),
                                 tcgv_i32_temp(cpu_cc_lazy) });
}

void gen_compute_cf(DisasContext *s, TCGv_i32 dst)
{
    int op = s->cc_op;

    if (op == CC_OP_EFLAGS) {
        tcg_gen_andi_i32(dst, cpu_cc_src, CC_C);
        return;
    }
    if (op >= CC_OP_LOGICB && op <= CC_OP_LOGICL) {
        tcg_gen_movi_i32(dst, 0);
        return;
    }
    if ((op >= CC_OP_INCB && op <= CC_OP_DECL)) {
        tcg_gen_andi_i32(dst, cpu_cc_src, CC_C);
        return;
    }
    if ((op >= CC_OP_SUBB && op <= CC_OP_SUBL) || (op >= CC_OP_CMPB && op <= CC_OP_CMPL)) {
        /* Borrow of a - b where a = dst + src (SUB) or dst (CMP). */
        MemOp ot = op >= CC_OP_CMPB ? op - CC_OP_CMPB : op - CC_OP_SUBB;
        TCGv_i32 a = x86_temp(s), b = x86_temp(s);

        if (op >= CC_OP_CMPB) {
            tcg_gen_mov_i32(a, cpu_cc_dst);
        } else if (s->srcT_valid) {
            tcg_gen_mov_i32(a, s->cc_srcT);
        } else {
            tcg_gen_add_i32(a, cpu_cc_dst, cpu_cc_src);
        }
        if (ot == MO_8) {
            tcg_gen_ext8u_i32(a, a);
            tcg_gen_ext8u_i32(b, cpu_cc_src);
        } else if (ot == MO_16) {
            tcg_gen_ext16u_i32(a, a);
            tcg_gen_ext16u_i32(b, cpu_cc_src);
        } else {
            tcg_gen_mov_i32(b, cpu_cc_src);
        }
        tcg_gen_setcond_i32(TCG_COND_LTU, dst, a, b);
        return;
    }
    if (op >= CC_OP_ADDB && op <= CC_OP_ADDL) {
        MemOp ot = op - CC_OP_ADDB;
        TCGv_i32 r = x86_temp(s), b = x86_temp(s);

        if (ot == MO_8) {
            tcg_gen_ext8u_i32(r, cpu_cc_dst);
            tcg_gen_ext8u_i32(b, cpu_cc_src);
        } else if (ot == MO_16) {
            tcg_gen_ext16u_i32(r, cpu_cc_dst);
            tcg_gen_ext16u_i32(b, cpu_cc_src);
        } else {
            tcg_gen_mov_i32(r, cpu_cc_dst);
            tcg_gen_mov_i32(b, cpu_cc_src);
        }
        tcg_gen_setcond_i32(TCG_COND_LTU, dst, r, b);
        return;
    }
    if (op >= CC_OP_SARB && op <= CC_OP_SARL) {
        /* cc_src is the operand shifted by count - 1: its low bit went out last. */
        tcg_gen_andi_i32(dst, cpu_cc_src, 1);
        return;
    }
    if (op >= CC_OP_SHLB && op <= CC_OP_SHLL) {
        tcg_gen_extract_i32(dst, cpu_cc_src, (8 << (op - CC_OP_SHLB)) - 1, 1);
        return;
    }
    if (op >= CC_OP_MULB && op <= CC_OP_MULL) {
        tcg_gen_setcondi_i32(TCG_COND_NE, dst, cpu_cc_src, 0);
        return;
    }
    tcg_gen_callN(&info_cc_c, tcgv_i32_temp(dst), 5,
                  (TCGTemp *[]){ tcgv_i32_temp(gen_cc_op_value(s)),
                                 tcgv_i32_temp(cpu_cc_dst),
                                 tcgv_i32_temp(cpu_cc_src), tcgv_i32_temp(cpu_cc_src2),
                                 tcgv_i32_temp(cpu_cc_lazy) });
}

void gen_flags_to_eflags_op(DisasContext *s)
{
    if (s->cc_op == CC_OP_EFLAGS) {
        return;
    }
    TCGv_i32 f = x86_temp(s);

    gen_compute_eflags(s, f);
    tcg_gen_mov_i32(cpu_cc_src, f);
    gen_set_cc_op(s, CC_OP_EFLAGS);
}

static void gen_ext_sized(TCGv_i32 dst, TCGv_i32 src, MemOp ot, bool sign)
{
    if (ot == MO_8) {
        sign ? tcg_gen_ext8s_i32(dst, src) : tcg_gen_ext8u_i32(dst, src);
    } else if (ot == MO_16) {
        sign ? tcg_gen_ext16s_i32(dst, src) : tcg_gen_ext16u_i32(dst, src);
    } else {
        tcg_gen_mov_i32(dst, src);
    }
}

/*
 * Condition cc (Jcc/SETcc/CMOVcc low nibble) into dst as 0/1. After a compare or a
 * logic op whose kind is known at translation time, the condition is computed from
 * the operands directly; otherwise from the materialized flags.
 */
enum { CC_FROM_NONE, CC_FROM_SUB, CC_FROM_LOGIC, CC_FROM_RESULT };

/* Which operands condition base (cc >> 1) can be compared from after op, if any. */
static int cc_prepare_kind(int op, int base)
{
    if (((op >= CC_OP_SUBB && op <= CC_OP_SUBL) || (op >= CC_OP_CMPB && op <= CC_OP_CMPL)) &&
        base != 0 && base != 5) {
        return CC_FROM_SUB;
    }
    if (op >= CC_OP_LOGICB && op <= CC_OP_LOGICL && base != 5) {
        return CC_FROM_LOGIC;
    }
    if (((op >= CC_OP_ADDB && op <= CC_OP_SARL) || CC_OP_IS_TR_LAZY(op)) &&
        (base == 2 || base == 4)) {
        return CC_FROM_RESULT;
    }
    return CC_FROM_NONE;
}

static bool gen_cc_prepare(DisasContext *s, int cc, TCGCond *condp, TCGv_i32 *ap,
                           TCGv_i32 *bp)
{
    int inv = cc & 1;
    int base = cc >> 1;
    int op = s->cc_op;
    int kind = cc_prepare_kind(op, base);
    TCGCond cond = TCG_COND_NEVER;
    TCGv_i32 a = NULL, b = NULL;

    if (kind == CC_FROM_SUB) {
        bool cmp = op >= CC_OP_CMPB;
        MemOp ot = cmp ? op - CC_OP_CMPB : op - CC_OP_SUBB;
        bool sign = base == 6 || base == 7;

        if (ot == MO_32 && (cmp || s->srcT_valid) && base != 4) {
            /* The operands as they are: no copies (the caller uses them at once). */
            a = cmp ? cpu_cc_dst : s->cc_srcT;
            b = cpu_cc_src;
        } else {
            a = x86_temp(s);
            b = x86_temp(s);
            if (base == 4) {
                /* SF: computed below from the result, not from the operands. */
            } else if (cmp || s->srcT_valid) {
                gen_ext_sized(a, cmp ? cpu_cc_dst : s->cc_srcT, ot, sign);
            } else {
                tcg_gen_add_i32(a, cpu_cc_dst, cpu_cc_src);
                gen_ext_sized(a, a, ot, sign);
            }
            if (base != 4) {
                gen_ext_sized(b, cpu_cc_src, ot, sign);
            }
        }
        switch (base) {
        case 1: cond = TCG_COND_LTU; break;   /* B */
        case 2: cond = TCG_COND_EQ; break;    /* Z */
        case 3: cond = TCG_COND_LEU; break;   /* BE */
        case 4:                               /* S */
            if (cmp) {
                tcg_gen_sub_i32(a, cpu_cc_dst, cpu_cc_src);
                gen_ext_sized(a, a, ot, true);
            } else {
                gen_ext_sized(a, cpu_cc_dst, ot, true);
            }
            tcg_gen_movi_i32(b, 0);
            cond = TCG_COND_LT;
            break;
        case 6: cond = TCG_COND_LT; break;    /* L */
        case 7: cond = TCG_COND_LE; break;    /* LE */
        }
    } else if (kind == CC_FROM_LOGIC) {
        MemOp ot = op - CC_OP_LOGICB;

        if (s->cc_dst_narrow || ot == MO_32) {
            a = cpu_cc_dst;
        } else {
            a = x86_temp(s);
            gen_ext_sized(a, cpu_cc_dst, ot, true);
        }
        b = tcg_constant_i32(0);
        switch (base) {
        case 0: cond = TCG_COND_NEVER; break;   /* O = 0 */
        case 1: cond = TCG_COND_NEVER; break;   /* C = 0 */
        case 2: cond = TCG_COND_EQ; break;
        case 3: cond = TCG_COND_EQ; break;      /* CF|ZF = ZF */
        case 4: cond = TCG_COND_LT; break;
        case 6: cond = TCG_COND_LT; break;      /* SF^OF = SF */
        case 7: cond = TCG_COND_LE; break;      /* ZF | SF */
        }
    } else if (kind == CC_FROM_RESULT) {
        /* ZF and SF come from the sized result for every op that keeps it in
         * cc_dst (ADD/ADC/SBB/INC/DEC/SHL/SAR and lazy INC/DEC here; SUB and
         * LOGIC above). */
        MemOp ot = CC_OP_IS_TR_LAZY(op) ? CC_OP_TR_LAZY_K(op) % 3 : (op - CC_OP_ADDB) % 3;

        if (ot == MO_32) {
            a = cpu_cc_dst;
        } else {
            a = x86_temp(s);
            gen_ext_sized(a, cpu_cc_dst, ot, true);
        }
        b = tcg_constant_i32(0);
        cond = base == 2 ? TCG_COND_EQ : TCG_COND_LT;
    }
    if (!a) {
        return false;
    }
    /* NEVER stays NEVER (or becomes ALWAYS when inverted): setcond/movcond fold it. */
    *condp = inv ? tcg_invert_cond(cond) : cond;
    *ap = a;
    *bp = b;
    return true;
}

/* gen_compute_cf gets CF without the helper after op. */
static bool cc_cf_inline(int op)
{
    return op == CC_OP_EFLAGS || (op >= CC_OP_LOGICB && op <= CC_OP_LOGICL) ||
           (op >= CC_OP_INCB && op <= CC_OP_DECL) || (op >= CC_OP_SUBB && op <= CC_OP_SUBL) ||
           (op >= CC_OP_CMPB && op <= CC_OP_CMPL) || (op >= CC_OP_ADDB && op <= CC_OP_ADDL) ||
           (op >= CC_OP_SARB && op <= CC_OP_SARL) || (op >= CC_OP_SHLB && op <= CC_OP_SHLL) ||
           (op >= CC_OP_MULB && op <= CC_OP_MULL);
}

/* The flag test cc needs no helper once the flags' op is op. */
static bool cc_test_inline(int op, int cc)
{
    return cc_prepare_kind(op, cc >> 1) != CC_FROM_NONE || op == CC_OP_EFLAGS ||
           ((cc >> 1) == 1 && cc_cf_inline(op));
}

/*
 * A flag test while cc_op is not known at translation time: mostly a TB that
 * starts by testing the flags its predecessor set. A compare chain split at each
 * Jcc (a switch: `cmp; je; ja` on the syscall number in ia32_sys_call) made every
 * such TB rebuild all of EFLAGS in helper_x86_cc_all. The op env holds when the TB
 * is translated is what the TB will see the first time, and most of the time after
 * (the same compare precedes it): test for it, and under that test translate the
 * flag test as if the op were known; the helper stays on the other path. Returns
 * the label of that other path (NULL: no guess, translate as before), with s set up
 * for the guessed op until gen_cc_guess_else.
 */
typedef struct CCGuess {
    TCGLabel *other, *done;
    bool srcT_valid, cc_dst_narrow;
} CCGuess;

static bool gen_cc_guess_begin(DisasContext *s, int cc, CCGuess *g)
{
    int guess = s->cc_op_guess;

    if (s->cc_op != CC_OP_DYNAMIC || !x86_cc_op_static(guess) || !cc_test_inline(guess, cc)) {
        return false;
    }
    g->other = gen_new_label();
    g->done = gen_new_label();
    g->srcT_valid = s->srcT_valid;
    g->cc_dst_narrow = s->cc_dst_narrow;
    tcg_gen_brcondi_i32(TCG_COND_NE, cpu_cc_op, guess, g->other);
    /* Nothing known about the globals but the op: as at a TB's start. */
    s->cc_op = guess;
    s->srcT_valid = false;
    s->cc_dst_narrow = false;
    return true;
}

/* End of the guessed path, start of the other one (cc_op dynamic again). */
static void gen_cc_guess_else(DisasContext *s, CCGuess *g)
{
    s->cc_op = CC_OP_DYNAMIC;
    s->srcT_valid = g->srcT_valid;
    s->cc_dst_narrow = g->cc_dst_narrow;
    tcg_gen_br(g->done);
    gen_set_label(g->other);
}

/* One flag test: Jcc (to l), SETcc (into dst) or CMOVcc (dst = vtrue or vfalse). */
typedef struct CCTest {
    int cc;
    TCGLabel *l;
    TCGv_i32 dst, vtrue, vfalse;
} CCTest;

typedef void CCTestGen(DisasContext *s, const CCTest *t);

/* Emit test t by gen, twice under a guess of the op (gen_cc_guess_begin). */
static void gen_cc_test(DisasContext *s, const CCTest *t, CCTestGen *gen)
{
    CCGuess g;

    if (gen_cc_guess_begin(s, t->cc, &g)) {
        gen(s, t);
        gen_cc_guess_else(s, &g);
        gen(s, t);
        gen_set_label(g.done);
        return;
    }
    gen(s, t);
}

static void gen_cc_eval_known(DisasContext *s, int cc, TCGv_i32 dst);

static void gen_cc_movcond_known(DisasContext *s, const CCTest *t)
{
    TCGCond cond;
    TCGv_i32 a, b;

    if (gen_cc_prepare(s, t->cc, &cond, &a, &b)) {
        tcg_gen_movcond_i32(cond, t->dst, a, b, t->vtrue, t->vfalse);
    } else {
        TCGv_i32 c = x86_temp(s);

        gen_cc_eval_known(s, t->cc, c);
        tcg_gen_movcond_i32(TCG_COND_NE, t->dst, c, tcg_constant_i32(0), t->vtrue,
                            t->vfalse);
    }
}

/*
 * dst = condition cc ? vtrue : vfalse (CMOVcc), comparing the operands of the op
 * that set the flags directly when gen_cc_prepare knows them.
 */
void gen_cc_movcond(DisasContext *s, int cc, TCGv_i32 dst, TCGv_i32 vtrue,
                    TCGv_i32 vfalse)
{
    gen_cc_test(s, &(CCTest){ .cc = cc, .dst = dst, .vtrue = vtrue, .vfalse = vfalse },
                gen_cc_movcond_known);
}

static void gen_cc_brcond_known(DisasContext *s, const CCTest *t)
{
    TCGCond cond;
    TCGv_i32 a, b;

    if (gen_cc_prepare(s, t->cc, &cond, &a, &b)) {
        tcg_gen_brcond_i32(cond, a, b, t->l);
    } else {
        TCGv_i32 c = x86_temp(s);

        gen_cc_eval_known(s, t->cc, c);
        tcg_gen_brcondi_i32(TCG_COND_NE, c, 0, t->l);
    }
}

/* Branch to l when condition cc holds (Jcc): one compare of the operands if known. */
void gen_cc_brcond(DisasContext *s, int cc, TCGLabel *l)
{
    gen_cc_test(s, &(CCTest){ .cc = cc, .l = l }, gen_cc_brcond_known);
}

static void gen_cc_eval_test(DisasContext *s, const CCTest *t)
{
    gen_cc_eval_known(s, t->cc, t->dst);
}

void gen_cc_eval(DisasContext *s, int cc, TCGv_i32 dst)
{
    gen_cc_test(s, &(CCTest){ .cc = cc, .dst = dst }, gen_cc_eval_test);
}

static void gen_cc_eval_known(DisasContext *s, int cc, TCGv_i32 dst)
{
    int inv = cc & 1;
    int base = cc >> 1;
    TCGCond cond;
    TCGv_i32 a, b;

    if (gen_cc_prepare(s, cc, &cond, &a, &b)) {
        tcg_gen_setcond_i32(cond, dst, a, b);
        return;
    }

    TCGv_i32 f = x86_temp(s);
    TCGv_i32 t = x86_temp(s);

    if (base == 1) {
        gen_compute_cf(s, f);
        tcg_gen_xori_i32(dst, f, inv);
        return;
    }
    gen_compute_eflags(s, f);
    switch (base) {
    case 0:
        tcg_gen_extract_i32(dst, f, 11, 1);
        break;
    case 2:
        tcg_gen_extract_i32(dst, f, 6, 1);
        break;
    case 3:
        tcg_gen_andi_i32(t, f, CC_C | CC_Z);
        tcg_gen_setcondi_i32(TCG_COND_NE, dst, t, 0);
        break;
    case 4:
        tcg_gen_extract_i32(dst, f, 7, 1);
        break;
    case 5:
        tcg_gen_extract_i32(dst, f, 2, 1);
        break;
    case 6:
        /* SF ^ OF */
        tcg_gen_shri_i32(t, f, 4);          /* OF (bit 11) -> bit 7 */
        tcg_gen_xor_i32(t, t, f);
        tcg_gen_extract_i32(dst, t, 7, 1);
        break;
    default: {
        /* ZF | (SF ^ OF) */
        TCGv_i32 z = x86_temp(s);

        tcg_gen_shri_i32(t, f, 4);
        tcg_gen_xor_i32(t, t, f);
        tcg_gen_extract_i32(t, t, 7, 1);
        tcg_gen_extract_i32(z, f, 6, 1);
        tcg_gen_or_i32(dst, t, z);
        break;
    }
    }
    if (inv) {
        tcg_gen_xori_i32(dst, dst, 1);
    }
}
