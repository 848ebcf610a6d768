/*
 * mimic-img: create, inspect, check, convert and modify disk images, with
 * qemu-img's command names, option meanings and exit codes.
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include "mimic-img.h"

#include <getopt.h>
#include <math.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

void QEMU_PRINTF(1, 2) img_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "mimic-img: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
}

int img_gerror(GError *err)
{
    img_error("%s", err->message);
    g_error_free(err);
    return 1;
}

/* "1G", "512M", "100k", "4096" (bytes); false on garbage. */
bool img_parse_size(const char *s, uint64_t *out)
{
    char *end;
    double v;
    uint64_t mul = 1;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || v < 0) {
        return false;
    }
    switch (*end) {
    case 0: case 'b': case 'B':
        break;
    case 'k': case 'K': mul = 1ULL << 10; break;
    case 'm': case 'M': mul = 1ULL << 20; break;
    case 'g': case 'G': mul = 1ULL << 30; break;
    case 't': case 'T': mul = 1ULL << 40; break;
    case 'p': case 'P': mul = 1ULL << 50; break;
    case 'e': case 'E': mul = 1ULL << 60; break;
    default:
        return false;
    }
    if (*end && end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")) {
        return false;
    }
    if (v * mul >= 18446744073709551616.0) {
        return false;
    }
    *out = (uint64_t)(v * mul);
    return true;
}

/* qemu-img's human sizes: three significant digits and a binary unit. */
static char *img_size_to_str(uint64_t val)
{
    static const char *const suffixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
    int i;

    frexp(val / (1000.0 / 1024.0), &i);
    i = (i - 1) / 10;
    if (i < 0) {
        i = 0;
    }
    if (i >= (int)ARRAY_SIZE(suffixes)) {
        i = ARRAY_SIZE(suffixes) - 1;
    }
    return g_strdup_printf("%0.3g %sB", (double)val / (double)(1ULL << (i * 10)),
                           suffixes[i]);
}

BlockDriverState *img_open(const char *file, const char *fmt, int flags)
{
    GError *err = NULL;
    BlockDriverState *bs = bdrv_open(file, fmt, flags, &err);

    if (!bs) {
        img_error("Could not open '%s': %s", file, err->message);
        g_error_free(err);
    }
    return bs;
}

