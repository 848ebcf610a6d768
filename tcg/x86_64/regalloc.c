/*
 * Register allocator of the x86-64 backend: a single forward pass over one TB's op
 * list, in the spirit of a local (per basic block) allocator.
 *
 * State per temp (TCGTemp.val_type/reg/mem_coherent):
 *   REG   - value in host register .reg; .mem_coherent says whether the memory copy
 *           (env field for globals, frame slot for TEMP_TB) holds the same value;
 *   MEM   - value only in memory;
 *   CONST - value known at translation time (TCGTemp.val), possibly also in memory
 *           when .mem_coherent;
 *   DEAD  - no value.
 * Liveness (op->life_dead / life_sync) frees registers early and says where globals
 * must be written back; without it the allocator is still correct, only slower:
 * globals are written back at every basic-block end, call and guest memory access,
 * and TEMP_TB values are saved to their frame slot at basic-block ends.
 */
#include "x86-internal.h"

/* Preference order: callee-saved registers first, so values survive helper calls;
 * rax/rcx/rdx last because shifts, division and calls want them. */
static const int8_t x86_alloc_order[] = {
    X86_RBX, X86_R12, X86_R13, X86_R14, X86_R15, X86_R10, X86_R9, X86_R8,
    X86_RDI, X86_RSI, X86_RAX, X86_RDX, X86_RCX,
};

static int x86_mem_base(const TCGTemp *ts)
{
    return ts->kind == TEMP_GLOBAL ? X86_AREG0 : X86_RSP;
}

/* Put ts on the list that block ends and labels visit (see X86Gen.ra_active). */
static inline void x86_ra_note(X86Gen *g, TCGTemp *ts)
{
    /* A pinned global never needs a block-end write-back or a label reset. */
    if (!g->ra_listed[ts->index] && x86_pin_reg(g, ts) < 0) {
        g->ra_listed[ts->index] = 1;
        g->ra_active[g->nb_ra_active++] = ts;
        if (ts->index < X86_RA_GLOB_BITS && ts->kind == TEMP_GLOBAL) {
            g->ra_globs[ts->index >> 6] |= 1ull << (ts->index & 63);
        }
    }
}

int x86_ra_dirty_globals(const X86Gen *g, TCGTemp **list)
{
    TCGContext *s = g->s;
    int n = 0;

    if (s->nb_globals > X86_RA_GLOB_BITS) {
        for (int i = 0; i < s->nb_globals; i++) {
            list[n++] = &s->temps[i];
        }
        return n;
    }
    for (int w = 0; w < X86_RA_GLOB_WORDS; w++) {
        for (uint64_t m = g->ra_globs[w]; m; m &= m - 1) {
            list[n++] = &s->temps[w * 64 + __builtin_ctzll(m)];
        }
    }
    return n;
}

void x86_ra_init(X86Gen *g)
{
    TCGContext *s = g->s;

    g->nb_ra_slotted = 0;
    memset(g->ra_globs, 0, sizeof(g->ra_globs));
    memset(g->ra_globs_pinned, 0, sizeof(g->ra_globs_pinned));
    g->pinned = 0;
    g->hoist_regs = 0;
    g->pin_pending = 0;
    memset(g->pin_reg, -1, sizeof(g->pin_reg[0]) * s->nb_globals);
    /* Only temps on the active list can be marked listed (x86_ra_note). */
    for (int i = 0; i < g->nb_ra_active; i++) {
        g->ra_listed[g->ra_active[i]->index] = 0;
    }
    g->nb_ra_active = 0;
    /*
     * The temps and labels of a TB seen for the first time are as tcg_temp_alloc,
     * tcg_constant_internal and gen_new_label made them, which is the state wanted
     * here: only the globals (kept across TBs) need resetting. A second run over
     * the same ops (the unit tests) resets them all.
     */
    bool fresh = s->fresh_for_backend;
    int nt = fresh ? s->nb_globals : s->nb_temps;
    s->fresh_for_backend = false;
    for (int i = 0; i < nt; i++) {
        TCGTemp *ts = &s->temps[i];
        ts->reg = -1;
        switch (ts->kind) {
        case TEMP_FIXED:
            ts->val_type = TEMP_VAL_REG;
            ts->reg = X86_AREG0;
            ts->mem_coherent = true;
            break;
        case TEMP_GLOBAL:
            ts->val_type = TEMP_VAL_MEM;
            ts->mem_coherent = true;
            break;
        case TEMP_TB:
            ts->val_type = TEMP_VAL_DEAD;
            ts->mem_allocated = false;
            ts->mem_coherent = false;
            break;
        case TEMP_CONST:
            ts->val_type = TEMP_VAL_CONST;
            ts->mem_coherent = false;
            break;
        }
    }
    for (int r = 0; r < X86_NB_REGS; r++) {
        g->reg_to_temp[r] = NULL;
    }
    g->free_regs = X86_ALLOCATABLE;
    for (int i = 0; i < (fresh ? 0 : s->nb_labels); i++) {
        s->labels[i].has_value = false;
        s->labels[i].relocs = NULL;
    }
    s->frame_next = 0;
}

intptr_t x86_ra_frame_slot(X86Gen *g, TCGTemp *ts)
{
    if (!ts->mem_allocated) {
        if (g->s->frame_next + 8 > TCG_STATIC_FRAME_SIZE) {
            /* More simultaneously live scratch temps than frame slots: give up on
             * this TB like on a full buffer (the code is discarded). */
            g->overflow = true;
            return 0;
        }
        ts->mem_offset = g->s->frame_next;
        ts->mem_allocated = true;
        g->s->frame_next += 8;
        g->ra_slotted[g->nb_ra_slotted++] = ts;
    }
    return ts->mem_offset;
}

