/*
 * Shared softmmu TLB checks: a pass over the optimized op list that lets guest
 * memory accesses made off one base address within a basic block share one TLB
 * check instead of each doing its own.
 *
 * Why: every qemu_ld/st's inline fast path loads the TLB mask, table, tag and addend
 * and compares (about ten host insns). Code that walks a block of memory off one
 * register does this for every access though they all hit the same page: Linux's
 * clear_page stores eight words per loop iteration off one register, and the
 * exception entry saves thirty-odd registers off the stack pointer.
 *
 * What it does: within a basic block, each temp's value is tracked symbolically as
 * (root, offset) through add/sub of constants and moves, so "addr = a0 + 4" and, after
 * "a0 = a0 + 32", "addr = a0 - 16" are known to differ from the first access's address
 * by a constant. A run of accesses (loads, stores or both) in one MMU mode whose
 * addresses share a root and whose bytes all fit in a span shorter than a page becomes
 * a group: the first access (the leader, qemu_{ld,st}_lead_*) checks the whole span
 * [addr + lo, addr + hi] at once, which holds only when all of it lies in one page that
 * the TLB maps for every access type in the group (a mixed group compares both the
 * read and the write tag), and hands on that page's addend (zero if the check
 * failed); the others (members, qemu_{ld,st}_memb_*) only add the addend, or do a full
 * access of their own when it is zero.
 *
 * When it is safe, and what closes a group:
 *  - The leader's check must still hold at each member: nothing may change the
 *    guest's mapping in between. Only C code can (device code may remap memory, a
 *    helper may flush the TLB), so a group ends at any label, branch, TB exit and
 *    helper call. A guest access that does not join it leaves it open: the slow
 *    path of that access, the one place it runs C code, zeroes every shared
 *    addend still live after the call (the backend's part), which sends the
 *    remaining members of every open group their own way. So up to
 *    LDST_OPEN_MAX groups of different base registers can be open at once, each
 *    with its own addend temp: decompressor and copy loops interleave accesses
 *    off two or three pointers.
 *  - A member with MO_ALIGN joins only if the leader's own alignment check implies
 *    its alignment (leader aligned to at least the member's size, offset difference a
 *    multiple of it), so alignment faults stay exact.
 *  - The span check relies on the TLB table having at least two entries (an entry
 *    holds only pages of its own index; cputlb's minimum is 2^CPU_TLB_DYN_MIN_BITS).
 *  - Offsets are differences modulo 2^32 (guest addresses are 32-bit), kept under a
 *    page; the backend computes addr + lo and addr + hi in 32 bits too, so a span that
 *    wraps around the address space fails the check.
 * The leader's check failing is never wrong, only slower: members then take the
 * ordinary path one by one.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "exec/cputlb.h"

_Static_assert(CPU_TLB_DYN_MIN_BITS >= 1, "the span check needs two TLB entries or more");

#define LDST_GROUP_MAX 64
/* Groups open at once (each holds a host register until its last member). */
#define LDST_OPEN_MAX 3

typedef struct LdstSym {
    uint32_t gen;               /* valid when equal to the pass's current generation */
    uint32_t root;
    uint32_t off;               /* value = root's value + off (mod 2^32) */
} LdstSym;

typedef struct LdstGroup {
    bool open;
    unsigned kinds;             /* access types in the group: 1 loads, 2 stores */
    unsigned mmu_idx;
    unsigned lead_align;        /* 1, or the leader's size when it has MO_ALIGN */
    uint32_t root, lead_off;
    int32_t lo, hi;             /* byte span relative to the leader's address */
    int nb;                     /* ops[0] is the leader */
    unsigned last_use;          /* when an access last joined or opened it */
    TCGOp *ops[LDST_GROUP_MAX];
    int32_t d[LDST_GROUP_MAX];  /* each access's address less the leader's */
} LdstGroup;

typedef struct LdstGroupState {
    TCGContext *s;
    LdstSym sym[TCG_MAX_TEMPS];
    uint32_t gen;
    uint32_t next_root;
    /* One addend temp per open-group slot, for every group the slot holds over
     * the TB: a slot's groups never overlap. */
    TCGTemp *host[LDST_OPEN_MAX];
    LdstGroup g[LDST_OPEN_MAX];
    unsigned clock;
} LdstGroupState;

/* Root 0 stands for "the constant 0": constant addresses share it. */
#define LDST_ROOT_CONST 0

static LdstSym *ldst_sym(LdstGroupState *st, TCGTemp *ts)
{
    LdstSym *y = &st->sym[ts->index];

    if (ts->kind == TEMP_CONST) {
        y->gen = st->gen;
        y->root = LDST_ROOT_CONST;
        y->off = (uint32_t)ts->val;
    } else if (y->gen != st->gen) {
        y->gen = st->gen;
        y->root = st->next_root++;
        y->off = 0;
    }
    return y;
}

