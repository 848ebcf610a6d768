#!/bin/bash
# savevm / loadvm driven through QMP on a Malta Linux guest without a disk (snapshots
# in a -snapshot-store file); the guest prints "COUNT n" every second.
#   - greeting, qmp_capabilities, query-status, query-cpus-fast;
#   - stop (STOP event), RAM checksum via human-monitor-command pmemsave,
#     snapshot-save as a job (JOB_STATUS_CHANGE created .. concluded), cont (RESUME);
#   - later: stop, snapshot-load job, same RAM checksum, cont: the next COUNT is N+1;
#   - snapshot-load of a missing tag: the job concludes with an error, the guest runs on;
#   - query-jobs / job-dismiss; quit gives SHUTDOWN;
#   - a new process started with -loadvm and -S resumes at N+1 after QMP cont.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=savevm-qmp

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to speak QMP"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

cat > "$work/test.sh" <<'EOF'
#!/bin/sh
i=0
while true; do i=$((i+1)); echo "COUNT $i"; sleep 1; done
EOF
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh") || sys_fail "could not build the initramfs"

cat > "$work/drive.py" <<'EOF'
import atexit, hashlib, os, re, subprocess, sys, time
from qmp import QMP

emu, work, kernel, initrd = sys.argv[1:5]
store = os.path.join(work, 'store.snap')
errors = []

def counts(log):
    try:
        return [int(x) for x in re.findall(rb'COUNT (\d+)', open(log, 'rb').read())]
    except FileNotFoundError:
        return []

def wait_count(log, n, secs=90):
    end = time.time() + secs
    while time.time() < end:
        c = counts(log)
        if c and c[-1] >= n:
            return True
        time.sleep(0.1)
    return False

def job(q, kind, job_id, tag):
    j, refused = q.job(kind, job_id, tag)
    if refused:
        errors.append('%s: %s' % (kind, refused))
    return j

procs = []

@atexit.register
def stop_all():
    # Whatever went wrong, leave no emulator behind.
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()

def start(log, sock, *extra):
    procs.append(subprocess.Popen([emu, '-M', 'malta', '-m', '256', '-kernel', kernel,
                             '-initrd', initrd, '-append', 'console=ttyS0',
                             '-display', 'none', '-serial', 'file:' + log,
                             '-qmp', 'unix:%s,server,nowait' % sock,
                             '-snapshot-store', store] + list(extra),
                            stdout=subprocess.DEVNULL, stderr=open(log + '.err', 'w')))
    return procs[-1]

def ram_md5(q):
    path = os.path.join(work, 'ram.bin')
    r = q.cmd('human-monitor-command', **{'command-line': 'pmemsave 0 0x10000000 ' + path})
    if r.get('return') != '':
        errors.append('pmemsave: %s' % r)
    return hashlib.md5(open(path, 'rb').read()).hexdigest()

log1, sock1 = os.path.join(work, 'run1.log'), os.path.join(work, 'qmp1.sock')
p1 = start(log1, sock1)
q = QMP(sock1)
if 'QMP' not in q.greeting:
    errors.append('greeting: %s' % q.greeting)
r = q.cmd('query-status')
if r.get('error', {}).get('class') != 'CommandNotFound':
    errors.append('query-status before negotiation: %s' % r)
q.cmd('qmp_capabilities')
# Bad input gets an error and the session goes on.
for raw, want in ((b'{"execute": }\n', 'GenericError'),
                  (b'[1, 2]\n', 'GenericError'),
                  (b'{"execute": "stop", "arguments": 5}\n', 'GenericError'),
                  (b'{"foo": "bar"}\n', 'GenericError'),
                  (b'{"execute": "qmp_capabilities"}\n', 'CommandNotFound')):
    q.send_raw(raw)
    while True:
        m = q.read()
        if 'event' not in m:
            break
    if m.get('error', {}).get('class') != want:
        errors.append('bad input %r: %s' % (raw, m))
if not wait_count(log1, 3):
    sys.exit('the guest never printed COUNT 3')
r = q.cmd('query-status')['return']
if r['status'] != 'running' or not r['running']:
    errors.append('query-status: %s' % r)
cpus = q.cmd('query-cpus-fast')['return']
if len(cpus) != 1 or cpus[0]['target'] != 'mips':
    errors.append('query-cpus-fast: %s' % cpus)

q.cmd('stop')
q.wait_event('STOP')
time.sleep(0.3)
n = counts(log1)[-1]
md5_save = ram_md5(q)
j = job(q, 'snapshot-save', 'save0', 's1')
if j and (j['status'] != 'concluded' or 'error' in j):
    errors.append('snapshot-save job: %s' % j)
q.cmd('cont')
q.wait_event('RESUME')
wait_count(log1, n + 3)

q.cmd('stop')
q.wait_event('STOP')
j = job(q, 'snapshot-load', 'load0', 's1')
if j and 'error' in j:
    errors.append('snapshot-load job: %s' % j)
md5_load = ram_md5(q)
if md5_load != md5_save:
    errors.append('RAM checksum after snapshot-load %s, at save %s' % (md5_load, md5_save))
lines = len(counts(log1))
q.cmd('cont')
time.sleep(2.5)
after = counts(log1)[lines:]
if not after or after[0] != n + 1:
    errors.append('after snapshot-load the guest printed %s, wanted COUNT %d first' %
                  (after[:3], n + 1))

before = counts(log1)[-1]
j = job(q, 'snapshot-load', 'load1', 'nosuch')
if not j or 'does not exist' not in j.get('error', ''):
    errors.append('snapshot-load of a missing tag: %s' % j)
if q.cmd('query-status')['return']['status'] != 'running':
    errors.append('not running after a failed snapshot-load')
time.sleep(2.5)
if counts(log1)[-1] <= before:
    errors.append('the guest stopped counting after a failed snapshot-load')
r = q.cmd('job-dismiss', id='nosuch')
if 'error' not in r:
    errors.append('job-dismiss of an unknown job: %s' % r)
q.cmd('quit')
q.wait_event('SHUTDOWN')
p1.wait(timeout=30)

log2, sock2 = os.path.join(work, 'run2.log'), os.path.join(work, 'qmp2.sock')
p2 = start(log2, sock2, '-loadvm', 's1', '-S')
q2 = QMP(sock2)
q2.cmd('qmp_capabilities')
st = q2.cmd('query-status')['return']['status']
if st != 'prelaunch':
    errors.append('-loadvm -S: status %s, wanted prelaunch' % st)
q2.cmd('cont')
wait_count(log2, 1)
c = counts(log2)
if not c or c[0] != n + 1:
    errors.append('-loadvm s1: first COUNT %s, wanted %d' % (c[:3], n + 1))
q2.cmd('quit')
p2.wait(timeout=30)

for e in errors:
    print('  ' + e, file=sys.stderr)
print('N=%d' % n)
sys.exit(1 if errors else 0)
EOF

out=$(PYTHONPATH="$sys_topdir/tests/system" \
    python3 "$work/drive.py" "$EMU" "$work" "$GUEST_KERNEL" "$initrd")
rc=$?
[ "$rc" = 0 ] || sys_fail "$name: check(s) failed"
echo "$name: QMP snapshot-save at ${out#N=}, snapshot-load and -loadvm resumed at the next count, RAM checksums equal ($EMU)"
exit 0
