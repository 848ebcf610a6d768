/*
 * Helpers called from MIPS generated code: exceptions, CP0 moves, TLB instructions,
 * ERET, DI/EI, WAIT, RDHWR and the partial-word stores SWL/SWR (MIPS32 Vol. II).
 * Every helper that may raise takes the host return address (GETPC) so the guest
 * state of the faulting instruction is restored exactly.
 */
#include "qemu/osdep.h"
#include "internal.h"

void helper_mips_raise(CPUMIPSState *env, uint32_t excp)
{
    mips_raise_exception(env, excp, GETPC());
}

/*
 * Enter the handler of an exception the insn raises by itself (SYSCALL, BREAK, a
 * trap) and return: the TB then looks the handler's TB up. The pc is already the
 * insn's, and the insn is not in a delay slot (the translator makes sure), so there
 * is no state to restore and no need to unwind to the loop.
 */
void helper_mips_raise_now(CPUMIPSState *env, uint32_t excp)
{
    CPUState *cs = &env->cs;

    cs->exception_index = excp;
    mips_cpu_do_interrupt(cs);
    cs->exception_index = EXCP_NONE;
}

void helper_mips_raise_err(CPUMIPSState *env, uint32_t excp, uint32_t err)
{
    mips_raise_exception_err(env, excp, err, GETPC());
}

void helper_mips_raise_adel(CPUMIPSState *env, uint32_t badvaddr)
{
    env->CP0_BadVAddr = badvaddr;
    mips_raise_exception(env, MIPS_EXCP_ADEL, GETPC());
}

uint32_t helper_mips_mfc0(CPUMIPSState *env, uint32_t regsel)
{
    return mips_cp0_read(env, regsel >> 3, regsel & 7);
}

void helper_mips_mtc0(CPUMIPSState *env, uint32_t val, uint32_t regsel)
{
    mips_cp0_write(env, regsel >> 3, regsel & 7, val);
}

/*
 * MTC0 Status outside a delay slot: the TB goes on unless the write changed what
 * it was translated for (hflags) or made an interrupt takeable. Linux writes Status
 * three times per syscall (and per exception), mostly to flip IE or to leave EXL
 * for kernel mode with KSU = 0, which keeps hflags as they were.
 */
uint32_t helper_mips_mtc0_status(CPUMIPSState *env, uint32_t val)
{
    uint32_t old_hflags = env->hflags;

    mips_cp0_write_status(env, val);
    return env->hflags != old_hflags || mips_interrupts_takeable(env);
}

void helper_mips_tlbwi(CPUMIPSState *env)
{
    mips_tlbwi(env);
}

void helper_mips_tlbwr(CPUMIPSState *env)
{
    mips_tlbwr(env);
}

void helper_mips_tlbp(CPUMIPSState *env)
{
    mips_tlbp(env);
}

void helper_mips_tlbr(CPUMIPSState *env)
{
    mips_tlbr(env);
}

void helper_mips_eret(CPUMIPSState *env)
{
    uint32_t from = env->pc;

    if (env->CP0_Status & ST_ERL) {
        env->pc = env->CP0_ErrorEPC;
        env->CP0_Status &= ~ST_ERL;
    } else {
        env->pc = env->CP0_EPC;
        env->CP0_Status &= ~ST_EXL;
    }
    env->llbit = 0;
    env->hflags &= ~MIPS_HFLAG_BMASK;
    mips_cpu_compute_hflags(env);
    mips_cpu_update_irq(env);
    mimic_log_mask(LOG_INT, "ERET: PC %08x -> %08x Status %08x\n", from, env->pc,
                   env->CP0_Status);
}

uint32_t helper_mips_ei(CPUMIPSState *env)
{
    uint32_t old = env->CP0_Status;

    env->CP0_Status |= ST_IE;
    mips_cpu_update_irq(env);
    return old;
}

void helper_mips_wait(CPUMIPSState *env)
{
    CPUState *cs = &env->cs;

    cs->halted = true;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

uint32_t helper_mips_rdhwr(CPUMIPSState *env, uint32_t rd)
{
    bool allowed = (env->hflags & MIPS_HFLAG_CP0) != 0;

    if (rd < 32 && (env->CP0_HWREna & (1u << rd))) {
        allowed = true;
    }
    if (allowed) {
        switch (rd) {
        case 0:
            return env->CP0_EBase & 0x3ff;           /* CPUNum */
        case 1:
            return 32;                                /* SYNCI_Step: cache line size */
        case 2:
            return mips_count_get(env);               /* CC */
        case 3:
            return 2;                                 /* CCRes: Count ticks every 2 cycles */
        case 29:
            if (env->CP0_Config3 & (1u << 13)) {
                return env->CP0_UserLocal;
            }
            break;
        default:
            break;
        }
    }
    mips_raise_exception(env, MIPS_EXCP_RI, GETPC());
}

/*
 * Little-endian SWL stores the (b+1) most significant bytes of val to addr-b..addr,
 * SWR the (4-b) least significant ones to addr..addr|3, where b = addr & 3. Byte
 * stores within one aligned word: the first one faults before anything is written.
 */
void helper_mips_swl(CPUMIPSState *env, uint32_t val, uint32_t addr, uint32_t mmu_idx)
{
    uintptr_t ra = GETPC();
    unsigned b = addr & 3;
    uint32_t base = addr & ~3u;

    for (unsigned i = 0; i <= b; i++) {
        cpu_stb_mmuidx_ra(&env->cs, base + b - i, (val >> (24 - 8 * i)) & 0xff,
                          mmu_idx, ra);
    }
}

void helper_mips_swr(CPUMIPSState *env, uint32_t val, uint32_t addr, uint32_t mmu_idx)
{
    uintptr_t ra = GETPC();
    unsigned b = addr & 3;

    for (unsigned i = 0; i < 4 - b; i++) {
        cpu_stb_mmuidx_ra(&env->cs, addr + i, (val >> (8 * i)) & 0xff, mmu_idx, ra);
    }
}
