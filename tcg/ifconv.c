/*
 * If-conversion of unpredictable branches, guided by a profile.
 *
 * A loop whose body takes one of two short paths on a data-dependent condition
 * (intloop's `if (x & 1)` on a xorshift value) is bound by the host's branch
 * mispredictions, one every other iteration. A static compiler cannot know the
 * branch is unpredictable; a JIT can count. So a TB with a loop is translated
 * first with counters in front of each candidate branch (TCG_IFCONV_PROFILE):
 * executions and direction changes in a small per-vCPU table. After
 * TCG_IFCONV_RUNS executions a helper (accel/tcg) decides, records the verdict
 * and has the TB translated again, this time with the branches it chose
 * converted (TCG_IFCONV_APPLY) and no counters.
 *
 * A candidate is a brcond whose two successors (the arms) are short runs of
 * speculatable ops (arithmetic on temps and globals: no guest or host memory
 * access, no helper call) that end in equivalent transfers: the same label, the
 * same exit (goto_tb sequences that differ only in their slot), or a conditional
 * branch on the same globals with the same (or the inverse) condition to the same
 * two places. The converted code, put in place of the branch, computes both arms
 * into fresh temps, selects each global either arm writes with a movcond on the
 * branch's condition, and then runs the common transfer once. The arms stay where
 * they are: other branches may reach them (an arm is often the TB's start).
 *
 * What makes speculation safe:
 *  - a division of an arm not taken may see any divisor: every division in a copy
 *    gets a divisor of 1 in place of 0 (and of INT_MIN / -1 for signed ones), which
 *    changes nothing where the arm is the one taken (the unconverted code never
 *    divides by those);
 *  - a cold guest-exception branch (a trap: a label whose block stores constants
 *    to globals, calls a helper on env and constants and leaves the TB) may stay
 *    in an arm before the arm's first write of a global; its copy branches when
 *    "this arm is taken and the trap condition holds", where the globals still
 *    hold exactly what the unconverted code would have at the trap;
 *  - temps an arm writes must be dead after it (checked), so only globals need
 *    selects;
 *  - an arm may start with a loop header's exit-request check (the TB's start is a
 *    join), which the copy leaves out: every place the converted code branches
 *    back to must itself be a checked header (or an exit), so each cycle of the
 *    loop still passes a check.
 */
#include "qemu/osdep.h"
#include "tcg/tcg-op.h"
#include "hw/core/cpu.h"
#include "exec/translation-block.h"
#include "ifconv-internal.h"

#define IFC_ARM_MAX_OPS 16      /* speculated ops per arm, moves left out */
#define IFC_ARM_MAX_ALL 48      /* speculated ops per arm, moves counted */
#define IFC_ARM_MAX_SEGS 2
#define IFC_ARM_MAX_TRAPS 2
#define IFC_ARM_MAX_STORES 2
#define IFC_LIVE_BUDGET 512     /* ops the dead-temp check may visit */

/* Where a transfer goes: the first op that does anything there. */
typedef struct IfcArm {
    /* The ops to copy: runs [seg_first[k], seg_end[k]), the last one ending at
     * xfer; a run ends early at a self edge (a goto_tb back to the TB's start,
     * whose code the arm goes on with). */
    TCGOp *seg_first[IFC_ARM_MAX_SEGS], *seg_end[IFC_ARM_MAX_SEGS];
    int nb_segs;
    TCGOp *xfer;                /* the op that ends the arm: br, brcond, goto_tb or
                                 * set_label (falling into a label); NULL: empty arm
                                 * whose only destination is dest[0] */
    bool cond;                  /* xfer is a conditional branch */
    TCGType ctype;
    TCGCond c;                  /* cond: ca c cb (globals or constants) -> dest[0] */
    TCGTemp *ca, *cb;
    TCGOp *dest[2];             /* [0]: taken or only; [1]: fall-through (cond) */
    TCGOp *traps[IFC_ARM_MAX_TRAPS];
    int nb_traps;
    int nb_stores;              /* guest stores (qemu_st) in the arm */
    bool load_after[IFC_ARM_MAX_STORES];    /* store k's bytes are loaded again */
    int nb_ops;                 /* ops other than moves (a move costs nothing once
                                 * the optimizer has propagated it) */
    int nb_all;                 /* every op */
} IfcArm;

/* A walk over an arm's ops to copy, run after run. */
typedef struct IfcArmIter {
    const IfcArm *arm;
    int seg;
    TCGOp *op;                  /* NULL at the end */
} IfcArmIter;

static void ifc_iter_settle(IfcArmIter *it)
{
    while (it->seg < it->arm->nb_segs && it->op == it->arm->seg_end[it->seg]) {
        if (++it->seg < it->arm->nb_segs) {
            it->op = it->arm->seg_first[it->seg];
        }
    }
    if (it->seg == it->arm->nb_segs) {
        it->op = NULL;
    }
}

static void ifc_iter_start(IfcArmIter *it, const IfcArm *arm)
{
    it->arm = arm;
    it->seg = 0;
    it->op = arm->nb_segs ? arm->seg_first[0] : NULL;
    ifc_iter_settle(it);
}

static void ifc_iter_next(IfcArmIter *it)
{
    it->op = it->op->next;
    ifc_iter_settle(it);
}

typedef struct IfcPass {
    TCGContext *s;
    TCGOp *label_op[TCG_MAX_LABELS];    /* each label's set_label op */
    TCGTemp *map[TCG_MAX_TEMPS];        /* an arm's copy: temp -> its value now */
    uint16_t written[2][TCG_MAX_TEMPS]; /* temps each copy wrote, by index */
    int nb_written[2];
    uint8_t visited[TCG_MAX_LABELS];
    /* The taken arm's copied ops that read only values from before the branch,
     * which the other arm's copy may reuse; temps from first_fresh on are the
     * copies' own. */
    TCGOp *shared[IFC_ARM_MAX_ALL];
    int nb_shared;
    int first_fresh;
    /* The branch's condition in the converted code (1: taken), and its 64-bit
     * form once something needed it. */
    TCGTemp *sel, *sel64;
    /* The guest stores of both copies, done after both (ifc_copy_store). */
    struct {
        TCGTemp *val, *where;
        unsigned size;
    } stores[2 * IFC_ARM_MAX_STORES];
    int nb_stores;
    bool stored[2];             /* copy w has a store so far */
    int arm_stores;             /* stores copied so far in the current arm */
    TCGTemp *fwd_val;           /* the value its last store wrote */
} IfcPass;

static IfcPass ifc_pass;

/* ---- looking at the IR ---- */

static bool ifc_no_code(const TCGOp *op)
{
    return op->opc == INDEX_op_set_label || op->opc == INDEX_op_discard ||
           op->opc == INDEX_op_insn_start;
}

/* The first op at or after op that generates code (NULL: the list's end). */
static TCGOp *ifc_real(TCGOp *op)
{
    while (op && ifc_no_code(op)) {
        op = op->next;
    }
    return op;
}

static TCGOp *ifc_label_dest(IfcPass *p, TCGLabel *l)
{
    TCGOp *op = p->label_op[l->id];
    return op ? ifc_real(op) : NULL;
}

