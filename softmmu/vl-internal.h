/*
 * Between vl.c (the option loop and start-up) and vl-opts.c (the parsers of
 * option values). The parsers fill a VlConfig and fail with errp set.
 */
#ifndef SOFTMMU_VL_INTERNAL_H
#define SOFTMMU_VL_INTERNAL_H

#include "qemu/osdep.h"
#include "sysemu/vl.h"

#define VL_MAX_SMP 64

bool vl_parse_smp(const char *arg, int *smp, GError **errp);
void vl_apply_rtc(const VlConfig *cfg);
bool vl_parse_rtc(VlConfig *cfg, const char *arg, GError **errp);
bool vl_parse_drive(VlConfig *cfg, const char *arg, GError **errp);
/* -hda..-hdd (index 0-3) and -cdrom (index 2, media cdrom). */
bool vl_add_legacy_drive(VlConfig *cfg, const char *file, int index,
                         const char *media, GError **errp);
bool vl_is_help(const char *arg);
/* "first,rest": *first and *rest newly allocated (rest "" when there is none). */
void vl_split_first(const char *arg, char **first, char **rest);
bool vl_parse_watchdog_action(VlConfig *cfg, const char *v, GError **errp);
bool vl_parse_action(VlConfig *cfg, const char *arg, GError **errp);
bool vl_parse_msg(VlConfig *cfg, const char *arg, GError **errp);
bool vl_parse_overcommit(VlConfig *cfg, const char *arg, GError **errp);
bool vl_parse_machine(VlConfig *cfg, const char *arg, GError **errp);

#endif
