/*
 * Shared between softmmu/memory.c (layout) and softmmu/physmem.c (accesses).
 */
#ifndef SOFTMMU_MEMORY_INTERNAL_H
#define SOFTMMU_MEMORY_INTERNAL_H

#include "exec/memory.h"
#include "exec/cputlb.h"

/* RAM blocks are host-page aligned in host memory and in the ram_addr space. */
#define TARGET_PAGE_SIZE_HOST 4096

#endif
