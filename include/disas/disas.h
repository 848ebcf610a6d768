/*
 * Disassembly through Capstone, for -d in_asm/out_asm and the monitor's x/i.
 */
#ifndef DISAS_DISAS_H
#define DISAS_DISAS_H

#include "qemu/osdep.h"

/* Print one instruction per line: "0xADDR:  bytes  mnemonic operands".
 * arch/mode are Capstone's cs_arch / cs_mode values. Returns instructions printed. */
size_t disas_print(FILE *f, int cs_arch, int cs_mode, const void *code, size_t size,
                   uint64_t addr, size_t max_insns);
/* Host code (x86-64). */
void disas_host(FILE *f, const void *code, size_t size);

#endif
