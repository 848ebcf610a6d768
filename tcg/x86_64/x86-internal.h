/*
 * Private interface between the parts of the x86-64 host backend:
 *   emit.c      instruction encoder (REX/ModRM/SIB/immediates, branches)
 *   regalloc.c  register allocator over one TB's op list
 *   pin.c       self loops: globals pinned to host registers for a whole TB
 *   ldst.c      softmmu fast path and out-of-line slow-path stubs
 *   ldst-loop.c self loops: stores and shared checks done before the loop head
 *   backend.c   per-op lowering, prologue/epilogue, the TCGBackend table
 * Encodings follow the Intel SDM vol. 2 (instruction set reference).
 */
#ifndef TCG_X86_64_INTERNAL_H
#define TCG_X86_64_INTERNAL_H

#include "qemu/osdep.h"
#include "tcg/tcg.h"

/* Host registers, numbered as in their ModRM/REX encoding. */
enum {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
    X86_NB_REGS
};

/* The CPU state pointer lives here for the whole life of generated code. */
#define X86_AREG0 X86_RBP
/* Scratch register never given to the allocator: short internal sequences only. */
#define X86_TMP X86_R11

#define X86_REG_BIT(r) ((uint16_t)(1u << (r)))
#define X86_CALL_CLOBBERED \
    (X86_REG_BIT(X86_RAX) | X86_REG_BIT(X86_RCX) | X86_REG_BIT(X86_RDX) | \
     X86_REG_BIT(X86_RSI) | X86_REG_BIT(X86_RDI) | X86_REG_BIT(X86_R8) |  \
     X86_REG_BIT(X86_R9) | X86_REG_BIT(X86_R10) | X86_REG_BIT(X86_R11))
#define X86_RESERVED \
    (X86_REG_BIT(X86_RSP) | X86_REG_BIT(X86_AREG0) | X86_REG_BIT(X86_TMP))
#define X86_ALLOCATABLE ((uint16_t)(0xffff & ~X86_RESERVED))

/*
 * Frame: after the prologue rsp is 16-byte aligned and [rsp, rsp + frame size)
 * holds the spill slots of TEMP_TB temps (TCG_STATIC_FRAME_SIZE bytes).
 */
#define X86_FRAME_SIZE (TCG_STATIC_FRAME_SIZE + 8)   /* +8: 16-byte alignment */

/* Opcode flags above the opcode byte (encoder). */
#define P_EXT      0x100     /* 0x0f escape */
#define P_EXT38    0x200     /* 0x0f 0x38 escape */
#define P_DATA16   0x400     /* 0x66 operand-size prefix */
#define P_REXW     0x1000    /* 64-bit operand size */
#define P_REXB_R   0x2000    /* reg field is a byte register: REX needed for sil/dil.. */
#define P_REXB_RM  0x4000    /* rm field is a byte register */
#define P_SIMDF3   0x10000   /* 0xf3 prefix (lzcnt, tzcnt, popcnt) */
#define P_SIMDF2   0x20000

