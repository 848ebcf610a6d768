#!/bin/bash
# savevm / loadvm benchmark: boot the default Malta guest (256 MiB, busybox initramfs)
# to its shell marker, then time `savevm s1` and `loadvm s1` through the human monitor
# (round trip of the command, as a user sees it) and report the size of the saved
# state. mimic keeps the snapshot in a -snapshot-store file; QEMU (when installed)
# needs a writable qcow2 disk to hold it, so it gets an empty one.
#   bench/savevm.sh [--reps N]
# Timings are reported, never asserted.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
reps=3
[ "${1:-}" = "--reps" ] && reps=$2

eval "$(scripts/fetch-guests.sh mips)"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX")
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-bench-savevm.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

cat > "$work/drive.py" <<'EOF'
import json, os, re, socket, subprocess, sys, time
emu, log, sock, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
args = sys.argv[5:]
res = {'save': [], 'load': [], 'size': None}
for rep in range(reps):
    for p in (log, sock):
        if os.path.exists(p):
            os.unlink(p)
    proc = subprocess.Popen([emu] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
            global buf
            if c:
                s.sendall(c.encode() + b'\r')
            while b'(qemu) ' not in buf:
                buf += s.recv(65536)
            out, _, buf = buf.partition(b'(qemu) ')
            return out.decode(errors='replace')
        cmd(None)
        cmd('stop')
        t = time.perf_counter(); out = cmd('savevm s1'); res['save'].append(time.perf_counter() - t)
        if 'rror' in out:
            sys.exit(out)
        t = time.perf_counter(); out = cmd('loadvm s1'); res['load'].append(time.perf_counter() - t)
        if 'rror' in out:
            sys.exit(out)
        m = re.search(r'\bs1\s+([\d.]+ [KMG]i?B)', cmd('info snapshots'))
        res['size'] = m.group(1) if m else '?'
        s.sendall(b'quit\r')
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
print(json.dumps(res))
EOF

report() {   # NAME JSON
    python3 - "$1" "$2" <<'EOF'
import json, statistics, sys
r = json.loads(sys.argv[2])
print("%-22s savevm %.3f s   loadvm %.3f s   state %s   (median of %d)" % (
    sys.argv[1], statistics.median(r['save']), statistics.median(r['load']), r['size'],
    len(r['save'])))
EOF
}

common=(-M malta -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0"
        -display none -serial "file:$work/console.log"
        -monitor "unix:$work/mon.sock,server,nowait")
mimic="$BUILD/mimic-system-mipsel"
r=$(python3 "$work/drive.py" "$mimic" "$work/console.log" "$work/mon.sock" "$reps" \
    "${common[@]}" -snapshot-store "$work/store.snap")
report mimic "$r"
if command -v qemu-system-mipsel >/dev/null && command -v qemu-img >/dev/null; then
    qemu-img create -q -f qcow2 "$work/disk.qcow2" 64M
    r=$(python3 "$work/drive.py" qemu-system-mipsel "$work/console.log" "$work/mon.sock" \
        "$reps" "${common[@]}" -drive "file=$work/disk.qcow2,if=none,id=d0,format=qcow2")
    report qemu-system-mipsel "$r"
fi
