/*
 * i386 exceptions and interrupts: raising from helpers and generated code, the
 * double-fault rules, and delivery through the IVT (real mode) or the IDT (protected
 * and virtual-8086 mode) with privilege-level stack switches.
 *
 * Intel SDM Vol. 3, ch. 6 (interrupt and exception handling: 6.12 procedure calls for
 * exception and interrupt handlers, 6.15 "Exception and Interrupt Reference" for the
 * contributory/benign classes and table 6-5 for double-fault conditions) and 20.1.4
 * (real-address mode interrupts). Not modelled:
 * CR4.VME virtual interrupts, SMM. Task gates switch tasks (task_helper.c).
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "qemu/log.h"
#include "sysemu/runstate.h"

static bool x86_excp_contributory(int vec)
{
    return vec == EXCP00_DIVZ || (vec >= EXCP0A_TSS && vec <= EXCP0D_GPF);
}

static bool x86_excp_has_error_code(int vec)
{
    switch (vec) {
    case EXCP08_DBLE:
    case EXCP0A_TSS:
    case EXCP0B_NOSEG:
    case EXCP0C_STACK:
    case EXCP0D_GPF:
    case EXCP0E_PAGE:
    case EXCP11_ALGN:
        return true;
    default:
        return false;
    }
}

/*
 * Record exception vec for delivery, applying the double-fault rules when it happened
 * while delivering another one. Returns false on a triple fault (reset requested).
 */
static bool x86_excp_classify(CPUX86State *env, int *vec, int *err)
{
    int old = env->old_exception;

    if (old < 0 || *vec == EXCP02_NMI) {
        return true;
    }
    if (old == EXCP08_DBLE) {
        if (x86_excp_contributory(*vec) || *vec == EXCP0E_PAGE) {
            mimic_log_mask(LOG_GUEST_ERROR | LOG_INT,
                           "i386: triple fault (exception %d in double fault)\n", *vec);
            env->old_exception = -1;
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            return false;
        }
        return true;
    }
    if ((x86_excp_contributory(old) && x86_excp_contributory(*vec)) ||
        (old == EXCP0E_PAGE && (x86_excp_contributory(*vec) || *vec == EXCP0E_PAGE))) {
        *vec = EXCP08_DBLE;
        *err = 0;
    }
    return true;
}

static void QEMU_NORETURN x86_raise_full(CPUX86State *env, int vec, int err,
                                         bool is_int, uint32_t next_eip, uintptr_t ra)
{
    CPUState *cs = &env->cs;

    if (!is_int && !x86_excp_classify(env, &vec, &err)) {
        /* Triple fault: stop this vCPU's run; the reset request does the rest. */
        cs->exception_index = EXCP_HLT;
        cs->halted = true;
        cpu_loop_exit_restore(cs, ra);
    }
    cs->exception_index = vec;
    env->error_code = err;
    env->exception_is_int = is_int;
    env->exception_next_eip = next_eip;
    cpu_loop_exit_restore(cs, ra);
}

void x86_raise_exception(CPUX86State *env, int vec, uintptr_t ra)
{
    x86_raise_full(env, vec, 0, false, 0, ra);
}

void x86_raise_exception_err(CPUX86State *env, int vec, int err, uintptr_t ra)
{
    x86_raise_full(env, vec, err, false, 0, ra);
}

void helper_x86_raise(CPUX86State *env, uint32_t vec)
{
    x86_raise_full(env, vec, 0, false, 0, GETPC());
}

/*
 * Raised from code placed after the TB's exits (gen_raise_cold): the host return
 * address there belongs to no instruction of the TB, so nothing is restored from
 * it; the translator stored eip (and every global) before the call.
 */
void helper_x86_raise_cold(CPUX86State *env, uint32_t vec)
{
    x86_raise_full(env, vec, 0, false, 0, 0);
}

void helper_x86_raise_err(CPUX86State *env, uint32_t vec, uint32_t err)
{
    x86_raise_full(env, vec, err, false, 0, GETPC());
}

void helper_x86_raise_int(CPUX86State *env, uint32_t vec, uint32_t next_eip)
{
    x86_raise_full(env, vec, 0, true, next_eip, GETPC());
}

void helper_x86_into(CPUX86State *env, uint32_t next_eip)
{
    if (x86_cc_flags(env) & CC_O) {
        x86_raise_full(env, EXCP04_INTO, 0, true, next_eip, GETPC());
    }
}

