/*
 * Unit tests for softmmu/savevm.c: the machine stream on a small machine (one RAM
 * block, one device with state and a timer): round trip of RAM and device state and
 * the virtual clock, zero pages elided, and bad streams (every truncation, flipped
 * bytes, another machine type / RAM size / device list) refused with the machine left
 * exactly as it was.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <zlib.h>
#include "migration/savevm.h"
#include "migration/vmstate.h"
#include "exec/memory.h"
#include "hw/boards.h"
#include "hw/qdev.h"
#include "qemu/timer.h"
#include "sysemu/runstate.h"

#define RAM_SIZE (1024 * 1024)

typedef struct TestDev {
    DeviceState parent;
    uint32_t reg[4];
    Timer *timer;
    int post_loads;
} TestDev;

static void testdev_tick(void *opaque)
{
}

static int testdev_post_load(void *opaque, int version_id)
{
    ((TestDev *)opaque)->post_loads++;
    return 0;
}

static const VMStateDescription vmstate_testdev = {
    .name = "testdev",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = testdev_post_load,
    .fields = (const VMStateField[]) {
        VMSTATE_UINT32_ARRAY(reg, TestDev, 4),
        VMSTATE_TIMER_PTR(timer, TestDev),
        VMSTATE_END_OF_LIST()
    },
};

static bool testdev_realize(DeviceState *dev, GError **errp)
{
    TestDev *t = (TestDev *)dev;

    t->timer = timer_new_ns(CLOCK_VIRTUAL, testdev_tick, t);
    return true;
}

static const DeviceClass testdev_class = {
    .name = "savevm-testdev",
    .instance_size = sizeof(TestDev),
    .realize = testdev_realize,
    .vmsd = &vmstate_testdev,
};

static MemoryRegion ram;
static TestDev *dev;
static MachineState machine;

static void setup(void)
{
    GError *err = NULL;

    machine.machine_name = "testboard";
    machine.ram_size = RAM_SIZE;
    current_machine = &machine;
    cr_assert(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, &err));
    dev = (TestDev *)qdev_new(&testdev_class, "dev0");
    cr_assert(qdev_realize(DEVICE(dev), &err));
}

/* Some pattern in a few pages, the rest zero. */
static void fill_state(uint32_t seed)
{
    memset(ram.ram_ptr, 0, RAM_SIZE);
    for (int pg = 0; pg < 8; pg++) {
        for (int i = 0; i < 4096; i += 4) {
            uint32_t v = seed * 2654435761u + pg * 4096 + i;

            memcpy(ram.ram_ptr + pg * 37 * 4096 + i, &v, 4);
        }
    }
    for (int i = 0; i < 4; i++) {
        dev->reg[i] = seed + i;
    }
    timer_mod(dev->timer, clock_get_ns(CLOCK_VIRTUAL) + seed * 1000);
}

static GByteArray *save(void)
{
    GByteArray *b = g_byte_array_new();
    GError *err = NULL;

    cr_assert(savevm_save_stream(b, &err), "%s", err ? err->message : "");
    return b;
}

TestSuite(savevm, .init = setup);

Test(savevm, round_trip_restores_ram_devices_and_clock)
{
    g_autoptr(GByteArray) s = NULL;
    g_autofree uint8_t *ram_copy = NULL;
    int64_t clock_at_save, expire_at_save;
    GError *err = NULL;

    vm_start();
    fill_state(7);
    vm_stop(RUN_STATE_PAUSED);
    clock_at_save = clock_get_ns(CLOCK_VIRTUAL);
    expire_at_save = timer_expire_time_ns(dev->timer);
    ram_copy = g_memdup2(ram.ram_ptr, RAM_SIZE);
    s = save();
    /* 8 non-zero pages of 256: the stream is far smaller than RAM. */
    cr_assert_lt(s->len, 64 * 1024, "stream of %u bytes", s->len);

    vm_start();
    g_usleep(20000);
    fill_state(99);
    ram.ram_ptr[RAM_SIZE - 1] = 0x5a;    /* a page that was zero at save */
    vm_stop(RUN_STATE_PAUSED);

    cr_assert(savevm_load_stream(s->data, s->len, &err), "%s", err ? err->message : "");
    cr_assert(memcmp(ram.ram_ptr, ram_copy, RAM_SIZE) == 0);
    cr_assert_eq(dev->reg[0], 7);
    cr_assert_eq(dev->reg[3], 10);
    cr_assert_eq(dev->post_loads, 1);
    cr_assert_eq(clock_get_ns(CLOCK_VIRTUAL), clock_at_save);
    cr_assert_eq(timer_expire_time_ns(dev->timer), expire_at_save);
}

