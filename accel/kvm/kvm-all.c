/*
 * The KVM accelerator, architecture-independent part (Linux KVM API,
 * Documentation/virt/kvm/api.rst): the VM and its vCPUs, guest RAM and ROM as
 * memory slots kept in step with the flattened system memory map, and the
 * KVM_RUN loop that hands port I/O and MMIO exits to the same memory API and
 * device models the TCG slow path uses.
 *
 * The vCPU runs in the main thread like a TCG slice. The main loop's SIGALRM
 * kick sets kvm_run->immediate_exit (and cpu->exit_request); a signal that
 * arrives while the thread is inside KVM_RUN makes the ioctl return -EINTR, one
 * that arrives just before it makes KVM_RUN return at once, so no kick is lost.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/kvm.h>
#include "sysemu/kvm.h"
#include "sysemu/accel.h"
#include "sysemu/runstate.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "exec/exec-all.h"

#define KVM_DEV "/dev/kvm"

typedef struct KVMSlot {
    bool used;
    uint32_t slot;
    hwaddr gpa;
    uint64_t size;
    void *host;
    uint32_t flags;
} KVMSlot;

static struct {
    int fd;
    int vm_fd;
    int run_size;
    KVMHostInfo info;
    KVMSlot *slots;
    int nr_slots;
    bool irqchip_wanted;
    bool irqchip;
    bool active;
    bool paging_note_given;
} kvm_state = { .fd = -1, .vm_fd = -1 };

bool kvm_enabled(void)
{
    return kvm_state.active;
}

bool kvm_irqchip_in_kernel(void)
{
    return kvm_state.irqchip;
}

const KVMHostInfo *kvm_host_info(void)
{
    return &kvm_state.info;
}

int kvm_system_ioctl(unsigned long req, void *arg)
{
    int r = ioctl(kvm_state.fd, req, arg);

    return r < 0 ? -errno : r;
}

int kvm_vm_ioctl(unsigned long req, void *arg)
{
    int r = ioctl(kvm_state.vm_fd, req, arg);

    return r < 0 ? -errno : r;
}

int kvm_vcpu_ioctl(CPUState *cpu, unsigned long req, void *arg)
{
    int r = ioctl(cpu->kvm_fd, req, arg);

    return r < 0 ? -errno : r;
}

void kvm_set_irq(int gsi, int level)
{
    struct kvm_irq_level l = { .irq = gsi, .level = level };

    if (kvm_state.irqchip && kvm_vm_ioctl(KVM_IRQ_LINE, &l) < 0) {
        mimic_log_mask(LOG_GUEST_ERROR, "kvm: KVM_IRQ_LINE %d failed\n", gsi);
    }
}

static int kvm_check_extension(int fd, int cap)
{
    int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

    return r < 0 ? 0 : r;
}

bool kvm_probe(KVMHostInfo *info, GError **errp)
{
    int fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);

    memset(info, 0, sizeof(*info));
    if (fd < 0) {
        if (errno == ENOENT) {
            error_setg(errp, "KVM is not available: %s does not exist (no KVM module "
                       "loaded, or not in this container)", KVM_DEV);
        } else {
            error_setg_errno(errp, errno, "KVM is not available: cannot open %s", KVM_DEV);
        }
        return false;
    }
    info->api_version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (info->api_version != KVM_API_VERSION) {
        error_setg(errp, "KVM is not usable: API version %d, mimic needs %d",
                   info->api_version, KVM_API_VERSION);
        close(fd);
        return false;
    }
    if (!kvm_check_extension(fd, KVM_CAP_USER_MEMORY)) {
        error_setg(errp, "KVM is not usable: no KVM_CAP_USER_MEMORY");
        close(fd);
        return false;
    }
    info->immediate_exit = kvm_check_extension(fd, KVM_CAP_IMMEDIATE_EXIT);
    info->readonly_mem = kvm_check_extension(fd, KVM_CAP_READONLY_MEM);
    info->xsave = kvm_check_extension(fd, KVM_CAP_XSAVE);
    info->debugregs = kvm_check_extension(fd, KVM_CAP_DEBUGREGS);
    info->irqchip = kvm_check_extension(fd, KVM_CAP_IRQCHIP);
    info->pit2 = kvm_check_extension(fd, KVM_CAP_PIT2);
    info->ext_cpuid = kvm_check_extension(fd, KVM_CAP_EXT_CPUID);
    info->nr_memslots = kvm_check_extension(fd, KVM_CAP_NR_MEMSLOTS);
    if (info->nr_memslots <= 0) {
        info->nr_memslots = 32;
    }
    kvm_arch_probe(fd, info);
    close(fd);
    return true;
}

/* ---- memory slots ---- */

