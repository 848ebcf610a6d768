/*
 * MIPS32 exception and interrupt delivery (MIPS32 Vol. III, "Exceptions" chapter):
 * vector selection (BEV, EBase, TLB refill at offset 0 only with EXL = 0, interrupt at
 * 0x200 with Cause.IV), EPC / Cause.BD for delay slots, EXL and ERL.
 * Not modelled: EJTAG debug exceptions, vectored/EIC interrupt modes (Config3.VInt and
 * VEIC are 0), cache error exceptions, data bus errors (logged and ignored, see
 * mips_cpu_do_transaction_failed).
 */
#include "qemu/osdep.h"
#include "cpu.h"

static const char *const mips_excp_names[MIPS_EXCP_LAST] = {
    [MIPS_EXCP_INT] = "interrupt",
    [MIPS_EXCP_MOD] = "TLB modified",
    [MIPS_EXCP_TLBL] = "TLB load (invalid)",
    [MIPS_EXCP_TLBS] = "TLB store (invalid)",
    [MIPS_EXCP_TLBL_REFILL] = "TLB load refill",
    [MIPS_EXCP_TLBS_REFILL] = "TLB store refill",
    [MIPS_EXCP_ADEL] = "address error load",
    [MIPS_EXCP_ADES] = "address error store",
    [MIPS_EXCP_IBE] = "instruction bus error",
    [MIPS_EXCP_DBE] = "data bus error",
    [MIPS_EXCP_SYSCALL] = "syscall",
    [MIPS_EXCP_BREAK] = "break",
    [MIPS_EXCP_RI] = "reserved instruction",
    [MIPS_EXCP_CPU] = "coprocessor unusable",
    [MIPS_EXCP_OV] = "integer overflow",
    [MIPS_EXCP_TRAP] = "trap",
    [MIPS_EXCP_NMI] = "NMI",
    [MIPS_EXCP_RESET] = "reset",
    [MIPS_EXCP_FPE] = "floating point",
};

const char *mips_excp_name(int excp)
{
    if (excp >= 0 && excp < MIPS_EXCP_LAST) {
        return mips_excp_names[excp];
    }
    return "unknown";
}

unsigned mips_excp_code(int excp)
{
    switch (excp) {
    case MIPS_EXCP_INT:
        return EXCCODE_INT;
    case MIPS_EXCP_MOD:
        return EXCCODE_MOD;
    case MIPS_EXCP_TLBL:
    case MIPS_EXCP_TLBL_REFILL:
        return EXCCODE_TLBL;
    case MIPS_EXCP_TLBS:
    case MIPS_EXCP_TLBS_REFILL:
        return EXCCODE_TLBS;
    case MIPS_EXCP_ADEL:
        return EXCCODE_ADEL;
    case MIPS_EXCP_ADES:
        return EXCCODE_ADES;
    case MIPS_EXCP_IBE:
        return EXCCODE_IBE;
    case MIPS_EXCP_DBE:
        return EXCCODE_DBE;
    case MIPS_EXCP_SYSCALL:
        return EXCCODE_SYS;
    case MIPS_EXCP_BREAK:
        return EXCCODE_BP;
    case MIPS_EXCP_RI:
        return EXCCODE_RI;
    case MIPS_EXCP_CPU:
        return EXCCODE_CPU;
    case MIPS_EXCP_OV:
        return EXCCODE_OV;
    case MIPS_EXCP_TRAP:
        return EXCCODE_TR;
    case MIPS_EXCP_FPE:
        return EXCCODE_FPE;
    default:
        return 0;
    }
}

uint32_t mips_exception_vector(int excp, uint32_t status, uint32_t cause, uint32_t ebase)
{
    uint32_t base, offset = 0x180;

    if (excp == MIPS_EXCP_RESET || excp == MIPS_EXCP_NMI) {
        return 0xbfc00000u;
    }
    if (status & ST_BEV) {
        base = 0xbfc00200u;
    } else {
        /* EBase bits 31:30 are fixed to 0b10 so the vectors stay in kseg0/kseg1. */
        base = (ebase & 0x3ffff000u) | 0x80000000u;
    }
    if ((excp == MIPS_EXCP_TLBL_REFILL || excp == MIPS_EXCP_TLBS_REFILL) &&
        !(status & ST_EXL)) {
        offset = 0x000;
    } else if (excp == MIPS_EXCP_INT && (cause & CAUSE_IV)) {
        offset = 0x200;
    }
    return base + offset;
}

