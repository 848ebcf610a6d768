/*
 * Self loops: a TB whose goto_tb slot leads back to its own start (a copy loop, a
 * bignum loop, a delay loop) can run as a loop inside its own host code, with the
 * guest registers it uses kept in host registers across the back edge instead of
 * being stored to env at the end of every iteration and loaded again at the start
 * of the next. This pass only finds such TBs and the candidate globals; the backend
 * decides how many fit in registers (tcg/x86_64/regalloc.c) and accel/tcg chains
 * the slot to the loop head (tb_add_jump).
 *
 * How a self edge is recognised, for every front end alike: after `goto_tb n` the
 * translator stores the destination in its pc global (`mov pc, $dest`, dest without
 * cs_base) and leaves with `exit_tb tb|n`; the unchained path needs that store. A
 * slot is a self edge when that constant plus tb->cs_base is tb->pc. The flags need
 * not be known here: the slot is chained only when the loop's lookup, done with the
 * CPU's real flags, finds this very TB, so a wrong guess costs speed, never
 * correctness.
 *
 * A TB with a backward branch to one of its own labels (a region holding a loop,
 * accel/tcg/translator.c) is a loop too (loop_internal): its globals are candidates
 * the same way, the body ending at the last backward branch; the back edges are
 * plain branches inside the TB, so nothing needs chaining.
 *
 * A global is no candidate when the TB also reads or writes its env bytes with a
 * plain ld/st off env (the register copy would not see that access), or when it is
 * only written by that pc store after a goto_tb (pc itself, typically).
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "exec/translation-block.h"
#include "exec/cputlb.h"

/* Byte size of a host ld/st op off a pointer; 0 for any other op. */
static int tcg_loop_env_access_size(TCGOpcode opc)
{
    switch (opc) {
    case INDEX_op_ld8u_i32: case INDEX_op_ld8s_i32: case INDEX_op_st8_i32:
    case INDEX_op_ld8u_i64: case INDEX_op_ld8s_i64: case INDEX_op_st8_i64:
        return 1;
    case INDEX_op_ld16u_i32: case INDEX_op_ld16s_i32: case INDEX_op_st16_i32:
    case INDEX_op_ld16u_i64: case INDEX_op_ld16s_i64: case INDEX_op_st16_i64:
        return 2;
    case INDEX_op_ld_i32: case INDEX_op_st_i32:
    case INDEX_op_ld32u_i64: case INDEX_op_ld32s_i64: case INDEX_op_st32_i64:
        return 4;
    case INDEX_op_ld_i64: case INDEX_op_st_i64:
        return 8;
    default:
        return 0;
    }
}

/*
 * What the benefit order of the candidates looks at, per global (indexed by temp
 * index; only nb_globals entries are used). first: how the body first touches it;
 * memops: the env loads (reads not preceded by a read or write since the last
 * label; weight 2) and the stores (writes liveness syncs; weight 1) the body does
 * when it is not in a register, leaving out the blocks that leave the TB (their
 * exits store a pinned global too); uses: every use, the body's weighted above
 * the tail's.
 */
enum { TCG_LOOP_READ_FIRST = 1, TCG_LOOP_WRITTEN_FIRST = 2 };
static uint16_t uses[TCG_MAX_TEMPS], memops[TCG_MAX_TEMPS];
static uint8_t first[TCG_MAX_TEMPS];
static bool written[TCG_MAX_TEMPS];

/*
 * A read or write (synced: liveness stores it) of global k by an op; per_iter: in
 * the loop body (or a TB without a self edge), where accesses count per
 * iteration; in_reg: the globals already used since the last label.
 */
static void tcg_loop_note_use(int k, bool per_iter, bool *in_reg, bool write,
                              bool synced)
{
    if (uses[k] < UINT16_MAX - 16) {
        /* The tail's uses only break ties. */
        uses[k] += per_iter ? 16 : 1;
    }
    if (per_iter) {
        first[k] = first[k] ? first[k] : write ? TCG_LOOP_WRITTEN_FIRST
                                               : TCG_LOOP_READ_FIRST;
        if (write) {
            written[k] = true;
            /* A write that liveness syncs is a store per iteration. */
            memops[k] += synced && memops[k] < UINT16_MAX;
        } else if (!in_reg[k] && memops[k] < UINT16_MAX - 2) {
            /* A read with no use since the label is a load per iteration. It
             * counts twice a store's: what reads it waits for it (a guest
             * address, say), where a store only takes a store buffer entry. */
            memops[k] += 2;
        }
    }
    in_reg[k] = true;
}

/* Loop-carried through env (read first, written too): its load waits for a store. */
static bool tcg_loop_carried(int k)
{
    return first[k] == TCG_LOOP_READ_FIRST && written[k];
}

/* Is global a a better candidate for a register than global b? */
static bool tcg_loop_better(int a, int b)
{
    if (tcg_loop_carried(a) != tcg_loop_carried(b)) {
        return tcg_loop_carried(a);
    }
    if (memops[a] != memops[b]) {
        return memops[a] > memops[b];
    }
    return uses[a] > uses[b];
}