static bool kvm_set_slot(KVMSlot *s, uint64_t size)
{
    struct kvm_userspace_memory_region r = {
        .slot = s->slot,
        .flags = s->flags,
        .guest_phys_addr = s->gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)s->host,
    };
    int ret = kvm_vm_ioctl(KVM_SET_USER_MEMORY_REGION, &r);

    if (ret < 0) {
        error_report("kvm: cannot %s memory slot %u at 0x%" HWADDR_PRIx " (+0x%" PRIx64
                     "): %s", size ? "set" : "remove", s->slot, s->gpa, s->size,
                     g_strerror(-ret));
        return false;
    }
    return true;
}

/* A flat range that can be a slot: RAM, or ROM read directly (reads from host
 * memory, writes trapped as MMIO exits when the slot is read-only). */
static bool kvm_range_slot(const FlatRange *r, KVMSlot *out)
{
    MemoryRegion *mr = r->mr;
    bool ro;

    if (!mr->ram_ptr || (mr->ops && !mr->romd_mode)) {
        return false;
    }
    ro = r->readonly || mr->readonly || mr->ops;
    if ((r->addr | r->size | r->mr_offset) & 0xfff) {
        /* Not page-aligned: left to MMIO exits (correct, just slower). */
        return false;
    }
    if (ro && !kvm_state.info.readonly_mem) {
        /* Without read-only slots, ROM content is still best served from memory
         * (code runs from it); guest writes then change it. */
        mimic_log_mask(LOG_UNIMP, "kvm: no read-only memory slots: ROM %s is writable\n",
                       mr->name);
        ro = false;
    }
    out->gpa = r->addr;
    out->size = r->size;
    out->host = mr->ram_ptr + r->mr_offset;
    out->flags = ro ? KVM_MEM_READONLY : 0;
    return true;
}

static void kvm_memory_listener(AddressSpace *as, void *opaque)
{
    GArray *want = g_array_new(false, false, sizeof(KVMSlot));

    for (unsigned i = 0; i < as->nr_ranges; i++) {
        KVMSlot s = { 0 };

        if (kvm_range_slot(&as->ranges[i], &s)) {
            g_array_append_val(want, s);
        }
    }
    /* Remove slots that changed, then add the new ones (KVM refuses overlaps). */
    for (int i = 0; i < kvm_state.nr_slots; i++) {
        KVMSlot *cur = &kvm_state.slots[i];
        bool keep = false;

        if (!cur->used) {
            continue;
        }
        for (guint j = 0; j < want->len; j++) {
            KVMSlot *w = &g_array_index(want, KVMSlot, j);

            if (w->gpa == cur->gpa && w->size == cur->size && w->host == cur->host &&
                w->flags == cur->flags) {
                w->used = true;         /* already there */
                keep = true;
                break;
            }
        }
        if (!keep) {
            kvm_set_slot(cur, 0);
            cur->used = false;
        }
    }
    for (guint j = 0; j < want->len; j++) {
        KVMSlot *w = &g_array_index(want, KVMSlot, j);
        int free_slot = -1;

        if (w->used) {
            continue;
        }
        for (int i = 0; i < kvm_state.nr_slots; i++) {
            if (!kvm_state.slots[i].used) {
                free_slot = i;
                break;
            }
        }
        if (free_slot < 0) {
            error_report("kvm: out of memory slots (%d)", kvm_state.nr_slots);
            break;
        }
        w->slot = free_slot;
        w->used = true;
        if (kvm_set_slot(w, w->size)) {
            kvm_state.slots[free_slot] = *w;
        }
    }
    g_array_free(want, true);
}

/* ---- accelerator operations ---- */

