/*
 * The RAM part of the machine stream: per RAM block, a bitmap of the pages that are
 * not zero, then those pages deflated in independent chunks of SAVEVM_CHUNK_PAGES
 * pages, so that the host's cores compress and inflate chunks in parallel. Block
 * layout:
 *   name (u16 + bytes), size (u64), bitmap ((pages + 7) / 8 bytes), chunk count (u32),
 *   then per chunk: page count (u32), deflated length (u64), deflated bytes.
 * Chunk k holds the k-th run of SAVEVM_CHUNK_PAGES non-zero pages in address order,
 * as one zlib (RFC 1950) stream.
 *
 * The codec is ISA-L's igzip (level 1 deflate, about seven times zlib's speed for the
 * same ratio on guest RAM; its inflate about three times zlib's), and 64 KiB segments
 * that deflate would not shrink to 30% are stored instead (savevm_zlib_deflate says
 * why).
 * Both sides speak plain zlib streams, so zlib's inflate reads what is written here,
 * and streams that earlier versions wrote with zlib's deflate still load.
 *
 * Finding the zero pages costs more than it seems: guest RAM is a private anonymous
 * mapping (softmmu/memory.c), and reading a page the guest never touched makes the
 * kernel map the zero page, one fault per 4 KiB. /proc/self/pagemap tells which pages
 * were never populated (neither present nor swapped: they read as zero), so the scan
 * reads only the others. On load, pages that are zero in the snapshot are dropped
 * with MADV_DONTNEED, which zeroes them without touching (or allocating) them.
 *
 * Threads: one per host CPU. The zero scan and the inflate split their work among
 * the caller and the workers; for deflate the caller instead appends finished
 * chunks to the stream, in order (passing them on to the sink that writes it),
 * while the workers compress the later ones, a few chunks ahead at most.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include "savevm-ram.h"

#define SAVEVM_CHUNK_PAGES 512u     /* 2 MiB of guest pages per zlib stream */
#define SAVEVM_ZLIB_SEGMENT (64u * 1024)  /* compressed or stored as a whole */
#define SAVEVM_ZLIB_SAMPLE 4096u    /* bytes compressed to choose between the two */
#define SAVEVM_SCAN_PAGES 4096u     /* 16 MiB of RAM per zero-scan work unit */
#define SAVEVM_MAX_THREADS 8
#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_SWAPPED (1ull << 62)

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

/* ---- one stream ---- */

size_t savevm_zlib_bound(size_t len)
{
    /* Stored pieces cost 5 bytes per 64 KiB, each segment ends with a 5-byte flush
     * marker; header, trailer and generous slack on top. */
    return len + len / 1024 + 1024;
}

/* A stored deflate block (RFC 1951 3.2.4) of len <= 65535 bytes, not the last one;
 * the output is byte-aligned before and after. */
static uint8_t *zlib_put_stored(uint8_t *o, const uint8_t *in, size_t len)
{
    o[0] = 0x00;                /* BFINAL 0, BTYPE 00, padding to the byte */
    o[1] = len;
    o[2] = len >> 8;
    o[3] = ~len;
    o[4] = ~len >> 8;
    memcpy(o + 5, in, len);
    return o + 5 + len;
}

/*
 * A deflate stream with every field defined. isal_deflate_stateless_init sets only
 * some of them: hist_bits (the window, 0 meaning 32 KiB) and parts of the internal
 * state, its history buffer included, are read by isal_deflate_stateless as they
 * are. On the stack they hold whatever an earlier call left there (threads also
 * reuse the stacks of threads that ended), and the same RAM then deflates to a
 * different, equally valid stream, so a snapshot loaded and saved again would not
 * come out byte for byte the same. The struct is 90 KiB: zlib_deflate_segments
 * zeroes one per chunk and reuses it, what one segment leaves in it being the same
 * from one save to the next.
 */
static void zlib_stream_init(struct isal_zstream *zs)
{
    isal_deflate_stateless_init(zs);
}

