/*
 * The PC board's DSDT for firmware-less boots, describing the i440FX/PIIX3
 * machine of pc.c as its firmware would (ACPI Specification 6.x, 6.1-6.2
 * device identification and configuration objects, 6.2.13 _PRT; PCI Firmware
 * Specification 3.x for the root bridge; Intel 82371SB (PIIX3) datasheet
 * 290550, PIRQRC[A:D] at function 0 configuration offsets 60h-63h).
 *
 *   \_SB.PCI0      PNP0A03 host bridge, segment 0 bus 0: _CRS with the bus
 *                  range, the I/O ranges either side of the 0xcf8 config ports,
 *                  the VGA window and the PCI memory window from the top of RAM
 *                  below 4 GiB to the I/O APIC page; _PRT.
 *   \_SB.PCI0.ISA  the PIIX3 at 00:01.0, holding the PIRQ route control bytes
 *                  as fields of a PCI_Config operation region, and the ISA
 *                  devices of pc.c with their fixed resources: RTC (PNP0B00),
 *                  i8042 keyboard and mouse ports (PNP0303, PNP0F13), COM1 and
 *                  COM2 (PNP0501); with -device pvpanic, the panic port as
 *                  QEMU0001, the ID Linux's pvpanic-mmio driver binds to.
 *   \_SB.LNKA-D    PNP0C0F PCI interrupt links backed by those bytes (_STA,
 *                  _PRS, _CRS, _SRS, _DIS): bit 7 disables the route, bits 3:0
 *                  name the ISA IRQ.
 *   \_S5           soft-off, SLP_TYP 0 for the PIIX4 PM function.
 *
 * The board's PCI bus has no interrupt swizzle (pci.c without map_irq): the
 * INTx pin of a function in any slot drives PIRQ[x], so every slot's _PRT
 * entries name LNKA..LNKD for pins A..D.
 *
 * Not described: the 8259s, 8254, port 0x92, fw_cfg and the PM block's ports
 * (the OS knows or reserves those itself), processors, sleep states other than
 * S5, hot plug.
 */
#include "qemu/osdep.h"
#include "hw/i386/piix3.h"
#include "acpi-dsdt.h"

#define PC_ACPI_PIIX3_ADR  0x00010000     /* device 1, function 0 */
#define PC_ACPI_PCI_SLOTS  32

static const char *const pc_acpi_links[PIIX3_NUM_PIRQS] = {
    "LNKA", "LNKB", "LNKC", "LNKD"
};
static const char *const pc_acpi_pirq_fields[PIIX3_NUM_PIRQS] = {
    "PRQA", "PRQB", "PRQC", "PRQD"
};

/* Return (value) */
static void pc_acpi_return_integer(AmlBuf *b, uint64_t v)
{
    aml_byte(b, AML_RETURN_OP);
    aml_integer(b, v);
}

static void pc_acpi_root_crs(AmlBuf *b, const PCAcpiConfig *cfg)
{
    AmlBuf r;

    aml_init(&r);
    aml_res_word_bus(&r, 0x00, 0xff);
    aml_res_io(&r, 0xcf8, 0xcf8, 1, 8);
    aml_res_word_io(&r, 0x0000, 0x0cf7);
    aml_res_word_io(&r, 0x0d00, 0xffff);
    aml_res_dword_mem(&r, PC_VGA_BASE, PC_VGA_BASE + PC_VGA_SIZE - 1,
                      AML_MEM_CACHEABLE | AML_MEM_READ_WRITE);
    if (cfg->pci_hole_end > cfg->pci_hole_start) {
        aml_res_dword_mem(&r, cfg->pci_hole_start, cfg->pci_hole_end - 1,
                          AML_MEM_READ_WRITE);
    }
    aml_res_end(&r);
    aml_name_begin(b, "_CRS");
    aml_buffer(b, r.data, r.len);
    aml_free(&r);
}

/* Package { Package { slot << 16 | 0xffff, pin, link, 0 }, ... } */
static void pc_acpi_prt(AmlBuf *b)
{
    size_t outer;

    aml_name_begin(b, "_PRT");
    outer = aml_package_open(b, (PC_ACPI_PCI_SLOTS - 1) * PIIX3_NUM_PIRQS);
    /* Slot 0 is the host bridge, which has no interrupt pin. */
    for (int slot = 1; slot < PC_ACPI_PCI_SLOTS; slot++) {
        for (int pin = 0; pin < PIIX3_NUM_PIRQS; pin++) {
            size_t h = aml_package_open(b, 4);

            aml_byte(b, AML_DWORD_PREFIX);
            aml_bytes(b, (uint8_t[]){ 0xff, 0xff, slot, 0 }, 4);
            aml_integer(b, pin);
            aml_namestring(b, pc_acpi_links[pin]);
            aml_integer(b, 0);
            aml_close(b, h);
        }
    }
    aml_close(b, outer);
}

