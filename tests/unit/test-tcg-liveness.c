/*
 * Liveness: dead-op removal and the life_dead / life_sync bits the backends rely on
 * (contract at the top of tcg/liveness.c).
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"

static void live_setup(void)
{
    harness_init();
    harness_select(&tcg_backend_interp);
}

TestSuite(tcg_liveness, .init = live_setup);

static TCGOp *find_op(TCGOpcode opc, int nth)
{
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if (op->opc == opc && nth-- == 0) {
            return op;
        }
    }
    return NULL;
}

static int count_opc(TCGOpcode opc)
{
    int n = 0;
    for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        n += op->opc == opc;
    }
    return n;
}

Test(tcg_liveness, dead_ops_removed)
{
    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_add_i32(t, harness_g32[0], harness_g32[1]);        /* never read */
    tcg_gen_movi_i32(harness_g32[2], 1);                        /* overwritten below */
    tcg_gen_movi_i32(harness_g32[2], 2);
    tcg_gen_call3(&harness_info_add3_pure, tcgv_i32_temp(t), tcgv_i32_temp(t),
                  tcgv_i32_temp(t), tcgv_i32_temp(t));          /* pure, unused */
    tcg_gen_call3(&harness_info_add3, tcgv_i32_temp(t), tcgv_i32_temp(harness_g32[0]),
                  tcgv_i32_temp(harness_g32[0]), tcgv_i32_temp(harness_g32[0]));
    tcg_gen_st_i32(harness_g32[0], tcg_env, offsetof(HarnessEnv, scratch[0]));
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    cr_assert_eq(count_opc(INDEX_op_add_i32), 0);
    cr_assert_eq(count_opc(INDEX_op_mov_i32), 1);
    cr_assert_eq(arg_temp(find_op(INDEX_op_mov_i32, 0)->args[1])->val, 2);
    cr_assert_eq(count_opc(INDEX_op_call), 1, "impure call kept, pure one removed");
    cr_assert_eq(count_opc(INDEX_op_st_i32), 1);
    cr_assert_eq(tcg_ctx->nb_ops, 4);
}

