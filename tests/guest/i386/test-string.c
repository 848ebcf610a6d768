/* String instructions: MOVS/CMPS/SCAS/LODS/STOS/INS/OUTS with REP/REPE/REPNE, the
 * direction flag, segment overrides, ECX = 0, 16-bit addressing (Intel SDM Vol. 2). */
#include "lib.h"

static uint8_t src[256], dst[256];

static uint8_t big[3 * 4096 + 64], ref[3 * 4096 + 64];

/* What an element-by-element forward REP MOVS of n elements of size sz does. */
static void ref_movs(uint8_t *buf, uint32_t d, uint32_t s, uint32_t n, uint32_t sz)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t t[4];

        for (uint32_t k = 0; k < sz; k++) {
            t[k] = buf[s + i * sz + k];
        }
        for (uint32_t k = 0; k < sz; k++) {
            buf[d + i * sz + k] = t[k];
        }
    }
}

static void big_fill(void)
{
    for (uint32_t i = 0; i < sizeof(big); i++) {
        big[i] = ref[i] = (uint8_t)(i * 13 + (i >> 8));
    }
}

static int big_same(void)
{
    for (uint32_t i = 0; i < sizeof(big); i++) {
        if (big[i] != ref[i]) {
            return (int)i + 1;
        }
    }
    return 0;
}

/* Long REP STOS/MOVS: page-sized runs, overlaps, unaligned and page-crossing
 * elements, each against the element-by-element result. */
static void long_strings(void)
{
    static const struct { uint32_t d, s, n, sz; } mv[] = {
        { 1, 0, 300, 1 },           /* overlap by one byte: replicates big[0] */
        { 4, 0, 2000, 4 },          /* overlap by one element, across pages */
        { 2, 0, 1500, 4 },          /* overlap inside an element */
        { 0, 8, 3000, 4 },          /* destination below the source */
        { 4096 + 3, 17, 2048, 2 },  /* unaligned, page-crossing elements */
        { 100, 8192 + 5, 4000, 1 }, /* disjoint, three pages */
    };

    for (unsigned t = 0; t < sizeof(mv) / sizeof(mv[0]); t++) {
        uint32_t si = (uint32_t)big + mv[t].s, di = (uint32_t)big + mv[t].d, cx = mv[t].n;

        big_fill();
        ref_movs(ref, mv[t].d, mv[t].s, mv[t].n, mv[t].sz);
        if (mv[t].sz == 1) {
            __asm__ volatile("cld; rep movsb" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
        } else if (mv[t].sz == 2) {
            __asm__ volatile("cld; rep movsw" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
        } else {
            __asm__ volatile("cld; rep movsl" : "+S"(si), "+D"(di), "+c"(cx) : : "memory");
        }
        check("long rep movs data", big_same(), 0);
        check("long rep movs esi", si, (uint32_t)big + mv[t].s + mv[t].n * mv[t].sz);
        check("long rep movs edi", di, (uint32_t)big + mv[t].d + mv[t].n * mv[t].sz);
        check("long rep movs ecx", cx, 0);
    }

    /* STOSL of a non-repeating pattern from an odd address over two page ends. */
    uint32_t di = (uint32_t)big + 4093, cx = 2000;

    big_fill();
    for (uint32_t i = 0; i < 2000 * 4; i++) {
        ref[4093 + i] = (uint8_t)(0x12345678u >> (8 * (i & 3)));
    }
    __asm__ volatile("cld; rep stosl" : "+D"(di), "+c"(cx) : "a"(0x12345678) : "memory");
    check("long rep stosl data", big_same(), 0);
    check("long rep stosl edi", di, (uint32_t)big + 4093 + 2000 * 4);
    /* STOSW of a byte-repeating value and STOSB, page-aligned and long. */
    di = ((uint32_t)big + 4095) & ~4095u;
    cx = 2048 + 7;
    big_fill();
    for (uint32_t i = 0; i < (2048 + 7) * 2; i++) {
        ref[di - (uint32_t)big + i] = 0xa5;
    }
    __asm__ volatile("cld; rep stosw" : "+D"(di), "+c"(cx) : "a"(0xa5a5) : "memory");
    check("long rep stosw data", big_same(), 0);
    di = (uint32_t)big + 5;
    cx = 9000;
    big_fill();
    for (uint32_t i = 0; i < 9000; i++) {
        ref[5 + i] = 0x3c;
    }
    __asm__ volatile("cld; rep stosb" : "+D"(di), "+c"(cx) : "a"(0x3c) : "memory");
    check("long rep stosb data", big_same(), 0);
    check("long rep stosb ecx", cx, 0);
}

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
    long_strings();
    return done();
}
