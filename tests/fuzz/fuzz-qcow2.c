/*
 * libFuzzer harness for the qcow2 parser (block/qcow2.c, qcow2-refcount.c,
 * qcow2-snapshot.c) through the block layer's public API only: each input is an
 * image file. It is opened (read-only or read-write, chosen by the input's length so
 * the bytes stay the image's own), read across its first 256 KiB, checked, its
 * snapshots listed and their VM state read; a read-write open also writes (plain and
 * compressed), takes a snapshot, goes back to the first one and checks again.
 * Backing files are never opened: a fuzzed header must not reach other host files.
 * The image lives in a memfd, reached by its /proc/self/fd path.
 *
 *   tests/fuzz/run-fuzz-qcow2.sh [SECONDS]
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <unistd.h>
#include "block/block.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Writes stay below this: a fuzzed table must not make the image grow without end. */
#define FUZZ_DISK_WINDOW (256 * 1024)

static int fuzz_fd = -1;
static char fuzz_path[64];

/* A seed with what the parser should meet: data, a snapshot with VM state, a
 * compressed cluster, small clusters so the tables have many entries. */
static void fuzz_qcow2_write_seed(const char *out)
{
    g_autofree char *dir = g_dir_make_tmp("mimic-fuzz-qcow2-XXXXXX", NULL);
    g_autofree char *path = NULL;
    BlockCreateOpts o = { .size = FUZZ_DISK_WINDOW, .cluster_size = 512 };
    BlockDriverState *bs;
    uint8_t buf[4096];
    gchar *img = NULL;
    gsize len = 0;
    GError *err = NULL;

    if (!dir) {
        return;
    }
    path = g_build_filename(dir, "seed.qcow2", NULL);
    if (!bdrv_create("qcow2", path, &o, &err) ||
        !(bs = bdrv_open(path, "qcow2", BDRV_O_RDWR, &err))) {
        fprintf(stderr, "fuzz-qcow2: seed: %s\n", err->message);
        abort();
    }
    for (int i = 0; i < 32; i++) {
        memset(buf, i + 1, sizeof(buf));
        bdrv_pwrite(bs, (uint64_t)i * 5000, buf, 700);
    }
    bs->drv->snapshot_create_vm(bs, "s1", "vmstate!", 8, 12345, &err);
    g_clear_error(&err);
    memset(buf, 0x5a, sizeof(buf));
    bdrv_pwrite_compressed(bs, 128 * 1024, buf, 512);
    bdrv_pwrite(bs, 1000, buf, 3000);
    bdrv_close(bs);
    if (g_file_get_contents(path, &img, &len, NULL)) {
        g_file_set_contents(out, img, len, NULL);
    }
    g_free(img);
    unlink(path);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_fd = memfd_create("fuzz.qcow2", MFD_CLOEXEC);
    if (fuzz_fd < 0) {
        abort();
    }
    snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
    if (getenv("FUZZ_SEED_OUT")) {
        fuzz_qcow2_write_seed(getenv("FUZZ_SEED_OUT"));
    }
    return 0;
}

static void fuzz_qcow2_exercise(BlockDriverState *bs, bool rw)
{
    static uint8_t buf[FUZZ_DISK_WINDOW];
    uint64_t n = MIN(bs->total_size, (uint64_t)FUZZ_DISK_WINDOW);
    BlockCheckResult res = { 0 };
    BlockSnapshotInfo *list = NULL;
    int nsnap;
    GError *err = NULL;
    uint64_t pnum, map;

    bdrv_pread(bs, 0, buf, n);
    if (n) {
        bdrv_block_status(bs, 0, n, &pnum, &map);
    }
    bs->drv->check(bs, &res, 0);
    nsnap = bs->drv->snapshot_list ? bs->drv->snapshot_list(bs, &list) : 0;
    for (int i = 0; i < nsnap && i < 4; i++) {
        g_autoptr(GByteArray) vm = g_byte_array_new();

        /* Only snapshots whose VM state is small: the size is the input's word. */
        if (list[i].vm_state_size < (1u << 20) && bs->drv->snapshot_load_vmstate) {
            if (bs->drv->snapshot_load_vmstate(bs, list[i].name, vm, &err) < 0) {
                g_clear_error(&err);
            }
        }
    }
    if (rw && n) {
        memset(buf, 0xa5, 4096);
        bdrv_pwrite(bs, 0, buf, MIN(n, (uint64_t)5000));
        if (n >= 8192) {
            bdrv_pwrite_compressed(bs, n / 2 & ~(uint64_t)4095, buf, 512);
        }
        if (bs->drv->snapshot_create && bs->drv->snapshot_create(bs, "fz", &err) < 0) {
            g_clear_error(&err);
        }
        if (nsnap > 0 && bs->drv->snapshot_goto &&
            bs->drv->snapshot_goto(bs, list[0].name, &err) < 0) {
            g_clear_error(&err);
        }
        /* Freeing paths: zero clusters, discard (holes punched: opened with unmap). */
        bdrv_pwrite_zeroes(bs, 0, MIN(n, (uint64_t)70000));
        bdrv_discard(bs, n / 4, n / 2);
        if (bs->drv->snapshot_delete && bs->drv->snapshot_delete(bs, "fz", &err) < 0) {
            g_clear_error(&err);
        }
        bdrv_pread(bs, 0, buf, n);
        memset(&res, 0, sizeof(res));
        bs->drv->check(bs, &res, 0);
    }
    if (list) {
        bdrv_snapshot_list_free(list, MAX(nsnap, 0));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool rw = size & 1;
    BlockDriverState *bs;
    GError *err = NULL;

    if (ftruncate(fuzz_fd, 0) < 0 || pwrite(fuzz_fd, data, size, 0) != (ssize_t)size) {
        abort();
    }
    bs = bdrv_open(fuzz_path, "qcow2",
                   BDRV_O_NO_BACKING | (rw ? BDRV_O_RDWR | BDRV_O_UNMAP : 0), &err);
    if (!bs) {
        g_error_free(err);
        return 0;
    }
    fuzz_qcow2_exercise(bs, rw);
    bdrv_close(bs);
    return 0;
}
