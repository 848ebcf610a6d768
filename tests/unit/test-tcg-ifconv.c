/*
 * If-conversion (tcg/ifconv.c): each shape (diamond, triangle, arms that each end
 * in the same conditional transfer, as MIPS intloop) is converted and computes on
 * both backends what the unconverted code computes, whichever way the branch goes;
 * arms with guest stores are converted and leave guest memory as the unconverted
 * code does (a store only for its arm; a page the store probe does not take
 * restarts the arm), and qemu_probe_st_i64 hits only plain mapped stores; arms
 * with loads, calls, big-endian stores, too many ops or a temp live after them
 * are refused; speculated divisions cannot fault; a trap in an arm fires with the
 * guest state of the unconverted code and only when its arm is taken; the profile
 * counts runs and direction changes and, at the count, leaves the TB pending with
 * an exit request, taken at the loop header; and a verdict
 * (accel/tcg/ifconv-verdict.c) invalidates the TB and makes the next translation
 * of the same key apply it.
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"
#include "exec/exec-all.h"
#include "toy-target.h"
#include "exec/memory.h"
#include "../../accel/tcg/internal.h"

#define E harness_env
#define W(i) harness_g32[i]
/* Roles of the harness globals in every loop below. */
#define X W(0)          /* xorshift state */
#define ACC W(1)
#define I W(2)          /* iteration counter */
#define N W(3)          /* iterations */
#define BIT W(4)
#define DIV W(5)        /* a divisor */
#define TMP W(6)
#define PC W(7)

#define K 2654435761u
#define TRAP_PC 0x77

TestSuite(tcg_ifconv, .init = harness_init);

typedef enum Shape {
    DIAMOND,            /* if/else meeting at a label */
    TRIANGLE,           /* an empty taken arm */
    INTLOOP,            /* both arms end in the loop's exit test; trap in one */
    DIV_GUARD,          /* the fall-through arm divides by DIV: taken when DIV == 0 */
    SDIV_GUARD,         /* signed: taken when X == INT_MIN && DIV == -1 */
    STORE_ARMS,         /* each arm stores to guest memory, at addresses of its own */
    STORE_SAME,         /* both arms store to one address, a value each */
    STORE_RELOAD,       /* an arm stores and loads the bytes back (32 and 8 bits) */
    REFUSE_LOAD,        /* an arm loads guest memory */
    REFUSE_CALL,        /* an arm calls a helper */
    REFUSE_LONG,        /* an arm has too many ops */
    REFUSE_STORE_LOAD,  /* an arm stores, then loads another address */
    REFUSE_STORE_CALL,  /* an arm stores, then calls a helper */
    REFUSE_STORE_BE,    /* an arm stores big-endian (the host is not) */
    REFUSE_LIVE_TEMP,   /* an arm writes a temp read after the join */
} Shape;

static void gen_jump(unsigned n, uint32_t dest)
{
    tcg_gen_goto_tb(n);
    tcg_gen_movi_i32(PC, dest);
    tcg_gen_exit_tb(&harness_tb, n);
}

/* A loop header's check (the TB start's, or a region join's). */
static void gen_check(TCGLabel *out)
{
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, out);
    tcg_temp_free_i32(t);
}

static void gen_xorshift(void)
{
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_shli_i32(t, X, 13);
    tcg_gen_xor_i32(X, X, t);
    tcg_gen_shri_i32(t, X, 17);
    tcg_gen_xor_i32(X, X, t);
    tcg_gen_shli_i32(t, X, 5);
    tcg_gen_xor_i32(X, X, t);
    tcg_temp_free_i32(t);
    tcg_gen_andi_i32(BIT, X, 1);
}

/* A cold trap block: pc stored, a helper on env, the TB left. */
static void gen_trap_block(TCGLabel *l)
{
    gen_set_label(l);
    tcg_gen_movi_i32(PC, TRAP_PC);
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_exit_tb(NULL, 0);
}

/* The guard shapes' arms: the fall-through divides X by DIV (acc += q, acc ^= r),
 * the taken one adds k. */
static void gen_div_arms(TCGv_i32 t, bool sign, TCGLabel *taken, TCGLabel *join, int k)
{
    (sign ? tcg_gen_div_i32 : tcg_gen_divu_i32)(t, X, DIV);
    tcg_gen_add_i32(ACC, ACC, t);
    (sign ? tcg_gen_rem_i32 : tcg_gen_remu_i32)(t, X, DIV);
    tcg_gen_xor_i32(ACC, ACC, t);
    tcg_gen_br(join);
    gen_set_label(taken);
    tcg_gen_addi_i32(ACC, ACC, k);
}

