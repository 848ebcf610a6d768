/*
 * Save and load of state described by VMStateDescription tables.
 *
 * Each description is written as a self-describing record:
 *     u32 magic "MVS1" | u16 name length | name | u32 version | u32 payload length
 *     | payload
 * and the payload holds the fields the writer's version has, in table order,
 * little-endian (bools as one byte 0/1, timers as their int64 expiry or -1,
 * nested structs as nested records). A load first walks the whole record without
 * touching the object (checking names, versions, lengths and values), then walks
 * it again to apply it, so a truncated or foreign buffer leaves the object as it
 * was. Fields newer than the stream's version keep their current values.
 */
#include "qemu/osdep.h"
#include "migration/vmstate.h"
#include "qemu/timer.h"

#define VMSTATE_MAGIC 0x3153564dU    /* "MVS1" little-endian */

/* ---- save ---- */


static void vmstate_put_le(GByteArray *out, uint64_t v, unsigned size)
{
    uint8_t b[8];

    for (unsigned i = 0; i < size; i++) {
        b[i] = v >> (i * 8);
    }
    g_byte_array_append(out, b, size);
}

static unsigned vmstate_scalar_size(VMStateType t)
{
    switch (t) {
    case VMS_UINT8:
    case VMS_BOOL:
        return 1;
    case VMS_UINT16:
        return 2;
    case VMS_UINT32:
    case VMS_INT32:
        return 4;
    case VMS_UINT64:
    case VMS_INT64:
        return 8;
    default:
        return 0;
    }
}

static uint64_t vmstate_get_scalar(const void *p, VMStateType t)
{
    switch (t) {
    case VMS_UINT8:
        return *(const uint8_t *)p;
    case VMS_BOOL:
        return *(const bool *)p ? 1 : 0;
    case VMS_UINT16:
        return *(const uint16_t *)p;
    case VMS_UINT32:
        return *(const uint32_t *)p;
    case VMS_INT32:
        return (uint32_t)*(const int32_t *)p;
    case VMS_UINT64:
        return *(const uint64_t *)p;
    case VMS_INT64:
        return (uint64_t)*(const int64_t *)p;
    default:
        assert(0);
        return 0;
    }
}

static void vmstate_set_scalar(void *p, VMStateType t, uint64_t v)
{
    switch (t) {
    case VMS_UINT8:
        *(uint8_t *)p = v;
        break;
    case VMS_BOOL:
        *(bool *)p = v != 0;
        break;
    case VMS_UINT16:
        *(uint16_t *)p = v;
        break;
    case VMS_UINT32:
        *(uint32_t *)p = v;
        break;
    case VMS_INT32:
        *(int32_t *)p = (int32_t)(uint32_t)v;
        break;
    case VMS_UINT64:
        *(uint64_t *)p = v;
        break;
    case VMS_INT64:
        *(int64_t *)p = (int64_t)v;
        break;
    default:
        assert(0);
    }
}

static Timer *vmstate_field_timer(void *elem, VMStateType t)
{
    return t == VMS_TIMER ? *(Timer **)elem : (Timer *)elem;
}

void vmstate_save(const VMStateDescription *vmsd, void *opaque, GByteArray *out)
{
    size_t name_len = strlen(vmsd->name);
    guint len_pos;

    if (vmsd->pre_save) {
        vmsd->pre_save(opaque);
    }
    vmstate_put_le(out, VMSTATE_MAGIC, 4);
    vmstate_put_le(out, name_len, 2);
    g_byte_array_append(out, (const guint8 *)vmsd->name, name_len);
    vmstate_put_le(out, (uint32_t)vmsd->version_id, 4);
    len_pos = out->len;
    vmstate_put_le(out, 0, 4);   /* payload length, patched below */

    for (const VMStateField *f = vmsd->fields; f && f->type != VMS_END; f++) {
        if (f->version_id > vmsd->version_id) {
            continue;
        }
        for (unsigned i = 0; i < f->count; i++) {
            void *elem = (uint8_t *)opaque + f->offset + (size_t)i * f->size;

            switch (f->type) {
            case VMS_BUFFER:
                g_byte_array_append(out, elem, f->size);
                break;
            case VMS_STRUCT:
                vmstate_save(f->vmsd, elem, out);
                break;
            case VMS_TIMER:
            case VMS_TIMER_INLINE: {
                Timer *t = vmstate_field_timer(elem, f->type);

                vmstate_put_le(out, (uint64_t)(t ? timer_expire_time_ns(t) : -1), 8);
                break;
            }
            default:
                assert(vmstate_scalar_size(f->type) == f->size);
                vmstate_put_le(out, vmstate_get_scalar(elem, f->type), f->size);
                break;
            }
        }
    }
    {
        uint32_t payload = out->len - len_pos - 4;

        for (int i = 0; i < 4; i++) {
            out->data[len_pos + i] = payload >> (i * 8);
        }
    }
}

/* ---- load ---- */

typedef struct VMReader {
    const uint8_t *buf;
    size_t len, pos;
} VMReader;

static bool vmstate_get_le(VMReader *r, unsigned size, uint64_t *v)
{
    uint64_t x = 0;

    if (r->len - r->pos < size) {
        return false;
    }
    for (unsigned i = 0; i < size; i++) {
        x |= (uint64_t)r->buf[r->pos + i] << (i * 8);
    }
    r->pos += size;
    *v = x;
    return true;
}

/*
 * Walk one record. With apply false nothing is written (validation pass); with
 * apply true the record is known good and is written into opaque.
 */
