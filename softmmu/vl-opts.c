/*
 * The values of QEMU's options (-m, -smp, -rtc, -drive, -boot, -action, -msg,
 * -overcommit, -uuid, -machine ...) parsed into a VlConfig, for vl.c's option
 * loop. Like vl_parse_args, nothing here has side effects, apart from
 * vl_apply_rtc, which hands the parsed -rtc to the RTC code.
 */
#include "qemu/osdep.h"
#include "sysemu/vl.h"
#include "sysemu/rtc.h"
#include "sysemu/runstate.h"
#include "sysemu/watchdog.h"
#include "hw/boards.h"
#include "hw/qdev.h"
#include "vl-internal.h"

static bool vl_parse_size_suffixed(const char *s, uint64_t default_unit,
                                   uint64_t *out)
{
    char *end;
    double v;
    uint64_t unit = default_unit;

    if (!*s || *s == '-' || g_ascii_isspace(*s)) {
        return false;
    }
    errno = 0;
    v = g_ascii_strtod(s, &end);
    if (errno || end == s || v < 0) {
        return false;
    }
    switch (*end) {
    case 'b': case 'B': unit = 1; end++; break;
    case 'k': case 'K': unit = 1ULL << 10; end++; break;
    case 'm': case 'M': unit = 1ULL << 20; end++; break;
    case 'g': case 'G': unit = 1ULL << 30; end++; break;
    case 't': case 'T': unit = 1ULL << 40; end++; break;
    default: break;
    }
    if (*end || v * unit >= 18446744073709551616.0) {
        return false;
    }
    *out = (uint64_t)(v * unit);
    return true;
}

bool vl_parse_ram_size(const char *arg, uint64_t *bytes, GError **errp)
{
    gchar **parts = g_strsplit(arg, ",", -1);
    const char *size = NULL;
    bool ok = false;
    uint64_t v;

    for (gchar **p = parts; *p; p++) {
        if (g_str_has_prefix(*p, "size=")) {
            size = *p + 5;
        } else if (p == parts && !strchr(*p, '=')) {
            size = *p;
        } else {
            error_setg(errp, "-m: unsupported option '%s' (use -m SIZE or size=SIZE)", *p);
            goto out;
        }
    }
    if (!size || !vl_parse_size_suffixed(size, 1ULL << 20, &v)) {
        error_setg(errp, "-m: invalid RAM size '%s' (e.g. 256, 512M, 1G)", arg);
        goto out;
    }
    if (v == 0) {
        error_setg(errp, "-m: RAM size must be greater than 0");
        goto out;
    }
    if (v & 0xfff) {
        v = QEMU_ALIGN_UP(v, 4096);   /* QEMU rounds to the page size too */
    }
    *bytes = v;
    ok = true;
out:
    g_strfreev(parts);
    return ok;
}

bool vl_parse_smp(const char *arg, int *smp, GError **errp)
{
    gchar **parts = g_strsplit(arg, ",", -1);
    const char *n = NULL;
    bool ok = false;
    char *end;
    long v;

    for (gchar **p = parts; *p; p++) {
        if (g_str_has_prefix(*p, "cpus=")) {
            n = *p + 5;
        } else if (p == parts && !strchr(*p, '=')) {
            n = *p;
        } else if (g_str_has_prefix(*p, "maxcpus=") || g_str_has_prefix(*p, "cores=") ||
                   g_str_has_prefix(*p, "threads=") || g_str_has_prefix(*p, "sockets=")) {
            continue;   /* topology: every vCPU is a plain CPU here */
        } else {
            error_setg(errp, "-smp: unsupported option '%s'", *p);
            goto out;
        }
    }
    if (!n) {
        error_setg(errp, "-smp: missing CPU count");
        goto out;
    }
    errno = 0;
    v = strtol(n, &end, 10);
    if (errno || end == n || *end || v < 1 || v > VL_MAX_SMP) {
        error_setg(errp, "-smp: invalid CPU count '%s' (1..%d)", n, VL_MAX_SMP);
        goto out;
    }
    *smp = (int)v;
    ok = true;
out:
    g_strfreev(parts);
    return ok;
}

