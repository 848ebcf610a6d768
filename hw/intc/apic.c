/*
 * Local APIC of P6-family processors (Intel SDM Vol. 3A, chapter 10 "Advanced
 * Programmable Interrupt Controller (APIC)"): ID, version, task and processor
 * priority, EOI (with EOI messages to the I/O APIC for level-triggered vectors),
 * logical destination (flat and cluster models), spurious vector / software
 * enable, ISR/TMR/IRR, error status, the interrupt command register (fixed,
 * lowest priority, NMI, INIT and start-up IPIs with the destination shorthands),
 * the LVT entries, and the timer (one-shot and periodic, divide configuration)
 * counting the APIC bus clock (1 GHz, as QEMU's). LINT0 takes the 8259's INT:
 * as ExtINT when the LVT says so, and straight to the CPU's INTR when the APIC
 * is disabled in IA32_APIC_BASE, as the hardware does.
 *
 * Not modelled: the thermal and performance-counter sources (their LVT entries
 * are kept), SMI, TSC-deadline and x2APIC modes, relocation of the register
 * page (always 0xfee00000), arbitration priority (APR reads 0), error detection
 * beyond illegal vectors, and focus processor checking for lowest priority (the
 * first APIC of the destination set takes the interrupt).
 */
#include "qemu/osdep.h"
#include "hw/i386/apic.h"
#include "migration/vmstate.h"

#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_BSP    (1u << 8)
#define APIC_VERSION_VAL 0x00050014u    /* integrated APIC, 6 LVT entries */
#define APIC_ESR_ILLEGAL_VECTOR 0x40

static APICState *apics[APIC_MAX];

static bool apic_hw_enabled(APICState *s)
{
    return s->ops && s->ops->get_apic_base ?
           (s->ops->get_apic_base(s->cpu) & APIC_BASE_ENABLE) != 0 : true;
}

static bool apic_sw_enabled(APICState *s)
{
    return s->svr & APIC_SVR_ENABLE;
}

static int apic_highest(const uint32_t *bits)
{
    for (int i = 7; i >= 0; i--) {
        if (bits[i]) {
            return i * 32 + 31 - __builtin_clz(bits[i]);
        }
    }
    return -1;
}

static void apic_set_bit(uint32_t *bits, int v)
{
    bits[v >> 5] |= 1u << (v & 31);
}

static void apic_clear_bit(uint32_t *bits, int v)
{
    bits[v >> 5] &= ~(1u << (v & 31));
}

static bool apic_test_bit(const uint32_t *bits, int v)
{
    return bits[v >> 5] & (1u << (v & 31));
}