/* Is op the pc store right after goto_tb n whose destination is tb's own start? */
static bool tcg_loop_is_self_store(const TCGOp *op, const struct TranslationBlock *tb)
{
    if (op->opc != INDEX_op_mov_i32 && op->opc != INDEX_op_mov_i64) {
        return false;
    }
    TCGTemp *dst = arg_temp(op->args[0]), *src = arg_temp(op->args[1]);
    if (dst->kind != TEMP_GLOBAL || src->kind != TEMP_CONST) {
        return false;
    }
    return (vaddr)((uint64_t)src->val + tb->cs_base) == tb->pc;
}

/*
 * Does the block after op (a set_label, or a conditional branch: its fall-through)
 * leave the TB (exit_tb, goto_ptr, a goto_tb that is no self edge, a call that
 * never returns) before any conditional branch? Its uses of globals cost the same
 * whether they are pinned or not: an exit stores the pinned ones too.
 */
static bool tcg_loop_block_leaves(const TCGContext *s, const TCGOp *op,
                                  const struct TranslationBlock *tb)
{
    int budget = 64;

    for (op = op->next; op && --budget > 0; op = op->next) {
        switch (op->opc) {
        case INDEX_op_goto_tb:
            return !(op->next && tcg_loop_is_self_store(op->next, tb));
        case INDEX_op_exit_tb:
        case INDEX_op_goto_ptr:
            return true;
        case INDEX_op_br: {
            /* A jump to another block of the exit (a shared goto_tb). */
            const TCGLabel *l = arg_label(op->args[0]);
            const TCGOp *p = s->first_op;
            while (p && !(p->opc == INDEX_op_set_label && arg_label(p->args[0]) == l)) {
                p = p->next;
            }
            if (!p) {
                return false;
            }
            op = p;
            break;
        }
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            return false;
        case INDEX_op_call: {
            const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)
                op->args[op->nb_callo + op->nb_calli + 1];
            if (info->flags & TCG_CALL_NO_RETURN) {
                return true;
            }
            break;
        }
        default:
            break;
        }
    }
    return false;
}

/*
 * Loop-invariant guest accesses (TCGContext.loop_hoists): a plain qemu_ld/st in
 * the loop body at base + disp, base a 32-bit global whose value cannot change
 * between the TB's start and the access: no env ld/st of the TB reaches its bytes
 * (banned), and no write of it lies on a path back to the access (the writes an
 * epilogue after the loop makes, say, only lead out of the TB; i386 keeps
 * translating after a loop's last branch). The body must call no helper that
 * returns (after one, a backend has to check again anyway); calls elsewhere, and
 * every slow path, are the backend's to handle (it forgets what it hoisted after
 * any C code). Window modes are left alone: their check is already cheap and
 * differs.
 */
typedef struct HoistWalk {
    const TCGOp *label_op[TCG_MAX_LABELS];
    bool visited[TCG_MAX_LABELS];
    const TCGOp *work[TCG_MAX_LABELS + 1];
} HoistWalk;

/*
 * Can the code reach op `to` from the op after `from`? Every path is followed:
 * fall-through, branches, and a self-edge goto_tb back to the TB's first op
 * (where a chained self edge comes back in); exits end a path. Each label (and
 * the TB's start) is entered once. Out of labels to track: yes.
 */
static bool tcg_loop_reaches(TCGContext *s, HoistWalk *w, const TCGOp *from,
                             const TCGOp *to)
{
    int nw = 0;
    bool head_done = false;

    memset(w->visited, 0, sizeof(w->visited[0]) * s->nb_labels);
    w->work[nw++] = from->next;
    while (nw > 0) {
        const TCGOp *op = w->work[--nw];
        for (; op; op = op->next) {
            if (op == to) {
                return true;
            }
            if (op->opc == INDEX_op_set_label) {
                int id = arg_label(op->args[0])->id;
                if (w->visited[id]) {
                    break;
                }
                w->visited[id] = true;
                continue;
            }
            const TCGLabel *l = NULL;
            bool ends = false;
            switch (op->opc) {
            case INDEX_op_br:
                l = arg_label(op->args[0]);
                ends = true;
                break;
            case INDEX_op_brcond_i32:
            case INDEX_op_brcond_i64:
                l = arg_label(op->args[3]);
                break;
            case INDEX_op_goto_tb:
                if ((s->loop_slots >> op->args[0] & 1) && !head_done) {
                    head_done = true;
                    w->work[nw++] = s->first_op;
                }
                ends = true;        /* then the unchained path's exit */
                break;
            case INDEX_op_exit_tb:
            case INDEX_op_goto_ptr:
                ends = true;
                break;
            case INDEX_op_call: {
                const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)
                    op->args[op->nb_callo + op->nb_calli + 1];
                ends = (info->flags & TCG_CALL_NO_RETURN) != 0;
                break;
            }
            default:
                break;
            }
            if (l) {
                const TCGOp *t = w->label_op[l->id];
                if (!t) {
                    return true;        /* a label never bound: be safe */
                }
                if (!w->visited[l->id]) {
                    if (nw >= (int)ARRAY_SIZE(w->work)) {
                        return true;
                    }
                    w->work[nw++] = t;
                }
            }
            if (ends) {
                break;
            }
        }
    }
    return false;
}

