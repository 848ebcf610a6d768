/*
 * Store merging (docs/engine.md, "Adjacent constant stores merge"): the kernel's
 * clear_page loop writes each group of eight zero words with two wide host stores
 * when the group's shared check passes, and every store on its own when it does
 * not. Checked here: pages zeroed, copied (the copy_page shape) and filled with
 * constants of mixed sizes through kseg0 (the direct window), nothing around them
 * touched; the clear loop through a TLB mapping whose second page faults (TLBS or
 * Mod), at a store after the pointer moved, at the delay-slot store and at the
 * first store, where the exception must be precise: EPC and BadVAddr at the
 * faulting store, the stores before it done, none after; and zero words stored
 * over translated code, which must run as the new code. Checked against QEMU too.
 */
#include "lib.h"

void t_clear(u32 *p, u32 *end);
void t_copy(u32 *dst, const u32 *src, u32 *dst_end);
void t_fill(unsigned char *p, unsigned char *end);
u32 x_smc_fn(void);
extern char x_clr_sw0[], x_clr_sw4[], x_clr_bne[];

#define KSEG0(pa) ((volatile unsigned char *)(0x80000000u | (pa)))
#define LO(pa, flags) ((((pa) >> 12) << 6) | (2u << 3) | (flags))
#define LO_V 2u
#define LO_D 4u
#define PAGE 4096u
#define VA 0x00400000u          /* even page -> PA0, odd page -> PA1 */
#define PA0 0x00800000u
#define PA1 0x00801000u
#define ASID 7u

static unsigned char buf[3 * PAGE] __attribute__((aligned(4096)));
static unsigned char src[PAGE] __attribute__((aligned(4096)));

static unsigned char pattern(u32 i)
{
    return (unsigned char)(i * 29 + 11);
}

static void fill_pattern(volatile unsigned char *p, u32 n)
{
    for (u32 i = 0; i < n; i++) {
        p[i] = pattern(i);
    }
}

/* Bytes of p[from, to) that are not 0 (zero) or not the pattern (!zero). */
static u32 count_bad(volatile const unsigned char *p, u32 from, u32 to, int zero)
{
    u32 bad = 0;

    for (u32 i = from; i < to; i++) {
        if (p[i] != (zero ? 0 : pattern(i))) {
            bad++;
        }
    }
    return bad;
}

static void test_window(void)
{
    u32 bad = 0;

    fill_pattern(buf, sizeof(buf));
    t_clear((u32 *)(buf + PAGE), (u32 *)(buf + 2 * PAGE));
    check("clear: page zeroed", count_bad(buf, PAGE, 2 * PAGE, 1), 0);
    check("clear: page before untouched", count_bad(buf, 0, PAGE, 0), 0);
    check("clear: page after untouched", count_bad(buf, 2 * PAGE, 3 * PAGE, 0), 0);

    fill_pattern(buf, sizeof(buf));
    for (u32 i = 0; i < PAGE; i++) {
        src[i] = (unsigned char)(i ^ (i >> 8) ^ 0xa5);
    }
    t_copy((u32 *)(buf + PAGE), (const u32 *)src, (u32 *)(buf + 2 * PAGE));
    for (u32 i = 0; i < PAGE; i++) {
        bad += buf[PAGE + i] != src[i];
    }
    check("copy: page copied", bad, 0);
    check("copy: around untouched",
          count_bad(buf, 0, PAGE, 0) + count_bad(buf, 2 * PAGE, 3 * PAGE, 0), 0);

    /* Each 16 bytes: 44 33 22 11 | bb aa 99 88 | bb aa 44 00 | 44 bb 22 11. */
    static const unsigned char want[16] = {
        0x44, 0x33, 0x22, 0x11, 0xbb, 0xaa, 0x99, 0x88,
        0xbb, 0xaa, 0x44, 0x00, 0x44, 0xbb, 0x22, 0x11,
    };
    fill_pattern(buf, sizeof(buf));
    t_fill(buf + PAGE + 64, buf + PAGE + 64 + 256);
    bad = 0;
    for (u32 i = 0; i < 256; i++) {
        bad += buf[PAGE + 64 + i] != want[i % 16];
    }
    check("fill: constants of mixed sizes", bad, 0);
    check("fill: around untouched",
          count_bad(buf, 0, PAGE + 64, 0) + count_bad(buf, PAGE + 64 + 256, 3 * PAGE, 0), 0);
}

static void tlb_write(int idx, u32 hi, u32 lo0, u32 lo1)
{
    mtc0(0, 0, idx);
    mtc0(10, 0, hi);
    mtc0(2, 0, lo0);
    mtc0(3, 0, lo1);
    mtc0(5, 0, 0);
    __asm__ volatile("tlbwi\n\tehb" : : : "memory");
}

static void tlb_clear(void)
{
    for (int i = 0; i < 16; i++) {
        tlb_write(i, 0x80000000u + ((u32)i << 13), 0, 0);
    }
    mtc0(10, 0, 0);
}

/* What the first fault saw: its state, and the memory of the run at that moment
 * (how many bytes in the even page are already zero, in the odd page not). */
