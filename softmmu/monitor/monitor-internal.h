/*
 * Shared between the monitor's files (not a public interface).
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "qemu/osdep.h"

/* x/FMT and xp/FMT: /[count][format][size] as in QEMU (and gdb). */
typedef struct HmpDumpFormat {
    unsigned count;     /* units (instructions for 'i') */
    char format;        /* x d u o t c a i */
    unsigned size;      /* 1, 2, 4 or 8 bytes */
} HmpDumpFormat;

bool hmp_parse_format(const char *s, HmpDumpFormat *f, GError **errp);
bool hmp_parse_expr(const char *s, uint64_t *val, GError **errp);
bool hmp_read_memory(uint64_t addr, uint8_t *buf, size_t len, bool is_phys);
bool hmp_memory_dump(FILE *out, const HmpDumpFormat *f, uint64_t addr, bool is_phys);
/* The coming SHUTDOWN was asked for by the host (a monitor's quit), not the guest. */
void qmp_notify_quit(void);
/* sendkey: a QEMU key name ("a", "ctrl", "f1", "kp_enter") to a scancode, or -1. */
int hmp_key_code(const char *name);

#endif
