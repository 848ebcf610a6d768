/*
 * Intel 82371AB PIIX4 function 3: power management, after the 82371AB datasheet
 * (sections 3.4 and 7): PMBA/PMREGMISC place the 64-byte PM I/O block, SMBBA and
 * SMBHSTCFG the SMBus host block. PMCNTRL with SUS_EN and SUS_TYP = soft off powers
 * the machine off (Linux's piix4-poweroff driver on the Malta does exactly that);
 * PMTMR counts at 3.579545 MHz on the virtual clock; the power button (system
 * powerdown) sets PWRBTN_STS and raises SCI on IRQ 9 when enabled.
 *
 * Not modelled: suspend states other than soft off (logged), the PMTMR overflow
 * status (TMROF_STS is never set), global/device activity monitoring and
 * throttling (registers hold values), GPIO pins, and SMBus transactions (a started
 * transaction ends with "device error": no SMBus devices are present).
 */
#include "qemu/osdep.h"
#include "hw/pci/piix4.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"
#include "qemu/timer.h"

#define PIIX4_PMEN_PWRBTN_EN 0x0100
#define PIIX4_PMEN_TMROF_EN  0x0001
/* SMBus host registers (offsets from SMBBA). */
#define PIIX4_SMBHSTSTS   0x00
#define  PIIX4_SMBHSTSTS_DEV_ERR 0x04
#define  PIIX4_SMBHSTSTS_HOST_BUSY 0x01
#define PIIX4_SMBHSTCNT   0x02
#define  PIIX4_SMBHSTCNT_START 0x40

uint32_t piix4_pm_timer(PIIX4PMState *pm)
{
    int64_t ns = clock_get_ns(CLOCK_VIRTUAL) - pm->tmr_base_ns;

    return (uint32_t)muldiv64(ns, PIIX4_PMTMR_HZ, NANOSECONDS_PER_SECOND) & 0xffffff;
}

static void piix4_pm_update_sci(PIIX4PMState *pm)
{
    int level = (pm->pmcntrl & PIIX4_PMCNTRL_SCI_EN) &&
                (pm->pmsts & pm->pmen & (PIIX4_PMEN_PWRBTN_EN | PIIX4_PMEN_TMROF_EN));

    if (level != pm->sci_level) {
        pm->sci_level = level;
        irq_set(pm->sci_irq, level);
    }
}

static void piix4_pm_write_cntrl(PIIX4PMState *pm, uint16_t v)
{
    if (v & PIIX4_PMCNTRL_SUS_EN) {
        unsigned typ = (v & PIIX4_PMCNTRL_SUS_TYP_MASK) >> PIIX4_PMCNTRL_SUS_TYP_SHIFT;

        if (typ == PIIX4_SUS_TYP_SOFF) {
            qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        } else {
            mimic_log_mask(LOG_UNIMP, "piix4-pm: suspend type %u\n", typ);
        }
    }
    /* SUS_EN is write-only and self-clearing. */
    pm->pmcntrl = v & ~PIIX4_PMCNTRL_SUS_EN;
    piix4_pm_update_sci(pm);
}

/* The 32-bit register image at an aligned offset of the PM block. */
static uint32_t piix4_pm_read_dword(PIIX4PMState *pm, unsigned off)
{
    switch (off) {
    case PIIX4_PMSTS:
        return pm->pmsts | (uint32_t)pm->pmen << 16;
    case PIIX4_PMCNTRL:
        return pm->pmcntrl;
    case PIIX4_PMTMR:
        return piix4_pm_timer(pm);
    case PIIX4_GPSTS:
        return pm->gpsts | (uint32_t)pm->gpen << 16;
    case PIIX4_PCNTRL:
        return pm->pcntrl;
    case 0x14:
        /* P_LVL2/P_LVL3: a read enters C2/C3; the CPU simply carries on. */
        return 0;
    case PIIX4_GLBSTS:
        return pm->glbsts;
    case PIIX4_DEVSTS:
        return pm->devsts;
    case PIIX4_GLBEN:
        return pm->glben;
    case PIIX4_GLBCTL:
        return pm->glbctl;
    case PIIX4_DEVCTL:
        return pm->devctl;
    case PIIX4_GPIREG:
        return pm->gpireg;
    case PIIX4_GPOREG:
        return pm->gporeg;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "piix4-pm: read of reserved offset 0x%02x\n", off);
        return 0;
    }
}

