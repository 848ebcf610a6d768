#!/bin/bash
# Debian's Malta kernel reads a -cdrom image through the emulated ATAPI
# CD-ROM on the PIIX4 IDE secondary channel (ata_piix + sr_mod): the guest
# checks the size the drive reports and the md5sum of the first 4 MiB read
# from /dev/sr0 against the host's.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=disk-cdrom
sys_need_emu
sys_need_guest mips
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT

head -c $((2048 * 2500)) /dev/urandom >"$work/cd.iso"
sum=$(head -c 4194304 "$work/cd.iso" | md5sum | cut -d' ' -f1)
cat >"$work/test.sh" <<'GUEST'
#!/bin/sh
i=0
while [ ! -b /dev/sr0 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
echo "MIMIC-CD size $(cat /sys/block/sr0/size)"
echo "MIMIC-CD md5 $(dd if=/dev/sr0 bs=2048 count=2048 2>/dev/null | md5sum | cut -d' ' -f1)"
GUEST
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module ata_piix --module sr_mod -o "$work/initrd.gz") ||
    sys_fail "could not build the initramfs"
log="$work/console.log"
sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 -kernel "$GUEST_KERNEL" \
    -initrd "$initrd" -append "console=ttyS0" -nographic -cdrom "$work/cd.iso"
rc=$?
sys_publish_log "$log" "$name"
[ $rc = 0 ] || sys_fail "emulator: $(sys_describe_status $rc)"
grep -q "MIMIC-CD size $((2500 * 4))" "$log" || sys_fail "wrong size: $(grep MIMIC-CD "$log")"
grep -q "MIMIC-CD md5 $sum" "$log" || sys_fail "wrong data: $(grep MIMIC-CD "$log")"
echo "$name: the guest read the CD image correctly in ${SYS_BOOT_SECS}s"
exit 0
