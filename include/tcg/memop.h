/*
 * MemOp: size, signedness, endianness and alignment of a guest memory access, and
 * MemOpIdx: a MemOp together with the softmmu MMU index it is made in.
 */
#ifndef TCG_MEMOP_H
#define TCG_MEMOP_H

typedef enum MemOp {
    MO_8 = 0,
    MO_16 = 1,
    MO_32 = 2,
    MO_64 = 3,
    MO_SIZE = 3,

    MO_SIGN = 4,

    MO_LE = 0,
    MO_BE = 8,
    MO_BSWAP = 8,         /* host is little-endian: BE accesses swap */

    /* Alignment: MO_ALIGN requires natural alignment (unaligned -> target's
     * do_unaligned_access, e.g. MIPS address error); default is unaligned allowed. */
    MO_ALIGN = 16,
    MO_AMASK = 16,

    MO_UB = MO_8,
    MO_UW = MO_16,
    MO_UL = MO_32,
    MO_UQ = MO_64,
    MO_SB = MO_8 | MO_SIGN,
    MO_SW = MO_16 | MO_SIGN,
    MO_SL = MO_32 | MO_SIGN,

    MO_LEUW = MO_LE | MO_UW, MO_LEUL = MO_LE | MO_UL, MO_LESW = MO_LE | MO_SW,
    MO_LESL = MO_LE | MO_SL, MO_LEUQ = MO_LE | MO_UQ,
    MO_BEUW = MO_BE | MO_UW, MO_BEUL = MO_BE | MO_UL, MO_BESW = MO_BE | MO_SW,
    MO_BESL = MO_BE | MO_SL, MO_BEUQ = MO_BE | MO_UQ,
} MemOp;

static inline unsigned memop_size(MemOp op) { return 1u << (op & MO_SIZE); }

typedef uint32_t MemOpIdx;

static inline MemOpIdx make_memop_idx(MemOp op, unsigned mmu_idx)
{
    return ((uint32_t)op << 4) | mmu_idx;
}
static inline MemOp get_memop(MemOpIdx oi) { return (MemOp)(oi >> 4); }
static inline unsigned get_mmuidx(MemOpIdx oi) { return oi & 15; }

#endif