/*
 * Whether deflate gets seg to about 30% of its size or less, judged from its first
 * SAVEVM_ZLIB_SAMPLE bytes. The trial uses level 0, igzip's fixed Huffman code:
 * level 1 builds a code for every call, and on the trial's 4 KiB that took most of
 * its time (on a booted guest's RAM a level 1 trial cost 23 us where the segment
 * was then stored, 10 us where it was compressed, and the trials were 40% of the
 * workers' time). Level 0 also stops as soon as its output is full, which for the
 * segments to store is early: on 4 KiB of random bytes its trial takes 2.2 us
 * (level 1: 16 us), on text 5.5 us (9 us). Its output is larger than level 1's:
 * on the same RAM, level 0 getting the sample to 38% picked the same segments as
 * level 1 getting it to 30% for 782 of 791 segments (3 more compressed, 6 fewer).
 */
static bool zlib_worth_compressing(struct isal_zstream *zs, const uint8_t *seg,
                                   size_t len, uint8_t *scratch)
{
    size_t n = MIN(len, (size_t)SAVEVM_ZLIB_SAMPLE);

    zlib_stream_init(zs);
    zs->level = 0;
    zs->end_of_stream = 1;
    zs->next_in = (uint8_t *)seg;
    zs->avail_in = n;
    zs->next_out = scratch;
    zs->avail_out = n * 38 / 100;   /* more than that: overflow, not worth it */
    return isal_deflate_stateless(zs) == COMP_OK && zs->avail_in == 0;
}

/*
 * Where deflate reads its input: the n bytes at pos (a multiple of
 * SAVEVM_ZLIB_SEGMENT, n at most that), in place or copied into scratch
 * (SAVEVM_ZLIB_SEGMENT bytes). Chunks of scattered pages are gathered a segment at a
 * time: the segment is then still in the cache when deflate and the checksum read
 * it, and no worker needs a whole chunk's worth of fresh memory to gather into.
 */
typedef const uint8_t *ZlibSegmentFn(void *opaque, size_t pos, size_t n,
                                     uint8_t *scratch);

static const uint8_t *zlib_segment_in_place(void *opaque, size_t pos, size_t n,
                                            uint8_t *scratch)
{
    return (const uint8_t *)opaque + pos;
}

/*
 * One zlib stream of in, built segment by segment (SAVEVM_ZLIB_SEGMENT bytes):
 * a segment that deflate gets to 30% is compressed by igzip as raw deflate ending in a
 * full flush (byte-aligned, no history carried over, so any inflater decodes the
 * segments in sequence); one it does not is written as stored blocks. Inflating a
 * stored block is a copy, while inflating deflate output that barely shrank costs
 * as much as it does for good data: on a booted guest's RAM (compressed kernel and
 * initrd images, page-cache text, random pool; 40 MiB of non-zero pages), on one
 * core, compressing every segment took 110 ms to deflate and 79 ms to inflate for a
 * state of 17.7 MiB; compressing only what deflate halves 49 / 33 ms for 27.4 MiB;
 * only what it gets to 30%, 35 / 23 ms for 31.1 MiB. The last is used: QEMU writes
 * 43.5 MiB uncompressed in about the time the first takes, and savevm has to be as
 * quick as that with a smaller state. The choice is made on a 4 KiB sample, so
 * stored segments cost no deflate time.
 */
static bool zlib_deflate_segments(ZlibSegmentFn *segment, void *opaque, size_t len,
                                  uint8_t *scratch, uint8_t *out, size_t *out_len,
                                  uint8_t *level_buf, size_t level_buf_size)
{
    uint8_t *o = out, *end = out + *out_len;
    struct isal_zstream zs;
    uint32_t adler = 1;

    if (*out_len < savevm_zlib_bound(len)) {
        return false;
    }
    memset(&zs, 0, sizeof(zs));
    /* CMF: deflate, 32 KiB window; FLG: fastest level, no dictionary, FCHECK. */
    *o++ = 0x78;
    *o++ = 0x01;
    for (size_t pos = 0; pos < len; pos += SAVEVM_ZLIB_SEGMENT) {
        size_t n = MIN(len - pos, (size_t)SAVEVM_ZLIB_SEGMENT);
        const uint8_t *in = segment(opaque, pos, n, scratch);
        bool stored = true;

        if (zlib_worth_compressing(&zs, in, n, o)) {
            zlib_stream_init(&zs);
            zs.level = 1;
            zs.level_buf = level_buf;
            zs.level_buf_size = level_buf_size;
            zs.gzip_flag = IGZIP_DEFLATE;
            zs.end_of_stream = 0;
            zs.flush = FULL_FLUSH;
            zs.next_in = (uint8_t *)in;
            zs.avail_in = n;
            zs.next_out = o;
            zs.avail_out = MIN((size_t)(end - o), n);   /* never more than stored */
            if (isal_deflate_stateless(&zs) == COMP_OK && zs.avail_in == 0) {
                o += zs.total_out;
                stored = false;
            }
        }
        for (size_t i = 0; stored && i < n; i += 65535) {
            o = zlib_put_stored(o, in + i, MIN(n - i, (size_t)65535));
        }
        adler = isal_adler32(adler, in, n);
    }
    /* The last block: empty, stored, BFINAL set. Then Adler-32, big-endian. */
    memcpy(o, "\x01\x00\x00\xff\xff", 5);
    o += 5;
    *o++ = adler >> 24;
    *o++ = adler >> 16;
    *o++ = adler >> 8;
    *o++ = adler;
    *out_len = o - out;
    return true;
}

