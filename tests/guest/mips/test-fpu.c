/*
 * The 24Kf's FPU (CP1): CU1 = 0 -> Coprocessor Unusable with CE = 1, FIR and the
 * FCSR views, arithmetic results bit-exact (expected values computed on the host
 * with IEEE single/double arithmetic), the four rounding modes, Cause/Flags,
 * enabled exceptions (ExcCode 15, destination unchanged, in a delay slot too),
 * MIPS legacy NaN encodings, conversions to/from W and L, the 16 compare
 * conditions on FCC 0-7 with BC1T/BC1F(L) and their delay slots, FR = 0 pairs
 * and FR = 1 registers, MOVF/MOVT/MOVZ/MOVN.fmt, MOVCI, MADD family (not fused),
 * indexed loads/stores.
 * guest-args: -cpu 24Kf */
#include "lib.h"

typedef _Bool bool;

/* The tests build with -msoft-float; each asm enables FP insns for itself. */
#define FPA(code) ".set push\n\t.set hardfloat\n\t" code "\n\t.set pop"
#define FPA64(code) ".set push\n\t.set hardfloat\n\t.set fp=64\n\t" code "\n\t.set pop"

#define ST_CU1 (1u << 29)
#define ST_FR  (1u << 26)

#define FCSR_I_CAUSE (1u << 12)
#define FCSR_U_CAUSE (1u << 13)
#define FCSR_O_CAUSE (1u << 14)
#define FCSR_Z_CAUSE (1u << 15)
#define FCSR_V_CAUSE (1u << 16)
#define FCSR_E_CAUSE (1u << 17)
#define FCSR_CAUSE   (0x3fu << 12)
#define FCSR_FLAGS   (0x1fu << 2)
#define FCSR_V_ENABLE (1u << 11)
#define FCSR_Z_ENABLE (1u << 10)

#define SENTINEL 0xdeadbeefu

static u32 get_fcsr(void)
{
    u32 v;
    __asm__ volatile(FPA("cfc1 %0, $31") : "=r"(v));
    return v;
}

static void set_fcsr(u32 v)
{
    __asm__ volatile(FPA("ctc1 %0, $31") : : "r"(v) : "memory");
}

/* Single op fd = fs op ft through $f0, $f2, $f4; $f0 holds SENTINEL before, so a
 * trapping op (skipped by the handler) leaves it. */
#define BIN_S(insn, a, b) ({ u32 _r; __asm__ volatile(FPA(                          \
        "mtc1 %3, $f0\n\tmtc1 %1, $f2\n\tmtc1 %2, $f4\n\t" insn " $f0, $f2, $f4\n\t" \
        "mfc1 %0, $f0") : "=r"(_r) : "r"((u32)(a)), "r"((u32)(b)), "r"(SENTINEL));   \
        _r; })
#define UN_S(insn, a) ({ u32 _r; __asm__ volatile(FPA(                               \
        "mtc1 %2, $f0\n\tmtc1 %1, $f2\n\t" insn " $f0, $f2\n\tmfc1 %0, $f0")          \
        : "=r"(_r) : "r"((u32)(a)), "r"(SENTINEL)); _r; })

/* Doubles through mtc1/mthc1 (correct for FR = 0 and FR = 1). */
static inline u64 mk64(u32 lo, u32 hi)
{
    return ((u64)hi << 32) | lo;
}

#define BIN_D(insn, a, b) ({ u32 _lo, _hi; u64 _a = (a), _b = (b);                   \
        __asm__ volatile(FPA(                                                         \
        "mtc1 %6, $f0\n\tmthc1 %6, $f0\n\t"                                           \
        "mtc1 %2, $f2\n\tmthc1 %3, $f2\n\tmtc1 %4, $f4\n\tmthc1 %5, $f4\n\t"          \
        insn " $f0, $f2, $f4\n\tmfc1 %0, $f0\n\tmfhc1 %1, $f0")                        \
        : "=&r"(_lo), "=&r"(_hi) : "r"((u32)_a), "r"((u32)(_a >> 32)),                \
          "r"((u32)_b), "r"((u32)(_b >> 32)), "r"(SENTINEL));                         \
        mk64(_lo, _hi); })
#define UN_D(insn, a) ({ u32 _lo, _hi; u64 _a = (a);                                  \
        __asm__ volatile(FPA(                                                         \
        "mtc1 %4, $f0\n\tmthc1 %4, $f0\n\tmtc1 %2, $f2\n\tmthc1 %3, $f2\n\t"          \
        insn " $f0, $f2\n\tmfc1 %0, $f0\n\tmfhc1 %1, $f0")                             \
        : "=&r"(_lo), "=&r"(_hi) : "r"((u32)_a), "r"((u32)(_a >> 32)), "r"(SENTINEL)); \
        mk64(_lo, _hi); })
/* Double (or L) source in $f2 -> single (or W) result in $f0. */
#define D_TO_S(insn, a) ({ u32 _r; u64 _a = (a); __asm__ volatile(FPA(                 \
        "mtc1 %3, $f0\n\tmtc1 %1, $f2\n\tmthc1 %2, $f2\n\t" insn " $f0, $f2\n\t"       \
        "mfc1 %0, $f0") : "=r"(_r) : "r"((u32)_a), "r"((u32)(_a >> 32)),              \
        "r"(SENTINEL)); _r; })
/* Single (or W) source -> double (or L) result. */
#define S_TO_D(insn, a) ({ u32 _lo, _hi; __asm__ volatile(FPA(                        \
        "mtc1 %3, $f0\n\tmthc1 %3, $f0\n\tmtc1 %2, $f2\n\t" insn " $f0, $f2\n\t"       \
        "mfc1 %0, $f0\n\tmfhc1 %1, $f0")                                              \
        : "=&r"(_lo), "=&r"(_hi) : "r"((u32)(a)), "r"(SENTINEL)); mk64(_lo, _hi); })