/* Opcodes (one byte plus flags). */
#define OPC_ARITH_EvIz  0x81
#define OPC_ARITH_EvIb  0x83
#define OPC_ARITH_GvEv  0x03     /* plus (ext << 3): add/or/adc/sbb/and/sub/xor/cmp */
#define OPC_ADD_GvEv    0x03
#define OPC_BSF         (0xbc | P_EXT)
#define OPC_BSR         (0xbd | P_EXT)
#define OPC_BSWAP       (0xc8 | P_EXT)
#define OPC_CALL_Jz     0xe8
#define OPC_CMOVCC      (0x40 | P_EXT)
#define OPC_CMP_GvEv    0x3b
#define OPC_IMUL_GvEv   (0xaf | P_EXT)
#define OPC_IMUL_GvEvIb 0x6b
#define OPC_IMUL_GvEvIz 0x69
#define OPC_JCC_long    (0x80 | P_EXT)
#define OPC_JCC_short   0x70
#define OPC_JMP_long    0xe9
#define OPC_JMP_short   0xeb
#define OPC_LEA         0x8d
#define OPC_LZCNT       (0xbd | P_EXT | P_SIMDF3)
#define OPC_MOVB_EvGv   0x88
#define OPC_MOVL_EvGv   0x89
#define OPC_MOVL_GvEv   0x8b
#define OPC_MOVB_EvIz   0xc6
#define OPC_MOVL_EvIz   0xc7
#define OPC_MOVUPS_WxVx (0x11 | P_EXT)   /* store xmm, no alignment needed */
#define OPC_XORPS       (0x57 | P_EXT)
#define OPC_MOVL_Iv     0xb8
#define OPC_MOVBE_GyMy  (0xf0 | P_EXT38)
#define OPC_MOVBE_MyGy  (0xf1 | P_EXT38)
#define OPC_MOVSBL      (0xbe | P_EXT)
#define OPC_MOVSWL      (0xbf | P_EXT)
#define OPC_MOVSLQ      (0x63 | P_REXW)
#define OPC_MOVZBL      (0xb6 | P_EXT)
#define OPC_MOVZWL      (0xb7 | P_EXT)
#define OPC_POP_r32     0x58
#define OPC_POPCNT      (0xb8 | P_EXT | P_SIMDF3)
#define OPC_PUSH_r32    0x50
#define OPC_RET         0xc3
#define OPC_SETCC       (0x90 | P_EXT | P_REXB_RM)
#define OPC_SHIFT_1     0xd1
#define OPC_SHIFT_Ib    0xc1
#define OPC_SHIFT_cl    0xd3
#define OPC_TESTL       0x85
#define OPC_TZCNT       (0xbc | P_EXT | P_SIMDF3)
#define OPC_XCHG_EvGv   0x87
#define OPC_GRP3_Ev     0xf7
#define OPC_GRP5        0xff
#define OPC_ANDN        0xf2     /* VEX.0F38 */
#define OPC_SHLX        0xf7     /* VEX.66.0F38 (F3: sarx, F2: shrx) */

/* Group 1 extensions. */
enum { ARITH_ADD, ARITH_OR, ARITH_ADC, ARITH_SBB, ARITH_AND, ARITH_SUB, ARITH_XOR,
       ARITH_CMP };
/* Group 2 (shift) extensions. */
enum { SHIFT_ROL = 0, SHIFT_ROR = 1, SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };
/* Group 3 extensions. */
enum { EXT3_TEST = 0, EXT3_NOT = 2, EXT3_NEG = 3, EXT3_MUL = 4, EXT3_IMUL = 5,
       EXT3_DIV = 6, EXT3_IDIV = 7 };
/* Group 5 extensions. */
enum { EXT5_CALLN_Ev = 2, EXT5_JMPN_Ev = 4 };

/* x86 condition codes (low nibble of jcc/setcc/cmovcc). */
enum {
    JCC_JO = 0, JCC_JNO, JCC_JB, JCC_JAE, JCC_JE, JCC_JNE, JCC_JBE, JCC_JA,
    JCC_JS, JCC_JNS, JCC_JP, JCC_JNP, JCC_JL, JCC_JGE, JCC_JLE, JCC_JG
};

/* Pending forward reference to a TCG label. */
typedef struct X86Reloc {
    uint8_t *where;              /* the rel32 field to patch */
    struct X86Reloc *next;
} X86Reloc;

/* A guest access on its own, the leader of a shared TLB check, or a member. */
typedef enum X86LdstKind {
    X86_LDST_PLAIN,
    X86_LDST_LEAD,
    X86_LDST_MEMB,
    X86_LDST_HOIST,              /* checked before the loop head (TCGContext.loop_hoists) */
} X86LdstKind;

/* Which TLB tags a check compares. */
#define X86_CHECK_READ  1
#define X86_CHECK_WRITE 2

/* Shared-addend temps per TB (tcg/ldst-group.c uses one per open-group slot). */
#define X86_MAX_LDST_HOSTS 4

