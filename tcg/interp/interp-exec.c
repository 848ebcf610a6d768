/*
 * The IR interpreter backend, run side: executes the bytecode written by
 * interp-gen.c (format in interp.h) until a TB exit.
 *
 * Dispatch is threaded (each handler jumps straight to the next op's handler through
 * a table, GCC's labels as values), and an operand is one table lookup plus a load,
 * which keeps the cost near a few host instructions per op.
 * Chained TBs are followed inside this loop (goto_tb jumps straight to the next TB's
 * bytecode; goto_ptr to what helper_lookup_tb_ptr returned), as native code would.
 * Division by zero and INT_MIN / -1 are undefined in the IR (translators guard them);
 * here they yield 0 (quotient) or the dividend (remainder) instead of a host trap.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "exec/cputlb.h"
#include "hw/core/cpu.h"
#include "interp.h"

typedef uint64_t (*InterpFn0)(void);
typedef uint64_t (*InterpFn1)(uint64_t);
typedef uint64_t (*InterpFn2)(uint64_t, uint64_t);
typedef uint64_t (*InterpFn3)(uint64_t, uint64_t, uint64_t);
typedef uint64_t (*InterpFn4)(uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*InterpFn5)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
typedef uint64_t (*InterpFn6)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/*
 * Call a helper. On the x86-64 SysV ABI every integer or pointer argument travels in
 * its own 64-bit register whatever its C type, so one register-sized signature per
 * argument count fits all helpers; i32 arguments are passed zero-extended.
 */
static uint64_t interp_call(uintptr_t fn, unsigned nargs, const uint64_t *a)
{
    switch (nargs) {
    case 0:
        return ((InterpFn0)fn)();
    case 1:
        return ((InterpFn1)fn)(a[0]);
    case 2:
        return ((InterpFn2)fn)(a[0], a[1]);
    case 3:
        return ((InterpFn3)fn)(a[0], a[1], a[2]);
    case 4:
        return ((InterpFn4)fn)(a[0], a[1], a[2], a[3]);
    case 5:
        return ((InterpFn5)fn)(a[0], a[1], a[2], a[3], a[4]);
    default:
        return ((InterpFn6)fn)(a[0], a[1], a[2], a[3], a[4], a[5]);
    }
}

static uint32_t interp_div32(int32_t a, int32_t b)
{
    if (b == 0) {
        return 0;
    }
    if (a == INT32_MIN && b == -1) {
        return (uint32_t)INT32_MIN;
    }
    return (uint32_t)(a / b);
}

static uint32_t interp_rem32(int32_t a, int32_t b)
{
    if (b == 0) {
        return (uint32_t)a;
    }
    if (a == INT32_MIN && b == -1) {
        return 0;
    }
    return (uint32_t)(a % b);
}

static uint64_t interp_div64(int64_t a, int64_t b)
{
    if (b == 0) {
        return 0;
    }
    if (a == INT64_MIN && b == -1) {
        return (uint64_t)INT64_MIN;
    }
    return (uint64_t)(a / b);
}

static uint64_t interp_rem64(int64_t a, int64_t b)
{
    if (b == 0) {
        return (uint64_t)a;
    }
    if (a == INT64_MIN && b == -1) {
        return 0;
    }
    return (uint64_t)(a % b);
}

/* tcg_cond_eval, inlined into the loop: branches are the hottest ops. */
static inline __attribute__((always_inline))
bool interp_cond(TCGCond c, uint64_t a, uint64_t b, bool is64)
{
    if (!is64) {
        a = (uint32_t)a;
        b = (uint32_t)b;
    }
    switch (c) {
    case TCG_COND_EQ:
        return a == b;
    case TCG_COND_NE:
        return a != b;
    case TCG_COND_LTU:
        return a < b;
    case TCG_COND_GEU:
        return a >= b;
    case TCG_COND_LEU:
        return a <= b;
    case TCG_COND_GTU:
        return a > b;
    default:
        return tcg_cond_eval(c, a, b, is64);
    }
}

static inline uint32_t interp_rotl32(uint32_t x, unsigned n)
{
    n &= 31;
    return n ? (x << n) | (x >> (32 - n)) : x;
}