static void assert_refused_and_untouched(const uint8_t *buf, size_t len, const char *want)
{
    g_autofree uint8_t *ram_before = g_memdup2(ram.ram_ptr, RAM_SIZE);
    uint32_t reg0 = dev->reg[0];
    int64_t clock_before = clock_get_ns(CLOCK_VIRTUAL);
    GError *err = NULL;

    cr_assert_not(savevm_load_stream(buf, len, &err));
    cr_assert_not_null(err);
    if (want) {
        cr_assert(strstr(err->message, want), "message '%s' lacks '%s'", err->message, want);
    }
    g_error_free(err);
    cr_assert(memcmp(ram.ram_ptr, ram_before, RAM_SIZE) == 0);
    cr_assert_eq(dev->reg[0], reg0);
    cr_assert_eq(dev->post_loads, 0);
    cr_assert_eq(clock_get_ns(CLOCK_VIRTUAL), clock_before);
}

Test(savevm, every_truncation_is_refused)
{
    g_autoptr(GByteArray) s = NULL;

    fill_state(3);
    s = save();
    fill_state(4);
    for (size_t len = 0; len < s->len; len += (len < 200 ? 1 : 997)) {
        assert_refused_and_untouched(s->data, len, NULL);
    }
}

Test(savevm, flipped_bytes_are_refused)
{
    g_autoptr(GByteArray) s = NULL;

    fill_state(3);
    s = save();
    fill_state(4);
    for (size_t pos = 0; pos < s->len; pos += 1 + pos / 8) {
        s->data[pos] ^= 0x40;
        assert_refused_and_untouched(s->data, s->len, NULL);
        s->data[pos] ^= 0x40;
    }
}

Test(savevm, corruption_inside_ram_names_the_crc)
{
    g_autoptr(GByteArray) s = NULL;

    fill_state(3);
    s = save();
    fill_state(4);
    s->data[s->len / 2] ^= 1;
    assert_refused_and_untouched(s->data, s->len, "corrupted");
}

Test(savevm, other_ram_size_is_refused)
{
    g_autoptr(GByteArray) s = NULL;

    fill_state(3);
    s = save();
    fill_state(4);
    machine.ram_size = 2 * RAM_SIZE;
    assert_refused_and_untouched(s->data, s->len, "1 MiB of RAM");
}

Test(savevm, other_machine_type_is_refused)
{
    g_autoptr(GByteArray) s = NULL;

    fill_state(3);
    s = save();
    fill_state(4);
    machine.machine_name = "otherboard";
    assert_refused_and_untouched(s->data, s->len, "machine type 'testboard'");
}

Test(savevm, other_device_list_is_refused)
{
    g_autoptr(GByteArray) s = NULL;
    GError *err = NULL;

    fill_state(3);
    s = save();
    fill_state(4);
    cr_assert(qdev_realize(qdev_new(&testdev_class, "dev1"), &err));
    assert_refused_and_untouched(s->data, s->len, "dev1");
}

Test(savevm, garbage_is_refused)
{
    uint8_t junk[4096];

    fill_state(4);
    for (size_t i = 0; i < sizeof(junk); i++) {
        junk[i] = i * 131 + 7;
    }
    assert_refused_and_untouched(junk, sizeof(junk), "bad magic");
    memcpy(junk, "MIMICVM\n", 8);
    assert_refused_and_untouched(junk, sizeof(junk), NULL);
}

Test(savevm, check_stream_changes_nothing)
{
    g_autoptr(GByteArray) s = NULL;
    GError *err = NULL;

    fill_state(3);
    s = save();
    fill_state(4);
    cr_assert(savevm_check_stream(s->data, s->len, &err));
    cr_assert_eq(dev->reg[0], 4);
    cr_assert_eq(dev->post_loads, 0);
}

Test(savevm, snapshot_needs_a_store_without_disks)
{
    GError *err = NULL;

    savevm_set_snapshot_store(NULL);
    cr_assert_not(savevm_snapshot_save("s1", &err));
    cr_assert(strstr(err->message, "-snapshot-store"), "%s", err->message);
    g_error_free(err);
}

Test(savevm, writable_raw_disk_is_explained)
{
    GError *err = NULL;
    g_autofree char *dir = g_dir_make_tmp("savevm-XXXXXX", NULL);
    g_autofree char *store = g_build_filename(dir, "store", NULL);

    savevm_set_snapshot_store(store);
    machine.nb_drives = 1;
    machine.drives[0].file = (char *)"disk.img";
    machine.drives[0].format = (char *)"raw";
    cr_assert_not(savevm_snapshot_save("s1", &err));
    cr_assert(strstr(err->message, "disk.img") && strstr(err->message, "raw"),
              "%s", err->message);
    g_error_free(err);
    cr_assert_not(g_file_test(store, G_FILE_TEST_EXISTS));
    rmdir(dir);
}

