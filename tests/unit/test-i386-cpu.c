/*
 * target-i386/cpu.c: reset state, mode flags (hflags), flat segment loads for the
 * board's loaders, EFLAGS materialization, and the vmstate round trip.
 */
#include <criterion/criterion.h>
#include "../../target-i386/internal.h"
#include "exec/exec-all.h"
#include "exec/memory.h"
#include "migration/vmstate.h"

static CPUX86State *env;

static void setup(void)
{
    GError *err = NULL;
    TCGConfig cfg = { .tb_size_mb = 4, .use_interp = false };

    cr_assert(tcg_exec_init(&cfg, &err));
    env = x86_env(cpu_create(cpu_class_by_name("i386", NULL), &address_space_memory));
    cr_assert_not_null(env);
    cpu_reset(&env->cs);
}

Test(i386_cpu, reset_state, .init = setup)
{
    cr_assert_eq(env->eip, 0xfff0);
    cr_assert_eq(env->segs[R_CS].selector, 0xf000);
    cr_assert_eq(env->segs[R_CS].base, 0xffff0000u);
    cr_assert_eq(env->cr[0], 0x60000010u);
    cr_assert_eq(x86_cpu_get_eflags(env), 0x2);
    cr_assert_eq(env->regs[R_EDX] >> 8 & 0xf, 6, "family 6 signature in EDX");
    cr_assert_eq(env->hflags & (HF_PE_MASK | HF_CS32_MASK | HF_CPL_MASK), 0);
    cr_assert_eq(env->fpuc, 0x37f);
    cr_assert_eq(env->cs.cc->get_pc(&env->cs), 0xfffffff0u);
}

Test(i386_cpu, flat32_and_hflags, .init = setup)
{
    env->cr[0] |= CR0_PE;
    x86_cpu_load_seg_flat32(env, R_CS, 0x10, true);
    x86_cpu_load_seg_flat32(env, R_DS, 0x18, false);
    x86_cpu_load_seg_flat32(env, R_ES, 0x18, false);
    x86_cpu_load_seg_flat32(env, R_SS, 0x18, false);
    cr_assert(env->hflags & HF_PE_MASK);
    cr_assert(env->hflags & HF_CS32_MASK);
    cr_assert(env->hflags & HF_SS32_MASK);
    cr_assert_eq(env->hflags & HF_CPL_MASK, 0);
    cr_assert_not(env->hflags & HF_ADDSEG_MASK);
    cr_assert_eq(env->segs[R_CS].limit, 0xffffffffu);
    cr_assert(env->segs[R_CS].flags & DESC_CS_MASK);
    /* A non-zero data segment base makes translated code add bases. */
    x86_cpu_set_seg(env, R_DS, 0x20, 0x1000, 0xffff, env->segs[R_DS].flags);
    cr_assert(env->hflags & HF_ADDSEG_MASK);
    /* Ring 3 from CS.RPL, V86 from EFLAGS.VM. */
    x86_cpu_load_seg_flat32(env, R_CS, 0x1b, true);
    cr_assert_eq(env->hflags & HF_CPL_MASK, 3);
    x86_cpu_set_eflags(env, VM_MASK | IF_MASK | (3u << IOPL_SHIFT));
    cr_assert(env->hflags & HF_VM_MASK);
    cr_assert_eq((env->hflags & HF_IOPL_MASK) >> HF_IOPL_SHIFT, 3);
}

Test(i386_cpu, vmstate_roundtrip, .init = setup)
{
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    CPUX86State copy;

    env->regs[R_EBX] = 0xdeadbeef;
    env->eip = 0x1234;
    x86_cpu_set_eflags(env, 0x246 | DF_MASK);
    env->cr[3] = 0x5000;
    env->segs[R_FS].base = 0xabc000;
    env->fpuc = 0x27f;
    env->fpregs[3].mant = 0x8000000000000001ull;
    env->sysenter_eip = 0xc0001000u;
    vmstate_save(&vmstate_x86_cpu, env, buf);
    memcpy(&copy, env, sizeof(copy));
    cpu_reset(&env->cs);
    cr_assert_neq(env->regs[R_EBX], 0xdeadbeef);
    cr_assert_eq(vmstate_load(&vmstate_x86_cpu, env, buf->data, buf->len, NULL, &err), 0);
    cr_assert_eq(env->regs[R_EBX], 0xdeadbeef);
    cr_assert_eq(env->eip, 0x1234);
    cr_assert_eq(x86_cpu_get_eflags(env), 0x246 | DF_MASK);
    cr_assert_eq(env->cr[3], 0x5000);
    cr_assert_eq(env->segs[R_FS].base, 0xabc000);
    cr_assert_eq(env->fpuc, 0x27f);
    cr_assert_eq(env->fpregs[3].mant, 0x8000000000000001ull);
    cr_assert_eq(env->sysenter_eip, 0xc0001000u);
    cr_assert_eq(env->hflags, copy.hflags);
    g_byte_array_free(buf, true);
}