/* Make the memory copy of ts current. */
void x86_ra_sync(X86Gen *g, TCGTemp *ts)
{
    if (ts->kind == TEMP_CONST || ts->kind == TEMP_FIXED || ts->mem_coherent) {
        return;
    }
    /* Write-backs at a block end are the one unbounded sequence (one per live
     * temp): check room for each rather than rely on the per-op margin. The TB is
     * discarded once overflow is set, so skipping the store is harmless. */
    if (g->code_ptr + X86_MAX_SYNC_BYTES > g->code_end) {
        g->overflow = true;
        return;
    }
    if (ts->val_type == TEMP_VAL_REG) {
        intptr_t off = ts->kind == TEMP_TB ? x86_ra_frame_slot(g, ts) : ts->mem_offset;
        x86_emit_st(g, ts->type, ts->reg, x86_mem_base(ts), off);
        ts->mem_coherent = true;
    } else if (ts->val_type == TEMP_VAL_CONST) {
        intptr_t off = ts->kind == TEMP_TB ? x86_ra_frame_slot(g, ts) : ts->mem_offset;
        x86_emit_sti(g, ts->type, ts->val, x86_mem_base(ts), off);
        ts->mem_coherent = true;
    }
}

/* Forget that ts is in its register (its value must be elsewhere or dead). */
static void x86_ra_drop(X86Gen *g, TCGTemp *ts, bool dead)
{
    if (x86_pin_reg(g, ts) >= 0) {
        /* Its register is its home: liveness's dead bits (which assume env is
         * written at block ends) do not apply. */
        return;
    }
    if (ts->val_type == TEMP_VAL_REG && ts->kind != TEMP_FIXED) {
        g->reg_to_temp[ts->reg] = NULL;
        g->free_regs |= X86_REG_BIT(ts->reg);
        ts->reg = -1;
    }
    switch (ts->kind) {
    case TEMP_FIXED:
        return;
    case TEMP_CONST:
        ts->val_type = TEMP_VAL_CONST;
        return;
    case TEMP_GLOBAL:
        ts->val_type = TEMP_VAL_MEM;
        return;
    case TEMP_TB:
        if (dead) {
            /* The frame slot stays the temp's for the whole TB: every path into
             * a label must leave a value live across it in the same place. */
            ts->val_type = TEMP_VAL_DEAD;
        } else if (ts->val_type == TEMP_VAL_REG) {
            ts->val_type = TEMP_VAL_MEM;
        }
        return;
    }
}

void x86_ra_temp_dead(X86Gen *g, TCGTemp *ts)
{
    x86_ra_drop(g, ts, true);
}

void x86_ra_discard(X86Gen *g, TCGTemp *ts)
{
    x86_ra_drop(g, ts, true);
    if (ts->kind == TEMP_GLOBAL && x86_pin_reg(g, ts) < 0) {
        /* The env copy is as good as anything for a discarded global. */
        ts->mem_coherent = true;
    }
}

/* Spill: write the occupant of reg back if needed and free the register. */
void x86_ra_free_reg(X86Gen *g, int reg)
{
    TCGTemp *ts = g->reg_to_temp[reg];

    if (ts && x86_pin_reg(g, ts) >= 0) {
        /* A pinned global away from its register: it goes home, not to env. */
        assert(ts->reg == reg && reg != x86_pin_reg(g, ts));
        x86_pin_home(g, ts);
        return;
    }
    if (ts) {
        x86_ra_sync(g, ts);
        x86_ra_drop(g, ts, false);
    }
}

/* Give ts the register reg (an output): the old memory copy becomes stale. */
void x86_ra_set_reg(X86Gen *g, TCGTemp *ts, int reg)
{
    int pin = x86_pin_reg(g, ts);

    assert(ts->kind != TEMP_FIXED && ts->kind != TEMP_CONST);
    if (pin >= 0) {
        /* The pinned register keeps its old value until the fixup (an input of
         * this very op may still be read from it); nobody else may take it. */
        if (ts->reg != pin && ts->reg != reg) {
            g->reg_to_temp[ts->reg] = NULL;
            g->free_regs |= X86_REG_BIT(ts->reg);
        }
        ts->val_type = TEMP_VAL_REG;
        ts->reg = reg;
        ts->mem_coherent = false;
        g->reg_to_temp[reg] = ts;
        if (reg == pin) {
            g->pin_pending &= ~X86_REG_BIT(pin);
            g->free_regs &= ~X86_REG_BIT(pin);
        } else {
            g->reg_to_temp[pin] = NULL;
            g->free_regs &= ~X86_REG_BIT(reg);
            g->pin_pending |= X86_REG_BIT(pin);
        }
        return;
    }
    if (ts->val_type == TEMP_VAL_REG && ts->reg != reg) {
        g->reg_to_temp[ts->reg] = NULL;
        g->free_regs |= X86_REG_BIT(ts->reg);
    }
    assert(g->reg_to_temp[reg] == NULL || g->reg_to_temp[reg] == ts);
    ts->val_type = TEMP_VAL_REG;
    ts->reg = reg;
    ts->mem_coherent = false;
    g->reg_to_temp[reg] = ts;
    g->free_regs &= ~X86_REG_BIT(reg);
    x86_ra_note(g, ts);
}

