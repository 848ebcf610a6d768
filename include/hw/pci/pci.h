/*
 * PCI core: a bus of up to 256 functions (32 devices x 8 functions), each with a
 * 256-byte type-0 configuration header, write masks, BARs that are mapped into the
 * bus's memory and I/O MemoryRegions when the guest programs them and enables
 * decoding, and INTx pins that the board routes to interrupt lines.
 *
 * A PCI device type embeds PCIDeviceClass (whose first member is the DeviceClass
 * registered with qdev) and its state embeds PCIDevice (first member DeviceState).
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "exec/memory.h"

/* Configuration header (PCI Local Bus Specification 3.0, section 6.1). */
#define PCI_VENDOR_ID           0x00
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x0001
#define  PCI_COMMAND_MEMORY     0x0002
#define  PCI_COMMAND_MASTER     0x0004
#define  PCI_COMMAND_SPECIAL    0x0008
#define  PCI_COMMAND_INVALIDATE 0x0010
#define  PCI_COMMAND_PARITY     0x0040
#define  PCI_COMMAND_SERR       0x0100
#define  PCI_COMMAND_FAST_BACK  0x0200
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS              0x06
#define  PCI_STATUS_INTERRUPT   0x0008
#define  PCI_STATUS_CAP_LIST    0x0010
#define  PCI_STATUS_66MHZ       0x0020
#define  PCI_STATUS_FAST_BACK   0x0080
#define  PCI_STATUS_DEVSEL_MEDIUM 0x0200
#define  PCI_STATUS_W1C_MASK    0xf900   /* error bits: write 1 to clear */
#define PCI_REVISION_ID         0x08
#define PCI_CLASS_PROG          0x09
#define PCI_CLASS_DEVICE        0x0a
#define PCI_CACHE_LINE_SIZE     0x0c
#define PCI_LATENCY_TIMER       0x0d
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BIST                0x0f
#define PCI_BASE_ADDRESS_0      0x10
#define  PCI_BASE_ADDRESS_SPACE_IO     0x01
#define  PCI_BASE_ADDRESS_SPACE_MEMORY 0x00
#define  PCI_BASE_ADDRESS_MEM_PREFETCH 0x08
#define  PCI_BASE_ADDRESS_MEM_MASK     (~0x0fU)
#define  PCI_BASE_ADDRESS_IO_MASK      (~0x03U)
#define PCI_CARDBUS_CIS         0x28
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_ROM_ADDRESS         0x30
#define PCI_CAPABILITY_LIST     0x34
#define PCI_INTERRUPT_LINE      0x3c
#define PCI_INTERRUPT_PIN       0x3d
#define PCI_MIN_GNT             0x3e
#define PCI_MAX_LAT             0x3f

#define PCI_CONFIG_SPACE_SIZE   256
#define PCI_NUM_BARS            6
#define PCI_ROM_SLOT            6      /* bars[6]: the expansion ROM BAR at 0x30 */
#define PCI_NUM_REGIONS         7
#define  PCI_ROM_ADDRESS_ENABLE 0x01
#define  PCI_ROM_ADDRESS_MASK   (~0x7ffU)
#define PCI_NUM_PINS            4      /* INTA#..INTD# */
#define PCI_BAR_UNMAPPED        (~(hwaddr)0)

#define PCI_DEVFN(slot, func)   ((((slot) & 0x1f) << 3) | ((func) & 0x07))
#define PCI_SLOT(devfn)         (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)         ((devfn) & 0x07)

/* Class codes used by the devices here. */
#define PCI_CLASS_BRIDGE_HOST   0x0600
#define PCI_CLASS_BRIDGE_ISA    0x0601
#define PCI_CLASS_STORAGE_IDE   0x0101
#define PCI_CLASS_SERIAL_USB    0x0c03
#define PCI_CLASS_BRIDGE_OTHER  0x0680

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

typedef struct PCIDeviceClass {
    DeviceClass parent;            /* registered with device_class_register() */
    uint16_t vendor_id, device_id;
    uint8_t revision;
    uint16_t class_id;             /* base class << 8 | sub-class */
    uint8_t prog_if;
    uint16_t subsystem_vendor_id, subsystem_id;
    bool multifunction;            /* header type bit 7 (function 0 of a multi-function device) */
    uint8_t interrupt_pin;         /* 0 = none, 1..4 = INTA#..INTD# */
    /* Optional hooks around the generic config access (after masks are applied). */
    uint32_t (*config_read)(PCIDevice *d, uint32_t addr, int len);
    void (*config_write)(PCIDevice *d, uint32_t addr, uint32_t val, int len);
} PCIDeviceClass;

typedef struct PCIBar {
    uint64_t size;                 /* power of two; 0 = not implemented */
    uint8_t type;                  /* PCI_BASE_ADDRESS_SPACE_* | MEM_PREFETCH */
    MemoryRegion *mr;              /* what the BAR decodes to (NULL: config only) */
    hwaddr addr;                   /* where it is mapped, PCI_BAR_UNMAPPED if not */
} PCIBar;