/* The guest stores of the STORE_* and REFUSE_STORE_* shapes' arms (t is free). */
static void gen_arm_stores(Shape shape, TCGv_i32 t, bool odd)
{
    switch (shape) {
    case STORE_ARMS:
        if (odd) {
            /* mem16[0x80 + (i & 7) * 2] = x */
            tcg_gen_andi_i32(t, I, 7);
            tcg_gen_shli_i32(t, t, 1);
            tcg_gen_addi_i32(t, t, 0x80);
            tcg_gen_qemu_st_i32(X, t, 1, MO_LEUW);
        } else {
            /* mem32[(i & 15) * 4] = acc */
            tcg_gen_andi_i32(t, I, 15);
            tcg_gen_shli_i32(t, t, 2);
            tcg_gen_qemu_st_i32(ACC, t, 1, MO_LEUL);
        }
        break;
    case STORE_SAME:
        /* mem32[0x40] = odd ? x : acc, and mem8[0x44 + (i & 3)] = i */
        tcg_gen_qemu_st_i32(odd ? X : ACC, tcg_constant_i32(0x40), 1, MO_LEUL);
        tcg_gen_andi_i32(t, I, 3);
        tcg_gen_addi_i32(t, t, 0x44);
        tcg_gen_qemu_st_i32(I, t, 1, MO_UB);
        break;
    case STORE_RELOAD: {
        /* mem32[(i & 15) * 4] = acc; tmp = that; mem8[0x90] = x; tmp += (int8_t)that */
        TCGv_i32 at = tcg_constant_i32(0x90);
        tcg_gen_andi_i32(t, I, 15);
        tcg_gen_shli_i32(t, t, 2);
        tcg_gen_qemu_st_i32(ACC, t, 1, MO_LEUL);
        tcg_gen_qemu_ld_i32(TMP, t, 1, MO_LEUL);
        tcg_gen_qemu_st_i32(X, at, 1, MO_UB);
        tcg_gen_qemu_ld_i32(t, at, 1, MO_SB);
        tcg_gen_add_i32(TMP, TMP, t);
        break;
    }
    case REFUSE_STORE_LOAD:
        tcg_gen_qemu_st_i32(ACC, tcg_constant_i32(0x40), 1, MO_LEUL);
        tcg_gen_qemu_ld_i32(TMP, tcg_constant_i32(0x48), 1, MO_LEUL);
        break;
    case REFUSE_STORE_CALL:
        tcg_gen_qemu_st_i32(ACC, tcg_constant_i32(0x40), 1, MO_LEUL);
        tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
        break;
    case REFUSE_STORE_BE:
        tcg_gen_qemu_st_i32(ACC, tcg_constant_i32(0x40), 1, MO_BEUL);
        break;
    default:
        g_assert_not_reached();
    }
}

/* The arms of the diamond, triangle and guard shapes, between the branch on BIT
 * (or the guard's condition) and the join. */
static void gen_simple_arms(Shape shape, TCGLabel *taken, TCGLabel *join)
{
    TCGv_i32 t = tcg_temp_new_i32();

    switch (shape) {
    case DIAMOND:
    case STORE_ARMS:
    case STORE_SAME:
    case STORE_RELOAD:
    case REFUSE_LOAD:
    case REFUSE_CALL:
    case REFUSE_LONG:
    case REFUSE_STORE_LOAD:
    case REFUSE_STORE_CALL:
    case REFUSE_STORE_BE:
        tcg_gen_brcondi_i32(TCG_COND_NE, BIT, 0, taken);
        /* even: acc ^= x >> 3; acc += 7 */
        tcg_gen_shri_i32(t, X, 3);
        tcg_gen_xor_i32(ACC, ACC, t);
        tcg_gen_addi_i32(ACC, ACC, 7);
        if (shape == REFUSE_LOAD) {
            tcg_gen_qemu_ld_i32(TMP, tcg_constant_i32(0x40), 1, MO_LEUL);
        } else if (shape == REFUSE_CALL) {
            tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
        } else if (shape == REFUSE_LONG) {
            for (int i = 0; i < 20; i++) {
                tcg_gen_addi_i32(TMP, TMP, i);
            }
        } else if (shape != DIAMOND) {
            gen_arm_stores(shape, t, false);
        }
        tcg_gen_br(join);
        gen_set_label(taken);
        /* odd: acc += x * K */
        tcg_gen_muli_i32(t, X, K);
        tcg_gen_add_i32(ACC, ACC, t);
        if (shape == STORE_ARMS || shape == STORE_SAME) {
            gen_arm_stores(shape, t, true);
        }
        break;
    case TRIANGLE:
        tcg_gen_brcondi_i32(TCG_COND_EQ, BIT, 0, join);
        tcg_gen_muli_i32(t, X, K);
        tcg_gen_add_i32(ACC, ACC, t);
        tcg_gen_rotli_i32(ACC, ACC, 3);
        break;
    case DIV_GUARD:
        tcg_gen_brcondi_i32(TCG_COND_EQ, DIV, 0, taken);
        gen_div_arms(t, false, taken, join, 1);
        break;
    case SDIV_GUARD: {
        TCGv_i32 ovf = tcg_temp_new_i32();
        tcg_gen_setcondi_i32(TCG_COND_EQ, ovf, X, INT32_MIN);
        tcg_gen_setcondi_i32(TCG_COND_EQ, t, DIV, -1);
        tcg_gen_and_i32(ovf, ovf, t);
        tcg_gen_brcondi_i32(TCG_COND_NE, ovf, 0, taken);
        tcg_temp_free_i32(ovf);
        gen_div_arms(t, true, taken, join, 2);
        break;
    }
    case REFUSE_LIVE_TEMP: {
        /* Both arms write a TEMP_TB that the join reads. */
        TCGv_i32 v = tcg_temp_new_i32();
        tcg_gen_brcondi_i32(TCG_COND_NE, BIT, 0, taken);
        tcg_gen_shri_i32(v, X, 3);
        tcg_gen_br(join);
        gen_set_label(taken);
        tcg_gen_muli_i32(v, X, K);
        gen_set_label(join);
        tcg_gen_add_i32(ACC, ACC, v);
        tcg_temp_free_i32(v);
        tcg_temp_free_i32(t);
        return;
    }
    default:
        g_assert_not_reached();
    }
    gen_set_label(join);
    tcg_temp_free_i32(t);
}

/*
 * The loop: header check, xorshift, the shape's arms, i++ and back while i != n;
 * leaves for pc 0x100. intloop's shape is laid out as gcc compiles it: the odd arm
 * at the TB's start, falling into the header; each arm ends in the exit test.
 */
