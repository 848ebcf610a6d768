/*
 * Unit tests for hw/input/i8042.c: controller self-test and interface tests, the
 * command byte and its interrupt enables, the output port (A20 and the reset line,
 * also through the 0xF0-0xFF pulse commands), the keyboard's and the mouse's
 * command replies, loop-back writes, interface disabling, and vmstate.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/input/i8042.h"
#include "exec/memory.h"
#include "migration/vmstate.h"

static MemoryRegion io;
static AddressSpace as_io;
static I8042State *kbd;
static int kbd_irq, aux_irq, a20, resets;

static void line_handler(void *opaque, int n, int level)
{
    switch (n) {
    case 0:
        kbd_irq = level;
        break;
    case 1:
        aux_irq = level;
        break;
    case 2:
        if (level) {
            resets++;
        }
        break;
    case 3:
        a20 = level;
        break;
    }
}

static void setup(void)
{
    IRQLine **l = irq_new_array(line_handler, NULL, 4);

    memory_region_init(&io, "io", 0x10000);
    address_space_init(&as_io, &io, "io");
    kbd_irq = aux_irq = resets = 0;
    a20 = 1;
    kbd = i8042_init(&io, l[0], l[1], l[2], l[3]);
}

TestSuite(i8042, .init = setup);

static uint8_t status(void)
{
    uint64_t v;

    address_space_read_val(&as_io, 0x64, &v, 1);
    return v;
}

static void cmd(uint8_t c)
{
    address_space_write_val(&as_io, 0x64, c, 1);
}

static void data(uint8_t d)
{
    address_space_write_val(&as_io, 0x60, d, 1);
}

/* Read the output buffer, which must be full. */
static uint8_t rd(void)
{
    uint64_t v;

    cr_assert(status() & I8042_STR_OBF, "output buffer empty");
    address_space_read_val(&as_io, 0x60, &v, 1);
    return v;
}

Test(i8042, reset_state)
{
    uint8_t st = status();

    cr_assert_eq(st & I8042_STR_OBF, 0);
    cr_assert(st & I8042_STR_SYS);
    cr_assert(st & I8042_STR_KEYLOCK);
    cmd(0x20);
    cr_assert_eq(rd(), I8042_CTR_KBDINT | I8042_CTR_SYSFLAG | I8042_CTR_XLATE);
}

Test(i8042, self_test_and_interface_tests)
{
    cmd(0xaa);
    cr_assert_eq(rd(), 0x55);
    cr_assert_eq(status() & I8042_STR_OBF, 0);
    cmd(0xab);
    cr_assert_eq(rd(), 0x00);
    cmd(0xa9);
    cr_assert_eq(rd(), 0x00);
}

Test(i8042, command_byte_and_irq)
{
    cmd(0x60);
    data(0x00);                         /* no interrupts */
    cmd(0x20);
    cr_assert_eq(kbd_irq, 0, "KBDINT is off");
    cr_assert_eq(rd(), 0x00);
    cmd(0x60);
    data(I8042_CTR_KBDINT | I8042_CTR_SYSFLAG);
    cmd(0xab);
    cr_assert_eq(kbd_irq, 1, "a reply raises IRQ1 when enabled");
    rd();
    cr_assert_eq(kbd_irq, 0, "reading lowers it");
    /* Controller RAM beyond the command byte. */
    cmd(0x65);
    data(0x5a);
    cmd(0x25);
    cr_assert_eq(rd(), 0x5a);
}

Test(i8042, a20_gate)
{
    cmd(0xd0);
    cr_assert(rd() & I8042_OUT_A20);
    cmd(0xdd);
    cr_assert_eq(a20, 0);
    cmd(0xd0);
    cr_assert_eq(rd() & I8042_OUT_A20, 0);
    cmd(0xdf);
    cr_assert_eq(a20, 1);
    cmd(0xd1);
    data(I8042_OUT_RESET);              /* A20 off, reset line high */
    cr_assert_eq(a20, 0);
    cr_assert_eq(resets, 0);
}

