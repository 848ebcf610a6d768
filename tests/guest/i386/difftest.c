/*
 * Differential test of the i386 translator: a static 32-bit Linux program that runs
 * integer, flag, string, bit and x87 instructions over many operand values and prints
 * one line per instruction form: its name and a hash over (result, defined flags) of
 * every run. It runs natively on the x86-64 build host and inside the mimic i386 guest;
 * the two outputs must be identical (run-difftest.sh compares them).
 *
 * Flags the SDM leaves undefined for an instruction are masked out of the hash, so the
 * comparison checks architecture, not one part's implementation choice.
 * Build: i686-linux-gnu-gcc -m32 -O1 -static -o difftest difftest.c
 * Usage: difftest [-v | -x87]   (-v prints every operand/result as well as the hashes;
 *                                -x87 only the x87 part, verbosely)
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_OF 0x800
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

#define N_RANDOM 3000

static int verbose;
static uint32_t rng_state = 0x12345678;
static uint64_t hash;

static uint32_t rnd(void)
{
    /* xorshift32 */
    uint32_t x = rng_state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_state = x;
    return x;
}

/* Interesting operands first, then random ones with random widths of set bits. */
static const uint32_t edge[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff,
    0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x12345678, 0x0f0f0f0f, 0x55555555,
    0xaaaaaaaa, 9, 10, 0x99, 0x66,
};
#define N_EDGE (sizeof(edge) / sizeof(edge[0]))

static uint32_t operand(unsigned i)
{
    if (i < N_EDGE) {
        return edge[i];
    }
    switch (rnd() & 3) {
    case 0:
        return rnd() & 0xff;
    case 1:
        return rnd() & 0xffff;
    default:
        return rnd();
    }
}

/*
 * Operand pair number i of a test: every pair of edge values, then random ones;
 * near: every fourth random b is a with one bit flipped (equal-ish compares).
 */
static void pick_pair(unsigned i, int near, uint32_t *a, uint32_t *b)
{
    if (i < N_EDGE * N_EDGE) {
        *a = edge[i / N_EDGE];
        *b = edge[i % N_EDGE];
        return;
    }
    *a = operand(N_EDGE);
    *b = (near && (i & 4)) ? *a ^ (1u << (i % 32)) : operand(N_EDGE);
}

static void mix(uint32_t v)
{
    hash ^= v;
    hash *= 0x100000001b3ull;
}

static void begin(void)
{
    hash = 0xcbf29ce484222325ull;
    rng_state = 0x12345678;
}

static void report(const char *name)
{
    printf("%-16s %016llx\n", name, (unsigned long long)hash);
}

static void record(const char *name, uint32_t a, uint32_t b, uint32_t r, uint32_t f)
{
    if (verbose) {
        printf("%s %08x %08x -> %08x %03x\n", name, a, b, r, f);
    }
    mix(r);
    mix(f);
}

/* Two-operand ALU op OP on width W (l/w/b) with initial flags fin. */
#define ALU2(NAME, INSN, REG0, REG2, MASK)                                     \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE * N_EDGE + N_RANDOM; i++) {            \
            uint32_t a, b, fin, r, f;                                          \
            pick_pair(i, 0, &a, &b);                                           \
            fin = (i & 1) ? 0x8d5 : 0x002;                                     \
            r = a;                                                             \
            __asm__ volatile("pushl %3; popfl; " INSN " " REG2 ", " REG0       \
                             "; pushfl; popl %1"                               \
                             : "+a"(r), "=r"(f) : "c"(b), "r"(fin) : "cc");    \
            record(#NAME, a, b, r, f & (MASK));                                \
        }                                                                      \
        report(#NAME);                                                         \
    }

