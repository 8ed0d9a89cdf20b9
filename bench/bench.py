# SPDX-License-Identifier: MIT
"""Side-by-side measurements of berth, tini, tini-static, dumb-init and catatonit.

Every init runs as PID 1 of a new PID namespace (unshare -p -f --mount-proc) with bench/benchbin
as its child. Each measurement runs several times, inits interleaved so machine noise falls on
all of them alike; the table shows the median, the spread [min-max] and the ratio to the best
peer (berth excluded). Run it through bench/run.sh, which installs and builds first.
"""

import argparse
import datetime
import os
import re
import select
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

PEERS = ["tini", "tini-static", "dumb-init", "catatonit"]
INITS = ["berth"] + PEERS


class Failure(Exception):
    pass


def init_argv(name, berth):
    path = berth if name == "berth" else shutil.which(name) or "/usr/bin/" + name
    return [path, "--"]


class Pid1:
    """One init as PID 1 of a new PID namespace, with pipes to its child's stdin and stdout."""

    def __init__(self, argv, stdin=False):
        self.proc = subprocess.Popen(
            ["unshare", "-p", "-f", "--mount-proc"] + argv,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.out = self.proc.stdout.fileno()
        self._pid = None

    def pid(self, timeout=10):
        """The init's pid as this namespace sees it: unshare's only child."""
        if self._pid is None:
            path = "/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with open(path) as f:
                    kids = f.read().split()
                if kids:
                    self._pid = int(kids[0])
                    break
                time.sleep(0.005)
            else:
                raise Failure("unshare never started the init")
        return self._pid

    def line(self, timeout=60):
        """Reads one line from the child, a byte at a time so nothing after it is consumed."""
        deadline = time.monotonic() + timeout
        buf = b""
        while not buf.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.out], [], [], left)[0]:
                raise Failure("no line from the child within %ss (got %r)" % (timeout, buf))
            b = os.read(self.out, 1)
            if not b:
                raise Failure("the child closed stdout (got %r)" % buf)
            buf += b
        return buf.decode().strip()

    def stop(self, timeout=20):
        if self.proc.stdin:
            self.proc.stdin.close()
        if self.proc.poll() is None and self._pid:
            try:
                os.kill(self._pid, 15)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()


