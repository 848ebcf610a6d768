/*
 * target-mips/excp_helper.c: vector selection (BEV, EBase, refill with EXL, IV),
 * ExcCodes, EPC/Cause.BD for delay slots, EXL handling, interrupt acceptance.
 */
#include <criterion/criterion.h>
#include "../../target-mips/cpu.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

Test(mips_vectors, selection)
{
    /* BEV = 1: everything relative to 0xbfc00200. */
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_TLBL_REFILL, ST_BEV, 0, 0x80000000u),
                 0xbfc00200u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_SYSCALL, ST_BEV, 0, 0x80000000u),
                 0xbfc00380u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_INT, ST_BEV, CAUSE_IV, 0x80000000u),
                 0xbfc00400u);
    /* BEV = 0: EBase. */
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_TLBS_REFILL, 0, 0, 0x80000000u),
                 0x80000000u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_TLBL, 0, 0, 0x80000000u), 0x80000180u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_INT, 0, 0, 0x80000000u), 0x80000180u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_INT, 0, CAUSE_IV, 0x80000000u),
                 0x80000200u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_RI, 0, 0, 0x80345000u), 0x80345180u);
    /* EBase.CPUNum does not move the vectors. */
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_RI, 0, 0, 0x80000003u), 0x80000180u);
    /* Refill with EXL = 1 goes to the general vector. */
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_TLBL_REFILL, ST_EXL, 0, 0x80000000u),
                 0x80000180u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_NMI, 0, 0, 0x80000000u), 0xbfc00000u);
    cr_assert_eq(mips_exception_vector(MIPS_EXCP_RESET, 0, 0, 0x80000000u), 0xbfc00000u);
}

Test(mips_vectors, exccodes)
{
    cr_assert_eq(mips_excp_code(MIPS_EXCP_INT), 0);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_MOD), 1);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_TLBL), 2);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_TLBL_REFILL), 2);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_TLBS_REFILL), 3);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_ADEL), 4);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_ADES), 5);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_IBE), 6);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_DBE), 7);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_SYSCALL), 8);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_BREAK), 9);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_RI), 10);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_CPU), 11);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_OV), 12);
    cr_assert_eq(mips_excp_code(MIPS_EXCP_TRAP), 13);
}

static CPUMIPSState *env;

