/*
 * The command line and start-up sequence, with QEMU's option syntax (-opt or
 * --opt, the argument as the next word). Parsing (vl_parse_args) has no side
 * effects so it can be unit-tested; vl_main then sets things up in QEMU's order:
 * logging, accelerator, chardevs, machine, accelerator machine_done, vm_start
 * (unless -S), main loop.
 */
#include "qemu/osdep.h"
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include "sysemu/vl.h"
#include "sysemu/rtc.h"
#include "sysemu/runstate.h"
#include "sysemu/accel.h"
#include "hw/boards.h"
#include "hw/qdev.h"
#include "sysemu/watchdog.h"
#include "chardev/char.h"
#include "migration/savevm.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "exec/exec-all.h"
#include "sysemu/rng.h"
#include "exec/gdbstub.h"
#include "internal.h"
#include "vl-internal.h"

#define MIMIC_VERSION "0.1.0"

static VlMonitorInitFn vl_monitor_init;

void vl_register_monitor(VlMonitorInitFn fn)
{
    vl_monitor_init = fn;
}

const char *vl_version_string(void)
{
    return MIMIC_VERSION;
}

typedef enum VlOpt {
    OPT_MACHINE, OPT_M, OPT_CPU, OPT_SMP, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_BIOS,
    OPT_NOGRAPHIC, OPT_SERIAL, OPT_CHARDEV, OPT_MONITOR, OPT_NO_REBOOT, OPT_S,
    OPT_D, OPT_DLOG, OPT_DFILTER, OPT_ACCEL, OPT_ENABLE_KVM, OPT_NODEFAULTS, OPT_DISPLAY, OPT_VGA,
    OPT_NAME, OPT_VERSION, OPT_HELP, OPT_DEVICE, OPT_DRIVE, OPT_HDA, OPT_HDB, OPT_HDC,
    OPT_HDD, OPT_CDROM, OPT_SNAPSHOT, OPT_NETDEV, OPT_NIC,
    OPT_LOADVM, OPT_SNAPSHOT_STORE, OPT_QMP, OPT_INCOMING, OPT_RTC,
    OPT_NO_SHUTDOWN, OPT_UUID, OPT_OBJECT, OPT_PIDFILE, OPT_DAEMONIZE, OPT_NO_USER_CONFIG,
    OPT_MSG, OPT_L, OPT_PARALLEL, OPT_OVERCOMMIT, OPT_BOOT, OPT_ACTION,
    OPT_GDB, OPT_GDB_DEFAULT, OPT_GLOBAL, OPT_SANDBOX, OPT_WATCHDOG_ACTION,
} VlOpt;

typedef struct VlOptDesc {
    const char *name;
    VlOpt opt;
    bool has_arg;
    const char *arg_name;
    const char *help;
} VlOptDesc;

