/*
 * The human monitor's commands, with QEMU's names, arguments and output so that
 * people and scripts used to QEMU's monitor feel at home. Every command writes to a
 * FILE (the terminal monitor captures it; QMP's human-monitor-command returns it).
 * Commands never let a bad argument touch the machine: they check everything first.
 */
#include "qemu/osdep.h"
#include "sysemu/watchdog.h"
#include <ctype.h>
#include <unistd.h>
#include "monitor/monitor.h"
#include "monitor-internal.h"
#include "migration/savevm.h"
#include "block/block-backend.h"
#include "chardev/char.h"
#include "disas/disas.h"
#include "exec/exec-all.h"
#include "exec/gdbstub.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "hw/pci/pci.h"
#include "hw/qdev.h"
#include "net/net.h"
#include "net/slirp.h"
#include "sysemu/runstate.h"
#include "sysemu/vl.h"

typedef struct HMPCommand {
    const char *name;
    const char *args_help;
    const char *help;
    /* argv[0] is the command word (with any /FMT suffix). */
    bool (*fn)(FILE *out, int argc, char **argv);
} HMPCommand;

static int hmp_cpu_index;
static MonitorKeyFn hmp_key_fn;
static void *hmp_key_opaque;

void monitor_register_keyboard(MonitorKeyFn fn, void *opaque)
{
    hmp_key_fn = fn;
    hmp_key_opaque = opaque;
}

static CPUState *hmp_cpu(void)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (cpu->cpu_index == hmp_cpu_index) {
            return cpu;
        }
    }
    return first_cpu;
}

