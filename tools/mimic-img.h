/*
 * Helpers shared by the mimic-img sub-command files (tools/mimic-img*.c).
 */
#ifndef TOOLS_MIMIC_IMG_H
#define TOOLS_MIMIC_IMG_H

#include "qemu/osdep.h"
#include "block/block.h"

#define IMG_BUF_SIZE (2u << 20)

void QEMU_PRINTF(1, 2) img_error(const char *fmt, ...);
/* Print ERR's message, free it, return exit code 1. */
int img_gerror(GError *err);
/* "1G", "512M", "100k", "4096" (bytes); false on garbage. */
bool img_parse_size(const char *s, uint64_t *out);
BlockDriverState *img_open(const char *file, const char *fmt, int flags);
bool img_parse_create_opts(const char *s, BlockCreateOpts *o, GError **errp);
bool img_is_zero(const uint8_t *buf, size_t len);
void img_progress(bool on, uint64_t done, uint64_t total);
/* -t/-T cache mode into BDRV_O_* flags; false (and a message) if unknown. */
bool img_parse_cache(const char *mode, int *flags);

int img_convert(int argc, char **argv);
int img_commit(int argc, char **argv);

#endif
