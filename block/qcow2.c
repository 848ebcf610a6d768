/*
 * qcow2 image format, versions 2 and 3 (QEMU docs/interop/qcow2.txt).
 *
 * Modelled: header + extensions (backing format, feature table), L1/L2
 * mapping with copy-on-write of shared clusters and L2 tables, cluster
 * allocation through refcounts, backing files, zlib compressed clusters
 * (read, and written by convert -c), v3 zero clusters, dirty/corrupt bits.
 * Not modelled: encryption, external data files, extended L2 entries,
 * zstd compression, persistent bitmaps (refused or ignored as the spec says).
 *
 * This file: header, open/close, create, truncate, backing file name and
 * the driver table; the guest data path is in qcow2-cluster.c.
 *
 * Metadata is written through (never cached dirty) in the order
 * refcount -> data -> L2 -> L1, and freed only after it is unlinked, so
 * a crash leaves leaked clusters at worst.
 */
#include "qemu/osdep.h"
#include "qcow2.h"

#include <unistd.h>
#include <fcntl.h>

int qcow2_mark_corrupt(BlockDriverState *bs, const char *why)
{
    Qcow2State *s = bs->opaque;
    uint8_t buf[8];

    error_report("qcow2: image '%s' is corrupt: %s; further access is refused",
                 bs->filename, why);
    if (s->version >= 3 && !bs->read_only && !(s->incompat & QCOW2_INCOMPAT_CORRUPT)) {
        s->incompat |= QCOW2_INCOMPAT_CORRUPT;
        stq_be_p(buf, s->incompat);
        bdrv_file_pwrite(bs, QH_INCOMPAT, buf, 8);
    }
    bs->read_only = true;
    return -EIO;
}

/* A tiny write-through cache of whole clusters (L2 tables, refcount blocks). */
int qcow2_cache_get(BlockDriverState *bs, Qcow2CacheEntry *cache, int n,
                    uint64_t offset, uint8_t **data, bool zero_new)
{
    Qcow2State *s = bs->opaque;
    int victim = 0;

    /* Cluster 0 is the header: no L2 table or refcount block can live there,
     * and offset 0 also marks an empty cache slot. Only a corrupt image (say,
     * refcounts claiming cluster 0 is free) gets here with it. */
    if (offset < s->cluster_size) {
        return qcow2_mark_corrupt(bs, "metadata table inside the header cluster");
    }
    for (int i = 0; i < n; i++) {
        if (cache[i].offset == offset) {
            cache[i].lru = ++s->lru_clock;
            *data = cache[i].data;
            if (zero_new) {
                memset(cache[i].data, 0, s->cluster_size);
            }
            return 0;
        }
        if (cache[i].lru < cache[victim].lru) {
            victim = i;
        }
    }
    if (!cache[victim].data) {
        cache[victim].data = g_malloc(s->cluster_size);
    }
    cache[victim].offset = 0;
    if (zero_new) {
        memset(cache[victim].data, 0, s->cluster_size);
    } else {
        int r = bdrv_file_pread(bs, offset, cache[victim].data, s->cluster_size);
        if (r < 0) {
            return r;
        }
    }
    cache[victim].offset = offset;
    cache[victim].lru = ++s->lru_clock;
    *data = cache[victim].data;
    return 0;
}

void qcow2_cache_drop(Qcow2CacheEntry *cache, int n, uint64_t offset)
{
    for (int i = 0; i < n; i++) {
        if (cache[i].offset == offset) {
            cache[i].offset = 0;
            cache[i].lru = 0;
        }
    }
}

static void qcow2_cache_free(Qcow2CacheEntry *cache, int n)
{
    for (int i = 0; i < n; i++) {
        g_free(cache[i].data);
        cache[i].data = NULL;
        cache[i].offset = 0;
    }
}

static int qcow2_probe(const uint8_t *buf, int buf_size)
{
    if (buf_size >= 8 && ldl_be_p(buf) == QCOW2_MAGIC &&
        (ldl_be_p(buf + 4) == 2 || ldl_be_p(buf + 4) == 3)) {
        return 100;
    }
    return 0;
}

int qcow2_write_l1_entry(BlockDriverState *bs, uint32_t index)
{
    Qcow2State *s = bs->opaque;
    uint8_t buf[8];

    stq_be_p(buf, s->l1_table[index]);
    return bdrv_file_pwrite(bs, s->l1_table_offset + (uint64_t)index * 8, buf, 8);
}

