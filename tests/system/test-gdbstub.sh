#!/bin/bash
# The GDB stub (-gdb, -S) on both boards, driven by a small Remote Serial Protocol
# client (below, in Python) the way gdb drives it: a bare-metal guest test program
# (tests/guest/<arch>/test-alu) is started with -gdb unix:SOCK,server,nowait -S;
# the client checks the initial stop and registers (pc = the ELF entry or the
# board's reset vector), sets a breakpoint on the ELF's `main` (from nm), continues
# and must stop there (T05, pc = main), reads code bytes and compares them with the
# ELF, writes and reads back memory and a register, single-steps (pc advances),
# rewinds with G and steps again (same pc: a pc write takes effect), removes the
# breakpoint, sets a write watchpoint below the stack pointer (hit by main's
# prologue: the stop comes right after the store and names the address) and a
# read watchpoint on the program's failure count (hit when it reports),
# continues, interrupts with Ctrl-C (T02) and detaches. On the PC the
# stub is started from the monitor (gdbserver), and `info status` at the
# breakpoint must say "paused (debug)".
# Then Debian's Linux guests (a shell loop printing "COUNT n"): gdb attaches to the
# running kernel (the VM stops), reads code at the kernel's pc through the guest's
# page tables / TLB, steps, puts a breakpoint on the idle path and hits it again
# and again, detaches, and the guest must go on counting.
# EMU / EMU_I386 may name qemu-system-mipsel / qemu-system-i386 to check the test
# itself against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=gdbstub

sys_need_emu
EMU_I386=${EMU_I386:-$BUILD/mimic-system-i386}
EMU_I386=$(command -v "$EMU_I386" 2>/dev/null) ||
    sys_fail "i386 emulator not found (build it with 'make' or set EMU_I386)"
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the stub"
if ! command -v mipsel-linux-gnu-gcc >/dev/null || ! command -v i686-linux-gnu-gcc >/dev/null
then
    sys_skip "the mipsel and i686 cross compilers are needed for the guest programs"
fi

make --no-print-directory -s "$BUILD/tests/guest/mips/test-alu.elf" \
    "$BUILD/tests/guest/i386/test-alu.elf" >/dev/null || sys_fail "could not build the guests"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

cat >"$work/rsp.py" <<'EOF'
import os, re, socket, struct, subprocess, sys, time
sys.path.insert(0, "tests/system")
from gdbrsp import rsp_decode

arch, sock_path, elf, nm = sys.argv[1:5]
mon_path = sys.argv[5] if len(sys.argv) > 5 else None
PC = {"mips": 37, "i386": 8}[arch]          # pc's number in GDB's default layout
GPR = {"mips": 8, "i386": 0}[arch]          # t0 / eax
RESET = {"mips": 0xbfc00000, "i386": 0xfff0}[arch]

def fail(msg):
    print("FAIL: %s: %s" % (arch, msg))
    sys.exit(1)

# ---- the ELF: symbols and the bytes at an address ----
syms = {}
for line in subprocess.run([nm, elf], capture_output=True, text=True).stdout.splitlines():
    f = line.split()
    if len(f) == 3:
        syms[f[2]] = (int(f[0], 16) & 0xffffffff, f[1])
data = open(elf, "rb").read()
entry = struct.unpack_from("<I", data, 24)[0]

def elf_bytes(addr, n):
    phoff, = struct.unpack_from("<I", data, 28)
    phentsize, phnum = struct.unpack_from("<HH", data, 42)
    for i in range(phnum):
        p_type, off, vaddr, _, filesz = struct.unpack_from("<IIIII", data, phoff + i * phentsize)
        if p_type == 1 and vaddr <= addr and addr + n <= vaddr + filesz:
            return data[off + addr - vaddr: off + addr - vaddr + n]
    fail("0x%x not in the ELF's loaded segments" % addr)

# ---- RSP ----
for _ in range(100):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock_path)
        break
    except OSError:
        time.sleep(0.1)
