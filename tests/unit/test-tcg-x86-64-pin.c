/*
 * tcg/x86_64/pin.c: which globals a loop inside a TB (a region's backward branch)
 * keeps in host registers. Only those the loop itself uses, from the first label a
 * backward branch goes to through the last backward branch: a global only the
 * set-up before the loop head reads takes no register, and one only the back
 * edge's compare reads gets one (unless the TB touches its env bytes directly).
 * The count of pinned globals comes from the translator's statistics; every TB also
 * runs on the interpreter and on x86-64 with the same results.
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"
#include "exec/exec-all.h"

#define E harness_env
#define W(i) harness_g32[i]

TestSuite(tcg_x86_64_pin, .init = harness_init);

/*
 * Set-up reads w3 and w4 (w6 = w3 + w4), then the loop: w1 += w0 * 3; w0 += 1;
 * until w0 == w2, w2 read by the back edge's compare only. With env_alias the TB
 * also loads w2's env bytes straight from env (as a front end's helper-less read
 * of the register file would), so w2 must stay in env.
 */
static void gen_setup_then_loop(bool env_alias)
{
    TCGLabel *top = gen_new_label(), *req = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32(), u = tcg_temp_new_i32();

    tcg_gen_add_i32(W(6), W(3), W(4));
    if (env_alias) {
        tcg_gen_ld_i32(u, tcg_env, offsetof(HarnessEnv, g32[2]));
        tcg_gen_mov_i32(W(5), u);
    }
    gen_set_label(top);
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, req);
    tcg_gen_muli_i32(t, W(0), 3);
    tcg_gen_add_i32(W(1), W(1), t);
    tcg_gen_addi_i32(W(0), W(0), 1);
    tcg_gen_brcond_i32(TCG_COND_NE, W(0), W(2), top);
    tcg_gen_goto_tb(0);
    tcg_gen_movi_i32(W(7), 0x100);
    tcg_gen_exit_tb(&harness_tb, 0);
    gen_set_label(req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
    tcg_temp_free_i32(t);
    tcg_temp_free_i32(u);
}

static void init_env(void)
{
    harness_clear_env();
    E->cpu.exit_request_tb = 0;
    E->g32[0] = 5;
    E->g32[1] = 100;
    E->g32[2] = 45;
    E->g32[3] = 0x1000;
    E->g32[4] = 0x234;
}

/* Generate on x86-64, return how many globals it pinned; run it and the
 * interpreter's version and compare env. */
static uint64_t pinned_and_same_results(bool env_alias)
{
    static HarnessEnv ref;

    harness_select(&tcg_backend_interp);
    harness_begin();
    gen_setup_then_loop(env_alias);
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    init_env();
    harness_exec(code);
    memcpy(&ref, E, sizeof(ref));
    cr_assert_eq(ref.g32[0], 45);
    cr_assert_eq(ref.g32[1], 100 + 3 * (5 + 44) * 40 / 2);
    cr_assert_eq(ref.g32[6], 0x1234);

    harness_select(&tcg_backend_x86_64);
    harness_begin();
    gen_setup_then_loop(env_alias);
    uint64_t before = tcg_ctx->stat_loop_globals;
    code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    cr_assert(tcg_ctx->loop_internal);
    uint64_t n = tcg_ctx->stat_loop_globals - before;
    init_env();
    harness_exec(code);
    cr_assert(memcmp(ref.g32, E->g32, sizeof(ref.g32)) == 0, "x86-64 and interp differ");
    return n;
}

Test(tcg_x86_64_pin, loop_uses_only_and_the_back_edge_compare)
{
    /* w0, w1 and w2, not w3 and w4 (read before the head) nor w6 (written there). */
    uint64_t n = pinned_and_same_results(false);
    cr_assert_eq(n, 3, "%llu globals pinned", (unsigned long long)n);
}

Test(tcg_x86_64_pin, back_edge_global_with_env_alias_stays_in_env)
{
    uint64_t n = pinned_and_same_results(true);
    cr_assert_eq(n, 2, "%llu globals pinned", (unsigned long long)n);
}