def status_field(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise Failure("no %s in /proc/%d/status" % (field, pid))


def cpu_ns(pid):
    with open("/proc/%d/schedstat" % pid) as f:
        return int(f.read().split()[0])


# --- the measurements: each returns {init: value} for one run --------------------------------

def measure_size(ctx, name):
    path = init_argv(name, ctx.berth)[0]
    with tempfile.TemporaryDirectory() as d:
        stripped = os.path.join(d, "s")
        subprocess.run(["strip", "-o", stripped, path], check=True)
        size = os.path.getsize(stripped)
    kind = subprocess.run(["file", "-L", path], capture_output=True, text=True).stdout
    ctx.static[name] = "static" if "statically linked" in kind or "static-pie" in kind else "dynamic"
    return size / 1000.0


def measure_idle(ctx):
    """All inits idle at once (they sleep; nothing to disturb): RSS and wake-ups per second."""
    runs = {name: [Pid1(init_argv(name, ctx.berth) + [ctx.benchbin, "idle"])
                   for _ in range(ctx.runs)] for name in INITS}
    try:
        for procs in runs.values():
            for p in procs:
                if p.line() != "ready":
                    raise Failure("idle child did not say ready")
        time.sleep(0.5)
        before = {id(p): status_field(p.pid(), "voluntary_ctxt_switches")
                  for procs in runs.values() for p in procs}
        time.sleep(ctx.idle_seconds)
        rss, anon, wake = {}, {}, {}
        for name, procs in runs.items():
            rss[name] = [status_field(p.pid(), "VmRSS") for p in procs]
            anon[name] = [status_field(p.pid(), "RssAnon") for p in procs]
            wake[name] = [(status_field(p.pid(), "voluntary_ctxt_switches") - before[id(p)])
                          / ctx.idle_seconds for p in procs]
        return rss, anon, wake
    finally:
        for procs in runs.values():
            for p in procs:
                p.stop()


def measure_signals(ctx, name):
    p = Pid1(init_argv(name, ctx.berth) + [ctx.benchbin, "sigecho"])
    try:
        if p.line() != "ready":
            raise Failure("sigecho did not say ready")
        out = subprocess.run([ctx.benchbin, "sigdrive", str(p.pid()), str(ctx.signals), str(p.out)],
                             pass_fds=(p.out,), capture_output=True, text=True, timeout=600)
        m = re.match(r"cpu_ns (\d+) p50_ns (\d+) p99_ns (\d+)", out.stdout)
        if out.returncode != 0 or not m:
            raise Failure("sigdrive under %s: %s%s" % (name, out.stdout, out.stderr))
        cpu, p50, p99 = (int(x) for x in m.groups())
        return cpu / ctx.signals / 1000.0, p50 / 1000.0, p99 / 1000.0
    finally:
        p.stop()


def measure_orphans(ctx, name):
    p = Pid1(init_argv(name, ctx.berth) + [ctx.benchbin, "orphans", str(ctx.orphans)], stdin=True)
    try:
        if p.line() != "ready":
            raise Failure("orphans did not say ready")
        pid = p.pid()
        before = cpu_ns(pid)
        p.proc.stdin.write(b"g")
        p.proc.stdin.flush()
        line = p.line(timeout=300)
        if line != "reaped %d" % ctx.orphans:
            raise Failure("%s left orphans: %s" % (name, line))
        return (cpu_ns(pid) - before) / ctx.orphans / 1000.0
    finally:
        p.stop()


def measure_startup(ctx, name):
    """Instructions of the init for `INIT -- true`, as PID 1 (valgrind is PID 1, running it)."""
    out = subprocess.run(
        ["unshare", "-p", "-f", "--mount-proc", "valgrind", "--tool=callgrind",
         "--callgrind-out-file=/dev/null"] + init_argv(name, ctx.berth) + ["true"],
        capture_output=True, text=True, timeout=300)
    m = re.search(r"Collected : (\d+)", out.stderr)
    if not m:
        raise Failure("callgrind under %s: %s" % (name, out.stderr[-500:]))
    return int(m.group(1)) / 1000.0


# --- berth only: the health endpoint and `berth probe` ---------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise Failure("berth --healthz never listened on %d" % port)


def wrk_latency_ms(text):
    m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\b", text, re.M)
    if not m:
        raise Failure("no 99% line from wrk")
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]


def measure_healthz(ctx):
    port = free_port()
    url = "http://127.0.0.1:%d/healthz" % port
    p = Pid1([ctx.berth, "--healthz", "127.0.0.1:%d" % port, "--", ctx.benchbin, "idle"])
    try:
        if p.line() != "ready":
            raise Failure("idle child did not say ready")
        wait_listening(port)
        rss0 = status_field(p.pid(), "VmRSS")
        out = subprocess.run(["wrk", "-t1", "-c16", "-d%ds" % ctx.wrk_seconds, "--latency", url],
                             capture_output=True, text=True, timeout=ctx.wrk_seconds + 60)
        m = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
        if out.returncode != 0 or not m:
            raise Failure("wrk: %s%s" % (out.stdout, out.stderr))
        rss1 = status_field(p.pid(), "VmRSS")
        result = {"rps": float(m.group(1)), "p99_ms": wrk_latency_ms(out.stdout),
                  "rss_before": rss0, "rss_after": rss1}
        result["probe"], result["curl"] = time_probes(ctx, url)
        return result
    finally:
        p.stop()


