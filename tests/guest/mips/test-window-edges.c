/*
 * Halfword and word accesses at the edges of kseg0, where the emulator's direct
 * RAM window folds the alignment test into its bounds check. Plain MIPS32
 * semantics (MIPS32 PRA: address error exceptions come before any translation
 * or bus access and leave memory untouched), so the same on any implementation:
 *  - misaligned lh/lhu/lw/sh/sw at the start of RAM, around the window's last
 *    page, at the last word of RAM, just past the RAM size, at the top of
 *    kseg0, in kseg1 and at the top of kuseg raise AdEL/AdES with BadVAddr = the
 *    address, load nothing and store nothing;
 *  - aligned ones next to them read and write RAM like the kseg1 alias;
 *  - runs of accesses off one base register (the emulator checks them together)
 *    with a misaligned base take one exception per access;
 *  - halfword, byte and word stores through kseg0 into a page holding code, far
 *    from the start of RAM, change the code that runs next.
 * Run with -m 64: RAM ends at physical 0x04000000.
 */
#include "lib.h"

#define RAM_END 0x04000000u
#define K0(pa) ((pa) | 0x80000000u)
#define K1(pa) ((pa) | 0xa0000000u)

#define LI_V0(n) (0x24020000u | ((n) & 0xffff))   /* addiu v0, zero, n */
#define JR_RA 0x03e00008u
#define NOP 0u

enum { OP_LH, OP_LHU, OP_LW, OP_SH, OP_SW, NB_OPS };
static const char *const op_name[NB_OPS] = { "lh", "lhu", "lw", "sh", "sw" };
static const u32 op_size[NB_OPS] = { 2, 2, 4, 2, 4 };

static volatile u32 *w32(u32 a)
{
    return (volatile u32 *)a;
}

/* One access of kind op at a; loads return the loaded value, or `old` if the
 * access did not complete. */
static u32 access(int op, u32 a, u32 old, u32 v)
{
    u32 r = old;

    switch (op) {
    case OP_LH:
        __asm__ volatile("lh %0, 0(%1)" : "+r"(r) : "r"(a) : "memory");
        break;
    case OP_LHU:
        __asm__ volatile("lhu %0, 0(%1)" : "+r"(r) : "r"(a) : "memory");
        break;
    case OP_LW:
        __asm__ volatile("lw %0, 0(%1)" : "+r"(r) : "r"(a) : "memory");
        break;
    case OP_SH:
        __asm__ volatile("sh %0, 0(%1)" : : "r"(v), "r"(a) : "memory");
        break;
    default:
        __asm__ volatile("sw %0, 0(%1)" : : "r"(v), "r"(a) : "memory");
        break;
    }
    return r;
}

static void report(const char *op, const char *what, u32 a, u32 got, u32 want)
{
    if (got != want) {
        puts_uart("  at ");
        puts_uart(op);
        puts_uart(" ");
        puthex(a);
        puts_uart("\n");
    }
    check(what, got, want);
}

/* Every access kind misaligned by 1..size-1 at a (an aligned address): an
 * address error with BadVAddr, no value loaded, nothing stored. If in_ram, a
 * is RAM whose surroundings are watched through kseg1 at pa. */
static void check_misaligned(u32 a, int in_ram, u32 pa)
{
    for (int op = 0; op < NB_OPS; op++) {
        for (u32 mis = 1; mis < op_size[op]; mis++) {
            u32 addr = a + mis;
            int is_store = op >= OP_SH;
            if (in_ram) {
                *w32(K1(pa)) = 0x01020304u;
                *w32(K1(pa + 4)) = 0x05060708u;
            }
            reset_exc();
            u32 got = access(op, addr, 0x77777777u, 0xdeadbeefu);
            report(op_name[op], "one exception", addr, last_exc.count, 1);
            report(op_name[op], "AdEL/AdES", addr, EXC_CODE(last_exc.cause),
                   is_store ? 5 : 4);
            report(op_name[op], "BadVAddr", addr, last_exc.badvaddr, addr);
            if (!is_store) {
                report(op_name[op], "nothing loaded", addr, got, 0x77777777u);
            } else if (in_ram) {
                report(op_name[op], "nothing stored", addr, *w32(K1(pa)), 0x01020304u);
                report(op_name[op], "nothing stored", addr, *w32(K1(pa + 4)),
                       0x05060708u);
            }
        }
    }
}

/* Aligned accesses at K0(pa) agree with the kseg1 alias, with no exception. */
static void check_aligned(u32 pa)
{
    u32 a = K0(pa);

    reset_exc();
    *w32(K1(pa)) = 0x8765c321u;
    report("lw", "aligned lw", a, access(OP_LW, a, 0, 0), 0x8765c321u);
    report("lh", "aligned lh", a, access(OP_LH, a, 0, 0), 0xffffc321u);
    report("lhu", "aligned lhu", a + 2, access(OP_LHU, a + 2, 0, 0), 0x8765u);
    report("lh", "aligned lh", a + 2, access(OP_LH, a + 2, 0, 0), 0xffff8765u);
    access(OP_SH, a + 2, 0, 0x1234u);
    report("sh", "aligned sh", a + 2, *w32(K1(pa)), 0x1234c321u);
    access(OP_SW, a, 0, 0xcafef00du);
    report("sw", "aligned sw", a, *w32(K1(pa)), 0xcafef00du);
    report("any", "no exception", a, last_exc.count, 0);
}