/* The RTC settings the boards' clocks read when they are created. */
void vl_apply_rtc(const VlConfig *cfg)
{
    time_t now = time(NULL);
    struct tm tm;
    int64_t offset = 0;

    if (cfg->rtc_base == VL_RTC_LOCALTIME && localtime_r(&now, &tm)) {
        offset = tm.tm_gmtoff;          /* the registers show local time */
    } else if (cfg->rtc_base == VL_RTC_DATE) {
        offset = cfg->rtc_date - (int64_t)now;
    }
    rtc_set_start_offset(offset);
    rtc_set_follows_host(!cfg->rtc_clock_vm);
}

/* -rtc base=...,clock=...,driftfix=... (QEMU's syntax). */
bool vl_parse_rtc(VlConfig *cfg, const char *arg, GError **errp)
{
    gchar **parts = g_strsplit(arg, ",", -1);
    bool ok = false;

    for (gchar **p = parts; *p; p++) {
        const char *v;

        if (g_str_has_prefix(*p, "base=")) {
            v = *p + 5;
            if (!strcmp(v, "utc")) {
                cfg->rtc_base = VL_RTC_UTC;
            } else if (!strcmp(v, "localtime")) {
                cfg->rtc_base = VL_RTC_LOCALTIME;
            } else {
                struct tm tm = { 0 };
                char tail;
                int n = sscanf(v, "%d-%d-%dT%d:%d:%d%c", &tm.tm_year, &tm.tm_mon,
                               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail);

                if (n != 6 && !(n == 3 && !strchr(v, 'T'))) {
                    error_setg(errp, "-rtc: base '%s' is not utc, localtime or a date "
                               "like 2006-06-17T16:01:21 or 2006-06-17", v);
                    goto out;
                }
                if (tm.tm_year < 1970 || tm.tm_year > 2199 || tm.tm_mon < 1 ||
                    tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
                    tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 ||
                    tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0) {
                    error_setg(errp, "-rtc: date '%s' out of range (1970-2199)", v);
                    goto out;
                }
                tm.tm_year -= 1900;
                tm.tm_mon -= 1;
                cfg->rtc_base = VL_RTC_DATE;
                cfg->rtc_date = timegm(&tm);
            }
        } else if (g_str_has_prefix(*p, "clock=")) {
            v = *p + 6;
            if (!strcmp(v, "vm")) {
                cfg->rtc_clock_vm = true;
            } else if (!strcmp(v, "host") || !strcmp(v, "rt")) {
                cfg->rtc_clock_vm = false;
            } else {
                error_setg(errp, "-rtc: clock '%s' is not host, rt or vm", v);
                goto out;
            }
        } else if (!strcmp(*p, "driftfix=none") || !strcmp(*p, "driftfix=slew")) {
            /* slew: QEMU re-injects periodic interrupts a busy host delayed. Here
             * they are not lost to begin with: each is raised at its own time. */
            continue;
        } else {
            error_setg(errp, "-rtc: unsupported option '%s'", *p);
            goto out;
        }
    }
    ok = true;
out:
    g_strfreev(parts);
    return ok;
}

