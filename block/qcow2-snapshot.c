/*
 * qcow2 internal snapshots: the snapshot table, and create / apply /
 * delete / list. A snapshot is a copy of the active L1 table; sharing is
 * expressed through refcounts, and writes to shared clusters copy them
 * (qcow2.c).
 *
 * savevm keeps the machine's VM state stream in the image the way QEMU does
 * (docs/interop/qcow2.txt, "Snapshots"): at guest offsets starting at the first
 * L1 entry past the virtual disk end, so it only ever occupies whole L1 entries
 * of its own. It is written into the active table, captured by the snapshot's L1
 * copy, then dropped from the active table again; the snapshot table entry
 * records its size (vm_state_size, 32-bit field and 64-bit extra data).
 */
#include "qemu/osdep.h"
#include "qcow2.h"

#include <fcntl.h>
#include <sys/time.h>

void qcow2_free_snapshots(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;

    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        g_free(s->snapshots[i].id_str);
        g_free(s->snapshots[i].name);
        g_free(s->snapshots[i].extra_data);
    }
    g_free(s->snapshots);
    s->snapshots = NULL;
}

int qcow2_read_snapshots(BlockDriverState *bs, GError **errp)
{
    Qcow2State *s = bs->opaque;
    int64_t file_size = bdrv_file_size(bs);
    uint64_t off = s->snapshots_offset;
    uint8_t h[40];
    int r;

    s->snapshots = g_new0(Qcow2Snapshot, s->nb_snapshots ? s->nb_snapshots : 1);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        uint16_t id_len, name_len;
        if (off + 40 > (uint64_t)file_size) {
            goto beyond;
        }
        r = bdrv_file_pread(bs, off, h, 40);
        if (r < 0) {
            error_setg_errno(errp, -r, "Could not read snapshot table");
            return r;
        }
        sn->l1_table_offset = ldq_be_p(h);
        sn->l1_size = ldl_be_p(h + 8);
        id_len = lduw_be_p(h + 12);
        name_len = lduw_be_p(h + 14);
        sn->date_sec = ldl_be_p(h + 16);
        sn->date_nsec = ldl_be_p(h + 20);
        sn->vm_clock_nsec = ldq_be_p(h + 24);
        sn->vm_state_size = ldl_be_p(h + 32);
        sn->extra_data_size = ldl_be_p(h + 36);
        off += 40;
        if (sn->extra_data_size > 1024) {
            error_setg(errp, "qcow2: snapshot extra data too large");
            return -EFBIG;
        }
        if (off + sn->extra_data_size + id_len + name_len > (uint64_t)file_size) {
            goto beyond;
        }
        sn->extra_data = g_malloc0(sn->extra_data_size + 1);
        sn->id_str = g_malloc0(id_len + 1);
        sn->name = g_malloc0(name_len + 1);
        if (bdrv_file_pread(bs, off, sn->extra_data, sn->extra_data_size) < 0 ||
            bdrv_file_pread(bs, off + sn->extra_data_size, sn->id_str, id_len) < 0 ||
            bdrv_file_pread(bs, off + sn->extra_data_size + id_len, sn->name,
                            name_len) < 0) {
            error_setg(errp, "Could not read snapshot table");
            return -EIO;
        }
        if (sn->extra_data_size >= 8) {
            sn->vm_state_size = ldq_be_p(sn->extra_data);
        }
        sn->disk_size = bs->total_size;
        if (sn->extra_data_size >= 16) {
            sn->disk_size = ldq_be_p(sn->extra_data + 8);
        }
        sn->icount = sn->extra_data_size >= 24 ? ldq_be_p(sn->extra_data + 16) : UINT64_MAX;
        off += sn->extra_data_size + id_len + name_len;
        off = QEMU_ALIGN_UP(off, 8);
        if ((uint64_t)sn->l1_size * 8 > QCOW2_MAX_L1_BYTES ||
            (sn->l1_table_offset & (s->cluster_size - 1))) {
            error_setg(errp, "qcow2: snapshot %s has an invalid L1 table", sn->id_str);
            return -EINVAL;
        }
    }
    s->snapshots_size = off - s->snapshots_offset;
    return 0;