static int qcow2_read_extensions(BlockDriverState *bs, const uint8_t *hdr,
                                 uint32_t start, uint32_t end, GError **errp)
{
    uint32_t off = start;

    while (off + 8 <= end) {
        uint32_t type = ldl_be_p(hdr + off);
        uint32_t len = ldl_be_p(hdr + off + 4);
        off += 8;
        if (type == QCOW2_EXT_END) {
            return 0;
        }
        if (len > end - off) {
            error_setg(errp, "qcow2: header extension 0x%x overruns the header cluster",
                       type);
            return -EINVAL;
        }
        if (type == QCOW2_EXT_BACKING_FORMAT) {
            if (len >= sizeof(bs->backing_format)) {
                error_setg(errp, "qcow2: backing format name too long");
                return -EINVAL;
            }
            memcpy(bs->backing_format, hdr + off, len);
            bs->backing_format[len] = 0;
        }
        off += QEMU_ALIGN_UP(len, 8);
    }
    return 0;
}

static int qcow2_do_open(BlockDriverState *bs, int flags, GError **errp)
{
    Qcow2State *s = bs->opaque;
    int64_t file_size = bdrv_file_size(bs);
    uint8_t *hdr;
    uint32_t crypt, backing_off32;
    uint64_t backing_off, size, need_l1;
    int r;

    if (file_size < 0) {
        error_setg_errno(errp, -file_size, "Could not get size of '%s'", bs->filename);
        return file_size;
    }
    hdr = g_malloc0(1u << QCOW2_MAX_CLUSTER_BITS);
    r = bdrv_file_pread(bs, 0, hdr, QCOW2_V3_HEADER_LEN + 8);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not read qcow2 header");
        goto out;
    }
    r = -EINVAL;
    if (ldl_be_p(hdr + QH_MAGIC) != QCOW2_MAGIC) {
        error_setg(errp, "Image is not in qcow2 format");
        goto out;
    }
    s->version = ldl_be_p(hdr + QH_VERSION);
    if (s->version < 2 || s->version > 3) {
        error_setg(errp, "Unsupported qcow2 version %d", s->version);
        r = -ENOTSUP;
        goto out;
    }
    s->cluster_bits = ldl_be_p(hdr + QH_CLUSTER_BITS);
    if (s->cluster_bits < QCOW2_MIN_CLUSTER_BITS ||
        s->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "Unsupported cluster size: 2^%d", s->cluster_bits);
        goto out;
    }
    s->cluster_size = 1u << s->cluster_bits;
    r = bdrv_file_pread(bs, 0, hdr, s->cluster_size);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not read qcow2 header");
        goto out;
    }
    r = -EINVAL;
    s->l2_bits = s->cluster_bits - 3;
    s->l2_size = 1u << s->l2_bits;
    size = ldq_be_p(hdr + QH_SIZE);
    crypt = ldl_be_p(hdr + QH_CRYPT);
    s->l1_size = ldl_be_p(hdr + QH_L1_SIZE);
    s->l1_table_offset = ldq_be_p(hdr + QH_L1_OFFSET);
    s->rt_offset = ldq_be_p(hdr + QH_RT_OFFSET);
    s->rt_clusters = ldl_be_p(hdr + QH_RT_CLUSTERS);
    s->nb_snapshots = ldl_be_p(hdr + QH_NB_SNAPSHOTS);
    s->snapshots_offset = ldq_be_p(hdr + QH_SNAPSHOTS_OFFSET);
    backing_off = ldq_be_p(hdr + QH_BACKING_OFFSET);
    backing_off32 = ldl_be_p(hdr + QH_BACKING_SIZE);
    if (s->version == 2) {
        s->refcount_order = 4;
        s->header_length = QCOW2_V2_HEADER_LEN;
    } else {
        s->incompat = ldq_be_p(hdr + QH_INCOMPAT);
        s->compat = ldq_be_p(hdr + QH_COMPAT);
        s->autoclear = ldq_be_p(hdr + QH_AUTOCLEAR);
        s->refcount_order = ldl_be_p(hdr + QH_REFCOUNT_ORDER);
        s->header_length = ldl_be_p(hdr + QH_HEADER_LENGTH);
        if (s->header_length < QCOW2_V3_HEADER_LEN || s->header_length > s->cluster_size
            || s->header_length % 8) {
            error_setg(errp, "qcow2: invalid header length %u", s->header_length);
            goto out;
        }
        if (s->incompat & ~(QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT |
                            QCOW2_INCOMPAT_COMPRESSION)) {
            error_setg(errp, "Unsupported qcow2 feature(s): incompatible bits 0x%" PRIx64,
                       (uint64_t)(s->incompat & ~(QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT |
                                       QCOW2_INCOMPAT_COMPRESSION)));
            r = -ENOTSUP;
            goto out;
        }
        if ((s->incompat & QCOW2_INCOMPAT_COMPRESSION) &&
            (s->header_length <= QH_COMPRESSION_TYPE || hdr[QH_COMPRESSION_TYPE] != 0)) {
            error_setg(errp, "Unsupported qcow2 compression type (only zlib)");
            r = -ENOTSUP;
            goto out;
        }
        if ((s->incompat & QCOW2_INCOMPAT_CORRUPT) && (flags & BDRV_O_RDWR) &&
            !(flags & BDRV_O_CHECK)) {
            error_setg(errp, "qcow2: image is corrupt; cannot be opened read/write");
            goto out;
        }
    }
    if (s->refcount_order < 0 || s->refcount_order > 6) {
        error_setg(errp, "qcow2: reference count entry width too large");
        goto out;
    }
    if (crypt != 0) {
        error_setg(errp, "qcow2: encrypted images are not supported");
        r = -ENOTSUP;
        goto out;
    }
    s->refcount_bits = 1 << s->refcount_order;
    s->refcount_max = s->refcount_bits == 64 ? UINT64_MAX
                      : (1ULL << s->refcount_bits) - 1;
    s->rb_bits = s->cluster_bits + 3 - s->refcount_order;
    s->csize_shift = 62 - (s->cluster_bits - 8);
    s->csize_mask = (1ULL << (s->cluster_bits - 8)) - 1;
    s->cluster_offset_mask = (1ULL << s->csize_shift) - 1;

    /* Sizes: every table must fit the limits and lie inside the file. */
    if (size > (1ULL << 62)) {
        error_setg(errp, "qcow2: virtual size %" PRIu64 " is too large", size);
        goto out;
    }
    need_l1 = (size + ((uint64_t)s->cluster_size << s->l2_bits) - 1) >>
              (s->cluster_bits + s->l2_bits);
    if ((uint64_t)s->l1_size * 8 > QCOW2_MAX_L1_BYTES || need_l1 * 8 > QCOW2_MAX_L1_BYTES) {
        error_setg(errp, "qcow2: active L1 table too large");
        r = -EFBIG;
        goto out;
    }
    if (s->l1_size < need_l1) {
        error_setg(errp, "qcow2: L1 table is too small for the image size");
        goto out;
    }
    if ((s->l1_table_offset & (s->cluster_size - 1)) ||
        (s->l1_size && s->l1_table_offset + (uint64_t)s->l1_size * 8 > (uint64_t)file_size)) {
        error_setg(errp, "qcow2: L1 table offset invalid or beyond the end of the file");
        goto out;
    }
    if ((s->rt_offset & (s->cluster_size - 1)) || s->rt_clusters == 0 ||
        (uint64_t)s->rt_clusters * s->cluster_size > QCOW2_MAX_REFTABLE_BYTES ||
        s->rt_offset + ((uint64_t)s->rt_clusters << s->cluster_bits) > (uint64_t)file_size) {
        error_setg(errp, "qcow2: refcount table invalid or beyond the end of the file");
        goto out;
    }
    if (s->nb_snapshots > QCOW2_MAX_SNAPSHOTS ||
        (s->nb_snapshots && ((s->snapshots_offset & (s->cluster_size - 1)) ||
                             s->snapshots_offset >= (uint64_t)file_size))) {
        error_setg(errp, "qcow2: snapshot table invalid or beyond the end of the file");
        goto out;
    }
    bs->total_size = size;

    /* Header extensions and backing file name. */
    r = qcow2_read_extensions(bs, hdr, s->header_length,
                              backing_off && backing_off < s->cluster_size
                              ? (uint32_t)backing_off : s->cluster_size, errp);
    if (r < 0) {
        goto out;
    }
    r = -EINVAL;
    if (backing_off) {
        if (backing_off32 > QCOW2_MAX_BACKING_NAME || backing_off >= s->cluster_size ||
            backing_off + backing_off32 > s->cluster_size) {
            error_setg(errp, "qcow2: backing file name invalid or too long");
            goto out;
        }
        memcpy(bs->backing_file, hdr + backing_off, backing_off32);
        bs->backing_file[backing_off32] = 0;
    }

    /* L1 table. */
    s->l1_table = g_new0(uint64_t, s->l1_size ? s->l1_size : 1);
    if (s->l1_size) {
        r = bdrv_file_pread(bs, s->l1_table_offset, s->l1_table, (uint64_t)s->l1_size * 8);
        if (r < 0) {
            error_setg_errno(errp, -r, "Could not read L1 table");
            goto out;
        }
        for (uint32_t i = 0; i < s->l1_size; i++) {
            s->l1_table[i] = __builtin_bswap64(s->l1_table[i]);
        }
    }
    r = qcow2_refcount_init(bs, errp);
    if (r < 0) {
        goto out;
    }
    r = qcow2_read_snapshots(bs, errp);
    if (r < 0) {
        goto out;
    }
    s->cluster_buf = g_malloc(s->cluster_size);
    s->cbuf = g_malloc(s->cluster_size * 2 + 1024);
    s->free_cluster_index = 0;
    s->alloc_end = qcow2_size_to_clusters(s, file_size);
    /* QEMU's defaults for pass-discard-request / -snapshot / -other. */
    s->pass_discard[QCOW2_DISCARD_REQUEST] = flags & BDRV_O_UNMAP;
    s->pass_discard[QCOW2_DISCARD_SNAPSHOT] = true;
    s->pass_discard[QCOW2_DISCARD_OTHER] = false;
    s->discard_type = QCOW2_DISCARD_OTHER;
    r = 0;
