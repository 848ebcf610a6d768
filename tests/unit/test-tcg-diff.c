/*
 * Differential test: random IR programs (straight-line code with forward branches
 * and the odd bounded loop or early exit,
 * i32 and i64 ops, constants, globals and TB temps, host loads/stores, helper calls
 * and guest memory accesses) must leave the same env state
 *   - on the interpreter with and without the optimizer (a check of the optimizer
 *     and liveness), and
 *   - on tcg/x86_64 and tcg/interp, when the native backend is linked in.
 * Fixed seed; MIMIC_DIFF_ITERS=N runs N programs instead of 10000.
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"

static void diff_setup(void)
{
    harness_init();
}

TestSuite(tcg_diff, .init = diff_setup, .timeout = 600);

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

static unsigned rng_below(Rng *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}

static const uint64_t interesting[] = {
    0, 1, 2, 3, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
    0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffffffeull,
};

static uint64_t rng_value(Rng *r)
{
    switch (rng_below(r, 4)) {
    case 0:
        return interesting[rng_below(r, ARRAY_SIZE(interesting))];
    case 1:
        return rng_below(r, 70);
    case 2:
        return (uint64_t)-(int64_t)rng_below(r, 5);
    default:
        return rng_next(r);
    }
}

#define NT 5    /* TB temps of each size */

typedef struct Prog {
    Rng rng;
    TCGv_i32 t32[NT];
    TCGv_i64 t64[NT];
    bool fake_mmu;
    bool fake_lookup;
    struct {
        TCGLabel *l;
        int left;
    } pend[8];
    int npend;
} Prog;

/* An i32 source: a global, a temp or a constant. */
static TCGv_i32 src32(Prog *p)
{
    switch (rng_below(&p->rng, 5)) {
    case 0:
    case 1:
        return harness_g32[rng_below(&p->rng, HARNESS_NG32)];
    case 2:
    case 3:
        return p->t32[rng_below(&p->rng, NT)];
    default:
        return tcg_constant_i32((int32_t)rng_value(&p->rng));
    }
}

static TCGv_i64 src64(Prog *p)
{
    switch (rng_below(&p->rng, 5)) {
    case 0:
    case 1:
        return harness_g64[rng_below(&p->rng, HARNESS_NG64)];
    case 2:
    case 3:
        return p->t64[rng_below(&p->rng, NT)];
    default:
        return tcg_constant_i64((int64_t)rng_value(&p->rng));
    }
}

static TCGv_i32 dst32(Prog *p)
{
    return rng_below(&p->rng, 2) ? harness_g32[rng_below(&p->rng, HARNESS_NG32)]
                                 : p->t32[rng_below(&p->rng, NT)];
}

static TCGv_i64 dst64(Prog *p)
{
    return rng_below(&p->rng, 2) ? harness_g64[rng_below(&p->rng, HARNESS_NG64)]
                                 : p->t64[rng_below(&p->rng, NT)];
}

static const TCGCond conds[] = {
    TCG_COND_EQ, TCG_COND_NE, TCG_COND_LT, TCG_COND_GE, TCG_COND_LE, TCG_COND_GT,
    TCG_COND_LTU, TCG_COND_GEU, TCG_COND_LEU, TCG_COND_GTU, TCG_COND_ALWAYS,
    TCG_COND_NEVER,
};

static TCGCond rand_cond(Prog *p)
{
    return conds[rng_below(&p->rng, ARRAY_SIZE(conds))];
}

typedef void (*Gen32)(TCGv_i32, TCGv_i32, TCGv_i32);
typedef void (*Gen64)(TCGv_i64, TCGv_i64, TCGv_i64);

