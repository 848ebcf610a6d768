/*
 * Private interfaces of the i386 target: the disassembly context and operand
 * descriptors shared by translate.c and trans-*.c, the TCG globals, and the helpers
 * called from generated code.
 */
#ifndef TARGET_I386_INTERNAL_H
#define TARGET_I386_INTERNAL_H

#include "cpu.h"
#include "exec/translator.h"

/* DisasJumpType values of our own. */
#define DISAS_EXIT        DISAS_TARGET_0   /* store eip of the next insn, back to the loop */
#define DISAS_EXIT_PC_SET DISAS_TARGET_1   /* eip already in env, back to the loop */
#define DISAS_JUMP        DISAS_TARGET_2   /* eip in env: look the next TB up (goto_ptr) */

#define X86_DC_MAX_TEMPS 48
#define X86_DC_MAX_COLD 8
#define X86_LOOP_MAX_JOINS 4
#define X86_LOOP_MAX_FWD 8

/* Prefixes. */
#define PREFIX_REPZ   0x01
#define PREFIX_REPNZ  0x02
#define PREFIX_LOCK   0x04
#define PREFIX_DATA   0x08
#define PREFIX_ADR    0x10

/* A decoded ModRM (+SIB, displacement). */
typedef struct X86ModRM {
    int mod, reg, rm;
    bool is_mem;
    int base, index, scale;     /* -1: none */
    int32_t disp;
    int def_seg;                /* R_DS or R_SS (ebp/esp based) */
} X86ModRM;

/* One decoded instruction's operands. */
typedef struct X86Insn {
    unsigned op;                /* opcode: 0x00-0xff, or 0x100 | second byte for 0F xx */
    MemOp ot;                   /* operand size of this insn (MO_8/16/32) */
    X86ModRM m;
    uint32_t imm;               /* first immediate (sign/zero-extended as described) */
    uint32_t imm2;              /* second immediate (far pointer selector, enter level) */
} X86Insn;

