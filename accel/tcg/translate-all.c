/*
 * The code buffer and the making of translation blocks: translate guest code through
 * the target's TranslatorOps, optimize and emit host code, record per-instruction data
 * compactly after the code, and find a TB again from a host pc to restore the guest
 * state at a fault.
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include <time.h>
#include "internal.h"
#include "tcg/tcg.h"
#include "disas/disas.h"
#include "exec/memory.h"

JITStats jit_stats;
unsigned tb_flush_count;

static TCGContext tcg_ctx_storage;
static uint8_t *code_gen_buffer;
static size_t code_gen_buffer_size;
static uint8_t *code_gen_ptr;           /* next free byte */
static uint8_t *code_gen_start;         /* first byte after the prologue */
/* TB headers live apart from the code (ordinary memory, counted once in RSS): they
 * are written all along (chaining, page lists, invalidation), while a finished TB's
 * code is only patched now and then, so the writable view of older code can give its
 * pages back (code_release_rw). */
static TranslationBlock *tb_pool;
static size_t tb_pool_cap, tb_pool_len;
/* The writable view below this has been released since the last flush. */
static uint8_t *code_rw_released;
#define CODE_RW_RELEASE_STEP (2u << 20)

/* All TBs in code-buffer order, for host-pc -> TB binary search. */
static TranslationBlock **tb_list;
static size_t tb_list_len, tb_list_cap;

#define DEFAULT_CODE_GEN_MB 256
#define CODE_GEN_ALIGN 16
/* A TB's worst case: TCG_MAX_INSNS guest insns can produce a lot of host code; if a
 * translation does not fit in what is left we flush and translate again. */
#define CODE_GEN_MIN_FREE (64 * 1024)

/* Translation time for -d jitstats, in the vCPU thread's CPU time: other jobs on a
 * busy host would otherwise count as translating. Not read at all without jitstats
 * (the thread clock is a system call, not a vDSO read). */
