#!/bin/bash
# savevm / loadvm / delvm on a Malta Linux guest with a writable qcow2 disk on
# virtio-blk: the machine state goes into the image as an internal snapshot, as in
# QEMU (docs/interop/qcow2.txt: VM state past the disk end, vm_state_size in the
# snapshot table). The guest prints "COUNT n" every second and then writes
# "DISK n" to the first sector of /dev/vda.
#  1. stop at COUNT N, savevm s1, continue until the disk says N+2 or more;
#  2. loadvm s1 in the same process: the next COUNT is N+1;
#  3. a missing tag is refused and the machine keeps running; delvm s2 works;
#  4. a new process with -loadvm s1 resumes at N+1; after loadvm and quit the disk
#     holds what it held at savevm (DISK N-1 or N);
#  5. qemu-img snapshot -l lists s1 with a non-zero VM SIZE, qemu-img check is clean;
#  6. the same machine with a writable raw disk refuses savevm with a clear error.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=savevm-qcow2

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"
command -v qemu-img >/dev/null || sys_skip "qemu-img not installed (qemu-utils)"
IMG="$BUILD/mimic-img"
[ -x "$IMG" ] || sys_fail "$IMG not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

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

mon() { python3 tests/system/hmp.py "$@"; }

disk="$work/disk.qcow2"
"$IMG" create -q -f qcow2 "$disk" 16M || sys_fail "mimic-img create failed"
start() {   # start LOG SOCKET DISK FORMAT [extra options]
    local log=$1 sock=$2 file=$3 fmt=$4
    shift 4
    "$EMU" -M malta -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" \
        -append "console=ttyS0" -display none -serial "file:$log" \
        -monitor "unix:$sock,server,nowait" \
        -drive "file=$file,format=$fmt,if=virtio" "$@" > "$log.stderr" 2>&1 &
    pids+=($!)
}
last_count() { grep -a -o 'COUNT [0-9]*' "$1" 2>/dev/null | tail -1 | cut -d' ' -f2; }
wait_count() {
    for _ in $(seq 600); do
        local c
        c=$(last_count "$1")
        [ -n "$c" ] && [ "$c" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
next_after() { tail -n +"$(($2 + 1))" "$1" | grep -a -o 'COUNT [0-9]*' | head -1 | cut -d' ' -f2; }
# disk_says: the number in the disk's first sector (the machine must not be running).
disk_says() {
    qemu-img convert -U -O raw "$disk" "$work/disk.raw" &&
        head -c 32 "$work/disk.raw" | grep -a -o 'DISK [0-9]*' | cut -d' ' -f2
}

errors=()
log1="$work/run1.log"
sock1="$work/mon1.sock"
start "$log1" "$sock1" "$disk" qcow2
wait_count "$log1" 3 || sys_fail "$name: the guest never printed COUNT 3 ($(tail -3 "$log1.stderr"))"

# 1. savevm at N.
mon "$sock1" stop >/dev/null
sleep 0.3
n=$(last_count "$log1")
out=$(mon "$sock1" "savevm s1" "info snapshots" cont)
grep -q ' s1 ' <<<"$out" || errors+=("info snapshots does not list s1: $out")
wait_count "$log1" $((n + 3)) || errors+=("the guest stopped counting after savevm")

# 2. loadvm in the same process.
mon "$sock1" stop >/dev/null
out=$(mon "$sock1" "loadvm s1")
[ -z "$out" ] || errors+=("loadvm s1 printed: $out")
line=$(wc -l < "$log1")
mon "$sock1" cont >/dev/null
sleep 2.5
got=$(next_after "$log1" "$line")
[ "$got" = $((n + 1)) ] || errors+=("after loadvm the guest printed COUNT $got, wanted $((n + 1))")

# 3. a missing tag; a second snapshot deleted again.
out=$(mon "$sock1" "loadvm nosuch" "info status")
grep -q "does not exist" <<<"$out" || errors+=("loadvm of a missing tag: $out")
grep -q "VM status: running" <<<"$out" || errors+=("not running after a bad loadvm: $out")
out=$(mon "$sock1" "savevm s2" "info snapshots")
grep -q ' s2 ' <<<"$out" || errors+=("savevm s2 not listed: $out")
out=$(mon "$sock1" "delvm s2" "info snapshots")
grep -q ' s2 ' <<<"$out" && errors+=("delvm s2 left it listed: $out")
wait_count "$log1" $((n + 3))
mon "$sock1" quit >/dev/null
for _ in $(seq 100); do kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.1; done
d=$(disk_says)
[ -n "$d" ] && [ "$d" -ge $((n + 2)) ] || errors+=("before -loadvm the disk says DISK $d, wanted >= $((n + 2))")

# 4. a new process resumes from s1; its disk is back at the savevm moment.
log2="$work/run2.log"
start "$log2" "$work/mon2.sock" "$disk" qcow2 -loadvm s1 -S
mon "$work/mon2.sock" quit >/dev/null
for _ in $(seq 100); do kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.1; done
d=$(disk_says)
[ "$d" = "$n" ] || [ "$d" = $((n - 1)) ] ||
    errors+=("after -loadvm s1 the disk says DISK $d, wanted $((n - 1)) or $n")
log3="$work/run3.log"
start "$log3" "$work/mon3.sock" "$disk" qcow2 -loadvm s1
wait_count "$log3" 1 || errors+=("-loadvm s1: the guest printed nothing ($(tail -3 "$log3.stderr"))")
first=$(grep -a -o 'COUNT [0-9]*' "$log3" | head -1 | cut -d' ' -f2)
[ "$first" = $((n + 1)) ] || errors+=("-loadvm s1: the first COUNT is $first, wanted $((n + 1))")
mon "$work/mon3.sock" quit >/dev/null
for _ in $(seq 100); do kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.1; done

# 5. QEMU's view of the image.
list=$(qemu-img snapshot -l "$disk" 2>&1)
vmsize=$(echo "$list" | awk '$2 == "s1" { print $3 }')
[ -n "$vmsize" ] && [ "$vmsize" != "0" ] && [ "$vmsize" != "0 B" ] ||
    errors+=("qemu-img snapshot -l: no s1 with a VM size: $list")
echo "$list" | awk '$2 == "s1" { print $3 $4 }' | grep '^0' >/dev/null &&
    errors+=("qemu-img snapshot -l: s1 has VM SIZE 0: $list")
grep -q ' s2 ' <<<"$list" && errors+=("qemu-img snapshot -l still lists s2: $list")
chk=$(qemu-img check "$disk" 2>&1) || errors+=("qemu-img check: $chk")

# 6. a writable raw disk cannot hold snapshots.
"$IMG" create -q -f raw "$work/disk.raw2" 16M
log4="$work/run4.log"
start "$log4" "$work/mon4.sock" "$work/disk.raw2" raw -S
out=$(mon "$work/mon4.sock" "savevm r1" quit)
grep -q "writable raw image, which cannot hold snapshots" <<<"$out" ||
    errors+=("savevm with a writable raw disk: $out")

if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed"
fi
echo "$name: savevm at COUNT $n into the qcow2 image, loadvm (same and new process) resumed at $((n + 1)), disk rolled back to DISK $d, qemu-img: s1 VM SIZE $vmsize, check clean ($EMU)"
exit 0
