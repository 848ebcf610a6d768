#!/bin/bash
# User networking over virtio-net-pci, on the Malta board and on the PC board:
# test-net-malta.sh with NET_MODEL=virtio-net-pci (DHCP, a fetch from the host
# with its md5sum, a page served to the host through hostfwd, the carrier
# following set_link, the features the guest negotiated, the modern and legacy
# virtio interfaces), once per board. Passes when both pass; a board whose test
# skips is reported and does not fail the run; skips if both skip.
here=$(dirname "$0")
rc_all=()
for board in malta pc; do
    echo "== $board"
    NET_MODEL=virtio-net-pci NET_BOARD=$board bash "$here/test-net-malta.sh" "$@"
    rc_all+=($?)
done
case "${rc_all[*]}" in
"0 0" | "0 77" | "77 0") exit 0 ;;
"77 77") exit 77 ;;
*) exit 1 ;;
esac