static inline uint64_t interp_rotl64(uint64_t x, unsigned n)
{
    n &= 63;
    return n ? (x << n) | (x >> (64 - n)) : x;
}

static inline uint64_t interp_sextract64(uint64_t x, unsigned pos, unsigned len)
{
    return (uint64_t)((int64_t)(x << (64 - pos - len)) >> (64 - len));
}

static inline uint64_t interp_bswap16(uint64_t x)
{
    return ((x >> 8) & 0xff) | ((x & 0xff) << 8);
}

/*
 * qemu_probe_st_i64 (tcg-opc.h): the host address of a store's bytes when the fast
 * TLB table maps them for it (and for a load, with `load`) as plain RAM, else 0.
 * The same test as the x86-64 backend's inline check: the entry of addr's page,
 * whose write (and read) tag must equal the page of the last byte (the first, for
 * an aligned access), with the alignment bits.
 */
static uint64_t interp_probe_store(CPUState *cpu, uint32_t addr, MemOpIdx oi, bool load)
{
    MemOp mop = get_memop(oi);
    const CPUTLBDescFast *f = &cpu->tlb_fast[get_mmuidx(oi)];
    uint32_t align = (mop & MO_ALIGN) ? memop_size(mop) - 1 : 0;
    uint32_t last = addr + ((memop_size(mop) - 1) & ~align);
    uintptr_t ofs = (uintptr_t)(addr >> (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS)) & f->mask;
    const CPUTLBEntry *e = (const CPUTLBEntry *)((uintptr_t)f->table + ofs);

    uint32_t cmp = last & (TARGET_PAGE_MASK | align);

    if (cmp != e->addr_write || (load && cmp != e->addr_read)) {
        return 0;
    }
    return (uint64_t)(e->addend + addr);
}

uintptr_t tcg_interp_exec(void *env_ptr, const void *code)
{
    uint64_t slots[INTERP_NB_SLOTS];
    /* Operand bases, indexed by the top two bits of an operand word. */
    uint8_t *bases[4];
    const uint32_t *pc = code;
    uint32_t hdr;

    static const void *const dispatch[INTERP_OP_LAST] = {
#define DEF(name, oa, ia, ca, fl) [INDEX_op_##name] = &&do_##name,
#include "tcg/tcg-opc.h"
#undef DEF
        [INTERP_OP_NOP] = &&do_nop,
        [INTERP_OP_POOL] = &&do_invalid,
    };

    slots[0] = (uintptr_t)env_ptr;
    bases[INTERP_BASE_SLOTS] = (uint8_t *)slots;
    bases[INTERP_BASE_ENV] = env_ptr;
    bases[3] = NULL;

#define ARG(w)      (bases[(w) >> INTERP_ARG_SHIFT] + ((w) & INTERP_ARG_MASK))
#define RD32()      (pc++, ldl_le_p(ARG(pc[-1])))
#define RD64()      (pc++, ldq_le_p(ARG(pc[-1])))
#define OUT()       (*pc++)
#define WR32(o, v)  stl_le_p(ARG(o), (uint32_t)(v))
#define WR64(o, v)  stq_le_p(ARG(o), (uint64_t)(v))
#define CARG()      (*pc++)
#define NEXT()                                                             \
    do {                                                                   \
        bases[INTERP_BASE_OP] = (uint8_t *)pc;                             \
        hdr = *pc++;                                                       \
        goto *dispatch[hdr & 0xff];                                        \
    } while (0)

/* Two-input ops: x and y are read before the output is written. */
#define BIN32(name, expr)                                                  \
    do_##name##_i32: {                                                     \
        uint32_t o = OUT();                                                \
        uint32_t x = RD32();                                               \
        uint32_t y = RD32();                                               \
        (void)y;                                                           \
        WR32(o, expr);                                                     \
        NEXT();                                                            \
    }
#define BIN64(name, expr)                                                  \
    do_##name##_i64: {                                                     \
        uint32_t o = OUT();                                                \
        uint64_t x = RD64();                                               \
        uint64_t y = RD64();                                               \
        (void)y;                                                           \
        WR64(o, expr);                                                     \
        NEXT();                                                            \
    }
