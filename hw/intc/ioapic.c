/*
 * Intel 82093AA I/O Advanced Programmable Interrupt Controller (IOAPIC)
 * datasheet (order 290566): IOREGSEL at offset 0x00 and IOWIN at 0x10 of its
 * page; registers IOAPICID, IOAPICVER (24 redirection entries, version 0x11),
 * IOAPICARB and the 64-bit redirection table. Edge-triggered inputs are latched
 * on a rising level; level-triggered ones set Remote IRR on delivery until the
 * local APIC's EOI for that vector, after which a still-asserted line delivers
 * again. Fixed, lowest-priority (to the first APIC of the set), NMI, INIT and
 * start-up messages go to the local APICs in physical or logical mode.
 *
 * Not modelled: input polarity (the board's lines carry the asserted state, as
 * in QEMU), SMI and ExtINT delivery (logged), the delivery status bit (always
 * idle), the 82093AA's APIC serial bus timing.
 */
#include "qemu/osdep.h"
#include "hw/i386/apic.h"
#include "migration/vmstate.h"

#define IOAPIC_REG_ID   0x00
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REG_ARB  0x02
#define IOAPIC_REG_REDTBL 0x10
#define IOAPIC_VERSION  (((IOAPIC_NUM_PINS - 1) << 16) | 0x11)

#define IOAPIC_RTE_MASKED     (1ULL << 16)
#define IOAPIC_RTE_LEVEL      (1ULL << 15)
#define IOAPIC_RTE_REMOTE_IRR (1ULL << 14)
#define IOAPIC_RTE_LOGICAL    (1ULL << 11)
#define IOAPIC_RTE_RO_MASK    (IOAPIC_RTE_REMOTE_IRR | (1ULL << 12))

static void ioapic_service(IOAPICState *s)
{
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t rte = s->redtbl[i];
        APICState *dst[APIC_MAX];
        int n, mode;
        bool level = rte & IOAPIC_RTE_LEVEL;

        if (!(s->irr & (1u << i)) || (rte & IOAPIC_RTE_MASKED)) {
            continue;
        }
        if (level && (rte & IOAPIC_RTE_REMOTE_IRR)) {
            continue;                   /* still being serviced */
        }
        mode = (rte >> 8) & 7;
        n = apic_match_dest(rte >> 56, rte & IOAPIC_RTE_LOGICAL, dst, APIC_MAX);
        if (mode == APIC_DM_LOWEST && n > 1) {
            n = 1;
        }
        for (int k = 0; k < n; k++) {
            apic_deliver(dst[k], mode, rte & 0xff, level);
        }
        if (level) {
            s->redtbl[i] |= IOAPIC_RTE_REMOTE_IRR;
        } else {
            s->irr &= ~(1u << i);
        }
    }
}

static void ioapic_set_irq(void *opaque, int n, int level)
{
    IOAPICState *s = opaque;
    uint32_t bit = 1u << n;
    bool was = s->level & bit;

    if (level) {
        s->level |= bit;
    } else {
        s->level &= ~bit;
    }
    if (s->redtbl[n] & IOAPIC_RTE_LEVEL) {
        if (level) {
            s->irr |= bit;
        } else {
            s->irr &= ~bit;
        }
    } else if (level && !was) {
        s->irr |= bit;                  /* rising edge */
    }
    ioapic_service(s);
}

IRQLine *ioapic_input(IOAPICState *s, int n)
{
    assert(n >= 0 && n < IOAPIC_NUM_PINS);
    return s->in[n];
}

void ioapic_eoi(IOAPICState *s, int vector)
{
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        uint64_t *rte = &s->redtbl[i];

        if ((*rte & IOAPIC_RTE_LEVEL) && (*rte & IOAPIC_RTE_REMOTE_IRR) &&
            (*rte & 0xff) == (uint64_t)vector) {
            *rte &= ~IOAPIC_RTE_REMOTE_IRR;
            if (s->level & (1u << i)) {
                s->irr |= 1u << i;
            }
        }
    }
    ioapic_service(s);
}

