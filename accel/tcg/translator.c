/*
 * The one translation loop every target uses (targets supply TranslatorOps), and
 * code fetch for translators.
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "exec/translator.h"
#include "exec/memory.h"
#include "tcg/tcg-op.h"

/* Host pointer to the TB's first page (NULL when the code is not in RAM/ROM). */
static void *translator_host_page0;
static void *translator_host_page1;

/*
 * gdbstub breakpoints: a call to this helper replaces the insn at a breakpoint's
 * pc. It unwinds with the state of that insn restored (its insn_start record), so
 * the loop returns EXCP_DEBUG with the pc on the breakpoint, nothing executed.
 */
static void translator_helper_breakpoint(CPUState *cpu)
{
    cpu->exception_index = EXCP_DEBUG;
    cpu_loop_exit_restore(cpu, GETPC());
}

static const TCGHelperInfo translator_info_breakpoint =
    TCG_HELPER(translator_helper_breakpoint, 0, TCG_CALL_VOID, TCG_CALL_PTR);

/*
 * Regions (see exec/translator.h). One translation runs at a time, so the state is
 * static. joins: the insn starts translated at clean join points, in pc order, with
 * the op after which a label goes when a back edge wants one (set_label ops are
 * inserted late, so a linear run gets a label only where a branch needs it).
 */
#define REGION_MAX_PENDING 16
#define REGION_MAX_EXITS   16
#define REGION_MAX_JOINS   TCG_MAX_INSNS

typedef struct TranslatorJoin {
    vaddr pc;
    TCGOp *after;           /* the label goes after it (or it is the set_label) */
    TCGLabel *label;        /* NULL until a branch wants one */
    bool checked;           /* the exit-request check follows the label */
} TranslatorJoin;

typedef struct TranslatorRegion {
    vaddr end;              /* first pc past the window */
    const TranslatorOps *ops;
    TCGv_i32 flag;          /* scratch of the loop-header checks, or NULL */
    bool block_start;       /* pc_next starts a block: its join is recorded */
    int nb_pending, nb_exits, nb_joins;
    struct {
        vaddr pc;
        TCGLabel *label;
        bool to_loop;       /* exits: a loop header's check fired */
    } pending[REGION_MAX_PENDING], exits[REGION_MAX_EXITS];
    TranslatorJoin joins[REGION_MAX_JOINS];
} TranslatorRegion;

static TranslatorRegion translator_region;

static bool translator_region_wanted(CPUState *cpu, TranslationBlock *tb,
                                     const TranslatorOps *ops)
{
    return ops->region_join && ops->region_exit && ops->region_block_start &&
           !cpu->singlestep && !cpu->nb_breakpoints &&
           !(tb->cflags & (CF_NOCHAIN | CF_NOCACHE)) &&
           !mimic_log_enabled(LOG_EXEC | LOG_CPU | LOG_NOCHAIN);
}

static void translator_region_add_join(TranslatorRegion *r, vaddr pc, TCGOp *after,
                                       TCGLabel *label)
{
    if (r->nb_joins < REGION_MAX_JOINS && after) {
        TranslatorJoin *j = &r->joins[r->nb_joins++];
        j->pc = pc;
        j->after = after;
        j->label = label;
        j->checked = false;
    }
}

/* Before the insn at pc_next: bind a pending label that falls through here, and
 * remember a clean join point. */
static void translator_region_boundary(DisasContextBase *db, CPUState *cpu)
{
    TranslatorRegion *r = db->region;

    if (r->block_start) {
        r->block_start = false;
        return;
    }
    if (!r->ops->region_join(db, cpu)) {
        return;             /* a pending label here is left to an exit stub */
    }
    for (int i = 0; i < r->nb_pending; i++) {
        if (r->pending[i].pc == db->pc_next) {
            TCGLabel *l = r->pending[i].label;
            r->pending[i] = r->pending[--r->nb_pending];
            gen_set_label(l);
            translator_region_add_join(r, db->pc_next, tcg_ctx->last_op, l);
            return;
        }
    }
    translator_region_add_join(r, db->pc_next, tcg_ctx->last_op, NULL);
}

/* A block has ended: go on at the lowest pending pc ahead, if any and the budget
 * allows. Pending pcs already passed (at a point that was no join) keep their
 * labels for exit stubs. */
