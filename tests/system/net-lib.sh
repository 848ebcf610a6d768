# shellcheck shell=bash
# Shared by the networking system tests (sourced after lib.sh): the whole test
# (net_main, below, for a NIC model on a board) and the host's side of a
# user-networking test. net_host_setup makes $work (removed on exit, with the
# emulator $emu_pid and the HTTP server stopped), a 300000-byte random file served
# by an HTTP server on 127.0.0.1:$http_port (the guest reaches it as 10.0.2.2;
# $want_md5 is its md5sum), a free loopback port $fwd_port for hostfwd, and the
# udhcpc event script $work/udhcpc.sh that configures the guest's interface from
# its lease. Only loopback addresses are used on the host.

# free_port, net_http_serve and net_write_udhcpc come from net-host.sh.
# shellcheck source=tests/system/net-host.sh
. "$(dirname "${BASH_SOURCE[0]}")/net-host.sh"

net_cleanup() {
    [ -n "$emu_pid" ] && _sys_stop "$emu_pid"
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
    rm -rf "$work"
}

net_host_setup() {
    command -v python3 >/dev/null || sys_skip "python3 is needed for the host HTTP server"
    command -v curl >/dev/null || command -v wget >/dev/null ||
        sys_skip "curl or wget is needed to fetch from the guest"
    work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
    srv_pid=""
    emu_pid=""
    trap net_cleanup EXIT

    mkdir -p "$work/www"
    head -c 300000 /dev/urandom >"$work/www/blob.bin"
    want_md5=$(md5sum <"$work/www/blob.bin" | cut -d' ' -f1)
    fwd_port=$(free_port)
    net_http_serve "$work/www" "$work/http.log"
    net_write_udhcpc "$work/udhcpc.sh"
}

# ---- the whole test, for one NIC model on one board (test-net-malta.sh, -pc.sh, -virtio.sh) ----
# NET_MODEL (pcnet, e1000, virtio-net-pci) on NET_BOARD (malta, pc); NET_NAME names the
# logs; NET_DEFAULT_RUN=1 also boots with no network option (the board's own NIC).

# Guest side: DHCP, a fetch from the host with its md5sum, a page served to the host,
# then (asked for on the kernel command line) the carrier test.
net_guest_script() {
    cat >"$work/test.sh" <<EOF
#!/bin/sh
# The PCI function behind eth0 (a virtio NIC's device is the virtio one above it).
d=/sys/class/net/eth0/device
[ -f \$d/class ] || d=\$d/..
echo "MIMIC-CHECK nic \$(cat \$d/vendor 2>/dev/null):\$(cat \$d/device 2>/dev/null)"
[ -f /sys/class/net/eth0/device/features ] &&
    echo "MIMIC-CHECK features \$(cat /sys/class/net/eth0/device/features)"
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
# Carrier test (asked for on the kernel command line): the host pulls the cable.
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
}

# The host's part while the emulator runs: the carrier test through the monitor
# and the fetch of the guest's page through hostfwd.
net_host_poll() {
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
}

# What the guest reported in run LABEL against what it should have: into errors[].
net_check_run() {
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
        [ -z "$link_down_msg" ] || grep -q "$link_down_msg" "$log" ||
            errors+=("$label: the $model driver did not report the link down")
        got=$(sys_guest_value "$log" md5-after-link)
        [ "$got" = "$want_md5" ] || errors+=("$label: md5 of the file fetched after the link came back is '$got'")
        # (QEMU's info network does not show link states.)
        case "$EMU" in
        *qemu*) ;;
        *) grep -q "$info_link_down" "$work/mon-$label.out" 2>/dev/null ||
            errors+=("$label: info network did not show the link down") ;;
        esac
    fi
    if [ "$model" = virtio-net-pci ]; then
        # The guest's feature string: one 0/1 per bit from bit 0.
        got=$(sys_guest_value "$log" features)
        for bit in 0:CSUM 1:GUEST_CSUM 5:MAC 15:MRG_RXBUF 16:STATUS "32:VERSION_1=${FEATURES_V1:-1}"; do
            local b=${bit%%:*} what=${bit#*:} want=1
            case "$what" in *=*) want=${what#*=} what=${what%=*} ;; esac
            [ "${got:$b:1}" = "$want" ] || errors+=("$label: feature $what is '${got:$b:1}' in '$got', wanted $want")
        done
    fi
    grep -q 'MIMIC-TEST-EXIT 0' "$log" || errors+=("$label: the guest script did not finish with status 0")
}

