#!/bin/sh
# What `make bench` runs: every benchmark, one table each, MIPS Malta first; the
# i386 PC too once build/mimic-system-i386 exists (or with BENCH_I386=1). Tables
# are also saved under build/bench/*-results.txt, every run's console under
# build/bench/*.log. REPS=N (or --reps N) sets the repetitions (default 3).
# Timing goals are reported, never asserted: this exits non-zero only if a
# benchmark could not run at all.
set -u
here=$(dirname "$0")
BUILD=${BUILD:-build}
status=0
"$here/boot.sh" --arch mips "$@" || status=1
echo
"$here/translation.sh" --arch mips "$@" || status=1
echo
"$here/workloads.sh" --arch mips "$@" || status=1
echo
"$here/disk.sh" "$@" || status=1
echo
"$here/net.sh" "$@" || status=1
"$here/net-pc.sh" "$@" || status=1
echo
"$here/img.sh" "$@" || status=1
echo
"$here/savevm.sh" "$@" || status=1
if [ -x "$BUILD/mimic-system-i386" ] || [ "${BENCH_I386:-0}" = 1 ]; then
    echo
    "$here/boot.sh" --arch i386 "$@" || status=1
    echo
    "$here/translation.sh" --arch i386 "$@" || status=1
    echo
    "$here/workloads.sh" --arch i386 "$@" || status=1
else
    echo
    echo "(i386: $BUILD/mimic-system-i386 not built yet; BENCH_I386=1 runs QEMU's i386 figures)"
fi
exit $status
