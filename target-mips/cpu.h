/*
 * MIPS32 (Release 2, little-endian) CPU state: the architectural registers of a
 * MIPS 24Kc class core with its CP0 and 16-entry joint TLB.
 *
 * Modelled after "MIPS32 Architecture for Programmers" Vol. II (instruction set,
 * MD00086) and Vol. III (privileged resource architecture, MD00090), and the
 * MIPS32 24K processor core family datasheet / software user's manual (PRId, Config).
 * The 24Kf's FPU (CP1, MIPS32 Vol. I ch. 6 and the 24K datasheet: FIR 0x00739300,
 * S/D/W/L formats, FR = 0 and FR = 1 register modes) is modelled; the 24Kc and 4Kc
 * have none. Not modelled: MIPS16e, DSP ASE, EJTAG debug mode, shadow register
 * sets, caches (CACHE is accepted without effect), watch and performance counter
 * registers (stored only).
 */
#ifndef TARGET_MIPS_CPU_H
#define TARGET_MIPS_CPU_H

#include "qemu/osdep.h"
#include "hw/core/cpu.h"
#include "hw/irq.h"
#include "qemu/timer.h"

#define MIPS_TLB_ENTRIES 16
#define MIPS_IRQ_LINES 8

/* Count runs at half of a 200 MHz core clock: one tick every 10 ns. */
#define MIPS_COUNT_HZ 100000000u
#define MIPS_COUNT_NS_PER_TICK 10

/*
 * Exceptions (cs.exception_index). The numbering is ours: ExcCode is derived by
 * mips_excp_code(); TLB refill and TLB invalid share an ExcCode but not a vector.
 */
enum {
    MIPS_EXCP_INT = 0,      /* interrupt */
    MIPS_EXCP_MOD,          /* TLB modified */
    MIPS_EXCP_TLBL,         /* TLB invalid, load/fetch */
    MIPS_EXCP_TLBS,         /* TLB invalid, store */
    MIPS_EXCP_TLBL_REFILL,  /* no matching TLB entry, load/fetch */
    MIPS_EXCP_TLBS_REFILL,  /* no matching TLB entry, store */
    MIPS_EXCP_ADEL,
    MIPS_EXCP_ADES,
    MIPS_EXCP_IBE,
    MIPS_EXCP_DBE,
    MIPS_EXCP_SYSCALL,
    MIPS_EXCP_BREAK,
    MIPS_EXCP_RI,
    MIPS_EXCP_CPU,          /* coprocessor unusable: env->error_code = CE */
    MIPS_EXCP_OV,
    MIPS_EXCP_TRAP,
    MIPS_EXCP_NMI,
    MIPS_EXCP_RESET,
    MIPS_EXCP_FPE,          /* floating-point exception (FCSR Cause & Enables, or E) */
    MIPS_EXCP_LAST
};

/* ExcCode values (Cause bits 6:2). */
#define EXCCODE_INT   0
#define EXCCODE_MOD   1
#define EXCCODE_TLBL  2
#define EXCCODE_TLBS  3
#define EXCCODE_ADEL  4
#define EXCCODE_ADES  5
#define EXCCODE_IBE   6
#define EXCCODE_DBE   7
#define EXCCODE_SYS   8
#define EXCCODE_BP    9
#define EXCCODE_RI    10
#define EXCCODE_CPU   11
#define EXCCODE_OV    12
#define EXCCODE_TR    13
#define EXCCODE_FPE   15

/* Status bits. */
#define ST_IE    (1u << 0)
#define ST_EXL   (1u << 1)
#define ST_ERL   (1u << 2)
#define ST_KSU_SHIFT 3
#define ST_KSU   (3u << 3)
#define ST_UM    (1u << 4)
#define ST_IM_SHIFT 8
#define ST_IM    (0xffu << 8)
#define ST_NMI   (1u << 19)
#define ST_SR    (1u << 20)
#define ST_TS    (1u << 21)
#define ST_BEV   (1u << 22)
#define ST_RE    (1u << 25)
#define ST_FR    (1u << 26)
#define ST_CU0   (1u << 28)
#define ST_CU1   (1u << 29)

/* Cause bits. */
#define CAUSE_EXC_SHIFT 2
#define CAUSE_EXC    (0x1fu << 2)
#define CAUSE_IP_SHIFT 8
#define CAUSE_IP     (0xffu << 8)
#define CAUSE_IP7    (1u << 15)
#define CAUSE_IV     (1u << 23)
#define CAUSE_DC     (1u << 27)
#define CAUSE_CE_SHIFT 28
#define CAUSE_CE     (3u << 28)
#define CAUSE_TI     (1u << 30)
#define CAUSE_BD     (1u << 31)

