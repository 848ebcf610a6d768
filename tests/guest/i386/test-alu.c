/* Integer ALU: arithmetic, logic, inc/dec/neg, multiply/divide, shifts, rotates,
 * bit operations, BCD, conversions; results and flags per the Intel SDM Vol. 2. */
#include "lib.h"

/* op "src, dst" with initial flags fin; result and arithmetic flags (masked by fm). */
#define OP2(name, op, a, b, fin, fm, er, ef)                                  \
    do {                                                                      \
        uint32_t r_ = (a), f_;                                                \
        __asm__ volatile("pushl %3; popfl; " op "; pushfl; popl %1"          \
                         : "+a"(r_), "=r"(f_) : "c"((uint32_t)(b)), "ri"(fin) \
                         : "cc");                                             \
        check(name, r_, er);                                                  \
        check(name " flags", f_ & (fm), ef);                                  \
    } while (0)

#define OP1(name, op, a, fin, fm, er, ef)                                     \
    do {                                                                      \
        uint32_t r_ = (a), f_;                                                \
        __asm__ volatile("pushl %2; popfl; " op "; pushfl; popl %1"          \
                         : "+a"(r_), "=r"(f_) : "ri"(fin) : "cc");           \
        check(name, r_, er);                                                  \
        check(name " flags", f_ & (fm), ef);                                  \
    } while (0)

#define F0 0x002
#define FC 0x003

static void test_addsub(void)
{
    OP2("add ovf", "addl %2, %0", 0x7fffffff, 1, F0, F_ARITH, 0x80000000, F_OF | F_SF | F_AF | F_PF);
    OP2("add carry", "addl %2, %0", 0xffffffff, 1, F0, F_ARITH, 0, F_CF | F_ZF | F_AF | F_PF);
    OP2("sub borrow", "subl %2, %0", 0, 1, F0, F_ARITH, 0xffffffff, F_CF | F_SF | F_AF | F_PF);
    OP2("sub ovf", "subl %2, %0", 0x80000000, 1, F0, F_ARITH, 0x7fffffff, F_OF | F_AF | F_PF);
    OP2("adc cin", "adcl %2, %0", 0xfffffffe, 1, FC, F_ARITH, 0, F_CF | F_ZF | F_AF | F_PF);
    OP2("adc cin2", "adcl %2, %0", 0xffffffff, 0xffffffff, FC, F_ARITH, 0xffffffff,
        F_CF | F_SF | F_AF | F_PF);
    OP2("sbb bin", "sbbl %2, %0", 1, 0, FC, F_ARITH, 0, F_ZF | F_PF);
    OP2("sbb bin2", "sbbl %2, %0", 0, 0xffffffff, FC, F_ARITH, 0, F_CF | F_ZF | F_AF | F_PF);
    OP2("and", "andl %2, %0", 0xf0f0, 0x0ff0, F0, F_ARITH, 0x00f0, F_PF);
    OP2("or", "orl %2, %0", 0x80000000, 1, FC, F_ARITH, 0x80000001, F_SF);
    OP2("xor", "xorl %2, %0", 0x1234, 0x1234, F0, F_ARITH, 0, F_ZF | F_PF);
    OP2("cmp", "cmpl %2, %0", 5, 7, F0, F_ARITH, 5, F_CF | F_SF | F_AF);
    OP2("test", "testl %2, %0", 0xff00, 0x0f00, FC, F_ARITH, 0xff00, F_PF);
    OP2("addb", "addb %b2, %b0", 0x12345680, 0x80, F0, F_ARITH, 0x12345600, F_CF | F_OF | F_ZF | F_PF);
    OP2("addw", "addw %w2, %w0", 0x1234ffff, 1, F0, F_ARITH, 0x12340000, F_CF | F_ZF | F_AF | F_PF);
    OP2("subw", "subw %w2, %w0", 0xabcd8000, 1, F0, F_ARITH, 0xabcd7fff, F_OF | F_AF | F_PF);
    OP1("inc", "incl %0", 0x7fffffff, FC, F_ARITH, 0x80000000, F_CF | F_OF | F_SF | F_AF | F_PF);
    OP1("dec", "decl %0", 0, F0, F_ARITH, 0xffffffff, F_SF | F_AF | F_PF);
    OP1("incb", "incb %b0", 0x11ff, F0, F_ARITH, 0x1100, F_ZF | F_AF | F_PF);
    OP1("decw", "decw %w0", 0x8000, FC, F_ARITH, 0x7fff, F_CF | F_OF | F_AF | F_PF);
    OP1("neg", "negl %0", 5, F0, F_ARITH, 0xfffffffb, F_CF | F_SF | F_AF);
    OP1("neg0", "negl %0", 0, FC, F_ARITH, 0, F_ZF | F_PF);
    OP1("not", "notl %0", 0x0f0f0f0f, FC, F_ARITH, 0xf0f0f0f0, F_CF);
}

