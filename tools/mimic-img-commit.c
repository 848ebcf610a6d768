/*
 * mimic-img commit: merge an overlay into a backing file of its chain, with
 * qemu-img commit's meanings (man qemu-img): the backing file grows to the
 * overlay's size if smaller, never shrinks; the overlay is emptied afterwards
 * (reads fall through to the backing file) unless -d; -b BASE picks a deeper
 * layer and implies -d, since the layers in between are left stale; -r limits
 * the rate in bytes per second; exit 0 on success, 1 on any error.
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include "mimic-img.h"

#include <getopt.h>
#include <time.h>

/* True if NAME names layer P (whose parent recorded it as PARENT_NAME). */
static bool img_commit_names(const char *name, BlockDriverState *p, const char *parent_name)
{
    g_autofree char *a = NULL, *b = NULL;

    if (!strcmp(name, p->filename) || !strcmp(name, parent_name)) {
        return true;
    }
    a = realpath(name, NULL);
    b = realpath(p->filename, NULL);
    return a && b && !strcmp(a, b);
}

/* Sleep as long as it takes for DONE bytes since START to stay within RATE/s. */
static void img_commit_throttle(uint64_t rate, uint64_t done, gint64 start)
{
    gint64 due = start + (gint64)(done * 1e6 / rate);
    gint64 now = g_get_monotonic_time();

    if (rate && due > now) {
        g_usleep(due - now);
    }
}

/*
 * Copy into BASE (open read/write, formerly OLD_SIZE bytes) what TOP reads
 * from the layers above BASE_DEPTH. Past OLD_SIZE the top read zeroes where
 * nothing above the base had data; if the base has a backing file of its own,
 * those zeroes must be written or its backing data would show through.
 */
static int img_commit_copy(BlockDriverState *top, BlockDriverState *base, int base_depth,
                           uint64_t old_size, uint64_t rate, bool progress)
{
    uint8_t *buf = g_malloc(IMG_BUF_SIZE);
    uint64_t size = top->total_size, done = 0;
    gint64 start = g_get_monotonic_time();
    int r = 0;

    img_progress(progress, 0, size);
    for (uint64_t off = 0; off < size && r == 0;) {
        uint64_t pnum, map;
        int depth;
        int st = bdrv_block_status_above(top, off, MIN_U(IMG_BUF_SIZE, size - off),
                                         &pnum, &map, &depth);
        if (st < 0) {
            r = st;
            break;
        }
        uint64_t from = off, to = off + pnum;
        if (st == 0 || depth >= base_depth) {
            /* Only the grown part, and only where the base's backing has data. */
            from = MAX(off, old_size);
            to = MIN_U(to, base->backing ? base->backing->total_size : 0);
        }
        if (from < to) {
            r = bdrv_pread(top, from, buf, to - from);
            if (r == 0) {
                r = bdrv_pwrite(base, from, buf, to - from);
            }
            done += to - from;
            img_commit_throttle(rate, done, start);
        }
        off += pnum;
        img_progress(progress, off, size);
    }
    g_free(buf);
    return r;
}

int img_commit(int argc, char **argv)
{
    const char *fmt = NULL, *cache = "writeback", *base_name = NULL;
    bool drop = false, progress = false, quiet = false;
    BlockDriverState *top, *base, *p;
    int flags = BDRV_O_RDWR, base_depth = 1;
    uint64_t rate = 0, old_size;
    GError *err = NULL;
    int c, r;

    optind = 1;
    while ((c = getopt(argc, argv, "+hf:t:b:dpqr:")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 't': cache = optarg; break;
        case 'b':
            base_name = optarg;
            drop = true;        /* the layers in between go stale: keep the top valid */
            break;
        case 'd': drop = true; break;
        case 'p': progress = true; break;
        case 'q': quiet = true; break;
        case 'r':
            if (!img_parse_size(optarg, &rate)) {
                img_error("Invalid rate limit specified. You may use k, M, G, T, P or E "
                          "suffixes for kilobytes, megabytes, gigabytes, terabytes, "
                          "petabytes and exabytes.");
                return 1;
            }
            break;
        default:
            return 1;
        }
    }
    progress = progress && !quiet;
    if (argc - optind != 1) {
        img_error("Expecting one image file name");
        return 1;
    }
    if (!img_parse_cache(cache, &flags)) {
        return 1;
    }
    top = img_open(argv[optind], fmt, flags);
    if (!top) {
        return 1;
    }
    if (!top->backing) {
        img_error("Image does not have a backing file");
        bdrv_close(top);
        return 1;
    }
    p = top->backing;
    if (base_name) {
        const char *parent_name = top->backing_file;
        BlockDriverState *parent = top;
        for (; p && !img_commit_names(base_name, p, parent_name); base_depth++) {
            parent = p;
            p = p->backing;
            parent_name = parent->backing_file;
        }
        if (!p) {
            img_error("Did not find '%s' in the backing chain of '%s'", base_name,
                      argv[optind]);
            bdrv_close(top);
            return 1;
        }
    }
    /* A second, writable handle on the base: the chain opened it read-only. */
    base = img_open(p->filename, p->drv->format_name, flags);
    if (!base) {
        bdrv_close(top);
        return 1;
    }
    old_size = base->total_size;
    if (top->total_size > old_size) {
        if (!base->drv->truncate || base->drv->truncate(base, top->total_size, &err) < 0) {
            if (err) {
                img_error("Could not resize the backing file: %s", err->message);
                g_error_free(err);
            } else {
                img_error("Backing file format '%s' cannot be resized",
                          base->drv->format_name);
            }
            bdrv_close(base);
            bdrv_close(top);
            return 1;
        }
    }
    r = img_commit_copy(top, base, base_depth, old_size, rate, progress);
    /* The data must be safe in the base before the top lets go of it. */
    if (r == 0) {
        r = bdrv_flush(base);
    }
    bdrv_close(base);
    if (progress) {
        printf("\n");
    }
    if (r < 0) {
        img_error("Commit failed: %s", g_strerror(-r));
        bdrv_close(top);
        return 1;
    }
    if (!drop) {
        r = bdrv_make_empty(top);
        if (r == 0) {
            r = bdrv_flush(top);
        }
        if (r < 0) {
            img_error("Could not empty %s: %s", argv[optind], g_strerror(-r));
            bdrv_close(top);
            return 1;
        }
    }
    bdrv_close(top);
    if (!quiet) {
        printf("Image committed.\n");
    }
    return 0;
}
