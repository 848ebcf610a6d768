/*
 * Segment limit and type checks on data accesses in protected mode (Intel SDM Vol. 3,
 * 5.3 "Limit Checking", 5.4 "Type Checking", 3.4.5.1 expand-down segments, 3.4.2 null
 * selectors; Vol. 3, 6.15 "Interrupt 12" / "Interrupt 13" for the error codes: 0 for
 * every limit or type violation, #SS through SS and #GP through the others). Every
 * check looks at the vector, the error code, the saved eip (a fault: the eip of the
 * access) and that nothing was written or advanced by the faulting instruction.
 * QEMU's TCG does not check data segment limits: these expectations come from the SDM.
 */
#include "lib.h"

#define SEL_A 0x40      /* gdt[8]: the segment under test */
#define SEL_B 0x48      /* gdt[9]: a second one (ES for string insns) */
#define SEL_S 0x50      /* gdt[10]: a stack segment */

/* Descriptor attribute bits (set_gdt_entry's type_flags: high dword bits 8..23). */
#define D_P      0x8000
#define D_S      0x1000
#define D_RW     0x0200     /* data: writable */
#define D_E      0x0400     /* data: expand-down */
#define D_CODE   0x0800
#define D_B      0x400000
#define D_G      0x800000
#define D_DATA_RW   (D_P | D_S | D_RW | D_B)
#define D_DATA_RO   (D_P | D_S | D_B)

static uint8_t buf[64] __attribute__((aligned(16)));
volatile uint32_t fault_at;     /* written by SEG_PROBE's asm */

/*
 * Run SETUP, then INSNS with trap recovery (a fault resumes after INSNS), then
 * RESTORE: the segment register under test is loaded in SETUP and restored in
 * RESTORE, so no compiled code ever runs with it.
 */
#define SEG_PROBE(setup, insns, restore, ...)                               \
    ({                                                                      \
        last_vec = (uint32_t)-1;                                            \
        last_err = (uint32_t)-1;                                            \
        __asm__ volatile("" : : : "memory");                                \
        __asm__ volatile(setup "\n\tmovl $1f, recover_eip\n\t"              \
                         "movl $2f, fault_at\n\t"                           \
                         "2:\n\t" insns "\n1:\n\t"                          \
                         "movl $0, recover_eip\n\t" restore __VA_ARGS__);   \
        __asm__ volatile("" : : : "memory");                                \
        (int)last_vec;                                                      \
    })

#define LOAD_FS(sel) "movw $" #sel ", %%dx; movw %%dx, %%fs"
#define RESTORE_FS "movw $0x10, %%dx; movw %%dx, %%fs"
/* The same, then a jump: the probe runs in a new TB translated for the loaded FS
 * (a segment used in the TB that loaded it is checked another way). */
#define LOAD_FS_TB(sel) LOAD_FS(sel) "; jmp 3f; 3:"

static void fill(void)
{
    for (int i = 0; i < 64; i++) {
        buf[i] = (uint8_t)(0x40 + i);
    }
}

/* A fault at the probed insn: vector, error code 0, eip of the insn. */
static void check_fault(const char *name, int v, int vec)
{
    printf_("  %s\n", name);
    check("vector", v, vec);
    check("error code 0", last_err, 0);
    check("eip at the access", last_eip, fault_at);
}

