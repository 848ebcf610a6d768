/*
 * Capstone front end shared by guest (-d in_asm, monitor x/i) and host (-d out_asm)
 * disassembly. Undecodable bytes are shown as ".byte" so a dump never stops early.
 */
#include "qemu/osdep.h"
#include "disas/disas.h"
#include <capstone/capstone.h>

size_t disas_print(FILE *f, int arch, int mode, const void *code, size_t size,
                   uint64_t addr, size_t max_insns)
{
    csh handle;
    size_t printed = 0;
    const uint8_t *p = code;

    if (cs_open((cs_arch)arch, (cs_mode)mode, &handle) != CS_ERR_OK) {
        fprintf(f, "  (capstone cannot open this architecture)\n");
        return 0;
    }
    cs_insn *insn = cs_malloc(handle);
    while (size > 0 && (max_insns == 0 || printed < max_insns)) {
        const uint8_t *cur = p;
        size_t left = size;
        uint64_t a = addr;
        if (cs_disasm_iter(handle, &cur, &left, &a, insn)) {
            fprintf(f, "0x%08" PRIx64 ":  ", addr);
            for (int i = 0; i < 8; i++) {
                if (i < insn->size) {
                    fprintf(f, "%02x", insn->bytes[i]);
                } else {
                    fprintf(f, "  ");
                }
            }
            fprintf(f, "  %-8s %s\n", insn->mnemonic, insn->op_str);
            size_t n = insn->size;
            p += n;
            size -= n;
            addr += n;
        } else {
            /* Skip one unit: 4 bytes on fixed-width ISAs, 1 byte on x86. */
            size_t n = (arch == CS_ARCH_X86) ? 1 : MIN_U(4, size);
            fprintf(f, "0x%08" PRIx64 ":  .byte", addr);
            for (size_t i = 0; i < n; i++) {
                fprintf(f, " 0x%02x", p[i]);
            }
            fprintf(f, "\n");
            p += n;
            size -= n;
            addr += n;
        }
        printed++;
    }
    cs_free(insn, 1);
    cs_close(&handle);
    return printed;
}

void disas_host(FILE *f, const void *code, size_t size)
{
    disas_print(f, CS_ARCH_X86, CS_MODE_64, code, size, (uint64_t)(uintptr_t)code, 0);
}