out:
    g_free(hdr);
    return r;
}

static void qcow2_close(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;

    qcow2_punch_flush(bs);
    qcow2_cache_free(s->l2_cache, QCOW2_L2_CACHE);
    qcow2_cache_free(s->rb_cache, QCOW2_RB_CACHE);
    qcow2_refcount_close(bs);
    qcow2_free_snapshots(bs);
    g_free(s->l1_table);
    s->l1_table = NULL;
    g_free(s->cluster_buf);
    s->cluster_buf = NULL;
    g_free(s->cbuf);
    s->cbuf = NULL;
}

static int qcow2_open(BlockDriverState *bs, int flags, GError **errp)
{
    Qcow2State *s = bs->opaque;
    int r = qcow2_do_open(bs, flags, errp);

    if (r < 0) {
        qcow2_close(bs);
        return r;
    }
    if ((s->incompat & QCOW2_INCOMPAT_DIRTY) && (flags & BDRV_O_RDWR) &&
        !(flags & BDRV_O_CHECK)) {
        /* Lazy refcounts were in use when the writer died: rebuild them. */
        BlockCheckResult res = { 0 };
        uint8_t buf[8];
        r = qcow2_check_refcounts(bs, &res, BDRV_FIX_LEAKS | BDRV_FIX_ERRORS);
        if (r < 0 || res.corruptions > res.corruptions_fixed) {
            error_setg(errp, "qcow2: could not repair dirty image");
            qcow2_close(bs);
            return -EIO;
        }
        s->incompat &= ~QCOW2_INCOMPAT_DIRTY;
        stq_be_p(buf, s->incompat);
        bdrv_file_pwrite(bs, QH_INCOMPAT, buf, 8);
    }
    return 0;
}

