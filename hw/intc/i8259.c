/*
 * Intel 8259A programmable interrupt controller (Intel datasheet 231468, "8259A
 * Programmable Interrupt Controller"), as a cascaded master/slave pair with the
 * edge/level control registers (ELCR) of PC chipsets such as the PIIX4.
 *
 * Modelled: the ICW1-ICW4 initialisation sequence (single or cascade mode, ICW4
 * optional), OCW1 mask, OCW2 EOI commands (non-specific, specific, rotate on EOI,
 * rotate in auto-EOI, set priority), OCW3 (IRR/ISR read select, poll command, special
 * mask mode), edge and level triggering per input through the ELCR, automatic
 * rotation, auto-EOI, special fully nested mode, the interrupt acknowledge cycle with
 * cascade through IR2 and spurious IRQ 7 when a request vanished before INTA.
 *
 * An edge-triggered request stays in IRR once latched, even if the input falls again
 * before INTA, so sources that pulse their line are never lost; the datasheet's
 * "request withdrawn -> spurious IR7" case therefore shows for level-triggered
 * inputs and for a slave that has nothing left when the master acknowledges IR2.
 *
 * Not modelled: 8080/8085 call-address mode (ICW1 ADI, ICW4 uPM = 0), buffered mode
 * (ICW4 BUF/M/S only steer the SP/EN pin) and ICW1 LTIM, which PC chipsets replace
 * by the ELCR (logged as unimplemented when a guest sets it).
 */
#include "qemu/osdep.h"
#include "hw/intc/i8259.h"
#include "migration/vmstate.h"

#define ICW1_IC4    0x01    /* ICW4 follows */
#define ICW1_SNGL   0x02    /* single 8259A, no ICW3 */
#define ICW1_LTIM   0x08
#define ICW1_INIT   0x10    /* A0 = 0 with D4 = 1 identifies ICW1 */

#define ICW4_UPM    0x01
#define ICW4_AEOI   0x02
#define ICW4_SFNM   0x10

#define OCW3_RIS    0x01
#define OCW3_RR     0x02
#define OCW3_P      0x04
#define OCW3_SEL    0x08    /* D4:D3 = 01 identifies OCW3 */
#define OCW3_SMM    0x20
#define OCW3_ESMM   0x40

/* OCW2 R, SL, EOI bits (D7:D5). */
enum {
    OCW2_ROTATE_AEOI_CLEAR = 0,
    OCW2_NONSPECIFIC_EOI = 1,
    OCW2_NOP = 2,
    OCW2_SPECIFIC_EOI = 3,
    OCW2_ROTATE_AEOI_SET = 4,
    OCW2_ROTATE_NONSPECIFIC_EOI = 5,
    OCW2_SET_PRIORITY = 6,
    OCW2_ROTATE_SPECIFIC_EOI = 7,
};

#define I8259_CASCADE_IRQ 2
#define I8259_SPURIOUS_IRQ 7

/*
 * Position (0 = highest priority) of the highest-priority bit set in mask under the
 * current rotation, or 8 when none is set.
 */
static int i8259_priority(const PICState *s, uint8_t mask)
{
    for (int i = 0; i < 8; i++) {
        if (mask & (1u << ((i + s->priority_add) & 7))) {
            return i;
        }
    }
    return 8;
}

/* The IR the chip would raise INT for now, or -1. */
static int i8259_pending_irq(const PICState *s)
{
    uint8_t req = s->irr & ~s->imr;
    int prio = i8259_priority(s, req);
    uint8_t in_service;

    if (prio == 8) {
        return -1;
    }
    if (s->special_mask) {
        /*
         * Special mask mode: in-service levels no longer hold off others; only a
         * level already in service cannot interrupt itself.
         */
        for (int i = 0; i < 8; i++) {
            int irq = (i + s->priority_add) & 7;

            if ((req & (1u << irq)) && !(s->isr & (1u << irq))) {
                return irq;
            }
        }
        return -1;
    }
    in_service = s->isr;
    if (s->special_fully_nested && s->master) {
        /*
         * Special fully nested mode: a slave in service does not block further,
         * higher-priority requests of that same slave.
         */
        in_service &= ~(1u << I8259_CASCADE_IRQ);
    }
    if (prio < i8259_priority(s, in_service)) {
        return (prio + s->priority_add) & 7;
    }
    return -1;
}

/* Recompute INT and drive it (slave INT goes to the master's IR2). */
static void i8259_update(PICState *s)
{
    int level = i8259_pending_irq(s) >= 0;

    if (level != s->int_level) {
        s->int_level = level;
        irq_set(s->int_out, level);
    }
}