static void test_muldiv(void)
{
    uint32_t a, d, f;

    __asm__ volatile("mull %3; pushfl; popl %2" : "=a"(a), "=d"(d), "=r"(f)
                     : "r"(2), "a"(0x80000000) : "cc");
    check("mul lo", a, 0);
    check("mul hi", d, 1);
    check("mul cf/of", f & (F_CF | F_OF), F_CF | F_OF);
    __asm__ volatile("imull %3; pushfl; popl %2" : "=a"(a), "=d"(d), "=r"(f)
                     : "r"(-1), "a"(-1) : "cc");
    check("imul lo", a, 1);
    check("imul hi", d, 0);
    check("imul cf/of", f & (F_CF | F_OF), 0);
    __asm__ volatile("imull $0x10000, %2, %0; pushfl; popl %1" : "=r"(a), "=r"(f)
                     : "r"(0x10000) : "cc");
    check("imul3", a, 0);
    check("imul3 cf/of", f & (F_CF | F_OF), F_CF | F_OF);
    __asm__ volatile("imul %2, %0; pushfl; popl %1" : "=r"(a), "=r"(f)
                     : "r"(-3), "0"(7) : "cc");
    check("imul2", a, (uint32_t)-21);
    check("imul2 cf/of", f & (F_CF | F_OF), 0);
    __asm__ volatile("mulb %b3; pushfl; popl %2" : "=a"(a), "=d"(d), "=r"(f)
                     : "q"(0x10), "a"(0x12340020), "d"(0) : "cc");
    check("mulb", a, 0x12340200);
    check("mulb cf", f & (F_CF | F_OF), F_CF | F_OF);
    __asm__ volatile("imulw %w3; pushfl; popl %2" : "=a"(a), "=d"(d), "=r"(f)
                     : "r"(2), "a"(0x4000), "d"(0x55550000) : "cc");
    check("imulw ax", a, 0x8000);
    check("imulw dx", d, 0x55550000);
    check("imulw cf", f & (F_CF | F_OF), F_CF | F_OF);
    __asm__ volatile("divl %2" : "=a"(a), "=d"(d) : "r"(2), "a"(0), "d"(1));
    check("div q", a, 0x80000000);
    check("div r", d, 0);
    __asm__ volatile("idivl %2" : "=a"(a), "=d"(d) : "r"(2), "a"(-7), "d"(-1));
    check("idiv q", a, (uint32_t)-3);
    check("idiv r", d, (uint32_t)-1);
    __asm__ volatile("divb %b2" : "=a"(a) : "a"(0x1111ffff & 0xffff03e9), "q"(10));
    check("divb", a, 0x11110164);
    __asm__ volatile("idivw %w2" : "=a"(a), "=d"(d) : "r"(-300), "a"(0xaaaa0000 | 10000), "d"(0xbbbb0000));
    check("idivw q", a, 0xaaaa0000 | (uint16_t)-33);
    check("idivw r", d, 0xbbbb0000 | 100);
}

