#!/usr/bin/env python3
"""Host CPU time an emulator spends between the guest's console markers.

    bench/cpu-markers.py [--reps N] [--from MARK] [--to MARK] -- EMULATOR ARGS...

Runs the command N times (default 1) and, at every console line starting with
MIMIC- (the markers the benchmark scripts print) and at the kernel's first console
line ("boot-first-line"), sums the first field of /proc/PID/task/*/schedstat: the
nanoseconds every thread of the emulator has run. It prints, per run, the CPU
milliseconds from the start to each marker, and with --from/--to the CPU time
between two markers, then their median over the runs.

CPU time between markers depends much less on other load on the machine than wall
time does, so it is the measure to compare two builds of mimic while other jobs run
(wall-time ratios against QEMU still come from bench/boot.sh and workloads.sh).
"""

import argparse
import os
import statistics
import subprocess
import sys


def cpu_ns(pid):
    total = 0
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except FileNotFoundError:
        return None
    for tid in tasks:
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            pass
    return total


def one_run(cmd):
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    marks = {}
    for raw in proc.stdout:
        line = raw.decode(errors="replace").strip()
        key = None
        if line.startswith("MIMIC-"):
            key = line.split()[0]
        elif "boot-first-line" not in marks and line.startswith("["):
            key = "boot-first-line"
        if key and key not in marks:
            ns = cpu_ns(proc.pid)
            if ns is not None:
                marks[key] = ns / 1e6
    proc.wait()
    return marks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--from", dest="frm", default=None)
    ap.add_argument("--to", default=None)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no emulator command given")
    spans = []
    for i in range(args.reps):
        marks = one_run(cmd)
        print("run %d: %s" % (i + 1, "  ".join("%s=%.0f" % kv for kv in marks.items())))
        if args.to:
            start = marks.get(args.frm, 0.0) if args.frm else 0.0
            if args.to in marks and (not args.frm or args.frm in marks):
                spans.append(marks[args.to] - start)
    if args.to:
        if not spans:
            print("marker(s) not seen", file=sys.stderr)
            return 1
        print("cpu ms %s -> %s: median %.0f of %s" % (
            args.frm or "start", args.to, statistics.median(spans),
            " ".join("%.0f" % s for s in spans)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