static void gen_loop(Shape shape)
{
    TCGLabel *req = gen_new_label(), *req_head = gen_new_label();
    TCGLabel *head = gen_new_label();

    if (shape == INTLOOP) {
        TCGLabel *start = gen_new_label(), *out = gen_new_label(), *trap = gen_new_label();
        TCGv_i32 t = tcg_temp_new_i32();

        gen_set_label(start);
        gen_check(req);
        tcg_gen_muli_i32(TMP, X, K);
        tcg_gen_addi_i32(I, I, 1);
        tcg_gen_setcond_i32(TCG_COND_EQ, t, I, N);
        tcg_gen_add_i32(ACC, TMP, ACC);
        tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, out);
        gen_set_label(head);
        gen_check(req_head);
        gen_xorshift();
        tcg_gen_setcondi_i32(TCG_COND_NE, t, BIT, 0);
        tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, start);
        tcg_gen_brcondi_i32(TCG_COND_EQ, DIV, 0, trap);
        tcg_gen_divu_i32(TMP, X, DIV);
        tcg_gen_addi_i32(I, I, 1);
        tcg_gen_setcond_i32(TCG_COND_NE, t, I, N);
        tcg_gen_xor_i32(ACC, ACC, TMP);
        tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, head);
        tcg_temp_free_i32(t);
        gen_jump(0, 0x100);
        gen_trap_block(trap);
        gen_set_label(out);
        gen_jump(1, 0x100);
    } else {
        gen_check(req);
        gen_set_label(head);
        gen_check(req_head);
        if (shape != DIV_GUARD && shape != SDIV_GUARD) {
            gen_xorshift();     /* the guard shapes divide the start's x */
        }
        gen_simple_arms(shape, gen_new_label(), gen_new_label());
        tcg_gen_addi_i32(I, I, 1);
        tcg_gen_brcond_i32(TCG_COND_NE, I, N, head);
        gen_jump(0, 0x100);
    }
    gen_set_label(req_head);
    tcg_gen_movi_i32(PC, 0x10);
    tcg_gen_exit_tb(NULL, 0);
    gen_set_label(req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
}

/* Generate a loop by gen_body(arg) in a mode (apply: convert every candidate) on
 * the current backend; returns how many branches were converted or given counters. */
static int gen_body_mode(void (*gen_body)(int), int arg, int mode, const void **code)
{
    uint64_t conv0 = tcg_ctx->stat_ifconv_converted;
    uint64_t prof0 = tcg_ctx->stat_ifconv_profiled;

    harness_begin();
    gen_body(arg);
    tcg_ctx->ifconv_mode = mode;
    tcg_ctx->ifconv_apply = ~0u;
    *code = harness_gen(HARNESS_FULL);
    tcg_ctx->ifconv_mode = TCG_IFCONV_OFF;
    cr_assert_not_null(*code);
    return (int)(tcg_ctx->stat_ifconv_converted - conv0 +
                 tcg_ctx->stat_ifconv_profiled - prof0);
}

static void gen_loop_shape(int shape)
{
    gen_loop((Shape)shape);
}

static int gen_mode(Shape shape, int mode, const void **code)
{
    return gen_body_mode(gen_loop_shape, shape, mode, code);
}

typedef struct Run {
    uintptr_t ret;
    uint32_t g[HARNESS_NG32];
    uint64_t calls;
    uint8_t mem[256];           /* the guest page's start, where the stores go */
} Run;

static Run run_from(const void *code, uint32_t x, uint32_t n, uint32_t div)
{
    Run r;

    harness_clear_env();
    E->g32[0] = x;
    E->g32[3] = n;
    E->g32[5] = div;
    r.ret = harness_exec(code);
    memcpy(r.g, E->g32, sizeof(r.g));
    memcpy(r.mem, E->mem, sizeof(r.mem));
    r.calls = E->helper_calls;
    return r;
}

/* Exits through goto_tb slots 0 and 1 to the same pc are the same exit (the
 * converted code takes one arm's); the pc global tells the destination. */
static void assert_same(const Run *a, const Run *b, const char *what)
{
    cr_assert_eq(a->ret & ~(uintptr_t)1, b->ret & ~(uintptr_t)1, "%s: exit %#lx vs %#lx", what, (unsigned long)a->ret,
                 (unsigned long)b->ret);
    for (int i = 0; i < HARNESS_NG32; i++) {
        cr_assert_eq(a->g[i], b->g[i], "%s: g%d %#x vs %#x", what, i, a->g[i], b->g[i]);
    }
    cr_assert_eq(a->calls, b->calls, "%s: helper calls", what);
    for (int i = 0; i < (int)sizeof(a->mem); i++) {
        cr_assert_eq(a->mem[i], b->mem[i], "%s: mem[%#x] %#x vs %#x", what, i, a->mem[i],
                     b->mem[i]);
    }
}

/* Converted (n branches) and unconverted code agree from each start. */
static void check_shape(Shape shape, int converted, const uint32_t (*starts)[3], int nb)
{
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *plain, *conv;
        harness_select(*b);
        cr_assert_eq(gen_mode(shape, TCG_IFCONV_OFF, &plain), 0);
        cr_assert_eq(gen_mode(shape, TCG_IFCONV_APPLY, &conv), converted,
                     "shape %d on %s: converted", shape, (*b)->name);
        for (int i = 0; i < nb; i++) {
            Run want = run_from(plain, starts[i][0], starts[i][1], starts[i][2]);
            Run got = run_from(conv, starts[i][0], starts[i][1], starts[i][2]);
            assert_same(&got, &want, (*b)->name);
        }
    }
}

