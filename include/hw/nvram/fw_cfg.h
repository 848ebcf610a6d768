/*
 * QEMU's firmware configuration interface (fw_cfg), as firmware and Linux's
 * qemu_fw_cfg driver expect it on a PC: a 16-bit selector port (0x510), a byte
 * data port (0x511) and the DMA address register (0x514-0x51b).
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "exec/memory.h"

#define TYPE_FW_CFG "fw_cfg"

#define FW_CFG_IO_BASE          0x510
#define FW_CFG_DMA_IO_BASE      0x514

/* Selector keys (QEMU docs/specs/fw_cfg.txt). */
#define FW_CFG_SIGNATURE        0x00
#define FW_CFG_ID               0x01
#define FW_CFG_UUID             0x02
#define FW_CFG_RAM_SIZE         0x03
#define FW_CFG_NOGRAPHIC        0x04
#define FW_CFG_NB_CPUS          0x05
#define FW_CFG_MACHINE_ID       0x06
#define FW_CFG_KERNEL_ADDR      0x07
#define FW_CFG_KERNEL_SIZE      0x08
#define FW_CFG_KERNEL_CMDLINE   0x09
#define FW_CFG_INITRD_ADDR      0x0a
#define FW_CFG_INITRD_SIZE      0x0b
#define FW_CFG_BOOT_DEVICE      0x0c
#define FW_CFG_NUMA             0x0d
#define FW_CFG_BOOT_MENU        0x0e
#define FW_CFG_MAX_CPUS         0x0f
#define FW_CFG_KERNEL_ENTRY     0x10
#define FW_CFG_KERNEL_DATA      0x11
#define FW_CFG_INITRD_DATA      0x12
#define FW_CFG_CMDLINE_ADDR     0x13
#define FW_CFG_CMDLINE_SIZE     0x14
#define FW_CFG_CMDLINE_DATA     0x15
#define FW_CFG_SETUP_ADDR       0x16
#define FW_CFG_SETUP_SIZE       0x17
#define FW_CFG_SETUP_DATA       0x18
#define FW_CFG_FILE_DIR         0x19
#define FW_CFG_FILE_FIRST       0x20
#define FW_CFG_FILE_SLOTS       0x40
#define FW_CFG_MAX_ENTRY        (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)

#define FW_CFG_WRITE_CHANNEL    0x4000
#define FW_CFG_ARCH_LOCAL       0x8000
#define FW_CFG_ENTRY_MASK       (~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL) & 0xffff)
#define FW_CFG_INVALID          0xffff

/* x86 arch-local keys. */
#define FW_CFG_ACPI_TABLES      (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES   (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE    (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE       (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET             (FW_CFG_ARCH_LOCAL + 4)

/* FW_CFG_ID feature bits. */
#define FW_CFG_VERSION          0x01
#define FW_CFG_VERSION_DMA      0x02

/* FWCfgDmaAccess control bits. */
#define FW_CFG_DMA_CTL_ERROR    0x01
#define FW_CFG_DMA_CTL_READ     0x02
#define FW_CFG_DMA_CTL_SKIP     0x04
#define FW_CFG_DMA_CTL_SELECT   0x08
#define FW_CFG_DMA_CTL_WRITE    0x10
/* What a read of the DMA register returns: "QEMU CFG" as a big-endian u64. */
#define FW_CFG_DMA_SIGNATURE    0x51454d5520434647ULL

#define FW_CFG_MAX_FILE_PATH    56

typedef struct FWCfgEntry {
    uint8_t *data;              /* owned */
    uint32_t len;
} FWCfgEntry;

typedef struct FWCfgFile {      /* one directory entry, host byte order */
    uint32_t size;
    uint16_t select;
    char name[FW_CFG_MAX_FILE_PATH];
} FWCfgFile;

typedef struct FWCfgState {
    DeviceState parent;
    MemoryRegion io, dma_io;        /* 0x510-0x511, 0x514-0x51b */
    AddressSpace *dma_as;       /* where DMA goes (system memory) */

    FWCfgEntry entries[2][FW_CFG_MAX_ENTRY];   /* [arch-local?][key] */
    FWCfgFile files[FW_CFG_FILE_SLOTS];
    uint32_t nr_files;

    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr;          /* high half latched by the 0x514 write */
} FWCfgState;

/* Create at 0x510/0x511 with the DMA register at 0x514 of io_space, DMA into as.
 * Adds the signature, ID and the (empty) file directory. */
FWCfgState *fw_cfg_init_io(MemoryRegion *io_space, AddressSpace *dma_as);

/* Items: the data is copied. Keys may carry FW_CFG_ARCH_LOCAL. */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len);
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value);
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
/* A named file; false (+ errp) if the name is too long, taken, or no slot is left. */
bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data, size_t len,
                     GError **errp);
/* The item as the guest would read it (tests, the board). NULL if absent. */
const uint8_t *fw_cfg_get(FWCfgState *s, uint16_t key, uint32_t *len);

/* Port accessors (tests). */
void fw_cfg_select(FWCfgState *s, uint16_t key);
uint8_t fw_cfg_read_byte(FWCfgState *s);
void fw_cfg_dma_transfer(FWCfgState *s, uint64_t desc_addr);

extern const DeviceClass fw_cfg_device_class;

#endif
