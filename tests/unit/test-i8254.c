/*
 * Unit tests for hw/timer/i8254.c: counters programmed through the control word and
 * counter ports, read back as virtual time advances, irq0 observed on a test line.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/timer/i8254.h"
#include "hw/i386/piix3.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "chardev/char.h"

/* Referenced by memory.c / qdev.c but never reached here; the real ones win. */
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end);
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end) { }
__attribute__((weak)) bool tb_page_has_code(hwaddr addr);
__attribute__((weak)) bool tb_page_has_code(hwaddr addr) { return false; }
__attribute__((weak)) Chardev *chardev_find(const char *id);
__attribute__((weak)) Chardev *chardev_find(const char *id) { return NULL; }
__attribute__((weak)) const char *chardev_label(Chardev *chr);
__attribute__((weak)) const char *chardev_label(Chardev *chr) { return "?"; }

#define US 1000LL
#define MS 1000000LL

static MemoryRegion io_root;
static DeviceState *pit;
static PITState *ps;
static int irq_level;
static int irq_rises;
static int irq_falls;
static int64_t vnow;
static int64_t t0;

static void pit_irq_handler(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        irq_rises++;
    }
    if (!level && irq_level) {
        irq_falls++;
    }
    irq_level = level;
}

static void advance_to(int64_t ns)
{
    vnow = ns;
    clock_virtual_set(ns);
    clock_virtual_resume();
    /*
     * As the main loop does: timers re-armed into the past run on the next pass.
     * The clock runs while they do; pinning it back to the target before each pass
     * keeps the overshoot to a few hundred nanoseconds.
     */
    for (int pass = 0; pass < 100000; pass++) {
        clock_virtual_set(ns);
        if (!timers_run_expired()) {
            break;
        }
    }
    clock_virtual_pause();
    clock_virtual_set(ns);
}

/*
 * Advance to t0 + the time of n PIT clocks (plus half a clock to stay clear of edges).
 * Timers run while the clock is briefly live, so an edge less than a clock ahead may
 * already have fired: one-clock OUT pulses are checked with i8254_get_out(), which
 * reads the frozen clock, and irq0 by counting its edges.
 */
static void advance_ticks(int64_t n)
{
    advance_to(t0 + muldiv64(2 * n + 1, NANOSECONDS_PER_SECOND, 2 * I8254_FREQ));
}

static void outb(hwaddr port, uint8_t val)
{
    ps->io.ops->write(ps->io.opaque, port - 0x40, val, 1);
}

static uint8_t inb(hwaddr port)
{
    return ps->io.ops->read(ps->io.opaque, port - 0x40, 1);
}

/* LSB then MSB: two reads in this order (C leaves operand order unspecified). */
static uint16_t read16(hwaddr port)
{
    uint16_t lo = inb(port);

    return lo | inb(port) << 8;
}

static uint16_t latch_read(int ch)
{
    outb(0x43, ch << 6);            /* counter latch */
    return read16(0x40 + ch);
}

static void program(int ch, int mode, uint16_t count)
{
    outb(0x43, (ch << 6) | 0x30 | (mode << 1));
    outb(0x40 + ch, count & 0xff);
    outb(0x40 + ch, count >> 8);
    t0 = vnow;
}

static void setup(void)
{
    clock_virtual_pause();
    vnow = 1000 * MS;
    clock_virtual_set(vnow);
    t0 = vnow;
    memory_region_init(&io_root, "io", 0x10000);
    irq_level = irq_rises = irq_falls = 0;
    pit = i8254_init(&io_root, 0x40, irq_new(pit_irq_handler, NULL, 0), NULL);
    cr_assert_not_null(pit);
    ps = (PITState *)pit;
}

static void teardown(void)
{
    pit->dc->unrealize(pit);
}

TestSuite(pit, .init = setup, .fini = teardown);

Test(pit, mode2_rate_generator_readback_and_irq)
{
    /* Linux's periodic clock event: mode 2, LATCH = 1193182 / 100 rounded. */
    program(0, 2, 11932);
    cr_assert_eq(latch_read(0), 11932);
    advance_ticks(100);
    cr_assert_eq(latch_read(0), 11932 - 100);
    advance_ticks(11931);
    cr_assert_eq(latch_read(0), 1);
    cr_assert_eq(i8254_get_out(pit, 0), 0, "OUT low while the count is 1");
    advance_ticks(11932);
    cr_assert_eq(latch_read(0), 11932, "reloaded");
    cr_assert_eq(irq_level, 1);
    /* 1 s of 100 Hz: 100 rising edges. */
    irq_rises = 0;
    for (int i = 1; i <= 1000; i++) {
        advance_ticks(11932 + (int64_t)i * 11932 / 10);
    }
    cr_assert_eq(irq_rises, 100, "rises %d", irq_rises);
}