static void set_status(u32 set, u32 clear)
{
    u32 st = mfc0(12, 0);
    mtc0(12, 0, (st | set) & ~clear);
}

/* ---- CU1 = 0 ---- */

static u32 run_cpu_case(int which)
{
    u32 at;

    reset_exc();
    switch (which) {
    case 0:
        __asm__ volatile(FPA("la %0, 1f\n1:\tmfc1 $2, $f0") : "=r"(at) : : "$2");
        break;
    case 1:
        __asm__ volatile(FPA("la %0, 1f\n1:\tlwc1 $f0, 0($sp)") : "=r"(at));
        break;
    case 2:
        __asm__ volatile(FPA("la %0, 1f\n1:\tmadd.s $f0, $f2, $f4, $f6") : "=r"(at));
        break;
    case 3:
        __asm__ volatile(FPA("la %0, 1f\n1:\tmovt $2, $3, $fcc0") : "=r"(at) : : "$2");
        break;
    case 4:
        __asm__ volatile(FPA("la %0, 1f\n1:\tcfc1 $2, $0") : "=r"(at) : : "$2");
        break;
    default:
        __asm__ volatile(FPA("la %0, 1f\n1:\tadd.d $f0, $f2, $f4") : "=r"(at));
        break;
    }
    return at;
}

/* Linux's lazy FPU switching: the CpU handler sets CU1 and returns to the insn. */
static int lazy_hook(struct frame *f)
{
    if (EXC_CODE(f->cause) != 11) {
        return 0;
    }
    f->status |= ST_CU1;
    return 1;                   /* EPC unchanged: the insn runs again */
}

static void test_cu1_lazy(void)
{
    u32 r, at;

    set_status(0, ST_CU1);
    reset_exc();
    exc_hook = lazy_hook;
    __asm__ volatile(FPA("li $8, 0x1234\n\tmtc1 $8, $f6\n\tmfc1 %0, $f6") : "=r"(r) : : "$8");
    exc_hook = 0;
    check("lazy CU1: one CpU", last_exc.count, 1);
    check("lazy CU1: insn re-run", r, 0x1234);
    check("lazy CU1: CU1 now set", (mfc0(12, 0) >> 29) & 1, 1);
    /* CpU in a delay slot: EPC = the branch, BD. */
    set_status(0, ST_CU1);
    reset_exc();
    __asm__ volatile(FPA(".set noreorder\n\tla %0, 1f\n1:\tbeq $0, $0, 2f\n\t"
                         "mtc1 $0, $f6\n\tnop\n2:\n\t.set reorder") : "=&r"(at));
    check("CpU in delay slot", EXC_CODE(last_exc.cause), 11);
    check("  BD", last_exc.cause & CAUSE_BD, CAUSE_BD);
    check("  EPC = branch", last_exc.epc, at);
    check("  CE=1", (last_exc.cause >> 28) & 3, 1);
    set_status(ST_CU1, 0);
}

static void test_cu1_off(void)
{
    static const char *const names[] = {
        "CU1=0 mfc1", "CU1=0 lwc1", "CU1=0 madd.s", "CU1=0 movt", "CU1=0 cfc1",
        "CU1=0 add.d",
    };

    set_status(0, ST_CU1);
    for (int i = 0; i < 6; i++) {
        u32 at = run_cpu_case(i);
        check(names[i], EXC_CODE(last_exc.cause), 11);
        check("  CE=1", (last_exc.cause >> 28) & 3, 1);
        check("  EPC", last_exc.epc, at);
    }
    check("Config1.FP", mfc0(16, 1) & 1, 1);
    set_status(ST_CU1, 0);
    check("Status.CU1 writable", (mfc0(12, 0) >> 29) & 1, 1);
}

/* ---- control registers ---- */

static void test_control(void)
{
    u32 v;

    __asm__ volatile(FPA("cfc1 %0, $0") : "=r"(v));
    check("FIR", v, 0x00739300u);
    set_fcsr(0);
    check("FCSR reset/cleared", get_fcsr(), 0);
    set_fcsr(0xffffffffu & ~(FCSR_CAUSE));
    check("FCSR writable bits", get_fcsr(), 0xff83ffffu & ~FCSR_CAUSE);
    __asm__ volatile(FPA("cfc1 %0, $25") : "=r"(v));
    check("FCCR", v, 0xff);
    __asm__ volatile(FPA("cfc1 %0, $28") : "=r"(v));
    check("FENR", v, 0xf87);
    __asm__ volatile(FPA("cfc1 %0, $26") : "=r"(v));
    check("FEXR", v, 0x7c);
    set_fcsr(0);
    __asm__ volatile(FPA("ctc1 %0, $25") : : "r"(0xa5u));
    check("FCCR write -> FCSR", get_fcsr(), (1u << 23) | (0x52u << 25));
    __asm__ volatile(FPA("ctc1 %0, $28") : : "r"(0x107u));
    check("FENR write -> FCSR", get_fcsr(), (1u << 23) | (0x52u << 25) | (1u << 24) |
                                            0x103u);
    set_fcsr(0);
}

/* ---- arithmetic, rounding, flags ---- */

