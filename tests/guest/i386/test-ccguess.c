/*
 * Flag tests at the start of a TB (target-i386/trans-flags.c, gen_cc_guess_begin).
 * When a TB starts by testing flags set in the TB before it, the op that set them
 * is not known at translation time; the translator guesses the one env holds while
 * it translates, tests cc_op for it at run time, and keeps the generic evaluation
 * for every other op. One tail (a Jcc, the 16 SETcc, a CMOVcc and an ADC, each a
 * TB's first flag reader) is reached first after a CMP, which it is translated for,
 * then after every other kind of flag-setting op, so both paths run. Each result is
 * checked against the flags the same op leaves for PUSHF in its own TB (and the
 * test passes on QEMU).
 */
#include "lib.h"

/* out[0..15]: SETO..SETG, out[16]: JBE taken, out[20]: CMOVL, out[24]: ADC $0 */
typedef uint32_t (*prod_fn)(uint32_t a, uint32_t b, uint8_t *out);

#define PROD(name, insns)                                                         \
    ".globl " #name "\n" #name ":\n"                                              \
    "    push %edi\n    mov 8(%esp), %eax\n    mov 12(%esp), %edx\n"              \
    "    mov 16(%esp), %edi\n" insns "\n    jmp ccg_tail\n"                      \
    ".globl " #name "_ref\n" #name "_ref:\n"                                       \
    "    push %edi\n    mov 8(%esp), %eax\n    mov 12(%esp), %edx\n"              \
    "    mov 16(%esp), %edi\n" insns "\n    pushf\n    pop %eax\n    pop %edi\n"  \
    "    ret\n"

/* POPF of b's arithmetic flags, the others (IF, DF, TF...) as they are. */
#define POPF_B                                                                    \
    "pushf; pop %ecx; and $~0x8d5, %ecx; and $0x8d5, %edx; or %edx, %ecx;"       \
    "push %ecx; popf"

__asm__(
    ".text\n"
    ".align 64\n"
    ".globl ccg_tail\n"
    "ccg_tail:\n"
    "    jbe 1f\n"                  /* the TB's first insn: a Jcc on unknown flags */
    "    movb $0, 16(%edi)\n"
    "    jmp 2f\n"
    "1:  movb $1, 16(%edi)\n"
    "    jmp 2f\n"
    ".align 16\n"
    "2:  seto 0(%edi)\n"            /* a new TB: SETcc on unknown flags */
    "    setno 1(%edi)\n"
    "    setb 2(%edi)\n"
    "    setae 3(%edi)\n"
    "    sete 4(%edi)\n"
    "    setne 5(%edi)\n"
    "    setbe 6(%edi)\n"
    "    seta 7(%edi)\n"
    "    sets 8(%edi)\n"
    "    setns 9(%edi)\n"
    "    setp 10(%edi)\n"
    "    setnp 11(%edi)\n"
    "    setl 12(%edi)\n"
    "    setge 13(%edi)\n"
    "    setle 14(%edi)\n"
    "    setg 15(%edi)\n"
    "    mov $0, %eax\n"
    "    mov $1, %ecx\n"
    "    cmovl %ecx, %eax\n"
    "    mov %eax, 20(%edi)\n"
    "    mov $0, %eax\n"
    "    adc $0, %eax\n"
    "    mov %eax, 24(%edi)\n"
    "    pop %edi\n"
    "    ret\n"
    PROD(ccg_cmp, "cmp %edx, %eax")
    PROD(ccg_cmpb, "cmp %dl, %al")
    PROD(ccg_cmpw, "cmp %dx, %ax")
    PROD(ccg_sub, "sub %edx, %eax")
    PROD(ccg_subb, "sub %dl, %al")
    PROD(ccg_add, "add %edx, %eax")
    PROD(ccg_addw, "add %dx, %ax")
    PROD(ccg_and, "and %edx, %eax")
    PROD(ccg_testb, "test %dl, %al")
    PROD(ccg_xor, "xor %edx, %eax")
    PROD(ccg_inc, "inc %eax")
    PROD(ccg_dec, "dec %eax")
    PROD(ccg_shl, "shl $3, %eax")
    PROD(ccg_sar, "sar $5, %eax")
    PROD(ccg_imul, "imul %edx, %eax")
    PROD(ccg_neg, "neg %eax")
    PROD(ccg_adc, "stc; adc %edx, %eax")
    PROD(ccg_sbb, "stc; sbb %edx, %eax")
    PROD(ccg_popf, POPF_B)
    PROD(ccg_incdec, "add %edx, %eax; inc %eax")
);