bool vl_parse_drive(VlConfig *cfg, const char *arg, GError **errp)
{
    gchar **parts;
    DriveOpts d = { .index = -1 };
    bool ok = false;

    if (cfg->nb_drives >= MAX_DRIVES) {
        error_setg(errp, "-drive: too many drives (max %d)", MAX_DRIVES);
        return false;
    }
    parts = g_strsplit(arg, ",", -1);
    for (gchar **p = parts; *p; p++) {
        char *eq = strchr(*p, '=');
        const char *v = eq ? eq + 1 : NULL;

        if (!**p) {
            continue;
        }
        if (!eq) {
            error_setg(errp, "-drive: expected key=value, got '%s'", *p);
            goto out;
        }
        *eq = '\0';
        if (strcmp(*p, "file") == 0) {
            g_free(d.file);
            d.file = g_strdup(v);
        } else if (strcmp(*p, "format") == 0) {
            g_free(d.format);
            d.format = g_strdup(v);
        } else if (strcmp(*p, "if") == 0) {
            g_free(d.interface);
            d.interface = g_strdup(v);
        } else if (strcmp(*p, "id") == 0) {
            g_free(d.id);
            d.id = g_strdup(v);
        } else if (strcmp(*p, "media") == 0) {
            if (strcmp(v, "disk") != 0 && strcmp(v, "cdrom") != 0) {
                error_setg(errp, "-drive: media must be disk or cdrom, not '%s'", v);
                goto out;
            }
            g_free(d.media);
            d.media = g_strdup(v);
        } else if (strcmp(*p, "cache") == 0) {
            g_free(d.cache);
            d.cache = g_strdup(v);
        } else if (strcmp(*p, "index") == 0) {
            char *end;
            long i = strtol(v, &end, 10);

            if (end == v || *end || i < 0 || i >= MAX_DRIVES) {
                error_setg(errp, "-drive: invalid index '%s'", v);
                goto out;
            }
            d.index = (int)i;
        } else if (strcmp(*p, "snapshot") == 0 || strcmp(*p, "readonly") == 0) {
            bool b;

            if (!qdev_parse_bool(v, &b)) {
                error_setg(errp, "-drive: %s takes on/off, not '%s'", *p, v);
                goto out;
            }
            if (**p == 's') {
                d.snapshot = b;
            } else {
                d.readonly = b;
            }
        } else {
            error_setg(errp, "-drive: unknown option '%s'", *p);
            goto out;
        }
    }
    if (!d.file) {
        error_setg(errp, "-drive: file= is required");
        goto out;
    }
    cfg->drives[cfg->nb_drives++] = d;
    memset(&d, 0, sizeof(d));
    ok = true;
out:
    g_free(d.file);
    g_free(d.format);
    g_free(d.interface);
    g_free(d.id);
    g_free(d.media);
    g_free(d.cache);
    g_strfreev(parts);
    return ok;
}

bool vl_add_legacy_drive(VlConfig *cfg, const char *file, int index,
                         const char *media, GError **errp)
{
    char *spec = g_strdup_printf("file=%s,if=ide,index=%d,media=%s", file, index, media);
    bool ok;

    /* A comma in the file name would split the spec: refuse it clearly. */
    if (strchr(file, ',')) {
        error_setg(errp, "disk image names with ',' are not supported: '%s'", file);
        g_free(spec);
        return false;
    }
    ok = vl_parse_drive(cfg, spec, errp);
    g_free(spec);
    return ok;
}

bool vl_is_help(const char *arg)
{
    return strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0;
}

/* "NAME,k=v": NAME and the rest (g_free'd by the caller). */
void vl_split_first(const char *arg, char **first, char **rest)
{
    const char *comma = strchr(arg, ',');

    if (comma) {
        *first = g_strndup(arg, comma - arg);
        *rest = g_strdup(comma + 1);
    } else {
        *first = g_strdup(arg);
        *rest = g_strdup("");
    }
}

/* Parse "k=on|off,..." with the keys in names[] into flags[]; false + errp. */
static bool vl_parse_onoff_list(const char *opt, const char *arg, const char *const *names,
                                bool **flags, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);

    for (int i = 0; parts[i]; i++) {
        char *eq = strchr(parts[i], '=');
        int k;

        if (!parts[i][0]) {
            continue;
        }
        for (k = 0; names[k]; k++) {
            if (eq && (size_t)(eq - parts[i]) == strlen(names[k]) &&
                !strncmp(parts[i], names[k], eq - parts[i])) {
                break;
            }
        }
        if (!names[k]) {
            error_setg(errp, "-%s: unknown option '%s'", opt, parts[i]);
            return false;
        }
        if (!qdev_parse_bool(eq + 1, flags[k])) {
            error_setg(errp, "-%s: %s takes on or off, not '%s'", opt, names[k], eq + 1);
            return false;
        }
    }
    return true;
}