/* -o key=value,key=value into BlockCreateOpts. */
bool img_parse_create_opts(const char *s, BlockCreateOpts *o, GError **errp)
{
    g_auto(GStrv) items = g_strsplit(s, ",", -1);

    for (int i = 0; items[i]; i++) {
        char *eq = strchr(items[i], '=');
        const char *key = items[i], *val = eq ? eq + 1 : "";
        if (!*key) {
            continue;
        }
        if (eq) {
            *eq = 0;
        }
        if (!strcmp(key, "size")) {
            if (!img_parse_size(val, &o->size)) {
                error_setg(errp, "Invalid size '%s'", val);
                return false;
            }
        } else if (!strcmp(key, "backing_file")) {
            o->backing_file = g_strdup(val);
        } else if (!strcmp(key, "backing_fmt")) {
            o->backing_fmt = g_strdup(val);
        } else if (!strcmp(key, "cluster_size")) {
            uint64_t v;
            if (!img_parse_size(val, &v) || v > UINT32_MAX) {
                error_setg(errp, "Invalid cluster_size '%s'", val);
                return false;
            }
            o->cluster_size = v;
        } else if (!strcmp(key, "compat")) {
            if (!strcmp(val, "0.10") || !strcmp(val, "v2")) {
                o->compat = 2;
            } else if (!strcmp(val, "1.1") || !strcmp(val, "v3")) {
                o->compat = 3;
            } else {
                error_setg(errp, "Invalid compatibility level: '%s'", val);
                return false;
            }
        } else if (!strcmp(key, "refcount_bits")) {
            o->refcount_bits = atoi(val);
        } else if (!strcmp(key, "lazy_refcounts")) {
            o->lazy_refcounts = !strcmp(val, "on");
        } else if (!strcmp(key, "preallocation") && !strcmp(val, "off")) {
            /* the default */
        } else if (!strcmp(key, "compression_type") && !strcmp(val, "zlib")) {
            /* the only one */
        } else {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    return true;
}

static int img_create(int argc, char **argv)
{
    const char *fmt = "raw", *base = NULL, *base_fmt = NULL;
    BlockCreateOpts o = { 0 };
    GError *err = NULL;
    int c;

    optind = 1;
    while ((c = getopt(argc, argv, "+hf:b:F:o:quU")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'b': base = optarg; break;
        case 'F': base_fmt = optarg; break;
        case 'o':
            if (!img_parse_create_opts(optarg, &o, &err)) {
                return img_gerror(err);
            }
            break;
        case 'q': case 'u': case 'U': break;
        default:
            img_error("usage: create [-f fmt] [-b backing] [-F backing_fmt] [-o opts] file [size]");
            return 1;
        }
    }
    if (base) {
        o.backing_file = base;
    }
    if (base_fmt) {
        o.backing_fmt = base_fmt;
    }
    if (optind >= argc) {
        img_error("Expecting image file name");
        return 1;
    }
    if (optind + 1 < argc && !img_parse_size(argv[optind + 1], &o.size)) {
        img_error("Invalid image size specified. You may use k, M, G, T, P or E suffixes "
                  "for kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.");
        return 1;
    }
    if (!o.size && !o.backing_file) {
        img_error("%s: Image creation needs a size parameter", argv[optind]);
        return 1;
    }
    if (o.backing_file && !o.backing_fmt) {
        /* Record the probed format so later opens never re-probe. */
        g_autofree char *path = bdrv_resolve_backing(argv[optind], o.backing_file);
        BlockDriverState *b = bdrv_open(path, NULL, BDRV_O_NO_BACKING, &err);
        if (!b) {
            return img_gerror(err);
        }
        o.backing_fmt = g_strdup(b->drv->format_name);
        bdrv_close(b);
    }
    printf("Formatting '%s', fmt=%s", argv[optind], fmt);
    if (o.backing_file) {
        printf(" backing_file=%s", o.backing_file);
    }
    if (o.backing_fmt) {
        printf(" backing_fmt=%s", o.backing_fmt);
    }
    printf(" size=%" PRIu64 "\n", o.size);
    if (!bdrv_create(fmt, argv[optind], &o, &err)) {
        return img_gerror(err);
    }
    return 0;
}

static void json_str(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') {
            g_string_append_printf(out, "\\%c", *s);
        } else if ((unsigned char)*s < 0x20) {
            g_string_append_printf(out, "\\u%04x", *s);
        } else {
            g_string_append_c(out, *s);
        }
    }
    g_string_append_c(out, '"');
}

