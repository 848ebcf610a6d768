/*
 * Motorola MC146818A real-time clock plus RAM (Motorola datasheet MC146818A, "Real-Time
 * Clock Plus RAM (RTC)"), as found at I/O 0x70 of PC/AT compatibles and in the Malta's
 * PIIX4: an index register at base and the addressed byte at base + 1.
 *
 * Modelled: seconds/minutes/hours/day/date/month/year and the three alarm registers
 * in BCD or binary and 12- or 24-hour format (register B DM, 24/12); register A
 * divider control (DV2-0: normal 32.768 kHz operation or divider reset, the first
 * update coming 500 ms after the reset is released) and rate selection RS3-0 for
 * periodic interrupts; register B SET (halts updates), PIE, AIE, UIE; register C flags
 * with IRQF cleared by reading; register D VRT; UIP high for the 244 us before each
 * once-per-second update; alarm "don't care" codes (11xxxxxx); 114 bytes of RAM after
 * the 14 clock registers (128 in all).
 *
 * Time runs from CLOCK_VIRTUAL and starts at the host's UTC date; the clock registers
 * are derived from a second counter when read, so the guest sees the update exactly
 * once per virtual second whether or not the update timer has run yet. The phase of
 * the update cycle within the second is the chip's own (a real part's divider runs
 * from whenever it was powered or reset): it follows the host's seconds until the
 * guest first reads register A, which places the next update 1.244 ms ahead (see
 * mc146818_place_phase for why).
 *
 * Not modelled: the 4.194304/1.048576 MHz time bases (treated as 32.768 kHz), the
 * square-wave output (SQWE), daylight-saving switching (DSE) and the duration of the
 * update cycle itself (the registers change at the end of the 244 us UIP window).
 * Register 9 counts years from the base_year property; century bytes elsewhere in
 * CMOS (0x32 on PCs) are firmware convention and left to the board.
 */
#include "qemu/osdep.h"
#include <time.h>
#include "hw/rtc/mc146818rtc.h"
#include "migration/vmstate.h"
#include "sysemu/rtc.h"
#include "sysemu/runstate.h"

enum {
    RTC_SECONDS = 0,
    RTC_SECONDS_ALARM = 1,
    RTC_MINUTES = 2,
    RTC_MINUTES_ALARM = 3,
    RTC_HOURS = 4,
    RTC_HOURS_ALARM = 5,
    RTC_DAY_OF_WEEK = 6,
    RTC_DATE_OF_MONTH = 7,
    RTC_MONTH = 8,
    RTC_YEAR = 9,
    RTC_REG_A = 10,
    RTC_REG_B = 11,
    RTC_REG_C = 12,
    RTC_REG_D = 13,
    RTC_FIRST_RAM = 14,
};

#define REG_A_UIP       0x80
#define REG_A_DV(v)     (((v) >> 4) & 7)
#define REG_A_RS(v)     ((v) & 0x0f)
#define DV_32KHZ        2

#define REG_B_SET       0x80
#define REG_B_PIE       0x40
#define REG_B_AIE       0x20
#define REG_B_UIE       0x10
#define REG_B_SQWE      0x08
#define REG_B_DM        0x04    /* 1 = binary, 0 = BCD */
#define REG_B_24H       0x02
#define REG_B_DSE       0x01

#define REG_C_IRQF      0x80
#define REG_C_PF        0x40
#define REG_C_AF        0x20
#define REG_C_UF        0x10

#define REG_D_VRT       0x80

#define RTC_TIMEBASE_HZ 32768
#define RTC_UIP_NS      244000          /* tBUC: UIP leads the update by 244 us */
#define RTC_ALARM_DONT_CARE 0xc0
#define RTC_PHASE_LEAD_NS 1000000       /* UIP rises this long after the first A read */

/* ---- divider chain ---- */

static bool mc146818_divider_running(const RTCState *s)
{
    unsigned dv = REG_A_DV(s->cmos_data[RTC_REG_A]);

    return dv != 6 && dv != 7;
}

