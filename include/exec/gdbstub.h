/*
 * The GDB remote stub (softmmu/gdbstub.c): GDB's Remote Serial Protocol on a
 * chardev (-gdb DEV, -s, the monitor's gdbserver). The protocol helpers (framing,
 * checksums, hex, escapes) are exported so the unit tests can drive them directly.
 */
#ifndef EXEC_GDBSTUB_H
#define EXEC_GDBSTUB_H

#include "qemu/osdep.h"
#include "hw/core/cpu.h"

/* Largest packet we take or send (the PacketSize we advertise in qSupported). */
#define GDB_MAX_PACKET 4096

/* ---- protocol helpers ---- */

/* Modulo-256 sum of the bytes, as in "$data#cs". */
uint8_t gdbstub_checksum(const uint8_t *buf, size_t len);
/* Lower-case hex of len bytes into out (2 * len chars + NUL). */
void gdbstub_hex_encode(char *out, const uint8_t *buf, size_t len);
/* Decode up to max bytes from hex text (stops at the first non-hex pair); returns
 * the bytes decoded, -1 if the text has an odd digit count before its end. */
int gdbstub_hex_decode(uint8_t *out, size_t max, const char *hex, size_t hexlen);
/* Undo '}' escapes (byte XOR 0x20) in binary data; returns the decoded length. */
size_t gdbstub_unescape(uint8_t *out, const uint8_t *in, size_t len);
/*
 * Frame data as "$...#cs": '$', '#', '}' and '*' escaped, runs of a byte
 * run-length encoded ("x*N") where that is shorter. Returns a new GString.
 */
GString *gdbstub_frame(const uint8_t *data, size_t len);

/* Incremental receiver: feed bytes, get events. */
typedef enum GdbRxEvent {
    GDB_RX_NONE,        /* byte consumed, nothing complete */
    GDB_RX_PACKET,      /* rx->buf[0..len) is a packet with a good checksum */
    GDB_RX_BAD_CSUM,    /* a packet arrived with a wrong checksum: NAK it */
    GDB_RX_INTERRUPT,   /* 0x03 outside a packet */
    GDB_RX_ACK,         /* '+' */
    GDB_RX_NAK,         /* '-' */
} GdbRxEvent;

typedef struct GdbRx {
    enum { GDB_RX_IDLE, GDB_RX_BODY, GDB_RX_CSUM1, GDB_RX_CSUM2 } state;
    char buf[GDB_MAX_PACKET + 1];   /* NUL-terminated body (still escaped) */
    size_t len;
    bool overflow;
    uint8_t sum, got;
} GdbRx;

void gdbstub_rx_init(GdbRx *rx);
GdbRxEvent gdbstub_rx_byte(GdbRx *rx, uint8_t ch);

/* ---- the server ---- */

/*
 * Start the stub on DEV: "tcp::1234", "tcp:HOST:PORT", "unix:PATH" (",server,nowait"
 * implied when missing, as in QEMU), a bare port number, or "none" to stop it.
 * False + errp when the chardev cannot be opened or the accelerator cannot debug.
 */
bool gdbserver_start(const char *dev, GError **errp);
/* Is a stub listening (or connected)? */
bool gdbserver_running(void);

/*
 * The vCPU loop got EXCP_DEBUG from cpu (a breakpoint or the end of a single
 * step): stop the VM in the debug state and send gdb its stop reply.
 */
void gdbstub_debug_stop(CPUState *cpu);

/*
 * The VM stopped (vm_stop) in state: if gdb is waiting for a stop after c/s, tell
 * it why (the monitor's stop: SIGINT; a shutdown: SIGQUIT, as QEMU does). Stops
 * the stub makes itself (RUN_STATE_DEBUG) send their own reply.
 */
void gdbstub_vm_stopped(int state);

/*
 * Feed the stub bytes as if they came from the chardev, with replies written
 * through out (tests); the server itself uses the chardev.
 */
typedef void (*GdbOutFn)(void *opaque, const uint8_t *buf, size_t len);
void gdbstub_attach_test(GdbOutFn out, void *opaque);
void gdbstub_receive_test(const uint8_t *buf, size_t len);

/* Breakpoints of every CPU (translation checks cpu->breakpoints). */
bool gdbstub_breakpoint_insert(vaddr pc);
bool gdbstub_breakpoint_remove(vaddr pc);
/* Watchpoints (BP_MEM_* flags) on every CPU; insert is false when a CPU's table is
 * full. remove_all takes the watchpoints too. */
bool gdbstub_watchpoint_insert(vaddr addr, vaddr len, int flags);
void gdbstub_watchpoint_remove(vaddr addr, vaddr len, int flags);
void gdbstub_breakpoint_remove_all(void);

/* The targets' register hooks (CPUClass gdb_read_register / gdb_write_register),
 * in target-mips/gdbstub.c and target-i386/gdbstub.c. */
int mips_cpu_gdb_read_register(CPUState *cs, uint8_t *buf, int n);
int mips_cpu_gdb_write_register(CPUState *cs, const uint8_t *buf, int n);
int x86_cpu_gdb_read_register(CPUState *cs, uint8_t *buf, int n);
int x86_cpu_gdb_write_register(CPUState *cs, const uint8_t *buf, int n);

#endif