static const VlOptDesc vl_options[] = {
    { "machine", OPT_MACHINE, true, "NAME[,k=v]", "select the board ('help' lists)" },
    { "M", OPT_MACHINE, true, "NAME", "same as -machine" },
    { "m", OPT_M, true, "SIZE", "guest RAM (MiB, or with a k/M/G suffix; size=SIZE)" },
    { "cpu", OPT_CPU, true, "MODEL", "select the CPU model ('help' lists)" },
    { "smp", OPT_SMP, true, "N", "number of CPUs" },
    { "kernel", OPT_KERNEL, true, "FILE", "boot this Linux kernel" },
    { "initrd", OPT_INITRD, true, "FILE", "use FILE as the initial ram disk" },
    { "append", OPT_APPEND, true, "CMDLINE", "kernel command line" },
    { "bios", OPT_BIOS, true, "FILE", "firmware image" },
    { "nographic", OPT_NOGRAPHIC, false, NULL,
      "no display: serial and monitor on stdio (Ctrl-A h for help)" },
    { "serial", OPT_SERIAL, true, "DEV", "redirect the next serial port to DEV" },
    { "chardev", OPT_CHARDEV, true, "BACKEND,id=ID[,...]", "create a character device" },
    { "monitor", OPT_MONITOR, true, "DEV", "put the monitor on DEV" },
    { "no-reboot", OPT_NO_REBOOT, false, NULL, "exit instead of rebooting" },
    { "no-shutdown", OPT_NO_SHUTDOWN, false, NULL,
      "stop instead of exiting when the guest powers off (system_reset, cont: again)" },
    { "rtc", OPT_RTC, true, "[base=utc|localtime|DATE][,clock=host|rt|vm][,driftfix=none|slew]",
      "the RTC's start time (DATE: 2006-06-17T16:01:21 or 2006-06-17, UTC) and clock" },
    { "S", OPT_S, false, NULL, "do not start the CPU at start-up" },
    { "gdb", OPT_GDB, true, "DEV",
      "wait for a gdb connection on DEV (tcp::PORT, unix:PATH; none: no stub)" },
    { "s", OPT_GDB_DEFAULT, false, NULL, "shorthand for -gdb tcp::1234" },
    { "d", OPT_D, true, "ITEM,...", "enable logging of items ('help' lists)" },
    { "D", OPT_DLOG, true, "FILE", "write the log to FILE instead of stderr" },
    { "dfilter", OPT_DFILTER, true, "RANGE,...",
      "log only the TBs at these guest addresses (START+SIZE, START-SIZE, START..END)" },
    { "accel", OPT_ACCEL, true, "NAME[,prop=value]",
      "accelerator: tcg[,tb-size=MB][,backend=x86_64|interp] or kvm" },
    { "enable-kvm", OPT_ENABLE_KVM, false, NULL, "same as -accel kvm" },
    { "nodefaults", OPT_NODEFAULTS, false, NULL, "create no default devices" },
    { "display", OPT_DISPLAY, true, "none", "display back end (only none)" },
    { "vga", OPT_VGA, true, "none", "video card (only none)" },
    { "name", OPT_NAME, true, "NAME", "name of the guest" },
    { "object", OPT_OBJECT, true, "rng-random,id=ID[,filename=FILE]|rng-builtin,id=ID",
      "create an entropy source for virtio-rng-pci (rng=ID)" },
    { "action", OPT_ACTION, true,
      "[reboot=reset|shutdown][,shutdown=poweroff|pause][,panic=shutdown|pause|none|exit-failure]",
      "what a guest reboot, poweroff or panic (pvpanic-pci) does" },
    { "boot", OPT_BOOT, true,
      "[order=]DRIVES[,once=DRIVES][,menu=on|off][,splash-time=MS][,reboot-timeout=MS]",
      "firmware boot order: a floppy, c disk, d CD-ROM, n network (PC with -bios)" },
    { "pidfile", OPT_PIDFILE, true, "FILE", "write the process id to FILE (removed at exit)" },
    { "daemonize", OPT_DAEMONIZE, false, NULL,
      "detach from the terminal once initialised (the command returns then)" },
    { "no-user-config", OPT_NO_USER_CONFIG, false, NULL,
      "load no user configuration files (mimic reads none)" },
    { "nodefconfig", OPT_NO_USER_CONFIG, false, NULL, "same as -no-user-config" },
    { "msg", OPT_MSG, true, "timestamp=on|off[,guest-name=on|off]",
      "prefix error messages with the time and/or the -name" },
    { "L", OPT_L, true, "DIR", "look for -bios files in DIR too" },
    { "parallel", OPT_PARALLEL, true, "none", "parallel port (the boards have none)" },
    { "overcommit", OPT_OVERCOMMIT, true, "mem-lock=on|off[,cpu-pm=off]",
      "lock all of mimic's memory (guest RAM included) in host RAM" },
    { "watchdog-action", OPT_WATCHDOG_ACTION, true,
      "reset|shutdown|poweroff|pause|debug|none|inject-nmi",
      "what an expired watchdog (-device i6300esb) does (default reset)" },
    { "sandbox", OPT_SANDBOX, true,
      "on|off[,obsolete=allow|deny][,elevateprivileges=allow|deny|children]"
      "[,spawn=allow|deny][,resourcecontrol=allow|deny]",
      "a seccomp filter denying those groups of system calls (obsolete: by default)" },
    { "uuid", OPT_UUID, true, "UUID", "the system UUID (the PC's SMBIOS and fw_cfg)" },
    { "version", OPT_VERSION, false, NULL, "print the version and exit" },
    { "h", OPT_HELP, false, NULL, "print this help and exit" },
    { "help", OPT_HELP, false, NULL, "print this help and exit" },
    { "device", OPT_DEVICE, true, "DRIVER[,prop=value]", "add a device ('help' lists)" },
    { "global", OPT_GLOBAL, true, "DRIVER.PROP=VALUE",
      "default PROP of every DRIVER device (or driver=,property=,value=)" },
    { "drive", OPT_DRIVE, true, "file=FILE[,if=,index=,format=,media=,...]",
      "add a drive" },
    { "hda", OPT_HDA, true, "FILE", "hard disk 0" },
    { "hdb", OPT_HDB, true, "FILE", "hard disk 1" },
    { "hdc", OPT_HDC, true, "FILE", "hard disk 2" },
    { "hdd", OPT_HDD, true, "FILE", "hard disk 3" },
    { "cdrom", OPT_CDROM, true, "FILE", "CD-ROM image (as drive index 2)" },
    { "snapshot", OPT_SNAPSHOT, false, NULL, "write disk changes to temporary files" },
    { "loadvm", OPT_LOADVM, true, "TAG", "start from the snapshot TAG (savevm)" },
    { "qmp", OPT_QMP, true, "DEV", "put a QMP (JSON) monitor on DEV" },
    { "incoming", OPT_INCOMING, true, "file:PATH|exec:CMD",
      "start from a machine state written by migrate" },
    { "snapshot-store", OPT_SNAPSHOT_STORE, true, "FILE",
      "keep snapshots (savevm) in FILE when the machine has no writable disk" },
    { "netdev", OPT_NETDEV, true, "user,id=ID[,hostfwd=..][,net=..][,restrict=on]",
      "create a network back end" },
    { "nic", OPT_NIC, true, "user[,model=M][,mac=..]|none",
      "add a NIC on a new back end (none: no NIC at all)" },
};

