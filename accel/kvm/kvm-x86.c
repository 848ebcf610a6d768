/*
 * The KVM accelerator, x86 part (Linux KVM API for x86; Intel SDM Vol. 1 10.5
 * for the FXSAVE layout of the XSAVE legacy region): register state between
 * CPUX86State and the vCPU (general registers, segment and descriptor-table
 * caches, control registers, x87/SSE state through XSAVE because KVM_GET_FPU
 * loses MXCSR on some hosts, the MSRs the model has, debug registers), CPUID
 * from KVM_GET_SUPPORTED_CPUID filtered to what the chosen CPU model advertises
 * (so a snapshot moves between KVM and the translator), interrupt injection from
 * the board's 8259 with KVM_INTERRUPT, and the translator fallback for
 * instructions KVM's emulator gives up on.
 *
 * This file is part of the common library that both system binaries link; the
 * MIPS binary has no x86 CPU, so the x86 CPU functions are weak references that
 * are simply absent there (the accelerator refuses non-x86 machines first).
 *
 * Not done: the guest's TSC cannot be set on every host (failures are ignored:
 * the guest then sees the host's TSC offset), pending exception/NMI state
 * (KVM_GET_VCPU_EVENTS) is not carried into snapshots.
 */
#include "qemu/osdep.h"
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <capstone/capstone.h>
#include "sysemu/kvm.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "qemu/timer.h"
#include "disas/disas.h"
#include "../../target-i386/cpu.h"

#pragma weak x86_cpu_get_eflags
#pragma weak x86_cpu_set_eflags
#pragma weak x86_cpu_update_hflags
#pragma weak x86_cpu_exec_one_insn
#pragma weak x86_cpuid_query

void x86_cpuid_query(CPUX86State *env, uint32_t leaf, uint32_t sub, uint32_t *a,
                     uint32_t *b, uint32_t *c, uint32_t *d);

/* Where KVM keeps its real-mode TSS and identity map on VMX hosts (as QEMU). */
#define KVM_X86_TSS_ADDR      0xfffbd000
#define KVM_X86_IDENTITY_ADDR 0xfffbc000

#define XSAVE_FCW     0
#define XSAVE_FSW     2
#define XSAVE_FTW     4
#define XSAVE_FOP     6
#define XSAVE_FIP     8
#define XSAVE_FCS     12
#define XSAVE_FDP     16
#define XSAVE_FDS     20
#define XSAVE_MXCSR   24
#define XSAVE_ST0     32
#define XSAVE_XMM0    160
#define XSAVE_XSTATE_BV 512
#define XSTATE_FP_SSE 3

/* MSRs exchanged with KVM, most widely supported first (KVM_GET_MSRS stops at
 * the first one it does not know). */
static const uint32_t kvm_x86_msrs[] = {
    MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
    MSR_IA32_PAT, MSR_IA32_TSC, MSR_IA32_MISC_ENABLE,
};

/*
 * The paging probe: flat 32-bit protected mode at 0, page directory at 0x1000,
 * one page table at 0x2000 mapping the first 16 KiB; the code sets CR0.PG and
 * halts. A KVM that can run 32-bit paging exits with HLT; one that refuses it
 * raises #GP with no IDT, a triple fault: KVM_EXIT_SHUTDOWN.
 */
