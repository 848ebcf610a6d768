/*
 * i386 SSE (the Pentium III set): packed/scalar single-precision arithmetic, moves,
 * conversions, compares, MXCSR, and the SSE integer extensions of MMX (Intel SDM
 * Vol. 1 ch. 10, Vol. 2). SSE2/SSE3 (66/F2-prefixed forms) are not offered by CPUID
 * and stay #UD.
 *
 * Arithmetic exactness as for the x87 (fpu_helper.c): the host is x86-64, whose SSE
 * unit implements the same IEEE single-precision operations; each guest operation
 * runs the same host instruction with the guest's MXCSR rounding/flush-to-zero
 * settings (exceptions masked on the host) and the host's exception flags are merged
 * into the guest MXCSR. An unmasked exception leaves the destination unchanged and
 * raises #XM (CR4.OSXMMEXCPT = 1) or #UD. RCPPS/RSQRTPS give the host part's
 * approximation (their precision is implementation-defined). DAZ is not offered
 * (MXCSR_MASK 0xffbf).
 */
#include "qemu/osdep.h"
#include "internal.h"

#define MXCSR_MASK 0x0000ffbfu
#define MXCSR_FLAGS 0x3fu

typedef struct SSEArgs {
    CPUX86State *env;
    uint32_t op;        /* second opcode byte */
    bool f3;            /* scalar (F3) form */
    bool is_mem;
    uint32_t imm;
    int reg, rm;
    uint32_t addr;
    int mmu;
    uintptr_t ra;
} SSEArgs;

static void sse_ld128(SSEArgs *a, X86XMMReg *v, bool aligned)
{
    if (aligned && (a->addr & 15)) {
        x86_raise_exception_err(a->env, EXCP0D_GPF, 0, a->ra);
    }
    v->q[0] = cpu_ldq_mmuidx_ra(&a->env->cs, a->addr, a->mmu, a->ra);
    v->q[1] = cpu_ldq_mmuidx_ra(&a->env->cs, a->addr + 8, a->mmu, a->ra);
}

static void sse_st128(SSEArgs *a, const X86XMMReg *v, bool aligned)
{
    if (aligned && (a->addr & 15)) {
        x86_raise_exception_err(a->env, EXCP0D_GPF, 0, a->ra);
    }
    /* Probe the second half first so a fault writes nothing. */
    cpu_stq_mmuidx_ra(&a->env->cs, a->addr + 8, v->q[1], a->mmu, a->ra);
    cpu_stq_mmuidx_ra(&a->env->cs, a->addr, v->q[0], a->mmu, a->ra);
}

/* The xmm/m128 source (or xmm/m32 for scalar forms, zero-extended). */
static void sse_src(SSEArgs *a, X86XMMReg *v, bool scalar)
{
    if (!a->is_mem) {
        *v = a->env->xmm[a->rm];
    } else if (scalar) {
        memset(v, 0, sizeof(*v));
        v->l[0] = cpu_ldl_mmuidx_ra(&a->env->cs, a->addr, a->mmu, a->ra);
    } else {
        sse_ld128(a, v, true);
    }
}

static uint64_t mm_src(SSEArgs *a)
{
    if (!a->is_mem) {
        return a->env->fpregs[a->rm].mant;
    }
    return cpu_ldq_mmuidx_ra(&a->env->cs, a->addr, a->mmu, a->ra);
}

static void mmx_transition(CPUX86State *env)
{
    env->fpstt = 0;
    memset(env->fptags, 0, sizeof(env->fptags));
}

static void mm_write(CPUX86State *env, int reg, uint64_t v)
{
    mmx_transition(env);
    env->fpregs[reg].mant = v;
    env->fpregs[reg].sexp = 0xffff;
}

/* Merge host MXCSR flags; an unmasked one raises #XM/#UD before anything commits. */
static void sse_flags(SSEArgs *a, uint32_t host_out)
{
    CPUX86State *env = a->env;
    uint32_t f = host_out & MXCSR_FLAGS;

    if (f & ~(env->mxcsr >> 7) & MXCSR_FLAGS) {
        env->mxcsr |= f;
        x86_raise_exception(env, (env->cr[4] & CR4_OSXMMEXCPT) ? EXCP13_XMM : EXCP06_ILLOP,
                            a->ra);
    }
    env->mxcsr |= f;
}

