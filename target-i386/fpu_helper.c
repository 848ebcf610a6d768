/*
 * i386 x87 FPU: register stack, tags, control/status words, environment and state
 * save/restore, and every x87 instruction of the 387/P6 (Intel SDM Vol. 1 ch. 8,
 * Vol. 2 F* instructions).
 *
 * Arithmetic exactness: this emulator only runs on x86-64 hosts, whose x87 unit is
 * the very 80-bit extended format being modelled. Each guest operation executes the
 * corresponding host x87 instruction in one asm statement, with the guest's control
 * word (precision and rounding control, all exceptions masked on the host) loaded
 * around it, and the host status word's exception and condition bits merged back.
 * The results are therefore bit-identical to the hardware instruction, including
 * precision/rounding control, denormals, NaN propagation and transcendental results
 * (those equal a native x87, not an infinitely precise reference).
 * Stack overflow/underflow and empty-register handling are modelled in software.
 * Unmasked exceptions set ES/B and raise #MF at the next waiting x87 insn when
 * CR0.NE = 1 (the FERR#/IRQ13 path with NE = 0 is not modelled). Of the FPU
 * instruction and data pointers only FOP and FDP (linear) are recorded; FIP/FCS/FDS
 * read as zero. FXSAVE/FXRSTOR (FXSR) use the 32-bit 512-byte image; the XMM
 * registers and MXCSR they carry exist, but no SSE instruction does (not offered).
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "qemu/log.h"

typedef long double f80;

#define FPUS_IE 0x0001
#define FPUS_DE 0x0002
#define FPUS_ZE 0x0004
#define FPUS_OE 0x0008
#define FPUS_UE 0x0010
#define FPUS_PE 0x0020
#define FPUS_SF 0x0040
#define FPUS_ES 0x0080
#define FPUS_C0 0x0100
#define FPUS_C1 0x0200
#define FPUS_C2 0x0400
#define FPUS_C3 0x4000
#define FPUS_B  0x8000
#define FPUS_CC (FPUS_C0 | FPUS_C1 | FPUS_C2 | FPUS_C3)

void x86_fpu_reset(CPUX86State *env)
{
    memset(env->fpregs, 0, sizeof(env->fpregs));
    env->fpstt = 0;
    env->fpus = 0;
    env->fpuc = 0x37f;
    memset(env->fptags, 1, sizeof(env->fptags));
    env->fpop = 0;
    env->fpip = env->fpcs = env->fpdp = env->fpds = 0;
}

static f80 fp_get(const X86Float80 *r)
{
    f80 v = 0;

    memcpy(&v, &r->mant, 8);
    memcpy((char *)&v + 8, &r->sexp, 2);
    return v;
}

static void fp_put(X86Float80 *r, f80 v)
{
    memcpy(&r->mant, &v, 8);
    memcpy(&r->sexp, (char *)&v + 8, 2);
}

/* The default QNaN ("real indefinite"). */
static f80 fp_indefinite(void)
{
    X86Float80 r = { 0xc000000000000000ull, 0xffff };

    return fp_get(&r);
}

static int fp_st(CPUX86State *env, int i)
{
    return (env->fpstt + i) & 7;
}

/* Merge host status bits; set ES/B if an unmasked exception is now pending. */
static void fp_merge_sw(CPUX86State *env, uint16_t sw, uint16_t ccmask)
{
    env->fpus |= sw & 0x3f;
    env->fpus = (env->fpus & ~ccmask) | (sw & ccmask);
    if (env->fpus & ~env->fpuc & 0x3f) {
        env->fpus |= FPUS_ES | FPUS_B;
    }
}

static void fp_stack_fault(CPUX86State *env, bool overflow)
{
    env->fpus |= FPUS_IE | FPUS_SF;
    env->fpus = (env->fpus & ~FPUS_C1) | (overflow ? FPUS_C1 : 0);
    if (!(env->fpuc & FPUS_IE)) {
        env->fpus |= FPUS_ES | FPUS_B;
    }
}

/* Read ST(i); an empty register is a stack underflow yielding the indefinite. */
static f80 fp_read(CPUX86State *env, int i)
{
    int r = fp_st(env, i);

    if (env->fptags[r]) {
        fp_stack_fault(env, false);
        return fp_indefinite();
    }
    return fp_get(&env->fpregs[r]);
}

static void fp_write(CPUX86State *env, int i, f80 v)
{
    int r = fp_st(env, i);

    fp_put(&env->fpregs[r], v);
    env->fptags[r] = 0;
}

static void fp_push(CPUX86State *env, f80 v)
{
    int r = (env->fpstt - 1) & 7;

    if (!env->fptags[r]) {
        fp_stack_fault(env, true);
        v = fp_indefinite();
    }
    env->fpstt = r;
    fp_put(&env->fpregs[r], v);
    env->fptags[r] = 0;
}

static void fp_pop(CPUX86State *env)
{
    env->fptags[env->fpstt] = 1;
    env->fpstt = (env->fpstt + 1) & 7;
}

/* ---- host x87 execution with the guest control word ---- */

#define FP_BEGIN                                                        \
    uint16_t fp_cw_ = env->fpuc | 0x3f, fp_hcw_, fp_sw_
#define FP_PRE  "fnstcw %[hcw]\n\tfnclex\n\tfldcw %[cw]\n\t"
#define FP_POST "\n\tfnstsw %[sw]\n\tfldcw %[hcw]"
#define FP_OUTS [hcw] "=m"(fp_hcw_), [sw] "=m"(fp_sw_)
#define FP_CW   [cw] "m"(fp_cw_)

enum { FA_ADD, FA_MUL, FA_SUB, FA_SUBR, FA_DIV, FA_DIVR };