/* Ops an arm may compute whatever the branch decides: no memory, no calls, no
 * control flow; divisions get guards in the copy. */
static bool ifc_speculatable(TCGOpcode opc)
{
    if ((opc >= INDEX_op_ld8u_i32 && opc <= INDEX_op_st_i32) ||
        (opc >= INDEX_op_ld8u_i64 && opc <= INDEX_op_st_i64) ||
        opc == INDEX_op_brcond_i32 || opc == INDEX_op_brcond_i64) {
        return false;
    }
    return (opc >= INDEX_op_mov_i32 && opc <= INDEX_op_sub2_i32) ||
           (opc >= INDEX_op_mov_i64 && opc <= INDEX_op_sub2_i64);
}

/*
 * A guest store an arm may keep (see ifc_copy_store): its copy probes the TLB and
 * writes host memory directly, so the value must be stored in host byte order.
 * Not in an MMU mode with a direct RAM window (MIPS kseg0 in kernel mode, x86
 * with paging off): its accesses go through the window and need not fill the
 * TLB, which the probe reads alone, so the arm would restart whenever taken (and
 * the MIPS kernel's many short stores in branchy code would all get counters).
 */
static bool ifc_store_ok(const IfcPass *p, const TCGOp *op)
{
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);

    return (!(mop & MO_BSWAP) || (mop & MO_SIZE) == MO_8) &&
           !((p->s->ldst_window_mmu_mask >> get_mmuidx(oi)) & 1);
}

/*
 * Does the load ld read back exactly what st, the arm's last store before it,
 * wrote? The same address temp, unwritten since (the walk forgets st when it is
 * written), the same size and byte order, and a value of the same type. Its copy
 * then takes the stored value (ifc_copy_load); the store's probe also checks that
 * the page is plain RAM for loads (no read watchpoint to miss).
 */
static bool ifc_load_forwards(const TCGOp *st, const TCGOp *ld)
{
    if (!st) {
        return false;
    }
    MemOp sm = get_memop((MemOpIdx)st->args[2]), lm = get_memop((MemOpIdx)ld->args[2]);
    return arg_temp(st->args[1]) == arg_temp(ld->args[1]) &&
           get_mmuidx((MemOpIdx)st->args[2]) == get_mmuidx((MemOpIdx)ld->args[2]) &&
           (sm & (MO_SIZE | MO_BSWAP)) == (lm & (MO_SIZE | MO_BSWAP)) &&
           arg_temp(st->args[0])->type == arg_temp(ld->args[0])->type;
}

/* The check a loop header (or the TB's start) makes: `ld_i32 t, env,
 * exit_request_tb; brcond_i32 t, $0, ne, out`. */
static bool ifc_is_header_check(const TCGOp *op)
{
    const TCGOp *br = op ? op->next : NULL;

    return op && br && op->opc == INDEX_op_ld_i32 &&
           arg_temp(op->args[1])->kind == TEMP_FIXED &&
           op->args[2] == offsetof(CPUState, exit_request_tb) &&
           br->opc == INDEX_op_brcond_i32 && arg_temp(br->args[0]) == arg_temp(op->args[0]) &&
           arg_temp(br->args[1])->kind == TEMP_CONST && arg_temp(br->args[1])->val == 0 &&
           br->args[2] == TCG_COND_NE;
}

/* A cold guest exception: the label's block stores constants to globals, calls a
 * helper with env and constants only, and leaves the TB. It reads no temp, so it
 * sees the guest state in the globals and nothing else. */
static bool ifc_is_trap(IfcPass *p, const TCGOp *br)
{
    TCGOp *op = p->label_op[ifc_branch_label(br)->id];

    for (op = op ? op->next : NULL; op; op = op->next) {
        if ((op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64) &&
            arg_temp(op->args[0])->kind == TEMP_GLOBAL &&
            arg_temp(op->args[1])->kind == TEMP_CONST) {
            continue;
        }
        if (op->opc == INDEX_op_insn_start) {
            continue;
        }
        break;
    }
    if (!op || op->opc != INDEX_op_call || op->nb_callo) {
        return false;
    }
    for (int i = 0; i < op->nb_calli; i++) {
        TCGTempKind k = arg_temp(op->args[i])->kind;
        if (k != TEMP_FIXED && k != TEMP_CONST) {
            return false;
        }
    }
    return ifc_call_never_returns(op) || (op->next && op->next->opc == INDEX_op_exit_tb);
}

/* Two goto_tb exits that differ only in their slot leave for the same place. */
static bool ifc_same_exit(const TCGOp *a, const TCGOp *b)
{
    for (int n = 0; n < 8; n++) {
        a = a->next;
        b = b->next;
        if (!a || !b || a->opc != b->opc) {
            return false;
        }
        if (a->opc == INDEX_op_exit_tb) {
            return (a->args[0] & ~(uint64_t)3) == (b->args[0] & ~(uint64_t)3);
        }
        const TCGOpDef *d = &tcg_op_defs[a->opc];
        if (a->opc == INDEX_op_call || (d->flags & TCG_OPF_BB_END) ||
            memcmp(a->args, b->args,
                   sizeof(a->args[0]) * (d->nb_oargs + d->nb_iargs + d->nb_cargs))) {
            return false;
        }
    }
    return false;
}

static bool ifc_same_dest(const TCGOp *a, const TCGOp *b)
{
    return a == b || (a && b && a->opc == INDEX_op_goto_tb &&
                      b->opc == INDEX_op_goto_tb && ifc_same_exit(a, b));
}

/* Is t read again, on some path from one of the ops in start[], before it is
 * written or discarded? Conservative: yes when the walk runs out of budget. */
static bool ifc_temp_live(IfcPass *p, TCGTemp *t, TCGOp **start, int nb_start)
{
    TCGOp *stack[64];
    int sp = 0, budget = IFC_LIVE_BUDGET;

    memset(p->visited, 0, p->s->nb_labels);
    for (int i = 0; i < nb_start; i++) {
        stack[sp++] = start[i];
    }
    while (sp > 0) {
        for (TCGOp *op = stack[--sp]; op; op = op->next) {
            if (--budget < 0) {
                return true;
            }
            if (op->opc == INDEX_op_set_label) {
                TCGLabel *l = arg_label(op->args[0]);
                if (p->visited[l->id]) {
                    break;
                }
                p->visited[l->id] = 1;
                continue;
            }
            if (op->opc == INDEX_op_discard && arg_temp(op->args[0]) == t) {
                break;
            }
            if (tcg_op_reads_temp(op, t)) {
                return true;
            }
            if (tcg_op_writes_temp(op, t)) {
                break;
            }
            if (op->opc == INDEX_op_br || ifc_is_brcond(op)) {
                if (sp == ARRAY_SIZE(stack)) {
                    return true;
                }
                stack[sp++] = p->label_op[ifc_branch_label(op)->id];
                if (op->opc == INDEX_op_br) {
                    break;
                }
                continue;
            }
            if (tcg_op_defs[op->opc].flags & TCG_OPF_BB_EXIT) {
                break;          /* temps do not outlive the TB */
            }
        }
    }
    return false;
}

