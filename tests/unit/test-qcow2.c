/*
 * Unit tests for block/qcow2*.c: writes against a shadow copy across
 * cluster sizes, versions and refcount widths (with refcount table growth),
 * backing files, compressed clusters, internal snapshots, consistency
 * after every step (our check; qemu-img check too when it is installed),
 * malformed images, and a short mutation fuzz of the parser.
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <signal.h>

static char tmpdir[64];

static void setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/mimic-qcow2-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

static char *tpath(const char *name)
{
    return g_build_filename(tmpdir, name, NULL);
}

static BlockDriverState *open_ok(const char *path, int flags)
{
    GError *err = NULL;
    BlockDriverState *bs = bdrv_open(path, NULL, flags, &err);

    cr_assert_not_null(bs, "open %s: %s", path, err ? err->message : "");
    return bs;
}

static void check_clean(const char *path)
{
    BlockDriverState *bs = open_ok(path, BDRV_O_NO_BACKING);
    BlockCheckResult res = { 0 };

    cr_assert_eq(bs->drv->check(bs, &res, 0), 0);
    cr_assert_eq(res.corruptions, 0, "%s: %d corruptions", path, res.corruptions);
    cr_assert_eq(res.leaks, 0, "%s: %d leaks", path, res.leaks);
    bdrv_close(bs);
    if (access("/usr/bin/qemu-img", X_OK) == 0) {
        g_autofree char *cmd = g_strdup_printf("qemu-img check -q '%s'", path);
        int st = system(cmd);
        cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "qemu-img check %s: %d", path, st);
    }
}

static void create_ok(const char *path, const BlockCreateOpts *o)
{
    GError *err = NULL;

    cr_assert(bdrv_create("qcow2", path, o, &err), "%s", err ? err->message : "");
}

/* Random writes of random lengths, checked against a shadow copy after reopening. */
static void random_writes(uint32_t cluster, int compat, int rbits, uint64_t size, int n)
{
    g_autofree char *p = tpath("rw.qcow2");
    BlockCreateOpts o = { .size = size, .cluster_size = cluster, .compat = compat,
                          .refcount_bits = rbits };
    uint8_t *shadow = g_malloc0(size), *buf = g_malloc(size);
    BlockDriverState *bs;
    GRand *rnd = g_rand_new_with_seed(cluster * 7 + compat * 3 + rbits);

    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    for (int i = 0; i < n; i++) {
        uint64_t off = g_rand_int_range(rnd, 0, size - 1);
        uint64_t len = MIN_U((uint64_t)g_rand_int_range(rnd, 1, 3 * cluster), size - off);
        for (uint64_t j = 0; j < len; j++) {
            buf[j] = g_rand_int(rnd);
        }
        memcpy(shadow + off, buf, len);
        cr_assert_eq(bdrv_pwrite(bs, off, buf, len), 0);
    }
    cr_assert_eq(bdrv_pread(bs, 0, buf, size), 0);
    cr_assert_eq(memcmp(buf, shadow, size), 0, "read back before reopen");
    bdrv_close(bs);
    bs = open_ok(p, 0);
    memset(buf, 0x5a, size);
    cr_assert_eq(bdrv_pread(bs, 0, buf, size), 0);
    cr_assert_eq(memcmp(buf, shadow, size), 0, "read back after reopen");
    bdrv_close(bs);
    check_clean(p);
    g_rand_free(rnd);
    g_free(shadow);
    g_free(buf);
}

TestSuite(qcow2, .init = setup, .fini = teardown, .timeout = 120);

Test(qcow2, writes_v3_64k)
{
    random_writes(65536, 3, 16, 8 << 20, 300);
}

Test(qcow2, writes_v2_4k)
{
    random_writes(4096, 2, 16, 4 << 20, 300);
}

Test(qcow2, writes_512_grow_refcount_table)
{
    /* 512-byte clusters: one refcount table cluster covers only 8 MiB. */
    random_writes(512, 3, 16, 24 << 20, 1500);
}

Test(qcow2, writes_narrow_and_wide_refcounts)
{
    random_writes(1024, 3, 1, 2 << 20, 200);
    random_writes(1024, 3, 4, 2 << 20, 200);
    random_writes(1024, 3, 64, 2 << 20, 200);
}

Test(qcow2, backing_file_and_cow)
{
    g_autofree char *base = tpath("base.raw"), *top = tpath("top.qcow2");
    uint8_t *b = g_malloc(1 << 20), *r = g_malloc(1 << 20);
    BlockCreateOpts o = { .backing_file = "base.raw", .backing_fmt = "raw" };
    BlockDriverState *bs;
    int fd = open(base, O_CREAT | O_WRONLY, 0644);

    for (int i = 0; i < (1 << 20); i++) {
        b[i] = i * 13 + 1;
    }
    cr_assert_eq(pwrite(fd, b, 1 << 20, 0), 1 << 20);
    close(fd);
    create_ok(top, &o);    /* size taken from the backing file */
    bs = open_ok(top, BDRV_O_RDWR);
    cr_assert_eq(bs->total_size, 1 << 20);
    cr_assert_not_null(bs->backing);
    memset(r, 0xee, 100);
    memcpy(b + 70000, r, 100);
    cr_assert_eq(bdrv_pwrite(bs, 70000, r, 100), 0);
    cr_assert_eq(bdrv_pread(bs, 0, r, 1 << 20), 0);
    cr_assert_eq(memcmp(r, b, 1 << 20), 0, "partial write must keep backing data around it");
    bdrv_close(bs);
    check_clean(top);
    g_free(b);
    g_free(r);
}

/* The L1 table of a qcow2 file as stored on disk (host order). */
static uint64_t *read_l1(const char *path, uint32_t *n)
{
    uint8_t h[48];
    uint64_t *l1;
    int fd = open(path, O_RDONLY);

    cr_assert_geq(fd, 0);
    cr_assert_eq(pread(fd, h, sizeof(h), 0), (ssize_t)sizeof(h));
    *n = ldl_be_p(h + 36);
    l1 = g_new0(uint64_t, *n + 1);
    cr_assert_eq(pread(fd, l1, *n * 8ULL, ldq_be_p(h + 40)), (ssize_t)(*n * 8ULL));
    for (uint32_t i = 0; i < *n; i++) {
        l1[i] = GUINT64_FROM_BE(l1[i]);
    }
    close(fd);
    return l1;
}