/* One out-of-line softmmu slow path, emitted after the TB's body. */
typedef struct X86LdstStub {
    bool is_ld;
    uint8_t kind;                /* X86LdstKind */
    uint8_t host_reg;            /* leader: the shared addend's register (0 on a miss) */
    uint8_t t0_reg;              /* scratch for the stub's own TLB check */
    bool val_const;              /* store of an immediate */
    uint8_t addr_reg;
    uint8_t data_reg;            /* load: output; store: value */
    uint8_t type;                /* TCG_TYPE_I32 / I64 of the data */
    uint16_t save_regs;          /* caller-saved registers live across the call */
    MemOpIdx oi;
    int64_t val;                 /* store: the immediate */
    uint8_t *jne_disp;           /* fast-path miss branch's rel32 */
    uint8_t *jne_disp2;          /* a second one (shared check of both tags), or NULL */
    uint8_t *jne_disp3;          /* direct window: the alignment or code-page miss */
    bool win;                    /* tried the direct RAM window (its stub: the TLB) */
    int8_t win_tmp;              /* X86Gen.win_tmp at raddr: the stub reloads it */
    bool fold;                   /* member: address = fold_base + fold_disp (32-bit),
                                  * computed into addr_reg by the stub */
    uint8_t fold_base;
    int32_t fold_disp;
    int8_t hoist;                /* X86_LDST_HOIST: its index in loop_hoists */
    uint8_t span1;               /* leader checked before the loop head: 1 + its
                                  * index in loop_spans (0: none) */
    int32_t span_d;              /* ... and its address's offset from the base */
    uint8_t *raddr;              /* resume point in the TB body */
    /* The first store of a merged run (tcg/st-merge.c): a stub that leaves the
     * shared addend non-zero (a span leader's second check) writes all of it. */
    const struct TCGStWide *wide;
    /* Globals that are dirty in registers (or pending constants) at the access:
     * the stub writes them to env before calling the helper, which may raise a
     * guest exception; the fast path leaves them in registers. */
    uint16_t sync_first, nb_sync;
    /* Shared addends (tcg/ldst-group.c) of other open groups still live after
     * the access: the slow path zeroes them once it has called C code (their
     * registers, and the frame slots of those that have one). */
    uint16_t zero_regs;
    uint8_t nb_zero_slots;
    int32_t zero_slot[X86_MAX_LDST_HOSTS];
} X86LdstStub;

/* One global the slow path writes back: [env + off] = reg (or = val). */
typedef struct X86LdstSync {
    int32_t off;
    uint8_t type;
    uint8_t reg;
    bool is_const;
    int64_t val;
} X86LdstSync;

#define X86_MAX_LDST_SYNC 8192

#define X86_MAX_RELOCS 2048
#define X86_MAX_LDST 1024
/* Worst case bytes any single op can emit, apart from write-backs of temps (each
 * at most X86_MAX_SYNC_BYTES, checked one by one). */
#define X86_OP_MARGIN 1024
#define X86_MAX_SYNC_BYTES 32

#define X86_RA_GLOB_WORDS 2
#define X86_RA_GLOB_BITS (64 * X86_RA_GLOB_WORDS)