static const Gen32 gen_bin32[] = {
    tcg_gen_add_i32, tcg_gen_sub_i32, tcg_gen_mul_i32, tcg_gen_and_i32, tcg_gen_or_i32,
    tcg_gen_xor_i32, tcg_gen_andc_i32, tcg_gen_orc_i32, tcg_gen_shl_i32, tcg_gen_shr_i32,
    tcg_gen_sar_i32, tcg_gen_rotl_i32, tcg_gen_rotr_i32, tcg_gen_clz_i32, tcg_gen_ctz_i32,
    tcg_gen_nor_i32,
};
static const Gen64 gen_bin64[] = {
    tcg_gen_add_i64, tcg_gen_sub_i64, tcg_gen_mul_i64, tcg_gen_and_i64, tcg_gen_or_i64,
    tcg_gen_xor_i64, tcg_gen_andc_i64, tcg_gen_orc_i64, tcg_gen_shl_i64, tcg_gen_shr_i64,
    tcg_gen_sar_i64, tcg_gen_rotl_i64, tcg_gen_rotr_i64, tcg_gen_clz_i64, tcg_gen_ctz_i64,
};
static const Gen32 gen_div32[] = {
    tcg_gen_div_i32, tcg_gen_divu_i32, tcg_gen_rem_i32, tcg_gen_remu_i32,
};
static const Gen64 gen_div64[] = {
    tcg_gen_div_i64, tcg_gen_divu_i64, tcg_gen_rem_i64, tcg_gen_remu_i64,
};
static void (*const gen_un32[])(TCGv_i32, TCGv_i32) = {
    tcg_gen_neg_i32, tcg_gen_not_i32, tcg_gen_ext8s_i32, tcg_gen_ext8u_i32,
    tcg_gen_ext16s_i32, tcg_gen_ext16u_i32, tcg_gen_bswap16_i32, tcg_gen_bswap32_i32,
    tcg_gen_ctpop_i32, tcg_gen_mov_i32,
};
static void (*const gen_un64[])(TCGv_i64, TCGv_i64) = {
    tcg_gen_neg_i64, tcg_gen_not_i64, tcg_gen_ext8s_i64, tcg_gen_ext8u_i64,
    tcg_gen_ext16s_i64, tcg_gen_ext16u_i64, tcg_gen_ext32s_i64, tcg_gen_ext32u_i64,
    tcg_gen_bswap16_i64, tcg_gen_bswap32_i64, tcg_gen_bswap64_i64, tcg_gen_ctpop_i64,
    tcg_gen_mov_i64,
};

/* A field (pos, len) inside width bits. */
static void rand_field(Prog *p, unsigned width, unsigned *pos, unsigned *len)
{
    *len = 1 + rng_below(&p->rng, width);
    *pos = rng_below(&p->rng, width - *len + 1);
}

/*
 * A run of guest accesses off one base, which tcg/ldst-group.c turns into one shared
 * TLB check: offsets on either side of the base, the base moved by constants in
 * between, every size and byte order, MO_ALIGN where the address is aligned, now
 * and then an access of the other kind or an unrelated op in the middle. Everything
 * stays inside guest page 0 (mode 1), the page the harness maps for both backends.
 */
static void gen_access_run(Prog *p)
{
    static const MemOp mops[] = { MO_UB, MO_SB, MO_LEUW, MO_BESW, MO_LEUL, MO_BEUL,
                                  MO_LESL, MO_LEUQ, MO_BEUQ };
    Rng *r = &p->rng;
    TCGv_i32 base = tcg_temp_new_i32(), a = tcg_temp_new_i32();
    bool st = rng_below(r, 2);
    int n = 2 + rng_below(r, 7);
    int32_t moved = 0;

    /* An 8-aligned base in [0x100, 0x6f8]: every access lands in [0x60, 0x7a0). */
    tcg_gen_andi_i32(base, src32(p), 0x5f8);
    tcg_gen_addi_i32(base, base, 0x100);
    for (int k = 0; k < n; k++) {
        bool i64 = rng_below(r, 3) == 0;
        MemOp mop = mops[rng_below(r, i64 ? ARRAY_SIZE(mops) : ARRAY_SIZE(mops) - 2)];
        int32_t rel = (int32_t)rng_below(r, 0x100) - 0x80;
        bool this_st = rng_below(r, 8) == 0 ? !st : st;

        if (rng_below(r, 4) == 0) {
            int32_t dm = ((int32_t)rng_below(r, 0x40) - 0x20) & ~7;
            tcg_gen_addi_i32(base, base, dm);
            moved += dm;
        }
        if (rel % (int32_t)memop_size(mop) == 0 && rng_below(r, 2)) {
            mop |= MO_ALIGN;
        }
        if (rng_below(r, 6) == 0) {
            gen_bin32[rng_below(r, ARRAY_SIZE(gen_bin32))](dst32(p), src32(p), src32(p));
        }
        tcg_gen_addi_i32(a, base, rel - moved);
        if (this_st && i64) {
            tcg_gen_qemu_st_i64(src64(p), a, 1, mop);
        } else if (this_st) {
            tcg_gen_qemu_st_i32(src32(p), a, 1, mop);
        } else if (i64) {
            tcg_gen_qemu_ld_i64(dst64(p), a, 1, mop);
        } else {
            tcg_gen_qemu_ld_i32(dst32(p), a, 1, mop);
        }
    }
    tcg_temp_free_i32(a);
    tcg_temp_free_i32(base);
}

