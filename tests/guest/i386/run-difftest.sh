#!/bin/sh
# Differential test: run difftest natively (32-bit binaries run on the x86-64 host) and
# inside Linux on the emulator, and compare the outputs line by line.
#   run-difftest.sh EMULATOR DIFFTEST-BINARY [DIFFTEST-ARGS]
# Needs the i386 guest kernel (scripts/fetch-guests.sh i386). GUEST_TIMEOUT (seconds,
# default 300) bounds the run. KEEP=dir keeps the native and guest outputs there.
set -eu
emu=${1:?usage: run-difftest.sh EMULATOR DIFFTEST [ARGS]}
bin=${2:?usage: run-difftest.sh EMULATOR DIFFTEST [ARGS]}
args=${3:-}
top=$(cd "$(dirname "$0")/../../.." && pwd)
timeout_s=${GUEST_TIMEOUT:-300}
work=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    [ -n "${KEEP:-}" ] && cp "$work"/*.txt "$KEEP"/ 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

env_file=${MIMIC_GUEST_CACHE:-$HOME/.cache/mimic}/guests/i386/guest.env
[ -f "$env_file" ] || "$top/scripts/fetch-guests.sh" i386 >/dev/null
# shellcheck disable=SC1090
. "$env_file"

# shellcheck disable=SC2086
"$bin" $args >"$work/native.txt"
printf '#!/bin/sh\n/bin/difftest %s\n' "$args" \
    >"$work/test.sh"
initrd=$("$top/scripts/make-initramfs.sh" -a i386 --bin "$bin:/bin/difftest" \
         -t "$work/test.sh" -o "$work/initrd.gz")
"$emu" ${EMU_ARGS:-} -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0 quiet" \
    -nographic -no-reboot </dev/null >"$work/console.log" 2>&1 &
pid=$!
# The guest cannot power the PC off by itself on every board: stop at the end marker.
waited=0
while ! grep -q '^difftest end' "$work/console.log" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ "$waited" -ge "$timeout_s" ]; then
        break
    fi
    sleep 1
    waited=$((waited + 1))
done
kill "$pid" 2>/dev/null || true
pid=""
tr -d '\r' <"$work/console.log" | sed -n '/^difftest begin/,/^difftest end/p' \
    >"$work/guest.txt"
if [ ! -s "$work/guest.txt" ]; then
    echo "FAIL difftest: no output from the guest (${waited}s)"
    exit 1
fi
if diff -u "$work/native.txt" "$work/guest.txt" >"$work/diff.txt"; then
    echo "ok   difftest ($(grep -vc '^difftest' "$work/native.txt") lines identical, ${waited}s)"
    exit 0
fi
echo "FAIL difftest: guest output differs from native:"
grep '^[-+][^-+]' "$work/diff.txt" | head -40
exit 1
