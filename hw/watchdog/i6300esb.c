/*
 * Intel 6300ESB watchdog timer (PCI 8086:25ab; Intel 6300ESB I/O Controller Hub
 * datasheet, order 300641, chapter "Watchdog Timer"), QEMU's -device i6300esb.
 * Linux drives it with its i6300esb module (Debian's 686 kernel has it).
 *
 * Two stages: the down-counter starts from Preload Value 1; at zero it raises
 * the first-stage interrupt (when configured), reloads from Preload Value 2 and
 * counts again; at zero again the WDT_TOUT# output fires, which on this board
 * is the -watchdog-action (softmmu/watchdog.c, reset by default), and the
 * WDT_TIMEOUT bit is set. The host keeps it from firing by reloading: writes of
 * 0x80 then 0x86 to the Reload register unlock the next write to a preload or
 * reload register (the datasheet's sequence), and WDT_RELOAD restarts stage 1.
 *
 * PCI configuration:
 *   0x60  WDT configuration: bits 1:0 first-stage interrupt (00 INTA#,
 *         10 SMI, 11 none), bit 2 prescaler (0: counts at 33 MHz / 2^15, about
 *         1 kHz; 1: 33 MHz / 2^5, about 1 MHz), bit 5 set: WDT_TOUT# disabled.
 *   0x68  lock: bit 0 locks the register until reset (nowayout), bit 1
 *         enables counting, bit 2 free-running mode.
 * Memory BAR 0 (16 bytes): 0x00/0x04 Preload Value 1/2 (20 bits; the counter
 * takes them as its upper bits, so one unit is one prescaled tick), 0x08
 * General Interrupt Status (bit 0: first stage, write 1 to clear), 0x0c Reload
 * (bit 8 WDT_RELOAD, bit 9 WDT_TIMEOUT: write 1 to clear).
 *
 * Not modelled: the SMI route (logged), and the WDT_TOUT# pin in free-running
 * mode, where it only toggles (nothing on this board listens to it). The time
 * base is the VM clock, so a paused or snapshotted VM does not expire.
 */
#include "qemu/osdep.h"
#include "hw/pci/pci.h"
#include "qemu/timer.h"
#include "sysemu/watchdog.h"
#include "migration/vmstate.h"

#define ESB_CONFIG_REG          0x60
#define ESB_LOCK_REG            0x68
#define ESB_BAR_SIZE            16

#define ESB_CFG_INT_MASK        0x03
#define ESB_CFG_INT_IRQ         0x00
#define ESB_CFG_INT_SMI         0x02
#define ESB_CFG_PRESCALE_1MHZ   0x04
#define ESB_CFG_OUTPUT_OFF      0x20

#define ESB_LOCK_LOCKED         0x01
#define ESB_LOCK_ENABLE         0x02
#define ESB_LOCK_FREE_RUN       0x04

#define ESB_REG_PRELOAD1        0x00
#define ESB_REG_PRELOAD2        0x04
#define ESB_REG_GINTSR          0x08
#define ESB_REG_RELOAD          0x0c

#define ESB_RELOAD_RELOAD       0x100
#define ESB_RELOAD_TIMEOUT      0x200
#define ESB_UNLOCK1             0x80
#define ESB_UNLOCK2             0x86

#define ESB_PRELOAD_MASK        0xfffff
#define ESB_CLOCK_HZ            33000000ULL

typedef struct I6300ESBState {
    PCIDevice pci;
    MemoryRegion mmio;
    Timer timer;
    uint32_t preload[2];
    uint8_t unlock;             /* 0, 1 after 0x80, 2 after 0x80 0x86 */
    uint8_t stage;              /* 1 or 2 while counting */
    bool timeout;               /* WDT_TIMEOUT: kept across resets */
    bool int_status;            /* first-stage interrupt pending */
} I6300ESBState;

static uint8_t esb_config(I6300ESBState *s)
{
    return s->pci.config[ESB_CONFIG_REG];
}

static uint8_t esb_lock(I6300ESBState *s)
{
    return s->pci.config[ESB_LOCK_REG];
}

