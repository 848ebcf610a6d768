/*
 * qcow2 guest data path: L1/L2 lookup, reads (plain, compressed, zero and
 * backing-file clusters), writes with allocation and copy-on-write of
 * clusters and L2 tables shared with snapshots, compressed writes, discard,
 * emptying the active layer (commit) and block status. The on-disk format
 * is QEMU's docs/interop/qcow2.txt; header, open/create and the driver
 * table live in qcow2.c, reference counts in qcow2-refcount.c.
 *
 * Metadata is written through in the order refcount -> data -> L2 -> L1,
 * and a cluster is freed only after it is unlinked, so a crash leaves
 * leaked clusters at worst.
 */
#include "qemu/osdep.h"
#include "qcow2.h"

#include <zlib.h>

/*
 * Look up the L2 entry of guest OFFSET. Returns 0 with *l2e = 0 when no
 * L2 table exists, or -errno.
 */
static int qcow2_get_l2e(BlockDriverState *bs, uint64_t offset, uint64_t *l2e)
{
    Qcow2State *s = bs->opaque;
    uint64_t l1_index = offset >> (s->cluster_bits + s->l2_bits);
    uint64_t l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    uint64_t l2_off;
    uint8_t *l2;
    int r;

    *l2e = 0;
    if (l1_index >= s->l1_size) {
        return 0;
    }
    l2_off = s->l1_table[l1_index] & QCOW2_L1E_OFFSET_MASK;
    if (!l2_off) {
        return 0;
    }
    if (l2_off & (s->cluster_size - 1)) {
        return qcow2_mark_corrupt(bs, "L2 table offset unaligned");
    }
    r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, l2_off, &l2, false);
    if (r < 0) {
        return r;
    }
    *l2e = ldq_be_p(l2 + l2_index * 8);
    return 0;
}

static int qcow2_decompress(Qcow2State *s, const uint8_t *src, uint64_t srclen,
                            uint8_t *dst)
{
    z_stream z = { 0 };
    int r;

    if (inflateInit2(&z, -12) != Z_OK) {
        return -EIO;
    }
    z.next_in = (Bytef *)src;
    z.avail_in = srclen;
    z.next_out = dst;
    z.avail_out = s->cluster_size;
    r = inflate(&z, Z_FINISH);
    /* The sector padding after the stream may leave input unread. */
    if ((r != Z_STREAM_END && r != Z_BUF_ERROR) || z.avail_out != 0) {
        inflateEnd(&z);
        return -EIO;
    }
    inflateEnd(&z);
    return 0;
}

/* Read the guest bytes [offset, offset+bytes) that lie within one cluster. */
static int qcow2_read_in_cluster(BlockDriverState *bs, uint64_t offset, uint8_t *buf,
                                 uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    uint64_t in = offset & (s->cluster_size - 1);
    uint64_t l2e;
    int r = qcow2_get_l2e(bs, offset, &l2e);

    if (r < 0) {
        return r;
    }
    if (l2e & QCOW2_OFLAG_COMPRESSED) {
        uint64_t coff, clen;
        qcow2_compressed_desc(s, l2e, &coff, &clen);
        if (clen > s->cluster_size * 2 + 1024) {
            return qcow2_mark_corrupt(bs, "compressed cluster too large");
        }
        r = bdrv_file_pread(bs, coff, s->cbuf, clen);
        if (r < 0) {
            return r;
        }
        if (qcow2_decompress(s, s->cbuf, clen, s->cluster_buf) < 0) {
            error_report("qcow2: '%s': bad compressed cluster at 0x%" PRIx64,
                         bs->filename, coff);
            return -EIO;
        }
        memcpy(buf, s->cluster_buf + in, bytes);
        return 0;
    }
    if ((l2e & QCOW2_OFLAG_ZERO) && s->version >= 3) {
        memset(buf, 0, bytes);
        return 0;
    }
    if (l2e & QCOW2_L2E_OFFSET_MASK) {
        uint64_t host = l2e & QCOW2_L2E_OFFSET_MASK;
        if (host & (s->cluster_size - 1)) {
            return qcow2_mark_corrupt(bs, "data cluster offset unaligned");
        }
        return bdrv_file_pread(bs, host + in, buf, bytes);
    }
    if (bs->backing) {
        if (offset >= bs->backing->total_size) {
            memset(buf, 0, bytes);
            return 0;
        }
        uint64_t n = MIN_U(bytes, bs->backing->total_size - offset);
        r = bdrv_pread(bs->backing, offset, buf, n);
        if (r < 0) {
            return r;
        }
        memset(buf + n, 0, bytes - n);
        return 0;
    }
    memset(buf, 0, bytes);
    return 0;
}

