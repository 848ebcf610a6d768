#!/bin/bash
# What `make run` does after building: fetch the default guest (Debian's newest
# 4kc-malta kernel + busybox-static), build the default initramfs (a shell on the
# console) and boot it on the emulated Malta board.
#
#   scripts/run-default-guest.sh [extra emulator options...]
#   EMU=qemu-system-mipsel scripts/run-default-guest.sh   same guest under QEMU
#   MEM=512 scripts/run-default-guest.sh                  guest RAM in MiB (256)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
EMU=${EMU:-$BUILD/mimic-system-mipsel}
MEM=${MEM:-256}

if ! command -v "$EMU" >/dev/null 2>&1; then
    echo "run-default-guest: emulator '$EMU' not found; build it with 'make'" \
        "(or try EMU=qemu-system-mipsel)" >&2
    exit 1
fi

guest_env=$(scripts/fetch-guests.sh mips) || {
    echo "run-default-guest: could not fetch the guest kernel and busybox" >&2
    exit 1
}
eval "$guest_env"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX") || {
    echo "run-default-guest: could not build the initramfs" >&2
    exit 1
}

cmd=("$EMU" -M malta -m "$MEM" -kernel "$GUEST_KERNEL" -initrd "$initrd"
    -append "console=ttyS0" -nographic "$@")
echo "+ ${cmd[*]}"
echo "Booting Linux $GUEST_KVER to a busybox shell. Type 'poweroff' to stop the guest;" \
    "press Ctrl-A then x to quit the emulator at once."
exec "${cmd[@]}"