/*
 * make_empty (commit without -d): every cluster of the active layer is really
 * deallocated -- no L2 table left in L1, refcounts dropped (check finds no leak,
 * the file shrinks), block status "unallocated" everywhere -- and reads fall
 * through to the backing file, also where the top had a ZERO cluster (a ZERO
 * flag left behind would hide the backing data). Clusters a snapshot shares
 * survive with the snapshot. Both versions; v2 has no ZERO flag.
 */
static void make_empty_case(int compat)
{
    g_autofree char *base = tpath("me-base.raw"), *top = tpath("me-top.qcow2");
    const uint64_t size = 3 << 20;
    BlockCreateOpts o = { .backing_file = "me-base.raw", .backing_fmt = "raw",
                          .cluster_size = 4096, .compat = compat };
    uint8_t *b = g_malloc(size), *r = g_malloc(size), *snap = g_malloc(size);
    BlockDriverState *bs;
    GError *err = NULL;
    uint64_t pnum, map, *l1;
    uint32_t l1n;
    struct stat st_full, st_empty;
    int fd = open(base, O_CREAT | O_WRONLY | O_TRUNC, 0644);

    for (uint64_t i = 0; i < size; i++) {
        b[i] = i * 7 + 3;
    }
    cr_assert_eq(pwrite(fd, b, size, 0), (ssize_t)size);
    close(fd);
    create_ok(top, &o);
    bs = open_ok(top, BDRV_O_RDWR);
    /* Data in several L2 tables (4 KiB clusters: 2 MiB per table), a discard. */
    memset(r, 0x11, 1 << 20);
    cr_assert_eq(bdrv_pwrite(bs, 5000, r, 300000), 0);
    cr_assert_eq(bdrv_pwrite(bs, (2 << 20) + 100, r, 40000), 0);
    cr_assert_eq(bdrv_discard(bs, 1 << 20, 8192), 0);
    cr_assert_eq(bs->drv->snapshot_create(bs, "keep", &err), 0);
    cr_assert_eq(bdrv_pread(bs, 0, snap, size), 0);
    memset(r, 0x22, 1 << 20);
    cr_assert_eq(bdrv_pwrite(bs, 200000, r, 100000), 0);
    cr_assert_eq(bdrv_discard(bs, (1 << 20) + 65536, 4096), 0);
    bdrv_close(bs);
    check_clean(top);
    cr_assert_eq(stat(top, &st_full), 0);

    bs = open_ok(top, BDRV_O_RDWR);
    cr_assert_eq(bdrv_make_empty(bs), 0);
    cr_assert_eq(bdrv_pread(bs, 0, r, size), 0);
    cr_assert_eq(memcmp(r, b, size), 0, "v%d: reads fall through to the backing file",
                 compat);
    bdrv_close(bs);
    check_clean(top);
    cr_assert_eq(stat(top, &st_empty), 0);
    cr_assert_lt(st_empty.st_size, st_full.st_size, "freed clusters at the end are cut off");

    l1 = read_l1(top, &l1n);
    for (uint32_t i = 0; i < l1n; i++) {
        cr_assert_eq(l1[i], 0, "v%d: L1[%u] still points at an L2 table", compat, i);
    }
    g_free(l1);
    bs = open_ok(top, BDRV_O_RDWR);
    cr_assert_eq(bdrv_block_status(bs, 0, size, &pnum, &map), 0, "unallocated");
    cr_assert_eq(pnum, size);
    cr_assert_eq(bdrv_pread(bs, 0, r, size), 0);
    cr_assert_eq(memcmp(r, b, size), 0, "after reopen");
    /* The snapshot kept its own references. */
    cr_assert_eq(bs->drv->snapshot_goto(bs, "keep", &err), 0);
    cr_assert_eq(bdrv_pread(bs, 0, r, size), 0);
    cr_assert_eq(memcmp(r, snap, size), 0, "v%d: snapshot contents survive", compat);
    bdrv_close(bs);
    check_clean(top);
    g_free(b);
    g_free(r);
    g_free(snap);
}

Test(qcow2, make_empty_deallocates_v3)
{
    make_empty_case(3);
}

Test(qcow2, make_empty_deallocates_v2)
{
    make_empty_case(2);
}

/* No snapshot: nothing at all stays allocated but the metadata of an empty image. */
Test(qcow2, make_empty_frees_every_cluster)
{
    g_autofree char *base = tpath("mf-base.qcow2"), *top = tpath("mf-top.qcow2");
    BlockCreateOpts ob = { .size = 4 << 20 };
    BlockCreateOpts o = { .backing_file = "mf-base.qcow2", .backing_fmt = "qcow2" };
    uint8_t *buf = g_malloc(4 << 20);
    BlockCheckResult res = { 0 }, res0 = { 0 };
    BlockDriverState *bs;

    create_ok(base, &ob);
    create_ok(top, &o);
    bs = open_ok(top, BDRV_O_NO_BACKING);
    cr_assert_eq(bs->drv->check(bs, &res0, 0), 0);
    bdrv_close(bs);
    bs = open_ok(top, BDRV_O_RDWR);
    memset(buf, 0x5c, 4 << 20);
    cr_assert_eq(bdrv_pwrite(bs, 0, buf, 4 << 20), 0);
    cr_assert_eq(bdrv_make_empty(bs), 0);
    cr_assert_eq(bdrv_pread(bs, 0, buf, 4 << 20), 0);
    cr_assert(buf[0] == 0 && buf[(4 << 20) - 1] == 0, "the empty base shows through");
    bdrv_close(bs);
    bs = open_ok(top, BDRV_O_NO_BACKING);
    cr_assert_eq(bs->drv->check(bs, &res, 0), 0);
    cr_assert_eq(res.leaks, 0);
    cr_assert_eq(res.corruptions, 0);
    cr_assert_eq(res.allocated_clusters, res0.allocated_clusters,
                 "%" PRId64 " clusters in use, %" PRId64 " when new",
                 res.allocated_clusters, res0.allocated_clusters);
    bdrv_close(bs);
    check_clean(top);
    g_free(buf);
}

