/*
 * MIPS Malta development board (MIPS Malta User's Manual, MD00048) with a CoreLV
 * core card: wiring only. RAM at 0 (at most 256 MiB there; all of it again at
 * 0x80000000), the GT-64120 system controller with its PCI bus, the PIIX4 south
 * bridge at PCI slot 10 with the ISA devices behind it (8259 pair, 8254, RTC, the
 * Super I/O's two 16550s and its 8042 keyboard/mouse controller at 0x60/0x64 on
 * IRQs 1 and 12), the board FPGA with the CBUS UART, and the 4 MiB monitor flash at
 * 0x1e000000, seen again at the 0x1fc00000 reset vector.
 *
 * Serial ports: the first -serial is the Super I/O UART at ISA 0x3f8 (Linux's
 * ttyS0), the second the FPGA's CBUS UART, the third the Super I/O UART at 0x2f8.
 *
 * Not modelled: the flash's CFI command set (it reads as ROM, writes are dropped),
 * the Super I/O's floppy and parallel port, and the sound chip. The 8042's output
 * port (CPU reset, A20) drives nothing here: the board resets through the FPGA.
 */
#include "qemu/osdep.h"
#include "malta.h"

#include "hw/boards.h"
#include "hw/loader.h"
#include "hw/pci/gt64120.h"
#include "hw/pci/piix4.h"
#include "hw/ide/piix.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/misc/malta-fpga.h"
#include "hw/char/serial.h"
#include "hw/intc/i8259.h"
#include "hw/timer/i8254.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/input/i8042.h"
#include "hw/net/pci-nic.h"
#include "../../target-mips/cpu.h"

/* CPU interrupt inputs used by the board. */
#define MALTA_CPU_IRQ_I8259   2       /* IP2: south bridge 8259 */
#define MALTA_CPU_IRQ_CBUS    4       /* IP4: CBUS UART */
#define MALTA_CPU_IRQ_COREHI  5       /* IP5: system controller (GT-64120) */

typedef struct MaltaState {
    MemoryRegion ram, ram_low, ram_high;
    MemoryRegion flash, flash_alias;
    GT64120State *gt;
    PIIX4State *piix4;
    PIIX4PMState *pm;
    MaltaFPGAState *fpga;
    DeviceState *pic_master;
    MaltaBootInfo boot;
} MaltaState;

/* Malta PCI interrupt wiring: (slot, INTx#) -> PIIX4 PIRQ A..D. */
static int malta_pci_map_irq(PCIDevice *d, int pin)
{
    int slot = PCI_SLOT(d->devfn);

    switch (slot) {
    case MALTA_PIIX4_SLOT:
        return pin == 3 ? 3 : -1;     /* only USB (INTD#) is wired: PIRQD */
    case 11:
        return pin == 0 ? 1 : -1;     /* AMD 79C973 Ethernet: PIRQB */
    case 12:
        return pin == 0 ? 2 : -1;     /* Crystal audio: PIRQC */
    case 18 ... 21:
        return (pin + slot - 18) & 3; /* PCI slots 1-4, rotated */
    default:
        return -1;
    }
}

/*
 * Network: the on-board AMD 79C973 at slot 11 takes the first NIC request (by
 * default one on user networking; none with -nic none or -nodefaults), further
 * -nic requests and -device NICs go to the free PCI slots 1-4.
 */
static bool malta_nic_init(MachineState *ms, PCIBus *bus, GError **errp)
{
    static const int nic_slots[] = { 11, 18, 19, 20, 21 };

    for (int i = 0; i < net_nic_count(); i++) {
        if (!pci_nic_create(bus, i == 0 ? nic_slots : nic_slots + 1,
                            i == 0 ? 5 : 4, net_nic_get(i), "pcnet", errp)) {
            return false;
        }
    }
    return pci_create_user_devices(bus, ms->device_opts, nic_slots, 5, errp);
}

static int malta_iack(void *opaque)
{
    return i8259_iack(opaque);
}

