/*
 * Unit tests for hw/char/serial.c: the 16550A driven through its registers, with a
 * test chardev back end (through the real chardev layer) capturing output and
 * injecting input, and virtual time stepped by the tests.
 */
#include "qemu/osdep.h"
#include <criterion/criterion.h>
#include "hw/char/serial.h"
#include "exec/memory.h"
#include "migration/vmstate.h"
#include "sysemu/runstate.h"
#include "../../softmmu/chardev/char-internal.h"

/* Referenced by memory.c / qdev.c / char.c but never reached here; the real ones win. */
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end);
__attribute__((weak)) void tb_invalidate_phys_range(hwaddr start, hwaddr end) { }
__attribute__((weak)) bool tb_page_has_code(hwaddr addr);
__attribute__((weak)) bool tb_page_has_code(hwaddr addr) { return false; }
__attribute__((weak)) Chardev *chardev_socket_new(const char *label, bool is_unix,
                                                  const char *host,
                                                  const char *port_or_path, bool server,
                                                  bool wait, GError **errp);
__attribute__((weak)) Chardev *chardev_socket_new(const char *label, bool is_unix,
                                                  const char *host,
                                                  const char *port_or_path, bool server,
                                                  bool wait, GError **errp)
{
    return NULL;
}

__attribute__((weak)) void qemu_system_shutdown_request(ShutdownCause cause);
__attribute__((weak)) void qemu_system_shutdown_request(ShutdownCause cause) { }

#define US 1000LL
#define MS 1000000LL

/* Register offsets as the datasheet numbers them. */
enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

static MemoryRegion io_root;
static DeviceState *dev;
static SerialState *ss;
static Chardev *chr;
static GByteArray *out;
static bool backend_busy;
static int accept_calls;
static int irq_level;
static int64_t vnow;
static unsigned shift;

/* ---- test back end ---- */

static int test_chr_write(Chardev *c, const uint8_t *buf, int len)
{
    if (backend_busy) {
        return 0;
    }
    g_byte_array_append(out, buf, len);
    return len;
}

static void test_chr_accept_input(Chardev *c)
{
    accept_calls++;
}

static const ChardevClass test_chr_class = {
    .kind = "test",
    .write = test_chr_write,
    .accept_input = test_chr_accept_input,
};

/* Deliver input the way the chardev layer does: only what can_receive allows. */
static int inject(const char *s)
{
    int len = strlen(s);
    int room = chardev_fe_can_receive(chr);
    int n = MIN_U(len, room);

    chardev_fe_receive(chr, (const uint8_t *)s, n);
    return n;
}

static int irq_rises;

static void serial_irq_handler(void *opaque, int n, int level)
{
    if (level && !irq_level) {
        irq_rises++;
    }
    irq_level = level;
}

static void advance(int64_t delta)
{
    vnow += delta;
    clock_virtual_set(vnow);
    clock_virtual_resume();
    /*
     * As the main loop does: timers re-armed into the past run on the next pass.
     * The clock runs while they do; pinning it back to the target before each pass
     * keeps the overshoot to a few hundred nanoseconds.
     */
    for (int pass = 0; pass < 100000; pass++) {
        clock_virtual_set(vnow);
        if (!timers_run_expired()) {
            break;
        }
    }
    clock_virtual_pause();
    clock_virtual_set(vnow);
}

static void wr(unsigned reg, uint8_t val)
{
    ss->io.ops->write(ss->io.opaque, reg << shift, val, 1);
}

static uint8_t rd(unsigned reg)
{
    return ss->io.ops->read(ss->io.opaque, reg << shift, 1);
}

static void setup_common(unsigned regshift)
{
    static int n;
    char *label = g_strdup_printf("test%d", n++);

    clock_virtual_pause();
    vnow = 5000 * MS;
    clock_virtual_set(vnow);
    if (!io_root.name) {
        memory_region_init(&io_root, "io", 0x10000);
    }
    out = g_byte_array_new();
    backend_busy = false;
    accept_calls = 0;
    irq_level = 0;
    irq_rises = 0;
    shift = regshift;
    chr = chardev_alloc(&test_chr_class, label, NULL);
    g_free(label);
    if (regshift) {
        dev = serial_mm_init(&io_root, 0x1000, regshift,
                             irq_new(serial_irq_handler, NULL, 4), chr, NULL);
    } else {
        dev = serial_isa_init(&io_root, 0x3f8, irq_new(serial_irq_handler, NULL, 4), chr,
                              NULL);
    }
    cr_assert_not_null(dev);
    ss = (SerialState *)dev;
}

