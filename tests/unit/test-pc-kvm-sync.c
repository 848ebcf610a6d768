/*
 * Unit tests for accel/kvm (kvm-all.c, kvm-x86.c) on a real /dev/kvm: the
 * register state a snapshot carries survives CPUState -> KVM -> CPUState
 * (general registers, EFLAGS, segment caches, descriptor tables, control and
 * debug registers, the x87 stack, tags, status, control word, MXCSR and XMM
 * through XSAVE, SYSENTER MSRs); RAM becomes a memory slot the guest runs from
 * and port I/O exits reach the device models; a CPU snapshot (its vmstate) taken
 * under KVM goes on under the translator and back. Skipped where /dev/kvm is
 * missing or unusable.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <linux/kvm.h>
#include "sysemu/kvm.h"
#include "sysemu/accel.h"
#include "sysemu/runstate.h"
#include "hw/boards.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "exec/exec-all.h"
#include "../../target-i386/cpu.h"
#include "../../target-i386/internal.h"

static const AccelOps *kvm;
static CPUState *cpu;
static MemoryRegion ram, port;
static uint32_t port_value;

static void port_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    port_value = val;
}

static uint64_t port_read(void *opaque, hwaddr off, unsigned size)
{
    return 0x5a;
}

static const MemoryRegionOps port_ops = {
    .read = port_read,
    .write = port_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void setup(void)
{
    KVMHostInfo info;
    GError *err = NULL;
    MachineState ms = { 0 };

    if (!kvm_probe(&info, &err)) {
        cr_skip_test("%s", err->message);
    }
    kvm = accel_find("kvm");
    cr_assert_not_null(kvm);
    cr_assert(kvm->init("", &err), "%s", err ? err->message : "");
    cr_assert(memory_region_init_ram(&ram, "ram", 1 << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_init_io(&port, &port_ops, NULL, "test-port", 4);
    memory_region_add_subregion(get_system_io(), 0x80, &port);
    cpu = cpu_create(cpu_class_by_name("i386", NULL), &address_space_memory);
    cr_assert_not_null(cpu);
    ms.cpu = cpu;
    cr_assert(kvm->machine_done(&ms, &err), "%s", err ? err->message : "");
}

TestSuite(kvm_sync, .init = setup);

/* Flat 32-bit protected mode, as the PC's loaders start a kernel. */
static void flat32(CPUX86State *env)
{
    env->cr[0] |= CR0_PE;
    env->gdt.base = 0x1000;
    env->gdt.limit = 31;
    x86_cpu_load_seg_flat32(env, R_CS, 0x10, true);
    for (int s = 0; s < 6; s++) {
        if (s != R_CS) {
            x86_cpu_load_seg_flat32(env, s, 0x18, false);
        }
    }
    x86_cpu_update_hflags(env);
}

