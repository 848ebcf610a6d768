/*
 * The x86-64 backend's guest accesses in self loops (tcg/loop.c finds them):
 * loop-invariant stores whose TLB check runs once before the loop head and leaves
 * the host address in a register (x86_hoist_*), and group leaders that share one
 * check done before the loop head, whose addend waits in a frame slot
 * (x86_span_*). Both rest on the same argument, given with the hoisted stores
 * below: the mapping can change only in C code, and every return from C code
 * into the TB forgets what was checked (x86_hoist_forget). The fast paths,
 * checks and stubs they build on are ldst.c's (ldst-internal.h).
 */
#include "ldst-internal.h"

/*
 * Loop-invariant accesses (TCGContext.loop_hoists, found by tcg/loop.c): a plain
 * access in a loop body at base + disp, base a global no op of the TB writes.
 * Its TLB check runs once before the loop head (x86_hoist_setup, after the
 * pinned globals' loads, so a chained self edge skips it too), which leaves the
 * access's host address, or 0 when the check fails, in a register of its own
 * for the whole TB (one of the pinned globals' registers, x86_pin_setup; the
 * allocator never hands it out); the body then only tests that:
 *     test  h, h
 *     je    stub
 *     op    [h]
 * Why the address stays right: generated code runs on the one thread that runs
 * every vCPU, the devices and the main loop (softmmu/cpus.c), so a TLB entry, a
 * page's flags (TLB_NOTDIRTY when code is translated from it, TLB_WATCH, MMIO)
 * or the memory map can only change in C code, and C code runs (a) outside the
 * TB, which is then entered again at its start (only the chained self edge
 * jumps to the loop head, straight from the TB's own exit), or (b) called from
 * the TB: helpers and the slow paths of guest accesses, after each of which
 * every hoisted address is zeroed (x86_hoist_forget). The check compares the
 * entry's full tag, flag bits included, so a page that needs the slow path
 * (code, watchpoint, MMIO, dirty tracking) never gets an address: its accesses
 * go through the stub every time, as they would without hoisting. The base is
 * never written in the TB, so env always holds it: the check and the stub read
 * it from there. The stub tries the access's own TLB check first and fills the
 * register on a hit (an address zeroed by some slow path, or a TLB miss at the
 * loop's start, costs one pass through the stub), else calls the helper as usual.
 * A base the TB reads only for hoisted addresses is no pinning candidate (the
 * adds are left out: x86_hoist_skip_addr), which leaves intloop's loop the
 * register its stack store's address takes: that store was 10 host insns with
 * three dependent loads, and is 3 (test, je, mov) now.
 */
int x86_hoist_of(const X86Gen *g, const TCGOp *op)
{
    for (int i = 0; i < g->nb_hoist; i++) {
        if (g->hoist_reg[i] >= 0 && g->s->loop_hoists[i].op == op) {
            return i;
        }
    }
    return -1;
}

/* The hoisted access h's guest address into areg (32-bit, like every one). */
static void x86_hoist_addr(X86Gen *g, int h, int areg)
{
    const TCGTemp *b = g->s->loop_hoists[h].base;
    int32_t disp = g->s->loop_hoists[h].disp;

    x86_emit_ld(g, TCG_TYPE_I32, areg, X86_AREG0, b->mem_offset);
    if (disp) {
        x86_emit_modrm_off(g, OPC_LEA, areg, areg, disp);
    }
}

/* The TLB check of hoisted access h at areg; on a hit its register = the host
 * address. Returns the miss branch's rel32. */
static uint8_t *x86_hoist_check(X86Gen *g, int h, int areg, int t0)
{
    const TCGOp *op = g->s->loop_hoists[h].op;
    bool is_ld = op->opc == INDEX_op_qemu_ld_i32 || op->opc == INDEX_op_qemu_ld_i64;
    MemOpIdx oi = (MemOpIdx)op->args[2];
    int hreg = g->hoist_reg[h];
    uint8_t *unused;
    uint8_t *miss = x86_emit_tlb_check(g, areg, t0, oi,
                                       is_ld ? X86_CHECK_READ : X86_CHECK_WRITE, 0,
                                       memop_size(get_memop(oi)) - 1, &unused);

    x86_emit_ld(g, TCG_TYPE_I64, hreg, t0, offsetof(CPUTLBEntry, addend));
    x86_emit_arith(g, ARITH_ADD, P_REXW, hreg, areg);
    return miss;
}