/* Is base unchanged from the TB's start to op on every path? */
static bool tcg_loop_base_invariant(TCGContext *s, HoistWalk *w, const TCGTemp *base,
                                    const TCGOp *op)
{
    for (const TCGOp *p = s->first_op; p; p = p->next) {
        int nb_o = tcg_op_nb_oargs(p);
        for (int i = 0; i < nb_o; i++) {
            if (arg_temp(p->args[i]) == base && tcg_loop_reaches(s, w, p, op)) {
                return false;
            }
        }
    }
    return true;
}

/*
 * A base the TB reads only to form hoisted addresses is read by no code in the
 * loop any more (the backend leaves those adds out): a register for it would be
 * wasted, so it is no candidate.
 */
static void tcg_loop_drop_hoisted_bases(TCGContext *s)
{
    for (int h = 0; h < s->nb_loop_hoists; h++) {
        const TCGTemp *base = s->loop_hoists[h].base;
        int uses = 0, hoisted = 0;

        for (int k = 0; k < s->nb_loop_hoists; k++) {
            hoisted += s->loop_hoists[k].base == base && s->loop_hoists[k].addr_op;
        }
        for (const TCGOp *op = s->first_op; op && uses <= hoisted; op = op->next) {
            int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
            for (int i = nb_o; i < nb_o + nb_i; i++) {
                uses += arg_temp(op->args[i]) == base;
            }
        }
        if (uses != hoisted) {
            continue;
        }
        int j = 0;
        for (int i = 0; i < s->nb_loop_globals; i++) {
            if (s->loop_globals[i] != base) {
                s->loop_globals[j++] = s->loop_globals[i];
            }
        }
        s->nb_loop_globals = j;
    }
}

/*
 * Shared checks of loop-invariant bases (TCGContext.loop_spans): the group leaders
 * of the body are collected by tcg_loop_find_hoists's walk, then grouped by base.
 */
#define SPAN_MAX_CANDS 32

typedef struct SpanCand {
    TCGOp *op;
    TCGTemp *base;
    int32_t d;
    int32_t lo, hi;         /* the access's or group's bytes, relative to base + d */
    unsigned kinds;         /* 1 loads, 2 stores */
    MemOpIdx oi;
} SpanCand;

/* An access's address (args[a_idx]) as base + d: a 32-bit global, or the output
 * of an `add_i32 t, base, $d` right before it. NULL for anything else. */
static TCGTemp *tcg_loop_access_base(TCGOp *op, int a_idx, int32_t *d)
{
    TCGTemp *a = arg_temp(op->args[a_idx]);

    *d = 0;
    if (a->kind == TEMP_TB) {
        TCGOp *p = op->prev;
        if (!p || p->opc != INDEX_op_add_i32 || arg_temp(p->args[0]) != a ||
            arg_temp(p->args[2])->kind != TEMP_CONST) {
            return NULL;
        }
        *d = (int32_t)arg_temp(p->args[2])->val;
        a = arg_temp(p->args[1]);
    }
    return a->kind == TEMP_GLOBAL && a->type == TCG_TYPE_I32 ? a : NULL;
}

static unsigned tcg_loop_cand_align(const SpanCand *c)
{
    MemOp mop = get_memop(c->oi);
    return (mop & MO_ALIGN) ? memop_size(mop) : 1;
}

/* Note op as a candidate if it is a group leader or a plain access (not one the
 * hoisting of plain stores has taken) at base + d. */
static void tcg_loop_span_cand(TCGContext *s, TCGOp *op, const bool *banned,
                               SpanCand *c, int *nc)
{
    bool lead = false, st = false;
    int32_t d;

    switch (op->opc) {
    case INDEX_op_qemu_st_lead_i32:
    case INDEX_op_qemu_st_lead_i64:
        st = true;
        /* fall through */
    case INDEX_op_qemu_ld_lead_i32:
    case INDEX_op_qemu_ld_lead_i64:
        lead = true;
        break;
    case INDEX_op_qemu_st_i32:
    case INDEX_op_qemu_st_i64:
        st = true;
        break;
    case INDEX_op_qemu_ld_i32:
    case INDEX_op_qemu_ld_i64:
        break;
    default:
        return;
    }
    for (int h = 0; h < s->nb_loop_hoists; h++) {
        if (s->loop_hoists[h].op == op) {
            return;
        }
    }
    TCGTemp *b = tcg_loop_access_base(op, lead ? 2 : 1, &d);
    if (!b || banned[b->index] || *nc == SPAN_MAX_CANDS) {
        return;
    }
    SpanCand *x = &c[(*nc)++];
    x->op = op;
    x->base = b;
    x->d = d;
    x->oi = (MemOpIdx)op->args[lead ? 3 : 2];
    if (lead) {
        x->lo = (int32_t)op->args[4];
        x->hi = (int32_t)op->args[5];
        x->kinds = (unsigned)op->args[6];
    } else {
        x->lo = 0;
        x->hi = (int32_t)memop_size(get_memop(x->oi)) - 1;
        x->kinds = st ? 2 : 1;
    }
}

/*
 * One span per base from the candidates: the leaders in the first one's MMU mode
 * whose d is a multiple of the strictest alignment among those leaders (then
 * base's own alignment decides each leader's), while the union stays under a
 * page; and only leaders whose base is invariant up to them.
 */
