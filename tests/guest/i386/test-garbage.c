/*
 * Garbage: pages of pseudo-random bytes executed in ring 3 must only ever produce
 * guest exceptions, never hurt the emulator. Paging maps the garbage page (user,
 * read-only) and a user stack; everything else is supervisor-only, so stray stores
 * fault. Every exception from ring 3 moves on to a new random entry point; leaving
 * the page or looping too long (timer watchdog) also ends a run.
 */
#include "lib.h"

#define PG_P 1
#define PG_RW 2
#define PG_US 4

#define CODE_VA 0x00800000u
#define STACK_VA 0x00801000u
#define RUNS 3000

static uint32_t pd[1024] __attribute__((aligned(4096)));
static uint32_t pt0[1024] __attribute__((aligned(4096)));
static uint32_t pt1[1024] __attribute__((aligned(4096)));
static uint32_t pt2[1024] __attribute__((aligned(4096)));
static uint8_t code_page[4096] __attribute__((aligned(4096)));
static uint8_t stack_page[4096] __attribute__((aligned(4096)));
static uint8_t kernel_stack[8192] __attribute__((aligned(16)));
static volatile uint32_t vec_count[256], runs, watchdog;
static uint32_t seed = 0x9e3779b9;
uint32_t saved_kernel_esp;

uint32_t garbage_call(uint32_t eip, uint32_t esp);
void garbage_back(uint32_t v) __attribute__((noreturn));

__asm__(
    ".globl garbage_call\n"
    "garbage_call:\n"
    "  pushl %ebp; pushl %ebx; pushl %esi; pushl %edi\n"
    "  movl %esp, saved_kernel_esp\n"
    "  movl 20(%esp), %eax\n"
    "  movl 24(%esp), %ecx\n"
    "  pushl $0x23; pushl %ecx; pushl $0x202; pushl $0x1b; pushl %eax\n"
    "  movw $0x23, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %fs; movw %dx, %gs\n"
    "  xorl %eax, %eax; xorl %ebx, %ebx; xorl %ecx, %ecx; xorl %edx, %edx\n"
    "  xorl %esi, %esi; xorl %edi, %edi; xorl %ebp, %ebp\n"
    "  iret\n"
    ".globl garbage_back\n"
    "garbage_back:\n"
    "  movl 4(%esp), %eax\n"
    "  movl saved_kernel_esp, %esp\n"
    "  movw $0x10, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %fs; movw %dx, %gs\n"
    "  popl %edi; popl %esi; popl %ebx; popl %ebp\n"
    "  ret\n");

static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

static void any_trap(struct trap_frame *f)
{
    if ((f->cs & 3) != 3) {
        printf_("FAIL trap %u from ring 0 at %x (err %x)\n", f->vec, f->eip, f->err);
        test_exit(3);
    }
    vec_count[f->vec]++;
    if (f->vec == 0x20) {
        outb(0x20, 0x20);
        if (++watchdog < 3) {
            return;     /* let it run a little longer */
        }
    }
    garbage_back(f->vec);
}

int main(void)
{
    uint32_t cr4;

    for (int i = 0; i < 1024; i++) {
        pt0[i] = (i << 12) | PG_P | PG_RW;          /* supervisor only */
        pt1[i] = ((1024 + i) << 12) | PG_P | PG_RW;
    }
    pd[0] = (uint32_t)pt0 | PG_P | PG_RW | PG_US;
    pd[1] = (uint32_t)pt1 | PG_P | PG_RW | PG_US;
    pd[2] = (uint32_t)pt2 | PG_P | PG_RW | PG_US;
    pt2[0] = (uint32_t)code_page | PG_P | PG_US;
    pt2[1] = (uint32_t)stack_page | PG_P | PG_RW | PG_US;
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr3" : : "r"(pd));
    __asm__ volatile("movl %%cr0, %%eax; orl $0x80010000, %%eax; movl %%eax, %%cr0"
                     : : : "eax", "memory");
    tss_setup((uint32_t)(kernel_stack + sizeof(kernel_stack)));
    for (int v = 0; v < 256; v++) {
        trap_handlers[v] = any_trap;
    }
    /* INT n from ring 3 to a vector whose stub expects a CPU error code would build a
     * frame the stub misreads: make those gates DPL 0 (INT n then gets #GP). */
    static const int err_vecs[] = { 8, 10, 11, 12, 13, 14, 17 };
    for (unsigned i = 0; i < sizeof(err_vecs) / sizeof(err_vecs[0]); i++) {
        idt[err_vecs[i]] &= ~(3ull << 45);
    }
    /* Watchdog: PIT at ~1 kHz on IRQ0 (vector 0x20). */
    outb(0x20, 0x11); outb(0x21, 0x20); outb(0x21, 4); outb(0x21, 1);
    outb(0xa0, 0x11); outb(0xa1, 0x28); outb(0xa1, 2); outb(0xa1, 1);
    outb(0x21, 0xfe); outb(0xa1, 0xff);
    outb(0x43, 0x34); outb(0x40, 1193 & 0xff); outb(0x40, 1193 >> 8);

    for (runs = 0; runs < RUNS; runs++) {
        if (runs % 16 == 0) {
            for (int i = 0; i < 4096; i += 4) {
                *(uint32_t *)(code_page + i) = rnd();
            }
            __asm__ volatile("invlpg (%0)" : : "r"(CODE_VA) : "memory");
        }
        watchdog = 0;
        garbage_call(CODE_VA + (rnd() & 0xfff), STACK_VA + 2048);
    }
    outb(0x21, 0xff);
    check("garbage runs survived", runs, RUNS);
    printf_("#UD %u #GP %u #PF %u #DE %u #NM %u int-n/other %u timer %u\n", vec_count[6],
            vec_count[13], vec_count[14], vec_count[0], vec_count[7],
            vec_count[3] + vec_count[4] + vec_count[5] + vec_count[1], vec_count[0x20]);
    check("saw #UD", vec_count[6] > 0, 1);
    check("saw #GP", vec_count[13] > 0, 1);
    check("saw #PF", vec_count[14] > 0, 1);
    return done();
}