static bool x86_hoist_supported(const TCGOp *op)
{
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);

    /* Stores only for now (tcg/loop.c records no loads); a byte-swapped store
     * without movbe (a big-endian guest on an old host) stays plain. */
    if (op->opc != INDEX_op_qemu_st_i32 && op->opc != INDEX_op_qemu_st_i64) {
        return false;
    }
    return !((mop & MO_BSWAP) && memop_size(mop) > 1 && !x86_have_movbe);
}

int x86_hoist_plan(X86Gen *g)
{
    TCGContext *s = g->s;
    int n = 0;

    g->nb_hoist = s->nb_loop_hoists;
    for (int h = 0; h < g->nb_hoist; h++) {
        /* -2: wanted, waiting for a register (x86_pin_setup) */
        g->hoist_reg[h] = x86_hoist_supported(s->loop_hoists[h].op) ? -2 : -1;
        n += g->hoist_reg[h] == -2;
    }
    return n;
}

void x86_hoist_setup(X86Gen *g)
{
    for (int h = 0; h < g->nb_hoist; h++) {
        int hreg = g->hoist_reg[h];
        if (hreg < 0) {
            g->hoist_reg[h] = -1;       /* no register was left for it */
            continue;
        }
        /* Nothing but the pinned globals holds a register yet. */
        uint16_t free = g->free_regs;
        int areg = __builtin_ctz(free);
        free &= free - 1;
        int t0 = __builtin_ctz(free);

        x86_hoist_addr(g, h, areg);
        uint8_t *miss = x86_hoist_check(g, h, areg, t0);
        uint8_t *done = x86_emit_jcc32(g, -1);
        x86_patch_rel32(miss, g->code_ptr);
        x86_emit_arith(g, ARITH_XOR, 0, hreg, hreg);
        x86_patch_rel32(done, g->code_ptr);
    }
}

void x86_hoist_forget(X86Gen *g)
{
    for (int h = 0; h < g->nb_hoist; h++) {
        if (g->hoist_reg[h] >= 0) {
            x86_emit_arith(g, ARITH_XOR, 0, g->hoist_reg[h], g->hoist_reg[h]);
        }
    }
    for (int i = 0; i < g->nb_span; i++) {
        x86_emit_sti(g, TCG_TYPE_I64, 0, X86_RSP, g->span_slot[i]);
    }
}

/* The add that computes a hoisted access's address: the body never needs it. */
bool x86_hoist_skip_addr(X86Gen *g, const TCGOp *op)
{
    for (int h = 0; h < g->nb_hoist; h++) {
        if (g->hoist_reg[h] >= 0 && g->s->loop_hoists[h].addr_op == op) {
            TCGTemp *b = arg_temp(op->args[1]);
            if (IS_DEAD_ARG(op, 1) && x86_pin_reg(g, b) < 0) {
                x86_ra_temp_dead(g, b);
            }
            return true;
        }
    }
    return false;
}

void x86_gen_st_hoisted(X86Gen *g, const TCGOp *op, TCGType type, int h)
{
    TCGTemp *vts = arg_temp(op->args[0]), *ats = arg_temp(op->args[1]);
    MemOpIdx oi = (MemOpIdx)op->args[2];
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    bool vconst = false;
    int64_t v = 0;
    int vreg = -1, t0, areg;
    uint16_t locked = 0;

    g->fold_t = NULL;
    x86_ldst_hosts_begin(g);
    if (vts->val_type == TEMP_VAL_CONST || vts->kind == TEMP_CONST) {
        /* As x86_gen_st: the immediate is stored byte-swapped when it must be. */
        v = vts->val;
        if ((mop & MO_BSWAP) && size == 8) {
            v = (int64_t)__builtin_bswap64(v);
        }
        vconst = size < 8 || x86_fits_s32(v);
        v = vts->val;
    }
    if (!vconst) {
        vreg = x86_ra_load(g, vts, 0, 0);
        locked |= X86_REG_BIT(vreg);
    }
    /* Scratch for the stub only (free registers cost nothing here). */
    t0 = x86_ra_alloc(g, 0, locked);
    areg = x86_ra_alloc(g, 0, locked | X86_REG_BIT(t0));

    X86LdstStub *st = x86_new_stub(g);
    int hreg = g->hoist_reg[h];
    x86_emit_modrm(g, OPC_TESTL | P_REXW, hreg, hreg);
    st->jne_disp = x86_emit_jcc32(g, JCC_JE);
    x86_ldst_note_globals(g, st, NULL);

    x86_store_stub_fill(st, X86_LDST_HOIST, t0, vconst, v, areg, vreg, type, oi);
    st->hoist = (int8_t)h;
    x86_emit_st_data(g, st, t0, hreg, -1, 0);
    st->raddr = g->code_ptr;
    st->win_tmp = g->win_tmp;

    if (IS_DEAD_ARG(op, 0)) {
        x86_ra_temp_dead(g, vts);
    }
    if (IS_DEAD_ARG(op, 1) && (g->s->loop_hoists[h].addr_op || x86_pin_reg(g, ats) < 0)) {
        x86_ra_temp_dead(g, ats);       /* the add's output: never computed */
    }
    st->save_regs = x86_ra_live_regs(g) & X86_CALL_CLOBBERED;
    x86_ldst_note_zero(g, st);
}

