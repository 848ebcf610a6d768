/*
 * Devices: one const DeviceClass per device type; boards create instances with
 * qdev_new(), set properties, realize them and wire their IRQ lines and regions.
 * Every device takes part in reset and save/restore through its class.
 */
#ifndef HW_QDEV_H
#define HW_QDEV_H

#include "qemu/osdep.h"
#include "hw/irq.h"

struct VMStateDescription;
struct DeviceState;

typedef enum PropertyType {
    PROP_UINT32,
    PROP_UINT64,
    PROP_BOOL,
    PROP_STRING,       /* char * (g_strdup'ed) */
    PROP_PTR,          /* void * (a link to another object: Chardev *, BlockBackend *...) */
} PropertyType;

typedef struct Property {
    const char *name;
    PropertyType type;
    size_t offset;                 /* within the device state */
    uint64_t defval;               /* for integers and bools */
} Property;

#define DEFINE_PROP_UINT32(n, S, f, d) { (n), PROP_UINT32, offsetof(S, f), (d) }
#define DEFINE_PROP_UINT64(n, S, f, d) { (n), PROP_UINT64, offsetof(S, f), (d) }
#define DEFINE_PROP_BOOL(n, S, f, d)   { (n), PROP_BOOL, offsetof(S, f), (d) }
#define DEFINE_PROP_STRING(n, S, f)    { (n), PROP_STRING, offsetof(S, f), 0 }
#define DEFINE_PROP_PTR(n, S, f)       { (n), PROP_PTR, offsetof(S, f), 0 }
#define DEFINE_PROP_END_OF_LIST()      { NULL, 0, 0, 0 }

typedef struct DeviceClass {
    const char *name;              /* "isa-serial", "gt64120" */
    const char *desc;
    size_t instance_size;          /* state struct, starting with DeviceState */
    /* After properties are set: create regions, timers, lines. */
    bool (*realize)(struct DeviceState *dev, GError **errp);
    void (*reset)(struct DeviceState *dev);
    void (*unrealize)(struct DeviceState *dev);
    const struct VMStateDescription *vmsd;
    const Property *props;
    bool user_creatable;           /* -device NAME allowed */
} DeviceClass;

typedef struct DeviceState {
    const DeviceClass *dc;
    char *id;                      /* unique instance name ("serial0") */
    bool realized;
    struct DeviceState *parent_bus_dev;   /* e.g. PCI host for PCI devices */
    struct DeviceState *next;      /* global list, in creation order */
} DeviceState;

void device_class_register(const DeviceClass *dc);
const DeviceClass *device_class_by_name(const char *name);

/* Allocate a device (zeroed, properties at their defaults); id may be NULL (auto). */
DeviceState *qdev_new(const DeviceClass *dc, const char *id);
bool qdev_realize(DeviceState *dev, GError **errp);
/* Create and realize, aborting on failure (for boards wiring fixed devices). */
/*
 * -global: spec is "DRIVER.PROP=VALUE" or "driver=D,property=P,value=V". A
 * DRIVER this build does not have is accepted and ignored (*unknown_driver set,
 * for the caller's warning), as QEMU does; a PROP the driver lacks is an error.
 * Devices created afterwards get VALUE after their class defaults; one it does
 * not parse for makes their realize fail. qdev_globals_clear forgets them all.
 */
bool qdev_global_add(const char *spec, bool *unknown_driver, GError **errp);
void qdev_globals_clear(void);

DeviceState *qdev_create_simple(const DeviceClass *dc, const char *id);
void qdev_prop_set_uint32(DeviceState *dev, const char *name, uint32_t v);
void qdev_prop_set_uint64(DeviceState *dev, const char *name, uint64_t v);
void qdev_prop_set_bool(DeviceState *dev, const char *name, bool v);
void qdev_prop_set_string(DeviceState *dev, const char *name, const char *v);
void qdev_prop_set_ptr(DeviceState *dev, const char *name, void *v);
/* -device NAME,key=val,... property parsing (strings to typed values). */
bool qdev_prop_parse(DeviceState *dev, const char *name, const char *value, GError **errp);

/* Reset every realized device, in creation order. */
void qdev_reset_all(void);
DeviceState *qdev_first(void);
DeviceState *qdev_find(const char *id);
/* info qtree */
void qdev_tree_info(FILE *f);
/* -device help: list device types (only user-creatable ones if asked). */
void qdev_class_list(FILE *f, bool user_creatable_only);
/* on/off, yes/no, true/false, 1/0 (shared by -device, -machine, -chardev). */
bool qdev_parse_bool(const char *s, bool *out);

#define DEVICE(obj) ((DeviceState *)(obj))

#endif
