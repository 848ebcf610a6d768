/*
 * AML byte-code writer (ACPI Specification 6.x, chapter 20 "ACPI Machine
 * Language (AML) Specification"; resource descriptors from chapter 6.4).
 * See acpi-aml.h for what it covers.
 */
#include "qemu/osdep.h"
#include "acpi-aml.h"

void aml_init(AmlBuf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void aml_free(AmlBuf *b)
{
    g_free(b->data);
    aml_init(b);
}

uint8_t *aml_steal(AmlBuf *b, size_t *len)
{
    uint8_t *p = b->data;

    *len = b->len;
    aml_init(b);
    return p;
}

static void aml_reserve(AmlBuf *b, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + n + 64);
        b->data = g_realloc(b->data, b->cap);
    }
}

void aml_bytes(AmlBuf *b, const void *p, size_t n)
{
    aml_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void aml_byte(AmlBuf *b, uint8_t v)
{
    aml_bytes(b, &v, 1);
}

void aml_append(AmlBuf *b, const AmlBuf *other)
{
    aml_bytes(b, other->data, other->len);
}

static void aml_le(AmlBuf *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        aml_byte(b, v >> (8 * i));
    }
}

void aml_integer(AmlBuf *b, uint64_t v)
{
    if (v == 0) {
        aml_byte(b, AML_ZERO_OP);
    } else if (v == 1) {
        aml_byte(b, AML_ONE_OP);
    } else if (v <= 0xff) {
        aml_byte(b, AML_BYTE_PREFIX);
        aml_le(b, v, 1);
    } else if (v <= 0xffff) {
        aml_byte(b, AML_WORD_PREFIX);
        aml_le(b, v, 2);
    } else if (v <= 0xffffffffULL) {
        aml_byte(b, AML_DWORD_PREFIX);
        aml_le(b, v, 4);
    } else {
        aml_byte(b, AML_QWORD_PREFIX);
        aml_le(b, v, 8);
    }
}

void aml_string(AmlBuf *b, const char *s)
{
    aml_byte(b, AML_STRING_PREFIX);
    aml_bytes(b, s, strlen(s) + 1);
}

static void aml_nameseg(AmlBuf *b, const char *seg, size_t n)
{
    char s[4] = { '_', '_', '_', '_' };

    /* Names are at most four characters (callers' constants; not guest input). */
    assert(n >= 1 && n <= 4);
    memcpy(s, seg, n);
    aml_bytes(b, s, 4);
}

void aml_namestring(AmlBuf *b, const char *path)
{
    const char *p = path;
    const char *segs[8];
    size_t lens[8];
    unsigned nsegs = 0;

    if (*p == '\\') {
        aml_byte(b, AML_ROOT_CHAR);
        p++;
    } else {
        while (*p == '^') {
            aml_byte(b, AML_PARENT_CHAR);
            p++;
        }
    }
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);

        assert(nsegs < ARRAY_SIZE(segs));
        segs[nsegs] = p;
        lens[nsegs] = n;
        nsegs++;
        p += n;
        if (*p == '.') {
            p++;
        }
    }
    if (nsegs == 0) {
        aml_byte(b, 0x00);           /* NullName: the bare root "\" */
        return;
    }
    if (nsegs == 2) {
        aml_byte(b, AML_DUAL_NAME);
    } else if (nsegs > 2) {
        aml_byte(b, AML_MULTI_NAME);
        aml_byte(b, nsegs);
    }
    for (unsigned i = 0; i < nsegs; i++) {
        aml_nameseg(b, segs[i], lens[i]);
    }
}

uint32_t aml_eisaid(const char *id)
{
    /* Three letters in five bits each ('A' = 1), then four hex digits; the
     * 32-bit value is stored big-endian in the integer's byte order. */
    uint32_t v;

    assert(strlen(id) == 7);
    v = ((uint32_t)(id[0] - 0x40) << 26) | ((uint32_t)(id[1] - 0x40) << 21) |
        ((uint32_t)(id[2] - 0x40) << 16) |
        (uint32_t)strtoul(id + 3, NULL, 16);
    return __builtin_bswap32(v);
}

