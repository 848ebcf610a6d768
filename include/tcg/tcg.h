/*
 * The micro-op IR: temps, labels, ops, and the context that holds one TB's IR while
 * it is built, optimized and turned into host code by a backend.
 *
 * Life of one translation (driven by accel/tcg/translate-all.c):
 *   tcg_func_start(s);                 -- empties the op list, frees non-global temps
 *   target translator emits ops through tcg_gen_* (tcg-op.h)
 *   tcg_gen_code(s, tb, buf, size)     -- optimize, liveness, backend; returns bytes or -1
 *
 * Values: a TCGv_i32 / TCGv_i64 / TCGv_ptr is a TCGTemp * in disguise (distinct types so
 * the compiler catches mix-ups). Temp kinds:
 *   TEMP_FIXED  - lives in a fixed host register (only tcg_env: the CPU state pointer)
 *   TEMP_GLOBAL - a field of the CPU state at (env + mem_offset); may be cached in a host
 *                 register inside a TB; synced back where liveness says it must be
 *   TEMP_TB     - a scratch value; keeps its value across labels and branches within
 *                 the TB (the allocator spills it to the frame at basic-block ends)
 *   TEMP_CONST  - an interned constant (tcg_constant_i32/i64): never written
 */
#ifndef TCG_TCG_H
#define TCG_TCG_H

#include "qemu/osdep.h"
#include "tcg/memop.h"

#define TCG_INSN_START_WORDS 2     /* per guest insn: pc and one target-defined word */
#define TCG_MAX_TEMPS 1024
#define TCG_TEMP_INDEX_BITS 10      /* a temp index fits (TCG_MAX_TEMPS) */
#define TCG_MAX_LABELS 512
#define TCG_MAX_INSNS 512          /* guest insns per TB */
/* The most any op has: a call's output, its TCG_MAX_CALL_ARGS inputs and its two
 * cargs (plain ops need at most 7). Every op carries this many, and every pass
 * reads the ops: no more than needed. */
#define TCG_MAX_OP_ARGS 10
#define TCG_MAX_CALL_ARGS 6
#define TCG_STATIC_FRAME_SIZE (128 * 8)   /* spill area in the host stack frame */
#define TCG_CONST_HASH_BITS 11     /* 2048 slots per type: under half full at most */

typedef enum TCGType {
    TCG_TYPE_I32,
    TCG_TYPE_I64,
    TCG_TYPE_PTR = TCG_TYPE_I64,   /* host pointers (x86-64 host only) */
} TCGType;

typedef enum TCGTempKind {
    TEMP_TB,
    TEMP_GLOBAL,
    TEMP_FIXED,
    TEMP_CONST,
} TCGTempKind;

/* Where the register allocator currently keeps a temp's value. */
typedef enum TCGTempVal {
    TEMP_VAL_DEAD,
    TEMP_VAL_REG,
    TEMP_VAL_MEM,
    TEMP_VAL_CONST,
} TCGTempVal;

typedef struct TCGTemp {
    /* Ordered for size (48 bytes, no holes) with what every pass reads first:
     * passes index per-temp tables by index and test kind and type. */
    TCGType type;
    TCGTempKind kind;
    int index;                  /* position in TCGContext.temps */
    /* Register allocator state (backend-private meaning; reset per TB). */
    int reg;
    TCGTempVal val_type;
    bool mem_coherent;          /* the memory copy equals the register copy */
    bool mem_allocated;
    bool temp_allocated;        /* TEMP_TB: in use (tcg_temp_free clears) */
    /* Globals: state field at env + mem_offset. TEMP_TB: frame slot, once allocated. */
    intptr_t mem_offset;
    int64_t val;                /* TEMP_CONST: the value (i32 constants sign-extended) */
    const char *name;           /* for globals: "r3", "pc"; for dumps */
} TCGTemp;

typedef struct TCGv_i32_d *TCGv_i32;
typedef struct TCGv_i64_d *TCGv_i64;
typedef struct TCGv_ptr_d *TCGv_ptr;