static int qcow2_flush(BlockDriverState *bs)
{
    /* Metadata is written through, so only the host file needs syncing. */
    qcow2_punch_flush(bs);
    return bdrv_file_flush(bs);
}

/*
 * Snapshot operations free clusters as QCOW2_DISCARD_SNAPSHOT (QEMU's
 * pass-discard-snapshot, on by default): a deleted snapshot's data goes
 * back to the host.
 */
static int qcow2_snapshot_op(BlockDriverState *bs,
                             int (*op)(BlockDriverState *bs, const char *name, GError **errp),
                             const char *name, GError **errp)
{
    Qcow2DiscardType saved = qcow2_discard_begin(bs, QCOW2_DISCARD_SNAPSHOT);
    int r = op(bs, name, errp);

    qcow2_discard_end(bs, saved);
    return r;
}

static int qcow2_snapshot_create_punching(BlockDriverState *bs, const char *name,
                                          GError **errp)
{
    return qcow2_snapshot_op(bs, qcow2_snapshot_create, name, errp);
}

static int qcow2_snapshot_goto_punching(BlockDriverState *bs, const char *name,
                                        GError **errp)
{
    return qcow2_snapshot_op(bs, qcow2_snapshot_goto, name, errp);
}

static int qcow2_snapshot_delete_punching(BlockDriverState *bs, const char *name,
                                          GError **errp)
{
    return qcow2_snapshot_op(bs, qcow2_snapshot_delete, name, errp);
}