/* check() with its per-cluster report (hundreds of lines after a crash) discarded. */
static int quiet_check(BlockDriverState *bs, BlockCheckResult *res, int fix)
{
    int saved, devnull = open("/dev/null", O_WRONLY), r;

    fflush(stderr);
    saved = dup(2);
    dup2(devnull, 2);
    r = bs->drv->check(bs, res, fix);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(devnull);
    return r;
}

/*
 * Crash ordering of make_empty: commit has already put the data into the
 * backing file, then a process emptying the top is killed (SIGKILL) at
 * different moments. Whatever it had done, check finds no corruption (leaks
 * at worst, which -r leaks repairs) and the top still reads the committed data.
 */
Test(qcow2, make_empty_killed_midway)
{
    g_autofree char *base = tpath("mk-base.raw"), *top = tpath("mk-top.qcow2");
    const uint64_t size = 8 << 20;
    BlockCreateOpts o = { .backing_file = "mk-base.raw", .backing_fmt = "raw",
                          .cluster_size = 1024 };
    uint8_t *b = g_malloc(size), *r = g_malloc(size);
    static const int delays_us[] = { 300, 1000, 3000, 8000, 20000, 60000 };

    for (uint64_t i = 0; i < size; i++) {
        b[i] = (i >> 10) * 31 + i;
    }
    for (size_t k = 0; k < ARRAY_SIZE(delays_us); k++) {
        BlockDriverState *bs;
        BlockCheckResult res = { 0 };
        int fd = open(base, O_CREAT | O_WRONLY | O_TRUNC, 0644), st;
        pid_t pid;

        cr_assert_eq(pwrite(fd, b, size, 0), (ssize_t)size);   /* "committed" */
        close(fd);
        unlink(top);
        create_ok(top, &o);
        bs = open_ok(top, BDRV_O_RDWR);
        cr_assert_eq(bdrv_pwrite(bs, 0, b, size), 0);
        bdrv_close(bs);

        pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            BlockDriverState *c = bdrv_open(top, NULL, BDRV_O_RDWR, NULL);
            _exit(c && bdrv_make_empty(c) == 0 ? 0 : 1);
        }
        usleep(delays_us[k]);
        kill(pid, SIGKILL);
        cr_assert_eq(waitpid(pid, &st, 0), pid);
        cr_assert(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 0));

        bs = open_ok(top, BDRV_O_NO_BACKING);
        cr_assert_eq(quiet_check(bs, &res, 0), 0);
        cr_assert_eq(res.corruptions, 0, "killed after %d us: %d corruptions", delays_us[k],
                     res.corruptions);
        cr_log_info("killed after %d us: %d leaked clusters", delays_us[k], res.leaks);
        bdrv_close(bs);
        bs = open_ok(top, 0);
        cr_assert_eq(bdrv_pread(bs, 0, r, size), 0);
        cr_assert_eq(memcmp(r, b, size), 0, "killed after %d us: data", delays_us[k]);
        bdrv_close(bs);
        bs = open_ok(top, BDRV_O_RDWR | BDRV_O_CHECK);
        memset(&res, 0, sizeof(res));
        cr_assert_eq(quiet_check(bs, &res, BDRV_FIX_LEAKS), 0);
        cr_assert_eq(res.leaks, 0, "leaks left after repair");
        bdrv_close(bs);
        check_clean(top);
    }
    g_free(b);
    g_free(r);
}

Test(qcow2, backing_loop_is_an_error)
{
    g_autofree char *a = tpath("a.qcow2"), *b = tpath("b.qcow2");
    BlockCreateOpts o = { .size = 1 << 20, .backing_file = "b.qcow2", .backing_fmt = "qcow2" };
    BlockCreateOpts o2 = { .size = 1 << 20, .backing_file = "a.qcow2", .backing_fmt = "qcow2" };
    GError *err = NULL;

    create_ok(a, &o);
    create_ok(b, &o2);
    cr_assert_null(bdrv_open(a, NULL, 0, &err));
    cr_assert_not_null(strstr(err->message, "loop"), "%s", err->message);
    g_error_free(err);
}

Test(qcow2, compressed_clusters)
{
    g_autofree char *p = tpath("c.qcow2");
    BlockCreateOpts o = { .size = 1 << 20, .cluster_size = 4096 };
    uint8_t *d = g_malloc(1 << 20), *r = g_malloc(1 << 20);
    BlockDriverState *bs;

    for (int i = 0; i < (1 << 20); i++) {
        d[i] = (i / 100) % 7;
    }
    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    for (int c = 0; c < 256; c++) {
        cr_assert_eq(bdrv_pwrite_compressed(bs, c * 4096, d + c * 4096, 4096), 0);
    }
    /* Overwrite part of a compressed cluster: it becomes a normal one. */
    memset(d + 5000, 0x77, 3000);
    cr_assert_eq(bdrv_pwrite(bs, 5000, d + 5000, 3000), 0);
    cr_assert_eq(bdrv_pread(bs, 0, r, 1 << 20), 0);
    cr_assert_eq(memcmp(d, r, 1 << 20), 0);
    bdrv_close(bs);
    check_clean(p);
    struct stat st;
    cr_assert_eq(stat(p, &st), 0);
    cr_assert_lt(st.st_size, 512 << 10, "1 MiB of repetitive data compresses well");
    g_free(d);
    g_free(r);
}

