/*
 * Guest memory accesses (qemu_ld/qemu_st) of the x86-64 backend: the softmmu TLB
 * fast path inline, as laid down in include/exec/cputlb.h, and one out-of-line stub
 * per access, emitted after the TB body, that calls helper_ld_mmu/helper_st_mmu.
 *
 * Fast path for an access of size S at guest address A (32-bit, in register a) in
 * MMU mode M; env is AREG0 and CPUState starts with tlb_fast[]:
 *     mov   t0d, a
 *     shr   t0d, TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS
 *     and   t0, [env + M*16 + mask]
 *     add   t0, [env + M*16 + table]        ; t0 = &entry
 *     lea   tmpd, [a + S-1] | mov tmpd, a   ; last byte's page for unaligned S > 1
 *     and   tmpd, PAGE_MASK | align bits
 *     cmp   tmpd, [t0 + addr_read/addr_write]
 *     jne   stub
 *     mov   tmp, [t0 + addend]
 *     op    [tmp + a]                        ; a is zero-extended: i32 invariant
 *   raddr:
 * The stub saves the caller-saved registers that hold live values, so a guest
 * memory access does not force the allocator to give up those registers; it is
 * the rare path.
 *
 * Accesses that share one TLB check (qemu_*_lead / qemu_*_memb, made by
 * tcg/ldst-group.c): the leader's check covers the group's whole byte span and
 * leaves the page's addend in a register (the `host` temp) instead of the scratch;
 * a member only tests that register (zero: the shared check failed) and uses it:
 *     test  host, host
 *     jz    stub
 *     op    [host + a]
 * Their stubs first try the access's own TLB check inline (a leader then zeroes
 * host), so a group that keeps straddling two pages costs about what separate
 * checks would, and call the helper only on a real miss.
 *
 * In the MMU modes of TCGContext.ldst_window_mmu_mask (those a target gave a
 * direct RAM window: MIPS kseg0 in kernel mode, x86 with paging off) plain accesses
 * and leaders check the window instead (x86_emit_win_check: an lea and an
 * unsigned compare against env, no dependent loads; stores one byte of the
 * window's store map) and take the TLB check out of line, in the stub, as a
 * leader's stub does. The window's addend stays in X86_TMP from one plain window
 * access to the next while nothing else uses that register (X86Gen.win_tmp).
 *
 * A member at a constant offset from its leader's own address folds the offset
 * into its data op, [host + base + disp] (x86_ldst_fold_addr), and only its stub
 * computes the address.
 *
 * A run of constant group stores that store merging marked (tcg/st-merge.c)
 * writes all its bytes with the first store's fast path (x86_emit_st_wide: 16-byte
 * xmm stores of zeros, else 8/4/2/1-byte immediates); the stores it covers keep
 * only `test host, host; jz stub` (their stubs do their own store, so a failed
 * check stays precise) and fold any constant offset into the stub's address.
 *
 * Self loops' stores and shared checks that run once before the loop head
 * (x86_hoist_*, x86_span_*) are ldst-loop.c's; what the two files share is
 * declared in ldst-internal.h.
 */
#include "ldst-internal.h"

uint64_t (*x86_ld_helper)(struct CPUState *, uint32_t, uint32_t, uintptr_t) =
    helper_ld_mmu;
void (*x86_st_helper)(struct CPUState *, uint32_t, uint64_t, uint32_t, uintptr_t) =
    helper_st_mmu;

#define X86_TLB_MASK_OFS(idx)  ((idx) * (int)sizeof(CPUTLBDescFast) + \
                                (int)offsetof(CPUTLBDescFast, mask))
#define X86_TLB_TABLE_OFS(idx) ((idx) * (int)sizeof(CPUTLBDescFast) + \
                                (int)offsetof(CPUTLBDescFast, table))

/*
 * Instead of writing every dirty global to env before each access (the access may
 * fault), note them for the slow path, which writes them before calling the helper:
 * the fast path then keeps them in registers. Called once the op's registers are
 * allocated, so the noted registers keep their values until the miss branch.
 * `except` (the load's output) is excluded; it was written back beforehand if dirty.
 * If the pool is full, fall back to writing everything back now.
 */
void x86_ldst_note_globals(X86Gen *g, X86LdstStub *st, TCGTemp *except)
{
    TCGContext *s = g->s;
    TCGTemp *list[TCG_MAX_TEMPS];
    int n;

    st->sync_first = g->nb_ldst_sync;
    st->nb_sync = 0;
    if (g->nb_ldst_sync + s->nb_globals > X86_MAX_LDST_SYNC) {
        x86_ra_sync_globals(g);
        return;
    }
    n = x86_ra_dirty_globals(g, list);
    for (int i = 0; i < n; i++) {
        TCGTemp *ts = list[i];
        if (ts == except || ts->kind != TEMP_GLOBAL || ts->mem_coherent) {
            continue;
        }
        if (ts->val_type != TEMP_VAL_REG && ts->val_type != TEMP_VAL_CONST) {
            continue;
        }
        X86LdstSync *e = &g->ldst_sync[g->nb_ldst_sync++];
        e->off = (int32_t)ts->mem_offset;
        e->type = ts->type;
        e->is_const = ts->val_type == TEMP_VAL_CONST;
        e->reg = e->is_const ? 0 : ts->reg;
        e->val = ts->val;
        st->nb_sync++;
    }
}

/*
 * Shared addends across accesses (tcg/ldst-group.c): several groups may be open
 * at once, and the slow path of any access (a member's or leader's, or a plain
 * one's) zeroes every addend still live after it once it has called C code,
 * which may have changed the mapping the leaders checked; their remaining members
 * then take their own path. The TB's addend temps are those its leaders define;
 * the list starts afresh at a TB's first access.
 */
void x86_ldst_hosts_begin(X86Gen *g)
{
    if (g->nb_ldst == 0) {
        g->nb_ldst_hosts = 0;
    }
}

static void x86_ldst_note_host(X86Gen *g, TCGTemp *hts)
{
    for (int i = 0; i < g->nb_ldst_hosts; i++) {
        if (g->ldst_hosts[i] == hts) {
            return;
        }
    }
    /* tcg/ldst-group.c has fewer slots than this. */
    assert(g->nb_ldst_hosts < X86_MAX_LDST_HOSTS);
    g->ldst_hosts[g->nb_ldst_hosts++] = hts;
}

/* Once the op's registers are final: the addends live after it, where they are. */
void x86_ldst_note_zero(X86Gen *g, X86LdstStub *st)
{
    st->zero_regs = 0;
    st->nb_zero_slots = 0;
    for (int i = 0; i < g->nb_ldst_hosts; i++) {
        const TCGTemp *h = g->ldst_hosts[i];
        if (h->val_type == TEMP_VAL_DEAD) {
            continue;
        }
        if (h->val_type == TEMP_VAL_REG) {
            st->zero_regs |= X86_REG_BIT(h->reg);
        }
        if (h->mem_allocated) {
            st->zero_slot[st->nb_zero_slots++] = (int32_t)h->mem_offset;
        }
    }
}

