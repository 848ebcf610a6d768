/*
 * Private interfaces of the MIPS translator: the disassembly context, the TCG
 * globals and the helpers called from generated code (shared by translate.c and
 * trans-*.c).
 */
#ifndef TARGET_MIPS_INTERNAL_H
#define TARGET_MIPS_INTERNAL_H

#include "cpu.h"
#include "exec/translator.h"

/* DisasJumpType values of our own. */
/*
 * End the TB after an insn that changed state a TB depends on (mode bits, TLB,
 * interrupt enables): store pc_next (or the pc is already set) and look the next TB
 * up afresh. No return to the loop is needed: the look-up uses the new TB flags,
 * TLB writes flush the jump cache entries they invalidate, and whatever may make an
 * interrupt deliverable calls mips_cpu_update_irq, whose cpu_interrupt makes the next
 * TB start return to the loop.
 */
#define DISAS_EXIT        DISAS_TARGET_0
#define DISAS_EXIT_PC_SET DISAS_TARGET_1

#define MIPS_DC_MAX_TEMPS 32
#define MIPS_DC_MAX_COLD  8

typedef struct DisasContext {
    DisasContextBase base;
    CPUState *cs;           /* to read guest code ahead (SWL/SWR pairs) */
    uint32_t pc;            /* address of the insn being translated */
    uint32_t hflags;        /* TB flags, plus the branch pending after this insn */
    /* Pending-branch bits in env->hflags where the code being generated runs: at
     * TB entry, then as mips_gen_save_bmask stores them (0 at every join point of
     * a region). */
    uint32_t tb_bmask;
    int mem_idx;
    const MIPSCPUModel *model;
    bool in_slot;           /* this insn is a delay slot */
    bool btarget_known;     /* btarget is a translation-time constant */
    uint32_t btarget;
    /*
     * Where the pending branch keeps its condition and computed target: the env
     * globals when the delay slot may start the next TB (which reads them from env),
     * or scratch temps when the slot is translated right here, so the common case
     * writes nothing to env. An exception in the slot restarts at the branch, which
     * computes them again, so nothing else needs them.
     */
    TCGv_i32 bcond_v, btarget_v;
    bool branch_temps;      /* bcond_v/btarget_v are temps (or NULL: unused) */
    /* pc of an SWL/SWR whose store the insn before it already did as half of a pair
     * (mips_gen_swlr), or 0. */
    uint32_t swlr_done_pc;
    uint32_t swlr_first_pc; /* and of the SWL/SWR that does the pair's store, or 0 */
    int nb_temps;
    TCGv_i32 temps[MIPS_DC_MAX_TEMPS];
    /* A TEQ rX, $0 at nonzero_pc - 4 has just trapped unless gpr[nonzero_reg] != 0:
     * a division by it right after needs no zero guard (GCC's -mcheck-zero-
     * division emits that pair). nonzero_reg 0: none. */
    uint32_t nonzero_pc;
    int nonzero_reg;
    /* Blocks after the TB's exits: traps taken (mips_gen_trap_cold). */
    int nb_cold;
    struct {
        TCGLabel *label;
        uint32_t pc;        /* the trapping insn's pc */
    } cold[MIPS_DC_MAX_COLD];
    /* goto_tb slots already used (a region has more exits than slots). */
    uint8_t slots_used;
    /* Status.CU1 has been tested on every path to here (trans-fpu.c): since the
     * last block start or join point, a CP1 insn's run-time test passed. */
    bool cu1_checked;
    uint32_t fr1_checked_pc;    /* pc + 1 of the insn that tested Status.FR = 1 */
} DisasContext;

/* trans-mem.c: at insn_start, whether the insn at pc starts an SWL/SWR pair that
 * it stores as one word; returns the insn record's extra flags. */
uint32_t mips_swlr_pair_flags(DisasContext *dc, CPUState *cs, uint32_t pc);

/* Instruction fields. */
static inline int insn_rs(uint32_t insn) { return (insn >> 21) & 31; }
static inline int insn_rt(uint32_t insn) { return (insn >> 16) & 31; }
static inline int insn_rd(uint32_t insn) { return (insn >> 11) & 31; }
static inline int insn_sa(uint32_t insn) { return (insn >> 6) & 31; }
static inline int insn_funct(uint32_t insn) { return insn & 63; }
static inline int32_t insn_simm(uint32_t insn) { return (int16_t)(insn & 0xffff); }
static inline uint32_t insn_uimm(uint32_t insn) { return insn & 0xffff; }

typedef bool (*MIPSTransFn)(DisasContext *dc, uint32_t insn);

/* TCG globals (translate.c). cpu_gpr[0] is NULL: r0 is never written. */
extern TCGv_i32 cpu_gpr[32];
extern TCGv_i32 cpu_pc, cpu_hi, cpu_lo, cpu_btarget, cpu_bcond;

