/*
 * The optimizer folds what it should (op counts and op shapes after the pass) and
 * changes no result (each program is also run, optimized and not, on the
 * interpreter; test-tcg-diff.c does the same on random programs).
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"

static void opt_setup(void)
{
    harness_init();
    harness_select(&tcg_backend_interp);
}

TestSuite(tcg_optimize, .init = opt_setup);

static int count_opc(TCGOpcode opc)
{
    int n = 0;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        n += op->opc == opc;
    }
    return n;
}

static TCGOp *nth_op(int n)
{
    TCGOp *op = tcg_ctx->first_op;
    while (op && n--) {
        op = op->next;
    }
    return op;
}

static TCGTemp *G32(int i)
{
    return tcgv_i32_temp(harness_g32[i]);
}

/* Build with build(), run unoptimized and optimized, compare env; returns ops left
 * after optimize + liveness. */
static int run_both(void (*build)(void), void (*init)(void))
{
    static HarnessEnv plain;
    int n;

    harness_clear_env();
    if (init) {
        init();
    }
    harness_begin();
    build();
    harness_run(HARNESS_NO_OPT);
    memcpy(&plain, harness_env, sizeof(plain));

    harness_clear_env();
    if (init) {
        init();
    }
    harness_begin();
    build();
    harness_run(HARNESS_FULL);
    n = harness_nb_ops();
    cr_assert(memcmp(plain.g32, harness_env->g32, sizeof(plain.g32)) == 0,
              "optimized program changed i32 globals");
    cr_assert(memcmp(plain.g64, harness_env->g64, sizeof(plain.g64)) == 0,
              "optimized program changed i64 globals");
    cr_assert(memcmp(plain.scratch, harness_env->scratch, sizeof(plain.scratch)) == 0);
    return n;
}

static void build_chain(void)
{
    TCGv_i32 t = tcg_temp_new_i32();
    TCGv_i64 q = tcg_temp_new_i64();
    tcg_gen_movi_i32(t, 5);
    tcg_gen_add_i32(t, t, tcg_constant_i32(3));
    tcg_gen_mul_i32(t, t, tcg_constant_i32(0x40000000));
    tcg_gen_shl_i32(t, t, tcg_constant_i32(1));
    tcg_gen_xor_i32(t, t, tcg_constant_i32(0xff));
    tcg_gen_bswap32_i32(t, t);
    tcg_gen_clz_i32(t, t, tcg_constant_i32(99));
    tcg_gen_mov_i32(harness_g32[0], t);
    tcg_gen_ext_i32_i64(q, tcg_constant_i32(-2));
    tcg_gen_mulu2_i64(harness_g64[0], harness_g64[1], q, q);
    tcg_gen_deposit_i64(harness_g64[2], q, tcg_constant_i64(0x1234), 8, 16);
    tcg_gen_sextract_i64(harness_g64[3], tcg_constant_i64(0xf00), 8, 4);
    tcg_gen_exit_tb(NULL, 0);
}

Test(tcg_optimize, constant_chain_folds_away)
{
    int n = run_both(build_chain, NULL);
    /* mov w0; mov q0; mov q1; mov q2; mov q3; exit_tb */
    cr_assert_eq(n, 6, "ops left: %d", n);
    cr_assert_eq(count_opc(INDEX_op_mov_i32) + count_opc(INDEX_op_mov_i64), 5);
    /* (5+3)*2^30 = 0 (mod 2^32), <<1 = 0, ^0xff = 0xff, bswap = 0xff000000, clz = 0 */
    cr_assert_eq(harness_env->g32[0], 0u);
    cr_assert_eq(harness_env->g64[0], 4u);                       /* (2^64-2)^2 low */
    cr_assert_eq(harness_env->g64[1], 0xfffffffffffffffcull);   /* high */
    cr_assert_eq(harness_env->g64[2], 0xffffffffff1234feull);
    cr_assert_eq(harness_env->g64[3], 0xffffffffffffffffull);
}

