/*
 * Whole-machine save and restore: the one stream format (see migration/savevm.h)
 * and the savevm / loadvm / delvm commands on top of internal qcow2 snapshots of the
 * writable disks, or of the snapshot store for a machine without one.
 *
 * The stream is written only while the VM is stopped. Loading is careful about bad
 * input: the CRC-32 trailer and a structural pass over every section (header against
 * this machine, RAM block names and sizes, vmstate record framing) run before anything
 * is changed, and the CPU and device records are applied with a backup of the current
 * ones, so a record the vmstate layer refuses puts everything back as it was.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sysemu/sandbox.h"
#include <isa-l/crc.h>
#include "migration/savevm.h"
#include "savevm-ram.h"
#include "migration/vmstate.h"
#include "exec/memory.h"
#include "exec/exec-all.h"
#include "exec/cputlb.h"
#include "hw/core/cpu.h"
#include "hw/qdev.h"
#include "hw/boards.h"
#include "qemu/timer.h"
#include "sysemu/runstate.h"
#include "sysemu/accel.h"
#include "block/block-backend.h"

static const char savevm_magic[8] = "MIMICVM\n";
static const char savevm_end_magic[8] = "MIMICEND";
/* vmstate.c's record framing: magic(4) name_len(2) name version(4) payload_len(4). */
#define SAVEVM_VMSTATE_MAGIC 0x3153564du   /* "MVS1" */

static char *snapshot_store_path;

/* The stream's CRC-32 (the gzip/zlib polynomial, same values as zlib's crc32()),
 * computed by ISA-L with carry-less multiplication: several times zlib's speed. */
static uint32_t savevm_crc32(const uint8_t *buf, size_t len)
{
    return crc32_gzip_refl(0, buf, len);
}

/* ---- little-endian writer ---- */

static void savevm_put(GByteArray *out, uint64_t v, unsigned size)
{
    uint8_t b[8];

    for (unsigned i = 0; i < size; i++) {
        b[i] = v >> (8 * i);
    }
    g_byte_array_append(out, b, size);
}

void savevm_put_str(GByteArray *out, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    savevm_put(out, n, 2);
    g_byte_array_append(out, (const guint8 *)(s ? s : ""), n);
}

/* ---- reader ---- */

typedef struct SvReader {
    const uint8_t *buf;
    size_t len, pos;
} SvReader;

static bool sv_get(SvReader *r, unsigned size, uint64_t *v)
{
    uint64_t x = 0;

    if (r->len - r->pos < size) {
        return false;
    }
    for (unsigned i = 0; i < size; i++) {
        x |= (uint64_t)r->buf[r->pos + i] << (8 * i);
    }
    r->pos += size;
    *v = x;
    return true;
}

/* A string as a pointer into the buffer (not NUL-terminated) and its length. */
static bool sv_get_str(SvReader *r, const char **s, size_t *n)
{
    uint64_t len;

    if (!sv_get(r, 2, &len) || r->len - r->pos < len) {
        return false;
    }
    *s = (const char *)r->buf + r->pos;
    *n = len;
    r->pos += len;
    return true;
}

static bool sv_str_eq(const char *s, size_t n, const char *want)
{
    want = want ? want : "";
    return strlen(want) == n && memcmp(s, want, n) == 0;
}

/* ---- what the machine consists of ---- */

static bool savevm_device_has_state(DeviceState *dev)
{
    return dev->realized && dev->dc->vmsd;
}

static unsigned savevm_cpu_count(void)
{
    unsigned n = 0;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        n++;
    }
    return n;
}

static void savevm_collect_ram(MemoryRegion *mr, void *opaque)
{
    g_ptr_array_add(opaque, mr);
}

static GPtrArray *savevm_ram_blocks(void)
{
    GPtrArray *blocks = g_ptr_array_new();

    ram_block_foreach(savevm_collect_ram, blocks);
    return blocks;
}

/*
 * Under KVM the registers live in the kernel: fetch them into CPUState, which then
 * stays authoritative (and is pushed back before the vCPU runs again), so both save
 * and load work on CPUState.
 */
void savevm_sync_cpus(void)
{
    CPUState *cpu;

    if (!current_accel || !current_accel->sync_from_accel) {
        return;
    }
    CPU_FOREACH(cpu) {
        current_accel->sync_from_accel(cpu);
    }
}

/* ---- save ---- */

static void savevm_put_header(GByteArray *out)
{
    MachineState *ms = current_machine;
    unsigned ndev = 0;

    g_byte_array_append(out, (const guint8 *)savevm_magic, sizeof(savevm_magic));
    savevm_put(out, SAVEVM_FORMAT_VERSION, 4);
    savevm_put_str(out, ms ? ms->machine_name : "");
    savevm_put(out, ms ? ms->ram_size : 0, 8);
    savevm_put_str(out, first_cpu ? first_cpu->cc->model_name : "");
    savevm_put(out, savevm_cpu_count(), 4);
    for (DeviceState *d = qdev_first(); d; d = d->next) {
        ndev += savevm_device_has_state(d);
    }
    savevm_put(out, ndev, 4);
    for (DeviceState *d = qdev_first(); d; d = d->next) {
        if (savevm_device_has_state(d)) {
            savevm_put_str(out, d->id);
            savevm_put_str(out, d->dc->name);
        }
    }
    savevm_put(out, (uint64_t)clock_get_ns(CLOCK_VIRTUAL), 8);
}

