/*
 * i386 SSE2 (the Pentium 4 set, 32-bit): packed/scalar double precision, 128-bit
 * integer SIMD on XMM registers, the conversions, and CLFLUSH/LFENCE/MFENCE/MOVNTI
 * (Intel SDM Vol. 1 ch. 11, Vol. 2). Same exactness argument as sse_helper.c: each
 * arithmetic or conversion insn runs as the very same host SSE2 instruction with the
 * guest's MXCSR (exceptions masked on the host, flags merged back, unmasked ones
 * raising #XM/#UD before anything is written). Shuffles, moves and byte shifts are
 * plain data movement done in C.
 */
#include "qemu/osdep.h"
#include "internal.h"

enum { P_NONE, P_66, P_F3, P_F2 };

typedef struct SSE2Args {
    CPUX86State *env;
    unsigned op, pfx, imm;
    bool is_mem;
    int reg, rm;
    uint32_t addr;
    int mmu;
    uintptr_t ra;
} SSE2Args;

static void s2_flags(SSE2Args *a, uint32_t out)
{
    CPUX86State *env = a->env;
    uint32_t f = out & 0x3f;

    if (f & ~(env->mxcsr >> 7) & 0x3f) {
        env->mxcsr |= f;
        x86_raise_exception(env, (env->cr[4] & CR4_OSXMMEXCPT) ? EXCP13_XMM : EXCP06_ILLOP,
                            a->ra);
    }
    env->mxcsr |= f;
}

/* Source operand of width bytes (4, 8 or 16) from xmm(rm) or memory, zero-filled. */
static void s2_src(SSE2Args *a, X86XMMReg *v, int width, bool aligned)
{
    CPUState *cs = &a->env->cs;

    if (!a->is_mem) {
        *v = a->env->xmm[a->rm];
        return;
    }
    memset(v, 0, sizeof(*v));
    if (width == 16 && aligned && (a->addr & 15)) {
        x86_raise_exception_err(a->env, EXCP0D_GPF, 0, a->ra);
    }
    if (width == 4) {
        v->l[0] = cpu_ldl_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
    } else {
        v->q[0] = cpu_ldq_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
        if (width == 16) {
            v->q[1] = cpu_ldq_mmuidx_ra(cs, a->addr + 8, a->mmu, a->ra);
        }
    }
}

static void s2_st128(SSE2Args *a, const X86XMMReg *v, bool aligned)
{
    if (aligned && (a->addr & 15)) {
        x86_raise_exception_err(a->env, EXCP0D_GPF, 0, a->ra);
    }
    cpu_stq_mmuidx_ra(&a->env->cs, a->addr + 8, v->q[1], a->mmu, a->ra);
    cpu_stq_mmuidx_ra(&a->env->cs, a->addr, v->q[0], a->mmu, a->ra);
}

static void s2_mmx_transition(CPUX86State *env)
{
    env->fpstt = 0;
    memset(env->fptags, 0, sizeof(env->fptags));
}

#define S2_BEGIN                                                              \
    uint32_t s2_g_ = (a->env->mxcsr & ~0x40u) | 0x1f80u, s2_h_, s2_o_
#define S2_OP(INSN)                                                           \
    __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[g]\n\tmovups %[d], %%xmm0\n\t" \
                     "movups %[s], %%xmm1\n\t" INSN " %%xmm1, %%xmm0\n\t"      \
                     "movups %%xmm0, %[d]\n\tstmxcsr %[o]\n\tldmxcsr %[h]"     \
                     : [d] "+m"(r), [h] "=m"(s2_h_), [o] "=m"(s2_o_)           \
                     : [s] "m"(s), [g] "m"(s2_g_) : "xmm0", "xmm1")

