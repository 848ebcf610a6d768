/*
 * MIPS registers for the GDB stub, in GDB's default 32-bit MIPS numbering (no
 * target description is sent, so gdb uses its built-in layout): r0-r31, then sr
 * (CP0 Status), lo, hi, bad (CP0 BadVAddr), cause (CP0 Cause), pc, then f0-f31,
 * fcsr and fir. Every register is 32-bit, little-endian (mipsel).
 *
 * On the 24Kf, f0-f31 are the 32-bit FPRs (with FR = 1 their low words: gdb's
 * 32-bit layout has no room for the high halves), fcsr is FCSR (written as CTC1
 * writes it, without trapping) and fir FIR (read-only). Models without an FPU
 * report those as unavailable. Writing pc drops a pending delay slot (the new pc
 * is where execution resumes); Status and Cause go through the CP0 write path,
 * with its write masks and side effects (MMU mode, interrupt re-check).
 */
#include "qemu/osdep.h"
#include "cpu.h"
#include "exec/gdbstub.h"

enum {
    MIPS_GDB_SR = 32,
    MIPS_GDB_LO = 33,
    MIPS_GDB_HI = 34,
    MIPS_GDB_BAD = 35,
    MIPS_GDB_CAUSE = 36,
    MIPS_GDB_PC = 37,
    MIPS_GDB_F0 = 38,
    MIPS_GDB_FCSR = 70,
    MIPS_GDB_FIR = 71,
};

static bool mips_gdb_has_fpu(CPUMIPSState *env)
{
    return (env->model->config1 & CONFIG1_FP) != 0;
}

/* Where 32-bit register fN lives (see CPUMIPSState.fpr): with FR = 0 an odd one is
 * the high half of the even register's storage. */
static uint32_t *mips_gdb_fpr32(CPUMIPSState *env, int n)
{
    uint32_t *w = (uint32_t *)env->fpr;     /* little-endian host: low word first */

    if ((n & 1) && !(env->CP0_Status & ST_FR)) {
        return &w[2 * (n - 1) + 1];
    }
    return &w[2 * n];
}

int mips_cpu_gdb_read_register(CPUState *cs, uint8_t *buf, int n)
{
    CPUMIPSState *env = mips_env(cs);
    uint32_t v;

    if (n < 32) {
        v = env->gpr[n];
    } else {
        switch (n) {
        case MIPS_GDB_SR:
            v = env->CP0_Status;
            break;
        case MIPS_GDB_LO:
            v = env->lo;
            break;
        case MIPS_GDB_HI:
            v = env->hi;
            break;
        case MIPS_GDB_BAD:
            v = env->CP0_BadVAddr;
            break;
        case MIPS_GDB_CAUSE:
            v = mips_cp0_read(env, 13, 0);
            break;
        case MIPS_GDB_PC:
            v = env->pc;
            break;
        default:
            if (!mips_gdb_has_fpu(env) || n > MIPS_GDB_FIR) {
                return 0;       /* no FPU on this CPU, or not a register */
            }
            if (n == MIPS_GDB_FCSR) {
                v = env->fcr31;
            } else if (n == MIPS_GDB_FIR) {
                v = env->fcr0;
            } else {
                v = *mips_gdb_fpr32(env, n - MIPS_GDB_F0);
            }
            break;
        }
    }
    stl_le_p(buf, v);
    return 4;
}

int mips_cpu_gdb_write_register(CPUState *cs, const uint8_t *buf, int n)
{
    CPUMIPSState *env = mips_env(cs);
    uint32_t v = ldl_le_p(buf);

    if (n < 32) {
        if (n != 0) {
            env->gpr[n] = v;    /* r0 stays zero */
        }
        return 4;
    }
    switch (n) {
    case MIPS_GDB_SR:
        mips_cp0_write(env, 12, 0, v);
        break;
    case MIPS_GDB_LO:
        env->lo = v;
        break;
    case MIPS_GDB_HI:
        env->hi = v;
        break;
    case MIPS_GDB_BAD:
        env->CP0_BadVAddr = v;
        break;
    case MIPS_GDB_CAUSE:
        mips_cp0_write(env, 13, 0, v);
        break;
    case MIPS_GDB_PC:
        env->pc = v;
        env->hflags &= ~MIPS_HFLAG_BMASK;
        break;
    default:
        if (!mips_gdb_has_fpu(env) || n > MIPS_GDB_FIR) {
            return 0;
        }
        if (n == MIPS_GDB_FCSR) {
            mips_fpu_ctc1(env, 31, v);
        } else if (n < MIPS_GDB_FCSR) {
            *mips_gdb_fpr32(env, n - MIPS_GDB_F0) = v;
        }
        break;
    }
    return 4;
}
