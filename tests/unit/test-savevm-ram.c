/*
 * Unit tests for softmmu/savevm-ram.c, the RAM part of the machine stream: the
 * ISA-L codec round trip (contiguous and scattered chunks, a block whose size is not
 * a whole number of pages), compatibility with zlib in both directions (zlib's
 * inflate reads what the saver writes; streams written by zlib's deflate, as earlier
 * mimic versions did, still load), corrupt and truncated chunks refused, and the
 * memory side: saving does not populate RAM the guest never touched, saving through
 * a sink stages the stream in little fresh memory, and loading drops (rather than
 * writes) the pages that are zero in the snapshot. Deflate must also be a function
 * of the pages alone (not of what the stack held before), or load + save would not
 * give the same snapshot back.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "host-pages.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>
#include <isa-l/igzip_lib.h>
#include "exec/memory.h"
#include "../../softmmu/savevm-ram.h"

#define PAGE SAVEVM_PAGE_SIZE
#define CHUNK_PAGES 512u

/* xorshift: repeatable page contents without libc's rand state. */
static uint64_t rng = 88172645463325252ull;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Half compressible (text-like), half random, as guest RAM is. */
static void fill_page(uint8_t *p, size_t len, unsigned kind)
{
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = kind % 2 ? next_rand() : (i / 64) * 0x0101010101010101ull + kind;

        memcpy(p + i, &v, MIN((size_t)8, len - i));
    }
}

static MemoryRegion *new_ram(const char *name, uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);
    GError *err = NULL;

    cr_assert(memory_region_init_ram(mr, name, size, &err), "%s",
              err ? err->message : "");
    return mr;
}

/* Pages 0..n: every third page zero, runs of written pages between. */
static void fill_ram(MemoryRegion *mr, bool scattered)
{
    uint64_t npages = (mr->size + PAGE - 1) / PAGE;

    for (uint64_t pg = 0; pg < npages; pg++) {
        size_t len = MIN((uint64_t)PAGE, mr->size - pg * PAGE);

        if (scattered && pg % 3 == 1) {
            continue;
        }
        fill_page(mr->ram_ptr + pg * PAGE, len, pg);
    }
}

static GByteArray *save_block(MemoryRegion *mr)
{
    GByteArray *out = g_byte_array_new();
    GError *err = NULL;

    cr_assert(savevm_ram_save_block(out, mr, NULL, &err), "%s", err ? err->message : "");
    return out;
}

static void load_block(GByteArray *b, MemoryRegion *mr)
{
    GError *err = NULL;
    size_t used;

    cr_assert_eq(savevm_ram_check_block(b->data, b->len, mr), b->len);
    used = savevm_ram_load_block(b->data, b->len, mr, &err);
    cr_assert_eq(used, b->len, "%s", err ? err->message : "");
}

/* The chunk table of a saved block, for the tests that look inside. */
typedef struct Chunks {
    const uint8_t *bitmap;
    unsigned n;
    uint32_t pages[64];
    const uint8_t *data[64];
    uint64_t len[64];
    size_t len_pos[64];        /* offset of the length field in the block */
} Chunks;

static uint64_t get_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static void parse_chunks(GByteArray *b, MemoryRegion *mr, Chunks *c)
{
    uint64_t npages = (mr->size + PAGE - 1) / PAGE;
    size_t pos = 2 + strlen(mr->name) + 8;

    c->bitmap = b->data + pos;
    pos += (npages + 7) / 8;
    c->n = get_le(b->data + pos, 4);
    pos += 4;
    cr_assert_leq(c->n, 64);
    for (unsigned k = 0; k < c->n; k++) {
        c->pages[k] = get_le(b->data + pos, 4);
        c->len_pos[k] = pos + 4;
        c->len[k] = get_le(b->data + pos + 4, 8);
        c->data[k] = b->data + pos + 12;
        pos += 12 + c->len[k];
    }
    cr_assert_eq(pos, b->len);
}

