/*
 * The command line (softmmu/vl.c): QEMU's option syntax parsed into a VlConfig,
 * then the start-up sequence. main() (softmmu/main.c) only calls vl_main().
 */
#ifndef SYSEMU_VL_H
#define SYSEMU_VL_H

#include "qemu/osdep.h"
#include "sysemu/sandbox.h"
#include "hw/boards.h"

struct Chardev;

enum { VL_RTC_UTC, VL_RTC_LOCALTIME, VL_RTC_DATE };

typedef struct VlConfig {
    const char *machine_name;      /* -M NAME (NULL: the binary's default) */
    char *machine_opts;            /* the ",k=v" part of -M, if any */
    uint64_t ram_size;             /* -m in bytes, 0 = board default */
    const char *cpu_model;         /* -cpu */
    int smp;                       /* -smp (1 if not given) */
    const char *kernel, *initrd, *append, *bios;
    bool nographic, display_none, nodefaults, no_reboot, no_shutdown, start_paused, snapshot;
    GPtrArray *serial;             /* -serial specs, in order */
    GPtrArray *chardevs;           /* -chardev option strings */
    const char *monitor;           /* -monitor spec, NULL if not given */
    const char *loadvm;            /* -loadvm TAG */
    const char *qmp;               /* -qmp spec */
    const char *incoming;          /* -incoming file:PATH / exec:CMD */
    const char *snapshot_store;    /* -snapshot-store FILE */
    unsigned log_mask;             /* -d */
    bool log_given;
    const char *log_file;          /* -D */
    GArray *log_ranges;            /* -dfilter (LogRange), NULL if not given */
    const char *accel;             /* -accel NAME ("tcg" if not given) */
    char *accel_opts;              /* the ",k=v" part of -accel ("" if none) */
    const char *name;              /* -name */
    uint8_t uuid[16];              /* -uuid (all zero if not given, as in QEMU) */
    GPtrArray *devices;            /* -device strings */
    GPtrArray *netdevs;            /* -netdev option strings */
    GPtrArray *objects;            /* -object option strings */
    GPtrArray *globals;            /* -global option strings */
    SandboxConfig sandbox;         /* -sandbox */
    GPtrArray *bios_dirs;          /* -L directories, searched for -bios */
    const char *pidfile;           /* -pidfile */
    bool daemonize;                /* -daemonize */
    bool mem_lock;                 /* -overcommit mem-lock=on */
    bool msg_timestamp, msg_guest_name;   /* -msg */
    int panic_action;              /* -action panic= (PanicAction) */
    int watchdog_action;           /* -watchdog-action, -action watchdog= */
    char boot_order[17], boot_once[17];   /* -boot: see MachineState */
    bool boot_menu;
    int boot_menu_wait, reboot_timeout;
    GPtrArray *nics;               /* -nic option strings */
    const char *gdb_dev;           /* -gdb DEV / -s (tcp::1234); NULL: no stub */
    /* -rtc: the start time (VL_RTC_UTC, VL_RTC_LOCALTIME or VL_RTC_DATE at
     * rtc_date, seconds since 1970 UTC) and whether it follows the host's clock
     * across pauses (clock=host/rt, the default) or the VM's (clock=vm). */
    int rtc_base;
    int64_t rtc_date;
    bool rtc_clock_vm;
    DriveOpts drives[MAX_DRIVES];  /* -drive, -hda..-hdd, -cdrom */
    int nb_drives;
    /* Requests that print something and exit. */
    bool help, version, machine_help, cpu_help, log_help, accel_help, device_help;
} VlConfig;

/* Parse argv (argv[0] is the program). Pure: no chardevs, files or devices are
 * opened, so tests may call it freely. False + errp on a bad option or value. */
bool vl_parse_args(int argc, char **argv, VlConfig *cfg, GError **errp);
void vl_config_free(VlConfig *cfg);
/* Parse a -boot value ("cd", "order=dc,once=d,menu=on,splash-time=N,
 * reboot-timeout=N") into cfg. */
bool vl_parse_boot(VlConfig *cfg, const char *arg, GError **errp);
/* Parse a -uuid value into its 16 bytes (in the order of the text). */
bool vl_parse_uuid(const char *arg, uint8_t uuid[16], GError **errp);
/* Parse a -m value ("256" = MiB, "1G", "512M", "size=2G"). */
bool vl_parse_ram_size(const char *arg, uint64_t *bytes, GError **errp);

/* The whole emulator: parse, build the machine, run; returns the exit status. */
int vl_main(int argc, char **argv);

/*
 * The monitor (a later part) plugs in here from a constructor: vl.c calls it for
 * -monitor SPEC (with the chardev made from SPEC) and, under -nographic, with the
 * stdio mux (where it should attach with chardev_mux_add_frontend).
 */
typedef bool (*VlMonitorInitFn)(struct Chardev *chr, bool on_mux, GError **errp);
void vl_register_monitor(VlMonitorInitFn fn);

/* "0.1.0": the version -version and the monitor's `info version` print. */
const char *vl_version_string(void);

#endif
