/*
 * Block layer core: format registry, probing, opening backing chains and the
 * generic request entry points that bounds-check and dispatch to a driver.
 */
#include "qemu/osdep.h"
#include "block/block.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <linux/fs.h>

extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

static const BlockDriver *const bdrv_drivers[] = { &bdrv_qcow2, &bdrv_raw };

const BlockDriver *bdrv_find_format(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(bdrv_drivers); i++) {
        if (!strcmp(bdrv_drivers[i]->format_name, name)) {
            return bdrv_drivers[i];
        }
    }
    return NULL;
}

int bdrv_file_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes)
{
    uint8_t *p = buf;

    while (bytes) {
        ssize_t r = pread(bs->fd, p, bytes, offset);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (r == 0) {
            /* Past the end of the host file reads as zeroes. */
            memset(p, 0, bytes);
            return 0;
        }
        p += r;
        offset += r;
        bytes -= r;
    }
    return 0;
}

int bdrv_file_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf,
                     uint64_t bytes)
{
    const uint8_t *p = buf;

    while (bytes) {
        ssize_t r = pwrite(bs->fd, p, bytes, offset);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += r;
        offset += r;
        bytes -= r;
    }
    return 0;
}

int bdrv_file_flush(BlockDriverState *bs)
{
    if (bs->open_flags & BDRV_O_UNSAFE) {
        return 0;
    }
    return fdatasync(bs->fd) < 0 ? -errno : 0;
}

int64_t bdrv_file_size(BlockDriverState *bs)
{
    struct stat st;

    if (fstat(bs->fd, &st) < 0) {
        return -errno;
    }
    if (S_ISBLK(st.st_mode)) {
        uint64_t sz;
        if (ioctl(bs->fd, BLKGETSIZE64, &sz) < 0) {
            return -errno;
        }
        return sz;
    }
    return st.st_size;
}

int bdrv_file_truncate(BlockDriverState *bs, uint64_t size)
{
    return ftruncate(bs->fd, size) < 0 ? -errno : 0;
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    struct stat st;

    if (fstat(bs->fd, &st) < 0) {
        return -errno;
    }
    return (int64_t)st.st_blocks * 512;
}

char *bdrv_resolve_backing(const char *filename, const char *backing)
{
    if (backing[0] == '/' || !strchr(filename, '/')) {
        return g_strdup(backing);
    }
    g_autofree char *dir = g_path_get_dirname(filename);
    return g_build_filename(dir, backing, NULL);
}

static const BlockDriver *bdrv_probe(BlockDriverState *bs)
{
    uint8_t buf[512];
    const BlockDriver *best = &bdrv_raw;
    int best_score = 0;

    if (bdrv_file_pread(bs, 0, buf, sizeof(buf)) < 0) {
        return &bdrv_raw;
    }
    for (size_t i = 0; i < ARRAY_SIZE(bdrv_drivers); i++) {
        if (bdrv_drivers[i]->probe) {
            int s = bdrv_drivers[i]->probe(buf, sizeof(buf));
            if (s > best_score) {
                best_score = s;
                best = bdrv_drivers[i];
            }
        }
    }
    return best;
}