typedef struct DisasContext {
    DisasContextBase base;
    uint32_t pc;                /* linear address of the insn being translated */
    uint32_t pc_start_eip;      /* its eip */
    uint32_t cs_base;
    uint32_t flags;             /* hflags the TB was translated for */
    uint32_t fpu_flags_read;    /* of X86_TB_FLAGS_OPTIONAL, those consulted */
    int prefix;
    int override;               /* segment override, or -1 */
    MemOp dflag;                /* operand size (MO_16 / MO_32) */
    MemOp aflag;                /* address size (MO_16 / MO_32) */
    bool code32, ss32, addseg, pe, vm;
    int cpl, iopl;
    int mem_idx;
    /*
     * The statically known cc_op, or CC_OP_DYNAMIC. A real op (CC_OP_EFLAGS ..
     * CC_OP_NB - 1) is NOT stored to env's cc_op as it is set: the store happens
     * only where something can look at it (gen_sync_cc_op: before a helper, at each
     * TB exit, in cold blocks), and a fault in a memory access gets it from the
     * insn_start record (x86_cpu_restore_state_to_opc). With CC_OP_DYNAMIC or a
     * CC_OP_TR_LAZY op, the cc_op global holds the value.
     */
    int cc_op;
    /*
     * env's cc_op already equals cc_op on every path from here to the end of the
     * insn (a Jcc stored it before branching): gen_sync_cc_op has nothing to do.
     */
    bool cc_op_clean;
    /*
     * env's cc_op when the TB was translated: the guess for a flag test while
     * cc_op is CC_OP_DYNAMIC (gen_cc_guess_begin).
     */
    int cc_op_guess;
    TCGOp *insn_start_op;       /* this insn's insn_start (x86_insn_start_dynamic) */
    int insn_cc_op;             /* cc_op when this insn started */
    /*
     * Store-to-load forwarding on the stack: the value of the last MOV to
     * [esp/ebp + disp] (fwd_val, fwd_base, fwd_disp) while fwd_valid; an insn that
     * reads that slot back next (fwd_usable for its one load) takes the value
     * instead of loading it (x86_fwd_*).
     */
    bool fwd_valid, fwd_usable;
    int fwd_base;
    int32_t fwd_disp;
    TCGv_i32 fwd_val;
    /*
     * STI's interrupt shadow kept inside the TB: the insn after STI is translated
     * in the same TB (shadow_pending until it starts, shadow_insn while it is
     * translated), and the TB ends after it with a look at pending interrupts.
     */
    bool shadow_pending, shadow_insn;
    /*
     * The first operand of the last SUB/CMP while its lazy flags are current
     * (srcT_valid), so a following Jcc/SETcc/CMOVcc compares the operands instead
     * of rebuilding one as cc_dst + cc_src.
     */
    TCGv_i32 cc_srcT;
    bool srcT_valid;
    /* cc_lazy / cc_src2 were written in this TB (and not discarded since): only
     * then is a discard of them worth its IR op. */
    bool lazy_written, src2_written;
    /* cc_dst of the current LOGIC op already equals its sign-extended sized value
     * (TEST with an immediate whose sign bit is clear), so ZF/SF need no extension. */
    bool cc_dst_narrow;
    /*
     * Address of the memory operand: allocated by x86_A0() on first use, since every
     * temp freed at the end of an insn costs an IR op (discard) in each pass.
     */
    TCGv_i32 A0;
    /*
     * Which segment each linear address computed by this insn went through, so the
     * data-access check (non-flat segments only) knows the limit to apply. Addresses
     * derived from one (A0 + 2 for a far pointer's selector) use the last segment.
     */
    unsigned seg_dynamic;       /* 1 << seg: class read at run time (seg_class) */
    int last_seg;
    int nb_seg_addrs;
    TCGv_i32 seg_addr[4];
    int8_t seg_addr_seg[4];
    /*
     * Scratch temps: the k-th x86_temp() of every insn returns pool[k], allocated
     * at its first use in the TB. Each is written before it is read within an insn
     * and dead at the insn's end, which liveness sees on its own (the write in a
     * later insn ends the previous life, and a branch's label is placed after it),
     * so no discard is emitted per temp and insn (each was one IR op through every
     * pass). Only a TB with a backward branch (a REP loop), where liveness keeps
     * every scratch temp live at every block end, gets the discards back
     * (pool_discards, x86_note_backward_branch).
     */
    int nb_temps;               /* pool temps used by the current insn */
    int nb_pool;
    bool pool_discards;
    TCGv_i32 pool[X86_DC_MAX_TEMPS];
    /*
     * Exceptions raised on a rarely taken branch (DIV's #DE) are emitted after the
     * TB's exits (x86_tr_tb_stop), so the common path has no join label after
     * them and keeps its guest registers in host registers.
     */
    int nb_cold;
    struct {
        TCGLabel *label;
        uint32_t eip;
        int vec;            /* X86_COLD_JUMP: go on at eip through goto_tb slot 1 */
        int cc_op;          /* s->cc_op at the branch: stored there if static */
    } cold[X86_DC_MAX_COLD];
    /*
     * A Jcc earlier in the TB took goto_tb slot 1 for its taken side (a cold
     * entry) and translation went on at its fall-through: a later exit that
     * wants slot 1 goes through the jump cache instead.
     */
    bool slot1_used;
    /* Slot 0 went to a loop region's Jcc leaving backward (X86_COLD_JUMP0). */
    bool slot0_used;
    /*
     * A loop region planned at the TB's start (trans-loop.c, x86_loop_plan): the
     * straight-line code from the TB's start up to its last branch back to the
     * start or to an insn inside it. Such a branch to an inner insn (a join)
     * becomes a jump to a label inside the TB, a Jcc forward to an insn inside
     * it (a forward join) a branch to a label placed when translation gets
     * there, and a Jcc before the last closing branch that leaves the region
     * goes on at its fall-through, its taken side leaving from a cold block
     * through the jump cache.
     */
    struct {
        bool valid;
        bool self_edge;         /* a Jcc back to the TB's start (goto_tb slot 1) */
        bool back_out_slot0;    /* a Jcc leaving backward takes goto_tb slot 0 */
        uint32_t end;           /* linear address of the first byte after it */
        uint32_t last_close;    /* linear address of its last closing branch */
        int nb_joins;
        uint32_t join_pc[X86_LOOP_MAX_JOINS];      /* linear */
        TCGLabel *join_label[X86_LOOP_MAX_JOINS];
        int join_cc_op[X86_LOOP_MAX_JOINS];        /* static there, or DYNAMIC */
        bool join_back[X86_LOOP_MAX_JOINS];        /* some branch back to it */
        /* Forward Jccs to a join not translated yet, each to its own label with
         * the cc_op it brought (x86_loop_place_fwd). */
        int nb_fwd;
        struct {
            TCGLabel *label;
            int join;
            int cc_op;
            bool placed;
        } fwd[X86_LOOP_MAX_FWD];
        /* The exit at the end (goto_tb slot 0) that early exits to the same
         * address share, once placed (end_placed). */
        TCGLabel *end_label;
        bool end_placed;
    } loop;
} DisasContext;