/* The non-zero pages of mr in address order, gathered (the chunks' contents). */
static uint8_t *gather(MemoryRegion *mr, const uint8_t *bitmap, uint64_t *n)
{
    uint64_t npages = (mr->size + PAGE - 1) / PAGE;
    uint8_t *buf = g_malloc0(npages * PAGE);

    *n = 0;
    for (uint64_t pg = 0; pg < npages; pg++) {
        if (bitmap[pg / 8] & (1u << (pg % 8))) {
            memcpy(buf + *n * PAGE, mr->ram_ptr + pg * PAGE,
                   MIN((uint64_t)PAGE, mr->size - pg * PAGE));
            (*n)++;
        }
    }
    return buf;
}

static void round_trip(uint64_t size, bool scattered)
{
    MemoryRegion *mr = new_ram("rt.ram", size);
    g_autofree uint8_t *want = g_malloc(size);
    g_autoptr(GByteArray) b = NULL;

    fill_ram(mr, scattered);
    memcpy(want, mr->ram_ptr, size);
    b = save_block(mr);
    cr_assert_lt(b->len, size, "the block must compress");
    /* Scribble over everything, zero pages included, then load. */
    memset(mr->ram_ptr, 0xa5, size);
    load_block(b, mr);
    cr_assert(memcmp(mr->ram_ptr, want, size) == 0);
}

Test(savevm_ram, round_trip_contiguous)
{
    round_trip(4 * 1024 * 1024, false);
}

Test(savevm_ram, round_trip_scattered_pages)
{
    round_trip(4 * 1024 * 1024, true);
}

Test(savevm_ram, round_trip_block_ending_inside_a_page)
{
    round_trip(3 * 1024 * 1024 + 100, true);
    round_trip(1024 * 1024 + 4000, false);
}

Test(savevm_ram, zero_pages_are_elided)
{
    MemoryRegion *mr = new_ram("zero.ram", 8 * 1024 * 1024);
    g_autoptr(GByteArray) b = NULL;
    Chunks c;

    /* A page written and cleared again is as zero as one never touched. */
    memset(mr->ram_ptr + 5 * PAGE, 0x11, PAGE);
    memset(mr->ram_ptr + 5 * PAGE, 0, PAGE);
    mr->ram_ptr[700 * PAGE + 4095] = 1;
    mr->ram_ptr[1500 * PAGE] = 2;
    b = save_block(mr);
    parse_chunks(b, mr, &c);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.pages[0], 2);
    for (uint64_t pg = 0; pg < 2048; pg++) {
        bool set = c.bitmap[pg / 8] & (1u << (pg % 8));

        cr_assert_eq(set, pg == 700 || pg == 1500, "page %" PRIu64, pg);
    }
}

Test(savevm_ram, saving_does_not_populate_untouched_ram)
{
    MemoryRegion *mr = new_ram("sparse.ram", 64 * 1024 * 1024);
    g_autoptr(GByteArray) b = NULL;
    uint8_t want[PAGE];

    if (sysconf(_SC_PAGESIZE) != PAGE) {
        cr_skip_test("host pages are not 4 KiB");
    }
    fill_page(mr->ram_ptr + 1000 * PAGE, PAGE, 3);
    fill_page(mr->ram_ptr + 9000 * PAGE, PAGE, 4);
    memcpy(want, mr->ram_ptr + 1000 * PAGE, PAGE);
    b = save_block(mr);
    /* Only the two written pages (and at most their transparent huge pages). */
    cr_assert_leq(host_resident_pages(mr->ram_ptr, mr->size), 2 * 512);
    memset(mr->ram_ptr + 1000 * PAGE, 0, PAGE);
    load_block(b, mr);
    cr_assert(memcmp(mr->ram_ptr + 1000 * PAGE, want, PAGE) == 0);
}

