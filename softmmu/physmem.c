/*
 * Accesses through the memory API: MMIO dispatch (valid-size checks, splitting and
 * combining to the sizes a device implements, big-endian devices behind the
 * little-endian guests), RAM/ROM copies, unassigned addresses, DMA mapping.
 *
 * Values cross this file in the guest's byte order (little-endian for both
 * guests): a 4-byte read at A returns byte A in bits 0-7 whatever the device.
 */
#include "qemu/osdep.h"
#include "exec/memory.h"
#include "memory-internal.h"

static uint64_t physmem_size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

static uint64_t physmem_bswap(uint64_t v, unsigned size)
{
    switch (size) {
    case 2:
        return __builtin_bswap16((uint16_t)v);
    case 4:
        return __builtin_bswap32((uint32_t)v);
    case 8:
        return __builtin_bswap64(v);
    default:
        return v;
    }
}

static bool physmem_big_endian(const MemoryRegion *mr)
{
    /* Both guests are little-endian, so "native" is little. */
    return mr->ops && mr->ops->endianness == DEVICE_BIG_ENDIAN;
}

static void physmem_log_unassigned(const char *where, hwaddr addr, unsigned size,
                                   bool is_write)
{
    mimic_log_mask(LOG_GUEST_ERROR,
                   "%s: unassigned %s of %u byte(s) at 0x%" HWADDR_PRIx "\n",
                   where, is_write ? "write" : "read", size, addr);
}

/* Does the device accept an access of this size and alignment? */
static bool physmem_access_valid(const MemoryRegion *mr, hwaddr off, unsigned size,
                            bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned vmin = ops->valid.min_access_size ? ops->valid.min_access_size : 1;
    unsigned vmax = ops->valid.max_access_size ? ops->valid.max_access_size : 4;

    if (size < vmin || size > vmax || (size & (size - 1))) {
        mimic_log_mask(LOG_GUEST_ERROR,
                       "%s: invalid %u-byte %s at offset 0x%" HWADDR_PRIx
                       " (allowed sizes %u..%u)\n", mr->name, size,
                       is_write ? "write" : "read", off, vmin, vmax);
        return false;
    }
    if (!ops->valid.unaligned && (off & (size - 1))) {
        mimic_log_mask(LOG_GUEST_ERROR,
                       "%s: unaligned %u-byte %s at offset 0x%" HWADDR_PRIx "\n",
                       mr->name, size, is_write ? "write" : "read", off);
        return false;
    }
    if ((is_write && !ops->write) || (!is_write && !ops->read)) {
        mimic_log_mask(LOG_GUEST_ERROR, "%s: %s not supported at offset 0x%"
                       HWADDR_PRIx "\n", mr->name, is_write ? "write" : "read", off);
        return false;
    }
    return true;
}

/*
 * Call the device with sizes it implements. dev_val is in the device's own byte
 * order: for a big-endian device the lowest-addressed chunk holds the high bits.
 */
static uint64_t physmem_read_adjusted(MemoryRegion *mr, hwaddr off, unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned imin = ops->impl.min_access_size ? ops->impl.min_access_size : 1;
    unsigned imax = ops->impl.max_access_size ? ops->impl.max_access_size : 4;
    bool be = physmem_big_endian(mr);
    uint64_t v = 0;

    if (size >= imin && size <= imax) {
        return ops->read(mr->opaque, off, size) & physmem_size_mask(size);
    }
    if (size < imin) {
        /* Read the enclosing implemented unit and pick our bytes out of it. */
        hwaddr base = off & ~(hwaddr)(imin - 1);
        unsigned pos = off - base;
        unsigned shift = be ? (imin - size - pos) * 8 : pos * 8;

        if (pos + size > imin) {
            /* Straddles two units: one byte at a time. */
            for (unsigned i = 0; i < size; i++) {
                uint64_t b = physmem_read_adjusted(mr, off + i, 1);
                v |= b << (be ? (size - 1 - i) * 8 : i * 8);
            }
            return v;
        }
        v = ops->read(mr->opaque, base, imin);
        return (v >> shift) & physmem_size_mask(size);
    }
    for (unsigned i = 0; i < size; i += imax) {
        uint64_t c = ops->read(mr->opaque, off + i, imax) & physmem_size_mask(imax);
        unsigned shift = be ? (size - i - imax) * 8 : i * 8;

        v |= c << shift;
    }
    return v;
}