static uint32_t apic_ppr(APICState *s)
{
    int isrv = apic_highest(s->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

    return (s->tpr & 0xf0) >= isr_class ? s->tpr & 0xff : isr_class;
}

/* The highest pending vector the processor priority lets through, or -1. */
static int apic_deliverable(APICState *s)
{
    int v = apic_highest(s->irr);

    if (v < 0 || (uint32_t)(v & 0xf0) <= (apic_ppr(s) & 0xf0)) {
        return -1;
    }
    return v;
}

static bool apic_extint_pending(APICState *s)
{
    uint32_t lvt = s->lvt[3];

    return s->extint_level && !(lvt & APIC_LVT_MASKED) &&
           ((lvt >> APIC_DM_SHIFT) & 7) == APIC_DM_EXTINT;
}

/* Drive the CPU's interrupt request from the APIC's state. */
static void apic_update_irq(APICState *s)
{
    bool want;

    if (!s->cpu) {
        return;
    }
    if (!apic_hw_enabled(s)) {
        want = s->extint_level;         /* LINT0 is the processor's INTR pin */
    } else {
        want = apic_extint_pending(s) ||
               (apic_sw_enabled(s) && apic_deliverable(s) >= 0);
    }
    if (want) {
        cpu_interrupt(s->cpu, CPU_INTERRUPT_HARD);
    } else {
        cpu_reset_interrupt(s->cpu, CPU_INTERRUPT_HARD);
    }
}

static void apic_set_irq(APICState *s, int vector, bool level)
{
    if (vector < 16) {
        s->esr |= APIC_ESR_ILLEGAL_VECTOR;
        mimic_log_mask(LOG_GUEST_ERROR, "apic %u: illegal vector %d\n", s->id, vector);
        return;
    }
    apic_set_bit(s->irr, vector);
    if (level) {
        apic_set_bit(s->tmr, vector);
    } else {
        apic_clear_bit(s->tmr, vector);
    }
    apic_update_irq(s);
}

int apic_get_interrupt(APICState *s)
{
    int v;

    if (!apic_hw_enabled(s) || apic_extint_pending(s)) {
        v = s->ops && s->ops->ext_iack ? s->ops->ext_iack(s->ops->ext_opaque) : -1;
        apic_update_irq(s);
        return v;
    }
    if (!apic_sw_enabled(s)) {
        return -1;
    }
    v = apic_deliverable(s);
    if (v < 0) {
        /* Taken away by a TPR change between INTR and INTA: spurious. */
        apic_update_irq(s);
        return s->svr & 0xff;
    }
    apic_clear_bit(s->irr, v);
    apic_set_bit(s->isr, v);
    apic_update_irq(s);
    return v;
}

static void apic_eoi(APICState *s)
{
    int v = apic_highest(s->isr);

    if (v < 0) {
        return;
    }
    apic_clear_bit(s->isr, v);
    if (apic_test_bit(s->tmr, v) && s->ioapic) {
        ioapic_eoi(s->ioapic, v);
    }
    apic_update_irq(s);
}

void apic_set_lint0(APICState *s, int level)
{
    s->extint_level = level;
    apic_update_irq(s);
}

void apic_set_lint1(APICState *s, int level)
{
    uint32_t lvt = s->lvt[4];

    if (level && !s->lint1_level && s->cpu) {
        if (!apic_hw_enabled(s) ||
            (!(lvt & APIC_LVT_MASKED) && ((lvt >> APIC_DM_SHIFT) & 7) == APIC_DM_NMI)) {
            cpu_interrupt(s->cpu, CPU_INTERRUPT_NMI);
        }
    }
    s->lint1_level = level;
}

/* ---- timer ---- */

static int64_t apic_timer_period_ns(APICState *s)
{
    unsigned code = (s->divide_conf & 3) | ((s->divide_conf >> 1) & 4);
    int64_t divisor = code == 7 ? 1 : 2 << code;

    return divisor * (NANOSECONDS_PER_SECOND / APIC_BUS_HZ);
}

static uint64_t apic_timer_elapsed(APICState *s, int64_t now)
{
    return (uint64_t)(now - s->count_load_time) / apic_timer_period_ns(s);
}

static uint32_t apic_timer_current(APICState *s)
{
    uint64_t elapsed;

    if (!s->initial_count) {
        return 0;
    }
    elapsed = apic_timer_elapsed(s, clock_get_ns(CLOCK_VIRTUAL));
    if (s->lvt[0] & APIC_LVT_PERIODIC) {
        return s->initial_count - elapsed % s->initial_count;
    }
    return elapsed >= s->initial_count ? 0 : s->initial_count - elapsed;
}

static void apic_timer_arm(APICState *s, int64_t now)
{
    uint64_t elapsed, n;

    if (!s->initial_count) {
        timer_del(&s->timer);
        return;
    }
    elapsed = apic_timer_elapsed(s, now);
    if (s->lvt[0] & APIC_LVT_PERIODIC) {
        n = (elapsed / s->initial_count + 1) * s->initial_count;
    } else if (elapsed < s->initial_count) {
        n = s->initial_count;
    } else {
        timer_del(&s->timer);
        return;
    }
    timer_mod(&s->timer, s->count_load_time + (int64_t)n * apic_timer_period_ns(s));
}

static void apic_timer_cb(void *opaque)
{
    APICState *s = opaque;

    if (!(s->lvt[0] & APIC_LVT_MASKED)) {
        apic_set_irq(s, s->lvt[0] & 0xff, false);
    }
    apic_timer_arm(s, clock_get_ns(CLOCK_VIRTUAL));
}

/* ---- interrupt messages ---- */

int apic_match_dest(uint8_t dest, bool logical, APICState **out, int max)
{
    int n = 0;

    for (int i = 0; i < APIC_MAX && n < max; i++) {
        APICState *s = apics[i];
        bool hit;

        if (!s) {
            continue;
        }
        if (!logical) {
            hit = dest == 0xff || (s->apic_id >> 24) == dest;
        } else if ((s->dfr >> 28) == 0xf) {
            hit = ((s->ldr >> 24) & dest) != 0;             /* flat model */
        } else {
            uint8_t l = s->ldr >> 24;                       /* cluster model */
            hit = ((l >> 4) == (dest >> 4) || (dest >> 4) == 0xf) && (l & dest & 0xf);
        }
        if (hit) {
            out[n++] = s;
        }
    }
    return n;
}

static void apic_reset_regs(APICState *s)
{
    s->apic_id = s->id << 24;
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    s->esr = 0;
    memset(s->icr, 0, sizeof(s->icr));
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    for (int i = 0; i < APIC_LVT_NB; i++) {
        s->lvt[i] = APIC_LVT_MASKED;
    }
    s->divide_conf = 0;
    s->initial_count = 0;
    s->count_load_time = 0;
    timer_del(&s->timer);
}

void apic_deliver(APICState *s, int mode, int vector, bool level)
{
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        apic_set_irq(s, vector, level);
        break;
    case APIC_DM_NMI:
        if (s->cpu) {
            cpu_interrupt(s->cpu, CPU_INTERRUPT_NMI);
        }
        break;
    case APIC_DM_INIT:
        apic_reset_regs(s);
        s->wait_for_sipi = true;
        if (s->ops && s->ops->init_cpu) {
            s->ops->init_cpu(s->cpu);
        }
        apic_update_irq(s);
        break;
    case APIC_DM_STARTUP:
        if (s->wait_for_sipi) {
            s->wait_for_sipi = false;
            if (s->ops && s->ops->start_cpu) {
                s->ops->start_cpu(s->cpu, vector);
            }
        }
        break;
    default:
        mimic_log_mask(LOG_UNIMP, "apic %u: delivery mode %d not modelled\n", s->id,
                       mode);
        break;
    }
}

