/*
 * The translator's populate helper (accel/tcg/code-populate.c): pages ahead of a
 * write pointer become resident in both views, on the helper thread, without a byte
 * changing; nothing far past the pointer is touched; a restart starts over from the
 * new pointer.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <criterion/criterion.h>
#include "../../accel/tcg/internal.h"
#include "host-pages.h"

#define AREA (8u << 20)

/* Wait (at most 5 s) for the helper to finish what it was asked. */
static void wait_idle(void)
{
    for (int i = 0; i < 500 && !jit_populate_idle(); i++) {
        g_usleep(10000);
    }
    cr_assert(jit_populate_idle(), "the helper finished its work");
}

/* A memfd mapped twice, like the code buffer's two views. */
static uint8_t *map_two_views(uint8_t **rx)
{
    int fd = memfd_create("test-populate", MFD_CLOEXEC);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, AREA), 0);
    uint8_t *rw = mmap(NULL, AREA, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    *rx = mmap(NULL, AREA, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    cr_assert(rw != MAP_FAILED && *rx != MAP_FAILED);
    return rw;
}

Test(code_populate, pages_ahead_become_resident_in_both_views)
{
    uint8_t *rx, *rw = map_two_views(&rx);
    size_t psz = getpagesize();

    rw[100] = 0x5a;
    jit_populate_init(JIT_POPULATE_CODE, rw, rw + AREA, rx - rw);
    cr_assert_lt(host_resident_pages(rw + (1u << 20), 1u << 20), 4, "fresh");
    jit_populate_ahead(JIT_POPULATE_CODE, rw + (2u << 20) + 123);
    wait_idle();
    /* The 1 MiB from the pointer's page on, in both views. */
    cr_assert_eq(host_resident_pages(rw + (2u << 20), 1u << 20), (1u << 20) / psz);
    cr_assert_eq(host_resident_pages(rx + (2u << 20), 1u << 20), (1u << 20) / psz);
    cr_assert_lt(host_resident_pages(rw + (4u << 20), 4u << 20), 4,
                 "nothing far past the pointer");
    for (size_t i = 2u << 20; i < 3u << 20; i += 4093) {
        cr_assert_eq(rw[i], 0, "byte %zu", i);
    }
    cr_assert_eq(rx[100], 0x5a, "the views are one memory");
    munmap(rw, AREA);
    munmap(rx, AREA);
}

Test(code_populate, a_close_pointer_posts_nothing_new_and_restart_goes_back)
{
    uint8_t *area = mmap(NULL, AREA, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    size_t psz = getpagesize();

    cr_assert(area != MAP_FAILED);
    jit_populate_init(JIT_POPULATE_TBS, area, area + AREA, 0);
    jit_populate_ahead(JIT_POPULATE_TBS, area);
    wait_idle();
    size_t first = host_resident_pages(area, AREA);
    cr_assert_eq(first, (1u << 20) / psz);
    /* Still well inside what was asked: no new target. */
    jit_populate_ahead(JIT_POPULATE_TBS, area + 4096);
    wait_idle();
    cr_assert_eq(host_resident_pages(area, AREA), first);
    /* Past half of it: the next MiB is asked for. */
    jit_populate_ahead(JIT_POPULATE_TBS, area + (600u << 10));
    wait_idle();
    cr_assert_gt(host_resident_pages(area + (1u << 20), 1u << 20), 0);
    /* Released (as a flush may), then restarted at the start: populated again. */
    cr_assert_eq(madvise(area, AREA, MADV_DONTNEED), 0);
    jit_populate_restart(JIT_POPULATE_TBS, area);
    jit_populate_ahead(JIT_POPULATE_TBS, area);
    wait_idle();
    cr_assert_eq(host_resident_pages(area, 1u << 20), (1u << 20) / psz);
    munmap(area, AREA);
}
