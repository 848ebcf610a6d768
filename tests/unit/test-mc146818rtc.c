/*
 * Unit tests for hw/rtc/mc146818rtc.c: the RTC driven through its index/data ports
 * with CLOCK_VIRTUAL stepped by the tests.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include <time.h>
#include "hw/rtc/mc146818rtc.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "chardev/char.h"
#include "sysemu/rtc.h"
#include "sysemu/runstate.h"

/* Referenced by memory.c / qdev.c but never reached here; the real ones win. */
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end);
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end) { }
__attribute__((weak)) bool tb_page_has_code(hwaddr addr);
__attribute__((weak)) bool tb_page_has_code(hwaddr addr) { return false; }
__attribute__((weak)) Chardev *chardev_find(const char *id);
__attribute__((weak)) Chardev *chardev_find(const char *id) { return NULL; }
__attribute__((weak)) const char *chardev_label(Chardev *chr);
__attribute__((weak)) const char *chardev_label(Chardev *chr) { return "?"; }

#define MS 1000000LL
#define US 1000LL
#define SEC 1000000000LL

static MemoryRegion io_root;
static DeviceState *rtc;
static RTCState *rs;
static int irq_level;
static int irq_edges;
static int64_t vnow;

static void rtc_irq_handler(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        irq_edges++;
    }
    irq_level = level;
}

/* Move CLOCK_VIRTUAL to ns and run the timers that expired on the way. */
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

static void advance(int64_t delta)
{
    advance_to(vnow + delta);
}

static void cmos_write(uint8_t idx, uint8_t val)
{
    rs->io.ops->write(rs->io.opaque, 0, idx, 1);
    rs->io.ops->write(rs->io.opaque, 1, val, 1);
}

static uint8_t cmos_read(uint8_t idx)
{
    rs->io.ops->write(rs->io.opaque, 0, idx, 1);
    return rs->io.ops->read(rs->io.opaque, 1, 1);
}

static int bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

static void setup(void)
{
    clock_virtual_pause();
    vnow = 10 * SEC;
    clock_virtual_set(vnow);
    memory_region_init(&io_root, "io", 0x10000);
    irq_level = 0;
    irq_edges = 0;
    rtc = mc146818_rtc_init(&io_root, 0x70, irq_new(rtc_irq_handler, NULL, 8), 2000,
                            NULL);
    cr_assert_not_null(rtc);
    rs = (RTCState *)rtc;
}

static void teardown(void)
{
    rtc->dc->unrealize(rtc);
}

/*
 * Put the divider in reset and release it at vnow: the first update then comes
 * exactly 500 ms later, which makes the phase of the update cycle known. Rate
 * select 0 keeps PF out of register C unless a test asks for it.
 */
static void sync_divider_rate(uint8_t rs_bits)
{
    cmos_write(0x0a, 0x70);
    cmos_write(0x0a, 0x20 | rs_bits);
}

static void sync_divider(void)
{
    sync_divider_rate(0);
}

/* Set 24-hour binary or BCD time with the SET bit, as an OS does. */
static void set_time(bool binary, int year, int mon, int mday, int h, int m, int sec)
{
    uint8_t b = 0x02 | (binary ? 0x04 : 0);
#define ENC(v) ((uint8_t)(binary ? (v) : (((v) / 10) << 4) | ((v) % 10)))
    cmos_write(0x0b, 0x80 | b);
    cmos_write(0x00, ENC(sec));
    cmos_write(0x02, ENC(m));
    cmos_write(0x04, ENC(h));
    cmos_write(0x07, ENC(mday));
    cmos_write(0x08, ENC(mon));
    cmos_write(0x09, ENC(year % 100));
    cmos_write(0x0b, b);
#undef ENC
}

TestSuite(rtc, .init = setup, .fini = teardown);

/* Seconds since 1970 from the BCD clock registers. */
static int64_t read_utc(void)
{
    struct tm tm = { 0 };

    tm.tm_sec = bcd(cmos_read(0));
    tm.tm_min = bcd(cmos_read(2));
    tm.tm_hour = bcd(cmos_read(4));
    tm.tm_mday = bcd(cmos_read(7));
    tm.tm_mon = bcd(cmos_read(8)) - 1;
    tm.tm_year = bcd(cmos_read(9)) + 100;
    return timegm(&tm);
}

