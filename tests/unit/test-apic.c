/*
 * Unit tests for hw/intc/apic.c and hw/intc/ioapic.c: reset state, LINT0 as the
 * processor's INTR with the APIC disabled and as ExtINT when enabled, fixed
 * interrupts with ISR/IRR/PPR priority and TPR, EOI, the spurious vector, the
 * timer in one-shot and periodic mode with the divider, IPIs (fixed by physical
 * and logical destination, self and all-but-self shorthands, INIT + start-up),
 * the I/O APIC's redirection table (edge latching, masking, level triggering
 * with Remote IRR and EOI), and vmstate.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/i386/apic.h"
#include "migration/vmstate.h"
#include "qemu/timer.h"

#define MS 1000000LL

static CPUState cpus[2];
static uint32_t apic_base[2];
static APICState *apic[2];
static IOAPICState *ioapic;
static int inits[2], sipi_vector[2];
static int64_t vnow;

static uint32_t get_apic_base(CPUState *cpu)
{
    return apic_base[cpu->cpu_index];
}

static void init_cpu(CPUState *cpu)
{
    inits[cpu->cpu_index]++;
}

static void start_cpu(CPUState *cpu, int vector)
{
    sipi_vector[cpu->cpu_index] = vector;
}

static int ext_iack(void *opaque)
{
    return 0x28;
}

static const APICBoardOps ops = {
    .get_apic_base = get_apic_base,
    .init_cpu = init_cpu,
    .start_cpu = start_cpu,
    .ext_iack = ext_iack,
};

static void advance_to(int64_t ns)
{
    vnow = ns;
    clock_virtual_resume();
    for (int pass = 0; pass < 100000; pass++) {
        clock_virtual_set(ns);
        if (!timers_run_expired()) {
            break;
        }
    }
    clock_virtual_pause();
    clock_virtual_set(ns);
}

static void setup(void)
{
    clock_virtual_pause();
    vnow = 1000 * MS;
    clock_virtual_set(vnow);
    for (int i = 0; i < 2; i++) {
        memset(&cpus[i], 0, sizeof(cpus[i]));
        cpus[i].cpu_index = i;
        apic_base[i] = 0xfee00000u | (1u << 11) | (i == 0 ? 1u << 8 : 0);
        inits[i] = 0;
        sipi_vector[i] = -1;
        apic[i] = apic_init(&cpus[i], i, &ops, NULL);
        cr_assert_not_null(apic[i]);
    }
    ioapic = ioapic_init(NULL, 0);
    apic[0]->ioapic = ioapic;
    apic[1]->ioapic = ioapic;
}

TestSuite(apic, .init = setup);

static uint32_t rd(int n, unsigned reg)
{
    return apic_mem_read(apic[n], reg, 4);
}

static void wr(int n, unsigned reg, uint32_t v)
{
    apic_mem_write(apic[n], reg, v, 4);
}

static bool intr(int n)
{
    return cpus[n].interrupt_request & CPU_INTERRUPT_HARD;
}

static void sw_enable(int n)
{
    wr(n, APIC_SVR, APIC_SVR_ENABLE | 0xff);
}

Test(apic, reset_state)
{
    cr_assert_eq(rd(1, APIC_ID), 1u << 24);
    cr_assert_eq(rd(0, APIC_VERSION), 0x00050014);
    cr_assert_eq(rd(0, APIC_SVR), 0xff);
    cr_assert_eq(rd(0, APIC_DFR), 0xffffffff);
    /* The BSP's LINT0 is ExtINT (virtual wire) from reset, an AP's masked. */
    cr_assert_eq(rd(0, APIC_LVT_LINT0), APIC_DM_EXTINT << APIC_DM_SHIFT);
    cr_assert_eq(rd(1, APIC_LVT_LINT0), APIC_LVT_MASKED);
    cr_assert_eq(rd(0, APIC_LVT_TIMER), APIC_LVT_MASKED);
    cr_assert_not(apic[0]->wait_for_sipi, "the BSP runs");
    cr_assert(apic[1]->wait_for_sipi, "an AP waits for start-up");
}

Test(apic, lint0_passthrough_when_disabled)
{
    apic_base[0] &= ~(1u << 11);
    apic_set_lint0(apic[0], 1);
    cr_assert(intr(0));
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x28);
    apic_set_lint0(apic[0], 0);
    cr_assert_not(intr(0));
}

Test(apic, lint0_extint)
{
    /* Code that never touches the APIC (a boot loader) gets the 8259's
     * interrupts through the BSP from reset, software-disabled or not. */
    apic_set_lint0(apic[0], 1);
    cr_assert(intr(0), "the BSP starts in virtual wire mode");
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x28);
    wr(0, APIC_LVT_LINT0, APIC_LVT_MASKED | (APIC_DM_EXTINT << APIC_DM_SHIFT));
    cr_assert_not(intr(0), "masked by the OS");
    sw_enable(0);
    wr(0, APIC_LVT_LINT0, APIC_DM_EXTINT << APIC_DM_SHIFT);
    cr_assert(intr(0), "virtual wire mode");
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x28);
    /* An AP's LINT0 stays masked until its OS sets it. */
    apic_set_lint0(apic[1], 1);
    cr_assert_not(intr(1));
}

