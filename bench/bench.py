#!/usr/bin/env python3
"""Side-by-side benchmarks of mimic against Debian's QEMU (standard library only).

    bench/bench.py boot      [--arch mips|i386] [--reps N] [--timeout S]
    bench/bench.py workloads [--arch mips|i386] [--reps N] [--timeout S] [--scale F]

boot: boots the default guest (Debian's newest 4kc-malta kernel, a busybox
initramfs whose /test.sh does nothing, so /init powers off at once) in mimic and in
qemu-system-mipsel, alternating, N times each. Reports the medians of the time from
start to the marker /init prints just before it would start the shell
(MIMIC-INIT-READY), the time to poweroff (emulator exit; it includes the 1 s the
guest's /init waits for the console to drain), and the peak RSS of the emulator
process (/usr/bin/time -f %M).

workloads: builds bench/workloads/*.c statically for the guest (mipsel-linux-gnu-gcc)
and for the host, boots an initramfs that runs each workload once per boot, and
reports per workload the time the guest measured (CLOCK_MONOTONIC inside the guest),
the time the harness saw between the start and end markers on the console, and the
native time on the host. Each workload's check value must match the native run's;
a mismatch is reported as WRONG (the emulator computed something else).

Ratios are mimic/QEMU: below 1.0 means mimic is faster. When mimic's binary is
missing the benchmark says so and still reports QEMU's figures.

--arch i386 does the same on the PC board with Debian's 686 kernel and workloads
built with i686-linux-gnu-gcc.

Environment: MIMIC (default build/mimic-system-mipsel or -i386), QEMU (default
qemu-system-mipsel or -i386), BUILD (build), MIMIC_CACHE (guest cache).
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
WORKLOADS = ["intloop", "memtlb", "syscall", "pagefault", "forkexec", "console"]
READY = "MIMIC-INIT-READY"

# Per guest architecture: fetch-guests name, binaries, board options, cross compiler.
ARCHES = {
    "mips": {"mimic": "mimic-system-mipsel", "qemu": "qemu-system-mipsel",
             "board": ["-M", "malta"], "cc": "mipsel-linux-gnu-gcc", "desc": "Malta"},
    "i386": {"mimic": "mimic-system-i386", "qemu": "qemu-system-i386",
             "board": [], "cc": "i686-linux-gnu-gcc", "desc": "PC"},
}
ARCH = ARCHES["mips"]
ARCH_NAME = "mips"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def find_emulators():
    """Return [(label, path or None, why-missing)] for mimic and QEMU."""
    out = []
    for label, var, dflt in (("mimic", "MIMIC", os.path.join(BUILD, ARCH["mimic"])),
                             ("qemu", "QEMU", ARCH["qemu"])):
        name = os.environ.get(var, dflt)
        path = shutil.which(name) if os.sep not in name else (
            name if os.access(name, os.X_OK) else None)
        out.append((label, path, None if path else "%s not found" % name))
    return out


def fetch_guest():
    # fetch-guests.sh prints shell assignments (quoted with printf %q): let bash
    # evaluate them and hand the values back NUL-separated.
    script = ('eval "$("$1"/scripts/fetch-guests.sh -q "$2")" || exit 1; '
              'for v in ${!GUEST_*}; do printf "%s=%s\\0" "$v" "${!v}"; done')
    res = subprocess.run(["bash", "-c", script, "bash", TOP, ARCH_NAME], check=True,
                         stdout=subprocess.PIPE, text=True)
    return dict(item.split("=", 1) for item in res.stdout.split("\0") if "=" in item)


def make_initramfs(guest, test_script, bins=()):
    cmd = [os.path.join(TOP, "scripts/make-initramfs.sh"), "--arch", ARCH_NAME,
           "--busybox", guest["GUEST_BUSYBOX"], "--test", test_script]
    for b in bins:
        cmd += ["--bin", b]
    res = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return res.stdout.strip().splitlines()[-1]


def _children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


# After /test.sh has finished (MIMIC-TEST-EXIT), a guest that cannot power the
# machine off would keep the emulator alive until the timeout: give it this long.
EXIT_GRACE = 30.0


def run_guest(emu, guest, initrd, timeout, logpath):
    """Boot once; return dict(rc, t_ready, t_exit, rss_mb, marks, lines).

    rc is the emulator's exit status, "timeout", or "no-exit" (the guest finished
    but the emulator was still running EXIT_GRACE seconds later)."""
    with tempfile.NamedTemporaryFile(prefix="mimic-bench-time.", delete=False) as tf:
        timefile = tf.name
    cmd = ["/usr/bin/time", "-f", "%M", "-o", timefile, emu] + ARCH["board"] + [
           "-m", "256", "-kernel", guest["GUEST_KERNEL"],
           "-initrd", initrd, "-append", "console=ttyS0", "-nographic"]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    stopped = []

    def hard_kill():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop(reason):
        # SIGTERM the emulator only, so /usr/bin/time survives to report its RSS;
        # SIGKILL everything if that is not enough.
        if proc.poll() is not None:
            return
        stopped.append(reason)
        for kid in _children(proc.pid):
            try:
                os.kill(kid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        backstop = threading.Timer(5.0, hard_kill)
        backstop.daemon = True
        backstop.start()

    timers = [threading.Timer(timeout, stop, ["timeout"])]
    timers[0].start()
    marks, lines = {}, []
    with open(logpath, "w", errors="replace") as logf:
        logf.write("+ %s\n" % " ".join(cmd))
        for raw in proc.stdout:
            now = time.monotonic() - t0
            line = raw.decode(errors="replace").rstrip("\r\n")
            logf.write(line + "\n")
            lines.append(line)
            key = line.strip()
            if key.startswith("MIMIC-") and key not in marks:
                marks[key] = now
                if key.startswith("MIMIC-TEST-EXIT"):
                    grace = threading.Timer(EXIT_GRACE, stop, ["no-exit"])
                    grace.start()
                    timers.append(grace)
    rc = proc.wait()
    t_exit = time.monotonic() - t0
    for t in timers:
        t.cancel()
    rss = None
    try:
        with open(timefile) as f:
            vals = [ln.strip() for ln in f if ln.strip().isdigit()]
            rss = int(vals[-1]) / 1024.0 if vals else None
    finally:
        os.unlink(timefile)
    if stopped:
        rc = stopped[0]
    return {"rc": rc, "t_ready": marks.get(READY), "t_exit": t_exit, "rss_mb": rss,
            "marks": marks, "lines": lines}


def median(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec="%.2f"):
    return "-" if v is None else spec % v


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def print_table(title, header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    out = [title]
    for r in [header] + rows:
        out.append("  " + "  ".join(str(c).ljust(widths[i]) if i == 0 else
                                    str(c).rjust(widths[i]) for i, c in enumerate(r)))
    text = "\n".join(out)
    print(text, flush=True)
    return text + "\n"


def emulator_runs(args, guest, initrd, name):
    """Run every present emulator args.reps times, alternating.

    Returns None when no emulator is present, else ({label: [runs]}, every label,
    a note naming the missing emulators for the table)."""
    emus = find_emulators()
    for label, path, why in emus:
        if not path:
            log("bench: %s is missing (%s): reporting the others only" % (label, why))
    present = [(label, path) for label, path, _ in emus if path]
    if not present:
        log("bench: no emulator to measure")
        return None
    logdir = os.path.join(BUILD, "bench")
    os.makedirs(logdir, exist_ok=True)
    name = "%s-%s" % (name, ARCH_NAME)
    runs = {label: [] for label, _ in present}
    for rep in range(args.reps):
        for label, path in present:
            logpath = os.path.join(logdir, "%s-%s-%d.log" % (name, label, rep + 1))
            r = run_guest(path, guest, initrd, args.timeout, logpath)
            runs[label].append(r)
            log("bench: %s %s run %d/%d: rc=%s ready=%s exit=%.2fs rss=%s MiB (log %s)" %
                (name, label, rep + 1, args.reps, r["rc"], fmt(r["t_ready"]), r["t_exit"],
                 fmt(r["rss_mb"], "%.0f"), logpath))
    missing = "".join("  %s: not measured (%s)\n" % (label, why)
                      for label, path, why in emus if not path)
    return runs, [label for label, _, _ in emus], missing


def cmd_boot(args):
    guest = fetch_guest()
    with tempfile.TemporaryDirectory(prefix="mimic-bench.") as tmp:
        script = os.path.join(tmp, "test.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n# boot benchmark: nothing to do, /init powers off\n")
        initrd = make_initramfs(guest, script)
    res = emulator_runs(args, guest, initrd, "boot")
    if not res:
        return 1
    runs, labels, missing = res
    col = {}
    for label in labels:
        allr = runs.get(label, [])
        rs = [r for r in allr if r["rc"] == 0]
        col[label] = {
            # A run that reached the shell marker counts for it even if the machine
            # then failed to power off; the poweroff time needs a clean exit.
            "ready": median([r["t_ready"] for r in allr]),
            "exit": median([r["t_exit"] for r in rs]),
            "rss": median([r["rss_mb"] for r in allr]),
            "bad": ", ".join(sorted(set(str(r["rc"]) for r in allr if r["rc"] != 0))) or "none",
        }
    rows = []
    for key, what, spec in (("ready", "to shell marker (s)", "%.2f"),
                            ("exit", "to poweroff (s)", "%.2f"),
                            ("rss", "peak RSS (MiB)", "%.0f")):
        m, q = col["mimic"][key], col["qemu"][key]
        rows.append([what, fmt(m, spec), fmt(q, spec), fmt(ratio(m, q))])
    rows.append(["unclean exits", col["mimic"]["bad"] if runs.get("mimic") else "-",
                 col["qemu"]["bad"] if runs.get("qemu") else "-", ""])
    title = "boot: Linux %s on %s, median of %d (mimic/qemu < 1.0: mimic faster)" % (
        guest["GUEST_KVER"], ARCH["desc"], args.reps)
    text = print_table(title, ["", "mimic", "qemu", "mimic/qemu"], rows)
    if missing:
        print(missing, end="")
    return report("boot-" + ARCH_NAME, text + missing)


def build_workloads():
    """Compile every workload for mipsel (static) and for the host. Return dirs."""
    src = os.path.join(TOP, "bench", "workloads")
    dirs = {}
    for arch, cc in ((ARCH_NAME, ARCH["cc"]), ("native", "cc")):
        outdir = os.path.join(BUILD, "bench", "workloads", arch)
        os.makedirs(outdir, exist_ok=True)
        if not shutil.which(cc):
            raise SystemExit("bench: %s is missing (run scripts/install-deps.sh)" % cc)
        for w in WORKLOADS:
            c = os.path.join(src, w + ".c")
            exe = os.path.join(outdir, "wl-" + w)
            deps = [c, os.path.join(src, "wl.h")]
            if os.path.exists(exe) and all(os.path.getmtime(exe) >= os.path.getmtime(d)
                                           for d in deps):
                continue
            subprocess.run([cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-static",
                            "-o", exe, c], check=True)
        dirs[arch] = outdir
    return dirs


def parse_bench_lines(lines):
    out = {}
    for line in lines:
        parts = line.strip().split()
        if len(parts) >= 5 and parts[0] == "BENCH":
            kv = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
            out[parts[1]] = {"ms": float(kv.get("ms", "nan")), "check": kv.get("check"),
                             "iters": kv.get("iters")}
    return out


def cmd_workloads(args):
    dirs = build_workloads()
    iters = {w: None for w in WORKLOADS}
    if args.scale != 1.0:
        dflt = {"intloop": 100000000, "memtlb": 2000000, "syscall": 1000000,
                "pagefault": 64, "forkexec": 200, "console": 4096}
        iters = {w: max(1, int(dflt[w] * args.scale)) for w in WORKLOADS}

    # Native baseline: the same programs on the host, same iteration counts.
    native = {w: [] for w in WORKLOADS}
    for _ in range(args.reps):
        for w in WORKLOADS:
            cmd = [os.path.join(dirs["native"], "wl-" + w)]
            if iters[w]:
                cmd.append(str(iters[w]))
            res = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
            native[w].append(parse_bench_lines(res.stdout.splitlines())[w])

    guest = fetch_guest()
    with tempfile.TemporaryDirectory(prefix="mimic-bench.") as tmp:
        script = os.path.join(tmp, "test.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\n")
            for w in WORKLOADS:
                arg = " %d" % iters[w] if iters[w] else ""
                f.write("echo MIMIC-BENCH-START-%s\n/bin/wl-%s%s\necho MIMIC-BENCH-END-%s\n"
                        % (w, w, arg, w))
        initrd = make_initramfs(guest, script,
                                [os.path.join(dirs[ARCH_NAME], "wl-" + w) for w in WORKLOADS])
    res = emulator_runs(args, guest, initrd, "workloads")
    if not res:
        return 1
    runs, labels, missing = res

    rows = []
    wrong = 0
    for w in WORKLOADS:
        nat_ms = median([r["ms"] for r in native[w]])
        want = native[w][0]["check"]
        cells = {}
        for label in labels:
            guest_ms, host_ms, verdict = [], [], ""
            for r in runs.get(label, []):
                b = parse_bench_lines(r["lines"]).get(w)
                s, e = r["marks"].get("MIMIC-BENCH-START-" + w), r["marks"].get(
                    "MIMIC-BENCH-END-" + w)
                if b is None:
                    verdict = "FAILED"
                    continue
                if b["check"] != want:
                    verdict = "WRONG"
                guest_ms.append(b["ms"])
                if s is not None and e is not None:
                    host_ms.append((e - s) * 1000.0)
            if verdict:
                wrong += 1
            cells[label] = (median(guest_ms), median(host_ms), verdict)
        m, q = cells["mimic"], cells["qemu"]
        rows.append([w, fmt(nat_ms, "%.1f"),
                     (fmt(q[0], "%.0f") + " " + q[2]).strip(), fmt(q[1], "%.0f"),
                     (fmt(m[0], "%.0f") + " " + m[2]).strip(), fmt(m[1], "%.0f"),
                     fmt(ratio(m[0], q[0])), fmt(ratio(q[0], nat_ms), "%.1f")])
    title = ("workloads (" + ARCH_NAME + ", " + guest["GUEST_KVER"] + "): guest-measured ms (and harness-measured ms between markers), "
             "median of %d\n  ratio mimic/qemu < 1.0: mimic faster; qemu/native: "
             "QEMU's slowdown over the host" % args.reps)
    text = print_table(title, ["workload", "native", "qemu", "(seen)", "mimic", "(seen)",
                               "mimic/qemu", "qemu/native"], rows)
    if missing:
        print(missing, end="")
        text += missing
    if wrong:
        text += "%d workload result(s) FAILED or WRONG: see build/bench/workloads-%s-*.log\n" % (
            wrong, ARCH_NAME)
        print(text.splitlines()[-1])
    return report("workloads-" + ARCH_NAME, text)


def report(name, text):
    path = os.path.join(BUILD, "bench", "%s-results.txt" % name)
    with open(path, "w") as f:
        f.write(time.strftime("%Y-%m-%d %H:%M:%S UTC\n", time.gmtime()))
        f.write(text)
    log("bench: table saved in %s" % path)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["boot", "workloads"])
    ap.add_argument("--arch", choices=sorted(ARCHES), default="mips")
    ap.add_argument("--reps", type=int, default=int(os.environ.get("REPS", "3")))
    ap.add_argument("--timeout", type=float, default=600.0,
                    help="seconds before one boot counts as hung")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every workload's iteration count")
    args = ap.parse_args()
    global ARCH, ARCH_NAME
    ARCH, ARCH_NAME = ARCHES[args.arch], args.arch
    os.chdir(TOP)
    os.makedirs(os.path.join(BUILD, "bench"), exist_ok=True)
    return cmd_boot(args) if args.what == "boot" else cmd_workloads(args)


if __name__ == "__main__":
    sys.exit(main())
