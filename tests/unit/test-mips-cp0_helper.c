/*
 * target-mips/cp0_helper.c: CP0 write masks and side effects, PageMask sanitising,
 * the Release 1 model's missing registers, Count/Compare, and the CPU's vmstate
 * round trip.
 */
#include <criterion/criterion.h>
#include "../../target-mips/cpu.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "mips-test-cpu.h"

Test(mips_cp0, pagemask_sanitize)
{
    cr_assert_eq(mips_pagemask_sanitize(0), 0);
    cr_assert_eq(mips_pagemask_sanitize(0x00006000u), 0x00006000u);
    cr_assert_eq(mips_pagemask_sanitize(0x1fffe000u), 0x1fffe000u);
    cr_assert_eq(mips_pagemask_sanitize(0x001fe000u), 0x001fe000u);
    /* Illegal patterns round up to the legal mask covering their top bit. */
    cr_assert_eq(mips_pagemask_sanitize(0x00002000u), 0x00006000u);
    cr_assert_eq(mips_pagemask_sanitize(0x00010000u), 0x0001e000u);
}

Test(mips_cp0, reset_state)
{
    CPUMIPSState *env = mips_test_cpu("24Kc");

    cr_assert_eq(env->pc, 0xbfc00000u);
    cr_assert(env->CP0_Status & ST_ERL);
    cr_assert(env->CP0_Status & ST_BEV);
    cr_assert_eq(env->CP0_Random, 15);
    cr_assert_eq(env->CP0_Wired, 0);
    cr_assert_eq(env->CP0_PRId, 0x00019300u);
    cr_assert_eq((env->CP0_Config0 >> 10) & 7, 1, "AR = Release 2");
    cr_assert_eq((env->CP0_Config1 >> 25) & 63, 15, "16 TLB entries");
    cr_assert_eq(env->CP0_Config1 & 1, 0, "no FPU");
    cr_assert_eq(env->hflags & MIPS_HFLAG_MMU, MIPS_MMU_IDX_ERL);
    cr_assert(env->hflags & MIPS_HFLAG_R2);
}

Test(mips_cp0, status_and_cause_masks)
{
    CPUMIPSState *env = mips_test_cpu("24Kc");

    mips_cp0_write(env, 12, 0, 0xffffffffu);
    cr_assert_not(env->CP0_Status & ST_CU1, "no FPU: CU1 reads 0");
    cr_assert_not(env->CP0_Status & ST_RE);
    cr_assert(env->CP0_Status & ST_CU0);
    cr_assert_eq(env->CP0_Status & ST_IM, ST_IM);
    mips_cp0_write(env, 12, 0, ST_UM);
    cr_assert_eq(env->hflags & MIPS_HFLAG_MMU, MIPS_MMU_IDX_USER);
    cr_assert_not(env->hflags & MIPS_HFLAG_CP0);
    mips_cp0_write(env, 12, 0, ST_UM | ST_CU0);
    cr_assert(env->hflags & MIPS_HFLAG_CP0, "CU0 gives user mode CP0 access");

    mips_cp0_write(env, 13, 0, 0xffffffffu);
    cr_assert_eq(env->CP0_Cause & (CAUSE_IP | CAUSE_EXC | CAUSE_BD | CAUSE_TI | CAUSE_CE),
                 3u << CAUSE_IP_SHIFT, "only IP1:0 of those are writable");
    cr_assert(env->CP0_Cause & CAUSE_IV);
    cr_assert(env->CP0_Cause & CAUSE_DC);
    mips_cp0_write(env, 13, 0, 0);
    cr_assert_eq(env->CP0_Cause, 0);
}

