/*
 * Unit tests for hw/core/qdev.c and hw/core/irq.c: registry, property defaults,
 * setters and -device style parsing (good and bad values), realize, reset order,
 * lookup, info qtree, -global defaults; IRQ lines.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/qdev.h"
#include "hw/irq.h"
#include "chardev/char.h"

typedef struct TestDev {
    DeviceState parent;
    uint32_t base;
    uint64_t size;
    bool enabled;
    char *label;
    void *chr;
    int realized_count;
    int reset_count;
    int reset_order;
} TestDev;

static int reset_seq;

static bool testdev_realize(DeviceState *dev, GError **errp)
{
    TestDev *t = (TestDev *)dev;

    if (t->base == 0xdead) {
        error_setg(errp, "base 0xdead is refused");
        return false;
    }
    t->realized_count++;
    return true;
}

static void testdev_reset(DeviceState *dev)
{
    TestDev *t = (TestDev *)dev;

    t->reset_count++;
    t->reset_order = ++reset_seq;
}

static const Property testdev_props[] = {
    DEFINE_PROP_UINT32("base", TestDev, base, 0x3f8),
    DEFINE_PROP_UINT64("size", TestDev, size, 1ULL << 33),
    DEFINE_PROP_BOOL("enabled", TestDev, enabled, true),
    DEFINE_PROP_STRING("label", TestDev, label),
    DEFINE_PROP_PTR("chardev", TestDev, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static const DeviceClass testdev_class = {
    .name = "test-dev",
    .desc = "a device for the qdev tests",
    .instance_size = sizeof(TestDev),
    .realize = testdev_realize,
    .reset = testdev_reset,
    .props = testdev_props,
    .user_creatable = true,
};

static void __attribute__((constructor)) register_testdev(void)
{
    device_class_register(&testdev_class);
}

Test(qdev, registry_lookup)
{
    cr_assert_eq(device_class_by_name("test-dev"), &testdev_class);
    cr_assert_null(device_class_by_name("no-such-device"));
}

Test(qdev, defaults_applied)
{
    TestDev *t = (TestDev *)qdev_new(&testdev_class, "t0");

    cr_assert_eq(t->base, 0x3f8);
    cr_assert_eq(t->size, 1ULL << 33);
    cr_assert(t->enabled);
    cr_assert_null(t->label);
    cr_assert_str_eq(t->parent.id, "t0");
    cr_assert_eq(t->parent.dc, &testdev_class);
    cr_assert_not(t->parent.realized);
}

Test(qdev, auto_ids_unique)
{
    DeviceState *a = qdev_new(&testdev_class, NULL);
    DeviceState *b = qdev_new(&testdev_class, NULL);

    cr_assert_not_null(a->id);
    cr_assert_str_neq(a->id, b->id);
    cr_assert_eq(qdev_find(b->id), b);
}

Test(qdev, setters)
{
    TestDev *t = (TestDev *)qdev_new(&testdev_class, NULL);
    int x;

    qdev_prop_set_uint32(&t->parent, "base", 0x2f8);
    qdev_prop_set_uint64(&t->parent, "size", 42);
    qdev_prop_set_bool(&t->parent, "enabled", false);
    qdev_prop_set_string(&t->parent, "label", "hello");
    qdev_prop_set_ptr(&t->parent, "chardev", &x);
    cr_assert_eq(t->base, 0x2f8);
    cr_assert_eq(t->size, 42);
    cr_assert_not(t->enabled);
    cr_assert_str_eq(t->label, "hello");
    cr_assert_eq(t->chr, &x);
}

Test(qdev, setter_with_wrong_name_is_a_bug, .signal = SIGABRT)
{
    DeviceState *d = qdev_new(&testdev_class, NULL);

    qdev_prop_set_uint32(d, "no-such-prop", 1);
}

Test(qdev, parse_good_values)
{
    DeviceState *d = qdev_new(&testdev_class, NULL);
    TestDev *t = (TestDev *)d;
    GError *err = NULL;

    cr_assert(qdev_prop_parse(d, "base", "0x100", &err));
    cr_assert_eq(t->base, 0x100);
    cr_assert(qdev_prop_parse(d, "base", "4294967295", &err));
    cr_assert_eq(t->base, 0xffffffff);
    cr_assert(qdev_prop_parse(d, "size", "2G", &err));
    cr_assert_eq(t->size, 2ULL << 30);
    cr_assert(qdev_prop_parse(d, "size", "64k", &err));
    cr_assert_eq(t->size, 65536);
    cr_assert(qdev_prop_parse(d, "enabled", "off", &err));
    cr_assert_not(t->enabled);
    cr_assert(qdev_prop_parse(d, "enabled", "yes", &err));
    cr_assert(t->enabled);
    cr_assert(qdev_prop_parse(d, "label", "a b,c", &err));
    cr_assert_str_eq(t->label, "a b,c");
    cr_assert_null(err);
}

static void expect_parse_error(const char *name, const char *value, const char *needle)
{
    DeviceState *d = qdev_new(&testdev_class, NULL);
    TestDev before = *(TestDev *)d;
    GError *err = NULL;

    cr_assert_not(qdev_prop_parse(d, name, value, &err), "%s=%s accepted", name, value);
    cr_assert_not_null(err);
    cr_assert_not_null(strstr(err->message, needle), "message: %s", err->message);
    cr_assert_eq(((TestDev *)d)->base, before.base);
    cr_assert_eq(((TestDev *)d)->size, before.size);
    g_error_free(err);
}

Test(qdev, parse_bad_values)
{
    expect_parse_error("base", "4294967296", "32-bit");
    expect_parse_error("base", "-1", "32-bit");
    expect_parse_error("base", "12abc", "32-bit");
    expect_parse_error("base", "", "32-bit");
    expect_parse_error("size", "99999999999999999999", "number");
    expect_parse_error("size", "1Z", "number");
    expect_parse_error("enabled", "maybe", "on/off");
    expect_parse_error("nope", "1", "no property");
    expect_parse_error("chardev", "missing-chardev", "no chardev");
}

Test(qdev, parse_chardev_link_by_id)
{
    GError *err = NULL;
    Chardev *chr = chardev_new_from_opts("null,id=nul0", &err);
    DeviceState *d = qdev_new(&testdev_class, NULL);

    cr_assert_not_null(chr);
    cr_assert(qdev_prop_parse(d, "chardev", "nul0", &err));
    cr_assert_eq(((TestDev *)d)->chr, chr);
}

Test(qdev, realize_and_failure)
{
    DeviceState *d = qdev_new(&testdev_class, "ok");
    DeviceState *bad = qdev_new(&testdev_class, "bad");
    GError *err = NULL;

    cr_assert(qdev_realize(d, &err));
    cr_assert(d->realized);
    cr_assert(qdev_realize(d, &err), "realizing twice is harmless");
    cr_assert_eq(((TestDev *)d)->realized_count, 1);
    qdev_prop_set_uint32(bad, "base", 0xdead);
    cr_assert_not(qdev_realize(bad, &err));
    cr_assert_not(bad->realized);
    cr_assert_str_eq(err->message, "base 0xdead is refused");
    g_error_free(err);
    err = NULL;
    cr_assert_not(qdev_prop_parse(d, "base", "1", &err), "no changes after realize");
    g_error_free(err);
}

Test(qdev, reset_all_in_creation_order_realized_only)
{
    TestDev *a = (TestDev *)qdev_create_simple(&testdev_class, "a");
    TestDev *unrealized = (TestDev *)qdev_new(&testdev_class, "u");
    TestDev *b = (TestDev *)qdev_create_simple(&testdev_class, "b");

    qdev_reset_all();
    cr_assert_eq(a->reset_count, 1);
    cr_assert_eq(b->reset_count, 1);
    cr_assert_eq(unrealized->reset_count, 0);
    cr_assert_lt(a->reset_order, b->reset_order);
    cr_assert_eq(qdev_first(), &a->parent);
    cr_assert_eq(qdev_find("b"), &b->parent);
    cr_assert_null(qdev_find("zzz"));
}

static bool faildev_realize(DeviceState *dev, GError **errp)
{
    error_setg(errp, "this device never realizes");
    return false;
}

static const DeviceClass faildev_class = {
    .name = "fail-dev",
    .instance_size = sizeof(DeviceState),
    .realize = faildev_realize,
};

Test(qdev, create_simple_exits_on_failure, .exit_code = 1)
{
    device_class_register(&faildev_class);
    qdev_create_simple(&faildev_class, NULL);
    exit(0);   /* not reached: create_simple must have exited with 1 */
}

