/* 32-bit paging: 4 KiB and 4 MiB (PSE) pages, accessed/dirty bits, CR0.WP, #PF error
 * codes and CR2, INVLPG and CR3 reloads, a string insn restarted after a page fault,
 * global pages across CR3 loads (Intel SDM Vol. 3 ch. 4, 4.10.2.4 and 4.10.4.1). */
#include "lib.h"

#define PG_P 1
#define PG_RW 2
#define PG_US 4
#define PG_A 0x20
#define PG_D 0x40
#define PG_PS 0x80
#define PG_G 0x100
#define CR4_PGE 0x80

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt0[1024] __attribute__((aligned(4096)));
static uint32_t pt1[1024] __attribute__((aligned(4096)));
static uint32_t pt2[1024] __attribute__((aligned(4096)));
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static volatile uint32_t marker = 0x5eed1234;
/* Global-page test: a second directory, the tables both give VA_G/VA_N, and the four
 * pages they map (each holds "mov $id, %eax; ret", its id doubling as data). */
static uint32_t pd2[1024] __attribute__((aligned(4096)));
static uint32_t ptg1[1024] __attribute__((aligned(4096)));
static uint32_t ptg2[1024] __attribute__((aligned(4096)));
static uint8_t gpg[4][4096] __attribute__((aligned(4096)));

#define VA_BASE 0x00800000u      /* mapped through pt2 */
/* Through ptg1/ptg2 (directory slot 4); table slots chosen away from the pages the
 * test itself touches, so no other translation evicts these from a small TLB. */
#define VA_G 0x0107a000u         /* global */
#define VA_N 0x0107b000u         /* not global */

static uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr2, %0" : "=r"(v));
    return v;
}

static void write_cr0(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory");
}

static uint32_t read_cr0(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr0, %0" : "=r"(v));
    return v;
}

static void invlpg(uint32_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static uint32_t read_cr4(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr4, %0" : "=r"(v));
    return v;
}

static void write_cr4(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory");
}

static void load_cr3(const uint32_t *dir)
{
    __asm__ volatile("movl %0, %%cr3" : : "r"(dir) : "memory");
}

static void put_code(uint8_t *p, uint32_t id)
{
    p[0] = 0xb8;                /* mov $id, %eax */
    p[1] = (uint8_t)id;
    p[2] = (uint8_t)(id >> 8);
    p[3] = (uint8_t)(id >> 16);
    p[4] = (uint8_t)(id >> 24);
    p[5] = 0xc3;                /* ret */
}

static uint32_t exec_at(uint32_t va)
{
    return ((uint32_t (*)(void))va)();
}

static uint32_t read_at(uint32_t va)
{
    return *(volatile uint32_t *)(va + 1);
}

/* Keeping global translations across a CR3 load is what the architecture allows, not
 * what it promises (a TLB may drop any entry): QEMU flushes them. The checks that an
 * entry survived run only elsewhere; everything a guest may rely on runs everywhere. */
static int on_qemu(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0));
    if (a < 0x80000004u) {
        return 0;
    }
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000002u), "c"(0));
    return a == 0x554d4551u;    /* "QEMU" */
}

/* Code and data of a global and a non-global page across CR3 loads with different
 * mappings for both, then INVLPG, CR4.PGE and CR0.PG dropping the global one. */
