/*
 * Liveness: one backward pass over the op list of a TB that removes dead ops and tells
 * the backend, per op, which argument values die and which outputs must be written
 * back to env.
 *
 * Contract with the backends (tcg/x86_64, tcg/interp); also summarised in tcg.h:
 *
 *  op->life_dead bit i (args numbered outputs first, then inputs):
 *     the value of that temp is not read again before being overwritten or before
 *     the TB ends: the backend may free its register after the op. Never set for
 *     tcg_env (TEMP_FIXED). May be set for TEMP_CONST inputs (backends may ignore it).
 *     An output with its dead bit set is written but never read (e.g. the unused half
 *     of mulu2, or a global whose only consumer is memory: see SYNC).
 *  op->life_sync bit i (outputs only):
 *     the output is a global (TEMP_GLOBAL) whose new value must be stored to
 *     env + mem_offset right after the op, because something that needs env to be
 *     coherent (a BB end, a TB exit, a helper call that reads or writes globals, a
 *     qemu_ld/st that may fault) comes before the next write of that global.
 *     DEAD and SYNC together: store it, then the register may be freed.
 *  Sync bits are never set for TEMP_TB temps.
 *
 * What the backend must still do on its own at the points below (liveness assumes
 * it, and only marks what happens between those points):
 *  - TCG_OPF_BB_END ops (set_label, br, brcond_*): before the op's control transfer,
 *    every global held in a register and not yet written back is stored to env, and
 *    every TEMP_TB temp held in a register is saved to its frame slot; after the op
 *    the backend assumes nothing is in registers (everything is reloaded from memory).
 *    TEMP_TB values read after a label stay live across it (no dead bit), so the
 *    backend must not drop them. After a set_label the same holds.
 *  - TCG_OPF_BB_EXIT ops (exit_tb, goto_tb, goto_ptr): all globals written back;
 *    TEMP_TB values are dead (not saved).
 *  - call ops: unless the helper has TCG_CALL_NO_READ_GLOBALS, all globals are
 *    written back before the call (liveness sets SYNC on the last write of each
 *    global before it); unless it has TCG_CALL_NO_WRITE_GLOBALS, register copies of
 *    globals are stale after the call and must be reloaded from env.
 *  - qemu_ld/st ops: all globals must be in env if the access raises a guest
 *    exception (it unwinds from the helper); register copies stay valid. Unless the
 *    backend says it writes dirty globals back on its slow path itself
 *    (TCGContext.backend_syncs_ldst, the x86-64 backend), liveness marks SYNC on the
 *    last write of each global before the access. If it does, liveness only keeps
 *    every global's value alive (no DEAD bit) up to the access, so the backend
 *    still has it, in a register or in env, for the slow path to write back.
 *
 * Ops removed: those with at least one output, no TCG_OPF_SIDE_EFFECTS, and every
 * output dead; and calls to TCG_CALL_NO_SIDE_EFFECTS helpers whose result (if any) is
 * dead. insn_start, labels, branches and stores are never removed.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"

/* Per-temp state while walking backwards: at the current point, is the value still
 * needed later (no TS_DEAD) and must it be in its memory home (TS_MEM)? */
#define TS_DEAD 1
#define TS_MEM  2

typedef struct LivenessState {
    TCGContext *s;
    uint8_t state[TCG_MAX_TEMPS];
    bool read_later[TCG_MAX_TEMPS];   /* used as an input somewhere after this point */
    bool backward_branch;             /* a loop exists: be conservative for TEMP_TB */
    /* Without loops every label is met (walking backwards) before the branches to
     * it, so its TEMP_TB live-in set is exact and known at each branch: TS_DEAD or
     * 0 per temp from nb_globals on (TS_DEAD for anything but a live TEMP_TB). This
     * is per life, where read_later is per temp number: a temp reused as a fresh
     * value after the exits (cold blocks) does not keep an older life alive. */
    bool label_seen[TCG_MAX_LABELS];
    uint8_t (*label_live)[TCG_MAX_TEMPS];
    /* Block-end states, built once per pass so that each block end is a copy and a
     * loop the compiler vectorises, not a switch per temp: the globals' state
     * (the same at a BB end and at an exit), and 0xff for each TEMP_TB. */
    uint8_t global_state[TCG_MAX_TEMPS];
    int nb_global_state;              /* globals global_state[] was built for */
    uint8_t tb_mask[TCG_MAX_TEMPS];
} LivenessState;

