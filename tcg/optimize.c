/*
 * The IR optimizer: one forward pass over a TB's ops doing constant folding, copy
 * propagation within basic blocks, algebraic simplification and branch folding, then
 * a sweep that drops unreachable code and labels nobody branches to.
 *
 * Knowledge kept per temp: whether it holds a known constant, which bits may be set
 * at all (a known-zero mask, which removes redundant masks and extensions), and which
 * other temps hold the same value (a ring of copies). All of it is forgotten at a
 * label that is still a branch target; globals are forgotten at helper calls that may
 * write them.
 * The value semantics used for folding are those of the op list (tcg-opc.h): 32-bit
 * ops compute 32-bit results; an i32 constant temp holds the sign-extended value.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"

typedef struct OptTemp {
    uint32_t gen;                 /* valid only when equal to opt_gen */
    bool is_const;
    uint64_t val;                 /* sign-extended for i32 temps */
    uint64_t z_mask;              /* bits that may be set (within the temp's width) */
    TCGTemp *prev_copy, *next_copy;
} OptTemp;

typedef struct OptContext {
    TCGContext *s;
    OptTemp *info;                /* indexed by temp index */
} OptContext;

/*
 * Per-temp info lives in one table reused by every pass (translation is single
 * threaded); an entry is (re)initialised on first use in a pass, found by its
 * generation number, so neither clearing nor folding's new constants cost anything.
 */
static OptTemp *opt_info;
static uint32_t opt_gen;

static inline uint64_t opt_ones(TCGType type)
{
    return type == TCG_TYPE_I32 ? 0xffffffffull : ~0ull;
}

/* What is known of a temp that holds nothing known: any bit of its width. */
static inline void opt_set_unknown(OptTemp *ti, TCGTemp *ts)
{
    ti->is_const = ts->kind == TEMP_CONST;
    ti->val = ts->val;
    ti->z_mask = ti->is_const ? (uint64_t)ts->val & opt_ones(ts->type) : opt_ones(ts->type);
}

static inline OptTemp *opt_ti(OptContext *ctx, TCGTemp *ts)
{
    OptTemp *ti = &ctx->info[ts->index];

    if (unlikely(ti->gen != opt_gen)) {
        ti->gen = opt_gen;
        ti->next_copy = ti->prev_copy = ts;
        opt_set_unknown(ti, ts);
    }
    return ti;
}

static bool opc_is_i64(TCGOpcode opc)
{
    return (opc >= INDEX_op_mov_i64 && opc <= INDEX_op_sub2_i64)
        || opc == INDEX_op_qemu_ld_i64 || opc == INDEX_op_qemu_st_i64;
}

/* Normalise a value to the representation of a temp of the given type. */
static uint64_t opt_norm(TCGType type, uint64_t v)
{
    return type == TCG_TYPE_I32 ? (uint64_t)(int64_t)(int32_t)v : v;
}

/* ---- copy rings ---- */

static void opt_reset_temp(OptContext *ctx, TCGTemp *ts)
{
    OptTemp *ti = opt_ti(ctx, ts);

    /* Most temps are copies of nothing: no ring to unlink from. */
    if (ti->next_copy != ts) {
        OptTemp *p = opt_ti(ctx, ti->prev_copy);
        OptTemp *n = opt_ti(ctx, ti->next_copy);

        p->next_copy = ti->next_copy;
        n->prev_copy = ti->prev_copy;
        ti->next_copy = ti->prev_copy = ts;
    }
    opt_set_unknown(ti, ts);
}

/* Forget everything: a new generation makes every entry re-initialise on its next
 * use, so a label costs nothing however many temps the TB has. */
static void opt_new_generation(void)
{
    if (++opt_gen == 0) {
        /* Wrapped: entries from 2^32 generations ago must not look current. */
        memset(opt_info, 0, sizeof(OptTemp) * TCG_MAX_TEMPS);
        opt_gen = 1;
    }
}

static void opt_reset_all(OptContext *ctx)
{
    opt_new_generation();
}

static void opt_reset_globals(OptContext *ctx)
{
    int i;

    for (i = 0; i < ctx->s->nb_globals; i++) {
        /* An entry of an older generation already reads as nothing known, and is
         * in no ring (joining one makes it current): nothing to forget. */
        if (ctx->info[i].gen == opt_gen && ctx->s->temps[i].kind == TEMP_GLOBAL) {
            opt_reset_temp(ctx, &ctx->s->temps[i]);
        }
    }
}

static bool opt_is_copy(OptContext *ctx, TCGTemp *a, TCGTemp *b)
{
    TCGTemp *i;

    if (a == b) {
        return true;
    }
    for (i = opt_ti(ctx, a)->next_copy; i != a; i = opt_ti(ctx, i)->next_copy) {
        if (i == b) {
            return true;
        }
    }
    return false;
}

static int opt_rank(TCGTemp *ts)
{
    switch (ts->kind) {
    case TEMP_CONST:
        return 3;
    case TEMP_FIXED:
    case TEMP_GLOBAL:
        return 2;
    default:
        return 1;
    }
}

/* The member of ts's ring best used as an input: a constant, else a global. */
static TCGTemp *opt_best_copy(OptContext *ctx, TCGTemp *ts)
{
    TCGTemp *best = ts, *i;

    for (i = opt_ti(ctx, ts)->next_copy; i != ts; i = opt_ti(ctx, i)->next_copy) {
        if (opt_rank(i) > opt_rank(best)) {
            best = i;
        }
    }
    return best;
}

/* ---- op rewriting ---- */

static bool arg_const(OptContext *ctx, uint64_t arg)
{
    return opt_ti(ctx, arg_temp(arg))->is_const;
}

static uint64_t arg_val(OptContext *ctx, uint64_t arg)
{
    return opt_ti(ctx, arg_temp(arg))->val;
}