Test(qdev, qtree_info)
{
    DeviceState *d = qdev_new(&testdev_class, "uart0");
    DeviceState *child = qdev_new(&testdev_class, "child0");
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    child->parent_bus_dev = d;
    qdev_prop_set_string(d, "label", "console");
    qdev_realize(d, NULL);
    qdev_realize(child, NULL);
    f = open_memstream(&text, &len);
    qdev_tree_info(f);
    fclose(f);
    cr_assert_not_null(strstr(text, "dev: test-dev, id \"uart0\""), "%s", text);
    cr_assert_not_null(strstr(text, "  base = 1016 (0x3f8)"), "%s", text);
    cr_assert_not_null(strstr(text, "  label = \"console\""), "%s", text);
    cr_assert_not_null(strstr(text, "  dev: test-dev, id \"child0\""),
                       "children are indented under their parent: %s", text);
    free(text);
}

static int irq_levels[4];
static void *irq_seen_opaque;

static void irq_handler(void *opaque, int n, int level)
{
    irq_seen_opaque = opaque;
    irq_levels[n] = level;
}

Test(qdev, global_defaults_then_explicit_values)
{
    bool unknown = true;
    GError *err = NULL;

    cr_assert(qdev_global_add("test-dev.base=0x2e8", &unknown, &err));
    cr_assert_not(unknown);
    cr_assert(qdev_global_add("driver=test-dev,property=label,value=g", &unknown, &err));
    TestDev *t = (TestDev *)qdev_new(&testdev_class, NULL);
    cr_assert_eq(t->base, 0x2e8, "the global replaces the class default");
    cr_assert_str_eq(t->label, "g");
    cr_assert_eq(t->size, 1ULL << 33, "other properties keep their defaults");
    /* What -device or a board sets afterwards wins. */
    cr_assert(qdev_prop_parse(&t->parent, "base", "0x3e8", &err));
    cr_assert_eq(t->base, 0x3e8);
    cr_assert(qdev_realize(&t->parent, &err));
    qdev_globals_clear();
    t = (TestDev *)qdev_new(&testdev_class, NULL);
    cr_assert_eq(t->base, 0x3f8, "cleared globals no longer apply");
}

