/*
 * ACPI tables for firmware-less boots (-kernel without -bios), written as a
 * BIOS would (ACPI Specification 1.0b / 2.0, chapter 5 "ACPI Software
 * Programming Model"): an RSDP in the BIOS area for the OS to find by scanning
 * 0xe0000-0xfffff, an RSDT pointing to a revision-1 FADT, the FACS (writable
 * RAM in the EBDA, reserved in the e820 map), and the DSDT of acpi-dsdt.c (PCI
 * root bridge with its windows and interrupt routing, \_S5). That lets an OS
 * find the PCI devices and their interrupts, the PIIX4 power-management block
 * (PM1a event/control, PM timer, GPE0 at PC_ACPI_PM_BASE, SCI on IRQ 9) and
 * power the machine off (SLP_TYP 0 = PIIX4 soft off).
 *
 * With local APICs (the translator's, or KVM's in-kernel irqchip), a MADT
 * (ACPI 2.0 section 5.2.10.4, "Multiple APIC Description Table") names each
 * processor's local APIC, the I/O APIC, the interrupt source overrides of QEMU's
 * PC (ISA IRQ 0 on GSI 2; the SCI and the PCI link IRQs 5, 10, 11 level-triggered,
 * active high, as the DSDT describes them) and LINT1 as every processor's NMI.
 *
 * Not provided: HPET, SSDTs, processor objects, sleep states other than S5.
 */
#include "qemu/osdep.h"
#include "hw/i386/pc.h"
#include "hw/loader.h"
#include "hw/i386/apic.h"
#include "acpi-dsdt.h"

#define ACPI_HDR_SIZE 36
#define FADT_SIZE     116
#define FACS_SIZE     64
#define MADT_FIXED    (ACPI_HDR_SIZE + 8)
#define MADT_LAPIC_LEN   8
#define MADT_IOAPIC_LEN  12
#define MADT_ISO_LEN     10
#define MADT_NMI_LEN     6
/* ISA IRQs the MADT overrides, with their GSI and MPS INTI flags. */
#define MADT_ISO_LEVEL_HIGH 0x000d      /* level-triggered, active high */
static const struct {
    uint8_t irq, gsi;
    uint16_t flags;
} pc_madt_overrides[] = {
    { 0, 2, 0 },                        /* the PIT on pin 2, bus-default flags */
    { 5, 5, MADT_ISO_LEVEL_HIGH },
    { PC_ACPI_SCI_IRQ, PC_ACPI_SCI_IRQ, MADT_ISO_LEVEL_HIGH },
    { 10, 10, MADT_ISO_LEVEL_HIGH },
    { 11, 11, MADT_ISO_LEVEL_HIGH },
};
/* The tables' room in the BIOS area (from the board's offset 0xe000 up to the
 * last page of the 64 KiB image, which stays free for a reset vector). */
#define PC_ACPI_AREA_SIZE 0x1000

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

static uint32_t pc_madt_size(const PCAcpiConfig *cfg)
{
    if (!cfg->nr_apics) {
        return 0;
    }
    return MADT_FIXED + cfg->nr_apics * MADT_LAPIC_LEN + MADT_IOAPIC_LEN +
           G_N_ELEMENTS(pc_madt_overrides) * MADT_ISO_LEN + MADT_NMI_LEN;
}

static void pc_madt_build(uint8_t *t, uint32_t len, const PCAcpiConfig *cfg)
{
    uint8_t *p = t + MADT_FIXED;

    acpi_header(t, "APIC", len, 1);
    stl_le_p(t + ACPI_HDR_SIZE, APIC_DEFAULT_ADDRESS);
    stl_le_p(t + ACPI_HDR_SIZE + 4, 1);         /* PCAT_COMPAT: 8259s present */
    for (int i = 0; i < cfg->nr_apics; i++, p += MADT_LAPIC_LEN) {
        p[0] = 0;                               /* processor local APIC */
        p[1] = MADT_LAPIC_LEN;
        p[2] = i;                               /* ACPI processor ID */
        p[3] = i;                               /* APIC ID = CPUID's initial ID */
        stl_le_p(p + 4, 1);                     /* enabled */
    }
    p[0] = 1;                                   /* I/O APIC */
    p[1] = MADT_IOAPIC_LEN;
    p[2] = 0;                                   /* its ID, as on QEMU's PC */
    p[3] = 0;
    stl_le_p(p + 4, IOAPIC_DEFAULT_ADDRESS);
    stl_le_p(p + 8, 0);                         /* GSI base */
    p += MADT_IOAPIC_LEN;
    for (size_t i = 0; i < G_N_ELEMENTS(pc_madt_overrides); i++, p += MADT_ISO_LEN) {
        p[0] = 2;                               /* interrupt source override */
        p[1] = MADT_ISO_LEN;
        p[2] = 0;                               /* ISA */
        p[3] = pc_madt_overrides[i].irq;
        stl_le_p(p + 4, pc_madt_overrides[i].gsi);
        stw_le_p(p + 8, pc_madt_overrides[i].flags);
    }
    p[0] = 4;                                   /* local APIC NMI */
    p[1] = MADT_NMI_LEN;
    p[2] = 0xff;                                /* every processor */
    stw_le_p(p + 3, 0);                         /* bus-default flags */
    p[5] = 1;                                   /* on LINT1 */
    acpi_checksum(t, len, 9);
}