else:
    fail("cannot connect to " + sock_path)
s.settimeout(20)
buf = b""
no_ack = False

def getc():
    global buf
    while not buf:
        chunk = s.recv(4096)
        if not chunk:
            fail("connection closed")
        buf += chunk
    c, buf = buf[:1], buf[1:]
    return c

def send(body):
    cs = sum(body.encode()) & 0xff
    s.sendall(("$%s#%02x" % (body, cs)).encode())
    if not no_ack:
        c = getc()
        if c != b"+":
            fail("no ack for %r (got %r)" % (body, c))

def recv():
    while getc() != b"$":
        pass
    body = b""
    while True:
        c = getc()
        if c == b"#":
            break
        body += c
    cs = int(getc() + getc(), 16)
    if sum(body) & 0xff != cs:
        fail("bad checksum on %r" % body)
    if not no_ack:
        s.sendall(b"+")
    return rsp_decode(body)

def cmd(body):
    send(body)
    return recv()

def expect(body, want):
    got = cmd(body)
    if not re.fullmatch(want, got):
        fail("%s: got %r, want %r" % (body, got, want))
    return got

def le32(hexs):
    return struct.unpack("<I", bytes.fromhex(hexs))[0]

def h32(v):
    return struct.pack("<I", v & 0xffffffff).hex()

# p/P, falling back to g/G when the stub answers them with an empty packet (QEMU
# does until gdb has read a target description), as gdb itself falls back.
def read_reg(n):
    got = cmd("p%x" % n)
    if got == "":
        got = cmd("g")[n * 8: n * 8 + 8]
    if not re.fullmatch("[0-9a-f]{8}", got):
        fail("register %d reads as %r" % (n, got))
    return le32(got)

def write_reg(n, v):
    got = cmd("P%x=%s" % (n, h32(v)))
    if got == "":
        g = cmd("g")
        got = cmd("G" + g[:n * 8] + h32(v) + g[n * 8 + 8:])
    if got != "OK":
        fail("register %d write: %r" % (n, got))

def read_pc():
    return read_reg(PC)

def stop_thread(reply, sig):
    m = re.fullmatch(r"T%02x(?:thread:([0-9a-f.p]+);)?.*" % sig, reply)
    if not m:
        fail("stop reply %r, want T%02x" % (reply, sig))

# Handshake as gdb does it.
sup = cmd("qSupported:multiprocess-;swbreak+;hwbreak+;vContSupported+")
if "PacketSize=" not in sup:
    fail("qSupported reply %r lacks PacketSize" % sup)
if "QStartNoAckMode+" in sup:
    expect("QStartNoAckMode", "OK")
    no_ack = True
expect("Hg0", "OK")
stop_thread(cmd("?"), 5)
expect("qAttached", "1")
expect("qC", "QC(p1\\.)?0*1")
threads = expect("qfThreadInfo", "m.*")
expect("qsThreadInfo", "l")
if "vCont;c" not in cmd("vCont?") or "s" not in cmd("vCont?"):
    fail("vCont? does not offer c and s")

# Registers at the first stop: the reset state.
g = cmd("g")
if len(g) < (PC + 1) * 8:
    fail("'g' reply too short (%d hex digits)" % len(g))
pc0 = le32(g[PC * 8: PC * 8 + 8])
if pc0 != read_pc():
    fail("pc from g (0x%x) and p (0x%x) differ" % (pc0, read_pc()))
if pc0 not in (entry, RESET):
    fail("initial pc 0x%x is neither the entry 0x%x nor the reset vector" % (pc0, entry))
print("%s: initial pc 0x%x" % (arch, pc0))

main = syms["main"][0]