static void test_expand_up(void)
{
    uint32_t val = 0;
    int v;

    fill();
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:12, %%eax; movl %%eax, %0", RESTORE_FS,
                  : "=m"(val) : : "eax", "edx", "memory");
    check("dword at limit-3 ok", v, -1);
    check("dword at limit-3 value", val, 0x4f4e4d4c);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:13, %%eax", RESTORE_FS, : : : "eax", "edx");
    check_fault("dword crossing the limit: #GP(0)", v, 13);
    v = SEG_PROBE(LOAD_FS(0x40), "movb %%fs:15, %%al", RESTORE_FS, : : : "eax", "edx");
    check("byte at limit ok", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40), "movb %%fs:16, %%al", RESTORE_FS, : : : "eax", "edx");
    check_fault("byte past limit", v, 13);
    v = SEG_PROBE(LOAD_FS(0x40), "movw %%fs:15, %%ax", RESTORE_FS, : : : "eax", "edx");
    check_fault("word last byte past limit", v, 13);
    v = SEG_PROBE(LOAD_FS(0x40), "movw %%fs:14, %%ax", RESTORE_FS, : : : "eax", "edx");
    check("word at limit-1 ok", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:0xfffffffe, %%eax", RESTORE_FS, : : : "eax",
                  "edx");
    check_fault("offset wrapping past 4 GiB", v, 13);
    /* Stores: a faulting store writes nothing. */
    v = SEG_PROBE(LOAD_FS(0x40), "movl $0x11223344, %%fs:13", RESTORE_FS, : : : "edx",
                  "memory");
    check_fault("store crossing the limit", v, 13);
    check("nothing written", buf[13] | (buf[14] << 8) | (buf[15] << 16), 0x4f4e4d);
    v = SEG_PROBE(LOAD_FS(0x40), "movl $0x11223344, %%fs:12", RESTORE_FS, : : : "edx",
                  "memory");
    check("store at limit-3 ok", v, -1);
    check("stored", buf[12] | (buf[15] << 24), 0x11000044);
    /* Read-modify-write and an explicit base + index address. */
    fill();
    v = SEG_PROBE(LOAD_FS(0x40) "; movl $3, %%ecx", "addl $1, %%fs:10(%%ecx)", RESTORE_FS,
                  : : : "ecx", "edx", "memory");
    check_fault("add to memory crossing the limit", v, 13);
    check("rmw wrote nothing", buf[13], 0x4d);
    /* A segment with a base and a 4 GiB limit: plain base + offset. */
    set_gdt_entry(8, (uint32_t)buf + 8, 0xfffff, D_DATA_RW | D_G);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:4, %%eax; movl %%eax, %0", RESTORE_FS,
                  : "=m"(val) : : "eax", "edx", "memory");
    check("flat-limit fs with base", v, -1);
    check("flat-limit fs value", val, 0x4f4e4d4c);
    /* Page-granular limit: offsets up to (limit << 12) | 0xfff. */
    set_gdt_entry(8, (uint32_t)buf - 0xff8, 0, D_DATA_RW | D_G);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:0xffc, %%eax", RESTORE_FS, : : : "eax", "edx");
    check("G=1 limit 0xfff: dword at 0xffc ok", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:0xffd, %%eax", RESTORE_FS, : : : "eax", "edx");
    check_fault("G=1 limit 0xfff: dword at 0xffd", v, 13);
}

