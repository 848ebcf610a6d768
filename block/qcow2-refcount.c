/*
 * qcow2 reference counts: refcount table and blocks, cluster allocation,
 * freeing, growth of the refcount table, and the consistency check with
 * leak/error repair (the same accounting qemu-img check uses: one
 * reference per path L1 -> L2 -> data cluster, per L1 table).
 */
#include "qemu/osdep.h"
#include "qcow2.h"

#include <fcntl.h>

#define RT_OFFSET_MASK 0xfffffffffffffe00ULL

static uint64_t rb_get(Qcow2State *s, const uint8_t *rb, uint64_t i)
{
    switch (s->refcount_order) {
    case 0: case 1: case 2: {
        int bits = s->refcount_bits;
        uint64_t bit = i * bits;
        return (rb[bit / 8] >> (bit % 8)) & ((1u << bits) - 1);
    }
    case 3:
        return rb[i];
    case 4:
        return lduw_be_p(rb + i * 2);
    case 5:
        return ldl_be_p(rb + i * 4);
    default:
        return ldq_be_p(rb + i * 8);
    }
}

/* Store entry I and return the byte range that changed. */
static void rb_set(Qcow2State *s, uint8_t *rb, uint64_t i, uint64_t v,
                   uint64_t *boff, uint64_t *blen)
{
    switch (s->refcount_order) {
    case 0: case 1: case 2: {
        int bits = s->refcount_bits;
        uint64_t bit = i * bits;
        uint8_t mask = ((1u << bits) - 1) << (bit % 8);
        rb[bit / 8] = (rb[bit / 8] & ~mask) | ((v << (bit % 8)) & mask);
        *boff = bit / 8;
        *blen = 1;
        return;
    }
    case 3:
        rb[i] = v;
        *boff = i;
        *blen = 1;
        return;
    case 4:
        stw_be_p(rb + i * 2, v);
        *boff = i * 2;
        *blen = 2;
        return;
    case 5:
        stl_be_p(rb + i * 4, v);
        *boff = i * 4;
        *blen = 4;
        return;
    default:
        stq_be_p(rb + i * 8, v);
        *boff = i * 8;
        *blen = 8;
        return;
    }
}

int qcow2_refcount_init(BlockDriverState *bs, GError **errp)
{
    Qcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)s->rt_clusters << s->cluster_bits;
    int r;

    s->rt_size = bytes / 8;
    s->rt = g_malloc(bytes);
    r = bdrv_file_pread(bs, s->rt_offset, s->rt, bytes);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not read refcount table");
        return r;
    }
    for (uint64_t i = 0; i < s->rt_size; i++) {
        s->rt[i] = __builtin_bswap64(s->rt[i]);
    }
    return 0;
}

void qcow2_refcount_close(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;

    g_free(s->rt);
    s->rt = NULL;
}

static int qcow2_refblock_offset(BlockDriverState *bs, uint64_t idx, uint64_t *off)
{
    Qcow2State *s = bs->opaque;

    *off = 0;
    if (idx >= s->rt_size) {
        return 0;
    }
    *off = s->rt[idx] & RT_OFFSET_MASK;
    if (*off & (s->cluster_size - 1)) {
        *off = 0;
        return qcow2_mark_corrupt(bs, "refcount block offset unaligned");
    }
    return 0;
}

int qcow2_get_refcount(BlockDriverState *bs, uint64_t cluster, uint64_t *refcount)
{
    Qcow2State *s = bs->opaque;
    uint64_t rb_off;
    uint8_t *rb;
    int r = qcow2_refblock_offset(bs, cluster >> s->rb_bits, &rb_off);

    *refcount = 0;
    if (r < 0 || !rb_off) {
        return r;
    }
    r = qcow2_cache_get(bs, s->rb_cache, QCOW2_RB_CACHE, rb_off, &rb, false);
    if (r < 0) {
        return r;
    }
    *refcount = rb_get(s, rb, cluster & ((1ULL << s->rb_bits) - 1));
    return 0;
}

/* First cluster at or past alloc_end that no refcount claims. */
static int qcow2_take_end_cluster(BlockDriverState *bs, uint64_t *cluster)
{
    Qcow2State *s = bs->opaque;

    for (uint64_t tries = 0;; tries++) {
        uint64_t rc;
        int r;
        /* Refcounts claiming a long run past the end of the file: corrupt table. */
        if (tries > (1u << 20)) {
            return qcow2_mark_corrupt(bs, "refcounts claim clusters past the end of file");
        }
        r = qcow2_get_refcount(bs, s->alloc_end, &rc);
        if (r < 0) {
            return r;
        }
        if (rc == 0) {
            *cluster = s->alloc_end++;
            return 0;
        }
        s->alloc_end++;
    }
}

static int qcow2_set_refcount(BlockDriverState *bs, uint64_t cluster, uint64_t value);

/*
 * Giving freed clusters back to the host. Holes are punched a run at a
 * time: clusters freed one after another (a snapshot's data) are queued
 * while they stay adjacent and punched when the run breaks, when the
 * operation ends, or before a queued cluster is allocated again (its new
 * contents must not be punched away).
 *
 * As in QEMU, the punch is not ordered on disk after the metadata writes
 * that unlinked the cluster: a host crash in between can leave a table
 * that still points at it reading zeroes. Only data the user asked to drop
 * (a deleted snapshot, discarded or committed ranges) can be hit that way.
 */
