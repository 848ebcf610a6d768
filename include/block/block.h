/*
 * Block layer: image formats (raw, qcow2) stacked into chains, and the
 * BlockBackend that guest disk devices and mimic-img use.
 *
 * A BlockDriverState (BDS) is one open image file with its format driver;
 * a qcow2 BDS may have a backing BDS. Offsets and lengths are in bytes.
 * Request functions return 0 or a negative errno; open/create fill a GError.
 */
#ifndef MIMIC_BLOCK_H
#define MIMIC_BLOCK_H

#include "qemu/osdep.h"

#define BDRV_SECTOR_SIZE 512

/* bdrv_open flags */
#define BDRV_O_RDWR        (1 << 0)
#define BDRV_O_NO_BACKING  (1 << 1)   /* do not open the backing file */
#define BDRV_O_NOCACHE     (1 << 2)   /* cache=none: O_DIRECT where possible */
#define BDRV_O_UNSAFE      (1 << 3)   /* cache=unsafe: flush is a no-op */
#define BDRV_O_CHECK       (1 << 4)   /* open a corrupt image for check/repair */
#define BDRV_O_UNMAP       (1 << 5)   /* discard=unmap: guest discards free host space */

/* Longest backing chain we follow: a loop in a chain stops here. */
#define BDRV_MAX_CHAIN 32

typedef struct BlockDriverState BlockDriverState;
typedef struct BlockDriver BlockDriver;

/* Options for bdrv_create (mimic-img create -o ...). */
typedef struct BlockCreateOpts {
    uint64_t size;              /* virtual size in bytes; 0 = take the backing's */
    const char *backing_file;
    const char *backing_fmt;
    uint32_t cluster_size;      /* qcow2; 0 = 65536 */
    int compat;                 /* qcow2 version: 2 or 3 (0 = 3) */
    int refcount_bits;          /* qcow2; 0 = 16 */
    bool lazy_refcounts;
} BlockCreateOpts;

/* Result of a consistency check (mimic-img check). */
typedef struct BlockCheckResult {
    int corruptions;
    int leaks;
    int check_errors;
    int corruptions_fixed;
    int leaks_fixed;
    int64_t image_end_offset;
    int64_t allocated_clusters;
    int64_t total_clusters;
    int64_t compressed_clusters;
    int64_t fragmented_clusters;
} BlockCheckResult;

#define BDRV_FIX_LEAKS  1
#define BDRV_FIX_ERRORS 2

/* An internal snapshot as listed by mimic-img snapshot -l. */
typedef struct BlockSnapshotInfo {
    char *id;
    char *name;
    uint64_t vm_state_size;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t disk_size;
    uint64_t icount;               /* UINT64_MAX = not recorded */
} BlockSnapshotInfo;

/* Block status: where the data of a range comes from. */
#define BDRV_BLOCK_DATA      1   /* allocated in this layer (has data) */
#define BDRV_BLOCK_ZERO      2   /* reads as zeroes */
#define BDRV_BLOCK_OFFSET    4   /* *map is the host offset in this layer's file */
#define BDRV_BLOCK_COMPRESSED 8