static void test_shift(void)
{
    const uint32_t fm = F_CF | F_OF | F_ZF | F_SF | F_PF;

    OP1("shl1", "shll %0", 0x80000001, F0, fm, 2, F_CF | F_OF);
    OP1("shr1", "shrl %0", 0x80000001, F0, fm, 0x40000000, F_CF | F_OF | F_PF);
    OP1("sar1", "sarl %0", 0x80000001, F0, fm, 0xc0000000, F_CF | F_SF | F_PF);
    OP1("rol1", "roll %0", 0x80000001, F0, F_CF | F_OF, 3, F_CF | F_OF);
    OP1("ror1", "rorl %0", 0x00000001, F0, F_CF | F_OF, 0x80000000, F_CF | F_OF);
    OP1("rcl1", "rcll %0", 0x80000000, FC, F_CF | F_OF, 1, F_CF | F_OF);
    OP1("rcr1", "rcrl %0", 0x00000001, F0, F_CF | F_OF, 0, F_CF);
    OP2("shl4", "shll %%cl, %0", 0x12345678, 4, F0, F_CF | F_ZF | F_SF | F_PF, 0x23456780, F_CF);
    OP2("shr8", "shrl %%cl, %0", 0x12345678, 8, FC, F_CF | F_ZF | F_SF | F_PF, 0x00123456, F_PF);
    OP2("sar31", "sarl %%cl, %0", 0x80000000, 31, F0, F_CF | F_ZF | F_SF | F_PF, 0xffffffff,
        F_SF | F_PF);
    OP2("rol8", "roll %%cl, %0", 0x12345678, 8, F0, F_CF, 0x34567812, 0);
    OP2("ror4", "rorl %%cl, %0", 0x12345678, 4, F0, F_CF, 0x81234567, F_CF);
    OP2("rclb9", "rclb %%cl, %b0", 0x55, 9, FC, F_CF, 0x55, F_CF);
    OP2("rcrw3", "rcrw %%cl, %w0", 0xffff0001, 3, F0, F_CF, 0xffff4000, 0);
    OP2("shlb9", "shlb %%cl, %b0", 0x1ff, 9, F0, F_CF | F_ZF, 0x100, F_ZF);
    /* Count 0 leaves flags alone. */
    OP2("shl0", "shll %%cl, %0", 0x1234, 32, FC, F_ARITH, 0x1234, F_CF);

    uint32_t r, f;
    __asm__ volatile("shldl $8, %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f)
                     : "r"(0x9abcdef0), "0"(0x12345678) : "cc");
    check("shld", r, 0x3456789a);
    check("shld cf", f & F_CF, 0);
    __asm__ volatile("shrdl $8, %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f)
                     : "r"(0x9abcdef0), "0"(0x12345678) : "cc");
    check("shrd", r, 0xf0123456);
    __asm__ volatile("shldl %%cl, %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f)
                     : "r"(0x80000000), "c"(1), "0"(0x40000000) : "cc");
    check("shld cl", r, 0x80000001);
    check("shld cl of", f & (F_OF | F_CF), F_OF);
    __asm__ volatile("shrdw $4, %w1, %w0" : "=r"(r) : "r"(0xabcd), "0"(0x11111234));
    check("shrdw", r, 0x1111d123);
}