static BlockDriverState *bdrv_open_depth(const char *filename, const char *format,
                                         int flags, int depth, GError **errp)
{
    BlockDriverState *bs;
    const BlockDriver *drv = NULL;

    if (depth >= BDRV_MAX_CHAIN) {
        error_setg(errp, "Backing chain of '%s' is too deep or contains a loop",
                   filename);
        return NULL;
    }
    if (format && !(drv = bdrv_find_format(format))) {
        error_setg(errp, "Unknown image format '%s'", format);
        return NULL;
    }
    bs = g_new0(BlockDriverState, 1);
    bs->filename = g_strdup(filename);
    bs->open_flags = flags;
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->chain_depth = depth;
    bs->fd = open(filename, (bs->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC |
                  ((flags & BDRV_O_NOCACHE) ? O_DIRECT : 0));
    if (bs->fd < 0 && (flags & BDRV_O_NOCACHE) && errno == EINVAL) {
        bs->fd = open(filename, (bs->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    }
    if (bs->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", filename);
        g_free(bs->filename);
        g_free(bs);
        return NULL;
    }
    bs->drv = drv ? drv : bdrv_probe(bs);
    bs->opaque = g_malloc0(bs->drv->instance_size ? bs->drv->instance_size : 1);
    if (bs->drv->open(bs, flags, errp) < 0) {
        goto fail;
    }
    if (bs->backing_file[0] && !(flags & BDRV_O_NO_BACKING)) {
        GError *local = NULL;
        bs->backing_path = bdrv_resolve_backing(filename, bs->backing_file);
        /* The backing file is only ever read through this image. */
        bs->backing = bdrv_open_depth(bs->backing_path,
                                      bs->backing_format[0] ? bs->backing_format : NULL,
                                      flags & ~(BDRV_O_RDWR | BDRV_O_CHECK),
                                      depth + 1, &local);
        if (!bs->backing) {
            g_set_error(errp, MIMIC_ERROR, 0, "Could not open backing file: %s",
                        local->message);
            g_error_free(local);
            bs->drv->close(bs);
            goto fail;
        }
    } else if (bs->backing_file[0]) {
        bs->backing_path = bdrv_resolve_backing(filename, bs->backing_file);
    }
    return bs;

fail:
    close(bs->fd);
    g_free(bs->backing_path);
    g_free(bs->opaque);
    g_free(bs->filename);
    g_free(bs);
    return NULL;
}

BlockDriverState *bdrv_open(const char *filename, const char *format, int flags,
                            GError **errp)
{
    return bdrv_open_depth(filename, format, flags, 0, errp);
}

void bdrv_close(BlockDriverState *bs)
{
    if (!bs) {
        return;
    }
    if (bs->drv->close) {
        bs->drv->close(bs);
    }
    bdrv_close(bs->backing);
    close(bs->fd);
    g_free(bs->opaque);
    g_free(bs->filename);
    g_free(bs->backing_path);
    g_free(bs);
}

bool bdrv_create(const char *format, const char *filename, const BlockCreateOpts *opts,
                 GError **errp)
{
    const BlockDriver *drv = bdrv_find_format(format);

    if (!drv) {
        error_setg(errp, "Unknown file format '%s'", format);
        return false;
    }
    if (!drv->create) {
        error_setg(errp, "Format '%s' does not support image creation", format);
        return false;
    }
    return drv->create(filename, opts, errp);
}

static int bdrv_check_request(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    if (offset > bs->total_size || bytes > bs->total_size - offset) {
        return -EINVAL;
    }
    return 0;
}

int bdrv_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes)
{
    int r = bdrv_check_request(bs, offset, bytes);
    return r < 0 ? r : bs->drv->pread(bs, offset, buf, bytes);
}

int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf, uint64_t bytes)
{
    int r = bdrv_check_request(bs, offset, bytes);
    if (r < 0) {
        return r;
    }
    if (bs->read_only) {
        return -EROFS;
    }
    return bs->drv->pwrite(bs, offset, buf, bytes);
}

int bdrv_pwrite_compressed(BlockDriverState *bs, uint64_t offset, const void *buf,
                           uint64_t bytes)
{
    int r = bdrv_check_request(bs, offset, bytes);
    if (r < 0) {
        return r;
    }
    if (!bs->drv->pwrite_compressed) {
        return -ENOTSUP;
    }
    return bs->read_only ? -EROFS : bs->drv->pwrite_compressed(bs, offset, buf, bytes);
}

int64_t bdrv_compress_cluster(BlockDriverState *bs, const void *in, uint64_t bytes,
                              void *out)
{
    if (!bs->drv->compress_cluster) {
        return -ENOTSUP;
    }
    return bs->drv->compress_cluster(bs, in, bytes, out);
}

int bdrv_pwrite_precompressed(BlockDriverState *bs, uint64_t offset, const void *data,
                              uint64_t len)
{
    int r = bdrv_check_request(bs, offset, 1);
    if (r < 0) {
        return r;
    }
    if (!bs->drv->pwrite_precompressed) {
        return -ENOTSUP;
    }
    return bs->read_only ? -EROFS : bs->drv->pwrite_precompressed(bs, offset, data, len);
}

int bdrv_flush(BlockDriverState *bs)
{
    if (bs->read_only) {
        return 0;
    }
    return bs->drv->flush ? bs->drv->flush(bs) : bdrv_file_flush(bs);
}

int bdrv_discard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    int r = bdrv_check_request(bs, offset, bytes);
    if (r < 0) {
        return r;
    }
    if (bs->read_only) {
        return -EROFS;
    }
    return bs->drv->discard ? bs->drv->discard(bs, offset, bytes) : 0;
}

int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    int r = bdrv_check_request(bs, offset, bytes);
    uint8_t *zero;

    if (r < 0) {
        return r;
    }
    if (bs->read_only) {
        return -EROFS;
    }
    if (bs->drv->pwrite_zeroes) {
        r = bs->drv->pwrite_zeroes(bs, offset, bytes);
        if (r != -ENOTSUP) {
            return r;
        }
    }
    zero = g_malloc0(MIN_U(bytes, 1u << 20));
    for (r = 0; bytes && r == 0;) {
        uint64_t n = MIN_U(bytes, 1u << 20);
        r = bs->drv->pwrite(bs, offset, zero, n);
        offset += n;
        bytes -= n;
    }
    g_free(zero);
    return r;
}

int bdrv_make_empty(BlockDriverState *bs)
{
    if (bs->read_only) {
        return -EROFS;
    }
    if (!bs->drv->make_empty) {
        return -ENOTSUP;
    }
    return bs->drv->make_empty(bs);
}

int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum, uint64_t *map)
{
    int r = bdrv_check_request(bs, offset, bytes);
    if (r < 0) {
        return r;
    }
    *map = 0;
    if (!bs->drv->block_status) {
        *pnum = bytes;
        *map = offset;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET;
    }
    return bs->drv->block_status(bs, offset, bytes, pnum, map);
}

int bdrv_block_status_above(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                            uint64_t *pnum, uint64_t *map, int *depth)
{
    uint64_t n = bytes;
    int d = 0;

    for (BlockDriverState *p = bs; p; p = p->backing, d++) {
        uint64_t pn;
        int r;
        if (offset >= p->total_size) {
            /* Beyond a shorter backing file: zeroes. */
            *pnum = n;
            *depth = d;
            return BDRV_BLOCK_ZERO;
        }
        r = bdrv_block_status(p, offset, MIN_U(n, p->total_size - offset), &pn, map);
        if (r < 0) {
            return r;
        }
        n = MIN_U(n, pn);
        if (r != 0) {
            *pnum = n;
            *depth = d;
            return r;
        }
    }
    /* Allocated nowhere in the chain: reads as zeroes. */
    *pnum = n;
    *depth = d - 1;
    return 0;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    return bs->total_size;
}

void bdrv_snapshot_list_free(BlockSnapshotInfo *list, int n)
{
    for (int i = 0; i < n; i++) {
        g_free(list[i].id);
        g_free(list[i].name);
    }
    g_free(list);
}