static void test_arith(void)
{
    set_fcsr(0);
    check("add.s 1+2", BIN_S("add.s", 0x3f800000u, 0x40000000u), 0x40400000u);
    check("  no cause", get_fcsr(), 0);
    check("sub.s 1-2", BIN_S("sub.s", 0x3f800000u, 0x40000000u), 0xbf800000u);
    check("mul.s 3*-0.5", BIN_S("mul.s", 0x40400000u, 0xbf000000u), 0xbfc00000u);
    check("div.s 1/3 RN", BIN_S("div.s", 0x3f800000u, 0x40400000u), 0x3eaaaaabu);
    check("  cause I, flag I", get_fcsr(), FCSR_I_CAUSE | (1u << 2));
    check("add.s exact keeps flag", BIN_S("add.s", 0x3f800000u, 0x3f800000u), 0x40000000u);
    check("  cause 0, flag I", get_fcsr(), 1u << 2);
    set_fcsr(1);
    check("div.s 1/3 RZ", BIN_S("div.s", 0x3f800000u, 0x40400000u), 0x3eaaaaaau);
    check("div.s -1/3 RZ", BIN_S("div.s", 0xbf800000u, 0x40400000u), 0xbeaaaaaau);
    set_fcsr(2);
    check("div.s 1/3 RP", BIN_S("div.s", 0x3f800000u, 0x40400000u), 0x3eaaaaabu);
    check("div.s -1/3 RP", BIN_S("div.s", 0xbf800000u, 0x40400000u), 0xbeaaaaaau);
    check64("div.d 1/3 RP", BIN_D("div.d", 0x3ff0000000000000ull, 0x4008000000000000ull),
            0x3fd5555555555556ull);
    set_fcsr(3);
    check("div.s 1/3 RM", BIN_S("div.s", 0x3f800000u, 0x40400000u), 0x3eaaaaaau);
    check("div.s -1/3 RM", BIN_S("div.s", 0xbf800000u, 0x40400000u), 0xbeaaaaabu);
    check("sub.s 1-1 RM is -0", BIN_S("sub.s", 0x3f800000u, 0x3f800000u), 0x80000000u);
    set_fcsr(0);
    check("sub.s 1-1 RN is +0", BIN_S("sub.s", 0x3f800000u, 0x3f800000u), 0);
    check64("div.d 1/3", BIN_D("div.d", 0x3ff0000000000000ull, 0x4008000000000000ull),
            0x3fd5555555555555ull);
    check64("add.d", BIN_D("add.d", 0x3ff0000000000000ull, 0x4000000000000000ull),
            0x4008000000000000ull);
    check64("mul.d", BIN_D("mul.d", 0x4004000000000000ull, 0xc000000000000000ull),
            0xc014000000000000ull);
    check64("sub.d", BIN_D("sub.d", 0x4004000000000000ull, 0x4004000000000000ull), 0);
    check("sqrt.s 2", UN_S("sqrt.s", 0x40000000u), 0x3fb504f3u);
    check64("sqrt.d 2", UN_D("sqrt.d", 0x4000000000000000ull), 0x3ff6a09e667f3bcdull);
    check("sqrt.s -0", UN_S("sqrt.s", 0x80000000u), 0x80000000u);
    check("recip.s 4", UN_S("recip.s", 0x40800000u), 0x3e800000u);
    check("rsqrt.s 4", UN_S("rsqrt.s", 0x40800000u), 0x3f000000u);
    check64("recip.d 2", UN_D("recip.d", 0x4000000000000000ull), 0x3fe0000000000000ull);
    check64("rsqrt.d 4", UN_D("rsqrt.d", 0x4010000000000000ull), 0x3fe0000000000000ull);
    check("abs.s", UN_S("abs.s", 0xc0000000u), 0x40000000u);
    check("neg.s 0", UN_S("neg.s", 0), 0x80000000u);
    check("mov.s", UN_S("mov.s", 0x12345678u), 0x12345678u);
    check64("abs.d", UN_D("abs.d", 0xc000000000000001ull), 0x4000000000000001ull);
    check64("neg.d", UN_D("neg.d", 0x4000000000000001ull), 0xc000000000000001ull);
    check64("mov.d", UN_D("mov.d", 0x0123456789abcdefull), 0x0123456789abcdefull);

    /* Exceptional results, untrapped. */
    set_fcsr(0);
    check("div.s 1/0 = inf", BIN_S("div.s", 0x3f800000u, 0), 0x7f800000u);
    check("  cause Z, flag Z", get_fcsr(), FCSR_Z_CAUSE | (1u << 5));
    set_fcsr(0);
    check("div.s 0/0 = default NaN", BIN_S("div.s", 0, 0), 0x7fbfffffu);
    check("  cause V", get_fcsr(), FCSR_V_CAUSE | (1u << 6));
    set_fcsr(0);
    check64("sub.d inf-inf = default NaN",
            BIN_D("sub.d", 0x7ff0000000000000ull, 0x7ff0000000000000ull),
            0x7ff7ffffffffffffull);
    check("sqrt.s -1 = default NaN", UN_S("sqrt.s", 0xbf800000u), 0x7fbfffffu);
    set_fcsr(0);
    check("mul.s overflow", BIN_S("mul.s", 0x7f7fffffu, 0x40000000u), 0x7f800000u);
    check("  cause O|I", get_fcsr() & FCSR_CAUSE, FCSR_O_CAUSE | FCSR_I_CAUSE);
    set_fcsr(1);
    check("mul.s overflow RZ = max", BIN_S("mul.s", 0x7f7fffffu, 0x40000000u), 0x7f7fffffu);
    set_fcsr(0);
    check("mul.s tiny exact", BIN_S("mul.s", 0x00800000u, 0x3f000000u), 0x00400000u);
    check("  no underflow", get_fcsr(), 0);
    check("mul.s tiny inexact", BIN_S("mul.s", 0x00800001u, 0x3f000000u), 0x00400000u);
    check("  cause U|I", get_fcsr() & FCSR_CAUSE, FCSR_U_CAUSE | FCSR_I_CAUSE);
    set_fcsr(0);
    check("add.s denormals", BIN_S("add.s", 1, 1), 2);
    check("  exact", get_fcsr(), 0);
    check64("mul.d denormal result",
            BIN_D("mul.d", 0x0010000000000000ull, 0x3fd0000000000000ull),
            0x0004000000000000ull);
    set_fcsr(0);
}

