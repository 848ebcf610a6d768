/*
 * kseg0 in kernel mode runs through the emulator's direct RAM window (a cheaper
 * check than the softmmu TLB, for RAM below min(RAM size, 256 MiB) only). These
 * checks are plain MIPS32 semantics, so they hold on any implementation: kseg0
 * and kseg1 alias the same RAM at its start, middle and end (the window's last
 * page is served differently from the rest), an unaligned swr/swl pair across
 * that boundary, address errors in kseg0 with the right BadVAddr and nothing
 * written, MMIO reached through kseg0 and kseg1 alike, and stores to data on a
 * page that holds code keep that code right.
 * Run with -m 64: RAM ends at physical 0x04000000.
 */
#include "lib.h"

#define RAM_END 0x04000000u
#define K0(pa) ((pa) | 0x80000000u)
#define K1(pa) ((pa) | 0xa0000000u)

#define LI_V0(n) (0x24020000u | ((n) & 0xffff))   /* addiu v0, zero, n */
#define JR_RA 0x03e00008u
#define NOP 0u

static volatile u32 *w32(u32 a)
{
    return (volatile u32 *)a;
}

static volatile unsigned short *w16(u32 a)
{
    return (volatile unsigned short *)a;
}

static volatile unsigned char *w8(u32 a)
{
    return (volatile unsigned char *)a;
}

/* Words, halves and bytes written through one alias read back through both. */
static void check_alias(const char *what, u32 pa)
{
    u32 v = 0x5a000000u ^ pa;

    *w32(K0(pa)) = v;
    check(what, *w32(K1(pa)), v);
    *w32(K1(pa)) = ~v;
    check(what, *w32(K0(pa)), ~v);
    *w16(K0(pa + 2)) = 0x1234;
    check(what, *w32(K1(pa)), (~v & 0xffffu) | 0x12340000u);
    *w8(K0(pa + 1)) = 0xab;
    check(what, *w8(K1(pa + 1)), 0xab);
    check(what, *w16(K0(pa)), ((~v & 0xffu) | 0xab00u));
    *w8(K1(pa + 3)) = 0xcd;
    check(what, *w32(K0(pa)), (~v & 0xffu) | 0xab00u | 0x340000u | 0xcd000000u);
}

/* swr at X and swl at X+3 (one unaligned word) and lwr/lwl back. */
static void check_unaligned_pair(const char *what, u32 a)
{
    u32 got = 0;

    for (int i = -4; i < 8; i++) {
        *w8(K1(a + i)) = 0xee;
    }
    __asm__ volatile("swr %0, 0(%1)\n\tswl %0, 3(%1)"
                     : : "r"(0x11223344u), "r"(K0(a)) : "memory");
    check(what, *w8(K1(a - 1)), 0xee);
    check(what, *w8(K1(a)), 0x44);
    check(what, *w8(K1(a + 1)), 0x33);
    check(what, *w8(K1(a + 2)), 0x22);
    check(what, *w8(K1(a + 3)), 0x11);
    check(what, *w8(K1(a + 4)), 0xee);
    __asm__ volatile("lwr %0, 0(%1)\n\tlwl %0, 3(%1)"
                     : "+r"(got) : "r"(K0(a)) : "memory");
    check(what, got, 0x11223344u);
}

static void check_adel(const char *what, u32 addr)
{
    u32 v = 0x77777777u;

    reset_exc();
    __asm__ volatile("lw %0, 0(%1)" : "+r"(v) : "r"(addr) : "memory");
    check(what, last_exc.count, 1);
    check(what, EXC_CODE(last_exc.cause), 4);     /* AdEL */
    check(what, last_exc.badvaddr, addr);
    check(what, v, 0x77777777u);
    reset_exc();
    __asm__ volatile("lhu %0, 0(%1)" : "+r"(v) : "r"(addr | 1) : "memory");
    check(what, EXC_CODE(last_exc.cause), 4);
    check(what, last_exc.badvaddr, addr | 1);
    check(what, v, 0x77777777u);
}

