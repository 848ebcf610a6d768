/*
 * The PC board (i440FX + PIIX3) and its firmware-less boot paths: the x86 Linux
 * boot protocol (linux-boot.c) and Multiboot version 1 (multiboot.c). Both loaders
 * write the images as ROM blobs (rewritten at every reset) and describe the CPU
 * state to start in as a PCBootEntry, which pc-boot.c applies to the CPU after
 * every reset (flat 32-bit protected mode, no paging, interrupts off).
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "qemu/osdep.h"
#include "exec/memory.h"
#include "hw/core/cpu.h"

struct FWCfgState;

/* Physical memory map. */
#define PC_LOWMEM_MAX          0xe0000000ULL  /* RAM below 4 GiB ends here at most */
#define PC_HIGHMEM_BASE        0x100000000ULL
#define PC_BIOS_AREA_BASE      0xe0000        /* isa-bios: last 128 KiB of the BIOS */
#define PC_VGA_BASE            0xa0000
#define PC_VGA_SIZE            0x20000
#define PC_EBDA_BASE           0x9fc00        /* end of conventional memory */
#define PC_MAX_RAM             (16ULL << 30)

/* Flat boot GDT selectors, as the Linux 32-bit boot protocol names them. */
#define PC_BOOT_CS             0x10
#define PC_BOOT_DS             0x18

/* e820 types. */
#define E820_RAM               1
#define E820_RESERVED          2
#define E820_MAX_ENTRIES       16

typedef struct E820Entry {
    uint64_t addr, size;
    uint32_t type;
} E820Entry;

typedef struct E820Table {
    E820Entry e[E820_MAX_ENTRIES];
    unsigned n;
} E820Table;

/* The CPU state a loader wants after reset. */
typedef struct PCBootEntry {
    bool valid;
    uint32_t eip;
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
    uint32_t gdt_base;          /* the loader wrote a flat GDT here */
    uint16_t gdt_limit;
    bool needs_paging32;        /* the kernel will turn on 32-bit paging (Linux) */
    bool setup_pm;              /* the board sets the PM block up as a BIOS would */
} PCBootEntry;

typedef struct PCBootParams {
    const char *kernel_filename;
    const char *initrd_filename;   /* Linux: one file; Multiboot: "a args,b args" */
    const char *cmdline;           /* -append ("" if none) */
    uint64_t ram_below_4g, ram_above_4g;
    struct FWCfgState *fw_cfg;     /* publish the kernel items here (may be NULL) */
} PCBootParams;

/* Fill the board's e820 map (also published through fw_cfg as etc/e820). */
void pc_build_e820(E820Table *t, uint64_t ram_below_4g, uint64_t ram_above_4g);

/* Write a flat-segment GDT (null, null, 0x10 code, 0x18 data) at gdt_base as a
 * ROM blob and record it in entry. */
bool pc_boot_write_gdt(PCBootEntry *entry, hwaddr gdt_base, GError **errp);
/* Put the CPU into the state entry describes (after cpu_reset). */
void pc_boot_apply(CPUState *cpu, const PCBootEntry *entry);

/* Is this a Linux kernel with a boot-protocol setup header ("HdrS" at 0x202)? */
bool linux_boot_is_bzimage(const uint8_t *data, size_t len);
/* Load a bzImage, initrd and command line by the x86 Linux boot protocol. */
bool linux_boot_load(const PCBootParams *p, GBytes *file, PCBootEntry *entry,
                     GError **errp);

/* Offset of a valid Multiboot v1 header in the first 8 KiB, or -1. */
long multiboot_find_header(const uint8_t *data, size_t len);
/* Load a Multiboot v1 kernel and its modules. */
bool multiboot_load(const PCBootParams *p, const uint8_t *kernel, size_t kernel_len,
                    PCBootEntry *entry, GError **errp);

/* -kernel: pick the format and load it (clear errors for anything else). */
bool pc_boot_kernel(const PCBootParams *p, PCBootEntry *entry, GError **errp);

