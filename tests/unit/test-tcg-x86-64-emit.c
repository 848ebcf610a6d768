/*
 * The x86-64 host backend's instruction encoder (tcg/x86_64/emit.c), checked
 * against Capstone's decoding for every register combination that needs REX/SIB/
 * disp quirks, and moves of immediates run natively (generated code as a whole:
 * test-tcg-x86-64.c).
 */
#include <criterion/criterion.h>
#include <capstone/capstone.h>
#include <sys/mman.h>
#include "tcg-harness.h"
#include "exec/cputlb.h"
#include "../../tcg/x86_64/x86-internal.h"

/* ------------------------------------------------------------------------- */
/* Encoder                                                                    */

static const char *const names64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const names32[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d",
};
static const char *const names8[16] = {
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b",
};

static csh cs;
static cs_insn *csi;
static uint8_t ebuf[64];
static X86Gen eg;

static void enc_setup(void)
{
    cr_assert(cs_open(CS_ARCH_X86, CS_MODE_64, &cs) == CS_ERR_OK);
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    csi = cs_malloc(cs);
}

static void enc_teardown(void)
{
    cs_free(csi, 1);
    cs_close(&cs);
}

static void enc_start(void)
{
    memset(&eg, 0, sizeof(eg));
    eg.code_start = eg.code_ptr = ebuf;
}

/* Decode what was emitted as exactly one instruction. */
static const cs_x86 *enc_decode(const char *mnem)
{
    const uint8_t *p = ebuf;
    size_t n = eg.code_ptr - ebuf;
    uint64_t addr = 0x1000;

    cr_assert(cs_disasm_iter(cs, &p, &n, &addr, csi), "undecodable");
    cr_assert_eq(n, 0, "%s %s: %zu trailing bytes", csi->mnemonic, csi->op_str, n);
    cr_assert_str_eq(csi->mnemonic, mnem, "got %s %s", csi->mnemonic, csi->op_str);
    return &csi->detail->x86;
}

static const char *rn(unsigned r)
{
    return r == X86_REG_INVALID ? "-" : cs_reg_name(cs, r);
}

static void check_reg(const cs_x86_op *op, const char *name)
{
    cr_assert_eq(op->type, X86_OP_REG);
    cr_assert_str_eq(rn(op->reg), name);
}

static void check_mem(const cs_x86_op *op, const char *base, const char *index,
                      int64_t disp)
{
    cr_assert_eq(op->type, X86_OP_MEM);
    cr_assert_str_eq(rn(op->mem.base), base);
    cr_assert_str_eq(rn(op->mem.index), index);
    cr_assert_eq(op->mem.disp, disp, "disp %" PRId64 " != %" PRId64, op->mem.disp, disp);
}

TestSuite(x86_encoder, .init = enc_setup, .fini = enc_teardown);

Test(x86_encoder, load_store_every_base_and_reg)
{
    static const intptr_t disps[] = { 0, 8, 127, 128, -128, -129, 0x12345, -0x7fffffff };

    for (int r = 0; r < 16; r++) {
        for (int b = 0; b < 16; b++) {
            for (unsigned d = 0; d < ARRAY_SIZE(disps); d++) {
                const cs_x86 *x;

                enc_start();
                x86_emit_ld(&eg, TCG_TYPE_I64, r, b, disps[d]);
                x = enc_decode("mov");
                check_reg(&x->operands[0], names64[r]);
                check_mem(&x->operands[1], names64[b], "-", disps[d]);

                enc_start();
                x86_emit_ld(&eg, TCG_TYPE_I32, r, b, disps[d]);
                x = enc_decode("mov");
                check_reg(&x->operands[0], names32[r]);
                check_mem(&x->operands[1], names64[b], "-", disps[d]);

                enc_start();
                x86_emit_st(&eg, TCG_TYPE_I64, r, b, disps[d]);
                x = enc_decode("mov");
                check_mem(&x->operands[0], names64[b], "-", disps[d]);
                check_reg(&x->operands[1], names64[r]);

                enc_start();
                x86_emit_modrm_off(&eg, OPC_MOVB_EvGv | P_REXB_R, r, b, disps[d]);
                x = enc_decode("mov");
                check_mem(&x->operands[0], names64[b], "-", disps[d]);
                check_reg(&x->operands[1], names8[r]);
            }
        }
    }
}