# MIPS: a breakpoint in a delay slot (that of _start's "jal main") stops on the slot
# with the branch pending; a step from there runs the slot and lands in main.
if arch == "mips":
    dis = subprocess.run([nm.replace("-nm", "-objdump"), "-d", elf],
                         capture_output=True, text=True).stdout
    m = re.search(r"^([0-9a-f]+):\s+[0-9a-f]+\s+jal\s+[0-9a-f]+ <main>$", dis, re.M)
    if not m:
        fail("no 'jal main' in _start")
    slot = (int(m.group(1), 16) + 4) & 0xffffffff
    expect("Z0,%x,4" % slot, "OK")
    send("c")
    stop_thread(recv(), 5)
    if read_pc() != slot:
        fail("stopped at 0x%x, not at the delay slot 0x%x" % (read_pc(), slot))
    expect("z0,%x,4" % slot, "OK")
    send("s")
    stop_thread(recv(), 5)
    if read_pc() != main:
        fail("step from the delay slot 0x%x went to 0x%x, not main" % (slot, read_pc()))
    print("%s: delay-slot breakpoint at 0x%x, step into main" % (arch, slot))

# Breakpoint at main, continue, stop there.
expect("Z0,%x,%d" % (main, 4 if arch == "mips" else 1), "OK")
send("vCont;c")
stop_thread(recv(), 5)
pc = read_pc()
if pc != main:
    fail("stopped at 0x%x, not at main 0x%x" % (pc, main))
print("%s: breakpoint at main 0x%x hit" % (arch, main))
if mon_path:
    st = subprocess.run([sys.executable, "tests/system/hmp.py", mon_path, "info status"],
                        capture_output=True, text=True, timeout=30).stdout.strip()
    if st != "VM status: paused (debug)":
        fail("info status at the breakpoint: %r" % st)
    print("%s: monitor says %r" % (arch, st))

# Memory: code bytes as in the ELF; a write to a data word reads back.
code = expect("m%x,10" % main, "[0-9a-f]{32}")
if bytes.fromhex(code) != elf_bytes(main, 16):
    fail("m at main: %s, ELF has %s" % (code, elf_bytes(main, 16).hex()))
var = syms["failures"][0]
old = expect("m%x,4" % var, "[0-9a-f]{8}")
expect("M%x,4:%s" % (var, h32(0xa5c3e17b)), "OK")
expect("m%x,4" % var, h32(0xa5c3e17b))
expect("M%x,4:%s" % (var, old), "OK")
expect("m0,0", "(|E[0-9a-f]{2})")
bad = {"mips": 0x00000000, "i386": 0xfffff000}[arch]
if arch == "mips":
    # kuseg with an empty TLB: unmapped, so an error, never a crash
    got = cmd("m%x,4" % bad)
    if not re.fullmatch("E[0-9a-f]{2}", got):
        fail("read of unmapped 0x%x: %r, want Exx" % (bad, got))

# Registers: p/P on a general register, then the whole set with g/G.
g_main = cmd("g")
write_reg(GPR, 0x12345678)
if read_reg(GPR) != 0x12345678:
    fail("register %d does not read back the value written" % GPR)
g2 = cmd("g")
if g2[GPR * 8: GPR * 8 + 8] != h32(0x12345678):
    fail("g does not show the P write")
expect("G" + g_main, "OK")
if cmd("g") != g_main:
    fail("G did not restore the registers")
# i386: the x87 and SSE registers of GDB's default layout (st0 10 bytes at 16,
# fctrl at 24, xmm0 16 bytes at 32, mxcsr at 40), where the stub answers p (QEMU
# only does once gdb has its target description).
if arch == "i386" and cmd("p28") != "":
    expect("p28", "801f0000")                           # mxcsr after reset
    expect("p18", "7f030000")                           # fctrl after FNINIT
    xmm = "00112233445566778899aabbccddeeff"
    expect("P21=" + xmm, "OK")
    expect("p21", xmm)
    st = "0000000000000080ff3f"                         # 1.0
    expect("P10=" + st, "OK")
    expect("p10", st)
    expect("P10=00", "E14")                             # not the register's size
    if len(cmd("g")) != 16 * 8 + 8 * 20 + 8 * 8 + 8 * 32 + 8:
        fail("'g' does not hold the x87 and SSE registers")
    print("%s: x87 and SSE registers read and written" % arch)

