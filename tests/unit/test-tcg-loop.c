/*
 * Self loops (tcg/loop.c and the x86-64 backend's pinned globals): which goto_tb
 * slots are found to return to the TB's own start, which globals may stay in host
 * registers, and that a TB generated as a loop computes what the interpreter
 * computes, chained to its own loop head (the whole loop in one run) or not (one
 * iteration per run), with helper calls that read or write globals, an exit
 * request seen at the head, and a fault on the slow path of a load in the body.
 */
#include <criterion/criterion.h>
#include <setjmp.h>
#include "tcg-harness.h"
#include "exec/exec-all.h"
#include "../../tcg/x86_64/x86-internal.h"

#define E harness_env
#define W(i) harness_g32[i]
#define Q(i) harness_g64[i]
/* The harness TB has pc 0: "mov w7, $0" after goto_tb marks the self edge. */
#define PC W(7)

TestSuite(tcg_loop, .init = harness_init);

/* The tail every translator emits for a direct jump: goto_tb n; pc = dest; exit. */
static void gen_jump(unsigned n, uint32_t dest)
{
    tcg_gen_goto_tb(n);
    tcg_gen_movi_i32(PC, dest);
    tcg_gen_exit_tb(&harness_tb, n);
}

/* The TB-start check of translator_loop; returns its label (bind it at the end). */
static TCGLabel *gen_head_check(void)
{
    TCGLabel *l = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, l);
    tcg_temp_free_i32(t);
    return l;
}