Test(savevm_ram, loading_drops_pages_that_were_zero)
{
    MemoryRegion *mr = new_ram("drop.ram", 16 * 1024 * 1024);
    g_autoptr(GByteArray) b = NULL;
    size_t before;

    if (sysconf(_SC_PAGESIZE) != PAGE) {
        cr_skip_test("host pages are not 4 KiB");
    }
    fill_page(mr->ram_ptr, PAGE, 0);
    b = save_block(mr);
    /* The guest dirties 12 MiB after the snapshot... */
    for (uint64_t pg = 1; pg < 3072; pg++) {
        fill_page(mr->ram_ptr + pg * PAGE, PAGE, pg);
    }
    before = host_resident_pages(mr->ram_ptr, mr->size);
    cr_assert_geq(before, 3072);
    load_block(b, mr);
    /* ...which loadvm zeroes by giving the pages back, not by writing them. */
    cr_assert_leq(host_resident_pages(mr->ram_ptr, mr->size), 512);
    for (uint64_t i = PAGE; i < mr->size; i += 512) {
        cr_assert_eq(mr->ram_ptr[i], 0, "byte %" PRIu64, i);
    }
}

Test(savevm_ram, zlib_inflate_reads_what_the_saver_writes)
{
    MemoryRegion *mr = new_ram("zlib.ram", 6 * 1024 * 1024);
    g_autoptr(GByteArray) b = NULL;
    g_autofree uint8_t *pages = NULL;
    uint64_t npages;
    Chunks c;

    fill_ram(mr, true);
    b = save_block(mr);
    parse_chunks(b, mr, &c);
    pages = gather(mr, c.bitmap, &npages);
    cr_assert_gt(c.n, 1);
    for (unsigned k = 0, done = 0; k < c.n; done += c.pages[k], k++) {
        uLongf n = c.pages[k] * PAGE;
        g_autofree uint8_t *out = g_malloc(n);

        cr_assert_eq(uncompress(out, &n, c.data[k], c.len[k]), Z_OK, "chunk %u", k);
        cr_assert_eq(n, c.pages[k] * PAGE);
        cr_assert(memcmp(out, pages + (uint64_t)done * PAGE, n) == 0, "chunk %u", k);
    }
}

/*
 * A block as earlier mimic versions wrote it: the same framing, each chunk a zlib
 * stream from zlib's deflate (level 1, fed page by page).
 */
static GByteArray *save_block_with_zlib(MemoryRegion *mr, int level)
{
    uint64_t npages = (mr->size + PAGE - 1) / PAGE, n = 0;
    size_t bitmap_len = (npages + 7) / 8;
    g_autofree uint8_t *bitmap = g_malloc0(bitmap_len);
    g_autofree uint8_t *pages = NULL;
    GByteArray *out = g_byte_array_new();
    uint32_t nchunks;
    uint8_t hdr[12];

    for (uint64_t pg = 0; pg < npages; pg++) {
        if (!savevm_page_is_zero(mr->ram_ptr + pg * PAGE,
                                 MIN((uint64_t)PAGE, mr->size - pg * PAGE))) {
            bitmap[pg / 8] |= 1u << (pg % 8);
        }
    }
    pages = gather(mr, bitmap, &n);
    savevm_put_str(out, mr->name);
    for (unsigned i = 0; i < 8; i++) {
        hdr[i] = mr->size >> (8 * i);
    }
    g_byte_array_append(out, hdr, 8);
    g_byte_array_append(out, bitmap, bitmap_len);
    nchunks = (n + CHUNK_PAGES - 1) / CHUNK_PAGES;
    for (unsigned i = 0; i < 4; i++) {
        hdr[i] = nchunks >> (8 * i);
    }
    g_byte_array_append(out, hdr, 4);
    for (uint32_t k = 0; k < nchunks; k++) {
        uint64_t cn = MIN((uint64_t)CHUNK_PAGES, n - (uint64_t)k * CHUNK_PAGES);
        g_autofree uint8_t *z = g_malloc(compressBound(cn * PAGE));
        z_stream zs = { 0 };

        cr_assert_eq(deflateInit(&zs, level), Z_OK);
        zs.next_out = z;
        zs.avail_out = compressBound(cn * PAGE);
        for (uint64_t i = 0; i < cn; i++) {
            zs.next_in = pages + ((uint64_t)k * CHUNK_PAGES + i) * PAGE;
            zs.avail_in = PAGE;
            deflate(&zs, i + 1 == cn ? Z_FINISH : Z_NO_FLUSH);
        }
        for (unsigned i = 0; i < 4; i++) {
            hdr[i] = cn >> (8 * i);
        }
        for (unsigned i = 0; i < 8; i++) {
            hdr[4 + i] = (uint64_t)zs.total_out >> (8 * i);
        }
        g_byte_array_append(out, hdr, 12);
        g_byte_array_append(out, z, zs.total_out);
        deflateEnd(&zs);
    }
    return out;
}

