/* Support for the bare-metal i386 guest tests: serial output, checks, traps. */
#ifndef I386_GUEST_LIB_H
#define I386_GUEST_LIB_H

typedef unsigned int uint32_t;
typedef int int32_t;
typedef unsigned short uint16_t;
typedef short int16_t;
typedef unsigned char uint8_t;
typedef signed char int8_t;
typedef unsigned long long uint64_t;
typedef long long int64_t;

/* Layout pushed by the stubs in start.S (lowest address first). */
struct trap_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax;
    uint32_t vec, err;
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;           /* only when coming from ring 3 */
};

/* Flags */
#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_TF 0x100
#define F_IF 0x200
#define F_DF 0x400
#define F_OF 0x800
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

void putchar_(char c);
void puts_(const char *s);
void printf_(const char *fmt, ...);
void check(const char *name, uint32_t got, uint32_t expected);
void check64(const char *name, uint64_t got, uint64_t expected);
void test_exit(int code) __attribute__((noreturn));
int done(void);
void lib_init(void);
/* The 8259 pair at vectors 0x20 (master) and 0x28 (slave), only IRQ0 unmasked. */
void pic_init_irq0_only(void);
/* PIT channel 0 as a rate generator dividing 1.193182 MHz by div (1193: ~1 kHz). */
void pit_init(uint16_t div);

/* Trap bookkeeping: a trap with recover_eip set resumes there. */
extern volatile uint32_t recover_eip;
extern volatile uint32_t last_vec, last_err, last_eip, trap_count;
typedef void (*trap_handler_fn)(struct trap_frame *f);
extern trap_handler_fn trap_handlers[256];
void trap_dispatch(struct trap_frame *f);
void set_gdt_entry(int index, uint32_t base, uint32_t limit, uint32_t type_flags);
void set_idt_gate(int vec, uint32_t handler, uint16_t sel, uint32_t type_dpl);
void tss_setup(uint32_t esp0);
extern unsigned long long gdt[];
extern unsigned long long idt[];
extern char stack_top[];

/* Run INSNS (asm text); a trap in it resumes right after it. Yields the vector or -1. */
#define TRAP_PROBE(insns, ...)                                              \
    ({                                                                      \
        last_vec = (uint32_t)-1;                                            \
        __asm__ volatile("" : : : "memory");                                \
        __asm__ volatile("movl $1f, recover_eip\n\t" insns "\n1:\n\t"       \
                         "movl $0, recover_eip" __VA_ARGS__);              \
        __asm__ volatile("" : : : "memory");                                \
        (int)last_vec;                                                      \
    })

static inline uint32_t read_flags(void)
{
    uint32_t f;
    __asm__ volatile("pushfl; popl %0" : "=r"(f));
    return f;
}

#endif