/*
 * CR0.EM/TS/MP and CR4.OSFXSR matter only to FPU, MMX and SSE insns, and Linux sets
 * them once during boot: TBs that never ask for them (x86_fpu_flags) stay valid
 * across that change instead of being translated again (4,697 TBs in a boot).
 */
#define X86_TB_FLAGS_OPTIONAL (HF_EM_MASK | HF_TS_MASK | HF_MP_MASK | HF_OSFXSR_MASK)

/* The TB's value of the optional hflags in mask; the TB now depends on them. */
static inline uint32_t x86_fpu_flags(DisasContext *s, uint32_t mask)
{
    s->fpu_flags_read |= mask;
    return s->flags & mask;
}

#define X86_COLD_JUMP (-1)      /* goto_tb slot 1 to eip */
#define X86_COLD_LOOKUP (-2)    /* to eip through the jump cache */
#define X86_COLD_EXIT (-3)      /* eip stored, back to the loop (an exit request) */
#define X86_COLD_END (-4)       /* the loop region's end exit, else as LOOKUP */
#define X86_COLD_JUMP0 (-5)     /* goto_tb slot 0 to eip (a region without an end) */

#define CC_OP_DYNAMIC (-1)
/*
 * Translation-time only: the runtime cc_op is CC_OP_LAZY + (an op not known here << 3)
 * + k (k = 0-5, see cpu.h); ZF and SF are the result's, CF needs the helper.
 */
#define CC_OP_TR_LAZY 48
#define CC_OP_TR_LAZY_K(op) ((op) - CC_OP_TR_LAZY)
#define CC_OP_IS_TR_LAZY(op) ((op) >= CC_OP_TR_LAZY && (op) < CC_OP_TR_LAZY + 6)

/* Descriptor flags of an opcode table entry. */
#define XF_MODRM   0x0001     /* a ModRM byte follows */
#define XF_BYTE    0x0002     /* byte operand size */
#define XF_IB      0x0004     /* imm8, zero-extended */
#define XF_IBS     0x0008     /* imm8, sign-extended */
#define XF_IZ      0x0010     /* imm16/32 by operand size */
#define XF_IW      0x0020     /* imm16 */
#define XF_AP      0x0040     /* far pointer: offset by operand size, then selector */
#define XF_MOFFS   0x0080     /* moffs by address size */
#define XF_IWB     0x0100     /* imm16 then imm8 (enter) */
#define XF_JB      0x0200     /* rel8, turned into the target eip */
#define XF_JZ      0x0400     /* rel16/32, turned into the target eip */
#define XF_IBYTE_IF_BYTE 0x0800  /* immediate: imm8 if byte op, else iz */
#define XF_GRPIMM  0x1000     /* group 3 (F6/F7): immediate only for /0 and /1 */
#define XF_STACK32 0x2000     /* push/pop of segment registers */

typedef bool (*X86TransFn)(DisasContext *s, X86Insn *d);

typedef struct X86OpEntry {
    X86TransFn fn;
    uint16_t flags;
} X86OpEntry;

/* TCG globals (translate.c). */
extern TCGv_i32 cpu_regs[8];
extern TCGv_i32 cpu_eip, cpu_cc_op, cpu_cc_dst, cpu_cc_src, cpu_cc_src2, cpu_cc_lazy, cpu_df;
extern TCGv_i32 cpu_seg_base[6];

