#!/bin/bash
# -dfilter: with -d in_asm,exec, only TBs that start in the given guest address
# range are logged (QEMU's -dfilter). The Debian Malta kernel runs for a few
# seconds with the filter set to the first 256 bytes at its entry point: the log
# must show translations and executions there and nowhere else; the same run
# without the filter logs code elsewhere too (so the check can fail); a malformed
# range is refused with a message. EMU=qemu-system-mipsel checks the test itself
# against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=dfilter

sys_need_emu
sys_need_guest mips
command -v readelf >/dev/null || sys_skip "readelf (binutils) is needed to find the entry point"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT

entry=$(readelf -h "$GUEST_KERNEL" | awk '/Entry point address/ { print $4 }')
[ -n "$entry" ] || sys_fail "no entry point in $GUEST_KERNEL"
# A 32-bit MIPS kernel's addresses are sign-extended in QEMU's 64-bit view.
lo=$((entry & 0xffffffff))
hi=$((lo + 0xff))

# run LOG ITEMS [OPTIONS...]: three seconds of the kernel with -d ITEMS.
run() {
    local log=$1 items=$2
    shift 2
    # shellcheck disable=SC2086
    timeout -k 5 3 "$EMU" -M malta -m 256 -kernel "$GUEST_KERNEL" -append console=ttyS0 \
        -display none -serial null -monitor none -d "$items" -D "$log" "$@" \
        ${EMU_ARGS:-} </dev/null >/dev/null 2>"$log.err"
    [ -s "$log" ] || sys_fail "no log written to $log: $(head -c 300 "$log.err")"
}

# addrs LOG: "in ADDR" for each translated TB's first insn, "exec ADDR" for each
# executed TB, low 32 bits, decimal.
addrs() {
    python3 - "$1" <<'EOF_PY'
import re, sys
after_in = False
for line in open(sys.argv[1], errors='replace'):
    if line.startswith('IN:'):
        after_in = True
        continue
    m = re.match(r'0x([0-9a-fA-F]+):', line)
    if after_in and m:
        print('in', int(m.group(1), 16) & 0xffffffff)
        after_in = False
    m = re.search(r'Trace.*\[[0-9a-fA-F]+/([0-9a-fA-F]+)/', line)
    if m:
        print('exec', int(m.group(1), 16) & 0xffffffff)
EOF_PY
}

errors=()
run "$work/filtered.log" in_asm,exec -dfilter "$(printf '0x%x+0x100' "$lo")"
addrs "$work/filtered.log" >"$work/filtered.txt"
grep '^in ' "$work/filtered.txt" >/dev/null ||
    errors+=("-dfilter: no translation logged at the entry point $(printf '0x%x' "$lo")")
grep '^exec ' "$work/filtered.txt" >/dev/null ||
    errors+=("-dfilter: no execution logged at the entry point")
outside=$(awk -v lo="$lo" -v hi="$hi" '$2 < lo || $2 > hi' "$work/filtered.txt" | head -n 3)
[ -z "$outside" ] ||
    errors+=("-dfilter: logged outside $(printf '0x%x..0x%x' "$lo" "$hi"): $(echo "$outside" | tr '\n' ' ')")

run "$work/all.log" in_asm
addrs "$work/all.log" >"$work/all.txt"
n=$(awk -v lo="$lo" -v hi="$hi" '$1 == "in" && ($2 < lo || $2 > hi)' "$work/all.txt" | wc -l)
[ "$n" -gt 0 ] || errors+=("without -dfilter nothing outside the range was logged")

"$EMU" -M malta -dfilter 0x1000 -display none </dev/null >/dev/null 2>"$work/bad.err"
rc=$?
[ "$rc" != 0 ] || errors+=("a malformed -dfilter was accepted")
grep -i 'dfilter' "$work/bad.err" >/dev/null ||
    errors+=("no message about the malformed -dfilter: $(head -c 200 "$work/bad.err")")

if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed"
fi
echo "$name: $(grep -c '^in ' "$work/filtered.txt") translations and" \
    "$(grep -c '^exec ' "$work/filtered.txt") executions logged in the range, $n outside without it"
