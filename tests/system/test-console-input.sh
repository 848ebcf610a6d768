#!/bin/bash
# Typing at the guest: boot the default initramfs (no /test.sh, so /init starts the
# job-control shell on the serial console), wait for the prompt, type a command and
# `poweroff` on the emulator's standard input, and expect the command's output and a
# clean exit (status 0). This is the path `make run` users take: host stdin -> the
# -nographic console -> the UART's receive side and its interrupt -> the tty layer.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=console-input

sys_need_emu
sys_need_guest mips

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
driver=""
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
    [ -z "$driver" ] || kill "$driver" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
log="$work/console.log"
: >"$log"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX") ||
    sys_fail "could not build the initramfs"

# wait_for PATTERN SECONDS: poll the console log for a fixed string.
wait_for() {
    local i
    for ((i = 0; i < $2 * 5; i++)); do
        if grep -aF -- "$1" "$log" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

mkfifo "$work/stdin"
(
    # Opening the FIFO waits for the emulator to open its end (its stdin).
    exec 3>"$work/stdin"
    wait_for MIMIC-INIT-READY "$SYSTEM_TEST_TIMEOUT" || exit 1
    wait_for '/ # ' 60 || exit 1
    sleep 1
    # $((...)) is evaluated by the guest's shell: the echoed command line shows the
    # expression, only the output shows the product.
    # shellcheck disable=SC2016
    printf 'echo "typed-$((1234 * 5))-ok"\n' >&3
    wait_for 'typed-6170-ok' 60 || exit 1
    printf 'poweroff\n' >&3
    # Keep our end open until the test is over: EOF on the emulator's stdin is not
    # what this test is about.
    while [ -p "$work/stdin" ]; do
        sleep 0.5
    done
) &
driver=$!

SYS_BOOT_STDIN="$work/stdin" sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -M malta -m 256 \
    -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0" -nographic
rc=$?
sys_publish_log "$log" "$name"
log="$sys_logdir/$name.log"

errors=()
tr -d '\r' <"$log" | grep -a '^typed-6170-ok$' >/dev/null ||
    errors+=("the typed command's output 'typed-6170-ok' never appeared")
[ "$rc" = 0 ] ||
    errors+=("emulator: $(sys_describe_status "$rc") after ${SYS_BOOT_SECS}s, wanted exit status 0 after the typed poweroff")
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; full console log in $log"
fi
echo "$name: typed a command and poweroff at the shell prompt; exit 0 after ${SYS_BOOT_SECS}s ($EMU)"
exit 0