Test(mips_cp0, tlb_register_masks)
{
    CPUMIPSState *env = mips_test_cpu("24Kc");

    mips_cp0_write(env, 10, 0, 0xffffffffu);
    cr_assert_eq(mips_cp0_read(env, 10, 0), 0xffffe0ffu);
    mips_cp0_write(env, 2, 0, 0xffffffffu);
    cr_assert_eq(mips_cp0_read(env, 2, 0), 0x03ffffffu);
    mips_cp0_write(env, 0, 0, 0xffffffffu);
    cr_assert_eq(mips_cp0_read(env, 0, 0), 15, "Index.P is read-only");
    mips_cp0_write(env, 4, 0, 0xffffffffu);
    cr_assert_eq(mips_cp0_read(env, 4, 0), 0xff800000u, "BadVPN2 is read-only");
    mips_cp0_write(env, 6, 0, 5);
    cr_assert_eq(mips_cp0_read(env, 6, 0), 5);
    cr_assert_eq(mips_cp0_read(env, 1, 0), 15, "writing Wired resets Random");
    mips_cp0_write(env, 1, 0, 3);
    /* Read-only, and it counts down from 15 to Wired, then wraps. */
    for (int i = 0; i < 24; i++) {
        uint32_t expect = (i % 11 == 10) ? 15 : 14 - (uint32_t)(i % 11);

        cr_assert_eq(mips_cp0_read(env, 1, 0), expect, "read %d", i);
    }
    mips_cp0_write(env, 15, 1, 0xffffffffu);
    cr_assert_eq(mips_cp0_read(env, 15, 1) & 0xc00003ffu, 0x80000000u,
                 "EBase bits 31:30 and CPUNum are read-only");
    mips_cp0_write(env, 8, 0, 0x1234);
    cr_assert_eq(mips_cp0_read(env, 8, 0), 0, "BadVAddr is read-only");
    mips_cp0_write(env, 15, 0, 0);
    cr_assert_eq(mips_cp0_read(env, 15, 0), 0x00019300u, "PRId is read-only");
}

Test(mips_cp0, release1_model)
{
    CPUMIPSState *env = mips_test_cpu("4Kc");

    cr_assert_not(env->hflags & MIPS_HFLAG_R2);
    cr_assert_eq((env->CP0_Config0 >> 10) & 7, 0, "AR = Release 1");
    cr_assert_eq(mips_cp0_write_mask(env->model, 7, 0), 0, "no HWREna");
    cr_assert_eq(mips_cp0_write_mask(env->model, 15, 1), 0, "no EBase");
    cr_assert_eq(mips_cp0_read(env, 15, 1), 0);
    cr_assert_not(env->CP0_Config1 & (1u << 31), "no Config2");
}

Test(mips_cp0, compare_clears_timer_interrupt)
{
    CPUMIPSState *env = mips_test_cpu("24Kc");

    mips_cpu_set_ti(env, true);
    cr_assert(env->CP0_Cause & CAUSE_TI);
    cr_assert(env->CP0_Cause & CAUSE_IP7);
    mips_cp0_write(env, 11, 0, 0x1000);
    cr_assert_not(env->CP0_Cause & CAUSE_TI);
    cr_assert_not(env->CP0_Cause & CAUSE_IP7);
    cr_assert_eq(mips_cp0_read(env, 11, 0), 0x1000);
    cr_assert(timer_pending(env->timer), "Compare arms the timer");
    /* Cause.DC freezes Count and stops the timer. */
    mips_cp0_write(env, 9, 0, 0x500);
    mips_cp0_write(env, 13, 0, CAUSE_DC);
    cr_assert_eq(mips_cp0_read(env, 9, 0), mips_cp0_read(env, 9, 0));
    cr_assert_not(timer_pending(env->timer));
    mips_cp0_write(env, 13, 0, 0);
    cr_assert(timer_pending(env->timer));
}