X86LdstStub *x86_new_stub(X86Gen *g)
{
    if (g->nb_ldst >= X86_MAX_LDST) {
        g->overflow = true;
        return &g->ldst[0];     /* the code is discarded anyway */
    }
    X86LdstStub *st = &g->ldst[g->nb_ldst++];
    memset(st, 0, sizeof(*st));
    return st;
}

/* What a store's slow path needs of the value and the access, whatever its check. */
void x86_store_stub_fill(X86LdstStub *st, X86LdstKind kind, int t0, bool vconst,
                         int64_t v, int addr_reg, int vreg, TCGType type,
                         MemOpIdx oi)
{
    st->is_ld = false;
    st->kind = kind;
    st->t0_reg = t0;
    st->val_const = vconst;
    st->val = v;
    st->addr_reg = addr_reg;
    st->data_reg = vconst ? 0 : vreg;
    st->type = type;
    st->oi = oi;
}

/*
 * The TLB check of an access at areg, widened to the span [areg + lo, areg + hi]
 * (a plain access: lo 0, hi its size - 1): the entry is indexed by the page of
 * areg + lo and its tag compared with the page of areg + hi, rounded down to the
 * access's alignment so that the alignment bits of areg itself take part in the
 * compare. Both sums are 32-bit, like guest addresses. Equal tags mean the whole
 * span lies in the entry's page: an entry only holds pages of its own index, and
 * the two pages are at most one apart (hi - lo < page size), so different pages
 * would have different indexes. kinds says which tags must match (X86_CHECK_*).
 * Leaves t0 = &entry; returns the miss branch's rel32 (and the second one's, for a
 * check of both tags, in *second).
 */
/* The rorx form of the index relies on the mask stopping below the rotated-in bits. */
_Static_assert(CPU_TLB_DYN_MAX_BITS + CPU_TLB_ENTRY_BITS <=
               32 - (TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS),
               "TLB index mask reaches the bits rorx rotates in");

uint8_t *x86_emit_tlb_check(X86Gen *g, int areg, int t0, MemOpIdx oi,
                            unsigned kinds, int32_t lo, int32_t hi,
                            uint8_t **second)
{
    MemOp mop = get_memop(oi);
    unsigned idx = get_mmuidx(oi);
    uint32_t align = (mop & MO_ALIGN) ? memop_size(mop) - 1 : 0;
    int32_t hi_cmp = hi & ~(int32_t)align;

    if (lo) {
        x86_emit_modrm_off(g, OPC_LEA, t0, areg, lo);
        x86_emit_shifti(g, SHIFT_SHR, 0, t0, TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS);
    } else if (x86_have_bmi2) {
        /* Rotating instead of shifting brings the address's low bits to the top of
         * the 32-bit result, above any bit the mask keeps: one instruction for the
         * "mov; shr" pair. */
        x86_emit_rorx(g, 0, t0, areg, TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS);
    } else {
        x86_emit_ext32u(g, t0, areg);
        x86_emit_shifti(g, SHIFT_SHR, 0, t0, TARGET_PAGE_BITS - CPU_TLB_ENTRY_BITS);
    }
    x86_emit_modrm_off(g, (OPC_ARITH_GvEv + (ARITH_AND << 3)) | P_REXW, t0, X86_AREG0,
                       X86_TLB_MASK_OFS(idx));
    x86_emit_modrm_off(g, OPC_ADD_GvEv | P_REXW, t0, X86_AREG0, X86_TLB_TABLE_OFS(idx));
    if (hi_cmp) {
        x86_emit_modrm_off(g, OPC_LEA, X86_TMP, areg, hi_cmp);
    } else {
        x86_emit_ext32u(g, X86_TMP, areg);
    }
    x86_emit_arithi(g, ARITH_AND, 0, X86_TMP, (int32_t)(TARGET_PAGE_MASK | align));
    x86_emit_modrm_off(g, OPC_CMP_GvEv, X86_TMP, t0,
                       (kinds & X86_CHECK_READ) ? offsetof(CPUTLBEntry, addr_read)
                                                : offsetof(CPUTLBEntry, addr_write));
    uint8_t *miss = x86_emit_jcc32(g, JCC_JNE);
    *second = NULL;
    if (kinds == (X86_CHECK_READ | X86_CHECK_WRITE)) {
        /* A group of loads and stores: the page must take both. */
        x86_emit_modrm_off(g, OPC_CMP_GvEv, X86_TMP, t0, offsetof(CPUTLBEntry, addr_write));
        *second = x86_emit_jcc32(g, JCC_JNE);
    }
    return miss;
}

/* Whether accesses of mode idx try the direct RAM window first. */
bool x86_ldst_use_window(const X86Gen *g, MemOpIdx oi)
{
    return (g->s->ldst_window_mmu_mask >> get_mmuidx(oi)) & 1;
}

/*
 * The direct-window check (exec/cputlb.h, CPUTLBWindow) of the span [areg + lo,
 * areg + hi] (hi - lo < a page):
 *     lea   t0d, [a + lo - base]          ; base: fixed per mode, a constant
 *     cmp   t0d, [env + win.lim]          ; lim = size - page: the span fits
 *     jae   stub
 * An access that must be aligned to 2^k bytes (MO_ALIGN; a leader whose span
 * starts at a multiple of its alignment) checks its alignment in the same compare:
 *     lea   t0d, [a + lo - base]
 *     ror   t0d, k                        ; misaligned: low bits land at the top
 *     cmp   t0d, [env + win.lim_ror[k]]   ; lim >> k
 *     jae   stub
 * base and lim are multiples of the page size, so for an aligned t ror is t >> k
 * and t >> k < lim >> k exactly when t < lim; a misaligned t rotates to at least
 * 2^(32-k), above any lim >> k. (Other spans test the alignment apart:
 *     test  a, align ; jnz stub.)
 * A span holding stores skips the compare with lim: one byte of the window's
 * store map (exec/cputlb.h) says at once that the offset is inside the window,
 * aligned, and that the page holds no translated code (0xff, else 0):
 *     lea   t0d, [a + lo - base]
 *     ror   t0d, k                        ; aligned accesses only
 *     shr   t0d, TARGET_PAGE_BITS - k
 *     add   t0, [env + win.store_map]
 *     cmp   byte [t0], 0 ; je stub          (cmp word [t0], -1; jne: a span
 *                                            that may reach the next page)
 * An aligned t indexes its page's byte; a misaligned one rotates to an index of
 * 2^(32 - TARGET_PAGE_BITS) or more, where the map is 0, and so does any t past
 * the window. (That was lim's compare, then the code map's: two insns more.)
 * The stub does the TLB check, then the helper. The caller then loads the
 * window's addend, which works for a's whole span like a TLB entry's.
 */
_Static_assert(ARRAY_SIZE(((CPUTLBWindow *)0)->lim_ror) > MO_64,
               "a rotated window check for every aligned access size");

