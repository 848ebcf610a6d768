# shellcheck shell=bash
# Shared parts of the ext4 disk tests (test-disk-ide.sh, test-disk-virtio.sh,
# test-disk-pc.sh); sourced after lib.sh. A test:
#   disk_setup                      tools, $work, the host's files (and $DISK_SUM)
#   disk_guest_script DEVS [EXTRA]  $work/test.sh for the guest
#   run_one ...                     its own: boots its board, then calls
#     disk_check_boot LABEL RC LOG [DEV]
#   disk_host_check LABEL RAW       after a run that wrote to RAW
#   disk_overlay_check LABEL QCOW2 BASE ORIG
#   disk_finish
# Failed checks are counted in $failures (each helper says what failed).
#
# The guest script waits for the disk, mounts it, prints the md5sum of the
# host's payload file and hello.txt, writes 2 MiB of random data to a new
# file, prints its md5sum, syncs and unmounts; every line it prints for the
# host starts with MIMIC-DISK. The host then expects: the right device, the
# payload's md5sum, hello.txt, a clean unmount; the guest's file found by
# debugfs with the same md5sum, and e2fsck -n clean.

failures=0
GUEST_NEW=""

# disk_setup: e2fsprogs and mimic-img present, $work made (removed on exit),
# $work/root holds the file tree that mke2fs -d puts into the images.
disk_setup() {
    local t
    for t in mke2fs debugfs e2fsck; do
        command -v $t >/dev/null || PATH=$PATH:/sbin:/usr/sbin
        command -v $t >/dev/null || sys_skip "$t not installed (e2fsprogs)"
    done
    IMG="$BUILD/mimic-img"
    [ -x "$IMG" ] || sys_fail "$IMG not built"
    work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT
    mkdir -p "$work/root/dir"
    head -c 3000000 /dev/urandom >"$work/root/dir/payload.bin"
    DISK_SUM=$(md5sum <"$work/root/dir/payload.bin" | cut -d' ' -f1)
    echo "hello from the host" >"$work/root/hello.txt"
}

# disk_mkfs IMAGE: a 64 MiB raw ext4 image holding $work/root.
disk_mkfs() {
    mke2fs -q -t ext4 -d "$work/root" "$1" 64M || sys_fail "mke2fs -d failed"
}

# disk_guest_script "DEVICES" [EXTRA]: write $work/test.sh. The guest waits up
# to 10 s for the first of DEVICES (e.g. "/dev/sda /dev/vda") to appear, says
# which one it found, runs the shell line EXTRA (if any), then the workload.
disk_guest_script() {
    cat >"$work/test.sh" <<GUEST
#!/bin/sh
dev=
i=0
while [ -z "\$dev" ] && [ \$i -lt 50 ]; do
    for d in $1; do [ -b \$d ] && dev=\$d && break; done
    [ -n "\$dev" ] || sleep 0.2
    i=\$((i + 1))
done
echo "MIMIC-DISK device \$dev"
${2:-}
mkdir -p /mnt
if mount -t ext4 \$dev /mnt; then
    echo "MIMIC-DISK mounted"
    echo "MIMIC-DISK md5 \$(md5sum /mnt/dir/payload.bin | cut -d' ' -f1)"
    cat /mnt/hello.txt
    dd if=/dev/urandom of=/mnt/guest-wrote.bin bs=1024 count=2048 2>/dev/null
    echo "MIMIC-DISK newmd5 \$(md5sum /mnt/guest-wrote.bin | cut -d' ' -f1)"
    sync
    umount /mnt && echo "MIMIC-DISK unmounted"
else
    echo "MIMIC-DISK mount failed"
    cat /proc/partitions
fi
GUEST
}

_disk_bad() {
    echo "$1"
    failures=$((failures + 1))
}

# disk_check_boot LABEL RC LOG [DEVICE]: judge one boot (RC from sys_boot)
# from its console log; sets GUEST_NEW (the md5sum of the guest's new file).
# Returns 1 (and counts a failure) if anything is missing.
disk_check_boot() {
    local label=$1 rc=$2 log=$3 want=${4:-}
    GUEST_NEW=""
    if [ "$rc" != 0 ]; then
        _disk_bad "$label: emulator $(sys_describe_status "$rc")"; return 1
    fi
    if [ -n "$want" ] && ! grep -q "MIMIC-DISK device $want" "$log"; then
        _disk_bad "$label: guest did not find $want"
        grep MIMIC-DISK "$log"
        return 1
    fi
    if ! grep -q "MIMIC-DISK md5 $DISK_SUM" "$log"; then
        _disk_bad "$label: guest did not read the right data"
        grep MIMIC-DISK "$log"
        return 1
    fi
    grep -q "hello from the host" "$log" || { _disk_bad "$label: hello.txt"; return 1; }
    grep -q "MIMIC-DISK unmounted" "$log" ||
        { _disk_bad "$label: no clean unmount"; return 1; }
    GUEST_NEW=$(sed -n 's/.*MIMIC-DISK newmd5 \([0-9a-f]*\).*/\1/p' "$log" | tr -d '\r')
    echo "$label: guest read payload md5 ok, wrote guest-wrote.bin ($GUEST_NEW)" \
        "in ${SYS_BOOT_SECS}s"
}

# disk_host_check LABEL RAW: the guest's file is in RAW, and RAW is a clean ext4.
disk_host_check() {
    local got
    rm -f "$work/back.bin"
    debugfs -R "dump /guest-wrote.bin $work/back.bin" "$2" >/dev/null 2>&1
    got=$(md5sum <"$work/back.bin" 2>/dev/null | cut -d' ' -f1)
    [ -n "$GUEST_NEW" ] && [ "$got" = "$GUEST_NEW" ] ||
        _disk_bad "$1: host does not find the guest's file ($got vs $GUEST_NEW)"
    e2fsck -fn "$2" >"$work/fsck.out" 2>&1 ||
        { _disk_bad "$1: e2fsck -n not clean"; cat "$work/fsck.out"; }
    rm -f "$work/back.bin"
}

# disk_overlay_check LABEL QCOW2 BASE ORIG: after a run on the qcow2 overlay
# QCOW2 of the raw BASE (a copy of which is ORIG): both checkers accept the
# overlay, the backing file is untouched, and the flattened image passes
# disk_host_check.
disk_overlay_check() {
    local label=$1 qcow2=$2 base=$3 orig=$4
    "$IMG" check "$qcow2" >/dev/null || _disk_bad "$label: mimic-img check failed"
    if command -v qemu-img >/dev/null; then
        qemu-img check "$qcow2" >/dev/null || _disk_bad "$label: qemu-img check failed"
    fi
    cmp -s "$base" "$orig" || _disk_bad "$label: backing file was modified"
    rm -f "$work/flat.raw"
    "$IMG" convert -O raw "$qcow2" "$work/flat.raw" ||
        _disk_bad "$label: mimic-img convert failed"
    disk_host_check "$label" "$work/flat.raw"
}

# disk_finish: the verdict for test $name.
disk_finish() {
    [ "$failures" = 0 ] || sys_fail "$name: $failures check(s) failed"
    echo "$name: all checks passed"
    exit 0
}