/* Translator utilities (translate.c). */
TCGv_i32 x86_temp(DisasContext *s);
/* Before emitting a label a later branch jumps back to (the only loops inside a TB). */
void x86_note_backward_branch(DisasContext *s);
/* The insn's memory-operand address temp (s->A0), allocated on first use. */
TCGv_i32 x86_A0(DisasContext *s);
void gen_update_eip_cur(DisasContext *s);
void gen_update_eip_next(DisasContext *s);
uint32_t x86_next_eip(DisasContext *s);
void gen_exception(DisasContext *s, int vec);
void gen_exception_err(DisasContext *s, int vec, int err);
void gen_illegal(DisasContext *s);
/* Raise vec on a conditional path of the insn (the TB goes on after it). */
void gen_raise_in_path(DisasContext *s, int vec);
TCGLabel *gen_raise_cold(DisasContext *s, int vec);
/* trans-flags.c: lazy condition codes (cc_op) */
bool x86_cc_op_static(int op);     /* a cc_op known at translation time */
void gen_set_cc_op(DisasContext *s, int op);
void gen_sync_cc_op(DisasContext *s);
void gen_sync_cc_op_both_ways(DisasContext *s);
void x86_fwd_note_store(DisasContext *s, X86Insn *d, TCGv_i32 val);
bool gen_fwd_load(DisasContext *s, X86Insn *d, TCGv_i32 dst);
void x86_fwd_start_insn(DisasContext *s, X86Insn *d);
void x86_insn_start_dynamic(DisasContext *s);
void x86_cc_op_may_fault(DisasContext *s);
void gen_set_cc_src2(DisasContext *s, TCGv_i32 v);
void gen_jmp_eip(DisasContext *s, uint32_t eip, int slot);
bool gen_jcc_continue(DisasContext *s, int cc, uint32_t target);
/* A cold exit of kind X86_COLD_* to eip, emitted after the TB's exits; the caller
 * sets its cc_op (s->cold[index].cc_op) once the branch to it is emitted. NULL
 * when the TB has no room left. */
TCGLabel *gen_cold_exit(DisasContext *s, int kind, uint32_t eip, int *index);
/* trans-loop.c: loop regions inside one TB */
void x86_loop_plan(DisasContext *s, CPUState *cs);
void x86_loop_insn_start(DisasContext *s);
bool x86_loop_jcc(DisasContext *s, int cc, uint32_t target);
bool x86_loop_jmp(DisasContext *s, uint32_t target);
void x86_loop_tb_stop(DisasContext *s);
void gen_jmp_dyn(DisasContext *s);
/* eip of the next insn stored: end a TF/breakpoint TB with its #DB trap check. */
void gen_debug_insn_end(DisasContext *s);
/* Register operands: 8-bit reg 4..7 are AH..BH. */
void gen_ld_reg(DisasContext *s, MemOp ot, TCGv_i32 dst, int reg);
void gen_st_reg(DisasContext *s, MemOp ot, int reg, TCGv_i32 val);
/* Memory operand: linear address of the ModRM operand into s->A0. */
void gen_lea_modrm(DisasContext *s, X86ModRM *m);
void gen_ea_offset_to(DisasContext *s, X86ModRM *m, TCGv_i32 dst);
TCGv_i32 gen_ea_offset(DisasContext *s, X86ModRM *m);
/* Add the base of segment seg (or the override) to offset, with address-size wrap. */
void gen_lea_seg(DisasContext *s, TCGv_i32 dst, TCGv_i32 off, int def_seg, int ovr);
void gen_ld_mem(DisasContext *s, MemOp ot, TCGv_i32 dst, TCGv_i32 addr);
void gen_st_mem(DisasContext *s, MemOp ot, TCGv_i32 val, TCGv_i32 addr);
void gen_ld_mem_i64(DisasContext *s, TCGv_i64 dst, TCGv_i32 addr);
void gen_st_mem_i64(DisasContext *s, TCGv_i64 val, TCGv_i32 addr);
/*
 * Segment limit/type check of len bytes at linear addr (through the segment that
 * computed addr), for memory a C helper is about to access itself. Generates nothing
 * for flat segments.
 */
