/*
 * 16550A UART, modelled on the National Semiconductor (now TI) PC16550D datasheet
 * "Universal Asynchronous Receiver/Transmitter with FIFOs" (SNLS378).
 *
 * Modelled: RBR/THR, IER, IIR with the datasheet's interrupt priorities, FCR (16-byte
 * FIFOs, trigger levels 1/4/8/14, FIFO resets, IIR bits 7:6), LCR with DLAB and the
 * divisor latch, MCR with loopback (outputs fed back to the modem inputs, transmitter
 * looped to the receiver), LSR (DR, OE, BI, THRE, TEMT, FIFO error), MSR delta bits,
 * SCR, the receive character timeout (four character times) and break reception.
 *
 * Not modelled: parity and framing errors (a chardev delivers whole bytes), the DMA
 * mode pins (TXRDY/RXRDY), sending a break (LCR bit 6 has no line to drive), and the
 * OUT2 gate of the PC's interrupt line (a board-level buffer outside the chip).
 *
 * Transmit timing: bytes go to the chardev as soon as the guest writes THR; once the
 * FIFO has drained into it, LSR shows THRE/TEMT and the THRE interrupt is pending at
 * once, as in QEMU. The transmitter is not paced at the programmed baud rate: Linux
 * leaves a console given as plain "console=ttyS0" at 9600 baud, and a paced THRE
 * interrupt (one character time after the refill) held an interrupt-driven shell's
 * output to 16 bytes per character time, 15 KB/s, where QEMU prints about 900 KB/s.
 * An interrupt-driven driver now refills in a loop inside its handler (Linux's 8250
 * handler: one pass per 16 bytes, at most 4 KiB per run). Only a chardev that
 * refuses bytes makes the transmitter wait: it retries one character time later.
 * Enabling ETBEI while THR is empty raises THRE at once (the datasheet's rule;
 * Linux's 8250 driver probes for it).
 */
#include "qemu/osdep.h"
#include "hw/char/serial.h"
#include "migration/vmstate.h"

/* Register offsets (in units of 1 << regshift). */
enum {
    UART_RBR = 0,   /* read, DLAB = 0 */
    UART_THR = 0,   /* write, DLAB = 0 */
    UART_DLL = 0,   /* DLAB = 1 */
    UART_IER = 1,   /* DLAB = 0 */
    UART_DLM = 1,   /* DLAB = 1 */
    UART_IIR = 2,   /* read */
    UART_FCR = 2,   /* write */
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_MSR = 6,
    UART_SCR = 7,
};

#define IER_ERBFI   0x01    /* received data available */
#define IER_ETBEI   0x02    /* transmitter holding register empty */
#define IER_ELSI    0x04    /* receiver line status */
#define IER_EDSSI   0x08    /* modem status */

#define IIR_NO_INT  0x01
#define IIR_RLS     0x06    /* priority 1: receiver line status */
#define IIR_RDA     0x04    /* priority 2: received data available */
#define IIR_CTI     0x0c    /* priority 2: character timeout */
#define IIR_THRE    0x02    /* priority 3 */
#define IIR_MS      0x00    /* priority 4 */
#define IIR_FIFO_ON 0xc0

#define FCR_FIFO_EN     0x01
#define FCR_RX_RESET    0x02
#define FCR_TX_RESET    0x04
#define FCR_TRIGGER(v)  (((v) >> 6) & 3)

#define LCR_WLS     0x03
#define LCR_STB     0x04
#define LCR_PEN     0x08
#define LCR_DLAB    0x80

#define MCR_DTR     0x01
#define MCR_RTS     0x02
#define MCR_OUT1    0x04
#define MCR_OUT2    0x08
#define MCR_LOOP    0x10

#define LSR_DR      0x01
#define LSR_OE      0x02
#define LSR_PE      0x04
#define LSR_FE      0x08
#define LSR_BI      0x10
#define LSR_THRE    0x20
#define LSR_TEMT    0x40
#define LSR_RXFERR  0x80
#define LSR_ERRORS  (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS    0x01
#define MSR_DDSR    0x02
#define MSR_TERI    0x04
#define MSR_DDCD    0x08
#define MSR_CTS     0x10
#define MSR_DSR     0x20
#define MSR_RI      0x40
#define MSR_DCD     0x80
#define MSR_DELTAS  0x0f