/* EntryHi / Context. */
#define ENTRYHI_VPN2 0xffffe000u
#define ENTRYHI_ASID 0x000000ffu
#define CONTEXT_BADVPN2 0x007ffff0u

/* EntryLo fields. */
#define ENTRYLO_G    (1u << 0)
#define ENTRYLO_V    (1u << 1)
#define ENTRYLO_D    (1u << 2)
#define ENTRYLO_C_SHIFT 3
#define ENTRYLO_PFN_SHIFT 6

/* Instruction-set level of a model. */
#define MIPS_ISA_R2  (1u << 0)

/*
 * hflags: the part of the state a translation depends on (TB flags), plus the
 * pending-branch kind when the next insn is a delay slot.
 */
#define MIPS_HFLAG_MMU     0x0003u   /* the MMU index, MIPS_MMU_IDX_* */
#define MIPS_HFLAG_CP0     0x0004u   /* CP0 usable: kernel mode or Status.CU0 */
#define MIPS_HFLAG_R2      0x0008u   /* Release 2 instructions exist */
#define MIPS_HFLAG_BMASK   0x0070u   /* next insn is a delay slot of: */
#define MIPS_HFLAG_B       0x0010u   /*   an unconditional branch (btarget) */
#define MIPS_HFLAG_BC      0x0020u   /*   a conditional branch (bcond, btarget) */
#define MIPS_HFLAG_BR      0x0030u   /*   a register jump (btarget) */
/* In an insn record's data word only, never in env->hflags: see restored_swl_pair. */
#define MIPS_INSN_SWL_PAIR 0x80000000u
#define MIPS_HFLAG_TB_MASK (MIPS_HFLAG_MMU | MIPS_HFLAG_CP0 | MIPS_HFLAG_R2 | \
                            MIPS_HFLAG_BMASK)

/*
 * MMU indexes of the softmmu TLB. Kernel with ERL=1 has its own index because kuseg
 * is unmapped then; the mapping of every other segment is that of kernel mode.
 */
#define MIPS_MMU_IDX_KERNEL 0
#define MIPS_MMU_IDX_SUPER  1
#define MIPS_MMU_IDX_USER   2
#define MIPS_MMU_IDX_ERL    3

/* One joint-TLB entry: an even/odd pair of pages. */
typedef struct MIPSTLBEntry {
    uint32_t vpn2;        /* EntryHi VPN2 (bits 31:13) */
    uint32_t pagemask;    /* PageMask register value (bits 28:13) */
    uint32_t asid;
    uint32_t g;
    uint32_t lo[2];       /* EntryLo0/1 without G (PFN, C, D, V) */
    /* Per page of the pair: the MMU modes (bit per mmu_idx) that got softmmu pages
     * from this entry since it was written, so overwriting it flushes only those
     * (not migrated: a load flushes the softmmu TLB anyway). */
    uint8_t used[2];
} MIPSTLBEntry;

/* Config1.FP: an FPU is implemented. */
#define CONFIG1_FP (1u << 0)

/*
 * FCSR (FCR31) fields, MIPS32 Vol. I 6.8. The exception fields are laid out as
 * bits of one of the FP_X_* values: Flags at 2, Enables at 7, Cause at 12 (Cause
 * has a sixth bit, E = Unimplemented Operation, which has no enable or flag).
 */
#define FCSR_RM        0x00000003u
#define FCSR_FLAGS_SHIFT   2
#define FCSR_ENABLES_SHIFT 7
#define FCSR_CAUSE_SHIFT   12
#define FCSR_FLAGS     (0x1fu << FCSR_FLAGS_SHIFT)
#define FCSR_ENABLES   (0x1fu << FCSR_ENABLES_SHIFT)
#define FCSR_CAUSE     (0x3fu << FCSR_CAUSE_SHIFT)
#define FCSR_FCC0      (1u << 23)
#define FCSR_FS        (1u << 24)
#define FCSR_FCC1_7    (0x7fu << 25)
/* Writable bits (NAN2008/ABS2008 read 0 on the 24Kf: legacy NaNs, arithmetic ABS). */
#define FCSR_WMASK     (FCSR_RM | FCSR_FLAGS | FCSR_ENABLES | FCSR_CAUSE | FCSR_FCC0 | \
                        FCSR_FS | FCSR_FCC1_7)