Test(pit, mode3_square_wave)
{
    program(0, 3, 1000);
    advance_ticks(10);
    cr_assert_eq(latch_read(0), 1000 - 20, "mode 3 counts by two");
    cr_assert_eq(i8254_get_out(pit, 0), 1);
    advance_ticks(499);
    cr_assert_eq(i8254_get_out(pit, 0), 1);
    advance_ticks(500);
    cr_assert_eq(i8254_get_out(pit, 0), 0, "second half period low");
    cr_assert_eq(irq_level, 0);
    advance_ticks(1000);
    cr_assert_eq(irq_level, 1);
    irq_rises = 0;
    for (int i = 1; i <= 200; i++) {
        advance_ticks(1000 + i * 250);
    }
    cr_assert_eq(irq_rises, 50);
}

Test(pit, mode0_interrupt_on_terminal_count)
{
    program(0, 0, 500);
    cr_assert_eq(irq_level, 0);
    advance_ticks(499);
    cr_assert_eq(i8254_get_out(pit, 0), 0);
    cr_assert_eq(latch_read(0), 1);
    advance_ticks(500);
    cr_assert_eq(irq_level, 1);
    advance_ticks(600);
    cr_assert_eq(irq_level, 1, "stays high");
    cr_assert_eq(latch_read(0), 0x10000 - 100, "counter wraps and keeps counting");
    /* Writing the first byte of a new count drops OUT and stops counting. */
    outb(0x40, 0x10);
    cr_assert_eq(irq_level, 0);
    outb(0x40, 0x00);
    t0 = vnow;
    advance_ticks(16);
    cr_assert_eq(irq_level, 1);
}

Test(pit, mode4_strobe)
{
    program(0, 4, 100);
    cr_assert_eq(irq_level, 1, "OUT high after the mode 4 control word");
    irq_rises = irq_falls = 0;
    advance_ticks(100);
    cr_assert_eq(i8254_get_out(pit, 0), 0, "one clock low at terminal count");
    advance_ticks(101);
    cr_assert_eq(i8254_get_out(pit, 0), 1);
    cr_assert_eq(irq_rises, 1);
    cr_assert_eq(irq_falls, 1);
}

Test(pit, mode1_one_shot_gate_triggered)
{
    /* Channel 2, gate from port 0x61 bit 0 (low at reset). */
    outb(0x43, 0xb2);               /* ch2, lohi, mode 1 */
    outb(0x42, 50);
    outb(0x42, 0);
    cr_assert_eq(i8254_get_out(pit, 2), 1, "waits for a trigger");
    advance_to(vnow + 100 * US);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
    i8254_set_gate(pit, 2, 1);
    t0 = vnow;
    cr_assert_eq(i8254_get_out(pit, 2), 0);
    advance_ticks(49);
    cr_assert_eq(i8254_get_out(pit, 2), 0);
    advance_ticks(50);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
    /* Retrigger. */
    i8254_set_gate(pit, 2, 0);
    i8254_set_gate(pit, 2, 1);
    t0 = vnow;
    cr_assert_eq(i8254_get_out(pit, 2), 0);
    advance_ticks(50);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
}

Test(pit, mode5_hardware_strobe)
{
    outb(0x43, 0xba);               /* ch2, lohi, mode 5 */
    outb(0x42, 20);
    outb(0x42, 0);
    advance_to(vnow + 1 * MS);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
    i8254_set_gate(pit, 2, 1);
    t0 = vnow;
    advance_ticks(20);
    cr_assert_eq(i8254_get_out(pit, 2), 0);
    advance_ticks(21);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
}