static int qcow2_snapshot_create_vm_punching(BlockDriverState *bs, const char *name,
                                             const void *vmstate, uint64_t len,
                                             uint64_t vm_clock_nsec, GError **errp)
{
    Qcow2DiscardType saved = qcow2_discard_begin(bs, QCOW2_DISCARD_SNAPSHOT);
    int r = qcow2_snapshot_create_vm(bs, name, vmstate, len, vm_clock_nsec, errp);

    qcow2_discard_end(bs, saved);
    return r;
}

static void qcow2_header_put_ext(uint8_t *hdr, uint32_t *off, uint32_t type,
                                 const void *data, uint32_t len)
{
    stl_be_p(hdr + *off, type);
    stl_be_p(hdr + *off + 4, len);
    memcpy(hdr + *off + 8, data, len);
    *off += 8 + QEMU_ALIGN_UP(len, 8);
}

static bool qcow2_create(const char *filename, const BlockCreateOpts *opts, GError **errp)
{
    uint32_t cs = opts->cluster_size ? opts->cluster_size : 65536;
    int version = opts->compat ? opts->compat : 3;
    int rbits = opts->refcount_bits ? opts->refcount_bits : 16;
    int cluster_bits = __builtin_ctz(cs);
    int refcount_order = __builtin_ctz(rbits);
    uint64_t size = opts->size;
    uint64_t l1_size, l1_clusters;
    uint8_t *buf;
    uint32_t off;
    int fd;
    bool ok = false;

    if (cs < 512 || cs > (2u << 20) || (cs & (cs - 1))) {
        error_setg(errp, "Cluster size must be a power of two between 512 and 2048k");
        return false;
    }
    if (version != 2 && version != 3) {
        error_setg(errp, "Invalid compatibility level");
        return false;
    }
    if ((rbits & (rbits - 1)) || rbits > 64 || (version == 2 && rbits != 16)) {
        error_setg(errp, "Invalid refcount width %d", rbits);
        return false;
    }
    if (opts->backing_file && strlen(opts->backing_file) > QCOW2_MAX_BACKING_NAME) {
        error_setg(errp, "Backing file name too long");
        return false;
    }
    if (size == 0 && opts->backing_file) {
        GError *local = NULL;
        g_autofree char *path = bdrv_resolve_backing(filename, opts->backing_file);
        BlockDriverState *b = bdrv_open(path, opts->backing_fmt, 0, &local);
        if (!b) {
            error_setg(errp, "Could not open backing file '%s': %s", path, local->message);
            g_error_free(local);
            return false;
        }
        size = b->total_size;
        bdrv_close(b);
    }
    size = QEMU_ALIGN_UP(size, 512);
    l1_size = (size + ((uint64_t)cs << (cluster_bits - 3)) - 1) >> (cluster_bits * 2 - 3);
    if (size > (1ULL << 62) || l1_size * 8 > QCOW2_MAX_L1_BYTES) {
        error_setg(errp, "Image size too large for this cluster size");
        return false;
    }
    l1_clusters = (l1_size * 8 + cs - 1) / cs;
    if (l1_clusters == 0) {
        l1_clusters = 1;
    }
    /*
     * Layout: header, refcount table, one refcount block, L1 table.
     * The first refcount block covers at least those clusters.
     */
    uint64_t rb_entries = (uint64_t)cs * 8 / rbits;
    if (3 + l1_clusters > rb_entries) {
        error_setg(errp, "Cluster size too small for the image size");
        return false;
    }
    buf = g_malloc0(cs);
    fd = open(filename, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not create '%s'", filename);
        g_free(buf);
        return false;
    }
    /* Header. */
    stl_be_p(buf + QH_MAGIC, QCOW2_MAGIC);
    stl_be_p(buf + QH_VERSION, version);
    stl_be_p(buf + QH_CLUSTER_BITS, cluster_bits);
    stq_be_p(buf + QH_SIZE, size);
    stl_be_p(buf + QH_L1_SIZE, l1_size);
    stq_be_p(buf + QH_L1_OFFSET, 3ULL * cs);
    stq_be_p(buf + QH_RT_OFFSET, 1ULL * cs);
    stl_be_p(buf + QH_RT_CLUSTERS, 1);
    if (version == 3) {
        stq_be_p(buf + QH_COMPAT, opts->lazy_refcounts ? QCOW2_COMPAT_LAZY_REFCOUNTS : 0);
        stl_be_p(buf + QH_REFCOUNT_ORDER, refcount_order);
        stl_be_p(buf + QH_HEADER_LENGTH, 112);
        off = 112;
    } else {
        off = QCOW2_V2_HEADER_LEN;
    }
    if (opts->backing_fmt) {
        qcow2_header_put_ext(buf, &off, QCOW2_EXT_BACKING_FORMAT, opts->backing_fmt,
                             strlen(opts->backing_fmt));
    }
    if (version == 3) {
        static const struct { uint8_t type, bit; const char *name; } feats[] = {
            { 0, 0, "dirty bit" }, { 0, 1, "corrupt bit" }, { 0, 2, "external data file" },
            { 0, 3, "compression type" }, { 0, 4, "extended L2 entries" },
            { 1, 0, "lazy refcounts" }, { 2, 0, "bitmaps" }, { 2, 1, "raw external data" },
        };
        uint8_t table[ARRAY_SIZE(feats) * 48] = { 0 };
        for (size_t i = 0; i < ARRAY_SIZE(feats); i++) {
            table[i * 48] = feats[i].type;
            table[i * 48 + 1] = feats[i].bit;
            memcpy(table + i * 48 + 2, feats[i].name, strlen(feats[i].name));
        }
        qcow2_header_put_ext(buf, &off, QCOW2_EXT_FEATURE_TABLE, table, sizeof(table));
    }
    off += 8;  /* end-of-extensions marker is already zero */
    if (opts->backing_file) {
        size_t len = strlen(opts->backing_file);
        if (off + len > cs) {
            error_setg(errp, "Backing file name does not fit the header cluster");
            goto out;
        }
        stq_be_p(buf + QH_BACKING_OFFSET, off);
        stl_be_p(buf + QH_BACKING_SIZE, len);
        memcpy(buf + off, opts->backing_file, len);
    }
    if (pwrite(fd, buf, cs, 0) != (ssize_t)cs) {
        goto io_err;
    }
    /* Refcount table: one entry, the refcount block at cluster 2. */
    memset(buf, 0, cs);
    stq_be_p(buf, 2ULL * cs);
    if (pwrite(fd, buf, cs, cs) != (ssize_t)cs) {
        goto io_err;
    }
    /* Refcount block: clusters 0 .. 3 + l1_clusters - 1 in use. */
    memset(buf, 0, cs);
    for (uint64_t c = 0; c < 3 + l1_clusters; c++) {
        uint64_t bit = c * rbits;
        if (rbits >= 8) {
            buf[bit / 8 + rbits / 8 - 1] = 1;
        } else {
            buf[bit / 8] |= 1 << (bit % 8);
        }
    }
    if (pwrite(fd, buf, cs, 2ULL * cs) != (ssize_t)cs) {
        goto io_err;
    }
    memset(buf, 0, cs);
    for (uint64_t c = 0; c < l1_clusters; c++) {
        if (pwrite(fd, buf, cs, (3 + c) * cs) != (ssize_t)cs) {
            goto io_err;
        }
    }
    ok = true;
    goto out;
io_err:
    error_setg_errno(errp, errno, "Could not write '%s'", filename);
out:
    close(fd);
    g_free(buf);
    return ok;
}