void gen_seg_check_range(DisasContext *s, TCGv_i32 addr, unsigned len, bool is_write);
/* ModRM r/m operand: load (computing s->A0 for memory) / store (to s->A0). */
void gen_ld_rm(DisasContext *s, X86Insn *d, MemOp ot, TCGv_i32 dst);
void gen_st_rm(DisasContext *s, X86Insn *d, MemOp ot, TCGv_i32 val);
/* Stack. */
void gen_push(DisasContext *s, MemOp ot, TCGv_i32 val);
void gen_pop_peek(DisasContext *s, MemOp ot, TCGv_i32 dst);   /* load [ss:esp] */
void gen_pop_adjust(DisasContext *s, MemOp ot);                /* esp += size */
void gen_stack_addr(DisasContext *s, TCGv_i32 dst, TCGv_i32 off);
void gen_esp_add(DisasContext *s, int32_t delta);
/* Flags: result (0/1) of condition code cc (0..15, the Jcc encoding). */
void gen_cc_eval(DisasContext *s, int cc, TCGv_i32 dst);
/* Branch to l if condition cc holds. */
void gen_cc_brcond(DisasContext *s, int cc, TCGLabel *l);
/* dst = condition cc ? vtrue : vfalse. */
void gen_cc_movcond(DisasContext *s, int cc, TCGv_i32 dst, TCGv_i32 vtrue,
                    TCGv_i32 vfalse);
void gen_compute_eflags(DisasContext *s, TCGv_i32 dst);   /* the 6 arithmetic flags */
void gen_compute_cf(DisasContext *s, TCGv_i32 dst);
/* Materialize flags into cc_src with cc_op = CC_OP_EFLAGS. */
void gen_flags_to_eflags_op(DisasContext *s);
bool x86_check_cpl0(DisasContext *s);   /* false: #GP(0) raised */

/* Call helpers from generated code. */
void gen_helper_env(DisasContext *s, const TCGHelperInfo *info, TCGv_i32 ret,
                    int nargs, ...);

/* Opcode tables and decoder entry points (trans-*.c). */
extern const X86OpEntry x86_op_table1[256];
extern const X86OpEntry x86_op_table2[256];

/* trans-alu.c */
bool trans_alu_op(DisasContext *s, X86Insn *d);
bool trans_grp1(DisasContext *s, X86Insn *d);
bool trans_inc_dec_reg(DisasContext *s, X86Insn *d);
bool trans_grp2(DisasContext *s, X86Insn *d);
bool trans_grp3(DisasContext *s, X86Insn *d);
bool trans_grp4(DisasContext *s, X86Insn *d);
bool trans_grp5(DisasContext *s, X86Insn *d);
bool trans_test(DisasContext *s, X86Insn *d);
bool trans_test_a_imm(DisasContext *s, X86Insn *d);
bool trans_imul_imm(DisasContext *s, X86Insn *d);
bool trans_imul_gv_ev(DisasContext *s, X86Insn *d);
bool trans_shld_shrd(DisasContext *s, X86Insn *d);
bool trans_bt_op(DisasContext *s, X86Insn *d);
bool trans_grp8(DisasContext *s, X86Insn *d);
bool trans_bsf_bsr(DisasContext *s, X86Insn *d);
bool trans_setcc(DisasContext *s, X86Insn *d);
bool trans_cmovcc(DisasContext *s, X86Insn *d);
bool trans_cbw(DisasContext *s, X86Insn *d);
bool trans_cwd(DisasContext *s, X86Insn *d);
bool trans_bcd(DisasContext *s, X86Insn *d);
bool trans_flag_op(DisasContext *s, X86Insn *d);
bool trans_lahf_sahf(DisasContext *s, X86Insn *d);
bool trans_salc(DisasContext *s, X86Insn *d);
bool trans_xadd(DisasContext *s, X86Insn *d);
bool trans_cmpxchg(DisasContext *s, X86Insn *d);
bool trans_bswap(DisasContext *s, X86Insn *d);

