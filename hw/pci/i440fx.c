/*
 * Intel 82441FX PCI and Memory Controller (PMC), "Intel 440FX PCIset
 * 82441FX (PMC) and 82442FX (DBX)" datasheet (order 290549): PCI configuration
 * mechanism #1 (CONFIG_ADDRESS at 0xcf8, CONFIG_DATA at 0xcfc-0xcff, bus 0
 * only), its own configuration header (vendor 8086, device 1237), and the PAM
 * registers 0x59-0x5f that steer each segment of 0xc0000-0xfffff to DRAM or PCI
 * as QEMU's PC does: read-write DRAM, read-only DRAM (writes dropped), PCI (the
 * BIOS image, or nothing below 0xe0000), and write-only treated as read-write
 * (QEMU's choice too: reads of a write-only segment are not modelled).
 *
 * Not modelled: SMRAM (register 0x72 is kept; the 0xa0000 window always decodes
 * to PCI), DRAM row boundaries and timing registers (kept, no effect), the
 * DBX data path, error reporting, and buses behind bridges (config cycles with a
 * bus number other than 0 read all ones).
 */
#include "qemu/osdep.h"
#include "hw/i386/i440fx.h"
#include "migration/vmstate.h"

void i440fx_pam_range(int seg, hwaddr *base, uint64_t *size)
{
    if (seg == 0) {
        *base = 0xf0000;
        *size = 0x10000;
    } else {
        *base = 0xc0000 + (hwaddr)(seg - 1) * 0x4000;
        *size = 0x4000;
    }
}

/* Segment 0 is PAM0[5:4]; segment 1+2k is PAM(1+k)[1:0], 2+2k is PAM(1+k)[5:4]. */
static int i440fx_pam_attr(I440FXState *s, int seg)
{
    uint8_t reg, shift;

    if (seg == 0) {
        reg = s->pci.config[I440FX_PAM0];
        shift = 4;
    } else {
        reg = s->pci.config[I440FX_PAM0 + 1 + (seg - 1) / 2];
        shift = (seg - 1) & 1 ? 4 : 0;
    }
    return (reg >> shift) & 3;
}

static void i440fx_update_pam(I440FXState *s)
{
    memory_region_transaction_begin();
    for (int i = 0; i < I440FX_NR_PAM_SEGS; i++) {
        int mode = i440fx_pam_attr(s, i);

        s->pam_mode[i] = mode;
        /* Write-only is mapped as read-write RAM, as QEMU's PC does (firmware
         * only uses it to copy itself into the shadow, reading back nothing). */
        memory_region_set_enabled(&s->pam_rw[i], mode == PAM_RW || mode == PAM_WO);
        memory_region_set_enabled(&s->pam_ro[i], mode == PAM_RO);
    }
    memory_region_transaction_commit();
}

/* ---- configuration mechanism #1 ---- */

static uint64_t i440fx_addr_read(void *opaque, hwaddr off, unsigned size)
{
    I440FXState *s = opaque;

    if (off == 0 && size == 4) {
        return s->config_addr;
    }
    if (off == 1 && size == 1 && s->rcr_read) {
        return s->rcr_read(s->rcr_opaque);
    }
    /* Other sizes are plain I/O cycles nobody claims. */
    return ~0ULL >> (64 - 8 * size);
}

static void i440fx_addr_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    I440FXState *s = opaque;

    if (off == 0 && size == 4) {
        s->config_addr = val & 0x80fffffc;
        return;
    }
    if (off == 1 && size == 1 && s->rcr_write) {
        s->rcr_write(s->rcr_opaque, val);
        return;
    }
    mimic_log_mask(LOG_GUEST_ERROR, "i440fx: %u-byte write to port 0x%x ignored\n",
                   size, (unsigned)(I440FX_CONFIG_ADDR_PORT + off));
}

static uint64_t i440fx_data_read(void *opaque, hwaddr off, unsigned size)
{
    I440FXState *s = opaque;
    uint32_t a = s->config_addr;

    if (!(a & 0x80000000u) || ((a >> 16) & 0xff) != 0) {
        return ~0ULL >> (64 - 8 * size);
    }
    return pci_bus_config_read(s->bus, (a >> 8) & 0xff, (a & 0xfc) | off, size);
}

static void i440fx_data_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    I440FXState *s = opaque;
    uint32_t a = s->config_addr;

    if (!(a & 0x80000000u) || ((a >> 16) & 0xff) != 0) {
        return;
    }
    pci_bus_config_write(s->bus, (a >> 8) & 0xff, (a & 0xfc) | off, val, size);
}

