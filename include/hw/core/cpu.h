/*
 * The common CPU: state every target's CPU struct begins with (CPUMIPSState and
 * CPUX86State embed CPUState as their first member, so the one pointer that generated
 * code keeps in a fixed host register serves both the common and the target fields),
 * and the CPU class table through which a target plugs into the engine.
 */
#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include <setjmp.h>

/*
 * cpu_loop_exit's unwind. GCC's and clang's __builtin_setjmp/__builtin_longjmp keep
 * only the frame and stack pointers and the resume label (the frame that calls
 * setjmp saves the callee-saved registers itself), where glibc's siglongjmp also
 * walks the pthread cleanup handlers: a TLB-miss-heavy MIPS guest unwinds once per
 * guest TLB refill. Builds with AddressSanitizer keep sigsetjmp, whose longjmp
 * ASan intercepts to unpoison the stack it leaves.
 */
#if defined(__SANITIZE_ADDRESS__)
#define MIMIC_CPU_SIGJMP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIMIC_CPU_SIGJMP 1
#endif
#endif
#ifdef MIMIC_CPU_SIGJMP
typedef sigjmp_buf CPUJmpBuf;
#define cpu_setjmp(buf) sigsetjmp(buf, 0)
#define cpu_longjmp(buf) siglongjmp(buf, 1)
#else
typedef void *CPUJmpBuf[5];
#define cpu_setjmp(buf) __builtin_setjmp(buf)
#define cpu_longjmp(buf) __builtin_longjmp(buf, 1)
#endif
#include "qemu/osdep.h"
#include "exec/cputlb.h"
#include "exec/translation-block.h"

struct CPUClass;
struct TranslationBlock;
struct VMStateDescription;
struct AddressSpace;

/* cpu_exec / exception_index values below EXCP_INTERNAL_BASE are target exceptions. */
#define EXCP_NONE       -1
#define EXCP_INTERRUPT  0x10000   /* exit_request: go service the main loop */
#define EXCP_HLT        0x10001   /* wait/hlt: idle until an interrupt */
#define EXCP_DEBUG      0x10002
#define EXCP_HALTED     0x10003
#define EXCP_YIELD      0x10004
#define EXCP_INTERNAL_BASE 0x10000

/* interrupt_request bits */
#define CPU_INTERRUPT_HARD   0x0002   /* external interrupt line(s) asserted */
#define CPU_INTERRUPT_EXITTB 0x0004   /* leave the current TB chain */
#define CPU_INTERRUPT_HALT   0x0020
#define CPU_INTERRUPT_NMI    0x0200
#define CPU_INTERRUPT_RESET  0x0400
#define CPU_INTERRUPT_SMI    0x0800
#define CPU_INTERRUPT_TGT_EXT_0 0x0008   /* target-defined */
#define CPU_INTERRUPT_TGT_EXT_1 0x0010

/* 64 groups of 1024 slots: a group covers a whole page of 4-byte insns. With 128 x
 * 128, TBs of one page 512 bytes apart and pages 512 KiB apart evicted each other so
 * often that 60% of the MIPS forkexec's loop lookups went on to the hash table; with
 * 256 x 256, TBs of one page 1, 2 or 3 KiB apart still did (a MIPS boot: 92,000
 * loop lookups of kernel TBs found another TB in the slot, 12,000 now), mostly
 * pairs of TBs that alternate (a function and its caller). */
#define TB_JMP_CACHE_BITS 16
#define TB_JMP_PAGE_BITS 6    /* groups: 1 << PAGE_BITS, slots per group: the rest */
#define TB_JMP_CACHE_SIZE (1 << TB_JMP_CACHE_BITS)
#define TB_JMP_LOG_SIZE 1024

#define CPU_MAX_BREAKPOINTS 64     /* gdbstub Z0/Z1 per CPU */
#define CPU_MAX_WATCHPOINTS 16     /* gdbstub Z2-Z4 per CPU */

/* Watchpoint kinds (accel/tcg/watchpoint.c). */
#define BP_MEM_READ   1
#define BP_MEM_WRITE  2
#define BP_MEM_ACCESS (BP_MEM_READ | BP_MEM_WRITE)

typedef struct CPUWatchpoint {
    vaddr addr;
    vaddr len;                  /* bytes watched from addr (never wraps) */
    int flags;                  /* BP_MEM_*; 0 in watch_hit: no hit */
} CPUWatchpoint;

