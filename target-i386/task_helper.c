/*
 * i386 hardware task switching: JMP/CALL to a TSS or task gate, interrupts and
 * exceptions through task gates, IRET with NT = 1 back to the previous task.
 *
 * Intel SDM Vol. 3, ch. 7 "Task Management": 7.2.1 (32-bit TSS layout), 7.3 (the
 * steps of a task switch), 7.4 (task linking: NT, previous-task link, busy flag).
 * Only 32-bit TSSs switch; a 16-bit TSS as the target is logged as unimplemented and
 * answered with #TS. Not modelled: the T (debug trap) flag and the I/O map check of
 * the incoming task, which happen only on later accesses anyway.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "qemu/log.h"

#define TSS_LINK   0x00
#define TSS_CR3    0x1c
#define TSS_EIP    0x20
#define TSS_EFLAGS 0x24
#define TSS_EAX    0x28
#define TSS_ES     0x48
#define TSS_LDT    0x60
#define TSS32_MIN_LIMIT 0x67

static uint32_t tss_ld(CPUX86State *env, uint32_t a, uintptr_t ra)
{
    return cpu_ldl_mmuidx_ra(&env->cs, a, x86_sys_mmu_idx(env), ra);
}

static void tss_st(CPUX86State *env, uint32_t a, uint32_t v, uintptr_t ra)
{
    cpu_stl_mmuidx_ra(&env->cs, a, v, x86_sys_mmu_idx(env), ra);
}

static uint32_t desc_addr(CPUX86State *env, uint32_t sel)
{
    return ((sel & 4) ? env->ldt.base : env->gdt.base) + (sel & ~7u);
}

/* Load a segment register of the new task; faults are #TS with the selector. */
static void task_load_seg(CPUX86State *env, int seg, uint32_t sel, uintptr_t ra)
{
    uint32_t lo, hi;
    int cpl = sel & 3;

    if (env->eflags & VM_MASK) {
        env->segs[seg] = (SegmentCache){ sel & 0xffff, (sel & 0xffff) << 4, 0xffff,
                                         DESC_P_MASK | DESC_S_MASK | DESC_RW_MASK |
                                         DESC_A_MASK | (3u << DESC_DPL_SHIFT) |
                                         (seg == R_CS ? DESC_CS_MASK : 0) };
        return;
    }
    if ((sel & 0xfffc) == 0) {
        if (seg == R_CS || seg == R_SS) {
            x86_raise_exception_err(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
        env->segs[seg] = (SegmentCache){ sel & 0xffff, 0, 0, 0 };
        return;
    }
    if (!x86_load_descriptor(env, sel, &lo, &hi, ra) || !(hi & DESC_S_MASK)) {
        x86_raise_exception_err(env, EXCP0A_TSS, sel & 0xfffc, ra);
    }
    if (seg == R_CS) {
        if (!(hi & DESC_CS_MASK)) {
            x86_raise_exception_err(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
    } else if (seg == R_SS) {
        cpl = env->segs[R_CS].selector & 3;
        if ((hi & DESC_CS_MASK) || !(hi & DESC_RW_MASK) || (sel & 3) != (uint32_t)cpl ||
            ((hi >> 13) & 3) != (uint32_t)cpl) {
            x86_raise_exception_err(env, EXCP0A_TSS, sel & 0xfffc, ra);
        }
    } else if ((hi & DESC_CS_MASK) && !(hi & DESC_RW_MASK)) {
        x86_raise_exception_err(env, EXCP0A_TSS, sel & 0xfffc, ra);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, seg == R_SS ? EXCP0C_STACK : EXCP0B_NOSEG,
                                sel & 0xfffc, ra);
    }
    x86_seg_cache_from_desc(&env->segs[seg], sel, lo, hi);
}

/*
 * Switch to the task whose TSS selector is tss_sel. source: TASK_SWITCH_*. next_eip
 * is the eip saved in the outgoing TSS. An error code (has_err) is pushed on the new
 * task's stack (exceptions through a task gate).
 */
void x86_task_switch(CPUX86State *env, uint32_t tss_sel, int source, uint32_t next_eip,
                     bool has_err, uint32_t err, uintptr_t ra)
{
    uint32_t lo, hi, type, nbase, nlimit, old_base = env->tr.base;
    uint32_t regs[8], sregs[6], neip, nflags, ncr3, nldt, old_eflags;
    SegmentCache ntr;

    tss_sel &= 0xffff;
    if ((tss_sel & 4) || !x86_load_descriptor(env, tss_sel, &lo, &hi, ra)) {
        x86_raise_exception_err(env, EXCP0A_TSS, tss_sel & 0xfffc, ra);
    }
    type = (hi >> 8) & 0x1f;
    if (source == TASK_SWITCH_IRET ? type != DESC_T_TSS32_BUSY && type != DESC_T_TSS16_BUSY
                                   : type != DESC_T_TSS32_AVAIL &&
                                     type != DESC_T_TSS16_AVAIL) {
        x86_raise_exception_err(env, source == TASK_SWITCH_IRET ? EXCP0A_TSS : EXCP0D_GPF,
                                tss_sel & 0xfffc, ra);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, tss_sel & 0xfffc, ra);
    }
    if (!(type & 8)) {
        mimic_log_mask(LOG_UNIMP, "i386: task switch to a 16-bit TSS\n");
        x86_raise_exception_err(env, EXCP0A_TSS, tss_sel & 0xfffc, ra);
    }
    x86_seg_cache_from_desc(&ntr, tss_sel, lo, hi);
    nbase = ntr.base;
    nlimit = ntr.limit;
    if (nlimit < TSS32_MIN_LIMIT) {
        x86_raise_exception_err(env, EXCP0A_TSS, tss_sel & 0xfffc, ra);
    }

    /* Read the whole incoming state first: a fault here leaves the old task intact. */
    ncr3 = tss_ld(env, nbase + TSS_CR3, ra);
    neip = tss_ld(env, nbase + TSS_EIP, ra);
    nflags = tss_ld(env, nbase + TSS_EFLAGS, ra);
    for (int i = 0; i < 8; i++) {
        regs[i] = tss_ld(env, nbase + TSS_EAX + 4 * i, ra);
    }
    for (int i = 0; i < 6; i++) {
        sregs[i] = tss_ld(env, nbase + TSS_ES + 4 * i, ra) & 0xffff;
    }
    nldt = tss_ld(env, nbase + TSS_LDT, ra) & 0xffff;

    /* Save the outgoing task (a 32-bit TSS is assumed for it too). */
    old_eflags = x86_cpu_get_eflags(env);
    if (source == TASK_SWITCH_JMP || source == TASK_SWITCH_IRET) {
        old_eflags &= ~NT_MASK;
    }
    tss_st(env, old_base + TSS_EIP, next_eip, ra);
    tss_st(env, old_base + TSS_EFLAGS, old_eflags, ra);
    for (int i = 0; i < 8; i++) {
        tss_st(env, old_base + TSS_EAX + 4 * i, env->regs[i], ra);
    }
    for (int i = 0; i < 6; i++) {
        tss_st(env, old_base + TSS_ES + 4 * i, env->segs[i].selector, ra);
    }
    if (source == TASK_SWITCH_JMP || source == TASK_SWITCH_IRET) {
        /* The old task is no longer busy. */
        uint32_t a = desc_addr(env, env->tr.selector) + 4;

        tss_st(env, a, tss_ld(env, a, ra) & ~(2u << 8), ra);
    }
    if (source == TASK_SWITCH_CALL || source == TASK_SWITCH_INT) {
        tss_st(env, nbase + TSS_LINK, env->tr.selector, ra);
        nflags |= NT_MASK;
    }
    if (source != TASK_SWITCH_IRET) {
        hi |= 2u << 8;
        tss_st(env, desc_addr(env, tss_sel) + 4, hi, ra);
    }
    ntr.flags = hi & 0x00f0ff00u;
    env->tr = ntr;

    /* Load the incoming task. */
    env->cr[0] |= CR0_TS;
    if (env->cr[0] & CR0_PG) {
        x86_cpu_write_cr(env, 3, ncr3);
    }
    x86_cpu_set_eflags(env, nflags);
    env->eip = neip;
    memcpy(env->regs, regs, sizeof(regs));
    /* Selectors first (a fault below is raised in the new task's context). */
    for (int i = 0; i < 6; i++) {
        env->segs[i].selector = sregs[i];
    }
    if ((nldt & 0xfffc) == 0) {
        env->ldt = (SegmentCache){ nldt, 0, 0, 0 };
    } else {
        uint32_t llo, lhi;

        if ((nldt & 4) || !x86_load_descriptor(env, nldt, &llo, &lhi, ra) ||
            ((lhi >> 8) & 0x1f) != DESC_T_LDT) {
            x86_raise_exception_err(env, EXCP0A_TSS, nldt & 0xfffc, ra);
        }
        x86_seg_cache_from_desc(&env->ldt, nldt, llo, lhi);
    }
    task_load_seg(env, R_CS, sregs[R_CS], ra);
    x86_cpu_update_hflags(env);
    task_load_seg(env, R_SS, sregs[R_SS], ra);
    task_load_seg(env, R_ES, sregs[R_ES], ra);
    task_load_seg(env, R_DS, sregs[R_DS], ra);
    task_load_seg(env, R_FS, sregs[R_FS], ra);
    task_load_seg(env, R_GS, sregs[R_GS], ra);
    x86_cpu_update_hflags(env);

    if (has_err) {
        uint32_t mask = (env->segs[R_SS].flags & DESC_B_MASK) ? 0xffffffffu : 0xffff;
        uint32_t sp = env->regs[R_ESP] - 4;

        cpu_stl_mmuidx_ra(&env->cs, env->segs[R_SS].base + (sp & mask), err,
                          x86_mmu_idx_for_cpl(env, env->hflags & HF_CPL_MASK), ra);
        env->regs[R_ESP] = (env->regs[R_ESP] & ~mask) | (sp & mask);
    }
}
