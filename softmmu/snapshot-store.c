/*
 * The snapshot store: one file holding the snapshots of a machine that has no
 * writable disk (a kernel + initramfs boot), named by -snapshot-store PATH.
 *
 * Layout: the 8-byte magic "MIMICSS1", then one entry per snapshot:
 *   u32 magic, u16 id length + id, u16 tag length + tag, i64 date (seconds),
 *   i64 date (nanoseconds), i64 guest virtual clock (ns), u64 stream length, stream.
 * All integers are little-endian. The entry magic says what the entry is:
 *   "SNAP" a snapshot; "SNPW" one being written (a savevm that did not finish:
 *   only ever the last entry, ignored and cut off by the next savevm); "DEAD" one
 *   deleted or replaced. When two live entries have the same tag the later wins
 *   (a crash between adding a replacement and marking the old one dead).
 *
 * savevm appends: the entry goes in as "SNPW", is flushed, and becomes "SNAP" by
 * a 4-byte write, so a crash leaves either the old store or the new one and the
 * time does not grow with the snapshots already there. Deleting marks the entry
 * dead in place. When dead entries take more room than live ones the store is
 * compacted: rewritten into PATH.tmp and renamed over PATH. Stores written before
 * there were appends (all "SNAP") read the same.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <unistd.h>
#include "migration/savevm.h"

static const char store_magic[8] = "MIMICSS1";
#define STORE_ENTRY_MAGIC 0x50414e53u   /* "SNAP" */
#define STORE_PENDING_MAGIC 0x57504e53u /* "SNPW" */
#define STORE_DEAD_MAGIC 0x44414544u    /* "DEAD" */
#define STORE_MAX_NAME 1024

typedef struct StoreEntry {
    SnapshotInfo *info;
    uint64_t pos;          /* file offset of the entry (its magic) */
    uint64_t data_pos;     /* file offset of the stream */
} StoreEntry;

/* What reading a store found besides its live entries. */
typedef struct StoreLayout {
    uint64_t end;          /* end of the last complete entry: where to append */
    uint64_t live_bytes;   /* bytes of live entries (headers and streams) */
    uint64_t dead_bytes;   /* bytes of dead, replaced and unfinished entries */
} StoreLayout;

void snapshot_info_free(SnapshotInfo *info)
{
    if (info) {
        g_free(info->id);
        g_free(info->tag);
        g_free(info);
    }
}

static void store_entry_free(gpointer p)
{
    StoreEntry *e = p;

    snapshot_info_free(e->info);
    g_free(e);
}

static bool store_read(FILE *f, void *buf, size_t n)
{
    return fread(buf, 1, n, f) == n;
}

static bool store_read_le(FILE *f, unsigned size, uint64_t *v)
{
    uint8_t b[8];

    if (!store_read(f, b, size)) {
        return false;
    }
    *v = 0;
    for (unsigned i = 0; i < size; i++) {
        *v |= (uint64_t)b[i] << (8 * i);
    }
    return true;
}

static char *store_read_str(FILE *f)
{
    uint64_t n;
    char *s;

    if (!store_read_le(f, 2, &n) || n > STORE_MAX_NAME) {
        return NULL;
    }
    s = g_malloc0(n + 1);
    if (!store_read(f, s, n) || memchr(s, '\0', n)) {
        g_free(s);
        return NULL;
    }
    return s;
}

static bool store_write_le(FILE *f, uint64_t v, unsigned size)
{
    uint8_t b[8];

    for (unsigned i = 0; i < size; i++) {
        b[i] = v >> (8 * i);
    }
    return fwrite(b, 1, size, f) == size;
}

static bool store_write_str(FILE *f, const char *s)
{
    size_t n = strlen(s);

    return store_write_le(f, n, 2) && fwrite(s, 1, n, f) == n;
}