static void physmem_write_adjusted(MemoryRegion *mr, hwaddr off, uint64_t v,
                                   unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned imin = ops->impl.min_access_size ? ops->impl.min_access_size : 1;
    unsigned imax = ops->impl.max_access_size ? ops->impl.max_access_size : 4;
    bool be = physmem_big_endian(mr);

    if (size >= imin && size <= imax) {
        ops->write(mr->opaque, off, v & physmem_size_mask(size), size);
        return;
    }
    if (size < imin) {
        /*
         * A narrower store than the device implements: write the enclosing unit
         * with our bytes in their lanes and zeros elsewhere. A read-modify-write
         * would be wrong for registers with read side effects.
         */
        hwaddr base = off & ~(hwaddr)(imin - 1);
        unsigned pos = off - base;
        unsigned shift = be ? (imin - size - pos) * 8 : pos * 8;

        if (pos + size > imin) {
            for (unsigned i = 0; i < size; i++) {
                unsigned s = be ? (size - 1 - i) * 8 : i * 8;
                physmem_write_adjusted(mr, off + i, (v >> s) & 0xff, 1);
            }
            return;
        }
        ops->write(mr->opaque, base, (v & physmem_size_mask(size)) << shift, imin);
        return;
    }
    for (unsigned i = 0; i < size; i += imax) {
        unsigned shift = be ? (size - i - imax) * 8 : i * 8;

        ops->write(mr->opaque, off + i, (v >> shift) & physmem_size_mask(imax), imax);
    }
}

static bool physmem_reads_from_ram(const MemoryRegion *mr)
{
    return mr->ram_ptr && (!mr->ops || mr->romd_mode);
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr off, uint64_t *val,
                                        unsigned size)
{
    while (mr->alias) {
        off += mr->alias_offset;
        mr = mr->alias;
    }
    if (off >= mr->size || size > mr->size - off) {
        physmem_log_unassigned(mr->name, off, size, false);
        *val = 0;
        return MEMTX_DECODE_ERROR;
    }
    if (physmem_reads_from_ram(mr)) {
        uint8_t tmp[8] = { 0 };

        memcpy(tmp, mr->ram_ptr + off, MIN(size, 8u));
        *val = ldq_le_p(tmp) & physmem_size_mask(size);
        return MEMTX_OK;
    }
    if (!mr->ops) {
        physmem_log_unassigned(mr->name, off, size, false);
        *val = 0;
        return MEMTX_DECODE_ERROR;
    }
    if (!physmem_access_valid(mr, off, size, false)) {
        *val = 0;
        return MEMTX_DECODE_ERROR;
    }
    uint64_t v = physmem_read_adjusted(mr, off, size);
    *val = physmem_big_endian(mr) ? physmem_bswap(v, size) : v;
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr off, uint64_t val,
                                         unsigned size)
{
    while (mr->alias) {
        off += mr->alias_offset;
        mr = mr->alias;
    }
    if (off >= mr->size || size > mr->size - off) {
        physmem_log_unassigned(mr->name, off, size, true);
        return MEMTX_DECODE_ERROR;
    }
    if (mr->ram_ptr && !mr->ops) {
        if (mr->readonly) {
            mimic_log_mask(LOG_GUEST_ERROR, "%s: write to ROM at offset 0x%"
                           HWADDR_PRIx " ignored\n", mr->name, off);
            return MEMTX_OK;
        }
        uint8_t tmp[8];

        stq_le_p(tmp, val);
        memcpy(mr->ram_ptr + off, tmp, MIN(size, 8u));
        ram_write_notify(mr, off, size);
        return MEMTX_OK;
    }
    if (!mr->ops) {
        physmem_log_unassigned(mr->name, off, size, true);
        return MEMTX_DECODE_ERROR;
    }
    if (!physmem_access_valid(mr, off, size, true)) {
        return MEMTX_DECODE_ERROR;
    }
    val &= physmem_size_mask(size);
    if (physmem_big_endian(mr)) {
        val = physmem_bswap(val, size);
    }
    physmem_write_adjusted(mr, off, val, size);
    return MEMTX_OK;
}

