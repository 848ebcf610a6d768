/*
 * i386 CPU model (a fixed i686-class core): class table, reset, mode flags, the
 * board interfaces (interrupt source, A20, flat segment loads), register dump and
 * save/restore.
 *
 * Reset state follows the Intel SDM Vol. 3, 9.1.1 "Processor State After Reset"
 * (CS = F000h with base FFFF0000h, EIP = FFF0h, CR0 = 60000010h, EDX = signature).
 */
#include "qemu/osdep.h"
#include <capstone.h>
#include "internal.h"
#include "migration/vmstate.h"
#include "exec/exec-all.h"
#include "exec/gdbstub.h"
#include "qemu/timer.h"
#include "qemu/log.h"
#include "../accel/tcg/internal.h"

/*
 * How translated code must check data accesses through segment seg (X86_SEGCLS_*).
 * Real mode keeps whatever limit the cache holds (64 KiB after reset, more in
 * "unreal" mode) and checks it as hardware does (SDM Vol. 3, 20.1.1: a word access at
 * offset FFFFh faults); its attributes are not checked. Virtual-8086 segments are
 * 64 KiB writable data. In protected mode a segment loaded with a null selector is
 * unusable (its cache has P = 0): any access is #GP(0) (SDM Vol. 3, 3.4.2).
 */
static uint32_t x86_seg_check_class(CPUX86State *env, int seg)
{
    const SegmentCache *sc = &env->segs[seg];
    uint32_t fl = sc->flags;

    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        return sc->limit == 0xffffffffu ? X86_SEGCLS_FLAT : X86_SEGCLS_LIMIT;
    }
    if (!(fl & DESC_P_MASK) || !(fl & DESC_S_MASK)) {
        return X86_SEGCLS_SLOW;
    }
    if (fl & DESC_CS_MASK) {
        /* Code: never writable; readable only with R. */
        return (fl & DESC_RW_MASK) ? X86_SEGCLS_RO : X86_SEGCLS_SLOW;
    }
    if (fl & DESC_E_MASK) {
        return X86_SEGCLS_SLOW;
    }
    if (!(fl & DESC_RW_MASK)) {
        return X86_SEGCLS_RO;
    }
    return sc->limit == 0xffffffffu ? X86_SEGCLS_FLAT : X86_SEGCLS_LIMIT;
}

/*
 * A data segment register (not CS) was loaded: update only what depends on it. The
 * full x86_cpu_update_hflags costs more, and Linux reloads DS/ES/FS on every kernel
 * entry and exit.
 */
void x86_cpu_seg_loaded(CPUX86State *env, int seg)
{
    uint32_t h = env->hflags;
    uint32_t cls;

    if (seg == R_CS) {
        x86_cpu_update_hflags(env);
        return;
    }
    cls = x86_seg_check_class(env, seg);
    env->seg_class[seg] = cls;
    h &= ~((3u << (HF_SEG_SHIFT + 2 * seg)) | HF_ADDSEG_MASK);
    if (x86_seg_in_tb_flags(seg, h & HF_CPL_MASK)) {
        h |= cls << (HF_SEG_SHIFT + 2 * seg);
    }
    if (env->segs[R_DS].base | env->segs[R_ES].base | env->segs[R_SS].base) {
        h |= HF_ADDSEG_MASK;
    }
    if (seg == R_SS) {
        h &= ~HF_SS32_MASK;
        if (env->segs[R_SS].flags & DESC_B_MASK) {
            h |= HF_SS32_MASK;
        }
    }
    env->hflags = h;
}

/* True when DR7 enables one of DR0-DR3 (L or G bit). */
static bool x86_dr7_any_enabled(uint32_t dr7)
{
    return (dr7 & 0xff) != 0;
}

/*
 * Rebuild hflags, recomputing the check classes of the segments in seg_mask only
 * (1 << seg each); the others' caches and PE/VM must be as they were. POPF, CR3 loads
 * (none) and SYSENTER/SYSEXIT (CS and SS) are frequent and change few or none.
 */
