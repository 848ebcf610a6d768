/*
 * Page-fault loop: map 4 MiB of anonymous memory, write one word in each page
 * (every write is a fresh page fault: TLB miss, kernel fault handler, zeroing a
 * page, TLB write), unmap, repeat.
 */
#include "wl.h"
#include <sys/mman.h>
#include <unistd.h>

#define WL_MAP_BYTES (4u << 20)

int main(int argc, char **argv)
{
    long n = wl_iters(argc, argv, 64);
    long page = sysconf(_SC_PAGESIZE);
    unsigned long check = 0, faults = 0;
    double t0 = wl_now_ms();

    for (long r = 0; r < n; r++) {
        char *p = mmap(NULL, WL_MAP_BYTES, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        for (unsigned long off = 0; off < WL_MAP_BYTES; off += page) {
            p[off] = (char)(off >> 12);
            faults++;
        }
        for (unsigned long off = 0; off < WL_MAP_BYTES; off += page) {
            check += (unsigned char)p[off];
        }
        munmap(p, WL_MAP_BYTES);
    }
    wl_report("pagefault", (long)faults, wl_now_ms() - t0, check);
    return 0;
}