void qcow2_punch_flush(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;
    uint64_t start = s->punch_start, end = s->punch_end;

    if (start == end) {
        return;
    }
    s->punch_start = s->punch_end = 0;
    /* A hint only: where the host cannot punch, the clusters are free all the same. */
    (void)fallocate(bs->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                    (off_t)(start << s->cluster_bits),
                    (off_t)((end - start) << s->cluster_bits));
}

/* Whether CLUSTER holds one of the tables the header points at. */
static bool qcow2_is_header_table(Qcow2State *s, uint64_t cluster)
{
    uint64_t l1 = s->l1_table_offset >> s->cluster_bits;
    uint64_t l1_end = l1 + qcow2_size_to_clusters(s, (uint64_t)s->l1_size * 8);
    uint64_t rt = s->rt_offset >> s->cluster_bits;
    uint64_t sn = s->snapshots_offset >> s->cluster_bits;
    uint64_t sn_end = sn + qcow2_size_to_clusters(s, s->snapshots_size);

    return cluster == 0 || (cluster >= l1 && cluster < l1_end) ||
           (cluster >= rt && cluster < rt + s->rt_clusters) ||
           (cluster >= sn && cluster < sn_end);
}

static void qcow2_punch_queue(BlockDriverState *bs, uint64_t cluster)
{
    Qcow2State *s = bs->opaque;

    /* Only a corrupt refcount table frees the header or a table it points at:
     * punching those would turn a repairable image into a lost one. */
    if (!s->pass_discard[s->discard_type] || qcow2_is_header_table(s, cluster)) {
        return;
    }
    if (s->punch_start != s->punch_end) {
        if (cluster == s->punch_end) {
            s->punch_end++;
            return;
        }
        if (cluster + 1 == s->punch_start) {
            s->punch_start--;
            return;
        }
        qcow2_punch_flush(bs);
    }
    s->punch_start = cluster;
    s->punch_end = cluster + 1;
}

/* Clusters [first, first + n) are about to be used again: punch what is queued first. */
static void qcow2_punch_claim(BlockDriverState *bs, uint64_t first, uint64_t n)
{
    Qcow2State *s = bs->opaque;

    if (s->punch_start != s->punch_end && first < s->punch_end &&
        s->punch_start < first + n) {
        qcow2_punch_flush(bs);
    }
}

Qcow2DiscardType qcow2_discard_begin(BlockDriverState *bs, Qcow2DiscardType type)
{
    Qcow2State *s = bs->opaque;
    Qcow2DiscardType saved = s->discard_type;

    s->discard_type = type;
    return saved;
}

void qcow2_discard_end(BlockDriverState *bs, Qcow2DiscardType saved)
{
    Qcow2State *s = bs->opaque;

    s->discard_type = saved;
    qcow2_punch_flush(bs);
}

/*
 * Replace the refcount table with a larger one placed past the end of the
 * image, with new refcount blocks describing itself. The header switch is a
 * single 12-byte write; until then the new clusters are merely unreferenced.
 */
