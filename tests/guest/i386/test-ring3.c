/* Privilege levels: IRET to ring 3, interrupts from ring 3 through the TSS stack,
 * #GP for privileged insns, IOPL and the TSS I/O bitmap, SYSENTER/SYSEXIT, a call gate
 * with a far return to the outer level, data segment nulling on the way out. */
#include "lib.h"

uint32_t saved_kernel_esp;
static uint8_t user_stack[4096] __attribute__((aligned(16)));
static uint8_t kernel_stack[4096] __attribute__((aligned(16)));
extern struct { uint32_t link, esp0, ss0; } test_tss_hdr __asm__("test_tss");

uint32_t ring3_call(void (*fn)(void), uint32_t user_esp, uint32_t eflags);
void ring3_back(uint32_t result) __attribute__((noreturn));
void sysenter_entry(void);
void gate_target(void);

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
    "  movw $0x23, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %gs\n"
    "  movw $0x10, %dx; movw %dx, %fs\n"   /* DPL 0: nulled by the return to ring 3 */
    "  iret\n"
    ".globl ring3_back\n"
    "ring3_back:\n"
    "  movl 4(%esp), %eax\n"
    "  movl saved_kernel_esp, %esp\n"
    "  movw $0x10, %dx; movw %dx, %ds; movw %dx, %es; movw %dx, %fs; movw %dx, %gs\n"
    "  popl %edi; popl %esi; popl %ebx; popl %ebp\n"
    "  ret\n"
    ".globl sysenter_entry\n"
    "sysenter_entry:\n"
    "  movl %cs, %eax; movl %eax, sysenter_cs_seen\n"
    "  movl %ss, %eax; movl %eax, sysenter_ss_seen\n"
    "  movl %esp, sysenter_esp_seen\n"
    "  sysexit\n"
    ".globl gate_target\n"
    "gate_target:\n"
    "  movl %cs, %eax; movl %eax, gate_cs_seen\n"
    "  movl 4(%esp), %eax; movl %eax, gate_caller_cs\n"
    "  lret\n");

uint32_t sysenter_cs_seen, sysenter_ss_seen, sysenter_esp_seen;
uint32_t gate_cs_seen, gate_caller_cs;
static volatile uint32_t frame_cs, frame_ss, frame_esp;

static void syscall_handler(struct trap_frame *f)
{
    frame_cs = f->cs;
    frame_ss = f->ss;
    frame_esp = f->esp;
    ring3_back(f->eax);
}

static void user_fault_handler(struct trap_frame *f)
{
    if ((f->cs & 3) != 3) {
        printf_("FAIL kernel fault %u at %x\n", f->vec, f->eip);
        test_exit(3);
    }
    ring3_back(0xf000 + f->vec);
}

#define USER_RETURN(val) __asm__ volatile("int $0x80" : : "a"(val))

static void u_basic(void)
{
    uint32_t cs, fs;

    __asm__ volatile("movl %%cs, %0; movl %%fs, %1" : "=r"(cs), "=r"(fs));
    USER_RETURN((cs & 0xffff) | ((fs & 0xffff) << 16));
}

static void u_cli(void)
{
    __asm__ volatile("cli");
    USER_RETURN(1);
}

static void u_hlt(void)
{
    __asm__ volatile("hlt");
    USER_RETURN(1);
}

static void u_cr0(void)
{
    uint32_t v;

    __asm__ volatile("movl %%cr0, %0" : "=r"(v));
    USER_RETURN(1);
}

static void u_out80(void)
{
    __asm__ volatile("outb %%al, $0x80" : : "a"(0));
    USER_RETURN(1);
}

static void u_out81(void)
{
    __asm__ volatile("outb %%al, $0x81" : : "a"(0));
    USER_RETURN(1);
}

static void u_int_dpl0(void)
{
    __asm__ volatile("int $0x42");
    USER_RETURN(1);
}

static void u_sysenter(void)
{
    uint32_t r;

    __asm__ volatile("pushl %%ebp; movl %%esp, %%ecx; movl $1f, %%edx; sysenter; 1: popl %%ebp;"
                     "movl %%cs, %0" : "=a"(r) : : "ecx", "edx", "memory");
    USER_RETURN(r);
}