#define FP_X_I 0x01u    /* inexact */
#define FP_X_U 0x02u    /* underflow */
#define FP_X_O 0x04u    /* overflow */
#define FP_X_Z 0x08u    /* divide by zero */
#define FP_X_V 0x10u    /* invalid operation */
#define FP_X_E 0x20u    /* unimplemented operation (Cause only) */

/* Per-model constants. */
typedef struct MIPSCPUModel {
    const char *name;
    uint32_t prid;
    uint32_t fir;          /* FCR0 when config1 has CONFIG1_FP */
    uint32_t config0, config1, config2, config3, config7;
    uint32_t status_rw_mask;
    uint32_t isa;          /* MIPS_ISA_* */
} MIPSCPUModel;

typedef struct CPUMIPSState {
    CPUState cs;        /* MUST be first: one pointer serves generated code */

    uint32_t gpr[32];
    uint32_t pc;
    uint32_t hi, lo;
    uint32_t btarget;   /* branch target while a delay slot is pending */
    uint32_t bcond;     /* branch condition (non-zero: taken) of a conditional branch */
    uint32_t hflags;
    uint32_t llbit;     /* LL/SC link */
    uint32_t lladdr;    /* virtual address of the last LL */
    uint32_t error_code;    /* Cause.CE for MIPS_EXCP_CPU */

    /* CP0 */
    uint32_t CP0_Index;
    uint32_t CP0_Random;
    uint32_t CP0_EntryLo0;
    uint32_t CP0_EntryLo1;
    uint32_t CP0_Context;
    uint32_t CP0_UserLocal;
    uint32_t CP0_PageMask;
    uint32_t CP0_Wired;
    uint32_t CP0_HWREna;
    uint32_t CP0_BadVAddr;
    uint32_t CP0_Count;         /* Count at count_ns_base (or frozen while Cause.DC) */
    uint32_t CP0_EntryHi;
    uint32_t CP0_Compare;
    uint32_t CP0_Status;
    uint32_t CP0_IntCtl;
    uint32_t CP0_SRSCtl;
    uint32_t CP0_SRSMap;
    uint32_t CP0_Cause;
    uint32_t CP0_EPC;
    uint32_t CP0_PRId;
    uint32_t CP0_EBase;
    uint32_t CP0_Config0, CP0_Config1, CP0_Config2, CP0_Config3, CP0_Config7;
    uint32_t CP0_LLAddr;
    uint32_t CP0_WatchLo, CP0_WatchHi;
    uint32_t CP0_Debug, CP0_DEPC;
    uint32_t CP0_PerfCtl0, CP0_PerfCnt0;
    uint32_t CP0_ErrCtl, CP0_CacheErr;
    uint32_t CP0_TagLo, CP0_DataLo, CP0_TagHi, CP0_DataHi;
    uint32_t CP0_ErrorEPC;
    uint32_t CP0_DESAVE;

    int64_t count_ns_base;      /* CLOCK_VIRTUAL time at which Count was CP0_Count */
    uint32_t irq_level;         /* levels of the hardware lines 0..7 (bit n) */

    MIPSTLBEntry tlb[MIPS_TLB_ENTRIES];
    /*
     * Match keys of tlb[], kept by mips_tlb_keys_update/rebuild (not migrated:
     * rebuilt on load): tlb_key = VPN2 | ASID, tlb_kmask = the VPN2 bits the page
     * size compares, | 0xff unless global. Entry i matches (va, asid) when
     * ((va & ~0xff | asid) ^ key) & kmask is 0: mips_tlb_find compares all 16 at once.
     */
    uint32_t tlb_key[MIPS_TLB_ENTRIES] __attribute__((aligned(16)));
    uint32_t tlb_kmask[MIPS_TLB_ENTRIES] __attribute__((aligned(16)));

    /*
     * CP1. With Status.FR = 1 register n is fpr[n] (a 32-bit value in its low
     * half). With FR = 0 the 32-bit register 2k is fpr[2k]'s low half and 2k + 1
     * its high half, so the double in the pair 2k, 2k + 1 is fpr[2k] as with
     * FR = 1 (fpr[odd] is unused). Even registers are thus the same storage in
     * both modes (switching FR leaves the registers UNPREDICTABLE, so any layout
     * is allowed): code that only names them, which is all FPXX code, does not
     * depend on FR.
     */
    uint64_t fpr[32];
    uint32_t fcr31;     /* FCSR */
    uint32_t fcr0;      /* FIR (read-only, from the model) */

    /* Not migrated: configuration and host objects. */
    const MIPSCPUModel *model;
    /* Set by the last restore from a host pc: its insn is an SWL that stores the
     * whole word of an SWL/SWR pair at its address - 3 (MIPS_INSN_SWL_PAIR). */
    bool restored_swl_pair;
    Timer *timer;
    IRQLine **irqs;
} CPUMIPSState;

