#!/bin/bash
# A snapshot taken under KVM loads under the translator, and the other way round:
# the bare-metal PC guest kvm-test-count (PIT ticks while halted, a running checksum
# in RAM) is stopped mid-run through the human monitor, saved (savevm to a
# -snapshot-store file) and the process ends; a new process with the other
# accelerator starts from it with -loadvm. The lines printed before the save plus
# the lines printed after the load must equal an uninterrupted run's, to the byte.
# Skips where /dev/kvm is missing or unusable, or the i686 cross compiler is.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=kvm-snapshot
EMU=${EMU_I386:-$BUILD/mimic-system-i386}

if [ ! -e /dev/kvm ]; then
    sys_skip "/dev/kvm does not exist on this host (no KVM)"
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    sys_skip "/dev/kvm is not accessible to $(id -un) (add the user to group kvm)"
fi
if ! command -v "${I686_LINUX_GNU_GCC:-i686-linux-gnu-gcc}" >/dev/null; then
    sys_skip "i686-linux-gnu-gcc is not installed (make deps)"
fi
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"
sys_need_emu
out=$("$EMU" -accel kvm -M pc -nodefaults -display none </dev/null 2>&1)
case $out in
    *"KVM is not"*) sys_skip "$(echo "$out" | grep -m1 'KVM is not' | sed 's/^mimic: //')" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

tests/guest/i386/kvm-build.sh "$work/bin" >"$work/build.log" 2>&1 ||
    sys_fail "building the guests failed: $(tail -3 "$work/build.log")"
bin="$work/bin/kvm-test-count.bin"


run_opts=(-M pc -bios "$bin" -nodefaults -display none
          -device isa-debug-exit,iobase=0xf4,iosize=0x04)

# The reference: one uninterrupted run under the translator.
timeout 60 "$EMU" -accel tcg "${run_opts[@]}" -serial "file:$work/ref.out" </dev/null \
    >"$work/ref.err" 2>&1
grep -q "ALL PASSED" "$work/ref.out" || sys_fail "$name: the reference run failed: $(tail -3 "$work/ref.out")"

errors=()
# save_then_load FROM TO: run under FROM until "count 10", savevm, quit; then load
# under TO and let it finish.
save_then_load() {
    local from=$1 to=$2 store="$work/$1-$2.snap" sock="$work/$1-$2.sock"
    local part1="$work/$1-$2.part1" part2="$work/$1-$2.part2"
    "$EMU" -accel "$from" "${run_opts[@]}" -serial "file:$part1" \
        -monitor "unix:$sock,server,nowait" -snapshot-store "$store" \
        </dev/null >"$part1.err" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 600); do
        grep -q "^count 10 " "$part1" 2>/dev/null && break
        sleep 0.05
    done
    grep -q "^count 10 " "$part1" || { errors+=("$from: never reached count 10"); return; }
    python3 tests/system/hmp.py "$sock" stop "savevm s1" >"$work/$from-$to.mon" 2>&1
    python3 tests/system/hmp.py "$sock" quit >/dev/null 2>&1
    wait "$pid" 2>/dev/null
    if grep -qi "error" "$work/$from-$to.mon"; then
        errors+=("savevm under $from: $(cat "$work/$from-$to.mon")")
        return
    fi
    timeout 60 "$EMU" -accel "$to" "${run_opts[@]}" -serial "file:$part2" \
        -snapshot-store "$store" -loadvm s1 </dev/null >"$part2.err" 2>&1
    if ! grep -q "ALL PASSED" "$part2"; then
        errors+=("$from -> $to: the restored run did not finish: $(tail -n 2 "$part2.err" | tr '\n' ' ')")
        return
    fi
    if ! cat "$part1" "$part2" | cmp -s - "$work/ref.out"; then
        errors+=("$from -> $to: output differs from an uninterrupted run (saved after: $(grep -c '^count' "$part1") lines)")
    fi
}
save_then_load kvm tcg
save_then_load tcg kvm

if [ ${#errors[@]} -gt 0 ]; then
    printf '%s\n' "${errors[@]}"
    sys_fail "$name: ${#errors[@]} problem(s)"
fi
echo "$name: savevm under KVM -> loadvm under TCG and TCG -> KVM, output identical to an uninterrupted run"
exit 0
