/*
 * A small AML (ACPI Machine Language) byte-code writer for the tables the PC
 * board builds itself (ACPI Specification 6.x, chapter 20 "ACPI Machine
 * Language (AML) Specification", and chapter 6.4 "Resource Data Types for
 * ACPI"). Objects are appended to a growable buffer in the order they appear
 * in the table; an object with a PkgLength (scope, device, method, if, else,
 * package, buffer, field) is opened, filled, then closed, and closing inserts
 * the PkgLength once the size is known.
 *
 * Covered: integers and strings, name strings (root and parent prefixes,
 * dual and multi-segment paths), EISA IDs, the named objects and operators the
 * PC's DSDT uses, and the resource descriptors a PCI root bridge and PCI
 * interrupt link devices need. Not covered: the rest of the opcode space.
 */
#ifndef HW_I386_ACPI_AML_H
#define HW_I386_ACPI_AML_H

#include "qemu/osdep.h"

typedef struct AmlBuf {
    uint8_t *data;
    size_t len, cap;
} AmlBuf;

/* Opcodes (ACPI 6.x, 20.3 "AML Byte Stream Byte Values"). */
#define AML_ZERO_OP        0x00
#define AML_ONE_OP         0x01
#define AML_NAME_OP        0x08
#define AML_BYTE_PREFIX    0x0a
#define AML_WORD_PREFIX    0x0b
#define AML_DWORD_PREFIX   0x0c
#define AML_STRING_PREFIX  0x0d
#define AML_QWORD_PREFIX   0x0e
#define AML_SCOPE_OP       0x10
#define AML_BUFFER_OP      0x11
#define AML_PACKAGE_OP     0x12
#define AML_METHOD_OP      0x14
#define AML_DUAL_NAME      0x2e
#define AML_MULTI_NAME     0x2f
#define AML_EXT_OP         0x5b
#define AML_ROOT_CHAR      0x5c
#define AML_PARENT_CHAR    0x5e
#define AML_LOCAL0         0x60
#define AML_ARG0           0x68
#define AML_STORE_OP       0x70
#define AML_ADD_OP         0x72
#define AML_SUBTRACT_OP    0x74
#define AML_INCREMENT_OP   0x75
#define AML_DECREMENT_OP   0x76
#define AML_SHIFT_LEFT_OP  0x79
#define AML_SHIFT_RIGHT_OP 0x7a
#define AML_AND_OP         0x7b
#define AML_OR_OP          0x7d
#define AML_FIND_SET_RIGHT_BIT_OP 0x82
#define AML_CREATE_DWORD_FIELD_OP 0x8a
#define AML_CREATE_WORD_FIELD_OP  0x8b
#define AML_LAND_OP        0x90
#define AML_LNOT_OP        0x92
#define AML_LEQUAL_OP      0x93
#define AML_IF_OP          0xa0
#define AML_ELSE_OP        0xa1
#define AML_RETURN_OP      0xa4
#define AML_ONES_OP        0xff
/* After AML_EXT_OP. */
#define AML_EXT_OPREGION   0x80
#define AML_EXT_FIELD      0x81
#define AML_EXT_DEVICE     0x82

/* OperationRegion spaces and Field flags. */
#define AML_REGION_SYSTEM_IO   0x01
#define AML_REGION_PCI_CONFIG  0x02
#define AML_FIELD_BYTE_ACC     0x01
#define AML_FIELD_PRESERVE     0x00

/* Resource descriptor flags (ACPI 6.x, 6.4.2.1 and 6.4.3.5). */
#define AML_IRQ_EDGE           0x01
#define AML_IRQ_ACTIVE_LOW     0x08
#define AML_IRQ_SHARED         0x10
#define AML_MEM_CACHEABLE      0x02
#define AML_MEM_READ_WRITE     0x01

void aml_init(AmlBuf *b);
void aml_free(AmlBuf *b);
/* Hand the bytes over (the buffer is empty afterwards; g_free the result). */
uint8_t *aml_steal(AmlBuf *b, size_t *len);

void aml_byte(AmlBuf *b, uint8_t v);
void aml_bytes(AmlBuf *b, const void *p, size_t n);
void aml_append(AmlBuf *b, const AmlBuf *other);

/* The shortest encoding of an integer constant: Zero, One, or a prefixed
 * byte, word, dword or qword. */
void aml_integer(AmlBuf *b, uint64_t v);
/* A null-terminated ASCII string constant. */
void aml_string(AmlBuf *b, const char *s);
/* A name string: an optional '\' or run of '^', then dot-separated segments of
 * up to four characters (padded with '_'), e.g. "\\_SB.PCI0", "^LNKA", "PRQA". */
void aml_namestring(AmlBuf *b, const char *path);
/* A compressed EISA ID ("PNP0A03") as the integer _HID and _CID hold. */
uint32_t aml_eisaid(const char *id);
/* Encode a PkgLength for a value (used directly for field widths). */
size_t aml_encode_pkglen(uint8_t *out, uint32_t v, bool includes_self);

/* Open an object with a PkgLength right after its opcode(s); returns a handle
 * for aml_close, which inserts the PkgLength covering everything since. */
size_t aml_open(AmlBuf *b, const uint8_t *op, size_t oplen);
void aml_close(AmlBuf *b, size_t handle);

size_t aml_scope_open(AmlBuf *b, const char *name);
size_t aml_device_open(AmlBuf *b, const char *name);
/* Method (name, nargs (0-7), serialized). */
size_t aml_method_open(AmlBuf *b, const char *name, unsigned nargs, bool serialized);
/* If (predicate): the predicate is appended right after opening. */
size_t aml_if_open(AmlBuf *b);
size_t aml_else_open(AmlBuf *b);
size_t aml_package_open(AmlBuf *b, uint8_t nelems);
/* Field (region, flags) { name, bits, ... }: add fields with aml_field_unit. */
size_t aml_field_open(AmlBuf *b, const char *region, uint8_t flags);
void aml_field_unit(AmlBuf *b, const char *name, uint32_t bits);

/* Name (name, ...): the data object is appended next. */
void aml_name_begin(AmlBuf *b, const char *name);
void aml_name_integer(AmlBuf *b, const char *name, uint64_t v);
void aml_name_eisaid(AmlBuf *b, const char *name, const char *id);
/* Buffer { data } (e.g. a resource template built in another AmlBuf). */
void aml_buffer(AmlBuf *b, const void *data, size_t n);
void aml_operation_region(AmlBuf *b, const char *name, uint8_t space, uint64_t offset,
                          uint64_t len);

/* Operand helpers. */
void aml_local(AmlBuf *b, unsigned n);
void aml_arg(AmlBuf *b, unsigned n);

/* Resource descriptors, appended to a resource template under construction;
 * finish it with aml_res_end. All windows are producer, fixed min/max,
 * positive decode. */
void aml_res_word_bus(AmlBuf *b, uint16_t min, uint16_t max);
void aml_res_word_io(AmlBuf *b, uint16_t min, uint16_t max);
void aml_res_dword_mem(AmlBuf *b, uint32_t min, uint32_t max, uint8_t flags);
/* IO (Decode16, min, max, align, len): a consumed fixed port range. */
void aml_res_io(AmlBuf *b, uint16_t min, uint16_t max, uint8_t align, uint8_t len);
/* IRQ (flags) { mask }: the three-byte form. */
void aml_res_irq(AmlBuf *b, uint16_t mask, uint8_t flags);
void aml_res_end(AmlBuf *b);

#endif