/* A forward pre-pass: does any branch go to a label placed before it? */
static bool liveness_has_backward_branch(TCGContext *s)
{
    bool seen[TCG_MAX_LABELS];
    TCGOp *op;

    memset(seen, 0, sizeof(seen[0]) * s->nb_labels);
    for (op = s->first_op; op; op = op->next) {
        switch (op->opc) {
        case INDEX_op_set_label:
            seen[arg_label(op->args[0])->id] = true;
            break;
        case INDEX_op_br:
            if (seen[arg_label(op->args[0])->id]) {
                return true;
            }
            break;
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            if (seen[arg_label(op->args[3])->id]) {
                return true;
            }
            break;
        default:
            break;
        }
    }
    return false;
}

/*
 * With loops (a TB holding a region, tcg/loop.c), a backward branch is met walking
 * backwards before its label, so the label's live-in set is not known there yet.
 * Rather than keeping every TEMP_TB live at every block end (a spill of every
 * scratch value at every branch), solve the usual backward dataflow over the basic
 * blocks for the TEMP_TBs once, iterating to the fixed point, and hand the main
 * pass every label's live-in set up front. Reads are op inputs; writes and
 * discards kill; exits (exit_tb, goto_tb, goto_ptr) have nothing live after them.
 * Dead-code removal in the main pass only drops reads, so these sets stay a safe
 * superset. Returns false (stay conservative) for TBs too big for the tables.
 */
#define LIVENESS_LOOP_BLOCKS 1024
#define LIVENESS_LOOP_WORDS (TCG_MAX_TEMPS / 64)

