/*
 * i386 system helpers: CPUID (the fixed i686 model), RDTSC, RDMSR/WRMSR, port I/O with
 * the IOPL / TSS I/O-bitmap checks, HLT, control and debug registers, INVLPG, BOUND.
 *
 * Intel SDM Vol. 2 (CPUID leaf 0/1 layout, RDTSC, RDMSR, WRMSR, IN/OUT, BOUND), Vol. 3
 * 2.5 (control registers), 4.10.4 (TLB invalidation on MOV to CR3/CR4, INVLPG), 19.5.2
 * (I/O permission bit map). Not modelled: performance counters (RDPMC is #UD),
 * machine-check MSRs and MTRRs (CPUID claims neither; their MSRs raise #GP like any
 * MSR the model does not have).
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "exec/memory.h"
#include "qemu/log.h"
#include "qemu/timer.h"

/* CPUID.1:EDX feature bits. */
#define CPUID_FP87  (1u << 0)
#define CPUID_VME   (1u << 1)
#define CPUID_DE    (1u << 2)
#define CPUID_PSE   (1u << 3)
#define CPUID_TSC   (1u << 4)
#define CPUID_MSR   (1u << 5)
#define CPUID_PAE   (1u << 6)
#define CPUID_CX8   (1u << 8)
#define CPUID_APIC  (1u << 9)
#define CPUID_SEP   (1u << 11)
#define CPUID_PGE   (1u << 13)
#define CPUID_CMOV  (1u << 15)
#define CPUID_MMX   (1u << 23)
#define CPUID_FXSR  (1u << 24)
#define CPUID_SSE   (1u << 25)
#define CPUID_SSE2  (1u << 26)
#define CPUID_CLFSH (1u << 19)

/* CPUID.1:ECX */
#define CPUID_EXT_HYPERVISOR (1u << 31)
/* First leaf of the range the processor leaves to hypervisors (0x40000000-0x400000ff). */
#define CPUID_HV_LEAF 0x40000000u

/* Exactly what the translator implements. */
static const uint32_t x86_cpuid_features_edx = CPUID_FP87 | CPUID_PSE | CPUID_TSC | CPUID_MSR |
                                               CPUID_CX8 | CPUID_SEP | CPUID_PGE |
                                               CPUID_PAE | CPUID_CMOV | CPUID_CLFSH | CPUID_MMX |
                                               CPUID_FXSR | CPUID_SSE | CPUID_SSE2;

void x86_cpuid_query(CPUX86State *env, uint32_t leaf, uint32_t sub, uint32_t *a,
                     uint32_t *b, uint32_t *c, uint32_t *d)
{
    switch (leaf) {
    case 0:
        *a = 1;
        /* "GenuineIntel" */
        *b = 0x756e6547;
        *d = 0x49656e69;
        *c = 0x6c65746e;
        break;
    case 1:
        /* Family 6, model 13, stepping 6: a Pentium M class part (32-bit only:
         * PAE, MMX, FXSR, SSE, SSE2; no SSE3 here), as implemented. EBX: CLFLUSH
         * line size 8 * 8 = 64 bytes. */
        *a = (6u << 8) | (13u << 4) | 6u;
        *b = 8u << 8;
        /*
         * ECX bit 31, which processors leave 0 for hypervisors to set: the guest runs
         * on a virtual machine. Linux then leaves the processor's microcode and
         * performance-counter MSRs alone instead of probing the MSRs this model does
         * not have (a #GP on IA32_PLATFORM_ID printed an "unchecked MSR access"
         * trace at every boot). QEMU sets it too.
         */
        *c = CPUID_EXT_HYPERVISOR;
        *d = x86_cpuid_features_edx;
        /* The local APIC is the board's (pc.c): reported with the initial APIC ID
         * in EBX[31:24], which an OS matches against the MADT's entries. */
        if (env->has_apic) {
            *b |= (uint32_t)env->cs.cpu_index << 24;
            *d |= CPUID_APIC;
        }
        break;
    case CPUID_HV_LEAF:
        /* The hypervisor leaf that bit announces: its highest leaf and a vendor
         * signature no guest knows, so none turns on a paravirtual interface. */
        *a = CPUID_HV_LEAF;
        *b = 0x696d696d;    /* "mimi" */
        *c = 0x696d2d63;    /* "c-mi" */
        *d = 0x0063696d;    /* "mic" */
        break;
    default:
        /* Leaves above the maximum return the highest basic leaf's data (SDM). */
        x86_cpuid_query(env, 1, 0, a, b, c, d);
        break;
    }
}