void kvm_arch_probe(int kvm_fd, KVMHostInfo *info)
{
    static const uint8_t code[] = {
        0x0f, 0x20, 0xc0,                   /* mov %cr0, %eax */
        0x0d, 0x00, 0x00, 0x00, 0x80,       /* or $0x80000000, %eax */
        0x0f, 0x22, 0xc0,                   /* mov %eax, %cr0 */
        0xf4,                               /* hlt */
    };
    const size_t mem_size = 0x4000;
    int vm = -1, vcpu = -1, run_size;
    uint8_t *mem = MAP_FAILED;
    struct kvm_run *run = MAP_FAILED;
    struct kvm_userspace_memory_region r = { 0 };
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    struct kvm_segment seg = {
        .base = 0, .limit = 0xffffffff, .present = 1, .s = 1, .db = 1, .g = 1,
    };

    info->paging32_probed = false;
    vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (vm < 0 || run_size <= 0 || mem == MAP_FAILED) {
        goto out;
    }
    memcpy(mem, code, sizeof(code));
    stl_le_p(mem + 0x1000, 0x2000 | PG_P | PG_RW);
    for (int i = 0; i < 4; i++) {
        stl_le_p(mem + 0x2000 + 4 * i, (i << 12) | PG_P | PG_RW);
    }
    r.memory_size = mem_size;
    r.userspace_addr = (uintptr_t)mem;
    ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)0xfffbd000);
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0 ||
        (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0) {
        goto out;
    }
    run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) {
        goto out;
    }
    seg.type = 0xb;
    seg.selector = 0x08;
    sregs.cs = seg;
    seg.type = 0x3;
    seg.selector = 0x10;
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = seg;
    sregs.cr0 = CR0_PE | CR0_ET;
    sregs.cr3 = 0x1000;
    sregs.cr4 = 0;
    memset(&regs, 0, sizeof(regs));
    regs.rflags = EFLAGS_FIXED;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0 || ioctl(vcpu, KVM_SET_REGS, &regs) < 0) {
        goto out;
    }
    for (int tries = 0; tries < 16; tries++) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        if (run->exit_reason == KVM_EXIT_HLT) {
            info->paging32 = true;
            info->paging32_probed = true;
            break;
        }
        if (run->exit_reason == KVM_EXIT_SHUTDOWN ||
            run->exit_reason == KVM_EXIT_INTERNAL_ERROR ||
            run->exit_reason == KVM_EXIT_FAIL_ENTRY) {
            info->paging32 = false;
            info->paging32_probed = true;
            break;
        }
    }
out:
    if (run != MAP_FAILED) {
        munmap(run, run_size);
    }
    if (vcpu >= 0) {
        close(vcpu);
    }
    if (vm >= 0) {
        close(vm);
    }
    if (mem != MAP_FAILED) {
        munmap(mem, mem_size);
    }
}

bool kvm_arch_init_vm(GError **errp)
{
    uint64_t identity = KVM_X86_IDENTITY_ADDR;

    /* Only VMX hosts need these; other KVM implementations may refuse them, which
     * does no harm. */
    kvm_vm_ioctl(KVM_SET_IDENTITY_MAP_ADDR, &identity);
    kvm_vm_ioctl(KVM_SET_TSS_ADDR, (void *)(uintptr_t)KVM_X86_TSS_ADDR);
    if (!x86_cpu_set_eflags || !x86_cpu_get_eflags || !x86_cpu_update_hflags) {
        error_setg(errp, "-accel kvm: this binary has no x86 CPU");
        return false;
    }
    return true;
}

/* Keep only what the model advertises (leaves, feature bits), so the guest sees
 * the same processor under KVM and under translation. */
static void kvm_x86_filter_cpuid(CPUX86State *env, struct kvm_cpuid2 *c)
{
    uint32_t max_basic, max_ext, a, b, cx, d;
    unsigned out = 0;

    if (!x86_cpuid_query) {
        return;
    }
    x86_cpuid_query(env, 0, 0, &max_basic, &b, &cx, &d);
    x86_cpuid_query(env, 0x80000000u, 0, &max_ext, &b, &cx, &d);
    for (unsigned i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        uint32_t f = e->function;

        /* Leaves the model does not have go (hypervisor leaves included). */
        if (f < 0x80000000u ? f > max_basic : (max_ext < 0x80000000u || f > max_ext)) {
            continue;
        }
        x86_cpuid_query(env, f, e->index, &a, &b, &cx, &d);
        switch (f) {
        case 0:
            e->eax = MIN_U(e->eax, max_basic);
            e->ebx = b;                 /* the model's vendor string */
            e->ecx = cx;
            e->edx = d;
            break;
        case 1:
            e->eax = a;                 /* family/model/stepping of the model */
            e->ebx = (e->ebx & 0x0000ffffu) | ((uint32_t)env->cs.cpu_index << 24);
            e->ecx &= cx;
            e->edx &= d;                /* APIC: only with the board's or KVM's */
            break;
        case 0x80000000u:
            e->eax = MIN_U(e->eax, max_ext);
            break;
        case 0x80000001u:
            e->ecx &= cx;
            e->edx &= d;
            break;
        default:
            break;
        }
        c->entries[out++] = *e;
    }
    c->nent = out;
}

