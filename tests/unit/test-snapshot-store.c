/*
 * Unit tests for softmmu/snapshot-store.c: the snapshot store file (put, list, get by
 * id or tag, replace by tag, delete) and damaged or foreign files refused without
 * being changed.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <unistd.h>
#include <sys/stat.h>
#include "migration/savevm.h"

static char *dir, *store;

static void setup(void)
{
    dir = g_dir_make_tmp("store-XXXXXX", NULL);
    store = g_build_filename(dir, "store.snap", NULL);
}

static void teardown(void)
{
    g_autofree char *tmp = g_strdup_printf("%s.tmp", store);

    unlink(store);
    unlink(tmp);
    rmdir(dir);
    g_free(store);
    g_free(dir);
}

TestSuite(store, .init = setup, .fini = teardown);

static void put(const char *tag, const char *data)
{
    SnapshotInfo info = { .tag = (char *)tag, .date_sec = 1700000000, .vm_clock_ns = 42 };
    GError *err = NULL;

    cr_assert(snapshot_store_put(store, &info, (const uint8_t *)data, strlen(data), &err),
              "%s", err ? err->message : "");
    g_free(info.id);
}

static char *get(const char *name)
{
    GError *err = NULL;
    SnapshotInfo *info = NULL;
    GByteArray *b = snapshot_store_get(store, name, &info, &err);
    char *s;

    if (!b) {
        g_error_free(err);
        return NULL;
    }
    cr_assert_eq(info->vm_state_size, b->len);
    snapshot_info_free(info);
    s = g_strndup((const char *)b->data, b->len);
    g_byte_array_free(b, true);
    return s;
}

Test(store, absent_file_is_an_empty_store)
{
    GError *err = NULL;
    GPtrArray *l = snapshot_store_list(store, &err);

    cr_assert_not_null(l);
    cr_assert_eq(l->len, 0);
    g_ptr_array_free(l, true);
    cr_assert_null(get("s1"));
}

Test(store, put_list_get_by_tag_and_id)
{
    GPtrArray *l;
    g_autofree char *a = NULL, *b = NULL, *c = NULL;

    put("s1", "first state");
    put("s2", "second");
    l = snapshot_store_list(store, NULL);
    cr_assert_eq(l->len, 2);
    cr_assert_str_eq(((SnapshotInfo *)l->pdata[0])->id, "1");
    cr_assert_str_eq(((SnapshotInfo *)l->pdata[1])->tag, "s2");
    cr_assert_eq(((SnapshotInfo *)l->pdata[1])->vm_clock_ns, 42);
    g_ptr_array_free(l, true);
    a = get("s1");
    b = get("2");
    c = get("nosuch");
    cr_assert_str_eq(a, "first state");
    cr_assert_str_eq(b, "second");
    cr_assert_null(c);
}

Test(store, same_tag_replaces_and_ids_grow)
{
    GPtrArray *l;
    g_autofree char *a = NULL;

    put("s1", "old");
    put("s2", "x");
    put("s1", "new");
    l = snapshot_store_list(store, NULL);
    cr_assert_eq(l->len, 2);
    cr_assert_str_eq(((SnapshotInfo *)l->pdata[1])->tag, "s1");
    cr_assert_str_eq(((SnapshotInfo *)l->pdata[1])->id, "3");
    g_ptr_array_free(l, true);
    a = get("s1");
    cr_assert_str_eq(a, "new");
}

Test(store, delete_removes_only_that_one)
{
    GError *err = NULL;
    g_autofree char *b = NULL;
    g_autofree char *a = NULL;

    put("s1", "a");
    put("s2", "bb");
    cr_assert(snapshot_store_delete(store, "s1", &err));
    a = get("s1");
    b = get("s2");
    cr_assert_null(a);
    cr_assert_str_eq(b, "bb");
    cr_assert_not(snapshot_store_delete(store, "s1", &err));
    cr_assert(strstr(err->message, "does not exist"));
    g_error_free(err);
}

Test(store, foreign_and_damaged_files_are_refused_untouched)
{
    GError *err = NULL;
    gchar *before, *after;
    gsize n1, n2;
    SnapshotInfo info = { .tag = (char *)"s9" };

    cr_assert(g_file_set_contents(store, "not a store at all", -1, NULL));
    cr_assert_null(snapshot_store_list(store, &err));
    cr_assert(strstr(err->message, "not a mimic snapshot store"), "%s", err->message);
    g_clear_error(&err);
    cr_assert_not(snapshot_store_put(store, &info, (const uint8_t *)"x", 1, &err));
    g_clear_error(&err);

    /* A store cut inside its last snapshot. */
    unlink(store);
    put("s1", "0123456789");
    cr_assert(g_file_get_contents(store, &before, &n1, NULL));
    cr_assert(truncate(store, n1 - 3) == 0);
    cr_assert_null(snapshot_store_list(store, &err));
    cr_assert(strstr(err->message, "truncated"), "%s", err->message);
    g_clear_error(&err);
    cr_assert_not(snapshot_store_delete(store, "s1", &err));
    g_clear_error(&err);
    cr_assert(g_file_get_contents(store, &after, &n2, NULL));
    cr_assert_eq(n2, n1 - 3);
    cr_assert(memcmp(before, after, n2) == 0);
    g_free(before);
    g_free(after);
}

