#!/bin/bash
# mimic-img interop with Debian's qemu-img (qemu-utils):
#  - images qemu-img makes (backing files, compressed clusters, internal
#    snapshots, compat 0.10 and 1.1, small clusters) read back identical in mimic;
#  - images mimic-img makes (convert, convert -c, snapshots, rebase, commit,
#    resize) pass qemu-img check and qemu-img compare against the source;
#  - commit as qemu-img does it: the top emptied (unless -d or -b), checked with
#    qemu-img map/compare/check; -b, -p, -q, -d and the exit codes;
#  - convert -n (existing target) and -B/-F (only what differs from the backing
#    file is copied) against qemu-img's messages, exit codes and maps;
#  - freed clusters punched out of the file (snapshot -d, commit), as QEMU does;
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
"$M" check qc.qcow2 | grep 'compressed clusters' >/dev/null && ok "check counts compressed" || bad "compressed count"

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
"$M" snapshot -l ov.qcow2 | grep before >/dev/null && ok "snapshot -l lists qemu-img's snapshot" || bad "snapshot -l"
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
# Sparse output as qemu-img makes it: zero ranges (unallocated, or zero blocks inside
# allocated clusters) become holes in a raw target, unallocated clusters in a qcow2 one.
qemu-img convert -O qcow2 -o preallocation=metadata src.raw pre.qcow2
for src in q.qcow2 pre.qcow2 src.raw; do
    rm -f sp-m.raw sp-q.raw
    "$M" convert -O raw "$src" sp-m.raw && qemu-img convert -O raw "$src" sp-q.raw
    expect 0 "convert $src -> raw: same data" -- cmp sp-m.raw sp-q.raw
    mb=$(stat -c %b sp-m.raw) qb=$(stat -c %b sp-q.raw)
    [ "$mb" -le $((qb + 64)) ] && ok "convert $src -> raw: as sparse as qemu-img ($mb vs $qb blocks)" ||
        bad "convert $src -> raw: $mb blocks allocated, qemu-img $qb"
done
rm -f sp.qcow2
"$M" convert -O qcow2 pre.qcow2 sp.qcow2
[ "$(qemu-img map --output=json sp.qcow2 | python3 -c 'import json,sys; print(sum(e["length"] for e in json.load(sys.stdin) if e["data"]))')" -le $((6 * 1024 * 1024)) ] &&
    ok "convert -> qcow2 leaves zero clusters unallocated" || bad "convert -> qcow2 allocated zero clusters"
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
qemu-img snapshot -l top.qcow2 | grep s1 >/dev/null && ok "qemu-img sees mimic snapshot" || bad "qemu-img snapshot -l"
qemu-img convert -O raw top.qcow2 top.raw
qemu-io -c 'write -P 0x78 5M 100k' top.qcow2 >/dev/null
"$M" snapshot -a s1 top.qcow2 && expect 0 "mimic snapshot -a restores" -- qemu-img compare top.raw top.qcow2
"$M" snapshot -d s1 top.qcow2 && expect 0 "qemu-img check after mimic snapshot -d" -- qemu-img check top.qcow2

cp src.raw base2.raw
"$M" rebase -b base2.raw -F raw top.qcow2 && expect 0 "rebase (safe) keeps content" -- qemu-img compare top.raw top.qcow2
"$M" commit top.qcow2 >/dev/null && expect 0 "commit into the backing file" -- qemu-img compare top.raw base2.raw