static void tcg_loop_make_spans(TCGContext *s, HoistWalk *w, SpanCand *c, int nc)
{
    static bool written[TCG_MAX_TEMPS];
    int walks = 0;

    s->nb_loop_spans = 0;
    if (nc == 0) {
        return;
    }
    /* A base no op of the TB writes needs no walk (the usual case: a struct
     * pointer); one pass over the ops instead of one per access. */
    memset(written, 0, sizeof(written[0]) * s->nb_globals);
    for (const TCGOp *op = s->first_op; op; op = op->next) {
        int nb_o = tcg_op_nb_oargs(op);
        for (int i = 0; i < nb_o; i++) {
            const TCGTemp *t = arg_temp(op->args[i]);
            if (t->kind == TEMP_GLOBAL) {
                written[t->index] = true;
            }
        }
    }
    for (int i = 0; i < nc && s->nb_loop_spans < TCG_MAX_LOOP_SPANS; i++) {
        TCGTemp *base = c[i].base;
        unsigned idx = get_mmuidx(c[i].oi), align = 1;

        if (!base) {
            continue;               /* taken by an earlier span, or refused */
        }
        for (int j = i; j < nc; j++) {
            if (c[j].base == base && get_mmuidx(c[j].oi) == idx) {
                align = MAX(align, tcg_loop_cand_align(&c[j]));
            }
        }
        __typeof__(s->loop_spans[0]) *sp = &s->loop_spans[s->nb_loop_spans];
        sp->base = base;
        sp->nb_leads = 0;
        sp->kinds = 0;
        for (int j = i; j < nc; j++) {
            if (c[j].base != base) {
                continue;
            }
            TCGOp *op = c[j].op;
            int32_t lo = c[j].d + c[j].lo, hi = c[j].d + c[j].hi;
            int32_t nlo = sp->nb_leads ? MIN(sp->lo, lo) : lo;
            int32_t nhi = sp->nb_leads ? MAX(sp->hi, hi) : hi;
            bool ok = get_mmuidx(c[j].oi) == idx &&
                      (c[j].d & (int32_t)(align - 1)) == 0 &&
                      (int64_t)nhi - nlo < TARGET_PAGE_SIZE &&
                      sp->nb_leads < TCG_MAX_SPAN_LEADS;
            c[j].base = NULL;
            if (!ok) {
                continue;
            }
            if (written[base->index] &&
                (walks++ >= 16 || !tcg_loop_base_invariant(s, w, base, op))) {
                continue;
            }
            sp->lo = nlo;
            sp->hi = nhi;
            sp->kinds |= c[j].kinds;
            sp->lead[sp->nb_leads] = op;
            sp->lead_d[sp->nb_leads++] = c[j].d;
        }
        if (sp->nb_leads) {
            MemOp mop = align > 1 ? (MemOp)(MO_ALIGN | __builtin_ctz(align)) : MO_8;
            sp->oi = make_memop_idx(mop, idx);
            s->nb_loop_spans++;
        }
    }
}

static void tcg_loop_find_hoists(TCGContext *s, const TCGOp *body_end,
                                 const bool *banned)
{
    static HoistWalk *w;
    static bool tried[TCG_MAX_TEMPS];
    static SpanCand cand[SPAN_MAX_CANDS];
    int nb_tried = 0, nc = 0;

    memset(tried, 0, sizeof(tried[0]) * s->nb_globals);
    if (!w) {
        w = g_new0(HoistWalk, 1);
    }
    memset(w->label_op, 0, sizeof(w->label_op[0]) * s->nb_labels);
    for (const TCGOp *op = s->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_set_label) {
            w->label_op[arg_label(op->args[0])->id] = op;
        }
    }
    for (TCGOp *op = s->first_op; op && !(body_end && op == body_end->next);
         op = op->next) {
        int a_idx;

        switch (op->opc) {
        case INDEX_op_call: {
            const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)
                op->args[op->nb_callo + op->nb_calli + 1];
            if (!(info->flags & TCG_CALL_NO_RETURN)) {
                s->nb_loop_hoists = 0;
                s->nb_loop_spans = 0;
                return;
            }
            continue;
        }
        case INDEX_op_qemu_st_i32:
        case INDEX_op_qemu_st_i64:
            /* Stores only for now: the x86-64 backend hoists no loads. */
            a_idx = 1;      /* (val, addr, oi) */
            break;
        default:
            continue;
        }
        if (s->nb_loop_hoists == TCG_MAX_LOOP_HOISTS) {
            continue;       /* keep looking for calls */
        }
        MemOpIdx oi = (MemOpIdx)op->args[a_idx + 1];
        TCGTemp *a = arg_temp(op->args[a_idx]), *base = a;
        TCGOp *addr_op = NULL;
        int32_t disp = 0;

        if ((s->ldst_window_mmu_mask >> get_mmuidx(oi)) & 1) {
            continue;
        }
        if (a->kind == TEMP_TB) {
            TCGOp *p = op->prev;
            if (!p || p->opc != INDEX_op_add_i32 || arg_temp(p->args[0]) != a ||
                !IS_DEAD_ARG(op, a_idx) || arg_temp(p->args[2])->kind != TEMP_CONST) {
                continue;
            }
            base = arg_temp(p->args[1]);
            disp = (int32_t)arg_temp(p->args[2])->val;
            addr_op = p;
        }
        if (base->kind != TEMP_GLOBAL || base->type != TCG_TYPE_I32 ||
            banned[base->index] || tried[base->index]) {
            continue;
        }
        /* The walks cost translation time: one try per base, a few per TB. */
        if (nb_tried++ == 8 || !tcg_loop_base_invariant(s, w, base, op)) {
            tried[base->index] = true;
            continue;
        }
        int k = s->nb_loop_hoists++;
        s->loop_hoists[k].op = op;
        s->loop_hoists[k].addr_op = addr_op;
        s->loop_hoists[k].base = base;
        s->loop_hoists[k].disp = disp;
    }
    tcg_loop_drop_hoisted_bases(s);
    for (TCGOp *op = s->first_op; op && !(body_end && op == body_end->next);
         op = op->next) {
        tcg_loop_span_cand(s, op, banned, cand, &nc);
    }
    tcg_loop_make_spans(s, w, cand, nc);
}