beyond:
    error_setg(errp, "qcow2: snapshot table extends beyond the end of the file");
    return -EINVAL;
}

static int qcow2_write_snapshots(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;
    GByteArray *b = g_byte_array_new();
    uint64_t old_off = s->snapshots_offset, old_size = s->snapshots_size;
    int64_t off = 0;
    uint8_t hb[12];
    int r;

    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        uint8_t h[40], extra[24];
        uint32_t elen = MAX(sn->extra_data_size, 24u);
        uint8_t *e = g_malloc0(elen);
        if (sn->extra_data_size) {
            memcpy(e, sn->extra_data, sn->extra_data_size);
        }
        if (sn->extra_data_size < 24) {
            stq_be_p(extra, sn->vm_state_size);
            stq_be_p(extra + 8, sn->disk_size);
            stq_be_p(extra + 16, sn->icount);
            memcpy(e + sn->extra_data_size, extra + sn->extra_data_size,
                   24 - sn->extra_data_size);
        }
        stq_be_p(h, sn->l1_table_offset);
        stl_be_p(h + 8, sn->l1_size);
        stw_be_p(h + 12, strlen(sn->id_str));
        stw_be_p(h + 14, strlen(sn->name));
        stl_be_p(h + 16, sn->date_sec);
        stl_be_p(h + 20, sn->date_nsec);
        stq_be_p(h + 24, sn->vm_clock_nsec);
        stl_be_p(h + 32, sn->vm_state_size > UINT32_MAX ? 0 : sn->vm_state_size);
        stl_be_p(h + 36, elen);
        g_byte_array_append(b, h, 40);
        g_byte_array_append(b, e, elen);
        g_byte_array_append(b, (uint8_t *)sn->id_str, strlen(sn->id_str));
        g_byte_array_append(b, (uint8_t *)sn->name, strlen(sn->name));
        while (b->len % 8) {
            uint8_t z = 0;
            g_byte_array_append(b, &z, 1);
        }
        g_free(e);
    }
    if (b->len) {
        off = qcow2_alloc_clusters(bs, b->len);
        if (off < 0) {
            g_byte_array_free(b, true);
            return off;
        }
        r = bdrv_file_pwrite(bs, off, b->data, b->len);
        if (r < 0) {
            g_byte_array_free(b, true);
            return r;
        }
    }
    /* Count and offset are adjacent: the switch is one write. */
    stl_be_p(hb, s->nb_snapshots);
    stq_be_p(hb + 4, off);
    r = bdrv_file_flush(bs);
    if (r == 0) {
        r = bdrv_file_pwrite(bs, QH_NB_SNAPSHOTS, hb, 12);
    }
    if (r == 0) {
        s->snapshots_offset = off;
        s->snapshots_size = b->len;
        if (old_size) {
            qcow2_update_refcount(bs, old_off, old_size, -1);
        }
    }
    g_byte_array_free(b, true);
    return r;
}

int qcow2_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list)
{
    Qcow2State *s = bs->opaque;
    BlockSnapshotInfo *l = g_new0(BlockSnapshotInfo, s->nb_snapshots ? s->nb_snapshots : 1);

    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];
        l[i].id = g_strdup(sn->id_str);
        l[i].name = g_strdup(sn->name);
        l[i].vm_state_size = sn->vm_state_size;
        l[i].date_sec = sn->date_sec;
        l[i].date_nsec = sn->date_nsec;
        l[i].vm_clock_nsec = sn->vm_clock_nsec;
        l[i].disk_size = sn->disk_size;
        l[i].icount = sn->icount;
    }
    *list = l;
    return s->nb_snapshots;
}