/* The condition of the arm's final brcond in terms of globals and constants: its
 * own operands, or those of the setcond in the arm that computed its temp. */
static bool ifc_resolve_cond(IfcArm *arm)
{
    TCGOp *br = arm->xfer;
    TCGTemp *a = arg_temp(br->args[0]), *b = arg_temp(br->args[1]);
    TCGCond c = br->args[2];

    arm->ctype = br->opc == INDEX_op_brcond_i64 ? TCG_TYPE_I64 : TCG_TYPE_I32;
    if (a->kind == TEMP_TB && b->kind == TEMP_CONST && b->val == 0 &&
        (c == TCG_COND_NE || c == TCG_COND_EQ)) {
        TCGOp *def = NULL;
        TCGOp *run = arm->seg_first[arm->nb_segs - 1];
        for (TCGOp *op = br->prev; op && op != run->prev; op = op->prev) {
            if (tcg_op_writes_temp(op, a)) {
                def = op;
                break;
            }
        }
        if (!def || (def->opc != INDEX_op_setcond_i32 && def->opc != INDEX_op_setcond_i64)) {
            return false;
        }
        TCGTemp *x = arg_temp(def->args[1]), *y = arg_temp(def->args[2]);
        for (TCGOp *op = def->next; op != br; op = op->next) {
            if (tcg_op_writes_temp(op, x) || tcg_op_writes_temp(op, y)) {
                return false;
            }
        }
        arm->ctype = def->opc == INDEX_op_setcond_i64 ? TCG_TYPE_I64 : TCG_TYPE_I32;
        c = c == TCG_COND_NE ? (TCGCond)def->args[3] : tcg_invert_cond(def->args[3]);
        a = x;
        b = y;
    }
    if ((a->kind != TEMP_GLOBAL && a->kind != TEMP_CONST) ||
        (b->kind != TEMP_GLOBAL && b->kind != TEMP_CONST)) {
        return false;
    }
    arm->c = c;
    arm->ca = a;
    arm->cb = b;
    return true;
}

/* The temps (not globals) the arm leaves written must be dead after it. */
static bool ifc_arm_temps_dead(IfcPass *p, IfcArm *arm)
{
    TCGOp *after[2];
    int n = 0;

    if (!arm->xfer || arm->xfer->opc == INDEX_op_goto_tb) {
        return true;            /* empty, or leaving the TB: temps die */
    }
    if (arm->xfer->opc == INDEX_op_set_label) {
        after[n++] = arm->xfer;
    } else {
        after[n++] = p->label_op[ifc_branch_label(arm->xfer)->id];
        if (arm->cond) {
            after[n++] = arm->xfer->next;
        }
    }
    IfcArmIter it;
    for (ifc_iter_start(&it, arm); it.op; ifc_iter_next(&it)) {
        TCGOp *op = it.op;
        if (op->opc == INDEX_op_discard) {
            continue;           /* its "output" is a temp it ends */
        }
        for (int i = 0; i < tcg_op_nb_oargs(op); i++) {
            TCGTemp *t = arg_temp(op->args[i]);
            bool redone = false;
            if (t->kind != TEMP_TB) {
                continue;
            }
            /* Only its last value in the arm matters; a discard ends it. */
            IfcArmIter rest = it;
            for (ifc_iter_next(&rest); rest.op && !redone; ifc_iter_next(&rest)) {
                TCGOp *o = rest.op;
                redone = tcg_op_writes_temp(o, t) ||
                         (o->opc == INDEX_op_discard && arg_temp(o->args[0]) == t);
            }
            if (!redone && ifc_temp_live(p, t, after, n)) {
                return false;
            }
        }
    }
    return true;
}

/* Is op a goto_tb back to the TB's own start? After it the translator stores the
 * destination in its pc global (`mov pc, $dest`, dest without cs_base) for the
 * unchained path, as tcg/loop.c reads it too. */
static bool ifc_is_self_edge(const IfcPass *p, const TCGOp *op)
{
    const TranslationBlock *tb = p->s->tb;
    const TCGOp *st = op->next;

    if (op->opc != INDEX_op_goto_tb || !tb || !st ||
        (st->opc != INDEX_op_mov_i32 && st->opc != INDEX_op_mov_i64)) {
        return false;
    }
    TCGTemp *dst = arg_temp(st->args[0]), *src = arg_temp(st->args[1]);
    return dst->kind == TEMP_GLOBAL && src->kind == TEMP_CONST &&
           (vaddr)((uint64_t)src->val + tb->cs_base) == tb->pc;
}

/* The first op of an arm's run at op: over code-less ops and a loop header's
 * exit-request check (the copy leaves it out; see ifc_dest_ok). */
static TCGOp *ifc_run_start(TCGOp *op)
{
    while (op && (op->opc == INDEX_op_discard || op->opc == INDEX_op_insn_start)) {
        op = op->next;
    }
    return ifc_is_header_check(op) ? op->next->next : op;
}

/*
 * Walk an arm from op (the branch's next op, or the op after the taken label's
 * set_label) to its transfer. A self edge on the way goes on at the TB's start:
 * its code is what the jump leads to (the same guest code, translated with the
 * same flags, which no speculatable op changes), so the arm may end where that
 * code branches (i386 regions: intloop's odd arm is the TB's start). False when
 * the arm cannot be speculated.
 */
static bool ifc_walk_arm(IfcPass *p, TCGOp *op, IfcArm *arm)
{
    TCGOp *next, *last_st = NULL;

    memset(arm, 0, sizeof(*arm));
    op = ifc_run_start(op);
    arm->seg_first[arm->nb_segs++] = op;
    for (; op; op = next) {
        next = op->next;
        switch (op->opc) {
        case INDEX_op_discard:
        case INDEX_op_insn_start:
            continue;
        case INDEX_op_set_label:
            arm->xfer = op;
            arm->dest[0] = ifc_real(op);
            break;
        case INDEX_op_br:
            arm->xfer = op;
            arm->dest[0] = ifc_label_dest(p, ifc_branch_label(op));
            break;
        case INDEX_op_goto_tb:
            if (arm->nb_segs < IFC_ARM_MAX_SEGS && ifc_is_self_edge(p, op)) {
                arm->seg_end[arm->nb_segs - 1] = op;
                next = ifc_run_start(p->s->first_op);
                arm->seg_first[arm->nb_segs++] = next;
                continue;
            }
            arm->xfer = op;
            arm->dest[0] = op;
            break;
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            if (arm->nb_traps < IFC_ARM_MAX_TRAPS && ifc_is_trap(p, op)) {
                arm->traps[arm->nb_traps++] = op;
                continue;
            }
            arm->xfer = op;
            arm->cond = true;
            arm->dest[0] = ifc_label_dest(p, ifc_branch_label(op));
            arm->dest[1] = ifc_real(op->next);
            break;
        case INDEX_op_qemu_st_i32:
        case INDEX_op_qemu_st_i64:
            if (!ifc_store_ok(p, op) || ++arm->nb_stores > IFC_ARM_MAX_STORES ||
                ++arm->nb_all > IFC_ARM_MAX_ALL || ++arm->nb_ops > IFC_ARM_MAX_OPS) {
                return false;
            }
            last_st = op;
            continue;
        case INDEX_op_qemu_ld_i32:
        case INDEX_op_qemu_ld_i64:
            /* Only the reload of what the arm just stored: no access of its own. */
            if (!ifc_load_forwards(last_st, op) || ++arm->nb_all > IFC_ARM_MAX_ALL) {
                return false;
            }
            arm->load_after[arm->nb_stores - 1] = true;
            if (arg_temp(op->args[0]) == arg_temp(last_st->args[1])) {
                last_st = NULL;
            }
            continue;
        default:
            if (!ifc_speculatable(op->opc) || ++arm->nb_all > IFC_ARM_MAX_ALL) {
                return false;
            }
            if (last_st && tcg_op_writes_temp(op, arg_temp(last_st->args[1]))) {
                last_st = NULL;     /* a later load of that temp is another address */
            }
            if (op->opc != INDEX_op_mov_i32 && op->opc != INDEX_op_mov_i64 &&
                ++arm->nb_ops > IFC_ARM_MAX_OPS) {
                return false;
            }
            continue;
        }
        arm->seg_end[arm->nb_segs - 1] = op;
        return arm->dest[0] && (!arm->cond || (arm->dest[1] && ifc_resolve_cond(arm)));
    }
    return false;
}

