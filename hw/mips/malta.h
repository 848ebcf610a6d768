/*
 * MIPS Malta board: what malta.c (wiring) and malta-boot.c (-kernel set-up) share.
 */
#ifndef HW_MIPS_MALTA_H
#define HW_MIPS_MALTA_H

#include "qemu/osdep.h"
#include "hw/boards.h"
#include "exec/memory.h"

/* Physical memory map (MIPS Malta User's Manual, "Memory map"). */
#define MALTA_RAM_LOW_MAX      0x10000000ULL   /* RAM visible at 0: at most 256 MiB */
#define MALTA_RAM_HIGH_BASE    0x80000000ULL   /* all of RAM, for > 256 MiB */
#define MALTA_GT_BASE_RESET    0x14000000ULL   /* GT-64120 registers after reset */
#define MALTA_GT_BASE_YAMON    0x1be00000ULL   /* ... where YAMON puts them */
#define MALTA_PCI_IO_BASE      0x18000000ULL   /* PCI I/O window as YAMON sets it */
#define MALTA_FLASH_BASE       0x1e000000ULL   /* monitor flash */
#define MALTA_FLASH_SIZE       0x00400000ULL
#define MALTA_FPGA_BASE        0x1f000000ULL
#define MALTA_BOOT_BASE        0x1fc00000ULL   /* reset vector: alias of the flash */
#define MALTA_REVISION_OFFSET  0x10            /* REVISION at 0x1fc00010 */
#define MALTA_PIIX4_SLOT       10
/* Boot argument block (argv, envp, strings), as YAMON leaves it in low RAM. */
#define MALTA_BOOTARGS_BASE    0x00002000ULL
#define MALTA_BOOTARGS_SIZE    0x00004000ULL

#define MALTA_KSEG0(pa)        ((uint32_t)(0x80000000u | (uint32_t)(pa)))
#define MALTA_KSEG1(pa)        ((uint32_t)(0xa0000000u | (uint32_t)(pa)))

typedef struct MaltaBootParams {
    const char *kernel_filename;
    const char *initrd_filename;
    const char *cmdline;
    uint64_t ram_size;             /* all RAM */
    uint64_t ram_low_size;         /* RAM at physical 0 */
    uint32_t revision;             /* value of the REVISION register */
} MaltaBootParams;

typedef struct MaltaBootInfo {
    uint32_t entry;                /* kernel entry (virtual) */
    hwaddr kernel_low, kernel_high;
    hwaddr initrd_addr;            /* physical, 0 if none */
    uint64_t initrd_size;
    uint32_t argc, argv, envp;     /* as passed in a0..a2 (kseg0 addresses) */
} MaltaBootInfo;

/* Load the kernel (ELF) and initrd, build the YAMON argument block and write the
 * boot stub into the flash (all registered as ROM blobs, restored at reset). */
bool malta_boot_kernel(const MaltaBootParams *p, MaltaBootInfo *info, GError **errp);
/* Fault in, on helper threads, the RAM such a boot fills in its first second. */
void malta_boot_prefault(MemoryRegion *ram, const MaltaBootInfo *info);
/* -bios: load FILE into the flash, 32-bit words byte-swapped (little-endian board). */
bool malta_boot_bios(const char *filename, uint32_t revision, GError **errp);

/* Encoders for the few MIPS32 instructions the stub uses (exported for tests). */
uint32_t malta_insn_lui(int rt, uint16_t imm);
uint32_t malta_insn_ori(int rt, int rs, uint16_t imm);
uint32_t malta_insn_sw(int rt, int16_t offset, int base);
uint32_t malta_insn_jr(int rs);
uint32_t malta_insn_beq(int rs, int rt, int16_t offset);
/* Build the reset-vector stub: words into buf (nwords max); returns words used, or
 * 0 if it does not fit. */
size_t malta_build_boot_stub(uint32_t *buf, size_t nwords, uint32_t revision,
                             uint32_t entry, uint32_t a0, uint32_t a1, uint32_t a2,
                             uint32_t a3, uint32_t sp);

#endif