static const uint8_t serial_rx_trigger[4] = { 1, 4, 8, 14 };

/* ---- FIFOs ---- */

static void serial_fifo_reset(SerialFIFO *f)
{
    f->head = 0;
    f->count = 0;
}

static unsigned serial_fifo_slot(const SerialFIFO *f, unsigned i)
{
    return (f->head + i) % SERIAL_FIFO_SIZE;
}

static bool serial_fifos_enabled(const SerialState *s)
{
    return (s->fcr & FCR_FIFO_EN) != 0;
}

/* In character (16450) mode each "FIFO" holds one byte: RBR and THR. */
static unsigned serial_fifo_capacity(const SerialState *s)
{
    return serial_fifos_enabled(s) ? SERIAL_FIFO_SIZE : 1;
}

/* ---- timing ---- */

/* Bits on the wire per character, in half bits (1.5 stop bits exist). */
static unsigned serial_frame_halfbits(const SerialState *s)
{
    unsigned data = 5 + (s->lcr & LCR_WLS);
    unsigned stop2 = 2;                         /* one stop bit */

    if (s->lcr & LCR_STB) {
        stop2 = data == 5 ? 3 : 4;
    }
    return 2 * (1 + data + ((s->lcr & LCR_PEN) ? 1 : 0)) + stop2;
}

static void serial_update_speed(SerialState *s)
{
    uint32_t div = s->divider ? s->divider : 1;
    uint32_t base = s->baudbase ? s->baudbase : 115200;

    /* ns = halfbits / 2 * 1e9 * div / base */
    s->char_transmit_ns = muldiv64((int64_t)serial_frame_halfbits(s) * div,
                                   NANOSECONDS_PER_SECOND / 2, base);
}

/* ---- interrupts ---- */

static uint8_t serial_compute_iir(const SerialState *s)
{
    uint8_t iir = IIR_NO_INT;

    if ((s->ier & IER_ELSI) && (s->lsr & LSR_ERRORS)) {
        iir = IIR_RLS;
    } else if ((s->ier & IER_ERBFI) && s->rx_fifo.count &&
               (!serial_fifos_enabled(s) ||
                s->rx_fifo.count >= serial_rx_trigger[FCR_TRIGGER(s->fcr)])) {
        iir = IIR_RDA;
    } else if ((s->ier & IER_ERBFI) && s->timeout_ipending) {
        iir = IIR_CTI;
    } else if ((s->ier & IER_ETBEI) && s->thr_ipending) {
        iir = IIR_THRE;
    } else if ((s->ier & IER_EDSSI) && (s->msr & MSR_DELTAS)) {
        iir = IIR_MS;
    }
    if (serial_fifos_enabled(s)) {
        iir |= IIR_FIFO_ON;
    }
    return iir;
}

static void serial_update_irq(SerialState *s)
{
    int level;

    s->iir = serial_compute_iir(s);
    level = !(s->iir & IIR_NO_INT);
    if (level != s->last_irq_level) {
        s->last_irq_level = level;
        irq_set(s->irq, level);
    }
}

/* ---- modem lines ---- */

/* Levels of CTS/DSR/RI/DCD as MSR bits 7:4 show them. */
static uint8_t serial_modem_inputs(const SerialState *s)
{
    uint8_t in = 0;

    if (s->mcr & MCR_LOOP) {
        /* Datasheet loopback wiring: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
        if (s->mcr & MCR_RTS) {
            in |= MSR_CTS;
        }
        if (s->mcr & MCR_DTR) {
            in |= MSR_DSR;
        }
        if (s->mcr & MCR_OUT1) {
            in |= MSR_RI;
        }
        if (s->mcr & MCR_OUT2) {
            in |= MSR_DCD;
        }
    } else {
        /* A chardev is an always-connected null modem: carrier and handshake on. */
        in = MSR_CTS | MSR_DSR | MSR_DCD;
    }
    return in;
}

