/*
 * Unit tests for hw/i386/acpi-aml.c: every encoding checked against bytes
 * worked out by hand from the ACPI Specification (chapter 20 grammar, 6.4
 * resource descriptors): integers in their shortest form, name strings with
 * prefixes and multi-segment paths, EISA IDs, PkgLength in its one- to
 * four-byte forms (including the case where the length's own size tips it
 * over a boundary), nested objects, fields and resource descriptors.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "../../hw/i386/acpi-aml.h"

static AmlBuf b;

static void setup(void)
{
    aml_init(&b);
}

static void teardown(void)
{
    aml_free(&b);
}

TestSuite(aml, .init = setup, .fini = teardown);

#define expect_bytes(...) do {                                              \
        static const uint8_t want_[] = { __VA_ARGS__ };                     \
        cr_assert_eq(b.len, sizeof(want_), "length %zu, want %zu", b.len,   \
                     sizeof(want_));                                        \
        for (size_t i_ = 0; i_ < sizeof(want_); i_++) {                     \
            cr_assert_eq(b.data[i_], want_[i_], "byte %zu: %02x, want %02x", \
                         i_, b.data[i_], want_[i_]);                        \
        }                                                                   \
    } while (0)

Test(aml, integers_use_the_shortest_form)
{
    aml_integer(&b, 0);
    aml_integer(&b, 1);
    aml_integer(&b, 2);
    aml_integer(&b, 0xff);
    aml_integer(&b, 0x100);
    aml_integer(&b, 0xfebfffff);
    aml_integer(&b, 0x100000000ULL);
    expect_bytes(0x00, 0x01, 0x0a, 0x02, 0x0a, 0xff, 0x0b, 0x00, 0x01,
                 0x0c, 0xff, 0xff, 0xbf, 0xfe,
                 0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00);
}

Test(aml, strings)
{
    aml_string(&b, "ab");
    expect_bytes(0x0d, 'a', 'b', 0x00);
}

Test(aml, name_strings)
{
    aml_namestring(&b, "PRQA");
    aml_namestring(&b, "_SB");           /* padded with '_' */
    aml_namestring(&b, "\\_SB.PCI0");    /* root, dual name */
    aml_namestring(&b, "^LNKA");         /* parent prefix */
    aml_namestring(&b, "\\_SB.PCI0.ISA.PRQA");   /* multi name, 4 segments */
    aml_namestring(&b, "\\");            /* the root itself: NullName */
    expect_bytes('P', 'R', 'Q', 'A',
                 '_', 'S', 'B', '_',
                 0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0',
                 0x5e, 'L', 'N', 'K', 'A',
                 0x5c, 0x2f, 0x04, '_', 'S', 'B', '_', 'P', 'C', 'I', '0',
                 'I', 'S', 'A', '_', 'P', 'R', 'Q', 'A',
                 0x5c, 0x00);
}

Test(aml, eisa_ids)
{
    /* The values every PC firmware's DSDT carries for these IDs. */
    cr_assert_eq(aml_eisaid("PNP0A03"), 0x030ad041);
    cr_assert_eq(aml_eisaid("PNP0C0F"), 0x0f0cd041);
    cr_assert_eq(aml_eisaid("PNP0B00"), 0x000bd041);
    aml_name_eisaid(&b, "_HID", "PNP0A03");
    expect_bytes(0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03);
}

Test(aml, pkglen_encodings)
{
    uint8_t e[4];

    /* One byte: up to 63 including itself. */
    cr_assert_eq(aml_encode_pkglen(e, 5, true), 1);
    cr_assert_eq(e[0], 6);
    cr_assert_eq(aml_encode_pkglen(e, 62, true), 1);
    cr_assert_eq(e[0], 63);
    /* 63 bytes of body + 1 = 64: two bytes, and then the total is 65. */
    cr_assert_eq(aml_encode_pkglen(e, 63, true), 2);
    cr_assert_eq(e[0], 0x40 | (65 & 0xf));
    cr_assert_eq(e[1], 65 >> 4);
    /* Two bytes reach 4095; 4094 of body + 2 = 4096 needs three. */
    cr_assert_eq(aml_encode_pkglen(e, 4093, true), 2);
    cr_assert_eq(e[0], 0x40 | 0xf);
    cr_assert_eq(e[1], 0xff);
    cr_assert_eq(aml_encode_pkglen(e, 4094, true), 3);
    cr_assert_eq(e[0], 0x80 | ((4094 + 3) & 0xf));
    cr_assert_eq(e[1], ((4094 + 3) >> 4) & 0xff);
    cr_assert_eq(e[2], (4094 + 3) >> 12);
    cr_assert_eq(aml_encode_pkglen(e, 1u << 20, true), 4);
    cr_assert_eq(e[0], 0xc0 | 4);
    cr_assert_eq(e[3], 1);
    /* Field widths do not count themselves. */
    cr_assert_eq(aml_encode_pkglen(e, 8, false), 1);
    cr_assert_eq(e[0], 8);
    cr_assert_eq(aml_encode_pkglen(e, 64, false), 2);
    cr_assert_eq(e[0], 0x40);
    cr_assert_eq(e[1], 0x04);
}