Test(mips_cpu_vmstate, round_trip)
{
    CPUMIPSState *env = mips_test_cpu("24Kc");
    CPUMIPSState saved;
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    size_t used = 0;

    for (int i = 1; i < 32; i++) {
        env->gpr[i] = 0x1000u * i + 7;
    }
    env->pc = 0x80123450u;
    env->hi = 0xdeadbeefu;
    env->lo = 0xfeedfaceu;
    env->CP0_Status = ST_IE | ST_IM | ST_EXL;
    env->CP0_EPC = 0x80001234u;
    env->CP0_EntryHi = 0x00400000u | 0x12;
    env->CP0_Compare = 0x12345678u;
    env->llbit = 1;
    env->lladdr = 0x80004000u;
    env->tlb[3].vpn2 = 0x00400000u;
    env->tlb[3].asid = 0x12;
    env->tlb[3].lo[1] = 0x00001236u;
    env->tlb[15].pagemask = 0x1fffe000u;
    mips_cpu_compute_hflags(env);
    saved = *env;

    vmstate_save(&vmstate_mips_cpu, env, buf);
    cpu_reset(&env->cs);
    cr_assert_neq(env->pc, saved.pc);
    cr_assert_eq(vmstate_load(&vmstate_mips_cpu, env, buf->data, buf->len, &used, &err), 0,
                 "load: %s", err ? err->message : "");
    cr_assert_eq(used, buf->len);
    cr_assert_eq(memcmp(env->gpr, saved.gpr, sizeof(saved.gpr)), 0);
    cr_assert_eq(env->pc, saved.pc);
    cr_assert_eq(env->hi, saved.hi);
    cr_assert_eq(env->lo, saved.lo);
    cr_assert_eq(env->CP0_Status, saved.CP0_Status);
    cr_assert_eq(env->CP0_EPC, saved.CP0_EPC);
    cr_assert_eq(env->CP0_EntryHi, saved.CP0_EntryHi);
    cr_assert_eq(env->CP0_Compare, saved.CP0_Compare);
    cr_assert_eq(env->llbit, 1);
    cr_assert_eq(env->lladdr, saved.lladdr);
    cr_assert_eq(memcmp(env->tlb, saved.tlb, sizeof(saved.tlb)), 0);
    cr_assert_eq(env->hflags, saved.hflags);
    {
        /* The loaded TLB translates: its search keys were rebuilt by the load. */
        hwaddr pa;
        int prot;
        uint32_t sz;

        cr_assert_eq(mips_get_physical_address(env, 0x00401abcu, MMU_DATA_LOAD,
                                               MIPS_MMU_IDX_KERNEL, &pa, &prot, &sz),
                     MIPS_TLBRET_MATCH);
        cr_assert_eq(pa, 0x48abc);
    }
    g_byte_array_free(buf, TRUE);
}

/*
 * A snapshot taken after Count reached Compare but before the main loop ran the
 * timer's callback (the VM stopped in between, likely on a busy host) must carry
 * the timer interrupt. Without it the restored machine waits for the next match,
 * a full 2^32-tick wrap later, and a guest idling in WAIT hangs that long.
 */
Test(mips_cpu_vmstate, due_timer_is_saved_as_pending)
{
    CPUMIPSState *env = mips_test_cpu("24Kc");
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    int64_t t0 = clock_get_ns(CLOCK_VIRTUAL);

    mips_cp0_write(env, 9, 0, 1000);              /* Count */
    mips_cp0_write(env, 11, 0, 1010);             /* Compare: due 10 ticks later */
    cr_assert(timer_pending(env->timer));
    cr_assert_not(env->CP0_Cause & CAUSE_TI);
    /* Time passes beyond the match, but no timer callbacks run. */
    clock_virtual_set(t0 + 1000000);
    cr_assert_gt(mips_cp0_read(env, 9, 0), 1010u);
    cr_assert_not(env->CP0_Cause & CAUSE_TI, "the callback has not run yet");

    vmstate_save(&vmstate_mips_cpu, env, buf);
    cpu_reset(&env->cs);
    cr_assert_eq(vmstate_load(&vmstate_mips_cpu, env, buf->data, buf->len, NULL, &err), 0,
                 "load: %s", err ? err->message : "");
    cr_assert(env->CP0_Cause & CAUSE_TI, "the due timer interrupt was saved as pending");
    g_byte_array_free(buf, true);
}

/* The set of kernel-mode Status encodings that generated code tests a Status write
 * against agrees with mips_cpu_compute_hflags for all 16 EXL/ERL/KSU values. */
Test(mips_cp0, kernel_set_matches_compute_hflags)
{
    CPUMIPSState *env = mips_test_cpu("24Kc");

    for (uint32_t v = 0; v < 16; v++) {
        env->CP0_Status = v << 1;
        mips_cpu_compute_hflags(env);
        cr_assert_eq((env->hflags & MIPS_HFLAG_MMU) == MIPS_MMU_IDX_KERNEL,
                     (MIPS_STATUS_KERNEL_SET >> v) & 1, "EXL/ERL/KSU = %x", v);
    }
}