struct BlockDriver {
    const char *format_name;
    size_t instance_size;
    /* Score 0..100 that the first bytes of a file are this format. */
    int (*probe)(const uint8_t *buf, int buf_size);
    int (*open)(BlockDriverState *bs, int flags, GError **errp);
    void (*close)(BlockDriverState *bs);
    int (*pread)(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes);
    int (*pwrite)(BlockDriverState *bs, uint64_t offset, const void *buf, uint64_t bytes);
    /* Write one cluster compressed (convert -c); NULL if unsupported. */
    int (*pwrite_compressed)(BlockDriverState *bs, uint64_t offset, const void *buf,
                             uint64_t bytes);
    /*
     * The same in two steps, so that a caller can compress many clusters in
     * parallel: compress_cluster touches no image state (thread-safe) and puts
     * the stored form of one cluster (BYTES given, zero-padded) into OUT, which
     * has room for a cluster; it returns the length, 0 if the cluster does not
     * compress well enough (write it plainly), or -errno. pwrite_precompressed
     * then stores that form at cluster-aligned OFFSET. NULL if unsupported.
     */
    int64_t (*compress_cluster)(BlockDriverState *bs, const void *in, uint64_t bytes,
                                void *out);
    int (*pwrite_precompressed)(BlockDriverState *bs, uint64_t offset, const void *data,
                                uint64_t len);
    int (*flush)(BlockDriverState *bs);
    int (*discard)(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
    /*
     * Make [offset, offset+bytes) read as zeroes, cheaply where the format
     * can (holes, zero clusters); -ENOTSUP (or NULL) makes bdrv_pwrite_zeroes
     * write zero buffers instead.
     */
    int (*pwrite_zeroes)(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
    /*
     * Deallocate everything this layer holds so that every read falls through
     * to the backing file (commit); NULL if the format cannot.
     */
    int (*make_empty)(BlockDriverState *bs);
    /*
     * Status of [offset, offset+bytes) in this layer only: returns flags
     * BDRV_BLOCK_*, 0 = unallocated here (comes from the backing file), or
     * -errno. *pnum is the length of the run with the same status.
     */
    int (*block_status)(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                        uint64_t *pnum, uint64_t *map);
    bool (*create)(const char *filename, const BlockCreateOpts *opts, GError **errp);
    int (*truncate)(BlockDriverState *bs, uint64_t size, GError **errp);
    int (*check)(BlockDriverState *bs, BlockCheckResult *res, int fix);
    /* Rewrite the backing file name in the header (rebase -u, commit). */
    int (*change_backing)(BlockDriverState *bs, const char *file, const char *fmt);
    /* Internal snapshots. */
    int (*snapshot_list)(BlockDriverState *bs, BlockSnapshotInfo **list);
    int (*snapshot_create)(BlockDriverState *bs, const char *name, GError **errp);
    int (*snapshot_goto)(BlockDriverState *bs, const char *name, GError **errp);
    int (*snapshot_delete)(BlockDriverState *bs, const char *name, GError **errp);
    /*
     * savevm: like snapshot_create, and the machine's VM state stream (len bytes,
     * may be 0) is stored with the snapshot; vm_clock_nsec goes in its table entry.
     * NULL if the format cannot hold VM state.
     */
    int (*snapshot_create_vm)(BlockDriverState *bs, const char *name, const void *vmstate,
                              uint64_t len, uint64_t vm_clock_nsec, GError **errp);
    /*
     * savevm in pieces, so that writing overlaps producing the stream: write
     * [pos, pos + len) of the VM state to the image's active VM state area (pos 0
     * first, which replaces what the area held), then snapshot_create_vm with
     * vmstate NULL and the total len takes what was written. buf NULL and len 0
     * empties the area (a savevm that failed half-way). NULL if unsupported.
     */
    int (*save_vmstate)(BlockDriverState *bs, const void *buf, uint64_t pos, uint64_t len,
                        GError **errp);
    /* Append snapshot NAME's VM state to out (nothing if it has none); the active
     * disk contents are not changed. */
    int (*snapshot_load_vmstate)(BlockDriverState *bs, const char *name, GByteArray *out,
                                 GError **errp);
    /* Where snapshot NAME's VM state lies in the image file when it is one plain run
     * of it: 1 with *host_offset and *len set, 0 when it is not (or there is none;
     * snapshot_load_vmstate then reads it), negative on error. NULL if unsupported. */
    int (*snapshot_vmstate_extent)(BlockDriverState *bs, const char *name,
                                   uint64_t *host_offset, uint64_t *len, GError **errp);
    /* Extra lines for mimic-img info ("Format specific information"). */
    void (*info_specific)(BlockDriverState *bs, GString *out, bool json);
};

struct BlockDriverState {
    const BlockDriver *drv;
    void *opaque;                  /* driver state, drv->instance_size bytes */
    char *filename;
    int fd;                        /* host file or block device */
    int open_flags;
    bool read_only;
    uint64_t total_size;           /* virtual size in bytes */
    BlockDriverState *backing;
    char backing_file[1024];       /* as recorded in the image ("" = none) */
    char backing_format[32];
    char *backing_path;            /* backing_file resolved against our directory */
    int chain_depth;
};

/* Format drivers ("raw", "qcow2"). */
const BlockDriver *bdrv_find_format(const char *name);

/*
 * Open FILENAME with FORMAT (NULL = probe). Opens the backing chain unless
 * BDRV_O_NO_BACKING; loops and chains deeper than BDRV_MAX_CHAIN are errors.
 */
BlockDriverState *bdrv_open(const char *filename, const char *format, int flags,
                            GError **errp);
void bdrv_close(BlockDriverState *bs);
bool bdrv_create(const char *format, const char *filename, const BlockCreateOpts *opts,
                 GError **errp);

int bdrv_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes);
int bdrv_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf, uint64_t bytes);
int bdrv_pwrite_compressed(BlockDriverState *bs, uint64_t offset, const void *buf,
                           uint64_t bytes);
/* See BlockDriver.compress_cluster / pwrite_precompressed; -ENOTSUP without them. */
int64_t bdrv_compress_cluster(BlockDriverState *bs, const void *in, uint64_t bytes,
                              void *out);
int bdrv_pwrite_precompressed(BlockDriverState *bs, uint64_t offset, const void *data,
                              uint64_t len);
int bdrv_flush(BlockDriverState *bs);
int bdrv_discard(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
/* Make the range read as zeroes (convert -n, -B): the driver's way, else zero buffers. */
int bdrv_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
/* Drop all data of BS's own layer (qemu-img commit without -d); -ENOTSUP if unsupported. */
int bdrv_make_empty(BlockDriverState *bs);
int bdrv_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                      uint64_t *pnum, uint64_t *map);
/* Like bdrv_block_status but looks down the backing chain; *depth = layer. */
int bdrv_block_status_above(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                            uint64_t *pnum, uint64_t *map, int *depth);
int64_t bdrv_getlength(BlockDriverState *bs);
/* Host bytes used by the image file (st_blocks * 512). */
int64_t bdrv_get_allocated_file_size(BlockDriverState *bs);

/* Raw access to the BDS's own host file (used by format drivers). */
int bdrv_file_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes);
int bdrv_file_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf,
                     uint64_t bytes);
int bdrv_file_flush(BlockDriverState *bs);
int64_t bdrv_file_size(BlockDriverState *bs);
int bdrv_file_truncate(BlockDriverState *bs, uint64_t size);

/* Resolve a backing file name recorded in image FILENAME (relative to its dir). */
char *bdrv_resolve_backing(const char *filename, const char *backing);

void bdrv_snapshot_list_free(BlockSnapshotInfo *list, int n);

#endif
