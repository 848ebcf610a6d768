/*
 * Integer ALU instructions of MIPS32R2: every op with edge cases; expected values
 * follow the ISA definitions (computed here in C on the host-independent formulas).
 */
#include "lib.h"

static volatile u32 v_min = 0x80000000u, v_max = 0x7fffffffu, v_m1 = 0xffffffffu;

static void test_arith(void)
{
    check("addu wrap", OP2("addu", 0xffffffffu, 2), 1);
    check("subu wrap", OP2("subu", 0, 1), 0xffffffffu);
    check("addiu neg", OPI("addiu", 5, -7), (u32)-2);
    check("and", OP2("and", 0xf0f0f0f0u, 0x3c3c3c3cu), 0x30303030u);
    check("or", OP2("or", 0xf0f0f0f0u, 0x0f000001u), 0xfff0f0f1u);
    check("xor", OP2("xor", 0xffff0000u, 0xff00ff00u), 0x00ffff00u);
    check("nor", OP2("nor", 0xf0f0f0f0u, 0x0000ffffu), 0x0f0f0000u);
    check("andi zero-extends", OPI("andi", 0xffffffffu, 0x8001), 0x8001u);
    check("ori zero-extends", OPI("ori", 0, 0xffff), 0xffffu);
    check("xori", OPI("xori", 0x12345678u, 0xffff), 0x1234a987u);
    {
        u32 r;
        __asm__ volatile("lui %0, 0x8765" : "=r"(r));
        check("lui", r, 0x87650000u);
    }
    check("slt signed", OP2("slt", 0x80000000u, 1), 1);
    check("slt equal", OP2("slt", 5, 5), 0);
    check("sltu unsigned", OP2("sltu", 0x80000000u, 1), 0);
    check("sltu less", OP2("sltu", 1, 0x80000000u), 1);
    check("slti", OPI("slti", (u32)-5, -4), 1);
    check("slti false", OPI("slti", 3, -4), 0);
    /* sltiu: the immediate is sign-extended then compared unsigned. */
    check("sltiu sext", OPI("sltiu", 0xfffffff0u, -1), 1);
    check("sltiu big", OPI("sltiu", 0xffffffffu, -1), 0);
}

static void test_shifts(void)
{
    check("sll", OPI("sll", 0x80000001u, 4), 0x00000010u);
    check("sll 31", OPI("sll", 1, 31), 0x80000000u);
    check("srl", OPI("srl", 0x80000000u, 31), 1);
    check("sra", OPI("sra", 0x80000000u, 4), 0xf8000000u);
    check("sra 0", OPI("sra", 0x80000000u, 0), 0x80000000u);
    /* Variable shifts use only the low 5 bits of rs. */
    check("sllv mod32", OP2("sllv", 3, 33), 6);
    check("srlv mod32", OP2("srlv", 0x80000000u, 63), 1);
    check("srav mod32", OP2("srav", 0x80000000u, 0x21), 0xc0000000u);
    check("rotr", OPI("rotr", 0x12345678u, 8), 0x78123456u);
    check("rotr 0", OPI("rotr", 0x12345678u, 0), 0x12345678u);
    check("rotrv", OP2("rotrv", 0x80000001u, 33), 0xc0000000u);
}

static void test_bits(void)
{
    check("clz 0", OP1("clz", 0), 32);
    check("clz 1", OP1("clz", 1), 31);
    check("clz top", OP1("clz", 0x80000000u), 0);
    check("clo -1", OP1("clo", 0xffffffffu), 32);
    check("clo", OP1("clo", 0xfff00000u), 12);
    check("clo 0", OP1("clo", 0), 0);
    check("seb", OP1("seb", 0x1234ff80u), 0xffffff80u);
    check("seb pos", OP1("seb", 0x1234567fu), 0x7fu);
    check("seh", OP1("seh", 0x00018000u), 0xffff8000u);
    check("wsbh", OP1("wsbh", 0x11223344u), 0x22114433u);
    {
        u32 r;
        __asm__ volatile("ext %0, %1, 4, 8" : "=r"(r) : "r"(0x12345678u));
        check("ext", r, 0x67u);
        __asm__ volatile("ext %0, %1, 0, 32" : "=r"(r) : "r"(0x87654321u));
        check("ext full", r, 0x87654321u);
        __asm__ volatile("ext %0, %1, 31, 1" : "=r"(r) : "r"(0x80000000u));
        check("ext top bit", r, 1);
        r = 0xffffffffu;
        __asm__ volatile("ins %0, %1, 8, 12" : "+r"(r) : "r"(0x00000abcu));
        check("ins", r, 0xfffabcffu);
        r = 0;
        __asm__ volatile("ins %0, %1, 31, 1" : "+r"(r) : "r"(0xffffffffu));
        check("ins top bit", r, 0x80000000u);
    }
    {
        u32 r = 111;
        __asm__ volatile("movz %0, %1, %2" : "+r"(r) : "r"(222), "r"(0));
        check("movz taken", r, 222);
        __asm__ volatile("movz %0, %1, %2" : "+r"(r) : "r"(333), "r"(1));
        check("movz not taken", r, 222);
        __asm__ volatile("movn %0, %1, %2" : "+r"(r) : "r"(444), "r"(0x80000000u));
        check("movn taken", r, 444);
        __asm__ volatile("movn %0, %1, %2" : "+r"(r) : "r"(555), "r"(0));
        check("movn not taken", r, 444);
    }
}

