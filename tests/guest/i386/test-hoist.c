/*
 * Loops whose store address is loop-invariant (a base register the loop never
 * writes, plus a displacement): mimic checks that store's TLB entry once before
 * the loop head and keeps the host address (tcg/loop.c, tcg/x86_64/ldst-loop.c). With
 * paging on (the TLB path; paging off uses the direct window), each check here
 * fails if a stale host address were used:
 *  - the page is remapped (PTE + INVLPG) between two runs of the same loop TB;
 *  - a timer interrupt handler remaps it again and again while the loop runs;
 *  - the stored page holds translated code (self-modifying code: the stores
 *    rewrite the immediate of a function run before and after the loop);
 *  - the stored page holds the loop's own code (not the bytes of the loop);
 *  - the store crosses from one mapped page into the next, mapped elsewhere.
 * Intel SDM Vol. 3 ch. 4 (paging, INVLPG) and 4.10.4.1; Vol. 3 8.1.3 (SMC).
 */
#include "lib.h"

#define PG_P 1
#define PG_RW 2

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt0[1024] __attribute__((aligned(4096)));
static uint32_t pt2[1024] __attribute__((aligned(4096)));
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t page_c[4096] __attribute__((aligned(4096)));

/* TLB indexes away from the test's own pages (0x100000 up): a code fetch there
 * must not evict the entries the loops store through. */
#define VA_X 0x00880000u        /* pt2[0x80]: page_a or page_b */
#define VA_XN 0x00881000u       /* pt2[0x81]: page_c, right after VA_X */
#define VA_Y 0x00840000u        /* pt2[0x40]: page_c */

volatile uint32_t ticks;
static volatile uint32_t swaps;

/* Store start, start + 1, ... at 8(base), n times; returns the last value. The
 * loop is entered at its test, so that only the loop's own TB stores (the first
 * store of a loop entered at its top would be in the caller's TB). */
uint32_t store_loop(uint32_t base, uint32_t n, uint32_t start);
/* The same until ticks reaches want; returns the last value stored. */
uint32_t store_until_ticks(uint32_t base, uint32_t want, uint32_t start);
/* store_loop's shape, storing into its own code page: 8(base) is loop_word. */
uint32_t store_near_code(uint32_t base, uint32_t n, uint32_t start);
extern uint32_t loop_word;

/* store_near_code is store_loop again, placed next to loop_word. */
__asm__(
    ".macro STORE_LOOP name\n"
    ".globl \\name\n"
    "\\name:\n"
    "    push %ebx\n"
    "    mov 8(%esp), %ebx\n"
    "    mov 12(%esp), %edx\n"
    "    mov 16(%esp), %ecx\n"
    "    add %ecx, %edx\n"
    "    jmp 2f\n"
    "1:  mov %ecx, 8(%ebx)\n"
    "    add $1, %ecx\n"
    "2:  cmp %edx, %ecx\n"
    "    jne 1b\n"
    "    lea -1(%ecx), %eax\n"
    "    pop %ebx\n"
    "    ret\n"
    ".endm\n"
    ".text\n"
    "STORE_LOOP store_loop\n"
    ".globl store_until_ticks\n"
    "store_until_ticks:\n"
    "    push %ebx\n"
    "    mov 8(%esp), %ebx\n"
    "    mov 12(%esp), %edx\n"
    "    mov 16(%esp), %ecx\n"
    "1:  mov %ecx, 8(%ebx)\n"
    "    add $1, %ecx\n"
    "    mov ticks, %eax\n"
    "    cmp %edx, %eax\n"
    "    jb 1b\n"
    "    lea -1(%ecx), %eax\n"
    "    pop %ebx\n"
    "    ret\n"
    "STORE_LOOP store_near_code\n"
    "    .p2align 4\n"
    ".globl loop_word\n"
    "loop_word: .long 0\n");