static int qcow2_check(BlockDriverState *bs, BlockCheckResult *res, int fix)
{
    return qcow2_check_refcounts(bs, res, fix);
}

static int qcow2_rewrite_header_backing(BlockDriverState *bs, const char *file,
                                        const char *fmt)
{
    Qcow2State *s = bs->opaque;
    uint8_t *hdr = g_malloc0(s->cluster_size);
    uint32_t off = s->header_length;
    int r = bdrv_file_pread(bs, 0, hdr, s->cluster_size);
    uint8_t *newh;

    if (r < 0) {
        g_free(hdr);
        return r;
    }
    newh = g_malloc0(s->cluster_size);
    memcpy(newh, hdr, s->header_length);
    if (fmt && *fmt) {
        qcow2_header_put_ext(newh, &off, QCOW2_EXT_BACKING_FORMAT, fmt, strlen(fmt));
    }
    /* Keep every other extension as it was. */
    for (uint32_t p = s->header_length; p + 8 <= s->cluster_size;) {
        uint32_t type = ldl_be_p(hdr + p), len = ldl_be_p(hdr + p + 4);
        if (type == QCOW2_EXT_END || len > s->cluster_size - p - 8) {
            break;
        }
        if (type != QCOW2_EXT_BACKING_FORMAT) {
            if (off + 8 + QEMU_ALIGN_UP(len, 8) + 8 > s->cluster_size) {
                r = -ENOSPC;
                goto out;
            }
            qcow2_header_put_ext(newh, &off, type, hdr + p + 8, len);
        }
        p += 8 + QEMU_ALIGN_UP(len, 8);
    }
    off += 8;
    if (file && *file) {
        size_t len = strlen(file);
        if (len > QCOW2_MAX_BACKING_NAME || off + len > s->cluster_size) {
            r = -ENOSPC;
            goto out;
        }
        stq_be_p(newh + QH_BACKING_OFFSET, off);
        stl_be_p(newh + QH_BACKING_SIZE, len);
        memcpy(newh + off, file, len);
    } else {
        stq_be_p(newh + QH_BACKING_OFFSET, 0);
        stl_be_p(newh + QH_BACKING_SIZE, 0);
    }
    r = bdrv_file_pwrite(bs, 0, newh, s->cluster_size);
    if (r == 0) {
        snprintf(bs->backing_file, sizeof(bs->backing_file), "%s", file ? file : "");
        snprintf(bs->backing_format, sizeof(bs->backing_format), "%s", fmt ? fmt : "");
    }
out:
    g_free(hdr);
    g_free(newh);
    return r;
}