static int x86_first_in_order(uint16_t set)
{
    for (unsigned i = 0; i < ARRAY_SIZE(x86_alloc_order); i++) {
        if (set & X86_REG_BIT(x86_alloc_order[i])) {
            return x86_alloc_order[i];
        }
    }
    return -1;
}

/*
 * A register from want (0: any) not in locked. A free one if possible; otherwise the
 * cheapest occupant is evicted: a cached constant (reloadable), then a value whose
 * memory copy is current, then any value (stored first).
 */
int x86_ra_alloc(X86Gen *g, uint16_t want, uint16_t locked)
{
    uint16_t cand = (want ? want : X86_ALLOCATABLE) & X86_ALLOCATABLE & ~locked &
                    ~g->pinned & ~g->hoist_regs;
    uint16_t cheap = 0, clean = 0;
    int reg;

    assert(cand != 0);
    reg = x86_first_in_order(cand & g->free_regs);
    if (reg >= 0) {
        return reg;
    }
    for (int r = 0; r < X86_NB_REGS; r++) {
        TCGTemp *ts = g->reg_to_temp[r];
        if (!(cand & X86_REG_BIT(r)) || !ts) {
            continue;
        }
        if (ts->kind == TEMP_CONST) {
            cheap |= X86_REG_BIT(r);
        } else if (ts->mem_coherent) {
            clean |= X86_REG_BIT(r);
        }
    }
    reg = x86_first_in_order(cheap);
    if (reg < 0) {
        reg = x86_first_in_order(clean);
    }
    if (reg < 0) {
        reg = x86_first_in_order(cand);
    }
    x86_ra_free_reg(g, reg);
    return reg;
}

/*
 * Move the occupant of reg out of the way: to a free register outside avoid when
 * one exists (no memory traffic), else to memory.
 */
void x86_ra_evict(X86Gen *g, int reg, uint16_t avoid)
{
    TCGTemp *ts = g->reg_to_temp[reg];
    int to;

    if (!ts) {
        return;
    }
    to = x86_first_in_order(g->free_regs & ~avoid & ~X86_REG_BIT(reg));
    if (to < 0 || ts->kind == TEMP_CONST) {
        x86_ra_free_reg(g, reg);
        return;
    }
    x86_ra_move(g, ts, to);
}

/* Move ts from the register it is in to register to (which must be free): a host
 * mov; its memory copy, coherent or not, stays as it was. */
void x86_ra_move(X86Gen *g, TCGTemp *ts, int to)
{
    int from = ts->reg;

    x86_emit_mov(g, TCG_TYPE_I64, to, from);
    g->reg_to_temp[from] = NULL;
    g->free_regs |= X86_REG_BIT(from);
    ts->reg = to;
    g->reg_to_temp[to] = ts;
    g->free_regs &= ~X86_REG_BIT(to);
}

/*
 * Get ts into a register of want (0: any) avoiding locked. A temp already in an
 * acceptable register stays there. If it sits in an unacceptable one, the value is
 * copied into a scratch register that no temp owns (valid for this op only).
 * Loading from memory or materializing a constant makes ts own the register unless
 * copy is set (the op destroys the register while ts stays live). any: the operand
 * takes any register, so env can be used where it lives.
 */
static int x86_ra_load_ex(X86Gen *g, TCGTemp *ts, uint16_t want, uint16_t locked,
                          bool copy, bool any)
{
    uint16_t ok = want ? want : X86_ALLOCATABLE;
    int reg;

    if (ts->kind == TEMP_FIXED && !copy && any) {
        /* env is read in place (AREG0 is never allocatable, so no register set
         * of an "any register" operand contains it). */
        return ts->reg;
    }
    if (ts->val_type == TEMP_VAL_REG) {
        if ((ok & X86_REG_BIT(ts->reg)) && !copy) {
            return ts->reg;
        }
        reg = x86_ra_alloc(g, want, locked | X86_REG_BIT(ts->reg));
        x86_emit_mov(g, TCG_TYPE_I64, reg, ts->reg);
        return reg;
    }
    reg = x86_ra_alloc(g, want, locked);
    switch (ts->val_type) {
    case TEMP_VAL_CONST:
        x86_emit_movi(g, ts->type, reg, ts->val);
        break;
    case TEMP_VAL_MEM:
        x86_emit_ld(g, ts->type, reg, x86_mem_base(ts), ts->mem_offset);
        break;
    default:
        /* Reading a temp that was never written: a translator bug, but harmless
         * to the host: the register just holds whatever it held. */
        break;
    }
    if (!copy) {
        bool coherent = ts->val_type == TEMP_VAL_MEM ||
                        (ts->val_type == TEMP_VAL_CONST && ts->mem_coherent);
        ts->val_type = TEMP_VAL_REG;
        ts->reg = reg;
        ts->mem_coherent = coherent;
        g->reg_to_temp[reg] = ts;
        g->free_regs &= ~X86_REG_BIT(reg);
        x86_ra_note(g, ts);
    }
    return reg;
}

int x86_ra_load(X86Gen *g, TCGTemp *ts, uint16_t want, uint16_t locked)
{
    return x86_ra_load_ex(g, ts, want, locked, false, want == 0);
}

static bool x86_is_single_reg(uint16_t set)
{
    return set && !(set & (set - 1));
}

static bool x86_value_known(const TCGTemp *ts)
{
    return ts->val_type == TEMP_VAL_CONST ||
           (ts->kind == TEMP_CONST);
}