static bool mc146818_updating(const RTCState *s)
{
    return mc146818_divider_running(s) && !(s->cmos_data[RTC_REG_B] & REG_B_SET);
}

/* Index of the last once-per-second update boundary at or before now. */
static int64_t mc146818_second_index(const RTCState *s, int64_t now)
{
    int64_t d = now - s->origin_ns;

    return d >= 0 ? d / NANOSECONDS_PER_SECOND : -1 - (-d - 1) / NANOSECONDS_PER_SECOND;
}

static int64_t mc146818_second_boundary(const RTCState *s, int64_t index)
{
    return s->origin_ns + index * NANOSECONDS_PER_SECOND;
}

/* Periodic rate in 32.768 kHz ticks (0: none), per the datasheet's table. */
static uint32_t mc146818_periodic_ticks(const RTCState *s)
{
    unsigned rs = REG_A_RS(s->cmos_data[RTC_REG_A]);

    if (rs == 0) {
        return 0;
    }
    if (rs <= 2) {
        rs += 7;            /* 3.90625 ms and 7.8125 ms, as RS = 8 and 9 */
    }
    return 1u << (rs - 1);
}

static int64_t mc146818_periodic_index(const RTCState *s, int64_t now, uint32_t period)
{
    int64_t ticks = muldiv64(now - s->origin_ns, RTC_TIMEBASE_HZ, NANOSECONDS_PER_SECOND);

    return ticks >= 0 ? ticks / period : -1;
}

/* First CLOCK_VIRTUAL ns at which the periodic index reaches index. */
static int64_t mc146818_periodic_time(const RTCState *s, int64_t index, uint32_t period)
{
    __int128 ticks = (__int128)index * period;

    return s->origin_ns + (int64_t)((ticks * NANOSECONDS_PER_SECOND + RTC_TIMEBASE_HZ - 1)
                                    / RTC_TIMEBASE_HZ);
}

/* ---- calendar ---- */

static int64_t mc146818_now_seconds(const RTCState *s, int64_t now)
{
    if (!mc146818_updating(s)) {
        return s->base_time;
    }
    return s->base_time + (mc146818_second_index(s, now) - s->base_index);
}

static uint8_t mc146818_to_reg(const RTCState *s, int v)
{
    if (s->cmos_data[RTC_REG_B] & REG_B_DM) {
        return v;
    }
    return ((v / 10) << 4) | (v % 10);
}

