/*
 * Unit tests for softmmu/vmstate.c: round trips of every field type, version skew
 * in both directions, truncated and garbage buffers leaving the object untouched.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "migration/vmstate.h"
#include "qemu/timer.h"

typedef struct Inner {
    uint16_t a;
    bool flag;
} Inner;

typedef struct Dev {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int32_t i32;
    int64_t i64;
    bool b;
    uint32_t arr[3];
    uint8_t buf[5];
    Inner inner;
    Inner inners[2];
    Timer *tptr;
    Timer tinline;
    uint32_t added_v2;          /* exists since version 2 */
    int post_loads;
    int loaded_version;
} Dev;

static const VMStateDescription vmstate_inner = {
    .name = "inner",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT16(a, Inner),
        VMSTATE_BOOL(flag, Inner),
        VMSTATE_END_OF_LIST()
    },
};

static int dev_post_load(void *opaque, int version_id)
{
    Dev *d = opaque;

    d->post_loads++;
    d->loaded_version = version_id;
    return 0;
}

#define DEV_FIELDS(ver_of_added)                                  \
    VMSTATE_UINT8(u8, Dev),                                       \
    VMSTATE_UINT16(u16, Dev),                                     \
    VMSTATE_UINT32(u32, Dev),                                     \
    VMSTATE_UINT64(u64, Dev),                                     \
    VMSTATE_INT32(i32, Dev),                                      \
    VMSTATE_INT64(i64, Dev),                                      \
    VMSTATE_BOOL(b, Dev),                                         \
    VMSTATE_UINT32_ARRAY(arr, Dev, 3),                            \
    VMSTATE_BUFFER(buf, Dev),                                     \
    VMSTATE_STRUCT(inner, Dev, vmstate_inner, Inner),             \
    VMSTATE_STRUCT_ARRAY(inners, Dev, 2, vmstate_inner, Inner),   \
    VMSTATE_TIMER_PTR(tptr, Dev),                                 \
    VMSTATE_TIMER(tinline, Dev),                                  \
    VMSTATE_UINT32_V(added_v2, Dev, ver_of_added),                \
    VMSTATE_END_OF_LIST()

static const VMStateDescription vmstate_dev_v2 = {
    .name = "dev", .version_id = 2, .minimum_version_id = 1,
    .post_load = dev_post_load,
    .fields = (const VMStateField[]) { DEV_FIELDS(2) },
};
/* The same device as an older build saw it. */
static const VMStateDescription vmstate_dev_v1 = {
    .name = "dev", .version_id = 1, .minimum_version_id = 1,
    .post_load = dev_post_load,
    .fields = (const VMStateField[]) { DEV_FIELDS(2) },
};
/* A newer build that dropped support for version 1 streams. */
static const VMStateDescription vmstate_dev_v3_min2 = {
    .name = "dev", .version_id = 3, .minimum_version_id = 2,
    .post_load = dev_post_load,
    .fields = (const VMStateField[]) { DEV_FIELDS(2) },
};
static const VMStateDescription vmstate_other = {
    .name = "other", .version_id = 2, .minimum_version_id = 1,
    .fields = (const VMStateField[]) { DEV_FIELDS(2) },
};

static void timer_cb(void *opaque)
{
}

static void dev_init(Dev *d)
{
    memset(d, 0, sizeof(*d));
    d->tptr = timer_new_ns(CLOCK_VIRTUAL, timer_cb, d);
    timer_init_ns(&d->tinline, CLOCK_VIRTUAL, timer_cb, d);
}

static void dev_fill(Dev *d)
{
    d->u8 = 0xab;
    d->u16 = 0xbeef;
    d->u32 = 0xdeadbeef;
    d->u64 = 0x0123456789abcdefULL;
    d->i32 = -5;
    d->i64 = -1234567890123LL;
    d->b = true;
    d->arr[0] = 1;
    d->arr[1] = 2;
    d->arr[2] = 0xffffffff;
    memcpy(d->buf, "hello", 5);
    d->inner.a = 7;
    d->inner.flag = true;
    d->inners[1].a = 9;
    d->added_v2 = 0x22;
    timer_mod(d->tptr, 1000000);
    /* tinline stays not pending */
}