static void savevm_put_cpus_and_devices(GByteArray *out)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        vmstate_save(cpu->cc->vmsd, cpu, out);
    }
    for (DeviceState *d = qdev_first(); d; d = d->next) {
        if (savevm_device_has_state(d)) {
            vmstate_save(d->dc->vmsd, d, out);
        }
    }
}

/* The stream into out; with a sink (then out starts empty), finished parts are
 * written while the rest is being compressed, and leave out: the stream is then
 * sink->done bytes long. */
static bool sv_save_stream(GByteArray *out, SavevmSink *sink, GError **errp)
{
    guint start = out->len;
    g_autoptr(GPtrArray) blocks = savevm_ram_blocks();
    CPUState *cpu;
    uint32_t crc;

    CPU_FOREACH(cpu) {
        if (!cpu->cc->vmsd) {
            error_setg(errp, "savevm: CPU model %s cannot save its state",
                       cpu->cc->model_name);
            return false;
        }
    }
    /* A device whose state is not described would come back from a snapshot in
     * whatever state it happens to be in: refuse rather than save a lie. */
    for (DeviceState *d = qdev_first(); d; d = d->next) {
        if (d->realized && !d->dc->vmsd) {
            error_setg(errp, "savevm: device '%s' (%s) does not describe its state "
                       "(no vmsd), so it cannot be saved", d->id, d->dc->name);
            return false;
        }
    }
    savevm_sync_cpus();
    savevm_put_header(out);
    savevm_put(out, blocks->len, 4);
    for (guint i = 0; i < blocks->len; i++) {
        if (!savevm_ram_save_block(out, g_ptr_array_index(blocks, i), sink, errp)) {
            g_byte_array_set_size(out, start);
            return false;
        }
    }
    savevm_put_cpus_and_devices(out);
    if (sink) {
        /* The CRC of what was written is kept as it goes. */
        g_assert(start == 0);
        crc = crc32_gzip_refl(sink->crc, out->data, out->len);
    } else {
        crc = savevm_crc32(out->data + start, out->len - start);
    }
    savevm_put(out, crc, 4);
    g_byte_array_append(out, (const guint8 *)savevm_end_magic, sizeof(savevm_end_magic));
    savevm_sink_push(sink, out, true);
    return true;
}

bool savevm_save_stream(GByteArray *out, GError **errp)
{
    return sv_save_stream(out, NULL, errp);
}

/* ---- check ---- */

/* The parts of a stream found by the check pass, used by the load pass. */
typedef struct SvLayout {
    int64_t vm_clock_ns;
    size_t ram_pos;        /* first RAM block */
    size_t records_pos;    /* first CPU vmstate record */
    size_t records_end;
} SvLayout;

static bool sv_check_record(SvReader *r, const VMStateDescription *vmsd, const char *what,
                            GError **errp)
{
    uint64_t magic, version, plen;
    const char *name;
    size_t n;

    if (!sv_get(r, 4, &magic) || magic != SAVEVM_VMSTATE_MAGIC ||
        !sv_get_str(r, &name, &n) || !sv_get(r, 4, &version) || !sv_get(r, 4, &plen) ||
        r->len - r->pos < plen) {
        error_setg(errp, "snapshot: the state of %s is truncated or malformed", what);
        return false;
    }
    if (!sv_str_eq(name, n, vmsd->name)) {
        error_setg(errp, "snapshot: %s: expected state '%s', found '%.*s'", what,
                   vmsd->name, (int)n, name);
        return false;
    }
    if ((int64_t)version > vmsd->version_id || (int64_t)version < vmsd->minimum_version_id) {
        error_setg(errp, "snapshot: %s: state version %" PRIu64 " not supported "
                   "(this mimic reads %d to %d)", what, version,
                   vmsd->minimum_version_id, vmsd->version_id);
        return false;
    }
    r->pos += plen;
    return true;
}