Test(savevm_ram, streams_written_by_zlib_still_load)
{
    for (int level = 1; level <= 9; level += 8) {
        MemoryRegion *mr = new_ram("old.ram", 5 * 1024 * 1024 + 1000);
        g_autofree uint8_t *want = g_malloc(mr->size);
        g_autoptr(GByteArray) b = NULL;

        fill_ram(mr, true);
        memcpy(want, mr->ram_ptr, mr->size);
        b = save_block_with_zlib(mr, level);
        memset(mr->ram_ptr, 0x5a, mr->size);
        load_block(b, mr);
        cr_assert(memcmp(mr->ram_ptr, want, mr->size) == 0, "level %d", level);
    }
}

static void assert_load_fails(GByteArray *b, MemoryRegion *mr, const char *what)
{
    GError *err = NULL;

    cr_assert_eq(savevm_ram_load_block(b->data, b->len, mr, &err), 0, "%s", what);
    cr_assert_not_null(err, "%s", what);
    g_error_free(err);
}

Test(savevm_ram, corrupt_chunks_fail_cleanly)
{
    MemoryRegion *mr = new_ram("bad.ram", 4 * 1024 * 1024);
    g_autoptr(GByteArray) good = NULL;
    Chunks c;

    fill_ram(mr, true);
    good = save_block(mr);
    parse_chunks(good, mr, &c);
    /* Flipped bytes across the deflated data: the framing is intact, so the
     * check passes and only the inflate (or its checksum) can notice. */
    for (unsigned k = 0; k < c.n; k++) {
        for (uint64_t off = 0; off < c.len[k]; off += c.len[k] / 7 + 1) {
            g_autoptr(GByteArray) b = g_byte_array_new();
            size_t at = c.data[k] - good->data + off;

            g_byte_array_append(b, good->data, good->len);
            b->data[at] ^= 0x5a;
            cr_assert_eq(savevm_ram_check_block(b->data, b->len, mr), b->len);
            assert_load_fails(b, mr, "flipped byte");
        }
    }
}

Test(savevm_ram, truncated_chunks_fail_cleanly)
{
    MemoryRegion *mr = new_ram("cut.ram", 4 * 1024 * 1024);
    g_autoptr(GByteArray) good = NULL;
    Chunks c;

    fill_ram(mr, false);
    good = save_block(mr);
    parse_chunks(good, mr, &c);
    /* A chunk whose length field claims less than its stream: framing still
     * consistent if the tail is cut off with it (last chunk). */
    for (uint64_t cut = 1; cut < c.len[c.n - 1]; cut = cut * 3 + 1) {
        g_autoptr(GByteArray) b = g_byte_array_new();
        uint64_t zl = c.len[c.n - 1] - cut;

        g_byte_array_append(b, good->data, good->len - cut);
        for (unsigned i = 0; i < 8; i++) {
            b->data[c.len_pos[c.n - 1] + i] = zl >> (8 * i);
        }
        cr_assert_eq(savevm_ram_check_block(b->data, b->len, mr), b->len);
        assert_load_fails(b, mr, "truncated stream");
    }
    /* Cut without fixing the length: the framing check refuses it. */
    for (size_t len = 0; len < good->len; len += good->len / 97 + 1) {
        cr_assert_eq(savevm_ram_check_block(good->data, len, mr), 0, "len %zu", len);
    }
}