/* The 66-prefixed integer ops: the same host instruction on 128-bit values. */
static bool s2_int_op(SSE2Args *a)
{
    X86XMMReg r = a->env->xmm[a->reg], s;
    S2_BEGIN;

    s2_src(a, &s, 16, true);
    switch (a->op) {
    case 0x60: S2_OP("punpcklbw"); break;
    case 0x61: S2_OP("punpcklwd"); break;
    case 0x62: S2_OP("punpckldq"); break;
    case 0x63: S2_OP("packsswb"); break;
    case 0x64: S2_OP("pcmpgtb"); break;
    case 0x65: S2_OP("pcmpgtw"); break;
    case 0x66: S2_OP("pcmpgtd"); break;
    case 0x67: S2_OP("packuswb"); break;
    case 0x68: S2_OP("punpckhbw"); break;
    case 0x69: S2_OP("punpckhwd"); break;
    case 0x6a: S2_OP("punpckhdq"); break;
    case 0x6b: S2_OP("packssdw"); break;
    case 0x6c: S2_OP("punpcklqdq"); break;
    case 0x6d: S2_OP("punpckhqdq"); break;
    case 0x74: S2_OP("pcmpeqb"); break;
    case 0x75: S2_OP("pcmpeqw"); break;
    case 0x76: S2_OP("pcmpeqd"); break;
    case 0xd1: S2_OP("psrlw"); break;
    case 0xd2: S2_OP("psrld"); break;
    case 0xd3: S2_OP("psrlq"); break;
    case 0xd4: S2_OP("paddq"); break;
    case 0xd5: S2_OP("pmullw"); break;
    case 0xd8: S2_OP("psubusb"); break;
    case 0xd9: S2_OP("psubusw"); break;
    case 0xda: S2_OP("pminub"); break;
    case 0xdb: S2_OP("pand"); break;
    case 0xdc: S2_OP("paddusb"); break;
    case 0xdd: S2_OP("paddusw"); break;
    case 0xde: S2_OP("pmaxub"); break;
    case 0xdf: S2_OP("pandn"); break;
    case 0xe0: S2_OP("pavgb"); break;
    case 0xe1: S2_OP("psraw"); break;
    case 0xe2: S2_OP("psrad"); break;
    case 0xe3: S2_OP("pavgw"); break;
    case 0xe4: S2_OP("pmulhuw"); break;
    case 0xe5: S2_OP("pmulhw"); break;
    case 0xe8: S2_OP("psubsb"); break;
    case 0xe9: S2_OP("psubsw"); break;
    case 0xea: S2_OP("pminsw"); break;
    case 0xeb: S2_OP("por"); break;
    case 0xec: S2_OP("paddsb"); break;
    case 0xed: S2_OP("paddsw"); break;
    case 0xee: S2_OP("pmaxsw"); break;
    case 0xef: S2_OP("pxor"); break;
    case 0xf1: S2_OP("psllw"); break;
    case 0xf2: S2_OP("pslld"); break;
    case 0xf3: S2_OP("psllq"); break;
    case 0xf4: S2_OP("pmuludq"); break;
    case 0xf5: S2_OP("pmaddwd"); break;
    case 0xf6: S2_OP("psadbw"); break;
    case 0xf8: S2_OP("psubb"); break;
    case 0xf9: S2_OP("psubw"); break;
    case 0xfa: S2_OP("psubd"); break;
    case 0xfb: S2_OP("psubq"); break;
    case 0xfc: S2_OP("paddb"); break;
    case 0xfd: S2_OP("paddw"); break;
    case 0xfe: S2_OP("paddd"); break;
    default:
        return false;
    }
    (void)s2_o_;
    a->env->xmm[a->reg] = r;
    return true;
}