static void gen_one(Prog *p)
{
    Rng *r = &p->rng;
    unsigned pos, len;

    switch (rng_below(r, 33)) {
    case 0: case 1: case 2: case 3:
        gen_bin32[rng_below(r, ARRAY_SIZE(gen_bin32))](dst32(p), src32(p), src32(p));
        break;
    case 4: case 5: case 6:
        gen_bin64[rng_below(r, ARRAY_SIZE(gen_bin64))](dst64(p), src64(p), src64(p));
        break;
    case 7: {
        /* Divisor forced into 1..0x8000: defined for every dividend. */
        TCGv_i32 d = tcg_temp_new_i32();
        tcg_gen_andi_i32(d, src32(p), 0x7fff);
        tcg_gen_addi_i32(d, d, 1);
        unsigned k = rng_below(r, 6);
        if (k < 4) {
            gen_div32[k](dst32(p), src32(p), d);
        } else {
            /* Quotient and remainder at once: two distinct outputs. */
            TCGv_i32 q = p->t32[rng_below(r, NT)], m;
            do {
                m = dst32(p);
            } while (m == q);
            (k == 4 ? tcg_gen_divrem_i32 : tcg_gen_divremu_i32)(q, m, src32(p), d);
        }
        tcg_temp_free_i32(d);
        break;
    }
    case 8: {
        TCGv_i64 d = tcg_temp_new_i64();
        tcg_gen_andi_i64(d, src64(p), 0xfffffff);
        tcg_gen_ori_i64(d, d, 1);
        unsigned k = rng_below(r, 6);
        if (k < 4) {
            gen_div64[k](dst64(p), src64(p), d);
        } else {
            TCGv_i64 q = p->t64[rng_below(r, NT)], m;
            do {
                m = dst64(p);
            } while (m == q);
            (k == 4 ? tcg_gen_divrem_i64 : tcg_gen_divremu_i64)(q, m, src64(p), d);
        }
        tcg_temp_free_i64(d);
        break;
    }
    case 9:
        gen_un32[rng_below(r, ARRAY_SIZE(gen_un32))](dst32(p), src32(p));
        break;
    case 10:
        gen_un64[rng_below(r, ARRAY_SIZE(gen_un64))](dst64(p), src64(p));
        break;
    case 11:
        switch (rng_below(r, 6)) {
        case 0: tcg_gen_addi_i32(dst32(p), src32(p), rng_value(r)); break;
        case 1: tcg_gen_andi_i32(dst32(p), src32(p), rng_value(r)); break;
        case 2: tcg_gen_shli_i32(dst32(p), src32(p), rng_below(r, 32)); break;
        case 3: tcg_gen_sari_i32(dst32(p), src32(p), rng_below(r, 32)); break;
        case 4: tcg_gen_muli_i32(dst32(p), src32(p), rng_value(r)); break;
        default: tcg_gen_xori_i32(dst32(p), src32(p), rng_value(r)); break;
        }
        break;
    case 12:
        switch (rng_below(r, 5)) {
        case 0: tcg_gen_addi_i64(dst64(p), src64(p), rng_value(r)); break;
        case 1: tcg_gen_andi_i64(dst64(p), src64(p), rng_value(r)); break;
        case 2: tcg_gen_shri_i64(dst64(p), src64(p), rng_below(r, 64)); break;
        case 3: tcg_gen_ori_i64(dst64(p), src64(p), rng_value(r)); break;
        default: tcg_gen_subi_i64(dst64(p), src64(p), rng_value(r)); break;
        }
        break;
    case 13:
        tcg_gen_setcond_i32(rand_cond(p), dst32(p), src32(p), src32(p));
        break;
    case 14:
        tcg_gen_setcond_i64(rand_cond(p), dst64(p), src64(p), src64(p));
        break;
    case 15:
        tcg_gen_movcond_i32(rand_cond(p), dst32(p), src32(p), src32(p), src32(p), src32(p));
        break;
    case 16:
        tcg_gen_movcond_i64(rand_cond(p), dst64(p), src64(p), src64(p), src64(p), src64(p));
        break;
    case 17:
        rand_field(p, 32, &pos, &len);
        switch (rng_below(r, 4)) {
        case 0: tcg_gen_deposit_i32(dst32(p), src32(p), src32(p), pos, len); break;
        case 1: tcg_gen_extract_i32(dst32(p), src32(p), pos, len); break;
        case 2: tcg_gen_sextract_i32(dst32(p), src32(p), pos, len); break;
        default: {
            /* A field over bits known zero (the optimizer's deposit-to-OR case when
             * the field is a constant). */
            TCGv_i32 z = tcg_temp_new_i32();
            uint32_t field = len >= 32 ? ~0u : ((1u << len) - 1) << pos;
            tcg_gen_andi_i32(z, src32(p), (int32_t)~field);
            tcg_gen_deposit_i32(dst32(p), z, src32(p), pos, len);
            tcg_temp_free_i32(z);
            break;
        }
        }
        break;
    case 18:
        rand_field(p, 64, &pos, &len);
        switch (rng_below(r, 4)) {
        case 0: tcg_gen_deposit_i64(dst64(p), src64(p), src64(p), pos, len); break;
        case 1: tcg_gen_extract_i64(dst64(p), src64(p), pos, len); break;
        case 2: tcg_gen_sextract_i64(dst64(p), src64(p), pos, len); break;
        default: tcg_gen_concat_i32_i64(dst64(p), src32(p), src32(p)); break; /* jump key */
        }
        break;
    case 19: {
        /* Double-word ops need two distinct outputs. */
        TCGv_i32 lo = p->t32[rng_below(r, NT)], hi;
        do {
            hi = dst32(p);
        } while (hi == lo);
        switch (rng_below(r, 4)) {
        case 0: tcg_gen_mulu2_i32(lo, hi, src32(p), src32(p)); break;
        case 1: tcg_gen_muls2_i32(lo, hi, src32(p), src32(p)); break;
        case 2: tcg_gen_add2_i32(lo, hi, src32(p), src32(p), src32(p), src32(p)); break;
        default: tcg_gen_sub2_i32(lo, hi, src32(p), src32(p), src32(p), src32(p)); break;
        }
        break;
    }
    case 20: {
        TCGv_i64 lo = p->t64[rng_below(r, NT)], hi;
        do {
            hi = dst64(p);
        } while (hi == lo);
        switch (rng_below(r, 4)) {
        case 0: tcg_gen_mulu2_i64(lo, hi, src64(p), src64(p)); break;
        case 1: tcg_gen_muls2_i64(lo, hi, src64(p), src64(p)); break;
        case 2: tcg_gen_add2_i64(lo, hi, src64(p), src64(p), src64(p), src64(p)); break;
        default: tcg_gen_sub2_i64(lo, hi, src64(p), src64(p), src64(p), src64(p)); break;
        }
        break;
    }
    case 21:
        switch (rng_below(r, 5)) {
        case 0: tcg_gen_ext_i32_i64(dst64(p), src32(p)); break;
        case 1: tcg_gen_extu_i32_i64(dst64(p), src32(p)); break;
        case 2: tcg_gen_extrl_i64_i32(dst32(p), src64(p)); break;
        case 3: tcg_gen_extrh_i64_i32(dst32(p), src64(p)); break;
        default: tcg_gen_concat_i32_i64(dst64(p), src32(p), src32(p)); break;
        }
        break;
    case 22: {
        /* Host loads/stores in the scratch area. */
        unsigned slot = rng_below(r, HARNESS_NSCRATCH);
        intptr_t off = offsetof(HarnessEnv, scratch[slot]);
        switch (rng_below(r, 8)) {
        case 0: tcg_gen_ld_i32(dst32(p), tcg_env, off + 4 * rng_below(r, 2)); break;
        case 1: tcg_gen_ld8s_i32(dst32(p), tcg_env, off + rng_below(r, 8)); break;
        case 2: tcg_gen_ld16u_i32(dst32(p), tcg_env, off + 2 * rng_below(r, 4)); break;
        case 3: tcg_gen_ld_i64(dst64(p), tcg_env, off); break;
        case 4: tcg_gen_ld32s_i64(dst64(p), tcg_env, off + 4 * rng_below(r, 2)); break;
        case 5: tcg_gen_st_i32(src32(p), tcg_env, off + 4 * rng_below(r, 2)); break;
        case 6: tcg_gen_st8_i32(src32(p), tcg_env, off + rng_below(r, 8)); break;
        default: tcg_gen_st_i64(src64(p), tcg_env, off); break;
        }
        break;
    }
    case 23:
        switch (rng_below(r, 4)) {
        case 0:
            tcg_gen_call3(&harness_info_add3, tcgv_i32_temp(dst32(p)),
                          tcgv_i32_temp(src32(p)), tcgv_i32_temp(src32(p)),
                          tcgv_i32_temp(src32(p)));
            break;
        case 1: {
            TCGTemp *a[6];
            for (int i = 0; i < 6; i++) {
                a[i] = tcgv_i64_temp(src64(p));
            }
            tcg_gen_callN(&harness_info_mix6, tcgv_i64_temp(dst64(p)), 6, a);
            break;
        }
        case 2:
            tcg_gen_call1(&harness_info_read_g32_0, tcgv_i32_temp(dst32(p)),
                          tcgv_ptr_temp(tcg_env));
            break;
        default:
            tcg_gen_call2(&harness_info_write_g32_1, NULL, tcgv_ptr_temp(tcg_env),
                          tcgv_i32_temp(src32(p)));
            break;
        }
        break;
    case 24:
        {
            static const MemOp mops[] = { MO_UB, MO_SB, MO_LEUW, MO_BESW, MO_LEUL,
                                          MO_BEUL, MO_LESL };
            MemOp mop = mops[rng_below(r, ARRAY_SIZE(mops))];
            TCGv_i32 a = tcg_temp_new_i32();
            /* Mode 0 always misses the TLB: only the harness's slow path serves it. */
            unsigned idx = p->fake_mmu ? rng_below(r, 2) : 1;
            tcg_gen_andi_i32(a, src32(p), 0xff8);
            switch (rng_below(r, 4)) {
            case 0: tcg_gen_qemu_ld_i32(dst32(p), a, idx, mop); break;
            case 1: tcg_gen_qemu_st_i32(src32(p), a, idx, mop); break;
            case 2: tcg_gen_qemu_ld_i64(dst64(p), a, idx, rng_below(r, 2) ? MO_LEUQ : mop); break;
            default: tcg_gen_qemu_st_i64(src64(p), a, idx, rng_below(r, 2) ? MO_BEUQ : mop); break;
            }
            tcg_temp_free_i32(a);
        }
        break;
    case 25: case 26:
        /* A forward branch over the next few ops. */
        if (p->npend < (int)ARRAY_SIZE(p->pend)) {
            TCGLabel *l = gen_new_label();
            if (rng_below(r, 2)) {
                tcg_gen_brcond_i32(rand_cond(p), src32(p), src32(p), l);
            } else {
                tcg_gen_brcond_i64(rand_cond(p), src64(p), src64(p), l);
            }
            p->pend[p->npend].l = l;
            p->pend[p->npend].left = 1 + rng_below(r, 8);
            p->npend++;
        }
        break;
    case 27:
        if (p->npend < (int)ARRAY_SIZE(p->pend) && rng_below(r, 3) == 0) {
            TCGLabel *l = gen_new_label();
            tcg_gen_br(l);
            p->pend[p->npend].l = l;
            p->pend[p->npend].left = 1 + rng_below(r, 3);
            p->npend++;
        }
        break;
    case 28:
        /* An exit in the middle: globals must be in env when it is taken. */
        if (rng_below(r, 4) == 0) {
            static TranslationBlock diff_tb __attribute__((aligned(64)));
            if (p->fake_lookup && rng_below(r, 2)) {
                tcg_gen_lookup_and_goto_ptr();      /* misses: returns 0 */
            } else if (rng_below(r, 2) == 0) {
                /* A jump back to the TB's own start (the harness TB's pc is 0):
                 * the x86-64 backend then keeps globals in host registers for
                 * the whole program (tcg/loop.c); unchained, the slot stores
                 * them and leaves. */
                unsigned slot = rng_below(r, 2);
                tcg_gen_goto_tb(slot);
                tcg_gen_movi_i32(harness_g32[rng_below(r, HARNESS_NG32)], 0);
                tcg_gen_exit_tb(&diff_tb, slot);
            } else {
                tcg_gen_exit_tb(&diff_tb, rng_below(r, 4));
            }
        }
        break;
    case 31: case 32:
        gen_access_run(p);
        break;
    default:
        tcg_gen_mov_i32(dst32(p), src32(p));
        break;
    }
}

