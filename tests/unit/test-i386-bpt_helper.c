/*
 * target-i386/bpt_helper.c: execute-breakpoint matching, data-breakpoint matching
 * (R/W kinds, LEN ranges aligned down, enables), DR6/DR7 write masks and the hflags
 * bits that make the translator watch (HF_DBG, HF_RF). The #DB deliveries themselves
 * are checked by tests/guest/i386/test-debug.c.
 */
#include <criterion/criterion.h>
#include "../../target-i386/internal.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

static CPUX86State *env;

static void setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };

    cr_assert(tcg_exec_init(&cfg, &err));
    env = x86_env(cpu_create(cpu_class_by_name("i386", NULL), &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
}

/* DR7 for breakpoint n, local enable, with R/W and LEN fields. */
static uint32_t dr7_bp(int n, uint32_t rw, uint32_t len)
{
    return (1u << (2 * n)) | (rw << (16 + 4 * n)) | (len << (18 + 4 * n));
}

Test(i386_bpt, dr_write_masks_and_hflags, .init = setup)
{
    helper_x86_write_dr(env, 6, 0);
    cr_assert_eq(env->dr[6], 0xffff0ff0u);
    /* Only B0-B3, BD, BS, BT are writable; the rest reads as fixed. */
    helper_x86_write_dr(env, 6, 0xffffffffu);
    cr_assert_eq(env->dr[6], 0xffffeff0u | 0xf);
    helper_x86_write_dr(env, 7, 0);
    cr_assert_eq(env->dr[7], 0x400);
    cr_assert_not(env->hflags & HF_DBG_MASK);
    helper_x86_write_dr(env, 7, dr7_bp(2, 1, 3));
    cr_assert(env->hflags & HF_DBG_MASK);
    /* RF matters to the translator only with breakpoints on. */
    x86_cpu_set_eflags(env, RF_MASK | 2);
    cr_assert(env->hflags & HF_RF_MASK);
    helper_x86_write_dr(env, 7, 0);
    cr_assert_not(env->hflags & (HF_DBG_MASK | HF_RF_MASK));
}

Test(i386_bpt, insn_breakpoints, .init = setup)
{
    env->dr[0] = 0x1000;
    env->dr[1] = 0x1000;
    env->dr[2] = 0x2000;
    env->dr[3] = 0x1000;
    /* DR0 execute (enabled), DR1 write (not execute), DR3 execute but disabled. */
    env->dr[7] = dr7_bp(0, 0, 0) | dr7_bp(1, 1, 0) | (0u << 6);
    cr_assert_eq(x86_insn_breakpoint_hits(env, 0x1000), 1);
    cr_assert_eq(x86_insn_breakpoint_hits(env, 0x1001), 0);
    env->dr[7] |= 2u << 6;      /* G3 */
    cr_assert_eq(x86_insn_breakpoint_hits(env, 0x1000), 9);
    cr_assert_eq(x86_insn_breakpoint_hits(env, 0x2000), 0, "DR2 not enabled");
}

Test(i386_bpt, data_breakpoints, .init = setup)
{
    env->dr[0] = 0x1003;        /* LEN 4: aligned down to 0x1000..0x1003 */
    env->dr[1] = 0x2001;        /* LEN 1, read/write */
    env->dr[7] = dr7_bp(0, 1, 3) | dr7_bp(1, 3, 0);
    env->dbg_hits = 0;
    helper_x86_dbg_access(env, 0x1000, 4);
    cr_assert_eq(env->dbg_hits, 0, "a read does not hit a write breakpoint");
    helper_x86_dbg_access(env, 0x1000, 4 | X86_SEGCHK_WRITE);
    cr_assert_eq(env->dbg_hits, 1);
    env->dbg_hits = 0;
    helper_x86_dbg_access(env, 0xffe, 2 | X86_SEGCHK_WRITE);
    cr_assert_eq(env->dbg_hits, 0, "ends just below");
    helper_x86_dbg_access(env, 0xfff, 2 | X86_SEGCHK_WRITE);
    cr_assert_eq(env->dbg_hits, 1, "last byte overlaps");
    env->dbg_hits = 0;
    helper_x86_dbg_access(env, 0x1004, 4 | X86_SEGCHK_WRITE);
    cr_assert_eq(env->dbg_hits, 0, "starts just above");
    helper_x86_dbg_access(env, 0x2000, 4);
    cr_assert_eq(env->dbg_hits, 2, "a dword read covering the RW byte");
    env->dbg_hits = 0;
    helper_x86_dbg_access(env, 0x2002, 1);
    cr_assert_eq(env->dbg_hits, 0);
    /* Disabled: no hit whatever the fields say. */
    env->dr[7] = dr7_bp(1, 3, 0) & ~(3u << 2);
    helper_x86_dbg_access(env, 0x2001, 1);
    cr_assert_eq(env->dbg_hits, 0);
    /* No #DB at the end of an insn without hits or TF. */
    helper_x86_debug_insn_end(env, 0);
    cr_assert_eq(env->dr[6] & 0xf, 0);
}