static void setup(void)
{
    setup_common(0);
}

static void teardown(void)
{
    dev->dc->unrealize(dev);
    g_byte_array_free(out, true);
}

/* 115200 8N1 with FIFOs, as Linux's 8250 driver sets the port up. */
static void linux_setup(uint8_t fcr)
{
    wr(LCR, 0x80);
    wr(DLL, 1);
    wr(DLM, 0);
    wr(LCR, 0x03);
    wr(FCR, fcr);
    wr(MCR, 0x0b);                  /* DTR, RTS, OUT2 */
}

/* One 8N1 character at 115200 baud. */
#define CHAR_NS (10 * NANOSECONDS_PER_SECOND / 115200)

TestSuite(serial, .init = setup, .fini = teardown);

Test(serial, reset_values)
{
    cr_assert_eq(rd(IER), 0);
    cr_assert_eq(rd(IIR), 0x01);
    cr_assert_eq(rd(LCR), 0);
    cr_assert_eq(rd(MCR), 0);
    cr_assert_eq(rd(LSR), 0x60);
    cr_assert_eq(rd(MSR) & 0xf0, 0xb0, "CTS, DSR, DCD asserted");
    cr_assert_eq(irq_level, 0);
}

Test(serial, divisor_latch_and_scratch)
{
    wr(LCR, 0x83);
    wr(DLL, 0x0c);
    wr(DLM, 0x01);
    cr_assert_eq(rd(DLL), 0x0c);
    cr_assert_eq(rd(DLM), 0x01);
    cr_assert_eq(ss->divider, 0x010c);
    wr(LCR, 0x03);
    wr(IER, 0x05);
    cr_assert_eq(rd(IER), 0x05, "DLAB off: offset 1 is IER again");
    wr(IER, 0xff);
    cr_assert_eq(rd(IER), 0x0f, "IER bits 7:4 read as zero");
    wr(SCR, 0xa5);
    cr_assert_eq(rd(SCR), 0xa5);
    /* Character time follows the divisor: 268 * 16 / 1.8432 MHz * 10 bits. */
    cr_assert_eq(ss->char_transmit_ns, 268LL * 10 * NANOSECONDS_PER_SECOND / 115200);
}

Test(serial, transmit_goes_straight_out)
{
    linux_setup(0x07);
    for (const char *p = "hello"; *p; p++) {
        cr_assert_eq(rd(LSR) & 0x60, 0x60, "THRE and TEMT before each byte");
        wr(THR, *p);
    }
    cr_assert_eq(out->len, 5);
    cr_assert(memcmp(out->data, "hello", 5) == 0);
}

Test(serial, thre_interrupt_on_enable_and_iir_read_clears)
{
    linux_setup(0x07);
    wr(IER, 0x02);
    cr_assert_eq(irq_level, 1, "ETBEI with THR empty raises THRE at once");
    cr_assert_eq(rd(IIR), 0xc2);
    cr_assert_eq(irq_level, 0, "reading IIR cleared THRE");
    cr_assert_eq(rd(IIR), 0xc1);
    /* Linux UART_BUG_THRE probe: re-enabling re-asserts. */
    wr(IER, 0x00);
    wr(IER, 0x02);
    cr_assert_eq(rd(IIR), 0xc2);
    /* Rewriting IER with ETBEI still set is not a new edge. */
    wr(IER, 0x02);
    cr_assert_eq(rd(IIR), 0xc1);
}