static int64_t get_clock_ns(void)
{
    struct timespec ts;

    if (!mimic_log_enabled(LOG_JITSTATS)) {
        return 0;
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * W^X (DESIGN.md section 7): the buffer is one memfd mapped twice, read+execute where
 * the code runs and read+write where it is written, so no page is ever writable and
 * executable at once. The executable view should lie within +-2 GiB of our own text
 * so generated code can reach helpers with rel32 calls: ask for a spot just below the
 * executable, and put the writable view just below that, so code can also reach the
 * TB headers (written, hence addressed through the writable view) with a rip-relative
 * lea. The kernel may place either elsewhere; everything still works, with longer
 * forms. Without memfd, one read+write+execute mapping is the fallback.
 */
static bool alloc_code_buffer(size_t size, uint8_t **rw, uint8_t **rx)
{
    uintptr_t text = (uintptr_t)&alloc_code_buffer;
    uintptr_t hint = (text - size - (64u << 20)) & ~(uintptr_t)0xffff;
    const char *pm = getenv("MIMIC_PERFMAP");
    /* perf names JIT code from /tmp/perf-PID.map only in anonymous memory: a
     * profiling run (MIMIC_PERFMAP=1) keeps the single mapping. */
    bool profiling = pm && *pm && strcmp(pm, "0") != 0;
    int fd = profiling ? -1 : memfd_create("mimic-jit", MFD_CLOEXEC);

    if (fd >= 0) {
        void *x = MAP_FAILED, *w = MAP_FAILED;
        if (ftruncate(fd, size) == 0) {
            x = mmap((void *)hint, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        }
        if (x != MAP_FAILED) {
            uintptr_t whint = ((uintptr_t)x - size - (16u << 20)) & ~(uintptr_t)0xffff;
            w = mmap((void *)whint, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        }
        int saved = errno;
        close(fd);          /* the mappings keep the memory */
        if (w != MAP_FAILED) {
            *rw = w;
            *rx = x;
            return true;
        }
        if (x != MAP_FAILED) {
            munmap(x, size);
        }
        errno = saved;
    }
    mimic_log_mask(LOG_JITSTATS, "tcg: no separate code views (%s); using one "
                   "writable and executable code buffer\n",
                   profiling ? "MIMIC_PERFMAP set" : strerror(errno));
    void *p = mmap((void *)hint, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return false;
    }
    *rw = *rx = p;
    return true;
}

bool tcg_exec_init(const TCGConfig *cfg, GError **errp)
{
    size_t mb = cfg && cfg->tb_size_mb ? cfg->tb_size_mb : DEFAULT_CODE_GEN_MB;
    const TCGBackend *backend = (cfg && cfg->use_interp) ? &tcg_backend_interp
                                                         : &tcg_backend_x86_64;
    if (mb < 1 || mb > 2048) {
        error_setg(errp, "tb-size must be between 1 and 2048 MiB");
        return false;
    }
    ifconv_set_policy(cfg ? cfg->ifconv : TCG_IFCONV_POLICY_ON);
    if (tcg_ctx) {
        return true;    /* already set up (unit tests may call twice) */
    }
    uint8_t *rx;
    code_gen_buffer_size = mb << 20;
    if (!alloc_code_buffer(code_gen_buffer_size, &code_gen_buffer, &rx)) {
        error_setg_errno(errp, errno, "cannot map a %zu MiB code buffer", mb);
        return false;
    }
    /* One header per 128 bytes of buffer is more TBs than code of that size can hold
     * (the smallest TB with its exits and records takes more); untouched pages cost
     * nothing. Near the code views so exits can reach headers with a rip-relative lea. */
    tb_pool_cap = code_gen_buffer_size / 128;
    size_t pool_bytes = QEMU_ALIGN_UP(tb_pool_cap * sizeof(TranslationBlock), 1u << 16);
    uintptr_t lo = MIN((uintptr_t)rx, (uintptr_t)code_gen_buffer);
    void *pool = mmap((void *)((lo - pool_bytes - (16u << 20)) & ~(uintptr_t)0xffff),
                      pool_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (pool == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot map the TB header pool");
        return false;
    }
    tb_pool = pool;
    tcg_use_interp = (backend == &tcg_backend_interp);
    tcg_context_init(&tcg_ctx_storage, backend);
    tcg_ctx_storage.code_rx_diff = rx - code_gen_buffer;
    tcg_ctx = &tcg_ctx_storage;
    size_t plen = backend->gen_prologue(tcg_ctx, code_gen_buffer, code_gen_buffer_size);
    /* Aligned (more than) like every TB header, so "nothing in the buffer" is exact. */
    code_gen_start = code_gen_buffer + QEMU_ALIGN_UP(plen, 64);
    code_gen_ptr = code_gen_start;
    code_rw_released = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)code_gen_start, 4096);
    jit_populate_init(JIT_POPULATE_CODE, code_gen_start,
                      code_gen_buffer + code_gen_buffer_size, tcg_ctx->code_rx_diff);
    jit_populate_init(JIT_POPULATE_TBS, (uint8_t *)tb_pool, (uint8_t *)tb_pool + pool_bytes, 0);
    jit_populate_ahead(JIT_POPULATE_CODE, code_gen_start);  /* while the board is built */
    jit_populate_ahead(JIT_POPULATE_TBS, (uint8_t *)tb_pool);
    jit_stats.code_buffer_size = code_gen_buffer_size;
    tb_htable_init();
    get_system_memory();        /* make sure the address space exists */
    tlb_register_memory_listener();
    return true;
}

static void tb_list_append(TranslationBlock *tb)
{
    if (tb_list_len == tb_list_cap) {
        tb_list_cap = tb_list_cap ? tb_list_cap * 2 : 4096;
        tb_list = g_renew(TranslationBlock *, tb_list, tb_list_cap);
    }
    tb_list[tb_list_len++] = tb;
}

TranslationBlock *tb_find_by_host_pc(uintptr_t host_pc)
{
    size_t lo = 0, hi = tb_list_len;

    /* host_pc is an executable-view address, like tc.ptr. */
    if (!tcg_ctx ||
        host_pc < (uintptr_t)tcg_splitwx_to_rx(tcg_ctx, code_gen_start) ||
        host_pc >= (uintptr_t)tcg_splitwx_to_rx(tcg_ctx, code_gen_ptr)) {
        return NULL;
    }
    /* Last TB whose code starts at or before host_pc. */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if ((uintptr_t)tb_list[mid]->tc.ptr <= host_pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return NULL;
    }
    TranslationBlock *tb = tb_list[lo - 1];
    /* The slow-path stubs and the insn records follow tc.size; a pc in the stubs is
     * never passed (stubs pass the fast path's return point), but records are not code. */
    if (host_pc > (uintptr_t)tb->tc.ptr + tb->tc.size) {
        return NULL;
    }
    return tb;
}

static void restore_cache_reset(void);

void tb_flush(CPUState *cpu)
{
    CPUState *c;

    tb_flush_count++;
    jit_stats.flushes++;
    tb_htable_reset();
    tb_page_reset_all();
    tb_list_len = 0;
    tb_pool_len = 0;
    code_gen_ptr = code_gen_start;
    code_rw_released = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)code_gen_start, 4096);
    /* The writable view's start may have been released. */
    jit_populate_restart(JIT_POPULATE_CODE, code_gen_start);
    jit_populate_restart(JIT_POPULATE_TBS, (uint8_t *)tb_pool);
    restore_cache_reset();
    tb_count_reset();
    ifconv_flush();
    CPU_FOREACH(c) {
        c->ifconv_pending_tb = NULL;    /* its header is about to be reused */
        tb_jmp_cache_clear(c);
    }
    /* Pages no longer hold code: let stores take the fast path again. */
    tlb_reset_dirty_all();
}

/*
 * Insn records: per guest insn, three LEB128 numbers relative to the previous insn:
 * host end offset (unsigned delta), pc (signed delta), target data word (signed delta).
 * The first insn is relative to (0, tb->pc, 0). A few bytes per insn instead of 20.
 */
static uint8_t *put_uleb(uint8_t *p, uint64_t v)
{
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        *p++ = b | (v ? 0x80 : 0);
    } while (v);
    return p;
}

