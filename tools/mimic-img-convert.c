/*
 * mimic-img convert: copy an image into a new one of any format, with
 * qemu-img convert's options and exit codes.
 *
 * The copy is driven by block status, so ranges that read as zeroes anywhere
 * in the source chain are never read; inside the data that is read, blocks of
 * zeroes (4 KiB, or a whole cluster for qcow2 targets, like qemu-img's -S
 * default) are not written either, so a raw target keeps holes and a qcow2
 * target leaves those clusters unallocated. Reading (with the zero scan) and
 * writing run in two threads over a few large buffers, so the two halves of
 * the copy overlap on a multi-core host; with -c the clusters of each buffer
 * are compressed by a pool of threads (-m, 8 by default: qemu-img's number of
 * parallel requests) and then stored in guest order.
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include "mimic-img.h"

#include <getopt.h>

#define CONV_BUFFERS 4
#define CONV_RAW_GRANULE 4096
#define CONV_MAX_PARALLEL 16    /* qemu-img's limit for -m */

typedef struct ConvJob ConvJob;

/* One buffer's worth of source, and the runs in it that must be written. */
typedef struct ConvChunk {
    uint64_t off, len;          /* guest range read into buf */
    uint64_t progress;          /* how far the reader had come */
    uint8_t *buf;
    uint32_t nr_runs;
    uint32_t *run_start, *run_len;   /* byte offsets into buf */
    int err;                    /* reader's -errno; ends the stream */
    bool last;
    /* -c: one job per cluster, results in cbuf (a cluster of room each) */
    uint8_t *cbuf;
    ConvJob *jobs;
    uint32_t nr_jobs;
    uint32_t pending;           /* jobs not compressed yet (under ConvState.lock) */
} ConvChunk;

typedef struct ConvState {
    BlockDriverState *src, *dst;
    uint64_t size;
    uint64_t granule;           /* zero-detection and alignment unit */
    bool compress, keep_zeroes;
    GAsyncQueue *free_q, *full_q;
    gint stop;                  /* the writer failed: reader winds down */
    /* -c: the clusters of a chunk are compressed in parallel by a pool */
    GThreadPool *pool;
    GMutex lock;
    GCond done_cond;            /* some chunk's last job is done */
} ConvState;

/* One cluster for the compression pool. */
struct ConvJob {
    ConvState *cs;
    ConvChunk *chunk;
    const uint8_t *in;
    uint64_t bytes;
    uint8_t *out;               /* room for a cluster */
    int64_t len;                /* compress_cluster's result */
};

/* Record in C the runs of BUF that are not whole zero granules. */
static void conv_find_runs(ConvState *cs, ConvChunk *c)
{
    uint64_t pos = 0;

    c->nr_runs = 0;
    if (cs->keep_zeroes) {
        c->run_start[0] = 0;
        c->run_len[0] = c->len;
        c->nr_runs = 1;
        return;
    }
    while (pos < c->len) {
        /* Granules are aligned to guest offsets, as the target's clusters are. */
        uint64_t g = MIN_U(c->len - pos, cs->granule - ((c->off + pos) % cs->granule));
        bool zero = img_is_zero(c->buf + pos, g);
        if (!zero) {
            if (c->nr_runs && c->run_start[c->nr_runs - 1] + c->run_len[c->nr_runs - 1]
                              == pos) {
                c->run_len[c->nr_runs - 1] += g;
            } else {
                c->run_start[c->nr_runs] = pos;
                c->run_len[c->nr_runs] = g;
                c->nr_runs++;
            }
        }
        pos += g;
    }
}

static void conv_submit_compress(ConvState *cs, ConvChunk *c);

/*
 * Reader thread: walk the source by block status, read what has data, hand
 * full buffers to the writer. Chunk edges stay on granule boundaries so the
 * writer never splits a target cluster between two chunks.
 */
