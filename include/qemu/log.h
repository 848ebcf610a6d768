/*
 * -d / -D logging, with QEMU's item names.
 */
#ifndef MIMIC_LOG_H
#define MIMIC_LOG_H

#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define LOG_IN_ASM       (1u << 0)   /* guest code of each translated TB */
#define LOG_OP           (1u << 1)   /* IR before optimization */
#define LOG_OP_OPT       (1u << 2)   /* IR after optimization */
#define LOG_OUT_ASM      (1u << 3)   /* generated host code */
#define LOG_EXEC         (1u << 4)   /* each TB executed (slow: disables chaining) */
#define LOG_INT          (1u << 5)   /* interrupts and exceptions */
#define LOG_MMU          (1u << 6)   /* guest MMU faults and TLB fills */
#define LOG_GUEST_ERROR  (1u << 7)   /* guest did something invalid */
#define LOG_UNIMP        (1u << 8)   /* guest used something not modelled */
#define LOG_CPU          (1u << 9)   /* register dump before each TB */
#define LOG_JITSTATS     (1u << 10)  /* translator counters at exit */
#define LOG_NOCHAIN      (1u << 11)  /* never chain TBs (debugging aid) */
#define LOG_TBCOUNT      (1u << 12)  /* count each TB's entries, print the top at exit */

extern unsigned mimic_loglevel;
extern FILE *mimic_logfile;   /* stderr unless -D */

static inline bool mimic_log_enabled(unsigned mask)
{
    return (mimic_loglevel & mask) != 0;
}

void mimic_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define mimic_log_mask(mask, ...) do {          \
        if (mimic_log_enabled(mask)) {          \
            mimic_log(__VA_ARGS__);             \
        }                                       \
    } while (0)

/* Parse a -d list ("in_asm,int"); returns false and fills errp on an unknown item. */
bool mimic_log_parse(const char *items, unsigned *mask, GError **errp);
/* -D file. */
bool mimic_log_set_file(const char *path, GError **errp);
/* -dfilter: the guest address ranges whose TBs the in_asm, op, op_opt, out_asm,
 * exec and cpu items log (all of them without a filter). */
typedef struct LogRange {
    uint64_t lo, hi;               /* inclusive */
} LogRange;
/* Parse "RANGE[,RANGE...]" (START+SIZE, START-SIZE, START..END) into LogRanges. */
GArray *mimic_log_parse_ranges(const char *spec, GError **errp);
/* Install the ranges (a reference is taken; NULL removes the filter). */
void mimic_log_set_ranges(GArray *ranges);
bool mimic_log_in_range(uint64_t addr);
/* "help" text for -d help. */
void mimic_log_print_items(FILE *f);

#endif