/* Every two-input op with two constant inputs becomes a mov of a constant. */
Test(tcg_optimize, every_binary_op_folds)
{
    static const TCGOpcode ops32[] = {
        INDEX_op_add_i32, INDEX_op_sub_i32, INDEX_op_mul_i32, INDEX_op_div_i32,
        INDEX_op_divu_i32, INDEX_op_rem_i32, INDEX_op_remu_i32, INDEX_op_and_i32,
        INDEX_op_or_i32, INDEX_op_xor_i32, INDEX_op_andc_i32, INDEX_op_orc_i32,
        INDEX_op_shl_i32, INDEX_op_shr_i32, INDEX_op_sar_i32, INDEX_op_rotl_i32,
        INDEX_op_rotr_i32, INDEX_op_clz_i32, INDEX_op_ctz_i32,
    };
    static const TCGOpcode ops64[] = {
        INDEX_op_add_i64, INDEX_op_sub_i64, INDEX_op_mul_i64, INDEX_op_div_i64,
        INDEX_op_divu_i64, INDEX_op_rem_i64, INDEX_op_remu_i64, INDEX_op_and_i64,
        INDEX_op_or_i64, INDEX_op_xor_i64, INDEX_op_andc_i64, INDEX_op_orc_i64,
        INDEX_op_shl_i64, INDEX_op_shr_i64, INDEX_op_sar_i64, INDEX_op_rotl_i64,
        INDEX_op_rotr_i64, INDEX_op_clz_i64, INDEX_op_ctz_i64,
    };
    for (size_t k = 0; k < ARRAY_SIZE(ops32) + ARRAY_SIZE(ops64); k++) {
        bool is64 = k >= ARRAY_SIZE(ops32);
        TCGOpcode opc = is64 ? ops64[k - ARRAY_SIZE(ops32)] : ops32[k];
        TCGOp *op;
        harness_begin();
        op = tcg_emit_op(opc, 3);
        if (is64) {
            op->args[0] = temp_arg(tcgv_i64_temp(harness_g64[0]));
            op->args[1] = temp_arg(tcgv_i64_temp(tcg_constant_i64(-12345)));
            op->args[2] = temp_arg(tcgv_i64_temp(tcg_constant_i64(7)));
        } else {
            op->args[0] = temp_arg(G32(0));
            op->args[1] = temp_arg(tcgv_i32_temp(tcg_constant_i32(-12345)));
            op->args[2] = temp_arg(tcgv_i32_temp(tcg_constant_i32(7)));
        }
        tcg_gen_exit_tb(NULL, 0);
        tcg_optimize(tcg_ctx);
        op = tcg_ctx->first_op;
        cr_assert_eq(op->opc, is64 ? INDEX_op_mov_i64 : INDEX_op_mov_i32, "%s not folded",
                     tcg_op_defs[opc].name);
        cr_assert_eq(arg_temp(op->args[1])->kind, TEMP_CONST);
    }
}

/* Division by a constant zero is left alone (the IR says it is undefined). */
Test(tcg_optimize, no_fold_of_division_by_zero)
{
    harness_begin();
    tcg_gen_div_i32(harness_g32[0], tcg_constant_i32(5), tcg_constant_i32(0));
    tcg_gen_rem_i64(harness_g64[0], tcg_constant_i64(INT64_MIN), tcg_constant_i64(-1));
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    cr_assert_eq(count_opc(INDEX_op_div_i32), 1);
    cr_assert_eq(count_opc(INDEX_op_rem_i64), 1);
}

/* i32 results are 32-bit and i32 constants are held sign-extended. */
Test(tcg_optimize, i32_constants_sign_extended)
{
    harness_begin();
    tcg_gen_add_i32(harness_g32[0], tcg_constant_i32(0x7fffffff), tcg_constant_i32(1));
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    TCGTemp *c = arg_temp(tcg_ctx->first_op->args[1]);
    cr_assert_eq(c->kind, TEMP_CONST);
    cr_assert_eq(c->val, (int64_t)INT32_MIN);
    cr_assert_eq(c, tcgv_i32_temp(tcg_constant_i32(INT32_MIN)), "constants interned");
}

static void build_identities(void)
{
    TCGv_i32 x = harness_g32[0];
    TCGv_i32 z = tcg_constant_i32(0), one = tcg_constant_i32(1), m1 = tcg_constant_i32(-1);
    tcg_gen_add_i32(harness_g32[1], x, z);
    tcg_gen_mul_i32(harness_g32[2], x, one);
    tcg_gen_mul_i32(harness_g32[3], x, z);
    tcg_gen_and_i32(harness_g32[4], x, z);
    tcg_gen_and_i32(harness_g32[5], m1, x);     /* constant first: commuted */
    tcg_gen_or_i32(harness_g32[6], x, z);
    tcg_gen_xor_i32(harness_g32[7], x, x);
    tcg_gen_sub_i32(harness_g32[1], harness_g32[1], harness_g32[1]);
    tcg_gen_shl_i32(harness_g32[2], harness_g32[2], z);
    tcg_gen_and_i32(harness_g32[3], x, x);
    tcg_gen_or_i32(harness_g32[4], x, x);
    tcg_gen_sar_i64(harness_g64[0], harness_g64[0], tcg_constant_i64(64));
    tcg_gen_exit_tb(NULL, 0);
}

static void init_identities(void)
{
    harness_env->g32[0] = 0x87654321;
    harness_env->g64[0] = 0x1111222233334444ull;
}