static void global_pages(void)
{
    int keeps = !on_qemu();
    uint32_t cr4 = read_cr4();

    put_code(gpg[0], 0xa1);
    put_code(gpg[1], 0xa2);
    put_code(gpg[2], 0xb1);
    put_code(gpg[3], 0xb2);
    ptg1[0x7a] = (uint32_t)gpg[0] | PG_P | PG_RW | PG_G;
    ptg2[0x7a] = (uint32_t)gpg[1] | PG_P | PG_RW | PG_G;
    ptg1[0x7b] = (uint32_t)gpg[2] | PG_P | PG_RW;
    ptg2[0x7b] = (uint32_t)gpg[3] | PG_P | PG_RW;
    pd[4] = (uint32_t)ptg1 | PG_P | PG_RW;
    for (int i = 0; i < 1024; i++) {
        pd2[i] = pd[i];
    }
    pd2[4] = (uint32_t)ptg2 | PG_P | PG_RW;

    /* CR4.PGE=0: G means nothing, a CR3 load drops everything. */
    write_cr4(cr4 & ~CR4_PGE);
    load_cr3(pd);
    check("pge=0: exec G page", exec_at(VA_G), 0xa1);
    check("pge=0: read G page", read_at(VA_G), 0xa1);
    load_cr3(pd2);
    check("pge=0 cr3 load: exec G page", exec_at(VA_G), 0xa2);
    check("pge=0 cr3 load: read G page", read_at(VA_G), 0xa2);

    /* CR4.PGE=1: fill both, switch, the non-global one follows the new tables. */
    write_cr4(cr4 | CR4_PGE);
    load_cr3(pd);
    check("pge=1: exec G page", exec_at(VA_G), 0xa1);
    check("pge=1: read G page", read_at(VA_G), 0xa1);
    check("pge=1: read non-G page", read_at(VA_N), 0xb1);
    check("pge=1: exec non-G page", exec_at(VA_N), 0xb1);
    load_cr3(pd2);
    check("cr3 load: exec non-G page", exec_at(VA_N), 0xb2);
    check("cr3 load: read non-G page", read_at(VA_N), 0xb2);
    if (keeps) {
        check("cr3 load keeps G: exec", exec_at(VA_G), 0xa1);
        check("cr3 load keeps G: read", read_at(VA_G), 0xa1);
    }
    invlpg(VA_G);
    check("invlpg G page: read", read_at(VA_G), 0xa2);
    check("invlpg G page: exec", exec_at(VA_G), 0xa2);

    /* Back: the non-global page returns, the global one keeps pd2's frame. */
    load_cr3(pd);
    check("cr3 back: read non-G page", read_at(VA_N), 0xb1);
    check("cr3 back: exec non-G page", exec_at(VA_N), 0xb1);
    if (keeps) {
        check("cr3 back keeps G: read", read_at(VA_G), 0xa2);
        check("cr3 back keeps G: exec", exec_at(VA_G), 0xa2);
    }

    /* Toggling CR4.PGE flushes global entries. */
    write_cr4(cr4 & ~CR4_PGE);
    write_cr4(cr4 | CR4_PGE);
    check("pge toggle: exec G page", exec_at(VA_G), 0xa1);
    check("pge toggle: read G page", read_at(VA_G), 0xa1);

    /* So does turning paging off and on (the code runs identity-mapped). */
    load_cr3(pd2);
    if (keeps) {
        check("cr3 load keeps G again", exec_at(VA_G), 0xa1);
    }
    write_cr0(read_cr0() & ~0x80000000);
    write_cr0(read_cr0() | 0x80000000);
    check("cr0.pg toggle: read G page", read_at(VA_G), 0xa2);
    check("cr0.pg toggle: exec G page", exec_at(VA_G), 0xa2);

    load_cr3(pd);
    pd[4] = 0;
    write_cr4(cr4);
    load_cr3(pd);
}

static volatile uint32_t pf_eflags;

/* #PF: note the EFLAGS pushed, resume after the probe. */
static void pf_save_flags(struct trap_frame *f)
{
    pf_eflags = f->eflags;
    f->eip = recover_eip;
    recover_eip = 0;
}

/*
 * The flags of the insns before a faulting access, as the #PF handler sees them.
 * The translator stores the kind of the last flag-setting op (cc_op) to env only
 * where something can look at it; a fault in a memory access gets it from the
 * faulting insn's restore record. Each case leaves distinctive flags, then faults
 * in the same block: a load, a store, a read-modify-write (flags unchanged by the
 * faulting insn), after INC (keeps CF), after a shift, and REPE CMPSB faulting
 * after some iterations (the flags of the last compared bytes).
 */
