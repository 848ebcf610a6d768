/*
 * The KVM accelerator (accel/kvm/): the guest runs on the host processor through
 * /dev/kvm with the same board, devices and memory map as under translation.
 * "-accel kvm[,kernel-irqchip=on|off]", "-enable-kvm", "-accel kvm:tcg".
 */
#ifndef SYSEMU_KVM_H
#define SYSEMU_KVM_H

#include "qemu/osdep.h"
#include "hw/core/cpu.h"

struct kvm_run;
struct MachineState;

/* Is KVM the running accelerator? */
bool kvm_enabled(void);
/* The in-kernel 8259/IOAPIC/PIT are in use (kernel-irqchip=on). */
bool kvm_irqchip_in_kernel(void);
/* Drive an in-kernel irqchip input (GSI). */
void kvm_set_irq(int gsi, int level);

/* What this host's /dev/kvm can do (filled by kvm_probe / the accelerator). */
typedef struct KVMHostInfo {
    int api_version;
    bool immediate_exit;        /* KVM_CAP_IMMEDIATE_EXIT */
    bool readonly_mem;          /* KVM_CAP_READONLY_MEM: ROM as read-only slots */
    bool xsave;                 /* KVM_CAP_XSAVE */
    bool debugregs;             /* KVM_CAP_DEBUGREGS */
    bool irqchip;               /* KVM_CAP_IRQCHIP */
    bool pit2;                  /* KVM_CAP_PIT2 */
    bool ext_cpuid;             /* KVM_CAP_EXT_CPUID */
    int nr_memslots;
    /* From a probe guest: can it enable 32-bit paging? (page-table based KVM
     * implementations refuse CR0.PG outside long mode) */
    bool paging32;
    bool paging32_probed;
} KVMHostInfo;

/* Open /dev/kvm and check the API; false + errp with the reason it cannot be
 * used (missing, no permission, wrong API version). */
bool kvm_probe(KVMHostInfo *info, GError **errp);
const KVMHostInfo *kvm_host_info(void);

/* ioctls on /dev/kvm, the VM, a vCPU (-errno on failure). */
int kvm_system_ioctl(unsigned long req, void *arg);
int kvm_vm_ioctl(unsigned long req, void *arg);
int kvm_vcpu_ioctl(CPUState *cpu, unsigned long req, void *arg);

/* ---- architecture part (accel/kvm/kvm-x86.c) ---- */

/* Run a tiny guest in a scratch VM that turns on 32-bit paging: fills
 * info->paging32 (false on page-table based KVM implementations). */
void kvm_arch_probe(int kvm_fd, KVMHostInfo *info);
/* After the VM exists: VM-wide set-up (TSS address, identity map). */
bool kvm_arch_init_vm(GError **errp);
/* After the vCPU exists: CPUID and anything per-vCPU. */
bool kvm_arch_init_vcpu(CPUState *cpu, GError **errp);
/* Register state from KVM into CPUState, and back. */
bool kvm_arch_get_registers(CPUState *cpu, GError **errp);
bool kvm_arch_put_registers(CPUState *cpu, GError **errp);
/* Before KVM_RUN: inject a pending interrupt (userspace irqchip). */
void kvm_arch_pre_run(CPUState *cpu, struct kvm_run *run);
/* HLT exit: true if the vCPU has an interrupt to take and should run on. */
bool kvm_arch_handle_halt(CPUState *cpu);
/* KVM_EXIT_INTERNAL_ERROR with emulation failure: run the instruction with the
 * translator on the synchronized state. true if it ran and KVM may resume. */
bool kvm_arch_emulate_insn(CPUState *cpu);
/* Report an unrecoverable exit: registers and the failing instruction bytes. */
void kvm_arch_dump_failure(CPUState *cpu, FILE *f);

#endif
