/*
 * A small harness for IR tests: one TCGContext, a fake CPU state ("env") with a few
 * i32 and i64 globals, a scratch area for host loads/stores and one page of "guest
 * memory", an RWX code buffer per backend, and helpers to build a TB through the
 * emitters, generate it with a chosen backend and run it.
 *
 * The Makefile links this file into every unit test (UNIT_SUPPORT).
 *
 * Guest memory: mmu_idx 1 maps guest page 0 onto env->mem through a one-entry TLB, so
 * a native backend's inline fast path and the engine's helper_ld_mmu/helper_st_mmu
 * (which finds the same entry) both work. mmu_idx 0 always misses: only usable when
 * the harness's own helper_ld_mmu / helper_st_mmu stand-ins are in effect (they are
 * weak, so the engine's win when accel/tcg is linked; see harness_fake_mmu()).
 */
#ifndef TESTS_UNIT_TCG_HARNESS_H
#define TESTS_UNIT_TCG_HARNESS_H

#include "qemu/osdep.h"
#include "tcg/tcg.h"
#include "tcg/tcg-op.h"
#include "hw/core/cpu.h"
#include "exec/translation-block.h"

#define HARNESS_NG32 8
#define HARNESS_NG64 8
#define HARNESS_NSCRATCH 8

typedef struct HarnessEnv {
    CPUState cpu;                       /* first: generated code and helpers see it */
    uint32_t g32[HARNESS_NG32];
    uint64_t g64[HARNESS_NG64];
    uint64_t scratch[HARNESS_NSCRATCH]; /* host ld/st target */
    uint64_t helper_calls;              /* bumped by harness_helper_* */
    uint8_t mem[TARGET_PAGE_SIZE];      /* guest page 0 */
} HarnessEnv;

/* Generation modes for harness_gen. */
#define HARNESS_FULL      0     /* tcg_gen_code: optimizer + liveness + backend */
#define HARNESS_NO_OPT    1     /* liveness + backend, no optimizer */

extern HarnessEnv *harness_env;
extern TCGv_i32 harness_g32[HARNESS_NG32];
extern TCGv_i64 harness_g64[HARNESS_NG64];
extern TranslationBlock harness_tb;
/* What the fake helper_lookup_tb_ptr returns (NULL: the epilogue). */
extern const void *harness_lookup_target;

/* NULL-terminated list of the backends linked into this test binary. */
const TCGBackend *const *harness_backends(void);
/* How many inline TLB checks of mmu_idx ("and reg, [env + tlb_fast[mmu_idx].mask]",
 * REX.W 23 /r disp8, as tcg/x86_64 emits them) code[0, len) holds. */
int harness_count_tlb_checks(const uint8_t *code, size_t len, int mmu_idx);
/* Are helper_ld_mmu / helper_st_mmu the harness's (not the engine's) versions? */
bool harness_fake_mmu(void);
/* Is helper_lookup_tb_ptr the harness's (returning harness_lookup_target)? */
bool harness_fake_lookup(void);

/* Once per process. */
void harness_init(void);
/* Use this backend for the next harness_begin / harness_gen / harness_exec. */
void harness_select(const TCGBackend *b);
/* Start a new TB (tcg_func_start). */
void harness_begin(void);
/* Generate the current op list; returns the code, NULL if it did not fit. Several
 * TBs can be generated one after the other; harness_reset_code() starts over. */
const void *harness_gen(int mode);
void harness_reset_code(void);
/* Number of ops in the list right now. */
int harness_nb_ops(void);
/* Run code; returns the exit value. */
uintptr_t harness_exec(const void *code);
/* Generate with mode and run; asserts generation worked. */
uintptr_t harness_run(int mode);
/* Zero the env's globals, scratch and memory. */
void harness_clear_env(void);

/* Helpers that tests can call from IR. */
uint32_t harness_helper_add3(uint32_t a, uint32_t b, uint32_t c);
uint64_t harness_helper_mix6(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                             uint64_t e, uint64_t f);
void harness_helper_bump(void *env);                    /* env->helper_calls++ */
uint32_t harness_helper_read_g32_0(void *env);          /* reads global g32[0] */
void harness_helper_write_g32_1(void *env, uint32_t v); /* writes global g32[1] */
extern const TCGHelperInfo harness_info_add3;
extern const TCGHelperInfo harness_info_mix6;
extern const TCGHelperInfo harness_info_bump;
extern const TCGHelperInfo harness_info_read_g32_0;
extern const TCGHelperInfo harness_info_sum_globals;   /* -> i64, from every global */
uint64_t harness_helper_sum_globals(void *env);
extern const TCGHelperInfo harness_info_write_g32_1;
extern const TCGHelperInfo harness_info_add3_pure;

/*
 * For fake slow-path load/store helpers: the value a load with mop reads from
 * bytes b[0..size-1] as they lie in guest memory (byte order, sign extension),
 * and byte i (in memory order) of a store of val with mop.
 */
uint64_t harness_load_value(const uint8_t *b, MemOp mop);
uint8_t harness_store_byte(uint64_t val, MemOp mop, unsigned i);
/* A fake slow-path store: each byte of a store of val (mop) at addr goes where
 * byte(addr + i) points (nowhere when it is NULL: no RAM there). */
void harness_store_bytes(uint8_t *(*byte)(uint32_t), uint32_t addr, uint64_t val,
                         MemOp mop);
/* In a fake slow-path helper: clobber what a C function may, so that generated
 * code relying on a caller-saved register across the call shows. */
#define HARNESS_CLOBBER_CALLER_SAVED() \
    __asm__ volatile("" ::: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", \
                     "memory")

#endif