/* The checks compiled from the TB flags (segment loaded in an earlier TB). */
static void test_in_later_tb(void)
{
    int v;

    fill();
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:12, %%eax", RESTORE_FS, : : : "eax", "edx");
    check("later TB: dword at limit-3 ok", v, -1);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:13, %%eax", RESTORE_FS, : : : "eax", "edx");
    check_fault("later TB: dword crossing the limit", v, 13);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:0xfffffffe, %%eax", RESTORE_FS, : : : "eax",
                  "edx");
    check_fault("later TB: offset wrapping", v, 13);
    v = SEG_PROBE(LOAD_FS_TB(0x40) "; movl $8, %%ecx", "movsbl %%fs:7(%%ecx), %%eax",
                  RESTORE_FS, : : : "eax", "ecx", "edx");
    check("later TB: byte at limit ok", v, -1);
    v = SEG_PROBE(LOAD_FS_TB(0x40) "; movl $9, %%ecx", "movsbl %%fs:7(%%ecx), %%eax",
                  RESTORE_FS, : : : "eax", "ecx", "edx");
    check_fault("later TB: byte past limit", v, 13);
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RO);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:12, %%eax", RESTORE_FS, : : : "eax", "edx");
    check("later TB: read-only read ok", v, -1);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%eax, %%fs:0", RESTORE_FS, : : : "edx", "memory");
    check_fault("later TB: read-only store", v, 13);
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW | D_E);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:16, %%eax", RESTORE_FS, : : : "eax", "edx");
    check("later TB: expand-down above the limit", v, -1);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:14, %%eax", RESTORE_FS, : : : "eax", "edx");
    check_fault("later TB: expand-down at the limit", v, 13);
    v = SEG_PROBE("xorl %%edx, %%edx; movw %%dx, %%fs; jmp 3f; 3:", "movl %%fs:0, %%eax",
                  RESTORE_FS, : : : "eax", "edx");
    check_fault("later TB: null fs", v, 13);
    /* GS is read at run time at CPL 0 whichever TB loaded it. */
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE("movw $0x40, %%dx; movw %%dx, %%gs; jmp 3f; 3:", "movl %%gs:13, %%eax",
                  "movw $0x10, %%dx; movw %%dx, %%gs", : : : "eax", "edx");
    check_fault("later TB: gs crossing the limit", v, 13);
    /* ES with a limit, as string insns use it. */
    set_gdt_entry(9, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE("movw $0x48, %%dx; movw %%dx, %%es; movl $14, %%edi; jmp 3f; 3:",
                  "stosw", "movw $0x10, %%dx; movw %%dx, %%es", : : : "eax", "edx",
                  "edi", "memory");
    check("later TB: stosw at limit-1 ok", v, -1);
    v = SEG_PROBE("movw $0x48, %%dx; movw %%dx, %%es; movl $15, %%edi; jmp 3f; 3:",
                  "stosw", "movw $0x10, %%dx; movw %%dx, %%es", : : : "eax", "edx",
                  "edi", "memory");
    check_fault("later TB: stosw crossing the limit", v, 13);
}

static void test_types(void)
{
    int v;

    fill();
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RO);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:0, %%eax", RESTORE_FS, : : : "eax", "edx");
    check("read-only data: read ok", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40), "movb $1, %%fs:0", RESTORE_FS, : : : "edx", "memory");
    check_fault("read-only data: store", v, 13);
    check("read-only: nothing written", buf[0], 0x40);
    v = SEG_PROBE(LOAD_FS(0x40), "incl %%fs:4", RESTORE_FS, : : : "edx", "memory");
    check_fault("read-only data: inc", v, 13);
    /* A readable code segment in a data segment register: readable, never writable. */
    v = SEG_PROBE(LOAD_FS(0x08), "movl %%fs:(%%ecx), %%eax", RESTORE_FS,
                  : : "c"(buf) : "eax", "edx");
    check("code segment read through fs", v, -1);
    v = SEG_PROBE(LOAD_FS(0x08), "movl %%eax, %%fs:(%%ecx)", RESTORE_FS,
                  : : "c"(buf) : "eax", "edx", "memory");
    check_fault("store through a code segment", v, 13);
    v = SEG_PROBE("", "movl %%cs:(%%ecx), %%eax", "", : : "c"(buf) : "eax");
    check("cs override read", v, -1);
    v = SEG_PROBE("", "movl %%eax, %%cs:(%%ecx)", "", : : "c"(buf) : "eax", "memory");
    check_fault("cs override store", v, 13);
    /* Null selector: loading is fine, any use is #GP(0). */
    v = SEG_PROBE("xorl %%edx, %%edx; movw %%dx, %%fs", "movl %%fs:0, %%eax", RESTORE_FS,
                  : : : "eax", "edx");
    check_fault("null fs read", v, 13);
    v = SEG_PROBE("movw $3, %%dx; movw %%dx, %%gs", "movl %%eax, %%gs:(%%ecx)",
                  "movw $0x10, %%dx; movw %%dx, %%gs", : : "c"(buf) : "edx", "memory");
    check_fault("null gs (rpl 3) store", v, 13);
}

