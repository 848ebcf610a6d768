#!/bin/bash
# Build the bare-metal PC test guests (kvm-test-*.c) into OUTDIR as 64 KiB BIOS
# images (NAME.bin, loaded with -bios), and the Multiboot test kernel as an ELF
# file (kvm-multiboot.elf) and as a flat image with the header's address fields
# (kvm-multiboot-aout.bin), with i686-linux-gnu-gcc.
#   tests/guest/i386/kvm-build.sh OUTDIR
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: kvm-build.sh OUTDIR}
CC=${I686_LINUX_GNU_GCC:-i686-linux-gnu-gcc}
OBJCOPY=${I686_LINUX_GNU_OBJCOPY:-i686-linux-gnu-objcopy}
command -v "$CC" >/dev/null || { echo "kvm-build: $CC not found" >&2; exit 2; }
mkdir -p "$out"
CFLAGS=(-m32 -march=i686 -O1 -ffreestanding -fno-builtin -fno-pic -fno-pie
        -fno-stack-protector -fno-asynchronous-unwind-tables -mgeneral-regs-only
        -nostdlib -static -no-pie -Wall -Werror -Wl,--build-id=none -Wl,-z,noexecstack)
for t in "$src"/kvm-test-*.c; do
    name=$(basename "$t" .c)
    extra=()
    [ -f "$src/$name.S" ] && extra+=("$src/$name.S")
    "$CC" "${CFLAGS[@]}" -T "$src/kvm-rom.ld" -o "$out/$name.elf" \
        "$src/kvm-start.S" "$src/kvm-irq.S" "$src/kvm-lib.c" "$t" "${extra[@]}" -lgcc
    "$OBJCOPY" -O binary "$out/$name.elf" "$out/$name.bin"
    size=$(stat -c %s "$out/$name.bin")
    if [ "$size" != 65536 ]; then
        echo "kvm-build: $name.bin is $size bytes, not 64 KiB" >&2
        exit 1
    fi
done

# The Multiboot test kernel, both ways.
for v in elf aout; do
    defs=()
    [ "$v" = aout ] && defs=(-DMB_AOUT_KLUDGE)
    "$CC" "${CFLAGS[@]}" "${defs[@]}" -T "$src/kvm-mb.ld" -o "$out/kvm-multiboot-$v.elf" \
        "$src/kvm-mb-head.S" "$src/kvm-lib.c" "$src/kvm-mb-main.c" -lgcc
done
cp "$out/kvm-multiboot-elf.elf" "$out/kvm-multiboot.elf"
"$OBJCOPY" -O binary "$out/kvm-multiboot-aout.elf" "$out/kvm-multiboot-aout.bin"
