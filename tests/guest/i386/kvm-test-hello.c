/*
 * Real mode -> unpaged 32-bit protected mode: the start code printed "R" from
 * real mode; here protected mode is checked (CR0.PE, flat segments) and a few
 * instructions' results are compared with values worked out by hand; CPUID is
 * printed (the test runner compares the output of every accelerator).
 */
#include "kvm-lib.h"

static volatile uint32_t data_word = 0x12345678;
static uint32_t bss_word;

int main(void)
{
    uint32_t cr0, cs, ds, flags;
    uint32_t a = 0xfffffff0u, b = 0x20;

    printf_uart("\nhello from protected mode\n");
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    __asm__ volatile("mov %%ds, %0" : "=r"(ds));
    CHECK_EQ("CR0.PE set, PG clear", cr0 & 0x80000001u, 1);
    CHECK_EQ("CS selector", cs & 0xffff, 0x08);
    CHECK_EQ("DS selector", ds & 0xffff, 0x10);
    CHECK_EQ(".data copied", data_word, 0x12345678);
    CHECK_EQ(".bss zeroed", bss_word, 0);
    /* 0xfffffff0 + 0x20 = 0x10 with carry out. */
    __asm__ volatile("addl %2, %0; pushfl; popl %1" : "+r"(a), "=r"(flags) : "r"(b));
    CHECK_EQ("add result", a, 0x10);
    CHECK_EQ("add carry", flags & 1, 1);
    CHECK_EQ("imul", (uint32_t)(-7 * 6), 0xffffffd6u);
    CHECK_EQ("div", 1000000007u / 13u, 76923077u);
    /* The same processor under every accelerator: KVM's CPUID is filtered to
     * the model the translator implements. (Only vendor, maximum leaf and
     * signature are compared: this host's page-table based KVM reports the host's
     * feature flags in leaf 1 ECX/EDX whatever KVM_SET_CPUID2 says, as it does
     * for QEMU.) */
    {
        uint32_t a = 0, b, c, d;
        char vendor[13];

        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
        __builtin_memcpy(vendor, &b, 4);
        __builtin_memcpy(vendor + 4, &d, 4);
        __builtin_memcpy(vendor + 8, &c, 4);
        vendor[12] = 0;
        printf_uart("cpuid: max leaf %u, vendor %s\n", a, vendor);
        a = 1;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
        printf_uart("cpuid 1: signature %08x\n", a);
    }
    data_word = 0xcafe;
    CHECK_EQ("RAM store/load", data_word, 0xcafe);
    if (test_failures == 0) {
        printf_uart("ALL PASSED\n");
    }
    return test_failures;
}
