/*
 * MIPS32 FPU (CP1) arithmetic of the 24Kf, run on the host's SSE unit.
 *
 * Sources: "MIPS32 Architecture for Programmers" Vol. I (MD00082) ch. 6 "FPU" (FCSR,
 * FCCR/FEXR/FENR, exception model, pre-2008 NaN encoding) and Vol. II (MD00086) for
 * each instruction; the 24K datasheet for FIR.
 *
 * Every operation that can signal runs on SSE with MXCSR set from FCSR (rounding
 * mode, FS as flush-to-zero on outputs, all host exceptions masked and their flags
 * cleared), then maps the host flags to FCSR Cause; an enabled Cause bit raises the
 * FP exception before the destination is written (the helper unwinds, the TB's
 * store never runs). NaNs are handled here before SSE sees an operand, because
 * the two encodings disagree: a MIPS legacy quiet NaN has the fraction's MSB clear,
 * which SSE takes as signaling. So: a signaling-NaN operand gives Invalid; any NaN
 * result is the default NaN (0x7fbfffff / 0x7ff7ffffffffffff), as with QEMU 7.2's
 * legacy-NaN MIPS FPU (quiet-NaN operands give it without Invalid); a NaN SSE makes
 * itself (Invalid) becomes the default NaN too.
 * Denormals are computed exactly (SSE with DAZ off).
 *
 * Not modelled: the 24Kf's Unimplemented Operation traps on denormal operands and
 * results (we compute them, as QEMU does); underflow with its trap enabled is
 * signalled only for inexact tiny results (the untrapped IEEE rule). MADD/MSUB/
 * NMADD/NMSUB round twice (the 24Kf's are not fused); NMADD/NMSUB negate a NaN
 * result too, as QEMU 7.2 does.
 */
#include "qemu/osdep.h"
#include "internal.h"

#define SNAN_BIT_S 0x00400000u
#define SNAN_BIT_D 0x0008000000000000ull
#define DNAN_S 0x7fbfffffu
#define DNAN_D 0x7ff7ffffffffffffull

/* MXCSR: exception flags (bits 0-5), masks (7-12), rounding control (13-14), FTZ. */
#define MXCSR_IE 0x0001u
#define MXCSR_ZE 0x0004u
#define MXCSR_OE 0x0008u
#define MXCSR_UE 0x0010u
#define MXCSR_PE 0x0020u
#define MXCSR_MASKS 0x1f80u
#define MXCSR_RC_SHIFT 13
#define MXCSR_FTZ 0x8000u

static inline bool fpu_nan_s(uint32_t a)
{
    return (a & 0x7fffffffu) > 0x7f800000u;
}

static inline bool fpu_snan_s(uint32_t a)
{
    return fpu_nan_s(a) && (a & SNAN_BIT_S);
}

