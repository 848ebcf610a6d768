/*
 * i386 (i686 class, 32-bit) CPU state: general registers, lazily computed flags,
 * segment descriptor caches, system registers, paging state and x87 state.
 *
 * Modelled after the Intel 64 and IA-32 Architectures Software Developer's Manual,
 * Vol. 1 (basic architecture), Vol. 2 (instruction set) and Vol. 3 (system
 * programming). The CPU is a fixed i686-class model (family 6, a Pentium M class
 * part: FPU, PSE, TSC, MSR, PAE, CX8, SEP, PGE, CMOV, CLFSH, MMX, FXSR, SSE, SSE2); what
 * CPUID advertises is exactly what the translator implements (x86_cpuid_query() in
 * misc_helper.c).
 * Not modelled: long mode, NX, SSE3 and later, SMM, VMX, the local APIC inside the CPU
 * (CPUID does not claim one), 16-bit TSS task switches, code-fetch limit checks,
 * I/O breakpoints (CR4.DE is not offered), caches and memory types. Segment limit
 * and type checks on data accesses, #AC and DR0-DR7 breakpoints are modelled for
 * accesses made by translated code; memory touched by C helpers (x87/SSE state
 * images, descriptor tables, interrupt stack frames) is not watched by data
 * breakpoints.
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include "qemu/osdep.h"
#include "hw/core/cpu.h"

/* General registers (regs[] index, ModRM reg field order). */
#define R_EAX 0
#define R_ECX 1
#define R_EDX 2
#define R_EBX 3
#define R_ESP 4
#define R_EBP 5
#define R_ESI 6
#define R_EDI 7

/* Segment registers (segs[] index, sreg field order). */
#define R_ES 0
#define R_CS 1
#define R_SS 2
#define R_DS 3
#define R_FS 4
#define R_GS 5

/* EFLAGS bits. */
#define CC_C    0x0001u
#define CC_P    0x0004u
#define CC_A    0x0010u
#define CC_Z    0x0040u
#define CC_S    0x0080u
#define CC_O    0x0800u
#define CC_ALL  (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)
#define EFLAGS_FIXED 0x0002u     /* bit 1 always reads 1 */
#define TF_MASK   0x00000100u
#define IF_MASK   0x00000200u
#define DF_MASK   0x00000400u
#define IOPL_MASK 0x00003000u
#define IOPL_SHIFT 12
#define NT_MASK   0x00004000u
#define RF_MASK   0x00010000u
#define VM_MASK   0x00020000u
#define AC_MASK   0x00040000u
#define VIF_MASK  0x00080000u
#define VIP_MASK  0x00100000u
#define ID_MASK   0x00200000u

/* CR0 bits. */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)

/* CR4 bits. */
#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE  (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)

/* Page table entry bits (32-bit paging). */
#define PG_P   (1u << 0)
#define PG_RW  (1u << 1)
#define PG_US  (1u << 2)
#define PG_PWT (1u << 3)
#define PG_PCD (1u << 4)
#define PG_A   (1u << 5)
#define PG_D   (1u << 6)
#define PG_PS  (1u << 7)
#define PG_G   (1u << 8)

/* #PF error code bits. */
#define PF_ERR_P    (1u << 0)
#define PF_ERR_W    (1u << 1)
#define PF_ERR_U    (1u << 2)
#define PF_ERR_RSVD (1u << 3)
#define PF_ERR_I    (1u << 4)

/*
 * SegmentCache.flags: bits 8..23 of a descriptor's high dword, in place (the layout
 * KVM's kvm_segment fields are derived from).
 */
