#!/bin/bash
# Debian's Malta kernel reads and writes an ext4 disk over the PIIX4 IDE
# controller (ata_piix, loaded from the kernel's own modules by the test's
# init): the image is built on the host with mke2fs -d; the guest checks a
# file's md5sum, writes a new file, syncs and powers off; the host then finds
# the new file with debugfs and e2fsck -n is clean. Run twice: on the raw
# image, and through a qcow2 overlay (made by mimic-img) on a raw backing file,
# which must pass qemu-img check / mimic-img check afterwards.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/disk-lib.sh"

name=disk-ide
sys_need_emu
sys_need_guest mips
disk_setup
disk_guest_script /dev/sda
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module ata_piix --module crc32c_generic --module ext4 \
    -o "$work/initrd.gz") || sys_fail "could not build the initramfs"

run_one() {   # LABEL DRIVE-ARGS...
    local label=$1 log="$work/$1.log" rc
    shift
    sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 -kernel "$GUEST_KERNEL" \
        -initrd "$initrd" -append "console=ttyS0" -nographic "$@"
    rc=$?
    sys_publish_log "$log" "$name-$label"
    disk_check_boot "$label" $rc "$log" /dev/sda
}

# 1: raw image
disk_mkfs "$work/disk.raw"
run_one raw -drive "file=$work/disk.raw,format=raw,if=ide" && disk_host_check raw "$work/disk.raw"

# 2: qcow2 overlay on a raw backing file
disk_mkfs "$work/base.raw"
cp "$work/base.raw" "$work/base.orig"
"$IMG" create -f qcow2 -b base.raw -F raw "$work/over.qcow2" >/dev/null
run_one qcow2 -drive "file=$work/over.qcow2,if=ide" &&
    disk_overlay_check qcow2 "$work/over.qcow2" "$work/base.raw" "$work/base.orig"

disk_finish