/* ST(0) op ST(1) into ST(0); b stays in ST(1) for the compiler to pop (a popping form
 * or an extra FSTP would overwrite C1, the round-up indication). */
static f80 fp_arith(CPUX86State *env, int op, f80 a, f80 b)
{
    FP_BEGIN;
    f80 r;

    switch (op) {
    case FA_ADD:
        __asm__ volatile(FP_PRE "fadd %%st(1), %%st" FP_POST
                         : "=t"(r), FP_OUTS : "0"(a), "u"(b), FP_CW);
        break;
    case FA_MUL:
        __asm__ volatile(FP_PRE "fmul %%st(1), %%st" FP_POST
                         : "=t"(r), FP_OUTS : "0"(a), "u"(b), FP_CW);
        break;
    case FA_SUB:
        __asm__ volatile(FP_PRE "fsub %%st(1), %%st" FP_POST
                         : "=t"(r), FP_OUTS : "0"(a), "u"(b), FP_CW);
        break;
    case FA_SUBR:
        __asm__ volatile(FP_PRE "fsubr %%st(1), %%st" FP_POST
                         : "=t"(r), FP_OUTS : "0"(a), "u"(b), FP_CW);
        break;
    case FA_DIV:
        __asm__ volatile(FP_PRE "fdiv %%st(1), %%st" FP_POST
                         : "=t"(r), FP_OUTS : "0"(a), "u"(b), FP_CW);
        break;
    default:
        __asm__ volatile(FP_PRE "fdivr %%st(1), %%st" FP_POST
                         : "=t"(r), FP_OUTS : "0"(a), "u"(b), FP_CW);
        break;
    }
    fp_merge_sw(env, fp_sw_, FPUS_C1);
    return r;
}

enum { FU_CHS, FU_ABS, FU_SQRT, FU_RNDINT, FU_F2XM1, FU_SIN, FU_COS };

static f80 fp_unary(CPUX86State *env, int op, f80 a)
{
    FP_BEGIN;
    f80 r;
    uint16_t ccm = FPUS_C1;

    switch (op) {
    case FU_CHS:
        __asm__ volatile(FP_PRE "fchs" FP_POST : "=t"(r), FP_OUTS : "0"(a), FP_CW);
        break;
    case FU_ABS:
        __asm__ volatile(FP_PRE "fabs" FP_POST : "=t"(r), FP_OUTS : "0"(a), FP_CW);
        break;
    case FU_SQRT:
        __asm__ volatile(FP_PRE "fsqrt" FP_POST : "=t"(r), FP_OUTS : "0"(a), FP_CW);
        break;
    case FU_RNDINT:
        __asm__ volatile(FP_PRE "frndint" FP_POST : "=t"(r), FP_OUTS : "0"(a), FP_CW);
        break;
    case FU_F2XM1:
        __asm__ volatile(FP_PRE "f2xm1" FP_POST : "=t"(r), FP_OUTS : "0"(a), FP_CW);
        break;
    case FU_SIN:
        __asm__ volatile(FP_PRE "fsin" FP_POST : "=t"(r), FP_OUTS : "0"(a), FP_CW);
        ccm |= FPUS_C2;
        break;
    default:
        __asm__ volatile(FP_PRE "fcos" FP_POST : "=t"(r), FP_OUTS : "0"(a), FP_CW);
        ccm |= FPUS_C2;
        break;
    }
    fp_merge_sw(env, fp_sw_, ccm);
    return r;
}

/* Two-operand ops that leave a result in ST(1)'s place and pop: fyl2x, fyl2xp1, fpatan. */
enum { FB_YL2X, FB_YL2XP1, FB_PATAN, FB_SCALE, FB_PREM, FB_PREM1 };

static f80 fp_binary(CPUX86State *env, int op, f80 st0, f80 st1)
{
    FP_BEGIN;
    f80 r;

    switch (op) {
    case FB_YL2X:
        __asm__ volatile(FP_PRE "fyl2x" FP_POST
                         : "=t"(r), FP_OUTS : "0"(st0), "u"(st1), FP_CW : "st(1)");
        break;
    case FB_YL2XP1:
        __asm__ volatile(FP_PRE "fyl2xp1" FP_POST
                         : "=t"(r), FP_OUTS : "0"(st0), "u"(st1), FP_CW : "st(1)");
        break;
    case FB_PATAN:
        __asm__ volatile(FP_PRE "fpatan" FP_POST
                         : "=t"(r), FP_OUTS : "0"(st0), "u"(st1), FP_CW : "st(1)");
        break;
    case FB_SCALE:
        __asm__ volatile(FP_PRE "fscale" FP_POST
                         : "=t"(r), FP_OUTS : "0"(st0), "u"(st1), FP_CW);
        break;
    case FB_PREM:
        __asm__ volatile(FP_PRE "fprem" FP_POST
                         : "=t"(r), FP_OUTS : "0"(st0), "u"(st1), FP_CW);
        fp_merge_sw(env, fp_sw_, FPUS_CC);
        return r;
    default:
        __asm__ volatile(FP_PRE "fprem1" FP_POST
                         : "=t"(r), FP_OUTS : "0"(st0), "u"(st1), FP_CW);
        fp_merge_sw(env, fp_sw_, FPUS_CC);
        return r;
    }
    fp_merge_sw(env, fp_sw_, FPUS_C1);
    return r;
}