typedef struct X86Gen {
    TCGContext *s;
    uint8_t *code_start, *code_ptr;
    uint8_t *code_limit;         /* code_start + size - X86_OP_MARGIN */
    uint8_t *code_end;           /* code_start + size */
    intptr_t rx_diff;            /* executable address - writable address */
    bool overflow;

    /* The last instruction emitted (ending at zf_end) was an ALU op that left ZF
     * set from the value of register zf_reg (zf_rexw: 64-bit): a compare of that
     * register with zero for eq/ne right after it can be left out. */
    uint8_t *zf_end;
    int zf_reg, zf_rexw;

    /* Register allocator. */
    TCGTemp *reg_to_temp[X86_NB_REGS];
    uint16_t free_regs;          /* allocatable and holding nothing */
    /*
     * Temps whose allocator state may differ from the state a label leaves them
     * in: every temp given a register, or a known value without being a
     * TEMP_CONST, since the last label (ra_listed[index] marks membership). Block
     * ends and labels visit these and the frame-slot owners, not every temp.
     */
    TCGTemp *ra_active[TCG_MAX_TEMPS];
    int nb_ra_active;
    uint8_t ra_listed[TCG_MAX_TEMPS];
    /*
     * The globals that may hold a value env does not: bit i of ra_globs for
     * global i when it is listed (ra_active) or pinned. Block ends, calls and
     * guest memory accesses visit these, in index order, instead of every
     * global. Only kept for the first X86_RA_GLOB_BITS globals; a target with
     * more has every global visited (x86_ra_dirty_globals).
     */
    uint64_t ra_globs[X86_RA_GLOB_WORDS];
    uint64_t ra_globs_pinned[X86_RA_GLOB_WORDS];
    /* TEMP_TB temps that own a frame slot (slots are never given back in a TB). */
    TCGTemp *ra_slotted[TCG_STATIC_FRAME_SIZE / 8];
    int nb_ra_slotted;

    X86Reloc relocs[X86_MAX_RELOCS];
    int nb_relocs;

    X86LdstStub ldst[X86_MAX_LDST];
    int nb_ldst;
    X86LdstSync ldst_sync[X86_MAX_LDST_SYNC];
    int nb_ldst_sync;
    /* The shared-addend temps of this TB's leaders so far (ldst.c resets the list
     * at a TB's first access). */
    TCGTemp *ldst_hosts[X86_MAX_LDST_HOSTS];
    int nb_ldst_hosts;

    /*
     * Self loops (tcg/loop.c): globals pinned to a host register for the whole TB.
     * pin_reg[index] is a global's register (-1: not pinned; only the first
     * nb_globals entries are meaningful), pin_temp[reg] the global pinned there,
     * pinned the set of those registers: never free, never handed to another temp.
     * A pinned global is always TEMP_VAL_REG. Within a basic block its value may
     * float in another register (an op's fixed output register, a dying temp's
     * register taken over by a mov): its home register's bit is then set in
     * pin_pending, the home stays reserved, and x86_pin_home() moves it back
     * at block ends, exits, calls, or when that register is wanted.
     */
    int8_t pin_reg[TCG_MAX_TEMPS];
    TCGTemp *pin_temp[X86_NB_REGS];
    uint16_t pinned;
    uint16_t pin_written;        /* pinned registers of globals the TB writes */
    uint16_t pin_pending;

    /*
     * The MMU mode whose direct-window addend (CPUTLBWindow.addend) X86_TMP
     * holds at this point of the code, or -1. Set by ldst.c after a window
     * access; any instruction that names X86_TMP, a call and a label (another
     * way in) forget it (emit.c), so it only survives straight-line code that
     * leaves X86_TMP alone. The stubs reload it before going back.
     */
    int8_t win_tmp;
    /* An op already emitted together with an earlier one (backend.c). */
    const TCGOp *skip_op;
    /* An address add left to the member access right after it
     * (x86_ldst_fold_addr): the add's output, its base and constant. */
    TCGTemp *fold_t, *fold_base;
    int32_t fold_disp;
    /*
     * Loop-invariant guest accesses (TCGContext.loop_hoists) whose TLB check ran
     * before the loop head: hoist_reg[i] is the register holding access i's host
     * address for the whole TB (0 when it must be checked again), -1 when access
     * i is not hoisted; hoist_regs the set of them, which the allocator never
     * hands out (taken from the pinned globals' registers, x86_pin_setup). Every
     * return from C code into the TB zeroes them (x86_hoist_forget), so a
     * mapping changed by a helper or a slow path is never used; the accesses' own
     * slow paths fill them again.
     */
    int nb_hoist;
    int8_t hoist_reg[TCG_MAX_LOOP_HOISTS];
    uint16_t hoist_regs;
    /* Loop-invariant shared checks (TCGContext.loop_spans) done before the loop
     * head: span_slot[i] is the frame offset of span i's addend (0 when it must
     * be checked again), zeroed with the hoisted addresses. */
    int nb_span;
    int32_t span_slot[TCG_MAX_LOOP_SPANS];
} X86Gen;

/* An instruction names these registers: X86_TMP may no longer hold an addend. */
static inline void x86_tmp_touch(X86Gen *g, int r, int rm, int x)
{
    if (r == X86_TMP || rm == X86_TMP || x == X86_TMP) {
        g->win_tmp = -1;
    }
}

/* The register a global is pinned to in this TB, or -1. */
static inline int x86_pin_reg(const X86Gen *g, const TCGTemp *ts)
{
    return ts->index < g->s->nb_globals ? g->pin_reg[ts->index] : -1;
}

/* Host CPU features, probed once. */
extern bool x86_have_lzcnt, x86_have_bmi1, x86_have_bmi2, x86_have_popcnt, x86_have_movbe;
void x86_probe_cpu(void);

/*
 * W^X: code is written through code_ptr (the writable view of the code buffer) and
 * runs rx_diff bytes further on (the executable view; TCGContext.code_rx_diff).
 * Branches and rip-relative forms between two points of the buffer need nothing
 * more, since both ends move together; a displacement to anything outside the
 * buffer (helpers), to the prologue/epilogue (known by their executable address)
 * or to a TB header (known by its writable address) is computed from x86_rx_ptr().
 */

