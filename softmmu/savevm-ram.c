/*
 * The RAM part of the machine stream: per RAM block, a bitmap of the pages that are
 * not zero, then those pages deflated in independent chunks of SAVEVM_CHUNK_PAGES
 * pages, so that the host's cores compress and inflate chunks in parallel (zlib is
 * the slow part of savevm). Block layout:
 *   name (u16 + bytes), size (u64), bitmap ((pages + 7) / 8 bytes), chunk count (u32),
 *   then per chunk: page count (u32), deflated length (u64), deflated bytes.
 * Chunk k holds the k-th run of SAVEVM_CHUNK_PAGES non-zero pages in address order.
 */
#include "qemu/osdep.h"
#include <zlib.h>
#include "savevm-ram.h"

#define SAVEVM_CHUNK_PAGES 512u     /* 2 MiB of guest pages per zlib stream */
#define SAVEVM_MAX_THREADS 8

static void ram_put(GByteArray *out, uint64_t v, unsigned size)
{
    uint8_t b[8];

    for (unsigned i = 0; i < size; i++) {
        b[i] = v >> (8 * i);
    }
    g_byte_array_append(out, b, size);
}

static uint64_t ram_get(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

bool savevm_page_is_zero(const uint8_t *p, size_t len)
{
    const uint64_t *q = (const uint64_t *)p;

    if (len == SAVEVM_PAGE_SIZE) {
        /* Most non-zero pages differ in their first words: test those first. */
        if (q[0] | q[1] | q[2] | q[3]) {
            return false;
        }
        return memcmp(p, p + 32, SAVEVM_PAGE_SIZE - 32) == 0;
    }
    return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* ---- parallel work over chunks ---- */

typedef struct RamJob {
    MemoryRegion *mr;
    const uint64_t *pages;      /* non-zero page numbers, in order */
    uint64_t npages;
    unsigned nchunks;
    gint next;                  /* next chunk to take (atomic) */
    gint failed;
    /* save */
    GByteArray **zout;
    /* load */
    const uint8_t **zin;
    const uint64_t *zlen;
} RamJob;

static void ram_chunk_range(RamJob *job, unsigned k, uint64_t *first, uint64_t *n)
{
    *first = (uint64_t)k * SAVEVM_CHUNK_PAGES;
    *n = MIN((uint64_t)SAVEVM_CHUNK_PAGES, job->npages - *first);
}

/* A page of the block, padded with zeroes if the block ends inside it. */
static const uint8_t *ram_page(MemoryRegion *mr, uint64_t pg, uint8_t *tail)
{
    uint64_t off = pg * SAVEVM_PAGE_SIZE;

    if (mr->size - off >= SAVEVM_PAGE_SIZE) {
        return mr->ram_ptr + off;
    }
    memset(tail, 0, SAVEVM_PAGE_SIZE);
    memcpy(tail, mr->ram_ptr + off, mr->size - off);
    return tail;
}

static bool ram_deflate_chunk(RamJob *job, unsigned k)
{
    uint64_t first, n;
    GByteArray *out = g_byte_array_sized_new(SAVEVM_CHUNK_PAGES * SAVEVM_PAGE_SIZE / 2);
    uint8_t tail[SAVEVM_PAGE_SIZE];
    z_stream zs;
    int ret;

    job->zout[k] = out;
    ram_chunk_range(job, k, &first, &n);
    memset(&zs, 0, sizeof(zs));
    /* Level 1: guest RAM is kernel text, page cache and already-compressed
     * initramfs; higher levels cost several times the time for a few percent. */
    if (deflateInit(&zs, 1) != Z_OK) {
        return false;
    }
    g_byte_array_set_size(out, deflateBound(&zs, n * SAVEVM_PAGE_SIZE));
    zs.next_out = out->data;
    zs.avail_out = out->len;
    ret = Z_OK;
    for (uint64_t i = 0; i < n && ret == Z_OK; i++) {
        zs.next_in = (Bytef *)ram_page(job->mr, job->pages[first + i], tail);
        zs.avail_in = SAVEVM_PAGE_SIZE;
        /* The output has deflateBound room: every call consumes all its input. */
        ret = deflate(&zs, i + 1 == n ? Z_FINISH : Z_NO_FLUSH);
    }
    g_byte_array_set_size(out, zs.total_out);
    deflateEnd(&zs);
    return ret == Z_STREAM_END;
}

static bool ram_inflate_chunk(RamJob *job, unsigned k)
{
    uint64_t first, n;
    uint8_t tail[SAVEVM_PAGE_SIZE];
    z_stream zs;
    bool ok = true;

    ram_chunk_range(job, k, &first, &n);
    memset(&zs, 0, sizeof(zs));
    if (inflateInit(&zs) != Z_OK) {
        return false;
    }
    zs.next_in = (Bytef *)job->zin[k];
    zs.avail_in = job->zlen[k];
    for (uint64_t i = 0; i < n && ok; i++) {
        uint64_t off = job->pages[first + i] * SAVEVM_PAGE_SIZE;
        uint64_t plen = MIN((uint64_t)SAVEVM_PAGE_SIZE, job->mr->size - off);
        int ret;

        zs.next_out = plen == SAVEVM_PAGE_SIZE ? job->mr->ram_ptr + off : tail;
        zs.avail_out = SAVEVM_PAGE_SIZE;
        ret = inflate(&zs, Z_SYNC_FLUSH);
        ok = (ret == Z_OK || ret == Z_STREAM_END) && zs.avail_out == 0;
        if (ok && plen != SAVEVM_PAGE_SIZE) {
            memcpy(job->mr->ram_ptr + off, tail, plen);
        }
    }
    inflateEnd(&zs);
    return ok;
}

static gpointer ram_worker(gpointer opaque)
{
    RamJob *job = opaque;

    for (;;) {
        unsigned k = g_atomic_int_add(&job->next, 1);

        if (k >= job->nchunks) {
            break;
        }
        if (!(job->zout ? ram_deflate_chunk(job, k) : ram_inflate_chunk(job, k))) {
            g_atomic_int_set(&job->failed, 1);
        }
    }
    return NULL;
}

/* Run the job's chunks on up to one thread per host CPU (the caller is one). */
static bool ram_run(RamJob *job)
{
    unsigned nthreads = MIN(MIN((unsigned)g_get_num_processors(), SAVEVM_MAX_THREADS),
                            job->nchunks);
    GThread *threads[SAVEVM_MAX_THREADS];

    for (unsigned i = 1; i < nthreads; i++) {
        threads[i] = g_thread_new("savevm-zlib", ram_worker, job);
    }
    ram_worker(job);
    for (unsigned i = 1; i < nthreads; i++) {
        g_thread_join(threads[i]);
    }
    return !job->failed;
}

/* ---- save ---- */

bool savevm_ram_save_block(GByteArray *out, MemoryRegion *mr, GError **errp)
{
    uint64_t npages = (mr->size + SAVEVM_PAGE_SIZE - 1) / SAVEVM_PAGE_SIZE;
    size_t bitmap_len = (npages + 7) / 8;
    g_autofree uint64_t *pages = g_new(uint64_t, npages ? npages : 1);
    RamJob job = { .mr = mr, .pages = pages };
    uint8_t tail[SAVEVM_PAGE_SIZE];
    guint bitmap_pos;
    bool ok;

    savevm_put_str(out, mr->name);
    ram_put(out, mr->size, 8);
    bitmap_pos = out->len;
    g_byte_array_set_size(out, out->len + bitmap_len);
    memset(out->data + bitmap_pos, 0, bitmap_len);
    for (uint64_t pg = 0; pg < npages; pg++) {
        uint64_t off = pg * SAVEVM_PAGE_SIZE;

        if (!savevm_page_is_zero(ram_page(mr, pg, tail), SAVEVM_PAGE_SIZE)) {
            out->data[bitmap_pos + pg / 8] |= 1u << (pg % 8);
            pages[job.npages++] = off / SAVEVM_PAGE_SIZE;
        }
    }
    job.nchunks = (job.npages + SAVEVM_CHUNK_PAGES - 1) / SAVEVM_CHUNK_PAGES;
    job.zout = g_new0(GByteArray *, job.nchunks ? job.nchunks : 1);
    ok = ram_run(&job);
    ram_put(out, job.nchunks, 4);
    for (unsigned k = 0; k < job.nchunks; k++) {
        uint64_t first, n;

        ram_chunk_range(&job, k, &first, &n);
        if (ok) {
            ram_put(out, n, 4);
            ram_put(out, job.zout[k]->len, 8);
            g_byte_array_append(out, job.zout[k]->data, job.zout[k]->len);
        }
        if (job.zout[k]) {
            g_byte_array_free(job.zout[k], true);
        }
    }
    g_free(job.zout);
    if (!ok) {
        error_setg(errp, "savevm: zlib could not compress RAM block '%s'", mr->name);
    }
    return ok;
}

/* ---- check and load ---- */

/*
 * Parse one block at buf (framing only): its bitmap and chunk table. Returns the
 * bytes used, 0 if malformed. pages/zin/zlen (may be NULL) receive the tables.
 */
static size_t ram_parse_block(const uint8_t *buf, size_t len, MemoryRegion *mr,
                              uint64_t **pages_out, uint64_t *npages_out,
                              const uint8_t ***zin_out, uint64_t **zlen_out,
                              unsigned *nchunks_out)
{
    uint64_t npages = (mr->size + SAVEVM_PAGE_SIZE - 1) / SAVEVM_PAGE_SIZE;
    size_t bitmap_len = (npages + 7) / 8;
    size_t pos = 2 + strlen(mr->name) + 8;    /* name and size, checked by the caller */
    const uint8_t *bitmap;
    uint64_t nset = 0, nchunks, covered = 0;
    uint64_t *pages = NULL;
    const uint8_t **zin = NULL;
    uint64_t *zlen = NULL;

    if (len - pos < bitmap_len + 4) {
        return 0;
    }
    bitmap = buf + pos;
    pos += bitmap_len;
    if (pages_out) {
        pages = g_new(uint64_t, npages ? npages : 1);
    }
    for (uint64_t pg = 0; pg < npages; pg++) {
        if (bitmap[pg / 8] & (1u << (pg % 8))) {
            if (pages) {
                pages[nset] = pg;
            }
            nset++;
        }
    }
    /* Bits past the last page must be clear. */
    if (npages % 8 && (bitmap[bitmap_len - 1] >> (npages % 8))) {
        goto bad;
    }
    nchunks = ram_get(buf + pos, 4);
    pos += 4;
    if (nchunks != (nset + SAVEVM_CHUNK_PAGES - 1) / SAVEVM_CHUNK_PAGES) {
        goto bad;
    }
    if (zin_out) {
        zin = g_new(const uint8_t *, nchunks ? nchunks : 1);
        zlen = g_new(uint64_t, nchunks ? nchunks : 1);
    }
    for (uint64_t k = 0; k < nchunks; k++) {
        uint64_t n, zl;

        if (len - pos < 12) {
            goto bad;
        }
        n = ram_get(buf + pos, 4);
        zl = ram_get(buf + pos + 4, 8);
        pos += 12;
        if (n != MIN((uint64_t)SAVEVM_CHUNK_PAGES, nset - covered) || zl > len - pos) {
            goto bad;
        }
        if (zin) {
            zin[k] = buf + pos;
            zlen[k] = zl;
        }
        covered += n;
        pos += zl;
    }
    if (pages_out) {
        *pages_out = pages;
        *npages_out = nset;
    }
    if (zin_out) {
        *zin_out = zin;
        *zlen_out = zlen;
        *nchunks_out = nchunks;
    }
    return pos;

bad:
    g_free(pages);
    g_free(zin);
    g_free(zlen);
    return 0;
}

size_t savevm_ram_check_block(const uint8_t *buf, size_t len, MemoryRegion *mr)
{
    return ram_parse_block(buf, len, mr, NULL, NULL, NULL, NULL, NULL);
}

size_t savevm_ram_load_block(const uint8_t *buf, size_t len, MemoryRegion *mr,
                             GError **errp)
{
    uint64_t npages = (mr->size + SAVEVM_PAGE_SIZE - 1) / SAVEVM_PAGE_SIZE;
    RamJob job = { .mr = mr };
    g_autofree uint64_t *pages = NULL;
    g_autofree const uint8_t **zin = NULL;
    g_autofree uint64_t *zlen = NULL;
    uint64_t next = 0;
    size_t used;

    used = ram_parse_block(buf, len, mr, &pages, &job.npages, &zin, &zlen, &job.nchunks);
    if (!used) {
        error_setg(errp, "loadvm: RAM block '%s' is malformed", mr->name);
        return 0;
    }
    job.pages = pages;
    job.zin = zin;
    job.zlen = zlen;
    /* Zero the pages that were zero at save, touching only those that are not zero
     * now, so host pages a fresh guest never used stay unallocated. */
    for (uint64_t pg = 0; pg < npages; pg++) {
        uint64_t off = pg * SAVEVM_PAGE_SIZE;
        size_t plen = MIN((uint64_t)SAVEVM_PAGE_SIZE, mr->size - off);

        if (next < job.npages && pages[next] == pg) {
            next++;
        } else if (!savevm_page_is_zero(mr->ram_ptr + off, plen)) {
            memset(mr->ram_ptr + off, 0, plen);
        }
    }
    if (!ram_run(&job)) {
        error_setg(errp, "loadvm: RAM block '%s' is corrupted", mr->name);
        return 0;
    }
    return used;
}
