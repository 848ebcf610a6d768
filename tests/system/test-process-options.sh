#!/bin/bash
# Process options scripts and service managers use: -daemonize returns once the
# machine is ready (its monitor socket accepts at once), the daemon has left the
# terminal (another session, stdio on /dev/null); -pidfile holds its pid,
# refuses a second mimic and is removed when it quits; a daemon that fails to
# start makes the command fail with the reason on stderr; -daemonize with the
# terminal in use is refused; -msg timestamp=on stamps error messages; -L is
# where a -bios file not found as given is looked for (on the PC);
# -overcommit mem-lock=on locks the guest's RAM.
# EMU=qemu-system-mipsel checks the test against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=process-options

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat > "$work/check.py" <<'EOF_PY'
import os, re, socket, subprocess, sys, time

emu, kernel, work, emu_pc = sys.argv[1:5]
errors = []
pidfile = os.path.join(work, 'mimic.pid')
sock = os.path.join(work, 'mon.sock')
base = [emu, '-M', 'malta', '-m', '64', '-kernel', kernel, '-S', '-display', 'none',
        '-serial', 'null']

t0 = time.time()
r = subprocess.run(base + ['-daemonize', '-pidfile', pidfile,
                           '-monitor', 'unix:%s,server,nowait' % sock],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
took = time.time() - t0
if r.returncode != 0:
    sys.exit('-daemonize: exit status %d: %s' % (r.returncode, r.stderr.decode()))
try:
    pid = int(open(pidfile).read())
except (OSError, ValueError) as e:
    sys.exit('-pidfile: %s' % e)
try:
    os.kill(pid, 0)
except OSError:
    sys.exit('the daemon (pid %d from the pid file) is not running' % pid)
if os.getsid(pid) == os.getsid(0):
    errors.append('the daemon is still in our session (sid %d)' % os.getsid(pid))
for fd in (0, 1, 2):
    target = os.readlink('/proc/%d/fd/%d' % (pid, fd))
    if target != '/dev/null':
        errors.append('daemon fd %d is %s, wanted /dev/null' % (fd, target))

# Ready when the command returned: the monitor accepts without retrying.
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sock)
except OSError as e:
    sys.exit('monitor socket not ready when -daemonize returned: %s' % e)
s.settimeout(20)
buf = b''
def until(pat):
    global buf
    while not re.search(pat, buf):
        d = s.recv(4096)
        if not d:
            raise SystemExit('monitor closed; got %r' % buf)
        buf += d
until(rb'\(qemu\) ')
buf = b''
s.sendall(b'info status\r\n')
until(rb'VM status: paused')

# A second mimic with the same pid file is refused.
r2 = subprocess.run(base + ['-pidfile', pidfile], stdin=subprocess.DEVNULL,
                    capture_output=True, timeout=60)
if r2.returncode == 0 or b'pid' not in r2.stderr.lower():
    errors.append('second mimic with the same -pidfile: status %d, stderr %r' %
                  (r2.returncode, r2.stderr))
if int(open(pidfile).read()) != pid:
    errors.append('the second mimic rewrote the pid file')

s.sendall(b'quit\r\n')
for _ in range(100):
    try:
        os.kill(pid, 0)
    except OSError:
        break
    time.sleep(0.1)
else:
    errors.append('the daemon did not exit after quit')
    os.kill(pid, 9)
if os.path.exists(pidfile):
    errors.append('the pid file is still there after the daemon quit')

# A daemon that cannot start: the command fails and says why.
r = subprocess.run([emu, '-M', 'malta', '-kernel', os.path.join(work, 'nonexistent'),
                    '-display', 'none', '-daemonize'],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
if r.returncode == 0 or b'nonexistent' not in r.stderr:
    errors.append('failing daemon: status %d, stderr %r' % (r.returncode, r.stderr))

# The terminal cannot go to a daemon.
r = subprocess.run(base[:7] + ['-nographic', '-daemonize'], stdin=subprocess.DEVNULL,
                   capture_output=True, timeout=60)
if r.returncode == 0 or b'-nographic' not in r.stderr:
    errors.append('-daemonize -nographic: status %d, stderr %r' % (r.returncode, r.stderr))

# -msg timestamp=on: ISO 8601 UTC time before the message.
r = subprocess.run([emu, '-msg', 'timestamp=on', '-M', 'malta', '-kernel',
                    os.path.join(work, 'nonexistent'), '-display', 'none'],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
if not re.search(rb'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \S+: ', r.stderr, re.M):
    errors.append('-msg timestamp=on: %r' % r.stderr)

# -overcommit mem-lock=on: the guest's RAM (64 MiB) is locked in host memory.
p = subprocess.Popen(base + ['-overcommit', 'mem-lock=on'], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
locked = 0
for _ in range(50):
    time.sleep(0.1)
    try:
        st = open('/proc/%d/status' % p.pid).read()
    except OSError:
        break
    locked = int(re.search(r'VmLck:\s+(\d+)', st).group(1))
    if locked >= 64 * 1024:
        break
if locked < 64 * 1024:
    errors.append('-overcommit mem-lock=on: %d KiB locked, wanted the 64 MiB of RAM '
                  '(status %s, %r)' % (locked, p.poll(), p.stderr.read() if p.poll() is not None else b''))
if p.poll() is None:
    p.kill()
    p.wait()

# -L DIR: a -bios name not found as given is looked for in DIR (a 64 KiB image:
# with -S the machine then waits; without -L it cannot start).
if emu_pc:
    fw = os.path.join(work, 'fw')
    os.mkdir(fw)
    open(os.path.join(fw, 'blank.bin'), 'wb').write(b'\0' * 65536)
    p = subprocess.Popen([emu_pc, '-L', fw, '-bios', 'blank.bin', '-display', 'none', '-S'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, cwd=work)
    time.sleep(2)
    if p.poll() is not None:
        errors.append('-L: the BIOS in the -L directory was not found: %r' %
                      p.stderr.read())
    else:
        p.kill()
        p.wait()
    r = subprocess.run([emu_pc, '-bios', 'blank.bin', '-display', 'none', '-S'],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60, cwd=work)
    if r.returncode == 0:
        errors.append('without -L the BIOS was found anyway: %r' % r.stderr)

if errors:
    print('\n'.join('  ' + e for e in errors), file=sys.stderr)
    sys.exit(1)
print('daemon ready in %.2fs' % took)
EOF_PY

# The PC checks -L (skipped when the i386 binary is not built).
emu_pc=${EMU_I386:-$BUILD/mimic-system-i386}
emu_pc=$(command -v "$emu_pc" 2>/dev/null) && emu_pc=$(realpath "$emu_pc") || emu_pc=""
out=$(python3 "$work/check.py" "$(realpath "$EMU")" "$GUEST_KERNEL" "$work" "$emu_pc") || sys_fail "$name: $out"
echo "$name: -daemonize, -pidfile, -msg, -overcommit mem-lock and -L behave as in QEMU ($out, $EMU)"
exit 0