static void img_info_one(BlockDriverState *bs, GString *out, bool json)
{
    int64_t disk = bdrv_get_allocated_file_size(bs);
    BlockSnapshotInfo *sn = NULL;
    int nsn = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &sn) : 0;
    uint32_t cluster = 0;
    bool dirty = false;

    if (!strcmp(bs->drv->format_name, "qcow2")) {
        uint8_t hb[80];
        if (bdrv_file_pread(bs, 0, hb, sizeof(hb)) == 0) {
            cluster = 1u << ldl_be_p(hb + 20);
            dirty = ldl_be_p(hb + 4) >= 3 && (ldq_be_p(hb + 72) & 1);
        }
    }
    if (json) {
        g_string_append(out, "{\n");
        if (nsn > 0) {
            g_string_append(out, "    \"snapshots\": [\n");
            for (int i = 0; i < nsn; i++) {
                g_string_append_printf(out,
                    "        {\n            \"vm-state-size\": %" PRIu64 ",\n"
                    "            \"name\": ", sn[i].vm_state_size);
                json_str(out, sn[i].name);
                g_string_append_printf(out,
                    ",\n            \"date-sec\": %u,\n            \"date-nsec\": %u,\n"
                    "            \"vm-clock-sec\": %" PRIu64 ",\n            \"id\": ",
                    sn[i].date_sec, sn[i].date_nsec, sn[i].vm_clock_nsec / 1000000000);
                json_str(out, sn[i].id);
                g_string_append_printf(out, ",\n            \"vm-clock-nsec\": %" PRIu64
                                       "\n        }%s\n", sn[i].vm_clock_nsec % 1000000000,
                                       i + 1 < nsn ? "," : "");
            }
            g_string_append(out, "    ],\n");
        }
        g_string_append_printf(out, "    \"virtual-size\": %" PRIu64 ",\n    \"filename\": ",
                               bs->total_size);
        json_str(out, bs->filename);
        g_string_append(out, ",\n");
        if (cluster) {
            g_string_append_printf(out, "    \"cluster-size\": %u,\n", cluster);
        }
        g_string_append(out, "    \"format\": ");
        json_str(out, bs->drv->format_name);
        g_string_append(out, ",\n");
        if (bs->backing_file[0]) {
            g_string_append(out, "    \"full-backing-filename\": ");
            json_str(out, bs->backing_path);
            g_string_append(out, ",\n    \"backing-filename\": ");
            json_str(out, bs->backing_file);
            g_string_append(out, ",\n");
            if (bs->backing_format[0]) {
                g_string_append(out, "    \"backing-filename-format\": ");
                json_str(out, bs->backing_format);
                g_string_append(out, ",\n");
            }
        }
        g_string_append_printf(out, "    \"actual-size\": %" PRId64 ",\n", disk);
        if (bs->drv->info_specific) {
            g_string_append(out, "    \"format-specific\": ");
            bs->drv->info_specific(bs, out, true);
            g_string_append(out, ",\n");
        }
        g_string_append_printf(out, "    \"dirty-flag\": %s\n}", dirty ? "true" : "false");
    } else {
        g_autofree char *vs = img_size_to_str(bs->total_size);
        g_autofree char *ds = img_size_to_str(disk);
        g_string_append_printf(out, "image: %s\nfile format: %s\n"
                               "virtual size: %s (%" PRIu64 " bytes)\ndisk size: %s\n",
                               bs->filename, bs->drv->format_name, vs, bs->total_size, ds);
        if (cluster) {
            g_string_append_printf(out, "cluster_size: %u\n", cluster);
        }
        if (bs->backing_file[0]) {
            g_string_append_printf(out, "backing file: %s", bs->backing_file);
            if (strcmp(bs->backing_file, bs->backing_path)) {
                g_string_append_printf(out, " (actual path: %s)", bs->backing_path);
            }
            g_string_append(out, "\n");
            if (bs->backing_format[0]) {
                g_string_append_printf(out, "backing file format: %s\n", bs->backing_format);
            }
        }
        if (nsn > 0) {
            g_string_append(out, "Snapshot list:\n");
            g_string_append_printf(out, "%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG",
                                   "VM SIZE", "DATE", "VM CLOCK", "ICOUNT");
            for (int i = 0; i < nsn; i++) {
                time_t t = sn[i].date_sec;
                struct tm tm;
                char date[32], clk[32];
                g_autofree char *vm = img_size_to_str(sn[i].vm_state_size);
                uint64_t secs = sn[i].vm_clock_nsec / 1000000000;
                localtime_r(&t, &tm);
                strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
                char icount[24] = "";
                snprintf(clk, sizeof(clk), "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64,
                         secs / 3600, (secs / 60) % 60, secs % 60,
                         (sn[i].vm_clock_nsec / 1000000) % 1000);
                if (sn[i].icount != UINT64_MAX) {
                    snprintf(icount, sizeof(icount), "%" PRIu64, sn[i].icount);
                }
                g_string_append_printf(out, "%-9s %-16s %8s%20s%13s%11s\n", sn[i].id,
                                       sn[i].name, vm, date, clk, icount);
            }
        }
        if (bs->drv->info_specific) {
            g_string_append(out, "Format specific information:\n");
            bs->drv->info_specific(bs, out, false);
        }
    }
    bdrv_snapshot_list_free(sn, nsn > 0 ? nsn : 0);
}

static int img_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'O' },
        { "backing-chain", no_argument, NULL, 'B' },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    bool json = false, chain = false;
    BlockDriverState *bs;
    GString *out;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+hf:U", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O':
            if (!strcmp(optarg, "json")) {
                json = true;
            } else if (strcmp(optarg, "human")) {
                img_error("--output must be used with human or json as argument.");
                return 1;
            }
            break;
        case 'B': chain = true; break;
        case 'U': break;
        default:
            return 1;
        }
    }
    if (optind >= argc) {
        img_error("Expecting one image file name");
        return 1;
    }
    bs = img_open(argv[optind], fmt, chain ? 0 : BDRV_O_NO_BACKING);
    if (!bs) {
        return 1;
    }
    out = g_string_new(NULL);
    if (chain && json) {
        g_string_append(out, "[\n");
    }
    for (BlockDriverState *p = bs; p; p = chain ? p->backing : NULL) {
        img_info_one(p, out, json);
        if (chain && p->backing) {
            g_string_append(out, json ? ",\n" : "\n");
        }
    }
    if (chain && json) {
        g_string_append(out, "\n]");
    }
    if (json) {
        g_string_append(out, "\n");
    }
    fputs(out->str, stdout);
    g_string_free(out, true);
    bdrv_close(bs);
    return 0;
}