/* ---- NaNs (MIPS legacy: quiet NaNs have the fraction MSB clear) ---- */

static void test_nan(void)
{
    /* Legacy NaNs: bit 22 (51) set = signaling. Every NaN result is the default NaN
     * (as QEMU 7.2 has it); only a signaling operand raises Invalid. */
    set_fcsr(0);
    check("qNaN + 1 = default NaN", BIN_S("add.s", 0x7f812345u, 0x3f800000u), 0x7fbfffffu);
    check("  no cause", get_fcsr(), 0);
    check("1 + -qNaN", BIN_S("add.s", 0x3f800000u, 0xff812345u), 0x7fbfffffu);
    check("  no cause", get_fcsr(), 0);
    check("sNaN + 1 = default NaN", BIN_S("add.s", 0x7fc00000u, 0x3f800000u), 0x7fbfffffu);
    check("  cause V", get_fcsr() & FCSR_CAUSE, FCSR_V_CAUSE);
    set_fcsr(0);
    check("qNaN * sNaN = default NaN", BIN_S("mul.s", 0x7f800001u, 0x7fc00001u),
          0x7fbfffffu);
    check("  cause V", get_fcsr() & FCSR_CAUSE, FCSR_V_CAUSE);
    set_fcsr(0);
    check64("d qNaN", BIN_D("add.d", 0x7ff0000000000001ull, 0), 0x7ff7ffffffffffffull);
    check("  no cause", get_fcsr(), 0);
    check64("d sNaN = default NaN", BIN_D("add.d", 0, 0x7ff8000000000000ull),
            0x7ff7ffffffffffffull);
    check("  cause V", get_fcsr() & FCSR_CAUSE, FCSR_V_CAUSE);
    set_fcsr(0);
    check64("cvt.d.s qNaN", S_TO_D("cvt.d.s", 0x7fbf0000u), 0x7ff7ffffffffffffull);
    check("cvt.s.d qNaN", D_TO_S("cvt.s.d", 0xfff7ffffe0000000ull), 0x7fbfffffu);
    check("  no cause", get_fcsr(), 0);
    check64("cvt.d.s sNaN", S_TO_D("cvt.d.s", 0x7fc00000u), 0x7ff7ffffffffffffull);
    check("  cause V", get_fcsr() & FCSR_CAUSE, FCSR_V_CAUSE);
    set_fcsr(0);
    check("sqrt.s qNaN", UN_S("sqrt.s", 0x7f800005u), 0x7fbfffffu);
    check("abs.s NaN is a bit op", UN_S("abs.s", 0xffc00000u), 0x7fc00000u);
    check("neg.s NaN is a bit op", UN_S("neg.s", 0x7f800005u), 0xff800005u);
    check("  no cause", get_fcsr(), 0);
}

/* ---- conversions ---- */

static void test_cvt(void)
{
    set_fcsr(0);
    check("cvt.w.s 2.5 RN", UN_S("cvt.w.s", 0x40200000u), 2);
    check("  cause I", get_fcsr() & FCSR_CAUSE, FCSR_I_CAUSE);
    check("cvt.w.s 3.5 RN", UN_S("cvt.w.s", 0x40600000u), 4);
    check("round.w.s 2.5", UN_S("round.w.s", 0x40200000u), 2);
    check("trunc.w.s -2.7", UN_S("trunc.w.s", 0xc02ccccdu), (u32)-2);
    check("ceil.w.s -2.7", UN_S("ceil.w.s", 0xc02ccccdu), (u32)-2);
    check("floor.w.s -2.7", UN_S("floor.w.s", 0xc02ccccdu), (u32)-3);
    check("ceil.w.s 2.1", UN_S("ceil.w.s", 0x40066666u), 3);
    set_fcsr(3);
    check("cvt.w.s 2.5 RM", UN_S("cvt.w.s", 0x40200000u), 2);
    check("round.w.s 2.5 ignores RM", UN_S("round.w.s", 0x40600000u), 4);
    set_fcsr(2);
    check("cvt.w.s 2.5 RP", UN_S("cvt.w.s", 0x40200000u), 3);
    set_fcsr(0);
    check("cvt.w.s NaN", UN_S("cvt.w.s", 0x7fbfffffu), 0x7fffffffu);
    check("  cause V", get_fcsr() & FCSR_CAUSE, FCSR_V_CAUSE);
    check("cvt.w.s 3e9", UN_S("cvt.w.s", 0x4f32d05eu), 0x7fffffffu);
    check("cvt.w.s -3e9", UN_S("cvt.w.s", 0xcf32d05eu), 0x7fffffffu);
    check("  cause V", get_fcsr() & FCSR_CAUSE, FCSR_V_CAUSE);
    check("trunc.w.s -inf", UN_S("trunc.w.s", 0xff800000u), 0x7fffffffu);
    check("cvt.w.s -2^31 exact", UN_S("cvt.w.s", 0xcf000000u), 0x80000000u);
    check("  no V", get_fcsr() & FCSR_CAUSE, 0);
    check("trunc.w.d 1e10", D_TO_S("trunc.w.d", 0x4202a05f20000000ull), 0x7fffffffu);
    check("cvt.w.d -7.5", D_TO_S("cvt.w.d", 0xc01e000000000000ull), (u32)-8);
    set_fcsr(0);
    check("cvt.s.w 2^24+1", UN_S("cvt.s.w", 16777217), 0x4b800000u);
    check("  cause I", get_fcsr() & FCSR_CAUSE, FCSR_I_CAUSE);
    check("cvt.s.w -5", UN_S("cvt.s.w", (u32)-5), 0xc0a00000u);
    check64("cvt.d.w -1", S_TO_D("cvt.d.w", 0xffffffffu), 0xbff0000000000000ull);
    check64("cvt.d.s 0.1f", S_TO_D("cvt.d.s", 0x3dcccccdu), 0x3fb99999a0000000ull);
    check("cvt.s.d 1/3", D_TO_S("cvt.s.d", 0x3fd5555555555555ull), 0x3eaaaaabu);
    check("cvt.s.d overflow", D_TO_S("cvt.s.d", 0x47f0000000000000ull), 0x7f800000u);
    check("  cause O|I", get_fcsr() & FCSR_CAUSE, FCSR_O_CAUSE | FCSR_I_CAUSE);
    set_fcsr(0);
}

