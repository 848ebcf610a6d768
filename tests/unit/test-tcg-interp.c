/*
 * The IR interpreter backend's own properties (tcg/interp/): buffer overflow is
 * refused, goto_tb slots are aligned for atomic patching (and placed at the start of
 * TBs too long for 16-bit offsets), the
 * epilogue returns 0, constants are pooled once per TB, and the listing decodes.
 * Op semantics are covered by test-tcg-ops.c and test-tcg-diff.c.
 */
#include <criterion/criterion.h>
#include "tcg-harness.h"

static void interp_setup(void)
{
    harness_init();
    harness_select(&tcg_backend_interp);
}

TestSuite(tcg_interp, .init = interp_setup);

static void small_tb(void)
{
    harness_begin();
    tcg_gen_insn_start(0x40, 0);
    tcg_gen_addi_i32(harness_g32[0], harness_g32[1], 0x12345);
    tcg_gen_addi_i32(harness_g32[2], harness_g32[3], 0x12345);
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(NULL, 0);
}

Test(tcg_interp, overflow_is_refused)
{
    static uint8_t buf[4096] __attribute__((aligned(16)));
    TranslationBlock tb = { 0 };

    small_tb();
    int full = tcg_gen_code(tcg_ctx, &tb, buf, sizeof(buf));
    cr_assert_gt(full, 0);
    for (size_t size = 0; size < (size_t)full; size += 4) {
        small_tb();
        cr_assert_eq(tcg_gen_code(tcg_ctx, &tb, buf, size), -1, "size %zu of %d", size, full);
    }
}

Test(tcg_interp, slot_alignment_and_pool)
{
    static uint8_t buf[4096] __attribute__((aligned(16)));
    TranslationBlock tb = { 0 };

    for (int skew = 0; skew < 16; skew += 4) {
        small_tb();
        int n = tcg_gen_code(tcg_ctx, &tb, buf + skew, sizeof(buf) - 16);
        cr_assert_gt(n, 0);
        uintptr_t slot = (uintptr_t)buf + skew + tcg_ctx->goto_tb_insn_off[0];
        cr_assert_eq(slot & 7, 0, "goto_tb slot not 8-byte aligned (skew %d)", skew);
        cr_assert_eq(tcg_ctx->goto_tb_reset_off[0], tcg_ctx->goto_tb_insn_off[0] + 8);
        /* One pool entry for the constant used twice: 0x12345 appears once. */
        int seen = 0;
        for (int off = 0; off + 8 <= n; off += 4) {
            uint64_t v;
            memcpy(&v, buf + skew + off, 8);
            seen += v == 0x12345;
        }
        cr_assert_eq(seen, 1, "constant pooled %d times", seen);
    }
}

Test(tcg_interp, epilogue_returns_zero)
{
    cr_assert_not_null(tcg_code_gen_epilogue);
    cr_assert_eq(tcg_backend_interp.exec(harness_env, tcg_code_gen_epilogue), 0);
}

/* Past 64 KiB of bytecode the goto_tb slots move to the TB's start; chaining and
 * unchaining work the same through the recorded offsets. */
Test(tcg_interp, long_tb_chains)
{
    static TranslationBlock self __attribute__((aligned(64)));

    harness_reset_code();
    harness_clear_env();
    harness_begin();
    tcg_gen_movi_i32(harness_g32[1], 5);
    tcg_gen_exit_tb(NULL, 0);
    const void *next = harness_gen(HARNESS_NO_OPT);

    harness_begin();
    for (int i = 0; i < 5000; i++) {
        tcg_gen_add_i32(harness_g32[0], harness_g32[0], tcg_constant_i32((i & 7) + 1));
    }
    tcg_gen_goto_tb(0);
    tcg_gen_exit_tb(&self, 0);
    const uint8_t *code = harness_gen(HARNESS_NO_OPT);
    cr_assert_not_null(code);
    cr_assert_gt(harness_tb.tc.size, 0xffff);
    uint16_t jmp = tcg_ctx->goto_tb_insn_off[0], reset = tcg_ctx->goto_tb_reset_off[0];
    cr_assert_lt(jmp, 64, "slot not at the start");
    cr_assert_eq(((uintptr_t)code + jmp) & 7, 0);

    cr_assert_eq(harness_exec(code), (uintptr_t)&self);
    cr_assert_eq(harness_env->g32[0], 5000u / 8 * 36);
    cr_assert_eq(harness_env->g32[1], 0u);

    tcg_backend_interp.patch_jump((uintptr_t)code + jmp, (uintptr_t)code + jmp,
                                  (uintptr_t)next);
    cr_assert_eq(harness_exec(code), 0);
    cr_assert_eq(harness_env->g32[1], 5u, "chained TB did not run");

    tcg_backend_interp.patch_jump((uintptr_t)code + jmp, (uintptr_t)code + jmp,
                                  (uintptr_t)code + reset);
    harness_env->g32[1] = 0;
    cr_assert_eq(harness_exec(code), (uintptr_t)&self);
    cr_assert_eq(harness_env->g32[1], 0u, "still chained after reset");
}

Test(tcg_interp, listing)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    small_tb();
    const void *code = harness_gen(HARNESS_FULL);
    tcg_backend_interp.disas(f, code, harness_tb.tc.size);
    fclose(f);
    cr_assert(strstr(text, "add_i32 env[0x") != NULL, "%s", text);
    cr_assert(strstr(text, "$0x12345") != NULL, "%s", text);
    cr_assert(strstr(text, "goto_tb 0") != NULL, "%s", text);
    cr_assert(strstr(text, "constant pool") != NULL, "%s", text);
    free(text);
}