/* Starts: (x, iterations, divisor). One iteration from an odd and an even x
 * takes each arm alone; 1000 from a seed take both, about half of the time. */
static const uint32_t loop_starts[][3] = {
    { 2463534242u, 1000, 5 }, { 0x12345678, 1, 3 }, { 0x12345679, 1, 3 },
    { 1, 1, 9 }, { 2, 1, 9 }, { 0xdeadbeef, 257, 7 },
};

Test(tcg_ifconv, diamond_converted_and_equal)
{
    check_shape(DIAMOND, 1, loop_starts, ARRAY_SIZE(loop_starts));
}

Test(tcg_ifconv, triangle_converted_and_equal)
{
    check_shape(TRIANGLE, 1, loop_starts, ARRAY_SIZE(loop_starts));
}

/* The C model of INTLOOP: the odd arm runs first (it is the TB's start). */
static uint32_t model_intloop(uint32_t x, uint32_t n, uint32_t div)
{
    uint32_t acc = 0, i = 0;

    acc += x * K;
    if (++i == n) {
        return acc;
    }
    for (;;) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if (x & 1) {
            acc += x * K;
        } else {
            acc ^= x / div;
        }
        if (++i == n) {
            return acc;
        }
    }
}

Test(tcg_ifconv, intloop_shape_converted_and_equal)
{
    check_shape(INTLOOP, 1, loop_starts, ARRAY_SIZE(loop_starts));
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *conv;
        harness_select(*b);
        gen_mode(INTLOOP, TCG_IFCONV_APPLY, &conv);
        Run r = run_from(conv, 2463534242u, 100000, 6);
        cr_assert_eq(r.g[1], model_intloop(2463534242u, 100000, 6), "%s", (*b)->name);
        cr_assert_eq(r.ret, (uintptr_t)&harness_tb | 1, "left by the odd arm's exit");
    }
}

/*
 * The divisor is 0 in the loop's even arm: the unconverted code traps at the first
 * even iteration, before the arm writes anything; so must the converted one, with
 * the same registers (x already shifted, i and acc of the iterations before), and
 * an odd iteration with the divisor 0 must not trap (nor fault on the host).
 */
Test(tcg_ifconv, trap_in_an_arm_fires_only_for_its_arm)
{
    static const uint32_t starts[][3] = {
        { 2463534242u, 1000, 0 }, { 0x12345678, 3, 0 }, { 7, 50, 0 },
    };
    check_shape(INTLOOP, 1, starts, ARRAY_SIZE(starts));
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *conv;
        harness_select(*b);
        gen_mode(INTLOOP, TCG_IFCONV_APPLY, &conv);
        /* From x = 261 the first xorshift gives 0x43483b5 (odd), the second
         * 0x1c0f5b14 (even): the start's odd arm, one odd iteration, then the trap
         * with x shifted and nothing of the even arm done. */
        Run r = run_from(conv, 261, 100, 0);
        cr_assert_eq(r.ret, 0, "left through the trap block");
        cr_assert_eq(r.g[7], TRAP_PC);
        cr_assert_eq(r.calls, 1);
        cr_assert_eq(r.g[0], 0x1c0f5b14);
        cr_assert_eq(r.g[2], 2, "i: two odd iterations done, the even one not");
        cr_assert_eq(r.g[1], 261 * K + 0x43483b5u * K, "acc %#x", r.g[1]);
    }
}

/* The arm not taken divides by 0, or INT_MIN by -1: no host fault, same results. */
Test(tcg_ifconv, speculated_divisions_cannot_fault)
{
    static const uint32_t udiv[][3] = {
        { 1000, 1, 0 }, { 1000, 1, 7 }, { 0xffffffff, 1, 0 }, { 2463534242u, 300, 0 },
    };
    static const uint32_t sdiv[][3] = {
        { 0x80000000u, 1, 0xffffffff }, { 0x80000000u, 1, 3 },
        { 0x7fffffff, 1, 0xffffffff }, { 0x80000001u, 1, 0xffffffff },
    };
    check_shape(DIV_GUARD, 1, udiv, ARRAY_SIZE(udiv));
    check_shape(SDIV_GUARD, 1, sdiv, ARRAY_SIZE(sdiv));
}

/*
 * Arms that store: converted, and the guest memory afterwards is the unconverted
 * code's (a store of the arm not taken landing anywhere in the page would show).
 * One iteration from an odd and from an even x runs each arm alone.
 */
Test(tcg_ifconv, stores_in_arms_converted_and_only_for_the_arm_taken)
{
    check_shape(STORE_ARMS, 1, loop_starts, ARRAY_SIZE(loop_starts));
    check_shape(STORE_SAME, 1, loop_starts, ARRAY_SIZE(loop_starts));
    check_shape(STORE_RELOAD, 1, loop_starts, ARRAY_SIZE(loop_starts));
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *conv;
        harness_select(*b);
        gen_mode(STORE_SAME, TCG_IFCONV_APPLY, &conv);
        /* 0x12345679's xorshift is even: mem32[0x40] = acc, never x. */
        Run r = run_from(conv, 0x12345679, 1, 3);
        uint32_t w = r.mem[0x40] | r.mem[0x41] << 8 | r.mem[0x42] << 16 |
                     (uint32_t)r.mem[0x43] << 24;
        cr_assert_eq(w, r.g[1], "%s: the even arm's store", (*b)->name);
        cr_assert_neq(w, r.g[0]);
    }
}

/*
 * A page the probe does not take (a watchpoint, translated code, MMIO: a flag in
 * the write tag; here TLB_WATCH, which the slow path stores through): the arm
 * taken restarts its unconverted code, which stores through the helper; the arm
 * not taken neither stores nor restarts. Same results as the unconverted code.
 */