/* Make the active L1 table NEED entries long (never shrinks): a new table elsewhere,
 * the header switched to it, then the old one freed. */
int qcow2_grow_l1(BlockDriverState *bs, uint64_t need, GError **errp)
{
    Qcow2State *s = bs->opaque;
    uint64_t bytes = QEMU_ALIGN_UP(need * 8, s->cluster_size);
    uint64_t old_off = s->l1_table_offset;
    uint64_t old_bytes = QEMU_ALIGN_UP((uint64_t)s->l1_size * 8, s->cluster_size);
    uint8_t hb[12];
    uint8_t *tbl;
    int64_t nl1;
    int r;

    if (need <= s->l1_size) {
        return 0;
    }
    if (need * 8 > QCOW2_MAX_L1_BYTES) {
        error_setg(errp, "qcow2: L1 table would be too large");
        return -EFBIG;
    }
    nl1 = qcow2_alloc_clusters(bs, bytes);
    if (nl1 < 0) {
        error_setg_errno(errp, -nl1, "Could not allocate L1 table");
        return nl1;
    }
    tbl = g_malloc0(bytes);
    for (uint32_t i = 0; i < s->l1_size; i++) {
        stq_be_p(tbl + i * 8, s->l1_table[i]);
    }
    r = bdrv_file_pwrite(bs, nl1, tbl, bytes);
    g_free(tbl);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not write L1 table");
        return r;
    }
    stl_be_p(hb, need);
    stq_be_p(hb + 4, nl1);
    r = bdrv_file_pwrite(bs, QH_L1_SIZE, hb, 12);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not update header");
        return r;
    }
    s->l1_table = g_renew(uint64_t, s->l1_table, need);
    memset(s->l1_table + s->l1_size, 0, (need - s->l1_size) * 8);
    s->l1_size = need;
    s->l1_table_offset = nl1;
    if (old_off && old_bytes) {
        qcow2_update_refcount(bs, old_off, old_bytes, -1);
    }
    return 0;
}

