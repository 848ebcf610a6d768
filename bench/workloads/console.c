/*
 * Console output: lines of text written to stdout, which inside the guest is the
 * serial console's tty at the rate Linux leaves it (9600 baud for a plain
 * console=ttyS0). Measures the UART model and its interrupt path under the tty
 * layer, which is what a user sees when a command prints a lot at the shell.
 * Natively stdout is a pipe to the harness, so the native figure is only a floor.
 */
#include "wl.h"
#include <string.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = wl_iters(argc, argv, 4096);
    char line[64];
    unsigned long sent = 0;
    double t0 = wl_now_ms();

    for (long i = 0; i < n; i++) {
        /* 63 printable characters that change with i, and a newline. */
        for (int j = 0; j < 63; j++) {
            line[j] = 'a' + (int)((i + j) % 26);
        }
        line[63] = '\n';
        for (size_t off = 0; off < sizeof(line);) {
            ssize_t w = write(1, line + off, sizeof(line) - off);
            if (w <= 0) {
                return 1;
            }
            off += (size_t)w;
            sent += (unsigned long)w;
        }
    }
    /* Until the UART has taken the last byte (a pipe natively: nothing to wait for). */
    tcdrain(1);
    /* The check is the byte count: a lost write shows as a wrong value. */
    wl_report("console", n, wl_now_ms() - t0, sent);
    return 0;
}