static bool liveness_loop_labels(LivenessState *ls)
{
    static uint64_t gen[LIVENESS_LOOP_BLOCKS][LIVENESS_LOOP_WORDS];
    static uint64_t kill[LIVENESS_LOOP_BLOCKS][LIVENESS_LOOP_WORDS];
    static uint64_t in[LIVENESS_LOOP_BLOCKS][LIVENESS_LOOP_WORDS];
    static int16_t succ[LIVENESS_LOOP_BLOCKS][2];     /* block or label id, -1 none */
    static bool succ_is_label[LIVENESS_LOOP_BLOCKS][2];
    static int16_t label_block[TCG_MAX_LABELS];
    static bool back_target[TCG_MAX_LABELS];
    TCGContext *s = ls->s;
    int ng = s->nb_globals, nt = s->nb_temps;
    int nw = (nt + 63) / 64, nb = 0;
    bool open = false;

    memset(label_block, -1, sizeof(label_block[0]) * s->nb_labels);
    memset(back_target, 0, sizeof(back_target[0]) * s->nb_labels);
    for (TCGOp *op = s->first_op; op; op = op->next) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int b;

        if (op->opc == INDEX_op_set_label || !open) {
            if (nb == LIVENESS_LOOP_BLOCKS) {
                return false;
            }
            if (open) {
                succ[nb - 1][0] = nb;       /* falls into the label's block */
                succ_is_label[nb - 1][0] = false;
            }
            b = nb++;
            memset(gen[b], 0, nw * 8);
            memset(kill[b], 0, nw * 8);
            memset(in[b], 0, nw * 8);
            succ[b][0] = succ[b][1] = -1;
            open = true;
            if (op->opc == INDEX_op_set_label) {
                label_block[arg_label(op->args[0])->id] = b;
                continue;
            }
        }
        b = nb - 1;
        if (op->opc == INDEX_op_discard) {
            int k = arg_temp(op->args[0])->index;
            kill[b][k >> 6] |= 1ull << (k & 63);
            continue;
        }
        int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
        for (int i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            int k = ts->index;
            if (k >= ng && ts->kind == TEMP_TB && !(kill[b][k >> 6] >> (k & 63) & 1)) {
                gen[b][k >> 6] |= 1ull << (k & 63);
            }
        }
        for (int i = 0; i < nb_o; i++) {
            int k = arg_temp(op->args[i])->index;
            kill[b][k >> 6] |= 1ull << (k & 63);
        }
        if (def->flags & TCG_OPF_BB_EXIT) {
            open = false;           /* nothing live after it */
        } else if (op->opc == INDEX_op_br) {
            succ[b][0] = arg_label(op->args[0])->id;
            back_target[succ[b][0]] |= label_block[succ[b][0]] >= 0;
            succ_is_label[b][0] = true;
            open = false;
        } else if (op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) {
            succ[b][1] = arg_label(op->args[3])->id;
            succ_is_label[b][1] = true;
            back_target[succ[b][1]] |= label_block[succ[b][1]] >= 0;
            /* The fall-through starts a new block. */
            if (nb == LIVENESS_LOOP_BLOCKS) {
                return false;
            }
            succ[b][0] = nb;
            succ_is_label[b][0] = false;
            int c = nb++;
            memset(gen[c], 0, nw * 8);
            memset(kill[c], 0, nw * 8);
            memset(in[c], 0, nw * 8);
            succ[c][0] = succ[c][1] = -1;
        }
    }
    /* Labels as block numbers. */
    for (int b = 0; b < nb; b++) {
        for (int k = 0; k < 2; k++) {
            if (succ[b][k] >= 0 && succ_is_label[b][k]) {
                succ[b][k] = label_block[succ[b][k]];
                succ_is_label[b][k] = false;
            }
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (int b = nb - 1; b >= 0; b--) {
            for (int w = 0; w < nw; w++) {
                uint64_t out = 0;
                for (int k = 0; k < 2; k++) {
                    if (succ[b][k] >= 0) {
                        out |= in[succ[b][k]][w];
                    }
                }
                uint64_t v = gen[b][w] | (out & ~kill[b][w]);
                if (v != in[b][w]) {
                    in[b][w] = v;
                    changed = true;
                }
            }
        }
    }
    /* Only the targets of backward branches: the main pass meets every other
     * label before the branches to it and records its set there. */
    for (int l = 0; l < s->nb_labels; l++) {
        int b = label_block[l];
        if (b < 0 || !back_target[l]) {
            continue;
        }
        for (int i = ng; i < nt; i++) {
            ls->label_live[l][i] = (in[b][i >> 6] >> (i & 63) & 1) ? 0 : TS_DEAD;
        }
        ls->label_seen[l] = true;
    }
    return true;
}

/*
 * Fill the per-pass tables used by liveness_bb_end and liveness_bb_exit. The
 * globals' part depends only on the globals, which are all created at start-up:
 * it is rebuilt only when their number changes (a new context in the unit tests
 * has env as its only TEMP_FIXED, like every context, so equal counts mean equal
 * kinds).
 */
static void liveness_init_tables(LivenessState *ls)
{
    TCGContext *s = ls->s;
    int i;

    if (ls->nb_global_state != s->nb_globals) {
        for (i = 0; i < s->nb_globals; i++) {
            ls->global_state[i] = s->temps[i].kind == TEMP_GLOBAL ? TS_DEAD | TS_MEM : 0;
        }
        ls->nb_global_state = s->nb_globals;
    }
    for (i = s->nb_globals; i < s->nb_temps; i++) {
        ls->tb_mask[i] = s->temps[i].kind == TEMP_TB ? 0xff : 0;
    }
}

/*
 * State just after a basic-block end (label or branch): globals in env; constants
 * dead; a TEMP_TB kept live (so the backend saves it across the edge) when it may
 * be read later. With loops every TEMP_TB is kept live. Without them the rule is
 * exact when the branch's label is known (label_live): live at the label, or, for
 * a conditional branch or a label itself, live on the fall-through path too; a
 * label never placed falls back to "read anywhere later in program order".
 * Temps past nb_globals are only TEMP_TB or TEMP_CONST.
 */