/* ---- compares and branches ---- */

static u32 cmp_s(int cond, u32 a, u32 b)
{
    u32 r = 0, fcsr;

    set_fcsr(0);
#define C_S(n, c) case n: __asm__ volatile(FPA("mtc1 %0, $f2\n\tmtc1 %1, $f4\n\t" c       \
                  " $fcc5, $f2, $f4") : : "r"(a), "r"(b)); break
    switch (cond) {
    C_S(0, "c.f.s"); C_S(1, "c.un.s"); C_S(2, "c.eq.s"); C_S(3, "c.ueq.s");
    C_S(4, "c.olt.s"); C_S(5, "c.ult.s"); C_S(6, "c.ole.s"); C_S(7, "c.ule.s");
    C_S(8, "c.sf.s"); C_S(9, "c.ngle.s"); C_S(10, "c.seq.s"); C_S(11, "c.ngl.s");
    C_S(12, "c.lt.s"); C_S(13, "c.nge.s"); C_S(14, "c.le.s"); C_S(15, "c.ngt.s");
    }
#undef C_S
    fcsr = get_fcsr();
    r = (fcsr >> 29) & 1;                       /* FCC5 is bit 29 */
    if (fcsr & FCSR_V_CAUSE) {
        r |= 2;
    }
    return r;
}

static void test_compare(void)
{
    static const char *const names[16] = {
        "c.f", "c.un", "c.eq", "c.ueq", "c.olt", "c.ult", "c.ole", "c.ule",
        "c.sf", "c.ngle", "c.seq", "c.ngl", "c.lt", "c.nge", "c.le", "c.ngt",
    };
    u32 one = 0x3f800000u, two = 0x40000000u, qnan = 0x7fbfffffu, snan = 0x7fc00000u;

    for (int c = 0; c < 16; c++) {
        u32 un = c & 1, eq = (c >> 1) & 1, lt = (c >> 2) & 1, sig = (c >> 3) & 1;
        check(names[c], cmp_s(c, one, two), lt);
        check(names[c], cmp_s(c, two, two), eq);
        check(names[c], cmp_s(c, two, one), 0);
        check(names[c], cmp_s(c, qnan, one), un | (sig << 1));
        check(names[c], cmp_s(c, one, snan), un | 2);
    }
    check("c.eq.s +0 -0", cmp_s(2, 0, 0x80000000u), 1);
    {
        u32 f;
        set_fcsr(0);
        __asm__ volatile(FPA("mtc1 %0, $f2\n\tmthc1 %1, $f2\n\tmtc1 %2, $f4\n\t"
                             "mthc1 %3, $f4\n\tc.lt.d $fcc7, $f2, $f4")
                         : : "r"(0), "r"(0xbff00000u), "r"(0), "r"(0x3ff00000u));
        f = get_fcsr();
        check("c.lt.d -1 < 1 on fcc7", f, 1u << 31);
    }
}

/* Branches: count = how many of the slot/target increments ran. */
static u32 branch_case(int which, u32 fcsr)
{
    u32 n = 0;

    set_fcsr(fcsr);
    switch (which) {
    case 0:     /* bc1t fcc0: slot always runs; target skips the +10 */
        __asm__ volatile(FPA(".set noreorder\n\tbc1t 1f\n\taddiu %0, %0, 1\n\t"
                             "addiu %0, %0, 10\n1:\n\t.set reorder") : "+r"(n));
        break;
    case 1:     /* bc1f fcc0 */
        __asm__ volatile(FPA(".set noreorder\n\tbc1f 1f\n\taddiu %0, %0, 1\n\t"
                             "addiu %0, %0, 10\n1:\n\t.set reorder") : "+r"(n));
        break;
    case 2:     /* bc1tl fcc3: slot only when taken */
        __asm__ volatile(FPA(".set noreorder\n\tbc1tl $fcc3, 1f\n\taddiu %0, %0, 1\n\t"
                             "addiu %0, %0, 10\n1:\n\t.set reorder") : "+r"(n));
        break;
    default:    /* bc1fl fcc6 */
        __asm__ volatile(FPA(".set noreorder\n\tbc1fl $fcc6, 1f\n\taddiu %0, %0, 1\n\t"
                             "addiu %0, %0, 10\n1:\n\t.set reorder") : "+r"(n));
        break;
    }
    return n;
}

