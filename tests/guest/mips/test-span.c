/*
 * Loops through a pointer that stays put (docs/engine.md, "Loop-invariant shared
 * checks"): their accesses' window check runs once before the loop head, and
 * the results, faults and self-modifying code stay as the architecture says: a
 * group of loads and stores gives the right sums and memory; a misaligned
 * pointer takes an address error at every word access, with EPC on the access
 * and BadVAddr the address, and the loop goes on; byte accesses (no alignment)
 * through a misaligned pointer run normally; a pointer into a page that holds
 * code stores there (the translated code of that page is dropped: the loop
 * is then run again from fresh code). Checked against QEMU too.
 */
#include "lib.h"

u32 t_span_sum(u32 n, u32 *p);
u32 t_span_bytes(u32 n, const unsigned char *p, unsigned char *q);
extern char x_span_lw0[];
extern u32 x_span_data[];

static u32 words[8] __attribute__((aligned(16)));
static unsigned char bytes[8] __attribute__((aligned(8)));
int main(void)
{
    words[0] = 5;
    words[1] = 7;
    words[3] = 100;
    check("span loop: result", t_span_sum(10, words), 10 * 12);
    check("span loop: stored sum", words[2], 10 * 12);
    check("span loop: counter", words[3], 110);

    /* Misaligned by 2: lw at +0, +4, +12 and sw at +8, +12 all fault (AdEL/AdES),
     * every iteration; the loads leave their registers as they were (0). */
    reset_exc();
    nfault = 0;
    exc_hook = fault_record_hook;
    u32 r = t_span_sum(3, (u32 *)((char *)words + 2));
    exc_hook = 0;
    check("misaligned pointer: result", r, 0);
    check("misaligned pointer: faults", nfault, 3 * 5);
    check("misaligned pointer: first EPC", fault_epc[0], (u32)x_span_lw0);
    check("misaligned pointer: first code", EXC_CODE(fault_cause[0]), 4);
    check("misaligned pointer: last code (AdES)", EXC_CODE(last_exc.cause), 5);
    check("misaligned pointer: last BadVAddr", last_exc.badvaddr, (u32)words + 2 + 12);
    check("misaligned pointer: memory untouched", words[2], 10 * 12);

    bytes[1] = 3;
    bytes[2] = 4;
    check("bytes through an odd pointer", t_span_bytes(5, bytes + 1, bytes + 5), 5 * 7);
    check("bytes: stored", bytes[5], 7);

    /* A pointer into the page of the loop's own code: the stores hit a page with
     * translated code, take the slow path every time, and land. */
    x_span_data[0] = 1;
    x_span_data[1] = 2;
    check("pointer into a code page: result", t_span_sum(4, x_span_data), 4 * 3);
    check("pointer into a code page: stored", x_span_data[2], 4 * 3);
    check("pointer into a code page: counter", x_span_data[3], 4);
    /* The loop still runs right after its page was written. */
    check("span loop again", t_span_sum(2, words), 2 * 12);
    done();
    return 0;
}