/*
 * Host offset of the cluster holding guest OFFSET if it is plainly allocated
 * (not compressed, not a zero cluster, aligned), else 0: the caller then takes
 * the general path, which also reports what is wrong.
 */
static uint64_t qcow2_plain_cluster(BlockDriverState *bs, uint64_t offset)
{
    Qcow2State *s = bs->opaque;
    uint64_t l2e, host;

    if (qcow2_get_l2e(bs, offset, &l2e) < 0 || (l2e & QCOW2_OFLAG_COMPRESSED) ||
        ((l2e & QCOW2_OFLAG_ZERO) && s->version >= 3)) {
        return 0;
    }
    host = l2e & QCOW2_L2E_OFFSET_MASK;
    return (host & (s->cluster_size - 1)) ? 0 : host;
}

/*
 * Whether guest [offset, offset + bytes) lies in one run of plainly allocated
 * clusters of the image file; if so, *host is where it starts there. loadvm maps
 * such a run instead of reading it.
 */
bool qcow2_contiguous_extent(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                             uint64_t *host)
{
    Qcow2State *s = bs->opaque;
    uint64_t in = offset & (s->cluster_size - 1);
    uint64_t first = qcow2_plain_cluster(bs, offset);
    uint64_t done;

    if (!first || bytes == 0) {
        return false;
    }
    for (done = s->cluster_size - in; done < bytes; done += s->cluster_size) {
        if (qcow2_plain_cluster(bs, offset + done) != first + in + done) {
            return false;
        }
    }
    *host = first + in;
    return true;
}

int qcow2_pread(BlockDriverState *bs, uint64_t offset, void *buf, uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    uint8_t *p = buf;

    while (bytes) {
        uint64_t n = MIN_U(bytes, s->cluster_size - (offset & (s->cluster_size - 1)));
        uint64_t host = qcow2_plain_cluster(bs, offset);
        int r;
        if (host) {
            /* Clusters that follow each other in the file too: one host read. */
            while (n < bytes && qcow2_plain_cluster(bs, offset + n) ==
                   host + (offset & (s->cluster_size - 1)) + n) {
                n += MIN_U(bytes - n, s->cluster_size);
            }
            r = bdrv_file_pread(bs, host + (offset & (s->cluster_size - 1)), p, n);
        } else {
            r = qcow2_read_in_cluster(bs, offset, p, n);
        }
        if (r < 0) {
            return r;
        }
        offset += n;
        p += n;
        bytes -= n;
    }
    return 0;
}

/*
 * Make the L2 table covering OFFSET exclusively ours (allocated, refcount 1,
 * COPIED in L1) and return its host offset.
 */