/* Double-precision arithmetic (66: packed, F2: scalar) and the logic ops. */
static bool s2_fp_op(SSE2Args *a)
{
    X86XMMReg r = a->env->xmm[a->reg], s;
    bool sd = a->pfx == P_F2;
    S2_BEGIN;

    s2_src(a, &s, sd ? 8 : 16, true);
    switch ((a->op << 1) | sd) {
    case 0x51 << 1: S2_OP("sqrtpd"); break;
    case (0x51 << 1) | 1: S2_OP("sqrtsd"); break;
    case 0x58 << 1: S2_OP("addpd"); break;
    case (0x58 << 1) | 1: S2_OP("addsd"); break;
    case 0x59 << 1: S2_OP("mulpd"); break;
    case (0x59 << 1) | 1: S2_OP("mulsd"); break;
    case 0x5c << 1: S2_OP("subpd"); break;
    case (0x5c << 1) | 1: S2_OP("subsd"); break;
    case 0x5d << 1: S2_OP("minpd"); break;
    case (0x5d << 1) | 1: S2_OP("minsd"); break;
    case 0x5e << 1: S2_OP("divpd"); break;
    case (0x5e << 1) | 1: S2_OP("divsd"); break;
    case 0x5f << 1: S2_OP("maxpd"); break;
    case (0x5f << 1) | 1: S2_OP("maxsd"); break;
    case 0x54 << 1: S2_OP("andpd"); break;
    case 0x55 << 1: S2_OP("andnpd"); break;
    case 0x56 << 1: S2_OP("orpd"); break;
    case 0x57 << 1: S2_OP("xorpd"); break;
    case 0x14 << 1: S2_OP("unpcklpd"); break;
    case 0x15 << 1: S2_OP("unpckhpd"); break;
    case 0xc2 << 1:
    case (0xc2 << 1) | 1:
        switch (((a->imm & 7) << 1) | sd) {
        case 0: S2_OP("cmpeqpd"); break;
        case 1: S2_OP("cmpeqsd"); break;
        case 2: S2_OP("cmpltpd"); break;
        case 3: S2_OP("cmpltsd"); break;
        case 4: S2_OP("cmplepd"); break;
        case 5: S2_OP("cmplesd"); break;
        case 6: S2_OP("cmpunordpd"); break;
        case 7: S2_OP("cmpunordsd"); break;
        case 8: S2_OP("cmpneqpd"); break;
        case 9: S2_OP("cmpneqsd"); break;
        case 10: S2_OP("cmpnltpd"); break;
        case 11: S2_OP("cmpnltsd"); break;
        case 12: S2_OP("cmpnlepd"); break;
        case 13: S2_OP("cmpnlesd"); break;
        case 14: S2_OP("cmpordpd"); break;
        default: S2_OP("cmpordsd"); break;
        }
        break;
    default:
        return false;
    }
    s2_flags(a, s2_o_);
    a->env->xmm[a->reg] = r;
    return true;
}

