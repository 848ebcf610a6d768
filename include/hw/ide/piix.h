/*
 * PIIX3/PIIX4 IDE function (PCI function 1 of the south bridge): two
 * legacy-mode channels at 0x1f0/0x3f6 (IRQ 14) and 0x170/0x376 (IRQ 15),
 * and the bus-master registers behind BAR 4.
 */
#ifndef HW_IDE_PIIX_H
#define HW_IDE_PIIX_H

#include "hw/pci/pci.h"
#include "hw/ide/ide.h"
#include "hw/boards.h"

typedef struct PIIXIDEState {
    PCIDevice pci;
    IDEBus bus[2];
    MemoryRegion *isa_io;          /* where the legacy ports are decoded */
    IRQLine *irq[2];               /* ISA IRQ 14 and 15 */
    MemoryRegion cmd_mr[2], ctl_mr[2], bm_mr;
    BlockBackend *blk[4];          /* owned: attached drives */
} PIIXIDEState;

extern const PCIDeviceClass piix4_ide_pci_class;   /* "piix4-ide", 8086:7111 */
extern const PCIDeviceClass piix3_ide_pci_class;   /* "piix3-ide", 8086:7010 */

/* Between pci_new and qdev_realize: where the legacy channels live. */
void piix_ide_set_isa(PCIDevice *d, MemoryRegion *isa_io, IRQLine *irq14, IRQLine *irq15);
/* pci_new + piix_ide_set_isa + realize (for boards such as the PC). */
PCIDevice *piix_ide_init(PCIBus *bus, int devfn, const PCIDeviceClass *pc, const char *id,
                         MemoryRegion *isa_io, IRQLine *irq14, IRQLine *irq15,
                         GError **errp);
/*
 * Open the machine's if=ide drives (-hda..-hdd, -drive if=ide; index 0-3 =
 * primary master/slave, secondary master/slave) and attach them.
 */
bool piix_ide_attach_drives(PCIDevice *d, MachineState *ms, GError **errp);

#endif