void x86_emit_win_check(X86Gen *g, X86LdstStub *st, int areg, int t0,
                        MemOpIdx oi, unsigned kinds, int32_t lo, int32_t hi)
{
    MemOp mop = get_memop(oi);
    unsigned idx = get_mmuidx(oi);
    uint32_t align = (mop & MO_ALIGN) ? memop_size(mop) - 1 : 0;
    /* Fold the alignment test into the compare when the span's start has the
     * access's alignment exactly when a has it. */
    unsigned rot = align && !(lo & (int32_t)align) ? (unsigned)__builtin_ctz(align + 1) : 0;

    /* The mode's base is fixed once it has a window (TCGContext). */
    int32_t disp = (int32_t)((uint32_t)lo - g->s->ldst_window_base[idx]);

    if (disp) {
        x86_emit_modrm_off(g, OPC_LEA, t0, areg, disp);
    } else {
        x86_emit_ext32u(g, t0, areg);
    }
    if (rot) {
        x86_emit_shifti(g, SHIFT_ROR, 0, t0, rot);
    }
    st->jne_disp = NULL;
    st->jne_disp2 = NULL;
    st->jne_disp3 = NULL;
    if (!(kinds & X86_CHECK_WRITE)) {
        if (rot) {
            x86_emit_modrm_off(g, OPC_CMP_GvEv, t0, X86_AREG0,
                               X86_WIN_OFS(idx, lim_ror) + (int)(rot * sizeof(uint32_t)));
        } else {
            x86_emit_modrm_off(g, OPC_CMP_GvEv, t0, X86_AREG0, X86_WIN_OFS(idx, lim));
        }
        st->jne_disp = x86_emit_jcc32(g, JCC_JAE);
    }
    if (align && !rot) {
        /* test a8, imm8 */
        x86_emit_modrm(g, 0xf6 | P_REXB_RM, EXT3_TEST, areg);
        x86_out8(g, (uint8_t)align);
        st->jne_disp2 = x86_emit_jcc32(g, JCC_JNE);
    }
    if (kinds & X86_CHECK_WRITE) {
        /* One load answers "in the window, aligned, no code on the page"
         * (CPUTLBWindow.store_map): 0xff for a window page without code, 0 for
         * anything else, including every index a misaligned t rotates to
         * (2^(32 - TARGET_PAGE_BITS) and up). A span that may reach the next
         * page needs both bytes (an aligned span no longer than its alignment
         * stays in one page); the window's last page is followed by a 0. */
        bool two_pages = (lo & (int32_t)align) != 0 || hi - lo > (int32_t)align;
        x86_emit_shifti(g, SHIFT_SHR, 0, t0, TARGET_PAGE_BITS - rot);
        x86_emit_modrm_off(g, OPC_ADD_GvEv | P_REXW, t0, X86_AREG0,
                           X86_WIN_OFS(idx, store_map));
        if (two_pages) {
            /* cmp word [t0], -1; jne (an imm8: an imm16 after the 0x66 prefix
             * would stall the decoder) */
            x86_emit_modrm_off(g, OPC_ARITH_EvIb | P_DATA16, ARITH_CMP, t0, 0);
            x86_out8(g, 0xff);
            st->jne_disp3 = x86_emit_jcc32(g, JCC_JNE);
        } else {
            /* cmp byte [t0], 0; je */
            x86_emit_modrm_off(g, 0x80, ARITH_CMP, t0, 0);
            x86_out8(g, 0);
            st->jne_disp3 = x86_emit_jcc32(g, JCC_JE);
        }
    }
    st->win = true;
}

/*
 * Before a plain window access's data op: X86_TMP must still hold the addend the
 * check left there. Only writing back globals in between (the rare fallback of
 * x86_ldst_note_globals, whose 64-bit constants go through X86_TMP) could have
 * changed it: then load it again.
 */
static void x86_ldst_win_addend(X86Gen *g, const X86LdstStub *st, X86LdstKind kind,
                                MemOpIdx oi)
{
    if (kind == X86_LDST_PLAIN && st->win && g->win_tmp != (int)get_mmuidx(oi)) {
        x86_emit_modrm_off(g, OPC_MOVL_GvEv | P_REXW, X86_TMP, X86_AREG0,
                           X86_WIN_OFS(get_mmuidx(oi), addend));
    }
}

/* The load itself: out = [base + areg] with the op's size, sign and byte order. */
void x86_emit_ld_data(X86Gen *g, MemOp mop, TCGType type, int out, int base,
                      int areg, int32_t disp)
{
    int rexw = type == TCG_TYPE_I64 ? P_REXW : 0;
    bool bswap = (mop & MO_BSWAP) && (mop & MO_SIZE) != MO_8;

    switch (mop & (MO_SIZE | MO_SIGN)) {
    case MO_UB:
        x86_emit_modrm_sib(g, OPC_MOVZBL, out, base, areg, 0, disp);
        break;
    case MO_SB:
        x86_emit_modrm_sib(g, OPC_MOVSBL | rexw, out, base, areg, 0, disp);
        break;
    case MO_UW:
        x86_emit_modrm_sib(g, OPC_MOVZWL, out, base, areg, 0, disp);
        if (bswap) {
            x86_emit_shifti(g, SHIFT_ROL, P_DATA16, out, 8);
        }
        break;
    case MO_SW:
        if (bswap) {
            x86_emit_modrm_sib(g, OPC_MOVZWL, out, base, areg, 0, disp);
            x86_emit_shifti(g, SHIFT_ROL, P_DATA16, out, 8);
            x86_emit_ext16s(g, rexw, out, out);
        } else {
            x86_emit_modrm_sib(g, OPC_MOVSWL | rexw, out, base, areg, 0, disp);
        }
        break;
    case MO_UL:
        if (bswap && x86_have_movbe) {
            x86_emit_modrm_sib(g, OPC_MOVBE_GyMy, out, base, areg, 0, disp);
        } else {
            x86_emit_modrm_sib(g, OPC_MOVL_GvEv, out, base, areg, 0, disp);
            if (bswap) {
                x86_emit_opc(g, OPC_BSWAP + (out & 7), 0, out, 0);
            }
        }
        break;
    case MO_SL:
        if (bswap) {
            if (x86_have_movbe) {
                x86_emit_modrm_sib(g, OPC_MOVBE_GyMy, out, base, areg, 0, disp);
            } else {
                x86_emit_modrm_sib(g, OPC_MOVL_GvEv, out, base, areg, 0, disp);
                x86_emit_opc(g, OPC_BSWAP + (out & 7), 0, out, 0);
            }
            if (rexw) {
                x86_emit_ext32s(g, out, out);
            }
        } else if (rexw) {
            x86_emit_modrm_sib(g, OPC_MOVSLQ, out, base, areg, 0, disp);
        } else {
            x86_emit_modrm_sib(g, OPC_MOVL_GvEv, out, base, areg, 0, disp);
        }
        break;
    default:    /* MO_UQ */
        if (bswap && x86_have_movbe) {
            x86_emit_modrm_sib(g, OPC_MOVBE_GyMy | rexw, out, base, areg, 0, disp);
        } else {
            x86_emit_modrm_sib(g, OPC_MOVL_GvEv | rexw, out, base, areg, 0, disp);
            if (bswap) {
                x86_emit_opc(g, (OPC_BSWAP + (out & 7)) | rexw, 0, out, 0);
            }
        }
        break;
    }
}