bool kvm_arch_init_vcpu(CPUState *cpu, GError **errp)
{
    enum { MAX_ENT = 128 };
    struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + MAX_ENT * sizeof(c->entries[0]));
    int r;

    c->nent = MAX_ENT;
    r = kvm_system_ioctl(KVM_GET_SUPPORTED_CPUID, c);
    if (r < 0) {
        error_setg(errp, "kvm: KVM_GET_SUPPORTED_CPUID failed: %s", g_strerror(-r));
        g_free(c);
        return false;
    }
    kvm_x86_filter_cpuid(x86_env(cpu), c);
    r = kvm_vcpu_ioctl(cpu, KVM_SET_CPUID2, c);
    g_free(c);
    if (r < 0) {
        error_setg(errp, "kvm: KVM_SET_CPUID2 failed: %s", g_strerror(-r));
        return false;
    }
    return true;
}

/* ---- segments ---- */

static void kvm_x86_seg_to_kvm(const SegmentCache *sc, struct kvm_segment *k)
{
    uint32_t f = sc->flags;

    memset(k, 0, sizeof(*k));
    k->base = sc->base;
    k->limit = sc->limit;
    k->selector = sc->selector;
    k->type = (f >> 8) & 15;
    k->s = (f >> 12) & 1;
    k->dpl = (f >> 13) & 3;
    k->present = (f >> 15) & 1;
    k->avl = (f >> 20) & 1;
    k->l = (f >> 21) & 1;
    k->db = (f >> 22) & 1;
    k->g = (f >> 23) & 1;
    k->unusable = !k->present;
}

static void kvm_x86_seg_from_kvm(SegmentCache *sc, const struct kvm_segment *k)
{
    sc->selector = k->selector;
    sc->base = k->base;
    sc->limit = k->limit;
    if (k->unusable) {
        sc->flags = 0;
        return;
    }
    sc->flags = (uint32_t)k->type << 8 | (uint32_t)k->s << 12 | (uint32_t)k->dpl << 13 |
                (uint32_t)k->present << 15 | (uint32_t)k->avl << 20 |
                (uint32_t)k->l << 21 | (uint32_t)k->db << 22 | (uint32_t)k->g << 23;
}

/* ---- x87 / SSE through the XSAVE legacy region ---- */

static void kvm_x86_fpu_to_xsave(CPUX86State *env, uint8_t *x)
{
    uint8_t ftw = 0;

    stw_le_p(x + XSAVE_FCW, env->fpuc);
    stw_le_p(x + XSAVE_FSW, (env->fpus & ~0x3800u) | ((env->fpstt & 7) << 11));
    for (int i = 0; i < 8; i++) {
        ftw |= (env->fptags[i] ? 0 : 1) << i;
    }
    x[XSAVE_FTW] = ftw;
    stw_le_p(x + XSAVE_FOP, env->fpop);
    stl_le_p(x + XSAVE_FIP, env->fpip);
    stw_le_p(x + XSAVE_FCS, env->fpcs);
    stl_le_p(x + XSAVE_FDP, env->fpdp);
    stw_le_p(x + XSAVE_FDS, env->fpds);
    stl_le_p(x + XSAVE_MXCSR, env->mxcsr);
    for (int i = 0; i < 8; i++) {
        /* ST(i) is physical register (TOP + i) mod 8. */
        const X86Float80 *f = &env->fpregs[(env->fpstt + i) & 7];
        uint8_t *st = x + XSAVE_ST0 + 16 * i;

        memset(st, 0, 16);
        stq_le_p(st, f->mant);
        stw_le_p(st + 8, f->sexp);
    }
    for (int i = 0; i < 8; i++) {
        memcpy(x + XSAVE_XMM0 + 16 * i, env->xmm[i].b, 16);
    }
    stq_le_p(x + XSAVE_XSTATE_BV, ldq_le_p(x + XSAVE_XSTATE_BV) | XSTATE_FP_SSE);
}