static int qcow2_get_l2_for_write(BlockDriverState *bs, uint64_t offset, uint64_t *l2_off)
{
    Qcow2State *s = bs->opaque;
    uint64_t l1_index = offset >> (s->cluster_bits + s->l2_bits);
    uint64_t old, l1e;
    int64_t new_off;
    uint8_t *l2;
    int r;

    if (l1_index >= s->l1_size) {
        return qcow2_mark_corrupt(bs, "write beyond the L1 table");
    }
    l1e = s->l1_table[l1_index];
    old = l1e & QCOW2_L1E_OFFSET_MASK;
    if (old && (old >> s->cluster_bits) >= s->alloc_end) {
        /* Tables in use lie below alloc_end; writing there would grow the file. */
        return qcow2_mark_corrupt(bs, "L2 table beyond the end of the image");
    }
    if (old && (l1e & QCOW2_OFLAG_COPIED)) {
        *l2_off = old;
        return 0;
    }
    new_off = qcow2_alloc_clusters(bs, s->cluster_size);
    if (new_off < 0) {
        return new_off;
    }
    if (old) {
        /* Shared with a snapshot: copy the table, data refcounts stay as they are. */
        r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, old, &l2, false);
        if (r < 0) {
            return r;
        }
        memcpy(s->cluster_buf, l2, s->cluster_size);
    } else {
        memset(s->cluster_buf, 0, s->cluster_size);
    }
    r = bdrv_file_pwrite(bs, new_off, s->cluster_buf, s->cluster_size);
    if (r < 0) {
        return r;
    }
    qcow2_cache_drop(s->l2_cache, QCOW2_L2_CACHE, new_off);
    s->l1_table[l1_index] = new_off | QCOW2_OFLAG_COPIED;
    r = qcow2_write_l1_entry(bs, l1_index);
    if (r < 0) {
        return r;
    }
    if (old) {
        qcow2_update_refcount(bs, old, s->cluster_size, -1);
    }
    *l2_off = new_off;
    return 0;
}

static int qcow2_set_l2e(BlockDriverState *bs, uint64_t l2_off, uint64_t l2_index,
                         uint64_t l2e)
{
    Qcow2State *s = bs->opaque;
    uint8_t *l2;
    int r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, l2_off, &l2, false);

    if (r < 0) {
        return r;
    }
    stq_be_p(l2 + l2_index * 8, l2e);
    r = bdrv_file_pwrite(bs, l2_off + l2_index * 8, l2 + l2_index * 8, 8);
    if (r < 0) {
        qcow2_cache_drop(s->l2_cache, QCOW2_L2_CACHE, l2_off);
    }
    return r;
}

/* Write within one cluster, allocating or copying it as needed. */
static int qcow2_write_in_cluster(BlockDriverState *bs, uint64_t offset, const uint8_t *buf,
                                  uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    uint64_t in = offset & (s->cluster_size - 1);
    uint64_t l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    uint64_t cluster_start = offset - in;
    uint64_t l2_off, l2e;
    int64_t host;
    int r;

    r = qcow2_get_l2_for_write(bs, offset, &l2_off);
    if (r < 0) {
        return r;
    }
    r = qcow2_get_l2e(bs, offset, &l2e);
    if (r < 0) {
        return r;
    }
    if ((l2e & QCOW2_OFLAG_COPIED) && !(l2e & QCOW2_OFLAG_COMPRESSED) &&
        (l2e & QCOW2_L2E_OFFSET_MASK) && !(l2e & QCOW2_OFLAG_ZERO)) {
        uint64_t hoff = l2e & QCOW2_L2E_OFFSET_MASK;
        if (hoff & (s->cluster_size - 1)) {
            return qcow2_mark_corrupt(bs, "data cluster offset unaligned");
        }
        /* Every cluster in use lies below alloc_end: writing far past it would
         * only grow the file for a corrupt entry. */
        if ((hoff >> s->cluster_bits) >= s->alloc_end) {
            return qcow2_mark_corrupt(bs, "data cluster beyond the end of the image");
        }
        return bdrv_file_pwrite(bs, hoff + in, buf, bytes);
    }
    /* New or shared cluster: build its full contents and write them elsewhere. */
    if (bytes != s->cluster_size) {
        uint64_t n = MIN_U(s->cluster_size, bs->total_size - cluster_start);
        uint8_t *tmp = g_malloc(s->cluster_size);
        r = qcow2_read_in_cluster(bs, cluster_start, tmp, n);
        if (r < 0) {
            g_free(tmp);
            return r;
        }
        memset(tmp + n, 0, s->cluster_size - n);
        memcpy(tmp + in, buf, bytes);
        host = qcow2_alloc_clusters(bs, s->cluster_size);
        if (host >= 0) {
            r = bdrv_file_pwrite(bs, host, tmp, s->cluster_size);
        }
        g_free(tmp);
    } else {
        host = qcow2_alloc_clusters(bs, s->cluster_size);
        if (host >= 0) {
            r = bdrv_file_pwrite(bs, host, buf, s->cluster_size);
        }
    }
    if (host < 0) {
        return host;
    }
    if (r < 0) {
        return r;
    }
    r = qcow2_set_l2e(bs, l2_off, l2_index, host | QCOW2_OFLAG_COPIED);
    if (r < 0) {
        return r;
    }
    qcow2_free_l2_entry(bs, l2e);
    return 0;
}