/* The store itself: [base + areg] = the stub's value (register or immediate); t0 is
 * free scratch (byte swaps without movbe). */
void x86_emit_st_data(X86Gen *g, const X86LdstStub *st, int t0, int base,
                      int areg, int32_t disp)
{
    MemOp mop = get_memop(st->oi);
    unsigned size = memop_size(mop);
    bool bswap = (mop & MO_BSWAP) && size > 1;
    int rexw = size == 8 ? P_REXW : 0;
    int vreg = st->data_reg;

    if (st->val_const) {
        int64_t v = st->val, sv = v;
        if (bswap) {
            sv = size == 2 ? __builtin_bswap16(v) :
                 size == 4 ? (int32_t)__builtin_bswap32(v) : (int64_t)__builtin_bswap64(v);
        }
        switch (size) {
        case 1:
            x86_emit_modrm_sib(g, OPC_MOVB_EvIz, 0, base, areg, 0, disp);
            x86_out8(g, (uint8_t)sv);
            break;
        case 2:
            x86_emit_modrm_sib(g, OPC_MOVL_EvIz | P_DATA16, 0, base, areg, 0, disp);
            x86_out8(g, (uint8_t)sv);
            x86_out8(g, (uint8_t)(sv >> 8));
            break;
        default:
            x86_emit_modrm_sib(g, OPC_MOVL_EvIz | rexw, 0, base, areg, 0, disp);
            x86_out32(g, (uint32_t)sv);
            break;
        }
    } else if (size == 1) {
        x86_emit_modrm_sib(g, OPC_MOVB_EvGv | P_REXB_R, vreg, base, areg, 0, disp);
    } else if (!bswap) {
        x86_emit_modrm_sib(g, OPC_MOVL_EvGv | rexw | (size == 2 ? P_DATA16 : 0),
                           vreg, base, areg, 0, disp);
    } else if (x86_have_movbe) {
        x86_emit_modrm_sib(g, OPC_MOVBE_MyGy | rexw | (size == 2 ? P_DATA16 : 0),
                           vreg, base, areg, 0, disp);
    } else {
        /* Swap a copy in t0 (the entry pointer is no longer needed). */
        x86_emit_mov(g, TCG_TYPE_I64, t0, vreg);
        if (size == 2) {
            x86_emit_shifti(g, SHIFT_ROL, P_DATA16, t0, 8);
        } else {
            x86_emit_opc(g, (OPC_BSWAP + (t0 & 7)) | rexw, 0, t0, 0);
        }
        x86_emit_modrm_sib(g, OPC_MOVL_EvGv | rexw | (size == 2 ? P_DATA16 : 0),
                           t0, base, areg, 0, disp);
    }
}

/*
 * A merged run's bytes (tcg/st-merge.c) at [base + areg + disp + w->lo], in place
 * of the run's first store; t0 is free scratch. All-zero 16-byte pieces are one
 * xmm store (xmm0: no value lives in an xmm register across ops, and C code may
 * clobber them all anyway); the rest go as 8, 4, 2 and 1 bytes, an 8-byte value
 * that does not fit a sign-extended imm32 through t0. The bytes lie in one page
 * that the shared check passed, so any size and alignment will do.
 */
void x86_emit_st_wide(X86Gen *g, const struct TCGStWide *w, int t0, int base,
                      int areg, int32_t disp)
{
    static const uint8_t zero16[16];
    bool xmm_zero = false;
    unsigned off = 0;

    while (off < w->len) {
        unsigned rem = w->len - off;
        int32_t at = disp + w->lo + (int32_t)off;
        uint64_t v = 0;

        if (rem >= 16 && !memcmp(&w->bytes[off], zero16, 16)) {
            if (!xmm_zero) {
                x86_emit_modrm(g, OPC_XORPS, 0, 0);
                xmm_zero = true;
            }
            x86_emit_modrm_sib(g, OPC_MOVUPS_WxVx, 0, base, areg, 0, at);
            off += 16;
            continue;
        }
        unsigned size = rem >= 8 ? 8 : rem >= 4 ? 4 : rem >= 2 ? 2 : 1;
        for (unsigned i = 0; i < size; i++) {
            v |= (uint64_t)w->bytes[off + i] << (8 * i);
        }
        if (size == 8 && !x86_fits_s32((int64_t)v)) {
            x86_emit_movi(g, TCG_TYPE_I64, t0, (int64_t)v);
            x86_emit_modrm_sib(g, OPC_MOVL_EvGv | P_REXW, t0, base, areg, 0, at);
        } else if (size == 1) {
            x86_emit_modrm_sib(g, OPC_MOVB_EvIz, 0, base, areg, 0, at);
            x86_out8(g, (uint8_t)v);
        } else if (size == 2) {
            x86_emit_modrm_sib(g, OPC_MOVL_EvIz | P_DATA16, 0, base, areg, 0, at);
            x86_out8(g, (uint8_t)v);
            x86_out8(g, (uint8_t)(v >> 8));
        } else {
            x86_emit_modrm_sib(g, OPC_MOVL_EvIz | (size == 8 ? P_REXW : 0), 0, base, areg,
                               0, at);
            x86_out32(g, (uint32_t)v);
        }
        off += size;
    }
}

/*
 * Loads: qemu_ld (plain), qemu_ld_lead (also defines the shared addend `host`,
 * args: val, host, addr, oi, lo, hi) and qemu_ld_memb (args: val, addr, host, oi).
 * The fast paths:
 *   plain   check; mov tmp, [t0 + addend]; ld out, [tmp + a]
 *   lead    span check; mov host, [t0 + addend]; ld out, [host + a]
 *   memb    test host, host; jz stub; ld out, [host + a]
 * A lead's or member's stub first tries the access's own TLB check (a lead then
 * sets host to 0), and calls the helper only on a miss.
 */
/*
 * The fast path's check of a load or store (access: X86_CHECK_READ or _WRITE) of
 * size bytes at areg: a member tests the addend its leader left in hreg; a plain
 * access checks the TLB for itself and a leader for its whole span (and every kind
 * of access in its group), loading the page's addend into X86_TMP, or into hreg for
 * the members. Both branch to st's slow path when the check fails.
 */
