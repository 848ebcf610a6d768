/*
 * Private to the if-conversion pass (tcg/ifconv.c, tcg/ifconv-fold.c): how it
 * reads branches in the IR.
 */
#ifndef TCG_IFCONV_INTERNAL_H
#define TCG_IFCONV_INTERNAL_H

#include "tcg/tcg.h"

static inline TCGLabel *ifc_branch_label(const TCGOp *op)
{
    return arg_label(op->args[op->opc == INDEX_op_br ? 0 : 3]);
}

static inline bool ifc_is_brcond(const TCGOp *op)
{
    return op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64;
}

static inline bool ifc_call_never_returns(const TCGOp *op)
{
    const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)op->args[op->nb_callo +
                                                                            op->nb_calli + 1];
    return info->flags & TCG_CALL_NO_RETURN;
}

/* Control never goes on past op to the next op. */
static inline bool ifc_no_fall_through(const TCGOp *op)
{
    return op->opc == INDEX_op_br || op->opc == INDEX_op_exit_tb ||
           op->opc == INDEX_op_goto_ptr ||
           (op->opc == INDEX_op_call && ifc_call_never_returns(op));
}

/* Fold branches on values known within a basic block (before the candidates are
 * numbered; see ifconv-fold.c). */
void tcg_ifconv_fold_branches(TCGContext *s);

#endif