/* Where op leads, over unconditional jumps. */
static TCGOp *ifc_follow(IfcPass *p, TCGOp *op)
{
    for (int n = 0; op && op->opc == INDEX_op_br && n < 4; n++) {
        op = ifc_label_dest(p, ifc_branch_label(op));
    }
    return op;
}

/* Do a and b lead to the same place: the same op, exits that differ only in their
 * slot, or the same constant stores to globals on the way there (i386 stores its
 * static cc_op before each exit: two branches to one exit have a block each). */
static bool ifc_same_place(IfcPass *p, TCGOp *a, TCGOp *b)
{
    for (int n = 0; n < 8; n++) {
        a = ifc_follow(p, a);
        b = ifc_follow(p, b);
        if (ifc_same_dest(a, b)) {
            return true;
        }
        if (!a || !b || a->opc != b->opc ||
            (a->opc != INDEX_op_mov_i32 && a->opc != INDEX_op_mov_i64) ||
            a->args[0] != b->args[0] || a->args[1] != b->args[1] ||
            arg_temp(a->args[0])->kind != TEMP_GLOBAL ||
            arg_temp(a->args[1])->kind != TEMP_CONST) {
            return false;
        }
        a = ifc_real(a->next);
        b = ifc_real(b->next);
    }
    return false;
}

/* Where op leads past a loop header's exit-request check in front of it. */
static TCGOp *ifc_past_check(IfcPass *p, TCGOp *op)
{
    return ifc_is_header_check(op) ? ifc_real(op->next->next) : op;
}

/*
 * Do a and b lead to the same place, maybe one of them through a loop header's
 * exit-request check (i386 regions: the branch back to a join checks, the fall
 * into it does not)? *use: the one to branch to, the checked one if any, so that
 * converted code that branches back still passes a check.
 */
static bool ifc_equiv_dest(IfcPass *p, TCGOp *a, TCGOp *b, TCGOp **use)
{
    TCGOp *a2 = ifc_past_check(p, a), *b2 = ifc_past_check(p, b);

    *use = a;
    if (ifc_same_place(p, a, b)) {
        return true;
    }
    if ((a2 == a && b2 == b) || !ifc_same_place(p, a2, b2)) {
        return false;
    }
    *use = a2 != a ? a : b;
    return true;
}

/* The two arms end alike: the same place, or the same test on the same globals
 * sending each way to the same places. The places to go are left in t->dest. */
static bool ifc_same_transfer(IfcPass *p, IfcArm *t, const IfcArm *f)
{
    if (t->cond != f->cond) {
        return false;
    }
    if (!t->cond) {
        return ifc_equiv_dest(p, t->dest[0], f->dest[0], &t->dest[0]);
    }
    if (t->ctype != f->ctype) {
        return false;
    }
    TCGCond fc = f->c;
    TCGTemp *fa = f->ca, *fb = f->cb;
    if (fa != t->ca) {
        fc = tcg_swap_cond(fc);
        fa = f->cb;
        fb = f->ca;
    }
    if (fa != t->ca || fb != t->cb) {
        return false;
    }
    if (fc == t->c) {
        return ifc_equiv_dest(p, t->dest[0], f->dest[0], &t->dest[0]) &&
               ifc_equiv_dest(p, t->dest[1], f->dest[1], &t->dest[1]);
    }
    return fc == tcg_invert_cond(t->c) &&
           ifc_equiv_dest(p, t->dest[0], f->dest[1], &t->dest[0]) &&
           ifc_equiv_dest(p, t->dest[1], f->dest[0], &t->dest[1]);
}

/* Does op come before the branch br in the list? */
static bool ifc_before(const TCGOp *op, const TCGOp *br)
{
    for (const TCGOp *o = op; o; o = o->next) {
        if (o == br) {
            return true;
        }
    }
    return false;
}

/* A place the converted code may branch to: forward, an exit, or a checked loop
 * header (so that no cycle loses its exit-request check). */
static bool ifc_dest_ok(const TCGOp *dest, const TCGOp *br)
{
    return dest->opc == INDEX_op_goto_tb || ifc_is_header_check(dest) ||
           !ifc_before(dest, br);
}

/* Both arms of br, if it is a candidate. */
static bool ifc_analyze(IfcPass *p, TCGOp *br, IfcArm *t, IfcArm *f)
{
    TCGOp *taken = p->label_op[ifc_branch_label(br)->id];

    if (!taken || ifc_is_header_check(br->prev) || ifc_is_trap(p, br) ||
        !ifc_walk_arm(p, br->next, f)) {
        return false;
    }
    if (!f->cond && ifc_same_dest(ifc_real(taken), f->dest[0])) {
        /* A triangle: the branch goes straight to where the other arm ends. */
        memset(t, 0, sizeof(*t));
        t->dest[0] = f->dest[0];
    } else if (!ifc_walk_arm(p, taken->next, t)) {
        return false;
    }
    if (!ifc_same_transfer(p, t, f) || t->nb_all + f->nb_all == 0) {
        return false;
    }
    for (int i = 0; i < (t->cond ? 2 : 1); i++) {
        if (!ifc_dest_ok(t->dest[i], br)) {
            return false;
        }
    }
    return ifc_arm_temps_dead(p, t) && ifc_arm_temps_dead(p, f);
}

/* ---- emitting ---- */

static TCGOp *ifc_op(TCGOpcode opc, int nargs, const uint64_t *args)
{
    TCGOp *op = tcg_emit_op(opc, nargs);
    memcpy(op->args, args, sizeof(args[0]) * nargs);
    return op;
}