Test(pit, gate_pauses_mode0)
{
    outb(0x43, 0xb0);               /* ch2, lohi, mode 0 */
    outb(0x42, 0xe8);
    outb(0x42, 0x03);               /* 1000 */
    i8254_set_gate(pit, 2, 1);
    t0 = vnow;
    advance_ticks(300);
    i8254_set_gate(pit, 2, 0);
    cr_assert_eq(latch_read(2), 700);
    advance_ticks(5000);
    cr_assert_eq(latch_read(2), 700, "gate low holds the count");
    cr_assert_eq(i8254_get_out(pit, 2), 0);
    i8254_set_gate(pit, 2, 1);
    t0 = vnow;
    advance_ticks(700);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
}

Test(pit, linux_pit_calibration_pattern)
{
    /*
     * arch/x86 pit_calibrate_tsc: gate high via 0x61, ch2 mode 0, count 0xffff
     * (and then polls 0x61 bit 5 until OUT goes high).
     */
    i8254_set_gate(pit, 2, 1);
    outb(0x43, 0xb0);
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    t0 = vnow;
    advance_ticks(0xfffe);
    cr_assert_eq(i8254_get_out(pit, 2), 0);
    advance_ticks(0xffff);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
}

Test(pit, lsb_only_msb_only_access)
{
    outb(0x43, 0x14);               /* ch0, LSB only, mode 2 */
    outb(0x40, 200);
    t0 = vnow;
    cr_assert_eq(inb(0x40), 200);
    advance_ticks(50);
    cr_assert_eq(inb(0x40), 150);
    outb(0x43, 0x24);               /* ch0, MSB only, mode 2 */
    outb(0x40, 0x10);               /* 0x1000 */
    t0 = vnow;
    advance_ticks(0x100);
    cr_assert_eq(inb(0x40), 0x0f);
}

Test(pit, live_lohi_read_alternates)
{
    program(0, 2, 0x1234);
    cr_assert_eq(inb(0x40), 0x34);
    cr_assert_eq(inb(0x40), 0x12);
    cr_assert_eq(inb(0x40), 0x34);
}

Test(pit, latch_is_held_until_read)
{
    program(0, 2, 10000);
    advance_ticks(1000);
    outb(0x43, 0x00);
    advance_ticks(2000);
    outb(0x43, 0x00);               /* ignored: first latch not read yet */
    cr_assert_eq(read16(0x40), 9000);
    cr_assert_eq(latch_read(0), 8000);
}

Test(pit, bcd_counting)
{
    outb(0x43, 0x35);               /* ch0, lohi, mode 2, BCD */
    outb(0x40, 0x00);
    outb(0x40, 0x10);               /* 1000 decimal */
    t0 = vnow;
    advance_ticks(1);
    cr_assert_eq(latch_read(0), 0x0999);
    advance_ticks(10);
    cr_assert_eq(latch_read(0), 0x0990);
    /* BCD 0 is 10000 counts. */
    outb(0x43, 0x31);
    outb(0x40, 0);
    outb(0x40, 0);
    t0 = vnow;
    advance_ticks(1);
    cr_assert_eq(latch_read(0), 0x9999);
}

Test(pit, readback_status_and_count)
{
    uint8_t st;

    outb(0x43, 0x34);               /* ch0 lohi mode 2 */
    outb(0x43, 0xe2);               /* read-back status of ch0 */
    st = inb(0x40);
    cr_assert_eq(st, 0x40 | 0x80 | 0x30 | 0x04, "NULL COUNT, OUT high: 0x%02x", st);
    outb(0x40, 0x00);
    outb(0x40, 0x01);               /* 256 */
    t0 = vnow;
    advance_ticks(6);
    outb(0x43, 0xc2);               /* read-back count and status of ch0 */
    st = inb(0x40);
    cr_assert_eq(st, 0x80 | 0x30 | 0x04, "count loaded: 0x%02x", st);
    cr_assert_eq(read16(0x40), 250);
    /* Count only, for counters 0 and 2 together. */
    outb(0x43, 0xb0);
    outb(0x42, 77);
    outb(0x42, 0);
    outb(0x43, 0xda);               /* !status, cnt0, cnt2 */
    cr_assert_eq(inb(0x42), 77);
    cr_assert_eq(inb(0x42), 0);
    cr_assert_eq(inb(0x40), 250 & 0xff);
}

Test(pit, no_timer_without_counter0)
{
    outb(0x43, 0x76);               /* ch1 mode 3 */
    outb(0x41, 18);
    outb(0x41, 0);
    cr_assert_eq(timer_pending(&ps->irq_timer), false);
    program(0, 2, 100);
    cr_assert_eq(timer_pending(&ps->irq_timer), true);
    outb(0x43, 0x30);               /* ch0 mode 0, count not written: stops */
    cr_assert_eq(timer_pending(&ps->irq_timer), false);
}

