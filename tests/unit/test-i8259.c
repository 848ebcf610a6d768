/*
 * Unit tests for hw/intc/i8259.c: the cascaded 8259A pair driven through its I/O
 * ports the way Linux and BIOSes program it, with the CPU line observed through a
 * test IRQ handler.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/intc/i8259.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "chardev/char.h"

/*
 * Symbols of other subsystems that memory.c / qdev.c reference but these tests never
 * reach. Weak, so the real ones win when the test links against the full library.
 */
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end);
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end) { }
__attribute__((weak)) bool tb_page_has_code(hwaddr addr);
__attribute__((weak)) bool tb_page_has_code(hwaddr addr) { return false; }
__attribute__((weak)) Chardev *chardev_find(const char *id);
__attribute__((weak)) Chardev *chardev_find(const char *id) { return NULL; }
__attribute__((weak)) const char *chardev_label(Chardev *chr);
__attribute__((weak)) const char *chardev_label(Chardev *chr) { return "?"; }

static MemoryRegion io_root;
static AddressSpace io_as;
static DeviceState *master_dev;
static PICState *master, *slave;
static IRQLine **isa;
static IRQLine *cpu_line;
static int cpu_level;
static int cpu_edges;

static void cpu_irq_handler(void *opaque, int n, int level)
{
    if (level && !cpu_level) {
        cpu_edges++;
    }
    cpu_level = level;
}

/* Port I/O through the memory API, as the CPU's in/out instructions reach it. */
static void outb(hwaddr port, uint8_t val)
{
    cr_assert_eq(address_space_write_val(&io_as, port, val, 1), MEMTX_OK);
}

static uint8_t inb(hwaddr port)
{
    uint64_t v = 0;

    cr_assert_eq(address_space_read_val(&io_as, port, &v, 1), MEMTX_OK);
    return v;
}

static void setup(void)
{
    memory_region_init(&io_root, "io", 0x10000);
    cpu_level = 0;
    cpu_edges = 0;
    cpu_line = irq_new(cpu_irq_handler, NULL, 0);
    isa = i8259_init(&io_root, cpu_line, &master_dev);
    address_space_init(&io_as, &io_root, "io");
    cr_assert_not_null(isa);
    master = (PICState *)master_dev;
    slave = master->slave;
}

/* arch/x86/kernel/i8259.c init_8259A(): vectors 0x30/0x38, cascade on IR2. */
static void linux_init(bool auto_eoi)
{
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
    outb(0x20, 0x11);
    outb(0x21, 0x30);
    outb(0x21, 1u << 2);
    outb(0x21, auto_eoi ? 0x03 : 0x01);
    outb(0xa0, 0x11);
    outb(0xa1, 0x38);
    outb(0xa1, 2);
    outb(0xa1, 0x01);
    outb(0x21, 0xfb);       /* all masked but the cascade */
    outb(0xa1, 0xff);
}

static uint8_t read_isr(hwaddr base)
{
    uint8_t v;

    outb(base, 0x0b);
    v = inb(base);
    outb(base, 0x0a);
    return v;
}

TestSuite(i8259, .init = setup);

Test(i8259, init_sequence_state)
{
    linux_init(false);
    cr_assert_eq(master->irq_base, 0x30);
    cr_assert_eq(slave->irq_base, 0x38);
    cr_assert_eq(master->init_state, 0);
    cr_assert_eq(slave->init_state, 0);
    cr_assert_eq(inb(0x21), 0xfb);
    cr_assert_eq(inb(0xa1), 0xff);
    cr_assert_eq(cpu_level, 0);
}

Test(i8259, edge_irq_ack_eoi)
{
    linux_init(false);
    outb(0x21, 0xf8);       /* unmask IRQ 0, 1 */
    irq_set(isa[1], 1);
    cr_assert_eq(cpu_level, 1);
    cr_assert_eq(inb(0x20), 0x02, "IRR shows the request");
    cr_assert_eq(i8259_iack(master_dev), 0x31);
    cr_assert_eq(cpu_level, 0, "INT drops once the request is in service");
    cr_assert_eq(read_isr(0x20), 0x02);
    cr_assert_eq(inb(0x20), 0x00, "edge request cleared by INTA");
    /* A second edge while in service waits for the EOI. */
    irq_set(isa[1], 0);
    irq_set(isa[1], 1);
    cr_assert_eq(cpu_level, 0);
    outb(0x20, 0x20);       /* non-specific EOI */
    cr_assert_eq(read_isr(0x20), 0);
    cr_assert_eq(cpu_level, 1);
    cr_assert_eq(i8259_iack(master_dev), 0x31);
    outb(0x20, 0x61);       /* specific EOI for IR1 */
    cr_assert_eq(read_isr(0x20), 0);
    cr_assert_eq(cpu_level, 0);
    /* Holding the line high gives no new request. */
    outb(0x20, 0x20);
    cr_assert_eq(cpu_level, 0);
}