static void i8259_set_input(PICState *s, int irq, int level)
{
    uint8_t mask = 1u << irq;

    if (s->elcr & mask) {
        /* Level triggered: IRR follows the input. */
        if (level) {
            s->irr |= mask;
            s->last_irr |= mask;
        } else {
            s->irr &= ~mask;
            s->last_irr &= ~mask;
        }
    } else if (level) {
        /* Edge triggered: a low-to-high transition sets IRR. */
        if (!(s->last_irr & mask)) {
            s->irr |= mask;
        }
        s->last_irr |= mask;
    } else {
        s->last_irr &= ~mask;
    }
    i8259_update(s);
}

/* The INTA cycle on one chip for irq: set ISR (or auto-EOI), clear an edge request. */
static void i8259_intack(PICState *s, int irq)
{
    uint8_t mask = 1u << irq;

    if (s->auto_eoi) {
        if (s->rotate_on_auto_eoi) {
            s->priority_add = (irq + 1) & 7;
        }
    } else {
        s->isr |= mask;
    }
    if (!(s->elcr & mask)) {
        s->irr &= ~mask;
    }
}

static bool i8259_is_cascaded_master(const PICState *s)
{
    return s->master && s->slave && !s->single_mode;
}

int i8259_iack(DeviceState *dev)
{
    PICState *s = (PICState *)dev;
    int irq = i8259_pending_irq(s);
    int vector;

    if (irq < 0) {
        /* The request went away before INTA: the chip answers with IR7. */
        vector = s->irq_base + I8259_SPURIOUS_IRQ;
    } else if (irq == I8259_CASCADE_IRQ && i8259_is_cascaded_master(s)) {
        PICState *sl = s->slave;
        int irq2 = i8259_pending_irq(sl);

        i8259_intack(s, irq);
        if (irq2 >= 0) {
            i8259_intack(sl, irq2);
            vector = sl->irq_base + irq2;
        } else {
            vector = sl->irq_base + I8259_SPURIOUS_IRQ;
        }
        i8259_update(sl);
    } else {
        i8259_intack(s, irq);
        vector = s->irq_base + irq;
    }
    i8259_update(s);
    return vector;
}

int i8259_get_int(DeviceState *dev)
{
    return ((PICState *)dev)->int_level;
}

/* Poll command: the next read returns 0x80 | level and acts as an INTA. */
static uint8_t i8259_poll_read(PICState *s)
{
    int irq = i8259_pending_irq(s);

    s->poll = false;
    if (irq < 0) {
        return 0;
    }
    i8259_intack(s, irq);
    i8259_update(s);
    return 0x80 | irq;
}

static void i8259_icw1(PICState *s, uint8_t val)
{
    if (val & ICW1_LTIM) {
        mimic_log_mask(LOG_UNIMP, "%s: ICW1 LTIM ignored (edge/level is per ELCR)\n",
                       s->parent.id);
    }
    if (!(val & ICW1_IC4)) {
        /* Without ICW4 its functions are all zero: 8080 mode, which we treat as x86. */
        s->icw4 = 0;
        s->auto_eoi = false;
        s->special_fully_nested = false;
    }
    s->icw1 = val;
    s->single_mode = (val & ICW1_SNGL) != 0;
    s->imr = 0;
    s->isr = 0;
    /* Edge sense reset: an edge input must go low then high again to request. */
    s->irr &= s->elcr;
    s->priority_add = 0;
    s->special_mask = false;
    s->read_reg_select = 0;
    s->poll = false;
    s->rotate_on_auto_eoi = false;
    s->init_state = 1;
    i8259_update(s);
}

static void i8259_ocw2(PICState *s, uint8_t val)
{
    int irq;
    int prio;

    switch (val >> 5) {
    case OCW2_ROTATE_AEOI_CLEAR:
        s->rotate_on_auto_eoi = false;
        break;
    case OCW2_ROTATE_AEOI_SET:
        s->rotate_on_auto_eoi = true;
        break;
    case OCW2_NONSPECIFIC_EOI:
    case OCW2_ROTATE_NONSPECIFIC_EOI:
        prio = i8259_priority(s, s->isr);
        if (prio == 8) {
            mimic_log_mask(LOG_GUEST_ERROR, "%s: EOI with nothing in service\n",
                           s->parent.id);
            break;
        }
        irq = (prio + s->priority_add) & 7;
        s->isr &= ~(1u << irq);
        if ((val >> 5) == OCW2_ROTATE_NONSPECIFIC_EOI) {
            s->priority_add = (irq + 1) & 7;
        }
        break;
    case OCW2_SPECIFIC_EOI:
    case OCW2_ROTATE_SPECIFIC_EOI:
        irq = val & 7;
        s->isr &= ~(1u << irq);
        if ((val >> 5) == OCW2_ROTATE_SPECIFIC_EOI) {
            s->priority_add = (irq + 1) & 7;
        }
        break;
    case OCW2_SET_PRIORITY:
        /* The named level becomes the lowest priority. */
        s->priority_add = ((val & 7) + 1) & 7;
        break;
    case OCW2_NOP:
        break;
    }
    i8259_update(s);
}