static int img_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'O' },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    int fix = 0, c, r;
    bool json = false, quiet = false;
    BlockCheckResult res = { 0 };
    BlockDriverState *bs;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+hf:r:qU", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'r':
            if (!strcmp(optarg, "leaks")) {
                fix = BDRV_FIX_LEAKS;
            } else if (!strcmp(optarg, "all")) {
                fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
            } else {
                img_error("Unknown option value for -r (expecting 'leaks' or 'all'): %s",
                          optarg);
                return 1;
            }
            break;
        case 'O': json = !strcmp(optarg, "json"); break;
        case 'q': quiet = true; break;
        case 'U': break;
        default:
            return 1;
        }
    }
    if (optind >= argc) {
        img_error("Expecting one image file name");
        return 1;
    }
    bs = img_open(argv[optind], fmt, BDRV_O_NO_BACKING | BDRV_O_CHECK |
                  (fix ? BDRV_O_RDWR : 0));
    if (!bs) {
        return 1;
    }
    if (!bs->drv->check) {
        img_error("This image format does not support checks");
        bdrv_close(bs);
        return 63;
    }
    r = bs->drv->check(bs, &res, fix);
    if (r < 0) {
        img_error("Check failed: %s", g_strerror(-r));
        bdrv_close(bs);
        return 1;
    }
    if (fix && (res.leaks_fixed || res.corruptions_fixed)) {
        /* Report what is left after the repair, as qemu-img does. */
        BlockCheckResult again = { 0 };
        int lf = res.leaks_fixed, cf = res.corruptions_fixed;
        bs->drv->check(bs, &again, 0);
        res = again;
        res.leaks_fixed = lf;
        res.corruptions_fixed = cf;
        if (!quiet && !json) {
            printf("The following inconsistencies were found and repaired:\n\n"
                   "    %d leaked clusters\n    %d corruptions\n\n"
                   "Double checking the fixed image now...\n", lf, cf);
        }
    }
    if (json) {
        printf("{\n    \"image-end-offset\": %" PRId64 ",\n    \"total-clusters\": %" PRId64
               ",\n    \"check-errors\": %d,\n", res.image_end_offset, res.total_clusters,
               res.check_errors);
        if (res.leaks) {
            printf("    \"leaks\": %d,\n", res.leaks);
        }
        if (res.corruptions) {
            printf("    \"corruptions\": %d,\n", res.corruptions);
        }
        printf("    \"allocated-clusters\": %" PRId64 ",\n    \"filename\": \"%s\",\n"
               "    \"format\": \"%s\",\n    \"fragmented-clusters\": %" PRId64 ",\n"
               "    \"compressed-clusters\": %" PRId64 "\n}\n", res.allocated_clusters,
               bs->filename, bs->drv->format_name, res.fragmented_clusters,
               res.compressed_clusters);
    } else if (!quiet) {
        if (!res.corruptions && !res.leaks && !res.check_errors) {
            printf("No errors were found on the image.\n");
        } else {
            if (res.corruptions) {
                printf("\n%d errors were found on the image.\nData may be corrupted, or "
                       "further writes to the image may corrupt it.\n", res.corruptions);
            }
            if (res.leaks) {
                printf("\n%d leaked clusters were found on the image.\nThis means waste of "
                       "disk space, but no harm to data.\n", res.leaks);
            }
            if (res.check_errors) {
                printf("\n%d internal errors have occurred during the check.\n",
                       res.check_errors);
            }
        }
        if (res.total_clusters && res.allocated_clusters) {
            printf("%" PRId64 "/%" PRId64 " = %0.2f%% allocated, %0.2f%% fragmented, "
                   "%0.2f%% compressed clusters\n", res.allocated_clusters,
                   res.total_clusters, res.allocated_clusters * 100.0 / res.total_clusters,
                   res.fragmented_clusters * 100.0 / res.allocated_clusters,
                   res.compressed_clusters * 100.0 / res.allocated_clusters);
        }
        if (res.image_end_offset) {
            printf("Image end offset: %" PRId64 "\n", res.image_end_offset);
        }
    }
    bdrv_close(bs);
    if (res.check_errors) {
        return 1;
    }
    if (res.corruptions) {
        return 2;
    }
    if (res.leaks) {
        return 3;
    }
    return 0;
}

