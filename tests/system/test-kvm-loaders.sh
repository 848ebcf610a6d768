#!/bin/bash
# Firmware-less loading on the PC board: the Multiboot test kernel of
# tests/guest/i386/kvm-mb-*.{S,c} (as an ELF file and as a flat image with the
# header's address fields) with two modules and a command line, under the
# translator and, where /dev/kvm is usable, under KVM; then bad input: a
# non-Multiboot ELF, a bzImage with a bad setup header, a truncated bzImage and
# a missing -initrd must each fail with a clear message.
# EMU_I386 overrides the emulator (default build/mimic-system-i386).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=kvm-loaders
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
if ! command -v "${I686_LINUX_GNU_GCC:-i686-linux-gnu-gcc}" >/dev/null; then
    sys_skip "i686-linux-gnu-gcc is not installed (make deps)"
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

out="$BUILD/tests/guest/i386-kvm"
tests/guest/i386/kvm-build.sh "$out" >"$sys_logdir/$name.build.log" 2>&1 ||
    sys_fail "building the guests failed: see $sys_logdir/$name.build.log"
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-kvmload.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$sys_logdir/$name.log"
: >"$log"
errors=()

accels=(tcg)
why=$(kvm_unusable_reason)
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ -z "$why" ]; then
    accels+=(kvm)
else
    echo "note: KVM not usable here (${why:-no access to /dev/kvm}), Multiboot runs under TCG only" >&2
fi

printf 'first module line\nsecond line\n' >"$work/mod1.txt"
printf 'second, with a comma\n' >"$work/mod,2.txt"
for k in kvm-multiboot.elf kvm-multiboot-aout.bin; do
    for accel in "${accels[@]}"; do
        o="$work/$k.$accel.out"
        echo "+ -accel $accel -kernel $k" >>"$log"
        timeout 60 "$EMU" -accel "$accel" -M pc -kernel "$out/$k" -append "hello=world x" \
            -initrd "$work/mod1.txt arg1 arg2,$work/mod,,2.txt" -nodefaults \
            -display none -serial "file:$o" \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >>"$log" 2>&1
        rc=$?
        tr -d '\r' <"$o" >"$o.txt" 2>/dev/null
        cat "$o.txt" >>"$log" 2>/dev/null
        [ "$rc" = 1 ] || errors+=("$k ($accel): exit status $rc, wanted 1")
        for want in "cmdline: $out/$k hello=world x" "modules: 2" \
            "module 0: 30 bytes, '$work/mod1.txt arg1 arg2': first module line" \
            "module 1: 21 bytes, '$work/mod,2.txt': second, with a comma" \
            "mem_lower: 639 KiB, mem_upper: 130048 KiB" \
            "mmap: 0000000000100000 +0000000007f00000 type 1" \
            "loader: mimic" "ALL PASSED"; do
            grep -qxF "$want" "$o.txt" || errors+=("$k ($accel): no line '$want'")
        done
    done
done

# expect_error DESCRIPTION PATTERN EMULATOR-ARGS...: must fail, saying PATTERN.
expect_error() {
    local what="$1" pattern="$2" rc
    shift 2
    echo "+ $what: $*" >>"$log"
    timeout 30 "$EMU" -M pc -nodefaults -display none "$@" </dev/null >"$work/err.txt" 2>&1
    rc=$?
    cat "$work/err.txt" >>"$log"
    if [ "$rc" = 0 ] || [ "$rc" = 124 ]; then
        errors+=("$what: exit status $rc, wanted a failure")
    elif ! grep -q -- "$pattern" "$work/err.txt"; then
        errors+=("$what: message lacks '$pattern': $(head -c 300 "$work/err.txt")")
    fi
}

expect_error "non-Multiboot ELF" "ELF file without a Multiboot header" \
    -kernel "$out/kvm-test-hello.elf"
# A bzImage-looking file: "HdrS" at 0x202 but boot_flag != 0xaa55.
python3 - "$work" <<'PY'
import struct, sys
w = sys.argv[1]
img = bytearray(5 * 512 + 4096)
img[0x1f1] = 4                                   # setup_sects
struct.pack_into('<H', img, 0x1fe, 0xaa55)
img[0x200:0x202] = bytes([0xeb, 0x66])           # jump over the header
struct.pack_into('<I', img, 0x202, 0x53726448)   # "HdrS"
struct.pack_into('<H', img, 0x206, 0x020f)       # protocol 2.15
img[0x211] = 0x01                                # LOADED_HIGH
struct.pack_into('<I', img, 0x214, 0x100000)
bad = bytearray(img)
struct.pack_into('<H', bad, 0x1fe, 0x1234)
open(w + '/bad-flag.bzImage', 'wb').write(bad)
old = bytearray(img)
struct.pack_into('<H', old, 0x206, 0x0105)
open(w + '/old.bzImage', 'wb').write(old)
open(w + '/truncated.bzImage', 'wb').write(img[:5 * 512])
open(w + '/good.bzImage', 'wb').write(img)
PY
expect_error "bzImage with a bad boot_flag" "bad setup header: boot_flag" \
    -kernel "$work/bad-flag.bzImage"
expect_error "bzImage with boot protocol 1.05" "boot protocol 1.05 is too old" \
    -kernel "$work/old.bzImage"
expect_error "truncated bzImage" "truncated" -kernel "$work/truncated.bzImage"
expect_error "missing -initrd" "-initrd: .*$work/no-such-initrd" \
    -kernel "$work/good.bzImage" -initrd "$work/no-such-initrd"
expect_error "missing Multiboot module" "Multiboot module 2" \
    -kernel "$out/kvm-multiboot.elf" -initrd "$work/mod1.txt,$work/absent.mod"
expect_error "not a kernel at all" "not a Linux kernel" -kernel "$work/mod1.txt"

if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; log in $log"
fi
echo "$name: Multiboot ELF and flat images booted under ${accels[*]}; 7 bad inputs refused clearly"
exit 0
