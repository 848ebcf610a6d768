/*
 * Lazy condition codes: the six arithmetic flags computed from (cc_op, cc_dst,
 * cc_src, cc_src2) when something reads them, plus EFLAGS read/write with the
 * privilege rules of POPF/IRET, and the decimal-adjust instructions.
 *
 * Flag definitions: Intel SDM Vol. 1, 3.4.3 and each instruction's "Flags Affected"
 * in Vol. 2. Where the manual leaves a flag undefined, the value chosen here is
 * documented at the op.
 */
#include "qemu/osdep.h"
#include "internal.h"

uint32_t x86_parity(uint32_t v)
{
    return (__builtin_popcount(v & 0xff) & 1) ? 0 : CC_P;
}

static inline uint32_t cc_mask(int k)
{
    return k == 0 ? 0xffu : k == 1 ? 0xffffu : 0xffffffffu;
}

static inline uint32_t cc_sign(int k)
{
    return k == 0 ? 0x80u : k == 1 ? 0x8000u : 0x80000000u;
}

/* CF = OF of a truncating signed multiply (CC_OP_SMUL*): the product of the
 * sign-extended operands differs from the sign-extended sized result. */
static bool cc_smul_overflow(uint32_t dst, uint32_t a, uint32_t b, int k)
{
    int sh = 32 - (8 << k);
    int64_t p = (int64_t)((int32_t)(a << sh) >> sh) * ((int32_t)(b << sh) >> sh);

    return p != (int32_t)(dst << sh) >> sh;
}

/* ZF, SF and PF of a result. */
static inline uint32_t cc_szp(uint32_t dst, int k)
{
    uint32_t f = x86_parity(dst);

    if ((dst & cc_mask(k)) == 0) {
        f |= CC_Z;
    }
    if (dst & cc_sign(k)) {
        f |= CC_S;
    }
    return f;
}

uint32_t x86_cc_compute_all(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2)
{
    int k;
    uint32_t m, sb, s1, f, src_full = src;

    if (op == CC_OP_EFLAGS || op >= CC_OP_NB) {
        return src & CC_ALL;
    }
    if (op >= CC_OP_CMPB) {
        dst -= src;
        op += CC_OP_SUBB - CC_OP_CMPB;
    }
    k = (op - 1) % 3;
    m = cc_mask(k);
    sb = cc_sign(k);
    dst &= m;
    src &= m;
    f = cc_szp(dst, k);

    switch (op - k) {
    case CC_OP_ADDB:
    case CC_OP_ADCB: {
        uint32_t cin = (op - k == CC_OP_ADCB) ? (src2 & 1) : 0;

        s1 = (dst - src - cin) & m;
        if (cin ? dst <= src : dst < src) {
            f |= CC_C;
        }
        if ((~(s1 ^ src) & (s1 ^ dst)) & sb) {
            f |= CC_O;
        }
        f |= (s1 ^ src ^ dst) & CC_A;
        break;
    }
    case CC_OP_SUBB:
    case CC_OP_SBBB: {
        uint32_t bin = (op - k == CC_OP_SBBB) ? (src2 & 1) : 0;

        s1 = (dst + src + bin) & m;
        if (bin ? s1 <= src : s1 < src) {
            f |= CC_C;
        }
        if (((s1 ^ src) & (s1 ^ dst)) & sb) {
            f |= CC_O;
        }
        f |= (s1 ^ src ^ dst) & CC_A;
        break;
    }
    case CC_OP_LOGICB:
        /* AF is undefined after logic ops; real parts leave it clear. */
        break;
    case CC_OP_INCB:
        f |= src & CC_C;
        if (dst == sb) {
            f |= CC_O;
        }
        if ((dst & 0xf) == 0) {
            f |= CC_A;
        }
        break;
    case CC_OP_DECB:
        f |= src & CC_C;
        if (dst == sb - 1) {
            f |= CC_O;
        }
        if ((dst & 0xf) == 0xf) {
            f |= CC_A;
        }
        break;
    case CC_OP_SHLB:
        /* src is the operand shifted by count-1: its top bit is the last bit out. */
        if (src & sb) {
            f |= CC_C;
        }
        if ((src ^ dst) & sb) {
            f |= CC_O;
        }
        break;
    case CC_OP_SARB:
        /* src is the operand shifted by count-1: its low bit is the last bit out.
         * OF: for a count of 1 the top bit changed only for SHR (it is the old top bit). */
        f |= src & CC_C;
        if ((src ^ dst) & sb) {
            f |= CC_O;
        }
        break;
    case CC_OP_MULB:
        if (src_full) {
            f |= CC_C | CC_O;
        }
        break;
    case CC_OP_SMULB:
        if (cc_smul_overflow(dst, src_full, src2, k)) {
            f |= CC_C | CC_O;
        }
        break;
    default:
        break;
    }
    return f;
}

