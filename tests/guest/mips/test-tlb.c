/*
 * The joint TLB: TLBWI/TLBWR/TLBP/TLBR, mapped kuseg accesses, TLB refill through
 * our own refill handler at EBase + 0, TLB invalid (V = 0), TLB modified (D = 0),
 * ASID matching, large pages, and the softmmu staying coherent when entries or the
 * ASID change. Physical pages used: 8 MB and up (the test image sits at 1 MB).
 */
#include "lib.h"

#define KSEG0(pa) ((volatile u32 *)(0x80000000u | (pa)))
#define LO(pa, flags) ((((pa) >> 12) << 6) | (2u << 3) | (flags))
#define LO_G 1u
#define LO_V 2u
#define LO_D 4u

static void tlb_write(int idx, u32 hi, u32 lo0, u32 lo1, u32 mask)
{
    mtc0(0, 0, idx);
    mtc0(10, 0, hi);
    mtc0(2, 0, lo0);
    mtc0(3, 0, lo1);
    mtc0(5, 0, mask);
    __asm__ volatile("tlbwi\n\tehb" : : : "memory");
}

static void tlb_clear(void)
{
    /* Distinct unmatchable VPN2s in kseg0, invalid. */
    for (int i = 0; i < 16; i++) {
        tlb_write(i, 0x80000000u + ((u32)i << 13), 0, 0, 0);
    }
    mtc0(10, 0, 0);
}

static u32 load(u32 va)
{
    return *(volatile u32 *)va;
}

static void store(u32 va, u32 v)
{
    *(volatile u32 *)va = v;
}

static volatile u32 refill_pa;
static volatile int refills;

/* Refill handler: map the faulting pair from the hardware-filled EntryHi. */
static int refill_hook(struct frame *f)
{
    if (f->vec == 0) {
        refills++;
        mtc0(2, 0, LO(refill_pa, LO_V | LO_D));
        mtc0(3, 0, LO(refill_pa + 0x1000, LO_V | LO_D));
        mtc0(5, 0, 0);
        __asm__ volatile("tlbwr\n\tehb" : : : "memory");
        return 1;       /* retry the access: EPC unchanged */
    }
    return 0;
}

static void test_basic_mapping(void)
{
    u32 idx;

    tlb_clear();
    KSEG0(0x00800000u)[0] = 0xaaaa0000u;
    KSEG0(0x00900000u)[0] = 0xbbbb0000u;
    tlb_write(3, 0x00400000u | 1, LO(0x00800000u, LO_V | LO_D), LO(0x00900000u, LO_V | LO_D), 0);
    mtc0(10, 0, 1);                        /* current ASID 1 */
    reset_exc();
    check("mapped even page", load(0x00400000u), 0xaaaa0000u);
    check("mapped odd page", load(0x00401000u), 0xbbbb0000u);
    store(0x00400004u, 0x12345678u);
    check("store via mapping", KSEG0(0x00800000u)[1], 0x12345678u);
    check("no exceptions", last_exc.count, 0);

    mtc0(10, 0, 0x00401000u | 1);
    __asm__ volatile("tlbp\n\tehb");
    check("tlbp hit", mfc0(0, 0), 3);
    mtc0(10, 0, 0x12340000u | 1);
    __asm__ volatile("tlbp\n\tehb");
    idx = mfc0(0, 0);
    check("tlbp miss sets P", idx & 0x80000000u, 0x80000000u);
    mtc0(0, 0, 3);
    __asm__ volatile("tlbr\n\tehb");
    check("tlbr EntryHi", mfc0(10, 0), 0x00400000u | 1);
    check("tlbr EntryLo0", mfc0(2, 0), LO(0x00800000u, LO_V | LO_D));
    check("tlbr EntryLo1", mfc0(3, 0), LO(0x00900000u, LO_V | LO_D));
    check("tlbr PageMask", mfc0(5, 0), 0);
}