/* Translator utilities (translate.c). */
TCGv_i32 mips_temp(DisasContext *dc);
TCGv_i32 mips_gpr_src(int reg);
/* Destination for a result: the register, or a scratch temp for r0. */
TCGv_i32 mips_gpr_dst(DisasContext *dc, int reg);
void mips_gen_exception(DisasContext *dc, int excp);
void mips_gen_exception_now(DisasContext *dc, int excp);
void mips_gen_exception_err(DisasContext *dc, int excp, int err);
/* Label of a cold block raising a trap at the current insn, or NULL (then the
 * caller raises it inline). */
TCGLabel *mips_gen_trap_cold(DisasContext *dc);
/* Leave for dest through goto_tb slot n (the other if n is taken, the jump cache
 * if both are or dest may not be chained). */
void mips_gen_goto_tb(DisasContext *dc, unsigned n, uint32_t dest);
/* Leave for the TB at cpu_pc with the state now in env (inline jump-cache probe). */
void mips_gen_lookup_and_goto_ptr(DisasContext *dc);
/* The same when this TB has not changed the flags (constant flags). */
void mips_gen_lookup_same_flags(DisasContext *dc);
bool mips_check_cp0(DisasContext *dc);   /* false: CpU raised */
bool mips_has_r2(DisasContext *dc);

/* Decoders (trans-*.c). */
bool trans_special(DisasContext *dc, uint32_t insn);
bool trans_special2(DisasContext *dc, uint32_t insn);
bool trans_special3(DisasContext *dc, uint32_t insn);
bool trans_regimm(DisasContext *dc, uint32_t insn);
bool trans_cop0(DisasContext *dc, uint32_t insn);
bool trans_cop_unusable(DisasContext *dc, uint32_t insn);

/* ALU (trans-alu.c). */
bool trans_addi(DisasContext *dc, uint32_t insn);
bool trans_addiu(DisasContext *dc, uint32_t insn);
bool trans_slti(DisasContext *dc, uint32_t insn);
bool trans_sltiu(DisasContext *dc, uint32_t insn);
bool trans_andi(DisasContext *dc, uint32_t insn);
bool trans_ori(DisasContext *dc, uint32_t insn);
bool trans_xori(DisasContext *dc, uint32_t insn);
bool trans_lui(DisasContext *dc, uint32_t insn);
bool mips_trans_special_alu(DisasContext *dc, uint32_t insn, bool *handled);

/* Branches (trans-branch.c). */
bool trans_j(DisasContext *dc, uint32_t insn);
bool trans_jal(DisasContext *dc, uint32_t insn);
bool trans_beq(DisasContext *dc, uint32_t insn);
bool trans_bne(DisasContext *dc, uint32_t insn);
bool trans_blez(DisasContext *dc, uint32_t insn);
bool trans_bgtz(DisasContext *dc, uint32_t insn);
bool trans_beql(DisasContext *dc, uint32_t insn);
bool trans_bnel(DisasContext *dc, uint32_t insn);
bool trans_blezl(DisasContext *dc, uint32_t insn);
bool trans_bgtzl(DisasContext *dc, uint32_t insn);
bool trans_jr(DisasContext *dc, uint32_t insn);
bool trans_jalr(DisasContext *dc, uint32_t insn);
bool mips_trans_regimm_branch(DisasContext *dc, uint32_t insn);
/* After a delay slot: finish the branch pending in bmask. Returns true when the TB
 * goes on at the fall-through (a region: the taken side is a branch to a label). */
bool mips_gen_branch_end(DisasContext *dc, uint32_t bmask, bool exit_to_loop);
/* May a direct jump to dest be chained (translate.c)? */
bool mips_use_goto_tb(DisasContext *dc, uint32_t dest);
/* Make env->hflags carry bmask as the pending branch (only when it changes). */
void mips_gen_save_bmask(DisasContext *dc, uint32_t bmask);

/* Memory (trans-mem.c). */
bool trans_lb(DisasContext *dc, uint32_t insn);
bool trans_lh(DisasContext *dc, uint32_t insn);
bool trans_lwl(DisasContext *dc, uint32_t insn);
bool trans_lw(DisasContext *dc, uint32_t insn);
bool trans_lbu(DisasContext *dc, uint32_t insn);
bool trans_lhu(DisasContext *dc, uint32_t insn);
bool trans_lwr(DisasContext *dc, uint32_t insn);
bool trans_sb(DisasContext *dc, uint32_t insn);
bool trans_sh(DisasContext *dc, uint32_t insn);
bool trans_swl(DisasContext *dc, uint32_t insn);
bool trans_sw(DisasContext *dc, uint32_t insn);
bool trans_swr(DisasContext *dc, uint32_t insn);
bool trans_cache(DisasContext *dc, uint32_t insn);
bool trans_ll(DisasContext *dc, uint32_t insn);
bool trans_sc(DisasContext *dc, uint32_t insn);
bool trans_pref(DisasContext *dc, uint32_t insn);