Test(savevm_ram, codec_refuses_wrong_sizes)
{
    size_t n = 64 * 1024, zl = savevm_zlib_bound(n);
    g_autofree uint8_t *in = g_malloc(n), *z = g_malloc(zl), *out = g_malloc(n + 1);
    g_autofree uint8_t *lb = g_malloc(ISAL_DEF_LVL1_DEFAULT);

    fill_page(in, n, 2);
    cr_assert(savevm_zlib_deflate(in, n, z, &zl, lb, ISAL_DEF_LVL1_DEFAULT));
    cr_assert(savevm_zlib_inflate(z, zl, out, n));
    cr_assert(memcmp(in, out, n) == 0);
    /* The stream must fill the pages exactly: not more, not less. */
    cr_assert_not(savevm_zlib_inflate(z, zl, out, n - 1));
    cr_assert_not(savevm_zlib_inflate(z, zl, out, n + 1));
    cr_assert_not(savevm_zlib_inflate(z, zl - 1, out, n));
    cr_assert_not(savevm_zlib_inflate(z, 0, out, n));
}

Test(savevm_ram, incompressible_data_fits_the_bound)
{
    size_t n = CHUNK_PAGES * PAGE, zl = savevm_zlib_bound(n);
    g_autofree uint8_t *in = g_malloc(n), *z = g_malloc(zl), *out = g_malloc(n);
    g_autofree uint8_t *lb = g_malloc(ISAL_DEF_LVL1_DEFAULT);

    fill_page(in, n, 1);    /* random */
    cr_assert(savevm_zlib_deflate(in, n, z, &zl, lb, ISAL_DEF_LVL1_DEFAULT));
    cr_assert_leq(zl, savevm_zlib_bound(n));
    cr_assert(savevm_zlib_inflate(z, zl, out, n));
    cr_assert(memcmp(in, out, n) == 0);
}

/*
 * Segments deflate cannot get to 30% are stored, the others compressed, in one stream
 * that zlib reads: a chunk of alternating 64 KiB segments of 6-bit random bytes
 * (deflate gets them to about 0.8 of their size, not 0.3) and regular data comes out
 * at the random half's size plus a little, not at the whole size (all stored) nor
 * with the random half deflated (which would cost inflate time for little).
 */
Test(savevm_ram, segments_deflate_barely_shrinks_are_stored)
{
    size_t seg = 64 * 1024, n = CHUNK_PAGES * PAGE, zl = savevm_zlib_bound(n);
    g_autofree uint8_t *in = g_malloc(n), *z = g_malloc(zl), *out = g_malloc(n);
    g_autofree uint8_t *lb = g_malloc(ISAL_DEF_LVL1_DEFAULT);
    unsigned stored_headers = 0;
    uLongf zn = n;

    for (size_t pos = 0; pos < n; pos += seg) {
        fill_page(in + pos, seg, (pos / seg) % 2 ? 1 : 2);   /* random, regular */
        for (size_t i = 0; (pos / seg) % 2 && i < seg; i++) {
            in[pos + i] &= 0x3f;
        }
    }
    cr_assert(savevm_zlib_deflate(in, n, z, &zl, lb, ISAL_DEF_LVL1_DEFAULT));
    cr_assert_geq(zl, n / 2, "random segments must be kept whole: %zu", zl);
    cr_assert_lt(zl, n / 2 + n / 16, "regular segments must be compressed: %zu", zl);
    /* Each random segment is two stored blocks (65535 + 1 bytes): find the first
     * one's header, LEN 0xffff and NLEN 0, right where the segment's bytes start. */
    for (size_t i = 0; i + 5 + seg <= zl; i++) {
        if (z[i] == 0 && z[i + 1] == 0xff && z[i + 2] == 0xff && z[i + 3] == 0 &&
            z[i + 4] == 0 && memcmp(z + i + 5, in + seg, 64) == 0) {
            stored_headers++;
        }
    }
    cr_assert_eq(stored_headers, 1);
    cr_assert_eq(uncompress(out, &zn, z, zl), Z_OK);
    cr_assert_eq(zn, n);
    cr_assert(memcmp(in, out, n) == 0);
    memset(out, 0, n);
    cr_assert(savevm_zlib_inflate(z, zl, out, n));
    cr_assert(memcmp(in, out, n) == 0);
}

/* A sink that records what it was given, and fails on its second write if told. */
typedef struct RecSink {
    GByteArray *got;
    GArray *sizes;
    bool fail_second;
} RecSink;