# Single step: the pc moves on; rewound with G, the same step lands on the same pc.
# As gdb does, the breakpoint under the pc is taken out before stepping off it.
expect("z0,%x,%d" % (main, 4 if arch == "mips" else 1), "OK")
send("vCont;s:1")
stop_thread(recv(), 5)
pc1 = read_pc()
if pc1 == main:
    fail("step did not move the pc from 0x%x" % main)
expect("G" + g_main, "OK")
if read_pc() != main:
    fail("pc not rewound by G")
send("s")
stop_thread(recv(), 5)
if read_pc() != pc1:
    fail("second step from main ended at 0x%x, first at 0x%x" % (read_pc(), pc1))
# A pc written with P is where execution resumes.
expect("G" + g_main, "OK")
write_reg(PC, main)
if read_pc() != main:
    fail("pc write not seen")
print("%s: step 0x%x -> 0x%x" % (arch, main, pc1))

# Watchpoints. Write (Z2): main's prologue stores below the stack pointer; the
# stop comes right after that store (pc still in main's first insns, not run on),
# naming an address inside the watched range that holds what was stored.
SP = {"mips": 29, "i386": 4}[arch]
sp = read_reg(SP)
lo = sp - 64
expect("Z2,%x,40" % lo, "OK")
send("c")
rep = recv()
stop_thread(rep, 5)
m = re.search(r"(?:^|;)watch:([0-9a-f]+);", rep)
if not m:
    fail("write watchpoint: stop reply %r has no watch:ADDR" % rep)
waddr = int(m.group(1), 16)
wpc = read_pc()
if not lo <= waddr < sp:
    fail("write watchpoint: address 0x%x outside 0x%x..0x%x" % (waddr, lo, sp))
if not main < wpc < main + 0x20:
    fail("write watchpoint: stopped at 0x%x, not just after a store in main's "
         "prologue (main 0x%x)" % (wpc, main))
expect("z2,%x,40" % lo, "OK")
print("%s: write watchpoint hit at 0x%x (pc 0x%x)" % (arch, waddr, wpc))
# i386's check() counts in `checks`: three hits stop at the same insn, the count
# one higher each time (the insn that hit runs alone, not on into code after it).
if arch == "i386":
    cnt = syms["checks"][0]
    expect("Z2,%x,4" % cnt, "OK")
    hits = []
    for _ in range(3):
        send("c")
        rep = recv()
        stop_thread(rep, 5)
        m = re.search(r"(?:^|;)watch:([0-9a-f]+);", rep)
        if not m or int(m.group(1), 16) != cnt:
            fail("watchpoint on checks: stop reply %r" % rep)
        hits.append((read_pc(), le32(expect("m%x,4" % cnt, "[0-9a-f]{8}"))))
    expect("z2,%x,4" % cnt, "OK")
    if len({pc for pc, _ in hits}) != 1 or [v - hits[0][1] for _, v in hits] != [0, 1, 2]:
        fail("watchpoint on checks: stops (pc, value) %s" %
             ", ".join("(0x%x, %d)" % h for h in hits))
    print("%s: watchpoint on checks: 3 stops at 0x%x" % (arch, hits[0][0]))
# Read (Z3): `failures` is read when the test program reports its result.
expect("Z3,%x,4" % var, "OK")
send("c")
rep = recv()
stop_thread(rep, 5)
m = re.search(r"(?:^|;)rwatch:([0-9a-f]+);", rep)
if not m or int(m.group(1), 16) != var:
    fail("read watchpoint on 0x%x: stop reply %r" % (var, rep))
expect("z3,%x,4" % var, "OK")
print("%s: read watchpoint hit at pc 0x%x" % (arch, read_pc()))