Test(i8259, mask_holds_request)
{
    linux_init(false);
    irq_set(isa[4], 1);
    cr_assert_eq(cpu_level, 0, "masked");
    cr_assert_eq(inb(0x20) & 0x10, 0x10, "but latched in IRR");
    outb(0x21, 0xeb);
    cr_assert_eq(cpu_level, 1);
    outb(0x21, 0xfb);
    cr_assert_eq(cpu_level, 0);
}

Test(i8259, cascade_through_ir2)
{
    linux_init(false);
    outb(0xa1, 0xfb);       /* unmask IRQ 10 */
    irq_set(isa[10], 1);
    cr_assert_eq(cpu_level, 1);
    cr_assert_eq(inb(0x20) & 0x04, 0x04);
    cr_assert_eq(i8259_iack(master_dev), 0x3a);
    cr_assert_eq(read_isr(0x20), 0x04);
    cr_assert_eq(read_isr(0xa0), 0x04);
    cr_assert_eq(cpu_level, 0);
    /* Linux EOIs the slave, then the master. */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(read_isr(0x20), 0);
    cr_assert_eq(read_isr(0xa0), 0);
    cr_assert_eq(cpu_level, 0);
}

Test(i8259, slave_second_request_after_eoi)
{
    linux_init(false);
    outb(0xa1, 0x00);
    irq_set(isa[12], 1);
    irq_set(isa[14], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x3c);
    cr_assert_eq(cpu_level, 0);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(cpu_level, 1, "IRQ 14 still pending on the slave");
    cr_assert_eq(i8259_iack(master_dev), 0x3e);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(cpu_level, 0);
}

Test(i8259, fixed_priority_nesting)
{
    linux_init(false);
    outb(0x21, 0x00);
    irq_set(isa[3], 1);
    irq_set(isa[5], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x33);
    cr_assert_eq(cpu_level, 0, "IR5 is lower priority than IR3 in service");
    irq_set(isa[4], 1);
    cr_assert_eq(cpu_level, 0);
    irq_set(isa[1], 1);
    cr_assert_eq(cpu_level, 1, "IR1 preempts IR3");
    cr_assert_eq(i8259_iack(master_dev), 0x31);
    cr_assert_eq(read_isr(0x20), 0x0a);
    outb(0x20, 0x20);       /* ends IR1, the highest in service */
    cr_assert_eq(read_isr(0x20), 0x08);
    outb(0x20, 0x20);
    cr_assert_eq(i8259_iack(master_dev), 0x34);
    outb(0x20, 0x20);
    cr_assert_eq(i8259_iack(master_dev), 0x35);
}

Test(i8259, level_triggered_elcr)
{
    linux_init(false);
    outb(0x4d1, 0x02);      /* IRQ 9 level */
    cr_assert_eq(inb(0x4d1), 0x02);
    outb(0x4d0, 0xff);
    cr_assert_eq(inb(0x4d0), 0xf8, "IRQ 0-2 cannot be level triggered");
    outb(0x4d0, 0x00);
    outb(0xa1, 0xfd);
    irq_set(isa[9], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x39);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(cpu_level, 1, "level still high: requests again after EOI");
    irq_set(isa[9], 0);
    cr_assert_eq(inb(0xa0) & 0x02, 0, "IRR follows a level input");
    /*
     * The master's IR2 is edge triggered and already latched the slave's INT: the
     * acknowledge finds nothing on the slave, which answers with its IR7.
     */
    cr_assert_eq(cpu_level, 1);
    cr_assert_eq(i8259_iack(master_dev), 0x3f);
    cr_assert_eq(read_isr(0xa0), 0);
    outb(0x20, 0x20);
    cr_assert_eq(cpu_level, 0);
}