static void x86_hflags_rebuild(CPUX86State *env, unsigned seg_mask)
{
    uint32_t h = env->hflags & HF_INHIBIT_IRQ_MASK;
    int cpl = 0;

    if (env->cr[0] & CR0_PE) {
        cpl = (env->eflags & VM_MASK) ? 3 : env->segs[R_CS].selector & 3;
    }
    for (int seg = 0; seg < 6; seg++) {
        if (seg_mask & (1u << seg)) {
            env->seg_class[seg] = x86_seg_check_class(env, seg);
        }
        if (x86_seg_in_tb_flags(seg, cpl)) {
            h |= (uint32_t)env->seg_class[seg] << (HF_SEG_SHIFT + 2 * seg);
        }
    }
    if ((env->cr[0] & CR0_AM) && (env->eflags & AC_MASK) && (env->cr[0] & CR0_PE) &&
        ((env->eflags & VM_MASK) || (env->segs[R_CS].selector & 3) == 3)) {
        h |= HF_AC_MASK;
    }
    if (x86_dr7_any_enabled(env->dr[7])) {
        h |= HF_DBG_MASK;
        if (env->eflags & RF_MASK) {
            h |= HF_RF_MASK;
        }
    }

    if (env->cr[0] & CR0_PE) {
        h |= HF_PE_MASK;
        if (env->eflags & VM_MASK) {
            h |= HF_VM_MASK | 3;
        } else {
            h |= env->segs[R_CS].selector & 3;
        }
    }
    if (env->segs[R_CS].flags & DESC_B_MASK) {
        h |= HF_CS32_MASK;
    }
    if (env->segs[R_SS].flags & DESC_B_MASK) {
        h |= HF_SS32_MASK;
    }
    if (env->segs[R_DS].base | env->segs[R_ES].base | env->segs[R_SS].base) {
        h |= HF_ADDSEG_MASK;
    }
    if (env->eflags & TF_MASK) {
        h |= HF_TF_MASK;
    }
    if (env->cr[0] & CR0_PG) {
        h |= HF_PG_MASK;
    }
    h |= ((env->eflags & IOPL_MASK) >> IOPL_SHIFT) << HF_IOPL_SHIFT;
    if (env->cr[0] & CR0_EM) {
        h |= HF_EM_MASK;
    }
    if (env->cr[0] & CR0_TS) {
        h |= HF_TS_MASK;
    }
    if (env->cr[0] & CR0_MP) {
        h |= HF_MP_MASK;
    }
    if (env->cr[4] & CR4_OSFXSR) {
        h |= HF_OSFXSR_MASK;
    }
    env->hflags = h;
}

void x86_cpu_update_hflags(CPUX86State *env)
{
    x86_hflags_rebuild(env, 0x3f);
}

void x86_cpu_update_hflags_segs(CPUX86State *env, unsigned seg_mask)
{
    bool pe = (env->cr[0] & CR0_PE) != 0, vm = (env->eflags & VM_MASK) != 0;

    /* A mode change reinterprets every segment cache. */
    if (pe != ((env->hflags & HF_PE_MASK) != 0) || vm != ((env->hflags & HF_VM_MASK) != 0)) {
        seg_mask = 0x3f;
    }
    x86_hflags_rebuild(env, seg_mask);
}

uint32_t x86_cpu_get_eflags(CPUX86State *env)
{
    uint32_t v = env->eflags & ~(CC_ALL | DF_MASK);

    v |= x86_cc_flags(env) & CC_ALL;
    if (env->df < 0) {
        v |= DF_MASK;
    }
    return v | EFLAGS_FIXED;
}

void x86_cpu_set_eflags(CPUX86State *env, uint32_t v)
{
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = v & CC_ALL;
    env->cc_dst = env->cc_src2 = 0;
    env->df = (v & DF_MASK) ? -1 : 1;
    uint32_t changed = env->eflags ^ v;

    env->eflags = (v & ~(CC_ALL | DF_MASK)) | EFLAGS_FIXED;
    /*
     * Only VM, IOPL, TF, AC and RF reach hflags. Linux's system call entry and exit
     * run three POPFs that change none of them (IF aside); callers that also change
     * CS, CR0 or the segments rebuild hflags themselves.
     */
    if (changed & (VM_MASK | IOPL_MASK | TF_MASK | AC_MASK | RF_MASK)) {
        x86_hflags_rebuild(env, (changed & VM_MASK) ? 0x3f : 0);
    }
}

