/* Support library of the bare-metal MIPS guest tests: UART output, checks, CP0
 * access and exception bookkeeping. */
#ifndef GUEST_MIPS_LIB_H
#define GUEST_MIPS_LIB_H

typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;

/* Saved state of an exception (layout shared with start.S). */
struct frame {
    u32 r[32];
    u32 hi, lo, epc, cause, status, badvaddr, vec;
};

void putc_uart(char c);
void puts_uart(const char *s);
void puthex(u32 v);
void check(const char *name, u32 got, u32 expected);
void check64(const char *name, u64 got, u64 expected);
void done(void);
extern int failures;

/* Exception records filled by the default handler. */
struct excp_record {
    int count;
    u32 cause, epc, badvaddr, vec, status;
};
extern volatile struct excp_record last_exc;
/* Where the default handler resumes after an exception in a delay slot (0: skip
 * the branch and its slot). */
extern volatile u32 resume_addr;
/* Optional hook: return 1 if it handled the exception (frame edited). */
extern int (*volatile exc_hook)(struct frame *f);
void reset_exc(void);
u32 trap_entry(struct frame *f);

/* The first two exceptions' EPC and Cause, and how many there were, as
 * fault_record_hook saw them (it leaves the handling to the default path). */
extern volatile u32 nfault, fault_epc[2], fault_cause[2];
int fault_record_hook(struct frame *f);
/* Run fn(&flag) with the CP0 timer interrupt armed ~2 ms ahead; its handler sets
 * the flag, on which fn's loop spins. Checks under name that it was taken. */
void spin_until_irq(const char *name, u32 (*fn)(volatile u32 *flag));

/* Run code at entry in user mode; the hook ends it with user_finish(f). */
void run_user(u32 entry);
void run_super(u32 entry);
void user_finish(struct frame *f);
extern char user_return[];

#define EXC_CODE(c) (((c) >> 2) & 0x1f)
#define CAUSE_BD 0x80000000u

#define STR_(x) #x
#define STR(x) STR_(x)
#define mfc0(reg, sel) ({ u32 _v; __asm__ volatile("mfc0 %0, $" STR(reg) ", " STR(sel) \
                          : "=r"(_v)); _v; })
#define mtc0(reg, sel, v) __asm__ volatile("mtc0 %0, $" STR(reg) ", " STR(sel) "\n\tehb" \
                                           : : "r"((u32)(v)) : "memory")

/* One ALU op on registers, so the compiler cannot fold it. */
#define OP2(insn, a, b) ({ u32 _r; __asm__ volatile(insn " %0, %1, %2" \
                           : "=r"(_r) : "r"((u32)(a)), "r"((u32)(b))); _r; })
#define OP1(insn, a) ({ u32 _r; __asm__ volatile(insn " %0, %1" \
                        : "=r"(_r) : "r"((u32)(a))); _r; })
#define OPI(insn, a, imm) ({ u32 _r; __asm__ volatile(insn " %0, %1, " STR(imm) \
                             : "=r"(_r) : "r"((u32)(a))); _r; })

#endif