static bool sv_check(const uint8_t *buf, size_t len, SvLayout *lay, GError **errp)
{
    MachineState *ms = current_machine;
    SvReader r = { buf, len, 0 };
    g_autoptr(GPtrArray) blocks = savevm_ram_blocks();
    uint64_t v, ndev, nblocks, crc_saved;
    const char *s;
    size_t n;
    CPUState *cpu;
    DeviceState *d;

    if (len < sizeof(savevm_magic) + 12 || memcmp(buf, savevm_magic, sizeof(savevm_magic))) {
        error_setg(errp, "snapshot: not a mimic machine state (bad magic)");
        return false;
    }
    if (memcmp(buf + len - 8, savevm_end_magic, 8) != 0) {
        error_setg(errp, "snapshot: the state is truncated (no end marker)");
        return false;
    }
    r.len = len - 12;
    crc_saved = (uint64_t)buf[len - 12] | (uint64_t)buf[len - 11] << 8 |
                (uint64_t)buf[len - 10] << 16 | (uint64_t)buf[len - 9] << 24;
    if (savevm_crc32(buf, len - 12) != crc_saved) {
        error_setg(errp, "snapshot: the state is corrupted (CRC-32 mismatch)");
        return false;
    }
    r.pos = sizeof(savevm_magic);
    if (!sv_get(&r, 4, &v)) {
        goto truncated;
    }
    if (v != SAVEVM_FORMAT_VERSION) {
        error_setg(errp, "snapshot: stream format version %" PRIu64 ", this mimic reads "
                   "version %d", v, SAVEVM_FORMAT_VERSION);
        return false;
    }
    if (!sv_get_str(&r, &s, &n)) {
        goto truncated;
    }
    if (!ms || !sv_str_eq(s, n, ms->machine_name)) {
        error_setg(errp, "snapshot: taken on machine type '%.*s', this is '%s'", (int)n, s,
                   ms ? ms->machine_name : "(none)");
        return false;
    }
    if (!sv_get(&r, 8, &v)) {
        goto truncated;
    }
    if (v != ms->ram_size) {
        error_setg(errp, "snapshot: taken with %" PRIu64 " MiB of RAM, this machine has "
                   "%" PRIu64 " MiB (-m)", v >> 20, ms->ram_size >> 20);
        return false;
    }
    if (!sv_get_str(&r, &s, &n)) {
        goto truncated;
    }
    if (!sv_str_eq(s, n, first_cpu ? first_cpu->cc->model_name : "")) {
        error_setg(errp, "snapshot: taken with CPU model '%.*s', this machine has '%s'",
                   (int)n, s, first_cpu ? first_cpu->cc->model_name : "(none)");
        return false;
    }
    if (!sv_get(&r, 4, &v)) {
        goto truncated;
    }
    if (v != savevm_cpu_count()) {
        error_setg(errp, "snapshot: taken with %" PRIu64 " CPUs, this machine has %u",
                   v, savevm_cpu_count());
        return false;
    }
    if (!sv_get(&r, 4, &ndev)) {
        goto truncated;
    }
    d = qdev_first();
    for (uint64_t i = 0; i < ndev; i++) {
        const char *cls;
        size_t cls_n;

        while (d && !savevm_device_has_state(d)) {
            d = d->next;
        }
        if (!sv_get_str(&r, &s, &n) || !sv_get_str(&r, &cls, &cls_n)) {
            goto truncated;
        }
        if (!d || !sv_str_eq(s, n, d->id) || !sv_str_eq(cls, cls_n, d->dc->name)) {
            error_setg(errp, "snapshot: device %" PRIu64 " is '%.*s' (%.*s), this machine "
                       "has %s%s%s%s", i, (int)n, s, (int)cls_n, cls,
                       d ? "'" : "no more devices", d ? d->id : "", d ? "' " : "",
                       d ? d->dc->name : "");
            return false;
        }
        d = d->next;
    }
    while (d && !savevm_device_has_state(d)) {
        d = d->next;
    }
    if (d) {
        error_setg(errp, "snapshot: device '%s' (%s) of this machine is not in the "
                   "snapshot", d->id, d->dc->name);
        return false;
    }
    if (!sv_get(&r, 8, &v)) {
        goto truncated;
    }
    lay->vm_clock_ns = (int64_t)v;

    if (!sv_get(&r, 4, &nblocks)) {
        goto truncated;
    }
    if (nblocks != blocks->len) {
        error_setg(errp, "snapshot: %" PRIu64 " RAM blocks, this machine has %u",
                   nblocks, blocks->len);
        return false;
    }
    lay->ram_pos = r.pos;
    for (guint i = 0; i < blocks->len; i++) {
        MemoryRegion *mr = g_ptr_array_index(blocks, i);
        size_t start = r.pos, used;
        uint64_t size;

        if (!sv_get_str(&r, &s, &n) || !sv_get(&r, 8, &size)) {
            goto truncated;
        }
        if (!sv_str_eq(s, n, mr->name) || size != mr->size) {
            error_setg(errp, "snapshot: RAM block %u is '%.*s' of %" PRIu64 " bytes, this "
                       "machine has '%s' of %" PRIu64 " bytes", i, (int)n, s, size,
                       mr->name, mr->size);
            return false;
        }
        used = savevm_ram_check_block(r.buf + start, r.len - start, mr);
        if (!used) {
            goto truncated;
        }
        r.pos = start + used;
    }
    lay->records_pos = r.pos;
    CPU_FOREACH(cpu) {
        g_autofree char *what = g_strdup_printf("CPU %d", cpu->cpu_index);

        if (!sv_check_record(&r, cpu->cc->vmsd, what, errp)) {
            return false;
        }
    }
    for (d = qdev_first(); d; d = d->next) {
        if (savevm_device_has_state(d)) {
            g_autofree char *what = g_strdup_printf("device '%s'", d->id);

            if (!sv_check_record(&r, d->dc->vmsd, what, errp)) {
                return false;
            }
        }
    }
    lay->records_end = r.pos;
    if (r.pos != r.len) {
        error_setg(errp, "snapshot: %zu unexpected bytes after the device states",
                   r.len - r.pos);
        return false;
    }
    return true;

truncated:
    error_setg(errp, "snapshot: the state is truncated or malformed at byte %zu", r.pos);
    return false;
}

bool savevm_check_stream(const uint8_t *buf, size_t len, GError **errp)
{
    SvLayout lay;

    return sv_check(buf, len, &lay, errp);
}

/* ---- load ---- */

/* Apply the CPU and device records; false with errp (nothing reverted here). */
static bool sv_load_records(const uint8_t *buf, size_t len, GError **errp)
{
    size_t pos = 0, used;
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (vmstate_load(cpu->cc->vmsd, cpu, buf + pos, len - pos, &used, errp) < 0) {
            return false;
        }
        pos += used;
    }
    for (DeviceState *d = qdev_first(); d; d = d->next) {
        if (savevm_device_has_state(d)) {
            if (vmstate_load(d->dc->vmsd, d, buf + pos, len - pos, &used, errp) < 0) {
                return false;
            }
            pos += used;
        }
    }
    return true;
}