/* trans-mem.c */
bool trans_mov(DisasContext *s, X86Insn *d);
bool trans_mov_imm(DisasContext *s, X86Insn *d);
bool trans_mov_moffs(DisasContext *s, X86Insn *d);
bool trans_mov_sreg(DisasContext *s, X86Insn *d);
bool trans_lea(DisasContext *s, X86Insn *d);
bool trans_movx(DisasContext *s, X86Insn *d);
bool trans_xchg(DisasContext *s, X86Insn *d);
bool trans_xchg_ax(DisasContext *s, X86Insn *d);
bool trans_push_reg(DisasContext *s, X86Insn *d);
bool trans_pop_reg(DisasContext *s, X86Insn *d);
bool trans_push_imm(DisasContext *s, X86Insn *d);
bool trans_pop_ev(DisasContext *s, X86Insn *d);
bool trans_push_sreg(DisasContext *s, X86Insn *d);
bool trans_pop_sreg(DisasContext *s, X86Insn *d);
bool trans_pusha(DisasContext *s, X86Insn *d);
bool trans_popa(DisasContext *s, X86Insn *d);
bool trans_pushf(DisasContext *s, X86Insn *d);
bool trans_popf(DisasContext *s, X86Insn *d);
bool trans_enter(DisasContext *s, X86Insn *d);
bool trans_leave(DisasContext *s, X86Insn *d);
bool trans_string(DisasContext *s, X86Insn *d);
bool trans_xlat(DisasContext *s, X86Insn *d);
bool trans_lxs(DisasContext *s, X86Insn *d);
bool trans_bound(DisasContext *s, X86Insn *d);
bool trans_cmpxchg8b(DisasContext *s, X86Insn *d);
bool trans_nop_modrm(DisasContext *s, X86Insn *d);

/* trans-ctl.c */
bool trans_jcc(DisasContext *s, X86Insn *d);
bool trans_jmp(DisasContext *s, X86Insn *d);
bool trans_call(DisasContext *s, X86Insn *d);
bool trans_ret(DisasContext *s, X86Insn *d);
bool trans_loop(DisasContext *s, X86Insn *d);
bool trans_jmp_far(DisasContext *s, X86Insn *d);
bool trans_call_far(DisasContext *s, X86Insn *d);
bool trans_ret_far(DisasContext *s, X86Insn *d);
bool trans_int(DisasContext *s, X86Insn *d);
bool trans_iret(DisasContext *s, X86Insn *d);
bool trans_hlt(DisasContext *s, X86Insn *d);
bool trans_cli_sti(DisasContext *s, X86Insn *d);
bool trans_in_out(DisasContext *s, X86Insn *d);
bool trans_grp6(DisasContext *s, X86Insn *d);
bool trans_grp7(DisasContext *s, X86Insn *d);
bool trans_mov_cr_dr(DisasContext *s, X86Insn *d);
bool trans_clts(DisasContext *s, X86Insn *d);
bool trans_sys_misc(DisasContext *s, X86Insn *d);
bool trans_lar_lsl(DisasContext *s, X86Insn *d);
bool trans_arpl(DisasContext *s, X86Insn *d);
bool trans_sysenter(DisasContext *s, X86Insn *d);
bool trans_sysexit(DisasContext *s, X86Insn *d);
bool trans_ud(DisasContext *s, X86Insn *d);
bool trans_wait(DisasContext *s, X86Insn *d);

/* trans-sse.c */
bool trans_sse(DisasContext *s, X86Insn *d);
bool trans_sse_mxcsr(DisasContext *s, X86Insn *d);
bool trans_sse2(DisasContext *s, X86Insn *d);
bool trans_movnti(DisasContext *s, X86Insn *d);

/* trans-mmx.c */
bool trans_mmx(DisasContext *s, X86Insn *d);

/* trans-fpu.c */
bool trans_fpu(DisasContext *s, X86Insn *d);
bool trans_fxsave(DisasContext *s, X86Insn *d);

/* ---- helpers (C side) ---- */

/* cc_helper.c */
uint32_t x86_cc_compute_all(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2);
/* Any cc_op, CC_OP_LAZY ones included (lazy = cc_lazy). */
uint32_t x86_cc_compute_ext(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2,
                            uint32_t lazy);
/* The six arithmetic flags of env's lazy state. */
uint32_t x86_cc_flags(const CPUX86State *env);
uint32_t helper_x86_cc_all(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2,
                           uint32_t lazy);
uint32_t helper_x86_cc_c(uint32_t op, uint32_t dst, uint32_t src, uint32_t src2,
                         uint32_t lazy);