static const MemoryRegionOps i440fx_addr_ops = {
    .read = i440fx_addr_read,
    .write = i440fx_addr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static const MemoryRegionOps i440fx_data_ops = {
    .read = i440fx_data_read,
    .write = i440fx_data_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- the host bridge function ---- */

static void i440fx_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    I440FXState *s = (I440FXState *)d;

    pci_default_write_config(d, addr, val, len);
    if (addr < I440FX_PAM0 + I440FX_NR_PAM && addr + len > I440FX_PAM0) {
        i440fx_update_pam(s);
    }
    if (addr <= I440FX_SMRAM && addr + len > I440FX_SMRAM &&
        (d->config[I440FX_SMRAM] & I440FX_SMRAM_D_OPEN)) {
        mimic_log_mask(LOG_UNIMP, "i440fx: SMRAM is not modelled (D_OPEN ignored)\n");
    }
}

static void i440fx_reset(DeviceState *dev)
{
    I440FXState *s = (I440FXState *)dev;

    pci_device_reset(&s->pci);
    memset(s->pci.config + I440FX_PAM0, 0, I440FX_NR_PAM);
    s->pci.config[I440FX_SMRAM] = I440FX_SMRAM_C_BASE;
    s->config_addr = 0;
    i440fx_update_pam(s);
}

static bool i440fx_realize(DeviceState *dev, GError **errp)
{
    I440FXState *s = (I440FXState *)dev;

    pci_device_init_config(&s->pci);
    for (int r = I440FX_PMCCFG; r < I440FX_PAM0; r++) {
        s->pci.wmask[r] = 0xff;
    }
    for (int r = 0; r < I440FX_NR_PAM; r++) {
        s->pci.wmask[I440FX_PAM0 + r] = 0x33;
    }
    for (int r = I440FX_DRB0; r < I440FX_DRB0 + 8; r++) {
        s->pci.wmask[r] = 0xff;
    }
    s->pci.wmask[I440FX_SMRAM] = I440FX_SMRAM_D_OPEN | I440FX_SMRAM_D_CLS |
                                 I440FX_SMRAM_D_LCK | I440FX_SMRAM_G_SMRAME;
    return true;
}

static int i440fx_post_load(void *opaque, int version_id)
{
    i440fx_update_pam(opaque);
    return 0;
}

static const VMStateField i440fx_fields[] = {
    VMSTATE_STRUCT(pci, I440FXState, vmstate_pci_device, PCIDevice),
    VMSTATE_UINT32(config_addr, I440FXState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription i440fx_vmstate = {
    .name = "i440fx",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = i440fx_post_load,
    .fields = i440fx_fields,
};

const PCIDeviceClass i440fx_class = {
    .parent = {
        .name = "i440FX",
        .desc = "Intel 82441FX PCI and memory controller",
        .instance_size = sizeof(I440FXState),
        .realize = i440fx_realize,
        .reset = i440fx_reset,
        .vmsd = &i440fx_vmstate,
    },
    .vendor_id = 0x8086,
    .device_id = 0x1237,
    .revision = 0x02,
    .class_id = PCI_CLASS_BRIDGE_HOST,
    .config_write = i440fx_config_write,
};

static void __attribute__((constructor)) i440fx_register(void)
{
    device_class_register(&i440fx_class.parent);
}

PCIBus *i440fx_get_bus(I440FXState *s)
{
    return s->bus;
}

I440FXState *i440fx_init(MemoryRegion *system_memory, MemoryRegion *io,
                         MemoryRegion *ram, GError **errp)
{
    PCIBus *bus = pci_bus_new("pci.0", system_memory, io);
    I440FXState *s;

    s = (I440FXState *)pci_new(bus, PCI_DEVFN(0, 0), &i440fx_class, "i440fx", errp);
    if (!s) {
        pci_bus_free(bus);
        return NULL;
    }
    s->bus = bus;
    s->system_memory = system_memory;
    s->ram = ram;
    for (int i = 0; i < I440FX_NR_PAM_SEGS; i++) {
        hwaddr base;
        uint64_t size;
        char name[32];

        i440fx_pam_range(i, &base, &size);
        snprintf(name, sizeof(name), "pam-ram-%d", i);
        memory_region_init_alias(&s->pam_rw[i], name, ram, base, size);
        snprintf(name, sizeof(name), "pam-rom-%d", i);
        memory_region_init_alias(&s->pam_ro[i], name, ram, base, size);
        s->pam_ro[i].readonly = true;
        s->pam_rw[i].enabled = false;
        s->pam_ro[i].enabled = false;
        memory_region_add_subregion_overlap(system_memory, base, &s->pam_rw[i], 1);
        memory_region_add_subregion_overlap(system_memory, base, &s->pam_ro[i], 1);
    }
    if (!qdev_realize(DEVICE(s), errp)) {
        return NULL;
    }
    memory_region_init_io(&s->addr_io, &i440fx_addr_ops, s, "pci-conf-addr", 4);
    memory_region_init_io(&s->data_io, &i440fx_data_ops, s, "pci-conf-data", 4);
    memory_region_add_subregion(io, I440FX_CONFIG_ADDR_PORT, &s->addr_io);
    memory_region_add_subregion(io, I440FX_CONFIG_DATA_PORT, &s->data_io);
    i440fx_reset(DEVICE(s));
    return s;
}
