/*
 * i386 integer helpers too irregular for inline IR: DIV/IDIV with #DE, rotates
 * (including through carry) and shifts by a variable count, SHLD/SHRD.
 *
 * Intel SDM Vol. 2: DIV, IDIV, "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", SHLD, SHRD.
 * Flags the SDM leaves undefined: AF is cleared by shifts; OF of rotates/shifts by
 * more than one is computed with the count-1 formula (what common parts do).
 * Results of shifts return through the return value and their flags through
 * env->cc_tmp, committed by the translator after the result is stored.
 */
#include "qemu/osdep.h"
#include "internal.h"

void helper_x86_div(CPUX86State *env, uint32_t ot, uint32_t divisor)
{
    uintptr_t ra = GETPC();

    switch (ot) {
    case MO_8: {
        uint32_t n = env->regs[R_EAX] & 0xffff, d = divisor & 0xff, q;

        if (d == 0 || (q = n / d) > 0xff) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | ((n % d) << 8) | q;
        break;
    }
    case MO_16: {
        uint32_t n = ((env->regs[R_EDX] & 0xffff) << 16) | (env->regs[R_EAX] & 0xffff);
        uint32_t d = divisor & 0xffff, q;

        if (d == 0 || (q = n / d) > 0xffff) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | q;
        env->regs[R_EDX] = (env->regs[R_EDX] & ~0xffffu) | (n % d);
        break;
    }
    default: {
        uint64_t n = ((uint64_t)env->regs[R_EDX] << 32) | env->regs[R_EAX], q;

        if (divisor == 0 || (q = n / divisor) > 0xffffffffu) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (uint32_t)q;
        env->regs[R_EDX] = (uint32_t)(n % divisor);
        break;
    }
    }
}

void helper_x86_idiv(CPUX86State *env, uint32_t ot, uint32_t divisor)
{
    uintptr_t ra = GETPC();

    switch (ot) {
    case MO_8: {
        int32_t n = (int16_t)env->regs[R_EAX], d = (int8_t)divisor, q;

        if (d == 0) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        q = n / d;
        if (q < -128 || q > 127) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) |
                           (((uint32_t)(n % d) & 0xff) << 8) | ((uint32_t)q & 0xff);
        break;
    }
    case MO_16: {
        int32_t n = (int32_t)(((env->regs[R_EDX] & 0xffff) << 16) |
                              (env->regs[R_EAX] & 0xffff));
        int32_t d = (int16_t)divisor, q;

        if (d == 0 || (n == INT32_MIN && d == -1)) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        q = n / d;
        if (q < -32768 || q > 32767) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffu) | ((uint32_t)q & 0xffff);
        env->regs[R_EDX] = (env->regs[R_EDX] & ~0xffffu) | ((uint32_t)(n % d) & 0xffff);
        break;
    }
    default: {
        int64_t n = (int64_t)(((uint64_t)env->regs[R_EDX] << 32) | env->regs[R_EAX]);
        int64_t d = (int32_t)divisor, q;

        if (d == 0 || (n == INT64_MIN && d == -1)) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        q = n / d;
        if (q < INT32_MIN || q > INT32_MAX) {
            x86_raise_exception(env, EXCP00_DIVZ, ra);
        }
        env->regs[R_EAX] = (uint32_t)q;
        env->regs[R_EDX] = (uint32_t)(n % d);
        break;
    }
    }
}

static uint32_t int_szp(uint32_t r, uint32_t bits)
{
    uint32_t f = x86_parity(r);

    if (r == 0) {
        f |= CC_Z;
    }
    if ((r >> (bits - 1)) & 1) {
        f |= CC_S;
    }
    return f;
}

