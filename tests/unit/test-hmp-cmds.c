/*
 * Unit tests for the human monitor's commands (softmmu/monitor/hmp-cmds.c and
 * hmp-dump.c) through hmp_execute: run-state control, info, x/xp in every format
 * with QEMU's layout, /i through Capstone, memsave/pmemsave, log, address
 * expressions, removable media (info block, change, eject), user networking
 * (hostfwd_add/remove, set_link), and errors for bad input.
 */
#include "qemu/osdep.h"
#include <capstone/capstone.h>
#include <criterion/criterion.h>
#include "sysemu/watchdog.h"
#include "monitor/monitor.h"
#include "exec/memory.h"
#include "hw/core/cpu.h"
#include "sysemu/runstate.h"
#include "qemu/log.h"
#include "block/block-backend.h"
#include "net/net.h"
#include "net/slirp.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define RAM_SIZE (64 * 1024)
#define VIRT_BASE 0x80000000u     /* virtual = physical + VIRT_BASE, like kseg0 */

typedef struct TestCPU {
    CPUState cs;
    uint32_t pc;
} TestCPU;

static hwaddr testcpu_phys_page(CPUState *cpu, vaddr addr)
{
    if (addr < VIRT_BASE || addr - VIRT_BASE >= RAM_SIZE) {
        return -1;
    }
    return addr - VIRT_BASE;
}

static vaddr testcpu_get_pc(CPUState *cpu)
{
    return ((TestCPU *)cpu)->pc;
}

static void testcpu_dump(CPUState *cpu, FILE *f, int flags)
{
    fprintf(f, "pc=0x%08x\n", ((TestCPU *)cpu)->pc);
}

static const CPUClass testcpu_class = {
    .arch_name = "test",
    .model_name = "testcpu",
    .state_size = sizeof(TestCPU),
    .get_phys_page_debug = testcpu_phys_page,
    .get_pc = testcpu_get_pc,
    .dump_state = testcpu_dump,
    .disas_arch = CS_ARCH_MIPS,
    .disas_mode = CS_MODE_MIPS32 | CS_MODE_LITTLE_ENDIAN,
};

static MemoryRegion ram;
static TestCPU *cpu;

/* Run a command; return its output (g_free) and whether it succeeded. */
static char *run(const char *cmd, bool *ok)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    bool r;
    char *copy;

    cr_assert_not_null(out);
    r = hmp_execute(cmd, out);
    fclose(out);
    copy = g_strdup(text);
    free(text);
    if (ok) {
        *ok = r;
    }
    return copy;
}

static void expect(const char *cmd, const char *want)
{
    bool ok;
    g_autofree char *out = run(cmd, &ok);

    cr_assert(ok, "'%s' failed: %s", cmd, out);
    cr_assert_str_eq(out, want, "'%s'", cmd);
}

static void expect_error(const char *cmd, const char *part)
{
    bool ok;
    g_autofree char *out = run(cmd, &ok);

    cr_assert_not(ok, "'%s' succeeded: %s", cmd, out);
    cr_assert(strstr(out, part), "'%s' said '%s', wanted '%s'", cmd, out, part);
}