static void kvm_x86_fpu_from_xsave(CPUX86State *env, const uint8_t *x)
{
    uint16_t fsw = lduw_le_p(x + XSAVE_FSW);

    env->fpuc = lduw_le_p(x + XSAVE_FCW);
    env->fpstt = (fsw >> 11) & 7;
    env->fpus = fsw & ~0x3800u;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((x[XSAVE_FTW] >> i) & 1);
    }
    env->fpop = lduw_le_p(x + XSAVE_FOP);
    env->fpip = ldl_le_p(x + XSAVE_FIP);
    env->fpcs = lduw_le_p(x + XSAVE_FCS);
    env->fpdp = ldl_le_p(x + XSAVE_FDP);
    env->fpds = lduw_le_p(x + XSAVE_FDS);
    env->mxcsr = ldl_le_p(x + XSAVE_MXCSR);
    for (int i = 0; i < 8; i++) {
        X86Float80 *f = &env->fpregs[(env->fpstt + i) & 7];
        const uint8_t *st = x + XSAVE_ST0 + 16 * i;

        f->mant = ldq_le_p(st);
        f->sexp = lduw_le_p(st + 8);
    }
    for (int i = 0; i < 8; i++) {
        memcpy(env->xmm[i].b, x + XSAVE_XMM0 + 16 * i, 16);
    }
}

/* ---- whole register state ---- */

