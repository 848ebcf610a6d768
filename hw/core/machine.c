/*
 * Registry of machines (boards) and the machine being run. Boards register their
 * MachineClass from a constructor. The "none" machine (as in QEMU) is registered
 * here for every binary: no CPU, optional RAM at 0; it serves to check the command
 * line, chardevs and the main loop without a guest.
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "exec/memory.h"

MachineState *current_machine;
const MachineClass *current_machine_class;

static GPtrArray *machine_classes;

void machine_class_register(const MachineClass *mc)
{
    assert(mc && mc->name && mc->init);
    if (!machine_classes) {
        machine_classes = g_ptr_array_new();
    }
    for (guint i = 0; i < machine_classes->len; i++) {
        const MachineClass *o = g_ptr_array_index(machine_classes, i);
        /* Two boards of one name in one binary is a build mistake. */
        assert(strcmp(o->name, mc->name) != 0 ||
               (o->arch && mc->arch && strcmp(o->arch, mc->arch) != 0));
    }
    g_ptr_array_add(machine_classes, (gpointer)mc);
}

static bool machine_arch_matches(const MachineClass *mc, const char *arch)
{
    /* A machine without arch ("none") serves every binary. */
    return !arch || !mc->arch || strcmp(mc->arch, arch) == 0;
}

const MachineClass *machine_class_find(const char *arch, const char *name)
{
    if (!machine_classes) {
        return NULL;
    }
    for (guint i = 0; i < machine_classes->len; i++) {
        const MachineClass *mc = g_ptr_array_index(machine_classes, i);

        if (!machine_arch_matches(mc, arch)) {
            continue;
        }
        if (name ? strcmp(mc->name, name) == 0 : mc->is_default) {
            return mc;
        }
    }
    return NULL;
}

static gint machine_class_cmp(gconstpointer a, gconstpointer b)
{
    const MachineClass *ma = *(const MachineClass * const *)a;
    const MachineClass *mb = *(const MachineClass * const *)b;

    return strcmp(ma->name, mb->name);
}

void machine_class_list(FILE *f, const char *arch)
{
    GPtrArray *sorted = g_ptr_array_new();

    for (guint i = 0; machine_classes && i < machine_classes->len; i++) {
        const MachineClass *mc = g_ptr_array_index(machine_classes, i);

        if (machine_arch_matches(mc, arch)) {
            g_ptr_array_add(sorted, (gpointer)mc);
        }
    }
    g_ptr_array_sort(sorted, machine_class_cmp);
    fprintf(f, "Supported machines are:\n");
    for (guint i = 0; i < sorted->len; i++) {
        const MachineClass *mc = g_ptr_array_index(sorted, i);

        fprintf(f, "%-20s %s%s\n", mc->name, mc->desc ? mc->desc : "",
                mc->is_default ? " (default)" : "");
    }
    g_ptr_array_free(sorted, true);
}

/* ---- the "none" machine ---- */

static MemoryRegion machine_none_ram;

static bool machine_none_init(MachineState *ms, GError **errp)
{
    if (ms->ram_size) {
        if (!memory_region_init_ram(&machine_none_ram, "ram", ms->ram_size, errp)) {
            return false;
        }
        memory_region_add_subregion(get_system_memory(), 0, &machine_none_ram);
    }
    return true;
}

static const MachineClass machine_none = {
    .name = "none",
    .desc = "empty machine",
    .arch = NULL,
    .default_ram_size = 0,
    .max_ram_size = 1ULL << 32,
    .init = machine_none_init,
};

static void __attribute__((constructor)) machine_none_register(void)
{
    machine_class_register(&machine_none);
}

void machine_uuid_format(const MachineState *ms, char text[MACHINE_UUID_TEXT_LEN])
{
    static const uint8_t zero[16];
    const uint8_t *u = ms ? ms->uuid : zero;

    snprintf(text, MACHINE_UUID_TEXT_LEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
}
