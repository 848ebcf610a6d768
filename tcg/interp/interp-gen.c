/*
 * The IR interpreter backend, code side: serialises a TB's optimized op list into the
 * compact bytecode described in interp.h, and provides prologue, jump patching and a
 * bytecode listing. The interpreter loop itself is in interp-exec.c.
 *
 * The "host code" of a TB is its bytecode, so everything the engine does with host
 * addresses works unchanged: insn_end_off[] are bytecode offsets, the goto_tb slot is
 * an aligned 64-bit word that patch_jump rewrites atomically, and helpers see a
 * return address inside the bytecode through tcg_interp_retaddr.
 */
#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "interp.h"

_Static_assert(INTERP_OP_LAST <= 256, "bytecode opcodes must fit the header byte");

typedef struct InterpReloc {
    size_t pos;             /* word holding the branch delta */
    TCGLabel *label;
} InterpReloc;

typedef struct InterpConstRef {
    size_t pos;             /* operand word to fill in */
    size_t op_start;        /* word of the op's header, the operand's base */
    guint idx;              /* entry in the pool */
} InterpConstRef;

typedef struct InterpGen {
    TCGContext *s;
    uint32_t *buf;
    size_t cap;             /* words available */
    size_t n;               /* words emitted (may pass cap: overflow checked at end) */
    uintptr_t base;         /* address of buf, for alignment of goto_tb slots */
    size_t *label_pos;      /* per label id: word position, or SIZE_MAX */
    GArray *relocs;
    size_t op_start;        /* header word of the op being emitted */
    GArray *pool;           /* uint64_t constants */
    GHashTable *pool_idx;   /* value -> index + 1 */
    GArray *const_refs;
    bool too_big;           /* a goto_tb offset does not fit the TB's 16-bit fields */
    bool far_slots;         /* goto_tb slots live at the TB's start */
    size_t far_slot[2];     /* their word positions */
} InterpGen;

static void interp_emit(InterpGen *g, uint32_t w)
{
    if (g->n < g->cap) {
        g->buf[g->n] = w;
    }
    g->n++;
}

static void interp_emit64(InterpGen *g, uint64_t v)
{
    interp_emit(g, (uint32_t)v);
    interp_emit(g, (uint32_t)(v >> 32));
}

static void interp_emit_header(InterpGen *g, uint32_t hdr)
{
    g->op_start = g->n;
    interp_emit(g, hdr);
}

static uint32_t interp_operand(uint32_t base, uintptr_t off)
{
    /* CPU state fields and frame slots sit well within 1 GiB of their base. */
    assert(off <= INTERP_ARG_MASK);
    return (base << INTERP_ARG_SHIFT) | (uint32_t)off;
}

static void interp_emit_arg(InterpGen *g, TCGTemp *ts, bool is_output)
{
    switch (ts->kind) {
    case TEMP_FIXED:
        interp_emit(g, interp_operand(INTERP_BASE_SLOTS, 0));
        break;
    case TEMP_TB:
        interp_emit(g, interp_operand(INTERP_BASE_SLOTS,
                                      8 * (uintptr_t)(1 + ts->index - g->s->nb_globals)));
        break;
    case TEMP_GLOBAL:
        assert(ts->mem_offset >= 0);
        interp_emit(g, interp_operand(INTERP_BASE_ENV, ts->mem_offset));
        break;
    case TEMP_CONST: {
        uint64_t v = ts->val;
        gpointer p = g_hash_table_lookup(g->pool_idx, &v);
        InterpConstRef ref = { .pos = g->n, .op_start = g->op_start };

        assert(!is_output);
        if (p) {
            ref.idx = GPOINTER_TO_UINT(p) - 1;
        } else {
            ref.idx = g->pool->len;
            g_array_append_val(g->pool, v);
            /* The key lives in the temp, which outlasts this generation. */
            g_hash_table_insert(g->pool_idx, &ts->val, GUINT_TO_POINTER(ref.idx + 1));
        }
        g_array_append_val(g->const_refs, ref);
        interp_emit(g, 0);
        break;
    }
    }
}

static void interp_emit_label_ref(InterpGen *g, TCGLabel *l)
{
    InterpReloc r = { .pos = g->n, .label = l };

    g_array_append_val(g->relocs, r);
    interp_emit(g, 0);
}