Test(tcg_liveness, dead_bits_on_last_use)
{
    harness_begin();
    TCGv_i32 a = tcg_temp_new_i32(), b = tcg_temp_new_i32();
    tcg_gen_add_i32(a, harness_g32[0], harness_g32[1]);
    tcg_gen_add_i32(b, a, a);
    tcg_gen_add_i32(harness_g32[2], b, harness_g32[0]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *op0 = find_op(INDEX_op_add_i32, 0);
    TCGOp *op1 = find_op(INDEX_op_add_i32, 1);
    TCGOp *op2 = find_op(INDEX_op_add_i32, 2);
    /* op0: a live after; w0 read later (live); w1 not read again (global: dead in
     * register, value is in env already) */
    cr_assert(!IS_DEAD_ARG(op0, 0));
    cr_assert(!IS_DEAD_ARG(op0, 1));
    cr_assert(IS_DEAD_ARG(op0, 2));
    /* op1: a dies here (both input positions), b lives */
    cr_assert(!IS_DEAD_ARG(op1, 0));
    cr_assert(IS_DEAD_ARG(op1, 1) && IS_DEAD_ARG(op1, 2));
    /* op2: w2 is written and must reach env before the exit */
    cr_assert(IS_DEAD_ARG(op2, 1) && IS_DEAD_ARG(op2, 2));
    cr_assert(NEED_SYNC_ARG(op2, 0), "global output not synced before exit");
    cr_assert(IS_DEAD_ARG(op2, 0));
    cr_assert_eq(op0->life_sync, 0);
    cr_assert_eq(op1->life_sync, 0);
}

Test(tcg_liveness, sync_before_calls_and_memory_ops)
{
    harness_begin();
    /* w0 read by the helper: synced, but the register copy stays live */
    tcg_gen_movi_i32(harness_g32[0], 5);
    tcg_gen_call1(&harness_info_read_g32_0, tcgv_i32_temp(harness_g32[3]),
                  tcgv_ptr_temp(tcg_env));
    tcg_gen_addi_i32(harness_g32[4], harness_g32[0], 1);
    /* NO_RWG helper: nothing to sync for it */
    tcg_gen_movi_i32(harness_g32[5], 6);
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    /* qemu_ld may fault: the global written before must be in env */
    tcg_gen_movi_i32(harness_g32[6], 7);
    tcg_gen_qemu_ld_i32(harness_g32[7], harness_g32[6], 0, MO_UB);
    tcg_gen_addi_i32(harness_g32[5], harness_g32[5], 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);

    TCGOp *w0 = tcg_ctx->first_op;
    cr_assert_eq(w0->opc, INDEX_op_mov_i32);
    cr_assert(NEED_SYNC_ARG(w0, 0) && !IS_DEAD_ARG(w0, 0));

    /* w5's value is still needed after the qemu_ld: it must be in env there */
    TCGOp *w5 = find_op(INDEX_op_mov_i32, 1);
    cr_assert_eq(arg_temp(w5->args[0]), tcgv_i32_temp(harness_g32[5]));
    cr_assert(NEED_SYNC_ARG(w5, 0), "global live across qemu_ld not synced");

    TCGOp *w6 = find_op(INDEX_op_mov_i32, 2);
    cr_assert_eq(arg_temp(w6->args[0]), tcgv_i32_temp(harness_g32[6]));
    cr_assert(NEED_SYNC_ARG(w6, 0), "global not synced before qemu_ld");
}

/* A NO_RWG helper needs no global in env. */
Test(tcg_liveness, no_sync_for_rwg_free_calls)
{
    harness_begin();
    tcg_gen_movi_i32(harness_g32[5], 6);
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_addi_i32(harness_g32[5], harness_g32[5], 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *first = tcg_ctx->first_op;
    cr_assert_eq(first->opc, INDEX_op_mov_i32);
    cr_assert(!NEED_SYNC_ARG(first, 0), "synced for a NO_RWG call");
    cr_assert(!IS_DEAD_ARG(first, 0));
    TCGOp *add = tcg_ctx->last_op->prev;
    cr_assert(NEED_SYNC_ARG(add, 0) && IS_DEAD_ARG(add, 0));
}

/* w5 written before a qemu_ld and only rewritten after it: must be synced. */
Test(tcg_liveness, sync_for_fault_restores)
{
    harness_begin();
    tcg_gen_movi_i32(harness_g32[5], 6);
    tcg_gen_qemu_ld_i32(harness_g32[7], harness_g32[6], 0, MO_UB);
    tcg_gen_movi_i32(harness_g32[5], 8);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *first = tcg_ctx->first_op;
    cr_assert_eq(first->opc, INDEX_op_mov_i32, "write before a faulting op removed");
    cr_assert(NEED_SYNC_ARG(first, 0));
    cr_assert(IS_DEAD_ARG(first, 0), "value is never read from the register again");
}

/* A helper that may write globals: writes before it are synced and die. */
Test(tcg_liveness, call_writing_globals)
{
    harness_begin();
    tcg_gen_movi_i32(harness_g32[1], 5);
    tcg_gen_call2(&harness_info_write_g32_1, NULL, tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(harness_g32[1]));
    tcg_gen_addi_i32(harness_g32[2], harness_g32[1], 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *mov = tcg_ctx->first_op;
    TCGOp *call = mov->next;
    cr_assert(NEED_SYNC_ARG(mov, 0));
    cr_assert(!IS_DEAD_ARG(mov, 0), "w1 is read by the call itself");
    cr_assert_eq(call->opc, INDEX_op_call);
    cr_assert(IS_DEAD_ARG(call, 1), "register copy of w1 is stale after the call");
}

/* TB temps written before a branch and read after its label stay live. */
Test(tcg_liveness, tb_temps_across_labels)
{
    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32(), u = tcg_temp_new_i32();
    TCGLabel *l = gen_new_label();
    tcg_gen_add_i32(t, harness_g32[0], harness_g32[1]);
    tcg_gen_add_i32(u, harness_g32[0], harness_g32[1]);      /* never read: dead */
    tcg_gen_brcondi_i32(TCG_COND_EQ, harness_g32[2], 0, l);
    tcg_gen_addi_i32(harness_g32[3], harness_g32[3], 1);
    gen_set_label(l);
    tcg_gen_mov_i32(harness_g32[4], t);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *op = tcg_ctx->first_op;
    cr_assert_eq(op->opc, INDEX_op_add_i32);
    cr_assert_eq(arg_temp(op->args[0]), tcgv_i32_temp(t));
    cr_assert(!IS_DEAD_ARG(op, 0), "t dropped before the branch");
    cr_assert_eq(op->life_sync, 0, "sync bits are for globals only");
    cr_assert_eq(op->next->opc, INDEX_op_brcond_i32, "dead u not removed");
    /* The global written in the block before the label is synced there. */
    TCGOp *add = find_op(INDEX_op_add_i32, 1);
    cr_assert(NEED_SYNC_ARG(add, 0));
}

/* With a loop, every TB temp is treated as live at block ends. */
Test(tcg_liveness, loops_keep_temps)
{
    harness_begin();
    TCGv_i32 i = tcg_temp_new_i32();
    TCGLabel *top = gen_new_label();
    tcg_gen_movi_i32(i, 3);
    gen_set_label(top);
    tcg_gen_subi_i32(i, i, 1);
    tcg_gen_brcondi_i32(TCG_COND_NE, i, 0, top);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *sub = find_op(INDEX_op_add_i32, 0);
    cr_assert_not_null(sub);
    cr_assert(!IS_DEAD_ARG(sub, 0));
    TCGOp *br = find_op(INDEX_op_brcond_i32, 0);
    cr_assert(!IS_DEAD_ARG(br, 0), "loop counter dies at the back edge");
}

/* Liveness keeps insn_start, labels, stores and exits. */
Test(tcg_liveness, never_removes_structure)
{
    harness_begin();
    TCGLabel *l = gen_new_label();
    tcg_gen_insn_start(0x10, 0);
    tcg_gen_br(l);
    gen_set_label(l);
    tcg_gen_mb(0);
    tcg_gen_st_i32(tcg_constant_i32(1), tcg_env, offsetof(HarnessEnv, scratch[0]));
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(NULL, 0);
    int before = tcg_ctx->nb_ops;
    tcg_liveness(tcg_ctx);
    cr_assert_eq(tcg_ctx->nb_ops, before);
}

/*
 * Liveness takes the optimizer's loop flag when told it is current (tcg_gen_code),
 * and works it out itself otherwise. With a loop (a region's back edge) the TEMP_TB
 * live sets of the labels are solved over the loop: a temp read only on the next
 * iteration, through the back edge, stays live (its movi is kept), and one read
 * nowhere later is dead even inside the loop (no blanket "keep every temp live",
 * which spilled every scratch value at every branch of a region).
 */
Test(tcg_liveness, loop_live_sets)
{
    for (int trust = 0; trust < 2; trust++) {
        harness_begin();
        TCGv_i32 u = tcg_temp_new_i32();
        TCGv_i32 v = tcg_temp_new_i32();
        TCGLabel *head = gen_new_label();
        tcg_gen_movi_i32(u, 0);
        gen_set_label(head);
        tcg_gen_add_i32(harness_g32[0], harness_g32[0], u);
        tcg_gen_movi_i32(v, 7);
        tcg_gen_mov_i32(harness_g32[1], v);         /* v's only reader */
        tcg_gen_movi_i32(u, 5);                     /* read on the next iteration */
        tcg_gen_brcondi_i32(TCG_COND_NE, harness_g32[2], 0, head);
        tcg_gen_exit_tb(NULL, 0);
        tcg_ctx->backward_branch = true;
        tcg_ctx->backward_branch_known = trust;
        tcg_liveness(tcg_ctx);

        TCGOp *mov = NULL, *movi5 = NULL;
        for (TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
            if (op->opc == INDEX_op_mov_i32 && arg_temp(op->args[1]) == tcgv_i32_temp(v)) {
                mov = op;
            }
            if (op->opc == INDEX_op_mov_i32 && arg_temp(op->args[0]) == tcgv_i32_temp(u) &&
                arg_temp(op->args[1])->kind == TEMP_CONST &&
                arg_temp(op->args[1])->val == 5) {
                movi5 = op;
            }
        }
        cr_assert_not_null(mov);
        cr_assert(IS_DEAD_ARG(mov, 1), "v is read nowhere later (%d)", trust);
        cr_assert_not_null(movi5, "u = 5 is read through the back edge (%d)", trust);
        cr_assert(!IS_DEAD_ARG(movi5, 0), "u stays live across the back edge");
        cr_assert(!tcg_ctx->backward_branch_known, "flag left current");
    }
}

/*
 * A TB temp whose number is used again, as a fresh value, in a cold block placed
 * after the TB's exits must not make its earlier, unrelated life live at the
 * branches before those exits: the first setcond below is read by nobody.
 */
Test(tcg_liveness, reuse_after_exit_is_a_new_life)
{
    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32();
    TCGLabel *cold = gen_new_label();
    tcg_gen_setcond_i32(TCG_COND_EQ, t, harness_g32[0], harness_g32[1]);  /* dead */
    tcg_gen_brcondi_i32(TCG_COND_EQ, harness_g32[2], 0, cold);
    tcg_gen_exit_tb(NULL, 0);
    gen_set_label(cold);
    tcg_gen_setcond_i32(TCG_COND_LT, t, harness_g32[3], harness_g32[4]);  /* new life */
    tcg_gen_mov_i32(harness_g32[5], t);
    tcg_gen_exit_tb(NULL, 1);
    tcg_liveness(tcg_ctx);
    cr_assert_eq(count_opc(INDEX_op_setcond_i32), 1, "dead setcond kept");
    TCGOp *sc = find_op(INDEX_op_setcond_i32, 0);
    cr_assert_eq(sc->args[3], TCG_COND_LT);
}

/* The exact per-label rule still keeps a value live that one path to the label
 * reads, while a value the other path overwrites first stays dead there. */
Test(tcg_liveness, label_live_in_per_path)
{
    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32(), u = tcg_temp_new_i32();
    TCGLabel *l1 = gen_new_label(), *l2 = gen_new_label();
    tcg_gen_add_i32(t, harness_g32[0], harness_g32[1]);     /* read at l2 */
    tcg_gen_add_i32(u, harness_g32[0], harness_g32[2]);     /* overwritten at l1 */
    tcg_gen_brcondi_i32(TCG_COND_EQ, harness_g32[3], 0, l1);
    tcg_gen_brcondi_i32(TCG_COND_EQ, harness_g32[3], 1, l2);
    tcg_gen_exit_tb(NULL, 0);
    gen_set_label(l1);
    tcg_gen_movi_i32(u, 5);
    tcg_gen_mov_i32(harness_g32[4], u);
    tcg_gen_exit_tb(NULL, 1);
    gen_set_label(l2);
    tcg_gen_mov_i32(harness_g32[5], t);
    tcg_gen_exit_tb(NULL, 2);
    tcg_liveness(tcg_ctx);
    TCGOp *op = tcg_ctx->first_op;
    cr_assert_eq(op->opc, INDEX_op_add_i32);
    cr_assert_eq(arg_temp(op->args[0]), tcgv_i32_temp(t));
    cr_assert(!IS_DEAD_ARG(op, 0), "t dropped though l2 reads it");
    cr_assert_eq(op->next->opc, INDEX_op_brcond_i32, "u's first life kept");
}

/* The block updates of every global's state at calls and accesses work on eight
 * globals at a time: globals in the first eight, the second eight and the tail
 * (env, w0-w7, q0-q7) must all be handled. */
static void gen_write_all_globals(int base)
{
    for (int i = 0; i < HARNESS_NG32; i++) {
        tcg_gen_movi_i32(harness_g32[i], base + i);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        tcg_gen_movi_i64(harness_g64[i], base + 100 + i);
    }
}

Test(tcg_liveness, every_global_synced_before_calls)
{
    /* A helper that reads globals: each earlier write is synced, and (since it
     * is overwritten after the call without a read) dies there. */
    harness_begin();
    gen_write_all_globals(0);
    tcg_gen_call1(&harness_info_read_g32_0, tcgv_i32_temp(harness_g32[0]),
                  tcgv_ptr_temp(tcg_env));
    gen_write_all_globals(50);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *op = tcg_ctx->first_op;
    for (int i = 0; i < HARNESS_NG32 + HARNESS_NG64; i++, op = op->next) {
        cr_assert(op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64,
                  "write %d before the call removed", i);
        cr_assert(NEED_SYNC_ARG(op, 0), "global %d not synced before the call", i);
        cr_assert(IS_DEAD_ARG(op, 0), "global %d kept in a register", i);
    }
    cr_assert_eq(op->opc, INDEX_op_call);

    /* A helper that writes globals: register copies made before it are stale,
     * so a value read after it is not kept alive across it. */
    harness_begin();
    gen_write_all_globals(0);
    tcg_gen_call2(&harness_info_write_g32_1, NULL, tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(harness_g32[1]));
    tcg_gen_add_i32(harness_g32[0], harness_g32[7], harness_g32[2]);
    tcg_gen_add_i64(harness_g64[0], harness_g64[7], harness_g64[2]);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    op = tcg_ctx->first_op;
    for (int i = 0; i < HARNESS_NG32 + HARNESS_NG64; i++, op = op->next) {
        cr_assert(NEED_SYNC_ARG(op, 0), "global %d not synced before the call", i);
        /* w1 is an argument of the call itself; everything else dies there. */
        if (i != 1) {
            cr_assert(IS_DEAD_ARG(op, 0), "global %d live across a writing call", i);
        }
    }
}

/* Before a guest access on a backend that writes dirty globals back on its slow
 * path itself, every global's value is kept (not dead), none forced to env. */
Test(tcg_liveness, every_global_kept_for_ldst_slow_path)
{
    harness_begin();
    gen_write_all_globals(0);
    tcg_gen_qemu_ld_i32(harness_g32[0], harness_g32[0], 0, MO_UB);
    gen_write_all_globals(50);
    tcg_gen_exit_tb(NULL, 0);
    tcg_ctx->backend_syncs_ldst = true;
    tcg_liveness(tcg_ctx);
    tcg_ctx->backend_syncs_ldst = false;
    TCGOp *op = tcg_ctx->first_op;
    for (int i = 0; i < HARNESS_NG32 + HARNESS_NG64; i++, op = op->next) {
        cr_assert(op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64,
                  "write %d before the access removed", i);
        cr_assert(!IS_DEAD_ARG(op, 0), "global %d dead before the access", i);
        cr_assert(!NEED_SYNC_ARG(op, 0), "global %d synced for the slow path", i);
    }
}

/*
 * Liveness keeps the globals' block-end states from one TB to the next (the
 * globals never change once created): a global created after an earlier pass
 * must still get them, so its last write before an exit is written back.
 */
Test(tcg_liveness, global_added_after_a_pass)
{
    harness_begin();
    tcg_gen_movi_i32(harness_g32[0], 1);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    cr_assert(NEED_SYNC_ARG(find_op(INDEX_op_mov_i32, 0), 0));

    harness_begin();
    TCGv_i32 late = tcg_global_mem_new_i32(offsetof(HarnessEnv, scratch[1]), "late");
    tcg_gen_movi_i32(late, 7);
    tcg_gen_exit_tb(NULL, 0);
    tcg_liveness(tcg_ctx);
    TCGOp *mov = find_op(INDEX_op_mov_i32, 0);
    cr_assert_not_null(mov, "the write to a global was removed");
    cr_assert(NEED_SYNC_ARG(mov, 0), "the new global is not written back at the exit");
}
