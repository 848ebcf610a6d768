#!/bin/bash
# The human monitor as a terminal: over -monitor tcp:127.0.0.1:PORT,server,nowait
# (greeting and prompt, CR LF line ends, echo, Backspace, cursor keys with insertion,
# Ctrl-U, Up-arrow history, Tab completion of command names) and under -nographic,
# reached with Ctrl-A c from the serial console. The machine is started with -S, so
# no guest needs to boot; every check compares the command's exact output.
# A second machine with a disk, a CD-ROM and a user back end checks the block and
# network commands.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=monitor

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

cat > "$work/drive.py" <<'EOF'
import atexit, os, re, socket, subprocess, sys, time

emu, kernel = sys.argv[1:3]
errors = []

def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port

port = free_port()
procs = []

@atexit.register
def stop_all():
    # Whatever went wrong, leave no emulator behind.
    for q in procs:
        if q.poll() is None:
            q.kill()
            q.wait()

p = subprocess.Popen([emu, '-M', 'malta', '-m', '64', '-kernel', kernel, '-S',
                      '-display', 'none', '-serial', 'null',
                      '-uuid', '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9',
                      '-monitor', 'tcp:127.0.0.1:%d,server,nowait' % port],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
procs.append(p)
s = None
for _ in range(200):
    try:
        s = socket.create_connection(('127.0.0.1', port))
        break
    except OSError:
        time.sleep(0.05)
if s is None:
    sys.exit('cannot connect: %s' % p.stderr.read().decode())
s.settimeout(20)
buf = b''

# A fresh prompt starts a line; redraws while editing start with a bare CR.
PROMPT = b'\r\n(qemu) '

def until_prompt():
    global buf
    while PROMPT not in buf:
        d = s.recv(4096)
        if not d:
            sys.exit('monitor closed')
        buf += d
    out, _, buf = buf.partition(PROMPT)
    return out.decode(errors='replace')

def send(keys):
    """Type keys, return the command's output (the echoed line removed)."""
    s.sendall(keys)
    out = until_prompt()
    echo, sep, rest = out.partition('\r\n')
    return rest + '\r\n' if sep else ''

greeting = until_prompt()
if not re.match(r"mimic \S+ monitor - type 'help' for more information$", greeting):
    errors.append('greeting: %r' % greeting)

def check(what, keys, want):
    got = send(keys)
    if got != want:
        errors.append('%s: got %r, wanted %r' % (what, got, want))

check('plain command', b'info status\r', 'VM status: paused (prelaunch)\r\n')
check('backspace', b'info statx\x7fus\r', 'VM status: paused (prelaunch)\r\n')
check('left arrow + insert', b'info sttus\x1b[D\x1b[D\x1b[Da\r',
      'VM status: paused (prelaunch)\r\n')
check('ctrl-u', b'garbage\x15info status\r', 'VM status: paused (prelaunch)\r\n')
check('history (up arrow)', b'\x1b[A\r', 'VM status: paused (prelaunch)\r\n')
# libedit redraws with cursor motions, so completion is checked by its effect:
# "inf<Tab>status" runs only if Tab turned "inf" into "info ".
check('tab completion', b'inf\tstatus\r', 'VM status: paused (prelaunch)\r\n')
check('ctrl-w', b'info status nosuch\x17\r', 'VM status: paused (prelaunch)\r\n')
check('ctrl-a ctrl-k', b'info status\x01\x0bnosuch\x01\x0binfo status\r',
      'VM status: paused (prelaunch)\r\n')
check('unknown command', b'nosuch\r', "unknown command: 'nosuch'\r\n")
check('info uuid', b'info uuid\r', '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9\r\n')
check('cont', b'cont\r', '')
check('status after cont', b'info status\r', 'VM status: running\r\n')
s.sendall(b'quit\r')
try:
    p.wait(timeout=20)
except subprocess.TimeoutExpired:
    errors.append('quit did not end the emulator')
    p.kill()

# -nographic: the monitor shares stdio with the serial console behind Ctrl-A.
p = subprocess.Popen([emu, '-M', 'malta', '-m', '64', '-kernel', kernel, '-S',
                      '-nographic'],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
procs.append(p)
time.sleep(1)
p.stdin.write(b'\x01c')
p.stdin.flush()
time.sleep(0.5)
p.stdin.write(b'info status\rquit\r')
p.stdin.flush()
try:
    out, _ = p.communicate(timeout=20)
except subprocess.TimeoutExpired:
    p.kill()
    out, _ = p.communicate()
    errors.append('-nographic: quit did not end the emulator')
text = out.decode(errors='replace')
if 'VM status: paused (prelaunch)' not in text:
    errors.append('-nographic Ctrl-A c monitor: %r' % text[-300:])

# Block and network commands on a machine with a -drive disk, a -cdrom and a user
# back end: info block lists both drives, eject empties the CD tray and change loads
# another image; hostfwd_add makes the host port accept connections and
# hostfwd_remove closes it; set_link takes on|off. QEMU's info block says more per
# drive, so only what both print is checked.
work = os.path.dirname(os.path.abspath(__file__))
disk = os.path.join(work, 'disk.img')
iso1 = os.path.join(work, 'one.iso')
iso2 = os.path.join(work, 'two.iso')
for f, size in ((disk, 1 << 20), (iso1, 1 << 16), (iso2, 1 << 15)):
    with open(f, 'wb') as fh:
        fh.truncate(size)
port = free_port()
fwd = free_port()
p = subprocess.Popen([emu, '-M', 'malta', '-m', '64', '-kernel', kernel, '-S',
                      '-display', 'none', '-serial', 'null',
                      '-drive', 'file=%s,format=raw,if=ide,index=0' % disk,
                      '-cdrom', iso1, '-netdev', 'user,id=n0',
                      '-device', 'pcnet,netdev=n0',
                      '-monitor', 'tcp:127.0.0.1:%d,server,nowait' % port],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
procs.append(p)
s = None
for _ in range(200):
    try:
        s = socket.create_connection(('127.0.0.1', port))
        break
    except OSError:
        time.sleep(0.05)
if s is None:
    sys.exit('cannot connect (block/net machine): %s' % p.stderr.read().decode())
s.settimeout(20)
buf = b''
until_prompt()

def block_line(text, dev):
    for line in text.split('\r\n'):
        if line.startswith(dev + ':') or line.startswith(dev + ' '):
            return line
    return ''

info = send(b'info block\r')
if disk not in block_line(info, 'ide0-hd0') or iso1 not in block_line(info, 'ide1-cd0'):
    errors.append('info block: %r' % info)
check('eject', b'eject ide1-cd0\r', '')
info = send(b'info block\r')
if 'not inserted' not in block_line(info, 'ide1-cd0') or disk not in info:
    errors.append('info block after eject: %r' % info)
check('change', b'change ide1-cd0 ' + iso2.encode() + b' raw\r', '')
info = send(b'info block\r')
if iso2 not in block_line(info, 'ide1-cd0'):
    errors.append('info block after change: %r' % info)
got = send(b'eject nosuch\r')
if "Device 'nosuch' not found" not in got:
    errors.append('eject of a missing device: %r' % got)

def host_connects(port_):
    try:
        socket.create_connection(('127.0.0.1', port_), timeout=2).close()
        return True
    except OSError:
        return False

check('hostfwd_add', b'hostfwd_add n0 tcp:127.0.0.1:%d-:22\r' % fwd, '')
if not host_connects(fwd):
    errors.append('hostfwd_add: host port %d does not accept connections' % fwd)
check('hostfwd_remove', b'hostfwd_remove n0 tcp:127.0.0.1:%d\r' % fwd,
      'host forwarding rule for tcp:127.0.0.1:%d removed\r\n' % fwd)
if host_connects(fwd):
    errors.append('hostfwd_remove: host port %d still accepts connections' % fwd)
check('set_link off', b'set_link n0 off\r', '')
check('set_link on', b'set_link n0 on\r', '')
s.sendall(b'quit\r')
try:
    p.wait(timeout=20)
except subprocess.TimeoutExpired:
    errors.append('quit did not end the emulator (block/net machine)')
    p.kill()

for e in errors:
    print('  ' + e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

python3 "$work/drive.py" "$EMU" "$GUEST_KERNEL" || sys_fail "$name: check(s) failed"
echo "$name: tcp monitor line editing, history, completion, the -nographic Ctrl-A c monitor, info block/eject/change, hostfwd_add/remove and set_link work ($EMU)"
exit 0
