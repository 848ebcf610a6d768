/* Unit-test support: what the host has made resident of a mapping. */
#ifndef TESTS_UNIT_HOST_PAGES_H
#define TESTS_UNIT_HOST_PAGES_H

#include <stddef.h>

/* Host pages of [p, p + len) that are resident (mincore); p page-aligned. */
size_t host_resident_pages(const void *p, size_t len);

#endif