static int qcow2_grow_refcount_table(BlockDriverState *bs, uint64_t min_idx)
{
    Qcow2State *s = bs->opaque;
    uint64_t per_cluster = s->cluster_size / 8;
    uint64_t new_size = MAX(min_idx + 1, s->rt_size * 2);
    uint64_t start, tc, nb, end;
    uint64_t *nrt;
    uint8_t *buf, hb[12];
    uint64_t old_off = s->rt_offset, old_clusters = s->rt_clusters;
    int r;

    new_size = QEMU_ALIGN_UP(new_size, per_cluster);
    start = s->alloc_end;
    for (;;) {
        uint64_t count, last_idx;
        /* Checked on every round: a corrupt alloc_end far past the end of the
         * file would otherwise keep doubling the table for a very long time. */
        if (new_size * 8 > QCOW2_MAX_REFTABLE_BYTES) {
            return -EFBIG;
        }
        tc = new_size / per_cluster;
        nb = 0;
        do {
            count = 0;
            end = start + tc + nb;
            for (uint64_t i = start >> s->rb_bits; i <= (end - 1) >> s->rb_bits; i++) {
                if (i >= s->rt_size || !s->rt[i]) {
                    count++;
                }
            }
            if (count == nb) {
                break;
            }
            nb = count;
        } while (1);
        last_idx = (end - 1) >> s->rb_bits;
        if (last_idx < new_size && min_idx < new_size) {
            break;
        }
        new_size = QEMU_ALIGN_UP(MAX(last_idx + 1, new_size * 2), per_cluster);
    }
    if (new_size * 8 > QCOW2_MAX_REFTABLE_BYTES) {
        return -EFBIG;
    }
    nrt = g_new0(uint64_t, new_size);
    memcpy(nrt, s->rt, s->rt_size * 8);
    buf = g_malloc0(s->cluster_size);
    uint64_t k = 0;
    for (uint64_t i = start >> s->rb_bits; i <= (end - 1) >> s->rb_bits; i++) {
        if (i < s->rt_size && s->rt[i]) {
            continue;
        }
        uint64_t blk = start + tc + k++;
        nrt[i] = blk << s->cluster_bits;
        memset(buf, 0, s->cluster_size);
        for (uint64_t c = start; c < end; c++) {
            if ((c >> s->rb_bits) == i) {
                uint64_t bo, bl;
                rb_set(s, buf, c & ((1ULL << s->rb_bits) - 1), 1, &bo, &bl);
            }
        }
        r = bdrv_file_pwrite(bs, blk << s->cluster_bits, buf, s->cluster_size);
        if (r < 0) {
            goto out;
        }
    }
    /* Clusters of the new area that existing refcount blocks describe. */
    for (uint64_t c = start; c < end; c++) {
        uint64_t i = c >> s->rb_bits;
        if (i < s->rt_size && s->rt[i]) {
            r = qcow2_set_refcount(bs, c, 1);
            if (r < 0) {
                goto out;
            }
        }
    }
    for (uint64_t i = 0; i < new_size; i++) {
        stq_be_p((uint8_t *)&nrt[i], nrt[i]);
    }
    r = bdrv_file_pwrite(bs, start << s->cluster_bits, nrt, new_size * 8);
    for (uint64_t i = 0; i < new_size; i++) {
        nrt[i] = ldq_be_p((uint8_t *)&nrt[i]);
    }
    if (r < 0) {
        goto out;
    }
    r = bdrv_file_flush(bs);
    if (r < 0) {
        goto out;
    }
    stq_be_p(hb, start << s->cluster_bits);
    stl_be_p(hb + 8, tc);
    r = bdrv_file_pwrite(bs, QH_RT_OFFSET, hb, 12);
    if (r < 0) {
        goto out;
    }
    g_free(s->rt);
    s->rt = nrt;
    nrt = NULL;
    s->rt_size = new_size;
    s->rt_offset = start << s->cluster_bits;
    s->rt_clusters = tc;
    s->alloc_end = MAX(s->alloc_end, end);
    r = qcow2_update_refcount(bs, old_off, old_clusters << s->cluster_bits, -1);
out:
    g_free(nrt);
    g_free(buf);
    return r;
}

/* Make sure refcount block IDX exists; allocating it never reuses a cluster in use. */
static int qcow2_ensure_refblock(BlockDriverState *bs, uint64_t idx, uint64_t *rb_off)
{
    Qcow2State *s = bs->opaque;
    uint64_t c = 0;
    uint8_t *rb, be[8];
    int r;

    if (idx >= s->rt_size) {
        r = qcow2_grow_refcount_table(bs, idx);
        if (r < 0) {
            return r;
        }
    }
    r = qcow2_refblock_offset(bs, idx, rb_off);
    if (r == 0 && *rb_off && (*rb_off >> s->cluster_bits) >= s->alloc_end) {
        /* Every block in use lies below alloc_end: writing far past it would
         * only grow the file for a corrupt table entry. */
        return qcow2_mark_corrupt(bs, "refcount block beyond the end of the image");
    }
    if (r < 0 || *rb_off) {
        return r;
    }
    r = qcow2_take_end_cluster(bs, &c);
    if (r < 0) {
        return r;
    }
    if ((c >> s->rb_bits) != idx) {
        /* Account for the new block first, so it is never referenced unowned. */
        r = qcow2_set_refcount(bs, c, 1);
        if (r < 0) {
            return r;
        }
    }
    r = qcow2_cache_get(bs, s->rb_cache, QCOW2_RB_CACHE, c << s->cluster_bits, &rb, true);
    if (r < 0) {
        return r;
    }
    if ((c >> s->rb_bits) == idx) {
        uint64_t bo, bl;
        rb_set(s, rb, c & ((1ULL << s->rb_bits) - 1), 1, &bo, &bl);
    }
    r = bdrv_file_pwrite(bs, c << s->cluster_bits, rb, s->cluster_size);
    if (r < 0) {
        qcow2_cache_drop(s->rb_cache, QCOW2_RB_CACHE, c << s->cluster_bits);
        return r;
    }
    if (idx >= s->rt_size) {
        /* Growing for the block's own cluster may have grown the table again. */
        return -EIO;
    }
    s->rt[idx] = c << s->cluster_bits;
    stq_be_p(be, s->rt[idx]);
    r = bdrv_file_pwrite(bs, s->rt_offset + idx * 8, be, 8);
    if (r < 0) {
        s->rt[idx] = 0;
        return r;
    }
    *rb_off = c << s->cluster_bits;
    return 0;
}

static int qcow2_set_refcount(BlockDriverState *bs, uint64_t cluster, uint64_t value)
{
    Qcow2State *s = bs->opaque;
    uint64_t rb_off, bo, bl;
    uint8_t *rb;
    int r;

    if (value) {
        qcow2_punch_claim(bs, cluster, 1);
    }
    r = qcow2_ensure_refblock(bs, cluster >> s->rb_bits, &rb_off);
    if (r < 0) {
        return r;
    }
    r = qcow2_cache_get(bs, s->rb_cache, QCOW2_RB_CACHE, rb_off, &rb, false);
    if (r < 0) {
        return r;
    }
    rb_set(s, rb, cluster & ((1ULL << s->rb_bits) - 1), value, &bo, &bl);
    r = bdrv_file_pwrite(bs, rb_off + bo, rb + bo, bl);
    if (r < 0) {
        qcow2_cache_drop(s->rb_cache, QCOW2_RB_CACHE, rb_off);
    }
    return r;
}

