/*
 * Self loops in the x86-64 backend (see tcg/loop.c for how they are found): the
 * globals a loop body uses most are pinned to host registers for the whole TB,
 * loaded once before the loop head, kept there across the chained self edge and
 * written back only where env must hold them (exits, helper calls, the slow paths
 * of guest accesses). The register allocator (regalloc.c) treats a pinned global's
 * register as its home: never free, never given to another temp, and never left
 * for env at a block end.
 */
#include "x86-internal.h"

/*
 * Registers a pinned global may take, in order: callee-saved ones first (they
 * survive helper calls), then caller-saved ones that no op constraint names (rax,
 * rcx and rdx are wanted by shifts, multiplies and divisions); the slow paths of
 * guest accesses save the caller-saved ones that are live around their call.
 */
static const int8_t x86_pin_order[] = {
    X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15, X86_R10, X86_R9, X86_R8,
};
#define X86_PIN_CALLEE_SAVED 5

/*
 * Registers an op needs besides the pinned ones when the first n candidates are
 * pinned: its distinct operands that are neither constants nor pinned, plus two
 * for the scratch of a guest access (the TLB entry, a shared check's addend).
 */
static void x86_pin_op_need(const TCGOp *op, int n, const uint16_t *rank,
                            int *maxneed)
{
    int nb = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
    int cnt[ARRAY_SIZE(x86_pin_order) + 1] = { 0 };

    /* cnt[r]: distinct operands that are neither constants nor candidates below
     * rank r... counted by their rank (candidates) or as never pinned (n). */
    for (int i = 0; i < nb; i++) {
        TCGTemp *ts = arg_temp(op->args[i]);
        bool dup = ts->kind == TEMP_CONST || ts->kind == TEMP_FIXED;
        for (int j = 0; j < i && !dup; j++) {
            dup = arg_temp(op->args[j]) == ts;
        }
        if (!dup) {
            cnt[MIN(rank[ts->index], n)]++;
        }
    }
    /* Pinning the first k: the operands of rank k or more need a register. */
    int need = 2 + cnt[n];
    for (int k = n; k >= 1; k--) {
        maxneed[k] = MAX(maxneed[k], need);
        need += cnt[k - 1];
    }
}

/*
 * Front ends often compute into a scratch temp and then move it into the guest
 * register ("add t, esi, 4; mov esi, t"). For a pinned global that mov would be
 * real code; instead the op defining t is told to use the global's register
 * (TCGOp.out_hint) when, between the two, nothing reads or writes the global or
 * redefines t, and nothing may need the global's old value: no block end, exit,
 * call or guest access (whose slow path writes globals back) in between.
 */
#define X86_HINT_WINDOW 8

static void x86_pin_hints(X86Gen *g)
{
    for (TCGOp *op = g->s->first_op; op; op = op->next) {
        if (op->opc == INDEX_op_call || op->opc == INDEX_op_mov_i32 ||
            op->opc == INDEX_op_mov_i64 || tcg_op_nb_oargs(op) == 0) {
            continue;
        }
        TCGTemp *t = arg_temp(op->args[0]);
        if (t->kind != TEMP_TB || IS_DEAD_ARG(op, 0)) {
            continue;
        }
        int n = 0;
        uint16_t touched = 0;       /* pinned registers read or written meanwhile */
        for (TCGOp *m = op->next; m && n < X86_HINT_WINDOW; m = m->next, n++) {
            const TCGOpDef *def = &tcg_op_defs[m->opc];
            int nb = tcg_op_nb_oargs(m) + tcg_op_nb_iargs(m);
            if ((m->opc == INDEX_op_mov_i32 || m->opc == INDEX_op_mov_i64) &&
                arg_temp(m->args[1]) == t && IS_DEAD_ARG(m, 1)) {
                TCGTemp *gl = arg_temp(m->args[0]);
                int pin = x86_pin_reg(g, gl);
                bool ok = pin >= 0 && gl->type == t->type &&
                          !(touched & X86_REG_BIT(pin));
                /* The defining op must not write the global too. */
                for (int i = 0; ok && i < tcg_op_nb_oargs(op); i++) {
                    ok = arg_temp(op->args[i]) != gl;
                }
                if (ok) {
                    op->out_hint = pin + 1;
                }
                break;
            }
            if (m->opc == INDEX_op_discard) {
                if (arg_temp(m->args[0]) == t) {
                    break;
                }
                continue;
            }
            if (m->opc == INDEX_op_call || m->opc == INDEX_op_set_label ||
                tcg_opc_is_guest_mem(m->opc) ||
                (def->flags & (TCG_OPF_BB_END | TCG_OPF_BB_EXIT))) {
                break;
            }
            bool redefined = false;
            for (int i = 0; i < nb; i++) {
                TCGTemp *a = arg_temp(m->args[i]);
                if (a->kind == TEMP_GLOBAL && x86_pin_reg(g, a) >= 0) {
                    touched |= X86_REG_BIT(x86_pin_reg(g, a));
                }
                redefined |= i < tcg_op_nb_oargs(m) && a == t;
            }
            if (redefined) {
                break;
            }
        }
    }
}

