/*
 * The memory API: regions (RAM, ROM, MMIO, aliases, containers) composed into address
 * spaces (system memory; x86 I/O ports), flattened into a sorted view for dispatch.
 */
#ifndef EXEC_MEMORY_H
#define EXEC_MEMORY_H

#include "qemu/osdep.h"

typedef enum DeviceEndian {
    DEVICE_NATIVE_ENDIAN = 0,   /* same as the guest CPU (little-endian for both guests) */
    DEVICE_LITTLE_ENDIAN = 1,
    DEVICE_BIG_ENDIAN = 2,
} DeviceEndian;

typedef struct MemoryRegionOps {
    /* size is 1, 2, 4 or 8 and within [valid/impl]; off is relative to the region. */
    uint64_t (*read)(void *opaque, hwaddr off, unsigned size);
    void (*write)(void *opaque, hwaddr off, uint64_t val, unsigned size);
    DeviceEndian endianness;
    struct {
        /* Accesses outside [min,max] are rejected (logged as guest errors, reads 0). */
        unsigned min_access_size, max_access_size;   /* 0 = 1 and 4 */
        bool unaligned;
    } valid;
    struct {
        /* What the callbacks implement; the core splits/combines others. */
        unsigned min_access_size, max_access_size;   /* 0 = 1 and 4 */
    } impl;
} MemoryRegionOps;

typedef struct MemoryRegion MemoryRegion;

struct MemoryRegion {
    char *name;
    uint64_t size;
    MemoryRegion *container;     /* parent, NULL at the root */
    hwaddr addr;                 /* offset within container */
    int priority;
    bool enabled;
    bool ram;                    /* backed by host memory */
    bool readonly;               /* ROM: writes go to rom_write ops or are dropped */
    bool romd_mode;              /* ROM device: reads from RAM, writes to ops (flash) */
    uint8_t *ram_ptr;            /* host memory (ram / rom) */
    hwaddr ram_addr;             /* offset in the global ram_addr space (dirty tracking) */
    const MemoryRegionOps *ops;  /* MMIO (or ROM-device writes) */
    void *opaque;
    MemoryRegion *alias;         /* alias: shows alias at alias_offset */
    hwaddr alias_offset;
    GPtrArray *subregions;       /* sorted by priority, then address */
};

typedef struct AddressSpace AddressSpace;

/* Initialise regions (mr is caller-owned storage, usually inside a device state). */
void memory_region_init(MemoryRegion *mr, const char *name, uint64_t size); /* container */
void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
bool memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size, GError **errp);
bool memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size, GError **errp);
/* ROM device: reads come from host memory while romd_mode, writes go to ops. */
bool memory_region_init_rom_device(MemoryRegion *mr, const MemoryRegionOps *ops,
                                   void *opaque, const char *name, uint64_t size,
                                   GError **errp);
void memory_region_init_alias(MemoryRegion *mr, const char *name, MemoryRegion *orig,
                              hwaddr offset, uint64_t size);
void memory_region_add_subregion(MemoryRegion *parent, hwaddr offset, MemoryRegion *sub);
void memory_region_add_subregion_overlap(MemoryRegion *parent, hwaddr offset,
                                         MemoryRegion *sub, int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, hwaddr addr);
void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset);
void memory_region_set_size(MemoryRegion *mr, uint64_t size);
void memory_region_rom_device_set_romd(MemoryRegion *mr, bool romd_mode);
void *memory_region_get_ram_ptr(MemoryRegion *mr);
/* Fault in [offset, offset + len) of RAM region mr (or of what it aliases) on a
 * thread of its own and return at once: for RAM the guest is known to be about to
 * fill (see memory.c). Contents are unchanged; nothing happens for non-RAM. */
void memory_region_prefault_async(MemoryRegion *mr, uint64_t offset, uint64_t len);

/* Group several layout changes into one re-flattening (and one softmmu TLB flush). */
void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

/* A flat range: [addr, addr+size) of the address space shows mr at mr_offset. */
typedef struct FlatRange {
    hwaddr addr;
    uint64_t size;
    MemoryRegion *mr;
    hwaddr mr_offset;
    bool readonly;
} FlatRange;

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatRange *ranges;           /* sorted, non-overlapping */
    unsigned nr_ranges;
    unsigned last_hit;           /* index of the range the last lookup found */
    /* Called after re-flattening (softmmu TLB flush, KVM memory slots). */
    void (*listener)(AddressSpace *as, void *opaque);
    void *listener_opaque;
};

extern AddressSpace address_space_memory;
extern AddressSpace address_space_io;
MemoryRegion *get_system_memory(void);
MemoryRegion *get_system_io(void);
void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);
void address_space_add_listener(AddressSpace *as,
                                void (*fn)(AddressSpace *as, void *opaque), void *opaque);

/* Find what backs addr. Returns the FlatRange or NULL (unassigned). */
const FlatRange *address_space_lookup(AddressSpace *as, hwaddr addr);

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,           /* device returned an error */
    MEMTX_DECODE_ERROR = 2,    /* nothing at that address */
} MemTxResult;

/* Accesses of size 1/2/4/8 in guest (little-endian) byte order; val is the value as
 * the guest CPU sees it. Unassigned reads give 0 (logged as guest errors). */
MemTxResult address_space_read_val(AddressSpace *as, hwaddr addr, uint64_t *val,
                                   unsigned size);
MemTxResult address_space_write_val(AddressSpace *as, hwaddr addr, uint64_t val,
                                    unsigned size);
/* Dispatch to one region (used by the softmmu slow path once it has the FlatRange). */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr off, uint64_t *val,
                                        unsigned size);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr off, uint64_t val,
                                         unsigned size);
/* Byte buffers (DMA, loaders, monitor): RAM copied directly, MMIO byte by byte. */
MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf, hwaddr len,
                             bool is_write);
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf, hwaddr len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr, const void *buf, hwaddr len);
/* Writes into ROM too (loaders). */
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, const void *buf,
                                    hwaddr len);
/* Writes len zero bytes like address_space_write_rom, leaving alone RAM that reads
 * as zero already (fresh guest RAM stays untouched by the host). */
MemTxResult address_space_zero_rom(AddressSpace *as, hwaddr addr, hwaddr len);
/* Host pointer for [addr, addr+len) if it is all RAM in one region, else NULL. DMA
 * users must bounds-check through this (never trust a guest address). */
void *address_space_map_ram(AddressSpace *as, hwaddr addr, hwaddr len, bool is_write);

/* Convenience little-endian helpers on system memory. */
uint32_t ldl_phys(AddressSpace *as, hwaddr addr);
void stl_phys(AddressSpace *as, hwaddr addr, uint32_t val);

/* Every guest RAM write made outside generated code (DMA, loaders) must call this so
 * translated code on the page is invalidated. memory.c does it for address_space_*. */
void ram_write_notify(MemoryRegion *mr, hwaddr mr_offset, hwaddr len);

/* info mtree */
void mtree_info(FILE *f, bool flatview);

/* All RAM regions (savevm, KVM slots). */
typedef void (*RAMBlockIterFn)(MemoryRegion *mr, void *opaque);
void ram_block_foreach(RAMBlockIterFn fn, void *opaque);
/* The RAM/ROM region owning ram_addr (and the offset in it), or NULL. */
MemoryRegion *memory_region_from_ram_addr(hwaddr ram_addr, hwaddr *offset);

#endif
