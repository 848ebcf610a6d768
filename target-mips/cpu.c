/*
 * MIPS CPU models (24Kc, its 24Kf alias, 4Kc): class tables, reset, interrupt lines,
 * TB state, register dump and save/restore.
 *
 * Reset values follow MIPS32 Vol. III ch. 8-9 (Status.ERL/BEV set, Random = number of
 * TLB entries - 1, Wired = 0) and the 24K datasheet (PRId company 1 / processor 0x93,
 * Config0-3). The 24Kf has its FPU (Config1.FP = 1, FIR 0x00739300: F64, L, W, D, S,
 * no PS/3D, revision 0x93; Status.CU1 and FR writable); the 24Kc and 4Kc have none.
 */
#include "qemu/osdep.h"
#include <capstone.h>
#include "cpu.h"
#include "migration/vmstate.h"
#include "exec/exec-all.h"
#include "exec/gdbstub.h"

/* Config1: MMUSize-1 = 15, I$ and D$ 16 KB (128 sets, 32-byte lines, 4 ways: 4 KB per
 * way, so no virtual aliases), PC = WR = CA = EP = FP = 0. */
#define CONFIG1_24K ((1u << 31) | (15u << 25) | (1u << 22) | (4u << 19) | (3u << 16) | \
                     (1u << 13) | (4u << 10) | (3u << 7))
/* Config0: M, AR (Release 2 for the 24K), MT = standard TLB, K0 = 2 (uncached). */
#define CONFIG0_24K ((1u << 31) | (1u << 10) | (1u << 7) | 2u)
#define CONFIG0_4K  ((1u << 31) | (1u << 7) | 2u)

static const MIPSCPUModel mips_models[] = {
    {
        .name = "24Kc",
        .prid = 0x00019300,
        .config0 = CONFIG0_24K,
        .config1 = CONFIG1_24K,
        .config2 = 1u << 31,
        .config3 = 1u << 13,          /* ULRI: UserLocal implemented */
        .config7 = 0,
        .status_rw_mask = ST_CU0 | ST_BEV | ST_SR | ST_NMI | ST_IM | ST_KSU |
                          ST_ERL | ST_EXL | ST_IE,
        .isa = MIPS_ISA_R2,
    },
    {
        .name = "24Kf",
        .prid = 0x00019300,
        /* FIR: F64 (22), L (21), W (20), D (17), S (16), ProcessorID 0x93, rev 0. */
        .fir = 0x00739300,
        .config0 = CONFIG0_24K,
        .config1 = CONFIG1_24K | CONFIG1_FP,
        .config2 = 1u << 31,
        .config3 = 1u << 13,
        .config7 = 0,
        .status_rw_mask = ST_CU1 | ST_FR | ST_CU0 | ST_BEV | ST_SR | ST_NMI | ST_IM |
                          ST_KSU | ST_ERL | ST_EXL | ST_IE,
        .isa = MIPS_ISA_R2,
    },
    {
        .name = "4Kc",
        .prid = 0x00018000,
        .config0 = CONFIG0_4K,
        /* Config1.M = 0: no Config2/3 on a Release 1 core. */
        .config1 = CONFIG1_24K & ~(1u << 31),
        .config2 = 0,
        .config3 = 0,
        .config7 = 0,
        .status_rw_mask = ST_CU0 | ST_BEV | ST_SR | ST_NMI | ST_IM | ST_KSU |
                          ST_ERL | ST_EXL | ST_IE,
        .isa = 0,
    },
};

static const char *const mips_gpr_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
    "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
    "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};

static const MIPSCPUModel *mips_model_for_class(const CPUClass *cc)
{
    for (size_t i = 0; i < ARRAY_SIZE(mips_models); i++) {
        if (strcmp(cc->model_name, mips_models[i].name) == 0) {
            return &mips_models[i];
        }
    }
    return &mips_models[0];
}

/* Cause.IP7 is the OR of hardware line 7 and the timer interrupt (Cause.TI). */
static void mips_cpu_sync_ip(CPUMIPSState *env)
{
    uint32_t ip = (env->irq_level & 0xfc) << CAUSE_IP_SHIFT;

    if (env->CP0_Cause & CAUSE_TI) {
        ip |= CAUSE_IP7;
    }
    env->CP0_Cause = (env->CP0_Cause & ~(0xfcu << CAUSE_IP_SHIFT)) | ip;
    mips_cpu_update_irq(env);
}