#define IFC_OP(opc, ...) \
    ifc_op(opc, sizeof((uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t), \
           (uint64_t[]){ __VA_ARGS__ })
#define T(x) temp_arg(x)

static TCGTemp *ifc_const(TCGType type, int64_t v)
{
    return type == TCG_TYPE_I64 ? tcgv_i64_temp(tcg_constant_i64(v))
                                : tcgv_i32_temp(tcg_constant_i32((int32_t)v));
}

static TCGOpcode ifc_opc(TCGType type, TCGOpcode op32, TCGOpcode op64)
{
    return type == TCG_TYPE_I64 ? op64 : op32;
}

static void ifc_branch_to(TCGOpcode opc, TCGTemp *a, TCGTemp *b, TCGCond c, TCGLabel *l)
{
    l->refs++;
    if (opc == INDEX_op_br) {
        IFC_OP(INDEX_op_br, label_arg(l));
    } else {
        IFC_OP(opc, T(a), T(b), c, label_arg(l));
    }
}

/* The label right before dest (over code-less ops), or a new one put there. */
static TCGLabel *ifc_label_for(IfcPass *p, TCGOp *dest)
{
    for (TCGOp *op = dest->prev; op && ifc_no_code(op); op = op->prev) {
        if (op->opc == INDEX_op_set_label) {
            return arg_label(op->args[0]);
        }
    }
    TCGLabel *l = gen_new_label();
    TCGOp *set = tcg_op_insert_before(p->s, dest, INDEX_op_set_label, 1);
    set->args[0] = label_arg(l);
    p->label_op[l->id] = set;
    return l;
}

/*
 * A division in a copy may run for the arm not taken: a zero divisor becomes 1,
 * and for signed ones so does the -1 of INT_MIN / -1. Returns the divisor to use.
 */
static TCGTemp *ifc_guard_divisor(TCGOpcode opc, TCGTemp *a, TCGTemp *b)
{
    TCGType ty = b->type;
    bool sign = opc == INDEX_op_div_i32 || opc == INDEX_op_rem_i32 ||
                opc == INDEX_op_divrem_i32 || opc == INDEX_op_div_i64 ||
                opc == INDEX_op_rem_i64 || opc == INDEX_op_divrem_i64;
    TCGOpcode movcond = ifc_opc(ty, INDEX_op_movcond_i32, INDEX_op_movcond_i64);
    TCGOpcode setcond = ifc_opc(ty, INDEX_op_setcond_i32, INDEX_op_setcond_i64);
    TCGTemp *one = ifc_const(ty, 1), *zero = ifc_const(ty, 0);
    TCGTemp *nz = tcg_temp_new_fresh(ty);

    IFC_OP(movcond, T(nz), T(b), T(zero), T(one), T(b), TCG_COND_EQ);
    if (!sign) {
        return nz;
    }
    TCGTemp *ovf = tcg_temp_new_fresh(ty), *m1 = tcg_temp_new_fresh(ty);
    TCGTemp *d = tcg_temp_new_fresh(ty);
    int64_t min = ty == TCG_TYPE_I64 ? INT64_MIN : INT32_MIN;
    IFC_OP(setcond, T(ovf), T(a), T(ifc_const(ty, min)), TCG_COND_EQ);
    IFC_OP(setcond, T(m1), T(nz), T(ifc_const(ty, -1)), TCG_COND_EQ);
    IFC_OP(ifc_opc(ty, INDEX_op_and_i32, INDEX_op_and_i64), T(ovf), T(ovf), T(m1));
    IFC_OP(movcond, T(d), T(ovf), T(zero), T(nz), T(one), TCG_COND_EQ);
    return d;
}

static bool ifc_is_div(TCGOpcode opc)
{
    return (opc >= INDEX_op_div_i32 && opc <= INDEX_op_divremu_i32) ||
           (opc >= INDEX_op_div_i64 && opc <= INDEX_op_divremu_i64);
}

/*
 * The copy of a trap branch: taken only when this arm is (sel, or !sel for the
 * fall-through arm) and the trap's own condition holds. The trap's block reads
 * the guest state from the globals, which still hold what they had before the
 * branch (the copies write fresh temps): right for a trap before the arm's first
 * write of a global (MIPS's TEQ), which the copy branches to directly. After
 * such writes (i386's DIV follows the insns that set up its operands) the copy
 * branches to the arm's unconverted code instead, `restart`, which computes the
 * same values again from the same globals and so raises the same trap with the
 * globals the trap expects, without keeping the copy's values alive for it.
 */
static void ifc_copy_trap(IfcPass *p, TCGOp *br, TCGTemp *sel, bool taken_arm, int w,
                          TCGLabel *restart)
{
    TCGTemp *a = arg_temp(br->args[0]), *b = arg_temp(br->args[1]);
    TCGTemp *hit = tcg_temp_new_fresh(TCG_TYPE_I32);
    TCGLabel *to = ifc_branch_label(br);

    a = p->map[a->index] ? p->map[a->index] : a;
    b = p->map[b->index] ? p->map[b->index] : b;
    if (br->opc == INDEX_op_brcond_i64) {
        TCGTemp *h64 = tcg_temp_new_fresh(TCG_TYPE_I64);
        IFC_OP(INDEX_op_setcond_i64, T(h64), T(a), T(b), br->args[2]);
        IFC_OP(INDEX_op_extrl_i64_i32, T(hit), T(h64));
    } else {
        IFC_OP(INDEX_op_setcond_i32, T(hit), T(a), T(b), br->args[2]);
    }
    IFC_OP(taken_arm ? INDEX_op_and_i32 : INDEX_op_andc_i32, T(hit), T(hit), T(sel));
    if (p->stored[w]) {
        to = restart;           /* the unconverted arm stores before it traps */
    }
    for (int i = 0; i < p->nb_written[w]; i++) {
        if (p->s->temps[p->written[w][i]].kind == TEMP_GLOBAL) {
            to = restart;
            break;
        }
    }
    ifc_branch_to(INDEX_op_brcond_i32, hit, ifc_const(TCG_TYPE_I32, 0), TCG_COND_NE, to);
}

/* The copy's value of out is now val. */
static void ifc_map_output(IfcPass *p, int w, TCGTemp *out, TCGTemp *val)
{
    if (!p->map[out->index]) {
        p->written[w][p->nb_written[w]++] = out->index;
    }
    p->map[out->index] = val;
}

/* An unused byte range converted code stores to for an arm not taken (see
 * ifc_copy_store); nothing ever reads it. */
static uint64_t ifc_sink;

static TCGTemp *ifc_sel64(IfcPass *p)
{
    if (!p->sel64) {
        p->sel64 = tcg_temp_new_fresh(TCG_TYPE_I64);
        IFC_OP(INDEX_op_extu_i32_i64, T(p->sel64), T(p->sel));
    }
    return p->sel64;
}

/*
 * The copy of a guest store: it must happen only where its arm is the one taken,
 * fault or trap for nothing, and not branch on the (unpredictable) condition.
 * The store fast path's TLB check, as an op that never faults
 * (qemu_probe_st_i64), gives the bytes' host address; the arm's store goes there
 * when the arm is taken, to ifc_sink when not:
 *     host  = qemu_probe_st addr
 *     where = sel ? host : &ifc_sink        (the other way round for the fall-through)
 *     brcond where, 0, eq, restart          (taken arm, TLB miss: almost never)
 *     ...   both copies, the selects
 *     st    val, where, 0
 * A miss for the arm taken (a page not in the TLB, read-only, holding translated
 * code, MMIO, a watchpoint; a misaligned or page-crossing access) restarts the
 * arm's unconverted code, which does the access through the softmmu with its
 * exceptions, SMC handling and device side effects: the copies have written
 * nothing yet (the stores of both arms come after all their restart branches).
 * A store to the sink rather than writing the old value back leaves guest memory
 * untouched for the arm not taken, even for a DMA writer running alongside.
 */
static void ifc_copy_store(IfcPass *p, const IfcArm *arm, const TCGOp *op,
                           const uint64_t *args, int w, bool taken_arm, TCGLabel *restart)
{
    MemOpIdx oi = (MemOpIdx)op->args[2];
    TCGTemp *host = tcg_temp_new_fresh(TCG_TYPE_I64);
    TCGTemp *where = tcg_temp_new_fresh(TCG_TYPE_I64);
    TCGTemp *sink = ifc_const(TCG_TYPE_I64, (intptr_t)&ifc_sink);
    TCGTemp *zero = ifc_const(TCG_TYPE_I64, 0);
    bool reloaded = arm->load_after[p->arm_stores++];

    IFC_OP(INDEX_op_qemu_probe_st_i64, T(host), args[1], oi, reloaded);
    IFC_OP(INDEX_op_movcond_i64, T(where), T(ifc_sel64(p)), T(zero),
           T(taken_arm ? host : sink), T(taken_arm ? sink : host), TCG_COND_NE);
    ifc_branch_to(INDEX_op_brcond_i64, where, zero, TCG_COND_EQ, restart);
    p->stores[p->nb_stores].val = arg_temp(args[0]);
    p->stores[p->nb_stores].where = where;
    p->stores[p->nb_stores].size = memop_size(get_memop(oi));
    p->nb_stores++;
    p->stored[w] = true;
    p->fwd_val = arg_temp(args[0]);
}

/* The copy of a load that reads back the arm's last store (ifc_load_forwards):
 * the stored value, extended as the load would. */
static void ifc_copy_load(IfcPass *p, const TCGOp *op, int w)
{
    TCGTemp *out = arg_temp(op->args[0]), *v = p->fwd_val;
    MemOp mop = get_memop((MemOpIdx)op->args[2]);
    bool sign = mop & MO_SIGN;
    TCGOpcode ext;

    switch (mop & MO_SIZE) {
    case MO_8:
        ext = ifc_opc(out->type, sign ? INDEX_op_ext8s_i32 : INDEX_op_ext8u_i32,
                      sign ? INDEX_op_ext8s_i64 : INDEX_op_ext8u_i64);
        break;
    case MO_16:
        ext = ifc_opc(out->type, sign ? INDEX_op_ext16s_i32 : INDEX_op_ext16u_i32,
                      sign ? INDEX_op_ext16s_i64 : INDEX_op_ext16u_i64);
        break;
    case MO_32:
        if (out->type == TCG_TYPE_I32) {
            ifc_map_output(p, w, out, v);
            return;
        }
        ext = sign ? INDEX_op_ext32s_i64 : INDEX_op_ext32u_i64;
        break;
    default:
        ifc_map_output(p, w, out, v);
        return;
    }
    TCGTemp *r = tcg_temp_new_fresh(out->type);
    IFC_OP(ext, T(r), T(v));
    ifc_map_output(p, w, out, r);
}

/* The copies' stores, in order, each to its address or the sink. */
static void ifc_emit_stores(IfcPass *p)
{
    static const TCGOpcode st32[] = { INDEX_op_st8_i32, INDEX_op_st16_i32, INDEX_op_st_i32 };
    static const TCGOpcode st64[] = { INDEX_op_st8_i64, INDEX_op_st16_i64, INDEX_op_st32_i64,
                                      INDEX_op_st_i64 };

    for (int i = 0; i < p->nb_stores; i++) {
        TCGTemp *val = p->stores[i].val;
        int k = __builtin_ctz(p->stores[i].size);
        TCGOpcode opc = val->type == TCG_TYPE_I64 ? st64[k] : st32[k];
        IFC_OP(opc, T(val), T(p->stores[i].where), 0);
    }
}

/* A value both copies may read alike: from before the branch, or computed by a
 * shareable op of the taken arm's copy (which the other copy then reuses, or it
 * could not read it at all). */
static bool ifc_is_common(const IfcPass *p, const TCGTemp *t)
{
    if (t->index < p->first_fresh) {
        return true;
    }
    for (int k = 0; k < p->nb_shared; k++) {
        const TCGOp *c = p->shared[k];
        for (int i = 0; i < tcg_op_defs[c->opc].nb_oargs; i++) {
            if (arg_temp(c->args[i]) == t) {
                return true;
            }
        }
    }
    return false;
}

/* Do the inputs (args[no, no + ni)) hold only common values? */
static bool ifc_reads_common(const IfcPass *p, const uint64_t *args, int no, int ni)
{
    for (int i = no; i < no + ni; i++) {
        if (!ifc_is_common(p, arg_temp(args[i]))) {
            return false;
        }
    }
    return true;
}

/* An op of the taken arm's copy that computes what args would: the same op on
 * the same common values (both arms often count the same loop counter up, and
 * i386's both set the flags from the same compare of it). Divisions are left
 * alone (their copies read guarded divisors). */
static TCGOp *ifc_find_shared(const IfcPass *p, TCGOpcode opc, const uint64_t *args)
{
    const TCGOpDef *d = &tcg_op_defs[opc];
    int no = d->nb_oargs, nin = d->nb_iargs + d->nb_cargs;

    if (ifc_is_div(opc) || !ifc_reads_common(p, args, no, d->nb_iargs)) {
        return NULL;
    }
    for (int k = 0; k < p->nb_shared; k++) {
        const TCGOp *c = p->shared[k];
        if (c->opc == opc && !memcmp(c->args + no, args + no, sizeof(args[0]) * nin)) {
            return p->shared[k];
        }
    }
    return NULL;
}

/* Copy an arm's ops, writing fresh temps (p->map: each temp's value so far);
 * record in written[w] what it wrote. */
static void ifc_copy_arm(IfcPass *p, const IfcArm *arm, int w, TCGTemp *sel,
                         bool taken_arm, TCGLabel *restart)
{
    int trap = 0;

    p->nb_written[w] = 0;
    p->stored[w] = false;
    p->arm_stores = 0;
    if (w == 0) {
        p->nb_shared = 0;
    }
    IfcArmIter it;
    for (ifc_iter_start(&it, arm); it.op; ifc_iter_next(&it)) {
        TCGOp *op = it.op;
        if (op->opc == INDEX_op_discard) {
            /* A global the arm ends (i386's cc_src2 after a multiply's flags
             * are replaced): its value is dead, it needs no select. */
            TCGTemp *g = arg_temp(op->args[0]);
            if (g->kind == TEMP_GLOBAL) {
                p->map[g->index] = NULL;
            }
            continue;
        }
        if (op->opc == INDEX_op_insn_start) {
            continue;
        }
        if (trap < arm->nb_traps && op == arm->traps[trap]) {
            ifc_copy_trap(p, op, sel, taken_arm, w, restart);
            trap++;
            continue;
        }
        const TCGOpDef *d = &tcg_op_defs[op->opc];
        int no = d->nb_oargs, ni = d->nb_iargs;
        uint64_t args[TCG_MAX_OP_ARGS];

        memcpy(args, op->args, sizeof(args));
        for (int i = no; i < no + ni; i++) {
            TCGTemp *in = arg_temp(args[i]);
            if (p->map[in->index]) {
                args[i] = T(p->map[in->index]);
            }
        }
        if (op->opc == INDEX_op_qemu_st_i32 || op->opc == INDEX_op_qemu_st_i64) {
            ifc_copy_store(p, arm, op, args, w, taken_arm, restart);
            continue;
        }
        if (op->opc == INDEX_op_qemu_ld_i32 || op->opc == INDEX_op_qemu_ld_i64) {
            ifc_copy_load(p, op, w);
            continue;
        }
        if ((op->opc == INDEX_op_mov_i32 || op->opc == INDEX_op_mov_i64) &&
            arg_temp(args[1])->kind != TEMP_GLOBAL) {
            /* No copy: the output is that value (a temp or constant, which no
             * select writes; a global's value is copied, as a select may write
             * the global before another select reads the value). */
            ifc_map_output(p, w, arg_temp(args[0]), arg_temp(args[1]));
            continue;
        }
        TCGOp *same = w == 1 ? ifc_find_shared(p, op->opc, args) : NULL;
        bool share = w == 0 && !ifc_is_div(op->opc) && p->nb_shared < IFC_ARM_MAX_ALL &&
                     ifc_reads_common(p, args, no, ni);
        if (ifc_is_div(op->opc)) {
            args[no + 1] = T(ifc_guard_divisor(op->opc, arg_temp(args[no]),
                                               arg_temp(args[no + 1])));
        }
        for (int i = 0; i < no; i++) {
            TCGTemp *out = arg_temp(args[i]);
            TCGTemp *val = same ? arg_temp(same->args[i]) : tcg_temp_new_fresh(out->type);
            ifc_map_output(p, w, out, val);
            args[i] = T(val);
        }
        if (!same) {
            TCGOp *copy = ifc_op(op->opc, no + ni + d->nb_cargs, args);
            if (share) {
                p->shared[p->nb_shared++] = copy;
            }
        }
    }
}

/* Forget an arm's copy (keep the written lists). */
static void ifc_unmap(IfcPass *p, int w)
{
    for (int i = 0; i < p->nb_written[w]; i++) {
        p->map[p->written[w][i]] = NULL;
    }
}

/* Move the ops from first to the list's end in front of before. */
static void ifc_splice_before(TCGContext *s, TCGOp *first, TCGOp *before)
{
    TCGOp *last = s->last_op;

    s->last_op = first->prev;
    first->prev->next = NULL;
    first->prev = before->prev;
    before->prev->next = first;
    last->next = before;
    before->prev = last;
}

/* Replace br by the if-converted code of its arms t (taken) and f. */
static void ifc_convert(IfcPass *p, TCGOp *br, IfcArm *t, IfcArm *f)
{
    TCGContext *s = p->s;
    TCGLabel *to[2] = { ifc_label_for(p, t->dest[0]),
                        t->cond ? ifc_label_for(p, t->dest[1]) : NULL };
    /* Globals written (an op writes at most two): the select of each. */
    TCGTemp *gw[4 * IFC_ARM_MAX_ALL];
    TCGTemp *vals[2][4 * IFC_ARM_MAX_ALL];
    int nb_gw = 0;
    TCGOp *mark = s->last_op;
    bool br64 = br->opc == INDEX_op_brcond_i64;

    p->first_fresh = s->nb_temps;

    /* sel: 1 when the branch is taken. */
    TCGTemp *sel = tcg_temp_new_fresh(TCG_TYPE_I32);
    p->sel = sel;
    p->sel64 = NULL;
    p->nb_stores = 0;
    if (br64) {
        p->sel64 = tcg_temp_new_fresh(TCG_TYPE_I64);
        IFC_OP(INDEX_op_setcond_i64, T(p->sel64), br->args[0], br->args[1], br->args[2]);
        IFC_OP(INDEX_op_extrl_i64_i32, T(sel), T(p->sel64));
    } else {
        IFC_OP(INDEX_op_setcond_i32, T(sel), br->args[0], br->args[1], br->args[2]);
    }

    /*
     * Both copies, then the selects of every global either wrote. An arm with a
     * trap is copied first: fewer of the copies' values are then live across the
     * trap's branch (a block end, where the backend saves them to the frame).
     * Its restart point (see ifc_copy_trap): the arm's unconverted code.
     */
    bool f_first = f->nb_traps && !t->nb_traps;
    const IfcArm *arms[2] = { f_first ? f : t, f_first ? t : f };
    TCGLabel *restart[2] = { ifc_branch_label(br), NULL };
    if (f->nb_traps || f->nb_stores) {
        restart[1] = ifc_label_for(p, ifc_real(br->next));
    }
    for (int w = 0; w < 2; w++) {
        bool taken_arm = arms[w] == t;
        int v = taken_arm ? 0 : 1;
        ifc_copy_arm(p, arms[w], w, sel, taken_arm, restart[v]);
        for (int i = 0; i < p->nb_written[w]; i++) {
            TCGTemp *g = &s->temps[p->written[w][i]];
            int k;
            if (g->kind != TEMP_GLOBAL || !p->map[g->index]) {
                continue;       /* a temp, or a global the arm ended */
            }
            for (k = 0; k < nb_gw && gw[k] != g; k++) {
            }
            if (k == nb_gw) {
                gw[nb_gw] = g;
                vals[0][nb_gw] = vals[1][nb_gw] = g;
                nb_gw++;
            }
            vals[v][k] = p->map[g->index];
        }
        ifc_unmap(p, w);
    }
    /* The stores before the selects: a store of a global's value from before the
     * branch reads the global, which a select may overwrite. */
    ifc_emit_stores(p);
    /* The selects first, the moves (both arms' values alike) last: a move may
     * overwrite a global that sel is (as the optimizer sees it) a copy of,
     * which would then need a temp of its own. */
    for (int k = 0; k < nb_gw; k++) {
        TCGType ty = gw[k]->type;
        if (vals[0][k] == vals[1][k]) {
            continue;
        }
        IFC_OP(ifc_opc(ty, INDEX_op_movcond_i32, INDEX_op_movcond_i64), T(gw[k]),
               T(ty == TCG_TYPE_I64 ? ifc_sel64(p) : sel), T(ifc_const(ty, 0)),
               T(vals[0][k]), T(vals[1][k]), TCG_COND_NE);
    }
    for (int k = 0; k < nb_gw; k++) {
        if (vals[0][k] == vals[1][k]) {
            IFC_OP(ifc_opc(gw[k]->type, INDEX_op_mov_i32, INDEX_op_mov_i64), T(gw[k]),
                   T(vals[0][k]));
        }
    }

    /* The common transfer, once, on the selected globals. */
    if (t->cond) {
        ifc_branch_to(ifc_opc(t->ctype, INDEX_op_brcond_i32, INDEX_op_brcond_i64),
                      t->ca, t->cb, t->c, to[0]);
        ifc_branch_to(INDEX_op_br, NULL, NULL, 0, to[1]);
    } else {
        ifc_branch_to(INDEX_op_br, NULL, NULL, 0, to[0]);
    }

    ifc_splice_before(s, mark->next, br);
    ifc_branch_label(br)->refs--;
    tcg_op_remove(s, br);
    s->stat_ifconv_converted++;
}

/*
 * Count executions and direction changes of br in profile slot `slot`. At the
 * TCG_IFCONV_RUNS-th run, note the TB as pending and request an exit: the TB runs
 * on to its next exit-request check and cpu_exec decides. A store, not a call, so
 * that a TB that keeps its counters (a candidate that seldom runs) keeps all its
 * registers for pinned globals. exit_request_tb is only ever set to 1 (a store
 * cannot lose another thread's request).
 */
static void ifc_instrument(IfcPass *p, TCGOp *br, unsigned slot, uint32_t slots)
{
    TCGContext *s = p->s;
    TCGOp *mark = s->last_op;
    TCGTemp *env = tcgv_ptr_temp(tcg_env);
    TCGTemp *dir = tcg_temp_new_fresh(TCG_TYPE_I32);
    TCGTemp *last = tcg_temp_new_fresh(TCG_TYPE_I32);
    TCGTemp *chg = tcg_temp_new_fresh(TCG_TYPE_I32);
    TCGTemp *runs = tcg_temp_new_fresh(TCG_TYPE_I32);
    intptr_t o_runs = offsetof(CPUState, ifconv_prof[slot].runs);
    intptr_t o_chg = offsetof(CPUState, ifconv_prof[slot].changes);
    intptr_t o_last = offsetof(CPUState, ifconv_prof[slot].last);
    TCGLabel *skip = gen_new_label();

    if (br->opc == INDEX_op_brcond_i64) {
        TCGTemp *d64 = tcg_temp_new_fresh(TCG_TYPE_I64);
        IFC_OP(INDEX_op_setcond_i64, T(d64), br->args[0], br->args[1], br->args[2]);
        IFC_OP(INDEX_op_extrl_i64_i32, T(dir), T(d64));
    } else {
        IFC_OP(INDEX_op_setcond_i32, T(dir), br->args[0], br->args[1], br->args[2]);
    }
    IFC_OP(INDEX_op_ld_i32, T(last), T(env), o_last);
    IFC_OP(INDEX_op_st_i32, T(dir), T(env), o_last);
    IFC_OP(INDEX_op_xor_i32, T(last), T(last), T(dir));
    IFC_OP(INDEX_op_ld_i32, T(chg), T(env), o_chg);
    IFC_OP(INDEX_op_add_i32, T(chg), T(chg), T(last));
    IFC_OP(INDEX_op_st_i32, T(chg), T(env), o_chg);
    IFC_OP(INDEX_op_ld_i32, T(runs), T(env), o_runs);
    IFC_OP(INDEX_op_add_i32, T(runs), T(runs), T(ifc_const(TCG_TYPE_I32, 1)));
    IFC_OP(INDEX_op_st_i32, T(runs), T(env), o_runs);
    ifc_branch_to(INDEX_op_brcond_i32, runs, ifc_const(TCG_TYPE_I32, TCG_IFCONV_RUNS),
                  TCG_COND_NE, skip);
    IFC_OP(INDEX_op_st_i64, T(ifc_const(TCG_TYPE_I64, (intptr_t)s->tb)), T(env),
           offsetof(CPUState, ifconv_pending_tb));
    IFC_OP(INDEX_op_st_i32, T(ifc_const(TCG_TYPE_I32, slots)), T(env),
           offsetof(CPUState, ifconv_pending_slots));
    IFC_OP(INDEX_op_st_i32, T(ifc_const(TCG_TYPE_I32, 1)), T(env),
           offsetof(CPUState, exit_request_tb));
    IFC_OP(INDEX_op_set_label, label_arg(skip));
    p->label_op[skip->id] = s->last_op;
    ifc_splice_before(s, mark->next, br);
    s->stat_ifconv_profiled++;
}

/* ---- the pass ---- */

/* Index the labels; true when some branch goes back to a label before it. */
static bool ifc_scan(IfcPass *p)
{
    bool back = false;

    memset(p->label_op, 0, sizeof(p->label_op[0]) * p->s->nb_labels);
    for (TCGOp *op = p->s->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_set_label) {
            p->label_op[arg_label(op->args[0])->id] = op;
        } else if (op->opc == INDEX_op_br || ifc_is_brcond(op)) {
            back |= p->label_op[ifc_branch_label(op)->id] != NULL;
        }
    }
    return back;
}

