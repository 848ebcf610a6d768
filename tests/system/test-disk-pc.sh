#!/bin/bash
# test-disk-ide.sh on the PC board: Debian's 686 kernel reads and writes an
# ext4 disk over the PIIX3 IDE function (legacy ports 0x1f0/0x170, IRQ 14/15;
# ata_piix and sd_mod loaded from the kernel's own modules by the test's init):
# the image is built on the host with mke2fs -d; the guest checks a file's
# md5sum, writes a new file, syncs and powers off; the host then finds the new
# file with debugfs and e2fsck -n is clean. Run twice: on the raw image given
# with -drive, and through a qcow2 overlay (made by mimic-img) on a raw backing
# file given with -hda, which must pass qemu-img check / mimic-img check after;
# then once more over virtio-blk (-drive if=virtio, PCI slot 4, IRQ 10 as the
# board routes PIRQA for firmware-less boots; virtio_pci, virtio_blk modules).
# The board's ACPI tables describe no PCI root bridge, so the kernel is told
# pci=noacpi to scan bus 0 itself. EMU_I386 (default build/mimic-system-i386)
# is the emulator.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=disk-pc
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386
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
dev=
i=0
while [ -z "\$dev" ] && [ \$i -lt 50 ]; do
    for d in /dev/sda /dev/vda; do [ -b \$d ] && dev=\$d; done
    [ -n "\$dev" ] || sleep 0.2
    i=\$((i + 1))
done
echo "MIMIC-DISK device \$dev"
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
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --modules "$GUEST_MODULES" --test "$work/test.sh" --module ata_piix --module sd_mod \
    --module virtio_pci --module virtio_blk --module crc32c_generic --module ext4 \
    -o "$work/initrd.gz") || sys_fail "could not build the initramfs"

failures=0
run_one() {   # LABEL GUEST-DEVICE DRIVE-ARGS...
    local label=$1 want=$2 log="$work/$1.log" rc
    shift 2
    sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -m 256 -kernel "$GUEST_KERNEL" \
        -initrd "$initrd" -append "console=ttyS0 pci=noacpi" -nographic "$@"
    rc=$?
    sys_publish_log "$log" "$name-$label"
    if [ $rc != 0 ]; then
        echo "$label: emulator $(sys_describe_status $rc)"; failures=$((failures + 1)); return 1
    fi
    if ! grep -q "MIMIC-DISK device $want" "$log"; then
        echo "$label: guest did not find $want"; grep MIMIC-DISK "$log"
        failures=$((failures + 1)); return 1
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
run_one raw /dev/sda -drive "file=$work/disk.raw,format=raw,if=ide" && host_check raw "$work/disk.raw"

# 2: qcow2 overlay on a raw backing file
mke2fs -q -t ext4 -d "$work/root" "$work/base.raw" 64M
cp "$work/base.raw" "$work/base.orig"
"$IMG" create -f qcow2 -b base.raw -F raw "$work/over.qcow2" >/dev/null
if run_one qcow2 /dev/sda -hda "$work/over.qcow2"; then
    "$IMG" check "$work/over.qcow2" >/dev/null || { echo "qcow2: mimic-img check failed"; failures=$((failures + 1)); }
    if command -v qemu-img >/dev/null; then
        qemu-img check "$work/over.qcow2" >/dev/null || { echo "qcow2: qemu-img check failed"; failures=$((failures + 1)); }
    fi
    cmp -s "$work/base.raw" "$work/base.orig" || { echo "qcow2: backing file was modified"; failures=$((failures + 1)); }
    "$IMG" convert -O raw "$work/over.qcow2" "$work/flat.raw"
    host_check qcow2 "$work/flat.raw"
fi

# 3: virtio-blk, raw image
mke2fs -q -t ext4 -d "$work/root" "$work/vdisk.raw" 64M || sys_fail "mke2fs -d failed"
run_one virtio /dev/vda -drive "file=$work/vdisk.raw,format=raw,if=virtio" &&
    host_check virtio "$work/vdisk.raw"

[ $failures = 0 ] || sys_fail "$name: $failures check(s) failed"
echo "$name: all checks passed"
exit 0