static int qcow2_truncate(BlockDriverState *bs, uint64_t size, GError **errp)
{
    Qcow2State *s = bs->opaque;
    uint64_t need = (size + ((uint64_t)s->cluster_size << s->l2_bits) - 1) >>
                    (s->cluster_bits + s->l2_bits);
    uint8_t buf[8];
    int r;

    if (size < bs->total_size) {
        error_setg(errp, "qcow2 can only grow images (use --shrink with raw)");
        return -ENOTSUP;
    }
    if (s->nb_snapshots) {
        error_setg(errp, "Can't resize an image which has snapshots");
        return -ENOTSUP;
    }
    if (need * 8 > QCOW2_MAX_L1_BYTES) {
        error_setg(errp, "Image size too large");
        return -EFBIG;
    }
    r = qcow2_grow_l1(bs, need, errp);
    if (r < 0) {
        return r;
    }
    stq_be_p(buf, size);
    r = bdrv_file_pwrite(bs, QH_SIZE, buf, 8);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not update header");
        return r;
    }
    bs->total_size = size;
    return 0;
}

static void qcow2_info_specific(BlockDriverState *bs, GString *out, bool json)
{
    Qcow2State *s = bs->opaque;
    bool lazy = s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS;
    bool corrupt = s->incompat & QCOW2_INCOMPAT_CORRUPT;

    if (json) {
        if (s->version >= 3) {
            g_string_append_printf(out,
                "{\"type\": \"qcow2\", \"data\": {\"compat\": \"1.1\", "
                "\"compression-type\": \"zlib\", \"lazy-refcounts\": %s, "
                "\"refcount-bits\": %d, \"corrupt\": %s, \"extended-l2\": false}}",
                lazy ? "true" : "false", s->refcount_bits, corrupt ? "true" : "false");
        } else {
            g_string_append_printf(out,
                "{\"type\": \"qcow2\", \"data\": {\"compat\": \"0.10\", "
                "\"compression-type\": \"zlib\", \"refcount-bits\": %d}}",
                s->refcount_bits);
        }
        return;
    }
    if (s->version >= 3) {
        g_string_append_printf(out,
            "    compat: 1.1\n    compression type: zlib\n    lazy refcounts: %s\n"
            "    refcount bits: %d\n    corrupt: %s\n    extended l2: false\n",
            lazy ? "true" : "false", s->refcount_bits, corrupt ? "true" : "false");
    } else {
        g_string_append_printf(out,
            "    compat: 0.10\n    compression type: zlib\n    refcount bits: %d\n",
            s->refcount_bits);
    }
}

const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .instance_size = sizeof(Qcow2State),
    .probe = qcow2_probe,
    .open = qcow2_open,
    .close = qcow2_close,
    .pread = qcow2_pread,
    .pwrite = qcow2_pwrite,
    .pwrite_compressed = qcow2_pwrite_compressed,
    .compress_cluster = qcow2_compress_cluster,
    .pwrite_precompressed = qcow2_pwrite_precompressed,
    .flush = qcow2_flush,
    .discard = qcow2_discard,
    .pwrite_zeroes = qcow2_pwrite_zeroes,
    .make_empty = qcow2_make_empty,
    .block_status = qcow2_block_status,
    .create = qcow2_create,
    .truncate = qcow2_truncate,
    .check = qcow2_check,
    .change_backing = qcow2_rewrite_header_backing,
    .snapshot_list = qcow2_snapshot_list,
    .snapshot_create = qcow2_snapshot_create_punching,
    .snapshot_create_vm = qcow2_snapshot_create_vm_punching,
    .save_vmstate = qcow2_save_vmstate,
    .snapshot_load_vmstate = qcow2_snapshot_load_vmstate,
    .snapshot_vmstate_extent = qcow2_snapshot_vmstate_extent,
    .snapshot_goto = qcow2_snapshot_goto_punching,
    .snapshot_delete = qcow2_snapshot_delete_punching,
    .info_specific = qcow2_info_specific,
};