/* ---- emit.c ---- */
/* Where the byte about to be written will execute. */
static inline intptr_t x86_rx_ptr(const X86Gen *g)
{
    return (intptr_t)g->code_ptr + g->rx_diff;
}
static inline void x86_out8(X86Gen *g, uint8_t v)
{
    *g->code_ptr++ = v;
}
static inline void x86_out32(X86Gen *g, uint32_t v)
{
    memcpy(g->code_ptr, &v, 4);
    g->code_ptr += 4;
}
static inline void x86_out64(X86Gen *g, uint64_t v)
{
    memcpy(g->code_ptr, &v, 8);
    g->code_ptr += 8;
}
static inline bool x86_fits_s32(int64_t v)
{
    return v == (int32_t)v;
}
static inline bool x86_fits_s8(int64_t v)
{
    return v == (int8_t)v;
}

void x86_emit_opc(X86Gen *g, int opc, int r, int rm, int x);
void x86_emit_modrm(X86Gen *g, int opc, int r, int rm);
void x86_emit_modrm_sib(X86Gen *g, int opc, int r, int base, int index, int shift,
                        intptr_t disp);
void x86_emit_modrm_off(X86Gen *g, int opc, int r, int base, intptr_t disp);
/* VEX-encoded (0F38 map, LZ) register form: pp 0 none, 1 66, 2 F3, 3 F2. */
void x86_emit_vex_modrm(X86Gen *g, int opc, int pp, int rexw, int r, int v, int rm);
/* BMI2 only: dst = src rotated right by imm (rexw: 64-bit), in one instruction. */
void x86_emit_rorx(X86Gen *g, int rexw, int dst, int src, int imm);
void x86_emit_mov(X86Gen *g, TCGType type, int dst, int src);
void x86_emit_movi(X86Gen *g, TCGType type, int reg, int64_t val);
void x86_emit_ld(X86Gen *g, TCGType type, int reg, int base, intptr_t off);
void x86_emit_st(X86Gen *g, TCGType type, int reg, int base, intptr_t off);
void x86_emit_sti(X86Gen *g, TCGType type, int64_t val, int base, intptr_t off);
void x86_emit_arith(X86Gen *g, int ext, int rexw, int dst, int src);
void x86_emit_arithi(X86Gen *g, int ext, int rexw, int reg, int64_t val);
void x86_emit_shifti(X86Gen *g, int ext, int rexw, int reg, int count);
void x86_emit_ext8u(X86Gen *g, int dst, int src);
void x86_emit_ext8s(X86Gen *g, int rexw, int dst, int src);
void x86_emit_ext16u(X86Gen *g, int dst, int src);
void x86_emit_ext16s(X86Gen *g, int rexw, int dst, int src);
void x86_emit_ext32s(X86Gen *g, int dst, int src);
void x86_emit_ext32u(X86Gen *g, int dst, int src);
void x86_emit_push(X86Gen *g, int reg);
void x86_emit_pop(X86Gen *g, int reg);
void x86_emit_jcc_label(X86Gen *g, int cc, TCGLabel *l);
void x86_emit_jmp_label(X86Gen *g, TCGLabel *l);
uint8_t *x86_emit_jcc32(X86Gen *g, int cc);    /* returns the rel32 field */
void x86_patch_rel32(uint8_t *field, const uint8_t *target);
void x86_emit_jmp_abs(X86Gen *g, const void *rx_target);
void x86_emit_call_abs(X86Gen *g, const void *func);
void x86_emit_nops(X86Gen *g, int n);
void x86_bind_label(X86Gen *g, TCGLabel *l);

/* ---- regalloc.c ---- */
typedef struct X86ArgCon {
    uint16_t regs;           /* allowed registers (0: any allocatable) */
    uint8_t flags;
    int8_t alias;            /* output: input index it must share a register with */
} X86ArgCon;

#define CON_IMM      0x01    /* input: a constant that fits imm32 may stay a constant */
#define CON_ANYIMM   0x02    /* input: any constant may stay a constant */
#define CON_ALIAS    0x04    /* output: same register as input .alias */
#define CON_COMMUT   0x08    /* output: may take the register of a dying input 0 or 1 */
#define CON_NEW      0x10    /* output: distinct from every input register */

typedef struct X86OpCon {
    X86ArgCon o[2];
    X86ArgCon i[6];
    uint16_t clobber;        /* registers the sequence destroys besides outputs */
} X86OpCon;