# ---- commit: qemu-img's semantics, checked with qemu-img ----
# top_empty IMG: qemu-img map finds nothing in IMG's own layer (depth 0).
top_empty() {
    qemu-img map --output=json "$1" | python3 -c '
import json, sys
m = json.load(sys.stdin)
own = [e for e in m if e["depth"] == 0 and (e["data"] or e["zero"] and e.get("present"))]
sys.exit(1 if own else 0)'
}
# commit_chain COMPAT: raw base <- qcow2 top with data, a zero cluster (write -z),
# a partial cluster and an internal snapshot; top.raw = what the top reads.
commit_chain() {
    rm -f cb.raw ct.qcow2 ct.raw
    head -c 6M /dev/urandom >cb.raw
    qemu-img create -q -f qcow2 -o "compat=$1" -b cb.raw -F raw ct.qcow2
    qemu-io -c 'write -P 0x21 64k 300k' -c 'write -P 0x22 3M 1M' -c 'write -P 0x23 5000 100' \
        ct.qcow2 >/dev/null
    [ "$1" = 1.1 ] && qemu-io -c 'write -z 2M 128k' ct.qcow2 >/dev/null
    qemu-img snapshot -c keep ct.qcow2
    qemu-io -c 'write -P 0x24 4M 64k' ct.qcow2 >/dev/null
    qemu-img convert -O raw ct.qcow2 ct.raw
}
for compat in 1.1 0.10; do
    commit_chain $compat
    size_before=$(stat -c %s ct.qcow2)
    expect 0 "commit ($compat): exit 0" -- "$M" commit ct.qcow2
    grep -q '^Image committed.$' cmd.out && ok "commit ($compat): message" || bad "commit message"
    expect 0 "commit ($compat): backing file holds the data (qemu-img compare)" -- \
        qemu-img compare -f raw -F raw ct.raw cb.raw
    expect 0 "commit ($compat): top still reads the same through its backing" -- \
        qemu-img compare -F qcow2 ct.raw ct.qcow2
    top_empty ct.qcow2 && ok "commit ($compat): qemu-img map shows the top empty" ||
        { bad "commit ($compat): top not empty"; qemu-img map --output=json ct.qcow2; }
    expect 0 "commit ($compat): qemu-img check clean" -- qemu-img check ct.qcow2
    expect 0 "commit ($compat): mimic-img check clean" -- "$M" check ct.qcow2
    [ "$(stat -c %s ct.qcow2)" -lt "$size_before" ] && ok "commit ($compat): top file shrank" ||
        bad "commit ($compat): top file did not shrink"
    qemu-img snapshot -l ct.qcow2 | grep keep >/dev/null && ok "commit ($compat): snapshot kept" ||
        bad "commit ($compat): snapshot lost"
done

commit_chain 1.1
expect 0 "commit -d: exit 0" -- "$M" commit -d -q ct.qcow2
[ -s cmd.out ] && bad "commit -q printed: $(cat cmd.out)" || ok "commit -q is quiet"
expect 0 "commit -d: backing file holds the data" -- qemu-img compare -f raw -F raw ct.raw cb.raw
top_empty ct.qcow2 && bad "commit -d emptied the top" || ok "commit -d keeps the top populated"
expect 0 "commit -d: qemu-img check clean" -- qemu-img check ct.qcow2

# Three layers, -b to the bottom: the base grows to the top's size, -b implies -d.
rm -f c3b.qcow2 c3m.qcow2 c3t.qcow2
qemu-img create -q -f qcow2 c3b.qcow2 1M
qemu-io -c 'write -P 0x31 0 1M' c3b.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b c3b.qcow2 -F qcow2 c3m.qcow2 2M
qemu-io -c 'write -P 0x32 512k 64k' -c 'write -P 0x33 1536k 64k' c3m.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b c3m.qcow2 -F qcow2 c3t.qcow2 3M
qemu-io -c 'write -P 0x34 0 64k' -c 'write -P 0x35 2M 100k' c3t.qcow2 >/dev/null
qemu-img convert -O raw c3t.qcow2 c3t.raw
expect 0 "commit -b base: exit 0" -- "$M" commit -p -b c3b.qcow2 c3t.qcow2
grep -q '100.00/100%' cmd.out && grep -q '^Image committed.$' cmd.out &&
    ok "commit -p: progress and message" || bad "commit -p output"
expect 0 "commit -b: base holds the whole chain" -- qemu-img compare -F qcow2 c3t.raw c3b.qcow2
[ "$(qemu-img info --output=json c3b.qcow2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')" = 3145728 ] &&
    ok "commit -b: base grew to the top's size" || bad "commit -b: base size"
top_empty c3t.qcow2 && bad "commit -b emptied the top (-b implies -d)" || ok "commit -b keeps the top"
expect 0 "commit -b: qemu-img check of the base" -- qemu-img check c3b.qcow2

# Exit codes and messages as qemu-img's.
qemu-img create -q -f qcow2 lone.qcow2 1M
expect 1 "commit without a backing file: exit 1" -- "$M" commit lone.qcow2
grep -q 'does not have a backing file' cmd.out && ok "commit: no-backing message" || bad "no-backing message"
expect 1 "commit -b not in the chain: exit 1" -- "$M" commit -b nowhere.qcow2 c3t.qcow2
grep -q "Did not find 'nowhere.qcow2' in the backing chain" cmd.out && ok "commit -b: message" ||
    bad "commit -b message"