/* Does an env load or store of the TB (not through the global) touch ts's bytes? */
static bool x86_pin_env_touched(TCGContext *s, TCGTemp *ts)
{
    intptr_t lo = ts->mem_offset, hi = lo + (ts->type == TCG_TYPE_I32 ? 4 : 8);

    for (TCGOp *op = s->first_op; op; op = op->next) {
        int size;
        switch (op->opc) {
        case INDEX_op_ld8u_i32: case INDEX_op_ld8s_i32: case INDEX_op_st8_i32:
        case INDEX_op_ld8u_i64: case INDEX_op_ld8s_i64: case INDEX_op_st8_i64:
            size = 1;
            break;
        case INDEX_op_ld16u_i32: case INDEX_op_ld16s_i32: case INDEX_op_st16_i32:
        case INDEX_op_ld16u_i64: case INDEX_op_ld16s_i64: case INDEX_op_st16_i64:
            size = 2;
            break;
        case INDEX_op_ld_i32: case INDEX_op_st_i32:
        case INDEX_op_ld32u_i64: case INDEX_op_ld32s_i64: case INDEX_op_st32_i64:
            size = 4;
            break;
        case INDEX_op_ld_i64: case INDEX_op_st_i64:
            size = 8;
            break;
        default:
            continue;
        }
        /* ld: (out, base, offset); st: (value, base, offset). */
        intptr_t off = (intptr_t)op->args[2];
        if (arg_temp(op->args[1])->kind == TEMP_FIXED && off < hi && lo < off + size) {
            return true;
        }
    }
    return false;
}

/*
 * The candidates (tcg/loop.c's ranking) that the loop itself uses. A loop inside a
 * region TB often starts past some set-up code (mpihelp_submul_1 copies ra and
 * clears two registers before its loop head), and the ranking counts the uses
 * from the TB's start: a global only the set-up reads took a register there that
 * the loop's own values then lacked, and they went through env every iteration.
 * The body runs from the first label a backward branch goes to through the last
 * backward branch (whose compare reads its inputs every iteration too). A self
 * loop's body starts at the TB's start: all candidates stay.
 */
