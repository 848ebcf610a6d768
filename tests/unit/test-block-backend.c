/*
 * Unit tests for block/block-backend.c and block/block.c: probing, the
 * snapshot=on overlay (guest writes never reach the image), read-only
 * drives, cache modes, callback requests with scatter/gather, removable
 * media change/eject, bounds checks, and raw block status over holes.
 */
#include "qemu/osdep.h"
#include "block/block-backend.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include <fcntl.h>

static char path[64];

static void setup(void)
{
    uint8_t buf[8192];
    int fd;

    snprintf(path, sizeof(path), "/tmp/mimic-blk-XXXXXX");
    fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    memset(buf, 0xab, sizeof(buf));
    cr_assert_eq(pwrite(fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
    /* A hole, then data again at 1 MiB. */
    cr_assert_eq(pwrite(fd, buf, sizeof(buf), 1 << 20), (ssize_t)sizeof(buf));
    close(fd);
}

static void teardown(void)
{
    unlink(path);
}

TestSuite(block_backend, .init = setup, .fini = teardown);

static BlockBackend *open_blk(BlockBackendOpts o)
{
    GError *err = NULL;
    BlockBackend *blk;

    o.file = path;
    blk = blk_new_open(&o, &err);
    cr_assert_not_null(blk, "%s", err ? err->message : "");
    return blk;
}

Test(block_backend, probe_raw_and_bounds)
{
    BlockBackend *blk = open_blk((BlockBackendOpts){ .id = "d0" });
    uint8_t b[16];

    cr_assert_str_eq(blk_bs(blk)->drv->format_name, "raw");
    cr_assert_eq(blk_getlength(blk), (1 << 20) + 8192);
    cr_assert_eq(blk_pread(blk, blk_getlength(blk) - 8, b, 16), -EINVAL);
    cr_assert_eq(blk_pread(blk, UINT64_MAX - 4, b, 16), -EINVAL);
    blk_unref(blk);
}

Test(block_backend, snapshot_on_keeps_the_image)
{
    BlockBackend *blk = open_blk((BlockBackendOpts){ .id = "d0", .snapshot = true });
    uint8_t b[512], c[512];
    int fd;

    memset(b, 0x11, sizeof(b));
    cr_assert_eq(blk_pwrite(blk, 100, b, sizeof(b)), 0);
    cr_assert_eq(blk_pread(blk, 100, c, sizeof(c)), 0);
    cr_assert_eq(memcmp(b, c, sizeof(b)), 0, "the guest sees its write");
    cr_assert_str_eq(blk_bs(blk)->drv->format_name, "qcow2");
    blk_unref(blk);
    fd = open(path, O_RDONLY);
    cr_assert_eq(pread(fd, c, sizeof(c), 100), (ssize_t)sizeof(c));
    close(fd);
    for (size_t i = 0; i < sizeof(c); i++) {
        cr_assert_eq(c[i], 0xab, "the image is untouched");
    }
}

Test(block_backend, read_only_and_cache_modes)
{
    BlockBackend *blk = open_blk((BlockBackendOpts){ .id = "d0", .read_only = true });
    GError *err = NULL;
    uint8_t b[512] = { 0 };

    cr_assert(blk_is_read_only(blk));
    cr_assert_eq(blk_pwrite(blk, 0, b, sizeof(b)), -EROFS);
    blk_unref(blk);
    blk = open_blk((BlockBackendOpts){ .id = "d0", .cache = "writethrough" });
    cr_assert(blk_write_through(blk));
    cr_assert_eq(blk_pwrite(blk, 0, b, sizeof(b)), 0);
    blk_unref(blk);
    blk = open_blk((BlockBackendOpts){ .id = "d0", .cache = "none" });
    cr_assert_eq(blk_flush(blk), 0);
    blk_unref(blk);
    cr_assert_null(blk_new_open(&(BlockBackendOpts){ .file = path, .cache = "bogus" }, &err));
    cr_assert_not_null(strstr(err->message, "bogus"));
    g_error_free(err);
}

static int cb_ret = 1;

static void done_cb(void *opaque, int ret)
{
    cb_ret = ret;
    *(int *)opaque += 1;
}

Test(block_backend, aio_scatter_gather)
{
    BlockBackend *blk = open_blk((BlockBackendOpts){ .id = "d0" });
    uint8_t a[100], b[412], r[512];
    struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
    int calls = 0;

    memset(a, 1, sizeof(a));
    memset(b, 2, sizeof(b));
    blk_aio_pwritev(blk, 4096, iov, 2, done_cb, &calls);
    cr_assert_eq(calls, 1);
    cr_assert_eq(cb_ret, 0);
    cr_assert_eq(blk_pread(blk, 4096, r, 512), 0);
    cr_assert_eq(r[99], 1);
    cr_assert_eq(r[100], 2);
    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));
    blk_aio_preadv(blk, 4096, iov, 2, done_cb, &calls);
    cr_assert_eq(calls, 2);
    cr_assert_eq(a[0], 1);
    cr_assert_eq(b[411], 2);
    blk_aio_flush(blk, done_cb, &calls);
    cr_assert_eq(cb_ret, 0);
    blk_unref(blk);
}

static int changes;

static void change_cb(void *opaque, bool load)
{
    changes += load ? 10 : 1;
}

Test(block_backend, removable_media)
{
    GError *err = NULL;
    BlockBackend *blk = blk_new_open(&(BlockBackendOpts){ .id = "cd0", .removable = true,
                                                         .read_only = true }, &err);
    uint8_t b[16];

    cr_assert_not_null(blk);
    cr_assert_not(blk_is_inserted(blk));
    cr_assert_eq(blk_by_name("cd0"), blk);
    cr_assert_null(blk_by_name("nope"));
    cr_assert_eq(blk_pread(blk, 0, b, 16), -ENOMEDIUM);
    blk_set_change_cb(blk, change_cb, NULL);
    cr_assert(blk_change_media(blk, path, "raw", &err));
    cr_assert(blk_is_inserted(blk));
    cr_assert_eq(blk_pread(blk, 0, b, 16), 0);
    cr_assert_eq(b[0], 0xab);
    cr_assert(blk_eject(blk, false, &err));
    cr_assert_eq(changes, 11);
    cr_assert_not(blk_change_media(blk, "/nonexistent/x.iso", NULL, &err));
    g_clear_error(&err);
    blk_unref(blk);
}

Test(block_backend, raw_block_status_sees_holes)
{
    BlockDriverState *bs = bdrv_open(path, "raw", 0, NULL);
    uint64_t pnum, map;
    int depth;

    cr_assert_not_null(bs);
    cr_assert_eq(bdrv_block_status_above(bs, 0, bs->total_size, &pnum, &map, &depth),
                 BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET);
    cr_assert_geq(pnum, 8192);
    int st = bdrv_block_status(bs, 64 * 1024, 64 * 1024, &pnum, &map);
    /* tmpfs and most file systems report the hole; any answer must be consistent. */
    cr_assert(st == BDRV_BLOCK_ZERO || st == (BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET));
    bdrv_close(bs);
}
