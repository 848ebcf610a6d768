/*
 * Devices: the registry of device types, instance creation with typed properties,
 * realize, reset of all devices and the "info qtree" listing.
 *
 * Properties live inside the device's state struct at the offsets its class
 * declares; a wrong property name from a board is a programming error (abort), a
 * wrong value from the command line is a user error (GError).
 */
#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "chardev/char.h"

static GPtrArray *device_classes;
static DeviceState *device_list_head;
static DeviceState **device_list_tail = &device_list_head;

void device_class_register(const DeviceClass *dc)
{
    assert(dc && dc->name);
    assert(dc->instance_size >= sizeof(DeviceState));
    if (!device_classes) {
        device_classes = g_ptr_array_new();
    }
    /* Two device types of one name is a build mistake, not a user error. */
    assert(!device_class_by_name(dc->name));
    g_ptr_array_add(device_classes, (gpointer)dc);
}

const DeviceClass *device_class_by_name(const char *name)
{
    for (guint i = 0; device_classes && i < device_classes->len; i++) {
        const DeviceClass *dc = g_ptr_array_index(device_classes, i);

        if (strcmp(dc->name, name) == 0) {
            return dc;
        }
    }
    return NULL;
}

void qdev_class_list(FILE *f, bool user_creatable_only)
{
    for (guint i = 0; device_classes && i < device_classes->len; i++) {
        const DeviceClass *dc = g_ptr_array_index(device_classes, i);

        if (user_creatable_only && !dc->user_creatable) {
            continue;
        }
        fprintf(f, "name \"%s\"", dc->name);
        if (dc->desc) {
            fprintf(f, ", desc \"%s\"", dc->desc);
        }
        fputc('\n', f);
    }
}

