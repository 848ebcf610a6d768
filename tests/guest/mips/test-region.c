/*
 * Region TBs (docs/engine.md, "Regions"): loops with if/else blocks, branch-likely
 * forms and branches into delay slots inside one TB give the architected results;
 * an interrupt still stops a region loop that would run forever (at the TB's
 * start and at a loop head inside the TB); a loop that rewrites an insn of its own
 * region runs the new insn; exceptions inside a region, in a block and in a delay
 * slot, report the right EPC and Cause.BD. Results were checked against QEMU
 * (make check-guest-mips-qemu).
 */
#include "lib.h"

u32 t_ifelse(u32 n, u32 x);
u32 t_midloop(u32 n);
u32 t_inner(u32 n, u32 x);
u32 t_likely_loop(u32 n, u32 x);
u32 t_into_slot(u32 n);
u32 t_spin_head(volatile u32 *flag);
u32 t_spin_mid(volatile u32 *flag);
u32 t_smc_loop(u32 n);
u32 t_fault_loop(u32 n, u32 addr);
extern u32 x_smc_insn[];
extern char x_fault_lw[], x_fault_slot[], x_fault_head[];

static volatile u32 fault_word __attribute__((aligned(8))) = 7;

/* The reference results, computed the slow way in C. */
static u32 ref_ifelse(u32 n, u32 x)
{
    u32 v0 = 0, t2 = 0;
    do {
        u32 odd = x & 1;
        x >>= 1;
        if (odd) {
            v0 += n;
            x ^= 0x5a5a;
        } else {
            v0 += 3;
            x ^= v0 << 1;
        }
        n--;
        t2++;
    } while (n);
    return v0 + t2;
}

static u32 ref_likely(u32 n, u32 x)
{
    u32 v0 = 0;
    for (;;) {
        if ((x & 3) == 0) {
            v0 += 100;
        } else {
            v0 += 1;
        }
        x >>= 1;
        if (--n == 0) {
            return v0;
        }
        x ^= 0x1234;
    }
}

static u32 ref_inner(u32 n, u32 x)
{
    u32 v0 = 0;
    for (;;) {
        v0 += x & 7;
        x >>= 3;
        if (n == 0) {
            return v0;
        }
        do {
            n--;
            v0++;
        } while (n & 3);
        if (!x) {
            return v0;
        }
    }
}

int main(void)
{
    check("if/else loop, 1", t_ifelse(1, 0x12345678u), ref_ifelse(1, 0x12345678u));
    check("if/else loop, 37", t_ifelse(37, 0x9abcdef1u), ref_ifelse(37, 0x9abcdef1u));
    check("if/else loop, 5000", t_ifelse(5000, 0xdeadbeefu), ref_ifelse(5000, 0xdeadbeefu));
    check("loop head mid-TB", t_midloop(10), 0x33d5);
    check("two back edges", t_inner(1000, 0xfedcba98u), ref_inner(1000, 0xfedcba98u));
    check("two back edges, n 0", t_inner(0, 0x5u), ref_inner(0, 0x5u));
    check("likely loop, 1", t_likely_loop(1, 0x4u), ref_likely(1, 0x4u));
    check("likely loop, 300", t_likely_loop(300, 0x87654321u), ref_likely(300, 0x87654321u));
    check("branch into a delay slot", t_into_slot(9), 5 * 10 + 4 * 11);

    spin_until_irq("IRQ stops a loop back to the TB start", t_spin_head);
    spin_until_irq("IRQ stops a loop inside the TB", t_spin_mid);

    x_smc_insn[0] = 0x24420001u;             /* addiu v0, v0, 1 */
    /* counts 6 (+1), 5 (+1, rewrites), 4..1 (+100 each) */
    check("loop rewriting its own region", t_smc_loop(6), 2 + 4 * 100);
    check("rewritten insn in memory", x_smc_insn[0], 0x24420064u);
    x_smc_insn[0] = 0x24420001u;
    check("loop rewriting its own region, again", t_smc_loop(3), 1 + 2 * 100);
    x_smc_insn[0] = 0x24420001u;

    /* Counts 7, 6, ..., 1: the block's lw runs on odd counts and faults at 3
     * (skipped: its addu adds the stale 7 again), the slot's lw on every count
     * and faults at 5, in the delay slot (resuming at the loop head, count 4). */
    reset_exc();
    nfault = 0;
    exc_hook = fault_record_hook;
    resume_addr = (u32)x_fault_head;
    u32 r = t_fault_loop(7, (u32)&fault_word);
    exc_hook = 0;
    resume_addr = 0;
    check("faults in a region: result", r, 4 * 7);
    check("faults in a region: two AdEL", nfault, 2);
    check("faults in a region: slot fault code", EXC_CODE(fault_cause[0]), 4);
    check("faults in a region: slot fault EPC", fault_epc[0], (u32)x_fault_slot - 4);
    check("faults in a region: slot fault BD", fault_cause[0] & CAUSE_BD, CAUSE_BD);
    check("faults in a region: block fault code", EXC_CODE(fault_cause[1]), 4);
    check("faults in a region: block fault EPC", fault_epc[1], (u32)x_fault_lw);
    check("faults in a region: block fault BD", fault_cause[1] & CAUSE_BD, 0);
    check("faults in a region: BadVAddr", last_exc.badvaddr, (u32)&fault_word + 1);
    done();
    return 0;
}