Test(tcg_optimize, algebraic_identities)
{
    run_both(build_identities, init_identities);
    harness_begin();
    build_identities();
    tcg_optimize(tcg_ctx);
    /* Every arithmetic op became a move. */
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        cr_assert(op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64
                  || op->opc == INDEX_op_exit_tb, "left: %s", tcg_op_defs[op->opc].name);
    }
    cr_assert_eq(harness_env->g32[1], 0u);
    cr_assert_eq(harness_env->g32[2], 0x87654321u);
    cr_assert_eq(harness_env->g32[5], 0x87654321u);
    cr_assert_eq(harness_env->g32[7], 0u);
}

Test(tcg_optimize, copy_propagation)
{
    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_mov_i32(t, harness_g32[0]);
    tcg_gen_add_i32(harness_g32[1], t, harness_g32[2]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    TCGOp *add = nth_op(1);
    cr_assert_eq(add->opc, INDEX_op_add_i32);
    cr_assert_eq(arg_temp(add->args[1]), G32(0), "t replaced by its source");
}

Test(tcg_optimize, copies_forgotten_at_labels)
{
    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32();
    TCGLabel *l = gen_new_label();
    tcg_gen_mov_i32(t, harness_g32[0]);
    tcg_gen_brcond_i32(TCG_COND_EQ, harness_g32[3], harness_g32[4], l);
    tcg_gen_movi_i32(t, 9);
    gen_set_label(l);
    tcg_gen_add_i32(harness_g32[1], t, harness_g32[2]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    TCGOp *add = tcg_ctx->last_op->prev;
    cr_assert_eq(add->opc, INDEX_op_add_i32);
    cr_assert_eq(arg_temp(add->args[1]), tcgv_i32_temp(t), "copy survived a label");
}

Test(tcg_optimize, globals_forgotten_at_calls_that_write_them)
{
    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_mov_i32(t, harness_g32[1]);
    tcg_gen_mov_i32(harness_g32[2], tcg_constant_i32(5));
    /* NO_RWG helper: copies and constants survive */
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_add_i32(harness_g32[3], t, harness_g32[2]);
    /* helper that writes globals: w1 and w2 are no longer known */
    tcg_gen_call2(&harness_info_write_g32_1, NULL, tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(tcg_constant_i32(3)));
    tcg_gen_add_i32(harness_g32[4], harness_g32[1], harness_g32[2]);
    tcg_gen_add_i32(harness_g32[5], t, tcg_constant_i32(0));
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    TCGOp *add1 = nth_op(3), *add2 = nth_op(5);
    cr_assert_eq(add1->opc, INDEX_op_add_i32);
    cr_assert_eq(arg_temp(add1->args[1]), G32(1));
    cr_assert_eq(arg_temp(add1->args[2])->kind, TEMP_CONST, "constant survived NO_RWG call");
    cr_assert_eq(add2->opc, INDEX_op_add_i32);
    cr_assert_eq(arg_temp(add2->args[1]), G32(1));
    cr_assert_eq(arg_temp(add2->args[2]), G32(2), "w2 still thought constant after call");
    /* t kept the old value of w1: it must not be replaced by w1 any more. */
    TCGOp *mov = nth_op(6);
    cr_assert_eq(mov->opc, INDEX_op_mov_i32);
    cr_assert_eq(arg_temp(mov->args[1]), tcgv_i32_temp(t));
}

static void build_branches(void)
{
    TCGLabel *l1 = gen_new_label(), *l2 = gen_new_label(), *l3 = gen_new_label();
    TCGv_i32 c = tcg_temp_new_i32();
    tcg_gen_movi_i32(c, 7);
    tcg_gen_movi_i32(harness_g32[0], 1);
    /* known false: removed, and l1 with it */
    tcg_gen_brcond_i32(TCG_COND_GT, c, tcg_constant_i32(8), l1);
    tcg_gen_movi_i32(harness_g32[1], 2);
    gen_set_label(l1);
    /* known true: becomes br; the code after it is unreachable */
    tcg_gen_brcond_i32(TCG_COND_LTU, c, tcg_constant_i32(8), l2);
    tcg_gen_movi_i32(harness_g32[2], 3);
    tcg_gen_movi_i32(harness_g32[3], 4);
    tcg_gen_brcond_i32(TCG_COND_EQ, harness_g32[5], harness_g32[6], l3);
    gen_set_label(l2);
    tcg_gen_setcond_i32(TCG_COND_EQ, harness_g32[4], c, tcg_constant_i32(7));
    tcg_gen_movcond_i32(TCG_COND_NE, harness_g32[5], c, c, harness_g32[6], harness_g32[7]);
    gen_set_label(l3);
    tcg_gen_exit_tb(NULL, 0);
    tcg_temp_free_i32(c);
}

static void init_branches(void)
{
    harness_env->g32[6] = 66;
    harness_env->g32[7] = 77;
}

Test(tcg_optimize, branch_folding_and_dead_code)
{
    run_both(build_branches, init_branches);
    cr_assert_eq(harness_env->g32[1], 2u);
    cr_assert_eq(harness_env->g32[2], 0u);
    cr_assert_eq(harness_env->g32[4], 1u);
    cr_assert_eq(harness_env->g32[5], 77u);

    harness_begin();
    build_branches();
    tcg_optimize(tcg_ctx);
    cr_assert_eq(count_opc(INDEX_op_brcond_i32), 0, "brconds left");
    /* The br to l2 is followed directly by l2: both disappear; l3 lost its only
     * branch with the unreachable code. */
    cr_assert_eq(count_opc(INDEX_op_br), 0);
    cr_assert_eq(count_opc(INDEX_op_set_label), 0);
    cr_assert_eq(count_opc(INDEX_op_setcond_i32), 0);
    cr_assert_eq(count_opc(INDEX_op_movcond_i32), 0);
    /* c, w0, w1, w4, w5, exit */
    cr_assert_eq(tcg_ctx->nb_ops, 6, "ops: %d", tcg_ctx->nb_ops);
}

/* Unreachable code keeps its insn_start (per-insn records must stay aligned). */
Test(tcg_optimize, insn_start_survives_dead_code)
{
    harness_begin();
    TCGLabel *l = gen_new_label();
    tcg_gen_insn_start(0x100, 0);
    tcg_gen_br(l);
    tcg_gen_insn_start(0x104, 0);
    tcg_gen_movi_i32(harness_g32[0], 1);
    gen_set_label(l);
    tcg_gen_insn_start(0x108, 0);
    tcg_gen_exit_tb(NULL, 0);
    harness_gen(HARNESS_FULL);
    cr_assert_eq(count_opc(INDEX_op_insn_start), 3);
    cr_assert_eq(count_opc(INDEX_op_mov_i32), 0);
}

Test(tcg_optimize, double_word_and_conversions_fold)
{
    harness_begin();
    tcg_gen_add2_i32(harness_g32[0], harness_g32[1], tcg_constant_i32(-1),
                     tcg_constant_i32(0), tcg_constant_i32(1), tcg_constant_i32(0));
    tcg_gen_muls2_i32(harness_g32[2], harness_g32[3], tcg_constant_i32(-3),
                      tcg_constant_i32(5));
    tcg_gen_extrh_i64_i32(harness_g32[4], tcg_constant_i64(0x123456789ull));
    tcg_gen_extu_i32_i64(harness_g64[0], tcg_constant_i32(-1));
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    cr_assert_eq(count_opc(INDEX_op_add2_i32) + count_opc(INDEX_op_muls2_i32), 0);
    cr_assert_eq(count_opc(INDEX_op_mov_i32), 5);
    cr_assert_eq(count_opc(INDEX_op_mov_i64), 1);
    harness_gen(HARNESS_FULL);
    harness_clear_env();
    harness_exec(harness_gen(HARNESS_FULL));
    cr_assert_eq(harness_env->g32[0], 0u);
    cr_assert_eq(harness_env->g32[1], 1u);
    cr_assert_eq(harness_env->g32[2], (uint32_t)-15);
    cr_assert_eq(harness_env->g32[3], 0xffffffffu);
    cr_assert_eq(harness_env->g32[4], 1u);
    cr_assert_eq(harness_env->g64[0], 0xffffffffull);
}

/* Known-zero bits: masks and extensions that cannot change anything go away. */
static void build_zmask(void)
{
    TCGv_i32 t = tcg_temp_new_i32(), u = tcg_temp_new_i32();
    tcg_gen_qemu_ld_i32(t, harness_g32[0], 1, MO_UB);
    tcg_gen_andi_i32(harness_g32[1], t, 0xfff);            /* redundant */
    tcg_gen_ext16u_i32(harness_g32[2], t);                  /* redundant */
    tcg_gen_and_i32(harness_g32[3], t, tcg_constant_i32(0xf00));   /* always 0 */
    tcg_gen_setcond_i32(TCG_COND_LT, u, harness_g32[4], harness_g32[5]);
    tcg_gen_setcondi_i32(TCG_COND_NE, harness_g32[6], u, 0);    /* u itself */
    tcg_gen_shri_i32(u, harness_g32[4], 20);
    tcg_gen_extract_i32(harness_g32[7], u, 0, 12);          /* redundant */
    tcg_gen_exit_tb(NULL, 0);
}

static void init_zmask(void)
{
    harness_env->mem[0x20] = 0xab;
    harness_env->g32[0] = 0x20;
    harness_env->g32[4] = 0xfedcba98;
    harness_env->g32[5] = 7;
}

Test(tcg_optimize, known_zero_bits)
{
    run_both(build_zmask, init_zmask);
    cr_assert_eq(harness_env->g32[1], 0xabu);
    cr_assert_eq(harness_env->g32[2], 0xabu);
    cr_assert_eq(harness_env->g32[3], 0u);
    cr_assert_eq(harness_env->g32[6], 1u);
    cr_assert_eq(harness_env->g32[7], 0xfedu);

    harness_begin();
    build_zmask();
    tcg_optimize(tcg_ctx);
    cr_assert_eq(count_opc(INDEX_op_and_i32), 0, "redundant and kept");
    cr_assert_eq(count_opc(INDEX_op_ext16u_i32), 0, "redundant ext16u kept");
    cr_assert_eq(count_opc(INDEX_op_extract_i32), 0, "redundant extract kept");
    cr_assert_eq(count_opc(INDEX_op_setcond_i32), 1, "setcond NE 0 of a 0/1 value kept");
}

/* MIPS shape: condition computed, delay-slot work, then a branch on it (each in
 * its guest insn: the insn_starts between must not end the pending setcond). */
static void build_branch_on_setcond(void)
{
    TCGLabel *l = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();
    TCGv_i32 u = tcg_temp_new_i32();
    tcg_gen_insn_start(0x100, 0);
    tcg_gen_setcond_i32(TCG_COND_LTU, t, harness_g32[0], harness_g32[1]);
    tcg_gen_insn_start(0x104, 0);
    tcg_gen_add_i32(harness_g32[2], harness_g32[2], harness_g32[3]);   /* "slot" */
    tcg_gen_insn_start(0x108, 0);
    tcg_gen_brcond_i32(TCG_COND_EQ, t, tcg_constant_i32(0), l);
    tcg_gen_movi_i32(harness_g32[4], 1);
    gen_set_label(l);
    /* Operand rewritten between: must keep the setcond's value. */
    tcg_gen_setcond_i32(TCG_COND_GT, u, harness_g32[0], harness_g32[1]);
    tcg_gen_movi_i32(harness_g32[0], 0);
    tcg_gen_brcond_i32(TCG_COND_NE, u, tcg_constant_i32(0), l);
    tcg_gen_movi_i32(harness_g32[5], 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_temp_free_i32(t);
    tcg_temp_free_i32(u);
}

static uint32_t bos_a, bos_b;
static void init_branch_on_setcond(void)
{
    harness_env->g32[0] = bos_a;
    harness_env->g32[1] = bos_b;
    harness_env->g32[3] = 5;
}

Test(tcg_optimize, branch_on_setcond)
{
    static const uint32_t vals[][2] = { { 1, 2 }, { 2, 1 }, { 3, 3 }, { 0xffffffff, 0 } };

    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        bos_a = vals[i][0];
        bos_b = vals[i][1];
        run_both(build_branch_on_setcond, init_branch_on_setcond);
    }
    harness_begin();
    build_branch_on_setcond();
    tcg_optimize(tcg_ctx);
    TCGOp *br = NULL, *br2 = NULL;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_brcond_i32) {
            if (!br) {
                br = op;
            } else {
                br2 = op;
            }
        }
    }
    cr_assert_not_null(br2);
    cr_assert_eq(arg_temp(br->args[0]), G32(0), "first branch compares w0 itself");
    cr_assert_eq(arg_temp(br->args[1]), G32(1));
    cr_assert_eq((TCGCond)br->args[2], TCG_COND_GEU, "EQ 0 of LTU is GEU");
    cr_assert_neq(arg_temp(br2->args[0]), G32(0), "w0 was overwritten in between");
}

