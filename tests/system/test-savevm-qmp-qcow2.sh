#!/bin/bash
# savevm / loadvm through QMP jobs on a Malta Linux guest with two writable qcow2
# disks on virtio-blk (virtio0, virtio1); the VM state goes into the second one
# ("vmstate": "virtio1"), both get the internal snapshot ("devices"). The guest
# prints "COUNT n" every second and writes "DISK n" to the first sector of /dev/vda.
#  1. bad device lists are refused by the job (missing disk, unknown device, vmstate
#     outside the list) and the guest keeps running;
#  2. stop at COUNT N, RAM checksum, snapshot-save s1, cont; later stop,
#     snapshot-load s1: same RAM checksum, the next COUNT is N+1;
#  3. the human monitor's loadvm (human-monitor-command) finds the stream on the
#     second disk too; snapshot-save s2 + snapshot-delete s2 leave only s1;
#  4. qemu-img snapshot -l: s1 on both disks, VM state only on the second;
#     qemu-img check is clean on both;
#  5. a new process with -loadvm s1 -S resumes at N+1 after cont, and its disk is
#     back at the savevm moment (DISK N-1 or N).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=savevm-qmp-qcow2

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to speak QMP"
command -v qemu-img >/dev/null || sys_skip "qemu-img not installed (qemu-utils)"
IMG="$BUILD/mimic-img"
[ -x "$IMG" ] || sys_fail "$IMG not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT

cat > "$work/test.sh" <<'EOF'
#!/bin/sh
j=0
while [ ! -b /dev/vda ] && [ $j -lt 50 ]; do sleep 0.2; j=$((j + 1)); done
i=0
while true; do
    i=$((i+1))
    echo "COUNT $i"
    printf 'DISK %d\n' $i | dd of=/dev/vda conv=fsync 2>/dev/null
    sync
    sleep 1
done
EOF
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module virtio_pci --module virtio_blk \
    -o "$work/initrd.gz") || sys_fail "could not build the initramfs"
for d in disk0 disk1; do
    "$IMG" create -q -f qcow2 "$work/$d.qcow2" 16M || sys_fail "mimic-img create failed"
done

cat > "$work/drive.py" <<'EOF'
import atexit, hashlib, os, re, subprocess, sys, time
from qmp import QMP

emu, work, kernel, initrd = sys.argv[1:5]
disk0, disk1 = os.path.join(work, 'disk0.qcow2'), os.path.join(work, 'disk1.qcow2')
BOTH = ['virtio0', 'virtio1']
errors = []

def counts(log):
    try:
        return [int(x) for x in re.findall(rb'COUNT (\d+)', open(log, 'rb').read())]
    except FileNotFoundError:
        return []

def wait_count(log, n, secs=120):
    end = time.time() + secs
    while time.time() < end:
        c = counts(log)
        if c and c[-1] >= n:
            return True
        time.sleep(0.1)
    return False

def job(q, kind, job_id, tag, vmstate='virtio1', devices=BOTH):
    j, refused = q.job(kind, job_id, tag, vmstate=vmstate, devices=devices)
    if refused:
        errors.append('%s: %s' % (kind, refused))
    return j

def hmp(q, line):
    ok, out = q.hmp(line)
    if not ok:
        errors.append('%s: %s' % (line, out))
        return ''
    return out

procs = []

@atexit.register
def stop_all():
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()

def start(log, sock, *extra):
    procs.append(subprocess.Popen(
        [emu, '-M', 'malta', '-m', '256', '-kernel', kernel, '-initrd', initrd,
         '-append', 'console=ttyS0', '-display', 'none', '-serial', 'file:' + log,
         '-drive', 'file=%s,format=qcow2,if=virtio' % disk0,
         '-drive', 'file=%s,format=qcow2,if=virtio' % disk1,
         '-qmp', 'unix:%s,server,nowait' % sock] + list(extra),
        stdout=subprocess.DEVNULL, stderr=open(log + '.err', 'w')))
    return procs[-1]

def ram_md5(q):
    path = os.path.join(work, 'ram.bin')
    hmp(q, 'pmemsave 0 0x10000000 ' + path)
    return hashlib.md5(open(path, 'rb').read()).hexdigest()

def next_count_after(q, log):
    lines = len(counts(log))
    q.cmd('cont')
    time.sleep(2.5)
    after = counts(log)[lines:]
    return after[0] if after else None

def disk_says():
    raw = os.path.join(work, 'disk.raw')
    subprocess.run(['qemu-img', 'convert', '-U', '-O', 'raw', disk0, raw], check=True)
    m = re.search(rb'DISK (\d+)', open(raw, 'rb').read(32))
    return int(m.group(1)) if m else None

log1, sock1 = os.path.join(work, 'run1.log'), os.path.join(work, 'qmp1.sock')
p1 = start(log1, sock1)
q = QMP(sock1, negotiate=True)
if not wait_count(log1, 3):
    sys.exit('the guest never printed COUNT 3: %s' % open(log1 + '.err').read()[-500:])