/* The result of constraint resolution for one op. */
typedef struct X86OpRegs {
    int oreg[2];
    int ireg[6];             /* -1 for an input left as a constant */
    int64_t ival[6];         /* value of a constant input */
    bool iconst[6];
} X86OpRegs;

void x86_ra_init(X86Gen *g);
int x86_ra_alloc(X86Gen *g, uint16_t want, uint16_t locked);
void x86_ra_free_reg(X86Gen *g, int reg);
void x86_ra_move(X86Gen *g, TCGTemp *ts, int to);
void x86_ra_evict(X86Gen *g, int reg, uint16_t locked);
int x86_ra_load(X86Gen *g, TCGTemp *ts, uint16_t want, uint16_t locked);
void x86_ra_sync(X86Gen *g, TCGTemp *ts);
void x86_ra_temp_dead(X86Gen *g, TCGTemp *ts);
void x86_ra_set_reg(X86Gen *g, TCGTemp *ts, int reg);
void x86_ra_op(X86Gen *g, const TCGOp *op, int nb_o, int nb_i, const X86OpCon *con,
               X86OpRegs *r);
void x86_ra_op_finish(X86Gen *g, const TCGOp *op, int nb_o, int nb_i);
void x86_ra_mov(X86Gen *g, const TCGOp *op);
void x86_ra_discard(X86Gen *g, TCGTemp *ts);
/* Fill list with the globals that may differ from env (see X86Gen.ra_globs), in
 * index order; returns how many. list has room for every global. */
int x86_ra_dirty_globals(const X86Gen *g, TCGTemp **list);
void x86_ra_sync_globals(X86Gen *g);
void x86_ra_save_globals(X86Gen *g);
void x86_ra_bb_end(X86Gen *g);
void x86_ra_bb_end_branch(X86Gen *g, const TCGOp *op, const TCGLabel *l);
void x86_ra_label_reset(X86Gen *g);
void x86_ra_call(X86Gen *g, const TCGOp *op);
uint16_t x86_ra_live_regs(const X86Gen *g);
intptr_t x86_ra_frame_slot(X86Gen *g, TCGTemp *ts);
/* ---- pin.c ---- */
/* Self loops: pin the candidate globals and load them (returns false when none
 * fits); move a floating pinned global home, or all of them; write back the
 * globals that are not pinned (a chained self edge); reload the pinned ones after
 * a helper that may have written env. */
bool x86_pin_setup(X86Gen *g);
void x86_pin_home(X86Gen *g, TCGTemp *ts);
void x86_pin_fixup(X86Gen *g);
void x86_pin_sync_others(X86Gen *g);
void x86_pin_reload(X86Gen *g);

/* ---- ldst.c ---- */
void x86_gen_qemu_ld(X86Gen *g, const TCGOp *op, TCGType type);
void x86_gen_qemu_st(X86Gen *g, const TCGOp *op, TCGType type);
void x86_gen_qemu_probe_st(X86Gen *g, const TCGOp *op);
void x86_gen_qemu_ld_shared(X86Gen *g, const TCGOp *op, TCGType type, bool lead);
bool x86_ldst_fold_addr(X86Gen *g, const TCGOp *op);
void x86_gen_qemu_st_shared(X86Gen *g, const TCGOp *op, TCGType type, bool lead);
bool x86_gen_ldst_stubs(X86Gen *g);
struct CPUState;
/* Slow-path helpers the stubs call (tests may point them at their own). */
extern uint64_t (*x86_ld_helper)(struct CPUState *, uint32_t, uint32_t, uintptr_t);
extern void (*x86_st_helper)(struct CPUState *, uint32_t, uint64_t, uint32_t, uintptr_t);

/* ---- ldst-loop.c ---- */
/* Loop-invariant accesses: how many this backend hoists (x86_pin_setup gives
 * each a register), their checks before the loop head, zeroing their addresses
 * after C code, and leaving out the adds only their addresses need. */
int x86_hoist_plan(X86Gen *g);
void x86_hoist_setup(X86Gen *g);
void x86_span_setup(X86Gen *g);
void x86_hoist_forget(X86Gen *g);
bool x86_hoist_skip_addr(X86Gen *g, const TCGOp *op);

/* ---- backend.c ---- */
extern const uint8_t *x86_tb_ret_rx;     /* epilogue entry that keeps rax */

#endif