static int vmstate_walk(const VMStateDescription *vmsd, void *opaque, VMReader *r,
                        bool apply, GError **errp)
{
    uint64_t magic, name_len, version, payload_len;
    VMReader p;
    int ret;

    if (!vmstate_get_le(r, 4, &magic) || !vmstate_get_le(r, 2, &name_len)) {
        error_setg(errp, "vmstate %s: truncated record header", vmsd->name);
        return -EINVAL;
    }
    if (magic != VMSTATE_MAGIC) {
        error_setg(errp, "vmstate %s: not a state record (bad magic)", vmsd->name);
        return -EINVAL;
    }
    if (r->len - r->pos < name_len) {
        error_setg(errp, "vmstate %s: truncated record name", vmsd->name);
        return -EINVAL;
    }
    if (name_len != strlen(vmsd->name) ||
        memcmp(r->buf + r->pos, vmsd->name, name_len) != 0) {
        error_setg(errp, "vmstate: expected state of '%s', found '%.*s'", vmsd->name,
                   (int)name_len, (const char *)r->buf + r->pos);
        return -EINVAL;
    }
    r->pos += name_len;
    if (!vmstate_get_le(r, 4, &version) || !vmstate_get_le(r, 4, &payload_len)) {
        error_setg(errp, "vmstate %s: truncated record header", vmsd->name);
        return -EINVAL;
    }
    if ((int64_t)version > vmsd->version_id) {
        error_setg(errp, "vmstate %s: version %" PRIu64 " is newer than this build "
                   "understands (%d)", vmsd->name, version, vmsd->version_id);
        return -EINVAL;
    }
    if ((int64_t)version < vmsd->minimum_version_id) {
        error_setg(errp, "vmstate %s: version %" PRIu64 " is too old (minimum %d)",
                   vmsd->name, version, vmsd->minimum_version_id);
        return -EINVAL;
    }
    if (r->len - r->pos < payload_len) {
        error_setg(errp, "vmstate %s: truncated (%" PRIu64 " bytes of state, %zu "
                   "left)", vmsd->name, payload_len, r->len - r->pos);
        return -EINVAL;
    }
    p.buf = r->buf + r->pos;
    p.len = payload_len;
    p.pos = 0;

    for (const VMStateField *f = vmsd->fields; f && f->type != VMS_END; f++) {
        if (f->version_id > (int)version) {
            continue;   /* not in a stream this old: keep the current value */
        }
        for (unsigned i = 0; i < f->count; i++) {
            void *elem = (uint8_t *)opaque + f->offset + (size_t)i * f->size;
            uint64_t v;

            switch (f->type) {
            case VMS_BUFFER:
                if (p.len - p.pos < f->size) {
                    goto short_payload;
                }
                if (apply) {
                    memcpy(elem, p.buf + p.pos, f->size);
                }
                p.pos += f->size;
                break;
            case VMS_STRUCT:
                ret = vmstate_walk(f->vmsd, elem, &p, apply, errp);
                if (ret < 0) {
                    g_prefix_error(errp, "%s.%s[%u]: ", vmsd->name, f->name, i);
                    return ret;
                }
                break;
            case VMS_TIMER:
            case VMS_TIMER_INLINE: {
                Timer *t = vmstate_field_timer(elem, f->type);

                if (!vmstate_get_le(&p, 8, &v)) {
                    goto short_payload;
                }
                if ((int64_t)v < -1) {
                    error_setg(errp, "vmstate %s.%s: bad timer expiry %" PRId64,
                               vmsd->name, f->name, (int64_t)v);
                    return -EINVAL;
                }
                if (apply && t) {
                    if ((int64_t)v < 0) {
                        timer_del(t);
                    } else {
                        timer_mod(t, (int64_t)v);
                    }
                }
                break;
            }
            default:
                if (!vmstate_get_le(&p, f->size, &v)) {
                    goto short_payload;
                }
                if (f->type == VMS_BOOL && v > 1) {
                    error_setg(errp, "vmstate %s.%s: bad boolean value %" PRIu64,
                               vmsd->name, f->name, v);
                    return -EINVAL;
                }
                if (apply) {
                    vmstate_set_scalar(elem, f->type, v);
                }
                break;
            }
        }
    }
    if (p.pos != p.len) {
        error_setg(errp, "vmstate %s: %zu unexpected bytes after the fields of "
                   "version %" PRIu64, vmsd->name, p.len - p.pos, version);
        return -EINVAL;
    }
    r->pos += payload_len;
    if (apply && vmsd->post_load) {
        ret = vmsd->post_load(opaque, (int)version);
        if (ret < 0) {
            error_setg(errp, "vmstate %s: post_load failed: %s", vmsd->name,
                       g_strerror(-ret));
            return -EINVAL;
        }
    }
    return 0;

short_payload:
    error_setg(errp, "vmstate %s: state ends inside its fields (version %" PRIu64 ")",
               vmsd->name, version);
    return -EINVAL;
}

int vmstate_load(const VMStateDescription *vmsd, void *opaque, const uint8_t *buf,
                 size_t len, size_t *consumed, GError **errp)
{
    VMReader check = { buf, len, 0 };
    VMReader apply = { buf, len, 0 };
    int ret;

    ret = vmstate_walk(vmsd, opaque, &check, false, errp);
    if (ret < 0) {
        return ret;
    }
    ret = vmstate_walk(vmsd, opaque, &apply, true, errp);
    if (ret < 0) {
        return ret;
    }
    assert(apply.pos == check.pos);
    if (consumed) {
        *consumed = apply.pos;
    }
    return 0;
}
