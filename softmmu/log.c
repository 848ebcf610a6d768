/*
 * -d / -D logging. Item names and meanings follow QEMU's -d so that habits (and
 * scripts) carry over: in_asm, op, op_opt, out_asm, exec, int, mmu, guest_errors,
 * unimp, cpu, plus mimic's jitstats and nochain.
 */
#include "qemu/osdep.h"
#include <stdarg.h>

unsigned mimic_loglevel;
FILE *mimic_logfile;
/* -dfilter: inclusive [lo, hi] guest address ranges; none means no filter. */
static GArray *log_ranges;

typedef struct LogItem {
    unsigned mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    { LOG_OUT_ASM, "out_asm", "show generated host assembly code for each compiled TB" },
    { LOG_IN_ASM, "in_asm", "show target assembly code for each compiled TB" },
    { LOG_OP, "op", "show micro ops for each compiled TB" },
    { LOG_OP_OPT, "op_opt", "show micro ops after optimization" },
    { LOG_INT, "int", "show interrupts/exceptions in short format" },
    { LOG_EXEC, "exec", "show trace before each executed TB (lots of logs)" },
    { LOG_CPU, "cpu", "show CPU registers before entering a TB (lots of logs)" },
    { LOG_MMU, "mmu", "log MMU-related activities" },
    { LOG_GUEST_ERROR, "guest_errors",
      "log when the guest OS does something invalid (eg accessing a\n"
      "non-existent register)" },
    { LOG_UNIMP, "unimp", "log unimplemented functionality" },
    { LOG_JITSTATS, "jitstats", "print translator and code cache statistics at exit" },
    { LOG_TBCOUNT, "tbcount",
      "count how often each TB is entered (chaining kept) and print the\n"
      "most entered ones at exit" },
    { LOG_NOCHAIN, "nochain",
      "do not chain compiled TBs so that \"exec\" and \"cpu\" show\n"
      "complete traces" },
};

/* The log file must be usable from the first constructor on, before main runs. */
static void __attribute__((constructor)) log_init_default(void)
{
    if (!mimic_logfile) {
        mimic_logfile = stderr;
    }
}

void mimic_log(const char *fmt, ...)
{
    va_list ap;
    FILE *f = mimic_logfile ? mimic_logfile : stderr;

    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
}

bool mimic_log_parse(const char *items, unsigned *mask, GError **errp)
{
    unsigned m = 0;
    gchar **parts;
    bool ok = true;

    if (!items || !*items) {
        error_setg(errp, "-d: empty log item list (try -d help)");
        return false;
    }
    parts = g_strsplit(items, ",", -1);
    for (gchar **p = parts; *p; p++) {
        bool found = false;

        if (!**p) {
            continue;
        }
        for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
            if (strcmp(*p, log_items[i].name) == 0) {
                m |= log_items[i].mask;
                found = true;
                break;
            }
        }
        if (!found) {
            error_setg(errp, "-d: unknown log item '%s' (try -d help)", *p);
            ok = false;
            break;
        }
    }
    g_strfreev(parts);
    if (ok) {
        *mask = m;
    }
    return ok;
}

bool mimic_log_set_file(const char *path, GError **errp)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        error_setg_errno(errp, errno, "-D: cannot open log file '%s'", path);
        return false;
    }
    /* Line buffering keeps the log readable while the guest is still running. */
    setvbuf(f, NULL, _IOLBF, 0);
    if (mimic_logfile && mimic_logfile != stderr && mimic_logfile != stdout) {
        fclose(mimic_logfile);
    }
    mimic_logfile = f;
    return true;
}

void mimic_log_print_items(FILE *f)
{
    fprintf(f, "Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        const char *h = log_items[i].help;

        fprintf(f, "%-15s ", log_items[i].name);
        /* Continuation lines of the help text line up under the first. */
        for (; *h; h++) {
            fputc(*h, f);
            if (*h == '\n') {
                fprintf(f, "%-15s ", "");
            }
        }
        fputc('\n', f);
    }
}

/* One -dfilter range: START+SIZE, START-SIZE (the SIZE bytes below START, START
 * itself included, as QEMU reads it) or START..END (END included). */
static bool log_parse_range(const char *r, LogRange *out, GError **errp)
{
    const char *sep = strstr(r, "..");
    char *end;
    uint64_t a, b;
    char op;

    if (!sep) {
        sep = strpbrk(r + 1, "+-");
    }
    if (!sep) {
        error_setg(errp, "-dfilter: '%s' is not START+SIZE, START-SIZE or START..END", r);
        return false;
    }
    op = *sep;
    errno = 0;
    a = g_ascii_strtoull(r, &end, 0);
    if (end != sep || errno || end == r) {
        error_setg(errp, "-dfilter: bad start address in '%s'", r);
        return false;
    }
    r = sep + (op == '.' ? 2 : 1);
    b = g_ascii_strtoull(r, &end, 0);
    if (*end || errno || end == r) {
        error_setg(errp, "-dfilter: bad %s in '%s'", op == '.' ? "end address" : "size",
                   r);
        return false;
    }
    if (op == '.') {
        out->lo = a;
        out->hi = b;
    } else if (b == 0) {
        error_setg(errp, "-dfilter: empty range in '%s'", r);
        return false;
    } else if (op == '+') {
        out->lo = a;
        out->hi = a + (b - 1) < a ? UINT64_MAX : a + (b - 1);
    } else {
        out->hi = a;
        out->lo = b - 1 > a ? 0 : a - (b - 1);
    }
    if (out->lo > out->hi) {
        error_setg(errp, "-dfilter: range '%s' ends before it starts", r);
        return false;
    }
    return true;
}

GArray *mimic_log_parse_ranges(const char *spec, GError **errp)
{
    g_autoptr(GArray) ranges = g_array_new(false, false, sizeof(LogRange));
    g_auto(GStrv) parts = g_strsplit(spec ? spec : "", ",", -1);

    for (gchar **p = parts; *p; p++) {
        LogRange r;

        if (!log_parse_range(*p, &r, errp)) {
            return NULL;
        }
        g_array_append_val(ranges, r);
    }
    if (ranges->len == 0) {
        error_setg(errp, "-dfilter: no address range given");
        return NULL;
    }
    return g_steal_pointer(&ranges);
}

void mimic_log_set_ranges(GArray *ranges)
{
    if (log_ranges) {
        g_array_unref(log_ranges);
    }
    log_ranges = ranges ? g_array_ref(ranges) : NULL;
}

bool mimic_log_in_range(uint64_t addr)
{
    if (!log_ranges) {
        return true;
    }
    for (guint i = 0; i < log_ranges->len; i++) {
        LogRange *r = &g_array_index(log_ranges, LogRange, i);

        if (addr >= r->lo && addr <= r->hi) {
            return true;
        }
    }
    return false;
}