/*
 * Whole clusters that are not yet allocated, within one L2 table: one
 * contiguous allocation, one data write, one L2 write. Returns the bytes
 * written, 0 if the run does not qualify, or -errno.
 */
static int64_t qcow2_write_new_run(BlockDriverState *bs, uint64_t offset, const uint8_t *buf,
                                   uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    uint64_t l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    uint64_t k = MIN_U(bytes >> s->cluster_bits, s->l2_size - l2_index);
    uint64_t l2_off, n = 0;
    int64_t host;
    uint8_t *l2;
    int r;

    if ((offset & (s->cluster_size - 1)) || k < 2) {
        return 0;
    }
    r = qcow2_get_l2_for_write(bs, offset, &l2_off);
    if (r < 0) {
        return r;
    }
    r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, l2_off, &l2, false);
    if (r < 0) {
        return r;
    }
    /* Only never-written clusters (a zero flag alone also qualifies): nothing to free. */
    while (n < k && (ldq_be_p(l2 + (l2_index + n) * 8) & ~QCOW2_OFLAG_ZERO) == 0) {
        n++;
    }
    if (n < 2) {
        return 0;
    }
    host = qcow2_alloc_clusters(bs, n << s->cluster_bits);
    if (host < 0) {
        return host;
    }
    r = bdrv_file_pwrite(bs, host, buf, n << s->cluster_bits);
    if (r < 0) {
        return r;
    }
    r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, l2_off, &l2, false);
    if (r < 0) {
        return r;
    }
    for (uint64_t i = 0; i < n; i++) {
        stq_be_p(l2 + (l2_index + i) * 8,
                 (host + (i << s->cluster_bits)) | QCOW2_OFLAG_COPIED);
    }
    r = bdrv_file_pwrite(bs, l2_off + l2_index * 8, l2 + l2_index * 8, n * 8);
    if (r < 0) {
        qcow2_cache_drop(s->l2_cache, QCOW2_L2_CACHE, l2_off);
        return r;
    }
    return n << s->cluster_bits;
}

int qcow2_pwrite(BlockDriverState *bs, uint64_t offset, const void *buf,
                 uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    const uint8_t *p = buf;

    if (s->incompat & QCOW2_INCOMPAT_CORRUPT) {
        return -EIO;
    }
    while (bytes) {
        int64_t done = qcow2_write_new_run(bs, offset, p, bytes);
        if (done < 0) {
            return done;
        }
        if (done > 0) {
            offset += done;
            p += done;
            bytes -= done;
            continue;
        }
        uint64_t n = MIN_U(bytes, s->cluster_size - (offset & (s->cluster_size - 1)));
        int r = qcow2_write_in_cluster(bs, offset, p, n);
        if (r < 0) {
            return r;
        }
        offset += n;
        p += n;
        bytes -= n;
    }
    return 0;
}

/*
 * The stored form of one cluster (BYTES of it given, zero-padded): raw
 * deflate into OUT (room for a cluster). Touches no image state, so callers
 * may compress many clusters at once in threads. Returns the compressed
 * length, 0 if it does not shrink enough to be worth storing compressed
 * (a compressed cluster must save at least a sector), or -errno.
 */