#define UN32(name, expr)                                                   \
    do_##name: {                                                           \
        uint32_t o = OUT();                                                \
        uint32_t x = RD32();                                               \
        WR32(o, expr);                                                     \
        NEXT();                                                            \
    }
#define UN64(name, expr)                                                   \
    do_##name: {                                                           \
        uint32_t o = OUT();                                                \
        uint64_t x = RD64();                                               \
        WR64(o, expr);                                                     \
        NEXT();                                                            \
    }
/* i64 input, i32 output (or the reverse). */
#define UN64_32(name, expr)                                                \
    do_##name: {                                                           \
        uint32_t o = OUT();                                                \
        uint64_t x = RD64();                                               \
        WR32(o, expr);                                                     \
        NEXT();                                                            \
    }
#define UN32_64(name, expr)                                                \
    do_##name: {                                                           \
        uint32_t o = OUT();                                                \
        uint32_t x = RD32();                                               \
        WR64(o, expr);                                                     \
        NEXT();                                                            \
    }
/* Host memory relative to a pointer operand and a signed 32-bit offset. */
#define LD(name, type, WR, conv)                                           \
    do_##name: {                                                           \
        uint32_t o = OUT();                                                \
        uintptr_t base = RD64();                                           \
        int32_t off = (int32_t)CARG();                                     \
        type v;                                                            \
        memcpy(&v, (void *)(base + off), sizeof(v));                       \
        WR(o, conv v);                                                     \
        NEXT();                                                            \
    }
#define ST(name, type, RD)                                                 \
    do_##name: {                                                           \
        type v = (type)RD();                                               \
        uintptr_t base = RD64();                                           \
        int32_t off = (int32_t)CARG();                                     \
        memcpy((void *)(base + off), &v, sizeof(v));                       \
        NEXT();                                                            \
    }

    NEXT();

do_nop:
    NEXT();

/* ---- control ---- */
do_br:
    pc += (int32_t)*pc;
    NEXT();
do_brcond_i32: {
        uint32_t a = RD32();
        uint32_t b = RD32();
        TCGCond c = (TCGCond)CARG();
        pc += interp_cond(c, a, b, false) ? (int32_t)*pc : 1;
        NEXT();
    }
do_brcond_i64: {
        uint64_t a = RD64();
        uint64_t b = RD64();
        TCGCond c = (TCGCond)CARG();
        pc += interp_cond(c, a, b, true) ? (int32_t)*pc : 1;
        NEXT();
    }
do_exit_tb:
    return (uintptr_t)((uint64_t)pc[0] | ((uint64_t)pc[1] << 32));
do_goto_tb: {
        uint64_t t;
        if (hdr & INTERP_GOTO_TB_FAR) {
            /* Slot at the TB's start; its own address means unchained. */
            const uint32_t *slot = pc + (int32_t)*pc;
            pc++;
            t = __atomic_load_n((const uint64_t *)slot, __ATOMIC_ACQUIRE);
            if (t != 0 && t != (uintptr_t)slot) {
                pc = (const uint32_t *)(uintptr_t)t;
            }
            NEXT();
        }
        t = __atomic_load_n((const uint64_t *)pc, __ATOMIC_ACQUIRE);
        pc += 2;
        /* 0 or the address right after the slot: not chained, run the exit. */
        if (t != 0 && t != (uintptr_t)pc) {
            pc = (const uint32_t *)(uintptr_t)t;
        }
        NEXT();
    }
do_goto_ptr: {
        uintptr_t t = RD64();
        if (t == (uintptr_t)tcg_code_gen_epilogue) {
            return 0;
        }
        pc = (const uint32_t *)t;
        NEXT();
    }