static int qcow2_find_snapshot(BlockDriverState *bs, const char *name)
{
    Qcow2State *s = bs->opaque;

    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id_str, name)) {
            return i;
        }
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].name, name)) {
            return i;
        }
    }
    return -1;
}

static int qcow2_do_snapshot_create(BlockDriverState *bs, const char *name,
                                    uint64_t vm_state_size, uint64_t vm_clock_nsec,
                                    GError **errp)
{
    Qcow2State *s = bs->opaque;
    uint64_t bytes = (uint64_t)s->l1_size * 8;
    uint8_t *l1;
    int64_t l1_off = 0;
    unsigned long max_id = 0;
    struct timeval tv;
    int r;

    if (qcow2_find_snapshot(bs, name) >= 0) {
        error_setg(errp, "Snapshot with name '%s' already exists", name);
        return -EEXIST;
    }
    if (s->nb_snapshots >= QCOW2_MAX_SNAPSHOTS) {
        error_setg(errp, "Too many snapshots");
        return -EFBIG;
    }
    /* 1: a copy of the active L1 table. */
    if (bytes) {
        l1_off = qcow2_alloc_clusters(bs, bytes);
        if (l1_off < 0) {
            error_setg_errno(errp, -l1_off, "Could not allocate snapshot L1 table");
            return l1_off;
        }
        l1 = g_malloc(bytes);
        for (uint32_t i = 0; i < s->l1_size; i++) {
            stq_be_p(l1 + i * 8, s->l1_table[i]);
        }
        r = bdrv_file_pwrite(bs, l1_off, l1, bytes);
        g_free(l1);
        if (r < 0) {
            error_setg_errno(errp, -r, "Could not write snapshot L1 table");
            return r;
        }
    }
    /* 2: one more reference to everything; 3: nothing is exclusively ours any more. */
    r = qcow2_update_l1_refcount(bs, s->l1_table, s->l1_size, 1);
    if (r == 0) {
        r = qcow2_fix_copied_flags(bs);
    }
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not update refcounts");
        return r;
    }
    /* 4: the snapshot table, switched in by the header. */
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        max_id = MAX(max_id, strtoul(s->snapshots[i].id_str, NULL, 10));
    }
    gettimeofday(&tv, NULL);
    s->snapshots = g_renew(Qcow2Snapshot, s->snapshots, s->nb_snapshots + 1);
    Qcow2Snapshot *sn = &s->snapshots[s->nb_snapshots];
    memset(sn, 0, sizeof(*sn));
    sn->l1_table_offset = l1_off;
    sn->l1_size = s->l1_size;
    sn->id_str = g_strdup_printf("%lu", max_id + 1);
    sn->name = g_strdup(name);
    sn->date_sec = tv.tv_sec;
    sn->date_nsec = tv.tv_usec * 1000;
    sn->disk_size = bs->total_size;
    sn->icount = UINT64_MAX;
    sn->vm_state_size = vm_state_size;
    sn->vm_clock_nsec = vm_clock_nsec;
    s->nb_snapshots++;
    r = qcow2_write_snapshots(bs);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not write snapshot table");
        s->nb_snapshots--;
        g_free(sn->id_str);
        g_free(sn->name);
        return r;
    }
    return bdrv_file_flush(bs);
}

int qcow2_snapshot_create(BlockDriverState *bs, const char *name, GError **errp)
{
    return qcow2_do_snapshot_create(bs, name, 0, 0, errp);
}

/* Bytes of guest address space one L1 entry maps. */
static uint64_t qcow2_l1_span(Qcow2State *s)
{
    return (uint64_t)s->cluster_size << s->l2_bits;
}

/* Where the VM state starts: the first L1 entry wholly past the virtual disk. */
static uint64_t qcow2_vm_state_offset(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;

    return QEMU_ALIGN_UP(bs->total_size, qcow2_l1_span(s));
}

/*
 * Remove any VM state from the active table: it is not guest-visible, and
 * keeping it would make the next savevm copy it on write. The clusters stay
 * allocated for the snapshots that reference them.
 */