static int mc146818_from_reg(const RTCState *s, uint8_t v)
{
    if (s->cmos_data[RTC_REG_B] & REG_B_DM) {
        return v;
    }
    return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t mc146818_hours_to_reg(const RTCState *s, int hour)
{
    if (s->cmos_data[RTC_REG_B] & REG_B_24H) {
        return mc146818_to_reg(s, hour);
    }
    /* 12-hour mode: 12, 1..11 with bit 7 for PM. */
    return mc146818_to_reg(s, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? 0x80 : 0);
}

static int mc146818_hours_from_reg(const RTCState *s, uint8_t v)
{
    int hour;

    if (s->cmos_data[RTC_REG_B] & REG_B_24H) {
        return mc146818_from_reg(s, v);
    }
    hour = mc146818_from_reg(s, v & 0x7f) % 12;
    return (v & 0x80) ? hour + 12 : hour;
}

/* Write the calendar registers 0, 2, 4, 6-9 for a time in seconds since 1970 UTC. */
static void mc146818_store_time(RTCState *s, int64_t t)
{
    time_t tt = t;
    struct tm tm;
    int year;

    if (!gmtime_r(&tt, &tm)) {
        /* Only a corrupt snapshot gets here: registers cannot express such times. */
        tt = 0;
        gmtime_r(&tt, &tm);
    }
    year = tm.tm_year + 1900 - (int)s->base_year;
    year %= 100;
    if (year < 0) {
        year += 100;
    }
    s->cmos_data[RTC_SECONDS] = mc146818_to_reg(s, tm.tm_sec);
    s->cmos_data[RTC_MINUTES] = mc146818_to_reg(s, tm.tm_min);
    s->cmos_data[RTC_HOURS] = mc146818_hours_to_reg(s, tm.tm_hour);
    s->cmos_data[RTC_DAY_OF_WEEK] = mc146818_to_reg(s, tm.tm_wday + 1);
    s->cmos_data[RTC_DATE_OF_MONTH] = mc146818_to_reg(s, tm.tm_mday);
    s->cmos_data[RTC_MONTH] = mc146818_to_reg(s, tm.tm_mon + 1);
    s->cmos_data[RTC_YEAR] = mc146818_to_reg(s, year);
}

/* The time the calendar registers hold (normalised the way timegm() does). */
static int64_t mc146818_load_time(const RTCState *s)
{
    struct tm tm = { 0 };

    tm.tm_sec = mc146818_from_reg(s, s->cmos_data[RTC_SECONDS]);
    tm.tm_min = mc146818_from_reg(s, s->cmos_data[RTC_MINUTES]);
    tm.tm_hour = mc146818_hours_from_reg(s, s->cmos_data[RTC_HOURS]);
    tm.tm_mday = mc146818_from_reg(s, s->cmos_data[RTC_DATE_OF_MONTH]);
    tm.tm_mon = mc146818_from_reg(s, s->cmos_data[RTC_MONTH]) - 1;
    tm.tm_year = mc146818_from_reg(s, s->cmos_data[RTC_YEAR]) + (int)s->base_year - 1900;
    return timegm(&tm);
}

/* Bring registers 0-9 up to date with the running clock. */
static void mc146818_refresh_time_regs(RTCState *s, int64_t now)
{
    if (mc146818_updating(s)) {
        mc146818_store_time(s, mc146818_now_seconds(s, now));
    }
}

/* Take the clock registers as the time of the current second. */
static void mc146818_rebase(RTCState *s, int64_t now)
{
    s->base_time = mc146818_load_time(s);
    s->base_index = mc146818_second_index(s, now);
}

/* ---- interrupts and flags ---- */

static void mc146818_update_irq(RTCState *s)
{
    uint8_t c = s->cmos_data[RTC_REG_C] & (REG_C_PF | REG_C_AF | REG_C_UF);
    uint8_t b = s->cmos_data[RTC_REG_B];
    bool irqf = ((c & REG_C_PF) && (b & REG_B_PIE)) ||
                ((c & REG_C_AF) && (b & REG_B_AIE)) ||
                ((c & REG_C_UF) && (b & REG_B_UIE));

    /* IRQF stays set until register C is read, even if the enable is dropped. */
    if (irqf) {
        s->cmos_data[RTC_REG_C] |= REG_C_IRQF;
    }
    irqf = (s->cmos_data[RTC_REG_C] & REG_C_IRQF) != 0;
    if (irqf != s->irq_level) {
        s->irq_level = irqf;
        irq_set(s->irq, irqf);
    }
}

static bool mc146818_alarm_matches(const RTCState *s)
{
    static const int pairs[3][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS },
        { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };

    for (int i = 0; i < 3; i++) {
        uint8_t alarm = s->cmos_data[pairs[i][0]];

        if ((alarm & RTC_ALARM_DONT_CARE) != RTC_ALARM_DONT_CARE &&
            alarm != s->cmos_data[pairs[i][1]]) {
            return false;
        }
    }
    return true;
}

/*
 * Account for update cycles and periodic ticks that happened by now: the flags are
 * correct when the guest reads register C even if a timer has not run yet.
 */
static void mc146818_catch_up(RTCState *s, int64_t now)
{
    uint32_t period = mc146818_periodic_ticks(s);

    if (mc146818_updating(s)) {
        int64_t idx = mc146818_second_index(s, now);

        if (idx > s->last_update_index) {
            /*
             * Each update cycle compares the alarm; when several went by unseen
             * (a late timer), check each of their seconds. A day covers every
             * alarm pattern.
             */
            int64_t missed = MIN_U(idx - s->last_update_index, 86400);
            int64_t t = mc146818_now_seconds(s, now);

            for (int64_t i = missed - 1; i >= 0; i--) {
                mc146818_store_time(s, t - i);
                if (mc146818_alarm_matches(s)) {
                    s->cmos_data[RTC_REG_C] |= REG_C_AF;
                }
            }
            s->last_update_index = idx;
            s->cmos_data[RTC_REG_C] |= REG_C_UF;
        }
    }
    if (mc146818_divider_running(s) && period) {
        int64_t idx = mc146818_periodic_index(s, now, period);

        if (idx > s->last_periodic_index) {
            s->last_periodic_index = idx;
            s->cmos_data[RTC_REG_C] |= REG_C_PF;
        }
    }
    mc146818_update_irq(s);
}

/* Forget past boundaries: used when the rate or the divider changes. */
static void mc146818_resync_indices(RTCState *s, int64_t now)
{
    uint32_t period = mc146818_periodic_ticks(s);

    s->last_update_index = mc146818_second_index(s, now);
    s->last_periodic_index = period ? mc146818_periodic_index(s, now, period) : 0;
}

/*
 * Arm the timers for the next event that can raise an interrupt. The update timer
 * runs whenever the clock updates (UF and alarms are set each second); the periodic
 * one only while PIE asks for interrupts, PF being derived lazily otherwise.
 */
static void mc146818_arm_timers(RTCState *s, int64_t now)
{
    uint32_t period = mc146818_periodic_ticks(s);

    if (mc146818_updating(s)) {
        timer_mod(&s->update_timer,
                  mc146818_second_boundary(s, mc146818_second_index(s, now) + 1));
    } else {
        timer_del(&s->update_timer);
    }
    if (mc146818_divider_running(s) && period && (s->cmos_data[RTC_REG_B] & REG_B_PIE)) {
        int64_t next = mc146818_periodic_index(s, now, period) + 1;

        timer_mod(&s->periodic_timer, mc146818_periodic_time(s, next, period));
    } else {
        timer_del(&s->periodic_timer);
    }
}

/*
 * The first look at register A fixes the divider's phase: the next update cycle is
 * placed to begin RTC_PHASE_LEAD_NS from now. Nothing in the chip ties its update
 * cycle to the host's second boundaries, and software cannot tell the difference
 * except by the wait: Linux on Malta times the CPU's counter between two UIP edges
 * at boot, which costs the wait for the first edge (0-1 s, 0.5 s on average) plus
 * the one second it measures; the first wait is now 1 ms. The clock never runs
 * backwards: the update only comes earlier than it would have, so the RTC may read
 * up to one second ahead of the host's UTC, within its one-second resolution.
 * Only done while no interrupt is enabled, so no periodic or update interrupt
 * sees its rhythm jump.
 */
static void mc146818_place_phase(RTCState *s, int64_t now)
{
    int64_t next = now + RTC_PHASE_LEAD_NS + RTC_UIP_NS;
    int64_t t;

    s->phase_seen = true;
    if (!mc146818_updating(s) ||
        (s->cmos_data[RTC_REG_B] & (REG_B_PIE | REG_B_AIE | REG_B_UIE)) ||
        next >= mc146818_second_boundary(s, mc146818_second_index(s, now) + 1)) {
        return;
    }
    mc146818_catch_up(s, now);
    t = mc146818_now_seconds(s, now);
    s->origin_ns = next - NANOSECONDS_PER_SECOND;
    s->base_time = t;
    s->base_index = mc146818_second_index(s, now);
    mc146818_resync_indices(s, now);
    mc146818_arm_timers(s, now);
}

static void mc146818_timer_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    mc146818_catch_up(s, now);
    mc146818_arm_timers(s, now);
}