Test(qcow2, snapshots_create_apply_delete)
{
    g_autofree char *p = tpath("s.qcow2");
    BlockCreateOpts o = { .size = 2 << 20, .cluster_size = 4096 };
    uint8_t a[8192], b[8192];
    BlockSnapshotInfo *l;
    BlockDriverState *bs;
    GError *err = NULL;

    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    memset(a, 0xa1, sizeof(a));
    cr_assert_eq(bdrv_pwrite(bs, 10000, a, sizeof(a)), 0);
    cr_assert_eq(bs->drv->snapshot_create(bs, "one", &err), 0);
    memset(b, 0xb2, sizeof(b));
    cr_assert_eq(bdrv_pwrite(bs, 12000, b, sizeof(b)), 0);
    bdrv_close(bs);
    check_clean(p);
    bs = open_ok(p, BDRV_O_RDWR);
    cr_assert_eq(bs->drv->snapshot_list(bs, &l), 1);
    cr_assert_str_eq(l[0].name, "one");
    cr_assert_str_eq(l[0].id, "1");
    bdrv_snapshot_list_free(l, 1);
    cr_assert_eq(bs->drv->snapshot_goto(bs, "one", &err), 0);
    cr_assert_eq(bdrv_pread(bs, 10000, b, sizeof(b)), 0);
    cr_assert_eq(memcmp(a, b, sizeof(a)), 0, "snapshot data restored");
    cr_assert_eq(bs->drv->snapshot_delete(bs, "1", &err), 0);
    cr_assert_eq(bs->drv->snapshot_list(bs, &l), 0);
    bdrv_snapshot_list_free(l, 0);
    cr_assert_eq(bs->drv->snapshot_goto(bs, "one", &err), -ENOENT);
    g_error_free(err);
    bdrv_close(bs);
    check_clean(p);
}

/*
 * savevm's VM state: stored past the disk end with the snapshot (several L1 entries'
 * worth with 4 KiB clusters), read back through the snapshot's table while the
 * active disk has moved on, gone from the active table (the disk's own data does
 * not change), applied with the disk contents, freed by delete; the image stays
 * consistent (qemu-img check too) and qemu-img sees the VM state size.
 */
Test(qcow2, snapshot_with_vm_state)
{
    g_autofree char *p = tpath("vm.qcow2");
    BlockCreateOpts o = { .size = 3 << 20, .cluster_size = 4096 };
    size_t vm_len = (5 << 20) + 123;
    g_autofree uint8_t *vm = g_malloc(vm_len);
    g_autoptr(GByteArray) got = g_byte_array_new();
    uint8_t a[8192], b[8192];
    BlockSnapshotInfo *l;
    BlockDriverState *bs;
    GError *err = NULL;
    int64_t size_before;

    for (size_t i = 0; i < vm_len; i++) {
        vm[i] = (i * 2654435761u) >> 13;
    }
    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    memset(a, 0x5c, sizeof(a));
    cr_assert_eq(bdrv_pwrite(bs, (3 << 20) - sizeof(a), a, sizeof(a)), 0);
    cr_assert_eq(bs->drv->snapshot_create_vm(bs, "vm1", vm, vm_len, 777, &err), 0,
                 "%s", err ? err->message : "");
    cr_assert_eq(bs->drv->snapshot_create_vm(bs, "vm1", vm, 10, 0, &err), -EEXIST);
    g_clear_error(&err);
    memset(b, 0x6d, sizeof(b));
    cr_assert_eq(bdrv_pwrite(bs, (3 << 20) - sizeof(b), b, sizeof(b)), 0);
    bdrv_close(bs);
    check_clean(p);

    bs = open_ok(p, BDRV_O_RDWR);
    cr_assert_eq(bs->drv->snapshot_list(bs, &l), 1);
    cr_assert_eq(l[0].vm_state_size, vm_len);
    cr_assert_eq(l[0].vm_clock_nsec, 777);
    bdrv_snapshot_list_free(l, 1);
    cr_assert_eq(bs->drv->snapshot_load_vmstate(bs, "vm1", got, &err), 0);
    cr_assert_eq(got->len, vm_len);
    cr_assert_eq(memcmp(got->data, vm, vm_len), 0, "VM state read back");
    /* Reading it did not touch the active disk. */
    cr_assert_eq(bdrv_pread(bs, (3 << 20) - sizeof(a), a, sizeof(a)), 0);
    cr_assert_eq(memcmp(a, b, sizeof(b)), 0);
    cr_assert_eq(bs->drv->snapshot_goto(bs, "vm1", &err), 0, "%s", err ? err->message : "");
    cr_assert_eq(bdrv_pread(bs, (3 << 20) - sizeof(a), a, sizeof(a)), 0);
    memset(b, 0x5c, sizeof(b));
    cr_assert_eq(memcmp(a, b, sizeof(b)), 0, "disk contents of the snapshot");
    /* A disk-only snapshot has no VM state. */
    cr_assert_eq(bs->drv->snapshot_create(bs, "disk", &err), 0);
    g_byte_array_set_size(got, 0);
    cr_assert_eq(bs->drv->snapshot_load_vmstate(bs, "disk", got, &err), 0);
    cr_assert_eq(got->len, 0);
    bdrv_close(bs);
    check_clean(p);

    bs = open_ok(p, BDRV_O_RDWR);
    size_before = bdrv_file_size(bs);
    cr_assert_eq(bs->drv->snapshot_delete(bs, "vm1", &err), 0);
    cr_assert_eq(bs->drv->snapshot_delete(bs, "disk", &err), 0);
    /* The freed VM state clusters are reused by the next one. */
    cr_assert_eq(bs->drv->snapshot_create_vm(bs, "vm2", vm, vm_len, 1, &err), 0);
    cr_assert_leq(bdrv_file_size(bs), size_before + 65536,
                  "file grew from %" PRId64 " to %" PRId64, size_before, bdrv_file_size(bs));
    bdrv_close(bs);
    check_clean(p);
    if (system("command -v qemu-img >/dev/null 2>&1") == 0) {
        g_autofree char *cmd = g_strdup_printf("qemu-img snapshot -l '%s' | "
                                               "grep -q ' vm2 .* 5 MiB '", p);
        cr_assert_eq(system(cmd), 0, "qemu-img snapshot -l shows vm2 with 5 MiB of VM state");
    }
}