static void vl_print_usage(FILE *f, const char *prog)
{
    fprintf(f, "usage: %s [options]\n\nOptions:\n", prog);
    for (size_t i = 0; i < ARRAY_SIZE(vl_options); i++) {
        const VlOptDesc *d = &vl_options[i];
        char *left = g_strdup_printf("-%s%s%s", d->name, d->has_arg ? " " : "",
                                     d->has_arg ? d->arg_name : "");

        fprintf(f, "  %-36s %s\n", left, d->help);
        g_free(left);
    }
    fprintf(f, "\nDuring emulation with -nographic, Ctrl-A h lists the console keys.\n");
}

static const VlOptDesc *vl_find_option(const char *word)
{
    const char *name;

    if (word[0] != '-' || word[1] == '\0') {
        return NULL;
    }
    name = word[1] == '-' ? word + 2 : word + 1;
    for (size_t i = 0; i < ARRAY_SIZE(vl_options); i++) {
        if (strcmp(vl_options[i].name, name) == 0) {
            return &vl_options[i];
        }
    }
    return NULL;
}

bool vl_parse_args(int argc, char **argv, VlConfig *cfg, GError **errp)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->smp = 1;
    cfg->accel = "tcg";
    cfg->accel_opts = g_strdup("");
    cfg->append = "";
    cfg->serial = g_ptr_array_new();
    cfg->chardevs = g_ptr_array_new();
    cfg->devices = g_ptr_array_new_with_free_func(g_free);
    cfg->netdevs = g_ptr_array_new();
    cfg->objects = g_ptr_array_new();
    cfg->globals = g_ptr_array_new();
    cfg->bios_dirs = g_ptr_array_new();
    cfg->boot_menu_wait = -1;
    cfg->reboot_timeout = -1;
    cfg->nics = g_ptr_array_new();

    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        const VlOptDesc *d = vl_find_option(word);
        const char *arg = NULL;

        if (!d) {
            if (word[0] != '-') {
                /* QEMU takes a lone word as the first hard disk image. */
                if (!vl_add_legacy_drive(cfg, word, 0, "disk", errp)) {
                    return false;
                }
                continue;
            }
            error_setg(errp, "unsupported option '%s' (see -help)", word);
            return false;
        }
        if (d->has_arg) {
            if (i + 1 >= argc) {
                error_setg(errp, "-%s: requires an argument (%s)", d->name, d->arg_name);
                return false;
            }
            arg = argv[++i];
        }
        switch (d->opt) {
        case OPT_MACHINE:
            if (!vl_parse_machine(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_M:
            if (!vl_parse_ram_size(arg, &cfg->ram_size, errp)) {
                return false;
            }
            break;
        case OPT_CPU:
            cfg->cpu_model = arg;
            if (vl_is_help(arg)) {
                cfg->cpu_help = true;
            }
            break;
        case OPT_SMP:
            if (!vl_parse_smp(arg, &cfg->smp, errp)) {
                return false;
            }
            break;
        case OPT_KERNEL:
            cfg->kernel = arg;
            break;
        case OPT_INITRD:
            cfg->initrd = arg;
            break;
        case OPT_APPEND:
            cfg->append = arg;
            break;
        case OPT_BIOS:
            cfg->bios = arg;
            break;
        case OPT_NOGRAPHIC:
            cfg->nographic = true;
            break;
        case OPT_SERIAL:
            if (cfg->serial->len >= MAX_SERIAL_PORTS) {
                error_setg(errp, "-serial: too many serial ports (max %d)",
                           MAX_SERIAL_PORTS);
                return false;
            }
            g_ptr_array_add(cfg->serial, (gpointer)arg);
            break;
        case OPT_CHARDEV:
            g_ptr_array_add(cfg->chardevs, (gpointer)arg);
            break;
        case OPT_MONITOR:
            cfg->monitor = arg;
            break;
        case OPT_NO_REBOOT:
            cfg->no_reboot = true;
            break;
        case OPT_NO_SHUTDOWN:
            cfg->no_shutdown = true;
            break;
        case OPT_RTC:
            if (!vl_parse_rtc(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_S:
            cfg->start_paused = true;
            break;
        case OPT_GDB:
            cfg->gdb_dev = arg;
            break;
        case OPT_GDB_DEFAULT:
            cfg->gdb_dev = "tcp::1234";
            break;
        case OPT_D:
            if (vl_is_help(arg)) {
                cfg->log_help = true;
                break;
            }
            if (!mimic_log_parse(arg, &cfg->log_mask, errp)) {
                return false;
            }
            cfg->log_given = true;
            break;
        case OPT_DLOG:
            cfg->log_file = arg;
            break;
        case OPT_DFILTER: {
            GArray *r = mimic_log_parse_ranges(arg, errp);

            if (!r) {
                return false;
            }
            if (cfg->log_ranges) {
                g_array_unref(cfg->log_ranges);
            }
            cfg->log_ranges = r;
            break;
        }
        case OPT_ACCEL: {
            char *name, *opts;

            vl_split_first(arg, &name, &opts);
            if (vl_is_help(name)) {
                cfg->accel_help = true;
            }
            cfg->accel = g_intern_string(name);
            g_free(cfg->accel_opts);
            cfg->accel_opts = opts;
            g_free(name);
            break;
        }
        case OPT_ENABLE_KVM:
            cfg->accel = "kvm";
            g_free(cfg->accel_opts);
            cfg->accel_opts = g_strdup("");
            break;
        case OPT_NODEFAULTS:
            cfg->nodefaults = true;
            break;
        case OPT_DISPLAY:
            if (strcmp(arg, "none") != 0 && !g_str_has_prefix(arg, "none,")) {
                error_setg(errp, "-display %s: not supported (mimic has no graphical "
                           "display; use -display none or -nographic)", arg);
                return false;
            }
            cfg->display_none = true;
            break;
        case OPT_VGA:
            if (strcmp(arg, "none") != 0) {
                error_setg(errp, "-vga %s: not supported (only -vga none)", arg);
                return false;
            }
            break;
        case OPT_NAME:
            cfg->name = g_str_has_prefix(arg, "guest=") ? arg + 6 : arg;
            break;
        case OPT_ACTION:
            if (!vl_parse_action(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_BOOT:
            if (!vl_parse_boot(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_PIDFILE:
            cfg->pidfile = arg;
            break;
        case OPT_DAEMONIZE:
            cfg->daemonize = true;
            break;
        case OPT_NO_USER_CONFIG:
            break;          /* mimic never reads configuration files */
        case OPT_MSG:
            if (!vl_parse_msg(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_L:
            g_ptr_array_add(cfg->bios_dirs, (gpointer)arg);
            break;
        case OPT_PARALLEL:
            if (strcmp(arg, "none") != 0) {
                error_setg(errp, "-parallel %s: the boards have no parallel port (only "
                           "-parallel none)", arg);
                return false;
            }
            break;
        case OPT_OVERCOMMIT:
            if (!vl_parse_overcommit(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_OBJECT:
            g_ptr_array_add(cfg->objects, (gpointer)arg);
            break;
        case OPT_GLOBAL:
            g_ptr_array_add(cfg->globals, (gpointer)arg);
            break;
        case OPT_WATCHDOG_ACTION:
            if (!vl_parse_watchdog_action(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_SANDBOX:
            if (!sandbox_parse(arg, &cfg->sandbox, errp)) {
                return false;
            }
            break;
        case OPT_UUID:
            if (!vl_parse_uuid(arg, cfg->uuid, errp)) {
                return false;
            }
            break;
        case OPT_VERSION:
            cfg->version = true;
            break;
        case OPT_HELP:
            cfg->help = true;
            break;
        case OPT_DEVICE:
            if (vl_is_help(arg)) {
                cfg->device_help = true;
                break;
            }
            g_ptr_array_add(cfg->devices, g_strdup(arg));
            break;
        case OPT_DRIVE:
            if (!vl_parse_drive(cfg, arg, errp)) {
                return false;
            }
            break;
        case OPT_HDA: case OPT_HDB: case OPT_HDC: case OPT_HDD:
            if (!vl_add_legacy_drive(cfg, arg, d->opt - OPT_HDA, "disk", errp)) {
                return false;
            }
            break;
        case OPT_CDROM:
            if (!vl_add_legacy_drive(cfg, arg, 2, "cdrom", errp)) {
                return false;
            }
            break;
        case OPT_SNAPSHOT:
            cfg->snapshot = true;
            break;
        case OPT_LOADVM:
            cfg->loadvm = arg;
            break;
        case OPT_QMP:
            cfg->qmp = arg;
            break;
        case OPT_INCOMING:
            cfg->incoming = arg;
            break;
        case OPT_SNAPSHOT_STORE:
            cfg->snapshot_store = arg;
            break;
        case OPT_NETDEV:
            g_ptr_array_add(cfg->netdevs, (gpointer)arg);
            break;
        case OPT_NIC:
            g_ptr_array_add(cfg->nics, (gpointer)arg);
            break;
        }
    }
    /* As in QEMU: these only make sense for a kernel the board loads itself. */
    if (!cfg->kernel && cfg->append[0]) {
        error_setg(errp, "-append only allowed with -kernel option");
        return false;
    }
    if (!cfg->kernel && cfg->initrd) {
        error_setg(errp, "-initrd only allowed with -kernel option");
        return false;
    }
    return true;
}

void vl_config_free(VlConfig *cfg)
{
    for (int i = 0; i < cfg->nb_drives; i++) {
        DriveOpts *d = &cfg->drives[i];

        g_free(d->file);
        g_free(d->format);
        g_free(d->interface);
        g_free(d->id);
        g_free(d->media);
        g_free(d->cache);
    }
    if (cfg->serial) {
        g_ptr_array_free(cfg->serial, true);
    }
    if (cfg->chardevs) {
        g_ptr_array_free(cfg->chardevs, true);
    }
    if (cfg->devices) {
        g_ptr_array_free(cfg->devices, true);
    }
    if (cfg->objects) {
        g_ptr_array_free(cfg->objects, true);
    }
    if (cfg->globals) {
        g_ptr_array_free(cfg->globals, true);
    }
    if (cfg->bios_dirs) {
        g_ptr_array_free(cfg->bios_dirs, true);
    }
    if (cfg->log_ranges) {
        g_array_unref(cfg->log_ranges);
    }
    if (cfg->netdevs) {
        g_ptr_array_free(cfg->netdevs, true);
    }
    if (cfg->nics) {
        g_ptr_array_free(cfg->nics, true);
    }
    g_free(cfg->accel_opts);
    g_free(cfg->machine_opts);
    memset(cfg, 0, sizeof(*cfg));
}

/* ---- start-up ---- */

static void vl_signal_handler(int signo, siginfo_t *info, void *ctx)
{
    qemu_system_killed(signo, info ? info->si_pid : 0);
}

static void vl_install_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = vl_signal_handler;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
    /* A vanished socket peer must not kill us: writes then fail with EPIPE. */
    signal(SIGPIPE, SIG_IGN);
}

/* The architecture this binary serves: that of its default machine. */
static const char *vl_binary_arch(void)
{
    const MachineClass *mc = machine_class_find(NULL, NULL);

    return mc ? mc->arch : NULL;
}

static bool vl_check_devices(const VlConfig *cfg, GError **errp)
{
    for (guint i = 0; i < cfg->devices->len; i++) {
        char *name, *rest;
        const DeviceClass *dc;
        bool ok;

        vl_split_first(g_ptr_array_index(cfg->devices, i), &name, &rest);
        dc = device_class_by_name(name);
        ok = dc && dc->user_creatable;
        if (!dc) {
            error_setg(errp, "-device %s: unknown device (try -device help)", name);
        } else if (!ok) {
            error_setg(errp, "-device %s: this device cannot be added with -device",
                       name);
        }
        g_free(name);
        g_free(rest);
        if (!ok) {
            return false;
        }
    }
    return true;
}

static bool vl_setup_chardevs(const VlConfig *cfg, MachineState *ms, GError **errp)
{
    bool stdio_serial = false;
    Chardev *mux = NULL;

    for (guint i = 0; i < cfg->chardevs->len; i++) {
        if (!chardev_new_from_opts(g_ptr_array_index(cfg->chardevs, i), errp)) {
            return false;
        }
    }
    if (cfg->serial->len > 0) {
        for (guint i = 0; i < cfg->serial->len; i++) {
            const char *spec = g_ptr_array_index(cfg->serial, i);
            char *label = g_strdup_printf("serial%u", i);

            if (strcmp(spec, "none") == 0) {
                ms->serial[i] = NULL;
            } else {
                ms->serial[i] = chardev_new_from_spec(label, spec, errp);
                if (!ms->serial[i]) {
                    g_free(label);
                    return false;
                }
                if (strcmp(spec, "mon:stdio") == 0) {
                    mux = ms->serial[i];
                }
                stdio_serial |= chardev_is_stdio(ms->serial[i]);
            }
            g_free(label);
        }
    } else if (!cfg->nodefaults) {
        if (cfg->nographic) {
            ms->serial[0] = mux = chardev_stdio_mux();
            stdio_serial = true;
        } else if (!cfg->display_none) {
            ms->serial[0] = chardev_new_from_spec("serial0", "stdio", errp);
            if (!ms->serial[0]) {
                return false;
            }
            stdio_serial = true;
        }
    }

    if (cfg->monitor && strcmp(cfg->monitor, "none") != 0) {
        Chardev *chr;

        if (!vl_monitor_init) {
            error_setg(errp, "-monitor %s: the monitor is not built into mimic yet "
                       "(only -monitor none is accepted)", cfg->monitor);
            return false;
        }
        chr = chardev_new_from_spec("monitor0", cfg->monitor, errp);
        if (!chr || !vl_monitor_init(chr, chardev_is_stdio(chr) &&
                                     strcmp(cfg->monitor, "stdio") != 0, errp)) {
            return false;
        }
    } else if (!cfg->monitor && cfg->nographic && !cfg->nodefaults && vl_monitor_init) {
        /* QEMU's -nographic puts the monitor on stdio, behind the Ctrl-A mux. */
        if (!mux && !stdio_serial) {
            mux = chardev_stdio_mux();
        }
        if (mux && !vl_monitor_init(mux, true, errp)) {
            return false;
        }
    }
    if (cfg->qmp) {
        Chardev *chr = chardev_new_from_spec("qmp0", cfg->qmp, errp);

        if (!chr || !qmp_monitor_new(chr, errp)) {
            return false;
        }
    }
    return true;
}

/*
 * A closed stdin/stdout/stderr would let the next open() (our eventfd, a disk
 * image) take fd 0-2 and be mistaken for the terminal: park them on /dev/null.
 */
static void vl_guard_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);

            if (n >= 0 && n != fd) {
                dup2(n, fd);
                close(n);
            }
        }
    }
}

/* Would the configuration put a serial port or monitor on the terminal? */
static const char *vl_stdio_user(const VlConfig *cfg)
{
    if (cfg->nographic) {
        return "-nographic";
    }
    for (guint i = 0; i < cfg->serial->len; i++) {
        const char *spec = g_ptr_array_index(cfg->serial, i);

        if (!strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio")) {
            return "-serial stdio";
        }
    }
    if (cfg->serial->len == 0 && !cfg->nodefaults && !cfg->display_none) {
        return "the default serial port on stdio (add -display none)";
    }
    if (cfg->monitor && !strcmp(cfg->monitor, "stdio")) {
        return "-monitor stdio";
    }
    if (cfg->qmp && !strcmp(cfg->qmp, "stdio")) {
        return "-qmp stdio";
    }
    for (guint i = 0; i < cfg->chardevs->len; i++) {
        if (g_str_has_prefix(g_ptr_array_index(cfg->chardevs, i), "stdio")) {
            return "-chardev stdio";
        }
    }
    return NULL;
}

/* -bios NAME: as given, else in the -L directories. */
static const char *vl_find_bios(const VlConfig *cfg, char **found)
{
    *found = NULL;
    if (!cfg->bios || g_path_is_absolute(cfg->bios) ||
        g_file_test(cfg->bios, G_FILE_TEST_EXISTS)) {
        return cfg->bios;
    }
    for (guint i = 0; i < cfg->bios_dirs->len; i++) {
        char *p = g_build_filename(g_ptr_array_index(cfg->bios_dirs, i), cfg->bios, NULL);

        if (g_file_test(p, G_FILE_TEST_EXISTS)) {
            *found = p;
            return p;
        }
        g_free(p);
    }
    return cfg->bios;
}

static int vl_fail(GError *err)
{
    error_report_err(err);
    return 1;
}

/*
 * The start-up sequence and the run, for a parsed command line. Its early returns
 * (a bad option value, -help, a failed set-up) leave cfg to the caller, which
 * frees it on every path: what this hands on (drives, -device strings) it moves
 * out of cfg, and the log keeps its own reference to the -dfilter ranges.
 */
static int vl_run(VlConfig *cfg, const char *prog)
{
    const MachineClass *mc;
    const char *arch;
    MachineState *ms;
    uint64_t ram_size;
    GError *err = NULL;
    g_autofree char *bios_path = NULL;
    int status;

    if (cfg->help) {
        vl_print_usage(stdout, prog);
        return 0;
    }
    if (cfg->version) {
        printf("mimic emulator version " MIMIC_VERSION "\n"
               "Copyright (c) the mimic developers\n");
        return 0;
    }
    if (cfg->log_help) {
        mimic_log_print_items(stdout);
        return 0;
    }
    arch = vl_binary_arch();
    if (cfg->machine_help) {
        machine_class_list(stdout, arch);
        return 0;
    }
    if (cfg->accel_help) {
        accel_list(stdout);
        return 0;
    }
    if (cfg->device_help) {
        qdev_class_list(stdout, true);
        return 0;
    }
    error_set_message_options(cfg->msg_timestamp, cfg->msg_guest_name ? cfg->name : NULL);
    if (cfg->daemonize) {
        const char *user = vl_stdio_user(cfg);

        if (user) {
            error_report("-daemonize cannot be used with %s: the terminal goes away",
                         user);
            return 1;
        }
        /* From here on this is the child; the parent exits with its outcome. */
        if (!os_daemonize_start(&err)) {
            return vl_fail(err);
        }
    }
    if (cfg->pidfile && !os_pidfile_write(cfg->pidfile, &err)) {
        return vl_fail(err);
    }
    if (cfg->mem_lock && !os_mlock_all(&err)) {
        return vl_fail(err);
    }
    /* After -daemonize's forks and setsid, before anything reads guest input. */
    if (!sandbox_install(&cfg->sandbox, &err)) {
        return vl_fail(err);
    }
    if (cfg->log_file && !mimic_log_set_file(cfg->log_file, &err)) {
        return vl_fail(err);
    }
    mimic_loglevel = cfg->log_mask;
    mimic_log_set_ranges(cfg->log_ranges);

    mc = machine_class_find(arch, cfg->machine_name);
    if (!mc) {
        if (cfg->machine_name) {
            error_report("unsupported machine type '%s' (use -machine help to list "
                         "supported machines)", cfg->machine_name);
        } else {
            error_report("no machine specified, and this binary has no default "
                         "(use -machine help to list supported machines)");
        }
        return 1;
    }
    if (mc->arch) {
        arch = mc->arch;
    }
    if (cfg->cpu_help) {
        cpu_class_list(stdout, arch);
        return 0;
    }
    if (cfg->cpu_model && !cpu_class_by_name(arch, cfg->cpu_model)) {
        error_report("unable to find CPU model '%s' (use -cpu help to list models)",
                     cfg->cpu_model);
        return 1;
    }
    if (!vl_check_devices(cfg, &err)) {
        return vl_fail(err);
    }

    /* "-accel kvm:tcg" (QEMU's accel=kvm:tcg): try each in turn, saying why one
     * could not be used; options apply to the first. */
    {
        g_auto(GStrv) names = g_strsplit(cfg->accel, ":", -1);

        current_accel = NULL;
        for (int i = 0; names[i] && !current_accel; i++) {
            const AccelOps *ops = accel_find(names[i]);

            if (!ops) {
                error_report("invalid accelerator '%s' (use -accel help)", names[i]);
                return 1;
            }
            if (ops->init && !ops->init(i == 0 ? cfg->accel_opts : "", &err)) {
                if (!names[i + 1]) {
                    return vl_fail(err);
                }
                error_report("%s; falling back to %s", err->message, names[i + 1]);
                g_clear_error(&err);
                continue;
            }
            current_accel = ops;
        }
        if (!current_accel) {
            error_report("no accelerator given");
            return 1;
        }
    }

    ram_size = cfg->ram_size ? cfg->ram_size : mc->default_ram_size;
    if (mc->max_ram_size && ram_size > mc->max_ram_size) {
        error_report("-m: at most %" PRIu64 " MiB of RAM for machine '%s'",
                     mc->max_ram_size >> 20, mc->name);
        return 1;
    }
    ms = g_new0(MachineState, 1);
    ms->machine_name = mc->name;
    ms->ram_size = ram_size;
    ms->cpu_model = cfg->cpu_model;
    ms->smp = cfg->smp;
    ms->kernel_filename = cfg->kernel;
    ms->initrd_filename = cfg->initrd;
    ms->kernel_cmdline = cfg->append;
    ms->firmware = vl_find_bios(cfg, &bios_path);
    ms->no_reboot = cfg->no_reboot;
    memcpy(ms->uuid, cfg->uuid, sizeof(ms->uuid));
    memcpy(ms->boot_order, cfg->boot_order, sizeof(ms->boot_order));
    memcpy(ms->boot_once, cfg->boot_once, sizeof(ms->boot_once));
    ms->boot_menu = cfg->boot_menu;
    ms->boot_menu_wait = cfg->boot_menu_wait;
    ms->reboot_timeout = cfg->reboot_timeout;
    ms->nodefaults = cfg->nodefaults;
    ms->nb_drives = cfg->nb_drives;
    for (int i = 0; i < cfg->nb_drives; i++) {
        ms->drives[i] = cfg->drives[i];
        if (cfg->snapshot) {
            ms->drives[i].snapshot = true;
        }
        memset(&cfg->drives[i], 0, sizeof(cfg->drives[i]));   /* moved to ms */
    }
    ms->device_opts = cfg->devices;
    cfg->devices = NULL;
    current_machine = ms;
    current_machine_class = mc;
    runstate_set_no_reboot(cfg->no_reboot);
    runstate_set_no_shutdown(cfg->no_shutdown);
    runstate_set_panic_action((PanicAction)cfg->panic_action);
    watchdog_set_action((WatchdogAction)cfg->watchdog_action);
    vl_apply_rtc(cfg);

    for (guint i = 0; i < cfg->globals->len; i++) {
        const char *spec = g_ptr_array_index(cfg->globals, i);
        bool unknown = false;

        if (!qdev_global_add(spec, &unknown, &err)) {
            return vl_fail(err);
        }
        if (unknown) {
            error_report("warning: -global %s: this machine has no such device; "
                         "ignored", spec);
        }
    }
    main_loop_init();
    vl_install_signals();
    if (!vl_setup_chardevs(cfg, ms, &err)) {
        return vl_fail(err);
    }
    for (guint i = 0; i < cfg->objects->len; i++) {
        if (!rng_object_add(g_ptr_array_index(cfg->objects, i), &err)) {
            chardev_restore_terminal();
            return vl_fail(err);
        }
    }
    for (guint i = 0; i < cfg->netdevs->len; i++) {
        if (!net_netdev_add(g_ptr_array_index(cfg->netdevs, i), &err)) {
            chardev_restore_terminal();
            return vl_fail(err);
        }
    }
    for (guint i = 0; i < cfg->nics->len; i++) {
        if (!net_nic_add(g_ptr_array_index(cfg->nics, i), &err)) {
            chardev_restore_terminal();
            return vl_fail(err);
        }
    }
    if (!net_init_defaults(cfg->nodefaults, &err)) {
        chardev_restore_terminal();
        return vl_fail(err);
    }
    if (!mc->init(ms, &err)) {
        chardev_restore_terminal();
        return vl_fail(err);
    }
    net_check_clients();
    if (current_accel->machine_done && !current_accel->machine_done(ms, &err)) {
        chardev_restore_terminal();
        return vl_fail(err);
    }
    savevm_set_snapshot_store(cfg->snapshot_store);
    if (cfg->loadvm && !savevm_snapshot_load(cfg->loadvm, &err)) {
        chardev_restore_terminal();
        return vl_fail(err);
    }
    if (cfg->incoming && !savevm_migrate_in(cfg->incoming, &err)) {
        chardev_restore_terminal();
        return vl_fail(err);
    }
    /* -gdb / -s: after the CPUs exist (the stub reads them when gdb connects). */
    if (cfg->gdb_dev && strcmp(cfg->gdb_dev, "none") != 0 &&
        !gdbserver_start(cfg->gdb_dev, &err)) {
        chardev_restore_terminal();
        return vl_fail(err);
    }
    if (!cfg->start_paused) {
        vm_start();
    }
    os_daemonize_ready();
    status = main_loop_run();

    if (mimic_log_enabled(LOG_JITSTATS) && current_accel &&
        strcmp(current_accel->name, "tcg") == 0) {
        jit_stats_print(mimic_logfile);
    }
    if (mimic_log_enabled(LOG_TBCOUNT) && current_accel &&
        strcmp(current_accel->name, "tcg") == 0) {
        tb_count_print(mimic_logfile, 40);
    }
    fflush(mimic_logfile);
    chardev_restore_terminal();
    return status;
}

int vl_main(int argc, char **argv)
{
    const char *prog = argc > 0 ? argv[0] : "mimic";
    GError *err = NULL;
    VlConfig cfg;
    int status;

    vl_guard_std_fds();
    if (!vl_parse_args(argc, argv, &cfg, &err)) {
        status = vl_fail(err);
    } else {
        status = vl_run(&cfg, prog);
    }
    vl_config_free(&cfg);
    return status;
}