Test(savevm, snapshot_save_load_through_the_store)
{
    GError *err = NULL;
    g_autofree char *dir = g_dir_make_tmp("savevm-XXXXXX", NULL);
    g_autofree char *store = g_build_filename(dir, "store", NULL);
    GPtrArray *list;

    savevm_set_snapshot_store(store);
    fill_state(11);
    cr_assert(savevm_snapshot_save("s1", &err), "%s", err ? err->message : "");
    fill_state(12);
    cr_assert(savevm_snapshot_save(NULL, &err));     /* vm-<date> tag */
    list = snapshot_store_list(store, &err);
    cr_assert_eq(list->len, 2);
    cr_assert(g_str_has_prefix(((SnapshotInfo *)g_ptr_array_index(list, 1))->tag, "vm-"));
    g_ptr_array_free(list, true);

    cr_assert(savevm_snapshot_load("s1", &err), "%s", err ? err->message : "");
    cr_assert_eq(dev->reg[0], 11);
    cr_assert_not(savevm_snapshot_load("nosuch", &err));
    cr_assert(strstr(err->message, "does not exist"), "%s", err->message);
    g_clear_error(&err);
    cr_assert_eq(dev->reg[0], 11);
    cr_assert(savevm_snapshot_delete("s1", &err));
    cr_assert_not(savevm_snapshot_load("s1", &err));
    g_clear_error(&err);
    unlink(store);
    rmdir(dir);
}

/* Recompute the CRC-32 trailer so mutations reach the parser behind it. */
static void fix_crc(GByteArray *s)
{
    uint32_t crc;

    if (s->len < 12) {
        return;
    }
    crc = crc32(0, s->data, s->len - 12);
    for (int i = 0; i < 4; i++) {
        s->data[s->len - 12 + i] = crc >> (8 * i);
    }
}

/*
 * A short in-process fuzz run of the stream parser: random byte changes, cuts and
 * insertions with a valid CRC, so every structural check behind it is exercised.
 * Whatever happens, loading must not crash, and a refused stream must leave the
 * device state alone unless the failure came from zlib after the checks (then the
 * machine is stopped in internal-error, which the test accepts).
 */
Test(savevm, fuzz_the_parser_with_valid_crcs)
{
    g_autoptr(GByteArray) good = NULL;
    GRand *rnd = g_rand_new_with_seed(0x5eed);
    int refused = 0, loaded = 0;

    fill_state(3);
    good = save();
    for (int iter = 0; iter < 3000; iter++) {
        g_autoptr(GByteArray) s = g_byte_array_new();
        int nmut = g_rand_int_range(rnd, 1, 4);
        GError *err = NULL;

        g_byte_array_append(s, good->data, good->len);
        for (int m = 0; m < nmut; m++) {
            /* Mostly in the header and tables, where the structure is. */
            guint limit = g_rand_boolean(rnd) ? MIN(s->len - 12, 512u) : s->len - 12;
            guint pos = g_rand_int_range(rnd, 0, limit);

            switch (g_rand_int_range(rnd, 0, 4)) {
            case 0:
                s->data[pos] ^= 1u << g_rand_int_range(rnd, 0, 8);
                break;
            case 1:
                s->data[pos] = g_rand_int_range(rnd, 0, 256);
                break;
            case 2: {
                guint cut = g_rand_int_range(rnd, 1, 64);

                g_byte_array_remove_range(s, pos, MIN(s->len - 12 - pos, cut));
                break;
            }
            default: {
                uint8_t junk[16];

                for (int i = 0; i < 16; i++) {
                    junk[i] = g_rand_int_range(rnd, 0, 256);
                }
                guint n = g_rand_int_range(rnd, 1, 16);

                g_byte_array_set_size(s, s->len + n);
                memmove(s->data + pos + n, s->data + pos, s->len - n - pos);
                memcpy(s->data + pos, junk, n);
                break;
            }
            }
        }
        fix_crc(s);
        fill_state(4);
        vm_stop(RUN_STATE_PAUSED);
        if (savevm_load_stream(s->data, s->len, &err)) {
            loaded++;
        } else {
            cr_assert_not_null(err);
            if (runstate_get() != RUN_STATE_INTERNAL_ERROR) {
                cr_assert_eq(dev->reg[0], 4, "iteration %d: %s", iter, err->message);
            }
            g_error_free(err);
            refused++;
        }
    }
    g_rand_free(rnd);
    cr_assert_gt(refused, 2000, "only %d of 3000 mutated streams refused", refused);
    cr_log_info("fuzz: %d refused, %d loaded", refused, loaded);
}

static const DeviceClass statelessdev_class = {
    .name = "savevm-undescribed",
    .instance_size = sizeof(DeviceState),
};

Test(savevm, device_without_vmsd_is_refused)
{
    g_autoptr(GByteArray) b = g_byte_array_new();
    GError *err = NULL;

    cr_assert(qdev_realize(qdev_new(&statelessdev_class, "nodesc"), &err));
    cr_assert_not(savevm_save_stream(b, &err));
    cr_assert(strstr(err->message, "'nodesc'"), "%s", err->message);
    cr_assert_eq(b->len, 0);
    g_error_free(err);
}
