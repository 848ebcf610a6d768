/*
 * Declarative, versioned state descriptions for save/restore. Each device and CPU has
 * one VMStateDescription; savevm/loadvm walk the tables (no hand-written save/load).
 */
#ifndef MIGRATION_VMSTATE_H
#define MIGRATION_VMSTATE_H

#include "qemu/osdep.h"

typedef enum VMStateType {
    VMS_END = 0,
    VMS_UINT8,
    VMS_UINT16,
    VMS_UINT32,
    VMS_UINT64,
    VMS_INT32,
    VMS_INT64,
    VMS_BOOL,
    VMS_BUFFER,        /* raw bytes of a fixed size */
    VMS_STRUCT,        /* nested description */
    VMS_TIMER,         /* a Timer *: its expiry (or -1) */
    VMS_TIMER_INLINE,  /* an embedded Timer */
} VMStateType;

struct VMStateDescription;

typedef struct VMStateField {
    const char *name;
    VMStateType type;
    size_t offset;
    size_t size;                /* element size (BUFFER: total bytes) */
    unsigned count;             /* array length (1 for scalars) */
    int version_id;             /* field exists since this version */
    const struct VMStateDescription *vmsd;   /* VMS_STRUCT */
} VMStateField;

typedef struct VMStateDescription {
    const char *name;
    int version_id;
    int minimum_version_id;
    int (*pre_save)(void *opaque);
    /* Rebuild derived state (IRQ levels, timers, TLBs). Return 0 or -errno. */
    int (*post_load)(void *opaque, int version_id);
    const VMStateField *fields;
} VMStateDescription;

#define VMSTATE_SCALAR_V(f, S, t, ty, v) \
    { .name = #f, .type = (t), .offset = offsetof(S, f), .size = sizeof(ty), \
      .count = 1, .version_id = (v) }
#define VMSTATE_ARRAY_V(f, S, n, t, ty, v) \
    { .name = #f, .type = (t), .offset = offsetof(S, f), .size = sizeof(ty), \
      .count = (n), .version_id = (v) }

#define VMSTATE_UINT8_V(f, S, v)  VMSTATE_SCALAR_V(f, S, VMS_UINT8, uint8_t, v)
#define VMSTATE_UINT16_V(f, S, v) VMSTATE_SCALAR_V(f, S, VMS_UINT16, uint16_t, v)
#define VMSTATE_UINT32_V(f, S, v) VMSTATE_SCALAR_V(f, S, VMS_UINT32, uint32_t, v)
#define VMSTATE_UINT64_V(f, S, v) VMSTATE_SCALAR_V(f, S, VMS_UINT64, uint64_t, v)
#define VMSTATE_INT32_V(f, S, v)  VMSTATE_SCALAR_V(f, S, VMS_INT32, int32_t, v)
#define VMSTATE_INT64_V(f, S, v)  VMSTATE_SCALAR_V(f, S, VMS_INT64, int64_t, v)
#define VMSTATE_BOOL_V(f, S, v)   VMSTATE_SCALAR_V(f, S, VMS_BOOL, bool, v)
#define VMSTATE_UINT8(f, S)  VMSTATE_UINT8_V(f, S, 0)
#define VMSTATE_UINT16(f, S) VMSTATE_UINT16_V(f, S, 0)
#define VMSTATE_UINT32(f, S) VMSTATE_UINT32_V(f, S, 0)
#define VMSTATE_UINT64(f, S) VMSTATE_UINT64_V(f, S, 0)
#define VMSTATE_INT32(f, S)  VMSTATE_INT32_V(f, S, 0)
#define VMSTATE_INT64(f, S)  VMSTATE_INT64_V(f, S, 0)
#define VMSTATE_BOOL(f, S)   VMSTATE_BOOL_V(f, S, 0)
#define VMSTATE_UINT8_ARRAY(f, S, n)  VMSTATE_ARRAY_V(f, S, n, VMS_UINT8, uint8_t, 0)
#define VMSTATE_UINT16_ARRAY(f, S, n) VMSTATE_ARRAY_V(f, S, n, VMS_UINT16, uint16_t, 0)
#define VMSTATE_UINT32_ARRAY(f, S, n) VMSTATE_ARRAY_V(f, S, n, VMS_UINT32, uint32_t, 0)
#define VMSTATE_UINT64_ARRAY(f, S, n) VMSTATE_ARRAY_V(f, S, n, VMS_UINT64, uint64_t, 0)
#define VMSTATE_INT32_ARRAY(f, S, n)  VMSTATE_ARRAY_V(f, S, n, VMS_INT32, int32_t, 0)
#define VMSTATE_BOOL_ARRAY(f, S, n)   VMSTATE_ARRAY_V(f, S, n, VMS_BOOL, bool, 0)
#define VMSTATE_BUFFER(f, S) \
    { .name = #f, .type = VMS_BUFFER, .offset = offsetof(S, f), \
      .size = sizeof(((S *)0)->f), .count = 1 }
#define VMSTATE_STRUCT(f, S, desc, T) \
    { .name = #f, .type = VMS_STRUCT, .offset = offsetof(S, f), .size = sizeof(T), \
      .count = 1, .vmsd = &(desc) }
#define VMSTATE_STRUCT_ARRAY(f, S, n, desc, T) \
    { .name = #f, .type = VMS_STRUCT, .offset = offsetof(S, f), .size = sizeof(T), \
      .count = (n), .vmsd = &(desc) }
#define VMSTATE_TIMER_PTR(f, S) \
    { .name = #f, .type = VMS_TIMER, .offset = offsetof(S, f), .size = sizeof(void *), \
      .count = 1 }
#define VMSTATE_TIMER(f, S) \
    { .name = #f, .type = VMS_TIMER_INLINE, .offset = offsetof(S, f), \
      .size = sizeof(((S *)0)->f), .count = 1 }
#define VMSTATE_END_OF_LIST() { .name = NULL, .type = VMS_END }

/* Serialise opaque by vmsd into out (appends); load from a buffer. */
void vmstate_save(const VMStateDescription *vmsd, void *opaque, GByteArray *out);
/* Returns 0 or -EINVAL with errp set (truncated, wrong name/version). On failure the
 * object is left unchanged (the whole record is checked before anything is written;
 * only a failing post_load can leave it partly loaded). *consumed (may be NULL) gets
 * the record's length, so several records can follow each other in one buffer. */
int vmstate_load(const VMStateDescription *vmsd, void *opaque, const uint8_t *buf,
                 size_t len, size_t *consumed, GError **errp);

#endif