static u64 hilo(void)
{
    u32 hi, lo;

    __asm__ volatile("mfhi %0\n\tmflo %1" : "=r"(hi), "=r"(lo));
    return ((u64)hi << 32) | lo;
}

static void set_hilo(u64 v)
{
    __asm__ volatile("mthi %0\n\tmtlo %1" : : "r"((u32)(v >> 32)), "r"((u32)v));
}

static void test_muldiv(void)
{
    __asm__ volatile("mult %0, %1" : : "r"(0xffffffffu), "r"(0xffffffffu));
    check64("mult -1*-1", hilo(), 1);
    __asm__ volatile("mult %0, %1" : : "r"(0x80000000u), "r"(0x80000000u));
    check64("mult min*min", hilo(), 0x4000000000000000ull);
    __asm__ volatile("mult %0, %1" : : "r"(0x7fffffffu), "r"(0xfffffffeu));
    check64("mult max*-2", hilo(), (u64)(-2ll * 0x7fffffffll));
    __asm__ volatile("multu %0, %1" : : "r"(0xffffffffu), "r"(0xffffffffu));
    check64("multu", hilo(), 0xfffffffe00000001ull);
    check("mul", OP2("mul", 0x10001u, 0x10001u), 0x00020001u);
    check("mul neg", OP2("mul", (u32)-3, 7), (u32)-21);

    __asm__ volatile("div $0, %0, %1" : : "r"((u32)-7), "r"(2u));
    check64("div -7/2", hilo(), ((u64)(u32)-1 << 32) | (u32)-3);
    __asm__ volatile("div $0, %0, %1" : : "r"(7u), "r"((u32)-2));
    check64("div 7/-2", hilo(), ((u64)1 << 32) | (u32)-3);
    __asm__ volatile("div $0, %0, %1" : : "r"(v_min), "r"(v_m1));
    check64("div min/-1", hilo(), 0x80000000u);
    __asm__ volatile("divu $0, %0, %1" : : "r"(0xffffffffu), "r"(10u));
    check64("divu", hilo(), ((u64)5 << 32) | 429496729u);
    /* Division by zero: result UNPREDICTABLE, but it must not trap or hang. */
    set_hilo(0x1111111122222222ull);
    __asm__ volatile("div $0, %0, %1" : : "r"(v_max), "r"(0u));
    __asm__ volatile("divu $0, %0, %1" : : "r"(v_max), "r"(0u));
    check("div by zero survives", 1, 1);

    set_hilo(0x00000001ffffffffull);
    __asm__ volatile("madd %0, %1" : : "r"(2u), "r"(3u));
    check64("madd carry", hilo(), 0x0000000200000005ull);
    set_hilo(0);
    __asm__ volatile("madd %0, %1" : : "r"((u32)-2), "r"(3u));
    check64("madd neg", hilo(), (u64)-6ll);
    set_hilo(0);
    __asm__ volatile("maddu %0, %1" : : "r"(0xffffffffu), "r"(2u));
    check64("maddu", hilo(), 0x1fffffffeull);
    set_hilo(0);
    __asm__ volatile("msub %0, %1" : : "r"(2u), "r"(3u));
    check64("msub", hilo(), (u64)-6ll);
    set_hilo(0x100000000ull);
    __asm__ volatile("msubu %0, %1" : : "r"(1u), "r"(1u));
    check64("msubu borrow", hilo(), 0xffffffffull);
    set_hilo(0x1234567887654321ull);
    check64("mthi/mtlo", hilo(), 0x1234567887654321ull);
}

static int ov_hook(struct frame *f)
{
    (void)f;
    return 0;
}

static void test_overflow(void)
{
    u32 r;

    exc_hook = ov_hook;
    reset_exc();
    r = 0x5555;
    __asm__ volatile("add %0, %1, %2" : "+r"(r) : "r"(v_max), "r"(1u));
    check("add overflow traps", EXC_CODE(last_exc.cause), 12);
    check("add overflow keeps rd", r, 0x5555);
    reset_exc();
    __asm__ volatile("addi %0, %1, -1" : "+r"(r) : "r"(v_min));
    check("addi overflow traps", EXC_CODE(last_exc.cause), 12);
    check("addi overflow keeps rd", r, 0x5555);
    reset_exc();
    __asm__ volatile("sub %0, %1, %2" : "+r"(r) : "r"(v_min), "r"(1u));
    check("sub overflow traps", EXC_CODE(last_exc.cause), 12);
    check("sub overflow keeps rd", r, 0x5555);
    reset_exc();
    __asm__ volatile("add %0, %1, %2" : "=r"(r) : "r"(v_min), "r"(v_max));
    check("add no overflow", r, 0xffffffffu);
    __asm__ volatile("sub %0, %1, %2" : "=r"(r) : "r"(v_max), "r"(v_m1));
    check("sub overflow max-(-1)", last_exc.count, 1);
    reset_exc();
    __asm__ volatile("sub %0, %1, %2" : "=r"(r) : "r"(v_min), "r"(v_m1));
    check("sub no overflow", r, 0x80000001u);
    check("no spurious exceptions", last_exc.count, 0);
    exc_hook = 0;
}

int main(void)
{
    test_arith();
    test_shifts();
    test_bits();
    test_muldiv();
    test_overflow();
    done();
    return 0;
}