Test(apic, priorities_and_eoi)
{
    sw_enable(0);
    apic_deliver(apic[0], APIC_DM_FIXED, 0x50, false);
    apic_deliver(apic[0], APIC_DM_FIXED, 0x61, false);
    cr_assert(intr(0));
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x61, "highest first");
    cr_assert_eq(rd(0, APIC_ISR + 0x30), 1u << 1);
    cr_assert_eq(rd(0, APIC_PPR), 0x60);
    cr_assert_not(intr(0), "0x50 is below the processor priority");
    wr(0, APIC_EOI, 0);
    cr_assert(intr(0));
    wr(0, APIC_TPR, 0x50);
    cr_assert_not(intr(0), "TPR class 5 blocks vector 0x50");
    wr(0, APIC_TPR, 0x40);
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x50);
    wr(0, APIC_EOI, 0);
    cr_assert_eq(rd(0, APIC_ISR + 0x20), 0);
    cr_assert_not(intr(0));
}

Test(apic, software_disabled_and_illegal_vector)
{
    apic_deliver(apic[0], APIC_DM_FIXED, 0x40, false);
    cr_assert_not(intr(0), "software disabled: nothing delivered to the core");
    sw_enable(0);
    cr_assert(intr(0));
    apic_deliver(apic[0], APIC_DM_FIXED, 5, false);
    cr_assert_eq(rd(0, APIC_ESR) & 0x40, 0x40);
    wr(0, APIC_ESR, 0);
    cr_assert_eq(rd(0, APIC_ESR), 0);
}

Test(apic, timer_one_shot_and_periodic)
{
    sw_enable(0);
    wr(0, APIC_TDCR, 0x3);                          /* divide by 16 */
    wr(0, APIC_LVT_TIMER, 0x30);                    /* one-shot, vector 0x30 */
    wr(0, APIC_TMICT, 1000000);                     /* 16 ms */
    advance_to(vnow + 8 * MS);
    cr_assert_eq(rd(0, APIC_TMCCT), 500000);
    cr_assert_not(intr(0));
    advance_to(vnow + 8 * MS + 1000);
    cr_assert(intr(0));
    cr_assert_eq(rd(0, APIC_TMCCT), 0);
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x30);
    wr(0, APIC_EOI, 0);
    advance_to(vnow + 100 * MS);
    cr_assert_not(intr(0), "one-shot fires once");

    wr(0, APIC_TDCR, 0xb);                          /* divide by 1 */
    wr(0, APIC_LVT_TIMER, APIC_LVT_PERIODIC | 0x31);
    wr(0, APIC_TMICT, 1000000);                     /* 1 ms */
    for (int i = 0; i < 5; i++) {
        advance_to(vnow + MS);
        cr_assert(intr(0), "period %d", i);
        cr_assert_eq(apic_get_interrupt(apic[0]), 0x31);
        wr(0, APIC_EOI, 0);
    }
    wr(0, APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_LVT_PERIODIC | 0x31);
    advance_to(vnow + 3 * MS);
    cr_assert_not(intr(0), "masked");
}

Test(apic, ipis)
{
    sw_enable(0);
    sw_enable(1);
    /* Fixed, physical destination 1. */
    wr(0, APIC_ICR_HI, 1u << 24);
    wr(0, APIC_ICR_LO, 0x45);
    cr_assert(intr(1));
    cr_assert_not(intr(0));
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x45);
    wr(1, APIC_EOI, 0);
    /* Logical, flat model: CPU 0 has LDR bit 0, CPU 1 bit 1. */
    wr(0, APIC_LDR, 0x01u << 24);
    wr(1, APIC_LDR, 0x02u << 24);
    wr(1, APIC_ICR_HI, 0x01u << 24);
    wr(1, APIC_ICR_LO, APIC_ICR_LOGICAL | 0x46);
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x46);
    wr(0, APIC_EOI, 0);
    /* Self shorthand. */
    wr(1, APIC_ICR_LO, (1u << APIC_ICR_SHORTHAND_SHIFT) | 0x47);
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x47);
    wr(1, APIC_EOI, 0);
    /* All excluding self. */
    wr(0, APIC_ICR_LO, (3u << APIC_ICR_SHORTHAND_SHIFT) | 0x48);
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x48);
    cr_assert_not(intr(0));
}