Test(tcg_ifconv, store_to_a_flagged_page_restarts_the_arm)
{
    CPUTLBEntry *e = &E->cpu.tlb_fast[1].table[0];
    uint32_t tag = e->addr_write;

    e->addr_write = tag | TLB_WATCH;
    check_shape(STORE_ARMS, 1, loop_starts, ARRAY_SIZE(loop_starts));
    check_shape(STORE_SAME, 1, loop_starts, ARRAY_SIZE(loop_starts));
    check_shape(STORE_RELOAD, 1, loop_starts, ARRAY_SIZE(loop_starts));
    e->addr_write = tag;
}

/* The op itself: the host address on a hit; 0 for a miss of any kind. */
static uint64_t probe(int mmu_idx, uint32_t addr, MemOp mop, bool load)
{
    harness_begin();
    TCGv_i64 h = tcg_temp_new_i64();
    TCGOp *op = tcg_emit_op(INDEX_op_qemu_probe_st_i64, 4);
    op->args[0] = temp_arg(tcgv_i64_temp(h));
    op->args[1] = temp_arg(tcgv_i32_temp(W(0)));
    op->args[2] = make_memop_idx(mop, mmu_idx);
    op->args[3] = load;
    tcg_gen_mov_i64(harness_g64[0], h);
    tcg_gen_exit_tb(NULL, 0);
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    harness_clear_env();
    E->g32[0] = addr;
    E->g64[0] = 0xdead;
    harness_exec(code);
    return E->g64[0];
}

Test(tcg_ifconv, probe_st_hits_only_plain_mapped_stores)
{
    CPUTLBEntry *e = &E->cpu.tlb_fast[1].table[0];
    uint32_t tag = e->addr_write;
    uint64_t mem = (uintptr_t)E->mem;
    static const uint32_t flags[] = { TLB_INVALID_MASK, TLB_NOTDIRTY, TLB_MMIO,
                                      TLB_DISCARD_WRITE, TLB_WATCH };

    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        harness_select(*b);
        const char *n = (*b)->name;
        cr_assert_eq(probe(1, 0x10, MO_LEUL, false), mem + 0x10, "%s", n);
        cr_assert_eq(probe(1, 0x13, MO_LEUL, false), mem + 0x13, "%s: unaligned allowed", n);
        cr_assert_eq(probe(1, 0xfff, MO_UB, false), mem + 0xfff, "%s: the page's last byte", n);
        cr_assert_eq(probe(1, 0xff8, MO_LEUQ | MO_ALIGN, false), mem + 0xff8, "%s: aligned", n);
        cr_assert_eq(probe(1, 0xffc, MO_LEUL, false), mem + 0xffc, "%s: the page's last word", n);
        cr_assert_eq(probe(1, 0xffd, MO_LEUL, false), 0, "%s: crosses into page 1", n);
        cr_assert_eq(probe(1, 0x13, MO_LEUL | MO_ALIGN, false), 0, "%s: misaligned", n);
        cr_assert_eq(probe(1, 0x1010, MO_LEUL, false), 0, "%s: page 1 is not mapped", n);
        cr_assert_eq(probe(0, 0x10, MO_LEUL, false), 0, "%s: mmu 0 maps nothing", n);
        for (unsigned i = 0; i < ARRAY_SIZE(flags); i++) {
            e->addr_write = tag | flags[i];
            cr_assert_eq(probe(1, 0x10, MO_LEUL, false), 0, "%s: flag %#x", n, flags[i]);
        }
        e->addr_write = tag;
        /* For a store that is loaded again, the read tag counts too. */
        uint32_t rtag = e->addr_read;
        e->addr_read = rtag | TLB_WATCH;
        cr_assert_eq(probe(1, 0x10, MO_LEUL, false), mem + 0x10, "%s: store only", n);
        cr_assert_eq(probe(1, 0x10, MO_LEUL, true), 0, "%s: read watchpoint", n);
        e->addr_read = rtag;
        cr_assert_eq(probe(1, 0x10, MO_LEUL, true), mem + 0x10, "%s: load too", n);
    }
}

Test(tcg_ifconv, refuses_memory_calls_long_arms_and_live_temps)
{
    for (Shape s = REFUSE_LOAD; s <= REFUSE_LIVE_TEMP; s++) {
        for (const TCGBackend *const *b = harness_backends(); *b; b++) {
            const void *code;
            harness_select(*b);
            cr_assert_eq(gen_mode(s, TCG_IFCONV_APPLY, &code), 0, "shape %d converted", s);
            cr_assert_eq(gen_mode(s, TCG_IFCONV_PROFILE, &code), 0, "shape %d counted", s);
        }
    }
}

/* Without a backward branch nothing is a candidate: the branch runs once per TB. */
Test(tcg_ifconv, no_loop_no_candidate)
{
    uint64_t conv0 = tcg_ctx->stat_ifconv_converted;
    TCGLabel *taken, *join;

    harness_begin();
    taken = gen_new_label();
    join = gen_new_label();
    gen_xorshift();
    gen_simple_arms(DIAMOND, taken, join);
    gen_jump(0, 0x100);
    tcg_ctx->ifconv_mode = TCG_IFCONV_APPLY;
    tcg_ctx->ifconv_apply = ~0u;
    cr_assert_not_null(harness_gen(HARNESS_FULL));
    tcg_ctx->ifconv_mode = TCG_IFCONV_OFF;
    cr_assert_eq(tcg_ctx->stat_ifconv_converted, conv0);
}

/* ---- the profile ---- */