/* Compare a with b: returns the host status word's C0/C2/C3. quiet: FUCOM rules. */
static uint16_t fp_compare(CPUX86State *env, f80 a, f80 b, bool quiet)
{
    FP_BEGIN;

    if (quiet) {
        __asm__ volatile(FP_PRE "fucom %%st(1)" FP_POST
                         : FP_OUTS : "t"(a), "u"(b), FP_CW);
    } else {
        __asm__ volatile(FP_PRE "fcom %%st(1)" FP_POST
                         : FP_OUTS : "t"(a), "u"(b), FP_CW);
    }
    fp_merge_sw(env, fp_sw_ & 0x3f, 0);
    return fp_sw_ & (FPUS_C0 | FPUS_C2 | FPUS_C3);
}

static void fp_set_cc(CPUX86State *env, uint16_t cc)
{
    env->fpus = (env->fpus & ~FPUS_CC) | cc;
}

/* FCOMI family: C3/C2/C0 -> ZF/PF/CF, OF/SF/AF cleared. */
static void fp_set_eflags_from_cc(CPUX86State *env, uint16_t cc)
{
    uint32_t f = 0;

    if (cc & FPUS_C3) {
        f |= CC_Z;
    }
    if (cc & FPUS_C2) {
        f |= CC_P;
    }
    if (cc & FPUS_C0) {
        f |= CC_C;
    }
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = f;
    env->fpus &= ~FPUS_C1;
}

/* ---- conversions through the host unit ---- */

static f80 fp_from_f32(CPUX86State *env, uint32_t v)
{
    FP_BEGIN;
    f80 r;

    __asm__ volatile(FP_PRE "flds %[m]" FP_POST : "=t"(r), FP_OUTS : [m] "m"(v), FP_CW);
    fp_merge_sw(env, fp_sw_, 0);
    return r;
}

static f80 fp_from_f64(CPUX86State *env, uint64_t v)
{
    FP_BEGIN;
    f80 r;

    __asm__ volatile(FP_PRE "fldl %[m]" FP_POST : "=t"(r), FP_OUTS : [m] "m"(v), FP_CW);
    fp_merge_sw(env, fp_sw_, 0);
    return r;
}

static uint32_t fp_to_f32(CPUX86State *env, f80 a)
{
    FP_BEGIN;
    uint32_t v;

    __asm__ volatile(FP_PRE "fsts %[m]" FP_POST : [m] "=m"(v), FP_OUTS : "t"(a), FP_CW);
    fp_merge_sw(env, fp_sw_, FPUS_C1);
    return v;
}

static uint64_t fp_to_f64(CPUX86State *env, f80 a)
{
    FP_BEGIN;
    uint64_t v;

    __asm__ volatile(FP_PRE "fstl %[m]" FP_POST : [m] "=m"(v), FP_OUTS : "t"(a), FP_CW);
    fp_merge_sw(env, fp_sw_, FPUS_C1);
    return v;
}

/* FIST: size 2, 4 or 8 bytes; out-of-range gives the integer indefinite and IE. */
static uint64_t fp_to_int(CPUX86State *env, f80 a, int size)
{
    FP_BEGIN;
    uint64_t v = 0;

    if (size == 2) {
        uint16_t w;

        __asm__ volatile(FP_PRE "fists %[m]" FP_POST : [m] "=m"(w), FP_OUTS : "t"(a), FP_CW);
        v = w;
    } else if (size == 4) {
        uint32_t l;

        __asm__ volatile(FP_PRE "fistl %[m]" FP_POST : [m] "=m"(l), FP_OUTS : "t"(a), FP_CW);
        v = l;
    } else {
        f80 t = a;

        /* There is no non-popping 64-bit FIST: push a copy and pop it. */
        __asm__ volatile(FP_PRE "fld %%st(0)\n\tfistpll %[m]" FP_POST
                         : [m] "=m"(v), FP_OUTS : "t"(t), FP_CW);
    }
    fp_merge_sw(env, fp_sw_, FPUS_C1);
    return v;
}

static void fp_to_bcd(CPUX86State *env, f80 a, uint8_t out[10])
{
    FP_BEGIN;
    f80 t = a;

    __asm__ volatile(FP_PRE "fld %%st(0)\n\tfbstp %[m]" FP_POST
                     : [m] "=m"(*(uint8_t (*)[10])out), FP_OUTS : "t"(t), FP_CW);
    fp_merge_sw(env, fp_sw_, FPUS_C1);
}

static f80 fp_from_bcd(CPUX86State *env, const uint8_t in[10])
{
    FP_BEGIN;
    f80 r;

    __asm__ volatile(FP_PRE "fbld %[m]" FP_POST
                     : "=t"(r), FP_OUTS : [m] "m"(*(const uint8_t (*)[10])in), FP_CW);
    fp_merge_sw(env, fp_sw_, 0);
    return r;
}

static f80 fp_const(int n)
{
    f80 r;

    switch (n) {
    case 0: __asm__("fld1" : "=t"(r)); break;
    case 1: __asm__("fldl2t" : "=t"(r)); break;
    case 2: __asm__("fldl2e" : "=t"(r)); break;
    case 3: __asm__("fldpi" : "=t"(r)); break;
    case 4: __asm__("fldlg2" : "=t"(r)); break;
    case 5: __asm__("fldln2" : "=t"(r)); break;
    default: __asm__("fldz" : "=t"(r)); break;
    }
    return r;
}

/* Constants are rounded per RC on real parts (pi, l2e...): emulate by the host with cw. */
static f80 fp_const_rc(CPUX86State *env, int n)
{
    FP_BEGIN;
    f80 r;

    switch (n) {
    case 1:
        __asm__ volatile(FP_PRE "fldl2t" FP_POST : "=t"(r), FP_OUTS : FP_CW);
        break;
    case 2:
        __asm__ volatile(FP_PRE "fldl2e" FP_POST : "=t"(r), FP_OUTS : FP_CW);
        break;
    case 3:
        __asm__ volatile(FP_PRE "fldpi" FP_POST : "=t"(r), FP_OUTS : FP_CW);
        break;
    case 4:
        __asm__ volatile(FP_PRE "fldlg2" FP_POST : "=t"(r), FP_OUTS : FP_CW);
        break;
    case 5:
        __asm__ volatile(FP_PRE "fldln2" FP_POST : "=t"(r), FP_OUTS : FP_CW);
        break;
    default:
        return fp_const(n);
    }
    (void)fp_sw_;
    return r;
}