static void test_branch(void)
{
    u32 fcc0 = 1u << 23, fcc3 = 1u << 27, fcc6 = 1u << 30;

    check("bc1t taken", branch_case(0, fcc0), 1);
    check("bc1t not taken", branch_case(0, ~fcc0 & 0xfe800000u), 11);
    check("bc1f taken", branch_case(1, 0), 1);
    check("bc1f not taken", branch_case(1, fcc0), 11);
    check("bc1tl taken", branch_case(2, fcc3), 1);
    check("bc1tl not taken nullifies", branch_case(2, fcc0), 10);
    check("bc1fl taken", branch_case(3, fcc0), 1);
    check("bc1fl not taken nullifies", branch_case(3, fcc6), 10);
    set_fcsr(0);
}

/* ---- enabled exceptions ---- */

static void test_trap(void)
{
    u32 r, at;

    set_fcsr(FCSR_V_ENABLE | (1u << 2));
    reset_exc();
    r = BIN_S("div.s", 0, 0);
    check("V enabled: 0/0 traps", EXC_CODE(last_exc.cause), 15);
    check("  fd unchanged", r, SENTINEL);
    check("  Cause V, Flags unchanged", get_fcsr(),
          FCSR_V_ENABLE | FCSR_V_CAUSE | (1u << 2));
    set_fcsr(FCSR_V_ENABLE);
    reset_exc();
    r = BIN_S("div.s", 0x3f800000u, 0);
    check("V enabled: 1/0 does not trap", last_exc.count, 0);
    check("  result inf", r, 0x7f800000u);
    set_fcsr(FCSR_Z_ENABLE);
    reset_exc();
    r = BIN_S("div.s", 0x3f800000u, 0);
    check("Z enabled: 1/0 traps", EXC_CODE(last_exc.cause), 15);
    check("  fd unchanged", r, SENTINEL);
    /* A compare's Invalid traps too and leaves the FCC. */
    set_fcsr(FCSR_V_ENABLE | (1u << 23));
    reset_exc();
    __asm__ volatile(FPA("mtc1 %0, $f2\n\tc.seq.s $f2, $f2") : : "r"(0x7fbfffffu));
    check("c.seq NaN traps", EXC_CODE(last_exc.cause), 15);
    check("  FCC0 kept", (get_fcsr() >> 23) & 1, 1);
    /* CTC1 setting a Cause bit whose Enable is set traps at the CTC1. */
    reset_exc();
    __asm__ volatile(FPA("la %0, 1f\n1:\tctc1 %1, $31")
                     : "=&r"(at) : "r"(FCSR_Z_ENABLE | FCSR_Z_CAUSE));
    check("ctc1 cause&enable traps", EXC_CODE(last_exc.cause), 15);
    check("  at the ctc1", last_exc.epc, at);
    check("  FCSR written", get_fcsr(), FCSR_Z_ENABLE | FCSR_Z_CAUSE);
    /* In a delay slot: EPC = the branch, Cause.BD. */
    set_fcsr(FCSR_Z_ENABLE);
    reset_exc();
    __asm__ volatile(FPA(".set noreorder\n\tmtc1 $0, $f4\n\tmtc1 %1, $f2\n\tla %0, 1f\n"
                         "1:\tbeq $0, $0, 2f\n\tdiv.s $f0, $f2, $f4\n\tnop\n2:\n\t"
                         ".set reorder") : "=&r"(at) : "r"(0x3f800000u));
    check("FPE in delay slot", EXC_CODE(last_exc.cause), 15);
    check("  BD", last_exc.cause & CAUSE_BD, CAUSE_BD);
    check("  EPC = branch", last_exc.epc, at);
    set_fcsr(0);
}

/* ---- register views ---- */

static volatile u64 mem64[4] __attribute__((aligned(8)));

static void test_fr0(void)
{
    u32 lo, hi;

    /* FR = 0: a double in $f2 is $f2 (low word) : $f3 (high word). */
    __asm__ volatile(FPA("mtc1 %2, $f2\n\tmtc1 %3, $f3\n\tsdc1 $f2, 0(%4)\n\t"
                         "mfhc1 %1, $f2\n\tmfc1 %0, $f3")
                     : "=&r"(lo), "=&r"(hi)
                     : "r"(0x11111111u), "r"(0x22222222u), "r"(&mem64[0]) : "memory");
    check64("FR=0 sdc1 pair", mem64[0], 0x2222222211111111ull);
    check("FR=0 mfhc1 reads odd", lo, 0x22222222u);
    check("FR=0 mfhc1 same", hi, 0x22222222u);
    mem64[1] = 0x4000000000000000ull;  /* 2.0 */
    __asm__ volatile(FPA("ldc1 $f4, 0(%2)\n\tadd.d $f6, $f4, $f4\n\t"
                         "mfc1 %0, $f6\n\tmfc1 %1, $f7")
                     : "=&r"(lo), "=&r"(hi) : "r"(&mem64[1]) : "memory");
    check64("FR=0 ldc1 + add.d pair", mk64(lo, hi), 0x4010000000000000ull);
    reset_exc();
    __asm__ volatile(".set push\n\t.set hardfloat\n\t.word 0x46231040\n\t.set pop");
    check("FR=0 add.d odd reg: RI", EXC_CODE(last_exc.cause), 10);
    reset_exc();
    __asm__ volatile(FPA(".word 0x46a01021"));   /* cvt.d.l $f0, $f2 */
    check("FR=0 cvt.d.l: RI", EXC_CODE(last_exc.cause), 10);
}

/* The same code under both FR modes (translated once: FR is no TB flag). */
static u32 __attribute__((noinline)) odd_view(u32 a)
{
    u32 h;

    __asm__ volatile(FPA64("li $8, 0x5555\n\tmthc1 $8, $f0\n\tmtc1 %1, $f1\n\t"
                           "mfhc1 %0, $f0") : "=r"(h) : "r"(a) : "$8");
    return h;
}