def time_probes(ctx, url):
    """Median wall time of `berth probe URL` and `curl -fsS URL`, interleaved, in ms."""
    probe, curl = [], []
    for _ in range(ctx.probes):
        for argv, into in (([ctx.berth, "probe", url], probe),
                           (["curl", "-fsS", "-o", "/dev/null", url], curl)):
            t0 = time.monotonic()
            r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            into.append((time.monotonic() - t0) * 1000.0)
            if r.returncode != 0:
                raise Failure("%s failed: %s" % (argv[0], r.stderr))
    return probe, curl


def berth_has_healthz(berth):
    out = subprocess.run([berth, "--help"], capture_output=True, text=True)
    return "--healthz" in out.stdout + out.stderr


# --- reporting --------------------------------------------------------------------------------

def fmt_num(v):
    if v >= 1000:
        return "{:,.0f}".format(v)
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def cell(values, best):
    med = statistics.median(values)
    text = fmt_num(med)
    if len(values) > 1 and max(values) != min(values):
        text += " [%s–%s]" % (fmt_num(min(values)), fmt_num(max(values)))
    if best:
        text += " ×%.2f" % (med / best)
    elif med == 0 and best == 0:
        text += " ×–"
    return text


ROWS = [
    # key, label, lower is better
    ("size", "binary, stripped (KB)"),
    ("rss", "idle RSS (KB)"),
    ("anon", "of which anonymous (KB)"),
    ("wake", "idle wake-ups per s"),
    ("sig_cpu", "CPU per forwarded signal (µs)"),
    ("sig_p50", "signal round trip p50 (µs)"),
    ("sig_p99", "signal round trip p99 (µs)"),
    ("orphan_cpu", "CPU per reaped orphan (µs)"),
    ("startup", "start-up, `INIT -- true` (k instructions)"),
]


def best_peer(ctx, data, key):
    """The best peer's median; for size, the best static peer (berth ships static only)."""
    peers = [p for p in PEERS if key != "size" or ctx.static.get(p) == "static"]
    vals = [statistics.median(data[key][p]) for p in peers if data[key].get(p)]
    return min(vals) if vals else None


def table(ctx, data):
    lines = ["| measurement | " + " | ".join(
        "%s (%s)" % (n, ctx.static.get(n, "?")) for n in INITS) + " |",
             "|---|" + "---|" * len(INITS)]
    for key, label in ROWS:
        best = best_peer(ctx, data, key)
        lines.append("| %s | %s |" % (label, " | ".join(cell(data[key][n], best) for n in INITS)))
    return "\n".join(lines)


def health_table(h):
    if h is None:
        return ("berth's health endpoint: not measured (this build's `berth --help` has no "
                "--healthz).")
    probe, curl = statistics.median(h["probe"]), statistics.median(h["curl"])
    return "\n".join([
        "| berth only | value |", "|---|---|",
        "| /healthz requests/s (wrk -t1 -c16, loopback) | {:,.0f} |".format(h["rps"]),
        "| /healthz p99 latency (ms) | %.3f |" % h["p99_ms"],
        "| berth RSS before / after wrk (KB) | %d / %d (%+d) |" % (
            h["rss_before"], h["rss_after"], h["rss_after"] - h["rss_before"]),
        "| `berth probe` / `curl -fsS` wall time, median of %d (ms) | %.2f / %.2f = ×%.2f |" % (
            len(h["probe"]), probe, curl, probe / curl),
    ])


def misses(ctx):
    """The hand-written notes on why berth misses targets (bench/misses.md), quoted verbatim."""
    path = os.path.join(ctx.root, "bench", "misses.md")
    if ctx.smoke or not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read().rstrip() + "\n\n"