static bool sv_load_ram(const uint8_t *buf, size_t len, GError **errp)
{
    g_autoptr(GPtrArray) blocks = savevm_ram_blocks();
    size_t pos = 0;

    for (guint i = 0; i < blocks->len; i++) {
        size_t used = savevm_ram_load_block(buf + pos, len - pos,
                                            g_ptr_array_index(blocks, i), errp);

        if (!used) {
            return false;
        }
        pos += used;
    }
    return true;
}

static void sv_flush_translations(void)
{
    CPUState *cpu;

    if (first_cpu) {
        tb_flush(first_cpu);
    }
    CPU_FOREACH(cpu) {
        tlb_flush(cpu);
    }
}

/* Load a stream that passed sv_check, which filled lay. */
static bool sv_load_checked(const uint8_t *buf, const SvLayout *lay, GError **errp)
{
    g_autoptr(GByteArray) backup = g_byte_array_new();
    int64_t clock_before = clock_get_ns(CLOCK_VIRTUAL);

    /* Device timers are saved as absolute virtual-clock expiries: set the clock to the
     * saved moment first so the reloaded timers fire when they would have. */
    savevm_sync_cpus();
    savevm_put_cpus_and_devices(backup);
    clock_virtual_set(lay->vm_clock_ns);
    if (!sv_load_records(buf + lay->records_pos, lay->records_end - lay->records_pos,
                         errp)) {
        GError *err2 = NULL;

        clock_virtual_set(clock_before);
        if (!sv_load_records(backup->data, backup->len, &err2)) {
            /* Our own records of a moment ago: cannot fail unless memory is corrupt. */
            error_report("loadvm: could not restore the previous state: %s",
                         err2->message);
            g_error_free(err2);
        }
        sv_flush_translations();
        return false;
    }
    if (!sv_load_ram(buf + lay->ram_pos, lay->records_pos - lay->ram_pos, errp)) {
        /* Only an inflate failure the CRC did not catch can get here: RAM is partly
         * loaded, so the machine cannot go on as before. */
        sv_flush_translations();
        vm_stop(RUN_STATE_INTERNAL_ERROR);
        return false;
    }
    sv_flush_translations();
    return true;
}

bool savevm_load_stream(const uint8_t *buf, size_t len, GError **errp)
{
    SvLayout lay;

    return sv_check(buf, len, &lay, errp) && sv_load_checked(buf, &lay, errp);
}

/* ---- snapshots by tag ---- */

void savevm_set_snapshot_store(const char *path)
{
    g_free(snapshot_store_path);
    snapshot_store_path = g_strdup(path);
}

const char *savevm_get_snapshot_store(void)
{
    return snapshot_store_path;
}

/*
 * Where this machine's snapshots live. With writable disks, as in QEMU, every one
 * of them must be able to hold internal snapshots (qcow2): each gets a snapshot
 * with the same tag, and the first one also keeps the VM state stream. A writable
 * disk of another format could not be rolled back with the machine, so that is an
 * error. Without writable disks the snapshots go to the -snapshot-store file.
 */
static void savevm_error_not_snapshottable(const char *file, const char *format,
                                           GError **errp)
{
    error_setg(errp, "disk '%s' is a writable %s image, which cannot hold snapshots: "
               "the disk's contents would not match the saved machine. Use a qcow2 "
               "image, or attach the disk read-only", file, format);
}

static bool savevm_writable_disks_named(GPtrArray **out, GPtrArray **names,
                                        GError **errp)
{
    MachineState *ms = current_machine;
    GPtrArray *disks;

    /* A drive configured with another format is refused even before (or without)
     * its backend being opened; -snapshot drives write to a qcow2 overlay. */
    for (int i = 0; ms && i < ms->nb_drives; i++) {
        const DriveOpts *d = &ms->drives[i];
        bool cdrom = d->media && strcmp(d->media, "cdrom") == 0;

        if (d->readonly || cdrom || !d->file || d->snapshot || !d->format ||
            strcmp(d->format, "qcow2") == 0) {
            continue;
        }
        savevm_error_not_snapshottable(d->file, d->format, errp);
        return false;
    }
    disks = g_ptr_array_new();
    if (names) {
        *names = g_ptr_array_new();
    }
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        BlockDriverState *bs;

        if (!blk_is_inserted(blk) || blk_is_read_only(blk)) {
            continue;
        }
        bs = blk_bs(blk);
        if (!bs->drv->snapshot_create_vm || !bs->drv->snapshot_load_vmstate) {
            savevm_error_not_snapshottable(bs->filename, bs->drv->format_name, errp);
            g_ptr_array_free(disks, true);
            if (names) {
                g_ptr_array_free(*names, true);
                *names = NULL;
            }
            return false;
        }
        g_ptr_array_add(disks, bs);
        if (names) {
            g_ptr_array_add(*names, (gpointer)blk_name(blk));
        }
    }
    *out = disks;
    return true;
}

static bool savevm_writable_disks(GPtrArray **out, GError **errp)
{
    return savevm_writable_disks_named(out, NULL, errp);
}

/*
 * QMP names the disks of a snapshot ("devices") and the one that keeps the VM state
 * ("vmstate"). mimic snapshots the whole machine, so the list must be exactly the
 * writable disks (a disk left out would no longer match the saved machine); the
 * vmstate disk is moved to the front, where savevm_disks_save puts the stream.
 * devices == NULL (the human monitor, -loadvm): every writable disk, the first one
 * keeps the stream. Without writable disks vmstate is not used (snapshot store).
 */