static inline CPUMIPSState *mips_env(CPUState *cs)
{
    return (CPUMIPSState *)cs;
}

/* The 8 interrupt inputs: lines 2..7 are the hardware interrupts IP2..IP7. */
IRQLine **mips_cpu_irq_lines(CPUState *cpu);

/*
 * Recompute hflags (mode bits) from Status; the pending-branch bits are kept.
 * Inline, with the two below: Linux runs them several times per syscall (exception
 * entry, three Status writes, ERET).
 */
static inline void mips_cpu_compute_hflags(CPUMIPSState *env)
{
    uint32_t st = env->CP0_Status;
    uint32_t h = env->hflags & MIPS_HFLAG_BMASK;
    unsigned ksu = (st & ST_KSU) >> ST_KSU_SHIFT;
    bool kernel;

    if (st & ST_ERL) {
        h |= MIPS_MMU_IDX_ERL;
        kernel = true;
    } else if ((st & ST_EXL) || ksu == 0 || ksu == 3) {
        /* KSU = 3 is reserved; treat it as kernel rather than inventing a mode. */
        h |= MIPS_MMU_IDX_KERNEL;
        kernel = true;
    } else if (ksu == 1) {
        h |= MIPS_MMU_IDX_SUPER;
        kernel = false;
    } else {
        h |= MIPS_MMU_IDX_USER;
        kernel = false;
    }
    if (kernel || (st & ST_CU0)) {
        h |= MIPS_HFLAG_CP0;
    }
    if (env->model && (env->model->isa & MIPS_ISA_R2)) {
        h |= MIPS_HFLAG_R2;
    }
    env->hflags = h;
}

/*
 * The values of (Status >> 1) & 15 (EXL, ERL, KSU) for which the function above
 * gives kernel mode: ERL = 0 and EXL = 1 or KSU = 0 (or the reserved 3). Generated
 * code tests a Status write against it (trans-cp0.c); test-mips-cp0_helper checks
 * the two agree.
 */
#define MIPS_STATUS_KERNEL_SET ((1u << 0x0) | (1u << 0x1) | (1u << 0x5) | (1u << 0x9) | \
                                (1u << 0xc) | (1u << 0xd))

/* Re-evaluate the interrupt request after Cause.IP / Status.IM changes. */
static inline void mips_cpu_update_irq(CPUMIPSState *env)
{
    if (env->CP0_Cause & env->CP0_Status & CAUSE_IP) {
        cpu_interrupt(&env->cs, CPU_INTERRUPT_HARD);
    } else if (env->cs.interrupt_request & CPU_INTERRUPT_HARD) {
        cpu_reset_interrupt(&env->cs, CPU_INTERRUPT_HARD);
    }
}

/* An interrupt is pending, unmasked, and Status lets it be taken now. */
static inline bool mips_interrupts_takeable(const CPUMIPSState *env)
{
    uint32_t st = env->CP0_Status;

    return (st & ST_IE) && !(st & (ST_EXL | ST_ERL)) &&
           (env->CP0_Cause & st & CAUSE_IP) != 0;
}
/* Set or clear the timer interrupt (Cause.TI, seen on IP7). */
void mips_cpu_set_ti(CPUMIPSState *env, bool ti);

/* Count/Compare (cp0_timer.c). */
uint32_t mips_count_get(CPUMIPSState *env);
void mips_count_set(CPUMIPSState *env, uint32_t count);
void mips_compare_set(CPUMIPSState *env, uint32_t compare);
void mips_count_set_dc(CPUMIPSState *env, bool dc);    /* Cause.DC changed */
void mips_timer_rearm(CPUMIPSState *env);
void mips_timer_expired(void *opaque);

/* Exceptions (excp_helper.c). */
void mips_cpu_do_interrupt(CPUState *cs);
bool mips_cpu_exec_interrupt(CPUState *cs, uint32_t interrupt_request);
bool mips_cpu_has_work(CPUState *cs);
unsigned mips_excp_code(int excp);
/* Vector address of exception excp with the given Status, Cause and EBase. */
uint32_t mips_exception_vector(int excp, uint32_t status, uint32_t cause, uint32_t ebase);
const char *mips_excp_name(int excp);
void QEMU_NORETURN mips_raise_exception(CPUMIPSState *env, int excp, uintptr_t ra);
void QEMU_NORETURN mips_raise_exception_err(CPUMIPSState *env, int excp, int err,
                                            uintptr_t ra);
