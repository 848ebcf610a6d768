#!/bin/sh
# Run bare-metal i386 guest test ELFs (Multiboot images) on an emulator binary:
#   run-tests.sh EMULATOR test-a.elf test-b.elf ...
# A test passes when its console output has a "DONE" line and no "FAIL" line.
# A source line "guest-args: ..." in test-NAME.c adds emulator arguments.
# GUEST_ARGS adds arguments to every run. GUEST_TIMEOUT (seconds, default 60) bounds each run.
emu=${1:?usage: run-tests.sh EMULATOR ELF...}
shift
srcdir=$(cd "$(dirname "$0")" && pwd)
timeout_s=${GUEST_TIMEOUT:-60}
failed=0
passed=0
for elf in "$@"; do
    name=$(basename "$elf" .elf)
    args="${GUEST_ARGS:-} "$(sed -n 's/.*guest-args: \(.*\) \*\/.*/\1/p' "$srcdir/$name.c" 2>/dev/null | head -n 1)
    log="${elf%.elf}.log"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    timeout -k 5 "$timeout_s" "$emu" -m 64 $args -kernel "$elf" -nographic \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot </dev/null 2>&1 \
        | tr -d '\r' >"$log"
    status=$?
    end=$(date +%s.%N)
    secs=$(echo "$end - $start" | bc 2>/dev/null || echo "?")
    nok=$(grep -c '^ok ' "$log")
    if grep -q '^FAIL' "$log"; then
        echo "FAIL $name ($nok ok, ${secs}s):"
        grep '^FAIL' "$log" | sed 's/^/    /'
        failed=$((failed + 1))
    elif ! grep -q '^DONE' "$log"; then
        echo "FAIL $name: no DONE (exit $status, ${secs}s, $nok ok); last lines:"
        tail -n 5 "$log" | sed 's/^/    /'
        failed=$((failed + 1))
    else
        echo "ok   $name ($nok checks, ${secs}s)"
        passed=$((passed + 1))
    fi
done
echo "guest tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