/* Turn op into "mov dst, src" (or drop it if dst already equals src). */
static void opt_gen_mov(OptContext *ctx, TCGOp *op, TCGTemp *dst, TCGTemp *src)
{
    OptTemp *di, *si;

    if (opt_is_copy(ctx, dst, src)) {
        tcg_op_remove(ctx->s, op);
        return;
    }
    op->opc = dst->type == TCG_TYPE_I32 ? INDEX_op_mov_i32 : INDEX_op_mov_i64;
    op->args[0] = temp_arg(dst);
    op->args[1] = temp_arg(src);

    opt_reset_temp(ctx, dst);
    di = opt_ti(ctx, dst);
    si = opt_ti(ctx, src);
    di->is_const = si->is_const;
    di->val = si->val;
    di->z_mask = si->z_mask;
    /* Join src's ring. */
    di->next_copy = si->next_copy;
    di->prev_copy = src;
    opt_ti(ctx, si->next_copy)->prev_copy = dst;
    si->next_copy = dst;
}

static void opt_gen_movi(OptContext *ctx, TCGOp *op, TCGTemp *dst, uint64_t val)
{
    TCGTemp *c;

    if (dst->type == TCG_TYPE_I32) {
        c = tcgv_i32_temp(tcg_constant_i32((int32_t)val));
    } else {
        c = tcgv_i64_temp(tcg_constant_i64((int64_t)val));
    }
    opt_gen_mov(ctx, op, dst, c);
}

/* ---- constant folding ---- */

static uint64_t opt_bswap16(uint64_t x)
{
    return ((x >> 8) & 0xff) | ((x & 0xff) << 8);
}

/*
 * Fold a one- or two-input op. *ok is cleared for ops not handled here or whose
 * result is undefined (division by zero, INT_MIN / -1): those stay as they are.
 */
static uint64_t opt_fold(TCGOpcode opc, uint64_t x, uint64_t y, bool *ok)
{
    uint32_t x32 = x, y32 = y;

    *ok = true;
    switch (opc) {
    case INDEX_op_add_i32: return x32 + y32;
    case INDEX_op_add_i64: return x + y;
    case INDEX_op_sub_i32: return x32 - y32;
    case INDEX_op_sub_i64: return x - y;
    case INDEX_op_mul_i32: return x32 * y32;
    case INDEX_op_mul_i64: return x * y;
    case INDEX_op_and_i32:
    case INDEX_op_and_i64: return x & y;
    case INDEX_op_or_i32:
    case INDEX_op_or_i64: return x | y;
    case INDEX_op_xor_i32:
    case INDEX_op_xor_i64: return x ^ y;
    case INDEX_op_andc_i32:
    case INDEX_op_andc_i64: return x & ~y;
    case INDEX_op_orc_i32:
    case INDEX_op_orc_i64: return x | ~y;
    case INDEX_op_shl_i32: return x32 << (y & 31);
    case INDEX_op_shl_i64: return x << (y & 63);
    case INDEX_op_shr_i32: return x32 >> (y & 31);
    case INDEX_op_shr_i64: return x >> (y & 63);
    case INDEX_op_sar_i32: return (uint32_t)((int32_t)x32 >> (y & 31));
    case INDEX_op_sar_i64: return (uint64_t)((int64_t)x >> (y & 63));
    case INDEX_op_rotl_i32:
        return (y & 31) ? (x32 << (y & 31)) | (x32 >> (32 - (y & 31))) : x32;
    case INDEX_op_rotl_i64:
        return (y & 63) ? (x << (y & 63)) | (x >> (64 - (y & 63))) : x;
    case INDEX_op_rotr_i32:
        return (y & 31) ? (x32 >> (y & 31)) | (x32 << (32 - (y & 31))) : x32;
    case INDEX_op_rotr_i64:
        return (y & 63) ? (x >> (y & 63)) | (x << (64 - (y & 63))) : x;
    case INDEX_op_neg_i32: return -x32;
    case INDEX_op_neg_i64: return -x;
    case INDEX_op_not_i32: return ~x32;
    case INDEX_op_not_i64: return ~x;
    case INDEX_op_ext8s_i32:
    case INDEX_op_ext8s_i64: return (uint64_t)(int64_t)(int8_t)x;
    case INDEX_op_ext8u_i32:
    case INDEX_op_ext8u_i64: return (uint8_t)x;
    case INDEX_op_ext16s_i32:
    case INDEX_op_ext16s_i64: return (uint64_t)(int64_t)(int16_t)x;
    case INDEX_op_ext16u_i32:
    case INDEX_op_ext16u_i64: return (uint16_t)x;
    case INDEX_op_ext32s_i64:
    case INDEX_op_ext_i32_i64: return (uint64_t)(int64_t)(int32_t)x;
    case INDEX_op_ext32u_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32: return (uint32_t)x;
    case INDEX_op_extrh_i64_i32: return x >> 32;
    case INDEX_op_bswap16_i32:
    case INDEX_op_bswap16_i64: return opt_bswap16(x);
    case INDEX_op_bswap32_i32:
    case INDEX_op_bswap32_i64: return __builtin_bswap32(x32);
    case INDEX_op_bswap64_i64: return __builtin_bswap64(x);
    case INDEX_op_ctpop_i32: return __builtin_popcount(x32);
    case INDEX_op_ctpop_i64: return __builtin_popcountll(x);
    case INDEX_op_clz_i32: return x32 ? (uint64_t)__builtin_clz(x32) : y;
    case INDEX_op_clz_i64: return x ? (uint64_t)__builtin_clzll(x) : y;
    case INDEX_op_ctz_i32: return x32 ? (uint64_t)__builtin_ctz(x32) : y;
    case INDEX_op_ctz_i64: return x ? (uint64_t)__builtin_ctzll(x) : y;
    case INDEX_op_div_i32:
        if (y32 == 0 || ((int32_t)x32 == INT32_MIN && (int32_t)y32 == -1)) {
            break;
        }
        return (uint32_t)((int32_t)x32 / (int32_t)y32);
    case INDEX_op_rem_i32:
        if (y32 == 0 || ((int32_t)x32 == INT32_MIN && (int32_t)y32 == -1)) {
            break;
        }
        return (uint32_t)((int32_t)x32 % (int32_t)y32);
    case INDEX_op_divu_i32:
        if (y32 == 0) {
            break;
        }
        return x32 / y32;
    case INDEX_op_remu_i32:
        if (y32 == 0) {
            break;
        }
        return x32 % y32;
    case INDEX_op_div_i64:
        if (y == 0 || ((int64_t)x == INT64_MIN && (int64_t)y == -1)) {
            break;
        }
        return (uint64_t)((int64_t)x / (int64_t)y);
    case INDEX_op_rem_i64:
        if (y == 0 || ((int64_t)x == INT64_MIN && (int64_t)y == -1)) {
            break;
        }
        return (uint64_t)((int64_t)x % (int64_t)y);
    case INDEX_op_divu_i64:
        if (y == 0) {
            break;
        }
        return x / y;
    case INDEX_op_remu_i64:
        if (y == 0) {
            break;
        }
        return x % y;
    default:
        break;
    }
    *ok = false;
    return 0;
}