bool kvm_arch_get_registers(CPUState *cpu, GError **errp)
{
    CPUX86State *env = x86_env(cpu);
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    int r;

    if ((r = kvm_vcpu_ioctl(cpu, KVM_GET_REGS, &regs)) < 0 ||
        (r = kvm_vcpu_ioctl(cpu, KVM_GET_SREGS, &sregs)) < 0) {
        error_setg(errp, "kvm: cannot read the vCPU registers: %s", g_strerror(-r));
        return false;
    }
    env->regs[R_EAX] = regs.rax;
    env->regs[R_ECX] = regs.rcx;
    env->regs[R_EDX] = regs.rdx;
    env->regs[R_EBX] = regs.rbx;
    env->regs[R_ESP] = regs.rsp;
    env->regs[R_EBP] = regs.rbp;
    env->regs[R_ESI] = regs.rsi;
    env->regs[R_EDI] = regs.rdi;
    env->eip = regs.rip;
    x86_cpu_set_eflags(env, regs.rflags);

    kvm_x86_seg_from_kvm(&env->segs[R_CS], &sregs.cs);
    kvm_x86_seg_from_kvm(&env->segs[R_DS], &sregs.ds);
    kvm_x86_seg_from_kvm(&env->segs[R_ES], &sregs.es);
    kvm_x86_seg_from_kvm(&env->segs[R_FS], &sregs.fs);
    kvm_x86_seg_from_kvm(&env->segs[R_GS], &sregs.gs);
    kvm_x86_seg_from_kvm(&env->segs[R_SS], &sregs.ss);
    kvm_x86_seg_from_kvm(&env->tr, &sregs.tr);
    kvm_x86_seg_from_kvm(&env->ldt, &sregs.ldt);
    env->gdt.base = sregs.gdt.base;
    env->gdt.limit = sregs.gdt.limit;
    env->idt.base = sregs.idt.base;
    env->idt.limit = sregs.idt.limit;
    env->cr[0] = sregs.cr0;
    env->cr[2] = sregs.cr2;
    env->cr[3] = sregs.cr3;
    env->cr[4] = sregs.cr4;
    env->efer = sregs.efer;
    env->apic_base = sregs.apic_base;

    if (kvm_host_info()->xsave) {
        struct kvm_xsave *xs = g_malloc0(sizeof(*xs));

        r = kvm_vcpu_ioctl(cpu, KVM_GET_XSAVE, xs);
        if (r == 0) {
            kvm_x86_fpu_from_xsave(env, (const uint8_t *)xs->region);
        }
        g_free(xs);
    }
    {
        struct {
            struct kvm_msrs hdr;
            struct kvm_msr_entry e[ARRAY_SIZE(kvm_x86_msrs)];
        } m;

        memset(&m, 0, sizeof(m));
        m.hdr.nmsrs = ARRAY_SIZE(kvm_x86_msrs);
        for (size_t i = 0; i < ARRAY_SIZE(kvm_x86_msrs); i++) {
            m.e[i].index = kvm_x86_msrs[i];
        }
        r = kvm_vcpu_ioctl(cpu, KVM_GET_MSRS, &m);
        for (int i = 0; i < r; i++) {
            uint64_t v = m.e[i].data;

            switch (m.e[i].index) {
            case MSR_IA32_SYSENTER_CS:  env->sysenter_cs = v; break;
            case MSR_IA32_SYSENTER_ESP: env->sysenter_esp = v; break;
            case MSR_IA32_SYSENTER_EIP: env->sysenter_eip = v; break;
            case MSR_IA32_PAT:          env->pat = v; break;
            case MSR_IA32_TSC:
                env->tsc = v;
                env->tsc_ns_base = clock_get_ns(CLOCK_VIRTUAL);
                break;
            case MSR_IA32_MISC_ENABLE:  env->misc_enable = v; break;
            }
        }
    }
    if (kvm_host_info()->debugregs) {
        struct kvm_debugregs dr;

        if (kvm_vcpu_ioctl(cpu, KVM_GET_DEBUGREGS, &dr) == 0) {
            for (int i = 0; i < 4; i++) {
                env->dr[i] = dr.db[i];
            }
            env->dr[6] = dr.dr6;
            env->dr[7] = dr.dr7;
        }
    }
    x86_cpu_update_hflags(env);
    return true;
}