# 1. Device lists that cannot describe this machine.
for what, kw, want in (
        ('no devices', dict(devices=[]), 'every writable disk'),
        ('one disk left out', dict(devices=['virtio0']), 'every writable disk'),
        ('unknown device', dict(devices=['virtio0', 'nosuch']), "'nosuch' not found"),
        ('vmstate outside the list', dict(vmstate='virtio7'), 'vmstate device')):
    j = job(q, 'snapshot-save', 'bad', 'sbad', **kw)
    if not j or want not in j.get('error', ''):
        errors.append('snapshot-save with %s: %s' % (what, j))
r = q.cmd('snapshot-save', **{'job-id': 'x', 'tag': 't', 'vmstate': 'virtio1',
                              'devices': [1, 2]})
if 'error' not in r:
    errors.append('snapshot-save with numbers for devices: %s' % r)
if q.cmd('query-status')['return']['status'] != 'running':
    errors.append('not running after the refused jobs')
before = counts(log1)[-1]
if not wait_count(log1, before + 2):
    errors.append('the guest stopped counting after the refused jobs')

# 2. Save, run on, load.
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
got = next_count_after(q, log1)
if got != n + 1:
    errors.append('after snapshot-load the guest printed COUNT %s, wanted %d' % (got, n + 1))

# 3. The human monitor's loadvm finds the stream on virtio1; save + delete s2.
q.cmd('stop')
q.wait_event('STOP')
out = hmp(q, 'loadvm s1')
if out:
    errors.append('HMP loadvm s1 printed %r' % out)
got = next_count_after(q, log1)
if got != n + 1:
    errors.append('after HMP loadvm the guest printed COUNT %s, wanted %d' % (got, n + 1))
j = job(q, 'snapshot-save', 'save1', 's2')
if j and 'error' in j:
    errors.append('snapshot-save s2: %s' % j)
if ' s2 ' not in hmp(q, 'info snapshots'):
    errors.append('info snapshots does not list s2')
j = job(q, 'snapshot-delete', 'del0', 's2')
if j and 'error' in j:
    errors.append('snapshot-delete s2: %s' % j)
j = job(q, 'snapshot-load', 'load1', 'nosuch')
if not j or 'does not exist' not in j.get('error', ''):
    errors.append('snapshot-load of a missing tag: %s' % j)
if q.cmd('query-status')['return']['status'] != 'running':
    errors.append('not running after a failed snapshot-load')
q.cmd('quit')
q.wait_event('SHUTDOWN')
p1.wait(timeout=30)

# 4. QEMU's view of both images.
for disk, want_vm in ((disk0, False), (disk1, True)):
    lst = subprocess.run(['qemu-img', 'snapshot', '-l', disk], capture_output=True,
                         text=True).stdout
    rows = [l.split() for l in lst.splitlines() if len(l.split()) > 3 and
            l.split()[1] in ('s1', 's2')]
    names = [r[1] for r in rows]
    if names != ['s1']:
        errors.append('qemu-img snapshot -l %s: snapshots %s, wanted only s1' %
                      (os.path.basename(disk), names))
    elif (rows[0][2] not in ('0', '0B')) != want_vm:
        errors.append('qemu-img snapshot -l %s: VM SIZE %s (VM state wanted: %s)' %
                      (os.path.basename(disk), rows[0][2], want_vm))
    chk = subprocess.run(['qemu-img', 'check', disk], capture_output=True, text=True)
    if chk.returncode != 0:
        errors.append('qemu-img check %s: %s' % (disk, chk.stdout + chk.stderr))

# 5. A new process from s1; its disk is back at the savevm moment.
log2, sock2 = os.path.join(work, 'run2.log'), os.path.join(work, 'qmp2.sock')
p2 = start(log2, sock2, '-loadvm', 's1', '-S')
q2 = QMP(sock2, negotiate=True)
st = q2.cmd('query-status')['return']['status']
if st != 'prelaunch':
    errors.append('-loadvm -S: status %s, wanted prelaunch' % st)
d = None
q2.cmd('cont')
wait_count(log2, 1)
c = counts(log2)
if not c or c[0] != n + 1:
    errors.append('-loadvm s1: first COUNT %s, wanted %d' % (c[:3], n + 1))
q2.cmd('stop')
j = job(q2, 'snapshot-load', 'load2', 's1')
if j and 'error' in j:
    errors.append('snapshot-load in the new process: %s' % j)
q2.cmd('quit')
p2.wait(timeout=30)
d = disk_says()
if d not in (n - 1, n):
    errors.append('after snapshot-load s1 the disk says DISK %s, wanted %d or %d' %
                  (d, n - 1, n))

for e in errors:
    print('  ' + e, file=sys.stderr)
print('N=%d' % n)
sys.exit(1 if errors else 0)
EOF

out=$(PYTHONPATH="$sys_topdir/tests/system" \
    python3 "$work/drive.py" "$EMU" "$work" "$GUEST_KERNEL" "$initrd")
rc=$?
[ "$rc" = 0 ] || sys_fail "$name: check(s) failed"
echo "$name: QMP snapshot-save of two qcow2 disks at ${out#N=} (VM state on virtio1), snapshot-load, HMP loadvm and -loadvm resumed at the next count; bad device lists refused ($EMU)"
exit 0
