/*
 * QEMU's firmware configuration device (QEMU docs/specs/fw_cfg.txt), I/O-port
 * flavour of the PC: selector at 0x510 (16 bits), data at 0x511 (bytes), DMA
 * address at 0x514 (big-endian, high half then low half; the low write starts
 * the transfer). Items are byte strings chosen by key; keys from 0x20 up are
 * named files listed in the directory at key 0x19 (big-endian count, then
 * {be32 size, be16 select, be16 reserved, char name[56]} sorted by name).
 *
 * Not modelled: the write channel (writes to items are ignored and logged, as
 * QEMU does since 2.4), item callbacks that generate data on select, and the
 * memory-mapped flavour used by other machines.
 */
#include "qemu/osdep.h"
#include "hw/nvram/fw_cfg.h"
#include "migration/vmstate.h"

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    uint16_t idx = key & FW_CFG_ENTRY_MASK;

    if (key == FW_CFG_INVALID || idx >= FW_CFG_MAX_ENTRY) {
        return NULL;
    }
    return &s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx];
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    assert(e && len <= UINT32_MAX);
    g_free(e->data);
    e->data = g_memdup2(data, len ? len : 1);
    e->len = len;
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2];

    stw_le_p(b, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];

    stl_le_p(b, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];

    stq_le_p(b, value);
    fw_cfg_add_bytes(s, key, b, sizeof(b));
}

const uint8_t *fw_cfg_get(FWCfgState *s, uint16_t key, uint32_t *len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    if (!e || !e->data) {
        return NULL;
    }
    *len = e->len;
    return e->data;
}

static int fw_cfg_file_cmp(const void *a, const void *b)
{
    return strcmp(((const FWCfgFile *)a)->name, ((const FWCfgFile *)b)->name);
}

/* The directory item: rebuilt whenever a file is added. */
static void fw_cfg_update_dir(FWCfgState *s)
{
    size_t len = 4 + (size_t)s->nr_files * 64;
    uint8_t *dir = g_malloc0(len);

    stl_be_p(dir, s->nr_files);
    for (uint32_t i = 0; i < s->nr_files; i++) {
        uint8_t *d = dir + 4 + i * 64;

        stl_be_p(d, s->files[i].size);
        stw_be_p(d + 4, s->files[i].select);
        memcpy(d + 8, s->files[i].name, FW_CFG_MAX_FILE_PATH);
    }
    fw_cfg_add_bytes(s, FW_CFG_FILE_DIR, dir, len);
    g_free(dir);
}

bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data, size_t len,
                     GError **errp)
{
    FWCfgFile *f;

    if (strlen(name) >= FW_CFG_MAX_FILE_PATH) {
        error_setg(errp, "fw_cfg: file name '%s' is too long (at most %d characters)",
                   name, FW_CFG_MAX_FILE_PATH - 1);
        return false;
    }
    if (len > UINT32_MAX) {
        error_setg(errp, "fw_cfg: file '%s' is too large", name);
        return false;
    }
    for (uint32_t i = 0; i < s->nr_files; i++) {
        if (strcmp(s->files[i].name, name) == 0) {
            error_setg(errp, "fw_cfg: duplicate file name '%s'", name);
            return false;
        }
    }
    if (s->nr_files >= FW_CFG_FILE_SLOTS) {
        error_setg(errp, "fw_cfg: no free file slot for '%s'", name);
        return false;
    }
    /* Selectors are handed out in order of addition; the directory is sorted. */
    f = &s->files[s->nr_files];
    memset(f, 0, sizeof(*f));
    g_strlcpy(f->name, name, sizeof(f->name));
    f->size = len;
    f->select = FW_CFG_FILE_FIRST + s->nr_files;
    fw_cfg_add_bytes(s, f->select, data, len);
    s->nr_files++;
    qsort(s->files, s->nr_files, sizeof(FWCfgFile), fw_cfg_file_cmp);
    fw_cfg_update_dir(s);
    return true;
}

void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_offset = 0;
    if (!fw_cfg_entry(s, key)) {
        s->cur_entry = FW_CFG_INVALID;
        mimic_log_mask(LOG_GUEST_ERROR, "fw_cfg: invalid selector 0x%04x\n", key);
        return;
    }
    s->cur_entry = key;
}

uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);

    /* Past the end (or no such item) reads 0, as on QEMU. */
    if (!e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

/* Run one FWCfgDmaAccess descriptor {be32 control, be32 length, be64 address}. */
void fw_cfg_dma_transfer(FWCfgState *s, uint64_t desc_addr)
{
    uint8_t desc[16];
    uint32_t control, length;
    uint64_t addr;
    bool failed = false;

    if (address_space_read(s->dma_as, desc_addr, desc, sizeof(desc)) != MEMTX_OK) {
        mimic_log_mask(LOG_GUEST_ERROR, "fw_cfg: DMA descriptor at 0x%" PRIx64
                       " is not readable\n", desc_addr);
        return;
    }
    control = ldl_be_p(desc);
    length = ldl_be_p(desc + 4);
    addr = ldq_be_p(desc + 8);

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    if (control & FW_CFG_DMA_CTL_WRITE) {
        mimic_log_mask(LOG_GUEST_ERROR, "fw_cfg: DMA write to item 0x%04x ignored "
                       "(items are read-only)\n", s->cur_entry);
        failed = true;
    } else if (control & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_SKIP)) {
        FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);
        uint32_t avail = (e && e->data && s->cur_offset < e->len) ?
                         e->len - s->cur_offset : 0;
        uint32_t n = MIN_U(avail, length);

        if (control & FW_CFG_DMA_CTL_READ) {
            /* Bytes past the item's end read as zeroes. */
            if (n && address_space_write(s->dma_as, addr, e->data + s->cur_offset,
                                         n) != MEMTX_OK) {
                failed = true;
            }
            for (uint32_t i = n; i < length && !failed; i++) {
                uint8_t zero = 0;

                failed = address_space_write(s->dma_as, addr + i, &zero, 1) != MEMTX_OK;
            }
        }
        s->cur_offset += n;
    }
    stl_be_p(desc, failed ? FW_CFG_DMA_CTL_ERROR : 0);
    address_space_write(s->dma_as, desc_addr, desc, 4);
}