/* Only the carry: the same rules as x86_cc_compute_all without the parity, sign and
 * zero work. */
static uint32_t x86_cc_compute_c(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2)
{
    int k;
    uint32_t m;

    if (op == CC_OP_EFLAGS || op >= CC_OP_NB) {
        return src & CC_C;
    }
    if (op >= CC_OP_CMPB) {
        dst -= src;
        op += CC_OP_SUBB - CC_OP_CMPB;
    }
    k = (op - 1) % 3;
    m = cc_mask(k);
    switch (op - k) {
    case CC_OP_ADDB:
        return (dst & m) < (src & m) ? CC_C : 0;
    case CC_OP_ADCB:
        return ((src2 & 1) ? (dst & m) <= (src & m) : (dst & m) < (src & m)) ? CC_C : 0;
    case CC_OP_SUBB:
    case CC_OP_SBBB: {
        uint32_t bin = (op - k == CC_OP_SBBB) ? (src2 & 1) : 0;
        uint32_t s1 = (dst + src + bin) & m;
        return (bin ? s1 <= (src & m) : s1 < (src & m)) ? CC_C : 0;
    }
    case CC_OP_INCB:
    case CC_OP_DECB:
    case CC_OP_SARB:
        return src & CC_C;
    case CC_OP_SHLB:
        return (src & cc_sign(k)) ? CC_C : 0;
    case CC_OP_MULB:
        return src ? CC_C : 0;
    case CC_OP_SMULB:
        return cc_smul_overflow(dst, src, src2, k) ? CC_C : 0;
    default:
        return 0;    /* LOGIC */
    }
}

/* The INC/DEC op of a CC_OP_LAZY op (k = 0-5), and the CF of the op it kept. */
static uint32_t x86_cc_lazy_incdec(uint32_t op)
{
    uint32_t k = MIN(op & 7, 5u);

    return k < 3 ? CC_OP_INCB + k : CC_OP_DECB + (k - 3);
}

static uint32_t x86_cc_lazy_cf(uint32_t op, uint32_t src, uint32_t src2, uint32_t lazy)
{
    return x86_cc_compute_c((op - CC_OP_LAZY) >> 3, lazy, src, src2);
}

uint32_t x86_cc_compute_ext(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2,
                            uint32_t lazy)
{
    if (op >= CC_OP_LAZY && op < CC_OP_LAZY_END) {
        return x86_cc_compute_all(x86_cc_lazy_incdec(op), dst,
                                  x86_cc_lazy_cf(op, src, src2, lazy), 0);
    }
    return x86_cc_compute_all(op, dst, src, src2);
}

uint32_t x86_cc_flags(const CPUX86State *env)
{
    return x86_cc_compute_ext(env->cc_op, env->cc_dst, env->cc_src, env->cc_src2,
                              env->cc_lazy);
}

uint32_t helper_x86_cc_all(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2,
                           uint32_t lazy)
{
    return x86_cc_compute_ext(op, dst, src, src2, lazy);
}

/* Only the carry (JB/JAE, ADC/SBB, RCL/RCR after an op not known at translation). */
uint32_t helper_x86_cc_c(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2,
                         uint32_t lazy)
{
    if (op >= CC_OP_LAZY && op < CC_OP_LAZY_END) {
        return x86_cc_lazy_cf(op, src, src2, lazy);
    }
    return x86_cc_compute_c(op, dst, src, src2);
}

uint32_t helper_x86_read_eflags(CPUX86State *env)
{
    /* RF and VM read as 0 through PUSHF. */
    return x86_cpu_get_eflags(env) & ~(RF_MASK | VM_MASK);
}

/* Write the bits of mask (the translator picks it by CPL/IOPL/VM and operand size). */
void helper_x86_write_eflags(CPUX86State *env, uint32_t val, uint32_t mask)
{
    uint32_t cur = x86_cpu_get_eflags(env);

    x86_cpu_set_eflags(env, (cur & ~mask) | (val & mask));
}