static uint8_t *put_sleb(uint8_t *p, int64_t v)
{
    bool more;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
        *p++ = b | (more ? 0x80 : 0);
    } while (more);
    return p;
}

static const uint8_t *get_uleb(const uint8_t *p, uint64_t *v)
{
    uint64_t r = 0;
    int shift = 0;
    uint8_t b;
    do {
        b = *p++;
        r |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    *v = r;
    return p;
}

static const uint8_t *get_sleb(const uint8_t *p, int64_t *v)
{
    int64_t r = 0;
    int shift = 0;
    uint8_t b;
    do {
        b = *p++;
        r |= (int64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) {
        r |= -((int64_t)1 << shift);
    }
    *v = r;
    return p;
}

static size_t encode_insn_records(TCGContext *s, TranslationBlock *tb, uint8_t *p,
                                  size_t room)
{
    uint8_t *start = p;
    uint64_t prev_end = 0;
    uint64_t prev[TCG_INSN_START_WORDS] = { tb->pc, 0 };

    /* Worst case 10 bytes per number. */
    if ((size_t)s->nb_insns * 10 * (1 + TCG_INSN_START_WORDS) > room) {
        return 0;
    }
    for (int i = 0; i < s->nb_insns; i++) {
        p = put_uleb(p, s->insn_end_off[i] - prev_end);
        prev_end = s->insn_end_off[i];
        for (int w = 0; w < TCG_INSN_START_WORDS; w++) {
            p = put_sleb(p, (int64_t)(s->insn_data[i][w] - prev[w]));
            prev[w] = s->insn_data[i][w];
        }
    }
    return p - start;
}

bool tb_decode_insn_data(const TranslationBlock *tb, uintptr_t host_pc,
                         uint64_t data[TCG_INSN_START_WORDS])
{
    const uint8_t *p = tb->insn_records;
    uint64_t end = 0;
    uint64_t cur[TCG_INSN_START_WORDS] = { tb->pc, 0 };
    uintptr_t off = host_pc - (uintptr_t)tb->tc.ptr;

    if (!p) {
        return false;
    }
    for (int i = 0; i < tb->icount; i++) {
        uint64_t d;
        p = get_uleb(p, &d);
        end += d;
        for (int w = 0; w < TCG_INSN_START_WORDS; w++) {
            int64_t sd;
            p = get_sleb(p, &sd);
            cur[w] += sd;
        }
        /* host_pc lies inside insn i's code: after the previous insn's end, at or
         * before this one's. */
        if (off <= end) {
            memcpy(data, cur, sizeof(cur));
            return true;
        }
    }
    return false;
}

/*
 * Restores from the same host pc repeat: every guest TLB refill taken by the same
 * load runs the binary search over all TBs and the decoding of the TB's records
 * again (7% of a TLB-miss-heavy workload). Code at a host address never changes
 * until the buffer is flushed, so the result can be remembered until then.
 */
#define RESTORE_CACHE_BITS 10
typedef struct RestoreCacheEntry {
    uintptr_t host_pc;
    TranslationBlock *tb;
    uint64_t data[TCG_INSN_START_WORDS];
} RestoreCacheEntry;
static RestoreCacheEntry restore_cache[1u << RESTORE_CACHE_BITS];

static void restore_cache_reset(void)
{
    memset(restore_cache, 0, sizeof(restore_cache));
}

bool cpu_restore_state(CPUState *cpu, uintptr_t retaddr)
{
    RestoreCacheEntry *rc;
    TranslationBlock *tb;

    if (!retaddr) {
        return false;
    }
    rc = &restore_cache[(retaddr ^ (retaddr >> RESTORE_CACHE_BITS)) &
                        ((1u << RESTORE_CACHE_BITS) - 1)];
    if (rc->host_pc != retaddr) {
        tb = tb_find_by_host_pc(retaddr);
        if (!tb || !tb_decode_insn_data(tb, retaddr, rc->data)) {
            rc->host_pc = 0;
            return false;
        }
        rc->host_pc = retaddr;
        rc->tb = tb;
    }
    cpu->cc->restore_state_to_opc(cpu, rc->tb, rc->data);
    return true;
}

/*
 * MIMIC_PERFMAP=1 writes /tmp/perf-PID.map so `perf report` names generated code by
 * guest pc (perf's convention for JIT code). For profiling the translator's output.
 */
static FILE *perfmap;

static void perfmap_add(const TranslationBlock *tb)
{
    static bool checked;
    if (!checked) {
        checked = true;
        const char *e = getenv("MIMIC_PERFMAP");
        if (e && *e && strcmp(e, "0") != 0) {
            char *path = g_strdup_printf("/tmp/perf-%d.map", (int)getpid());
            perfmap = fopen(path, "w");
            g_free(path);
        }
    }
    if (perfmap) {
        fprintf(perfmap, "%" PRIxPTR " %x guest-%08" VADDR_PRIx "\n",
                (uintptr_t)tb->tc.ptr, tb->tc.size, tb->pc);
        fflush(perfmap);
    }
}

const TranslationBlock *tb_pool_base(size_t *cap)
{
    *cap = tb_pool_cap;
    return tb_pool;
}

size_t tb_pool_used(void)
{
    return tb_pool_len;
}

static TranslationBlock *tb_alloc(void)
{
    uint8_t *p = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)code_gen_ptr, CODE_GEN_ALIGN);
    if (p + CODE_GEN_MIN_FREE > code_gen_buffer + code_gen_buffer_size ||
        tb_pool_len == tb_pool_cap) {
        return NULL;
    }
    TranslationBlock *tb = &tb_pool[tb_pool_len++];
    memset(tb, 0, sizeof(*tb));
    code_gen_ptr = p;
    return tb;
}