/* Outcome of (x cond y) when known: 1 true, 0 false, -1 unknown. */
static int opt_cond_known(OptContext *ctx, TCGCond c, uint64_t ax, uint64_t ay, bool is64)
{
    if (c == TCG_COND_ALWAYS) {
        return 1;
    }
    if (c == TCG_COND_NEVER) {
        return 0;
    }
    if (arg_const(ctx, ax) && arg_const(ctx, ay)) {
        return tcg_cond_eval(c, arg_val(ctx, ax), arg_val(ctx, ay), is64);
    }
    if (opt_is_copy(ctx, arg_temp(ax), arg_temp(ay))) {
        switch (c) {
        case TCG_COND_EQ:
        case TCG_COND_LE:
        case TCG_COND_GE:
        case TCG_COND_LEU:
        case TCG_COND_GEU:
            return 1;
        default:
            return 0;
        }
    }
    /* Unsigned comparisons against zero that cannot go either way. */
    if (arg_const(ctx, ay) && arg_val(ctx, ay) == 0) {
        if (c == TCG_COND_GEU) {
            return 1;
        }
        if (c == TCG_COND_LTU) {
            return 0;
        }
    }
    return -1;
}

/* Put a constant second in commutative ops and comparisons; returns true if swapped. */
static bool opt_swap_args(OptContext *ctx, TCGOp *op, int i, int j)
{
    uint64_t t;

    if (arg_const(ctx, op->args[i]) && !arg_const(ctx, op->args[j])) {
        t = op->args[i];
        op->args[i] = op->args[j];
        op->args[j] = t;
        return true;
    }
    return false;
}

static bool opc_is_commutative(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_add_i32: case INDEX_op_add_i64:
    case INDEX_op_mul_i32: case INDEX_op_mul_i64:
    case INDEX_op_and_i32: case INDEX_op_and_i64:
    case INDEX_op_or_i32: case INDEX_op_or_i64:
    case INDEX_op_xor_i32: case INDEX_op_xor_i64:
        return true;
    default:
        return false;
    }
}

/*
 * Algebraic identities for a two-input op with y (args[2]) maybe constant.
 * Returns true if op was rewritten.
 */
static bool opt_identities(OptContext *ctx, TCGOp *op, bool is64)
{
    TCGTemp *dst = arg_temp(op->args[0]);
    TCGTemp *x = arg_temp(op->args[1]);
    TCGTemp *y = arg_temp(op->args[2]);
    uint64_t ones = is64 ? ~0ull : 0xffffffffull;
    bool yc = arg_const(ctx, op->args[2]);
    uint64_t yv = yc ? arg_val(ctx, op->args[2]) & ones : 0;
    bool same = opt_is_copy(ctx, x, y);

    switch (op->opc) {
    case INDEX_op_add_i32: case INDEX_op_add_i64:
    case INDEX_op_sub_i32: case INDEX_op_sub_i64:
    case INDEX_op_or_i32: case INDEX_op_or_i64:
    case INDEX_op_xor_i32: case INDEX_op_xor_i64:
    case INDEX_op_andc_i32: case INDEX_op_andc_i64:
        if (yc && yv == 0) {
            opt_gen_mov(ctx, op, dst, x);
            return true;
        }
        break;
    case INDEX_op_shl_i32: case INDEX_op_shr_i32: case INDEX_op_sar_i32:
    case INDEX_op_rotl_i32: case INDEX_op_rotr_i32:
        if (yc && (yv & 31) == 0) {
            opt_gen_mov(ctx, op, dst, x);
            return true;
        }
        break;
    case INDEX_op_shl_i64: case INDEX_op_shr_i64: case INDEX_op_sar_i64:
    case INDEX_op_rotl_i64: case INDEX_op_rotr_i64:
        if (yc && (yv & 63) == 0) {
            opt_gen_mov(ctx, op, dst, x);
            return true;
        }
        break;
    default:
        break;
    }

    switch (op->opc) {
    case INDEX_op_and_i32: case INDEX_op_and_i64:
        if (yc && yv == 0) {
            opt_gen_movi(ctx, op, dst, 0);
            return true;
        }
        if ((yc && yv == ones) || same) {
            opt_gen_mov(ctx, op, dst, x);
            return true;
        }
        break;
    case INDEX_op_or_i32: case INDEX_op_or_i64:
        if (yc && yv == ones) {
            opt_gen_movi(ctx, op, dst, ones);
            return true;
        }
        if (same) {
            opt_gen_mov(ctx, op, dst, x);
            return true;
        }
        break;
    case INDEX_op_orc_i32: case INDEX_op_orc_i64:
        if ((yc && yv == 0) || same) {
            opt_gen_movi(ctx, op, dst, ones);
            return true;
        }
        if (yc && yv == ones) {
            opt_gen_mov(ctx, op, dst, x);
            return true;
        }
        break;
    case INDEX_op_andc_i32: case INDEX_op_andc_i64:
        if ((yc && yv == ones) || same) {
            opt_gen_movi(ctx, op, dst, 0);
            return true;
        }
        break;
    case INDEX_op_xor_i32: case INDEX_op_xor_i64:
    case INDEX_op_sub_i32: case INDEX_op_sub_i64:
        if (same) {
            opt_gen_movi(ctx, op, dst, 0);
            return true;
        }
        break;
    case INDEX_op_mul_i32: case INDEX_op_mul_i64:
        if (yc && yv == 0) {
            opt_gen_movi(ctx, op, dst, 0);
            return true;
        }
        if (yc && yv == 1) {
            opt_gen_mov(ctx, op, dst, x);
            return true;
        }
        break;
    default:
        break;
    }

    /* 0 shifted or rotated by anything is 0. */
    switch (op->opc) {
    case INDEX_op_shl_i32: case INDEX_op_shr_i32: case INDEX_op_sar_i32:
    case INDEX_op_rotl_i32: case INDEX_op_rotr_i32:
    case INDEX_op_shl_i64: case INDEX_op_shr_i64: case INDEX_op_sar_i64:
    case INDEX_op_rotl_i64: case INDEX_op_rotr_i64:
        if (arg_const(ctx, op->args[1]) && (arg_val(ctx, op->args[1]) & ones) == 0) {
            opt_gen_movi(ctx, op, dst, 0);
            return true;
        }
        break;
    default:
        break;
    }
    return false;
}