Test(qdev, global_errors)
{
    bool unknown = false;
    GError *err = NULL;

    /* Another machine's device: accepted, flagged for a warning, never applied. */
    cr_assert(qdev_global_add("PIIX4_PM.disable_s3=1", &unknown, &err));
    cr_assert(unknown);
    cr_assert_not(qdev_global_add("test-dev.no-such=1", &unknown, &err));
    cr_assert_not_null(strstr(err->message, "no property 'no-such'"), "%s", err->message);
    g_clear_error(&err);
    cr_assert_not(qdev_global_add("test-dev", &unknown, &err));
    g_clear_error(&err);
    cr_assert_not(qdev_global_add("driver=test-dev,prop=base,value=1", &unknown, &err));
    g_clear_error(&err);
    cr_assert_not(qdev_global_add(".base=1", &unknown, &err));
    g_clear_error(&err);

    /* A value the property refuses: that device's realize fails, naming the
     * -global; the next device of the driver fails the same way. */
    cr_assert(qdev_global_add("test-dev.enabled=maybe", &unknown, &err));
    DeviceState *d = qdev_new(&testdev_class, NULL);
    cr_assert_not(qdev_realize(d, &err));
    cr_assert_not_null(strstr(err->message, "-global test-dev.enabled=maybe"), "%s",
                       err->message);
    g_clear_error(&err);
    cr_assert_not(d->realized);
    qdev_globals_clear();
}

Test(irq, lines_carry_level_and_number)
{
    int token;
    IRQLine **lines = irq_new_array(irq_handler, &token, 4);
    IRQLine *one = irq_new(irq_handler, &token, 2);

    irq_raise(lines[3]);
    cr_assert_eq(irq_levels[3], 1);
    cr_assert_eq(irq_seen_opaque, &token);
    irq_lower(lines[3]);
    cr_assert_eq(irq_levels[3], 0);
    irq_set(one, 1);
    cr_assert_eq(irq_levels[2], 1);
    irq_pulse(lines[0]);
    cr_assert_eq(irq_levels[0], 0);
    irq_set(NULL, 1);   /* an unconnected line is a no-op */
    irq_free(one);
}