static void test_refill(void)
{
    u32 hi;

    tlb_clear();
    mtc0(10, 0, 5);                        /* ASID 5 */
    mtc0(4, 0, 0x80000000u);               /* Context.PTEBase */
    KSEG0(0x00a00000u)[0x10 / 4] = 0xcafef00du;
    refill_pa = 0x00a00000u;
    refills = 0;
    exc_hook = refill_hook;
    reset_exc();
    check("refill: load retried", load(0x10000010u), 0xcafef00du);
    check("refill: handler ran once", refills, 1);
    check("refill: vector EBase+0", last_exc.vec, 0);
    check("refill: TLBL", EXC_CODE(last_exc.cause), 2);
    check("refill: BadVAddr", last_exc.badvaddr, 0x10000010u);
    hi = mfc0(10, 0);
    check("refill: EntryHi.VPN2", hi & 0xffffe000u, 0x10000000u);
    check("refill: EntryHi.ASID kept", hi & 0xff, 5);
    check("refill: Context.BadVPN2", mfc0(4, 0), 0x80000000u | ((0x10000010u >> 13) << 4));
    reset_exc();
    refill_pa = 0x00b00000u;
    store(0x20003000u, 0x5555aaaau);
    check("refill: store TLBS", EXC_CODE(last_exc.cause), 3);
    check("refill: store landed in odd page", KSEG0(0x00b01000u)[0], 0x5555aaaau);
    exc_hook = 0;
}

static void test_invalid_modified(void)
{
    tlb_clear();
    mtc0(10, 0, 7);
    KSEG0(0x00c00000u)[0] = 0x77777777u;
    /* Even page invalid, odd page valid but clean (D = 0). */
    tlb_write(5, 0x00600000u | 7, LO(0x00c00000u, 0), LO(0x00c00000u, LO_V), 0);
    reset_exc();
    (void)load(0x00600000u);
    check("invalid: TLBL", EXC_CODE(last_exc.cause), 2);
    check("invalid: general vector", last_exc.vec, 1);
    check("invalid: BadVAddr", last_exc.badvaddr, 0x00600000u);
    reset_exc();
    store(0x00600008u, 1);
    check("invalid store: TLBS", EXC_CODE(last_exc.cause), 3);
    reset_exc();
    check("clean page readable", load(0x00601000u), 0x77777777u);
    store(0x00601000u, 2);
    check("clean page store: Mod", EXC_CODE(last_exc.cause), 1);
    check("Mod: general vector", last_exc.vec, 1);
    check("Mod: memory unchanged", KSEG0(0x00c00000u)[0], 0x77777777u);
    /* Make it dirty: the store now goes through (old translation flushed). */
    tlb_write(5, 0x00600000u | 7, LO(0x00c00000u, 0), LO(0x00c00000u, LO_V | LO_D), 0);
    reset_exc();
    store(0x00601000u, 3);
    check("dirty page store", KSEG0(0x00c00000u)[0], 3);
    check("dirty page store: no exception", last_exc.count, 0);
}

/*
 * SWL/SWR pairs storing one unaligned word (the translator does such a pair as one
 * store): across a page boundary whose upper page is invalid, each insn must still
 * act alone, the one that faults taking the TLBS with its own EPC and address and
 * the other one's bytes written. The default handler skips the faulting insn.
 */
static volatile int n_pair_faults;
static volatile u32 pair_bad[4], pair_epc[4];

/* Note each fault's BadVAddr and EPC, then let the default handler skip the insn. */
static int pair_fault_hook(struct frame *f)
{
    if (n_pair_faults < 4) {
        pair_bad[n_pair_faults] = mfc0(8, 0);
        pair_epc[n_pair_faults] = f->epc;
    }
    n_pair_faults++;
    return 0;
}

