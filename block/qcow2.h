/*
 * qcow2 internals shared by block/qcow2*.c. The on-disk format follows
 * QEMU's docs/interop/qcow2.txt (versions 2 and 3): big-endian header,
 * two-level L1/L2 cluster map, refcount table + refcount blocks,
 * internal snapshots with their own L1 tables, zlib (raw deflate)
 * compressed clusters.
 */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include "qemu/osdep.h"
#include "block/block.h"

#define QCOW2_MAGIC 0x514649fbu           /* "QFI\xfb" */
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21
#define QCOW2_MAX_L1_BYTES (32u << 20)
#define QCOW2_MAX_REFTABLE_BYTES (8u << 20)
#define QCOW2_MAX_SNAPSHOTS 65536
#define QCOW2_MAX_BACKING_NAME 1023

/* Header field offsets. */
#define QH_MAGIC 0
#define QH_VERSION 4
#define QH_BACKING_OFFSET 8
#define QH_BACKING_SIZE 16
#define QH_CLUSTER_BITS 20
#define QH_SIZE 24
#define QH_CRYPT 32
#define QH_L1_SIZE 36
#define QH_L1_OFFSET 40
#define QH_RT_OFFSET 48
#define QH_RT_CLUSTERS 56
#define QH_NB_SNAPSHOTS 60
#define QH_SNAPSHOTS_OFFSET 64
#define QH_INCOMPAT 72
#define QH_COMPAT 80
#define QH_AUTOCLEAR 88
#define QH_REFCOUNT_ORDER 96
#define QH_HEADER_LENGTH 100
#define QH_COMPRESSION_TYPE 104
#define QCOW2_V2_HEADER_LEN 72
#define QCOW2_V3_HEADER_LEN 104

#define QCOW2_INCOMPAT_DIRTY   (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT (1ULL << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ULL << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1ULL << 3)
#define QCOW2_INCOMPAT_EXTL2   (1ULL << 4)
#define QCOW2_COMPAT_LAZY_REFCOUNTS (1ULL << 0)

#define QCOW2_EXT_END 0
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_FEATURE_TABLE 0x6803f857u

#define QCOW2_OFLAG_COPIED     (1ULL << 63)
#define QCOW2_OFLAG_COMPRESSED (1ULL << 62)
#define QCOW2_OFLAG_ZERO       (1ULL << 0)
#define QCOW2_L1E_OFFSET_MASK  0x00fffffffffffe00ULL
#define QCOW2_L2E_OFFSET_MASK  0x00fffffffffffe00ULL

#define QCOW2_L2_CACHE 16
#define QCOW2_RB_CACHE 8

typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id_str;
    char *name;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t vm_state_size;
    uint64_t disk_size;
    uint64_t icount;
    uint32_t extra_data_size;
    uint8_t *extra_data;            /* kept verbatim for fields we do not use */
} Qcow2Snapshot;

typedef struct Qcow2CacheEntry {
    uint64_t offset;                /* host offset of the cached cluster, 0 = empty */
    uint8_t *data;
    uint64_t lru;
} Qcow2CacheEntry;

/*
 * Why a cluster is being freed: QEMU's qcow2 options pass-discard-request
 * (default off; on with discard=unmap), pass-discard-snapshot (default on)
 * and pass-discard-other (default off) say for which of these a cluster
 * whose refcount drops to 0 is also given back to the host (a hole punched).
 */
typedef enum Qcow2DiscardType {
    QCOW2_DISCARD_OTHER,            /* copy-on-write, table moves, ... */
    QCOW2_DISCARD_REQUEST,          /* a discard request (guest TRIM) */
    QCOW2_DISCARD_SNAPSHOT,         /* snapshot operations, emptying (commit) */
    QCOW2_DISCARD_MAX
} Qcow2DiscardType;

typedef struct Qcow2State {
    int version;
    int cluster_bits;
    uint32_t cluster_size;
    int l2_bits;
    uint32_t l2_size;               /* entries per L2 table */
    uint64_t incompat, compat, autoclear;
    uint32_t header_length;

    uint32_t l1_size;
    uint64_t l1_table_offset;
    uint64_t *l1_table;             /* host order */

    int refcount_order;
    int refcount_bits;
    int rb_bits;                    /* log2 of refcounts per refcount block */
    uint64_t refcount_max;
    uint64_t rt_offset;
    uint32_t rt_clusters;
    uint64_t rt_size;               /* entries */
    uint64_t *rt;                   /* host order */

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t snapshots_size;        /* bytes of the on-disk snapshot table */
    Qcow2Snapshot *snapshots;

    int csize_shift;
    uint64_t csize_mask;
    uint64_t cluster_offset_mask;

    uint64_t free_cluster_index;    /* search for free clusters starts here */
    uint64_t alloc_end;             /* first cluster past anything allocated */
    uint64_t compressed_next;       /* byte offset for the next compressed cluster */

    /* Freed clusters go back to the host for the current operation's type. */
    bool pass_discard[QCOW2_DISCARD_MAX];
    Qcow2DiscardType discard_type;
    uint64_t punch_start, punch_end;    /* freed clusters not yet punched, [start, end) */

    Qcow2CacheEntry l2_cache[QCOW2_L2_CACHE];
    Qcow2CacheEntry rb_cache[QCOW2_RB_CACHE];
    uint64_t lru_clock;
    uint8_t *cluster_buf;           /* bounce buffer for read-modify-write */
    uint8_t *cbuf;                  /* compressed data buffer */
} Qcow2State;

