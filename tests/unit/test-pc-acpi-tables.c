/*
 * Unit tests for hw/i386/acpi-tables.c: the RSDP can be found the way an OS
 * scans for it, every table's checksum adds up, the pointers chain RSDP ->
 * RSDT -> FADT -> DSDT/FACS, the FADT names the PIIX4 PM block and SCI, and the
 * DSDT holds the \_S5 package with SLP_TYP 0.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/i386/pc.h"
#include "exec/memory.h"

static MemoryRegion ram;

static void setup(void)
{
    GError *err = NULL;

    cr_assert(memory_region_init_ram(&ram, "ram", 1 << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
}

TestSuite(acpi, .init = setup);

static uint8_t *mem(hwaddr a)
{
    return (uint8_t *)memory_region_get_ram_ptr(&ram) + a;
}

static void check_sum(hwaddr a, uint32_t len, const char *what)
{
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++) {
        sum += mem(a)[i];
    }
    cr_assert_eq(sum, 0, "%s checksum", what);
}

Test(acpi, tables)
{
    GError *err = NULL;
    hwaddr rsdp = 0, rsdt, fadt, dsdt, facs;
    static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };

    /* Here the "ROM" and its low alias are the same RAM. */
    cr_assert(pc_acpi_build(0xfe000, 0xfe000, 0x9fc00, &err), "%s",
              err ? err->message : "");
    for (hwaddr a = 0xe0000; a < 0x100000; a += 16) {
        if (memcmp(mem(a), "RSD PTR ", 8) == 0) {
            rsdp = a;
            break;
        }
    }
    cr_assert_neq(rsdp, 0, "RSDP found by scanning the BIOS area");
    check_sum(rsdp, 20, "RSDP");
    rsdt = ldl_le_p(mem(rsdp + 16));
    cr_assert_eq(memcmp(mem(rsdt), "RSDT", 4), 0);
    check_sum(rsdt, ldl_le_p(mem(rsdt + 4)), "RSDT");
    cr_assert_eq(ldl_le_p(mem(rsdt + 4)), 40, "one entry");
    fadt = ldl_le_p(mem(rsdt + 36));
    cr_assert_eq(memcmp(mem(fadt), "FACP", 4), 0);
    cr_assert_eq(ldl_le_p(mem(fadt + 4)), 116);
    check_sum(fadt, 116, "FADT");
    cr_assert_eq(lduw_le_p(mem(fadt + 46)), PC_ACPI_SCI_IRQ);
    cr_assert_eq(ldl_le_p(mem(fadt + 56)), PC_ACPI_PM_BASE);
    cr_assert_eq(ldl_le_p(mem(fadt + 64)), PC_ACPI_PM_BASE + 4);
    cr_assert_eq(ldl_le_p(mem(fadt + 76)), PC_ACPI_PM_BASE + 8);
    cr_assert_eq(mem(fadt)[89], 2, "PM1_CNT_LEN");
    facs = ldl_le_p(mem(fadt + 36));
    cr_assert_eq(facs, 0x9fc00);
    cr_assert_eq(facs & 63, 0, "FACS 64-byte aligned");
    cr_assert_eq(memcmp(mem(facs), "FACS", 4), 0);
    dsdt = ldl_le_p(mem(fadt + 40));
    cr_assert_eq(memcmp(mem(dsdt), "DSDT", 4), 0);
    check_sum(dsdt, ldl_le_p(mem(dsdt + 4)), "DSDT");
    cr_assert_eq(ldl_le_p(mem(dsdt + 4)), 36 + sizeof(s5));
    cr_assert_eq(memcmp(mem(dsdt + 36), s5, sizeof(s5)), 0);
    /* Tables do not overlap. */
    cr_assert(rsdt >= rsdp + 20 && fadt >= rsdt + 40 && dsdt >= fadt + 116);
}