static bool savevm_select_disks(const char *tag, const char *vmstate,
                                const char *const *devices, GError **errp,
                                GPtrArray **disks_out)
{
    g_autoptr(GPtrArray) names = NULL;
    GPtrArray *disks = NULL;
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    int vm_index = -1;
    guint n = 0;

    if (!savevm_writable_disks_named(&disks, &names, errp)) {
        return false;
    }
    if (!devices) {
        *disks_out = disks;
        return true;
    }
    for (; devices[n]; n++) {
        const char *dev = devices[n];
        guint idx;
        BlockBackend *blk;

        if (!g_hash_table_add(seen, (gpointer)dev)) {
            error_setg(errp, "device '%s' is listed twice", dev);
            goto fail;
        }
        for (idx = 0; idx < names->len; idx++) {
            if (!strcmp(g_ptr_array_index(names, idx), dev)) {
                break;
            }
        }
        if (idx == names->len) {
            blk = blk_by_name(dev);
            if (!blk) {
                error_setg(errp, "Device '%s' not found", dev);
            } else {
                error_setg(errp, "device '%s' is read-only or has no medium: it has "
                           "nothing to snapshot", dev);
            }
            goto fail;
        }
    }
    if (n != disks->len) {
        g_autofree char *all = NULL;

        g_ptr_array_add(names, NULL);
        all = g_strjoinv(", ", (char **)names->pdata);
        error_setg(errp, "snapshot '%s': devices must list every writable disk (%s): "
                   "mimic snapshots the whole machine, and a disk left out would no "
                   "longer match it", tag, all);
        goto fail;
    }
    if (disks->len == 0) {
        *disks_out = disks;
        return true;
    }
    for (guint i = 0; vmstate && i < disks->len; i++) {
        if (!strcmp(g_ptr_array_index(names, i), vmstate)) {
            vm_index = i;
        }
    }
    if (vm_index < 0) {
        error_setg(errp, "vmstate device '%s' is not one of the snapshot's devices",
                   vmstate ? vmstate : "");
        goto fail;
    }
    if (vm_index > 0) {
        gpointer bs = g_ptr_array_steal_index(disks, vm_index);

        g_ptr_array_insert(disks, 0, bs);
    }
    *disks_out = disks;
    return true;

fail:
    g_ptr_array_free(disks, true);
    return false;
}

static const char *savevm_store_for(GError **errp)
{
    if (!snapshot_store_path) {
        error_setg(errp, "this machine has no writable disk to hold snapshots: name a "
                   "snapshot store file with -snapshot-store PATH");
        return NULL;
    }
    return snapshot_store_path;
}

/* Whether BS has an internal snapshot with tag or id NAME. */
static bool savevm_disk_has(BlockDriverState *bs, const char *name)
{
    BlockSnapshotInfo *list = NULL;
    int n = bs->drv->snapshot_list(bs, &list);
    bool found = false;

    for (int i = 0; i < n && !found; i++) {
        found = !strcmp(list[i].name, name) || !strcmp(list[i].id, name);
    }
    if (n >= 0) {
        bdrv_snapshot_list_free(list, n);
    }
    return found;
}

/* The sink that writes a stream into the VM state area of the disk that keeps it. */
static bool savevm_disk_sink_write(void *opaque, const uint8_t *buf, uint64_t pos,
                                   uint64_t len, GError **errp)
{
    BlockDriverState *bs = opaque;

    return bs->drv->save_vmstate(bs, buf, pos, len, errp) == 0;
}

static bool savevm_store_sink_write(void *opaque, const uint8_t *buf, uint64_t pos,
                                    uint64_t len, GError **errp)
{
    return snapshot_store_write(opaque, buf, pos, len, errp);
}

/* The stream (len bytes) is already in the first disk's VM state area when data
 * is NULL. */
static bool savevm_disks_save(GPtrArray *disks, const char *tag, const uint8_t *data,
                              uint64_t len, int64_t vm_clock_ns, GError **errp)
{
    for (guint i = 0; i < disks->len; i++) {
        BlockDriverState *bs = g_ptr_array_index(disks, i);
        int r = 0;

        /* As in QEMU, saving under an existing tag replaces that snapshot. */
        if (savevm_disk_has(bs, tag)) {
            r = bs->drv->snapshot_delete(bs, tag, errp);
        }
        if (r == 0) {
            r = bs->drv->snapshot_create_vm(bs, tag, i == 0 ? data : NULL,
                                            i == 0 ? len : 0, vm_clock_ns, errp);
        }
        if (r < 0) {
            g_prefix_error(errp, "savevm: disk '%s': ", bs->filename);
            /* Do not leave a snapshot that exists on only some of the disks. */
            for (guint j = 0; j < i; j++) {
                BlockDriverState *done = g_ptr_array_index(disks, j);

                done->drv->snapshot_delete(done, tag, NULL);
            }
            return false;
        }
    }
    return true;
}

bool savevm_snapshot_save(const char *tag, GError **errp)
{
    return savevm_snapshot_save_devices(tag, NULL, NULL, errp);
}