static void x86_ldst_fast_check(X86Gen *g, X86LdstStub *st, const TCGOp *op,
                                X86LdstKind kind, unsigned access, unsigned size,
                                int areg, int t0, int hreg, MemOpIdx oi)
{
    int32_t lo = 0, hi = size - 1;
    unsigned kinds = access;

    if (kind == X86_LDST_MEMB) {
        x86_emit_modrm(g, OPC_TESTL | P_REXW, hreg, hreg);
        st->jne_disp = x86_emit_jcc32(g, JCC_JE);
        return;
    }
    /* A plain access takes its addend in X86_TMP, as from a window. */
    if (x86_span_lead_check(g, st, op, kind == X86_LDST_LEAD ? hreg : X86_TMP)) {
        return;
    }
    if (kind == X86_LDST_LEAD) {
        lo = (int32_t)op->args[4];
        hi = (int32_t)op->args[5];
        kinds = (unsigned)op->args[6] | access;
    }
    if (x86_ldst_use_window(g, oi)) {
        int idx = get_mmuidx(oi);
        /* The check leaves X86_TMP alone: an addend it holds is still there. */
        bool cached = g->win_tmp == idx;

        x86_emit_win_check(g, st, areg, t0, oi, kinds, lo, hi);
        if (kind == X86_LDST_LEAD && cached) {
            x86_emit_mov(g, TCG_TYPE_I64, hreg, X86_TMP);
            g->win_tmp = idx;
        } else if (!cached) {
            x86_emit_modrm_off(g, OPC_MOVL_GvEv | P_REXW,
                               kind == X86_LDST_LEAD ? hreg : X86_TMP, X86_AREG0,
                               X86_WIN_OFS(idx, addend));
            if (kind != X86_LDST_LEAD) {
                g->win_tmp = idx;
            }
        }
        return;
    }
    st->jne_disp = x86_emit_tlb_check(g, areg, t0, oi, kinds, lo, hi, &st->jne_disp2);
    x86_emit_ld(g, TCG_TYPE_I64, kind == X86_LDST_LEAD ? hreg : X86_TMP, t0,
                offsetof(CPUTLBEntry, addend));
}

static void x86_gen_ld(X86Gen *g, const TCGOp *op, TCGType type, X86LdstKind kind)
{
    int a_idx = kind == X86_LDST_LEAD ? 2 : 1;
    TCGTemp *dts = arg_temp(op->args[0]), *ats = arg_temp(op->args[a_idx]);
    TCGTemp *hts = kind == X86_LDST_LEAD ? arg_temp(op->args[1]) :
                   kind == X86_LDST_MEMB ? arg_temp(op->args[2]) : NULL;
    MemOpIdx oi = (MemOpIdx)op->args[kind == X86_LDST_MEMB ? 3 : a_idx + 1];
    MemOp mop = get_memop(oi);
    int areg, t0, t1, out, hreg = -1;
    uint16_t hbit = 0;
    int pin = x86_pin_reg(g, dts);
    /* A member whose address add was folded (x86_ldst_fold_addr): the data op
     * uses [host + base + disp], the stub computes the address into t1. */
    bool fold = kind == X86_LDST_MEMB && g->fold_t == ats;
    TCGTemp *bts = fold ? g->fold_base : ats;
    int32_t disp = fold ? g->fold_disp : 0;
    bool a_dead = !fold && IS_DEAD_ARG(op, a_idx);

    g->fold_t = NULL;
    x86_ldst_hosts_begin(g);
    /* The access may fault and unwind, so env must then hold every global; the
     * slow path writes back the dirty ones (x86_ldst_note_globals). The output's
     * register is about to take the loaded value: write its old value back now,
     * unless it is a pinned global loaded straight into its register (see below). */
    if (dts->kind == TEMP_GLOBAL && pin < 0) {
        x86_ra_sync(g, dts);
    } else if (pin >= 0) {
        x86_pin_home(g, dts);
    }
    areg = x86_ra_load(g, bts, 0, 0);
    if (kind == X86_LDST_LEAD) {
        hreg = x86_ra_alloc(g, 0, X86_REG_BIT(areg));
        x86_ra_set_reg(g, hts, hreg);
        hbit = X86_REG_BIT(hreg);
        x86_ldst_note_host(g, hts);
    } else if (kind == X86_LDST_MEMB) {
        hreg = x86_ra_load(g, hts, 0, X86_REG_BIT(areg));
        hbit = X86_REG_BIT(hreg);
    }
    t0 = x86_ra_alloc(g, 0, X86_REG_BIT(areg) | hbit);
    /* The output may share t1: the stub writes it last. */
    t1 = fold ? x86_ra_alloc(g, 0, X86_REG_BIT(areg) | hbit | X86_REG_BIT(t0)) : areg;
    if (pin < 0 && op->out_hint && op->out_hint - 1 != areg && op->out_hint - 1 != hreg &&
        g->pin_temp[op->out_hint - 1]->reg == op->out_hint - 1) {
        /* Loaded for a pinned global (x86_pin_hints): straight into its
         * register, which keeps the global's old value for the slow path until
         * the data arrives. */
        out = op->out_hint - 1;
        g->reg_to_temp[out] = NULL;
        if (a_dead) {
            x86_ra_temp_dead(g, ats);
        }
    } else if (pin >= 0 && pin != hreg) {
        /* A self loop's pinned global: its register keeps the old value until the
         * data is loaded, after the TLB check, so the slow path can still write
         * the old value back (it is noted like any other dirty global). That
         * holds when the register is also the address (`lw v0, 0(v0)`): the
         * data op reads the address as it writes the result, and the stub uses
         * the address before it writes the data. */
        out = pin;
        if (a_dead) {
            x86_ra_temp_dead(g, ats);
        }
    } else {
        /* A pinned global whose register is the addend loads into another
         * register and floats there (x86_ra_set_reg): its home keeps the old
         * value for the slow path meanwhile. */
        if (a_dead) {
            x86_ra_temp_dead(g, ats);
            out = x86_ra_alloc(g, 0, hbit);
        } else {
            out = x86_ra_alloc(g, 0, X86_REG_BIT(areg) | hbit);
        }
    }
    if (g->reg_to_temp[out] && g->reg_to_temp[out] != dts) {
        x86_ra_free_reg(g, out);
    }
    x86_ra_set_reg(g, dts, out);

    X86LdstStub *st = x86_new_stub(g);
    x86_ldst_fast_check(g, st, op, kind, X86_CHECK_READ, memop_size(mop), areg, t0, hreg,
                        oi);
    x86_ldst_note_globals(g, st, dts);
    if (pin >= 0 && g->nb_ldst_sync < X86_MAX_LDST_SYNC) {
        /* Its old value is still home when the slow path is entered. */
        X86LdstSync *e = &g->ldst_sync[g->nb_ldst_sync++];
        e->off = (int32_t)dts->mem_offset;
        e->type = dts->type;
        e->is_const = false;
        e->reg = pin;
        st->nb_sync++;
    } else if (pin >= 0) {
        g->overflow = true;     /* never with a sane TB: give it up */
    }
    x86_ldst_win_addend(g, st, kind, oi);
    x86_emit_ld_data(g, mop, type, out, kind == X86_LDST_PLAIN ? X86_TMP : hreg, areg,
                     disp);
    if (kind == X86_LDST_PLAIN && st->win) {
        /* X86_TMP was only read: it still holds the window's addend. */
        g->win_tmp = get_mmuidx(oi);
    }

    st->raddr = g->code_ptr;
    st->win_tmp = g->win_tmp;
    st->is_ld = true;
    st->kind = kind;
    st->host_reg = kind == X86_LDST_LEAD ? hreg : 0;
    st->t0_reg = t0;
    st->addr_reg = t1;
    st->fold = fold;
    st->fold_base = areg;
    st->fold_disp = disp;
    st->data_reg = out;
    st->type = type;
    st->oi = oi;
    st->save_regs = x86_ra_live_regs(g) & X86_CALL_CLOBBERED & ~X86_REG_BIT(out);
    if (kind == X86_LDST_LEAD) {
        st->save_regs &= ~hbit;
        x86_ra_op_finish(g, op, 2, 1);
    } else {
        x86_ra_op_finish(g, op, 1, kind == X86_LDST_MEMB ? 2 : 1);
        if (kind == X86_LDST_MEMB && IS_DEAD_ARG(op, 2)) {
            x86_ra_temp_dead(g, hts);
        }
        if (fold) {
            x86_ra_temp_dead(g, ats);   /* never computed */
        }
    }
    x86_ldst_note_zero(g, st);
}

