/*
 * x86 registers for the GDB stub, in GDB's default i386 numbering (no target
 * description is sent): eax ecx edx ebx esp ebp esi edi, eip, eflags, cs ss ds es
 * fs gs (0-15, 32-bit little-endian); the x87 stack st0-st7 (16-23, 80-bit
 * extended, st0 the top of the stack), fctrl fstat ftag fiseg fioff foseg fooff
 * fop (24-31: fstat with TOP in bits 11-13, ftag the full two-bit-per-register tag
 * word as FSTENV stores it), xmm0-xmm7 (32-39, 128-bit) and mxcsr (40), as GDB's
 * i386 layout with SSE has them. Nothing past mxcsr (no AVX or segment bases).
 *
 * eip is the offset in CS, as on the hardware (gdb adds nothing: flat kernels have
 * a zero CS base). A selector write loads the segment as the CPU would only in real
 * and virtual-8086 mode (base = selector * 16); in protected mode only rewriting
 * the current value is accepted, since a descriptor load could fault.
 */
#include "qemu/osdep.h"
#include "cpu.h"
#include "exec/gdbstub.h"

enum {
    X86_GDB_EIP = 8,
    X86_GDB_EFLAGS = 9,
    X86_GDB_CS = 10,
    X86_GDB_ST0 = 16,
    X86_GDB_FCTRL = 24,
    X86_GDB_FSTAT,
    X86_GDB_FTAG,
    X86_GDB_FISEG,
    X86_GDB_FIOFF,
    X86_GDB_FOSEG,
    X86_GDB_FOOFF,
    X86_GDB_FOP,
    X86_GDB_XMM0 = 32,
    X86_GDB_MXCSR = 40,
    X86_GDB_SEG_END = 16,   /* past gs */
};

/* The two-bit tag of physical register i: 11 empty, 01 zero, 10 special (NaN,
 * infinity, denormal, unsupported), 00 valid. */
static unsigned x86_gdb_tag(const CPUX86State *env, int i)
{
    const X86Float80 *f = &env->fpregs[i];
    unsigned exp = f->sexp & 0x7fff;

    if (env->fptags[i]) {
        return 3;
    }
    if (exp == 0) {
        return f->mant ? 2 : 1;
    }
    if (exp == 0x7fff || !(f->mant >> 63)) {
        return 2;
    }
    return 0;
}

/* The x87 and SSE registers (n >= 16): size in bytes, 0 for none. */
static int x86_gdb_read_fpu(CPUX86State *env, uint8_t *buf, int n)
{
    uint32_t v;

    if (n >= X86_GDB_ST0 && n < X86_GDB_FCTRL) {
        const X86Float80 *f = &env->fpregs[(env->fpstt + n - X86_GDB_ST0) & 7];
        stq_le_p(buf, f->mant);
        stw_le_p(buf + 8, f->sexp);
        return 10;
    }
    if (n >= X86_GDB_XMM0 && n < X86_GDB_MXCSR) {
        memcpy(buf, env->xmm[n - X86_GDB_XMM0].b, 16);
        return 16;
    }
    switch (n) {
    case X86_GDB_FCTRL:
        v = env->fpuc;
        break;
    case X86_GDB_FSTAT:
        v = (env->fpus & ~0x3800u) | ((env->fpstt & 7) << 11);
        break;
    case X86_GDB_FTAG:
        v = 0;
        for (int i = 0; i < 8; i++) {
            v |= x86_gdb_tag(env, i) << (2 * i);
        }
        break;
    case X86_GDB_FISEG:
        v = env->fpcs;
        break;
    case X86_GDB_FIOFF:
        v = env->fpip;
        break;
    case X86_GDB_FOSEG:
        v = env->fpds;
        break;
    case X86_GDB_FOOFF:
        v = env->fpdp;
        break;
    case X86_GDB_FOP:
        v = env->fpop;
        break;
    case X86_GDB_MXCSR:
        v = env->mxcsr;
        break;
    default:
        return 0;
    }
    stl_le_p(buf, v);
    return 4;
}

static int x86_gdb_write_fpu(CPUX86State *env, const uint8_t *buf, int n)
{
    uint32_t v = ldl_le_p(buf);

    if (n >= X86_GDB_ST0 && n < X86_GDB_FCTRL) {
        X86Float80 *f = &env->fpregs[(env->fpstt + n - X86_GDB_ST0) & 7];
        f->mant = ldq_le_p(buf);
        f->sexp = lduw_le_p(buf + 8);
        return 10;
    }
    if (n >= X86_GDB_XMM0 && n < X86_GDB_MXCSR) {
        memcpy(env->xmm[n - X86_GDB_XMM0].b, buf, 16);
        return 16;
    }
    switch (n) {
    case X86_GDB_FCTRL:
        env->fpuc = v;
        break;
    case X86_GDB_FSTAT:
        env->fpstt = (v >> 11) & 7;
        env->fpus = v & ~0x3800u;
        break;
    case X86_GDB_FTAG:
        for (int i = 0; i < 8; i++) {
            env->fptags[i] = ((v >> (2 * i)) & 3) == 3;
        }
        break;
    case X86_GDB_FISEG:
        env->fpcs = v & 0xffff;
        break;
    case X86_GDB_FIOFF:
        env->fpip = v;
        break;
    case X86_GDB_FOSEG:
        env->fpds = v & 0xffff;
        break;
    case X86_GDB_FOOFF:
        env->fpdp = v;
        break;
    case X86_GDB_FOP:
        env->fpop = v & 0x7ff;
        break;
    case X86_GDB_MXCSR:
        env->mxcsr = v & 0xffbfu;      /* the bits LDMXCSR accepts (no DAZ) */
        break;
    default:
        return 0;
    }
    return 4;
}

/* GDB's order of the segment registers: cs ss ds es fs gs. */
static const int x86_gdb_seg[6] = { R_CS, R_SS, R_DS, R_ES, R_FS, R_GS };

int x86_cpu_gdb_read_register(CPUState *cs, uint8_t *buf, int n)
{
    CPUX86State *env = x86_env(cs);
    uint32_t v;

    if (n < 8) {
        v = env->regs[n];
    } else if (n == X86_GDB_EIP) {
        v = env->eip;
    } else if (n == X86_GDB_EFLAGS) {
        v = x86_cpu_get_eflags(env);
    } else if (n < X86_GDB_SEG_END) {
        v = env->segs[x86_gdb_seg[n - X86_GDB_CS]].selector;
    } else {
        return x86_gdb_read_fpu(env, buf, n);
    }
    stl_le_p(buf, v);
    return 4;
}

int x86_cpu_gdb_write_register(CPUState *cs, const uint8_t *buf, int n)
{
    CPUX86State *env = x86_env(cs);
    uint32_t v = ldl_le_p(buf);

    if (n < 8) {
        env->regs[n] = v;
    } else if (n == X86_GDB_EIP) {
        env->eip = v;
    } else if (n == X86_GDB_EFLAGS) {
        x86_cpu_set_eflags(env, v);
    } else if (n < X86_GDB_SEG_END) {
        int seg = x86_gdb_seg[n - X86_GDB_CS];

        v &= 0xffff;
        if (v == env->segs[seg].selector) {
            return 4;
        }
        if ((env->cr[0] & CR0_PE) && !(env->eflags & VM_MASK)) {
            return 0;
        }
        x86_cpu_load_seg_real(env, seg, v);
    } else {
        return x86_gdb_write_fpu(env, buf, n);
    }
    return 4;
}
