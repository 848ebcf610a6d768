#!/bin/bash
# Fuzz the qcow2 parser (block/qcow2*.c through the block layer) with libFuzzer for
# SECONDS (default 30): tests/fuzz/fuzz-qcow2.c.
. "$(dirname "$0")/fuzz-lib.sh"
fuzz_run qcow2 "${1:-30}" 262144 tests/fuzz/fuzz-qcow2.c \
    block/block.c block/qcow2*.c
