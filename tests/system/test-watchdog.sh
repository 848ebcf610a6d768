#!/bin/bash
# -device i6300esb with Debian's 686 kernel and its i6300esb driver, busybox's
# watchdog applet arming it for 2 s:
# - fed every second it never fires (the guest runs on and powers off);
# - starved, it resets the machine (the default action): the guest boots again
#   and the driver reports the reset as the card's (bootstatus 32,
#   WDIOF_CARDRESET: WDT_TIMEOUT survives the reset);
# - -watchdog-action poweroff ends the emulator instead, with status 0;
# - -action watchdog=pause stops the VM ("paused (watchdog)" in info status) and QMP
#   clients get the WATCHDOG event with the action.
# EMU_I386=qemu-system-i386 checks the test against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=watchdog
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cat >"$work/test.sh" <<'EOF_GUEST'
#!/bin/sh
bs=$(cat /sys/class/watchdog/watchdog0/bootstatus 2>/dev/null)
echo "MIMIC-CHECK identity $(cat /sys/class/watchdog/watchdog0/identity 2>/dev/null)"
echo "MIMIC-CHECK bootstatus $bs"
[ "$bs" = 0 ] || exit 0
case "$(cat /proc/cmdline)" in
*wd=feed*) watchdog -T 2 -t 1 /dev/watchdog ;;
*)         watchdog -T 2 -t 60 /dev/watchdog ;;
esac
echo "MIMIC-CHECK armed"
sleep 8
echo "MIMIC-CHECK still-running"
EOF_GUEST
chmod +x "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module i6300esb) || sys_fail "could not build the initramfs"
errors=()

run() {    # TAG APPEND-EXTRA ARGS...: the emulator's exit status (124: killed)
    local tag=$1 extra=$2
    shift 2
    timeout 90 "$EMU" -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" \
        -append "console=ttyS0 quiet $extra" -display none -device i6300esb \
        -serial "file:$work/$tag.log" "$@" </dev/null >"$work/$tag.err" 2>&1
    echo $?
}
has() {    # TAG MARKER: did the guest print "MIMIC-CHECK MARKER"?
    tr -d '\r' <"$work/$1.log" | grep -x "MIMIC-CHECK $2" >/dev/null
}
values() {    # TAG KEY: every value of MIMIC-CHECK KEY, space-separated
    tr -d '\r' <"$work/$1.log" | sed -n "s/^MIMIC-CHECK $2 //p" | tr '\n' ' ' | sed 's/ $//'
}

rc=$(run feed wd=feed)
[ "$rc" = 0 ] || errors+=("fed: status $rc, wanted 0")
[ "$(values feed identity)" = "i6300ESB timer" ] ||
    errors+=("the i6300esb driver did not register (identity '$(values feed identity)')")
has feed still-running || errors+=("fed: the watchdog fired anyway")
[ "$(values feed bootstatus)" = 0 ] || errors+=("fed: boots with bootstatus '$(values feed bootstatus)', wanted one boot with 0")

rc=$(run reset "")
[ "$rc" = 0 ] || errors+=("reset: status $rc, wanted 0")
[ "$(values reset bootstatus)" = "0 32" ] ||
    errors+=("reset: bootstatus per boot '$(values reset bootstatus)', wanted '0 32' (a reset, then WDIOF_CARDRESET)")
has reset still-running && errors+=("reset: the starved watchdog never fired")

rc=$(run poweroff "" -watchdog-action poweroff)
[ "$rc" = 0 ] || errors+=("-watchdog-action poweroff: status $rc, wanted 0")
[ "$(values poweroff bootstatus)" = 0 ] && has poweroff armed &&
    ! has poweroff still-running ||
    errors+=("-watchdog-action poweroff: bootstatus '$(values poweroff bootstatus)', wanted one boot powered off by the watchdog")

"$EMU" -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0 quiet" \
    -display none -device i6300esb -serial "file:$work/pause.log" -action watchdog=pause \
    -monitor "unix:$work/mon,server,nowait" -qmp "unix:$work/qmp,server,nowait" \
    </dev/null >"$work/pause.err" 2>&1 &
pid=$!
event=$(sys_qmp_event "$work/qmp" WATCHDOG 90)
[ "$event" = "{'action': 'pause'}" ] ||
    errors+=("-action watchdog=pause: QMP WATCHDOG event: $event")
sleep 1
status=$(sys_vm_status "$work/mon")
sys_mon_quit "$work/mon" "$pid"
[ "$status" = "VM status: paused (watchdog)" ] ||
    errors+=("-action watchdog=pause: info status said '$status'")

for t in feed reset poweroff pause; do
    cp "$work/$t.log" "$sys_logdir/$name-$t.log" 2>/dev/null
done
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; console logs in $sys_logdir/$name-*.log"
fi
echo "$name: the i6300esb watchdog kept quiet when fed, reset, powered off and paused the machine as asked ($EMU)"
exit 0