static void apic_send_ipi(APICState *s)
{
    uint32_t lo = s->icr[0];
    int mode = (lo >> APIC_DM_SHIFT) & 7;
    int vector = lo & 0xff;
    APICState *targets[APIC_MAX];
    int n = 0;

    if (mode == APIC_DM_INIT && !(lo & APIC_ICR_ASSERT) && (lo & APIC_ICR_LEVEL)) {
        return;                         /* INIT level de-assert: no effect */
    }
    switch ((lo >> APIC_ICR_SHORTHAND_SHIFT) & 3) {
    case 0:
        n = apic_match_dest(s->icr[1] >> 24, lo & APIC_ICR_LOGICAL, targets, APIC_MAX);
        break;
    case 1:
        targets[n++] = s;
        break;
    case 2:
    case 3:
        for (int i = 0; i < APIC_MAX; i++) {
            if (apics[i] && (apics[i] != s || ((lo >> APIC_ICR_SHORTHAND_SHIFT) & 3) == 2)) {
                targets[n++] = apics[i];
            }
        }
        break;
    }
    if (mode == APIC_DM_LOWEST && n > 1) {
        n = 1;
    }
    for (int i = 0; i < n; i++) {
        apic_deliver(targets[i], mode, vector, false);
    }
}

/* ---- registers ---- */