static void test_expand_down(void)
{
    uint32_t val = 0;
    int v;

    fill();
    /* 32-bit expand-down (B = 1), limit 15: offsets 16..FFFFFFFFh are valid. */
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW | D_E);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:16, %%eax; movl %%eax, %0", RESTORE_FS,
                  : "=m"(val) : : "eax", "edx", "memory");
    check("expand-down: dword at limit+1", v, -1);
    check("expand-down value", val, 0x53525150);
    v = SEG_PROBE(LOAD_FS(0x40), "movb %%fs:15, %%al", RESTORE_FS, : : : "eax", "edx");
    check_fault("expand-down: byte at limit", v, 13);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:0, %%eax", RESTORE_FS, : : : "eax", "edx");
    check_fault("expand-down: offset 0", v, 13);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:0xfffffffc, %%eax", RESTORE_FS, : : : "eax",
                  "edx");
    check("expand-down: dword at FFFFFFFCh", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40), "movl %%fs:0xfffffffe, %%eax", RESTORE_FS, : : : "eax",
                  "edx");
    check_fault("expand-down: dword wrapping 4 GiB", v, 13);
    /* 16-bit expand-down (B = 0): the upper bound is FFFFh. */
    set_gdt_entry(8, (uint32_t)buf, 15, D_P | D_S | D_RW | D_E);
    v = SEG_PROBE(LOAD_FS(0x40), "movw %%fs:0xfffe, %%ax", RESTORE_FS, : : : "eax", "edx");
    check("expand-down 16: word at FFFEh", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40), "movw %%fs:0xffff, %%ax", RESTORE_FS, : : : "eax", "edx");
    check_fault("expand-down 16: word at FFFFh", v, 13);
    v = SEG_PROBE(LOAD_FS(0x40), "movb %%fs:0x10000, %%al", RESTORE_FS, : : : "eax", "edx");
    check_fault("expand-down 16: byte at 10000h", v, 13);
}