Test(apic, init_and_startup)
{
    wr(0, APIC_ICR_HI, 1u << 24);
    wr(0, APIC_ICR_LO, (APIC_DM_STARTUP << APIC_DM_SHIFT) | 0x9a);
    cr_assert_eq(sipi_vector[1], 0x9a, "an AP waits for start-up after reset");
    wr(0, APIC_ICR_LO, (APIC_DM_STARTUP << APIC_DM_SHIFT) | 0x9b);
    cr_assert_eq(sipi_vector[1], 0x9a, "a second start-up IPI is ignored");
    wr(0, APIC_ICR_LO, (APIC_DM_INIT << APIC_DM_SHIFT) | APIC_ICR_ASSERT |
       APIC_ICR_LEVEL);
    cr_assert_eq(inits[1], 1);
    wr(0, APIC_ICR_LO, (APIC_DM_INIT << APIC_DM_SHIFT) | APIC_ICR_LEVEL);
    cr_assert_eq(inits[1], 1, "de-assert does nothing");
    wr(0, APIC_ICR_LO, (APIC_DM_STARTUP << APIC_DM_SHIFT) | 0x10);
    cr_assert_eq(sipi_vector[1], 0x10);
}

static uint32_t io_rd(uint32_t reg)
{
    ioapic_mem_write(ioapic, 0, reg, 4);
    return ioapic_mem_read(ioapic, 0x10, 4);
}

static void io_wr(uint32_t reg, uint32_t v)
{
    ioapic_mem_write(ioapic, 0, reg, 4);
    ioapic_mem_write(ioapic, 0x10, v, 4);
}

Test(apic, ioapic_registers)
{
    cr_assert_eq(io_rd(0x01), 0x00170011);
    io_wr(0x00, 0x0a000000);
    cr_assert_eq(io_rd(0x00), 0x0a000000);
    cr_assert_eq(io_rd(0x10), 0x10000, "masked after reset");
    io_wr(0x13, 0x01000000);
    cr_assert_eq(io_rd(0x13), 0x01000000);
}

Test(apic, ioapic_edge)
{
    sw_enable(1);
    io_wr(0x10 + 2 * 4, 0x31);                      /* pin 4: vector 0x31, edge */
    io_wr(0x11 + 2 * 4, 1u << 24);                  /* physical dest 1 */
    irq_set(ioapic_input(ioapic, 4), 1);
    cr_assert(intr(1));
    cr_assert_eq(apic_get_interrupt(apic[1]), 0x31);
    wr(1, APIC_EOI, 0);
    irq_set(ioapic_input(ioapic, 4), 1);
    cr_assert_not(intr(1), "no new edge");
    irq_set(ioapic_input(ioapic, 4), 0);
    io_wr(0x10 + 2 * 4, 0x10031);                   /* masked */
    irq_set(ioapic_input(ioapic, 4), 1);
    cr_assert_not(intr(1));
    io_wr(0x10 + 2 * 4, 0x31);                      /* unmasked: the latched edge */
    cr_assert(intr(1));
}

Test(apic, ioapic_level_remote_irr)
{
    sw_enable(0);
    io_wr(0x10 + 2 * 9, 0x8000 | 0x39);             /* pin 9: level, vector 0x39 */
    io_wr(0x11 + 2 * 9, 0);
    irq_set(ioapic_input(ioapic, 9), 1);
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x39);
    cr_assert(io_rd(0x10 + 2 * 9) & (1u << 14), "Remote IRR");
    cr_assert_eq(rd(0, APIC_TMR + 0x10) & (1u << 25), 1u << 25, "TMR marks level");
    cr_assert_not(intr(0));
    wr(0, APIC_EOI, 0);                             /* line still high: again */
    cr_assert(intr(0));
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x39);
    irq_set(ioapic_input(ioapic, 9), 0);
    wr(0, APIC_EOI, 0);
    cr_assert_eq(io_rd(0x10 + 2 * 9) & (1u << 14), 0);
    cr_assert_not(intr(0));
}

Test(apic, vmstate_roundtrip)
{
    GByteArray *blob = g_byte_array_new();
    const VMStateDescription *vmsd = apic[0]->parent.dc->vmsd;

    sw_enable(0);
    wr(0, APIC_TPR, 0x20);
    apic_deliver(apic[0], APIC_DM_FIXED, 0x77, false);
    vmstate_save(vmsd, apic[0], blob);
    apic[0]->parent.dc->reset(DEVICE(apic[0]));
    cr_assert_eq(rd(0, APIC_TPR), 0);
    cr_assert_eq(vmstate_load(vmsd, apic[0], blob->data, blob->len, NULL, NULL), 0);
    cr_assert_eq(rd(0, APIC_TPR), 0x20);
    cr_assert(intr(0), "post_load re-raises the pending interrupt");
    cr_assert_eq(apic_get_interrupt(apic[0]), 0x77);
    g_byte_array_free(blob, true);
}