static const Property *qdev_prop_find(const DeviceClass *dc, const char *name)
{
    for (const Property *p = dc->props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

static void *qdev_prop_ptr(DeviceState *dev, const Property *p)
{
    return (uint8_t *)dev + p->offset;
}

static void qdev_prop_set_defaults(DeviceState *dev)
{
    for (const Property *p = dev->dc->props; p && p->name; p++) {
        void *ptr = qdev_prop_ptr(dev, p);

        switch (p->type) {
        case PROP_UINT32:
            *(uint32_t *)ptr = (uint32_t)p->defval;
            break;
        case PROP_UINT64:
            *(uint64_t *)ptr = p->defval;
            break;
        case PROP_BOOL:
            *(bool *)ptr = p->defval != 0;
            break;
        case PROP_STRING:
            *(char **)ptr = NULL;
            break;
        case PROP_PTR:
            *(void **)ptr = NULL;
            break;
        }
    }
}

/*
 * -global DRIVER.PROP=VALUE: a default for PROP of every DRIVER device created
 * from then on, applied right after the class defaults, so what a board or a
 * -device line sets explicitly still wins (QEMU's order). A value the property
 * refuses makes that device's realize fail, naming the -global.
 */
typedef struct QdevGlobal {
    char *driver, *prop, *value;
} QdevGlobal;

static GPtrArray *qdev_globals;
static GHashTable *qdev_global_errors;      /* DeviceState * -> GError * */

bool qdev_global_add(const char *spec, bool *unknown_driver, GError **errp)
{
    g_autofree char *driver = NULL, *prop = NULL, *value = NULL;
    const char *eq = strchr(spec, '=');
    const char *dot = strchr(spec, '.');
    const DeviceClass *dc;

    *unknown_driver = false;
    if (g_str_has_prefix(spec, "driver=")) {
        /* driver=D,property=P,value=V */
        g_auto(GStrv) parts = g_strsplit(spec, ",", -1);

        for (int i = 0; parts[i]; i++) {
            char **slot = g_str_has_prefix(parts[i], "driver=") ? &driver :
                          g_str_has_prefix(parts[i], "property=") ? &prop :
                          g_str_has_prefix(parts[i], "value=") ? &value : NULL;
            if (!slot) {
                error_setg(errp, "-global: '%s' is not driver=, property= or value=",
                           parts[i]);
                return false;
            }
            g_free(*slot);
            *slot = g_strdup(strchr(parts[i], '=') + 1);
        }
    } else if (dot && eq && dot < eq) {
        driver = g_strndup(spec, dot - spec);
        prop = g_strndup(dot + 1, eq - dot - 1);
        value = g_strdup(eq + 1);
    }
    if (!driver || !prop || !value || !driver[0] || !prop[0]) {
        error_setg(errp, "-global '%s': expected DRIVER.PROP=VALUE or "
                   "driver=DRIVER,property=PROP,value=VALUE", spec);
        return false;
    }
    dc = device_class_by_name(driver);
    if (!dc) {
        /* QEMU only warns: command lines written for another machine (libvirt's
         * PIIX4_PM.disable_s3=1, say) still start. */
        *unknown_driver = true;
        return true;
    }
    if (!qdev_prop_find(dc, prop)) {
        error_setg(errp, "-global %s.%s: device '%s' has no property '%s'", driver, prop,
                   driver, prop);
        return false;
    }
    if (!qdev_globals) {
        qdev_globals = g_ptr_array_new();
    }
    QdevGlobal *g = g_new(QdevGlobal, 1);
    g->driver = g_steal_pointer(&driver);
    g->prop = g_steal_pointer(&prop);
    g->value = g_steal_pointer(&value);
    g_ptr_array_add(qdev_globals, g);
    return true;
}

void qdev_globals_clear(void)
{
    for (guint i = 0; qdev_globals && i < qdev_globals->len; i++) {
        QdevGlobal *g = g_ptr_array_index(qdev_globals, i);

        g_free(g->driver);
        g_free(g->prop);
        g_free(g->value);
        g_free(g);
    }
    g_clear_pointer(&qdev_globals, g_ptr_array_unref);
}

static void qdev_apply_globals(DeviceState *dev)
{
    for (guint i = 0; qdev_globals && i < qdev_globals->len; i++) {
        QdevGlobal *g = g_ptr_array_index(qdev_globals, i);
        GError *err = NULL;

        if (strcmp(g->driver, dev->dc->name) != 0 ||
            qdev_prop_parse(dev, g->prop, g->value, &err)) {
            continue;
        }
        g_prefix_error(&err, "-global %s.%s=%s: ", g->driver, g->prop, g->value);
        if (!qdev_global_errors) {
            qdev_global_errors = g_hash_table_new(NULL, NULL);
        }
        if (!g_hash_table_insert(qdev_global_errors, dev, err)) {
            g_error_free(err);          /* the first failure is reported */
        }
    }
}

DeviceState *qdev_new(const DeviceClass *dc, const char *id)
{
    static unsigned auto_id;
    DeviceState *dev;

    assert(dc && dc->instance_size >= sizeof(DeviceState));
    dev = g_malloc0(dc->instance_size);
    dev->dc = dc;
    if (id) {
        dev->id = g_strdup(id);
    } else {
        /* Unique and recognisable in info qtree. */
        dev->id = g_strdup_printf("%s.%u", dc->name, auto_id++);
    }
    qdev_prop_set_defaults(dev);
    qdev_apply_globals(dev);
    *device_list_tail = dev;
    device_list_tail = &dev->next;
    return dev;
}

bool qdev_realize(DeviceState *dev, GError **errp)
{
    GError *global_err;

    if (dev->realized) {
        return true;
    }
    if (qdev_global_errors &&
        g_hash_table_steal_extended(qdev_global_errors, dev, NULL,
                                    (gpointer *)&global_err)) {
        g_propagate_error(errp, global_err);
        return false;
    }
    if (dev->dc->realize && !dev->dc->realize(dev, errp)) {
        return false;
    }
    dev->realized = true;
    return true;
}

DeviceState *qdev_create_simple(const DeviceClass *dc, const char *id)
{
    DeviceState *dev = qdev_new(dc, id);
    GError *err = NULL;

    if (!qdev_realize(dev, &err)) {
        error_report("cannot realize device '%s': %s", dc->name, err->message);
        g_error_free(err);
        exit(1);
    }
    return dev;
}

/* Boards set properties by fixed names: a miss is a bug in the board. */
static void *qdev_prop_lookup(DeviceState *dev, const char *name, PropertyType type)
{
    const Property *p = qdev_prop_find(dev->dc, name);

    if (!p || p->type != type) {
        fprintf(stderr, "mimic: internal error: device '%s' has no %sproperty '%s'\n",
                dev->dc->name, p ? "such-typed " : "", name);
        abort();
    }
    assert(!dev->realized);
    return qdev_prop_ptr(dev, p);
}

void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t v)
{
    *(uint32_t *)qdev_prop_lookup(dev, name, PROP_UINT32) = v;
}

void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t v)
{
    *(uint64_t *)qdev_prop_lookup(dev, name, PROP_UINT64) = v;
}

void qdev_prop_set_bool(DeviceState *dev, const char *name, bool v)
{
    *(bool *)qdev_prop_lookup(dev, name, PROP_BOOL) = v;
}

void qdev_prop_set_string(DeviceState *dev, const char *name, const char *v)
{
    char **ptr = qdev_prop_lookup(dev, name, PROP_STRING);

    g_free(*ptr);
    *ptr = g_strdup(v);
}

void qdev_prop_set_ptr(DeviceState *dev, const char *name, void *v)
{
    *(void **)qdev_prop_lookup(dev, name, PROP_PTR) = v;
}

/* Integers accept C syntax (0x.., 0..) and the size suffixes k, M, G, T. */
static bool qdev_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 0;

    if (!*s || *s == '-' || g_ascii_isspace(*s)) {
        return false;
    }
    errno = 0;
    v = strtoull(s, &end, 0);
    if (errno || end == s) {
        return false;
    }
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    case 'T': shift = 40; end++; break;
    default: break;
    }
    if (*end) {
        return false;
    }
    if (shift && v > (UINT64_MAX >> shift)) {
        return false;
    }
    v <<= shift;
    if (v > max) {
        return false;
    }
    *out = v;
    return true;
}