bool img_is_zero(const uint8_t *buf, size_t len)
{
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        if (ldq_le_p(buf + i)) {
            return false;
        }
    }
    for (; i < len; i++) {
        if (buf[i]) {
            return false;
        }
    }
    return true;
}

bool img_parse_cache(const char *mode, int *flags)
{
    if (!strcmp(mode, "unsafe")) {
        *flags |= BDRV_O_UNSAFE;
    } else if (!strcmp(mode, "none") || !strcmp(mode, "directsync")) {
        *flags |= BDRV_O_NOCACHE;
    } else if (strcmp(mode, "writeback") && strcmp(mode, "writethrough")) {
        img_error("Invalid cache option: %s", mode);
        return false;
    }
    return true;
}

void img_progress(bool on, uint64_t done, uint64_t total)
{
    if (on) {
        printf("    (%3.2f/100%%)\r", total ? done * 100.0 / total : 100.0);
        fflush(stdout);
    }
}

static int img_snapshot(int argc, char **argv)
{
    const char *fmt = NULL, *name = NULL;
    char action = 0;
    BlockDriverState *bs;
    GError *err = NULL;
    int c, r = 0;

    optind = 1;
    while ((c = getopt(argc, argv, "+hf:lc:a:d:qU")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'l': case 'c': case 'a': case 'd':
            if (action) {
                img_error("Cannot mix '-l', '-a', '-c', '-d'");
                return 1;
            }
            action = c;
            name = optarg;
            break;
        case 'q': case 'U': break;
        default:
            return 1;
        }
    }
    if (optind >= argc || !action) {
        img_error("usage: snapshot [-l | -a snapshot | -c snapshot | -d snapshot] file");
        return 1;
    }
    bs = img_open(argv[optind], fmt, BDRV_O_NO_BACKING | (action == 'l' ? 0 : BDRV_O_RDWR));
    if (!bs) {
        return 1;
    }
    if (!bs->drv->snapshot_list) {
        img_error("Format '%s' does not support internal snapshots", bs->drv->format_name);
        bdrv_close(bs);
        return 1;
    }
    switch (action) {
    case 'l': {
        GString *out = g_string_new(NULL);
        BlockSnapshotInfo *l;
        int n = bs->drv->snapshot_list(bs, &l);
        bdrv_snapshot_list_free(l, n);
        if (n > 0) {
            /* Same table as info prints. */
            GString *all = g_string_new(NULL);
            img_info_one(bs, all, false);
            const char *p = strstr(all->str, "Snapshot list:\n");
            const char *e = p ? strstr(p, "Format specific information:") : NULL;
            if (p) {
                g_string_append_len(out, p, e ? e - p : (gssize)strlen(p));
            }
            g_string_free(all, true);
        }
        fputs(out->str, stdout);
        g_string_free(out, true);
        break;
    }
    case 'c':
        r = bs->drv->snapshot_create(bs, name, &err);
        break;
    case 'a':
        r = bs->drv->snapshot_goto(bs, name, &err);
        break;
    case 'd':
        r = bs->drv->snapshot_delete(bs, name, &err);
        break;
    }
    bdrv_close(bs);
    if (r < 0) {
        if (err) {
            img_error("Could not %s snapshot '%s': %s",
                      action == 'c' ? "create" : action == 'a' ? "apply" : "delete",
                      name, err->message);
            g_error_free(err);
        }
        return 1;
    }
    return 0;
}