/* x86 cmovcc shape: the condition as a setcond, then a movcond on it against 0. */
static void build_movcond_on_setcond(void)
{
    TCGv_i32 t = tcg_temp_new_i32(), u = tcg_temp_new_i32(), v = tcg_temp_new_i32();
    TCGv_i64 t64 = tcg_temp_new_i64();

    tcg_gen_setcond_i32(TCG_COND_LTU, t, harness_g32[0], harness_g32[1]);
    tcg_gen_add_i32(harness_g32[2], harness_g32[2], harness_g32[3]);   /* unrelated */
    tcg_gen_movcond_i32(TCG_COND_NE, harness_g32[4], t, tcg_constant_i32(0),
                        harness_g32[2], harness_g32[3]);
    tcg_gen_movcond_i32(TCG_COND_EQ, harness_g32[5], t, tcg_constant_i32(0),
                        harness_g32[2], harness_g32[3]);
    /* An operand rewritten in between: the movcond must test the saved value. */
    tcg_gen_setcond_i32(TCG_COND_GT, u, harness_g32[0], harness_g32[1]);
    tcg_gen_movi_i32(harness_g32[0], 0);
    tcg_gen_movcond_i32(TCG_COND_NE, harness_g32[6], u, tcg_constant_i32(0),
                        harness_g32[2], harness_g32[3]);
    /* The output is one of the compared values: read before written. */
    tcg_gen_setcond_i32(TCG_COND_LE, v, harness_g32[1], harness_g32[7]);
    tcg_gen_movcond_i32(TCG_COND_NE, harness_g32[1], v, tcg_constant_i32(0),
                        harness_g32[7], harness_g32[3]);
    tcg_gen_movcond_i32(TCG_COND_EQ, harness_g32[6], v, tcg_constant_i32(0),
                        harness_g32[2], harness_g32[3]);
    /* The same in 64 bits. */
    tcg_gen_setcond_i64(TCG_COND_NE, t64, harness_g64[0], harness_g64[1]);
    tcg_gen_movcond_i64(TCG_COND_NE, harness_g64[2], t64, tcg_constant_i64(0),
                        harness_g64[0], harness_g64[1]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_temp_free_i32(t);
    tcg_temp_free_i32(u);
    tcg_temp_free_i32(v);
    tcg_temp_free_i64(t64);
}

static uint32_t mos_a, mos_b, mos_c;
static void init_movcond_on_setcond(void)
{
    harness_env->g32[0] = mos_a;
    harness_env->g32[1] = mos_b;
    harness_env->g32[2] = 20;
    harness_env->g32[3] = 30;
    harness_env->g32[7] = mos_c;
    harness_env->g64[0] = 5;
    harness_env->g64[1] = mos_a;
}

Test(tcg_optimize, movcond_on_setcond)
{
    static const uint32_t vals[][3] = {
        { 1, 2, 0 }, { 2, 1, 1 }, { 3, 3, 3 }, { 0xffffffff, 0, 0x80000000 }, { 5, 7, 6 },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        mos_a = vals[i][0];
        mos_b = vals[i][1];
        mos_c = vals[i][2];
        run_both(build_movcond_on_setcond, init_movcond_on_setcond);
    }
    /* Spot check one result by hand: 1 < 2, so w4 = w2 + w3 = 50 and w5 = 30. */
    mos_a = 1;
    mos_b = 2;
    mos_c = 0;
    harness_clear_env();
    init_movcond_on_setcond();
    harness_begin();
    build_movcond_on_setcond();
    harness_run(HARNESS_FULL);
    cr_assert_eq(harness_env->g32[4], 50u);
    cr_assert_eq(harness_env->g32[5], 30u);

    harness_begin();
    build_movcond_on_setcond();
    tcg_optimize(tcg_ctx);
    TCGOp *m[6] = { NULL };
    int k = 0;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if ((op->opc == INDEX_op_movcond_i32 || op->opc == INDEX_op_movcond_i64) && k < 6) {
            m[k++] = op;
        }
    }
    cr_assert_eq(k, 6);
    cr_assert_eq(arg_temp(m[0]->args[1]), G32(0), "movcond compares w0 itself");
    cr_assert_eq(arg_temp(m[0]->args[2]), G32(1));
    cr_assert_eq((TCGCond)m[0]->args[5], TCG_COND_LTU);
    cr_assert_eq(arg_temp(m[1]->args[1]), G32(0));
    cr_assert_eq((TCGCond)m[1]->args[5], TCG_COND_GEU, "EQ 0 of LTU is GEU");
    cr_assert_neq(arg_temp(m[2]->args[1]), G32(0), "w0 was overwritten in between");
    cr_assert_eq(arg_temp(m[3]->args[1]), G32(1));
    cr_assert_eq((TCGCond)m[3]->args[5], TCG_COND_LE);
    cr_assert_neq(arg_temp(m[4]->args[1]), G32(1), "w1 was overwritten by the movcond");
    cr_assert_eq(m[5]->opc, INDEX_op_movcond_i64);
    cr_assert_eq(arg_temp(m[5]->args[1]), tcgv_i64_temp(harness_g64[0]));
    cr_assert_eq((TCGCond)m[5]->args[5], TCG_COND_NE);
}