do_call: {
        unsigned nargs = (hdr >> INTERP_CALL_NARGS_SHIFT) & 0xff;
        unsigned i32mask = (hdr >> INTERP_CALL_I32MASK_SHIFT) & 0xff;
        uint32_t o = (hdr & INTERP_CALL_HAS_RET) ? OUT() : 0;
        uint64_t a[TCG_MAX_CALL_ARGS] = { 0 };
        uintptr_t fn;
        uint64_t r;
        unsigned i;

        for (i = 0; i < nargs; i++) {
            if (i32mask & (1u << i)) {
                a[i] = RD32();
            } else {
                a[i] = RD64();
            }
        }
        fn = (uintptr_t)((uint64_t)pc[0] | ((uint64_t)pc[1] << 32));
        pc += 2;
        tcg_interp_retaddr = (uintptr_t)pc;
        r = interp_call(fn, nargs, a);
        if (hdr & INTERP_CALL_HAS_RET) {
            if (hdr & INTERP_CALL_RET_I32) {
                WR32(o, r);
            } else {
                WR64(o, r);
            }
        }
        NEXT();
    }

/* ---- guest memory ---- */
do_qemu_ld_i32: {
        uint32_t o = OUT();
        uint32_t addr = RD32();
        uint32_t oi = CARG();
        uint64_t v;
        tcg_interp_retaddr = (uintptr_t)pc;
        v = helper_ld_mmu((CPUState *)env_ptr, addr, oi, tcg_interp_retaddr);
        WR32(o, v);
        NEXT();
    }
do_qemu_ld_i64: {
        uint32_t o = OUT();
        uint32_t addr = RD32();
        uint32_t oi = CARG();
        uint64_t v;
        tcg_interp_retaddr = (uintptr_t)pc;
        v = helper_ld_mmu((CPUState *)env_ptr, addr, oi, tcg_interp_retaddr);
        WR64(o, v);
        NEXT();
    }
do_qemu_st_i32: {
        uint32_t v = RD32();
        uint32_t addr = RD32();
        uint32_t oi = CARG();
        tcg_interp_retaddr = (uintptr_t)pc;
        helper_st_mmu((CPUState *)env_ptr, addr, v, oi, tcg_interp_retaddr);
        NEXT();
    }
do_qemu_st_i64: {
        uint64_t v = RD64();
        uint32_t addr = RD32();
        uint32_t oi = CARG();
        tcg_interp_retaddr = (uintptr_t)pc;
        helper_st_mmu((CPUState *)env_ptr, addr, v, oi, tcg_interp_retaddr);
        NEXT();
    }

do_qemu_probe_st_i64: {
        uint32_t o = OUT();
        uint32_t addr = RD32();
        uint32_t oi = CARG();
        WR64(o, interp_probe_store((CPUState *)env_ptr, addr, oi, CARG() != 0));
        NEXT();
    }

/* Shared TLB checks (tcg/ldst-group.c) buy nothing here: every access calls the
 * helper. A leader still defines its `host` output (any non-zero value). */
#define INTERP_LD(name, wr, extra_out, extra_in, extra_carg)                 \
do_##name: {                                                               \
        uint32_t o = OUT();                                                \
        extra_out                                                          \
        uint32_t addr = RD32();                                            \
        extra_in                                                           \
        uint32_t oi = CARG();                                              \
        extra_carg                                                         \
        tcg_interp_retaddr = (uintptr_t)pc;                                \
        wr(o, helper_ld_mmu((CPUState *)env_ptr, addr, oi, tcg_interp_retaddr)); \
        NEXT();                                                            \
    }
#define INTERP_ST(name, rd, extra_out, extra_in, extra_carg)                 \
do_##name: {                                                               \
        extra_out                                                          \
        uint64_t v = rd();                                                 \
        uint32_t addr = RD32();                                            \
        extra_in                                                           \
        uint32_t oi = CARG();                                              \
        extra_carg                                                         \
        tcg_interp_retaddr = (uintptr_t)pc;                                \
        helper_st_mmu((CPUState *)env_ptr, addr, v, oi, tcg_interp_retaddr); \
        NEXT();                                                            \
    }