static uint64_t piix4_pm_io_read(void *opaque, hwaddr off, unsigned size)
{
    uint32_t v = piix4_pm_read_dword(opaque, off & ~3u) >> (8 * (off & 3));

    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static uint32_t piix4_merge(uint32_t old, uint32_t v, uint32_t bytemask)
{
    return (old & ~bytemask) | (v & bytemask);
}

static void piix4_pm_io_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIX4PMState *pm = opaque;
    unsigned base = off & ~3u, shift = 8 * (off & 3);
    uint32_t bm = (size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1) << shift;
    uint32_t v = ((uint32_t)val << shift) & bm;

    switch (base) {
    case PIIX4_PMSTS:
        /* Status bits are write-1-to-clear; PMEN is a plain register. */
        pm->pmsts &= ~(v & 0xffff);
        pm->pmen = piix4_merge(pm->pmen, v >> 16, bm >> 16);
        piix4_pm_update_sci(pm);
        break;
    case PIIX4_PMCNTRL:
        if (bm & 0xffff) {
            piix4_pm_write_cntrl(pm, piix4_merge(pm->pmcntrl, v, bm));
        }
        break;
    case PIIX4_PMTMR:
        mimic_log_mask(LOG_GUEST_ERROR, "piix4-pm: write to read-only PMTMR\n");
        break;
    case PIIX4_GPSTS:
        pm->gpsts &= ~(v & 0xffff);
        pm->gpen = piix4_merge(pm->gpen, v >> 16, bm >> 16);
        break;
    case PIIX4_PCNTRL:
        pm->pcntrl = piix4_merge(pm->pcntrl, v, bm);
        break;
    case PIIX4_GLBSTS:
        pm->glbsts &= ~v;
        break;
    case PIIX4_DEVSTS:
        pm->devsts &= ~v;
        break;
    case PIIX4_GLBEN:
        pm->glben = piix4_merge(pm->glben, v, bm);
        break;
    case PIIX4_GLBCTL:
        pm->glbctl = piix4_merge(pm->glbctl, v, bm);
        break;
    case PIIX4_DEVCTL:
        pm->devctl = piix4_merge(pm->devctl, v, bm);
        break;
    case PIIX4_GPOREG:
        pm->gporeg = piix4_merge(pm->gporeg, v, bm);
        break;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "piix4-pm: write to offset 0x%02" HWADDR_PRIx "\n",
                       off);
        break;
    }
}

static const MemoryRegionOps piix4_pm_io_ops = {
    .read = piix4_pm_io_read,
    .write = piix4_pm_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static uint64_t piix4_smb_read(void *opaque, hwaddr off, unsigned size)
{
    PIIX4PMState *pm = opaque;

    return pm->smb_regs[off & (PIIX4_SMB_IO_SIZE - 1)];
}

static void piix4_smb_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PIIX4PMState *pm = opaque;

    off &= PIIX4_SMB_IO_SIZE - 1;
    if (off == PIIX4_SMBHSTSTS) {
        pm->smb_regs[off] &= ~val;       /* write 1 to clear */
        return;
    }
    pm->smb_regs[off] = val;
    if (off == PIIX4_SMBHSTCNT && (val & PIIX4_SMBHSTCNT_START)) {
        /* Nothing answers on this SMBus: the transaction fails at once. */
        mimic_log_mask(LOG_UNIMP, "piix4-pm: SMBus transaction (no devices)\n");
        pm->smb_regs[PIIX4_SMBHSTSTS] |= PIIX4_SMBHSTSTS_DEV_ERR;
        pm->smb_regs[PIIX4_SMBHSTCNT] &= ~PIIX4_SMBHSTCNT_START;
    }
}

