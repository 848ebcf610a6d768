#!/bin/bash
# Fuzz the machine stream parser (softmmu/savevm.c, savevm-ram.c, vmstate.c) with
# libFuzzer for SECONDS (default 30): tests/fuzz/fuzz-savevm-stream.c.
. "$(dirname "$0")/fuzz-lib.sh"
fuzz_run savevm "${1:-30}" 262144 tests/fuzz/fuzz-savevm-stream.c \
    softmmu/savevm.c softmmu/savevm-ram.c softmmu/vmstate.c
