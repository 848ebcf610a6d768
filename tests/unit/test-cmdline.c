/*
 * Unit tests for the command-line parser (softmmu/vl.c, vl_parse_args): good
 * options land in VlConfig, bad ones give clear errors, -m sizes, help requests.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "sysemu/vl.h"
#include "sysemu/watchdog.h"
#include "sysemu/runstate.h"

static bool parse(VlConfig *cfg, GError **err, const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    va_list ap;
    bool ok;

    g_ptr_array_add(argv, "mimic");
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        g_ptr_array_add(argv, (gpointer)a);
    }
    va_end(ap);
    ok = vl_parse_args(argv->len, (char **)argv->pdata, cfg, err);
    /* the config points into argv strings, which are literals: keep no array */
    g_ptr_array_free(argv, true);
    return ok;
}

static void expect_error(const char *needle, const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    GError *err = NULL;
    VlConfig cfg;
    va_list ap;

    g_ptr_array_add(argv, "mimic");
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        g_ptr_array_add(argv, (gpointer)a);
    }
    va_end(ap);
    cr_assert_not(vl_parse_args(argv->len, (char **)argv->pdata, &cfg, &err),
                  "'%s ...' was accepted", first);
    cr_assert_not_null(err);
    cr_assert_not_null(strstr(err->message, needle), "'%s': got \"%s\"", first,
                       err->message);
    g_error_free(err);
    vl_config_free(&cfg);
    g_ptr_array_free(argv, true);
}

Test(cmdline, defaults)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, NULL));
    cr_assert_null(cfg.machine_name);
    cr_assert_eq(cfg.ram_size, 0);
    cr_assert_eq(cfg.smp, 1);
    cr_assert_str_eq(cfg.accel, "tcg");
    cr_assert_str_eq(cfg.accel_opts, "");
    cr_assert_str_eq(cfg.append, "");
    cr_assert_eq(cfg.serial->len, 0);
    cr_assert_not(cfg.nographic);
    vl_config_free(&cfg);
}

Test(cmdline, typical_boot_line)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, "-M", "malta", "-m", "256", "-kernel", "vmlinux",
                    "-initrd", "initrd.gz", "-append", "console=ttyS0 panic=1",
                    "-nographic", "-no-reboot", "-cpu", "24Kf", NULL),
              "%s", err ? err->message : "");
    cr_assert_str_eq(cfg.machine_name, "malta");
    cr_assert_eq(cfg.ram_size, 256ULL << 20);
    cr_assert_str_eq(cfg.kernel, "vmlinux");
    cr_assert_str_eq(cfg.initrd, "initrd.gz");
    cr_assert_str_eq(cfg.append, "console=ttyS0 panic=1");
    cr_assert(cfg.nographic);
    cr_assert(cfg.no_reboot);
    cr_assert_str_eq(cfg.cpu_model, "24Kf");
    vl_config_free(&cfg);
}

Test(cmdline, double_dash_and_repeatable_options)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, "--machine", "pc,accel=tcg", "--serial", "stdio",
                    "-serial", "none", "-serial", "file:/tmp/s2", "-chardev",
                    "socket,id=c0,path=/tmp/s,server=on,wait=off", "-device",
                    "isa-debug-exit,iobase=0xf4", "-device", "e1000", "-S", "-smp",
                    "cpus=2", "-name", "guest=vm1", "-D", "/tmp/log", "-d",
                    "in_asm,int,guest_errors", "-accel", "tcg,tb-size=64",
                    "-display", "none", "-vga", "none", "-nodefaults", "-monitor",
                    "none", "-bios", "yamon.bin", NULL),
              "%s", err ? err->message : "");
    cr_assert_str_eq(cfg.machine_name, "pc");
    cr_assert_eq(cfg.serial->len, 3);
    cr_assert_str_eq(g_ptr_array_index(cfg.serial, 1), "none");
    cr_assert_eq(cfg.chardevs->len, 1);
    cr_assert_eq(cfg.devices->len, 2);
    cr_assert_str_eq(g_ptr_array_index(cfg.devices, 0), "isa-debug-exit,iobase=0xf4");
    cr_assert(cfg.start_paused);
    cr_assert_eq(cfg.smp, 2);
    cr_assert_str_eq(cfg.name, "vm1");
    cr_assert_str_eq(cfg.log_file, "/tmp/log");
    cr_assert_eq(cfg.log_mask, LOG_IN_ASM | LOG_INT | LOG_GUEST_ERROR);
    cr_assert_str_eq(cfg.accel, "tcg");
    cr_assert_str_eq(cfg.accel_opts, "tb-size=64");
    cr_assert(cfg.display_none);
    cr_assert(cfg.nodefaults);
    cr_assert_str_eq(cfg.monitor, "none");
    cr_assert_str_eq(cfg.bios, "yamon.bin");
    vl_config_free(&cfg);
}