static uint16_t fp_xam(CPUX86State *env, int reg)
{
    FP_BEGIN;
    f80 a = fp_get(&env->fpregs[reg]);

    if (env->fptags[reg]) {
        /* Empty: C3 = C0 = 1, C1 = sign. */
        return FPUS_C3 | FPUS_C0 | ((env->fpregs[reg].sexp & 0x8000) ? FPUS_C1 : 0);
    }
    __asm__ volatile(FP_PRE "fxam" FP_POST : FP_OUTS : "t"(a), FP_CW);
    return fp_sw_ & FPUS_CC;
}

/* ---- tag word and environment ---- */

static uint16_t fp_full_tag_word(CPUX86State *env)
{
    uint16_t tw = 0;

    for (int i = 0; i < 8; i++) {
        int t;
        const X86Float80 *r = &env->fpregs[i];
        int exp = r->sexp & 0x7fff;

        if (env->fptags[i]) {
            t = 3;
        } else if (exp == 0 && r->mant == 0) {
            t = 1;
        } else if (exp == 0x7fff || exp == 0 || !(r->mant >> 63)) {
            t = 2;
        } else {
            t = 0;
        }
        tw |= t << (2 * i);
    }
    return tw;
}

static uint16_t fp_status_word(CPUX86State *env)
{
    return (env->fpus & ~0x3800u) | ((env->fpstt & 7) << 11);
}

static void fp_set_status_word(CPUX86State *env, uint16_t sw)
{
    env->fpstt = (sw >> 11) & 7;
    env->fpus = sw & ~0x3800u;
}

static int fp_mmu(CPUX86State *env)
{
    return x86_mmu_idx_for_cpl(env, env->hflags & HF_CPL_MASK);
}

/* FNSTENV layout: 28 bytes (32-bit operand size) or 14 bytes (16-bit). */
static void fp_store_env(CPUX86State *env, uint32_t a, bool is32, uintptr_t ra)
{
    CPUState *cs = &env->cs;
    int mmu = fp_mmu(env);
    uint32_t vals[7] = {
        env->fpuc, fp_status_word(env), fp_full_tag_word(env), env->fpip,
        (env->fpcs & 0xffff) | ((uint32_t)(env->fpop & 0x7ff) << 16), env->fpdp, env->fpds,
    };

    for (int i = 0; i < 7; i++) {
        if (is32) {
            uint32_t v = vals[i];

            if (i < 3) {
                v |= 0xffff0000u;
            }
            cpu_stl_mmuidx_ra(cs, a + i * 4, v, mmu, ra);
        } else {
            cpu_stw_mmuidx_ra(cs, a + i * 2, vals[i], mmu, ra);
        }
    }
}

static void fp_load_env(CPUX86State *env, uint32_t a, bool is32, uintptr_t ra)
{
    CPUState *cs = &env->cs;
    int mmu = fp_mmu(env);
    uint32_t vals[7];

    for (int i = 0; i < 7; i++) {
        vals[i] = is32 ? cpu_ldl_mmuidx_ra(cs, a + i * 4, mmu, ra)
                       : cpu_lduw_mmuidx_ra(cs, a + i * 2, mmu, ra);
    }
    env->fpuc = vals[0] & 0xffff;
    fp_set_status_word(env, vals[1]);
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = ((vals[2] >> (2 * i)) & 3) == 3;
    }
    env->fpip = vals[3];
    env->fpcs = vals[4] & 0xffff;
    env->fpop = (vals[4] >> 16) & 0x7ff;
    env->fpdp = vals[5];
    env->fpds = vals[6] & 0xffff;
    if (env->fpus & ~env->fpuc & 0x3f) {
        env->fpus |= FPUS_ES | FPUS_B;
    } else {
        env->fpus &= ~(FPUS_ES | FPUS_B);
    }
}

static f80 fp_ld80(CPUX86State *env, uint32_t a, uintptr_t ra)
{
    X86Float80 r;
    int mmu = fp_mmu(env);

    r.mant = cpu_ldq_mmuidx_ra(&env->cs, a, mmu, ra);
    r.sexp = cpu_lduw_mmuidx_ra(&env->cs, a + 8, mmu, ra);
    return fp_get(&r);
}

static void fp_st80(CPUX86State *env, uint32_t a, f80 v, uintptr_t ra)
{
    X86Float80 r;
    int mmu = fp_mmu(env);

    fp_put(&r, v);
    cpu_stq_mmuidx_ra(&env->cs, a, r.mant, mmu, ra);
    cpu_stw_mmuidx_ra(&env->cs, a + 8, r.sexp, mmu, ra);
}

static void fp_check_pending(CPUX86State *env, uintptr_t ra)
{
    if ((env->fpus & FPUS_ES) && (env->cr[0] & CR0_NE)) {
        x86_raise_exception(env, EXCP10_COPR, ra);
    }
}

void helper_x86_fwait(CPUX86State *env)
{
    fp_check_pending(env, GETPC());
}

static void fp_init(CPUX86State *env)
{
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fpstt = 0;
    memset(env->fptags, 1, sizeof(env->fptags));
    env->fpip = env->fpcs = env->fpdp = env->fpds = 0;
    env->fpop = 0;
}

