#!/bin/bash
# Build a gzip'd newc cpio initramfs around Debian's busybox-static.
#
#   scripts/make-initramfs.sh [options]
#     -o, --output FILE     where to write it (default: a cache file named after the
#                           hash of every input, reused when it exists); the path of
#                           the archive is printed on stdout
#     -a, --arch ARCH       mips (default) or i386: busybox and modules come from
#                           scripts/fetch-guests.sh ARCH unless given below
#     --busybox FILE        the static busybox binary to use
#     -t, --test SCRIPT     install SCRIPT as /test.sh: /init runs it, then powers off
#     --add SRC[:DEST]      add a file (DEST defaults to /SRC's basename)
#     --bin SRC[:DEST]      add an executable (DEST defaults to /bin/<basename>)
#     --modules DIR         a lib/modules/<version> directory with a modules.dep
#     --module NAME         copy module NAME and what it depends on (needs --modules
#                           or --arch) and load it at boot; repeatable
#     --all-modules         copy the whole modules directory (large)
#     --no-cache            always rebuild
#
# The guest's busybox cannot run on the host, so the applet links are made at boot:
# /init mounts /proc and runs `/bin/busybox --install -s`, which asks the binary
# itself which applets it has.
#
# The /init this writes: mounts proc, sys, devtmpfs; prints a banner; loads the
# requested modules; prints the marker MIMIC-INIT-READY (benchmarks time boot to it);
# runs /test.sh if present and powers off; otherwise starts a shell with job control
# on the console (setsid cttyhack) and powers off when it exits. `poweroff`, `halt`
# and `reboot` typed in that shell work because /init traps their signals.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

die() {
    echo "make-initramfs: error: $*" >&2
    exit 1
}

out=""
arch=mips
busybox=""
test_script=""
adds=()
bins=()
moddir=""
modules=()
all_modules=0
use_cache=1

need_arg() {
    [ $# -ge 2 ] || die "option $1 needs an argument"
}

while [ $# -gt 0 ]; do
    case "$1" in
        -o|--output) need_arg "$@"; out="$2"; shift 2 ;;
        -a|--arch) need_arg "$@"; arch="$2"; shift 2 ;;
        --busybox) need_arg "$@"; busybox="$2"; shift 2 ;;
        -t|--test) need_arg "$@"; test_script="$2"; shift 2 ;;
        --add) need_arg "$@"; adds+=("$2"); shift 2 ;;
        --bin) need_arg "$@"; bins+=("$2"); shift 2 ;;
        --modules) need_arg "$@"; moddir="$2"; shift 2 ;;
        --module) need_arg "$@"; modules+=("$2"); shift 2 ;;
        --all-modules) all_modules=1; shift ;;
        --no-cache) use_cache=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (try --help)" ;;
    esac
done

