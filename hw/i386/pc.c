/*
 * The PC board ("-M pc"): an i440FX/PIIX3 PC/AT compatible as QEMU's pc machine
 * lays it out, wiring only. RAM from 0 (below the VGA window at 0xa0000 and the
 * BIOS area, whose 0xc0000-0xfffff segments the i440FX's PAM registers steer),
 * above 1 MiB up to 3.5 GiB and the rest above 4 GiB; the BIOS image (-bios) at
 * the top of 4 GiB with its last 128 KiB again below 1 MiB; the i440FX host
 * bridge at 00.0 and the PIIX3 at 01.0/01.1 (its IDE function holds the -hda..-hdd,
 * -cdrom and -drive if=ide disks on the legacy ports 0x1f0/0x170, IRQ 14/15);
 * -drive if=virtio disks as virtio-blk functions in slots 4-7; the NIC (an Intel
 * 82540EM e1000 by default, on user networking unless -nic none) at slot 3,
 * more NICs from slot 8; on the ISA side
 * the 8259 pair, the 8254 (counter 2 through port 0x61), the MC146818 RTC with
 * the CMOS contents a BIOS leaves for the OS, COM1 (0x3f8, IRQ 4) and COM2
 * (0x2f8, IRQ 3), the i8042, port 0x92 and fw_cfg. -device adds isa-debug-exit
 * and isa-debugcon.
 *
 * Booting: -kernel (a Linux bzImage or a Multiboot kernel; see pc-boot.c) starts
 * the CPU directly in the kernel's 32-bit entry state after every reset; -bios
 * starts it at the reset vector in the firmware.
 *
 * With -smp 2 and up each CPU gets a local APIC (seen at 0xfee00000 in its own
 * view of memory) and an I/O APIC sits at 0xfec00000; application processors
 * wait for INIT and start-up IPIs. Under KVM with kernel-irqchip=on the kernel
 * provides the 8259s, I/O APIC, local APICs and the PIT instead.
 *
 * Not modelled: VGA (the 0xa0000 window reads 0, as on QEMU without VGA),
 * floppy/ISA DMA, ACPI and MP tables (firmware-less SMP guests must find their
 * processors themselves), SMM.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "hw/loader.h"
#include "hw/i386/pc.h"
#include "hw/misc/pvpanic.h"
#include "hw/i386/i440fx.h"
#include "hw/i386/piix3.h"
#include "hw/pci/piix4.h"
#include "hw/ide/piix.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/net/pci-nic.h"
#include "hw/i386/isa-misc.h"
#include "hw/input/i8042.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/i386/apic.h"
#include "hw/char/serial.h"
#include "hw/intc/i8259.h"
#include "hw/timer/i8254.h"
#include "hw/rtc/mc146818rtc.h"
#include "sysemu/runstate.h"
#include "sysemu/accel.h"
#include "sysemu/vl.h"
#include "sysemu/kvm.h"
#include "../../target-i386/cpu.h"
#include "../../target-i386/internal.h"

#define PC_ISA_BIOS_MAX   0x20000
#define PC_PIIX3_SLOT     1
/* -drive if=virtio disks: slots 4-7 (QEMU's PC keeps 2 for VGA, 3 for a NIC). */
#define PC_VIRTIO_SLOT0   4
#define PC_VIRTIO_SLOTS   4
/* The NIC a -nic request without model= gets, as on QEMU's PC. */
#define PC_NIC_DEFAULT_MODEL "e1000"
#define PC_ELCR_PORT      0x4d0
/* Firmware-less boots: ACPI tables near the end of the 64 KiB BIOS area (below
 * the reset vector page), FACS in the EBDA. */
#define PC_ACPI_ROM_OFFSET 0xe000
#define PC_SMBIOS_ROM_OFFSET (PC_ACPI_ROM_OFFSET - PC_SMBIOS_AREA_SIZE)
#define PC_ACPI_FACS_ADDR  0x9fc00

#define PC_MAX_CPUS       APIC_MAX

typedef struct PCMachineState {
    MemoryRegion ram, ram_lo, ram_hi, ram_hi4g;
    /* With APICs: each CPU sees system memory plus its own APIC page. */
    MemoryRegion cpu_root[PC_MAX_CPUS], cpu_sysmem[PC_MAX_CPUS];
    AddressSpace cpu_as[PC_MAX_CPUS];
    APICState *apic[PC_MAX_CPUS];
    IOAPICState *ioapic;
    IRQLine **isa_in;                   /* ISA IRQs to both the 8259s and the IOAPIC */
    IRQLine **pic_in;
    MemoryRegion bios, isa_bios, vga_hole, post_port;
    I440FXState *i440fx;
    PIIX3State *piix3;
    DeviceState *pic_master, *pit, *rtc;
    PIIX4PMState *pm;
    I8042State *kbd;
    Port92State *port92;
    FWCfgState *fw_cfg;
    IRQLine *cpu_intr, *reset_line, *a20_kbd, *a20_port92;
    bool a20_kbd_level, a20_port92_level;
    uint64_t ram_below_4g, ram_above_4g;
    PCBootEntry boot;
} PCMachineState;