static void cpu_setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };

    cr_assert(tcg_exec_init(&cfg, &err));
    env = mips_env(cpu_create(cpu_class_by_name("mips", "24Kc"), &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
    env->CP0_Status = 0;        /* kernel, BEV = 0, EXL = ERL = 0 */
    mips_cpu_compute_hflags(env);
}

Test(mips_do_interrupt, epc_and_bd, .init = cpu_setup)
{
    env->pc = 0x80001004u;
    env->hflags |= MIPS_HFLAG_BC;              /* in the slot of a branch at 0x80001000 */
    env->cs.exception_index = MIPS_EXCP_ADEL;
    mips_cpu_do_interrupt(&env->cs);
    cr_assert_eq(env->CP0_EPC, 0x80001000u);
    cr_assert(env->CP0_Cause & CAUSE_BD);
    cr_assert_eq((env->CP0_Cause & CAUSE_EXC) >> CAUSE_EXC_SHIFT, EXCCODE_ADEL);
    cr_assert(env->CP0_Status & ST_EXL);
    cr_assert_eq(env->pc, 0x80000180u);
    cr_assert_eq(env->hflags & MIPS_HFLAG_BMASK, 0);
    cr_assert_eq(env->cs.exception_index, EXCP_NONE);
    cr_assert_eq(env->hflags & MIPS_HFLAG_MMU, MIPS_MMU_IDX_KERNEL);

    /* A second exception with EXL set keeps EPC and BD, and a refill goes to 0x180. */
    env->pc = 0x80000190u;
    env->cs.exception_index = MIPS_EXCP_TLBL_REFILL;
    mips_cpu_do_interrupt(&env->cs);
    cr_assert_eq(env->CP0_EPC, 0x80001000u);
    cr_assert(env->CP0_Cause & CAUSE_BD);
    cr_assert_eq(env->pc, 0x80000180u);
}

Test(mips_do_interrupt, cpu_unusable_ce, .init = cpu_setup)
{
    env->pc = 0x80002000u;
    env->cs.exception_index = MIPS_EXCP_CPU;
    env->error_code = 1;
    mips_cpu_do_interrupt(&env->cs);
    cr_assert_eq(env->CP0_EPC, 0x80002000u);
    cr_assert_not(env->CP0_Cause & CAUSE_BD);
    cr_assert_eq((env->CP0_Cause & CAUSE_CE) >> CAUSE_CE_SHIFT, 1);
    cr_assert_eq((env->CP0_Cause & CAUSE_EXC) >> CAUSE_EXC_SHIFT, EXCCODE_CPU);
}

Test(mips_do_interrupt, user_mode_enters_kernel, .init = cpu_setup)
{
    env->CP0_Status = ST_UM | ST_IE;
    mips_cpu_compute_hflags(env);
    cr_assert_eq(env->hflags & MIPS_HFLAG_MMU, MIPS_MMU_IDX_USER);
    cr_assert_not(env->hflags & MIPS_HFLAG_CP0);
    env->pc = 0x00400000u;
    env->cs.exception_index = MIPS_EXCP_SYSCALL;
    mips_cpu_do_interrupt(&env->cs);
    cr_assert_eq(env->hflags & MIPS_HFLAG_MMU, MIPS_MMU_IDX_KERNEL);
    cr_assert(env->hflags & MIPS_HFLAG_CP0);
    cr_assert_eq(env->CP0_EPC, 0x00400000u);
}

Test(mips_exec_interrupt, acceptance, .init = cpu_setup)
{
    env->pc = 0x80003000u;
    env->CP0_Cause |= 1u << (CAUSE_IP_SHIFT + 2);       /* IP2 pending */
    env->CP0_Status = (1u << (ST_IM_SHIFT + 2));          /* IM2, IE = 0 */
    cr_assert_not(mips_cpu_exec_interrupt(&env->cs, CPU_INTERRUPT_HARD));
    cr_assert(mips_cpu_has_work(&env->cs) || !(env->cs.interrupt_request &
                                               CPU_INTERRUPT_HARD));
    env->CP0_Status |= ST_IE | ST_EXL;
    cr_assert_not(mips_cpu_exec_interrupt(&env->cs, CPU_INTERRUPT_HARD));
    env->CP0_Status &= ~ST_EXL;
    env->CP0_Status |= ST_ERL;
    cr_assert_not(mips_cpu_exec_interrupt(&env->cs, CPU_INTERRUPT_HARD));
    env->CP0_Status &= ~(ST_ERL | ST_IM);
    env->CP0_Status |= 1u << (ST_IM_SHIFT + 3);           /* wrong mask bit */
    cr_assert_not(mips_cpu_exec_interrupt(&env->cs, CPU_INTERRUPT_HARD));
    env->CP0_Status |= 1u << (ST_IM_SHIFT + 2);
    cr_assert(mips_cpu_exec_interrupt(&env->cs, CPU_INTERRUPT_HARD));
    cr_assert_eq(env->CP0_EPC, 0x80003000u);
    cr_assert_eq((env->CP0_Cause & CAUSE_EXC) >> CAUSE_EXC_SHIFT, EXCCODE_INT);
    cr_assert_eq(env->pc, 0x80000180u);
}

Test(mips_irq_lines, set_and_clear_ip, .init = cpu_setup)
{
    IRQLine **lines = mips_cpu_irq_lines(&env->cs);

    env->CP0_Status = ST_IE | (1u << (ST_IM_SHIFT + 4));
    irq_raise(lines[4]);
    cr_assert(env->CP0_Cause & (1u << (CAUSE_IP_SHIFT + 4)));
    cr_assert(env->cs.interrupt_request & CPU_INTERRUPT_HARD);
    irq_lower(lines[4]);
    cr_assert_not(env->CP0_Cause & (1u << (CAUSE_IP_SHIFT + 4)));
    cr_assert_not(env->cs.interrupt_request & CPU_INTERRUPT_HARD);
    /* Line 7 and the timer share IP7. */
    irq_raise(lines[7]);
    mips_cpu_set_ti(env, true);
    irq_lower(lines[7]);
    cr_assert(env->CP0_Cause & CAUSE_IP7);
    mips_cpu_set_ti(env, false);
    cr_assert_not(env->CP0_Cause & CAUSE_IP7);
}