static void u_gate(void)
{
    uint32_t r;

    __asm__ volatile("lcall $0x4b, $0; movl %%cs, %0" : "=r"(r) : : "eax", "memory");
    USER_RETURN(r);
}

static void u_pushf(void)
{
    uint32_t f;

    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    USER_RETURN(f);
}

static uint32_t run_user(void (*fn)(void), uint32_t eflags)
{
    return ring3_call(fn, (uint32_t)(user_stack + sizeof(user_stack)), eflags);
}

int main(void)
{
    uint32_t r;

    tss_setup((uint32_t)(kernel_stack + sizeof(kernel_stack)));
    trap_handlers[0x80] = syscall_handler;
    trap_handlers[13] = user_fault_handler;
    set_idt_gate(0x42, (uint32_t)gate_target, 0x08, 0x8e00);   /* DPL 0 */

    r = run_user(u_basic, 0x002);
    check("ring3 cs", r & 0xffff, 0x1b);
    check("fs nulled on return to ring 3", r >> 16, 0);
    check("frame cs from ring 3", frame_cs & 0xffff, 0x1b);
    check("frame ss from ring 3", frame_ss & 0xffff, 0x23);
    check("frame esp is user stack", frame_esp, (uint32_t)(user_stack + sizeof(user_stack)));

    r = run_user(u_cli, 0x002);
    check("cli iopl0 #GP", r, 0xf00d);
    check("cli #GP err", last_err, 0);
    r = run_user(u_cli, 0x3002);
    check("cli iopl3 ok", r, 1);
    check("hlt #GP", run_user(u_hlt, 0x3002), 0xf00d);
    check("mov cr0 #GP", run_user(u_cr0, 0x002), 0xf00d);
    check("int to dpl0 gate #GP", run_user(u_int_dpl0, 0x002), 0xf00d);
    check("int dpl0 #GP err", last_err, 0x42 * 8 + 2);
    r = run_user(u_pushf, 0x3202);
    check("pushf in ring 3", r & 0x3200, 0x3200);

    /* The I/O bitmap: port 0x80 allowed, 0x81 not. */
    extern uint8_t test_tss_iobitmap[] __asm__("test_tss");
    uint8_t *bitmap = (uint8_t *)&test_tss_hdr + 104 + 2;
    (void)test_tss_iobitmap;
    bitmap = (uint8_t *)&test_tss_hdr + *(uint16_t *)((uint8_t *)&test_tss_hdr + 102);
    bitmap[0x80 / 8] &= ~(1u << (0x80 % 8));
    check("out allowed by bitmap", run_user(u_out80, 0x002), 1);
    check("out denied by bitmap", run_user(u_out81, 0x002), 0xf00d);

    /* SYSENTER to ring 0 and SYSEXIT back. */
    __asm__ volatile("wrmsr" : : "c"(0x174), "a"(0x08), "d"(0));
    __asm__ volatile("wrmsr" : : "c"(0x175), "a"((uint32_t)(kernel_stack + 2048)), "d"(0));
    __asm__ volatile("wrmsr" : : "c"(0x176), "a"((uint32_t)sysenter_entry), "d"(0));
    r = run_user(u_sysenter, 0x002);
    check("sysexit back in ring 3", r & 0xffff, 0x1b);
    check("sysenter cs", sysenter_cs_seen & 0xffff, 0x08);
    check("sysenter ss", sysenter_ss_seen & 0xffff, 0x10);
    check("sysenter esp", sysenter_esp_seen, (uint32_t)(kernel_stack + 2048));

    /* A 32-bit call gate (DPL 3) to ring-0 code; lret returns to ring 3. */
    gdt[9] = ((unsigned long long)(((uint32_t)gate_target & 0xffff0000) | 0xec00) << 32) |
             (((uint32_t)gate_target & 0xffff) | (0x08u << 16));
    r = run_user(u_gate, 0x002);
    check("call gate back in ring 3", r & 0xffff, 0x1b);
    check("call gate ran in ring 0", gate_cs_seen & 0xffff, 0x08);
    check("call gate pushed caller cs", gate_caller_cs & 0xffff, 0x1b);
    return done();
}
