/*
 * IR test harness (see tcg-harness.h).
 */
#include <sys/mman.h>
#include "tcg-harness.h"
#include "exec/exec-all.h"
#include "exec/cputlb.h"

#define HARNESS_CODE_SIZE (8u << 20)

/* The native backend may not be linked into a test binary yet. */
extern const TCGBackend tcg_backend_x86_64 __attribute__((weak));

typedef struct HarnessBackend {
    const TCGBackend *b;
    uint8_t *buf;
    size_t prologue_size;
    size_t used;
    const void *epilogue;
} HarnessBackend;

static TCGContext harness_ctx;
static HarnessBackend harness_be[2];
static int harness_nb_be;
static HarnessBackend *harness_cur;
static const TCGBackend *harness_list[3];
static CPUTLBEntry harness_tlb_miss;
/* Mode 1's table: like the engine's (at least 2^CPU_TLB_DYN_MIN_BITS entries, each
 * holding only pages of its own index), with page 0 in entry 0. */
#define HARNESS_TLB1_ENTRIES (1u << CPU_TLB_DYN_MIN_BITS)
static CPUTLBEntry harness_tlb1[HARNESS_TLB1_ENTRIES];

HarnessEnv *harness_env;
TCGv_i32 harness_g32[HARNESS_NG32];
TCGv_i64 harness_g64[HARNESS_NG64];
TranslationBlock harness_tb;
const void *harness_lookup_target;

/* ---- stand-ins for the engine's services when it is not linked ---- */

/* Log level and file, normally from softmmu/log.c. */
unsigned mimic_loglevel __attribute__((weak));
FILE *mimic_logfile __attribute__((weak));

static uint64_t harness_ld_mmu(CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t ra)
{
    HarnessEnv *env = (HarnessEnv *)cpu;
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop), i;
    uint64_t v = 0;

    (void)ra;
    for (i = 0; i < size; i++) {
        uint8_t byte = env->mem[(addr + i) & (TARGET_PAGE_SIZE - 1)];
        if (mop & MO_BSWAP) {
            v = (v << 8) | byte;
        } else {
            v |= (uint64_t)byte << (8 * i);
        }
    }
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

static void harness_st_mmu(CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                           uintptr_t ra)
{
    HarnessEnv *env = (HarnessEnv *)cpu;
    MemOp mop = get_memop(oi);
    unsigned size = memop_size(mop), i;

    (void)ra;
    for (i = 0; i < size; i++) {
        unsigned sh = (mop & MO_BSWAP) ? 8 * (size - 1 - i) : 8 * i;
        env->mem[(addr + i) & (TARGET_PAGE_SIZE - 1)] = (uint8_t)(val >> sh);
    }
}

static const void *harness_lookup_tb_ptr(CPUState *cpu)
{
    (void)cpu;
    return harness_lookup_target ? harness_lookup_target : tcg_code_gen_epilogue;
}

uint64_t helper_ld_mmu(struct CPUState *cpu, uint32_t addr, uint32_t oi, uintptr_t retaddr)
    __attribute__((weak, alias("harness_ld_mmu")));
void helper_st_mmu(struct CPUState *cpu, uint32_t addr, uint64_t val, uint32_t oi,
                   uintptr_t retaddr) __attribute__((weak, alias("harness_st_mmu")));
const void *helper_lookup_tb_ptr(CPUState *cpu)
    __attribute__((weak, alias("harness_lookup_tb_ptr")));

bool harness_fake_mmu(void)
{
    /* Through a volatile so the compiler cannot assume the weak alias binds. */
    void *volatile real = (void *)helper_ld_mmu;
    return real == (void *)harness_ld_mmu;
}

bool harness_fake_lookup(void)
{
    void *volatile real = (void *)helper_lookup_tb_ptr;
    return real == (void *)harness_lookup_tb_ptr;
}

/* ---- helpers callable from IR ---- */

uint32_t harness_helper_add3(uint32_t a, uint32_t b, uint32_t c)
{
    return a + b * 3 + c * 7;
}

uint64_t harness_helper_mix6(uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                             uint64_t e, uint64_t f)
{
    return a ^ (b << 1) ^ (c << 2) ^ (d << 3) ^ (e << 4) ^ (f * 0x9e3779b97f4a7c15ull);
}

void harness_helper_bump(void *env)
{
    ((HarnessEnv *)env)->helper_calls++;
}

uint32_t harness_helper_read_g32_0(void *env)
{
    return ((HarnessEnv *)env)->g32[0];
}