#define DESC_TYPE_SHIFT 8
#define DESC_TYPE_MASK  (15u << 8)
#define DESC_A_MASK     (1u << 8)     /* accessed */
#define DESC_RW_MASK    (1u << 9)     /* data: writable; code: readable */
#define DESC_C_MASK     (1u << 10)    /* code: conforming */
#define DESC_E_MASK     (1u << 10)    /* data: expand-down */
#define DESC_CS_MASK    (1u << 11)    /* code segment */
#define DESC_S_MASK     (1u << 12)    /* code/data (not system) */
#define DESC_DPL_SHIFT  13
#define DESC_DPL_MASK   (3u << 13)
#define DESC_P_MASK     (1u << 15)
#define DESC_AVL_MASK   (1u << 20)
#define DESC_L_MASK     (1u << 21)
#define DESC_B_MASK     (1u << 22)    /* D/B: 32-bit code / stack */
#define DESC_G_MASK     (1u << 23)

/* System descriptor types. */
#define DESC_T_TSS16_AVAIL 1
#define DESC_T_LDT         2
#define DESC_T_TSS16_BUSY  3
#define DESC_T_CALL16      4
#define DESC_T_TASK        5
#define DESC_T_INT16       6
#define DESC_T_TRAP16      7
#define DESC_T_TSS32_AVAIL 9
#define DESC_T_TSS32_BUSY  11
#define DESC_T_CALL32      12
#define DESC_T_INT32       14
#define DESC_T_TRAP32      15

/* Exception vectors. */
#define EXCP00_DIVZ  0
#define EXCP01_DB    1
#define EXCP02_NMI   2
#define EXCP03_INT3  3
#define EXCP04_INTO  4
#define EXCP05_BOUND 5
#define EXCP06_ILLOP 6
#define EXCP07_PREX  7
#define EXCP08_DBLE  8
#define EXCP09_XERR  9
#define EXCP0A_TSS   10
#define EXCP0B_NOSEG 11
#define EXCP0C_STACK 12
#define EXCP0D_GPF   13
#define EXCP0E_PAGE  14
#define EXCP10_COPR  16
#define EXCP11_ALGN  17
#define EXCP12_MCHK  18
#define EXCP13_XMM   19

/* MSRs. */
#define MSR_IA32_TSC          0x10
#define MSR_IA32_APICBASE     0x1b
#define MSR_IA32_SYSENTER_CS  0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE  0x1a0
#define MSR_IA32_PAT          0x277
#define MSR_IA32_BIOS_SIGN_ID 0x8b

#define MSR_IA32_APICBASE_BSP    (1u << 8)
#define MSR_IA32_APICBASE_ENABLE (1u << 11)

/*
 * Lazy condition codes. After a flag-setting op the translator records cc_op and
 * the operands; eflags' arithmetic bits are computed only when read
 * (x86_cc_compute_all). Layout of (cc_dst, cc_src, cc_src2) per op:
 *   CC_OP_EFLAGS:   cc_src = the six arithmetic flags, in place
 *   ADD/ADC:        cc_dst = result, cc_src = second operand, cc_src2 = carry in (ADC)
 *   SUB/SBB:        cc_dst = result, cc_src = second operand, cc_src2 = borrow in (SBB)
 *   CMP:            cc_dst = first operand, cc_src = second operand (the flags of
 *                   SUB for cc_dst - cc_src: a CMP that only feeds a Jcc computes
 *                   no difference)
 *   LOGIC:          cc_dst = result
 *   INC/DEC:        cc_dst = result, cc_src = the carry flag before the op
 *   SHL/SAR:        cc_dst = result, cc_src = the value shifted by count-1 (CF/OF source)
 *   MUL:            cc_dst = low result, cc_src = non-zero if the high half is significant
 *   SMUL:           cc_dst = low result, cc_src and cc_src2 = the two operands (two- and
 *                   three-operand IMUL: CF = OF = the signed product does not fit)
 *   BMILG... none.
 * Each op has three sizes B/W/L (+0, +1, +2).
 */
