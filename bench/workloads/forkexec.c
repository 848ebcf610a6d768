/*
 * fork + exec loop: the parent forks, the child execs this same (small, static)
 * program with "--child", which exits at once; the parent waits. Measures process
 * creation, address-space teardown, ELF loading and the TLB/cache flushing an
 * emulator does around them.
 */
#include "wl.h"
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n;
    unsigned long ok = 0;
    double t0;

    if (argc > 1 && strcmp(argv[1], "--child") == 0) {
        return 7;
    }
    n = wl_iters(argc, argv, 200);
    t0 = wl_now_ms();
    for (long i = 0; i < n; i++) {
        int status;
        pid_t pid = fork();

        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            char *args[] = { argv[0], "--child", NULL };
            execv("/proc/self/exe", args);
            _exit(99);
        }
        if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
            WEXITSTATUS(status) == 7) {
            ok++;
        }
    }
    wl_report("forkexec", n, wl_now_ms() - t0, ok);
    return 0;
}