void helper_x86_cpuid(CPUX86State *env)
{
    uint32_t a, b, c, d;

    x86_cpuid_query(env, env->regs[R_EAX], env->regs[R_ECX], &a, &b, &c, &d);
    env->regs[R_EAX] = a;
    env->regs[R_EBX] = b;
    env->regs[R_ECX] = c;
    env->regs[R_EDX] = d;
}

void helper_x86_rdtsc(CPUX86State *env)
{
    uint64_t t;

    if ((env->cr[4] & CR4_TSD) && (env->hflags & HF_CPL_MASK) != 0) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, GETPC());
    }
    t = x86_cpu_get_tsc(env);
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = (uint32_t)(t >> 32);
}

void helper_x86_rdmsr(CPUX86State *env)
{
    uint64_t v;

    switch (env->regs[R_ECX]) {
    case MSR_IA32_TSC:
        v = x86_cpu_get_tsc(env);
        break;
    case MSR_IA32_APICBASE:
        v = env->apic_base;
        break;
    case MSR_IA32_SYSENTER_CS:
        v = env->sysenter_cs;
        break;
    case MSR_IA32_SYSENTER_ESP:
        v = env->sysenter_esp;
        break;
    case MSR_IA32_SYSENTER_EIP:
        v = env->sysenter_eip;
        break;
    case MSR_IA32_MISC_ENABLE:
        v = env->misc_enable;
        break;
    case MSR_IA32_PAT:
        v = env->pat;
        break;
    case MSR_IA32_BIOS_SIGN_ID:
        v = 0;      /* no microcode update loaded */
        break;
    default:
        mimic_log_mask(LOG_UNIMP, "i386: rdmsr %#x\n", env->regs[R_ECX]);
        x86_raise_exception_err(env, EXCP0D_GPF, 0, GETPC());
    }
    env->regs[R_EAX] = (uint32_t)v;
    env->regs[R_EDX] = (uint32_t)(v >> 32);
}

void helper_x86_wrmsr(CPUX86State *env)
{
    uint64_t v = ((uint64_t)env->regs[R_EDX] << 32) | env->regs[R_EAX];

    switch (env->regs[R_ECX]) {
    case MSR_IA32_TSC:
        env->tsc = v;
        env->tsc_ns_base = clock_get_ns(CLOCK_VIRTUAL);
        break;
    case MSR_IA32_APICBASE:
        env->apic_base = (uint32_t)v & (0xfffff000u | MSR_IA32_APICBASE_ENABLE |
                                        MSR_IA32_APICBASE_BSP);
        break;
    case MSR_IA32_SYSENTER_CS:
        env->sysenter_cs = (uint32_t)v & 0xffff;
        break;
    case MSR_IA32_SYSENTER_ESP:
        env->sysenter_esp = (uint32_t)v;
        break;
    case MSR_IA32_SYSENTER_EIP:
        env->sysenter_eip = (uint32_t)v;
        break;
    case MSR_IA32_MISC_ENABLE:
        env->misc_enable = v;
        break;
    case MSR_IA32_PAT:
        env->pat = v;
        break;
    case MSR_IA32_BIOS_SIGN_ID:
        /* Writing 0 before CPUID latches the microcode revision: nothing to latch. */
        break;
    default:
        mimic_log_mask(LOG_UNIMP, "i386: wrmsr %#x = %#" PRIx64 "\n", env->regs[R_ECX], v);
        x86_raise_exception_err(env, EXCP0D_GPF, 0, GETPC());
    }
}