/* Runs and direction changes of the diamond's branch from x over n iterations
 * (the slot's last direction starts at 0, not taken). */
static void model_profile(uint32_t x, uint32_t n, uint32_t *runs, uint32_t *changes)
{
    uint32_t last = 0;

    *runs = *changes = 0;
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *changes += (x & 1) != last;
        last = x & 1;
        (*runs)++;
    }
}

/* The counters are exact; at the count the TB notes itself and its slots as
 * pending and requests an exit, which its loop header then takes. */
Test(tcg_ifconv, profile_counts_runs_and_changes_then_asks_once)
{
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *code;
        uint32_t runs, changes;

        harness_select(*b);
        tcg_ctx->ifconv_next_slot = 5;
        cr_assert_eq(gen_mode(DIAMOND, TCG_IFCONV_PROFILE, &code), 1);
        cr_assert_eq(tcg_ctx->ifconv_slot_first, 5);
        cr_assert_eq(tcg_ctx->ifconv_nb_slots, 1);
        cr_assert_eq(tcg_ctx->ifconv_next_slot, 6);

        memset(&E->cpu.ifconv_prof, 0, sizeof(E->cpu.ifconv_prof));
        E->cpu.ifconv_pending_tb = NULL;
        Run r = run_from(code, 2463534242u, 1000, 1);
        model_profile(2463534242u, 1000, &runs, &changes);
        cr_assert_eq(E->cpu.ifconv_prof[5].runs, runs);
        cr_assert_eq(E->cpu.ifconv_prof[5].changes, changes);
        cr_assert_gt(changes, 400, "a random branch changes about half of the time");
        cr_assert_null(E->cpu.ifconv_pending_tb);
        cr_assert_eq(r.ret & ~(uintptr_t)1, (uintptr_t)&harness_tb, "left at the end");

        /* On to the count: pending, and out at the next header with its pc. */
        memset(&E->cpu.ifconv_prof, 0, sizeof(E->cpu.ifconv_prof));
        r = run_from(code, 2463534242u, TCG_IFCONV_RUNS + 100, 1);
        cr_assert_eq(E->cpu.ifconv_pending_tb, &harness_tb);
        cr_assert_eq(E->cpu.ifconv_pending_slots, 5 | 1 << 8);
        cr_assert_eq(E->cpu.exit_request_tb, 1);
        cr_assert_eq(E->cpu.ifconv_prof[5].runs, TCG_IFCONV_RUNS);
        cr_assert_eq(r.ret, 0, "left by the header's check");
        cr_assert_eq(r.g[7], 0x10, "with the header's pc");
        cr_assert_eq(r.g[2], TCG_IFCONV_RUNS, "after whole iterations");
        E->cpu.exit_request_tb = 0;
        E->cpu.ifconv_pending_tb = NULL;
    }
}

/* Counters must not change what the loop computes. */
Test(tcg_ifconv, profiled_code_computes_the_same)
{
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *plain, *prof;
        harness_select(*b);
        gen_mode(INTLOOP, TCG_IFCONV_OFF, &plain);
        cr_assert_eq(gen_mode(INTLOOP, TCG_IFCONV_PROFILE, &prof), 1);
        for (size_t i = 0; i < ARRAY_SIZE(loop_starts); i++) {
            Run want = run_from(plain, loop_starts[i][0], loop_starts[i][1],
                                loop_starts[i][2]);
            Run got = run_from(prof, loop_starts[i][0], loop_starts[i][1],
                               loop_starts[i][2]);
            assert_same(&got, &want, (*b)->name);
        }
    }
}

/* ---- verdicts (accel/tcg/ifconv-verdict.c) ---- */

static ToyState *toy;
static MemoryRegion toy_ram;

static void toy_setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 16 };
    const uint32_t prog[] = {
        toy_rri(TOY_ADDI, 1, 0, 1),
        toy_rri(TOY_HALT, 0, 0, 0),
    };

    cr_assert(tcg_exec_init(&cfg, &err));
    cr_assert(memory_region_init_ram(&toy_ram, "toy.ram", 64 * 1024, &err));
    memory_region_add_subregion(get_system_memory(), 0, &toy_ram);
    toy = (ToyState *)cpu_create(&toy_cpu_class, &address_space_memory);
    cr_assert_not_null(toy);
    toy->ram_limit = 64 * 1024;
    cr_assert(address_space_write_rom(&address_space_memory, 0, prog, sizeof(prog)) ==
              MEMTX_OK);
}

/* The mode ifconv_prepare picks for a TB with this key and cflags. */
static int mode_for(TranslationBlock *tb, uint32_t pc, uint32_t flags, uint32_t cflags)
{
    TranslationBlock key = *tb;

    key.pc = pc;
    key.flags = flags;
    key.cflags = cflags;
    ifconv_prepare(&toy->cs, &key, tcg_ctx);
    return tcg_ctx->ifconv_mode;
}

/*
 * A verdict converts the candidates whose direction changed often enough, stores
 * that under the TB's key, invalidates the TB (the next lookup translates again)
 * and requests an exit; a translation of the same key then applies it, another
 * key is profiled, and tb_flush forgets it. Uncached TBs are never touched.
 */