static void test_string(void)
{
    uint32_t edi = 0, ecx = 0, esi = 0;
    int v;

    fill();
    set_gdt_entry(9, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE("movw $0x48, %%dx; movw %%dx, %%es",
                  "movl $12, %%edi; movl $0x01020304, %%eax; cld; stosl",
                  "movw $0x10, %%dx; movw %%dx, %%es", : : : "eax", "edx", "edi", "memory");
    check("stosl at limit-3", v, -1);
    check("stosl wrote", buf[15], 0x01);
    fill();
    v = SEG_PROBE("movw $0x48, %%dx; movw %%dx, %%es; movl $14, %%edi",
                  "stosl",
                  "movl %%edi, %0; movw $0x10, %%dx; movw %%dx, %%es",
                  : "=m"(edi) : "a"(0) : "edx", "edi", "memory");
    check_fault("stosl crossing the limit", v, 13);
    check("stosl: edi not advanced", edi, 14);
    check("stosl: nothing written", buf[14], 0x4e);
    /* REP STOSB: stops at the first byte past the limit with ecx/edi of that byte. */
    fill();
    v = SEG_PROBE("movw $0x48, %%dx; movw %%dx, %%es; movl $10, %%edi; movl $10, %%ecx;"
                  "movb $0xaa, %%al", "rep stosb",
                  "movl %%edi, %0; movl %%ecx, %1; movw $0x10, %%dx; movw %%dx, %%es",
                  : "=m"(edi), "=m"(ecx) : : "eax", "ecx", "edx", "edi", "memory");
    check_fault("rep stosb runs into the limit", v, 13);
    check("rep stosb: edi at the limit+1", edi, 16);
    check("rep stosb: ecx left", ecx, 4);
    check("rep stosb: bytes up to the limit written", buf[15], 0xaa);
    check("rep stosb: no byte past the limit", buf[16], 0x50);
    /* MOVSB with a limited source (fs override) and a flat destination. */
    fill();
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE(LOAD_FS(0x40) "; movl $14, %%esi; leal 32(%%ecx), %%edi; movl $4, %%ecx",
                  "rep movsb %%fs:(%%esi), %%es:(%%edi)",
                  "movl %%esi, %0; movl %%ecx, %1;" RESTORE_FS,
                  : "=m"(esi), "=m"(ecx) : "c"(buf) : "edx", "esi", "edi", "memory");
    check_fault("rep movsb from a limited source", v, 13);
    check("movsb: esi at the limit+1", esi, 16);
    check("movsb: ecx left", ecx, 2);
    check("movsb: copied bytes", buf[32] | (buf[33] << 8), 0x4f4e);
    check("movsb: no more", buf[34], 0x62);
    /* LODS/SCAS and CMPS read through their segments too. */
    v = SEG_PROBE(LOAD_FS(0x40) "; movl $13, %%esi", "lodsl %%fs:(%%esi), %%eax",
                  RESTORE_FS, : : : "eax", "edx", "esi");
    check_fault("lodsl crossing the limit", v, 13);
    v = SEG_PROBE("movw $0x48, %%dx; movw %%dx, %%es; movl $15, %%edi", "scasw",
                  "movw $0x10, %%dx; movw %%dx, %%es", : : : "edx", "edi");
    check_fault("scasw crossing the limit", v, 13);
}

static void test_stack_segment(void)
{
    uint32_t esp_at = 0, lim;
    int v;

    /* Expand-down 32-bit stack: offsets 1000h..FFFFFFFFh, so the test stack is in it. */
    set_gdt_entry(10, 0, 0xfff, D_DATA_RW | D_E);
    v = SEG_PROBE("movw $0x50, %%dx; movw %%dx, %%ss", "movl %%ss:0x800, %%eax",
                  "movw $0x10, %%dx; movw %%dx, %%ss", : : : "eax", "edx");
    check_fault("ss override below an expand-down limit: #SS(0)", v, 12);
    v = SEG_PROBE("movw $0x50, %%dx; movw %%dx, %%ss; pushl %%ebp; movl $0xffe, %%ebp",
                  "movl (%%ebp), %%eax",
                  "popl %%ebp; movw $0x10, %%dx; movw %%dx, %%ss", : : : "eax", "edx");
    check_fault("ebp-based access crossing an expand-down limit: #SS(0)", v, 12);
    v = SEG_PROBE("movw $0x50, %%dx; movw %%dx, %%ss", "movl %%ss:0x1000, %%eax; pushl %%eax;"
                  "popl %%eax", "movw $0x10, %%dx; movw %%dx, %%ss", : : : "eax", "edx");
    check("expand-down stack: push/pop and access above the limit", v, -1);
    /* Expand-up stack whose (page-granular) limit ends a little above the stack. */
    lim = (((uint32_t)stack_top + 0x1000) >> 12);
    set_gdt_entry(10, 0, lim, D_DATA_RW | D_G);
    lim = (lim << 12) | 0xfff;
    v = SEG_PROBE("movw $0x50, %%dx; movw %%dx, %%ss", "movl %%ss:-1(%%ecx), %%eax",
                  "movw $0x10, %%dx; movw %%dx, %%ss", : : "c"(lim) : "eax", "edx");
    check_fault("dword through ss at limit: #SS(0)", v, 12);
    v = SEG_PROBE("movw $0x50, %%dx; movw %%dx, %%ss", "movl %%ds:-1(%%ecx), %%eax",
                  "movw $0x10, %%dx; movw %%dx, %%ss", : : "c"(lim) : "eax", "edx");
    check("same offset through flat ds", v, -1);
    v = SEG_PROBE("movw $0x50, %%dx; movw %%dx, %%ss; movl %%esp, %%ebx;"
                  "leal -1(%%ecx), %%esp", "pushl %%eax",
                  "movl %%esp, %0; movl %%ebx, %%esp; movw $0x10, %%dx; movw %%dx, %%ss",
                  : "=m"(esp_at) : "c"(lim - 0x100) : "eax", "ebx", "edx", "memory");
    check("push below the limit ok", v, -1);
    (void)esp_at;
}

static void test_fpu_operands(void)
{
    int v;

    fill();
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE(LOAD_FS(0x40), "flds %%fs:12; fstp %%st(0)", RESTORE_FS, : : : "edx");
    check("flds at limit-3", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40), "flds %%fs:13", RESTORE_FS, : : : "edx");
    check_fault("flds crossing the limit", v, 13);
    v = SEG_PROBE(LOAD_FS(0x40), "fldl %%fs:8; fstp %%st(0)", RESTORE_FS, : : : "edx");
    check("fldl at limit-7", v, -1);
    v = SEG_PROBE(LOAD_FS(0x40) "; fldz", "fstpl %%fs:9", RESTORE_FS, : : : "edx", "memory");
    check_fault("fstpl crossing the limit", v, 13);
    __asm__ volatile("fninit");
}