/* ---- address-space accessors ---- */

/* First address at or after addr that something is mapped at (or ~0). */
static hwaddr address_space_next_mapped(AddressSpace *as, hwaddr addr)
{
    unsigned lo = 0, hi = as->nr_ranges;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (as->ranges[mid].addr <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < as->nr_ranges ? as->ranges[lo].addr : ~(hwaddr)0;
}

MemTxResult address_space_read_val(AddressSpace *as, hwaddr addr, uint64_t *val,
                                   unsigned size)
{
    const FlatRange *r = address_space_lookup(as, addr);
    hwaddr off;

    if (!r) {
        physmem_log_unassigned(as->name, addr, size, false);
        *val = 0;
        return MEMTX_DECODE_ERROR;
    }
    off = addr - r->addr;
    if (size > r->size - off) {
        /* Crosses into the next range: assemble it byte by byte. */
        MemTxResult res = MEMTX_OK;
        uint64_t v = 0;

        for (unsigned i = 0; i < size; i++) {
            uint64_t b;

            res |= address_space_read_val(as, addr + i, &b, 1);
            v |= (b & 0xff) << (i * 8);
        }
        *val = v;
        return res;
    }
    return memory_region_dispatch_read(r->mr, r->mr_offset + off, val, size);
}

MemTxResult address_space_write_val(AddressSpace *as, hwaddr addr, uint64_t val,
                                    unsigned size)
{
    const FlatRange *r = address_space_lookup(as, addr);
    hwaddr off;

    if (!r) {
        physmem_log_unassigned(as->name, addr, size, true);
        return MEMTX_DECODE_ERROR;
    }
    off = addr - r->addr;
    if (size > r->size - off) {
        MemTxResult res = MEMTX_OK;

        for (unsigned i = 0; i < size; i++) {
            res |= address_space_write_val(as, addr + i, (val >> (i * 8)) & 0xff, 1);
        }
        return res;
    }
    if (r->readonly && !r->mr->ops) {
        mimic_log_mask(LOG_GUEST_ERROR, "%s: write to read-only 0x%" HWADDR_PRIx
                       " ignored\n", as->name, addr);
        return MEMTX_OK;
    }
    return memory_region_dispatch_write(r->mr, r->mr_offset + off, val, size);
}

/* Largest access the device accepts for the next piece of a byte-buffer transfer. */
static unsigned physmem_piece_size(const MemoryRegion *mr, hwaddr off, hwaddr len)
{
    unsigned vmax = mr->ops->valid.max_access_size ? mr->ops->valid.max_access_size : 4;
    unsigned l = MIN(vmax, 8u);

    while (l > len) {
        l >>= 1;
    }
    if (!mr->ops->valid.unaligned) {
        while (l > 1 && (off & (l - 1))) {
            l >>= 1;
        }
    }
    return l ? l : 1;
}

static MemTxResult address_space_rw_internal(AddressSpace *as, hwaddr addr,
                                             uint8_t *buf, hwaddr len, bool is_write,
                                             bool rom_ok)
{
    MemTxResult res = MEMTX_OK;

    while (len > 0) {
        const FlatRange *r = address_space_lookup(as, addr);
        hwaddr chunk;

        if (!r) {
            hwaddr next = address_space_next_mapped(as, addr);

            chunk = (next - addr < len) ? next - addr : len;
            physmem_log_unassigned(as->name, addr, (unsigned)MIN(chunk, (hwaddr)UINT32_MAX),
                           is_write);
            if (!is_write) {
                memset(buf, 0, chunk);
            }
            res |= MEMTX_DECODE_ERROR;
        } else {
            MemoryRegion *mr = r->mr;
            hwaddr off = r->mr_offset + (addr - r->addr);

            chunk = MIN(len, r->size - (addr - r->addr));
            if (rom_ok) {
                /* Loaders write into whatever host memory backs the range. */
                if (mr->ram_ptr) {
                    memcpy(mr->ram_ptr + off, buf, chunk);
                    ram_write_notify(mr, off, chunk);
                } else {
                    res |= MEMTX_DECODE_ERROR;
                }
            } else if (!is_write && physmem_reads_from_ram(mr)) {
                memcpy(buf, mr->ram_ptr + off, chunk);
            } else if (is_write && mr->ram_ptr && !mr->ops) {
                if (mr->readonly || r->readonly) {
                    mimic_log_mask(LOG_GUEST_ERROR, "%s: write to ROM at 0x%"
                                   HWADDR_PRIx " ignored\n", as->name, addr);
                } else {
                    memcpy(mr->ram_ptr + off, buf, chunk);
                    ram_write_notify(mr, off, chunk);
                }
            } else if (mr->ops) {
                hwaddr done = 0;

                while (done < chunk) {
                    unsigned l = physmem_piece_size(mr, off + done, chunk - done);
                    uint8_t tmp[8] = { 0 };
                    uint64_t v;

                    if (is_write) {
                        memcpy(tmp, buf + done, l);
                        res |= memory_region_dispatch_write(mr, off + done,
                                                            ldq_le_p(tmp), l);
                    } else {
                        res |= memory_region_dispatch_read(mr, off + done, &v, l);
                        stq_le_p(tmp, v);
                        memcpy(buf + done, tmp, l);
                    }
                    done += l;
                }
            } else {
                res |= MEMTX_DECODE_ERROR;
            }
        }
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return res;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf, hwaddr len,
                             bool is_write)
{
    return address_space_rw_internal(as, addr, buf, len, is_write, false);
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf, hwaddr len)
{
    return address_space_rw_internal(as, addr, buf, len, false, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr, const void *buf,
                                hwaddr len)
{
    return address_space_rw_internal(as, addr, (uint8_t *)buf, len, true, false);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, const void *buf,
                                    hwaddr len)
{
    return address_space_rw_internal(as, addr, (uint8_t *)buf, len, true, true);
}

/*
 * Zeros are written only where memory does not read as zero already. A loader's
 * bss (an ELF segment's memsz beyond its filesz: 5 MiB of the Malta vmlinuz) lands
 * on guest RAM nobody has touched, and writing zeros there would make the host
 * allocate and clear every page of it; reading a fresh anonymous page maps the
 * shared zero page instead. Written page by page, so ROM and MMIO still get their
 * zeros through address_space_write_rom.
 */
MemTxResult address_space_zero_rom(AddressSpace *as, hwaddr addr, hwaddr len)
{
    static const uint8_t zeros[4096];

    while (len > 0) {
        hwaddr n = MIN(len, sizeof(zeros) - (addr & (sizeof(zeros) - 1)));
        const uint8_t *p = address_space_map_ram(as, addr, n, false);

        if (!p || p[0] != 0 || memcmp(p, p + 1, n - 1) != 0) {
            MemTxResult r = address_space_write_rom(as, addr, zeros, n);

            if (r != MEMTX_OK) {
                return r;
            }
        }
        addr += n;
        len -= n;
    }
    return MEMTX_OK;
}

void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr len, bool is_write)
{
    const FlatRange *r;
    MemoryRegion *mr;
    hwaddr off;

    if (len == 0 || addr + len < addr) {
        return NULL;
    }
    r = address_space_lookup(as, addr);
    if (!r) {
        return NULL;
    }
    mr = r->mr;
    off = addr - r->addr;
    if (len > r->size - off) {
        return NULL;
    }
    if (is_write) {
        if (!mr->ram_ptr || mr->ops || mr->readonly || r->readonly) {
            return NULL;
        }
        /*
         * There is no unmap: the caller writes right after mapping, before any
         * guest code runs again, so invalidating translations now is enough.
         */
        ram_write_notify(mr, r->mr_offset + off, len);
    } else if (!physmem_reads_from_ram(mr)) {
        return NULL;
    }
    return mr->ram_ptr + r->mr_offset + off;
}

uint32_t ldl_phys(AddressSpace *as, hwaddr addr)
{
    uint64_t v;

    address_space_read_val(as, addr, &v, 4);
    return (uint32_t)v;
}

void stl_phys(AddressSpace *as, hwaddr addr, uint32_t val)
{
    address_space_write_val(as, addr, val, 4);
}
