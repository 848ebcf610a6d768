#!/bin/bash
# Bad input from the user must give a clear error message and a non-zero exit
# status, never a crash or a hang: a garbage kernel file, a kernel file that does
# not exist, an unknown command-line option, an unknown machine type.
# "Clear" is checked as: something on the output that names the offending file,
# option or machine, and an exit status from 1 to 127 (128+ means a signal, i.e.
# a crash) within 30 seconds.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=bad-input
sys_need_emu

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT
log="$work/all.log"
: >"$log"

# A "kernel" that is neither ELF nor any other loadable format: text and bytes
# that look like nothing in particular.
garbage="$work/garbage-kernel.bin"
{
    yes 'this is not a kernel image' | head -c 65536
    printf '\x7fELG\x01\x01\x01\x00\xde\xad\xbe\xef'
    seq 1 5000
} >"$garbage"
missing="$work/no-such-dir/vmlinux-missing"

failures=0
# case NAME MUST-MENTION... -- EMULATOR-ARGS...
run_case() {
    local label="$1" rc out words=() w ok
    shift
    while [ "$1" != "--" ]; do
        words+=("$1")
        shift
    done
    shift
    out="$work/$label.out"
    sys_boot "$out" 30 -- "$@"
    rc=$?
    {
        echo "=== case $label: rc=$rc"
        cat "$out"
    } >>"$log"
    if [ "$rc" = 0 ] || [ "$rc" -ge 124 ]; then
        echo "  $label: wanted a non-zero exit status below 128, got: $(sys_describe_status "$rc")" >&2
        failures=$((failures + 1))
        return
    fi
    ok=0
    for w in "${words[@]}"; do
        if tail -n +2 "$out" | grep -iF -- "$w" >/dev/null; then
            ok=1
        fi
    done
    if [ $ok = 0 ]; then
        echo "  $label: exit status $rc, but the message does not name any of: ${words[*]}" >&2
        sed 's/^/    | /' "$out" | head -n 8 >&2
        failures=$((failures + 1))
        return
    fi
    echo "  $label: ok (exit status $rc: $(tail -n +2 "$out" | grep -v '^$' | head -n1))"
}

run_case garbage-kernel "$garbage" -- -M malta -m 256 -kernel "$garbage" -nographic
run_case missing-kernel "$missing" -- -M malta -m 256 -kernel "$missing" -nographic
run_case bad-option "no-such-option" -- -M malta -m 256 -no-such-option -nographic
run_case bad-machine "nosuchboard" "machine" -- -M nosuchboard -m 256 -nographic

sys_publish_log "$log" "$name"
if [ $failures -gt 0 ]; then
    sys_fail "$name: $failures case(s) failed; outputs in $sys_logdir/$name.log"
fi
echo "$name: all cases gave a clear error and a clean non-zero exit ($EMU)"
exit 0