Test(store, info_table_looks_like_qemus)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    SnapshotInfo info = { .id = (char *)"1", .tag = (char *)"s1",
                          .vm_state_size = 18 * 1024 * 1024 + 512 * 1024,
                          .vm_clock_ns = 3723004000000LL };

    snapshot_info_print_header(f);
    snapshot_info_print(f, &info);
    fclose(f);
    cr_assert(strstr(text, "ID        TAG"), "%s", text);
    cr_assert(strstr(text, "18.5 MiB"), "%s", text);
    cr_assert(strstr(text, "01:02:03.004"), "%s", text);
    free(text);
}

static ino_t store_inode(void)
{
    struct stat st;

    cr_assert(stat(store, &st) == 0);
    return st.st_ino;
}

/*
 * A new snapshot is appended: the file is not rewritten (same inode, the bytes
 * before it unchanged), so savevm does not slow down as snapshots accumulate.
 */
Test(store, new_snapshots_are_appended)
{
    gchar *before, *after;
    gsize n1, n2;
    ino_t ino;
    char *a;

    put("s1", "first snapshot");
    ino = store_inode();
    cr_assert(g_file_get_contents(store, &before, &n1, NULL));
    put("s2", "second");
    cr_assert_eq(store_inode(), ino);
    cr_assert(g_file_get_contents(store, &after, &n2, NULL));
    cr_assert_gt(n2, n1);
    cr_assert(memcmp(before, after, n1) == 0);
    a = get("s2");
    cr_assert_str_eq(a, "second");
    g_free(a);
    g_free(before);
    g_free(after);
}

/*
 * A savevm that died while appending leaves an unfinished entry at the end: the
 * store still lists what it had, and the next savevm cuts the remains off.
 */
Test(store, unfinished_entry_is_ignored_and_cut_off)
{
    static const uint8_t pending[] = { 'S', 'N', 'P', 'W', 1, 0, '9', 2, 0, 'x' };
    GError *err = NULL;
    GPtrArray *l;
    gsize n1, n2;
    gchar *c;
    char *a;

    put("s1", "kept");
    cr_assert(g_file_get_contents(store, &c, &n1, NULL));
    g_free(c);
    {
        FILE *f = fopen(store, "ab");

        cr_assert(fwrite(pending, 1, sizeof(pending), f) == sizeof(pending));
        fclose(f);
    }
    l = snapshot_store_list(store, &err);
    cr_assert_not_null(l, "%s", err ? err->message : "");
    cr_assert_eq(l->len, 1);
    g_ptr_array_free(l, true);
    put("s2", "after the crash");
    a = get("s1");
    cr_assert_str_eq(a, "kept");
    g_free(a);
    a = get("s2");
    cr_assert_str_eq(a, "after the crash");
    g_free(a);
    cr_assert(g_file_get_contents(store, &c, &n2, NULL));
    g_free(c);
    /* The remains are gone: the file holds exactly the two entries. */
    cr_assert_eq(n2, n1 + (n1 - 8) - strlen("kept") + strlen("after the crash"));
}