static const MemoryRegionOps piix4_smb_ops = {
    .read = piix4_smb_read,
    .write = piix4_smb_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void piix4_pm_place(PIIX4PMState *pm, MemoryRegion *mr, hwaddr *cur, hwaddr want)
{
    if (*cur == want || !pm->isa_io) {
        *cur = want;
        return;
    }
    if (*cur != PCI_BAR_UNMAPPED) {
        memory_region_del_subregion(pm->isa_io, mr);
    }
    if (want != PCI_BAR_UNMAPPED && want + mr->size <= pm->isa_io->size) {
        memory_region_add_subregion_overlap(pm->isa_io, want, mr, 1);
    } else {
        want = PCI_BAR_UNMAPPED;
    }
    *cur = want;
}

static void piix4_pm_update_mappings(PIIX4PMState *pm)
{
    const uint8_t *c = pm->pci.config;
    hwaddr pm_want = PCI_BAR_UNMAPPED, smb_want = PCI_BAR_UNMAPPED;
    uint32_t pmba = pci_get_long(c + PIIX4_PM_PMBA) & 0xffc0;
    uint32_t smbba = pci_get_long(c + PIIX4_PM_SMBBA) & 0xfff0;

    /* PMIOSE alone enables the PM block; the SMBus block needs the function's
     * I/O space enable as well as SMB_HST_EN. */
    if ((c[PIIX4_PM_PMREGMISC] & PIIX4_PM_PMIOSE) && pmba) {
        pm_want = pmba;
    }
    if ((pci_get_word(c + PCI_COMMAND) & PCI_COMMAND_IO) &&
        (c[PIIX4_PM_SMBHSTCFG] & PIIX4_PM_SMB_HST_EN) && smbba) {
        smb_want = smbba;
    }
    memory_region_transaction_begin();
    piix4_pm_place(pm, &pm->pm_io, &pm->pm_base, pm_want);
    piix4_pm_place(pm, &pm->smb_io, &pm->smb_base, smb_want);
    memory_region_transaction_commit();
}

static void piix4_pm_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    pci_default_write_config(d, addr, val, len);
    piix4_pm_update_mappings((PIIX4PMState *)d);
}

static void piix4_pm_reset(DeviceState *dev)
{
    PIIX4PMState *pm = (PIIX4PMState *)dev;
    uint8_t *c = pm->pci.config;

    pci_device_reset(&pm->pci);
    memset(c + 0x40, 0, PCI_CONFIG_SPACE_SIZE - 0x40);
    pci_set_long(c + PIIX4_PM_PMBA, 0x00000001);       /* bit 0: I/O space indicator */
    pci_set_long(c + PIIX4_PM_SMBBA, 0x00000001);
    pm->pmsts = pm->pmen = pm->pmcntrl = 0;
    pm->gpsts = pm->gpen = 0;
    pm->pcntrl = pm->glbsts = pm->devsts = pm->glben = pm->glbctl = 0;
    pm->devctl = pm->gpireg = pm->gporeg = 0;
    memset(pm->smb_regs, 0, sizeof(pm->smb_regs));
    pm->tmr_base_ns = clock_get_ns(CLOCK_VIRTUAL);
    piix4_pm_update_sci(pm);
    piix4_pm_update_mappings(pm);
}

static void piix4_pm_powerdown(void *opaque)
{
    PIIX4PMState *pm = opaque;

    pm->pmsts |= PIIX4_PMSTS_PWRBTN_STS;
    piix4_pm_update_sci(pm);
}