static bool rec_write(void *opaque, const uint8_t *buf, uint64_t pos, uint64_t len,
                      GError **errp)
{
    RecSink *r = opaque;

    cr_assert_eq(pos, r->got->len, "pieces come in order, without gaps");
    if (r->fail_second && r->sizes->len == 1) {
        error_setg(errp, "disk full");
        return false;
    }
    g_byte_array_append(r->got, buf, len);
    g_array_append_val(r->sizes, len);
    return true;
}

/*
 * While a block is saved its finished part goes to the sink in pieces of at least
 * SAVEVM_SINK_PIECE bytes, each a whole number of SAVEVM_SINK_ALIGN, the rest when
 * the stream is final; what was written leaves out (which stays small), and what
 * the sink got is the stream, with its CRC-32 kept. After a failed write nothing
 * more is written, the error is kept and out holds what was not written.
 */
Test(savevm_ram, sink_gets_the_stream_in_pieces)
{
    MemoryRegion *mr = new_ram("sink.ram", 24 * 1024 * 1024);
    MemoryRegion *back = new_ram("sink.ram", 24 * 1024 * 1024);
    g_autoptr(GByteArray) out = g_byte_array_new();
    RecSink r = { g_byte_array_new(), g_array_new(false, false, sizeof(uint64_t)) };
    SavevmSink sink = { .write = rec_write, .opaque = &r };
    GError *err = NULL;

    for (uint64_t i = 0; i < mr->size; i += PAGE) {
        fill_page(mr->ram_ptr + i, PAGE, 1);    /* random: the stream is ~24 MiB */
    }
    cr_assert(savevm_ram_save_block(out, mr, &sink, &err));
    cr_assert_geq(r.sizes->len, 2, "pieces were written while the block was saved");
    for (guint i = 0; i < r.sizes->len; i++) {
        cr_assert_geq(g_array_index(r.sizes, uint64_t, i), SAVEVM_SINK_PIECE);
        cr_assert_eq(g_array_index(r.sizes, uint64_t, i) % SAVEVM_SINK_ALIGN, 0);
    }
    cr_assert_eq(sink.done, r.got->len);
    cr_assert_lt(out->len, SAVEVM_SINK_PIECE, "written bytes left the staging buffer");
    savevm_sink_push(&sink, out, true);
    cr_assert_eq(out->len, 0);
    cr_assert_geq(sink.done, mr->size, "random pages are stored, not shrunk");
    cr_assert_eq(r.got->len, sink.done);
    cr_assert_eq(sink.crc, (uint32_t)crc32(0, r.got->data, r.got->len));
    /* The pieces make the block: it loads and gives the RAM back. */
    cr_assert_eq(savevm_ram_check_block(r.got->data, r.got->len, back), r.got->len);
    cr_assert_eq(savevm_ram_load_block(r.got->data, r.got->len, back, &err), r.got->len);
    cr_assert(memcmp(back->ram_ptr, mr->ram_ptr, mr->size) == 0);

    /* A failing sink: one piece written, then the error, then nothing. */
    g_byte_array_set_size(out, 0);
    g_byte_array_set_size(r.got, 0);
    g_array_set_size(r.sizes, 0);
    r.fail_second = true;
    sink.done = 0;
    sink.crc = 0;
    cr_assert(savevm_ram_save_block(out, mr, &sink, &err));
    savevm_sink_push(&sink, out, true);
    cr_assert_not_null(sink.err);
    cr_assert_str_eq(sink.err->message, "disk full");
    cr_assert_eq(r.sizes->len, 1);
    cr_assert_eq(sink.done, g_array_index(r.sizes, uint64_t, 0));
    cr_assert_gt(out->len, SAVEVM_SINK_PIECE, "the unwritten rest stays in out");
    g_clear_error(&sink.err);
    g_byte_array_unref(r.got);
    g_array_unref(r.sizes);
}

static bool count_write(void *opaque, const uint8_t *buf, uint64_t pos, uint64_t len,
                        GError **errp)
{
    return true;
}