/*
 * MIPS "sltu w2, w0, w1; beqz w2, L; <slot overwrites w2>": the branch condition is
 * "setcond c, w2, 0, eq", taken before the slot. It becomes a compare of w0 and w1
 * (inverted), so the branch tests them directly; an operand written between the two
 * setconds keeps the test of w2.
 */
static void build_setcond_of_setcond(void)
{
    TCGv_i32 c = tcg_temp_new_i32(), d = tcg_temp_new_i32(), e = tcg_temp_new_i32();
    TCGv_i64 c64 = tcg_temp_new_i64();
    TCGLabel *l1 = gen_new_label(), *l2 = gen_new_label();

    tcg_gen_setcond_i32(TCG_COND_LTU, harness_g32[2], harness_g32[0], harness_g32[1]);
    tcg_gen_setcond_i32(TCG_COND_EQ, c, harness_g32[2], tcg_constant_i32(0));
    tcg_gen_shri_i32(harness_g32[2], harness_g32[3], 5);             /* the slot */
    tcg_gen_brcondi_i32(TCG_COND_NE, c, 0, l1);
    tcg_gen_movi_i32(harness_g32[4], 11);
    gen_set_label(l1);
    /* NE 0 of a 0/1 value is that value; w1 is written between the two LE/EQ. */
    tcg_gen_setcond_i32(TCG_COND_GT, harness_g32[5], harness_g32[0], harness_g32[1]);
    tcg_gen_setcond_i32(TCG_COND_NE, d, harness_g32[5], tcg_constant_i32(0));
    tcg_gen_setcond_i32(TCG_COND_LE, harness_g32[6], harness_g32[1], harness_g32[3]);
    tcg_gen_addi_i32(harness_g32[1], harness_g32[1], 1);
    tcg_gen_setcond_i32(TCG_COND_EQ, e, harness_g32[6], tcg_constant_i32(0));
    tcg_gen_mov_i32(harness_g32[7], d);
    tcg_gen_add_i32(harness_g32[7], harness_g32[7], e);
    /* 64 bits. */
    tcg_gen_setcond_i64(TCG_COND_LT, harness_g64[2], harness_g64[0], harness_g64[1]);
    tcg_gen_setcond_i64(TCG_COND_EQ, c64, harness_g64[2], tcg_constant_i64(0));
    tcg_gen_movi_i64(harness_g64[2], 0);
    tcg_gen_brcondi_i64(TCG_COND_NE, c64, 0, l2);
    tcg_gen_movi_i64(harness_g64[3], 12);
    gen_set_label(l2);
    tcg_gen_exit_tb(NULL, 0);
    tcg_temp_free_i32(c);
    tcg_temp_free_i32(d);
    tcg_temp_free_i32(e);
    tcg_temp_free_i64(c64);
}