Test(serial, thre_interrupt_once_the_fifo_drains)
{
    linux_setup(0x07);
    wr(IER, 0x02);
    cr_assert_eq(rd(IIR), 0xc2);
    cr_assert_eq(irq_level, 0, "reading IIR cleared THRE");
    /* No virtual time passes: a paced transmitter would hold THRE back. */
    wr(THR, 'a');
    cr_assert_eq(out->len, 1, "bytes are not held back");
    cr_assert_eq(irq_level, 1, "THRE interrupt as soon as the byte is out");
    cr_assert_eq(rd(IIR), 0xc2);
    cr_assert_eq(irq_level, 0);
    cr_assert_lt(timer_expire_time_ns(&ss->tx_timer), 0, "no timer for a byte sent");
    /* Writing THR clears a pending THRE; the byte leaving raises it again. */
    wr(THR, 'b');
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(out->len, 2);
}

Test(serial, thre_interrupt_waits_for_a_busy_chardev)
{
    linux_setup(0x07);
    wr(IER, 0x02);
    rd(IIR);
    backend_busy = true;
    wr(THR, 'a');
    cr_assert_eq(irq_level, 0, "the byte is still in the FIFO");
    advance(2 * CHAR_NS);
    cr_assert_eq(irq_level, 0);
    backend_busy = false;
    advance(2 * CHAR_NS);
    cr_assert_eq(out->len, 1);
    cr_assert_eq(irq_level, 1, "THRE once the retry has sent it");
    cr_assert_eq(rd(IIR), 0xc2);
}

Test(serial, transmit_backpressure)
{
    linux_setup(0x07);
    backend_busy = true;
    wr(THR, 'a');
    wr(THR, 'b');
    cr_assert_eq(out->len, 0);
    cr_assert_eq(rd(LSR) & 0x60, 0, "bytes waiting in the transmit FIFO");
    advance(2 * CHAR_NS);
    cr_assert_eq(out->len, 0);
    backend_busy = false;
    advance(2 * CHAR_NS);
    cr_assert_eq(out->len, 2);
    cr_assert_eq(rd(LSR) & 0x60, 0x60);
}

Test(serial, stuck_backend_drops_after_retries)
{
    linux_setup(0x07);
    backend_busy = true;
    wr(THR, 'a');
    /* Each step lets one retry happen (the retry timer is one character time). */
    for (int i = 0; i < 50; i++) {
        advance(2 * CHAR_NS);
    }
    cr_assert_eq(rd(LSR) & 0x40, 0, "still trying");
    for (int i = 0; i < 60; i++) {
        advance(2 * CHAR_NS);
    }
    cr_assert_eq(rd(LSR) & 0x60, 0x60, "byte dropped: the line is free again");
    backend_busy = false;
    wr(THR, 'b');
    cr_assert_eq(out->len, 1);
    cr_assert_eq(out->data[0], 'b');
}

Test(serial, rx_fifo_trigger_level)
{
    linux_setup(0xc7);              /* trigger 14 */
    wr(IER, 0x01);
    cr_assert_eq(inject("0123456789abc"), 13);
    cr_assert_eq(rd(LSR) & 0x01, 0x01);
    cr_assert_eq(irq_level, 0, "13 < trigger");
    cr_assert_eq(inject("d"), 1);
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(rd(IIR), 0xc4);
    cr_assert_eq(chardev_fe_can_receive(chr), 2);
    cr_assert_eq(rd(RBR), '0');
    cr_assert_eq(irq_level, 0, "below trigger again");
    for (const char *p = "123456789abcd"; *p; p++) {
        cr_assert_eq(rd(RBR), *p);
    }
    cr_assert_eq(rd(LSR) & 0x01, 0, "DR clear when empty");
}

Test(serial, rx_trigger_levels)
{
    static const uint8_t fcr[4] = { 0x01, 0x41, 0x81, 0xc1 };
    static const int level[4] = { 1, 4, 8, 14 };

    wr(IER, 0x01);
    for (int t = 0; t < 4; t++) {
        wr(FCR, fcr[t] | 0x02);
        for (int i = 1; i <= level[t]; i++) {
            inject("x");
            cr_assert_eq(irq_level, i == level[t], "level %d after %d bytes", level[t], i);
        }
    }
}

