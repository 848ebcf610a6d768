/*
 * Loads and stores of every size, sign/zero extension, the little-endian partial-word
 * LWL/LWR/SWL/SWR, misaligned accesses (AdEL/AdES with BadVAddr) and LL/SC.
 */
#include "lib.h"

static volatile u32 buf[8] __attribute__((aligned(16)));

static void test_basic(void)
{
    volatile unsigned char *b = (volatile unsigned char *)buf;
    u32 r;

    buf[0] = 0x8899aabbu;
    buf[1] = 0x11223344u;
    __asm__ volatile("lb %0, 0(%1)" : "=r"(r) : "r"(b));
    check("lb sign-extends", r, 0xffffffbbu);
    __asm__ volatile("lbu %0, 0(%1)" : "=r"(r) : "r"(b));
    check("lbu", r, 0xbbu);
    __asm__ volatile("lb %0, 4(%1)" : "=r"(r) : "r"(b));
    check("lb positive", r, 0x44u);
    __asm__ volatile("lh %0, 2(%1)" : "=r"(r) : "r"(b));
    check("lh sign-extends", r, 0xffff8899u);
    __asm__ volatile("lhu %0, 2(%1)" : "=r"(r) : "r"(b));
    check("lhu", r, 0x8899u);
    __asm__ volatile("lw %0, 4(%1)" : "=r"(r) : "r"(b));
    check("lw", r, 0x11223344u);
    __asm__ volatile("lw %0, -4(%1)" : "=r"(r) : "r"(b + 8));
    check("lw negative offset", r, 0x11223344u);
    __asm__ volatile("sb %0, 1(%1)" : : "r"(0x12345677u), "r"(b) : "memory");
    check("sb", buf[0], 0x889977bbu);
    __asm__ volatile("sh %0, 2(%1)" : : "r"(0xabcdu), "r"(b) : "memory");
    check("sh", buf[0], 0xabcd77bbu);
    __asm__ volatile("sw %0, 8(%1)" : : "r"(0xdeadbeefu), "r"(b) : "memory");
    check("sw", buf[2], 0xdeadbeefu);
    __asm__ volatile("lw $0, 0(%0)" : : "r"(b));
    check("lw to $zero", 0, 0);
}

static u32 do_lwl(u32 old, const volatile void *p)
{
    __asm__ volatile("lwl %0, 0(%1)" : "+r"(old) : "r"(p));
    return old;
}

static u32 do_lwr(u32 old, const volatile void *p)
{
    __asm__ volatile("lwr %0, 0(%1)" : "+r"(old) : "r"(p));
    return old;
}

static void test_partial(void)
{
    volatile unsigned char *b = (volatile unsigned char *)buf;
    static const u32 lwl_exp[4] = { 0x44aaaaaau, 0x3344aaaau, 0x223344aau, 0x11223344u };
    static const u32 lwr_exp[4] = { 0x11223344u, 0xaa112233u, 0xaaaa1122u, 0xaaaaaa11u };
    static const u32 swl_exp[4] = { 0xffffff11u, 0xffff1122u, 0xff112233u, 0x11223344u };
    static const u32 swr_exp[4] = { 0x11223344u, 0x223344ffu, 0x3344ffffu, 0x44ffffffu };
    static const char *const lwl_n[4] = { "lwl b0", "lwl b1", "lwl b2", "lwl b3" };
    static const char *const lwr_n[4] = { "lwr b0", "lwr b1", "lwr b2", "lwr b3" };
    static const char *const swl_n[4] = { "swl b0", "swl b1", "swl b2", "swl b3" };
    static const char *const swr_n[4] = { "swr b0", "swr b1", "swr b2", "swr b3" };
    u32 lo;

    buf[0] = 0x11223344u;
    for (int i = 0; i < 4; i++) {
        check(lwl_n[i], do_lwl(0xaaaaaaaau, b + i), lwl_exp[i]);
        check(lwr_n[i], do_lwr(0xaaaaaaaau, b + i), lwr_exp[i]);
    }
    for (int i = 0; i < 4; i++) {
        buf[1] = 0xffffffffu;
        __asm__ volatile("swl %0, 0(%1)" : : "r"(0x11223344u), "r"(b + 4 + i) : "memory");
        check(swl_n[i], buf[1], swl_exp[i]);
        buf[1] = 0xffffffffu;
        __asm__ volatile("swr %0, 0(%1)" : : "r"(0x11223344u), "r"(b + 4 + i) : "memory");
        check(swr_n[i], buf[1], swr_exp[i]);
    }
    /* The classic unaligned word load and store pair. */
    buf[2] = 0x44332211u;
    buf[3] = 0x88776655u;
    __asm__ volatile("lwr %0, 1(%1)\n\tlwl %0, 4(%1)" : "=&r"(lo) : "r"(b + 8));
    check("unaligned lw via lwr/lwl", lo, 0x55443322u);
    buf[4] = 0;
    buf[5] = 0;
    __asm__ volatile("swr %0, 3(%1)\n\tswl %0, 6(%1)" : : "r"(0xa1b2c3d4u), "r"(b + 16)
                     : "memory");
    check("unaligned sw via swr/swl lo", buf[4], 0xd4000000u);
    check("unaligned sw via swr/swl hi", buf[5], 0x00a1b2c3u);
}