static void serial_update_msr(SerialState *s)
{
    uint8_t old = s->msr & 0xf0;
    uint8_t now = serial_modem_inputs(s);
    uint8_t changed = old ^ now;

    s->msr = (s->msr & MSR_DELTAS) | now;
    if (changed & MSR_CTS) {
        s->msr |= MSR_DCTS;
    }
    if (changed & MSR_DSR) {
        s->msr |= MSR_DDSR;
    }
    if (changed & MSR_DCD) {
        s->msr |= MSR_DDCD;
    }
    /* TERI: trailing edge of RI only. */
    if ((old & MSR_RI) && !(now & MSR_RI)) {
        s->msr |= MSR_TERI;
    }
}

/* ---- receiver ---- */

static void serial_arm_timeout(SerialState *s)
{
    if (s->rx_fifo.count && serial_fifos_enabled(s)) {
        timer_mod(&s->timeout_timer,
                  clock_get_ns(CLOCK_VIRTUAL) + 4 * s->char_transmit_ns);
    } else {
        timer_del(&s->timeout_timer);
    }
}

/* The error bits of the character at the top of the receive FIFO show in LSR. */
static void serial_latch_top_errors(SerialState *s)
{
    if (s->rx_fifo.count) {
        s->lsr |= s->lsr_errors[s->rx_fifo.head] & (LSR_PE | LSR_FE | LSR_BI);
    }
}

static bool serial_rx_fifo_has_errors(const SerialState *s)
{
    for (unsigned i = 0; i < s->rx_fifo.count; i++) {
        if (s->lsr_errors[serial_fifo_slot(&s->rx_fifo, i)]) {
            return true;
        }
    }
    return false;
}

/* A character (with its error bits) arrives from the line. */
static void serial_receive_char(SerialState *s, uint8_t ch, uint8_t errors)
{
    SerialFIFO *f = &s->rx_fifo;

    if (f->count >= serial_fifo_capacity(s)) {
        /*
         * Overrun: in FIFO mode the character in the shift register is lost and the
         * FIFO is kept; in character mode the new character overwrites RBR.
         */
        s->lsr |= LSR_OE;
        if (!serial_fifos_enabled(s)) {
            f->data[f->head] = ch;
            s->lsr_errors[f->head] = errors;
            s->lsr |= errors;
        }
    } else {
        unsigned slot = serial_fifo_slot(f, f->count);

        f->data[slot] = ch;
        s->lsr_errors[slot] = errors;
        f->count++;
        if (f->count == 1) {
            serial_latch_top_errors(s);
        }
    }
    s->lsr |= LSR_DR;
    serial_arm_timeout(s);
    serial_update_irq(s);
}

static uint8_t serial_read_rbr(SerialState *s)
{
    SerialFIFO *f = &s->rx_fifo;
    bool was_full = f->count >= serial_fifo_capacity(s);

    if (f->count) {
        s->rbr = f->data[f->head];
        s->lsr_errors[f->head] = 0;
        f->head = (f->head + 1) % SERIAL_FIFO_SIZE;
        f->count--;
        serial_latch_top_errors(s);
    }
    if (!f->count) {
        s->lsr &= ~LSR_DR;
    }
    s->timeout_ipending = false;
    serial_arm_timeout(s);
    serial_update_irq(s);
    if (s->chr && (was_full || !f->count) && !(s->mcr & MCR_LOOP)) {
        chardev_accept_input(s->chr);
    }
    return s->rbr;
}

static void serial_timeout_cb(void *opaque)
{
    SerialState *s = opaque;

    if (s->rx_fifo.count && serial_fifos_enabled(s)) {
        s->timeout_ipending = true;
        serial_update_irq(s);
    }
}

/* ---- transmitter ---- */

/*
 * How many character times a back end that takes nothing (a pty nobody reads) may
 * hold a byte before it is dropped: the line must not stay busy forever.
 */