/* Is this (escape byte & 7, reg/op field, mod==3, rm) a control insn (no #MF check)? */
static bool fp_is_control(int esc, int reg, bool is_reg, int rm)
{
    if (!is_reg) {
        return (esc == 1 && reg >= 4) || (esc == 5 && (reg == 4 || reg == 6 || reg == 7));
    }
    return (esc == 3 && reg == 4 && (rm == 2 || rm == 3)) || (esc == 7 && reg == 4);
}

/* ---- memory forms: op = (escape & 7) << 3 | reg ---- */

void helper_x86_fpu_mem(CPUX86State *env, uint32_t op, uint32_t a, uint32_t is32)
{
    uintptr_t ra = GETPC();
    CPUState *cs = &env->cs;
    int mmu = fp_mmu(env);
    int esc = op >> 3, reg = op & 7;
    f80 v;

    if (!fp_is_control(esc, reg, false, 0)) {
        fp_check_pending(env, ra);
        env->fpop = (uint16_t)(((esc & 7) << 8) | (reg << 3));
        env->fpdp = a;
    }
    switch (esc) {
    case 0: case 2: case 4: case 6: {
        /* Arithmetic with a memory operand: m32real, m32int, m64real, m16int. */
        static const int fa_map[8] = { FA_ADD, FA_MUL, -1, -1, FA_SUB, FA_SUBR, FA_DIV,
                                       FA_DIVR };
        f80 m;

        if (esc == 0) {
            m = fp_from_f32(env, cpu_ldl_mmuidx_ra(cs, a, mmu, ra));
        } else if (esc == 4) {
            m = fp_from_f64(env, cpu_ldq_mmuidx_ra(cs, a, mmu, ra));
        } else if (esc == 2) {
            m = (f80)(int32_t)cpu_ldl_mmuidx_ra(cs, a, mmu, ra);
        } else {
            m = (f80)(int16_t)cpu_lduw_mmuidx_ra(cs, a, mmu, ra);
        }
        v = fp_read(env, 0);
        if (reg == 2 || reg == 3) {
            fp_set_cc(env, fp_compare(env, v, m, false));
            if (reg == 3) {
                fp_pop(env);
            }
            return;
        }
        fp_write(env, 0, fp_arith(env, fa_map[reg], v, m));
        return;
    }
    case 1:
        switch (reg) {
        case 0:
            fp_push(env, fp_from_f32(env, cpu_ldl_mmuidx_ra(cs, a, mmu, ra)));
            return;
        case 2:
        case 3:
            cpu_stl_mmuidx_ra(cs, a, fp_to_f32(env, fp_read(env, 0)), mmu, ra);
            if (reg == 3) {
                fp_pop(env);
            }
            return;
        case 4:
            fp_load_env(env, a, is32, ra);
            return;
        case 5:
            env->fpuc = cpu_lduw_mmuidx_ra(cs, a, mmu, ra);
            if (env->fpus & ~env->fpuc & 0x3f) {
                env->fpus |= FPUS_ES | FPUS_B;
            } else {
                env->fpus &= ~(FPUS_ES | FPUS_B);
            }
            return;
        case 6:
            fp_store_env(env, a, is32, ra);
            /* FNSTENV masks all exceptions afterwards. */
            env->fpuc |= 0x3f;
            return;
        case 7:
            cpu_stw_mmuidx_ra(cs, a, env->fpuc, mmu, ra);
            return;
        default:
            break;
        }
        break;
    case 3:
        switch (reg) {
        case 0:
            fp_push(env, (f80)(int32_t)cpu_ldl_mmuidx_ra(cs, a, mmu, ra));
            return;
        case 2:
        case 3:
            cpu_stl_mmuidx_ra(cs, a, (uint32_t)fp_to_int(env, fp_read(env, 0), 4), mmu, ra);
            if (reg == 3) {
                fp_pop(env);
            }
            return;
        case 5:
            fp_push(env, fp_ld80(env, a, ra));
            return;
        case 7:
            fp_st80(env, a, fp_read(env, 0), ra);
            fp_pop(env);
            return;
        default:
            break;
        }
        break;
    case 5:
        switch (reg) {
        case 0:
            fp_push(env, fp_from_f64(env, cpu_ldq_mmuidx_ra(cs, a, mmu, ra)));
            return;
        case 2:
        case 3:
            cpu_stq_mmuidx_ra(cs, a, fp_to_f64(env, fp_read(env, 0)), mmu, ra);
            if (reg == 3) {
                fp_pop(env);
            }
            return;
        case 4: {
            /* FRSTOR: read everything first so a fault changes nothing. */
            int esz = is32 ? 28 : 14;
            f80 regs[8];

            for (int i = 0; i < 8; i++) {
                regs[i] = fp_ld80(env, a + esz + i * 10, ra);
            }
            fp_load_env(env, a, is32, ra);
            for (int i = 0; i < 8; i++) {
                fp_put(&env->fpregs[fp_st(env, i)], regs[i]);
            }
            return;
        }
        case 6: {
            int esz = is32 ? 28 : 14;

            /* Probe the last byte so the save is all-or-nothing for page faults. */
            cpu_stb_mmuidx_ra(cs, a + esz + 79, cpu_ldub_mmuidx_ra(cs, a + esz + 79, mmu,
                                                                   ra), mmu, ra);
            fp_store_env(env, a, is32, ra);
            for (int i = 0; i < 8; i++) {
                fp_st80(env, a + esz + i * 10, fp_get(&env->fpregs[fp_st(env, i)]), ra);
            }
            fp_init(env);
            return;
        }
        case 7:
            cpu_stw_mmuidx_ra(cs, a, fp_status_word(env), mmu, ra);
            return;
        default:
            break;
        }
        break;
    case 7:
        switch (reg) {
        case 0:
            fp_push(env, (f80)(int16_t)cpu_lduw_mmuidx_ra(cs, a, mmu, ra));
            return;
        case 2:
        case 3:
            cpu_stw_mmuidx_ra(cs, a, (uint16_t)fp_to_int(env, fp_read(env, 0), 2), mmu, ra);
            if (reg == 3) {
                fp_pop(env);
            }
            return;
        case 4: {
            uint8_t b[10];

            for (int i = 0; i < 10; i++) {
                b[i] = cpu_ldub_mmuidx_ra(cs, a + i, mmu, ra);
            }
            fp_push(env, fp_from_bcd(env, b));
            return;
        }
        case 5:
            fp_push(env, (f80)(int64_t)cpu_ldq_mmuidx_ra(cs, a, mmu, ra));
            return;
        case 6: {
            uint8_t b[10];

            fp_to_bcd(env, fp_read(env, 0), b);
            for (int i = 0; i < 10; i++) {
                cpu_stb_mmuidx_ra(cs, a + i, b[i], mmu, ra);
            }
            fp_pop(env);
            return;
        }
        case 7:
            cpu_stq_mmuidx_ra(cs, a, fp_to_int(env, fp_read(env, 0), 8), mmu, ra);
            fp_pop(env);
            return;
        default:
            break;
        }
        break;
    default:
        break;
    }
    /* Reserved encodings (FISTTP is SSE3, not offered). */
    x86_raise_exception(env, EXCP06_ILLOP, ra);
}