bool kvm_arch_put_registers(CPUState *cpu, GError **errp)
{
    CPUX86State *env = x86_env(cpu);
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    int r;

    memset(&regs, 0, sizeof(regs));
    regs.rax = env->regs[R_EAX];
    regs.rcx = env->regs[R_ECX];
    regs.rdx = env->regs[R_EDX];
    regs.rbx = env->regs[R_EBX];
    regs.rsp = env->regs[R_ESP];
    regs.rbp = env->regs[R_EBP];
    regs.rsi = env->regs[R_ESI];
    regs.rdi = env->regs[R_EDI];
    regs.rip = env->eip;
    regs.rflags = x86_cpu_get_eflags(env);
    /* kvm_run's if_flag reports IF as of the last exit; the halt logic reads it
     * before the vCPU may have run again (after a loadvm it has not run at all),
     * so keep it true to the state just written. */
    ((struct kvm_run *)cpu->kvm_run)->if_flag = (regs.rflags & IF_MASK) != 0;

    /* Start from KVM's own copy so fields we do not model (interrupt bitmap,
     * cr8, long-mode bits) keep their values. */
    r = kvm_vcpu_ioctl(cpu, KVM_GET_SREGS, &sregs);
    if (r < 0) {
        error_setg(errp, "kvm: cannot read the vCPU's system registers: %s",
                   g_strerror(-r));
        return false;
    }
    kvm_x86_seg_to_kvm(&env->segs[R_CS], &sregs.cs);
    kvm_x86_seg_to_kvm(&env->segs[R_DS], &sregs.ds);
    kvm_x86_seg_to_kvm(&env->segs[R_ES], &sregs.es);
    kvm_x86_seg_to_kvm(&env->segs[R_FS], &sregs.fs);
    kvm_x86_seg_to_kvm(&env->segs[R_GS], &sregs.gs);
    kvm_x86_seg_to_kvm(&env->segs[R_SS], &sregs.ss);
    kvm_x86_seg_to_kvm(&env->tr, &sregs.tr);
    kvm_x86_seg_to_kvm(&env->ldt, &sregs.ldt);
    sregs.tr.unusable = 0;              /* TR is always usable */
    sregs.gdt.base = env->gdt.base;
    sregs.gdt.limit = env->gdt.limit;
    sregs.idt.base = env->idt.base;
    sregs.idt.limit = env->idt.limit;
    sregs.cr0 = env->cr[0];
    sregs.cr2 = env->cr[2];
    sregs.cr3 = env->cr[3];
    sregs.cr4 = env->cr[4];
    sregs.efer = env->efer;
    sregs.apic_base = env->apic_base;

    if ((r = kvm_vcpu_ioctl(cpu, KVM_SET_SREGS, &sregs)) < 0) {
        error_setg(errp, "kvm: cannot set the vCPU's system registers (CR0=0x%08x "
                   "CR4=0x%08x): %s", env->cr[0], env->cr[4], g_strerror(-r));
        return false;
    }
    if ((r = kvm_vcpu_ioctl(cpu, KVM_SET_REGS, &regs)) < 0) {
        error_setg(errp, "kvm: cannot set the vCPU registers: %s", g_strerror(-r));
        return false;
    }
    if (kvm_host_info()->xsave) {
        struct kvm_xsave *xs = g_malloc0(sizeof(*xs));

        if (kvm_vcpu_ioctl(cpu, KVM_GET_XSAVE, xs) == 0) {
            kvm_x86_fpu_to_xsave(env, (uint8_t *)xs->region);
            r = kvm_vcpu_ioctl(cpu, KVM_SET_XSAVE, xs);
            if (r < 0) {
                mimic_log_mask(LOG_UNIMP, "kvm: KVM_SET_XSAVE failed: %s\n",
                               g_strerror(-r));
            }
        }
        g_free(xs);
    }
    {
        struct {
            struct kvm_msrs hdr;
            struct kvm_msr_entry e[ARRAY_SIZE(kvm_x86_msrs)];
        } m;
        static const uint32_t put[] = {
            MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
            MSR_IA32_PAT,
        };

        memset(&m, 0, sizeof(m));
        m.hdr.nmsrs = ARRAY_SIZE(put);
        m.e[0].data = env->sysenter_cs;
        m.e[1].data = env->sysenter_esp;
        m.e[2].data = env->sysenter_eip;
        m.e[3].data = env->pat;
        for (size_t i = 0; i < ARRAY_SIZE(put); i++) {
            m.e[i].index = put[i];
        }
        r = kvm_vcpu_ioctl(cpu, KVM_SET_MSRS, &m);
        if (r != (int)ARRAY_SIZE(put)) {
            mimic_log_mask(LOG_UNIMP, "kvm: only %d of %zu MSRs could be set\n", r,
                           ARRAY_SIZE(put));
        }
    }
    if (kvm_host_info()->debugregs) {
        struct kvm_debugregs dr;

        memset(&dr, 0, sizeof(dr));
        for (int i = 0; i < 4; i++) {
            dr.db[i] = env->dr[i];
        }
        dr.dr6 = env->dr[6];
        dr.dr7 = env->dr[7];
        kvm_vcpu_ioctl(cpu, KVM_SET_DEBUGREGS, &dr);
    }
    return true;
}

/* ---- interrupts ---- */

