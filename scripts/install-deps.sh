#!/bin/sh
# Install every Debian package that building, testing and benchmarking mimic needs.
# Safe to run repeatedly: it only calls apt-get when something is missing.
set -eu

PKGS="build-essential pkg-config
libglib2.0-dev libcapstone-dev zlib1g-dev libslirp-dev libcriterion-dev libjson-glib-dev libedit-dev libisal-dev libseccomp-dev
clang libclang-rt-14-dev
gcc-mipsel-linux-gnu gcc-i686-linux-gnu binutils-mipsel-linux-gnu
cpio kmod gzip xz-utils file ca-certificates
qemu-system-mips qemu-system-x86 qemu-utils
e2fsprogs python3 acpica-tools
libc6-dev-mipsel-cross libc6-dev-i386-cross time"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing="$missing $p"
    fi
done

# Guests are fetched with 'apt-get download PKG:ARCH', which needs the foreign
# architectures registered with dpkg.
need_update=0
for arch in mipsel i386; do
    if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        dpkg --add-architecture "$arch"
        need_update=1
    fi
done

if [ -n "$missing" ] || [ "$need_update" = 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "install-deps: missing packages:$missing (run as root)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # A mirror mid-sync can fail one index; retry once, then go on with what we have.
    apt-get update -q || { sleep 10; apt-get update -q || true; }
    if [ -n "$missing" ]; then
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $missing
    fi
fi
