/*
 * If-conversion's first step: branches on values known within a basic block.
 *
 * A front end may guard a rare case with a branch the optimizer later folds:
 * i386's inline DIV tests EDX != 0 for its 64-bit path right after the guest's
 * XOR EDX, EDX. This pass runs before the optimizer, so such a branch (and the
 * dead path behind it) would end an arm. Folding them here first, the way the
 * optimizer would, leaves the arm straight. Values are known within a basic
 * block only: moves of constants, and x ^ x or x - x.
 */
#include "qemu/osdep.h"
#include "tcg/tcg-op.h"
#include "ifconv-internal.h"

/* kval[i] is temp i's value while kstamp[i] equals stamp (a new stamp forgets
 * every value at once). */
typedef struct IfcFold {
    uint64_t kval[TCG_MAX_TEMPS];
    uint32_t kstamp[TCG_MAX_TEMPS];
    uint32_t stamp;
} IfcFold;

static IfcFold ifc_fold;

static bool ifc_known(const IfcFold *p, const TCGTemp *t, uint64_t *v)
{
    if (t->kind == TEMP_CONST) {
        *v = t->val;
        return true;
    }
    if (p->kstamp[t->index] == p->stamp) {
        *v = p->kval[t->index];
        return true;
    }
    return false;
}

static void ifc_forget_all(IfcFold *p)
{
    if (++p->stamp == 0) {
        memset(p->kstamp, 0, sizeof(p->kstamp));
        p->stamp = 1;
    }
}

/* Note what op leaves in its outputs. */
static void ifc_note_values(IfcFold *p, const TCGOp *op)
{
    uint64_t v = 0;
    bool known = false;

    switch (op->opc) {
    case INDEX_op_call:
        ifc_forget_all(p);      /* may write any global */
        return;
    case INDEX_op_discard:
        p->kstamp[arg_temp(op->args[0])->index] = 0;
        return;
    case INDEX_op_mov_i32:
    case INDEX_op_mov_i64:
        known = ifc_known(p, arg_temp(op->args[1]), &v);
        break;
    case INDEX_op_xor_i32:
    case INDEX_op_xor_i64:
    case INDEX_op_sub_i32:
    case INDEX_op_sub_i64:
        known = op->args[1] == op->args[2];
        break;
    default:
        break;
    }
    for (int i = 0; i < tcg_op_nb_oargs(op); i++) {
        p->kstamp[arg_temp(op->args[i])->index] = 0;
    }
    if (known) {
        int k = arg_temp(op->args[0])->index;
        p->kval[k] = v;
        p->kstamp[k] = p->stamp;
    }
}

/* Remove a branch, keeping its label's count of users right. */
static void ifc_remove_op(TCGContext *s, TCGOp *op)
{
    if (op->opc == INDEX_op_br || ifc_is_brcond(op)) {
        ifc_branch_label(op)->refs--;
    }
    tcg_op_remove(s, op);
}

/*
 * After op, which does not fall through: drop what no branch reaches (up to a
 * label some branch still uses; insn_start stays, per-insn records stay aligned
 * with the TB), then a `br L` that now lands right on L.
 */
static void ifc_drop_unreachable(TCGContext *s, TCGOp *op)
{
    TCGOp *o = op->next, *next;

    for (; o; o = next) {
        next = o->next;
        if (o->opc == INDEX_op_set_label && arg_label(o->args[0])->refs > 0) {
            break;
        }
        if (o->opc != INDEX_op_insn_start) {
            ifc_remove_op(s, o);
        }
    }
    if (!o || op->opc != INDEX_op_br) {
        return;
    }
    TCGLabel *l = arg_label(o->args[0]);
    for (TCGOp *m = op->next; m != o; m = m->next) {
        if (m->opc != INDEX_op_insn_start) {
            return;
        }
    }
    if (ifc_branch_label(op) == l) {
        ifc_remove_op(s, op);
        if (l->refs == 0) {
            tcg_op_remove(s, o);
        }
    }
}

/* The brcond br is never taken: it goes, and so does its label's block when
 * nothing else reaches it. */
static void ifc_fold_not_taken(TCGContext *s, TCGOp *br)
{
    TCGLabel *l = ifc_branch_label(br);
    TCGOp *set = br->next, *before;

    ifc_remove_op(s, br);
    if (l->refs > 0) {
        return;
    }
    while (set && !(set->opc == INDEX_op_set_label && arg_label(set->args[0]) == l)) {
        set = set->next;
    }
    if (!set) {
        return;                 /* a backward branch: the optimizer sees to it */
    }
    for (before = set->prev; before && before->opc == INDEX_op_insn_start;
         before = before->prev) {
    }
    if (before && ifc_no_fall_through(before)) {
        tcg_op_remove(s, set);
        ifc_drop_unreachable(s, before);
    }
}

/* The brcond br is always taken: it becomes a br, the code after it goes. */
static void ifc_fold_taken(TCGContext *s, TCGOp *br)
{
    TCGOp *jump = tcg_op_insert_before(s, br, INDEX_op_br, 1);

    jump->args[0] = br->args[3];
    tcg_op_remove(s, br);       /* the label keeps its user: the br */
    ifc_drop_unreachable(s, jump);
}

void tcg_ifconv_fold_branches(TCGContext *s)
{
    IfcFold *p = &ifc_fold;
    TCGOp *op, *next;

    ifc_forget_all(p);
    for (op = s->first_op; op; op = next) {
        uint64_t a, b;

        next = op->next;
        if (op->opc == INDEX_op_set_label) {
            ifc_forget_all(p);
        } else if (ifc_is_brcond(op) && ifc_known(p, arg_temp(op->args[0]), &a) &&
                   ifc_known(p, arg_temp(op->args[1]), &b)) {
            TCGOp *prev = op->prev;
            if (tcg_cond_eval(op->args[2], a, b, op->opc == INDEX_op_brcond_i64)) {
                ifc_fold_taken(s, op);
            } else {
                ifc_fold_not_taken(s, op);
            }
            next = prev ? prev->next : s->first_op;   /* what follows it now */
        } else {
            ifc_note_values(p, op);
        }
    }
}