Test(i386_cpu, cpuid_matches_implementation, .init = setup)
{
    uint32_t a, b, c, d;

    x86_cpuid_query(env, 0, 0, &a, &b, &c, &d);
    cr_assert_eq(a, 1);
    x86_cpuid_query(env, 1, 0, &a, &b, &c, &d);
    /* FPU, PSE, TSC, MSR, PAE, CX8, SEP, PGE, CMOV, CLFSH, MMX, FXSR, SSE, SSE2; and
     * nothing not implemented: no APIC, VME, SSE3 (in ECX only the hypervisor bit). */
    cr_assert_eq(d, (1u << 0) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 8) |
                    (1u << 11) |
                    (1u << 13) | (1u << 15) | (1u << 19) | (1u << 23) | (1u << 24) |
                    (1u << 25) | (1u << 26));
    cr_assert_eq(c, 1u << 31, "hypervisor present, nothing else");
    /* The hypervisor leaf: its own number as the highest one, and the signature. */
    x86_cpuid_query(env, 0x40000000, 0, &a, &b, &c, &d);
    cr_assert_eq(a, 0x40000000);
    char sig[13] = { 0 };
    memcpy(sig, &b, 4);
    memcpy(sig + 4, &c, 4);
    memcpy(sig + 8, &d, 4);
    cr_assert_str_eq(sig, "mimic-mimic");
}

static MemoryRegion ram;

Test(i386_cpu, exec_one_insn, .init = setup)
{
    GError *err = NULL;
    /* mov $0x1234, %eax; mov $0x5678, %ebx */
    static const uint8_t code[] = { 0xb8, 0x34, 0x12, 0x00, 0x00, 0xbb, 0x78, 0x56, 0, 0 };

    cr_assert(memory_region_init_ram(&ram, "ram", 1 << 20, &err));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    address_space_write(&address_space_memory, 0x1000, code, sizeof(code));
    env->cr[0] |= CR0_PE;
    x86_cpu_load_seg_flat32(env, R_CS, 0x08, true);
    x86_cpu_load_seg_flat32(env, R_DS, 0x10, false);
    x86_cpu_load_seg_flat32(env, R_SS, 0x10, false);
    env->eip = 0x1000;
    env->regs[R_EBX] = 0;
    cr_assert_eq(x86_cpu_exec_one_insn(&env->cs), EXCP_NONE);
    cr_assert_eq(env->regs[R_EAX], 0x1234);
    cr_assert_eq(env->eip, 0x1005);
    cr_assert_eq(env->regs[R_EBX], 0, "exactly one insn ran");
    cr_assert_eq(x86_cpu_exec_one_insn(&env->cs), EXCP_NONE);
    cr_assert_eq(env->regs[R_EBX], 0x5678);
    cr_assert_eq(env->eip, 0x100a);
}

/* Data-segment check classes in hflags (ES/CS/SS/DS) and seg_class (all six), #AC. */
Test(i386_cpu, segment_check_classes, .init = setup)
{
    uint32_t rw = DESC_P_MASK | DESC_S_MASK | DESC_RW_MASK | DESC_B_MASK;

    /* Real mode after reset: 64 KiB limits are checked. */
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_DS), X86_SEGCLS_LIMIT);
    cr_assert_eq(env->seg_class[R_FS], X86_SEGCLS_LIMIT);
    env->cr[0] |= CR0_PE;
    x86_cpu_load_seg_flat32(env, R_CS, 0x10, true);
    x86_cpu_load_seg_flat32(env, R_DS, 0x18, false);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_DS), X86_SEGCLS_FLAT);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_CS), X86_SEGCLS_RO, "code: never writable");
    x86_cpu_set_seg(env, R_ES, 0x20, 0x1000, 0xffff, rw);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_ES), X86_SEGCLS_LIMIT);
    x86_cpu_set_seg(env, R_ES, 0x20, 0, 0xffffffffu, rw & ~DESC_RW_MASK);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_ES), X86_SEGCLS_RO);
    x86_cpu_set_seg(env, R_SS, 0x20, 0, 0xfff, rw | DESC_E_MASK);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_SS), X86_SEGCLS_SLOW, "expand-down");
    /* At CPL 0 FS is in the TB flags, GS only in seg_class; a null selector is
     * unusable. */
    x86_cpu_set_seg(env, R_FS, 0, 0, 0, 0);
    cr_assert_eq(env->seg_class[R_FS], X86_SEGCLS_SLOW);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_FS), X86_SEGCLS_SLOW);
    x86_cpu_set_seg(env, R_GS, 0, 0, 0, 0);
    cr_assert_eq(env->seg_class[R_GS], X86_SEGCLS_SLOW);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_GS), 0);
    x86_cpu_set_seg(env, R_GS, 0x33, 0x5000, 0xffffffffu, rw);
    cr_assert_eq(env->seg_class[R_GS], X86_SEGCLS_FLAT, "TLS-style GS with a base");
    /* #AC checking only at CPL 3 with CR0.AM and EFLAGS.AC. */
    env->cr[0] |= CR0_AM;
    x86_cpu_set_eflags(env, AC_MASK | 2);
    cr_assert_not(env->hflags & HF_AC_MASK, "CPL 0");
    x86_cpu_load_seg_flat32(env, R_CS, 0x1b, true);
    cr_assert(env->hflags & HF_AC_MASK);
    /* At CPL 3 it is the other way round. */
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_FS), 0);
    x86_cpu_set_seg(env, R_GS, 0, 0, 0, 0);
    cr_assert_eq(HF_SEG_CLASS(env->hflags, R_GS), X86_SEGCLS_SLOW);
    x86_cpu_set_eflags(env, 2);
    cr_assert_not(env->hflags & HF_AC_MASK);
}
