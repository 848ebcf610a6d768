/*
 * Unit tests for softmmu/log.c (-d item parsing with QEMU's names, -D files,
 * the help text) and softmmu/error.c (error_report format).
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <unistd.h>

Test(log, parse_qemu_item_names)
{
    unsigned m = 0;
    GError *err = NULL;

    cr_assert(mimic_log_parse("in_asm,op,op_opt,out_asm,exec,int,mmu,guest_errors,"
                              "unimp,cpu,jitstats,nochain", &m, &err));
    cr_assert_eq(m, LOG_IN_ASM | LOG_OP | LOG_OP_OPT | LOG_OUT_ASM | LOG_EXEC |
                    LOG_INT | LOG_MMU | LOG_GUEST_ERROR | LOG_UNIMP | LOG_CPU |
                    LOG_JITSTATS | LOG_NOCHAIN);
    cr_assert(mimic_log_parse("int", &m, &err));
    cr_assert_eq(m, LOG_INT, "a new list replaces the old mask");
}

Test(log, unknown_item_leaves_mask)
{
    unsigned m = LOG_INT;
    GError *err = NULL;

    cr_assert_not(mimic_log_parse("int,in-asm", &m, &err));
    cr_assert_not_null(strstr(err->message, "'in-asm'"), "%s", err->message);
    cr_assert_eq(m, LOG_INT);
    g_error_free(err);
    err = NULL;
    cr_assert_not(mimic_log_parse("", &m, &err));
    g_error_free(err);
}

Test(log, log_file_and_mask)
{
    char path[] = "/tmp/mimic-log-XXXXXX";
    int fd = mkstemp(path);
    GError *err = NULL;
    gchar *text = NULL;

    close(fd);
    cr_assert(mimic_log_set_file(path, &err));
    mimic_loglevel = LOG_GUEST_ERROR;
    mimic_log_mask(LOG_GUEST_ERROR, "bad register %d\n", 7);
    mimic_log_mask(LOG_UNIMP, "not shown\n");
    fflush(mimic_logfile);
    cr_assert(g_file_get_contents(path, &text, NULL, NULL));
    cr_assert_str_eq(text, "bad register 7\n");
    cr_assert_not(mimic_log_set_file("/nonexistent-dir/log", &err));
    cr_assert_not_null(strstr(err->message, "/nonexistent-dir/log"));
    g_clear_error(&err);
    g_free(text);
    unlink(path);
}

Test(log, help_lists_every_item)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    static const char *const names[] = { "in_asm", "op_opt", "out_asm", "exec", "int",
                                         "mmu", "guest_errors", "unimp", "cpu",
                                         "jitstats", "tbcount", "nochain" };

    mimic_log_print_items(f);
    fclose(f);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char *line = g_strdup_printf("\n%s ", names[i]);

        cr_assert_not_null(strstr(text, line), "%s missing", names[i]);
        g_free(line);
    }
    free(text);
}

Test(error, report_format, .init = cr_redirect_stderr)
{
    GError *err = NULL;

    error_report("cannot open '%s'", "x.img");
    error_setg(&err, "bad value %d", 3);
    cr_assert(g_error_matches(err, MIMIC_ERROR, 0));
    error_report_err(err);
    fflush(stderr);
    cr_assert_stderr_eq_str("mimic: cannot open 'x.img'\nmimic: bad value 3\n");
}

/* -dfilter ranges: the three forms, inclusive ends, several ranges, no filter. */
Test(log, dfilter_ranges)
{
    GError *err = NULL;
    GArray *r = mimic_log_parse_ranges("0x1000+0x100,0x8000..0x8010,0x20-0x10", &err);

    cr_assert_not_null(r, "%s", err ? err->message : "");
    cr_assert(mimic_log_in_range(0x12345), "no filter installed yet: everything logs");
    mimic_log_set_ranges(r);
    g_array_unref(r);
    cr_assert(mimic_log_in_range(0x1000));
    cr_assert(mimic_log_in_range(0x10ff));
    cr_assert_not(mimic_log_in_range(0x1100));
    cr_assert_not(mimic_log_in_range(0xfff));
    cr_assert(mimic_log_in_range(0x8010));
    cr_assert_not(mimic_log_in_range(0x8011));
    cr_assert(mimic_log_in_range(0x11) && mimic_log_in_range(0x20));
    cr_assert_not(mimic_log_in_range(0x10) || mimic_log_in_range(0x21));
    mimic_log_set_ranges(NULL);
    cr_assert(mimic_log_in_range(0x10));
    /* Ranges that wrap are clipped, not turned around. */
    r = mimic_log_parse_ranges("0xffffffffffffff00+0x1000,0x10-0x100", &err);
    cr_assert_not_null(r);
    mimic_log_set_ranges(r);
    g_array_unref(r);
    cr_assert(mimic_log_in_range(UINT64_MAX) && mimic_log_in_range(0));
    cr_assert_not(mimic_log_in_range(0x11) || mimic_log_in_range(0xfffffffffffffeff));
    mimic_log_set_ranges(NULL);
    cr_assert_null(mimic_log_parse_ranges("", &err));
    cr_assert_not_null(strstr(err->message, "no address range"));
    g_error_free(err);
}