static void interp_emit_call(InterpGen *g, TCGOp *op)
{
    int nb_o = op->nb_callo, nb_i = op->nb_calli, i;
    const TCGHelperInfo *info = (const TCGHelperInfo *)(uintptr_t)op->args[nb_o + nb_i + 1];
    uint32_t hdr = INDEX_op_call | ((uint32_t)nb_i << INTERP_CALL_NARGS_SHIFT);

    for (i = 0; i < nb_i; i++) {
        /* An i32 value travels zero-extended, whatever the helper declares. */
        if (info->args[i] == TCG_CALL_I32
            || arg_temp(op->args[nb_o + i])->type == TCG_TYPE_I32) {
            hdr |= 1u << (INTERP_CALL_I32MASK_SHIFT + i);
        }
    }
    if (nb_o) {
        hdr |= INTERP_CALL_HAS_RET;
        if (arg_temp(op->args[0])->type == TCG_TYPE_I32) {
            hdr |= INTERP_CALL_RET_I32;
        }
    }
    interp_emit_header(g, hdr);
    for (i = 0; i < nb_o + nb_i; i++) {
        interp_emit_arg(g, arg_temp(op->args[i]), i < nb_o);
    }
    interp_emit64(g, op->args[nb_o + nb_i]);
}

static void interp_emit_goto_tb(InterpGen *g, TCGOp *op)
{
    TCGContext *s = g->s;
    unsigned idx = op->args[0];
    size_t slot;

    if (g->far_slots) {
        assert(idx < 2);
        interp_emit_header(g, INDEX_op_goto_tb | INTERP_GOTO_TB_FAR);
        interp_emit(g, (uint32_t)(int32_t)((ptrdiff_t)g->far_slot[idx] - (ptrdiff_t)g->n));
        /* The slot's own address doubles as the "unchained" value. */
        s->goto_tb_insn_off[idx] = g->far_slot[idx] * 4;
        s->goto_tb_reset_off[idx] = g->far_slot[idx] * 4;
        return;
    }
    /* The slot (after the header) must be 8-byte aligned for an atomic patch. */
    while (((g->base + (g->n + 1) * 4) & 7) != 0) {
        interp_emit(g, INTERP_OP_NOP);
    }
    interp_emit_header(g, INDEX_op_goto_tb);
    slot = g->n;
    interp_emit64(g, 0);
    assert(idx < 2);
    /* Offsets are 16-bit in the TB: past 64 KiB the TB is redone with its slots at
     * the start (interp_emit_far_slots). */
    if (g->n * 4 > 0xffff) {
        g->too_big = true;
        return;
    }
    s->goto_tb_insn_off[idx] = slot * 4;
    s->goto_tb_reset_off[idx] = g->n * 4;
}

/* Open the TB with a br over its two goto_tb slots (8-byte aligned). */
static void interp_emit_far_slots(InterpGen *g)
{
    size_t delta_pos;

    interp_emit_header(g, INDEX_op_br);
    delta_pos = g->n;
    interp_emit(g, 0);
    while (((g->base + g->n * 4) & 7) != 0) {
        interp_emit(g, 0);
    }
    g->far_slot[0] = g->n;
    interp_emit64(g, 0);
    g->far_slot[1] = g->n;
    interp_emit64(g, 0);
    if (delta_pos < g->cap) {
        g->buf[delta_pos] = (uint32_t)(g->n - delta_pos);
    }
}

