/*
 * The common CPU object: class registry, creation, reset, and the interrupt/exit
 * requests that devices and the main loop use to get the vCPU's attention.
 */
#include "qemu/osdep.h"
#include "hw/core/cpu.h"
#include "exec/exec-all.h"
#include "tcg/tcg.h"

#define MAX_CPU_CLASSES 16

static const CPUClass *cpu_classes[MAX_CPU_CLASSES];
static int nb_cpu_classes;
CPUState *first_cpu;

void cpu_class_register(const CPUClass *cc)
{
    assert(nb_cpu_classes < MAX_CPU_CLASSES);
    cpu_classes[nb_cpu_classes++] = cc;
}

const CPUClass *cpu_class_by_name(const char *arch, const char *model)
{
    for (int i = 0; i < nb_cpu_classes; i++) {
        const CPUClass *cc = cpu_classes[i];
        if (arch && strcmp(cc->arch_name, arch) != 0) {
            continue;
        }
        if (!model || g_ascii_strcasecmp(cc->model_name, model) == 0) {
            return cc;
        }
    }
    return NULL;
}

void cpu_class_list(FILE *f, const char *arch)
{
    fprintf(f, "Available CPUs:\n");
    for (int i = 0; i < nb_cpu_classes; i++) {
        if (!arch || strcmp(cpu_classes[i]->arch_name, arch) == 0) {
            fprintf(f, "  %s\n", cpu_classes[i]->model_name);
        }
    }
}

/* The translator's globals are bound to fields of the target's state once per
 * process; every CPU of that target shares them. */
static void cpu_tcg_init_once(const CPUClass *cc)
{
    static const void *done[MAX_CPU_CLASSES];
    for (int i = 0; i < MAX_CPU_CLASSES; i++) {
        if (done[i] == (const void *)cc->tcg_init) {
            return;
        }
        if (!done[i]) {
            done[i] = (const void *)cc->tcg_init;
            if (cc->tcg_init && tcg_ctx) {
                cc->tcg_init();
            }
            return;
        }
    }
}

CPUState *cpu_create(const CPUClass *cc, struct AddressSpace *as)
{
    static int next_index;
    CPUState *cpu;

    assert(cc->state_size >= sizeof(CPUState));
    /* Page alignment keeps the hot start of the state in few cache lines and
     * avoids false sharing with unrelated heap data. */
    cpu = aligned_alloc(4096, QEMU_ALIGN_UP(cc->state_size, 4096));
    if (!cpu) {
        return NULL;
    }
    memset(cpu, 0, cc->state_size);
    cpu->cc = cc;
    cpu->cpu_index = next_index++;
    cpu->exception_index = EXCP_NONE;
    cpu->cflags_next_tb = -1;
    cpu->as = as;
    cpu->tb_jmp_cache = g_new0(CPUJumpCache, 1);
    tlb_init(cpu);
    cpu_tcg_init_once(cc);
    if (cc->init) {
        cc->init(cpu);
    }

    CPUState **link = &first_cpu;
    while (*link) {
        link = &(*link)->next_cpu;
    }
    *link = cpu;

    cpu_reset(cpu);
    return cpu;
}

void cpu_reset(CPUState *cpu)
{
    cpu->exception_index = EXCP_NONE;
    cpu->interrupt_request = 0;
    cpu->halted = false;
    cpu->cflags_next_tb = -1;
    if (cpu->cc->reset) {
        cpu->cc->reset(cpu);
    }
    tlb_flush(cpu);
    tb_jmp_cache_clear(cpu);
}

void cpu_exit(CPUState *cpu)
{
    /* Order matters: exit_request before the TB-start flag, so the loop that clears
     * the flag and then tests exit_request cannot miss a request. */
    cpu->exit_request = true;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    cpu->exit_request_tb = 1;
}

void cpu_interrupt(CPUState *cpu, uint32_t mask)
{
    cpu->interrupt_request |= mask;
    cpu->exit_request_tb = 1;
}

void cpu_reset_interrupt(CPUState *cpu, uint32_t mask)
{
    cpu->interrupt_request &= ~mask;
}
