/*
 * Unit tests for hw/i386/acpi-tables.c and acpi-dsdt.c: the RSDP can be found
 * the way an OS scans for it, every table's checksum adds up, the pointers
 * chain RSDP -> RSDT -> FADT -> DSDT/FACS, the FADT names the PIIX4 PM block
 * and SCI, and the DSDT is well formed (the \_SB scope's PkgLength reaches the
 * \_S5 package, which ends the table), its PCI0 _CRS holds exactly the bus,
 * I/O and memory windows the board decodes, and its _PRT sends pin x of every
 * slot to link x (the board's bus has no swizzle), the ISA devices it lists
 * carry the ports and IRQs pc.c wires them to, and (when acpica-tools is
 * installed) iasl disassembles it and compiles the result back to the same AML.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/i386/pc.h"
#include "exec/memory.h"
#include <glib/gstdio.h>

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

static const PCAcpiConfig cfg = {
    /* Here the "ROM" and its low alias are the same RAM. */
    .rom_addr = 0xfe000,
    .low_addr = 0xfe000,
    .facs_addr = 0x9fc00,
    .pci_hole_start = 0x10000000,
    .pci_hole_end = 0xfec00000,
};

static size_t pkglen_size(const uint8_t *p)
{
    return (p[0] >> 6) + 1;
}

/* Decode a PkgLength; *body (if given) is where what follows it starts. */
static uint32_t pkglen(const uint8_t *p, const uint8_t **body)
{
    size_t n = pkglen_size(p);
    uint32_t v = n == 1 ? p[0] & 0x3f : p[0] & 0x0f;

    for (size_t i = 1; i < n; i++) {
        v |= (uint32_t)p[i] << (4 + 8 * (i - 1));
    }
    if (body) {
        *body = p + n;
    }
    return v;
}

/* The first Name (seg, ...) in [p, end): returns what follows the name. */
static const uint8_t *find_name_in(const uint8_t *p, const uint8_t *end, const char *seg)
{
    for (; p + 5 <= end; p++) {
        if (p[0] == 0x08 && memcmp(p + 1, seg, 4) == 0) {
            return p + 5;
        }
    }
    cr_assert_fail("%s not found", seg);
    return NULL;
}

/* The first Name (seg, ...) in the DSDT t. */
static const uint8_t *find_name(const uint8_t *t, uint32_t len, const char *seg)
{
    return find_name_in(t + 36, t + len, seg);
}

