/*
 * BlockBackend: what a guest disk device (IDE, virtio-blk) or mimic-img
 * holds. It owns the top of a BDS chain, knows the drive's id, read-only
 * and removable-media state, and offers request functions in two shapes:
 * plain calls returning 0/-errno, and callback ("aio") calls that report
 * completion through a BlockCompletionFunc. Today the callback runs before
 * blk_aio_* returns; devices must not rely on that, so a threaded back end
 * can complete later without touching them.
 */
#ifndef MIMIC_BLOCK_BACKEND_H
#define MIMIC_BLOCK_BACKEND_H

#include "block/block.h"
#include <sys/uio.h>

typedef struct BlockBackend BlockBackend;
typedef void BlockCompletionFunc(void *opaque, int ret);

typedef struct BlockBackendOpts {
    const char *file;       /* NULL or "" = no medium (empty CD-ROM) */
    const char *format;     /* NULL = probe */
    const char *id;
    const char *cache;      /* writeback (default), none, writethrough, unsafe, directsync */
    bool read_only;
    bool snapshot;          /* writes go to a temporary overlay, discarded at exit */
    bool removable;         /* CD-ROM: media can be changed and ejected */
} BlockBackendOpts;

BlockBackend *blk_new_open(const BlockBackendOpts *opts, GError **errp);
void blk_unref(BlockBackend *blk);

const char *blk_name(BlockBackend *blk);
BlockDriverState *blk_bs(BlockBackend *blk);
bool blk_is_inserted(BlockBackend *blk);
bool blk_is_read_only(BlockBackend *blk);
bool blk_is_removable(BlockBackend *blk);
int64_t blk_getlength(BlockBackend *blk);
/* cache=writethrough / directsync: every write is followed by a flush. */
bool blk_write_through(BlockBackend *blk);

int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, uint64_t bytes);
int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, uint64_t bytes);
int blk_flush(BlockBackend *blk);
int blk_discard(BlockBackend *blk, uint64_t offset, uint64_t bytes);
/* Scatter/gather forms: the iovec covers the whole request. */
int blk_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov);
int blk_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov);

void blk_aio_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque);
void blk_aio_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque);
void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);
void blk_aio_discard(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                     BlockCompletionFunc *cb, void *opaque);

/* Removable media (monitor "change" and "eject"). */
bool blk_change_media(BlockBackend *blk, const char *file, const char *format,
                      GError **errp);
bool blk_eject(BlockBackend *blk, bool force, GError **errp);
/* Called when the medium changes (IDE/ATAPI raises a media-change sense). */
void blk_set_change_cb(BlockBackend *blk, void (*cb)(void *opaque, bool load),
                       void *opaque);

/* The backend with drive id ID (monitor change/eject), or NULL. */
BlockBackend *blk_by_name(const char *id);
/* Iterate over every open backend in order of creation: blk_next(NULL) is the
 * first, NULL after the last (savevm looks for the writable disks). */
BlockBackend *blk_next(BlockBackend *blk);
/* Every open backend, for "info block". */
void blk_info_all(GString *out);

#endif
