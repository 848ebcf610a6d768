/*
 * CP0 Count/Compare timer of the MIPS32 24K (MIPS32 Vol. III, Count and Compare
 * registers). Count is derived from CLOCK_VIRTUAL at a fixed 100 MHz (a 200 MHz core
 * counting every other cycle) instead of per instruction, so guest time follows the
 * virtual clock. When Count reaches Compare the timer interrupt (Cause.TI, IP7) is
 * raised; writing Compare clears it. Cause.DC stops the counter.
 */
#include "qemu/osdep.h"
#include "cpu.h"

static uint64_t mips_count_ticks_since_base(CPUMIPSState *env, int64_t now)
{
    int64_t d = now - env->count_ns_base;

    return d > 0 ? (uint64_t)d / MIPS_COUNT_NS_PER_TICK : 0;
}

uint32_t mips_count_get(CPUMIPSState *env)
{
    if (env->CP0_Cause & CAUSE_DC) {
        return env->CP0_Count;
    }
    return env->CP0_Count +
           (uint32_t)mips_count_ticks_since_base(env, clock_get_ns(CLOCK_VIRTUAL));
}

void mips_timer_rearm(CPUMIPSState *env)
{
    int64_t now;
    uint64_t elapsed, target;

    if (!env->timer) {
        return;
    }
    if (env->CP0_Cause & CAUSE_DC) {
        timer_del(env->timer);
        return;
    }
    now = clock_get_ns(CLOCK_VIRTUAL);
    elapsed = mips_count_ticks_since_base(env, now);
    /* First tick count after the base at which Count equals Compare, strictly in
     * the future. */
    target = (uint32_t)(env->CP0_Compare - env->CP0_Count);
    while (target <= elapsed) {
        target += 1ull << 32;
    }
    timer_mod(env->timer, env->count_ns_base + (int64_t)(target * MIPS_COUNT_NS_PER_TICK));
}

void mips_count_set(CPUMIPSState *env, uint32_t count)
{
    env->CP0_Count = count;
    env->count_ns_base = clock_get_ns(CLOCK_VIRTUAL);
    mips_timer_rearm(env);
}

void mips_compare_set(CPUMIPSState *env, uint32_t compare)
{
    env->CP0_Compare = compare;
    mips_cpu_set_ti(env, false);
    mips_timer_rearm(env);
}

void mips_count_set_dc(CPUMIPSState *env, bool dc)
{
    bool was = (env->CP0_Cause & CAUSE_DC) != 0;

    if (dc == was) {
        return;
    }
    if (dc) {
        /* Freeze the current value. */
        env->CP0_Count = mips_count_get(env);
        env->CP0_Cause |= CAUSE_DC;
    } else {
        env->CP0_Cause &= ~CAUSE_DC;
        env->count_ns_base = clock_get_ns(CLOCK_VIRTUAL);
    }
    mips_timer_rearm(env);
}

void mips_timer_expired(void *opaque)
{
    CPUMIPSState *env = opaque;

    mips_cpu_set_ti(env, true);
    /* Next match is one full wrap of Count later. */
    mips_timer_rearm(env);
}