/* One ISA device with fixed resources: up to two port ranges and an
 * edge-triggered IRQ (ISA interrupts as the 8259 takes them). */
typedef struct PCAcpiIsaDev {
    const char *name, *hid;
    int uid;                            /* 0: none */
    uint16_t port[2];
    uint8_t port_len[2];
    int irq;
} PCAcpiIsaDev;

static const PCAcpiIsaDev pc_acpi_isa_devs[] = {
    { "RTC", "PNP0B00", 0, { 0x70 }, { 2 }, 8 },
    { "KBD", "PNP0303", 0, { 0x60, 0x64 }, { 1, 1 }, 1 },
    { "MOU", "PNP0F13", 0, { 0 }, { 0 }, 12 },
    { "COM1", "PNP0501", 1, { 0x3f8 }, { 8 }, 4 },
    { "COM2", "PNP0501", 2, { 0x2f8 }, { 8 }, 3 },
};

static void pc_acpi_isa_device(AmlBuf *b, const PCAcpiIsaDev *d)
{
    size_t dev = aml_device_open(b, d->name);
    AmlBuf r;

    aml_name_eisaid(b, "_HID", d->hid);
    if (d->uid) {
        aml_name_integer(b, "_UID", d->uid);
    }
    aml_init(&r);
    for (int i = 0; i < 2; i++) {
        if (d->port_len[i]) {
            aml_res_io(&r, d->port[i], d->port[i], 1, d->port_len[i]);
        }
    }
    aml_res_irq(&r, 1u << d->irq, AML_IRQ_EDGE);
    aml_res_end(&r);
    aml_name_begin(b, "_CRS");
    aml_buffer(b, r.data, r.len);
    aml_free(&r);
    aml_close(b, dev);
}

/* Device (PEVT): the ISA pvpanic's one I/O port. */
static void pc_acpi_pvpanic(AmlBuf *b, uint16_t port)
{
    size_t dev = aml_device_open(b, "PEVT");
    AmlBuf r;

    aml_name_begin(b, "_HID");
    aml_string(b, "QEMU0001");
    aml_init(&r);
    aml_res_io(&r, port, port, 1, 1);
    aml_res_end(&r);
    aml_name_begin(b, "_CRS");
    aml_buffer(b, r.data, r.len);
    aml_free(&r);
    aml_close(b, dev);
}

/* Device (ISA): the PIIX3's function 0 with its PIRQ route control bytes and
 * the ISA devices behind it. */
static void pc_acpi_isa_bridge(AmlBuf *b, const PCAcpiConfig *cfg)
{
    size_t dev = aml_device_open(b, "ISA");
    size_t field;

    aml_name_integer(b, "_ADR", PC_ACPI_PIIX3_ADR);
    aml_operation_region(b, "PIRQ", AML_REGION_PCI_CONFIG, PIIX3_PIRQRC,
                         PIIX3_NUM_PIRQS);
    field = aml_field_open(b, "PIRQ", AML_FIELD_BYTE_ACC | AML_FIELD_PRESERVE);
    for (int p = 0; p < PIIX3_NUM_PIRQS; p++) {
        aml_field_unit(b, pc_acpi_pirq_fields[p], 8);
    }
    aml_close(b, field);
    for (size_t i = 0; i < ARRAY_SIZE(pc_acpi_isa_devs); i++) {
        pc_acpi_isa_device(b, &pc_acpi_isa_devs[i]);
    }
    if (cfg->pvpanic_port) {
        pc_acpi_pvpanic(b, cfg->pvpanic_port);
    }
    aml_close(b, dev);
}

/* And (field, mask, Zero) as an operand. */
static void pc_acpi_and(AmlBuf *b, const char *field, uint64_t mask)
{
    aml_byte(b, AML_AND_OP);
    aml_namestring(b, field);
    aml_integer(b, mask);
    aml_byte(b, AML_ZERO_OP);               /* no target */
}

/* A resource template with one level-triggered, active-high, shared IRQ
 * descriptor: PCI interrupts as the PIIX3 passes them to the ISA IRQs. */
static void pc_acpi_irq_template(AmlBuf *b, uint16_t mask)
{
    AmlBuf r;

    aml_init(&r);
    aml_res_irq(&r, mask, AML_IRQ_SHARED);
    aml_res_end(&r);
    aml_buffer(b, r.data, r.len);
    aml_free(&r);
}