Test(i8259, spurious_irq7)
{
    linux_init(false);
    outb(0x4d0, 0x20);      /* IRQ 5 level */
    outb(0x21, 0x00);
    irq_set(isa[5], 1);
    cr_assert_eq(cpu_level, 1);
    irq_set(isa[5], 0);     /* request withdrawn before INTA */
    cr_assert_eq(i8259_iack(master_dev), 0x37);
    cr_assert_eq(read_isr(0x20), 0, "spurious IR7 sets no ISR bit");
}

Test(i8259, poll_command)
{
    linux_init(false);
    outb(0x21, 0x00);
    cr_assert_eq(inb(0x21), 0x00);
    outb(0x20, 0x0c);       /* OCW3 poll */
    cr_assert_eq(inb(0x20), 0x00, "nothing pending");
    irq_set(isa[6], 1);
    outb(0x20, 0x0c);
    cr_assert_eq(inb(0x20), 0x86);
    cr_assert_eq(read_isr(0x20), 0x40, "poll acknowledges like INTA");
    cr_assert_eq(inb(0x21), 0x00, "poll lasts for one read");
}

Test(i8259, auto_eoi)
{
    linux_init(true);
    outb(0x21, 0x00);
    irq_set(isa[0], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x30);
    cr_assert_eq(read_isr(0x20), 0);
    irq_set(isa[0], 0);
    irq_set(isa[0], 1);
    cr_assert_eq(cpu_level, 1, "no EOI needed");
}

Test(i8259, rotate_on_nonspecific_eoi)
{
    linux_init(false);
    outb(0x21, 0x00);
    irq_set(isa[3], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x33);
    outb(0x20, 0xa0);       /* rotate on non-specific EOI: IR3 becomes lowest */
    irq_set(isa[3], 0);
    irq_set(isa[3], 1);
    irq_set(isa[4], 1);
    irq_set(isa[1], 1);
    /* Priority is now 4 5 6 7 0 1 2 3. */
    cr_assert_eq(i8259_iack(master_dev), 0x34);
    outb(0x20, 0x20);
    cr_assert_eq(i8259_iack(master_dev), 0x31);
    outb(0x20, 0x20);
    cr_assert_eq(i8259_iack(master_dev), 0x33);
}

Test(i8259, set_priority_command)
{
    linux_init(false);
    outb(0x21, 0x00);
    outb(0x20, 0xc5);       /* IR5 lowest: 6 7 0 1 2 3 4 5 */
    irq_set(isa[5], 1);
    irq_set(isa[0], 1);
    irq_set(isa[7], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x37);
    outb(0x20, 0x67);       /* specific EOI IR7 */
    cr_assert_eq(i8259_iack(master_dev), 0x30);
    outb(0x20, 0x20);
    cr_assert_eq(i8259_iack(master_dev), 0x35);
}

Test(i8259, special_mask_mode)
{
    linux_init(false);
    outb(0x21, 0x00);
    irq_set(isa[2 + 1], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x33);
    /* The handler masks its own level and enters special mask mode. */
    outb(0x21, 0x08);
    outb(0x20, 0x68);       /* OCW3: ESMM | SMM */
    irq_set(isa[6], 1);
    cr_assert_eq(cpu_level, 1, "lower priority allowed in special mask mode");
    cr_assert_eq(i8259_iack(master_dev), 0x36);
    outb(0x20, 0x48);       /* leave special mask mode */
    cr_assert_eq(read_isr(0x20), 0x48);
}

Test(i8259, reinit_clears_state)
{
    linux_init(false);
    outb(0x21, 0x00);
    irq_set(isa[1], 1);
    i8259_iack(master_dev);
    linux_init(false);
    cr_assert_eq(read_isr(0x20), 0);
    cr_assert_eq(inb(0x20), 0, "edge sense reset");
    cr_assert_eq(cpu_level, 0);
}

Test(i8259, single_mode_without_icw3)
{
    outb(0x20, 0x13);       /* ICW1: single, ICW4 needed */
    outb(0x21, 0x08);       /* ICW2 */
    outb(0x21, 0x01);       /* ICW4 (no ICW3 in single mode) */
    cr_assert_eq(master->init_state, 0);
    outb(0x21, 0x00);
    cr_assert_eq(inb(0x21), 0x00);
    irq_set(isa[2], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x0a, "IR2 is an ordinary input");
}