static inline TCGTemp *tcgv_i32_temp(TCGv_i32 v) { return (TCGTemp *)v; }
static inline TCGTemp *tcgv_i64_temp(TCGv_i64 v) { return (TCGTemp *)v; }
static inline TCGTemp *tcgv_ptr_temp(TCGv_ptr v) { return (TCGTemp *)v; }
static inline TCGv_i32 temp_tcgv_i32(TCGTemp *t) { return (TCGv_i32)t; }
static inline TCGv_i64 temp_tcgv_i64(TCGTemp *t) { return (TCGv_i64)t; }
static inline TCGv_ptr temp_tcgv_ptr(TCGTemp *t) { return (TCGv_ptr)t; }

typedef enum TCGCond {
    TCG_COND_NEVER = 0,
    TCG_COND_ALWAYS = 1,
    TCG_COND_EQ = 8,
    TCG_COND_NE = 9,
    TCG_COND_LT = 2,    /* signed */
    TCG_COND_GE = 3,
    TCG_COND_LE = 4,
    TCG_COND_GT = 5,
    TCG_COND_LTU = 10,  /* unsigned */
    TCG_COND_GEU = 11,
    TCG_COND_LEU = 12,
    TCG_COND_GTU = 13,
} TCGCond;

TCGCond tcg_invert_cond(TCGCond c);     /* !(a c b)  == a inv b */
TCGCond tcg_swap_cond(TCGCond c);       /* (a c b)   == b swap a */
bool tcg_cond_eval(TCGCond c, uint64_t a, uint64_t b, bool is64);

typedef struct TCGLabel {
    int id;
    bool has_value;             /* backend: host code position known */
    uintptr_t value;            /* backend: host address (or interp offset) */
    int refs;                   /* branches to it (optimizer drops dead labels) */
    void *relocs;               /* backend: pending patches */
} TCGLabel;

typedef enum TCGOpcode {
#define DEF(name, oargs, iargs, cargs, flags) INDEX_op_##name,
#include "tcg/tcg-opc.h"
#undef DEF
    NB_OPS,
} TCGOpcode;

/* Op flags (TCGOpDef.flags). */
#define TCG_OPF_BB_END        0x01   /* ends a basic block: globals synced, temps spilled */
#define TCG_OPF_CALL_CLOBBER  0x02   /* clobbers call-clobbered host regs; globals synced */
#define TCG_OPF_SIDE_EFFECTS  0x04   /* never removed as dead */
#define TCG_OPF_NOT_PRESENT   0x08   /* no code of its own (handled by the allocator) */
#define TCG_OPF_BB_EXIT       0x10   /* leaves the TB: all globals written back */
#define TCG_OPF_COND_BRANCH   0x20

typedef struct TCGOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint8_t flags;
} TCGOpDef;

extern const TCGOpDef tcg_op_defs[NB_OPS];

/* Helper call descriptors. */
#define TCG_CALL_NO_READ_GLOBALS   0x1  /* helper reads no global from env */
#define TCG_CALL_NO_WRITE_GLOBALS  0x2  /* helper writes no global in env */
#define TCG_CALL_NO_SIDE_EFFECTS   0x4  /* removable if the result is unused */
/* The helper never returns (it always unwinds to the CPU loop): what follows the call
 * up to the next label is unreachable, so the caller-saved registers it clobbers hold
 * nothing anyone reads again. Globals are still written back before it (unless
 * NO_READ_GLOBALS). A backend may ignore the flag. */
#define TCG_CALL_NO_RETURN         0x8
#define TCG_CALL_NO_RWG (TCG_CALL_NO_READ_GLOBALS | TCG_CALL_NO_WRITE_GLOBALS)
#define TCG_CALL_NO_WG TCG_CALL_NO_WRITE_GLOBALS
/* A helper that may raise a guest exception must NOT have NO_READ_GLOBALS (state must
 * be in env when it unwinds). */

typedef enum TCGCallType {
    TCG_CALL_VOID,   /* return only */
    TCG_CALL_I32,
    TCG_CALL_I64,
    TCG_CALL_PTR,
} TCGCallType;

typedef struct TCGHelperInfo {
    void *func;
    const char *name;
    unsigned flags;
    uint8_t nb_args;
    TCGCallType ret;                        /* TCG_CALL_VOID, I32, I64 or PTR */
    TCGCallType args[TCG_MAX_CALL_ARGS];    /* I32 (zero- or sign-: callee's C type), I64, PTR */
} TCGHelperInfo;