static bool translator_region_next(DisasContextBase *db, CPUState *cpu)
{
    TranslatorRegion *r = db->region;
    int best = -1;

    if (db->num_insns >= db->max_insns) {
        return false;
    }
    for (int i = 0; i < r->nb_pending; i++) {
        if (r->pending[i].pc >= db->pc_next &&
            (best < 0 || r->pending[i].pc < r->pending[best].pc)) {
            best = i;
        }
    }
    if (best < 0) {
        return false;
    }
    /* Close this block (its exit, for the jump types whose exit tb_stop emits). */
    r->ops->tb_stop(db, cpu);
    db->pc_next = r->pending[best].pc;
    db->is_jmp = DISAS_NEXT;
    TCGLabel *l = r->pending[best].label;
    r->pending[best] = r->pending[--r->nb_pending];
    gen_set_label(l);
    translator_region_add_join(r, db->pc_next, tcg_ctx->last_op, l);
    r->ops->region_block_start(db, cpu);
    r->block_start = true;
    return true;
}

TCGLabel *translator_branch_label(DisasContextBase *db, vaddr dest)
{
    TranslatorRegion *r = db->region;

    if (!r || dest < db->pc_first) {
        return NULL;
    }
    if (dest >= db->pc_next) {
        if (dest >= r->end) {
            return NULL;
        }
        for (int i = 0; i < r->nb_pending; i++) {
            if (r->pending[i].pc == dest) {
                return r->pending[i].label;
            }
        }
        if (r->nb_pending == REGION_MAX_PENDING) {
            return NULL;
        }
        r->pending[r->nb_pending].pc = dest;
        r->pending[r->nb_pending].label = gen_new_label();
        return r->pending[r->nb_pending++].label;
    }

    /* A back edge: only to a join point already translated. */
    TranslatorJoin *j = NULL;
    for (int i = 0; i < r->nb_joins; i++) {
        if (r->joins[i].pc == dest) {
            j = &r->joins[i];
            break;
        }
    }
    if (!j || r->nb_exits == REGION_MAX_EXITS) {
        return NULL;
    }
    if (!j->checked && !r->flag) {
        TCGTemp *ts = tcg_temp_new_fresh(TCG_TYPE_I32);
        if (!ts) {
            return NULL;            /* out of temps: leave the TB instead */
        }
        r->flag = temp_tcgv_i32(ts);
    }
    if (!j->label) {
        j->label = gen_new_label();
        j->after = tcg_op_insert_after(tcg_ctx, j->after, INDEX_op_set_label, 1);
        j->after->args[0] = label_arg(j->label);
    }
    if (!j->checked) {
        /*
         * A loop inside the TB must notice interrupts, exit requests and cpu_exit()
         * as a chain of TBs does at each TB start: the header checks the flag and
         * leaves with its own pc (the TB's start has that check already).
         */
        TCGLabel *out = gen_new_label();
        TCGOp *ld, *br;

        ld = tcg_op_insert_after(tcg_ctx, j->after, INDEX_op_ld_i32, 3);
        ld->args[0] = temp_arg(tcgv_i32_temp(r->flag));
        ld->args[1] = temp_arg(tcgv_ptr_temp(tcg_env));
        ld->args[2] = offsetof(CPUState, exit_request_tb);
        br = tcg_op_insert_after(tcg_ctx, ld, INDEX_op_brcond_i32, 4);
        br->args[0] = temp_arg(tcgv_i32_temp(r->flag));
        br->args[1] = temp_arg(tcgv_i32_temp(tcg_constant_i32(0)));
        br->args[2] = TCG_COND_NE;
        br->args[3] = label_arg(out);
        out->refs++;
        j->checked = true;
        r->exits[r->nb_exits].pc = dest;
        r->exits[r->nb_exits].to_loop = true;
        r->exits[r->nb_exits++].label = out;
    }
    return j->label;
}

TCGLabel *translator_exit_label(DisasContextBase *db, vaddr dest)
{
    TranslatorRegion *r = db->region;

    if (!r || db->pc_next >= r->end || db->num_insns >= db->max_insns) {
        return NULL;
    }
    for (int i = 0; i < r->nb_exits; i++) {
        if (r->exits[i].pc == dest && !r->exits[i].to_loop) {
            return r->exits[i].label;
        }
    }
    if (r->nb_exits == REGION_MAX_EXITS) {
        return NULL;
    }
    r->exits[r->nb_exits].pc = dest;
    r->exits[r->nb_exits].to_loop = false;
    r->exits[r->nb_exits].label = gen_new_label();
    return r->exits[r->nb_exits++].label;
}

/* After the last block: the exits of pending blocks never translated, of loop
 * headers whose check fired, and of branches out of the TB. */
