/*
 * i386 debug registers and alignment checking: DR0-DR7 breakpoints, the #DB
 * conditions at the end of an instruction (single step, data breakpoints), general
 * detect, and #AC for misaligned data accesses.
 *
 * Intel SDM Vol. 3, ch. 17 "Debug, Branch Profile, TSC, and Intel Resource Director
 * Technology Features": 17.2 (DR0-DR3 addresses, DR6 status B0-B3/BD/BS, DR7 L/G
 * enables, R/W and LEN fields, GD), 17.3.1 (instruction breakpoints are faults taken
 * before the instruction executes, suppressed once by EFLAGS.RF; data breakpoints
 * are traps taken after the access's instruction completes; single step is a trap).
 * Vol. 3, 6.15 "Interrupt 17—Alignment Check Exception" for #AC.
 *
 * How it fits the translator: when DR7 enables any breakpoint, hflags carry HF_DBG;
 * such TBs hold one instruction, check execute breakpoints while translating it,
 * report every data access made by generated code to helper_x86_dbg_access, and end
 * with helper_x86_debug_insn_end. Changing DR0-DR3/DR7 while breakpoints are on
 * flushes translated code (execute-breakpoint addresses are baked into TBs).
 * Not modelled: I/O breakpoints (R/W = 10b needs CR4.DE, not offered), breakpoints on
 * memory touched by C helpers (x87/SSE images, system structures, interrupt frames),
 * LE/GE exactness (always exact here), DR6.BT (16-bit TSS T flag traps).
 */
#include "qemu/osdep.h"
#include "internal.h"
#include "exec/exec-all.h"
#include "qemu/log.h"

#define DR6_BD (1u << 13)
#define DR6_BS (1u << 14)
#define DR6_FIXED 0xffff0ff0u
#define DR7_GD (1u << 13)

static unsigned x86_dr7_rw(uint32_t dr7, int i)
{
    return (dr7 >> (16 + 4 * i)) & 3;
}

/* Breakpoint length in bytes from the LEN field (10b: 8 bytes on later CPUs). */
static unsigned x86_dr7_len(uint32_t dr7, int i)
{
    static const uint8_t lens[4] = { 1, 2, 8, 4 };

    return lens[(dr7 >> (18 + 4 * i)) & 3];
}

static bool x86_dr7_enabled(uint32_t dr7, int i)
{
    return (dr7 >> (2 * i)) & 3;
}

uint32_t x86_insn_breakpoint_hits(CPUX86State *env, uint32_t linear_pc)
{
    uint32_t dr7 = env->dr[7], hits = 0;

    for (int i = 0; i < 4; i++) {
        if (x86_dr7_enabled(dr7, i) && x86_dr7_rw(dr7, i) == 0 &&
            env->dr[i] == linear_pc) {
            hits |= 1u << i;
        }
    }
    return hits;
}

/* Execute breakpoint: a fault, eip already at the instruction. */
void helper_x86_insn_bp(CPUX86State *env, uint32_t hits)
{
    env->dr[6] |= hits;
    env->dbg_hits = 0;
    x86_raise_exception(env, EXCP01_DB, 0);
}

/*
 * A data access of len bytes at linear addr by the current instruction: remember the
 * data breakpoints it hits (R/W = 01b on stores, 11b on loads and stores). A
 * breakpoint's address is aligned down to its length, as the hardware compares it.
 */
void helper_x86_dbg_access(CPUX86State *env, uint32_t addr, uint32_t len_rw)
{
    uint32_t dr7 = env->dr[7];
    uint32_t len = len_rw & 0xff;
    bool is_write = (len_rw & X86_SEGCHK_WRITE) != 0;

    for (int i = 0; i < 4; i++) {
        unsigned rw = x86_dr7_rw(dr7, i);
        uint32_t blen, bstart;

        if (!x86_dr7_enabled(dr7, i) || (rw != 3 && !(rw == 1 && is_write))) {
            continue;
        }
        blen = x86_dr7_len(dr7, i);
        bstart = env->dr[i] & ~(blen - 1);
        /* Overlap of [addr, addr + len) and [bstart, bstart + blen), mod 2^32. */
        if ((uint32_t)(addr - bstart) < blen || (uint32_t)(bstart - addr) < len) {
            env->dbg_hits |= 1u << i;
        }
    }
}

/*
 * End of an instruction in a TB with TF or breakpoints on; eip is already past it.
 * Single step and data breakpoints report together in one #DB trap (DR6 BS and Bn).
 */
void helper_x86_debug_insn_end(CPUX86State *env, uint32_t tf)
{
    uint32_t hits = env->dbg_hits;

    env->dbg_hits = 0;
    if (!tf && !hits) {
        return;
    }
    env->dr[6] |= hits | (tf ? DR6_BS : 0);
    x86_raise_exception(env, EXCP01_DB, 0);
}

/* DR7.GD: the next MOV to or from a debug register is a #DB fault with DR6.BD. */
static void x86_dr_check_gd(CPUX86State *env, uintptr_t ra)
{
    if (env->dr[7] & DR7_GD) {
        env->dr[7] &= ~DR7_GD;
        env->dr[6] |= DR6_BD;
        x86_raise_exception(env, EXCP01_DB, ra);
    }
}

uint32_t helper_x86_read_dr(CPUX86State *env, uint32_t n)
{
    x86_dr_check_gd(env, GETPC());
    return env->dr[n];
}

void helper_x86_write_dr(CPUX86State *env, uint32_t n, uint32_t val)
{
    bool was_on = (env->hflags & HF_DBG_MASK) != 0;

    x86_dr_check_gd(env, GETPC());
    if (n == 6) {
        val = (val & 0x0000e00fu) | DR6_FIXED;
    } else if (n == 7) {
        val = (val & ~0x0000d800u) | 0x400;
    }
    env->dr[n] = val;
    if (n == 7) {
        x86_cpu_update_hflags(env);
    }
    if ((n <= 3 || n == 7) && (was_on || (env->hflags & HF_DBG_MASK))) {
        /* Execute-breakpoint addresses are part of translated code. The
         * translator ends the TB right after this insn, back to the loop. */
        tb_flush(&env->cs);
    }
}

void x86_cpu_do_unaligned_access(CPUState *cs, vaddr addr, MMUAccessType access_type,
                                 int mmu_idx, uintptr_t retaddr)
{
    x86_raise_exception_err(x86_env(cs), EXCP11_ALGN, 0, retaddr);
}