static void invlpg(uint32_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static void map_x(uint8_t *page)
{
    pt2[0x80] = (uint32_t)page | PG_P | PG_RW;
    invlpg(VA_X);
}

static uint32_t word(const uint8_t *p)
{
    return *(volatile const uint32_t *)p;
}

/* "mov $id, %eax; ret" */
static void put_code(uint8_t *p, uint32_t id)
{
    p[0] = 0xb8;
    *(volatile uint32_t *)(p + 1) = id;
    p[5] = 0xc3;
}

static uint32_t exec_at(const void *p)
{
    return ((uint32_t (*)(void))p)();
}

static void timer_handler(struct trap_frame *f)
{
    (void)f;
    ticks++;
    /* Swap VA_X between the two pages under the running loop. */
    map_x((pt2[0x80] & ~0xfffu) == (uint32_t)page_a ? page_b : page_a);
    swaps++;
    outb(0x20, 0x20);
}

int main(void)
{
    uint32_t last;

    for (int i = 0; i < 1024; i++) {
        pt0[i] = (i << 12) | PG_P | PG_RW;
    }
    pd[0] = (uint32_t)pt0 | PG_P | PG_RW;
    pd[2] = (uint32_t)pt2 | PG_P | PG_RW;
    pt2[0x80] = (uint32_t)page_a | PG_P | PG_RW;
    pt2[0x81] = (uint32_t)page_c | PG_P | PG_RW;
    pt2[0x40] = (uint32_t)page_c | PG_P | PG_RW;
    __asm__ volatile("movl %0, %%cr3" : : "r"(pd) : "memory");
    __asm__ volatile("movl %%cr0, %%eax; orl $0x80000000, %%eax; movl %%eax, %%cr0"
                     : : : "eax", "memory");

    /* The same loop TB, the page remapped between runs (each size twice: the
     * second run finds the loop translated). */
    for (int rep = 0; rep < 2; rep++) {
        map_x(page_a);
        check("store loop, page a", store_loop(VA_X + 0x100, 5000, 100 * rep),
              100 * rep + 4999);
        check("page a holds the last store", word(page_a + 0x108), 100 * rep + 4999);
        map_x(page_b);
        check("store loop, page b", store_loop(VA_X + 0x100, 5000, 7000), 11999);
        check("page b holds the last store", word(page_b + 0x108), 11999);
        check("page a untouched after the remap", word(page_a + 0x108), 100 * rep + 4999);
    }

    /* Self-modifying code: the stores rewrite the immediate of code run before. */
    for (int rep = 0; rep < 2; rep++) {
        /* Written through VA_Y: its TLB entry is then readable and writable
         * (dirty), and translating the code marks its writes for the slow path;
         * a check that looked at anything but the write tag would pass. */
        put_code((uint8_t *)(VA_Y + 0x40), 0x1234);
        check("code page: before", exec_at((void *)(VA_Y + 0x40)), 0x1234);
        store_loop(VA_Y + 0x41 - 8, 3000, 0x50000 + rep);
        check("code page: the stores reached the code",
              exec_at((void *)(VA_Y + 0x40)), 0x50000 + rep + 2999);
        check("code page: through the identity map",
              exec_at(page_c + 0x40), 0x50000 + rep + 2999);
    }

    /* Stores into the loop's own code page, next to its code. */
    for (int rep = 0; rep < 2; rep++) {
        last = store_near_code((uint32_t)&loop_word - 8, 4000, 9 + rep);
        check("own code page: result", last, 9 + rep + 3999);
        check("own code page: the word", *(volatile uint32_t *)&loop_word, 9 + rep + 3999);
    }

    /* A store across VA_X's last byte into VA_XN (another physical page). */
    map_x(page_a);
    last = store_loop(VA_X + 0xffe - 8, 2000, 0x11223344);
    check("across pages: low half", page_a[0xffe] | page_a[0xfff] << 8, last & 0xffff);
    check("across pages: high half", page_c[0] | page_c[1] << 8, last >> 16);

    /* The page swapped by a timer interrupt while the loop runs: every store
     * after a swap goes to the new page, the last one to the page mapped now. */
    map_x(page_a);
    trap_handlers[0x20] = timer_handler;
    pic_init_irq0_only();
    pit_init(1193);         /* ~1 kHz */
    __asm__ volatile("sti");
    last = store_until_ticks(VA_X + 0x200, 6, 1);
    __asm__ volatile("cli");
    check("interrupts came", swaps >= 6, 1);
    check("the page mapped now holds the last store", word((void *)(VA_X + 0x208)), last);
    {
        uint8_t *other = (pt2[0x80] & ~0xfffu) == (uint32_t)page_a ? page_b : page_a;
        check("the other page holds an earlier store", word(other + 0x208) < last, 1);
        check("the other page was stored to", word(other + 0x208) != 0, 1);
    }
    return done();
}