void x86_cpu_set_seg(CPUX86State *env, int seg, uint32_t selector, uint32_t base,
                     uint32_t limit, uint32_t flags)
{
    SegmentCache *sc = &env->segs[seg];

    sc->selector = selector & 0xffff;
    sc->base = base;
    sc->limit = limit;
    sc->flags = flags;
    x86_cpu_update_hflags(env);
}

void x86_cpu_load_seg_flat32(CPUX86State *env, int seg, uint32_t selector, bool code)
{
    uint32_t flags = DESC_P_MASK | DESC_S_MASK | DESC_B_MASK | DESC_G_MASK | DESC_A_MASK |
                     DESC_RW_MASK;

    if (code) {
        flags |= DESC_CS_MASK;
    }
    flags |= (selector & 3u) << DESC_DPL_SHIFT;
    x86_cpu_set_seg(env, seg, selector, 0, 0xffffffffu, flags);
}

void x86_cpu_load_seg_real(CPUX86State *env, int seg, uint32_t selector)
{
    uint32_t flags = DESC_P_MASK | DESC_S_MASK | DESC_A_MASK | DESC_RW_MASK;

    if (seg == R_CS) {
        flags |= DESC_CS_MASK;
    }
    x86_cpu_set_seg(env, seg, selector, (selector & 0xffff) << 4, 0xffff, flags);
}

void x86_cpu_set_irq_source(CPUState *cpu, int (*get_vector)(void *opaque), void *opaque)
{
    CPUX86State *env = x86_env(cpu);

    env->get_vector = get_vector;
    env->get_vector_opaque = opaque;
}

/*
 * With paging off (X86_MMU_IDX_PHYS) a linear address is the physical one, masked
 * by the A20 gate; nothing else (no SMM here) changes that mapping. The direct
 * RAM window starts at 1 MiB, above VGA memory and the BIOS ROMs (0xa0000-
 * 0xfffff), and cputlb cuts it to the RAM found there (up to the PCI hole or the
 * end of low RAM). With A20 masked, addresses with bit 20 set alias the first
 * MiB: no window then (Linux opens A20 before it leaves real mode).
 */
static void x86_cpu_set_windows(CPUX86State *env)
{
    CPUState *cs = &env->cs;
    bool a20 = env->a20_mask == 0xffffffffu;

    tlb_set_window(cs, X86_MMU_IDX_PHYS, 0x100000u, 0x100000u,
                   a20 ? 0xfff00000u : 0);
    tlb_set_window(cs, X86_MMU_IDX_KERNEL, 0, 0, 0);
    tlb_set_window(cs, X86_MMU_IDX_USER, 0, 0, 0);
}

void x86_cpu_set_a20(CPUX86State *env, bool enabled)
{
    uint32_t mask = enabled ? 0xffffffffu : ~(1u << 20);

    if (mask != env->a20_mask) {
        env->a20_mask = mask;
        /* Every cached translation may point through the old alias. */
        tlb_flush(&env->cs);
        x86_cpu_set_windows(env);
    }
}

uint64_t x86_cpu_get_tsc(CPUX86State *env)
{
    /* One TSC tick per virtual nanosecond: a 1 GHz part. */
    return env->tsc + (uint64_t)(clock_get_ns(CLOCK_VIRTUAL) - env->tsc_ns_base);
}

static void x86_cpu_init(CPUState *cs)
{
    CPUX86State *env = x86_env(cs);

    env->get_vector = NULL;
    env->get_vector_opaque = NULL;
}