uint64_t apic_mem_read(void *opaque, hwaddr off, unsigned size)
{
    APICState *s = opaque;
    unsigned reg = off & 0xff0;

    switch (reg) {
    case APIC_ID:
        return s->apic_id;
    case APIC_VERSION:
        return APIC_VERSION_VAL;
    case APIC_TPR:
        return s->tpr;
    case APIC_APR:
        return 0;
    case APIC_PPR:
        return apic_ppr(s);
    case APIC_LDR:
        return s->ldr;
    case APIC_DFR:
        return s->dfr;
    case APIC_SVR:
        return s->svr;
    case APIC_ISR ... APIC_ISR + 0x70:
        return s->isr[(reg - APIC_ISR) >> 4];
    case APIC_TMR ... APIC_TMR + 0x70:
        return s->tmr[(reg - APIC_TMR) >> 4];
    case APIC_IRR ... APIC_IRR + 0x70:
        return s->irr[(reg - APIC_IRR) >> 4];
    case APIC_ESR:
        return s->esr;
    case APIC_ICR_LO:
        return s->icr[0];
    case APIC_ICR_HI:
        return s->icr[1];
    case APIC_LVT_TIMER ... APIC_LVT_ERROR:
        return s->lvt[(reg - APIC_LVT_TIMER) >> 4];
    case APIC_TMICT:
        return s->initial_count;
    case APIC_TMCCT:
        return apic_timer_current(s);
    case APIC_TDCR:
        return s->divide_conf;
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "apic %u: read of reserved register 0x%03x\n",
                       s->id, reg);
        return 0;
    }
}

void apic_mem_write(void *opaque, hwaddr off, uint64_t val64, unsigned size)
{
    APICState *s = opaque;
    unsigned reg = off & 0xff0;
    uint32_t val = val64;
    int64_t now;

    switch (reg) {
    case APIC_ID:
        s->apic_id = val & 0xff000000u;
        break;
    case APIC_TPR:
        s->tpr = val & 0xff;
        apic_update_irq(s);
        break;
    case APIC_EOI:
        apic_eoi(s);
        break;
    case APIC_LDR:
        s->ldr = val & 0xff000000u;
        break;
    case APIC_DFR:
        s->dfr = val | 0x0fffffffu;
        break;
    case APIC_SVR:
        s->svr = val & 0x3ff;
        if (!(s->svr & APIC_SVR_ENABLE)) {
            /* Software disable masks every LVT entry. */
            for (int i = 0; i < APIC_LVT_NB; i++) {
                s->lvt[i] |= APIC_LVT_MASKED;
            }
        }
        apic_update_irq(s);
        break;
    case APIC_ESR:
        s->esr = 0;
        break;
    case APIC_ICR_LO:
        s->icr[0] = val & ~(1u << 12);  /* delivery status: always idle */
        apic_send_ipi(s);
        break;
    case APIC_ICR_HI:
        s->icr[1] = val & 0xff000000u;
        break;
    case APIC_LVT_TIMER ... APIC_LVT_ERROR: {
        int i = (reg - APIC_LVT_TIMER) >> 4;

        if (!apic_sw_enabled(s)) {
            val |= APIC_LVT_MASKED;
        }
        s->lvt[i] = val & (i == 0 ? 0x300ff : 0x1f7ff);
        if (i == 0) {
            apic_timer_arm(s, clock_get_ns(CLOCK_VIRTUAL));
        }
        apic_update_irq(s);
        break;
    }
    case APIC_TMICT:
        now = clock_get_ns(CLOCK_VIRTUAL);
        s->initial_count = val;
        s->count_load_time = now;
        apic_timer_arm(s, now);
        break;
    case APIC_TDCR: {
        /* Keep the current count continuous across a divider change. */
        uint32_t cur = apic_timer_current(s);

        now = clock_get_ns(CLOCK_VIRTUAL);
        s->divide_conf = val & 0xb;
        if (s->initial_count) {
            s->count_load_time = now - (int64_t)(s->initial_count - cur) *
                                 apic_timer_period_ns(s);
            apic_timer_arm(s, now);
        }
        break;
    }
    default:
        mimic_log_mask(LOG_GUEST_ERROR, "apic %u: write 0x%x to read-only or reserved "
                       "register 0x%03x\n", s->id, val, reg);
        break;
    }
}

