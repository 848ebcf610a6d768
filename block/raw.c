/*
 * raw format: the image is the disk, byte for byte, in a host file or a host
 * block device. Sparse files keep holes; block status reports holes found
 * with SEEK_DATA/SEEK_HOLE so convert and map skip them.
 */
#include "qemu/osdep.h"
#include "block/block.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

static int raw_open(BlockDriverState *bs, int flags, GError **errp)
{
    int64_t len = bdrv_file_size(bs);

    if (len < 0) {
        error_setg_errno(errp, -len, "Could not get size of '%s'", bs->filename);
        return len;
    }
    bs->total_size = len;
    return 0;
}

static void raw_close(BlockDriverState *bs)
{
}

static int raw_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes)
{
    return bdrv_file_pread(bs, offset, buf, bytes);
}

static int raw_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf,
                      uint64_t bytes)
{
    return bdrv_file_pwrite(bs, offset, buf, bytes);
}

static int raw_discard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    /* Punching a hole is an optimisation; a file system without it is fine. */
    if (fallocate(bs->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes) < 0
        && errno != EOPNOTSUPP) {
        return -errno;
    }
    return 0;
}

static int raw_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    struct stat st;

    /* A hole in a regular file reads as zeroes; elsewhere, write them. */
    if (fstat(bs->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        fallocate(bs->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, bytes) < 0) {
        return -ENOTSUP;
    }
    return 0;
}

static int raw_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                            uint64_t *pnum, uint64_t *map)
{
    off_t data = lseek(bs->fd, offset, SEEK_DATA);

    *map = offset;
    if (data < 0) {
        if (errno == ENXIO) {
            /* Only a hole up to the end of the file. */
            *pnum = bytes;
            return BDRV_BLOCK_ZERO;
        }
        *pnum = bytes;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET;
    }
    if ((uint64_t)data > offset) {
        *pnum = MIN_U(bytes, (uint64_t)data - offset);
        return BDRV_BLOCK_ZERO;
    }
    off_t hole = lseek(bs->fd, offset, SEEK_HOLE);
    if (hole < 0 || (uint64_t)hole <= offset) {
        *pnum = bytes;
    } else {
        *pnum = MIN_U(bytes, (uint64_t)hole - offset);
    }
    return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET;
}

static bool raw_create(const char *filename, const BlockCreateOpts *opts, GError **errp)
{
    int fd;

    if (opts->backing_file) {
        error_setg(errp, "Backing file not supported for file format 'raw'");
        return false;
    }
    fd = open(filename, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not create '%s'", filename);
        return false;
    }
    if (ftruncate(fd, opts->size) < 0) {
        error_setg_errno(errp, errno, "Could not resize '%s'", filename);
        close(fd);
        return false;
    }
    close(fd);
    return true;
}

static int raw_truncate(BlockDriverState *bs, uint64_t size, GError **errp)
{
    int r = bdrv_file_truncate(bs, size);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not resize '%s'", bs->filename);
        return r;
    }
    bs->total_size = size;
    return 0;
}

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .instance_size = 0,
    .probe = NULL,
    .open = raw_open,
    .close = raw_close,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .discard = raw_discard,
    .pwrite_zeroes = raw_pwrite_zeroes,
    .block_status = raw_block_status,
    .create = raw_create,
    .truncate = raw_truncate,
};