void kvm_arch_pre_run(CPUState *cpu, struct kvm_run *run)
{
    CPUX86State *env = x86_env(cpu);
    bool pending = cpu->interrupt_request & CPU_INTERRUPT_HARD;

    if (kvm_irqchip_in_kernel()) {
        return;
    }
    if (pending && run->ready_for_interrupt_injection && run->if_flag &&
        env->get_vector) {
        int vector = env->get_vector(env->get_vector_opaque);

        if (vector >= 0) {
            struct kvm_interrupt intr = { .irq = vector };
            int r = kvm_vcpu_ioctl(cpu, KVM_INTERRUPT, &intr);

            if (r < 0) {
                mimic_log_mask(LOG_GUEST_ERROR, "kvm: KVM_INTERRUPT %d failed: %s\n",
                               vector, g_strerror(-r));
            }
        }
        pending = cpu->interrupt_request & CPU_INTERRUPT_HARD;
    }
    /* Ask for an exit as soon as the guest can take the next one. */
    run->request_interrupt_window = pending;
}

bool kvm_arch_handle_halt(CPUState *cpu)
{
    struct kvm_run *run = cpu->kvm_run;

    if (kvm_irqchip_in_kernel()) {
        return true;
    }
    return (cpu->interrupt_request & CPU_INTERRUPT_HARD) && run->if_flag;
}

/* ---- emulation failures ---- */

bool kvm_arch_emulate_insn(CPUState *cpu)
{
    CPUX86State *env = x86_env(cpu);
    uint32_t eip = env->eip, cs = env->segs[R_CS].selector;
    int r;

    if (!x86_cpu_exec_one_insn) {
        return false;
    }
    mimic_log_mask(LOG_INT, "kvm: emulation failure at %04x:%08x, running the "
                   "instruction with the translator\n", cs, eip);
    /* A pending interrupt or a kick (SIGALRM) sets the flag translated code
     * checks at its start, which ends the one-instruction block before it ran:
     * the interrupt is KVM's to inject after this instruction, and the kick is
     * seen by the vCPU loop, so clear the flag and try again. */
    for (int tries = 0; tries < 100; tries++) {
        cpu->exit_request_tb = 0;
        r = x86_cpu_exec_one_insn(cpu);
        cpu->kvm_vcpu_dirty = true;
        if (r != EXCP_NONE || env->eip != eip || env->segs[R_CS].selector != cs) {
            if (r == EXCP_HLT) {
                cpu->halted = true;
            }
            return true;
        }
    }
    /* Nothing ran: resuming KVM would fail on the same instruction forever. */
    return false;
}

void kvm_arch_dump_failure(CPUState *cpu, FILE *f)
{
    CPUX86State *env = x86_env(cpu);
    struct kvm_run *run = cpu->kvm_run;
    uint32_t linear = env->segs[R_CS].base + env->eip;
    uint8_t code[16];
    size_t n = 0;
    bool code32 = env->segs[R_CS].flags & DESC_B_MASK;

    if (cpu->cc && cpu->cc->dump_state) {
        cpu->cc->dump_state(cpu, f, 0);
    }
    if (run && run->exit_reason == KVM_EXIT_INTERNAL_ERROR &&
        run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION && run->internal.ndata >= 3 &&
        (run->emulation_failure.flags &
         KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
        n = MIN_U(run->emulation_failure.insn_size, sizeof(code));
        memcpy(code, run->emulation_failure.insn_bytes, n);
    } else if (!(env->cr[0] & CR0_PG)) {
        /* Without paging, linear = physical. */
        n = sizeof(code);
        if (address_space_read(&address_space_memory, linear, code, n) != MEMTX_OK) {
            n = 0;
        }
    }
    if (n) {
        fprintf(f, "failing instruction at %04x:%08x (linear 0x%08x):\n",
                env->segs[R_CS].selector, env->eip, linear);
        if (!disas_print(f, CS_ARCH_X86, code32 ? CS_MODE_32 : CS_MODE_16, code, n,
                         linear, 1)) {
            fprintf(f, "  (bytes:");
            for (size_t i = 0; i < n; i++) {
                fprintf(f, " %02x", code[i]);
            }
            fprintf(f, ")\n");
        }
    }
}
