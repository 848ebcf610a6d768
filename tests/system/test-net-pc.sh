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
# The scenario is net_main in net-lib.sh, shared with test-net-malta.sh.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net-lib.sh"

NET_BOARD=pc NET_MODEL=e1000 NET_NAME=net-pc NET_DEFAULT_RUN=1 net_main
