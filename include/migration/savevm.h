/*
 * Whole-machine save and restore (softmmu/savevm.c) and the snapshot store file
 * (softmmu/snapshot-store.c) that holds snapshots of machines without a writable disk
 * (with one, they live in the qcow2 images: block/qcow2-snapshot.c).
 *
 * One stream format serves savevm, loadvm and -loadvm: a header (format version,
 * machine type, RAM size, CPU model, the list of devices with state), the virtual
 * clock, every RAM block (a bitmap marks non-zero pages; only those are stored,
 * deflated), one vmstate record per CPU and per device, and a CRC-32 trailer.
 */
#ifndef MIGRATION_SAVEVM_H
#define MIGRATION_SAVEVM_H

#include "qemu/osdep.h"

#define SAVEVM_FORMAT_VERSION 1

/* Serialise the stopped machine into out (appended). */
bool savevm_save_stream(GByteArray *out, GError **errp);
/*
 * Check buf completely (trailer CRC, header against this machine) and then load it.
 * On any error the machine is left as it was. After a successful load translated
 * code and every softmmu TLB are dropped and the virtual clock continues from the
 * saved moment. The caller stops the VM before and restarts it after.
 */
bool savevm_load_stream(const uint8_t *buf, size_t len, GError **errp);
/* Only the header and trailer checks of savevm_load_stream (nothing is changed). */
bool savevm_check_stream(const uint8_t *buf, size_t len, GError **errp);

/* Bring every CPU's registers into CPUState (KVM keeps them in the kernel); the
 * monitor calls it before showing registers or translating addresses. */
void savevm_sync_cpus(void);

/*
 * migrate URI / -incoming URI with the same stream: "file:PATH" or "exec:CMD" (the
 * command's stdin gets the stream; for -incoming its stdout gives it). migrate
 * leaves the machine stopped, as QEMU does.
 */
bool savevm_migrate_out(const char *uri, GError **errp);
bool savevm_migrate_in(const char *uri, GError **errp);

/* Where snapshots of a disk-less machine go (-snapshot-store PATH); NULL = none. */
void savevm_set_snapshot_store(const char *path);
const char *savevm_get_snapshot_store(void);

/*
 * The monitor's savevm / loadvm / delvm / info snapshots. They stop the VM around
 * the work and restart it if it was running. With writable disks (all must be
 * qcow2, or the commands fail and say why) every disk gets an internal snapshot
 * with the tag and the first one also holds the stream, as in QEMU; loadvm checks
 * the stream before any disk is rolled back. Without a writable disk the snapshots
 * go to the -snapshot-store file.
 */
bool savevm_snapshot_save(const char *tag, GError **errp);
bool savevm_snapshot_load(const char *tag, GError **errp);
bool savevm_snapshot_delete(const char *tag, GError **errp);
bool savevm_snapshot_info(FILE *f, GError **errp);
/*
 * QMP's snapshot-save / snapshot-load / snapshot-delete: devices names the disks
 * (BlockBackend names as `info block` shows them, e.g. "virtio0", "ide0-hd0") and
 * must list every writable disk; vmstate names the one that keeps the VM state
 * stream (a disk-less machine uses the snapshot store and ignores it). devices ==
 * NULL is the human monitor's behaviour above.
 */
bool savevm_snapshot_save_devices(const char *tag, const char *vmstate,
                                  const char *const *devices, GError **errp);
bool savevm_snapshot_load_devices(const char *tag, const char *vmstate,
                                  const char *const *devices, GError **errp);
bool savevm_snapshot_delete_devices(const char *tag, const char *const *devices,
                                    GError **errp);

/* ---- the snapshot store file ---- */

typedef struct SnapshotInfo {
    char *id;                  /* "1", "2", ... in order of creation */
    char *tag;
    uint64_t vm_state_size;    /* bytes of the stream */
    int64_t date_sec;          /* host wall clock at save (seconds since the epoch) */
    int64_t date_nsec;
    int64_t vm_clock_ns;       /* guest virtual clock at save */
} SnapshotInfo;

void snapshot_info_free(SnapshotInfo *info);
/* List the snapshots in the store (an absent file is an empty store). The array
 * owns its SnapshotInfo elements. */
GPtrArray *snapshot_store_list(const char *path, GError **errp);
/* Add the stream under info->tag, replacing a snapshot with the same tag. The
 * entry is appended and committed by a 4-byte write after a flush (the store is
 * compacted through a temporary file and rename when mostly dead), so a crash never
 * leaves a half-written store. info->id is assigned if NULL. */
bool snapshot_store_put(const char *path, SnapshotInfo *info, const uint8_t *data,
                        size_t len, GError **errp);
/*
 * The same in steps, so that the stream is written while it is produced: begin
 * (info's tag, dates and clock; its id if set) adds an unfinished entry, write puts
 * [pos, pos + len) of the stream, commit gives the total length, flushes and makes
 * the entry a snapshot (*id, if not NULL, gets its id); abort removes it. commit
 * and abort free the writer.
 */
typedef struct SnapshotStoreWriter SnapshotStoreWriter;
SnapshotStoreWriter *snapshot_store_begin(const char *path, const SnapshotInfo *info,
                                          GError **errp);
bool snapshot_store_write(SnapshotStoreWriter *w, const void *buf, uint64_t pos,
                          uint64_t len, GError **errp);
bool snapshot_store_commit(SnapshotStoreWriter *w, uint64_t len, char **id,
                           GError **errp);
void snapshot_store_abort(SnapshotStoreWriter *w);
/* Find a snapshot by tag or id: where its stream lies in the file. */
bool snapshot_store_locate(const char *path, const char *name, SnapshotInfo **info,
                           uint64_t *pos, uint64_t *len, GError **errp);
/* Find a snapshot by tag or id and read its stream. */
GByteArray *snapshot_store_get(const char *path, const char *name, SnapshotInfo **info,
                               GError **errp);
bool snapshot_store_delete(const char *path, const char *name, GError **errp);
/* QEMU's `info snapshots` table. */
void snapshot_info_print_header(FILE *f);
void snapshot_info_print(FILE *f, const SnapshotInfo *info);

#endif