/* ---- delivery ---- */

/* A stack being pushed during delivery. */
typedef struct X86PushStack {
    CPUX86State *env;
    uint32_t base, sp, mask;
    int mmu_idx;
} X86PushStack;

static void x86_ps_push(X86PushStack *st, bool is32, uint32_t v)
{
    CPUState *cs = &st->env->cs;

    if (is32) {
        st->sp -= 4;
        cpu_stl_mmuidx_ra(cs, st->base + (st->sp & st->mask), v, st->mmu_idx, 0);
    } else {
        st->sp -= 2;
        cpu_stw_mmuidx_ra(cs, st->base + (st->sp & st->mask), v, st->mmu_idx, 0);
    }
}

static void x86_set_esp(CPUX86State *env, uint32_t mask, uint32_t sp)
{
    env->regs[R_ESP] = (env->regs[R_ESP] & ~mask) | (sp & mask);
}

static void x86_do_interrupt_real(CPUX86State *env, int vec, bool is_int,
                                  uint32_t next_eip)
{
    CPUState *cs = &env->cs;
    uint32_t ent, eip;
    X86PushStack st;
    int mmu = x86_sys_mmu_idx(env);

    if ((uint32_t)vec * 4 + 3 > env->idt.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, vec * 8 + 2, 0);
    }
    ent = cpu_ldl_mmuidx_ra(cs, env->idt.base + vec * 4, mmu, 0);
    eip = is_int ? next_eip : env->eip;
    st = (X86PushStack){ env, env->segs[R_SS].base, env->regs[R_ESP], 0xffff,
                         x86_mmu_idx_for_cpl(env, 0) };
    x86_ps_push(&st, false, x86_cpu_get_eflags(env));
    x86_ps_push(&st, false, env->segs[R_CS].selector);
    x86_ps_push(&st, false, eip);
    x86_set_esp(env, 0xffff, st.sp);
    env->eflags &= ~(IF_MASK | TF_MASK | AC_MASK | RF_MASK);
    env->eip = ent & 0xffff;
    env->segs[R_CS].selector = ent >> 16;
    env->segs[R_CS].base = (ent >> 16) << 4;
    x86_cpu_update_hflags(env);
}

/* Read the TSS's ss:esp for privilege level dpl. */
static void x86_tss_stack(CPUX86State *env, int dpl, uint32_t *ss, uint32_t *esp)
{
    CPUState *cs = &env->cs;
    int type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    int shift = (type & 8) ? 1 : 0;      /* 32-bit TSS */
    uint32_t off = (dpl * 4 + 2) << shift;
    int mmu = x86_sys_mmu_idx(env);

    if (!(env->tr.flags & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc, 0);
    }
    if (off + (4 << shift) - 1 > env->tr.limit) {
        x86_raise_exception_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc, 0);
    }
    if (shift) {
        *esp = cpu_ldl_mmuidx_ra(cs, env->tr.base + off, mmu, 0);
        *ss = cpu_lduw_mmuidx_ra(cs, env->tr.base + off + 4, mmu, 0);
    } else {
        *esp = cpu_lduw_mmuidx_ra(cs, env->tr.base + off, mmu, 0);
        *ss = cpu_lduw_mmuidx_ra(cs, env->tr.base + off + 2, mmu, 0);
    }
}