#define SERIAL_TX_MAX_RETRIES 100

/* Send what the transmit FIFO holds; false if the chardev could not take it all. */
static bool serial_tx_pump(SerialState *s)
{
    SerialFIFO *f = &s->tx_fifo;

    while (f->count) {
        uint8_t ch = f->data[f->head];

        if (s->mcr & MCR_LOOP) {
            serial_receive_char(s, ch, 0);
        } else if (s->chr) {
            int rc = chardev_write(s->chr, &ch, 1);

            if (rc == 0 && s->tx_retries < SERIAL_TX_MAX_RETRIES) {
                s->tx_retries++;
                return false;
            }
            /* Sent, failed (rc < 0) or given up on: the byte leaves the FIFO. */
        }
        s->tx_retries = 0;
        s->tsr = ch;
        f->head = (f->head + 1) % SERIAL_FIFO_SIZE;
        f->count--;
    }
    return true;
}

static void serial_tx_kick(SerialState *s)
{
    if (serial_tx_pump(s)) {
        s->lsr |= LSR_THRE | LSR_TEMT;
        s->thr_ipending = true;
        timer_del(&s->tx_timer);
    } else {
        /* The chardev is full: try again a character time later. */
        timer_mod(&s->tx_timer, clock_get_ns(CLOCK_VIRTUAL) + s->char_transmit_ns);
    }
    serial_update_irq(s);
}

static void serial_tx_timer_cb(void *opaque)
{
    SerialState *s = opaque;

    if (s->tx_fifo.count) {
        serial_tx_kick(s);
        return;
    }
    /*
     * An empty FIFO here only comes from a snapshot of an older mimic, which armed
     * this timer to raise THRE a character time after each refill: raise it now.
     */
    if (s->lsr & LSR_THRE) {
        s->thr_ipending = true;
        serial_update_irq(s);
    }
}

static void serial_write_thr(SerialState *s, uint8_t val)
{
    SerialFIFO *f = &s->tx_fifo;

    s->thr = val;
    if (f->count >= serial_fifo_capacity(s)) {
        mimic_log_mask(LOG_GUEST_ERROR, "%s: THR written while the transmitter is full\n",
                       s->parent.id);
        return;
    }
    f->data[serial_fifo_slot(f, f->count)] = val;
    f->count++;
    s->lsr &= ~(LSR_THRE | LSR_TEMT);
    s->thr_ipending = false;
    serial_tx_kick(s);
}

/* ---- register interface ---- */

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    /* Changing the FIFO enable bit clears both FIFOs (datasheet, FCR bit 0). */
    if ((val ^ s->fcr) & FCR_FIFO_EN) {
        val |= FCR_RX_RESET | FCR_TX_RESET;
    }
    if (val & FCR_RX_RESET) {
        serial_fifo_reset(&s->rx_fifo);
        memset(s->lsr_errors, 0, sizeof(s->lsr_errors));
        s->lsr &= ~(LSR_DR | LSR_RXFERR);
        s->timeout_ipending = false;
        timer_del(&s->timeout_timer);
    }
    if (val & FCR_TX_RESET) {
        serial_fifo_reset(&s->tx_fifo);
        s->lsr |= LSR_THRE | LSR_TEMT;
    }
    /* The reset bits self-clear; other bits only stick with FIFOs enabled. */
    s->fcr = (val & FCR_FIFO_EN) ? (val & 0xc9) : 0;
    serial_update_irq(s);
}

static void serial_write_ier(SerialState *s, uint8_t val)
{
    uint8_t old = s->ier;

    s->ier = val & 0x0f;
    if ((s->ier & IER_ETBEI) && !(old & IER_ETBEI) && (s->lsr & LSR_THRE)) {
        s->thr_ipending = true;
    }
    serial_update_irq(s);
}