/*
 * Replacing and deleting mark entries dead in place; once dead entries take more
 * room than live ones the store is compacted and shrinks.
 */
Test(store, dead_entries_are_compacted_away)
{
    g_autofree char *big = g_strnfill(10000, 'b');
    struct stat st;
    ino_t ino;
    char *a;

    put("keep", "k");
    put("big", big);
    ino = store_inode();
    put("keep", "k2");                      /* replaced: the old "keep" is dead */
    cr_assert_eq(store_inode(), ino);
    a = get("keep");
    cr_assert_str_eq(a, "k2");
    g_free(a);
    cr_assert(snapshot_store_delete(store, "big", NULL));   /* mostly dead now */
    cr_assert(stat(store, &st) == 0);
    cr_assert_lt(st.st_size, 200, "compacted to %lld bytes", (long long)st.st_size);
    cr_assert_null(get("big"));
    a = get("keep");
    cr_assert_str_eq(a, "k2");
    g_free(a);
}

/*
 * savevm streams into the store: the entry is unfinished (not listed) until it
 * is committed with its length; an aborted one leaves the store as it was.
 */
Test(store, streamed_entry_counts_only_once_committed)
{
    SnapshotInfo info = { .tag = (char *)"st", .vm_clock_ns = 7 };
    SnapshotStoreWriter *w;
    GError *err = NULL;
    gchar *before, *after;
    gsize n1, n2;
    GPtrArray *l;
    char *id = NULL, *a;

    put("s1", "one");
    cr_assert(g_file_get_contents(store, &before, &n1, NULL));
    w = snapshot_store_begin(store, &info, &err);
    cr_assert_not_null(w, "%s", err ? err->message : "");
    cr_assert(snapshot_store_write(w, "abc", 0, 3, &err));
    l = snapshot_store_list(store, &err);
    cr_assert_eq(l->len, 1, "an unfinished entry is not listed");
    g_ptr_array_free(l, true);
    snapshot_store_abort(w);
    cr_assert(g_file_get_contents(store, &after, &n2, NULL));
    cr_assert_eq(n2, n1);
    cr_assert(memcmp(before, after, n1) == 0);

    w = snapshot_store_begin(store, &info, &err);
    cr_assert(snapshot_store_write(w, "abc", 0, 3, &err));
    cr_assert(snapshot_store_write(w, "defgh", 3, 5, &err));
    cr_assert(snapshot_store_commit(w, 8, &id, &err), "%s", err ? err->message : "");
    cr_assert_str_eq(id, "2");
    a = get("st");
    cr_assert_str_eq(a, "abcdefgh");
    g_free(a);
    g_free(id);
    g_free(before);
    g_free(after);
}

/* locate says where a stream lies in the file (loadvm maps it from there). */
Test(store, locate_points_at_the_stream)
{
    uint64_t pos = 0, len = 0;
    SnapshotInfo *info = NULL;
    GError *err = NULL;
    char buf[16] = "";
    FILE *f;

    put("s1", "first state");
    put("s2", "second");
    cr_assert(snapshot_store_locate(store, "s2", &info, &pos, &len, &err),
              "%s", err ? err->message : "");
    cr_assert_eq(len, 6);
    cr_assert_str_eq(info->tag, "s2");
    snapshot_info_free(info);
    f = fopen(store, "rb");
    cr_assert_not_null(f);
    cr_assert_eq(fseeko(f, (off_t)pos, SEEK_SET), 0);
    cr_assert_eq(fread(buf, 1, len, f), len);
    fclose(f);
    cr_assert_str_eq(buf, "second");
    cr_assert(snapshot_store_locate(store, "1", NULL, &pos, &len, &err));
    cr_assert_eq(len, strlen("first state"));
    cr_assert_not(snapshot_store_locate(store, "s3", NULL, &pos, &len, &err));
    cr_assert(strstr(err->message, "does not exist"));
    g_error_free(err);
}
