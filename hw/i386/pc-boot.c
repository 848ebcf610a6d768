/*
 * Boot set-up shared by the PC's firmware-less loaders: the e820 memory map, the
 * flat GDT both boot protocols start with, the choice of loader for -kernel, and
 * putting the CPU into the loader's start state (Linux boot protocol, "32-bit boot
 * protocol"; Multiboot Specification 0.6.96, "Machine state": protected mode, flat
 * 4 GiB segments, paging off, interrupts off, A20 on).
 */
#include "qemu/osdep.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "../../target-i386/cpu.h"

static void pc_e820_add(E820Table *t, uint64_t addr, uint64_t size, uint32_t type)
{
    if (size == 0) {
        return;
    }
    assert(t->n < E820_MAX_ENTRIES);
    t->e[t->n++] = (E820Entry) { addr, size, type };
}

void pc_build_e820(E820Table *t, uint64_t ram_below_4g, uint64_t ram_above_4g)
{
    memset(t, 0, sizeof(*t));
    /* Conventional memory up to the EBDA, the BIOS area, then extended memory. */
    pc_e820_add(t, 0, MIN_U(ram_below_4g, PC_EBDA_BASE), E820_RAM);
    pc_e820_add(t, PC_EBDA_BASE, 0xa0000 - PC_EBDA_BASE, E820_RESERVED);
    pc_e820_add(t, 0xf0000, 0x10000, E820_RESERVED);
    if (ram_below_4g > 0x100000) {
        pc_e820_add(t, 0x100000, ram_below_4g - 0x100000, E820_RAM);
    }
    /* The BIOS flash mapping just below 4 GiB. */
    pc_e820_add(t, 0xfffc0000, 0x40000, E820_RESERVED);
    pc_e820_add(t, PC_HIGHMEM_BASE, ram_above_4g, E820_RAM);
}

bool pc_boot_write_gdt(PCBootEntry *entry, hwaddr gdt_base, GError **errp)
{
    /* Entries 2 and 3: base 0, limit 4 GiB, G=1, D=1, present, DPL 0; code is
     * execute/read, data read/write; both marked accessed. */
    static const uint64_t gdt[4] = {
        0,
        0,
        0x00cf9b000000ffffULL,
        0x00cf93000000ffffULL,
    };
    uint8_t buf[sizeof(gdt)];

    for (size_t i = 0; i < ARRAY_SIZE(gdt); i++) {
        stq_le_p(buf + 8 * i, gdt[i]);
    }
    if (!rom_add_blob("boot-gdt", NULL, gdt_base, buf, sizeof(buf), errp)) {
        return false;
    }
    entry->gdt_base = gdt_base;
    entry->gdt_limit = sizeof(buf) - 1;
    return true;
}

void pc_boot_apply(CPUState *cpu, const PCBootEntry *entry)
{
    CPUX86State *env = x86_env(cpu);

    if (!entry->valid) {
        return;
    }
    env->cr[0] |= CR0_PE;       /* hflags are recomputed below */
    env->gdt.base = entry->gdt_base;
    env->gdt.limit = entry->gdt_limit;
    x86_cpu_load_seg_flat32(env, R_CS, PC_BOOT_CS, true);
    x86_cpu_load_seg_flat32(env, R_DS, PC_BOOT_DS, false);
    x86_cpu_load_seg_flat32(env, R_ES, PC_BOOT_DS, false);
    x86_cpu_load_seg_flat32(env, R_FS, PC_BOOT_DS, false);
    x86_cpu_load_seg_flat32(env, R_GS, PC_BOOT_DS, false);
    x86_cpu_load_seg_flat32(env, R_SS, PC_BOOT_DS, false);
    env->regs[R_EAX] = entry->eax;
    env->regs[R_EBX] = entry->ebx;
    env->regs[R_ECX] = entry->ecx;
    env->regs[R_EDX] = entry->edx;
    env->regs[R_ESI] = entry->esi;
    env->regs[R_EDI] = entry->edi;
    env->regs[R_EBP] = entry->ebp;
    env->regs[R_ESP] = entry->esp;
    env->eip = entry->eip;
    x86_cpu_set_eflags(env, EFLAGS_FIXED);
    x86_cpu_set_a20(env, true);
    x86_cpu_update_hflags(env);
    /* Under KVM the registers now differ from the vCPU's: push them before it runs. */
    cpu->kvm_vcpu_dirty = true;
}

bool pc_boot_kernel(const PCBootParams *p, PCBootEntry *entry, GError **errp)
{
    GBytes *file;
    const uint8_t *data;
    size_t len;
    bool ok;

    memset(entry, 0, sizeof(*entry));
    file = load_file_bytes(p->kernel_filename, LOADER_MAX_FILE_SIZE, errp);
    if (!file) {
        return false;
    }
    data = g_bytes_get_data(file, &len);
    if (linux_boot_is_bzimage(data, len)) {
        ok = linux_boot_load(p, file, entry, errp);
    } else if (multiboot_find_header(data, len) >= 0) {
        ok = multiboot_load(p, data, len, entry, errp);
    } else if (loader_is_elf(data, len)) {
        error_setg(errp, "%s: an ELF file without a Multiboot header: the PC boots "
                   "Linux bzImages and Multiboot (version 1) kernels with -kernel",
                   p->kernel_filename);
        ok = false;
    } else {
        error_setg(errp, "%s: not a Linux kernel (no 'HdrS' setup header at offset "
                   "0x202) and no Multiboot header in the first 8 KiB",
                   p->kernel_filename);
        ok = false;
    }
    g_bytes_unref(file);
    return ok;
}
