/*
 * The IR core: op definitions, the context (temps, constants, labels, the op list),
 * condition helpers and the driver that runs optimizer, liveness and a backend.
 *
 * One TCGContext serves the whole process (single translation thread); its first
 * nb_globals temps (tcg_env and the target's globals) survive tcg_func_start, all other
 * temps, constants and labels are per TB.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "hw/core/cpu.h"

TCGContext *tcg_ctx;
TCGv_ptr tcg_env;
const void *tcg_code_gen_epilogue;
/* Also defined by accel/tcg/cpu-exec.c: weak here so that either copy links, and the
 * IR tests (which do not link the engine) still have them. */
bool tcg_use_interp __attribute__((weak));
uintptr_t tcg_interp_retaddr __attribute__((weak));

const TCGOpDef tcg_op_defs[NB_OPS] = {
#define DEF(n, oa, ia, ca, fl) \
    [INDEX_op_##n] = { .name = #n, .nb_oargs = (oa), .nb_iargs = (ia), \
                       .nb_cargs = (ca), .flags = (fl) },
#include "tcg/tcg-opc.h"
#undef DEF
};

/* ---- conditions ---- */

TCGCond tcg_invert_cond(TCGCond c)
{
    /* The encoding pairs each condition with its negation in bit 0. */
    return (TCGCond)(c ^ 1);
}

TCGCond tcg_swap_cond(TCGCond c)
{
    switch (c) {
    case TCG_COND_LT:
        return TCG_COND_GT;
    case TCG_COND_GT:
        return TCG_COND_LT;
    case TCG_COND_LE:
        return TCG_COND_GE;
    case TCG_COND_GE:
        return TCG_COND_LE;
    case TCG_COND_LTU:
        return TCG_COND_GTU;
    case TCG_COND_GTU:
        return TCG_COND_LTU;
    case TCG_COND_LEU:
        return TCG_COND_GEU;
    case TCG_COND_GEU:
        return TCG_COND_LEU;
    default:
        return c;           /* EQ, NE, NEVER, ALWAYS are symmetric */
    }
}

bool tcg_cond_eval(TCGCond c, uint64_t a, uint64_t b, bool is64)
{
    int64_t sa, sb;

    if (!is64) {
        /* Compare the 32-bit values, whatever the upper halves hold. */
        sa = (int32_t)a;
        sb = (int32_t)b;
        a = (uint32_t)a;
        b = (uint32_t)b;
    } else {
        sa = (int64_t)a;
        sb = (int64_t)b;
    }
    switch (c) {
    case TCG_COND_NEVER:
        return false;
    case TCG_COND_ALWAYS:
        return true;
    case TCG_COND_EQ:
        return a == b;
    case TCG_COND_NE:
        return a != b;
    case TCG_COND_LT:
        return sa < sb;
    case TCG_COND_GE:
        return sa >= sb;
    case TCG_COND_LE:
        return sa <= sb;
    case TCG_COND_GT:
        return sa > sb;
    case TCG_COND_LTU:
        return a < b;
    case TCG_COND_GEU:
        return a >= b;
    case TCG_COND_LEU:
        return a <= b;
    case TCG_COND_GTU:
        return a > b;
    }
    g_assert_not_reached();
}

/* ---- context ---- */

/*
 * Freed TB temps, per type, reused first (translators allocate and free a few temps
 * per guest insn). There is one translation context per process; tcg_func_start
 * empties the stacks.
 */
static TCGTemp *tcg_free_temps[2][TCG_MAX_TEMPS];
static int tcg_nb_free_temps[2];

static TCGTemp *tcg_temp_alloc(TCGContext *s)
{
    TCGTemp *ts;

    /* Exceeding the temp table is a translator bug (it leaks temps), not a guest one. */
    assert(s->nb_temps < TCG_MAX_TEMPS);
    ts = &s->temps[s->nb_temps];
    memset(ts, 0, sizeof(*ts));
    ts->index = s->nb_temps++;
    ts->val_type = TEMP_VAL_DEAD;
    ts->reg = -1;
    return ts;
}

_Static_assert((1 << TCG_CONST_HASH_BITS) >= 2 * TCG_MAX_TEMPS,
               "the constant table must stay under half full");
_Static_assert(1 << TCG_TEMP_INDEX_BITS == TCG_MAX_TEMPS,
               "a constant slot packs a temp index into its low bits");