static int img_resize(int argc, char **argv)
{
    const char *fmt = NULL, *arg;
    bool shrink = false;
    BlockDriverState *bs;
    GError *err = NULL;
    uint64_t n, size;
    int r;

    /* A leading '-' of "-1G" is a size, not an option: scan by hand. */
    int i = 1;
    for (; i < argc - 2; i++) {
        if (!strcmp(argv[i], "-f") && i + 1 < argc - 2) {
            fmt = argv[++i];
        } else if (!strcmp(argv[i], "--shrink")) {
            shrink = true;
        } else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "-U")) {
            continue;
        } else {
            break;
        }
    }
    if (argc - i != 2) {
        img_error("Expecting image file name and size");
        return 1;
    }
    arg = argv[i + 1];
    if (!img_parse_size(arg + (*arg == '+' || *arg == '-'), &n)) {
        img_error("Invalid image size specified");
        return 1;
    }
    bs = img_open(argv[i], fmt, BDRV_O_RDWR | BDRV_O_NO_BACKING);
    if (!bs) {
        return 1;
    }
    size = *arg == '+' ? bs->total_size + n : *arg == '-' ? bs->total_size - n : n;
    if (*arg == '-' && n > bs->total_size) {
        img_error("New image size must be positive");
        bdrv_close(bs);
        return 1;
    }
    if (size < bs->total_size && !shrink) {
        img_error("Use the --shrink option to perform a shrink operation.");
        bdrv_close(bs);
        return 1;
    }
    r = bs->drv->truncate ? bs->drv->truncate(bs, size, &err) : -ENOTSUP;
    bdrv_close(bs);
    if (r < 0) {
        if (err) {
            return img_gerror(err);
        }
        img_error("Image format does not support resizing");
        return 1;
    }
    printf("Image resized.\n");
    return 0;
}

static int img_rebase(int argc, char **argv)
{
    const char *fmt = NULL, *nb = NULL, *nbfmt = NULL;
    bool unsafe = false;
    BlockDriverState *bs, *newb = NULL;
    int c, r = 0;

    optind = 1;
    while ((c = getopt(argc, argv, "+hf:b:F:upqUt:T:")) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'b': nb = optarg; break;
        case 'F': nbfmt = optarg; break;
        case 'u': unsafe = true; break;
        case 'p': case 'q': case 'U': case 't': case 'T': break;
        default:
            return 1;
        }
    }
    if (optind >= argc || !nb) {
        img_error("Expecting one image file name and -b backing_file");
        return 1;
    }
    bs = img_open(argv[optind], fmt, BDRV_O_RDWR | (unsafe ? BDRV_O_NO_BACKING : 0));
    if (!bs) {
        return 1;
    }
    if (!bs->drv->change_backing) {
        img_error("Format '%s' has no backing file", bs->drv->format_name);
        bdrv_close(bs);
        return 1;
    }
    if (!unsafe && *nb) {
        g_autofree char *path = bdrv_resolve_backing(bs->filename, nb);
        newb = img_open(path, nbfmt, 0);
        if (!newb) {
            bdrv_close(bs);
            return 1;
        }
        if (!nbfmt) {
            nbfmt = newb->drv->format_name;
        }
    }
    if (!unsafe) {
        /* Where the image shows its old backing data, keep it if the new one differs. */
        uint64_t chunk = 65536;
        uint8_t *a = g_malloc(chunk), *b = g_malloc(chunk);
        for (uint64_t off = 0; off < bs->total_size && r == 0; off += chunk) {
            uint64_t n = MIN_U(chunk, bs->total_size - off), pnum, map;
            int st = bdrv_block_status(bs, off, n, &pnum, &map);
            if (st < 0) {
                r = st;
                break;
            }
            if (st != 0 && pnum >= n) {
                continue;
            }
            r = bdrv_pread(bs, off, a, n);
            memset(b, 0, n);
            if (r == 0 && newb && off < newb->total_size) {
                r = bdrv_pread(newb, off, b, MIN_U(n, newb->total_size - off));
            }
            if (r == 0 && memcmp(a, b, n)) {
                r = bdrv_pwrite(bs, off, a, n);
            }
        }
        g_free(a);
        g_free(b);
    }
    if (r == 0) {
        r = bs->drv->change_backing(bs, nb, *nb ? nbfmt : NULL);
    }
    bdrv_close(newb);
    bdrv_close(bs);
    if (r < 0) {
        img_error("Could not change the backing file: %s", g_strerror(-r));
        return 1;
    }
    return 0;
}

