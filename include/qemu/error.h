/*
 * Host and configuration errors: functions return false/NULL/-errno and fill a
 * GError **errp once. Guest-caused oddities are logged instead (qemu/log.h).
 */
#ifndef MIMIC_ERROR_H
#define MIMIC_ERROR_H

#include <glib.h>

GQuark mimic_error_quark(void);
#define MIMIC_ERROR mimic_error_quark()

#define error_setg(errp, ...) \
    g_set_error((errp), MIMIC_ERROR, 0, __VA_ARGS__)
#define error_setg_errno(errp, err, fmt, ...) \
    g_set_error((errp), MIMIC_ERROR, 0, fmt ": %s", ##__VA_ARGS__, g_strerror(err))

/* Print "mimic: <message>" to stderr and free the error. */
void error_report_err(GError *err);
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -msg timestamp=on, guest-name=on: prefix each message with the UTC time
 * (ISO 8601, microseconds) and the guest's -name (NULL: none). */
void error_set_message_options(bool timestamp, const char *guest_name);

#endif
