#!/bin/bash
# sendkey on the PC board: keys typed through the human monitor reach Debian's 686
# Linux guest through the i8042 (atkbd driver, translated scan codes) and its VT:
#  1. the guest reads a line from /dev/tty1; `sendkey shift-h`, `i`, `minus`, `4`,
#     `2`, `spc`, `shift-x`, `kp_enter` must give the line "Hi-42 X";
#  2. with /proc/sys/kernel/ctrl-alt-del = 1, `sendkey ctrl-alt-delete` makes the
#     kernel restart the machine: with -no-reboot the emulator then exits with 0;
#  3. an unknown key name is refused with an error and nothing is sent.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=monitor-sendkey

EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

cat > "$work/test.sh" <<'EOF'
#!/bin/sh
echo "MIMIC-CHECK reading"
read -r line < /dev/tty1
echo "MIMIC-CHECK got [$line]"
echo 1 > /proc/sys/kernel/ctrl-alt-del
echo "MIMIC-CHECK armed"
while true; do sleep 1; done
EOF
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" -o "$work/initrd.gz") || sys_fail "could not build the initramfs"

log="$work/console.log"
sock="$work/mon.sock"
"$EMU" -m 128 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0" \
    -display none -serial "file:$log" -monitor "unix:$sock,server,nowait" \
    -no-reboot >"$work/stderr" 2>&1 &
pid=$!
mon() { python3 tests/system/hmp.py "$sock" "$@"; }
wait_for() {
    for _ in $(seq 1200); do
        tr -d '\r' 2>/dev/null <"$log" | grep -a "$1" >/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.25
    done
    return 1
}

errors=()
wait_for '^MIMIC-CHECK reading' || sys_fail "$name: the guest did not start ($(tail -3 "$work/stderr"))"
# The VT is ready once the shell waits on it; give the read a moment to start.
sleep 1
out=$(mon "sendkey shift-nosuch")
grep -q "unknown key 'nosuch'" <<<"$out" || errors+=("unknown key: $out")
mon "sendkey shift-h" "sendkey i" "sendkey minus" "sendkey 4" "sendkey 2" "sendkey spc" \
    "sendkey shift-x" "sendkey kp_enter" >/dev/null
if wait_for '^MIMIC-CHECK got '; then
    got=$(tr -d '\r' <"$log" | grep -a '^MIMIC-CHECK got ' | head -1)
    [ "$got" = "MIMIC-CHECK got [Hi-42 X]" ] || errors+=("the guest read: $got")
else
    errors+=("the guest never got a line from /dev/tty1")
fi
wait_for '^MIMIC-CHECK armed' || errors+=("the guest did not arm ctrl-alt-del")
mon "sendkey ctrl-alt-delete" >/dev/null
status=
for _ in $(seq 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid"
        status=$?
        break
    fi
    sleep 0.25
done
if [ -z "$status" ]; then
    errors+=("ctrl-alt-delete did not restart the machine (emulator still running)")
elif [ "$status" != 0 ]; then
    errors+=("after ctrl-alt-delete the emulator exited with $status, wanted 0 (-no-reboot)")
fi
tr -d '\r' <"$log" | grep -a 'reboot: Restarting system' >/dev/null ||
    errors+=("the kernel did not report 'reboot: Restarting system'")

sys_publish_log "$log" "$name"
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed"
fi
echo "$name: sendkey typed 'Hi-42 X' into the guest's VT and ctrl-alt-delete restarted it ($EMU)"
exit 0
