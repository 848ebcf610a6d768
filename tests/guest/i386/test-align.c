/*
 * Alignment check (#AC, vector 17): raised for a misaligned data access only when
 * CR0.AM = 1, EFLAGS.AC = 1 and CPL = 3, with error code 0, as a fault (the saved eip
 * is the access's), word/dword/qword alignment 2/4/8 (Intel SDM Vol. 3, 6.15
 * "Interrupt 17—Alignment Check Exception", table 6-7). QEMU 7.2's TCG does not
 * implement #AC (it runs this test without any fault): the expectations are the SDM's.
 */
#include "lib.h"

uint32_t saved_kernel_esp;
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint8_t kernel_stack[4096] __attribute__((aligned(16)));
static uint8_t buf[64] __attribute__((aligned(16)));
static volatile uint32_t ac_eip, ac_err, ac_count;

uint32_t ring3_call(void (*fn)(void), uint32_t user_esp, uint32_t eflags);
void ring3_back(uint32_t result) __attribute__((noreturn));
extern char u_load_at[], u_store_at[], u_word_at[], u_push_at[], u_cx8_at[], u_movs_at[],
    u_popf_at[];

__asm__(
    ".globl ring3_call\n"
    "ring3_call:\n"
    "  pushl %ebp; pushl %ebx; pushl %esi; pushl %edi\n"
    "  movl %esp, saved_kernel_esp\n"
    "  movl 20(%esp), %eax\n"
    "  movl 24(%esp), %ecx\n"
    "  movl 28(%esp), %ebx\n"
    "  pushl $0x23\n"
    "  pushl %ecx\n"
    "  pushl %ebx\n"
    "  pushl $0x1b\n"
    "  pushl %eax\n"
    "  movw $0x23, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %fs; movw %dx, %gs\n"
    "  iret\n"
    ".globl ring3_back\n"
    "ring3_back:\n"
    "  movl 4(%esp), %eax\n"
    "  movl saved_kernel_esp, %esp\n"
    "  movw $0x10, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %fs; movw %dx, %gs\n"
    "  popl %edi; popl %esi; popl %ebx; popl %ebp\n"
    "  ret\n");

#define USER_RETURN(val) __asm__ volatile("int $0x80" : : "a"(val))
#define EFL_AC 0x40000
#define CR0_AM 0x40000

static void syscall_handler(struct trap_frame *f)
{
    ring3_back(f->eax);
}

static void ac_handler(struct trap_frame *f)
{
    ac_eip = f->eip;
    ac_err = f->err;
    ac_count++;
    ring3_back(0xf000 + f->vec);
}

static void user_fault_handler(struct trap_frame *f)
{
    ring3_back(0xf000 + f->vec);
}

static void u_aligned(void)
{
    __asm__ volatile("movl (%0), %%eax; movw 2(%0), %%ax; movb 1(%0), %%al;"
                     "movl %%eax, 4(%0); movw %%ax, 10(%0); movb %%al, 13(%0)"
                     : : "r"(buf) : "eax", "memory");
    USER_RETURN(0x600d);
}

static void u_load(void)
{
    __asm__ volatile(".globl u_load_at\nu_load_at: movl 1(%0), %%eax" : : "r"(buf) : "eax");
    USER_RETURN(0x600d);
}

static void u_store(void)
{
    __asm__ volatile("movl $0x11223344, %%eax\n.globl u_store_at\n"
                     "u_store_at: movl %%eax, 18(%0)" : : "r"(buf) : "eax", "memory");
    USER_RETURN(0x600d);
}

static void u_word(void)
{
    __asm__ volatile(".globl u_word_at\nu_word_at: movw 3(%0), %%ax" : : "r"(buf) : "eax");
    USER_RETURN(0x600d);
}

static void u_push(void)
{
    /* A push to a misaligned stack is a misaligned store too. */
    __asm__ volatile("subl $2, %%esp\n.globl u_push_at\nu_push_at: pushl %%eax; addl $6, %%esp"
                     : : : "memory");
    USER_RETURN(0x600d);
}

static void u_cx8(void)
{
    /* CMPXCHG8B wants 8-byte alignment: 4-aligned is not enough. */
    __asm__ volatile(".globl u_cx8_at\nu_cx8_at: cmpxchg8b 4(%0)"
                     : : "r"(buf) : "eax", "edx", "memory");
    USER_RETURN(0x600d);
}

static void u_movs(void)
{
    __asm__ volatile("cld; leal 2(%0), %%esi; leal 32(%0), %%edi\n.globl u_movs_at\n"
                     "u_movs_at: movsl" : : "r"(buf) : "esi", "edi", "memory");
    USER_RETURN(0x600d);
}

static void u_popf(void)
{
    /* Ring 3 may set AC itself; the next access is then checked. */
    __asm__ volatile("pushfl; orl $0x40000, (%%esp); popfl\n.globl u_popf_at\n"
                     "u_popf_at: movl 1(%0), %%eax" : : "r"(buf) : "eax");
    USER_RETURN(0x600d);
}

static uint32_t run_user(void (*fn)(void), uint32_t eflags)
{
    return ring3_call(fn, (uint32_t)(user_stack + sizeof(user_stack)), eflags);
}

static void expect_ac(const char *name, void (*fn)(void), const char *at)
{
    uint32_t r;

    ac_eip = ac_err = 0xdead;
    r = run_user(fn, 0x2 | EFL_AC);
    printf_("  %s\n", name);
    check("#AC", r, 0xf000 + 17);
    check("#AC error code 0", ac_err, 0);
    check("#AC eip at the access", ac_eip, (uint32_t)at);
}

int main(void)
{
    uint32_t cr0, v;

    tss_setup((uint32_t)(kernel_stack + sizeof(kernel_stack)));
    trap_handlers[0x80] = syscall_handler;
    trap_handlers[17] = ac_handler;
    for (int i = 0; i < 17; i++) {
        trap_handlers[i] = user_fault_handler;
    }
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));

    /* CR0.AM = 0: EFLAGS.AC alone checks nothing. */
    check("AM=0 AC=1: misaligned load ok", run_user(u_load, 0x2 | EFL_AC), 0x600d);
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | CR0_AM));
    check("AM=1 AC=0: misaligned load ok", run_user(u_load, 0x2), 0x600d);
    check("AM=1 AC=1: aligned accesses ok", run_user(u_aligned, 0x2 | EFL_AC), 0x600d);
    expect_ac("misaligned dword load", u_load, u_load_at);
    buf[18] = 0x5a;
    expect_ac("misaligned dword store", u_store, u_store_at);
    check("faulting store wrote nothing", buf[18], 0x5a);
    expect_ac("misaligned word load", u_word, u_word_at);
    expect_ac("push to a misaligned stack", u_push, u_push_at);
    expect_ac("cmpxchg8b on a 4-aligned qword", u_cx8, u_cx8_at);
    expect_ac("movsl from a misaligned source", u_movs, u_movs_at);
    ac_eip = 0;
    v = run_user(u_popf, 0x2);
    check("popf sets AC in ring 3: #AC", v, 0xf000 + 17);
    check("popf sets AC in ring 3: eip", ac_eip, (uint32_t)u_popf_at);
    /* Ring 0 is never checked. */
    __asm__ volatile("pushfl; orl $0x40000, (%%esp); popfl; movl 1(%1), %0;"
                     "pushfl; andl $~0x40000, (%%esp); popfl" : "=r"(v) : "r"(buf));
    check("ring 0 with AM=1 AC=1: no #AC", ac_count, 7);
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0));
    return done();
}