enum {
    CC_OP_EFLAGS = 0,
    CC_OP_ADDB, CC_OP_ADDW, CC_OP_ADDL,
    CC_OP_ADCB, CC_OP_ADCW, CC_OP_ADCL,
    CC_OP_SUBB, CC_OP_SUBW, CC_OP_SUBL,
    CC_OP_SBBB, CC_OP_SBBW, CC_OP_SBBL,
    CC_OP_LOGICB, CC_OP_LOGICW, CC_OP_LOGICL,
    CC_OP_INCB, CC_OP_INCW, CC_OP_INCL,
    CC_OP_DECB, CC_OP_DECW, CC_OP_DECL,
    CC_OP_SHLB, CC_OP_SHLW, CC_OP_SHLL,
    CC_OP_SARB, CC_OP_SARW, CC_OP_SARL,
    CC_OP_MULB, CC_OP_MULW, CC_OP_MULL,
    CC_OP_SMULB, CC_OP_SMULW, CC_OP_SMULL,
    CC_OP_CMPB, CC_OP_CMPW, CC_OP_CMPL,
    CC_OP_NB,
};

/*
 * INC/DEC translated where the op before it is not known at translation time (at
 * the start of a TB): CF is that op's, so instead of computing it (a helper call)
 * the op is kept, and CF is computed only if something reads it:
 *   cc_op = CC_OP_LAZY + (previous op << 3) + k, k = 0-2 INC B/W/L, 3-5 DEC B/W/L
 *   cc_dst = result, cc_src and cc_src2 = the previous op's, cc_lazy = its cc_dst.
 * A further INC/DEC only replaces k and cc_dst. x86_cc_flags() reads any op.
 */
#define CC_OP_LAZY      64
#define CC_OP_LAZY_END  (CC_OP_LAZY + (CC_OP_NB << 3))

/* A segment register's hidden part, or LDTR/TR/GDTR/IDTR. */
typedef struct SegmentCache {
    uint32_t selector;
    uint32_t base;
    uint32_t limit;     /* byte granular (G already applied) */
    uint32_t flags;     /* DESC_* bits */
} SegmentCache;

/* x87 80-bit register, stored as sign/exponent and 64-bit significand. */
typedef struct X86Float80 {
    uint64_t mant;
    uint16_t sexp;
} X86Float80;

typedef union X86XMMReg {
    uint8_t b[16];
    uint32_t l[4];
    uint64_t q[2];
} X86XMMReg;

/*
 * hflags: the part of the state translated code depends on (TB flags). Recomputed by
 * x86_cpu_update_hflags() whenever CR0, EFLAGS.VM/IOPL, a segment, or CPL changes.
 */
#define HF_CPL_MASK      0x0003u    /* current privilege level */
#define HF_CS32_MASK     0x0004u    /* CS.D: 32-bit code */
#define HF_SS32_MASK     0x0008u    /* SS.B: 32-bit stack */
#define HF_PE_MASK       0x0010u    /* protected mode */
#define HF_VM_MASK       0x0020u    /* virtual-8086 mode */
#define HF_ADDSEG_MASK   0x0040u    /* DS/ES/SS base may be non-zero: add bases */
#define HF_INHIBIT_IRQ_MASK 0x0080u /* interrupt shadow after sti / mov ss */
#define HF_TF_MASK       0x0100u    /* single step trap after each insn */
#define HF_PG_MASK       0x0200u    /* paging enabled (MMU index choice) */
#define HF_IOPL_SHIFT    10
#define HF_IOPL_MASK     (3u << HF_IOPL_SHIFT)
#define HF_EM_MASK       0x1000u    /* CR0.EM */
#define HF_TS_MASK       0x2000u    /* CR0.TS */
#define HF_MP_MASK       0x4000u    /* CR0.MP */
#define HF_OSFXSR_MASK   0x8000u    /* CR4.OSFXSR */
/*
 * Data-segment check class of the segment registers, 2 bits per segment at
 * HF_SEG_SHIFT + 2 * seg (X86_SEGCLS_*). Flat segments (Linux's case) cost nothing;
 * the others get a limit/type check emitted before every data access (Intel SDM
 * Vol. 3, 5.3 "Limit Checking" and 5.4 "Type Checking"). Of FS and GS, only the one
 * a 32-bit OS keeps per-CPU or per-thread data in at the current privilege level is
 * in the TB flags: FS below CPL 3 (Linux's per-CPU segment), GS at CPL 3 (the TLS
 * segment of the i386 ABI). The other one changes with the process (Linux's kernel
 * runs with the user's GS, flat or null) and would get kernel code translated twice:
 * its class is read at run time from CPUX86State.seg_class, a load and a branch per
 * access (x86_seg_in_tb_flags says which).
 */
