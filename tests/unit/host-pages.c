/* Unit-test support: resident host pages of a mapping (see host-pages.h). */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <unistd.h>
#include <criterion/criterion.h>
#include "host-pages.h"

size_t host_resident_pages(const void *p, size_t len)
{
    size_t n = len / (size_t)getpagesize(), count = 0;
    g_autofree unsigned char *vec = g_malloc(n);

    cr_assert_eq(mincore((void *)p, len, vec), 0);
    for (size_t i = 0; i < n; i++) {
        count += vec[i] & 1;
    }
    return count;
}