/* A hoisted access's stub, before the helper: its own TLB check; a hit fills the
 * register again and does the access, a miss goes on to the helper. */
void x86_hoist_stub_check(X86Gen *g, const X86LdstStub *st)
{
    x86_hoist_addr(g, st->hoist, st->addr_reg);
    uint8_t *miss = x86_hoist_check(g, st->hoist, st->addr_reg, st->t0_reg);
    x86_emit_st_data(g, st, st->t0_reg, g->hoist_reg[st->hoist], -1, 0);
    x86_stub_win_tmp(g, st);
    x86_patch_rel32(x86_emit_jcc32(g, -1), st->raddr);
    x86_patch_rel32(miss, g->code_ptr);
}

/*
 * Loop-invariant shared checks (TCGContext.loop_spans, found by tcg/loop.c): the
 * group leaders of a loop body whose addresses are base + d, base a global no
 * op on a path to them writes, share one check of the union of their spans,
 * done before the loop head (x86_span_setup, after the hoisted accesses'), whose
 * result, the page's addend or 0, stays in a frame slot for the whole TB. A
 * leader then starts like a member of its own group:
 *     mov   host, [rsp + slot]
 *     test  host, host
 *     je    stub
 * instead of its window check (7 insns with a store, 5 for loads) or TLB check
 * (8-9 with three dependent loads), and its members use host as before. The
 * XZ decompressor's range-coder loops reach their coder struct through one
 * pointer that stays put: three or four checks per iteration became one per
 * entry into the TB. The reasoning that keeps it right is the hoisted
 * accesses' (above): mappings, page flags, windows and store maps change only
 * in C code, and every return from C code into the TB zeroes the slots
 * (x86_hoist_forget); re-entry at the TB's start checks again. A frame slot
 * rather than a register: the leader needs its addend in a register of its own
 * anyway, so loading it from the slot costs the same insn count as a move, and
 * no pinned global gives up its register. The union check tests base's
 * alignment against the strictest leader's (every d is a multiple of it, so
 * each leader's own alignment follows), the write tag or store map when any
 * leader's group stores, and the whole union in one page. A leader's stub
 * checks the union again at its own address (its d known) and refills the slot
 * on success, so a check that failed at the loop's start (a TLB miss, say) costs
 * one pass through the stub; otherwise it goes on as any leader's stub.
 */
static int x86_span_of(const X86Gen *g, const TCGOp *op, int32_t *d)
{
    const TCGContext *s = g->s;

    for (int i = 0; i < g->nb_span; i++) {
        for (int k = 0; k < s->loop_spans[i].nb_leads; k++) {
            if (s->loop_spans[i].lead[k] == op) {
                *d = s->loop_spans[i].lead_d[k];
                return i;
            }
        }
    }
    return -1;
}

/* Span i's check at areg = base + d into dst (the addend); the miss branches'
 * rel32s go to miss[] (NULL where there is none). Clobbers t0 and X86_TMP. */