/* Read the live entries of an open store; NULL + errp if it is not a valid store. */
static GPtrArray *store_read_entries(FILE *f, const char *path, StoreLayout *lay,
                                     GError **errp)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(store_entry_free);
    char magic[8];
    off_t file_size;

    memset(lay, 0, sizeof(*lay));
    if (fseeko(f, 0, SEEK_END) != 0 || (file_size = ftello(f)) < 0 ||
        fseeko(f, 0, SEEK_SET) != 0) {
        error_setg(errp, "snapshot store %s: cannot seek: %s", path, g_strerror(errno));
        goto fail;
    }
    if (file_size == 0) {
        return list;
    }
    if (!store_read(f, magic, sizeof(magic)) || memcmp(magic, store_magic, 8) != 0) {
        error_setg(errp, "%s is not a mimic snapshot store", path);
        goto fail;
    }
    lay->end = sizeof(magic);
    while (ftello(f) < file_size) {
        StoreEntry *e = g_new0(StoreEntry, 1);
        uint64_t m = 0, ds = 0, dn = 0, vc = 0, len = 0;
        bool complete;

        e->info = g_new0(SnapshotInfo, 1);
        e->pos = ftello(f);
        complete = store_read_le(f, 4, &m) &&
                   (m == STORE_ENTRY_MAGIC || m == STORE_PENDING_MAGIC ||
                    m == STORE_DEAD_MAGIC) &&
                   (e->info->id = store_read_str(f)) && (e->info->tag = store_read_str(f)) &&
                   store_read_le(f, 8, &ds) && store_read_le(f, 8, &dn) &&
                   store_read_le(f, 8, &vc) && store_read_le(f, 8, &len);
        e->data_pos = ftello(f);
        complete = complete && len <= (uint64_t)file_size - e->data_pos;
        if (m == STORE_PENDING_MAGIC) {
            /* An unfinished savevm (its length is only filled in when it is
             * committed): the rest of the file is its remains. */
            lay->dead_bytes += file_size - e->pos;
            store_entry_free(e);
            break;
        }
        if (!complete) {
            g_ptr_array_add(list, e);
            if (e->info->tag && m == STORE_ENTRY_MAGIC && e->data_pos <= (uint64_t)file_size) {
                error_setg(errp, "snapshot store %s is truncated (snapshot '%s')", path,
                           e->info->tag);
            } else {
                error_setg(errp, "snapshot store %s is damaged (entry %u)", path, list->len);
            }
            goto fail;
        }
        if (fseeko(f, (off_t)len, SEEK_CUR) != 0) {
            store_entry_free(e);
            error_setg(errp, "snapshot store %s: cannot seek: %s", path,
                       g_strerror(errno));
            goto fail;
        }
        lay->end = e->data_pos + len;
        if (m == STORE_DEAD_MAGIC) {
            lay->dead_bytes += lay->end - e->pos;
            store_entry_free(e);
            continue;
        }
        e->info->date_sec = (int64_t)ds;
        e->info->date_nsec = (int64_t)dn;
        e->info->vm_clock_ns = (int64_t)vc;
        e->info->vm_state_size = len;
        /* A replacement whose predecessor was not marked dead yet: the later wins. */
        for (guint i = 0; i < list->len; i++) {
            StoreEntry *old = g_ptr_array_index(list, i);

            if (strcmp(old->info->tag, e->info->tag) == 0) {
                lay->dead_bytes += old->data_pos + old->info->vm_state_size - old->pos;
                lay->live_bytes -= old->data_pos + old->info->vm_state_size - old->pos;
                g_ptr_array_remove_index(list, i);
                break;
            }
        }
        lay->live_bytes += lay->end - e->pos;
        g_ptr_array_add(list, e);
    }
    return list;

fail:
    g_ptr_array_free(list, true);
    return NULL;
}

/* Open and read the store; an absent file is an empty store (*fp = NULL then). */
static GPtrArray *store_open(const char *path, FILE **fp, StoreLayout *lay,
                             GError **errp)
{
    FILE *f = fopen(path, "rb");
    StoreLayout unused;
    GPtrArray *list;

    *fp = NULL;
    lay = lay ? lay : &unused;
    memset(lay, 0, sizeof(*lay));
    if (!f) {
        if (errno == ENOENT) {
            return g_ptr_array_new_with_free_func(store_entry_free);
        }
        error_setg(errp, "cannot open snapshot store %s: %s", path, g_strerror(errno));
        return NULL;
    }
    list = store_read_entries(f, path, lay, errp);
    if (!list) {
        fclose(f);
        return NULL;
    }
    *fp = f;
    return list;
}