Test(kvm_sync, state_round_trip)
{
    CPUX86State *env = x86_env(cpu);
    CPUX86State saved;

    flat32(env);
    for (int i = 0; i < 8; i++) {
        env->regs[i] = 0x11111111u * (i + 1);
    }
    env->eip = 0x4000;
    x86_cpu_set_eflags(env, EFLAGS_FIXED | CC_C | CC_Z | DF_MASK);
    env->idt.base = 0x2000;
    env->idt.limit = 0x7ff;
    env->cr[2] = 0xdeadb000;
    env->dr[0] = 0x1234;
    env->dr[7] = 0x401;
    env->sysenter_cs = 0x10;
    env->sysenter_esp = 0x9000;
    env->sysenter_eip = 0xc0001000;
    env->fpuc = 0x0e7f;
    env->fpstt = 6;
    env->fpus = 0x0021;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = i < 6;         /* registers 6 and 7 in use */
    }
    env->fpregs[6] = (X86Float80) { 0xc90fdaa22168c234ULL, 0x4000 };
    env->fpregs[7] = (X86Float80) { 0x8000000000000000ULL, 0x3fff };
    env->mxcsr = 0x1fa0;
    env->xmm[3].q[0] = 0x0123456789abcdefULL;
    env->xmm[3].q[1] = 0xfedcba9876543210ULL;
    cpu->kvm_vcpu_dirty = true;
    kvm->sync_to_accel(cpu);
    cr_assert_not(cpu->kvm_vcpu_dirty);
    memcpy(&saved, env, sizeof(saved));

    /* Scribble over CPUState, then read everything back from KVM. */
    memset(env->regs, 0, sizeof(env->regs));
    env->eip = 0;
    x86_cpu_set_eflags(env, EFLAGS_FIXED);
    memset(env->segs, 0, sizeof(env->segs));
    memset(&env->idt, 0, sizeof(env->idt));
    env->cr[2] = 0;
    env->dr[0] = env->dr[7] = 0;
    env->sysenter_esp = 0;
    env->fpuc = 0;
    env->fpstt = 0;
    memset(env->fpregs, 0, sizeof(env->fpregs));
    memset(env->fptags, 1, sizeof(env->fptags));
    env->mxcsr = 0;
    memset(env->xmm, 0, sizeof(env->xmm));
    kvm->sync_from_accel(cpu);

    for (int i = 0; i < 8; i++) {
        cr_assert_eq(env->regs[i], saved.regs[i], "reg %d", i);
    }
    cr_assert_eq(env->eip, 0x4000);
    cr_assert_eq(x86_cpu_get_eflags(env) & (CC_C | CC_Z | DF_MASK), CC_C | CC_Z | DF_MASK);
    for (int s = 0; s < 6; s++) {
        cr_assert_eq(env->segs[s].selector, saved.segs[s].selector, "seg %d", s);
        cr_assert_eq(env->segs[s].base, saved.segs[s].base, "seg %d", s);
        cr_assert_eq(env->segs[s].limit, saved.segs[s].limit, "seg %d", s);
        cr_assert_eq(env->segs[s].flags & ~DESC_A_MASK,
                     saved.segs[s].flags & ~DESC_A_MASK, "seg %d flags %x vs %x", s,
                     env->segs[s].flags, saved.segs[s].flags);
    }
    cr_assert_eq(env->gdt.base, 0x1000);
    cr_assert_eq(env->gdt.limit, 31);
    cr_assert_eq(env->idt.base, 0x2000);
    cr_assert_eq(env->idt.limit, 0x7ff);
    cr_assert_eq(env->cr[0] & CR0_PE, CR0_PE);
    cr_assert_eq(env->cr[2], 0xdeadb000);
    cr_assert_eq(env->dr[0], 0x1234);
    cr_assert_eq(env->dr[7] & 0xff, 0x01);
    cr_assert_eq(env->sysenter_esp, 0x9000);
    cr_assert_eq(env->sysenter_eip, 0xc0001000);
    cr_assert_eq(env->fpuc, 0x0e7f);
    cr_assert_eq(env->fpstt, 6);
    cr_assert_eq(env->fpus & 0xff, 0x21);
    cr_assert_eq(env->fptags[6], 0);
    cr_assert_eq(env->fptags[5], 1);
    cr_assert_eq(env->fpregs[6].mant, 0xc90fdaa22168c234ULL);
    cr_assert_eq(env->fpregs[6].sexp, 0x4000);
    cr_assert_eq(env->fpregs[7].sexp, 0x3fff);
    cr_assert_eq(env->mxcsr, 0x1fa0, "MXCSR through XSAVE");
    cr_assert_eq(env->xmm[3].q[1], 0xfedcba9876543210ULL);
}

Test(kvm_sync, runs_from_ram_with_port_io)
{
    CPUX86State *env = x86_env(cpu);
    /* mov $0x1234abcd, %eax; out %eax, $0x80; in $0x80, %al; mov %eax,%ebx; hlt */
    static const uint8_t code[] = {
        0xb8, 0xcd, 0xab, 0x34, 0x12, 0xe7, 0x80, 0xe4, 0x80, 0x89, 0xc3, 0xf4,
    };
    static const uint64_t gdt[4] = { 0, 0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL };
    int r;

    address_space_write(&address_space_memory, 0x4000, code, sizeof(code));
    address_space_write(&address_space_memory, 0x1000, gdt, sizeof(gdt));
    flat32(env);
    env->eip = 0x4000;
    x86_cpu_set_eflags(env, EFLAGS_FIXED);
    cpu->kvm_vcpu_dirty = true;
    vm_start();
    do {
        r = kvm->vcpu_run(cpu);
    } while (r == EXCP_INTERRUPT);
    cr_assert_eq(r, EXCP_HLT);
    cr_assert_eq(port_value, 0x1234abcd, "OUT reached the device model");
    kvm->sync_from_accel(cpu);
    cr_assert_eq(env->regs[R_EBX], 0x1234ab5a, "IN came back from it");
    cr_assert_eq(env->eip, 0x4000 + sizeof(code));
}

/*
 * A snapshot moves between the accelerators: run under KVM to a HLT, save the
 * CPU's vmstate, reset, load it and go on under the translator to the next HLT,
 * then save/reset/load again and finish under KVM. Each leg's OUT shows where
 * the program got to; the RAM is the same memory for both.
 */