static void serial_write_mcr(SerialState *s, uint8_t val)
{
    uint8_t old = s->mcr;

    s->mcr = val & 0x1f;
    serial_update_msr(s);
    if ((old ^ s->mcr) & MCR_LOOP) {
        /* Leaving loopback reconnects the receiver: the chardev may deliver again. */
        if (!(s->mcr & MCR_LOOP) && s->chr) {
            chardev_accept_input(s->chr);
        }
    }
    serial_update_irq(s);
}

static void serial_reg_write(SerialState *s, unsigned reg, uint8_t val)
{
    switch (reg) {
    case UART_THR:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
            serial_update_speed(s);
        } else {
            serial_write_thr(s, val);
        }
        break;
    case UART_IER:
        if (s->lcr & LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (val << 8);
            serial_update_speed(s);
        } else {
            serial_write_ier(s, val);
        }
        break;
    case UART_FCR:
        serial_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        serial_update_speed(s);
        break;
    case UART_MCR:
        serial_write_mcr(s, val);
        break;
    case UART_LSR:
        /* Writable only in factory test; the datasheet says not to. */
        mimic_log_mask(LOG_GUEST_ERROR, "%s: write 0x%02x to LSR ignored\n",
                       s->parent.id, val);
        break;
    case UART_MSR:
        mimic_log_mask(LOG_GUEST_ERROR, "%s: write 0x%02x to MSR ignored\n",
                       s->parent.id, val);
        break;
    case UART_SCR:
        s->scr = val;
        break;
    }
}

static uint8_t serial_reg_read(SerialState *s, unsigned reg)
{
    uint8_t val = 0;

    switch (reg) {
    case UART_RBR:
        if (s->lcr & LCR_DLAB) {
            val = s->divider & 0xff;
        } else {
            val = serial_read_rbr(s);
        }
        break;
    case UART_IER:
        val = (s->lcr & LCR_DLAB) ? s->divider >> 8 : s->ier;
        break;
    case UART_IIR:
        val = s->iir;
        /* Reading IIR while it reports THRE is what clears that interrupt. */
        if ((val & 0x0f) == IIR_THRE) {
            s->thr_ipending = false;
            serial_update_irq(s);
        }
        break;
    case UART_LCR:
        val = s->lcr;
        break;
    case UART_MCR:
        val = s->mcr;
        break;
    case UART_LSR:
        val = s->lsr;
        if (serial_fifos_enabled(s) && serial_rx_fifo_has_errors(s)) {
            val |= LSR_RXFERR;
        }
        s->lsr &= ~(LSR_ERRORS | LSR_RXFERR);
        serial_update_irq(s);
        break;
    case UART_MSR:
        val = s->msr;
        s->msr &= ~MSR_DELTAS;
        serial_update_irq(s);
        break;
    case UART_SCR:
        val = s->scr;
        break;
    }
    return val;
}

static uint64_t serial_io_read(void *opaque, hwaddr off, unsigned size)
{
    SerialState *s = opaque;

    if (off & ((1u << s->regshift) - 1)) {
        mimic_log_mask(LOG_GUEST_ERROR,
                       "%s: read at unaligned offset 0x%" HWADDR_PRIx "\n",
                       s->parent.id, off);
        return 0;
    }
    return serial_reg_read(s, (off >> s->regshift) & 7);
}

static void serial_io_write(void *opaque, hwaddr off, uint64_t val, unsigned size)
{
    SerialState *s = opaque;

    if (off & ((1u << s->regshift) - 1)) {
        mimic_log_mask(LOG_GUEST_ERROR,
                       "%s: write at unaligned offset 0x%" HWADDR_PRIx "\n",
                       s->parent.id, off);
        return;
    }
    serial_reg_write(s, (off >> s->regshift) & 7, val & 0xff);
}

/* ISA: eight byte-wide ports; wider accesses reach consecutive registers. */
static const MemoryRegionOps serial_isa_ops = {
    .read = serial_io_read,
    .write = serial_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

/* Memory-mapped: one register per 1 << regshift bytes, accessed at any width. */
static const MemoryRegionOps serial_mm_ops = {
    .read = serial_io_read,
    .write = serial_io_write,
    .endianness = DEVICE_NATIVE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 4 },
    .impl = { .min_access_size = 1, .max_access_size = 4 },
};