/* Set N consecutive refcounts to VALUE with one write per refcount block. */
static int qcow2_set_refcount_run(BlockDriverState *bs, uint64_t start, uint64_t n,
                                  uint64_t value)
{
    Qcow2State *s = bs->opaque;
    uint64_t c = start, end = start + n;

    if (value) {
        qcow2_punch_claim(bs, start, n);
    }
    while (c < end) {
        uint64_t idx = c >> s->rb_bits, rb_off, lo = UINT64_MAX, hi = 0;
        uint64_t block_end = MIN_U(end, (idx + 1) << s->rb_bits);
        uint8_t *rb;
        int r = qcow2_ensure_refblock(bs, idx, &rb_off);
        if (r < 0) {
            return r;
        }
        r = qcow2_cache_get(bs, s->rb_cache, QCOW2_RB_CACHE, rb_off, &rb, false);
        if (r < 0) {
            return r;
        }
        for (; c < block_end; c++) {
            uint64_t bo, bl;
            rb_set(s, rb, c & ((1ULL << s->rb_bits) - 1), value, &bo, &bl);
            lo = MIN_U(lo, bo);
            hi = MAX(hi, bo + bl);
        }
        r = bdrv_file_pwrite(bs, rb_off + lo, rb + lo, hi - lo);
        if (r < 0) {
            qcow2_cache_drop(s->rb_cache, QCOW2_RB_CACHE, rb_off);
            return r;
        }
    }
    return 0;
}

/*
 * Refcount changes made in a cached refcount block but not written yet: the byte
 * range [lo, hi) of the block at rb_off. Updating the refcounts of a snapshot's
 * clusters one 2-byte write at a time took ~1,800 writes per savevm; consecutive
 * changes to one block go out as one write instead. Pending changes are written
 * before any other refcount block is touched (the cache could evict this one) and
 * before the caller's next metadata write, so the on-disk order is unchanged.
 */
typedef struct RbPending {
    uint64_t rb_off, lo, hi;
} RbPending;

#define RB_PENDING_INIT { 0, UINT64_MAX, 0 }

static int rb_pending_write(BlockDriverState *bs, RbPending *p)
{
    Qcow2State *s = bs->opaque;
    uint8_t *rb;
    int r;

    if (p->lo >= p->hi) {
        return 0;
    }
    r = qcow2_cache_get(bs, s->rb_cache, QCOW2_RB_CACHE, p->rb_off, &rb, false);
    if (r >= 0) {
        r = bdrv_file_pwrite(bs, p->rb_off + p->lo, rb + p->lo, p->hi - p->lo);
    }
    if (r < 0) {
        qcow2_cache_drop(s->rb_cache, QCOW2_RB_CACHE, p->rb_off);
    }
    p->lo = UINT64_MAX;
    p->hi = 0;
    return r < 0 ? r : 0;
}

/* qcow2_update_refcount, leaving the last block's changes pending in p. */
static int qcow2_update_refcount_pending(BlockDriverState *bs, uint64_t offset,
                                         uint64_t length, int64_t addend, RbPending *p)
{
    Qcow2State *s = bs->opaque;
    uint64_t first, last;

    if (!length) {
        return 0;
    }
    first = offset >> s->cluster_bits;
    last = (offset + length - 1) >> s->cluster_bits;
    for (uint64_t c = first; c <= last; c++) {
        uint64_t rc, rb_off, bo, bl;
        uint8_t *rb;
        int r = qcow2_refblock_offset(bs, c >> s->rb_bits, &rb_off);

        /* Another block (or none: allocating one goes through the cache too). */
        if (r >= 0 && (!rb_off || rb_off != p->rb_off)) {
            r = rb_pending_write(bs, p);
        }
        if (r >= 0) {
            r = qcow2_get_refcount(bs, c, &rc);
        }
        if (r < 0) {
            return r;
        }
        if ((addend < 0 && rc < (uint64_t)-addend) ||
            (addend > 0 && rc > s->refcount_max - addend)) {
            return qcow2_mark_corrupt(bs, "refcount underflow or overflow");
        }
        if (!rb_off) {
            /* No refcount block yet (a refcount of 0 going up): allocate one. */
            r = qcow2_set_refcount(bs, c, rc + addend);
            if (r < 0) {
                return r;
            }
        } else {
            if (rc + addend) {
                qcow2_punch_claim(bs, c, 1);
            }
            r = qcow2_cache_get(bs, s->rb_cache, QCOW2_RB_CACHE, rb_off, &rb, false);
            if (r < 0) {
                return r;
            }
            rb_set(s, rb, c & ((1ULL << s->rb_bits) - 1), rc + addend, &bo, &bl);
            p->rb_off = rb_off;
            p->lo = MIN_U(p->lo, bo);
            p->hi = MAX(p->hi, bo + bl);
        }
        if (rc + addend == 0) {
            qcow2_cache_drop(s->l2_cache, QCOW2_L2_CACHE, c << s->cluster_bits);
            if (c < s->free_cluster_index) {
                s->free_cluster_index = c;
            }
            qcow2_punch_queue(bs, c);
        }
    }
    return 0;
}

