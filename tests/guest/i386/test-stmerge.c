/* Store merging (docs/engine.md, "Adjacent constant stores merge"): four
 * `movl $imm, d(%edx)` in a row share one check and, when it passes, are written
 * by wide host stores. With paging: inside one page all four land; across a page
 * boundary whose upper page is not present the #PF comes at the first store into
 * it, with that store's EIP and CR2, the two stores before it done and none after
 * (the handler maps the page and the store is retried); with the whole run in the
 * missing page the first store faults and nothing is written before it. Also
 * the pushes and argument stores of a call (one group off %esp). */
#include "lib.h"

#define PG_P 1
#define PG_RW 2

/* The directory, then tables for 0-4 MiB, 4-8 MiB (identity) and VA_BASE. */
static uint32_t paging[4][1024] __attribute__((aligned(4096)));
static uint32_t *const pt2 = paging[3];
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));

#define VA_BASE 0x00800000u      /* page_a, then page_b when mapped (pt2) */

/* void t_run(uint32_t p): words 0x11.., 0x22.., 0x33.., 0x44.. at p - 8 .. p + 4. */
void t_run(uint32_t p);
extern char x_run_st1[], x_run_st3[];
__asm__(".text\n"
        ".globl t_run\n"
        "t_run:\n\t"
        "movl 4(%esp), %edx\n"
        ".globl x_run_st1\n"
        "x_run_st1:\n\t"
        "movl $0x11111111, -8(%edx)\n\t"
        "movl $0x22222222, -4(%edx)\n"
        ".globl x_run_st3\n"
        "x_run_st3:\n\t"
        "movl $0x33333333, (%edx)\n\t"
        "movl $0x44444444, 4(%edx)\n\t"
        "ret\n");

/* uint32_t t_args(void): calls t_sum4 with four constant arguments. */
uint32_t t_args(void);
uint32_t t_sum4(uint32_t a, uint32_t b, uint32_t c, uint32_t d);
__asm__(".text\n"
        ".globl t_args\n"
        "t_args:\n\t"
        "subl $16, %esp\n\t"
        "movl $0x1000, 12(%esp)\n\t"
        "movl $0x200, 8(%esp)\n\t"
        "movl $0x30, 4(%esp)\n\t"
        "movl $0x4, (%esp)\n\t"
        "call t_sum4\n\t"
        "addl $16, %esp\n\t"
        "ret\n");

uint32_t t_sum4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    return a + b + c + d;
}

static void clear_pages(void)
{
    for (int i = 0; i < 4096; i++) {
        page_a[i] = 0;
        page_b[i] = 0;
    }
}

static uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}

static uint32_t word(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* What the first #PF saw, and the words of the run at that moment. */
static volatile uint32_t nfaults, f_eip, f_err, f_cr2, f_run_off;
static volatile uint32_t f_words[4];

static uint32_t *run_word(uint32_t off)
{
    uint32_t a = off - 8;
    uint8_t *page = a < 0x1000 ? page_a : page_b;
    return (uint32_t *)(page + (a & 0xfff));
}

static void map_b_on_fault(struct trap_frame *f)
{
    if (nfaults++ == 0) {
        f_eip = f->eip;
        f_err = f->err;
        f_cr2 = read_cr2();
        for (int i = 0; i < 4; i++) {
            f_words[i] = *run_word(f_run_off + 4 * i);
        }
    }
    pt2[1] = (uint32_t)page_b | PG_P | PG_RW;
    __asm__ volatile("invlpg (%0)" : : "r"(VA_BASE + 0x1000) : "memory");
}

/* t_run at VA_BASE + off with page_b not mapped: one #PF at eip, the run's words
 * at that moment as stored[] says (1: stored, 0: not yet). */
static void fault_case(const char *name, uint32_t off, uint32_t eip, const int stored[4])
{
    static const uint32_t vals[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };

    clear_pages();
    pt2[1] = 0;
    __asm__ volatile("invlpg (%0)" : : "r"(VA_BASE + 0x1000) : "memory");
    nfaults = 0;
    f_run_off = off;
    trap_handlers[14] = map_b_on_fault;
    t_run(VA_BASE + off);
    trap_handlers[14] = 0;
    printf_("%s:\n", name);
    check("  one #PF", nfaults, 1);
    check("  EIP at the faulting store", f_eip, eip);
    check("  error code: write, not present", f_err, 2);
    /* The first store into page_b. */
    check("  CR2", f_cr2, VA_BASE + (off - 8 > 0x1000 ? off - 8 : 0x1000));
    for (int i = 0; i < 4; i++) {
        check("  word at the fault", f_words[i], stored[i] ? vals[i] : 0);
        check("  word in the end", *run_word(off + 4 * i), vals[i]);
    }
}

int main(void)
{
    static const int two_before[4] = { 1, 1, 0, 0 };
    static const int none_before[4] = { 0, 0, 0, 0 };
    uint32_t cr0;

    for (uint32_t page = 0; page < 2048; page++) {
        paging[1 + page / 1024][page % 1024] = page << 12 | PG_P | PG_RW;
    }
    for (int t = 0; t < 3; t++) {
        paging[0][t] = (uint32_t)paging[1 + t] | PG_P | PG_RW;
    }
    pt2[0] = (uint32_t)page_a | PG_P | PG_RW;
    __asm__ volatile("movl %0, %%cr3" : : "r"(paging[0]));
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | 0x80000000u) : "memory");

    /* All in page_a: every word, nothing around them. */
    clear_pages();
    for (int k = 0; k < 3; k++) {
        t_run(VA_BASE + 0x108);
    }
    check("one page: word 0", word(page_a + 0x100), 0x11111111);
    check("one page: word 1", word(page_a + 0x104), 0x22222222);
    check("one page: word 2", word(page_a + 0x108), 0x33333333);
    check("one page: word 3", word(page_a + 0x10c), 0x44444444);
    check("one page: before", word(page_a + 0xfc), 0);
    check("one page: after", word(page_a + 0x110), 0);

    fault_case("across into a missing page", 0x1000, (uint32_t)x_run_st3, two_before);
    fault_case("all in a missing page", 0x1010, (uint32_t)x_run_st1, none_before);

    check("a call's constant arguments", t_args(), 0x1234);
    return done();
}
