#!/bin/sh
# Differential test with real-world code: Debian's busybox-static:i386 runs bbtest.sh
# (checksums, gzip/bzip2, sort, awk, dc, factor...) natively on the x86-64 host and
# inside Linux on the emulator; the outputs must be identical.
#   run-bbtest.sh EMULATOR
# Needs the i386 guest (scripts/fetch-guests.sh i386). GUEST_TIMEOUT (default 300 s).
set -eu
emu=${1:?usage: run-bbtest.sh EMULATOR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
timeout_s=${GUEST_TIMEOUT:-300}
work=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

env_file=${MIMIC_GUEST_CACHE:-$HOME/.cache/mimic}/guests/i386/guest.env
[ -f "$env_file" ] || "$top/scripts/fetch-guests.sh" i386 >/dev/null
# shellcheck disable=SC1090
. "$env_file"

BB="$GUEST_BUSYBOX" TMPDIR="$work" sh "$here/bbtest.sh" >"$work/native.txt" 2>&1
initrd=$("$top/scripts/make-initramfs.sh" -a i386 -t "$here/bbtest.sh" -o "$work/initrd.gz")
"$emu" -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0 quiet" \
    -nographic -no-reboot </dev/null >"$work/console.log" 2>&1 &
pid=$!
waited=0
while ! grep -q '^bbtest end' "$work/console.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -ge "$timeout_s" ]; then
        break
    fi
    sleep 1
    waited=$((waited + 1))
done
kill "$pid" 2>/dev/null || true
pid=""
tr -d '\r' <"$work/console.log" | sed -n '/^bbtest begin/,/^bbtest end/p' >"$work/guest.txt"
if [ ! -s "$work/guest.txt" ]; then
    echo "FAIL bbtest: no output from the guest (${waited}s)"
    exit 1
fi
if diff -u "$work/native.txt" "$work/guest.txt" >"$work/diff.txt"; then
    echo "ok   bbtest ($(grep -vc '^bbtest' "$work/native.txt") lines identical, ${waited}s)"
    exit 0
fi
echo "FAIL bbtest: guest output differs from native:"
grep '^[-+][^-+]' "$work/diff.txt" | head -40
exit 1
