#!/bin/bash
# User networking on the PC board's default NIC, an Intel 82540EM (e1000), under the
# translator: Debian's 686 kernel loads its e1000 module, gets 10.0.2.15 from
# slirp's DHCP server with busybox udhcpc, fetches a random file from an HTTP server
# this script runs on the host loopback (the guest reaches it as 10.0.2.2) and
# prints its md5sum; it then serves a page with busybox httpd, which the host
# fetches through hostfwd=tcp:127.0.0.1:PORT-:80. Only loopback addresses are used
# on the host.
#
# Three ways of getting the NIC are run: the board's default (no network option at
# all: an e1000 on user networking), -nic user,model=e1000,hostfwd=... and -netdev
# user,id=n0,hostfwd=... -device e1000,netdev=n0, where the monitor's set_link
# pulls the cable and puts it back (the driver must report the link down, the
# carrier must follow, and a fetch must work afterwards); then -nic none must
# leave the board without a NIC. The kernel finds PCI through the board's own ACPI
# tables (no pci=noacpi). EMU_I386 (default build/mimic-system-i386;
# EMU_I386=qemu-system-i386 checks the test against QEMU).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net-lib.sh"

name=net-pc
model=e1000
modules=(--module e1000)
ids=0x8086:0x100e

EMU=${EMU_I386:-$BUILD/mimic-system-i386}
sys_need_emu EMU_I386=qemu-system-i386
sys_need_guest i386

net_host_setup

# ---- guest side ----
cat >"$work/test.sh" <<EOF
#!/bin/sh
echo "MIMIC-CHECK nic \$(cat /sys/class/net/eth0/device/vendor 2>/dev/null):\$(cat /sys/class/net/eth0/device/device 2>/dev/null)"
ifconfig lo 127.0.0.1 up
ifconfig eth0 up || { echo "MIMIC-NET no eth0"; exit 1; }
udhcpc -i eth0 -s /etc/udhcpc.sh -q -n -t 10 -T 2 || { echo "MIMIC-NET dhcp failed"; exit 1; }
echo "MIMIC-CHECK ip \$(ifconfig eth0 | sed -n 's/.*inet addr:\([0-9.]*\).*/\1/p')"
wget -q -O /tmp/blob.bin http://10.0.2.2:$http_port/blob.bin || echo "MIMIC-NET wget failed"
echo "MIMIC-CHECK md5 \$(md5sum /tmp/blob.bin | cut -d' ' -f1)"
mkdir -p /www
echo "hello from the mimic guest \$(uname -r)" > /www/index.html
httpd -p 80 -h /www
echo "MIMIC-NET httpd-ready"
# Wait until the host says it has fetched our page (it creates /done on its server).
i=0
while [ \$i -lt 240 ]; do
    wget -q -O /dev/null http://10.0.2.2:$http_port/done 2>/dev/null && break
    sleep 1
    i=\$((i + 1))
done
echo "MIMIC-NET done after \$i s"
# The link test (asked for on the kernel command line): the host pulls the cable
# with set_link and puts it back; the driver must see both and work afterwards.
carrier() { cat /sys/class/net/eth0/carrier 2>/dev/null; }
if grep -q mimic.linktest /proc/cmdline; then
    echo "MIMIC-NET link-phase"
    i=0
    while [ "\$(carrier)" != 0 ] && [ \$i -lt 120 ]; do sleep 1; i=\$((i + 1)); done
    echo "MIMIC-CHECK carrier-off \$(carrier)"
    i=0
    while [ "\$(carrier)" != 1 ] && [ \$i -lt 120 ]; do sleep 1; i=\$((i + 1)); done
    echo "MIMIC-CHECK carrier-on \$(carrier)"
    rm -f /tmp/blob.bin
    wget -q -O /tmp/blob.bin http://10.0.2.2:$http_port/blob.bin || echo "MIMIC-NET wget failed"
    echo "MIMIC-CHECK md5-after-link \$(md5sum /tmp/blob.bin | cut -d' ' -f1)"
fi
EOF
chmod +x "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch i386 --busybox "$GUEST_BUSYBOX" \
    --modules "$GUEST_MODULES" "${modules[@]}" --test "$work/test.sh" \
    --add "$work/udhcpc.sh:/etc/udhcpc.sh" -o "$work/initrd.gz") ||
    sys_fail "could not build the initramfs"