Test(rtc, starts_at_host_utc)
{
    time_t host = time(NULL);
    int64_t t;

    cr_assert_eq(cmos_read(0x0b) & 0x06, 0x02, "BCD, 24 hours");
    cr_assert_eq(cmos_read(0x0d), 0x80, "VRT");
    t = read_utc();
    cr_assert(t >= host - 2 && t <= host + 2, "rtc %lld host %lld", (long long)t,
              (long long)host);
}

/* -rtc base=...: the clock starts that far from the host's UTC. */
Test(rtc, starts_at_the_configured_offset)
{
    RTCState *first = rs;
    DeviceState *other;
    time_t host = time(NULL);
    int64_t t;

    rtc_set_start_offset(-86400 * 400 + 3600);
    other = mc146818_rtc_init(&io_root, 0x170, irq_new(rtc_irq_handler, NULL, 8), 2000,
                              NULL);
    rtc_set_start_offset(0);
    cr_assert_not_null(other);
    rs = (RTCState *)other;
    t = read_utc();
    cr_assert(t >= host - 86400 * 400 + 3600 - 2 && t <= host - 86400 * 400 + 3600 + 2,
              "rtc %lld host %lld", (long long)t, (long long)host);
    other->dc->unrealize(other);
    rs = first;
}

/*
 * clock=host (the default): a VM stopped for 5.3 s finds its RTC 5 s further on
 * when it starts again (the 0.3 s carried to the next start); clock=vm carries on
 * from where the VM stopped.
 */
static int64_t rtc_after_pause(bool follows_host)
{
    int64_t t0 = read_utc();

    rs->follows_host = follows_host;
    rs->host_lead_ns -= 5 * SEC + 300 * MS;     /* as if stopped 5.3 s before now */
    vm_start();
    vm_stop(RUN_STATE_PAUSED);
    clock_virtual_set(vnow);
    return read_utc() - t0;
}

Test(rtc, clock_host_catches_up_after_a_pause)
{
    int64_t d = rtc_after_pause(true);

    /* 5 s, or 6 if this test itself took longer than 0.7 s of host time. */
    cr_assert(d == 5 || d == 6, "the RTC moved %lld s", (long long)d);
    if (d == 5) {
        cr_assert_geq(rs->pause_carry_ns, 300 * MS, "the 0.3 s left over is carried");
    }
}

Test(rtc, clock_vm_carries_on_after_a_pause)
{
    cr_assert_eq(rtc_after_pause(false), 0);
}

Test(rtc, binary_mode_and_rollover)
{
    sync_divider();
    set_time(true, 2026, 12, 31, 23, 59, 58);
    cr_assert_eq(cmos_read(0), 58);
    cr_assert_eq(cmos_read(4), 23);
    cr_assert_eq(cmos_read(6), 5, "2026-12-31 is a Thursday (Sunday = 1)");
    advance(500 * MS + 1 * US);
    cr_assert_eq(cmos_read(0), 59);
    advance(1 * SEC);
    cr_assert_eq(cmos_read(0), 0);
    cr_assert_eq(cmos_read(2), 0);
    cr_assert_eq(cmos_read(4), 0);
    cr_assert_eq(cmos_read(7), 1);
    cr_assert_eq(cmos_read(8), 1);
    cr_assert_eq(cmos_read(9), 27);
    cr_assert_eq(cmos_read(6), 6);
}

Test(rtc, bcd_mode)
{
    set_time(false, 2024, 2, 29, 12, 34, 56);
    cr_assert_eq(cmos_read(0), 0x56);
    cr_assert_eq(cmos_read(2), 0x34);
    cr_assert_eq(cmos_read(4), 0x12);
    cr_assert_eq(cmos_read(7), 0x29);
    cr_assert_eq(cmos_read(8), 0x02);
    cr_assert_eq(cmos_read(9), 0x24);
}

Test(rtc, twelve_hour_mode)
{
    set_time(false, 2024, 1, 1, 13, 5, 0);
    cmos_write(0x0b, 0x00);             /* BCD, 12 hours */
    cr_assert_eq(cmos_read(4), 0x81, "1 PM");
    set_time(false, 2024, 1, 1, 0, 5, 0);
    cmos_write(0x0b, 0x00);
    cr_assert_eq(cmos_read(4), 0x12, "12 AM");
    /* Writing a 12-hour value under SET. */
    cmos_write(0x0b, 0x80);
    cmos_write(0x04, 0x91);             /* 11 PM */
    cmos_write(0x0b, 0x00);
    cr_assert_eq(cmos_read(4), 0x91);
    cmos_write(0x0b, 0x02);
    cr_assert_eq(cmos_read(4), 0x23);
}

