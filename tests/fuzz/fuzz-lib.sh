# shellcheck shell=bash
# Shared by the run-fuzz-*.sh scripts (sourced): build a libFuzzer harness with clang
# (the parser's own files instrumented, the rest of the common library as make builds
# it) and run it for a while on a corpus kept under $BUILD/tests/fuzz/.
#   fuzz_run NAME SECONDS MAX_LEN SOURCES...
# Exits non-zero on a crash, leak, sanitizer report or timeout of one input; the
# input that did it is left in $BUILD/tests/fuzz/NAME-artifacts/. clang missing is a
# failure, not a skip: scripts/install-deps.sh installs it (make check runs that).
set -euo pipefail
fuzz_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$fuzz_top"
BUILD=${BUILD:-build}

fuzz_run() {
    local name=$1 secs=$2 max_len=$3
    shift 3
    local out="$BUILD/tests/fuzz" dep_cflags dep_libs
    local bin corpus artifacts
    if ! command -v clang >/dev/null; then
        echo "FAIL: fuzz-$name: clang is not installed (scripts/install-deps.sh installs" \
            "clang and libclang-rt-14-dev)" >&2
        exit 1
    fi
    make -s "$BUILD/libmimic-common.a"
    # The library's dependencies as configure found them (one list, in configure).
    dep_cflags=$(sed -n 's/^DEP_CFLAGS = //p' "$BUILD/config.mak")
    dep_libs=$(sed -n 's/^DEP_LIBS = //p' "$BUILD/config.mak")
    bin="$out/fuzz-$name"
    corpus="$out/corpus-$name"
    artifacts="$out/$name-artifacts/"
    mkdir -p "$corpus" "$artifacts"
    # shellcheck disable=SC2086  # the flag lists split into words
    clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined -Iinclude $dep_cflags \
        -o "$bin" "$@" "$BUILD/libmimic-common.a" $dep_libs
    FUZZ_SEED_OUT="$corpus/seed" "$bin" -runs=1 "$corpus" >/dev/null 2>&1
    # Inputs that once crashed a parser run first, every time (tests/fuzz/regress-NAME).
    if [ -d "tests/fuzz/regress-$name" ]; then
        "$bin" -timeout=10 tests/fuzz/regress-"$name"/* >"$out/fuzz-$name.log" 2>&1 || {
            grep -E 'ERROR|runtime error|SUMMARY|Running:' "$out/fuzz-$name.log" | tail -20 >&2
            echo "FAIL: fuzz-$name: an input of tests/fuzz/regress-$name crashes again" >&2
            exit 1
        }
    fi
    echo "fuzz-$name: ${secs}s of libFuzzer on $(find "$corpus" -type f | wc -l) corpus inputs"
    "$bin" -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" 2>"$out/fuzz-$name.log" || {
        tail -60 "$out/fuzz-$name.log" >&2
        echo "FAIL: fuzz-$name: see $out/fuzz-$name.log and $artifacts" >&2
        exit 1
    }
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE' \
        "$out/fuzz-$name.log" | sed "s/^/fuzz-$name: /"
}