/* Reads every global from env: a call to it needs them all written back. */
uint64_t harness_helper_sum_globals(void *env)
{
    HarnessEnv *e = env;
    uint64_t sum = 0;

    for (int i = 0; i < HARNESS_NG32; i++) {
        sum = sum * 31 + e->g32[i];
    }
    for (int i = 0; i < HARNESS_NG64; i++) {
        sum = sum * 31 + e->g64[i];
    }
    return sum;
}

void harness_helper_write_g32_1(void *env, uint32_t v)
{
    ((HarnessEnv *)env)->g32[1] = v;
}

const TCGHelperInfo harness_info_add3 =
    TCG_HELPER(harness_helper_add3, TCG_CALL_NO_RWG, TCG_CALL_I32,
               TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32);
const TCGHelperInfo harness_info_add3_pure =
    TCG_HELPER(harness_helper_add3, TCG_CALL_NO_RWG | TCG_CALL_NO_SIDE_EFFECTS,
               TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32, TCG_CALL_I32);
const TCGHelperInfo harness_info_mix6 =
    TCG_HELPER(harness_helper_mix6, TCG_CALL_NO_RWG, TCG_CALL_I64,
               TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I64, TCG_CALL_I64,
               TCG_CALL_I64);
const TCGHelperInfo harness_info_bump =
    TCG_HELPER(harness_helper_bump, TCG_CALL_NO_RWG, TCG_CALL_VOID, TCG_CALL_PTR);
const TCGHelperInfo harness_info_sum_globals =
    TCG_HELPER(harness_helper_sum_globals, TCG_CALL_NO_WG, TCG_CALL_I64, TCG_CALL_PTR);
const TCGHelperInfo harness_info_read_g32_0 =
    TCG_HELPER(harness_helper_read_g32_0, TCG_CALL_NO_WG, TCG_CALL_I32, TCG_CALL_PTR);
const TCGHelperInfo harness_info_write_g32_1 =
    TCG_HELPER(harness_helper_write_g32_1, 0, TCG_CALL_VOID, TCG_CALL_PTR, TCG_CALL_I32);

/* ---- fake slow paths ---- */

