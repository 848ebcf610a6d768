#!/bin/bash
# savevm / loadvm through the human monitor on a Malta Linux guest without a disk
# (snapshots in a -snapshot-store file). The guest prints "COUNT n" every second.
#  1. stop at counter N, dump all RAM (pmemsave), savevm s1, continue;
#  2. later: stop, loadvm s1, dump RAM again: same checksum as at savevm; cont:
#     the next counter printed is N+1;
#  3. bad input leaves the machine running as before: a tag that does not exist, a
#     snapshot corrupted in the store file; then delvm works;
#  4. a new process with -loadvm s1 resumes at N+1 as well;
#  5. -loadvm into a machine with a different RAM size fails with a clear error.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=savevm

sys_need_emu
sys_need_guest mips
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/test.sh" <<'EOF'
#!/bin/sh
i=0
while true; do i=$((i+1)); echo "COUNT $i"; sleep 1; done
EOF
initrd=$(scripts/make-initramfs.sh --arch mips --busybox "$GUEST_BUSYBOX" \
    --test "$work/test.sh") || sys_fail "could not build the initramfs"

mon() { python3 tests/system/hmp.py "$@"; }

store="$work/store.snap"
start() {   # start LOG SOCKET [extra options]
    local log=$1 sock=$2
    shift 2
    "$EMU" -M malta -m 256 -kernel "$GUEST_KERNEL" -initrd "$initrd" \
        -append "console=ttyS0" -display none -serial "file:$log" \
        -monitor "unix:$sock,server,nowait" -snapshot-store "$store" "$@" \
        > "$log.stderr" 2>&1 &
    pids+=($!)
}
last_count() { grep -a -o 'COUNT [0-9]*' "$1" 2>/dev/null | tail -1 | cut -d' ' -f2; }
# wait_count LOG N: until the guest has printed COUNT >= N (60 s at most).
wait_count() {
    for _ in $(seq 600); do
        local c
        c=$(last_count "$1")
        [ -n "$c" ] && [ "$c" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
# next_after LOG LINE: the first COUNT printed after line number LINE.
next_after() { tail -n +"$(($2 + 1))" "$1" | grep -a -o 'COUNT [0-9]*' | head -1 | cut -d' ' -f2; }
ram_md5() { mon "$1" "pmemsave 0 0x10000000 $work/ram.bin" >/dev/null && md5sum < "$work/ram.bin" | cut -d' ' -f1; }

errors=()
log1="$work/run1.log"
sock1="$work/mon1.sock"
start "$log1" "$sock1"
wait_count "$log1" 3 || sys_fail "$name: the guest never printed COUNT 3 ($(tail -3 "$log1.stderr"))"

# 1. savevm at N.
mon "$sock1" stop >/dev/null
sleep 0.3
n=$(last_count "$log1")
md5_save=$(ram_md5 "$sock1")
out=$(mon "$sock1" "savevm s1" "info snapshots" cont)
grep -q ' s1 ' <<<"$out" || errors+=("info snapshots does not list s1: $out")
wait_count "$log1" $((n + 3)) || errors+=("the guest stopped counting after savevm")

# 2. loadvm in the same process.
mon "$sock1" stop >/dev/null
out=$(mon "$sock1" "loadvm s1")
[ -z "$out" ] || errors+=("loadvm s1 printed: $out")
md5_load=$(ram_md5 "$sock1")
[ "$md5_save" = "$md5_load" ] || errors+=("RAM checksum after loadvm $md5_load, at savevm $md5_save")
line=$(wc -l < "$log1")
mon "$sock1" cont >/dev/null
wait_count "$log1" 1 && sleep 2.5
got=$(next_after "$log1" "$line")
[ "$got" = $((n + 1)) ] || errors+=("after loadvm the guest printed COUNT $got, wanted $((n + 1))")

# 3. bad input: the machine keeps running as before.
out=$(mon "$sock1" "loadvm nosuch" "info status")
grep -q "does not exist" <<<"$out" || errors+=("loadvm of a missing tag: $out")
grep -q "VM status: running" <<<"$out" || errors+=("not running after a bad loadvm: $out")
mon "$sock1" "savevm s2" >/dev/null
size=$(stat -c %s "$store")
# Flip a byte in the middle of s2 (the last snapshot in the store).
printf '\xa5' | dd of="$store" bs=1 seek=$((size - 5000000)) conv=notrunc status=none
line=$(wc -l < "$log1")
# The last COUNT among those same complete lines: the guest keeps printing, and a
# line still being written when wc ran would count here but not in $line.
before=$(head -n "$line" "$log1" | grep -a -o 'COUNT [0-9]*' | tail -1 | cut -d' ' -f2)
out=$(mon "$sock1" "loadvm s2" "info status")
grep -q "corrupted" <<<"$out" || errors+=("loadvm of a corrupted snapshot: $out")
grep -q "VM status: running" <<<"$out" || errors+=("not running after a corrupt loadvm")
sleep 2.5
after=$(next_after "$log1" "$line")
[ -n "$after" ] && [ "$after" -gt "$before" ] ||
    errors+=("after a failed loadvm the guest printed COUNT $after (was at $before)")
out=$(mon "$sock1" "delvm s2" "info snapshots")
grep -q ' s2 ' <<<"$out" && errors+=("delvm s2 left it listed: $out")
mon "$sock1" quit >/dev/null

# 4. a new process resumes from s1.
log2="$work/run2.log"
start "$log2" "$work/mon2.sock" -loadvm s1
wait_count "$log2" 1 || errors+=("-loadvm s1: the guest printed nothing ($(tail -3 "$log2.stderr"))")
first=$(grep -a -o 'COUNT [0-9]*' "$log2" | head -1 | cut -d' ' -f2)
[ "$first" = $((n + 1)) ] || errors+=("-loadvm s1: the first COUNT is $first, wanted $((n + 1))")
# migrate exec:CMD out of this process, -incoming file:PATH into a new one.
wait_count "$log2" $((n + 3))
mon "$work/mon2.sock" stop >/dev/null
sleep 0.3
m=$(last_count "$log2")
out=$(mon "$work/mon2.sock" "migrate exec:cat > $work/mig.bin" "info status")
[ "$out" = "VM status: paused" ] || errors+=("migrate, then info status: $out")
mon "$work/mon2.sock" quit >/dev/null
log4="$work/run4.log"
start "$log4" "$work/mon4.sock" -incoming "file:$work/mig.bin"
wait_count "$log4" 1 || errors+=("-incoming: the guest printed nothing ($(tail -3 "$log4.stderr"))")
first=$(grep -a -o 'COUNT [0-9]*' "$log4" | head -1 | cut -d' ' -f2)
[ "$first" = $((m + 1)) ] || errors+=("-incoming: the first COUNT is $first, wanted $((m + 1))")
mon "$work/mon4.sock" quit >/dev/null

# 4b. Every device's state round-trips: load s1 paused (-S), save it again at once;
# the two streams must hold the same state (header, RAM, CPU, every device). They
# are compared section by section, RAM chunks by their inflated contents: ISA-L's
# deflate may encode the same bytes another (equally valid) way from one run to the
# next, as it reads stack memory it never wrote (softmmu/savevm-ram.c).
log3="$work/run3.log"
start "$log3" "$work/mon3.sock" -loadvm s1 -S
mon "$work/mon3.sock" "savevm s1again" quit >/dev/null
for _ in $(seq 100); do kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.1; done
python3 - "$store" > "$work/roundtrip.txt" <<'EOF'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'MIMICSS1'
pos, snaps = 8, {}
while pos < len(d):
    pos += 4
    (n,) = struct.unpack_from('<H', d, pos); pos += 2; pos += n
    (n,) = struct.unpack_from('<H', d, pos); pos += 2; tag = d[pos:pos + n].decode(); pos += n
    pos += 24
    (ln,) = struct.unpack_from('<Q', d, pos); pos += 8
    snaps[tag] = d[pos:pos + ln]; pos += ln

def u(b, p, n):
    return int.from_bytes(b[p:p + n], 'little'), p + n

def s(b, p):
    n, p = u(b, p, 2)
    return b[p:p + n], p + n

def sections(b):
    """The stream's sections in order, (name, contents), RAM chunks inflated."""
    p = 8
    _, p = u(b, p, 4); _, p = s(b, p); _, p = u(b, p, 8); _, p = s(b, p)
    _, p = u(b, p, 4); nd, p = u(b, p, 4)
    for _ in range(nd):
        _, p = s(b, p); _, p = s(b, p)
    _, p = u(b, p, 8)
    out = [('header', b[:p])]
    nb, p = u(b, p, 4)
    for _ in range(nb):
        st = p
        name, p = s(b, p); size, p = u(b, p, 8)
        p += ((size + 4095) // 4096 + 7) // 8
        out.append(('block %s' % name.decode(), b[st:p]))
        nch, p = u(b, p, 4)
        for k in range(nch):
            n, p = u(b, p, 4); ln, p = u(b, p, 8)
            out.append(('block %s chunk %d' % (name.decode(), k),
                        n.to_bytes(4, 'little') + zlib.decompress(b[p:p + ln])))
            p += ln
    # The CRC-32 of the encoded stream and MIMICEND close it: not state.
    out.append(('device and CPU records', b[p:-12]))
    return out

a, b = snaps.get('s1'), snaps.get('s1again')
if a is None or b is None:
    print('missing snapshot: %s' % sorted(snaps))
elif a == b:
    print('identical %d bytes' % len(a))
else:
    sa, sb = sections(a), sections(b)
    diff = [x[0] for x, y in zip(sa, sb) if x != y]
    if len(sa) != len(sb) or diff:
        print('streams differ: %d vs %d bytes, %d vs %d sections, first different: %s'
              % (len(a), len(b), len(sa), len(sb), diff[:1]))
    else:
        print('identical state in %d sections (RAM encoded differently: %d vs %d bytes)'
              % (len(sa), len(a), len(b)))
EOF
grep -q identical "$work/roundtrip.txt" || errors+=("load + save is not the identity: $(cat "$work/roundtrip.txt")")

# 5. another RAM size.
out=$("$EMU" -M malta -m 128 -kernel "$GUEST_KERNEL" -initrd "$initrd" -display none \
      -serial null -snapshot-store "$store" -loadvm s1 2>&1)
rc=$?
[ "$rc" != 0 ] && grep -q "256 MiB of RAM" <<<"$out" ||
    errors+=("-m 128 -loadvm s1: status $rc, output: $out")

if [ ${#errors[@]} -gt 0 ]; then
    printf '  %s\n' "${errors[@]}" >&2
    sys_fail "$name: ${#errors[@]} check(s) failed"
fi
echo "$name: savevm at COUNT $n, loadvm (same and new process) resumed at $((n + 1)), RAM checksums equal, migrate exec: + -incoming file: resumed, load+save $(cat "$work/roundtrip.txt"), bad snapshots refused ($EMU)"
exit 0
