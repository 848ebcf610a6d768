/* Branches, jumps, delay slots and branch-likely nullification (MIPS32 Vol. II). */
#include "lib.h"

#define DECL(n) u32 n(u32 a, u32 b)
DECL(t_beq); DECL(t_bne); DECL(t_beql); DECL(t_bnel);
DECL(t_blez); DECL(t_bgtz); DECL(t_bltz); DECL(t_bgez);
DECL(t_blezl); DECL(t_bgtzl); DECL(t_bltzl); DECL(t_bgezl);
DECL(t_bltzal); DECL(t_bgezal); DECL(t_bltzall); DECL(t_bgezall);
DECL(t_bal); DECL(t_jalr); DECL(t_jal); DECL(t_jrhb);
DECL(t_slot_modifies_src); DECL(t_jr_slot_overwrites);
DECL(t_cross_b); DECL(t_cross_bc); DECL(t_cross_bl); DECL(t_cross_jr); DECL(t_many);
DECL(t_split_loop); DECL(t_split_fault);
extern char x_split_lw[];

static volatile u32 split_word __attribute__((aligned(8))) = 0x1234;

/* Expected result for a normal branch: slot always runs. */
#define N(taken) (10u + ((taken) ? 1u : 0u))
/* Likely: the slot only runs when taken. */
#define L(taken) ((taken) ? 11u : 0u)
#define LINK (8u << 8)

int main(void)
{
    check("beq taken", t_beq(3, 3), N(1));
    check("beq not taken", t_beq(3, 4), N(0));
    check("bne taken", t_bne(3, 4), N(1));
    check("bne not taken", t_bne(3, 3), N(0));
    check("beql taken", t_beql(3, 3), L(1));
    check("beql nullified", t_beql(3, 4), L(0));
    check("bnel taken", t_bnel(3, 4), L(1));
    check("bnel nullified", t_bnel(3, 3), L(0));
    check("blez 0", t_blez(0, 0), N(1));
    check("blez neg", t_blez(0x80000000u, 0), N(1));
    check("blez pos", t_blez(1, 0), N(0));
    check("bgtz pos", t_bgtz(1, 0), N(1));
    check("bgtz 0", t_bgtz(0, 0), N(0));
    check("bgtz neg", t_bgtz(0xffffffffu, 0), N(0));
    check("bltz neg", t_bltz(0xffffffffu, 0), N(1));
    check("bltz 0", t_bltz(0, 0), N(0));
    check("bgez 0", t_bgez(0, 0), N(1));
    check("bgez neg", t_bgez(0x80000000u, 0), N(0));
    check("blezl taken", t_blezl(0, 0), L(1));
    check("blezl nullified", t_blezl(5, 0), L(0));
    check("bgtzl taken", t_bgtzl(5, 0), L(1));
    check("bgtzl nullified", t_bgtzl(0, 0), L(0));
    check("bltzl taken", t_bltzl(0xfffffffeu, 0), L(1));
    check("bltzl nullified", t_bltzl(0, 0), L(0));
    check("bgezl taken", t_bgezl(7, 0), L(1));
    check("bgezl nullified", t_bgezl(0x80000000u, 0), L(0));
    check("bltzal taken", t_bltzal(0xffffffffu, 0), N(1) | LINK);
    check("bltzal not taken links", t_bltzal(1, 0), N(0) | LINK);
    check("bgezal taken", t_bgezal(0, 0), N(1) | LINK);
    check("bgezal not taken links", t_bgezal(0x80000000u, 0), N(0) | LINK);
    check("bltzall taken", t_bltzall(0x80000000u, 0), L(1) | LINK);
    check("bltzall nullified links", t_bltzall(1, 0), L(0) | LINK);
    check("bgezall taken", t_bgezall(1, 0), L(1) | LINK);
    check("bgezall nullified links", t_bgezall(0xffffffffu, 0), L(0) | LINK);
    check("bal", t_bal(0, 0), N(1) | LINK);
    check("jalr rd", t_jalr(0, 0), N(1) | LINK);
    check("jal + j", t_jal(0, 0), (N(1) | LINK) + 0x1000);
    check("jr.hb", t_jrhb(0, 0), 11);
    check("slot modifies branch source", t_slot_modifies_src(5, 0), 106);
    check("jr slot overwrites target reg", t_jr_slot_overwrites(0, 0), 7);
    check("slot on next page: b", t_cross_b(0, 0), 11);
    check("slot on next page: bc taken", t_cross_bc(0, 0), 11);
    check("slot on next page: bc not taken", t_cross_bc(1, 0), 10);
    check("slot on next page: likely taken", t_cross_bl(0, 0), 11);
    check("slot on next page: likely nullified", t_cross_bl(1, 0), 0);
    check("slot on next page: jr", t_cross_jr(0, 0), 11);
    check("300 branches in a row", t_many(0, 0), 300);
    /* Expected values from a host model of the loop. */
    check("split loop, 1 iteration", t_split_loop(1, 2463534242u), 0x2b1b4d63);
    check("split loop, 7 iterations", t_split_loop(7, 1), 0xf6510968);
    check("split loop, 1000 iterations", t_split_loop(1000, 2463534242u), 0xe85472be);
    reset_exc();
    check("split loop with a fault: result", t_split_fault(6, (u32)&split_word),
          3 * 0x1234 + 300 + 3000);
    check("split loop with a fault: one AdEL", last_exc.count, 1);
    check("split loop with a fault: code", EXC_CODE(last_exc.cause), 4);
    check("split loop with a fault: EPC", last_exc.epc, (u32)x_split_lw);
    check("split loop with a fault: BadVAddr", last_exc.badvaddr, (u32)&split_word + 1);
    done();
    return 0;
}
