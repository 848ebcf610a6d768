/* PAE paging: the 4-entry PDPT, 64-bit directory and table entries, 2 MiB pages,
 * accessed/dirty bits, #PF error codes, a physical address above 4 GiB is not used
 * (no RAM there) (Intel SDM Vol. 3, 4.4). */
#include "lib.h"

#define P 1ull
#define RW 2ull
#define PS 0x80ull
#define A 0x20ull
#define D 0x40ull

static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd0[512] __attribute__((aligned(4096)));
static uint64_t pd1[512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static volatile uint32_t marker = 0x1234abcd;

static uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}

int main(void)
{
    uint32_t cr4, v;
    int r;

    for (int i = 0; i < 4; i++) {
        pd0[i] = ((uint64_t)i << 21) | P | RW | PS;      /* identity, 0-8 MiB */
    }
    pd0[4] = (uint32_t)pt | P | RW;                      /* 0x00800000: 4 KiB pages */
    pt[0] = (uint32_t)page_a | P | RW;
    pd1[0] = 0 | P | RW | PS;                            /* 0x40000000 -> 0 (2 MiB) */
    pdpt[0] = (uint32_t)pd0 | P;
    pdpt[1] = (uint32_t)pd1 | P;
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4 | 0x20));   /* PAE */
    __asm__ volatile("movl %0, %%cr3" : : "r"(pdpt) : "memory");
    __asm__ volatile("movl %%cr0, %%eax; orl $0x80000000, %%eax; movl %%eax, %%cr0"
                     : : : "eax", "memory");

    *(volatile uint32_t *)(0x00800000 + 8) = 0xa5a5a5a5;
    check("pae 4k alias", *(uint32_t *)(page_a + 8), 0xa5a5a5a5);
    check("pae pte A|D", (uint32_t)(pt[0] & (A | D)), (uint32_t)(A | D));
    v = *(volatile uint32_t *)(0x40000000 + (uint32_t)&marker);
    check("pae 2M alias", v, 0x1234abcd);
    check("pae pde A", (uint32_t)(pd1[0] & A), (uint32_t)A);
    r = TRAP_PROBE("movl 0x00801000, %%eax", : : : "eax");
    check("pae #PF not present", r, 14);
    check("pae #PF err", last_err, 0);
    check("pae cr2", read_cr2(), 0x00801000);
    r = TRAP_PROBE("movl 0x80000000, %%eax", : : : "eax");
    check("pae #PF pdpte not present", r, 14);
    pt[1] = (uint32_t)page_a | P;                        /* read-only */
    __asm__ volatile("movl %%cr0, %%eax; orl $0x10000, %%eax; movl %%eax, %%cr0"
                     : : : "eax", "memory");
    r = TRAP_PROBE("movl $1, 0x00801000");
    check("pae ro write #PF", r, 14);
    check("pae ro write err", last_err, 3);
    __asm__ volatile("movl %%cr0, %%eax; andl $0x7ffeffff, %%eax; movl %%eax, %%cr0"
                     : : : "eax", "memory");
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4));
    return done();
}