typedef struct CPUJumpCache {
    struct {
        struct TranslationBlock *tb;
        vaddr pc;
        /* ~flags, the complement of the CPU flags the TB was last looked up for
         * (they equal tb->flags on every bit the TB depends on, flags_mask), or 0
         * where generated code must not take the entry (empty slot, a TB with
         * special cflags or a cs_base): pc and nflags form one 64-bit key for the
         * inline probe (translator_gen_lookup_and_goto_ptr), which compares exact
         * flags. Keyed by tb->flags instead, a TB translated before the guest set
         * a bit the TB ignores (i386: CR0.MP/EM/TS, CR4.OSFXSR at FPU init) was
         * missed by every probe afterwards and each jump to it went through the
         * loop: 4.2 million times in an i386 boot. */
        uint32_t nflags;
    } array[TB_JMP_CACHE_SIZE];
    /* One bit per guest virtual page that may have entries above, so flushing a page
     * that never held code (most flushes: data pages) costs one bit test. */
    uint64_t pages[(1u << (32 - TARGET_PAGE_BITS)) / 64];
    /* Slots filled since the last full clear, so clearing after a few fills (x86
     * guests flush everything on each address-space switch) touches only those
     * instead of the whole 384 KiB. nlog > TB_JMP_LOG_SIZE: too many, clear all. */
    uint16_t log[TB_JMP_LOG_SIZE];
    unsigned nlog;
    /* Entries of TBs on global pages (x86 PTE.G with CR4.PGE), which an address-space
     * switch keeps: one bit per slot (those slots are not in log), and one bit per
     * guest virtual page that may have such entries (a superset). */
    uint64_t gslots[TB_JMP_CACHE_SIZE / 64];
    uint64_t gpages[(1u << (32 - TARGET_PAGE_BITS)) / 64];
    bool has_global;
    /* Per slot, which page of its group the entry belongs to (tb_jmp_cache_ptag), 0
     * for none: flushing a page compares a group's 2 KiB of tags instead of
     * reading 16 KiB of entries. A tag may outlive its entry, never the reverse. */
    uint16_t ptag[TB_JMP_CACHE_SIZE];
} CPUJumpCache;

typedef struct CPUState {
    /* Read by generated code: keep first (short displacements). */
    CPUTLBDescFast tlb_fast[MMU_MODES_MAX];
    /* Checked at every TB start: non-zero makes the TB exit to the loop. Set from a
     * signal handler or another thread, hence volatile int32. */
    volatile int32_t exit_request_tb;
    /* Direct RAM windows per MMU mode (exec/cputlb.h), read by generated code. */
    CPUTLBWindow tlb_win[MMU_MODES_MAX];

    /*
     * Branch profiles of TBs in their first translation (tcg/ifconv.c): per slot,
     * executions, direction changes and the last direction. Hints for the JIT,
     * not machine state: never saved; zeroed when a TB takes the slot.
     */
#define CPU_IFCONV_SLOTS 32
    struct {
        uint32_t runs, changes, last;
    } ifconv_prof[CPU_IFCONV_SLOTS];
    /* Set by a profiled TB whose counter reached the count, with exit_request_tb:
     * the TB and its slots (first | nb << 8), for cpu_exec to decide on. */
    struct TranslationBlock *ifconv_pending_tb;
    uint32_t ifconv_pending_slots;

    const struct CPUClass *cc;
    int cpu_index;
    int exception_index;        /* EXCP_NONE or a target exception number */
    uint32_t interrupt_request; /* CPU_INTERRUPT_* */
    volatile bool exit_request; /* leave cpu_exec soon (main loop work) */
    bool halted;                /* in wait/hlt */
    bool stopped;               /* paused by the monitor */
    bool crash_occurred;
    int singlestep;
    uintptr_t mem_io_pc;        /* host pc of the access being serviced (MMIO) */
    /* cflags for the next TB only (-1: none): e.g. one uncached insn after a store
     * that modified the TB it ran in. */
    int32_t cflags_next_tb;
    bool can_do_io;

    CPUJmpBuf jmp_env;          /* cpu_loop_exit unwinds here (cpu_setjmp) */

    CPUTLB tlb;
    CPUJumpCache *tb_jmp_cache;
    struct AddressSpace *as;    /* the CPU's view of memory */

    /* KVM state when that accelerator runs this CPU. */
    int kvm_fd;
    void *kvm_run;
    bool kvm_vcpu_dirty;

    /* gdbstub breakpoints (guest virtual pcs): translator_loop compares each insn's
     * pc with them at translation time only, so with none the generated code is
     * unchanged. Changed only between slices, followed by a tb_flush. */
    int nb_breakpoints;
    vaddr breakpoints[CPU_MAX_BREAKPOINTS];
    /* gdbstub watchpoints (accel/tcg/watchpoint.c): the watched pages' TLB entries
     * carry TLB_WATCH. watch_step: the insn that hit runs again, watchpoints
     * ignored, then the loop stops; watch_hit/watch_hit_addr: what the stop reply
     * reports (the watchpoint, and the data address within it). */
    int nb_watchpoints;
    CPUWatchpoint watchpoints[CPU_MAX_WATCHPOINTS];
    bool watch_step;
    CPUWatchpoint watch_hit;
    vaddr watch_hit_addr;

    struct CPUState *next_cpu;
} CPUState;