static void mips_cpu_irq_handler(void *opaque, int n, int level)
{
    CPUMIPSState *env = opaque;

    if (n < 0 || n >= MIPS_IRQ_LINES) {
        return;
    }
    if (n < 2) {
        /* IP0/IP1 are software interrupts; a board wiring them drives them too. */
        if (level) {
            env->CP0_Cause |= 1u << (CAUSE_IP_SHIFT + n);
        } else {
            env->CP0_Cause &= ~(1u << (CAUSE_IP_SHIFT + n));
        }
        mips_cpu_update_irq(env);
        return;
    }
    if (level) {
        env->irq_level |= 1u << n;
    } else {
        env->irq_level &= ~(1u << n);
    }
    mips_cpu_sync_ip(env);
}

IRQLine **mips_cpu_irq_lines(CPUState *cpu)
{
    return mips_env(cpu)->irqs;
}

void mips_cpu_set_ti(CPUMIPSState *env, bool ti)
{
    if (ti) {
        env->CP0_Cause |= CAUSE_TI;
    } else {
        env->CP0_Cause &= ~CAUSE_TI;
    }
    mips_cpu_sync_ip(env);
}

static void mips_cpu_init(CPUState *cs)
{
    CPUMIPSState *env = mips_env(cs);

    env->model = mips_model_for_class(cs->cc);
    env->timer = timer_new_ns(CLOCK_VIRTUAL, mips_timer_expired, env);
    env->irqs = irq_new_array(mips_cpu_irq_handler, env, MIPS_IRQ_LINES);
}

/*
 * kseg0 (0x80000000-0x9fffffff) maps to physical 0-512 MiB in kernel mode, with
 * no TLB, whatever Status/EntryHi say (MD00090, 4.5); ERL changes only kuseg. So
 * the kernel and ERL modes get it as their direct RAM window once, and keep it:
 * cputlb cuts it to the RAM at physical 0 (on the Malta, below the I/O hole at
 * 256 MiB). Supervisor and user mode take address errors there: no window.
 */
static void mips_cpu_set_windows(CPUState *cs)
{
    tlb_set_window(cs, MIPS_MMU_IDX_KERNEL, 0x80000000u, 0, 0x20000000u);
    tlb_set_window(cs, MIPS_MMU_IDX_ERL, 0x80000000u, 0, 0x20000000u);
    tlb_set_window(cs, MIPS_MMU_IDX_SUPER, 0, 0, 0);
    tlb_set_window(cs, MIPS_MMU_IDX_USER, 0, 0, 0);
}

