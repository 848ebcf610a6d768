/*
 * Minimal ACPI tables for firmware-less boots (-kernel without -bios), written
 * as a BIOS would (ACPI Specification 1.0b / 2.0, chapter 5 "ACPI Software
 * Programming Model"): an RSDP in the BIOS area for the OS to find by scanning
 * 0xe0000-0xfffff, an RSDT pointing to a revision-1 FADT, the FACS (writable
 * RAM in the EBDA, reserved in the e820 map), and a DSDT whose only object is
 * the \_S5 package. That is what lets an OS find the PIIX4 power-management
 * block (PM1a event/control, PM timer, GPE0 at PC_ACPI_PM_BASE, SCI on IRQ 9)
 * and power the machine off (SLP_TYP 0 = PIIX4 soft off).
 *
 * Not provided: MADT (no APIC is advertised), HPET, PCI interrupt routing
 * (_PRT) and devices in the DSDT, sleep states other than S5.
 */
#include "qemu/osdep.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"

#define ACPI_HDR_SIZE 36
#define FADT_SIZE     116
#define FACS_SIZE     64

static void acpi_checksum(uint8_t *t, size_t len, size_t field)
{
    uint8_t sum = 0;

    t[field] = 0;
    for (size_t i = 0; i < len; i++) {
        sum += t[i];
    }
    t[field] = -sum;
}

static void acpi_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    stl_le_p(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "MIMIC ", 6);            /* OEM ID */
    memcpy(t + 16, "MIMICPC ", 8);          /* OEM table ID */
    stl_le_p(t + 24, 1);                    /* OEM revision */
    memcpy(t + 28, "MIMI", 4);              /* creator ID */
    stl_le_p(t + 32, 1);
}

bool pc_acpi_build(hwaddr rom_addr, hwaddr low_addr, hwaddr facs_addr, GError **errp)
{
    /* DSDT: Name (_S5, Package (4) { 0, 0, 0, 0 }) */
    static const uint8_t dsdt_aml[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
    };
    /* Layout inside the area: RSDP, RSDT, FADT, DSDT, each 16-byte aligned. */
    const uint32_t rsdp_off = 0, rsdt_off = 0x20, fadt_off = 0x50, dsdt_off = 0xd0;
    const uint32_t dsdt_len = ACPI_HDR_SIZE + sizeof(dsdt_aml);
    uint8_t area[0x100], facs[FACS_SIZE];
    uint8_t *rsdp = area + rsdp_off, *rsdt = area + rsdt_off, *fadt = area + fadt_off;
    uint8_t *dsdt = area + dsdt_off;

    _Static_assert(0xd0 + ACPI_HDR_SIZE + sizeof(dsdt_aml) <= sizeof(area) &&
                   0x50 + FADT_SIZE <= 0xd0 && 0x20 + ACPI_HDR_SIZE + 4 <= 0x50,
                   "ACPI tables overflow their area");
    memset(area, 0, sizeof(area));

    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "MIMIC ", 6);
    rsdp[15] = 0;                           /* ACPI 1.0 RSDP */
    stl_le_p(rsdp + 16, low_addr + rsdt_off);
    acpi_checksum(rsdp, 20, 8);

    acpi_header(rsdt, "RSDT", ACPI_HDR_SIZE + 4, 1);
    stl_le_p(rsdt + ACPI_HDR_SIZE, low_addr + fadt_off);
    acpi_checksum(rsdt, ACPI_HDR_SIZE + 4, 9);

    acpi_header(fadt, "FACP", FADT_SIZE, 1);
    stl_le_p(fadt + 36, facs_addr);         /* FIRMWARE_CTRL */
    stl_le_p(fadt + 40, low_addr + dsdt_off);
    stw_le_p(fadt + 46, PC_ACPI_SCI_IRQ);
    stl_le_p(fadt + 48, 0);                 /* SMI_CMD: none, ACPI mode is on */
    stl_le_p(fadt + 56, PC_ACPI_PM_BASE + 0x00);   /* PM1a_EVT_BLK */
    stl_le_p(fadt + 64, PC_ACPI_PM_BASE + 0x04);   /* PM1a_CNT_BLK */
    stl_le_p(fadt + 76, PC_ACPI_PM_BASE + 0x08);   /* PM_TMR_BLK */
    stl_le_p(fadt + 80, PC_ACPI_PM_BASE + 0x0c);   /* GPE0_BLK */
    fadt[88] = 4;                           /* PM1_EVT_LEN */
    fadt[89] = 2;                           /* PM1_CNT_LEN */
    fadt[91] = 4;                           /* PM_TMR_LEN */
    fadt[92] = 4;                           /* GPE0_BLK_LEN */
    stw_le_p(fadt + 96, 0xfff);             /* no C2 */
    stw_le_p(fadt + 98, 0xfff);             /* no C3 */
    fadt[108] = 0x32;                       /* CENTURY: CMOS index */
    /* WBINVD works, C1 supported, no sleep button. */
    stl_le_p(fadt + 112, (1u << 0) | (1u << 2) | (1u << 5));
    acpi_checksum(fadt, FADT_SIZE, 9);

    acpi_header(dsdt, "DSDT", dsdt_len, 1);
    memcpy(dsdt + ACPI_HDR_SIZE, dsdt_aml, sizeof(dsdt_aml));
    acpi_checksum(dsdt, dsdt_len, 9);

    memset(facs, 0, sizeof(facs));
    memcpy(facs, "FACS", 4);
    stl_le_p(facs + 4, FACS_SIZE);

    return rom_add_blob("acpi-tables", NULL, rom_addr, area, sizeof(area), errp) &&
           rom_add_blob("acpi-facs", NULL, facs_addr, facs, sizeof(facs), errp);
}