uint32_t helper_x86_read_eflags(CPUX86State *env);
void helper_x86_write_eflags(CPUX86State *env, uint32_t val, uint32_t mask);
void helper_x86_daa(CPUX86State *env);
void helper_x86_das(CPUX86State *env);
void helper_x86_aaa(CPUX86State *env);
void helper_x86_aas(CPUX86State *env);
void helper_x86_aam(CPUX86State *env, uint32_t base);
void helper_x86_aad(CPUX86State *env, uint32_t base);
uint32_t x86_parity(uint32_t v);

/* int_helper.c */
void helper_x86_div(CPUX86State *env, uint32_t ot, uint32_t divisor);
void helper_x86_idiv(CPUX86State *env, uint32_t ot, uint32_t divisor);
uint32_t helper_x86_shift(CPUX86State *env, uint32_t op_ot, uint32_t val, uint32_t count);
uint32_t helper_x86_shd(CPUX86State *env, uint32_t op_ot, uint32_t dst, uint32_t src,
                        uint32_t count);

/* excp_helper.c */
void QEMU_NORETURN x86_raise_exception(CPUX86State *env, int vec, uintptr_t ra);
void QEMU_NORETURN x86_raise_exception_err(CPUX86State *env, int vec, int err,
                                           uintptr_t ra);
void QEMU_NORETURN helper_x86_raise(CPUX86State *env, uint32_t vec);
void QEMU_NORETURN helper_x86_raise_cold(CPUX86State *env, uint32_t vec);
void QEMU_NORETURN helper_x86_raise_err(CPUX86State *env, uint32_t vec, uint32_t err);
void QEMU_NORETURN helper_x86_raise_int(CPUX86State *env, uint32_t vec, uint32_t next_eip);
void helper_x86_into(CPUX86State *env, uint32_t next_eip);
void x86_cpu_do_interrupt(CPUState *cs);
bool x86_cpu_exec_interrupt(CPUState *cs, uint32_t interrupt_request);
void x86_do_interrupt_vec(CPUX86State *env, int vec, bool is_int, int err, bool has_err,
                          uint32_t next_eip);

/* seg_helper.c */
void helper_x86_load_seg(CPUX86State *env, uint32_t seg, uint32_t sel);
void helper_x86_ljmp(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t next_eip);
void helper_x86_lcall(CPUX86State *env, uint32_t sel, uint32_t off, uint32_t next_eip,
                      uint32_t ot);
void helper_x86_lret(CPUX86State *env, uint32_t ot, uint32_t addend);
void helper_x86_iret(CPUX86State *env, uint32_t ot, uint32_t next_eip);
void helper_x86_lldt(CPUX86State *env, uint32_t sel);
void helper_x86_ltr(CPUX86State *env, uint32_t sel);
uint32_t helper_x86_lar(CPUX86State *env, uint32_t sel);
uint32_t helper_x86_lsl(CPUX86State *env, uint32_t sel);
void helper_x86_verr(CPUX86State *env, uint32_t sel);
void helper_x86_verw(CPUX86State *env, uint32_t sel);
void helper_x86_sysenter(CPUX86State *env);
void helper_x86_sysexit(CPUX86State *env);
/* len_rw: access length in bytes, | X86_SEGCHK_WRITE for stores. */
#define X86_SEGCHK_WRITE 0x100u
void helper_x86_seg_check(CPUX86State *env, uint32_t seg, uint32_t linear,
                          uint32_t len_rw);
/* Read a descriptor (8 bytes) from GDT/LDT: false if outside the table limit. */
bool x86_load_descriptor(CPUX86State *env, uint32_t sel, uint32_t *lo, uint32_t *hi,
                         uintptr_t ra);
void x86_seg_cache_from_desc(SegmentCache *sc, uint32_t sel, uint32_t lo, uint32_t hi);
/* Kernel-privileged accesses to system structures (GDT, IDT, TSS, stack on a ring
 * switch) go through the MMU index of CPL 0. */
int x86_sys_mmu_idx(CPUX86State *env);
int x86_mmu_idx_for_cpl(CPUX86State *env, int cpl);

/* task_helper.c */
enum { TASK_SWITCH_JMP, TASK_SWITCH_CALL, TASK_SWITCH_IRET, TASK_SWITCH_INT };
void x86_task_switch(CPUX86State *env, uint32_t tss_sel, int source, uint32_t next_eip,
                     bool has_err, uint32_t err, uintptr_t ra);

