# shellcheck shell=bash
# Shared helpers for the system tests (sourced, not run).
#
# Environment a test run honours:
#   EMU       the MIPS emulator to test (default build/mimic-system-mipsel); may be a
#             command in PATH, e.g. EMU=qemu-system-mipsel to check the tests
#             themselves against QEMU
#   EMU_I386  the i386 emulator for boot-pc (default build/mimic-system-i386)
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

# sys_need_emu [HINT]: resolve $EMU to an executable path. A missing emulator is a
# failure, never a skip: a broken build must not turn the system tests green.
sys_need_emu() {
    local path
    path=$(command -v "$EMU" 2>/dev/null) || path=""
    if [ -z "$path" ] || [ ! -x "$path" ]; then
        sys_fail "emulator '$EMU' not found or not executable (build it with 'make'," \
            "or set ${1:-EMU=qemu-system-mipsel} to check the tests against QEMU)"
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

# Stop a process: SIGTERM, then SIGKILL if it is still there 3 seconds later (a hung
# emulator may not act on SIGTERM).
_sys_stop() {
    local i
    kill "$1" 2>/dev/null
    for ((i = 0; i < 15; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.2
    done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

# sys_boot LOG TIMEOUT -- EMULATOR-ARGS...
# Runs "$EMU ARGS... $EMU_ARGS" with stdin from /dev/null (or $SYS_BOOT_STDIN) and
# all output in LOG. Returns the emulator's exit status, or 124 if it was still running after TIMEOUT
# seconds (it is then killed), 125 if the guest kernel panicked, 126 if the guest
# powered down or halted but the emulator had not exited 10 seconds later (both
# detected in the log, so they fail at once rather than at the time limit).
# Sets SYS_BOOT_SECS.
sys_boot() {
    local log="$1" limit="$2" pid rc start now stopped_at=""
    shift 3
    # shellcheck disable=SC2086
    echo "+ $EMU $* ${EMU_ARGS:-}" >"$log"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$EMU" "$@" ${EMU_ARGS:-} <"${SYS_BOOT_STDIN:-/dev/null}" >>"$log" 2>&1 &
    pid=$!
    rc=""
    while :; do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            rc=$?
            break
        fi
        now=$(date +%s.%N)
        if grep -q 'Kernel panic - not syncing' "$log" 2>/dev/null; then
            sleep 1     # let the panic's backtrace reach the log
            _sys_stop "$pid"
            rc=125
            break
        fi
        # A guest that powered down or halted is finished: the emulator gets 10
        # seconds to exit rather than the whole time limit.
        if [ -z "$stopped_at" ] &&
            grep -qE 'reboot: (Power down|System halted)' "$log" 2>/dev/null; then
            stopped_at=$now
        fi
        if [ -n "$stopped_at" ] &&
            awk -v s="$stopped_at" -v n="$now" 'BEGIN { exit !(n - s > 10) }'; then
            _sys_stop "$pid"
            rc=126
            break
        fi
        if awk -v s="$start" -v n="$now" -v l="$limit" 'BEGIN { exit !(n - s > l) }'; then
            _sys_stop "$pid"
            rc=124
            break
        fi
        sleep 0.2
    done
    SYS_BOOT_SECS=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')
    return $rc
}

# Tests write their console logs into their own temporary directory (several people
# may run the tests in one tree at once) and publish them to $sys_logdir at the end.
# sys_publish_log PRIVATE NAME
sys_publish_log() {
    cp "$1" "$sys_logdir/$2.log.$$" 2>/dev/null && mv -f "$sys_logdir/$2.log.$$" "$sys_logdir/$2.log"
}

# sys_hang_hint LOG: when a boot timed out, say what the guest's last words suggest.
sys_hang_hint() {
    local text
    text=$(tr -d '\r' <"$1")
    if grep -a 'reboot: System halted' <<<"$text" >/dev/null; then
        echo " (the guest halted instead of powering off: the kernel found no power-off" \
            "device, e.g. ACPI S5 through the PIIX4 PM block on a PC)"
    elif grep -a 'reboot: Restarting system' <<<"$text" >/dev/null; then
        echo " (the guest asked for a reset)"
    elif grep -a 'reboot: Power down' <<<"$text" >/dev/null; then
        echo " (the guest powered down, but the emulator did not exit)"
    elif ! grep -a 'MIMIC-INIT-READY' <<<"$text" >/dev/null; then
        echo " (the guest never reached /init)"
    fi
}

# Describe an emulator exit status for a failure message.
sys_describe_status() {
    case "$1" in
        0) echo "exit status 0" ;;
        124) echo "timed out (killed after the time limit)" ;;
        125) echo "guest kernel panicked" ;;
        126) echo "still running 10 s after the guest powered down or halted (stopped)" ;;
        *)
            if [ "$1" -ge 128 ] 2>/dev/null; then
                echo "killed by signal $(($1 - 128)) ($(kill -l $(($1 - 128)) 2>/dev/null || echo '?'))"
            else
                echo "exit status $1"
            fi
            ;;
    esac
}