# Run on (no breakpoint left), interrupt with Ctrl-C.
send("c")
time.sleep(1.0)
s.sendall(b"\x03")
stop_thread(recv(), 2)
print("%s: Ctrl-C stopped at 0x%x" % (arch, read_pc()))
expect("T1", "OK")
expect("D", "OK")
s.close()
print("%s: ok" % arch)
EOF

# run ARCH EMULATOR NM ELF -gdb|gdbserver [board options]: the stub from the command
# line, or started from the monitor (gdbserver), which is then asked for its status.
run() {
    local arch=$1 emu=$2 nm=$3 elf=$4 how=$5 pid mon=()
    shift 5
    rm -f "$work/$arch.sock" "$work/$arch.mon"
    if [ "$how" = -gdb ]; then
        set -- "$@" -monitor none -gdb "unix:$work/$arch.sock,server,nowait"
    else
        set -- "$@" -monitor "unix:$work/$arch.mon,server,nowait"
        mon=("$work/$arch.mon")
    fi
    "$emu" "$@" -m 64 -kernel "$elf" -display none -serial "file:$work/$arch.log" -S \
        >"$work/$arch.err" 2>&1 &
    pid=$!
    if [ "$how" = gdbserver ]; then
        out=$(timeout 30 python3 tests/system/hmp.py "$work/$arch.mon" \
            "gdbserver unix:$work/$arch.sock,server,nowait")
        case $out in
        *"Waiting for gdb connection"*) ;;
        *) _sys_stop "$pid"; sys_fail "$name: gdbserver in the monitor said: $out" ;;
        esac
    fi
    if ! timeout 120 python3 "$work/rsp.py" "$arch" "$work/$arch.sock" "$elf" "$nm" \
        "${mon[@]}" >"$work/$arch.out" 2>&1; then
        cat "$work/$arch.out" >&2
        sed 's/^/    emulator: /' "$work/$arch.err" >&2
        _sys_stop "$pid"
        sys_fail "$name: the $arch session failed"
    fi
    cat "$work/$arch.out"
    # Detached: the guest runs on; the emulator must still be alive (not hung, not dead).
    kill -0 "$pid" 2>/dev/null || sys_fail "$name: the $arch emulator exited after detach"
    _sys_stop "$pid"
}

cat >"$work/linux.py" <<'EOF'
import re, socket, struct, sys, time
sys.path.insert(0, "tests/system")
from gdbrsp import rsp_decode

arch, sock_path, log = sys.argv[1:4]
PC = {"mips": 37, "i386": 8}[arch]
KIND = {"mips": 4, "i386": 1}[arch]

def fail(msg):
    print("FAIL: %s linux: %s" % (arch, msg))
    sys.exit(1)

s = socket.socket(socket.AF_UNIX)
s.connect(sock_path)
s.settimeout(60)
buf = b""
no_ack = False

def recv():
    global buf
    while True:
        m = re.search(rb"\$([^#]*)#..", buf)
        if m:
            buf = buf[m.end():]
            if not no_ack:
                s.sendall(b"+")
            return rsp_decode(m.group(1))
        d = s.recv(4096)
        if not d:
            fail("connection closed")
        buf += d

def send(b):
    s.sendall(("$%s#%02x" % (b, sum(b.encode()) & 0xff)).encode())

def cmd(b):
    send(b)
    return recv()

def pc():
    return struct.unpack("<I", bytes.fromhex(cmd("g")[PC * 8: PC * 8 + 8]))[0]

def count():
    c = re.findall(r"COUNT (\d+)", open(log, errors="replace").read())
    return int(c[-1]) if c else 0

def stopped(want):
    r = recv()
    if not r.startswith("T%02x" % want):
        fail("stop reply %r, want T%02x" % (r, want))

# QEMU sends a stop packet of its own when attaching stops the VM: drop it.
time.sleep(0.5)
s.setblocking(False)
try:
    if re.search(rb"\$[^#]*#..", s.recv(4096)):
        s.sendall(b"+")
except BlockingIOError:
    pass