Test(qcow2, leak_repair)
{
    g_autofree char *p = tpath("l.qcow2");
    BlockCreateOpts o = { .size = 1 << 20, .cluster_size = 4096 };
    BlockCheckResult res = { 0 };
    BlockDriverState *bs;
    uint8_t rb[4096];
    int fd;

    create_ok(p, &o);
    /* Claim clusters 10 and 11 in the refcount block (cluster 2) without using them. */
    fd = open(p, O_RDWR);
    cr_assert_eq(pread(fd, rb, 4096, 2 * 4096), 4096);
    stw_be_p(rb + 20, 1);
    stw_be_p(rb + 22, 1);
    cr_assert_eq(pwrite(fd, rb, 4096, 2 * 4096), 4096);
    cr_assert_eq(ftruncate(fd, 12 * 4096), 0);
    close(fd);
    bs = open_ok(p, BDRV_O_NO_BACKING);
    cr_assert_eq(bs->drv->check(bs, &res, 0), 0);
    cr_assert_eq(res.leaks, 2);
    cr_assert_eq(res.corruptions, 0);
    bdrv_close(bs);
    bs = open_ok(p, BDRV_O_RDWR | BDRV_O_CHECK);
    memset(&res, 0, sizeof(res));
    cr_assert_eq(bs->drv->check(bs, &res, BDRV_FIX_LEAKS), 0);
    cr_assert_eq(res.leaks_fixed, 2);
    bdrv_close(bs);
    check_clean(p);
}

/* Write a header field of a fresh image and expect open to fail cleanly. */
static void expect_open_fails(uint64_t field, int width, uint64_t value, const char *what)
{
    g_autofree char *p = tpath("bad.qcow2");
    BlockCreateOpts o = { .size = 1 << 20, .cluster_size = 4096 };
    uint8_t v[8];
    GError *err = NULL;
    int fd;

    create_ok(p, &o);
    fd = open(p, O_RDWR);
    if (width == 4) {
        stl_be_p(v, value);
    } else {
        stq_be_p(v, value);
    }
    cr_assert_eq(pwrite(fd, v, width, field), width);
    close(fd);
    cr_assert_null(bdrv_open(p, "qcow2", 0, &err), "%s should fail", what);
    cr_assert_not_null(err);
    g_error_free(err);
}

Test(qcow2, malformed_headers)
{
    expect_open_fails(0, 4, 0x12345678, "bad magic");
    expect_open_fails(4, 4, 4, "version 4");
    expect_open_fails(20, 4, 40, "cluster bits 40");
    expect_open_fails(24, 8, 1ULL << 63, "huge size");
    expect_open_fails(24, 8, 1ULL << 40, "size beyond L1 table");
    expect_open_fails(40, 8, 1ULL << 40, "L1 past end of file");
    expect_open_fails(48, 8, 1ULL << 40, "refcount table past end of file");
    expect_open_fails(56, 4, 0xffffffff, "huge refcount table");
    expect_open_fails(36, 4, 0x7fffffff, "huge L1 table");
    expect_open_fails(32, 4, 1, "encryption");
    expect_open_fails(60, 4, 5, "snapshots past end");
    expect_open_fails(72, 8, 1ULL << 10, "unknown incompatible feature");
    expect_open_fails(8, 8, 5000, "backing name outside the header cluster");
}

Test(qcow2, corrupt_l2_pointer_is_an_error_not_a_crash)
{
    g_autofree char *p = tpath("l2.qcow2");
    BlockCreateOpts o = { .size = 1 << 20, .cluster_size = 4096 };
    BlockDriverState *bs;
    uint8_t v[8], buf[4096];
    int fd;

    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    memset(buf, 1, sizeof(buf));
    cr_assert_eq(bdrv_pwrite(bs, 0, buf, sizeof(buf)), 0);
    bdrv_close(bs);
    /* L1[0] -> unaligned offset far past the end. */
    fd = open(p, O_RDWR);
    stq_be_p(v, 0x8000000000001234ULL);
    cr_assert_eq(pwrite(fd, v, 8, 3 * 4096), 8);
    close(fd);
    bs = open_ok(p, 0);
    cr_assert_lt(bdrv_pread(bs, 0, buf, sizeof(buf)), 0);
    bdrv_close(bs);
}

/* Mutation fuzz: flip bytes in the metadata of a small image with data,
 * snapshots and compressed clusters; open, read all, check: never crash. */
Test(qcow2, fuzz_parser, .timeout = 120)
{
    g_autofree char *p = tpath("seed.qcow2"), *f = tpath("fuzz.qcow2");
    BlockCreateOpts o = { .size = 256 << 10, .cluster_size = 512 };
    BlockDriverState *bs;
    uint8_t *seed, *img, *buf = g_malloc(256 << 10);
    gsize len;
    GError *err = NULL;
    /* MIMIC_FUZZ_SEED / MIMIC_FUZZ_ITERS widen a manual run; make check stays fixed. */
    const char *seed_env = getenv("MIMIC_FUZZ_SEED"), *iters_env = getenv("MIMIC_FUZZ_ITERS");
    GRand *rnd = g_rand_new_with_seed(seed_env ? strtoul(seed_env, NULL, 0) : 42);
    int iters = iters_env ? atoi(iters_env) : 1500;
    int opened = 0;

    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    for (int i = 0; i < 64; i++) {
        memset(buf, i, 700);
        cr_assert_eq(bdrv_pwrite(bs, i * 3000, buf, 700), 0);
    }
    cr_assert_eq(bs->drv->snapshot_create(bs, "s", &err), 0);
    memset(buf, 0, 512);
    cr_assert_eq(bdrv_pwrite_compressed(bs, 200 * 1024, buf, 512), 0);
    cr_assert_eq(bdrv_pwrite(bs, 1000, buf, 3000), 0);
    bdrv_close(bs);
    cr_assert(g_file_get_contents(p, (gchar **)&seed, &len, NULL));
    img = g_malloc(len);
    for (int iter = 0; iter < iters; iter++) {
        memcpy(img, seed, len);
        int nflips = g_rand_int_range(rnd, 1, 8);
        for (int k = 0; k < nflips; k++) {
            /* Mostly the header and the first metadata clusters. */
            gsize pos = g_rand_boolean(rnd) ? g_rand_int_range(rnd, 0, 128)
                                            : g_rand_int_range(rnd, 0, len);
            if (g_rand_boolean(rnd)) {
                img[pos] = g_rand_int(rnd);
            } else {
                img[pos] ^= 1u << g_rand_int_range(rnd, 0, 8);
            }
        }
        cr_assert(g_file_set_contents(f, (gchar *)img, len, NULL));
        bs = bdrv_open(f, "qcow2", BDRV_O_NO_BACKING | (iter & 1 ? BDRV_O_RDWR : 0), &err);
        if (!bs) {
            g_clear_error(&err);
            continue;
        }
        opened++;
        uint64_t n = MIN_U(bs->total_size, 256 << 10);
        bdrv_pread(bs, 0, buf, n);
        if (iter & 1) {
            bdrv_pwrite(bs, 0, buf, MIN_U(n, 5000));
        }
        BlockCheckResult res = { 0 };
        bs->drv->check(bs, &res, 0);
        bdrv_close(bs);
    }
    cr_assert_gt(opened, iters / 15, "the fuzzer should reach past the header checks");
    g_rand_free(rnd);
    g_free(seed);
    g_free(img);
    g_free(buf);
}

