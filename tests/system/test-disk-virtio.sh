#!/bin/bash
# Debian's Malta kernel reads and writes an ext4 disk over virtio-blk on the
# legacy virtio PCI interface (virtio_pci + virtio_blk, loaded from the
# kernel's own modules by the test's init): the image is built on the host
# with mke2fs -d; the guest checks a
# file's md5sum, writes a new file, syncs and powers off; the host then finds
# the new file with debugfs and e2fsck -n is clean. Run twice: on the raw
# image, and through a qcow2 overlay (made by mimic-img) on a raw backing file,
# which must pass qemu-img check / mimic-img check afterwards. The raw run
# uses the virtio 1.0 (modern) interface, the qcow2 run the legacy one.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/disk-lib.sh"

name=disk-virtio
sys_need_emu
sys_need_guest mips
disk_setup
disk_guest_script /dev/vda \
    'echo "MIMIC-DISK features $(cat /sys/bus/virtio/devices/virtio0/features)"'
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module virtio_pci --module virtio_blk --module crc32c_generic --module ext4 \
    -o "$work/initrd.gz") || sys_fail "could not build the initramfs"

run_one() {   # LABEL DRIVE-ARGS...
    local label=$1 log="$work/$1.log" rc
    shift
    sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 -kernel "$GUEST_KERNEL" \
        -initrd "$initrd" -append "console=ttyS0 ${APPEND_EXTRA:-}" -nographic "$@"
    rc=$?
    sys_publish_log "$log" "$name-$label"
    disk_check_boot "$label" $rc "$log" /dev/vda
}
# features: a string of 0/1 per bit; bit 32 is VERSION_1 (the modern interface).
version1() { sed -n 's/.*MIMIC-DISK features \([01]*\).*/\1/p' "$1" | cut -c33; }

# 1: raw image
disk_mkfs "$work/disk.raw"
run_one raw -drive "file=$work/disk.raw,format=raw,if=virtio" && disk_host_check raw "$work/disk.raw"
[ "$(version1 "$work/raw.log")" = 1 ] || { echo "raw: the guest did not use virtio 1.0"; failures=$((failures + 1)); }

# 2: qcow2 overlay on a raw backing file
disk_mkfs "$work/base.raw"
cp "$work/base.raw" "$work/base.orig"
"$IMG" create -f qcow2 -b base.raw -F raw "$work/over.qcow2" >/dev/null
# (this run makes the guest use the legacy interface of the transitional device)
if APPEND_EXTRA=virtio_pci.force_legacy=1 run_one qcow2 -drive "file=$work/over.qcow2,if=virtio"; then
    [ "$(version1 "$work/qcow2.log")" = 0 ] || { echo "qcow2: the guest did not use the legacy interface"; failures=$((failures + 1)); }
    disk_overlay_check qcow2 "$work/over.qcow2" "$work/base.raw" "$work/base.orig"
fi

disk_finish