Test(rtc, uip_precedes_each_update)
{
    int rises = 0, falls = 0;
    bool uip = false;
    int64_t rise_at = -1;
    uint8_t sec0;

    sync_divider();
    set_time(true, 2026, 1, 1, 0, 0, 0);
    sec0 = cmos_read(0);
    /* Scan three seconds in 4 us steps: a UIP pulse of ~244 us before each update. */
    for (int64_t t = 0; t < 3 * SEC; t += 4 * US) {
        bool now_uip;

        advance(4 * US);
        now_uip = cmos_read(0x0a) & 0x80;
        if (now_uip && !uip) {
            rises++;
            rise_at = vnow;
            cr_assert_eq(cmos_read(0), (uint8_t)(sec0 + rises - 1),
                         "time not yet updated while UIP is high");
        } else if (!now_uip && uip) {
            int64_t width = vnow - rise_at;

            falls++;
            cr_assert(width >= 240 * US && width <= 250 * US, "UIP width %lld ns",
                      (long long)width);
            cr_assert_eq(cmos_read(0), (uint8_t)(sec0 + falls), "updated after UIP");
        }
        uip = now_uip;
    }
    cr_assert_eq(rises, 3);
    cr_assert_eq(falls, 3);
}

/*
 * Malta Linux's calibration waits for a UIP edge, then times one second to the
 * next: the first read of register A places the update 1 ms ahead instead of
 * wherever the host's second boundary happens to be.
 */
Test(rtc, first_register_a_read_places_the_update_soon)
{
    int64_t t0 = read_utc(), rise = -1, start = vnow;
    uint8_t a = cmos_read(0x0a);

    cr_assert_eq(a & 0x80, 0, "UIP low at the first read");
    for (int64_t t = 0; t < 2 * SEC && rise < 0; t += 10 * US) {
        advance(10 * US);
        if (cmos_read(0x0a) & 0x80) {
            rise = vnow - start;
        }
    }
    cr_assert(rise > 0 && rise <= 1 * MS + 10 * US, "UIP rose %lld ns after the first read",
              (long long)rise);
    cr_assert_eq(read_utc(), t0, "no update before UIP falls");
    advance(250 * US);
    cr_assert_eq(read_utc(), t0 + 1, "the update follows UIP");
    /* From then on a full second between edges, and the phase stays put. */
    advance(1 * SEC - 250 * US - 10 * US);
    cr_assert_eq(cmos_read(0x0a) & 0x80, 0);
    advance(20 * US);
    cr_assert_eq(cmos_read(0x0a) & 0x80, 0x80, "next UIP one second after the first");
    cr_assert_eq(read_utc(), t0 + 1);
}

Test(rtc, phase_kept_when_interrupts_are_enabled)
{
    int64_t next;

    /* With UIE on, the update interrupt keeps its host-aligned rhythm. */
    cmos_write(0x0b, 0x02 | 0x10);
    next = rs->origin_ns;
    (void)cmos_read(0x0a);
    cr_assert_eq(rs->origin_ns, next, "phase unchanged while an interrupt is enabled");
    cmos_write(0x0b, 0x02);
    (void)cmos_read(0x0a);
    cr_assert_eq(rs->origin_ns, next, "only the first look at register A may place it");
}

Test(rtc, first_update_500ms_after_divider_reset)
{
    set_time(true, 2026, 1, 1, 0, 0, 0);
    sync_divider();
    advance(499 * MS);
    cr_assert_eq(cmos_read(0), 0);
    advance(2 * MS);
    cr_assert_eq(cmos_read(0), 1);
}

Test(rtc, divider_reset_halts_clock)
{
    set_time(true, 2026, 1, 1, 0, 0, 0);
    cmos_write(0x0a, 0x70);
    advance(5 * SEC);
    cr_assert_eq(cmos_read(0), 0);
    cr_assert_eq(cmos_read(0x0a) & 0x80, 0);
}

