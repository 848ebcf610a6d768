#!/bin/bash
# Run the system tests (every tests/system/test-*.sh, or those named on the command
# line), print one line per test and a closing "N passed, M failed, K skipped".
# Exits non-zero if any test failed. A test exits 0 (pass), 77 (skip) or else (fail);
# on failure the tail of its console log is shown. See lib.sh for EMU and friends.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-build}
logdir="$BUILD/tests/system"
mkdir -p "$logdir"

if [ $# -gt 0 ]; then
    tests=("$@")
else
    tests=(tests/system/test-*.sh)
fi

pass=0 fail=0 skip=0
for t in "${tests[@]}"; do
    name=$(basename "$t" .sh)
    name=${name#test-}
    out="$logdir/$name.out"
    rm -f "$logdir/$name.log"
    start=$(date +%s)
    bash "$t" >"$out" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    case $rc in
        0)
            pass=$((pass + 1))
            echo "PASS: $name (${secs}s)"
            ;;
        77)
            skip=$((skip + 1))
            echo "SKIP: $name: $(grep -m1 '^SKIP:' "$out" | sed 's/^SKIP: //')"
            ;;
        *)
            fail=$((fail + 1))
            echo "FAIL: $name (${secs}s, exit $rc)"
            sed 's/^/    /' "$out"
            if [ -s "$logdir/$name.log" ]; then
                echo "    --- last lines of $logdir/$name.log:"
                tail -n 25 "$logdir/$name.log" | sed 's/^/    | /'
            fi
            ;;
    esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