static void mips_cpu_reset(CPUState *cs)
{
    CPUMIPSState *env = mips_env(cs);
    const MIPSCPUModel *m = env->model;

    memset(env->gpr, 0, sizeof(env->gpr));
    env->hi = env->lo = 0;
    env->btarget = env->bcond = 0;
    env->hflags = 0;
    env->llbit = 0;
    env->lladdr = 0;
    env->error_code = 0;

    env->CP0_Index = 0;
    env->CP0_Random = MIPS_TLB_ENTRIES - 1;
    env->CP0_EntryLo0 = env->CP0_EntryLo1 = 0;
    env->CP0_Context = 0;
    env->CP0_UserLocal = 0;
    env->CP0_PageMask = 0;
    env->CP0_Wired = 0;
    env->CP0_HWREna = 0;
    env->CP0_BadVAddr = 0;
    env->CP0_EntryHi = 0;
    env->CP0_Compare = 0;
    env->CP0_Status = ST_ERL | ST_BEV;
    /* Timer and performance counter interrupts both arrive on IP7 (IPTI = IPPCI = 7). */
    env->CP0_IntCtl = (m->isa & MIPS_ISA_R2) ? ((7u << 29) | (7u << 26)) : 0;
    env->CP0_SRSCtl = 0;
    env->CP0_SRSMap = 0;
    env->CP0_Cause = 0;
    env->CP0_EPC = 0;
    env->CP0_PRId = m->prid;
    env->CP0_EBase = 0x80000000u | (uint32_t)(cs->cpu_index & 0x3ff);
    env->CP0_Config0 = m->config0;
    env->CP0_Config1 = m->config1;
    env->CP0_Config2 = m->config2;
    env->CP0_Config3 = m->config3;
    env->CP0_Config7 = m->config7;
    env->CP0_LLAddr = 0;
    env->CP0_WatchLo = env->CP0_WatchHi = 0;
    env->CP0_Debug = 0;
    env->CP0_DEPC = 0;
    env->CP0_PerfCtl0 = env->CP0_PerfCnt0 = 0;
    env->CP0_ErrCtl = env->CP0_CacheErr = 0;
    env->CP0_TagLo = env->CP0_DataLo = env->CP0_TagHi = env->CP0_DataHi = 0;
    env->CP0_ErrorEPC = 0;
    env->CP0_DESAVE = 0;
    mips_fpu_reset(env);
    memset(env->tlb, 0, sizeof(env->tlb));
    /* Make the reset TLB contents unable to match anything by accident: distinct
     * VPN2s in kseg0, which is never looked up in the TLB. */
    for (int i = 0; i < MIPS_TLB_ENTRIES; i++) {
        env->tlb[i].vpn2 = 0x80000000u + ((uint32_t)i << 13);
    }
    mips_tlb_keys_rebuild(env);

    env->pc = 0xbfc00000u;
    cs->exception_index = EXCP_NONE;
    cs->halted = false;
    mips_count_set(env, 0);
    env->irq_level &= 0xfc;
    mips_cpu_sync_ip(env);
    mips_cpu_compute_hflags(env);
    tlb_flush(cs);
    mips_cpu_set_windows(cs);
}

static void mips_cpu_get_tb_cpu_state(CPUState *cs, vaddr *pc, uint32_t *cs_base,
                                      uint32_t *flags)
{
    CPUMIPSState *env = mips_env(cs);

    *pc = env->pc;
    *cs_base = 0;
    *flags = env->hflags & MIPS_HFLAG_TB_MASK;
}

static void mips_cpu_synchronize_from_tb(CPUState *cs, const TranslationBlock *tb)
{
    CPUMIPSState *env = mips_env(cs);

    env->pc = tb->pc;
    env->hflags = (env->hflags & ~MIPS_HFLAG_BMASK) | (tb->flags & MIPS_HFLAG_BMASK);
}

static void mips_cpu_restore_state_to_opc(CPUState *cs, const TranslationBlock *tb,
                                          const uint64_t *data)
{
    CPUMIPSState *env = mips_env(cs);

    env->pc = (uint32_t)data[0];
    env->hflags = (env->hflags & ~MIPS_HFLAG_BMASK) |
                  ((uint32_t)data[1] & MIPS_HFLAG_BMASK);
    env->restored_swl_pair = (data[1] & MIPS_INSN_SWL_PAIR) != 0;
}

static int mips_cpu_mmu_index(CPUState *cs, bool ifetch)
{
    return mips_env(cs)->hflags & MIPS_HFLAG_MMU;
}

static vaddr mips_cpu_get_pc(CPUState *cs)
{
    return mips_env(cs)->pc;
}

static void mips_cpu_set_pc(CPUState *cs, vaddr pc)
{
    CPUMIPSState *env = mips_env(cs);

    env->pc = pc;
    env->hflags &= ~MIPS_HFLAG_BMASK;
}