static void x86_set_arith_flags(CPUX86State *env, uint32_t f)
{
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = f & CC_ALL;
}

static uint32_t x86_get_arith_flags(CPUX86State *env)
{
    return x86_cc_flags(env);
}

/* DAA / DAS: the algorithms of the SDM Vol. 2 pseudo-code, on AL. OF is undefined:
 * computed here as the signed overflow of the whole adjustment, as hardware does. */
void helper_x86_daa(CPUX86State *env)
{
    uint32_t f = x86_get_arith_flags(env);
    uint32_t al = env->regs[R_EAX] & 0xff, old_al = al;
    bool old_cf = f & CC_C;
    uint32_t nf = 0;

    if ((al & 0xf) > 9 || (f & CC_A)) {
        al += 6;
        nf |= CC_A;
    }
    if (old_al > 0x99 || old_cf) {
        al += 0x60;
        nf |= CC_C;
    }
    al &= 0xff;
    nf |= cc_szp(al, 0);
    if ((~old_al & al) & 0x80) {
        nf |= CC_O;
    }
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffu) | al;
    x86_set_arith_flags(env, nf);
}

void helper_x86_das(CPUX86State *env)
{
    uint32_t f = x86_get_arith_flags(env);
    uint32_t al = env->regs[R_EAX] & 0xff, old_al = al;
    bool old_cf = f & CC_C;
    uint32_t nf = 0;

    if ((al & 0xf) > 9 || (f & CC_A)) {
        al -= 6;
        nf |= CC_A;
    }
    if (old_al > 0x99 || old_cf) {
        al -= 0x60;
        nf |= CC_C;
    }
    al &= 0xff;
    nf |= cc_szp(al, 0);
    if ((old_al & ~al) & 0x80) {
        nf |= CC_O;
    }
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffu) | al;
    x86_set_arith_flags(env, nf);
}

/* AAA / AAS: OF, SF, ZF, PF are undefined; computed from the resulting AL. */
void helper_x86_aaa(CPUX86State *env)
{
    uint32_t f = x86_get_arith_flags(env);
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    uint32_t nf = 0;

    if ((ax & 0xf) > 9 || (f & CC_A)) {
        ax = (ax + 0x106) & 0xffff;
        nf = CC_A | CC_C;
    }
    ax &= 0xff0f;
    nf |= cc_szp(ax & 0xff, 0);
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | ax;
    x86_set_arith_flags(env, nf);
}

void helper_x86_aas(CPUX86State *env)
{
    uint32_t f = x86_get_arith_flags(env);
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    uint32_t nf = 0;

    if ((ax & 0xf) > 9 || (f & CC_A)) {
        /* A 16-bit subtract (AL's borrow reaches AH), then AH is decremented. */
        ax = (ax - 6) & 0xffff;
        ax = (ax - 0x100) & 0xffff;
        nf = CC_A | CC_C;
    }
    ax &= 0xff0f;
    nf |= cc_szp(ax & 0xff, 0);
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | ax;
    x86_set_arith_flags(env, nf);
}

/* AAM with base 0 raises #DE in the translator before getting here. */
void helper_x86_aam(CPUX86State *env, uint32_t base)
{
    uint32_t al = env->regs[R_EAX] & 0xff;
    uint32_t ah = al / base;

    al %= base;
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | (ah << 8) | al;
    x86_set_arith_flags(env, cc_szp(al, 0));
}

void helper_x86_aad(CPUX86State *env, uint32_t base)
{
    uint32_t al = env->regs[R_EAX] & 0xff;
    uint32_t ah = (env->regs[R_EAX] >> 8) & 0xff;
    uint32_t r = (al + ah * base) & 0xff;
    uint32_t nf = cc_szp(r, 0);

    /* CF/OF/AF are undefined; they follow the 8-bit add al + ah*base on hardware. */
    uint32_t b = (ah * base) & 0xff;
    if (r < al) {
        nf |= CC_C;
    }
    if ((~(al ^ b) & (al ^ r)) & 0x80) {
        nf |= CC_O;
    }
    nf |= (al ^ b ^ r) & CC_A;
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | r;
    x86_set_arith_flags(env, nf);
}