static int interp_gen_pass(TCGContext *s, uint8_t *buf, size_t size, bool far_slots,
                           bool *too_big)
{
    InterpGen g = {
        .s = s,
        .buf = (uint32_t *)buf,
        .cap = size / 4,
        .base = (uintptr_t)buf,
        .far_slots = far_slots,
    };
    size_t label_pos[TCG_MAX_LABELS];
    int insn = -1;
    size_t pool_start;
    TCGOp *op;
    guint i;

    assert(((uintptr_t)buf & 3) == 0);
    for (i = 0; i < TCG_MAX_LABELS; i++) {
        label_pos[i] = SIZE_MAX;
    }
    g.label_pos = label_pos;
    g.relocs = g_array_new(false, false, sizeof(InterpReloc));
    g.pool = g_array_new(false, false, sizeof(uint64_t));
    g.pool_idx = g_hash_table_new(g_int64_hash, g_int64_equal);
    g.const_refs = g_array_new(false, false, sizeof(InterpConstRef));
    s->goto_tb_insn_off[0] = s->goto_tb_insn_off[1] = 0xffff;
    s->goto_tb_reset_off[0] = s->goto_tb_reset_off[1] = 0xffff;
    if (far_slots) {
        interp_emit_far_slots(&g);
    }

    for (op = s->first_op; op; op = op->next) {
        const TCGOpDef *def = &tcg_op_defs[op->opc];
        int nb_o, nb_i, k;

        switch (op->opc) {
        case INDEX_op_insn_start:
            if (insn >= 0) {
                s->insn_end_off[insn] = g.n * 4;
            }
            insn++;
            continue;
        case INDEX_op_set_label:
            label_pos[arg_label(op->args[0])->id] = g.n;
            continue;
        case INDEX_op_discard:
        case INDEX_op_mb:
            continue;
        case INDEX_op_br:
            interp_emit_header(&g, INDEX_op_br);
            interp_emit_label_ref(&g, arg_label(op->args[0]));
            continue;
        case INDEX_op_brcond_i32:
        case INDEX_op_brcond_i64:
            interp_emit_header(&g, op->opc);
            interp_emit_arg(&g, arg_temp(op->args[0]), false);
            interp_emit_arg(&g, arg_temp(op->args[1]), false);
            interp_emit(&g, (uint32_t)op->args[2]);
            interp_emit_label_ref(&g, arg_label(op->args[3]));
            continue;
        case INDEX_op_exit_tb:
            interp_emit_header(&g, INDEX_op_exit_tb);
            interp_emit64(&g, op->args[0]);
            continue;
        case INDEX_op_goto_tb:
            interp_emit_goto_tb(&g, op);
            continue;
        case INDEX_op_call:
            interp_emit_call(&g, op);
            continue;
        default:
            break;
        }

        /* Generic layout: outputs, inputs, one word per carg. */
        nb_o = def->nb_oargs;
        nb_i = def->nb_iargs;
        interp_emit_header(&g, op->opc);
        for (k = 0; k < nb_o + nb_i; k++) {
            interp_emit_arg(&g, arg_temp(op->args[k]), k < nb_o);
        }
        for (k = nb_o + nb_i; k < nb_o + nb_i + def->nb_cargs; k++) {
            /* Offsets for host loads/stores are relative to a pointer: 32 bits do. */
            assert((int64_t)op->args[k] == (int32_t)op->args[k]
                   || op->args[k] <= UINT32_MAX);
            interp_emit(&g, (uint32_t)op->args[k]);
        }
    }
    if (insn >= 0) {
        s->insn_end_off[insn] = g.n * 4;
    }

    for (i = 0; i < g.relocs->len; i++) {
        InterpReloc *r = &g_array_index(g.relocs, InterpReloc, i);
        size_t target = label_pos[r->label->id];
        /* A branch to a label that was never placed is a translator bug. */
        assert(target != SIZE_MAX);
        if (r->pos < g.cap) {
            g.buf[r->pos] = (uint32_t)(int32_t)((ptrdiff_t)target - (ptrdiff_t)r->pos);
        }
    }
    g_array_free(g.relocs, true);

    /* The constant pool, 8-byte aligned after the code. */
    interp_emit(&g, INTERP_OP_POOL);
    while (((g.base + g.n * 4) & 7) != 0) {
        interp_emit(&g, 0);
    }
    pool_start = g.n;
    for (i = 0; i < g.pool->len; i++) {
        interp_emit64(&g, g_array_index(g.pool, uint64_t, i));
    }
    for (i = 0; i < g.const_refs->len; i++) {
        InterpConstRef *r = &g_array_index(g.const_refs, InterpConstRef, i);
        size_t off = (pool_start + 2 * r->idx - r->op_start) * 4;
        if (r->pos < g.cap) {
            g.buf[r->pos] = interp_operand(INTERP_BASE_OP, off);
        }
    }
    g_array_free(g.pool, true);
    g_array_free(g.const_refs, true);
    g_hash_table_destroy(g.pool_idx);

    *too_big = g.too_big;
    if (g.n > g.cap || g.too_big || g.n * 4 > INT32_MAX) {
        return -1;
    }
    return (int)(g.n * 4);
}

static int interp_gen_code(TCGContext *s, struct TranslationBlock *tb, uint8_t *buf,
                           size_t size)
{
    bool too_big = false;
    int n = interp_gen_pass(s, buf, size, false, &too_big);

    (void)tb;
    if (n < 0 && too_big) {
        /* A chain slot past 64 KiB cannot be recorded: move the slots up front. */
        n = interp_gen_pass(s, buf, size, true, &too_big);
    }
    return n;
}

