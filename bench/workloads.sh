#!/bin/sh
# Guest CPU workloads (bench/workloads/*.c) in mimic, in qemu-system-mipsel and
# natively on the host; guest- and harness-measured times. See bench.py.
#   bench/workloads.sh [--arch mips|i386] [--reps N] [--scale F] [--timeout S]
exec python3 "$(dirname "$0")/bench.py" workloads "$@"