# net_run LABEL EMULATOR-NET-ARGS...: boot with those options while this script plays
# the host's part; appends what went wrong to errors[].
# LINK_NETDEV=ID: also run the carrier test, pulling the cable of back end ID.
# APPEND_EXTRA: more kernel parameters. FEATURES_V1=0|1: (virtio) whether the
# guest must have negotiated VERSION_1.
net_run() {
    local label="$1" page="" rc secs start deadline got link="" sock="$work/mon.sock"
    local append="console=ttyS0 ${APPEND_EXTRA:-}" mon=()
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
    "$EMU" "${machine[@]}" -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" \
        -append "$append" -nographic "${mon[@]}" "$@" ${EMU_ARGS:-} </dev/null >>"$log" 2>&1 &
    emu_pid=$!
    deadline=$((start + SYSTEM_TEST_TIMEOUT))
    while kill -0 "$emu_pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
        net_host_poll
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
    net_check_run
    echo "$label: ${secs}s"
}

# The model and board tables, the runs, and the verdict.
net_main() {
    model=${NET_MODEL:-pcnet}
    board=${NET_BOARD:-malta}
    # Per model: the log name, the guest modules, the PCI vendor:device, what the
    # driver prints when the cable goes, how info network shows it.
    link_down_msg="" info_link_down="link down"
    case "$model" in
    pcnet) name=net-malta modules=(--module pcnet32) ids=0x1022:0x2000 ;;
    virtio-net-pci)
        name=net-virtio modules=(--module virtio_pci --module virtio_net) ids=0x1af4:0x1000 ;;
    e1000)
        name=net-e1000 modules=(--module e1000) ids=0x8086:0x100e
        link_down_msg='eth0 NIC Link is Down' info_link_down='model=e1000.*link down' ;;
    *) sys_fail "NET_MODEL=$model: no guest module known for it" ;;
    esac
    # Per board: guest architecture, machine options, the first NIC's slot.
    case "$board" in
    malta)
        arch=mips machine=(-M malta) nic_slot=0b
        sys_need_emu
        ;;
    pc)
        arch=i386 machine=() nic_slot=03 name=$name-pc
        EMU=${EMU_I386:-$BUILD/mimic-system-i386}
        sys_need_emu EMU_I386=qemu-system-i386
        ;;
    *) sys_fail "NET_BOARD=$board: unknown board" ;;
    esac
    name=${NET_NAME:-$name}

    sys_need_guest "$arch"
    net_host_setup
    net_guest_script
    initrd=$(scripts/make-initramfs.sh --arch "$arch" --busybox "$GUEST_BUSYBOX" \
        --modules "$GUEST_MODULES" "${modules[@]}" --test "$work/test.sh" \
        --add "$work/udhcpc.sh:/etc/udhcpc.sh" -o "$work/initrd.gz") ||
        sys_fail "could not build the initramfs"

    # The board's own NIC with no network option (when asked), on a -nic back end,
    # then -netdev + -device with the carrier test (virtio over its legacy interface).
    errors=()
    local how="with -nic and with -netdev/-device"
    if [ "${NET_DEFAULT_RUN:-0}" = 1 ]; then
        net_run default
        how="as the default NIC, $how"
    fi
    net_run nic -nic "user,model=$model,hostfwd=tcp:127.0.0.1:$fwd_port-:80"
    if [ "$model" = virtio-net-pci ]; then
        LINK_NETDEV=n0 APPEND_EXTRA=virtio_pci.force_legacy=1 FEATURES_V1=0 \
            net_run device -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$fwd_port-:80" \
            -device "$model,netdev=n0"
    else
        LINK_NETDEV=n0 net_run device -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$fwd_port-:80" \
            -device "$model,netdev=n0"
    fi

    # With -nic none the board has no NIC at all (its first NIC slot empty), and the
    # guest still boots and runs its script to the end.
    local none_log="$work/none.log" none_rc
    sys_boot "$none_log" "$SYSTEM_TEST_TIMEOUT" -- "${machine[@]}" -m 256 \
        -kernel "$GUEST_KERNEL" -initrd "$initrd" -append "console=ttyS0" -nographic -nic none
    none_rc=$?
    sys_publish_log "$none_log" "$name-none"
    [ "$none_rc" = 0 ] || errors+=("-nic none: emulator $(sys_describe_status "$none_rc")")
    grep -q "pci 0000:00:$nic_slot.0" "$none_log" && errors+=("-nic none: a device answers at slot 0x$nic_slot")
    grep -q 'MIMIC-NET no eth0' "$none_log" || errors+=("-nic none: the guest found an eth0")
    if [ ${#errors[@]} -gt 0 ]; then
        printf '  %s\n' "${errors[@]}" >&2
        sys_fail "$name ($model on $board): ${#errors[@]} check(s) failed; console logs in $sys_logdir/$name-*.log"
    fi
    echo "$name: $model on $board got 10.0.2.15 by DHCP, fetched 300000 bytes from the host" \
        "(md5 ok) and served a page through hostfwd, $how; the carrier followed" \
        "set_link; -nic none has no NIC ($EMU)"
    exit 0
}
