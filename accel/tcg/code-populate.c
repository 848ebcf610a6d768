/*
 * Fresh memory for the translator, faulted in ahead on a thread of its own.
 *
 * Code is written to pages touched for the first time: one page fault per 4 KiB in
 * the writable view while emitting (the memfd page is allocated and cleared there),
 * one more in the executable view when the code first runs, and one per 4 KiB of TB
 * headers. MADV_POPULATE_WRITE/READ set those pages up without the faults but still
 * clear them; on the vCPU thread that was ~25 ms of a Malta boot to poweroff (100
 * calls of 256 KiB, both views), more when the host's memory is cold. A helper thread
 * does it instead, a step ahead of the write pointers; the vCPU thread only posts a
 * new target when a pointer comes within a margin of the last one.
 *
 * Everything the helper does is advice: a page it has not reached yet the vCPU
 * thread faults in itself, and a page it populates after a flush released it is just
 * mapped again. So no ordering with the translator is needed beyond the targets
 * (under a mutex); a flush moves the targets back (jit_populate_restart) and the
 * helper goes on from there.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "internal.h"

#define POPULATE_STEP (256u << 10)      /* one madvise call per view */
#define POPULATE_AHEAD (1u << 20)       /* how far ahead of a pointer to ask for */

typedef struct PopulateArea {
    uint8_t *start, *end;   /* the whole area */
    ptrdiff_t alias;        /* a second view of the same pages (0: none) */
    uint8_t *want;          /* populate up to here (posted by the vCPU thread) */
    uint8_t *done;          /* populated up to here (by the helper) */
    uint8_t *asked;         /* the vCPU thread's copy of want: no lock to compare */
} PopulateArea;

static struct {
    GMutex lock;
    GCond wake;
    GThread *thread;
    bool works;             /* false: no MADV_POPULATE_* (kernels before 5.14) */
    unsigned generation;    /* bumped by jit_populate_restart */
    PopulateArea area[JIT_POPULATE_AREAS];
} pop = { .works = true };

/* The next piece of work, or false when every area is done. Under the lock. */
static bool populate_next(int *which, uint8_t **from, size_t *len)
{
    for (int i = 0; i < JIT_POPULATE_AREAS; i++) {
        PopulateArea *a = &pop.area[i];
        if (a->done < a->want) {
            *which = i;
            *from = a->done;
            *len = MIN((size_t)(a->want - a->done), POPULATE_STEP);
            return true;
        }
    }
    return false;
}

static gpointer populate_thread(gpointer opaque)
{
    g_mutex_lock(&pop.lock);
    for (;;) {
        int which;
        uint8_t *from;
        size_t len;

        while (!populate_next(&which, &from, &len)) {
            g_cond_wait(&pop.wake, &pop.lock);
        }
        ptrdiff_t alias = pop.area[which].alias;
        unsigned gen = pop.generation;
        g_mutex_unlock(&pop.lock);

        bool ok = madvise(from, len, MADV_POPULATE_WRITE) == 0;
        if (ok && alias) {
            madvise(from + alias, len, MADV_POPULATE_READ);   /* best effort */
        }

        g_mutex_lock(&pop.lock);
        if (!ok) {
            __atomic_store_n(&pop.works, false, __ATOMIC_RELAXED);  /* no more posts */
            for (int i = 0; i < JIT_POPULATE_AREAS; i++) {
                pop.area[i].done = pop.area[i].want;
            }
        } else if (gen == pop.generation && pop.area[which].done == from) {
            pop.area[which].done = from + len;
        }
    }
    g_mutex_unlock(&pop.lock);
    return NULL;
}

void jit_populate_init(int which, uint8_t *start, uint8_t *end, ptrdiff_t alias)
{
    PopulateArea *a = &pop.area[which];

    g_mutex_lock(&pop.lock);
    a->start = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)start, 4096);
    a->end = end;
    a->alias = alias;
    a->want = a->done = a->asked = a->start;
    g_mutex_unlock(&pop.lock);
}

void jit_populate_ahead(int which, const uint8_t *ptr)
{
    PopulateArea *a = &pop.area[which];

    if (!a->start || ptr + POPULATE_AHEAD / 2 <= a->asked ||
        !__atomic_load_n(&pop.works, __ATOMIC_RELAXED)) {
        return;
    }
    uint8_t *want = (uint8_t *)QEMU_ALIGN_DOWN((uintptr_t)ptr, 4096) + POPULATE_AHEAD;
    want = MIN(want, a->end);
    if (want <= a->asked) {
        return;
    }
    a->asked = want;
    g_mutex_lock(&pop.lock);
    a->want = want;
    if (!pop.thread) {
        pop.thread = g_thread_new("jit-populate", populate_thread, NULL);
    }
    g_cond_signal(&pop.wake);
    g_mutex_unlock(&pop.lock);
}

void jit_populate_restart(int which, const uint8_t *ptr)
{
    PopulateArea *a = &pop.area[which];

    g_mutex_lock(&pop.lock);
    pop.generation++;       /* a step in flight no longer counts */
    a->done = a->want = a->asked =
        (uint8_t *)MAX((uintptr_t)a->start, QEMU_ALIGN_DOWN((uintptr_t)ptr, 4096));
    g_mutex_unlock(&pop.lock);
}

bool jit_populate_idle(void)
{
    bool idle = true;

    g_mutex_lock(&pop.lock);
    for (int i = 0; i < JIT_POPULATE_AREAS; i++) {
        idle &= pop.area[i].done >= pop.area[i].want;
    }
    g_mutex_unlock(&pop.lock);
    return idle;
}
