#!/bin/bash
# Network benchmark: the guest fetches a large file with busybox wget from an HTTP
# server on the host loopback (python3 -m http.server on 127.0.0.1; the guest
# reaches it as 10.0.2.2 through user networking) over each NIC model
# (-nic user,model=M), in mimic and in Debian's QEMU, booted alternately REPS times
# each per model. BOARD=malta (the default): Debian's Malta guest over the on-board
# PCnet and virtio-net-pci against qemu-system-mipsel; BOARD=pc (bench/net-pc.sh):
# Debian's 686 guest over the e1000 and virtio-net-pci against qemu-system-i386.
#   bench/net.sh [--reps N]       (SIZE_MB=32 sets the file size, PASSES=2 fetches,
#                                  MODELS="..." the NICs measured)
# The guest takes a DHCP lease first (not timed), then times PASSES fetches of the
# file to /dev/null with /proc/uptime (10 ms resolution) and checks the byte count.
# Reports medians, MiB/s and the mimic/QEMU ratio of times: below 1.0 means mimic is
# faster. Timings are reported, never asserted; exits non-zero only if no emulator
# could run the benchmark. The table is saved in build/bench/NAME-results.txt, each
# boot's console in build/bench/NAME-*.log (NAME: net, or net-pc for BOARD=pc).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
# shellcheck source=bench/reps.sh
. "$top/bench/reps.sh"
reps=$(bench_reps "$@")
size_mb=${SIZE_MB:-32}
passes=${PASSES:-2}
timeout_s=${BENCH_TIMEOUT:-600}
case "${BOARD:-malta}" in
malta)
    name=net arch=mips machine=malta default_models="pcnet virtio-net-pci"
    modules=(--module pcnet32 --module virtio_pci --module virtio_net)
    mimic=${MIMIC:-$BUILD/mimic-system-mipsel} qemu=${QEMU:-qemu-system-mipsel}
    ;;
pc)
    name=net-pc arch=i386 machine=pc default_models="e1000 virtio-net-pci"
    modules=(--module e1000 --module virtio_pci --module virtio_net)
    mimic=${MIMIC:-$BUILD/mimic-system-i386} qemu=${QEMU:-qemu-system-i386}
    ;;
*) echo "net: BOARD=$BOARD: malta or pc" >&2; exit 1 ;;
esac
read -r -a models <<<"${MODELS:-$default_models}"

eval "$(scripts/fetch-guests.sh -q $arch)" || { echo "$name: cannot fetch the guest" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-bench-$name.XXXXXX")
srv_pid=""
cleanup() {
    [ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
logdir="$BUILD/bench"
mkdir -p "$logdir"

mkdir -p "$work/www"
head -c $((size_mb * 1024 * 1024)) /dev/urandom >"$work/www/big.bin"
# shellcheck source=tests/system/net-host.sh
. tests/system/net-host.sh
net_http_serve "$work/www" "$work/http.log"
port=$http_port
net_write_udhcpc "$work/udhcpc.sh"
cat >"$work/test.sh" <<EOF
#!/bin/sh
ifconfig lo 127.0.0.1 up
ifconfig eth0 up || { echo "MIMIC-NET no eth0"; exit 1; }
udhcpc -i eth0 -s /etc/udhcpc.sh -q -n -t 10 -T 2 >/dev/null 2>&1 ||
    { echo "MIMIC-NET dhcp failed"; exit 1; }
up() { cut -d' ' -f1 /proc/uptime; }
bytes=0
t0=\$(up)
for p in \$(seq $passes); do
    n=\$(wget -q -O - http://10.0.2.2:$port/big.bin | wc -c)
    bytes=\$((bytes + n))
done
t1=\$(up)
echo "MIMIC-NET fetch \$bytes \$t0 \$t1"
EOF
chmod +x "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch "$arch" --busybox "$GUEST_BUSYBOX" \
    --modules "$GUEST_MODULES" "${modules[@]}" --test "$work/test.sh" \
    --add "$work/udhcpc.sh:/etc/udhcpc.sh" -o "$work/initrd.gz") ||
    { echo "$name: initramfs failed" >&2; exit 1; }
want=$((passes * size_mb * 1024 * 1024))

run_one() {   # LABEL EMULATOR REP MODEL: one boot; appends "LABEL MODEL SECONDS" to results
    local label=$1 emu=$2 rep=$3 model=$4 log="$logdir/$name-$1-$4-$3.log"
    timeout "$timeout_s" "$emu" -M "$machine" -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" \
        -append "console=ttyS0" -nographic -nic "user,model=$model" </dev/null >"$log" 2>&1
    tr -d '\r' <"$log" | awk -v l="$label" -v m="$model" -v want="$want" -v n="$name" '
        $1 == "MIMIC-NET" && $2 == "fetch" && $3 == want { print l, m, $5 - $4 }
        $1 == "MIMIC-NET" && $2 == "fetch" && $3 != want {
            print n ": " l ": fetched " $3 " bytes, wanted " want > "/dev/stderr" }
        $1 == "MIMIC-NET" && $2 != "fetch" { print n ": " l ": " $0 > "/dev/stderr" }' \
        >>"$work/results"
}

emus=()
[ -x "$mimic" ] && emus+=("mimic:$mimic") || echo "$name: $mimic not built (QEMU figures only)" >&2
command -v "$qemu" >/dev/null && emus+=("qemu:$qemu") || echo "$name: $qemu not installed" >&2
[ ${#emus[@]} -gt 0 ] || exit 1
: >"$work/results"
for ((r = 1; r <= reps; r++)); do
    # Alternating which emulator boots first, as disk.sh does.
    order=("${emus[@]}")
    if ((r % 2 == 0)) && [ ${#emus[@]} -eq 2 ]; then
        order=("${emus[1]}" "${emus[0]}")
    fi
    for m in "${models[@]}"; do
        for e in "${order[@]}"; do
            echo "$name: ${e%%:*} $m run $r/$reps" >&2
            run_one "${e%%:*}" "${e#*:}" "$r" "$m"
        done
    done
done

python3 - "$work/results" "$size_mb" "$reps" "$passes" "$name" "${models[@]}" <<'EOF' | tee "$logdir/$name-results.txt"
import statistics, sys
rows, size, reps, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
name, models = sys.argv[5], sys.argv[6:]
names = {'pcnet': 'PCnet wget', 'e1000': 'e1000 wget', 'virtio-net-pci': 'virtio-net wget'}
t = {}
for line in open(rows):
    label, model, secs = line.split()
    t.setdefault((label, model), []).append(float(secs))
print("Network (%s): guest wget of %d x %d MiB from the host (user networking), "
      "median of %d (seconds; MiB/s)" % ('PC' if name == 'net-pc' else 'Malta', passes, size, reps))
print("%-20s %17s %17s %8s" % ("test", "mimic", "qemu", "ratio"))
if not t:
    print("(no results: see build/bench/%s-*.log)" % name)
    sys.exit(1)
for model in models:
    cells, med = [], {}
    for label in ('mimic', 'qemu'):
        if t.get((label, model)):
            med[label] = statistics.median(t[(label, model)])
            cells.append("%6.2f (%6.1f)" % (med[label], passes * size / max(med[label], 0.01)))
        else:
            cells.append("-")
    ratio = "%.2f" % (med['mimic'] / med['qemu']) if 'mimic' in med and med.get('qemu') else "-"
    print("%-20s %17s %17s %8s" % (names.get(model, model + " wget"), cells[0], cells[1], ratio))
EOF