static bool piix4_pm_realize(DeviceState *dev, GError **errp)
{
    PIIX4PMState *pm = (PIIX4PMState *)dev;
    PCIDevice *d = &pm->pci;

    pci_device_init_config(d);
    /* PMBA bits 15:6 and SMBBA bits 15:4 are programmable; bit 0 reads 1. */
    d->wmask[PIIX4_PM_PMBA] = 0xc0;
    d->wmask[PIIX4_PM_PMBA + 1] = 0xff;
    memset(d->wmask + 0x44, 0xff, PIIX4_PM_PMREGMISC - 0x44);   /* CNTA..DEVACTB */
    d->wmask[PIIX4_PM_PMREGMISC] = PIIX4_PM_PMIOSE;
    d->wmask[PIIX4_PM_SMBBA] = 0xf0;
    d->wmask[PIIX4_PM_SMBBA + 1] = 0xff;
    d->wmask[PIIX4_PM_SMBHSTCFG] = 0x0f;
    d->wmask[PIIX4_PM_SMBHSTCFG + 1] = 0xff;                  /* SMBSLVC */
    d->wmask[PIIX4_PM_SMBHSTCFG + 2] = 0xff;                  /* SMBSHDW1 */
    d->wmask[PIIX4_PM_SMBHSTCFG + 3] = 0xff;                  /* SMBSHDW2 */

    memory_region_init_io(&pm->pm_io, &piix4_pm_io_ops, pm, "piix4-pm", PIIX4_PM_IO_SIZE);
    memory_region_init_io(&pm->smb_io, &piix4_smb_ops, pm, "piix4-smbus",
                          PIIX4_SMB_IO_SIZE);
    pm->pm_base = PCI_BAR_UNMAPPED;
    pm->smb_base = PCI_BAR_UNMAPPED;
    qemu_register_powerdown_notifier(piix4_pm_powerdown, pm);
    piix4_pm_reset(dev);
    return true;
}

static int piix4_pm_post_load(void *opaque, int version_id)
{
    PIIX4PMState *pm = opaque;

    piix4_pm_update_mappings(pm);
    pm->sci_level = -1;
    piix4_pm_update_sci(pm);
    return 0;
}

static const VMStateField piix4_pm_vmstate_fields[] = {
    VMSTATE_STRUCT(pci, PIIX4PMState, vmstate_pci_device, PCIDevice),
    VMSTATE_UINT16(pmsts, PIIX4PMState),
    VMSTATE_UINT16(pmen, PIIX4PMState),
    VMSTATE_UINT16(pmcntrl, PIIX4PMState),
    VMSTATE_UINT16(gpsts, PIIX4PMState),
    VMSTATE_UINT16(gpen, PIIX4PMState),
    VMSTATE_UINT32(pcntrl, PIIX4PMState),
    VMSTATE_UINT32(glbsts, PIIX4PMState),
    VMSTATE_UINT32(devsts, PIIX4PMState),
    VMSTATE_UINT32(glben, PIIX4PMState),
    VMSTATE_UINT32(glbctl, PIIX4PMState),
    VMSTATE_UINT32(devctl, PIIX4PMState),
    VMSTATE_UINT32(gpireg, PIIX4PMState),
    VMSTATE_UINT32(gporeg, PIIX4PMState),
    VMSTATE_BUFFER(smb_regs, PIIX4PMState),
    VMSTATE_INT64(tmr_base_ns, PIIX4PMState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription piix4_pm_vmstate = {
    .name = "piix4-pm",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = piix4_pm_post_load,
    .fields = piix4_pm_vmstate_fields,
};

const PCIDeviceClass piix4_pm_class = {
    .parent = {
        .name = "piix4-pm",
        .desc = "Intel 82371AB PIIX4 power management",
        .instance_size = sizeof(PIIX4PMState),
        .realize = piix4_pm_realize,
        .reset = piix4_pm_reset,
        .vmsd = &piix4_pm_vmstate,
    },
    .vendor_id = 0x8086,
    .device_id = 0x7113,
    .revision = 0x03,
    .class_id = PCI_CLASS_BRIDGE_OTHER,
    .interrupt_pin = 1,
    .config_write = piix4_pm_config_write,
};

static void __attribute__((constructor)) piix4_pm_register(void)
{
    device_class_register(&piix4_pm_class.parent);
}