Test(i8259, vmstate_round_trip)
{
    GByteArray *mbuf = g_byte_array_new(), *sbuf = g_byte_array_new();
    GError *err = NULL;
    size_t used;
    PICState mb, sb;

    linux_init(false);
    outb(0x4d1, 0x02);
    outb(0x21, 0xe0);
    outb(0xa1, 0xf0);
    outb(0x20, 0xc0);               /* rotate: IR0 lowest, IR1 highest */
    irq_set(isa[9], 1);
    irq_set(isa[1], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x31);
    irq_set(isa[4], 1);             /* pending, lower than IR1 in service */
    outb(0x20, 0x0b);               /* read ISR next */
    mb = *master;
    sb = *slave;
    vmstate_save(master_dev->dc->vmsd, master, mbuf);
    vmstate_save(master_dev->dc->vmsd, slave, sbuf);

    master_dev->dc->reset(DEVICE(slave));
    master_dev->dc->reset(master_dev);
    cr_assert_eq(inb(0x21), 0);
    cr_assert_eq(vmstate_load(master_dev->dc->vmsd, slave, sbuf->data, sbuf->len, &used,
                              &err), 0);
    cr_assert_eq(vmstate_load(master_dev->dc->vmsd, master, mbuf->data, mbuf->len, &used,
                              &err), 0);
    cr_assert_eq(master->irr, mb.irr);
    cr_assert_eq(master->isr, mb.isr);
    cr_assert_eq(master->imr, mb.imr);
    cr_assert_eq(master->priority_add, mb.priority_add);
    cr_assert_eq(master->irq_base, mb.irq_base);
    cr_assert_eq(slave->irr, sb.irr);
    cr_assert_eq(slave->elcr, sb.elcr);
    cr_assert_eq(slave->imr, sb.imr);
    cr_assert_eq(slave->irq_base, sb.irq_base);
    cr_assert_eq(inb(0x20), 0x02, "ISR read selected across the round trip");
    cr_assert_eq(inb(0x4d1), 0x02);
    /* Behaviour continues: EOI IR1, then IR2 (slave IRQ 9) before IR4. */
    outb(0x20, 0x20);
    cr_assert_eq(cpu_level, 1);
    cr_assert_eq(i8259_iack(master_dev), 0x39);
    g_byte_array_free(mbuf, true);
    g_byte_array_free(sbuf, true);
}

Test(i8259, special_fully_nested_mode)
{
    /* Master with ICW4 SFNM: a higher slave request may nest inside a slave one. */
    outb(0x20, 0x11);
    outb(0x21, 0x30);
    outb(0x21, 0x04);
    outb(0x21, 0x11);               /* SFNM | uPM */
    outb(0xa0, 0x11);
    outb(0xa1, 0x38);
    outb(0xa1, 0x02);
    outb(0xa1, 0x01);
    outb(0x21, 0x00);
    outb(0xa1, 0x00);
    irq_set(isa[12], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x3c);
    irq_set(isa[9], 1);             /* higher priority on the same slave */
    cr_assert_eq(cpu_level, 1, "not held off by the master's IR2 in service");
    cr_assert_eq(i8259_iack(master_dev), 0x39);
    cr_assert_eq(read_isr(0xa0), 0x12);
}

Test(i8259, cascade_blocks_without_sfnm)
{
    linux_init(false);
    outb(0xa1, 0x00);
    irq_set(isa[12], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x3c);
    irq_set(isa[9], 1);
    cr_assert_eq(cpu_level, 0, "master IR2 in service holds the slave off");
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    cr_assert_eq(cpu_level, 1);
    cr_assert_eq(i8259_iack(master_dev), 0x39);
}

Test(i8259, rotate_in_auto_eoi)
{
    linux_init(true);
    outb(0x21, 0x00);
    outb(0x20, 0x80);               /* OCW2: rotate in automatic EOI mode (set) */
    irq_set(isa[0], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x30);
    /* IR0 became lowest: IR0 and IR5 both pending give IR5 first. */
    irq_set(isa[0], 0);
    irq_set(isa[0], 1);
    irq_set(isa[5], 1);
    cr_assert_eq(i8259_iack(master_dev), 0x35);
    cr_assert_eq(i8259_iack(master_dev), 0x30);
    outb(0x20, 0x00);               /* clear rotate in AEOI */
    cr_assert_eq(master->rotate_on_auto_eoi, false);
}