Test(x86_encoder, sib_every_base_and_index)
{
    for (int r = 0; r < 16; r += 3) {
        for (int b = 0; b < 16; b++) {
            for (int i = 0; i < 16; i++) {
                if (i == X86_RSP) {
                    continue;   /* not encodable as an index */
                }
                for (int disp = 0; disp <= 0x100; disp += 0x80) {
                    enc_start();
                    x86_emit_modrm_sib(&eg, OPC_MOVZBL, r, b, i, 0, disp);
                    const cs_x86 *x = enc_decode("movzx");
                    check_reg(&x->operands[0], names32[r]);
                    check_mem(&x->operands[1], names64[b], names64[i], disp);
                }
                enc_start();
                x86_emit_modrm_sib(&eg, OPC_LEA | P_REXW, r, b, i, 0, 0);
                const cs_x86 *x = enc_decode("lea");
                check_reg(&x->operands[0], names64[r]);
                check_mem(&x->operands[1], names64[b], names64[i], 0);
            }
        }
    }
}

Test(x86_encoder, byte_registers_need_rex)
{
    for (int d = 0; d < 16; d++) {
        for (int s = 0; s < 16; s++) {
            enc_start();
            x86_emit_ext8u(&eg, d, s);
            const cs_x86 *x = enc_decode("movzx");
            check_reg(&x->operands[0], names32[d]);
            check_reg(&x->operands[1], names8[s]);

            enc_start();
            x86_emit_ext8s(&eg, P_REXW, d, s);
            x = enc_decode("movsx");
            check_reg(&x->operands[0], names64[d]);
            check_reg(&x->operands[1], names8[s]);
        }
        enc_start();
        x86_emit_modrm(&eg, OPC_SETCC + JCC_JB, 0, d);
        check_reg(&enc_decode("setb")->operands[0], names8[d]);
    }
}

Test(x86_encoder, arith_shift_push_bswap)
{
    static const int64_t imms[] = { 1, -1, 127, 128, -128, -129, 0x12345678, -0x80000000ll };
    static const char *const arith[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor",
                                          "cmp" };

    for (int r = 0; r < 16; r++) {
        for (int e = 0; e < 8; e++) {
            for (unsigned k = 0; k < ARRAY_SIZE(imms); k++) {
                enc_start();
                x86_emit_arithi(&eg, e, P_REXW, r, imms[k]);
                const cs_x86 *x = enc_decode(arith[e]);
                check_reg(&x->operands[0], names64[r]);
                cr_assert_eq(x->operands[1].imm, imms[k]);
            }
            for (int s = 0; s < 16; s++) {
                enc_start();
                x86_emit_arith(&eg, e, 0, r, s);
                const cs_x86 *x = enc_decode(arith[e]);
                check_reg(&x->operands[0], names32[r]);
                check_reg(&x->operands[1], names32[s]);
            }
        }
        for (int count = 1; count < 64; count += 7) {
            enc_start();
            x86_emit_shifti(&eg, SHIFT_SAR, P_REXW, r, count);
            const cs_x86 *x = enc_decode("sar");
            check_reg(&x->operands[0], names64[r]);
            cr_assert_eq(x->operands[1].imm, count);
        }
        enc_start();
        x86_emit_modrm(&eg, OPC_SHIFT_cl, SHIFT_SHL, r);
        check_reg(&enc_decode("shl")->operands[1], "cl");
        enc_start();
        x86_emit_push(&eg, r);
        check_reg(&enc_decode("push")->operands[0], names64[r]);
        enc_start();
        x86_emit_pop(&eg, r);
        check_reg(&enc_decode("pop")->operands[0], names64[r]);
        enc_start();
        x86_emit_opc(&eg, OPC_BSWAP + (r & 7), 0, r, 0);
        check_reg(&enc_decode("bswap")->operands[0], names32[r]);
        enc_start();
        x86_emit_opc(&eg, (OPC_BSWAP + (r & 7)) | P_REXW, 0, r, 0);
        check_reg(&enc_decode("bswap")->operands[0], names64[r]);
        enc_start();
        x86_emit_modrm(&eg, OPC_GRP5, EXT5_JMPN_Ev, r);
        check_reg(&enc_decode("jmp")->operands[0], names64[r]);
        enc_start();
        x86_emit_modrm_sib(&eg, OPC_MOVBE_GyMy, r, X86_R11, r == 4 ? 5 : r, 0, 0);
        check_reg(&enc_decode("movbe")->operands[0], names32[r]);
    }
}

