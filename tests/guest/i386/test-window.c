/*
 * Paging off, a linear address is the physical one (masked by the A20 gate): the
 * emulator serves RAM from 1 MiB up through a direct window, the rest through its
 * TLB. These are plain PC semantics, so they hold on any PC: RAM just below 640K,
 * the VGA hole above it (not RAM) and an access straddling the two,
 * RAM at the end of memory (the window's last page is served differently) and
 * one that straddles into unassigned space, stores next to code, and the A20
 * gate: masked, 0x150000 is 0x50000 (the probe runs from low memory and keeps off
 * the stack while A20 is masked).
 * Run with -m 64: RAM ends at 0x04000000.
 */
#include "lib.h"

#define RAM_END 0x04000000u

static volatile uint32_t *w32(uint32_t a)
{
    return (volatile uint32_t *)a;
}

static volatile uint8_t *w8(uint32_t a)
{
    return (volatile uint8_t *)a;
}

static void check_ram(const char *what, uint32_t a)
{
    *w32(a) = 0xc0ffee00u ^ a;
    check(what, *w32(a), 0xc0ffee00u ^ a);
    *w8(a + 1) = 0x5a;
    check(what, *w32(a), ((0xc0ffee00u ^ a) & 0xffff00ffu) | 0x5a00u);
}

/* Masks A20 (keyboard controller and port 0x92), stores 0xa20ff000 at 0x150000 and
 * reads 0x50000 into ecx and 0x150004 into ebx, then opens A20 again and returns.
 * Copied below 1 MiB before it runs, so that its own fetches do not wrap. */
__asm__(".text\n"
        ".globl a20_probe_start, a20_probe_end\n"
        "a20_probe_start:\n"
        "    movb $0xd1, %al\n    outb %al, $0x64\n"
        "    movb $0xdd, %al\n    outb %al, $0x60\n"        /* output port: A20 off */
        "    inb $0x92, %al\n    andb $0xfd, %al\n    outb %al, $0x92\n"
        "    movl $0xa20ff000, 0x150000\n"
        "    movl 0x50000, %ecx\n"
        "    movl 0x150004, %ebx\n"
        "    movb $0xd1, %al\n    outb %al, $0x64\n"
        "    movb $0xdf, %al\n    outb %al, $0x60\n"        /* A20 on */
        "    inb $0x92, %al\n    orb $2, %al\n    outb %al, $0x92\n"
        "    ret\n"
        "a20_probe_end:\n");
extern char a20_probe_start[], a20_probe_end[];

#define PROBE_AT 0x60000u

static void check_a20(void)
{
    uint32_t lo, hi;

    *w32(0x50000) = 0;
    *w32(0x50004) = 0x12345678u;
    *w32(0x150000) = 0x5555u;
    *w32(0x150004) = 0x9999u;
    for (uint32_t i = 0; i < (uint32_t)(a20_probe_end - a20_probe_start); i++) {
        *w8(PROBE_AT + i) = a20_probe_start[i];
    }
    __asm__ volatile("call *%2" : "=c"(lo), "=b"(hi) : "r"(PROBE_AT) : "eax", "memory");
    check("A20 masked: store to 0x150000 lands at 0x50000", lo, 0xa20ff000u);
    check("A20 masked: 0x150004 reads 0x50004", hi, 0x12345678u);
    check("A20 open: 0x50000 kept the store", *w32(0x50000), 0xa20ff000u);
    check("A20 open: 0x150000 untouched", *w32(0x150000), 0x5555u);
    check("A20 open: 0x150004 untouched", *w32(0x150004), 0x9999u);
    /* And the window serves 1 MiB up again. */
    check_ram("RAM above 1 MiB after A20", 0x150008);
}

static uint8_t code_and_data[4096] __attribute__((aligned(4096)));

int main(void)
{
    lib_init();

    check_ram("RAM below 640K", 0x9fff8);
    /* What the VGA hole reads depends on the board (0 without a VGA, 0xff.. with
     * one): only that it is not RAM below it, and a straddling access is split. */
    *w32(0x9fffc) = 0;
    *w32(0xa0000) = 0x11111111u;
    check("VGA hole store misses RAM", *w32(0x9fffc), 0);
    uint32_t hole = *w32(0xa0000) & 0xffffu;
    *w32(0x9fffe) = 0x44332211u;     /* straddles RAM and the VGA hole */
    check("straddle 640K: RAM half stored", *w32(0x9fffc), 0x22110000u);
    check("straddle 640K: read back", *w32(0x9fffe), 0x2211u | (hole << 16));

    check_ram("RAM at 1 MiB + 64K", 0x110000);
    check_ram("RAM in the middle", 0x02000000);
    check_ram("RAM before the last page", RAM_END - 0x1004u);
    check_ram("RAM in the last page", RAM_END - 0x1000u);
    check_ram("RAM's last word", RAM_END - 4u);
    *w32(RAM_END - 4) = 0;
    *w32(RAM_END - 2) = 0x88776655u;  /* straddles the end of RAM */
    check("straddle RAM end: RAM half stored", *w32(RAM_END - 4), 0x66550000u);
    check("straddle RAM end: read back", *w32(RAM_END - 2), 0x6655u);
    /* Straddling the window's own last page boundary (both sides RAM). */
    *w32(RAM_END - 0x1002u) = 0xa1b2c3d4u;
    check("straddle last page", *w32(RAM_END - 0x1002u), 0xa1b2c3d4u);
    check("straddle last page bytes", *w8(RAM_END - 0x1000u), 0xb2);

    /* Code on a page with data: stores to the data keep the code right. */
    {
        volatile uint8_t *p = code_and_data;
        p[0] = 0xb8;                  /* mov eax, imm32 */
        *(volatile uint32_t *)(p + 1) = 21;
        p[5] = 0xc3;                  /* ret */
        uint32_t r;
        __asm__ volatile("call *%1" : "=a"(r) : "r"(p) : "ecx", "edx", "memory");
        check("code runs", r, 21);
        for (uint32_t i = 64; i < 4096; i += 4) {
            *(volatile uint32_t *)(p + i) = i;
        }
        __asm__ volatile("call *%1" : "=a"(r) : "r"(p) : "ecx", "edx", "memory");
        check("code kept beside data", r, 21);
        *(volatile uint32_t *)(p + 1) = 22;
        __asm__ volatile("call *%1" : "=a"(r) : "r"(p) : "ecx", "edx", "memory");
        check("code rewritten", r, 22);
    }

    check_a20();
    return done();
}