static inline bool fpu_nan_d(uint64_t a)
{
    return (a & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}

static inline bool fpu_snan_d(uint64_t a)
{
    return fpu_nan_d(a) && (a & SNAN_BIT_D);
}

/* ---- host SSE ---- */

typedef struct FPUHost {
    uint32_t saved;     /* the host's MXCSR, restored after the operation */
} FPUHost;

/* MIPS RM (0 nearest, 1 toward zero, 2 up, 3 down) -> x86 RC (0 nearest, 1 down,
 * 2 up, 3 toward zero). */
static const uint8_t fpu_rm_to_rc[4] = { 0, 3, 2, 1 };

static inline void fpu_host_enter(FPUHost *h, uint32_t fcsr, unsigned rm)
{
    uint32_t m = MXCSR_MASKS | ((uint32_t)fpu_rm_to_rc[rm & 3] << MXCSR_RC_SHIFT);

    if (fcsr & FCSR_FS) {
        m |= MXCSR_FTZ;
    }
    __asm__ volatile("stmxcsr %0" : "=m"(h->saved));
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

/* Leave SSE; returns the MIPS exception bits (FP_X_*) the operations raised. */
static inline uint32_t fpu_host_leave(FPUHost *h)
{
    uint32_t m, x = 0;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    __asm__ volatile("ldmxcsr %0" : : "m"(h->saved));
    if (m & MXCSR_PE) {
        x |= FP_X_I;
    }
    if (m & MXCSR_UE) {
        x |= FP_X_U;
    }
    if (m & MXCSR_OE) {
        x |= FP_X_O;
    }
    if (m & MXCSR_ZE) {
        x |= FP_X_Z;
    }
    if (m & MXCSR_IE) {
        x |= FP_X_V;
    }
    return x;
}

/* Each SSE operation is an asm volatile so it stays between the MXCSR load and
 * read (the compiler does not move volatile asms across each other). */
#define SSE_OP2(name, insn, type)                                          \
    static inline uint64_t name(uint64_t a, uint64_t b)                    \
    {                                                                      \
        uint64_t r = a;                                                    \
        __asm__ volatile("movq %1, %%xmm0\n\tmovq %2, %%xmm1\n\t"          \
                         insn " %%xmm1, %%xmm0\n\tmovq %%xmm0, %0"         \
                         : "=r"(r) : "r"(a), "r"(b) : "xmm0", "xmm1");     \
        return r & (type);                                                 \
    }

SSE_OP2(sse_add_s, "addss", 0xffffffffull)
SSE_OP2(sse_sub_s, "subss", 0xffffffffull)
SSE_OP2(sse_mul_s, "mulss", 0xffffffffull)
SSE_OP2(sse_div_s, "divss", 0xffffffffull)
SSE_OP2(sse_add_d, "addsd", ~0ull)
SSE_OP2(sse_sub_d, "subsd", ~0ull)
SSE_OP2(sse_mul_d, "mulsd", ~0ull)
SSE_OP2(sse_div_d, "divsd", ~0ull)

static inline uint64_t sse_sqrt_s(uint64_t a)
{
    uint64_t r;

    __asm__ volatile("movq %1, %%xmm1\n\tpxor %%xmm0, %%xmm0\n\tsqrtss %%xmm1, %%xmm0\n\t"
                     "movq %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0", "xmm1");
    return r & 0xffffffffull;
}

static inline uint64_t sse_sqrt_d(uint64_t a)
{
    uint64_t r;

    __asm__ volatile("movq %1, %%xmm1\n\tsqrtsd %%xmm1, %%xmm0\n\tmovq %%xmm0, %0"
                     : "=r"(r) : "r"(a) : "xmm0", "xmm1");
    return r;
}

static inline uint64_t sse_cvt_d_s(uint64_t a)
{
    uint64_t r;

    __asm__ volatile("movq %1, %%xmm1\n\tcvtss2sd %%xmm1, %%xmm0\n\tmovq %%xmm0, %0"
                     : "=r"(r) : "r"(a) : "xmm0", "xmm1");
    return r;
}

static inline uint64_t sse_cvt_s_d(uint64_t a)
{
    uint64_t r;

    __asm__ volatile("movq %1, %%xmm1\n\tpxor %%xmm0, %%xmm0\n\tcvtsd2ss %%xmm1, %%xmm0\n\t"
                     "movq %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0", "xmm1");
    return r & 0xffffffffull;
}

/* Integer (32-bit W or 64-bit L) to S or D, rounded per MXCSR. */
static inline uint64_t sse_cvt_s_w(int32_t a)
{
    uint64_t r;

    __asm__ volatile("pxor %%xmm0, %%xmm0\n\tcvtsi2ssl %1, %%xmm0\n\tmovq %%xmm0, %0"
                     : "=r"(r) : "r"(a) : "xmm0");
    return r & 0xffffffffull;
}

static inline uint64_t sse_cvt_s_l(int64_t a)
{
    uint64_t r;

    __asm__ volatile("pxor %%xmm0, %%xmm0\n\tcvtsi2ssq %1, %%xmm0\n\tmovq %%xmm0, %0"
                     : "=r"(r) : "r"(a) : "xmm0");
    return r & 0xffffffffull;
}

static inline uint64_t sse_cvt_d_w(int32_t a)
{
    uint64_t r;

    __asm__ volatile("cvtsi2sdl %1, %%xmm0\n\tmovq %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0");
    return r;
}

static inline uint64_t sse_cvt_d_l(int64_t a)
{
    uint64_t r;

    __asm__ volatile("cvtsi2sdq %1, %%xmm0\n\tmovq %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0");
    return r;
}

/* S or D to W or L, rounded per MXCSR; the host gives 0x80000000(...) with IE for
 * NaN or out of range. */
static inline int64_t sse_cvt_w_s(uint64_t a)
{
    int32_t r;

    __asm__ volatile("movq %1, %%xmm0\n\tcvtss2si %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0");
    return r;
}

static inline int64_t sse_cvt_l_s(uint64_t a)
{
    int64_t r;

    __asm__ volatile("movq %1, %%xmm0\n\tcvtss2si %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0");
    return r;
}

static inline int64_t sse_cvt_w_d(uint64_t a)
{
    int32_t r;

    __asm__ volatile("movq %1, %%xmm0\n\tcvtsd2si %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0");
    return r;
}

static inline int64_t sse_cvt_l_d(uint64_t a)
{
    int64_t r;

    __asm__ volatile("movq %1, %%xmm0\n\tcvtsd2si %%xmm0, %0" : "=r"(r) : "r"(a) : "xmm0");
    return r;
}

/* ---- FCSR update ---- */

/*
 * Write the operation's exceptions x to Cause; if one is enabled (or is E, which
 * always traps) raise the FP exception at the insn (ra: its host return address),
 * leaving Flags and the destination as they were; else accumulate Flags.
 */
static void mips_fpu_commit(CPUMIPSState *env, uint32_t x, uintptr_t ra)
{
    uint32_t en = ((env->fcr31 & FCSR_ENABLES) >> FCSR_ENABLES_SHIFT) | FP_X_E;

    env->fcr31 = (env->fcr31 & ~FCSR_CAUSE) | (x << FCSR_CAUSE_SHIFT);
    if (unlikely(x & en)) {
        mips_raise_exception(env, MIPS_EXCP_FPE, ra);
    }
    env->fcr31 |= (x & 0x1fu) << FCSR_FLAGS_SHIFT;
}

/* ---- NaN operands ---- */

/* If a or b is a NaN, set *r to the result and return true. */
static bool fpu_nan2_s(uint32_t a, uint32_t b, uint64_t *r, uint32_t *x)
{
    if (likely(!fpu_nan_s(a) && !fpu_nan_s(b))) {
        return false;
    }
    if (fpu_snan_s(a) || fpu_snan_s(b)) {
        *x |= FP_X_V;
    }
    *r = DNAN_S;
    return true;
}

static bool fpu_nan2_d(uint64_t a, uint64_t b, uint64_t *r, uint32_t *x)
{
    if (likely(!fpu_nan_d(a) && !fpu_nan_d(b))) {
        return false;
    }
    if (fpu_snan_d(a) || fpu_snan_d(b)) {
        *x |= FP_X_V;
    }
    *r = DNAN_D;
    return true;
}

/* A NaN SSE produced (only for an Invalid operation: no operand was a NaN) is x86's
 * 0xffc00000, a signaling NaN for MIPS: give the MIPS default NaN. */
static inline uint64_t fpu_fix_s(uint64_t r)
{
    return fpu_nan_s((uint32_t)r) ? DNAN_S : r;
}

static inline uint64_t fpu_fix_d(uint64_t r)
{
    return fpu_nan_d(r) ? DNAN_D : r;
}

/* ---- the operations ---- */

static uint64_t fpu_arith_s(unsigned funct, uint64_t a, uint64_t b, uint32_t *x)
{
    uint64_t r;

    switch (funct) {
    case FPU_ADD:
        r = sse_add_s(a, b);
        break;
    case FPU_SUB:
        r = sse_sub_s(a, b);
        break;
    case FPU_MUL:
        r = sse_mul_s(a, b);
        break;
    case FPU_DIV:
        r = sse_div_s(a, b);
        break;
    case FPU_SQRT:
        r = sse_sqrt_s(a);
        break;
    case FPU_RECIP:
        r = sse_div_s(0x3f800000u, a);
        break;
    case FPU_RSQRT:
        r = sse_div_s(0x3f800000u, sse_sqrt_s(a));
        break;
    default:
        *x |= FP_X_E;
        return 0;
    }
    return fpu_fix_s(r);
}

static uint64_t fpu_arith_d(unsigned funct, uint64_t a, uint64_t b, uint32_t *x)
{
    uint64_t r;

    switch (funct) {
    case FPU_ADD:
        r = sse_add_d(a, b);
        break;
    case FPU_SUB:
        r = sse_sub_d(a, b);
        break;
    case FPU_MUL:
        r = sse_mul_d(a, b);
        break;
    case FPU_DIV:
        r = sse_div_d(a, b);
        break;
    case FPU_SQRT:
        r = sse_sqrt_d(a);
        break;
    case FPU_RECIP:
        r = sse_div_d(0x3ff0000000000000ull, a);
        break;
    case FPU_RSQRT:
        r = sse_div_d(0x3ff0000000000000ull, sse_sqrt_d(a));
        break;
    default:
        *x |= FP_X_E;
        return 0;
    }
    return fpu_fix_d(r);
}

/* To W (l false) or L: a NaN, infinity or out-of-range value is Invalid, result
 * the largest positive integer (MIPS legacy default), not x86's most negative. */
static uint64_t fpu_to_int(bool dbl, bool l, uint64_t a, uint32_t *x)
{
    uint32_t hx;
    int64_t r;

    if (dbl ? fpu_nan_d(a) : fpu_nan_s((uint32_t)a)) {
        *x |= FP_X_V;
        return l ? INT64_MAX : INT32_MAX;
    }
    if (dbl) {
        r = l ? sse_cvt_l_d(a) : sse_cvt_w_d(a);
    } else {
        r = l ? sse_cvt_l_s(a) : sse_cvt_w_s(a);
    }
    /* The caller's SSE flags are read later; look at Invalid now. */
    __asm__ volatile("stmxcsr %0" : "=m"(hx));
    if (hx & MXCSR_IE) {
        return l ? INT64_MAX : INT32_MAX;
    }
    return l ? (uint64_t)r : (uint32_t)r;
}

/* Rounding mode of a conversion to integer: its own for ROUND/TRUNC/CEIL/FLOOR. */
static unsigned fpu_op_rm(unsigned funct, uint32_t fcsr)
{
    switch (funct) {
    case FPU_ROUND_L: case FPU_ROUND_W:
        return 0;
    case FPU_TRUNC_L: case FPU_TRUNC_W:
        return 1;
    case FPU_CEIL_L: case FPU_CEIL_W:
        return 2;
    case FPU_FLOOR_L: case FPU_FLOOR_W:
        return 3;
    default:
        return fcsr & FCSR_RM;
    }
}

/* The general path: any rounding mode, FS, every operand class, on SSE with MXCSR
 * set from FCSR and the host flags read back. */
static uint64_t fpu_slow(uint32_t fcsr, unsigned fmt, unsigned funct, uint64_t a,
                         uint64_t b, uint32_t *xp)
{
    uint32_t x = 0;
    uint64_t r = 0;
    FPUHost h;

    fpu_host_enter(&h, fcsr, fpu_op_rm(funct, fcsr));
    switch (fmt) {
    case FPU_FMT_S:
        if (funct <= FPU_SQRT || funct == FPU_RECIP || funct == FPU_RSQRT) {
            if (!fpu_nan2_s(a, funct <= FPU_DIV ? b : a, &r, &x)) {
                r = fpu_arith_s(funct, a, b, &x);
            }
        } else if (funct == FPU_CVT_D) {
            if (fpu_nan_s(a)) {
                x |= fpu_snan_s(a) ? FP_X_V : 0;
                r = DNAN_D;
            } else {
                r = sse_cvt_d_s(a);
            }
        } else if (funct == FPU_CVT_W || (funct >= FPU_ROUND_W && funct <= FPU_FLOOR_W)) {
            r = fpu_to_int(false, false, a, &x);
        } else if (funct == FPU_CVT_L || (funct >= FPU_ROUND_L && funct <= FPU_FLOOR_L)) {
            r = fpu_to_int(false, true, a, &x);
        } else {
            x |= FP_X_E;
        }
        break;
    case FPU_FMT_D:
        if (funct <= FPU_SQRT || funct == FPU_RECIP || funct == FPU_RSQRT) {
            if (!fpu_nan2_d(a, funct <= FPU_DIV ? b : a, &r, &x)) {
                r = fpu_arith_d(funct, a, b, &x);
            }
        } else if (funct == FPU_CVT_S) {
            if (fpu_nan_d(a)) {
                x |= fpu_snan_d(a) ? FP_X_V : 0;
                r = DNAN_S;
            } else {
                r = sse_cvt_s_d(a);
            }
        } else if (funct == FPU_CVT_W || (funct >= FPU_ROUND_W && funct <= FPU_FLOOR_W)) {
            r = fpu_to_int(true, false, a, &x);
        } else if (funct == FPU_CVT_L || (funct >= FPU_ROUND_L && funct <= FPU_FLOOR_L)) {
            r = fpu_to_int(true, true, a, &x);
        } else {
            x |= FP_X_E;
        }
        break;
    case FPU_FMT_W:
        if (funct == FPU_CVT_S) {
            r = sse_cvt_s_w((int32_t)a);
        } else if (funct == FPU_CVT_D) {
            r = sse_cvt_d_w((int32_t)a);
        } else {
            x |= FP_X_E;
        }
        break;
    case FPU_FMT_L:
        if (funct == FPU_CVT_S) {
            r = sse_cvt_s_l((int64_t)a);
        } else if (funct == FPU_CVT_D) {
            r = sse_cvt_d_l((int64_t)a);
        } else {
            x |= FP_X_E;
        }
        break;
    default:
        x |= FP_X_E;
        break;
    }
    x |= fpu_host_leave(&h);
    *xp |= x;
    return r;
}


/*
 * The fast path, for the usual FCSR (RM = nearest, FS = 0) and ordinary operands:
 * the host computes with its own MXCSR, which is round-to-nearest with exceptions
 * masked (checked; the slow path always puts the host's value back), and
 * exactness, the only condition these cases can raise, is checked arithmetically
 * instead of by reading and clearing MXCSR flags (LDMXCSR twice per operation cost
 * more than the operation; the flags the host computation leaves in MXCSR are never
 * read).
 * Anything near overflow or underflow, zero divisors, infinities, negative square
 * roots and the like go to the slow path: it returns false for them.
 *
 *  - double a + b: Knuth's TwoSum gives the rounding error exactly (no overflow
 *    possible below 2^1022); inexact iff it is non-zero.
 *  - double a * b, a / b, sqrt: Dekker's product (Veltkamp splitting) gives the
 *    exact error of a product when exponents stay well inside the range; a / b is
 *    exact iff q * b == a exactly, sqrt(a) iff r * r == a.
 *  - single: the operands are exact doubles; the double operation then rounding to
 *    single is correctly rounded (double carries more than 2p + 2 bits: Figueroa,
 *    "When is double rounding innocuous?", 1995); exactness is checked in double,
 *    where products of singles are exact.
 */
static inline double fpu_d(uint64_t u)
{
    double d;

    memcpy(&d, &u, 8);
    return d;
}

static inline uint64_t fpu_du(double d)
{
    uint64_t u;

    memcpy(&u, &d, 8);
    return u;
}

static inline double fpu_sd(uint32_t u)
{
    float f;

    memcpy(&f, &u, 4);
    return f;
}

static inline uint32_t fpu_su(float f)
{
    uint32_t u;

    memcpy(&u, &f, 4);
    return u;
}

/* Biased exponent of a double. */
static inline unsigned fpu_exp_d(uint64_t u)
{
    return (u >> 52) & 0x7ff;
}

/* Within 2^-450 .. 2^450, where Dekker's product of two such values is exact. */
static inline bool fpu_dekker_ok(uint64_t u)
{
    unsigned e = fpu_exp_d(u);

    return e >= 1023 - 450 && e <= 1023 + 449;
}

/* The exact error p - a * b of p = fl(a * b) (a, b, p as fpu_dekker_ok allows). */
static inline double fpu_prod_err(double a, double b, double p)
{
    const double split = 134217729.0;      /* 2^27 + 1 */
    double t, ah, al, bh, bl;

    t = split * a;
    ah = t - (t - a);
    al = a - ah;
    t = split * b;
    bh = t - (t - b);
    bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/* Is the single result r (rounded from the double d) clear of overflow and
 * underflow: 2^-125 <= |d| < 2^127, or an exact zero? */
static inline bool fpu_s_range_ok(double d)
{
    double m = __builtin_fabs(d);

    return d == 0.0 || (m >= 0x1p-125 && m < 0x1p127);
}

/* The host's MXCSR controls are the defaults the fast path assumes: round to
 * nearest, exceptions masked, no flush-to-zero or denormals-are-zero (reading
 * MXCSR is cheap; it is loading it that stalls). */
static inline bool fpu_host_is_default(void)
{
    uint32_t m;

    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return (m & ~0x3fu) == MXCSR_MASKS;
}

static bool fpu_fast_d(unsigned funct, uint64_t ua, uint64_t ub, uint64_t *r,
                       uint32_t *x)
{
    double a = fpu_d(ua), b = fpu_d(ub), q, p;
    bool a0 = (ua << 1) == 0, b0 = (ub << 1) == 0;

    switch (funct) {
    case FPU_SUB:
        b = -b;
        /* fall through */
    case FPU_ADD: {
        double s, bb, err;
        if (fpu_exp_d(ua) > 0x7fc || fpu_exp_d(ub) > 0x7fc) {
            return false;
        }
        s = a + b;
        bb = s - a;
        err = (a - (s - bb)) + (b - bb);
        *r = fpu_du(s);
        *x |= err != 0.0 ? FP_X_I : 0;
        return true;
    }
    case FPU_MUL:
        if ((!a0 && !fpu_dekker_ok(ua)) || (!b0 && !fpu_dekker_ok(ub))) {
            return false;
        }
        p = a * b;
        *r = fpu_du(p);
        *x |= (!a0 && !b0 && fpu_prod_err(a, b, p) != 0.0) ? FP_X_I : 0;
        return true;
    case FPU_DIV:
        if ((!a0 && !fpu_dekker_ok(ua)) || !fpu_dekker_ok(ub)) {
            return false;
        }
        q = a / b;
        *r = fpu_du(q);
        if (!a0) {
            p = q * b;
            *x |= (p != a || fpu_prod_err(q, b, p) != 0.0) ? FP_X_I : 0;
        }
        return true;
    case FPU_SQRT:
        if (a0) {
            *r = ua;                /* sqrt(+-0) = +-0 */
            return true;
        }
        if ((ua >> 63) || !fpu_dekker_ok(ua)) {
            return false;
        }
        q = __builtin_sqrt(a);
        *r = fpu_du(q);
        p = q * q;
        *x |= (p != a || fpu_prod_err(q, q, p) != 0.0) ? FP_X_I : 0;
        return true;
    case FPU_CVT_S:
        if (fpu_exp_d(ua) == 0x7ff) {
            return false;
        }
        q = (double)(float)a;
        if (!fpu_s_range_ok(q) || !fpu_s_range_ok(a)) {
            return false;
        }
        *r = fpu_su((float)a);
        *x |= q != a ? FP_X_I : 0;
        return true;
    case FPU_TRUNC_W:
        if (!(__builtin_fabs(a) < 0x1p30)) {
            return false;           /* also NaN */
        }
        *r = (uint32_t)(int32_t)a;
        *x |= (double)(int32_t)a != a ? FP_X_I : 0;
        return true;
    default:
        return false;
    }
}

static bool fpu_fast_s(unsigned funct, uint32_t ua, uint32_t ub, uint64_t *r,
                       uint32_t *x)
{
    double a = fpu_sd(ua), b = fpu_sd(ub), d, bb, err;
    float f;

    /* Infinities and NaNs: slow path. */
    if ((ua & 0x7f800000u) == 0x7f800000u ||
        ((ub & 0x7f800000u) == 0x7f800000u && funct <= FPU_DIV)) {
        return false;
    }
    switch (funct) {
    case FPU_SUB:
        b = -b;
        /* fall through */
    case FPU_ADD:
        d = a + b;
        bb = d - a;
        err = (a - (d - bb)) + (b - bb);
        if (!fpu_s_range_ok(d)) {
            return false;
        }
        f = (float)d;
        *r = fpu_su(f);
        *x |= (err != 0.0 || (double)f != d) ? FP_X_I : 0;
        return true;
    case FPU_MUL:
        d = a * b;                  /* exact */
        if (!fpu_s_range_ok(d)) {
            return false;
        }
        f = (float)d;
        *r = fpu_su(f);
        *x |= (double)f != d ? FP_X_I : 0;
        return true;
    case FPU_DIV:
        if (b == 0.0) {
            return false;
        }
        d = a / b;
        if (!fpu_s_range_ok(d)) {
            return false;
        }
        f = (float)d;
        *r = fpu_su(f);
        *x |= (double)f * b != a ? FP_X_I : 0;
        return true;
    case FPU_SQRT:
        if (a < 0.0) {
            return false;
        }
        f = (float)__builtin_sqrt(a);
        *r = a == 0.0 ? ua : fpu_su(f);
        *x |= (double)f * (double)f != a ? FP_X_I : 0;
        return true;
    case FPU_CVT_D:
        *r = fpu_du(a);             /* exact, also for denormals */
        return true;
    case FPU_TRUNC_W:
        if (!(__builtin_fabs(a) < 0x1p30)) {
            return false;
        }
        *r = (uint32_t)(int32_t)a;
        *x |= (double)(int32_t)a != a ? FP_X_I : 0;
        return true;
    default:
        return false;
    }
}

uint64_t mips_fpu_compute(uint32_t fcsr, uint64_t a, uint64_t b, uint32_t op,
                          uint32_t *x, bool fast)
{
    unsigned fmt = op >> 6, funct = op & 63;
    uint64_t r;

    if (fast && !(fcsr & (FCSR_RM | FCSR_FS)) && fpu_host_is_default()) {
        switch (fmt) {
        case FPU_FMT_D:
            if (fpu_fast_d(funct, a, b, &r, x)) {
                return r;
            }
            break;
        case FPU_FMT_S:
            if (fpu_fast_s(funct, (uint32_t)a, (uint32_t)b, &r, x)) {
                return r;
            }
            break;
        case FPU_FMT_W:
            /* Exact to double; to single when the value survives the trip. */
            if (funct == FPU_CVT_D) {
                return fpu_du((double)(int32_t)a);
            }
            if (funct == FPU_CVT_S) {
                float f = (float)(int32_t)a;
                *x |= (double)f != (double)(int32_t)a ? FP_X_I : 0;
                return fpu_su(f);
            }
            break;
        default:
            break;
        }
    }
    return fpu_slow(fcsr, fmt, funct, a, b, x);
}

uint64_t helper_mips_fpu(CPUMIPSState *env, uint64_t a, uint64_t b, uint32_t op)
{
    uint32_t x = 0;
    uint64_t r = mips_fpu_compute(env->fcr31, a, b, op, &x, true);

    mips_fpu_commit(env, x, GETPC());
    return r;
}

/*
 * COP1X MADD/MSUB/NMADD/NMSUB: fd = +-(fs * ft +- fr), rounded after the multiply
 * and after the add. op: the COP1X funct (bits 5:3 the operation, 2:0 the format).
 */
uint64_t helper_mips_fpu3(CPUMIPSState *env, uint64_t fs, uint64_t ft, uint64_t fr,
                          uint32_t op)
{
    unsigned fmt = (op & 7) == 1 ? FPU_FMT_D : FPU_FMT_S;
    bool sub = (op & 8) != 0, neg = (op & 0x10) != 0;
    uint32_t x = 0;
    uint64_t p, r;

    p = mips_fpu_compute(env->fcr31, fs, ft, (fmt << 6) | FPU_MUL, &x, true);
    r = mips_fpu_compute(env->fcr31, p, fr, (fmt << 6) | (sub ? FPU_SUB : FPU_ADD), &x,
                         true);
    if (neg) {
        r ^= fmt == FPU_FMT_D ? 1ull << 63 : 1ull << 31;
    }
    mips_fpu_commit(env, x, GETPC());
    return r;
}

static inline uint32_t fpu_fcc_bit(unsigned cc)
{
    return cc ? 1u << (24 + cc) : FCSR_FCC0;
}

/*
 * C.cond.fmt: op = cc << 8 | fmt-is-double << 4 | cond. cond bit 0: true if
 * unordered, bit 1: if equal, bit 2: if less; bit 3: any NaN is Invalid (else only
 * a signaling NaN).
 */
void helper_mips_fpu_cmp(CPUMIPSState *env, uint64_t a, uint64_t b, uint32_t op)
{
    unsigned cond = op & 15, cc = (op >> 8) & 7;
    bool dbl = (op & 0x10) != 0, unordered, res;
    uint32_t x = 0;

    if (dbl) {
        unordered = fpu_nan_d(a) || fpu_nan_d(b);
        if (unordered && ((cond & 8) || fpu_snan_d(a) || fpu_snan_d(b))) {
            x = FP_X_V;
        }
    } else {
        unordered = fpu_nan_s((uint32_t)a) || fpu_nan_s((uint32_t)b);
        if (unordered && ((cond & 8) || fpu_snan_s((uint32_t)a) ||
                          fpu_snan_s((uint32_t)b))) {
            x = FP_X_V;
        }
    }
    if (unordered) {
        res = cond & 1;
    } else {
        double da, db;
        if (dbl) {
            memcpy(&da, &a, 8);
            memcpy(&db, &b, 8);
        } else {
            float fa, fb;
            uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
            memcpy(&fa, &a32, 4);
            memcpy(&fb, &b32, 4);
            da = fa;
            db = fb;
        }
        res = ((cond & 2) && da == db) || ((cond & 4) && da < db);
    }
    mips_fpu_commit(env, x, GETPC());
    if (res) {
        env->fcr31 |= fpu_fcc_bit(cc);
    } else {
        env->fcr31 &= ~fpu_fcc_bit(cc);
    }
}

/* ---- control registers ---- */

uint32_t mips_fpu_cfc1(CPUMIPSState *env, int reg)
{
    uint32_t f = env->fcr31;

    switch (reg) {
    case 0:
        return env->fcr0;
    case 25:    /* FCCR: FCC7..0 */
        return ((f >> 24) & 0xfeu) | ((f >> 23) & 1u);
    case 26:    /* FEXR: Cause and Flags */
        return f & (FCSR_CAUSE | FCSR_FLAGS);
    case 28:    /* FENR: Enables, FS (as bit 2), RM */
        return (f & (FCSR_ENABLES | FCSR_RM)) | ((f & FCSR_FS) ? 4u : 0u);
    case 31:
        return f;
    default:
        return 0;
    }
}

bool mips_fpu_ctc1(CPUMIPSState *env, int reg, uint32_t val)
{
    uint32_t f = env->fcr31;

    switch (reg) {
    case 25:
        f = (f & ~(FCSR_FCC0 | FCSR_FCC1_7)) | ((val & 1u) << 23) |
            ((val & 0xfeu) << 24);
        break;
    case 26:
        f = (f & ~(FCSR_CAUSE | FCSR_FLAGS)) | (val & (FCSR_CAUSE | FCSR_FLAGS));
        break;
    case 28:
        f = (f & ~(FCSR_ENABLES | FCSR_RM | FCSR_FS)) | (val & (FCSR_ENABLES | FCSR_RM)) |
            ((val & 4u) ? FCSR_FS : 0u);
        break;
    case 31:
        f = val & FCSR_WMASK;
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "mips: ctc1 to read-only FCR%d ignored\n", reg);
        return false;
    }
    env->fcr31 = f;
    return ((f & FCSR_CAUSE) >> FCSR_CAUSE_SHIFT) &
           (((f & FCSR_ENABLES) >> FCSR_ENABLES_SHIFT) | FP_X_E);
}

uint32_t helper_mips_cfc1(CPUMIPSState *env, uint32_t reg)
{
    return mips_fpu_cfc1(env, reg);
}

/* A CTC1 that leaves an enabled Cause bit set traps at once (the new FCSR stays). */
void helper_mips_ctc1(CPUMIPSState *env, uint32_t val, uint32_t reg)
{
    if (mips_fpu_ctc1(env, reg, val)) {
        mips_raise_exception(env, MIPS_EXCP_FPE, GETPC());
    }
}

void mips_fpu_reset(CPUMIPSState *env)
{
    memset(env->fpr, 0, sizeof(env->fpr));
    env->fcr31 = 0;
    env->fcr0 = (env->model->config1 & CONFIG1_FP) ? env->model->fir : 0;
}

/* FR = 1: the 32 64-bit registers; FR = 0: the 16 doubles (fN holds fN+1:fN). */
void mips_fpu_dump(CPUMIPSState *env, FILE *f)
{
    bool fr = (env->CP0_Status & ST_FR) != 0;
    int step = fr ? 1 : 2;

    fprintf(f, "FPU FIR 0x%08x FCSR 0x%08x FR=%d\n", env->fcr0, env->fcr31, fr);
    for (int i = 0, col = 0; i < 32; i += step, col++) {
        fprintf(f, "%sf%02d %016" PRIx64, (col & 3) ? " " : "", i, env->fpr[i]);
        if ((col & 3) == 3) {
            fprintf(f, "\n");
        }
    }
}