/*
 * With separate views (W^X) every code page is mapped twice and counted twice in RSS.
 * Code well behind the write pointer is only written again to patch a jump (chaining,
 * invalidation): drop the writable view's mappings there (the pages stay in the memfd
 * and in the executable view; a later patch maps its page again), every few MiB of
 * new code.
 */
static void code_release_rw(void)
{
    if (tcg_ctx->code_rx_diff == 0) {
        return;
    }
    uint8_t *end = (uint8_t *)((uintptr_t)code_gen_ptr & ~(uintptr_t)0xfffff) - (1u << 20);
    if (end < code_rw_released + CODE_RW_RELEASE_STEP) {
        return;
    }
    uint8_t *start = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)code_gen_start, 4096);
    /* From the start each time: pages mapped again by patches since go as well. */
    if (madvise(start, end - start, MADV_DONTNEED) == 0) {
        code_rw_released = end;
        jit_stats.code_rw_releases++;
    }
}

/*
 * Re-translation census for -d jitstats: every cached translation is classified by
 * what was translated before at the same physical pc. Only kept while jitstats is
 * on (a hash table insert per TB).
 */
typedef struct CensusEntry {
    vaddr pc;
    uint32_t flags, cs_base;
    uint64_t code_hash;
} CensusEntry;
static GHashTable *census;

