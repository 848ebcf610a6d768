#!/bin/bash
# User networking on the Malta board's on-board AMD 79C973 (PCnet-FAST III): the
# guest loads Debian's pcnet32 module, gets 10.0.2.15 from slirp's DHCP server with
# busybox udhcpc, fetches a random file from an HTTP server this script runs on the
# host loopback (the guest reaches it as 10.0.2.2) and prints its md5sum; it then
# serves a page with busybox httpd, which the host fetches through
# hostfwd=tcp:127.0.0.1:PORT-:80. Only loopback addresses are used on the host.
#
# Both ways of asking for the NIC are run: -nic user,model=MODEL,hostfwd=... (the
# on-board NIC) and -netdev user,id=n0,hostfwd=... -device MODEL,netdev=n0; then
# -nic none must leave the board without a NIC. In the -netdev/-device run the
# cable is pulled and put back through the monitor (set_link): the guest must see
# its carrier go and come back, and fetch the file again afterwards.
# NET_MODEL (default pcnet) picks the model: pcnet, or virtio-net-pci (run by
# test-net-virtio.sh), where the guest must also have negotiated checksum offload,
# mergeable receive buffers, MAC and STATUS, over the virtio 1.0 interface in the
# -nic run and the legacy one (virtio_pci.force_legacy=1) in the -device run.
# NET_BOARD=pc runs the same on the PC board (EMU_I386, Debian's 686 kernel finding
# PCI through the board's own ACPI tables, the first NIC at slot 3) for a model that
# board offers (e1000 too: test-net-pc.sh). The scenario is net_main in net-lib.sh.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net-lib.sh"

net_main