static gpointer conv_reader(gpointer opaque)
{
    ConvState *cs = opaque;
    uint64_t off = 0;
    int err = 0;

    while (off < cs->size && !g_atomic_int_get(&cs->stop)) {
        uint64_t n = MIN_U(IMG_BUF_SIZE, cs->size - off), pnum, map, end;
        int depth;
        int st = bdrv_block_status_above(cs->src, off, n, &pnum, &map, &depth);
        bool data;
        if (st < 0) {
            err = st;
            break;
        }
        data = (st & BDRV_BLOCK_DATA) || cs->keep_zeroes;
        end = off + pnum;
        if (!data) {
            end = QEMU_ALIGN_DOWN(end, cs->granule);
            if (end <= off) {
                /* Less than a granule of zeroes: read it with what follows. */
                data = true;
            }
        }
        if (data) {
            end = MIN_U(QEMU_ALIGN_UP(off + pnum, cs->granule), off + n);
            end = MIN_U(end, cs->size);
        }
        if (data) {
            ConvChunk *c = g_async_queue_pop(cs->free_q);
            c->off = off;
            c->len = end - off;
            err = bdrv_pread(cs->src, off, c->buf, c->len);
            if (err < 0) {
                g_async_queue_push(cs->free_q, c);
                break;
            }
            conv_find_runs(cs, c);
            if (cs->compress) {
                conv_submit_compress(cs, c);
            }
            c->progress = end;
            g_async_queue_push(cs->full_q, c);
        }
        off = end;
    }
    ConvChunk *c = g_async_queue_pop(cs->free_q);
    c->err = err;
    c->last = true;
    c->len = 0;
    c->nr_runs = 0;
    c->progress = off;
    g_async_queue_push(cs->full_q, c);
    return NULL;
}

static void conv_compress_job(gpointer data, gpointer user_data)
{
    ConvJob *job = data;
    ConvState *cs = job->cs;

    job->len = bdrv_compress_cluster(cs->dst, job->in, job->bytes, job->out);
    g_mutex_lock(&cs->lock);
    if (--job->chunk->pending == 0) {
        g_cond_broadcast(&cs->done_cond);
    }
    g_mutex_unlock(&cs->lock);
}

/*
 * -c, in the reader: queue every cluster of C's runs on the compression pool.
 * The pool works on several chunks at once while the writer stores finished
 * ones, so no thread waits for the slowest cluster of a chunk.
 */
static void conv_submit_compress(ConvState *cs, ConvChunk *c)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < c->nr_runs; i++) {
        for (uint64_t done = 0; done < c->run_len[i]; done += cs->granule) {
            ConvJob *job = &c->jobs[n];
            job->cs = cs;
            job->chunk = c;
            job->in = c->buf + c->run_start[i] + done;
            job->bytes = MIN_U(cs->granule, c->run_len[i] - done);
            job->out = c->cbuf + (uint64_t)n * cs->granule;
            n++;
        }
    }
    c->nr_jobs = n;
    c->pending = n;
    for (uint32_t i = 0; i < n; i++) {
        g_thread_pool_push(cs->pool, &c->jobs[i], NULL);
    }
}

/* -c, in the writer: wait for C's clusters, store them in guest order. */
static int conv_write_compressed(ConvState *cs, ConvChunk *c)
{
    int r = 0;

    g_mutex_lock(&cs->lock);
    while (c->pending) {
        g_cond_wait(&cs->done_cond, &cs->lock);
    }
    g_mutex_unlock(&cs->lock);
    for (uint32_t i = 0; i < c->nr_jobs && r == 0; i++) {
        ConvJob *job = &c->jobs[i];
        uint64_t off = c->off + (job->in - c->buf);
        if (job->len < 0) {
            r = job->len;
        } else if (job->len == 0) {
            r = bdrv_pwrite(cs->dst, off, job->in, job->bytes);   /* incompressible */
        } else {
            r = bdrv_pwrite_precompressed(cs->dst, off, job->out, job->len);
        }
    }
    return r;
}