Test(i8042, reset_line)
{
    cmd(0xfe);
    cr_assert_eq(resets, 1, "0xFE pulses the reset line");
    cmd(0xff);
    cr_assert_eq(resets, 1, "0xFF pulses nothing");
    cmd(0xd1);
    data(I8042_OUT_A20);                /* bit 0 low: CPU reset */
    cr_assert_eq(resets, 2);
    cmd(0xd0);
    cr_assert(rd() & I8042_OUT_RESET, "the line comes back up");
}

Test(i8042, keyboard_commands)
{
    data(0xff);
    cr_assert_eq(rd(), 0xfa);
    cr_assert_eq(rd(), 0xaa);
    data(0xf2);                         /* identify, translated */
    cr_assert_eq(rd(), 0xfa);
    cr_assert_eq(rd(), 0xab);
    cr_assert_eq(rd(), 0x41);
    data(0xed);
    cr_assert_eq(rd(), 0xfa);
    data(0x07);
    cr_assert_eq(rd(), 0xfa);
    cr_assert_eq(kbd->kbd_leds, 7);
    data(0xee);
    cr_assert_eq(rd(), 0xee);
    data(0x42);                         /* not a command */
    cr_assert_eq(rd(), 0xfe);
}

Test(i8042, keyboard_write_enables_interface)
{
    cmd(0xad);
    cmd(0x20);
    cr_assert(rd() & I8042_CTR_KBDDIS);
    data(0xf4);
    cr_assert_eq(rd(), 0xfa);
    cmd(0x20);
    cr_assert_eq(rd() & I8042_CTR_KBDDIS, 0);
}

Test(i8042, mouse_commands)
{
    cmd(0x60);
    data(I8042_CTR_KBDINT | I8042_CTR_AUXINT | I8042_CTR_SYSFLAG);
    cmd(0xd4);
    data(0xff);
    cr_assert_eq(aux_irq, 1, "mouse data raises IRQ12");
    cr_assert(status() & I8042_STR_AUXDATA);
    cr_assert_eq(rd(), 0xfa);
    cr_assert_eq(rd(), 0xaa);
    cr_assert_eq(rd(), 0x00);
    cr_assert_eq(aux_irq, 0);
    cmd(0xd4);
    data(0xf3);
    cr_assert_eq(rd(), 0xfa);
    cmd(0xd4);
    data(40);
    cr_assert_eq(rd(), 0xfa);
    cmd(0xd4);
    data(0xe9);
    cr_assert_eq(rd(), 0xfa);
    cr_assert_eq(rd(), 0x00);
    cr_assert_eq(rd(), 0x02);
    cr_assert_eq(rd(), 40);
}

Test(i8042, mouse_disabled_holds_data)
{
    cmd(0xa7);                          /* disable the mouse interface */
    cmd(0xd4);
    data(0xf2);
    cr_assert_eq(status() & I8042_STR_OBF, 0, "held while disabled");
    cmd(0xa8);
    cr_assert_eq(rd(), 0xfa);
    cr_assert_eq(rd(), 0x00);
}

Test(i8042, loopback)
{
    cmd(0xd2);
    data(0x12);
    cr_assert_eq(status() & I8042_STR_AUXDATA, 0);
    cr_assert_eq(rd(), 0x12);
    cmd(0xd3);
    data(0x34);
    cr_assert(status() & I8042_STR_AUXDATA);
    cr_assert_eq(rd(), 0x34);
}

Test(i8042, vmstate_roundtrip)
{
    GByteArray *blob = g_byte_array_new();
    size_t used;

    cmd(0x60);
    data(0x07);
    cmd(0xdd);
    data(0xf2);                         /* three bytes queued/in the buffer */
    vmstate_save(kbd->parent.dc->vmsd, kbd, blob);
    kbd->parent.dc->reset(DEVICE(kbd));
    cr_assert_eq(status() & I8042_STR_OBF, 0);
    cr_assert_eq(vmstate_load(kbd->parent.dc->vmsd, kbd, blob->data, blob->len, &used,
                              NULL), 0);
    cr_assert_eq(used, blob->len);
    cr_assert_eq(kbd->mode, 0x07);
    cr_assert_eq(a20, 0, "post_load re-drives A20");
    cr_assert_eq(rd(), 0xfa);
    cr_assert_eq(rd(), 0xab);
    cr_assert_eq(rd(), 0x83, "not translated: XLATE is off in 0x07");
    g_byte_array_free(blob, true);
}