static void mips_cpu_dump_state(CPUState *cs, FILE *f, int flags)
{
    CPUMIPSState *env = mips_env(cs);

    fprintf(f, "pc=0x%08x HI=0x%08x LO=0x%08x ds %04x %08x %d\n",
            env->pc, env->hi, env->lo, env->hflags, env->btarget, env->bcond);
    for (int i = 0; i < 32; i++) {
        if ((i & 3) == 0) {
            fprintf(f, "GPR%02d:", i);
        }
        fprintf(f, " %s %08x", mips_gpr_names[i], env->gpr[i]);
        if ((i & 3) == 3) {
            fprintf(f, "\n");
        }
    }
    fprintf(f, "CP0 Status  0x%08x Cause   0x%08x EPC    0x%08x\n",
            env->CP0_Status, env->CP0_Cause, env->CP0_EPC);
    fprintf(f, "    Config0 0x%08x Config1 0x%08x LLAddr 0x%08x\n",
            env->CP0_Config0, env->CP0_Config1, env->lladdr);
    fprintf(f, "    Config2 0x%08x Config3 0x%08x\n",
            env->CP0_Config2, env->CP0_Config3);
    fprintf(f, "    EntryHi 0x%08x BadVAddr 0x%08x ErrorEPC 0x%08x EBase 0x%08x\n",
            env->CP0_EntryHi, env->CP0_BadVAddr, env->CP0_ErrorEPC, env->CP0_EBase);
    fprintf(f, "    Count   0x%08x Compare 0x%08x Index 0x%08x Wired 0x%08x\n",
            mips_count_get(env), env->CP0_Compare, env->CP0_Index, env->CP0_Wired);
    if (env->model->config1 & CONFIG1_FP) {
        mips_fpu_dump(env, f);
    }
}

