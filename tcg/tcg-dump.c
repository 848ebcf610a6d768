/*
 * Text dump of the op list for -d op / -d op_opt, in the familiar one-op-per-line form:
 *     ---- 0xbfc00000 0x0
 *     add_i32 r3,r3,$0x4
 *     brcond_i32 t0,$0x0,eq,$L1
 * With have_prefs (after liveness) each line also shows which args die and which
 * outputs are synced.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"

static const char *const tcg_cond_names[16] = {
    [TCG_COND_NEVER] = "never",
    [TCG_COND_ALWAYS] = "always",
    [TCG_COND_EQ] = "eq",
    [TCG_COND_NE] = "ne",
    [TCG_COND_LT] = "lt",
    [TCG_COND_GE] = "ge",
    [TCG_COND_LE] = "le",
    [TCG_COND_GT] = "gt",
    [TCG_COND_LTU] = "ltu",
    [TCG_COND_GEU] = "geu",
    [TCG_COND_LEU] = "leu",
    [TCG_COND_GTU] = "gtu",
};

static const char *tcg_dump_cond(uint64_t c)
{
    const char *n = c < ARRAY_SIZE(tcg_cond_names) ? tcg_cond_names[c] : NULL;
    return n ? n : "?cond";
}

static int tcg_dump_temp(TCGContext *s, char *buf, size_t len, TCGTemp *ts)
{
    switch (ts->kind) {
    case TEMP_FIXED:
    case TEMP_GLOBAL:
        return snprintf(buf, len, "%s", ts->name ? ts->name : "glob");
    case TEMP_CONST:
        if (ts->type == TCG_TYPE_I32) {
            return snprintf(buf, len, "$0x%" PRIx32, (uint32_t)ts->val);
        }
        return snprintf(buf, len, "$0x%" PRIx64, (uint64_t)ts->val);
    case TEMP_TB:
        return snprintf(buf, len, "tmp%d", ts->index - s->nb_globals);
    }
    return snprintf(buf, len, "?");
}

static void tcg_dump_memop(FILE *f, uint64_t oi)
{
    MemOp mop = get_memop((MemOpIdx)oi);
    static const char *const sz[4] = { "b", "w", "l", "q" };

    fprintf(f, "%s%s%s%s,%u", (mop & MO_BSWAP) ? "be" : "le",
            (mop & MO_SIGN) ? "s" : "u", sz[mop & MO_SIZE],
            (mop & MO_ALIGN) ? "+al" : "", get_mmuidx((MemOpIdx)oi));
}

/* Store merging's marks (tcg/st-merge.c): the bytes a run's first store writes
 * (relative to its address) and the stores it covers. */
static void tcg_dump_st_wide(const TCGContext *s, FILE *f, const TCGOp *op)
{
    if (op->st_wide == TCG_ST_WIDE_COVERED) {
        fprintf(f, ",covered");
    } else if (op->st_wide) {
        const struct TCGStWide *w = &s->st_wide[op->st_wide - 1];
        fprintf(f, ",wide %d..%d", w->lo, w->lo + w->len - 1);
    }
}

static void tcg_dump_one(TCGContext *s, FILE *f, const TCGOp *op, bool have_prefs)
{
    const TCGOpDef *def = &tcg_op_defs[op->opc];
    int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
    int nb_c = def->nb_cargs;
    char buf[64];
    int i, k = 0;
    bool first = true;

    if (op->opc == INDEX_op_insn_start) {
        fprintf(f, " ----");
        for (i = 0; i < TCG_INSN_START_WORDS; i++) {
            fprintf(f, " 0x%" PRIx64, op->args[i]);
        }
        fprintf(f, "\n");
        return;
    }
    if (op->opc == INDEX_op_call) {
        const TCGHelperInfo *info =
            (const TCGHelperInfo *)(uintptr_t)op->args[nb_o + nb_i + 1];
        fprintf(f, " call %s,$0x%x,$%d", info->name, info->flags, nb_o);
        first = false;
    } else {
        fprintf(f, " %s ", def->name);
    }

    for (i = 0; i < nb_o + nb_i; i++, k++) {
        tcg_dump_temp(s, buf, sizeof(buf), arg_temp(op->args[k]));
        fprintf(f, "%s%s", first ? "" : ",", buf);
        first = false;
    }
    if (op->opc == INDEX_op_call) {
        nb_c = 0;
    }

    switch (op->opc) {
    case INDEX_op_brcond_i32:
    case INDEX_op_brcond_i64:
        fprintf(f, ",%s,$L%d", tcg_dump_cond(op->args[k]), arg_label(op->args[k + 1])->id);
        nb_c = 0;
        break;
    case INDEX_op_setcond_i32:
    case INDEX_op_setcond_i64:
    case INDEX_op_movcond_i32:
    case INDEX_op_movcond_i64:
        fprintf(f, ",%s", tcg_dump_cond(op->args[k]));
        nb_c = 0;
        break;
    case INDEX_op_set_label:
    case INDEX_op_br:
        fprintf(f, "%s$L%d", first ? "" : ",", arg_label(op->args[k])->id);
        nb_c = 0;
        break;
    case INDEX_op_qemu_ld_i32:
    case INDEX_op_qemu_st_i32:
    case INDEX_op_qemu_ld_i64:
    case INDEX_op_qemu_st_i64:
    case INDEX_op_qemu_ld_memb_i32:
    case INDEX_op_qemu_st_memb_i32:
    case INDEX_op_qemu_ld_memb_i64:
    case INDEX_op_qemu_st_memb_i64:
        fprintf(f, ",");
        tcg_dump_memop(f, op->args[k]);
        nb_c = 0;
        break;
    case INDEX_op_qemu_probe_st_i64:
        fprintf(f, ",");
        tcg_dump_memop(f, op->args[k]);
        fprintf(f, "%s", op->args[k + 1] ? ",load" : "");
        nb_c = 0;
        break;
    case INDEX_op_qemu_ld_lead_i32:
    case INDEX_op_qemu_st_lead_i32:
    case INDEX_op_qemu_ld_lead_i64:
    case INDEX_op_qemu_st_lead_i64:
        fprintf(f, ",");
        tcg_dump_memop(f, op->args[k]);
        fprintf(f, ",span %" PRId64 "..%" PRId64 "%s%s", (int64_t)op->args[k + 1],
                (int64_t)op->args[k + 2], (op->args[k + 3] & 1) ? ",r" : "",
                (op->args[k + 3] & 2) ? ",w" : "");
        nb_c = 0;
        break;
    default:
        break;
    }
    for (i = 0; i < nb_c; i++) {
        fprintf(f, "%s$0x%" PRIx64, first ? "" : ",", op->args[k + i]);
        first = false;
    }
    tcg_dump_st_wide(s, f, op);

    if (have_prefs && (op->life_dead || op->life_sync)) {
        fprintf(f, "  ");
        if (op->life_sync) {
            fprintf(f, " sync:");
            for (i = 0; i < 16; i++) {
                if (NEED_SYNC_ARG(op, i)) {
                    fprintf(f, " %d", i);
                }
            }
        }
        if (op->life_dead) {
            fprintf(f, " dead:");
            for (i = 0; i < 16; i++) {
                if (IS_DEAD_ARG(op, i)) {
                    fprintf(f, " %d", i);
                }
            }
        }
    }
    fprintf(f, "\n");
}

void tcg_dump_ops(TCGContext *s, FILE *f, bool have_prefs)
{
    const TCGOp *op;

    for (op = s->first_op; op; op = op->next) {
        tcg_dump_one(s, f, op, have_prefs);
    }
}