if [ -z "$busybox" ] || { [ -z "$moddir" ] && { [ ${#modules[@]} -gt 0 ] || [ $all_modules = 1 ]; }; }; then
    guest_env=$("$here/fetch-guests.sh" -q "$arch") || die "could not fetch the $arch guest"
    eval "$guest_env"
    [ -n "$busybox" ] || busybox="$GUEST_BUSYBOX"
    [ -n "$moddir" ] || moddir="$GUEST_MODULES"
fi
[ -f "$busybox" ] || die "busybox binary '$busybox' not found"
[ -z "$test_script" ] || [ -f "$test_script" ] || die "test script '$test_script' not found"
if [ ${#modules[@]} -gt 0 ] || [ $all_modules = 1 ]; then
    [ -s "$moddir/modules.dep" ] || die "'$moddir' has no modules.dep (run depmod -b ROOT VERSION)"
fi

split_spec() {
    # SRC[:DEST] -> sets spec_src, spec_dest (DEST defaults to $2/basename)
    spec_src="${1%%:*}"
    if [ "$spec_src" != "$1" ]; then
        spec_dest="${1#*:}"
    else
        spec_dest="$2/$(basename "$spec_src")"
    fi
    [ -e "$spec_src" ] || die "file '$spec_src' not found"
}

for s in ${adds[@]+"${adds[@]}"} ${bins[@]+"${bins[@]}"}; do
    split_spec "$s" /
done

# Resolve the modules to copy (with their dependencies) from modules.dep; the ones
# built into the kernel need neither copying nor loading.
mod_files=()
load_mods=()
if [ ${#modules[@]} -gt 0 ]; then
    declare -A seen=()
    resolve_mod() {
        local name="$1" line rel dep
        line=$(awk -v n="$name" '{
                f = $1; sub(/:$/, "", f); b = f; sub(/.*\//, "", b);
                sub(/\.ko(\.[a-z]+)?$/, "", b); gsub(/-/, "_", b);
                m = n; gsub(/-/, "_", m);
                if (b == m) { print; exit }
            }' "$moddir/modules.dep")
        if [ -z "$line" ]; then
            if grep -E "/${name//[-_]/[-_]}\.ko(\.[a-z]+)?\$" "$moddir/modules.builtin" \
                >/dev/null 2>&1; then
                echo "make-initramfs: note: '$name' is built into the kernel" >&2
                return 0
            fi
            die "module '$name' is not in $moddir/modules.dep"
        fi
        rel="${line%%:*}"
        load_mods+=("$name")
        for dep in "$rel" ${line#*:}; do
            if [ -z "${seen[$dep]:-}" ]; then
                seen[$dep]=1
                mod_files+=("$dep")
            fi
        done
    }
    for m in "${modules[@]}"; do
        resolve_mod "$m"
    done
fi

# ---------------------------------------------------------------- the /init script
init_script() {
    cat <<'EOF'
#!/bin/busybox sh
# /init of a mimic test initramfs (made by scripts/make-initramfs.sh).
/bin/busybox mkdir -p /proc /sys /dev /tmp /root /sbin /usr/bin /usr/sbin /etc
/bin/busybox mount -t proc proc /proc
# Applet links are made here because the guest binary cannot run on the build host.
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root TERM=${TERM:-vt100}
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
hostname mimic
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'root:x:0:' > /etc/group

if [ -f /etc/modules ]; then
    while read -r mod; do
        [ -n "$mod" ] && modprobe "$mod"
    done < /etc/modules
fi

# Before a forced poweroff: console output still queued in the tty layer (the UART
# sends it at its own pace) would be lost, and with it the lines tests look for.
# Wait a second, and longer while the UART's count of sent bytes still moves: on
# a heavily loaded host the emulator drains a full tty buffer more slowly (up to
# 10 s in all).
settle() {
    sync
    _n=0
    _tx=
    while [ $_n -lt 40 ]; do
        sleep 0.25
        _n=$((_n + 1))
        _now=$(sed -n 's/^0:.* tx:\([0-9]*\).*/\1/p' /proc/tty/driver/serial 2>/dev/null)
        [ $_n -ge 4 ] && [ "$_now" = "$_tx" ] && break
        _tx=$_now
    done
}

# halt/poweroff/reboot without -f signal PID 1 (USR1/USR2/TERM): do what they ask.
trap 'settle; poweroff -f' USR2
trap 'settle; halt -f' USR1
trap 'settle; reboot -f' TERM

cat <<BANNER

 mimic test guest: Linux $(uname -r) on $(uname -m), busybox in an initramfs.
 Type 'poweroff' to power the machine off.  Quit the emulator at any time
 with Ctrl-A x (Ctrl-A h lists the other console keys).

BANNER
echo "MIMIC-INIT-READY"

if [ -x /test.sh ]; then
    /test.sh
    echo "MIMIC-TEST-EXIT $?"
    settle
    poweroff -f
fi

# The shell runs in the background so that the traps above fire while it runs
# (a foreground child would delay them until it exits); cttyhack gives it the
# real console as controlling tty, so job control and Ctrl-C work.
setsid cttyhack sh -l &
wait $!
settle
poweroff -f
EOF
}

# ---------------------------------------------------------------- cache key
if [ $use_cache = 1 ]; then
    key=$(
        {
            # Contents, not paths, so the way the script was invoked does not matter.
            echo "v1 $arch"
            sha256sum <"$0"
            sha256sum <"$here/mkcpio.py"
            sha256sum <"$busybox"
            [ -z "$test_script" ] || sha256sum <"$test_script"
            for s in ${adds[@]+"${adds[@]}"} ${bins[@]+"${bins[@]}"}; do
                echo "file $s"
                split_spec "$s" /
                sha256sum <"$spec_src"
            done
            echo "moddir $moddir all=$all_modules"
            printf 'mod %s\n' ${modules[@]+"${modules[@]}"}
            if [ ${#mod_files[@]} -gt 0 ] && [ $all_modules = 0 ]; then
                (cd "$moddir" && sha256sum "${mod_files[@]}" modules.dep)
            fi
        } | sha256sum | cut -c1-16
    )
    cache_dir="${MIMIC_CACHE:-${HOME:-/root}/.cache/mimic}/initramfs"
    mkdir -p "$cache_dir"
    # Every edited test script leaves an archive behind: forget month-old ones.
    find "$cache_dir" -maxdepth 1 -name '*.cpio.gz' -mtime +30 -delete 2>/dev/null || true
    cached="$cache_dir/$arch-$key.cpio.gz"
    if [ -s "$cached" ]; then
        if [ -z "$out" ]; then
            echo "$cached"
        else
            cp "$cached" "$out"
            echo "$out"
        fi
        exit 0
    fi
fi
if [ -z "$out" ]; then
    [ $use_cache = 1 ] || die "--no-cache needs --output"
    out="$cached"
fi

# ---------------------------------------------------------------- staging tree
stage=$(mktemp -d "${TMPDIR:-/tmp}/mimic-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,root,etc,usr/bin,usr/sbin}
install -m 0755 "$busybox" "$stage/bin/busybox"
init_script >"$stage/init"
chmod 0755 "$stage/init"
if [ -n "$test_script" ]; then
    install -m 0755 "$test_script" "$stage/test.sh"
fi
for s in ${adds[@]+"${adds[@]}"}; do
    split_spec "$s" ""
    mkdir -p "$stage/$(dirname "$spec_dest")"
    cp -L --preserve=mode "$spec_src" "$stage/$spec_dest"
done
for s in ${bins[@]+"${bins[@]}"}; do
    split_spec "$s" /bin
    mkdir -p "$stage/$(dirname "$spec_dest")"
    install -m 0755 "$spec_src" "$stage/$spec_dest"
done
if [ $all_modules = 1 ] || [ ${#mod_files[@]} -gt 0 ]; then
    kver=$(basename "$moddir")
    dst="$stage/lib/modules/$kver"
    mkdir -p "$dst"
    if [ $all_modules = 1 ]; then
        cp -a "$moddir/." "$dst/"
    else
        for f in "${mod_files[@]}"; do
            mkdir -p "$dst/$(dirname "$f")"
            cp "$moddir/$f" "$dst/$f"
        done
        # A modules.dep naming only what was copied keeps the archive small (the
        # full index files are megabytes); busybox modprobe needs nothing else.
        for f in "${mod_files[@]}"; do
            grep -F -m1 "$f:" "$moddir/modules.dep"
        done | sort -u >"$dst/modules.dep"
        [ ! -f "$moddir/modules.builtin" ] || cp "$moddir/modules.builtin" "$dst/"
    fi
    if [ ${#load_mods[@]} -gt 0 ]; then
        printf '%s\n' "${load_mods[@]}" >"$stage/etc/modules"
    fi
fi

tmp_out="$out.tmp.$$"
python3 "$here/mkcpio.py" "$tmp_out" "$stage" --node dev/console:c:5:1:0600 \
    --node dev/null:c:1:3:0666 || { rm -f "$tmp_out"; die "packing the archive failed"; }
mv "$tmp_out" "$out"
echo "$out"