void tcg_loop_analyze(TCGContext *s, const struct TranslationBlock *tb)
{
    static bool banned[TCG_MAX_TEMPS];
    static bool self_label[TCG_MAX_LABELS];
    static bool seen_label[TCG_MAX_LABELS];
    static bool in_reg[TCG_MAX_TEMPS];
    int ng = s->nb_globals;

    s->loop_slots = 0;
    s->loop_internal = false;
    s->loop_has_call = false;
    s->nb_loop_globals = 0;
    s->nb_loop_hoists = 0;
    s->nb_loop_spans = 0;
    s->loop_head_off = 0xffff;
    s->loop_body_end = NULL;
    bool known = s->goto_tb_known;

    s->goto_tb_known = false;
    if (!tb || (tb->cflags & (CF_NOCHAIN | CF_NOCACHE))) {
        return;
    }
    /* The goto_tb ops: as the optimizer listed them, else from a walk. */
    if (known) {
        for (int i = 0; i < s->nb_goto_tb_ops; i++) {
            TCGOp *op = s->goto_tb_ops[i];
            if (op->next && tcg_loop_is_self_store(op->next, tb)) {
                s->loop_slots |= 1u << op->args[0];
            }
        }
    } else {
        for (TCGOp *op = s->first_op; op; op = op->next) {
            if (op->opc == INDEX_op_goto_tb && op->next &&
                tcg_loop_is_self_store(op->next, tb)) {
                s->loop_slots |= 1u << op->args[0];
            }
        }
    }
    if (!s->loop_slots && !s->backward_branch) {
        return;
    }
    memset(self_label, 0, sizeof(self_label[0]) * s->nb_labels);
    memset(seen_label, 0, sizeof(seen_label[0]) * s->nb_labels);
    for (TCGOp *op = s->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_goto_tb && op->next &&
            tcg_loop_is_self_store(op->next, tb) &&
            op->prev && op->prev->opc == INDEX_op_set_label) {
            self_label[arg_label(op->prev->args[0])->id] = true;
        }
    }

    /*
     * The loop body ends at the last jump into a self edge (a branch to the label
     * right before its goto_tb, or the goto_tb itself when reached by falling
     * through): what follows runs once, when the loop is left (i386 keeps
     * translating after a backward Jcc), so its uses do not make a global worth a
     * register. A backward branch to a label of the TB (a loop inside a region)
     * ends a loop body the same way.
     */
    TCGOp *body_end = NULL;
    for (TCGOp *op = s->first_op; op; op = op->next) {
        TCGLabel *l = NULL;
        if (op->opc == INDEX_op_set_label) {
            seen_label[arg_label(op->args[0])->id] = true;
            continue;
        }
        if (op->opc == INDEX_op_br) {
            l = arg_label(op->args[0]);
        } else if (op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) {
            l = arg_label(op->args[3]);
        } else if (op->opc == INDEX_op_goto_tb && (s->loop_slots >> op->args[0] & 1) &&
                   (!op->prev || op->prev->opc != INDEX_op_set_label)) {
            body_end = op;
            continue;
        }
        if (l && (self_label[l->id] || seen_label[l->id])) {
            body_end = op;
            s->loop_internal |= seen_label[l->id];
        }
    }
    if (!s->loop_slots && !s->loop_internal) {
        return;
    }

    s->loop_body_end = body_end;
    memset(uses, 0, sizeof(uses[0]) * ng);
    memset(banned, 0, sizeof(banned[0]) * ng);
    memset(memops, 0, sizeof(memops[0]) * ng);
    memset(first, 0, sizeof(first[0]) * ng);
    memset(written, 0, sizeof(written[0]) * ng);
    memset(in_reg, 0, sizeof(in_reg[0]) * ng);
    bool in_body = body_end != NULL;
    bool leaving = false;           /* in a block that leaves the TB */
    /* The env bytes the globals cover, to skip the other env accesses at once. */
    intptr_t glob_lo = INTPTR_MAX, glob_hi = INTPTR_MIN;
    for (int i = 0; i < ng; i++) {
        TCGTemp *ts = &s->temps[i];
        if (ts->kind == TEMP_GLOBAL) {
            glob_lo = MIN(glob_lo, ts->mem_offset);
            glob_hi = MAX(glob_hi, ts->mem_offset + (ts->type == TCG_TYPE_I32 ? 4 : 8));
        }
    }
    for (TCGOp *op = s->first_op; op; op = op->next) {
        int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
        int size;

        if (op == body_end) {
            in_body = false;
        }
        if (op->prev && (op->prev->opc == INDEX_op_brcond_i32 ||
                         op->prev->opc == INDEX_op_brcond_i64)) {
            leaving = tcg_loop_block_leaves(s, op->prev, tb);  /* the fall-through */
        }

        if (op->opc == INDEX_op_set_label) {
            /* Paths meet: an unpinned global comes from env again. */
            memset(in_reg, 0, sizeof(in_reg[0]) * ng);
            leaving = tcg_loop_block_leaves(s, op, tb);
        } else if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)
                op->args[op->nb_callo + op->nb_calli + 1];
            /*
             * A call that never returns leaves no register anyone reads again (the
             * globals go to env before it). One past the loop body that writes
             * globals runs once, and the globals are loaded from env again after
             * it anyway. Neither makes a caller-saved register a bad home for a
             * global; any other call does.
             */
            bool once = !(in_body || body_end == NULL) &&
                        !(info->flags & TCG_CALL_NO_WRITE_GLOBALS);
            if (!(info->flags & TCG_CALL_NO_RETURN) && !once) {
                s->loop_has_call = true;
            }
        } else if (op->opc == INDEX_op_goto_tb && op->next) {
            op = op->next;          /* the pc store of the unchained path */
            continue;
        } else if ((size = tcg_loop_env_access_size(op->opc)) != 0 &&
                   arg_temp(op->args[nb_o + nb_i - 1])->kind == TEMP_FIXED) {
            /* ld: (out, base); st: (val, base): the base is the last input. */
            intptr_t lo = (intptr_t)op->args[nb_o + nb_i];
            /* (Outside the bytes the globals cover: nothing to ban.) */
            for (int i = 0; i < ng && lo + size > glob_lo && lo < glob_hi; i++) {
                TCGTemp *ts = &s->temps[i];
                int tsize = ts->type == TCG_TYPE_I32 ? 4 : 8;
                if (ts->kind == TEMP_GLOBAL && ts->mem_offset < lo + size &&
                    lo < ts->mem_offset + tsize) {
                    banned[i] = true;
                }
            }
        }
        /* Inputs are read before the outputs are written. */
        for (int i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            if (ts->kind == TEMP_GLOBAL) {
                tcg_loop_note_use(ts->index, (in_body || body_end == NULL) && !leaving,
                                  in_reg, false, false);
            }
        }
        for (int i = 0; i < nb_o; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            if (ts->kind == TEMP_GLOBAL) {
                tcg_loop_note_use(ts->index, (in_body || body_end == NULL) && !leaving,
                                  in_reg, true, NEED_SYNC_ARG(op, i));
            }
        }
    }

    /*
     * By benefit (insertion sort: a TB touches a few dozen globals at most). First
     * the loop-carried ones: read before written in the body and written in it, so
     * in env every iteration's load waits for the previous iteration's store. Then
     * the rest by the loads and stores a register saves per iteration (a global the
     * body writes before reading it gains only its stores; one it only reads, a
     * load off the critical path). Ties by uses, then in temp order, so the choice
     * depends on nothing but the IR.
     */
    for (int i = 0; i < ng; i++) {
        if (!uses[i] || banned[i]) {
            continue;
        }
        /* A loop inside the TB: a global only the code after the loop or the
         * exit stubs use (the pc stores of region exits) gains nothing from a
         * register but its load at the TB's start. */
        if (!s->loop_slots && !first[i]) {
            continue;
        }
        int j = s->nb_loop_globals++;
        while (j > 0 && tcg_loop_better(i, s->loop_globals[j - 1]->index)) {
            s->loop_globals[j] = s->loop_globals[j - 1];
            j--;
        }
        s->loop_globals[j] = &s->temps[i];
    }
    tcg_loop_find_hoists(s, body_end, banned);
}