/* Conversions whose destination is an XMM register. */
static bool s2_cvt_to_xmm(SSE2Args *a)
{
    X86XMMReg r = a->env->xmm[a->reg], s;
    S2_BEGIN;

    switch ((a->op << 2) | a->pfx) {
    case (0x5a << 2) | P_NONE:
        s2_src(a, &s, 8, false);
        S2_OP("cvtps2pd");
        break;
    case (0x5a << 2) | P_66:
        s2_src(a, &s, 16, true);
        S2_OP("cvtpd2ps");
        break;
    case (0x5a << 2) | P_F3:
        s2_src(a, &s, 4, false);
        S2_OP("cvtss2sd");
        break;
    case (0x5a << 2) | P_F2:
        s2_src(a, &s, 8, false);
        S2_OP("cvtsd2ss");
        break;
    case (0x5b << 2) | P_NONE:
        s2_src(a, &s, 16, true);
        S2_OP("cvtdq2ps");
        break;
    case (0x5b << 2) | P_66:
        s2_src(a, &s, 16, true);
        S2_OP("cvtps2dq");
        break;
    case (0x5b << 2) | P_F3:
        s2_src(a, &s, 16, true);
        S2_OP("cvttps2dq");
        break;
    case (0xe6 << 2) | P_66:
        s2_src(a, &s, 16, true);
        S2_OP("cvttpd2dq");
        break;
    case (0xe6 << 2) | P_F2:
        s2_src(a, &s, 16, true);
        S2_OP("cvtpd2dq");
        break;
    case (0xe6 << 2) | P_F3:
        s2_src(a, &s, 8, false);
        S2_OP("cvtdq2pd");
        break;
    case (0x2a << 2) | P_66:
        /* CVTPI2PD xmm, mm/m64 */
        memset(&s, 0, sizeof(s));
        if (a->is_mem) {
            s.q[0] = cpu_ldq_mmuidx_ra(&a->env->cs, a->addr, a->mmu, a->ra);
        } else {
            s.q[0] = a->env->fpregs[a->rm].mant;
            s2_mmx_transition(a->env);
        }
        S2_OP("cvtdq2pd");
        break;
    case (0x2a << 2) | P_F2: {
        uint32_t i = a->is_mem ? cpu_ldl_mmuidx_ra(&a->env->cs, a->addr, a->mmu, a->ra)
                               : a->env->regs[a->rm];

        __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[g]\n\tmovups %[d], %%xmm0\n\t"
                         "cvtsi2sd %[i], %%xmm0\n\tmovups %%xmm0, %[d]\n\t"
                         "stmxcsr %[o]\n\tldmxcsr %[h]"
                         : [d] "+m"(r), [h] "=m"(s2_h_), [o] "=m"(s2_o_)
                         : [i] "r"(i), [g] "m"(s2_g_) : "xmm0");
        break;
    }
    default:
        return false;
    }
    s2_flags(a, s2_o_);
    a->env->xmm[a->reg] = r;
    return true;
}

/* CVT(T)SD2SI r32 and CVT(T)PD2PI mm. */
static bool s2_cvt_to_int(SSE2Args *a)
{
    CPUX86State *env = a->env;
    X86XMMReg s, r;
    bool trunc = a->op == 0x2c;
    S2_BEGIN;

    if (a->pfx == P_F2) {
        uint32_t i;

        s2_src(a, &s, 8, false);
        if (trunc) {
            __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[g]\n\tcvttsd2si %[s], %[i]\n\t"
                             "stmxcsr %[o]\n\tldmxcsr %[h]"
                             : [i] "=r"(i), [h] "=m"(s2_h_), [o] "=m"(s2_o_)
                             : [s] "m"(s.q[0]), [g] "m"(s2_g_));
        } else {
            __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[g]\n\tcvtsd2si %[s], %[i]\n\t"
                             "stmxcsr %[o]\n\tldmxcsr %[h]"
                             : [i] "=r"(i), [h] "=m"(s2_h_), [o] "=m"(s2_o_)
                             : [s] "m"(s.q[0]), [g] "m"(s2_g_));
        }
        s2_flags(a, s2_o_);
        env->regs[a->reg] = i;
        return true;
    }
    if (a->pfx != P_66) {
        return false;
    }
    s2_src(a, &s, 16, true);
    memset(&r, 0, sizeof(r));
    if (trunc) {
        S2_OP("cvttpd2dq");
    } else {
        S2_OP("cvtpd2dq");
    }
    s2_flags(a, s2_o_);
    s2_mmx_transition(env);
    env->fpregs[a->reg].mant = r.q[0];
    env->fpregs[a->reg].sexp = 0xffff;
    return true;
}