static uint32_t sos_a, sos_b, sos_c;
static void init_setcond_of_setcond(void)
{
    harness_env->g32[0] = sos_a;
    harness_env->g32[1] = sos_b;
    harness_env->g32[3] = sos_c;
    harness_env->g64[0] = (int64_t)(int32_t)sos_a;
    harness_env->g64[1] = (int64_t)(int32_t)sos_b;
}

Test(tcg_optimize, setcond_of_setcond)
{
    static const uint32_t vals[][3] = {
        { 1, 2, 7 }, { 2, 1, 1 }, { 3, 3, 3 }, { 0xffffffff, 0, 0x80000000 },
        { 0, 0xffffffff, 0xffffffff },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        sos_a = vals[i][0];
        sos_b = vals[i][1];
        sos_c = vals[i][2];
        run_both(build_setcond_of_setcond, init_setcond_of_setcond);
    }
    /* By hand: 1 <u 2, so the branch is not taken and w4 = 11; 1 > 2 is false (d 0);
     * 2 <= 7 (e 0): w7 = 0. */
    sos_a = 1;
    sos_b = 2;
    sos_c = 7;
    harness_clear_env();
    init_setcond_of_setcond();
    harness_begin();
    build_setcond_of_setcond();
    harness_run(HARNESS_FULL);
    cr_assert_eq(harness_env->g32[4], 11u);
    cr_assert_eq(harness_env->g32[7], 0u);
    cr_assert_eq(harness_env->g64[3], 12u, "1 < 2: the 64-bit branch is not taken");

    harness_begin();
    build_setcond_of_setcond();
    tcg_optimize(tcg_ctx);
    TCGOp *br[2] = { NULL }, *sc[8] = { NULL };
    int nb = 0, ns = 0;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if ((op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) && nb < 2) {
            br[nb++] = op;
        }
        if ((op->opc == INDEX_op_setcond_i32 || op->opc == INDEX_op_setcond_i64) && ns < 8) {
            sc[ns++] = op;
        }
    }
    cr_assert_eq(nb, 2);
    cr_assert_eq(ns, 7);
    cr_assert_eq(arg_temp(sc[1]->args[1]), G32(0), "EQ 0 of a setcond compares w0");
    cr_assert_eq(arg_temp(sc[1]->args[2]), G32(1));
    cr_assert_eq((TCGCond)sc[1]->args[3], TCG_COND_GEU, "EQ 0 of LTU is GEU");
    cr_assert_eq(arg_temp(br[0]->args[0]), G32(0), "the branch tests w0 itself");
    cr_assert_eq((TCGCond)br[0]->args[2], TCG_COND_GEU);
    /* sc[2] is w5's GT; "d = w5 != 0" was already a copy of w5 (a 0/1 value). */
    cr_assert_eq((TCGCond)sc[3]->args[3], TCG_COND_LE);
    cr_assert_eq(arg_temp(sc[4]->args[1]), G32(6), "w1 was written in between");
    cr_assert_eq((TCGCond)sc[4]->args[3], TCG_COND_EQ);
    cr_assert_eq(sc[6]->opc, INDEX_op_setcond_i64);
    cr_assert_eq((TCGCond)sc[6]->args[3], TCG_COND_GE);
    cr_assert_eq(br[1]->opc, INDEX_op_brcond_i64);
    cr_assert_eq(arg_temp(br[1]->args[0]), tcgv_i64_temp(harness_g64[0]));
    cr_assert_eq((TCGCond)br[1]->args[2], TCG_COND_GE, "EQ 0 of LT is GE");
}