bool savevm_snapshot_save_devices(const char *tag, const char *vmstate,
                                  const char *const *devices, GError **errp)
{
    g_autoptr(GPtrArray) disks = NULL;
    const char *store = NULL;
    bool was_running = runstate_is_running();
    g_autoptr(GByteArray) data = NULL;
    g_autofree char *auto_tag = NULL;
    SnapshotInfo info = { 0 };
    gint64 now;
    bool ok;

    if (!savevm_select_disks(tag ? tag : "", vmstate, devices, errp, &disks)) {
        return false;
    }
    if (disks->len == 0 && !(store = savevm_store_for(errp))) {
        return false;
    }
    now = g_get_real_time();
    if (!tag || !*tag) {
        g_autoptr(GDateTime) dt = g_date_time_new_now_local();

        auto_tag = g_date_time_format(dt, "vm-%Y%m%d%H%M%S");
        tag = auto_tag;
    }
    vm_stop(was_running ? RUN_STATE_PAUSED : runstate_get());
    data = g_byte_array_sized_new(16 * 1024 * 1024);
    if (disks->len) {
        BlockDriverState *bs = g_ptr_array_index(disks, 0);
        SavevmSink sink = { .write = savevm_disk_sink_write, .opaque = bs };
        bool stream = bs->drv->save_vmstate != NULL;

        /* The disk writes (and starts flushing) the stream while it is compressed. */
        ok = sv_save_stream(data, stream ? &sink : NULL, errp);
        if (ok && sink.err) {
            g_propagate_prefixed_error(errp, sink.err, "savevm: disk '%s': ", bs->filename);
            sink.err = NULL;
            ok = false;
        }
        g_clear_error(&sink.err);
        if (ok) {
            ok = savevm_disks_save(disks, tag, stream ? NULL : data->data,
                                   stream ? sink.done : data->len,
                                   clock_get_ns(CLOCK_VIRTUAL), errp);
        }
        if (!ok && sink.done) {
            /* Leave no half-written state in the image's active VM state area. */
            bs->drv->save_vmstate(bs, NULL, 0, 0, NULL);
        }
    } else {
        SnapshotStoreWriter *w;
        SavevmSink sink = { .write = savevm_store_sink_write };

        info.tag = (char *)tag;
        info.date_sec = now / G_USEC_PER_SEC;
        info.date_nsec = (now % G_USEC_PER_SEC) * 1000;
        info.vm_clock_ns = clock_get_ns(CLOCK_VIRTUAL);
        w = snapshot_store_begin(store, &info, errp);
        sink.opaque = w;
        ok = w && sv_save_stream(data, &sink, errp);
        if (ok && sink.err) {
            g_propagate_error(errp, sink.err);
            sink.err = NULL;
            ok = false;
        }
        g_clear_error(&sink.err);
        if (ok) {
            ok = snapshot_store_commit(w, sink.done, NULL, errp);
        } else if (w) {
            snapshot_store_abort(w);
        }
    }
    if (was_running) {
        vm_start();
    }
    return ok;
}

/*
 * A snapshot's stream for loadvm: mapped from the file it lies in when it is one
 * run of it, else read into a buffer. The mapping is the page cache itself: no
 * copy, and no fresh memory. On a virtual host the first touch of tens of MiB of
 * new memory can cost far more than the copy (a 34 MiB read into a new buffer took
 * 15 ms or, in the first loadvm of a process, 170 ms here).
 */
typedef struct SvData {
    const uint8_t *data;
    size_t len;
    void *map;
    size_t map_len;
    GByteArray *buf;
} SvData;

static void sv_data_clear(SvData *d)
{
    if (d->map) {
        munmap(d->map, d->map_len);
    }
    if (d->buf) {
        g_byte_array_free(d->buf, true);
    }
    memset(d, 0, sizeof(*d));
}

/* Map [pos, pos + len) of fd read-only; false (and nothing mapped) if that cannot
 * be done safely, e.g. the file is shorter: a page past its end would SIGBUS. */
static bool sv_data_map(SvData *d, int fd, uint64_t pos, uint64_t len)
{
    uint64_t start = pos & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
    struct stat st;
    void *p;

    if (len == 0 || len > SIZE_MAX - (pos - start) || fstat(fd, &st) < 0 ||
        !S_ISREG(st.st_mode) || pos + len < pos || (uint64_t)st.st_size < pos + len) {
        return false;
    }
    p = mmap(NULL, len + (pos - start), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
             (off_t)start);
    if (p == MAP_FAILED) {
        return false;
    }
    d->map = p;
    d->map_len = len + (pos - start);
    d->data = (const uint8_t *)p + (pos - start);
    d->len = len;
    return true;
}

static void sv_data_take(SvData *d, GByteArray *buf)
{
    d->buf = buf;
    d->data = buf->data;
    d->len = buf->len;
}

/* The stream of snapshot TAG: on the first disk that has one (the first disk unless
 * QMP put it elsewhere); every disk must have TAG. */
