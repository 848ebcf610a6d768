/* Hardware task switches: JMP and CALL to a TSS, IRET with NT back to the caller
 * (previous-task link, busy flags), INT n through a task gate, and an exception with
 * an error code through a task gate, as Linux handles #DF (Intel SDM Vol. 3 ch. 7). */
#include "lib.h"

struct tss32 {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
};

static struct tss32 tss2 __attribute__((aligned(16)));
static struct tss32 tss3 __attribute__((aligned(16)));
static uint8_t stack2[2048] __attribute__((aligned(16)));
static uint8_t stack3[2048] __attribute__((aligned(16)));
extern struct tss32 test_tss;

volatile uint32_t t2_runs, t2_tr, t2_flags, t3_err, t3_runs;
void task2_entry(void);
void task3_entry(void);

/* Task 2: count, note TR and EFLAGS, then go back (iret if nested, else jmp). */
__asm__(
    ".globl task2_entry\n"
    "task2_entry:\n"
    "  incl t2_runs\n"
    "  strl %eax; movl %eax, t2_tr\n"
    "  pushfl; popl %eax; movl %eax, t2_flags\n"
    "  testl $0x4000, %eax\n"
    "  jz 1f\n"
    "  iret\n"
    "  jmp task2_entry\n"
    "1: ljmp $0x28, $0\n"
    "  jmp task2_entry\n"
    ".globl task3_entry\n"
    "task3_entry:\n"
    "  popl %eax; movl %eax, t3_err\n"  /* the error code of the #GP */
    "  incl t3_runs\n"
    "  movl recover_eip, %eax\n"
    "  movl %eax, test_tss+0x20\n"     /* resume the faulting task past the fault */
    "  iret\n"
    "  jmp task3_entry\n");

static void tss_init(struct tss32 *t, void (*entry)(void), uint8_t *stack, uint32_t size)
{
    uint32_t cr3;

    __asm__ volatile("movl %%cr3, %0" : "=r"(cr3));
    t->cr3 = cr3;
    t->eip = (uint32_t)entry;
    t->eflags = 0x002;
    t->esp = (uint32_t)(stack + size);
    t->cs = 0x08;
    t->ss = t->ds = t->es = t->fs = t->gs = 0x10;
    t->iomap = sizeof(*t);
}

int main(void)
{
    uint32_t tr, f;
    int v;

    tss_setup((uint32_t)stack_top);
    tss_init(&tss2, task2_entry, stack2, sizeof(stack2));
    tss_init(&tss3, task3_entry, stack3, sizeof(stack3));
    set_gdt_entry(9, (uint32_t)&tss2, sizeof(tss2) - 1, 0x00008900);   /* 0x48 */
    set_gdt_entry(10, (uint32_t)&tss3, sizeof(tss3) - 1, 0x00008900);  /* 0x50 */

    /* JMP to task 2 and its JMP back. */
    __asm__ volatile("ljmp $0x48, $0" : : : "memory", "eax");
    check("jmp task ran", t2_runs, 1);
    check("jmp task tr", t2_tr & 0xffff, 0x48);
    check("jmp task NT clear", t2_flags & 0x4000, 0);
    __asm__ volatile("strl %0" : "=r"(tr));
    check("back in task 1", tr & 0xffff, 0x28);
    check("task 2 no longer busy", (uint32_t)(gdt[9] >> 40) & 0xf, 9);

    /* CALL: nested, NT set, link = old TR; IRET returns. */
    __asm__ volatile("lcall $0x48, $0" : : : "memory", "eax");
    check("call task ran", t2_runs, 2);
    check("call task NT", t2_flags & 0x4000, 0x4000);
    check("call task link", tss2.link, 0x28);
    check("iret un-busies task 2", (uint32_t)(gdt[9] >> 40) & 0xf, 9);
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    check("caller NT clear", f & 0x4000, 0);
    check("TS set by task switch", ({ uint32_t c; __asm__ volatile("movl %%cr0, %0" : "=r"(c)); c; }) & 8, 8);
    __asm__ volatile("clts");

    /* INT n through a task gate. */
    idt[0x51] = ((unsigned long long)(0x8500 | 0x6000) << 32) | (0x48u << 16);
    __asm__ volatile("int $0x51" : : : "memory", "eax");
    check("task gate int ran", t2_runs, 3);

    /* #GP through a task gate: the error code lands on the handler task's stack. */
    unsigned long long saved = idt[13];
    idt[13] = ((unsigned long long)0x8500 << 32) | (0x50u << 16);
    v = TRAP_PROBE("movw $0x1234, %%ax; movw %%ax, %%ds", : : : "eax");
    idt[13] = saved;
    (void)v;
    __asm__ volatile("movw $0x10, %%ax; movw %%ax, %%ds" : : : "eax");
    check("exception task ran", t3_runs, 1);
    check("exception task error code", t3_err, 0x1234);
    __asm__ volatile("clts");
    return done();
}