static void pc_acpi_link(AmlBuf *b, int n)
{
    char field[32];
    size_t dev, m, h;

    snprintf(field, sizeof(field), "\\_SB.PCI0.ISA.%s", pc_acpi_pirq_fields[n]);
    dev = aml_device_open(b, pc_acpi_links[n]);
    aml_name_eisaid(b, "_HID", "PNP0C0F");
    aml_name_integer(b, "_UID", n + 1);
    aml_name_begin(b, "_PRS");
    pc_acpi_irq_template(b, PC_ACPI_LINK_IRQS);

    /* _STA: present and functioning; enabled unless the route is disabled. */
    m = aml_method_open(b, "_STA", 0, false);
    h = aml_if_open(b);
    pc_acpi_and(b, field, PIIX3_PIRQRC_DISABLE);
    pc_acpi_return_integer(b, 0x09);
    aml_close(b, h);
    pc_acpi_return_integer(b, 0x0b);
    aml_close(b, m);

    /* _DIS: Or (field, 0x80, field) */
    m = aml_method_open(b, "_DIS", 0, false);
    aml_byte(b, AML_OR_OP);
    aml_namestring(b, field);
    aml_integer(b, PIIX3_PIRQRC_DISABLE);
    aml_namestring(b, field);
    aml_close(b, m);

    /* _CRS: the IRQ the route names, or an empty mask while it is disabled.
     *   Store (template, Local0); CreateWordField (Local0, 1, IRQW)
     *   If (LNot (And (field, 0x80))) {
     *       ShiftLeft (One, And (field, 0x0f), IRQW) }
     *   Return (Local0) */
    m = aml_method_open(b, "_CRS", 0, true);
    aml_byte(b, AML_STORE_OP);
    pc_acpi_irq_template(b, 0);
    aml_local(b, 0);
    aml_byte(b, AML_CREATE_WORD_FIELD_OP);
    aml_local(b, 0);
    aml_integer(b, 1);
    aml_namestring(b, "IRQW");
    h = aml_if_open(b);
    aml_byte(b, AML_LNOT_OP);
    pc_acpi_and(b, field, PIIX3_PIRQRC_DISABLE);
    aml_byte(b, AML_SHIFT_LEFT_OP);
    aml_integer(b, 1);
    pc_acpi_and(b, field, PIIX3_PIRQRC_IRQ_MASK);
    aml_namestring(b, "IRQW");
    aml_close(b, h);
    aml_byte(b, AML_RETURN_OP);
    aml_local(b, 0);
    aml_close(b, m);

    /* _SRS (Arg0): route to the lowest IRQ set in the descriptor's mask.
     *   CreateWordField (Arg0, 1, IRQW)
     *   FindSetRightBit (IRQW, Local0)
     *   If (Local0) { Subtract (Local0, One, field) } Else { _DIS () } */
    m = aml_method_open(b, "_SRS", 1, true);
    aml_byte(b, AML_CREATE_WORD_FIELD_OP);
    aml_arg(b, 0);
    aml_integer(b, 1);
    aml_namestring(b, "IRQW");
    aml_byte(b, AML_FIND_SET_RIGHT_BIT_OP);
    aml_namestring(b, "IRQW");
    aml_local(b, 0);
    h = aml_if_open(b);
    aml_local(b, 0);
    aml_byte(b, AML_SUBTRACT_OP);
    aml_local(b, 0);
    aml_integer(b, 1);
    aml_namestring(b, field);
    aml_close(b, h);
    h = aml_else_open(b);
    aml_namestring(b, "_DIS");
    aml_close(b, h);
    aml_close(b, m);

    aml_close(b, dev);
}

void pc_acpi_dsdt_build(AmlBuf *b, const PCAcpiConfig *cfg)
{
    size_t sb, pci;
    size_t s5;

    sb = aml_scope_open(b, "\\_SB");

    pci = aml_device_open(b, "PCI0");
    aml_name_eisaid(b, "_HID", "PNP0A03");
    aml_name_integer(b, "_ADR", 0);
    aml_name_integer(b, "_UID", 0);
    aml_name_integer(b, "_BBN", 0);
    pc_acpi_root_crs(b, cfg);
    pc_acpi_prt(b);
    pc_acpi_isa_bridge(b, cfg);
    aml_close(b, pci);

    for (int n = 0; n < PIIX3_NUM_PIRQS; n++) {
        pc_acpi_link(b, n);
    }
    aml_close(b, sb);

    /* Name (\_S5, Package (4) { 0, 0, 0, 0 }): SLP_TYPa/b for soft off. */
    aml_name_begin(b, "\\_S5");
    s5 = aml_package_open(b, 4);
    for (int i = 0; i < 4; i++) {
        aml_integer(b, 0);
    }
    aml_close(b, s5);
}
