/* String instructions: MOVS/CMPS/SCAS/LODS/STOS/INS/OUTS with REP/REPE/REPNE, the
 * direction flag, segment overrides, ECX = 0, 16-bit addressing (Intel SDM Vol. 2). */
#include "lib.h"

static uint8_t src[256], dst[256];

static void fill(void)
{
    for (int i = 0; i < 256; i++) {
        src[i] = (uint8_t)(i * 7 + 1);
        dst[i] = 0;
    }
}

int main(void)
{
    uint32_t si, di, cx, a, f;

    fill();
    si = (uint32_t)src;
    di = (uint32_t)dst;
    cx = 100;
    __asm__ volatile("cld; rep movsb" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
    check("rep movsb ecx", cx, 0);
    check("rep movsb esi", si, (uint32_t)src + 100);
    check("rep movsb data", dst[99], src[99]);
    check("rep movsb stops", dst[100], 0);

    fill();
    si = (uint32_t)(src + 12);
    di = (uint32_t)(dst + 12);
    cx = 3;
    __asm__ volatile("std; rep movsl; cld" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
    check("std movsl esi", si, (uint32_t)src);
    check("std movsl data", *(uint32_t *)(dst + 4), *(uint32_t *)(src + 4));
    check("std movsl first untouched", *(uint32_t *)dst, 0);

    cx = 0;
    di = (uint32_t)dst;
    __asm__ volatile("rep stosb" : "+D"(di), "+c"(cx) : "a"(0x55) : "memory");
    check("rep ecx=0 no-op", di, (uint32_t)dst);

    di = (uint32_t)dst;
    cx = 16;
    __asm__ volatile("rep stosw" : "+D"(di), "+c"(cx) : "a"(0xbeef) : "memory");
    check("rep stosw", *(uint16_t *)(dst + 30), 0xbeef);
    check("rep stosw edi", di, (uint32_t)dst + 32);

    fill();
    for (int i = 0; i < 256; i++) {
        dst[i] = src[i];
    }
    dst[40] ^= 1;
    si = (uint32_t)src;
    di = (uint32_t)dst;
    cx = 100;
    __asm__ volatile("repe cmpsb; pushfl; popl %3" : "+S"(si), "+D"(di), "+c"(cx), "=r"(f)
                     : : "memory", "cc");
    check("repe cmpsb stops after mismatch", si, (uint32_t)src + 41);
    check("repe cmpsb ecx", cx, 59);
    check("repe cmpsb zf", f & F_ZF, 0);

    di = (uint32_t)src;
    cx = 256;
    __asm__ volatile("repne scasb; pushfl; popl %2" : "+D"(di), "+c"(cx), "=r"(f)
                     : "a"(src[77]) : "memory", "cc");
    check("repne scasb found", di, (uint32_t)src + 78);
    check("repne scasb zf", f & F_ZF, F_ZF);

    si = (uint32_t)src;
    __asm__ volatile("lodsl" : "+S"(si), "=a"(a) : : "memory");
    check("lodsl", a, *(uint32_t *)src);
    check("lodsl esi", si, (uint32_t)src + 4);

    /* Segment override on the source: FS with base = src - 0x10. */
    set_gdt_entry(8, (uint32_t)src - 0x10, 0xfffff, 0x00c09200);
    __asm__ volatile("movw $0x40, %%ax; movw %%ax, %%fs" : : : "eax");
    si = 0x10 + 5;
    __asm__ volatile("fs lodsb" : "+S"(si), "=a"(a) : "a"(0) : "memory");
    check("fs: lodsb", a & 0xff, src[5]);
    __asm__ volatile("movw $0x10, %%ax; movw %%ax, %%fs" : : : "eax");

    /* 16-bit addressing: SI wraps at 64 KiB, the high half of ESI is kept. */
    set_gdt_entry(8, (uint32_t)src - 0xfffe, 0xfffff, 0x00c09200);
    __asm__ volatile("movw $0x40, %%ax; movw %%ax, %%fs" : : : "eax");
    si = 0x1234fffe;
    __asm__ volatile("fs addr16 lodsw; fs addr16 lodsb" : "+S"(si), "=a"(a) : "a"(0)
                     : "memory");
    check("addr16 lodsw wraps si", si, 0x12340001);
    __asm__ volatile("movw $0x10, %%ax; movw %%ax, %%fs" : : : "eax");

    /* OUTS/INS through the debug port 0x80 (no device: INS reads what the bus gives). */
    si = (uint32_t)src;
    cx = 4;
    __asm__ volatile("rep outsb" : "+S"(si), "+c"(cx) : "d"(0x80) : "memory");
    check("rep outsb esi", si, (uint32_t)src + 4);
    di = (uint32_t)dst;
    cx = 2;
    __asm__ volatile("rep insb" : "+D"(di), "+c"(cx) : "d"(0x3f8 + 7) : "memory");
    check("rep insb edi", di, (uint32_t)dst + 2);
    return done();
}