/* The double-word ops: fold when every input is known. */
static bool opt_fold_double(OptContext *ctx, TCGOp *op, bool is64)
{
    TCGTemp *lo = arg_temp(op->args[0]), *hi = arg_temp(op->args[1]);
    uint64_t rl, rh;
    TCGOp *op2;
    int i, nb_i = tcg_op_defs[op->opc].nb_iargs;

    for (i = 2; i < 2 + nb_i; i++) {
        if (!arg_const(ctx, op->args[i])) {
            return false;
        }
    }
    if (lo == hi) {
        return false;       /* ill-formed; leave it to the backend as written */
    }
    switch (op->opc) {
    case INDEX_op_mulu2_i32: {
        uint64_t r = (uint64_t)(uint32_t)arg_val(ctx, op->args[2])
                     * (uint32_t)arg_val(ctx, op->args[3]);
        rl = (uint32_t)r;
        rh = r >> 32;
        break;
    }
    case INDEX_op_muls2_i32: {
        int64_t r = (int64_t)(int32_t)arg_val(ctx, op->args[2])
                    * (int32_t)arg_val(ctx, op->args[3]);
        rl = (uint32_t)r;
        rh = (uint64_t)r >> 32;
        break;
    }
    case INDEX_op_mulu2_i64: {
        unsigned __int128 r = (unsigned __int128)arg_val(ctx, op->args[2])
                              * arg_val(ctx, op->args[3]);
        rl = (uint64_t)r;
        rh = (uint64_t)(r >> 64);
        break;
    }
    case INDEX_op_muls2_i64: {
        __int128 r = (__int128)(int64_t)arg_val(ctx, op->args[2])
                     * (int64_t)arg_val(ctx, op->args[3]);
        rl = (uint64_t)r;
        rh = (uint64_t)((unsigned __int128)r >> 64);
        break;
    }
    case INDEX_op_divrem_i32:
    case INDEX_op_divremu_i32: {
        uint32_t a = arg_val(ctx, op->args[2]), b = arg_val(ctx, op->args[3]);
        bool sign = op->opc == INDEX_op_divrem_i32;
        /* Undefined in the IR (the translator guards them): leave them be. */
        if (b == 0 || (sign && a == (uint32_t)INT32_MIN && b == (uint32_t)-1)) {
            return false;
        }
        rl = sign ? (uint32_t)((int32_t)a / (int32_t)b) : a / b;
        rh = sign ? (uint32_t)((int32_t)a % (int32_t)b) : a % b;
        break;
    }
    case INDEX_op_divrem_i64:
    case INDEX_op_divremu_i64: {
        uint64_t a = arg_val(ctx, op->args[2]), b = arg_val(ctx, op->args[3]);
        bool sign = op->opc == INDEX_op_divrem_i64;
        if (b == 0 || (sign && a == (uint64_t)INT64_MIN && b == (uint64_t)-1)) {
            return false;
        }
        rl = sign ? (uint64_t)((int64_t)a / (int64_t)b) : a / b;
        rh = sign ? (uint64_t)((int64_t)a % (int64_t)b) : a % b;
        break;
    }
    case INDEX_op_add2_i32:
    case INDEX_op_sub2_i32: {
        uint64_t a = ((uint64_t)(uint32_t)arg_val(ctx, op->args[3]) << 32)
                     | (uint32_t)arg_val(ctx, op->args[2]);
        uint64_t b = ((uint64_t)(uint32_t)arg_val(ctx, op->args[5]) << 32)
                     | (uint32_t)arg_val(ctx, op->args[4]);
        uint64_t r = op->opc == INDEX_op_add2_i32 ? a + b : a - b;
        rl = (uint32_t)r;
        rh = r >> 32;
        break;
    }
    case INDEX_op_add2_i64:
    case INDEX_op_sub2_i64: {
        unsigned __int128 a = ((unsigned __int128)arg_val(ctx, op->args[3]) << 64)
                              | arg_val(ctx, op->args[2]);
        unsigned __int128 b = ((unsigned __int128)arg_val(ctx, op->args[5]) << 64)
                              | arg_val(ctx, op->args[4]);
        unsigned __int128 r = op->opc == INDEX_op_add2_i64 ? a + b : a - b;
        rl = (uint64_t)r;
        rh = (uint64_t)(r >> 64);
        break;
    }
    default:
        return false;
    }
    (void)is64;
    op2 = tcg_op_insert_after(ctx->s, op, INDEX_op_mov_i32, 2);
    opt_gen_movi(ctx, op, lo, rl);
    opt_gen_movi(ctx, op2, hi, rh);
    return true;
}

/* Drop a branch op, keeping the label's reference count right. */
static void opt_remove_branch(OptContext *ctx, TCGOp *op)
{
    switch (op->opc) {
    case INDEX_op_br:
        arg_label(op->args[0])->refs--;
        break;
    case INDEX_op_brcond_i32:
    case INDEX_op_brcond_i64:
        arg_label(op->args[3])->refs--;
        break;
    default:
        break;
    }
    tcg_op_remove(ctx->s, op);
}

static uint64_t arg_z(OptContext *ctx, uint64_t arg)
{
    return opt_ti(ctx, arg_temp(arg))->z_mask;
}

/* Bits that may be set in a sign-extension of the low `bits` bits of z. */
static uint64_t opt_z_sext(uint64_t z, unsigned bits, uint64_t ones)
{
    uint64_t field = bits == 64 ? ~0ull : (1ull << bits) - 1;
    return (z >> (bits - 1)) & 1 ? ones : z & field;
}

/*
 * Known-zero bits of the (first) output of op, from its inputs' masks: the result
 * may only have bits set where the returned mask does. Ops not listed: any bit.
 */