static void test_bits(void)
{
    uint32_t r, f, mem[4] = { 0, 0, 0, 0 };

    __asm__ volatile("btl $3, %2; pushfl; popl %1; movl %2, %0" : "=&r"(r), "=&r"(f) : "r"(8));
    check("bt cf", f & F_CF, F_CF);
    __asm__ volatile("btsl $4, %0" : "+r"(r));
    check("bts", r, 0x18);
    __asm__ volatile("btrl $3, %0" : "+r"(r));
    check("btr", r, 0x10);
    __asm__ volatile("btcl $31, %0" : "+r"(r));
    check("btc", r, 0x80000010);
    __asm__ volatile("btsl %1, %0" : "+m"(mem) : "r"(70));
    check("bts mem offset", mem[2], 0x40);
    __asm__ volatile("btl %2, %1; pushfl; popl %0" : "=r"(f) : "m"(mem[3]), "r"(-26));
    check("bt mem negative", f & F_CF, F_CF);
    __asm__ volatile("bsfl %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f) : "r"(0x80) : "cc");
    check("bsf", r, 7);
    check("bsf zf", f & F_ZF, 0);
    __asm__ volatile("bsrl %2, %0; pushfl; popl %1" : "=r"(r), "=r"(f) : "r"(0x80000001) : "cc");
    check("bsr", r, 31);
    r = 0x55;
    __asm__ volatile("bsfl %2, %0; pushfl; popl %1" : "+r"(r), "=r"(f) : "r"(0) : "cc");
    check("bsf zero zf", f & F_ZF, F_ZF);
    __asm__ volatile("bswap %0" : "=r"(r) : "0"(0x12345678));
    check("bswap", r, 0x78563412);
}

static void test_cond(void)
{
    uint32_t r;

    /* After cmp 1, 2 (1 - 2): below, less, not equal, sign. */
    __asm__ volatile("cmpl %1, %2; setb %b0" : "=q"(r) : "r"(2), "r"(1), "0"(0));
    check("setb", r, 1);
    __asm__ volatile("cmpl %1, %2; setl %b0" : "=q"(r) : "r"(2), "r"(1), "0"(0));
    check("setl", r, 1);
    __asm__ volatile("cmpl %1, %2; setg %b0" : "=q"(r) : "r"(2), "r"(1), "0"(0));
    check("setg", r, 0);
    __asm__ volatile("cmpl %1, %2; seta %b0" : "=q"(r) : "r"(1), "r"(-1), "0"(0));
    check("seta", r, 1);
    __asm__ volatile("cmpl %1, %2; setl %b0" : "=q"(r) : "r"(1), "r"(-1), "0"(0));
    check("setl signed", r, 1);
    __asm__ volatile("cmpl %1, %2; setle %b0" : "=q"(r) : "r"(5), "r"(5), "0"(0));
    check("setle eq", r, 1);
    __asm__ volatile("cmpl %1, %2; setp %b0" : "=q"(r) : "r"(0), "r"(3), "0"(0));
    check("setp", r, 1);
    __asm__ volatile("cmpl %1, %2; seto %b0" : "=q"(r) : "r"(1), "r"(0x80000000), "0"(0));
    check("seto", r, 1);
    __asm__ volatile("cmpb %b1, %b2; setl %b0" : "=q"(r) : "q"(1), "q"(0x80), "0"(0));
    check("setl byte", r, 1);
    __asm__ volatile("testl %1, %1; sets %b0" : "=q"(r) : "r"(0x80000000), "0"(0));
    check("sets test", r, 1);
    __asm__ volatile("addl %1, %1; setc %b0" : "=q"(r) : "r"(0x80000000), "0"(0));
    check("setc add", r, 1);
    __asm__ volatile("incl %1; setz %b0" : "=q"(r) : "r"(-1), "0"(0));
    check("setz inc", r, 1);
    __asm__ volatile("cmpl %2, %3; cmovll %1, %0" : "=r"(r) : "r"(7), "r"(2), "r"(1), "0"(9));
    check("cmovl", r, 7);
    __asm__ volatile("cmpl %2, %3; cmovgl %1, %0" : "=r"(r) : "r"(7), "r"(2), "r"(1), "0"(9));
    check("cmovg", r, 9);
    __asm__ volatile("xorl %0, %0; cmpl $3, %1; jbe 1f; movl $1, %0; 1:"
                     : "=&r"(r) : "r"(4));
    check("jbe not taken", r, 1);
    __asm__ volatile("movl $3, %%ecx; xorl %0, %0; 1: incl %0; loop 1b" : "=r"(r) : : "ecx");
    check("loop", r, 3);
    __asm__ volatile("xorl %%ecx, %%ecx; movl $5, %0; jecxz 1f; movl $6, %0; 1:"
                     : "=r"(r) : : "ecx");
    check("jecxz", r, 5);
}

static void test_misc(void)
{
    uint32_t a, d, r, f;
    uint64_t q;

    __asm__ volatile("cbw" : "=a"(a) : "a"(0x1234ff80));
    check("cbw", a, 0x1234ff80);
    __asm__ volatile("cwde" : "=a"(a) : "a"(0x12348000));
    check("cwde", a, 0xffff8000);
    __asm__ volatile("movl $0x80000000, %%eax; cltd" : "=d"(d) : : "eax");
    check("cdq", d, 0xffffffff);
    __asm__ volatile("cwtd" : "=d"(d) : "a"(0x8000), "d"(0x12345678));
    check("cwd", d, 0x1234ffff);
    __asm__ volatile("movb $0x15, %%al; addb $0x27, %%al; daa" : "=a"(a) : "a"(0));
    check("daa", a & 0xff, 0x42);
    __asm__ volatile("movb $0x42, %%al; subb $0x15, %%al; das" : "=a"(a) : "a"(0));
    check("das", a & 0xff, 0x27);
    __asm__ volatile("aam" : "=a"(a) : "a"(0x3f));
    check("aam", a & 0xffff, 0x0603);
    __asm__ volatile("aad" : "=a"(a) : "a"(0x0603));
    check("aad", a & 0xffff, 0x003f);
    __asm__ volatile("addb $8, %%al; aaa" : "=a"(a) : "a"(0x0009));
    check("aaa", a & 0xffff, 0x0107);
    __asm__ volatile("subb $8, %%al; aas" : "=a"(a) : "a"(0x0205));
    check("aas", a & 0xffff, 0x0107);
    a = 0x10;
    r = 0x22;
    __asm__ volatile("xaddl %0, %1" : "+r"(a), "+r"(r));
    check("xadd src", a, 0x22);
    check("xadd dst", r, 0x32);
    r = 5;
    __asm__ volatile("cmpxchgl %3, %1; pushfl; popl %2" : "+a"(a), "+m"(r), "=r"(f)
                     : "r"(9) : "cc");
    check("cmpxchg miss eax", a, 5);
    check("cmpxchg miss zf", f & F_ZF, 0);
    __asm__ volatile("cmpxchgl %3, %1; pushfl; popl %2" : "+a"(a), "+m"(r), "=r"(f)
                     : "r"(9) : "cc");
    check("cmpxchg hit mem", r, 9);
    check("cmpxchg hit zf", f & F_ZF, F_ZF);
    q = 0x1122334455667788ull;
    __asm__ volatile("cmpxchg8b %0; pushfl; popl %1" : "+m"(q), "=r"(f)
                     : "a"(0x55667788), "d"(0x11223344), "b"(0xdeadbeef), "c"(0xcafe)
                     : "cc");
    check64("cmpxchg8b", q, 0x0000cafedeadbeefull);
    check("cmpxchg8b zf", f & F_ZF, F_ZF);
    __asm__ volatile("stc; lahf" : "=a"(a) : "a"(0));
    check("lahf", (a >> 8) & (F_CF | 2), F_CF | 2);
    __asm__ volatile("sahf; pushfl; popl %0" : "=r"(f) : "a"(0xd500) : "cc");
    check("sahf", f & (F_CF | F_PF | F_AF | F_ZF | F_SF), 0xd5);
    __asm__ volatile("stc; cmc; pushfl; popl %0" : "=r"(f));
    check("cmc", f & F_CF, 0);
    __asm__ volatile("std; pushfl; popl %0; cld" : "=r"(f));
    check("std", f & F_DF, F_DF);
    static uint8_t tbl[4] = { 9, 8, 7, 6 };
    __asm__ volatile("xlat" : "=a"(a) : "a"(2), "b"(tbl));
    check("xlat", a & 0xff, 7);
    __asm__ volatile("leal 8(%1,%2,4), %0" : "=r"(r) : "r"(0x100), "r"(3));
    check("lea", r, 0x114);
    __asm__ volatile("leaw 8(%1,%2,4), %w0" : "=r"(r) : "r"(0xfffc), "r"(1), "0"(0xaaaa0000));
    check("lea16", r, 0xaaaa0008);
    __asm__ volatile("movsbl %b1, %0" : "=r"(r) : "q"(0x80));
    check("movsx", r, 0xffffff80);
    __asm__ volatile("movzwl %w1, %0" : "=r"(r) : "r"(0xffff8001));
    check("movzx", r, 0x8001);
}

static int fib(int n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static void test_stack(void)
{
    uint32_t r, sp0, sp1;

    __asm__ volatile("movl %%esp, %1; pushal; popal; movl %%esp, %2; movl $1, %0"
                     : "=r"(r), "=r"(sp0), "=r"(sp1));
    check("pusha/popa esp", sp0, sp1);
    __asm__ volatile("pushl $0x1234; popw %w0; popw %%ax" : "=r"(r) : "0"(0) : "eax");
    check("popw", r, 0x1234);
    __asm__ volatile("movl %%esp, %%edx; enter $16, $0; movl %%esp, %0; leave;"
                     "subl %%edx, %0" : "=r"(r) : : "edx");
    check("enter", r, (uint32_t)-20);
    __asm__ volatile("pushl %%ebp; movl %%esp, %%ebp; enter $8, $2; movl %%esp, %0;"
                     "leave; subl %%ebp, %0; popl %%ebp"
                     : "=r"(r) : : "memory");
    check("enter nested", r, (uint32_t)-20);
    check("recursion", fib(15), 610);
}

int main(void)
{
    test_addsub();
    test_muldiv();
    test_shift();
    test_bits();
    test_cond();
    test_misc();
    test_stack();
    return done();
}