static u32 __attribute__((noinline)) odd_double(void)
{
    u32 lo;

    reset_exc();
    __asm__ volatile(FPA64("mtc1 $0, $f3\n\tmthc1 %1, $f3\n\tadd.d $f1, $f3, $f3\n\t"
                           "mfhc1 %0, $f1") : "=r"(lo) : "r"(0x3ff00000u));
    return lo;
}

static void test_fr_switch(void)
{
    for (int i = 0; i < 3; i++) {
        bool fr = i == 1;
        set_status(fr ? ST_FR : 0, fr ? 0 : ST_FR);
        check(fr ? "odd_view FR=1: own register" : "odd_view FR=0: pair half",
              odd_view(0x77 + i), fr ? 0x5555u : 0x77u + i);
        if (fr) {
            check("odd double FR=1", odd_double(), 0x40000000u);
            check("  no exception", last_exc.count, 0);
        } else {
            odd_double();
            check("odd double FR=0: RI", EXC_CODE(last_exc.cause), 10);
        }
    }
    set_status(0, ST_FR);
}

static void test_fr1(void)
{
    u32 lo, hi, s1, s2;

    set_status(ST_FR, 0);
    check("Status.FR writable", (mfc0(12, 0) >> 26) & 1, 1);
    mem64[0] = 0x3ff0000000000000ull;  /* 1.0 */
    mem64[1] = 0x4008000000000000ull;  /* 3.0 */
    __asm__ volatile(FPA64("ldc1 $f1, 0(%3)\n\tldc1 $f3, 8(%3)\n\t"
                           "mtc1 %4, $f2\n\t"
                           "add.d $f5, $f1, $f3\n\tmfc1 %0, $f5\n\tmfhc1 %1, $f5\n\t"
                           "mfhc1 %2, $f1")
                     : "=&r"(lo), "=&r"(hi), "=&r"(s1) : "r"(&mem64[0]), "r"(0x12345678u)
                     : "memory");
    check64("FR=1 add.d odd regs", mk64(lo, hi), 0x4010000000000000ull);
    check("FR=1 mfhc1 own high half", s1, 0x3ff00000u);
    __asm__ volatile(FPA64("mfhc1 %0, $f3\n\tmfc1 %1, $f2") : "=r"(s1), "=r"(s2));
    check("FR=1 $f2 write leaves $f3", s1, 0x40080000u);
    check("FR=1 $f2 single", s2, 0x12345678u);
    mem64[2] = 0x0000010000000001ull;  /* 2^40 + 1 */
    __asm__ volatile(FPA64("ldc1 $f2, 16(%2)\n\tcvt.d.l $f0, $f2\n\t"
                           "mfc1 %0, $f0\n\tmfhc1 %1, $f0")
                     : "=&r"(lo), "=&r"(hi) : "r"(&mem64[0]) : "memory");
    check64("FR=1 cvt.d.l", mk64(lo, hi), 0x4270000000001000ull);
    mem64[2] = 0x42b0000000000001ull;  /* 2^44 + 2^-8 ulp-ish: 17592186044416.0039 */
    __asm__ volatile(FPA64("ldc1 $f2, 16(%2)\n\ttrunc.l.d $f0, $f2\n\t"
                           "mfc1 %0, $f0\n\tmfhc1 %1, $f0")
                     : "=&r"(lo), "=&r"(hi) : "r"(&mem64[0]) : "memory");
    check64("FR=1 trunc.l.d", mk64(lo, hi), 0x0000100000000000ull);
    mem64[2] = 0x7ff0000000000000ull;
    set_fcsr(0);
    __asm__ volatile(FPA64("ldc1 $f2, 16(%2)\n\tcvt.l.d $f0, $f2\n\t"
                           "mfc1 %0, $f0\n\tmfhc1 %1, $f0")
                     : "=&r"(lo), "=&r"(hi) : "r"(&mem64[0]) : "memory");
    check64("FR=1 cvt.l.d inf", mk64(lo, hi), 0x7fffffffffffffffull);
    check("  cause V", get_fcsr() & FCSR_CAUSE, FCSR_V_CAUSE);
    set_fcsr(0);
    /* luxc1/suxc1: the address's low 3 bits are ignored. */
    __asm__ volatile(FPA64("luxc1 $f7, %2(%1)\n\tsuxc1 $f7, %3(%1)")
                     : "=m"(mem64[3]) : "r"(&mem64[0]), "r"(3), "r"(24 + 5)
                     : "memory");
    check64("FR=1 luxc1/suxc1", mem64[3], 0x3ff0000000000000ull);
    set_status(0, ST_FR);
}

/* ---- moves ---- */