#define HF_SEG_SHIFT     16
#define HF_SEG_CLASS(h, seg) (((h) >> (HF_SEG_SHIFT + 2 * (seg))) & 3u)
#define HF_AC_MASK       (1u << 28) /* CR0.AM && EFLAGS.AC && CPL 3: #AC checks */
#define HF_DBG_MASK      (1u << 29) /* a DR7 breakpoint is enabled */
#define HF_RF_MASK       (1u << 30) /* EFLAGS.RF with HF_DBG: skip insn breakpoint */
#define HF_TB_MASK       0x7fffffffu

/* Whether segment seg's class is part of the TB flags at privilege level cpl. */
static inline bool x86_seg_in_tb_flags(int seg, int cpl)
{
    if (seg == R_FS) {
        return cpl != 3;
    }
    if (seg == R_GS) {
        return cpl == 3;
    }
    return true;
}

/* Segment check classes. */
#define X86_SEGCLS_FLAT  0   /* expand-up, writable, 4 GiB limit: no check */
#define X86_SEGCLS_LIMIT 1   /* expand-up, writable: inline limit check */
#define X86_SEGCLS_RO    2   /* expand-up, readable only: inline check; stores #GP */
#define X86_SEGCLS_SLOW  3   /* expand-down, unusable (null) or unreadable: helper */

/*
 * MMU indexes. Separate kernel/user indexes because page U/S and R/W checks depend
 * on the privilege of the access; real mode / unpaged has its own identity index so
 * enabling paging does not need to reuse stale entries. CR3 reloads flush kernel and
 * user indexes (global pages are not kept across CR3 loads: a correct, simpler
 * superset of the architectural behaviour).
 */
#define X86_MMU_IDX_KERNEL 0
#define X86_MMU_IDX_USER   1
#define X86_MMU_IDX_PHYS   2

typedef struct CPUX86State {
    CPUState cs;        /* MUST be first */

    uint32_t regs[8];
    uint32_t eip;
    /* eflags holds every bit except the six arithmetic flags (when cc_op is not
     * CC_OP_EFLAGS) and DF, which lives in df as +1/-1. */
    uint32_t eflags;
    int32_t df;
    uint32_t cc_op;
    uint32_t cc_dst, cc_src, cc_src2;
    uint32_t cc_lazy;       /* CC_OP_LAZY ops: the previous op's cc_dst */
    uint32_t cc_tmp;        /* flags computed by a helper, committed after the store */

    SegmentCache segs[6];
    uint8_t seg_class[6];   /* X86_SEGCLS_* of each segment (derived, see hflags) */
    SegmentCache ldt, tr, gdt, idt;

    uint32_t cr[5];
    uint32_t dr[8];
    uint32_t dbg_hits;      /* DR6 B0-B3 bits of data breakpoints hit by this insn */
    uint64_t efer;          /* absent on this model: always 0 */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t pat;
    uint64_t misc_enable;

    uint64_t tsc;           /* TSC value at tsc_ns_base (virtual clock) */
    int64_t tsc_ns_base;
    uint32_t a20_mask;      /* 0xffffffff or ~(1 << 20) */
    uint32_t hflags;
    int halted;
    uint32_t apic_base;
    bool has_apic;          /* the board wired a local APIC: CPUID reports it */

    /* Exception being delivered (error code, for the exception-in-exception rules). */
    int error_code;
    int old_exception;      /* exception being delivered when another occurred, or -1 */
    int exception_is_int;   /* software int n: no error code, DPL check */
    uint32_t exception_next_eip;
    bool nmi_pending_mask;  /* NMIs blocked until the next iret */

    /* x87 */
    X86Float80 fpregs[8];
    uint32_t fpstt;         /* top of stack */
    uint16_t fpus;          /* status word (without TOP) */
    uint16_t fpuc;          /* control word */
    uint8_t fptags[8];      /* 1 = empty */
    uint16_t fpop;
    uint32_t fpip, fpcs, fpdp, fpds;

    /* SSE (not advertised until done) */
    X86XMMReg xmm[8];
    uint32_t mxcsr;
    uint64_t mmx_src;       /* MMX source operand staged by the translator */

    /* Not migrated: board hooks. */
    int (*get_vector)(void *opaque);
    void *get_vector_opaque;
} CPUX86State;

