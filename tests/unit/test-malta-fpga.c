/*
 * Unit tests for hw/misc/malta-fpga.c through the CPU address space: LED bar and
 * ASCII display, SOFTRES (0x42 resets the board, or ends the emulator under
 * -no-reboot), switches/status, the I2C lines, the CBUS UART at 0x900, vmstate.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/misc/malta-fpga.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"
#include "../../softmmu/internal.h"

#define BASE 0x1f000000

static MemoryRegion sysmem;
static AddressSpace as;
static MaltaFPGAState *fpga;

static uint32_t rd(hwaddr off)
{
    uint64_t v = 0;

    cr_assert_eq(address_space_read_val(&as, BASE + off, &v, 4), MEMTX_OK);
    return v;
}

static void wr(hwaddr off, uint32_t v)
{
    cr_assert_eq(address_space_write_val(&as, BASE + off, v, 4), MEMTX_OK);
}

static void setup(void)
{
    GError *err = NULL;

    memory_region_init(&sysmem, "test-sys", 1ULL << 32);
    address_space_init(&as, &sysmem, "test-sys");
    fpga = malta_fpga_init(&sysmem, BASE, NULL, NULL, 256u << 20, &err);
    cr_assert_not_null(fpga, "%s", err ? err->message : "");
}

TestSuite(malta_fpga, .init = setup);

static void show(const char *s)
{
    for (int i = 0; i < 8; i++) {
        wr(MALTA_FPGA_ASCIIPOS0 + 8 * i, (uint8_t)s[i]);
    }
}

Test(malta_fpga, display_and_leds)
{
    cr_assert_str_eq(malta_fpga_display_text(fpga), "        ");
    show("LINUXON ");
    cr_assert_str_eq(malta_fpga_display_text(fpga), "LINUXON ");
    cr_assert_eq(rd(MALTA_FPGA_ASCIIPOS0 + 8), 'I');
    wr(MALTA_FPGA_ASCIIWORD, 0xdeadbeef);
    cr_assert_str_eq(malta_fpga_display_text(fpga), "DEADBEEF");
    wr(MALTA_FPGA_LEDBAR, 0x1a5);
    cr_assert_eq(rd(MALTA_FPGA_LEDBAR), 0xa5);
}

Test(malta_fpga, switches_status_i2c)
{
    cr_assert_eq(rd(MALTA_FPGA_SWITCH), 0);
    cr_assert_eq(rd(MALTA_FPGA_STATUS), 0x10);
    cr_assert_eq(rd(MALTA_FPGA_I2CINP), 3, "both lines float high");
    wr(MALTA_FPGA_I2COUT, 0);
    cr_assert_eq(rd(MALTA_FPGA_I2CINP), 3, "not driven while output disabled");
    wr(MALTA_FPGA_I2COE, 1);
    cr_assert_eq(rd(MALTA_FPGA_I2CINP), 2, "SDA pulled low");
    wr(MALTA_FPGA_I2COE, 3);
    wr(MALTA_FPGA_I2COUT, 2);
    cr_assert_eq(rd(MALTA_FPGA_I2CINP), 2, "SCL released, SDA low");
    wr(MALTA_FPGA_GPOUT, 0x5a);
    cr_assert_eq(rd(MALTA_FPGA_GPOUT), 0x5a);
    cr_assert_eq(rd(MALTA_FPGA_BRKRES), 0x0a);
}

/* Bit-banging the I2C port as firmware does (both outputs enabled; writing 1
 * releases the open-drain line). */
static void i2c_set(int scl, int sda)
{
    wr(MALTA_FPGA_I2COUT, (scl << 1) | sda);
}

static int i2c_sda(void)
{
    return rd(MALTA_FPGA_I2CINP) & 1;
}

static void i2c_start(void)
{
    i2c_set(0, 1);
    i2c_set(1, 1);
    i2c_set(1, 0);
    i2c_set(0, 0);
}

static void i2c_stop(void)
{
    i2c_set(0, 0);
    i2c_set(1, 0);
    i2c_set(1, 1);
}

/* Returns true if the slave acknowledged. */
static bool i2c_write_byte(uint8_t b)
{
    bool ack;

    for (int i = 7; i >= 0; i--) {
        int bit = (b >> i) & 1;

        i2c_set(0, bit);
        i2c_set(1, bit);
        i2c_set(0, bit);
    }
    i2c_set(0, 1);
    i2c_set(1, 1);
    ack = !i2c_sda();
    i2c_set(0, 1);
    return ack;
}

static uint8_t i2c_read_byte(bool ack)
{
    uint8_t b = 0;

    for (int i = 0; i < 8; i++) {
        i2c_set(0, 1);
        i2c_set(1, 1);
        b = b << 1 | i2c_sda();
        i2c_set(0, 1);
    }
    i2c_set(0, !ack);
    i2c_set(1, !ack);
    i2c_set(0, !ack);
    i2c_set(0, 1);
    return b;
}