Test(rtc, set_bit_halts_updates)
{
    sync_divider();
    set_time(true, 2026, 1, 1, 0, 0, 10);
    cmos_write(0x0b, 0x86 | 0x10);      /* SET (UIE requested too) */
    cr_assert_eq(cmos_read(0x0b) & 0x10, 0, "SET clears UIE");
    for (int i = 0; i < 3000; i++) {
        advance(1 * MS);
        cr_assert_eq(cmos_read(0x0a) & 0x80, 0, "no UIP while SET");
    }
    cr_assert_eq(cmos_read(0), 10);
    cr_assert_eq(cmos_read(0x0c) & 0x10, 0, "no update-ended flag while SET");
    cmos_write(0x0b, 0x06);
    advance(1 * SEC);
    cr_assert_eq(cmos_read(0), 11);
}

Test(rtc, update_ended_interrupt)
{
    uint8_t c;

    sync_divider();
    set_time(true, 2026, 1, 1, 0, 0, 0);
    cmos_read(0x0c);
    cmos_write(0x0b, 0x12 | 0x04);      /* UIE, binary, 24h */
    advance(499 * MS);
    cr_assert_eq(irq_level, 0);
    advance(2 * MS);
    cr_assert_eq(irq_level, 1);
    c = cmos_read(0x0c);
    cr_assert_eq(c, 0x90, "IRQF | UF, got 0x%02x", c);
    cr_assert_eq(irq_level, 0, "reading C clears IRQF");
    cr_assert_eq(cmos_read(0x0c), 0);
    advance(1 * SEC);
    cr_assert_eq(irq_edges, 2);
}

Test(rtc, uf_set_without_uie)
{
    sync_divider();
    set_time(true, 2026, 1, 1, 0, 0, 0);
    cmos_read(0x0c);
    advance(600 * MS);
    cr_assert_eq(cmos_read(0x0c), 0x10, "UF but no IRQF");
    cr_assert_eq(irq_edges, 0);
}

Test(rtc, alarm_interrupt)
{
    sync_divider();
    set_time(true, 2026, 1, 1, 10, 20, 30);
    cmos_write(0x01, 33);
    cmos_write(0x03, 20);
    cmos_write(0x05, 0xc0);             /* any hour */
    cmos_read(0x0c);
    cmos_write(0x0b, 0x26);             /* AIE, binary, 24h */
    advance(500 * MS + 10 * US);        /* 10:20:31 */
    advance(1 * SEC);                   /* 10:20:32 */
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(cmos_read(0x0c) & 0x20, 0);
    advance(1 * SEC);                   /* 10:20:33 */
    cr_assert_eq(cmos_read(0), 33);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(cmos_read(0x0c), 0xb0, "IRQF | AF | UF");
    advance(1 * SEC);
    cr_assert_eq(cmos_read(0x0c) & 0x20, 0, "alarm once");
}

Test(rtc, alarm_seen_by_a_late_timer)
{
    sync_divider();
    set_time(true, 2026, 1, 1, 10, 20, 30);
    cmos_write(0x01, 32);
    cmos_write(0x03, 0xc0);
    cmos_write(0x05, 0xc0);
    cmos_read(0x0c);
    cmos_write(0x0b, 0x26);
    /* One jump over several updates: the timer runs once, late. */
    advance(4 * SEC);                   /* 10:20:34 */
    cr_assert_eq(cmos_read(0), 34);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(cmos_read(0x0c) & 0x20, 0x20, "alarm at :32 not lost");
}

Test(rtc, periodic_interrupt_1024hz)
{
    sync_divider_rate(6);
    cmos_read(0x0c);
    cmos_write(0x0b, 0x42);             /* PIE, BCD, 24h */
    /* 100 ms at 1024 Hz is 102.4 periods. */
    for (int i = 0; i < 1000; i++) {
        advance(100 * US);
        if (irq_level) {
            cr_assert_eq(cmos_read(0x0c) & 0xc0, 0xc0);
        }
    }
    cr_assert(irq_edges >= 102 && irq_edges <= 103, "edges %d", irq_edges);
}