static int conv_write_chunk(ConvState *cs, ConvChunk *c)
{
    if (cs->compress) {
        return conv_write_compressed(cs, c);
    }
    for (uint32_t i = 0; i < c->nr_runs; i++) {
        int r = bdrv_pwrite(cs->dst, c->off + c->run_start[i], c->buf + c->run_start[i],
                            c->run_len[i]);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/*
 * Copy SRC into DST (both open); runs the reader thread, writes here. With
 * COMPRESS, up to PARALLEL clusters are compressed at once.
 */
static int conv_copy(BlockDriverState *src, BlockDriverState *dst, uint64_t granule,
                     bool compress, bool keep_zeroes, bool progress, int parallel)
{
    ConvState cs = {
        .src = src, .dst = dst, .size = src->total_size, .granule = granule,
        .compress = compress, .keep_zeroes = keep_zeroes,
        .free_q = g_async_queue_new(), .full_q = g_async_queue_new(),
    };
    uint32_t max_runs = IMG_BUF_SIZE / granule + 1;
    ConvChunk chunks[CONV_BUFFERS] = { { 0 } };
    GThread *reader;
    int r = 0;

    if (compress) {
        /* Compression is the bottleneck of -c: it gets the parallel threads. */
        cs.pool = g_thread_pool_new(conv_compress_job, NULL, parallel, FALSE, NULL);
        g_mutex_init(&cs.lock);
        g_cond_init(&cs.done_cond);
    }
    for (int i = 0; i < CONV_BUFFERS; i++) {
        chunks[i].buf = g_malloc(IMG_BUF_SIZE);
        chunks[i].run_start = g_new(uint32_t, max_runs);
        chunks[i].run_len = g_new(uint32_t, max_runs);
        if (compress) {
            chunks[i].cbuf = g_malloc(IMG_BUF_SIZE);
            chunks[i].jobs = g_new0(ConvJob, IMG_BUF_SIZE / granule + 1);
        }
        g_async_queue_push(cs.free_q, &chunks[i]);
    }
    img_progress(progress, 0, cs.size);
    reader = g_thread_new("convert-reader", conv_reader, &cs);
    for (;;) {
        ConvChunk *c = g_async_queue_pop(cs.full_q);
        bool last = c->last;
        if (last && c->err < 0 && r == 0) {
            r = c->err;
        }
        if (!last && r == 0) {
            r = conv_write_chunk(&cs, c);
            if (r < 0) {
                g_atomic_int_set(&cs.stop, 1);
            }
        }
        if (r == 0) {
            img_progress(progress, c->progress, cs.size);
        }
        g_async_queue_push(cs.free_q, c);
        if (last) {
            break;
        }
    }
    g_thread_join(reader);
    if (compress) {
        g_thread_pool_free(cs.pool, FALSE, TRUE);
        g_mutex_clear(&cs.lock);
        g_cond_clear(&cs.done_cond);
    }
    for (int i = 0; i < CONV_BUFFERS; i++) {
        g_free(chunks[i].buf);
        g_free(chunks[i].cbuf);
        g_free(chunks[i].jobs);
        g_free(chunks[i].run_start);
        g_free(chunks[i].run_len);
    }
    g_async_queue_unref(cs.free_q);
    g_async_queue_unref(cs.full_q);
    return r;
}

int img_convert(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = "raw", *out_base = NULL, *cache = "unsafe";
    bool compress = false, progress = false, quiet = false;
    int dst_flags = BDRV_O_RDWR, parallel = 8;     /* qemu-img's -m default */
    char *end;
    BlockCreateOpts o = { 0 };
    BlockDriverState *src, *dst;
    GError *err = NULL;
    uint64_t granule = CONV_RAW_GRANULE;
    int c, r;

    optind = 1;
    while ((c = getopt(argc, argv, "+hf:O:co:pB:qnUt:T:Wm:")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'c': compress = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'B': out_base = optarg; break;
        case 'o':
            if (!img_parse_create_opts(optarg, &o, &err)) {
                return img_gerror(err);
            }
            break;
        case 't': cache = optarg; break;
        case 'm':
            parallel = strtol(optarg, &end, 10);
            if (*end || end == optarg || parallel < 1 || parallel > CONV_MAX_PARALLEL) {
                img_error("Invalid number of coroutines. Allowed number of coroutines is "
                          "between 1 and %d", CONV_MAX_PARALLEL);
                return 1;
            }
            break;
        case 'n': case 'U': case 'T': case 'W': break;
        default:
            return 1;
        }
    }
    progress = progress && !quiet;
    /* As qemu-img: the target is written with cache=unsafe unless -t says otherwise. */
    if (!img_parse_cache(cache, &dst_flags)) {
        return 1;
    }
    if (argc - optind != 2) {
        img_error("Expecting one source and one target file name");
        return 1;
    }
    if (compress && strcmp(out_fmt, "qcow2")) {
        img_error("Compression not supported for this file format");
        return 1;
    }
    src = img_open(argv[optind], fmt, 0);
    if (!src) {
        return 1;
    }
    o.size = src->total_size;
    if (out_base) {
        o.backing_file = out_base;
    }
    if (!bdrv_create(out_fmt, argv[optind + 1], &o, &err)) {
        bdrv_close(src);
        return img_gerror(err);
    }
    dst = img_open(argv[optind + 1], out_fmt, dst_flags);
    if (!dst) {
        bdrv_close(src);
        return 1;
    }
    if (!strcmp(out_fmt, "qcow2")) {
        /* Whole clusters: a partial one would cost the target a read-modify-write. */
        uint8_t hb[4];
        r = bdrv_file_pread(dst, 20, hb, 4);
        if (r == 0) {
            granule = 1ULL << ldl_be_p(hb);
        }
    }
    /* With -B the target's backing file shows through: zeroes must be written. */
    r = conv_copy(src, dst, granule, compress, out_base != NULL, progress, parallel);
    if (progress) {
        printf("\n");
    }
    if (r == 0) {
        r = bdrv_flush(dst);
    }
    bdrv_close(dst);
    bdrv_close(src);
    if (r < 0) {
        img_error("error while converting: %s", g_strerror(-r));
        return 1;
    }
    return 0;
}