bool qdev_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "on", "yes", "true", "1" };
    static const char *const no[] = { "off", "no", "false", "0" };

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool qdev_prop_parse(DeviceState *dev, const char *name, const char *value,
                     GError **errp)
{
    const Property *p = qdev_prop_find(dev->dc, name);
    void *ptr;
    uint64_t u;
    bool b;

    if (!p) {
        error_setg(errp, "device '%s' has no property '%s'", dev->dc->name, name);
        return false;
    }
    if (dev->realized) {
        error_setg(errp, "property '%s' of '%s' cannot change after realize",
                   name, dev->id);
        return false;
    }
    ptr = qdev_prop_ptr(dev, p);
    switch (p->type) {
    case PROP_UINT32:
        if (!qdev_parse_uint(value, UINT32_MAX, &u)) {
            error_setg(errp, "property '%s': '%s' is not a 32-bit unsigned number",
                       name, value);
            return false;
        }
        *(uint32_t *)ptr = (uint32_t)u;
        return true;
    case PROP_UINT64:
        if (!qdev_parse_uint(value, UINT64_MAX, &u)) {
            error_setg(errp, "property '%s': '%s' is not an unsigned number",
                       name, value);
            return false;
        }
        *(uint64_t *)ptr = u;
        return true;
    case PROP_BOOL:
        if (!qdev_parse_bool(value, &b)) {
            error_setg(errp, "property '%s': '%s' is not on/off", name, value);
            return false;
        }
        *(bool *)ptr = b;
        return true;
    case PROP_STRING:
        g_free(*(char **)ptr);
        *(char **)ptr = g_strdup(value);
        return true;
    case PROP_PTR:
        /* The only link a user can name is a character device, by its id. */
        if (strcmp(name, "chardev") == 0) {
            Chardev *chr = chardev_find(value);

            if (!chr) {
                error_setg(errp, "property 'chardev': no chardev with id '%s'", value);
                return false;
            }
            *(void **)ptr = chr;
            return true;
        }
        error_setg(errp, "property '%s' of '%s' cannot be set from the command line",
                   name, dev->dc->name);
        return false;
    }
    error_setg(errp, "property '%s': unknown type", name);
    return false;
}

void qdev_reset_all(void)
{
    for (DeviceState *dev = device_list_head; dev; dev = dev->next) {
        if (dev->realized && dev->dc->reset) {
            dev->dc->reset(dev);
        }
    }
}

DeviceState *qdev_first(void)
{
    return device_list_head;
}

DeviceState *qdev_find(const char *id)
{
    for (DeviceState *dev = device_list_head; dev; dev = dev->next) {
        if (dev->id && strcmp(dev->id, id) == 0) {
            return dev;
        }
    }
    return NULL;
}

static void qdev_print_props(FILE *f, DeviceState *dev, int indent)
{
    for (const Property *p = dev->dc->props; p && p->name; p++) {
        void *ptr = qdev_prop_ptr(dev, p);

        fprintf(f, "%*s%s = ", indent, "", p->name);
        switch (p->type) {
        case PROP_UINT32:
            fprintf(f, "%" PRIu32 " (0x%" PRIx32 ")\n", *(uint32_t *)ptr,
                    *(uint32_t *)ptr);
            break;
        case PROP_UINT64:
            fprintf(f, "%" PRIu64 " (0x%" PRIx64 ")\n", *(uint64_t *)ptr,
                    *(uint64_t *)ptr);
            break;
        case PROP_BOOL:
            fprintf(f, "%s\n", *(bool *)ptr ? "true" : "false");
            break;
        case PROP_STRING:
            fprintf(f, "\"%s\"\n", *(char **)ptr ? *(char **)ptr : "");
            break;
        case PROP_PTR:
            if (strcmp(p->name, "chardev") == 0 && *(void **)ptr) {
                fprintf(f, "\"%s\"\n", chardev_label(*(Chardev **)ptr));
            } else {
                fprintf(f, "%s\n", *(void **)ptr ? "<linked>" : "<null>");
            }
            break;
        }
    }
}

static void qdev_tree_print(FILE *f, DeviceState *parent, int indent)
{
    for (DeviceState *dev = device_list_head; dev; dev = dev->next) {
        if (dev->parent_bus_dev != parent) {
            continue;
        }
        fprintf(f, "%*sdev: %s, id \"%s\"%s\n", indent, "", dev->dc->name,
                dev->id ? dev->id : "", dev->realized ? "" : " (not realized)");
        qdev_print_props(f, dev, indent + 2);
        qdev_tree_print(f, dev, indent + 2);
    }
}

void qdev_tree_info(FILE *f)
{
    qdev_tree_print(f, NULL, 0);
}
