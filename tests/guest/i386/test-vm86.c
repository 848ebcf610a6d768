/* Virtual-8086 mode: IRET with EFLAGS.VM = 1 from ring 0, real-mode style segments
 * in V86, INT n to a ring-0 handler (stack switch through the TSS, GS/FS/DS/ES pushed
 * and nulled), IOPL-sensitive instructions (#GP with IOPL < 3) (Intel SDM Vol. 3,
 * 20.2 virtual-8086 mode, 20.3 interrupt handling in V86). */
#include "lib.h"

#define V86_SEG 0x0800      /* code at linear 0x8000 */

uint32_t saved_kernel_esp;
static uint8_t kernel_stack[4096] __attribute__((aligned(16)));
extern char v86_start[], v86_end[], v86_int_ok[];

uint32_t v86_call(uint32_t eflags);
void v86_back(uint32_t result) __attribute__((noreturn));

__asm__(
    ".globl v86_call\n"
    "v86_call:\n"
    "  pushl %ebp; pushl %ebx; pushl %esi; pushl %edi\n"
    "  movl %esp, saved_kernel_esp\n"
    "  movl 20(%esp), %eax\n"
    "  pushl $0x0900\n"     /* gs */
    "  pushl $0x0900\n"     /* fs */
    "  pushl $0x0900\n"     /* ds */
    "  pushl $0x0a00\n"     /* es */
    "  pushl $0x0900\n"     /* ss */
    "  pushl $0x0100\n"     /* sp */
    "  orl $0x20000, %eax\n"
    "  pushl %eax\n"        /* eflags with VM */
    "  pushl $0x0800\n"     /* cs */
    "  pushl $0\n"          /* ip */
    "  iret\n"
    ".globl v86_back\n"
    "v86_back:\n"
    "  movl 4(%esp), %eax\n"
    "  movl saved_kernel_esp, %esp\n"
    "  movw $0x10, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %fs; movw %dx, %gs\n"
    "  popl %edi; popl %esi; popl %ebx; popl %ebp\n"
    "  ret\n"
    "    .section .rodata\n"
    "    .code16\n"
    ".globl v86_start, v86_end\n"
    "v86_start:\n"
    "  movw $0x1234, %ax\n"
    "  addw %ax, %ax\n"
    "  movw %ax, 0x10\n"          /* ds:0x10 = linear 0x9010 */
    "  movw %es, %bx\n"
    "  movw %ss, %cx\n"
    "  pushw %ax\n"
    "  popw %dx\n"
    "  int $0x30\n"
    "  hlt\n"
    "v86_end:\n"
    "    .code32\n"
    "    .text\n");

static volatile struct trap_frame seen;
static volatile uint32_t v86_gs_pushed, v86_ds_pushed;

static void int30_handler(struct trap_frame *f)
{
    seen = *f;
    /* Above the ring-0 frame: esp, ss, es, ds, fs, gs of the V86 task. */
    v86_ds_pushed = (&f->ss)[2];
    v86_gs_pushed = (&f->ss)[4];
    v86_back(0x30);
}

static void gp_handler(struct trap_frame *f)
{
    seen = *f;
    v86_back(0x0d);
}

int main(void)
{
    uint8_t *code = (uint8_t *)(V86_SEG << 4);
    uint32_t r;

    for (int i = 0; i < v86_end - v86_start; i++) {
        code[i] = (uint8_t)v86_start[i];
    }
    tss_setup((uint32_t)(kernel_stack + sizeof(kernel_stack)));
    trap_handlers[0x30] = int30_handler;
    trap_handlers[13] = gp_handler;

    r = v86_call(0x3002);       /* IOPL 3: INT n goes to the IDT */
    check("v86 int 0x30 reached", r, 0x30);
    check("v86 frame has VM", (seen.eflags >> 17) & 1, 1);
    check("v86 frame cs", seen.cs & 0xffff, V86_SEG);
    check("v86 add", seen.eax & 0xffff, 0x2468);
    check("v86 es", seen.ebx & 0xffff, 0x0a00);
    check("v86 ss", seen.ecx & 0xffff, 0x0900);
    check("v86 push/pop", seen.edx & 0xffff, 0x2468);
    check("v86 data segment base", *(uint16_t *)0x9010, 0x2468);
    check("v86 frame sp", seen.esp & 0xffff, 0x0100);
    check("v86 pushed ds", v86_ds_pushed & 0xffff, 0x0900);
    check("v86 pushed gs", v86_gs_pushed & 0xffff, 0x0900);

    r = v86_call(0x0002);       /* IOPL 0: INT n is #GP(0) */
    check("v86 int with iopl 0 #GP", r, 0x0d);
    check("v86 #GP err", seen.err, 0);
    check("v86 #GP at int", seen.eip & 0xffff, 0x0e);
    return done();
}