/* The target's CPU description. */
typedef struct CPUClass {
    const char *arch_name;       /* "mips", "i386" */
    const char *model_name;      /* "24Kc" */
    size_t state_size;           /* sizeof(CPUMIPSState) etc. */

    void (*init)(CPUState *cpu);           /* once, after allocation */
    void (*reset)(CPUState *cpu);
    bool (*has_work)(CPUState *cpu);       /* wake from halt? */
    /* Deliver cpu->exception_index (set exception_index = EXCP_NONE when done). */
    void (*do_interrupt)(CPUState *cpu);
    /* Check pending hardware interrupts; deliver one and return true if taken. */
    bool (*exec_interrupt)(CPUState *cpu, uint32_t interrupt_request);
    /* The state a TB depends on. */
    void (*get_tb_cpu_state)(CPUState *cpu, vaddr *pc, uint32_t *cs_base, uint32_t *flags);
    /* Set the pc from a TB that exited without setting it (exit_tb with 0 after an
     * interrupt check at TB start). */
    void (*synchronize_from_tb)(CPUState *cpu, const struct TranslationBlock *tb);
    /* Restore pc (and delay-slot state etc.) from one insn's insn_start data. */
    void (*restore_state_to_opc)(CPUState *cpu, const struct TranslationBlock *tb,
                                 const uint64_t *data);
    /* Walk guest page tables/TLB for addr; on success call tlb_set_page and return true.
     * On failure: probe -> return false; else raise the guest exception
     * (cpu_loop_exit_restore(cpu, retaddr)). */
    bool (*tlb_fill)(CPUState *cpu, vaddr addr, int size, MMUAccessType access_type,
                     int mmu_idx, bool probe, uintptr_t retaddr);
    /* Unaligned access with MO_ALIGN: raise the guest exception (noreturn). */
    void (*do_unaligned_access)(CPUState *cpu, vaddr addr, MMUAccessType access_type,
                                int mmu_idx, uintptr_t retaddr);
    /* MMIO access fault (bus error): may raise, or ignore. */
    void (*do_transaction_failed)(CPUState *cpu, hwaddr pa, vaddr addr, unsigned size,
                                  MMUAccessType access_type, int mmu_idx, uintptr_t retaddr);
    int (*mmu_index)(CPUState *cpu, bool ifetch);
    /*
     * TB flags that most code does not depend on (i386: CR0.EM/TS/MP, CR4.OSFXSR,
     * which only FPU/MMX/SSE insns consult): a TB whose translation never read
     * them clears them from its flags_mask and is found for either value, and TB
     * lookups hash the flags without them. 0: every TB depends on every bit.
     */
    uint32_t tb_flags_optional;
    /* Translate one TB (calls translator_loop with the target's TranslatorOps). */
    void (*translate_code)(CPUState *cpu, struct TranslationBlock *tb, int *max_insns);
    /* Register translator globals once (tcg_global_mem_new_*). */
    void (*tcg_init)(void);
    /* Debug translation (monitor x, gdb): -1 if unmapped. Never faults. */
    hwaddr (*get_phys_page_debug)(CPUState *cpu, vaddr addr);
    void (*dump_state)(CPUState *cpu, FILE *f, int flags);
    vaddr (*get_pc)(CPUState *cpu);
    void (*set_pc)(CPUState *cpu, vaddr pc);
    /* Capstone architecture and mode for guest disassembly (cs_arch, cs_mode). */
    int disas_arch, disas_mode;
    /* For x86: current code mode (16/32) changes the Capstone mode. */
    int (*disas_mode_now)(CPUState *cpu, uint32_t tb_flags);
    const struct VMStateDescription *vmsd;
    int gdb_num_regs;
    /* gdbstub: register n in GDB's default numbering for the arch, in guest byte
     * order. read returns its size and fills buf (0: no such register or not
     * available); write returns the bytes it took (0: not writable). */
    int (*gdb_read_register)(CPUState *cpu, uint8_t *buf, int n);
    int (*gdb_write_register)(CPUState *cpu, const uint8_t *buf, int n);
    /* The guest's TLB or page mappings for the monitor's `info tlb` (may be NULL). */
    void (*dump_tlb)(CPUState *cpu, FILE *f);
} CPUClass;