s.settimeout(60)
# The stub's acks ('+') are skipped by recv(); ours are sent until no-ack mode.
if "QStartNoAckMode+" in cmd("qSupported:vContSupported+"):
    if cmd("QStartNoAckMode") != "OK":
        fail("QStartNoAckMode refused")
    no_ack = True
r0 = cmd("?")
if not r0.startswith("T"):
    fail("no stop reply after attach: %r" % r0)
c_attached = count()
time.sleep(2.5)
if count() != c_attached:
    fail("the guest kept running after gdb attached")
send("c")
time.sleep(2.5)
s.sendall(b"\x03")
stopped(2)
p = pc()
if p < 0x80000000:
    fail("Ctrl-C stopped at 0x%x: not in the kernel" % p)
code = cmd("m%x,8" % p)
if not re.fullmatch("[0-9a-f]{16}", code):
    fail("reading kernel code at 0x%x: %r" % (p, code))
for _ in range(3):
    send("s")
    stopped(5)
p = pc()
if cmd("Z0,%x,%d" % (p, KIND)) != "OK":
    fail("Z0 at 0x%x refused" % p)
for i in range(3):
    send("c")
    stopped(5)
    if pc() != p:
        fail("breakpoint 0x%x: stopped at 0x%x" % (p, pc()))
    # step off it as gdb does: out, step, back in
    cmd("z0,%x,%d" % (p, KIND))
    send("s")
    stopped(5)
    cmd("Z0,%x,%d" % (p, KIND))
cmd("z0,%x,%d" % (p, KIND))
c0 = count()
if cmd("D") != "OK":
    fail("detach refused")
s.close()
for _ in range(40):
    if count() > c0:
        break
    time.sleep(0.25)
else:
    fail("the guest did not run on after detach (COUNT %d)" % c0)
print("%s linux: attach, Ctrl-C at 0x%x, 3 steps, breakpoint hit 3 times, detach: ok"
      % (arch, p))
EOF

# run_linux ARCH EMULATOR [board options]: boot Linux with the stub, attach later.
run_linux() {
    local arch=$1 emu=$2 pid
    shift 2
    sys_need_guest "$arch"
    printf '#!/bin/sh\ni=0\nwhile true; do i=$((i+1)); echo "COUNT $i"; sleep 1; done\n' \
        >"$work/count.sh"
    scripts/make-initramfs.sh --arch "$arch" --busybox "$GUEST_BUSYBOX" \
        --test "$work/count.sh" -o "$work/initrd-$arch.gz" >/dev/null ||
        sys_fail "could not build the $arch initramfs"
    rm -f "$work/lx-$arch.sock"
    "$emu" "$@" -m 128 -kernel "$GUEST_KERNEL" -initrd "$work/initrd-$arch.gz" \
        -append console=ttyS0 -display none -serial "file:$work/lx-$arch.log" \
        -monitor none -gdb "unix:$work/lx-$arch.sock,server,nowait" \
        >"$work/lx-$arch.err" 2>&1 &
    pid=$!
    for _ in $(seq 1200); do
        grep -aq 'COUNT 2' "$work/lx-$arch.log" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    grep -aq 'COUNT 2' "$work/lx-$arch.log" 2>/dev/null ||
        sys_fail "$name: the $arch Linux guest did not reach COUNT 2"
    if ! timeout 120 python3 "$work/linux.py" "$arch" "$work/lx-$arch.sock" \
        "$work/lx-$arch.log"; then
        _sys_stop "$pid"
        sys_fail "$name: the $arch Linux session failed"
    fi
    _sys_stop "$pid"
}

run mips "$EMU" mipsel-linux-gnu-nm "$BUILD/tests/guest/mips/test-alu.elf" -gdb -M malta
run i386 "$EMU_I386" i686-linux-gnu-nm "$BUILD/tests/guest/i386/test-alu.elf" gdbserver
run_linux mips "$EMU" -M malta
run_linux i386 "$EMU_I386"
echo "PASS: $name"