/* FCMOVcc condition from EFLAGS: DA/DB /0 B, /1 E, /2 BE, /3 U. */
static bool fp_cmov_cond(CPUX86State *env, int reg)
{
    uint32_t f = x86_cc_flags(env);

    switch (reg & 3) {
    case 0: return f & CC_C;
    case 1: return f & CC_Z;
    case 2: return f & (CC_C | CC_Z);
    default: return f & CC_P;
    }
}

/* ---- register forms: op = (escape & 7) << 3 | reg, rm = i ---- */

void helper_x86_fpu_reg(CPUX86State *env, uint32_t op, uint32_t i)
{
    uintptr_t ra = GETPC();
    int esc = op >> 3, reg = op & 7;
    f80 a, b;

    if (!fp_is_control(esc, reg, true, i)) {
        fp_check_pending(env, ra);
        env->fpop = (uint16_t)(((esc & 7) << 8) | 0xc0 | (reg << 3) | i);
    }
    switch (esc) {
    case 0: {
        static const int fa_map[8] = { FA_ADD, FA_MUL, -1, -1, FA_SUB, FA_SUBR, FA_DIV,
                                       FA_DIVR };
        a = fp_read(env, 0);
        b = fp_read(env, i);
        if (reg == 2 || reg == 3) {
            fp_set_cc(env, fp_compare(env, a, b, false));
            if (reg == 3) {
                fp_pop(env);
            }
            return;
        }
        fp_write(env, 0, fp_arith(env, fa_map[reg], a, b));
        return;
    }
    case 4:
    case 6: {
        /* Destination ST(i): the SUB/SUBR and DIV/DIVR encodings are swapped. */
        static const int fa_map[8] = { FA_ADD, FA_MUL, -1, -1, FA_SUBR, FA_SUB, FA_DIVR,
                                       FA_DIV };
        if (reg == 2 || reg == 3) {
            if (esc == 6 && reg == 3 && i != 1) {
                break;
            }
            a = fp_read(env, 0);
            b = fp_read(env, i);
            fp_set_cc(env, fp_compare(env, a, b, false));
            if (reg == 3) {
                fp_pop(env);
                if (esc == 6) {
                    fp_pop(env);    /* FCOMPP */
                }
            }
            return;
        }
        a = fp_read(env, i);
        b = fp_read(env, 0);
        fp_write(env, i, fp_arith(env, fa_map[reg], a, b));
        if (esc == 6) {
            fp_pop(env);
        }
        return;
    }
    case 1:
        switch (reg) {
        case 0:
            fp_push(env, fp_read(env, i));
            return;
        case 1:
        case 3: {
            if (reg == 3) {
                /* FSTP1 (undocumented alias of FSTP ST(i)). */
                fp_write(env, i, fp_read(env, 0));
                fp_pop(env);
                return;
            }
            int r0 = fp_st(env, 0), ri = fp_st(env, i);
            X86Float80 t = env->fpregs[r0];
            uint8_t tt = env->fptags[r0];

            if (env->fptags[r0] || env->fptags[ri]) {
                fp_stack_fault(env, false);
            }
            env->fpregs[r0] = env->fpregs[ri];
            env->fptags[r0] = env->fptags[ri];
            env->fpregs[ri] = t;
            env->fptags[ri] = tt;
            env->fpus &= ~FPUS_C1;
            return;
        }
        case 2:
            if (i == 0) {
                return;     /* FNOP */
            }
            break;
        case 4:
            switch (i) {
            case 0:
                fp_write(env, 0, fp_unary(env, FU_CHS, fp_read(env, 0)));
                return;
            case 1:
                fp_write(env, 0, fp_unary(env, FU_ABS, fp_read(env, 0)));
                return;
            case 4:
                fp_set_cc(env, fp_compare(env, fp_read(env, 0), 0.0L, false));
                return;
            case 5:
                fp_set_cc(env, fp_xam(env, fp_st(env, 0)));
                return;
            default:
                break;
            }
            break;
        case 5:
            if (i < 7) {
                fp_push(env, fp_const_rc(env, i));
                return;
            }
            break;
        case 6:
            switch (i) {
            case 0:
                fp_write(env, 0, fp_unary(env, FU_F2XM1, fp_read(env, 0)));
                return;
            case 1:
            case 3: {
                f80 r = fp_binary(env, i == 1 ? FB_YL2X : FB_PATAN, fp_read(env, 0),
                                  fp_read(env, 1));
                fp_write(env, 1, r);
                fp_pop(env);
                return;
            }
            case 2: {
                FP_BEGIN;
                f80 r, one;

                a = fp_read(env, 0);
                __asm__ volatile(FP_PRE "fptan" FP_POST
                                 : "=t"(one), "=u"(r), FP_OUTS : "0"(a), FP_CW);
                fp_merge_sw(env, fp_sw_, FPUS_C1 | FPUS_C2);
                fp_write(env, 0, r);
                if (!(fp_sw_ & FPUS_C2)) {
                    fp_push(env, one);
                }
                return;
            }
            case 4: {
                FP_BEGIN;
                f80 sig, ex;

                a = fp_read(env, 0);
                __asm__ volatile(FP_PRE "fxtract" FP_POST
                                 : "=t"(sig), "=u"(ex), FP_OUTS : "0"(a), FP_CW);
                fp_merge_sw(env, fp_sw_, FPUS_C1);
                fp_write(env, 0, ex);
                fp_push(env, sig);
                return;
            }
            case 5:
                fp_write(env, 0, fp_binary(env, FB_PREM1, fp_read(env, 0), fp_read(env, 1)));
                return;
            case 6:
                env->fpstt = (env->fpstt - 1) & 7;
                env->fpus &= ~FPUS_C1;
                return;
            default:
                env->fpstt = (env->fpstt + 1) & 7;
                env->fpus &= ~FPUS_C1;
                return;
            }
        case 7:
            switch (i) {
            case 0:
                fp_write(env, 0, fp_binary(env, FB_PREM, fp_read(env, 0), fp_read(env, 1)));
                return;
            case 1: {
                f80 r = fp_binary(env, FB_YL2XP1, fp_read(env, 0), fp_read(env, 1));
                fp_write(env, 1, r);
                fp_pop(env);
                return;
            }
            case 2:
                fp_write(env, 0, fp_unary(env, FU_SQRT, fp_read(env, 0)));
                return;
            case 3: {
                FP_BEGIN;
                f80 c, sn;

                a = fp_read(env, 0);
                __asm__ volatile(FP_PRE "fsincos" FP_POST
                                 : "=t"(c), "=u"(sn), FP_OUTS : "0"(a), FP_CW);
                fp_merge_sw(env, fp_sw_, FPUS_C1 | FPUS_C2);
                if (fp_sw_ & FPUS_C2) {
                    return;     /* out of range: operand unchanged */
                }
                fp_write(env, 0, sn);
                fp_push(env, c);
                return;
            }
            case 4:
                fp_write(env, 0, fp_unary(env, FU_RNDINT, fp_read(env, 0)));
                return;
            case 5:
                fp_write(env, 0, fp_binary(env, FB_SCALE, fp_read(env, 0), fp_read(env, 1)));
                return;
            case 6:
                fp_write(env, 0, fp_unary(env, FU_SIN, fp_read(env, 0)));
                return;
            default:
                fp_write(env, 0, fp_unary(env, FU_COS, fp_read(env, 0)));
                return;
            }
        default:
            break;
        }
        break;
    case 2:
        if (reg < 4) {
            if (fp_cmov_cond(env, reg)) {
                fp_write(env, 0, fp_read(env, i));
            }
            return;
        }
        if (reg == 5 && i == 1) {
            fp_set_cc(env, fp_compare(env, fp_read(env, 0), fp_read(env, 1), true));
            fp_pop(env);
            fp_pop(env);
            return;
        }
        break;
    case 3:
        if (reg < 4) {
            if (!fp_cmov_cond(env, reg)) {
                fp_write(env, 0, fp_read(env, i));
            }
            return;
        }
        if (reg == 4) {
            switch (i) {
            case 0: case 1: case 4:
                return;     /* FENI/FDISI/FSETPM: no-ops after the 8087/287 */
            case 2:
                env->fpus &= 0x7f00;    /* FNCLEX: keep TOP and C0-C3 */
                env->fpus &= ~FPUS_ES;
                return;
            case 3:
                fp_init(env);
                return;
            default:
                break;
            }
            break;
        }
        if (reg == 5 || reg == 6) {
            fp_set_eflags_from_cc(env, fp_compare(env, fp_read(env, 0), fp_read(env, i),
                                                  reg == 5));
            return;
        }
        break;
    case 5:
        switch (reg) {
        case 0:
            env->fptags[fp_st(env, i)] = 1;
            return;
        case 1: {
            /* FXCH4 alias */
            int r0 = fp_st(env, 0), ri = fp_st(env, i);
            X86Float80 t = env->fpregs[r0];
            uint8_t tt = env->fptags[r0];

            env->fpregs[r0] = env->fpregs[ri];
            env->fptags[r0] = env->fptags[ri];
            env->fpregs[ri] = t;
            env->fptags[ri] = tt;
            return;
        }
        case 2:
        case 3:
            fp_write(env, i, fp_read(env, 0));
            if (reg == 3) {
                fp_pop(env);
            }
            return;
        case 4:
        case 5:
            fp_set_cc(env, fp_compare(env, fp_read(env, 0), fp_read(env, i), true));
            if (reg == 5) {
                fp_pop(env);
            }
            return;
        default:
            break;
        }
        break;
    case 7:
        switch (reg) {
        case 0:
            /* FFREEP */
            env->fptags[fp_st(env, i)] = 1;
            fp_pop(env);
            return;
        case 1:
            break;
        case 2:
        case 3:
            fp_write(env, i, fp_read(env, 0));
            fp_pop(env);
            return;
        case 4:
            if (i == 0) {
                env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | fp_status_word(env);
                return;
            }
            break;
        case 5:
        case 6:
            fp_set_eflags_from_cc(env, fp_compare(env, fp_read(env, 0), fp_read(env, i),
                                                  reg == 5));
            fp_pop(env);
            return;
        default:
            break;
        }
        break;
    default:
        break;
    }
    x86_raise_exception(env, EXCP06_ILLOP, ra);
}

