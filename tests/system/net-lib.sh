# shellcheck shell=bash
# Shared by the networking system tests (sourced after lib.sh): the host's side of
# a user-networking test. net_host_setup makes $work (removed on exit, with the
# emulator $emu_pid and the HTTP server stopped), a 300000-byte random file served
# by an HTTP server on 127.0.0.1:$http_port (the guest reaches it as 10.0.2.2;
# $want_md5 is its md5sum), a free loopback port $fwd_port for hostfwd, and the
# udhcpc event script $work/udhcpc.sh that configures the guest's interface from
# its lease. Only loopback addresses are used on the host.

# A free loopback port (the kernel picks it; the race until we bind is harmless here).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

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
    http_port=$(free_port)
    fwd_port=$(free_port)
    python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$http_port" \
        >"$work/http.log" 2>&1 &
    srv_pid=$!
    for ((i = 0; i < 50; i++)); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $http_port), 1)" \
            2>/dev/null && break
        sleep 0.1
    done

    cat >"$work/udhcpc.sh" <<'UDHCPC'
#!/bin/sh
# udhcpc event script: configure the interface from the lease.
case "$1" in
deconfig)
    ifconfig "$interface" 0.0.0.0 up
    ;;
bound|renew)
    ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
    for r in $router; do
        route add default gw "$r" dev "$interface"
        break
    done
    echo "MIMIC-NET lease $ip router $router dns $dns"
    ;;
esac
exit 0
UDHCPC
    chmod +x "$work/udhcpc.sh"
}