/* QEMU looks snapshots up by id first, then by tag. */
static int store_find(GPtrArray *list, const char *name)
{
    for (guint i = 0; i < list->len; i++) {
        StoreEntry *e = g_ptr_array_index(list, i);

        if (strcmp(e->info->id, name) == 0) {
            return i;
        }
    }
    for (guint i = 0; i < list->len; i++) {
        StoreEntry *e = g_ptr_array_index(list, i);

        if (strcmp(e->info->tag, name) == 0) {
            return i;
        }
    }
    return -1;
}

static bool store_write_entry(FILE *out, const SnapshotInfo *info)
{
    return store_write_le(out, STORE_ENTRY_MAGIC, 4) && store_write_str(out, info->id) &&
           store_write_str(out, info->tag) && store_write_le(out, info->date_sec, 8) &&
           store_write_le(out, info->date_nsec, 8) &&
           store_write_le(out, info->vm_clock_ns, 8) &&
           store_write_le(out, info->vm_state_size, 8);
}

static bool store_copy(FILE *in, uint64_t pos, uint64_t len, FILE *out)
{
    g_autofree uint8_t *buf = g_malloc(1024 * 1024);

    if (fseeko(in, (off_t)pos, SEEK_SET) != 0) {
        return false;
    }
    while (len) {
        size_t n = MIN(len, (uint64_t)1024 * 1024);

        if (!store_read(in, buf, n) || fwrite(buf, 1, n, out) != n) {
            return false;
        }
        len -= n;
    }
    return true;
}

/* Write the store anew (compaction): every entry of list except skip (-1: none)
 * copied from in, through PATH.tmp renamed over PATH. */
static bool store_rewrite(const char *path, FILE *in, GPtrArray *list, int skip,
                          GError **errp)
{
    g_autofree char *tmp = g_strdup_printf("%s.tmp", path);
    FILE *out = fopen(tmp, "wb");
    bool ok;

    if (!out) {
        error_setg(errp, "cannot create %s: %s", tmp, g_strerror(errno));
        return false;
    }
    ok = fwrite(store_magic, 1, sizeof(store_magic), out) == sizeof(store_magic);
    for (guint i = 0; ok && i < list->len; i++) {
        StoreEntry *e = g_ptr_array_index(list, i);

        if ((int)i != skip) {
            ok = store_write_entry(out, e->info) &&
                 store_copy(in, e->data_pos, e->info->vm_state_size, out);
        }
    }
    ok = fflush(out) == 0 && ok;
    ok = fsync(fileno(out)) == 0 && ok;
    ok = fclose(out) == 0 && ok;
    if (!ok) {
        error_setg(errp, "cannot write snapshot store %s: %s", tmp, g_strerror(errno));
        unlink(tmp);
        return false;
    }
    if (rename(tmp, path) != 0) {
        error_setg(errp, "cannot replace snapshot store %s: %s", path, g_strerror(errno));
        unlink(tmp);
        return false;
    }
    return true;
}

GPtrArray *snapshot_store_list(const char *path, GError **errp)
{
    FILE *f;
    GPtrArray *entries = store_open(path, &f, NULL, errp);
    GPtrArray *list;

    if (!entries) {
        return NULL;
    }
    if (f) {
        fclose(f);
    }
    list = g_ptr_array_new_with_free_func((GDestroyNotify)snapshot_info_free);
    for (guint i = 0; i < entries->len; i++) {
        StoreEntry *e = g_ptr_array_index(entries, i);

        g_ptr_array_add(list, e->info);
        e->info = NULL;
    }
    g_ptr_array_free(entries, true);
    return list;
}