static void liveness_bb_end(LivenessState *ls, const TCGOp *op)
{
    TCGContext *s = ls->s;
    int ng = s->nb_globals, nt = s->nb_temps;
    uint8_t *restrict st = ls->state;
    const uint8_t *restrict tbm = ls->tb_mask;
    const bool *restrict rl = ls->read_later;
    int label = -1;

    if (op->opc == INDEX_op_set_label || op->opc == INDEX_op_br) {
        label = arg_label(op->args[0])->id;
    } else if (op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) {
        label = arg_label(op->args[3])->id;
    }

    memcpy(st, ls->global_state, ng);
    if (ls->backward_branch) {
        for (int i = ng; i < nt; i++) {
            st[i] = TS_DEAD & ~tbm[i];
        }
    } else if (op->opc == INDEX_op_set_label) {
        /* What follows the label is what any path into it needs. */
        uint8_t *restrict in = ls->label_live[label];
        for (int i = ng; i < nt; i++) {
            st[i] = (st[i] | ~tbm[i]) & TS_DEAD;
            in[i] = st[i];
        }
        ls->label_seen[label] = true;
    } else if (label >= 0 && ls->label_seen[label]) {
        const uint8_t *restrict in = ls->label_live[label];
        uint8_t fall = op->opc == INDEX_op_br ? 0xff : 0;
        for (int i = ng; i < nt; i++) {
            st[i] = in[i] & (st[i] | fall | ~tbm[i]) & TS_DEAD;
        }
    } else {
        for (int i = ng; i < nt; i++) {
            st[i] = TS_DEAD & ~(tbm[i] & (uint8_t)-(uint8_t)rl[i]);
        }
    }
}

/* State just after leaving the TB: globals in env, everything else dead. */
static void liveness_bb_exit(LivenessState *ls)
{
    TCGContext *s = ls->s;

    memcpy(ls->state, ls->global_state, s->nb_globals);
    memset(ls->state + s->nb_globals, TS_DEAD, s->nb_temps - s->nb_globals);
}

/*
 * The three below change the globals' entries only: global_state[] is
 * TS_DEAD | TS_MEM for a TEMP_GLOBAL and 0 for TEMP_FIXED (whose state is always 0,
 * so clearing TS_DEAD there changes nothing), which makes each a plain loop.
 */

/*
 * The three below run before many ops (every guest memory access, most calls), so
 * they work on eight states per step; -O2 does not vectorise a byte loop whose
 * count is not a multiple of the vector. For each global i:
 *     st[i] = (st[i] & and_mask) | (gs[i] & or_mask)      (masks per byte)
 */
static void liveness_globals_update(LivenessState *ls, uint8_t and_mask, uint8_t or_mask)
{
    const uint64_t ones = 0x0101010101010101ull;
    const uint64_t am = ones * and_mask, om = ones * or_mask;
    int ng = ls->s->nb_globals, i = 0;
    uint8_t *st = ls->state;
    const uint8_t *gs = ls->global_state;

    for (; i + 8 <= ng; i += 8) {
        uint64_t a, b;
        memcpy(&a, st + i, 8);
        memcpy(&b, gs + i, 8);
        a = (a & am) | (b & om);
        memcpy(st + i, &a, 8);
    }
    for (; i < ng; i++) {
        st[i] = (st[i] & and_mask) | (gs[i] & or_mask);
    }
}

/* Before a call that may write globals: register copies die, memory must hold them. */
static void liveness_global_kill(LivenessState *ls)
{
    liveness_globals_update(ls, 0xff, 0xff);
}

/* Before something that reads env (helper, possible fault): globals in memory. */
static void liveness_global_sync(LivenessState *ls)
{
    liveness_globals_update(ls, 0xff, TS_MEM);
}

/* Before an access whose slow path writes dirty globals back itself: every global's
 * current value is needed (in a register or in env), though not yet in env. */
static void liveness_global_use(LivenessState *ls)
{
    liveness_globals_update(ls, (uint8_t)~TS_DEAD, 0);
}