/*
 * Sinking writes of globals into the exits that need them (tcg_loop_sink_writes).
 *
 * Inside a loop TB a guest register or flag is often written only for the paths
 * that leave: i386's "cmp ebx, edi; jne back" writes cc_dst and cc_src, which the
 * next iteration overwrites before reading, and which only the exits (the loop's
 * end, the exit-request check) need in env; "xor edx, edx; div" writes edx, which
 * the divide overwrites, for the #DE raise. Liveness keeps such a write (a global
 * is live at every block end), and pinned globals make it a register write per
 * iteration. This pass moves the write W ("G = f(inputs)", inputs globals or
 * constants) forward along every path from it: on a path where G is overwritten
 * (or discarded) before being read or needed in env, W is dropped; into a cold
 * block that only one conditional branch reaches (an exit stub), a copy is put
 * right after its label; where the path meets anything else (a join, a helper
 * call, a guest access, an exit, a write of an input), a copy is put just before.
 * A conditional branch that reads G itself reads W's source instead when W is a
 * mov. Nothing changes unless some path drops W. G is needed on a path ("live")
 * when it is read, or the TB is left, or env must hold the globals (calls that
 * read them, guest accesses that may fault, env loads/stores of its bytes) before
 * G is written again, following branches (tcg_loop_sink_dead).
 */
#define SINK_MAX_COPIES 4
#define SINK_BUDGET 256