def targets(ctx, data, h):
    med = {k: statistics.median(v["berth"]) for k, v in data.items()}
    out = []

    def check(label, ok, detail):
        out.append("- %s: %s (%s)" % (label, "met" if ok else "**missed**", detail))

    check("idle wake-ups 0", med["wake"] == 0, "berth %s/s" % fmt_num(med["wake"]))
    check("idle RSS ≤ 1,000 KB", med["rss"] <= 1000,
          "berth %s KB, %+.0f KB" % (fmt_num(med["rss"]), med["rss"] - 1000))
    check("stripped static binary ≤ 1,200 KB", med["size"] <= 1200,
          "berth %s KB, %+.0f KB" % (fmt_num(med["size"]), med["size"] - 1200))
    for key, label in (("sig_cpu", "CPU per forwarded signal"),
                       ("orphan_cpu", "CPU per reaped orphan")):
        ratio = med[key] / best_peer(ctx, data, key)
        check("%s ≤ 0.8× best peer" % label, ratio <= 0.8, "×%.2f" % ratio)
    if h is None:
        out.append("- /healthz and `berth probe`: not measured (no --healthz in this build)")
    else:
        check("/healthz ≥ 30,000 requests/s", h["rps"] >= 30000, "{:,.0f}/s".format(h["rps"]))
        check("/healthz p99 < 2 ms", h["p99_ms"] < 2, "%.3f ms" % h["p99_ms"])
        grow = h["rss_after"] - h["rss_before"]
        check("RSS growth under wrk < 100 KB", grow < 100, "%+d KB" % grow)
        ratio = statistics.median(h["probe"]) / statistics.median(h["curl"])
        check("`berth probe` faster than curl", ratio < 1, "×%.2f of curl's time" % ratio)
    return "\n".join(out)


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return "%d cores, %s, Linux %s" % (os.cpu_count(), model, os.uname().release)


def commit(root):
    def git(*args):
        return subprocess.run(["git", "-C", root] + list(args), capture_output=True,
                              text=True).stdout.strip()
    rev = git("rev-parse", "--short=7", "HEAD") or "unknown"
    dirty = [l for l in git("status", "--porcelain").splitlines()
             if not l[3:].startswith("bench/RESULTS") and not l[3:].startswith("bench/results")]
    return rev + ("+dirty" if dirty else "")