static uint64_t census_code_hash(const TranslationBlock *tb, const void *host)
{
    const uint8_t *p = (const uint8_t *)host + (tb->pc & ~TARGET_PAGE_MASK);
    unsigned len = MIN_U(tb->size, TARGET_PAGE_SIZE - (tb->pc & ~TARGET_PAGE_MASK));
    uint64_t h = 0xcbf29ce484222325ULL ^ tb->size;

    for (unsigned i = 0; i < len; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }
    return h;
}

static void census_note(const TranslationBlock *tb, const void *host)
{
    CensusEntry e = { tb->pc, tb->flags, tb->cs_base, 0 };
    bool same_pc = false, other = false;
    GArray *a;

    if (!host || (tb->cflags & CF_NOCACHE)) {
        jit_stats.retrans_nocache++;
        return;
    }
    if (!census) {
        census = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                       (GDestroyNotify)g_array_unref);
    }
    e.code_hash = census_code_hash(tb, host);
    a = g_hash_table_lookup(census, &tb->page_addr[0]);
    if (!a) {
        gint64 *k = g_new(gint64, 1);
        *k = tb->page_addr[0];
        a = g_array_new(false, false, sizeof(CensusEntry));
        g_hash_table_insert(census, k, a);
    }
    for (guint i = 0; i < a->len; i++) {
        CensusEntry *o = &g_array_index(a, CensusEntry, i);
        if (o->pc == e.pc && o->flags == e.flags && o->cs_base == e.cs_base) {
            if (o->code_hash == e.code_hash) {
                jit_stats.retrans_same_code++;
            } else {
                jit_stats.retrans_new_code++;
                o->code_hash = e.code_hash;
            }
            return;
        }
        if (o->pc == e.pc) {
            same_pc = true;
        } else {
            other = true;
        }
    }
    if (same_pc) {
        jit_stats.retrans_other_flags++;
    } else if (other) {
        jit_stats.retrans_other_vaddr++;
    }
    g_array_append_val(a, e);
}