/* Place labels whose distance ran out (innermost first keeps them nested). */
static void place_labels(Prog *p, bool all)
{
    for (int i = p->npend - 1; i >= 0; i--) {
        if (all || --p->pend[i].left <= 0) {
            gen_set_label(p->pend[i].l);
            p->pend[i] = p->pend[--p->npend];
        }
    }
}

static void gen_program(uint64_t seed)
{
    Prog p = { .rng = { seed * 0x9e3779b97f4a7c15ull + 1 } };
    TCGv_i32 loop_cnt = NULL;
    TCGLabel *loop_top = NULL;
    int n, i, loop_left = 0;

    p.fake_mmu = harness_fake_mmu();
    p.fake_lookup = harness_fake_lookup();
    for (i = 0; i < NT; i++) {
        p.t32[i] = tcg_temp_new_i32();
        p.t64[i] = tcg_temp_new_i64();
    }
    /* Every temp gets a defined value first. */
    for (i = 0; i < NT; i++) {
        if (rng_below(&p.rng, 2)) {
            tcg_gen_movi_i32(p.t32[i], rng_value(&p.rng));
        } else {
            tcg_gen_mov_i32(p.t32[i], harness_g32[rng_below(&p.rng, HARNESS_NG32)]);
        }
        if (rng_below(&p.rng, 2)) {
            tcg_gen_movi_i64(p.t64[i], rng_value(&p.rng));
        } else {
            tcg_gen_mov_i64(p.t64[i], harness_g64[rng_below(&p.rng, HARNESS_NG64)]);
        }
    }
    n = 10 + rng_below(&p.rng, 50);
    for (i = 0; i < n; i++) {
        if (rng_below(&p.rng, 8) == 0) {
            tcg_gen_insn_start(0x1000 + 4 * i, 0);
        }
        if (loop_left == 0 && rng_below(&p.rng, 40) == 0) {
            /* A bounded loop: no branch may enter it from outside, so every pending
             * label is placed first; its counter is outside the temp pool. */
            place_labels(&p, true);
            loop_cnt = tcg_temp_new_i32();
            tcg_gen_movi_i32(loop_cnt, 1 + rng_below(&p.rng, 3));
            loop_top = gen_new_label();
            gen_set_label(loop_top);
            loop_left = 2 + rng_below(&p.rng, 7);
        }
        gen_one(&p);
        place_labels(&p, false);
        if (loop_left > 0 && --loop_left == 0) {
            place_labels(&p, true);
            tcg_gen_subi_i32(loop_cnt, loop_cnt, 1);
            tcg_gen_brcondi_i32(TCG_COND_NE, loop_cnt, 0, loop_top);
            tcg_temp_free_i32(loop_cnt);
        }
    }
    if (loop_left > 0) {
        place_labels(&p, true);
        tcg_gen_subi_i32(loop_cnt, loop_cnt, 1);
        tcg_gen_brcondi_i32(TCG_COND_NE, loop_cnt, 0, loop_top);
        tcg_temp_free_i32(loop_cnt);
    }
    place_labels(&p, true);
    /* Make the temps observable. */
    for (i = 0; i < NT; i++) {
        tcg_gen_st_i32(p.t32[i], tcg_env, offsetof(HarnessEnv, mem) + 0x800 + 4 * i);
        tcg_gen_st_i64(p.t64[i], tcg_env, offsetof(HarnessEnv, mem) + 0x900 + 8 * i);
        tcg_temp_free_i32(p.t32[i]);
        tcg_temp_free_i64(p.t64[i]);
    }
    tcg_gen_exit_tb(NULL, 0);
}