/* Three accesses off one misaligned base: each raises its own AdEL/AdES. */
static void check_misaligned_run(u32 pa)
{
    u32 a = K0(pa) + 2, x = 0x11111111u, y = 0x22222222u;

    *w32(K1(pa)) = 0x0a0b0c0du;
    *w32(K1(pa + 4)) = 0x01020304u;
    *w32(K1(pa + 8)) = 0x05060708u;
    reset_exc();
    __asm__ volatile("lw %0, 4(%2)\n\tlw %1, 0(%2)\n\tsw %3, 8(%2)"
                     : "+r"(x), "+r"(y) : "r"(a), "r"(0xdeadbeefu) : "memory");
    check("run: three exceptions", last_exc.count, 3);
    check("run: last is AdES", EXC_CODE(last_exc.cause), 5);
    check("run: BadVAddr", last_exc.badvaddr, a + 8);
    check("run: nothing loaded", x, 0x11111111u);
    check("run: nothing loaded", y, 0x22222222u);
    check("run: nothing stored", *w32(K1(pa + 8)), 0x05060708u);
    check("run: nothing stored", *w32(K1(pa + 4)), 0x01020304u);
    /* The same run aligned: values as the alias has them. */
    a -= 2;
    reset_exc();
    __asm__ volatile("lw %0, 4(%2)\n\tlw %1, 0(%2)\n\tsw %3, 8(%2)"
                     : "+r"(x), "+r"(y) : "r"(a), "r"(0xdeadbeefu) : "memory");
    check("run aligned: no exception", last_exc.count, 0);
    check("run aligned: lw 4", x, 0x01020304u);
    check("run aligned: lw 0", y, 0x0a0b0c0du);
    check("run aligned: sw 8", *w32(K1(pa + 8)), 0xdeadbeefu);
}

typedef u32 (*fn_t)(void);

static u32 call(u32 entry)
{
    return ((fn_t)entry)();
}

/* Code at K0(pa), rewritten through kseg0 with each store size. */
static void check_code_rewrite(u32 pa)
{
    u32 code = K0(pa);

    *w32(code) = LI_V0(21);
    *w32(code + 4) = JR_RA;
    *w32(code + 8) = NOP;
    __asm__ volatile("synci 0(%0)\n\tsync" : : "r"(code) : "memory");
    check("far code runs", call(code), 21);
    /* Data stores beside the code on the same page keep it right. */
    for (u32 i = 64; i < 1024; i++) {
        *w32(code + 4 * i) = i;
    }
    check("far code beside data", call(code), 21);
    /* sh into the immediate, through kseg0. */
    __asm__ volatile("sh %0, 0(%1)" : : "r"(22u), "r"(code) : "memory");
    check("far code rewritten by sh", call(code), 22);
    __asm__ volatile("sb %0, 0(%1)" : : "r"(23u), "r"(code) : "memory");
    check("far code rewritten by sb", call(code), 23);
    __asm__ volatile("sw %0, 0(%1)" : : "r"(LI_V0(24)), "r"(code) : "memory");
    check("far code rewritten by sw", call(code), 24);
    /* The last word of the page and the one after: a page boundary. */
    u32 tail = code + 0x1000 - 8;
    *w32(tail) = JR_RA;
    *w32(tail + 4) = LI_V0(25);
    check("code at a page end", call(tail), 25);
    __asm__ volatile("sh %0, 4(%1)" : : "r"(26u), "r"(tail) : "memory");
    check("code at a page end rewritten by sh", call(tail), 26);
}

int main(void)
{
    /* Misaligned everywhere: RAM start, below and at the window's last page,
     * the last word of RAM, just past RAM, top of kseg0, kseg1, top of kuseg. */
    check_misaligned(K0(0x00300000u), 1, 0x00300000u);
    check_misaligned(K0(RAM_END - 0x1008u), 1, RAM_END - 0x1008u);
    check_misaligned(K0(RAM_END - 0x1004u), 1, RAM_END - 0x1004u);
    check_misaligned(K0(RAM_END - 0x1000u), 1, RAM_END - 0x1000u);
    check_misaligned(K0(RAM_END - 8u), 1, RAM_END - 8u);
    check_misaligned(K0(RAM_END), 0, 0);
    check_misaligned(K0(RAM_END + 0x1000u), 0, 0);
    check_misaligned(0x9ffffff8u, 0, 0);
    check_misaligned(K1(0x00300000u), 1, 0x00300000u);
    check_misaligned(0x7ffffff8u, 0, 0);
    check_misaligned(0x80000000u, 0, 0);

    /* Aligned neighbours. */
    check_aligned(0x00300000u);
    check_aligned(RAM_END - 0x1004u);
    check_aligned(RAM_END - 0x1000u);
    check_aligned(RAM_END - 4u);

    check_misaligned_run(0x00200000u);
    check_misaligned_run(RAM_END - 0x1008u);

    check_code_rewrite(0x03000000u);
    check_code_rewrite(RAM_END - 0x2000u);
    done();
    return 0;
}