/*
 * One IR op. args[] holds outputs, then inputs (as (uintptr_t)TCGTemp *), then constant
 * args. For INDEX_op_call: nb_callo outputs (0 or 1), nb_calli inputs, then the two
 * cargs (function pointer, const TCGHelperInfo *).
 */
typedef struct TCGOp {
    TCGOpcode opc;
    uint8_t nb_callo, nb_calli;     /* INDEX_op_call only */
    /* Liveness results per argument (outputs and inputs, index < 16):
     * DEAD_ARG(i): the temp's value is dead after this op;
     * SYNC_ARG(i): output i (a global) must be written back to env after this op.
     * Full contract at the top of tcg/liveness.c. In short, the backend itself must:
     *  - at TCG_OPF_BB_END ops (set_label, br, brcond): write back every global held
     *    in a register and save every TEMP_TB held in a register to its frame slot
     *    before the control transfer, and assume nothing in registers after it;
     *  - at TCG_OPF_BB_EXIT ops: write back globals (TEMP_TB values are dead);
     *  - before a call without TCG_CALL_NO_READ_GLOBALS, and before qemu_ld/st:
     *    have globals written back (liveness marks SYNC on their last writes);
     *  - after a call without TCG_CALL_NO_WRITE_GLOBALS: reload globals from env.
     * Sync bits are only ever set on TEMP_GLOBAL outputs; dead bits never on env. */
    uint16_t life_dead, life_sync;
    /* Backend scratch, 0 unless it sets it: host register + 1 that output 0 had
     * best take (x86-64: a self loop's pinned global the value is moved into). */
    uint8_t out_hint;
    /* Store merging (tcg/st-merge.c) on a qemu_st_lead/memb: 0 none; 1 + i: this
     * store's fast path writes the bytes of TCGContext.st_wide[i] (its own among
     * them) instead of its own; TCG_ST_WIDE_COVERED: an earlier such store of its
     * group wrote this one's bytes on the fast path, so it has none of its own.
     * The slow paths are unchanged. A backend that ignores it loses nothing. */
    uint8_t st_wide;
    /* Links before the args: a walk over the list then reads one cache line per
     * op (header, links and the first args), not two. */
    struct TCGOp *next, *prev;
    uint64_t args[TCG_MAX_OP_ARGS];
} TCGOp;

#define IS_DEAD_ARG(op, n)  (((op)->life_dead >> (n)) & 1)
#define NEED_SYNC_ARG(op, n) (((op)->life_sync >> (n)) & 1)

_Static_assert(1 + TCG_MAX_CALL_ARGS + 2 <= TCG_MAX_OP_ARGS, "a call's args must fit an op");
_Static_assert(TCG_MAX_OP_ARGS <= 16, "life_dead/life_sync have a bit per arg");

static inline TCGTemp *arg_temp(uint64_t a) { return (TCGTemp *)(uintptr_t)a; }
static inline uint64_t temp_arg(TCGTemp *t) { return (uintptr_t)t; }
static inline TCGLabel *arg_label(uint64_t a) { return (TCGLabel *)(uintptr_t)a; }
static inline uint64_t label_arg(TCGLabel *l) { return (uintptr_t)l; }

/* Number of output / input args of an op (calls vary). Inline: every pass asks for
 * every op. */
static inline int tcg_op_nb_oargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->nb_callo : tcg_op_defs[op->opc].nb_oargs;
}

static inline int tcg_op_nb_iargs(const TCGOp *op)
{
    return op->opc == INDEX_op_call ? op->nb_calli : tcg_op_defs[op->opc].nb_iargs;
}

/* Does op read (an input) or write (an output) t? */
static inline bool tcg_op_reads_temp(const TCGOp *op, const TCGTemp *t)
{
    int no = tcg_op_nb_oargs(op), ni = tcg_op_nb_iargs(op);

    for (int i = no; i < no + ni; i++) {
        if (arg_temp(op->args[i]) == t) {
            return true;
        }
    }
    return false;
}

static inline bool tcg_op_writes_temp(const TCGOp *op, const TCGTemp *t)
{
    for (int i = 0; i < tcg_op_nb_oargs(op); i++) {
        if (arg_temp(op->args[i]) == t) {
            return true;
        }
    }
    return false;
}

struct TranslationBlock;
struct TCGBackend;