/* The last pass tells liveness whether a branch goes back to an earlier label. */
Test(tcg_optimize, notes_backward_branches)
{
    TCGv_i32 i;
    TCGLabel *top, *fwd;

    /* A loop: the brcond goes back to top. */
    harness_begin();
    i = tcg_temp_new_i32();
    top = gen_new_label();
    tcg_gen_mov_i32(i, harness_g32[0]);
    gen_set_label(top);
    tcg_gen_subi_i32(i, i, 1);
    tcg_gen_brcondi_i32(TCG_COND_NE, i, 0, top);
    tcg_gen_mov_i32(harness_g32[1], i);
    tcg_gen_exit_tb(NULL, 0);
    tcg_ctx->backward_branch = false;
    tcg_optimize(tcg_ctx);
    cr_assert(tcg_ctx->backward_branch, "loop not noticed");

    /* Forward branches only (and a br to the next op, which goes). */
    harness_begin();
    fwd = gen_new_label();
    top = gen_new_label();
    tcg_gen_brcondi_i32(TCG_COND_EQ, harness_g32[0], 0, fwd);
    tcg_gen_movi_i32(harness_g32[1], 1);
    tcg_gen_br(top);
    gen_set_label(top);
    gen_set_label(fwd);
    tcg_gen_exit_tb(NULL, 0);
    tcg_ctx->backward_branch = true;
    tcg_optimize(tcg_ctx);
    cr_assert(!tcg_ctx->backward_branch, "forward branches taken for a loop");
    cr_assert_eq(count_opc(INDEX_op_br), 0, "br to the next label kept");
    cr_assert_eq(count_opc(INDEX_op_set_label), 1, "unused label kept");

    /* A back edge the optimizer folds away (never taken) is no loop. */
    harness_begin();
    top = gen_new_label();
    gen_set_label(top);
    tcg_gen_movi_i32(harness_g32[1], 2);
    tcg_gen_brcond_i32(TCG_COND_NE, tcg_constant_i32(0), tcg_constant_i32(0), top);
    tcg_gen_exit_tb(NULL, 0);
    tcg_ctx->backward_branch = true;
    tcg_optimize(tcg_ctx);
    cr_assert(!tcg_ctx->backward_branch, "folded back edge still counted");
}