static bool malta_init(MachineState *ms, GError **errp)
{
    MaltaState *s = g_new0(MaltaState, 1);
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *io = get_system_io();
    const char *model = ms->cpu_model ? ms->cpu_model : current_machine_class->default_cpu;
    const CPUClass *cc;
    IRQLine **cpu_irqs, **pic_in;
    PCIBus *bus;
    uint64_t ram_low = MIN_U(ms->ram_size, MALTA_RAM_LOW_MAX);
    MaltaBootParams bp;

    ms->board_state = s;
    if (!ms->kernel_filename && !ms->firmware) {
        error_setg(errp, "no firmware: use -kernel or -bios");
        return false;
    }
    if (ms->smp > 1) {
        /* The CoreLV card carries one 24K core. */
        error_setg(errp, "the Malta board has one CPU (-smp %d requested)", ms->smp);
        return false;
    }
    if (ms->ram_size > 0x80000000ULL) {
        error_setg(errp, "the Malta takes at most 2 GiB of RAM");
        return false;
    }

    cc = cpu_class_by_name("mips", model);
    if (!cc) {
        error_setg(errp, "unknown CPU model '%s' (use -cpu help)", model);
        return false;
    }
    ms->cpu = cpu_create(cc, &address_space_memory);
    if (!ms->cpu) {
        error_setg(errp, "cannot create CPU '%s'", model);
        return false;
    }
    cpu_irqs = mips_cpu_irq_lines(ms->cpu);

    /* RAM: the low 256 MiB at 0 below the I/O hole, all of it at 0x80000000. */
    if (!memory_region_init_ram(&s->ram, "malta.ram", ms->ram_size, errp)) {
        return false;
    }
    memory_region_init_alias(&s->ram_low, "malta.ram-low", &s->ram, 0, ram_low);
    memory_region_add_subregion(sysmem, 0, &s->ram_low);
    memory_region_init_alias(&s->ram_high, "malta.ram-high", &s->ram, 0, ms->ram_size);
    memory_region_add_subregion(sysmem, MALTA_RAM_HIGH_BASE, &s->ram_high);

    /* Monitor flash and its reset-vector alias. */
    if (!memory_region_init_rom(&s->flash, "malta.flash", MALTA_FLASH_SIZE, errp)) {
        return false;
    }
    memset(memory_region_get_ram_ptr(&s->flash), 0xff, MALTA_FLASH_SIZE);   /* erased */
    memory_region_add_subregion(sysmem, MALTA_FLASH_BASE, &s->flash);
    memory_region_init_alias(&s->flash_alias, "malta.flash-boot", &s->flash, 0,
                             MALTA_FLASH_SIZE);
    memory_region_add_subregion(sysmem, MALTA_BOOT_BASE, &s->flash_alias);

    /* North bridge, PCI bus, south bridge and the ISA devices behind it. */
    s->gt = gt64120_init(sysmem, io, false, errp);
    if (!s->gt) {
        return false;
    }
    bus = gt64120_get_bus(s->gt);
    pci_set_root_bus(bus);
    pic_in = i8259_init(io, cpu_irqs[MALTA_CPU_IRQ_I8259], &s->pic_master);
    gt64120_set_iack(s->gt, malta_iack, s->pic_master);
    gt64120_set_irq(s->gt, cpu_irqs[MALTA_CPU_IRQ_COREHI]);
    s->piix4 = piix4_init(bus, MALTA_PIIX4_SLOT, io, pic_in, &s->pm, errp);
    if (!s->piix4) {
        return false;
    }
    /* -hda/-drive if=ide disks on the PIIX4 IDE function. */
    if (!piix_ide_attach_drives((PCIDevice *)qdev_find("piix4-ide"), ms, errp)) {
        return false;
    }
    pci_bus_irqs(bus, piix4_set_pirq, malta_pci_map_irq, s->piix4, PIIX4_NUM_PIRQS);
    i8254_init(io, 0x40, piix4_isa_irq(s->piix4, 0), "pit");
    mc146818_rtc_init(io, 0x70, piix4_isa_irq(s->piix4, 8), 2000, "rtc");
    serial_isa_init(io, 0x3f8, piix4_isa_irq(s->piix4, 4), ms->serial[0], "serial0");
    serial_isa_init(io, 0x2f8, piix4_isa_irq(s->piix4, 3), ms->serial[2], "serial1");
    i8042_init(io, piix4_isa_irq(s->piix4, 1), piix4_isa_irq(s->piix4, 12), NULL, NULL);

    if (!malta_nic_init(ms, bus, errp)) {
        return false;
    }
    /* -drive if=virtio disks take the PCI slots 1-4 the NICs left free. */
    static const int virtio_slots[] = { 18, 19, 20, 21 };
    if (!virtio_blk_attach_drives(bus, ms, virtio_slots, ARRAY_SIZE(virtio_slots), errp)) {
        return false;
    }

    s->fpga = malta_fpga_init(sysmem, MALTA_FPGA_BASE, cpu_irqs[MALTA_CPU_IRQ_CBUS],
                              ms->serial[1], ram_low, errp);
    if (!s->fpga) {
        return false;
    }

    if (ms->kernel_filename) {
        bp = (MaltaBootParams) {
            .kernel_filename = ms->kernel_filename,
            .initrd_filename = ms->initrd_filename,
            .cmdline = ms->kernel_cmdline,
            .ram_size = ms->ram_size,
            .ram_low_size = ram_low,
            .revision = MALTA_REVISION_CORELV,
        };
        if (!malta_boot_kernel(&bp, &s->boot, errp)) {
            return false;
        }
        malta_boot_prefault(&s->ram, &s->boot);
        return true;
    }
    return malta_boot_bios(ms->firmware, MALTA_REVISION_CORELV, errp);
}

/* After devices and CPU: put the boot images back (a rebooting guest has
 * overwritten the kernel's data in RAM); the CPU restarts at the flash stub. */
static void malta_reset(MachineState *ms)
{
    rom_reset_all();
}

static const MachineClass malta_machine = {
    .name = "malta",
    .desc = "MIPS Malta Core LV",
    .arch = "mips",
    .is_default = true,
    .default_cpu = "24Kf",      /* with its FPU, as QEMU's Malta */
    .default_ram_size = 128ULL << 20,
    .max_ram_size = 2048ULL << 20,
    .init = malta_init,
    .reset = malta_reset,
};

static void __attribute__((constructor)) malta_machine_register(void)
{
    machine_class_register(&malta_machine);
}
