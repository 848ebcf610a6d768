/*
 * Machines (boards): registered by name; main() parses the command line into a
 * MachineState and calls the board's init, which creates the CPU(s), memory and
 * devices and prepares the boot.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qemu/osdep.h"
#include "hw/core/cpu.h"

struct Chardev;

#define MAX_SERIAL_PORTS 4
#define MAX_DRIVES 8

typedef struct DriveOpts {
    char *file, *format, *interface, *id, *media, *cache;
    bool snapshot, readonly;
    int index;
} DriveOpts;

typedef struct MachineState {
    const char *machine_name;
    uint64_t ram_size;             /* bytes (-m) */
    const char *cpu_model;         /* -cpu, NULL for the board default */
    int smp;
    const char *kernel_filename;   /* -kernel */
    const char *initrd_filename;   /* -initrd */
    const char *kernel_cmdline;    /* -append ("" if none) */
    const char *firmware;          /* -bios */
    struct Chardev *serial[MAX_SERIAL_PORTS];  /* -serial, in order; NULL = none */
    bool no_reboot;
    bool nodefaults;
    uint8_t uuid[16];              /* -uuid: the system UUID, all zero if not given */
    /* -boot: drive letters (a/b floppy, c disk, d CD-ROM, n network) in order, the
     * order for the first start only (NULL if none), the firmware's boot menu, its
     * wait (ms, -1 = firmware default) and the wait before retrying after no device
     * booted (ms, -1 = firmware default). Empty order: the board's default. */
    char boot_order[17], boot_once[17];
    bool boot_menu;
    int boot_menu_wait, reboot_timeout;
    DriveOpts drives[MAX_DRIVES];
    int nb_drives;
    GPtrArray *device_opts;        /* -device strings, for the board to place */
    CPUState *cpu;                 /* first CPU, set by the board */
    void *board_state;             /* the board's own */
} MachineState;

typedef struct MachineClass {
    const char *name;              /* "malta", "pc" */
    const char *desc;
    const char *arch;              /* "mips", "i386": which binary serves it */
    bool is_default;
    const char *default_cpu;
    uint64_t default_ram_size;
    uint64_t max_ram_size;
    /* Build the machine; false + errp on bad configuration (bad kernel, too much RAM). */
    bool (*init)(MachineState *ms, GError **errp);
    /* Board-level reset beyond devices and CPUs (re-run the boot set-up). */
    void (*reset)(MachineState *ms);
} MachineClass;

void machine_class_register(const MachineClass *mc);
/* ms's -uuid in its text form (all zero without a machine). */
#define MACHINE_UUID_TEXT_LEN 37
void machine_uuid_format(const MachineState *ms, char text[MACHINE_UUID_TEXT_LEN]);
const MachineClass *machine_class_find(const char *arch, const char *name);
void machine_class_list(FILE *f, const char *arch);

extern MachineState *current_machine;
extern const MachineClass *current_machine_class;

#endif
