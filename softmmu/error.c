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

void error_report(const char *fmt, ...)
{
    va_list ap;

    /* stdout may share the terminal: flush it so the message lands in order. */
    fflush(stdout);
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