/*
 * GSI routing as on a PC (and as QEMU sets it up): GSI 0-15 are the ISA IRQs on
 * the 8259 pair and on I/O APIC pins 0-15, except that IRQ 0 (the PIT) is on
 * pin 2 ("IRQ0 override"); GSI 16-23 are the I/O APIC's PCI pins.
 */
static bool kvm_setup_irq_routing(GError **errp)
{
    enum { MAX_ROUTES = 48 };
    struct kvm_irq_routing *r = g_malloc0(sizeof(*r) +
                                          MAX_ROUTES * sizeof(r->entries[0]));
    unsigned n = 0;
    int ret;

    for (unsigned gsi = 0; gsi < 16; gsi++) {
        if (gsi == 2) {
            continue;                   /* the cascade */
        }
        r->entries[n].gsi = gsi;
        r->entries[n].type = KVM_IRQ_ROUTING_IRQCHIP;
        r->entries[n].u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER
                                                  : KVM_IRQCHIP_PIC_SLAVE;
        r->entries[n].u.irqchip.pin = gsi & 7;
        n++;
    }
    for (unsigned gsi = 0; gsi < 24; gsi++) {
        if (gsi == 2) {
            continue;
        }
        r->entries[n].gsi = gsi;
        r->entries[n].type = KVM_IRQ_ROUTING_IRQCHIP;
        r->entries[n].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
        r->entries[n].u.irqchip.pin = gsi == 0 ? 2 : gsi;
        n++;
    }
    r->nr = n;
    ret = kvm_vm_ioctl(KVM_SET_GSI_ROUTING, r);
    g_free(r);
    if (ret < 0) {
        error_setg(errp, "-accel kvm: KVM_SET_GSI_ROUTING failed: %s", g_strerror(-ret));
        return false;
    }
    return true;
}

static bool kvm_accel_init(const char *opts, GError **errp)
{
    const MachineClass *mc = machine_class_find(NULL, NULL);
    g_auto(GStrv) parts = g_strsplit(opts ? opts : "", ",", -1);
    int type = 0;

    for (int i = 0; parts[i]; i++) {
        if (!parts[i][0]) {
            continue;
        }
        if (!strcmp(parts[i], "kernel-irqchip=on")) {
            kvm_state.irqchip_wanted = true;
        } else if (!strcmp(parts[i], "kernel-irqchip=off")) {
            kvm_state.irqchip_wanted = false;
        } else {
            error_setg(errp, "-accel kvm: unknown option '%s' (kernel-irqchip=on|off)",
                       parts[i]);
            return false;
        }
    }
    if (mc && mc->arch && strcmp(mc->arch, "i386") != 0) {
        error_setg(errp, "-accel kvm: KVM cannot run a %s guest on this x86-64 host: "
                   "KVM only runs guests of the host's own instruction set (use "
                   "-accel tcg)", mc->arch);
        return false;
    }
    if (!kvm_probe(&kvm_state.info, errp)) {
        return false;
    }
    if (kvm_state.irqchip_wanted && !(kvm_state.info.irqchip && kvm_state.info.pit2)) {
        error_setg(errp, "-accel kvm: kernel-irqchip=on, but this host's KVM has no "
                   "in-kernel irqchip/PIT");
        return false;
    }
    kvm_state.fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
    if (kvm_state.fd < 0) {
        error_setg_errno(errp, errno, "-accel kvm: cannot open " KVM_DEV);
        return false;
    }
    do {
        kvm_state.vm_fd = ioctl(kvm_state.fd, KVM_CREATE_VM, type);
    } while (kvm_state.vm_fd < 0 && errno == EINTR);
    if (kvm_state.vm_fd < 0) {
        error_setg_errno(errp, errno, "-accel kvm: KVM_CREATE_VM failed");
        close(kvm_state.fd);
        kvm_state.fd = -1;
        return false;
    }
    kvm_state.run_size = ioctl(kvm_state.fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (kvm_state.run_size < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "-accel kvm: bad KVM_GET_VCPU_MMAP_SIZE %d", kvm_state.run_size);
        return false;
    }
    kvm_state.nr_slots = MIN_U(kvm_state.info.nr_memslots, 256);
    kvm_state.slots = g_new0(KVMSlot, kvm_state.nr_slots);
    if (!kvm_arch_init_vm(errp)) {
        return false;
    }
    if (kvm_state.irqchip_wanted) {
        struct kvm_pit_config pit = { .flags = 0 };

        if (kvm_vm_ioctl(KVM_CREATE_IRQCHIP, NULL) < 0 ||
            kvm_vm_ioctl(KVM_CREATE_PIT2, &pit) < 0) {
            error_setg(errp, "-accel kvm: cannot create the in-kernel irqchip/PIT");
            return false;
        }
        if (!kvm_setup_irq_routing(errp)) {
            return false;
        }
        kvm_state.irqchip = true;
    }
    /* The translator runs the instructions KVM's emulator gives up on: set it up
     * now, before the board creates the CPUs (their translator globals). */
    {
        TCGConfig tcfg = { .tb_size_mb = 16 };

        if (!tcg_exec_init(&tcfg, errp)) {
            return false;
        }
    }
    kvm_state.active = true;
    return true;
}