# run_net LABEL EMULATOR-NET-ARGS...: boot with those options while this script plays
# the host's part; appends what went wrong to errors[]. With LINK_NETDEV=ID the
# link test runs too, through the monitor, on back end ID.
errors=()
run_net() {
    local label="$1" page="" rc secs start deadline got link="" sock="$work/mon.sock"
    local append="console=ttyS0" mon=()
    shift
    rm -f "$work/www/done" "$sock"
    if [ -n "${LINK_NETDEV:-}" ]; then
        append="$append mimic.linktest"
        mon=(-monitor "unix:$sock,server,nowait")
    fi
    log="$work/console-$label.log"
    echo "+ $EMU ... $*" >"$log"
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$EMU" -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "$append" \
        -nographic "${mon[@]}" "$@" ${EMU_ARGS:-} </dev/null >>"$log" 2>&1 &
    emu_pid=$!
    deadline=$((start + SYSTEM_TEST_TIMEOUT))
    while kill -0 "$emu_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
        if [ -n "${LINK_NETDEV:-}" ]; then
            if [ -z "$link" ] && grep -q 'MIMIC-NET link-phase' "$log"; then
                python3 tests/system/hmp.py "$sock" "set_link $LINK_NETDEV off" \
                    "info network" >>"$work/mon-$label.out" 2>&1
                link=off
            elif [ "$link" = off ] && grep -q 'MIMIC-CHECK carrier-off' "$log"; then
                python3 tests/system/hmp.py "$sock" "set_link $LINK_NETDEV on" \
                    >>"$work/mon-$label.out" 2>&1
                link=on
            fi
        fi
        if [ -z "$page" ] && grep -q 'MIMIC-NET httpd-ready' "$log"; then
            if command -v curl >/dev/null; then
                page=$(curl -s --max-time 30 "http://127.0.0.1:$fwd_port/index.html")
            else
                page=$(wget -q -T 30 -O - "http://127.0.0.1:$fwd_port/index.html")
            fi
            [ -n "$page" ] || page="(nothing)"
            : >"$work/www/done"
        fi
        grep -q 'Kernel panic - not syncing' "$log" && break
        sleep 0.3
    done
    if kill -0 "$emu_pid" 2>/dev/null; then
        _sys_stop "$emu_pid"
        rc=124
    else
        wait "$emu_pid"
        rc=$?
    fi
    emu_pid=""
    secs=$(($(date +%s) - start))
    sys_publish_log "$log" "$name-$label"
    log="$sys_logdir/$name-$label.log"

    [ "$rc" = 0 ] || errors+=("$label: emulator $(sys_describe_status "$rc") after ${secs}s, wanted exit status 0 after poweroff")
    got=$(sys_guest_value "$log" nic)
    [ "$got" = "$ids" ] || errors+=("$label: guest NIC vendor:device is '$got', wanted $ids ($model)")
    got=$(sys_guest_value "$log" ip)
    [ "$got" = "10.0.2.15" ] || errors+=("$label: guest address by DHCP is '$got', wanted 10.0.2.15")
    got=$(sys_guest_value "$log" md5)
    [ "$got" = "$want_md5" ] || errors+=("$label: md5 of the file the guest fetched is '$got', wanted $want_md5")
    # The board's default NIC has no hostfwd: only the guest's side is checked.
    case "$label:$page" in
    default:*) ;;
    *":hello from the mimic guest $GUEST_KVER") ;;
    *) errors+=("$label: page fetched from the guest through hostfwd: '$page'") ;;
    esac
    if [ -n "${LINK_NETDEV:-}" ]; then
        got=$(sys_guest_value "$log" carrier-off)
        [ "$got" = 0 ] || errors+=("$label: carrier after set_link off is '$got', wanted 0")
        got=$(sys_guest_value "$log" carrier-on)
        [ "$got" = 1 ] || errors+=("$label: carrier after set_link on is '$got', wanted 1")
        grep -q 'eth0 NIC Link is Down' "$log" ||
            errors+=("$label: the e1000 driver did not report the link down")
        got=$(sys_guest_value "$log" md5-after-link)
        [ "$got" = "$want_md5" ] || errors+=("$label: md5 of the file fetched after the link came back is '$got'")
        # (QEMU's info network does not show link states.)
        case "$EMU" in
        *qemu*) ;;
        *) grep -q 'model=e1000.*link down' "$work/mon-$label.out" 2>/dev/null ||
            errors+=("$label: info network did not show the e1000's link down") ;;
        esac
    fi
    grep -q 'MIMIC-TEST-EXIT 0' "$log" || errors+=("$label: the guest script did not finish with status 0")
    echo "$label: ${secs}s"
}

# The board's own NIC with no network option, on a -nic back end, then -netdev +
# -device with the link test.
run_net default
run_net nic -nic "user,model=$model,hostfwd=tcp:127.0.0.1:$fwd_port-:80"
LINK_NETDEV=n0 run_net device -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$fwd_port-:80" \
    -device "$model,netdev=n0"

# With -nic none the board has no NIC at all (slot 3 empty), and the guest still
# boots and runs its script to the end.
none_log="$work/none.log"
sys_boot "$none_log" "$SYSTEM_TEST_TIMEOUT" -- -m 256 -kernel "$GUEST_KERNEL" \
    -initrd "$initrd" -append "console=ttyS0" -nographic -nic none
none_rc=$?
sys_publish_log "$none_log" "$name-none"
[ "$none_rc" = 0 ] || errors+=("-nic none: emulator $(sys_describe_status "$none_rc")")
grep -q 'pci 0000:00:03.0' "$none_log" && errors+=("-nic none: a device answers at slot 3")
grep -q 'MIMIC-NET no eth0' "$none_log" || errors+=("-nic none: the guest found an eth0")
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name ($model): ${#errors[@]} check(s) failed; console logs in $sys_logdir/$name-*.log"
fi
echo "$name: $model got 10.0.2.15 by DHCP, fetched 300000 bytes from the host (md5 ok)" \
    "and served a page through hostfwd, as the default NIC, with -nic and with" \
    "-netdev/-device; the link followed set_link; -nic none has no NIC ($EMU)"
exit 0
