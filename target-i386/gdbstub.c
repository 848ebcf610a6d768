/*
 * x86 registers for the GDB stub, in GDB's default i386 numbering (no target
 * description is sent): eax ecx edx ebx esp ebp esi edi, eip, eflags, cs ss ds es
 * fs gs, each 32-bit little-endian. The x87, SSE and later registers of GDB's
 * layout are not offered: a 'g' reply stops after gs and gdb shows the rest as
 * unavailable.
 *
 * eip is the offset in CS, as on the hardware (gdb adds nothing: flat kernels have
 * a zero CS base). A selector write loads the segment as the CPU would only in real
 * and virtual-8086 mode (base = selector * 16); in protected mode only rewriting
 * the current value is accepted, since a descriptor load could fault.
 */
#include "qemu/osdep.h"
#include "cpu.h"
#include "exec/gdbstub.h"

enum {
    X86_GDB_EIP = 8,
    X86_GDB_EFLAGS = 9,
    X86_GDB_CS = 10,
    X86_GDB_NUM = 16,
};

/* GDB's order of the segment registers: cs ss ds es fs gs. */
static const int x86_gdb_seg[6] = { R_CS, R_SS, R_DS, R_ES, R_FS, R_GS };

int x86_cpu_gdb_read_register(CPUState *cs, uint8_t *buf, int n)
{
    CPUX86State *env = x86_env(cs);
    uint32_t v;

    if (n < 8) {
        v = env->regs[n];
    } else if (n == X86_GDB_EIP) {
        v = env->eip;
    } else if (n == X86_GDB_EFLAGS) {
        v = x86_cpu_get_eflags(env);
    } else if (n < X86_GDB_NUM) {
        v = env->segs[x86_gdb_seg[n - X86_GDB_CS]].selector;
    } else {
        return 0;
    }
    stl_le_p(buf, v);
    return 4;
}

int x86_cpu_gdb_write_register(CPUState *cs, const uint8_t *buf, int n)
{
    CPUX86State *env = x86_env(cs);
    uint32_t v = ldl_le_p(buf);

    if (n < 8) {
        env->regs[n] = v;
    } else if (n == X86_GDB_EIP) {
        env->eip = v;
    } else if (n == X86_GDB_EFLAGS) {
        x86_cpu_set_eflags(env, v);
    } else if (n < X86_GDB_NUM) {
        int seg = x86_gdb_seg[n - X86_GDB_CS];

        v &= 0xffff;
        if (v == env->segs[seg].selector) {
            return 4;
        }
        if ((env->cr[0] & CR0_PE) && !(env->eflags & VM_MASK)) {
            return 0;
        }
        x86_cpu_load_seg_real(env, seg, v);
    } else {
        return 0;
    }
    return 4;
}