expect 1 "commit -t bogus: exit 1" -- "$M" commit -t bogus c3t.qcow2
expect 1 "commit -r garbage: exit 1" -- "$M" commit -r 12x c3t.qcow2
expect 1 "commit with two file names: exit 1" -- "$M" commit c3t.qcow2 lone.qcow2

"$M" create -f qcow2 grow.qcow2 1M >/dev/null
"$M" resize grow.qcow2 +3G >/dev/null && [ "$(qemu-img info --output=json grow.qcow2 | python3 -c 'import json,sys; print(json.load(sys.stdin)["virtual-size"])')" = $((3 * 1024 * 1024 * 1024 + 1024 * 1024)) ] &&
    ok "resize" || bad "resize"
expect 0 "qemu-img check after resize" -- qemu-img check grow.qcow2
"$M" info --output=json grow.qcow2 | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["format"]=="qcow2" and d["cluster-size"]==65536' &&
    ok "info --output=json" || bad "info --output=json"

# ---- convert -n, -B: qemu-img's messages, exit codes and results ----
# like_qemu DESC -- ARGS...: mimic-img and qemu-img give the same exit code and message.
like_qemu() {
    local what=$1 qrc=0 mrc=0 qmsg mmsg
    shift 2
    qmsg=$(qemu-img "$@" 2>&1 >/dev/null) || qrc=$?
    mmsg=$("$M" "$@" 2>&1 >/dev/null) || mrc=$?
    if [ "$qrc" = "$mrc" ] && [ "${qmsg#qemu-img: }" = "${mmsg#mimic-img: }" ]; then
        ok "$what (exit $mrc: ${mmsg#mimic-img: })"
    else
        bad "$what: mimic exit $mrc '$mmsg', qemu-img exit $qrc '$qmsg'"
    fi
}
# map_shape IMG: the guest layout of IMG's map (no host offsets), one range a line.
map_shape() {
    qemu-img map --output=json "$1" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    print(e["start"], e["length"], e["depth"], e["zero"], e["data"])'
}
# own_data IMG: bytes of data IMG holds in its own layer.
own_data() {
    qemu-img map --output=json "$1" | python3 -c '
import json, sys
print(sum(e["length"] for e in json.load(sys.stdin) if e["data"] and e["depth"] == 0))'
}

qemu-img create -q -f qcow2 ns.qcow2 6M
qemu-io -c 'write -P 0x41 0 1M' -c 'write -P 0x42 3M 512k' -c 'write -z 4M 1M' ns.qcow2 >/dev/null
qemu-img convert -O raw ns.qcow2 ns.raw
qemu-img create -q -f qcow2 nsmall.qcow2 2M
truncate -s 2M nsmall.raw
rm -f nmissing.qcow2
like_qemu "convert -n: missing target" -- convert -n -O qcow2 ns.qcow2 nmissing.qcow2
[ -e nmissing.qcow2 ] && bad "convert -n created the target" || ok "convert -n does not create the target"
like_qemu "convert -n: qcow2 target too small" -- convert -n -O qcow2 ns.qcow2 nsmall.qcow2
like_qemu "convert -n: raw target too small" -- convert -n -O raw ns.qcow2 nsmall.raw
like_qemu "convert -n: -O defaults to raw" -- convert -n ns.qcow2 nsmall.qcow2
like_qemu "convert -n with -o" -- convert -n -o cluster_size=4k -O qcow2 ns.qcow2 nsmall.qcow2
# Existing, larger targets full of 0x77: the source's range is replaced (zeroes too),
# the rest is kept, and the target is laid out as qemu-img lays it out.
for fmt in raw qcow2 "qcow2 compat=0.10"; do
    set -- $fmt
    for tool in qemu-img "$M"; do
        t=nt-$(basename "$tool").$1
        qemu-img create -q -f "$1" ${2:+-o "$2"} "$t" 8M
        qemu-io -f "$1" -c 'write -P 0x77 0 8M' "$t" >/dev/null
        "$tool" convert -n -O "$1" ns.qcow2 "$t" || bad "$tool convert -n -O $fmt"
    done
    t=nt-mimic-img.$1 q=nt-qemu-img.$1
    qemu-img convert -f "$1" -O raw "$t" nt.raw
    expect 0 "convert -n -O $fmt: the source's range replaced" -- \
        cmp -n $((6 * 1024 * 1024)) ns.raw nt.raw
    expect 0 "convert -n -O $fmt: the rest kept" -- \
        qemu-io -f "$1" -c 'read -P 0x77 6M 2M' "$t"
    grep -q 'Pattern verification failed' cmd.out && bad "convert -n -O $fmt: tail changed"
    [ "$1" = qcow2 ] && expect 0 "convert -n -O $fmt: qemu-img check" -- qemu-img check "$t"
    if [ "$1" = raw ]; then
        mb=$(stat -c %b "$t") qb=$(stat -c %b "$q")
        [ "$mb" -le $((qb + 64)) ] && ok "convert -n -O raw: zeroes are holes ($mb vs $qb blocks)" ||
            bad "convert -n -O raw: $mb blocks, qemu-img $qb"
    else
        [ "$(map_shape "$t")" = "$(map_shape "$q")" ] &&
            ok "convert -n -O $fmt: same map as qemu-img's" ||
            { bad "convert -n -O $fmt: map differs"; map_shape "$t"; map_shape "$q"; }
    fi