static bool savevm_disks_get(GPtrArray *disks, const char *tag, SvData *d, GError **errp)
{
    BlockDriverState *first = g_ptr_array_index(disks, 0);
    GByteArray *data;

    for (guint i = 0; i < disks->len; i++) {
        BlockDriverState *bs = g_ptr_array_index(disks, i);

        if (!savevm_disk_has(bs, tag)) {
            error_setg(errp, "snapshot '%s' does not exist on disk '%s'", tag,
                       bs->filename);
            return false;
        }
    }
    data = g_byte_array_new();
    for (guint i = 0; i < disks->len && data->len == 0; i++) {
        BlockDriverState *bs = g_ptr_array_index(disks, i);
        uint64_t pos, len;
        int r = 0;

        if (bs->drv->snapshot_vmstate_extent) {
            r = bs->drv->snapshot_vmstate_extent(bs, tag, &pos, &len, errp);
        }
        if (r > 0 && sv_data_map(d, bs->fd, pos, len)) {
            g_byte_array_free(data, true);
            return true;
        }
        if (r < 0 || bs->drv->snapshot_load_vmstate(bs, tag, data, errp) < 0) {
            g_prefix_error(errp, "disk '%s': ", bs->filename);
            g_byte_array_free(data, true);
            return false;
        }
    }
    if (data->len == 0) {
        error_setg(errp, "snapshot '%s' on disk '%s' holds no machine state (a disk-only "
                   "snapshot, as mimic-img snapshot -c makes)", tag, first->filename);
        g_byte_array_free(data, true);
        return false;
    }
    sv_data_take(d, data);
    return true;
}

/* The stream of snapshot TAG in the snapshot store at PATH. */
static bool savevm_store_get(const char *path, const char *tag, SvData *d, GError **errp)
{
    uint64_t pos, len;
    bool mapped = false;
    GByteArray *data;
    int fd;

    if (!snapshot_store_locate(path, tag, NULL, &pos, &len, errp)) {
        return false;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        mapped = sv_data_map(d, fd, pos, len);
        close(fd);
    }
    if (mapped) {
        return true;
    }
    data = snapshot_store_get(path, tag, NULL, errp);
    if (!data) {
        return false;
    }
    sv_data_take(d, data);
    return true;
}

/* Roll every disk back to TAG. */
static bool savevm_disks_goto(GPtrArray *disks, const char *tag, GError **errp)
{
    for (guint i = 0; i < disks->len; i++) {
        BlockDriverState *bs = g_ptr_array_index(disks, i);

        if (bs->drv->snapshot_goto(bs, tag, errp) < 0) {
            g_prefix_error(errp, "disk '%s': ", bs->filename);
            return false;
        }
    }
    return true;
}

bool savevm_snapshot_load(const char *tag, GError **errp)
{
    return savevm_snapshot_load_devices(tag, NULL, NULL, errp);
}

bool savevm_snapshot_load_devices(const char *tag, const char *vmstate,
                                  const char *const *devices, GError **errp)
{
    g_autoptr(GPtrArray) disks = NULL;
    const char *store = NULL;
    bool was_running = runstate_is_running();
    SvData data = { 0 };
    SvLayout lay;
    bool ok;

    if (!savevm_select_disks(tag, vmstate, devices, errp, &disks)) {
        return false;
    }
    if (disks->len == 0 && !(store = savevm_store_for(errp))) {
        return false;
    }
    if (disks->len ? !savevm_disks_get(disks, tag, &data, errp)
                   : !savevm_store_get(store, tag, &data, errp)) {
        return false;
    }
    /* Refuse a bad stream before the disks are rolled back (the check is
     * done once: the load below uses its result). */
    if (!sv_check(data.data, data.len, &lay, errp)) {
        g_prefix_error(errp, "loadvm %s: ", tag);
        sv_data_clear(&data);
        return false;
    }
    if (was_running) {
        vm_stop(RUN_STATE_PAUSED);
    }
    if (disks->len && !savevm_disks_goto(disks, tag, errp)) {
        /* Some disks may already be rolled back: the machine must not run on. */
        g_prefix_error(errp, "loadvm %s: ", tag);
        vm_stop(RUN_STATE_INTERNAL_ERROR);
        sv_data_clear(&data);
        return false;
    }
    ok = sv_load_checked(data.data, &lay, errp);
    sv_data_clear(&data);
    if (!ok) {
        g_prefix_error(errp, "loadvm %s: ", tag);
        if (disks->len) {
            /* The disks are already at the snapshot, the machine is not. */
            vm_stop(RUN_STATE_INTERNAL_ERROR);
        }
    } else if (runstate_get() == RUN_STATE_INTERNAL_ERROR) {
        /* A good snapshot repairs a machine that had failed: it may run again. */
        vm_stop(RUN_STATE_PAUSED);
    }
    if (was_running && runstate_get() == RUN_STATE_PAUSED) {
        vm_start();
    }
    return ok;
}

bool savevm_snapshot_delete(const char *tag, GError **errp)
{
    return savevm_snapshot_delete_devices(tag, NULL, errp);
}

bool savevm_snapshot_delete_devices(const char *tag, const char *const *devices,
                                    GError **errp)
{
    g_autoptr(GPtrArray) disks = NULL;
    const char *store;
    bool found = false;

    if (devices) {
        /* Any listed disk may be the first: deletion needs no vmstate device. */
        const char *vmstate = devices[0];

        if (!savevm_select_disks(tag, vmstate, devices, errp, &disks)) {
            return false;
        }
    } else if (!savevm_writable_disks(&disks, errp)) {
        return false;
    }
    if (disks->len == 0) {
        store = savevm_store_for(errp);
        return store && snapshot_store_delete(store, tag, errp);
    }
    for (guint i = 0; i < disks->len; i++) {
        BlockDriverState *bs = g_ptr_array_index(disks, i);

        if (!savevm_disk_has(bs, tag)) {
            continue;
        }
        found = true;
        if (bs->drv->snapshot_delete(bs, tag, errp) < 0) {
            g_prefix_error(errp, "delvm: disk '%s': ", bs->filename);
            return false;
        }
    }
    if (!found) {
        error_setg(errp, "delvm: snapshot '%s' not found", tag);
        return false;
    }
    return true;
}