/* Account for the outputs of a non-access op. */
static void ldst_sym_def(LdstGroupState *st, TCGOp *op)
{
    int nb_o = tcg_op_nb_oargs(op);
    TCGTemp *out, *a, *b;
    LdstSym y;

    if (nb_o == 0) {
        return;
    }
    out = arg_temp(op->args[0]);
    switch (op->opc) {
    case INDEX_op_mov_i32:
        y = *ldst_sym(st, arg_temp(op->args[1]));
        break;
    case INDEX_op_add_i32:
    case INDEX_op_sub_i32:
        a = arg_temp(op->args[1]);
        b = arg_temp(op->args[2]);
        if (op->opc == INDEX_op_add_i32 && a->kind == TEMP_CONST && b->kind != TEMP_CONST) {
            TCGTemp *t = a;
            a = b;
            b = t;
        }
        if (b->kind == TEMP_CONST && a->kind != TEMP_CONST) {
            y = *ldst_sym(st, a);
            y.off += op->opc == INDEX_op_add_i32 ? (uint32_t)b->val : -(uint32_t)b->val;
            break;
        }
        /* fall through */
    default:
        y.gen = st->gen;
        y.root = st->next_root++;
        y.off = 0;
        break;
    }
    for (int i = 0; i < nb_o; i++) {
        LdstSym *o = &st->sym[arg_temp(op->args[i])->index];
        o->gen = st->gen;
        o->root = st->next_root++;
        o->off = 0;
    }
    if (out->kind != TEMP_FIXED) {
        st->sym[out->index] = y;
    }
}

/* Turn a closed group of at least two accesses (in slot k) into a leader and its
 * members. */
static void ldst_group_close(LdstGroupState *st, int k)
{
    TCGContext *s = st->s;
    LdstGroup *g = &st->g[k];

    if (!g->open) {
        return;
    }
    g->open = false;
    if (g->nb < 2) {
        return;
    }
    if (!st->host[k]) {
        st->host[k] = tcg_temp_new_fresh(TCG_TYPE_I64);
        if (!st->host[k]) {
            return;
        }
    }
    uint64_t h = temp_arg(st->host[k]);
    for (int i = 0; i < g->nb; i++) {
        TCGOp *op = g->ops[i];
        uint64_t v = op->args[0], a = op->args[1], oi = op->args[2];
        bool i64 = op->opc == INDEX_op_qemu_ld_i64 || op->opc == INDEX_op_qemu_st_i64;
        bool is_st = op->opc == INDEX_op_qemu_st_i32 || op->opc == INDEX_op_qemu_st_i64;

        if (i == 0 && !is_st) {
            op->opc = i64 ? INDEX_op_qemu_ld_lead_i64 : INDEX_op_qemu_ld_lead_i32;
            op->args[0] = v;
            op->args[1] = h;
            op->args[2] = a;
        } else if (i == 0) {
            op->opc = i64 ? INDEX_op_qemu_st_lead_i64 : INDEX_op_qemu_st_lead_i32;
            op->args[0] = h;
            op->args[1] = v;
            op->args[2] = a;
        } else {
            op->opc = is_st ? (i64 ? INDEX_op_qemu_st_memb_i64 : INDEX_op_qemu_st_memb_i32)
                            : (i64 ? INDEX_op_qemu_ld_memb_i64 : INDEX_op_qemu_ld_memb_i32);
            op->args[0] = v;
            op->args[1] = a;
            op->args[2] = h;
            op->args[3] = oi;
            continue;
        }
        op->args[3] = oi;
        op->args[4] = (uint64_t)(int64_t)g->lo;
        op->args[5] = (uint64_t)(int64_t)g->hi;
        op->args[6] = g->kinds;
    }
    /* The addend's life ends with the last member. */
    tcg_op_insert_after(s, g->ops[g->nb - 1], INDEX_op_discard, 1)->args[0] = h;
    tcg_st_merge_group(s, g->ops, g->d, g->nb);
    s->stat_ldst_groups++;
    s->stat_ldst_members += g->nb - 1;
}

/* Can this access (address symbol y) join the open group? Widens the span and
 * notes its offset if so. */
