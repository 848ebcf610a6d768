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
 * compressing it: write() gets [pos, pos + len) of the stream (out->data from 0),
 * in order. After a failed write the error is kept in err and nothing more is
 * written; the caller reports it when the stream is complete.
 */
typedef struct SavevmSink {
    bool (*write)(void *opaque, const uint8_t *buf, uint64_t pos, uint64_t len,
                  GError **errp);
    void *opaque;
    uint64_t done;          /* bytes of the stream written so far */
    GError *err;
} SavevmSink;

/* Give sink (may be NULL) what out holds past sink->done: in whole pieces of
 * SAVEVM_SINK_PIECE bytes while the stream grows, everything when final. */
void savevm_sink_push(SavevmSink *sink, GByteArray *out, bool final);
#define SAVEVM_SINK_PIECE (4u << 20)

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