/* ---- host space: holes punched for freed clusters (qcow2-refcount.c, -cluster.c) ---- */

static int64_t host_blocks(const char *path)
{
    struct stat st;

    cr_assert_eq(stat(path, &st), 0);
    return st.st_blocks;
}

static void fill(BlockDriverState *bs, uint64_t off, uint64_t len, uint8_t v)
{
    uint8_t *buf = g_malloc(len);

    memset(buf, v, len);
    cr_assert_eq(bdrv_pwrite(bs, off, buf, len), 0);
    g_free(buf);
}

static void expect_bytes(BlockDriverState *bs, uint64_t off, uint64_t len, uint8_t v)
{
    uint8_t *buf = g_malloc(len);

    cr_assert_eq(bdrv_pread(bs, off, buf, len), 0);
    for (uint64_t i = 0; i < len; i++) {
        cr_assert_eq(buf[i], v, "byte 0x%" PRIx64 " is 0x%x, want 0x%x", off + i, buf[i], v);
    }
    g_free(buf);
}

/*
 * A discard request frees clusters in the middle of the file (live data
 * follows them). As QEMU's pass-discard-request: only with discard=unmap
 * (BDRV_O_UNMAP) is the host space given back.
 */
static int64_t discard_case(int extra_flags)
{
    g_autofree char *p = tpath("dc.qcow2");
    BlockCreateOpts o = { .size = 8 << 20 };
    BlockDriverState *bs;
    int64_t before, after, size;

    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR | extra_flags);
    fill(bs, 0, 4 << 20, 0x3c);
    fill(bs, 6 << 20, 64 << 10, 0x3d);
    bdrv_flush(bs);
    before = host_blocks(p);
    size = bdrv_file_size(bs);
    cr_assert_eq(bdrv_discard(bs, 0, 4 << 20), 0);
    bdrv_flush(bs);
    after = host_blocks(p);
    cr_assert_eq(bdrv_file_size(bs), size, "the file keeps its size");
    expect_bytes(bs, 0, 4 << 20, 0);
    expect_bytes(bs, 6 << 20, 64 << 10, 0x3d);
    bdrv_close(bs);
    check_clean(p);
    return before - after;
}

Test(qcow2, discard_punches_only_with_unmap)
{
    int64_t kept = discard_case(0), freed = discard_case(BDRV_O_UNMAP);

    cr_assert_lt(kept, 64, "without unmap %" PRId64 " blocks were freed", kept);
    cr_assert_geq(freed, (4 << 20) / 512 - 64, "with unmap only %" PRId64 " blocks", freed);
}

/* snapshot delete gives the snapshot's own clusters back (pass-discard-snapshot). */
Test(qcow2, snapshot_delete_punches)
{
    g_autofree char *p = tpath("sd.qcow2");
    BlockCreateOpts o = { .size = 16 << 20 };
    BlockDriverState *bs;
    GError *err = NULL;
    int64_t before, after, size;

    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    fill(bs, 0, 8 << 20, 0x11);
    cr_assert_eq(bs->drv->snapshot_create(bs, "old", &err), 0);
    fill(bs, 0, 8 << 20, 0x22);
    before = host_blocks(p);
    size = bdrv_file_size(bs);
    cr_assert_eq(bs->drv->snapshot_delete(bs, "old", &err), 0);
    after = host_blocks(p);
    cr_assert_geq(before - after, (8 << 20) / 512, "%" PRId64 " -> %" PRId64 " blocks",
                  before, after);
    cr_assert_eq(bdrv_file_size(bs), size);
    expect_bytes(bs, 0, 8 << 20, 0x22);
    bdrv_close(bs);
    check_clean(p);
}

/*
 * One discard frees the data of an L2 table of its own, then copies an L2
 * table shared with a snapshot: the copy takes the lowest free cluster, one
 * just freed and queued for punching. The hole must be punched before the
 * copy is written there, or the entries it keeps (and their data) are lost.
 */