Test(cmdline, kvm_spellings)
{
    VlConfig cfg;

    cr_assert(parse(&cfg, NULL, "-enable-kvm", NULL));
    cr_assert_str_eq(cfg.accel, "kvm");
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, NULL, "-accel", "kvm", NULL));
    cr_assert_str_eq(cfg.accel, "kvm");
    vl_config_free(&cfg);
}

Test(cmdline, ram_sizes)
{
    uint64_t v;
    GError *err = NULL;

    cr_assert(vl_parse_ram_size("128", &v, &err));
    cr_assert_eq(v, 128ULL << 20, "plain number is MiB");
    cr_assert(vl_parse_ram_size("1G", &v, &err));
    cr_assert_eq(v, 1ULL << 30);
    cr_assert(vl_parse_ram_size("512M", &v, &err));
    cr_assert_eq(v, 512ULL << 20);
    cr_assert(vl_parse_ram_size("65536k", &v, &err));
    cr_assert_eq(v, 64ULL << 20);
    cr_assert(vl_parse_ram_size("size=2G", &v, &err));
    cr_assert_eq(v, 2ULL << 30);
    cr_assert(vl_parse_ram_size("1.5G", &v, &err));
    cr_assert_eq(v, 3ULL << 29);
    cr_assert_not(vl_parse_ram_size("0", &v, NULL));
    cr_assert_not(vl_parse_ram_size("-5", &v, NULL));
    cr_assert_not(vl_parse_ram_size("12Q", &v, NULL));
    cr_assert_not(vl_parse_ram_size("", &v, NULL));
    cr_assert_not(vl_parse_ram_size("size=", &v, NULL));
    cr_assert_not(vl_parse_ram_size("99999999999T", &v, NULL));
    cr_assert_not(vl_parse_ram_size("256,slots=4", &v, NULL));
}

Test(cmdline, drives)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, "-drive", "file=disk.qcow2,format=qcow2,if=ide,index=1",
                    "-hda", "a.img", "-cdrom", "cd.iso", "-snapshot", NULL),
              "%s", err ? err->message : "");
    cr_assert_eq(cfg.nb_drives, 3);
    cr_assert_str_eq(cfg.drives[0].file, "disk.qcow2");
    cr_assert_str_eq(cfg.drives[0].format, "qcow2");
    cr_assert_eq(cfg.drives[0].index, 1);
    cr_assert_str_eq(cfg.drives[1].file, "a.img");
    cr_assert_eq(cfg.drives[1].index, 0);
    cr_assert_str_eq(cfg.drives[2].media, "cdrom");
    cr_assert_eq(cfg.drives[2].index, 2);
    cr_assert(cfg.snapshot);
    vl_config_free(&cfg);
}

Test(cmdline, help_requests)
{
    VlConfig cfg;

    cr_assert(parse(&cfg, NULL, "-M", "help", "-cpu", "help", "-d", "help", "-accel",
                    "help", "-device", "help", "-h", "-version", NULL));
    cr_assert(cfg.machine_help);
    cr_assert(cfg.cpu_help);
    cr_assert(cfg.log_help);
    cr_assert(cfg.accel_help);
    cr_assert(cfg.device_help);
    cr_assert(cfg.help);
    cr_assert(cfg.version);
    vl_config_free(&cfg);
}