#define DECL(n) \
    uint32_t n(uint32_t, uint32_t, uint8_t *); uint32_t n##_ref(uint32_t, uint32_t, uint8_t *);
DECL(ccg_cmp) DECL(ccg_cmpb) DECL(ccg_cmpw) DECL(ccg_sub) DECL(ccg_subb) DECL(ccg_add)
DECL(ccg_addw) DECL(ccg_and) DECL(ccg_testb) DECL(ccg_xor) DECL(ccg_inc) DECL(ccg_dec)
DECL(ccg_shl) DECL(ccg_sar) DECL(ccg_imul) DECL(ccg_neg) DECL(ccg_adc) DECL(ccg_sbb)
DECL(ccg_popf) DECL(ccg_incdec)

static const struct {
    const char *name;
    prod_fn run, ref;
} prods[] = {
#define P(n) { #n, n, n##_ref }
    P(ccg_cmp), P(ccg_cmpb), P(ccg_cmpw), P(ccg_sub), P(ccg_subb), P(ccg_add),
    P(ccg_addw), P(ccg_and), P(ccg_testb), P(ccg_xor), P(ccg_inc), P(ccg_dec),
    P(ccg_shl), P(ccg_sar), P(ccg_imul), P(ccg_neg), P(ccg_adc), P(ccg_sbb),
    P(ccg_popf), P(ccg_incdec),
#undef P
};

static const uint32_t vals[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
    0xffffffff, 0xfffffffe, 0x12345678, 0x8d5, 0x40,
};

/* What the tail must find for EFLAGS f. */
static void expect(uint32_t f, uint8_t *e)
{
    uint32_t cf = !!(f & F_CF), zf = !!(f & F_ZF), sf = !!(f & F_SF);
    uint32_t of = !!(f & F_OF), pf = !!(f & F_PF);
    uint32_t c[8] = { of, cf, zf, cf | zf, sf, pf, sf ^ of, zf | (sf ^ of) };

    for (int i = 0; i < 8; i++) {
        e[2 * i] = c[i];
        e[2 * i + 1] = !c[i];
    }
    e[16] = cf | zf;
    e[20] = sf ^ of;
    e[24] = cf;
}

static uint32_t bad;

static void run_one(int p, uint32_t a, uint32_t b)
{
    uint8_t out[28], want[28];
    uint32_t f;

    for (int i = 0; i < 28; i++) {
        out[i] = want[i] = 0;
    }
    f = prods[p].ref(a, b, out);
    expect(f, want);
    for (int i = 0; i < 28; i++) {
        out[i] = 0xee;
    }
    prods[p].run(a, b, out);
    for (int i = 0; i < 28; i++) {
        if ((i < 17 || i == 20 || i == 24) && out[i] != want[i]) {
            if (bad++ < 8) {
                printf_("FAIL %s(%x, %x): slot %d is %d, flags %x want %d\n", prods[p].name,
                        a, b, i, out[i], f, want[i]);
            }
        }
    }
}

int main(void)
{
    uint32_t n = 0;

    /* The tail is translated right after a CMP: that op is its guess. */
    run_one(0, 5, 3);
    for (int round = 0; round < 2; round++) {
        for (unsigned p = 0; p < sizeof(prods) / sizeof(prods[0]); p++) {
            for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
                for (unsigned j = 0; j < sizeof(vals) / sizeof(vals[0]); j += 3) {
                    run_one(p, vals[i], vals[(i + j) % (sizeof(vals) / sizeof(vals[0]))]);
                    n++;
                }
            }
        }
    }
    check("flag tests after every op kind: mismatches", bad, 0);
    check("cases run", n, 2 * 20 * 16 * 6);
    return done();
}