static int pc_iack(void *opaque)
{
    return i8259_iack(opaque);
}

/* ---- local APICs and the I/O APIC (without KVM's in-kernel irqchip) ---- */

static void pc_apic_lint0(void *opaque, int n, int level)
{
    apic_set_lint0(opaque, level);
}

static int pc_apic_iack(void *opaque)
{
    return apic_get_interrupt(opaque);
}

static uint32_t pc_apic_get_base(CPUState *cpu)
{
    return x86_env(cpu)->apic_base;
}

static void pc_apic_init_cpu(CPUState *cpu)
{
    /* INIT: the processor resets and waits for a start-up IPI, halted (with
     * interrupts off nothing but the start-up IPI wakes it). */
    cpu_reset(cpu);
    cpu->halted = true;
    cpu->kvm_vcpu_dirty = true;
}

static void pc_apic_start_cpu(CPUState *cpu, int vector)
{
    CPUX86State *env = x86_env(cpu);

    x86_cpu_load_seg_real(env, R_CS, vector << 8);
    env->eip = 0;
    x86_cpu_update_hflags(env);
    cpu->halted = false;
    cpu->kvm_vcpu_dirty = true;
}

static APICBoardOps pc_apic_ops = {
    .get_apic_base = pc_apic_get_base,
    .init_cpu = pc_apic_init_cpu,
    .start_cpu = pc_apic_start_cpu,
    .ext_iack = pc_iack,
};

/* ISA IRQ n: to the 8259 pair and to the I/O APIC (IRQ 0 on pin 2, as in the
 * MP specification's default configuration and QEMU). */
static void pc_isa_irq(void *opaque, int n, int level)
{
    PCMachineState *s = opaque;

    irq_set(s->pic_in[n], level);
    if (s->ioapic) {
        irq_set(ioapic_input(s->ioapic, n == 0 ? 2 : n), level);
    }
}

/* With KVM's in-kernel irqchip the 8259s, IOAPIC and PIT are in the kernel:
 * ISA interrupt lines go to its GSIs. */
static void pc_kvm_irq(void *opaque, int n, int level)
{
    kvm_set_irq(n, level);
}

static void pc_reset_line(void *opaque, int n, int level)
{
    if (level) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

/* The A20 gate is the OR of the keyboard controller's and port 0x92's bits. */
static void pc_a20_line(void *opaque, int n, int level)
{
    PCMachineState *s = opaque;
    CPUState *cpu;
    bool on;

    if (n == 0) {
        s->a20_kbd_level = level;
    } else {
        s->a20_port92_level = level;
    }
    on = s->a20_kbd_level || s->a20_port92_level;
    CPU_FOREACH(cpu) {
        x86_cpu_set_a20(x86_env(cpu), on);
    }
    if (!on && kvm_enabled()) {
        mimic_log_mask(LOG_UNIMP, "pc: A20 masking is not available under KVM\n");
    }
}

/* What a BIOS does before it starts an OS: the PIIX4 PM block at its ACPI base,
 * enabled, in ACPI mode (the firmware-less boot's FADT points there). */
static void pc_pm_setup(PCMachineState *s)
{
    PCIDevice *d = &s->pm->pci;
    PCIBus *bus = d->bus;

    pci_bus_config_write(bus, d->devfn, PIIX4_PM_PMBA, PC_ACPI_PM_BASE | 1, 4);
    pci_bus_config_write(bus, d->devfn, PIIX4_PM_PMREGMISC, PIIX4_PM_PMIOSE, 1);
    /* In ACPI mode already (the FADT has no SMI command port to switch). */
    address_space_write_val(&address_space_io, PC_ACPI_PM_BASE + PIIX4_PMCNTRL,
                            PIIX4_PMCNTRL_SCI_EN, 2);
}

/*
 * What a BIOS does for PCI interrupts before it starts an OS without routing
 * tables: PIRQA-D steered to IRQ 10, 10, 11, 11 (SeaBIOS's choice), those
 * IRQs level-triggered in the 8259s' ELCR, and each function's interrupt line
 * register naming the IRQ its pin reaches (the PC wires INTx to PIRQ[x]), which
 * is what Linux uses when it finds no $PIR or ACPI _PRT.
 */
static void pc_pci_irq_setup(PCMachineState *s)
{
    static const uint8_t pirq_irq[PIIX3_NUM_PIRQS] = { 10, 10, 11, 11 };
    PCIBus *bus = s->piix3->pci.bus;
    uint16_t elcr = 0;

    for (int p = 0; p < PIIX3_NUM_PIRQS; p++) {
        pci_bus_config_write(bus, s->piix3->pci.devfn, PIIX3_PIRQRC + p, pirq_irq[p], 1);
        elcr |= 1u << pirq_irq[p];
    }
    if (!kvm_irqchip_in_kernel()) {
        address_space_write_val(&address_space_io, PC_ELCR_PORT, elcr & 0xff, 1);
        address_space_write_val(&address_space_io, PC_ELCR_PORT + 1, elcr >> 8, 1);
    }
    for (int devfn = 0; devfn < 256; devfn++) {
        uint32_t pin;

        if (!pci_bus_has_device(bus, devfn)) {
            continue;
        }
        pin = pci_bus_config_read(bus, devfn, PCI_INTERRUPT_PIN, 1);
        if (pin >= 1 && pin <= PIIX3_NUM_PIRQS) {
            pci_bus_config_write(bus, devfn, PCI_INTERRUPT_LINE, pirq_irq[pin - 1], 1);
        }
    }
}

/* What a BIOS leaves for an OS that may not know about APICs: the BSP's local
 * APIC in virtual wire mode, the 8259 reaching the CPU through LINT0. */
static void pc_apic_virtual_wire(PCMachineState *s)
{
    if (!s->apic[0]) {
        return;
    }
    apic_mem_write(s->apic[0], APIC_SVR, APIC_SVR_ENABLE | 0xff, 4);
    apic_mem_write(s->apic[0], APIC_LVT_LINT0, APIC_DM_EXTINT << APIC_DM_SHIFT, 4);
    apic_mem_write(s->apic[0], APIC_LVT_LINT1, APIC_DM_NMI << APIC_DM_SHIFT, 4);
}

static void pc_ignore_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
}