/* Is input k's temp also used by another input of the op? */
static bool x86_input_shared(const TCGOp *op, int nb_o, int nb_i, int k)
{
    for (int j = 0; j < nb_i; j++) {
        if (j != k && op->args[nb_o + j] == op->args[nb_o + k]) {
            return true;
        }
    }
    return false;
}

/* Does the op read ts and is ts dead after it (at every occurrence)? A pinned
 * global never is, whatever liveness says (its dead bits assume a write-back at
 * the next block end). */
static bool x86_input_dies(const X86Gen *g, const TCGOp *op, int nb_o, int nb_i,
                             const TCGTemp *ts)
{
    bool found = false;

    if (x86_pin_reg(g, ts) >= 0) {
        return false;
    }

    for (int j = 0; j < nb_i; j++) {
        if (arg_temp(op->args[nb_o + j]) == ts) {
            if (!IS_DEAD_ARG(op, nb_o + j)) {
                return false;
            }
            found = true;
        }
    }
    return found;
}

/* An output aliased to an input (two-address ops): copy that input into the
 * output's register reg, which becomes the input's register too. */
static void x86_ra_copy_alias(X86Gen *g, const TCGOp *op, const X86ArgCon *c,
                              X86OpRegs *r, int nb_o, int reg)
{
    if (c->flags & CON_ALIAS) {
        int i = c->alias;
        if (r->iconst[i]) {
            x86_emit_movi(g, arg_temp(op->args[nb_o + i])->type, reg, r->ival[i]);
            r->iconst[i] = false;
        } else {
            x86_emit_mov(g, TCG_TYPE_I64, reg, r->ireg[i]);
        }
        r->ireg[i] = reg;
    }
}

/*
 * Resolve an op's register constraints: load inputs, pick output registers, copy an
 * aliased input into its output register. On return the registers in r are valid for
 * emitting the op's code; x86_ra_op_finish() then does the liveness bookkeeping of
 * the outputs.
 */