/* ---- FXSAVE / FXRSTOR (FXSR): the 512-byte image, 32-bit layout ---- */

#define FXSAVE_MXCSR_MASK 0x0000ffbfu   /* no DAZ */

void helper_x86_fxsave(CPUX86State *env, uint32_t a)
{
    uintptr_t ra = GETPC();
    CPUState *cs = &env->cs;
    int mmu = fp_mmu(env);
    uint8_t ftw = 0;

    if (a & 15) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    /* Probe the last byte first: the image is written all or nothing. */
    cpu_stb_mmuidx_ra(cs, a + 511, cpu_ldub_mmuidx_ra(cs, a + 511, mmu, ra), mmu, ra);
    for (int i = 0; i < 8; i++) {
        if (!env->fptags[i]) {
            ftw |= 1u << i;
        }
    }
    cpu_stw_mmuidx_ra(cs, a + 0, env->fpuc, mmu, ra);
    cpu_stw_mmuidx_ra(cs, a + 2, fp_status_word(env), mmu, ra);
    cpu_stw_mmuidx_ra(cs, a + 4, ftw, mmu, ra);
    cpu_stw_mmuidx_ra(cs, a + 6, env->fpop, mmu, ra);
    cpu_stl_mmuidx_ra(cs, a + 8, env->fpip, mmu, ra);
    cpu_stl_mmuidx_ra(cs, a + 12, env->fpcs & 0xffff, mmu, ra);
    cpu_stl_mmuidx_ra(cs, a + 16, env->fpdp, mmu, ra);
    cpu_stl_mmuidx_ra(cs, a + 20, env->fpds & 0xffff, mmu, ra);
    cpu_stl_mmuidx_ra(cs, a + 24, env->mxcsr, mmu, ra);
    cpu_stl_mmuidx_ra(cs, a + 28, FXSAVE_MXCSR_MASK, mmu, ra);
    for (int i = 0; i < 8; i++) {
        const X86Float80 *r = &env->fpregs[fp_st(env, i)];

        cpu_stq_mmuidx_ra(cs, a + 32 + 16 * i, r->mant, mmu, ra);
        cpu_stw_mmuidx_ra(cs, a + 40 + 16 * i, r->sexp, mmu, ra);
    }
    for (int i = 0; i < 8; i++) {
        cpu_stq_mmuidx_ra(cs, a + 160 + 16 * i, env->xmm[i].q[0], mmu, ra);
        cpu_stq_mmuidx_ra(cs, a + 168 + 16 * i, env->xmm[i].q[1], mmu, ra);
    }
}