#define LEAD_OUT   { uint32_t ho = OUT(); WR64(ho, 1); }
#define MEMB_IN    (void)RD64();
#define LEAD_CARGS pc += 3;
    INTERP_LD(qemu_ld_lead_i32, WR32, LEAD_OUT, , LEAD_CARGS)
    INTERP_LD(qemu_ld_lead_i64, WR64, LEAD_OUT, , LEAD_CARGS)
    INTERP_ST(qemu_st_lead_i32, RD32, LEAD_OUT, , LEAD_CARGS)
    INTERP_ST(qemu_st_lead_i64, RD64, LEAD_OUT, , LEAD_CARGS)
    INTERP_LD(qemu_ld_memb_i32, WR32, , MEMB_IN, )
    INTERP_LD(qemu_ld_memb_i64, WR64, , MEMB_IN, )
    INTERP_ST(qemu_st_memb_i32, RD32, , MEMB_IN, )
    INTERP_ST(qemu_st_memb_i64, RD64, , MEMB_IN, )
#undef INTERP_LD
#undef INTERP_ST
#undef LEAD_OUT
#undef MEMB_IN
#undef LEAD_CARGS

/* ---- 32-bit ---- */
    UN32(mov_i32, x)
do_setcond_i32: {
        uint32_t o = OUT();
        uint32_t a = RD32();
        uint32_t b = RD32();
        WR32(o, interp_cond((TCGCond)CARG(), a, b, false));
        NEXT();
    }
do_movcond_i32: {
        uint32_t o = OUT();
        uint32_t c1 = RD32();
        uint32_t c2 = RD32();
        uint32_t v1 = RD32();
        uint32_t v2 = RD32();
        WR32(o, interp_cond((TCGCond)CARG(), c1, c2, false) ? v1 : v2);
        NEXT();
    }
    LD(ld8u_i32, uint8_t, WR32, (uint32_t))
    LD(ld8s_i32, int8_t, WR32, (uint32_t)(int32_t))
    LD(ld16u_i32, uint16_t, WR32, (uint32_t))
    LD(ld16s_i32, int16_t, WR32, (uint32_t)(int32_t))
    LD(ld_i32, uint32_t, WR32, (uint32_t))
    ST(st8_i32, uint8_t, RD32)
    ST(st16_i32, uint16_t, RD32)
    ST(st_i32, uint32_t, RD32)
    BIN32(add, x + y)
    BIN32(sub, x - y)
    BIN32(mul, x * y)
    BIN32(div, interp_div32(x, y))
    BIN32(divu, y ? x / y : 0)
    BIN32(rem, interp_rem32(x, y))
    BIN32(remu, y ? x % y : x)
    BIN32(and, x & y)
    BIN32(or, x | y)
    BIN32(xor, x ^ y)
    BIN32(andc, x & ~y)
    BIN32(orc, x | ~y)
    BIN32(shl, x << (y & 31))
    BIN32(shr, x >> (y & 31))
    BIN32(sar, (int32_t)x >> (y & 31))
    BIN32(rotl, interp_rotl32(x, y))
    BIN32(rotr, interp_rotl32(x, 32 - (y & 31)))
    UN32(neg_i32, -x)
    UN32(not_i32, ~x)
    UN32(ext8s_i32, (int8_t)x)
    UN32(ext8u_i32, (uint8_t)x)
    UN32(ext16s_i32, (int16_t)x)
    UN32(ext16u_i32, (uint16_t)x)
    UN32(bswap16_i32, interp_bswap16(x))
    UN32(bswap32_i32, __builtin_bswap32(x))
    BIN32(clz, x ? (uint32_t)__builtin_clz(x) : y)
    BIN32(ctz, x ? (uint32_t)__builtin_ctz(x) : y)
    UN32(ctpop_i32, __builtin_popcount(x))
do_deposit_i32: {
        uint32_t o = OUT();
        uint32_t a = RD32();
        uint32_t b = RD32();
        unsigned pos = CARG();
        unsigned len = CARG();
        WR32(o, deposit32(a, pos, len, b));
        NEXT();
    }
do_extract_i32: {
        uint32_t o = OUT();
        uint32_t a = RD32();
        unsigned pos = CARG();
        unsigned len = CARG();
        WR32(o, extract32(a, pos, len));
        NEXT();
    }