/* Nanoseconds of one stage that starts from this preload value. */
static int64_t esb_stage_ns(I6300ESBState *s, uint32_t preload)
{
    unsigned shift = (esb_config(s) & ESB_CFG_PRESCALE_1MHZ) ? 5 : 15;
    uint64_t clocks = ((uint64_t)(preload & ESB_PRELOAD_MASK) << shift) + 1;

    return (int64_t)(clocks * 1000000000ULL / ESB_CLOCK_HZ);
}

/* Start stage `stage` now (counting only when enabled). */
static void esb_start_stage(I6300ESBState *s, int stage)
{
    s->stage = stage;
    if (!(esb_lock(s) & ESB_LOCK_ENABLE)) {
        timer_del(&s->timer);
        return;
    }
    timer_mod(&s->timer, clock_get_ns(CLOCK_VIRTUAL) +
              esb_stage_ns(s, s->preload[stage - 1]));
}

static void esb_update_irq(I6300ESBState *s)
{
    pci_set_irq(&s->pci, s->int_status &&
                (esb_config(s) & ESB_CFG_INT_MASK) == ESB_CFG_INT_IRQ);
}

static void esb_expired(void *opaque)
{
    I6300ESBState *s = opaque;

    if (esb_lock(s) & ESB_LOCK_FREE_RUN) {
        /* One stage, the output toggles: nothing here is wired to it. */
        esb_start_stage(s, 1);
        return;
    }
    if (s->stage == 1) {
        switch (esb_config(s) & ESB_CFG_INT_MASK) {
        case ESB_CFG_INT_IRQ:
            s->int_status = true;
            esb_update_irq(s);
            break;
        case ESB_CFG_INT_SMI:
            mimic_log_mask(LOG_UNIMP, "i6300esb: first-stage SMI not delivered\n");
            break;
        default:
            break;
        }
        esb_start_stage(s, 2);
        return;
    }
    /* Second stage: WDT_TOUT#. */
    s->stage = 0;
    if (esb_config(s) & ESB_CFG_OUTPUT_OFF) {
        return;
    }
    s->timeout = true;
    watchdog_perform_action();
}

static uint64_t esb_mmio_read(void *opaque, hwaddr off, unsigned size)
{
    I6300ESBState *s = opaque;

    switch (off) {
    case ESB_REG_PRELOAD1:
    case ESB_REG_PRELOAD2:
        return s->preload[off / 4];
    case ESB_REG_GINTSR:
        return s->int_status;
    case ESB_REG_RELOAD:
        return s->timeout ? ESB_RELOAD_TIMEOUT : 0;
    default:
        return 0;
    }
}

static void esb_mmio_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    I6300ESBState *s = opaque;
    bool unlocked = s->unlock == 2;

    if (off == ESB_REG_RELOAD && !unlocked) {
        /* The unlock sequence itself (byte or word writes, as drivers do). */
        s->unlock = val == ESB_UNLOCK1 ? 1 :
                    (val == ESB_UNLOCK2 && s->unlock == 1) ? 2 : 0;
        return;
    }
    if (off == ESB_REG_GINTSR) {
        if (val & 1) {
            s->int_status = false;
            esb_update_irq(s);
        }
        return;
    }
    if (!unlocked) {
        mimic_log_mask(LOG_GUEST_ERROR, "i6300esb: write to 0x%x without the unlock "
                       "sequence ignored\n", (unsigned)off);
        return;
    }
    s->unlock = 0;              /* one write per unlock */
    switch (off) {
    case ESB_REG_PRELOAD1:
    case ESB_REG_PRELOAD2:
        /* Taken by the counter when it next enters that stage. */
        s->preload[off / 4] = val & ESB_PRELOAD_MASK;
        break;
    case ESB_REG_RELOAD:
        if (val & ESB_RELOAD_TIMEOUT) {
            s->timeout = false;
        }
        if (val & ESB_RELOAD_RELOAD) {
            esb_start_stage(s, 1);
        }
        break;
    default:
        break;
    }
}