static bool kvm_machine_done(MachineState *ms, GError **errp)
{
    CPUState *cpu;

    address_space_add_listener(&address_space_memory, kvm_memory_listener, NULL);
    kvm_memory_listener(&address_space_memory, NULL);
    CPU_FOREACH(cpu) {
        void *run;

        cpu->kvm_fd = ioctl(kvm_state.vm_fd, KVM_CREATE_VCPU, (unsigned long)cpu->cpu_index);
        if (cpu->kvm_fd < 0) {
            error_setg_errno(errp, errno, "kvm: KVM_CREATE_VCPU %d failed", cpu->cpu_index);
            return false;
        }
        run = mmap(NULL, kvm_state.run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                   cpu->kvm_fd, 0);
        if (run == MAP_FAILED) {
            error_setg_errno(errp, errno, "kvm: cannot map the vCPU's kvm_run");
            return false;
        }
        cpu->kvm_run = run;
        if (!kvm_arch_init_vcpu(cpu, errp)) {
            return false;
        }
        cpu->kvm_vcpu_dirty = true;
    }
    return true;
}

static void kvm_handle_io(struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;

    for (uint32_t i = 0; i < run->io.count; i++) {
        uint64_t v = 0;

        if (run->io.direction == KVM_EXIT_IO_OUT) {
            memcpy(&v, data, run->io.size);
            address_space_write_val(&address_space_io, run->io.port, v, run->io.size);
        } else {
            address_space_read_val(&address_space_io, run->io.port, &v, run->io.size);
            memcpy(data, &v, run->io.size);
        }
        data += run->io.size;
    }
}

/* MMIO goes through the CPU's own view of memory (its local APIC is there). */
static void kvm_handle_mmio(CPUState *cpu, struct kvm_run *run)
{
    AddressSpace *as = cpu->as ? cpu->as : &address_space_memory;
    uint32_t len = run->mmio.len;
    uint64_t v = 0;

    if (len == 1 || len == 2 || len == 4 || len == 8) {
        if (run->mmio.is_write) {
            memcpy(&v, run->mmio.data, len);
            address_space_write_val(as, run->mmio.phys_addr, v, len);
        } else {
            address_space_read_val(as, run->mmio.phys_addr, &v, len);
            memcpy(run->mmio.data, &v, len);
        }
    } else {
        address_space_rw(as, run->mmio.phys_addr, run->mmio.data, len, run->mmio.is_write);
    }
}

static void kvm_sync_from_accel(CPUState *cpu)
{
    GError *err = NULL;

    if (cpu->kvm_fd <= 0 || cpu->kvm_vcpu_dirty) {
        return;         /* CPUState is the newer copy */
    }
    if (!kvm_arch_get_registers(cpu, &err)) {
        error_report_err(err);
        return;
    }
    /* From now on CPUState is authoritative until it is pushed back. */
    cpu->kvm_vcpu_dirty = true;
}

static void kvm_sync_to_accel(CPUState *cpu)
{
    GError *err = NULL;

    if (cpu->kvm_fd <= 0) {
        return;
    }
    if (!kvm_arch_put_registers(cpu, &err)) {
        error_report_err(err);
        return;
    }
    cpu->kvm_vcpu_dirty = false;
}

