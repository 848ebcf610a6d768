#!/bin/bash
# The PC's interrupt controllers as Linux sees them on QEMU's PC: a local APIC in
# every CPU and an I/O APIC, found through the MADT of a firmware-less -kernel
# boot. Debian's 686 kernel boots with -smp 2 under the translator, brings the
# second CPU up (INIT and start-up IPIs), routes the ISA and PCI interrupts through
# the I/O APIC, takes local APIC timer interrupts on both CPUs and runs work
# pinned to each. EMU_I386=qemu-system-i386 checks the test against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=smp-pc
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/console.log"
cat >"$work/test.sh" <<'EOF_GUEST'
#!/bin/sh
echo "MIMIC-CHECK nproc $(nproc)"
echo "MIMIC-CHECK cpuinfo $(grep -c '^processor' /proc/cpuinfo)"
echo "MIMIC-CHECK apic-flag $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -cx apic)"
echo "MIMIC-CHECK ioapic-lines $(grep -c 'IO-APIC' /proc/interrupts)"
echo "MIMIC-CHECK timer $(grep '^ *0:' /proc/interrupts | grep -o 'IO-APIC.*' | tr -s ' ')"
# Local timer interrupts, one count per CPU: both must be ticking.
echo "MIMIC-CHECK loc $(awk '/^ *LOC:/ { print ($2 > 0) + ($3 > 0) }' /proc/interrupts)"
# The same loop pinned to each CPU gives the same answer on both.
for c in 0 1; do
    r=$(taskset -c $c sh -c 'i=0; s=0; while [ $i -lt 3000 ]; do s=$(( (s * 7 + i) % 65521 )); i=$((i + 1)); done; echo $s')
    echo "MIMIC-CHECK work$c $r"
done
echo "MIMIC-CHECK done ok"
EOF_GUEST
chmod +x "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" "${SYS_GUEST_INITRAMFS_ARGS[@]}") || sys_fail "could not build the initramfs"

sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -smp 2 -m 256 -kernel "$GUEST_KERNEL" \
    -initrd "$initrd" -append "console=ttyS0" -nographic
rc=$?
sys_publish_log "$log" "$name"
log="$sys_logdir/$name.log"

expect_work=$(awk 'BEGIN { s = 0; for (i = 0; i < 3000; i++) s = (s * 7 + i) % 65521; print s }')
SYS_ERRORS=()
check() {
    local got
    got=$(sys_guest_value "$log" "$1")
    [ "$got" = "$2" ] || SYS_ERRORS+=("$1: expected '$2', got '${got:-<no line>}'${3:+ ($3)}")
}
[ "$rc" = 0 ] || SYS_ERRORS+=("emulator: $(sys_describe_status "$rc") after ${SYS_BOOT_SECS}s, wanted exit status 0 after poweroff$(sys_hang_hint "$log")")
check nproc 2 "the second CPU came up"
check cpuinfo 2
check apic-flag 1 "CPUID reports the local APIC"
check ioapic-lines 6 "timer, i8042 x2, ttyS0, rtc0, acpi"
check timer "IO-APIC 2-edge timer" "the PIT on pin 2 (MADT override)"
check loc 2 "local timer interrupts on both CPUs"
check work0 "$expect_work"
check work1 "$expect_work"
check "done" ok
tr -d '\r' <"$log" | grep -a '^MIMIC-TEST-EXIT 0' >/dev/null || SYS_ERRORS+=("/test.sh did not report exit status 0")
tr -d '\r' <"$log" | grep -a 'smp: Brought up 1 node, 2 CPUs' >/dev/null ||
    SYS_ERRORS+=("no 'smp: Brought up 1 node, 2 CPUs' line in the kernel log")
got=$(tr -d '\r' <"$log" | grep -a -m1 -E 'Keep in PIC mode|Local APIC disabled|failed to wakeup|unchecked MSR access|WARNING: |Call Trace:|BUG: |Oops')
[ -z "$got" ] || SYS_ERRORS+=("the kernel complained: $got")
if [ ${#SYS_ERRORS[@]} -gt 0 ]; then
    printf '  %s\n' "${SYS_ERRORS[@]}" >&2
    sys_fail "$name: ${#SYS_ERRORS[@]} check(s) failed; full console log in $log"
fi
echo "$name: two CPUs, local APIC timers and the I/O APIC in use, powered off in ${SYS_BOOT_SECS}s ($EMU)"
exit 0