static void x86_cpu_reset(CPUState *cs)
{
    CPUX86State *env = x86_env(cs);
    uint32_t a, b, c, d;

    memset(env->regs, 0, sizeof(env->regs));
    env->eflags = EFLAGS_FIXED;
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = env->cc_dst = env->cc_src2 = 0;
    env->df = 1;
    env->hflags = 0;
    memset(env->cr, 0, sizeof(env->cr));
    env->cr[0] = CR0_CD | CR0_NW | CR0_ET;
    memset(env->dr, 0, sizeof(env->dr));
    env->dr[6] = 0xffff0ff0u;
    env->dr[7] = 0x400;
    env->efer = 0;
    env->sysenter_cs = env->sysenter_esp = env->sysenter_eip = 0;
    env->pat = 0x0007040600070406ull;
    env->misc_enable = 1;
    env->tsc = 0;
    env->tsc_ns_base = clock_get_ns(CLOCK_VIRTUAL);
    env->a20_mask = 0xffffffffu;
    env->halted = 0;
    env->apic_base = 0xfee00000u | MSR_IA32_APICBASE_ENABLE |
                     (cs->cpu_index == 0 ? MSR_IA32_APICBASE_BSP : 0);
    env->error_code = 0;
    env->old_exception = -1;
    env->exception_is_int = 0;
    env->exception_next_eip = 0;
    env->nmi_pending_mask = false;

    for (int i = 0; i < 6; i++) {
        x86_cpu_load_seg_real(env, i, 0);
    }
    x86_cpu_set_seg(env, R_CS, 0xf000, 0xffff0000u, 0xffff,
                    DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_RW_MASK | DESC_A_MASK);
    env->ldt = (SegmentCache){ 0, 0, 0xffff, DESC_P_MASK | (DESC_T_LDT << 8) };
    env->tr = (SegmentCache){ 0, 0, 0xffff, DESC_P_MASK | (DESC_T_TSS32_BUSY << 8) };
    env->gdt = (SegmentCache){ 0, 0, 0xffff, 0 };
    env->idt = (SegmentCache){ 0, 0, 0xffff, 0 };
    env->eip = 0xfff0;

    x86_cpuid_query(env, 1, 0, &a, &b, &c, &d);
    env->regs[R_EDX] = a;

    x86_fpu_reset(env);
    memset(env->xmm, 0, sizeof(env->xmm));
    env->mxcsr = 0x1f80;

    cs->exception_index = EXCP_NONE;
    cs->halted = false;
    x86_cpu_update_hflags(env);
    tlb_flush(cs);
    x86_cpu_set_windows(env);
}

static bool x86_cpu_has_work(CPUState *cs)
{
    CPUX86State *env = x86_env(cs);

    return ((cs->interrupt_request & CPU_INTERRUPT_HARD) && (env->eflags & IF_MASK)) ||
           (cs->interrupt_request & (CPU_INTERRUPT_NMI | CPU_INTERRUPT_RESET));
}

static void x86_cpu_get_tb_cpu_state(CPUState *cs, vaddr *pc, uint32_t *cs_base,
                                     uint32_t *flags)
{
    CPUX86State *env = x86_env(cs);

    *cs_base = env->segs[R_CS].base;
    *pc = *cs_base + env->eip;
    *flags = env->hflags & HF_TB_MASK;
}

static void x86_cpu_synchronize_from_tb(CPUState *cs, const TranslationBlock *tb)
{
    CPUX86State *env = x86_env(cs);

    env->eip = tb->pc - tb->cs_base;
}

static void x86_cpu_restore_state_to_opc(CPUState *cs, const TranslationBlock *tb,
                                         const uint64_t *data)
{
    CPUX86State *env = x86_env(cs);

    env->eip = (uint32_t)data[0] - tb->cs_base;
    if ((int32_t)data[1] != CC_OP_DYNAMIC) {
        env->cc_op = (uint32_t)data[1];
    }
}

static int x86_cpu_mmu_index(CPUState *cs, bool ifetch)
{
    CPUX86State *env = x86_env(cs);

    if (!(env->hflags & HF_PG_MASK)) {
        return X86_MMU_IDX_PHYS;
    }
    return (env->hflags & HF_CPL_MASK) == 3 ? X86_MMU_IDX_USER : X86_MMU_IDX_KERNEL;
}

static vaddr x86_cpu_get_pc(CPUState *cs)
{
    CPUX86State *env = x86_env(cs);

    return env->segs[R_CS].base + env->eip;
}

static void x86_cpu_set_pc(CPUState *cs, vaddr pc)
{
    CPUX86State *env = x86_env(cs);

    env->eip = pc - env->segs[R_CS].base;
}

static int x86_cpu_disas_mode_now(CPUState *cs, uint32_t tb_flags)
{
    return (tb_flags & HF_CS32_MASK) ? CS_MODE_32 : CS_MODE_16;
}