static void init_env(uint64_t seed)
{
    Rng r = { seed ^ 0x5deece66dull };

    harness_clear_env();
    for (int i = 0; i < HARNESS_NG32; i++) {
        harness_env->g32[i] = rng_value(&r);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        harness_env->g64[i] = rng_value(&r);
    }
    for (int i = 0; i < HARNESS_NSCRATCH; i++) {
        harness_env->scratch[i] = rng_next(&r);
    }
    for (int i = 0; i < 0x800; i++) {
        harness_env->mem[i] = (uint8_t)rng_next(&r);
    }
}

typedef struct Snapshot {
    uint32_t g32[HARNESS_NG32];
    uint64_t g64[HARNESS_NG64];
    uint64_t scratch[HARNESS_NSCRATCH];
    uint8_t mem[TARGET_PAGE_SIZE];
    uintptr_t ret;
} Snapshot;

static void run_config(const TCGBackend *b, int mode, uint64_t seed, Snapshot *out)
{
    harness_select(b);
    harness_reset_code();
    init_env(seed);
    harness_begin();
    gen_program(seed);
    out->ret = harness_run(mode);
    memcpy(out->g32, harness_env->g32, sizeof(out->g32));
    memcpy(out->g64, harness_env->g64, sizeof(out->g64));
    memcpy(out->scratch, harness_env->scratch, sizeof(out->scratch));
    memcpy(out->mem, harness_env->mem, sizeof(out->mem));
}