static void translator_region_finish(DisasContextBase *db)
{
    TranslatorRegion *r = db->region;

    for (int i = 0; i < r->nb_pending; i++) {
        gen_set_label(r->pending[i].label);
        r->ops->region_exit(db, r->pending[i].pc, false);
    }
    for (int i = 0; i < r->nb_exits; i++) {
        gen_set_label(r->exits[i].label);
        r->ops->region_exit(db, r->exits[i].pc, r->exits[i].to_loop);
    }
    r->nb_pending = r->nb_exits = 0;
}

/* -d tbcount: one more entry in the TB's counter (accel/tcg/tb-count.c). */
static void translator_gen_count(TranslationBlock *tb)
{
    uint64_t *slot = tb_count_slot(tb);

    if (slot) {
        TCGv_ptr p = tcg_constant_ptr((intptr_t)slot);
        TCGv_i64 n = tcg_temp_new_i64();

        tcg_gen_ld_i64(n, p, 0);
        tcg_gen_addi_i64(n, n, 1);
        tcg_gen_st_i64(n, p, 0);
        tcg_temp_free_i64(n);
    }
}

void translator_loop(CPUState *cpu, TranslationBlock *tb, int *max_insns,
                     const TranslatorOps *ops, DisasContextBase *db)
{
    TCGLabel *exit_label;
    vaddr pc_max;

    db->tb = tb;
    db->pc_first = tb->pc;
    db->pc_next = tb->pc;
    db->is_jmp = DISAS_NEXT;
    db->num_insns = 0;
    db->max_insns = *max_insns;
    db->singlestep_enabled = cpu->singlestep;
    db->region = NULL;

    get_page_addr_code(cpu, tb->pc, &translator_host_page0);
    translator_host_page1 = NULL;
    db->code_host0 = translator_host_page0;
    db->code_page0 = tb->pc & TARGET_PAGE_MASK;

    ops->init_disas_context(db, cpu);

    if (translator_region_wanted(cpu, tb, ops)) {
        TranslatorRegion *r = &translator_region;
        vaddr page_end = (tb->pc & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;

        r->ops = ops;
        r->flag = NULL;
        r->block_start = false;
        r->nb_pending = r->nb_exits = r->nb_joins = 0;
        r->end = tb->pc + TRANSLATOR_REGION_BYTES;
        if (r->end > page_end || r->end < tb->pc) {
            r->end = page_end;
        }
        if (ops->region_scan) {
            r->end = ops->region_scan(db, cpu, r->end);
        }
        if (r->end > tb->pc) {
            db->region = r;
        }
    }
    if (db->region) {
        TranslatorRegion *r = db->region;
        /* The TB's start, before its exit-request check, is the header of a loop
         * back to it: the check that leaves with tb->pc is already there. */
        if (ops->region_join(db, cpu)) {
            TCGLabel *l = gen_new_label();
            gen_set_label(l);
            translator_region_add_join(r, tb->pc, tcg_ctx->last_op, l);
            r->joins[0].checked = true;
        }
    }

    /*
     * Interrupts and exit requests are noticed here, at the start of every TB, so a
     * chain of TBs never runs away from them. Nothing has been done yet, so the loop
     * only needs tb->pc to resume (TB_EXIT_REQUESTED).
     */
    exit_label = gen_new_label();
    /* A fresh temp never freed: nothing else takes its number, so the brcond's
     * read ends its only life and no discard op is needed (every pass walks one
     * op less per TB). */
    TCGv_i32 flag = temp_tcgv_i32(tcg_temp_new_fresh(TCG_TYPE_I32));
    tcg_gen_ld_i32(flag, tcg_env, offsetof(CPUState, exit_request_tb));
    tcg_gen_brcondi_i32(TCG_COND_NE, flag, 0, exit_label);
    if (unlikely(mimic_log_enabled(LOG_TBCOUNT))) {
        translator_gen_count(tb);
    }

    ops->tb_start(db, cpu);

    pc_max = db->pc_next;
    for (;;) {
        if (db->region && db->num_insns > 0) {
            translator_region_boundary(db, cpu);
        }
        db->num_insns++;
        ops->insn_start(db, cpu);
        /* gdbstub breakpoint (a translation-time check: no cost without one). The
         * TB ends here; pc_next moves on so the TB covers the insn's byte. A step
         * (one-insn TB) runs the insn it starts on even if a breakpoint is there. */
        if (unlikely(cpu->nb_breakpoints) && !cpu->singlestep &&
            cpu_breakpoint_at(cpu, db->pc_next)) {
            tcg_gen_call1(&translator_info_breakpoint, NULL, tcgv_ptr_temp(tcg_env));
            db->is_jmp = DISAS_NORETURN;
            db->pc_next += 1;
            pc_max = MAX(pc_max, db->pc_next);
            break;
        }
        ops->translate_insn(db, cpu);
        pc_max = MAX(pc_max, db->pc_next);

        if (db->is_jmp == DISAS_NEXT) {
            if (db->num_insns >= db->max_insns) {
                db->is_jmp = DISAS_TOO_MANY;
            } else if (db->region && db->pc_next >= db->region->end) {
                /* Past the region's last back edge: code that runs once per
                 * loop exit, left to the TB there. */
                db->is_jmp = DISAS_TOO_MANY;
            } else if (((db->pc_next ^ db->pc_first) & TARGET_PAGE_MASK) != 0) {
                /* Stop before the next insn's page: a TB's code comes from one
                 * page, so a remapping of another page cannot make it stale
                 * (targets that let one insn straddle pages, x86, fetch the second
                 * page through translator_ld*). */
                db->is_jmp = DISAS_TOO_MANY;
            } else {
                continue;
            }
        }
        if (!db->region || !translator_region_next(db, cpu)) {
            break;
        }
    }

    ops->tb_stop(db, cpu);
    if (db->region) {
        translator_region_finish(db);
    }

    gen_set_label(exit_label);
    tcg_gen_exit_tb(tb, TB_EXIT_REQUESTED);

    /* Every byte translated, and the holes a region skipped (a store there
     * invalidates the TB: conservative, never wrong). */
    tb->size = pc_max - db->pc_first;
    *max_insns = db->num_insns;

    db->region = NULL;
}

/* Host pointer for code at pc, recording a second page in the TB if needed. */
static void *translator_code_ptr(CPUState *cpu, DisasContextBase *db, vaddr pc,
                                 unsigned size)
{
    vaddr page0 = db->pc_first & TARGET_PAGE_MASK;
    vaddr last = pc + size - 1;

    if ((pc & TARGET_PAGE_MASK) == page0 && (last & TARGET_PAGE_MASK) == page0) {
        return translator_host_page0
               ? (uint8_t *)translator_host_page0 + (pc - page0) : NULL;
    }
    if ((pc & TARGET_PAGE_MASK) == page0 + TARGET_PAGE_SIZE &&
        (last & TARGET_PAGE_MASK) == page0 + TARGET_PAGE_SIZE) {
        if (!translator_host_page1) {
            hwaddr p1 = get_page_addr_code(cpu, pc, &translator_host_page1);
            db->tb->page_addr[1] = p1 & ~(hwaddr)(TARGET_PAGE_SIZE - 1);
            if (p1 == (hwaddr)-1) {
                translator_host_page1 = NULL;
                db->tb->page_addr[1] = (hwaddr)-1;
            }
        }
        return translator_host_page1
               ? (uint8_t *)translator_host_page1 + (pc - page0 - TARGET_PAGE_SIZE)
               : NULL;
    }
    return NULL;    /* straddles the boundary: fetch byte-wise */
}

const void *translator_code_host(DisasContextBase *db, vaddr pc)
{
    vaddr page0 = db->pc_first & TARGET_PAGE_MASK;

    if ((pc & TARGET_PAGE_MASK) != page0 || !translator_host_page0) {
        return NULL;
    }
    return (const uint8_t *)translator_host_page0 + (pc - page0);
}

uint32_t translator_ldub_slow(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    uint8_t *p = translator_code_ptr(cpu, db, pc, 1);
    return p ? *p : cpu_ldub_code(cpu, pc);
}

uint32_t translator_lduw_slow(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    uint8_t *p = translator_code_ptr(cpu, db, pc, 2);
    if (p) {
        return lduw_le_p(p);
    }
    return translator_ldub(cpu, db, pc) | translator_ldub(cpu, db, pc + 1) << 8;
}

uint32_t translator_ldl_slow(CPUState *cpu, DisasContextBase *db, vaddr pc)
{
    uint8_t *p = translator_code_ptr(cpu, db, pc, 4);
    if (p) {
        return ldl_le_p(p);
    }
    return translator_lduw(cpu, db, pc) | translator_lduw(cpu, db, pc + 2) << 16;
}

bool translator_use_goto_tb(DisasContextBase *db, vaddr dest)
{
    if (db->tb->cflags & (CF_NOCHAIN | CF_NOCACHE)) {
        return false;
    }
    if (db->singlestep_enabled) {
        return false;
    }
    return ((db->pc_first ^ dest) & TARGET_PAGE_MASK) == 0;
}

/* ret = (a >> right) & mask, a left shift for negative right. */
static void translator_gen_shift_mask(TCGv_i32 ret, TCGv_i32 a, int right, uint32_t mask)
{
    if (right > 0) {
        tcg_gen_shri_i32(ret, a, right);
    } else if (right < 0) {
        tcg_gen_shli_i32(ret, a, -right);
    } else {
        tcg_gen_mov_i32(ret, a);
    }
    tcg_gen_andi_i32(ret, ret, mask);
}

#define JC_ENTRY_SHIFT 4
_Static_assert(sizeof(((CPUJumpCache *)0)->array[0]) == 1u << JC_ENTRY_SHIFT,
               "jump-cache entries are indexed by shifting");
_Static_assert(offsetof(CPUJumpCache, array[0].nflags) ==
               offsetof(CPUJumpCache, array[0].pc) + 4 && sizeof(vaddr) == 4,
               "pc and nflags form one little-endian 64-bit key");

void translator_gen_lookup_and_goto_ptr(DisasContextBase *db, TCGv_i32 pc,
                                        TCGv_i32 flags)
{
    if (mimic_log_enabled(LOG_EXEC | LOG_CPU | LOG_NOCHAIN) || db->singlestep_enabled ||
        (db->tb->cflags & (CF_NOCHAIN | CF_NOCACHE))) {
        /* The helper sends every TB back to the loop when logging wants that. */
        tcg_gen_lookup_and_goto_ptr();
        return;
    }
    const unsigned off_bits = TB_JMP_CACHE_BITS - TB_JMP_PAGE_BITS;
    TCGv_i32 off = tcg_temp_new_i32();
    TCGv_i32 lo = tcg_temp_new_i32();
    TCGv_ptr ent = tcg_temp_new_ptr();
    TCGv_ptr base = tcg_temp_new_ptr();
    TCGv_i64 key = tcg_temp_new_i64();
    TCGv_i64 want = tcg_temp_new_i64();
    TCGv_ptr code = tcg_temp_new_ptr();
#define P64(p) temp_tcgv_i64(tcgv_ptr_temp(p))

    /* Byte offset of tb_jmp_cache_hash(pc)'s slot: the page's group, then the insn.
     * When a group's slots cover the page (pc bits 2..11), the two fields are one
     * run of pc bits: a shift and a mask. */
    if (off_bits == TARGET_PAGE_BITS - 2) {
        translator_gen_shift_mask(off, pc, 2 - JC_ENTRY_SHIFT,
                                  (TB_JMP_CACHE_SIZE - 1u) << JC_ENTRY_SHIFT);
    } else {
        translator_gen_shift_mask(off, pc, TARGET_PAGE_BITS - off_bits - JC_ENTRY_SHIFT,
                                  ((1u << TB_JMP_PAGE_BITS) - 1) <<
                                  (off_bits + JC_ENTRY_SHIFT));
        translator_gen_shift_mask(lo, pc, 2 - JC_ENTRY_SHIFT,
                                  ((1u << off_bits) - 1) << JC_ENTRY_SHIFT);
        tcg_gen_or_i32(off, off, lo);
    }
    tcg_gen_ext_i32_ptr(ent, off);
    tcg_gen_ld_ptr(base, tcg_env, offsetof(CPUState, tb_jmp_cache));
    tcg_gen_add_i64(P64(ent), P64(ent), P64(base));

    /* Hit: the slot's (pc, ~flags) is ours; jump to its TB's code. Only a hit may
     * load through the slot's TB pointer (an empty slot's is NULL). */
    TCGLabel *miss = gen_new_label();
    tcg_gen_ld_i64(key, ent, offsetof(CPUJumpCache, array[0].pc));
    tcg_gen_not_i32(lo, flags);
    tcg_gen_concat_i32_i64(want, pc, lo);
    tcg_gen_brcond_i64(TCG_COND_NE, key, want, miss);
    tcg_gen_ld_ptr(code, ent, offsetof(CPUJumpCache, array[0].tb));
    tcg_gen_ld_ptr(code, code, offsetof(TranslationBlock, tc.ptr));
    tcg_gen_goto_ptr(code);
    /* Miss: back to the loop, which looks further and fills the slot. */
    gen_set_label(miss);
    tcg_gen_exit_tb(NULL, 0);
#undef P64

    tcg_temp_free_i32(off);
    tcg_temp_free_i32(lo);
    tcg_temp_free_ptr(ent);
    tcg_temp_free_ptr(base);
    tcg_temp_free_i64(key);
    tcg_temp_free_i64(want);
    tcg_temp_free_ptr(code);
}