#define SSE_BEGIN                                                           \
    uint32_t sse_g_ = (a->env->mxcsr & ~0x40u) | 0x1f80u, sse_h_, sse_o_
#define SSE_PRE  "stmxcsr %[h]\n\tldmxcsr %[g]\n\t"
#define SSE_POST "\n\tstmxcsr %[o]\n\tldmxcsr %[h]"
#define SSE_OUTS [h] "=m"(sse_h_), [o] "=m"(sse_o_)

/* d = d op s for a two-operand SSE arithmetic insn named INSN. */
#define SSE_BIN(INSN)                                                         \
    __asm__ volatile(SSE_PRE "movups %[d], %%xmm0\n\tmovups %[s], %%xmm1\n\t" \
                     INSN " %%xmm1, %%xmm0\n\tmovups %%xmm0, %[d]" SSE_POST   \
                     : [d] "+m"(r), SSE_OUTS : [s] "m"(s), [g] "m"(sse_g_)    \
                     : "xmm0", "xmm1")

static void sse_arith(SSEArgs *a)
{
    X86XMMReg r = a->env->xmm[a->reg], s;
    SSE_BEGIN;

    sse_src(a, &s, a->f3);
    switch ((a->op << 1) | a->f3) {
    case 0x51 << 1: SSE_BIN("sqrtps"); break;
    case (0x51 << 1) | 1: SSE_BIN("sqrtss"); break;
    case 0x52 << 1: SSE_BIN("rsqrtps"); break;
    case (0x52 << 1) | 1: SSE_BIN("rsqrtss"); break;
    case 0x53 << 1: SSE_BIN("rcpps"); break;
    case (0x53 << 1) | 1: SSE_BIN("rcpss"); break;
    case 0x58 << 1: SSE_BIN("addps"); break;
    case (0x58 << 1) | 1: SSE_BIN("addss"); break;
    case 0x59 << 1: SSE_BIN("mulps"); break;
    case (0x59 << 1) | 1: SSE_BIN("mulss"); break;
    case 0x5c << 1: SSE_BIN("subps"); break;
    case (0x5c << 1) | 1: SSE_BIN("subss"); break;
    case 0x5d << 1: SSE_BIN("minps"); break;
    case (0x5d << 1) | 1: SSE_BIN("minss"); break;
    case 0x5e << 1: SSE_BIN("divps"); break;
    case (0x5e << 1) | 1: SSE_BIN("divss"); break;
    case 0x5f << 1: SSE_BIN("maxps"); break;
    default: SSE_BIN("maxss"); break;
    }
    sse_flags(a, sse_o_);
    a->env->xmm[a->reg] = r;
}

static void sse_cmp(SSEArgs *a)
{
    X86XMMReg r = a->env->xmm[a->reg], s;
    SSE_BEGIN;

    sse_src(a, &s, a->f3);
    switch (((a->imm & 7) << 1) | a->f3) {
    case 0: SSE_BIN("cmpeqps"); break;
    case 1: SSE_BIN("cmpeqss"); break;
    case 2: SSE_BIN("cmpltps"); break;
    case 3: SSE_BIN("cmpltss"); break;
    case 4: SSE_BIN("cmpleps"); break;
    case 5: SSE_BIN("cmpless"); break;
    case 6: SSE_BIN("cmpunordps"); break;
    case 7: SSE_BIN("cmpunordss"); break;
    case 8: SSE_BIN("cmpneqps"); break;
    case 9: SSE_BIN("cmpneqss"); break;
    case 10: SSE_BIN("cmpnltps"); break;
    case 11: SSE_BIN("cmpnltss"); break;
    case 12: SSE_BIN("cmpnleps"); break;
    case 13: SSE_BIN("cmpnless"); break;
    case 14: SSE_BIN("cmpordps"); break;
    default: SSE_BIN("cmpordss"); break;
    }
    sse_flags(a, sse_o_);
    a->env->xmm[a->reg] = r;
}