bool savevm_zlib_deflate(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len,
                         uint8_t *level_buf, size_t level_buf_size)
{
    return zlib_deflate_segments(zlib_segment_in_place, (void *)in, len, NULL, out,
                                 out_len, level_buf, level_buf_size);
}

bool savevm_zlib_inflate(const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
    struct inflate_state st;

    isal_inflate_init(&st);
    st.crc_flag = ISAL_ZLIB;
    st.next_in = (uint8_t *)in;
    st.avail_in = len;
    st.next_out = out;
    st.avail_out = out_len;
    /* The stream must end (checksum verified) exactly when out is full. */
    return isal_inflate_stateless(&st) == ISAL_DECOMP_OK &&
           st.block_state == ISAL_BLOCK_FINISH && st.total_out == out_len;
}

/* ---- parallel work over units ---- */

typedef enum RamPhase {
    RAM_SCAN,       /* units of SAVEVM_SCAN_PAGES pages: fill the bitmap */
    RAM_DEFLATE,    /* units are chunks */
    RAM_INFLATE,
} RamPhase;

typedef struct RamChunkOut {
    uint8_t *data;
    size_t len;
    bool done;                  /* under RamJob.lock */
} RamChunkOut;

typedef struct RamJob {
    RamPhase phase;
    MemoryRegion *mr;
    uint64_t npages;            /* pages of the block (scan) or non-zero pages */
    const uint64_t *pages;      /* non-zero page numbers, in order */
    unsigned nunits;
    gint next;                  /* next unit to take (atomic) */
    gint failed;
    /* scan */
    uint8_t *bitmap;
    int pagemap_fd;             /* -1: scan every page */
    /* deflate: workers mark chunks done, the caller appends them in order */
    RamChunkOut *zout;
    GPtrArray *free_bufs;       /* output buffers appended, to reuse (under lock) */
    unsigned appended;          /* chunks appended (under lock) */
    unsigned ahead;             /* chunk k waits until k < appended + ahead */
    GMutex lock;
    GCond cond;
    /* inflate */
    const uint8_t **zin;
    const uint64_t *zlen;
} RamJob;

/* Scratch memory of one worker thread, allocated when first needed. */
typedef struct RamScratch {
    uint8_t *level_buf;
    uint8_t *pages;             /* SAVEVM_CHUNK_PAGES pages, to scatter (inflate) */
    uint8_t *segment;           /* SAVEVM_ZLIB_SEGMENT bytes, gathered (deflate) */
    uint64_t *pagemap;          /* SAVEVM_SCAN_PAGES entries */
} RamScratch;

static void ram_chunk_range(RamJob *job, unsigned k, uint64_t *first, uint64_t *n)
{
    *first = (uint64_t)k * SAVEVM_CHUNK_PAGES;
    *n = MIN((uint64_t)SAVEVM_CHUNK_PAGES, job->npages - *first);
}

/* Bytes of the block in page pg (SAVEVM_PAGE_SIZE but for a short last page). */
static size_t ram_page_len(MemoryRegion *mr, uint64_t pg)
{
    return MIN((uint64_t)SAVEVM_PAGE_SIZE, mr->size - pg * SAVEVM_PAGE_SIZE);
}