/* Enough temps and labels left for converting a branch with arms this long. */
static bool ifc_room(const TCGContext *s, const IfcArm *t, const IfcArm *f)
{
    int ops = t->nb_ops + f->nb_ops + t->nb_traps + f->nb_traps + t->nb_stores + f->nb_stores;
    return s->nb_temps + 6 * ops + 16 < TCG_MAX_TEMPS &&
           s->nb_labels + 4 < TCG_MAX_LABELS;
}

void tcg_ifconv(TCGContext *s)
{
    IfcPass *p = &ifc_pass;
    TCGOp *cand[TCG_IFCONV_MAX_CANDIDATES];
    int nb = 0;
    IfcArm t, f;

    s->ifconv_nb_slots = 0;
    if (s->ifconv_mode == TCG_IFCONV_OFF) {
        return;
    }
    p->s = s;
    if (!ifc_scan(p)) {
        return;             /* no loop: a branch runs too rarely to pay */
    }
    tcg_ifconv_fold_branches(s);
    ifc_scan(p);            /* labels may have gone */
    /* Number the candidates before changing anything, so that the profile's
     * numbering is the verdict's. */
    for (TCGOp *op = s->first_op; op && nb < TCG_IFCONV_MAX_CANDIDATES; op = op->next) {
        if (ifc_is_brcond(op) && ifc_analyze(p, op, &t, &f)) {
            cand[nb++] = op;
        }
    }
    if (s->ifconv_mode == TCG_IFCONV_PROFILE) {
        unsigned first = s->ifconv_next_slot % CPU_IFCONV_SLOTS;
        /* Counters take a few temps and a label each: a TB near the limits goes
         * without (and is never converted). */
        if (s->nb_temps + 8 * nb >= TCG_MAX_TEMPS || s->nb_labels + nb >= TCG_MAX_LABELS) {
            return;
        }
        for (int i = 0; i < nb; i++) {
            ifc_instrument(p, cand[i], (first + i) % CPU_IFCONV_SLOTS,
                           first | (unsigned)nb << 8);
        }
        s->ifconv_slot_first = first;
        s->ifconv_nb_slots = nb;
        s->ifconv_next_slot = first + nb;
        return;
    }
    for (int i = 0; i < nb; i++) {
        /* Analyzed again: converting an earlier one may have changed these arms. */
        if (((s->ifconv_apply >> i) & 1) && ifc_analyze(p, cand[i], &t, &f) &&
            ifc_room(s, &t, &f)) {
            ifc_convert(p, cand[i], &t, &f);
        }
    }
}