void x86_ra_op(X86Gen *g, const TCGOp *op, int nb_o, int nb_i, const X86OpCon *con,
               X86OpRegs *r)
{
    uint16_t clob = con->clobber;
    uint16_t locked = 0;
    int order[6], n = 0;

    for (int k = 0; k < nb_o; k++) {
        if (x86_is_single_reg(con->o[k].regs)) {
            clob |= con->o[k].regs;
        }
    }
    /* Registers the op destroys must not hold anything that outlives it (in
     * register order; most ops destroy none). */
    for (uint16_t m = clob; m; m &= m - 1) {
        int reg = __builtin_ctz(m);
        TCGTemp *ts = g->reg_to_temp[reg];
        if (ts && !x86_input_dies(g, op, nb_o, nb_i, ts)) {
            x86_ra_evict(g, reg, clob);
        }
    }

    /* Inputs with a fixed register first, so they cannot be blocked by others. */
    for (int i = 0; i < nb_i; i++) {
        if (x86_is_single_reg(con->i[i].regs)) {
            order[n++] = i;
        }
    }
    for (int i = 0; i < nb_i; i++) {
        if (!x86_is_single_reg(con->i[i].regs)) {
            order[n++] = i;
        }
    }
    for (int k = 0; k < nb_i; k++) {
        int i = order[k];
        TCGTemp *ts = arg_temp(op->args[nb_o + i]);
        const X86ArgCon *c = &con->i[i];

        r->iconst[i] = false;
        r->ireg[i] = -1;
        if (x86_value_known(ts) &&
            ((c->flags & CON_ANYIMM) ||
             ((c->flags & CON_IMM) &&
              (ts->type == TCG_TYPE_I32 || x86_fits_s32(ts->val))))) {
            r->iconst[i] = true;
            r->ival[i] = ts->type == TCG_TYPE_I32 ? (int32_t)ts->val : ts->val;
            continue;
        }
        bool copy = (c->regs & clob) &&
                    (!IS_DEAD_ARG(op, nb_o + i) || x86_pin_reg(g, ts) >= 0);
        uint16_t want = c->regs ? c->regs : (uint16_t)(X86_ALLOCATABLE & ~clob);
        r->ireg[i] = x86_ra_load_ex(g, ts, want, locked, copy, c->regs == 0);
        locked |= X86_REG_BIT(r->ireg[i]);
    }

    /* Outputs. */
    uint16_t olocked = locked;
    for (int k = 0; k < nb_o; k++) {
        const X86ArgCon *c = &con->o[k];
        uint16_t want = c->regs ? c->regs : (uint16_t)(X86_ALLOCATABLE & ~clob);
        TCGTemp *ots = arg_temp(op->args[k]);
        int pin = x86_pin_reg(g, ots);
        int reg = -1;

        if (k == 0 && op->out_hint && !x86_is_single_reg(c->regs)) {
            /* A scratch value about to be moved into a pinned global: compute it
             * in that global's register (x86_pin_hints checked that nothing
             * reads the global's old value after this op). */
            int h = op->out_hint - 1, cnt = 0, idx = -1;
            for (int i = 0; i < nb_i; i++) {
                if (r->ireg[i] == h) {
                    cnt++;
                    idx = i;
                }
            }
            /* The global may be an input once, where a dying input could share
             * the output's register. */
            bool share_ok = cnt == 0 ||
                (cnt == 1 && !(c->flags & CON_NEW) &&
                 ((c->flags & CON_ALIAS) ? idx == c->alias :
                  (c->flags & CON_COMMUT) ? idx <= 1 : true));
            if ((want & X86_REG_BIT(h)) && share_ok &&
                g->pin_temp[h] && g->pin_temp[h]->reg == h) {
                g->reg_to_temp[h] = NULL;   /* the global's old value ends here */
                reg = h;
                x86_ra_copy_alias(g, op, c, r, nb_o, reg);
            }
        }
        if (reg < 0 && pin >= 0 && !x86_is_single_reg(c->regs) &&
            (want & X86_REG_BIT(pin)) && !(olocked & X86_REG_BIT(pin))) {
            /* A pinned global written from other values: compute it in its own
             * register (its old value is not an input, so nothing reads it). */
            bool is_input = false;
            for (int i = 0; i < nb_i; i++) {
                is_input |= arg_temp(op->args[nb_o + i]) == ots;
            }
            if (!is_input) {
                reg = pin;
                x86_ra_copy_alias(g, op, c, r, nb_o, reg);
            }
        }
        if (reg >= 0) {
            /* chosen above */
        } else if (x86_is_single_reg(c->regs) && !(c->flags & CON_ALIAS)) {
            /* A fixed output register: emptied above (or holding a dying input
             * or this op's own scratch copy). */
            reg = __builtin_ctz(c->regs);
        } else if (c->flags & (CON_ALIAS | CON_COMMUT)) {
            int first = c->flags & CON_ALIAS ? c->alias : 0;
            int last = c->flags & CON_ALIAS ? c->alias : 1;
            for (int i = first; i <= last && reg < 0; i++) {
                TCGTemp *ts = arg_temp(op->args[nb_o + i]);
                if (r->ireg[i] >= 0 && IS_DEAD_ARG(op, nb_o + i) &&
                    ts->kind != TEMP_FIXED && g->reg_to_temp[r->ireg[i]] == ts &&
                    (x86_pin_reg(g, ts) < 0 || ts == ots) &&
                    !x86_input_shared(op, nb_o, nb_i, i) &&
                    (want & X86_REG_BIT(r->ireg[i]))) {
                    reg = r->ireg[i];
                }
            }
            if (reg < 0) {
                reg = x86_ra_alloc(g, want, olocked);
                x86_ra_copy_alias(g, op, c, r, nb_o, reg);
            }
        } else if (c->flags & CON_NEW) {
            reg = x86_ra_alloc(g, want, olocked);
        } else {
            /* Any register; a dying input's register will do. */
            for (int i = 0; i < nb_i && reg < 0; i++) {
                TCGTemp *ts = arg_temp(op->args[nb_o + i]);
                if (r->ireg[i] >= 0 && IS_DEAD_ARG(op, nb_o + i) &&
                    ts->kind != TEMP_FIXED && g->reg_to_temp[r->ireg[i]] == ts &&
                    (x86_pin_reg(g, ts) < 0 || ts == ots) &&
                    !x86_input_shared(op, nb_o, nb_i, i) &&
                    (want & X86_REG_BIT(r->ireg[i]))) {
                    reg = r->ireg[i];
                }
            }
            if (reg < 0) {
                reg = x86_ra_alloc(g, want, olocked);
            }
        }
        r->oreg[k] = reg;
        olocked |= X86_REG_BIT(reg);
    }

    /* Dead inputs release their registers; then outputs take theirs. */
    for (int i = 0; i < nb_i; i++) {
        if (IS_DEAD_ARG(op, nb_o + i)) {
            x86_ra_temp_dead(g, arg_temp(op->args[nb_o + i]));
        }
    }
    for (int k = 0; k < nb_o; k++) {
        TCGTemp *ts = arg_temp(op->args[k]);
        if (g->reg_to_temp[r->oreg[k]] && g->reg_to_temp[r->oreg[k]] != ts) {
            /* Only an input still living in a register the op overwrites (an
             * aliased, shared input): its memory copy is already current or it
             * would not have been picked; just forget the register copy. */
            x86_ra_free_reg(g, r->oreg[k]);
        }
        x86_ra_set_reg(g, ts, r->oreg[k]);
    }
}

/* After the op's code: write back outputs liveness asks for, free dead ones. */
void x86_ra_op_finish(X86Gen *g, const TCGOp *op, int nb_o, int nb_i)
{
    for (int k = 0; k < nb_o; k++) {
        TCGTemp *ts = arg_temp(op->args[k]);
        if (x86_pin_reg(g, ts) >= 0) {
            /* Written back where env must hold it: exits, helper calls, the
             * slow paths of guest accesses (liveness's sync bits assume a
             * write-back at every block end, which a pinned global skips). */
            continue;
        }
        if (NEED_SYNC_ARG(op, k)) {
            x86_ra_sync(g, ts);
        }
        if (IS_DEAD_ARG(op, k)) {
            x86_ra_temp_dead(g, ts);
        }
    }
}