static void test_swlr_pairs(void)
{
    volatile u32 *lo_word = KSEG0(0x00c02ffcu);
    u32 val = 0xa1b2c3d4u, x = 0x00600ffeu, at_swl, at_first;

    tlb_clear();
    mtc0(10, 0, 7);
    /* Even page valid and dirty, odd page invalid. */
    tlb_write(5, 0x00600000u | 7, LO(0x00c02000u, LO_V | LO_D), LO(0x00c03000u, 0), 0);

    *lo_word = 0x11111111u;
    reset_exc();
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "swr %1, 0(%2)\n1:\tswl %1, 3(%2)\n\t"
                     ".set pop\n\tla %0, 1b"
                     : "=r"(at_swl) : "r"(val), "r"(x) : "memory");
    check("swr+swl across pages: one exception", last_exc.count, 1);
    check("swr+swl across pages: TLBS", EXC_CODE(last_exc.cause), 3);
    check("swr+swl across pages: EPC at swl", last_exc.epc, at_swl);
    check("swr+swl across pages: BadVAddr", last_exc.badvaddr, 0x00601001u);
    check("swr+swl across pages: swr bytes", *lo_word, 0xc3d41111u);

    *lo_word = 0x22222222u;
    reset_exc();
    __asm__ volatile(".set push\n\t.set noreorder\n"
                     "1:\tswl %1, 3(%2)\n\tswr %1, 0(%2)\n\t"
                     ".set pop\n\tla %0, 1b"
                     : "=r"(at_first) : "r"(val), "r"(x) : "memory");
    check("swl+swr across pages: one exception", last_exc.count, 1);
    check("swl+swr across pages: EPC at swl", last_exc.epc, at_first);
    check("swl+swr across pages: BadVAddr", last_exc.badvaddr, 0x00601001u);
    check("swl+swr across pages: swr bytes", *lo_word, 0xc3d42222u);

    /* Within the valid page both orders store the whole word. */
    lo_word[-1] = 0;
    *lo_word = 0;
    reset_exc();
    __asm__ volatile("swl %0, 3(%1)\n\tswr %0, 0(%1)" : : "r"(val), "r"(x - 4)
                     : "memory");
    check("swl+swr in page: low word", lo_word[-1], 0xc3d40000u);
    check("swl+swr in page: high word", *lo_word, 0x0000a1b2u);
    lo_word[-1] = 0;
    *lo_word = 0;
    __asm__ volatile("swr %0, 0(%1)\n\tswl %0, 3(%1)" : : "r"(~val), "r"(x - 5)
                     : "memory");
    check("swr+swl in page: low word", lo_word[-1], 0x4d3c2b00u);
    check("swr+swl in page: high word", *lo_word, 0x0000005eu);
    check("pairs in page: no exception", last_exc.count, 0);

    /* Both in the invalid page: the first insn faults (with its own address), then
     * the second on its own. */
    reset_exc();
    n_pair_faults = 0;
    exc_hook = pair_fault_hook;
    __asm__ volatile(".set push\n\t.set noreorder\n"
                     "1:\tswl %1, 3(%2)\n\tswr %1, 0(%2)\n\t"
                     ".set pop\n\tla %0, 1b"
                     : "=r"(at_first) : "r"(val), "r"(x + 6) : "memory");
    reset_exc();
    __asm__ volatile(".set push\n\t.set noreorder\n"
                     "1:\tswr %1, 0(%2)\n\tswl %1, 3(%2)\n\t"
                     ".set pop\n\tla %0, 1b"
                     : "=r"(at_swl) : "r"(val), "r"(x + 6) : "memory");
    exc_hook = 0;
    check("pair in invalid page: four exceptions", n_pair_faults, 4);
    check("swl+swr in invalid page: swl BadVAddr", pair_bad[0], x + 9);
    check("swl+swr in invalid page: swl EPC", pair_epc[0], at_first);
    check("swl+swr in invalid page: swr BadVAddr", pair_bad[1], x + 6);
    check("swl+swr in invalid page: swr EPC", pair_epc[1], at_first + 4);
    check("swr+swl in invalid page: swr BadVAddr", pair_bad[2], x + 6);
    check("swr+swl in invalid page: swr EPC", pair_epc[2], at_swl);
    check("swr+swl in invalid page: swl BadVAddr", pair_bad[3], x + 9);
    check("pair in invalid page: TLBS", EXC_CODE(last_exc.cause), 3);
}