static const MemoryRegionOps apic_ops = {
    .read = apic_mem_read,
    .write = apic_mem_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void apic_reset(DeviceState *dev)
{
    APICState *s = (APICState *)dev;

    apic_reset_regs(s);
    s->extint_level = 0;
    s->lint1_level = 0;
    /* Application processors wait for INIT + start-up IPIs. */
    s->wait_for_sipi = s->ops && s->ops->get_apic_base &&
                       !(s->ops->get_apic_base(s->cpu) & APIC_BASE_BSP);
    /*
     * The bootstrap processor's LINT0 starts as ExtINT, as a PC BIOS leaves it
     * (and QEMU's APIC resets it): code that never touches the APIC, a boot
     * loader or DOS-era software, gets the 8259's interrupts.
     */
    if (!s->wait_for_sipi) {
        s->lvt[3] = APIC_DM_EXTINT << APIC_DM_SHIFT;
    }
}

static bool apic_realize(DeviceState *dev, GError **errp)
{
    APICState *s = (APICState *)dev;

    if (s->id >= APIC_MAX || apics[s->id]) {
        error_setg(errp, "apic: APIC ID %u is out of range or taken", s->id);
        return false;
    }
    timer_init_ns(&s->timer, CLOCK_VIRTUAL, apic_timer_cb, s);
    memory_region_init_io(&s->io, &apic_ops, s, "apic", 0x1000);
    apics[s->id] = s;
    apic_reset(dev);
    return true;
}

static int apic_post_load(void *opaque, int version_id)
{
    APICState *s = opaque;

    apic_update_irq(s);
    return 0;
}

static const VMStateField apic_fields[] = {
    VMSTATE_UINT32(apic_id, APICState),
    VMSTATE_UINT32(tpr, APICState),
    VMSTATE_UINT32(ldr, APICState),
    VMSTATE_UINT32(dfr, APICState),
    VMSTATE_UINT32(svr, APICState),
    VMSTATE_UINT32(esr, APICState),
    VMSTATE_UINT32_ARRAY(icr, APICState, 2),
    VMSTATE_UINT32_ARRAY(isr, APICState, 8),
    VMSTATE_UINT32_ARRAY(tmr, APICState, 8),
    VMSTATE_UINT32_ARRAY(irr, APICState, 8),
    VMSTATE_UINT32_ARRAY(lvt, APICState, APIC_LVT_NB),
    VMSTATE_UINT32(divide_conf, APICState),
    VMSTATE_UINT32(initial_count, APICState),
    VMSTATE_INT64(count_load_time, APICState),
    VMSTATE_INT32(extint_level, APICState),
    VMSTATE_INT32(lint1_level, APICState),
    VMSTATE_BOOL(wait_for_sipi, APICState),
    VMSTATE_TIMER(timer, APICState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription apic_vmstate = {
    .name = "apic",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = apic_post_load,
    .fields = apic_fields,
};

static const Property apic_props[] = {
    DEFINE_PROP_UINT32("id", APICState, id, 0),
    DEFINE_PROP_END_OF_LIST()
};

const DeviceClass apic_device_class = {
    .name = TYPE_APIC,
    .desc = "local APIC",
    .instance_size = sizeof(APICState),
    .realize = apic_realize,
    .reset = apic_reset,
    .vmsd = &apic_vmstate,
    .props = apic_props,
};

static void __attribute__((constructor)) apic_register(void)
{
    device_class_register(&apic_device_class);
}

void apic_unregister_all(void)
{
    memset(apics, 0, sizeof(apics));
}

APICState *apic_init(CPUState *cpu, uint32_t id, const APICBoardOps *ops,
                     MemoryRegion *map_into)
{
    char name[16];
    APICState *s;
    GError *err = NULL;

    snprintf(name, sizeof(name), "apic%u", id);
    s = (APICState *)qdev_new(&apic_device_class, name);
    s->cpu = cpu;
    s->ops = ops;
    qdev_prop_set_uint32(DEVICE(s), "id", id);
    if (!qdev_realize(DEVICE(s), &err)) {
        error_report_err(err);
        return NULL;
    }
    if (map_into) {
        memory_region_add_subregion_overlap(map_into, APIC_DEFAULT_ADDRESS, &s->io, 1);
    }
    return s;
}