/* Stores, likewise: qemu_st (val, addr, oi), qemu_st_lead (host, val, addr, oi, lo,
 * hi) and qemu_st_memb (val, addr, host, oi). */
static void x86_gen_st(X86Gen *g, const TCGOp *op, TCGType type, X86LdstKind kind)
{
    int v_idx = kind == X86_LDST_LEAD ? 1 : 0;
    TCGTemp *vts = arg_temp(op->args[v_idx]), *ats = arg_temp(op->args[v_idx + 1]);
    TCGTemp *hts = kind == X86_LDST_LEAD ? arg_temp(op->args[0]) :
                   kind == X86_LDST_MEMB ? arg_temp(op->args[2]) : NULL;
    MemOpIdx oi = (MemOpIdx)op->args[kind == X86_LDST_MEMB ? 3 : v_idx + 2];
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop);
    bool bswap = (mop & MO_BSWAP) && size > 1;
    bool vconst = false;
    int64_t v = 0;
    int vreg = -1, areg, t0, t1, hreg = -1;
    uint16_t locked;
    bool fold = kind == X86_LDST_MEMB && g->fold_t == ats;    /* as for loads */
    int32_t disp = fold ? g->fold_disp : 0;

    g->fold_t = NULL;
    x86_ldst_hosts_begin(g);
    areg = x86_ra_load(g, fold ? g->fold_base : ats, 0, 0);
    locked = X86_REG_BIT(areg);
    if (vts->val_type == TEMP_VAL_CONST || vts->kind == TEMP_CONST) {
        v = vts->val;
        if (bswap) {
            v = size == 2 ? __builtin_bswap16(v) :
                size == 4 ? (int32_t)__builtin_bswap32(v) : (int64_t)__builtin_bswap64(v);
        }
        vconst = size < 8 || x86_fits_s32(v);
        v = vts->val;
    }
    if (!vconst) {
        vreg = x86_ra_load(g, vts, 0, locked);
        locked |= X86_REG_BIT(vreg);
    }
    if (kind == X86_LDST_LEAD) {
        hreg = x86_ra_alloc(g, 0, locked);
        x86_ra_set_reg(g, hts, hreg);
        locked |= X86_REG_BIT(hreg);
        x86_ldst_note_host(g, hts);
    } else if (kind == X86_LDST_MEMB) {
        hreg = x86_ra_load(g, hts, 0, locked);
        locked |= X86_REG_BIT(hreg);
    }
    t0 = x86_ra_alloc(g, 0, locked);
    t1 = fold ? x86_ra_alloc(g, 0, locked | X86_REG_BIT(t0)) : areg;

    X86LdstStub *st = x86_new_stub(g);
    x86_ldst_fast_check(g, st, op, kind, X86_CHECK_WRITE, size, areg, t0, hreg, oi);
    x86_ldst_note_globals(g, st, NULL);

    x86_store_stub_fill(st, kind, t0, vconst, v, t1, vreg, type, oi);
    st->host_reg = kind == X86_LDST_LEAD ? hreg : 0;
    st->fold = fold;
    st->fold_base = areg;
    st->fold_disp = disp;
    x86_ldst_win_addend(g, st, kind, oi);
    if (kind == X86_LDST_PLAIN || !op->st_wide) {
        x86_emit_st_data(g, st, t0, kind == X86_LDST_PLAIN ? X86_TMP : hreg, areg, disp);
    } else if (op->st_wide != TCG_ST_WIDE_COVERED) {
        st->wide = &g->s->st_wide[op->st_wide - 1];
        x86_emit_st_wide(g, st->wide, t0, hreg, areg, disp);
    }
    if (kind == X86_LDST_PLAIN && st->win) {
        g->win_tmp = get_mmuidx(oi);
    }
    st->raddr = g->code_ptr;
    st->win_tmp = g->win_tmp;

    if (kind == X86_LDST_LEAD) {
        x86_ra_op_finish(g, op, 1, 2);
    }
    int first_in = kind == X86_LDST_LEAD ? 1 : 0;
    int nb_in = kind == X86_LDST_MEMB ? 3 : 2;
    for (int i = first_in; i < first_in + nb_in; i++) {
        if (IS_DEAD_ARG(op, i)) {
            x86_ra_temp_dead(g, arg_temp(op->args[i]));
        }
    }
    st->save_regs = x86_ra_live_regs(g) & X86_CALL_CLOBBERED;
    if (kind == X86_LDST_LEAD) {
        st->save_regs &= ~X86_REG_BIT(hreg);
    }
    x86_ldst_note_zero(g, st);
}

/*
 * "add_i32 t, b, $c" right before a group member at t (t dying there): leave the
 * add out and let the member use [host + b + c]. That 64-bit sum is the guest
 * address only if b + c does not wrap around 2^32, which holds when b is the
 * very value its leader checked: the member's fast path runs only while the
 * leader's span check holds (host != 0), that span lies in one page and
 * contains the leader's own address b, and the member's bytes lie in the span,
 * so b + c stays inside that page as a plain integer. So b must be the leader's
 * address temp, not written since the leader (walking back to it within the
 * block). The stub computes the 32-bit address into a scratch register. Returns
 * false (emitting nothing, changing nothing) when the shape does not match.
 */
