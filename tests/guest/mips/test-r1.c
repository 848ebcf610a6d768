/*
 * A Release 1 core (4Kc): the Release 2 instructions are reserved there.
 * guest-args: -cpu 4Kc */
#include "lib.h"

#define EXPECT_RI(name, ...) do {                                   \
        reset_exc();                                                \
        __asm__ volatile(".set push\n\t.set mips32r2\n\t" __VA_ARGS__ "\n\t.set pop" \
                         : : : "t0", "t1", "memory");   \
        check(name, EXC_CODE(last_exc.cause), 10);                  \
    } while (0)

int main(void)
{
    check("PRId 4Kc", (mfc0(15, 0) >> 8) & 0xffff, 0x0180);
    check("Config.AR = R1", (mfc0(16, 0) >> 10) & 7, 0);
    EXPECT_RI("rotr is RI", "rotr $8, $9, 3");
    EXPECT_RI("rotrv is RI", "rotrv $8, $9, $10");
    EXPECT_RI("seb is RI", "seb $8, $9");
    EXPECT_RI("seh is RI", "seh $8, $9");
    EXPECT_RI("wsbh is RI", "wsbh $8, $9");
    EXPECT_RI("ext is RI", "ext $8, $9, 0, 4");
    EXPECT_RI("ins is RI", "ins $8, $9, 0, 4");
    EXPECT_RI("di is RI", "di $8");
    EXPECT_RI("ei is RI", "ei $8");
    EXPECT_RI("rdhwr is RI", "rdhwr $8, $2");
    /* Release 1 instructions still work. */
    reset_exc();
    check("clz works", OP1("clz", 0x00100000u), 11);
    check("mul works", OP2("mul", 7, 6), 42);
    check("no exception", last_exc.count, 0);
    done();
    return 0;
}