static size_t interp_gen_prologue(TCGContext *s, uint8_t *buf, size_t size)
{
    uint32_t *w = (uint32_t *)buf;

    /* The "epilogue" that goto_ptr falls back to: an exit_tb returning 0. */
    assert(size >= 12 && ((uintptr_t)buf & 3) == 0);
    w[0] = INDEX_op_exit_tb;
    w[1] = 0;
    w[2] = 0;
    tcg_code_gen_epilogue = tcg_splitwx_to_rx(s, buf);
    return 12;
}

static void interp_patch_jump(uintptr_t jmp_addr, uintptr_t rx_jmp_addr, uintptr_t target)
{
    /* One aligned 64-bit store: a concurrently running interpreter sees old or new. */
    (void)rx_jmp_addr;
    __atomic_store_n((uint64_t *)jmp_addr, (uint64_t)target, __ATOMIC_RELEASE);
}

static void interp_disas_arg(FILE *f, const uint32_t *w, size_t op_start, size_t *k)
{
    uint32_t a = w[(*k)++];
    uint32_t off = a & INTERP_ARG_MASK;
    uint64_t v;

    switch (a >> INTERP_ARG_SHIFT) {
    case INTERP_BASE_SLOTS:
        fprintf(f, off ? " s%u" : " env", off / 8);
        break;
    case INTERP_BASE_ENV:
        fprintf(f, " env[%#x]", off);
        break;
    default:
        memcpy(&v, (const uint8_t *)&w[op_start] + off, 8);
        fprintf(f, " $%#" PRIx64, v);
        break;
    }
}

/* A listing for -d out_asm: one op per line with its byte offset. */
static void interp_disas(FILE *f, const void *code, size_t size)
{
    const uint32_t *w = code;
    size_t n = size / 4, k = 0;

    while (k < n) {
        uint32_t hdr = w[k];
        unsigned opc = hdr & 0xff;
        size_t start = k++;
        int i, nb_o, nb_i, nb_c;

        if (opc == INTERP_OP_POOL) {
            fprintf(f, "  %04zx: constant pool\n", start * 4);
            return;
        }
        if (opc == INTERP_OP_NOP) {
            continue;
        }
        if (opc >= NB_OPS) {
            fprintf(f, "  %04zx: ?%#x\n", start * 4, hdr);
            return;
        }
        fprintf(f, "  %04zx: %s", start * 4, tcg_op_defs[opc].name);
        switch (opc) {
        case INDEX_op_br:
            fprintf(f, " -> %04zx\n", (size_t)((ptrdiff_t)k + (int32_t)w[k]) * 4);
            k++;
            continue;
        case INDEX_op_goto_tb:
            if (hdr & INTERP_GOTO_TB_FAR) {
                fprintf(f, " [%04zx]\n", (size_t)((ptrdiff_t)k + (int32_t)w[k]) * 4);
                k++;
                continue;
            }
            /* fall through */
        case INDEX_op_exit_tb:
            fprintf(f, " %#" PRIx64 "\n", (uint64_t)w[k] | ((uint64_t)w[k + 1] << 32));
            k += 2;
            continue;
        case INDEX_op_call:
            nb_o = (hdr & INTERP_CALL_HAS_RET) ? 1 : 0;
            nb_i = (hdr >> INTERP_CALL_NARGS_SHIFT) & 0xff;
            for (i = 0; i < nb_o + nb_i; i++) {
                interp_disas_arg(f, w, start, &k);
            }
            fprintf(f, " fn=%#" PRIx64 "\n", (uint64_t)w[k] | ((uint64_t)w[k + 1] << 32));
            k += 2;
            continue;
        default:
            break;
        }
        nb_o = tcg_op_defs[opc].nb_oargs;
        nb_i = tcg_op_defs[opc].nb_iargs;
        nb_c = tcg_op_defs[opc].nb_cargs;
        for (i = 0; i < nb_o + nb_i; i++) {
            interp_disas_arg(f, w, start, &k);
        }
        if (opc == INDEX_op_brcond_i32 || opc == INDEX_op_brcond_i64) {
            fprintf(f, " cond=%u -> %04zx\n", w[k],
                    (size_t)((ptrdiff_t)(k + 1) + (int32_t)w[k + 1]) * 4);
            k += 2;
            continue;
        }
        for (i = 0; i < nb_c; i++) {
            fprintf(f, " $%#x", w[k++]);
        }
        fprintf(f, "\n");
    }
}

const TCGBackend tcg_backend_interp = {
    .name = "interp",
    .gen_prologue = interp_gen_prologue,
    .gen_code = interp_gen_code,
    .exec = tcg_interp_exec,
    .patch_jump = interp_patch_jump,
    .disas = interp_disas,
};
