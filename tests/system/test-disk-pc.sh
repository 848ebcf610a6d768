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
# The kernel finds the PCI devices through the board's ACPI DSDT (root bridge
# windows, _PRT through the PIIX3 link devices). EMU_I386 (default
# build/mimic-system-i386) is the emulator.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/disk-lib.sh"

name=disk-pc
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386
disk_setup
disk_guest_script "/dev/sda /dev/vda"
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --modules "$GUEST_MODULES" --test "$work/test.sh" --module ata_piix --module sd_mod \
    --module virtio_pci --module virtio_blk --module crc32c_generic --module ext4 \
    -o "$work/initrd.gz") || sys_fail "could not build the initramfs"

run_one() {   # LABEL GUEST-DEVICE DRIVE-ARGS...
    local label=$1 want=$2 log="$work/$1.log" rc
    shift 2
    sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -m 256 -kernel "$GUEST_KERNEL" \
        -initrd "$initrd" -append "console=ttyS0" -nographic "$@"
    rc=$?
    sys_publish_log "$log" "$name-$label"
    disk_check_boot "$label" $rc "$log" "$want"
}

# 1: raw image
disk_mkfs "$work/disk.raw"
run_one raw /dev/sda -drive "file=$work/disk.raw,format=raw,if=ide" && disk_host_check raw "$work/disk.raw"

# 2: qcow2 overlay on a raw backing file
disk_mkfs "$work/base.raw"
cp "$work/base.raw" "$work/base.orig"
"$IMG" create -f qcow2 -b base.raw -F raw "$work/over.qcow2" >/dev/null
run_one qcow2 /dev/sda -hda "$work/over.qcow2" &&
    disk_overlay_check qcow2 "$work/over.qcow2" "$work/base.raw" "$work/base.orig"

# 3: virtio-blk, raw image
disk_mkfs "$work/vdisk.raw"
run_one virtio /dev/vda -drive "file=$work/vdisk.raw,format=raw,if=virtio" &&
    disk_host_check virtio "$work/vdisk.raw"

disk_finish
