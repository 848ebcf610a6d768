#!/bin/sh
# Run each Criterion unit-test binary; print a total and fail if any test failed.
set -u
fail=0
for t in "$@"; do
    echo "== $t"
    if ! "$t" --jobs=2; then
        fail=1
        echo "FAILED: $t"
    fi
done
exit $fail
