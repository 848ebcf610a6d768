/*
 * Basic types and helpers every mimic source file includes first.
 */
#ifndef MIMIC_OSDEP_H
#define MIMIC_OSDEP_H

#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <errno.h>
#include <assert.h>
#include <glib.h>

/* Guest virtual addresses: both guests are 32-bit. */
typedef uint32_t vaddr;
#define VADDR_PRIx PRIx32
/* Guest physical addresses (PAE reaches 36 bits). */
typedef uint64_t hwaddr;
#define HWADDR_PRIx PRIx64

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define QEMU_ALIGN_DOWN(n, m) ((n) / (m) * (m))
#define QEMU_ALIGN_UP(n, m) QEMU_ALIGN_DOWN((n) + (m) - 1, (m))
#define MIN_U(a, b) ((a) < (b) ? (a) : (b))
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define QEMU_NORETURN __attribute__((noreturn))
#define QEMU_PACKED __attribute__((packed))
#define QEMU_UNUSED __attribute__((unused))
#define QEMU_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Bit-field helpers (field of LEN bits at bit START). */
static inline uint32_t extract32(uint32_t v, int start, int len)
{
    return (v >> start) & (~0U >> (32 - len));
}
static inline int32_t sextract32(uint32_t v, int start, int len)
{
    return ((int32_t)(v << (32 - len - start))) >> (32 - len);
}
static inline uint64_t extract64(uint64_t v, int start, int len)
{
    return (v >> start) & (~0ULL >> (64 - len));
}
static inline uint32_t deposit32(uint32_t v, int start, int len, uint32_t f)
{
    uint32_t mask = (~0U >> (32 - len)) << start;
    return (v & ~mask) | ((f << start) & mask);
}
static inline uint64_t deposit64(uint64_t v, int start, int len, uint64_t f)
{
    uint64_t mask = (~0ULL >> (64 - len)) << start;
    return (v & ~mask) | ((f << start) & mask);
}

/* Little-endian and big-endian access to byte buffers (unaligned-safe). */
static inline uint16_t lduw_le_p(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ldl_le_p(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ldq_le_p(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void stw_le_p(void *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void stl_le_p(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void stq_le_p(void *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint16_t lduw_be_p(const void *p) { return __builtin_bswap16(lduw_le_p(p)); }
static inline uint32_t ldl_be_p(const void *p) { return __builtin_bswap32(ldl_le_p(p)); }
static inline uint64_t ldq_be_p(const void *p) { return __builtin_bswap64(ldq_le_p(p)); }
static inline void stw_be_p(void *p, uint16_t v) { stw_le_p(p, __builtin_bswap16(v)); }
static inline void stl_be_p(void *p, uint32_t v) { stl_le_p(p, __builtin_bswap32(v)); }
static inline void stq_be_p(void *p, uint64_t v) { stq_le_p(p, __builtin_bswap64(v)); }

#include "qemu/error.h"
#include "qemu/log.h"

#endif
