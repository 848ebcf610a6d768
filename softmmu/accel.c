/*
 * Registry of accelerators (TCG, KVM). Each registers its AccelOps from a
 * constructor; the command line picks one with -accel.
 */
#include "qemu/osdep.h"
#include "sysemu/accel.h"

#define MAX_ACCELS 4

const AccelOps *current_accel;
static const AccelOps *accels[MAX_ACCELS];
static int nr_accels;

void accel_register(const AccelOps *ops)
{
    assert(ops && ops->name);
    assert(nr_accels < MAX_ACCELS);
    assert(!accel_find(ops->name));
    accels[nr_accels++] = ops;
}

const AccelOps *accel_find(const char *name)
{
    for (int i = 0; i < nr_accels; i++) {
        if (strcmp(accels[i]->name, name) == 0) {
            return accels[i];
        }
    }
    return NULL;
}

void accel_list(FILE *f)
{
    fprintf(f, "Accelerators supported in mimic binary:\n");
    for (int i = 0; i < nr_accels; i++) {
        fprintf(f, "%s\n", accels[i]->name);
    }
}
