/*
 * i386 segmentation: descriptor loads with their privilege checks, far JMP/CALL/RET
 * (through code segments and call gates), IRET in all forms (same level, outer level,
 * to virtual-8086 mode, real mode), LLDT/LTR/LAR/LSL/VERR/VERW, SYSENTER/SYSEXIT.
 *
 * Intel SDM Vol. 3 ch. 3 (segment descriptors), ch. 5 (protection: 5.8 privilege level
 * checks when transferring program control), Vol. 2 pseudo-code of MOV/POP to a
 * segment register, JMP, CALL, RET, IRET, SYSENTER, SYSEXIT.
 * Task switches (JMP/CALL to a TSS or task gate, IRET with NT=1) go to task_helper.c.
 * Data-access limit and type checks (helper_x86_seg_check) follow Vol. 3, 5.3 (limit
 * checking, expand-down segments) and 5.4 (type checking); the translator calls it
 * only for segments whose hflags class is not flat.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "qemu/log.h"

int x86_mmu_idx_for_cpl(CPUX86State *env, int cpl)
{
    if (!(env->cr[0] & CR0_PG)) {
        return X86_MMU_IDX_PHYS;
    }
    return cpl == 3 ? X86_MMU_IDX_USER : X86_MMU_IDX_KERNEL;
}

int x86_sys_mmu_idx(CPUX86State *env)
{
    return x86_mmu_idx_for_cpl(env, 0);
}

static uint32_t x86_cpl(CPUX86State *env)
{
    return env->hflags & HF_CPL_MASK;
}

void x86_seg_cache_from_desc(SegmentCache *sc, uint32_t sel, uint32_t lo, uint32_t hi)
{
    uint32_t limit = (lo & 0xffff) | (hi & 0x000f0000u);

    if (hi & DESC_G_MASK) {
        limit = (limit << 12) | 0xfff;
    }
    sc->selector = sel & 0xffff;
    sc->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    sc->limit = limit;
    sc->flags = hi & 0x00f0ff00u;
}

static uint32_t x86_desc_addr(CPUX86State *env, uint32_t sel)
{
    const SegmentCache *t = (sel & 4) ? &env->ldt : &env->gdt;

    return t->base + (sel & ~7u);
}

bool x86_load_descriptor(CPUX86State *env, uint32_t sel, uint32_t *lo, uint32_t *hi,
                         uintptr_t ra)
{
    const SegmentCache *t = (sel & 4) ? &env->ldt : &env->gdt;
    uint32_t index = sel & ~7u;
    int mmu = x86_sys_mmu_idx(env);

    uint32_t addr = t->base + index;
    const uint8_t *p;

    if (index + 7 > t->limit) {
        return false;
    }
    /*
     * Linux reloads DS, ES and FS on every kernel entry and exit: read the 8 bytes
     * through one TLB look-up and a host pointer when they lie in one RAM page (a
     * page fault on the way is raised just as the accessors would raise it).
     */
    if ((addr & ~TARGET_PAGE_MASK) <= TARGET_PAGE_SIZE - 8) {
        p = probe_access(&env->cs, addr, 8, MMU_DATA_LOAD, mmu, ra);
        if (p) {
            *lo = ldl_le_p(p);
            *hi = ldl_le_p(p + 4);
            return true;
        }
    }
    *lo = cpu_ldl_mmuidx_ra(&env->cs, addr, mmu, ra);
    *hi = cpu_ldl_mmuidx_ra(&env->cs, addr + 4, mmu, ra);
    return true;
}

/* Set the accessed bit of a code/data descriptor in memory. */
static void x86_set_accessed(CPUX86State *env, uint32_t sel, uint32_t *hi, uintptr_t ra)
{
    if (!(*hi & DESC_A_MASK)) {
        *hi |= DESC_A_MASK;
        cpu_stl_mmuidx_ra(&env->cs, x86_desc_addr(env, sel) + 4, *hi,
                          x86_sys_mmu_idx(env), ra);
    }
}

