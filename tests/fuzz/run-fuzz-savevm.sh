#!/bin/bash
# Build tests/fuzz/fuzz-savevm-stream.c with clang's libFuzzer (the stream parser's
# files instrumented, the rest of the common library as built by make) and fuzz for
# SECONDS (default 30). Exit status 0 if no crash, leak or sanitizer report.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
secs=${1:-30}
BUILD=${BUILD:-build}
command -v clang >/dev/null || { echo "run-fuzz-savevm: clang not installed (skipped)"; exit 0; }
make -s "$BUILD/libmimic-common.a"
out="$BUILD/tests/fuzz"
mkdir -p "$out/corpus"
deps_cflags=$(pkg-config --cflags glib-2.0 capstone zlib slirp json-glib-1.0)
deps_libs="$(pkg-config --libs glib-2.0 capstone zlib slirp json-glib-1.0) -lm -lpthread -lrt"
# shellcheck disable=SC2086
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude $deps_cflags \
    -o "$out/fuzz-savevm-stream" tests/fuzz/fuzz-savevm-stream.c \
    softmmu/savevm.c softmmu/savevm-ram.c softmmu/vmstate.c \
    "$BUILD/libmimic-common.a" $deps_libs
FUZZ_SEED_OUT="$out/corpus/seed" "$out/fuzz-savevm-stream" -runs=1 "$out/corpus" >/dev/null 2>&1
"$out/fuzz-savevm-stream" -max_total_time="$secs" -max_len=262144 -print_final_stats=1 \
    "$out/corpus"
