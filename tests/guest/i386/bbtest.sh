#!/bin/sh
# Workload for run-bbtest.sh: the same busybox binary runs this natively and in the
# guest; every line of output must match. BB names the busybox binary.
bb=${BB:-busybox}
t=${TMPDIR:-/tmp}
mkdir -p "$t"
echo "bbtest begin"
$bb seq 1 20000 > $t/bb.seq
$bb md5sum < $t/bb.seq
$bb sha1sum < $t/bb.seq
$bb sha256sum < $t/bb.seq
$bb sha512sum < $t/bb.seq
$bb sha3sum < $t/bb.seq
$bb crc32 < $t/bb.seq 2>/dev/null || $bb cksum < $t/bb.seq
$bb gzip -9 -c < $t/bb.seq | $bb md5sum
$bb gzip -1 -c < $t/bb.seq | $bb gunzip -c | $bb md5sum
$bb bzip2 -9 -c < $t/bb.seq | $bb md5sum
$bb bzip2 -c < $t/bb.seq | $bb bunzip2 -c | $bb md5sum
$bb lzop -c < $t/bb.seq 2>/dev/null | $bb md5sum
$bb sort -r -n < $t/bb.seq | $bb head -3
$bb sort < $t/bb.seq | $bb md5sum
$bb shuf -n 5 --random-source=$t/bb.seq -i 1-100 2>/dev/null | $bb md5sum
$bb awk '{ s += $1; p = (p * 31 + $1) % 1000003 } END { print s, p }' $t/bb.seq
$bb awk 'BEGIN { for (i = 0; i < 20; i++) printf "%d %x %o\n", i * 12345, i * 777, i * 99 }'
echo '2 128 ^ p 3 200 ^ 7 % p 12345678901234567890 98765 / p' | $bb dc
$bb factor 600851475143 9999999967 4294967297 18446744073709551615
$bb expr 123456789 \* 987 % 1000007
$bb printf '%08x %d %u %s\n' 3735928559 -42 4294967295 hello
$bb echo "The quick brown fox" | $bb tr 'a-z' 'A-Z' | $bb rev
$bb seq 1 500 | $bb sed -n 's/\([0-9]\)\([0-9]\)$/\2\1/p' | $bb md5sum
$bb seq 1 3000 | $bb grep -E '^(1|2)[3-7]+9$' | $bb wc -l
$bb od -A x -t x4 -N 64 $t/bb.seq | $bb md5sum
$bb xxd -l 48 $t/bb.seq
$bb base64 < $t/bb.seq | $bb md5sum
$bb uuencode -m x < $t/bb.seq | $bb md5sum
$bb ipcalc -n -b -p 192.168.37.201/19
$bb cal 2 2024 | $bb md5sum
$bb date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S %j %U'
echo "bbtest end"
