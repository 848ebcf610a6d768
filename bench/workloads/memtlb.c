/*
 * Memory-heavy load with many TLB misses: a pseudo-random walk over a 64 MiB
 * buffer, one 32-bit read-modify-write per step, each step landing on a different
 * page. The working set is far beyond any TLB (MIPS: 16 entries of two pages), so
 * in a guest nearly every access takes a guest TLB refill, and in the emulator a
 * softmmu TLB miss.
 */
#include "wl.h"
#include <stdint.h>

#define WL_BUF_BYTES (64u << 20)

int main(int argc, char **argv)
{
    long n = wl_iters(argc, argv, 2000000);
    uint32_t *buf = calloc(WL_BUF_BYTES / 4, 4);
    uint32_t words = WL_BUF_BYTES / 4, idx = 12345, sum = 0;
    double t0;

    if (!buf) {
        perror("calloc");
        return 1;
    }
    /* Touch every page first so the loop measures TLB misses, not page faults. */
    for (uint32_t i = 0; i < words; i += 1024) {
        buf[i] = i;
    }
    t0 = wl_now_ms();
    for (long i = 0; i < n; i++) {
        /* LCG step; the multiplier spreads consecutive indexes across pages. */
        idx = (idx * 1103515245u + 12345u) & (words - 1);
        buf[idx] += (uint32_t)i;
        sum += buf[idx ^ 1];
    }
    wl_report("memtlb", n, wl_now_ms() - t0, sum);
    free(buf);
    return 0;
}