#define ALU2_ALL(OP, MASK)                                                     \
    ALU2(OP##l, #OP "l", "%0", "%2", MASK)                                     \
    ALU2(OP##w, #OP "w", "%w0", "%w2", MASK)                                   \
    ALU2(OP##b, #OP "b", "%b0", "%b2", MASK)

ALU2_ALL(add, F_ALL)
ALU2_ALL(adc, F_ALL)
ALU2_ALL(sub, F_ALL)
ALU2_ALL(sbb, F_ALL)
ALU2_ALL(and, F_CF | F_PF | F_ZF | F_SF | F_OF)
ALU2_ALL(or, F_CF | F_PF | F_ZF | F_SF | F_OF)
ALU2_ALL(xor, F_CF | F_PF | F_ZF | F_SF | F_OF)
ALU2_ALL(cmp, F_ALL)
ALU2_ALL(test, F_CF | F_PF | F_ZF | F_SF | F_OF)
ALU2_ALL(xadd, F_ALL)
ALU2(imul2l, "imull", "%0", "%2", F_CF | F_OF)
ALU2(imul2w, "imulw", "%w0", "%w2", F_CF | F_OF)
ALU2(bsfl, "bsfl", "%0", "%2", F_ZF)
ALU2(bsrl, "bsrl", "%0", "%2", F_ZF)
ALU2(bsfw, "bsfw", "%w0", "%w2", F_ZF)
ALU2(btl, "btl", "%0", "%2", F_CF)
ALU2(btsl, "btsl", "%0", "%2", F_CF)
ALU2(btrl, "btrl", "%0", "%2", F_CF)
ALU2(btcl, "btcl", "%0", "%2", F_CF)
ALU2(btsw, "btsw", "%w0", "%w2", F_CF)
ALU2(cmovbl, "cmovbl", "%0", "%2", 0)
ALU2(cmovlel, "cmovlel", "%0", "%2", 0)
ALU2(cmovow, "cmovow", "%w0", "%w2", 0)
ALU2(cmovpl, "cmovpl", "%0", "%2", 0)

#define ALU1(NAME, INSN, REG0, MASK)                                           \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE + N_RANDOM; i++) {                     \
            uint32_t a = operand(i), fin = (i & 1) ? 0x8d5 : 0x002, r = a, f;  \
            __asm__ volatile("pushl %2; popfl; " INSN " " REG0 "; pushfl; popl %1" \
                             : "+a"(r), "=r"(f) : "r"(fin) : "cc");            \
            record(#NAME, a, 0, r, f & (MASK));                                \
        }                                                                      \
        report(#NAME);                                                         \
    }

ALU1(incl, "incl", "%0", F_ALL)
ALU1(incw, "incw", "%w0", F_ALL)
ALU1(incb, "incb", "%b0", F_ALL)
ALU1(decl, "decl", "%0", F_ALL)
ALU1(decb, "decb", "%b0", F_ALL)
/* Two-operand ALU ops with the same register twice (the translator must not read
 * the destination in place as the source: SBB reg, reg is Linux's mask idiom). */
ALU1(addself, "addl %0,", "%0", F_ALL)
ALU1(subself, "subl %0,", "%0", F_ALL)
ALU1(sbbself, "sbbl %0,", "%0", F_ALL)
ALU1(adcself, "adcl %0,", "%0", F_ALL)
ALU1(xorself, "xorl %0,", "%0", F_CF | F_PF | F_ZF | F_SF | F_OF)
ALU1(cmpself, "cmpl %0,", "%0", F_ALL)
ALU1(subselfw, "subw %w0,", "%w0", F_ALL)
ALU1(negl, "negl", "%0", F_ALL)
ALU1(negw, "negw", "%w0", F_ALL)
ALU1(negb, "negb", "%b0", F_ALL)
ALU1(notl, "notl", "%0", F_ALL)
ALU1(bswap, "bswap", "%0", 0)
ALU1(daa, "daa", "", F_CF | F_AF | F_SF | F_ZF | F_PF)
ALU1(das, "das", "", F_CF | F_AF | F_SF | F_ZF | F_PF)
ALU1(aaa, "aaa", "", F_CF | F_AF)
ALU1(aas, "aas", "", F_CF | F_AF)
ALU1(aam, "aam", "", F_SF | F_ZF | F_PF)
ALU1(aad, "aad", "", F_SF | F_ZF | F_PF)
ALU1(cbw, "cbtw", "", 0)
ALU1(cwde, "cwtl", "", 0)
ALU1(sahf, "sahf", "", F_ALL)
ALU1(lahf, "lahf", "", F_ALL)
ALU1(seto, "seto", "%b0", 0)
ALU1(setb, "setb", "%b0", 0)
ALU1(setbe, "setbe", "%b0", 0)
ALU1(sets, "sets", "%b0", 0)
ALU1(setp, "setp", "%b0", 0)
ALU1(setl, "setl", "%b0", 0)
ALU1(setle, "setle", "%b0", 0)
ALU1(setg, "setg", "%b0", 0)

/* Shifts and rotates by counts 0..33: flags defined per the SDM for each count. */
#define SHIFT(NAME, INSN, REG0, BITS, ROT)                                     \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE + N_RANDOM; i++) {                     \
            uint32_t a = operand(i), c = i % 34, fin = (i & 2) ? 0x8d5 : 0x002; \
            uint32_t r = a, f, mask;                                           \
            __asm__ volatile("pushl %3; popfl; " INSN " %%cl, " REG0           \
                             "; pushfl; popl %1"                               \
                             : "+a"(r), "=r"(f) : "c"(c), "r"(fin) : "cc");    \
            unsigned mc = c & 31;                                              \
            if (mc == 0) {                                                     \
                mask = F_ALL;                                                  \
            } else if (ROT) {                                                  \
                mask = F_CF | (mc == 1 ? F_OF : 0);                            \
            } else if (mc > (BITS)) {                                          \
                mask = 0;  /* CF undefined when count exceeds the width */    \
            } else {                                                           \
                mask = F_CF | F_SF | F_ZF | F_PF | (mc == 1 ? F_OF : 0);       \
            }                                                                  \
            record(#NAME, a, c, r, f & mask);                                  \
        }                                                                      \
        report(#NAME);                                                         \
    }

SHIFT(shll, "shll", "%0", 32, 0)
SHIFT(shrl, "shrl", "%0", 32, 0)
SHIFT(sarl, "sarl", "%0", 32, 0)
SHIFT(shlw, "shlw", "%w0", 16, 0)
SHIFT(shrw, "shrw", "%w0", 16, 0)
SHIFT(sarb, "sarb", "%b0", 8, 0)
SHIFT(shlb, "shlb", "%b0", 8, 0)
SHIFT(roll, "roll", "%0", 32, 1)
SHIFT(rorl, "rorl", "%0", 32, 1)
SHIFT(rolw, "rolw", "%w0", 16, 1)
SHIFT(rorb, "rorb", "%b0", 8, 1)
SHIFT(rcll, "rcll", "%0", 32, 1)
SHIFT(rcrl, "rcrl", "%0", 32, 1)
SHIFT(rclw, "rclw", "%w0", 16, 1)
SHIFT(rcrb, "rcrb", "%b0", 8, 1)

/*
 * ROL/ROR by an immediate (translated inline, unlike the CL forms): after POPF,
 * after an ADD whose lazily kept SF/ZF/AF/PF the rotate must leave alone, and on a
 * memory operand. OF is defined for a count of 1 only.
 */
#define ROTI(NAME, INSN, N)                                                    \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE * N_EDGE + N_RANDOM; i++) {            \
            uint32_t a, b, fin, r1, r2, m, f1, f2, f3;                         \
            uint32_t mask = F_CF | F_SF | F_ZF | F_AF | F_PF | ((N) == 1 ? F_OF : 0); \
            pick_pair(i, 0, &a, &b);                                           \
            fin = (i & 1) ? 0x8d5 : 0x002;                                     \
            r1 = a;                                                            \
            __asm__ volatile("pushl %2; popfl; " INSN " $" #N ", %0"          \
                             "; pushfl; popl %1"                               \
                             : "+r"(r1), "=r"(f1) : "r"(fin) : "cc");          \
            r2 = a;                                                            \
            __asm__ volatile("addl %2, %0; " INSN " $" #N ", %0"              \
                             "; pushfl; popl %1"                               \
                             : "+r"(r2), "=r"(f2) : "r"(b) : "cc");            \
            m = b;                                                             \
            __asm__ volatile("pushl %2; popfl; " INSN " $" #N ", %0"          \
                             "; pushfl; popl %1"                               \
                             : "+m"(m), "=r"(f3) : "r"(fin) : "cc");           \
            record(#NAME, a, b, r1, f1 & mask);                                \
            record(#NAME, a, b, r2, f2 & mask);                                \
            record(#NAME, a, b, m, f3 & mask);                                 \
        }                                                                      \
        report(#NAME);                                                         \
    }

ROTI(roli1, "roll", 1)
ROTI(roli7, "roll", 7)
ROTI(roli16, "roll", 16)
ROTI(rori1, "rorl", 1)
ROTI(rori12, "rorl", 12)
ROTI(rori31, "rorl", 31)

/*
 * CMP followed by every SETcc and by Jcc: the translator compares the CMP's
 * operands directly there instead of going through the lazily kept flags.
 */
#define CMPCC(NAME, CMP, RA, RB)                                               \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE * N_EDGE + N_RANDOM; i++) {            \
            uint32_t a, b, j = 0;                                              \
            uint8_t c[16];                                                     \
            pick_pair(i, 1, &a, &b);                                           \
            __asm__ volatile(CMP " " RB ", " RA "\n\t"                         \
                             "seto %[c0]; setno %[c1]; setb %[c2]; setae %[c3]\n\t" \
                             "sete %[c4]; setne %[c5]; setbe %[c6]; seta %[c7]\n\t" \
                             "sets %[c8]; setns %[c9]; setp %[c10]; setnp %[c11]\n\t" \
                             "setl %[c12]; setge %[c13]; setle %[c14]; setg %[c15]" \
                             : [c0] "=m"(c[0]), [c1] "=m"(c[1]), [c2] "=m"(c[2]), \
                               [c3] "=m"(c[3]), [c4] "=m"(c[4]), [c5] "=m"(c[5]), \
                               [c6] "=m"(c[6]), [c7] "=m"(c[7]), [c8] "=m"(c[8]), \
                               [c9] "=m"(c[9]), [c10] "=m"(c[10]), [c11] "=m"(c[11]), \
                               [c12] "=m"(c[12]), [c13] "=m"(c[13]),          \
                               [c14] "=m"(c[14]), [c15] "=m"(c[15])            \
                             : [a] "q"(a), [b] "q"(b) : "cc");                 \
            __asm__ volatile(CMP " " RB ", " RA "; jb 1f; orl $1, %[j]; 1:\n\t" \
                             CMP " " RB ", " RA "; jle 2f; orl $2, %[j]; 2:\n\t" \
                             CMP " " RB ", " RA "; jg 3f; orl $4, %[j]; 3:\n\t" \
                             CMP " " RB ", " RA "; ja 4f; orl $8, %[j]; 4:\n\t" \
                             CMP " " RB ", " RA "; je 5f; orl $16, %[j]; 5:"   \
                             : [j] "+r"(j) : [a] "q"(a), [b] "q"(b) : "cc");   \
            uint32_t m = j;                                                    \
            for (int k = 0; k < 16; k++) {                                     \
                m |= (uint32_t)c[k] << (k + 8);                                \
            }                                                                  \
            record(#NAME, a, b, m, 0);                                         \
        }                                                                      \
        report(#NAME);                                                         \
    }

/* TEST of EAX/AX/AL with an immediate, then conditions on ZF and SF. */
#define TESTI(NAME, INSN, REG, IMM)                                            \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE + N_RANDOM; i++) {                     \
            uint32_t a = operand(i), j = 0;                                    \
            __asm__ volatile(INSN " $" #IMM ", " REG "; je 1f; orl $1, %[j]; 1:\n\t" \
                             INSN " $" #IMM ", " REG "; js 2f; orl $2, %[j]; 2:\n\t" \
                             INSN " $" #IMM ", " REG "; jle 3f; orl $4, %[j]; 3:\n\t" \
                             INSN " $" #IMM ", " REG "; jg 4f; orl $8, %[j]; 4:\n\t" \
                             INSN " $" #IMM ", " REG "; jo 5f; orl $16, %[j]; 5:\n\t" \
                             INSN " $" #IMM ", " REG "; jnc 6f; orl $32, %[j]; 6:" \
                             : [j] "+r"(j) : "a"(a) : "cc");               \
            record(#NAME, a, IMM, j, 0);                                       \
        }                                                                      \
        report(#NAME);                                                         \
    }

TESTI(testib1, "testb", "%%al", 1)
TESTI(testib7f, "testb", "%%al", 0x7f)
TESTI(testib80, "testb", "%%al", 0x80)
TESTI(testiw, "testw", "%%ax", 0x4001)
TESTI(testil, "testl", "%%eax", 0x40000001)
TESTI(testilneg, "testl", "%%eax", 0x80000001)

CMPCC(cmpccl, "cmpl", "%[a]", "%[b]")
CMPCC(cmpccw, "cmpw", "%w[a]", "%w[b]")
CMPCC(cmpccb, "cmpb", "%b[a]", "%b[b]")

/*
 * INC/DEC at the start of a block (after a jump), where the translator does not know
 * the op before it and keeps that op for CF instead of computing it: PRE sets the
 * flags, then INC/DEC after a JMP, JS on its SF, another INC/DEC at the JS target (an
 * op kept twice), JB on the CF kept from PRE, two INC/DECs in one block, PUSHF and
 * ADC.
 */
#define INCLAZY(NAME, PRE, INC1, INC2)                                         \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE * N_EDGE + N_RANDOM; i++) {            \
            uint32_t a, b, fin, j = 0, f;                                      \
            pick_pair(i, 0, &a, &b);                                           \
            fin = (i & 1) ? 0x8d5 : 0x002;                                     \
            uint32_t r = a;                                                    \
            __asm__ volatile("pushl %[fin]; popfl\n\t" PRE "\n\t"              \
                             "jmp 1f\n1:\t" INC1 "\n\t"                          \
                             "js 2f; orl $1, %[j]\n2:\t" INC2 "\n\t"               \
                             "jb 3f; orl $2, %[j]\n3:\t" INC1 "\n\t"               \
                             INC2 "\n\t"                                         \
                             "pushfl; popl %[f]\n\t"                           \
                             INC1 "; adcl $0, %[j]"                              \
                             : "+a"(r), [j] "+r"(j), [f] "=&r"(f)              \
                             : "c"(b), [fin] "r"(fin) : "edx", "cc");          \
            record(#NAME, a, b, r, (f & F_ALL) | (j << 12));                   \
        }                                                                      \
        report(#NAME);                                                         \
    }

INCLAZY(incl_add, "addl %%ecx, %%eax", "incl %%eax", "incl %%eax")
INCLAZY(incl_sub, "subl %%ecx, %%eax", "incl %%eax", "decl %%eax")
INCLAZY(decl_cmpb, "cmpb %%cl, %%al", "decl %%eax", "decl %%eax")
INCLAZY(incw_sbb, "sbbl %%ecx, %%eax", "incw %%ax", "decw %%ax")
INCLAZY(decb_adc, "adcw %%cx, %%ax", "decb %%al", "incb %%al")
INCLAZY(incl_and, "andl %%ecx, %%eax", "incl %%eax", "incl %%eax")
INCLAZY(incb_shl, "shll %%cl, %%eax", "incb %%al", "incb %%al")
INCLAZY(decl_sar, "sarb %%cl, %%al", "decl %%eax", "incl %%eax")
INCLAZY(incl_imul, "imull %%ecx, %%eax", "incl %%eax", "decl %%eax")
INCLAZY(decl_mul, "mull %%ecx", "decl %%eax", "decl %%eax")
INCLAZY(incl_bt, "btl %%ecx, %%eax", "incl %%eax", "incl %%eax")
INCLAZY(decl_inc, "incl %%ecx", "decl %%eax", "incw %%ax")
INCLAZY(incl_popf, "nop", "incl %%eax", "decb %%al")
/* The same after INC/DEC in the block of a known op (its CF is kept as well). */
INCLAZY(add_incl, "addl %%ecx, %%eax; incl %%eax; jnc 5f; orl $4, %[j]; 5:",
        "incl %%eax", "decl %%eax")
INCLAZY(sub_decl, "subl %%ecx, %%eax; decl %%eax; jbe 5f; orl $4, %[j]; 5:",
        "decl %%eax", "incb %%al")
INCLAZY(sbb_decw, "sbbw %%cx, %%ax; decw %%ax; decl %%eax; ja 5f; orl $4, %[j]; 5:",
        "incl %%eax", "incl %%eax")
INCLAZY(adc_incb, "adcb %%cl, %%al; incb %%al; pushfl; popl %%edx; andl $0x8d5, %%edx; "
        "addl %%edx, %[j]", "decl %%eax", "decl %%eax")
INCLAZY(imul_incl, "imull %%ecx, %%eax; incl %%eax; adcl $0, %[j]", "incl %%eax",
        "decl %%eax")
INCLAZY(shl_decl, "shll %%cl, %%eax; decl %%eax; setc %%dl; movzbl %%dl, %%edx; "
        "addl %%edx, %[j]", "incl %%eax", "incw %%ax")

/*
 * CMOVcc (all 16) right after the op that set the flags, which the translator turns
 * into one compare of that op's operands; then ADC and SBB after CMP and SUB (the
 * carry from the kept operands).
 */
#define CMOV1(OP, CC, SFX, R)                                                  \
    __asm__ volatile(OP "; movl %[x], %[r]; cmov" CC SFX " " R                 \
                     : [r] "=&r"(v) : [a] "r"(a), [b] "r"(b), [x] "r"(x),      \
                       [y] "r"(y) : "cc");                                     \
    m = m * 3 + (v == y)

#define CMOVCC(NAME, OP, SFX, R)                                               \
    static void t_##NAME(void)                                                 \
    {                                                                          \
        begin();                                                               \
        for (unsigned i = 0; i < N_EDGE * N_EDGE + N_RANDOM; i++) {            \
            uint32_t a, b, x = 0x1111, y = 0x2222, v, m = 0;                   \
            pick_pair(i, 1, &a, &b);                                           \
            CMOV1(OP, "o", SFX, R); CMOV1(OP, "no", SFX, R);                   \
            CMOV1(OP, "b", SFX, R); CMOV1(OP, "ae", SFX, R);                   \
            CMOV1(OP, "e", SFX, R); CMOV1(OP, "ne", SFX, R);                   \
            CMOV1(OP, "be", SFX, R); CMOV1(OP, "a", SFX, R);                   \
            CMOV1(OP, "s", SFX, R); CMOV1(OP, "ns", SFX, R);                   \
            CMOV1(OP, "p", SFX, R); CMOV1(OP, "np", SFX, R);                   \
            CMOV1(OP, "l", SFX, R); CMOV1(OP, "ge", SFX, R);                   \
            CMOV1(OP, "le", SFX, R); CMOV1(OP, "g", SFX, R);                   \
            uint32_t c1 = a, c2 = a;                                           \
            __asm__ volatile("cmpl %[b], %[a]; adcl %[b], %[c1]\n\t"            \
                             "subl %[b], %[a]; sbbl %[b], %[c2]"               \
                             : [c1] "+r"(c1), [c2] "+r"(c2), [a] "+r"(a)       \
                             : [b] "r"(b) : "cc");                             \
            record(#NAME, a, b, m, c1 ^ (c2 << 1));                            \
        }                                                                      \
        report(#NAME);                                                         \
    }

CMOVCC(cmovcmpl, "cmpl %[b], %[a]", "l", "%[y], %[r]")
CMOVCC(cmovcmpw, "cmpw %w[b], %w[a]", "w", "%w[y], %w[r]")
CMOVCC(cmovtest, "testl %[b], %[a]", "l", "%[y], %[r]")
CMOVCC(cmovadd, "movl %[a], %[r]; addl %[b], %[r]", "l", "%[y], %[r]")
CMOVCC(cmovdec, "movl %[a], %[r]; jmp 1f; 1: decl %[r]", "l", "%[y], %[r]")

/* SETcc into AL..BL after CMP: the upper 24 bits kept, also when zeroed by XOR. */
static void t_setreg(void)
{
    begin();
    for (unsigned i = 0; i < N_EDGE * N_EDGE + N_RANDOM; i++) {
        uint32_t a, b, r1, r2;
        pick_pair(i, 0, &a, &b);
        r1 = a ^ 0x5a5a5a5a;
        __asm__ volatile("cmpl %[b], %[a]; setb %b[r1]\n\t"
                         "xorl %[r2], %[r2]; cmpl %[b], %[a]; setl %b[r2]"
                         : [r1] "+q"(r1), [r2] "=&q"(r2)
                         : [a] "r"(a), [b] "r"(b) : "cc");
        record("setreg", a, b, r1, r2);
    }
    report("setreg");
}

static void t_shld(void)
{
    begin();
    for (unsigned i = 0; i < N_EDGE * 4 + N_RANDOM; i++) {
        uint32_t a = operand(i % (N_EDGE + 1)), b = operand(N_EDGE), c = i % 32;
        uint32_t r1 = a, r2 = a, f1, f2, mask;

        __asm__ volatile("shldl %%cl, %2, %0; pushfl; popl %1"
                         : "+a"(r1), "=r"(f1) : "d"(b), "c"(c) : "cc");
        __asm__ volatile("shrdl %%cl, %2, %0; pushfl; popl %1"
                         : "+a"(r2), "=r"(f2) : "d"(b), "c"(c) : "cc");
        mask = c == 0 ? F_ALL : F_CF | F_SF | F_ZF | F_PF | (c == 1 ? F_OF : 0);
        record("shld", a, b, r1, f1 & mask);
        record("shrd", a, b, r2, f2 & mask);
    }
    report("shld/shrd");
}

/*
 * A loop whose backward Jcc is the first branch of its block: the translator goes
 * on at the fall-through in the same TB (the taken side leaves from a cold exit),
 * where a CMP feeds ADC and SBB, and the block ends in a second backward Jcc whose
 * other side has no chained slot left. Registers and flags after 1-40 rounds.
 */
static void t_jccloop(void)
{
    begin();
    for (unsigned i = 0; i < N_EDGE + N_RANDOM; i++) {
        uint32_t x = operand(i), y = operand(i + 1), n = 1 + i % 40, acc = i, s2 = 0;
        uint32_t f;

        __asm__ volatile("jmp 2f\n"
                         "1:\tadd %[x], %[acc]\n\t"
                         "dec %[n]\n\t"
                         "jz 4f\n"
                         "2:\timul $0x9e3779b1, %[x], %[x]\n\t"
                         "add %[y], %[x]\n\t"
                         "roll $5, %[y]\n\t"
                         "test $1, %b[x]\n\t"
                         "jne 1b\n\t"
                         "cmp %[x], %[y]\n\t"
                         "adc %[y], %[acc]\n\t"
                         "sbb %[x], %[s2]\n\t"
                         "dec %[n]\n\t"
                         "jnz 2b\n"
                         "4:\tpushf\n\t"
                         "popl %[f]"
                         : [x] "+a"(x), [y] "+d"(y), [n] "+c"(n), [acc] "+S"(acc),
                           [s2] "+D"(s2), [f] "=m"(f)
                         : : "cc");
        record("jccloop", x, y, acc ^ (s2 << 1), f & 0x8d5);
    }
    report("jccloop");
}

static void t_muldiv(void)
{
    begin();
    for (unsigned i = 0; i < N_EDGE * N_EDGE + N_RANDOM; i++) {
        uint32_t a, b, lo, hi, f;

        pick_pair(i, 0, &a, &b);
        __asm__ volatile("mull %3; pushfl; popl %2" : "=a"(lo), "=d"(hi), "=r"(f)
                         : "r"(b), "a"(a) : "cc");
        record("mul", a, b, lo ^ hi * 3, f & (F_CF | F_OF));
        __asm__ volatile("imull %3; pushfl; popl %2" : "=a"(lo), "=d"(hi), "=r"(f)
                         : "r"(b), "a"(a) : "cc");
        record("imul", a, b, lo ^ hi * 3, f & (F_CF | F_OF));
        __asm__ volatile("mulw %w3; pushfl; popl %2" : "=a"(lo), "=d"(hi), "=r"(f)
                         : "r"(b), "a"(a), "d"(0x5a5a5a5a) : "cc");
        record("mulw", a, b, lo ^ hi * 3, f & (F_CF | F_OF));
        __asm__ volatile("imulb %b3; pushfl; popl %2" : "=a"(lo), "=d"(hi), "=r"(f)
                         : "q"(b), "a"(a), "d"(0) : "cc");
        record("imulb", a, b, lo, f & (F_CF | F_OF));
        __asm__ volatile("imull $-7, %2, %0; pushfl; popl %1" : "=r"(lo), "=r"(f)
                         : "r"(a) : "cc");
        record("imul3", a, b, lo, f & (F_CF | F_OF));
        if (b != 0) {
            uint64_t n = ((uint64_t)(a % b) << 32) | (uint32_t)(a * 2654435761u);

            __asm__ volatile("divl %4" : "=a"(lo), "=d"(hi)
                             : "a"((uint32_t)n), "d"((uint32_t)(n >> 32)), "r"(b));
            record("div", a, b, lo, hi);
            /* EDX cleared right before (the translator folds its test) and EDX
             * zero or not as the data says (tested at run time). */
            __asm__ volatile("xorl %%edx, %%edx; divl %3" : "=a"(lo), "=d"(hi)
                             : "a"(a), "r"(b) : "cc");
            record("div32", a, b, lo, hi);
            uint32_t hz = (a & 0x100) ? 0 : a % b;
            __asm__ volatile("divl %4" : "=a"(lo), "=d"(hi)
                             : "a"(a ^ b), "d"(hz), "r"(b));
            record("div32d", a, b, lo, hi);
            int64_t sn = (int32_t)a;
            int32_t sb = (int32_t)b;
            if (!(sb == -1 && (int32_t)a == INT32_MIN)) {
                __asm__ volatile("idivl %4" : "=a"(lo), "=d"(hi)
                                 : "a"((uint32_t)sn), "d"((uint32_t)(sn >> 32)), "r"(sb));
                record("idiv", a, b, lo, hi);
            }
            if ((b & 0xff) && (a & 0xffff) / (b & 0xff) < 256) {
                __asm__ volatile("divb %b2" : "=a"(lo) : "a"(a), "q"(b));
                record("divb", a, b, lo, 0);
            }
        }
    }
    report("mul/div");
}

static void t_cmpxchg(void)
{
    begin();
    for (unsigned i = 0; i < N_EDGE + N_RANDOM; i++) {
        uint32_t a = operand(i), m = (i & 1) ? a : operand(N_EDGE), s = rnd(), f;
        uint64_t q = ((uint64_t)rnd() << 32) | m;
        uint32_t lo = (uint32_t)q, hi = (i & 2) ? (uint32_t)(q >> 32) : 0;

        __asm__ volatile("cmpxchgl %3, %1; pushfl; popl %2" : "+a"(a), "+m"(m), "=r"(f)
                         : "r"(s) : "cc");
        record("cmpxchg", a, m, s, f & F_ALL);
        __asm__ volatile("cmpxchg8b %0; pushfl; popl %1" : "+m"(q), "=r"(f), "+a"(lo),
                         "+d"(hi) : "b"(s), "c"(~s) : "cc");
        record("cmpxchg8b", lo, hi, (uint32_t)q ^ (uint32_t)(q >> 32), f & F_ZF);
    }
    report("cmpxchg");
}

static void t_string(void)
{
    static uint8_t src[512], dst[512];

    begin();
    for (unsigned i = 0; i < 400; i++) {
        uint32_t n = rnd() % 64, off = rnd() % 64, f, si, di, cx;
        uint32_t al = rnd();
        int down = i & 1;

        for (unsigned k = 0; k < sizeof(src); k++) {
            src[k] = (uint8_t)rnd();
            dst[k] = (k % 7) ? src[k] : (uint8_t)~src[k];
        }
        si = (uint32_t)(src + 200 + off);
        di = (uint32_t)(dst + 200 + off);
        cx = n;
        __asm__ volatile("cmpl $0, %5; je 1f; std; 1: rep movsb; cld"
                         : "+S"(si), "+D"(di), "+c"(cx) : "m"(src), "m"(dst), "r"(down)
                         : "memory");
        record("rep movsb", si - (uint32_t)src, di - (uint32_t)dst, cx, dst[200 + off]);
        si = (uint32_t)(src + 100);
        di = (uint32_t)(dst + 100);
        cx = n;
        __asm__ volatile("cmpl $0, %4; je 1f; std; 1: repe cmpsb; pushfl; popl %3; cld"
                         : "+S"(si), "+D"(di), "+c"(cx), "=r"(f) : "r"(down) : "memory", "cc");
        record("repe cmpsb", si - (uint32_t)src, di - (uint32_t)dst, cx, n ? f & F_ALL : 0);
        di = (uint32_t)(src + 300);
        cx = n;
        __asm__ volatile("repne scasb; pushfl; popl %2"
                         : "+D"(di), "+c"(cx), "=r"(f) : "a"(al) : "memory", "cc");
        record("repne scasb", di - (uint32_t)src, al, cx, n ? f & F_ALL : 0);
        di = (uint32_t)(dst + 64);
        cx = n / 4;
        __asm__ volatile("rep stosl" : "+D"(di), "+c"(cx) : "a"(al) : "memory");
        si = (uint32_t)(dst + 64);
        __asm__ volatile("lodsw" : "+S"(si), "=a"(al) : : "memory");
        record("stos/lods", di - (uint32_t)dst, si, cx, al & 0xffff);
        si = (uint32_t)(src + 10);
        di = (uint32_t)(dst + 300);
        cx = n / 2;
        __asm__ volatile("rep movsw" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
        for (unsigned k = 0; k < sizeof(dst); k += 4) {
            mix(*(uint32_t *)(dst + k));
        }
    }
    report("string");
}

/* ---- x87 ---- */

static const uint16_t cw_default = 0x37f;

static void fp_record(const char *name, long double v, uint16_t sw)
{
    uint8_t b[10];

    memcpy(b, &v, 10);
    if (verbose) {
        printf("%s %02x%02x %02x%02x%02x%02x%02x%02x%02x%02x sw %04x\n", name, b[9], b[8],
               b[7], b[6], b[5], b[4], b[3], b[2], b[1], b[0], sw);
    }
    for (int i = 0; i < 10; i++) {
        mix(b[i]);
    }
    mix(sw);
}

static long double fp_operand(unsigned i)
{
    static const long double e[] = { 0.0L, -0.0L, 1.0L, -1.0L, 0.5L, 3.0L, 1e300L,
                                     1e-300L, 1e4000L, 2.5e-4940L, 0.1L, 1.0L / 3.0L };
    union { uint64_t q[2]; long double d; } u;

    if (i < sizeof(e) / sizeof(e[0])) {
        return e[i];
    }
    u.q[0] = ((uint64_t)rnd() << 32) | rnd() | (1ull << 63);
    u.q[1] = (rnd() % 200) + 16383 - 100 + ((rnd() & 1) ? 0x8000 : 0);
    return u.d;
}

#define FP2(NAME, INSN)                                                        \
    static void NAME(long double a, long double b, uint16_t cw)                \
    {                                                                          \
        long double r;                                                         \
        uint16_t sw;                                                           \
        __asm__ volatile("fldcw %4; fnclex; " INSN "; fnstsw %1; fldcw %5"     \
                         : "=t"(r), "=m"(sw) : "0"(a), "u"(b), "m"(cw),        \
                           "m"(cw_default) : "st(1)");                         \
        fp_record(#NAME, r, sw & 0x473f);                                      \
    }

FP2(f_add, "faddp")
FP2(f_sub, "fsubrp")
FP2(f_mul, "fmulp")
FP2(f_div, "fdivrp")
FP2(f_yl2x, "fyl2x")
FP2(f_patan, "fpatan")

#define FP1(NAME, INSN)                                                        \
    static void NAME(long double a, uint16_t cw)                               \
    {                                                                          \
        long double r;                                                         \
        uint16_t sw;                                                           \
        __asm__ volatile("fldcw %3; fnclex; " INSN "; fnstsw %1; fldcw %4"     \
                         : "=t"(r), "=m"(sw) : "0"(a), "m"(cw), "m"(cw_default)); \
        fp_record(#NAME, r, sw & 0x473f);                                      \
    }

FP1(f_sqrt, "fsqrt")
FP1(f_rndint, "frndint")
FP1(f_sin, "fsin")
FP1(f_cos, "fcos")
FP1(f_chs, "fchs")

static void t_x87(void)
{
    static const uint16_t cws[] = { 0x37f, 0x77f, 0xb7f, 0xf7f, 0x07f, 0x27f };

    begin();
    for (unsigned i = 0; i < 1500; i++) {
        long double a = fp_operand(i % 40 < 12 ? i % 40 : 99);
        long double b = fp_operand((i / 3) % 40 < 12 ? (i / 3) % 40 : 99);
        uint16_t cw = cws[i % 6];
        float fs;
        double fd;
        int32_t il;
        int64_t iq;
        uint16_t sw;

        f_add(a, b, cw);
        f_sub(a, b, cw);
        f_mul(a, b, cw);
        f_div(a, b, cw);
        f_sqrt(a < 0 ? -a : a, cw);
        f_rndint(a, cw);
        f_chs(a, cw);
        if (i % 5 == 0) {
            f_sin(a, cw);
            f_cos(a, cw);
            f_yl2x(a < 0 ? -a : a, b, cw);
            f_patan(a, b, cw);
        }
        __asm__ volatile("fldcw %3; fnclex; fsts %0; fstl %1; fnstsw %2; fldcw %5"
                         : "=m"(fs), "=m"(fd), "=m"(sw) : "m"(cw), "t"(a),
                           "m"(cw_default));
        mix(*(uint32_t *)&fs);
        mix((uint32_t)*(uint64_t *)&fd);
        mix((uint32_t)(*(uint64_t *)&fd >> 32));
        mix(sw & 0x3f);
        long double big = a * 1e-280L;
        __asm__ volatile("fldcw %3; fnclex; fistl %0; fld %%st(0); fistpll %1; fnstsw %2;"
                         "fldcw %5"
                         : "=m"(il), "=m"(iq), "=m"(sw) : "m"(cw), "t"(big),
                           "m"(cw_default));
        mix(il);
        mix((uint32_t)iq);
        mix(sw & 0x3f);
        uint16_t cmp;
        __asm__ volatile("fnclex; fucom %%st(1); fnstsw %0"
                         : "=m"(cmp) : "t"(a), "u"(b));
        mix(cmp & 0x4500);
    }
    /* Stack faults: underflow (empty ST(0)) and overflow (nine pushes). */
    uint16_t sw1, sw2;
    double d;
    __asm__ volatile("fninit; fld %%st(0); fnstsw %0; fstpl %1; fninit"
                     : "=m"(sw1), "=m"(d));
    __asm__ volatile("fninit; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1;"
                     "fnstsw %0; fninit" : "=m"(sw2));
    mix(sw1);
    mix(sw2);
    mix((uint32_t)(*(uint64_t *)&d >> 32));
    if (verbose) {
        printf("stack faults %04x %04x %08x\n", sw1, sw2, (uint32_t)(*(uint64_t *)&d >> 32));
    }
    report("x87");

    /* FXSAVE/FXRSTOR: control, status, abridged tags, MXCSR and the registers (the
     * instruction/data pointers, MXCSR_MASK and the XMM area are left out). */
    static uint8_t img[512] __attribute__((aligned(16)));
    static uint8_t img2[512] __attribute__((aligned(16)));
    begin();
    for (unsigned i = 0; i < 200; i++) {
        long double a = fp_operand(i % 40 < 12 ? i % 40 : 99);
        uint16_t cw = cws[i % 6];

        __asm__ volatile("fninit; fldcw %2; fldt %1; fld1; fldpi; fxsave %0"
                         : "=m"(img) : "m"(a), "m"(cw));
        for (int k = 0; k < 6; k++) {
            mix(img[k]);
        }
        for (int k = 24; k < 28; k++) {
            mix(img[k]);
        }
        for (int k = 32; k < 160; k++) {
            mix(img[k]);
        }
        /* Round trip through FXRSTOR, then pop the registers back out. */
        long double r0, r1, r2;
        __asm__ volatile("fninit; fxrstor %3; fstpt %0; fstpt %1; fstpt %2; fxsave %4; fninit"
                         : "=m"(r0), "=m"(r1), "=m"(r2) : "m"(img), "m"(img2));
        fp_record("fxrstor", r0, 0);
        fp_record("fxrstor", r1, 0);
        fp_record("fxrstor", r2, img2[4]);
    }
    report("fxsave");
}

/* MMX: every packed op over random operands (and shift counts) through memory. */
/* (No MMX clobbers: the compiler is not allowed MMX registers without -mmmx.) */
#define MMX2(INSN)                                                             \
    do {                                                                       \
        uint64_t r_;                                                           \
        __asm__ volatile("movq %1, %%mm0; movq %2, %%mm1; " INSN " %%mm1, %%mm0;" \
                         "movq %%mm0, %0; emms" : "=m"(r_) : "m"(a), "m"(b)    \
                         );                                                    \
        mix((uint32_t)r_);                                                     \
        mix((uint32_t)(r_ >> 32));                                             \
    } while (0)
#define MMXI(INSN, IMM)                                                        \
    do {                                                                       \
        uint64_t r_;                                                           \
        __asm__ volatile("movq %1, %%mm2; " INSN " $" #IMM ", %%mm2; movq %%mm2, %0; emms" \
                         : "=m"(r_) : "m"(a));                         \
        mix((uint32_t)r_);                                                     \
        mix((uint32_t)(r_ >> 32));                                             \
    } while (0)

static void t_mmx(void)
{
    begin();
    for (unsigned i = 0; i < 2000; i++) {
        uint64_t a = ((uint64_t)operand(i % 30) << 32) | operand(N_EDGE);
        uint64_t b = (i % 3 == 0) ? (uint64_t)(rnd() % 70)
                                  : ((uint64_t)operand(N_EDGE) << 32) | operand(i % 25);
        uint32_t lo;

        MMX2("punpcklbw"); MMX2("punpcklwd"); MMX2("punpckldq"); MMX2("packsswb");
        MMX2("pcmpgtb"); MMX2("pcmpgtw"); MMX2("pcmpgtd"); MMX2("packuswb");
        MMX2("punpckhbw"); MMX2("punpckhwd"); MMX2("punpckhdq"); MMX2("packssdw");
        MMX2("pcmpeqb"); MMX2("pcmpeqw"); MMX2("pcmpeqd");
        MMX2("psrlw"); MMX2("psrld"); MMX2("psrlq"); MMX2("pmullw");
        MMX2("psubusb"); MMX2("psubusw"); MMX2("pand"); MMX2("paddusb"); MMX2("paddusw");
        MMX2("pandn"); MMX2("psraw"); MMX2("psrad"); MMX2("pmulhw"); MMX2("psubsb");
        MMX2("psubsw"); MMX2("por"); MMX2("paddsb"); MMX2("paddsw"); MMX2("pxor");
        MMX2("psllw"); MMX2("pslld"); MMX2("psllq"); MMX2("pmaddwd"); MMX2("psubb");
        MMX2("psubw"); MMX2("psubd"); MMX2("paddb"); MMX2("paddw"); MMX2("paddd");
        MMXI("psrlw", 3); MMXI("psraw", 15); MMXI("psllw", 17); MMXI("psrld", 7);
        MMXI("psrad", 31); MMXI("pslld", 1); MMXI("psrlq", 33); MMXI("psllq", 63);
        __asm__ volatile("movd %1, %%mm3; movd %%mm3, %0; emms" : "=r"(lo) : "r"((uint32_t)a));
        mix(lo);
    }
    /* MMX ops leave TOP = 0 and all tags valid; EMMS empties them. */
    uint16_t sw, env1[14], env2[14];
    __asm__ volatile("fninit; fld1; fld1; movq %%mm0, %%mm1; fnstenv %0; emms; fnstenv %1;"
                     "fnstsw %2; fninit" : "=m"(env1), "=m"(env2), "=m"(sw));
    mix(env1[4]);   /* tag word after MMX */
    mix(env2[4]);   /* after EMMS */
    mix(sw & 0x3800);
    report("mmx");
}

/* SSE: packed/scalar single precision under every rounding mode (and FZ), MXCSR
 * flags, conversions, compares into EFLAGS, shuffles, and the MMX integer additions.
 * (No XMM clobbers: the compiler may not use XMM registers without -msse.) */
static uint32_t sse_operand(unsigned i)
{
    static const uint32_t e[] = { 0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000,
                                  0xff800000, 0x7fc00000, 0x7fa00000, 0x00000001,
                                  0x007fffff, 0x7f7fffff, 0x4f000000, 0xcf000000,
                                  0x3eaaaaab, 0x40490fdb };

    if (i < sizeof(e) / sizeof(e[0])) {
        return e[i];
    }
    return (rnd() & 0x8fffffff) | ((rnd() % 60 + 100) << 23);
}

#define SSEP(INSN)                                                             \
    do {                                                                       \
        uint32_t r_[4], m_;                                                    \
        __asm__ volatile("ldmxcsr %3; movups %1, %%xmm0; movups %2, %%xmm1; "  \
                         INSN " %%xmm1, %%xmm0; movups %%xmm0, %0; stmxcsr %4" \
                         : "=m"(r_) : "m"(va), "m"(vb), "m"(mx), "m"(m_));     \
        __asm__ volatile("stmxcsr %0" : "=m"(m_));                             \
        for (int k_ = 0; k_ < 4; k_++) {                                       \
            mix(r_[k_]);                                                       \
        }                                                                      \
        mix(m_ & 0x3f);                                                        \
        __asm__ volatile("ldmxcsr %0" : : "m"(mx_default));                    \
    } while (0)

static const uint32_t mx_default = 0x1f80;

static void t_sse(void)
{
    static const uint32_t mxs[] = { 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80 };

    begin();
    for (unsigned i = 0; i < 1500; i++) {
        uint32_t va[4], vb[4], mx = mxs[i % 5], f, r;
        uint64_t mm1, mm2, mr;

        for (int k = 0; k < 4; k++) {
            va[k] = sse_operand((i * 4 + k) % 40 < 15 ? (i * 4 + k) % 40 : 99);
            vb[k] = sse_operand((i * 7 + k) % 45 < 15 ? (i * 7 + k) % 45 : 99);
        }
        SSEP("addps"); SSEP("subps"); SSEP("mulps"); SSEP("divps"); SSEP("sqrtps");
        SSEP("minps"); SSEP("maxps"); SSEP("rcpps"); SSEP("rsqrtps");
        SSEP("addss"); SSEP("subss"); SSEP("mulss"); SSEP("divss"); SSEP("sqrtss");
        SSEP("minss"); SSEP("maxss");
        SSEP("cmpeqps"); SSEP("cmpltps"); SSEP("cmpleps"); SSEP("cmpunordps");
        SSEP("cmpneqps"); SSEP("cmpnltps"); SSEP("cmpnleps"); SSEP("cmpordps");
        SSEP("cmpltss"); SSEP("andps"); SSEP("andnps"); SSEP("orps"); SSEP("xorps");
        SSEP("unpcklps"); SSEP("unpckhps"); SSEP("shufps $0x1b,"); SSEP("shufps $0xe4,");
        SSEP("movhlps"); SSEP("movlhps"); SSEP("movss");
        __asm__ volatile("ldmxcsr %3; movss %1, %%xmm0; movss %2, %%xmm1; ucomiss %%xmm1, %%xmm0;"
                         "pushfl; popl %0; ldmxcsr %4"
                         : "=r"(f) : "m"(va), "m"(vb), "m"(mx), "m"(mx_default) : "cc");
        mix(f & F_ALL);
        __asm__ volatile("ldmxcsr %3; movss %1, %%xmm0; movss %2, %%xmm1; comiss %%xmm1, %%xmm0;"
                         "pushfl; popl %0; ldmxcsr %4"
                         : "=r"(f) : "m"(va), "m"(vb), "m"(mx), "m"(mx_default) : "cc");
        mix(f & F_ALL);
        /* (MOVD to/from XMM is SSE2: stores go through MOVSS.) */
        __asm__ volatile("ldmxcsr %2; cvtsi2ss %1, %%xmm0; movss %%xmm0, %0; ldmxcsr %3"
                         : "=m"(r) : "r"(va[1] ^ vb[2]), "m"(mx), "m"(mx_default));
        mix(r);
        __asm__ volatile("ldmxcsr %2; movss %1, %%xmm0; cvtss2si %%xmm0, %0; ldmxcsr %3"
                         : "=r"(r) : "m"(va), "m"(mx), "m"(mx_default));
        mix(r);
        __asm__ volatile("ldmxcsr %2; cvttss2si %1, %0; ldmxcsr %3"
                         : "=r"(r) : "m"(vb), "m"(mx), "m"(mx_default));
        mix(r);
        __asm__ volatile("movups %1, %%xmm0; movmskps %%xmm0, %0" : "=r"(r) : "m"(va));
        mix(r);
        mm1 = ((uint64_t)va[0] << 32) | vb[1];
        mm2 = ((uint64_t)vb[3] << 32) | va[2];
        __asm__ volatile("ldmxcsr %2; movq %1, %%mm0; cvtpi2ps %%mm0, %%xmm0; "
                         "cvtps2pi %%xmm0, %%mm1; cvttps2pi %%xmm0, %%mm2; paddd %%mm2, %%mm1;"
                         "movq %%mm1, %0; emms; ldmxcsr %3"
                         : "=m"(mr) : "m"(mm1), "m"(mx), "m"(mx_default));
        mix((uint32_t)mr);
        mix((uint32_t)(mr >> 32));
#define MMXE(INSN)                                                             \
        __asm__ volatile("movq %1, %%mm0; movq %2, %%mm1; " INSN "; movq %%mm0, %0; emms" \
                         : "=m"(mr) : "m"(mm1), "m"(mm2));                     \
        mix((uint32_t)mr);                                                     \
        mix((uint32_t)(mr >> 32))
        MMXE("pavgb %%mm1, %%mm0"); MMXE("pavgw %%mm1, %%mm0"); MMXE("pmulhuw %%mm1, %%mm0");
        MMXE("pminsw %%mm1, %%mm0"); MMXE("pmaxsw %%mm1, %%mm0"); MMXE("pminub %%mm1, %%mm0");
        MMXE("pmaxub %%mm1, %%mm0"); MMXE("psadbw %%mm1, %%mm0");
        MMXE("pshufw $0x6c, %%mm1, %%mm0"); MMXE("pinsrw $2, %%eax, %%mm0");
        __asm__ volatile("movq %1, %%mm3; pextrw $3, %%mm3, %0; emms" : "=r"(r) : "m"(mm1));
        mix(r);
        __asm__ volatile("movq %1, %%mm3; pmovmskb %%mm3, %0; emms" : "=r"(r) : "m"(mm2));
        mix(r);
    }
    report("sse");
}

/* SSE2: double precision under every rounding mode, 128-bit integer ops, the
 * conversions, shuffles, byte shifts and moves. */
static uint64_t sse2_operand(unsigned i)
{
    static const uint64_t e[] = { 0, 0x8000000000000000ull, 0x3ff0000000000000ull,
                                  0x7ff0000000000000ull, 0x7ff8000000000000ull,
                                  0x7ff4000000000000ull, 1, 0x000fffffffffffffull,
                                  0x7fefffffffffffffull, 0x41e0000000000000ull,
                                  0xc1e0000000200000ull, 0x3fd5555555555555ull };

    if (i < sizeof(e) / sizeof(e[0])) {
        return e[i];
    }
    return ((uint64_t)(rnd() & 0x800fffff) | ((uint64_t)(rnd() % 200 + 923) << 20)) << 32 |
           rnd();
}

static void t_sse2(void)
{
    static const uint32_t mxs[] = { 0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80 };

    begin();
    for (unsigned i = 0; i < 1200; i++) {
        uint64_t va[2], vb[2];
        uint32_t mx = mxs[i % 5], f, r;

        for (int k = 0; k < 2; k++) {
            va[k] = (i % 4 == 3) ? ((uint64_t)operand(N_EDGE) << 32 | operand(i % 25))
                                 : sse2_operand((i * 2 + k) % 30 < 12 ? (i * 2 + k) % 30 : 99);
            vb[k] = (i % 4 == 2) ? ((uint64_t)operand(N_EDGE) << 32 | rnd() % 70)
                                 : sse2_operand((i * 5 + k) % 33 < 12 ? (i * 5 + k) % 33 : 99);
        }
        SSEP("addpd"); SSEP("subpd"); SSEP("mulpd"); SSEP("divpd"); SSEP("sqrtpd");
        SSEP("minpd"); SSEP("maxpd"); SSEP("addsd"); SSEP("subsd"); SSEP("mulsd");
        SSEP("divsd"); SSEP("sqrtsd"); SSEP("minsd"); SSEP("maxsd");
        SSEP("cmpltpd"); SSEP("cmpunordpd"); SSEP("cmpnlesd"); SSEP("cmpeqsd");
        SSEP("andpd"); SSEP("andnpd"); SSEP("orpd"); SSEP("xorpd"); SSEP("unpcklpd");
        SSEP("unpckhpd"); SSEP("shufpd $1,"); SSEP("shufpd $2,");
        SSEP("cvtps2pd"); SSEP("cvtpd2ps"); SSEP("cvtss2sd"); SSEP("cvtsd2ss");
        SSEP("cvtdq2ps"); SSEP("cvtps2dq"); SSEP("cvttps2dq"); SSEP("cvttpd2dq");
        SSEP("cvtpd2dq"); SSEP("cvtdq2pd");
        SSEP("paddb"); SSEP("paddw"); SSEP("paddd"); SSEP("paddq"); SSEP("psubb");
        SSEP("psubq"); SSEP("paddsb"); SSEP("paddusw"); SSEP("psubsw"); SSEP("psubusb");
        SSEP("pmullw"); SSEP("pmulhw"); SSEP("pmulhuw"); SSEP("pmuludq"); SSEP("pmaddwd");
        SSEP("pavgb"); SSEP("pavgw"); SSEP("psadbw"); SSEP("pminub"); SSEP("pmaxsw");
        SSEP("pcmpeqb"); SSEP("pcmpgtw"); SSEP("pcmpgtd"); SSEP("packsswb");
        SSEP("packuswb"); SSEP("packssdw"); SSEP("punpcklbw"); SSEP("punpckhwd");
        SSEP("punpckldq"); SSEP("punpckhqdq"); SSEP("punpcklqdq"); SSEP("pand");
        SSEP("pandn"); SSEP("por"); SSEP("pxor"); SSEP("psllw"); SSEP("psrld");
        SSEP("psraw"); SSEP("psrlq"); SSEP("psllq"); SSEP("psrad");
        SSEP("pshufd $0x1b,"); SSEP("pshuflw $0x4e,"); SSEP("pshufhw $0xb1,");
        SSEP("movq"); SSEP("movsd"); SSEP("movapd"); SSEP("movdqa");
#define SSE2I(INSN)                                                            \
        do {                                                                   \
            uint32_t r_[4];                                                    \
            __asm__ volatile("movdqu %1, %%xmm2; " INSN "; movdqu %%xmm2, %0"  \
                             : "=m"(r_) : "m"(va));                            \
            for (int k_ = 0; k_ < 4; k_++) {                                   \
                mix(r_[k_]);                                                   \
            }                                                                  \
        } while (0)
        SSE2I("psrldq $3, %%xmm2"); SSE2I("pslldq $9, %%xmm2"); SSE2I("psrlw $5, %%xmm2");
        SSE2I("psraw $17, %%xmm2"); SSE2I("pslld $31, %%xmm2"); SSE2I("psrlq $40, %%xmm2");
        SSE2I("psllq $1, %%xmm2"); SSE2I("psrad $3, %%xmm2");
        __asm__ volatile("movdqu %1, %%xmm2; pinsrw $5, %2, %%xmm2; movdqu %%xmm2, %0"
                         : "=m"(vb) : "m"(va), "r"((uint32_t)vb[1]));
        mix((uint32_t)vb[0]);
        mix((uint32_t)(vb[1] >> 32));
        __asm__ volatile("movdqu %1, %%xmm3; pextrw $6, %%xmm3, %0" : "=r"(r) : "m"(va));
        mix(r);
        __asm__ volatile("movdqu %1, %%xmm3; pmovmskb %%xmm3, %0" : "=r"(r) : "m"(vb));
        mix(r);
        __asm__ volatile("movupd %1, %%xmm3; movmskpd %%xmm3, %0" : "=r"(r) : "m"(va));
        mix(r);
        __asm__ volatile("ldmxcsr %2; cvtsd2si %1, %0; ldmxcsr %3"
                         : "=r"(r) : "m"(va[0]), "m"(mx), "m"(mx_default));
        mix(r);
        __asm__ volatile("ldmxcsr %2; cvttsd2si %1, %0; ldmxcsr %3"
                         : "=r"(r) : "m"(vb[1]), "m"(mx), "m"(mx_default));
        mix(r);
        uint64_t q;
        __asm__ volatile("ldmxcsr %2; cvtsi2sd %1, %%xmm4; movsd %%xmm4, %0; ldmxcsr %3"
                         : "=m"(q) : "r"((uint32_t)vb[0]), "m"(mx), "m"(mx_default));
        mix((uint32_t)q);
        mix((uint32_t)(q >> 32));
        __asm__ volatile("movd %1, %%xmm5; movd %%xmm5, %0; movq %2, %%xmm6; movq %%xmm6, %%xmm7;"
                         "movq %2, %%mm0; movq2dq %%mm0, %%xmm0; movdq2q %%xmm7, %%mm1;"
                         "movq %%mm1, %1; emms"
                         : "=r"(r), "+m"(vb[1]) : "m"(vb[0]));
        mix(r);
        mix((uint32_t)vb[1]);
        __asm__ volatile("movsd %1, %%xmm0; ucomisd %2, %%xmm0; pushfl; popl %0"
                         : "=r"(f) : "m"(va[0]), "m"(vb[0]) : "cc");
        mix(f & F_ALL);
        __asm__ volatile("ldmxcsr %3; movsd %1, %%xmm0; comisd %2, %%xmm0; pushfl; popl %0;"
                         "ldmxcsr %4"
                         : "=r"(f) : "m"(va[1]), "m"(vb[1]), "m"(mx), "m"(mx_default) : "cc");
        mix(f & F_ALL);
        uint64_t m1 = va[0], m2 = vb[0], mr;
        __asm__ volatile("movq %1, %%mm0; movq %2, %%mm1; paddq %%mm1, %%mm0; pmuludq %%mm1, %%mm0;"
                         "psubq %%mm1, %%mm0; movq %%mm0, %0; emms"
                         : "=m"(mr) : "m"(m1), "m"(m2));
        mix((uint32_t)mr);
        mix((uint32_t)(mr >> 32));
        uint32_t nt = 0;
        __asm__ volatile("movnti %1, %0; mfence; lfence; sfence; clflush %0" : "+m"(nt)
                         : "r"((uint32_t)va[0]));
        mix(nt);
    }
    report("sse2");
}

/* Faults as Linux reports them: unmasked SIMD exceptions (#XM -> SIGFPE with the
 * cause), LDMXCSR reserved bits (#GP -> SIGSEGV), #DE, #UD. */
static sigjmp_buf sig_env;

static void sig_handler(int sig, siginfo_t *si, void *uc)
{
    siglongjmp(sig_env, (sig << 8) | (si->si_code & 0xff));
}

static void t_signals(void)
{
    static const float one = 1.0f, zero = 0.0f, big = 3e38f;
    struct sigaction sa;
    volatile uint32_t mx;
    int r;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = sig_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    begin();
    if ((r = sigsetjmp(sig_env, 1)) == 0) {
        mx = 0x1f80 & ~0x200;   /* ZE unmasked */
        __asm__ volatile("ldmxcsr %0; movss %1, %%xmm0; divss %2, %%xmm0"
                         : : "m"(mx), "m"(one), "m"(zero));
    }
    mix(r);
    mx = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    if ((r = sigsetjmp(sig_env, 1)) == 0) {
        mx = 0x1f80 & ~0x800;   /* OE unmasked */
        __asm__ volatile("ldmxcsr %0; movss %1, %%xmm0; mulss %1, %%xmm0"
                         : : "m"(mx), "m"(big));
    }
    mix(r);
    mx = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    if ((r = sigsetjmp(sig_env, 1)) == 0) {
        mx = 0xffff0000;
        __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    }
    mix(r);
    if ((r = sigsetjmp(sig_env, 1)) == 0) {
        volatile int32_t z = 0;
        mix(100 / z);
    }
    mix(r);
    if ((r = sigsetjmp(sig_env, 1)) == 0) {
        __asm__ volatile("ud2");
    }
    mix(r);
    if ((r = sigsetjmp(sig_env, 1)) == 0) {
        static uint32_t lv;
        __asm__ volatile("lock; movl %%eax, %0" : "=m"(lv) : "a"(1));
    }
    mix(r);
    if ((r = sigsetjmp(sig_env, 1)) == 0) {
        /* x87 unmasked divide by zero, raised at the next waiting insn. */
        static const uint16_t cw = 0x37b;
        __asm__ volatile("fninit; fldcw %0; fld1; fldz; fdivrp; fwait; fninit" : : "m"(cw));
    }
    mix(r);
    __asm__ volatile("fninit");
    if (verbose) {
        printf("signals hash only\n");
    }
    report("signals");
}

int main(int argc, char **argv)
{
    static void (*const tests[])(void) = {
        t_addl, t_addw, t_addb, t_adcl, t_adcw, t_adcb, t_subl, t_subw, t_subb,
        t_sbbl, t_sbbw, t_sbbb, t_andl, t_andw, t_andb, t_orl, t_orw, t_orb,
        t_xorl, t_xorw, t_xorb, t_cmpl, t_cmpw, t_cmpb, t_testl, t_testw, t_testb,
        t_xaddl, t_xaddw, t_xaddb, t_imul2l, t_imul2w, t_bsfl, t_bsrl, t_bsfw,
        t_btl, t_btsl, t_btrl, t_btcl, t_btsw, t_cmovbl, t_cmovlel, t_cmovow, t_cmovpl,
        t_incl, t_incw, t_incb, t_decl, t_decb, t_addself, t_subself, t_sbbself,
        t_adcself, t_xorself, t_cmpself, t_subselfw, t_negl, t_negw, t_negb, t_notl,
        t_bswap, t_daa, t_das, t_aaa, t_aas, t_aam, t_aad, t_cbw, t_cwde, t_sahf,
        t_lahf, t_seto, t_setb, t_setbe, t_sets, t_setp, t_setl, t_setle, t_setg,
        t_shll, t_shrl, t_sarl, t_shlw, t_shrw, t_sarb, t_shlb, t_roll, t_rorl,
        t_rolw, t_rorb, t_rcll, t_rcrl, t_rclw, t_rcrb, t_roli1, t_roli7, t_roli16,
        t_rori1, t_rori12, t_rori31, t_cmpccl, t_cmpccw, t_cmpccb, t_testib1, t_testib7f,
        t_testib80, t_testiw, t_testil, t_testilneg, t_incl_add, t_incl_sub,
        t_decl_cmpb, t_incw_sbb, t_decb_adc, t_incl_and, t_incb_shl, t_decl_sar,
        t_incl_imul, t_decl_mul, t_incl_bt, t_decl_inc, t_incl_popf, t_add_incl,
        t_sub_decl, t_sbb_decw, t_adc_incb, t_imul_incl, t_shl_decl, t_cmovcmpl,
        t_cmovcmpw, t_cmovtest, t_cmovadd, t_cmovdec, t_setreg, t_shld, t_jccloop,
        t_muldiv, t_cmpxchg, t_string, t_x87, t_mmx, t_sse, t_sse2, t_signals,
    };

    verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    if (argc > 1 && strcmp(argv[1], "-x87") == 0) {
        /* Only the x87 part, every value printed (for chasing a mismatch). */
        verbose = 1;
        printf("difftest begin\n");
        t_x87();
        printf("difftest end\n");
        return 0;
    }
    printf("difftest begin\n");
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        tests[i]();
    }
    printf("difftest end\n");
    return 0;
}