int64_t qcow2_compress_cluster(BlockDriverState *bs, const void *in, uint64_t bytes,
                                      void *out)
{
    Qcow2State *s = bs->opaque;
    uint8_t *padded = NULL;
    z_stream z = { 0 };
    uint64_t clen;
    int r;

    if (bytes > s->cluster_size) {
        return -EINVAL;
    }
    if (bytes < s->cluster_size) {
        padded = g_malloc0(s->cluster_size);
        memcpy(padded, in, bytes);
        in = padded;
    }
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -12, 9,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        g_free(padded);
        return -EIO;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = s->cluster_size;
    z.next_out = out;
    z.avail_out = s->cluster_size;
    r = deflate(&z, Z_FINISH);
    clen = s->cluster_size - z.avail_out;
    deflateEnd(&z);
    g_free(padded);
    if (r != Z_STREAM_END || clen >= s->cluster_size - 512) {
        return 0;
    }
    return clen;
}

/* Store LEN bytes that qcow2_compress_cluster made as the cluster at OFFSET. */
int qcow2_pwrite_precompressed(BlockDriverState *bs, uint64_t offset,
                                      const void *data, uint64_t len)
{
    Qcow2State *s = bs->opaque;
    uint64_t l2_off, l2e, l2_index, nb;
    int64_t host;
    int r;

    if ((offset & (s->cluster_size - 1)) || !len || len >= s->cluster_size - 512) {
        return -EINVAL;
    }
    if (s->incompat & QCOW2_INCOMPAT_CORRUPT) {
        return -EIO;
    }
    r = qcow2_get_l2_for_write(bs, offset, &l2_off);
    if (r < 0) {
        return r;
    }
    r = qcow2_get_l2e(bs, offset, &l2e);
    if (r < 0) {
        return r;
    }
    if (l2e & ~QCOW2_OFLAG_ZERO) {
        /* Only into unallocated clusters, as qemu-img convert -c does. */
        return -EINVAL;
    }
    host = qcow2_alloc_bytes(bs, len);
    if (host < 0) {
        return host;
    }
    r = bdrv_file_pwrite(bs, host, data, len);
    if (r < 0) {
        return r;
    }
    nb = ((host + len - 1) >> 9) - (host >> 9);
    l2_index = (offset >> s->cluster_bits) & (s->l2_size - 1);
    return qcow2_set_l2e(bs, l2_off, l2_index,
                         QCOW2_OFLAG_COMPRESSED | (nb << s->csize_shift) | host);
}

int qcow2_pwrite_compressed(BlockDriverState *bs, uint64_t offset, const void *buf,
                                   uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    int64_t clen;

    if ((offset & (s->cluster_size - 1)) || bytes > s->cluster_size ||
        (bytes < s->cluster_size && offset + bytes != bs->total_size)) {
        return -EINVAL;
    }
    clen = qcow2_compress_cluster(bs, buf, bytes, s->cbuf);
    if (clen < 0) {
        return clen;
    }
    if (clen == 0) {
        /* Does not compress: store it plainly. */
        memset(s->cluster_buf, 0, s->cluster_size);
        memcpy(s->cluster_buf, buf, bytes);
        return qcow2_pwrite(bs, offset, s->cluster_buf, s->cluster_size);
    }
    return qcow2_pwrite_precompressed(bs, offset, s->cbuf, clen);
}

/* Replace the L2 entry of the cluster at OFFSET by NEWE and free what the old one held. */
static int qcow2_replace_l2e(BlockDriverState *bs, uint64_t offset, uint64_t newe)
{
    Qcow2State *s = bs->opaque;
    uint64_t l2_off, l2e;
    int r = qcow2_get_l2_for_write(bs, offset, &l2_off);

    if (r >= 0) {
        /* Read after the L2 table is ours: making it ours may have copied it. */
        r = qcow2_get_l2e(bs, offset, &l2e);
    }
    if (r >= 0) {
        r = qcow2_set_l2e(bs, l2_off, (offset >> s->cluster_bits) & (s->l2_size - 1), newe);
    }
    if (r >= 0) {
        qcow2_free_l2_entry(bs, l2e);
    }
    return r < 0 ? r : 0;
}