static int x86_pin_candidates(TCGContext *s, TCGTemp **cand)
{
    static bool seen[TCG_MAX_LABELS], back[TCG_MAX_LABELS];
    static bool used[TCG_MAX_TEMPS];
    TCGOp *end = s->loop_body_end, *head = NULL;
    int n = 0;

    if (s->loop_internal && !s->loop_slots && end) {
        memset(seen, 0, sizeof(seen[0]) * s->nb_labels);
        memset(back, 0, sizeof(back[0]) * s->nb_labels);
        for (TCGOp *op = s->first_op; op; op = op->next) {
            TCGLabel *l = NULL;
            if (op->opc == INDEX_op_set_label) {
                seen[arg_label(op->args[0])->id] = true;
            } else if (op->opc == INDEX_op_br) {
                l = arg_label(op->args[0]);
            } else if (op->opc == INDEX_op_brcond_i32 || op->opc == INDEX_op_brcond_i64) {
                l = arg_label(op->args[3]);
            }
            if (l && seen[l->id]) {
                back[l->id] = true;
            }
            if (op == end) {
                break;
            }
        }
        for (TCGOp *op = s->first_op; op && op != end; op = op->next) {
            if (op->opc == INDEX_op_set_label && back[arg_label(op->args[0])->id]) {
                head = op;
                break;
            }
        }
    }
    if (!head) {
        memcpy(cand, s->loop_globals, sizeof(cand[0]) * s->nb_loop_globals);
        return s->nb_loop_globals;
    }
    memset(used, 0, sizeof(used[0]) * s->nb_globals);
    for (TCGOp *op = head; op; op = op->next) {
        int nb = tcg_op_nb_oargs(op) + tcg_op_nb_iargs(op);
        if (op->opc != INDEX_op_set_label && op->opc != INDEX_op_br) {
            for (int i = 0; i < nb; i++) {
                TCGTemp *ts = arg_temp(op->args[i]);
                if (ts->index < s->nb_globals) {
                    used[ts->index] = true;
                }
            }
        }
        if (op == end) {
            break;
        }
    }
    for (int i = 0; i < s->nb_loop_globals; i++) {
        if (used[s->loop_globals[i]->index]) {
            cand[n++] = s->loop_globals[i];
            used[s->loop_globals[i]->index] = false;
        }
    }
    /* Last, the globals only the back edge's compare reads (the CRC loop's end
     * pointer in "bne t0, s2, head"): the ranking ends the body before that branch,
     * yet it reads them every iteration, from env. Unless the TB reads or writes
     * their env bytes directly (then env must stay their home, as the ranking
     * decides for the others). */
    if (end->opc == INDEX_op_brcond_i32 || end->opc == INDEX_op_brcond_i64) {
        for (int i = 0; i < 2; i++) {
            TCGTemp *ts = arg_temp(end->args[i]);
            if (ts->kind == TEMP_GLOBAL && used[ts->index] && !x86_pin_env_touched(s, ts)) {
                cand[n++] = ts;
                used[ts->index] = false;
            }
        }
    }
    return n;
}