/* ---- chardev front end ---- */

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (s->mcr & MCR_LOOP) {
        return 0;
    }
    return serial_fifo_capacity(s) - MIN_U(s->rx_fifo.count, serial_fifo_capacity(s));
}

static void serial_receive(void *opaque, const uint8_t *buf, int len)
{
    SerialState *s = opaque;

    if (s->mcr & MCR_LOOP) {
        /* The serial input pin is disconnected in loopback. */
        return;
    }
    for (int i = 0; i < len; i++) {
        serial_receive_char(s, buf[i], 0);
    }
}

static void serial_event(void *opaque, int event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK && !(s->mcr & MCR_LOOP)) {
        /* A break arrives as an all-zero character flagged BI (and FE). */
        serial_receive_char(s, 0, LSR_BI | LSR_FE);
    }
}

static const CharFrontendOps serial_chr_ops = {
    .can_receive = serial_can_receive,
    .receive = serial_receive,
    .event = serial_event,
};

/* ---- device ---- */

static void serial_reset(DeviceState *dev)
{
    SerialState *s = (SerialState *)dev;

    timer_del(&s->tx_timer);
    timer_del(&s->timeout_timer);
    /* Master reset values from the datasheet's reset table. */
    s->ier = 0;
    s->fcr = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->lsr = LSR_THRE | LSR_TEMT;
    s->msr = serial_modem_inputs(s);
    s->scr = 0;
    s->rbr = 0;
    s->thr = 0;
    s->tsr = 0;
    /* The divisor is not reset by the chip; firmware expects 9600 baud at power-on. */
    s->divider = 12;
    s->thr_ipending = false;
    s->timeout_ipending = false;
    s->tx_retries = 0;
    serial_fifo_reset(&s->rx_fifo);
    serial_fifo_reset(&s->tx_fifo);
    memset(s->lsr_errors, 0, sizeof(s->lsr_errors));
    serial_update_speed(s);
    s->iir = serial_compute_iir(s);
    s->last_irq_level = 0;
    irq_lower(s->irq);
}

static bool serial_realize(DeviceState *dev, GError **errp)
{
    SerialState *s = (SerialState *)dev;

    if (s->regshift > 4) {
        error_setg(errp, "%s: regshift %u out of range (0-4)", dev->id, s->regshift);
        return false;
    }
    if (s->baudbase == 0) {
        error_setg(errp, "%s: baudbase must not be 0", dev->id);
        return false;
    }
    timer_init_ns(&s->tx_timer, CLOCK_VIRTUAL, serial_tx_timer_cb, s);
    timer_init_ns(&s->timeout_timer, CLOCK_VIRTUAL, serial_timeout_cb, s);
    memory_region_init_io(&s->io, s->regshift ? &serial_mm_ops : &serial_isa_ops, s,
                          dev->id ? dev->id : "serial", 8u << s->regshift);
    serial_reset(dev);
    if (s->chr) {
        chardev_set_frontend(s->chr, &serial_chr_ops, s);
    }
    return true;
}

static void serial_unrealize(DeviceState *dev)
{
    SerialState *s = (SerialState *)dev;

    timer_del(&s->tx_timer);
    timer_del(&s->timeout_timer);
    if (s->chr) {
        chardev_set_frontend(s->chr, NULL, NULL);
    }
}

static int serial_post_load(void *opaque, int version_id)
{
    SerialState *s = opaque;

    if (s->rx_fifo.head >= SERIAL_FIFO_SIZE || s->rx_fifo.count > SERIAL_FIFO_SIZE ||
        s->tx_fifo.head >= SERIAL_FIFO_SIZE || s->tx_fifo.count > SERIAL_FIFO_SIZE) {
        /* Never leave indices that point outside the FIFOs, even on failure. */
        serial_fifo_reset(&s->rx_fifo);
        serial_fifo_reset(&s->tx_fifo);
        return -EINVAL;
    }
    serial_update_speed(s);
    s->iir = serial_compute_iir(s);
    s->last_irq_level = !(s->iir & IIR_NO_INT);
    irq_set(s->irq, s->last_irq_level);
    return 0;
}

