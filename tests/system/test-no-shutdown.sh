#!/bin/bash
# -no-shutdown: the guest powers itself off (the initramfs's /init after /test.sh),
# and the emulator must stop the VM instead of exiting: the monitor still answers,
# `info status` says shutdown, `cont` is refused until `system_reset`, after which
# `cont` boots the guest a second time; `quit` then ends the emulator with status 0.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=no-shutdown

sys_need_emu
sys_need_guest mips

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
log="$work/console.log"
sock="$work/mon.sock"
printf '#!/bin/sh\necho "MIMIC-CHECK powering-off"\n' >"$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh") || sys_fail "could not build the initramfs"

mon() { python3 tests/system/hmp.py "$sock" "$@"; }
boots() { tr -d '\r' <"$log" | grep -a -c '^MIMIC-INIT-READY$'; }
# wait_for PATTERN N: until the console log has N lines matching PATTERN (60 s).
wait_for() {
    for _ in $(seq 600); do
        [ "$({ tr -d '\r' <"$log"; } 2>/dev/null | grep -a -c "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

"$EMU" -M malta -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0" \
    -display none -serial "file:$log" -monitor "unix:$sock,server,nowait" -no-shutdown \
    >"$work/stderr" 2>&1 &
pid=$!

errors=()
wait_for 'reboot: Power down' 1 || errors+=("the guest never powered off")
sleep 0.5
if ! kill -0 "$pid" 2>/dev/null; then
    errors+=("the emulator exited at the guest's poweroff: $(cat "$work/stderr")")
else
    out=$(mon "info status")
    grep -q "VM status: paused (shutdown)" <<<"$out" || errors+=("info status after poweroff: $out")
    out=$(mon "cont")
    grep -q "Resetting the Virtual Machine is required" <<<"$out" ||
        errors+=("cont before system_reset: '$out'")
    mon "system_reset" "cont" >/dev/null
    wait_for '^MIMIC-INIT-READY$' 2 || errors+=("the guest did not boot again after system_reset + cont")
    wait_for 'reboot: Power down' 2 || errors+=("the second boot did not power off")
    sleep 0.5
    mon "quit" >/dev/null 2>&1
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        errors+=("the emulator is still running after quit")
    else
        wait "$pid"
        rc=$?
        pid=
        [ "$rc" = 0 ] || errors+=("exit status $rc after quit, wanted 0")
    fi
fi
cp "$log" "$sys_logdir/$name.log" 2>/dev/null
[ "$(boots)" = 2 ] || errors+=("the guest booted $(boots) times, wanted 2")
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; console log in $sys_logdir/$name.log"
fi
echo "$name: poweroff stopped the VM, system_reset + cont booted it again, quit exited 0 ($EMU)"
exit 0