/* One 2-byte region as on QEMU: a 16-bit write at 0x510 selects, bytes read at
 * 0x511 are data. */
static uint64_t fw_cfg_io_read(void *opaque, hwaddr off, unsigned size)
{
    if (off == 1 && size == 1) {
        return fw_cfg_read_byte(opaque);
    }
    return 0;
}

static void fw_cfg_io_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    FWCfgState *s = opaque;

    if (off == 0 && size == 2) {
        fw_cfg_select(s, val);
    } else {
        mimic_log_mask(LOG_GUEST_ERROR, "fw_cfg: %u-byte write at 0x%x ignored "
                       "(items are read-only)\n", size, (unsigned)(FW_CFG_IO_BASE + off));
    }
}

static uint64_t fw_cfg_dma_read(void *opaque, hwaddr off, unsigned size)
{
    /* Big-endian register: the byte at offset k is byte k of the signature. */
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)((FW_CFG_DMA_SIGNATURE >> (8 * (7 - (off + i)))) & 0xff) << (8 * i);
    }
    return v;
}

static void fw_cfg_dma_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    FWCfgState *s = opaque;
    uint32_t v;

    if (size != 4 || (off != 0 && off != 4)) {
        mimic_log_mask(LOG_GUEST_ERROR, "fw_cfg: DMA register needs 32-bit writes at "
                       "0x514 and 0x518\n");
        return;
    }
    /* The guest writes each half in big-endian byte order. */
    v = __builtin_bswap32((uint32_t)val);
    if (off == 0) {
        s->dma_addr = (uint64_t)v << 32;
    } else {
        s->dma_addr |= v;
        fw_cfg_dma_transfer(s, s->dma_addr);
        s->dma_addr = 0;
    }
}

static const MemoryRegionOps fw_cfg_io_ops = {
    .read = fw_cfg_io_read,
    .write = fw_cfg_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 2 },
    .impl = { .min_access_size = 1, .max_access_size = 2 },
};

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void fw_cfg_reset(DeviceState *dev)
{
    FWCfgState *s = (FWCfgState *)dev;

    s->cur_entry = FW_CFG_SIGNATURE;
    s->cur_offset = 0;
    s->dma_addr = 0;
}

static bool fw_cfg_realize(DeviceState *dev, GError **errp)
{
    FWCfgState *s = (FWCfgState *)dev;
    static const uint8_t uuid[16];

    memory_region_init_io(&s->io, &fw_cfg_io_ops, s, "fwcfg", 2);
    memory_region_init_io(&s->dma_io, &fw_cfg_dma_ops, s, "fwcfg.dma", 8);
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    fw_cfg_add_bytes(s, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_update_dir(s);
    fw_cfg_reset(dev);
    return true;
}

static void fw_cfg_unrealize(DeviceState *dev)
{
    FWCfgState *s = (FWCfgState *)dev;

    for (int a = 0; a < 2; a++) {
        for (int i = 0; i < FW_CFG_MAX_ENTRY; i++) {
            g_free(s->entries[a][i].data);
            s->entries[a][i].data = NULL;
        }
    }
}

static const VMStateField fw_cfg_fields[] = {
    VMSTATE_UINT16(cur_entry, FWCfgState),
    VMSTATE_UINT32(cur_offset, FWCfgState),
    VMSTATE_UINT64(dma_addr, FWCfgState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription fw_cfg_vmstate = {
    .name = "fw_cfg",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = fw_cfg_fields,
};

const DeviceClass fw_cfg_device_class = {
    .name = TYPE_FW_CFG,
    .desc = "QEMU firmware configuration interface",
    .instance_size = sizeof(FWCfgState),
    .realize = fw_cfg_realize,
    .reset = fw_cfg_reset,
    .unrealize = fw_cfg_unrealize,
    .vmsd = &fw_cfg_vmstate,
};

static void __attribute__((constructor)) fw_cfg_register(void)
{
    device_class_register(&fw_cfg_device_class);
}

FWCfgState *fw_cfg_init_io(MemoryRegion *io_space, AddressSpace *dma_as)
{
    FWCfgState *s = (FWCfgState *)qdev_new(&fw_cfg_device_class, "fw_cfg");

    s->dma_as = dma_as;
    if (!qdev_realize(DEVICE(s), NULL)) {
        abort();                        /* realize cannot fail */
    }
    memory_region_add_subregion(io_space, FW_CFG_IO_BASE, &s->io);
    memory_region_add_subregion(io_space, FW_CFG_DMA_IO_BASE, &s->dma_io);
    return s;
}