static inline CPUX86State *x86_env(CPUState *cs)
{
    return (CPUX86State *)cs;
}

/* ---- Interface for boards and accelerators ---- */

/*
 * The interrupt controller interface: when CPU_INTERRUPT_HARD is pending and IF=1 the
 * CPU calls get_vector(opaque) to acknowledge the interrupt and learn its vector. The
 * board raises/lowers CPU_INTERRUPT_HARD with cpu_interrupt / cpu_reset_interrupt.
 */
void x86_cpu_set_irq_source(CPUState *cpu, int (*get_vector)(void *opaque), void *opaque);

/* Materialize lazily computed flags into eflags / set all of eflags. */
uint32_t x86_cpu_get_eflags(CPUX86State *env);
void x86_cpu_set_eflags(CPUX86State *env, uint32_t v);

/*
 * Load segment register seg with selector and a flat 4 GiB, present, DPL 0 descriptor
 * (32-bit code when code, else 32-bit writable data), as a loader sets up flat mode.
 * In real mode, use x86_cpu_load_seg_real.
 */
void x86_cpu_load_seg_flat32(CPUX86State *env, int seg, uint32_t selector, bool code);
/* Real-mode style load: base = selector << 4, 64 KiB limit. */
void x86_cpu_load_seg_real(CPUX86State *env, int seg, uint32_t selector);
/* Set a segment cache directly and recompute hflags. */
void x86_cpu_set_seg(CPUX86State *env, int seg, uint32_t selector, uint32_t base,
                     uint32_t limit, uint32_t flags);

/* Translate and run exactly one instruction at the current state (TCG path). */
int x86_cpu_exec_one_insn(CPUState *cpu);

/* A20 gate (port 0x92 / i8042 output port). */
void x86_cpu_set_a20(CPUX86State *env, bool enabled);

/* Recompute env->hflags from CR0, CR4, EFLAGS and the segment caches. */
void x86_cpu_update_hflags(CPUX86State *env);
/*
 * The same when only the segment caches in seg_mask (1 << seg each) changed, or none
 * (0); a CR0.PE or EFLAGS.VM change since the last update is noticed and makes it
 * a full one.
 */
void x86_cpu_update_hflags_segs(CPUX86State *env, unsigned seg_mask);
/* The same after a load of segment register seg alone (nothing else changed). */
void x86_cpu_seg_loaded(CPUX86State *env, int seg);
/* Write control register n with its side effects (TLB flushes, hflags). */
void x86_cpu_write_cr(CPUX86State *env, int n, uint32_t val);

/* Current TSC value (from the virtual clock). */
uint64_t x86_cpu_get_tsc(CPUX86State *env);

extern const struct VMStateDescription vmstate_x86_cpu;

#endif