/* ---- registers ---- */

static void mc146818_write_reg_a(RTCState *s, uint8_t val, int64_t now)
{
    bool was_running = mc146818_divider_running(s);
    bool was_updating = mc146818_updating(s);
    int64_t t = mc146818_now_seconds(s, now);

    mc146818_catch_up(s, now);
    s->phase_seen = true;
    s->cmos_data[RTC_REG_A] = val & ~REG_A_UIP;
    if (REG_A_DV(val) != DV_32KHZ && mc146818_divider_running(s)) {
        mimic_log_mask(LOG_UNIMP, "mc146818rtc: time base DV=%u treated as 32.768 kHz\n",
                       REG_A_DV(val));
    }
    if (!was_running && mc146818_divider_running(s)) {
        /* Leaving divider reset: the first update comes 500 ms later. */
        s->origin_ns = now - NANOSECONDS_PER_SECOND / 2;
    }
    if (was_updating && !mc146818_updating(s)) {
        s->base_time = t;
        mc146818_store_time(s, t);
    } else if (!was_updating && mc146818_updating(s)) {
        mc146818_rebase(s, now);
    }
    mc146818_resync_indices(s, now);
    mc146818_arm_timers(s, now);
}

static void mc146818_write_reg_b(RTCState *s, uint8_t val, int64_t now)
{
    bool was_updating = mc146818_updating(s);
    int64_t t = mc146818_now_seconds(s, now);

    mc146818_catch_up(s, now);
    if (val & REG_B_SET) {
        /* Setting SET aborts any update and clears UIE. */
        val &= ~REG_B_UIE;
    }
    if (val & (REG_B_SQWE | REG_B_DSE)) {
        mimic_log_mask(LOG_UNIMP, "mc146818rtc: SQWE/DSE not modelled (B=0x%02x)\n", val);
    }
    if (was_updating) {
        /*
         * Keep the running time across a DM or 24/12 change: re-encode the registers
         * in the new format. (The chip would leave stale encodings; software rewrites
         * them after changing the format anyway.)
         */
        s->cmos_data[RTC_REG_B] = val;
        s->base_time = t;
        s->base_index = mc146818_second_index(s, now);
        mc146818_store_time(s, t);
    } else {
        s->cmos_data[RTC_REG_B] = val;
        if (mc146818_updating(s)) {
            mc146818_rebase(s, now);
            s->last_update_index = mc146818_second_index(s, now);
        }
    }
    mc146818_update_irq(s);
    mc146818_arm_timers(s, now);
}