Test(qcow2, punched_cluster_reused_in_the_same_operation)
{
    g_autofree char *p = tpath("ru.qcow2");
    /* 512-byte clusters: an L2 table covers 32 KiB. */
    BlockCreateOpts o = { .size = 64 << 10, .cluster_size = 512 };
    BlockDriverState *bs;
    GError *err = NULL;

    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR | BDRV_O_UNMAP);
    fill(bs, 32 << 10, 32 << 10, 0xa5);
    cr_assert_eq(bs->drv->snapshot_create(bs, "s", &err), 0);
    fill(bs, 0, 32 << 10, 0x5a);
    cr_assert_eq(bdrv_discard(bs, 0, 40 << 10), 0);
    expect_bytes(bs, 0, 40 << 10, 0);
    expect_bytes(bs, 40 << 10, 24 << 10, 0xa5);
    bdrv_close(bs);
    check_clean(p);
    bs = open_ok(p, BDRV_O_RDWR);
    expect_bytes(bs, 40 << 10, 24 << 10, 0xa5);
    cr_assert_eq(bs->drv->snapshot_goto(bs, "s", &err), 0);
    expect_bytes(bs, 0, 32 << 10, 0);
    expect_bytes(bs, 32 << 10, 32 << 10, 0xa5);
    bdrv_close(bs);
    check_clean(p);
}

/*
 * bdrv_pwrite_zeroes (convert -n, -B): whole clusters become zero clusters
 * over a backing file (v3) or unallocated without one, v2 over a backing file
 * gets zeroes written, a partial cluster keeps the rest of its data.
 */
static void pwrite_zeroes_case(int compat, bool backing)
{
    g_autofree char *base = tpath("zb.qcow2"), *p = tpath("zt.qcow2");
    BlockCreateOpts ob = { .size = 1 << 20, .cluster_size = 4096 };
    BlockCreateOpts o = { .size = 1 << 20, .cluster_size = 4096, .compat = compat,
                          .backing_file = backing ? "zb.qcow2" : NULL,
                          .backing_fmt = backing ? "qcow2" : NULL };
    BlockDriverState *bs;
    uint64_t pnum, map;
    int st;

    create_ok(base, &ob);
    bs = open_ok(base, BDRV_O_RDWR);
    fill(bs, 0, 1 << 20, 0x99);
    bdrv_close(bs);
    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    fill(bs, 8192, 8192, 0x44);
    cr_assert_eq(bdrv_pwrite_zeroes(bs, 0, 3 * 4096 + 100), 0);
    expect_bytes(bs, 0, 3 * 4096 + 100, 0);
    expect_bytes(bs, 3 * 4096 + 100, 4096 - 100, 0x44);
    expect_bytes(bs, 4 * 4096, 4096, backing ? 0x99 : 0);
    st = bdrv_block_status(bs, 0, 8192, &pnum, &map);
    if (!backing) {
        cr_assert_eq(st, 0, "unallocated without a backing file (status %d)", st);
    } else if (compat == 3) {
        cr_assert_eq(st, BDRV_BLOCK_ZERO, "a zero cluster over the backing (status %d)", st);
    } else {
        cr_assert(st & BDRV_BLOCK_DATA, "v2 writes zeroes (status %d)", st);
    }
    cr_assert_eq(pnum, 8192);
    bdrv_close(bs);
    check_clean(p);
}

Test(qcow2, pwrite_zeroes)
{
    pwrite_zeroes_case(3, true);
    pwrite_zeroes_case(2, true);
    pwrite_zeroes_case(3, false);
    pwrite_zeroes_case(2, false);
}

/*
 * Snapshot refcount updates and COPIED-flag fixes are written a refcount block or
 * an L2 table at a time, not an entry at a time. With 512-byte clusters and 4-bit
 * refcounts a refcount block covers 1024 clusters and an L2 table 64: 2 MiB of
 * data crosses several of both, so every batch boundary is exercised; snapshots
 * taken, overwritten in part, applied and deleted must leave a clean image with
 * the right data. With 1-bit refcounts the second reference overflows, which must
 * fail with an error in the middle of a batch, not crash.
 */
Test(qcow2, snapshot_refcount_batches_cross_blocks)
{
    static const int rbits[] = { 4, 16 };

    for (unsigned t = 0; t < G_N_ELEMENTS(rbits); t++) {
        g_autofree char *p = tpath(rbits[t] == 4 ? "rb4.qcow2" : "rb16.qcow2");
        BlockCreateOpts o = { .size = 4 << 20, .cluster_size = 512,
                              .refcount_bits = rbits[t] };
        g_autofree uint8_t *a = g_malloc(2 << 20), *b = g_malloc(2 << 20);
        BlockDriverState *bs;
        GError *err = NULL;

        for (size_t i = 0; i < (2u << 20); i++) {
            a[i] = i * 7 + i / 512;
        }
        create_ok(p, &o);
        bs = open_ok(p, BDRV_O_RDWR);
        cr_assert_eq(bdrv_pwrite(bs, 512 * 1024, a, 2 << 20), 0);
        cr_assert_eq(bs->drv->snapshot_create(bs, "one", &err), 0);
        cr_assert_eq(bs->drv->snapshot_create(bs, "two", &err), 0);
        memset(b, 0x5a, 1 << 20);
        cr_assert_eq(bdrv_pwrite(bs, 1024 * 1024, b, 1 << 20), 0);
        bdrv_close(bs);
        check_clean(p);
        bs = open_ok(p, BDRV_O_RDWR);
        cr_assert_eq(bs->drv->snapshot_delete(bs, "two", &err), 0);
        cr_assert_eq(bs->drv->snapshot_goto(bs, "one", &err), 0);
        cr_assert_eq(bdrv_pread(bs, 512 * 1024, b, 2 << 20), 0);
        cr_assert(memcmp(a, b, 2 << 20) == 0, "snapshot data restored");
        cr_assert_eq(bs->drv->snapshot_delete(bs, "one", &err), 0);
        bdrv_close(bs);
        check_clean(p);
    }
    {
        g_autofree char *p = tpath("rb1.qcow2");
        BlockCreateOpts o = { .size = 1 << 20, .cluster_size = 512, .refcount_bits = 1 };
        uint8_t a[4096];
        BlockDriverState *bs;
        GError *err = NULL;

        memset(a, 0x11, sizeof(a));
        create_ok(p, &o);
        bs = open_ok(p, BDRV_O_RDWR);
        cr_assert_eq(bdrv_pwrite(bs, 0, a, sizeof(a)), 0);
        cr_assert_lt(bs->drv->snapshot_create(bs, "one", &err), 0);
        g_clear_error(&err);
        bdrv_close(bs);
    }
}