typedef struct SinkState {
    TCGContext *s;
    TCGOp *label_op[TCG_MAX_LABELS];        /* its set_label, or NULL */
    uint16_t label_refs[TCG_MAX_LABELS];    /* branches to it */
    bool label_fallin[TCG_MAX_LABELS];      /* the op before it may fall into it */
    bool visited[TCG_MAX_LABELS];
    int budget;
} SinkState;

/* Does op need env to hold the globals (or touch t's env bytes) before it runs? */
static bool sink_needs_env(const TCGOp *op, const TCGTemp *t)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    int size;

    if (op->opc == INDEX_op_call) {
        const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)
            op->args[op->nb_callo + op->nb_calli + 1];
        return (info->flags & TCG_CALL_NO_RWG) != TCG_CALL_NO_RWG;
    }
    if (tcg_opc_is_guest_mem(op->opc) || (def->flags & TCG_OPF_BB_EXIT)) {
        return true;
    }
    size = tcg_loop_env_access_size(op->opc);
    if (size) {
        int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
        bool is_st = nb_o == 0;
        if (arg_temp(op->args[nb_o + nb_i - 1])->kind != TEMP_FIXED) {
            return is_st;           /* a store through some pointer: be safe */
        }
        intptr_t lo = (intptr_t)op->args[nb_o + nb_i];
        int tsize = t->type == TCG_TYPE_I32 ? 4 : 8;
        return t->mem_offset < lo + size && lo < t->mem_offset + tsize;
    }
    return false;
}

/*
 * Is G dead from op on: on every path, written or discarded before it is read or
 * needed in env? Walks forward through branches (each label once per query; a
 * path back to a label already walked adds nothing). Out of budget: not dead.
 */
static bool tcg_loop_sink_dead(SinkState *ss, const TCGOp *op, const TCGTemp *g)
{
    for (const TCGOp *next; op; op = next) {
        next = op->next;
        if (--ss->budget <= 0) {
            return false;
        }
        switch (op->opc) {
        case INDEX_op_set_label: {
            int id = arg_label(op->args[0])->id;
            if (ss->visited[id]) {
                return true;
            }
            ss->visited[id] = true;
            continue;
        }
        case INDEX_op_insn_start:
            continue;
        case INDEX_op_discard:
            if (arg_temp(op->args[0]) == g) {
                return true;
            }
            continue;
        case INDEX_op_br:
            next = ss->label_op[arg_label(op->args[0])->id];
            if (!next) {
                return false;
            }
            continue;
        default:
            break;
        }
        if (tcg_op_reads_temp(op, g) || sink_needs_env(op, g)) {
            return false;
        }
        if (op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) {
            const TCGOp *l = ss->label_op[arg_label(op->args[3])->id];
            if (!l || !tcg_loop_sink_dead(ss, l, g)) {
                return false;
            }
            continue;
        }
        if (tcg_op_writes_temp(op, g)) {
            return true;
        }
    }
    return false;
}

static bool tcg_loop_sink_dead_from(SinkState *ss, const TCGOp *op, const TCGTemp *g)
{
    memset(ss->visited, 0, sizeof(ss->visited[0]) * ss->s->nb_labels);
    ss->budget = SINK_BUDGET;
    return tcg_loop_sink_dead(ss, op, g);
}

/* W's shape: one global output, no side effects, inputs globals or constants. */
static bool tcg_loop_sink_candidate(const TCGOp *w)
{
    const TCGOpDef *def = &tcg_op_defs[w->opc];

    if (w->opc == INDEX_op_call || w->opc == INDEX_op_discard ||
        w->opc == INDEX_op_insn_start || def->nb_oargs != 1 ||
        (def->flags & (TCG_OPF_BB_END | TCG_OPF_BB_EXIT | TCG_OPF_SIDE_EFFECTS |
                       TCG_OPF_CALL_CLOBBER)) ||
        tcg_opc_is_guest_mem(w->opc) || arg_temp(w->args[0])->kind != TEMP_GLOBAL) {
        return false;
    }
    for (int i = 1; i < 1 + def->nb_iargs; i++) {
        TCGTempKind k = arg_temp(w->args[i])->kind;
        if (k != TEMP_GLOBAL && k != TEMP_CONST) {
            return false;
        }
    }
    return true;
}

static void tcg_loop_sink_copy(TCGContext *s, const TCGOp *w, TCGOp *at, bool after)
{
    const TCGOpDef *def = &tcg_op_defs[w->opc];
    int n = def->nb_oargs + def->nb_iargs + def->nb_cargs;
    TCGOp *c = after ? tcg_op_insert_after(s, at, w->opc, n)
                     : tcg_op_insert_before(s, at, w->opc, n);

    memcpy(c->args, w->args, n * sizeof(w->args[0]));
}

