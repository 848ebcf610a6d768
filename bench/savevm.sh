#!/bin/bash
# savevm / loadvm benchmark: boot the default Malta guest (256 MiB, busybox initramfs)
# to its shell marker, stop it, then time `savevm s1` and `loadvm s1` through the human
# monitor (round trip of the command, as a user sees it) and report the size of the
# saved state. Cases, alternated within each repetition so that both emulators see
# the same machine load:
#   mimic-qcow2   snapshot in an empty writable qcow2 disk (what QEMU does)
#   mimic-store   no disk, snapshot in a -snapshot-store file
#   qemu-qcow2    Debian's qemu-system-mipsel with the same qcow2 disk (when installed)
#   bench/savevm.sh [--reps N]      (or REPS=N)
# Prints the median of each case over the reps (and every run), and the load average
# before and after. MIMIC=path overrides the emulator (its mimic-img must be beside it).
# Timings are reported, never asserted. The table is saved in
# build/bench/savevm-results.txt.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
MIMIC=${MIMIC:-$top/$BUILD/mimic-system-mipsel}
# shellcheck source=bench/reps.sh
. "$top/bench/reps.sh"
reps=$(bench_reps "$@")

eval "$(scripts/fetch-guests.sh mips)"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX")
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-bench-savevm.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cat > "$work/drive.py" <<'EOF'
import json, os, re, socket, statistics, subprocess, sys, time
work, reps, kernel, initrd, mimic = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
qemu = sys.argv[6] if len(sys.argv) > 6 else ''
log, sock = os.path.join(work, 'console.log'), os.path.join(work, 'mon.sock')
disk = os.path.join(work, 'disk.qcow2')
common = ['-M', 'malta', '-m', '256', '-kernel', kernel, '-initrd', initrd,
          '-append', 'console=ttyS0', '-display', 'none', '-serial', 'file:' + log,
          '-monitor', 'unix:%s,server,nowait' % sock]
drive = ['-drive', 'file=%s,format=qcow2,if=virtio' % disk]
mimic_img = os.path.join(os.path.dirname(mimic), 'mimic-img')
# (name, emulator, its image tool, extra options)
cases = [('mimic-qcow2', mimic, mimic_img, drive),
         ('mimic-store', mimic, None,
          ['-snapshot-store', os.path.join(work, 'store.snap')])]
if qemu:
    cases.append(('qemu-qcow2', qemu, 'qemu-img', drive))

def run(emu, img, extra):
    for p in (log, sock, os.path.join(work, 'store.snap'), disk):
        if os.path.exists(p):
            os.unlink(p)
    if img:
        subprocess.check_call([img, 'create', '-q', '-f', 'qcow2', disk, '64M'],
                              stdout=subprocess.DEVNULL)
    proc = subprocess.Popen([emu] + common + extra, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            if os.path.exists(log) and b'MIMIC-INIT-READY' in open(log, 'rb').read():
                break
            time.sleep(0.1)
        else:
            sys.exit('guest did not boot')
        time.sleep(1)
        s = socket.socket(socket.AF_UNIX)
        s.connect(sock)
        buf = b''
        def cmd(c):
            nonlocal buf
            if c:
                s.sendall(c.encode() + b'\r')
            while b'(qemu) ' not in buf:
                buf += s.recv(65536)
            out, _, buf = buf.partition(b'(qemu) ')
            return out.decode(errors='replace')
        cmd(None)
        cmd('stop')
        t = time.perf_counter(); out = cmd('savevm s1'); save = time.perf_counter() - t
        if 'rror' in out:
            sys.exit(out)
        t = time.perf_counter(); out = cmd('loadvm s1'); load = time.perf_counter() - t
        if 'rror' in out:
            sys.exit(out)
        m = re.search(r'\bs1\s+([\d.]+ [KMG]i?B)', cmd('info snapshots'))
        s.sendall(b'quit\r')
        proc.wait(timeout=30)
        return save, load, m.group(1) if m else '?'
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

res = {c[0]: {'save': [], 'load': [], 'size': '?'} for c in cases}
for rep in range(reps):
    for name, emu, img, extra in (cases if rep % 2 == 0 else cases[::-1]):
        save, load, size = run(emu, img, extra)
        r = res[name]
        r['save'].append(save); r['load'].append(load); r['size'] = size
for name, _, _, _ in cases:
    r = res[name]
    print("%-12s savevm %.3f s   loadvm %.3f s   state %-9s (median of %d)" % (
        name, statistics.median(r['save']), statistics.median(r['load']), r['size'],
        len(r['save'])))
    print("%-12s   savevm runs %s" % ('', ' '.join('%.3f' % x for x in r['save'])))
    print("%-12s   loadvm runs %s" % ('', ' '.join('%.3f' % x for x in r['load'])))
m, q = res['mimic-qcow2'], res.get('qemu-qcow2')
if q and q['save']:
    print("ratio mimic/QEMU (qcow2): savevm %.2f   loadvm %.2f" % (
        statistics.median(m['save']) / statistics.median(q['save']),
        statistics.median(m['load']) / statistics.median(q['load'])))
EOF

qemu=""
if command -v qemu-system-mipsel >/dev/null && command -v qemu-img >/dev/null; then
    qemu=$(command -v qemu-system-mipsel)
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
logdir=$BUILD/bench
mkdir -p "$logdir"
python3 "$work/drive.py" "$work" "$reps" "$GUEST_KERNEL" "$initrd" \
    "$MIMIC" $qemu | tee "$logdir/savevm-results.txt"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