/* Close a loop body: while counter != 0 go back to pc 0, else leave for 0x100. */
static void gen_loop_end(TCGv_i32 counter, TCGLabel *exit_req)
{
    TCGLabel *again = gen_new_label();
    tcg_gen_brcondi_i32(TCG_COND_NE, counter, 0, again);
    gen_jump(1, 0x100);
    gen_set_label(again);
    gen_jump(0, 0);
    gen_set_label(exit_req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
}

Test(tcg_loop, finds_the_self_slot)
{
    TranslationBlock tb = { .pc = 0x1000, .cs_base = 0x800 };

    harness_begin();
    tcg_gen_addi_i32(W(1), W(1), 1);
    TCGLabel *l = gen_new_label();
    tcg_gen_brcondi_i32(TCG_COND_NE, W(1), 0, l);
    tcg_gen_goto_tb(1);
    tcg_gen_movi_i32(PC, 0x1000);           /* 0x1000 + cs_base: not us */
    tcg_gen_exit_tb(&tb, 1);
    gen_set_label(l);
    tcg_gen_goto_tb(0);
    tcg_gen_movi_i32(PC, 0x800);            /* 0x800 + cs_base = pc: us */
    tcg_gen_exit_tb(&tb, 0);
    tcg_loop_analyze(tcg_ctx, &tb);
    cr_assert_eq(tcg_ctx->loop_slots, 1);
    /* pc is only written by the pc stores after goto_tb: no candidate. */
    cr_assert_eq(tcg_ctx->nb_loop_globals, 1);
    cr_assert_eq(tcg_ctx->loop_globals[0], tcgv_i32_temp(W(1)));

    /* No self edge at all, and chaining refused: nothing. */
    tb.cs_base = 0x10;
    tcg_loop_analyze(tcg_ctx, &tb);
    cr_assert_eq(tcg_ctx->loop_slots, 0);
    tb.cs_base = 0x800;
    tb.cflags = CF_NOCHAIN;
    tcg_loop_analyze(tcg_ctx, &tb);
    cr_assert_eq(tcg_ctx->loop_slots, 0);
}

Test(tcg_loop, candidates_by_benefit_without_env_aliases)
{
    TranslationBlock tb = { .pc = 0 };

    harness_begin();
    TCGv_i32 t = tcg_temp_new_i32();
    tcg_gen_add_i32(W(2), W(2), W(3));      /* w2: 3 uses, w3: 2, w4: 1, w5: 2 */
    tcg_gen_add_i32(W(2), W(3), W(4));
    tcg_gen_mov_i32(W(5), W(5));
    /* The TB also reads w5's bytes off env: w5 must stay in memory. */
    tcg_gen_ld16u_i32(t, tcg_env, offsetof(HarnessEnv, g32[5]) + 2);
    tcg_gen_add_i32(W(6), W(6), t);
    gen_jump(0, 0);
    tcg_loop_analyze(tcg_ctx, &tb);
    cr_assert_eq(tcg_ctx->loop_slots, 1);
    cr_assert_eq(tcg_ctx->nb_loop_globals, 4);
    /* w2 and w6 are read, then written (carried from one iteration to the
     * next) and come first; then w3 and w4, which the body only reads. */
    cr_assert_eq(tcg_ctx->loop_globals[0], tcgv_i32_temp(W(2)));
    cr_assert_eq(tcg_ctx->loop_globals[1], tcgv_i32_temp(W(6)));
    cr_assert_eq(tcg_ctx->loop_globals[2], tcgv_i32_temp(W(3)));
    cr_assert_eq(tcg_ctx->loop_globals[3], tcgv_i32_temp(W(4)));
}

/*
 * The order of the candidates is by what a register saves per iteration, not by
 * use count: w5 (i386's cc_dst, say) is used most but written before it is read,
 * so in env it costs only stores; w1 (a counter) and w4 (a sum) are carried from
 * one iteration to the next through env (each load waits for the last store)
 * and come first; w3, read only, costs one load, which counts as two stores (what
 * reads it waits for it), as much as w6 written twice with a sync before the
 * branch (liveness), and w3 has more uses; w5 costs one store.
 */
Test(tcg_loop, carried_globals_before_written_first_ones)
{
    TranslationBlock tb = { .pc = 0 };
    TCGLabel *skip = gen_new_label();

    harness_begin();
    tcg_gen_add_i32(W(5), W(3), W(3));
    tcg_gen_mul_i32(W(5), W(5), W(5));
    tcg_gen_xor_i32(W(5), W(5), W(3));
    tcg_gen_add_i32(W(6), W(5), W(5));
    tcg_gen_brcondi_i32(TCG_COND_EQ, W(5), 0, skip);
    tcg_gen_add_i32(W(4), W(4), W(5));
    tcg_gen_addi_i32(W(6), W(6), 1);
    gen_set_label(skip);
    tcg_gen_subi_i32(W(1), W(1), 1);
    TCGLabel *again = gen_new_label();
    tcg_gen_brcondi_i32(TCG_COND_NE, W(1), 0, again);
    gen_jump(1, 0x100);
    gen_set_label(again);
    gen_jump(0, 0);
    tcg_liveness(tcg_ctx);
    tcg_loop_analyze(tcg_ctx, &tb);
    cr_assert_eq(tcg_ctx->loop_slots, 1);
    cr_assert_eq(tcg_ctx->nb_loop_globals, 5);
    cr_assert_eq(tcg_ctx->loop_globals[0], tcgv_i32_temp(W(1)));
    cr_assert_eq(tcg_ctx->loop_globals[1], tcgv_i32_temp(W(4)));
    cr_assert_eq(tcg_ctx->loop_globals[2], tcgv_i32_temp(W(3)));
    cr_assert_eq(tcg_ctx->loop_globals[3], tcgv_i32_temp(W(6)));
    cr_assert_eq(tcg_ctx->loop_globals[4], tcgv_i32_temp(W(5)));
}

/* ------------------------------------------------------------------------- */
/* Runs: interpreter, x86-64 unchained, x86-64 chained to its loop head       */

typedef void (*LoopBody)(void);

/* Run the TB until it leaves through anything but slot 0 (one iteration per run);
 * returns that exit's slot (tb | slot) or 0. */
static uintptr_t run_unchained(const void *code)
{
    for (int i = 0; i < 100000; i++) {
        uintptr_t r = harness_exec(code);
        if (r != ((uintptr_t)&harness_tb | 0)) {
            return r;
        }
    }
    cr_assert_fail("the loop did not end");
    return 0;
}

/* Chain slot 0 to the loop head, as tb_add_jump does for a self edge. */
static void chain_self(const void *code)
{
    uintptr_t jmp = (uintptr_t)code + tcg_ctx->goto_tb_insn_off[0];
    cr_assert_neq(tcg_ctx->loop_head_off, 0xffff, "not generated as a loop");
    tcg_backend_x86_64.patch_jump(jmp, jmp, (uintptr_t)code + tcg_ctx->loop_head_off);
}

typedef struct LoopState {
    uint32_t g32[HARNESS_NG32];
    uint64_t g64[HARNESS_NG64];
    uint8_t mem[64];
    uint64_t helper_calls;
    uintptr_t ret;
} LoopState;

static void save_state(LoopState *st, uintptr_t ret)
{
    memcpy(st->g32, E->g32, sizeof(st->g32));
    memcpy(st->g64, E->g64, sizeof(st->g64));
    memcpy(st->mem, E->mem, sizeof(st->mem));
    st->helper_calls = E->helper_calls;
    st->ret = ret;
}

static void init_env(void)
{
    harness_clear_env();
    E->cpu.exit_request_tb = 0;
    E->g32[0] = 40;                         /* iterations */
    E->g32[1] = 7;
    E->g32[2] = 0x12345;
    E->g32[3] = 0;                          /* store pointer in guest page 0 */
    E->g64[0] = 0x1111222233334444ull;
    for (int i = 0; i < 64; i++) {
        E->mem[i] = (uint8_t)(i * 7 + 1);
    }
}

/* Interpreter, x86-64 one iteration per run, x86-64 chained: all three agree. */
static void check_three_ways(LoopBody body, bool expect_loop)
{
    LoopState ref, unchained, chained;
    const void *code;

    harness_select(&tcg_backend_interp);
    harness_begin();
    body();
    code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    init_env();
    save_state(&ref, run_unchained(code));

    harness_select(&tcg_backend_x86_64);
    harness_begin();
    body();
    code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    cr_assert_eq(tcg_ctx->loop_head_off != 0xffff, expect_loop);
    init_env();
    save_state(&unchained, run_unchained(code));
    if (expect_loop) {
        chain_self(code);
        init_env();
        save_state(&chained, harness_exec(code));
    } else {
        chained = unchained;
    }

    cr_assert_eq(ref.ret, (uintptr_t)&harness_tb | 1, "interp left through %#lx",
                 (unsigned long)ref.ret);
    for (int i = 0; i < HARNESS_NG32; i++) {
        cr_assert_eq(unchained.g32[i], ref.g32[i], "w%d unchained %#x, interp %#x", i,
                     unchained.g32[i], ref.g32[i]);
        cr_assert_eq(chained.g32[i], ref.g32[i], "w%d chained %#x, interp %#x", i,
                     chained.g32[i], ref.g32[i]);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        cr_assert_eq(unchained.g64[i], ref.g64[i], "q%d unchained", i);
        cr_assert_eq(chained.g64[i], ref.g64[i], "q%d chained", i);
    }
    cr_assert_arr_eq(unchained.mem, ref.mem, sizeof(ref.mem));
    cr_assert_arr_eq(chained.mem, ref.mem, sizeof(ref.mem));
    cr_assert_eq(unchained.helper_calls, ref.helper_calls);
    cr_assert_eq(chained.helper_calls, ref.helper_calls);
    cr_assert_eq(unchained.ret, ref.ret);
    cr_assert_eq(chained.ret, ref.ret);
}

/* Sums, a copy through guest memory, a 64-bit global, a select and a multiply
 * (fixed registers rax/rdx) in one body. */
static void body_sum_copy(void)
{
    TCGLabel *exit_req = gen_head_check();
    TCGv_i32 a = tcg_temp_new_i32(), v = tcg_temp_new_i32();
    TCGv_i64 w = tcg_temp_new_i64();

    tcg_gen_add_i32(W(1), W(1), W(2));
    tcg_gen_muli_i32(W(2), W(2), 3);
    tcg_gen_andi_i32(a, W(3), 31);
    tcg_gen_qemu_ld_i32(v, a, 1, MO_LEUL);
    tcg_gen_add_i32(W(4), W(4), v);
    tcg_gen_addi_i32(a, a, 32);
    tcg_gen_qemu_st_i32(W(1), a, 1, MO_LEUL);
    tcg_gen_extu_i32_i64(w, W(1));
    tcg_gen_add_i64(Q(0), Q(0), w);
    tcg_gen_movcond_i32(TCG_COND_GTU, W(5), W(1), W(2), W(1), W(5));
    tcg_gen_mulu2_i32(W(6), v, W(2), W(1));
    tcg_gen_xor_i32(W(6), W(6), v);
    tcg_gen_addi_i32(W(3), W(3), 4);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_temp_free_i32(a);
    tcg_temp_free_i32(v);
    tcg_temp_free_i64(w);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, sum_copy_agrees_with_interp)
{
    check_three_ways(body_sum_copy, true);
}

/* A loop whose body loads into the global that is also the address. */
static void body_chase(void)
{
    TCGLabel *exit_req = gen_head_check();

    tcg_gen_andi_i32(W(3), W(3), 60);
    tcg_gen_qemu_ld_i32(W(3), W(3), 1, MO_UB);
    tcg_gen_add_i32(W(1), W(1), W(3));
    tcg_gen_subi_i32(W(0), W(0), 1);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, load_into_its_address_agrees_with_interp)
{
    check_three_ways(body_chase, true);
}

/* Helpers: one that changes no global (values stay in callee-saved registers),
 * one that reads a global (written back first) and one that writes one (the
 * pinned copies are reloaded after it). */
static void body_helpers(void)
{
    TCGLabel *exit_req = gen_head_check();
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_addi_i32(W(0), W(0), -1);
    tcg_gen_addi_i32(W(2), W(2), 5);
    tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_call1(&harness_info_read_g32_0, tcgv_i32_temp(t), tcgv_ptr_temp(tcg_env));
    tcg_gen_add_i32(W(4), W(4), t);
    tcg_gen_call2(&harness_info_write_g32_1, NULL, tcgv_ptr_temp(tcg_env),
                  tcgv_i32_temp(W(2)));
    tcg_gen_add_i32(W(5), W(5), W(1));      /* w1 as the helper wrote it */
    tcg_gen_addi_i32(W(1), W(1), 1);
    tcg_temp_free_i32(t);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, helpers_agree_with_interp)
{
    check_three_ways(body_helpers, true);
}

/* A body that reads a global's bytes off env keeps that global in memory. */
static void body_env_alias(void)
{
    TCGLabel *exit_req = gen_head_check();
    TCGv_i32 t = tcg_temp_new_i32();

    tcg_gen_addi_i32(W(2), W(2), 9);
    tcg_gen_ld_i32(t, tcg_env, offsetof(HarnessEnv, g32[2]));
    tcg_gen_add_i32(W(1), W(1), t);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_temp_free_i32(t);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, env_alias_agrees_with_interp)
{
    check_three_ways(body_env_alias, true);
}

/* The exit request is seen at the loop head of every iteration: a helper raises it
 * in iteration 5; the run leaves through the TB-start exit with the registers of
 * five whole iterations in env. */
static void helper_request_exit(void *env)
{
    HarnessEnv *e = env;
    if (++e->helper_calls == 5) {
        e->cpu.exit_request_tb = 1;
    }
}
static const TCGHelperInfo info_request_exit =
    TCG_HELPER(helper_request_exit, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR);

static void body_exit_request(void)
{
    TCGLabel *exit_req = gen_head_check();

    tcg_gen_addi_i32(W(1), W(1), 3);
    tcg_gen_call1(&info_request_exit, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_addi_i32(W(2), W(2), 1);
    tcg_gen_subi_i32(W(0), W(0), 1);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, exit_request_at_the_head)
{
    harness_select(&tcg_backend_x86_64);
    harness_begin();
    body_exit_request();
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    chain_self(code);
    init_env();
    uint32_t w2 = E->g32[2];
    uintptr_t r = harness_exec(code);
    cr_assert_eq(r, (uintptr_t)&harness_tb | TB_EXIT_REQUESTED);
    cr_assert_eq(E->helper_calls, 5);
    cr_assert_eq(E->g32[0], 40 - 5, "w0 = %u", E->g32[0]);
    cr_assert_eq(E->g32[1], 7 + 3 * 5, "w1 = %u", E->g32[1]);
    cr_assert_eq(E->g32[2], w2 + 5);
    cr_assert_eq(E->g32[7], 0, "pc is not stored by the TB-start exit");
}

/* A load in the body faults on its slow path in iteration 9: env must then hold
 * the registers as they were at that load, in this iteration. */
static sigjmp_buf fault_jmp;
static uint32_t fault_addr;
static uint32_t fault_g32[HARNESS_NG32];

static uint64_t fault_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    fault_addr = addr;
    memcpy(fault_g32, harness_env->g32, sizeof(fault_g32));
    siglongjmp(fault_jmp, 1);
}

static void body_fault(void)
{
    TCGLabel *exit_req = gen_head_check();
    TCGv_i32 v = tcg_temp_new_i32();

    tcg_gen_addi_i32(W(1), W(1), 1);        /* before the load: visible */
    tcg_gen_qemu_ld_i32(v, W(3), 1, MO_LEUL);
    tcg_gen_addi_i32(W(3), W(3), 0x200);    /* after it: not visible */
    tcg_gen_add_i32(W(4), W(4), v);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_temp_free_i32(v);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, fault_in_the_body_writes_the_registers_back)
{
    uint64_t (*saved)(struct CPUState *, uint32_t, uint32_t, uintptr_t) = x86_ld_helper;

    /* The stubs call the helper the pointer names when they are generated. */
    x86_ld_helper = fault_ld_mmu;
    harness_select(&tcg_backend_x86_64);
    harness_begin();
    body_fault();
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    chain_self(code);
    init_env();
    E->g32[3] = 0x10;           /* 0x10 + 8 * 0x200 = 0x1010: past guest page 0 */
    if (sigsetjmp(fault_jmp, 0) == 0) {
        harness_exec(code);
        x86_ld_helper = saved;
        cr_assert_fail("the load did not fault");
    }
    x86_ld_helper = saved;
    cr_assert_eq(fault_addr, 0x1010, "fault at %#x", fault_addr);
    cr_assert_eq(fault_g32[1], 7 + 9, "w1 = %u", fault_g32[1]);
    cr_assert_eq(fault_g32[3], 0x1010);
    cr_assert_eq(fault_g32[0], 40 - 8, "w0 = %u", fault_g32[0]);
    uint32_t sum = 0;
    for (uint32_t a = 0x10; a < 0x1010; a += 0x200) {
        sum += ldl_le_p(&E->mem[a]);
    }
    cr_assert_eq(fault_g32[4], sum);
}

/* More globals than registers: the loop keeps some, the rest live in env. */
static void body_many_globals(void)
{
    TCGLabel *exit_req = gen_head_check();

    for (int i = 1; i < HARNESS_NG32 - 1; i++) {
        tcg_gen_add_i32(W(i), W(i), W(i + 1 < 7 ? i + 1 : 1));
        tcg_gen_extu_i32_i64(Q(i), W(i));
        tcg_gen_add_i64(Q(i - 1), Q(i - 1), Q(i));
    }
    tcg_gen_subi_i32(W(0), W(0), 1);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, many_globals_agree_with_interp)
{
    check_three_ways(body_many_globals, true);
}

/* A TB whose goto_tb does not go back to itself is generated as before. */
static void body_not_self(void)
{
    TCGLabel *exit_req = gen_head_check();
    TCGLabel *again = gen_new_label();

    tcg_gen_addi_i32(W(1), W(1), 2);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_gen_brcondi_i32(TCG_COND_NE, W(0), 0, again);
    gen_jump(1, 0x100);
    gen_set_label(again);
    gen_jump(0, 0x40);                       /* not pc 0: no self edge */
    gen_set_label(exit_req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
}

Test(tcg_loop, other_targets_are_not_loops)
{
    check_three_ways(body_not_self, false);
}

/*
 * A loop whose only helper call never returns (a guest exception raised from a
 * cold block after the exits, as the i386 and MIPS translators place their
 * raises): the call does not keep the loop's globals out of the caller-saved
 * registers, and the helper still finds every global in env as it stood at the
 * check, in the iteration that raises.
 */
static sigjmp_buf raise_jmp;
static uint32_t raise_g32[HARNESS_NG32];
static uint64_t raise_g64[HARNESS_NG64];

static void QEMU_NORETURN helper_raise_noreturn(void *env)
{
    HarnessEnv *e = env;
    memcpy(raise_g32, e->g32, sizeof(raise_g32));
    memcpy(raise_g64, e->g64, sizeof(raise_g64));
    siglongjmp(raise_jmp, 1);
}
static const TCGHelperInfo info_raise_noreturn =
    TCG_HELPER(helper_raise_noreturn, TCG_CALL_NO_RETURN, TCG_CALL_VOID, TCG_CALL_PTR);

/* Work on nine globals (W1-W6, Q0-Q1, and W0 as the counter of the callers), more
 * than the five callee-saved registers can hold. */
static void gen_nine_globals_work(void)
{
    TCGv_i64 w = tcg_temp_new_i64();

    tcg_gen_add_i32(W(1), W(1), W(2));
    tcg_gen_addi_i32(W(2), W(2), 3);
    tcg_gen_xor_i32(W(3), W(3), W(1));
    tcg_gen_addi_i32(W(4), W(4), 1);
    tcg_gen_add_i32(W(5), W(5), W(4));
    tcg_gen_sub_i32(W(6), W(6), W(1));
    tcg_gen_extu_i32_i64(w, W(5));
    tcg_gen_add_i64(Q(0), Q(0), w);
    tcg_gen_xor_i64(Q(1), Q(1), Q(0));
    tcg_temp_free_i64(w);
}

static void body_raise(void)
{
    TCGLabel *exit_req = gen_head_check();
    TCGLabel *cold = gen_new_label();

    gen_nine_globals_work();
    tcg_gen_brcondi_i32(TCG_COND_EQ, W(0), 30, cold);
    tcg_gen_addi_i32(W(6), W(6), 0x100);    /* after the check: not seen */
    tcg_gen_subi_i32(W(0), W(0), 1);
    gen_loop_end(W(0), exit_req);
    gen_set_label(cold);
    tcg_gen_movi_i32(PC, 0x55);
    tcg_gen_call1(&info_raise_noreturn, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_exit_tb(NULL, 0);               /* never reached */
}

typedef struct RaiseState {
    uint32_t g32[HARNESS_NG32];
    uint64_t g64[HARNESS_NG64];
} RaiseState;

/* Translate body for backend (self edge chained or not), counting the globals the
 * backend pinned, and reset env for a run. */
static const void *gen_loop_tb(const TCGBackend *backend, void (*body)(void), bool chain,
                               uint64_t *pinned)
{
    uint64_t before = tcg_ctx->stat_loop_globals;

    harness_select(backend);
    harness_begin();
    body();
    const void *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    *pinned = tcg_ctx->stat_loop_globals - before;
    if (chain) {
        chain_self(code);
    }
    init_env();
    return code;
}

/* Generate body_raise for backend and run it (chained or not) until it raises. */
static void run_raise(const TCGBackend *backend, bool chain, RaiseState *st,
                      uint64_t *pinned)
{
    const void *code = gen_loop_tb(backend, body_raise, chain, pinned);

    if (sigsetjmp(raise_jmp, 0) == 0) {
        for (int i = 0; i < 100; i++) {
            uintptr_t r = harness_exec(code);
            cr_assert_eq(r, (uintptr_t)&harness_tb | 0, "left through %#lx",
                         (unsigned long)r);
        }
        cr_assert_fail("the helper was not called");
    }
    memcpy(st->g32, raise_g32, sizeof(st->g32));
    memcpy(st->g64, raise_g64, sizeof(st->g64));
}

Test(tcg_loop, noreturn_call_pins_caller_saved_and_sees_env)
{
    RaiseState ref, unchained, chained;
    uint64_t pinned;

    run_raise(&tcg_backend_interp, false, &ref, &pinned);
    run_raise(&tcg_backend_x86_64, false, &unchained, &pinned);
    cr_assert(!tcg_ctx->loop_has_call, "a call that never returns counted");
    cr_assert_gt(pinned, 5, "only %lu globals pinned", (unsigned long)pinned);
    run_raise(&tcg_backend_x86_64, true, &chained, &pinned);

    cr_assert_eq(ref.g32[0], 30, "raised with w0 = %u", ref.g32[0]);
    cr_assert_eq(ref.g32[4], 11, "w4 = %u", ref.g32[4]);
    cr_assert_eq(ref.g32[7], 0x55);
    for (int i = 0; i < HARNESS_NG32; i++) {
        cr_assert_eq(unchained.g32[i], ref.g32[i], "w%d unchained %#x, interp %#x", i,
                     unchained.g32[i], ref.g32[i]);
        cr_assert_eq(chained.g32[i], ref.g32[i], "w%d chained %#x, interp %#x", i,
                     chained.g32[i], ref.g32[i]);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        cr_assert_eq(unchained.g64[i], ref.g64[i], "q%d unchained", i);
        cr_assert_eq(chained.g64[i], ref.g64[i], "q%d chained", i);
    }
}

/*
 * The MIPS shape of a trap: the cold block calls a helper that enters the guest
 * handler (writing globals) and returns, then leaves the TB. Past the loop body
 * and followed by the reload every globals-writing call gets, that call does not
 * keep the globals out of the caller-saved registers either; one in the body does.
 */
static void helper_enter_handler(void *env)
{
    HarnessEnv *e = env;
    e->helper_calls++;
    e->g32[5] += 1000;
    e->g32[7] = 0x80;
}
static const TCGHelperInfo info_enter_handler =
    TCG_HELPER(helper_enter_handler, 0, TCG_CALL_VOID, TCG_CALL_PTR);

static void body_trap_returns(bool in_body)
{
    TCGLabel *exit_req = gen_head_check();
    TCGLabel *cold = gen_new_label();

    gen_nine_globals_work();
    if (in_body) {
        tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    }
    tcg_gen_brcondi_i32(TCG_COND_EQ, W(0), 30, cold);
    tcg_gen_subi_i32(W(0), W(0), 1);
    gen_loop_end(W(0), exit_req);
    gen_set_label(cold);
    tcg_gen_movi_i32(PC, 0x55);
    tcg_gen_call1(&info_enter_handler, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_exit_tb(NULL, 0);
}

static void body_trap_cold(void)
{
    body_trap_returns(false);
}

static void run_trap(const TCGBackend *backend, bool chain, RaiseState *st,
                     uint64_t *pinned)
{
    const void *code = gen_loop_tb(backend, body_trap_cold, chain, pinned);
    uintptr_t r = 0;

    for (int i = 0; i < 100; i++) {
        r = harness_exec(code);
        if (r != ((uintptr_t)&harness_tb | 0)) {
            break;
        }
    }
    cr_assert_eq(r, 0, "left through %#lx", (unsigned long)r);
    cr_assert_eq(E->helper_calls, 1);
    memcpy(st->g32, E->g32, sizeof(st->g32));
    memcpy(st->g64, E->g64, sizeof(st->g64));
}

Test(tcg_loop, returning_cold_call_pins_caller_saved)
{
    RaiseState ref, unchained, chained;
    uint64_t pinned;

    run_trap(&tcg_backend_interp, false, &ref, &pinned);
    run_trap(&tcg_backend_x86_64, false, &unchained, &pinned);
    cr_assert(!tcg_ctx->loop_has_call, "a cold globals-writing call counted");
    cr_assert_gt(pinned, 5, "only %lu globals pinned", (unsigned long)pinned);
    run_trap(&tcg_backend_x86_64, true, &chained, &pinned);

    cr_assert_eq(ref.g32[0], 30);
    cr_assert_eq(ref.g32[7], 0x80);
    for (int i = 0; i < HARNESS_NG32; i++) {
        cr_assert_eq(unchained.g32[i], ref.g32[i], "w%d unchained %#x, interp %#x", i,
                     unchained.g32[i], ref.g32[i]);
        cr_assert_eq(chained.g32[i], ref.g32[i], "w%d chained %#x, interp %#x", i,
                     chained.g32[i], ref.g32[i]);
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        cr_assert_eq(unchained.g64[i], ref.g64[i], "q%d unchained", i);
        cr_assert_eq(chained.g64[i], ref.g64[i], "q%d chained", i);
    }

    /* The same call with another one in the body: callee-saved registers only. */
    harness_select(&tcg_backend_x86_64);
    harness_begin();
    body_trap_returns(true);
    cr_assert_not_null(harness_gen(HARNESS_FULL));
    cr_assert(tcg_ctx->loop_has_call, "a call in the body not counted");
}

/* ------------------------------------------------------------------------- */
/* Writes only the exits need, sunk into them (tcg_loop_sink_writes)         */

/*
 * A loop inside the TB (a backward branch, as a region makes it) shaped like i386's
 * "cmp; jne back": each iteration ends by setting w5 (a flag operand: a copy of
 * the counter) and w6 (a constant), which the next iteration overwrites before
 * reading; only the exits read them. The branch reads w5 itself. A helper (no
 * globals) requests an exit at its fifth call, seen by the check before the back
 * edge. Labels: *out the loop's end, *req that check's exit.
 */
static void body_region_flags(TCGLabel **out_l, TCGLabel **req_l, TCGLabel **top_l)
{
    TCGLabel *exit_req = gen_head_check();
    TCGLabel *top = gen_new_label(), *out = gen_new_label(), *req = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();

    gen_set_label(top);
    tcg_gen_call1(&info_request_exit, NULL, tcgv_ptr_temp(tcg_env));
    tcg_gen_add_i32(W(6), W(2), W(1));
    tcg_gen_muli_i32(W(2), W(2), 3);
    tcg_gen_add_i32(W(2), W(2), W(6));
    tcg_gen_andi_i32(W(5), W(2), 1);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_gen_mov_i32(W(5), W(0));
    tcg_gen_movi_i32(W(6), 0x77);
    tcg_gen_brcondi_i32(TCG_COND_EQ, W(5), 0, out);
    tcg_gen_ld_i32(t, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, req);
    tcg_gen_br(top);
    gen_set_label(out);
    gen_jump(1, 0x100);
    gen_set_label(req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
    gen_set_label(exit_req);
    tcg_gen_exit_tb(&harness_tb, TB_EXIT_REQUESTED);
    tcg_temp_free_i32(t);
    if (out_l) {
        *out_l = out;
        *req_l = req;
        *top_l = top;
    }
}

static bool op_writes(const TCGOp *op, TCGv_i32 g)
{
    return op->opc != INDEX_op_call && op->opc != INDEX_op_discard &&
           tcg_op_defs[op->opc].nb_oargs == 1 && arg_temp(op->args[0]) == tcgv_i32_temp(g);
}

static const TCGOp *find_label(TCGLabel *l)
{
    for (const TCGOp *op = tcg_ctx->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_set_label && arg_label(op->args[0]) == l) {
            return op;
        }
    }
    cr_assert_fail("label not placed");
    return NULL;
}

/* Do the two ops after label l write w5 = w0 and w6 = 0x77 (in either order)? */
static bool has_exit_copies(TCGLabel *l)
{
    const TCGOp *op = find_label(l);
    bool w5 = false, w6 = false;

    for (int i = 0; i < 2 && (op = op->next); i++) {
        if (op->opc == INDEX_op_mov_i32 && op_writes(op, W(5)) &&
            arg_temp(op->args[1]) == tcgv_i32_temp(W(0))) {
            w5 = true;
        }
        if (op->opc == INDEX_op_mov_i32 && op_writes(op, W(6)) &&
            arg_temp(op->args[1])->kind == TEMP_CONST &&
            arg_temp(op->args[1])->val == 0x77) {
            w6 = true;
        }
    }
    return w5 && w6;
}

Test(tcg_loop, writes_only_exits_need_move_into_them)
{
    TCGLabel *out, *req, *top;

    harness_begin();
    body_region_flags(&out, &req, &top);
    tcg_optimize(tcg_ctx);
    tcg_loop_sink_writes(tcg_ctx);

    /* The loop body (top to the back edge) no longer writes w5, nor w6 after
     * its first write; the loop-end branch compares the counter itself. */
    const TCGOp *op = find_label(top)->next;
    int w6_writes = 0;
    bool branch_seen = false;
    for (; op->opc != INDEX_op_br; op = op->next) {
        cr_assert(!op_writes(op, W(5)), "w5 still written in the loop (%s)",
                  tcg_op_defs[op->opc].name);
        w6_writes += op_writes(op, W(6));
        if (op->opc == INDEX_op_brcond_i32 && arg_label(op->args[3]) == out) {
            cr_assert_eq(arg_temp(op->args[0]), tcgv_i32_temp(W(0)));
            branch_seen = true;
        }
    }
    cr_assert(branch_seen);
    cr_assert_eq(w6_writes, 1, "w6 written %d times in the loop", w6_writes);
    /* Both exits that need them write them first. */
    cr_assert(has_exit_copies(out));
    cr_assert(has_exit_copies(req));
}

/* Needed on the path that stays in the loop (a helper reading globals comes
 * before the next write): nothing moves. */
Test(tcg_loop, writes_the_loop_needs_stay)
{
    harness_begin();
    TCGLabel *out = gen_new_label(), *top = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32();
    gen_set_label(top);
    tcg_gen_call1(&harness_info_read_g32_0, tcgv_i32_temp(t), tcgv_ptr_temp(tcg_env));
    tcg_gen_add_i32(W(1), W(1), t);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_gen_mov_i32(W(5), W(0));
    tcg_gen_brcondi_i32(TCG_COND_EQ, W(5), 0, out);
    tcg_gen_br(top);
    gen_set_label(out);
    gen_jump(1, 0x100);
    tcg_optimize(tcg_ctx);
    int before = harness_nb_ops();
    tcg_loop_sink_writes(tcg_ctx);
    cr_assert_eq(harness_nb_ops(), before);
    bool found = false;
    for (const TCGOp *op = find_label(top); op->opc != INDEX_op_br; op = op->next) {
        found |= op_writes(op, W(5));
    }
    cr_assert(found, "w5's write left the loop");
}

/* C model of body_region_flags from init_env's state; calls: the helper's count
 * before the TB runs. Returns the exit the TB takes. */
static uintptr_t model_region_flags(uint32_t *g, uint64_t calls)
{
    for (;;) {
        bool req = ++calls == 5;
        g[6] = g[2] + g[1];
        g[2] = g[2] * 3 + g[6];
        g[0]--;
        g[5] = g[0];
        g[6] = 0x77;
        if (g[5] == 0) {
            g[7] = 0x100;
            return (uintptr_t)&harness_tb | 1;
        }
        if (req) {
            return (uintptr_t)&harness_tb | TB_EXIT_REQUESTED;
        }
    }
}

/* Both backends, leaving by the exit-request stub (fifth iteration) and by the
 * loop's end, agree with the model: the sunk writes are done on both exits. */
Test(tcg_loop, sunk_writes_reach_env_on_every_exit)
{
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        for (int leave_early = 0; leave_early < 2; leave_early++) {
            uint32_t want[HARNESS_NG32];
            harness_select(*b);
            harness_begin();
            body_region_flags(NULL, NULL, NULL);
            const void *code = harness_gen(HARNESS_FULL);
            cr_assert_not_null(code);
            init_env();
            E->helper_calls = leave_early ? 0 : 100;
            memcpy(want, E->g32, sizeof(want));
            uintptr_t want_ret = model_region_flags(want, E->helper_calls);
            uintptr_t r = harness_exec(code);
            cr_assert_eq(r, want_ret, "%s: left through %#lx", (*b)->name,
                         (unsigned long)r);
            for (int i = 0; i < HARNESS_NG32; i++) {
                cr_assert_eq(E->g32[i], want[i], "%s, early %d: w%d = %#x, want %#x",
                             (*b)->name, leave_early, i, E->g32[i], want[i]);
            }
        }
    }
}

/* ------------------------------------------------------------------------- */
/* x86-64 code quality around the branches of a loop                         */

static bool code_has(const uint8_t *code, size_t size, const uint8_t *pat, size_t n,
                     const uint8_t *mask)
{
    for (size_t i = 0; i + n <= size; i++) {
        size_t k = 0;
        while (k < n && (code[i + k] & mask[k]) == pat[k]) {
            k++;
        }
        if (k == n) {
            return true;
        }
    }
    return false;
}

/*
 * The exit-request check before a back edge branches back on the inverted
 * condition ("cmp [env + exit_request_tb], 0; je top; jmp exit"): the loop's
 * path has no jump that is not taken and then one that is.
 */
Test(tcg_loop, exit_check_before_back_edge_branches_back)
{
    size_t off = offsetof(CPUState, exit_request_tb);

    cr_assert_lt(off, 128, "the pattern below assumes a disp8");
    harness_select(&tcg_backend_x86_64);
    harness_begin();
    body_region_flags(NULL, NULL, NULL);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    /* cmp dword [rbp + off], 0; je rel32 or rel8 (the loop's top is behind) */
    const uint8_t pat[] = { 0x83, 0x7d, (uint8_t)off, 0x00, 0x0f, 0x84 };
    const uint8_t pat8[] = { 0x83, 0x7d, (uint8_t)off, 0x00, 0x74 };
    const uint8_t mask[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    cr_assert(code_has(code, harness_tb.tc.size, pat, sizeof(pat), mask) ||
              code_has(code, harness_tb.tc.size, pat8, sizeof(pat8), mask));
}

/*
 * "and t, w1, 1; brcond t, 0, ne" branches on the and's flags, without a test;
 * and a value the taken side does not read (it raises) is not saved to the
 * frame at the branch, though the fall-through uses it.
 */
Test(tcg_loop, branch_uses_alu_flags_and_saves_no_dead_temp)
{
    harness_select(&tcg_backend_x86_64);
    harness_begin();
    TCGLabel *odd = gen_new_label(), *zero = gen_new_label();
    TCGv_i32 t = tcg_temp_new_i32(), d = tcg_temp_new_i32();
    tcg_gen_andi_i32(t, W(1), 1);
    tcg_gen_brcondi_i32(TCG_COND_NE, t, 0, odd);
    tcg_gen_addi_i32(d, W(2), 5);
    tcg_gen_brcondi_i32(TCG_COND_EQ, d, 0, zero);
    tcg_gen_divu_i32(W(3), W(3), d);
    gen_jump(0, 0x40);
    gen_set_label(odd);
    gen_jump(1, 0x80);
    gen_set_label(zero);
    tcg_gen_movi_i32(W(4), 0xdead);
    tcg_gen_exit_tb(&harness_tb, 2);
    tcg_temp_free_i32(t);
    tcg_temp_free_i32(d);
    const uint8_t *code = harness_gen(HARNESS_FULL);
    cr_assert_not_null(code);
    cr_assert_eq(tcg_ctx->frame_next, 0, "d was saved to the frame");
    /* and r32, 1 (83 /4 01, any register), then jne rel32 at once */
    const uint8_t pat[] = { 0x83, 0xe0, 0x01, 0x0f, 0x85 };
    const uint8_t mask[] = { 0xff, 0xf8, 0xff, 0xff, 0xff };
    cr_assert(code_has(code, harness_tb.tc.size, pat, sizeof(pat), mask));

    /* And it still computes the right thing on both sides. */
    harness_clear_env();
    E->g32[1] = 6;
    E->g32[2] = 2;
    E->g32[3] = 700;
    cr_assert_eq(harness_exec(code), (uintptr_t)&harness_tb | 0);
    cr_assert_eq(E->g32[3], 100);
    E->g32[1] = 7;
    cr_assert_eq(harness_exec(code), (uintptr_t)&harness_tb | 1);
    cr_assert_eq(E->g32[3], 100);
}

/*
 * Ranking: a global written only in blocks that leave the TB (an exit stores a
 * pinned global too) gains nothing from a register, and a load counts more than
 * a store; so w3, read once per iteration, comes before w4, written on two ways
 * out, and w1 (carried) comes first.
 */
Test(tcg_loop, exit_blocks_do_not_rank_and_loads_count_more)
{
    TranslationBlock tb = { .pc = 0 };

    harness_begin();
    TCGLabel *top = gen_new_label(), *skip1 = gen_new_label(), *skip2 = gen_new_label();
    gen_set_label(top);
    tcg_gen_add_i32(W(1), W(1), W(3));
    tcg_gen_brcondi_i32(TCG_COND_NE, W(1), 5, skip1);
    tcg_gen_movi_i32(W(4), 1);
    gen_jump(1, 0x100);
    gen_set_label(skip1);
    tcg_gen_brcondi_i32(TCG_COND_NE, W(1), 9, skip2);
    tcg_gen_movi_i32(W(4), 2);
    tcg_gen_exit_tb(&harness_tb, 0);
    gen_set_label(skip2);
    tcg_gen_br(top);
    tcg_optimize(tcg_ctx);
    tcg_liveness(tcg_ctx);
    tcg_loop_analyze(tcg_ctx, &tb);
    cr_assert(tcg_ctx->loop_internal);
    cr_assert_geq(tcg_ctx->nb_loop_globals, 2);
    cr_assert_eq(tcg_ctx->loop_globals[0], tcgv_i32_temp(W(1)));
    cr_assert_eq(tcg_ctx->loop_globals[1], tcgv_i32_temp(W(3)));
}

/* The walk that decides whether a path still needs a write follows a jump back to
 * a label that is the TB's first op (MIPS regions start with one): it must land on
 * that label, not step off the start of the list. */
static void gen_first_op_loop(TCGLabel **top, TCGLabel **out)
{
    TCGLabel *back = gen_new_label();

    *top = gen_new_label();
    *out = gen_new_label();
    gen_set_label(*top);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_gen_mov_i32(W(5), W(0));
    tcg_gen_brcondi_i32(TCG_COND_EQ, W(5), 0, *out);
    tcg_gen_brcondi_i32(TCG_COND_EQ, W(0), 3, back);
    tcg_gen_andi_i32(W(5), W(2), 1);
    tcg_gen_br(*top);
    gen_set_label(back);
    tcg_gen_br(*top);
    gen_set_label(*out);
    gen_jump(1, 0x100);
}

Test(tcg_loop, sinking_follows_a_jump_to_the_first_op)
{
    TCGLabel *top, *out;

    harness_begin();
    gen_first_op_loop(&top, &out);
    tcg_optimize(tcg_ctx);
    tcg_loop_sink_writes(tcg_ctx);
    /* Dead on both ways round the loop: only the exit writes it now. */
    cr_assert(!op_writes(find_label(top)->next->next, W(5)));
    const TCGOp *op = find_label(out)->next;
    cr_assert(op->opc == INDEX_op_mov_i32 && op_writes(op, W(5)));

    /* And the whole loop runs right: 40 - 1 - 1 ... until w0 is 0. */
    for (const TCGBackend *const *b = harness_backends(); *b; b++) {
        harness_select(*b);
        harness_begin();
        gen_first_op_loop(&top, &out);
        const void *code = harness_gen(HARNESS_FULL);
        cr_assert_not_null(code);
        init_env();
        E->g32[5] = 0x55;
        cr_assert_eq(harness_exec(code), (uintptr_t)&harness_tb | 1);
        cr_assert_eq(E->g32[0], 0);
        cr_assert_eq(E->g32[5], 0, "%s: w5 = %#x", (*b)->name, E->g32[5]);
    }
}

/*
 * Loop-invariant guest accesses (tcg_loop_analyze's loop_hoists): a plain access
 * in the body at base + disp, base a 32-bit global nothing in the TB writes.
 * Variant k spoils it one way: 1 the body writes the base, 2 code past the body
 * writes it and then goes round the loop again (the self edge), 3 the TB reads
 * its env bytes, 4 a helper that returns is called in the body, 5 the mode has a
 * direct window, 6 the address is no add of a constant, 7 the address temp lives
 * on past the access. Variant 8 writes the base past the body only on the way
 * out (an epilogue): still invariant in the loop.
 */
static void gen_hoist_case(int k)
{
    TCGLabel *again = gen_new_label();
    TCGv_i32 a = tcg_temp_new_i32(), t = tcg_temp_new_i32();

    if (k == 1) {
        tcg_gen_addi_i32(W(3), W(3), 4);
    }
    if (k == 3) {
        tcg_gen_ld_i32(t, tcg_env, offsetof(HarnessEnv, g32[3]));
        tcg_gen_add_i32(W(4), W(4), t);
    }
    if (k == 4) {
        tcg_gen_call1(&harness_info_bump, NULL, tcgv_ptr_temp(tcg_env));
    }
    if (k == 6) {
        tcg_gen_add_i32(a, W(3), W(2));
    } else {
        tcg_gen_addi_i32(a, W(3), 8);
    }
    tcg_gen_qemu_st_i32(W(1), a, 1, MO_LEUL);
    if (k == 7) {
        tcg_gen_add_i32(W(5), W(5), a);
    }
    tcg_gen_subi_i32(W(0), W(0), 1);
    if (k == 2) {
        /* The code past the body writes the base and falls into the self
         * edge's label. */
        tcg_gen_brcondi_i32(TCG_COND_NE, W(0), 0, again);
        tcg_gen_movi_i32(W(3), 0);
        gen_set_label(again);
        gen_jump(0, 0);
    } else {
        tcg_gen_brcondi_i32(TCG_COND_NE, W(0), 0, again);
        if (k == 8) {
            tcg_gen_movi_i32(W(3), 0);      /* an epilogue, then the exit */
        }
        gen_jump(1, 0x100);
        gen_set_label(again);
        gen_jump(0, 0);
    }
    tcg_temp_free_i32(a);
    tcg_temp_free_i32(t);
}

/* A store at an invariant address (w3 + 8, guest page 0) and a load at another (w4). */
static void body_hoist_store(void)
{
    TCGLabel *exit_req = gen_head_check();
    TCGv_i32 a = tcg_temp_new_i32(), v = tcg_temp_new_i32();

    tcg_gen_addi_i32(a, W(3), 8);
    tcg_gen_qemu_st_i32(W(1), a, 1, MO_LEUL);
    tcg_gen_qemu_ld_i32(v, W(4), 1, MO_LEUL);
    tcg_gen_add_i32(W(2), W(2), v);
    tcg_gen_muli_i32(W(1), W(1), 5);
    tcg_gen_subi_i32(W(0), W(0), 1);
    tcg_temp_free_i32(a);
    tcg_temp_free_i32(v);
    gen_loop_end(W(0), exit_req);
}

Test(tcg_loop, invariant_accesses)
{
    TranslationBlock tb = { .pc = 0 };

    for (int k = 0; k <= 8; k++) {
        harness_begin();
        gen_hoist_case(k);
        tcg_ctx->ldst_window_mmu_mask = k == 5 ? 1u << 1 : 0;
        tcg_liveness(tcg_ctx);
        tcg_loop_analyze(tcg_ctx, &tb);
        tcg_ctx->ldst_window_mmu_mask = 0;
        cr_assert_eq(tcg_ctx->loop_slots, 1);
        if (k && k < 8) {
            cr_assert_eq(tcg_ctx->nb_loop_hoists, 0, "case %d", k);
            continue;
        }
        cr_assert_eq(tcg_ctx->nb_loop_hoists, 1);
        cr_assert_eq(tcg_ctx->loop_hoists[0].base, tcgv_i32_temp(W(3)));
        cr_assert_eq(tcg_ctx->loop_hoists[0].disp, 8);
        cr_assert_eq(tcg_ctx->loop_hoists[0].op->opc, INDEX_op_qemu_st_i32);
    }
    /* And it runs as the interpreter does, chained or not. */
    check_three_ways(body_hoist_store, true);
}
