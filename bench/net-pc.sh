#!/bin/bash
# Network benchmark on the PC board: bench/net.sh with BOARD=pc (Debian's 686 guest
# over the default e1000 and over virtio-net-pci, against qemu-system-i386).
exec env BOARD=pc "$(dirname "$0")/net.sh" "$@"