uint32_t helper_x86_shift(CPUX86State *env, uint32_t op_ot, uint32_t val, uint32_t count)
{
    unsigned op = op_ot >> 2, ot = op_ot & 3;
    uint32_t bits = 8u << ot;
    uint64_t mask = (1ull << bits) - 1;
    uint64_t v = val & mask, r = v;
    uint32_t f = x86_cc_flags(env);
    uint32_t cf = f & CC_C, of;
    unsigned c = count & 0x1f;

    env->cc_tmp = f;
    if (c == 0) {
        return val;
    }
    switch (op) {
    case 0: {   /* ROL */
        unsigned n = c % bits;

        r = ((v << n) | (v >> ((bits - n) % bits))) & mask;
        cf = r & 1;
        of = ((r >> (bits - 1)) & 1) ^ cf;
        f = (f & ~(CC_C | CC_O)) | cf | (of ? CC_O : 0);
        break;
    }
    case 1: {   /* ROR */
        unsigned n = c % bits;

        r = ((v >> n) | (v << ((bits - n) % bits))) & mask;
        cf = (r >> (bits - 1)) & 1;
        of = cf ^ ((r >> (bits - 2)) & 1);
        f = (f & ~(CC_C | CC_O)) | cf | (of ? CC_O : 0);
        break;
    }
    case 2: {   /* RCL: rotate the (bits+1)-bit value CF:v */
        unsigned n = ot == MO_32 ? c : c % (bits + 1);

        for (unsigned i = 0; i < n; i++) {
            uint32_t out = (r >> (bits - 1)) & 1;

            r = ((r << 1) | cf) & mask;
            cf = out;
        }
        of = ((r >> (bits - 1)) & 1) ^ cf;
        f = (f & ~(CC_C | CC_O)) | cf | (of ? CC_O : 0);
        break;
    }
    case 3: {   /* RCR */
        unsigned n = ot == MO_32 ? c : c % (bits + 1);

        of = ((r >> (bits - 1)) & 1) ^ cf;
        for (unsigned i = 0; i < n; i++) {
            uint32_t out = r & 1;

            r = (r >> 1) | ((uint64_t)cf << (bits - 1));
            cf = out;
        }
        f = (f & ~(CC_C | CC_O)) | cf | (of ? CC_O : 0);
        break;
    }
    case 4:
    case 6: {   /* SHL */
        uint64_t p = v << (c - 1);

        cf = (p >> (bits - 1)) & 1;
        r = (p << 1) & mask;
        of = ((r >> (bits - 1)) & 1) ^ cf;
        f = int_szp(r, bits) | cf | (of ? CC_O : 0);
        break;
    }
    case 5: {   /* SHR */
        uint64_t p = v >> (c - 1);

        cf = p & 1;
        r = p >> 1;
        of = (v >> (bits - 1)) & 1;
        f = int_szp(r, bits) | cf | (of ? CC_O : 0);
        break;
    }
    default: {  /* SAR */
        int64_t sv = (int64_t)(v << (64 - bits)) >> (64 - bits);
        int64_t p = sv >> (c - 1);

        cf = p & 1;
        r = (uint64_t)(p >> 1) & mask;
        f = int_szp(r, bits) | cf;
        break;
    }
    }
    env->cc_tmp = f;
    return (uint32_t)r;
}

uint32_t helper_x86_shd(CPUX86State *env, uint32_t op_ot, uint32_t dst, uint32_t src,
                        uint32_t count)
{
    bool right = op_ot & 4;
    unsigned ot = op_ot & 3;
    uint32_t bits = 8u << ot;
    unsigned c = count & 0x1f;
    uint32_t f = x86_cc_flags(env);
    uint64_t r;
    uint32_t cf, of;

    env->cc_tmp = f;
    if (c == 0) {
        return dst;
    }
    if (ot == MO_16) {
        /* Counts above 16 are undefined; shift the 48-bit dst:src:dst as parts do. */
        uint64_t d = dst & 0xffff, s = src & 0xffff;

        if (!right) {
            uint64_t v = (d << 32) | (s << 16) | d;
            uint64_t p = v << (c - 1);

            cf = (p >> 47) & 1;
            r = ((p << 1) >> 32) & 0xffff;
        } else {
            uint64_t v = (d << 32) | (s << 16) | d;
            uint64_t p = v >> (c - 1);

            cf = p & 1;
            r = (p >> 1) & 0xffff;
        }
    } else {
        uint64_t d = dst, s = src;

        if (!right) {
            uint64_t v = (d << 32) | s;
            uint64_t p = v << (c - 1);

            cf = (p >> 63) & 1;
            r = ((p << 1) >> 32) & 0xffffffffu;
        } else {
            uint64_t v = (s << 32) | d;
            uint64_t p = v >> (c - 1);

            cf = p & 1;
            r = (p >> 1) & 0xffffffffu;
        }
    }
    of = (((uint32_t)r ^ dst) >> (bits - 1)) & 1;
    env->cc_tmp = int_szp((uint32_t)r, bits) | cf | (of ? CC_O : 0);
    return (uint32_t)r;
}
