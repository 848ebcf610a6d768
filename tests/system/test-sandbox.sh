#!/bin/bash
# -sandbox: Debian's Malta guest boots, runs the usual guest checks (file I/O,
# fork+exec inside the guest, user networking's threads on the host side) and
# powers off under the filter libvirt asks for (obsolete, elevateprivileges,
# spawn and resourcecontrol all denied); the kernel shows the process under a
# seccomp filter; `migrate exec:` is refused with a message under spawn=deny
# instead of the process being killed (mimic only: QEMU is killed). A bad
# -sandbox value is refused at start-up.
# EMU=qemu-system-mipsel checks the boot part against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=sandbox

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
log="$work/console.log"
sys_write_guest_test "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" "${SYS_GUEST_INITRAMFS_ARGS[@]}") || sys_fail "could not build the initramfs"
strict=on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny

sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 -kernel "$GUEST_KERNEL" \
    -initrd "$initrd" -append "console=ttyS0" -nographic -sandbox "$strict"
rc=$?
sys_publish_log "$log" "$name"
log="$sys_logdir/$name.log"

SYS_ERRORS=()
[ "$rc" = 0 ] || SYS_ERRORS+=("-sandbox $strict: $(sys_describe_status "$rc") after ${SYS_BOOT_SECS}s, wanted exit status 0 after poweroff$(sys_hang_hint "$log")")
sys_check_guest_log "$log" "$GUEST_KVER" mips

# The filter is in force: /proc says so (mode 2: filter).
"$EMU" -M malta -m 64 -kernel "$GUEST_KERNEL" -S -display none -serial null \
    -monitor "unix:$work/mon,server,nowait" -sandbox "$strict" </dev/null \
    >"$work/emu.err" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -S "$work/mon" ] && break; sleep 0.1; done
mode=$(awk '/^Seccomp:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
[ "$mode" = 2 ] || SYS_ERRORS+=("/proc/$pid/status Seccomp: '$mode', wanted 2 (filter)")
case "${EMU##*/}" in mimic-*) is_mimic=1 ;; *) is_mimic=0 ;; esac
if [ "$is_mimic" = 0 ]; then
    : # QEMU: a spawn under spawn=deny kills it; nothing more to compare
else
    out=$(timeout 30 python3 tests/system/hmp.py "$work/mon" \
          "migrate \"exec:cat > $work/state\"" "info status" 2>&1 | tr -d '\r')
    case "$out" in
    *"spawn=deny"*"VM status"*) ;;
    *) SYS_ERRORS+=("migrate exec: under spawn=deny: '$out', wanted a refusal naming spawn=deny") ;;
    esac
    kill -0 "$pid" 2>/dev/null || SYS_ERRORS+=("mimic died on migrate exec: under spawn=deny")
fi
timeout 10 python3 tests/system/hmp.py "$work/mon" quit >/dev/null 2>&1
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

if "$EMU" -M malta -kernel "$GUEST_KERNEL" -display none -sandbox on,spawn=sometimes \
        </dev/null >"$work/bad.err" 2>&1; then
    SYS_ERRORS+=("-sandbox on,spawn=sometimes was accepted")
fi

if [ ${#SYS_ERRORS[@]} -gt 0 ]; then
    printf '  %s\n' "${SYS_ERRORS[@]}" >&2
    sys_fail "$name: ${#SYS_ERRORS[@]} check(s) failed; full console log in $log"
fi
echo "$name: the guest ran and powered off under -sandbox $strict ($EMU)"
exit 0
