/*
 * What the two halves of the x86-64 backend's guest accesses share:
 *   ldst.c       the fast paths (TLB, window and shared checks) and the stubs
 *   ldst-loop.c  loop-invariant stores and shared checks done before the loop head
 * The loop half builds its checks, data ops and stubs from ldst.c's pieces, and
 * ldst.c hands the accesses and stubs that were checked before the loop to it.
 * Each function's comment stands at its definition.
 */
#ifndef TCG_X86_64_LDST_INTERNAL_H
#define TCG_X86_64_LDST_INTERNAL_H

#include "x86-internal.h"
#include "exec/cputlb.h"
#include "hw/core/cpu.h"

/* Offset from env of field of mode idx's direct RAM window. */
#define X86_WIN_OFS(idx, field) \
    ((int)offsetof(CPUState, tlb_win) + (idx) * (int)sizeof(CPUTLBWindow) + \
     (int)offsetof(CPUTLBWindow, field))

/* ---- ldst.c ---- */
/* A new slow path and what it needs to know. */
X86LdstStub *x86_new_stub(X86Gen *g);
void x86_ldst_hosts_begin(X86Gen *g);
void x86_ldst_note_globals(X86Gen *g, X86LdstStub *st, TCGTemp *except);
void x86_ldst_note_zero(X86Gen *g, X86LdstStub *st);
void x86_store_stub_fill(X86LdstStub *st, X86LdstKind kind, int t0, bool vconst,
                         int64_t v, int addr_reg, int vreg, TCGType type,
                         MemOpIdx oi);
/* The checks: a TLB entry's, and a direct RAM window's. */
uint8_t *x86_emit_tlb_check(X86Gen *g, int areg, int t0, MemOpIdx oi,
                            unsigned kinds, int32_t lo, int32_t hi,
                            uint8_t **second);
bool x86_ldst_use_window(const X86Gen *g, MemOpIdx oi);
void x86_emit_win_check(X86Gen *g, X86LdstStub *st, int areg, int t0,
                        MemOpIdx oi, unsigned kinds, int32_t lo, int32_t hi);
/* The accesses themselves, once a check passed. */
void x86_emit_ld_data(X86Gen *g, MemOp mop, TCGType type, int out, int base,
                      int areg, int32_t disp);
void x86_emit_st_data(X86Gen *g, const X86LdstStub *st, int t0, int base,
                      int areg, int32_t disp);
void x86_emit_st_wide(X86Gen *g, const struct TCGStWide *w, int t0, int base,
                      int areg, int32_t disp);
/* A stub's way back: the window's addend into X86_TMP again. */
void x86_stub_win_tmp(X86Gen *g, const X86LdstStub *st);

/* ---- ldst-loop.c ---- */
/* Hoisted stores: which one op is (-1: none), its fast path, its stub's check. */
int x86_hoist_of(const X86Gen *g, const TCGOp *op);
void x86_gen_st_hoisted(X86Gen *g, const TCGOp *op, TCGType type, int h);
void x86_hoist_stub_check(X86Gen *g, const X86LdstStub *st);
/* Leaders whose shared check ran before the loop head: the fast path's test of
 * the slot (false: op is no such leader), and the stub's check again. */
bool x86_span_lead_check(X86Gen *g, X86LdstStub *st, const TCGOp *op, int hreg);
void x86_span_stub_check(X86Gen *g, const X86LdstStub *st);

#endif