int qcow2_update_refcount(BlockDriverState *bs, uint64_t offset, uint64_t length,
                          int64_t addend)
{
    RbPending p = RB_PENDING_INIT;
    int r = qcow2_update_refcount_pending(bs, offset, length, addend, &p);

    /* Even after an error: what was changed in the cache goes to disk, as the
     * one-write-per-cluster version did before failing. */
    if (r < 0) {
        rb_pending_write(bs, &p);
        return r;
    }
    return rb_pending_write(bs, &p);
}

int64_t qcow2_alloc_clusters(BlockDriverState *bs, uint64_t size)
{
    Qcow2State *s = bs->opaque;
    uint64_t n = qcow2_size_to_clusters(s, size);
    uint64_t c = s->free_cluster_index, run = 0, start = c;
    int r;

    while (run < n) {
        uint64_t rc;
        r = qcow2_get_refcount(bs, c, &rc);
        if (r < 0) {
            return r;
        }
        if (c == 0 && rc == 0) {
            /* Handing out the header cluster would overwrite the header. */
            return qcow2_mark_corrupt(bs, "the header cluster has refcount 0");
        }
        if (rc) {
            run = 0;
            start = c + 1;
        } else {
            run++;
        }
        c++;
        if (c > (1ULL << (62 - s->cluster_bits))) {
            return -ENOSPC;
        }
        if (c > s->alloc_end + n + (1u << 20)) {
            return qcow2_mark_corrupt(bs, "refcounts claim clusters past the end of file");
        }
    }
    s->alloc_end = MAX(s->alloc_end, start + n);
    r = qcow2_set_refcount_run(bs, start, n, 1);
    if (r < 0) {
        return r;
    }
    if (start == s->free_cluster_index) {
        s->free_cluster_index = start + n;
    }
    return (int64_t)(start << s->cluster_bits);
}

int64_t qcow2_alloc_bytes(BlockDriverState *bs, uint64_t size)
{
    Qcow2State *s = bs->opaque;
    uint64_t off = s->compressed_next;
    int64_t fresh;
    int r;

    if (off && (off & (s->cluster_size - 1))) {
        uint64_t first = off >> s->cluster_bits;
        uint64_t last = (off + size - 1) >> s->cluster_bits;
        uint64_t rc = 0;
        if (last != first) {
            r = qcow2_get_refcount(bs, last, &rc);
            if (r < 0) {
                return r;
            }
        }
        if (last == first || rc == 0) {
            if (last != first) {
                s->alloc_end = MAX(s->alloc_end, last + 1);
                r = qcow2_set_refcount(bs, last, 1);
                if (r < 0) {
                    return r;
                }
            }
            r = qcow2_update_refcount(bs, off, 1, 1);
            if (r < 0) {
                return r;
            }
            s->compressed_next = off + size;
            return off;
        }
    }
    fresh = qcow2_alloc_clusters(bs, size);
    if (fresh < 0) {
        return fresh;
    }
    s->compressed_next = fresh + size;
    return fresh;
}

void qcow2_free_l2_entry(BlockDriverState *bs, uint64_t l2e)
{
    Qcow2State *s = bs->opaque;

    if (l2e & QCOW2_OFLAG_COMPRESSED) {
        uint64_t off, len;
        qcow2_compressed_desc(s, l2e, &off, &len);
        qcow2_update_refcount(bs, off & ~511ULL, len + (off & 511), -1);
    } else if (l2e & QCOW2_L2E_OFFSET_MASK) {
        qcow2_update_refcount(bs, l2e & QCOW2_L2E_OFFSET_MASK, s->cluster_size, -1);
    }
}

/* Change the refcount of every L2 table and data cluster an L1 table (host order)
 * reaches, with one write per run of changes within a refcount block. */
int qcow2_update_l1_refcount(BlockDriverState *bs, const uint64_t *l1, uint32_t l1_size,
                             int addend)
{
    Qcow2State *s = bs->opaque;
    uint8_t *l2 = g_malloc(s->cluster_size);
    RbPending p = RB_PENDING_INIT;
    int r = 0, rw;

    for (uint32_t i = 0; r >= 0 && i < l1_size; i++) {
        uint64_t l2_off = l1[i] & QCOW2_L1E_OFFSET_MASK;
        if (!l2_off) {
            continue;
        }
        r = bdrv_file_pread(bs, l2_off, l2, s->cluster_size);
        for (uint32_t j = 0; r >= 0 && j < s->l2_size; j++) {
            uint64_t e = ldq_be_p(l2 + j * 8);
            if (e & QCOW2_OFLAG_COMPRESSED) {
                uint64_t off, len;
                qcow2_compressed_desc(s, e, &off, &len);
                r = qcow2_update_refcount_pending(bs, off & ~511ULL, len + (off & 511),
                                                  addend, &p);
            } else if (e & QCOW2_L2E_OFFSET_MASK) {
                r = qcow2_update_refcount_pending(bs, e & QCOW2_L2E_OFFSET_MASK,
                                                  s->cluster_size, addend, &p);
            }
        }
        if (r >= 0) {
            r = qcow2_update_refcount_pending(bs, l2_off, s->cluster_size, addend, &p);
        }
    }
    rw = rb_pending_write(bs, &p);
    g_free(l2);
    return r < 0 ? r : rw;
}

