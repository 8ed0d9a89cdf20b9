# SPDX-License-Identifier: MIT
"""Stress: a storm of 100,000 signals, 100,000 orphans, and the health endpoint flooded by wrk
through a drain and a shutdown, with berth as PID 1.

Each test is bounded in count and in time and stops by itself. They print FIGURE lines (run
pytest with -s to see them); docs/RELIABILITY.md quotes a run.
"""
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import TESTBIN, Berth, free_port, need, proc_status, until

SANITIZED = os.environ.get("BERTH_SANITIZED") == "1"
STORM = 100_000
ORPHANS = 100_000
ROUNDS = 10


def figure(name, **values):
    print(f"FIGURE {name} " + " ".join(f"{k}={v}" for k, v in values.items()), flush=True)


def rss_kib(pid):
    return int(proc_status(pid)["VmRSS"].split()[0])


def max_pending_signals(pid):
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max pending signals"):
                return int(line.split()[3])
    raise AssertionError("no 'Max pending signals' in /proc/PID/limits")


class Acks:
    """The highest 'got N' the counting child has printed so far, read incrementally."""

    def __init__(self, b):
        self.b, self.seen, self.value = b, 0, 0

    def __call__(self):
        lines = self.b.lines["out"]
        while self.seen < len(lines):
            m = re.match(r"^got (\d+)$", lines[self.seen])
            if m:
                self.value = int(m[1])
            self.seen += 1
        return self.value

    def wait_beyond(self, value, timeout):
        deadline = time.monotonic() + timeout
        while self() <= value:
            if time.monotonic() > deadline:
                raise AssertionError(f"child acknowledged {self()} signals, stuck below {value + 1};"
                                     f" stderr: {self.b.lines['err'][-5:]}")
            try:
                self.b.events.get(timeout=0.1)
            except Exception:  # queue.Empty: look again
                pass


def test_signal_storm_loses_nothing():
    """100,000 real-time signals to berth while the child's churner makes orphans.

    Standard signals coalesce: two SIGUSR1 pending at once are one, so counting them proves
    nothing. Real-time signals queue, one entry each, up to RLIMIT_SIGPENDING; sent with kill(2)
    beyond that limit the kernel would merge them silently. So the sender keeps at most WINDOW
    signals unacknowledged (the child prints 'got N' every 250), far below the limit for berth's
    queue and the child's together: the kernel never merges, and any shortfall is berth's loss.
    """
    rt1, rt2 = signal.SIGRTMIN + 1, signal.SIGRTMIN + 2
    b = Berth(["--", TESTBIN, "count", str(int(rt1)), str(int(rt2)), "--every", "250",
               "--churn", "--exit", "42"])
    b.wait_line("^ready$")
    limit = max_pending_signals(b.pid)
    window = min(2000, limit // 4)
    assert window > 500, f"RLIMIT_SIGPENDING {limit} is too low to queue a window of signals"
    acks = Acks(b)
    started = time.monotonic()
    for i in range(STORM):
        if i - acks() >= window:
            acks.wait_beyond(i - window, timeout=30)
        os.kill(b.pid, rt1 if i % 2 == 0 else rt2)
    acks.wait_beyond(STORM - 1, timeout=60)
    took = time.monotonic() - started
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=30) == 42
    assert f"count SIGRTMIN+1 {STORM // 2}" in b.lines["out"], b.out[-500:]
    assert f"count SIGRTMIN+2 {STORM // 2}" in b.lines["out"], b.out[-500:]
    churned = int(b.lines["out"][b.wait_line(r"^churned \d+$")].split()[1])
    assert churned > 0
    assert not [l for l in b.lines["err"] if "error" in l or "warning" in l], b.err
    figure("signal_storm", signals=STORM, delivered=STORM, window=window,
           sigpending_limit=limit, orphans_churned=churned, seconds=f"{took:.1f}",
           rate_per_s=int(STORM / took), exit=42)


