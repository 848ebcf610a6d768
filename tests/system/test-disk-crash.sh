#!/bin/bash
# Crash safety of qcow2 under a real guest: Debian's Malta kernel writes
# heavily to a qcow2 disk over IDE (a background stream of random data plus
# numbered 64 KiB records, each written with O_SYNC-like fsync and then
# announced as "MIMIC-FLUSHED n" on the console). The emulator is killed with
# SIGKILL in the middle. Afterwards mimic-img check and qemu-img check must
# accept the image (no corruption; leaked clusters are allowed), and every
# record the guest saw flushed must be in the image.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=disk-crash
sys_need_emu
sys_need_guest mips
IMG="$BUILD/mimic-img"
[ -x "$IMG" ] || sys_fail "$IMG not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$work"' EXIT

cat >"$work/test.sh" <<'GUEST'
#!/bin/sh
dev=/dev/sda
i=0
while [ ! -b $dev ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
dd if=/dev/urandom of=$dev bs=65536 seek=512 count=4000 2>/dev/null &
i=0
while [ $i -lt 500 ]; do
    yes "MIMIC-RECORD-$i" | head -c 65536 | dd of=$dev bs=65536 seek=$i conv=fsync 2>/dev/null
    echo "MIMIC-FLUSHED $i"
    i=$((i + 1))
done
GUEST
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module ata_piix -o "$work/initrd.gz") ||
    sys_fail "could not build the initramfs"

"$IMG" create -f qcow2 -o cluster_size=4096 "$work/disk.qcow2" 512M >/dev/null ||
    sys_fail "mimic-img create failed"
log="$work/console.log"
"$EMU" -M malta -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0" \
    -nographic -drive "file=$work/disk.qcow2,if=ide" ${EMU_ARGS:-} </dev/null >"$log" 2>&1 &
pid=$!
target=$((RANDOM % 20 + 15))
for ((t = 0; t < SYSTEM_TEST_TIMEOUT * 5; t++)); do
    grep -q "MIMIC-FLUSHED $target\b" "$log" && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.2
done
# Let the writes run on a moment past the marker, then pull the plug.
sleep 0.$((RANDOM % 9 + 1))
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
pid=""
sys_publish_log "$log" "$name"
last=$(sed -n 's/.*MIMIC-FLUSHED \([0-9]*\).*/\1/p' "$log" | tail -1)
[ -n "$last" ] || sys_fail "the guest never reported a flushed record (see $sys_logdir/$name.log)"
echo "killed after record $last was flushed (aimed at $target)"

failures=0
rc=0; "$IMG" check "$work/disk.qcow2" >"$work/check.out" 2>&1 || rc=$?
if [ $rc != 0 ] && [ $rc != 3 ]; then
    echo "mimic-img check: exit $rc"; cat "$work/check.out"; failures=$((failures + 1))
else
    echo "mimic-img check: exit $rc ($(grep -c Leaked "$work/check.out") leaked clusters)"
fi
if command -v qemu-img >/dev/null; then
    rc=0; qemu-img check "$work/disk.qcow2" >"$work/qcheck.out" 2>&1 || rc=$?
    if [ $rc != 0 ] && [ $rc != 3 ]; then
        echo "qemu-img check: exit $rc"; cat "$work/qcheck.out"; failures=$((failures + 1))
    else
        echo "qemu-img check: exit $rc"
    fi
fi
"$IMG" convert -O raw "$work/disk.qcow2" "$work/disk.raw" || sys_fail "convert after crash failed"
missing=0
for ((i = 0; i <= last; i++)); do
    want=$(yes "MIMIC-RECORD-$i" | head -c 65536 | md5sum | cut -d' ' -f1)
    got=$(dd if="$work/disk.raw" bs=65536 skip=$i count=1 2>/dev/null | md5sum | cut -d' ' -f1)
    [ "$want" = "$got" ] || missing=$((missing + 1))
done
[ $missing = 0 ] && echo "all $((last + 1)) flushed records are in the image" ||
    { echo "$missing of $((last + 1)) flushed records are missing"; failures=$((failures + 1)); }
[ $failures = 0 ] || sys_fail "$name: $failures check(s) failed"
echo "$name: all checks passed"
exit 0