Test(cmdline, bad_options)
{
    expect_error("unsupported option '-frobnicate'", "-frobnicate", NULL);
    expect_error("unsupported option '--usb'", "--usb", NULL);
    expect_error("requires an argument", "-kernel", NULL);
    expect_error("requires an argument", "-m", NULL);
    expect_error("invalid RAM size", "-m", "lots", NULL);
    expect_error("invalid CPU count", "-smp", "0", NULL);
    expect_error("invalid CPU count", "-smp", "1000", NULL);
    expect_error("invalid CPU count", "-smp", "two", NULL);
    expect_error("unsupported option", "-smp", "4,dies=2", NULL);
    expect_error("unknown log item 'bogus'", "-d", "in_asm,bogus", NULL);
    expect_error("-dfilter: bad start address", "-dfilter", "pc+4", NULL);
    expect_error("-dfilter: bad size", "-dfilter", "0x1000+lots", NULL);
    expect_error("not START+SIZE", "-dfilter", "0x1000", NULL);
    expect_error("ends before it starts", "-dfilter", "0x2000..0x1000", NULL);
    expect_error("empty range", "-dfilter", "0x2000+0", NULL);
    expect_error("not supported", "-display", "gtk", NULL);
    expect_error("only -vga none", "-vga", "std", NULL);
    expect_error("file= is required", "-drive", "if=ide", NULL);
    expect_error("invalid index", "-drive", "file=x,index=99", NULL);
    expect_error("unknown option 'bogus'", "-drive", "file=x,bogus=1", NULL);
    expect_error("media must be", "-drive", "file=x,media=tape", NULL);
    expect_error("unsupported property", "-M", "malta,frob=1", NULL);
    expect_error("-append only allowed with -kernel", "-append", "quiet", NULL);
    expect_error("-initrd only allowed with -kernel", "-initrd", "r.gz", NULL);
    expect_error("too many serial ports", "-serial", "null", "-serial", "null",
                 "-serial", "null", "-serial", "null", "-serial", "null", NULL);
}

/* ---- the whole start-up sequence, on the "none" machine ---- */

#include "qemu/timer.h"
#include "sysemu/runstate.h"

static void exit_soon(void *opaque)
{
    qemu_system_exit_request(*(int *)opaque);
}

static int run_vl(const char *first, ...)
{
    GPtrArray *argv = g_ptr_array_new();
    va_list ap;
    int status;

    g_ptr_array_add(argv, "mimic");
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        g_ptr_array_add(argv, (gpointer)a);
    }
    va_end(ap);
    status = vl_main(argv->len, (char **)argv->pdata);
    g_ptr_array_free(argv, true);
    return status;
}

Test(vl_main, runs_none_machine_until_exit_request)
{
    static int code = 7;
    Timer *t = timer_new_ns(CLOCK_REALTIME, exit_soon, &code);

    timer_mod(t, clock_get_ns(CLOCK_REALTIME) + 20 * 1000 * 1000);
    cr_assert_eq(run_vl("-M", "none", "-display", "none", "-m", "16", NULL), 7);
    cr_assert_eq(runstate_get(), RUN_STATE_SHUTDOWN);
    timer_free(t);
}

/* Errors found before the accelerator is set up: several per process are fine. */
Test(vl_main, bad_command_lines_exit_1)
{
    cr_assert_eq(run_vl("-nonsense", NULL), 1);
    cr_assert_eq(run_vl("-M", "no-such-board", NULL), 1);
    cr_assert_eq(run_vl("-M", "none", "-accel", "no-such-accel", NULL), 1);
    cr_assert_eq(run_vl("-M", "none", "-device", "no-such-device", NULL), 1);
    cr_assert_eq(run_vl("-M", "none", "-cpu", "no-such-cpu", NULL), 1);
}

/* Errors after accelerator set-up: one per process (Criterion forks each test). */
Test(vl_main, bad_global_property_exits_1)
{
    cr_assert_eq(run_vl("-M", "none", "-global", "isa-debugcon.nosuch=1", NULL), 1);
}

Test(vl_main, bad_global_syntax_exits_1)
{
    cr_assert_eq(run_vl("-M", "none", "-global", "isa-debugcon", NULL), 1);
}

Test(vl_main, monitor_not_built_yet_exits_1)
{
    cr_assert_eq(run_vl("-M", "none", "-monitor", "stdio", NULL), 1);
}

Test(vl_main, bad_serial_exits_1)
{
    cr_assert_eq(run_vl("-M", "none", "-serial", "bogus:", "-display", "none", NULL), 1);
}

Test(vl_main, too_much_ram_exits_1)
{
    cr_assert_eq(run_vl("-M", "none", "-m", "8G", "-display", "none", NULL), 1);
}

Test(vl_main, help_exits_0)
{
    cr_assert_eq(run_vl("-version", NULL), 0);
    cr_assert_eq(run_vl("-M", "help", NULL), 0);
    cr_assert_eq(run_vl("-d", "help", NULL), 0);
}

