#!/bin/bash
# The guest-building scripts themselves, without any emulator:
# - fetch-guests.sh mips picks the kernel the archive's meta-package points at, and
#   what it hands back is what it claims (MIPS ELF kernel, static MIPS busybox, a
#   modules.dep made by depmod);
# - make-initramfs.sh makes a newc archive with /init, busybox, a /dev/console
#   character device (5,1), the test script, extra files and binaries, and a module
#   with exactly its dependencies; the same inputs give the same bytes.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=guest-scripts
log="$(mktemp "${TMPDIR:-/tmp}/mimic-systest-log.XXXXXX")"
trap 'rm -f "$log"' EXIT
errors=()
err() {
    errors+=("$*")
}

sys_need_guest mips

# --- fetch-guests: the kernel is the one the meta-package depends on (when apt knows it)
want=$(apt-cache depends linux-image-4kc-malta:mipsel 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*/\1/p' | sed -n 1p)
if [ -n "$want" ] && [ "$GUEST_KERNEL_PKG" != "$want" ]; then
    err "fetch-guests picked $GUEST_KERNEL_PKG, the meta-package depends on $want"
fi
[ "$GUEST_KVER" = "${GUEST_KERNEL_PKG#linux-image-}" ] ||
    err "GUEST_KVER $GUEST_KVER does not match package $GUEST_KERNEL_PKG"
file -L "$GUEST_KERNEL" | grep 'ELF 32-bit LSB executable, MIPS' >/dev/null ||
    err "kernel $GUEST_KERNEL is not a little-endian MIPS ELF: $(file -L "$GUEST_KERNEL")"
file -L "$GUEST_BUSYBOX" | grep 'MIPS.*statically linked' >/dev/null ||
    err "busybox $GUEST_BUSYBOX is not a static MIPS binary: $(file -L "$GUEST_BUSYBOX")"
grep '^kernel/drivers/block/virtio_blk.ko: ' "$GUEST_MODULES/modules.dep" >/dev/null ||
    err "modules.dep in $GUEST_MODULES lacks virtio_blk"
again=$(scripts/fetch-guests.sh -q mips) || err "a second fetch-guests run failed"
[ "$again" = "$(cat "${MIMIC_CACHE:-${HOME:-/root}/.cache/mimic}/guests/mips/guest.env")" ] ||
    err "fetch-guests output differs from its guest.env"

# --- make-initramfs
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'rm -rf "$work" "$log"' EXIT
printf '#!/bin/sh\necho test\n' >"$work/t.sh"
echo "payload 1234" >"$work/data.txt"
printf '#!/bin/sh\necho tool\n' >"$work/tool"
chmod +x "$work/tool"
args=(--arch mips --busybox "$GUEST_BUSYBOX" --test "$work/t.sh"
    --add "$work/data.txt:/etc/data.txt" --bin "$work/tool" --module virtio_blk)
if ! scripts/make-initramfs.sh "${args[@]}" --no-cache -o "$work/a.cpio.gz" >>"$log" 2>&1 ||
    ! scripts/make-initramfs.sh "${args[@]}" --no-cache -o "$work/b.cpio.gz" >>"$log" 2>&1; then
    err "make-initramfs failed (see $sys_logdir/$name.log)"
else
    cmp -s "$work/a.cpio.gz" "$work/b.cpio.gz" || err "two builds from the same inputs differ"
    gzip -t "$work/a.cpio.gz" || err "the archive is not valid gzip"
    zcat "$work/a.cpio.gz" | cpio -itv --quiet >"$work/list" 2>>"$log" ||
        err "cpio cannot list the archive"
    cat "$work/list" >>"$log"
    has() {
        # has REGEX: some line of the verbose listing matches (a whole entry)
        grep -E "$1" "$work/list" >/dev/null || err "archive lacks an entry matching /$1/"
    }
    has '^-rwxr-xr-x .* init$'
    has '^-rwxr-xr-x .* bin/busybox$'
    has '^-rwxr-xr-x .* test\.sh$'
    has '^-rwxr-xr-x .* bin/tool$'
    has '^-rw.* etc/data\.txt$'
    has '^crw------- .* 5, +1 .* dev/console$'
    has '/kernel/drivers/block/virtio_blk\.ko$'
    has '/kernel/drivers/virtio/virtio_ring\.ko$'
    has '/kernel/drivers/virtio/virtio\.ko$'
    has '/modules\.dep$'
    nko=$(grep -c '\.ko$' "$work/list")
    [ "$nko" = 3 ] || err "expected 3 modules (virtio_blk and its 2 dependencies), got $nko"
    mkdir -p "$work/x"
    (cd "$work/x" && zcat ../a.cpio.gz | cpio -idm --quiet 2>/dev/null)
    cmp -s "$work/x/bin/busybox" "$GUEST_BUSYBOX" || err "bin/busybox differs from the input"
    [ "$(cat "$work/x/etc/data.txt")" = "payload 1234" ] || err "etc/data.txt content wrong"
    [ "$(cat "$work/x/etc/modules")" = "virtio_blk" ] || err "etc/modules does not list virtio_blk"
    head -n1 "$work/x/init" | grep -x '#!/bin/busybox sh' >/dev/null || err "/init has no busybox shebang"
    grep 'setsid cttyhack sh' "$work/x/init" >/dev/null || err "/init starts no job-control shell"
    grep 'busybox --install -s' "$work/x/init" >/dev/null || err "/init makes no applet links"
fi
# The cache: same inputs, same cached path; a different test script, another one.
c1=$(scripts/make-initramfs.sh --arch mips --test "$work/t.sh") || err "cached build failed"
c2=$(scripts/make-initramfs.sh --arch mips --test "$work/t.sh") || err "cached build failed"
printf '#!/bin/sh\necho other\n' >"$work/t.sh"
c3=$(scripts/make-initramfs.sh --arch mips --test "$work/t.sh") || err "cached build failed"
[ "$c1" = "$c2" ] || err "the same inputs gave two cache entries ($c1, $c2)"
[ "$c1" != "$c3" ] || err "a changed test script reused the old archive ($c1)"
if scripts/make-initramfs.sh --bogus-option >>"$log" 2>&1; then
    err "make-initramfs accepted an unknown option"
fi
if scripts/make-initramfs.sh --arch mips --module no_such_module_xyz >>"$log" 2>&1; then
    err "make-initramfs accepted an unknown module"
fi

sys_publish_log "$log" "$name"
if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed; details in $sys_logdir/$name.log"
fi
echo "$name: fetch-guests and make-initramfs produce what they promise"
exit 0
