/*
 * The IR core (tcg/tcg.c): op definitions, the fixed env temp, globals, temps with
 * reuse, interned constants, labels, op-list management, condition helpers.
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"

static void core_setup(void)
{
    harness_init();
}

TestSuite(tcg_core, .init = core_setup);

Test(tcg_core, op_defs)
{
    cr_assert_str_eq(tcg_op_defs[INDEX_op_add_i32].name, "add_i32");
    cr_assert_eq(tcg_op_defs[INDEX_op_movcond_i64].nb_oargs, 1);
    cr_assert_eq(tcg_op_defs[INDEX_op_movcond_i64].nb_iargs, 4);
    cr_assert_eq(tcg_op_defs[INDEX_op_movcond_i64].nb_cargs, 1);
    cr_assert_eq(tcg_op_defs[INDEX_op_add2_i32].nb_iargs, 4);
    cr_assert(tcg_op_defs[INDEX_op_brcond_i32].flags & TCG_OPF_BB_END);
    cr_assert(tcg_op_defs[INDEX_op_exit_tb].flags & TCG_OPF_BB_EXIT);
    for (int i = 0; i < NB_OPS; i++) {
        cr_assert_not_null(tcg_op_defs[i].name);
        cr_assert(tcg_op_defs[i].nb_oargs + tcg_op_defs[i].nb_iargs
                  + tcg_op_defs[i].nb_cargs <= TCG_MAX_OP_ARGS);
    }
}

Test(tcg_core, env_and_globals)
{
    TCGTemp *env = tcgv_ptr_temp(tcg_env);
    cr_assert_eq(env->kind, TEMP_FIXED);
    cr_assert_str_eq(env->name, "env");
    cr_assert_eq(env->index, 0);
    TCGTemp *g = tcgv_i64_temp(harness_g64[3]);
    cr_assert_eq(g->kind, TEMP_GLOBAL);
    cr_assert_eq(g->type, TCG_TYPE_I64);
    cr_assert_eq(g->mem_offset, (intptr_t)offsetof(HarnessEnv, g64[3]));
    cr_assert_str_eq(g->name, "q3");
    cr_assert_eq(tcg_ctx->nb_globals, 1 + HARNESS_NG32 + HARNESS_NG64);
    /* Globals survive tcg_func_start. */
    harness_begin();
    cr_assert_eq(tcg_ctx->nb_temps, tcg_ctx->nb_globals);
    cr_assert_eq(tcgv_i32_temp(harness_g32[0])->kind, TEMP_GLOBAL);
}

Test(tcg_core, temps_are_reused_by_type)
{
    harness_begin();
    TCGv_i32 a = tcg_temp_new_i32();
    TCGv_i64 b = tcg_temp_new_i64();
    cr_assert_neq(tcgv_i32_temp(a), tcgv_i64_temp(b));
    cr_assert_eq(tcgv_i32_temp(a)->kind, TEMP_TB);
    tcg_temp_free_i32(a);
    TCGv_i64 c = tcg_temp_new_i64();
    cr_assert_neq(tcgv_i64_temp(c), tcgv_i32_temp(a), "i32 temp reused as i64");
    TCGv_i32 d = tcg_temp_new_i32();
    cr_assert_eq(tcgv_i32_temp(d), tcgv_i32_temp(a), "freed temp not reused");
    TCGv_ptr p = tcg_temp_new_ptr();
    cr_assert_eq(tcgv_ptr_temp(p)->type, TCG_TYPE_PTR);
    /* Freeing constants and globals is ignored. */
    tcg_temp_free_i32(tcg_constant_i32(3));
    tcg_temp_free_i32(harness_g32[0]);
    int n = tcg_ctx->nb_temps;
    harness_begin();
    cr_assert_lt(tcg_ctx->nb_temps, n);
}

Test(tcg_core, constants_interned_per_tb)
{
    harness_begin();
    TCGv_i32 a = tcg_constant_i32(-5), b = tcg_constant_i32(-5);
    TCGv_i64 c = tcg_constant_i64(-5);
    cr_assert_eq(a, b);
    cr_assert_neq((void *)a, (void *)c, "i32 and i64 constants share a temp");
    cr_assert_eq(tcgv_i32_temp(a)->kind, TEMP_CONST);
    cr_assert_eq(tcgv_i32_temp(a)->val, -5);
    cr_assert_eq(tcgv_i64_temp(c)->val, -5);
    cr_assert_eq(tcgv_ptr_temp(tcg_constant_ptr(-5)), tcgv_i64_temp(c));
    cr_assert_eq(tcgv_i32_temp(tcg_constant_i32(INT32_MIN))->val, (int64_t)INT32_MIN);
    harness_begin();
    TCGv_i32 d = tcg_constant_i32(7);
    cr_assert_eq(tcgv_i32_temp(d)->val, 7);
    cr_assert_eq(tcgv_i32_temp(tcg_constant_i32(7)), tcgv_i32_temp(d));
}