void tcg_context_init(TCGContext *s, const TCGBackend *backend)
{
    TCGTemp *ts;

    memset(s, 0, sizeof(*s));
    s->backend = backend;
    s->backend_syncs_ldst = backend == &tcg_backend_x86_64;
    tcg_nb_free_temps[0] = tcg_nb_free_temps[1] = 0;
    s->const_gen = 1;               /* slots start at gen 0: all free */

    ts = tcg_temp_alloc(s);
    ts->type = TCG_TYPE_PTR;
    ts->kind = TEMP_FIXED;
    ts->name = "env";
    s->nb_globals = s->nb_temps;

    tcg_ctx = s;
    tcg_env = temp_tcgv_ptr(ts);
    tcg_use_interp = (backend == &tcg_backend_interp);
}

#define TCG_OP_CHUNK_OPS 256

typedef struct TCGOpChunk {
    struct TCGOpChunk *next;
    TCGOp ops[TCG_OP_CHUNK_OPS];
} TCGOpChunk;

/* Every op of the last TB goes back to the arena at once. */
static void tcg_free_op_list(TCGContext *s)
{
    s->first_op = s->last_op = NULL;
    s->nb_ops = 0;
    s->op_chunk = s->op_chunks;
    s->op_chunk_used = 0;
}

void tcg_func_start(TCGContext *s)
{
    /* No self loop until tcg_loop_analyze finds one (backends may be driven
     * without it, by tests). */
    s->loop_slots = 0;
    s->loop_internal = false;
    s->loop_has_call = false;
    s->nb_loop_globals = 0;
    s->nb_loop_hoists = 0;
    s->nb_loop_spans = 0;
    s->loop_head_off = 0xffff;
    s->loop_body_end = NULL;
    tcg_free_op_list(s);
    s->nb_temps = s->nb_globals;
    tcg_nb_free_temps[0] = tcg_nb_free_temps[1] = 0;
    if (++s->const_gen == 1u << (32 - TCG_TEMP_INDEX_BITS)) {
        /* Wrapped (every 2^22 TBs): older slots must not look current. */
        memset(s->const_hash, 0, sizeof(s->const_hash));
        s->const_gen = 1;
    }
    /* The globals' allocator state is the backend's to reset (x86_ra_init), when
     * and if it runs: nothing before it reads that state. */
    s->nb_labels = 0;
    s->backward_branch_known = false;
    s->goto_tb_known = false;
    s->fresh_for_backend = true;
    s->tb = NULL;
    s->nb_insns = 0;
    s->frame_next = 0;
    s->goto_tb_insn_off[0] = s->goto_tb_insn_off[1] = 0xffff;
    s->goto_tb_reset_off[0] = s->goto_tb_reset_off[1] = 0xffff;
}

static TCGTemp *tcg_global_mem_new(TCGType type, intptr_t offset, const char *name)
{
    TCGContext *s = tcg_ctx;
    TCGTemp *ts;

    /* Globals are created once at start-up, before any TB temp exists. */
    assert(s->nb_globals == s->nb_temps);
    ts = tcg_temp_alloc(s);
    ts->type = type;
    ts->kind = TEMP_GLOBAL;
    ts->name = name;
    ts->mem_offset = offset;
    ts->mem_allocated = true;
    ts->val_type = TEMP_VAL_MEM;
    ts->mem_coherent = true;
    s->nb_globals = s->nb_temps;
    return ts;
}

TCGv_i32 tcg_global_mem_new_i32(intptr_t offset, const char *name)
{
    return temp_tcgv_i32(tcg_global_mem_new(TCG_TYPE_I32, offset, name));
}

TCGv_i64 tcg_global_mem_new_i64(intptr_t offset, const char *name)
{
    return temp_tcgv_i64(tcg_global_mem_new(TCG_TYPE_I64, offset, name));
}

static TCGTemp *tcg_temp_new_internal(TCGType type)
{
    TCGContext *s = tcg_ctx;
    int t = type == TCG_TYPE_I32 ? 0 : 1;
    TCGTemp *ts;

    if (tcg_nb_free_temps[t] > 0) {
        ts = tcg_free_temps[t][--tcg_nb_free_temps[t]];
        ts->temp_allocated = true;
        return ts;
    }
    ts = tcg_temp_alloc(s);
    ts->type = type;
    ts->kind = TEMP_TB;
    ts->temp_allocated = true;
    return ts;
}