static void i8259_ocw3(PICState *s, uint8_t val)
{
    if (val & OCW3_P) {
        s->poll = true;
    }
    if (val & OCW3_RR) {
        s->read_reg_select = val & OCW3_RIS;
    }
    if (val & OCW3_ESMM) {
        s->special_mask = (val & OCW3_SMM) != 0;
    }
    i8259_update(s);
}

static void i8259_write_data(PICState *s, uint8_t val)
{
    switch (s->init_state) {
    case 0:
        /* OCW1 */
        s->imr = val;
        i8259_update(s);
        break;
    case 1:
        /* ICW2: T7-T3 of the vector; the chip supplies the IR number. */
        s->irq_base = val & 0xf8;
        if (s->single_mode) {
            s->init_state = (s->icw1 & ICW1_IC4) ? 3 : 0;
        } else {
            s->init_state = 2;
        }
        break;
    case 2:
        /* ICW3: slave map (master) or cascade identity (slave). */
        s->icw3 = val;
        s->init_state = (s->icw1 & ICW1_IC4) ? 3 : 0;
        break;
    case 3:
        s->icw4 = val;
        s->auto_eoi = (val & ICW4_AEOI) != 0;
        s->special_fully_nested = (val & ICW4_SFNM) != 0;
        if (!(val & ICW4_UPM)) {
            mimic_log_mask(LOG_UNIMP, "%s: ICW4 8080/8085 mode not supported\n",
                           s->parent.id);
        }
        s->init_state = 0;
        i8259_update(s);
        break;
    }
}

static uint64_t i8259_io_read(void *opaque, hwaddr off, unsigned size)
{
    PICState *s = opaque;

    if (s->poll) {
        return i8259_poll_read(s);
    }
    if (off == 0) {
        return s->read_reg_select ? s->isr : s->irr;
    }
    return s->imr;
}

static void i8259_io_write(void *opaque, hwaddr off, uint64_t val64, unsigned size)
{
    PICState *s = opaque;
    uint8_t val = val64;

    if (off == 1) {
        i8259_write_data(s, val);
    } else if (val & ICW1_INIT) {
        i8259_icw1(s, val);
    } else if (val & OCW3_SEL) {
        i8259_ocw3(s, val);
    } else {
        i8259_ocw2(s, val);
    }
}

static const MemoryRegionOps i8259_io_ops = {
    .read = i8259_io_read,
    .write = i8259_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static uint64_t i8259_elcr_read(void *opaque, hwaddr off, unsigned size)
{
    PICState *s = opaque;

    return s->elcr;
}

static void i8259_elcr_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    PICState *s = opaque;

    s->elcr = val & s->elcr_mask;
    /* Inputs that became level triggered now show their pin level in IRR. */
    s->irr = (s->irr & ~s->elcr) | (s->last_irr & s->elcr);
    i8259_update(s);
}

