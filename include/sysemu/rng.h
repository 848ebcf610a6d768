/*
 * Entropy sources for guest random-number devices (virtio-rng), QEMU's -object
 * rng-random,id=ID[,filename=FILE] (a file or device read from, /dev/urandom by
 * default) and rng-builtin,id=ID (the host kernel's getrandom(2), also what a
 * device gets without rng=).
 */
#ifndef SYSEMU_RNG_H
#define SYSEMU_RNG_H

#include "qemu/osdep.h"

typedef struct RngBackend RngBackend;

/* -object TYPE,id=ID,...: false + errp for a bad spec or an unknown type. */
bool rng_object_add(const char *spec, GError **errp);
RngBackend *rng_backend_find(const char *id);
RngBackend *rng_backend_builtin(void);
/* Up to len bytes now: the count, 0 if the source has none at the moment (then
 * rng_backend_when_readable() calls back once it has), -1 if it is dead (end of
 * file, read error: logged once). Never blocks. */
ssize_t rng_backend_read(RngBackend *b, void *buf, size_t len);
/* Call cb(opaque) once, from the main loop, when the source has data again. */
void rng_backend_when_readable(RngBackend *b, void (*cb)(void *opaque), void *opaque);

#endif