void tcg_liveness(TCGContext *s)
{
    /* One state for every pass (translation is single-threaded); only the entries
     * of this TB's temps are (re)initialised, by liveness_bb_exit below. */
    static LivenessState *ls;
    TCGOp *op, *prev;
    int i;

    if (!ls) {
        ls = g_new0(LivenessState, 1);
        ls->label_live = g_malloc0(sizeof(uint8_t[TCG_MAX_LABELS][TCG_MAX_TEMPS]));
    }
    memset(ls->read_later, 0, sizeof(ls->read_later[0]) * s->nb_temps);
    memset(ls->label_seen, 0, sizeof(ls->label_seen[0]) * s->nb_labels);
    ls->s = s;
    ls->backward_branch = s->backward_branch_known ? s->backward_branch
                                                   : liveness_has_backward_branch(s);
    s->backward_branch_known = false;
    liveness_init_tables(ls);
    if (ls->backward_branch && liveness_loop_labels(ls)) {
        /* Every label's live-in set is known: the exact rules apply. */
        ls->backward_branch = false;
    }
    liveness_bb_exit(ls);

    for (op = s->last_op; op; op = prev) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nb_o = tcg_op_nb_oargs(op);
        int nb_i = tcg_op_nb_iargs(op);
        unsigned call_flags = 0;
        bool removable;
        uint16_t dead = 0, sync = 0;

        prev = op->prev;

        if (op->opc == INDEX_op_insn_start) {
            /* One per guest insn, a fifth of all ops: no temps, no effects. */
            op->life_dead = op->life_sync = 0;
            continue;
        }
        if (op->opc == INDEX_op_discard) {
            TCGTemp *ts = arg_temp(op->args[0]);
            ls->state[ts->index] = TS_DEAD;
            ls->read_later[ts->index] = false;
            op->life_dead = op->life_sync = 0;
            continue;
        }

        if (op->opc == INDEX_op_call) {
            const TCGHelperInfo *info =
                (const TCGHelperInfo *)(uintptr_t)op->args[nb_o + nb_i + 1];
            call_flags = info->flags;
            removable = (call_flags & TCG_CALL_NO_SIDE_EFFECTS) != 0;
        } else {
            removable = nb_o > 0 && !(def->flags & TCG_OPF_SIDE_EFFECTS);
        }
        if (removable) {
            for (i = 0; i < nb_o; i++) {
                if (ls->state[arg_temp(op->args[i])->index] != TS_DEAD) {
                    removable = false;
                    break;
                }
            }
            if (removable) {
                tcg_op_remove(s, op);
                continue;
            }
        }

        /* Control flow: the state after the op is fixed by the block rules. */
        if (def->flags & TCG_OPF_BB_EXIT) {
            liveness_bb_exit(ls);
        } else if (def->flags & TCG_OPF_BB_END) {
            liveness_bb_end(ls, op);
        }

        /* Outputs: the value before this op is dead. */
        for (i = 0; i < nb_o; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            uint8_t st = ls->state[ts->index];
            /* Writing an interned constant is a translator bug. */
            assert(ts->kind != TEMP_CONST);
            if (st & TS_DEAD) {
                dead |= 1u << i;
            }
            if ((st & TS_MEM) && ts->kind == TEMP_GLOBAL) {
                sync |= 1u << i;
            }
            ls->state[ts->index] = ts->kind == TEMP_FIXED ? 0 : TS_DEAD;
        }

        /* Effects on env-resident globals before the op. */
        if (op->opc == INDEX_op_call) {
            if (!(call_flags & TCG_CALL_NO_WRITE_GLOBALS)) {
                liveness_global_kill(ls);
            } else if (!(call_flags & TCG_CALL_NO_READ_GLOBALS)) {
                liveness_global_sync(ls);
            }
        } else if (tcg_opc_is_guest_mem(op->opc)) {
            if (s->backend_syncs_ldst) {
                liveness_global_use(ls);
            } else {
                liveness_global_sync(ls);
            }
        }

        /* Inputs: first the dead bits, then mark them live (an input may repeat). */
        for (i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            if (ts->kind != TEMP_FIXED && (ls->state[ts->index] & TS_DEAD)) {
                dead |= 1u << i;
            }
        }
        for (i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            ls->state[ts->index] &= ~TS_DEAD;
            ls->read_later[ts->index] = true;
        }

        op->life_dead = dead;
        op->life_sync = sync;
    }
}