static const MemoryRegionOps i8259_elcr_ops = {
    .read = i8259_elcr_read,
    .write = i8259_elcr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void i8259_reset(DeviceState *dev)
{
    PICState *s = (PICState *)dev;

    s->irr = 0;
    s->isr = 0;
    s->imr = 0;
    s->last_irr = 0;
    s->elcr = 0;
    s->priority_add = 0;
    s->irq_base = 0;
    s->read_reg_select = 0;
    s->init_state = 0;
    s->icw1 = 0;
    s->icw3 = 0;
    s->icw4 = 0;
    s->poll = false;
    s->special_mask = false;
    s->auto_eoi = false;
    s->rotate_on_auto_eoi = false;
    s->special_fully_nested = false;
    s->single_mode = false;
    s->int_level = 0;
    irq_lower(s->int_out);
}

static bool i8259_realize(DeviceState *dev, GError **errp)
{
    PICState *s = (PICState *)dev;
    const char *name = dev->id ? dev->id : TYPE_I8259;
    char *elcr_name;

    if (s->elcr_mask > 0xff) {
        error_setg(errp, "%s: elcr_mask 0x%x is wider than 8 bits", name, s->elcr_mask);
        return false;
    }
    memory_region_init_io(&s->io, &i8259_io_ops, s, name, 2);
    elcr_name = g_strdup_printf("%s-elcr", name);
    memory_region_init_io(&s->elcr_io, &i8259_elcr_ops, s, elcr_name, 1);
    g_free(elcr_name);
    i8259_reset(dev);
    return true;
}

static int i8259_post_load(void *opaque, int version_id)
{
    PICState *s = opaque;

    if (s->init_state > 3) {
        s->init_state = 0;
        return -EINVAL;
    }
    /* The sink's state was restored too: drive the saved level unconditionally. */
    s->int_level = i8259_pending_irq(s) >= 0;
    irq_set(s->int_out, s->int_level);
    return 0;
}

static const VMStateField i8259_fields[] = {
    VMSTATE_UINT8(irr, PICState),
    VMSTATE_UINT8(isr, PICState),
    VMSTATE_UINT8(imr, PICState),
    VMSTATE_UINT8(last_irr, PICState),
    VMSTATE_UINT8(elcr, PICState),
    VMSTATE_UINT8(priority_add, PICState),
    VMSTATE_UINT8(irq_base, PICState),
    VMSTATE_UINT8(read_reg_select, PICState),
    VMSTATE_UINT8(init_state, PICState),
    VMSTATE_UINT8(icw1, PICState),
    VMSTATE_UINT8(icw3, PICState),
    VMSTATE_UINT8(icw4, PICState),
    VMSTATE_BOOL(poll, PICState),
    VMSTATE_BOOL(special_mask, PICState),
    VMSTATE_BOOL(auto_eoi, PICState),
    VMSTATE_BOOL(rotate_on_auto_eoi, PICState),
    VMSTATE_BOOL(special_fully_nested, PICState),
    VMSTATE_BOOL(single_mode, PICState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription i8259_vmstate = {
    .name = "i8259",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = i8259_post_load,
    .fields = i8259_fields,
};

static const Property i8259_props[] = {
    DEFINE_PROP_BOOL("master", PICState, master, true),
    DEFINE_PROP_UINT32("iobase", PICState, iobase, 0x20),
    DEFINE_PROP_UINT32("elcr-addr", PICState, elcr_addr, 0x4d0),
    DEFINE_PROP_UINT32("elcr-mask", PICState, elcr_mask, 0xf8),
    DEFINE_PROP_END_OF_LIST(),
};

const DeviceClass i8259_device_class = {
    .name = TYPE_I8259,
    .desc = "Intel 8259A interrupt controller",
    .instance_size = sizeof(PICState),
    .realize = i8259_realize,
    .reset = i8259_reset,
    .vmsd = &i8259_vmstate,
    .props = i8259_props,
    .user_creatable = false,
};

static void __attribute__((constructor)) i8259_register(void)
{
    device_class_register(&i8259_device_class);
}

/* ISA IRQ n: 0-7 on the master, 8-15 on the slave. */
static void i8259_isa_irq_handler(void *opaque, int n, int level)
{
    PICState *master = opaque;

    if (n < 8) {
        i8259_set_input(master, n, level);
    } else {
        i8259_set_input(master->slave, n - 8, level);
    }
}

static PICState *i8259_create(MemoryRegion *io_space, bool master, uint32_t iobase,
                              uint32_t elcr_addr, uint32_t elcr_mask, IRQLine *int_out,
                              const char *id)
{
    DeviceState *dev = qdev_new(&i8259_device_class, id);
    PICState *s = (PICState *)dev;
    GError *err = NULL;

    qdev_prop_set_bool(dev, "master", master);
    qdev_prop_set_uint32(dev, "iobase", iobase);
    qdev_prop_set_uint32(dev, "elcr-addr", elcr_addr);
    qdev_prop_set_uint32(dev, "elcr-mask", elcr_mask);
    s->int_out = int_out;
    if (!qdev_realize(dev, &err)) {
        error_report_err(err);
        return NULL;
    }
    memory_region_add_subregion(io_space, iobase, &s->io);
    memory_region_add_subregion(io_space, elcr_addr, &s->elcr_io);
    return s;
}

IRQLine **i8259_init(MemoryRegion *io_space, IRQLine *parent, DeviceState **master_out)
{
    PICState *master;
    PICState *slave;
    IRQLine **lines;

    /* PC/AT: IRQ 0, 1, 2, 8 and 13 are always edge triggered (PIIX4 ELCR masks). */
    master = i8259_create(io_space, true, 0x20, 0x4d0, 0xf8, parent, "pic-master");
    if (!master) {
        return NULL;
    }
    lines = irq_new_array(i8259_isa_irq_handler, master, 16);
    slave = i8259_create(io_space, false, 0xa0, 0x4d1, 0xde, NULL, "pic-slave");
    if (!slave) {
        return NULL;
    }
    master->slave = slave;
    slave->int_out = irq_new(i8259_isa_irq_handler, master, I8259_CASCADE_IRQ);
    if (master_out) {
        *master_out = DEVICE(master);
    }
    return lines;
}
