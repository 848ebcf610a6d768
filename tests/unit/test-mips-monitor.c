/*
 * target-mips/monitor.c: `info tlb` lists every joint-TLB entry with its VPN2, ASID
 * or global, page size, and per half the virtual range, physical address (PFN
 * bits below the page size dropped), C, D and V, exactly.
 */
#include <criterion/criterion.h>
#include "../../target-mips/cpu.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

#define LO(pa, flags) ((((uint32_t)(pa) >> 12) << ENTRYLO_PFN_SHIFT) | (flags))

static CPUMIPSState *env;

static void cpu_setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };
    const CPUClass *cc;

    cr_assert(tcg_exec_init(&cfg, &err));
    cc = cpu_class_by_name("mips", "24Kc");
    cr_assert_not_null(cc);
    env = mips_env(cpu_create(cc, &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
    cr_assert_not_null(env->cs.cc->dump_tlb, "the MIPS CPU class has no dump_tlb");
}

static char **dump_lines(void)
{
    g_autofree char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    cr_assert_not_null(f);
    env->cs.cc->dump_tlb(&env->cs, f);
    fclose(f);
    return g_strsplit(text, "\n", -1);
}

Test(mips_monitor, entries, .init = cpu_setup)
{
    g_auto(GStrv) lines = NULL;

    env->CP0_EntryHi = 0x00400000u | 0x25;
    env->CP0_Wired = 2;
    env->tlb[0] = (MIPSTLBEntry) {
        .vpn2 = 0x00400000u, .asid = 0x25,
        .lo = { LO(0x01234000, ENTRYLO_V | ENTRYLO_D | (3 << ENTRYLO_C_SHIFT)),
                LO(0x05678000, ENTRYLO_V | (2 << ENTRYLO_C_SHIFT)) },
    };
    /* 1 MiB pages (PageMask 0x001fe000), global; PFN low bits dropped in the output. */
    env->tlb[1] = (MIPSTLBEntry) {
        .vpn2 = 0x20000000u, .pagemask = 0x001fe000u, .g = 1,
        .lo = { LO(0x00834000, ENTRYLO_V), 0 },
    };
    /* 16 MiB pages. */
    env->tlb[15] = (MIPSTLBEntry) {
        .vpn2 = 0x42000000u, .pagemask = 0x01ffe000u, .asid = 7,
        .lo = { 0, LO(0x03000000, ENTRYLO_V | ENTRYLO_D) },
    };
    lines = dump_lines();
    cr_assert_eq(g_strv_length(lines), 2 + 16 + 1, "header, 16 entries, final newline");
    cr_assert_str_eq(lines[0], "EntryHi.ASID 0x25  Wired 2  PageMask 0x00000000");
    cr_assert_str_eq(lines[2], "  0 00400000 0x25     4K"
                     "  00400000-00400fff -> 01234000 C3 DV"
                     "  00401000-00401fff -> 05678000 C2 -V");
    cr_assert_str_eq(lines[3], "  1 20000000 global   1M"
                     "  20000000-200fffff -> 00800000 C0 -V"
                     "  20100000-201fffff -> 00000000 C0 --");
    cr_assert_str_eq(lines[17], " 15 42000000 0x07    16M"
                     "  42000000-42ffffff -> 00000000 C0 --"
                     "  43000000-43ffffff -> 03000000 C0 DV");
    cr_assert_str_eq(lines[18], "");
}