bool x86_pin_setup(X86Gen *g)
{
    TCGContext *s = g->s;
    static TCGTemp *cand[TCG_MAX_TEMPS];
    /* A loop-invariant access's host address takes a register of the same kind
     * (ldst-loop.c, x86_hoist_*): it saves the body a TLB check, more than a pinned
     * global saves, so those registers go first. */
    int nh = x86_hoist_plan(g);
    int nalloc = __builtin_popcount(X86_ALLOCATABLE) - nh;
    int nc = x86_pin_candidates(s, cand);
    int n = MIN(nc, s->loop_has_call ? X86_PIN_CALLEE_SAVED
                                     : (int)ARRAY_SIZE(x86_pin_order));
    n = MIN(n, (int)ARRAY_SIZE(x86_pin_order) - nh);

    /* Leave registers for the scratch values live at once (measured on the op
     * list with liveness's dead bits) plus four for a guest access's TLB entry
     * and addend and the ops that want rax, rcx or rdx: a loop that spills its
     * scratch values to the frame loses more than resident globals win. */
    static uint8_t live[TCG_MAX_TEMPS];
    int nlive = 0, maxlive = 0;
    memset(live, 0, s->nb_temps);
    for (TCGOp *op = s->first_op; op; op = op->next) {
        int nb_o = tcg_op_nb_oargs(op), nb_i = tcg_op_nb_iargs(op);
        if (op->opc == INDEX_op_discard) {
            int idx = arg_temp(op->args[0])->index;
            nlive -= live[idx];
            live[idx] = 0;
            continue;
        }
        for (int i = nb_o; i < nb_o + nb_i; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            if (ts->kind == TEMP_TB && IS_DEAD_ARG(op, i) && live[ts->index]) {
                live[ts->index] = 0;
                nlive--;
            }
        }
        for (int i = 0; i < nb_o; i++) {
            TCGTemp *ts = arg_temp(op->args[i]);
            if (ts->kind == TEMP_TB && !IS_DEAD_ARG(op, i) && !live[ts->index]) {
                live[ts->index] = 1;
                nlive++;
            }
        }
        maxlive = MAX(maxlive, nlive);
        if (op == s->loop_body_end) {
            break;          /* the code after it runs once */
        }
    }
    n = MIN(n, nalloc - (maxlive + 4));

    /* As many as leave every op enough registers (and never fewer than five:
     * rax, rcx and rdx for the ops that want them, two more for the rest).
     * rank: a temp's place among the candidates (pinned when below n). */
    static uint16_t rank[TCG_MAX_TEMPS];
    memset(rank, 0xff, sizeof(rank[0]) * s->nb_temps);
    for (int i = 0; i < n; i++) {
        rank[cand[i]->index] = i;
    }
    int maxneed[ARRAY_SIZE(x86_pin_order) + 1];
    for (int k = 0; k <= n; k++) {
        maxneed[k] = 5;
    }
    if (n > 0) {
        for (TCGOp *op = s->first_op; op; op = op->next) {
            if (op->opc != INDEX_op_call) {
                x86_pin_op_need(op, n, rank, maxneed);
            }
        }
    }
    while (n > 0 && maxneed[n] > nalloc - n) {
        n--;
    }
    if (n <= 0) {
        return false;
    }
    /* Which globals the TB writes: one walk for all of them. */
    static bool wr[TCG_MAX_TEMPS];
    memset(wr, 0, s->nb_globals);
    for (TCGOp *op = s->first_op; op; op = op->next) {
        for (int k = 0; k < tcg_op_nb_oargs(op); k++) {
            TCGTemp *ts = arg_temp(op->args[k]);
            if (ts->index < s->nb_globals) {
                wr[ts->index] = true;
            }
        }
    }
    g->pin_written = 0;
    for (int i = 0; i < n; i++) {
        TCGTemp *ts = cand[i];
        int reg = x86_pin_order[i];
        bool written = wr[ts->index];

        g->pin_reg[ts->index] = reg;
        if (ts->index < X86_RA_GLOB_BITS) {
            g->ra_globs_pinned[ts->index >> 6] |= 1ull << (ts->index & 63);
            g->ra_globs[ts->index >> 6] |= 1ull << (ts->index & 63);
        }
        g->pin_temp[reg] = ts;
        g->pinned |= X86_REG_BIT(reg);
        g->free_regs &= ~X86_REG_BIT(reg);
        g->reg_to_temp[reg] = ts;
        x86_emit_ld(g, ts->type, reg, X86_AREG0, ts->mem_offset);
        ts->val_type = TEMP_VAL_REG;
        ts->reg = reg;
        /* Dirty from the head on if the TB writes it (an earlier iteration may
         * have): every way out stores it. One it only reads stays coherent. */
        ts->mem_coherent = !written;
        if (written) {
            g->pin_written |= X86_REG_BIT(reg);
        }
    }
    /* The hoisted addresses: the next registers in pin order. */
    for (int h = 0, k = n; h < g->nb_hoist; h++) {
        if (g->hoist_reg[h] == -2) {
            int reg = x86_pin_order[k++];
            g->hoist_reg[h] = reg;
            g->hoist_regs |= X86_REG_BIT(reg);
            g->free_regs &= ~X86_REG_BIT(reg);
        }
    }
    x86_pin_hints(g);
    s->stat_loop_tbs++;
    s->stat_loop_globals += n;
    return true;
}

void x86_pin_home(X86Gen *g, TCGTemp *ts)
{
    int pin = x86_pin_reg(g, ts);
    int from = ts->reg;

    if (from == pin) {
        return;
    }
    x86_ra_move(g, ts, pin);       /* a pinned register is never in free_regs */
    g->pin_pending &= ~X86_REG_BIT(pin);
}

void x86_pin_fixup(X86Gen *g)
{
    while (g->pin_pending) {
        x86_pin_home(g, g->pin_temp[__builtin_ctz(g->pin_pending)]);
    }
}

void x86_pin_sync_others(X86Gen *g)
{
    TCGTemp *list[TCG_MAX_TEMPS];
    int n = x86_ra_dirty_globals(g, list);

    for (int i = 0; i < n; i++) {
        if (g->pin_reg[list[i]->index] < 0) {
            x86_ra_sync(g, list[i]);
        }
    }
}

void x86_pin_reload(X86Gen *g)
{
    for (uint16_t m = g->pinned; m; m &= m - 1) {
        int reg = __builtin_ctz(m);
        TCGTemp *ts = g->pin_temp[reg];
        x86_emit_ld(g, ts->type, reg, X86_AREG0, ts->mem_offset);
        ts->mem_coherent = true;
    }
}