/* The last pass counts the guest accesses left (tcg_gen_code groups only when there
 * are two or more); accesses in code the optimizer drops do not count. */
Test(tcg_optimize, counts_guest_accesses)
{
    TCGLabel *skip;

    harness_begin();
    skip = gen_new_label();
    tcg_gen_qemu_ld_i32(harness_g32[0], harness_g32[1], 0, MO_32);
    tcg_gen_qemu_st_i32(harness_g32[0], harness_g32[2], 0, MO_32);
    tcg_gen_br(skip);
    tcg_gen_qemu_st_i32(harness_g32[3], harness_g32[2], 0, MO_32);  /* unreachable */
    gen_set_label(skip);
    tcg_gen_exit_tb(NULL, 0);
    tcg_ctx->nb_guest_mem_ops = -1;
    tcg_optimize(tcg_ctx);
    cr_assert_eq(tcg_ctx->nb_guest_mem_ops, 2);

    harness_begin();
    tcg_gen_movi_i32(harness_g32[0], 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_optimize(tcg_ctx);
    cr_assert_eq(tcg_ctx->nb_guest_mem_ops, 0);
}

/* A constant deposited over bits known zero becomes an OR with the shifted
 * constant; over bits that may be set it stays a deposit. */
static void build_deposit_or(void)
{
    TCGv_i64 a = tcg_temp_new_i64(), b = tcg_temp_new_i64();
    tcg_gen_extu_i32_i64(a, harness_g32[0]);
    tcg_gen_deposit_i64(harness_g64[0], a, tcg_constant_i64(0xfffffffe), 32, 32);
    tcg_gen_ext_i32_i64(b, harness_g32[0]);
    tcg_gen_deposit_i64(harness_g64[1], b, tcg_constant_i64(0x5), 32, 32);
    tcg_gen_exit_tb(NULL, 0);
}

static void init_deposit_or(void)
{
    harness_env->g32[0] = 0x80000001;
}

Test(tcg_optimize, deposit_constant_over_zero_bits_is_or)
{
    run_both(build_deposit_or, init_deposit_or);
    cr_assert_eq(count_opc(INDEX_op_deposit_i64), 1, "sign-extended base kept");
    cr_assert_eq(count_opc(INDEX_op_or_i64), 1);
    cr_assert_eq(harness_env->g64[0], 0xfffffffe80000001ull);
    cr_assert_eq(harness_env->g64[1], 0x0000000580000001ull);
}