Test(pit, mode2_new_count_waits_for_period_end)
{
    program(0, 2, 1000);
    advance_ticks(300);
    outb(0x40, 500 & 0xff);
    outb(0x40, 500 >> 8);
    outb(0x43, 0xe2);               /* status of ch0 */
    cr_assert_eq(inb(0x40) & 0x40, 0x40, "NULL COUNT until the new count loads");
    cr_assert_eq(latch_read(0), 700, "old period continues");
    advance_ticks(999);
    cr_assert_eq(i8254_get_out(pit, 0), 0);
    advance_ticks(1000);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(latch_read(0), 500, "new count from the reload on");
    outb(0x43, 0xe2);
    cr_assert_eq(inb(0x40) & 0x40, 0);
    irq_rises = 0;
    advance_ticks(1499);
    cr_assert_eq(i8254_get_out(pit, 0), 0);
    advance_ticks(1500);
    cr_assert_eq(irq_rises, 1);
    advance_ticks(2000);
    cr_assert_eq(irq_rises, 2);
}

Test(pit, mode1_new_count_waits_for_trigger)
{
    outb(0x43, 0xb2);               /* ch2, lohi, mode 1 */
    outb(0x42, 100);
    outb(0x42, 0);
    i8254_set_gate(pit, 2, 1);
    t0 = vnow;
    advance_ticks(10);
    outb(0x42, 30);
    outb(0x42, 0);
    advance_ticks(99);
    cr_assert_eq(i8254_get_out(pit, 2), 0, "the running one-shot keeps its count");
    advance_ticks(100);
    cr_assert_eq(i8254_get_out(pit, 2), 1);
    i8254_set_gate(pit, 2, 0);
    i8254_set_gate(pit, 2, 1);
    t0 = vnow;
    advance_ticks(29);
    cr_assert_eq(i8254_get_out(pit, 2), 0);
    advance_ticks(30);
    cr_assert_eq(i8254_get_out(pit, 2), 1, "the new count from the next trigger");
}

Test(pit, vmstate_round_trip)
{
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    size_t used;
    int64_t expiry;

    program(0, 2, 1000);
    advance_ticks(250);
    outb(0x43, 0x00);               /* latch ch0 (750), leave unread */
    outb(0x43, 0xb6);               /* ch2 mode 3 */
    outb(0x42, 0x34);               /* half of a lohi write pending */
    i8254_set_gate(pit, 2, 1);
    expiry = timer_expire_time_ns(&ps->irq_timer);
    cr_assert_geq(expiry, 0);
    vmstate_save(pit->dc->vmsd, ps, buf);

    pit->dc->reset(pit);
    cr_assert_eq(timer_pending(&ps->irq_timer), false);
    cr_assert_eq(vmstate_load(pit->dc->vmsd, ps, buf->data, buf->len, &used, &err), 0);
    cr_assert_eq(timer_expire_time_ns(&ps->irq_timer), expiry);
    cr_assert_eq(read16(0x40), 750, "latched count survives");
    outb(0x42, 0x12);               /* completes 0x1234 */
    cr_assert_eq(ps->channels[2].count, 0x1234);
    cr_assert_eq(ps->channels[2].gate, 1);
    /* Counter 0 keeps its phase: edge at tick 1000. */
    irq_rises = 0;
    advance_ticks(998);
    cr_assert_eq(i8254_get_out(pit, 0), 1);
    advance_ticks(999);
    cr_assert_eq(i8254_get_out(pit, 0), 0);
    advance_ticks(1000);
    cr_assert_eq(irq_rises, 1);
    cr_assert_eq(irq_level, 1);
    g_byte_array_free(buf, true);
}

Test(pit, post_load_rejects_and_sanitises_corrupt_state)
{
    program(0, 2, 100);
    ps->channels[0].count = 0;      /* as a corrupt snapshot could carry */
    ps->channels[1].mode = 7;
    cr_assert_eq(pit->dc->vmsd->post_load(ps, 1), -EINVAL);
    cr_assert_eq(ps->channels[0].count, 0x10000);
    cr_assert_leq(ps->channels[1].mode, 5);
    advance_ticks(10);
    (void)latch_read(0);            /* no division by zero */
    (void)i8254_get_out(pit, 1);
}

