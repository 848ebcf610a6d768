/*
 * i386 MMX: the packed-integer instructions on the eight 64-bit MM registers, which
 * alias the significands of the x87 physical registers (Intel SDM Vol. 1 ch. 9,
 * Vol. 2 P* instructions). Every MMX insn sets TOP = 0 and tags all registers valid
 * (9.5.1); a register write also sets the exponent field to all ones. EMMS empties
 * the tags. The translator stages the source operand (register, memory or
 * immediate) in env->mmx_src.
 */
#include "qemu/osdep.h"
#include "internal.h"

typedef union MMXVal {
    uint64_t q;
    uint32_t d[2];
    int32_t sd[2];
    uint16_t w[4];
    int16_t sw[4];
    uint8_t b[8];
    int8_t sb[8];
} MMXVal;

static int8_t sat_s8(int32_t v)
{
    return v > 127 ? 127 : v < -128 ? -128 : v;
}

static uint8_t sat_u8(int32_t v)
{
    return v > 255 ? 255 : v < 0 ? 0 : v;
}

static int16_t sat_s16(int32_t v)
{
    return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

static uint16_t sat_u16(int32_t v)
{
    return v > 65535 ? 65535 : v < 0 ? 0 : v;
}

static void mmx_enter(CPUX86State *env)
{
    env->fpstt = 0;
    memset(env->fptags, 0, sizeof(env->fptags));
}

void helper_x86_emms(CPUX86State *env)
{
    memset(env->fptags, 1, sizeof(env->fptags));
}

/* MOVD/MOVQ into MMi from mmx_src (already zero-extended for MOVD). */
void helper_x86_mmx_load(CPUX86State *env, uint32_t reg)
{
    mmx_enter(env);
    env->fpregs[reg & 7].mant = env->mmx_src;
    env->fpregs[reg & 7].sexp = 0xffff;
}

/* MOVD/MOVQ out of MMi: the value is left in mmx_src for the translator. */
void helper_x86_mmx_store(CPUX86State *env, uint32_t reg)
{
    mmx_enter(env);
    env->mmx_src = env->fpregs[reg & 7].mant;
}

static uint64_t mmx_shift(uint64_t v, uint64_t count, int width, int kind)
{
    MMXVal a = { .q = v }, r = { .q = 0 };
    int n = 64 / width;

    for (int i = 0; i < n; i++) {
        uint64_t e, mask = width == 64 ? ~0ull : (1ull << width) - 1;

        e = (v >> (i * width)) & mask;
        if (kind == 0) {                /* logical left */
            e = count >= (uint64_t)width ? 0 : (e << count) & mask;
        } else if (kind == 1) {         /* logical right */
            e = count >= (uint64_t)width ? 0 : e >> count;
        } else {                        /* arithmetic right */
            int64_t se = (int64_t)(e << (64 - width)) >> (64 - width);
            uint64_t c = count >= (uint64_t)width ? (uint64_t)width - 1 : count;

            e = (uint64_t)(se >> c) & mask;
        }
        r.q |= e << (i * width);
    }
    (void)a;
    return r.q;
}

/* Packed operation op (the 0F second byte; 0x71-0x73 groups as 0x100 | byte << 4 |
 * reg) on MMreg with mmx_src. */
void helper_x86_mmx_op(CPUX86State *env, uint32_t op, uint32_t reg)
{
    MMXVal d = { .q = env->fpregs[reg & 7].mant }, s = { .q = env->mmx_src }, r;

    mmx_enter(env);
    r.q = 0;
    switch (op) {
    case 0x60: case 0x68:   /* punpcklbw / punpckhbw */
        for (int i = 0; i < 4; i++) {
            int k = op == 0x68 ? i + 4 : i;
            r.b[2 * i] = d.b[k];
            r.b[2 * i + 1] = s.b[k];
        }
        break;
    case 0x61: case 0x69:   /* punpcklwd / punpckhwd */
        for (int i = 0; i < 2; i++) {
            int k = op == 0x69 ? i + 2 : i;
            r.w[2 * i] = d.w[k];
            r.w[2 * i + 1] = s.w[k];
        }
        break;
    case 0x62: case 0x6a:   /* punpckldq / punpckhdq */
        r.d[0] = d.d[op == 0x6a];
        r.d[1] = s.d[op == 0x6a];
        break;
    case 0x63:              /* packsswb */
        for (int i = 0; i < 4; i++) {
            r.sb[i] = sat_s8(d.sw[i]);
            r.sb[i + 4] = sat_s8(s.sw[i]);
        }
        break;
    case 0x67:              /* packuswb */
        for (int i = 0; i < 4; i++) {
            r.b[i] = sat_u8(d.sw[i]);
            r.b[i + 4] = sat_u8(s.sw[i]);
        }
        break;
    case 0x6b:              /* packssdw */
        for (int i = 0; i < 2; i++) {
            r.sw[i] = sat_s16(d.sd[i]);
            r.sw[i + 2] = sat_s16(s.sd[i]);
        }
        break;
    case 0x64:
        for (int i = 0; i < 8; i++) {
            r.b[i] = d.sb[i] > s.sb[i] ? 0xff : 0;
        }
        break;
    case 0x65:
        for (int i = 0; i < 4; i++) {
            r.w[i] = d.sw[i] > s.sw[i] ? 0xffff : 0;
        }
        break;
    case 0x66:
        for (int i = 0; i < 2; i++) {
            r.d[i] = d.sd[i] > s.sd[i] ? 0xffffffffu : 0;
        }
        break;
    case 0x74:
        for (int i = 0; i < 8; i++) {
            r.b[i] = d.b[i] == s.b[i] ? 0xff : 0;
        }
        break;
    case 0x75:
        for (int i = 0; i < 4; i++) {
            r.w[i] = d.w[i] == s.w[i] ? 0xffff : 0;
        }
        break;
    case 0x76:
        for (int i = 0; i < 2; i++) {
            r.d[i] = d.d[i] == s.d[i] ? 0xffffffffu : 0;
        }
        break;
    case 0xd1: r.q = mmx_shift(d.q, s.q, 16, 1); break;
    case 0xd2: r.q = mmx_shift(d.q, s.q, 32, 1); break;
    case 0xd3: r.q = mmx_shift(d.q, s.q, 64, 1); break;
    case 0xe1: r.q = mmx_shift(d.q, s.q, 16, 2); break;
    case 0xe2: r.q = mmx_shift(d.q, s.q, 32, 2); break;
    case 0xf1: r.q = mmx_shift(d.q, s.q, 16, 0); break;
    case 0xf2: r.q = mmx_shift(d.q, s.q, 32, 0); break;
    case 0xf3: r.q = mmx_shift(d.q, s.q, 64, 0); break;
    case 0xd5:
        for (int i = 0; i < 4; i++) {
            r.w[i] = (uint16_t)((int32_t)d.sw[i] * s.sw[i]);
        }
        break;
    case 0xe5:
        for (int i = 0; i < 4; i++) {
            r.w[i] = (uint16_t)(((int32_t)d.sw[i] * s.sw[i]) >> 16);
        }
        break;
    case 0xf5:
        for (int i = 0; i < 2; i++) {
            r.d[i] = (uint32_t)((int32_t)d.sw[2 * i] * s.sw[2 * i] +
                                (int32_t)d.sw[2 * i + 1] * s.sw[2 * i + 1]);
        }
        break;
    case 0xd8:
        for (int i = 0; i < 8; i++) {
            r.b[i] = sat_u8((int32_t)d.b[i] - s.b[i]);
        }
        break;
    case 0xd9:
        for (int i = 0; i < 4; i++) {
            r.w[i] = sat_u16((int32_t)d.w[i] - s.w[i]);
        }
        break;
    case 0xdc:
        for (int i = 0; i < 8; i++) {
            r.b[i] = sat_u8((int32_t)d.b[i] + s.b[i]);
        }
        break;
    case 0xdd:
        for (int i = 0; i < 4; i++) {
            r.w[i] = sat_u16((int32_t)d.w[i] + s.w[i]);
        }
        break;
    case 0xe8:
        for (int i = 0; i < 8; i++) {
            r.sb[i] = sat_s8((int32_t)d.sb[i] - s.sb[i]);
        }
        break;
    case 0xe9:
        for (int i = 0; i < 4; i++) {
            r.sw[i] = sat_s16((int32_t)d.sw[i] - s.sw[i]);
        }
        break;
    case 0xec:
        for (int i = 0; i < 8; i++) {
            r.sb[i] = sat_s8((int32_t)d.sb[i] + s.sb[i]);
        }
        break;
    case 0xed:
        for (int i = 0; i < 4; i++) {
            r.sw[i] = sat_s16((int32_t)d.sw[i] + s.sw[i]);
        }
        break;
    case 0xd4: r.q = d.q + s.q; break;                          /* paddq (SSE2) */
    case 0xfb: r.q = d.q - s.q; break;                          /* psubq (SSE2) */
    case 0xf4: r.q = (uint64_t)d.d[0] * s.d[0]; break;           /* pmuludq (SSE2) */
    case 0xdb: r.q = d.q & s.q; break;
    case 0xdf: r.q = ~d.q & s.q; break;
    case 0xeb: r.q = d.q | s.q; break;
    case 0xef: r.q = d.q ^ s.q; break;
    case 0xf8:
        for (int i = 0; i < 8; i++) {
            r.b[i] = d.b[i] - s.b[i];
        }
        break;
    case 0xf9:
        for (int i = 0; i < 4; i++) {
            r.w[i] = d.w[i] - s.w[i];
        }
        break;
    case 0xfa:
        for (int i = 0; i < 2; i++) {
            r.d[i] = d.d[i] - s.d[i];
        }
        break;
    case 0xfc:
        for (int i = 0; i < 8; i++) {
            r.b[i] = d.b[i] + s.b[i];
        }
        break;
    case 0xfd:
        for (int i = 0; i < 4; i++) {
            r.w[i] = d.w[i] + s.w[i];
        }
        break;
    case 0xfe:
        for (int i = 0; i < 2; i++) {
            r.d[i] = d.d[i] + s.d[i];
        }
        break;
    /* Shift-by-immediate groups 0F 71/72/73 (encoded by the translator). */
    case 0x100 | (0x71 << 4) | 2: r.q = mmx_shift(d.q, s.q, 16, 1); break;
    case 0x100 | (0x71 << 4) | 4: r.q = mmx_shift(d.q, s.q, 16, 2); break;
    case 0x100 | (0x71 << 4) | 6: r.q = mmx_shift(d.q, s.q, 16, 0); break;
    case 0x100 | (0x72 << 4) | 2: r.q = mmx_shift(d.q, s.q, 32, 1); break;
    case 0x100 | (0x72 << 4) | 4: r.q = mmx_shift(d.q, s.q, 32, 2); break;
    case 0x100 | (0x72 << 4) | 6: r.q = mmx_shift(d.q, s.q, 32, 0); break;
    case 0x100 | (0x73 << 4) | 2: r.q = mmx_shift(d.q, s.q, 64, 1); break;
    default:                      r.q = mmx_shift(d.q, s.q, 64, 0); break;
    }
    env->fpregs[reg & 7].mant = r.q;
    env->fpregs[reg & 7].sexp = 0xffff;
}
