#!/bin/bash
# The bare-metal PC guests of tests/guest/i386/kvm-test-*.c (real mode ->
# unpaged 32-bit protected mode, port I/O to the UART and the chipset, MMIO and
# the PAM shadow RAM, PIT interrupts while halted, x87 and register state
# across the KVM <-> translator hand-over, resets by triple fault and through the
# keyboard controller, isa-debug-exit; with -smp 2 for *smp*: local APIC,
# INIT/start-up IPIs, APIC timer, I/O APIC) under KVM and
# under the translator (and KVM with its in-kernel 8259/IOAPIC/PIT): each must
# pass everywhere, with identical console output.
# Skips where /dev/kvm is missing or unusable, or the i686 cross compiler is.
# EMU_I386 overrides the emulator (default build/mimic-system-i386).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=kvm-guests
EMU=${EMU_I386:-$BUILD/mimic-system-i386}

if [ ! -e /dev/kvm ]; then
    sys_skip "/dev/kvm does not exist on this host (no KVM)"
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    sys_skip "/dev/kvm is not accessible to $(id -un) (add the user to group kvm)"
fi
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
why=$(kvm_unusable_reason)
[ -z "$why" ] || sys_skip "$why"

out="$BUILD/tests/guest/i386-kvm"
tests/guest/i386/kvm-build.sh "$out" >"$sys_logdir/$name.build.log" 2>&1 ||
    sys_fail "building the guests failed: see $sys_logdir/$name.build.log"

log="$sys_logdir/$name.log"
: >"$log"
fails=0
count=0
for bin in "$out"/kvm-test-*.bin; do
    t=$(basename "$bin" .bin)
    declare -A got=()
    smp=()
    case $t in *smp*) smp=(-smp 2) ;; esac
    for accel in kvm tcg kvm,kernel-irqchip=on; do
        tag=${accel%%,*}${accel#"${accel%%,*}"}
        tag=${tag//[,=]/-}
        o="$out/$t.$tag.out"
        echo "+ $EMU -accel $accel -M pc -bios $bin ..." >>"$log"
        rm -f "$o"
        timeout 60 "$EMU" -accel "$accel" "${smp[@]}" -M pc -bios "$bin" -nodefaults -display none \
            -serial "file:$o" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
            </dev/null >"$out/$t.$tag.err" 2>&1
        rc=$?
        cat "$out/$t.$tag.err" "$o" >>"$log" 2>/dev/null
        # The accelerator says why KVM cannot be used (not the guest's fault).
        if [ "${accel%%,*}" = kvm ] && grep -q 'KVM is not' "$out/$t.$tag.err"; then
            sys_skip "$(grep -m1 'KVM is not' "$out/$t.$tag.err" | sed 's/^mimic: //')"
        fi
        if [ "$rc" != 1 ]; then
            echo "  $t ($accel): exit status $rc, wanted 1 (isa-debug-exit 0)" >&2
            fails=$((fails + 1))
        elif ! grep -q '^ALL PASSED' "$o"; then
            echo "  $t ($accel): no ALL PASSED line" >&2
            fails=$((fails + 1))
        fi
        got[$accel]=$(tr -d '\r' <"$o" 2>/dev/null)
    done
    for other in tcg "kvm,kernel-irqchip=on"; do
        if [ "${got[kvm]}" != "${got[$other]}" ]; then
            echo "  $t: output differs between kvm and $other:" >&2
            diff <(echo "${got[kvm]}") <(echo "${got[$other]}") | sed 's/^/    /' >&2
            fails=$((fails + 1))
        fi
    done
    unset got
    count=$((count + 1))
done
[ "$count" -gt 0 ] || sys_fail "no guests were built in $out"
[ "$fails" = 0 ] || sys_fail "$name: $fails check(s) failed; log in $log"
echo "$name: $count guests passed under KVM, KVM with kernel-irqchip and TCG, with identical output"
exit 0