static bool hmp_error(FILE *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool hmp_error(FILE *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    return false;
}

static bool hmp_gerror(FILE *out, GError *err)
{
    fprintf(out, "Error: %s\n", err->message);
    g_error_free(err);
    return false;
}

/*
 * An address expression: terms joined by + and -, each a number (C syntax: 0x..,
 * decimal) or $pc. QEMU accepts more (registers by name, * / parentheses); the
 * common uses are these.
 */
bool hmp_parse_expr(const char *s, uint64_t *val, GError **errp)
{
    uint64_t acc = 0;
    int sign = 1;

    while (*s) {
        uint64_t term;

        while (isspace((unsigned char)*s)) {
            s++;
        }
        if (*s == '$') {
            g_autofree char *reg = NULL;
            const char *p = ++s;
            CPUState *cpu = hmp_cpu();

            while (isalnum((unsigned char)*s) || *s == '_') {
                s++;
            }
            reg = g_strndup(p, s - p);
            if (strcmp(reg, "pc") != 0 || !cpu || !cpu->cc->get_pc) {
                error_setg(errp, "unknown register '$%s' (only $pc is known)", reg);
                return false;
            }
            term = cpu->cc->get_pc(cpu);
        } else {
            char *end;

            errno = 0;
            term = strtoull(s, &end, 0);
            if (end == s || errno) {
                error_setg(errp, "invalid number at '%s'", s);
                return false;
            }
            s = end;
        }
        acc += sign > 0 ? term : -term;
        while (isspace((unsigned char)*s)) {
            s++;
        }
        if (*s == '+') {
            sign = 1;
            s++;
        } else if (*s == '-') {
            sign = -1;
            s++;
        } else if (*s) {
            error_setg(errp, "unexpected '%s' in expression", s);
            return false;
        } else {
            break;
        }
        if (!*s) {
            error_setg(errp, "expression ends after an operator");
            return false;
        }
    }
    *val = acc;
    return true;
}

static bool hmp_arg_expr(FILE *out, const char *s, uint64_t *val)
{
    GError *err = NULL;

    if (!hmp_parse_expr(s, val, &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

static AddressSpace *hmp_phys_as(void)
{
    CPUState *cpu = hmp_cpu();

    return cpu ? cpu->as : NULL;
}

/*
 * Read guest memory for the monitor: physical (xp, pmemsave) or through the current
 * CPU's MMU without side effects (x, memsave). False if any part is unmapped.
 */
bool hmp_read_memory(uint64_t addr, uint8_t *buf, size_t len, bool is_phys)
{
    CPUState *cpu = hmp_cpu();
    AddressSpace *as = hmp_phys_as();

    if (!cpu || !as) {
        return false;
    }
    while (len) {
        uint64_t pa = addr;
        size_t n = len;

        if (!is_phys) {
            hwaddr page;

            n = MIN(len, TARGET_PAGE_SIZE - (addr & (TARGET_PAGE_SIZE - 1)));
            if (!cpu->cc->get_phys_page_debug) {
                return false;
            }
            page = cpu->cc->get_phys_page_debug(cpu, addr & TARGET_PAGE_MASK);
            if (page == (hwaddr)-1) {
                return false;
            }
            pa = page + (addr & (TARGET_PAGE_SIZE - 1));
        }
        if (address_space_read(as, pa, buf, n) != MEMTX_OK) {
            return false;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return true;
}

/* ---- control ---- */

static bool hmp_stop(FILE *out, int argc, char **argv)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    return true;
}

/* gdbserver [DEV]: start the GDB stub (softmmu/gdbstub.c), as QEMU's. */
static bool hmp_gdbserver(FILE *out, int argc, char **argv)
{
    const char *dev = argc > 1 ? argv[1] : "tcp::1234";
    GError *err = NULL;

    if (!gdbserver_start(dev, &err)) {
        return hmp_gerror(out, err);
    }
    if (!strcmp(dev, "none")) {
        fprintf(out, "Disabled gdbserver\n");
    } else {
        fprintf(out, "Waiting for gdb connection on device '%s'\n", dev);
    }
    return true;
}

static bool hmp_cont(FILE *out, int argc, char **argv)
{
    switch (runstate_get()) {
    case RUN_STATE_SHUTDOWN:
    case RUN_STATE_INTERNAL_ERROR:
        return hmp_error(out, "Error: Resetting the Virtual Machine is required");
    default:
        vm_start();
        return true;
    }
}

static bool hmp_system_reset(FILE *out, int argc, char **argv)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP);
    return true;
}

static bool hmp_system_powerdown(FILE *out, int argc, char **argv)
{
    qemu_system_powerdown_request();
    return true;
}

static bool hmp_quit(FILE *out, int argc, char **argv)
{
    qmp_notify_quit();
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP);
    return true;
}

/* watchdog_action ACTION: what the next watchdog expiry does (QEMU's command). */
static bool hmp_watchdog_action(FILE *out, int argc, char **argv)
{
    WatchdogAction a;

    if (argc != 2) {
        return hmp_error(out, "usage: watchdog_action "
                         "reset|shutdown|poweroff|pause|debug|none|inject-nmi");
    }
    if (!watchdog_action_parse(argv[1], &a)) {
        return hmp_error(out, "watchdog_action: unknown action '%s'", argv[1]);
    }
    watchdog_set_action(a);
    return true;
}

static bool hmp_cpu_cmd(FILE *out, int argc, char **argv)
{
    CPUState *cpu;
    uint64_t idx;

    if (argc != 2 || !hmp_arg_expr(out, argv[1], &idx)) {
        return argc == 2 ? false : hmp_error(out, "usage: cpu index");
    }
    CPU_FOREACH(cpu) {
        if ((uint64_t)cpu->cpu_index == idx) {
            hmp_cpu_index = cpu->cpu_index;
            return true;
        }
    }
    return hmp_error(out, "invalid CPU index");
}

/* ---- snapshots ---- */

static bool hmp_savevm(FILE *out, int argc, char **argv)
{
    GError *err = NULL;

    if (!savevm_snapshot_save(argc > 1 ? argv[1] : NULL, &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

static bool hmp_loadvm(FILE *out, int argc, char **argv)
{
    GError *err = NULL;

    if (argc != 2) {
        return hmp_error(out, "usage: loadvm tag|id");
    }
    if (!savevm_snapshot_load(argv[1], &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

static bool hmp_delvm(FILE *out, int argc, char **argv)
{
    GError *err = NULL;

    if (argc != 2) {
        return hmp_error(out, "usage: delvm tag|id");
    }
    if (!savevm_snapshot_delete(argv[1], &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

static bool hmp_migrate(FILE *out, int argc, char **argv)
{
    GError *err = NULL;
    g_autofree char *uri = NULL;
    int first = 1;

    /* QEMU's -d (detach) is accepted: the stream is written at once anyway. */
    if (argc > 1 && !strcmp(argv[1], "-d")) {
        first = 2;
    }
    if (argc <= first) {
        return hmp_error(out, "usage: migrate [-d] uri");
    }
    /* exec:COMMAND may contain blanks. */
    uri = g_strjoinv(" ", argv + first);
    if (!savevm_migrate_out(uri, &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

/* ---- memory ---- */

static bool hmp_memsave_common(FILE *out, int argc, char **argv, bool is_phys)
{
    uint64_t addr, size;
    g_autofree uint8_t *buf = NULL;
    GError *err = NULL;

    if (argc != 4) {
        return hmp_error(out, "usage: %s addr size file", argv[0]);
    }
    if (!hmp_arg_expr(out, argv[1], &addr) || !hmp_arg_expr(out, argv[2], &size)) {
        return false;
    }
    if (size > 1ull << 32) {
        return hmp_error(out, "%s: size too large", argv[0]);
    }
    buf = g_try_malloc(size ? size : 1);
    if (!buf) {
        return hmp_error(out, "%s: out of memory", argv[0]);
    }
    if (!hmp_read_memory(addr, buf, size, is_phys)) {
        return hmp_error(out, "Invalid addr 0x%" PRIx64 "/size %" PRIu64 " specified",
                         addr, size);
    }
    if (!g_file_set_contents(argv[3], (const char *)buf, size, &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

static bool hmp_memsave(FILE *out, int argc, char **argv)
{
    return hmp_memsave_common(out, argc, argv, false);
}

static bool hmp_pmemsave(FILE *out, int argc, char **argv)
{
    return hmp_memsave_common(out, argc, argv, true);
}

static bool hmp_x(FILE *out, int argc, char **argv)
{
    const char *fmt = strchr(argv[0], '/');
    g_autofree char *expr = NULL;
    bool is_phys = strncmp(argv[0], "xp", 2) == 0;
    HmpDumpFormat f;
    GError *err = NULL;
    uint64_t addr;

    if (!hmp_parse_format(fmt ? fmt + 1 : "", &f, &err)) {
        return hmp_gerror(out, err);
    }
    if (argc < 2) {
        return hmp_error(out, "usage: %s /fmt addr", is_phys ? "xp" : "x");
    }
    expr = g_strjoinv(" ", argv + 1);
    if (!hmp_arg_expr(out, expr, &addr)) {
        return false;
    }
    return hmp_memory_dump(out, &f, addr, is_phys);
}

/* ---- log, sendkey ---- */

static bool hmp_log(FILE *out, int argc, char **argv)
{
    GError *err = NULL;
    unsigned mask = 0;

    if (argc != 2) {
        return hmp_error(out, "usage: log item1[,...] (or none)");
    }
    if (strcmp(argv[1], "none") != 0 && !mimic_log_parse(argv[1], &mask, &err)) {
        return hmp_gerror(out, err);
    }
    mimic_loglevel = mask;
    return true;
}

static bool hmp_sendkey(FILE *out, int argc, char **argv)
{
    g_auto(GStrv) keys = NULL;
    int codes[16];
    int n = 0;

    if (argc < 2) {
        return hmp_error(out, "usage: sendkey keys [hold_ms]");
    }
    if (!hmp_key_fn) {
        return hmp_error(out, "Error: this machine has no keyboard to send keys to");
    }
    keys = g_strsplit(argv[1], "-", -1);
    for (int i = 0; keys[i]; i++) {
        int code = hmp_key_code(keys[i]);

        if (code < 0) {
            return hmp_error(out, "Error: unknown key '%s'", keys[i]);
        }
        if (n == (int)ARRAY_SIZE(codes)) {
            return hmp_error(out, "Error: too many keys");
        }
        codes[n++] = code;
    }
    /* Press in order, release in reverse: "ctrl-alt-delete" as a person types it. */
    for (int i = 0; i < n; i++) {
        hmp_key_fn(hmp_key_opaque, codes[i], true);
    }
    for (int i = n - 1; i >= 0; i--) {
        hmp_key_fn(hmp_key_opaque, codes[i], false);
    }
    return true;
}

/* ---- removable media ---- */

static bool hmp_eject(FILE *out, int argc, char **argv)
{
    bool force = argc > 1 && !strcmp(argv[1], "-f");
    const char *dev;
    BlockBackend *blk;
    GError *err = NULL;

    if (argc != (force ? 3 : 2)) {
        return hmp_error(out, "usage: eject [-f] device");
    }
    dev = argv[force ? 2 : 1];
    blk = blk_by_name(dev);
    if (!blk) {
        return hmp_error(out, "Device '%s' not found", dev);
    }
    if (!blk_eject(blk, force, &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

static bool hmp_change(FILE *out, int argc, char **argv)
{
    BlockBackend *blk;
    GError *err = NULL;

    if (argc < 3 || argc > 4) {
        return hmp_error(out, "usage: change device filename [format]");
    }
    blk = blk_by_name(argv[1]);
    if (!blk) {
        return hmp_error(out, "Device '%s' not found", argv[1]);
    }
    if (!blk_change_media(blk, argv[2], argc > 3 ? argv[3] : NULL, &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

/* ---- network ---- */

/* hostfwd_add/remove take an optional back-end name before the rule. */
static bool hmp_hostfwd(FILE *out, int argc, char **argv, bool add)
{
    const char *netdev = argc == 3 ? argv[1] : NULL;
    const char *spec = argv[argc - 1];
    GError *err = NULL;
    bool ok;

    if (argc < 2 || argc > 3) {
        return hmp_error(out, add ? "usage: hostfwd_add [netdev_id] "
                                    "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport"
                                  : "usage: hostfwd_remove [netdev_id] "
                                    "[tcp|udp]:[hostaddr]:hostport");
    }
    ok = add ? net_slirp_hostfwd_add(netdev, spec, &err)
             : net_slirp_hostfwd_remove(netdev, spec, &err);
    if (!ok) {
        return hmp_gerror(out, err);
    }
    if (!add) {
        /* QEMU confirms a removal (and only a removal) in these words. */
        fprintf(out, "host forwarding rule for %s removed\n", spec);
    }
    return true;
}

static bool hmp_hostfwd_add(FILE *out, int argc, char **argv)
{
    return hmp_hostfwd(out, argc, argv, true);
}

static bool hmp_hostfwd_remove(FILE *out, int argc, char **argv)
{
    return hmp_hostfwd(out, argc, argv, false);
}

static bool hmp_set_link(FILE *out, int argc, char **argv)
{
    GError *err = NULL;
    bool up;

    if (argc != 3) {
        return hmp_error(out, "usage: set_link name on|off");
    }
    if (!strcmp(argv[2], "on")) {
        up = true;
    } else if (!strcmp(argv[2], "off")) {
        up = false;
    } else {
        return hmp_error(out, "Error: Parameter 'up' expects 'on' or 'off'");
    }
    if (!net_set_link(argv[1], up, &err)) {
        return hmp_gerror(out, err);
    }
    return true;
}

/* ---- info ---- */

static void hmp_info_status(FILE *out)
{
    RunState s = runstate_get();

    if (s == RUN_STATE_RUNNING) {
        fprintf(out, "VM status: running\n");
    } else if (s == RUN_STATE_PAUSED) {
        fprintf(out, "VM status: paused\n");
    } else {
        fprintf(out, "VM status: paused (%s)\n", runstate_name(s));
    }
}

static void hmp_info_cpus(FILE *out)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        fprintf(out, "%c CPU #%d: pc=0x%08" PRIx64 "%s thread_id=%d\n",
                cpu == hmp_cpu() ? '*' : ' ', cpu->cpu_index,
                cpu->cc->get_pc ? (uint64_t)cpu->cc->get_pc(cpu) : 0,
                cpu->halted ? " (halted)" : "", (int)getpid());
    }
}

/*
 * Every open block backend, as the block layer describes it: that covers drives
 * added by -drive, -hda, -cdrom and their state after change/eject.
 */
static void hmp_info_block(FILE *out)
{
    g_autoptr(GString) text = g_string_new(NULL);

    blk_info_all(text);
    fputs(text->str, out);
}

static bool hmp_info_registers(FILE *out, bool all)
{
    CPUState *cpu;

    CPU_FOREACH(cpu) {
        if (!all && cpu != hmp_cpu()) {
            continue;
        }
        if (all) {
            fprintf(out, "\nCPU#%d\n", cpu->cpu_index);
        }
        if (cpu->cc->dump_state) {
            cpu->cc->dump_state(cpu, out, 0);
        }
    }
    return true;
}

static bool hmp_info_tlb(FILE *out)
{
    CPUState *cpu = hmp_cpu();

    if (!cpu || !cpu->cc->dump_tlb) {
        return hmp_error(out, "info tlb: not available for this CPU");
    }
    cpu->cc->dump_tlb(cpu, out);
    return true;
}

/* As QEMU prints it: the text form alone. */
static void hmp_info_uuid(FILE *out)
{
    char text[MACHINE_UUID_TEXT_LEN];

    machine_uuid_format(current_machine, text);
    fprintf(out, "%s\n", text);
}

static const struct {
    const char *name, *help;
} hmp_info_items[] = {
    { "block", "show the block devices" },
    { "chardev", "show the character devices" },
    { "cpus", "show infos for each CPU" },
    { "jit", "show dynamic compiler info" },
    { "mtree", "show memory tree (-f: flat view)" },
    { "network", "show the network state" },
    { "pci", "show PCI info" },
    { "qtree", "show device tree" },
    { "registers", "show the cpu registers (-a: all CPUs)" },
    { "snapshots", "show the currently saved VM snapshots" },
    { "status", "show the current VM status (running|paused)" },
    { "tlb", "show virtual to physical memory mappings" },
    { "uuid", "show the current VM UUID" },
    { "version", "show the version of mimic" },
};

static bool hmp_info(FILE *out, int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : NULL;
    bool flag_a = argc > 2 && strcmp(argv[2], "-a") == 0;
    bool flag_f = argc > 2 && strcmp(argv[2], "-f") == 0;
    GError *err = NULL;

    if (!what) {
        for (size_t i = 0; i < ARRAY_SIZE(hmp_info_items); i++) {
            fprintf(out, "info %-10s -- %s\n", hmp_info_items[i].name,
                    hmp_info_items[i].help);
        }
        return true;
    }
    if (!strcmp(what, "status")) {
        hmp_info_status(out);
    } else if (!strcmp(what, "uuid")) {
        hmp_info_uuid(out);
    } else if (!strcmp(what, "version")) {
        fprintf(out, "%s\n", vl_version_string());
    } else if (!strcmp(what, "registers")) {
        return hmp_info_registers(out, flag_a);
    } else if (!strcmp(what, "cpus")) {
        hmp_info_cpus(out);
    } else if (!strcmp(what, "mtree")) {
        mtree_info(out, flag_f);
    } else if (!strcmp(what, "qtree")) {
        qdev_tree_info(out);
    } else if (!strcmp(what, "pci")) {
        PCIBus *bus = pci_get_root_bus();

        if (bus) {
            pci_info(out, bus);
        }
    } else if (!strcmp(what, "tlb")) {
        return hmp_info_tlb(out);
    } else if (!strcmp(what, "jit")) {
        jit_stats_print(out);
    } else if (!strcmp(what, "block")) {
        hmp_info_block(out);
    } else if (!strcmp(what, "network")) {
        net_info(out);
    } else if (!strcmp(what, "snapshots")) {
        if (!savevm_snapshot_info(out, &err)) {
            return hmp_gerror(out, err);
        }
    } else if (!strcmp(what, "chardev")) {
        chardev_info(out);
    } else {
        return hmp_error(out, "info: unknown item '%s' (info lists them)", what);
    }
    return true;
}

static bool hmp_help(FILE *out, int argc, char **argv);

static const HMPCommand hmp_commands[] = {
    { "cont|c", "", "resume emulation", hmp_cont },
    { "change", "device filename [format]", "change a removable medium, optional "
      "format", hmp_change },
    { "cpu", "index", "set the default CPU", hmp_cpu_cmd },
    { "delvm", "tag", "delete a VM snapshot from its tag", hmp_delvm },
    { "eject", "[-f] device", "eject a removable medium (use -f to force it)",
      hmp_eject },
    { "gdbserver", "[device]", "start gdbserver on given device (default "
      "'tcp::1234'), stop with 'none'", hmp_gdbserver },
    { "help|?", "[cmd]", "show the help", hmp_help },
    { "hostfwd_add", "[netdev_id] [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport",
      "redirect TCP or UDP connections from host to guest (requires -net user)",
      hmp_hostfwd_add },
    { "hostfwd_remove", "[netdev_id] [tcp|udp]:[hostaddr]:hostport",
      "remove host-to-guest TCP or UDP redirection", hmp_hostfwd_remove },
    { "info", "[subcommand]", "show various information about the system state",
      hmp_info },
    { "loadvm", "tag", "restore a VM snapshot from its tag", hmp_loadvm },
    { "log", "item1[,...]", "activate logging of the specified items", hmp_log },
    { "memsave", "addr size file", "save to disk virtual memory dump starting at "
      "'addr' of size 'size'", hmp_memsave },
    { "migrate", "[-d] uri", "migrate to URI (file:PATH or exec:COMMAND); the VM "
      "stays stopped", hmp_migrate },
    { "pmemsave", "addr size file", "save to disk physical memory dump starting at "
      "'addr' of size 'size'", hmp_pmemsave },
    { "quit|q", "", "quit the emulator", hmp_quit },
    { "savevm", "[tag]", "save a VM snapshot. If no tag is provided, a new snapshot is "
      "created", hmp_savevm },
    { "set_link", "name on|off", "change the link status of a network adapter",
      hmp_set_link },
    { "sendkey", "keys [hold_ms]", "send keys to the VM (e.g. 'sendkey ctrl-alt-f1')",
      hmp_sendkey },
    { "stop|s", "", "stop emulation", hmp_stop },
    { "system_powerdown", "", "send system power down event", hmp_system_powerdown },
    { "system_reset", "", "reset the system", hmp_system_reset },
    { "watchdog_action", "[reset|shutdown|poweroff|pause|debug|none|inject-nmi]",
      "change watchdog action", hmp_watchdog_action },
    { "x", "/fmt addr", "virtual memory dump starting at 'addr'", hmp_x },
    { "xp", "/fmt addr", "physical memory dump starting at 'addr'", hmp_x },
};

static bool hmp_name_matches(const char *names, const char *word)
{
    g_auto(GStrv) alts = g_strsplit(names, "|", -1);

    for (int i = 0; alts[i]; i++) {
        if (!strcmp(alts[i], word)) {
            return true;
        }
    }
    return false;
}

static bool hmp_help(FILE *out, int argc, char **argv)
{
    for (size_t i = 0; i < ARRAY_SIZE(hmp_commands); i++) {
        const HMPCommand *c = &hmp_commands[i];

        if (argc > 1 && !hmp_name_matches(c->name, argv[1])) {
            continue;
        }
        fprintf(out, "%s %s -- %s\n", c->name, c->args_help, c->help);
        if (argc > 1 && !strcmp(argv[1], "info")) {
            hmp_info(out, 1, argv);
        }
    }
    return true;
}

char **hmp_complete(const char *prefix)
{
    GPtrArray *m = g_ptr_array_new();

    for (size_t i = 0; i < ARRAY_SIZE(hmp_commands); i++) {
        g_auto(GStrv) alts = g_strsplit(hmp_commands[i].name, "|", -1);

        /* Offer the long name only: the short aliases are for typing. */
        if (g_str_has_prefix(alts[0], prefix)) {
            g_ptr_array_add(m, g_strdup(alts[0]));
        }
    }
    g_ptr_array_add(m, NULL);
    return (char **)g_ptr_array_free(m, false);
}

/*
 * Words of a command line, split at blanks. As in QEMU's monitor, a double-quoted
 * part keeps its blanks (`migrate "exec:gzip -c > vm.gz"`); inside it \" and \\
 * stand for " and \. NULL, with *bad set, for an unterminated quote.
 */
static char **hmp_split_words(const char *line, int *argc, bool *bad)
{
    GPtrArray *words = g_ptr_array_new();
    const char *p = line;

    *bad = false;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            p++;
        }
        if (!*p) {
            break;
        }
        GString *w = g_string_new(NULL);
        bool quoted = false;

        for (; *p && (quoted || !strchr(" \t\r\n", *p)); p++) {
            if (*p == '"') {
                quoted = !quoted;
            } else if (quoted && *p == '\\' && (p[1] == '"' || p[1] == '\\')) {
                g_string_append_c(w, *++p);
            } else {
                g_string_append_c(w, *p);
            }
        }
        g_ptr_array_add(words, g_string_free(w, false));
        if (quoted) {
            *bad = true;
            break;
        }
    }
    *argc = words->len;
    g_ptr_array_add(words, NULL);
    char **v = (char **)g_ptr_array_free(words, false);
    if (*bad) {
        g_strfreev(v);
        return NULL;
    }
    return v;
}

bool hmp_execute(const char *cmdline, FILE *out)
{
    g_auto(GStrv) words = NULL;
    g_autofree char *name = NULL;
    char *slash;
    int argc = 0;
    bool bad;

    words = hmp_split_words(cmdline, &argc, &bad);
    if (bad) {
        return hmp_error(out, "unterminated string (a \" without its closing one)");
    }
    if (argc == 0) {
        return true;
    }
    /* Registers and MMU state shown or used by a command must be current. */
    savevm_sync_cpus();
    name = g_strdup(words[0]);
    slash = strchr(name, '/');
    if (slash) {
        *slash = '\0';
    }
    for (size_t i = 0; i < ARRAY_SIZE(hmp_commands); i++) {
        if (hmp_name_matches(hmp_commands[i].name, name)) {
            if (slash && hmp_commands[i].fn != hmp_x) {
                return hmp_error(out, "%s: takes no /format", name);
            }
            return hmp_commands[i].fn(out, argc, words);
        }
    }
    return hmp_error(out, "unknown command: '%s'", name);
}