static void mc146818_write_time_reg(RTCState *s, int reg, uint8_t val, int64_t now)
{
    mc146818_refresh_time_regs(s, now);
    s->cmos_data[reg] = val;
    if (reg == RTC_SECONDS_ALARM || reg == RTC_MINUTES_ALARM || reg == RTC_HOURS_ALARM) {
        return;
    }
    if (mc146818_updating(s)) {
        /* Written while running: the clock continues from the new value. */
        mc146818_rebase(s, now);
    } else {
        s->base_time = mc146818_load_time(s);
    }
}

static void mc146818_write_data(RTCState *s, int reg, uint8_t val)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    switch (reg) {
    case RTC_SECONDS ... RTC_YEAR:
        mc146818_write_time_reg(s, reg, val, now);
        break;
    case RTC_REG_A:
        mc146818_write_reg_a(s, val, now);
        break;
    case RTC_REG_B:
        mc146818_write_reg_b(s, val, now);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        mimic_log_mask(LOG_GUEST_ERROR, "mc146818rtc: write 0x%02x to read-only "
                       "register %c\n", val, 'A' + reg - RTC_REG_A);
        break;
    default:
        s->cmos_data[reg] = val;
        break;
    }
}

static uint8_t mc146818_read_data(RTCState *s, int reg, bool side_effects)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    uint8_t val;

    switch (reg) {
    case RTC_SECONDS ... RTC_YEAR:
        mc146818_refresh_time_regs(s, now);
        return s->cmos_data[reg];
    case RTC_REG_A:
        if (!s->phase_seen && side_effects) {
            mc146818_place_phase(s, now);
        }
        val = s->cmos_data[RTC_REG_A];
        if (mc146818_updating(s) &&
            mc146818_second_boundary(s, mc146818_second_index(s, now) + 1) - now <=
            RTC_UIP_NS) {
            val |= REG_A_UIP;
        }
        return val;
    case RTC_REG_C:
        if (!side_effects) {
            return s->cmos_data[RTC_REG_C];
        }
        mc146818_catch_up(s, now);
        val = s->cmos_data[RTC_REG_C];
        s->cmos_data[RTC_REG_C] = 0;
        mc146818_update_irq(s);
        return val;
    case RTC_REG_D:
        return REG_D_VRT;
    default:
        return s->cmos_data[reg];
    }
}