static void test_misaligned(void)
{
    volatile unsigned char *b = (volatile unsigned char *)buf;
    u32 r = 0x1234;

    reset_exc();
    __asm__ volatile("lw %0, 1(%1)" : "+r"(r) : "r"(b));
    check("lw misaligned: AdEL", EXC_CODE(last_exc.cause), 4);
    check("lw misaligned: BadVAddr", last_exc.badvaddr, (u32)(b + 1));
    check("lw misaligned: rt unchanged", r, 0x1234);
    reset_exc();
    __asm__ volatile("lh %0, 3(%1)" : "+r"(r) : "r"(b));
    check("lh misaligned: AdEL", EXC_CODE(last_exc.cause), 4);
    check("lh misaligned: BadVAddr", last_exc.badvaddr, (u32)(b + 3));
    reset_exc();
    __asm__ volatile("lhu %0, 1(%1)" : "+r"(r) : "r"(b));
    check("lhu misaligned: AdEL", EXC_CODE(last_exc.cause), 4);
    reset_exc();
    buf[0] = 0x55555555u;
    buf[1] = 0x55555555u;
    __asm__ volatile("sw %0, 2(%1)" : : "r"(0u), "r"(b) : "memory");
    check("sw misaligned: AdES", EXC_CODE(last_exc.cause), 5);
    check("sw misaligned: BadVAddr", last_exc.badvaddr, (u32)(b + 2));
    check("sw misaligned: memory unchanged", buf[0] ^ buf[1], 0);
    reset_exc();
    __asm__ volatile("sh %0, 1(%1)" : : "r"(0u), "r"(b) : "memory");
    check("sh misaligned: AdES", EXC_CODE(last_exc.cause), 5);
    check("sh misaligned: EPC is the store", last_exc.count, 1);
    reset_exc();
    /* Kernel addresses from user mode are tested with the TLB tests; here a load
     * from kseg1 works in kernel mode. */
    __asm__ volatile("lw %0, 0(%1)" : "=r"(r) : "r"((u32)b | 0x20000000u));
    check("kseg1 alias of kseg0 data", r, 0x55555555u);
    check("no exception for kseg1", last_exc.count, 0);
}

static u32 do_ll(volatile u32 *p)
{
    u32 v;

    __asm__ volatile("ll %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static u32 do_sc(volatile u32 *p, u32 v)
{
    __asm__ volatile("sc %0, 0(%1)" : "+r"(v) : "r"(p) : "memory");
    return v;
}

static void test_llsc(void)
{
    buf[6] = 41;
    check("ll", do_ll(&buf[6]), 41);
    check("sc succeeds", do_sc(&buf[6], 42), 1);
    check("sc stored", buf[6], 42);
    check("second sc fails", do_sc(&buf[6], 43), 0);
    check("failed sc stored nothing", buf[6], 42);
    do_ll(&buf[6]);
    check("sc to another address fails", do_sc(&buf[7], 44), 0);
    do_ll(&buf[6]);
    /* An exception return (eret) clears the link. */
    __asm__ volatile("syscall");
    check("sc after eret fails", do_sc(&buf[6], 45), 0);
    check("value after failed sc", buf[6], 42);
    /* A typical atomic increment loop. */
    for (int i = 0; i < 10; i++) {
        u32 v;
        do {
            v = do_ll(&buf[6]);
        } while (!do_sc(&buf[6], v + 1));
    }
    check("ll/sc increment loop", buf[6], 52);
    /* Vol. II: SC checks alignment before the link (QEMU 7.2 fails the SC
     * silently when the address differs from the LL's). */
    reset_exc();
    do_ll(&buf[6]);
    (void)do_sc((volatile u32 *)((volatile char *)&buf[6] + 2), 0);
    check("sc misaligned: AdES", EXC_CODE(last_exc.cause), 5);
}

int main(void)
{
    test_basic();
    test_partial();
    test_misaligned();
    test_llsc();
    done();
    return 0;
}