Test(cmdline, rtc_options)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, NULL));
    cr_assert_eq(cfg.rtc_base, VL_RTC_UTC, "UTC by default");
    cr_assert_not(cfg.rtc_clock_vm, "following the host by default, as QEMU's");
    vl_config_free(&cfg);

    cr_assert(parse(&cfg, &err, "-rtc", "base=localtime,clock=vm,driftfix=slew", NULL),
              "%s", err ? err->message : "");
    cr_assert_eq(cfg.rtc_base, VL_RTC_LOCALTIME);
    cr_assert(cfg.rtc_clock_vm);
    vl_config_free(&cfg);

    cr_assert(parse(&cfg, &err, "-rtc", "base=2006-06-17T16:01:21,clock=rt", NULL),
              "%s", err ? err->message : "");
    cr_assert_eq(cfg.rtc_base, VL_RTC_DATE);
    cr_assert_eq(cfg.rtc_date, 1150560081);
    cr_assert_not(cfg.rtc_clock_vm);
    vl_config_free(&cfg);

    cr_assert(parse(&cfg, &err, "-rtc", "base=2006-06-17", NULL));
    cr_assert_eq(cfg.rtc_date, 1150502400);
    vl_config_free(&cfg);

    const char *bad[] = { "base=yesterday", "base=2006-13-01", "base=2006-06-17T25:00:00",
                          "base=2006-06-17T16:01:21x", "base=2006-06-17T16:01",
                          "clock=wall", "driftfix=fast", "foo=bar" };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        cr_assert_not(parse(&cfg, &err, "-rtc", bad[i], NULL), "accepted -rtc %s", bad[i]);
        cr_assert_not_null(err);
        cr_assert(strstr(err->message, "-rtc"), "%s", err->message);
        g_clear_error(&err);
        vl_config_free(&cfg);
    }
}

Test(cmdline, global)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, "-global", "isa-debugcon.iobase=0x402", "-global",
                    "driver=PIIX4_PM,property=disable_s3,value=1", NULL),
              "%s", err ? err->message : "");
    cr_assert_eq(cfg.globals->len, 2, "kept in order for vl_main");
    cr_assert_str_eq(g_ptr_array_index(cfg.globals, 0), "isa-debugcon.iobase=0x402");
    vl_config_free(&cfg);
}

Test(cmdline, uuid)
{
    static const uint8_t want[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
                                      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    static const uint8_t zero[16];
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, NULL));
    cr_assert_arr_eq(cfg.uuid, zero, 16, "all zero without -uuid, as in QEMU");
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-uuid", "12345678-9ABC-def0-1122-334455667788", NULL),
              "%s", err ? err->message : "");
    cr_assert_arr_eq(cfg.uuid, want, 16);
    vl_config_free(&cfg);
    expect_error("not a UUID", "-uuid", "12345678-9abc-def0-1122-33445566778", NULL);
    expect_error("not a UUID", "-uuid", "12345678-9abc-def0-1122-3344556677889", NULL);
    expect_error("not a UUID", "-uuid", "12345678x9abc-def0-1122-334455667788", NULL);
    expect_error("not a UUID", "-uuid", "1234567g-9abc-def0-1122-334455667788", NULL);
    expect_error("not a UUID", "-uuid", "", NULL);
}

Test(cmdline, process_options)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, "-daemonize", "-pidfile", "/run/x.pid", "-no-user-config",
                    "-nodefconfig", "-msg", "timestamp=on,guest-name=on", "-L", "/a",
                    "-L", "/b", "-parallel", "none", "-overcommit", "mem-lock=on,cpu-pm=off",
                    NULL), "%s", err ? err->message : "");
    cr_assert(cfg.daemonize);
    cr_assert_str_eq(cfg.pidfile, "/run/x.pid");
    cr_assert(cfg.msg_timestamp);
    cr_assert(cfg.msg_guest_name);
    cr_assert_eq(cfg.bios_dirs->len, 2);
    cr_assert_str_eq(g_ptr_array_index(cfg.bios_dirs, 1), "/b");
    cr_assert(cfg.mem_lock);
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-msg", "timestamp=off", "-overcommit", "mem-lock=off", NULL));
    cr_assert_not(cfg.msg_timestamp);
    cr_assert_not(cfg.mem_lock);
    vl_config_free(&cfg);
    expect_error("unknown option 'color=on'", "-msg", "color=on", NULL);
    expect_error("takes on or off", "-msg", "timestamp=maybe", NULL);
    expect_error("unknown option 'timestamp'", "-msg", "timestamp", NULL);
    expect_error("no parallel port", "-parallel", "/dev/lp0", NULL);
    expect_error("cpu-pm=on: not supported", "-overcommit", "cpu-pm=on", NULL);
}