/*
 * TLBWI and TLBWR from kseg0 code do not end the translated block: a load right
 * after them, in the same straight-line code, must already see the new entry and
 * not a translation the old one left behind.
 */
static void test_tlbw_then_load(void)
{
    u32 got_wi, got_wr;

    tlb_clear();
    KSEG0(0x00a00000u)[0] = 0xaaaa1111u;
    KSEG0(0x00a02000u)[0] = 0xbbbb2222u;
    KSEG0(0x00a04000u)[0] = 0xcccc3333u;
    mtc0(10, 0, 0x00700000u | 9);
    tlb_write(6, 0x00700000u | 9, LO(0x00a00000u, LO_V), 0, 0);
    reset_exc();
    check("tlbw: first mapping", load(0x00700000u), 0xaaaa1111u);
    /* Same VPN2 and index, other page: write and load in one block. */
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "mtc0 %1, $2, 0\n\t"
                     "tlbwi\n\t"
                     "ehb\n\t"
                     "lw %0, 0(%2)\n\t"
                     ".set pop"
                     : "=&r"(got_wi) : "r"(LO(0x00a02000u, LO_V)), "r"(0x00700000u)
                     : "memory");
    check("tlbwi then load in the same block", got_wi, 0xbbbb2222u);
    /* TLBWR with Wired = 15: the entry written is 15; drop entry 6 first. */
    tlb_write(6, 0x80000000u + (6u << 13), 0, 0, 0);
    mtc0(10, 0, 0x00700000u | 9);
    mtc0(6, 0, 15);
    __asm__ volatile(".set push\n\t.set noreorder\n\t"
                     "mtc0 %1, $2, 0\n\t"
                     "tlbwr\n\t"
                     "ehb\n\t"
                     "lw %0, 0(%2)\n\t"
                     ".set pop"
                     : "=&r"(got_wr) : "r"(LO(0x00a04000u, LO_V)), "r"(0x00700000u)
                     : "memory");
    mtc0(6, 0, 0);
    check("tlbwr then load in the same block", got_wr, 0xcccc3333u);
    check("tlbw: no exceptions", last_exc.count, 0);
}

static void test_asid_and_flush(void)
{
    tlb_clear();
    KSEG0(0x00d00000u)[0] = 0xd0d0d0d0u;
    KSEG0(0x00e00000u)[0] = 0xe0e0e0e0u;
    tlb_write(1, 0x00400000u | 1, LO(0x00d00000u, LO_V | LO_D), 0, 0);
    tlb_write(2, 0x00400000u | 2, LO(0x00e00000u, LO_V | LO_D), 0, 0);
    mtc0(10, 0, 1);
    check("ASID 1 mapping", load(0x00400000u), 0xd0d0d0d0u);
    mtc0(10, 0, 2);
    check("ASID 2 mapping after ASID change", load(0x00400000u), 0xe0e0e0e0u);
    mtc0(10, 0, 3);
    reset_exc();
    exc_hook = refill_hook;
    refill_pa = 0x00f00000u;
    KSEG0(0x00f00000u)[0] = 0xf0f0f0f0u;
    refills = 0;
    check("ASID 3 misses and refills", load(0x00400000u), 0xf0f0f0f0u);
    check("ASID 3 refill count", refills, 1);
    exc_hook = 0;
    /* Global entries match every ASID. */
    tlb_clear();
    tlb_write(4, 0x00400000u, LO(0x00d00000u, LO_V | LO_G), LO(0x00d00000u, LO_V | LO_G), 0);
    mtc0(10, 0, 0x42);
    reset_exc();
    check("global entry, any ASID", load(0x00400000u), 0xd0d0d0d0u);
    check("global entry: no exception", last_exc.count, 0);
    /* Rewriting an entry flushes the old translation. */
    tlb_write(4, 0x00400000u, LO(0x00e00000u, LO_V | LO_G), LO(0x00e00000u, LO_V | LO_G), 0);
    check("rewritten entry takes effect", load(0x00400000u), 0xe0e0e0e0u);
}