/* Registry of CPU models; targets register theirs from a constructor. */
void cpu_class_register(const CPUClass *cc);
const CPUClass *cpu_class_by_name(const char *arch, const char *model); /* NULL model: first */
void cpu_class_list(FILE *f, const char *arch);

/* Allocate, init and reset a CPU of class cc, attached to address space as. */
CPUState *cpu_create(const CPUClass *cc, struct AddressSpace *as);
void cpu_reset(CPUState *cpu);
extern CPUState *first_cpu;
#define CPU_FOREACH(c) for ((c) = first_cpu; (c); (c) = (c)->next_cpu)

/*
 * Watchpoints (accel/tcg/watchpoint.c). Insert/remove return false when the CPU's
 * table is full / nothing matched; a change flushes the CPU's TLB. page_flags: the
 * BP_MEM_* kinds watched somewhere in the guest page at page. check: the slow path's
 * test of an access of len bytes at addr; on a hit it does not return (the insn
 * restarts, see watchpoint.c).
 */
bool cpu_watchpoint_insert(CPUState *cpu, vaddr addr, vaddr len, int flags);
bool cpu_watchpoint_remove(CPUState *cpu, vaddr addr, vaddr len, int flags);
void cpu_watchpoint_remove_all(CPUState *cpu);
int cpu_watchpoint_page_flags(const CPUState *cpu, vaddr page);
void cpu_watchpoint_check(CPUState *cpu, vaddr addr, unsigned len, int flags,
                          uintptr_t retaddr);

/* Is there a gdbstub breakpoint at pc? (Translation time only: see breakpoints.) */
static inline bool cpu_breakpoint_at(const CPUState *cpu, vaddr pc)
{
    for (int i = 0; i < cpu->nb_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            return true;
        }
    }
    return false;
}

/* Raise / lower bits of interrupt_request (and make the running TB chain exit). */
void cpu_interrupt(CPUState *cpu, uint32_t mask);
void cpu_reset_interrupt(CPUState *cpu, uint32_t mask);
/* Ask the CPU to return to the main loop soon (timers, I/O). Async-signal-safe. */
void cpu_exit(CPUState *cpu);

/* Leave generated code / helpers and return to cpu_exec's setjmp. */
void cpu_loop_exit(CPUState *cpu) QEMU_NORETURN;
/* Same, first restoring the guest state of the insn at host return address retaddr. */
void cpu_loop_exit_restore(CPUState *cpu, uintptr_t retaddr) QEMU_NORETURN;
/* Restore guest state from a host pc inside a TB; false if retaddr is not in a TB. */
bool cpu_restore_state(CPUState *cpu, uintptr_t retaddr);
/* Raise a target exception from a helper (sets exception_index, restores, unwinds). */
void cpu_raise_exception_ra(CPUState *cpu, int excp, uintptr_t retaddr) QEMU_NORETURN;

/* Run until something needs the main loop; returns an EXCP_* reason. */
int cpu_exec(CPUState *cpu);

/* Host return address in a helper called from generated code. Under the IR
 * interpreter the "host pc" is the position in the TB's bytecode, which the interpreter
 * publishes in tcg_interp_retaddr before each call. */
extern bool tcg_use_interp;
extern uintptr_t tcg_interp_retaddr;
#define GETPC() (tcg_use_interp ? tcg_interp_retaddr \
                 : (uintptr_t)__builtin_return_address(0))

#endif