/* mov: no code at all when the source dies or is a known value. */
void x86_ra_mov(X86Gen *g, const TCGOp *op)
{
    TCGTemp *ots = arg_temp(op->args[0]);
    TCGTemp *ts = arg_temp(op->args[1]);
    TCGType type = ots->type;

    if (ots == ts) {
        x86_ra_op_finish(g, op, 1, 1);
        return;
    }
    int pin = x86_pin_reg(g, ots);
    if (pin >= 0) {
        if (ts->val_type == TEMP_VAL_REG && IS_DEAD_ARG(op, 1) &&
            ts->kind == TEMP_TB && ts->type == type) {
            /* Take the dying temp's register over: the global floats there
             * until a block end, exit or call moves it home (x86_pin_home). */
            int reg = ts->reg;
            x86_ra_temp_dead(g, ts);
            x86_ra_set_reg(g, ots, reg);
            x86_ra_op_finish(g, op, 1, 1);
            return;
        }
        /* Straight into the pinned register. */
        if (x86_value_known(ts)) {
            x86_emit_movi(g, type, pin,
                          type == TCG_TYPE_I32 ? (int64_t)(int32_t)ts->val : ts->val);
        } else if (ts->val_type == TEMP_VAL_MEM) {
            x86_emit_ld(g, type, pin, x86_mem_base(ts), ts->mem_offset);
        } else {
            x86_emit_mov(g, type, pin, ts->reg);
        }
        if (IS_DEAD_ARG(op, 1)) {
            x86_ra_temp_dead(g, ts);
        }
        x86_ra_set_reg(g, ots, pin);
        x86_ra_op_finish(g, op, 1, 1);
        return;
    }
    if (x86_value_known(ts)) {
        int64_t v = type == TCG_TYPE_I32 ? (int64_t)(int32_t)ts->val : ts->val;
        if (IS_DEAD_ARG(op, 1)) {
            x86_ra_temp_dead(g, ts);
        }
        x86_ra_drop(g, ots, true);
        ots->val_type = TEMP_VAL_CONST;
        ots->val = v;
        ots->mem_coherent = false;
        x86_ra_note(g, ots);
    } else if (ts->val_type == TEMP_VAL_REG && IS_DEAD_ARG(op, 1) &&
               ts->kind != TEMP_FIXED && ts->type == type && x86_pin_reg(g, ts) < 0) {
        /* Hand the register over. */
        int reg = ts->reg;
        x86_ra_temp_dead(g, ts);
        x86_ra_set_reg(g, ots, reg);
    } else if (ts->val_type == TEMP_VAL_MEM) {
        int reg = ots->val_type == TEMP_VAL_REG ? ots->reg : x86_ra_alloc(g, 0, 0);
        x86_emit_ld(g, type, reg, x86_mem_base(ts), ts->mem_offset);
        if (IS_DEAD_ARG(op, 1)) {
            x86_ra_temp_dead(g, ts);
        }
        x86_ra_set_reg(g, ots, reg);
    } else {
        int src = x86_ra_load(g, ts, 0, 0);
        int reg = (ots->val_type == TEMP_VAL_REG && ots->reg != src) ? ots->reg
                  : x86_ra_alloc(g, 0, X86_REG_BIT(src));
        x86_emit_mov(g, type, reg, src);
        if (IS_DEAD_ARG(op, 1)) {
            x86_ra_temp_dead(g, ts);
        }
        x86_ra_set_reg(g, ots, reg);
    }
    x86_ra_op_finish(g, op, 1, 1);
}

void x86_ra_sync_globals(X86Gen *g)
{
    TCGTemp *list[TCG_MAX_TEMPS];
    int n = x86_ra_dirty_globals(g, list);

    for (int i = 0; i < n; i++) {
        x86_ra_sync(g, list[i]);
    }
}

/* Write globals back and forget the register copies (a helper may change them).
 * A global off the dirty list is in env only already. */
void x86_ra_save_globals(X86Gen *g)
{
    TCGTemp *list[TCG_MAX_TEMPS];
    int n = x86_ra_dirty_globals(g, list);

    for (int i = 0; i < n; i++) {
        TCGTemp *ts = list[i];
        if (ts->kind == TEMP_GLOBAL) {
            x86_ra_sync(g, ts);
            x86_ra_drop(g, ts, false);
        }
    }
}

/*
 * End of a basic block: globals to env, live TEMP_TB values to their frame slots.
 * Register copies stay valid for a conditional branch's fall-through path.
 * Only a listed temp can need a write-back (one in a register or holding a known
 * value); they are written in temp order, as a walk over all temps would.
 */
void x86_ra_bb_end(X86Gen *g)
{
    TCGTemp *todo[TCG_MAX_TEMPS];
    int n = 0;

    /* Every path into a label (and the loop head) has the pinned globals home. */
    x86_pin_fixup(g);

    for (int i = 0; i < g->nb_ra_active; i++) {
        TCGTemp *ts = g->ra_active[i];
        if ((ts->kind == TEMP_GLOBAL || ts->kind == TEMP_TB) && !ts->mem_coherent &&
            (ts->val_type == TEMP_VAL_REG || ts->val_type == TEMP_VAL_CONST)) {
            /* Insertion by index: the list is short (registers plus a few). */
            int j = n++;
            while (j > 0 && todo[j - 1]->index > ts->index) {
                todo[j] = todo[j - 1];
                j--;
            }
            todo[j] = ts;
        }
    }
    for (int i = 0; i < n; i++) {
        x86_ra_sync(g, todo[i]);
    }
}

/*
 * Is the TEMP_TB ts read, on the path that starts at label l, before it is written,
 * discarded or the TB is left? A forward walk from the label's set_label (found
 * after op; a label behind op or not found: assume it is). Branches on that path,
 * and more than a short block's worth of ops, are answered "read" too: the walk is
 * for the cold blocks (raises, exits) that a conditional branch jumps to.
 */
