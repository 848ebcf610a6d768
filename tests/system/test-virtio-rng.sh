#!/bin/bash
# virtio-rng-pci on both boards, as QEMU's tutorials add it: -object rng-random
# (/dev/urandom) + -device virtio-rng-pci,rng=ID on Malta, the built-in source
# with a rate limit (max-bytes, period) on the PC. Debian's kernel must bind its
# virtio_rng driver (hw_random's current source is virtio_rng.0), /dev/hwrng
# must give 64 KiB of bytes that are not all equal and differ between two reads,
# and the PC's limit of 16 KiB per 500 ms must make 64 KiB take at least 1.5 s.
# EMU / EMU_I386 = qemu-system-mipsel / qemu-system-i386 check the test against QEMU.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=virtio-rng
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/test.sh" <<'EOF_GUEST'
#!/bin/sh
echo "MIMIC-CHECK current $(cat /sys/devices/virtual/misc/hw_random/rng_current)"
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/hwrng of=/tmp/a bs=4096 count=16 2>/dev/null
t1=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/hwrng of=/tmp/b bs=4096 count=16 2>/dev/null
echo "MIMIC-CHECK size $(wc -c < /tmp/a)"
echo "MIMIC-CHECK secs $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
echo "MIMIC-CHECK distinct-bytes $(od -An -v -tu1 /tmp/a | tr -s ' ' '\n' | sort -u | grep -c .)"
cmp -s /tmp/a /tmp/b && echo "MIMIC-CHECK reads same" || echo "MIMIC-CHECK reads differ"
EOF_GUEST
chmod +x "$work/test.sh"

SYS_ERRORS=()
check_board() {    # ARCH EMULATOR MIN-SECS ARGS...
    local arch=$1 emu=$2 min=$3 log="$work/$1.log" initrd rc v
    shift 3
    EMU=$emu
    sys_need_emu
    sys_need_guest "$arch"
    initrd=$(scripts/make-initramfs.sh --arch "$arch" --busybox "$GUEST_BUSYBOX" \
        --test "$work/test.sh" --module virtio_pci --module virtio-rng) ||
        sys_fail "could not build the $arch initramfs"
    sys_boot "$log" "$SYSTEM_TEST_TIMEOUT" -- -m 256 -kernel "$GUEST_KERNEL" \
        -initrd "$initrd" -append "console=ttyS0" -nographic "$@"
    rc=$?
    sys_publish_log "$log" "$name-$arch"
    log="$sys_logdir/$name-$arch.log"
    [ "$rc" = 0 ] || SYS_ERRORS+=("$arch: emulator $(sys_describe_status "$rc") after ${SYS_BOOT_SECS}s")
    v=$(sys_guest_value "$log" current)
    [ "$v" = virtio_rng.0 ] || SYS_ERRORS+=("$arch: hw_random source '$v', wanted virtio_rng.0")
    v=$(sys_guest_value "$log" size)
    [ "$v" = 65536 ] || SYS_ERRORS+=("$arch: read $v bytes from /dev/hwrng, wanted 65536")
    v=$(sys_guest_value "$log" distinct-bytes)
    [ "${v:-0}" -ge 250 ] || SYS_ERRORS+=("$arch: only ${v:-0} distinct byte values in 64 KiB")
    v=$(sys_guest_value "$log" reads)
    [ "$v" = differ ] || SYS_ERRORS+=("$arch: two reads of /dev/hwrng gave the same bytes")
    v=$(sys_guest_value "$log" secs)
    awk -v s="${v:-0}" -v m="$min" 'BEGIN { exit !(s >= m) }' ||
        SYS_ERRORS+=("$arch: 64 KiB took ${v:-?} s, wanted at least $min s (max-bytes/period)")
}

check_board mips "${EMU:-$BUILD/mimic-system-mipsel}" 0 -M malta \
    -object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0
check_board i386 "${EMU_I386:-$BUILD/mimic-system-i386}" 1.5 \
    -device virtio-rng-pci,max-bytes=16384,period=500
if [ ${#SYS_ERRORS[@]} -gt 0 ]; then
    printf '  %s\n' "${SYS_ERRORS[@]}" >&2
    sys_fail "$name: ${#SYS_ERRORS[@]} check(s) failed; console logs in $sys_logdir/$name-*.log"
fi
echo "$name: both boards read 2 x 64 KiB from /dev/hwrng through virtio_rng; the rate limit held"
exit 0