/* CPL > IOPL or V86: the TSS I/O permission bitmap decides. */
static void x86_check_io_ra(CPUX86State *env, uint32_t port, uint32_t ot, uintptr_t ra)
{
    int type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    int mmu = x86_sys_mmu_idx(env);
    uint32_t base, bits, size = 1u << ot;

    if (!(env->tr.flags & DESC_P_MASK) || !(type & 8) || env->tr.limit < 103) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    base = cpu_lduw_mmuidx_ra(&env->cs, env->tr.base + 0x66, mmu, ra);
    base += port >> 3;
    if (base + 1 > env->tr.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    bits = cpu_lduw_mmuidx_ra(&env->cs, env->tr.base + base, mmu, ra);
    if ((bits >> (port & 7)) & ((1u << size) - 1)) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
}

void helper_x86_check_io(CPUX86State *env, uint32_t port, uint32_t ot)
{
    x86_check_io_ra(env, port, ot, GETPC());
}

uint32_t helper_x86_in(CPUX86State *env, uint32_t port, uint32_t ot)
{
    uint64_t v = 0;

    if (address_space_read_val(&address_space_io, port & 0xffff, &v, 1u << ot) ==
        MEMTX_DECODE_ERROR) {
        /* Nothing answers: the ISA bus floats high, so drivers probing for absent
         * devices read all ones. */
        v = 0xffffffffu;
    }
    return (uint32_t)v & (0xffffffffu >> (32 - (8u << ot)));
}

void helper_x86_out(CPUX86State *env, uint32_t port, uint32_t val, uint32_t ot)
{
    address_space_write_val(&address_space_io, port & 0xffff, val, 1u << ot);
}

void helper_x86_hlt(CPUX86State *env, uint32_t next_eip)
{
    CPUState *cs = &env->cs;

    env->eip = next_eip;
    env->hflags &= ~HF_INHIBIT_IRQ_MASK;
    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

void helper_x86_set_inhibit_irq(CPUX86State *env)
{
    env->hflags |= HF_INHIBIT_IRQ_MASK;
}

/* CR4 bits backed by what CPUID reports (TSC, PSE, PAE, PGE, FXSR, SSE) or needing
 * no feature (PCE). */
#define X86_CR4_VALID (CR4_TSD | CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCE | CR4_OSFXSR | \
                       CR4_OSXMMEXCPT)

void x86_cpu_write_cr(CPUX86State *env, int n, uint32_t val)
{
    CPUState *cs = &env->cs;
    uint32_t old = env->cr[n];

    switch (n) {
    case 0:
        val |= CR0_ET;
        env->cr[0] = val;
        if ((old ^ val) & (CR0_PG | CR0_WP | CR0_PE)) {
            tlb_flush(cs);
        }
        break;
    case 2:
        env->cr[2] = val;
        break;
    case 3:
        env->cr[3] = val;
        if (env->cr[0] & CR0_PG) {
            /* SDM 4.10.4.1: a CR3 load keeps global translations (only entered as
             * such while CR4.PGE=1; clearing PGE flushes everything below). */
            tlb_flush_nonglobal(cs);
        }
        break;
    case 4:
        val &= X86_CR4_VALID;
        env->cr[4] = val;
        if ((old ^ val) & (CR4_PSE | CR4_PGE | CR4_PAE)) {
            tlb_flush(cs);
        }
        break;
    default:
        break;
    }
    x86_cpu_update_hflags_segs(env, 0);
}

void helper_x86_write_cr(CPUX86State *env, uint32_t n, uint32_t val)
{
    uintptr_t ra = GETPC();

    if (n == 0) {
        if ((val & CR0_PG) && !(val & CR0_PE)) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
        }
        if ((val & CR0_NW) && !(val & CR0_CD)) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
        }
    }
    if (n == 4 && (val & ~X86_CR4_VALID)) {
        /* Bits of features CPUID does not offer (VME, DE, MCE...) are reserved:
         * setting them is a #GP. */
        x86_raise_exception_err(env, EXCP0D_GPF, 0, ra);
    }
    x86_cpu_write_cr(env, n, val);
}

uint32_t helper_x86_read_cr(CPUX86State *env, uint32_t n)
{
    return env->cr[n];
}

void helper_x86_invlpg(CPUX86State *env, uint32_t addr)
{
    tlb_flush_page(&env->cs, addr);
}

void helper_x86_lmsw(CPUX86State *env, uint32_t val)
{
    /* LMSW can set PE but never clear it; it writes MP, EM, TS. */
    uint32_t cr0 = (env->cr[0] & ~0xeu) | (val & 0xf);

    cr0 |= env->cr[0] & CR0_PE;
    x86_cpu_write_cr(env, 0, cr0);
}

void helper_x86_clts(CPUX86State *env)
{
    env->cr[0] &= ~CR0_TS;
    x86_cpu_update_hflags(env);
}

void helper_x86_bound(CPUX86State *env, uint32_t addr, uint32_t idx, uint32_t ot)
{
    uintptr_t ra = GETPC();
    int mmu = x86_mmu_idx_for_cpl(env, env->hflags & HF_CPL_MASK);
    int32_t lo, hi, v;

    if (ot == MO_16) {
        lo = (int16_t)cpu_lduw_mmuidx_ra(&env->cs, addr, mmu, ra);
        hi = (int16_t)cpu_lduw_mmuidx_ra(&env->cs, addr + 2, mmu, ra);
        v = (int16_t)idx;
    } else {
        lo = (int32_t)cpu_ldl_mmuidx_ra(&env->cs, addr, mmu, ra);
        hi = (int32_t)cpu_ldl_mmuidx_ra(&env->cs, addr + 4, mmu, ra);
        v = (int32_t)idx;
    }
    if (v < lo || v > hi) {
        x86_raise_exception(env, EXCP05_BOUND, ra);
    }
}
