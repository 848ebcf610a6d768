#!/bin/bash
# Debian's Malta kernel reads and writes an ext4 disk over virtio-blk on the
# legacy virtio PCI interface (virtio_pci + virtio_blk, loaded from the
# kernel's own modules by the test's init): the image is built on the host with mke2fs -d; the guest checks a
# file's md5sum, writes a new file, syncs and powers off; the host then finds
# the new file with debugfs and e2fsck -n is clean. Run twice: on the raw
# image, and through a qcow2 overlay (made by mimic-img) on a raw backing file,
# which must pass qemu-img check / mimic-img check afterwards. The raw run
# uses the virtio 1.0 (modern) interface, the qcow2 run the legacy one.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=disk-virtio
sys_need_emu
sys_need_guest mips
for t in mke2fs debugfs e2fsck; do
    command -v $t >/dev/null || PATH=$PATH:/sbin:/usr/sbin
    command -v $t >/dev/null || sys_skip "$t not installed (e2fsprogs)"
done
IMG="$BUILD/mimic-img"
[ -x "$IMG" ] || sys_fail "$IMG not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/root/dir"
head -c 3000000 /dev/urandom >"$work/root/dir/payload.bin"
sum=$(md5sum <"$work/root/dir/payload.bin" | cut -d' ' -f1)
echo "hello from the host" >"$work/root/hello.txt"

cat >"$work/test.sh" <<GUEST
#!/bin/sh
dev=/dev/vda
i=0
while [ ! -b \$dev ] && [ \$i -lt 50 ]; do sleep 0.2; i=\$((i + 1)); done
mkdir -p /mnt
echo "MIMIC-DISK features \$(cat /sys/bus/virtio/devices/virtio0/features)"
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
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module virtio_pci --module virtio_blk --module crc32c_generic --module ext4 \
    -o "$work/initrd.gz") || sys_fail "could not build the initramfs"

failures=0
run_one() {   # LABEL DRIVE-ARGS...
    local label=$1 log="$work/$1.log" rc
    shift
    sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 -kernel "$GUEST_KERNEL" \
        -initrd "$initrd" -append "console=ttyS0 ${APPEND_EXTRA:-}" -nographic "$@"
    rc=$?
    sys_publish_log "$log" "$name-$label"
    if [ $rc != 0 ]; then
        echo "$label: emulator $(sys_describe_status $rc)"; failures=$((failures + 1)); return 1
    fi
    if ! grep -q "MIMIC-DISK md5 $sum" "$log"; then
        echo "$label: guest did not read the right data"; grep MIMIC-DISK "$log"
        failures=$((failures + 1)); return 1
    fi
    grep -q "hello from the host" "$log" || { echo "$label: hello.txt"; failures=$((failures + 1)); return 1; }
    grep -q "MIMIC-DISK unmounted" "$log" || { echo "$label: no clean unmount"; failures=$((failures + 1)); return 1; }
    GUEST_NEW=$(sed -n 's/.*MIMIC-DISK newmd5 \([0-9a-f]*\).*/\1/p' "$log" | tr -d '\r')
    echo "$label: guest read payload md5 ok, wrote guest-wrote.bin ($GUEST_NEW) in ${SYS_BOOT_SECS}s"
}
host_check() {   # LABEL RAW-IMAGE
    local got
    debugfs -R "dump /guest-wrote.bin $work/back.bin" "$2" >/dev/null 2>&1
    got=$(md5sum <"$work/back.bin" 2>/dev/null | cut -d' ' -f1)
    [ -n "$GUEST_NEW" ] && [ "$got" = "$GUEST_NEW" ] ||
        { echo "$1: host does not find the guest's file ($got vs $GUEST_NEW)"; failures=$((failures + 1)); }
    e2fsck -fn "$2" >"$work/fsck.out" 2>&1 ||
        { echo "$1: e2fsck -n not clean"; cat "$work/fsck.out"; failures=$((failures + 1)); }
    rm -f "$work/back.bin"
}

# 1: raw image
mke2fs -q -t ext4 -d "$work/root" "$work/disk.raw" 64M || sys_fail "mke2fs -d failed"
run_one raw -drive "file=$work/disk.raw,format=raw,if=virtio" && host_check raw "$work/disk.raw"
# features: a string of 0/1 per bit; bit 32 is VERSION_1 (the modern interface).
version1() { sed -n 's/.*MIMIC-DISK features \([01]*\).*/\1/p' "$1" | cut -c33; }
[ "$(version1 "$work/raw.log")" = 1 ] || { echo "raw: the guest did not use virtio 1.0"; failures=$((failures + 1)); }

# 2: qcow2 overlay on a raw backing file
mke2fs -q -t ext4 -d "$work/root" "$work/base.raw" 64M
cp "$work/base.raw" "$work/base.orig"
"$IMG" create -f qcow2 -b base.raw -F raw "$work/over.qcow2" >/dev/null
# (this run makes the guest use the legacy interface of the transitional device)
if APPEND_EXTRA=virtio_pci.force_legacy=1 run_one qcow2 -drive "file=$work/over.qcow2,if=virtio"; then
    [ "$(version1 "$work/qcow2.log")" = 0 ] || { echo "qcow2: the guest did not use the legacy interface"; failures=$((failures + 1)); }
    "$IMG" check "$work/over.qcow2" >/dev/null || { echo "qcow2: mimic-img check failed"; failures=$((failures + 1)); }
    if command -v qemu-img >/dev/null; then
        qemu-img check "$work/over.qcow2" >/dev/null || { echo "qcow2: qemu-img check failed"; failures=$((failures + 1)); }
    fi
    cmp -s "$work/base.raw" "$work/base.orig" || { echo "qcow2: backing file was modified"; failures=$((failures + 1)); }
    "$IMG" convert -O raw "$work/over.qcow2" "$work/flat.raw"
    host_check qcow2 "$work/flat.raw"
fi

[ $failures = 0 ] || sys_fail "$name: $failures check(s) failed"
echo "$name: all checks passed"
exit 0
