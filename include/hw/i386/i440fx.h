/*
 * Intel 82441FX PCI and Memory Controller (PMC) of the 440FX PCIset, as the PC
 * board's host bridge: PCI configuration mechanism #1 at ports 0xcf8/0xcfc and
 * the PAM registers that put RAM or the BIOS under 0xc0000-0xfffff.
 */
#ifndef HW_I386_I440FX_H
#define HW_I386_I440FX_H

#include "hw/pci/pci.h"

#define I440FX_PMCCFG   0x50
#define I440FX_PAM0     0x59       /* PAM0..PAM6 at 0x59..0x5f */
#define I440FX_NR_PAM   7
#define I440FX_DRB0     0x60       /* DRAM row boundaries 0x60..0x67 */
#define I440FX_SMRAM    0x72
#define  I440FX_SMRAM_D_OPEN   0x40
#define  I440FX_SMRAM_D_CLS    0x20
#define  I440FX_SMRAM_D_LCK    0x10
#define  I440FX_SMRAM_G_SMRAME 0x08
#define  I440FX_SMRAM_C_BASE   0x02

#define I440FX_CONFIG_ADDR_PORT 0xcf8
#define I440FX_CONFIG_DATA_PORT 0xcfc

/* PAM segments: 0xf0000 (64 KiB) then 0xc0000..0xec000 (16 KiB each). */
#define I440FX_NR_PAM_SEGS 13

/* PAM attribute: RE bit 0, WE bit 1 of each nibble. */
enum { PAM_PCI = 0, PAM_RO = 1, PAM_WO = 2, PAM_RW = 3 };

typedef struct I440FXState {
    PCIDevice pci;
    PCIBus *bus;
    MemoryRegion *system_memory;
    MemoryRegion *ram;             /* the board's RAM block */

    MemoryRegion addr_io, data_io;
    MemoryRegion pam_rw[I440FX_NR_PAM_SEGS];
    MemoryRegion pam_ro[I440FX_NR_PAM_SEGS];
    uint32_t config_addr;          /* CONFIG_ADDRESS (0xcf8) */
    uint8_t pam_mode[I440FX_NR_PAM_SEGS];   /* derived from config space */

    /* Byte accesses to 0xcf9 belong to the south bridge's reset control. */
    uint64_t (*rcr_read)(void *opaque);
    void (*rcr_write)(void *opaque, uint8_t val);
    void *rcr_opaque;
} I440FXState;

/* Create the PCI bus (memory: system_memory, I/O: io) with the host bridge at
 * 00.0. ram is the RAM block whose first MiB the PAM segments show. */
I440FXState *i440fx_init(MemoryRegion *system_memory, MemoryRegion *io,
                         MemoryRegion *ram, GError **errp);
PCIBus *i440fx_get_bus(I440FXState *s);
/* Segment i's range (tests). */
void i440fx_pam_range(int seg, hwaddr *base, uint64_t *size);

extern const PCIDeviceClass i440fx_class;

#endif
