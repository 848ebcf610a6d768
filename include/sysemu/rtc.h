/*
 * How the boards' real-time clocks start and run (-rtc): the time they start at,
 * relative to the host's UTC, and whether they follow the host's time across a
 * pause of the VM or the VM's own clock.
 */
#ifndef SYSEMU_RTC_H
#define SYSEMU_RTC_H

#include "qemu/osdep.h"

/* Seconds the RTC starts ahead of the host's UTC (base=localtime or a date). */
void rtc_set_start_offset(int64_t seconds);
int64_t rtc_start_offset(void);

/* clock=host or rt (true, QEMU's default) or clock=vm (false): after the VM was
 * stopped (monitor stop, savevm, loadvm), the RTC catches up with the host's time,
 * or carries on from where the VM's clock stopped. */
void rtc_set_follows_host(bool follows);
bool rtc_follows_host(void);

#endif