static int img_map(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'O' },
        { NULL, 0, NULL, 0 },
    };
    const char *fmt = NULL;
    bool json = false, first = true;
    BlockDriverState *bs;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "+hf:U", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': fmt = optarg; break;
        case 'O': json = !strcmp(optarg, "json"); break;
        case 'U': break;
        default:
            return 1;
        }
    }
    if (optind >= argc) {
        img_error("Expecting one image file name");
        return 1;
    }
    bs = img_open(argv[optind], fmt, 0);
    if (!bs) {
        return 1;
    }
    if (json) {
        printf("[");
    } else {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
    }
    for (uint64_t off = 0; off < bs->total_size;) {
        uint64_t pnum, map;
        int depth;
        int st = bdrv_block_status_above(bs, off, bs->total_size - off, &pnum, &map, &depth);
        if (st < 0) {
            img_error("map failed: %s", g_strerror(-st));
            bdrv_close(bs);
            return 1;
        }
        BlockDriverState *layer = bs;
        for (int d = 0; d < depth && layer; d++) {
            layer = layer->backing;
        }
        if (json) {
            printf("%s{ \"start\": %" PRIu64 ", \"length\": %" PRIu64 ", \"depth\": %d, "
                   "\"present\": %s, \"zero\": %s, \"data\": %s",
                   first ? "" : ",\n", off, pnum, depth, st ? "true" : "false",
                   (st & BDRV_BLOCK_ZERO) || !st ? "true" : "false",
                   (st & BDRV_BLOCK_DATA) ? "true" : "false");
            if (st & BDRV_BLOCK_OFFSET) {
                printf(", \"offset\": %" PRIu64, map);
            }
            printf("}");
        } else if (st & BDRV_BLOCK_OFFSET) {
            printf("0x%-14" PRIx64 "0x%-14" PRIx64 "0x%-14" PRIx64 "%s\n", off, pnum, map,
                   layer ? layer->filename : "");
        }
        first = false;
        off += pnum;
    }
    if (json) {
        printf("]\n");
    }
    bdrv_close(bs);
    return 0;
}

static int img_compare(int argc, char **argv)
{
    const char *fa = NULL, *fb = NULL;
    BlockDriverState *a, *b;
    uint8_t *ba, *bb;
    uint64_t size;
    int c, ret = 0;

    optind = 1;
    while ((c = getopt(argc, argv, "+hf:F:spqU")) != -1) {
        switch (c) {
        case 'f': fa = optarg; break;
        case 'F': fb = optarg; break;
        case 's': case 'p': case 'q': case 'U': break;
        default:
            return 2;
        }
    }
    if (argc - optind != 2) {
        img_error("Expecting two image file names");
        return 2;
    }
    a = img_open(argv[optind], fa, 0);
    b = a ? img_open(argv[optind + 1], fb, 0) : NULL;
    if (!a || !b) {
        bdrv_close(a);
        return 2;
    }
    ba = g_malloc(IMG_BUF_SIZE);
    bb = g_malloc(IMG_BUF_SIZE);
    size = MAX(a->total_size, b->total_size);
    for (uint64_t off = 0; off < size && !ret; off += IMG_BUF_SIZE) {
        uint64_t n = MIN_U(IMG_BUF_SIZE, size - off);
        memset(ba, 0, n);
        memset(bb, 0, n);
        if ((off < a->total_size &&
             bdrv_pread(a, off, ba, MIN_U(n, a->total_size - off)) < 0) ||
            (off < b->total_size &&
             bdrv_pread(b, off, bb, MIN_U(n, b->total_size - off)) < 0)) {
            img_error("Error while reading");
            ret = 4;
            break;
        }
        for (uint64_t i = 0; i < n; i++) {
            if (ba[i] != bb[i]) {
                printf("Content mismatch at offset %" PRIu64 "!\n", off + (i & ~(uint64_t)511));
                ret = 1;
                break;
            }
        }
    }
    if (!ret) {
        printf(a->total_size == b->total_size ? "Images are identical.\n"
               : "Warning: Image size mismatch!\nImages are identical.\n");
    }
    g_free(ba);
    g_free(bb);
    bdrv_close(a);
    bdrv_close(b);
    return ret;
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} img_cmds[] = {
    { "create", img_create }, { "info", img_info }, { "check", img_check },
    { "convert", img_convert }, { "snapshot", img_snapshot }, { "resize", img_resize },
    { "commit", img_commit }, { "rebase", img_rebase }, { "map", img_map },
    { "compare", img_compare },
};

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        printf("usage: mimic-img command [command options]\ncommands:");
        for (size_t i = 0; i < ARRAY_SIZE(img_cmds); i++) {
            printf(" %s", img_cmds[i].name);
        }
        printf("\n");
        return argc < 2 ? 1 : 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("mimic-img version 0.1\n");
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(img_cmds); i++) {
        if (!strcmp(argv[1], img_cmds[i].name)) {
            return img_cmds[i].fn(argc - 1, argv + 1);
        }
    }
    img_error("Command not found: %s", argv[1]);
    return 1;
}