Test(serial, character_timeout)
{
    linux_setup(0xc7);
    wr(IER, 0x01);
    inject("abc");
    cr_assert_eq(irq_level, 0);
    advance(3 * CHAR_NS);
    cr_assert_eq(irq_level, 0);
    advance(2 * CHAR_NS);
    cr_assert_eq(irq_level, 1, "timeout after four character times");
    cr_assert_eq(rd(IIR), 0xcc);
    cr_assert_eq(rd(RBR), 'a');
    cr_assert_eq(irq_level, 0, "reading RBR clears the timeout");
    advance(5 * CHAR_NS);
    cr_assert_eq(rd(IIR), 0xcc, "and restarts it");
    rd(RBR);
    rd(RBR);
    advance(10 * CHAR_NS);
    cr_assert_eq(rd(IIR), 0xc1, "no timeout with an empty FIFO");
}

Test(serial, character_mode_without_fifo)
{
    wr(IER, 0x01);
    cr_assert_eq(chardev_fe_can_receive(chr), 1);
    cr_assert_eq(inject("xy"), 1);
    cr_assert_eq(rd(IIR), 0x04, "no FIFO bits in IIR");
    cr_assert_eq(chardev_fe_can_receive(chr), 0);
    accept_calls = 0;
    cr_assert_eq(rd(RBR), 'x');
    cr_assert_eq(accept_calls, 1, "chardev told to deliver again");
    cr_assert_eq(irq_level, 0);
}

Test(serial, accept_input_after_full_fifo)
{
    linux_setup(0xc7);
    cr_assert_eq(inject("0123456789abcdefXYZ"), 16);
    cr_assert_eq(chardev_fe_can_receive(chr), 0);
    accept_calls = 0;
    rd(RBR);
    cr_assert_eq(accept_calls, 1);
    cr_assert_eq(inject("XYZ"), 1);
}

Test(serial, loopback_and_overrun)
{
    linux_setup(0x07);
    wr(MCR, 0x1a);                  /* LOOP | OUT2 | RTS */
    cr_assert_eq(rd(MSR) & 0xf0, 0x90, "Linux's autoconfig loopback check");
    cr_assert_eq(chardev_fe_can_receive(chr), 0, "line input disconnected");
    wr(IER, 0x05);
    for (int i = 0; i < 17; i++) {
        wr(THR, 'A' + i);
    }
    cr_assert_eq(out->len, 0, "loopback sends nothing to the line");
    cr_assert_eq(rd(IIR), 0xc6, "overrun: line status interrupt first");
    cr_assert_eq(rd(LSR) & 0x03, 0x03, "OE and DR");
    cr_assert_eq(rd(LSR) & 0x02, 0, "OE cleared by reading LSR");
    cr_assert_eq(rd(IIR), 0xc4, "then the data");
    for (int i = 0; i < 16; i++) {
        cr_assert_eq(rd(RBR), 'A' + i, "the 17th byte was lost, not the FIFO");
    }
    cr_assert_eq(irq_level, 0);
}

Test(serial, modem_status_deltas)
{
    wr(MCR, 0x10);                  /* loopback, all outputs off */
    rd(MSR);
    wr(IER, 0x08);
    cr_assert_eq(irq_level, 0);
    wr(MCR, 0x12);                  /* RTS -> CTS */
    cr_assert_eq(irq_level, 1);
    cr_assert_eq(rd(IIR), 0x00, "modem status interrupt");
    cr_assert_eq(rd(MSR), 0x11, "CTS and DCTS");
    cr_assert_eq(irq_level, 0, "reading MSR clears the deltas");
    wr(MCR, 0x14);                  /* OUT1 -> RI rises, RTS drops */
    cr_assert_eq(rd(MSR), 0x41, "RI, DCTS; no TERI on a rising edge");
    wr(MCR, 0x10);
    cr_assert_eq(rd(MSR), 0x04, "TERI on RI's trailing edge");
    wr(MCR, 0x19);                  /* DTR -> DSR, OUT2 -> DCD */
    cr_assert_eq(rd(MSR), 0xaa);
}