static int qcow2_drop_active_vmstate(BlockDriverState *bs)
{
    Qcow2State *s = bs->opaque;
    uint64_t first = qcow2_vm_state_offset(bs) / qcow2_l1_span(s);
    int r = 0;

    for (uint64_t i = first; i < s->l1_size; i++) {
        uint64_t l2_off = s->l1_table[i] & QCOW2_L1E_OFFSET_MASK;

        if (!s->l1_table[i]) {
            continue;
        }
        if (l2_off) {
            r = qcow2_update_l1_refcount(bs, &s->l1_table[i], 1, -1);
            qcow2_cache_drop(s->l2_cache, QCOW2_L2_CACHE, l2_off);
            if (r < 0) {
                return r;
            }
        }
        s->l1_table[i] = 0;
        r = qcow2_write_l1_entry(bs, i);
        if (r < 0) {
            return r;
        }
    }
    return r;
}

int qcow2_save_vmstate(BlockDriverState *bs, const void *buf, uint64_t pos, uint64_t len,
                       GError **errp)
{
    Qcow2State *s = bs->opaque;
    uint64_t vm_off = qcow2_vm_state_offset(bs);
    uint64_t span = qcow2_l1_span(s);
    int r;

    if (pos == 0) {
        r = qcow2_drop_active_vmstate(bs);
        if (r < 0) {
            error_setg_errno(errp, -r, "Could not drop the old VM state");
            return r;
        }
    }
    if (!len) {
        return 0;
    }
    if (pos + len < pos || vm_off + pos + len + span < vm_off) {
        error_setg(errp, "VM state too large");
        return -EFBIG;
    }
    r = qcow2_grow_l1(bs, (vm_off + pos + len + span - 1) / span, errp);
    if (r < 0) {
        return r;
    }
    r = qcow2_pwrite(bs, vm_off + pos, buf, len);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not write the VM state");
        return r;
    }
    /* Start the write-back now: the flush that completes the snapshot then has
     * less to wait for, and the disk works while the next piece is compressed. */
    (void)sync_file_range(bs->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    return 0;
}

int qcow2_snapshot_create_vm(BlockDriverState *bs, const char *name, const void *vmstate,
                             uint64_t vmstate_len, uint64_t vm_clock_nsec, GError **errp)
{
    int r;

    if (qcow2_find_snapshot(bs, name) >= 0) {
        error_setg(errp, "Snapshot with name '%s' already exists", name);
        return -EEXIST;
    }
    /* vmstate NULL with a length: already written by qcow2_save_vmstate. */
    if (vmstate || !vmstate_len) {
        r = qcow2_save_vmstate(bs, vmstate, 0, vmstate_len, errp);
        if (r < 0) {
            qcow2_drop_active_vmstate(bs);
            return r;
        }
    }
    r = qcow2_do_snapshot_create(bs, name, vmstate_len, vm_clock_nsec, errp);
    if (qcow2_drop_active_vmstate(bs) < 0 && r == 0) {
        /* The snapshot is complete; only its sharing with the active state leaks. */
        mimic_log_mask(LOG_GUEST_ERROR, "qcow2: %s: could not drop the VM state from "
                       "the active table\n", bs->filename);
    }
    return r < 0 ? r : bdrv_file_flush(bs);
}

/*
 * Point the active L1 table at snapshot NAME's, so that qcow2_pread and friends
 * walk the snapshot's VM state area (the active state is not touched);
 * qcow2_vmstate_leave puts the active table back. *sn_out is the snapshot; with
 * no VM state nothing is swapped and *saved is NULL. limit bounds the state's
 * size (what the caller can hold).
 */