int qcow2_update_snapshot_refcount(BlockDriverState *bs, uint64_t l1_offset,
                                   uint32_t l1_size, int addend)
{
    uint64_t *l1 = g_new(uint64_t, l1_size ? l1_size : 1);
    int r = bdrv_file_pread(bs, l1_offset, l1, (uint64_t)l1_size * 8);

    if (r >= 0) {
        for (uint32_t i = 0; i < l1_size; i++) {
            l1[i] = ldq_be_p((uint8_t *)&l1[i]);
        }
        r = qcow2_update_l1_refcount(bs, l1, l1_size, addend);
    }
    g_free(l1);
    return r;
}

/* Write the changed entries [lo, hi) of the L2 table at l2_off, kept in tbl, to
 * the file and the cache. */
static int qcow2_write_l2_range(BlockDriverState *bs, uint64_t l2_off, const uint8_t *tbl,
                                uint32_t lo, uint32_t hi)
{
    Qcow2State *s = bs->opaque;
    uint8_t *l2;
    int r;

    if (lo >= hi) {
        return 0;
    }
    r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, l2_off, &l2, false);
    if (r < 0) {
        return r;
    }
    memcpy(l2 + lo * 8, tbl + lo * 8, (hi - lo) * 8);
    r = bdrv_file_pwrite(bs, l2_off + lo * 8, tbl + lo * 8, (hi - lo) * 8);
    if (r < 0) {
        qcow2_cache_drop(s->l2_cache, QCOW2_L2_CACHE, l2_off);
    }
    return r;
}

/*
 * Set the COPIED flag of every L1 and L2 entry to whether its refcount is 1.
 * Each L2 table is worked on in a copy and its changed entries written in one go
 * (after a snapshot, every entry of the active tables changes: one write per entry
 * was ~460 writes per savevm).
 */
int qcow2_fix_copied_flags(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;
    g_autofree uint8_t *tbl = g_malloc(s->cluster_size);

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l2_off = s->l1_table[i] & QCOW2_L1E_OFFSET_MASK;
        uint64_t rc, want;
        uint32_t lo = UINT32_MAX, hi = 0;
        uint8_t *l2;
        int r;
        if (!l2_off) {
            continue;
        }
        r = qcow2_get_refcount(bs, l2_off >> s->cluster_bits, &rc);
        if (r < 0) {
            return r;
        }
        want = l2_off | (rc == 1 ? QCOW2_OFLAG_COPIED : 0);
        if (want != s->l1_table[i]) {
            s->l1_table[i] = want;
            r = qcow2_write_l1_entry(bs, i);
            if (r < 0) {
                return r;
            }
        }
        r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, l2_off, &l2, false);
        if (r < 0) {
            return r;
        }
        memcpy(tbl, l2, s->cluster_size);
        for (uint32_t j = 0; j < s->l2_size; j++) {
            uint64_t e = ldq_be_p(tbl + j * 8), ne;
            if ((e & QCOW2_OFLAG_COMPRESSED) || !(e & QCOW2_L2E_OFFSET_MASK)) {
                continue;
            }
            r = qcow2_get_refcount(bs, (e & QCOW2_L2E_OFFSET_MASK) >> s->cluster_bits, &rc);
            if (r < 0) {
                qcow2_write_l2_range(bs, l2_off, tbl, lo, hi);
                return r;
            }
            ne = rc == 1 ? (e | QCOW2_OFLAG_COPIED) : (e & ~QCOW2_OFLAG_COPIED);
            if (ne != e) {
                stq_be_p(tbl + j * 8, ne);
                lo = MIN(lo, j);
                hi = j + 1;
            }
        }
        r = qcow2_write_l2_range(bs, l2_off, tbl, lo, hi);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/* ---- check ---- */

/* L2 tables one check reads at most: snapshots sharing huge L1 tables stay bounded. */
#define QCOW2_CHECK_MAX_L2_READS (1u << 22)

typedef struct CheckState {
    uint64_t nb_clusters;
    uint32_t *ref;
    BlockCheckResult *res;
    uint64_t end;
    uint64_t l2_reads;
} CheckState;

static void check_inc(BlockDriverState *bs, CheckState *cs, uint64_t off, uint64_t len,
                      const char *what)
{
    Qcow2State *s = bs->opaque;

    if (!len) {
        return;
    }
    for (uint64_t c = off >> s->cluster_bits; c <= (off + len - 1) >> s->cluster_bits; c++) {
        if (c >= cs->nb_clusters) {
            fprintf(stderr, "ERROR %s at offset 0x%" PRIx64 " is beyond the end of the image "
                    "file\n", what, c << s->cluster_bits);
            cs->res->corruptions++;
            continue;
        }
        if (cs->ref[c] != UINT32_MAX) {
            cs->ref[c]++;
        }
        cs->end = MAX(cs->end, (c + 1) << s->cluster_bits);
    }
}