static void x86_load_seg_checked(CPUX86State *env, int seg, uint32_t sel, uintptr_t ra)
{
    uint32_t lo, hi, dpl, rpl, cpl = x86_cpl(env);
    SegmentCache old;

    sel &= 0xffff;
    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        SegmentCache *sc = &env->segs[seg];

        sc->selector = sel;
        sc->base = sel << 4;
        if (env->eflags & VM_MASK) {
            sc->limit = 0xffff;
            sc->flags = DESC_P_MASK | DESC_S_MASK | DESC_RW_MASK | DESC_A_MASK |
                        (3u << DESC_DPL_SHIFT) | (seg == R_CS ? DESC_CS_MASK : 0);
        }
        /* Real mode keeps limit and attributes ("unreal" mode works). */
        x86_cpu_seg_loaded(env, seg);
        return;
    }
    if ((sel & 0xfffc) == 0) {
        if (seg == R_SS) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
        }
        env->segs[seg] = (SegmentCache){ sel, 0, 0, 0 };
        x86_cpu_seg_loaded(env, seg);
        return;
    }
    if (!x86_load_descriptor(env, sel, &lo, &hi, ra)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(hi & DESC_S_MASK)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    dpl = (hi >> 13) & 3;
    rpl = sel & 3;
    if (seg == R_SS) {
        if (rpl != cpl || dpl != cpl || (hi & DESC_CS_MASK) || !(hi & DESC_RW_MASK)) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        if (!(hi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0C_STACK, sel & 0xfffc, ra);
        }
    } else {
        if ((hi & DESC_CS_MASK) && !(hi & DESC_RW_MASK)) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        if (!(hi & DESC_CS_MASK) || !(hi & DESC_C_MASK)) {
            if (rpl > dpl || cpl > dpl) {
                x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
            }
        }
        if (!(hi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
        }
    }
    x86_set_accessed(env, sel, &hi, ra);
    old = env->segs[seg];
    x86_seg_cache_from_desc(&env->segs[seg], sel, lo, hi);
    /*
     * Reloading the descriptor the register already holds (every kernel entry and
     * exit does) changes neither its check class nor hflags: all the checks above
     * ran, only the derived state is left as it is.
     */
    if (memcmp(&old, &env->segs[seg], sizeof(old)) != 0) {
        x86_cpu_seg_loaded(env, seg);
    }
}

void helper_x86_load_seg(CPUX86State *env, uint32_t seg, uint32_t sel)
{
    x86_load_seg_checked(env, seg, sel, GETPC());
}

/* ---- stack access for far transfers ---- */

typedef struct X86Stack {
    CPUX86State *env;
    uint32_t base, sp, mask;
    int mmu_idx;
    uintptr_t ra;
} X86Stack;

static void x86_stack_init(X86Stack *st, CPUX86State *env, uintptr_t ra)
{
    st->env = env;
    st->base = env->segs[R_SS].base;
    st->sp = env->regs[R_ESP];
    st->mask = (env->segs[R_SS].flags & DESC_B_MASK) ? 0xffffffffu : 0xffff;
    st->mmu_idx = x86_mmu_idx_for_cpl(env, x86_cpl(env));
    st->ra = ra;
}

static void x86_stack_push(X86Stack *st, bool is32, uint32_t v)
{
    if (is32) {
        st->sp -= 4;
        cpu_stl_mmuidx_ra(&st->env->cs, st->base + (st->sp & st->mask), v, st->mmu_idx,
                          st->ra);
    } else {
        st->sp -= 2;
        cpu_stw_mmuidx_ra(&st->env->cs, st->base + (st->sp & st->mask), v, st->mmu_idx,
                          st->ra);
    }
}

static uint32_t x86_stack_pop(X86Stack *st, bool is32)
{
    uint32_t v;

    if (is32) {
        v = cpu_ldl_mmuidx_ra(&st->env->cs, st->base + (st->sp & st->mask), st->mmu_idx,
                              st->ra);
        st->sp += 4;
    } else {
        v = cpu_lduw_mmuidx_ra(&st->env->cs, st->base + (st->sp & st->mask), st->mmu_idx,
                               st->ra);
        st->sp += 2;
    }
    return v;
}

static void x86_stack_commit(X86Stack *st)
{
    st->env->regs[R_ESP] = (st->env->regs[R_ESP] & ~st->mask) | (st->sp & st->mask);
}

static void x86_set_cs_real(CPUX86State *env, uint32_t sel, uint32_t eip)
{
    env->segs[R_CS].selector = sel & 0xffff;
    env->segs[R_CS].base = (sel & 0xffff) << 4;
    env->eip = eip;
    x86_cpu_update_hflags(env);
}

/*
 * Validate a code segment selector as the target of a far JMP/CALL/RET at the given
 * requested privilege; returns descriptor words. Raises #GP/#NP.
 */
static void x86_check_code_seg(CPUX86State *env, uint32_t sel, uint32_t lo, uint32_t hi,
                               uintptr_t ra)
{
    uint32_t dpl = (hi >> 13) & 3, cpl = x86_cpl(env), rpl = sel & 3;

    if (!(hi & DESC_S_MASK) || !(hi & DESC_CS_MASK)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (hi & DESC_C_MASK) {
        if (dpl > cpl) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
    } else if (rpl > cpl || dpl != cpl) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
}

static void x86_load_cs(CPUX86State *env, uint32_t sel, uint32_t lo, uint32_t hi,
                        int cpl, uint32_t eip, uintptr_t ra)
{
    SegmentCache sc;

    x86_seg_cache_from_desc(&sc, sel, lo, hi);
    if (eip > sc.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    x86_set_accessed(env, sel, &hi, ra);
    sc.flags = hi & 0x00f0ff00u;
    sc.selector = (sel & 0xfffc) | cpl;
    env->segs[R_CS] = sc;
    env->eip = eip;
    x86_cpu_update_hflags(env);
}

/* JMP/CALL to an available TSS or through a task gate; false if neither. */
static bool x86_far_to_task(CPUX86State *env, uint32_t sel, uint32_t lo, uint32_t hi,
                            int source, uint32_t next_eip, uintptr_t ra)
{
    uint32_t type = (hi >> 8) & 0xf, dpl = (hi >> 13) & 3;

    if (type != DESC_T_TSS32_AVAIL && type != DESC_T_TSS16_AVAIL && type != DESC_T_TASK) {
        return false;
    }
    if (dpl < x86_cpl(env) || dpl < (sel & 3)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    x86_task_switch(env, type == DESC_T_TASK ? lo >> 16 : sel, source, next_eip, false, 0,
                    ra);
    return true;
}

void helper_x86_ljmp(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t next_eip)
{
    uintptr_t ra = GETPC();
    uint32_t lo, hi, type;

    sel &= 0xffff;
    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        x86_set_cs_real(env, sel, off);
        return;
    }
    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_descriptor(env, sel, &lo, &hi, ra)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (hi & DESC_S_MASK) {
        x86_check_code_seg(env, sel, lo, hi, ra);
        x86_load_cs(env, sel, lo, hi, x86_cpl(env), off, ra);
        return;
    }
    type = (hi >> 8) & 0xf;
    if (type == DESC_T_CALL16 || type == DESC_T_CALL32) {
        uint32_t dpl = (hi >> 13) & 3, cpl = x86_cpl(env);
        uint32_t gsel = lo >> 16, goff = (lo & 0xffff);
        uint32_t clo, chi, cdpl;

        if (type == DESC_T_CALL32) {
            goff |= hi & 0xffff0000u;
        }
        if (dpl < cpl || dpl < (sel & 3)) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        if (!(hi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
        }
        if ((gsel & 0xfffc) == 0 || !x86_load_descriptor(env, gsel, &clo, &chi, ra)) {
            x86_raise_exception_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
        }
        cdpl = (chi >> 13) & 3;
        if (!(chi & DESC_S_MASK) || !(chi & DESC_CS_MASK) ||
            ((chi & DESC_C_MASK) ? cdpl > cpl : cdpl != cpl)) {
            x86_raise_exception_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
        }
        if (!(chi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0B_NOSEG, gsel & 0xfffc, ra);
        }
        x86_load_cs(env, gsel, clo, chi, cpl, goff, ra);
        return;
    }
    if (x86_far_to_task(env, sel, lo, hi, TASK_SWITCH_JMP, next_eip, ra)) {
        return;
    }
    x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
}

void helper_x86_lcall(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t next_eip,
                      uint32_t ot)
{
    uintptr_t ra = GETPC();
    bool is32 = ot == MO_32;
    uint32_t lo, hi, type;
    X86Stack st;

    sel &= 0xffff;
    x86_stack_init(&st, env, ra);
    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        x86_stack_push(&st, is32, env->segs[R_CS].selector);
        x86_stack_push(&st, is32, next_eip);
        x86_stack_commit(&st);
        x86_set_cs_real(env, sel, off);
        return;
    }
    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_descriptor(env, sel, &lo, &hi, ra)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (hi & DESC_S_MASK) {
        x86_check_code_seg(env, sel, lo, hi, ra);
        x86_stack_push(&st, is32, env->segs[R_CS].selector);
        x86_stack_push(&st, is32, next_eip);
        x86_load_cs(env, sel, lo, hi, x86_cpl(env), off, ra);
        x86_stack_commit(&st);
        return;
    }
    type = (hi >> 8) & 0xf;
    if (type == DESC_T_CALL16 || type == DESC_T_CALL32) {
        uint32_t dpl = (hi >> 13) & 3, cpl = x86_cpl(env);
        uint32_t gsel = lo >> 16, goff = lo & 0xffff, nparams = hi & 0x1f;
        uint32_t clo, chi, cdpl;
        bool g32 = type == DESC_T_CALL32;

        if (g32) {
            goff |= hi & 0xffff0000u;
        }
        if (dpl < cpl || dpl < (sel & 3)) {
            x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
        }
        if (!(hi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
        }
        if ((gsel & 0xfffc) == 0 || !x86_load_descriptor(env, gsel, &clo, &chi, ra)) {
            x86_raise_exception_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
        }
        cdpl = (chi >> 13) & 3;
        if (!(chi & DESC_S_MASK) || !(chi & DESC_CS_MASK) || cdpl > cpl) {
            x86_raise_exception_err(env, EXCP0D_GPF, gsel & 0xfffc, ra);
        }
        if (!(chi & DESC_P_MASK)) {
            x86_raise_exception_err(env, EXCP0B_NOSEG, gsel & 0xfffc, ra);
        }
        if (!(chi & DESC_C_MASK) && cdpl < cpl) {
            /* More privileged: new stack from the TSS, parameters copied over. */
            uint32_t nss, nesp, slo, shi, params[32];
            int type_tr = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
            int sh = (type_tr & 8) ? 1 : 0;
            uint32_t toff = (cdpl * 4 + 2) << sh;
            int mmu = x86_sys_mmu_idx(env);
            SegmentCache nssc;
            X86Stack ns;
            uint32_t old_ss = env->segs[R_SS].selector, old_esp = env->regs[R_ESP];

            if (toff + (4 << sh) - 1 > env->tr.limit) {
                x86_raise_exception_err(env, EXCP0A_TSS, env->tr.selector & 0xfffc, ra);
            }
            if (sh) {
                nesp = cpu_ldl_mmuidx_ra(&env->cs, env->tr.base + toff, mmu, ra);
                nss = cpu_lduw_mmuidx_ra(&env->cs, env->tr.base + toff + 4, mmu, ra);
            } else {
                nesp = cpu_lduw_mmuidx_ra(&env->cs, env->tr.base + toff, mmu, ra);
                nss = cpu_lduw_mmuidx_ra(&env->cs, env->tr.base + toff + 2, mmu, ra);
            }
            if ((nss & 0xfffc) == 0 || (nss & 3) != cdpl ||
                !x86_load_descriptor(env, nss, &slo, &shi, ra) ||
                ((shi >> 13) & 3) != cdpl || !(shi & DESC_S_MASK) ||
                (shi & DESC_CS_MASK) || !(shi & DESC_RW_MASK)) {
                x86_raise_exception_err(env, EXCP0A_TSS, nss & 0xfffc, ra);
            }
            if (!(shi & DESC_P_MASK)) {
                x86_raise_exception_err(env, EXCP0C_STACK, nss & 0xfffc, ra);
            }
            for (uint32_t i = 0; i < nparams; i++) {
                uint32_t a = st.sp + (g32 ? 4 : 2) * i;

                params[i] = g32 ? cpu_ldl_mmuidx_ra(&env->cs, st.base + (a & st.mask),
                                                    st.mmu_idx, ra)
                                : cpu_lduw_mmuidx_ra(&env->cs, st.base + (a & st.mask),
                                                     st.mmu_idx, ra);
            }
            x86_seg_cache_from_desc(&nssc, nss, slo, shi);
            ns = (X86Stack){ env, nssc.base, nesp,
                             (shi & DESC_B_MASK) ? 0xffffffffu : 0xffff,
                             x86_mmu_idx_for_cpl(env, cdpl), ra };
            x86_stack_push(&ns, g32, old_ss);
            x86_stack_push(&ns, g32, old_esp);
            for (int i = (int)nparams - 1; i >= 0; i--) {
                x86_stack_push(&ns, g32, params[i]);
            }
            x86_stack_push(&ns, g32, env->segs[R_CS].selector);
            x86_stack_push(&ns, g32, next_eip);
            env->segs[R_SS] = nssc;
            env->regs[R_ESP] = (env->regs[R_ESP] & ~ns.mask) | (ns.sp & ns.mask);
            x86_load_cs(env, gsel, clo, chi, cdpl, goff, ra);
            return;
        }
        x86_stack_push(&st, g32, env->segs[R_CS].selector);
        x86_stack_push(&st, g32, next_eip);
        x86_load_cs(env, gsel, clo, chi, cpl, goff, ra);
        x86_stack_commit(&st);
        return;
    }
    if (x86_far_to_task(env, sel, lo, hi, TASK_SWITCH_CALL, next_eip, ra)) {
        return;
    }
    x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
}

/* After a return to an outer level, data segments the new level may not use are nulled. */
static void x86_validate_seg_on_return(CPUX86State *env, int seg, int cpl)
{
    SegmentCache *sc = &env->segs[seg];
    uint32_t dpl = (sc->flags >> 13) & 3;

    if ((sc->selector & 0xfffc) == 0) {
        return;
    }
    if ((!(sc->flags & DESC_CS_MASK) || !(sc->flags & DESC_C_MASK)) && dpl < (uint32_t)cpl) {
        *sc = (SegmentCache){ 0, 0, 0, 0 };
    }
}

/*
 * Common tail of RET far and IRET in protected mode: cs:eip popped (and flags for
 * IRET); returns to the same or an outer privilege level.
 */
static void x86_far_return(CPUX86State *env, X86Stack *st, bool is32, uint32_t sel,
                           uint32_t eip, uint32_t addend, uintptr_t ra)
{
    uint32_t lo, hi, dpl, rpl = sel & 3, cpl = x86_cpl(env);

    if ((sel & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    if (!x86_load_descriptor(env, sel, &lo, &hi, ra)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    dpl = (hi >> 13) & 3;
    if (!(hi & DESC_S_MASK) || !(hi & DESC_CS_MASK) || rpl < cpl ||
        ((hi & DESC_C_MASK) ? dpl > rpl : dpl != rpl)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    st->sp += addend;
    if (rpl == cpl) {
        x86_load_cs(env, sel, lo, hi, rpl, eip, ra);
        x86_stack_commit(st);
        return;
    }
    /* Outer level: pop ss:esp too. */
    uint32_t nesp = x86_stack_pop(st, is32);
    uint32_t nss = x86_stack_pop(st, is32) & 0xffff;
    uint32_t slo, shi;
    SegmentCache nssc;

    if ((nss & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    if ((nss & 3) != rpl || !x86_load_descriptor(env, nss, &slo, &shi, ra) ||
        !(shi & DESC_S_MASK) || (shi & DESC_CS_MASK) || !(shi & DESC_RW_MASK) ||
        ((shi >> 13) & 3) != rpl) {
        x86_raise_exception_err(env, EXCP0D_GPF, nss & 0xfffc, ra);
    }
    if (!(shi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0C_STACK, nss & 0xfffc, ra);
    }
    x86_load_cs(env, sel, lo, hi, rpl, eip, ra);
    x86_set_accessed(env, nss, &shi, ra);
    x86_seg_cache_from_desc(&nssc, nss, slo, shi);
    env->segs[R_SS] = nssc;
    nesp += addend;
    if (shi & DESC_B_MASK) {
        env->regs[R_ESP] = nesp;
    } else {
        env->regs[R_ESP] = (env->regs[R_ESP] & ~0xffffu) | (nesp & 0xffff);
    }
    x86_validate_seg_on_return(env, R_ES, rpl);
    x86_validate_seg_on_return(env, R_DS, rpl);
    x86_validate_seg_on_return(env, R_FS, rpl);
    x86_validate_seg_on_return(env, R_GS, rpl);
    x86_cpu_update_hflags(env);
}

void helper_x86_lret(CPUX86State *env, uint32_t ot, uint32_t addend)
{
    uintptr_t ra = GETPC();
    bool is32 = ot == MO_32;
    X86Stack st;
    uint32_t eip, sel;

    x86_stack_init(&st, env, ra);
    eip = x86_stack_pop(&st, is32);
    sel = x86_stack_pop(&st, is32) & 0xffff;
    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        st.sp += addend;
        x86_stack_commit(&st);
        x86_set_cs_real(env, sel, eip);
        return;
    }
    x86_far_return(env, &st, is32, sel, eip, addend, ra);
}

void helper_x86_iret(CPUX86State *env, uint32_t ot, uint32_t next_eip)
{
    uintptr_t ra = GETPC();
    bool is32 = ot == MO_32;
    uint32_t eip, sel, fl, mask, cpl = x86_cpl(env);
    X86Stack st;

    env->nmi_pending_mask = false;
    x86_stack_init(&st, env, ra);
    if (!(env->cr[0] & CR0_PE)) {
        eip = x86_stack_pop(&st, is32);
        sel = x86_stack_pop(&st, is32) & 0xffff;
        fl = x86_stack_pop(&st, is32);
        x86_stack_commit(&st);
        x86_set_cs_real(env, sel, eip);
        mask = CC_ALL | TF_MASK | IF_MASK | DF_MASK | IOPL_MASK | NT_MASK | AC_MASK |
               ID_MASK | RF_MASK;
        if (!is32) {
            mask &= 0xffff;
        }
        helper_x86_write_eflags(env, fl, mask);
        return;
    }
    if (env->eflags & VM_MASK) {
        /* IOPL = 3 (checked by the translator): like real mode, IOPL/VM unchanged. */
        eip = x86_stack_pop(&st, is32);
        sel = x86_stack_pop(&st, is32) & 0xffff;
        fl = x86_stack_pop(&st, is32);
        x86_stack_commit(&st);
        mask = CC_ALL | TF_MASK | IF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK | RF_MASK;
        if (!is32) {
            mask &= 0xffff;
        }
        x86_load_seg_checked(env, R_CS, sel, ra);
        env->eip = eip & 0xffff;
        helper_x86_write_eflags(env, fl, mask);
        return;
    }
    if (env->eflags & NT_MASK) {
        /* Return to the previous task named by the TSS link field. */
        uint32_t link = cpu_lduw_mmuidx_ra(&env->cs, env->tr.base, x86_sys_mmu_idx(env),
                                           ra);

        x86_task_switch(env, link, TASK_SWITCH_IRET, next_eip, false, 0, ra);
        return;
    }
    eip = x86_stack_pop(&st, is32);
    sel = x86_stack_pop(&st, is32) & 0xffff;
    fl = x86_stack_pop(&st, is32);
    if (is32 && (fl & VM_MASK) && cpl == 0) {
        /* Return to virtual-8086 mode. */
        uint32_t nesp = x86_stack_pop(&st, true);
        uint32_t nss = x86_stack_pop(&st, true);
        uint32_t es = x86_stack_pop(&st, true);
        uint32_t ds = x86_stack_pop(&st, true);
        uint32_t fs = x86_stack_pop(&st, true);
        uint32_t gs = x86_stack_pop(&st, true);

        x86_cpu_set_eflags(env, fl | VM_MASK);
        x86_load_seg_checked(env, R_CS, sel, ra);
        x86_load_seg_checked(env, R_SS, nss, ra);
        x86_load_seg_checked(env, R_ES, es, ra);
        x86_load_seg_checked(env, R_DS, ds, ra);
        x86_load_seg_checked(env, R_FS, fs, ra);
        x86_load_seg_checked(env, R_GS, gs, ra);
        env->regs[R_ESP] = nesp;
        env->eip = eip & 0xffff;
        x86_cpu_update_hflags(env);
        return;
    }
    mask = CC_ALL | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK | RF_MASK;
    if (cpl == 0) {
        mask |= IOPL_MASK | IF_MASK | VIF_MASK | VIP_MASK;
    } else if (cpl <= ((env->eflags & IOPL_MASK) >> IOPL_SHIFT)) {
        mask |= IF_MASK;
    }
    if (!is32) {
        mask &= 0xffff;
    }
    x86_far_return(env, &st, is32, sel, eip, 0, ra);
    helper_x86_write_eflags(env, fl, mask);
}

void helper_x86_lldt(CPUX86State *env, uint32_t sel)
{
    uintptr_t ra = GETPC();
    uint32_t lo, hi;

    sel &= 0xffff;
    if ((sel & 0xfffc) == 0) {
        env->ldt = (SegmentCache){ sel, 0, 0, 0 };
        return;
    }
    if ((sel & 4) || !x86_load_descriptor(env, sel, &lo, &hi, ra)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if ((hi & DESC_S_MASK) || ((hi >> 8) & 0xf) != DESC_T_LDT) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    x86_seg_cache_from_desc(&env->ldt, sel, lo, hi);
}

void helper_x86_ltr(CPUX86State *env, uint32_t sel)
{
    uintptr_t ra = GETPC();
    uint32_t lo, hi, type;

    sel &= 0xffff;
    if ((sel & 0xfffc) == 0 || (sel & 4)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!x86_load_descriptor(env, sel, &lo, &hi, ra)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    type = (hi >> 8) & 0xf;
    if ((hi & DESC_S_MASK) || (type != DESC_T_TSS16_AVAIL && type != DESC_T_TSS32_AVAIL)) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc, ra);
    }
    if (!(hi & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc, ra);
    }
    hi |= 2u << 8;      /* busy */
    cpu_stl_mmuidx_ra(&env->cs, x86_desc_addr(env, sel) + 4, hi, x86_sys_mmu_idx(env), ra);
    x86_seg_cache_from_desc(&env->tr, sel, lo, hi);
}

/*
 * LAR/LSL/VERR/VERW: ZF (in env->cc_tmp, with the other flags) tells success. The
 * visibility rule: descriptor DPL >= CPL and >= RPL, except conforming code.
 */
static bool x86_desc_visible(CPUX86State *env, uint32_t sel, uint32_t *lo, uint32_t *hi,
                             uintptr_t ra)
{
    uint32_t dpl, cpl = x86_cpl(env);

    if ((sel & 0xfffc) == 0 || !x86_load_descriptor(env, sel, lo, hi, ra)) {
        return false;
    }
    dpl = (*hi >> 13) & 3;
    if ((*hi & DESC_S_MASK) && (*hi & DESC_CS_MASK) && (*hi & DESC_C_MASK)) {
        return true;
    }
    return dpl >= cpl && dpl >= (sel & 3);
}

static void x86_set_zf_tmp(CPUX86State *env, bool z)
{
    uint32_t f = x86_cc_flags(env);

    env->cc_tmp = z ? (f | CC_Z) : (f & ~CC_Z);
}

uint32_t helper_x86_lar(CPUX86State *env, uint32_t sel)
{
    uint32_t lo, hi, type;
    bool ok = x86_desc_visible(env, sel, &lo, &hi, GETPC());

    if (ok && !(hi & DESC_S_MASK)) {
        type = (hi >> 8) & 0xf;
        ok = type == 1 || type == 2 || type == 3 || type == 4 || type == 5 ||
             type == 9 || type == 11 || type == 12;
    }
    x86_set_zf_tmp(env, ok);
    return ok ? (hi & 0x00f0ff00u) : 0;
}

uint32_t helper_x86_lsl(CPUX86State *env, uint32_t sel)
{
    uint32_t lo, hi, type, limit;
    bool ok = x86_desc_visible(env, sel, &lo, &hi, GETPC());

    if (ok && !(hi & DESC_S_MASK)) {
        type = (hi >> 8) & 0xf;
        ok = type == 1 || type == 2 || type == 3 || type == 9 || type == 11;
    }
    x86_set_zf_tmp(env, ok);
    if (!ok) {
        return 0;
    }
    limit = (lo & 0xffff) | (hi & 0x000f0000u);
    if (hi & DESC_G_MASK) {
        limit = (limit << 12) | 0xfff;
    }
    return limit;
}

void helper_x86_verr(CPUX86State *env, uint32_t sel)
{
    uint32_t lo, hi;
    bool ok = x86_desc_visible(env, sel, &lo, &hi, GETPC()) && (hi & DESC_S_MASK);

    if (ok && (hi & DESC_CS_MASK) && !(hi & DESC_RW_MASK)) {
        ok = false;
    }
    x86_set_zf_tmp(env, ok);
}

void helper_x86_verw(CPUX86State *env, uint32_t sel)
{
    uint32_t lo, hi;
    bool ok = x86_desc_visible(env, sel, &lo, &hi, GETPC()) && (hi & DESC_S_MASK) &&
              !(hi & DESC_CS_MASK) && (hi & DESC_RW_MASK);

    if (ok && (((hi >> 13) & 3) < x86_cpl(env) || ((hi >> 13) & 3) < (sel & 3))) {
        ok = false;
    }
    x86_set_zf_tmp(env, ok);
}

static void x86_set_flat(CPUX86State *env, int seg, uint32_t sel, int dpl, bool code)
{
    uint32_t flags = DESC_P_MASK | DESC_S_MASK | DESC_B_MASK | DESC_G_MASK | DESC_A_MASK |
                     DESC_RW_MASK | ((uint32_t)dpl << DESC_DPL_SHIFT);

    if (code) {
        flags |= DESC_CS_MASK;
    }
    env->segs[seg] = (SegmentCache){ sel & 0xffff, 0, 0xffffffffu, flags };
}

void helper_x86_sysenter(CPUX86State *env)
{
    if ((env->sysenter_cs & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, GETPC());
    }
    env->eflags &= ~(VM_MASK | IF_MASK | RF_MASK);
    x86_set_flat(env, R_CS, env->sysenter_cs & 0xfffc, 0, true);
    x86_set_flat(env, R_SS, (env->sysenter_cs + 8) & 0xfffc, 0, false);
    env->regs[R_ESP] = env->sysenter_esp;
    env->eip = env->sysenter_eip;
    x86_cpu_update_hflags_segs(env, (1u << R_CS) | (1u << R_SS));
}

void helper_x86_sysexit(CPUX86State *env)
{
    if ((env->sysenter_cs & 0xfffc) == 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, GETPC());
    }
    x86_set_flat(env, R_CS, ((env->sysenter_cs + 16) & 0xfffc) | 3, 3, true);
    x86_set_flat(env, R_SS, ((env->sysenter_cs + 24) & 0xfffc) | 3, 3, false);
    env->regs[R_ESP] = env->regs[R_ECX];
    env->eip = env->regs[R_EDX];
    x86_cpu_update_hflags_segs(env, (1u << R_CS) | (1u << R_SS));
}

/*
 * Check a data access of len bytes at linear address linear through segment seg
 * (SDM Vol. 3, 5.3 and 5.4). The offset is recovered from the linear address, so
 * the check sees exactly what the access does. Every violation has error code 0:
 * #SS(0) through SS, #GP(0) through the others (Vol. 3, 6.15, "Interrupt 12" and
 * "Interrupt 13"). For expand-down segments valid offsets are limit+1 .. FFFFh or
 * FFFFFFFFh (by the B flag); a multi-byte access must fit entirely, so its last
 * byte is checked as well as its first.
 */
void helper_x86_seg_check(CPUX86State *env, uint32_t seg, uint32_t linear,
                          uint32_t len_rw)
{
    const SegmentCache *sc = &env->segs[seg];
    uint32_t len = len_rw & 0xff;
    bool is_write = (len_rw & X86_SEGCHK_WRITE) != 0;
    uint32_t off = linear - sc->base;
    uint32_t last = off + len - 1;
    uint32_t fl = sc->flags;
    int vec = seg == R_SS ? EXCP0C_STACK : EXCP0D_GPF;
    bool prot = (env->cr[0] & CR0_PE) && !(env->eflags & VM_MASK);

    if (prot) {
        if (!(fl & DESC_P_MASK) || !(fl & DESC_S_MASK)) {
            /* Null selector loaded in protected mode: unusable. */
            x86_raise_exception_err(env, EXCP0D_GPF, 0, GETPC());
        }
        if (fl & DESC_CS_MASK) {
            if (is_write || !(fl & DESC_RW_MASK)) {
                x86_raise_exception_err(env, vec, 0, GETPC());
            }
        } else if (is_write && !(fl & DESC_RW_MASK)) {
            x86_raise_exception_err(env, vec, 0, GETPC());
        }
    }
    if (prot && !(fl & DESC_CS_MASK) && (fl & DESC_E_MASK)) {
        uint32_t upper = (fl & DESC_B_MASK) ? 0xffffffffu : 0xffffu;

        if (off <= sc->limit || last > upper || last < off) {
            x86_raise_exception_err(env, vec, 0, GETPC());
        }
        return;
    }
    if (last > sc->limit || last < off) {
        x86_raise_exception_err(env, vec, 0, GETPC());
    }
}