/*
 * savevm writes its stream in pieces while compressing it (save_vmstate), then
 * takes the snapshot of what was written: pieces of odd sizes at increasing
 * offsets come back as one state; a second stream replaces the first; a stream
 * given up half-way (buf NULL, len 0) leaves no clusters behind.
 */
Test(qcow2, vm_state_written_in_pieces)
{
    g_autofree char *p = tpath("pieces.qcow2");
    BlockCreateOpts o = { .size = 2 << 20, .cluster_size = 4096 };
    size_t vm_len = (3 << 20) + 777, cut[] = { 0, 4096 * 5, (1 << 20) + 3, vm_len };
    g_autofree uint8_t *vm = g_malloc(vm_len);
    g_autoptr(GByteArray) got = g_byte_array_new();
    BlockDriverState *bs;
    GError *err = NULL;

    for (size_t i = 0; i < vm_len; i++) {
        vm[i] = (i * 2246822519u) >> 11;
    }
    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    /* A stream abandoned half-way first: it must not survive into the next one. */
    cr_assert_eq(bs->drv->save_vmstate(bs, vm + 7, 0, 1 << 20, &err), 0);
    for (unsigned i = 0; i + 1 < G_N_ELEMENTS(cut); i++) {
        cr_assert_eq(bs->drv->save_vmstate(bs, vm + cut[i], cut[i], cut[i + 1] - cut[i],
                                           &err), 0, "%s", err ? err->message : "");
    }
    cr_assert_eq(bs->drv->snapshot_create_vm(bs, "s", NULL, vm_len, 5, &err), 0,
                 "%s", err ? err->message : "");
    cr_assert_eq(bs->drv->snapshot_load_vmstate(bs, "s", got, &err), 0);
    cr_assert_eq(got->len, vm_len);
    cr_assert(memcmp(got->data, vm, vm_len) == 0, "VM state read back");
    bdrv_close(bs);
    check_clean(p);

    bs = open_ok(p, BDRV_O_RDWR);
    cr_assert_eq(bs->drv->save_vmstate(bs, vm, 0, 2 << 20, &err), 0);
    cr_assert_eq(bs->drv->save_vmstate(bs, NULL, 0, 0, &err), 0);
    cr_assert_eq(bs->drv->snapshot_delete(bs, "s", &err), 0);
    bdrv_close(bs);
    check_clean(p);
}

/* The VM state's file extent, which loadvm maps instead of reading. */
static void check_extent_holds(BlockDriverState *bs, const char *name, const uint8_t *vm,
                               size_t vm_len)
{
    uint64_t host = 0, len = 0;
    g_autofree uint8_t *back = g_malloc(vm_len);
    GError *err = NULL;

    cr_assert_eq(bs->drv->snapshot_vmstate_extent(bs, name, &host, &len, &err), 1,
                 "%s", err ? err->message : "");
    cr_assert_eq(len, vm_len);
    cr_assert_eq(pread(bs->fd, back, vm_len, (off_t)host), (ssize_t)vm_len);
    cr_assert(memcmp(back, vm, vm_len) == 0, "the extent holds the VM state");
}

/*
 * A stream written in one go lies in one run of the file, and the run holds it;
 * one interrupted by a guest write is split, which the extent must say (loadvm
 * then reads it through the tables); a disk-only snapshot has none; an unknown
 * name is an error.
 */
Test(qcow2, vm_state_extent)
{
    g_autofree char *p = tpath("extent.qcow2");
    BlockCreateOpts o = { .size = 2 << 20, .cluster_size = 4096 };
    size_t vm_len = (1 << 20) + 333;
    g_autofree uint8_t *vm = g_malloc(vm_len);
    g_autoptr(GByteArray) got = g_byte_array_new();
    uint8_t sector[512];
    uint64_t host, len;
    BlockDriverState *bs;
    GError *err = NULL;

    for (size_t i = 0; i < vm_len; i++) {
        vm[i] = (i * 2654435761u) >> 9;
    }
    create_ok(p, &o);
    bs = open_ok(p, BDRV_O_RDWR);
    cr_assert_eq(bs->drv->snapshot_create_vm(bs, "whole", vm, vm_len, 1, &err), 0,
                 "%s", err ? err->message : "");
    check_extent_holds(bs, "whole", vm, vm_len);

    cr_assert_eq(bs->drv->save_vmstate(bs, vm, 0, 8192, &err), 0);
    memset(sector, 0x3e, sizeof(sector));
    cr_assert_eq(bdrv_pwrite(bs, 1 << 20, sector, sizeof(sector)), 0);
    cr_assert_eq(bs->drv->save_vmstate(bs, vm + 8192, 8192, vm_len - 8192, &err), 0);
    cr_assert_eq(bs->drv->snapshot_create_vm(bs, "split", NULL, vm_len, 2, &err), 0,
                 "%s", err ? err->message : "");
    cr_assert_eq(bs->drv->snapshot_vmstate_extent(bs, "split", &host, &len, &err), 0);
    cr_assert_eq(bs->drv->snapshot_load_vmstate(bs, "split", got, &err), 0);
    cr_assert(got->len == vm_len && memcmp(got->data, vm, vm_len) == 0);

    cr_assert_eq(bs->drv->snapshot_create(bs, "disk", &err), 0);
    cr_assert_eq(bs->drv->snapshot_vmstate_extent(bs, "disk", &host, &len, &err), 0);
    cr_assert_lt(bs->drv->snapshot_vmstate_extent(bs, "none", &host, &len, &err), 0);
    cr_assert_not_null(err);
    g_clear_error(&err);
    /* Looking did not disturb the active tables. */
    cr_assert_eq(bdrv_pread(bs, 1 << 20, sector, sizeof(sector)), 0);
    cr_assert_eq(sector[0], 0x3e);
    check_extent_holds(bs, "whole", vm, vm_len);
    bdrv_close(bs);
    check_clean(p);
}
