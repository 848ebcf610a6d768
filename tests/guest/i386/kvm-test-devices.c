/*
 * Port I/O and MMIO to the PC board's devices: PCI configuration mechanism #1,
 * fw_cfg, the RTC's CMOS, the i8042 self-test, the unassigned VGA window, the
 * read-only BIOS ROM, and the i440FX PAM registers moving 0xf0000-0xfffff
 * between the BIOS ROM and RAM (write-only, read-write, read-only, PCI).
 */
#include "kvm-lib.h"

static const uint32_t rom_constant = 0x600dc0de;

static uint32_t pci_read(int dev, int fn, int reg)
{
    outl(0xcf8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc));
    return inl(0xcfc);
}

static void pci_write8(int dev, int fn, int reg, uint8_t v)
{
    outl(0xcf8, 0x80000000u | (dev << 11) | (fn << 8) | (reg & 0xfc));
    outb(0xcfc + (reg & 3), v);
}

static uint8_t cmos_read(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

#define MEM32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define PAM0 0x59

int main(void)
{
    uint32_t sig = 0, rom_f0000;

    printf_uart("\ndevice tests\n");
    CHECK_EQ("PCI 00.0 i440FX", pci_read(0, 0, 0), 0x12378086);
    CHECK_EQ("PCI 01.0 PIIX3", pci_read(1, 0, 0), 0x70008086);
    CHECK_EQ("PCI 01.1 PIIX3 IDE", pci_read(1, 1, 0), 0x70108086);
    CHECK_EQ("PCI 05.0 absent", pci_read(5, 0, 0), 0xffffffff);
    CHECK_EQ("PCI 01.0 class", pci_read(1, 0, 8) >> 16, 0x0601);

    outw(0x510, 0x0000);
    for (int i = 0; i < 4; i++) {
        sig |= (uint32_t)inb(0x511) << (8 * i);
    }
    CHECK_EQ("fw_cfg signature", sig, 0x554d4551);     /* "QEMU" */
    outw(0x510, 0x0005);
    CHECK_EQ("fw_cfg CPUs", inb(0x511), 1);

    CHECK_EQ("CMOS base memory", cmos_read(0x15) | cmos_read(0x16) << 8, 640);

    outb(0x64, 0xaa);
    while (!(inb(0x64) & 1)) {
    }
    CHECK_EQ("i8042 self-test", inb(0x60), 0x55);

    /* No VGA: QEMU's PC reads 0 there (unassigned PCI memory). */
    CHECK_EQ("VGA window reads 0", MEM32(0xa0000), 0);

    /* The ROM ignores writes. */
    MEM32(&rom_constant) = 0;
    CHECK_EQ("ROM write ignored", MEM32(&rom_constant), 0x600dc0de);

    /* PAM: 0xf0000 is the BIOS (this image) until the segment is given to RAM. */
    rom_f0000 = MEM32(0xf0000);
    CHECK_EQ("0xf0000 shows the BIOS", rom_f0000, MEM32(0xffff0000));
    /* Write-only DRAM: QEMU maps the RAM for reads too. */
    pci_write8(0, 0, PAM0, 0x20);
    MEM32(0xf0000) = 0xdeadbeef;
    CHECK_EQ("PAM write-only: RAM got the write", MEM32(0xf0000), 0xdeadbeef);
    pci_write8(0, 0, PAM0, 0x30);                        /* read-write DRAM */
    CHECK_EQ("PAM read-write: RAM kept it", MEM32(0xf0000), 0xdeadbeef);
    MEM32(0xf0004) = 0x11223344;
    CHECK_EQ("PAM read-write: RAM store", MEM32(0xf0004), 0x11223344);
    pci_write8(0, 0, PAM0, 0x10);                        /* read-only DRAM */
    MEM32(0xf0004) = 0x55667788;
    CHECK_EQ("PAM read-only: write dropped", MEM32(0xf0004), 0x11223344);
    pci_write8(0, 0, PAM0, 0x00);                        /* PCI: the BIOS again */
    CHECK_EQ("PAM off: BIOS again", MEM32(0xf0000), rom_f0000);
    CHECK_EQ("PAM0 register", pci_read(0, 0, 0x58) >> 8 & 0xff, 0x00);

    if (test_failures == 0) {
        printf_uart("ALL PASSED\n");
    }
    return test_failures;
}