static void x86_dump_seg(FILE *f, const char *name, const SegmentCache *sc)
{
    uint32_t fl = sc->flags;

    fprintf(f, "%-3s=%04x %08x %08x %08x", name, sc->selector, sc->base, sc->limit, fl);
    if (!(fl & DESC_P_MASK)) {
        fprintf(f, "\n");
    } else if (fl & DESC_S_MASK) {
        bool code = fl & DESC_CS_MASK;

        fprintf(f, " DPL=%u %s [%c%c%c]\n", (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT,
                code ? ((fl & DESC_B_MASK) ? "CS32" : "CS16")
                     : ((fl & DESC_B_MASK) ? "DS  " : "DS16"),
                code ? ((fl & DESC_C_MASK) ? 'C' : '-') : ((fl & DESC_E_MASK) ? 'E' : '-'),
                code ? ((fl & DESC_RW_MASK) ? 'R' : '-') : ((fl & DESC_RW_MASK) ? 'W' : '-'),
                (fl & DESC_A_MASK) ? 'A' : '-');
    } else {
        static const char *const sys_names[16] = {
            "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate",
            "IntGate16", "TrapGate16", "Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
            "CallGate32", "Reserved", "IntGate32", "TrapGate32",
        };

        fprintf(f, " DPL=%u %s\n", (fl & DESC_DPL_MASK) >> DESC_DPL_SHIFT,
                sys_names[(fl >> DESC_TYPE_SHIFT) & 15]);
    }
}

/* The layout of QEMU's `info registers` for a 32-bit x86 CPU. */
static void x86_cpu_dump_state(CPUState *cs, FILE *f, int flags)
{
    CPUX86State *env = x86_env(cs);
    uint32_t ef = x86_cpu_get_eflags(env);
    static const char *const seg_names[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };

    fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n",
            env->regs[R_EAX], env->regs[R_EBX], env->regs[R_ECX], env->regs[R_EDX]);
    fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n",
            env->regs[R_ESI], env->regs[R_EDI], env->regs[R_EBP], env->regs[R_ESP]);
    fprintf(f, "EIP=%08x EFL=%08x [%c%c%c%c%c%c%c] CPL=%u II=%u A20=%u SMM=0 HLT=%u\n",
            env->eip, ef,
            (ef & DF_MASK) ? 'D' : '-', (ef & CC_O) ? 'O' : '-',
            (ef & CC_S) ? 'S' : '-', (ef & CC_Z) ? 'Z' : '-',
            (ef & CC_A) ? 'A' : '-', (ef & CC_P) ? 'P' : '-',
            (ef & CC_C) ? 'C' : '-',
            env->hflags & HF_CPL_MASK, (env->hflags & HF_INHIBIT_IRQ_MASK) ? 1 : 0,
            (env->a20_mask >> 20) & 1, cs->halted ? 1 : 0);
    for (int i = 0; i < 6; i++) {
        x86_dump_seg(f, seg_names[i], &env->segs[i]);
    }
    x86_dump_seg(f, "LDT", &env->ldt);
    x86_dump_seg(f, "TR", &env->tr);
    fprintf(f, "GDT=     %08x %08x\n", env->gdt.base, env->gdt.limit);
    fprintf(f, "IDT=     %08x %08x\n", env->idt.base, env->idt.limit);
    fprintf(f, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n",
            env->cr[0], env->cr[2], env->cr[3], env->cr[4]);
    for (int i = 0; i < 4; i++) {
        fprintf(f, "DR%d=%08x ", i, env->dr[i]);
    }
    fprintf(f, "\nDR6=%08x DR7=%08x\n", env->dr[6], env->dr[7]);
    fprintf(f, "CCS=%08x CCD=%08x CCO=%-8u EFER=%016" PRIx64 "\n",
            env->cc_src, env->cc_dst, env->cc_op, env->efer);
    fprintf(f, "FCW=%04x FSW=%04x [ST=%u] FTW=%02x MXCSR=%08x\n",
            env->fpuc, (uint16_t)((env->fpus & ~0x3800u) | ((env->fpstt & 7) << 11)),
            env->fpstt & 7,
            (unsigned)((env->fptags[0] ^ 1) | ((env->fptags[1] ^ 1) << 1) |
                       ((env->fptags[2] ^ 1) << 2) | ((env->fptags[3] ^ 1) << 3) |
                       ((env->fptags[4] ^ 1) << 4) | ((env->fptags[5] ^ 1) << 5) |
                       ((env->fptags[6] ^ 1) << 6) | ((env->fptags[7] ^ 1) << 7)),
            env->mxcsr);
}