static void setup(void)
{
    GError *err = NULL;
    static const uint32_t words[] = {
        0x3c1c8060,    /* lui gp, 0x8060 */
        0x279c1234,    /* addiu gp, gp, 0x1234 */
        0x03e00008,    /* jr ra */
        0x00000000,    /* nop */
    };

    cr_assert(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    cpu = (TestCPU *)cpu_create(&testcpu_class, &address_space_memory);
    cr_assert_not_null(cpu);
    cpu->pc = VIRT_BASE + 0x100;
    memcpy(ram.ram_ptr + 0x100, words, sizeof(words));
    memcpy(ram.ram_ptr + 0x200, "Hi!\n\x01'\\", 8);
}

TestSuite(hmp, .init = setup);

Test(hmp, stop_cont_and_info_status)
{
    vm_start();
    expect("info status", "VM status: running\n");
    expect("stop", "");
    expect("info status", "VM status: paused\n");
    cr_assert_eq(runstate_get(), RUN_STATE_PAUSED);
    expect("c", "");
    cr_assert(runstate_is_running());
    expect("s", "");
    cr_assert_eq(runstate_get(), RUN_STATE_PAUSED);
}

Test(hmp, unknown_commands_and_items)
{
    expect_error("frobnicate 1 2", "unknown command: 'frobnicate'");
    expect_error("info nonsense", "unknown item 'nonsense'");
    expect_error("stop/x", "takes no /format");
    expect("", "");
    expect("   ", "");
}

Test(hmp, help_lists_the_commands)
{
    g_autofree char *out = run("help", NULL);
    g_autofree char *one = run("help savevm", NULL);

    cr_assert(strstr(out, "savevm [tag] -- save a VM snapshot"));
    cr_assert(strstr(out, "xp /fmt addr"));
    cr_assert(strstr(one, "savevm"));
    cr_assert_null(strstr(one, "loadvm"));
}

Test(hmp, x_words_bytes_and_halves)
{
    expect("x/4x 0x80000100",
           "80000100: 0x3c1c8060 0x279c1234 0x03e00008 0x00000000\n");
    expect("xp/2x 0x104", "0000000000000104: 0x279c1234 0x03e00008\n");
    expect("xp/10xb 0x100",
           "0000000000000100: 0x60 0x80 0x1c 0x3c 0x34 0x12 0x9c 0x27\n"
           "0000000000000108: 0x08 0x00\n");
    expect("xp/2xh 0x100", "0000000000000100: 0x8060 0x3c1c\n");
    expect("xp/1xg 0x100", "0000000000000100: 0x279c12343c1c8060\n");
    expect("xp/2d 0x108", "0000000000000108:   65011720          0\n");
    expect("xp/1ub 0x100", "0000000000000100:  96\n");
    expect("xp/1ob 0x100", "0000000000000100: 0140\n");
    expect("xp/1tb 0x100", "0000000000000100: 01100000\n");
}

Test(hmp, x_chars_are_quoted)
{
    expect("xp/8c 0x200",
           "0000000000000200: 'H' 'i' '!' '\\n' '\\x01' '\\'' '\\\\' '\\x00'\n");
}

Test(hmp, x_expressions_and_pc)
{
    expect("x/1x $pc", "80000100: 0x3c1c8060\n");
    expect("x/1x $pc + 4", "80000104: 0x279c1234\n");
    expect("x/1x 0x80000108-4", "80000104: 0x279c1234\n");
    expect_error("x/1x $sp", "unknown register");
    expect_error("x/1x 0x80000100 +", "ends after an operator");
    expect_error("x/1x zzz", "invalid number");
}

Test(hmp, x_unmapped_and_bad_format)
{
    g_autofree char *out = NULL;
    bool ok;

    out = run("x/1x 0x10", &ok);
    cr_assert_not(ok);
    cr_assert_str_eq(out, "00000010: Cannot access memory\n");
    expect_error("x/4q 0x80000000", "invalid char in format: 'q'");
    expect_error("x/0x 0x80000000", "invalid count");
    expect_error("x/4x", "usage");
}

Test(hmp, x_i_disassembles_with_capstone)
{
    g_autofree char *out = run("x/3i $pc", NULL);

    cr_assert(strstr(out, "lui"), "%s", out);
    cr_assert(strstr(out, "addiu"), "%s", out);
    cr_assert(strstr(out, "jr"), "%s", out);
    cr_assert(strstr(out, "0x80000100"), "%s", out);
}

Test(hmp, memsave_and_pmemsave_write_the_bytes)
{
    g_autofree char *dir = g_dir_make_tmp("hmp-XXXXXX", NULL);
    g_autofree char *f1 = g_build_filename(dir, "v.bin", NULL);
    g_autofree char *f2 = g_build_filename(dir, "p.bin", NULL);
    g_autofree char *c1 = g_strdup_printf("memsave 0x80000100 16 %s", f1);
    g_autofree char *c2 = g_strdup_printf("pmemsave 0x100 16 %s", f2);
    g_autofree char *bad = g_strdup_printf("memsave 0x8000fff0 0x20 %s", f1);
    gchar *d1, *d2;
    gsize l1, l2;

    expect(c1, "");
    expect(c2, "");
    cr_assert(g_file_get_contents(f1, &d1, &l1, NULL));
    cr_assert(g_file_get_contents(f2, &d2, &l2, NULL));
    cr_assert_eq(l1, 16);
    cr_assert(memcmp(d1, ram.ram_ptr + 0x100, 16) == 0);
    cr_assert(l1 == l2 && memcmp(d1, d2, 16) == 0);
    g_free(d1);
    g_free(d2);
    expect_error(bad, "Invalid addr");
    expect_error("memsave 1 2", "usage");
    unlink(f1);
    unlink(f2);
    rmdir(dir);
}

/* Double quotes keep blanks in one argument (QEMU's `migrate "exec:gzip -c > f"`),
 * \" and \\ inside them are a quote and a backslash. */
Test(hmp, quoted_arguments)
{
    g_autofree char *dir = g_dir_make_tmp("hmp-XXXXXX", NULL);
    g_autofree char *f = g_build_filename(dir, "a b\"c.bin", NULL);
    g_autofree char *cmd = g_strdup_printf("memsave 0x80000100 16 \"%s/a b\\\"c.bin\"",
                                           dir);
    gchar *d;
    gsize l;

    expect(cmd, "");
    cr_assert(g_file_get_contents(f, &d, &l, NULL), "no file '%s'", f);
    cr_assert_eq(l, 16);
    g_free(d);
    unlink(f);
    rmdir(dir);
    expect_error("memsave 0x80000100 16 \"unterminated", "unterminated string");
}

Test(hmp, watchdog_action_sets_the_action)
{
    expect("watchdog_action pause", "");
    cr_assert_eq(watchdog_get_action(), WATCHDOG_ACTION_PAUSE);
    expect("watchdog_action inject-nmi", "");
    cr_assert_eq(watchdog_get_action(), WATCHDOG_ACTION_INJECT_NMI);
    expect_error("watchdog_action explode", "unknown action");
    expect_error("watchdog_action", "usage");
    cr_assert_eq(watchdog_get_action(), WATCHDOG_ACTION_INJECT_NMI);
}

Test(hmp, info_registers_and_cpus)
{
    g_autofree char *cpus = run("info cpus", NULL);

    expect("info registers", "pc=0x80000100\n");
    cr_assert(g_str_has_prefix(cpus, "* CPU #0: pc=0x80000100"), "%s", cpus);
    expect_error("cpu 5", "invalid CPU index");
    expect("cpu 0", "");
}

Test(hmp, log_sets_and_clears_items)
{
    expect("log guest_errors,unimp", "");
    cr_assert_eq(mimic_loglevel, LOG_GUEST_ERROR | LOG_UNIMP);
    expect("log none", "");
    cr_assert_eq(mimic_loglevel, 0);
    expect_error("log bogus", "bogus");
}

static int keys[8], nkeys;

static void record_key(void *opaque, int code, bool down)
{
    keys[nkeys++] = down ? code : -code;
}

Test(hmp, sendkey_presses_then_releases_in_reverse)
{
    expect_error("sendkey ctrl-alt-delete", "no keyboard");
    monitor_register_keyboard(record_key, NULL);
    expect("sendkey ctrl-alt-delete", "");
    cr_assert_eq(nkeys, 6);
    cr_assert_eq(keys[0], 0x1d);
    cr_assert_eq(keys[1], 0x38);
    cr_assert_eq(keys[2], 0xe053);
    cr_assert_eq(keys[3], -0xe053);
    cr_assert_eq(keys[5], -0x1d);
    expect_error("sendkey ctrl-nosuchkey", "unknown key 'nosuchkey'");
}

Test(hmp, snapshot_commands_explain_missing_store)
{
    expect_error("savevm s1", "-snapshot-store");
    expect_error("info snapshots", "-snapshot-store");
    expect_error("loadvm", "usage");
}

Test(hmp, completion_of_command_names)
{
    g_auto(GStrv) m = hmp_complete("sys");
    g_auto(GStrv) all = hmp_complete("");

    cr_assert_eq(g_strv_length(m), 2);
    cr_assert_str_eq(m[0], "system_powerdown");
    cr_assert_str_eq(m[1], "system_reset");
    cr_assert_gt(g_strv_length(all), 15);
}

/* ---- block and network commands ---- */

static char *make_image(const char *name, size_t size)
{
    char *dir = g_dir_make_tmp("hmp-test.XXXXXX", NULL);
    char *path = g_build_filename(dir, name, NULL);
    g_autofree char *zero = g_malloc0(size);

    cr_assert_not_null(dir);
    cr_assert(g_file_set_contents(path, zero, size, NULL));
    g_free(dir);
    return path;
}

/* Remove an image of make_image and its directory (they used to pile up in /tmp). */
static void remove_image(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(rmdir(dir), 0);
}

static BlockBackend *open_drive(const char *id, const char *file, bool removable)
{
    GError *err = NULL;
    BlockBackendOpts o = {
        .file = file, .format = "raw", .id = id, .removable = removable,
        .read_only = removable,
    };
    BlockBackend *blk = blk_new_open(&o, &err);

    cr_assert_not_null(blk, "%s", err ? err->message : "");
    return blk;
}

Test(hmp, info_block_eject_and_change)
{
    g_autofree char *disk = make_image("disk.img", 64 * 1024);
    g_autofree char *cd1 = make_image("one.iso", 32 * 1024);
    g_autofree char *cd2 = make_image("two.iso", 16 * 1024);
    g_autofree char *want = NULL;
    BlockBackend *hd = open_drive("ide0-hd0", disk, false);
    BlockBackend *cd = open_drive("ide1-cd0", cd1, true);

    want = g_strdup_printf("ide0-hd0: %s (raw)\n"
                           "ide1-cd0: %s (raw, read-only)\n"
                           "    Removable device: not locked, tray closed\n", disk, cd1);
    expect("info block", want);

    expect("eject ide1-cd0", "");
    cr_assert_not(blk_is_inserted(cd));
    g_free(want);
    want = g_strdup_printf("ide0-hd0: %s (raw)\n"
                           "ide1-cd0: [not inserted]\n"
                           "    Removable device: not locked, tray closed\n", disk);
    expect("info block", want);

    g_autofree char *change = g_strdup_printf("change ide1-cd0 %s raw", cd2);
    expect(change, "");
    cr_assert(blk_is_inserted(cd));
    cr_assert_eq(blk_getlength(cd), 16 * 1024);
    /* Changing again replaces the medium in place; the format is optional. */
    g_free(change);
    change = g_strdup_printf("change ide1-cd0 %s", cd1);
    expect(change, "");
    cr_assert_eq(blk_getlength(cd), 32 * 1024);
    expect("eject -f ide1-cd0", "");
    cr_assert_not(blk_is_inserted(cd));

    expect_error("eject ide0-hd0", "Device 'ide0-hd0' is not removable");
    cr_assert(blk_is_inserted(hd));
    expect_error("eject nosuch", "Device 'nosuch' not found");
    expect_error("change nosuch x", "Device 'nosuch' not found");
    expect_error("change ide1-cd0 /nonexistent/file.iso", "Error: ");
    cr_assert_not(blk_is_inserted(cd), "a failed change leaves the tray empty");
    expect_error("eject", "usage: eject");
    expect_error("change ide1-cd0", "usage: change");
    blk_unref(cd);
    blk_unref(hd);
    remove_image(disk);
    remove_image(cd1);
    remove_image(cd2);
}

static int free_tcp_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static bool host_can_connect(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bool ok;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(fd);
    return ok;
}

Test(hmp, hostfwd_add_remove_and_set_link)
{
    GError *err = NULL;
    int port = free_tcp_port();
    g_autofree char *add = g_strdup_printf("hostfwd_add tcp:127.0.0.1:%d-:22", port);
    g_autofree char *add_named = g_strdup_printf("hostfwd_add u0 tcp:127.0.0.1:%d-:22",
                                                 port);
    g_autofree char *rm = g_strdup_printf("hostfwd_remove u0 tcp:127.0.0.1:%d", port);
    NetClientState *be;

    expect_error(add, "Error: there is no user network back end");
    cr_assert(net_netdev_add("user,id=u0", &err), "%s", err ? err->message : "");
    be = net_client_find("u0");
    cr_assert_not_null(be);

    cr_assert_not(host_can_connect(port));
    expect(add, "");
    /* libslirp listens on the host port at once. */
    cr_assert(host_can_connect(port));
    expect_error(add_named, "Error: ");
    g_autofree char *removed = g_strdup_printf("host forwarding rule for "
                                               "tcp:127.0.0.1:%d removed\n", port);
    expect(rm, removed);
    cr_assert_not(host_can_connect(port));
    expect_error(rm, "Error: no host forwarding rule");
    expect(add_named, "");
    expect_error("hostfwd_add nosuch tcp::1-:1", "Error: ");
    expect_error("hostfwd_add u0 tcp:bad", "Error: hostfwd");
    expect_error("hostfwd_add", "usage: hostfwd_add");

    expect("set_link u0 off", "");
    cr_assert(be->link_down);
    expect("set_link u0 on", "");
    cr_assert_not(be->link_down);
    expect_error("set_link u0 sideways", "'on' or 'off'");
    expect_error("set_link nosuch off", "Error: no network client named 'nosuch'");
    expect_error("set_link u0", "usage: set_link");
}

Test(hmp, help_lists_block_and_network_commands)
{
    g_autofree char *out = run("help", NULL);

    cr_assert(strstr(out, "eject [-f] device -- eject a removable medium"));
    cr_assert(strstr(out, "change device filename [format] -- "));
    cr_assert(strstr(out, "hostfwd_add [netdev_id] "));
    cr_assert(strstr(out, "hostfwd_remove [netdev_id] "));
    cr_assert(strstr(out, "set_link name on|off -- "));
}