do_sextract_i32: {
        uint32_t o = OUT();
        uint32_t a = RD32();
        unsigned pos = CARG();
        unsigned len = CARG();
        WR32(o, sextract32(a, pos, len));
        NEXT();
    }
do_mulu2_i32: {
        uint32_t ol = OUT();
        uint32_t oh = OUT();
        uint32_t a = RD32();
        uint32_t b = RD32();
        uint64_t r = (uint64_t)a * b;
        WR32(ol, r);
        WR32(oh, r >> 32);
        NEXT();
    }
do_divrem_i32:
do_divremu_i32: {
        uint32_t oq = OUT();
        uint32_t or = OUT();
        uint32_t a = RD32();
        uint32_t b = RD32();
        if ((hdr & 0xff) == INDEX_op_divrem_i32) {
            WR32(oq, interp_div32(a, b));
            WR32(or, interp_rem32(a, b));
        } else {
            WR32(oq, b ? a / b : 0);
            WR32(or, b ? a % b : a);
        }
        NEXT();
    }
do_muls2_i32: {
        uint32_t ol = OUT();
        uint32_t oh = OUT();
        uint32_t a = RD32();
        uint32_t b = RD32();
        uint64_t r = (uint64_t)((int64_t)(int32_t)a * (int32_t)b);
        WR32(ol, r);
        WR32(oh, r >> 32);
        NEXT();
    }
do_add2_i32:
do_sub2_i32: {
        uint32_t ol = OUT();
        uint32_t oh = OUT();
        uint64_t al = RD32();
        uint64_t ah = RD32();
        uint64_t bl = RD32();
        uint64_t bh = RD32();
        uint64_t a = al | (ah << 32), b = bl | (bh << 32);
        uint64_t r = (hdr & 0xff) == INDEX_op_add2_i32 ? a + b : a - b;
        WR32(ol, r);
        WR32(oh, r >> 32);
        NEXT();
    }

/* ---- 64-bit ---- */
    UN64(mov_i64, x)
do_setcond_i64: {
        uint32_t o = OUT();
        uint64_t a = RD64();
        uint64_t b = RD64();
        WR64(o, interp_cond((TCGCond)CARG(), a, b, true));
        NEXT();
    }
do_movcond_i64: {
        uint32_t o = OUT();
        uint64_t c1 = RD64();
        uint64_t c2 = RD64();
        uint64_t v1 = RD64();
        uint64_t v2 = RD64();
        WR64(o, interp_cond((TCGCond)CARG(), c1, c2, true) ? v1 : v2);
        NEXT();
    }
    LD(ld8u_i64, uint8_t, WR64, (uint64_t))
    LD(ld8s_i64, int8_t, WR64, (uint64_t)(int64_t))
    LD(ld16u_i64, uint16_t, WR64, (uint64_t))
    LD(ld16s_i64, int16_t, WR64, (uint64_t)(int64_t))
    LD(ld32u_i64, uint32_t, WR64, (uint64_t))
    LD(ld32s_i64, int32_t, WR64, (uint64_t)(int64_t))
    LD(ld_i64, uint64_t, WR64, (uint64_t))
    ST(st8_i64, uint8_t, RD64)
    ST(st16_i64, uint16_t, RD64)
    ST(st32_i64, uint32_t, RD64)
    ST(st_i64, uint64_t, RD64)
    BIN64(add, x + y)
    BIN64(sub, x - y)
    BIN64(mul, x * y)
    BIN64(div, interp_div64(x, y))
    BIN64(divu, y ? x / y : 0)
    BIN64(rem, interp_rem64(x, y))
    BIN64(remu, y ? x % y : x)
    BIN64(and, x & y)
    BIN64(or, x | y)
    BIN64(xor, x ^ y)
    BIN64(andc, x & ~y)
    BIN64(orc, x | ~y)
    BIN64(shl, x << (y & 63))
    BIN64(shr, x >> (y & 63))
    BIN64(sar, (int64_t)x >> (y & 63))
    BIN64(rotl, interp_rotl64(x, y))
    BIN64(rotr, interp_rotl64(x, 64 - (y & 63)))
    UN64(neg_i64, -x)
    UN64(not_i64, ~x)
    UN64(ext8s_i64, (int64_t)(int8_t)x)
    UN64(ext8u_i64, (uint8_t)x)
    UN64(ext16s_i64, (int64_t)(int16_t)x)
    UN64(ext16u_i64, (uint16_t)x)
    UN64(ext32s_i64, (int64_t)(int32_t)x)
    UN64(ext32u_i64, (uint32_t)x)
    UN32_64(ext_i32_i64, (int64_t)(int32_t)x)
    UN32_64(extu_i32_i64, x)
    UN64_32(extrl_i64_i32, x)
    UN64_32(extrh_i64_i32, x >> 32)
    UN64(bswap16_i64, interp_bswap16(x))
    UN64(bswap32_i64, __builtin_bswap32((uint32_t)x))
    UN64(bswap64_i64, __builtin_bswap64(x))
    BIN64(clz, x ? (uint64_t)__builtin_clzll(x) : y)
    BIN64(ctz, x ? (uint64_t)__builtin_ctzll(x) : y)
    UN64(ctpop_i64, __builtin_popcountll(x))