static void x86_do_interrupt_prot(CPUX86State *env, int vec, bool is_int, int err,
                                  bool has_err, uint32_t next_eip, bool is_hw)
{
    CPUState *cs = &env->cs;
    int mmu = x86_sys_mmu_idx(env);
    uint32_t lo, hi, clo, chi, sel, off, type, dpl, cpl, cdpl, eip, old_eflags;
    /* EXT: the event came from outside the program (exception or interrupt). */
    int ext = is_int ? 0 : 1;
    bool is32, vm = env->eflags & VM_MASK;
    X86PushStack st;
    SegmentCache ncs;

    if ((uint32_t)vec * 8 + 7 > env->idt.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, vec * 8 + 2 + ext, 0);
    }
    lo = cpu_ldl_mmuidx_ra(cs, env->idt.base + vec * 8, mmu, 0);
    hi = cpu_ldl_mmuidx_ra(cs, env->idt.base + vec * 8 + 4, mmu, 0);
    type = (hi >> 8) & 0x1f;
    switch (type) {
    case DESC_T_TASK:
        if (is_int && ((hi >> 13) & 3) < (env->hflags & HF_CPL_MASK)) {
            x86_raise_exception_err(env, EXCP0D_GPF, vec * 8 + 2, 0);
        }
        if (!(hi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0B_NOSEG, vec * 8 + 2 + ext, 0);
        }
        x86_task_switch(env, lo >> 16, TASK_SWITCH_INT, is_int ? next_eip : env->eip,
                        has_err, err, 0);
        return;
    case DESC_T_INT16:
    case DESC_T_TRAP16:
    case DESC_T_INT32:
    case DESC_T_TRAP32:
        break;
    default:
        x86_raise_exception_err(env, EXCP0D_GPF, vec * 8 + 2 + ext, 0);
    }
    dpl = (hi >> 13) & 3;
    cpl = env->hflags & HF_CPL_MASK;
    if (is_int && dpl < cpl) {
        x86_raise_exception_err(env, EXCP0D_GPF, vec * 8 + 2, 0);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, vec * 8 + 2 + ext, 0);
    }
    is32 = type & 8;
    sel = lo >> 16;
    off = (hi & 0xffff0000u) | (lo & 0xffff);
    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, ext, 0);
    }
    if (!x86_load_descriptor(env, sel, &clo, &chi, 0)) {
        x86_raise_exception_err(env, EXCP0D_GPF, (sel & 0xfffc) + ext, 0);
    }
    cdpl = (chi >> 13) & 3;
    if (!(chi & DESC_S_MASK) || !(chi & DESC_CS_MASK) || cdpl > cpl) {
        x86_raise_exception_err(env, EXCP0D_GPF, (sel & 0xfffc) + ext, 0);
    }
    if (!(chi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, (sel & 0xfffc) + ext, 0);
    }
    x86_seg_cache_from_desc(&ncs, sel, clo, chi);
    eip = is_int ? next_eip : env->eip;
    old_eflags = x86_cpu_get_eflags(env);

    if (!(chi & DESC_C_MASK) && cdpl < cpl) {
        /* Inner privilege: switch to the stack of level cdpl from the TSS. */
        uint32_t nss, nesp, slo, shi;
        SegmentCache nssc;

        x86_tss_stack(env, cdpl, &nss, &nesp);
        if ((nss & 0xfffc) == 0) {
            x86_raise_exception_err(env, EXCP0A_TSS, ext, 0);
        }
        if ((nss & 3) != cdpl) {
            x86_raise_exception_err(env, EXCP0A_TSS, (nss & 0xfffc) + ext, 0);
        }
        if (!x86_load_descriptor(env, nss, &slo, &shi, 0)) {
            x86_raise_exception_err(env, EXCP0A_TSS, (nss & 0xfffc) + ext, 0);
        }
        if (((shi >> 13) & 3) != cdpl || !(shi & DESC_S_MASK) || (shi & DESC_CS_MASK) ||
            !(shi & DESC_RW_MASK)) {
            x86_raise_exception_err(env, EXCP0A_TSS, (nss & 0xfffc) + ext, 0);
        }
        if (!(shi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0C_STACK, (nss & 0xfffc) + ext, 0);
        }
        x86_seg_cache_from_desc(&nssc, nss, slo, shi);
        st = (X86PushStack){ env, nssc.base, nesp,
                             (shi & DESC_B_MASK) ? 0xffffffffu : 0xffff,
                             x86_mmu_idx_for_cpl(env, cdpl) };
        if (vm) {
            x86_ps_push(&st, is32, env->segs[R_GS].selector);
            x86_ps_push(&st, is32, env->segs[R_FS].selector);
            x86_ps_push(&st, is32, env->segs[R_DS].selector);
            x86_ps_push(&st, is32, env->segs[R_ES].selector);
        }
        x86_ps_push(&st, is32, env->segs[R_SS].selector);
        x86_ps_push(&st, is32, env->regs[R_ESP]);
        x86_ps_push(&st, is32, old_eflags);
        x86_ps_push(&st, is32, env->segs[R_CS].selector);
        x86_ps_push(&st, is32, eip);
        if (has_err) {
            x86_ps_push(&st, is32, err);
        }
        if (vm) {
            for (int s = 0; s < 6; s++) {
                if (s != R_CS && s != R_SS) {
                    env->segs[s] = (SegmentCache){ 0, 0, 0, 0 };
                }
            }
        }
        env->segs[R_SS] = nssc;
        env->regs[R_ESP] = (env->regs[R_ESP] & ~st.mask) | (st.sp & st.mask);
    } else {
        if (vm) {
            x86_raise_exception_err(env, EXCP0D_GPF, (sel & 0xfffc) + ext, 0);
        }
        st = (X86PushStack){ env, env->segs[R_SS].base, env->regs[R_ESP],
                             (env->segs[R_SS].flags & DESC_B_MASK) ? 0xffffffffu : 0xffff,
                             x86_mmu_idx_for_cpl(env, cpl) };
        x86_ps_push(&st, is32, old_eflags);
        x86_ps_push(&st, is32, env->segs[R_CS].selector);
        x86_ps_push(&st, is32, eip);
        if (has_err) {
            x86_ps_push(&st, is32, err);
        }
        x86_set_esp(env, st.mask, st.sp);
        cdpl = cpl;
    }
    ncs.selector = (sel & 0xfffc) | cdpl;
    env->segs[R_CS] = ncs;
    env->eip = is32 ? off : (off & 0xffff);
    env->eflags &= ~(TF_MASK | VM_MASK | RF_MASK | NT_MASK);
    if (!(type & 1)) {
        env->eflags &= ~IF_MASK;
    }
    x86_cpu_update_hflags(env);
}