static void sse_comi(SSEArgs *a)
{
    CPUX86State *env = a->env;
    X86XMMReg r = env->xmm[a->reg], s;
    uint64_t fl;
    SSE_BEGIN;

    sse_src(a, &s, true);
    if (a->op == 0x2e) {
        __asm__ volatile(SSE_PRE "movss %[d], %%xmm0\n\tmovss %[s], %%xmm1\n\t"
                         "ucomiss %%xmm1, %%xmm0\n\tpushfq\n\tpopq %[f]" SSE_POST
                         : [f] "=r"(fl), SSE_OUTS : [d] "m"(r), [s] "m"(s),
                           [g] "m"(sse_g_) : "xmm0", "xmm1", "cc");
    } else {
        __asm__ volatile(SSE_PRE "movss %[d], %%xmm0\n\tmovss %[s], %%xmm1\n\t"
                         "comiss %%xmm1, %%xmm0\n\tpushfq\n\tpopq %[f]" SSE_POST
                         : [f] "=r"(fl), SSE_OUTS : [d] "m"(r), [s] "m"(s),
                           [g] "m"(sse_g_) : "xmm0", "xmm1", "cc");
    }
    sse_flags(a, sse_o_);
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = (uint32_t)fl & (CC_Z | CC_P | CC_C);
}

/* float bits -> int32 with the guest rounding (trunc: toward zero). */
static uint32_t sse_f2i(SSEArgs *a, uint32_t f, bool trunc)
{
    uint32_t r;
    SSE_BEGIN;

    if (trunc) {
        __asm__ volatile(SSE_PRE "movd %[v], %%xmm0\n\tcvttss2si %%xmm0, %[r]" SSE_POST
                         : [r] "=r"(r), SSE_OUTS : [v] "r"(f), [g] "m"(sse_g_) : "xmm0");
    } else {
        __asm__ volatile(SSE_PRE "movd %[v], %%xmm0\n\tcvtss2si %%xmm0, %[r]" SSE_POST
                         : [r] "=r"(r), SSE_OUTS : [v] "r"(f), [g] "m"(sse_g_) : "xmm0");
    }
    sse_flags(a, sse_o_);
    return r;
}

static uint32_t sse_i2f(SSEArgs *a, uint32_t i)
{
    uint32_t r;
    SSE_BEGIN;

    __asm__ volatile(SSE_PRE "cvtsi2ss %[v], %%xmm0\n\tmovd %%xmm0, %[r]" SSE_POST
                     : [r] "=r"(r), SSE_OUTS : [v] "r"(i), [g] "m"(sse_g_) : "xmm0");
    sse_flags(a, sse_o_);
    return r;
}

static void sse_moves(SSEArgs *a)
{
    CPUX86State *env = a->env;
    X86XMMReg *d = &env->xmm[a->reg], v;
    CPUState *cs = &env->cs;

    switch (a->op) {
    case 0x10:
        if (a->f3) {
            if (a->is_mem) {
                memset(&v, 0, sizeof(v));
                v.l[0] = cpu_ldl_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
                *d = v;
            } else {
                d->l[0] = env->xmm[a->rm].l[0];
            }
        } else if (a->is_mem) {
            sse_ld128(a, &v, false);
            *d = v;
        } else {
            *d = env->xmm[a->rm];
        }
        return;
    case 0x11:
    case 0x29:
    case 0x2b:
        if (a->f3) {
            if (a->is_mem) {
                cpu_stl_mmuidx_ra(cs, a->addr, d->l[0], a->mmu, a->ra);
            } else {
                env->xmm[a->rm].l[0] = d->l[0];
            }
        } else if (a->is_mem) {
            sse_st128(a, d, a->op != 0x11);
        } else {
            env->xmm[a->rm] = *d;
        }
        return;
    case 0x28:
        if (a->is_mem) {
            sse_ld128(a, &v, true);
            *d = v;
        } else {
            *d = env->xmm[a->rm];
        }
        return;
    case 0x12:
        if (a->is_mem) {
            d->q[0] = cpu_ldq_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
        } else {
            d->q[0] = env->xmm[a->rm].q[1];     /* MOVHLPS */
        }
        return;
    case 0x13:
        cpu_stq_mmuidx_ra(cs, a->addr, d->q[0], a->mmu, a->ra);
        return;
    case 0x16:
        if (a->is_mem) {
            d->q[1] = cpu_ldq_mmuidx_ra(cs, a->addr, a->mmu, a->ra);
        } else {
            d->q[1] = env->xmm[a->rm].q[0];     /* MOVLHPS */
        }
        return;
    case 0x17:
        cpu_stq_mmuidx_ra(cs, a->addr, d->q[1], a->mmu, a->ra);
        return;
    default:
        return;
    }
}