Test(serial, break_reception)
{
    linux_setup(0x07);
    wr(IER, 0x05);
    chardev_fe_event(chr, CHR_EVENT_BREAK);
    cr_assert_eq(rd(IIR), 0xc6);
    cr_assert_eq(rd(LSR) & 0x99, 0x99, "BI, FE, DR and the FIFO error bit");
    cr_assert_eq(rd(LSR) & 0x1e, 0, "error bits cleared by the LSR read");
    cr_assert_eq(rd(LSR) & 0x80, 0x80, "FIFO error stays while the byte is queued");
    cr_assert_eq(rd(RBR), 0);
    cr_assert_eq(rd(LSR) & 0x80, 0);
}

Test(serial, interrupt_priorities)
{
    linux_setup(0x07);
    wr(MCR, 0x1b);                  /* loopback so MSR can change */
    wr(MCR, 0x19);                  /* RTS off: DCTS */
    wr(THR, 'q');                   /* loops back: data available */
    chardev_fe_event(chr, CHR_EVENT_BREAK);     /* ignored in loopback */
    wr(IER, 0x0f);
    cr_assert_eq(rd(IIR), 0xc4, "data above THRE and modem status");
    rd(RBR);
    cr_assert_eq(rd(IIR), 0xc2, "then THRE");
    cr_assert_eq(rd(IIR), 0xc0, "then modem status");
    rd(MSR);
    cr_assert_eq(rd(IIR), 0xc1);
}

Test(serial, fcr_resets_and_disable)
{
    linux_setup(0x07);
    inject("abcd");
    wr(FCR, 0x03);                  /* clear receive FIFO */
    cr_assert_eq(rd(LSR) & 0x01, 0);
    cr_assert_eq(chardev_fe_can_receive(chr), 16);
    inject("abcd");
    wr(FCR, 0x00);                  /* FIFOs off: both cleared */
    cr_assert_eq(rd(LSR) & 0x01, 0);
    cr_assert_eq(rd(IIR) & 0xc0, 0);
    cr_assert_eq(chardev_fe_can_receive(chr), 1);
}

Test(serial, wide_isa_access_is_split)
{
    static AddressSpace as;     /* static: the flat view stays reachable */
    uint64_t v = 0;

    address_space_init(&as, &io_root, "io");
    cr_assert_eq(address_space_write_val(&as, 0x3fb, 0x83, 1), MEMTX_OK);
    /* outw to DLL/DLM: two byte registers written by one 16-bit access. */
    cr_assert_eq(address_space_write_val(&as, 0x3f8, 0x0201, 2), MEMTX_OK);
    cr_assert_eq(ss->divider, 0x0201);
    cr_assert_eq(address_space_read_val(&as, 0x3f8, &v, 2), MEMTX_OK);
    cr_assert_eq(v, 0x0201);
    cr_assert_eq(address_space_read_val(&as, 0x3fb, &v, 1), MEMTX_OK);
    cr_assert_eq(v, 0x83);
}

Test(serial, memory_mapped_regshift2)
{
    teardown();
    setup_common(2);
    cr_assert_eq(ss->io.size, 32);
    /* 32-bit accesses reach one register each. */
    ss->io.ops->write(ss->io.opaque, LCR << 2, 0x83, 4);
    ss->io.ops->write(ss->io.opaque, DLL << 2, 0x1b, 4);
    cr_assert_eq(ss->io.ops->read(ss->io.opaque, DLL << 2, 4), 0x1b);
    wr(LCR, 0x03);
    wr(THR, 'Z');
    cr_assert_eq(out->len, 1);
    cr_assert_eq(rd(LSR), 0x60);
}