done
# An overlay target: zeroes must hide its backing file's data (zero clusters).
for tool in qemu-img "$M"; do
    t=nto-$(basename "$tool").qcow2
    qemu-img create -q -f qcow2 -b ns.qcow2 -F qcow2 "$t"
    qemu-io -c 'write -P 0x77 1M 1M' "$t" >/dev/null
    "$tool" convert -n -O qcow2 -f raw ns.raw "$t" || bad "$tool convert -n into an overlay"
done
expect 0 "convert -n into an overlay: data" -- qemu-img compare ns.raw nto-mimic-img.qcow2
[ "$(map_shape nto-mimic-img.qcow2)" = "$(map_shape nto-qemu-img.qcow2)" ] &&
    ok "convert -n into an overlay: same map as qemu-img's" ||
    { bad "convert -n into an overlay: map differs"; map_shape nto-mimic-img.qcow2; }
qemu-img create -q -f qcow2 ntc.qcow2 8M
qemu-io -c 'write -P 0x77 0 8M' ntc.qcow2 >/dev/null
expect 0 "convert -n -c over allocated clusters" -- "$M" convert -n -c -O qcow2 ns.qcow2 ntc.qcow2
qemu-img convert -O raw ntc.qcow2 nt.raw
expect 0 "convert -n -c: data" -- cmp -n $((6 * 1024 * 1024)) ns.raw nt.raw

# -B: base <- top, where top rewrites one range with new data, one with the base's own
# data (qemu-img copies that, mimic sees it is equal), zeroes one and adds one.
qemu-img create -q -f qcow2 bb.qcow2 16M
qemu-io -c 'write -P 1 0 8M' bb.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b bb.qcow2 -F qcow2 bt.qcow2
qemu-io -c 'write -P 2 1M 1M' -c 'write -P 1 3M 1M' -c 'write -z 5M 1M' -c 'write -P 3 12M 1M' \
    bt.qcow2 >/dev/null
qemu-img convert -O raw bt.qcow2 bt.raw
rm -f bq.qcow2
qemu-img convert -O qcow2 -B bb.qcow2 -F qcow2 bt.qcow2 bq.qcow2
for src in bt.qcow2 bt.raw; do
    for opts in "" "-c" "-o compat=0.10"; do
        rm -f bm.qcow2
        what="convert -B ${opts:+$opts }$src"
        expect 0 "$what: exit 0" -- "$M" convert $opts -O qcow2 -B bb.qcow2 -F qcow2 "$src" bm.qcow2
        expect 0 "$what: qemu-img compare" -- qemu-img compare "$src" bm.qcow2
        expect 0 "$what: qemu-img check" -- qemu-img check bm.qcow2
        [ "$(qemu-img info --output=json bm.qcow2 | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["backing-filename"], d["backing-filename-format"])')" = "bb.qcow2 qcow2" ] &&
            ok "$what: backing file and format recorded" || bad "$what: backing file"
        own=$(own_data bm.qcow2) qown=$(own_data bq.qcow2) most=$((2 * 1024 * 1024))
        # Only the two ranges that differ: 1M at 1M and 1M at 12M (v2 has no zero
        # clusters: the zeroed 1M at 5M is written out as data).
        [ "$opts" = "-o compat=0.10" ] && most=$((3 * 1024 * 1024))
        [ "$own" -le "$most" ] && [ "$own" -le "$qown" ] &&
            ok "$what: only what differs is copied ($own bytes; qemu-img $qown)" ||
            bad "$what: $own bytes of own data (qemu-img $qown)"
    done
