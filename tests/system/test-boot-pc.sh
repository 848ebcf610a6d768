#!/bin/bash
# The same guest checks as test-boot-malta.sh, on the i386 PC board: Debian's
# newest 686 kernel + busybox-static:i386. The emulator is EMU_I386 (default
# build/mimic-system-i386; EMU_I386=qemu-system-i386 checks the test against QEMU).
# Skipped only while the i386 target is not part of the build at all (no sources
# under target-i386/ or hw/i386/, so the Makefile builds no binary); once it is, a
# missing binary is a failure like any other.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=boot-pc

# The Makefile builds mimic-system-i386 once target-i386/ or hw/i386/ has sources.
if [ -z "${EMU_I386:-}" ] && ! ls target-i386/*.c hw/i386/*.c >/dev/null 2>&1; then
    sys_skip "the i386 target is not built yet (no target-i386/*.c, hw/i386/*.c);" \
        "EMU_I386=qemu-system-i386 runs this test under QEMU"
fi
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/console.log"
sys_write_guest_test "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" "${SYS_GUEST_INITRAMFS_ARGS[@]}") || sys_fail "could not build the initramfs"

# -uuid reaches the guest through the SMBIOS tables (mimic's own for a
# firmware-less boot; SeaBIOS's under QEMU).
uuid=5f3c2a10-77e4-4b1d-9a0c-1234567890ab
sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -m 256 -kernel "$GUEST_KERNEL" \
    -initrd "$initrd" -append "console=ttyS0" -nographic -uuid "$uuid"
rc=$?
sys_publish_log "$log" "$name"
log="$sys_logdir/$name.log"

SYS_ERRORS=()
[ "$rc" = 0 ] || SYS_ERRORS+=("emulator: $(sys_describe_status "$rc") after ${SYS_BOOT_SECS}s, wanted exit status 0 after poweroff$(sys_hang_hint "$log")")
sys_check_guest_log "$log" "$GUEST_KVER" i686
got=$(sys_guest_value "$log" dmi-uuid)
[ "$got" = "$uuid" ] || SYS_ERRORS+=("/sys/class/dmi/id/product_uuid: got '$got', wanted '$uuid' (-uuid)")
grep -aq "DMI: .*Standard PC" "$log" || SYS_ERRORS+=("no 'DMI: ... Standard PC' line in the kernel log (SMBIOS tables)")
if [ ${#SYS_ERRORS[@]} -gt 0 ]; then
    printf '  %s\n' "${SYS_ERRORS[@]}" >&2
    sys_fail "$name: ${#SYS_ERRORS[@]} check(s) failed; full console log in $log"
fi
echo "$name: kernel $GUEST_KVER booted, all checks passed, powered off in ${SYS_BOOT_SECS}s ($EMU)"
exit 0
