/*
 * REP STOS and REP MOVS in bulk (Intel SDM Vol. 2, STOS/MOVS and the REP prefix).
 *
 * The translator calls these only where the per-element code would do no more than
 * store (and load) through flat segments: 32-bit addressing, ES (and the source
 * segment) flat in the TB flags, no alignment checking and no debug registers. The
 * helpers then work a page at a time: a plain RAM page gets one memset or copy on
 * the host, anything else (MMIO, a page holding translated code, an element that
 * straddles two pages, DF = 1) goes element by element through the softmmu C
 * accessors, which do the same checks as translated code. ECX, EDI and ESI in env
 * always describe the next element, so a fault leaves them exactly where the
 * per-element loop would (the insn restarts from the faulting element).
 *
 * Linux clears every new anonymous page with REP STOSL and copies pages on
 * copy-on-write with REP MOVSL; element by element those were a quarter of the
 * page-fault workload.
 */
#include "qemu/osdep.h"
#include "internal.h"

static void x86_st_elem(CPUX86State *env, uint32_t addr, uint32_t v, MemOp ot, int mmu,
                        uintptr_t ra)
{
    switch (ot) {
    case MO_8:
        cpu_stb_mmuidx_ra(&env->cs, addr, v, mmu, ra);
        break;
    case MO_16:
        cpu_stw_mmuidx_ra(&env->cs, addr, v, mmu, ra);
        break;
    default:
        cpu_stl_mmuidx_ra(&env->cs, addr, v, mmu, ra);
        break;
    }
}

static uint32_t x86_ld_elem(CPUX86State *env, uint32_t addr, MemOp ot, int mmu,
                            uintptr_t ra)
{
    switch (ot) {
    case MO_8:
        return cpu_ldub_mmuidx_ra(&env->cs, addr, mmu, ra);
    case MO_16:
        return cpu_lduw_mmuidx_ra(&env->cs, addr, mmu, ra);
    default:
        return cpu_ldl_mmuidx_ra(&env->cs, addr, mmu, ra);
    }
}

/* Elements of size 1 << ot from addr to the end of its page (0 if one straddles). */
static uint32_t x86_elems_in_page(uint32_t addr, MemOp ot)
{
    return (TARGET_PAGE_SIZE - (addr & ~TARGET_PAGE_MASK)) >> ot;
}

void helper_x86_rep_stos(CPUX86State *env, uint32_t ot, uint32_t mmu)
{
    uintptr_t ra = GETPC();
    uint32_t base = env->segs[R_ES].base;
    uint32_t size = 1u << ot;
    uint32_t v = env->regs[R_EAX];

    while (env->regs[R_ECX] != 0) {
        uint32_t addr = base + env->regs[R_EDI];
        uint32_t n = x86_elems_in_page(addr, ot);
        void *host = NULL;

        if (env->df > 0 && n > 0 && !(addr & (size - 1))) {
            n = MIN(n, env->regs[R_ECX]);
            host = probe_access(&env->cs, addr, n << ot, MMU_DATA_STORE, mmu, ra);
        }
        if (!host) {
            /* One element the exact way: MMIO, code page, straddling, DF = 1. */
            x86_st_elem(env, addr, v, ot, mmu, ra);
            env->regs[R_EDI] += env->df * (int32_t)size;
            env->regs[R_ECX]--;
            continue;
        }
        if (ot == MO_8 || v == 0 || (ot == MO_16 && (v & 0xff) == ((v >> 8) & 0xff)) ||
            (ot == MO_32 && v == (v & 0xff) * 0x01010101u)) {
            memset(host, v & 0xff, n << ot);
        } else if (ot == MO_16) {
            for (uint32_t i = 0; i < n; i++) {
                stw_le_p((uint8_t *)host + 2 * i, v);
            }
        } else {
            for (uint32_t i = 0; i < n; i++) {
                stl_le_p((uint8_t *)host + 4 * i, v);
            }
        }
        env->regs[R_EDI] += n << ot;
        env->regs[R_ECX] -= n;
    }
}

void helper_x86_rep_movs(CPUX86State *env, uint32_t ot, uint32_t mmu, uint32_t src_seg)
{
    uintptr_t ra = GETPC();
    uint32_t dbase = env->segs[R_ES].base, sbase = env->segs[src_seg].base;
    uint32_t size = 1u << ot;

    while (env->regs[R_ECX] != 0) {
        uint32_t src = sbase + env->regs[R_ESI], dst = dbase + env->regs[R_EDI];
        uint32_t n = MIN(x86_elems_in_page(src, ot), x86_elems_in_page(dst, ot));
        void *hs = NULL, *hd = NULL;

        if (env->df > 0 && n > 0 && !((src | dst) & (size - 1))) {
            n = MIN(n, env->regs[R_ECX]);
            /* Source first: a fault on it must come before the destination's. */
            hs = probe_access(&env->cs, src, n << ot, MMU_DATA_LOAD, mmu, ra);
            if (hs) {
                hd = probe_access(&env->cs, dst, n << ot, MMU_DATA_STORE, mmu, ra);
            }
        }
        if (!hs || !hd) {
            uint32_t v = x86_ld_elem(env, src, ot, mmu, ra);

            x86_st_elem(env, dst, v, ot, mmu, ra);
            env->regs[R_ESI] += env->df * (int32_t)size;
            env->regs[R_EDI] += env->df * (int32_t)size;
            env->regs[R_ECX]--;
            continue;
        }
        uint8_t *d = hd;
        const uint8_t *sp = hs;
        uint32_t len = n << ot;

        if (d >= sp + len || sp >= d + len || d <= sp) {
            /* Disjoint, or a forward copy never reads what it wrote. */
            memmove(d, sp, len);
        } else {
            /* Destination just above the source: the element-wise forward copy
             * replicates the start, as the hardware's does. */
            for (uint32_t i = 0; i < len; i += size) {
                uint32_t t;

                memcpy(&t, sp + i, size);
                memcpy(d + i, &t, size);
            }
        }
        env->regs[R_ESI] += len;
        env->regs[R_EDI] += len;
        env->regs[R_ECX] -= n;
    }
}