static const MemoryRegionOps esb_mmio_ops = {
    .read = esb_mmio_read,
    .write = esb_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

static void esb_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    I6300ESBState *s = (I6300ESBState *)d;
    bool was_enabled = esb_lock(s) & ESB_LOCK_ENABLE;
    uint8_t lock = esb_lock(s);

    if ((lock & ESB_LOCK_LOCKED) && addr <= ESB_LOCK_REG && addr + len > ESB_LOCK_REG) {
        /* Locked until reset: keep the lock byte whatever the write says. */
        pci_default_write_config(d, addr, val, len);
        s->pci.config[ESB_LOCK_REG] = lock;
        return;
    }
    pci_default_write_config(d, addr, val, len);
    if (addr <= ESB_LOCK_REG && addr + len > ESB_LOCK_REG) {
        bool enabled = esb_lock(s) & ESB_LOCK_ENABLE;

        if (enabled && !was_enabled) {
            esb_start_stage(s, 1);
        } else if (!enabled) {
            timer_del(&s->timer);
            s->stage = 0;
        }
    }
    if (addr <= ESB_CONFIG_REG && addr + len > ESB_CONFIG_REG) {
        esb_update_irq(s);
    }
}

static bool esb_realize(DeviceState *dev, GError **errp)
{
    I6300ESBState *s = (I6300ESBState *)dev;

    pci_device_init_config(&s->pci);
    /* The two registers the guest programs (the lock byte's bits 2:0). */
    s->pci.wmask[ESB_CONFIG_REG] = ESB_CFG_INT_MASK | ESB_CFG_PRESCALE_1MHZ |
                                   ESB_CFG_OUTPUT_OFF;
    s->pci.wmask[ESB_LOCK_REG] = ESB_LOCK_LOCKED | ESB_LOCK_ENABLE | ESB_LOCK_FREE_RUN;
    memory_region_init_io(&s->mmio, &esb_mmio_ops, s, "i6300esb", ESB_BAR_SIZE);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_SPACE_MEMORY, ESB_BAR_SIZE, &s->mmio);
    timer_init_ns(&s->timer, CLOCK_VIRTUAL, esb_expired, s);
    return true;
}

static void esb_reset(DeviceState *dev)
{
    I6300ESBState *s = (I6300ESBState *)dev;

    /* WDT_TIMEOUT survives: it is how the OS learns the last reset was ours. */
    pci_device_reset(&s->pci);
    timer_del(&s->timer);
    s->preload[0] = s->preload[1] = ESB_PRELOAD_MASK;
    s->unlock = 0;
    s->stage = 0;
    s->int_status = false;
}

static int esb_post_load(void *opaque, int version_id)
{
    pci_update_mappings(&((I6300ESBState *)opaque)->pci);
    return 0;
}

static const VMStateField esb_fields[] = {
    VMSTATE_STRUCT(pci, I6300ESBState, vmstate_pci_device, PCIDevice),
    VMSTATE_TIMER(timer, I6300ESBState),
    VMSTATE_UINT32(preload[0], I6300ESBState),
    VMSTATE_UINT32(preload[1], I6300ESBState),
    VMSTATE_UINT8(unlock, I6300ESBState),
    VMSTATE_UINT8(stage, I6300ESBState),
    VMSTATE_BOOL(timeout, I6300ESBState),
    VMSTATE_BOOL(int_status, I6300ESBState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription esb_vmstate = {
    .name = "i6300esb",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = esb_post_load,
    .fields = esb_fields,
};

const PCIDeviceClass i6300esb_class = {
    .parent = {
        .name = "i6300esb",
        .desc = "Intel 6300ESB watchdog timer (-watchdog-action says what it does)",
        .instance_size = sizeof(I6300ESBState),
        .realize = esb_realize,
        .reset = esb_reset,
        .vmsd = &esb_vmstate,
        .user_creatable = true,
    },
    .vendor_id = 0x8086,
    .device_id = 0x25ab,
    .revision = 0,
    .class_id = 0x0880,              /* base system peripheral: other */
    .interrupt_pin = 1,
    .config_write = esb_config_write,
};

static void __attribute__((constructor)) i6300esb_register(void)
{
    device_class_register(&i6300esb_class.parent);
    pci_user_class_register(&i6300esb_class);
}
