#!/bin/bash
# The KVM accelerator's refusals and fall-backs: a MIPS guest is refused with a
# clear message, -accel kvm:tcg falls back to translation saying why, unknown
# -accel kvm options are refused, a triple fault under -no-reboot ends the
# emulator, and on a host whose KVM cannot run 32-bit paging a Linux kernel is
# refused at start instead of hanging later.
# Skips where /dev/kvm is missing or unusable.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=kvm-errors
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
MIPS=${EMU_MIPS:-$BUILD/mimic-system-mipsel}
if [ ! -e /dev/kvm ]; then
    sys_skip "/dev/kvm does not exist on this host (no KVM)"
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    sys_skip "/dev/kvm is not accessible to $(id -un) (add the user to group kvm)"
fi
sys_need_emu
# Can this emulator use KVM here? Empty if so, else the reason it gives.
kvm_unusable_reason() {
    local out
    out=$("$EMU" -accel kvm -M pc -nodefaults -display none </dev/null 2>&1)
    case $out in
        *"KVM is not"*) echo "$out" | grep -m1 'KVM is not' | sed 's/^mimic: //' ;;
    esac
}
why=$(kvm_unusable_reason)
[ -z "$why" ] || sys_skip "$why"
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-kvmerr.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$sys_logdir/$name.log"
: >"$log"
errors=()

# run_expect DESCRIPTION WANT-STATUS(any-failure|N) PATTERN COMMAND...
run_expect() {
    local what="$1" want="$2" pattern="$3" rc
    shift 3
    echo "+ $what: $*" >>"$log"
    timeout 30 "$@" </dev/null >"$work/out.txt" 2>&1
    rc=$?
    cat "$work/out.txt" >>"$log"
    if [ "$want" = fail ]; then
        if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
            errors+=("$what: exit status $rc, wanted a failure")
        fi
    elif [ "$rc" != "$want" ]; then
        errors+=("$what: exit status $rc, wanted $want")
    fi
    grep -q -- "$pattern" "$work/out.txt" ||
        errors+=("$what: output lacks '$pattern': $(head -c 300 "$work/out.txt")")
}

if [ -x "$MIPS" ]; then
    run_expect "MIPS guest under KVM" fail "KVM cannot run a mips guest" \
        "$MIPS" -accel kvm -M malta -nodefaults -display none
    run_expect "MIPS kvm:tcg falls back" fail "falling back to tcg" \
        "$MIPS" -accel kvm:tcg -M malta -nodefaults -display none
else
    echo "note: $MIPS not built, MIPS refusal not checked" >&2
fi
run_expect "unknown -accel kvm option" fail "unknown option 'bogus=1'" \
    "$EMU" -accel kvm,bogus=1 -M pc -nodefaults -display none

# A triple fault under -no-reboot ends the emulator (status 0) instead of a reset.
bin="$BUILD/tests/guest/i386-kvm/kvm-test-reset.bin"
if [ -r "$bin" ] || tests/guest/i386/kvm-build.sh "$BUILD/tests/guest/i386-kvm" \
        >>"$log" 2>&1; then
    run_expect "triple fault under -no-reboot" 0 "triple fault" \
        "$EMU" -accel kvm -no-reboot -M pc -bios "$bin" -nodefaults -display none \
        -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=0x04
    grep -q "boot with mark 1" "$work/out.txt" &&
        errors+=("triple fault under -no-reboot: the machine was reset")
else
    errors+=("could not build the guests (see $log)")
fi

# A minimal bzImage (valid setup header, no real kernel behind it).
python3 - "$work" <<'PY'
import struct, sys
img = bytearray(5 * 512 + 4096)
img[0x1f1] = 4
struct.pack_into('<H', img, 0x1fe, 0xaa55)
img[0x200:0x202] = bytes([0xeb, 0x66])
struct.pack_into('<I', img, 0x202, 0x53726448)
struct.pack_into('<H', img, 0x206, 0x020f)
img[0x211] = 0x01
struct.pack_into('<I', img, 0x214, 0x100000)
open(sys.argv[1] + '/fake.bzImage', 'wb').write(img)
PY
# What the accelerator found out about this host decides the expectation.
"$EMU" -accel kvm -M pc -kernel "$work/fake.bzImage" -nodefaults -display none \
    -no-reboot </dev/null >"$work/probe.txt" 2>&1 &
pid=$!
sleep 2
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null
    echo "note: this host's KVM runs 32-bit paging: Linux is not refused" >&2
else
    wait "$pid"
    grep -q "cannot run 32-bit paging" "$work/probe.txt" ||
        errors+=("Linux under KVM without 32-bit paging: $(head -c 300 "$work/probe.txt")")
    cat "$work/probe.txt" >>"$log"
fi

if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; log in $log"
fi
echo "$name: refusals and fall-backs say why"
exit 0