static void report(uint64_t seed, const char *what, const Snapshot *a, const Snapshot *b)
{
    for (int i = 0; i < HARNESS_NG32; i++) {
        if (a->g32[i] != b->g32[i]) {
            fprintf(stderr, "  w%d: %#x vs %#x\n", i, a->g32[i], b->g32[i]);
        }
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        if (a->g64[i] != b->g64[i]) {
            fprintf(stderr, "  q%d: %#" PRIx64 " vs %#" PRIx64 "\n", i, a->g64[i], b->g64[i]);
        }
    }
    for (int i = 0; i < HARNESS_NSCRATCH; i++) {
        if (a->scratch[i] != b->scratch[i]) {
            fprintf(stderr, "  scratch[%d]: %#" PRIx64 " vs %#" PRIx64 "\n", i,
                    a->scratch[i], b->scratch[i]);
        }
    }
    for (int i = 0; i < (int)TARGET_PAGE_SIZE; i++) {
        if (a->mem[i] != b->mem[i]) {
            fprintf(stderr, "  mem[%#x]: %#x vs %#x\n", i, a->mem[i], b->mem[i]);
        }
    }
    fprintf(stderr, "program %" PRIu64 " (%s), before optimization:\n", seed, what);
    harness_select(&tcg_backend_interp);
    harness_begin();
    gen_program(seed);
    tcg_dump_ops(tcg_ctx, stderr, false);
    fprintf(stderr, "after:\n");
    harness_gen(HARNESS_FULL);
    tcg_dump_ops(tcg_ctx, stderr, true);
}