struct PCIDevice {
    DeviceState qdev;
    PCIBus *bus;
    uint8_t devfn;
    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];    /* bits the guest may write */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE];  /* bits a 1 clears */
    PCIBar bars[PCI_NUM_REGIONS];  /* 0-5 and PCI_ROM_SLOT */
    int irq_state;                 /* level this function drives on its pin */
    bool irq_asserted;             /* what the bus currently counts for it (derived) */
};

typedef void (*PCISetIRQFn)(void *opaque, int irq_num, int level);
/* Board routing: (device, pin 0..3) -> interrupt number 0..nirq-1 of the bus. */
typedef int (*PCIMapIRQFn)(PCIDevice *d, int pin);

struct PCIBus {
    char *name;
    MemoryRegion *mem_space;       /* PCI memory address space */
    MemoryRegion *io_space;        /* PCI I/O address space */
    PCIDevice *devices[256];
    PCISetIRQFn set_irq;
    PCIMapIRQFn map_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count;                /* functions asserting each bus interrupt */
};

#define PCI_DEVICE(obj) ((PCIDevice *)(obj))
static inline const PCIDeviceClass *pci_device_get_class(const PCIDevice *d)
{
    return (const PCIDeviceClass *)d->qdev.dc;
}

PCIBus *pci_bus_new(const char *name, MemoryRegion *mem_space, MemoryRegion *io_space);
void pci_bus_free(PCIBus *bus);
void pci_bus_irqs(PCIBus *bus, PCISetIRQFn set_irq, PCIMapIRQFn map_irq, void *opaque,
                  int nirq);

/* Create a function of class pc at devfn (not yet realized: set properties, then
 * qdev_realize). Fails (NULL + errp) if devfn is taken. */
PCIDevice *pci_new(PCIBus *bus, int devfn, const PCIDeviceClass *pc, const char *id,
                   GError **errp);
/* pci_new + qdev_realize, aborting on failure (fixed board devices). */
PCIDevice *pci_create_simple(PCIBus *bus, int devfn, const PCIDeviceClass *pc,
                             const char *id);

/* Called by each PCI device's realize before its own set-up: fills the header from
 * the class and sets the standard write masks. */
void pci_device_init_config(PCIDevice *d);
/* Called by each PCI device's reset: header back to power-on values, BARs unmapped,
 * its interrupt deasserted. */
void pci_device_reset(PCIDevice *d);
/* Declare BAR n of size (a power of two, >= 16 for memory, >= 4 for I/O); n may be
 * PCI_ROM_SLOT (memory, >= 2 KiB; decodes while its enable bit is set). */
void pci_register_bar(PCIDevice *d, int n, uint8_t type, uint64_t size, MemoryRegion *mr);
hwaddr pci_get_bar_addr(PCIDevice *d, int n);

/* Config space helpers (little-endian fields). */
static inline void pci_set_byte(uint8_t *c, uint8_t v) { *c = v; }
static inline void pci_set_word(uint8_t *c, uint16_t v) { stw_le_p(c, v); }
static inline void pci_set_long(uint8_t *c, uint32_t v) { stl_le_p(c, v); }
static inline uint8_t pci_get_byte(const uint8_t *c) { return *c; }
static inline uint16_t pci_get_word(const uint8_t *c) { return lduw_le_p(c); }
static inline uint32_t pci_get_long(const uint8_t *c) { return ldl_le_p(c); }

/* Generic config access on one function (the device's hooks run on top). */
uint32_t pci_default_read_config(PCIDevice *d, uint32_t addr, int len);
void pci_default_write_config(PCIDevice *d, uint32_t addr, uint32_t val, int len);
/* Config cycle on the bus: all ones if no function answers at devfn. */
bool pci_bus_has_device(PCIBus *bus, int devfn);
uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, int len);
void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val, int len);

/* Drive this function's INTx pin (as set in PCI_INTERRUPT_PIN). */
void pci_set_irq(PCIDevice *d, int level);
/* Re-derive BAR mappings after a load (vmstate post_load of a PCI device). */
void pci_update_mappings(PCIDevice *d);

/* vmstate for the PCIDevice part (embed with VMSTATE_STRUCT). */
extern const struct VMStateDescription vmstate_pci_device;

/*
 * PCI cards a user adds with -device NAME (NICs, virtio-rng-pci): each class
 * registers here from its constructor; boards place the -device entries naming
 * one at the first free slot among theirs.
 */
void pci_user_class_register(const PCIDeviceClass *pc);
const PCIDeviceClass *pci_user_class_find(const char *name);
/* -device entries whose driver is a registered PCI card: create and realize each
 * (with its prop=value list) at function 0 of the first free slot in slots[]
 * (the board's order of preference). Other entries are left alone. */
bool pci_create_user_devices(PCIBus *bus, GPtrArray *device_opts, const int *slots,
                             int nslots, GError **errp);
/* Function 0 of the first slot in slots[] with nothing in it, or -1. */
int pci_free_devfn(PCIBus *bus, const int *slots, int nslots);

/* info pci */
void pci_info(FILE *f, PCIBus *bus);
/* The bus that `info pci` shows (the board's root bus). */
void pci_set_root_bus(PCIBus *bus);
PCIBus *pci_get_root_bus(void);

#endif