Test(serial, vmstate_round_trip)
{
    GByteArray *buf = g_byte_array_new();
    GError *err = NULL;
    size_t used = 0;
    SerialState before;
    int64_t tx_expiry, timeout_expiry;

    linux_setup(0x87);              /* trigger 8 */
    wr(SCR, 0x5a);
    wr(IER, 0x07);
    rd(IIR);                        /* consume the THRE from enabling */
    inject("abcdefghij");           /* above trigger: RDA pending, timeout armed */
    backend_busy = true;
    wr(THR, '!');                   /* the busy chardev arms the retry timer */
    cr_assert_eq(irq_level, 1);
    before = *ss;
    tx_expiry = timer_expire_time_ns(&ss->tx_timer);
    timeout_expiry = timer_expire_time_ns(&ss->timeout_timer);
    cr_assert_geq(tx_expiry, 0);
    cr_assert_geq(timeout_expiry, 0);

    vmstate_save(dev->dc->vmsd, ss, buf);
    dev->dc->reset(dev);
    cr_assert_eq(irq_level, 0);
    cr_assert_eq(rd(SCR), 0);
    cr_assert_eq(vmstate_load(dev->dc->vmsd, ss, buf->data, buf->len, &used, &err), 0,
                 "%s", err ? err->message : "");
    cr_assert_eq(used, buf->len);

    cr_assert_eq(irq_level, 1, "post_load re-drives the IRQ line");
    cr_assert_eq(ss->divider, before.divider);
    cr_assert_eq(ss->ier, before.ier);
    cr_assert_eq(ss->fcr, before.fcr);
    cr_assert_eq(ss->lcr, before.lcr);
    cr_assert_eq(ss->mcr, before.mcr);
    cr_assert_eq(ss->lsr, before.lsr);
    cr_assert_eq(ss->msr, before.msr);
    cr_assert_eq(ss->scr, before.scr);
    cr_assert_eq(ss->char_transmit_ns, before.char_transmit_ns);
    cr_assert_eq(timer_expire_time_ns(&ss->tx_timer), tx_expiry);
    cr_assert_eq(timer_expire_time_ns(&ss->timeout_timer), timeout_expiry);
    cr_assert_eq(rd(IIR), 0xc4);
    for (const char *p = "abcdefghij"; *p; p++) {
        cr_assert_eq(rd(RBR), *p);
    }
    backend_busy = false;
    advance(2 * CHAR_NS);
    cr_assert_eq(out->len, 1, "the restored retry timer sends the byte");
    cr_assert_eq(out->data[0], '!');
    cr_assert_eq(rd(IIR), 0xc2, "then THRE");

    /* A truncated stream is refused and leaves the device alone. */
    cr_assert_neq(vmstate_load(dev->dc->vmsd, ss, buf->data, buf->len - 3, &used, &err),
                  0);
    g_clear_error(&err);
    cr_assert_eq(rd(SCR), 0x5a);
    g_byte_array_free(buf, true);
}

/*
 * The shape of Linux's 8250 driver (serial8250_handle_irq / tx_chars / rx_chars)
 * behind an edge-triggered interrupt controller: the handler runs once per rising
 * edge and loops until IIR reports nothing pending.
 */
typedef struct DriverSim {
    const uint8_t *tx;
    int tx_len, tx_pos;
    GByteArray *rx;
    uint8_t ier;
    int handler_runs, max_passes;
    int edges_seen;                 /* rising edges the "PIC" has delivered */
} DriverSim;

static void drv_start_tx(DriverSim *d)
{
    if (!(d->ier & 0x02)) {
        d->ier |= 0x02;
        wr(IER, d->ier);
    }
}

static void drv_isr(DriverSim *d)
{
    int passes = 0;

    d->handler_runs++;
    for (;;) {
        uint8_t iir = rd(IIR), lsr;

        if (iir & 0x01) {
            break;
        }
        passes++;
        lsr = rd(LSR);
        while (lsr & 0x01) {
            uint8_t ch = rd(RBR);

            g_byte_array_append(d->rx, &ch, 1);
            lsr = rd(LSR);
        }
        if ((lsr & 0x20) && (d->ier & 0x02)) {
            for (int i = 0; i < 16 && d->tx_pos < d->tx_len; i++) {
                wr(THR, d->tx[d->tx_pos++]);
            }
            if (d->tx_pos == d->tx_len) {
                d->ier &= ~0x02;
                wr(IER, d->ier);
            }
        }
        cr_assert_lt(passes, 512, "too much work for irq");
    }
    d->max_passes = MAX(d->max_passes, passes);
}