void mips_cpu_do_interrupt(CPUState *cs)
{
    CPUMIPSState *env = mips_env(cs);
    int excp = cs->exception_index;
    bool in_slot = (env->hflags & MIPS_HFLAG_BMASK) != 0;
    uint32_t epc = in_slot ? env->pc - 4 : env->pc;
    uint32_t vec;

    if (excp < 0 || excp >= MIPS_EXCP_LAST) {
        cs->exception_index = EXCP_NONE;
        return;
    }
    if (mimic_log_enabled(LOG_INT)) {
        mimic_log("mips_cpu_do_interrupt enter: PC %08x EPC %08x %s exception\n",
                  env->pc, env->CP0_EPC, mips_excp_name(excp));
    }
    vec = mips_exception_vector(excp, env->CP0_Status, env->CP0_Cause, env->CP0_EBase);

    if (excp == MIPS_EXCP_RESET || excp == MIPS_EXCP_NMI) {
        env->CP0_ErrorEPC = epc;
        env->CP0_Status |= ST_ERL | ST_BEV;
        env->CP0_Status &= ~ST_TS;
        if (excp == MIPS_EXCP_NMI) {
            env->CP0_Status |= ST_NMI;
            env->CP0_Status &= ~ST_SR;
        } else {
            env->CP0_Status &= ~(ST_NMI | ST_SR);
        }
    } else {
        if (!(env->CP0_Status & ST_EXL)) {
            env->CP0_EPC = epc;
            if (in_slot) {
                env->CP0_Cause |= CAUSE_BD;
            } else {
                env->CP0_Cause &= ~CAUSE_BD;
            }
        }
        env->CP0_Status |= ST_EXL;
        env->CP0_Cause = (env->CP0_Cause & ~(CAUSE_EXC | CAUSE_CE)) |
                         (mips_excp_code(excp) << CAUSE_EXC_SHIFT);
        if (excp == MIPS_EXCP_CPU) {
            env->CP0_Cause |= ((uint32_t)env->error_code & 3) << CAUSE_CE_SHIFT;
        }
    }
    env->pc = vec;
    env->hflags &= ~MIPS_HFLAG_BMASK;
    mips_cpu_compute_hflags(env);
    cs->exception_index = EXCP_NONE;
    if (mimic_log_enabled(LOG_INT)) {
        mimic_log("mips_cpu_do_interrupt: PC %08x EPC %08x cause %08x\n"
                  "    S %08x C %08x A %08x D %08x\n",
                  env->pc, env->CP0_EPC, env->CP0_Cause, env->CP0_Status,
                  env->CP0_Cause, env->CP0_BadVAddr, env->CP0_DEPC);
    }
}

bool mips_cpu_exec_interrupt(CPUState *cs, uint32_t interrupt_request)
{
    CPUMIPSState *env = mips_env(cs);

    if ((interrupt_request & CPU_INTERRUPT_HARD) && mips_interrupts_takeable(env)) {
        cs->exception_index = MIPS_EXCP_INT;
        env->error_code = 0;
        mips_cpu_do_interrupt(cs);
        return true;
    }
    return false;
}

bool mips_cpu_has_work(CPUState *cs)
{
    CPUMIPSState *env = mips_env(cs);

    /*
     * WAIT resumes on any pending interrupt that Status.IM lets through, whether
     * or not IE allows taking it (implementation dependent before Release 6; waking
     * is the choice that never strands a guest in WAIT).
     */
    return (cs->interrupt_request & CPU_INTERRUPT_HARD) &&
           (env->CP0_Cause & env->CP0_Status & CAUSE_IP) != 0;
}

void mips_raise_exception_err(CPUMIPSState *env, int excp, int err, uintptr_t ra)
{
    env->cs.exception_index = excp;
    env->error_code = err;
    cpu_loop_exit_restore(&env->cs, ra);
}

void mips_raise_exception(CPUMIPSState *env, int excp, uintptr_t ra)
{
    mips_raise_exception_err(env, excp, 0, ra);
}

void mips_cpu_do_unaligned_access(CPUState *cs, vaddr addr, MMUAccessType access_type,
                                  int mmu_idx, uintptr_t retaddr)
{
    CPUMIPSState *env = mips_env(cs);

    env->CP0_BadVAddr = addr;
    mips_raise_exception(env, access_type == MMU_DATA_STORE ? MIPS_EXCP_ADES
                                                            : MIPS_EXCP_ADEL, retaddr);
}

void mips_cpu_do_transaction_failed(CPUState *cs, hwaddr pa, vaddr addr, unsigned size,
                                    MMUAccessType access_type, int mmu_idx,
                                    uintptr_t retaddr)
{
    CPUMIPSState *env = mips_env(cs);

    /*
     * A fetch from nowhere raises IBE: executing on would only run zeros. Data
     * accesses that nothing decodes are logged and dropped (reads see what the
     * memory API returned): on a Malta they end in the system controller's PCI
     * windows, where a master abort completes without a bus error, and guests
     * poke at absent ISA ports while probing.
     */
    mimic_log_mask(LOG_GUEST_ERROR, "mips: bus error at pa 0x%" HWADDR_PRIx
                   " (va 0x%08x, %s)\n", pa, addr,
                   access_type == MMU_INST_FETCH ? "fetch" :
                   access_type == MMU_DATA_STORE ? "store" : "load");
    if (access_type == MMU_INST_FETCH) {
        mips_raise_exception(env, MIPS_EXCP_IBE, retaddr);
    }
}