def test_100000_orphans_reaped_with_flat_rss():
    b = Berth(["--", TESTBIN, "orphan-rounds", str(ORPHANS // ROUNDS)])
    b.wait_line("^ready$")
    rss = [rss_kib(b.pid)]
    started = time.monotonic()
    for r in range(1, ROUNDS + 1):
        b.kill(signal.SIGUSR1)
        b.wait_line(f"^reaped {r * ORPHANS // ROUNDS}$", timeout=90)
        rss.append(rss_kib(b.pid))
    took = time.monotonic() - started
    assert children_left(b.pid) == [], "berth's only child is the orphan maker"
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert "left" not in b.out
    figure("orphans", reaped=ORPHANS, left=0, seconds=f"{took:.1f}",
           rate_per_s=int(ORPHANS / took), rss_kib="/".join(map(str, rss)))
    # After the first round has paged in what reaping touches, RSS must not grow with the count.
    # ASan's quarantine holds freed memory by design; there LeakSanitizer is the leak check.
    if not SANITIZED:
        assert rss[-1] - rss[1] <= 256, f"RSS grew from {rss[1]} to {rss[-1]} KiB: {rss}"


def children_left(pid):
    from conftest import children_of
    return [c for c in children_of(pid) if "orphan-rounds" not in cmdline(c)]


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# wrk, one connection per thread, so each thread sees its connection's answers in the order
# berth sent them. Alternates /readyz and /healthz; counts "path status phase" and the answers
# that went back to 200 after a 503 on the same path (readiness and liveness only ever go down
# once a stop has begun). Creates the file named by its argument after 1,000 answers.
FLOOD_LUA = r"""
local n, last, fell, flowing = 0, nil, {}, nil
answers, backwards = {}, 0
init = function(args) flowing = args[1] end
request = function()
  n = n + 1
  last = (n % 2 == 0) and "/healthz" or "/readyz"
  return wrk.format("GET", last)
end
response = function(status, headers, body)
  local key = last .. " " .. status .. " " .. (body:match('"phase":"(%a+)"') or "-")
  answers[key] = (answers[key] or 0) + 1
  if status == 200 and fell[last] then backwards = backwards + 1 end
  if status ~= 200 then fell[last] = true end
  if n == 1000 then io.open(flowing, "w"):close() end
end
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total, back = {}, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("answers")) do total[k] = (total[k] or 0) + v end
    back = back + t:get("backwards")
  end
  for k, v in pairs(total) do io.write("ANSWER ", k, " ", v, "\n") end
  io.write("BACKWARDS ", back, "\n")
end
"""


@pytest.mark.parametrize("app,grace,code,killed", [
    (["signals", "--linger-ms", "300"], 6, 0, 0),
    (["signals", "--ignore", "TERM", "--exit-on", "USR2"], 4, 137, 1),
], ids=["graceful", "deadline"])
def test_health_flood_through_drain_and_shutdown(tmp_path, app, grace, code, killed):
    """wrk floods /readyz and /healthz while berth drains (2 s) and stops its child: readiness
    goes 200 to 503 draining and never back, liveness holds, and the shutdown ends within the
    grace, at the deadline with a SIGKILL for a child that ignores TERM."""
    wrk = shutil.which("wrk")
    need(wrk, "no wrk (apt-get install wrk)")
    script = tmp_path / "flood.lua"
    script.write_text(FLOOD_LUA)
    port = free_port()
    b = Berth(["--healthz", f"127.0.0.1:{port}", "--drain", "2s", "--grace", f"{grace}s", "--",
               TESTBIN] + app)
    b.wait_line("^ready$")
    flowing = tmp_path / "flowing"
    flood = subprocess.Popen([wrk, "-t2", "-c2", "-d30s", "--timeout", "2s", "-s", str(script),
                              f"http://127.0.0.1:{port}/", "--", str(flowing)],
                             stdout=subprocess.PIPE, text=True)
    try:
        until(flowing.exists, 10, "wrk's first 1,000 answers")
        b.kill(signal.SIGTERM)
        assert b.wait(timeout=grace + 20) == code, b.err
    finally:
        flood.send_signal(signal.SIGINT)  # wrk stops and reports on SIGINT
        out, _ = flood.communicate(timeout=30)
    answers = {}
    for line in out.splitlines():
        if line.startswith("ANSWER "):
            path, status, phase, count = line.split()[1:]
            answers[(path, int(status), phase)] = int(count)
    assert "BACKWARDS 0" in out, out
    assert answers.get(("/readyz", 200, "running"), 0) > 0, answers
    assert answers.get(("/readyz", 503, "draining"), 0) > 0, answers
    assert answers.get(("/healthz", 200, "draining"), 0) > 0, answers
    statuses = {status for (_, status, _) in answers}
    assert statuses <= {200, 503}, answers
    summary = b.lines["err"][-1]
    took = float(re.search(r"shutdown_took=([\d.]+)s", summary)[1])
    assert took <= grace + 1, summary  # the deadline held under the flood (1 s for a slow box)
    assert f"killed={killed}" in summary, summary
    figure(f"health_flood_{'graceful' if code == 0 else 'deadline'}",
           answers=sum(answers.values()), shutdown_took=f"{took:.2f}s", grace=f"{grace}s",
           **{f"{p.strip('/')}_{s}_{ph}": n for (p, s, ph), n in sorted(answers.items())})
