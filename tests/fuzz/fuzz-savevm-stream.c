/*
 * libFuzzer harness for the machine stream parser (softmmu/savevm.c,
 * softmmu/savevm-ram.c): a small machine (1 MiB of RAM, one device with state and a
 * timer) loads whatever the fuzzer makes. The CRC-32 trailer is recomputed on every
 * input so the fuzzer reaches the structural checks behind it. Build and run (a
 * corpus directory is optional; the seed is a valid stream written at start-up):
 *
 *   tests/fuzz/run-fuzz-savevm.sh [SECONDS]
 */
#include "qemu/osdep.h"
#include <zlib.h>
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "hw/qdev.h"
#include "qemu/timer.h"
#include "sysemu/runstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

typedef struct FuzzDev {
    DeviceState parent;
    uint32_t regs[8];
    uint8_t buf[16];
    Timer *timer;
} FuzzDev;

static void fuzzdev_tick(void *opaque)
{
}

static const VMStateDescription vmstate_fuzzdev = {
    .name = "fuzzdev",
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_ARRAY(regs, FuzzDev, 8),
        VMSTATE_BUFFER(buf, FuzzDev),
        VMSTATE_TIMER_PTR(timer, FuzzDev),
        VMSTATE_END_OF_LIST()
    },
};

static bool fuzzdev_realize(DeviceState *dev, GError **errp)
{
    ((FuzzDev *)dev)->timer = timer_new_ns(CLOCK_VIRTUAL, fuzzdev_tick, dev);
    return true;
}

static const DeviceClass fuzzdev_class = {
    .name = "fuzzdev",
    .instance_size = sizeof(FuzzDev),
    .realize = fuzzdev_realize,
    .vmsd = &vmstate_fuzzdev,
};

static MemoryRegion ram;
static MachineState machine;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    GError *err = NULL;
    GByteArray *seed = g_byte_array_new();
    FuzzDev *dev;

    machine.machine_name = "fuzzboard";
    machine.ram_size = 1024 * 1024;
    current_machine = &machine;
    if (!memory_region_init_ram(&ram, "fuzz.ram", machine.ram_size, &err)) {
        abort();
    }
    dev = (FuzzDev *)qdev_new(&fuzzdev_class, "dev0");
    if (!qdev_realize(DEVICE(dev), &err)) {
        abort();
    }
    for (int i = 0; i < 64 * 1024; i++) {
        ram.ram_ptr[i * 7 % machine.ram_size] = i;
    }
    dev->regs[3] = 0x1234;
    timer_mod(dev->timer, 1000000);
    /* Leave a valid stream as a seed for the corpus directory given by the script. */
    if (getenv("FUZZ_SEED_OUT") && savevm_save_stream(seed, &err)) {
        g_file_set_contents(getenv("FUZZ_SEED_OUT"), (const char *)seed->data, seed->len,
                            NULL);
    }
    g_byte_array_free(seed, true);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = g_memdup2(data, size ? size : 1);
    GError *err = NULL;

    if (size >= 12) {
        uint32_t crc = crc32(0, copy, size - 12);

        for (int i = 0; i < 4; i++) {
            copy[size - 12 + i] = crc >> (8 * i);
        }
    }
    if (!savevm_load_stream(copy, size, &err)) {
        g_error_free(err);
    }
    if (runstate_get() == RUN_STATE_INTERNAL_ERROR) {
        vm_stop(RUN_STATE_PAUSED);
    }
    g_free(copy);
    return 0;
}