int qcow2_discard(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    uint64_t end = offset + bytes;
    Qcow2DiscardType saved;
    int r = 0;

    /* Only whole clusters; partial ones keep their data (a hint, not a must). */
    offset = QEMU_ALIGN_UP(offset, s->cluster_size);
    if (end != bs->total_size) {
        end = QEMU_ALIGN_DOWN(end, s->cluster_size);
    }
    saved = qcow2_discard_begin(bs, QCOW2_DISCARD_REQUEST);
    for (; offset < end && r >= 0; offset += s->cluster_size) {
        uint64_t l2e;
        r = qcow2_get_l2e(bs, offset, &l2e);
        if (r < 0 || !l2e) {
            continue;
        }
        if (!bs->backing) {
            r = qcow2_replace_l2e(bs, offset, 0);
        } else if (s->version >= 3) {
            r = qcow2_replace_l2e(bs, offset, QCOW2_OFLAG_ZERO);
        }
        /* (v2 cannot hide the backing file's data: the cluster keeps it.) */
    }
    qcow2_discard_end(bs, saved);
    return r < 0 ? r : 0;
}

/*
 * Make one whole cluster read as zeroes without writing data: a zero
 * cluster (v3) where a backing file would show through, else unallocated.
 * (v2 over a backing file has no such entry: the caller writes zeroes.)
 */
static int qcow2_zero_cluster(BlockDriverState *bs, uint64_t offset)
{
    uint64_t l2e, newe = bs->backing ? QCOW2_OFLAG_ZERO : 0;
    int r = qcow2_get_l2e(bs, offset, &l2e);

    if (r < 0 || l2e == newe) {
        return r;
    }
    return qcow2_replace_l2e(bs, offset, newe);
}

int qcow2_pwrite_zeroes(BlockDriverState *bs, uint64_t offset, uint64_t bytes)
{
    Qcow2State *s = bs->opaque;
    uint8_t *zero = NULL;
    int r = 0;

    if (s->incompat & QCOW2_INCOMPAT_CORRUPT) {
        return -EIO;
    }
    while (bytes && r == 0) {
        uint64_t in = offset & (s->cluster_size - 1);
        uint64_t n = MIN_U(bytes, s->cluster_size - in);
        /* The last cluster may pass the end of the disk: its tail never counts. */
        bool whole = in == 0 && (n == s->cluster_size || offset + n == bs->total_size);
        if (whole && (s->version >= 3 || !bs->backing)) {
            r = qcow2_zero_cluster(bs, offset);
        } else {
            if (!zero) {
                zero = g_malloc0(s->cluster_size);
            }
            r = qcow2_pwrite(bs, offset, zero, n);
        }
        offset += n;
        bytes -= n;
    }
    g_free(zero);
    return r;
}

/*
 * Give the host back the free clusters at the end of the file. The unlinks
 * that freed them are synced first, so a crash cannot leave a table pointing
 * past the new end.
 */
static int qcow2_trim_tail(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;
    int64_t fsize = bdrv_file_size(bs);
    uint64_t end;
    int r;

    if (fsize < 0) {
        return fsize;
    }
    /* Queued holes first: the truncation may cut some of them off. */
    qcow2_punch_flush(bs);
    end = qcow2_size_to_clusters(s, fsize);
    while (end > 1) {
        uint64_t rc;
        r = qcow2_get_refcount(bs, end - 1, &rc);
        if (r < 0) {
            return r;
        }
        if (rc) {
            break;
        }
        end--;
    }
    if ((end << s->cluster_bits) >= (uint64_t)fsize) {
        return 0;
    }
    r = bdrv_file_flush(bs);
    if (r < 0) {
        return r;
    }
    r = bdrv_file_truncate(bs, end << s->cluster_bits);
    if (r < 0) {
        return r;
    }
    s->alloc_end = end;
    s->free_cluster_index = MIN_U(s->free_cluster_index, end);
    return 0;
}

