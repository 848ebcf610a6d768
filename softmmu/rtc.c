/*
 * The -rtc settings that every board's RTC reads when it is created (see
 * sysemu/rtc.h). Plain variables: vl.c sets them before the machine exists.
 */
#include "qemu/osdep.h"
#include "sysemu/rtc.h"

static int64_t rtc_offset_s;
static bool rtc_host = true;

void rtc_set_start_offset(int64_t seconds)
{
    rtc_offset_s = seconds;
}

int64_t rtc_start_offset(void)
{
    return rtc_offset_s;
}

void rtc_set_follows_host(bool follows)
{
    rtc_host = follows;
}

bool rtc_follows_host(void)
{
    return rtc_host;
}
