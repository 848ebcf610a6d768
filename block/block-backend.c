/*
 * BlockBackend: the device-facing handle on a BDS chain (see
 * include/block/block-backend.h), including -snapshot overlays, cache
 * modes and removable media.
 */
#include "qemu/osdep.h"
#include "block/block-backend.h"

#include <unistd.h>

struct BlockBackend {
    BlockDriverState *bs;      /* NULL = no medium */
    char *id;
    char *format;
    int flags;
    bool read_only;
    bool snapshot;
    bool removable;
    bool write_through;
    void (*change_cb)(void *opaque, bool load);
    void *change_opaque;
};

static GPtrArray *blk_all;

static bool blk_parse_cache(const char *cache, int *flags, bool *wt, GError **errp)
{
    *wt = false;
    if (!cache || !strcmp(cache, "writeback")) {
        return true;
    }
    if (!strcmp(cache, "none")) {
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(cache, "writethrough")) {
        *wt = true;
    } else if (!strcmp(cache, "directsync")) {
        *flags |= BDRV_O_NOCACHE;
        *wt = true;
    } else if (!strcmp(cache, "unsafe")) {
        *flags |= BDRV_O_UNSAFE;
    } else {
        error_setg(errp, "invalid cache option '%s'", cache);
        return false;
    }
    return true;
}

/* -snapshot: a temporary qcow2 overlay over FILE, deleted once open. */
static BlockDriverState *blk_open_snapshot(const char *file, const char *format, int flags,
                                           GError **errp)
{
    BlockDriverState *base = bdrv_open(file, format, 0, errp);
    g_autofree char *abs = NULL, *tmp = NULL;
    BlockCreateOpts o = { 0 };
    BlockDriverState *bs;
    int fd;

    if (!base) {
        return NULL;
    }
    abs = g_canonicalize_filename(file, NULL);
    o.size = base->total_size;
    o.backing_file = abs;
    o.backing_fmt = base->drv->format_name;
    bdrv_close(base);
    tmp = g_build_filename(g_get_tmp_dir(), "mimic-snapshot-XXXXXX", NULL);
    fd = g_mkstemp(tmp);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Could not create temporary overlay");
        return NULL;
    }
    close(fd);
    if (!bdrv_create("qcow2", tmp, &o, errp)) {
        unlink(tmp);
        return NULL;
    }
    bs = bdrv_open(tmp, "qcow2", flags | BDRV_O_RDWR | BDRV_O_UNSAFE, errp);
    unlink(tmp);
    return bs;
}

static BlockDriverState *blk_open_bs(BlockBackend *blk, const char *file,
                                     const char *format, GError **errp)
{
    if (blk->snapshot) {
        return blk_open_snapshot(file, format, blk->flags, errp);
    }
    return bdrv_open(file, format, blk->flags | (blk->read_only ? 0 : BDRV_O_RDWR), errp);
}

BlockBackend *blk_new_open(const BlockBackendOpts *opts, GError **errp)
{
    BlockBackend *blk = g_new0(BlockBackend, 1);

    blk->id = g_strdup(opts->id ? opts->id : "");
    blk->format = g_strdup(opts->format);
    blk->read_only = opts->read_only;
    blk->snapshot = opts->snapshot;
    blk->removable = opts->removable;
    if (!blk_parse_cache(opts->cache, &blk->flags, &blk->write_through, errp)) {
        goto fail;
    }
    if (opts->file && opts->file[0]) {
        blk->bs = blk_open_bs(blk, opts->file, opts->format, errp);
        if (!blk->bs) {
            goto fail;
        }
    } else if (!blk->removable) {
        error_setg(errp, "drive '%s' has no file", blk->id);
        goto fail;
    }
    if (!blk_all) {
        blk_all = g_ptr_array_new();
    }
    g_ptr_array_add(blk_all, blk);
    return blk;
fail:
    g_free(blk->id);
    g_free(blk->format);
    g_free(blk);
    return NULL;
}

void blk_unref(BlockBackend *blk)
{
    if (!blk) {
        return;
    }
    if (blk->bs) {
        bdrv_flush(blk->bs);
        bdrv_close(blk->bs);
    }
    if (blk_all) {
        g_ptr_array_remove(blk_all, blk);
    }
    g_free(blk->id);
    g_free(blk->format);
    g_free(blk);
}

const char *blk_name(BlockBackend *blk)
{
    return blk->id;
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->bs;
}

bool blk_is_inserted(BlockBackend *blk)
{
    return blk->bs != NULL;
}

bool blk_is_read_only(BlockBackend *blk)
{
    return blk->read_only || (blk->bs && blk->bs->read_only);
}

bool blk_is_removable(BlockBackend *blk)
{
    return blk->removable;
}

bool blk_write_through(BlockBackend *blk)
{
    return blk->write_through;
}

int64_t blk_getlength(BlockBackend *blk)
{
    return blk->bs ? bdrv_getlength(blk->bs) : 0;
}

int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, uint64_t bytes)
{
    if (!blk->bs) {
        return -ENOMEDIUM;
    }
    return bdrv_pread(blk->bs, offset, buf, bytes);
}