/* Compare the saved fields (not the bookkeeping counters or timer links). */
static void assert_same_fields(const Dev *a, const Dev *b)
{
    cr_assert_eq(a->u8, b->u8);
    cr_assert_eq(a->u16, b->u16);
    cr_assert_eq(a->u32, b->u32);
    cr_assert_eq(a->u64, b->u64);
    cr_assert_eq(a->i32, b->i32);
    cr_assert_eq(a->i64, b->i64);
    cr_assert_eq(a->b, b->b);
    cr_assert_arr_eq(a->arr, b->arr, sizeof(a->arr));
    cr_assert_arr_eq(a->buf, b->buf, sizeof(a->buf));
    cr_assert_eq(a->inner.a, b->inner.a);
    cr_assert_eq(a->inner.flag, b->inner.flag);
    cr_assert_eq(a->inners[1].a, b->inners[1].a);
    cr_assert_eq(a->added_v2, b->added_v2);
    cr_assert_eq(timer_expire_time_ns(a->tptr), timer_expire_time_ns(b->tptr));
    cr_assert_eq(timer_expire_time_ns(&a->tinline), timer_expire_time_ns(&b->tinline));
}

Test(vmstate, round_trip_all_types)
{
    Dev src, dst;
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;
    size_t used = 0;

    dev_init(&src);
    dev_init(&dst);
    dev_fill(&src);
    timer_mod(&dst.tinline, 555);   /* must be cancelled by the load */
    vmstate_save(&vmstate_dev_v2, &src, out);
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, out->data, out->len, &used, &err),
                 0, "%s", err ? err->message : "");
    cr_assert_eq(used, out->len);
    assert_same_fields(&src, &dst);
    cr_assert_eq(dst.post_loads, 1);
    cr_assert_eq(dst.loaded_version, 2);
    cr_assert(timer_pending(dst.tptr));
    cr_assert_not(timer_pending(&dst.tinline));
    g_byte_array_free(out, true);
}

Test(vmstate, consecutive_records)
{
    Dev a, b, ra, rb;
    GByteArray *out = g_byte_array_new();
    size_t used;

    dev_init(&a);
    dev_init(&b);
    dev_init(&ra);
    dev_init(&rb);
    dev_fill(&a);
    b.u32 = 77;
    vmstate_save(&vmstate_dev_v2, &a, out);
    vmstate_save(&vmstate_dev_v2, &b, out);
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &ra, out->data, out->len, &used, NULL), 0);
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &rb, out->data + used, out->len - used,
                              NULL, NULL), 0);
    cr_assert_eq(ra.u32, a.u32);
    cr_assert_eq(rb.u32, 77);
    g_byte_array_free(out, true);
}

Test(vmstate, old_stream_keeps_newer_fields)
{
    Dev src, dst;
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    dev_init(&src);
    dev_init(&dst);
    dev_fill(&src);
    dst.added_v2 = 0x5555;
    vmstate_save(&vmstate_dev_v1, &src, out);   /* an old build: no added_v2 */
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, out->data, out->len, NULL, &err), 0,
                 "%s", err ? err->message : "");
    cr_assert_eq(dst.u64, src.u64);
    cr_assert_eq(dst.added_v2, 0x5555, "field newer than the stream keeps its value");
    cr_assert_eq(dst.loaded_version, 1);
    g_byte_array_free(out, true);
}

Test(vmstate, newer_stream_refused)
{
    Dev src, dst, before;
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    dev_init(&src);
    dev_init(&dst);
    dev_fill(&src);
    before = dst;
    vmstate_save(&vmstate_dev_v3_min2, &src, out);
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, out->data, out->len, NULL, &err),
                 -EINVAL);
    cr_assert_not_null(err);
    cr_assert_not_null(strstr(err->message, "newer"), "%s", err->message);
    cr_assert_arr_eq(&dst, &before, sizeof(dst));
    g_error_free(err);
    g_byte_array_free(out, true);
}

