#!/bin/bash
# The human monitor on a real terminal: mimic runs on a pseudo-terminal (python3's pty
# module), as it would in an xterm, with -monitor stdio and then with -nographic
# (Ctrl-A c). Checks the greeting, a command, Up-arrow and Ctrl-P history recall (the
# recalled line runs again: its output appears a second time), emacs editing keys
# (Ctrl-A/Ctrl-E/Ctrl-B), a line half typed before switching to the serial console
# and finished after switching back, and quit. Then terminal resizes: the pty is
# mimic's controlling terminal, its size changes (SIGWINCH) and libedit must wrap a
# long input line at the new width (and not before). The machine is started with -S,
# so no guest needs to boot.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=monitor-pty

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the terminal"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat > "$work/drive.py" <<'EOF'
import fcntl, os, pty, re, select, struct, subprocess, sys, termios, time

emu, kernel = sys.argv[1:3]
errors = []
STATUS = 'VM status: paused (prelaunch)'


class Term:
    """mimic on the slave side of a pty; we type on the master side."""

    def __init__(self, extra, cols=None):
        self.master, slave = pty.openpty()
        env = None
        if cols:
            # A known terminal type, so the cursor motions are known too.
            self.resize(cols)
            env = dict(os.environ, TERM='vt100')
        self.p = subprocess.Popen([emu, '-M', 'malta', '-m', '64', '-kernel', kernel,
                                   '-S'] + extra,
                                  stdin=slave, stdout=slave, stderr=slave,
                                  close_fds=True, start_new_session=True, env=env,
                                  preexec_fn=Term.take_tty if cols else None)
        os.close(slave)
        self.seen = ''

    def read_until(self, pattern, timeout=20):
        """Everything the terminal showed up to the first match of pattern."""
        end = time.time() + timeout
        while True:
            m = re.search(pattern, self.seen)
            if m:
                got, self.seen = self.seen[:m.end()], self.seen[m.end():]
                return got
            left = end - time.time()
            if left <= 0 or self.p.poll() is not None:
                got, self.seen = self.seen, ''
                return got + '\n[timed out or exited]'
            r, _, _ = select.select([self.master], [], [], min(left, 0.2))
            if r:
                try:
                    self.seen += os.read(self.master, 4096).decode(errors='replace')
                except OSError:
                    pass

    @staticmethod
    def take_tty():
        # In the new session: the pty becomes the controlling terminal, so a size
        # change sends SIGWINCH, as in an xterm.
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def resize(self, cols, rows=24):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))

    def type(self, keys):
        os.write(self.master, keys)

    def settle(self, secs=1.0):
        """What the terminal shows within secs."""
        got = self.read_until(r'(?!x)x', secs)
        return got.replace('\n[timed out or exited]', '')

    def command(self, keys):
        """Type keys ending in Enter; return what appeared up to the next prompt."""
        self.type(keys)
        return self.read_until(r'\n\(qemu\) ')

    def quit(self, what):
        self.type(b'quit\r')
        try:
            self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            errors.append('%s: quit did not end the emulator' % what)
            self.p.kill()
            self.p.wait()
        os.close(self.master)


def expect(what, got, want_count=1):
    if got.count(STATUS) != want_count:
        errors.append('%s: wanted %d x %r, terminal showed %r'
                      % (what, want_count, STATUS, got))


# -monitor stdio: the terminal belongs to the monitor.
t = Term(['-display', 'none', '-serial', 'null', '-monitor', 'stdio'])
greeting = t.read_until(r'\(qemu\) ')
if "monitor - type 'help' for more information" not in greeting:
    errors.append('stdio greeting: %r' % greeting)
expect('stdio: info status', t.command(b'info status\r'))
expect('stdio: nothing', t.command(b'\r'), 0)
expect('stdio: Up arrow recalls the last command', t.command(b'\x1b[A\r'))
expect('stdio: application-mode Up arrow', t.command(b'\x1bOA\r'))
t.command(b'info version\r')
expect('stdio: Ctrl-P twice goes two back', t.command(b'\x10\x10\r'))
# History is now: info status, info version, info status.
got = t.command(b'\x1b[A\x1b[A\x1b[A\x1b[B\r')
expect('stdio: Up x3, Down', got, 0)
if not re.search(r'\n\d+\.\d+\.\d+\r', got):
    errors.append('stdio: Up x3, Down did not run info version: %r' % got)
expect('stdio: Ctrl-A inserts at the start, Ctrl-E goes to the end',
       t.command(b'status\x01info \x05\r'))
expect('stdio: Ctrl-B moves back', t.command(b'info sttus\x02\x02\x02a\r'))
t.quit('stdio')

# -nographic: serial console and monitor share the terminal, Ctrl-A c switches.
t = Term(['-nographic'])
time.sleep(0.5)
t.type(b'\x01c')
greeting = t.read_until(r'\(qemu\) ')
if "monitor - type 'help' for more information" not in greeting:
    errors.append('-nographic greeting: %r' % greeting)
expect('-nographic: info status', t.command(b'info status\r'))
# Half a line, away to the serial console and back: the line is drawn again and
# can be finished.
t.type(b'info sta')
t.read_until(r'info sta')
t.type(b'\x01c')
time.sleep(0.3)
t.type(b'\x01c')
redrawn = t.read_until(r'\(qemu\) info sta')
if 'info sta' not in redrawn:
    errors.append('-nographic: the half line was not redrawn: %r' % redrawn)
expect('-nographic: line finished after Ctrl-A c twice', t.command(b'tus\r'))
expect('-nographic: Up arrow', t.command(b'\x1b[A\r'))
t.quit('-nographic')

# Terminal resizes. libedit moves the cursor up a row (VT100 ESC [ A) to go back to
# the start of an input line it had to wrap; a 60-character line wraps on a
# 40-column terminal but not on an 80-column one.
UP = '\x1b[A'
t = Term(['-display', 'none', '-serial', 'null', '-monitor', 'stdio'], cols=80)
t.read_until(r'\(qemu\) ')
t.type(b'y' * 60 + b'\x01')
got = t.settle()
if UP in got or got.count('y') != 60:
    errors.append('80 columns: a 60-character line was wrapped: %r' % got)
t.type(b'\x05\x15')
t.settle(0.5)
t.resize(40)
t.settle(0.5)
t.type(b'y' * 60 + b'\x01')
got = t.settle()
if UP not in got:
    errors.append('resized to 40 columns: a 60-character line was not wrapped: %r' % got)
t.type(b'\x05\x15')
t.settle(0.5)
t.resize(132)
t.settle(0.5)
t.type(b'y' * 100 + b'\x01')
got = t.settle()
if UP in got:
    errors.append('resized to 132 columns: a 100-character line was wrapped: %r' % got)
t.type(b'\x05\x15')
expect('resized: info status still runs', t.command(b'info status\r'))
t.quit('resize')

for e in errors:
    print('  ' + e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

python3 "$work/drive.py" "$EMU" "$GUEST_KERNEL" || sys_fail "$name: check(s) failed"
echo "$name: -monitor stdio and the -nographic Ctrl-A c monitor on a pseudo-terminal: history (Up, Ctrl-P), emacs keys, redraw after switching, terminal resizes ($EMU)"
exit 0
