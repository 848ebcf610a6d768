/*
 * For the MIPS unit tests (test-mips-*.c): a CPU of the given model on the system
 * address space, with the translator initialised, freshly reset.
 */
#ifndef TESTS_UNIT_MIPS_TEST_CPU_H
#define TESTS_UNIT_MIPS_TEST_CPU_H

#include <criterion/criterion.h>
#include "../../target-mips/cpu.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

static inline CPUMIPSState *mips_test_cpu(const char *model)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };
    CPUMIPSState *env;

    cr_assert(tcg_exec_init(&cfg, &err));
    env = mips_env(cpu_create(cpu_class_by_name("mips", model), &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
    return env;
}

#endif
