/*
 * Motorola MC146818A real-time clock with 128 bytes of CMOS RAM (PC/AT port 0x70,
 * Malta's PIIX4 RTC): index register at base, data at base + 1.
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "hw/irq.h"
#include "exec/memory.h"
#include "qemu/timer.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define MC146818_CMOS_SIZE 128

typedef struct RTCState {
    DeviceState parent;

    /* Properties. */
    uint32_t iobase;
    uint32_t base_year;         /* year that register 9 counts from (2000 on PCs) */

    IRQLine *irq;
    MemoryRegion io;

    uint8_t cmos_data[MC146818_CMOS_SIZE];  /* 0..13 are the clock registers */
    uint8_t cmos_index;
    int32_t irq_level;

    /*
     * Time base. The divider chain's phase: update cycles end at origin_ns + k s of
     * CLOCK_VIRTUAL for whole k. While the clock updates, the time is base_time
     * (seconds since 1970, UTC) plus the updates since update number base_index;
     * registers 0-9 are derived from it when read. last_*_index record the update
     * and periodic boundaries already reflected in register C.
     */
    int64_t base_time;
    int64_t base_index;
    int64_t origin_ns;
    int64_t last_update_index;
    int64_t last_periodic_index;
    /*
     * False until the guest has seen the divider's phase (its first read of
     * register A, or a write that sets the phase); see mc146818_place_phase().
     * Not migrated: a loaded machine keeps the phase it had.
     */
    bool phase_seen;
    /*
     * clock=host (sysemu/rtc.h): the host's time minus CLOCK_VIRTUAL at the last
     * start, and the nanoseconds of pauses not yet added to base_time. Not migrated:
     * after loadvm the clock catches up with the host like after any pause.
     */
    bool follows_host;
    int64_t host_lead_ns;
    int64_t pause_carry_ns;

    Timer periodic_timer;
    Timer update_timer;
} RTCState;

DeviceState *mc146818_rtc_init(MemoryRegion *io_space, hwaddr base, IRQLine *irq,
                               int base_year, const char *id);
void mc146818_rtc_set_cmos(DeviceState *rtc, int addr, uint8_t val);
uint8_t mc146818_rtc_get_cmos(DeviceState *rtc, int addr);

extern const DeviceClass mc146818_rtc_device_class;

#endif