/* A TEMP_TB temp that no op of the current TB uses yet (never a recycled one). */
TCGTemp *tcg_temp_new_fresh(TCGType type)
{
    TCGTemp *ts;

    if (tcg_ctx->nb_temps >= TCG_MAX_TEMPS) {
        return NULL;
    }
    ts = tcg_temp_alloc(tcg_ctx);
    ts->type = type;
    ts->kind = TEMP_TB;
    ts->temp_allocated = true;
    return ts;
}

TCGv_i32 tcg_temp_new_i32(void)
{
    return temp_tcgv_i32(tcg_temp_new_internal(TCG_TYPE_I32));
}

TCGv_i64 tcg_temp_new_i64(void)
{
    return temp_tcgv_i64(tcg_temp_new_internal(TCG_TYPE_I64));
}

TCGv_ptr tcg_temp_new_ptr(void)
{
    return temp_tcgv_ptr(tcg_temp_new_internal(TCG_TYPE_PTR));
}

static void tcg_temp_free_internal(TCGTemp *ts)
{
    int t;

    /* Freeing a constant or a global is harmless and ignored (translators may free
     * whatever they were handed). */
    if (ts->kind != TEMP_TB) {
        return;
    }
    assert(ts->temp_allocated);
    ts->temp_allocated = false;
    /* Tell liveness the value ends here: a freed temp is soon reused for something
     * else, and without this mark its two lives look like one that crosses every
     * branch in between (forcing a spill at each). */
    if (tcg_ctx->first_op) {
        tcg_emit_op(INDEX_op_discard, 1)->args[0] = temp_arg(ts);
    }
    t = ts->type == TCG_TYPE_I32 ? 0 : 1;
    tcg_free_temps[t][tcg_nb_free_temps[t]++] = ts;
}

void tcg_temp_free_i32(TCGv_i32 t)
{
    tcg_temp_free_internal(tcgv_i32_temp(t));
}

void tcg_temp_free_i64(TCGv_i64 t)
{
    tcg_temp_free_internal(tcgv_i64_temp(t));
}

void tcg_temp_free_ptr(TCGv_ptr t)
{
    tcg_temp_free_internal(tcgv_ptr_temp(t));
}

static TCGTemp *tcg_constant_internal(TCGType type, int64_t val)
{
    TCGContext *s = tcg_ctx;
    const unsigned mask = (1u << TCG_CONST_HASH_BITS) - 1;
    uint32_t *tab = s->const_hash[type == TCG_TYPE_I32 ? 0 : 1];
    uint32_t gen = s->const_gen << TCG_TEMP_INDEX_BITS;
    unsigned h = (unsigned)(((uint64_t)val * 0x9e3779b97f4a7c15ull) >> (64 - TCG_CONST_HASH_BITS));
    TCGTemp *ts;

    /* Never full: a TB has at most TCG_MAX_TEMPS temps, half the slots. */
    while ((tab[h] & ~(uint32_t)(TCG_MAX_TEMPS - 1)) == gen) {
        ts = &s->temps[tab[h] & (TCG_MAX_TEMPS - 1)];
        if (ts->val == val) {
            return ts;
        }
        h = (h + 1) & mask;
    }
    ts = tcg_temp_alloc(s);
    ts->type = type;
    ts->kind = TEMP_CONST;
    ts->val = val;
    ts->val_type = TEMP_VAL_CONST;
    tab[h] = gen | ts->index;
    return ts;
}

TCGv_i32 tcg_constant_i32(int32_t val)
{
    return temp_tcgv_i32(tcg_constant_internal(TCG_TYPE_I32, val));
}

TCGv_i64 tcg_constant_i64(int64_t val)
{
    return temp_tcgv_i64(tcg_constant_internal(TCG_TYPE_I64, val));
}

TCGv_ptr tcg_constant_ptr(intptr_t val)
{
    return temp_tcgv_ptr(tcg_constant_internal(TCG_TYPE_PTR, val));
}

TCGLabel *gen_new_label(void)
{
    TCGContext *s = tcg_ctx;
    TCGLabel *l;

    assert(s->nb_labels < TCG_MAX_LABELS);
    l = &s->labels[s->nb_labels];
    memset(l, 0, sizeof(*l));
    l->id = s->nb_labels++;
    return l;
}

/* ---- op list ---- */