Test(vmstate, below_minimum_version_refused)
{
    Dev src, dst;
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    dev_init(&src);
    dev_init(&dst);
    vmstate_save(&vmstate_dev_v1, &src, out);
    cr_assert_eq(vmstate_load(&vmstate_dev_v3_min2, &dst, out->data, out->len, NULL,
                              &err), -EINVAL);
    cr_assert_not_null(strstr(err->message, "too old"), "%s", err->message);
    cr_assert_eq(dst.post_loads, 0);
    g_error_free(err);
    g_byte_array_free(out, true);
}

Test(vmstate, wrong_name_refused)
{
    Dev src, dst, before;
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    dev_init(&src);
    dev_init(&dst);
    dev_fill(&src);
    before = dst;
    vmstate_save(&vmstate_other, &src, out);
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, out->data, out->len, NULL, &err),
                 -EINVAL);
    cr_assert_not_null(strstr(err->message, "other"), "%s", err->message);
    cr_assert_arr_eq(&dst, &before, sizeof(dst));
    g_error_free(err);
    g_byte_array_free(out, true);
}

Test(vmstate, every_truncation_refused_and_object_unchanged)
{
    Dev src, dst, before;
    GByteArray *out = g_byte_array_new();

    dev_init(&src);
    dev_init(&dst);
    dev_fill(&src);
    dst.u32 = 0x600d;
    timer_mod(&dst.tinline, 777);
    before = dst;
    vmstate_save(&vmstate_dev_v2, &src, out);
    for (size_t len = 0; len < out->len; len++) {
        GError *err = NULL;

        cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, out->data, len, NULL, &err),
                     -EINVAL, "length %zu accepted", len);
        cr_assert_not_null(err);
        g_error_free(err);
        cr_assert_arr_eq(&dst, &before, sizeof(dst), "object changed at length %zu", len);
        cr_assert_eq(timer_expire_time_ns(&dst.tinline), 777);
    }
    g_byte_array_free(out, true);
}

Test(vmstate, garbage_refused)
{
    Dev dst, before;
    uint8_t junk[256];
    GRand *rng = g_rand_new_with_seed(1234);

    dev_init(&dst);
    before = dst;
    for (int round = 0; round < 200; round++) {
        GError *err = NULL;

        for (size_t i = 0; i < sizeof(junk); i++) {
            junk[i] = g_rand_int(rng);
        }
        cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, junk, sizeof(junk), NULL, &err),
                     -EINVAL);
        g_clear_error(&err);
    }
    cr_assert_arr_eq(&dst, &before, sizeof(dst));
    g_rand_free(rng);
}

Test(vmstate, corrupted_payload_detected)
{
    Dev src, dst, before;
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;
    size_t bool_pos;

    dev_init(&src);
    dev_init(&dst);
    dev_fill(&src);
    before = dst;
    vmstate_save(&vmstate_dev_v2, &src, out);
    /* header: 4 magic + 2 len + 3 "dev" + 4 version + 4 length; then
     * u8 u16 u32 u64 i32 i64 = 1+2+4+8+4+8 = 27 bytes before the bool. */
    bool_pos = 4 + 2 + 3 + 4 + 4 + 27;
    cr_assert_eq(out->data[bool_pos], 1);
    out->data[bool_pos] = 7;
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, out->data, out->len, NULL, &err),
                 -EINVAL);
    cr_assert_not_null(strstr(err->message, "boolean"), "%s", err->message);
    cr_assert_arr_eq(&dst, &before, sizeof(dst));
    g_error_free(err);
    /* A payload longer than the fields is as suspicious as a shorter one. */
    out->data[bool_pos] = 1;
    out->data[4 + 2 + 3 + 4] += 1;
    g_byte_array_append(out, (const guint8 *)"x", 1);
    cr_assert_eq(vmstate_load(&vmstate_dev_v2, &dst, out->data, out->len, NULL, NULL),
                 -EINVAL);
    g_byte_array_free(out, true);
}