static bool ldst_group_join(LdstGroup *g, const LdstSym *y, bool is_st, MemOpIdx oi)
{
    MemOp mop = get_memop(oi);
    int32_t size = memop_size(mop);
    int32_t d = (int32_t)(y->off - g->lead_off);
    int32_t lo, hi;

    if (!g->open || g->nb >= LDST_GROUP_MAX || y->root != g->root ||
        get_mmuidx(oi) != g->mmu_idx ||
        d <= -(int32_t)TARGET_PAGE_SIZE || d >= (int32_t)TARGET_PAGE_SIZE) {
        return false;
    }
    if ((mop & MO_ALIGN) && (g->lead_align < (unsigned)size || d % size != 0)) {
        return false;
    }
    lo = MIN(g->lo, d);
    hi = MAX(g->hi, d + size - 1);
    if (hi - lo >= (int32_t)TARGET_PAGE_SIZE) {
        return false;
    }
    g->lo = lo;
    g->hi = hi;
    g->kinds |= is_st ? 2 : 1;
    g->d[g->nb] = d;
    return true;
}

static void ldst_group_open(LdstGroup *g, TCGOp *op, const LdstSym *y, bool is_st,
                            MemOpIdx oi)
{
    MemOp mop = get_memop(oi);

    g->open = true;
    g->kinds = is_st ? 2 : 1;
    g->mmu_idx = get_mmuidx(oi);
    g->lead_align = (mop & MO_ALIGN) ? memop_size(mop) : 1;
    g->root = y->root;
    g->lead_off = y->off;
    g->lo = 0;
    g->hi = memop_size(mop) - 1;
    g->nb = 1;
    g->ops[0] = op;
    g->d[0] = 0;
}

static void ldst_group_close_all(LdstGroupState *st)
{
    for (int k = 0; k < LDST_OPEN_MAX; k++) {
        ldst_group_close(st, k);
    }
}

/* An access (address symbol y) joins an open group, or opens one in a free slot
 * or in the one least recently used (closing the group there). */
static void ldst_group_add(LdstGroupState *st, TCGOp *op, const LdstSym *y, bool is_st,
                           MemOpIdx oi)
{
    int victim = 0;

    st->clock++;
    for (int k = 0; k < LDST_OPEN_MAX; k++) {
        LdstGroup *g = &st->g[k];
        if (ldst_group_join(g, y, is_st, oi)) {
            g->ops[g->nb++] = op;
            g->last_use = st->clock;
            return;
        }
    }
    for (int k = 0; k < LDST_OPEN_MAX; k++) {
        if (!st->g[k].open) {
            victim = k;
            break;
        }
        if (st->g[k].last_use < st->g[victim].last_use) {
            victim = k;
        }
    }
    ldst_group_close(st, victim);
    ldst_group_open(&st->g[victim], op, y, is_st, oi);
    st->g[victim].last_use = st->clock;
}

void tcg_ldst_group(TCGContext *s)
{
    static LdstGroupState *st;
    TCGOp *op, *next;

    if (!st) {
        st = g_new0(LdstGroupState, 1);
    }
    st->s = s;
    s->nb_st_wide = 0;
    /* A new generation makes every temp's symbol unknown (stale) at once. */
    st->gen++;
    st->next_root = LDST_ROOT_CONST + 1;
    st->clock = 0;
    for (int k = 0; k < LDST_OPEN_MAX; k++) {
        st->host[k] = NULL;
        st->g[k].open = false;
    }

    for (op = s->first_op; op; op = next) {
        TCGOpcode opc = op->opc;
        next = op->next;

        switch (opc) {
        case INDEX_op_insn_start:
        case INDEX_op_mb:
            continue;
        case INDEX_op_discard:
            st->sym[arg_temp(op->args[0])->index].gen = 0;
            continue;
        case INDEX_op_qemu_ld_i32:
        case INDEX_op_qemu_ld_i64:
        case INDEX_op_qemu_st_i32:
        case INDEX_op_qemu_st_i64: {
            bool is_st = opc == INDEX_op_qemu_st_i32 || opc == INDEX_op_qemu_st_i64;
            MemOpIdx oi = (MemOpIdx)op->args[2];
            LdstSym y = *ldst_sym(st, arg_temp(op->args[1]));

            ldst_group_add(st, op, &y, is_st, oi);
            if (!is_st) {
                ldst_sym_def(st, op);       /* the loaded value: a new root */
            }
            continue;
        }
        default:
            break;
        }
        if (opc == INDEX_op_set_label || opc == INDEX_op_call ||
            (tcg_op_defs[opc].flags & (TCG_OPF_BB_END | TCG_OPF_BB_EXIT)) ||
            tcg_opc_is_guest_mem(opc)) {
            ldst_group_close_all(st);
        }
        if (opc == INDEX_op_set_label || opc == INDEX_op_call) {
            /* Flows merge at a label; a helper may change globals. */
            st->gen++;
            continue;
        }
        ldst_sym_def(st, op);
    }
    ldst_group_close_all(st);
}