Test(malta_fpga, spd_eeprom_over_i2c)
{
    uint8_t want[MALTA_SPD_SIZE], got[128];
    unsigned sum = 0;

    malta_spd_fill(want, 256u << 20);
    wr(MALTA_FPGA_I2COE, 3);
    i2c_set(1, 1);

    /* Nobody at 0x51. */
    i2c_start();
    cr_assert_not(i2c_write_byte(0x51 << 1));
    i2c_stop();

    /* Random read from word 0, then sequential. */
    i2c_start();
    cr_assert(i2c_write_byte(MALTA_SPD_I2C_ADDR << 1), "no ACK for the address");
    cr_assert(i2c_write_byte(0x00), "no ACK for the word address");
    i2c_start();
    cr_assert(i2c_write_byte(MALTA_SPD_I2C_ADDR << 1 | 1));
    for (int i = 0; i < 128; i++) {
        got[i] = i2c_read_byte(i < 127);
    }
    i2c_stop();
    cr_assert_eq(memcmp(got, want, sizeof(got)), 0);

    /* What YAMON checks: SDRAM, geometry for 256 MiB, a valid checksum. */
    cr_assert_eq(got[2], 4);
    cr_assert_eq(got[3] + got[4], 23, "2^23 x 4 banks x 8 bytes = 256 MiB");
    cr_assert_eq(got[5], 1);
    cr_assert_eq(got[17], 4);
    cr_assert_eq(got[31], 0x40);
    for (int i = 0; i < 63; i++) {
        sum += got[i];
    }
    cr_assert_eq(got[63], sum & 0xff);

    /* A read without a word address continues where the last one stopped. */
    i2c_start();
    cr_assert(i2c_write_byte(MALTA_SPD_I2C_ADDR << 1 | 1));
    cr_assert_eq(i2c_read_byte(false), want[128]);
    i2c_stop();
    /* Smaller RAM, smaller module. */
    malta_spd_fill(want, 64u << 20);
    cr_assert_eq(want[3] + want[4], 21);
    cr_assert_eq(want[31], 0x10);
}

Test(malta_fpga, softres_resets_board)
{
    int status = -1;

    show("RESETME!");
    wr(MALTA_FPGA_SOFTRES, 0x41);                 /* wrong key: nothing */
    cr_assert_not(runstate_check_requests(&status));
    cr_assert_str_eq(malta_fpga_display_text(fpga), "RESETME!");
    wr(MALTA_FPGA_SOFTRES, MALTA_FPGA_SOFTRES_GORESET);
    cr_assert_not(runstate_check_requests(&status), "a reset keeps the VM running");
    cr_assert_str_eq(malta_fpga_display_text(fpga), "        ", "devices were reset");
}

Test(malta_fpga, softres_with_no_reboot_exits)
{
    int status = -1;

    runstate_set_no_reboot(true);
    wr(MALTA_FPGA_SOFTRES, MALTA_FPGA_SOFTRES_GORESET);
    cr_assert(runstate_check_requests(&status));
    cr_assert_eq(status, 0);
    cr_assert_eq(runstate_get(), RUN_STATE_SHUTDOWN);
}

Test(malta_fpga, cbus_uart_at_0x900)
{
    uint64_t lsr = 0;

    /* 16550 LSR (register 5) every 8 bytes: transmitter empty after reset. */
    cr_assert_eq(address_space_read_val(&as, BASE + MALTA_FPGA_UART + 5 * 8, &lsr, 1),
                 MEMTX_OK);
    cr_assert_eq(lsr & 0x60, 0x60);
    /* Scratch register 7 is read/write. */
    cr_assert_eq(address_space_write_val(&as, BASE + MALTA_FPGA_UART + 7 * 8, 0x3c, 1),
                 MEMTX_OK);
    cr_assert_eq(address_space_read_val(&as, BASE + MALTA_FPGA_UART + 7 * 8, &lsr, 1),
                 MEMTX_OK);
    cr_assert_eq(lsr, 0x3c);
    /* Registers above the UART still decode. */
    cr_assert_eq(rd(MALTA_FPGA_I2CSEL), 1);
}

Test(malta_fpga, vmstate_round_trip)
{
    GByteArray *blob = g_byte_array_new();
    size_t used;

    show("SAVED:-)");
    wr(MALTA_FPGA_LEDBAR, 0x81);
    vmstate_save(malta_fpga_class.vmsd, fpga, blob);
    qdev_reset_all();
    cr_assert_str_eq(malta_fpga_display_text(fpga), "        ");
    cr_assert_eq(vmstate_load(malta_fpga_class.vmsd, fpga, blob->data, blob->len, &used,
                              NULL), 0);
    cr_assert_str_eq(malta_fpga_display_text(fpga), "SAVED:-)");
    cr_assert_eq(rd(MALTA_FPGA_LEDBAR), 0x81);
    g_byte_array_free(blob, TRUE);
}

Test(malta_fpga, random_guest_accesses_do_not_break_it)
{
    GRand *r = g_rand_new_with_seed(0xf96a);

    for (int i = 0; i < 50000; i++) {
        hwaddr off = g_rand_int_range(r, 0, MALTA_FPGA_SIZE);
        unsigned size = 1u << g_rand_int_range(r, 0, 3);
        uint32_t val = g_rand_int(r);
        uint64_t v;

        off &= ~(hwaddr)(size - 1);
        if (off == MALTA_FPGA_SOFTRES) {
            continue;
        }
        if (g_rand_boolean(r)) {
            address_space_write_val(&as, BASE + off, val, size);
        } else {
            address_space_read_val(&as, BASE + off, &v, size);
        }
    }
    g_rand_free(r);
    qdev_reset_all();
    cr_assert_str_eq(malta_fpga_display_text(fpga), "        ");
    cr_assert_eq(rd(MALTA_FPGA_I2CINP), 3);
}