static uint64_t opt_z_mask_out(OptContext *ctx, TCGOp *op)
{
    TCGOpcode opc = op->opc;
    uint64_t ones = opt_ones(arg_temp(op->args[0])->type);
    unsigned width = ones == ~0ull ? 64 : 32;
    uint64_t za, zb, c;

    switch (opc) {
    case INDEX_op_and_i32: case INDEX_op_and_i64:
        return arg_z(ctx, op->args[1]) & arg_z(ctx, op->args[2]);
    case INDEX_op_or_i32: case INDEX_op_or_i64:
    case INDEX_op_xor_i32: case INDEX_op_xor_i64:
        return arg_z(ctx, op->args[1]) | arg_z(ctx, op->args[2]);
    case INDEX_op_andc_i32: case INDEX_op_andc_i64:
        return arg_z(ctx, op->args[1]);
    case INDEX_op_shl_i32: case INDEX_op_shl_i64:
    case INDEX_op_shr_i32: case INDEX_op_shr_i64:
    case INDEX_op_sar_i32: case INDEX_op_sar_i64:
        if (!arg_const(ctx, op->args[2])) {
            return ones;
        }
        c = arg_val(ctx, op->args[2]) & (width - 1);
        za = arg_z(ctx, op->args[1]);
        if (opc == INDEX_op_shl_i32 || opc == INDEX_op_shl_i64) {
            return (za << c) & ones;
        }
        if ((opc == INDEX_op_sar_i32 || opc == INDEX_op_sar_i64)
            && ((za >> (width - 1)) & 1)) {
            return ones;
        }
        return za >> c;
    case INDEX_op_ext8u_i32: case INDEX_op_ext8u_i64:
        return arg_z(ctx, op->args[1]) & 0xff;
    case INDEX_op_ext16u_i32: case INDEX_op_ext16u_i64:
        return arg_z(ctx, op->args[1]) & 0xffff;
    case INDEX_op_ext32u_i64:
    case INDEX_op_extu_i32_i64:
    case INDEX_op_extrl_i64_i32:
        return arg_z(ctx, op->args[1]) & 0xffffffffull;
    case INDEX_op_extrh_i64_i32:
        return arg_z(ctx, op->args[1]) >> 32;
    case INDEX_op_ext8s_i32: case INDEX_op_ext8s_i64:
        return opt_z_sext(arg_z(ctx, op->args[1]), 8, ones);
    case INDEX_op_ext16s_i32: case INDEX_op_ext16s_i64:
        return opt_z_sext(arg_z(ctx, op->args[1]), 16, ones);
    case INDEX_op_ext32s_i64:
    case INDEX_op_ext_i32_i64:
        return opt_z_sext(arg_z(ctx, op->args[1]), 32, ones);
    case INDEX_op_setcond_i32: case INDEX_op_setcond_i64:
        return 1;
    case INDEX_op_movcond_i32: case INDEX_op_movcond_i64:
        return arg_z(ctx, op->args[3]) | arg_z(ctx, op->args[4]);
    case INDEX_op_extract_i32: case INDEX_op_extract_i64:
        za = arg_z(ctx, op->args[1]) >> op->args[2];
        return op->args[3] >= 64 ? za : za & ((1ull << op->args[3]) - 1);
    case INDEX_op_deposit_i32: case INDEX_op_deposit_i64: {
        unsigned pos = op->args[3], len = op->args[4];
        uint64_t field = (len >= 64 ? ~0ull : (1ull << len) - 1) << pos;
        za = arg_z(ctx, op->args[1]);
        zb = arg_z(ctx, op->args[2]);
        return ((za & ~field) | ((zb << pos) & field)) & ones;
    }
    case INDEX_op_clz_i32: case INDEX_op_ctz_i32:
        return 0x1f | arg_z(ctx, op->args[2]);
    case INDEX_op_clz_i64: case INDEX_op_ctz_i64:
        return 0x3f | arg_z(ctx, op->args[2]);
    case INDEX_op_ctpop_i32:
        return 0x3f;
    case INDEX_op_ctpop_i64:
        return 0x7f;
    case INDEX_op_bswap16_i32: case INDEX_op_bswap16_i64:
    case INDEX_op_ld16u_i32: case INDEX_op_ld16u_i64:
        return 0xffff;
    case INDEX_op_bswap32_i64:
    case INDEX_op_ld32u_i64:
        return 0xffffffffull;
    case INDEX_op_ld8u_i32: case INDEX_op_ld8u_i64:
        return 0xff;
    case INDEX_op_qemu_ld_i32:
    case INDEX_op_qemu_ld_i64: {
        MemOp mop = get_memop((MemOpIdx)op->args[2]);
        unsigned bits = 8 * memop_size(mop);
        if (bits < width && !(mop & MO_SIGN)) {
            return (1ull << bits) - 1;
        }
        return ones;
    }
    default:
        return ones;
    }
}

/* Simplifications that need only the known-zero bits of the inputs. */
static bool opt_fold_z_mask(OptContext *ctx, TCGOp *op)
{
    TCGTemp *dst = arg_temp(op->args[0]);
    uint64_t ones = opt_ones(dst->type), za, keep;

    switch (op->opc) {
    case INDEX_op_and_i32: case INDEX_op_and_i64:
        if (!arg_const(ctx, op->args[2])) {
            return false;
        }
        za = arg_z(ctx, op->args[1]);
        keep = arg_val(ctx, op->args[2]) & ones;
        if ((za & keep) == 0) {
            opt_gen_movi(ctx, op, dst, 0);
            return true;
        }
        if ((za & ~keep) == 0) {
            opt_gen_mov(ctx, op, dst, arg_temp(op->args[1]));
            return true;
        }
        return false;
    case INDEX_op_ext8u_i32: case INDEX_op_ext8u_i64:
        keep = 0xff;
        break;
    case INDEX_op_ext16u_i32: case INDEX_op_ext16u_i64:
        keep = 0xffff;
        break;
    case INDEX_op_ext32u_i64:
        keep = 0xffffffffull;
        break;
    case INDEX_op_extract_i32: case INDEX_op_extract_i64:
        if (op->args[2] != 0) {
            return false;
        }
        keep = (1ull << op->args[3]) - 1;
        break;
    case INDEX_op_setcond_i32: case INDEX_op_setcond_i64:
        /* x != 0 for x known to be 0 or 1 is x itself. */
        if ((TCGCond)op->args[3] == TCG_COND_NE && arg_const(ctx, op->args[2])
            && arg_val(ctx, op->args[2]) == 0 && (arg_z(ctx, op->args[1]) & ~1ull) == 0) {
            opt_gen_mov(ctx, op, dst, arg_temp(op->args[1]));
            return true;
        }
        return false;
    default:
        return false;
    }
    if ((arg_z(ctx, op->args[1]) & ~keep) == 0) {
        opt_gen_mov(ctx, op, dst, arg_temp(op->args[1]));
        return true;
    }
    return false;
}