/*
 * Reloading the selector a register already holds: the descriptor is read again
 * and checked every time (the emulator skips only its derived state when nothing
 * changed), so an edit of the descriptor in the GDT takes effect on the reload.
 */
static void test_reload_same(void)
{
    int v;

    fill();
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    __asm__ volatile(LOAD_FS(0x40) : : : "edx");
    set_gdt_entry(8, (uint32_t)buf, 7, D_DATA_RW);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:12, %%eax", RESTORE_FS, : : : "eax", "edx");
    check_fault("reload: smaller limit applies", v, 13);
    __asm__ volatile(LOAD_FS(0x40) : : : "edx");
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:12, %%eax", RESTORE_FS, : : : "eax", "edx");
    check("reload: larger limit applies", v, -1);
    __asm__ volatile(LOAD_FS(0x40) : : : "edx");
    v = SEG_PROBE(LOAD_FS_TB(0x40) "; " LOAD_FS(0x40) "; jmp 4f; 4:", "movl %%fs:12, %%eax",
                  RESTORE_FS, : : : "eax", "edx");
    check("reload: same descriptor twice", v, -1);
    v = SEG_PROBE(LOAD_FS_TB(0x40) "; " LOAD_FS(0x40) "; jmp 4f; 4:", "movl %%fs:13, %%eax",
                  RESTORE_FS, : : : "eax", "edx");
    check_fault("reload: same descriptor twice, past limit", v, 13);
    /* A reload that changes the segment's class (writable to read-only, flat to
     * limited) must change the checks compiled into later TBs. */
    __asm__ volatile(LOAD_FS(0x40) : : : "edx");
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RO);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%eax, %%fs:0", RESTORE_FS, : : : "edx", "memory");
    check_fault("reload: now read-only", v, 13);
    set_gdt_entry(8, 0, 0xfffff, D_DATA_RW | D_G);
    __asm__ volatile(LOAD_FS(0x40) : : : "edx");
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
    v = SEG_PROBE(LOAD_FS_TB(0x40), "movl %%fs:13, %%eax", RESTORE_FS, : : : "eax", "edx");
    check_fault("reload: flat to limited", v, 13);
    /*
     * The checks still run: the descriptor made not-present faults (FS goes back
     * to a valid selector first: the trap handler saves and restores it).
     */
    __asm__ volatile(RESTORE_FS : : : "edx");
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW & ~D_P);
    v = TRAP_PROBE(LOAD_FS(0x40), : : : "edx");
    check("reload: not present #NP", v, 11);
    check("reload: #NP error code", last_err, 0x40);
    set_gdt_entry(8, (uint32_t)buf, 15, D_DATA_RW);
}

int main(void)
{
    test_expand_up();
    test_in_later_tb();
    test_types();
    test_expand_down();
    test_string();
    test_stack_segment();
    test_reload_same();
    test_fpu_operands();
    return done();
}