static void fault_flags(void)
{
    uint32_t si, di, cx;
    int r;

    trap_handlers[14] = pf_save_flags;
    pf_eflags = 0;
    r = TRAP_PROBE("movl $0xffffffff, %%eax; addl $1, %%eax; movl 0x00801000, %%ecx",
                   : : : "eax", "ecx", "cc");
    check("#PF after ADD: vector", r, 14);
    check("#PF after ADD: flags", pf_eflags & F_ARITH, F_CF | F_ZF | F_PF | F_AF);

    pf_eflags = 0;
    r = TRAP_PROBE("movl $1, %%eax; cmpl $2, %%eax; movl %%eax, 0x00801004",
                   : : : "eax", "cc", "memory");
    check("#PF after CMP: vector", r, 14);
    check("#PF after CMP: flags", pf_eflags & F_ARITH, F_CF | F_SF | F_PF | F_AF);

    pf_eflags = 0;
    r = TRAP_PROBE("movl $7, %%eax; xorl %%eax, %%eax; addl $1, 0x00801008",
                   : : : "eax", "cc", "memory");
    check("#PF in ADD m32 after XOR: vector", r, 14);
    check("#PF in ADD m32 after XOR: flags", pf_eflags & (F_ARITH & ~F_AF), F_ZF | F_PF);

    pf_eflags = 0;
    r = TRAP_PROBE("movl $5, %%eax; subl $6, %%eax; incl %%eax; movl 0x0080100c, %%ecx",
                   : : : "eax", "ecx", "cc");
    check("#PF after SUB, INC: vector", r, 14);
    check("#PF after SUB, INC: flags", pf_eflags & F_ARITH, F_CF | F_ZF | F_PF | F_AF);

    pf_eflags = 0;
    r = TRAP_PROBE("movl $0x80000001, %%eax; shll $1, %%eax; movl 0x00801010, %%ecx",
                   : : : "eax", "ecx", "cc");
    check("#PF after SHL: vector", r, 14);
    check("#PF after SHL: flags", pf_eflags & (F_ARITH & ~F_AF), F_CF | F_OF);

    /* 8 equal bytes at the end of page_a's mapping, then the unmapped page. */
    for (int i = 0; i < 8; i++) {
        page_a[0xff8 + i] = (uint8_t)(0x30 + i);
        page_b[i] = (uint8_t)(0x30 + i);
    }
    pf_eflags = 0;
    si = VA_BASE + 0xff8;
    di = (uint32_t)page_b;
    cx = 16;
    r = TRAP_PROBE("movl $1, %%eax; cmpl $2, %%eax; cld; repe cmpsb",
                   : "+S"(si), "+D"(di), "+c"(cx) : : "eax", "cc", "memory");
    check("#PF in REPE CMPSB: vector", r, 14);
    check("#PF in REPE CMPSB: ecx", cx, 8);
    check("#PF in REPE CMPSB: flags of the last bytes", pf_eflags & F_ARITH, F_ZF | F_PF);
    trap_handlers[14] = 0;
}

static uint32_t fault_ecx, fault_edi, fault_esi;

/* demand_map, noting the string registers at the fault. */
static void demand_map_regs(struct trap_frame *f)
{
    fault_ecx = f->ecx;
    fault_edi = f->edi;
    fault_esi = f->esi;
    pt2[(read_cr2() >> 12) & 1023] = (uint32_t)page_b | PG_P | PG_RW;
    invlpg(read_cr2());
}

static void demand_map(struct trap_frame *f)
{
    /* Map the faulting page and retry the faulting insn. */
    uint32_t va = read_cr2();

    pt2[(va >> 12) & 1023] = (uint32_t)page_b | PG_P | PG_RW;
    invlpg(va);
}