static uint16_t mmx_w(uint64_t v, int i)
{
    return (uint16_t)(v >> (16 * i));
}

static uint8_t mmx_b(uint64_t v, int i)
{
    return (uint8_t)(v >> (8 * i));
}

/* The integer SSE additions to MMX. */
static void sse_mmx_ext(SSEArgs *a)
{
    CPUX86State *env = a->env;
    uint64_t d = env->fpregs[a->reg].mant, s, r = 0;

    switch (a->op) {
    case 0x70:
        s = mm_src(a);
        for (int i = 0; i < 4; i++) {
            r |= (uint64_t)mmx_w(s, (a->imm >> (2 * i)) & 3) << (16 * i);
        }
        break;
    case 0xc4: {
        uint32_t w = a->is_mem ? cpu_lduw_mmuidx_ra(&env->cs, a->addr, a->mmu, a->ra)
                               : env->regs[a->rm];
        int i = a->imm & 3;

        r = (d & ~(0xffffull << (16 * i))) | ((uint64_t)(w & 0xffff) << (16 * i));
        break;
    }
    case 0xc5:
        mmx_transition(env);
        env->regs[a->reg] = mmx_w(env->fpregs[a->rm].mant, a->imm & 3);
        return;
    case 0xd7: {
        uint32_t m = 0;

        for (int i = 0; i < 8; i++) {
            m |= (uint32_t)(mmx_b(env->fpregs[a->rm].mant, i) >> 7) << i;
        }
        mmx_transition(env);
        env->regs[a->reg] = m;
        return;
    }
    case 0xe7:
        cpu_stq_mmuidx_ra(&env->cs, a->addr, d, a->mmu, a->ra);
        mmx_transition(env);
        return;
    case 0xf7: {
        /* MASKMOVQ: bytes of mm(reg) whose mask byte in mm(rm) has its top bit set. */
        uint64_t m = env->fpregs[a->rm].mant;

        for (int i = 0; i < 8; i++) {
            if (mmx_b(m, i) & 0x80) {
                cpu_stb_mmuidx_ra(&env->cs, a->addr + i, mmx_b(d, i), a->mmu, a->ra);
            }
        }
        mmx_transition(env);
        return;
    }
    default:
        s = mm_src(a);
        for (int i = 0; i < 8; i++) {
            uint8_t x = mmx_b(d, i), y = mmx_b(s, i), z = 0;

            switch (a->op) {
            case 0xda: z = x < y ? x : y; break;
            case 0xde: z = x > y ? x : y; break;
            case 0xe0: z = (uint8_t)((x + y + 1) >> 1); break;
            default: z = 0; break;
            }
            r |= (uint64_t)z << (8 * i);
        }
        if (a->op == 0xe3 || a->op == 0xe4 || a->op == 0xea || a->op == 0xee) {
            r = 0;
            for (int i = 0; i < 4; i++) {
                uint16_t x = mmx_w(d, i), y = mmx_w(s, i), z;

                switch (a->op) {
                case 0xe3: z = (uint16_t)((x + y + 1) >> 1); break;
                case 0xe4: z = (uint16_t)(((uint32_t)x * y) >> 16); break;
                case 0xea: z = (int16_t)x < (int16_t)y ? x : y; break;
                default: z = (int16_t)x > (int16_t)y ? x : y; break;
                }
                r |= (uint64_t)z << (16 * i);
            }
        } else if (a->op == 0xf6) {
            uint32_t sum = 0;

            for (int i = 0; i < 8; i++) {
                int diff = (int)mmx_b(d, i) - (int)mmx_b(s, i);
                sum += diff < 0 ? -diff : diff;
            }
            r = sum;
        }
        break;
    }
    mm_write(env, a->reg, r);
}