static long minor_faults(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

/*
 * Saving through a sink touches little fresh memory: the stream is staged in a few
 * MiB, not kept whole, and the workers do not run far ahead of the appends (each
 * finished chunk waits in a buffer of its own). 128 MiB of random pages make a
 * 128 MiB stream; keeping it would alone fault in 32768 pages.
 */
Test(savevm_ram, saving_through_a_sink_touches_little_fresh_memory)
{
    MemoryRegion *mr = new_ram("big.ram", 128 * 1024 * 1024);
    g_autoptr(GByteArray) out = g_byte_array_new();
    SavevmSink sink = { .write = count_write };
    GError *err = NULL;
    long faults;

    for (uint64_t i = 0; i < mr->size; i += PAGE) {
        fill_page(mr->ram_ptr + i, PAGE, 1);
    }
    faults = minor_faults();
    cr_assert(savevm_ram_save_block(out, mr, &sink, &err));
    savevm_sink_push(&sink, out, true);
    faults = minor_faults() - faults;
    cr_assert_geq(sink.done, mr->size);
    cr_assert_lt(faults * (long)sysconf(_SC_PAGESIZE), 48l * 1024 * 1024,
                 "%ld pages of fresh memory for a %" PRIu64 " byte stream", faults,
                 sink.done);
}

/*
 * Leave v in every 16-bit word of the stack below the caller's frame, where the
 * next call's locals will be: the state an earlier, deeper call (or a thread that
 * used this stack before) leaves behind.
 */
static __attribute__((noinline)) void scribble_stack(uint16_t v)
{
    volatile uint16_t words[64 * 1024];

    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        words[i] = v;
    }
}

static __attribute__((noinline)) size_t deflate_after_scribble(uint16_t v, const uint8_t *in,
                                                               size_t n, uint8_t *z,
                                                               uint8_t *lb)
{
    size_t zl = savevm_zlib_bound(n);

    scribble_stack(v);
    cr_assert(savevm_zlib_deflate(in, n, z, &zl, lb, ISAL_DEF_LVL1_DEFAULT));
    return zl;
}

/*
 * The same pages deflate to the same bytes whatever the stack held before: load
 * followed by save must reproduce a snapshot byte for byte. ISA-L reads fields its
 * stateless init leaves alone (the window size among them); stale values there
 * shrank the window, so the 16 KiB-distant repeats below were no longer found.
 */
Test(savevm_ram, deflate_output_does_not_depend_on_stack_contents)
{
    size_t n = CHUNK_PAGES * PAGE, zmax = savevm_zlib_bound(n);
    g_autofree uint8_t *in = g_malloc(n), *ref = g_malloc(zmax), *z = g_malloc(zmax);
    g_autofree uint8_t *lb = g_malloc0(ISAL_DEF_LVL1_DEFAULT);
    size_t ref_len;

    /* 4 KiB of random bytes every 16 KiB, regular data between: matches only far back. */
    for (size_t pos = 0; pos < n; pos += 4 * PAGE) {
        fill_page(in + pos, PAGE, 2 * (pos / (4 * PAGE)) + 2);
    }
    rng = 88172645463325252ull;
    fill_page(in + PAGE, PAGE, 1);
    for (size_t pos = 4 * PAGE; pos < n; pos += 4 * PAGE) {
        memcpy(in + pos + PAGE, in + PAGE, PAGE);
        fill_page(in + pos + 2 * PAGE, 2 * PAGE, 2 * (pos / (4 * PAGE)) + 3);
    }
    fill_page(in + 2 * PAGE, 2 * PAGE, 3);
    ref_len = deflate_after_scribble(0, in, n, ref, lb);
    for (unsigned v = 1; v <= 0xffff; v = v < 32 ? v + 1 : v * 3 + 1) {
        size_t zl = deflate_after_scribble(v, in, n, z, lb);

        cr_assert(zl == ref_len && memcmp(z, ref, zl) == 0,
                  "stack filled with 0x%04x: %zu bytes, %zu with a clean stack", v, zl,
                  ref_len);
    }
    cr_assert(savevm_zlib_inflate(ref, ref_len, z, n));
    cr_assert(memcmp(z, in, n) == 0);
}
