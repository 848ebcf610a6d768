/*
 * Local APIC (one per x86 CPU, registers at 0xfee00000 in that CPU's view of
 * memory) and the 82093AA I/O APIC (0xfec00000) of the PC board.
 */
#ifndef HW_I386_APIC_H
#define HW_I386_APIC_H

#include "qemu/osdep.h"
#include "hw/qdev.h"
#include "hw/irq.h"
#include "hw/core/cpu.h"
#include "exec/memory.h"
#include "qemu/timer.h"

#define TYPE_APIC "apic"
#define TYPE_IOAPIC "ioapic"

#define APIC_DEFAULT_ADDRESS   0xfee00000
#define IOAPIC_DEFAULT_ADDRESS 0xfec00000
#define APIC_MAX               16
#define IOAPIC_NUM_PINS        24
/* The APIC bus clock the timer counts (as QEMU: 1 GHz). */
#define APIC_BUS_HZ            1000000000LL

/* Register offsets (Intel SDM Vol. 3, table "Local APIC Register Address Map"). */
#define APIC_ID        0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_APR       0x090
#define APIC_PPR       0x0a0
#define APIC_EOI       0x0b0
#define APIC_LDR       0x0d0
#define APIC_DFR       0x0e0
#define APIC_SVR       0x0f0
#define  APIC_SVR_ENABLE 0x100
#define APIC_ISR       0x100
#define APIC_TMR       0x180
#define APIC_IRR       0x200
#define APIC_ESR       0x280
#define APIC_ICR_LO    0x300
#define APIC_ICR_HI    0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT     0x380
#define APIC_TMCCT     0x390
#define APIC_TDCR      0x3e0

/* LVT / ICR fields. */
#define APIC_LVT_MASKED      (1u << 16)
#define APIC_LVT_PERIODIC    (1u << 17)
#define APIC_LVT_LEVEL       (1u << 15)
#define APIC_DM_SHIFT        8
#define APIC_DM_FIXED        0
#define APIC_DM_LOWEST       1
#define APIC_DM_SMI          2
#define APIC_DM_NMI          4
#define APIC_DM_INIT         5
#define APIC_DM_STARTUP      6
#define APIC_DM_EXTINT       7
#define APIC_ICR_LOGICAL     (1u << 11)
#define APIC_ICR_ASSERT      (1u << 14)
#define APIC_ICR_LEVEL       (1u << 15)
#define APIC_ICR_SHORTHAND_SHIFT 18

/* LVT slots: timer, thermal, performance counters, LINT0, LINT1, error. */
#define APIC_LVT_NB 6

/* What the APICs need from the board (kept out of the device so the same file
 * serves a board without knowing the CPU model's internals). */
typedef struct APICBoardOps {
    /* IA32_APIC_BASE of the APIC's CPU (global enable in bit 11). */
    uint32_t (*get_apic_base)(CPUState *cpu);
    /* INIT: hold the CPU in its reset state until a start-up IPI. */
    void (*init_cpu)(CPUState *cpu);
    /* Start-up IPI: start the CPU in real mode at vector << 12. */
    void (*start_cpu)(CPUState *cpu, int vector);
    /* The 8259's interrupt acknowledge (ExtINT through LINT0). */
    int (*ext_iack)(void *opaque);
    void *ext_opaque;
} APICBoardOps;

struct IOAPICState;

typedef struct APICState {
    DeviceState parent;

    uint32_t id;                    /* property "id": the initial APIC ID */
    CPUState *cpu;
    const APICBoardOps *ops;
    struct IOAPICState *ioapic;     /* EOIs of level-triggered vectors go here */
    MemoryRegion io;

    uint32_t apic_id;               /* bits 31:24 of the ID register */
    uint32_t tpr, ldr, dfr, svr, esr;
    uint32_t icr[2];
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t lvt[APIC_LVT_NB];
    uint32_t divide_conf;
    uint32_t initial_count;
    int64_t count_load_time;        /* CLOCK_VIRTUAL ns at which counting started */
    int32_t extint_level;           /* LINT0 input (the 8259's INT) */
    int32_t lint1_level;
    bool wait_for_sipi;
    Timer timer;
} APICState;

typedef struct IOAPICState {
    DeviceState parent;
    MemoryRegion io;
    uint32_t id;
    uint32_t ioregsel;
    uint64_t redtbl[IOAPIC_NUM_PINS];
    uint32_t irr;                   /* input levels (level mode) / latched edges */
    uint32_t level;                 /* current input levels */
    IRQLine **in;
} IOAPICState;

/* A CPU's local APIC. map_into: the CPU's own view of memory (its registers are
 * mapped at APIC_DEFAULT_ADDRESS there), or NULL to map nothing (tests). */
APICState *apic_init(CPUState *cpu, uint32_t id, const APICBoardOps *ops,
                     MemoryRegion *map_into);
/* The CPU's interrupt acknowledge: the vector to take, or -1 (spurious: none). */
int apic_get_interrupt(APICState *s);
/* LINT0 (the 8259's INT) and LINT1 (NMI) inputs. */
void apic_set_lint0(APICState *s, int level);
void apic_set_lint1(APICState *s, int level);
/* An interrupt message from the I/O APIC or an IPI: vector, trigger mode. */
void apic_deliver(APICState *s, int delivery_mode, int vector, bool level);
/* Which APICs a destination addresses (physical ID or logical mask). */
int apic_match_dest(uint8_t dest, bool logical, APICState **out, int max);
/* Register access (tests, the memory region). */
uint64_t apic_mem_read(void *opaque, hwaddr off, unsigned size);
void apic_mem_write(void *opaque, hwaddr off, uint64_t val, unsigned size);
/* Forget every APIC (tests). */
void apic_unregister_all(void);

IOAPICState *ioapic_init(MemoryRegion *space, hwaddr base);
/* Input pin n (0-23). */
IRQLine *ioapic_input(IOAPICState *s, int n);
/* A local APIC acknowledged (EOI) a level-triggered vector. */
void ioapic_eoi(IOAPICState *s, int vector);
uint64_t ioapic_mem_read(void *opaque, hwaddr off, unsigned size);
void ioapic_mem_write(void *opaque, hwaddr off, uint64_t val, unsigned size);

extern const DeviceClass apic_device_class, ioapic_device_class;

#endif