static void check_ades(const char *what, u32 addr)
{
    u32 aligned = addr & ~3u;

    *w32(aligned) = 0x01020304u;
    *w32(aligned + 4) = 0x05060708u;
    reset_exc();
    __asm__ volatile("sw %0, 0(%1)" : : "r"(0xdeadbeefu), "r"(addr) : "memory");
    check(what, last_exc.count, 1);
    check(what, EXC_CODE(last_exc.cause), 5);     /* AdES */
    check(what, last_exc.badvaddr, addr);
    reset_exc();
    __asm__ volatile("sh %0, 0(%1)" : : "r"(0xbeefu), "r"(aligned | 1) : "memory");
    check(what, EXC_CODE(last_exc.cause), 5);
    check(what, last_exc.badvaddr, aligned | 1);
    check(what, *w32(aligned), 0x01020304u);
    check(what, *w32(aligned + 4), 0x05060708u);
}

static u32 codepage[1024] __attribute__((aligned(4096)));

typedef u32 (*fn_t)(void);

static u32 call(volatile u32 *p)
{
    return ((fn_t)(u32)p)();
}

int main(void)
{
    static u32 buf[4] __attribute__((aligned(16)));
    u32 b = (u32)buf & 0x1fffffffu;

    /* Aliases: a static buffer, the middle of RAM, the edge of the window's fast
     * part (its last page is past lim), and the last word of RAM. */
    check_alias("alias static", b);
    check_alias("alias middle", 0x02000000u);
    check_alias("alias before last page", RAM_END - 0x1004u);
    check_alias("alias last page", RAM_END - 0x1000u);
    check_alias("alias last word", RAM_END - 4u);

    check_unaligned_pair("swr/swl in RAM", 0x02000101u);
    check_unaligned_pair("swr/swl across a page", 0x02000ffeu);
    check_unaligned_pair("swr/swl across into the last page", RAM_END - 0x1002u);

    /* Address errors come before any access, wherever in kseg0 they are. */
    check_adel("AdEL static", K0(b) + 2);
    check_adel("AdEL window start", 0x80000002u);
    check_adel("AdEL last page", K0(RAM_END - 6u));
    check_adel("AdEL kseg1", K1(b) + 2);
    check_ades("AdES static", K0(b) + 1);
    check_ades("AdES last page", K0(RAM_END - 0x7u));
    check_ades("AdES middle", K0(0x02000003u));

    /* MMIO through kseg0 is not RAM: the GT-64120's internal space decode
     * register (ISD, offset 0x068) reads the same through both segments and says
     * where the registers are. */
    {
        u32 base = 0x14000000u;     /* GT-64120 registers after reset */
        u32 isd1 = *w32(K1(base + 0x68));
        if (isd1 != 0xa0u) {
            base = 0x1be00000u;     /* where firmware moves them */
            isd1 = *w32(K1(base + 0x68));
        }
        check("GT ISD via kseg1", isd1 << 21, base);
        check("GT ISD via kseg0", *w32(K0(base + 0x68)), isd1);
    }

    /* Code and data on one page: the data stores go the careful way and do not
     * disturb the code; rewriting the code through kseg0 takes effect. */
    {
        volatile u32 *code = codepage;
        code[0] = LI_V0(11);
        code[1] = JR_RA;
        code[2] = NOP;
        check("page code runs", call(code), 11);
        for (u32 i = 100; i < 1024; i++) {
            code[i] = i * 3;
        }
        u32 sum = 0;
        for (u32 i = 100; i < 1024; i++) {
            sum += code[i];
        }
        check("data beside code", sum, 3 * (1023 * 1024 / 2 - 99 * 100 / 2));
        check("code beside data", call(code), 11);
        code[0] = LI_V0(12);
        check("code rewritten via kseg0", call(code), 12);
        *w16(K1((u32)code & 0x1fffffffu)) = 13;
        check("code rewritten via kseg1", call(code), 13);
    }
    done();
    return 0;
}