/*
 * Deliver vector vec. is_int: INT n / INT3 / INTO (return to next_eip, DPL check);
 * otherwise an exception (return to the faulting eip) or a hardware interrupt.
 */
void x86_do_interrupt_vec(CPUX86State *env, int vec, bool is_int, int err, bool has_err,
                          uint32_t next_eip)
{
    bool is_excp = !is_int && vec < 32 && env->cs.exception_index == vec;

    mimic_log_mask(LOG_INT, "i386: %s %d (err %#x) at %04x:%08x cpl %u eflags %08x\n",
                   is_int ? "int" : "exception/irq", vec, err,
                   env->segs[R_CS].selector, env->eip, env->hflags & HF_CPL_MASK,
                   x86_cpu_get_eflags(env));
    if (is_excp && (x86_excp_contributory(vec) || vec == EXCP0E_PAGE ||
                    vec == EXCP08_DBLE)) {
        env->old_exception = vec;
    }
    if (env->cr[0] & CR0_PE) {
        x86_do_interrupt_prot(env, vec, is_int, err, has_err, next_eip, !is_excp);
    } else {
        x86_do_interrupt_real(env, vec, is_int, next_eip);
    }
    env->old_exception = -1;
    env->cs.halted = false;
}

void x86_cpu_do_interrupt(CPUState *cs)
{
    CPUX86State *env = x86_env(cs);
    int vec = cs->exception_index;

    x86_do_interrupt_vec(env, vec, env->exception_is_int, env->error_code,
                         !env->exception_is_int && x86_excp_has_error_code(vec) &&
                         (env->cr[0] & CR0_PE),
                         env->exception_next_eip);
    env->exception_is_int = 0;
    cs->exception_index = EXCP_NONE;
}

bool x86_cpu_exec_interrupt(CPUState *cs, uint32_t interrupt_request)
{
    CPUX86State *env = x86_env(cs);

    if (interrupt_request & CPU_INTERRUPT_RESET) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_RESET);
        cs->cc->reset(cs);
        return true;
    }
    if (env->hflags & HF_INHIBIT_IRQ_MASK) {
        return false;
    }
    if ((interrupt_request & CPU_INTERRUPT_NMI) && !env->nmi_pending_mask) {
        cpu_reset_interrupt(cs, CPU_INTERRUPT_NMI);
        env->nmi_pending_mask = true;
        cs->exception_index = EXCP02_NMI;
        x86_do_interrupt_vec(env, EXCP02_NMI, false, 0, false, 0);
        cs->exception_index = EXCP_NONE;
        return true;
    }
    if ((interrupt_request & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) {
        int vec = -1;

        if (env->get_vector) {
            vec = env->get_vector(env->get_vector_opaque);
        }
        if (vec < 0) {
            /* Spurious: nothing to acknowledge any more. */
            cpu_reset_interrupt(cs, CPU_INTERRUPT_HARD);
            return false;
        }
        x86_do_interrupt_vec(env, vec & 0xff, false, 0, false, 0);
        return true;
    }
    return false;
}