done
rm -f bm.qcow2
"$M" convert -O qcow2 -B bb.qcow2 -F qcow2 bt.qcow2 bm.qcow2
"$M" map bm.qcow2 >bm.map
grep -q 'bb.qcow2' bm.map && grep -q 'bm.qcow2' bm.map &&
    ok "mimic-img map shows the backing file beneath" || { bad "mimic-img map -B"; cat bm.map; }
qemu-img map --output=json bm.qcow2 | python3 -c '
import json, sys
z = [e for e in json.load(sys.stdin) if e["start"] <= 5 << 20 < e["start"] + e["length"]]
sys.exit(0 if z and z[0]["zero"] and z[0]["depth"] == 0 else 1)' &&
    ok "convert -B: zeroes over backing data are a zero cluster" || bad "convert -B: zero cluster"
like_qemu "convert -B without -F" -- convert -O qcow2 -B bb.qcow2 bt.qcow2 bx.qcow2
like_qemu "convert -F without -B" -- convert -O qcow2 -F qcow2 bt.qcow2 bx.qcow2
like_qemu "convert -B to raw" -- convert -O raw -B bb.qcow2 -F qcow2 bt.qcow2 bx.raw
like_qemu "convert -B missing" -- convert -O qcow2 -B nowhere.qcow2 -F qcow2 bt.qcow2 bx.qcow2

# ---- freed clusters go back to the host, where QEMU gives them back ----
# snapshot -d of a large snapshot (pass-discard-snapshot is on by default in QEMU).
for tool in qemu-img "$M"; do
    t=sd-$(basename "$tool").qcow2
    rm -f "$t"
    qemu-img create -q -f qcow2 "$t" 64M
    qemu-io -c 'write -P 0x51 0 32M' "$t" >/dev/null
    "$tool" snapshot -c big "$t"
    qemu-io -c 'write -P 0x52 0 32M' "$t" >/dev/null
    sd_before=$(stat -c %b "$t")
    "$tool" snapshot -d big "$t" || bad "$tool snapshot -d"
done
mb=$(stat -c %b sd-mimic-img.qcow2) qb=$(stat -c %b sd-qemu-img.qcow2)
[ "$mb" -le $((sd_before - 60000)) ] && [ "$mb" -le $((qb + 256)) ] &&
    ok "snapshot -d: the snapshot's 32 MiB given back ($sd_before -> $mb blocks; qemu-img $qb)" ||
    bad "snapshot -d: $sd_before -> $mb blocks (qemu-img $qb)"
[ "$(stat -c %s sd-mimic-img.qcow2)" = "$(stat -c %s sd-qemu-img.qcow2)" ] &&
    ok "snapshot -d: file size kept, as qemu-img keeps it" || bad "snapshot -d: file size"
expect 0 "snapshot -d: qemu-img check" -- qemu-img check sd-mimic-img.qcow2
expect 0 "snapshot -d: active data intact" -- qemu-io -c 'read -P 0x52 0 32M' sd-mimic-img.qcow2
grep -q 'Pattern verification failed' cmd.out && bad "snapshot -d: active data changed"
# commit empties the top: with 512-byte clusters its refcount blocks lie between the
# data, so the file cannot shrink from the end; the data's blocks are punched out.
rm -f pb.raw pt.qcow2
head -c 4M /dev/urandom >pb.raw
qemu-img create -q -f qcow2 -o cluster_size=512 -b pb.raw -F raw pt.qcow2
qemu-io -c 'write -P 0x61 0 3M' pt.qcow2 >/dev/null
pt_before=$(stat -c %b pt.qcow2)
"$M" commit -q pt.qcow2 || bad "commit of the 512-byte-cluster top"
pt_after=$(stat -c %b pt.qcow2)
[ "$pt_after" -le $((pt_before / 4)) ] &&
    ok "commit: emptied clusters given back ($pt_before -> $pt_after blocks)" ||
    bad "commit: $pt_before -> $pt_after blocks"
expect 0 "commit (512-byte clusters): qemu-img check" -- qemu-img check pt.qcow2

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