/* A fresh chunk once the current one is used up (kept for later TBs). */
static TCGOp *tcg_op_alloc_slow(TCGContext *s)
{
    TCGOpChunk *c = s->op_chunk;

    if (!c) {
        if (!s->op_chunks) {
            s->op_chunks = g_new(TCGOpChunk, 1);
            s->op_chunks->next = NULL;
        }
        c = s->op_chunks;
    } else {
        if (!c->next) {
            c->next = g_new(TCGOpChunk, 1);
            c->next->next = NULL;
        }
        c = c->next;
    }
    s->op_chunk = c;
    s->op_chunk_used = 1;
    return &c->ops[0];
}

static inline TCGOp *tcg_op_alloc(TCGContext *s, TCGOpcode opc, int nargs)
{
    TCGOp *op;

    assert(nargs <= TCG_MAX_OP_ARGS);
    if (likely(s->op_chunk && s->op_chunk_used < TCG_OP_CHUNK_OPS)) {
        op = &s->op_chunk->ops[s->op_chunk_used++];
    } else {
        op = tcg_op_alloc_slow(s);
    }
    /* Clear the header and the args the op has, not all TCG_MAX_OP_ARGS: args past
     * nargs are never read (every reader counts them from the op's definition).
     * Most ops have at most four: the header and those as one fixed-size clear
     * (a few vector stores; a variable size would be a call to memset). */
    memset(op, 0, offsetof(TCGOp, args) + 4 * sizeof(op->args[0]));
    for (int i = 4; i < nargs; i++) {
        op->args[i] = 0;
    }
    op->opc = opc;
    s->nb_ops++;
    return op;
}

TCGOp *tcg_emit_op(TCGOpcode opc, int nargs)
{
    TCGContext *s = tcg_ctx;
    TCGOp *op = tcg_op_alloc(s, opc, nargs);

    op->prev = s->last_op;
    if (s->last_op) {
        s->last_op->next = op;
    } else {
        s->first_op = op;
    }
    s->last_op = op;
    return op;
}

void tcg_op_remove(TCGContext *s, TCGOp *op)
{
    if (op->prev) {
        op->prev->next = op->next;
    } else {
        s->first_op = op->next;
    }
    if (op->next) {
        op->next->prev = op->prev;
    } else {
        s->last_op = op->prev;
    }
    /* The op's memory stays the arena's until tcg_func_start. */
    op->next = op->prev = NULL;
    s->nb_ops--;
}

TCGOp *tcg_op_insert_before(TCGContext *s, TCGOp *old, TCGOpcode opc, int nargs)
{
    TCGOp *op = tcg_op_alloc(s, opc, nargs);

    op->next = old;
    op->prev = old->prev;
    if (old->prev) {
        old->prev->next = op;
    } else {
        s->first_op = op;
    }
    old->prev = op;
    return op;
}

TCGOp *tcg_op_insert_after(TCGContext *s, TCGOp *old, TCGOpcode opc, int nargs)
{
    TCGOp *op = tcg_op_alloc(s, opc, nargs);

    op->prev = old;
    op->next = old->next;
    if (old->next) {
        old->next->prev = op;
    } else {
        s->last_op = op;
    }
    old->next = op;
    return op;
}

/* ---- driver ---- */

int tcg_gen_code(TCGContext *s, struct TranslationBlock *tb, uint8_t *buf, size_t size)
{
    int ret;

    s->tb = tb;
    s->stat_tbs++;
    s->stat_ops_in += s->nb_ops;
    s->stat_guest_insns += s->nb_insns;

    if (mimic_log_enabled(LOG_OP)) {
        FILE *f = mimic_logfile ? mimic_logfile : stderr;
        fprintf(f, "OP:\n");
        tcg_dump_ops(s, f, false);
    }

    tcg_ifconv(s);
    tcg_optimize(s);
    if (s->nb_guest_mem_ops >= 2) {
        tcg_ldst_group(s);          /* adds only discards: no branch, no label */
    }
    tcg_loop_sink_writes(s);
    s->backward_branch_known = true;
    tcg_liveness(s);
    tcg_loop_analyze(s, tb);
    s->stat_ops_opt += s->nb_ops;

    if (mimic_log_enabled(LOG_OP_OPT)) {
        FILE *f = mimic_logfile ? mimic_logfile : stderr;
        fprintf(f, "OP after optimization and liveness:\n");
        tcg_dump_ops(s, f, true);
    }

    ret = s->backend->gen_code(s, tb, buf, size);
    if (ret >= 0) {
        s->stat_host_bytes += ret;
    }
    return ret;
}
