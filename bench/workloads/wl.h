/*
 * Shared scaffolding for the benchmark workloads: each workload is a small static
 * program that runs inside the guest (and natively on the host as a baseline),
 * times itself with CLOCK_MONOTONIC and prints one line
 *     BENCH <name> iters=<n> ms=<elapsed> check=<value>
 * The check value depends on the work done, so an emulator that skips or botches
 * the work shows up as a wrong check rather than a fast time.
 */
#ifndef BENCH_WL_H
#define BENCH_WL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double wl_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Iteration count from argv[1], or the default scaled by argv-less callers. */
static inline long wl_iters(int argc, char **argv, long dflt)
{
    if (argc > 1) {
        long n = strtol(argv[1], NULL, 0);
        if (n > 0) {
            return n;
        }
    }
    return dflt;
}

static inline void wl_report(const char *name, long iters, double ms,
                             unsigned long check)
{
    printf("BENCH %s iters=%ld ms=%.1f check=%lu\n", name, iters, ms, check);
    fflush(stdout);
}

#endif