/* Whether the chunk's pages are one run of whole pages, usable in place. */
static bool ram_chunk_contiguous(RamJob *job, uint64_t first, uint64_t n)
{
    uint64_t last = job->pages[first + n - 1];

    return last - job->pages[first] == n - 1 &&
           ram_page_len(job->mr, last) == SAVEVM_PAGE_SIZE;
}

static void ram_scan_unit(RamJob *job, RamScratch *sc, unsigned u)
{
    MemoryRegion *mr = job->mr;
    uint64_t first = (uint64_t)u * SAVEVM_SCAN_PAGES;
    uint64_t n = MIN((uint64_t)SAVEVM_SCAN_PAGES, job->npages - first);
    bool map = false;

    if (job->pagemap_fd >= 0) {
        off_t pos = ((uintptr_t)mr->ram_ptr / SAVEVM_PAGE_SIZE + first) * 8;

        if (!sc->pagemap) {
            sc->pagemap = g_new(uint64_t, SAVEVM_SCAN_PAGES);
        }
        map = pread(job->pagemap_fd, sc->pagemap, n * 8, pos) == (ssize_t)(n * 8);
    }
    /* Units start on a multiple of 8 pages: each owns its bitmap bytes. */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t pg = first + i;

        if (map && !(sc->pagemap[i] & (PAGEMAP_PRESENT | PAGEMAP_SWAPPED))) {
            continue;   /* never populated: reads as zero */
        }
        if (!savevm_page_is_zero(mr->ram_ptr + pg * SAVEVM_PAGE_SIZE,
                                 ram_page_len(mr, pg))) {
            job->bitmap[pg / 8] |= 1u << (pg % 8);
        }
    }
}

/* The pages of one chunk, as deflate reads them. */
typedef struct RamChunkIn {
    MemoryRegion *mr;
    const uint64_t *pages;      /* the chunk's page numbers */
} RamChunkIn;

/* A segment of the chunk: in place where its pages are one run of whole pages,
 * else gathered (a short last page padded with zeroes). */
static const uint8_t *ram_chunk_segment(void *opaque, size_t pos, size_t n,
                                        uint8_t *scratch)
{
    RamChunkIn *ci = opaque;
    MemoryRegion *mr = ci->mr;
    const uint64_t *pages = ci->pages + pos / SAVEVM_PAGE_SIZE;
    size_t np = n / SAVEVM_PAGE_SIZE;
    uint64_t last = pages[np - 1];

    if (last - pages[0] == np - 1 && ram_page_len(mr, last) == SAVEVM_PAGE_SIZE) {
        return mr->ram_ptr + pages[0] * SAVEVM_PAGE_SIZE;
    }
    for (size_t i = 0; i < np; i++) {
        size_t plen = ram_page_len(mr, pages[i]);
        uint8_t *dst = scratch + i * SAVEVM_PAGE_SIZE;

        memcpy(dst, mr->ram_ptr + pages[i] * SAVEVM_PAGE_SIZE, plen);
        memset(dst + plen, 0, SAVEVM_PAGE_SIZE - plen);
    }
    return scratch;
}

/* An output buffer for a chunk: one the caller has finished with, if any. Reusing
 * them keeps the memory deflate writes to mapped and in the cache. */
static uint8_t *ram_out_buf_get(RamJob *job)
{
    uint8_t *buf = NULL;

    g_mutex_lock(&job->lock);
    if (job->free_bufs->len) {
        buf = g_ptr_array_steal_index_fast(job->free_bufs, job->free_bufs->len - 1);
    }
    g_mutex_unlock(&job->lock);
    return buf ? buf : g_malloc(savevm_zlib_bound(SAVEVM_CHUNK_PAGES * SAVEVM_PAGE_SIZE));
}

