#!/bin/bash
# Translation speed: boots the default guest once with -d jitstats and reports the
# translator's own counters: guest instructions translated per second of translation
# time, host code bytes per guest instruction, IR ops before/after the optimizer,
# and how often execution left generated code. QEMU has no equivalent counters, so
# this table is mimic's alone.
#   bench/translation.sh [--arch mips|i386]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
arch=mips
while [ $# -gt 0 ]; do
    case "$1" in
        --arch) arch=$2; shift 2 ;;
        --arch=*) arch=${1#--arch=}; shift ;;
        *) shift ;;            # --reps etc. belong to the other benchmarks
    esac
done
case "$arch" in
    mips) emu=$BUILD/mimic-system-mipsel; board="-M malta" ;;
    i386) emu=$BUILD/mimic-system-i386; board="" ;;
    *) echo "translation: unknown arch $arch" >&2; exit 1 ;;
esac
if [ ! -x "$emu" ]; then
    echo "translation ($arch): $emu not built"
    exit 0
fi
eval "$("$top"/scripts/fetch-guests.sh -q "$arch")" || exit 1
script=$(mktemp); log=$(mktemp); out=$(mktemp)
trap 'rm -f "$script" "$log" "$out"' EXIT
printf '#!/bin/sh\ntrue\n' > "$script"
initrd=$("$top"/scripts/make-initramfs.sh --arch "$arch" --busybox "$GUEST_BUSYBOX" \
         --test "$script" | tail -n 1) || exit 1
# shellcheck disable=SC2086
timeout 300 "$emu" $board -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" \
    -append console=ttyS0 -nographic -d jitstats -D "$log" < /dev/null > "$out" 2>&1
rc=$?
echo "translation ($arch, $GUEST_KVER, boot to poweroff; exit status $rc):"
grep -E "Translation blocks|Guest insns|Host bytes|IR ops|Translation time|lookups|chained|goto_ptr|invalidations|flushes|TLB fills|Translated again|If-converted" \
    "$log" | sed 's/^/  /'