void mips_cpu_do_unaligned_access(CPUState *cs, vaddr addr, MMUAccessType access_type,
                                  int mmu_idx, uintptr_t retaddr);
void mips_cpu_do_transaction_failed(CPUState *cs, hwaddr pa, vaddr addr, unsigned size,
                                    MMUAccessType access_type, int mmu_idx,
                                    uintptr_t retaddr);

/* MMU (tlb_helper.c). */
typedef enum MIPSTLBResult {
    MIPS_TLBRET_MATCH = 0,
    MIPS_TLBRET_BADADDR,     /* address error (segment not accessible in this mode) */
    MIPS_TLBRET_NOMATCH,     /* TLB refill */
    MIPS_TLBRET_INVALID,     /* V = 0 */
    MIPS_TLBRET_DIRTY,       /* store with D = 0 */
} MIPSTLBResult;
/* The first entry of env->tlb matching (va, asid) by VPN2, ASID and G, or -1. */
int mips_tlb_find(const CPUMIPSState *env, uint32_t va, uint32_t asid);
/* Recompute the search keys of entry i / of every entry (after writing tlb[]). */
void mips_tlb_keys_update(CPUMIPSState *env, int i);
void mips_tlb_keys_rebuild(CPUMIPSState *env);
/* Look va up in the joint TLB for ASID asid; on a match fill *pa, *prot, *pgsize.
 * Entry by entry: the reference mips_tlb_find is tested against. */
MIPSTLBResult mips_tlb_lookup(const MIPSTLBEntry *tlb, int n, uint32_t va, uint32_t asid,
                              MMUAccessType access, hwaddr *pa, int *prot,
                              uint32_t *pgsize, int *index);
MIPSTLBResult mips_get_physical_address(CPUMIPSState *env, uint32_t va,
                                        MMUAccessType access, int mmu_idx,
                                        hwaddr *pa, int *prot, uint32_t *pgsize);
bool mips_cpu_tlb_fill(CPUState *cs, vaddr addr, int size, MMUAccessType access_type,
                       int mmu_idx, bool probe, uintptr_t retaddr);
hwaddr mips_cpu_get_phys_page_debug(CPUState *cs, vaddr addr);
/* `info tlb` (target-mips/monitor.c). */
void mips_cpu_dump_tlb(CPUState *cs, FILE *f);
/* Flush from the softmmu TLB the pages guest TLB entry idx maps. */
void mips_tlb_flush_entry(CPUMIPSState *env, int idx);
/* EntryHi.ASID changed from old_asid: drop that address space's translations. */
void mips_tlb_asid_changed(CPUMIPSState *env, uint32_t old_asid);
void mips_tlbwi(CPUMIPSState *env);
void mips_tlbwr(CPUMIPSState *env);
void mips_tlbp(CPUMIPSState *env);
void mips_tlbr(CPUMIPSState *env);

/* CP0 access (cp0_helper.c). reg = register number, sel = select. */
uint32_t mips_cp0_read(CPUMIPSState *env, int reg, int sel);
void mips_cp0_write(CPUMIPSState *env, int reg, int sel, uint32_t val);
/* MTC0 Status: the masked write, then hflags and the interrupt line. */
void mips_cp0_write_status(CPUMIPSState *env, uint32_t val);
uint32_t mips_pagemask_sanitize(uint32_t val);
/* Writable bits of a CP0 register for a model (0: read-only or unimplemented). */
uint32_t mips_cp0_write_mask(const MIPSCPUModel *model, int reg, int sel);

/* FPU (fpu_helper.c). */
uint32_t mips_fpu_cfc1(CPUMIPSState *env, int reg);
/* CTC1: returns true when the new FCSR has an enabled Cause bit (an FPE is due). */
bool mips_fpu_ctc1(CPUMIPSState *env, int reg, uint32_t val);
void mips_fpu_reset(CPUMIPSState *env);
void mips_fpu_dump(CPUMIPSState *env, FILE *f);

/* Translator (translate.c). */
void mips_tcg_init(void);
void mips_translate_code(CPUState *cs, struct TranslationBlock *tb, int *max_insns);

extern const struct VMStateDescription vmstate_mips_cpu;

#endif