size_t aml_encode_pkglen(uint8_t *out, uint32_t v, bool includes_self)
{
    size_t n;

    /* One byte holds 6 bits; each further byte adds 8 (bits 3:0 of the lead
     * byte then hold the low nibble). */
    if (v + (includes_self ? 1 : 0) < 0x40) {
        out[0] = v + (includes_self ? 1 : 0);
        return 1;
    }
    for (n = 2; n <= 4; n++) {
        uint32_t total = v + (includes_self ? n : 0);

        if (total < (1u << (4 + 8 * (n - 1)))) {
            out[0] = ((n - 1) << 6) | (total & 0x0f);
            for (size_t i = 1; i < n; i++) {
                out[i] = total >> (4 + 8 * (i - 1));
            }
            return n;
        }
    }
    /* 2^28 bytes of AML: beyond anything this board builds. */
    assert(0);
    return 0;
}

size_t aml_open(AmlBuf *b, const uint8_t *op, size_t oplen)
{
    aml_bytes(b, op, oplen);
    return b->len;
}

void aml_close(AmlBuf *b, size_t handle)
{
    uint8_t enc[4];
    size_t n;

    assert(handle <= b->len);
    n = aml_encode_pkglen(enc, b->len - handle, true);
    aml_reserve(b, n);
    memmove(b->data + handle + n, b->data + handle, b->len - handle);
    memcpy(b->data + handle, enc, n);
    b->len += n;
}

size_t aml_scope_open(AmlBuf *b, const char *name)
{
    static const uint8_t op[] = { AML_SCOPE_OP };
    size_t h = aml_open(b, op, sizeof(op));

    aml_namestring(b, name);
    return h;
}

size_t aml_device_open(AmlBuf *b, const char *name)
{
    static const uint8_t op[] = { AML_EXT_OP, AML_EXT_DEVICE };
    size_t h = aml_open(b, op, sizeof(op));

    aml_namestring(b, name);
    return h;
}

size_t aml_method_open(AmlBuf *b, const char *name, unsigned nargs, bool serialized)
{
    static const uint8_t op[] = { AML_METHOD_OP };
    size_t h = aml_open(b, op, sizeof(op));

    assert(nargs <= 7);
    aml_namestring(b, name);
    aml_byte(b, nargs | (serialized ? 0x08 : 0));
    return h;
}

size_t aml_if_open(AmlBuf *b)
{
    static const uint8_t op[] = { AML_IF_OP };

    return aml_open(b, op, sizeof(op));
}

size_t aml_else_open(AmlBuf *b)
{
    static const uint8_t op[] = { AML_ELSE_OP };

    return aml_open(b, op, sizeof(op));
}

size_t aml_package_open(AmlBuf *b, uint8_t nelems)
{
    static const uint8_t op[] = { AML_PACKAGE_OP };
    size_t h = aml_open(b, op, sizeof(op));

    aml_byte(b, nelems);
    return h;
}

size_t aml_field_open(AmlBuf *b, const char *region, uint8_t flags)
{
    static const uint8_t op[] = { AML_EXT_OP, AML_EXT_FIELD };
    size_t h = aml_open(b, op, sizeof(op));

    aml_namestring(b, region);
    aml_byte(b, flags);
    return h;
}

void aml_field_unit(AmlBuf *b, const char *name, uint32_t bits)
{
    uint8_t enc[4];

    aml_nameseg(b, name, strlen(name));
    aml_bytes(b, enc, aml_encode_pkglen(enc, bits, false));
}

void aml_name_begin(AmlBuf *b, const char *name)
{
    aml_byte(b, AML_NAME_OP);
    aml_namestring(b, name);
}

void aml_name_integer(AmlBuf *b, const char *name, uint64_t v)
{
    aml_name_begin(b, name);
    aml_integer(b, v);
}

void aml_name_eisaid(AmlBuf *b, const char *name, const char *id)
{
    aml_name_begin(b, name);
    /* EISA IDs are always written as DWords, whatever their value. */
    aml_byte(b, AML_DWORD_PREFIX);
    aml_le(b, aml_eisaid(id), 4);
}

