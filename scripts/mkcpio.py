#!/usr/bin/env python3
"""Pack a directory into a gzip'd "newc" cpio archive, the format the Linux kernel
unpacks as an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst).

Written in Python rather than piping `find | cpio` because:
- entries the staging directory cannot hold without root (the /dev/console character
  device the kernel opens for init's stdin/stdout) are added from --node options;
- every entry is owned by root with mtime 0 and listed in sorted order, so the same
  inputs give a byte-identical archive (the callers cache archives by input hash).

usage: mkcpio.py OUT.cpio.gz DIR [--node PATH:c|b:MAJOR:MINOR:MODE]...
"""

import gzip
import os
import stat
import sys


def header(ino, mode, nlink, size, rdevmajor, rdevminor, name):
    """Return a newc header plus the NUL-terminated, 4-byte padded name."""
    namez = name.encode() + b"\0"
    fields = [
        ino, mode, 0, 0, nlink, 0, size,  # ino mode uid gid nlink mtime filesize
        0, 0, rdevmajor, rdevminor,       # devmajor devminor rdevmajor rdevminor
        len(namez), 0,                    # namesize check
    ]
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + namez
    return head + b"\0" * (-len(head) % 4)


def pad(data):
    return data + b"\0" * (-len(data) % 4)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    out, root = argv[1], argv[2]
    nodes = {}
    rest = argv[3:]
    while rest:
        if rest[0] != "--node" or len(rest) < 2:
            sys.stderr.write("mkcpio: bad argument %r\n" % rest[0])
            return 2
        path, kind, major, minor, mode = rest[1].split(":")
        nodes[path.strip("/")] = (kind, int(major), int(minor), int(mode, 8))
        rest = rest[2:]

    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            arc = name if rel == "." else os.path.join(rel, name)
            entries.append((arc, path))
    entries.sort()

    ino = 1
    # No file name and mtime 0 in the gzip header: identical inputs, identical bytes.
    with open(out, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as f:
        for arc, path in entries:
            st = os.lstat(path)
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
                mode = stat.S_IFLNK | 0o777
            elif stat.S_ISDIR(st.st_mode):
                data = b""
                mode = stat.S_IFDIR | perm
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as src:
                    data = src.read()
                mode = stat.S_IFREG | perm
            else:
                sys.stderr.write("mkcpio: skipping special file %s\n" % path)
                continue
            nlink = 2 if stat.S_ISDIR(mode) else 1
            f.write(header(ino, mode, nlink, len(data), 0, 0, arc))
            f.write(pad(data))
            ino += 1
        for arc in sorted(nodes):
            kind, major, minor, perm = nodes[arc]
            fmt = stat.S_IFCHR if kind == "c" else stat.S_IFBLK
            f.write(header(ino, fmt | perm, 1, 0, major, minor, arc))
            ino += 1
        f.write(header(0, 0, 1, 0, 0, 0, "TRAILER!!!"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