typedef struct TCGContext {
    /* Temps (temps[] below): the first nb_globals are globals/fixed, kept across
     * TBs. The scalars come first and the big tables last, so that what every
     * pass reads sits together (a few cache lines and one page). */
    int nb_globals;
    int nb_temps;
    uint32_t const_gen;                 /* see const_hash */

    int nb_labels;                      /* labels[] below */

    /* Doubly-linked op list. Ops come from an arena of chunks handed out in
     * order and taken back all at once by tcg_func_start: a TB's ops lie in
     * memory in the order they were emitted, which is the order every pass
     * walks them (removed ops are simply not reused until the next TB). */
    TCGOp *first_op, *last_op;
    struct TCGOpChunk *op_chunks;       /* first chunk; never freed */
    struct TCGOpChunk *op_chunk;        /* the chunk ops are taken from */
    int op_chunk_used;                  /* ops taken from op_chunk */
    int nb_ops;

    /* Translation of the current TB. */
    struct TranslationBlock *tb;
    int nb_insns;                       /* insn_start ops emitted */
    /* Filled by the backend: the goto_tb patch offsets (and insn_end_off below). */
    uint16_t goto_tb_insn_off[2];       /* offset of the jmp rel32's displacement */
    uint16_t goto_tb_reset_off[2];      /* offset of the code after it (unchained path) */

    /* Frame spill slot allocation. */
    intptr_t frame_next;

    const struct TCGBackend *backend;
    void *backend_state;
    /*
     * W^X: the code buffer is mapped twice, written through one view and run from
     * the other. code_rx_diff = executable address - writable address of the same
     * byte (0 with a single RWX mapping). Backends write at the addresses they are
     * given and compute every displacement to something outside the buffer, and
     * every absolute code address, for the executable view.
     */
    intptr_t code_rx_diff;
    /* The backend writes dirty globals to env on the qemu_ld/st slow path (before
     * the helper that may fault), so liveness need not force them there first. */
    bool backend_syncs_ldst;
    /* MMU modes (bit per mmu_idx) in which a backend tries the CPU's direct RAM
     * window (CPUState.tlb_win, exec/cputlb.h) before the TLB, and each such
     * mode's window base, which generated code takes as a constant: set by
     * tlb_set_window the first time a target gives the mode a window, and fixed
     * from then on (a window asked for at another base stays off). */
    uint16_t ldst_window_mmu_mask;
    uint32_t ldst_window_base[16];
    /* Set by tcg_optimize: a branch goes to a label placed before it. Liveness
     * takes it instead of walking the ops again when backward_branch_known is set
     * (tcg_gen_code sets it between the two; liveness clears it). */
    bool backward_branch;
    bool backward_branch_known;
    /* Set by tcg_func_start, cleared by the x86-64 backend: no backend has run
     * over this TB yet, so every temp past the globals and every label still has
     * the backend state tcg_temp_alloc / gen_new_label gave it, and the register
     * allocator resets only the globals. */
    bool fresh_for_backend;
    /* Set by tcg_optimize: the goto_tb ops left (at most TCG_MAX_GOTO_TB_OPS;
     * goto_tb_known false: not counted, or more). tcg_loop_analyze takes them
     * instead of walking the ops when goto_tb_known is set, and clears it. */
#define TCG_MAX_GOTO_TB_OPS 4
    bool goto_tb_known;
    int nb_goto_tb_ops;
    struct TCGOp *goto_tb_ops[TCG_MAX_GOTO_TB_OPS];
    /* Set by tcg_optimize: guest memory access ops left (tcg_gen_code skips the
     * grouping pass when there are fewer than two: nothing to share). */
    int nb_guest_mem_ops;

    /*
     * Self loops (tcg/loop.c, filled by tcg_loop_analyze before the backend runs):
     * loop_slots has bit n set when goto_tb slot n goes back to this TB's own start
     * (pc and cs_base; the flags are checked when the slot is chained). loop_globals
     * lists the globals the TB uses, best first (loop-carried ones, then by the env
     * loads and stores a register saves per iteration), that a backend may keep in
     * host registers for the whole TB (none whose env bytes the TB also reaches with
     * plain ld/st off env); loop_has_call says whether the TB calls a helper after
     * which a global kept in a caller-saved register would be lost: one that returns
     * without the reload a globals-writing call makes (see tcg_loop_analyze).
     * A backend that does so sets loop_head_off to the offset of the code after
     * their loads (the exit-request check), where a chained self edge jumps; it
     * stays 0xffff otherwise and the slots chain as usual.
     */
    uint8_t loop_slots;
    /* The TB has a loop inside (a backward branch to one of its labels, a region's
     * back edge): its globals may be pinned too, with or without a self slot. */
    bool loop_internal;
    bool loop_has_call;
    /* The last op of the loop body (the last jump into a self edge), or NULL. */
    struct TCGOp *loop_body_end;
    int nb_loop_globals;
    uint16_t loop_head_off;
    /*
     * Loop-invariant guest accesses (tcg/loop.c, tcg_loop_analyze): plain
     * qemu_st ops (no loads yet) of the loop body whose address is base + disp,
     * base a 32-bit global no write of which in the TB leads back to the access
     * (nor env ld/st reaches it). A backend may do their TLB check once before
     * the loop head and keep the host address (tcg/x86_64/ldst-loop.c); addr_op is
     * the `add_i32 t, base, $disp` right before op whose t dies at op (NULL when
     * the address is base itself). A backend that ignores them loses nothing.
     */
#define TCG_MAX_LOOP_HOISTS 2
    int nb_loop_hoists;
    struct {
        struct TCGOp *op, *addr_op;
        TCGTemp *base;
        int32_t disp;
    } loop_hoists[TCG_MAX_LOOP_HOISTS];
    /*
     * Loop-invariant shared checks (tcg/loop.c): the leaders of access groups
     * (qemu_ld/st_lead, tcg/ldst-group.c) in the loop body whose address is
     * base + d (base itself, or an `add_i32 t, base, $d` right before them), base
     * a 32-bit global as for loop_hoists, grouped by base. One span per base covers
     * every such leader's span ([lo, hi] relative to base, under a page), in one
     * MMU mode, with the union of their access kinds (1 loads, 2 stores) and the
     * strictest alignment among them (oi: MO_ALIGN of align bytes, or none); every
     * d is a multiple of that alignment, so base's alignment decides every
     * leader's. A backend may check the span once before the loop head and hand
     * the result (the page's addend, or nothing) to each leader instead of its
     * own check (tcg/x86_64/ldst-loop.c); one that ignores them loses nothing.
     */
#define TCG_MAX_LOOP_SPANS 4
#define TCG_MAX_SPAN_LEADS 8
    int nb_loop_spans;
    struct {
        TCGTemp *base;
        int32_t lo, hi;
        MemOpIdx oi;
        unsigned kinds;
        int nb_leads;
        struct TCGOp *lead[TCG_MAX_SPAN_LEADS];
        int32_t lead_d[TCG_MAX_SPAN_LEADS];
    } loop_spans[TCG_MAX_LOOP_SPANS];

    /*
     * If-conversion of unpredictable branches (tcg/ifconv.c), run by tcg_gen_code
     * before the optimizer in TBs with a loop. The caller of tcg_gen_code sets the
     * mode per TB: TCG_IFCONV_PROFILE adds counters in front of each candidate
     * branch (slots of CPUState.ifconv_prof, assigned round robin from
     * ifconv_next_slot; the pass reports the ones it took in ifconv_slot_first /
     * ifconv_nb_slots); when a counter reaches TCG_IFCONV_RUNS the TB stores itself
     * and its slots (first | nb << 8) in CPUState.ifconv_pending_tb/_slots and
     * sets exit_request_tb, with no call. TCG_IFCONV_APPLY converts candidate n (in
     * op order) when bit n of ifconv_apply is set and counts nothing.
     */
    uint8_t ifconv_mode;
    uint8_t ifconv_slot_first, ifconv_nb_slots;
    unsigned ifconv_next_slot;
    uint32_t ifconv_apply;

    /*
     * Merged stores (tcg/st-merge.c): a run of constant stores of one access group
     * (tcg/ldst-group.c) that one shared check covers, whose bytes make one
     * contiguous range, nothing between them that can read guest memory, raise or
     * run C code. The run's first store (st_wide 1 + i) may write the whole range,
     * bytes[0 .. len - 1] at its own address + lo, on its fast path; the others
     * (TCG_ST_WIDE_COVERED) then write nothing on theirs. Each store's slow path
     * still does only that store, so a check that fails leaves every store exact
     * and in order (faults, watchpoints, MMIO, stores into code).
     */
#define TCG_MAX_ST_WIDE 32
#define TCG_ST_WIDE_MAX_BYTES 64
#define TCG_ST_WIDE_COVERED 0xff
    int nb_st_wide;
    struct TCGStWide {
        int32_t lo;
        uint16_t len;
        uint8_t bytes[TCG_ST_WIDE_MAX_BYTES];
    } st_wide[TCG_MAX_ST_WIDE];

    /* Statistics (-d jitstats / info jit). */
    uint64_t stat_tbs, stat_ops_in, stat_ops_opt, stat_guest_insns, stat_host_bytes;
    /* Shared TLB checks made (leaders) and the accesses that use them (members). */
    uint64_t stat_ldst_groups, stat_ldst_members;
    /* Merged store runs (tcg/st-merge.c) and the stores they cover. */
    uint64_t stat_st_wide, stat_st_covered;
    /* TBs generated as a loop in their own host code, and globals kept resident. */
    uint64_t stat_loop_tbs, stat_loop_globals;
    /* Candidate branches given counters, and branches if-converted. */
    uint64_t stat_ifconv_profiled, stat_ifconv_converted;

    /* ---- large tables ---- */
    TCGTemp temps[TCG_MAX_TEMPS];
    TCGLabel labels[TCG_MAX_LABELS];
    /*
     * This TB's interned constants, per type (value -> temp): open addressing with
     * linear probing. A slot holds (gen << TCG_TEMP_INDEX_BITS) | temp index and is
     * in use only when its gen equals const_gen, which tcg_func_start bumps, so
     * emptying the table costs nothing. Four bytes a slot (16 KiB in all, not 64):
     * each lookup touches a random slot, and the guest code that runs between two
     * translations evicts a bigger table from the caches.
     */
    uint32_t const_hash[2][1 << TCG_CONST_HASH_BITS];
    /* Host code end offset of each guest insn (for restore-from-host-pc), and
     * each insn's insn_start words: filled by the backend. */
    uint32_t insn_end_off[TCG_MAX_INSNS];
    uint64_t insn_data[TCG_MAX_INSNS][TCG_INSN_START_WORDS];
    /* See loop_slots above: nb_loop_globals entries. */
    TCGTemp *loop_globals[TCG_MAX_TEMPS];
} TCGContext;