static uint64_t pc_vga_hole_read(void *opaque, hwaddr off, unsigned size)
{
    /* No VGA: nothing claims the cycle; QEMU's PC reads 0 there. */
    return 0;
}

/* Port 0x80, the POST code port: written by firmware and by Linux as an I/O
 * delay; nothing reads it back on a PC without a POST card. */
static uint64_t pc_post_read(void *opaque, hwaddr off, unsigned size)
{
    return ~0ULL >> (64 - 8 * size);
}

static const MemoryRegionOps pc_post_ops = {
    .read = pc_post_read,
    .write = pc_ignore_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps pc_vga_hole_ops = {
    .read = pc_vga_hole_read,
    .write = pc_ignore_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static void pc_cmos_set_word(DeviceState *rtc, int addr, uint16_t v)
{
    mc146818_rtc_set_cmos(rtc, addr, v & 0xff);
    mc146818_rtc_set_cmos(rtc, addr + 1, v >> 8);
}

/* The board's drive letters for -boot: floppy (a, b), disk, CD-ROM, network. */
#define PC_BOOT_DRIVES "abcdn"
#define PC_BOOT_DEFAULT "cad"

/*
 * The boot order in the CMOS bytes where SeaBIOS, like the Bochs BIOS before it,
 * reads it on an emulator: 0x3d holds the first device (low nibble) and the
 * second, 0x38 the third in its high nibble (bit 0 clear: check the floppy's
 * boot signature). 1 floppy, 2 disk, 3 CD-ROM, 4 network.
 */
static bool pc_check_boot_drives(const char *key, const char *drives, GError **errp)
{
    for (const char *p = drives; *p; p++) {
        if (!strchr(PC_BOOT_DRIVES, *p)) {
            error_setg(errp, "-boot %s=%s: the PC has no boot device '%c' (a, b "
                       "floppy, c disk, d CD-ROM, n network)", key, drives, *p);
            return false;
        }
    }
    return true;
}

static const char *pc_boot_order(MachineState *ms, bool first_start)
{
    if (first_start && ms->boot_once[0]) {
        return ms->boot_once;
    }
    return ms->boot_order[0] ? ms->boot_order : PC_BOOT_DEFAULT;
}

static void pc_set_boot_order(PCMachineState *s, MachineState *ms, bool first_start)
{
    const char *order = pc_boot_order(ms, first_start);
    DeviceState *rtc = s->rtc;
    uint8_t code[3] = { 0, 0, 0 };

    for (int i = 0; i < 3 && order[i]; i++) {
        code[i] = order[i] == 'c' ? 2 : order[i] == 'd' ? 3 : order[i] == 'n' ? 4 : 1;
    }
    mc146818_rtc_set_cmos(rtc, 0x3d, code[1] << 4 | code[0]);
    mc146818_rtc_set_cmos(rtc, 0x38, code[2] << 4);
    if (s->fw_cfg) {
        fw_cfg_add_i16(s->fw_cfg, FW_CFG_BOOT_DEVICE, order[0]);
    }
}

/* What a PC BIOS leaves in CMOS for the OS and for itself (IBM PC AT Technical
 * Reference, "CMOS RAM address map", plus the extended-memory bytes SeaBIOS and
 * QEMU use at 0x34/0x35 and 0x5b-0x5d). */
static void pc_cmos_init(PCMachineState *s, MachineState *ms)
{
    DeviceState *rtc = s->rtc;
    uint64_t ext_kb = s->ram_below_4g > 0x100000 ? (s->ram_below_4g - 0x100000) >> 10 : 0;
    uint64_t above_16m = s->ram_below_4g > (16 << 20) ?
                         (s->ram_below_4g - (16 << 20)) >> 16 : 0;
    uint64_t above_4g = s->ram_above_4g >> 16;
    unsigned sum = 0;

    mc146818_rtc_set_cmos(rtc, 0x10, 0x00);           /* no floppy drives */
    mc146818_rtc_set_cmos(rtc, 0x12, 0x00);           /* no AT hard disks */
    /* Equipment: FPU present (bit 1), primary display EGA/VGA (bits 5:4 = 00). */
    mc146818_rtc_set_cmos(rtc, 0x14, 0x02);
    pc_cmos_set_word(rtc, 0x15, 640);                 /* base memory, KiB */
    pc_cmos_set_word(rtc, 0x17, MIN_U(ext_kb, 0xffff));
    pc_cmos_set_word(rtc, 0x30, MIN_U(ext_kb, 0xffff));
    pc_cmos_set_word(rtc, 0x34, MIN_U(above_16m, 0xffff));
    mc146818_rtc_set_cmos(rtc, 0x5b, above_4g & 0xff);
    mc146818_rtc_set_cmos(rtc, 0x5c, (above_4g >> 8) & 0xff);
    mc146818_rtc_set_cmos(rtc, 0x5d, (above_4g >> 16) & 0xff);
    mc146818_rtc_set_cmos(rtc, 0x5f, ms->smp - 1);    /* CPUs beyond the first */
    mc146818_rtc_set_cmos(rtc, 0x32, 0x20);           /* century (BCD) */
    for (int a = 0x10; a <= 0x2d; a++) {
        sum += mc146818_rtc_get_cmos(rtc, a);
    }
    pc_cmos_set_word(rtc, 0x2e, 0);
    mc146818_rtc_set_cmos(rtc, 0x2e, sum >> 8);       /* checksum, big-endian */
    mc146818_rtc_set_cmos(rtc, 0x2f, sum & 0xff);
}

static bool pc_fw_cfg_init(PCMachineState *s, MachineState *ms, GError **errp)
{
    E820Table t;
    uint8_t *e820;
    bool ok;

    s->fw_cfg = fw_cfg_init_io(get_system_io(), &address_space_memory);
    fw_cfg_add_i64(s->fw_cfg, FW_CFG_RAM_SIZE, ms->ram_size);
    fw_cfg_add_i16(s->fw_cfg, FW_CFG_NB_CPUS, ms->smp);
    fw_cfg_add_i16(s->fw_cfg, FW_CFG_MAX_CPUS, ms->smp);
    fw_cfg_add_i16(s->fw_cfg, FW_CFG_NOGRAPHIC, 1);
    fw_cfg_add_i16(s->fw_cfg, FW_CFG_BOOT_MENU, ms->boot_menu);
    fw_cfg_add_i32(s->fw_cfg, FW_CFG_IRQ0_OVERRIDE, 1);
    /* Firmware (SeaBIOS) puts it into its own SMBIOS tables. */
    fw_cfg_add_bytes(s->fw_cfg, FW_CFG_UUID, ms->uuid, sizeof(ms->uuid));
    /* -boot: the order (CMOS and FW_CFG_BOOT_DEVICE), the menu and its waits. */
    pc_set_boot_order(s, ms, true);
    if (ms->boot_menu_wait >= 0) {
        uint8_t wait[2];

        stw_le_p(wait, ms->boot_menu_wait);
        if (!fw_cfg_add_file(s->fw_cfg, "etc/boot-menu-wait", wait, sizeof(wait), errp)) {
            return false;
        }
    }
    if (ms->reboot_timeout >= 0) {
        uint8_t wait[4];

        stl_le_p(wait, ms->reboot_timeout);
        if (!fw_cfg_add_file(s->fw_cfg, "etc/boot-fail-wait", wait, sizeof(wait), errp)) {
            return false;
        }
    }
    pc_build_e820(&t, s->ram_below_4g, s->ram_above_4g);
    e820 = g_malloc0(20 * t.n);
    for (unsigned i = 0; i < t.n; i++) {
        stq_le_p(e820 + 20 * i, t.e[i].addr);
        stq_le_p(e820 + 20 * i + 8, t.e[i].size);
        stl_le_p(e820 + 20 * i + 16, t.e[i].type);
    }
    ok = fw_cfg_add_file(s->fw_cfg, "etc/e820", e820, 20 * t.n, errp);
    g_free(e820);
    return ok;
}

/* SMBIOS as a BIOS would leave it, for firmware-less boots (smbios.c). */
static bool pc_smbios_setup(PCMachineState *s, MachineState *ms, GError **errp)
{
    CPUX86State *env = x86_env(ms->cpu);
    uint32_t a, b, c, d, brand[12];
    char vendor[13], version[49];
    PCSmbiosConfig cfg = {
        .rom_addr = 0x100000000ULL - s->bios.size + PC_SMBIOS_ROM_OFFSET,
        .low_addr = 0x100000 - s->bios.size + PC_SMBIOS_ROM_OFFSET,
        .bios_segment = (0x100000 - s->bios.size) >> 4,
        .bios_version = vl_version_string(),
        .product = "Standard PC (i440FX + PIIX, 1996)",
        .machine_version = "pc",
        .nr_cpus = ms->smp,
        .ram_below_4g = s->ram_below_4g,
        .ram_above_4g = s->ram_above_4g,
        .cpu_vendor = vendor,
        .cpu_version = version,
    };

    memcpy(cfg.uuid, ms->uuid, sizeof(cfg.uuid));
    x86_cpuid_query(env, 0, 0, &a, &b, &c, &d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = '\0';
    x86_cpuid_query(env, 1, 0, &cfg.cpuid_eax, &b, &c, &cfg.cpuid_edx);
    x86_cpuid_query(env, 0x80000000, 0, &a, &b, &c, &d);
    if (a >= 0x80000004) {
        for (int i = 0; i < 3; i++) {
            x86_cpuid_query(env, 0x80000002 + i, 0, &brand[4 * i], &brand[4 * i + 1],
                            &brand[4 * i + 2], &brand[4 * i + 3]);
        }
        memcpy(version, brand, 48);
        version[48] = '\0';
        g_strstrip(version);
    } else {
        snprintf(version, sizeof(version), "family %u model %u stepping %u",
                 (cfg.cpuid_eax >> 8) & 0xf, (cfg.cpuid_eax >> 4) & 0xf,
                 cfg.cpuid_eax & 0xf);
    }
    return pc_smbios_build(&cfg, errp);
}

static bool pc_load_bios(PCMachineState *s, const char *filename, GError **errp)
{
    uint8_t *data = NULL;
    size_t len = 0, rom_size, isa_size;

    if (filename) {
        if (!load_file(filename, 16 << 20, &data, &len, errp)) {
            g_prefix_error(errp, "-bios: ");
            return false;
        }
        if (len == 0 || len % 0x10000 != 0) {
            error_setg(errp, "-bios %s: size %zu is not a non-zero multiple of 64 KiB",
                       filename, len);
            g_free(data);
            return false;
        }
        rom_size = len;
    } else {
        /* No firmware: an empty BIOS area (the kernel's scans find nothing). */
        rom_size = 0x10000;
    }
    if (!memory_region_init_rom(&s->bios, "pc.bios", rom_size, errp)) {
        g_free(data);
        return false;
    }
    memory_region_add_subregion(get_system_memory(), 0x100000000ULL - rom_size, &s->bios);
    isa_size = MIN_U(rom_size, (size_t)PC_ISA_BIOS_MAX);
    memory_region_init_alias(&s->isa_bios, "isa-bios", &s->bios, rom_size - isa_size,
                             isa_size);
    s->isa_bios.readonly = true;
    memory_region_add_subregion(get_system_memory(), 0x100000 - isa_size, &s->isa_bios);
    if (data) {
        bool ok = rom_add_blob("bios", NULL, 0x100000000ULL - rom_size, data, len, errp);

        g_free(data);
        return ok;
    }
    return true;
}

/* -device DRIVER,prop=value,... for the user-creatable ISA devices. */
static bool pc_create_user_devices(MachineState *ms, GError **errp)
{
    for (guint i = 0; ms->device_opts && i < ms->device_opts->len; i++) {
        g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(ms->device_opts, i), ",", -1);
        const DeviceClass *dc = device_class_by_name(parts[0]);
        const char *id = NULL;
        DeviceState *dev;

        if (pci_user_class_find(parts[0])) {
            continue;                  /* PCI cards: pc_nic_init places them */
        }
        if (!dc || !dc->user_creatable) {
            error_setg(errp, "-device %s: not a device this board can add", parts[0]);
            return false;
        }
        for (int k = 1; parts[k]; k++) {
            if (g_str_has_prefix(parts[k], "id=")) {
                id = parts[k] + 3;
            }
        }
        dev = qdev_new(dc, id);
        for (int k = 1; parts[k]; k++) {
            char *eq = strchr(parts[k], '=');

            if (g_str_has_prefix(parts[k], "id=") || !parts[k][0]) {
                continue;
            }
            if (!eq) {
                error_setg(errp, "-device %s: '%s' is not prop=value", parts[0], parts[k]);
                return false;
            }
            *eq = 0;
            if (!qdev_prop_parse(dev, parts[k], eq + 1, errp)) {
                g_prefix_error(errp, "-device %s: ", parts[0]);
                return false;
            }
        }
        if (!qdev_realize(dev, errp)) {
            return false;
        }
    }
    return true;
}

/*
 * Network as on QEMU's PC: the first NIC request (by default one on user
 * networking; none with -nic none or -nodefaults) is an e1000 at slot 3 unless
 * it names another model; further -nic requests and -device NICs take the free
 * slots from 8 on.
 */
static bool pc_nic_init(MachineState *ms, PCIBus *bus, GError **errp)
{
    static const int nic_slots[] = { 3, 8, 9, 10, 11, 12, 13 };
    const int nslots = ARRAY_SIZE(nic_slots);

    for (int i = 0; i < net_nic_count(); i++) {
        if (!pci_nic_create(bus, i == 0 ? nic_slots : nic_slots + 1,
                            i == 0 ? nslots : nslots - 1, net_nic_get(i),
                            PC_NIC_DEFAULT_MODEL, errp)) {
            return false;
        }
    }
    return pci_create_user_devices(bus, ms->device_opts, nic_slots, nslots, errp);
}

static bool pc_init(MachineState *ms, GError **errp)
{
    PCMachineState *s = g_new0(PCMachineState, 1);
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *io = get_system_io();
    const char *model = ms->cpu_model ? ms->cpu_model : current_machine_class->default_cpu;
    const CPUClass *cc;
    IRQLine **pic_in;
    PCIBus *bus;
    bool use_apic;
    CPUState *cpu;

    ms->board_state = s;
    if (!pc_check_boot_drives("order", ms->boot_order, errp) ||
        !pc_check_boot_drives("once", ms->boot_once, errp)) {
        return false;
    }
    if (!ms->kernel_filename && !ms->firmware) {
        error_setg(errp, "no firmware: use -kernel (a Linux bzImage or a Multiboot "
                   "kernel) or -bios (e.g. Debian's /usr/share/seabios/bios.bin)");
        return false;
    }
    if (ms->ram_size < (2 << 20)) {
        error_setg(errp, "-m: the PC needs at least 2 MiB of RAM");
        return false;
    }
    cc = cpu_class_by_name("i386", model);
    if (!cc) {
        error_setg(errp, "unknown CPU model '%s' (use -cpu help)", model);
        return false;
    }
    if (ms->smp > PC_MAX_CPUS) {
        error_setg(errp, "-smp: the PC takes at most %d CPUs", PC_MAX_CPUS);
        return false;
    }
    /* Every CPU has a local APIC and the board an I/O APIC, as on QEMU's PC (the
     * 8259s stay, in virtual wire mode, for an OS that uses neither); KVM's
     * in-kernel irqchip brings its own. */
    use_apic = !kvm_irqchip_in_kernel();
    for (int i = 0; i < ms->smp; i++) {
        AddressSpace *as = &address_space_memory;
        char name[32];

        if (use_apic) {
            snprintf(name, sizeof(name), "cpu-memory-%d", i);
            memory_region_init(&s->cpu_root[i], name, get_system_memory()->size);
            memory_region_init_alias(&s->cpu_sysmem[i], "system", get_system_memory(), 0,
                                     get_system_memory()->size);
            memory_region_add_subregion(&s->cpu_root[i], 0, &s->cpu_sysmem[i]);
            address_space_init(&s->cpu_as[i], &s->cpu_root[i], name);
            as = &s->cpu_as[i];
        }
        cpu = cpu_create(cc, as);

        if (!cpu) {
            error_setg(errp, "cannot create CPU '%s'", model);
            return false;
        }
        x86_env(cpu)->has_apic = true;
        if (i == 0) {
            ms->cpu = cpu;
        } else if (!kvm_irqchip_in_kernel()) {
            /* Application processors wait for a start-up IPI, halted (KVM's
             * in-kernel APIC holds them itself). */
            cpu->halted = true;
        }
    }

    /* RAM: below the VGA window, above 1 MiB up to the PCI hole, above 4 GiB. */
    s->ram_below_4g = MIN_U(ms->ram_size, PC_LOWMEM_MAX);
    s->ram_above_4g = ms->ram_size - s->ram_below_4g;
    if (!memory_region_init_ram(&s->ram, "pc.ram", ms->ram_size, errp)) {
        return false;
    }
    memory_region_init_alias(&s->ram_lo, "ram-below-640k", &s->ram, 0, PC_VGA_BASE);
    memory_region_add_subregion(sysmem, 0, &s->ram_lo);
    memory_region_init_alias(&s->ram_hi, "ram-below-4g", &s->ram, 0x100000,
                             s->ram_below_4g - 0x100000);
    memory_region_add_subregion(sysmem, 0x100000, &s->ram_hi);
    if (s->ram_above_4g) {
        memory_region_init_alias(&s->ram_hi4g, "ram-above-4g", &s->ram,
                                 s->ram_below_4g, s->ram_above_4g);
        memory_region_add_subregion(sysmem, PC_HIGHMEM_BASE, &s->ram_hi4g);
    }
    memory_region_init_io(&s->vga_hole, &pc_vga_hole_ops, s, "vga-lowmem", PC_VGA_SIZE);
    memory_region_add_subregion(sysmem, PC_VGA_BASE, &s->vga_hole);
    if (!pc_load_bios(s, ms->firmware, errp)) {
        return false;
    }

    /* Chipset and the ISA devices. */
    s->i440fx = i440fx_init(sysmem, io, &s->ram, errp);
    if (!s->i440fx) {
        return false;
    }
    bus = i440fx_get_bus(s->i440fx);
    pci_set_root_bus(bus);
    if (kvm_irqchip_in_kernel()) {
        pic_in = irq_new_array(pc_kvm_irq, s, 16);
    } else {
        /* The 8259's INT goes to the BSP's LINT0; each CPU takes interrupts from
         * its APIC; ISA lines also reach the I/O APIC. */
        s->ioapic = ioapic_init(sysmem, IOAPIC_DEFAULT_ADDRESS);
        CPU_FOREACH(cpu) {
            APICState *a = apic_init(cpu, cpu->cpu_index, &pc_apic_ops,
                                     &s->cpu_root[cpu->cpu_index]);

            if (!a) {
                error_setg(errp, "cannot create the local APIC of CPU %d",
                           cpu->cpu_index);
                return false;
            }
            a->ioapic = s->ioapic;
            s->apic[cpu->cpu_index] = a;
            x86_cpu_set_irq_source(cpu, pc_apic_iack, a);
        }
        s->cpu_intr = irq_new(pc_apic_lint0, s->apic[0], 0);
        s->pic_in = i8259_init(io, s->cpu_intr, &s->pic_master);
        pc_apic_ops.ext_opaque = s->pic_master;
        pic_in = s->isa_in = irq_new_array(pc_isa_irq, s, 16);
        s->pit = i8254_init(io, 0x40, pic_in[0], "pit");
    }
    s->reset_line = irq_new(pc_reset_line, s, 0);
    s->piix3 = piix3_init(bus, PC_PIIX3_SLOT, io, pic_in, s->reset_line, s->pit, errp);
    if (!s->piix3) {
        return false;
    }
    s->i440fx->rcr_read = piix3_rcr_read;
    s->i440fx->rcr_write = piix3_rcr_write;
    s->i440fx->rcr_opaque = s->piix3;
    pci_bus_irqs(bus, piix3_set_pirq, NULL, s->piix3, PIIX3_NUM_PIRQS);
    /* -hda..-hdd, -cdrom and -drive if=ide disks on the PIIX3's IDE function. */
    if (!piix_ide_attach_drives((PCIDevice *)qdev_find("piix3-ide"), ms, errp)) {
        return false;
    }
    /* Power management as on QEMU's PC, the PIIX4's function 3 at 01.3, for
     * firmware-less boots (the board's ACPI tables point at it). Not under
     * -bios: firmware finding it sets up SMM, which is not modelled, and would
     * wait for an SMI handler forever. */
    if (!ms->firmware) {
        s->pm = (PIIX4PMState *)pci_new(bus, PCI_DEVFN(PC_PIIX3_SLOT, 3),
                                        &piix4_pm_class, "piix4-pm", errp);
        if (!s->pm) {
            return false;
        }
        s->pm->isa_io = io;
        s->pm->sci_irq = piix3_isa_irq(s->piix3, PC_ACPI_SCI_IRQ);
        if (!qdev_realize(DEVICE(s->pm), errp)) {
            return false;
        }
    }
    s->rtc = mc146818_rtc_init(io, 0x70, piix3_isa_irq(s->piix3, 8), 2000, "rtc");
    serial_isa_init(io, 0x3f8, piix3_isa_irq(s->piix3, 4), ms->serial[0], "serial0");
    serial_isa_init(io, 0x2f8, piix3_isa_irq(s->piix3, 3), ms->serial[1], "serial1");
    s->a20_kbd = irq_new(pc_a20_line, s, 0);
    s->a20_port92 = irq_new(pc_a20_line, s, 1);
    s->a20_kbd_level = true;
    s->kbd = i8042_init(io, piix3_isa_irq(s->piix3, 1), piix3_isa_irq(s->piix3, 12),
                        s->reset_line, s->a20_kbd);
    s->port92 = port92_init(io, s->reset_line, s->a20_port92);
    memory_region_init_io(&s->post_port, &pc_post_ops, s, "post-port", 1);
    memory_region_add_subregion(io, 0x80, &s->post_port);
    pc_cmos_init(s, ms);
    if (!pc_fw_cfg_init(s, ms, errp)) {
        return false;
    }
    if (!pc_create_user_devices(ms, errp)) {
        return false;
    }
    if (!pc_nic_init(ms, bus, errp)) {
        return false;
    }
    {
        int slots[PC_VIRTIO_SLOTS];

        for (int i = 0; i < PC_VIRTIO_SLOTS; i++) {
            slots[i] = PC_VIRTIO_SLOT0 + i;
        }
        if (!virtio_blk_attach_drives(bus, ms, slots, PC_VIRTIO_SLOTS, errp)) {
            return false;
        }
    }

    if (ms->kernel_filename) {
        PCBootParams bp = {
            .kernel_filename = ms->kernel_filename,
            .initrd_filename = ms->initrd_filename,
            .cmdline = ms->kernel_cmdline,
            .ram_below_4g = s->ram_below_4g,
            .ram_above_4g = s->ram_above_4g,
            .fw_cfg = s->fw_cfg,
        };

        if (!pc_boot_kernel(&bp, &s->boot, errp)) {
            return false;
        }
        if (!ms->firmware) {
            /* No BIOS builds ACPI tables: provide the ones an OS needs for PCI
             * and power-off, and set the PM block up as the BIOS would. */
            PCAcpiConfig acpi = {
                .rom_addr = 0x100000000ULL - s->bios.size + PC_ACPI_ROM_OFFSET,
                .low_addr = 0x100000 - s->bios.size + PC_ACPI_ROM_OFFSET,
                .facs_addr = PC_ACPI_FACS_ADDR,
                .pci_hole_start = s->ram_below_4g,
                .pci_hole_end = PC_PCI_HOLE_END,
                .pvpanic_port = pvpanic_isa_port(),
                .nr_apics = ms->smp,
            };

            if (!pc_acpi_build(&acpi, errp) || !pc_smbios_setup(s, ms, errp)) {
                return false;
            }
            s->boot.setup_pm = true;
            pc_pm_setup(s);
            pc_pci_irq_setup(s);
            pc_apic_virtual_wire(s);
        }
        if (s->boot.needs_paging32 && kvm_enabled() && kvm_host_info()->paging32_probed &&
            !kvm_host_info()->paging32) {
            error_setg(errp, "-accel kvm: this host's KVM cannot run 32-bit paging (it "
                       "refuses CR0.PG outside long mode: a page-table based KVM, not "
                       "VT-x/AMD-V), and a 32-bit Linux kernel needs it; use -accel tcg");
            return false;
        }
        pc_boot_apply(ms->cpu, &s->boot);
    }
    return true;
}

/* After devices and CPUs: boot images back in RAM, the CPU at the kernel entry
 * again (or at the BIOS reset vector). */
static void pc_reset(MachineState *ms)
{
    PCMachineState *s = ms->board_state;
    CPUState *cpu;

    rom_reset_all();
    /* -boot once= was for the first start: from now on the order. */
    pc_set_boot_order(s, ms, false);
    if (s->boot.setup_pm) {
        pc_pm_setup(s);
        pc_pci_irq_setup(s);
        pc_apic_virtual_wire(s);
    }
    s->a20_kbd_level = true;
    s->a20_port92_level = false;
    CPU_FOREACH(cpu) {
        cpu->kvm_vcpu_dirty = true;
        if (cpu != ms->cpu && !kvm_irqchip_in_kernel()) {
            cpu->halted = true;
        }
    }
    pc_boot_apply(ms->cpu, &s->boot);
}

static const MachineClass pc_machine = {
    .name = "pc",
    .desc = "Standard PC (i440FX + PIIX3, 1996)",
    .arch = "i386",
    .is_default = true,
    .default_cpu = "i686",
    .default_ram_size = 128ULL << 20,
    .max_ram_size = PC_MAX_RAM,
    .init = pc_init,
    .reset = pc_reset,
};

static void __attribute__((constructor)) pc_machine_register(void)
{
    machine_class_register(&pc_machine);
}