/*
 * Deallocate every cluster the active L1 table reaches (commit empties the
 * top image this way): unlike discard, nothing is marked ZERO, so reads fall
 * through to the backing file again. Each L2 table is unlinked from L1 first
 * and only then are it and its clusters freed, so a crash leaks at worst.
 * A table still shared with a snapshot keeps its data: only the active
 * layer's reference to it and to each of its clusters is dropped.
 */
int qcow2_make_empty(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;
    uint8_t *l2;
    Qcow2DiscardType saved;
    int r = 0;

    if (s->incompat & QCOW2_INCOMPAT_CORRUPT) {
        return -EIO;
    }
    /* QEMU frees these as a snapshot deletion would: holes punched by default. */
    saved = qcow2_discard_begin(bs, QCOW2_DISCARD_SNAPSHOT);
    l2 = g_malloc(s->cluster_size);
    for (uint32_t i = 0; i < s->l1_size && r >= 0; i++) {
        uint64_t l2_off = s->l1_table[i] & QCOW2_L1E_OFFSET_MASK;
        uint8_t *cached;
        if (!l2_off) {
            continue;
        }
        if (l2_off & (s->cluster_size - 1)) {
            r = qcow2_mark_corrupt(bs, "L2 table offset unaligned");
            break;
        }
        r = qcow2_cache_get(bs, s->l2_cache, QCOW2_L2_CACHE, l2_off, &cached, false);
        if (r < 0) {
            break;
        }
        memcpy(l2, cached, s->cluster_size);
        s->l1_table[i] = 0;
        r = qcow2_write_l1_entry(bs, i);
        if (r < 0) {
            break;
        }
        r = qcow2_update_refcount(bs, l2_off, s->cluster_size, -1);
        for (uint32_t j = 0; j < s->l2_size && r >= 0; j++) {
            qcow2_free_l2_entry(bs, ldq_be_p(l2 + j * 8));
        }
    }
    g_free(l2);
    /* Fresh compressed data must not share a cluster that may now be free. */
    s->compressed_next = 0;
    qcow2_discard_end(bs, saved);
    return r < 0 ? r : qcow2_trim_tail(bs);
}

int qcow2_block_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                              uint64_t *pnum, uint64_t *map)
{
    Qcow2State *s = bs->opaque;
    uint64_t l2e, first = 0;
    int status = -1;
    uint64_t n = 0;

    *map = 0;
    while (n < bytes) {
        uint64_t cur = offset + n;
        uint64_t len = MIN_U(bytes - n, s->cluster_size - (cur & (s->cluster_size - 1)));
        int st;
        int r = qcow2_get_l2e(bs, cur, &l2e);
        if (r < 0) {
            return r;
        }
        if (l2e & QCOW2_OFLAG_COMPRESSED) {
            st = BDRV_BLOCK_DATA | BDRV_BLOCK_COMPRESSED;
        } else if ((l2e & QCOW2_OFLAG_ZERO) && s->version >= 3) {
            st = BDRV_BLOCK_ZERO;
        } else if (l2e & QCOW2_L2E_OFFSET_MASK) {
            st = BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET;
        } else {
            st = 0;
        }
        if (status < 0) {
            status = st;
            first = (l2e & QCOW2_L2E_OFFSET_MASK) + (cur & (s->cluster_size - 1));
            *map = first;
        } else if (st != status ||
                   ((st & BDRV_BLOCK_OFFSET) &&
                    (l2e & QCOW2_L2E_OFFSET_MASK) + (cur & (s->cluster_size - 1))
                    != first + n)) {
            break;
        }
        n += len;
    }
    *pnum = n;
    if (!(status & BDRV_BLOCK_OFFSET)) {
        *map = 0;
    }
    return status;
}

