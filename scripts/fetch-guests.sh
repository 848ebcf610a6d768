#!/bin/bash
# Fetch the Debian guest that the system tests, `make run` and the benchmarks boot:
# the newest Linux kernel the configured Debian archive offers for the guest
# architecture, plus busybox-static for the same architecture.
#
#   scripts/fetch-guests.sh [-q] mips|i386
#
# Packages are fetched with `apt-get download PKG:ARCH=VERSION` (dpkg must know the
# foreign architecture: scripts/install-deps.sh registers mipsel and i386) and
# extracted with dpkg-deb -x into a cache:
#
#   ${MIMIC_CACHE:-${HOME:-/root}/.cache/mimic}/guests/<arch>/
#       debs/                       the downloaded .deb files
#       <kernel-package>_<version>/ extracted kernel package (boot/, lib/modules/)
#       busybox-static_<version>/   extracted busybox-static
#       guest.env                   the result, as shell assignments (see below)
#
# The result is printed on stdout (and kept in guest.env) as lines a shell can eval:
#   GUEST_ARCH, GUEST_KERNEL (kernel image), GUEST_KVER (uname -r of that kernel),
#   GUEST_MODULES (its lib/modules/<ver> directory, with a modules.dep made by depmod),
#   GUEST_BUSYBOX (static busybox binary), GUEST_KERNEL_PKG, GUEST_KERNEL_PKGVER.
# Progress and errors go to stderr. -q keeps stderr quiet unless something fails.
#
# Which kernel: the archive's meta-package (linux-image-4kc-malta, linux-image-686)
# names the current ABI package; if it cannot be resolved, the highest
# linux-image-<abi>-<flavour> candidate wins. The version is never hard-coded.
# A cache that already holds exactly that package is reused without any download;
# with no package lists and no network, the newest cached kernel is used (with a
# warning) rather than failing.
set -euo pipefail

quiet=0
if [ "${1:-}" = "-q" ]; then
    quiet=1
    shift
fi

usage() {
    echo "usage: $0 [-q] mips|i386" >&2
    exit 2
}

[ $# -eq 1 ] || usage
case "$1" in
    mips|mipsel) arch=mips; debarch=mipsel; flavour=4kc-malta; kimage=vmlinuz ;;
    i386|x86|686) arch=i386; debarch=i386; flavour=686; kimage=vmlinuz ;;
    *) usage ;;
esac

log() {
    if [ "$quiet" = 0 ]; then
        echo "fetch-guests: $*" >&2
    fi
}
die() {
    echo "fetch-guests: error: $*" >&2
    exit 1
}

cache_root="${MIMIC_CACHE:-${HOME:-/root}/.cache/mimic}"
cache="$cache_root/guests/$arch"
mkdir -p "$cache/debs" || die "cannot create cache directory $cache"

# Several test runs may fetch at once (make -j, a bench beside a test): serialise
# on the cache so nobody reads a half-extracted tree.
exec 9>"$cache/.lock"
flock 9

for tool in apt-get apt-cache dpkg-deb depmod; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "'$tool' is missing (run scripts/install-deps.sh as root)"
done

# (No "cmd | grep -q" under pipefail: grep's early exit can fail the pipeline.)
foreign=$(dpkg --print-foreign-architectures)
if ! grep -qx "$debarch" <<<"$foreign" &&
    [ "$(dpkg --print-architecture)" != "$debarch" ]; then
    die "dpkg does not know architecture $debarch (run scripts/install-deps.sh as root)"
fi