static TranslationBlock *tb_gen_code_logged(CPUState *cpu, vaddr pc, uint32_t cs_base,
                                            uint32_t flags, uint32_t cflags)
{
    TCGContext *s = tcg_ctx;
    void *host = NULL;
    hwaddr phys_pc;
    int max_insns;
    int64_t t0 = get_clock_ns();

    phys_pc = get_page_addr_code(cpu, pc, &host);
    if (phys_pc == (hwaddr)-1) {
        /* Code outside RAM/ROM (an MMIO page): run it one insn at a time, uncached. */
        cflags = (cflags & ~CF_COUNT_MASK) | 1 | CF_NOCACHE | CF_NOCHAIN;
    }
    max_insns = cflags & CF_COUNT_MASK;
    if (max_insns == 0 || max_insns > TCG_MAX_INSNS) {
        max_insns = TCG_MAX_INSNS;
    }
    if (cpu->singlestep) {
        max_insns = 1;
    }

    for (;;) {
        TranslationBlock *tb = tb_alloc();
        if (!tb) {
            tb_flush(cpu);
            tb = tb_alloc();
            assert(tb);
        }
        tb->pc = pc;
        tb->cs_base = cs_base;
        tb->flags = flags;
        tb->flags_mask = ~0u;       /* the target clears optional bits it never read */
        tb->cflags = cflags;
        tb->page_addr[0] = phys_pc;
        tb->page_addr[1] = (hwaddr)-1;
        tb->jmp_reset_offset[0] = tb->jmp_reset_offset[1] = 0xffff;
        tb->jmp_dest[0] = tb->jmp_dest[1] = 0;

        tcg_func_start(s);
        s->tb = tb;
        ifconv_prepare(cpu, tb, s);
        s->nb_insns = 0;
        s->goto_tb_reset_off[0] = s->goto_tb_reset_off[1] = 0xffff;
        int n = max_insns;
        cpu->cc->translate_code(cpu, tb, &n);
        tb->icount = n;
        tb->flags_mask |= ~cpu->cc->tb_flags_optional;
        assert(s->nb_insns == n);

        bool log_in = mimic_log_enabled(LOG_IN_ASM);
        if (log_in) {
            mimic_log("----------------\nIN: pc=0x%08" VADDR_PRIx " flags=0x%x\n",
                      pc, flags);
            if (host && tb->size) {
                const CPUClass *cc = cpu->cc;
                int mode = cc->disas_mode_now ? cc->disas_mode_now(cpu, flags)
                                              : cc->disas_mode;
                disas_print(mimic_logfile, cc->disas_arch, mode,
                            (uint8_t *)host + (pc & ~TARGET_PAGE_MASK),
                            MIN_U(tb->size, TARGET_PAGE_SIZE - (pc & ~TARGET_PAGE_MASK)),
                            pc, 0);
            }
            mimic_log("\n");
        }

        jit_populate_ahead(JIT_POPULATE_CODE, code_gen_ptr);
        jit_populate_ahead(JIT_POPULATE_TBS, (uint8_t *)&tb_pool[tb_pool_len]);
        uint8_t *code = code_gen_ptr;
        size_t room = code_gen_buffer + code_gen_buffer_size - code;
        int size = tcg_gen_code(s, tb, code, room);
        size_t rec = size >= 0 ? encode_insn_records(s, tb, code + size, room - size) : 0;
        if (size < 0 || rec == 0) {
            /*
             * Out of room. With code already in the buffer, start over with an empty
             * one; if even that fails the TB itself is too big for the backend (its
             * chaining offsets are 16-bit), so translate fewer insns.
             */
            tb_pool_len--;                  /* tb is the last header handed out */
            if (code_gen_ptr > code_gen_start) {
                tb_flush(cpu);
            } else if (max_insns > 1) {
                max_insns = (max_insns + 1) / 2;
            } else {
                fprintf(stderr, "mimic: internal error: one guest insn does not fit in "
                        "an empty %zu MiB code buffer\n", code_gen_buffer_size >> 20);
                abort();
            }
            continue;
        }
        ifconv_translated(cpu, s);
        tb->tc.ptr = tcg_splitwx_to_rx(s, code);
        tb->tc.size = size;
        /* Read through the executable view: the writable one may be released. */
        tb->insn_records = tcg_splitwx_to_rx(s, code + size);
        for (int i = 0; i < 2; i++) {
            tb->jmp_reset_offset[i] = s->goto_tb_reset_off[i];
            tb->jmp_insn_offset[i] = s->goto_tb_insn_off[i];
        }
        tb->loop_head_offset = s->loop_head_off;
        tb->loop_slots = s->loop_head_off != 0xffff ? s->loop_slots : 0;
        code_gen_ptr = (uint8_t *)QEMU_ALIGN_UP((uintptr_t)(code + size + rec),
                                                CODE_GEN_ALIGN);
        tb_list_append(tb);
        perfmap_add(tb);
        code_release_rw();

        if (mimic_log_enabled(LOG_OUT_ASM)) {
            mimic_log("OUT: [size=%d]\n", size);
            if (s->backend->disas) {
                s->backend->disas(mimic_logfile, tb->tc.ptr, size);
            }
            mimic_log("\n");
        }

        jit_stats.tbs_translated++;
        jit_stats.guest_insns_translated += n;
        jit_stats.host_bytes += size;
        jit_stats.code_buffer_used = code_gen_ptr - code_gen_buffer;
        int64_t t1 = get_clock_ns();
        if (t0 && t1 > t0) {        /* jitstats may be switched on or off meanwhile */
            jit_stats.translate_ns += t1 - t0;
        }
        if (mimic_log_enabled(LOG_JITSTATS)) {
            census_note(tb, host);  /* not translation time */
        }

        if (!(cflags & CF_NOCACHE)) {
            tb_link(tb, cpu->cc->tb_flags_optional);
        }
        return tb;
    }
}

/* The -d items that show a TB's translation. */
#define LOG_TB_ITEMS (LOG_IN_ASM | LOG_OP | LOG_OP_OPT | LOG_OUT_ASM)