/* Write the 4-byte magic of the entry at pos and flush it. */
static bool store_set_magic(int fd, uint64_t pos, uint32_t magic)
{
    uint8_t b[4] = { magic, magic >> 8, magic >> 16, magic >> 24 };

    return pwrite(fd, b, 4, (off_t)pos) == 4 && fdatasync(fd) == 0;
}

/* Mark the entry at pos dead (delete, or the snapshot a new one replaced). */
static bool store_kill(const char *path, uint64_t pos, GError **errp)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    bool ok = fd >= 0 && store_set_magic(fd, pos, STORE_DEAD_MAGIC);

    if (!ok) {
        error_setg(errp, "cannot write snapshot store %s: %s", path, g_strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    return ok;
}

/* A snapshot being appended: see the top of the file. */
struct SnapshotStoreWriter {
    char *path;
    SnapshotInfo info;
    int fd;
    uint64_t entry_pos;     /* the new entry's magic */
    uint64_t len_pos;       /* its stream length field */
    uint64_t data_pos;      /* its stream */
    uint64_t old_pos;       /* the entry it replaces; 0: none */
};

/* Write the store anew without the entry at skip (compaction), then reopen it. */
static GPtrArray *store_compact(const char *path, FILE **f, GPtrArray *list, int skip,
                                StoreLayout *lay, GError **errp)
{
    bool ok = store_rewrite(path, *f, list, skip, errp);

    fclose(*f);
    *f = NULL;
    g_ptr_array_free(list, true);
    return ok ? store_open(path, f, lay, errp) : NULL;
}

SnapshotStoreWriter *snapshot_store_begin(const char *path, const SnapshotInfo *info,
                                          GError **errp)
{
    SnapshotStoreWriter *w = NULL;
    StoreLayout lay;
    FILE *f, *out = NULL;
    GPtrArray *list = store_open(path, &f, &lay, errp);
    StoreEntry *old = NULL;
    uint64_t max_id = 0;
    int old_idx = -1;
    bool ok;

    if (!list) {
        return NULL;
    }
    if (strlen(info->tag) > STORE_MAX_NAME) {
        error_setg(errp, "snapshot tag too long (at most %d bytes)", STORE_MAX_NAME);
        goto out;
    }
    /* Like QEMU, a new snapshot replaces the one with the same tag (not id). */
    for (guint i = 0; i < list->len; i++) {
        StoreEntry *e = g_ptr_array_index(list, i);

        if (strcmp(e->info->tag, info->tag) == 0) {
            old = e;
            old_idx = i;
        }
    }
    if (old && lay.dead_bytes + (old->data_pos + old->info->vm_state_size - old->pos) >
                   lay.live_bytes - (old->data_pos + old->info->vm_state_size - old->pos)) {
        /* Mostly dead once this one is replaced: compact first, without it. */
        list = store_compact(path, &f, list, old_idx, &lay, errp);
        old = NULL;
        if (!list) {
            return NULL;
        }
    }
    for (guint i = 0; i < list->len; i++) {
        StoreEntry *e = g_ptr_array_index(list, i);

        max_id = MAX(max_id, g_ascii_strtoull(e->info->id, NULL, 10));
    }
    w = g_new0(SnapshotStoreWriter, 1);
    w->path = g_strdup(path);
    w->info = *info;
    w->info.tag = g_strdup(info->tag);
    w->info.id = info->id ? g_strdup(info->id) : g_strdup_printf("%" PRIu64, max_id + 1);
    w->old_pos = old ? old->pos : 0;
    out = fopen(path, f ? "r+b" : "w+b");
    if (!out) {
        error_setg(errp, "cannot open snapshot store %s: %s", path, g_strerror(errno));
        goto fail;
    }
    /* Cut off what an unfinished savevm left; the entry goes in unfinished, with
     * its stream length filled in by the commit. */
    w->entry_pos = f ? lay.end : sizeof(store_magic);
    w->len_pos = w->entry_pos + 4 + 2 + strlen(w->info.id) + 2 + strlen(w->info.tag) + 24;
    w->data_pos = w->len_pos + 8;
    ok = ftruncate(fileno(out), (off_t)(f ? lay.end : 0)) == 0 &&
         (f || fwrite(store_magic, 1, sizeof(store_magic), out) == sizeof(store_magic)) &&
         fseeko(out, (off_t)w->entry_pos, SEEK_SET) == 0 &&
         store_write_le(out, STORE_PENDING_MAGIC, 4) && store_write_str(out, w->info.id) &&
         store_write_str(out, w->info.tag) && store_write_le(out, w->info.date_sec, 8) &&
         store_write_le(out, w->info.date_nsec, 8) &&
         store_write_le(out, w->info.vm_clock_ns, 8) && store_write_le(out, 0, 8) &&
         fflush(out) == 0;
    if (!ok) {
        error_setg(errp, "cannot write snapshot store %s: %s", path, g_strerror(errno));
        goto fail;
    }
    w->fd = dup(fileno(out));
    if (w->fd < 0) {
        error_setg(errp, "cannot write snapshot store %s: %s", path, g_strerror(errno));
        goto fail;
    }
    goto out;

fail:
    if (out && f) {
        (void)ftruncate(fileno(out), (off_t)lay.end);
    }
    g_free(w->path);
    g_free(w->info.tag);
    g_free(w->info.id);
    g_free(w);
    w = NULL;
out:
    if (out) {
        fclose(out);
    }
    if (f) {
        fclose(f);
    }
    g_ptr_array_free(list, true);
    return w;
}

bool snapshot_store_write(SnapshotStoreWriter *w, const void *buf, uint64_t pos,
                          uint64_t len, GError **errp)
{
    const uint8_t *p = buf;

    while (len) {
        ssize_t n = pwrite(w->fd, p, MIN(len, (uint64_t)1 << 30),
                           (off_t)(w->data_pos + pos));

        if (n <= 0) {
            error_setg(errp, "cannot write snapshot store %s: %s", w->path,
                       n < 0 ? g_strerror(errno) : "short write");
            return false;
        }
        p += n;
        pos += n;
        len -= n;
    }
    /* Start the write-back now, so that the commit's flush has little to wait for. */
    (void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    return true;
}

static void store_writer_free(SnapshotStoreWriter *w)
{
    close(w->fd);
    g_free(w->path);
    g_free(w->info.tag);
    g_free(w->info.id);
    g_free(w);
}

bool snapshot_store_commit(SnapshotStoreWriter *w, uint64_t len, char **id,
                           GError **errp)
{
    uint8_t b[8];
    bool ok;

    for (unsigned i = 0; i < 8; i++) {
        b[i] = len >> (8 * i);
    }
    ok = ftruncate(w->fd, (off_t)(w->data_pos + len)) == 0 &&
         pwrite(w->fd, b, 8, (off_t)w->len_pos) == 8 && fdatasync(w->fd) == 0 &&
         store_set_magic(w->fd, w->entry_pos, STORE_ENTRY_MAGIC);
    if (!ok) {
        error_setg(errp, "cannot write snapshot store %s: %s", w->path, g_strerror(errno));
        snapshot_store_abort(w);
        return false;
    }
    if (w->old_pos) {
        /* If this fails the new entry still wins over the old (it is later). */
        store_kill(w->path, w->old_pos, NULL);
    }
    if (id) {
        *id = g_strdup(w->info.id);
    }
    store_writer_free(w);
    return true;
}

void snapshot_store_abort(SnapshotStoreWriter *w)
{
    (void)ftruncate(w->fd, (off_t)w->entry_pos);
    store_writer_free(w);
}

bool snapshot_store_put(const char *path, SnapshotInfo *info, const uint8_t *data,
                        size_t len, GError **errp)
{
    SnapshotStoreWriter *w = snapshot_store_begin(path, info, errp);

    if (!w || !snapshot_store_write(w, data, 0, len, errp)) {
        if (w) {
            snapshot_store_abort(w);
        }
        return false;
    }
    info->vm_state_size = len;
    return snapshot_store_commit(w, len, info->id ? NULL : &info->id, errp);
}

bool snapshot_store_locate(const char *path, const char *name, SnapshotInfo **info,
                           uint64_t *pos, uint64_t *len, GError **errp)
{
    FILE *f;
    GPtrArray *list = store_open(path, &f, NULL, errp);
    StoreEntry *e;
    int i;

    if (!list) {
        return false;
    }
    if (f) {
        fclose(f);
    }
    i = store_find(list, name);
    if (i < 0) {
        error_setg(errp, "snapshot '%s' does not exist in %s", name, path);
        g_ptr_array_free(list, true);
        return false;
    }
    e = g_ptr_array_index(list, i);
    *pos = e->data_pos;
    *len = e->info->vm_state_size;
    if (info) {
        *info = e->info;
        e->info = NULL;
    }
    g_ptr_array_free(list, true);
    return true;
}

GByteArray *snapshot_store_get(const char *path, const char *name, SnapshotInfo **info,
                               GError **errp)
{
    uint64_t pos, len;
    GByteArray *data;
    FILE *f;

    if (!snapshot_store_locate(path, name, info, &pos, &len, errp)) {
        return NULL;
    }
    data = g_byte_array_sized_new(len);
    g_byte_array_set_size(data, len);
    f = fopen(path, "rb");
    if (!f || fseeko(f, (off_t)pos, SEEK_SET) != 0 || !store_read(f, data->data, len)) {
        error_setg(errp, "cannot read snapshot '%s' from %s", name, path);
        g_byte_array_free(data, true);
        data = NULL;
        if (info) {
            snapshot_info_free(*info);
            *info = NULL;
        }
    }
    if (f) {
        fclose(f);
    }
    return data;
}

bool snapshot_store_delete(const char *path, const char *name, GError **errp)
{
    FILE *f;
    StoreLayout lay;
    GPtrArray *list = store_open(path, &f, &lay, errp);
    bool ok = false;
    int i;

    if (!list) {
        return false;
    }
    i = store_find(list, name);
    if (i < 0) {
        error_setg(errp, "snapshot '%s' does not exist in %s", name, path);
    } else {
        StoreEntry *e = g_ptr_array_index(list, i);
        uint64_t n = e->data_pos + e->info->vm_state_size - e->pos;

        /* Mark it dead in place, or compact the store once it is mostly dead. */
        if (lay.dead_bytes + n > lay.live_bytes - n) {
            ok = store_rewrite(path, f, list, i, errp);
        } else {
            ok = store_kill(path, e->pos, errp);
        }
    }
    if (f) {
        fclose(f);
    }
    g_ptr_array_free(list, true);
    return ok;
}

void snapshot_info_print_header(FILE *f)
{
    fprintf(f, "%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE",
            "VM CLOCK", "ICOUNT");
}

void snapshot_info_print(FILE *f, const SnapshotInfo *info)
{
    char date[32] = "", size[16], clock[32];
    time_t t = (time_t)info->date_sec;
    struct tm tm;
    int64_t ms = info->vm_clock_ns / 1000000;

    if (localtime_r(&t, &tm)) {
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    }
    if (info->vm_state_size >= 1024 * 1024 * 1024) {
        snprintf(size, sizeof(size), "%.3g GiB", info->vm_state_size / 1073741824.0);
    } else if (info->vm_state_size >= 1024 * 1024) {
        snprintf(size, sizeof(size), "%.3g MiB", info->vm_state_size / 1048576.0);
    } else if (info->vm_state_size >= 1024) {
        snprintf(size, sizeof(size), "%.3g KiB", info->vm_state_size / 1024.0);
    } else {
        snprintf(size, sizeof(size), "%" PRIu64 " B", info->vm_state_size);
    }
    snprintf(clock, sizeof(clock), "%02d:%02d:%02d.%03d",
             (int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60),
             (int)(ms % 1000));
    fprintf(f, "%-9s %-16s %8s%20s%13s%11s\n", info->id, info->tag, size, date, clock,
            "");
}
