#!/bin/bash
# mimic-img convert against qemu-img convert on the same images, alternating,
# REPS (3) runs each; medians and the mimic/qemu-img time ratio (below 1.0:
# mimic-img faster). The source is 256 MiB: half random data, half zeros, so
# zero detection and compression both matter.
#   bench/img.sh [--reps N]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
reps=3
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) reps=$2; shift 2 ;;
        --reps=*) reps=${1#--reps=}; shift ;;
        *) shift ;;
    esac
done
mimg=${MIMIC_IMG:-$BUILD/mimic-img}
qimg=${QEMU_IMG:-qemu-img}
if [ ! -x "$mimg" ]; then
    echo "img: $mimg not built"
    exit 0
fi
command -v "$qimg" >/dev/null || { echo "img: $qimg not installed"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-bench-img.XXXXXX")
trap 'rm -rf "$work"' EXIT
head -c $((128 << 20)) /dev/urandom > "$work/src.raw"
truncate -s $((256 << 20)) "$work/src.raw"
"$qimg" convert -f raw -O qcow2 "$work/src.raw" "$work/src.qcow2"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_cmd CMD...: seconds, from a fresh destination each time.
time_cmd() {
    rm -f "$work/dst"
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo "img: failed: $*" >&2; echo 0; return; }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}

printf 'img: mimic-img convert vs qemu-img convert, 256 MiB source, median of %d\n' "$reps"
printf '  %-26s %8s %8s %11s\n' case mimic qemu mimic/qemu
run_case() {   # label, then the arguments after "convert"
    local label=$1; shift
    local m=() q=()
    for _ in $(seq "$reps"); do
        m+=("$(time_cmd "$mimg" convert "$@" "$work/dst")")
        q+=("$(time_cmd "$qimg" convert "$@" "$work/dst")")
    done
    local mm qm
    mm=$(printf '%s\n' "${m[@]}" | median)
    qm=$(printf '%s\n' "${q[@]}" | median)
    printf '  %-26s %7.2fs %7.2fs %11.2f\n' "$label" "$mm" "$qm" \
        "$(echo "$mm / $qm" | bc -l)"
}
run_case "raw -> qcow2" -f raw -O qcow2 "$work/src.raw"
run_case "qcow2 -> raw" -f qcow2 -O raw "$work/src.qcow2"
run_case "raw -> qcow2 compressed" -c -f raw -O qcow2 "$work/src.raw"
