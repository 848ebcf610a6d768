/*
 * Self-modifying code: code written with every kind of store, through kseg0 and its
 * kseg1 alias, to code that already ran (translated), must run in its new form.
 * (A real 24K needs SYNCI/CACHE between the store and the fetch; the emulator
 * keeps instruction fetch coherent, and we issue SYNCI as the ISA asks anyway.)
 */
#include "lib.h"

#define LI_V0(n) (0x24020000u | ((n) & 0xffff))   /* addiu v0, zero, n */
#define JR_RA 0x03e00008u
#define NOP 0u

static u32 codebuf[4096] __attribute__((aligned(4096)));

typedef u32 (*fn_t)(void);

static void sync_icache(volatile u32 *p)
{
    /* What the ISA asks for after writing code (the call that follows is the
     * jump; the emulator needs none of it). */
    __asm__ volatile("synci 0(%0)\n\tsync" : : "r"(p) : "memory");
}

static u32 call(volatile u32 *p)
{
    return ((fn_t)(u32)p)();
}

static void put(volatile u32 *p, u32 n)
{
    p[0] = LI_V0(n);
    p[1] = JR_RA;
    p[2] = NOP;
}

#define ADDIU_V0(n) (0x24420000u | ((n) & 0xffff))  /* addiu v0, v0, n */
#define B(off) (0x10000000u | ((off) & 0xffff))       /* beq zero, zero, off */

/*
 * Code that runs on from one page into the next (a kseg0 TB may take in both):
 * a store to either page must be seen, and a branch whose delay slot is the next
 * page's first insn runs that slot as it is now.
 */
static void test_cross_page(u32 *buf)
{
    volatile u32 *p = buf + 1024 - 8;       /* 8 insns before a page boundary */
    volatile u32 *b = buf + 2048 - 3;       /* a branch at a page's last word */

    p[0] = 0x24020000u;                     /* li v0, 0 */
    for (int i = 1; i < 16; i++) {
        p[i] = ADDIU_V0(1);
    }
    p[16] = JR_RA;
    p[17] = NOP;
    sync_icache(p);
    check("code across a page boundary", call(p), 15);
    p[12] = ADDIU_V0(100);                  /* on the second page */
    check("second page rewritten", call(p), 114);
    p[3] = ADDIU_V0(1000);                  /* on the first page */
    check("first page rewritten", call(p), 1113);

    b[0] = 0x24020000u;                     /* li v0, 0 */
    b[1] = ADDIU_V0(1);
    b[2] = B(3);                            /* -> b[6] */
    b[3] = ADDIU_V0(7);                     /* its slot, the next page's first word */
    b[4] = ADDIU_V0(1000);
    b[5] = ADDIU_V0(1000);
    b[6] = JR_RA;
    b[7] = NOP;
    sync_icache(b);
    check("delay slot on the next page", call(b), 8);
    b[3] = ADDIU_V0(9);
    check("delay slot on the next page rewritten", call(b), 10);
    b[1] = ADDIU_V0(2);
    check("branch's page rewritten", call(b), 11);
}

int main(void)
{
    volatile u32 *k0 = codebuf;
    volatile u32 *k1 = (volatile u32 *)((u32)codebuf | 0x20000000u);
    volatile u32 *k0b = codebuf + 512;

    put(k0, 1);
    sync_icache(k0);
    check("run code", call(k0), 1);
    put(k0, 2);
    sync_icache(k0);
    check("rewrite with sw via kseg0", call(k0), 2);
    k1[0] = LI_V0(3);
    sync_icache(k0);
    check("rewrite via kseg1 alias", call(k0), 3);
    check("run via kseg1 alias", call(k1), 3);
    k0[0] = LI_V0(4);
    check("kseg1 alias after kseg0 store", call(k1), 4);
    ((volatile unsigned short *)k0)[0] = 5;
    check("rewrite with sh", call(k0), 5);
    ((volatile unsigned char *)k0)[0] = 6;
    check("rewrite with sb", call(k0), 6);
    __asm__ volatile("swr %0, 0(%1)" : : "r"(LI_V0(7)), "r"(k0) : "memory");
    check("rewrite with swr", call(k0), 7);
    __asm__ volatile("swl %0, 3(%1)" : : "r"(LI_V0(8)), "r"(k0) : "memory");
    check("rewrite with swl", call(k0), 8);
    {
        u32 v;
        do {
            __asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(k0) : "memory");
            v = LI_V0(9);
            __asm__ volatile("sc %0, 0(%1)" : "+r"(v) : "r"(k0) : "memory");
        } while (!v);
    }
    check("rewrite with sc", call(k0), 9);

    /* A page of code copied elsewhere, then the original overwritten (as a
     * relocating kernel does). */
    for (int i = 0; i < 500; i++) {
        k0b[i] = LI_V0(100 + i);
    }
    k0b[500] = JR_RA;
    k0b[501] = NOP;
    check("long straight-line code", call(k0b), 599);
    for (int i = 0; i < 500; i++) {
        k0b[i] = LI_V0(1000 + i);
    }
    check("long code rewritten", call(k0b), 1499);
    k0b[499] = LI_V0(7777);
    check("last insn rewritten", call(k0b), 7777);
    k0b[250] = JR_RA;
    k0b[251] = LI_V0(4242);
    check("middle jr inserted", call(k0b), 4242);
    test_cross_page(codebuf);
    done();
    return 0;
}