/* FPU (trans-fpu.c). COP1 fmt field values and COP1 function codes (Vol. II A.2). */
#define FPU_FMT_S 0x10
#define FPU_FMT_D 0x11
#define FPU_FMT_W 0x14
#define FPU_FMT_L 0x15
enum {
    FPU_ADD = 0x00, FPU_SUB = 0x01, FPU_MUL = 0x02, FPU_DIV = 0x03,
    FPU_SQRT = 0x04, FPU_ABS = 0x05, FPU_MOV = 0x06, FPU_NEG = 0x07,
    FPU_ROUND_L = 0x08, FPU_TRUNC_L = 0x09, FPU_CEIL_L = 0x0a, FPU_FLOOR_L = 0x0b,
    FPU_ROUND_W = 0x0c, FPU_TRUNC_W = 0x0d, FPU_CEIL_W = 0x0e, FPU_FLOOR_W = 0x0f,
    FPU_MOVCF = 0x11, FPU_MOVZ = 0x12, FPU_MOVN = 0x13,
    FPU_RECIP = 0x15, FPU_RSQRT = 0x16,
    FPU_CVT_S = 0x20, FPU_CVT_D = 0x21, FPU_CVT_W = 0x24, FPU_CVT_L = 0x25,
    FPU_C_COND = 0x30,
};
bool trans_cop1(DisasContext *dc, uint32_t insn);
bool trans_cop1x(DisasContext *dc, uint32_t insn);
bool trans_lwc1(DisasContext *dc, uint32_t insn);
bool trans_ldc1(DisasContext *dc, uint32_t insn);
bool trans_swc1(DisasContext *dc, uint32_t insn);
bool trans_sdc1(DisasContext *dc, uint32_t insn);
/* SPECIAL MOVCI (MOVF/MOVT on GPRs), on a model with an FPU. */
bool mips_trans_movci(DisasContext *dc, uint32_t insn);
/* trans-branch.c: BC1F/BC1T/BC1FL/BC1TL on fcc (non-zero: the FCC bit is set). */
bool mips_gen_bc1(DisasContext *dc, uint32_t insn, TCGv_i32 fcc, bool tf, bool likely);

/* FPU helpers (fpu_helper.c). op: fmt << 6 | funct for helper_mips_fpu; the COP1X
 * funct for helper_mips_fpu3; cc << 8 | double << 4 | cond for helper_mips_fpu_cmp. */
uint64_t helper_mips_fpu(CPUMIPSState *env, uint64_t a, uint64_t b, uint32_t op);
/* helper_mips_fpu's computation without FCSR update: the result, with the exceptions
 * raised ORed into *x (FP_X_*); fast = false forces the general (MXCSR) path. */
uint64_t mips_fpu_compute(uint32_t fcsr, uint64_t a, uint64_t b, uint32_t op,
                          uint32_t *x, bool fast);
uint64_t helper_mips_fpu3(CPUMIPSState *env, uint64_t fs, uint64_t ft, uint64_t fr,
                          uint32_t op);
void helper_mips_fpu_cmp(CPUMIPSState *env, uint64_t a, uint64_t b, uint32_t op);
uint32_t helper_mips_cfc1(CPUMIPSState *env, uint32_t reg);
void helper_mips_ctc1(CPUMIPSState *env, uint32_t val, uint32_t reg);

/* Helpers called from generated code (op_helper.c). */
void QEMU_NORETURN helper_mips_raise(CPUMIPSState *env, uint32_t excp);
void helper_mips_raise_now(CPUMIPSState *env, uint32_t excp);
void QEMU_NORETURN helper_mips_raise_err(CPUMIPSState *env, uint32_t excp, uint32_t err);
void QEMU_NORETURN helper_mips_raise_adel(CPUMIPSState *env, uint32_t badvaddr);
uint32_t helper_mips_mfc0(CPUMIPSState *env, uint32_t regsel);
void helper_mips_mtc0(CPUMIPSState *env, uint32_t val, uint32_t regsel);
uint32_t helper_mips_mtc0_status(CPUMIPSState *env, uint32_t val);
void helper_mips_tlbwi(CPUMIPSState *env);
void helper_mips_tlbwr(CPUMIPSState *env);
void helper_mips_tlbp(CPUMIPSState *env);
void helper_mips_tlbr(CPUMIPSState *env);
void helper_mips_eret(CPUMIPSState *env);
uint32_t helper_mips_ei(CPUMIPSState *env);
void QEMU_NORETURN helper_mips_wait(CPUMIPSState *env);
uint32_t helper_mips_rdhwr(CPUMIPSState *env, uint32_t rd);
void helper_mips_swl(CPUMIPSState *env, uint32_t val, uint32_t addr, uint32_t mmu_idx);
void helper_mips_swr(CPUMIPSState *env, uint32_t val, uint32_t addr, uint32_t mmu_idx);

#endif