/* Many constants in one TB (the table probes past collisions) stay distinct and
 * found; the next TB starts with none of them. */
Test(tcg_core, many_constants)
{
    static TCGTemp *seen[900];
    int nb0;

    harness_begin();
    nb0 = tcg_ctx->nb_temps;
    for (int i = 0; i < 900; i++) {
        /* 900 values in 2048 slots: many share a first slot and must probe on. */
        int64_t v = i < 450 ? (int64_t)i * 2048 : -(int64_t)i * 7;
        seen[i] = tcgv_i64_temp(tcg_constant_i64(v));
        cr_assert_eq(seen[i]->val, v);
    }
    cr_assert_eq(tcg_ctx->nb_temps, nb0 + 900, "constants merged or duplicated");
    for (int i = 0; i < 900; i++) {
        int64_t v = i < 450 ? (int64_t)i * 2048 : -(int64_t)i * 7;
        cr_assert_eq(tcgv_i64_temp(tcg_constant_i64(v)), seen[i], "constant %d lost", i);
    }
    harness_begin();
    nb0 = tcg_ctx->nb_temps;
    TCGTemp *t = tcgv_i64_temp(tcg_constant_i64(2048));
    cr_assert_eq(tcg_ctx->nb_temps, nb0 + 1, "a constant of the last TB was reused");
    cr_assert_eq(t->val, 2048);
}

/* A constant slot packs the TB generation above the temp index, so the generation
 * wraps every 2^(32 - TCG_TEMP_INDEX_BITS) TBs: a constant interned just before the
 * wrap must not be found in the TB just after it (the table is emptied there). */
Test(tcg_core, constant_generation_wraps)
{
    const uint32_t last_gen = (1u << (32 - TCG_TEMP_INDEX_BITS)) - 1;

    harness_begin();
    tcg_ctx->const_gen = last_gen - 1;
    harness_begin();                        /* now at the last generation */
    cr_assert_eq(tcg_ctx->const_gen, last_gen);
    TCGTemp *old = tcgv_i32_temp(tcg_constant_i32(77));
    cr_assert_eq(tcgv_i32_temp(tcg_constant_i32(77)), old);
    harness_begin();                        /* wraps */
    cr_assert_eq(tcg_ctx->const_gen, 1);
    int nb0 = tcg_ctx->nb_temps;
    /* Generation 0 packs to 0, what an empty slot holds: never current. */
    TCGTemp *zero = tcgv_i32_temp(tcg_constant_i32(0));
    cr_assert_eq(zero->kind, TEMP_CONST, "an empty slot was taken for a constant");
    TCGTemp *t = tcgv_i32_temp(tcg_constant_i32(77));
    cr_assert_eq(tcg_ctx->nb_temps, nb0 + 2, "a constant from before the wrap was reused");
    cr_assert_eq(t->kind, TEMP_CONST);
    cr_assert_eq(t->val, 77);
    cr_assert_eq(tcgv_i32_temp(tcg_constant_i32(77)), t);
}

Test(tcg_core, labels)
{
    harness_begin();
    TCGLabel *a = gen_new_label(), *b = gen_new_label();
    cr_assert_eq(a->id, 0);
    cr_assert_eq(b->id, 1);
    tcg_gen_br(b);
    tcg_gen_brcondi_i32(TCG_COND_EQ, harness_g32[0], 1, b);
    tcg_gen_brcondi_i32(TCG_COND_NEVER, harness_g32[0], 1, a);   /* emits nothing */
    cr_assert_eq(b->refs, 2);
    cr_assert_eq(a->refs, 0);
    harness_begin();
    cr_assert_eq(gen_new_label()->id, 0);
}