static void s2_comi(SSE2Args *a)
{
    X86XMMReg d = a->env->xmm[a->reg], s;
    uint64_t fl;
    S2_BEGIN;

    s2_src(a, &s, 8, false);
    if (a->op == 0x2e) {
        __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[g]\n\tmovsd %[d], %%xmm0\n\t"
                         "ucomisd %[s], %%xmm0\n\tpushfq\n\tpopq %[f]\n\t"
                         "stmxcsr %[o]\n\tldmxcsr %[h]"
                         : [f] "=r"(fl), [h] "=m"(s2_h_), [o] "=m"(s2_o_)
                         : [d] "m"(d.q[0]), [s] "m"(s.q[0]), [g] "m"(s2_g_)
                         : "xmm0", "cc");
    } else {
        __asm__ volatile("stmxcsr %[h]\n\tldmxcsr %[g]\n\tmovsd %[d], %%xmm0\n\t"
                         "comisd %[s], %%xmm0\n\tpushfq\n\tpopq %[f]\n\t"
                         "stmxcsr %[o]\n\tldmxcsr %[h]"
                         : [f] "=r"(fl), [h] "=m"(s2_h_), [o] "=m"(s2_o_)
                         : [d] "m"(d.q[0]), [s] "m"(s.q[0]), [g] "m"(s2_g_)
                         : "xmm0", "cc");
    }
    s2_flags(a, s2_o_);
    a->env->cc_op = CC_OP_EFLAGS;
    a->env->cc_src = (uint32_t)fl & (CC_Z | CC_P | CC_C);
}

static uint64_t s2_shift128(uint64_t lo, uint64_t hi, int bytes, bool left, bool want_hi)
{
    uint8_t b[16], r[16];

    memcpy(b, &lo, 8);
    memcpy(b + 8, &hi, 8);
    for (int i = 0; i < 16; i++) {
        int j = left ? i - bytes : i + bytes;

        r[i] = (j >= 0 && j < 16) ? b[j] : 0;
    }
    memcpy(&lo, r, 8);
    memcpy(&hi, r + 8, 8);
    return want_hi ? hi : lo;
}