Test(aml, package_and_name)
{
    size_t h;

    aml_name_begin(&b, "_S5");
    h = aml_package_open(&b, 4);
    for (int i = 0; i < 4; i++) {
        aml_integer(&b, 0);
    }
    aml_close(&b, h);
    /* The DSDT the board had before, byte for byte. */
    expect_bytes(0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00);
}

Test(aml, nested_objects_get_their_lengths)
{
    size_t scope, dev, m, h;

    scope = aml_scope_open(&b, "\\_SB");
    dev = aml_device_open(&b, "LNKA");
    m = aml_method_open(&b, "_STA", 0, false);
    h = aml_if_open(&b);
    aml_local(&b, 0);
    aml_byte(&b, AML_RETURN_OP);
    aml_integer(&b, 0x09);
    aml_close(&b, h);
    aml_close(&b, m);
    aml_close(&b, dev);
    aml_close(&b, scope);
    expect_bytes(0x10, 0x1a, 0x5c, '_', 'S', 'B', '_',
                 0x5b, 0x82, 0x12, 'L', 'N', 'K', 'A',
                 0x14, 0x0c, '_', 'S', 'T', 'A', 0x00,
                 0xa0, 0x05, 0x60, 0xa4, 0x0a, 0x09);
}

Test(aml, long_bodies_take_multi_byte_lengths)
{
    size_t h = aml_package_open(&b, 100);

    for (int i = 0; i < 100; i++) {
        aml_integer(&b, 0x10);       /* 2 bytes each */
    }
    aml_close(&b, h);
    /* Body: 1 (count) + 200 = 201, + 2 for the length = 203 = 0x0cb. */
    cr_assert_eq(b.len, 1 + 2 + 201);
    cr_assert_eq(b.data[0], 0x12);
    cr_assert_eq(b.data[1], 0x40 | 0x0b);
    cr_assert_eq(b.data[2], 0x0c);
    cr_assert_eq(b.data[3], 100);
    cr_assert_eq(b.data[4], 0x0a);
    cr_assert_eq(b.data[5], 0x10);
}

Test(aml, method_flags)
{
    size_t m = aml_method_open(&b, "_SRS", 1, true);

    aml_close(&b, m);
    expect_bytes(0x14, 0x06, '_', 'S', 'R', 'S', 0x09);
}

Test(aml, operation_region_and_field)
{
    size_t f;

    aml_operation_region(&b, "PIRQ", AML_REGION_PCI_CONFIG, 0x60, 4);
    f = aml_field_open(&b, "PIRQ", AML_FIELD_BYTE_ACC | AML_FIELD_PRESERVE);
    aml_field_unit(&b, "PRQA", 8);
    aml_field_unit(&b, "PRQB", 8);
    aml_close(&b, f);
    expect_bytes(0x5b, 0x80, 'P', 'I', 'R', 'Q', 0x02, 0x0a, 0x60, 0x0a, 0x04,
                 0x5b, 0x81, 0x10, 'P', 'I', 'R', 'Q', 0x01,
                 'P', 'R', 'Q', 'A', 0x08, 'P', 'R', 'Q', 'B', 0x08);
}

Test(aml, buffer_carries_its_size)
{
    static const uint8_t data[] = { 0x23, 0x20, 0x0c, 0x10, 0x79, 0x00 };

    aml_buffer(&b, data, sizeof(data));
    expect_bytes(0x11, 0x09, 0x0a, 0x06, 0x23, 0x20, 0x0c, 0x10, 0x79, 0x00);
}

Test(aml, resource_descriptors)
{
    aml_res_word_bus(&b, 0, 0xff);
    aml_res_word_io(&b, 0x0d00, 0xffff);
    aml_res_dword_mem(&b, 0x10000000, 0xfebfffff, AML_MEM_READ_WRITE);
    aml_res_io(&b, 0xcf8, 0xcf8, 1, 8);
    aml_res_irq(&b, (1 << 10) | (1 << 11), AML_IRQ_SHARED);
    aml_res_end(&b);
    expect_bytes(
        /* WordBusNumber: producer, MinFixed, MaxFixed, 0-0xff, length 0x100 */
        0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00,
        0x00, 0x00, 0x00, 0x01,
        /* WordIO, EntireRange, 0xd00-0xffff, length 0xf300 */
        0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xff,
        0x00, 0x00, 0x00, 0xf3,
        /* DWordMemory, non-cacheable, read/write, 0x10000000-0xfebfffff */
        0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x10, 0xff, 0xff, 0xbf, 0xfe, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0xc0, 0xee,
        /* IO (Decode16, 0xcf8, 0xcf8, 1, 8) */
        0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
        /* IRQ (Level, ActiveHigh, Shared) {10, 11} */
        0x23, 0x00, 0x0c, 0x10,
        /* EndTag */
        0x79, 0x00);
}

Test(aml, steal_hands_over_the_bytes)
{
    size_t len;
    uint8_t *p;

    aml_integer(&b, 0x1234);
    p = aml_steal(&b, &len);
    cr_assert_eq(len, 3);
    cr_assert_eq(p[0], 0x0b);
    cr_assert_eq(b.len, 0);
    cr_assert_null(b.data);
    g_free(p);
}