Test(ifconv_verdict, stored_applied_and_flushed)
{
    toy_setup();
    TranslationBlock *tb = tb_gen_code(&toy->cs, 0, 0, 0, 0);
    cr_assert_not_null(tb);
    cr_assert_eq(tb_htable_lookup(&toy->cs, 0, 0, 0, 0, 0), tb);

    cr_assert_eq(mode_for(tb, 0, 0, 0), TCG_IFCONV_PROFILE);
    cr_assert_eq(mode_for(tb, 0, 0, CF_NOCACHE), TCG_IFCONV_OFF);

    /* Five candidates in slots 30, 31, 0, 1, 2: random (half change), a loop
     * exit (never), one that ran too little to say, and either side of the 2/5
     * threshold. */
    toy->cs.ifconv_prof[30].runs = TCG_IFCONV_RUNS;
    toy->cs.ifconv_prof[30].changes = TCG_IFCONV_RUNS / 2;
    toy->cs.ifconv_prof[31].runs = TCG_IFCONV_RUNS;
    toy->cs.ifconv_prof[31].changes = 2;
    toy->cs.ifconv_prof[0].runs = 20;
    toy->cs.ifconv_prof[0].changes = 10;
    toy->cs.ifconv_prof[1].runs = 1000;
    toy->cs.ifconv_prof[1].changes = 399;
    toy->cs.ifconv_prof[2].runs = 1000;
    toy->cs.ifconv_prof[2].changes = 400;
    uint64_t verdicts0 = jit_stats.ifconv_verdicts;
    toy->cs.ifconv_pending_tb = tb;
    toy->cs.ifconv_pending_slots = 30 | 5 << 8;
    ifconv_decide_pending(&toy->cs);

    cr_assert_eq(jit_stats.ifconv_verdicts, verdicts0 + 1);
    cr_assert_null(toy->cs.ifconv_pending_tb);
    cr_assert(tb->cflags & CF_INVALID);
    cr_assert_null(tb_htable_lookup(&toy->cs, 0, 0, 0, 0, 0), "found again: not retranslated");
    cr_assert_gt(toy->cs.ifconv_prof[30].runs, TCG_IFCONV_RUNS, "would be pending again");

    cr_assert_eq(mode_for(tb, 0, 0, 0), TCG_IFCONV_APPLY);
    cr_assert_eq(tcg_ctx->ifconv_apply, 1 | 1 << 4, "apply %#x", tcg_ctx->ifconv_apply);
    cr_assert_eq(mode_for(tb, 0, 1, 0), TCG_IFCONV_PROFILE, "other flags: no verdict");
    cr_assert_eq(mode_for(tb, 4, 0, 0), TCG_IFCONV_PROFILE, "other pc: no verdict");

    /* The next translation of the key applies the verdict and counts nothing. */
    TranslationBlock *again = tb_gen_code(&toy->cs, 0, 0, 0, 0);
    cr_assert_neq(again, tb);
    cr_assert_eq(tcg_ctx->ifconv_mode, TCG_IFCONV_APPLY);
    cr_assert_eq(tcg_ctx->ifconv_nb_slots, 0);

    toy->cs.ifconv_pending_tb = again;
    tb_flush(&toy->cs);
    cr_assert_eq(mode_for(tb, 0, 0, 0), TCG_IFCONV_PROFILE, "flushed");
    cr_assert_null(toy->cs.ifconv_pending_tb, "a flushed TB is not decided on");
}

/* -accel tcg,ifconv=off and =always: no mode, or every candidate converted at once;
 * =on (the default) profiles. */
Test(ifconv_verdict, policies)
{
    toy_setup();
    TranslationBlock *tb = tb_gen_code(&toy->cs, 0, 0, 0, 0);
    TCGConfig cfg = { .tb_size_mb = 16, .ifconv = TCG_IFCONV_POLICY_OFF };
    GError *err = NULL;

    cr_assert(tcg_exec_init(&cfg, &err));
    cr_assert_eq(mode_for(tb, 0, 0, 0), TCG_IFCONV_OFF);
    cfg.ifconv = TCG_IFCONV_POLICY_ALWAYS;
    cr_assert(tcg_exec_init(&cfg, &err));
    cr_assert_eq(mode_for(tb, 0, 0, 0), TCG_IFCONV_APPLY);
    cr_assert_eq(tcg_ctx->ifconv_apply, ~0u);
    cfg.ifconv = TCG_IFCONV_POLICY_ON;
    cr_assert(tcg_exec_init(&cfg, &err));
    cr_assert_eq(mode_for(tb, 0, 0, 0), TCG_IFCONV_PROFILE);
}

/* Both arms of the intloop shape count i up from the same value: the converted
 * code computes i + 1 once and moves it to i, selecting only acc and tmp. */
Test(tcg_ifconv, same_op_in_both_arms_computed_once)
{
    int selects = 0, moves_to_i = 0;

    harness_begin();
    gen_loop(INTLOOP);
    tcg_ctx->ifconv_mode = TCG_IFCONV_APPLY;
    tcg_ctx->ifconv_apply = ~0u;
    tcg_ifconv(tcg_ctx);
    tcg_ctx->ifconv_mode = TCG_IFCONV_OFF;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        TCGTemp *out = tcg_op_nb_oargs(op) ? arg_temp(op->args[0]) : NULL;
        if (op->opc == INDEX_op_movcond_i32 && out->kind == TEMP_GLOBAL) {
            selects++;
        }
        if (op->opc == INDEX_op_mov_i32 && out == tcgv_i32_temp(I)) {
            moves_to_i++;
        }
    }
    cr_assert_eq(selects, 2, "selects of globals: %d", selects);
    cr_assert_eq(moves_to_i, 1);
}

/* ---- i386's region shape (target-i386/trans-loop.c) ---- */

#define CCOP harness_g64[0]     /* a lazy-flags op, stored before each exit */
#define SELF_PC 0                /* harness_tb's pc (harness_gen clears the TB) */