/* misc_helper.c */
void helper_x86_cpuid(CPUX86State *env);
void helper_x86_rdtsc(CPUX86State *env);
void helper_x86_rdmsr(CPUX86State *env);
void helper_x86_wrmsr(CPUX86State *env);
uint32_t helper_x86_in(CPUX86State *env, uint32_t port, uint32_t ot);
void helper_x86_rep_stos(CPUX86State *env, uint32_t ot, uint32_t mmu);
void helper_x86_rep_movs(CPUX86State *env, uint32_t ot, uint32_t mmu, uint32_t src_seg);
void helper_x86_out(CPUX86State *env, uint32_t port, uint32_t val, uint32_t ot);
void helper_x86_check_io(CPUX86State *env, uint32_t port, uint32_t ot);
void helper_x86_hlt(CPUX86State *env, uint32_t next_eip);
void helper_x86_write_cr(CPUX86State *env, uint32_t n, uint32_t val);
uint32_t helper_x86_read_cr(CPUX86State *env, uint32_t n);
void helper_x86_invlpg(CPUX86State *env, uint32_t addr);
void helper_x86_lmsw(CPUX86State *env, uint32_t val);
void helper_x86_clts(CPUX86State *env);
void helper_x86_set_inhibit_irq(CPUX86State *env);
void helper_x86_bound(CPUX86State *env, uint32_t addr, uint32_t idx, uint32_t ot);
void x86_cpuid_query(CPUX86State *env, uint32_t leaf, uint32_t sub, uint32_t *a,
                     uint32_t *b, uint32_t *c, uint32_t *d);

/* bpt_helper.c */
uint32_t x86_insn_breakpoint_hits(CPUX86State *env, uint32_t linear_pc);
void QEMU_NORETURN helper_x86_insn_bp(CPUX86State *env, uint32_t hits);
void helper_x86_dbg_access(CPUX86State *env, uint32_t addr, uint32_t len_rw);
void helper_x86_debug_insn_end(CPUX86State *env, uint32_t tf);
uint32_t helper_x86_read_dr(CPUX86State *env, uint32_t n);
void helper_x86_write_dr(CPUX86State *env, uint32_t n, uint32_t val);
void QEMU_NORETURN x86_cpu_do_unaligned_access(CPUState *cs, vaddr addr,
                                               MMUAccessType access_type, int mmu_idx,
                                               uintptr_t retaddr);

/* tlb_helper.c */
bool x86_cpu_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType access_type,
                      int mmu_idx, bool probe, uintptr_t retaddr);
hwaddr x86_cpu_get_phys_page_debug(CPUState *cs, vaddr addr);
/* `info tlb` (target-i386/monitor.c). */
void x86_cpu_dump_tlb(CPUState *cs, FILE *f);

/* fpu_helper.c */
void x86_fpu_reset(CPUX86State *env);
void helper_x86_fpu_mem(CPUX86State *env, uint32_t op, uint32_t a, uint32_t is32);
void helper_x86_fpu_reg(CPUX86State *env, uint32_t op, uint32_t i);
void helper_x86_fwait(CPUX86State *env);
void helper_x86_fxsave(CPUX86State *env, uint32_t a);
/* sse2_helper.c */
void helper_x86_sse2(CPUX86State *env, uint32_t ctl, uint32_t reg, uint32_t rm,
                     uint32_t addr);
/* sse_helper.c */
void helper_x86_sse(CPUX86State *env, uint32_t ctl, uint32_t reg, uint32_t rm, uint32_t addr);
/* mmx_helper.c */
void helper_x86_emms(CPUX86State *env);
void helper_x86_mmx_load(CPUX86State *env, uint32_t reg);
void helper_x86_mmx_store(CPUX86State *env, uint32_t reg);
void helper_x86_mmx_op(CPUX86State *env, uint32_t op, uint32_t reg);
void helper_x86_fxrstor(CPUX86State *env, uint32_t a);

/* translate.c */
void x86_tcg_init(void);
void x86_translate_code(CPUState *cs, struct TranslationBlock *tb, int *max_insns);

#endif