/* Moves, shuffles, inserts/extracts, immediate shifts, masks. */
static bool s2_data(SSE2Args *a)
{
    CPUX86State *env = a->env;
    CPUState *cs = &env->cs;
    X86XMMReg *d = &env->xmm[a->reg], v, r;

    switch ((a->op << 2) | a->pfx) {
    case (0x10 << 2) | P_66:
    case (0x28 << 2) | P_66:
    case (0x6f << 2) | P_66:
    case (0x6f << 2) | P_F3:
        s2_src(a, &v, 16, a->op == 0x28 || a->pfx == P_66);
        *d = v;
        return true;
    case (0x11 << 2) | P_66:
    case (0x29 << 2) | P_66:
    case (0x2b << 2) | P_66:
    case (0x7f << 2) | P_66:
    case (0x7f << 2) | P_F3:
    case (0xe7 << 2) | P_66:
        if (a->is_mem) {
            s2_st128(a, d, !(a->op == 0x11 || a->pfx == P_F3));
        } else {
            env->xmm[a->rm] = *d;
        }
        return true;
    case (0x10 << 2) | P_F2:
        if (a->is_mem) {
            memset(&v, 0, sizeof(v));
            v.q[0] = cpu_ldq_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
            *d = v;
        } else {
            d->q[0] = env->xmm[a->rm].q[0];
        }
        return true;
    case (0x11 << 2) | P_F2:
        if (a->is_mem) {
            cpu_stq_mmuidx_ra(cs, a->addr, d->q[0], a->mmu, a->ra);
        } else {
            env->xmm[a->rm].q[0] = d->q[0];
        }
        return true;
    case (0x12 << 2) | P_66:
        d->q[0] = cpu_ldq_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
        return true;
    case (0x13 << 2) | P_66:
        cpu_stq_mmuidx_ra(cs, a->addr, d->q[0], a->mmu, a->ra);
        return true;
    case (0x16 << 2) | P_66:
        d->q[1] = cpu_ldq_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
        return true;
    case (0x17 << 2) | P_66:
        cpu_stq_mmuidx_ra(cs, a->addr, d->q[1], a->mmu, a->ra);
        return true;
    case (0x6e << 2) | P_66:
        memset(&v, 0, sizeof(v));
        v.l[0] = a->is_mem ? cpu_ldl_mmuidx_ra(cs, a->addr, a->mmu, a->ra)
                           : env->regs[a->rm];
        *d = v;
        return true;
    case (0x7e << 2) | P_66:
        if (a->is_mem) {
            cpu_stl_mmuidx_ra(cs, a->addr, d->l[0], a->mmu, a->ra);
        } else {
            env->regs[a->rm] = d->l[0];
        }
        return true;
    case (0x7e << 2) | P_F3:    /* MOVQ xmm, xmm/m64 */
        s2_src(a, &v, 8, false);
        v.q[1] = 0;
        *d = v;
        return true;
    case (0xd6 << 2) | P_66:    /* MOVQ xmm/m64, xmm */
        if (a->is_mem) {
            cpu_stq_mmuidx_ra(cs, a->addr, d->q[0], a->mmu, a->ra);
        } else {
            env->xmm[a->rm].q[0] = d->q[0];
            env->xmm[a->rm].q[1] = 0;
        }
        return true;
    case (0xd6 << 2) | P_F3:    /* MOVQ2DQ xmm, mm */
        d->q[0] = env->fpregs[a->rm].mant;
        d->q[1] = 0;
        s2_mmx_transition(env);
        return true;
    case (0xd6 << 2) | P_F2:    /* MOVDQ2Q mm, xmm */
        s2_mmx_transition(env);
        env->fpregs[a->reg].mant = env->xmm[a->rm].q[0];
        env->fpregs[a->reg].sexp = 0xffff;
        return true;
    case (0x50 << 2) | P_66:
        env->regs[a->reg] = (uint32_t)(env->xmm[a->rm].q[0] >> 63) |
                            (uint32_t)((env->xmm[a->rm].q[1] >> 63) << 1);
        return true;
    case (0xd7 << 2) | P_66: {
        uint32_t m = 0;

        for (int i = 0; i < 16; i++) {
            m |= (uint32_t)(env->xmm[a->rm].b[i] >> 7) << i;
        }
        env->regs[a->reg] = m;
        return true;
    }
    case (0xc4 << 2) | P_66: {
        uint32_t w = a->is_mem ? cpu_lduw_mmuidx_ra(cs, a->addr, a->mmu, a->ra)
                               : env->regs[a->rm];
        int i = a->imm & 7;

        d->b[2 * i] = (uint8_t)w;
        d->b[2 * i + 1] = (uint8_t)(w >> 8);
        return true;
    }
    case (0xc5 << 2) | P_66: {
        int i = a->imm & 7;

        env->regs[a->reg] = env->xmm[a->rm].b[2 * i] | (env->xmm[a->rm].b[2 * i + 1] << 8);
        return true;
    }
    case (0x70 << 2) | P_66:
        s2_src(a, &v, 16, true);
        for (int i = 0; i < 4; i++) {
            r.l[i] = v.l[(a->imm >> (2 * i)) & 3];
        }
        *d = r;
        return true;
    case (0x70 << 2) | P_F3:
    case (0x70 << 2) | P_F2: {
        int base = a->pfx == P_F3 ? 4 : 0;
        uint16_t w[8];

        s2_src(a, &v, 16, true);
        memcpy(w, v.b, 16);
        r = v;
        for (int i = 0; i < 4; i++) {
            uint16_t x = w[base + ((a->imm >> (2 * i)) & 3)];

            r.b[2 * (base + i)] = (uint8_t)x;
            r.b[2 * (base + i) + 1] = (uint8_t)(x >> 8);
        }
        *d = r;
        return true;
    }
    case (0xc6 << 2) | P_66:
        s2_src(a, &v, 16, true);
        r.q[0] = d->q[a->imm & 1];
        r.q[1] = v.q[(a->imm >> 1) & 1];
        *d = r;
        return true;
    case (0xf7 << 2) | P_66: {
        /* MASKMOVDQU: bytes of xmm(reg) whose mask byte in xmm(rm) has bit 7 set. */
        for (int i = 0; i < 16; i++) {
            if (env->xmm[a->rm].b[i] & 0x80) {
                cpu_stb_mmuidx_ra(cs, a->addr + i, d->b[i], a->mmu, a->ra);
            }
        }
        return true;
    }
    default:
        return false;
    }
}