static bool x86_ra_read_at_label(const TCGOp *op, const TCGLabel *l, const TCGTemp *ts)
{
    const TCGOp *p = op->next;
    int budget = 64;

    while (p && !(p->opc == INDEX_op_set_label && arg_label(p->args[0]) == l)) {
        p = p->next;
    }
    if (!p) {
        return true;
    }
    for (p = p->next; p && budget > 0; p = p->next, budget--) {
        const TCGOpDef *def = &tcg_op_defs[p->opc];
        int nb_o, nb_i;

        if (p->opc == INDEX_op_discard) {
            if (arg_temp(p->args[0]) == ts) {
                return false;
            }
            continue;
        }
        if (p->opc == INDEX_op_set_label) {
            continue;               /* another label the path falls into */
        }
        nb_o = tcg_op_nb_oargs(p);
        nb_i = tcg_op_nb_iargs(p);
        for (int i = nb_o; i < nb_o + nb_i; i++) {
            if (arg_temp(p->args[i]) == ts) {
                return true;
            }
        }
        for (int i = 0; i < nb_o; i++) {
            if (arg_temp(p->args[i]) == ts) {
                return false;
            }
        }
        if (def->flags & TCG_OPF_BB_EXIT) {
            return false;           /* TEMP_TB values die when the TB is left */
        }
        if (def->flags & TCG_OPF_BB_END) {
            return true;            /* br/brcond: not followed */
        }
    }
    return p != NULL;
}

/*
 * The block end of a conditional branch to l (op): as x86_ra_bb_end, except that a
 * TEMP_TB the path at l does not read stays in its register only. The fall-through
 * path keeps the register copies, so a value live only there (a divisor tested
 * against zero before the divide, the taken side raising) needs no frame store.
 * Its frame slot, if it has one, is then stale, which nothing reads: a later block
 * end where it is live stores it (it is still !mem_coherent), and at l it is dead.
 */
void x86_ra_bb_end_branch(X86Gen *g, const TCGOp *op, const TCGLabel *l)
{
    TCGTemp *skip[16];              /* in registers: at most one per host register */
    int n = 0;

    for (int i = 0; i < g->nb_ra_active && n < 16; i++) {
        TCGTemp *ts = g->ra_active[i];
        if (ts->kind == TEMP_TB && !ts->mem_coherent && ts->val_type == TEMP_VAL_REG &&
            !x86_ra_read_at_label(op, l, ts)) {
            /* Coherent for x86_ra_bb_end only, restored below. */
            ts->mem_coherent = true;
            skip[n++] = ts;
        }
    }
    x86_ra_bb_end(g);
    for (int i = 0; i < n; i++) {
        skip[i]->mem_coherent = false;
    }
}

/*
 * At a label control flow merges: nothing is known to be in a register. Temps off
 * the list are already in their after-label state (constants known, globals in
 * env, TEMP_TB dead), except that a TEMP_TB with a frame slot may be live across
 * the label whatever this path did with it.
 */
void x86_ra_label_reset(X86Gen *g)
{
    for (int i = 0; i < g->nb_ra_active; i++) {
        TCGTemp *ts = g->ra_active[i];
        g->ra_listed[ts->index] = 0;
        switch (ts->kind) {
        case TEMP_FIXED:
            break;
        case TEMP_CONST:
            x86_ra_drop(g, ts, true);
            break;
        case TEMP_GLOBAL:
            x86_ra_drop(g, ts, false);
            ts->mem_coherent = true;
            break;
        case TEMP_TB:
            x86_ra_drop(g, ts, !ts->mem_allocated);
            break;
        }
    }
    g->nb_ra_active = 0;
    memcpy(g->ra_globs, g->ra_globs_pinned, sizeof(g->ra_globs));
    /* Paths that meet here have the pinned globals home (x86_ra_bb_end; after an
     * exit nothing falls through), written back or not. */
    for (uint16_t m = g->pinned; m; m &= m - 1) {
        int pin = __builtin_ctz(m);
        TCGTemp *ts = g->pin_temp[pin];
        if (ts->reg != pin) {
            g->reg_to_temp[ts->reg] = NULL;
            g->free_regs |= X86_REG_BIT(ts->reg);
            ts->reg = pin;
            g->reg_to_temp[pin] = ts;
        }
        if (g->pin_written & X86_REG_BIT(pin)) {
            ts->mem_coherent = false;
        }
    }
    g->pin_pending = 0;
    for (int i = 0; i < g->nb_ra_slotted; i++) {
        TCGTemp *ts = g->ra_slotted[i];
        ts->val_type = TEMP_VAL_MEM;
        ts->mem_coherent = true;
    }
}

/* Registers holding a temp: every allocatable register is either free or owned
 * (free_regs and reg_to_temp change together everywhere above). */
uint16_t x86_ra_live_regs(const X86Gen *g)
{
    return X86_ALLOCATABLE & ~g->free_regs;
}

static const int8_t x86_call_arg_regs[TCG_MAX_CALL_ARGS] = {
    X86_RDI, X86_RSI, X86_RDX, X86_RCX, X86_R8, X86_R9,
};

/*
 * Helper call (SysV): arguments in rdi, rsi, rdx, rcx, r8, r9; the caller-saved
 * registers die; globals are written back (and forgotten) as the helper's flags
 * require.
 */
