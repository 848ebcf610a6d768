/*
 * Between softmmu/savevm.c (the stream) and softmmu/savevm-ram.c (its RAM blocks).
 */
#ifndef SAVEVM_RAM_H
#define SAVEVM_RAM_H

#include "qemu/osdep.h"
#include "exec/memory.h"

#define SAVEVM_PAGE_SIZE 4096u

bool savevm_page_is_zero(const uint8_t *p, size_t len);
/* A u16 length and the bytes. */
void savevm_put_str(GByteArray *out, const char *s);
/*
 * Where a stream goes while it is being built, so that writing it overlaps
 * compressing it: write() gets [pos, pos + len) of the stream, in order. The bytes
 * written leave out (out->data[0] is then stream byte done), so the stream is
 * staged in a few MiB that stay mapped instead of growing to its whole size: fresh
 * memory costs a page fault per 4 KiB (1 us, and several times that where the
 * host has taken the page back), and the savevm of a booted Malta guest touched
 * 61 MiB of it, half for its 32 MiB stream. crc is the CRC-32 (crc32_gzip_refl)
 * of the bytes written, for the trailer. After a failed write the error is kept
 * in err and nothing more is written (out then keeps the rest); the caller reports
 * it when the stream is complete.
 */
typedef struct SavevmSink {
    bool (*write)(void *opaque, const uint8_t *buf, uint64_t pos, uint64_t len,
                  GError **errp);
    void *opaque;
    uint64_t done;          /* bytes of the stream written so far */
    uint32_t crc;           /* CRC-32 of those bytes */
    GError *err;
} SavevmSink;

/* Give sink (may be NULL) what out holds, and drop it from out: while the stream
 * grows, once out holds SAVEVM_SINK_PIECE bytes, as many whole SAVEVM_SINK_ALIGN
 * units as it holds; everything when final. */
void savevm_sink_push(SavevmSink *sink, GByteArray *out, bool final);
#define SAVEVM_SINK_PIECE (1u << 20)
/* Pieces start and end on this (but the last): qcow2's usual cluster size. */
#define SAVEVM_SINK_ALIGN (64u << 10)

/* Append one RAM block (name, size, bitmap, deflated chunks), passing finished
 * parts of out on to sink (may be NULL). */
bool savevm_ram_save_block(GByteArray *out, MemoryRegion *mr, SavevmSink *sink,
                           GError **errp);
/* Bytes of the block at buf whose name and size (already checked) match mr; 0 if
 * its bitmap or chunk table is malformed. Changes nothing. */
size_t savevm_ram_check_block(const uint8_t *buf, size_t len, MemoryRegion *mr);
/* Load a block that passed the check; 0 + errp if zlib finds it corrupt. */
size_t savevm_ram_load_block(const uint8_t *buf, size_t len, MemoryRegion *mr,
                             GError **errp);

/*
 * One zlib (RFC 1950) stream through ISA-L. savevm_zlib_bound: output room that
 * always suffices. deflate: level 1, level_buf of ISAL_DEF_LVL1_DEFAULT bytes;
 * *out_len is the room on entry, the stream length on return. inflate: true only if
 * the stream is whole, its checksum right and it fills out exactly.
 */
size_t savevm_zlib_bound(size_t len);
bool savevm_zlib_deflate(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len,
                         uint8_t *level_buf, size_t level_buf_size);
bool savevm_zlib_inflate(const uint8_t *in, size_t len, uint8_t *out, size_t out_len);

#endif