static void check_l1(BlockDriverState *bs, CheckState *cs, const uint64_t *l1,
                     uint32_t l1_size, bool active)
{
    Qcow2State *s = bs->opaque;
    uint8_t *l2 = g_malloc(s->cluster_size);
    uint64_t prev = 0;

    for (uint32_t i = 0; i < l1_size; i++) {
        uint64_t l2_off = l1[i] & QCOW2_L1E_OFFSET_MASK;
        if (!l2_off) {
            continue;
        }
        if ((l2_off & (s->cluster_size - 1)) ||
            (l2_off >> s->cluster_bits) >= cs->nb_clusters) {
            fprintf(stderr, "ERROR l2_offset=%" PRIx64 ": invalid or beyond the end of the "
                    "image\n", l2_off);
            cs->res->corruptions++;
            continue;
        }
        check_inc(bs, cs, l2_off, s->cluster_size, "L2 table");
        if (++cs->l2_reads > QCOW2_CHECK_MAX_L2_READS) {
            if (cs->l2_reads == QCOW2_CHECK_MAX_L2_READS + 1) {
                fprintf(stderr, "ERROR too many L2 tables to check; giving up\n");
                cs->res->check_errors++;
            }
            continue;
        }
        if (bdrv_file_pread(bs, l2_off, l2, s->cluster_size) < 0) {
            cs->res->check_errors++;
            continue;
        }
        for (uint32_t j = 0; j < s->l2_size; j++) {
            uint64_t e = ldq_be_p(l2 + j * 8);
            if (e & QCOW2_OFLAG_COMPRESSED) {
                uint64_t off, len;
                qcow2_compressed_desc(s, e, &off, &len);
                check_inc(bs, cs, off & ~511ULL, len + (off & 511), "compressed cluster");
                if (active) {
                    cs->res->allocated_clusters++;
                    cs->res->compressed_clusters++;
                }
                continue;
            }
            uint64_t off = e & QCOW2_L2E_OFFSET_MASK;
            if (!off) {
                continue;
            }
            if (off & (s->cluster_size - 1)) {
                fprintf(stderr, "ERROR offset=%" PRIx64 ": data cluster is not properly "
                        "aligned\n", off);
                cs->res->corruptions++;
                continue;
            }
            check_inc(bs, cs, off, s->cluster_size, "data cluster");
            if (active) {
                cs->res->allocated_clusters++;
                if (prev && off != prev + s->cluster_size) {
                    cs->res->fragmented_clusters++;
                }
                prev = off;
            }
        }
    }
    g_free(l2);
}

static void check_copied(BlockDriverState *bs, CheckState *cs, int fix)
{
    Qcow2State *s = bs->opaque;
    uint8_t *l2 = g_malloc(s->cluster_size);
    bool need_fix = false;

    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t l2_off = s->l1_table[i] & QCOW2_L1E_OFFSET_MASK;
        uint64_t rc;
        if (!l2_off || (l2_off & (s->cluster_size - 1)) ||
            (l2_off >> s->cluster_bits) >= cs->nb_clusters) {
            continue;
        }
        if (qcow2_get_refcount(bs, l2_off >> s->cluster_bits, &rc) < 0) {
            cs->res->check_errors++;
            continue;
        }
        if ((rc == 1) != !!(s->l1_table[i] & QCOW2_OFLAG_COPIED)) {
            fprintf(stderr, "%s OFLAG_COPIED L2 cluster: l1_index=%u l1_entry=%" PRIx64
                    " refcount=%" PRIu64 "\n", (fix & BDRV_FIX_ERRORS) ? "Repairing" : "ERROR",
                    i, s->l1_table[i], rc);
            cs->res->corruptions++;
            need_fix = true;
        }
        if (bdrv_file_pread(bs, l2_off, l2, s->cluster_size) < 0) {
            cs->res->check_errors++;
            continue;
        }
        for (uint32_t j = 0; j < s->l2_size; j++) {
            uint64_t e = ldq_be_p(l2 + j * 8);
            uint64_t off = e & QCOW2_L2E_OFFSET_MASK;
            if ((e & QCOW2_OFLAG_COMPRESSED) || !off || (off & (s->cluster_size - 1)) ||
                (off >> s->cluster_bits) >= cs->nb_clusters) {
                continue;
            }
            if (qcow2_get_refcount(bs, off >> s->cluster_bits, &rc) < 0) {
                cs->res->check_errors++;
                continue;
            }
            if ((rc == 1) != !!(e & QCOW2_OFLAG_COPIED)) {
                fprintf(stderr, "%s OFLAG_COPIED data cluster: l2_entry=%" PRIx64
                        " refcount=%" PRIu64 "\n",
                        (fix & BDRV_FIX_ERRORS) ? "Repairing" : "ERROR", e, rc);
                cs->res->corruptions++;
                need_fix = true;
            }
        }
    }
    g_free(l2);
    if (need_fix && (fix & BDRV_FIX_ERRORS) && !bs->read_only) {
        int before = cs->res->corruptions;
        if (qcow2_fix_copied_flags(bs) == 0) {
            cs->res->corruptions_fixed += before;
            cs->res->corruptions = 0;
        }
    }
}