int main(void)
{
    uint32_t v, cr4;
    int r;

    for (int i = 0; i < 1024; i++) {
        pt0[i] = (i << 12) | PG_P | PG_RW;
        pt1[i] = ((1024 + i) << 12) | PG_P | PG_RW;
    }
    pd[0] = (uint32_t)pt0 | PG_P | PG_RW;
    pd[1] = (uint32_t)pt1 | PG_P | PG_RW;
    pd[2] = (uint32_t)pt2 | PG_P | PG_RW;
    pd[3] = 0 | PG_P | PG_RW | PG_PS;           /* 4 MiB page at 0x00c00000 -> 0 */
    pt2[0] = (uint32_t)page_a | PG_P | PG_RW;
    pt2[2] = (uint32_t)page_a | PG_P;           /* read-only alias */
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4 | 0x10));   /* PSE */
    __asm__ volatile("movl %0, %%cr3" : : "r"(pd));
    write_cr0(read_cr0() | 0x80000000);
    check("paging on", read_cr0() >> 31, 1);

    /* Aliases. */
    *(volatile uint32_t *)(VA_BASE + 16) = 0xabcd0123;
    check("alias write", *(uint32_t *)(page_a + 16), 0xabcd0123);
    check("pte A and D after write", pt2[0] & (PG_A | PG_D), PG_A | PG_D);
    v = *(volatile uint32_t *)(VA_BASE + 0x2000 + 16);
    check("read-only alias read", v, 0xabcd0123);
    check("pte A only after read", pt2[2] & (PG_A | PG_D), PG_A);
    v = *(volatile uint32_t *)(0x00c00000 + (uint32_t)&marker);
    check("4M page read", v, 0x5eed1234);
    *(volatile uint32_t *)(0x00c00000 + (uint32_t)&marker) = 0x600d;
    check("4M page write", marker, 0x600d);
    check("pde D after 4M write", pd[3] & (PG_A | PG_D), PG_A | PG_D);

    /* Not present. */
    r = TRAP_PROBE("movl 0x00801000, %%eax", : : : "eax");
    check("#PF not present read", r, 14);
    check("#PF read err", last_err, 0);
    check("#PF cr2", read_cr2(), 0x00801000);
    r = TRAP_PROBE("movl %%eax, 0x00801004", : : : "eax");
    check("#PF write err", last_err, 2);
    check("#PF write cr2", read_cr2(), 0x00801004);

    fault_flags();

    /* Read-only: writable from ring 0 unless CR0.WP. */
    r = TRAP_PROBE("movl $7, 0x00802000");
    check("ro write wp=0", r, -1);
    check("ro write wp=0 landed", *(uint32_t *)page_a, 7);
    write_cr0(read_cr0() | 0x10000);
    r = TRAP_PROBE("movl $8, 0x00802000");
    check("ro write wp=1 #PF", r, 14);
    check("ro write err", last_err, 3);
    write_cr0(read_cr0() & ~0x10000);

    /* Remap + INVLPG, and CR3 reload. */
    page_b[16] = 0x77;
    (void)*(volatile uint32_t *)(VA_BASE + 16);
    pt2[0] = (uint32_t)page_b | PG_P | PG_RW;
    invlpg(VA_BASE);
    check("invlpg remap", *(volatile uint8_t *)(VA_BASE + 16), 0x77);
    pt2[0] = (uint32_t)page_a | PG_P | PG_RW;
    __asm__ volatile("movl %%cr3, %%eax; movl %%eax, %%cr3" : : : "eax", "memory");
    check("cr3 reload remap", *(volatile uint8_t *)(VA_BASE + 16), 0x23);

    /* A string copy that faults half way continues where it stopped. */
    trap_handlers[14] = demand_map;
    for (int i = 0; i < 16; i++) {
        page_a[i] = (uint8_t)(0x40 + i);
    }
    uint32_t si = VA_BASE, di = VA_BASE + 0x3000 - 8, cx = 16;
    __asm__ volatile("cld; rep movsb" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
    trap_handlers[14] = 0;
    check("rep movsb restarted: ecx", cx, 0);
    check("rep movsb restarted: edi", di, VA_BASE + 0x3000 + 8);
    check("rep movsb first half", *(uint8_t *)(page_a + 0x1000 - 8 + 0) == 0 ? 0 : 1, 1);
    check("rep movsb second half", page_b[7], 0x4f);
    check("demand page fault count", trap_count >= 1, 1);

    /* The same with whole dwords (copied a page at a time where the pages allow):
     * at the fault ECX/ESI/EDI name the first dword of the unmapped page. */
    pt2[3] = 0;
    invlpg(VA_BASE + 0x3000);
    trap_handlers[14] = demand_map_regs;
    for (int i = 0; i < 64; i++) {
        page_a[i] = (uint8_t)(0x90 + i);
    }
    si = VA_BASE;
    di = VA_BASE + 0x3000 - 32;
    cx = 16;
    __asm__ volatile("cld; rep movsl" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
    check("rep movsl fault: ecx", fault_ecx, 8);
    check("rep movsl fault: edi", fault_edi, VA_BASE + 0x3000);
    check("rep movsl fault: esi", fault_esi, VA_BASE + 32);
    check("rep movsl restarted: ecx", cx, 0);
    check("rep movsl restarted: edi", di, VA_BASE + 0x3000 + 32);
    check("rep movsl second half", *(uint32_t *)(page_b + 28), 0xcfcecdcc);
    check("rep movsl first half", *(uint32_t *)(page_a + 0x1000 - 32), 0x93929190);

    /* REP STOSL into an unmapped page: stops at the page, then completes. */
    pt2[3] = 0;
    invlpg(VA_BASE + 0x3000);
    di = VA_BASE + 0x3000 - 8;
    cx = 6;
    __asm__ volatile("cld; rep stosl" : "+D"(di), "+c"(cx) : "a"(0xc001d00d) : "memory");
    trap_handlers[14] = 0;
    check("rep stosl fault: ecx", fault_ecx, 4);
    check("rep stosl fault: edi", fault_edi, VA_BASE + 0x3000);
    check("rep stosl restarted: ecx", cx, 0);
    check("rep stosl restarted: edi", di, VA_BASE + 0x3000 + 16);
    check("rep stosl second half", *(uint32_t *)(page_b + 12), 0xc001d00d);

    /* Fetch from an unmapped page. */
    r = TRAP_PROBE("movl $0x00804000, %%eax; call *%%eax", : : : "eax", "memory");
    check("#PF fetch", r, 14);
    check("#PF fetch cr2", read_cr2(), 0x00804000);
    check("#PF fetch err", last_err, 0);

    global_pages();

    write_cr0(read_cr0() & ~0x80000000);
    check("paging off", read_cr0() >> 31, 0);
    return done();
}