static int qcow2_vmstate_enter(BlockDriverState *bs, const char *name, uint64_t limit,
                               Qcow2Snapshot **sn_out, uint64_t **saved,
                               uint32_t *saved_size, GError **errp)
{
    Qcow2State *s = bs->opaque;
    int idx = qcow2_find_snapshot(bs, name);
    Qcow2Snapshot *sn;
    uint64_t *sl1;
    int r;

    *saved = NULL;
    if (idx < 0) {
        error_setg(errp, "Can't find snapshot '%s'", name);
        return -ENOENT;
    }
    sn = *sn_out = &s->snapshots[idx];
    if (!sn->vm_state_size) {
        return 0;
    }
    if (sn->vm_state_size > limit ||
        qcow2_vm_state_offset(bs) + sn->vm_state_size >
            (uint64_t)sn->l1_size * qcow2_l1_span(s)) {
        error_setg(errp, "qcow2: snapshot '%s' has an invalid VM state size", name);
        return -EINVAL;
    }
    sl1 = g_new(uint64_t, sn->l1_size ? sn->l1_size : 1);
    r = bdrv_file_pread(bs, sn->l1_table_offset, sl1, (uint64_t)sn->l1_size * 8);
    if (r < 0) {
        g_free(sl1);
        error_setg_errno(errp, -r, "Could not read snapshot L1 table");
        return r;
    }
    for (uint32_t i = 0; i < sn->l1_size; i++) {
        sl1[i] = ldq_be_p((uint8_t *)&sl1[i]);
    }
    *saved = s->l1_table;
    *saved_size = s->l1_size;
    s->l1_table = sl1;
    s->l1_size = sn->l1_size;
    return 0;
}

static void qcow2_vmstate_leave(BlockDriverState *bs, uint64_t *saved, uint32_t saved_size)
{
    Qcow2State *s = bs->opaque;

    if (saved) {
        g_free(s->l1_table);
        s->l1_table = saved;
        s->l1_size = saved_size;
    }
}

int qcow2_snapshot_load_vmstate(BlockDriverState *bs, const char *name, GByteArray *out,
                                GError **errp)
{
    guint start = out->len;
    Qcow2Snapshot *sn;
    uint64_t *saved;
    uint32_t saved_size;
    int r = qcow2_vmstate_enter(bs, name, G_MAXUINT - start, &sn, &saved, &saved_size,
                                errp);

    if (r < 0 || !saved) {
        return r;
    }
    g_byte_array_set_size(out, start + sn->vm_state_size);
    r = qcow2_pread(bs, qcow2_vm_state_offset(bs), out->data + start, sn->vm_state_size);
    qcow2_vmstate_leave(bs, saved, saved_size);
    if (r < 0) {
        g_byte_array_set_size(out, start);
        error_setg_errno(errp, -r, "Could not read the VM state");
        return r;
    }
    return 0;
}

int qcow2_snapshot_vmstate_extent(BlockDriverState *bs, const char *name,
                                  uint64_t *host_offset, uint64_t *len, GError **errp)
{
    Qcow2Snapshot *sn;
    uint64_t *saved;
    uint32_t saved_size;
    int r = qcow2_vmstate_enter(bs, name, SIZE_MAX, &sn, &saved, &saved_size, errp);

    if (r < 0 || !saved) {
        return r;
    }
    r = qcow2_contiguous_extent(bs, qcow2_vm_state_offset(bs), sn->vm_state_size,
                                host_offset);
    *len = sn->vm_state_size;
    qcow2_vmstate_leave(bs, saved, saved_size);
    return r;
}