bool x86_ldst_fold_addr(X86Gen *g, const TCGOp *op)
{
    const TCGOp *m = op->next;
    TCGTemp *t = arg_temp(op->args[0]), *b = arg_temp(op->args[1]);
    TCGTemp *k = arg_temp(op->args[2]);

    if (!m || (m->opc != INDEX_op_qemu_ld_memb_i32 &&
               m->opc != INDEX_op_qemu_ld_memb_i64 &&
               m->opc != INDEX_op_qemu_st_memb_i32 &&
               m->opc != INDEX_op_qemu_st_memb_i64)) {
        return false;
    }
    if (k->kind != TEMP_CONST || (int32_t)k->val <= -(int32_t)TARGET_PAGE_SIZE ||
        (int32_t)k->val >= (int32_t)TARGET_PAGE_SIZE ||
        arg_temp(m->args[1]) != t || !IS_DEAD_ARG(m, 1) || arg_temp(m->args[0]) == t ||
        t->kind != TEMP_TB || t == b || IS_DEAD_ARG(op, 1) ||
        b->kind == TEMP_CONST || b->type != TCG_TYPE_I32) {
        return false;
    }
    /* The member then wants a scratch register more (t1) besides t0 and its
     * output: where registers are short, evicting a live value would cost more
     * than the add. */
    if (__builtin_popcount(g->free_regs) < 4) {
        return false;
    }
    if (m->st_wide == TCG_ST_WIDE_COVERED) {
        /* A covered store (tcg/st-merge.c) has no data op on its fast path: only
         * its stub uses the address, computed in 32 bits, so b may be anything. */
        g->fold_t = t;
        g->fold_base = b;
        g->fold_disp = (int32_t)k->val;
        return true;
    }
    TCGTemp *host = arg_temp(m->args[2]);
    int steps = 0;
    for (const TCGOp *p = op->prev; p && steps < 64; p = p->prev, steps++) {
        TCGOpcode opc = p->opc;
        bool ld_lead = opc == INDEX_op_qemu_ld_lead_i32 || opc == INDEX_op_qemu_ld_lead_i64;
        bool st_lead = opc == INDEX_op_qemu_st_lead_i32 || opc == INDEX_op_qemu_st_lead_i64;
        if ((ld_lead && arg_temp(p->args[1]) == host) ||
            (st_lead && arg_temp(p->args[0]) == host)) {
            /* The leader of this member's group: b must be its address (and a
             * leading load must not have overwritten it). */
            if (arg_temp(p->args[2]) != b || (ld_lead && arg_temp(p->args[0]) == b)) {
                return false;
            }
            g->fold_t = t;
            g->fold_base = b;
            g->fold_disp = (int32_t)k->val;
            return true;
        }
        if (opc == INDEX_op_set_label || opc == INDEX_op_call ||
            (tcg_op_defs[opc].flags & (TCG_OPF_BB_END | TCG_OPF_BB_EXIT))) {
            return false;
        }
        int no = tcg_op_nb_oargs(p);
        for (int i = 0; i < no; i++) {
            if (arg_temp(p->args[i]) == b || arg_temp(p->args[i]) == host) {
                return false;
            }
        }
    }
    return false;
}

void x86_gen_qemu_ld(X86Gen *g, const TCGOp *op, TCGType type)
{
    x86_gen_ld(g, op, type, X86_LDST_PLAIN);
}

void x86_gen_qemu_st(X86Gen *g, const TCGOp *op, TCGType type)
{
    int h = x86_hoist_of(g, op);

    if (h >= 0) {
        x86_gen_st_hoisted(g, op, type, h);
    } else {
        x86_gen_st(g, op, type, X86_LDST_PLAIN);
    }
}

void x86_gen_qemu_ld_shared(X86Gen *g, const TCGOp *op, TCGType type, bool lead)
{
    x86_gen_ld(g, op, type, lead ? X86_LDST_LEAD : X86_LDST_MEMB);
}

void x86_gen_qemu_st_shared(X86Gen *g, const TCGOp *op, TCGType type, bool lead)
{
    x86_gen_st(g, op, type, lead ? X86_LDST_LEAD : X86_LDST_MEMB);
}

/*
 * qemu_probe_st_i64 host, addr, oi, load (if-conversion, tcg-opc.h): the store
 * fast path's TLB check with no stub behind it; host = the bytes' host address on
 * a hit, 0 on a miss:
 *     <x86_emit_tlb_check, write tag (and read tag)>   ; jne miss
 *     mov   out, [t0 + addend]
 *     add   out, a                      ; a is zero-extended: i32 invariant
 *     jmp   done
 *   miss:
 *     xor   outd, outd
 *   done:
 * No direct-window check: in a window mode a page the TLB has not mapped misses,
 * which only costs the converted code its fallback.
 */
void x86_gen_qemu_probe_st(X86Gen *g, const TCGOp *op)
{
    TCGTemp *ots = arg_temp(op->args[0]), *ats = arg_temp(op->args[1]);
    MemOpIdx oi = (MemOpIdx)op->args[2];
    int areg = x86_ra_load(g, ats, 0, 0);
    int t0 = x86_ra_alloc(g, 0, X86_REG_BIT(areg));
    int out = x86_ra_alloc(g, 0, X86_REG_BIT(areg) | X86_REG_BIT(t0));
    unsigned kinds = X86_CHECK_WRITE | (op->args[3] ? X86_CHECK_READ : 0);
    uint8_t *second;

    if (g->reg_to_temp[out] && g->reg_to_temp[out] != ots) {
        x86_ra_free_reg(g, out);
    }
    uint8_t *miss = x86_emit_tlb_check(g, areg, t0, oi, kinds, 0,
                                       (int32_t)memop_size(get_memop(oi)) - 1, &second);
    x86_emit_ld(g, TCG_TYPE_I64, out, t0, offsetof(CPUTLBEntry, addend));
    x86_emit_arith(g, ARITH_ADD, P_REXW, out, areg);
    uint8_t *done = x86_emit_jcc32(g, -1);
    x86_patch_rel32(miss, g->code_ptr);
    if (second) {
        x86_patch_rel32(second, g->code_ptr);
    }
    x86_emit_arith(g, ARITH_XOR, 0, out, out);
    x86_patch_rel32(done, g->code_ptr);
    g->win_tmp = -1;            /* the check used X86_TMP */
    x86_ra_set_reg(g, ots, out);
    x86_ra_op_finish(g, op, 1, 1);
    if (IS_DEAD_ARG(op, 1)) {
        x86_ra_temp_dead(g, ats);
    }
}

/* lea reg, [rip + (target - end of this insn)] */
static void x86_emit_lea_rip(X86Gen *g, int reg, const uint8_t *target)
{
    x86_emit_opc(g, OPC_LEA | P_REXW, reg, 0, 0);
    x86_out8(g, 0x05 | ((reg & 7) << 3));
    int64_t disp = target - (g->code_ptr + 4);
    x86_out32(g, (uint32_t)(int32_t)disp);
}

/*
 * The fast path leaves X86_TMP holding a window's addend for the accesses after
 * it (X86Gen.win_tmp); the stub used it as scratch, so load the addend again
 * before going back (after any C code: a memory-map change is then seen).
 */