extern TCGContext *tcg_ctx;
extern TCGv_ptr tcg_env;            /* the CPU state pointer (fixed host register) */

/*
 * A backend turns the optimized op list into something executable in the code buffer.
 * The x86-64 backend emits machine code; the interpreter emits bytecode.
 */
typedef struct TCGBackend {
    const char *name;
    /* Emit prologue/epilogue at buf (the writable view: the executable one is at
     * buf + s->code_rx_diff, likewise for gen_code); return bytes used. */
    size_t (*gen_prologue)(TCGContext *s, uint8_t *buf, size_t size);
    /* Emit the TB's code at buf; return bytes or -1 if it did not fit. Fills
     * s->insn_end_off[] and goto_tb offsets. */
    int (*gen_code)(TCGContext *s, struct TranslationBlock *tb, uint8_t *buf, size_t size);
    /* Run a TB at code (executable view): returns the exit value (tb | slot, with
     * the TB header's writable-view address, or 0). */
    uintptr_t (*exec)(void *env, const void *code);
    /* Point goto_tb slot at jmp_addr (the slot's displacement, writable view; the
     * same byte is at rx_jmp_addr in the executable view) to target code (an
     * executable address). */
    void (*patch_jump)(uintptr_t jmp_addr, uintptr_t rx_jmp_addr, uintptr_t target);
    /* Host disassembly for -d out_asm (NULL: hex dump). */
    void (*disas)(FILE *f, const void *code, size_t size);
} TCGBackend;