int qcow2_snapshot_goto(BlockDriverState *bs, const char *name, GError **errp)
{
    Qcow2State *s = bs->opaque;
    int idx = qcow2_find_snapshot(bs, name);
    Qcow2Snapshot *sn;
    uint64_t *old, *nl1;
    int r;

    if (idx < 0) {
        error_setg(errp, "Can't find snapshot '%s'", name);
        return -ENOENT;
    }
    sn = &s->snapshots[idx];
    if (sn->disk_size == bs->total_size && sn->l1_size > s->l1_size) {
        /* Its table also maps VM state past the disk end. */
        r = qcow2_grow_l1(bs, sn->l1_size, errp);
        if (r < 0) {
            return r;
        }
    }
    if (sn->l1_size > s->l1_size || sn->disk_size != bs->total_size) {
        error_setg(errp, "Snapshot '%s' has a different disk size; not supported", name);
        return -ENOTSUP;
    }
    nl1 = g_new0(uint64_t, s->l1_size ? s->l1_size : 1);
    r = bdrv_file_pread(bs, sn->l1_table_offset, nl1, (uint64_t)sn->l1_size * 8);
    if (r < 0) {
        g_free(nl1);
        error_setg_errno(errp, -r, "Could not read snapshot L1 table");
        return r;
    }
    for (uint32_t i = 0; i < sn->l1_size; i++) {
        nl1[i] = ldq_be_p((uint8_t *)&nl1[i]);
    }
    r = qcow2_update_l1_refcount(bs, nl1, sn->l1_size, 1);
    if (r == 0) {
        uint8_t *be = g_malloc((uint64_t)s->l1_size * 8);
        for (uint32_t i = 0; i < s->l1_size; i++) {
            stq_be_p(be + i * 8, nl1[i] & ~QCOW2_OFLAG_COPIED);
        }
        r = bdrv_file_pwrite(bs, s->l1_table_offset, be, (uint64_t)s->l1_size * 8);
        g_free(be);
    }
    if (r < 0) {
        g_free(nl1);
        error_setg_errno(errp, -r, "Could not apply snapshot");
        return r;
    }
    old = s->l1_table;
    s->l1_table = nl1;
    for (uint32_t i = 0; i < s->l1_size; i++) {
        s->l1_table[i] &= ~QCOW2_OFLAG_COPIED;
    }
    r = qcow2_update_l1_refcount(bs, old, s->l1_size, -1);
    g_free(old);
    if (r == 0) {
        r = qcow2_drop_active_vmstate(bs);
    }
    if (r == 0) {
        r = qcow2_fix_copied_flags(bs);
    }
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not update refcounts");
        return r;
    }
    return bdrv_file_flush(bs);
}

int qcow2_snapshot_delete(BlockDriverState *bs, const char *name, GError **errp)
{
    Qcow2State *s = bs->opaque;
    int idx = qcow2_find_snapshot(bs, name);
    Qcow2Snapshot sn;
    int r;

    if (idx < 0) {
        error_setg(errp, "Can't find snapshot '%s'", name);
        return -ENOENT;
    }
    sn = s->snapshots[idx];
    memmove(&s->snapshots[idx], &s->snapshots[idx + 1],
            (s->nb_snapshots - idx - 1) * sizeof(Qcow2Snapshot));
    s->nb_snapshots--;
    r = qcow2_write_snapshots(bs);
    if (r < 0) {
        /* The table on disk still lists it: so does the one in memory again. */
        memmove(&s->snapshots[idx + 1], &s->snapshots[idx],
                (s->nb_snapshots - idx) * sizeof(Qcow2Snapshot));
        s->snapshots[idx] = sn;
        s->nb_snapshots++;
        error_setg_errno(errp, -r, "Could not write snapshot table");
        return r;
    }
    /* Unlinked: dropping its references can only leak, never corrupt. */
    r = qcow2_update_snapshot_refcount(bs, sn.l1_table_offset, sn.l1_size, -1);
    if (r == 0 && sn.l1_size) {
        r = qcow2_update_refcount(bs, sn.l1_table_offset, (uint64_t)sn.l1_size * 8, -1);
    }
    if (r == 0) {
        r = qcow2_fix_copied_flags(bs);
    }
    g_free(sn.id_str);
    g_free(sn.name);
    g_free(sn.extra_data);
    if (r < 0) {
        error_setg_errno(errp, -r, "Could not update refcounts");
        return r;
    }
    return bdrv_file_flush(bs);
}