/* ACPI for firmware-less boots (acpi-tables.c): the PIIX4 power-management
 * function at 01.3 has its I/O block here, SCI on ISA IRQ 9. */
#define PC_ACPI_PM_BASE   0x600
#define PC_ACPI_SCI_IRQ   9
/* The PCI memory window below 4 GiB ends where the I/O APIC's page starts
 * (the local APIC, the BIOS flash and the reset vector are above it). */
#define PC_PCI_HOLE_END   0xfec00000ULL

typedef struct PCAcpiConfig {
    hwaddr rom_addr;            /* tables in the BIOS ROM here ... */
    hwaddr low_addr;            /* ... seen by the OS here (below 1 MiB) */
    hwaddr facs_addr;           /* FACS in RAM (64-byte aligned) */
    uint64_t pci_hole_start;    /* PCI memory window: the top of RAM below 4 GiB */
    uint64_t pci_hole_end;      /* ... up to here (exclusive): PC_PCI_HOLE_END */
    uint16_t pvpanic_port;      /* the ISA pvpanic's port (ACPI QEMU0001), 0: none */
    int nr_apics;               /* processors with local APICs (MADT), 0: no MADT */
} PCAcpiConfig;

/* RSDP, RSDT, FADT, DSDT (PCI root bridge with its windows, _PRT through the
 * PIIX3's PIRQ links, \_S5), MADT (with nr_apics) and FACS, as the firmware of a
 * PC would leave them. */
bool pc_acpi_build(const PCAcpiConfig *cfg, GError **errp);

/* SMBIOS for firmware-less boots (smbios.c): entry point and structures in
 * this many bytes of the BIOS area. */
#define PC_SMBIOS_AREA_SIZE 0x1000

typedef struct PCSmbiosConfig {
    hwaddr rom_addr;            /* the entry point in the BIOS ROM here ... */
    hwaddr low_addr;            /* ... seen by the OS here (0xf0000-0xfffff) */
    uint16_t bios_segment;      /* real-mode segment of the BIOS area's start */
    const char *bios_version;
    const char *product;        /* system product name */
    const char *machine_version;
    uint8_t uuid[16];           /* -uuid, in the order of its text form */
    int nr_cpus;
    uint32_t cpuid_eax, cpuid_edx;   /* CPUID leaf 1: the processor ID */
    const char *cpu_vendor, *cpu_version;
    uint64_t ram_below_4g, ram_above_4g;
} PCSmbiosConfig;

/* The structure table alone (count and largest structure for the entry point);
 * the caller frees it. */
GByteArray *pc_smbios_tables(const PCSmbiosConfig *cfg, uint16_t *count,
                             uint16_t *max_size);
/* Entry point and structure table into the BIOS ROM. */
bool pc_smbios_build(const PCSmbiosConfig *cfg, GError **errp);

/* Where the loaders put their data in low memory. */
#define LINUX_BOOT_GDT_ADDR     0x5000
#define LINUX_BOOT_PARAMS_ADDR  0x7000
#define LINUX_BOOT_CMDLINE_ADDR 0x20000
#define LINUX_BOOT_KERNEL_ADDR  0x100000

/* Multiboot v1 (the Multiboot Specification version 0.6.96). */
#define MULTIBOOT_HEADER_MAGIC      0x1badb002
#define MULTIBOOT_BOOTLOADER_MAGIC  0x2badb002
#define MULTIBOOT_SEARCH            8192
#define MULTIBOOT_PAGE_ALIGN        0x00000001
#define MULTIBOOT_MEMORY_INFO       0x00000002
#define MULTIBOOT_VIDEO_MODE        0x00000004
#define MULTIBOOT_AOUT_KLUDGE       0x00010000
#define MBI_FLAG_MEM                0x001
#define MBI_FLAG_BOOTDEV            0x002
#define MBI_FLAG_CMDLINE            0x004
#define MBI_FLAG_MODS               0x008
#define MBI_FLAG_MMAP               0x040
#define MBI_FLAG_LOADER_NAME        0x200
#define MBI_SIZE                    88

#endif
