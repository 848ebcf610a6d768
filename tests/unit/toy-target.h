/*
 * A deliberately tiny guest ISA used only by the engine's unit tests, so the execution
 * loop, chaining, self-modifying code, precise exceptions and the softmmu can be tested
 * without a real target. Encoding (32-bit little-endian words):
 *   op(31:24) a(23:20) b(19:16) imm16(15:0)           arithmetic and control
 *   op(31:24) a(23:20) b(19:16) memop(15:8) imm8(7:0)  memory: address r[b] + sext(imm8)
 */
#ifndef TOY_TARGET_H
#define TOY_TARGET_H

#include "qemu/osdep.h"
#include "hw/core/cpu.h"

enum {
    TOY_ADDI = 0x01,    /* r[a] += sext(imm16) */
    TOY_BNEZ = 0x02,    /* if r[a] != 0: pc = pc + 4 + sext(imm16) * 4 */
    TOY_ST = 0x03,      /* mem[r[b] + imm8] = r[a]        (memop: size/endianness) */
    TOY_LD = 0x04,      /* r[a] = mem[r[b] + imm8]        (memop: size/sign/endianness) */
    TOY_HALT = 0x05,    /* stop: cpu_exec returns EXCP_DEBUG */
    TOY_JR = 0x06,      /* pc = r[a] (indirect) */
    TOY_LUI = 0x08,     /* r[a] = imm16 << 16 */
    TOY_ORI = 0x09,     /* r[a] |= imm16 */
    TOY_LD64 = 0x0b,    /* r[a], r[a+1] = mem64[...] (low, high) */
    TOY_ST64 = 0x0c,    /* mem64[...] = r[a] | r[a+1] << 32 */
    TOY_ADD = 0x0d,     /* r[a] += r[b] */
    TOY_JRP = 0x0e,     /* pc = r[a], through the inline jump-cache probe */
    TOY_MODE = 0x0f,    /* mode = imm16 (a TB flag); ends the TB */
    TOY_ADDM = 0x10,    /* r[a] += mode (translated as a constant from the TB flags) */
};

/* The one mode bit only ADDM reads: a TB without ADDM runs in either value of it. */
#define TOY_MODE_OPTIONAL 0x100u

#define TOY_EXCP_FAULT 1

typedef struct ToyState {
    CPUState cs;
    uint32_t r[8];
    uint32_t pc;
    uint32_t mode;              /* the TB flags */
    uint32_t fault_pc, fault_addr, fault_count, handler;
    uint32_t ram_limit;         /* addresses at or above fault (except MMIO window) */
} ToyState;

#define TOY_MMIO_BASE 0x00100000u

static inline uint32_t toy_rri(int op, int a, int b, int imm)
{
    return (uint32_t)op << 24 | (a & 15) << 20 | (b & 15) << 16 | (imm & 0xffff);
}
static inline uint32_t toy_mem(int op, int a, int b, int memop, int imm8)
{
    return (uint32_t)op << 24 | (a & 15) << 20 | (b & 15) << 16 | (memop & 0xff) << 8 |
           (imm8 & 0xff);
}

extern const CPUClass toy_cpu_class;
/* Translate region TBs (a loop with its if/else blocks in one TB); default off. */
extern bool toy_regions;

#endif
