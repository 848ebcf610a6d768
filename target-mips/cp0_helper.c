/*
 * CP0 register reads and writes (MIPS32 Vol. III ch. 9 "CP0 registers", with the
 * 24K's implemented fields). Each register has an architectural write mask; bits
 * outside it keep their value. Unimplemented registers read as zero and ignore
 * writes (logged under -d unimp).
 */
#include "qemu/osdep.h"
#include "cpu.h"

#define CP0(reg, sel) (((reg) << 3) | (sel))

uint32_t mips_pagemask_sanitize(uint32_t val)
{
    uint32_t m = (val >> 13) & 0xffffu;
    int bits = 0;

    /* Legal masks are 0, 0b11, 0b1111, ... (4 KB to 256 MB pages); anything else is
     * UNPREDICTABLE. Round to the legal mask covering the highest set bit. */
    while (m) {
        m >>= 1;
        bits++;
    }
    bits = (bits + 1) & ~1;
    return bits ? (((1u << bits) - 1) << 13) : 0;
}

uint32_t mips_cp0_write_mask(const MIPSCPUModel *model, int reg, int sel)
{
    bool r2 = model->isa & MIPS_ISA_R2;

    switch (CP0(reg, sel)) {
    case CP0(0, 0):
        return 0x0000000fu;                         /* Index */
    case CP0(2, 0):
    case CP0(3, 0):
        return 0x03ffffffu;                         /* EntryLo0/1: PFN C D V G */
    case CP0(4, 0):
        return 0xff800000u;                         /* Context.PTEBase */
    case CP0(4, 2):
        return (model->config3 & (1u << 13)) ? 0xffffffffu : 0;   /* UserLocal */
    case CP0(5, 0):
        return 0x1fffe000u;                         /* PageMask */
    case CP0(6, 0):
        return 0x0000000fu;                         /* Wired */
    case CP0(7, 0):
        return r2 ? 0x2000000fu : 0;                /* HWREna: UL, CCRes, CC, SYNCI, CPUNum */
    case CP0(9, 0):
    case CP0(11, 0):
    case CP0(14, 0):
    case CP0(30, 0):
    case CP0(31, 0):
    case CP0(24, 0):
        return 0xffffffffu;                         /* Count, Compare, EPC, ErrorEPC ... */
    case CP0(10, 0):
        return ENTRYHI_VPN2 | ENTRYHI_ASID;          /* EntryHi */
    case CP0(12, 0):
        return model->status_rw_mask;               /* Status */
    case CP0(12, 1):
        return r2 ? 0x000003e0u : 0;                /* IntCtl.VS */
    case CP0(13, 0):
        return CAUSE_DC | CAUSE_IV | (3u << CAUSE_IP_SHIFT);   /* Cause */
    case CP0(15, 1):
        return r2 ? 0x3ffff000u : 0;                /* EBase */
    case CP0(16, 0):
        return 0x00000007u;                         /* Config.K0 */
    case CP0(18, 0):
        return 0xfffffffbu;                         /* WatchLo */
    case CP0(19, 0):
        return 0x40ff0ff8u;                         /* WatchHi (G, ASID, mask) */
    case CP0(25, 0):
        return 0x000007ffu;
    case CP0(25, 1):
    case CP0(26, 0):
    case CP0(28, 0):
    case CP0(28, 1):
    case CP0(29, 0):
    case CP0(29, 1):
        return 0xffffffffu;
    default:
        return 0;
    }
}

static uint32_t mips_cp0_masked(uint32_t old, uint32_t val, uint32_t mask)
{
    return (old & ~mask) | (val & mask);
}

uint32_t mips_cp0_read(CPUMIPSState *env, int reg, int sel)
{
    bool r2 = env->model->isa & MIPS_ISA_R2;

    switch (CP0(reg, sel)) {
    case CP0(0, 0):
        return env->CP0_Index;
    case CP0(1, 0): {
        /* Random decrements every cycle on hardware; stepping it on each read
         * keeps successive reads different, always within Wired..15. */
        uint32_t r = env->CP0_Random;

        env->CP0_Random = (r <= env->CP0_Wired || r >= MIPS_TLB_ENTRIES)
                          ? MIPS_TLB_ENTRIES - 1 : r - 1;
        return r;
    }
    case CP0(2, 0):
        return env->CP0_EntryLo0;
    case CP0(3, 0):
        return env->CP0_EntryLo1;
    case CP0(4, 0):
        return env->CP0_Context;
    case CP0(4, 2):
        return env->CP0_UserLocal;
    case CP0(5, 0):
        return env->CP0_PageMask;
    case CP0(6, 0):
        return env->CP0_Wired;
    case CP0(7, 0):
        return r2 ? env->CP0_HWREna : 0;
    case CP0(8, 0):
        return env->CP0_BadVAddr;
    case CP0(9, 0):
        return mips_count_get(env);
    case CP0(10, 0):
        return env->CP0_EntryHi;
    case CP0(11, 0):
        return env->CP0_Compare;
    case CP0(12, 0):
        return env->CP0_Status;
    case CP0(12, 1):
        return r2 ? env->CP0_IntCtl : 0;
    case CP0(12, 2):
        return env->CP0_SRSCtl;
    case CP0(12, 3):
        return env->CP0_SRSMap;
    case CP0(13, 0):
        return env->CP0_Cause;
    case CP0(14, 0):
        return env->CP0_EPC;
    case CP0(15, 0):
        return env->CP0_PRId;
    case CP0(15, 1):
        return r2 ? env->CP0_EBase : 0;
    case CP0(16, 0):
        return env->CP0_Config0;
    case CP0(16, 1):
        return env->CP0_Config1;
    case CP0(16, 2):
        return env->CP0_Config2;
    case CP0(16, 3):
        return env->CP0_Config3;
    case CP0(16, 7):
        return env->CP0_Config7;
    case CP0(17, 0):
        return env->CP0_LLAddr;
    case CP0(18, 0):
        return env->CP0_WatchLo;
    case CP0(19, 0):
        return env->CP0_WatchHi;
    case CP0(23, 0):
        return env->CP0_Debug;
    case CP0(24, 0):
        return env->CP0_DEPC;
    case CP0(25, 0):
        return env->CP0_PerfCtl0;
    case CP0(25, 1):
        return env->CP0_PerfCnt0;
    case CP0(26, 0):
        return env->CP0_ErrCtl;
    case CP0(27, 0):
        return env->CP0_CacheErr;
    case CP0(28, 0):
        return env->CP0_TagLo;
    case CP0(28, 1):
        return env->CP0_DataLo;
    case CP0(29, 0):
        return env->CP0_TagHi;
    case CP0(29, 1):
        return env->CP0_DataHi;
    case CP0(30, 0):
        return env->CP0_ErrorEPC;
    case CP0(31, 0):
        return env->CP0_DESAVE;
    default:
        mimic_log_mask(LOG_UNIMP, "mips: mfc0 of unimplemented CP0 register %d sel %d\n",
                       reg, sel);
        return 0;
    }
}