/* Stop the machine with a report rather than hang or run on garbage. */
static int kvm_fatal(CPUState *cpu, const char *fmt, ...) QEMU_PRINTF(2, 3);
static int kvm_fatal(CPUState *cpu, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    kvm_sync_from_accel(cpu);
    fprintf(stderr, "mimic: kvm: %s\n", msg);
    kvm_arch_dump_failure(cpu, stderr);
    g_free(msg);
    cpu->crash_occurred = true;
    qemu_system_exit_request(1);
    vm_stop(RUN_STATE_INTERNAL_ERROR);
    return EXCP_HLT;
}

static int kvm_vcpu_run(CPUState *cpu)
{
    struct kvm_run *run = cpu->kvm_run;

    if (!run) {
        return EXCP_HLT;
    }
    if (cpu->kvm_vcpu_dirty) {
        kvm_sync_to_accel(cpu);
    }
    for (;;) {
        int r;

        if (cpu->halted) {
            if (!kvm_arch_handle_halt(cpu)) {
                return EXCP_HLT;
            }
            cpu->halted = false;
        }
        if (cpu->exit_request) {
            cpu->exit_request = false;
            cpu->exit_request_tb = 0;
            run->immediate_exit = 0;
            return EXCP_INTERRUPT;
        }
        if (cpu->kvm_vcpu_dirty) {
            kvm_sync_to_accel(cpu);
        }
        kvm_arch_pre_run(cpu, run);
        r = ioctl(cpu->kvm_fd, KVM_RUN, 0);
        run->immediate_exit = 0;
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                cpu->exit_request = false;
                cpu->exit_request_tb = 0;
                return EXCP_INTERRUPT;
            }
            return kvm_fatal(cpu, "KVM_RUN failed: %s", g_strerror(errno));
        }

        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            kvm_handle_io(run);
            break;
        case KVM_EXIT_MMIO:
            kvm_handle_mmio(cpu, run);
            break;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_HLT:
            cpu->halted = true;
            break;
        case KVM_EXIT_SHUTDOWN:
            /* A triple fault: the processor shuts down and the board resets it
             * (under -no-reboot the emulator exits). */
            if (kvm_state.info.paging32_probed && !kvm_state.info.paging32 &&
                !kvm_state.paging_note_given) {
                kvm_state.paging_note_given = true;
                error_report("kvm: the guest triple-faulted; note that this host's KVM "
                             "cannot run 32-bit paging (CR0.PG outside long mode "
                             "faults): a guest that enables it needs -accel tcg");
            } else {
                mimic_log_mask(LOG_GUEST_ERROR, "kvm: triple fault, resetting\n");
            }
            qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            return EXCP_INTERRUPT;
        case KVM_EXIT_SYSTEM_EVENT:
            if (run->system_event.type == KVM_SYSTEM_EVENT_RESET) {
                qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
            } else {
                qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
            }
            return EXCP_INTERRUPT;
        case KVM_EXIT_INTERNAL_ERROR:
            if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
                kvm_sync_from_accel(cpu);
                if (kvm_arch_emulate_insn(cpu)) {
                    break;      /* state is dirty: pushed before the next KVM_RUN */
                }
                return kvm_fatal(cpu, "emulation failure: KVM's instruction emulator "
                                 "gave up and the translator could not run the "
                                 "instruction");
            }
            return kvm_fatal(cpu, "internal error, suberror %u", run->internal.suberror);
        case KVM_EXIT_FAIL_ENTRY:
            return kvm_fatal(cpu, "the host refused to enter the guest (hardware "
                             "entry failure reason 0x%llx)",
                             (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        default:
            return kvm_fatal(cpu, "unhandled exit reason %u", run->exit_reason);
        }
    }
}

static void kvm_vcpu_kick(CPUState *cpu)
{
    struct kvm_run *run = cpu->kvm_run;

    cpu_exit(cpu);
    if (run) {
        run->immediate_exit = 1;
    }
}

static const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_accel_init,
    .machine_done = kvm_machine_done,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_kick = kvm_vcpu_kick,
    .sync_from_accel = kvm_sync_from_accel,
    .sync_to_accel = kvm_sync_to_accel,
};

static void __attribute__((constructor)) kvm_accel_register(void)
{
    accel_register(&kvm_accel_ops);
}