bool pc_acpi_build(const PCAcpiConfig *cfg, GError **errp)
{
    /* Layout inside the area: RSDP, RSDT, FADT, DSDT, each 16-byte aligned. */
    const uint32_t rsdp_off = 0, rsdt_off = 0x20, fadt_off = 0x50, dsdt_off = 0xd0;
    const hwaddr low = cfg->low_addr;
    uint8_t *area, *rsdp, *rsdt, *fadt, *dsdt;
    uint8_t facs[FACS_SIZE];
    uint32_t dsdt_len, madt_off, madt_len = pc_madt_size(cfg), end;
    uint32_t nr_tables = madt_len ? 2 : 1;
    AmlBuf aml;
    bool ok;

    _Static_assert(0x50 + FADT_SIZE <= 0xd0 && 0x20 + ACPI_HDR_SIZE + 8 <= 0x50,
                   "ACPI tables overlap");
    aml_init(&aml);
    pc_acpi_dsdt_build(&aml, cfg);
    dsdt_len = ACPI_HDR_SIZE + aml.len;
    madt_off = (dsdt_off + dsdt_len + 15) & ~15u;
    end = madt_len ? madt_off + madt_len : dsdt_off + dsdt_len;
    if (end > PC_ACPI_AREA_SIZE) {
        error_setg(errp, "ACPI tables: %u bytes do not fit in the %u bytes of the "
                   "BIOS area set aside for them", end, PC_ACPI_AREA_SIZE);
        aml_free(&aml);
        return false;
    }
    area = g_malloc0(PC_ACPI_AREA_SIZE);
    rsdp = area + rsdp_off;
    rsdt = area + rsdt_off;
    fadt = area + fadt_off;
    dsdt = area + dsdt_off;

    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "MIMIC ", 6);
    rsdp[15] = 0;                           /* ACPI 1.0 RSDP */
    stl_le_p(rsdp + 16, low + rsdt_off);
    acpi_checksum(rsdp, 20, 8);

    acpi_header(rsdt, "RSDT", ACPI_HDR_SIZE + 4 * nr_tables, 1);
    stl_le_p(rsdt + ACPI_HDR_SIZE, low + fadt_off);
    if (madt_len) {
        stl_le_p(rsdt + ACPI_HDR_SIZE + 4, low + madt_off);
        pc_madt_build(area + madt_off, madt_len, cfg);
    }
    acpi_checksum(rsdt, ACPI_HDR_SIZE + 4 * nr_tables, 9);

    acpi_header(fadt, "FACP", FADT_SIZE, 1);
    stl_le_p(fadt + 36, cfg->facs_addr);    /* FIRMWARE_CTRL */
    stl_le_p(fadt + 40, low + dsdt_off);
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
    memcpy(dsdt + ACPI_HDR_SIZE, aml.data, aml.len);
    acpi_checksum(dsdt, dsdt_len, 9);
    aml_free(&aml);

    memset(facs, 0, sizeof(facs));
    memcpy(facs, "FACS", 4);
    stl_le_p(facs + 4, FACS_SIZE);

    ok = rom_add_blob("acpi-tables", NULL, cfg->rom_addr, area, (end + 15) & ~15u,
                      errp) &&
         rom_add_blob("acpi-facs", NULL, cfg->facs_addr, facs, sizeof(facs), errp);
    g_free(area);
    return ok;
}