static void test_moves(void)
{
    u32 r;
    u64 rd;

    set_fcsr(1u << 23);     /* FCC0 = 1 */
    __asm__ volatile(FPA("li %0, 5\n\tli $8, 9\n\tmovt %0, $8, $fcc0") : "=&r"(r) : : "$8");
    check("movt taken", r, 9);
    __asm__ volatile(FPA("li %0, 5\n\tli $8, 9\n\tmovf %0, $8, $fcc0") : "=&r"(r) : : "$8");
    check("movf not taken", r, 5);
    __asm__ volatile(FPA("li %0, 5\n\tli $8, 9\n\tmovf %0, $8, $fcc4") : "=&r"(r) : : "$8");
    check("movf fcc4 taken", r, 9);
    __asm__ volatile(FPA("mtc1 %1, $f2\n\tmtc1 %2, $f0\n\tmovt.s $f0, $f2, $fcc0\n\t"
                         "mfc1 %0, $f0") : "=r"(r) : "r"(0x11u), "r"(0x22u));
    check("movt.s taken", r, 0x11);
    __asm__ volatile(FPA("mtc1 %1, $f2\n\tmtc1 %2, $f0\n\tmovf.s $f0, $f2, $fcc0\n\t"
                         "mfc1 %0, $f0") : "=r"(r) : "r"(0x11u), "r"(0x22u));
    check("movf.s not taken", r, 0x22);
    __asm__ volatile(FPA("mtc1 %1, $f2\n\tmtc1 %2, $f0\n\tmovz.s $f0, $f2, $0\n\t"
                         "mfc1 %0, $f0") : "=r"(r) : "r"(0x11u), "r"(0x22u));
    check("movz.s taken", r, 0x11);
    __asm__ volatile(FPA("mtc1 %1, $f2\n\tmtc1 %2, $f0\n\tmovn.s $f0, $f2, $0\n\t"
                         "mfc1 %0, $f0") : "=r"(r) : "r"(0x11u), "r"(0x22u));
    check("movn.s not taken", r, 0x22);
    {
        u32 lo, hi;
        __asm__ volatile(FPA("mtc1 %2, $f2\n\tmthc1 %3, $f2\n\tmtc1 $0, $f0\n\t"
                             "mthc1 $0, $f0\n\tli $8, 1\n\tmovn.d $f0, $f2, $8\n\t"
                             "mfc1 %0, $f0\n\tmfhc1 %1, $f0")
                         : "=&r"(lo), "=&r"(hi) : "r"(0x33u), "r"(0x44u) : "$8");
        rd = mk64(lo, hi);
        check64("movn.d taken", rd, 0x0000004400000033ull);
    }
    set_fcsr(0);
}

/* ---- COP1X ---- */

static volatile u32 mem32[4] __attribute__((aligned(8)));

static void test_cop1x(void)
{
    u32 r;
    u64 d;

    /* MADD/MSUB are not fused: (1+2^-12)^2 rounds to 1+2^-11 before the
     * subtraction, so msub gives 0 (fused would give 2^-24). */
    __asm__ volatile(FPA("mtc1 %1, $f2\n\tmtc1 %2, $f4\n\tmtc1 %3, $f6\n\t"
                         "madd.s $f0, $f6, $f2, $f4\n\tmfc1 %0, $f0")
                     : "=r"(r) : "r"(0x40000000u), "r"(0x40400000u), "r"(0x3f800000u));
    check("madd.s 2*3+1", r, 0x40e00000u);
    __asm__ volatile(FPA("mtc1 %1, $f2\n\tmtc1 %1, $f4\n\tmtc1 %2, $f6\n\t"
                         "msub.s $f0, $f6, $f2, $f4\n\tmfc1 %0, $f0")
                     : "=r"(r) : "r"(0x3f800800u), "r"(0x3f801000u));
    check("msub.s not fused", r, 0);
    __asm__ volatile(FPA("mtc1 %1, $f2\n\tmtc1 %2, $f4\n\tmtc1 %3, $f6\n\t"
                         "nmadd.s $f0, $f6, $f2, $f4\n\tmfc1 %0, $f0")
                     : "=r"(r) : "r"(0x40000000u), "r"(0x40400000u), "r"(0x3f800000u));
    check("nmadd.s -(2*3+1)", r, 0xc0e00000u);
    {
        u32 lo, hi;
        __asm__ volatile(FPA("mtc1 $0, $f2\n\tmthc1 %2, $f2\n\tmtc1 $0, $f4\n\t"
                             "mthc1 %3, $f4\n\tmtc1 $0, $f6\n\tmthc1 %4, $f6\n\t"
                             "nmsub.d $f0, $f6, $f2, $f4\n\tmfc1 %0, $f0\n\tmfhc1 %1, $f0")
                         : "=&r"(lo), "=&r"(hi)
                         : "r"(0x40000000u), "r"(0x40080000u), "r"(0x3ff00000u));
        d = mk64(lo, hi);
        check64("nmsub.d -(2*3-1)", d, 0xc014000000000000ull);
    }
    mem32[0] = 0x3f800000u;
    mem32[1] = 0;
    __asm__ volatile(FPA("lwxc1 $f8, %1(%0)\n\tswxc1 $f8, %2(%0)")
                     : : "r"(&mem32[0]), "r"(0), "r"(4) : "memory");
    check("lwxc1/swxc1", mem32[1], 0x3f800000u);
    mem64[0] = 0x0123456789abcdefull;
    __asm__ volatile(FPA("ldxc1 $f8, %1(%0)\n\tsdxc1 $f8, %2(%0)")
                     : : "r"(&mem64[0]), "r"(0), "r"(8) : "memory");
    check64("ldxc1/sdxc1", mem64[1], 0x0123456789abcdefull);
    reset_exc();
    __asm__ volatile(FPA("lwc1 $f0, 2(%0)") : : "r"(&mem32[0]));
    check("lwc1 misaligned: AdEL", EXC_CODE(last_exc.cause), 4);
    reset_exc();
    __asm__ volatile(FPA("sdc1 $f0, 4(%0)") : : "r"(&mem64[0]));
    check("sdc1 misaligned: AdES", EXC_CODE(last_exc.cause), 5);
}

int main(void)
{
    test_cu1_off();
    test_cu1_lazy();
    test_control();
    test_arith();
    test_nan();
    test_cvt();
    test_compare();
    test_branch();
    test_trap();
    test_fr0();
    test_fr1();
    test_fr_switch();
    test_moves();
    test_cop1x();
    done();
    return 0;
}
