/*
 * Integer CPU loop: xorshift, multiply, divide and data-dependent branches on
 * registers only. Measures raw translated-code speed (no memory traffic to speak of,
 * no exits to the emulator loop besides TB chaining).
 */
#include "wl.h"

int main(int argc, char **argv)
{
    long n = wl_iters(argc, argv, 100000000);
    unsigned int x = 2463534242u, acc = 0;
    double t0 = wl_now_ms();

    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if (x & 1) {
            acc += x * 2654435761u;
        } else {
            acc ^= x / ((i & 7) + 3);
        }
    }
    wl_report("intloop", n, wl_now_ms() - t0, acc);
    return 0;
}