static inline uint64_t qcow2_offset_to_cluster(Qcow2State *s, uint64_t off)
{
    return off >> s->cluster_bits;
}

static inline uint64_t qcow2_size_to_clusters(Qcow2State *s, uint64_t size)
{
    return (size + s->cluster_size - 1) >> s->cluster_bits;
}

/* Compressed cluster descriptor: host offset and bytes to read. */
static inline void qcow2_compressed_desc(Qcow2State *s, uint64_t l2e, uint64_t *off,
                                         uint64_t *len)
{
    uint64_t nb = ((l2e >> s->csize_shift) & s->csize_mask) + 1;
    *off = l2e & s->cluster_offset_mask;
    *len = nb * 512 - (*off & 511);
}

/* qcow2-refcount.c */
int qcow2_refcount_init(BlockDriverState *bs, GError **errp);
void qcow2_refcount_close(BlockDriverState *bs);
int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster, uint64_t *refcount);
int qcow2_update_refcount(BlockDriverState *bs, uint64_t offset, uint64_t length,
                          int64_t addend);
int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t size);
int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint64_t size);
void qcow2_free_l2_entry(BlockDriverState *bs, uint64_t l2e);
int qcow2_check_refcounts(BlockDriverState *bs, BlockCheckResult *res, int fix);
int qcow2_update_snapshot_refcount(BlockDriverState *bs, uint64_t l1_offset,
                                   uint32_t l1_size, int addend);
int qcow2_update_l1_refcount(BlockDriverState *bs, const uint64_t *l1, uint32_t l1_size,
                             int addend);
/* Punch the host holes still queued for freed clusters (end of an operation). */
void qcow2_punch_flush(BlockDriverState *bs);
/* Run the following frees as TYPE; returns the type to restore afterwards. */
Qcow2DiscardType qcow2_discard_begin(BlockDriverState *bs, Qcow2DiscardType type);
void qcow2_discard_end(BlockDriverState *bs, Qcow2DiscardType saved);
/* Set COPIED in the active L1/L2 tables exactly where the refcount is 1. */
int qcow2_fix_copied_flags(BlockDriverState *bs);

/* qcow2.c (qcow2_pread/qcow2_pwrite: qcow2-cluster.c) */
int qcow2_cache_get(BlockDriverState *bs, Qcow2CacheEntry *cache, int n,
                    uint64_t offset, uint8_t **data, bool zero_new);
void qcow2_cache_drop(Qcow2CacheEntry *cache, int n, uint64_t offset);
int qcow2_write_l1_entry(BlockDriverState *bs, uint32_t index);
int qcow2_mark_corrupt(BlockDriverState *bs, const char *why);
int qcow2_read_snapshots(BlockDriverState *bs, GError **errp);
/* Guest-offset I/O without the virtual-size limit (the VM state area lies past it). */
int qcow2_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes);
bool qcow2_contiguous_extent(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                             uint64_t *host);
int qcow2_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf, uint64_t bytes);
int qcow2_grow_l1(BlockDriverState *bs, uint64_t need, GError **errp);
void qcow2_free_snapshots(BlockDriverState *bs);

/* qcow2-cluster.c: the guest data path (BlockDriver callbacks) */
int64_t qcow2_compress_cluster(BlockDriverState *bs, const void *in, uint64_t bytes,
                               void *out);
int qcow2_pwrite_precompressed(BlockDriverState *bs, uint64_t offset, const void *data,
                               uint64_t len);
int qcow2_pwrite_compressed(BlockDriverState *bs, uint64_t offset, const void *buf,
                            uint64_t bytes);
int qcow2_discard(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
int qcow2_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes);
int qcow2_make_empty(BlockDriverState *bs);
int qcow2_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                       uint64_t *pnum, uint64_t *map);

/* qcow2-snapshot.c */
int qcow2_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list);
int qcow2_snapshot_create(BlockDriverState *bs, const char *name, GError **errp);
int qcow2_snapshot_goto(BlockDriverState *bs, const char *name, GError **errp);
int qcow2_snapshot_delete(BlockDriverState *bs, const char *name, GError **errp);
int qcow2_save_vmstate(BlockDriverState *bs, const void *buf, uint64_t pos, uint64_t len,
                       GError **errp);
int qcow2_snapshot_create_vm(BlockDriverState *bs, const char *name, const void *vmstate,
                             uint64_t vmstate_len, uint64_t vm_clock_nsec, GError **errp);
int qcow2_snapshot_load_vmstate(BlockDriverState *bs, const char *name, GByteArray *out,
                                GError **errp);
int qcow2_snapshot_vmstate_extent(BlockDriverState *bs, const char *name,
                                   uint64_t *host_offset, uint64_t *len, GError **errp);

#endif