/*
 * Port 0x61 as Linux's TSC calibration drives it (arch/x86/kernel/tsc.c), through
 * the PIIX3's NMI status and control register: bit 0 gates counter 2, bit 5
 * reads its OUT. A PIIX3State with only the PIT attached is enough for the
 * register's two callbacks.
 */
static PIIX3State port61;

static uint8_t in61(void)
{
    return piix3_nmisc_read(&port61, 0, 1);
}

static void out61(uint8_t v)
{
    piix3_nmisc_write(&port61, 0, v, 1);
}

Test(pit, port61_slow_calibration_sequence)
{
    const uint16_t latch = 1193182 / (1000 / 10);   /* CAL_MS = 10 */

    port61.pit = pit;
    /* Gate high, speaker off, then counter 2 in mode 0 with the 10 ms latch. */
    out61((in61() & ~PIIX3_NMISC_SPKR_EN) | PIIX3_NMISC_TIM2_GATE);
    cr_assert_eq(ps->channels[2].gate, 1);
    outb(0x43, 0xb0);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, 0, "mode 0 control word: OUT low");
    outb(0x42, latch & 0xff);
    outb(0x42, latch >> 8);
    t0 = vnow;
    advance_ticks(latch - 1);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, 0, "still counting");
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_GATE, PIIX3_NMISC_TIM2_GATE,
                 "bit 0 reads back");
    advance_ticks(latch);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, PIIX3_NMISC_TIM2_OUT,
                 "terminal count: OUT high");
    advance_ticks(3 * latch);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, PIIX3_NMISC_TIM2_OUT, "and stays high");

    /* The next attempt (CAL2_MS = 50) reprograms with the gate still high: the
     * control word must drop OUT at once or the loop would end immediately. */
    out61((in61() & ~PIIX3_NMISC_SPKR_EN) | PIIX3_NMISC_TIM2_GATE);
    outb(0x43, 0xb0);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, 0);
    outb(0x42, 0xa4);
    outb(0x42, 0xe8);               /* 0xe8a4 = 59556: 50 ms */
    t0 = vnow;
    advance_ticks(59555);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, 0);
    advance_ticks(59556);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, PIIX3_NMISC_TIM2_OUT);
}

Test(pit, port61_quick_calibration_msb_steps)
{
    /* quick_pit_calibrate: gate high, mode 0 from 0xffff, then unlatched
     * LSB/MSB pairs; the MSB must step down by one every 256 clocks exactly,
     * because the kernel times the steps against the TSC. */
    port61.pit = pit;
    out61((in61() & ~PIIX3_NMISC_SPKR_EN) | PIIX3_NMISC_TIM2_GATE);
    outb(0x43, 0xb0);
    outb(0x42, 0xff);
    outb(0x42, 0xff);
    t0 = vnow;
    for (int64_t t = 0; t < 40 * 256; t += 37) {
        uint16_t v;

        advance_ticks(t);
        v = read16(0x42);
        cr_assert_eq(v, 0xffff - t, "tick %lld: count %#x", (long long)t, v);
        /* So the MSB is 0xff for clocks 0-255, 0xfe for 256-511, ... */
        cr_assert_eq(v >> 8, 0xff - t / 256, "tick %lld", (long long)t);
    }
}

Test(pit, port61_gate_low_holds_a_fresh_count)
{
    /* Counter 2 programmed while bit 0 is clear does not count until the gate
     * rises (mode 0 counts only while GATE is high). */
    port61.pit = pit;
    out61(0);
    outb(0x43, 0xb0);
    outb(0x42, 0x00);
    outb(0x42, 0x10);               /* 0x1000 */
    advance_ticks(0x2000);
    cr_assert_eq(latch_read(2), 0x1000);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, 0);
    out61(PIIX3_NMISC_TIM2_GATE);
    t0 = vnow;
    advance_ticks(0x0fff);
    cr_assert_eq(latch_read(2), 1);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, 0);
    advance_ticks(0x1000);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, PIIX3_NMISC_TIM2_OUT);
    /* Dropping the gate after terminal count leaves OUT high. */
    out61(0);
    cr_assert_eq(in61() & PIIX3_NMISC_TIM2_OUT, PIIX3_NMISC_TIM2_OUT);
}
