/* SSE system behaviour: CR4.OSFXSR gating (#UD), CR0.TS (#NM), alignment of 128-bit
 * operands
 * (#GP), MXCSR flags, FXSAVE of XMM state
 * (Intel SDM Vol. 3, 13.1 and 13.4; Vol. 2 LDMXCSR, MOVAPS). Arithmetic is
 * checked against the hardware by difftest.c. */
#include "lib.h"

static float fa[8] __attribute__((aligned(16))) = { 1, 2, 3, 4, 5, 6, 7, 8 };
static float fr[4] __attribute__((aligned(16)));
static uint8_t fx[512] __attribute__((aligned(16)));

static uint32_t cr4(void)
{
    uint32_t v;
    __asm__ volatile("movl %%cr4, %0" : "=r"(v));
    return v;
}

static void set_cr4(uint32_t v)
{
    __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory");
}

static int __attribute__((noinline)) probe_xorps(void)
{
    return TRAP_PROBE("xorps %%xmm0, %%xmm0", : : : "memory");
}

/*
 * One call site, run with OSFXSR clear and then set: the caller's code has no SSE
 * insn, so one translation of it serves both values, but its direct jump into the
 * callee must not keep leading to the callee's OSFXSR = 0 translation (#UD).
 */
static int __attribute__((noinline)) probe_xorps_with_cr4(uint32_t v)
{
    set_cr4(v);
    return probe_xorps();
}

int main(int argc, char **argv)
{
    uint32_t mx, base = cr4();
    int v;

    set_cr4(base & ~0x600);
    v = TRAP_PROBE("xorps %%xmm0, %%xmm0", : : : "memory");
    check("#UD without OSFXSR", v, 6);
    set_cr4(base | 0x200);
    v = TRAP_PROBE("xorps %%xmm0, %%xmm0", : : : "memory");
    check("ok with OSFXSR", v, -1);
    for (int i = 0; i < 2; i++) {
        check("call site: #UD without OSFXSR", probe_xorps_with_cr4(base & ~0x600), 6);
        check("call site: ok with OSFXSR", probe_xorps_with_cr4(base | 0x200), -1);
    }

    __asm__ volatile("movaps %1, %%xmm0; addps %2, %%xmm0; movaps %%xmm0, %0"
                     : "=m"(fr) : "m"(fa[0]), "m"(fa[4]));
    check("addps lane 0", *(uint32_t *)&fr[0], 0x40c00000);   /* 6.0 */
    check("addps lane 3", *(uint32_t *)&fr[3], 0x41400000);   /* 12.0 */

    v = TRAP_PROBE("movaps (%0), %%xmm1", : : "r"((char *)fa + 4) : "memory");
    check("#GP misaligned movaps", v, 13);
    v = TRAP_PROBE("movups (%0), %%xmm1", : : "r"((char *)fa + 4) : "memory");
    check("movups unaligned ok", v, -1);

    /* LDMXCSR reserved bits (#GP) and unmasked SIMD exceptions (#XM) are checked
     * against the hardware by difftest.c (as SIGSEGV/SIGFPE): QEMU, the oracle for
     * these tests, models neither. */

    /* Divide by zero, masked: ZE flag set. */
    static const float one = 1.0f, zero = 0.0f;
    mx = 0x1f80;
    __asm__ volatile("ldmxcsr %1; movss %2, %%xmm0; divss %3, %%xmm0; stmxcsr %0"
                     : "=m"(mx) : "m"(mx), "m"(one), "m"(zero));
    check("masked ZE flag", mx & 0x3f, 0x04);
    /* SSE2: 128-bit integers and doubles. */
    static uint64_t qa[2] __attribute__((aligned(16))) = { 0xffffffffffffffffull, 5 };
    static uint64_t qr[2] __attribute__((aligned(16)));
    __asm__ volatile("movdqa %1, %%xmm2; paddq %1, %%xmm2; movdqa %%xmm2, %0"
                     : "=m"(qr) : "m"(qa));
    check64("paddq lane 0", qr[0], 0xfffffffffffffffeull);
    check64("paddq lane 1", qr[1], 10);
    static const double d3 = 3.0, d4 = 4.0;
    __asm__ volatile("movsd %1, %%xmm0; mulsd %%xmm0, %%xmm0; movsd %2, %%xmm1;"
                     "mulsd %%xmm1, %%xmm1; addsd %%xmm1, %%xmm0; sqrtsd %%xmm0, %%xmm0;"
                     "movsd %%xmm0, %0" : "=m"(qr[0]) : "m"(d3), "m"(d4));
    check64("sqrtsd 3-4-5", qr[0], 0x4014000000000000ull);
    v = TRAP_PROBE("movdqa (%0), %%xmm1", : : "r"((char *)qa + 8) : "memory");
    check("#GP misaligned movdqa", v, 13);
    v = TRAP_PROBE("movdqu (%0), %%xmm1", : : "r"((char *)qa + 8) : "memory");
    check("movdqu unaligned ok", v, -1);

    __asm__ volatile("movl %%cr0, %%eax; orl $8, %%eax; movl %%eax, %%cr0" : : : "eax");
    v = TRAP_PROBE("addps %%xmm0, %%xmm0", : : : "memory");
    check("#NM with TS", v, 7);
    __asm__ volatile("clts");

    __asm__ volatile("movaps %1, %%xmm5; fxsave %0" : "=m"(fx) : "m"(fa[4]));
    check("fxsave xmm5", *(uint32_t *)(fx + 160 + 5 * 16), 0x40a00000);
    check("fxsave mxcsr (sticky ZE)", *(uint32_t *)(fx + 24), 0x1f84);
    set_cr4(base);
    (void)argc;
    (void)argv;
    return done();
}
