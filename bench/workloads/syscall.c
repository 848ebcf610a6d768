/*
 * System-call loop: getppid() through syscall(2) so no C library caching can
 * elide the trap. Measures the exception entry/return path (MIPS: syscall
 * exception, eret) and the kernel's entry code running under emulation.
 */
#include "wl.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = wl_iters(argc, argv, 1000000);
    long ppid = getppid();
    unsigned long same = 0;
    double t0 = wl_now_ms();

    for (long i = 0; i < n; i++) {
        same += syscall(SYS_getppid) == ppid;
    }
    /* Every call must see the same parent: the check is n. */
    wl_report("syscall", n, wl_now_ms() - t0, same);
    return 0;
}
