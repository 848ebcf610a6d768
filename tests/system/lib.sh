# shellcheck shell=bash
# Shared helpers for the system tests (sourced, not run).
#
# Environment a test run honours:
#   EMU       the MIPS emulator to test (default build/mimic-system-mipsel); may be a
#             command in PATH, e.g. EMU=qemu-system-mipsel to check the tests
#             themselves against QEMU
#   EMU_ARGS  extra options appended to every emulator command line
#   SYSTEM_TEST_TIMEOUT  seconds a boot may take before it counts as hung (300)
#   BUILD     build directory (build); logs go to $BUILD/tests/system/
#
# A test script exits 0 when it passed, 77 when it had to skip (it prints why),
# anything else when it failed.

SYS_SKIP=77

sys_topdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$sys_topdir" || exit 1
BUILD=${BUILD:-build}
EMU=${EMU:-$BUILD/mimic-system-mipsel}
SYSTEM_TEST_TIMEOUT=${SYSTEM_TEST_TIMEOUT:-300}
sys_logdir="$BUILD/tests/system"
mkdir -p "$sys_logdir"

sys_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

sys_skip() {
    echo "SKIP: $*" >&2
    exit $SYS_SKIP
}

# Resolve $EMU to an executable path. A missing emulator is a failure, never a
# skip: a broken build must not turn the system tests green.
sys_need_emu() {
    local path
    path=$(command -v "$EMU" 2>/dev/null) || path=""
    if [ -z "$path" ] || [ ! -x "$path" ]; then
        sys_fail "emulator '$EMU' not found or not executable (build it with 'make'," \
            "or set EMU=qemu-system-mipsel to check the tests against QEMU)"
    fi
    EMU="$path"
}

# Fetch the guest (kernel + busybox) for ARCH and import its GUEST_* variables.
sys_need_guest() {
    local envtext
    envtext=$(scripts/fetch-guests.sh -q "$1") ||
        sys_fail "could not fetch the $1 guest (see messages above)"
    eval "$envtext"
}

# sys_boot LOG TIMEOUT -- EMULATOR-ARGS...
# Runs "$EMU ARGS... $EMU_ARGS" with stdin from /dev/null and all output in LOG.
# Returns the emulator's exit status, or 124 if it was still running after TIMEOUT
# seconds (it is then killed), or 125 if the guest kernel panicked (detected in the
# log, so a panic fails at once rather than at the timeout). Sets SYS_BOOT_SECS.
sys_boot() {
    local log="$1" limit="$2" pid rc start now
    shift 3
    # shellcheck disable=SC2086
    echo "+ $EMU $* ${EMU_ARGS:-}" >"$log"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$EMU" "$@" ${EMU_ARGS:-} </dev/null >>"$log" 2>&1 &
    pid=$!
    rc=""
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            rc=$?
            break
        fi
        now=$(date +%s.%N)
        if grep -q 'Kernel panic - not syncing' "$log"; then
            sleep 1
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            rc=125
            break
        fi
        if awk -v s="$start" -v n="$now" -v l="$limit" 'BEGIN { exit !(n - s > l) }'; then
            kill "$pid" 2>/dev/null
            sleep 2
            kill -9 "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            rc=124
            break
        fi
        sleep 0.2
    done
    SYS_BOOT_SECS=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
    return $rc
}

# Describe an emulator exit status for a failure message.
sys_describe_status() {
    case "$1" in
        0) echo "exit status 0" ;;
        124) echo "timed out (killed after the time limit)" ;;
        125) echo "guest kernel panicked" ;;
        *)
            if [ "$1" -ge 128 ]; then
                echo "killed by signal $(($1 - 128)) ($(kill -l $(($1 - 128)) 2>/dev/null || echo '?'))"
            else
                echo "exit status $1"
            fi
            ;;
    esac
}

# ---------------------------------------------------------------- guest workload
# The guest side of the boot tests: sys_write_guest_test FILE writes a /test.sh that
# prints "MIMIC-CHECK <key> <value>" lines; sys_check_guest_log LOG KVER MACHINE
# compares them with values computed on the host and fills SYS_ERRORS.
SYS_SEQ_N=20000
SYS_ARITH_N=5000
SYS_FORK_N=100

sys_write_guest_test() {
    cat >"$1" <<EOF_GUEST
#!/bin/sh
echo "MIMIC-CHECK uname \$(uname -a)"
echo "MIMIC-CHECK release \$(uname -r)"
echo "MIMIC-CHECK machine \$(uname -m)"

seq 1 $SYS_SEQ_N > /tmp/seq.txt
echo "MIMIC-CHECK md5 \$(md5sum < /tmp/seq.txt | cut -d' ' -f1)"

i=0; s=0
while [ \$i -lt $SYS_ARITH_N ]; do
    s=\$(( (s * 31 + i * i) % 1000003 ))
    i=\$((i + 1))
done
echo "MIMIC-CHECK arith \$s"

echo "MIMIC-CHECK float \$(awk 'BEGIN { h = 0; for (k = 1; k <= 1000; k++) h += 1 / k; printf "%.9f", h }')"

# A script file forces a real fork + execve each time (busybox's shell would run an
# applet such as expr in-process).
printf '#!/bin/sh\necho \$((\$1 + 1))\n' > /tmp/inc.sh
chmod +x /tmp/inc.sh
n=0; i=0
while [ \$i -lt $SYS_FORK_N ]; do
    n=\$(/tmp/inc.sh \$n)
    i=\$((i + 1))
done
echo "MIMIC-CHECK forkexec \$n"
echo "MIMIC-CHECK done ok"
EOF_GUEST
    chmod +x "$1"
}

sys_guest_value() {
    tr -d '\r' <"$1" | sed -n "s/^MIMIC-CHECK $2 //p" | sed -n 1p
}

sys_check_guest_log() {
    local log="$1" kver="$2" machine="$3" exp_md5 exp_arith exp_float i got
    exp_md5=$(seq 1 $SYS_SEQ_N | md5sum | cut -d' ' -f1)
    exp_arith=0
    for ((i = 0; i < SYS_ARITH_N; i++)); do
        exp_arith=$(((exp_arith * 31 + i * i) % 1000003))
    done
    exp_float=$(awk 'BEGIN { h = 0; for (k = 1; k <= 1000; k++) h += 1 / k; printf "%.9f", h }')

    _sys_expect() {
        got=$(sys_guest_value "$log" "$1")
        [ "$got" = "$2" ] || SYS_ERRORS+=("$1: expected '$2', got '${got:-<no line>}'")
    }
    _sys_expect_has() {
        got=$(sys_guest_value "$log" "$1")
        case "$got" in
            *"$2"*) ;;
            *) SYS_ERRORS+=("$1: expected to contain '$2', got '${got:-<no line>}'") ;;
        esac
    }
    _sys_expect release "$kver"
    _sys_expect machine "$machine"
    _sys_expect_has uname "$kver"
    _sys_expect_has uname "$machine"
    _sys_expect md5 "$exp_md5"
    _sys_expect arith "$exp_arith"
    _sys_expect float "$exp_float"
    _sys_expect forkexec "$SYS_FORK_N"
    _sys_expect "done" ok
    tr -d '\r' <"$log" | grep '^MIMIC-TEST-EXIT 0' >/dev/null ||
        SYS_ERRORS+=("/test.sh did not report exit status 0")
}