/* Fold one ordinary (non-control) op. Returns true if the op is gone or rewritten
 * into a mov whose bookkeeping is done. */
static bool opt_fold_op(OptContext *ctx, TCGOp *op)
{
    TCGOpcode opc = op->opc;
    const TCGOpDef *def = &tcg_op_defs[opc];
    bool is64 = opc_is_i64(opc);
    TCGTemp *dst;
    uint64_t v;
    bool ok;
    int known;

    if (def->nb_oargs == 0 || (def->flags & TCG_OPF_SIDE_EFFECTS)) {
        return false;
    }
    dst = arg_temp(op->args[0]);

    switch (opc) {
    case INDEX_op_mov_i32:
    case INDEX_op_mov_i64:
        opt_gen_mov(ctx, op, dst, arg_temp(op->args[1]));
        return true;

    case INDEX_op_setcond_i32:
    case INDEX_op_setcond_i64:
        if (opt_swap_args(ctx, op, 1, 2)) {
            op->args[3] = tcg_swap_cond((TCGCond)op->args[3]);
        }
        known = opt_cond_known(ctx, (TCGCond)op->args[3], op->args[1], op->args[2], is64);
        if (known >= 0) {
            opt_gen_movi(ctx, op, dst, known);
            return true;
        }
        return opt_fold_z_mask(ctx, op);

    case INDEX_op_movcond_i32:
    case INDEX_op_movcond_i64:
        if (opt_swap_args(ctx, op, 1, 2)) {
            op->args[5] = tcg_swap_cond((TCGCond)op->args[5]);
        }
        known = opt_cond_known(ctx, (TCGCond)op->args[5], op->args[1], op->args[2], is64);
        if (known >= 0) {
            opt_gen_mov(ctx, op, dst, arg_temp(op->args[known ? 3 : 4]));
            return true;
        }
        if (opt_is_copy(ctx, arg_temp(op->args[3]), arg_temp(op->args[4]))) {
            opt_gen_mov(ctx, op, dst, arg_temp(op->args[3]));
            return true;
        }
        return false;

    case INDEX_op_deposit_i32:
    case INDEX_op_deposit_i64:
        if (arg_const(ctx, op->args[1]) && arg_const(ctx, op->args[2])) {
            unsigned pos = op->args[3], len = op->args[4];
            uint64_t x = arg_val(ctx, op->args[1]), y = arg_val(ctx, op->args[2]);
            v = is64 ? deposit64(x, pos, len, y) : deposit32(x, pos, len, y);
            opt_gen_movi(ctx, op, dst, opt_norm(dst->type, v));
            return true;
        }
        if (arg_const(ctx, op->args[2])) {
            /* A constant field over bits known zero in the base is an OR with the
             * shifted constant (e.g. the jump cache's pc | ~flags << 32 key): one
             * or two host insns where a general deposit needs shifts and masks. */
            unsigned pos = op->args[3], len = op->args[4];
            uint64_t field = (len >= 64 ? ~0ull : (1ull << len) - 1) << pos;
            if ((arg_z(ctx, op->args[1]) & field) == 0) {
                v = opt_norm(dst->type, (arg_val(ctx, op->args[2]) << pos) & field);
                op->opc = is64 ? INDEX_op_or_i64 : INDEX_op_or_i32;
                op->args[2] = temp_arg(is64 ? tcgv_i64_temp(tcg_constant_i64((int64_t)v))
                                            : tcgv_i32_temp(tcg_constant_i32((int32_t)v)));
            }
        }
        return false;

    case INDEX_op_extract_i32:
    case INDEX_op_extract_i64:
    case INDEX_op_sextract_i32:
    case INDEX_op_sextract_i64:
        if (arg_const(ctx, op->args[1])) {
            unsigned pos = op->args[2], len = op->args[3];
            uint64_t x = arg_val(ctx, op->args[1]);
            /* Move the field to the top, then shift it down logically or
             * arithmetically. */
            uint64_t top = x << (64 - pos - len);
            if (opc == INDEX_op_extract_i32 || opc == INDEX_op_extract_i64) {
                v = top >> (64 - len);
            } else {
                v = (uint64_t)((int64_t)top >> (64 - len));
            }
            opt_gen_movi(ctx, op, dst, opt_norm(dst->type, v));
            return true;
        }
        return opt_fold_z_mask(ctx, op);

    case INDEX_op_clz_i32:
    case INDEX_op_clz_i64:
    case INDEX_op_ctz_i32:
    case INDEX_op_ctz_i64:
        if (arg_const(ctx, op->args[1])) {
            uint64_t x = arg_val(ctx, op->args[1]);
            if ((is64 ? x : (uint32_t)x) == 0) {
                opt_gen_mov(ctx, op, dst, arg_temp(op->args[2]));
            } else {
                v = opt_fold(opc, x, 0, &ok);
                opt_gen_movi(ctx, op, dst, opt_norm(dst->type, v));
            }
            return true;
        }
        return false;

    case INDEX_op_mulu2_i32: case INDEX_op_muls2_i32:
    case INDEX_op_mulu2_i64: case INDEX_op_muls2_i64:
    case INDEX_op_divrem_i32: case INDEX_op_divremu_i32:
    case INDEX_op_divrem_i64: case INDEX_op_divremu_i64:
    case INDEX_op_add2_i32: case INDEX_op_sub2_i32:
    case INDEX_op_add2_i64: case INDEX_op_sub2_i64:
        return opt_fold_double(ctx, op, is64);

    default:
        break;
    }

    /* Host loads: nothing known. */
    if (def->nb_cargs != 0) {
        return false;
    }

    if (def->nb_iargs == 1) {
        if (arg_const(ctx, op->args[1])) {
            v = opt_fold(opc, arg_val(ctx, op->args[1]), 0, &ok);
            if (ok) {
                opt_gen_movi(ctx, op, dst, opt_norm(dst->type, v));
                return true;
            }
        }
        return opt_fold_z_mask(ctx, op);
    }

    if (def->nb_iargs == 2) {
        if (opc_is_commutative(opc)) {
            opt_swap_args(ctx, op, 1, 2);
        }
        if (arg_const(ctx, op->args[1]) && arg_const(ctx, op->args[2])) {
            v = opt_fold(opc, arg_val(ctx, op->args[1]), arg_val(ctx, op->args[2]), &ok);
            if (ok) {
                opt_gen_movi(ctx, op, dst, opt_norm(dst->type, v));
                return true;
            }
            return false;
        }
        return opt_identities(ctx, op, is64) || opt_fold_z_mask(ctx, op);
    }
    return false;
}