uint64_t harness_load_value(const uint8_t *b, MemOp mop)
{
    unsigned size = memop_size(mop);
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v = (mop & MO_BSWAP) ? (v << 8) | b[i] : v | (uint64_t)b[i] << (8 * i);
    }
    if ((mop & MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

uint8_t harness_store_byte(uint64_t val, MemOp mop, unsigned i)
{
    unsigned size = memop_size(mop);

    return val >> ((mop & MO_BSWAP) ? 8 * (size - 1 - i) : 8 * i);
}

void harness_store_bytes(uint8_t *(*byte)(uint32_t), uint32_t addr, uint64_t val,
                         MemOp mop)
{
    for (unsigned i = 0; i < memop_size(mop); i++) {
        uint8_t *p = byte(addr + i);
        if (p) {
            *p = harness_store_byte(val, mop, i);
        }
    }
}

/* ---- set-up ---- */

const TCGBackend *const *harness_backends(void)
{
    return harness_list;
}

int harness_count_tlb_checks(const uint8_t *code, size_t len, int mmu_idx)
{
    const size_t disp = offsetof(CPUState, tlb_fast) + mmu_idx * sizeof(CPUTLBDescFast) +
                        offsetof(CPUTLBDescFast, mask);
    int n = 0;

    assert(disp < 128);
    for (size_t i = 0; i + 4 <= len; i++) {
        if ((code[i] == 0x48 || code[i] == 0x4c) && code[i + 1] == 0x23 &&
            (code[i + 2] & 0xc7) == 0x45 && code[i + 3] == disp) {
            n++;
        }
    }
    return n;
}

static void harness_add_backend(const TCGBackend *b)
{
    HarnessBackend *hb;
    void *p;

    /* harness_init starts the list afresh: a suite's and a test's .init may
     * both call it, and a third entry would run over harness_ctx. */
    assert(harness_nb_be < (int)ARRAY_SIZE(harness_be));
    hb = &harness_be[harness_nb_be++];
    p = mmap(NULL, HARNESS_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    assert(p != MAP_FAILED);
    hb->b = b;
    hb->buf = p;
    tcg_code_gen_epilogue = NULL;
    hb->prologue_size = b->gen_prologue(&harness_ctx, hb->buf, HARNESS_CODE_SIZE);
    hb->prologue_size = QEMU_ALIGN_UP(hb->prologue_size, 64);
    hb->used = hb->prologue_size;
    hb->epilogue = tcg_code_gen_epilogue;
    assert(hb->epilogue != NULL);
    harness_list[harness_nb_be - 1] = b;
}

void harness_clear_env(void)
{
    HarnessEnv *env = harness_env;

    memset(env->g32, 0, sizeof(env->g32));
    memset(env->g64, 0, sizeof(env->g64));
    memset(env->scratch, 0, sizeof(env->scratch));
    memset(env->mem, 0, sizeof(env->mem));
    env->helper_calls = 0;
}

void harness_init(void)
{
    static char names[HARNESS_NG32 + HARNESS_NG64][8];
    int i;

    harness_env = g_new0(HarnessEnv, 1);
    /* mmu_idx 0 always misses; 1 maps guest page 0 onto env->mem. */
    harness_tlb_miss.addr_read = harness_tlb_miss.addr_write = TLB_INVALID_MASK;
    harness_tlb_miss.addr_code = TLB_INVALID_MASK;
    for (i = 0; i < (int)HARNESS_TLB1_ENTRIES; i++) {
        harness_tlb1[i] = harness_tlb_miss;
    }
    harness_tlb1[0].addr_read = harness_tlb1[0].addr_write = 0;
    harness_tlb1[0].addr_code = 0;
    harness_tlb1[0].addend = (uintptr_t)harness_env->mem;
    for (i = 0; i < MMU_MODES_MAX; i++) {
        harness_env->cpu.tlb_fast[i].mask =
            i == 1 ? (HARNESS_TLB1_ENTRIES - 1) << CPU_TLB_ENTRY_BITS : 0;
        harness_env->cpu.tlb_fast[i].table = i == 1 ? harness_tlb1 : &harness_tlb_miss;
    }

    tcg_context_init(&harness_ctx, &tcg_backend_interp);
    for (i = 0; i < HARNESS_NG32; i++) {
        snprintf(names[i], sizeof(names[i]), "w%d", i);
        harness_g32[i] = tcg_global_mem_new_i32(offsetof(HarnessEnv, g32[i]), names[i]);
    }
    for (i = 0; i < HARNESS_NG64; i++) {
        snprintf(names[HARNESS_NG32 + i], sizeof(names[0]), "q%d", i);
        harness_g64[i] = tcg_global_mem_new_i64(offsetof(HarnessEnv, g64[i]),
                                                names[HARNESS_NG32 + i]);
    }

    for (i = 0; i < harness_nb_be; i++) {
        munmap(harness_be[i].buf, HARNESS_CODE_SIZE);
    }
    harness_nb_be = 0;
    harness_add_backend(&tcg_backend_interp);
    if (&tcg_backend_x86_64 != NULL) {
        harness_add_backend(&tcg_backend_x86_64);
    }
    harness_select(&tcg_backend_interp);
}

void harness_select(const TCGBackend *b)
{
    int i;

    for (i = 0; i < harness_nb_be; i++) {
        if (harness_be[i].b == b) {
            harness_cur = &harness_be[i];
            harness_ctx.backend = b;
            tcg_use_interp = (b == &tcg_backend_interp);
            tcg_code_gen_epilogue = harness_cur->epilogue;
            return;
        }
    }
    assert(!"backend not linked");
}

void harness_begin(void)
{
    tcg_func_start(&harness_ctx);
}

void harness_reset_code(void)
{
    harness_cur->used = harness_cur->prologue_size;
}

int harness_nb_ops(void)
{
    int n = 0;
    TCGOp *op;

    for (op = harness_ctx.first_op; op; op = op->next) {
        n++;
    }
    assert(n == harness_ctx.nb_ops);
    return n;
}

const void *harness_gen(int mode)
{
    HarnessBackend *hb = harness_cur;
    size_t start = QEMU_ALIGN_UP(hb->used, 64);
    uint8_t *buf;
    int n;

    if (start >= HARNESS_CODE_SIZE) {
        return NULL;
    }
    buf = hb->buf + start;
    memset(&harness_tb, 0, sizeof(harness_tb));
    harness_tb.tc.ptr = buf;
    if (mode == HARNESS_NO_OPT) {
        tcg_liveness(&harness_ctx);
        harness_ctx.tb = &harness_tb;
        n = hb->b->gen_code(&harness_ctx, &harness_tb, buf, HARNESS_CODE_SIZE - start);
    } else {
        n = tcg_gen_code(&harness_ctx, &harness_tb, buf, HARNESS_CODE_SIZE - start);
    }
    if (n < 0) {
        return NULL;
    }
    harness_tb.tc.size = n;
    hb->used = start + n;
    return buf;
}

uintptr_t harness_exec(const void *code)
{
    return harness_cur->b->exec(harness_env, code);
}

uintptr_t harness_run(int mode)
{
    const void *code = harness_gen(mode);

    assert(code != NULL);
    return harness_exec(code);
}