def write_plot(ctx, data, outdir):
    dat = os.path.join(outdir, "results.dat")
    with open(dat, "w") as f:
        f.write("# init  cpu/signal(us) min max  cpu/orphan(us) min max\n")
        for n in INITS:
            s, o = data["sig_cpu"][n], data["orphan_cpu"][n]
            f.write("%s %.4f %.4f %.4f %.4f %.4f %.4f\n" % (
                n, statistics.median(s), min(s), max(s), statistics.median(o), min(o), max(o)))
    png = os.path.join(outdir, "results.png")
    if not shutil.which("gnuplot"):
        print("bench: no gnuplot, no plot", file=sys.stderr)
        return
    subprocess.run(["gnuplot", "-e", "datafile='%s'; outfile='%s'" % (dat, png),
                    os.path.join(ctx.root, "bench", "plot.gp")], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build", help="meson build dir with berth and benchbin")
    ap.add_argument("--out", help="where RESULTS.md and the plot go (default: bench/)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--signals", type=int, default=20000)
    ap.add_argument("--orphans", type=int, default=20000)
    ap.add_argument("--idle-seconds", type=float, default=10)
    ap.add_argument("--startup-runs", type=int, default=3)
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument("--probes", type=int, default=200)
    ap.add_argument("--smoke", action="store_true",
                    help="tiny counts, one run: checks that the harness works, in seconds")
    ctx = ap.parse_args()
    if ctx.smoke:
        ctx.runs, ctx.signals, ctx.orphans, ctx.idle_seconds = 1, 200, 200, 1
        ctx.startup_runs, ctx.wrk_seconds, ctx.probes = 1, 1, 3
    ctx.root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ctx.berth = os.path.abspath(os.path.join(ctx.build, "berth"))
    ctx.benchbin = os.path.abspath(os.path.join(ctx.build, "bench", "benchbin"))
    ctx.static = {}
    outdir = ctx.out or os.path.join(ctx.root, "bench")
    os.makedirs(outdir, exist_ok=True)
    for tool in [ctx.berth, ctx.benchbin] + [init_argv(n, "")[0] for n in PEERS]:
        if not os.access(tool, os.X_OK):
            raise SystemExit("bench: missing %s (run bench/run.sh)" % tool)

    started = datetime.datetime.now(datetime.timezone.utc)
    load0 = os.getloadavg()[0]
    data = {key: {n: [] for n in INITS} for key, _ in ROWS}

    t0 = time.monotonic()

    def step(what):
        print("bench: %5.1fs %s" % (time.monotonic() - t0, what), file=sys.stderr, flush=True)

    for n in INITS:
        data["size"][n].append(measure_size(ctx, n))
    step("idle (%gs, %d runs of each init at once)" % (ctx.idle_seconds, ctx.runs))
    rss, anon, wake = measure_idle(ctx)
    for n in INITS:
        data["rss"][n], data["anon"][n], data["wake"][n] = rss[n], anon[n], wake[n]
    for r in range(ctx.runs):
        step("run %d/%d: %d signals, %d orphans per init" % (r + 1, ctx.runs, ctx.signals,
                                                             ctx.orphans))
        for n in INITS:
            cpu, p50, p99 = measure_signals(ctx, n)
            data["sig_cpu"][n].append(cpu)
            data["sig_p50"][n].append(p50)
            data["sig_p99"][n].append(p99)
            data["orphan_cpu"][n].append(measure_orphans(ctx, n))
    step("start-up instructions (callgrind, %d runs)" % ctx.startup_runs)
    for _ in range(ctx.startup_runs):
        for n in INITS:
            data["startup"][n].append(measure_startup(ctx, n))
    health = None
    if berth_has_healthz(ctx.berth):
        step("berth /healthz under wrk (%ds) and berth probe vs curl (%d runs)" % (
            ctx.wrk_seconds, ctx.probes))
        health = measure_healthz(ctx)
    else:
        step("berth --help has no --healthz: skipping the health measurements")

    step("done")
    body = table(ctx, data)
    report = "\n".join([
        "# berth side by side with its peers",
        "",
        "Reproduce with `bash bench/run.sh` (as root). Each init runs as PID 1 of a new PID "
        "namespace; cells are the median of %d runs, [min–max] when they differ, and ×ratio to "
        "the best peer (berth excluded; for size, the best static peer); lower is better "
        "everywhere." % ctx.runs,
        "",
        "- date: %s; load average at start %.1f, at end %.1f" % (
            started.strftime("%Y-%m-%d %H:%M UTC"), load0, os.getloadavg()[0]),
        "- machine: %s" % machine(),
        "- berth: commit %s, %s" % (commit(ctx.root), ctx.berth),
        "- command: `bench/run.sh%s`; counts: %d signals and %d orphans per run, %gs idle, "
        "%d callgrind runs%s" % (
            "".join(" " + a for a in sys.argv[1:] if a not in ("--build", "build")),
            ctx.signals, ctx.orphans, ctx.idle_seconds, ctx.startup_runs,
            " (SMOKE MODE: not a measurement)" if ctx.smoke else ""),
        "",
        body,
        "",
        health_table(health),
        "",
        "Targets (berth against the best peer, same run):",
        "",
        targets(ctx, data, health),
        "",
        "![CPU per signal and per reaped orphan](results.png)",
        "",
        misses(ctx),
        "How each figure is taken: bench/README.md.",
        "",
    ])
    with open(os.path.join(outdir, "RESULTS.md"), "w") as f:
        f.write(report)
    write_plot(ctx, data, outdir)
    print(body)
    print()
    print(health_table(health))
    print()
    print(targets(ctx, data, health))
    print("\nbench: wrote %s" % os.path.join(outdir, "RESULTS.md"))


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        raise SystemExit("bench: %s" % e)