static void snapshot_reload(CPUState *c)
{
    GByteArray *blob = g_byte_array_new();
    GError *err = NULL;
    const VMStateDescription *vmsd = c->cc->vmsd;

    kvm->sync_from_accel(c);
    vmstate_save(vmsd, c, blob);
    cpu_reset(c);
    cr_assert_neq(x86_env(c)->eip, 0x4000 + 8, "reset really changed the state");
    cr_assert_eq(vmstate_load(vmsd, c, blob->data, blob->len, NULL, &err), 0, "%s",
                 err ? err->message : "");
    c->halted = false;                  /* resume after the HLT */
    c->kvm_vcpu_dirty = true;
    g_byte_array_free(blob, true);
}

Test(kvm_sync, snapshot_kvm_tcg_kvm)
{
    CPUX86State *env = x86_env(cpu);
    static const uint8_t code[] = {
        0xb8, 0xcd, 0xab, 0x34, 0x12,       /* mov $0x1234abcd, %eax */
        0xe7, 0x80,                         /* out %eax, $0x80 */
        0xf4,                               /* hlt (KVM stops here) */
        0x83, 0xc0, 0x01,                   /* add $1, %eax */
        0xe7, 0x80,
        0xf4,                               /* hlt (TCG stops here) */
        0x83, 0xc0, 0x01,
        0xe7, 0x80,
        0xf4,
    };
    static const uint64_t gdt[4] = { 0, 0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL };
    int r;

    address_space_write(&address_space_memory, 0x4000, code, sizeof(code));
    address_space_write(&address_space_memory, 0x1000, gdt, sizeof(gdt));
    flat32(env);
    env->eip = 0x4000;
    x86_cpu_set_eflags(env, EFLAGS_FIXED);
    cpu->kvm_vcpu_dirty = true;
    vm_start();
    do {
        r = kvm->vcpu_run(cpu);
    } while (r == EXCP_INTERRUPT);
    cr_assert_eq(port_value, 0x1234abcd);

    snapshot_reload(cpu);
    cr_assert_eq(env->eip, 0x4000 + 8);
    do {
        r = cpu_exec(cpu);
    } while (r == EXCP_INTERRUPT);
    cr_assert_eq(port_value, 0x1234abce, "the translator went on from KVM's state");
    cr_assert_eq(env->eip, 0x4000 + 14);

    snapshot_reload(cpu);
    do {
        r = kvm->vcpu_run(cpu);
    } while (r == EXCP_INTERRUPT);
    cr_assert_eq(r, EXCP_HLT);
    cr_assert_eq(port_value, 0x1234abcf, "KVM went on from the translator's state");
}

/* What the user sees when KVM stops the machine: registers and the failing
 * instruction, disassembled. */
Test(kvm_sync, failure_report)
{
    CPUX86State *env = x86_env(cpu);
    static const uint8_t code[] = { 0x0f, 0xc7, 0x0e, 0xcf };   /* cmpxchg8b (%esi); iret */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    address_space_write(&address_space_memory, 0x6000, code, sizeof(code));
    flat32(env);
    env->eip = 0x6000;
    env->regs[R_EAX] = 0xfeedf00d;
    kvm_arch_dump_failure(cpu, f);
    fclose(f);
    cr_assert(strstr(text, "feedf00d"), "registers: %s", text);
    cr_assert(strstr(text, "cmpxchg8b"), "disassembly: %s", text);
    cr_assert(strstr(text, "0008:") || strstr(text, "0010:"), "CS:EIP: %s", text);
    free(text);
}

/* The vCPU's CPUID table is the model's: vendor, leaves, signature. */
Test(kvm_sync, cpuid_is_the_models)
{
    struct kvm_cpuid2 *c = g_malloc0(sizeof(*c) + 128 * sizeof(c->entries[0]));
    bool seen0 = false, seen1 = false;

    c->nent = 128;
    cr_assert_geq(kvm_vcpu_ioctl(cpu, KVM_GET_CPUID2, c), 0);
    for (unsigned i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];

        cr_assert_lt(e->function, 0x40000000u, "no leaf the model lacks: 0x%x",
                     e->function);
        if (e->function == 0) {
            seen0 = true;
            cr_assert_eq(e->ebx, 0x756e6547, "Genu");
            cr_assert_eq(e->edx, 0x49656e69, "ineI");
            cr_assert_eq(e->ecx, 0x6c65746e, "ntel");
        }
        if (e->function == 1) {
            uint32_t a, b, cx, d;

            seen1 = true;
            x86_cpuid_query(x86_env(cpu), 1, 0, &a, &b, &cx, &d);
            cr_assert_eq(e->eax, a, "the model's signature");
            /* Feature flags are not checked: this host's page-table based KVM
             * puts its own leaf 1 ECX/EDX bits back into the table (it does the
             * same to QEMU's), and KVM mirrors IA32_APIC_BASE.EN into EDX.9. */
        }
    }
    cr_assert(seen0 && seen1);
    g_free(c);
}