void x86_stub_win_tmp(X86Gen *g, const X86LdstStub *st)
{
    if (st->win_tmp >= 0) {
        x86_emit_modrm_off(g, OPC_MOVL_GvEv | P_REXW, X86_TMP, X86_AREG0,
                           X86_WIN_OFS(st->win_tmp, addend));
    }
}

static void x86_gen_stub(X86Gen *g, const X86LdstStub *st)
{
    int saved[X86_NB_REGS], n = 0;

    if (st->jne_disp) {
        x86_patch_rel32(st->jne_disp, g->code_ptr);
    }
    if (st->jne_disp2) {
        x86_patch_rel32(st->jne_disp2, g->code_ptr);
    }
    if (st->jne_disp3) {
        x86_patch_rel32(st->jne_disp3, g->code_ptr);
    }
    if (st->fold) {
        /* The guest address, 32-bit like every guest address. */
        x86_emit_modrm_off(g, OPC_LEA, st->addr_reg, st->fold_base, st->fold_disp);
    }
    if (st->span1) {
        x86_span_stub_check(g, st);
    }
    if (st->kind == X86_LDST_HOIST) {
        x86_hoist_stub_check(g, st);
    } else if (st->kind != X86_LDST_PLAIN || st->win || st->span1) {
        /* The shared check or the direct window failed (or, for a member, the
         * leader's check did): try this access's own TLB entry before calling the
         * helper. */
        uint8_t *unused;
        uint8_t *miss = x86_emit_tlb_check(g, st->addr_reg, st->t0_reg, st->oi,
                                           st->is_ld ? X86_CHECK_READ : X86_CHECK_WRITE,
                                           0, memop_size(get_memop(st->oi)) - 1, &unused);
        x86_emit_ld(g, TCG_TYPE_I64, X86_TMP, st->t0_reg, offsetof(CPUTLBEntry, addend));
        if (st->is_ld) {
            x86_emit_ld_data(g, get_memop(st->oi), st->type, st->data_reg, X86_TMP,
                             st->addr_reg, 0);
        } else {
            x86_emit_st_data(g, st, st->t0_reg, X86_TMP, st->addr_reg, 0);
        }
        if (st->kind == X86_LDST_LEAD) {
            x86_emit_arith(g, ARITH_XOR, 0, st->host_reg, st->host_reg);
        }
        x86_stub_win_tmp(g, st);
        x86_patch_rel32(x86_emit_jcc32(g, -1), st->raddr);
        x86_patch_rel32(miss, g->code_ptr);
    }
    for (int i = 0; i < st->nb_sync; i++) {
        const X86LdstSync *e = &g->ldst_sync[st->sync_first + i];
        if (e->is_const) {
            x86_emit_sti(g, e->type, e->val, X86_AREG0, e->off);
        } else {
            x86_emit_st(g, e->type, e->reg, X86_AREG0, e->off);
        }
    }
    /* Set bits only, lowest first (most stubs save few registers). */
    for (uint32_t m = st->save_regs; m; m &= m - 1) {
        int r = __builtin_ctz(m);
        saved[n++] = r;
        x86_emit_push(g, r);
    }
    /* Keep the call site 16-byte aligned. */
    if (n & 1) {
        x86_emit_arithi(g, ARITH_SUB, P_REXW, X86_RSP, 8);
    }
    if (st->is_ld) {
        x86_emit_ext32u(g, X86_RSI, st->addr_reg);
        x86_emit_mov(g, TCG_TYPE_I64, X86_RDI, X86_AREG0);
        x86_emit_movi(g, TCG_TYPE_I32, X86_RDX, st->oi);
        x86_emit_lea_rip(g, X86_RCX, st->raddr);
        x86_emit_call_abs(g, (const void *)x86_ld_helper);
        if (st->type == TCG_TYPE_I32) {
            x86_emit_ext32u(g, st->data_reg, X86_RAX);
        } else {
            x86_emit_mov(g, TCG_TYPE_I64, st->data_reg, X86_RAX);
        }
    } else {
        if (!st->val_const) {
            x86_emit_mov(g, TCG_TYPE_I64, X86_TMP, st->data_reg);
        }
        x86_emit_ext32u(g, X86_RSI, st->addr_reg);
        x86_emit_mov(g, TCG_TYPE_I64, X86_RDI, X86_AREG0);
        if (st->val_const) {
            x86_emit_movi(g, TCG_TYPE_I64, X86_RDX, st->val);
        } else {
            x86_emit_mov(g, TCG_TYPE_I64, X86_RDX, X86_TMP);
        }
        x86_emit_movi(g, TCG_TYPE_I32, X86_RCX, st->oi);
        x86_emit_lea_rip(g, X86_R8, st->raddr);
        x86_emit_call_abs(g, (const void *)x86_st_helper);
    }
    if (n & 1) {
        x86_emit_arithi(g, ARITH_ADD, P_REXW, X86_RSP, 8);
    }
    while (n > 0) {
        x86_emit_pop(g, saved[--n]);
    }
    if (st->kind == X86_LDST_LEAD) {
        x86_emit_arith(g, ARITH_XOR, 0, st->host_reg, st->host_reg);
    }
    /* C code ran: no open group's check can be trusted any more. */
    for (uint32_t m = st->zero_regs; m; m &= m - 1) {
        int r = __builtin_ctz(m);
        if (!(st->kind == X86_LDST_LEAD && r == st->host_reg)) {
            x86_emit_arith(g, ARITH_XOR, 0, r, r);
        }
    }
    for (int i = 0; i < st->nb_zero_slots; i++) {
        x86_emit_sti(g, TCG_TYPE_I64, 0, X86_RSP, st->zero_slot[i]);
    }
    x86_hoist_forget(g);
    x86_stub_win_tmp(g, st);
    uint8_t *field = x86_emit_jcc32(g, -1);
    x86_patch_rel32(field, st->raddr);
}

/* Emit every slow path of the TB; false if the buffer is too small. */
bool x86_gen_ldst_stubs(X86Gen *g)
{
    /* Largest stub: 9 pushes and pops, argument set-up, an absolute call, plus the
     * write-backs (at most X86_MAX_SYNC_BYTES each). */
    /* + the shared-check stubs' own lookup, + zeroing other groups' addends */
    /* + a hoisted access's own check, + forgetting the hoisted addresses */
    /* + a span leader's union check, + zeroing the span slots */
    const int stub_max = 128 + 96 + X86_MAX_LDST_HOSTS * (4 + 16) + 2 * 8 + 96 +
                         TCG_MAX_LOOP_HOISTS * 16 + 96 + TCG_MAX_LOOP_SPANS * 16;

    for (int i = 0; i < g->nb_ldst; i++) {
        if (g->code_ptr + stub_max + g->ldst[i].nb_sync * X86_MAX_SYNC_BYTES >
            g->code_end) {
            return false;
        }
        x86_gen_stub(g, &g->ldst[i]);
    }
    return true;
}