static void test_large_pages(void)
{
    tlb_clear();
    mtc0(10, 0, 9);
    KSEG0(0x01000000u)[0] = 0x10000000u;
    KSEG0(0x010ffffcu)[0] = 0x100ffffcu;
    KSEG0(0x01100000u)[0] = 0x11000000u;
    KSEG0(0x01280000u)[0] = 0x12800000u;
    KSEG0(0x01080000u)[0] = 0x10800000u;
    /* 1 MB pages: PageMask 0x001fe000, pair at VA 0x02000000. */
    tlb_write(6, 0x02000000u | 9, LO(0x01000000u, LO_V | LO_D), LO(0x01100000u, LO_V | LO_D),
              0x001fe000u);
    reset_exc();
    check("1M page start", load(0x02000000u), 0x10000000u);
    check("1M page end", load(0x020ffffcu), 0x100ffffcu);
    check("1M odd page", load(0x02100000u), 0x11000000u);
    check("1M page middle", load(0x02080000u), 0x10800000u);
    check("1M pages: no exceptions", last_exc.count, 0);
    tlb_write(6, 0x02000000u | 9, LO(0x01200000u, LO_V | LO_D), LO(0x01100000u, LO_V | LO_D),
              0x001fe000u);
    check("1M page remapped: middle", load(0x02080000u), 0x12800000u);
    /* 16 KB pages. */
    tlb_write(7, 0x03000000u | 9, LO(0x01000000u, LO_V), LO(0x01100000u, LO_V), 0x00006000u);
    check("16K page", load(0x03000000u), 0x10000000u);
    check("16K odd page", load(0x03004000u), 0x11000000u);
}

/* User-mode code, copied to a mapped page: li v0, 0x1234; syscall; lw t0, 0(kseg0). */
static const u32 user_code[] = {
    0x24021234u,          /* addiu v0, zero, 0x1234 */
    0x0000000cu,          /* syscall */
    0x3c088010u,          /* lui t0, 0x8010 */
    0x8d080000u,          /* lw t0, 0(t0): kseg0 from user mode */
    0x40026000u,          /* mfc0 v0, Status: CpU in user mode */
    0x1000ffffu,          /* b . */
    0x00000000u,
};

static volatile u32 user_v0, user_steps;

static int user_hook(struct frame *f)
{
    user_steps++;
    switch (user_steps) {
    case 1:     /* syscall */
        user_v0 = f->r[2];
        check("user syscall code", EXC_CODE(f->cause), 8);
        check("user syscall EPC", f->epc, 0x00400004u);
        check("user mode at exception", f->status & 0x18, 0x10);
        f->epc += 4;
        return 1;
    case 2:     /* kseg0 load */
        check("user kseg0 load: AdEL", EXC_CODE(f->cause), 4);
        check("user kseg0 load: BadVAddr", f->badvaddr, 0x80100000u);
        f->epc += 4;
        return 1;
    case 3:     /* mfc0 */
        check("user mfc0: CpU", EXC_CODE(f->cause), 11);
        check("user mfc0: CE=0", (f->cause >> 28) & 3, 0);
        user_finish(f);
        return 1;
    default:
        user_finish(f);
        return 1;
    }
}

static void test_user(void)
{
    tlb_clear();
    for (unsigned i = 0; i < sizeof(user_code) / 4; i++) {
        KSEG0(0x00c00000u)[i] = user_code[i];
    }
    tlb_write(0, 0x00400000u | 3, LO(0x00c00000u, LO_V), 0, 0);
    mtc0(10, 0, 3);
    user_steps = 0;
    exc_hook = user_hook;
    run_user(0x00400000u);
    exc_hook = 0;
    check("user code ran", user_v0, 0x1234);
    check("user exceptions", user_steps, 3);
    check("back in kernel mode", mfc0(12, 0) & 0x1e, 0);
}