static bool ram_deflate_chunk(RamJob *job, RamScratch *sc, unsigned k)
{
    uint64_t first, n;
    RamChunkIn ci = { .mr = job->mr };
    size_t len, out_len;

    ram_chunk_range(job, k, &first, &n);
    ci.pages = job->pages + first;
    len = n * SAVEVM_PAGE_SIZE;
    if (!sc->level_buf) {
        sc->level_buf = g_malloc(ISAL_DEF_LVL1_DEFAULT);
        sc->segment = g_malloc(SAVEVM_ZLIB_SEGMENT);
    }
    out_len = savevm_zlib_bound(SAVEVM_CHUNK_PAGES * SAVEVM_PAGE_SIZE);
    job->zout[k].data = ram_out_buf_get(job);
    if (!zlib_deflate_segments(ram_chunk_segment, &ci, len, sc->segment,
                               job->zout[k].data, &out_len, sc->level_buf,
                               ISAL_DEF_LVL1_DEFAULT)) {
        return false;
    }
    job->zout[k].len = out_len;
    return true;
}

static bool ram_inflate_chunk(RamJob *job, RamScratch *sc, unsigned k)
{
    MemoryRegion *mr = job->mr;
    uint64_t first, n;

    ram_chunk_range(job, k, &first, &n);
    if (ram_chunk_contiguous(job, first, n)) {
        return savevm_zlib_inflate(job->zin[k], job->zlen[k],
                                   mr->ram_ptr + job->pages[first] * SAVEVM_PAGE_SIZE,
                                   n * SAVEVM_PAGE_SIZE);
    }
    if (!sc->pages) {
        sc->pages = g_malloc(SAVEVM_CHUNK_PAGES * SAVEVM_PAGE_SIZE);
    }
    if (!savevm_zlib_inflate(job->zin[k], job->zlen[k], sc->pages,
                             n * SAVEVM_PAGE_SIZE)) {
        return false;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t pg = job->pages[first + i];

        memcpy(mr->ram_ptr + pg * SAVEVM_PAGE_SIZE, sc->pages + i * SAVEVM_PAGE_SIZE,
               ram_page_len(mr, pg));
    }
    return true;
}

static gpointer ram_worker(gpointer opaque)
{
    RamJob *job = opaque;
    RamScratch sc = { 0 };

    for (;;) {
        unsigned k = g_atomic_int_add(&job->next, 1);
        bool ok = true;

        if (k >= job->nunits) {
            break;
        }
        switch (job->phase) {
        case RAM_SCAN:
            ram_scan_unit(job, &sc, k);
            break;
        case RAM_DEFLATE:
            /* Keep within reach of the caller, so that the chunks waiting to be
             * appended, each in memory of its own, stay few. */
            g_mutex_lock(&job->lock);
            while (k >= job->appended + job->ahead) {
                g_cond_wait(&job->cond, &job->lock);
            }
            g_mutex_unlock(&job->lock);
            ok = ram_deflate_chunk(job, &sc, k);
            if (!ok) {
                /* Before the chunk shows as done: its reader checks this. */
                g_atomic_int_set(&job->failed, 1);
            }
            g_mutex_lock(&job->lock);
            job->zout[k].done = true;
            g_cond_broadcast(&job->cond);
            g_mutex_unlock(&job->lock);
            break;
        case RAM_INFLATE:
            ok = ram_inflate_chunk(job, &sc, k);
            break;
        }
        if (!ok) {
            g_atomic_int_set(&job->failed, 1);
        }
    }
    g_free(sc.level_buf);
    g_free(sc.pages);
    g_free(sc.segment);
    g_free(sc.pagemap);
    return NULL;
}

static unsigned ram_threads(RamJob *job)
{
    return MIN(MIN((unsigned)g_get_num_processors(), SAVEVM_MAX_THREADS), job->nunits);
}

/* Start the job's units on workers, up to one thread per host CPU; the caller
 * either works too (ram_run) or consumes results (deflate), then joins. */
static unsigned ram_start(RamJob *job, GThread **threads, unsigned first)
{
    unsigned nthreads = ram_threads(job);

    job->next = 0;
    for (unsigned i = first; i < nthreads; i++) {
        threads[i] = g_thread_new("savevm-ram", ram_worker, job);
    }
    return nthreads;
}

static bool ram_join(RamJob *job, GThread **threads, unsigned first, unsigned nthreads)
{
    for (unsigned i = first; i < nthreads; i++) {
        g_thread_join(threads[i]);
    }
    return !job->failed;
}

static bool ram_run(RamJob *job)
{
    GThread *threads[SAVEVM_MAX_THREADS];
    unsigned n = ram_start(job, threads, 1);

    ram_worker(job);
    return ram_join(job, threads, 1, n);
}