void mips_cp0_write_status(CPUMIPSState *env, uint32_t val)
{
    env->CP0_Status = mips_cp0_masked(env->CP0_Status, val, env->model->status_rw_mask);
    mips_cpu_compute_hflags(env);
    mips_cpu_update_irq(env);
}

void mips_cp0_write(CPUMIPSState *env, int reg, int sel, uint32_t val)
{
    uint32_t mask = mips_cp0_write_mask(env->model, reg, sel);
    uint32_t old;

    switch (CP0(reg, sel)) {
    case CP0(0, 0):
        /* Index.P is read-only; a write leaves it clear. */
        env->CP0_Index = val & mask;
        break;
    case CP0(2, 0):
        env->CP0_EntryLo0 = val & mask;
        break;
    case CP0(3, 0):
        env->CP0_EntryLo1 = val & mask;
        break;
    case CP0(4, 0):
        env->CP0_Context = mips_cp0_masked(env->CP0_Context, val, mask);
        break;
    case CP0(4, 2):
        env->CP0_UserLocal = val & mask;
        break;
    case CP0(5, 0):
        env->CP0_PageMask = mips_pagemask_sanitize(val & mask);
        break;
    case CP0(6, 0):
        env->CP0_Wired = val & mask;
        env->CP0_Random = MIPS_TLB_ENTRIES - 1;
        break;
    case CP0(7, 0):
        env->CP0_HWREna = val & mask;
        break;
    case CP0(9, 0):
        mips_count_set(env, val);
        break;
    case CP0(10, 0):
        old = env->CP0_EntryHi;
        env->CP0_EntryHi = val & mask;
        if ((old ^ env->CP0_EntryHi) & ENTRYHI_ASID) {
            /* A new address space: the old ASID's translations must go. */
            mips_tlb_asid_changed(env, old & ENTRYHI_ASID);
        }
        break;
    case CP0(11, 0):
        mips_compare_set(env, val);
        break;
    case CP0(12, 0):
        mips_cp0_write_status(env, val);
        break;
    case CP0(12, 1):
        env->CP0_IntCtl = mips_cp0_masked(env->CP0_IntCtl, val, mask);
        break;
    case CP0(13, 0):
        mips_count_set_dc(env, (val & CAUSE_DC) != 0);
        env->CP0_Cause = mips_cp0_masked(env->CP0_Cause, val, mask & ~CAUSE_DC);
        mips_cpu_update_irq(env);
        break;
    case CP0(14, 0):
        env->CP0_EPC = val;
        break;
    case CP0(15, 1):
        env->CP0_EBase = mips_cp0_masked(env->CP0_EBase, val, mask);
        break;
    case CP0(16, 0):
        env->CP0_Config0 = mips_cp0_masked(env->CP0_Config0, val, mask);
        break;
    case CP0(18, 0):
        env->CP0_WatchLo = val & mask;
        break;
    case CP0(19, 0):
        /* W1C status bits 2:0 are not modelled (no watch exceptions). */
        env->CP0_WatchHi = val & mask;
        break;
    case CP0(24, 0):
        env->CP0_DEPC = val;
        break;
    case CP0(25, 0):
        env->CP0_PerfCtl0 = val & mask;
        break;
    case CP0(25, 1):
        env->CP0_PerfCnt0 = val;
        break;
    case CP0(26, 0):
        env->CP0_ErrCtl = val;
        break;
    case CP0(28, 0):
        env->CP0_TagLo = val;
        break;
    case CP0(28, 1):
        env->CP0_DataLo = val;
        break;
    case CP0(29, 0):
        env->CP0_TagHi = val;
        break;
    case CP0(29, 1):
        env->CP0_DataHi = val;
        break;
    case CP0(30, 0):
        env->CP0_ErrorEPC = val;
        break;
    case CP0(31, 0):
        env->CP0_DESAVE = val;
        break;
    case CP0(1, 0): case CP0(8, 0): case CP0(12, 2): case CP0(12, 3):
    case CP0(15, 0): case CP0(16, 1): case CP0(16, 2): case CP0(16, 3):
    case CP0(16, 7): case CP0(17, 0): case CP0(23, 0): case CP0(27, 0):
        /* Read-only (or debug-mode only) registers: writes are ignored. */
        break;
    default:
        mimic_log_mask(LOG_UNIMP, "mips: mtc0 to unimplemented CP0 register %d sel %d\n",
                       reg, sel);
        break;
    }
}