/* Is this op the end of straight-line flow (nothing after it runs until a label)? */
static bool opt_is_unconditional_end(TCGOpcode opc)
{
    return opc == INDEX_op_br || opc == INDEX_op_exit_tb || opc == INDEX_op_goto_ptr;
}

/*
 * "setcond t, a, b, c; ...; brcond t, 0, ne/eq, L" with a, b and t untouched in
 * between becomes a branch on (a c b) itself. MIPS computes every branch condition
 * before translating the delay slot, so each conditional branch had a setcond, a
 * test of its result and a register for it; now the backend compares and jumps.
 * "movcond d, t, 0, x, y, ne/eq" is rewritten the same way: x86's cmovcc after a
 * cmp evaluates its condition with a setcond, and "xor; cmp; setcc; test; cmovne"
 * becomes "cmp; cmovcc".
 * The setcond stays here: liveness removes it when t has no other reader.
 */
#define OPT_MAX_PENDING_SETCOND 8

/*
 * The last walk over the ops, which also does the sweep (a br to the label right
 * after it goes, then labels left without branches) and notes whether a branch goes
 * back to an earlier label, for liveness (TCGContext.backward_branch), and counts
 * the guest memory accesses (nb_guest_mem_ops): one walk instead of four. Sweeping as we go gives what separate passes would: a label's
 * count only drops at a br just before it, which this walk has already passed.
 */
static void opt_final_pass(OptContext *ctx)
{
    TCGContext *s = ctx->s;
    struct {
        TCGTemp *t, *a, *b;
        TCGCond c;
        TCGOpcode brc, movc;
    } tab[OPT_MAX_PENDING_SETCOND];
    int n = 0;
    bool seen[TCG_MAX_LABELS];
    bool backward = false;
    int nb_mem = 0, nb_goto_tb = 0;
    TCGOp *next;

    memset(seen, 0, sizeof(seen[0]) * s->nb_labels);
    for (TCGOp *op = s->first_op; op; op = next) {
        TCGOpcode opc = op->opc;

        next = op->next;
        if (opc == INDEX_op_insn_start) {
            continue;       /* one op in five: nothing below concerns it */
        }
        if (opc == INDEX_op_br) {
            TCGLabel *l = arg_label(op->args[0]);
            if (next && next->opc == INDEX_op_set_label && arg_label(next->args[0]) == l) {
                opt_remove_branch(ctx, op);
                continue;
            }
            backward |= seen[l->id];
        } else if (opc == INDEX_op_set_label) {
            TCGLabel *l = arg_label(op->args[0]);
            if (l->refs == 0) {
                tcg_op_remove(s, op);
                continue;
            }
            seen[l->id] = true;
        } else if (opc == INDEX_op_brcond_i32 || opc == INDEX_op_brcond_i64) {
            backward |= seen[arg_label(op->args[3])->id];
        }

        nb_mem += tcg_opc_is_guest_mem(opc);
        if (opc == INDEX_op_goto_tb) {
            if (nb_goto_tb < TCG_MAX_GOTO_TB_OPS) {
                s->goto_tb_ops[nb_goto_tb] = op;
            }
            nb_goto_tb++;
        }
        if (opc == INDEX_op_brcond_i32 || opc == INDEX_op_brcond_i64) {
            TCGTemp *t = arg_temp(op->args[0]), *z = arg_temp(op->args[1]);
            TCGCond c = (TCGCond)op->args[2];
            if (z->kind == TEMP_CONST && z->val == 0 &&
                (c == TCG_COND_NE || c == TCG_COND_EQ)) {
                for (int i = 0; i < n; i++) {
                    if (tab[i].t == t && tab[i].brc == opc) {
                        op->args[0] = temp_arg(tab[i].a);
                        op->args[1] = temp_arg(tab[i].b);
                        op->args[2] = c == TCG_COND_NE ? tab[i].c
                                                        : tcg_invert_cond(tab[i].c);
                        break;
                    }
                }
            }
            n = 0;
            continue;
        }
        if (opc == INDEX_op_movcond_i32 || opc == INDEX_op_movcond_i64) {
            /* Inputs are read before the output is written: rewrite first, then
             * let the output loop below forget what d overwrote. */
            TCGTemp *t = arg_temp(op->args[1]), *z = arg_temp(op->args[2]);
            TCGCond c = (TCGCond)op->args[5];
            if (z->kind == TEMP_CONST && z->val == 0 &&
                (c == TCG_COND_NE || c == TCG_COND_EQ)) {
                for (int i = 0; i < n; i++) {
                    if (tab[i].t == t && tab[i].movc == opc) {
                        op->args[1] = temp_arg(tab[i].a);
                        op->args[2] = temp_arg(tab[i].b);
                        op->args[5] = c == TCG_COND_NE ? tab[i].c
                                                        : tcg_invert_cond(tab[i].c);
                        break;
                    }
                }
            }
        }
        if ((opc == INDEX_op_setcond_i32 || opc == INDEX_op_setcond_i64) && n) {
            /* "setcond u, t, 0, eq/ne" of a pending "setcond t, a, b, c" (t is 0 or
             * 1) is "setcond u, a, b, !c/c": MIPS's "sltu t, a, b; beqz t" whose
             * delay slot overwrites t (so the branch could not test t itself) then
             * compares a and b once, and t's setcond dies with t. */
            TCGTemp *t = arg_temp(op->args[1]), *z = arg_temp(op->args[2]);
            TCGCond c = (TCGCond)op->args[3];
            TCGOpcode brc = opc == INDEX_op_setcond_i32 ? INDEX_op_brcond_i32
                                                         : INDEX_op_brcond_i64;
            if (z->kind == TEMP_CONST && z->val == 0 &&
                (c == TCG_COND_NE || c == TCG_COND_EQ)) {
                for (int i = 0; i < n; i++) {
                    if (tab[i].t == t && tab[i].brc == brc) {
                        op->args[1] = temp_arg(tab[i].a);
                        op->args[2] = temp_arg(tab[i].b);
                        op->args[3] = c == TCG_COND_NE ? tab[i].c
                                                        : tcg_invert_cond(tab[i].c);
                        break;
                    }
                }
            }
        }
        if (opc == INDEX_op_call || opc == INDEX_op_set_label ||
            (tcg_op_defs[opc].flags & (TCG_OPF_BB_END | TCG_OPF_BB_EXIT))) {
            /* A helper may write globals; a label or block end merges flows. */
            n = 0;
            continue;
        }
        /* Outputs (discard included) end whatever reads them (nothing to end
         * without a pending setcond, the common case). */
        int nb_o = n ? tcg_op_nb_oargs(op) : 0;
        for (int o = 0; o < nb_o; o++) {
            TCGTemp *w = arg_temp(op->args[o]);
            for (int i = 0; i < n; i++) {
                if (tab[i].t == w || tab[i].a == w || tab[i].b == w) {
                    tab[i--] = tab[--n];
                }
            }
        }
        if ((opc == INDEX_op_setcond_i32 || opc == INDEX_op_setcond_i64) &&
            n < OPT_MAX_PENDING_SETCOND) {
            TCGTemp *t = arg_temp(op->args[0]);
            TCGTemp *a = arg_temp(op->args[1]), *b = arg_temp(op->args[2]);
            if (t != a && t != b) {
                tab[n].t = t;
                tab[n].a = a;
                tab[n].b = b;
                tab[n].c = (TCGCond)op->args[3];
                tab[n].brc = opc == INDEX_op_setcond_i32 ? INDEX_op_brcond_i32
                                                          : INDEX_op_brcond_i64;
                tab[n].movc = opc == INDEX_op_setcond_i32 ? INDEX_op_movcond_i32
                                                           : INDEX_op_movcond_i64;
                n++;
            }
        }
    }
    s->backward_branch = backward;
    s->nb_guest_mem_ops = nb_mem;
    /* No later pass removes a goto_tb (a side effect) or adds one. */
    s->nb_goto_tb_ops = nb_goto_tb;
    s->goto_tb_known = nb_goto_tb <= TCG_MAX_GOTO_TB_OPS;
}