/*
 * intloop as the i386 front end lays it out: the odd arm at the TB's start, the
 * head (a join, no check when fallen into), the branch to the odd arm a goto_tb
 * self edge that stores CCOP first, the even arm an inline divide with EDX (here
 * BIT) cleared, then a late trap (after I is written) and a branch on EDX != 0 to
 * a wide path that only known values fold away (`foldable`; else it branches on
 * TMP, which nothing knows), each exit storing CCOP in a block of its own, and
 * the even arm's branch back through the join's exit-request check.
 */
static void gen_i386_loop(bool foldable)
{
    TCGLabel *req = gen_new_label(), *req_join = gen_new_label(), *head = gen_new_label();
    TCGLabel *self = gen_new_label(), *out_odd = gen_new_label(), *out_even = gen_new_label();
    TCGLabel *exitl = gen_new_label(), *trap = gen_new_label(), *wide = gen_new_label();
    TCGLabel *done = gen_new_label();

    gen_check(req);
    tcg_gen_muli_i32(TMP, X, K);
    tcg_gen_addi_i32(I, I, 1);
    tcg_gen_add_i32(ACC, ACC, TMP);
    tcg_gen_brcond_i32(TCG_COND_EQ, I, N, out_odd);
    gen_set_label(head);
    gen_xorshift();
    tcg_gen_brcondi_i32(TCG_COND_NE, BIT, 0, self);
    tcg_gen_xor_i32(BIT, BIT, BIT);
    tcg_gen_addi_i32(I, I, 1);
    tcg_gen_brcond_i32(TCG_COND_GEU, BIT, DIV, trap);
    tcg_gen_brcondi_i32(TCG_COND_NE, foldable ? BIT : TMP, 0, wide);
    tcg_gen_divu_i32(TMP, X, DIV);
    tcg_gen_br(done);
    gen_set_label(wide);
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_movi_i32(TMP, 0);
    gen_set_label(done);
    tcg_gen_xor_i32(ACC, ACC, TMP);
    tcg_gen_brcond_i32(TCG_COND_EQ, I, N, out_even);
    gen_check(req_join);
    tcg_gen_br(head);
    gen_set_label(self);
    tcg_gen_movi_i64(CCOP, 0xd);
    gen_jump(1, SELF_PC);
    gen_set_label(out_odd);
    tcg_gen_movi_i64(CCOP, 0x24);
    tcg_gen_br(exitl);
    gen_set_label(out_even);
    tcg_gen_movi_i64(CCOP, 0x24);
    gen_set_label(exitl);
    gen_jump(0, 0x100);
    gen_trap_block(trap);
    gen_set_label(req_join);
    tcg_gen_movi_i32(PC, 0x10);
    tcg_gen_exit_tb(NULL, 0);
    gen_set_label(req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
}

static void gen_i386_loop_arg(int foldable)
{
    gen_i386_loop(foldable != 0);
}

static int gen_i386_mode(bool foldable, int mode, const void **code)
{
    return gen_body_mode(gen_i386_loop_arg, foldable, mode, code);
}

/* Run from the TB's start again after each self-edge exit (what chaining does). */
static Run run_self_loop(const void *code, uint32_t x, uint32_t n, uint32_t div)
{
    Run r = run_from(code, x, n, div);

    while (r.ret == ((uintptr_t)&harness_tb | 1) && E->g32[7] == SELF_PC) {
        r.ret = harness_exec(code);
        memcpy(r.g, E->g32, sizeof(r.g));
        r.calls = E->helper_calls;
    }
    return r;
}

/*
 * Converted (the self edge followed into the TB's start, the wide path folded,
 * the exits and the join's check recognised as the same places) and equal to
 * the unconverted code from each start; with DIV 0 the late trap fires from the
 * converted code with I already incremented, as the unconverted code has it.
 */
Test(tcg_ifconv, i386_region_shape_converted_and_equal)
{
    static const uint32_t starts[][3] = {
        { 2463534242u, 1000, 5 }, { 0x12345678, 2, 3 }, { 0x12345679, 2, 3 },
        { 1, 1, 9 }, { 0xdeadbeef, 257, 7 }, { 2463534242u, 1000, 0 }, { 261, 100, 0 },
    };
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *plain, *conv;
        harness_select(*b);
        cr_assert_eq(gen_i386_mode(true, TCG_IFCONV_OFF, &plain), 0);
        cr_assert_eq(gen_i386_mode(true, TCG_IFCONV_APPLY, &conv), 1, "%s", (*b)->name);
        for (size_t i = 0; i < ARRAY_SIZE(starts); i++) {
            Run want = run_self_loop(plain, starts[i][0], starts[i][1], starts[i][2]);
            Run got = run_self_loop(conv, starts[i][0], starts[i][1], starts[i][2]);
            assert_same(&got, &want, (*b)->name);
        }
        /* From x = 261: odd, odd, then even with DIV 0: the trap, i = 3. */
        Run r = run_self_loop(conv, 261, 100, 0);
        cr_assert_eq(r.ret, 0, "left through the trap block");
        cr_assert_eq(r.g[7], TRAP_PC);
        cr_assert_eq(r.g[2], 3, "i: incremented by the even arm before its trap");
        cr_assert_eq(r.calls, 1);
    }
}

/* A branch in an arm on a value nothing knows (the wide path's test on TMP) is
 * neither folded nor speculated: no candidate. */
Test(tcg_ifconv, i386_region_shape_unknown_branch_refused)
{
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        const void *code;
        harness_select(*b);
        cr_assert_eq(gen_i386_mode(false, TCG_IFCONV_APPLY, &code), 0, "%s", (*b)->name);
        cr_assert_eq(gen_i386_mode(false, TCG_IFCONV_PROFILE, &code), 0, "%s", (*b)->name);
    }
}