/*
 * Run exactly one instruction at the current state through the normal translation
 * path (an uncached one-insn TB). Used by an accelerator that needs one insn emulated.
 * Returns EXCP_NONE, or the exception vector the insn raised (already delivered).
 */
int x86_cpu_exec_one_insn(CPUState *cpu)
{
    volatile int ret = EXCP_NONE;
    vaddr pc;
    uint32_t cs_base, flags;

    if (cpu_setjmp(cpu->jmp_env) == 0) {
        cpu->cc->get_tb_cpu_state(cpu, &pc, &cs_base, &flags);
        TranslationBlock *tb = tb_gen_code(cpu, pc, cs_base, flags,
                                           1 | CF_NOCACHE | CF_NOCHAIN);
        tcg_ctx->backend->exec(cpu, tb->tc.ptr);
    }
    if (cpu->exception_index >= 0 && cpu->exception_index < EXCP_INTERNAL_BASE) {
        ret = cpu->exception_index;
        cpu->cc->do_interrupt(cpu);
    }
    if (cpu->exception_index == EXCP_HLT) {
        ret = EXCP_HLT;
    }
    cpu->exception_index = EXCP_NONE;
    return ret;
}

/* ---- save/restore ---- */

static const VMStateField vmstate_x86_seg_fields[] = {
    VMSTATE_UINT32(selector, SegmentCache),
    VMSTATE_UINT32(base, SegmentCache),
    VMSTATE_UINT32(limit, SegmentCache),
    VMSTATE_UINT32(flags, SegmentCache),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_x86_seg = {
    .name = "x86-segment",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = vmstate_x86_seg_fields,
};

static const VMStateField vmstate_x86_fpreg_fields[] = {
    VMSTATE_UINT64(mant, X86Float80),
    VMSTATE_UINT16(sexp, X86Float80),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_x86_fpreg = {
    .name = "x86-fpreg",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = vmstate_x86_fpreg_fields,
};

static const VMStateField vmstate_x86_xmm_fields[] = {
    VMSTATE_UINT64_ARRAY(q, X86XMMReg, 2),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_x86_xmm = {
    .name = "x86-xmm",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = vmstate_x86_xmm_fields,
};

static int x86_cpu_pre_save(void *opaque)
{
    CPUX86State *env = opaque;

    /* Save the TSC as a value at a moment so the restore can rebase it. */
    env->tsc = x86_cpu_get_tsc(env);
    /* cc_lazy is not in the stream: fold a CC_OP_LAZY state into plain flags. */
    if (env->cc_op >= CC_OP_LAZY) {
        env->cc_src = x86_cc_flags(env) & CC_ALL;
        env->cc_op = CC_OP_EFLAGS;
        env->cc_dst = env->cc_src2 = 0;
    }
    env->tsc_ns_base = clock_get_ns(CLOCK_VIRTUAL);
    return 0;
}

static int x86_cpu_post_load(void *opaque, int version_id)
{
    CPUX86State *env = opaque;

    env->tsc_ns_base = clock_get_ns(CLOCK_VIRTUAL);
    x86_cpu_update_hflags(env);
    tlb_flush(&env->cs);
    x86_cpu_set_windows(env);
    return 0;
}

#define X86_U32(f) VMSTATE_UINT32(f, CPUX86State)

static const VMStateField vmstate_x86_cpu_fields[] = {
    VMSTATE_UINT32_ARRAY(regs, CPUX86State, 8),
    X86_U32(eip), X86_U32(eflags), VMSTATE_INT32(df, CPUX86State),
    X86_U32(cc_op), X86_U32(cc_dst), X86_U32(cc_src), X86_U32(cc_src2),
    VMSTATE_STRUCT_ARRAY(segs, CPUX86State, 6, vmstate_x86_seg, SegmentCache),
    VMSTATE_STRUCT(ldt, CPUX86State, vmstate_x86_seg, SegmentCache),
    VMSTATE_STRUCT(tr, CPUX86State, vmstate_x86_seg, SegmentCache),
    VMSTATE_STRUCT(gdt, CPUX86State, vmstate_x86_seg, SegmentCache),
    VMSTATE_STRUCT(idt, CPUX86State, vmstate_x86_seg, SegmentCache),
    VMSTATE_UINT32_ARRAY(cr, CPUX86State, 5),
    VMSTATE_UINT32_ARRAY(dr, CPUX86State, 8),
    VMSTATE_UINT64(efer, CPUX86State),
    X86_U32(sysenter_cs), X86_U32(sysenter_esp), X86_U32(sysenter_eip),
    VMSTATE_UINT64(pat, CPUX86State),
    VMSTATE_UINT64(misc_enable, CPUX86State),
    VMSTATE_UINT64(tsc, CPUX86State),
    X86_U32(a20_mask), X86_U32(hflags), VMSTATE_INT32(halted, CPUX86State),
    X86_U32(apic_base),
    VMSTATE_INT32(error_code, CPUX86State),
    VMSTATE_INT32(old_exception, CPUX86State),
    VMSTATE_BOOL(nmi_pending_mask, CPUX86State),
    VMSTATE_BOOL(cs.halted, CPUX86State),
    VMSTATE_UINT32(cs.interrupt_request, CPUX86State),
    VMSTATE_STRUCT_ARRAY(fpregs, CPUX86State, 8, vmstate_x86_fpreg, X86Float80),
    X86_U32(fpstt),
    VMSTATE_UINT16(fpus, CPUX86State),
    VMSTATE_UINT16(fpuc, CPUX86State),
    VMSTATE_UINT8_ARRAY(fptags, CPUX86State, 8),
    VMSTATE_UINT16(fpop, CPUX86State),
    X86_U32(fpip), X86_U32(fpcs), X86_U32(fpdp), X86_U32(fpds),
    VMSTATE_STRUCT_ARRAY(xmm, CPUX86State, 8, vmstate_x86_xmm, X86XMMReg),
    X86_U32(mxcsr),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_x86_cpu = {
    .name = "cpu-i386",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = x86_cpu_pre_save,
    .post_load = x86_cpu_post_load,
    .fields = vmstate_x86_cpu_fields,
};

static const CPUClass x86_cpu_classes[] = {
    {
        .arch_name = "i386",
        .model_name = "i686",
        .state_size = sizeof(CPUX86State),
        .init = x86_cpu_init,
        .reset = x86_cpu_reset,
        .has_work = x86_cpu_has_work,
        .do_interrupt = x86_cpu_do_interrupt,
        .exec_interrupt = x86_cpu_exec_interrupt,
        .get_tb_cpu_state = x86_cpu_get_tb_cpu_state,
        .synchronize_from_tb = x86_cpu_synchronize_from_tb,
        .restore_state_to_opc = x86_cpu_restore_state_to_opc,
        .tlb_fill = x86_cpu_tlb_fill,
        .do_unaligned_access = x86_cpu_do_unaligned_access,
        .mmu_index = x86_cpu_mmu_index,
        .translate_code = x86_translate_code,
        .tb_flags_optional = X86_TB_FLAGS_OPTIONAL,
        .tcg_init = x86_tcg_init,
        .get_phys_page_debug = x86_cpu_get_phys_page_debug,
        .dump_state = x86_cpu_dump_state,
        .dump_tlb = x86_cpu_dump_tlb,
        .get_pc = x86_cpu_get_pc,
        .set_pc = x86_cpu_set_pc,
        .disas_arch = CS_ARCH_X86,
        .disas_mode = CS_MODE_32,
        .disas_mode_now = x86_cpu_disas_mode_now,
        .vmsd = &vmstate_x86_cpu,
        .gdb_num_regs = 41,             /* through mxcsr (gdbstub.c) */
        .gdb_read_register = x86_cpu_gdb_read_register,     /* gdbstub */
        .gdb_write_register = x86_cpu_gdb_write_register,
    },
};

static void __attribute__((constructor)) x86_cpu_register(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(x86_cpu_classes); i++) {
        cpu_class_register(&x86_cpu_classes[i]);
    }
}
