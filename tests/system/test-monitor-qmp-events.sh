#!/bin/bash
# QMP RESET events for every reset, whoever asks: the Malta Linux guest runs
# `reboot -f` (Linux resets the board through the FPGA software-reset register) and
# QMP must report RESET {"guest": true, "reason": "guest-reset"}, after which the
# guest boots a second time; then system_reset through QMP and through the human
# monitor (human-monitor-command) must each give exactly one RESET with
# {"guest": false, "reason": "host-qmp-system-reset"}; quit gives SHUTDOWN.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=monitor-qmp-events

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to speak QMP"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Every boot reboots a second after init starts; the console counts the boots.
cat > "$work/test.sh" <<'EOF'
#!/bin/sh
echo "MIMIC-CHECK booted"
sleep 1
reboot -f
EOF
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh") || sys_fail "could not build the initramfs"

cat > "$work/drive.py" <<'EOF'
import atexit, os, re, subprocess, sys, time
from qmp import QMP

emu, work, kernel, initrd = sys.argv[1:5]
log = os.path.join(work, 'console.log')
sock = os.path.join(work, 'qmp.sock')
errors = []

p = subprocess.Popen([emu, '-M', 'malta', '-m', '128', '-kernel', kernel,
                      '-initrd', initrd, '-append', 'console=ttyS0',
                      '-display', 'none', '-serial', 'file:' + log,
                      '-uuid', 'c0ffee00-1234-5678-9abc-def012345678',
                      '-qmp', 'unix:%s,server,nowait' % sock],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

@atexit.register
def stop():
    if p.poll() is None:
        p.kill()
        p.wait()

q = QMP(sock, timeout=300, negotiate=True)
events, cmd, wait_event = q.events, q.cmd, q.wait_event

def boots():
    try:
        return len(re.findall(rb'MIMIC-CHECK booted', open(log, 'rb').read()))
    except FileNotFoundError:
        return 0

m = wait_event('RESET')
if m.get('data') != {'guest': True, 'reason': 'guest-reset'}:
    errors.append('guest reboot: RESET %s' % m.get('data'))
if boots() != 1:
    errors.append('RESET came with %d boots on the console, wanted 1' % boots())
end = time.time() + 300
while boots() < 2 and time.time() < end:
    time.sleep(0.2)
if boots() < 2:
    errors.append('the guest did not boot again after its reset')

for how, run in (('QMP system_reset', lambda: cmd('system_reset')),
                 ('HMP system_reset', lambda: cmd('human-monitor-command',
                                                  **{'command-line': 'system_reset'}))):
    # The guest reboots by itself about a second after each boot: drop its RESETs.
    events.clear()
    r = run()
    if 'return' not in r:
        errors.append('%s: %s' % (how, r))
    time.sleep(0.5)
    cmd('query-status')
    host = [m for m in events if m['event'] == 'RESET' and not m['data']['guest']]
    if len(host) != 1 or host[0]['data'] != {'guest': False,
                                             'reason': 'host-qmp-system-reset'}:
        errors.append('%s: RESET events %s, wanted exactly one host reset' %
                      (how, [m['data'] for m in events if m['event'] == 'RESET']))

r = cmd('query-uuid')
if r.get('return') != {'UUID': 'c0ffee00-1234-5678-9abc-def012345678'}:
    errors.append('query-uuid: %s' % r)

events.clear()
cmd('quit')
m = wait_event('SHUTDOWN')
if m.get('data', {}).get('guest') is not False:
    errors.append('quit: SHUTDOWN %s' % m.get('data'))
p.wait(timeout=30)

for e in errors:
    print('  ' + e, file=sys.stderr)
sys.exit(1 if errors else 0)
EOF

PYTHONPATH="$sys_topdir/tests/system" \
    python3 "$work/drive.py" "$EMU" "$work" "$GUEST_KERNEL" "$initrd" ||
    sys_fail "$name: check(s) failed"
echo "$name: RESET for a guest reboot (guest-reset) and for QMP/HMP system_reset, SHUTDOWN for quit ($EMU)"
exit 0
