# shellcheck shell=bash
# The host's side of a user-networking guest, shared by the network system tests
# (net-lib.sh) and bench/net.sh: an HTTP server on the host loopback, which the
# guest reaches as 10.0.2.2, and the udhcpc event script that configures the
# guest's interface from its lease. Only loopback addresses are used.

# A free loopback port (the kernel picks it; the race until we bind is harmless here).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# net_http_serve DIR LOG: serve DIR on 127.0.0.1; sets http_port and srv_pid and
# returns once the server accepts connections (or after 5 s).
net_http_serve() {
    http_port=$(free_port)
    python3 -m http.server --bind 127.0.0.1 --directory "$1" "$http_port" >"$2" 2>&1 &
    srv_pid=$!
    for ((i = 0; i < 50; i++)); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $http_port), 1)" \
            2>/dev/null && return 0
        sleep 0.1
    done
}

# net_write_udhcpc FILE: the guest's udhcpc event script (install it as /etc/udhcpc.sh).
net_write_udhcpc() {
    cat >"$1" <<'UDHCPC'
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
    chmod +x "$1"
}