static const VMStateField serial_fifo_fields[] = {
    VMSTATE_UINT8_ARRAY(data, SerialFIFO, SERIAL_FIFO_SIZE),
    VMSTATE_UINT32(head, SerialFIFO),
    VMSTATE_UINT32(count, SerialFIFO),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription serial_fifo_vmstate = {
    .name = "serial-fifo",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = serial_fifo_fields,
};

static const VMStateField serial_fields[] = {
    VMSTATE_UINT16(divider, SerialState),
    VMSTATE_UINT8(rbr, SerialState),
    VMSTATE_UINT8(thr, SerialState),
    VMSTATE_UINT8(tsr, SerialState),
    VMSTATE_UINT8(ier, SerialState),
    VMSTATE_UINT8(iir, SerialState),
    VMSTATE_UINT8(fcr, SerialState),
    VMSTATE_UINT8(lcr, SerialState),
    VMSTATE_UINT8(mcr, SerialState),
    VMSTATE_UINT8(lsr, SerialState),
    VMSTATE_UINT8(msr, SerialState),
    VMSTATE_UINT8(scr, SerialState),
    VMSTATE_BOOL(thr_ipending, SerialState),
    VMSTATE_BOOL(timeout_ipending, SerialState),
    VMSTATE_UINT32(tx_retries, SerialState),
    VMSTATE_STRUCT(rx_fifo, SerialState, serial_fifo_vmstate, SerialFIFO),
    VMSTATE_STRUCT(tx_fifo, SerialState, serial_fifo_vmstate, SerialFIFO),
    VMSTATE_UINT8_ARRAY(lsr_errors, SerialState, SERIAL_FIFO_SIZE),
    VMSTATE_TIMER(tx_timer, SerialState),
    VMSTATE_TIMER(timeout_timer, SerialState),
    VMSTATE_END_OF_LIST()
};

static const VMStateDescription serial_vmstate = {
    .name = "serial-16550a",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = serial_post_load,
    .fields = serial_fields,
};

static const Property serial_props[] = {
    DEFINE_PROP_PTR("chardev", SerialState, chr),
    DEFINE_PROP_UINT32("regshift", SerialState, regshift, 0),
    DEFINE_PROP_UINT32("baudbase", SerialState, baudbase, 115200),
    DEFINE_PROP_END_OF_LIST(),
};

const DeviceClass serial_device_class = {
    .name = TYPE_SERIAL,
    .desc = "16550A UART",
    .instance_size = sizeof(SerialState),
    .realize = serial_realize,
    .reset = serial_reset,
    .unrealize = serial_unrealize,
    .vmsd = &serial_vmstate,
    .props = serial_props,
    .user_creatable = false,
};

static void __attribute__((constructor)) serial_register(void)
{
    device_class_register(&serial_device_class);
}

static DeviceState *serial_create(MemoryRegion *space, hwaddr base, unsigned regshift,
                                  IRQLine *irq, Chardev *chr, const char *id)
{
    DeviceState *dev = qdev_new(&serial_device_class, id);
    SerialState *s = (SerialState *)dev;
    GError *err = NULL;

    qdev_prop_set_ptr(dev, "chardev", chr);
    qdev_prop_set_uint32(dev, "regshift", regshift);
    s->irq = irq;
    if (!qdev_realize(dev, &err)) {
        error_report_err(err);
        return NULL;
    }
    memory_region_add_subregion(space, base, &s->io);
    return dev;
}

DeviceState *serial_isa_init(MemoryRegion *io_space, hwaddr base, IRQLine *irq,
                             Chardev *chr, const char *id)
{
    return serial_create(io_space, base, 0, irq, chr, id);
}

DeviceState *serial_mm_init(MemoryRegion *space, hwaddr base, unsigned regshift,
                            IRQLine *irq, Chardev *chr, const char *id)
{
    return serial_create(space, base, regshift, irq, chr, id);
}