/* ---- save ---- */

/* pagemap entries and madvise work on host pages: both need them to be ours. */
static bool ram_host_page_ok(void)
{
    return sysconf(_SC_PAGESIZE) == SAVEVM_PAGE_SIZE;
}

/* The block's non-zero pages, as a bitmap at bitmap (zeroed by the caller). */
/*
 * /proc/self/pagemap, if it can be trusted to say which pages are populated: a page
 * just written must show as present. Some kernels and sandboxes have no pagemap or
 * one that reports nothing; believing the latter would lose the guest's memory.
 */
static int ram_open_pagemap(void)
{
    g_autofree uint8_t *probe = NULL;
    uint64_t entry = 0;
    int fd;

    if (!ram_host_page_ok()) {
        return -1;
    }
    fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    probe = g_malloc(2 * SAVEVM_PAGE_SIZE);
    /* One byte of a page wholly inside the allocation. */
    ((volatile uint8_t *)probe)[SAVEVM_PAGE_SIZE] = 1;
    if (pread(fd, &entry, 8, ((uintptr_t)probe / SAVEVM_PAGE_SIZE + 1) * 8) != 8 ||
        !(entry & PAGEMAP_PRESENT)) {
        close(fd);
        return -1;
    }
    return fd;
}

static void ram_scan_block(MemoryRegion *mr, uint64_t npages, uint8_t *bitmap)
{
    RamJob job = { .phase = RAM_SCAN, .mr = mr, .npages = npages, .bitmap = bitmap };

    /* Without pagemap every page is read. */
    job.pagemap_fd = ram_open_pagemap();
    job.nunits = (npages + SAVEVM_SCAN_PAGES - 1) / SAVEVM_SCAN_PAGES;
    ram_run(&job);
    if (job.pagemap_fd >= 0) {
        close(job.pagemap_fd);
    }
}

void savevm_sink_push(SavevmSink *sink, GByteArray *out, bool final)
{
    uint64_t len = out->len;

    if (!sink || sink->err || !len || (!final && len < SAVEVM_SINK_PIECE)) {
        return;
    }
    if (!final) {
        len -= len % SAVEVM_SINK_ALIGN;
    }
    if (!sink->write(sink->opaque, out->data, sink->done, len, &sink->err)) {
        return;
    }
    sink->crc = crc32_gzip_refl(sink->crc, out->data, len);
    sink->done += len;
    /* What stays is less than SAVEVM_SINK_ALIGN (but when final, nothing). */
    g_byte_array_remove_range(out, 0, len);
}