static bool same(const Snapshot *a, const Snapshot *b)
{
    return a->ret == b->ret && !memcmp(a->g32, b->g32, sizeof(a->g32))
        && !memcmp(a->g64, b->g64, sizeof(a->g64))
        && !memcmp(a->scratch, b->scratch, sizeof(a->scratch))
        && !memcmp(a->mem, b->mem, sizeof(a->mem));
}

static unsigned diff_iters(void)
{
    const char *e = getenv("MIMIC_DIFF_ITERS");
    return e ? (unsigned)strtoul(e, NULL, 0) : 10000;
}

Test(tcg_diff, interp_optimizer_vs_plain)
{
    static Snapshot a, b;
    unsigned n = diff_iters();

    uint64_t in0 = tcg_ctx->stat_ops_in, opt0 = tcg_ctx->stat_ops_opt;
    uint64_t grp0 = tcg_ctx->stat_ldst_groups, memb0 = tcg_ctx->stat_ldst_members;
    for (uint64_t seed = 1; seed <= n; seed++) {
        run_config(&tcg_backend_interp, HARNESS_NO_OPT, seed, &a);
        run_config(&tcg_backend_interp, HARNESS_FULL, seed, &b);
        if (!same(&a, &b)) {
            report(seed, "interp plain vs optimized", &a, &b);
            cr_assert_fail("program %" PRIu64 ": optimizer changed the result", seed);
        }
    }
    cr_log_info("%u programs: %" PRIu64 " ops in, %" PRIu64 " after optimize+liveness",
                n, tcg_ctx->stat_ops_in - in0, tcg_ctx->stat_ops_opt - opt0);
    /* The runs of accesses must have exercised shared TLB checks. */
    cr_log_info("%" PRIu64 " shared TLB checks for %" PRIu64 " more accesses",
                tcg_ctx->stat_ldst_groups - grp0, tcg_ctx->stat_ldst_members - memb0);
    cr_assert(n < 100 || tcg_ctx->stat_ldst_groups - grp0 > n / 20,
              "too few shared TLB checks in the random programs");
}