void helper_x86_sse(CPUX86State *env, uint32_t ctl, uint32_t reg, uint32_t rm, uint32_t addr)
{
    SSEArgs a = {
        .env = env, .op = ctl & 0xff, .f3 = (ctl >> 8) & 1, .is_mem = (ctl >> 9) & 1,
        .imm = (ctl >> 16) & 0xff, .reg = reg & 7, .rm = rm & 7, .addr = addr,
        .mmu = x86_mmu_idx_for_cpl(env, env->hflags & HF_CPL_MASK), .ra = GETPC(),
    };
    X86XMMReg r, s;

    switch (a.op) {
    case 0x10: case 0x11: case 0x12: case 0x13: case 0x16: case 0x17:
    case 0x28: case 0x29: case 0x2b:
        sse_moves(&a);
        return;
    case 0x14:
    case 0x15: {
        int h = a.op == 0x15 ? 2 : 0;

        sse_src(&a, &s, false);
        r = env->xmm[a.reg];
        env->xmm[a.reg] = (X86XMMReg){ .l = { r.l[h], s.l[h], r.l[h + 1], s.l[h + 1] } };
        return;
    }
    case 0x2a:
        if (a.f3) {
            uint32_t i = a.is_mem ? cpu_ldl_mmuidx_ra(&env->cs, a.addr, a.mmu, a.ra)
                                  : env->regs[a.rm];
            uint32_t f = sse_i2f(&a, i);

            env->xmm[a.reg].l[0] = f;
        } else {
            uint64_t m = mm_src(&a);
            uint32_t f0 = sse_i2f(&a, (uint32_t)m), f1 = sse_i2f(&a, (uint32_t)(m >> 32));

            if (!a.is_mem) {
                mmx_transition(env);
            }
            env->xmm[a.reg].l[0] = f0;
            env->xmm[a.reg].l[1] = f1;
        }
        return;
    case 0x2c:
    case 0x2d: {
        bool trunc = a.op == 0x2c;

        if (a.f3) {
            uint32_t f = a.is_mem ? cpu_ldl_mmuidx_ra(&env->cs, a.addr, a.mmu, a.ra)
                                  : env->xmm[a.rm].l[0];
            uint32_t i = sse_f2i(&a, f, trunc);

            env->regs[a.reg] = i;
        } else {
            uint64_t q = a.is_mem ? cpu_ldq_mmuidx_ra(&env->cs, a.addr, a.mmu, a.ra)
                                  : env->xmm[a.rm].q[0];
            uint32_t i0 = sse_f2i(&a, (uint32_t)q, trunc);
            uint32_t i1 = sse_f2i(&a, (uint32_t)(q >> 32), trunc);

            mm_write(env, a.reg, ((uint64_t)i1 << 32) | i0);
        }
        return;
    }
    case 0x2e:
    case 0x2f:
        sse_comi(&a);
        return;
    case 0x50: {
        uint32_t m = 0;

        for (int i = 0; i < 4; i++) {
            m |= (env->xmm[a.rm].l[i] >> 31) << i;
        }
        env->regs[a.reg] = m;
        return;
    }
    case 0x54: case 0x55: case 0x56: case 0x57:
        sse_src(&a, &s, false);
        r = env->xmm[a.reg];
        for (int i = 0; i < 2; i++) {
            switch (a.op) {
            case 0x54: r.q[i] &= s.q[i]; break;
            case 0x55: r.q[i] = ~r.q[i] & s.q[i]; break;
            case 0x56: r.q[i] |= s.q[i]; break;
            default: r.q[i] ^= s.q[i]; break;
            }
        }
        env->xmm[a.reg] = r;
        return;
    case 0xc2:
        sse_cmp(&a);
        return;
    case 0xc6: {
        sse_src(&a, &s, false);
        r = env->xmm[a.reg];
        env->xmm[a.reg] = (X86XMMReg){ .l = { r.l[a.imm & 3], r.l[(a.imm >> 2) & 3],
                                              s.l[(a.imm >> 4) & 3], s.l[(a.imm >> 6) & 3] } };
        return;
    }
    case 0xae:
        if (a.reg == 2) {
            uint32_t v = cpu_ldl_mmuidx_ra(&env->cs, a.addr, a.mmu, a.ra);

            if (v & ~MXCSR_MASK) {
                x86_raise_exception_err(env, EXCP0D_GPF, 0, a.ra);
            }
            env->mxcsr = v;
        } else {
            cpu_stl_mmuidx_ra(&env->cs, a.addr, env->mxcsr, a.mmu, a.ra);
        }
        return;
    case 0x51: case 0x52: case 0x53: case 0x58: case 0x59: case 0x5c: case 0x5d:
    case 0x5e: case 0x5f:
        sse_arith(&a);
        return;
    default:
        sse_mmx_ext(&a);
        return;
    }
}