void tcg_optimize(TCGContext *s)
{
    OptContext ctx;
    TCGOp *op, *next;
    bool unreachable = false;
    int i;

    ctx.s = s;
    if (!opt_info) {
        /* Folding may intern new constants: size the table for the most temps. */
        opt_info = g_new0(OptTemp, TCG_MAX_TEMPS);
    }
    opt_new_generation();
    ctx.info = opt_info;

    for (op = s->first_op; op; op = next) {
        TCGOpcode opc = op->opc;

        next = op->next;
        if (opc == INDEX_op_insn_start) {
            /* One per guest insn: no args to rewrite, kept even where unreachable
             * (per-insn records stay aligned with the TB). */
            continue;
        }
        int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);

        if (opc == INDEX_op_set_label) {
            TCGLabel *l = arg_label(op->args[0]);
            /* "br L; L:" - the br goes; if it was L's only user, what we knew at the
             * br still holds at L. */
            if (op->prev && op->prev->opc == INDEX_op_br
                && arg_label(op->prev->args[0]) == l) {
                opt_remove_branch(&ctx, op->prev);
                unreachable = false;
            }
            if (l->refs == 0) {
                /* Nobody jumps here: the block simply continues. */
                tcg_op_remove(s, op);
                continue;
            }
            unreachable = false;
            opt_reset_all(&ctx);
            continue;
        }
        if (unreachable) {
            /* Keep insn_start so per-insn records stay aligned with the TB. */
            if (opc != INDEX_op_insn_start) {
                opt_remove_branch(&ctx, op);
            }
            continue;
        }

        /* Inputs: read the best equal temp (a constant if one is known). */
        for (i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            /* A constant is already the best copy there is. */
            if (ts->kind != TEMP_CONST) {
                op->args[i] = temp_arg(opt_best_copy(&ctx, ts));
            }
        }

        switch (opc) {
        case INDEX_op_insn_start:
        case INDEX_op_mb:
            continue;
        case INDEX_op_discard:
            opt_reset_temp(&ctx, arg_temp(op->args[0]));
            continue;
        case INDEX_op_call: {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)(uintptr_t)op->args[nb_o + nb_i + 1];
            if (!(info->flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                opt_reset_globals(&ctx);
            }
            for (i = 0; i < nb_o; i++) {
                opt_reset_temp(&ctx, arg_temp(op->args[i]));
            }
            continue;
        }
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64: {
            int known;
            if (opt_swap_args(&ctx, op, 0, 1)) {
                op->args[2] = tcg_swap_cond((TCGCond)op->args[2]);
            }
            known = opt_cond_known(&ctx, (TCGCond)op->args[2], op->args[0], op->args[1],
                                   opc == INDEX_op_brcond_i64);
            if (known == 0) {
                opt_remove_branch(&ctx, op);
            } else if (known == 1) {
                TCGLabel *l = arg_label(op->args[3]);
                op->opc = INDEX_op_br;
                op->args[0] = label_arg(l);
                unreachable = true;
            }
            continue;
        }
        default:
            break;
        }

        if (opt_is_unconditional_end(opc)) {
            unreachable = true;
            continue;
        }
        if (tcg_op_defs[opc].flags & (TCG_OPF_BB_END | TCG_OPF_BB_EXIT)) {
            continue;       /* goto_tb: falls through to its exit_tb */
        }

        if (!opt_fold_op(&ctx, op)) {
            uint64_t z = nb_o == 1 ? opt_z_mask_out(&ctx, op) : 0;
            for (i = 0; i < nb_o; i++) {
                opt_reset_temp(&ctx, arg_temp(op->args[i]));
            }
            if (nb_o == 1) {
                opt_ti(&ctx, arg_temp(op->args[0]))->z_mask &= z;
            }
        }
    }

    opt_final_pass(&ctx);
}