/* Drive letters a-p, each once (QEMU's rule; the board says which it has). */
static bool vl_parse_boot_drives(const char *key, const char *v, char out[17],
                                 GError **errp)
{
    unsigned seen = 0;

    if (strlen(v) > 16) {
        error_setg(errp, "-boot %s=%s: too many drives", key, v);
        return false;
    }
    for (const char *p = v; *p; p++) {
        if (*p < 'a' || *p > 'p') {
            error_setg(errp, "-boot %s=%s: invalid boot device '%c' (drive letters "
                       "a-p: a floppy, c disk, d CD-ROM, n network)", key, v, *p);
            return false;
        }
        if (seen & (1u << (*p - 'a'))) {
            error_setg(errp, "-boot %s=%s: boot device '%c' given twice", key, v, *p);
            return false;
        }
        seen |= 1u << (*p - 'a');
    }
    strcpy(out, v);
    return true;
}

static bool vl_parse_boot_ms(const char *key, const char *v, int min, int max, int *out,
                             GError **errp)
{
    char *end;
    long n = strtol(v, &end, 10);

    if (!*v || *end || n < min || n > max) {
        error_setg(errp, "-boot %s=%s: want a number of milliseconds from %d to %d",
                   key, v, min, max);
        return false;
    }
    *out = n;
    return true;
}

bool vl_parse_boot(VlConfig *cfg, const char *arg, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);

    for (int i = 0; parts[i]; i++) {
        char *k = parts[i], *eq = strchr(k, '=');
        const char *v = eq ? eq + 1 : NULL;

        if (eq) {
            *eq = '\0';
        }
        if (!v && i == 0) {
            v = k;                      /* -boot cd: the legacy form of order= */
            k = "order";
        }
        if (!v) {
            error_setg(errp, "-boot: '%s' is not key=value", k);
            return false;
        }
        if (!strcmp(k, "order")) {
            if (!vl_parse_boot_drives(k, v, cfg->boot_order, errp)) {
                return false;
            }
        } else if (!strcmp(k, "once")) {
            if (!vl_parse_boot_drives(k, v, cfg->boot_once, errp)) {
                return false;
            }
        } else if (!strcmp(k, "menu") || !strcmp(k, "strict")) {
            bool on;

            if (!qdev_parse_bool(v, &on)) {
                error_setg(errp, "-boot %s takes on or off, not '%s'", k, v);
                return false;
            }
            if (!strcmp(k, "strict") && on) {
                error_setg(errp, "-boot strict=on: not supported (no bootindex devices)");
                return false;
            }
            if (!strcmp(k, "menu")) {
                cfg->boot_menu = on;
            }
        } else if (!strcmp(k, "splash-time")) {
            if (!vl_parse_boot_ms(k, v, 0, 0xffff, &cfg->boot_menu_wait, errp)) {
                return false;
            }
        } else if (!strcmp(k, "reboot-timeout")) {
            if (!vl_parse_boot_ms(k, v, -1, 0xffff, &cfg->reboot_timeout, errp)) {
                return false;
            }
        } else {
            error_setg(errp, "-boot: unknown option '%s'", k);
            return false;
        }
    }
    return true;
}

/* -action: QEMU's names for -no-reboot, -no-shutdown and the panic action. */
/* -watchdog-action A, -action watchdog=A: QEMU's names (sysemu/watchdog.h). */
bool vl_parse_watchdog_action(VlConfig *cfg, const char *v, GError **errp)
{
    WatchdogAction a;

    if (!watchdog_action_parse(v, &a)) {
        error_setg(errp, "watchdog action '%s': want reset, shutdown, poweroff, pause, "
                   "debug, none or inject-nmi", v);
        return false;
    }
    cfg->watchdog_action = (int)a;
    return true;
}