Test(cmdline, boot)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, NULL));
    cr_assert_str_eq(cfg.boot_order, "", "the board's default order");
    cr_assert_eq(cfg.reboot_timeout, -1);
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-boot", "dc", NULL), "%s", err ? err->message : "");
    cr_assert_str_eq(cfg.boot_order, "dc", "legacy form");
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-boot", "order=cdn,once=d,menu=on,splash-time=3000,"
                    "reboot-timeout=5000,strict=off", NULL), "%s", err ? err->message : "");
    cr_assert_str_eq(cfg.boot_order, "cdn");
    cr_assert_str_eq(cfg.boot_once, "d");
    cr_assert(cfg.boot_menu);
    cr_assert_eq(cfg.boot_menu_wait, 3000);
    cr_assert_eq(cfg.reboot_timeout, 5000);
    vl_config_free(&cfg);
    expect_error("invalid boot device 'z'", "-boot", "order=cz", NULL);
    expect_error("given twice", "-boot", "cc", NULL);
    expect_error("takes on or off", "-boot", "menu=maybe", NULL);
    expect_error("milliseconds", "-boot", "splash-time=-5", NULL);
    expect_error("milliseconds", "-boot", "reboot-timeout=x", NULL);
    expect_error("unknown option 'color'", "-boot", "color=on", NULL);
    expect_error("strict=on: not supported", "-boot", "strict=on", NULL);
}

Test(cmdline, action)
{
    VlConfig cfg;
    GError *err = NULL;

    cr_assert(parse(&cfg, &err, NULL));
    cr_assert_eq(cfg.panic_action, PANIC_ACTION_SHUTDOWN, "QEMU's default");
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-action", "reboot=shutdown,shutdown=pause,panic=pause",
                    NULL), "%s", err ? err->message : "");
    cr_assert(cfg.no_reboot);
    cr_assert(cfg.no_shutdown);
    cr_assert_eq(cfg.panic_action, PANIC_ACTION_PAUSE);
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-action", "panic=exit-failure", NULL));
    cr_assert_eq(cfg.panic_action, PANIC_ACTION_EXIT_FAILURE);
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-action", "panic=none,reboot=reset", NULL));
    cr_assert_eq(cfg.panic_action, PANIC_ACTION_NONE);
    cr_assert_not(cfg.no_reboot);
    vl_config_free(&cfg);
    expect_error("want shutdown, pause, none", "-action", "panic=explode", NULL);
    cr_assert_eq(cfg.watchdog_action, WATCHDOG_ACTION_RESET, "QEMU's default");
    cr_assert(parse(&cfg, &err, "-action", "watchdog=inject-nmi", NULL));
    cr_assert_eq(cfg.watchdog_action, WATCHDOG_ACTION_INJECT_NMI);
    vl_config_free(&cfg);
    cr_assert(parse(&cfg, &err, "-watchdog-action", "pause", NULL));
    cr_assert_eq(cfg.watchdog_action, WATCHDOG_ACTION_PAUSE);
    vl_config_free(&cfg);
    expect_error("want reset, shutdown, poweroff", "-action", "watchdog=explode", NULL);
    expect_error("want reset, shutdown, poweroff", "-watchdog-action", "reboot", NULL);
    expect_error("unknown action", "-action", "reboot=maybe", NULL);
    expect_error("not key=value", "-action", "panic", NULL);
}

/* -dfilter keeps its ranges (the last one given wins, as for -d). */
Test(cmdline, dfilter_ranges)
{
    VlConfig cfg;
    LogRange *r;

    cr_assert(parse(&cfg, NULL, "-dfilter", "0x10..0x20", "-dfilter",
                    "0x80001000+0x100,0x4000-0x10", NULL));
    cr_assert_not_null(cfg.log_ranges);
    cr_assert_eq(cfg.log_ranges->len, 2);
    r = &g_array_index(cfg.log_ranges, LogRange, 0);
    cr_assert(r->lo == 0x80001000 && r->hi == 0x800010ff);
    r = &g_array_index(cfg.log_ranges, LogRange, 1);
    cr_assert(r->lo == 0x3ff1 && r->hi == 0x4000);
    vl_config_free(&cfg);
}