static void x86_span_check(X86Gen *g, int i, int areg, int32_t d, int t0, int dst,
                           uint8_t *miss[3])
{
    const TCGContext *s = g->s;
    MemOpIdx oi = s->loop_spans[i].oi;
    unsigned kinds = s->loop_spans[i].kinds;
    int32_t lo = s->loop_spans[i].lo - d, hi = s->loop_spans[i].hi - d;

    if (x86_ldst_use_window(g, oi)) {
        X86LdstStub tmp;
        x86_emit_win_check(g, &tmp, areg, t0, oi, kinds, lo, hi);
        miss[0] = tmp.jne_disp;
        miss[1] = tmp.jne_disp2;
        miss[2] = tmp.jne_disp3;
        x86_emit_modrm_off(g, OPC_MOVL_GvEv | P_REXW, dst, X86_AREG0,
                           X86_WIN_OFS(get_mmuidx(oi), addend));
    } else {
        miss[0] = x86_emit_tlb_check(g, areg, t0, oi, kinds, lo, hi, &miss[1]);
        miss[2] = NULL;
        x86_emit_ld(g, TCG_TYPE_I64, dst, t0, offsetof(CPUTLBEntry, addend));
    }
    g->win_tmp = -1;
}

static void x86_patch_misses(X86Gen *g, uint8_t *miss[3])
{
    for (int k = 0; k < 3; k++) {
        if (miss[k]) {
            x86_patch_rel32(miss[k], g->code_ptr);
        }
    }
}

void x86_span_setup(X86Gen *g)
{
    TCGContext *s = g->s;

    for (int i = 0; i < s->nb_loop_spans; i++) {
        const TCGTemp *b = s->loop_spans[i].base;
        /* Nothing but the pinned globals (and hoisted addresses) holds a
         * register yet; the slots come before any temp's. */
        uint16_t free = g->free_regs;
        if (__builtin_popcount(free) < 3 || s->frame_next + 8 > TCG_STATIC_FRAME_SIZE) {
            break;          /* the rest keep their own checks */
        }
        int areg = __builtin_ctz(free);
        free &= free - 1;
        int t0 = __builtin_ctz(free);
        free &= free - 1;
        int dst = __builtin_ctz(free);
        int pin = x86_pin_reg(g, b);
        uint8_t *miss[3];

        g->span_slot[i] = (int32_t)s->frame_next;
        s->frame_next += 8;
        g->nb_span = i + 1;
        if (pin >= 0) {
            areg = pin;
        } else {
            x86_emit_ld(g, TCG_TYPE_I32, areg, X86_AREG0, b->mem_offset);
        }
        x86_span_check(g, i, areg, 0, t0, dst, miss);
        x86_emit_st(g, TCG_TYPE_I64, dst, X86_RSP, g->span_slot[i]);
        uint8_t *done = x86_emit_jcc32(g, -1);
        x86_patch_misses(g, miss);
        x86_emit_sti(g, TCG_TYPE_I64, 0, X86_RSP, g->span_slot[i]);
        x86_patch_rel32(done, g->code_ptr);
    }
}

bool x86_span_lead_check(X86Gen *g, X86LdstStub *st, const TCGOp *op, int hreg)
{
    int32_t d;
    int i = x86_span_of(g, op, &d);

    if (i < 0) {
        return false;
    }
    x86_emit_ld(g, TCG_TYPE_I64, hreg, X86_RSP, g->span_slot[i]);
    x86_emit_modrm(g, OPC_TESTL | P_REXW, hreg, hreg);
    st->jne_disp = x86_emit_jcc32(g, JCC_JE);
    st->span1 = (uint8_t)(i + 1);
    st->span_d = d;
    return true;
}

/* A span access's stub, first: the union check again at its own address; a hit
 * refills the slot, does the access with that addend and goes back. */
void x86_span_stub_check(X86Gen *g, const X86LdstStub *st)
{
    int i = st->span1 - 1;
    uint8_t *miss[3];

    int host = st->kind == X86_LDST_LEAD ? st->host_reg : X86_TMP;

    x86_span_check(g, i, st->addr_reg, st->span_d, st->t0_reg, host, miss);
    x86_emit_st(g, TCG_TYPE_I64, host, X86_RSP, g->span_slot[i]);
    if (st->is_ld) {
        x86_emit_ld_data(g, get_memop(st->oi), st->type, st->data_reg, host,
                         st->addr_reg, 0);
    } else if (st->wide) {
        /* host stays non-zero: the stores this one covers will not store. */
        x86_emit_st_wide(g, st->wide, st->t0_reg, host, st->addr_reg, 0);
    } else {
        x86_emit_st_data(g, st, st->t0_reg, host, st->addr_reg, 0);
    }
    x86_stub_win_tmp(g, st);
    x86_patch_rel32(x86_emit_jcc32(g, -1), st->raddr);
    x86_patch_misses(g, miss);
}