Test(tcg_diff, x86_64_vs_interp)
{
    static Snapshot a, b, c;
    unsigned n = diff_iters();
    const TCGBackend *const *list = harness_backends();

    if (list[1] == NULL) {
        cr_skip_test("tcg/x86_64 is not linked into this binary");
    }
    uint64_t loops0 = tcg_ctx->stat_loop_tbs;
    for (uint64_t seed = 1; seed <= n; seed++) {
        run_config(&tcg_backend_interp, HARNESS_FULL, seed, &a);
        run_config(list[1], HARNESS_FULL, seed, &b);
        if (!same(&a, &b)) {
            report(seed, "interp vs x86_64", &a, &b);
            cr_assert_fail("program %" PRIu64 ": x86_64 differs from interp", seed);
        }
        run_config(list[1], HARNESS_NO_OPT, seed, &c);
        if (!same(&a, &c)) {
            report(seed, "interp vs x86_64 without optimizer", &a, &c);
            cr_assert_fail("program %" PRIu64 ": x86_64 (no opt) differs from interp", seed);
        }
    }
    /* Some programs jump back to their own start: globals pinned to registers. */
    cr_log_info("%" PRIu64 " programs generated as self loops",
                tcg_ctx->stat_loop_tbs - loops0);
    cr_assert(n < 100 || tcg_ctx->stat_loop_tbs - loops0 > n / 50,
              "too few self loops in the random programs");
}
