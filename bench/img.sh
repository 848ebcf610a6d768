#!/bin/bash
# mimic-img convert against qemu-img convert on the same images, alternating,
# REPS (3) runs each; medians of wall time and of CPU time (user + sys, from
# /usr/bin/time: 10 ms resolution) and the mimic/qemu-img ratios (below 1.0:
# mimic-img faster). On a shared machine use --reps 9 or more. The source is
# 256 MiB: half random data, half zeros, so zero detection and compression
# both matter.
#   bench/img.sh [--reps N]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
# shellcheck source=bench/reps.sh
. "$top/bench/reps.sh"
reps=$(bench_reps "$@")
mimg=${MIMIC_IMG:-$BUILD/mimic-img}
qimg=${QEMU_IMG:-qemu-img}
if [ ! -x "$mimg" ]; then
    echo "img: $mimg not built"
    exit 0
fi
command -v "$qimg" >/dev/null || { echo "img: $qimg not installed"; exit 0; }
[ -x /usr/bin/time ] || { echo "img: /usr/bin/time not installed"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-bench-img.XXXXXX")
trap 'rm -rf "$work"' EXIT
head -c $((128 << 20)) /dev/urandom > "$work/src.raw"
truncate -s $((256 << 20)) "$work/src.raw"
"$qimg" convert -f raw -O qcow2 "$work/src.raw" "$work/src.qcow2"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_cmd CMD...: "wall cpu" seconds (cpu = user + sys), from a fresh destination.
time_cmd() {
    rm -f "$work/dst"
    sync
    local t0 t1
    t0=$(date +%s.%N)
    if ! /usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null 2>&1; then
        echo "img: failed: $*" >&2
        echo "0 0"
        return
    fi
    t1=$(date +%s.%N)
    awk -v w="$(echo "$t1 - $t0" | bc)" '{printf "%.3f %.3f\n", w, $1 + $2}' "$work/time"
}
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "-" }'; }

printf 'img: mimic-img convert vs qemu-img convert, 256 MiB source, median of %d\n' "$reps"
printf '  %-26s %8s %8s %7s   %8s %8s %7s\n' case "wall m" "wall q" ratio "cpu m" "cpu q" ratio
run_case() {   # label, then the arguments after "convert"
    local label=$1; shift
    local mw=() mc=() qw=() qc=() t i
    # Alternating which tool goes first, so neither always meets the caches the
    # other left.
    for i in $(seq "$reps"); do
        if [ $((i % 2)) = 0 ]; then
            t=$(time_cmd "$qimg" convert "$@" "$work/dst"); qw+=("${t% *}"); qc+=("${t#* }")
        fi
        t=$(time_cmd "$mimg" convert "$@" "$work/dst"); mw+=("${t% *}"); mc+=("${t#* }")
        if [ $((i % 2)) = 1 ]; then
            t=$(time_cmd "$qimg" convert "$@" "$work/dst"); qw+=("${t% *}"); qc+=("${t#* }")
        fi
    done
    local a b c d
    a=$(printf '%s\n' "${mw[@]}" | median); b=$(printf '%s\n' "${qw[@]}" | median)
    c=$(printf '%s\n' "${mc[@]}" | median); d=$(printf '%s\n' "${qc[@]}" | median)
    printf '  %-26s %7.3fs %7.3fs %7s   %7.2fs %7.2fs %7s\n' "$label" "$a" "$b" \
        "$(ratio "$a" "$b")" "$c" "$d" "$(ratio "$c" "$d")"
}
run_case "raw -> qcow2" -f raw -O qcow2 "$work/src.raw"
run_case "qcow2 -> raw" -f qcow2 -O raw "$work/src.qcow2"
run_case "raw -> qcow2 compressed" -c -f raw -O qcow2 "$work/src.raw"
