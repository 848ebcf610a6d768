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
 *
 * -B: the target's backing file shows through wherever the target has no
 * cluster, so a block equal to the backing file's is not written at all, and
 * a block of zeroes over backing data becomes a zero cluster. -n: the target
 * exists and its old contents are unknown, so every block of zeroes is
 * written as zeroes (a hole, a zero cluster), as qemu-img does.
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
    bool *run_zero;             /* the run is written as zeroes, not from buf */
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
    bool compress;
    bool zero_target;           /* -n: zeroes must be written, the target is not empty */
    BlockDriverState *base;     /* -B: what the target shows where it has no data */
    uint8_t *base_buf;          /* the reader's copy of base data, a buffer long */
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

/* Append [pos, pos + len) to C's runs, merged with the previous one of its kind. */
static void conv_add_run(ConvChunk *c, uint64_t pos, uint64_t len, bool zero)
{
    uint32_t last = c->nr_runs - 1;

    if (c->nr_runs && c->run_zero[last] == zero &&
        c->run_start[last] + c->run_len[last] == pos) {
        c->run_len[last] += len;
        return;
    }
    c->run_start[c->nr_runs] = pos;
    c->run_len[c->nr_runs] = len;
    c->run_zero[c->nr_runs] = zero;
    c->nr_runs++;
}

/*
 * Record in C the runs of BUF to write: each granule that holds data (and,
 * with -B, differs from the backing file's), and where the target would not
 * read zeroes otherwise, each granule of zeroes.
 */
static void conv_find_runs(ConvState *cs, ConvChunk *c)
{
    uint64_t pos = 0;

    c->nr_runs = 0;
    while (pos < c->len) {
        /* Granules are aligned to guest offsets, as the target's clusters are. */
        uint64_t g = MIN_U(c->len - pos, cs->granule - ((c->off + pos) % cs->granule));
        bool zero = img_is_zero(c->buf + pos, g);
        if (cs->base) {
            if (memcmp(c->buf + pos, cs->base_buf + pos, g)) {
                conv_add_run(c, pos, g, zero);
            }
        } else if (!zero || cs->zero_target) {
            conv_add_run(c, pos, g, zero);
        }
        pos += g;
    }
}

/* With -B: read the backing file's [OFF, OFF + LEN) into base_buf (zeroes past its end). */
static int conv_read_base(ConvState *cs, uint64_t off, uint64_t len)
{
    uint64_t have = off < cs->base->total_size ? MIN_U(len, cs->base->total_size - off) : 0;
    int r = have ? bdrv_pread(cs->base, off, cs->base_buf, have) : 0;

    memset(cs->base_buf + have, 0, len - have);
    return r;
}

