/*
 * MIPS registers for the GDB stub, in GDB's default 32-bit MIPS numbering (no
 * target description is sent, so gdb uses its built-in layout): r0-r31, then sr
 * (CP0 Status), lo, hi, bad (CP0 BadVAddr), cause (CP0 Cause), pc, then f0-f31,
 * fcsr and fir. Every register is 32-bit, little-endian (mipsel).
 *
 * The modelled 24Kc has no FPU: f0-f31, fcsr and fir read as unavailable and
 * cannot be written. Writing pc drops a pending delay slot (the new pc is where
 * execution resumes); Status and Cause go through the CP0 write path, with its
 * write masks and side effects (MMU mode, interrupt re-check).
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
};

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
            return 0;           /* FPU registers: not on this CPU */
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
        return 0;
    }
    return 4;
}