# ---------------------------------------------------------------- guest workload
# The guest side of the boot tests: sys_write_guest_test FILE writes a /test.sh
# (for an initramfs made with SYS_GUEST_INITRAMFS_ARGS) that
# prints "MIMIC-CHECK <key> <value>" lines; sys_check_guest_log LOG KVER MACHINE
# compares them with values computed on the host and fills SYS_ERRORS.
SYS_SEQ_N=20000
SYS_ARITH_N=5000
SYS_FORK_N=100
SYS_GUEST_INITRAMFS_ARGS=(--module isofs)

sys_write_guest_test() {
    cat >"$1" <<EOF_GUEST
#!/bin/sh
echo "MIMIC-CHECK uname \$(uname -a)"
echo "MIMIC-CHECK release \$(uname -r)"
echo "MIMIC-CHECK machine \$(uname -m)"
# /init loaded isofs (and the cdrom module it needs) from /etc/modules: loading
# relocates code into mapped kernel memory (vmalloc space).
echo "MIMIC-CHECK modules \$(lsmod | awk 'NR > 1 { print \$1 }' | sort | tr '\n' ' ')"

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
# The system UUID the firmware tables give (the PC's SMBIOS; none on Malta).
echo "MIMIC-CHECK dmi-uuid \$(cat /sys/class/dmi/id/product_uuid 2>/dev/null || echo none)"
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
    _sys_expect modules "cdrom isofs "
    _sys_expect md5 "$exp_md5"
    _sys_expect arith "$exp_arith"
    _sys_expect float "$exp_float"
    _sys_expect forkexec "$SYS_FORK_N"
    _sys_expect "done" ok
    tr -d '\r' <"$log" | grep '^MIMIC-TEST-EXIT 0' >/dev/null ||
        SYS_ERRORS+=("/test.sh did not report exit status 0")
    # A kernel warning with a backtrace (WARN, an unchecked MSR access, a BUG or an
    # oops) means the machine did something the kernel did not expect of it.
    got=$(tr -d '\r' <"$log" | grep -a -m1 -E 'unchecked MSR access|WARNING: |Call Trace:|BUG: |Oops')
    [ -z "$got" ] || SYS_ERRORS+=("the kernel complained: $got")
}

# For tests that stop the VM on a guest event (pvpanic, watchdog):
# sys_qmp_event SOCKET EVENT LIMIT prints the data of the first EVENT a QMP client
# on SOCKET sees within LIMIT seconds; sys_vm_status SOCKET prints the monitor's
# "VM status: ..." line; sys_mon_quit SOCKET PID quits through the monitor and
# makes sure the emulator is gone.
sys_qmp_event() {
    PYTHONPATH=tests/system timeout "$3" python3 -c '
import sys
from qmp import QMP
q = QMP(sys.argv[1], timeout=float(sys.argv[3]) - 10, negotiate=True)
print(q.wait_event(sys.argv[2]).get("data"))
' "$1" "$2" "$3" 2>&1
}

sys_vm_status() {
    timeout 30 python3 tests/system/hmp.py "$1" "info status" | tr -d '\r' |
        grep -m1 'VM status'
}

sys_mon_quit() {
    local _
    timeout 10 python3 tests/system/hmp.py "$1" quit >/dev/null 2>&1
    for _ in $(seq 1 20); do kill -0 "$2" 2>/dev/null || break; sleep 0.25; done
    kill "$2" 2>/dev/null
    wait "$2" 2>/dev/null
}