/* With -B: whether the backing file reads as zeroes all over [OFF, OFF + LEN). */
static int conv_base_is_zero(ConvState *cs, uint64_t off, uint64_t len)
{
    uint64_t end = MIN_U(off + len, cs->base->total_size);

    while (off < end) {
        uint64_t pnum, map;
        int depth;
        int st = bdrv_block_status_above(cs->base, off, end - off, &pnum, &map, &depth);
        if (st < 0) {
            return st;
        }
        if ((st & BDRV_BLOCK_DATA) || !pnum) {
            return 0;
        }
        off += pnum;
    }
    return 1;
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
        data = st & BDRV_BLOCK_DATA;
        end = off + pnum;
        if (!data) {
            end = QEMU_ALIGN_DOWN(end, cs->granule);
            if (end <= off) {
                /* Less than a granule of zeroes: read it with what follows. */
                data = true;
            } else if (cs->base) {
                /* Zeroes over the backing file's data must be written. */
                int z = conv_base_is_zero(cs, off, end - off);
                if (z < 0) {
                    err = z;
                    break;
                }
                data = !z;
            }
        }
        if (data) {
            end = MIN_U(QEMU_ALIGN_UP(off + pnum, cs->granule), off + n);
            end = MIN_U(end, cs->size);
        }
        if (data || cs->zero_target) {
            ConvChunk *c = g_async_queue_pop(cs->free_q);
            c->off = off;
            c->len = end - off;
            if (data) {
                err = bdrv_pread(cs->src, off, c->buf, c->len);
                if (err == 0 && cs->base) {
                    err = conv_read_base(cs, off, c->len);
                }
                if (err < 0) {
                    g_async_queue_push(cs->free_q, c);
                    break;
                }
                conv_find_runs(cs, c);
            } else {
                /* -n: the whole range reads as zeroes in the source. */
                c->nr_runs = 0;
                conv_add_run(c, 0, c->len, true);
            }
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
        if (c->run_zero[i]) {
            continue;
        }
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

/* Write C's runs of zeroes (those of data are written by the caller). */
static int conv_write_zero_runs(ConvState *cs, ConvChunk *c)
{
    for (uint32_t i = 0; i < c->nr_runs; i++) {
        if (c->run_zero[i]) {
            int r = bdrv_pwrite_zeroes(cs->dst, c->off + c->run_start[i], c->run_len[i]);
            if (r < 0) {
                return r;
            }
        }
    }
    return 0;
}

/* -c, in the writer: wait for C's clusters, store them in guest order. */
static int conv_write_compressed(ConvState *cs, ConvChunk *c)
{
    int r = conv_write_zero_runs(cs, c);

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
            if (r == -EINVAL && cs->zero_target) {
                /* -n: a cluster the target already has takes the data plainly. */
                r = bdrv_pwrite(cs->dst, off, job->in, job->bytes);
            }
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
        int r = c->run_zero[i]
                ? bdrv_pwrite_zeroes(cs->dst, c->off + c->run_start[i], c->run_len[i])
                : bdrv_pwrite(cs->dst, c->off + c->run_start[i], c->buf + c->run_start[i],
                              c->run_len[i]);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

/*
 * Copy CS->src into CS->dst (both open, CS's options filled in); runs the
 * reader thread, writes here. With -c, up to PARALLEL clusters are
 * compressed at once.
 */
static int conv_copy(ConvState *cs_in, bool progress, int parallel)
{
    ConvState cs = *cs_in;
    uint64_t granule = cs.granule;
    uint32_t max_runs = IMG_BUF_SIZE / granule + 1;
    ConvChunk chunks[CONV_BUFFERS] = { { 0 } };
    GThread *reader;
    int r = 0;

    cs.size = cs.src->total_size;
    cs.free_q = g_async_queue_new();
    cs.full_q = g_async_queue_new();
    if (cs.base) {
        cs.base_buf = g_malloc(IMG_BUF_SIZE);
    }
    if (cs.compress) {
        /* Compression is the bottleneck of -c: it gets the parallel threads. */
        cs.pool = g_thread_pool_new(conv_compress_job, NULL, parallel, FALSE, NULL);
        g_mutex_init(&cs.lock);
        g_cond_init(&cs.done_cond);
    }
    for (int i = 0; i < CONV_BUFFERS; i++) {
        chunks[i].buf = g_malloc(IMG_BUF_SIZE);
        chunks[i].run_start = g_new(uint32_t, max_runs);
        chunks[i].run_len = g_new(uint32_t, max_runs);
        chunks[i].run_zero = g_new(bool, max_runs);
        if (cs.compress) {
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
    if (cs.compress) {
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
        g_free(chunks[i].run_zero);
    }
    g_free(cs.base_buf);
    g_async_queue_unref(cs.free_q);
    g_async_queue_unref(cs.full_q);
    return r;
}

/*
 * The backing file that -B gives the target, opened on its own for the
 * reader to compare with (the writer's copy of the chain is not shared
 * between threads). NULL with no backing file.
 */
static BlockDriverState *conv_open_base(BlockDriverState *dst, GError **errp)
{
    if (!dst->backing) {
        return NULL;
    }
    return bdrv_open(dst->backing_path, dst->backing_format[0] ? dst->backing_format : NULL,
                     0, errp);
}

/* -n: the target exists, is opened as it is and must be large enough. */
static BlockDriverState *conv_open_existing(const char *file, const char *fmt, int flags,
                                            uint64_t size)
{
    BlockDriverState *dst = img_open(file, fmt, flags);

    if (dst && dst->total_size < size) {
        img_error("output file is smaller than input file");
        bdrv_close(dst);
        return NULL;
    }
    return dst;
}

int img_convert(int argc, char **argv)
{
    const char *fmt = NULL, *out_fmt = "raw", *out_base = NULL, *out_base_fmt = NULL;
    const char *cache = "unsafe";
    bool progress = false, quiet = false, no_create = false, have_o = false;
    int dst_flags = BDRV_O_RDWR, parallel = 8;     /* qemu-img's -m default */
    char *end;
    BlockCreateOpts o = { 0 };
    BlockDriverState *src, *dst;
    GError *err = NULL;
    ConvState cs = { .granule = CONV_RAW_GRANULE };
    int c, r;

    optind = 1;
    while ((c = getopt(argc, argv, "+hf:O:co:pB:F:qnUt:T:Wm:")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': out_fmt = optarg; break;
        case 'c': cs.compress = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'B': out_base = optarg; break;
        case 'F': out_base_fmt = optarg; break;
        case 'n': no_create = true; break;
        case 'o':
            have_o = true;
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
        case 'U': case 'T': case 'W': break;
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
    if (no_create && have_o) {
        img_error("-o has no effect when skipping image creation");
        return 1;
    }
    if (cs.compress && strcmp(out_fmt, "qcow2")) {
        img_error("Compression not supported for this file format");
        return 1;
    }
    if (out_base) {
        o.backing_file = out_base;
    }
    if (out_base_fmt) {
        o.backing_fmt = out_base_fmt;
    }
    if (!no_create && o.backing_file && strcmp(out_fmt, "qcow2")) {
        img_error("Backing file not supported for file format '%s'", out_fmt);
        return 1;
    }
    if (!no_create && o.backing_fmt && !o.backing_file) {
        img_error("%s: error while converting %s: Backing format cannot be used without "
                  "backing file", argv[optind + 1], out_fmt);
        return 1;
    }
    if (!no_create && o.backing_file && !o.backing_fmt) {
        img_error("Use of backing file requires explicit backing format");
        return 1;
    }
    src = img_open(argv[optind], fmt, 0);
    if (!src) {
        return 1;
    }
    if (no_create) {
        dst = conv_open_existing(argv[optind + 1], out_fmt, dst_flags, src->total_size);
    } else {
        o.size = src->total_size;
        if (!bdrv_create(out_fmt, argv[optind + 1], &o, &err)) {
            bdrv_close(src);
            return img_gerror(err);
        }
        dst = img_open(argv[optind + 1], out_fmt, dst_flags);
    }
    if (!dst) {
        bdrv_close(src);
        return 1;
    }
    if (!strcmp(out_fmt, "qcow2")) {
        /* Whole clusters: a partial one would cost the target a read-modify-write. */
        uint8_t hb[4];
        r = bdrv_file_pread(dst, 20, hb, 4);
        if (r == 0) {
            cs.granule = 1ULL << ldl_be_p(hb);
        }
    }
    cs.src = src;
    cs.dst = dst;
    /*
     * A new target reads zeroes (or its backing file) where nothing is written;
     * an existing one (-n) holds old data that every block must replace.
     */
    cs.zero_target = no_create;
    if (!no_create) {
        cs.base = conv_open_base(dst, &err);
        if (err) {
            img_error("Could not open backing file: %s", err->message);
            g_error_free(err);
            bdrv_close(dst);
            bdrv_close(src);
            return 1;
        }
    }
    r = conv_copy(&cs, progress, parallel);
    if (progress) {
        printf("\n");
    }
    if (r == 0) {
        r = bdrv_flush(dst);
    }
    if (cs.base) {
        bdrv_close(cs.base);
    }
    bdrv_close(dst);
    bdrv_close(src);
    if (r < 0) {
        img_error("error while converting: %s", g_strerror(-r));
        return 1;
    }
    return 0;
}