/* VEX forms: every register in every position. */
Test(x86_encoder, vex_shlx_andn)
{
    static const char *const shifts[4] = { NULL, "shlx", "sarx", "shrx" };

    for (int d = 0; d < 16; d++) {
        for (int a = 0; a < 16; a++) {
            for (int c = 0; c < 16; c += 5) {
                for (int pp = 1; pp < 4; pp++) {
                    enc_start();
                    x86_emit_vex_modrm(&eg, OPC_SHLX, pp, P_REXW, d, c, a);
                    const cs_x86 *x = enc_decode(shifts[pp]);
                    check_reg(&x->operands[0], names64[d]);
                    check_reg(&x->operands[1], names64[a]);
                    check_reg(&x->operands[2], names64[c]);
                }
                enc_start();
                x86_emit_vex_modrm(&eg, OPC_ANDN, 0, 0, d, c, a);
                const cs_x86 *x = enc_decode("andn");
                check_reg(&x->operands[0], names32[d]);
                check_reg(&x->operands[1], names32[c]);
                check_reg(&x->operands[2], names32[a]);
            }
        }
    }
}

/* RORX (the TLB index of a plain access): every register pair, both widths. */
Test(x86_encoder, vex_rorx)
{
    static const int imms[] = { 0, 1, 7, 31, 63 };

    for (int d = 0; d < 16; d++) {
        for (int a = 0; a < 16; a++) {
            for (unsigned i = 0; i < ARRAY_SIZE(imms); i++) {
                for (int w = 0; w < 2; w++) {
                    if (!w && imms[i] > 31) {
                        continue;
                    }
                    enc_start();
                    x86_emit_rorx(&eg, w ? P_REXW : 0, d, a, imms[i]);
                    const cs_x86 *x = enc_decode("rorx");
                    check_reg(&x->operands[0], w ? names64[d] : names32[d]);
                    check_reg(&x->operands[1], w ? names64[a] : names32[a]);
                    cr_assert_eq(x->operands[2].type, X86_OP_IMM);
                    cr_assert_eq(x->operands[2].imm, imms[i]);
                }
            }
        }
    }
}

/* movi's short forms must produce the exact value: run them. */
Test(x86_encoder, movi_values_execute)
{
    static const int64_t vals[] = {
        0, 1, -1, 0x7fffffff, 0x80000000ll, 0xffffffffll, -0x80000000ll,
        0x100000000ll, 0x123456789abcdefll, INT64_MIN,
    };
    uint8_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(code != MAP_FAILED);

    for (unsigned k = 0; k < ARRAY_SIZE(vals); k++) {
        for (int r = 0; r < 16; r++) {
            X86Gen g = { .code_start = code, .code_ptr = code };
            bool callee_saved = !(X86_CALL_CLOBBERED & X86_REG_BIT(r));
            if (r == X86_RSP) {
                continue;
            }
            /* Preserve r around the test when the ABI says so (nothing is called,
             * so the stack alignment does not matter). */
            if (callee_saved) {
                x86_emit_push(&g, r);
            }
            x86_emit_movi(&g, TCG_TYPE_I64, r, vals[k]);
            x86_emit_mov(&g, TCG_TYPE_I64, X86_RAX, r);
            if (callee_saved) {
                x86_emit_pop(&g, r);
            }
            x86_out8(&g, OPC_RET);
            uint64_t got = ((uint64_t (*)(void))(uintptr_t)code)();
            cr_assert_eq(got, (uint64_t)vals[k], "reg %s value %" PRIx64 " got %" PRIx64,
                         names64[r], vals[k], got);

            g.code_ptr = code;
            if (callee_saved) {
                x86_emit_push(&g, r);
            }
            x86_emit_movi(&g, TCG_TYPE_I64, r, -1);
            x86_emit_movi(&g, TCG_TYPE_I32, r, vals[k]);
            x86_emit_mov(&g, TCG_TYPE_I64, X86_RAX, r);
            if (callee_saved) {
                x86_emit_pop(&g, r);
            }
            x86_out8(&g, OPC_RET);
            got = ((uint64_t (*)(void))(uintptr_t)code)();
            cr_assert_eq(got, (uint32_t)vals[k], "i32 movi must zero-extend");
        }
    }
    munmap(code, 4096);
}