Test(rtc, periodic_rate_select)
{
    sync_divider();
    cmos_read(0x0c);
    cmos_write(0x0a, 0x2f);             /* 500 ms */
    cmos_write(0x0b, 0x42);
    for (int i = 0; i < 200; i++) {
        advance(10 * MS);
        if (irq_level) {
            cmos_read(0x0c);
        }
    }
    cr_assert_eq(irq_edges, 4, "2 s at 2 Hz, edges %d", irq_edges);
    cmos_write(0x0a, 0x20);             /* RS = 0: none */
    advance(2 * SEC);
    cr_assert_eq(irq_edges, 4);
}

Test(rtc, pf_without_pie)
{
    sync_divider_rate(6);
    cmos_read(0x0c);
    advance(2 * MS);                    /* RS = 6: ~1 ms period */
    cr_assert_eq(cmos_read(0x0c), 0x40, "PF without IRQF");
    cr_assert_eq(irq_edges, 0);
}

Test(rtc, cmos_ram_and_index)
{
    for (int i = 14; i < 128; i++) {
        cmos_write(i, i ^ 0x5a);
    }
    for (int i = 14; i < 128; i++) {
        cr_assert_eq(cmos_read(i), i ^ 0x5a);
    }
    cr_assert_eq(cmos_read(0x80 | 0x20), 0x20 ^ 0x5a, "bit 7 is the NMI mask");
    mc146818_rtc_set_cmos(rtc, 0x32, 0x20);
    cr_assert_eq(mc146818_rtc_get_cmos(rtc, 0x32), 0x20);
    cr_assert_eq(cmos_read(0x32), 0x20);
    cmos_write(0x0d, 0x00);
    cr_assert_eq(cmos_read(0x0d), 0x80, "D is read-only");
}

Test(rtc, reset_clears_enables_keeps_time)
{
    set_time(true, 2026, 5, 6, 7, 8, 9);
    cmos_write(0x0b, 0x76);
    cmos_write(0x20, 0xab);
    rtc->dc->reset(rtc);
    cr_assert_eq(cmos_read(0x0b), 0x06);
    cr_assert_eq(cmos_read(0x20), 0xab);
    cr_assert_eq(cmos_read(4), 7);
}

Test(rtc, vmstate_round_trip)
{
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    size_t used;
    int64_t upd, per;

    sync_divider_rate(0x0f);
    set_time(true, 2030, 6, 15, 8, 30, 0);
    cmos_write(0x01, 2);
    cmos_write(0x03, 30);
    cmos_write(0x05, 8);
    cmos_write(0x40, 0x99);
    cmos_write(0x0b, 0x66);             /* PIE, AIE, binary, 24h */
    advance(600 * MS);                  /* one periodic (500 ms) and one update */
    cr_assert_eq(irq_level, 1);
    cmos_write(0x70, 0);                /* leave the index somewhere */
    rs->io.ops->write(rs->io.opaque, 0, 0x0c, 1);
    upd = timer_expire_time_ns(&rs->update_timer);
    per = timer_expire_time_ns(&rs->periodic_timer);
    cr_assert_geq(per, 0);
    vmstate_save(rtc->dc->vmsd, rs, buf);

    /* Scribble over it: a different time, RAM, enables, flags cleared. */
    set_time(true, 2001, 1, 1, 0, 0, 0);
    cmos_write(0x40, 0);
    rtc->dc->reset(rtc);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(vmstate_load(rtc->dc->vmsd, rs, buf->data, buf->len, &used, &err), 0);
    cr_assert_eq(irq_level, 1, "IRQ level re-derived from register C");
    cr_assert_eq(timer_expire_time_ns(&rs->update_timer), upd);
    cr_assert_eq(timer_expire_time_ns(&rs->periodic_timer), per);
    cr_assert_eq(rs->io.ops->read(rs->io.opaque, 1, 1), 0xd0,
                 "index kept: reg C with IRQF | PF | UF");
    cr_assert_eq(cmos_read(0x40), 0x99);
    cr_assert_eq(cmos_read(0x0b), 0x66);
    cr_assert_eq(cmos_read(9), 30);
    cr_assert_eq(cmos_read(4), 8);
    cr_assert_eq(cmos_read(2), 30);
    cr_assert_eq(cmos_read(0), 1);
    advance(1 * SEC);                   /* 08:30:02: alarm */
    cr_assert_eq(cmos_read(0), 2);
    cr_assert_eq(cmos_read(0x0c) & 0xa0, 0xa0);
    g_byte_array_free(buf, true);
}
