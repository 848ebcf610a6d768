#!/bin/bash
# mimic-img interop with Debian's qemu-img (qemu-utils):
#  - images qemu-img makes (backing files, compressed clusters, internal
#    snapshots, compat 0.10 and 1.1, small clusters) read back identical in mimic;
#  - images mimic-img makes (convert, convert -c, snapshots, rebase, commit,
#    resize) pass qemu-img check and qemu-img compare against the source;
#  - exit codes of check (0 clean, 3 leaks, 2 corruption) and malformed images.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
M="$top/${BUILD:-build}/mimic-img"
[ -x "$M" ] || { echo "SKIP: $M not built"; exit 77; }
command -v qemu-img >/dev/null && command -v qemu-io >/dev/null ||
    { echo "SKIP: qemu-img/qemu-io not installed (qemu-utils)"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-img-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
expect() {   # expect RC DESCRIPTION -- command...
    local want=$1 what=$2 rc
    shift 3
    "$@" >cmd.out 2>&1
    rc=$?
    if [ "$rc" = "$want" ]; then ok "$what"; else bad "$what (exit $rc, want $want)"; cat cmd.out; fi
}

# A source disk with data, zeroes, text (compressible) and random (not).
qemu-img create -q -f raw src.raw 48M
head -c 2M /dev/urandom | dd of=src.raw bs=1k seek=77 conv=notrunc status=none
seq 1 400000 | dd of=src.raw bs=1M seek=20 conv=notrunc status=none
printf 'tail' | dd of=src.raw bs=1 seek=$((48 * 1024 * 1024 - 4)) conv=notrunc status=none

# ---- qemu-img makes, mimic reads ----
for opts in "compat=1.1" "compat=0.10" "cluster_size=4096" "cluster_size=512,refcount_bits=8"; do
    qemu-img convert -O qcow2 -o "$opts" src.raw q.qcow2
    expect 0 "mimic reads qemu-img qcow2 ($opts)" -- "$M" compare src.raw q.qcow2
    expect 0 "mimic check of qemu-img qcow2 ($opts)" -- "$M" check q.qcow2
done
qemu-img convert -c -O qcow2 src.raw qc.qcow2
expect 0 "mimic reads qemu-img compressed clusters" -- "$M" compare src.raw qc.qcow2
"$M" check qc.qcow2 | grep -q 'compressed clusters' && ok "check counts compressed" || bad "compressed count"

qemu-img create -q -f qcow2 -b src.raw -F raw ov.qcow2
qemu-io -c 'write -P 0xab 1000 70000' -c 'write -P 0xcd 30M 1M' ov.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b ov.qcow2 -F qcow2 ov2.qcow2
qemu-io -c 'write -P 0x5e 29M 1536k' ov2.qcow2 >/dev/null
qemu-img convert -O raw ov2.qcow2 ov2.raw
expect 0 "mimic reads a qemu-img backing chain" -- "$M" compare ov2.raw ov2.qcow2
"$M" info --backing-chain --output=json ov2.qcow2 >chain.json
python3 -c 'import json,sys; c=json.load(open("chain.json")); assert [i["format"] for i in c]==["qcow2","qcow2","raw"]; assert c[0]["backing-filename"]=="ov.qcow2"' &&
    ok "info --backing-chain --output=json" || bad "info json chain"

qemu-img snapshot -c before ov.qcow2
qemu-img convert -O raw ov.qcow2 ov-before.raw
qemu-io -c 'write -P 0x11 0 300k' ov.qcow2 >/dev/null
"$M" snapshot -l ov.qcow2 | grep -q before && ok "snapshot -l lists qemu-img's snapshot" || bad "snapshot -l"
expect 0 "mimic applies a qemu-img snapshot" -- "$M" snapshot -a before ov.qcow2
expect 0 "qemu-img check after mimic snapshot -a" -- qemu-img check ov.qcow2
expect 0 "data after snapshot -a" -- qemu-img compare ov-before.raw ov.qcow2

# ---- mimic makes, qemu-img checks ----
for fmt_opts in "qcow2 compat=1.1" "qcow2 compat=0.10" "qcow2 cluster_size=512" "raw "; do
    set -- $fmt_opts
    rm -f m.img
    "$M" convert -f raw -O "$1" ${2:+-o "$2"} src.raw m.img || bad "mimic convert $fmt_opts"
    [ "$1" = qcow2 ] && expect 0 "qemu-img check of mimic convert ($fmt_opts)" -- qemu-img check m.img
    expect 0 "qemu-img compare of mimic convert ($fmt_opts)" -- qemu-img compare src.raw m.img
done
"$M" convert -c -p -O qcow2 src.raw mc.qcow2 >progress.out || bad "convert -c"
grep -q '100.00/100%' progress.out && ok "convert -p progress" || bad "convert -p progress"
expect 0 "qemu-img check of mimic convert -c" -- qemu-img check mc.qcow2
expect 0 "qemu-img compare of mimic convert -c" -- qemu-img compare src.raw mc.qcow2
"$M" convert -O qcow2 src.raw unc.qcow2
[ "$(stat -c %s mc.qcow2)" -lt "$(stat -c %s unc.qcow2)" ] &&
    ok "compressed image is smaller" || bad "compressed image size"
qemu-img info mc.qcow2 >/dev/null || bad "qemu-img info of mimic image"

"$M" convert -O qcow2 ov2.qcow2 flat.qcow2
expect 0 "convert flattens a chain" -- qemu-img compare ov2.raw flat.qcow2

"$M" create -q -f qcow2 -b src.raw -F raw top.qcow2 >/dev/null
expect 0 "mimic overlay: qemu-img check" -- qemu-img check top.qcow2
qemu-io -c 'write -P 0x77 5M 200k' top.qcow2 >/dev/null
"$M" snapshot -c s1 top.qcow2 && expect 0 "qemu-img check after mimic snapshot -c" -- qemu-img check top.qcow2
qemu-img snapshot -l top.qcow2 | grep -q s1 && ok "qemu-img sees mimic snapshot" || bad "qemu-img snapshot -l"
qemu-img convert -O raw top.qcow2 top.raw
qemu-io -c 'write -P 0x78 5M 100k' top.qcow2 >/dev/null
"$M" snapshot -a s1 top.qcow2 && expect 0 "mimic snapshot -a restores" -- qemu-img compare top.raw top.qcow2
"$M" snapshot -d s1 top.qcow2 && expect 0 "qemu-img check after mimic snapshot -d" -- qemu-img check top.qcow2

cp src.raw base2.raw
"$M" rebase -b base2.raw -F raw top.qcow2 && expect 0 "rebase (safe) keeps content" -- qemu-img compare top.raw top.qcow2
"$M" commit top.qcow2 >/dev/null && expect 0 "commit into the backing file" -- qemu-img compare top.raw base2.raw

"$M" create -f qcow2 grow.qcow2 1M >/dev/null
"$M" resize grow.qcow2 +3G >/dev/null && [ "$(qemu-img info --output=json grow.qcow2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')" = $((3 * 1024 * 1024 * 1024 + 1024 * 1024)) ] &&
    ok "resize" || bad "resize"
expect 0 "qemu-img check after resize" -- qemu-img check grow.qcow2
"$M" info --output=json grow.qcow2 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["format"]=="qcow2" and d["cluster-size"]==65536' &&
    ok "info --output=json" || bad "info --output=json"

# ---- check exit codes and repair ----
qemu-img create -q -f qcow2 -o cluster_size=4096 leak.qcow2 1M
python3 - <<'PY'
import struct
f = open("leak.qcow2", "r+b")
f.seek(2 * 4096 + 2 * 40)           # refcount of clusters 40, 41
f.write(struct.pack(">HH", 1, 1))
f.truncate(42 * 4096)
PY
expect 3 "check exit 3 on leaks" -- "$M" check leak.qcow2
expect 0 "check -r leaks repairs" -- "$M" check -r leaks leak.qcow2
expect 0 "qemu-img agrees after repair" -- qemu-img check leak.qcow2

qemu-img create -q -f qcow2 -o cluster_size=4096 cor.qcow2 1M
qemu-io -c 'write 0 4k' cor.qcow2 >/dev/null
python3 - <<'PY'
import struct
f = open("cor.qcow2", "r+b")
f.seek(2 * 4096)
rb = f.read(4096)
# drop the data cluster's refcount to 0: a corruption
for i in range(4, 8):
    f.seek(2 * 4096 + 2 * i); f.write(struct.pack(">H", 0))
PY
rc=0; "$M" check cor.qcow2 >/dev/null 2>&1 || rc=$?
[ $rc = 2 ] && ok "check exit 2 on corruption" || bad "check exit $rc on corruption"

printf 'QFI\xfb\x00\x00\x00\x03garbage-header' >junk.qcow2
head -c 4096 /dev/zero >>junk.qcow2
rc=0; timeout 10 "$M" info junk.qcow2 >junk.out 2>&1 || rc=$?
[ $rc -ge 1 ] && [ $rc -lt 128 ] && [ $rc != 124 ] && grep -q 'junk.qcow2' junk.out &&
    ok "malformed header: clear error ($(head -1 junk.out))" || bad "malformed header rc=$rc"
qemu-img create -q -f qcow2 -b loopb.qcow2 -F qcow2 -u loopa.qcow2 1M
qemu-img create -q -f qcow2 -b loopa.qcow2 -F qcow2 -u loopb.qcow2 1M
rc=0; timeout 10 "$M" info --backing-chain loopa.qcow2 >loop.out 2>&1 || rc=$?
[ $rc = 1 ] && grep -q loop loop.out && ok "backing loop detected" || bad "backing loop rc=$rc"

exit $fail
