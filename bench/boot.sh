#!/bin/sh
# Boot benchmark: mimic vs qemu-system-mipsel, alternating, REPS (3) boots each;
# medians of time to the shell marker, to poweroff, and peak RSS. See bench.py.
#   bench/boot.sh [--arch mips|i386] [--reps N] [--timeout S]
exec python3 "$(dirname "$0")/bench.py" boot "$@"