/* 2^28 clusters: 16 TiB of file with 64 KiB clusters, 1 GiB of counters. */
#define QCOW2_CHECK_MAX_CLUSTERS (1ULL << 28)

int qcow2_check_refcounts(BlockDriverState *bs, BlockCheckResult *res, int fix)
{
    Qcow2State *s = bs->opaque;
    int64_t file_size = bdrv_file_size(bs);
    CheckState cs = { .res = res };

    if (file_size < 0) {
        return file_size;
    }
    if (bs->read_only) {
        fix = 0;
    }
    cs.nb_clusters = qcow2_size_to_clusters(s, file_size);
    /* One 32-bit counter per cluster of the file: refuse files so large (a
     * sparse file grown by a corrupt table, usually) that the array alone
     * would take more than 1 GiB. */
    if (cs.nb_clusters > QCOW2_CHECK_MAX_CLUSTERS) {
        error_report("qcow2: '%s' has %" PRIu64 " clusters, more than check can count",
                     bs->filename, cs.nb_clusters);
        return -EFBIG;
    }
    cs.ref = g_try_new0(uint32_t, cs.nb_clusters ? cs.nb_clusters : 1);
    if (!cs.ref) {
        return -ENOMEM;
    }
    res->total_clusters = qcow2_size_to_clusters(s, bs->total_size);

    check_inc(bs, &cs, 0, s->cluster_size, "header");
    check_inc(bs, &cs, s->l1_table_offset, (uint64_t)s->l1_size * 8, "L1 table");
    check_l1(bs, &cs, s->l1_table, s->l1_size, true);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        uint64_t *l1;
        if ((sn->l1_table_offset & (s->cluster_size - 1)) ||
            (uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
            sn->l1_table_offset + (uint64_t)sn->l1_size * 8 > (uint64_t)file_size) {
            fprintf(stderr, "ERROR snapshot %s has an invalid L1 table\n", sn->id_str);
            res->corruptions++;
            continue;
        }
        check_inc(bs, &cs, sn->l1_table_offset, (uint64_t)sn->l1_size * 8, "snapshot L1");
        l1 = g_new(uint64_t, sn->l1_size ? sn->l1_size : 1);
        if (bdrv_file_pread(bs, sn->l1_table_offset, l1, (uint64_t)sn->l1_size * 8) < 0) {
            res->check_errors++;
        } else {
            for (uint32_t j = 0; j < sn->l1_size; j++) {
                l1[j] = ldq_be_p((uint8_t *)&l1[j]);
            }
            check_l1(bs, &cs, l1, sn->l1_size, false);
        }
        g_free(l1);
    }
    check_inc(bs, &cs, s->snapshots_offset, s->snapshots_size, "snapshot table");
    check_inc(bs, &cs, s->rt_offset, (uint64_t)s->rt_clusters << s->cluster_bits,
              "refcount table");
    for (uint64_t i = 0; i < s->rt_size; i++) {
        uint64_t off = s->rt[i] & RT_OFFSET_MASK;
        if (!off) {
            continue;
        }
        if ((off & (s->cluster_size - 1)) || (off >> s->cluster_bits) >= cs.nb_clusters) {
            fprintf(stderr, "ERROR refcount block %" PRIu64 " is not cluster aligned or "
                    "beyond the end of the image\n", i);
            res->corruptions++;
            continue;
        }
        check_inc(bs, &cs, off, s->cluster_size, "refcount block");
    }

    /* Compare with the stored refcounts and repair what we are allowed to. */
    for (uint64_t c = 0; c < cs.nb_clusters; c++) {
        uint64_t stored;
        int r = qcow2_get_refcount(bs, c, &stored);
        if (r < 0) {
            res->check_errors++;
            continue;
        }
        if (stored == cs.ref[c]) {
            continue;
        }
        bool leak = stored > cs.ref[c];
        bool repair = (leak && (fix & BDRV_FIX_LEAKS)) || (!leak && (fix & BDRV_FIX_ERRORS));
        fprintf(stderr, "%s cluster %" PRIu64 " refcount=%" PRIu64 " reference=%u\n",
                repair ? "Repairing" : leak ? "Leaked" : "ERROR", c, stored, cs.ref[c]);
        if (repair && qcow2_set_refcount(bs, c, cs.ref[c]) == 0) {
            if (leak) {
                res->leaks_fixed++;
            } else {
                res->corruptions_fixed++;
            }
            if (cs.ref[c] == 0 && c < s->free_cluster_index) {
                s->free_cluster_index = c;
            }
        } else if (leak) {
            res->leaks++;
        } else {
            res->corruptions++;
        }
    }
    check_copied(bs, &cs, fix);
    res->image_end_offset = cs.end;
    g_free(cs.ref);
    if (fix && (res->leaks_fixed || res->corruptions_fixed)) {
        bdrv_file_flush(bs);
    }
    return 0;
}
