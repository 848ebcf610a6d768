#!/bin/bash
# -boot on the PC with Debian's SeaBIOS: with a disk and a CD-ROM (neither
# bootable) the firmware must try them in the order asked for (CMOS 0x3d/0x38,
# FW_CFG_BOOT_DEVICE), `once=` only for the first start (after system_reset the
# order applies), and bad -boot values must be refused with a clear message.
# Skips where the seabios package is not installed. EMU_I386=qemu-system-i386
# checks the test against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=boot-order
EMU=${EMU_I386:-$BUILD/mimic-system-i386}
BIOS=${SEABIOS:-/usr/share/seabios/bios.bin}
[ -r "$BIOS" ] || sys_skip "SeaBIOS ($BIOS) is not installed (apt-get install seabios)"
sys_need_emu EMU_I386=qemu-system-i386
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
log="$sys_logdir/$name.log"
: >"$log"
errors=()
head -c $((1 << 20)) /dev/zero >"$work/disk.img"
head -c $((1 << 20)) /dev/zero >"$work/cd.iso"

# The devices SeaBIOS tries, in order, from its debug console. With a monitor
# socket, `system_reset` once the first round is over, and the order again.
boot_attempts() {    # TAG [RESET] -boot ARGS...
    local tag=$1 reset=$2 dbg="$work/debugcon.$1" mon="$work/mon.$1"
    shift 2
    "$EMU" -M pc -m 64 -bios "$BIOS" -display none -serial null -nic none \
        -drive "file=$work/disk.img,format=raw,if=ide,index=0" \
        -drive "file=$work/cd.iso,format=raw,if=ide,index=2,media=cdrom" \
        -chardev "file,id=dbg,path=$dbg" -device isa-debugcon,iobase=0x402,chardev=dbg \
        -monitor "unix:$mon,server,nowait" "$@" </dev/null >>"$log" 2>&1 &
    local pid=$! rounds=1
    [ -n "$reset" ] && rounds=2
    for _ in $(seq 1 240); do
        [ "$(grep -c 'No bootable device' "$dbg" 2>/dev/null || true)" -ge 1 ] 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if [ -n "$reset" ]; then
        python3 - "$mon" <<'EOF_PY' >>"$log" 2>&1
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
time.sleep(0.3)
s.sendall(b'system_reset\r\n')
time.sleep(0.5)
EOF_PY
        for _ in $(seq 1 240); do
            [ "$(grep -c 'No bootable device' "$dbg" 2>/dev/null || true)" -ge 2 ] 2>/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "--- $tag: $*" >>"$log"
    cat "$dbg" >>"$log" 2>/dev/null
    # One line per round: the disk and CD-ROM tried, in order, as SeaBIOS names
    # them (floppy attempts depend on the board's floppy drive: QEMU's PC has one).
    awk '/Booting from/ && !/Floppy/ { sub(/.*Booting from /, ""); sub(/\.\.\..*/, ""); r = r $0 ";" }
         /No bootable device/ { print r; r = "" }' "$dbg" 2>/dev/null | head -n "$rounds"
}

expect() {    # WHAT GOT WANT
    [ "$2" = "$3" ] || errors+=("$1: SeaBIOS tried '$2', wanted '$3'")
}

expect "default (cad)" "$(boot_attempts default '')" "Hard Disk;DVD/CD;"
expect "-boot d" "$(boot_attempts d '' -boot d)" "DVD/CD;Hard Disk;"
expect "-boot order=dc" "$(boot_attempts dc '' -boot order=dc)" "DVD/CD;Hard Disk;"
got=$(boot_attempts once reset -boot order=c,once=d | tr '\n' '|')
expect "-boot order=c,once=d, then system_reset" "$got" "DVD/CD;Hard Disk;|Hard Disk;DVD/CD;|"

for bad in "order=cx" "order=cc" "once=z" "menu=maybe" "splash-time=-5" "color=on"; do
    out=$("$EMU" -M pc -bios "$BIOS" -display none -boot "$bad" -S </dev/null 2>&1)
    rc=$?
    [ "$rc" != 0 ] && [ -n "$out" ] || errors+=("-boot $bad: accepted (status $rc)")
    echo "-boot $bad: $out" >>"$log"
done

if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; log in $log"
fi
echo "$name: SeaBIOS follows -boot order=, once= and the reset ($EMU)"
exit 0