static uint64_t mc146818_io_read(void *opaque, hwaddr off, unsigned size)
{
    RTCState *s = opaque;

    if (off == 0) {
        /* The index port reads back on most chipsets; the chip itself has no latch. */
        return s->cmos_index;
    }
    return mc146818_read_data(s, s->cmos_index, true);
}

static void mc146818_io_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    RTCState *s = opaque;

    if (off == 0) {
        /* Bit 7 of port 0x70 is the PC's NMI mask, not part of the address. */
        s->cmos_index = val & 0x7f;
    } else {
        mc146818_write_data(s, s->cmos_index, val);
    }
}

static const MemoryRegionOps mc146818_io_ops = {
    .read = mc146818_io_read,
    .write = mc146818_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

void mc146818_rtc_set_cmos(DeviceState *dev, int addr, uint8_t val)
{
    RTCState *s = (RTCState *)dev;

    assert(addr >= 0 && addr < MC146818_CMOS_SIZE);
    mc146818_write_data(s, addr, val);
}

uint8_t mc146818_rtc_get_cmos(DeviceState *dev, int addr)
{
    RTCState *s = (RTCState *)dev;

    assert(addr >= 0 && addr < MC146818_CMOS_SIZE);
    return mc146818_read_data(s, addr, false);
}

/* ---- device ---- */

/* The RESET pin: interrupt enables and flags clear; time, rate and RAM survive. */
static void mc146818_reset(DeviceState *dev)
{
    RTCState *s = (RTCState *)dev;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    mc146818_catch_up(s, now);
    s->cmos_data[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
    s->cmos_data[RTC_REG_C] = 0;
    s->irq_level = 0;
    irq_lower(s->irq);
    mc146818_arm_timers(s, now);
}

/*
 * The VM starts (again). With clock=host the time the VM spent stopped (how much
 * further the host's clock ran than CLOCK_VIRTUAL) is added to the calendar, in
 * whole seconds, the rest carried to the next start; the update cycle keeps its
 * phase. With clock=vm, or while the guest holds the updates (SET) or the divider,
 * the clock carries on from where it stopped.
 */
static void mc146818_vm_started(void *opaque)
{
    RTCState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    int64_t lead = clock_get_ns(CLOCK_HOST) - now;
    int64_t paused = lead - s->host_lead_ns;

    s->host_lead_ns = lead;
    if (!s->follows_host || paused <= 0 || !mc146818_updating(s)) {
        return;
    }
    s->pause_carry_ns += paused;
    s->base_time += s->pause_carry_ns / NANOSECONDS_PER_SECOND;
    s->pause_carry_ns %= NANOSECONDS_PER_SECOND;
}

static bool mc146818_realize(DeviceState *dev, GError **errp)
{
    RTCState *s = (RTCState *)dev;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    int64_t host = clock_get_ns(CLOCK_HOST);

    if (s->base_year < 1900 || s->base_year > 2200) {
        error_setg(errp, "%s: base_year %u out of range", dev->id, s->base_year);
        return false;
    }
    timer_init_ns(&s->update_timer, CLOCK_VIRTUAL, mc146818_timer_cb, s);
    timer_init_ns(&s->periodic_timer, CLOCK_VIRTUAL, mc146818_timer_cb, s);
    memory_region_init_io(&s->io, &mc146818_io_ops, s, dev->id ? dev->id : "rtc", 2);

    /* Power-on as firmware leaves it: 32.768 kHz, 1024 Hz rate, BCD, 24 hours. */
    memset(s->cmos_data, 0, sizeof(s->cmos_data));
    s->cmos_data[RTC_REG_A] = (DV_32KHZ << 4) | 6;
    s->cmos_data[RTC_REG_B] = REG_B_24H;
    s->cmos_data[RTC_REG_D] = REG_D_VRT;
    /* Seconds tick over when the host's UTC seconds do. */
    s->origin_ns = now - host % NANOSECONDS_PER_SECOND;
    s->base_time = host / NANOSECONDS_PER_SECOND + rtc_start_offset();
    s->base_index = mc146818_second_index(s, now);
    s->phase_seen = false;
    s->follows_host = rtc_follows_host();
    s->host_lead_ns = host - now;
    s->pause_carry_ns = 0;
    qemu_register_run_notifier(mc146818_vm_started, s);
    mc146818_store_time(s, s->base_time);
    mc146818_resync_indices(s, now);
    mc146818_reset(dev);
    return true;
}

static void mc146818_unrealize(DeviceState *dev)
{
    RTCState *s = (RTCState *)dev;

    qemu_unregister_run_notifier(mc146818_vm_started, s);
    timer_del(&s->update_timer);
    timer_del(&s->periodic_timer);
}

static int mc146818_post_load(void *opaque, int version_id)
{
    RTCState *s = opaque;

    if (s->cmos_index >= MC146818_CMOS_SIZE) {
        s->cmos_index &= MC146818_CMOS_SIZE - 1;
        return -EINVAL;
    }
    s->irq_level = (s->cmos_data[RTC_REG_C] & REG_C_IRQF) != 0;
    irq_set(s->irq, s->irq_level);
    s->phase_seen = true;
    return 0;
}

static const VMStateField mc146818_fields[] = {
    VMSTATE_UINT8_ARRAY(cmos_data, RTCState, MC146818_CMOS_SIZE),
    VMSTATE_UINT8(cmos_index, RTCState),
    VMSTATE_INT64(base_time, RTCState),
    VMSTATE_INT64(base_index, RTCState),
    VMSTATE_INT64(origin_ns, RTCState),
    VMSTATE_INT64(last_update_index, RTCState),
    VMSTATE_INT64(last_periodic_index, RTCState),
    VMSTATE_TIMER(update_timer, RTCState),
    VMSTATE_TIMER(periodic_timer, RTCState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription mc146818_vmstate = {
    .name = "mc146818rtc",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = mc146818_post_load,
    .fields = mc146818_fields,
};

static const Property mc146818_props[] = {
    DEFINE_PROP_UINT32("iobase", RTCState, iobase, 0x70),
    DEFINE_PROP_UINT32("base_year", RTCState, base_year, 2000),
    DEFINE_PROP_END_OF_LIST(),
};

const DeviceClass mc146818_rtc_device_class = {
    .name = TYPE_MC146818_RTC,
    .desc = "Motorola MC146818A real-time clock",
    .instance_size = sizeof(RTCState),
    .realize = mc146818_realize,
    .reset = mc146818_reset,
    .unrealize = mc146818_unrealize,
    .vmsd = &mc146818_vmstate,
    .props = mc146818_props,
    .user_creatable = false,
};

static void __attribute__((constructor)) mc146818_register(void)
{
    device_class_register(&mc146818_rtc_device_class);
}

DeviceState *mc146818_rtc_init(MemoryRegion *io_space, hwaddr base, IRQLine *irq,
                               int base_year, const char *id)
{
    DeviceState *dev = qdev_new(&mc146818_rtc_device_class, id);
    RTCState *s = (RTCState *)dev;
    GError *err = NULL;

    qdev_prop_set_uint32(dev, "iobase", base);
    qdev_prop_set_uint32(dev, "base_year", base_year);
    s->irq = irq;
    if (!qdev_realize(dev, &err)) {
        error_report_err(err);
        return NULL;
    }
    memory_region_add_subregion(io_space, base, &s->io);
    return dev;
}
