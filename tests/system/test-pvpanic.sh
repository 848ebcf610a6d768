#!/bin/bash
# A guest kernel panic reported through pvpanic-pci (Debian's 686 kernel has the
# pvpanic-pci driver; the 4kc-malta one has none) or through the ISA pvpanic
# (-device pvpanic: port 0x505, found by the pvpanic-mmio driver as the DSDT's
# QEMU0001), and QEMU's -action panic=:
# the default shuts the machine down (status 0), exit-failure exits with status 1,
# pause keeps the dead guest for the monitor ("paused (guest-panicked)", QMP's
# GUEST_PANICKED event with action "pause"), none leaves it be. The guest panics with sysrq c. EMU_I386=qemu-system-i386 checks
# the test against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=pvpanic
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
cat >"$work/test.sh" <<'EOF_GUEST'
#!/bin/sh
echo "MIMIC-CHECK driver $(ls /sys/bus/pci/drivers/ | grep -c pvpanic)"
echo c > /proc/sysrq-trigger
EOF_GUEST
chmod +x "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module pvpanic-pci) || sys_fail "could not build the initramfs"
errors=()
args=(-m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0 quiet"
      -display none -device pvpanic-pci)

# Run until the emulator exits (or LIMIT seconds); print its status (124: killed).
run() {    # TAG LIMIT ARGS...
    local tag=$1 limit=$2
    shift 2
    timeout "$limit" "$EMU" "${args[@]}" -serial "file:$work/$tag.log" "$@" \
        </dev/null >"$work/$tag.err" 2>&1
    echo $?
}

panicked() {
    grep -aq "Kernel panic - not syncing" "$work/$1.log" 2>/dev/null
}

rc=$(run default 120)
[ "$rc" = 0 ] || errors+=("default: status $rc, wanted 0 (shutdown after the panic)")
panicked default || errors+=("default: the guest did not panic (see $name-default.log)")
[ "$(tr -d '\r' <"$work/default.log" | sed -n 's/^MIMIC-CHECK driver //p')" = 1 ] ||
    errors+=("the guest's pvpanic-pci driver did not bind")

rc=$(run exitfail 120 -action panic=exit-failure)
[ "$rc" = 1 ] || errors+=("-action panic=exit-failure: status $rc, wanted 1")

# The ISA form. Without a report the panicked guest would spin until the timeout
# (status 124); exit-failure's status 1 says the report came through port 0x505.
sed -i 's|ls /sys/bus/pci/drivers/ \| grep -c pvpanic|ls /sys/bus/platform/drivers/pvpanic-mmio/ \| grep -c QEMU0001|' \
    "$work/test.sh"
isa_initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module pvpanic-mmio) ||
    sys_fail "could not build the initramfs with pvpanic-mmio"
rc=$(timeout 120 "$EMU" -m 256 -kernel "$GUEST_KERNEL" -initrd "$isa_initrd" \
    -append "console=ttyS0 quiet" -display none -device pvpanic \
    -action panic=exit-failure -serial "file:$work/isa.log" </dev/null \
    >"$work/isa.err" 2>&1; echo $?)
[ "$rc" = 1 ] || errors+=("-device pvpanic: status $rc, wanted 1 (exit-failure)")
panicked isa || errors+=("-device pvpanic: the guest did not panic (see $name-isa.log)")
[ "$(tr -d '\r' <"$work/isa.log" | sed -n 's/^MIMIC-CHECK driver //p')" = 1 ] ||
    errors+=("the guest's pvpanic-mmio driver did not bind to QEMU0001")

# none: the emulator stays; it is killed after the panic plus 3 s.
"$EMU" "${args[@]}" -serial "file:$work/none.log" -action panic=none </dev/null \
    >"$work/none.err" 2>&1 &
pid=$!
for _ in $(seq 1 240); do panicked none && break; sleep 0.5; done
sleep 3
if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
else
    errors+=("-action panic=none: the emulator ended after the panic")
fi
wait "$pid" 2>/dev/null
panicked none || errors+=("-action panic=none: the guest did not panic")

# pause: QMP's GUEST_PANICKED event, and the monitor says why the VM stopped.
"$EMU" "${args[@]}" -serial "file:$work/pause.log" -action panic=pause \
    -monitor "unix:$work/mon,server,nowait" -qmp "unix:$work/qmp,server,nowait" \
    </dev/null >"$work/pause.err" 2>&1 &
pid=$!
sys_qmp_event "$work/qmp" GUEST_PANICKED 150 >"$work/event" &
evpid=$!
for _ in $(seq 1 240); do panicked pause && break; sleep 0.5; done
wait "$evpid"
[ "$(cat "$work/event")" = "{'action': 'pause'}" ] ||
    errors+=("-action panic=pause: QMP GUEST_PANICKED event: $(cat "$work/event")")
sleep 1
status=$(sys_vm_status "$work/mon")
sys_mon_quit "$work/mon" "$pid"
[ "$status" = "VM status: paused (guest-panicked)" ] ||
    errors+=("-action panic=pause: info status said '$status'")

for t in default exitfail isa none pause; do
    cp "$work/$t.log" "$sys_logdir/$name-$t.log" 2>/dev/null
done
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; console logs in $sys_logdir/$name-*.log"
fi
echo "$name: the guest's panic reached the host through pvpanic-pci and the ISA pvpanic; -action panic= obeyed ($EMU)"
exit 0