static volatile u32 nfaults, f_epc, f_cause, f_bad, f_zero_even, f_intact_odd;
static volatile u32 run_off;        /* the run's offset in the even page */

static int stmerge_fault_hook(struct frame *f)
{
    u32 code = EXC_CODE(f->cause);

    if (code != 1 && code != 3) {
        return 0;
    }
    if (nfaults++ == 0) {
        f_epc = f->epc;
        f_cause = f->cause;
        f_bad = f->badvaddr;
        f_zero_even = 0;
        for (u32 i = run_off; i < PAGE; i++) {
            f_zero_even += KSEG0(PA0)[i] == 0;
        }
        f_intact_odd = PAGE - count_bad(KSEG0(PA1), 0, PAGE, 0);
    }
    /* Map the odd page for writing and retry the store (EPC unchanged). */
    mtc0(10, 0, VA | ASID);
    __asm__ volatile("tlbp\n\tehb");
    mtc0(2, 0, LO(PA0, LO_V | LO_D));
    mtc0(3, 0, LO(PA1, LO_V | LO_D));
    __asm__ volatile("tlbwi\n\tehb" : : : "memory");
    return 1;
}

/*
 * t_clear over [VA + off, VA + off + len) with the even page mapped and the odd
 * one mapped as odd_lo (invalid, or clean: Mod). Wants one fault at epc with
 * BadVAddr PA1's virtual page start, zeroed_before bytes of the run zero in the
 * even page when it is taken and the odd page untouched then.
 */
static void fault_case(const char *name, u32 off, u32 len, u32 odd_lo, u32 code,
                       u32 epc, int bd, u32 zeroed_before)
{
    char n[64];
    int k = 0;

    while (name[k] && k < 40) {
        n[k] = name[k];
        k++;
    }
    n[k++] = ':';
    n[k++] = ' ';
    tlb_clear();
    mtc0(10, 0, ASID);
    tlb_write(5, VA | ASID, LO(PA0, LO_V | LO_D), odd_lo);
    fill_pattern(KSEG0(PA0), PAGE);
    fill_pattern(KSEG0(PA1), PAGE);
    nfaults = 0;
    run_off = off < PAGE ? off : PAGE;
    reset_exc();
    exc_hook = stmerge_fault_hook;
    t_clear((u32 *)(VA + off), (u32 *)(VA + off + len));
    exc_hook = 0;

#define CHECK(what, got, want) do { \
        const char *w_ = what; int j_ = k; \
        while (*w_ && j_ < 62) { n[j_++] = *w_++; } \
        n[j_] = 0; check(n, got, want); \
    } while (0)
    CHECK("one fault", nfaults, 1);
    CHECK("code", EXC_CODE(f_cause), code);
    CHECK("EPC", f_epc, epc);
    CHECK("BD", (f_cause & CAUSE_BD) != 0, bd);
    CHECK("BadVAddr", f_bad, VA + PAGE);
    CHECK("stores before done", f_zero_even, zeroed_before);
    CHECK("none after", f_intact_odd, PAGE);
    CHECK("all stored in the end",
          count_bad(KSEG0(PA0), run_off, PAGE, 1) +
          count_bad(KSEG0(PA1), 0, off + len - PAGE, 1), 0);
    CHECK("nothing else stored",
          count_bad(KSEG0(PA0), 0, run_off, 0) +
          count_bad(KSEG0(PA1), off + len - PAGE, PAGE, 0), 0);
#undef CHECK
    tlb_clear();
}

static void test_faults(void)
{
    /* Stores 0-3 in the even page, 4-7 (after the pointer moved) in the odd. */
    fault_case("TLBS at the 5th store", PAGE - 16, 32, LO(PA1, 0), 3,
               (u32)x_clr_sw4, 0, 16);
    /* Only the last, in the branch's delay slot: EPC on the branch, BD set. */
    fault_case("TLBS in the delay slot", PAGE - 28, 32, LO(PA1, 0), 3,
               (u32)x_clr_bne, 1, 28);
    /* Two iterations entirely in the odd page: the very first store faults. */
    fault_case("TLBS at the first store", PAGE, 64, LO(PA1, 0), 3,
               (u32)x_clr_sw0, 0, 0);
    /* Odd page valid but clean: TLB Modified at the 5th store. */
    fault_case("Mod at the 5th store", PAGE - 16, 32, LO(PA1, LO_V), 1,
               (u32)x_clr_sw4, 0, 16);
    /* A whole run in the even page, then one in the odd: the first run merged,
     * the second faulting at its first store. */
    fault_case("TLBS after a merged run", PAGE - 32, 64, LO(PA1, 0), 3,
               (u32)x_clr_sw0, 0, 32);
}

static void test_smc(void)
{
    u32 *fn = (u32 *)(void *)x_smc_fn;

    check("code before: 7", x_smc_fn(), 7);
    t_clear(fn, fn + 8);
    check("zero words over translated code run as nops: 9", x_smc_fn(), 9);
}

int main(void)
{
    test_window();
    test_faults();
    test_smc();
    done();
    return 0;
}