# Print "name version" of the newest kernel package for our flavour, or nothing.
resolve_kernel() {
    local meta="linux-image-$flavour:$debarch" dep ver
    dep=$(apt-cache depends "$meta" 2>/dev/null |
        sed -n "s/^ *Depends: \(linux-image-[0-9][^ :]*-$flavour\)\(:$debarch\)\?\$/\1/p" |
        head -n1) || true
    if [ -z "$dep" ]; then
        # No meta-package: take the highest ABI among the flavour's image packages.
        dep=$(apt-cache search --names-only "^linux-image-[0-9].*-$flavour\$" 2>/dev/null |
            awk '{print $1}' | grep -v -- '-dbg$' | sort -V | tail -n1) || true
    fi
    [ -n "$dep" ] || return 0
    ver=$(apt-cache policy "$dep:$debarch" 2>/dev/null |
        awk '/Candidate:/ {print $2; exit}')
    if [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
        echo "$dep $ver"
    fi
}

resolve_busybox() {
    local ver
    ver=$(apt-cache policy "busybox-static:$debarch" 2>/dev/null |
        awk '/Candidate:/ {print $2; exit}')
    if [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
        echo "busybox-static $ver"
    fi
}

lists_present() {
    ls /var/lib/apt/lists/*_binary-"${debarch}"_Packages* >/dev/null 2>&1
}

# apt-get download with one retry: a mirror mid-sync or a dropped connection is
# common enough that one failure should not fail a test run.
download() {
    local spec="$1" try
    for try in 1 2; do
        # apt drops privileges to _apt when root; let it write into debs/.
        chmod 0777 "$cache/debs" 2>/dev/null || true
        if (cd "$cache/debs" && apt-get download -q "$spec" >"$cache/debs/apt.log" 2>&1); then
            return 0
        fi
        if [ "$try" = 1 ]; then
            log "download of $spec failed, retrying in 5 s"
            sleep 5
        fi
    done
    sed 's/^/    /' "$cache/debs/apt.log" >&2
    return 1
}

# Extract PKG VERSION into $cache/PKG_VERSION (once) and print that directory.
fetch_pkg() {
    local pkg="$1" ver="$2" dir deb fver
    fver="${ver//:/%3a}"
    dir="$cache/${pkg}_${ver#*:}"
    if [ -f "$dir/.complete" ]; then
        echo "$dir"
        return 0
    fi
    deb="$cache/debs/${pkg}_${fver}_${debarch}.deb"
    if [ ! -s "$deb" ]; then
        log "downloading $pkg:$debarch=$ver"
        if ! download "$pkg:$debarch=$ver"; then
            echo "fetch-guests: could not download $pkg:$debarch=$ver:" \
                "is the machine offline or the Debian mirror unreachable?" >&2
            return 1
        fi
        # shellcheck disable=SC2012
        [ -s "$deb" ] || deb=$(ls -t "$cache/debs/${pkg}_"*"_${debarch}.deb" | sed -n 1p)
    fi
    log "extracting $(basename "$deb")"
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    dpkg-deb -x "$deb" "$dir.tmp" || { rm -rf "$dir.tmp"; return 1; }
    touch "$dir.tmp/.complete"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    echo "$dir"
}

# Newest complete extraction of a package in the cache (offline fallback).
cached_pkg() {
    local pattern="$1" d
    for d in "$cache"/$pattern; do
        if [ -f "$d/.complete" ]; then
            echo "$d"
        fi
    done | sort -V | tail -n1
}

# Fast path: the answer depends only on the apt lists, so a guest.env written
# after the lists last changed (and whose files still exist) is still the answer.
env_file="$cache/guest.env"
if [ -s "$env_file" ] && [ -z "${MIMIC_REFETCH:-}" ] && lists_present &&
    [ -z "$(find /var/lib/apt/lists -maxdepth 1 -type f -newer "$env_file" -print -quit)" ]; then
    (
        # shellcheck disable=SC1090
        . "$env_file"
        [ -f "$GUEST_KERNEL" ] && [ -x "$GUEST_BUSYBOX" ] && [ -s "$GUEST_MODULES/modules.dep" ]
    ) && { cat "$env_file"; exit 0; }
fi

if ! lists_present; then
    if [ "$(id -u)" = 0 ]; then
        log "no package lists for $debarch: running apt-get update"
        apt-get update -q >&2 || { sleep 5; apt-get update -q >&2 || true; }
    fi
fi

kernel=$(resolve_kernel)
busybox=$(resolve_busybox)

# pick KIND RESOLVED PATTERN: fetch the resolved package, or fall back on the newest
# complete copy in the cache; prints the extracted directory.
pick() {
    local kind="$1" resolved="$2" pattern="$3" dir=""
    if [ -n "$resolved" ]; then
        dir=$(fetch_pkg "${resolved% *}" "${resolved#* }") || dir=""
    fi
    if [ -z "$dir" ]; then
        dir=$(cached_pkg "$pattern")
        if [ -z "$dir" ]; then
            if [ -n "$resolved" ]; then
                die "no $kind: the download failed and the cache $cache holds none"
            fi
            die "no $kind: the apt lists name none (run 'apt-get update' with network" \
                "access, or scripts/install-deps.sh as root) and the cache $cache holds none"
        fi
        echo "fetch-guests: warning: using the cached $(basename "$dir")" >&2
    fi
    echo "$dir"
}

kdir=$(pick "$flavour kernel" "$kernel" "linux-image-[0-9]*-${flavour}_*")
bdir=$(pick "busybox-static:$debarch" "$busybox" "busybox-static_*")

kpkg=$(basename "$kdir")
kpkg_name=${kpkg%%_*}
kpkg_ver=${kpkg#*_}
kver=${kpkg_name#linux-image-}

kernel_img=""
for cand in "$kdir/boot/$kimage-$kver" "$kdir/boot/"vmlinu*"-$kver"; do
    if [ -f "$cand" ]; then
        kernel_img="$cand"
        break
    fi
done
[ -n "$kernel_img" ] || die "package $kpkg has no kernel image in boot/"

# Debian keeps modules under lib/modules (or usr/lib/modules on merged-usr builds).
if [ -d "$kdir/lib/modules/$kver" ]; then
    moddir="$kdir/lib/modules/$kver"
elif [ -d "$kdir/usr/lib/modules/$kver" ]; then
    moddir="$kdir/usr/lib/modules/$kver"
else
    die "package $kpkg has no lib/modules/$kver"
fi
if [ ! -s "$moddir/modules.dep" ]; then
    # The package ships no modules.dep; depmod looks under ROOT/lib/modules/VER.
    log "running depmod for $kver"
    depmod -b "${moddir%/lib/modules/"$kver"}" "$kver" ||
        die "depmod failed for $moddir"
fi

bb="$bdir/bin/busybox"
[ -x "$bb" ] || die "$(basename "$bdir") has no bin/busybox"

{
    printf 'GUEST_ARCH=%q\n' "$arch"
    printf 'GUEST_KERNEL=%q\n' "$kernel_img"
    printf 'GUEST_KVER=%q\n' "$kver"
    printf 'GUEST_MODULES=%q\n' "$moddir"
    printf 'GUEST_BUSYBOX=%q\n' "$bb"
    printf 'GUEST_KERNEL_PKG=%q\n' "$kpkg_name"
    printf 'GUEST_KERNEL_PKGVER=%q\n' "$kpkg_ver"
} >"$env_file.tmp"
mv "$env_file.tmp" "$env_file"
log "guest ready: kernel $kver (package $kpkg_ver), env in $env_file"
cat "$env_file"
