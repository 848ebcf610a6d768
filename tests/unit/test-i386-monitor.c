/*
 * target-i386/monitor.c: `info tlb` walks the guest's page tables from CR3, for
 * 32-bit paging (4 KiB pages through tables, 4 MiB PSE pages) and PAE paging
 * (2 MiB pages, 4 KiB pages, XD), printing one exact line per present leaf with the
 * effective U/W rights, and without setting accessed bits.
 */
#include <criterion/criterion.h>
#include "../../target-i386/internal.h"
#include "exec/exec-all.h"
#include "exec/memory.h"

static CPUX86State *env;
static MemoryRegion ram;

static void put32(uint32_t pa, uint32_t v)
{
    address_space_write(&address_space_memory, pa, &v, 4);
}

static void put64(uint32_t pa, uint64_t v)
{
    address_space_write(&address_space_memory, pa, &v, 8);
}

static uint32_t get32(uint32_t pa)
{
    uint32_t v = 0;

    address_space_read(&address_space_memory, pa, &v, 4);
    return v;
}

static char *dump(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    cr_assert_not_null(f);
    env->cs.cc->dump_tlb(&env->cs, f);
    fclose(f);
    return text;
}

static void setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };

    cr_assert(tcg_exec_init(&cfg, &err));
    cr_assert(memory_region_init_ram(&ram, "ram", 4 << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    env = x86_env(cpu_create(cpu_class_by_name("i386", NULL), &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
    cr_assert_not_null(env->cs.cc->dump_tlb, "the i386 CPU class has no dump_tlb");
}

Test(i386_monitor, paging_off, .init = setup)
{
    g_autofree char *text = dump();

    cr_assert_str_eq(text, "PG disabled\n");
}

#define PD 0x10000u
#define PT 0x11000u

Test(i386_monitor, paging_32bit, .init = setup)
{
    g_autofree char *text = NULL;

    /* PDE 0 -> PT (user, writable); PDE 1: a 4 MiB page (global, accessed, dirty);
     * PDE 3: supervisor table whose PTE says user: the effective rights drop U. */
    put32(PD + 0, PT | PG_P | PG_RW | PG_US);
    put32(PD + 4, 0x00c00000 | PG_P | PG_PS | PG_G | PG_A | PG_D | PG_RW);
    put32(PD + 12, (PT + 0x1000) | PG_P | PG_RW);
    put32(PT + 4 * 1, 0x20000 | PG_P | PG_RW | PG_US | PG_A);
    put32(PT + 4 * 2, 0x21000 | PG_P | PG_PCD | PG_PWT);
    put32(PT + 4 * 3, 0x22000 | PG_US);                       /* not present */
    put32(PT + 0x1000 + 4 * 5, 0x23000 | PG_P | PG_US | PG_RW | PG_D);
    env->cr[3] = PD;
    env->cr[4] = CR4_PSE;
    env->cr[0] = CR0_PE | CR0_PG | CR0_ET;
    text = dump();
    cr_assert_str_eq(text,
                     "00001000: 00020000 ----A--UW\n"
                     "00002000: 00021000 -----CT--\n"
                     "00400000: 00c00000 -GPDA---W\n"
                     "00c05000: 00023000 ---D----W\n");
    /* Looking does not touch: no accessed bit was set on the way. */
    cr_assert_eq(get32(PD) & PG_A, 0);
    cr_assert_eq(get32(PT + 8) & PG_A, 0);

    /* Without CR4.PSE the PS bit means nothing: PDE 1 names a table at 0x00c00000,
     * which is outside RAM, so nothing of it is listed. */
    env->cr[4] = 0;
    free(text);
    text = dump();
    cr_assert_str_eq(text,
                     "00001000: 00020000 ----A--UW\n"
                     "00002000: 00021000 -----CT--\n"
                     "00c05000: 00023000 ---D----W\n");
}

#define PDPT 0x30000u
#define PD0 0x31000u
#define PD1 0x32000u
#define PTE 0x33000u

Test(i386_monitor, paging_pae, .init = setup)
{
    g_autofree char *text = NULL;

    put64(PDPT + 0, PD0 | PG_P);
    put64(PDPT + 8 * 3, PD1 | PG_P);
    put64(PD0 + 8 * 0, 0x00200000ull | PG_P | PG_RW | PG_PS | PG_A);   /* 2 MiB */
    put64(PD0 + 8 * 4, PTE | PG_P | PG_RW | PG_US);
    put64(PTE + 8 * 0, 0x40000ull | PG_P | PG_RW | PG_US | PG_D | PG_A);
    put64(PTE + 8 * 7, 0x123456000ull | PG_P | (1ull << 63));       /* above 4 GiB, XD */
    put64(PD1 + 8 * 511, 0x00400000ull | PG_P | PG_PS | PG_G | (1ull << 63));
    env->cr[3] = PDPT;
    env->cr[4] = CR4_PAE;
    env->cr[0] = CR0_PE | CR0_PG | CR0_ET;
    text = dump();
    cr_assert_str_eq(text,
                     "00000000: 00200000 --P-A---W\n"
                     "00800000: 00040000 ---DA--UW\n"
                     "00807000: 123456000 X--------\n"
                     "ffe00000: 00400000 XGP------\n");
}