Test(tcg_core, op_list)
{
    harness_begin();
    TCGOp *x = tcg_emit_op(INDEX_op_mb, 1);
    TCGOp *y = tcg_emit_op(INDEX_op_exit_tb, 1);
    TCGOp *w = tcg_op_insert_before(tcg_ctx, x, INDEX_op_mb, 1);
    TCGOp *z = tcg_op_insert_after(tcg_ctx, x, INDEX_op_mb, 1);
    TCGOp *v = tcg_op_insert_after(tcg_ctx, y, INDEX_op_mb, 1);
    cr_assert_eq(tcg_ctx->first_op, w);
    cr_assert_eq(w->next, x);
    cr_assert_eq(x->next, z);
    cr_assert_eq(z->next, y);
    cr_assert_eq(y->next, v);
    cr_assert_eq(tcg_ctx->last_op, v);
    cr_assert_eq(v->prev, y);
    cr_assert_eq(tcg_ctx->nb_ops, 5);
    tcg_op_remove(tcg_ctx, w);
    tcg_op_remove(tcg_ctx, v);
    tcg_op_remove(tcg_ctx, z);
    cr_assert_eq(tcg_ctx->first_op, x);
    cr_assert_null(x->prev);
    cr_assert_eq(x->next, y);
    cr_assert_eq(tcg_ctx->last_op, y);
    cr_assert_eq(tcg_ctx->nb_ops, 2);
    /* A removed op is not handed out again within the TB. */
    TCGOp *r = tcg_emit_op(INDEX_op_mb, 1);
    cr_assert(r != w && r != v && r != z);
    cr_assert_eq(tcg_ctx->last_op, r);
    cr_assert_eq(r->prev, y);
}

Test(tcg_core, op_arena)
{
    harness_begin();
    TCGOp *a = tcg_emit_op(INDEX_op_mb, 1);
    a->args[0] = 42;
    TCGOp *b = tcg_emit_op(INDEX_op_mb, 1);
    /* Ops follow each other in memory in emission order (passes walk them so). */
    cr_assert_eq(b, a + 1);
    /* The next TB takes the same memory back, cleared. */
    tcg_func_start(tcg_ctx);
    cr_assert_null(tcg_ctx->first_op);
    cr_assert_eq(tcg_ctx->nb_ops, 0);
    TCGOp *c = tcg_emit_op(INDEX_op_mb, 1);
    cr_assert_eq(c, a, "arena not reused");
    cr_assert_eq(c->args[0], 0, "reused op not cleared");
    cr_assert_null(c->prev);
    /* More ops than one chunk holds: all distinct, list intact. */
    for (int i = 0; i < 1000; i++) {
        tcg_emit_op(INDEX_op_mb, 1)->args[0] = i;
    }
    cr_assert_eq(tcg_ctx->nb_ops, 1001);
    int n = 0;
    for (TCGOp *op = c->next; op; op = op->next, n++) {
        cr_assert_eq(op->args[0], (uint64_t)n);
        cr_assert_eq(op->prev->next, op);
    }
    cr_assert_eq(n, 1000);
}

Test(tcg_core, call_arg_counts)
{
    harness_begin();
    tcg_gen_call3(&harness_info_add3, tcgv_i32_temp(harness_g32[0]),
                  tcgv_i32_temp(harness_g32[1]), tcgv_i32_temp(harness_g32[2]),
                  tcgv_i32_temp(harness_g32[3]));
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    TCGOp *c1 = tcg_ctx->first_op, *c2 = c1->next;
    cr_assert_eq(tcg_op_nb_oargs(c1), 1);
    cr_assert_eq(tcg_op_nb_iargs(c1), 3);
    cr_assert_eq(c1->args[4], (uintptr_t)harness_helper_add3);
    cr_assert_eq(c1->args[5], (uintptr_t)&harness_info_add3);
    cr_assert_eq(tcg_op_nb_oargs(c2), 0);
    cr_assert_eq(tcg_op_nb_iargs(c2), 1);
}

Test(tcg_core, gen_code_stats)
{
    uint64_t tbs = tcg_ctx->stat_tbs, in = tcg_ctx->stat_ops_in;
    harness_begin();
    tcg_gen_insn_start(0, 0);
    tcg_gen_movi_i32(harness_g32[0], 1);
    tcg_gen_movi_i32(harness_g32[0], 2);
    tcg_gen_exit_tb(NULL, 0);
    harness_gen(HARNESS_FULL);
    cr_assert_eq(tcg_ctx->stat_tbs, tbs + 1);
    cr_assert_eq(tcg_ctx->stat_ops_in, in + 4);
    cr_assert_eq(harness_nb_ops(), 3);
}

Test(tcg_core, memop_idx)
{
    MemOpIdx oi = make_memop_idx(MO_BESL | MO_ALIGN, 3);
    cr_assert_eq(get_memop(oi), MO_BESL | MO_ALIGN);
    cr_assert_eq(get_mmuidx(oi), 3);
    harness_begin();
    tcg_gen_qemu_st_i32(harness_g32[0], harness_g32[1], 2, MO_LESL);
    cr_assert_eq(get_memop(tcg_ctx->first_op->args[2]), MO_LEUL, "store keeps MO_SIGN");
    cr_assert_eq(get_mmuidx(tcg_ctx->first_op->args[2]), 2);
}