bool savevm_ram_save_block(GByteArray *out, MemoryRegion *mr, SavevmSink *sink,
                           GError **errp)
{
    uint64_t npages = (mr->size + SAVEVM_PAGE_SIZE - 1) / SAVEVM_PAGE_SIZE;
    size_t bitmap_len = (npages + 7) / 8;
    g_autofree uint64_t *pages = g_new(uint64_t, npages ? npages : 1);
    RamJob job = { .phase = RAM_DEFLATE, .mr = mr, .pages = pages };
    GThread *threads[SAVEVM_MAX_THREADS];
    unsigned nthreads;
    guint bitmap_pos;
    bool ok;

    savevm_put_str(out, mr->name);
    ram_put(out, mr->size, 8);
    bitmap_pos = out->len;
    g_byte_array_set_size(out, out->len + bitmap_len);
    memset(out->data + bitmap_pos, 0, bitmap_len);
    ram_scan_block(mr, npages, out->data + bitmap_pos);
    for (uint64_t pg = 0; pg < npages; pg++) {
        if (out->data[bitmap_pos + pg / 8] & (1u << (pg % 8))) {
            pages[job.npages++] = pg;
        }
    }
    job.nunits = (job.npages + SAVEVM_CHUNK_PAGES - 1) / SAVEVM_CHUNK_PAGES;
    job.zout = g_new0(RamChunkOut, job.nunits ? job.nunits : 1);
    ram_put(out, job.nunits, 4);
    /* The workers compress; this thread appends each chunk as soon as it and
     * those before it are done, so the copy overlaps the compression. */
    job.free_bufs = g_ptr_array_new_with_free_func(g_free);
    g_mutex_init(&job.lock);
    g_cond_init(&job.cond);
    /* Chunks not yet appended each hold a buffer of their own: without a limit the
     * workers ran up to 12 chunks (20 MiB of fresh memory) ahead of this thread. */
    job.ahead = ram_threads(&job) + 2;
    nthreads = ram_start(&job, threads, 0);
    for (unsigned k = 0; k < job.nunits; k++) {
        uint64_t first, n;

        g_mutex_lock(&job.lock);
        while (!job.zout[k].done) {
            g_cond_wait(&job.cond, &job.lock);
        }
        g_mutex_unlock(&job.lock);
        if (!g_atomic_int_get(&job.failed)) {
            ram_chunk_range(&job, k, &first, &n);
            ram_put(out, n, 4);
            ram_put(out, job.zout[k].len, 8);
            g_byte_array_append(out, job.zout[k].data, job.zout[k].len);
            /* This thread only waits for the workers: writing here is free. */
            savevm_sink_push(sink, out, false);
        }
        g_mutex_lock(&job.lock);
        if (job.zout[k].data) {
            g_ptr_array_add(job.free_bufs, job.zout[k].data);
            job.zout[k].data = NULL;
        }
        job.appended = k + 1;
        g_cond_broadcast(&job.cond);
        g_mutex_unlock(&job.lock);
    }
    ok = ram_join(&job, threads, 0, nthreads);
    g_mutex_clear(&job.lock);
    g_cond_clear(&job.cond);
    g_ptr_array_free(job.free_bufs, true);
    g_free(job.zout);
    if (!ok) {
        error_setg(errp, "savevm: could not compress RAM block '%s'", mr->name);
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

    if (len < pos || len - pos < bitmap_len + 4) {
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

/* Make pages [first, first + n) of the block zero. */
static void ram_zero_range(MemoryRegion *mr, uint64_t first, uint64_t n, bool can_drop)
{
    uint8_t *p = mr->ram_ptr + first * SAVEVM_PAGE_SIZE;

    /* The block is a private anonymous mapping rounded up to whole host pages:
     * dropping its pages zeroes them and gives the memory back. */
    if (can_drop && madvise(p, n * SAVEVM_PAGE_SIZE, MADV_DONTNEED) == 0) {
        return;
    }
    for (uint64_t pg = first; pg < first + n; pg++) {
        uint8_t *q = mr->ram_ptr + pg * SAVEVM_PAGE_SIZE;
        size_t plen = ram_page_len(mr, pg);

        /* Touch only pages that are not zero, so unused ones stay unallocated. */
        if (!savevm_page_is_zero(q, plen)) {
            memset(q, 0, plen);
        }
    }
}

size_t savevm_ram_load_block(const uint8_t *buf, size_t len, MemoryRegion *mr,
                             GError **errp)
{
    uint64_t npages = (mr->size + SAVEVM_PAGE_SIZE - 1) / SAVEVM_PAGE_SIZE;
    RamJob job = { .phase = RAM_INFLATE, .mr = mr };
    g_autofree uint64_t *pages = NULL;
    g_autofree const uint8_t **zin = NULL;
    g_autofree uint64_t *zlen = NULL;
    bool can_drop = ram_host_page_ok() &&
                    (uintptr_t)mr->ram_ptr % SAVEVM_PAGE_SIZE == 0;
    uint64_t pg = 0;
    size_t used;

    used = ram_parse_block(buf, len, mr, &pages, &job.npages, &zin, &zlen, &job.nunits);
    if (!used) {
        error_setg(errp, "loadvm: RAM block '%s' is malformed", mr->name);
        return 0;
    }
    job.pages = pages;
    job.zin = zin;
    job.zlen = zlen;
    /* Zero each run of pages that were zero at save. */
    for (uint64_t i = 0; i <= job.npages; i++) {
        uint64_t end = i < job.npages ? pages[i] : npages;

        if (end > pg) {
            ram_zero_range(mr, pg, end - pg, can_drop);
        }
        pg = end + 1;
    }
    if (!ram_run(&job)) {
        error_setg(errp, "loadvm: RAM block '%s' is corrupted", mr->name);
        return 0;
    }
    return used;
}