do_deposit_i64: {
        uint32_t o = OUT();
        uint64_t a = RD64();
        uint64_t b = RD64();
        unsigned pos = CARG();
        unsigned len = CARG();
        WR64(o, deposit64(a, pos, len, b));
        NEXT();
    }
do_extract_i64: {
        uint32_t o = OUT();
        uint64_t a = RD64();
        unsigned pos = CARG();
        unsigned len = CARG();
        WR64(o, extract64(a, pos, len));
        NEXT();
    }
do_sextract_i64: {
        uint32_t o = OUT();
        uint64_t a = RD64();
        unsigned pos = CARG();
        unsigned len = CARG();
        WR64(o, interp_sextract64(a, pos, len));
        NEXT();
    }
do_mulu2_i64: {
        uint32_t ol = OUT();
        uint32_t oh = OUT();
        uint64_t a = RD64();
        uint64_t b = RD64();
        unsigned __int128 r = (unsigned __int128)a * b;
        WR64(ol, r);
        WR64(oh, r >> 64);
        NEXT();
    }
do_divrem_i64:
do_divremu_i64: {
        uint32_t oq = OUT();
        uint32_t or = OUT();
        uint64_t a = RD64();
        uint64_t b = RD64();
        if ((hdr & 0xff) == INDEX_op_divrem_i64) {
            WR64(oq, interp_div64(a, b));
            WR64(or, interp_rem64(a, b));
        } else {
            WR64(oq, b ? a / b : 0);
            WR64(or, b ? a % b : a);
        }
        NEXT();
    }
do_muls2_i64: {
        uint32_t ol = OUT();
        uint32_t oh = OUT();
        int64_t a = RD64();
        int64_t b = RD64();
        __int128 r = (__int128)a * b;
        WR64(ol, r);
        WR64(oh, (unsigned __int128)r >> 64);
        NEXT();
    }
do_add2_i64:
do_sub2_i64: {
        uint32_t ol = OUT();
        uint32_t oh = OUT();
        uint64_t al = RD64();
        uint64_t ah = RD64();
        uint64_t bl = RD64();
        uint64_t bh = RD64();
        uint64_t lo, hi;
        if ((hdr & 0xff) == INDEX_op_add2_i64) {
            lo = al + bl;
            hi = ah + bh + (lo < al);
        } else {
            lo = al - bl;
            hi = ah - bh - (al < bl);
        }
        WR64(ol, lo);
        WR64(oh, hi);
        NEXT();
    }

/* Never serialised: their presence means a corrupt code buffer. */
do_discard:
do_set_label:
do_mb:
do_insn_start:
do_invalid:
    g_assert_not_reached();

#undef ARG
#undef RD32
#undef RD64
#undef OUT
#undef WR32
#undef WR64
#undef CARG
#undef NEXT
#undef BIN32
#undef BIN64
#undef UN32
#undef UN64
#undef UN64_32
#undef UN32_64
#undef LD
#undef ST
}