/* 66 0F 71/72/73: shifts of xmm(rm) by an immediate (op field in reg). */
static bool s2_shift_imm(SSE2Args *a)
{
    CPUX86State *env = a->env;
    X86XMMReg *x = &env->xmm[a->rm], r, s;
    int sub = a->reg;
    S2_BEGIN;

    if (a->op == 0x73 && (sub == 3 || sub == 7)) {
        int n = a->imm > 16 ? 16 : a->imm;
        uint64_t lo = x->q[0], hi = x->q[1];

        x->q[0] = s2_shift128(lo, hi, n, sub == 7, false);
        x->q[1] = s2_shift128(lo, hi, n, sub == 7, true);
        return true;
    }
    r = *x;
    memset(&s, 0, sizeof(s));
    s.q[0] = a->imm;
    switch ((a->op << 3) | sub) {
    case (0x71 << 3) | 2: S2_OP("psrlw"); break;
    case (0x71 << 3) | 4: S2_OP("psraw"); break;
    case (0x71 << 3) | 6: S2_OP("psllw"); break;
    case (0x72 << 3) | 2: S2_OP("psrld"); break;
    case (0x72 << 3) | 4: S2_OP("psrad"); break;
    case (0x72 << 3) | 6: S2_OP("pslld"); break;
    case (0x73 << 3) | 2: S2_OP("psrlq"); break;
    case (0x73 << 3) | 6: S2_OP("psllq"); break;
    default:
        return false;
    }
    (void)s2_o_;
    *x = r;
    return true;
}

static bool s2_dispatch(SSE2Args *ap)
{
    SSE2Args a = *ap;

    switch (a.op) {
    case 0x2c:
    case 0x2d:
        return s2_cvt_to_int(&a);
    case 0x2e:
    case 0x2f:
        if (a.pfx != P_66) {
            return false;
        }
        s2_comi(&a);
        return true;
    case 0x2a: case 0x5a: case 0x5b: case 0xe6:
        return s2_cvt_to_xmm(&a);
    case 0x71: case 0x72: case 0x73:
        return a.pfx == P_66 && s2_shift_imm(&a);
    case 0x51: case 0x54: case 0x55: case 0x56: case 0x57: case 0x58: case 0x59:
    case 0x5c: case 0x5d: case 0x5e: case 0x5f: case 0xc2: case 0x14: case 0x15:
        if (a.pfx == P_66 || (a.pfx == P_F2 && a.op != 0x14 && a.op != 0x15 &&
                              (a.op < 0x54 || a.op > 0x57))) {
            return s2_fp_op(&a);
        }
        return false;
    default:
        break;
    }
    if (s2_data(&a)) {
        return true;
    }
    if (a.pfx == P_66) {
        return s2_int_op(&a);
    }
    return false;
}

void helper_x86_sse2(CPUX86State *env, uint32_t ctl, uint32_t reg, uint32_t rm,
                     uint32_t addr)
{
    SSE2Args a = {
        .env = env, .op = ctl & 0xff, .pfx = (ctl >> 8) & 3, .is_mem = (ctl >> 10) & 1,
        .imm = (ctl >> 16) & 0xff, .reg = reg & 7, .rm = rm & 7, .addr = addr,
        .mmu = x86_mmu_idx_for_cpl(env, env->hflags & HF_CPL_MASK), .ra = GETPC(),
    };

    if (!s2_dispatch(&a)) {
        /* Not an SSE2 encoding (SSE3 and later are not offered). */
        x86_raise_exception(env, EXCP06_ILLOP, a.ra);
    }
}
