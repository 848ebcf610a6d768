#!/bin/bash
# Boot Debian's newest 4kc-malta kernel on the Malta board with a busybox initramfs
# whose /test.sh exercises the guest (kernel identity, file I/O + md5, shell
# arithmetic, floating point in awk, 100 fork+execs), prints MIMIC-CHECK lines, and
# powers off. The emulator must exit with status 0 within the time limit and every
# check must match the value computed here on the host (lib.sh); Linux must find
# the keyboard controller.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=boot-malta

sys_need_emu
sys_need_guest mips

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/console.log"
sys_write_guest_test "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" "${SYS_GUEST_INITRAMFS_ARGS[@]}") || sys_fail "could not build the initramfs"

sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 -kernel "$GUEST_KERNEL" \
    -initrd "$initrd" -append "console=ttyS0" -nographic
rc=$?
sys_publish_log "$log" "$name"
log="$sys_logdir/$name.log"

SYS_ERRORS=()
[ "$rc" = 0 ] || SYS_ERRORS+=("emulator: $(sys_describe_status "$rc") after ${SYS_BOOT_SECS}s, wanted exit status 0 after poweroff$(sys_hang_hint "$log")")
sys_check_guest_log "$log" "$GUEST_KVER" mips
# The Super I/O's keyboard controller, as on QEMU's Malta.
tr -d '\r' <"$log" | grep -a 'serio: i8042 KBD port at 0x60,0x64 irq 1' >/dev/null ||
    SYS_ERRORS+=("no 'serio: i8042 KBD port at 0x60,0x64 irq 1' line (the 8042)")
if [ ${#SYS_ERRORS[@]} -gt 0 ]; then
    printf '  %s\n' "${SYS_ERRORS[@]}" >&2
    sys_fail "$name: ${#SYS_ERRORS[@]} check(s) failed; full console log in $log"
fi
echo "$name: kernel $GUEST_KVER booted, all checks passed, powered off in ${SYS_BOOT_SECS}s ($EMU)"
exit 0
