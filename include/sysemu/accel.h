/*
 * Accelerators: how a vCPU runs. TCG (translation) and KVM plug in through AccelOps;
 * the board, devices and main loop are the same for both.
 */
#ifndef SYSEMU_ACCEL_H
#define SYSEMU_ACCEL_H

#include "qemu/osdep.h"
#include "hw/core/cpu.h"

struct MachineState;

typedef struct AccelOps {
    const char *name;                   /* "tcg", "kvm" */
    /* Parse "-accel NAME,opt=val,..." options (the part after the name, may be "");
     * called before the machine is built. */
    bool (*init)(const char *opts, GError **errp);
    /* After the board created its CPUs and memory. */
    bool (*machine_done)(struct MachineState *ms, GError **errp);
    /* Run the vCPU until it needs the main loop: returns an EXCP_* reason. */
    int (*vcpu_run)(CPUState *cpu);
    /* Make vcpu_run return soon (async-signal-safe). */
    void (*vcpu_kick)(CPUState *cpu);
    /* Register state between the accelerator and CPUState (KVM; NULL for TCG). */
    void (*sync_from_accel)(CPUState *cpu);
    void (*sync_to_accel)(CPUState *cpu);
} AccelOps;

void accel_register(const AccelOps *ops);
const AccelOps *accel_find(const char *name);
extern const AccelOps *current_accel;
/* -accel help */
void accel_list(FILE *f);

#endif