int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, uint64_t bytes)
{
    int r;

    if (!blk->bs) {
        return -ENOMEDIUM;
    }
    if (blk_is_read_only(blk)) {
        return -EROFS;
    }
    r = bdrv_pwrite(blk->bs, offset, buf, bytes);
    if (r == 0 && blk->write_through) {
        r = bdrv_flush(blk->bs);
    }
    return r;
}

int blk_flush(BlockBackend *blk)
{
    return blk->bs ? bdrv_flush(blk->bs) : 0;
}

int blk_discard(BlockBackend *blk, uint64_t offset, uint64_t bytes)
{
    if (!blk->bs) {
        return -ENOMEDIUM;
    }
    if (blk_is_read_only(blk)) {
        return -EROFS;
    }
    return bdrv_discard(blk->bs, offset, bytes);
}

int blk_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov)
{
    for (int i = 0; i < niov; i++) {
        int r = blk_pread(blk, offset, iov[i].iov_base, iov[i].iov_len);
        if (r < 0) {
            return r;
        }
        offset += iov[i].iov_len;
    }
    return 0;
}

int blk_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov)
{
    bool wt = blk->write_through;
    int r = 0;

    /* One flush for the whole request in write-through mode. */
    blk->write_through = false;
    for (int i = 0; i < niov && r == 0; i++) {
        r = blk_pwrite(blk, offset, iov[i].iov_base, iov[i].iov_len);
        offset += iov[i].iov_len;
    }
    blk->write_through = wt;
    if (r == 0 && wt) {
        r = blk_flush(blk);
    }
    return r;
}

void blk_aio_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                    BlockCompletionFunc *cb, void *opaque)
{
    cb(opaque, blk_preadv(blk, offset, iov, niov));
}

void blk_aio_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                     BlockCompletionFunc *cb, void *opaque)
{
    cb(opaque, blk_pwritev(blk, offset, iov, niov));
}

void blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    cb(opaque, blk_flush(blk));
}

void blk_aio_discard(BlockBackend *blk, uint64_t offset, uint64_t bytes,
                     BlockCompletionFunc *cb, void *opaque)
{
    cb(opaque, blk_discard(blk, offset, bytes));
}

void blk_set_change_cb(BlockBackend *blk, void (*cb)(void *opaque, bool load),
                       void *opaque)
{
    blk->change_cb = cb;
    blk->change_opaque = opaque;
}

bool blk_eject(BlockBackend *blk, bool force, GError **errp)
{
    if (!blk->removable) {
        error_setg(errp, "Device '%s' is not removable", blk->id);
        return false;
    }
    if (blk->bs) {
        bdrv_flush(blk->bs);
        bdrv_close(blk->bs);
        blk->bs = NULL;
    }
    if (blk->change_cb) {
        blk->change_cb(blk->change_opaque, false);
    }
    return true;
}

bool blk_change_media(BlockBackend *blk, const char *file, const char *format,
                      GError **errp)
{
    BlockDriverState *bs;

    if (!blk->removable) {
        error_setg(errp, "Device '%s' is not removable", blk->id);
        return false;
    }
    bs = blk_open_bs(blk, file, format, errp);
    if (!bs) {
        return false;
    }
    if (blk->bs) {
        bdrv_flush(blk->bs);
        bdrv_close(blk->bs);
    }
    blk->bs = bs;
    if (blk->change_cb) {
        blk->change_cb(blk->change_opaque, true);
    }
    return true;
}

BlockBackend *blk_by_name(const char *id)
{
    for (guint i = 0; blk_all && i < blk_all->len; i++) {
        BlockBackend *blk = g_ptr_array_index(blk_all, i);
        if (!strcmp(blk->id, id)) {
            return blk;
        }
    }
    return NULL;
}

BlockBackend *blk_next(BlockBackend *blk)
{
    guint i = 0;

    if (!blk_all) {
        return NULL;
    }
    if (blk) {
        if (!g_ptr_array_find(blk_all, blk, &i)) {
            return NULL;
        }
        i++;
    }
    return i < blk_all->len ? g_ptr_array_index(blk_all, i) : NULL;
}

void blk_info_all(GString *out)
{
    for (guint i = 0; blk_all && i < blk_all->len; i++) {
        BlockBackend *blk = g_ptr_array_index(blk_all, i);
        if (!blk->bs) {
            g_string_append_printf(out, "%s: [not inserted]\n    Removable device: %s\n",
                                   blk->id, "not locked, tray closed");
            continue;
        }
        g_string_append_printf(out, "%s: %s (%s%s%s)\n", blk->id, blk->bs->filename,
                               blk->bs->drv->format_name,
                               blk_is_read_only(blk) ? ", read-only" : "",
                               blk->snapshot ? ", snapshot" : "");
        if (blk->bs->backing) {
            g_string_append_printf(out, "    Backing file:     %s\n",
                                   blk->bs->backing->filename);
        }
        if (blk->removable) {
            g_string_append(out, "    Removable device: not locked, tray closed\n");
        }
    }
}