static const VMStateField vmstate_mips_tlb_fields[] = {
    VMSTATE_UINT32(vpn2, MIPSTLBEntry),
    VMSTATE_UINT32(pagemask, MIPSTLBEntry),
    VMSTATE_UINT32(asid, MIPSTLBEntry),
    VMSTATE_UINT32(g, MIPSTLBEntry),
    VMSTATE_UINT32_ARRAY(lo, MIPSTLBEntry, 2),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription vmstate_mips_tlb = {
    .name = "mips-tlb-entry",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = vmstate_mips_tlb_fields,
};

static int mips_cpu_pre_save(void *opaque)
{
    CPUMIPSState *env = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    /* Count may have reached Compare without the main loop having run the timer
     * yet (the VM stopped in between): raise the interrupt now, as the hardware
     * already has, or the restored machine would wait a full Count wrap for it. */
    if (env->timer && timer_pending(env->timer) &&
        timer_expire_time_ns(env->timer) <= now) {
        timer_del(env->timer);
        mips_timer_expired(env);
    }
    /* Save Count as a value at a moment so the restore can rebase it. */
    env->CP0_Count = mips_count_get(env);
    env->count_ns_base = now;
    return 0;
}

static int mips_cpu_post_load(void *opaque, int version_id)
{
    CPUMIPSState *env = opaque;

    mips_cpu_compute_hflags(env);
    mips_tlb_keys_rebuild(env);
    tlb_flush(&env->cs);
    mips_cpu_set_windows(&env->cs);
    mips_timer_rearm(env);
    mips_cpu_sync_ip(env);
    return 0;
}

#define MIPS_U32(f) VMSTATE_UINT32(f, CPUMIPSState)

static const VMStateField vmstate_mips_cpu_fields[] = {
    VMSTATE_UINT32_ARRAY(gpr, CPUMIPSState, 32),
    MIPS_U32(pc), MIPS_U32(hi), MIPS_U32(lo), MIPS_U32(btarget), MIPS_U32(bcond),
    MIPS_U32(hflags), MIPS_U32(llbit), MIPS_U32(lladdr), MIPS_U32(error_code),
    VMSTATE_BOOL(cs.halted, CPUMIPSState),
    MIPS_U32(CP0_Index), MIPS_U32(CP0_Random), MIPS_U32(CP0_EntryLo0),
    MIPS_U32(CP0_EntryLo1), MIPS_U32(CP0_Context), MIPS_U32(CP0_UserLocal),
    MIPS_U32(CP0_PageMask), MIPS_U32(CP0_Wired), MIPS_U32(CP0_HWREna),
    MIPS_U32(CP0_BadVAddr), MIPS_U32(CP0_Count), MIPS_U32(CP0_EntryHi),
    MIPS_U32(CP0_Compare), MIPS_U32(CP0_Status), MIPS_U32(CP0_IntCtl),
    MIPS_U32(CP0_SRSCtl), MIPS_U32(CP0_SRSMap), MIPS_U32(CP0_Cause),
    MIPS_U32(CP0_EPC), MIPS_U32(CP0_PRId), MIPS_U32(CP0_EBase),
    MIPS_U32(CP0_Config0), MIPS_U32(CP0_Config1), MIPS_U32(CP0_Config2),
    MIPS_U32(CP0_Config3), MIPS_U32(CP0_Config7), MIPS_U32(CP0_LLAddr),
    MIPS_U32(CP0_WatchLo), MIPS_U32(CP0_WatchHi), MIPS_U32(CP0_Debug),
    MIPS_U32(CP0_DEPC), MIPS_U32(CP0_PerfCtl0), MIPS_U32(CP0_PerfCnt0),
    MIPS_U32(CP0_ErrCtl), MIPS_U32(CP0_CacheErr), MIPS_U32(CP0_TagLo),
    MIPS_U32(CP0_DataLo), MIPS_U32(CP0_TagHi), MIPS_U32(CP0_DataHi),
    MIPS_U32(CP0_ErrorEPC), MIPS_U32(CP0_DESAVE),
    VMSTATE_INT64(count_ns_base, CPUMIPSState),
    MIPS_U32(irq_level),
    VMSTATE_STRUCT_ARRAY(tlb, CPUMIPSState, MIPS_TLB_ENTRIES, vmstate_mips_tlb,
                         MIPSTLBEntry),
    /* Version 2: the FPU (FIR is the model's, restored by reset, not saved). */
    VMSTATE_UINT64_ARRAY(fpr, CPUMIPSState, 32),
    MIPS_U32(fcr31),
    VMSTATE_END_OF_LIST()
};

const VMStateDescription vmstate_mips_cpu = {
    .name = "cpu-mips",
    .version_id = 2,
    .minimum_version_id = 2,
    .pre_save = mips_cpu_pre_save,
    .post_load = mips_cpu_post_load,
    .fields = vmstate_mips_cpu_fields,
};

#define MIPS_CPU_CLASS(model)                                            \
    {                                                                    \
        .arch_name = "mips",                                             \
        .model_name = (model),                                           \
        .state_size = sizeof(CPUMIPSState),                              \
        .init = mips_cpu_init,                                           \
        .reset = mips_cpu_reset,                                         \
        .has_work = mips_cpu_has_work,                                   \
        .do_interrupt = mips_cpu_do_interrupt,                           \
        .exec_interrupt = mips_cpu_exec_interrupt,                       \
        .get_tb_cpu_state = mips_cpu_get_tb_cpu_state,                   \
        .synchronize_from_tb = mips_cpu_synchronize_from_tb,             \
        .restore_state_to_opc = mips_cpu_restore_state_to_opc,           \
        .tlb_fill = mips_cpu_tlb_fill,                                   \
        .do_unaligned_access = mips_cpu_do_unaligned_access,             \
        .do_transaction_failed = mips_cpu_do_transaction_failed,         \
        .mmu_index = mips_cpu_mmu_index,                                 \
        .translate_code = mips_translate_code,                           \
        .tcg_init = mips_tcg_init,                                       \
        .get_phys_page_debug = mips_cpu_get_phys_page_debug,             \
        .dump_state = mips_cpu_dump_state,                               \
        .dump_tlb = mips_cpu_dump_tlb,                                   \
        .get_pc = mips_cpu_get_pc,                                       \
        .set_pc = mips_cpu_set_pc,                                       \
        .disas_arch = CS_ARCH_MIPS,                                      \
        .disas_mode = CS_MODE_MIPS32 | CS_MODE_LITTLE_ENDIAN,            \
        .vmsd = &vmstate_mips_cpu,                                       \
        .gdb_num_regs = 73,                                              \
        .gdb_read_register = mips_cpu_gdb_read_register,   /* gdbstub */ \
        .gdb_write_register = mips_cpu_gdb_write_register,                \
    }

/* The first registered class is the default when no board names one ("24Kc"); the
 * Malta's is the 24Kf (hw/mips/malta.c). */
static const CPUClass mips_cpu_classes[] = {
    MIPS_CPU_CLASS("24Kc"),
    MIPS_CPU_CLASS("24Kf"),
    MIPS_CPU_CLASS("4Kc"),
};

static void __attribute__((constructor)) mips_cpu_register(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(mips_cpu_classes); i++) {
        cpu_class_register(&mips_cpu_classes[i]);
    }
}