void helper_x86_fxrstor(CPUX86State *env, uint32_t a)
{
    uintptr_t ra = GETPC();
    CPUState *cs = &env->cs;
    int mmu = fp_mmu(env);
    X86Float80 regs[8];
    X86XMMReg xmm[8];
    uint32_t mxcsr;
    uint16_t cw, sw, ftw, fop;
    uint32_t fip, fcs, fdp, fds;

    if (a & 15) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    /* Read everything, check MXCSR, then commit. */
    cw = cpu_lduw_mmuidx_ra(cs, a + 0, mmu, ra);
    sw = cpu_lduw_mmuidx_ra(cs, a + 2, mmu, ra);
    ftw = cpu_ldub_mmuidx_ra(cs, a + 4, mmu, ra);
    fop = cpu_lduw_mmuidx_ra(cs, a + 6, mmu, ra);
    fip = cpu_ldl_mmuidx_ra(cs, a + 8, mmu, ra);
    fcs = cpu_lduw_mmuidx_ra(cs, a + 12, mmu, ra);
    fdp = cpu_ldl_mmuidx_ra(cs, a + 16, mmu, ra);
    fds = cpu_lduw_mmuidx_ra(cs, a + 20, mmu, ra);
    mxcsr = cpu_ldl_mmuidx_ra(cs, a + 24, mmu, ra);
    if (mxcsr & ~FXSAVE_MXCSR_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    for (int i = 0; i < 8; i++) {
        regs[i].mant = cpu_ldq_mmuidx_ra(cs, a + 32 + 16 * i, mmu, ra);
        regs[i].sexp = cpu_lduw_mmuidx_ra(cs, a + 40 + 16 * i, mmu, ra);
        xmm[i].q[0] = cpu_ldq_mmuidx_ra(cs, a + 160 + 16 * i, mmu, ra);
        xmm[i].q[1] = cpu_ldq_mmuidx_ra(cs, a + 168 + 16 * i, mmu, ra);
    }
    env->fpuc = cw;
    fp_set_status_word(env, sw);
    if (env->fpus & ~env->fpuc & 0x3f) {
        env->fpus |= FPUS_ES | FPUS_B;
    } else {
        env->fpus &= ~(FPUS_ES | FPUS_B);
    }
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((ftw >> i) & 1);
        env->fpregs[fp_st(env, i)] = regs[i];
        env->xmm[i] = xmm[i];
    }
    env->fpop = fop & 0x7ff;
    env->fpip = fip;
    env->fpcs = fcs;
    env->fpdp = fdp;
    env->fpds = fds;
    env->mxcsr = mxcsr;
}
