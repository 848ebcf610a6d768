#!/bin/bash
# Disk benchmark: sequential write and read throughput inside the Malta guest, on a
# virtio-blk disk (/dev/vda) and an IDE disk (/dev/sda) attached together, in mimic
# and in Debian's qemu-system-mipsel, booted alternately REPS times each.
#   bench/disk.sh [--reps N]      (SIZE_MB=64: disk size; PASSES=4: dd runs per test)
# In the guest, busybox dd writes SIZE_MB MiB of zeros to the raw device with
# oflag=direct conv=fsync (so the data reaches the image file, not the guest's page
# cache), PASSES times over, then reads it back PASSES times with iflag=direct. The
# guest times each series with /proc/uptime: its 10 ms resolution is why a series
# moves PASSES x SIZE_MB MiB (a single 64 MiB dd takes about 0.1 s). Both emulators use the
# same options (raw images, cache=writeback, the host's page cache included), so the
# figures compare the emulated device paths. Reports medians, MiB/s, and the
# mimic/QEMU ratio of times: below 1.0 means mimic is faster. Timings are reported,
# never asserted; exits non-zero only if no emulator could run the benchmark. The
# table is saved in build/bench/disk-results.txt, each boot's console in disk-*.log.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
BUILD=${BUILD:-build}
# shellcheck source=bench/reps.sh
. "$top/bench/reps.sh"
reps=$(bench_reps "$@")
size_mb=${SIZE_MB:-64}
passes=${PASSES:-4}
timeout_s=${BENCH_TIMEOUT:-600}
mimic=${MIMIC:-$BUILD/mimic-system-mipsel}
qemu=${QEMU:-qemu-system-mipsel}

eval "$(scripts/fetch-guests.sh -q mips)" || { echo "disk: cannot fetch the guest" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-bench-disk.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
logdir="$BUILD/bench"
mkdir -p "$logdir"

cat >"$work/test.sh" <<EOF
#!/bin/sh
# Wait for both disks, then time each dd with the guest's own clock.
i=0
while { [ ! -b /dev/vda ] || [ ! -b /dev/sda ]; } && [ \$i -lt 100 ]; do
    sleep 0.2; i=\$((i + 1))
done
up() { cut -d' ' -f1 /proc/uptime; }
for dev in vda sda; do
    [ -b /dev/\$dev ] || { echo "MIMIC-DISK \$dev missing"; continue; }
    t0=\$(up)
    for p in \$(seq $passes); do
        dd if=/dev/zero of=/dev/\$dev bs=1M count=$size_mb oflag=direct conv=fsync \
            2>/dev/null || echo "MIMIC-DISK \$dev write failed"
    done
    t1=\$(up)
    echo 3 > /proc/sys/vm/drop_caches
    t2=\$(up)
    for p in \$(seq $passes); do
        dd if=/dev/\$dev of=/dev/null bs=1M count=$size_mb iflag=direct 2>/dev/null ||
            echo "MIMIC-DISK \$dev read failed"
    done
    t3=\$(up)
    echo "MIMIC-DISK \$dev write \$t0 \$t1 read \$t2 \$t3"
done
EOF
chmod +x "$work/test.sh"
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh" --module virtio_pci --module virtio_blk --module ata_piix \
    -o "$work/initrd.gz") || { echo "disk: initramfs failed" >&2; exit 1; }

# run_one LABEL EMULATOR REP: one boot; appends "LABEL dev write|read SECONDS" lines.
run_one() {
    local label=$1 emu=$2 rep=$3 log="$logdir/disk-$1-$3.log"
    truncate -s "${size_mb}M" "$work/virtio.raw" "$work/ide.raw"
    timeout "$timeout_s" "$emu" -M malta -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" \
        -append "console=ttyS0" -nographic \
        -drive "file=$work/virtio.raw,format=raw,if=virtio" \
        -drive "file=$work/ide.raw,format=raw,if=ide" </dev/null >"$log" 2>&1
    tr -d '\r' <"$log" | awk -v l="$label" '
        $1 == "MIMIC-DISK" && $3 == "write" { print l, $2, "write", $5 - $4;
                                              print l, $2, "read", $8 - $7 }
        $1 == "MIMIC-DISK" && $3 != "write" { print "disk: " l ": " $0 > "/dev/stderr" }' \
        >>"$work/results"
}

emus=()
[ -x "$mimic" ] && emus+=("mimic:$mimic") || echo "disk: $mimic not built (QEMU figures only)" >&2
command -v "$qemu" >/dev/null && emus+=("qemu:$qemu") || echo "disk: $qemu not installed" >&2
[ ${#emus[@]} -gt 0 ] || exit 1
: >"$work/results"
for ((r = 1; r <= reps; r++)); do
    # Alternating which emulator boots first, so neither always meets the host
    # caches the other left.
    order=("${emus[@]}")
    if ((r % 2 == 0)) && [ ${#emus[@]} -eq 2 ]; then
        order=("${emus[1]}" "${emus[0]}")
    fi
    for e in "${order[@]}"; do
        echo "disk: ${e%%:*} run $r/$reps" >&2
        run_one "${e%%:*}" "${e#*:}" "$r"
    done
done

python3 - "$work/results" "$size_mb" "$reps" "$passes" <<'EOF' | tee "$logdir/disk-results.txt"
import statistics, sys
rows, size, reps, passes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t = {}
for line in open(rows):
    label, dev, op, secs = line.split()
    t.setdefault((dev, op), {}).setdefault(label, []).append(float(secs))
name = {'vda': 'virtio-blk', 'sda': 'IDE'}
print("Disk: guest dd of %d x %d MiB on the Malta board, median of %d (seconds; MiB/s)"
      % (passes, size, reps))
print("%-20s %17s %17s %8s" % ("test", "mimic", "qemu", "ratio"))
if not t:
    print("(no results: see build/bench/disk-*.log)")
    sys.exit(1)
for dev in ('vda', 'sda'):
    for op in ('write', 'read'):
        r = t.get((dev, op), {})
        cells, med = [], {}
        for label in ('mimic', 'qemu'):
            if r.get(label):
                med[label] = statistics.median(r[label])
                cells.append("%6.2f (%6.1f)" % (med[label], passes * size / max(med[label], 0.01)))
            else:
                cells.append("-")
        ratio = ("%.2f" % (med['mimic'] / med['qemu'])
                 if 'mimic' in med and med.get('qemu') else "-")
        print("%-20s %17s %17s %8s" % ("%s %s" % (name[dev], op), cells[0], cells[1], ratio))
EOF