/* The executable address of a byte written at rw, and back (see code_rx_diff). */
static inline const void *tcg_splitwx_to_rx(const TCGContext *s, const void *rw)
{
    return (const uint8_t *)rw + s->code_rx_diff;
}
static inline void *tcg_splitwx_to_rw(const TCGContext *s, const void *rx)
{
    return (uint8_t *)(uintptr_t)rx - s->code_rx_diff;
}

/* Set by gen_prologue (an executable-view address): jumping here returns 0 to the execution loop (goto_ptr miss). */
extern const void *tcg_code_gen_epilogue;

extern const TCGBackend tcg_backend_x86_64;
extern const TCGBackend tcg_backend_interp;

/* Context set-up: once per process (per target, before any global is made). */
void tcg_context_init(TCGContext *s, const TCGBackend *backend);
void tcg_func_start(TCGContext *s);

/* Globals: named fields of the CPU state. */
TCGv_i32 tcg_global_mem_new_i32(intptr_t offset, const char *name);
TCGv_i64 tcg_global_mem_new_i64(intptr_t offset, const char *name);

/* Scratch temps for the current TB. */
TCGv_i32 tcg_temp_new_i32(void);
TCGv_i64 tcg_temp_new_i64(void);
TCGv_ptr tcg_temp_new_ptr(void);
void tcg_temp_free_i32(TCGv_i32 t);
void tcg_temp_free_i64(TCGv_i64 t);
void tcg_temp_free_ptr(TCGv_ptr t);
/* A scratch temp no op uses yet (passes that add values after translation); NULL
 * when the temp table is full. */