void x86_ra_call(X86Gen *g, const TCGOp *op)
{
    int nb_o = op->nb_callo, nb_i = op->nb_calli;
    const void *func = (const void *)(uintptr_t)op->args[nb_o + nb_i];
    const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)op->args[nb_o + nb_i + 1];
    unsigned flags = info->flags;
    int src[TCG_MAX_CALL_ARGS];
    bool pending[TCG_MAX_CALL_ARGS];

    assert(nb_i <= TCG_MAX_CALL_ARGS);
    /* Pinned globals home. Their registers are callee-saved unless every call of
     * the TB never returns or runs once, past the loop body, and writes globals
     * (tcg_loop_analyze, x86_pin_setup): the sync below then stores them, and the
     * reload after a returning call brings back the caller-saved ones too. */
    x86_pin_fixup(g);
    if (!(flags & TCG_CALL_NO_READ_GLOBALS) || !(flags & TCG_CALL_NO_WRITE_GLOBALS)) {
        x86_ra_sync_globals(g);
    }
    /* Values in caller-saved registers that outlive the call move to a free
     * callee-saved register, or else to memory. Globals that the helper may
     * write are not worth a register: they are reloaded after the call anyway. */
    for (int reg = 0; reg < X86_NB_REGS; reg++) {
        TCGTemp *ts = g->reg_to_temp[reg];
        if (!(X86_CALL_CLOBBERED & X86_REG_BIT(reg)) || !ts ||
            x86_input_dies(g, op, nb_o, nb_i, ts)) {
            continue;
        }
        if (ts->kind == TEMP_GLOBAL && !(flags & TCG_CALL_NO_WRITE_GLOBALS)) {
            x86_ra_sync(g, ts);
        } else {
            x86_ra_evict(g, reg, X86_CALL_CLOBBERED);
        }
    }

    /* Register-to-register argument moves as a parallel move. */
    for (int i = 0; i < nb_i; i++) {
        TCGTemp *ts = arg_temp(op->args[nb_o + i]);
        src[i] = ts->val_type == TEMP_VAL_REG ? ts->reg : -1;
        pending[i] = src[i] >= 0 && src[i] != x86_call_arg_regs[i];
    }
    for (;;) {
        bool progress = false, any = false;
        for (int i = 0; i < nb_i; i++) {
            if (!pending[i]) {
                continue;
            }
            any = true;
            int dst = x86_call_arg_regs[i];
            bool blocked = false;
            for (int j = 0; j < nb_i; j++) {
                if (j != i && pending[j] && src[j] == dst) {
                    blocked = true;
                }
            }
            if (!blocked) {
                x86_emit_mov(g, TCG_TYPE_I64, dst, src[i]);
                pending[i] = false;
                progress = true;
            }
        }
        if (!any) {
            break;
        }
        if (!progress) {
            /*
             * A cycle. Exchange the pair of a move whose source is itself the
             * destination of a pending move: both are argument registers, whose
             * contents the call destroys anyway (a register holding a value that
             * outlives the call must not take part). Sources then follow the swap.
             */
            for (int i = 0; i < nb_i; i++) {
                bool in_cycle = false;
                for (int j = 0; j < nb_i; j++) {
                    if (j != i && pending[j] && x86_call_arg_regs[j] == src[i]) {
                        in_cycle = true;
                    }
                }
                if (pending[i] && in_cycle) {
                    int dst = x86_call_arg_regs[i], from = src[i];
                    x86_emit_modrm(g, OPC_XCHG_EvGv | P_REXW, from, dst);
                    pending[i] = false;
                    for (int j = 0; j < nb_i; j++) {
                        if (pending[j] && src[j] == dst) {
                            src[j] = from;
                        } else if (pending[j] && src[j] == from) {
                            src[j] = dst;
                        }
                        if (pending[j] && src[j] == x86_call_arg_regs[j]) {
                            pending[j] = false;
                        }
                    }
                    break;
                }
            }
        }
    }
    /* Then the arguments that come from memory or are constants. */
    for (int i = 0; i < nb_i; i++) {
        TCGTemp *ts = arg_temp(op->args[nb_o + i]);
        int dst = x86_call_arg_regs[i];
        if (src[i] >= 0) {
            continue;
        }
        if (x86_value_known(ts)) {
            x86_emit_movi(g, ts->type, dst, ts->val);
        } else if (ts->val_type == TEMP_VAL_MEM) {
            x86_emit_ld(g, ts->type, dst, x86_mem_base(ts), ts->mem_offset);
        }
    }

    /* The call destroys the caller-saved registers. */
    for (int reg = 0; reg < X86_NB_REGS; reg++) {
        TCGTemp *ts = g->reg_to_temp[reg];
        if ((X86_CALL_CLOBBERED & X86_REG_BIT(reg)) && ts) {
            x86_ra_drop(g, ts, x86_input_dies(g, op, nb_o, nb_i, ts));
        }
    }
    for (int i = 0; i < nb_i; i++) {
        if (IS_DEAD_ARG(op, nb_o + i)) {
            x86_ra_temp_dead(g, arg_temp(op->args[nb_o + i]));
        }
    }
    if (!(flags & TCG_CALL_NO_WRITE_GLOBALS)) {
        x86_ra_save_globals(g);
    }

    x86_emit_call_abs(g, func);
    /* After a call that never returns nothing runs until the next label, whose
     * paths have the pinned globals home (x86_ra_label_reset): no reload. */
    if (!(flags & (TCG_CALL_NO_WRITE_GLOBALS | TCG_CALL_NO_RETURN))) {
        x86_pin_reload(g);
    }
    if (!(flags & TCG_CALL_NO_RETURN)) {
        /* C code ran: it may have changed any mapping a hoisted check saw. */
        x86_hoist_forget(g);
    }

    if (nb_o) {
        TCGTemp *ots = arg_temp(op->args[0]);
        x86_ra_drop(g, ots, true);
        if (info->ret == TCG_CALL_I32 || ots->type == TCG_TYPE_I32) {
            /* Only eax is defined; keep the i32 zero-extension invariant. */
            x86_emit_ext32u(g, X86_RAX, X86_RAX);
        }
        x86_ra_set_reg(g, ots, X86_RAX);
        x86_ra_op_finish(g, op, nb_o, nb_i);
    }
}
