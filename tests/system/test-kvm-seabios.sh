#!/bin/bash
# -bios with Debian's SeaBIOS (package seabios) on the PC board, under the
# translator and, where /dev/kvm is usable, under KVM: the firmware must find
# fw_cfg (with DMA) and the e820 map, enumerate the i440FX/PIIX3 functions,
# shadow itself through the PAM registers, and get as far as looking for a boot
# disk ("No bootable device"), logging to isa-debugcon at 0x402 and to COM1.
# Skips where the seabios package is not installed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=kvm-seabios
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
BIOS=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
[ -r "$BIOS" ] || sys_skip "SeaBIOS ($BIOS) is not installed (apt-get install seabios)"
sys_need_emu
# Can this emulator use KVM here? Empty if so, else the reason it gives.
kvm_unusable_reason() {
    local out
    out=$("$EMU" -accel kvm -M pc -nodefaults -display none </dev/null 2>&1)
    case $out in
        *"KVM is not"*) echo "$out" | grep -m1 'KVM is not' | sed 's/^mimic: //' ;;
    esac
}
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-seabios.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$sys_logdir/$name.log"
: >"$log"
errors=()

accels=(tcg)
why=$(kvm_unusable_reason)
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ -z "$why" ]; then
    accels+=(kvm)
else
    echo "note: KVM not usable here (${why:-no access to /dev/kvm}), SeaBIOS runs under TCG only" >&2
fi
for accel in "${accels[@]}"; do
    dbg="$work/debugcon.$accel"
    "$EMU" -accel "$accel" -M pc -m 128 -bios "$BIOS" -nodefaults -display none \
        -serial "file:$work/serial.$accel" -chardev "file,id=dbg,path=$dbg" \
        -device isa-debugcon,iobase=0x402,chardev=dbg </dev/null >>"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        grep -q 'No bootable device' "$dbg" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "--- debugcon ($accel)" >>"$log"
    cat "$dbg" >>"$log" 2>/dev/null
    for want in "Found QEMU fw_cfg" "QEMU fw_cfg DMA interface supported" \
        "qemu/e820: addr 0x0000000000100000 len 0x0000000007f00000 \[RAM\]" \
        "Found 3 PCI devices" "PCI: init bdf=00:01.0 id=8086:7000" \
        "No bootable device"; do
        grep -q -- "$want" "$dbg" 2>/dev/null || errors+=("$accel: no '$want' on debugcon")
    done
    grep -q 'SeaBIOS' "$work/serial.$accel" 2>/dev/null ||
        errors+=("$accel: no SeaBIOS banner on COM1")
done
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; log in $log"
fi
echo "$name: SeaBIOS reached its boot menu under ${accels[*]}"
exit 0