/* Read an integer constant (Zero, One, Byte/Word/DWord prefix). */
static uint32_t aml_int(const uint8_t **pp)
{
    const uint8_t *p = *pp;

    switch (p[0]) {
    case 0x00:
    case 0x01:
        *pp = p + 1;
        return p[0];
    case 0x0a:
        *pp = p + 2;
        return p[1];
    case 0x0b:
        *pp = p + 3;
        return lduw_le_p(p + 1);
    case 0x0c:
        *pp = p + 5;
        return ldl_le_p(p + 1);
    }
    cr_assert_fail("not an integer constant: %02x", p[0]);
    return 0;
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
    static const uint8_t s5[] = { 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    uint32_t dsdt_len;

    /* Here the "ROM" and its low alias are the same RAM. */
    cr_assert(pc_acpi_build(&cfg, &err), "%s", err ? err->message : "");
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
    dsdt_len = ldl_le_p(mem(dsdt + 4));
    cr_assert_gt(dsdt_len, 36 + sizeof(s5));
    /* \_S5 ends the table; the \_SB scope before it spans the rest. */
    cr_assert_eq(memcmp(mem(dsdt + dsdt_len - sizeof(s5)), s5, sizeof(s5)), 0);
    cr_assert_eq(mem(dsdt + 36)[0], 0x10, "Scope");
    cr_assert_eq(dsdt + 37 + pkglen(mem(dsdt + 37), NULL), dsdt + dsdt_len - sizeof(s5));
    cr_assert_eq(memcmp(mem(dsdt + 37 + pkglen_size(mem(dsdt + 37))), "\\_SB_", 5), 0);
    /* The tables stay inside the page set aside for them. */
    cr_assert_leq(dsdt + dsdt_len, rsdp + 0x1000);
    /* Tables do not overlap. */
    cr_assert(rsdt >= rsdp + 20 && fadt >= rsdt + 40 && dsdt >= fadt + 116);
}

/* With local APICs the RSDT's second entry is a MADT naming each processor's
 * APIC, the I/O APIC, QEMU's PC interrupt source overrides and LINT1 as NMI. */
Test(acpi, madt_with_apics)
{
    GError *err = NULL;
    PCAcpiConfig c = cfg;
    hwaddr rsdt, fadt, dsdt, madt;
    uint32_t len;
    const uint8_t *p, *end;
    int lapics = 0, ioapics = 0, nmis = 0, isos = 0;
    uint32_t iso_gsi[16];
    uint16_t iso_flags[16];

    c.nr_apics = 2;
    memset(iso_gsi, 0xff, sizeof(iso_gsi));
    cr_assert(pc_acpi_build(&c, &err), "%s", err ? err->message : "");
    rsdt = ldl_le_p(mem(0xfe000 + 16));
    cr_assert_eq(ldl_le_p(mem(rsdt + 4)), 44, "two entries");
    check_sum(rsdt, 44, "RSDT");
    fadt = ldl_le_p(mem(rsdt + 36));
    cr_assert_eq(memcmp(mem(fadt), "FACP", 4), 0);
    dsdt = ldl_le_p(mem(fadt + 40));
    madt = ldl_le_p(mem(rsdt + 40));
    cr_assert_eq(memcmp(mem(madt), "APIC", 4), 0);
    len = ldl_le_p(mem(madt + 4));
    check_sum(madt, len, "MADT");
    cr_assert_geq(madt, dsdt + ldl_le_p(mem(dsdt + 4)), "after the DSDT");
    cr_assert_leq(madt + len, 0xfe000 + 0x1000, "inside the tables' page");
    cr_assert_eq(ldl_le_p(mem(madt + 36)), 0xfee00000u, "local APIC address");
    cr_assert_eq(ldl_le_p(mem(madt + 40)), 1, "PCAT_COMPAT");
    p = mem(madt + 44);
    end = mem(madt + len);
    while (p < end) {
        cr_assert_geq(p[1], 2);
        switch (p[0]) {
        case 0:
            cr_assert_eq(p[1], 8);
            cr_assert_eq(p[2], lapics, "processor IDs in order");
            cr_assert_eq(p[3], lapics, "APIC ID = CPU index");
            cr_assert_eq(ldl_le_p(p + 4), 1, "enabled");
            lapics++;
            break;
        case 1:
            cr_assert_eq(p[1], 12);
            cr_assert_eq(ldl_le_p(p + 4), 0xfec00000u);
            cr_assert_eq(ldl_le_p(p + 8), 0, "GSI base");
            ioapics++;
            break;
        case 2:
            cr_assert_eq(p[1], 10);
            cr_assert_eq(p[2], 0, "ISA");
            cr_assert_lt(p[3], 16);
            iso_gsi[p[3]] = ldl_le_p(p + 4);
            iso_flags[p[3]] = lduw_le_p(p + 8);
            isos++;
            break;
        case 4:
            cr_assert_eq(p[1], 6);
            cr_assert_eq(p[2], 0xff, "all processors");
            cr_assert_eq(p[5], 1, "LINT1");
            nmis++;
            break;
        default:
            cr_assert_fail("unexpected MADT entry type %d", p[0]);
        }
        p += p[1];
    }
    cr_assert_eq(p, end, "entries fill the table exactly");
    cr_assert_eq(lapics, 2);
    cr_assert_eq(ioapics, 1);
    cr_assert_eq(nmis, 1);
    cr_assert_eq(isos, 5);
    cr_assert_eq(iso_gsi[0], 2, "the PIT on pin 2");
    cr_assert_eq(iso_flags[0], 0);
    for (int irq = 5; irq <= 11; irq++) {
        if (irq == 5 || irq == PC_ACPI_SCI_IRQ || irq == 10 || irq == 11) {
            cr_assert_eq(iso_gsi[irq], irq);
            cr_assert_eq(iso_flags[irq], 0x000d, "IRQ %d level, active high", irq);
        }
    }
}

Test(acpi, root_bridge_windows)
{
    GError *err = NULL;
    const uint8_t *t, *p, *end;
    uint32_t len, size;

    cr_assert(pc_acpi_build(&cfg, &err), "%s", err ? err->message : "");
    t = mem(ldl_le_p(mem(ldl_le_p(mem(ldl_le_p(mem(0xfe000 + 16)) + 36)) + 40)));
    len = ldl_le_p(t + 4);
    cr_assert_eq(memcmp(t, "DSDT", 4), 0);
    /* Name (_HID, EisaId ("PNP0A03")): PCI0 comes first. */
    p = find_name(t, len, "_HID");
    cr_assert_eq(p[0], 0x0c);
    cr_assert_eq(ldl_le_p(p + 1), 0x030ad041);

    p = find_name(t, len, "_CRS");
    cr_assert_eq(p[0], 0x11, "Buffer");
    end = p + 1 + pkglen(p + 1, &p);
    size = aml_int(&p);
    cr_assert_eq(p + size, end);
    /* WordBusNumber 0-0xff */
    cr_assert_eq(p[0], 0x88);
    cr_assert_eq(p[3], 2);
    cr_assert_eq(lduw_le_p(p + 8), 0);
    cr_assert_eq(lduw_le_p(p + 10), 0xff);
    p += 16;
    /* IO 0xcf8, 8 ports: the configuration mechanism's own */
    cr_assert_eq(p[0], 0x47);
    cr_assert_eq(lduw_le_p(p + 2), 0xcf8);
    cr_assert_eq(p[7], 8);
    p += 8;
    /* WordIO either side */
    cr_assert_eq(p[0], 0x88);
    cr_assert_eq(p[3], 1);
    cr_assert_eq(lduw_le_p(p + 8), 0);
    cr_assert_eq(lduw_le_p(p + 10), 0xcf7);
    cr_assert_eq(lduw_le_p(p + 14), 0xcf8);
    p += 16;
    cr_assert_eq(p[0], 0x88);
    cr_assert_eq(lduw_le_p(p + 8), 0xd00);
    cr_assert_eq(lduw_le_p(p + 10), 0xffff);
    cr_assert_eq(lduw_le_p(p + 14), 0xf300);
    p += 16;
    /* DWordMemory: VGA window, then the PCI hole */
    cr_assert_eq(p[0], 0x87);
    cr_assert_eq(ldl_le_p(p + 10), 0xa0000);
    cr_assert_eq(ldl_le_p(p + 14), 0xbffff);
    cr_assert_eq(ldl_le_p(p + 22), 0x20000);
    p += 26;
    cr_assert_eq(p[0], 0x87);
    cr_assert_eq(p[5] & 1, 1, "read/write");
    cr_assert_eq(ldl_le_p(p + 10), cfg.pci_hole_start);
    cr_assert_eq(ldl_le_p(p + 14), cfg.pci_hole_end - 1);
    cr_assert_eq(ldl_le_p(p + 22), cfg.pci_hole_end - cfg.pci_hole_start);
    p += 26;
    cr_assert_eq(p[0], 0x79, "EndTag");
    cr_assert_eq(p + 2, end);
}

Test(acpi, prt_routes_pin_x_to_link_x)
{
    GError *err = NULL;
    const uint8_t *t, *p, *end;
    uint32_t len;
    unsigned n, seen = 0;

    cr_assert(pc_acpi_build(&cfg, &err), "%s", err ? err->message : "");
    t = mem(ldl_le_p(mem(ldl_le_p(mem(ldl_le_p(mem(0xfe000 + 16)) + 36)) + 40)));
    len = ldl_le_p(t + 4);
    p = find_name(t, len, "_PRT");
    cr_assert_eq(p[0], 0x12, "Package");
    end = p + 1 + pkglen(p + 1, &p);
    n = *p++;
    cr_assert_eq(n, 31 * 4, "slots 1-31, four pins each");
    while (p < end) {
        const uint8_t *e_end;
        uint32_t addr, pin;

        cr_assert_eq(p[0], 0x12);
        e_end = p + 1 + pkglen(p + 1, &p);
        cr_assert_eq(*p++, 4);
        addr = aml_int(&p);
        pin = aml_int(&p);
        cr_assert_eq(addr & 0xffff, 0xffff, "any function");
        cr_assert_eq(addr >> 16, 1 + seen / 4);
        cr_assert_eq(pin, seen % 4);
        cr_assert_eq(memcmp(p, "LNK", 3), 0);
        cr_assert_eq(p[3], 'A' + pin);
        p += 4;
        cr_assert_eq(aml_int(&p), 0, "source index");
        cr_assert_eq(p, e_end);
        seen++;
    }
    cr_assert_eq(seen, n);
    cr_assert_eq(p, end);
    /* Each link is a PNP0C0F device whose fields are the PIIX3's PIRQRC. */
    for (int l = 0; l < 4; l++) {
        char name[5] = { 'L', 'N', 'K', 'A' + l, 0 };
        uint8_t dev[] = { 0x5b, 0x82, 0, 0, 'L', 'N', 'K', 'A' + l };
        bool found = false;

        for (uint32_t i = 36; i + sizeof(dev) <= len && !found; i++) {
            if (t[i] == 0x5b && t[i + 1] == 0x82 &&
                memcmp(t + i + 2 + pkglen_size(t + i + 2), name, 4) == 0) {
                found = true;
            }
        }
        cr_assert(found, "Device (%s)", name);
    }
    /* OperationRegion (PIRQ, PCI_Config, 0x60, 4) */
    {
        static const uint8_t region[] = { 0x5b, 0x80, 'P', 'I', 'R', 'Q', 0x02, 0x0a, 0x60,
                                          0x0a, 0x04 };
        bool found = false;

        for (uint32_t i = 36; i + sizeof(region) <= len; i++) {
            found |= memcmp(t + i, region, sizeof(region)) == 0;
        }
        cr_assert(found, "PIRQ region");
    }
}

Test(acpi, no_pci_window_without_a_hole)
{
    GError *err = NULL;
    PCAcpiConfig c = cfg;
    const uint8_t *t, *p;
    uint32_t len;

    /* RAM up to the I/O APIC: not a board configuration, but the builder must
     * then leave the window out rather than describe a wrapped one. */
    c.pci_hole_start = c.pci_hole_end;
    cr_assert(pc_acpi_build(&c, &err), "%s", err ? err->message : "");
    t = mem(ldl_le_p(mem(ldl_le_p(mem(ldl_le_p(mem(0xfe000 + 16)) + 36)) + 40)));
    len = ldl_le_p(t + 4);
    p = find_name(t, len, "_CRS");
    pkglen(p + 1, &p);
    aml_int(&p);
    p += 16 + 8 + 16 + 16;
    cr_assert_eq(p[0], 0x87, "the VGA window");
    cr_assert_eq(p[26], 0x79, "then the end tag");
}

/* Device (name) { Name (_HID, EisaId (hid)) ... Name (_CRS, { IO (port), IRQ (irq) }) } */
static void check_isa_device(const uint8_t *t, uint32_t len, const char *name,
                             uint32_t hid, uint16_t port, int irq)
{
    char seg[4] = { '_', '_', '_', '_' };
    const uint8_t *dev = NULL, *end, *p;

    memcpy(seg, name, strlen(name));
    for (uint32_t i = 36; i + 8 <= len && !dev; i++) {
        if (t[i] == 0x5b && t[i + 1] == 0x82 &&
            memcmp(t + i + 2 + pkglen_size(t + i + 2), seg, 4) == 0) {
            dev = t + i + 2;
        }
    }
    cr_assert_not_null(dev, "Device (%s)", name);
    end = dev + pkglen(dev, &p);
    p += 4;
    cr_assert_eq(memcmp(p, "\x08_HID\x0c", 6), 0, "%s: _HID first", name);
    cr_assert_eq(ldl_le_p(p + 6), hid, "%s: _HID", name);
    p = find_name_in(p, end, "_CRS");
    cr_assert_lt(p, end);
    cr_assert_eq(p[0], 0x11, "%s: _CRS is a buffer", name);
    pkglen(p + 1, &p);
    aml_int(&p);
    if (port) {
        cr_assert_eq(p[0], 0x47, "%s: IO descriptor", name);
        cr_assert_eq(lduw_le_p(p + 2), port, "%s: port", name);
        while (p[0] == 0x47) {
            p += 8;
        }
    }
    cr_assert_eq(p[0], 0x23, "%s: IRQ descriptor", name);
    cr_assert_eq(lduw_le_p(p + 1), 1u << irq, "%s: IRQ", name);
    cr_assert_eq(p[3] & 1, 1, "%s: ISA interrupts are edge-triggered", name);
    cr_assert_eq(p[4], 0x79, "%s: end tag", name);
}

Test(acpi, isa_devices_match_the_board)
{
    GError *err = NULL;
    const uint8_t *t;
    uint32_t len;

    cr_assert(pc_acpi_build(&cfg, &err), "%s", err ? err->message : "");
    t = mem(ldl_le_p(mem(ldl_le_p(mem(ldl_le_p(mem(0xfe000 + 16)) + 36)) + 40)));
    len = ldl_le_p(t + 4);
    /* EISA IDs as stored: PNP0B00, PNP0303, PNP0F13, PNP0501. */
    check_isa_device(t, len, "RTC", 0x000bd041, 0x70, 8);
    check_isa_device(t, len, "KBD", 0x0303d041, 0x60, 1);
    check_isa_device(t, len, "MOU", 0x130fd041, 0, 12);
    check_isa_device(t, len, "COM1", 0x0105d041, 0x3f8, 4);
    check_isa_device(t, len, "COM2", 0x0105d041, 0x2f8, 3);
}

/* Device (PEVT) { Name (_HID, "QEMU0001") Name (_CRS, { IO (port, port, 1, 1) }) }
 * only with an ISA pvpanic. */
static const uint8_t *find_device(const uint8_t *t, uint32_t len, const char *seg)
{
    for (uint32_t i = 36; i + 8 <= len; i++) {
        if (t[i] == 0x5b && t[i + 1] == 0x82 &&
            memcmp(t + i + 2 + pkglen_size(t + i + 2), seg, 4) == 0) {
            return t + i + 2;
        }
    }
    return NULL;
}

Test(acpi, pvpanic_only_when_present)
{
    static const uint8_t hid[] = "\x08_HID\x0dQEMU0001";
    GError *err = NULL;
    PCAcpiConfig c = cfg;
    const uint8_t *t, *dev, *end, *p;
    uint32_t len;

    cr_assert(pc_acpi_build(&cfg, &err), "%s", err ? err->message : "");
    t = mem(ldl_le_p(mem(ldl_le_p(mem(ldl_le_p(mem(0xfe000 + 16)) + 36)) + 40)));
    cr_assert_null(find_device(t, ldl_le_p(t + 4), "PEVT"), "no pvpanic, no PEVT");

    c.pvpanic_port = 0x505;
    cr_assert(pc_acpi_build(&c, &err), "%s", err ? err->message : "");
    t = mem(ldl_le_p(mem(ldl_le_p(mem(ldl_le_p(mem(0xfe000 + 16)) + 36)) + 40)));
    len = ldl_le_p(t + 4);
    dev = find_device(t, len, "PEVT");
    cr_assert_not_null(dev, "Device (PEVT)");
    end = dev + pkglen(dev, &p);
    p += 4;
    /* A string _HID (0x0d: string prefix, NUL-terminated), not an EISA ID. */
    cr_assert_eq(memcmp(p, hid, sizeof(hid)), 0, "_HID \"QEMU0001\"");
    p = find_name_in(p, end, "_CRS");
    cr_assert_lt(p, end);
    cr_assert_eq(p[0], 0x11, "_CRS is a buffer");
    pkglen(p + 1, &p);
    aml_int(&p);
    cr_assert_eq(p[0], 0x47, "IO descriptor");
    cr_assert_eq(lduw_le_p(p + 2), 0x505, "minimum");
    cr_assert_eq(lduw_le_p(p + 4), 0x505, "maximum");
    cr_assert_eq(p[7], 1, "one port");
    cr_assert_eq(p[8], 0x79, "end tag");
}

static bool run_iasl(const char *dir, const char *const *args, char **out)
{
    GError *err = NULL;
    int status = -1;
    bool ok = g_spawn_sync(dir, (char **)args, NULL, G_SPAWN_SEARCH_PATH |
                           G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, out, NULL, &status,
                           &err);

    cr_assert(ok, "iasl: %s", err ? err->message : "");
    return g_spawn_check_wait_status(status, NULL);
}

/*
 * The reference AML tools as an independent check of the encoder: ACPICA's
 * disassembler must read the whole DSDT, and compiling its output again
 * (without optimisations, which would pick other encodings) must give back the
 * same AML, byte for byte.
 */
Test(acpi, dsdt_round_trips_through_iasl)
{
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autofree char *dir = NULL, *dat = NULL, *aml_path = NULL, *log = NULL;
    g_autofree char *aml = NULL;
    GError *err = NULL;
    const uint8_t *t;
    uint32_t len;
    gsize aml_len = 0;

    if (!iasl) {
        cr_skip_test("iasl is not installed (package acpica-tools, make deps)");
    }
    cr_assert(pc_acpi_build(&cfg, &err), "%s", err ? err->message : "");
    t = mem(ldl_le_p(mem(ldl_le_p(mem(ldl_le_p(mem(0xfe000 + 16)) + 36)) + 40)));
    len = ldl_le_p(t + 4);
    dir = g_dir_make_tmp("mimic-acpi-XXXXXX", &err);
    cr_assert_not_null(dir, "%s", err ? err->message : "");
    dat = g_build_filename(dir, "dsdt.dat", NULL);
    cr_assert(g_file_set_contents(dat, (const char *)t, len, NULL));
    {
        const char *const dis[] = { "iasl", "-d", "dsdt.dat", NULL };
        const char *const comp[] = { "iasl", "-oa", "-p", "again", "dsdt.dsl", NULL };

        cr_assert(run_iasl(dir, dis, &log), "iasl -d failed:\n%s", log);
        g_free(log);
        log = NULL;
        cr_assert(run_iasl(dir, comp, &log), "iasl could not compile the "
                  "disassembly:\n%s", log);
    }
    aml_path = g_build_filename(dir, "again.aml", NULL);
    cr_assert(g_file_get_contents(aml_path, &aml, &aml_len, NULL));
    cr_assert_eq(aml_len, len, "recompiled: %zu bytes, built: %u", (size_t)aml_len, len);
    /* The header's creator fields and checksum are iasl's own; the body must
     * match exactly. */
    cr_assert_eq(memcmp(aml + 36, t + 36, len - 36), 0, "AML differs after a round trip");
    {
        const char *names[] = { "dsdt.dat", "dsdt.dsl", "again.aml", NULL };

        for (int i = 0; names[i]; i++) {
            g_autofree char *p = g_build_filename(dir, names[i], NULL);

            g_unlink(p);
        }
        g_rmdir(dir);
    }
}