TranslationBlock *tb_gen_code(CPUState *cpu, vaddr pc, uint32_t cs_base, uint32_t flags,
                              uint32_t cflags)
{
    unsigned level = mimic_loglevel;
    TranslationBlock *tb;

    /* -dfilter: a TB that starts outside the ranges logs none of its translation. */
    if (unlikely(level & LOG_TB_ITEMS) && !mimic_log_in_range(pc)) {
        mimic_loglevel = level & ~LOG_TB_ITEMS;
        tb = tb_gen_code_logged(cpu, pc, cs_base, flags, cflags);
        mimic_loglevel = level;
        return tb;
    }
    return tb_gen_code_logged(cpu, pc, cs_base, flags, cflags);
}

void jit_stats_print(FILE *f)
{
    JITStats *j = &jit_stats;
    if (tcg_ctx) {
        j->ir_ops_before_opt = tcg_ctx->stat_ops_in;
        j->ir_ops_after_opt = tcg_ctx->stat_ops_opt;
    }
    fprintf(f, "Translation blocks          %" PRIu64 "\n", j->tbs_translated);
    fprintf(f, "Guest insns translated      %" PRIu64 "\n", j->guest_insns_translated);
    if (j->guest_insns_translated) {
        fprintf(f, "Host bytes / guest insn     %.1f\n",
                (double)j->host_bytes / j->guest_insns_translated);
        fprintf(f, "Guest insns / TB            %.1f\n",
                (double)j->guest_insns_translated / j->tbs_translated);
    }
    if (j->ir_ops_before_opt) {
        fprintf(f, "IR ops before/after opt     %" PRIu64 " / %" PRIu64 "\n",
                j->ir_ops_before_opt, j->ir_ops_after_opt);
    }
    if (j->translate_ns) {
        fprintf(f, "Translation time            %.3f s CPU (%.0f guest insns/s)\n",
                j->translate_ns / 1e9,
                j->guest_insns_translated / (j->translate_ns / 1e9));
    }
    if (tcg_ctx) {
        fprintf(f, "Shared TLB checks           %" PRIu64 " (for %" PRIu64 " more accesses)\n",
                tcg_ctx->stat_ldst_groups, tcg_ctx->stat_ldst_members);
        fprintf(f, "Merged constant stores      %" PRIu64 " runs (covering %" PRIu64
                " more stores)\n", tcg_ctx->stat_st_wide, tcg_ctx->stat_st_covered);
        fprintf(f, "If-converted branches       %" PRIu64 " (%" PRIu64 " counted in %" PRIu64
                " TBs; %" PRIu64 " verdicts, %" PRIu64 " converting)\n",
                tcg_ctx->stat_ifconv_converted, tcg_ctx->stat_ifconv_profiled,
                j->ifconv_profiled_tbs, j->ifconv_verdicts, j->ifconv_apply_verdicts);
        fprintf(f, "Self-loop TBs               %" PRIu64 " (%" PRIu64 " globals in registers)\n",
                tcg_ctx->stat_loop_tbs, tcg_ctx->stat_loop_globals);
    }
    fprintf(f, "TB lookups in the loop      %" PRIu64 " (jump cache hits %" PRIu64 ")\n",
            j->tb_lookups, j->jmp_cache_hits);
    fprintf(f, "Jumps chained               %" PRIu64 " (self loops %" PRIu64
            ", refused %" PRIu64 ")\n", j->chained, j->loop_chained, j->loop_refused);
    fprintf(f, "goto_ptr hits / misses      %" PRIu64 " / %" PRIu64 "\n",
            j->goto_ptr_hits, j->goto_ptr_misses);
    fprintf(f, "TB invalidations            %" PRIu64 "\n", j->invalidations);
    fprintf(f, "Translated again            %" PRIu64 " same code, %" PRIu64
            " changed code, %" PRIu64 " other flags, %" PRIu64 " other vaddr, %"
            PRIu64 " uncached\n", j->retrans_same_code, j->retrans_new_code,
            j->retrans_other_flags, j->retrans_other_vaddr, j->retrans_nocache);
    fprintf(f, "Code buffer flushes         %" PRIu64 "\n", j->flushes);
    fprintf(f, "Code buffer used            %" PRIu64 " / %" PRIu64 " KiB\n",
            j->code_buffer_used >> 10, j->code_buffer_size >> 10);
    fprintf(f, "Softmmu TLB fills / flushes %" PRIu64 " / %" PRIu64 "\n",
            j->tlb_fills, j->tlb_flushes);
}