/* Try to sink one write; true when it was moved. */
static bool tcg_loop_sink_one(SinkState *ss, TCGOp *w)
{
    const TCGOpDef *def = &tcg_op_defs[w->opc];
    TCGTemp *g = arg_temp(w->args[0]);
    bool is_mov = w->opc == INDEX_op_mov_i32 || w->opc == INDEX_op_mov_i64;
    TCGOp *at[SINK_MAX_COPIES];
    bool after[SINK_MAX_COPIES];
    TCGOp *rw[SINK_MAX_COPIES];
    int rw_idx[SINK_MAX_COPIES];
    int n = 0, nrw = 0;
    bool dropped = false;
    int budget = SINK_BUDGET;
    TCGOp *p;

    for (p = w->next; p; p = p->next) {
        bool inputs_written = false, stop = false;

        if (--budget <= 0) {
            return false;
        }
        if (p->opc == INDEX_op_insn_start) {
            continue;
        }
        if (p->opc == INDEX_op_discard) {
            if (arg_temp(p->args[0]) == g) {
                dropped = true;
                break;
            }
            for (int i = 1; i < 1 + def->nb_iargs; i++) {
                inputs_written |= arg_temp(p->args[0]) == arg_temp(w->args[i]);
            }
            if (!inputs_written) {
                continue;
            }
            stop = true;
        }
        bool is_brcond = p->opc == INDEX_op_brcond_i32 || p->opc == INDEX_op_brcond_i64;
        if (!stop && tcg_op_reads_temp(p, g)) {
            /* A branch comparing G can compare W's source instead. */
            if (!is_brcond || !is_mov) {
                return false;
            }
            TCGTemp *src = arg_temp(w->args[1]);
            for (int i = 0; i < 2; i++) {
                if (arg_temp(p->args[i]) != g) {
                    continue;
                }
                if ((src->kind == TEMP_CONST && i == 0) || nrw == SINK_MAX_COPIES) {
                    return false;
                }
                rw[nrw] = p;
                rw_idx[nrw++] = i;
            }
        }
        if (!stop && (p->opc == INDEX_op_set_label || p->opc == INDEX_op_br)) {
            const TCGOp *l = p->opc == INDEX_op_br
                ? ss->label_op[arg_label(p->args[0])->id] : p;
            if (l && tcg_loop_sink_dead_from(ss, l, g)) {
                dropped = true;
                break;
            }
            stop = true;
        }
        if (!stop && is_brcond) {
            int id = arg_label(p->args[3])->id;
            TCGOp *l = ss->label_op[id];
            if (!l) {
                return false;
            }
            if (!tcg_loop_sink_dead_from(ss, l, g)) {
                /* Needed there: only a cold block of this branch's own takes it. */
                if (ss->label_refs[id] != 1 || ss->label_fallin[id] ||
                    n == SINK_MAX_COPIES) {
                    return false;
                }
                at[n] = l;
                after[n++] = true;
            } else {
                dropped = true;
            }
            continue;
        }
        /* A call may read env before it writes G: that comes first. */
        if (!stop && sink_needs_env(p, g)) {
            stop = true;
        }
        if (!stop && tcg_op_writes_temp(p, g)) {
            dropped = true;
            break;
        }
        if (!stop) {
            for (int i = 1; i < 1 + def->nb_iargs; i++) {
                inputs_written |= tcg_op_writes_temp(p, arg_temp(w->args[i]));
            }
            stop = inputs_written;
        }
        if (stop) {
            if (n == SINK_MAX_COPIES) {
                return false;
            }
            at[n] = p;
            after[n++] = false;
            break;
        }
    }
    if (!dropped || !p) {
        return false;
    }
    for (int i = 0; i < nrw; i++) {
        rw[i]->args[rw_idx[i]] = w->args[1];
    }
    for (int i = 0; i < n; i++) {
        tcg_loop_sink_copy(ss->s, w, at[i], after[i]);
    }
    tcg_op_remove(ss->s, w);
    return true;
}

void tcg_loop_sink_writes(TCGContext *s)
{
    static SinkState *ss;
    TCGOp *op, *next, *last;

    if (!s->backward_branch) {
        return;
    }
    if (!ss) {
        ss = g_new0(SinkState, 1);
    }
    ss->s = s;
    memset(ss->label_op, 0, sizeof(ss->label_op[0]) * s->nb_labels);
    memset(ss->label_refs, 0, sizeof(ss->label_refs[0]) * s->nb_labels);
    for (op = s->first_op; op; op = op->next) {
        switch (op->opc) {
        case INDEX_op_set_label: {
            int id = arg_label(op->args[0])->id;
            const TCGOp *pr = op->prev;
            ss->label_op[id] = op;
            ss->label_fallin[id] = true;
            /* Nothing falls in after an exit, a jump or a call that never returns. */
            if (pr && ((tcg_op_defs[pr->opc].flags & TCG_OPF_BB_EXIT) ||
                       pr->opc == INDEX_op_br)) {
                ss->label_fallin[id] = false;
            } else if (pr && pr->opc == INDEX_op_call) {
                const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)
                    pr->args[pr->nb_callo + pr->nb_calli + 1];
                ss->label_fallin[id] = !(info->flags & TCG_CALL_NO_RETURN);
            }
            break;
        }
        case INDEX_op_br:
            ss->label_refs[arg_label(op->args[0])->id]++;
            break;
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            ss->label_refs[arg_label(op->args[3])->id]++;
            break;
        default:
            break;
        }
    }
    /* The copies land after the ops walked here (at labels ahead, or just before
     * the op that stopped the walk); only the ops already present are tried. */
    last = s->last_op;
    for (op = s->first_op; op; op = next) {
        next = op->next;
        if (tcg_loop_sink_candidate(op)) {
            tcg_loop_sink_one(ss, op);
        }
        if (op == last) {
            break;
        }
    }
}
