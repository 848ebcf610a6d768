/* System instructions: SGDT/SIDT/SLDT/STR, LLDT and LDT-relative selectors, LAR/LSL/
 * VERR/VERW, ARPL, SMSW/LMSW, CLTS, MOV to/from CR and DR, CPUID, RDTSC, RDMSR/WRMSR,
 * 16-bit protected-mode code, far JMP/CALL/RET through code segments, LxS. */
#include "lib.h"

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint32_t base;
};

static unsigned long long ldt_table[4] __attribute__((aligned(8)));

extern char pm16_code[];
__asm__(
    "    .text\n"
    "    .code16\n"
    "    .globl pm16_code\n"
    "pm16_code:\n"
    "    movw $0x1234, %ax\n"
    "    addw %ax, %ax\n"          /* 16-bit operand size by default */
    "    movl $0x11112222, %ebx\n" /* 66-prefixed in 16-bit code */
    "    lretl\n"                  /* back to the 32-bit caller */
    "    .code32\n");

int main(void)
{
    struct dtr g, i;
    uint32_t v, a, b, c, d, f;
    uint16_t sel;

    __asm__ volatile("sgdt %0; sidt %1" : "=m"(g), "=m"(i));
    check("sgdt base", g.base, (uint32_t)gdt);
    check("sgdt limit", g.limit, 12 * 8 - 1);
    check("sidt limit", i.limit, 256 * 8 - 1);

    /* An LDT with one data segment (base 0x1000), selector 0x04 | TI. */
    ldt_table[0] = 0;
    ldt_table[1] = ((unsigned long long)0x00cf9200 << 32) | 0x1000ffff;
    set_gdt_entry(8, (uint32_t)ldt_table, sizeof(ldt_table) - 1, 0x00008200);
    __asm__ volatile("lldt %w0" : : "r"(0x40));
    __asm__ volatile("sldt %0" : "=r"(v));
    check("sldt", v & 0xffff, 0x40);
    *(volatile uint32_t *)0x1010 = 0xfeedf00d;
    __asm__ volatile("movw $0x0c, %%ax; movw %%ax, %%fs; movl %%fs:0x10, %0;"
                     "movw $0x10, %%ax; movw %%ax, %%fs" : "=r"(v) : : "eax");
    check("ldt segment access", v, 0xfeedf00d);

    /* LAR / LSL / VERR / VERW */
    __asm__ volatile("larl %2, %0; pushfl; popl %1" : "=r"(v), "=r"(f) : "r"(0x08) : "cc");
    /* (The accessed bit is left out: hardware sets it when CS was loaded, QEMU, the
     * oracle, does not.) */
    check("lar code", v & 0x00f0fe00, 0x00cf9a00 & 0x00f0fe00);
    check("lar zf", f & F_ZF, F_ZF);
    __asm__ volatile("lsll %2, %0; pushfl; popl %1" : "=r"(v), "=r"(f) : "r"(0x10) : "cc");
    check("lsl", v, 0xffffffff);
    __asm__ volatile("movl $5, %0; lsll %2, %0; pushfl; popl %1" : "=&r"(v), "=r"(f)
                     : "r"(0x1234) : "cc");
    check("lsl bad selector zf", f & F_ZF, 0);
    check("lsl bad selector keeps dest", v, 5);
    __asm__ volatile("verr %w1; pushfl; popl %0" : "=r"(f) : "r"(0x08) : "cc");
    check("verr code readable", f & F_ZF, F_ZF);
    __asm__ volatile("verw %w1; pushfl; popl %0" : "=r"(f) : "r"(0x08) : "cc");
    check("verw code not writable", f & F_ZF, 0);
    __asm__ volatile("verw %w1; pushfl; popl %0" : "=r"(f) : "r"(0x10) : "cc");
    check("verw data", f & F_ZF, F_ZF);
    sel = 0x0010;
    __asm__ volatile("arpl %w2, %0; pushfl; popl %1" : "+m"(sel), "=r"(f) : "r"(0x3) : "cc");
    check("arpl raises rpl", sel, 0x13);
    check("arpl zf", f & F_ZF, F_ZF);

    /* SMSW / LMSW / CLTS / CR and DR moves */
    __asm__ volatile("smsw %0" : "=r"(v));
    check("smsw pe", v & 1, 1);
    __asm__ volatile("smsw %%ax; orw $8, %%ax; lmsw %%ax; movl %%cr0, %0" : "=r"(v) : : "eax");
    check("lmsw sets ts", v & 8, 8);
    __asm__ volatile("clts; movl %%cr0, %0" : "=r"(v));
    check("clts", v & 8, 0);
    __asm__ volatile("movl %%cr0, %%eax; andl $~1, %%eax; lmsw %%ax; movl %%cr0, %0"
                     : "=r"(v) : : "eax");
    check("lmsw cannot clear pe", v & 1, 1);
    __asm__ volatile("movl %1, %%dr0; movl %%dr0, %0" : "=r"(v) : "r"(0x12345678));
    check("dr0", v, 0x12345678);
    __asm__ volatile("movl %%dr7, %0" : "=r"(v));
    check("dr7 reset", v, 0x400);

    /* CPUID / RDTSC / MSRs */
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0));
    check("cpuid vendor", b, 0x756e6547);
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
    check("cpuid fpu tsc cx8 cmov", d & 0x8111, 0x8111);
    uint32_t t0, t1, h;
    __asm__ volatile("rdtsc" : "=a"(t0), "=d"(h));
    for (volatile int k = 0; k < 1000; k++) {
    }
    __asm__ volatile("rdtsc" : "=a"(t1), "=d"(h));
    check("rdtsc advances", t1 != t0, 1);
    __asm__ volatile("wrmsr" : : "c"(0x175), "a"(0xcafe0000), "d"(0));
    __asm__ volatile("rdmsr" : "=a"(a), "=d"(d) : "c"(0x175));
    check("sysenter_esp msr", a, 0xcafe0000);
    __asm__ volatile("wbinvd; invd");

    /* 16-bit protected-mode code through a far call; LxS loads. */
    set_gdt_entry(9, 0, 0xfffff, 0x00809a00);        /* 0x48: 16-bit code, 4 KiB gran */
    __asm__ volatile("pushl $0x48; pushl $pm16_code; movl %%esp, %%ecx;"
                     "lcall *(%%ecx); addl $8, %%esp"
                     : "=a"(a), "=b"(b) : : "ecx", "memory");
    check("16-bit pm add", a & 0xffff, 0x2468);
    check("16-bit pm 32-bit operand", b, 0x11112222);
    static struct __attribute__((packed)) { uint32_t off; uint16_t sel; } fp = { 0xabc, 0x10 };
    __asm__ volatile("lfs %2, %0; movw %%fs, %%cx; movl %%ecx, %%ebx"
                     : "=r"(v), "=b"(b) : "m"(fp) : "ecx");
    check("lfs offset", v, 0xabc);
    check("lfs selector", b & 0xffff, 0x10);
    __asm__ volatile("lldt %w0" : : "r"(0));
    return done();
}