/* Snapshots of the first disk that every other disk has too, as SnapshotInfo. */
static GPtrArray *savevm_disks_list(GPtrArray *disks)
{
    BlockDriverState *first = g_ptr_array_index(disks, 0);
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)snapshot_info_free);
    BlockSnapshotInfo *l = NULL;
    int n = first->drv->snapshot_list(first, &l);

    for (int i = 0; i < n; i++) {
        SnapshotInfo *info;
        bool everywhere = true;

        for (guint d = 1; d < disks->len && everywhere; d++) {
            everywhere = savevm_disk_has(g_ptr_array_index(disks, d), l[i].name);
        }
        if (!everywhere) {
            continue;
        }
        info = g_new0(SnapshotInfo, 1);
        info->id = g_strdup(l[i].id);
        info->tag = g_strdup(l[i].name);
        info->vm_state_size = l[i].vm_state_size;
        info->date_sec = l[i].date_sec;
        info->date_nsec = l[i].date_nsec;
        info->vm_clock_ns = l[i].vm_clock_nsec;
        g_ptr_array_add(list, info);
    }
    if (n >= 0) {
        bdrv_snapshot_list_free(l, n);
    }
    return list;
}

bool savevm_snapshot_info(FILE *f, GError **errp)
{
    g_autoptr(GPtrArray) disks = NULL;
    GPtrArray *list;

    if (!savevm_writable_disks(&disks, errp)) {
        return false;
    }
    if (disks->len) {
        list = savevm_disks_list(disks);
    } else {
        const char *store = savevm_store_for(errp);

        if (!store) {
            return false;
        }
        list = snapshot_store_list(store, errp);
    }
    if (!list) {
        return false;
    }
    if (list->len == 0) {
        fprintf(f, "There is no snapshot available.\n");
    } else {
        fprintf(f, "List of snapshots present on all disks:\n");
        snapshot_info_print_header(f);
        for (guint i = 0; i < list->len; i++) {
            snapshot_info_print(f, g_ptr_array_index(list, i));
        }
    }
    g_ptr_array_free(list, true);
    return true;
}

/* ---- migrate file: / exec: ---- */

static bool savevm_parse_uri(const char *uri, bool *is_exec, const char **arg,
                             GError **errp)
{
    if (g_str_has_prefix(uri, "file:") && uri[5]) {
        *is_exec = false;
        *arg = uri + 5;
        return true;
    }
    if (g_str_has_prefix(uri, "exec:") && uri[5]) {
        *is_exec = true;
        *arg = uri + 5;
        return true;
    }
    error_setg(errp, "unsupported migration URI '%s' (file:PATH or exec:COMMAND)", uri);
    return false;
}

bool savevm_migrate_out(const char *uri, GError **errp)
{
    g_autoptr(GByteArray) data = g_byte_array_sized_new(16 * 1024 * 1024);
    bool was_running = runstate_is_running();
    const char *arg;
    bool is_exec;
    FILE *f;
    int status;
    bool ok;

    if (!savevm_parse_uri(uri, &is_exec, &arg, errp)) {
        return false;
    }
    if (is_exec && sandbox_spawn_denied()) {
        error_setg(errp, "migrate: exec: cannot run a command under -sandbox spawn=deny");
        return false;
    }
    vm_stop(was_running ? RUN_STATE_PAUSED : runstate_get());
    if (!savevm_save_stream(data, errp)) {
        goto fail;
    }
    f = is_exec ? popen(arg, "w") : fopen(arg, "wb");
    if (!f) {
        error_setg(errp, "migrate: cannot %s '%s': %s", is_exec ? "run" : "create", arg,
                   g_strerror(errno));
        goto fail;
    }
    ok = fwrite(data->data, 1, data->len, f) == data->len;
    status = is_exec ? pclose(f) : fclose(f);
    if (!ok || status != 0) {
        error_setg(errp, "migrate: writing to '%s' failed (%s)", arg,
                   !ok ? g_strerror(errno) : "the command exited with an error");
        goto fail;
    }
    /* The machine now lives on in the stream: stay stopped, as QEMU does. */
    return true;

fail:
    if (was_running) {
        vm_start();
    }
    return false;
}

bool savevm_migrate_in(const char *uri, GError **errp)
{
    g_autoptr(GByteArray) data = g_byte_array_new();
    uint8_t buf[65536];
    const char *arg;
    bool is_exec;
    size_t n;
    FILE *f;
    int status;

    if (!savevm_parse_uri(uri, &is_exec, &arg, errp)) {
        return false;
    }
    if (is_exec && sandbox_spawn_denied()) {
        error_setg(errp, "-incoming exec: cannot run a command under -sandbox spawn=deny");
        return false;
    }
    f = is_exec ? popen(arg, "r") : fopen(arg, "rb");
    if (!f) {
        error_setg(errp, "-incoming: cannot %s '%s': %s", is_exec ? "run" : "open", arg,
                   g_strerror(errno));
        return false;
    }
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        g_byte_array_append(data, buf, n);
    }
    status = is_exec ? pclose(f) : fclose(f);
    if (status != 0) {
        error_setg(errp, "-incoming: reading '%s' failed", arg);
        return false;
    }
    if (!savevm_load_stream(data->data, data->len, errp)) {
        g_prefix_error(errp, "-incoming %s: ", uri);
        return false;
    }
    return true;
}