TCGTemp *tcg_temp_new_fresh(TCGType type);
/* Interned read-only constants (do not free, do not write). */
TCGv_i32 tcg_constant_i32(int32_t val);
TCGv_i64 tcg_constant_i64(int64_t val);
TCGv_ptr tcg_constant_ptr(intptr_t val);

TCGLabel *gen_new_label(void);

/* Op list manipulation (optimizer, liveness, emitters). */
TCGOp *tcg_emit_op(TCGOpcode opc, int nargs);
void tcg_op_remove(TCGContext *s, TCGOp *op);
TCGOp *tcg_op_insert_before(TCGContext *s, TCGOp *old, TCGOpcode opc, int nargs);
TCGOp *tcg_op_insert_after(TCGContext *s, TCGOp *old, TCGOpcode opc, int nargs);

/* Passes. */
void tcg_optimize(TCGContext *s);
void tcg_liveness(TCGContext *s);
/* After tcg_optimize: let accesses off one base share a TLB check (tcg/ldst-group.c). */
void tcg_ldst_group(TCGContext *s);
/* Called by tcg_ldst_group for each group it makes (ops[0] the leader, d[i] each
 * access's address less the leader's, mod 2^32): mark runs of its constant stores
 * whose bytes one wide host store can write (tcg/st-merge.c; fills s->st_wide). */
void tcg_st_merge_group(TCGContext *s, TCGOp *const *ops, const int32_t *d, int nb);
/* After liveness: find goto_tb slots that return to tb's own start and the globals
 * such a loop may keep in host registers (tcg/loop.c; fills s->loop_*). */
void tcg_loop_analyze(TCGContext *s, const struct TranslationBlock *tb);
/* Before liveness, in a TB with a backward branch: move writes of globals that
 * only some paths need (exits, cold blocks) onto those paths (tcg/loop.c). */
void tcg_loop_sink_writes(TCGContext *s);

/* If-conversion (tcg/ifconv.c; see TCGContext.ifconv_mode). */
enum {
    TCG_IFCONV_OFF,
    TCG_IFCONV_PROFILE,
    TCG_IFCONV_APPLY,
};
#define TCG_IFCONV_MAX_CANDIDATES 8     /* per TB: bits of ifconv_apply */
#define TCG_IFCONV_RUNS 2048            /* executions counted before the verdict */
void tcg_ifconv(TCGContext *s);

/* Guest memory access ops (qemu_ld/st and their shared-check forms). */
static inline bool tcg_opc_is_guest_mem(TCGOpcode opc)
{
    return opc >= INDEX_op_qemu_ld_i32 && opc <= INDEX_op_qemu_st_memb_i64;
}

/* Optimize, run liveness and the backend. Returns host bytes or -1 on overflow.
 * Dumps the ops before/after under -d op / -d op_opt, counts stat_*. */
int tcg_gen_code(TCGContext *s, struct TranslationBlock *tb, uint8_t *buf, size_t size);

/* Dump the op list (-d op / op_opt). */
void tcg_dump_ops(TCGContext *s, FILE *f, bool have_prefs);

/* Per-TB record of insn data, encoded after the code (see accel/tcg/translate-all.c). */

#endif
