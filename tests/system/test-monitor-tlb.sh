#!/bin/bash
# `info tlb` on booted Linux guests, checked against the guest's own memory:
#  - Malta (MIPS): the 16 joint-TLB entries; the running shell's pages appear (user
#    addresses with the current ASID, V set, PFN inside RAM), and for every valid
#    page of the current address space the word at the virtual address (x) equals
#    the word at the physical address the entry names (xp);
#  - PC (i386, Debian's 686 kernel, 32-bit paging): the kernel's direct map
#    c0000000 -> 00000000 (global, writable, not user), 4 MiB pages (P) mapping
#    va - c0000000, user pages of busybox (U), and x == xp for a sample of lines.
# Both guests run a shell loop printing "COUNT n"; the machine is stopped first.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=monitor-tlb

sys_need_emu
command -v python3 >/dev/null || sys_skip "python3 is needed to drive the monitor"
EMU_I386=${EMU_I386:-$BUILD/mimic-system-i386}
[ -x "$EMU_I386" ] || sys_fail "$EMU_I386 not built"

work=$(mktemp -d "${TMPDIR:-/tmp}/mimic-systest.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
printf '#!/bin/sh\ni=0\nwhile true; do i=$((i+1)); echo "COUNT $i"; sleep 1; done\n' \
    >"$work/test.sh"

# boot ARCH EMULATOR [board options]: start the guest, wait for COUNT 2.
boot() {
    local arch=$1 emu=$2
    shift 2
    sys_need_guest "$arch"
    scripts/make-initramfs.sh --arch "$arch" --busybox "$GUEST_BUSYBOX" \
        --test "$work/test.sh" -o "$work/initrd-$arch.gz" >/dev/null ||
        sys_fail "could not build the $arch initramfs"
    "$emu" "$@" -m 128 -kernel "$GUEST_KERNEL" -initrd "$work/initrd-$arch.gz" \
        -append console=ttyS0 -display none -serial "file:$work/$arch.log" \
        -monitor "unix:$work/$arch.sock,server,nowait" >"$work/$arch.err" 2>&1 &
    for _ in $(seq 1200); do
        grep -aq 'COUNT 2' "$work/$arch.log" 2>/dev/null && return 0
        sleep 0.25
    done
    sys_fail "$name: the $arch guest did not reach COUNT 2 ($(tail -3 "$work/$arch.err"))"
}

boot mips "$EMU" -M malta
boot i386 "$EMU_I386"

cat > "$work/check.py" <<'EOF'
import re, subprocess, sys

work = sys.argv[1]
errors = []

def hmp(arch, *cmds):
    r = subprocess.run(['python3', 'tests/system/hmp.py', '%s/%s.sock' % (work, arch)] +
                       list(cmds), capture_output=True, text=True, timeout=300)
    return r.stdout

def word(out):
    m = re.search(r':\s*(0x[0-9a-f]+)', out)
    return m.group(1) if m else None

# ---- MIPS ----
hmp('mips', 'stop')
tlb = hmp('mips', 'info tlb')
m = re.match(r'EntryHi\.ASID 0x([0-9a-f]+)', tlb)
asid = int(m.group(1), 16) if m else -1
rows = re.findall(r'^\s*(\d+) ([0-9a-f]{8}) (\S+)\s+(\d+[KM])((?:\s+[0-9a-f]{8}-[0-9a-f]{8} '
                  r'-> [0-9a-f]{8} C\d [D-][V-]){2})$', tlb, re.M)
if asid < 0 or len(rows) != 16:
    errors.append('mips: wanted a header and 16 entries, got %d: %r' % (len(rows), tlb[:400]))
checked = 0
for idx, vpn2, a, size, halves in rows:
    for va, pa, v in re.findall(r'([0-9a-f]{8})-[0-9a-f]{8} -> ([0-9a-f]{8}) C\d [D-]([V-])',
                                halves):
        if v != 'V' or (a != 'global' and int(a, 16) != asid):
            continue
        if int(pa, 16) >= 128 << 20:
            errors.append('mips: entry %s maps %s to %s, beyond RAM' % (idx, va, pa))
            continue
        if int(va, 16) >= 0x80000000:
            continue
        xv = word(hmp('mips', 'x/1x 0x' + va))
        xp = word(hmp('mips', 'xp/1x 0x' + pa))
        checked += 1
        if xv is None or xv != xp:
            errors.append('mips: entry %s: x %s = %s but xp %s = %s' % (idx, va, xv, pa, xp))
if checked < 3:
    errors.append('mips: only %d valid user pages of ASID 0x%02x: %r' % (checked, asid, tlb))

# ---- i386 ----
hmp('i386', 'stop')
tlb = hmp('i386', 'info tlb')
lines = re.findall(r'^([0-9a-f]{8}): ([0-9a-f]{8,}) ([X-][G-][P-][D-][A-][C-][T-][U-][W-])$',
                   tlb, re.M)
maps = {int(v, 16): (int(p, 16), f) for v, p, f in lines}
if len(lines) < 100:
    errors.append('i386: only %d mappings: %r' % (len(lines), tlb[:400]))
k = maps.get(0xc0000000)
if not k or k[0] != 0 or k[1][1] != 'G' or k[1][7] != '-' or k[1][8] != 'W':
    errors.append('i386: c0000000 -> 0 global, kernel, writable missing: %s' % (k,))
large = [(v, p) for v, (p, f) in maps.items() if f[2] == 'P']
if not large or any(p != v - 0xc0000000 for v, p in large if v >= 0xc0000000):
    errors.append('i386: 4 MiB pages of the direct map: %s' % large[:5])
user = [v for v, (p, f) in maps.items() if f[7] == 'U']
if not user or min(user) >= 0xc0000000:
    errors.append('i386: no user pages listed')
sample = sorted(maps)[::max(1, len(maps) // 12)] + user[:3]
for v in sample:
    p = maps[v][0]
    xv = word(hmp('i386', 'x/1x 0x%x' % v))
    xp = word(hmp('i386', 'xp/1x 0x%x' % p))
    if xv is None or xv != xp:
        errors.append('i386: x %08x = %s but xp %08x = %s' % (v, xv, p, xp))

hmp('mips', 'quit')
hmp('i386', 'quit')
for e in errors:
    print('  ' + e, file=sys.stderr)
print('mips: %d pages of ASID 0x%02x checked; i386: %d mappings, %d large, %d user, %d '
      'checked' % (checked, asid, len(lines), len(large), len(user), len(sample)))
sys.exit(1 if errors else 0)
EOF

out=$(python3 "$work/check.py" "$work") || sys_fail "$name: check(s) failed"
echo "$name: info tlb matches guest memory: $out"
exit 0