/* Supervisor-mode code at sseg 0xc0000000: lw from sseg data, RDHWR allowed and
 * refused by HWREna, lw from kseg0 and kseg3 (AdEL), mfc0 (CpU). Our 24Kc has
 * UserLocal (Config3.ULRI); QEMU 7.2's does not, so there RDHWR $29 is RI. */
static const u32 super_code[] = {
    0x3c08c000u,          /* lui t0, 0xc000 */
    0x8d021000u,          /* lw v0, 0x1000(t0): sseg, odd page of the pair */
    0x0000000cu,          /* syscall */
    0x7c03e83bu,          /* rdhwr v1, $29 (UserLocal, enabled in HWREna) */
    0x0000000cu,          /* syscall */
    0x7c03103bu,          /* rdhwr v1, $2 (CC, not enabled): RI */
    0x3c088010u,          /* lui t0, 0x8010 */
    0x8d080000u,          /* lw t0, 0(t0): kseg0 */
    0x3c08e000u,          /* lui t0, 0xe000 */
    0x8d080000u,          /* lw t0, 0(t0): kseg3 */
    0x40026000u,          /* mfc0 v0, Status */
    0x1000ffffu,          /* b . */
    0x00000000u,
};

static volatile u32 super_v1;

static int super_hook(struct frame *f)
{
    user_steps++;
    switch (user_steps) {
    case 1:
        user_v0 = f->r[2];
        check("super syscall", EXC_CODE(f->cause), 8);
        check("super mode at exception", f->status & 0x18, 0x08);
        f->epc += 4;
        return 1;
    case 2:
        super_v1 = f->r[3];
        f->epc += 4;
        return 1;
    case 3:
        check("rdhwr not in HWREna: RI", EXC_CODE(f->cause), 10);
        f->epc += 4;
        return 1;
    case 4:
        check("super kseg0 load: AdEL", EXC_CODE(f->cause), 4);
        f->epc += 4;
        return 1;
    case 5:
        check("super kseg3 load: AdEL", EXC_CODE(f->cause), 4);
        check("super kseg3 load: BadVAddr", f->badvaddr, 0xe0000000u);
        f->epc += 4;
        return 1;
    case 6:
        check("super mfc0: CpU", EXC_CODE(f->cause), 11);
        user_finish(f);
        return 1;
    default:
        user_finish(f);
        return 1;
    }
}

static void test_super(void)
{
    tlb_clear();
    for (unsigned i = 0; i < sizeof(super_code) / 4; i++) {
        KSEG0(0x00c00000u)[i] = super_code[i];
    }
    KSEG0(0x00c01000u)[0] = 0x5e5e5e5eu;
    tlb_write(0, 0xc0000000u | 4, LO(0x00c00000u, LO_V), LO(0x00c01000u, LO_V), 0);
    mtc0(10, 0, 4);
    mtc0(4, 2, 0x1234abcdu);               /* UserLocal */
    mtc0(7, 0, 1u << 29);                  /* HWREna: UL only */
    user_steps = 0;
    user_v0 = 0;
    exc_hook = super_hook;
    run_super(0xc0000000u);
    exc_hook = 0;
    mtc0(7, 0, 0);
    check("super code read sseg data", user_v0, 0x5e5e5e5eu);
    check("rdhwr UserLocal enabled by HWREna", super_v1, 0x1234abcdu);
    check("super exceptions", user_steps, 6);
    check("back in kernel mode after super", mfc0(12, 0) & 0x1e, 0);
}

int main(void)
{
    test_basic_mapping();
    test_refill();
    test_invalid_modified();
    test_swlr_pairs();
    test_tlbw_then_load();
    test_asid_and_flush();
    test_large_pages();
    test_user();
    test_super();
    tlb_clear();
    done();
    return 0;
}
