/*
 * bench/workloads/intloop.c's loop in plain C, the reference the MIPS and i386
 * test-ifconv check their if-converted loops against: n iterations of
 * x = xorshift(x); acc = x & 1 ? acc + x * K : acc ^ x / ((i & 7) + k).
 * Included by tests/guest/{mips,i386}/test-ifconv.c (each defines nothing of it).
 */
#ifndef GUEST_IFCONV_REF_H
#define GUEST_IFCONV_REF_H

#define K 0x9e3779b1u

static unsigned int xorshift(unsigned int x)
{
    x ^= x << 13;
    x ^= x >> 17;
    return x ^ (x << 5);
}

static unsigned int ref_loop(unsigned int n, unsigned int x, unsigned int k)
{
    unsigned int acc = 0;

    for (unsigned int i = 0; i < n; i++) {
        x = xorshift(x);
        if (x & 1) {
            acc += x * K;
        } else {
            acc ^= x / ((i & 7) + k);
        }
    }
    return acc;
}

/* The state at the first even iteration with a zero divisor (k = 0). */
static unsigned int ref_trap(unsigned int x, unsigned int *i_out, unsigned int *acc_out,
                             unsigned int *x_out)
{
    unsigned int acc = 0;

    for (unsigned int i = 0; i < 1000000; i++) {
        x = xorshift(x);
        if (x & 1) {
            acc += x * K;
        } else if ((i & 7) == 0) {
            *i_out = i;
            *acc_out = acc;
            *x_out = x;
            return 1;
        } else {
            acc ^= x / (i & 7);
        }
    }
    return 0;
}

#endif