uint64_t ioapic_mem_read(void *opaque, hwaddr off, unsigned size)
{
    IOAPICState *s = opaque;
    uint32_t r = s->ioregsel;

    if (off == 0x00) {
        return s->ioregsel;
    }
    if (off != 0x10) {
        return 0;
    }
    switch (r) {
    case IOAPIC_REG_ID:
    case IOAPIC_REG_ARB:
        return (s->id & 0xf) << 24;
    case IOAPIC_REG_VER:
        return IOAPIC_VERSION;
    default:
        if (r >= IOAPIC_REG_REDTBL && r < IOAPIC_REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
            uint64_t rte = s->redtbl[(r - IOAPIC_REG_REDTBL) >> 1];

            return (r & 1) ? rte >> 32 : (uint32_t)rte;
        }
        mimic_log_mask(LOG_GUEST_ERROR, "ioapic: read of register 0x%x\n", r);
        return 0;
    }
}

void ioapic_mem_write(void *opaque, hwaddr off, uint64_t val64, unsigned size)
{
    IOAPICState *s = opaque;
    uint32_t r = s->ioregsel, val = val64;

    if (off == 0x00) {
        s->ioregsel = val & 0xff;
        return;
    }
    if (off != 0x10) {
        return;
    }
    if (r == IOAPIC_REG_ID) {
        s->id = (val >> 24) & 0xf;
    } else if (r >= IOAPIC_REG_REDTBL && r < IOAPIC_REG_REDTBL + 2 * IOAPIC_NUM_PINS) {
        int i = (r - IOAPIC_REG_REDTBL) >> 1;
        uint64_t old = s->redtbl[i], rte;

        if (r & 1) {
            rte = (old & 0xffffffffULL) | ((uint64_t)val << 32);
        } else {
            rte = (old & ~0xffffffffULL) | val;
        }
        s->redtbl[i] = (rte & ~IOAPIC_RTE_RO_MASK) | (old & IOAPIC_RTE_RO_MASK);
        if (!(rte & IOAPIC_RTE_LEVEL)) {
            s->redtbl[i] &= ~IOAPIC_RTE_REMOTE_IRR;
        } else if (s->level & (1u << i)) {
            s->irr |= 1u << i;          /* a line already asserted counts now */
        }
        ioapic_service(s);
    } else {
        mimic_log_mask(LOG_GUEST_ERROR, "ioapic: write to read-only register 0x%x\n", r);
    }
}

static const MemoryRegionOps ioapic_ops = {
    .read = ioapic_mem_read,
    .write = ioapic_mem_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void ioapic_reset(DeviceState *dev)
{
    IOAPICState *s = (IOAPICState *)dev;

    s->id = 0;
    s->ioregsel = 0;
    s->irr = 0;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->redtbl[i] = IOAPIC_RTE_MASKED;
    }
}

static bool ioapic_realize(DeviceState *dev, GError **errp)
{
    IOAPICState *s = (IOAPICState *)dev;

    memory_region_init_io(&s->io, &ioapic_ops, s, "ioapic", 0x1000);
    s->in = irq_new_array(ioapic_set_irq, s, IOAPIC_NUM_PINS);
    ioapic_reset(dev);
    return true;
}

static const VMStateField ioapic_fields[] = {
    VMSTATE_UINT32(id, IOAPICState),
    VMSTATE_UINT32(ioregsel, IOAPICState),
    VMSTATE_UINT64_ARRAY(redtbl, IOAPICState, IOAPIC_NUM_PINS),
    VMSTATE_UINT32(irr, IOAPICState),
    VMSTATE_UINT32(level, IOAPICState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription ioapic_vmstate = {
    .name = "ioapic",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = ioapic_fields,
};

const DeviceClass ioapic_device_class = {
    .name = TYPE_IOAPIC,
    .desc = "82093AA I/O APIC",
    .instance_size = sizeof(IOAPICState),
    .realize = ioapic_realize,
    .reset = ioapic_reset,
    .vmsd = &ioapic_vmstate,
};

static void __attribute__((constructor)) ioapic_register(void)
{
    device_class_register(&ioapic_device_class);
}

IOAPICState *ioapic_init(MemoryRegion *space, hwaddr base)
{
    IOAPICState *s = (IOAPICState *)qdev_new(&ioapic_device_class, "ioapic");

    if (!qdev_realize(DEVICE(s), NULL)) {
        abort();                        /* realize cannot fail */
    }
    if (space) {
        memory_region_add_subregion(space, base, &s->io);
    }
    return s;
}
