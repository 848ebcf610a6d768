/*
 * MIPS Malta board FPGA (the "peripheral bus" registers at 0x1f000000): LED bar,
 * 8-character ASCII display, software reset, DIP switches, I2C bit-bang port and
 * the CBUS UART at offset 0x900.
 */
#ifndef HW_MISC_MALTA_FPGA_H
#define HW_MISC_MALTA_FPGA_H

#include "hw/qdev.h"
#include "exec/memory.h"
#include "chardev/char.h"

#define MALTA_FPGA_SIZE        0x100000
/* Register offsets (MIPS Malta User's Manual, "Malta board registers"). */
#define MALTA_FPGA_NMISTATUS   0x024
#define MALTA_FPGA_NMIACK      0x104
#define MALTA_FPGA_SWITCH      0x200
#define MALTA_FPGA_STATUS      0x208
#define MALTA_FPGA_JMPRS       0x210
#define MALTA_FPGA_LEDBAR      0x408
#define MALTA_FPGA_ASCIIWORD   0x410
#define MALTA_FPGA_ASCIIPOS0   0x418      /* ASCIIPOS0..7 every 8 bytes */
#define MALTA_FPGA_ASCIIPOS7   0x450
#define MALTA_FPGA_SOFTRES     0x500
#define  MALTA_FPGA_SOFTRES_GORESET 0x42
#define MALTA_FPGA_BRKRES      0x508
#define MALTA_FPGA_UART        0x900      /* CBUS UART, registers every 8 bytes */
#define MALTA_FPGA_UART_END    0xa00
#define MALTA_FPGA_GPOUT       0xa00
#define MALTA_FPGA_GPINP       0xa08
#define MALTA_FPGA_I2CINP      0xb00
#define MALTA_FPGA_I2COE       0xb08
#define MALTA_FPGA_I2COUT      0xb10
#define MALTA_FPGA_I2CSEL      0xb18

/* REVISION register at 0x1fc00010: CoreLV core card (CORID 1) on a Malta (PROID 2). */
#define MALTA_REVISION_CORELV  0x00000420

/* The SDRAM module's SPD EEPROM (a 24C02 at I2C address 0x50) on the FPGA's
 * bit-banged I2C bus: the slave's bus state. */
#define MALTA_SPD_I2C_ADDR     0x50
#define MALTA_SPD_SIZE         256

typedef struct MaltaSPDState {
    uint8_t data[MALTA_SPD_SIZE];
    uint8_t state;                 /* MaltaSPDPhase */
    uint8_t bitcnt, shift;
    uint8_t ptr;                   /* word address */
    uint8_t scl, sda;              /* last master-driven levels */
    uint8_t sda_out;               /* what the EEPROM drives: 1 = released */
    uint8_t master_ack;
} MaltaSPDState;

typedef struct MaltaFPGAState {
    DeviceState parent;
    MemoryRegion container;        /* the whole 1 MiB window */
    MemoryRegion regs_lo, regs_hi; /* around the UART's 0x900-0x9ff */
    DeviceState *uart;
    /* Properties. */
    uint32_t switches;             /* DIP switch S5 */
    uint32_t big_endian;           /* STATUS bit: board strapped big-endian */
    uint64_t ram_size;             /* described by the SPD EEPROM */
    /* Registers. */
    uint32_t leds;
    uint32_t brk;
    uint32_t gpout;
    uint32_t i2coe, i2cout, i2csel;
    char display[9];               /* ASCIIPOS0..7, NUL-terminated */
    MaltaSPDState spd;
} MaltaFPGAState;

/* Create the FPGA at base of space; the CBUS UART uses uart_irq and chr (may be NULL:
 * the UART still exists, its output goes nowhere); the SPD EEPROM describes
 * ram_size bytes of SDRAM. */
MaltaFPGAState *malta_fpga_init(MemoryRegion *space, hwaddr base, IRQLine *uart_irq,
                                Chardev *chr, uint64_t ram_size, GError **errp);
/* JEDEC SPD contents for a PC100 SDRAM module of (about) ram_size bytes. */
void malta_spd_fill(uint8_t *data, uint64_t ram_size);
/* What the ASCII display shows now (8 characters). */
const char *malta_fpga_display_text(MaltaFPGAState *s);
/* Register access as the CPU makes it (tests). */
uint64_t malta_fpga_read(void *opaque, hwaddr off, unsigned size);
void malta_fpga_write(void *opaque, hwaddr off, uint64_t val, unsigned size);

extern const DeviceClass malta_fpga_class;

#endif
