/*
 * Store merging: adjacent constant stores of one access group become one wide host
 * store on the fast path.
 *
 * Why: Linux's clear_page stores $zero eight times per loop iteration off one
 * register (sw 0, 4, 8, 12; addiu a0, 32; sw -16, -12, -8, -4). The group's leader
 * (tcg/ldst-group.c) already checks all 32 bytes at once, yet each member still
 * did a 4-byte host store of its own; two 16-byte stores write the same bytes.
 *
 * What it marks: within one group (ops in program order, d = address less the
 * leader's), a run of stores of constants whose byte ranges, taken in order, keep
 * one contiguous range of at most TCG_ST_WIDE_MAX_BYTES, with nothing between two
 * of them but ops that cannot read or write guest memory, raise, branch or run C
 * code (arithmetic, insn_start, discard). The run's first store gets the run's
 * byte image (later stores' bytes win where they overlap, as the guest's would)
 * and writes it on its fast path; the others are marked covered.
 *
 * Why the guest cannot tell:
 *  - The fast path of a group's access runs only while the shared check holds
 *    (host != 0). Only C code can zero it (the slow path of some access), and
 *    nothing between the run's stores runs any, so either every store of the run
 *    takes its fast path or, from the first one that does not, none does.
 *  - All fast: the first store writes every byte; no exception, interrupt or
 *    guest load can happen before the last store of the run, so writing the later
 *    bytes early is not observable, and the final memory is the same.
 *  - The first store's check fails: it does its own store only (its slow path
 *    returns past the wide write), and each covered store's check fails too, so
 *    each takes its own slow path, in order, with its own return address: faults
 *    are precise (the stores before the faulting one done, none after), and
 *    watchpoints, MMIO and stores into pages holding code see every store as the
 *    guest made it. The check passes only for plain RAM without code on the page.
 *  - The shared check covers the run's bytes (they are in the group's span, inside
 *    one page), so the wide store cannot touch a page the check did not see.
 * Byte order: each value is laid out as its memop says (MO_BSWAP: big-endian guest
 * on the little-endian host), so the image holds the bytes as memory will.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"

_Static_assert(TCG_MAX_ST_WIDE < TCG_ST_WIDE_COVERED,
               "TCGOp.st_wide holds 1 + a run's index, and the covered mark");

/* The value and memop of a constant group store, or false. */
static bool st_merge_const_store(const TCGOp *op, uint64_t *val, MemOp *mop)
{
    TCGTemp *v;
    MemOpIdx oi;

    switch (op->opc) {
    case INDEX_op_qemu_st_lead_i32:
    case INDEX_op_qemu_st_lead_i64:
        v = arg_temp(op->args[1]);
        oi = (MemOpIdx)op->args[3];
        break;
    case INDEX_op_qemu_st_memb_i32:
    case INDEX_op_qemu_st_memb_i64:
        v = arg_temp(op->args[0]);
        oi = (MemOpIdx)op->args[3];
        break;
    default:
        return false;
    }
    if (v->kind != TEMP_CONST) {
        return false;
    }
    *val = v->val;
    *mop = get_memop(oi);
    return true;
}

/* Nothing strictly between a and b (a before b in one block) can touch guest
 * memory, raise, leave or run C code. */
static bool st_merge_quiet_between(const TCGOp *a, const TCGOp *b)
{
    for (const TCGOp *p = a->next; p && p != b; p = p->next) {
        TCGOpcode opc = p->opc;

        if (opc == INDEX_op_insn_start || opc == INDEX_op_discard) {
            continue;
        }
        if (opc == INDEX_op_set_label || opc == INDEX_op_call ||
            tcg_opc_is_guest_mem(opc) ||
            (tcg_op_defs[opc].flags & (TCG_OPF_BB_END | TCG_OPF_BB_EXIT |
                                       TCG_OPF_SIDE_EFFECTS | TCG_OPF_CALL_CLOBBER))) {
            return false;
        }
    }
    return true;
}

/* The byte image of a run, indexed by offset from the leader's address + ST_ORG
 * - the run's first d, so that the range may grow either way. */
#define ST_ORG TCG_ST_WIDE_MAX_BYTES

typedef struct StRun {
    int first;                  /* index of the run's first store in the group */
    int32_t d0;                 /* its d */
    int32_t lo, hi;             /* bytes written, relative to the leader */
    uint8_t img[3 * TCG_ST_WIDE_MAX_BYTES];
} StRun;

static void st_merge_put(StRun *r, int32_t d, unsigned size, uint64_t val, MemOp mop)
{
    bool big = (mop & MO_BSWAP) && size > 1;

    for (unsigned i = 0; i < size; i++) {
        unsigned shift = 8 * (big ? size - 1 - i : i);
        r->img[ST_ORG + (d - r->d0) + i] = (uint8_t)(val >> shift);
    }
}

static void st_merge_start(StRun *r, int i, int32_t d, unsigned size, uint64_t val,
                           MemOp mop)
{
    r->first = i;
    r->d0 = d;
    r->lo = d;
    r->hi = d + (int32_t)size - 1;
    st_merge_put(r, d, size, val, mop);
}

/* Can a store of size bytes at d extend the run and keep it contiguous and small? */
static bool st_merge_extends(const StRun *r, int32_t d, unsigned size)
{
    int32_t end = d + (int32_t)size - 1;

    return d <= r->hi + 1 && end >= r->lo - 1 &&
           MAX(r->hi, end) - MIN(r->lo, d) < TCG_ST_WIDE_MAX_BYTES;
}

/* Mark ops[first .. last] (at least two) as one merged run. */
static void st_merge_emit(TCGContext *s, const StRun *r, TCGOp *const *ops, int last)
{
    struct TCGStWide *w;

    if (s->nb_st_wide >= TCG_MAX_ST_WIDE) {
        return;
    }
    w = &s->st_wide[s->nb_st_wide++];
    w->lo = r->lo - r->d0;
    w->len = (uint16_t)(r->hi - r->lo + 1);
    memcpy(w->bytes, &r->img[ST_ORG + w->lo], w->len);
    ops[r->first]->st_wide = (uint8_t)s->nb_st_wide;
    for (int i = r->first + 1; i <= last; i++) {
        ops[i]->st_wide = TCG_ST_WIDE_COVERED;
    }
    s->stat_st_wide++;
    s->stat_st_covered += last - r->first;
}

void tcg_st_merge_group(TCGContext *s, TCGOp *const *ops, const int32_t *d, int nb)
{
    StRun r;
    int last = -1;              /* the open run's last store, -1: none open */

    for (int i = 0; i < nb; i++) {
        uint64_t val;
        MemOp mop;
        bool is_const = st_merge_const_store(ops[i], &val, &mop);
        unsigned size = is_const ? memop_size(mop) : 0;

        if (last >= 0 && is_const && st_merge_extends(&r, d[i], size) &&
            st_merge_quiet_between(ops[last], ops[i])) {
            st_merge_put(&r, d[i], size, val, mop);
            r.lo = MIN(r.lo, d[i]);
            r.hi = MAX(r.hi, d[i] + (int32_t)size - 1);
            last = i;
            continue;
        }
        if (last >= 0 && last > r.first) {
            st_merge_emit(s, &r, ops, last);
        }
        last = -1;
        if (is_const) {
            st_merge_start(&r, i, d[i], size, val, mop);
            last = i;
        }
    }
    if (last >= 0 && last > r.first) {
        st_merge_emit(s, &r, ops, last);
    }
}