/* Run the "machine" until cond holds: deliver latched edges, else let time pass. */
static void drv_run(DriverSim *d, bool (*cond)(DriverSim *), const char *feed)
{
    int fed = 0, feed_len = feed ? strlen(feed) : 0;

    for (int step = 0; step < 200000 && !cond(d); step++) {
        if (irq_rises != d->edges_seen) {   /* edge triggered: new edges only */
            d->edges_seen = irq_rises;
            drv_isr(d);
            continue;
        }
        if (fed < feed_len) {
            /* The chardev layer: deliver what the UART has room for. */
            fed += inject(feed + fed);
        }
        advance(10 * US);
    }
    cr_assert(cond(d), "machine stalled");
}

static bool drv_tx_done(DriverSim *d)
{
    return d->tx_pos == d->tx_len && out->len == (guint)d->tx_len;
}

static char *big_text(int len)
{
    char *buf = g_malloc(len + 1);

    for (int i = 0; i < len; i++) {
        buf[i] = ' ' + (i * 7 + i / 95) % 95;
    }
    buf[len] = 0;
    return buf;
}

Test(serial, linux_style_interrupt_driven_transmit)
{
    DriverSim d = { 0 };
    char *text = big_text(4096);

    d.tx = (const uint8_t *)text;
    d.tx_len = 4096;
    d.rx = g_byte_array_new();
    linux_setup(0x87);
    d.edges_seen = irq_rises;
    d.ier = 0x05;                   /* RLSI | RDI, as the driver's startup leaves it */
    wr(IER, d.ier);
    int64_t t0 = vnow;

    drv_start_tx(&d);
    drv_run(&d, drv_tx_done, NULL);
    cr_assert(memcmp(out->data, text, 4096) == 0);
    /*
     * The handler refills 16 bytes per pass and loops while THRE stays pending: the
     * whole buffer goes out in one run (Linux's limit is 512 passes), with no
     * virtual time passing, as fast as the chardev takes it.
     */
    cr_assert_leq(d.handler_runs, 3, "handler runs %d", d.handler_runs);
    cr_assert(d.max_passes >= 4096 / 16 && d.max_passes <= 4096 / 16 + 1,
              "passes %d", d.max_passes);
    cr_assert_eq(vnow, t0, "no waiting on a baud-rate clock");
    cr_assert_eq(irq_level, 0);
    g_free(text);
    g_byte_array_free(d.rx, true);
}

static bool drv_rx_done(DriverSim *d)
{
    return d->rx->len == 3000;
}

Test(serial, linux_style_interrupt_driven_receive)
{
    DriverSim d = { 0 };
    char *text = big_text(3000);

    d.rx = g_byte_array_new();
    linux_setup(0x87);              /* trigger level 8 */
    d.edges_seen = irq_rises;
    d.ier = 0x05;
    wr(IER, d.ier);
    drv_run(&d, drv_rx_done, text);
    cr_assert(memcmp(d.rx->data, text, 3000) == 0, "input arrives intact and in order");
    cr_assert_eq(rd(LSR) & 0x02, 0, "no overrun: the chardev respects can_receive");
    g_free(text);
    g_byte_array_free(d.rx, true);
}

Test(serial, linux_style_echo_with_timeout)
{
    DriverSim d = { 0 };

    d.rx = g_byte_array_new();
    linux_setup(0xc7);              /* trigger 14: short input only via timeout */
    d.ier = 0x05;
    wr(IER, d.ier);
    inject("ls\r");
    for (int i = 0; i < 100 && d.rx->len < 3; i++) {
        if (irq_level) {
            drv_isr(&d);
        } else {
            advance(100 * US);
        }
    }
    cr_assert_eq(d.rx->len, 3, "three typed characters reach the driver");
    cr_assert(memcmp(d.rx->data, "ls\r", 3) == 0);
    g_byte_array_free(d.rx, true);
}

Test(serial, post_load_rejects_and_sanitises_corrupt_fifo)
{
    ss->rx_fifo.head = 200;
    ss->rx_fifo.count = 3;
    cr_assert_eq(dev->dc->vmsd->post_load(ss, 1), -EINVAL);
    cr_assert_eq(ss->rx_fifo.count, 0);
    cr_assert_lt(ss->rx_fifo.head, SERIAL_FIFO_SIZE);
    (void)rd(RBR);
}
