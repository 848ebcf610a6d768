/*
 * Host and configuration error reporting: the GError domain every part of mimic
 * fills, and the "mimic: ..." lines printed for the user.
 */
#include "qemu/osdep.h"
#include <stdarg.h>

GQuark mimic_error_quark(void)
{
    return g_quark_from_static_string("mimic-error-quark");
}

static bool msg_timestamp;
static const char *msg_guest_name;

void error_set_message_options(bool timestamp, const char *guest_name)
{
    msg_timestamp = timestamp;
    msg_guest_name = guest_name;
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    /* stdout may share the terminal: flush it so the message lands in order. */
    fflush(stdout);
    if (msg_timestamp) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc();
        g_autofree char *ts = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S.%fZ ");

        fputs(ts, stderr);
    }
    if (msg_guest_name) {
        fprintf(stderr, "%s ", msg_guest_name);
    }
    fputs("mimic: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void error_report_err(GError *err)
{
    if (!err) {
        return;
    }
    error_report("%s", err->message);
    g_error_free(err);
}