void aml_buffer(AmlBuf *b, const void *data, size_t n)
{
    static const uint8_t op[] = { AML_BUFFER_OP };
    size_t h = aml_open(b, op, sizeof(op));

    aml_integer(b, n);
    aml_bytes(b, data, n);
    aml_close(b, h);
}

void aml_operation_region(AmlBuf *b, const char *name, uint8_t space, uint64_t offset,
                          uint64_t len)
{
    aml_byte(b, AML_EXT_OP);
    aml_byte(b, AML_EXT_OPREGION);
    aml_namestring(b, name);
    aml_byte(b, space);
    aml_integer(b, offset);
    aml_integer(b, len);
}

void aml_local(AmlBuf *b, unsigned n)
{
    assert(n <= 7);
    aml_byte(b, AML_LOCAL0 + n);
}

void aml_arg(AmlBuf *b, unsigned n)
{
    assert(n <= 6);
    aml_byte(b, AML_ARG0 + n);
}

/* ---- resource descriptors (ACPI 6.x, 6.4) ---- */

/* Word and DWord Address Space descriptors: resource type, general flags
 * (producer, positive decode, fixed minimum and maximum), type-specific flags,
 * then granularity, minimum, maximum, translation offset and length. */
#define AML_RES_ADDR_MEM   0
#define AML_RES_ADDR_IO    1
#define AML_RES_ADDR_BUS   2
#define AML_RES_GEN_FIXED  0x0c   /* _MIF | _MAF; producer, positive decode */
#define AML_RES_IO_ENTIRE  0x03   /* _RNG: ISA and non-ISA ranges */

static void aml_res_word_addr(AmlBuf *b, uint8_t type, uint8_t tflags, uint16_t min,
                              uint16_t max)
{
    aml_byte(b, 0x88);
    aml_le(b, 13, 2);
    aml_byte(b, type);
    aml_byte(b, AML_RES_GEN_FIXED);
    aml_byte(b, tflags);
    aml_le(b, 0, 2);                       /* granularity */
    aml_le(b, min, 2);
    aml_le(b, max, 2);
    aml_le(b, 0, 2);                       /* translation */
    aml_le(b, (uint32_t)max - min + 1, 2);
}

void aml_res_word_bus(AmlBuf *b, uint16_t min, uint16_t max)
{
    aml_res_word_addr(b, AML_RES_ADDR_BUS, 0, min, max);
}

void aml_res_word_io(AmlBuf *b, uint16_t min, uint16_t max)
{
    aml_res_word_addr(b, AML_RES_ADDR_IO, AML_RES_IO_ENTIRE, min, max);
}

void aml_res_dword_mem(AmlBuf *b, uint32_t min, uint32_t max, uint8_t flags)
{
    aml_byte(b, 0x87);
    aml_le(b, 23, 2);
    aml_byte(b, AML_RES_ADDR_MEM);
    aml_byte(b, AML_RES_GEN_FIXED);
    aml_byte(b, flags);
    aml_le(b, 0, 4);                       /* granularity */
    aml_le(b, min, 4);
    aml_le(b, max, 4);
    aml_le(b, 0, 4);                       /* translation */
    aml_le(b, (uint64_t)max - min + 1, 4);
}

void aml_res_io(AmlBuf *b, uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    aml_byte(b, 0x47);                     /* small item 8, length 7 */
    aml_byte(b, 0x01);                     /* decodes 16 address bits */
    aml_le(b, min, 2);
    aml_le(b, max, 2);
    aml_byte(b, align);
    aml_byte(b, len);
}

void aml_res_irq(AmlBuf *b, uint16_t mask, uint8_t flags)
{
    aml_byte(b, 0x23);                     /* small item 4, length 3 */
    aml_le(b, mask, 2);
    aml_byte(b, flags);
}

void aml_res_end(AmlBuf *b)
{
    /* A zero checksum byte means "the template is not checksummed". */
    aml_byte(b, 0x79);
    aml_byte(b, 0x00);
}