bool vl_parse_action(VlConfig *cfg, const char *arg, GError **errp)
{
    /* Indexed by PanicAction. */
    static const char *const panics[] = {
        [PANIC_ACTION_SHUTDOWN] = "shutdown", [PANIC_ACTION_PAUSE] = "pause",
        [PANIC_ACTION_NONE] = "none", [PANIC_ACTION_EXIT_FAILURE] = "exit-failure",
    };
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);

    for (int i = 0; parts[i]; i++) {
        char *k = parts[i], *v = strchr(k, '=');

        if (!*k) {
            continue;
        }
        if (!v) {
            error_setg(errp, "-action: '%s' is not key=value", k);
            return false;
        }
        *v++ = '\0';
        if (!strcmp(k, "reboot") && (!strcmp(v, "reset") || !strcmp(v, "shutdown"))) {
            cfg->no_reboot = !strcmp(v, "shutdown");
        } else if (!strcmp(k, "shutdown") && (!strcmp(v, "poweroff") || !strcmp(v, "pause"))) {
            cfg->no_shutdown = !strcmp(v, "pause");
        } else if (!strcmp(k, "panic")) {
            size_t n = 0;

            while (n < ARRAY_SIZE(panics) && strcmp(v, panics[n])) {
                n++;
            }
            if (n == ARRAY_SIZE(panics)) {
                error_setg(errp, "-action panic=%s: want shutdown, pause, none or "
                           "exit-failure", v);
                return false;
            }
            cfg->panic_action = (int)n;
        } else if (!strcmp(k, "watchdog")) {
            if (!vl_parse_watchdog_action(cfg, v, errp)) {
                return false;
            }
        } else {
            error_setg(errp, "-action %s=%s: unknown action or value", k, v);
            return false;
        }
    }
    return true;
}

bool vl_parse_msg(VlConfig *cfg, const char *arg, GError **errp)
{
    static const char *const names[] = { "timestamp", "guest-name", NULL };
    bool *flags[] = { &cfg->msg_timestamp, &cfg->msg_guest_name };

    return vl_parse_onoff_list("msg", arg, names, flags, errp);
}

bool vl_parse_overcommit(VlConfig *cfg, const char *arg, GError **errp)
{
    static const char *const names[] = { "mem-lock", "cpu-pm", NULL };
    bool cpu_pm = false;
    bool *flags[] = { &cfg->mem_lock, &cpu_pm };

    if (!vl_parse_onoff_list("overcommit", arg, names, flags, errp)) {
        return false;
    }
    if (cpu_pm) {
        /* QEMU passes HLT/MWAIT to the host CPU under KVM (disable-exits). */
        error_setg(errp, "-overcommit cpu-pm=on: not supported (mimic's vCPUs always "
                   "exit on HLT)");
        return false;
    }
    return true;
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (RFC 4122's text form) into its 16 bytes,
 * in the text's order. */
bool vl_parse_uuid(const char *arg, uint8_t uuid[16], GError **errp)
{
    static const int dash_at[] = { 8, 13, 18, 23 };
    int n = 0;

    if (strlen(arg) != 36) {
        goto bad;
    }
    for (int i = 0, d = 0; i < 36; i++) {
        if (d < 4 && i == dash_at[d]) {
            if (arg[i] != '-') {
                goto bad;
            }
            d++;
            continue;
        }
        if (!g_ascii_isxdigit(arg[i]) || !g_ascii_isxdigit(arg[i + 1])) {
            goto bad;
        }
        uuid[n++] = g_ascii_xdigit_value(arg[i]) << 4 | g_ascii_xdigit_value(arg[i + 1]);
        i++;
    }
    return true;
bad:
    error_setg(errp, "-uuid %s: not a UUID (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, "
               "hexadecimal digits)", arg);
    return false;
}

bool vl_parse_machine(VlConfig *cfg, const char *arg, GError **errp)
{
    gchar **parts = g_strsplit(arg, ",", -1);
    GString *rest = g_string_new("");
    bool ok = false;

    for (gchar **p = parts; *p; p++) {
        if (!**p) {
            continue;
        }
        if (p == parts && !strchr(*p, '=')) {
            cfg->machine_name = g_intern_string(*p);
        } else if (g_str_has_prefix(*p, "type=")) {
            cfg->machine_name = g_intern_string(*p + 5);
        } else if (g_str_has_prefix(*p, "accel=")) {
            char *a, *o;

            vl_split_first(*p + 6, &a, &o);
            cfg->accel = g_intern_string(a);
            g_free(a);
            g_free(o);
        } else {
            error_setg(errp, "-machine: unsupported property '%s'", *p);
            goto out;
        }
    }
    if (cfg->machine_name && vl_is_help(cfg->machine_name)) {
        cfg->machine_help = true;
    }
    g_free(cfg->machine_opts);
    cfg->machine_opts = g_string_free(rest, false);
    rest = NULL;
    ok = true;
out:
    if (rest) {
        g_string_free(rest, true);
    }
    g_strfreev(parts);
    return ok;
}

