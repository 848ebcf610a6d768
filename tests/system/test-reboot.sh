#!/bin/bash
# A guest reboot with -no-reboot: /test.sh runs `reboot -f`, Linux resets the Malta
# board through its FPGA software-reset register, and the emulator must then exit
# with status 0 instead of starting the machine again (the guest must have booted
# exactly once).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=reboot

sys_need_emu
sys_need_guest mips

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/console.log"
# The sleep lets the console drain: reboot -f does not wait for queued tty output.
printf '#!/bin/sh\necho "MIMIC-CHECK about-to-reboot"\nsleep 1\nreboot -f\n' >"$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh") || sys_fail "could not build the initramfs"

sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 -kernel "$GUEST_KERNEL" \
    -initrd "$initrd" -append "console=ttyS0" -nographic -no-reboot
rc=$?
sys_publish_log "$log" "$name"
log="$sys_logdir/$name.log"

errors=()
[ "$rc" = 0 ] ||
    errors+=("emulator: $(sys_describe_status "$rc") after ${SYS_BOOT_SECS}s, wanted exit status 0 at the guest's reset")
tr -d '\r' <"$log" | grep -a '^MIMIC-CHECK about-to-reboot$' >/dev/null ||
    errors+=("the guest never reached its reboot")
tr -d '\r' <"$log" | grep -a 'reboot: Restarting system' >/dev/null ||
    errors+=("the kernel did not report 'reboot: Restarting system'")
boots=$(tr -d '\r' <"$log" | grep -a -c '^MIMIC-INIT-READY$')
[ "$boots" = 1 ] || errors+=("the guest booted $boots times, wanted exactly once")
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; full console log in $log"
fi
echo "$name: guest reset with -no-reboot; exit 0 after ${SYS_BOOT_SECS}s ($EMU)"
exit 0
