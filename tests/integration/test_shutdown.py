# SPDX-License-Identifier: MIT
"""Graceful shutdown: drain, forward, deadline, leftovers torn down. berth runs as PID 1.

Timing bounds are one-sided or generous: a timerfd never fires early, so lower bounds are
exact; upper bounds leave the machine's noise room.
"""
import datetime
import json
import re
import os
import select
import signal
import subprocess
import time

import pytest

from conftest import BERTH, TESTBIN, Berth, children_of, need_pid_namespace, run, until


def summary(b):
    lines = [line for line in b.lines["err"] if "notice: exit " in line]
    assert len(lines) == 1, b.err
    return lines[0]


def test_child_that_exits_200ms_after_term():
    b = Berth(["--grace", "5s", "--", TESTBIN, "signals", "--linger-ms", "200"])
    b.wait_line("^ready$")
    sent = time.monotonic()
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert b.ended - sent >= 0.2
    assert b.ended - sent < 4
    assert "killed=0" in summary(b)
    assert "stop_signal=SIGTERM" in summary(b)


def test_child_that_ignores_term_is_killed_at_the_grace():
    b = Berth(["--grace", "1s", "--", TESTBIN, "signals", "--ignore", "TERM"])
    b.wait_line("^ready$")
    sent = time.monotonic()
    b.kill(signal.SIGTERM)
    assert b.wait() == 137
    took = b.ended - sent
    assert 1.0 <= took < 2.5
    assert "child killed at the deadline" in summary(b)
    assert "killed=1" in summary(b)
    assert "killed_pids=2/testbin" in summary(b)  # the child, PID 2 of the namespace
    killed = [line for line in b.lines["err"] if "at the deadline" in line and "killed pid" in line]
    assert len(killed) == 1 and "testbin signals --ignore TERM" in killed[0]


def test_drain_delays_the_forward_and_counts_toward_the_grace():
    b = Berth(["--drain", "1s", "--grace", "3s", "--", TESTBIN, "signals", "--ignore", "TERM",
               "--exit-on", "USR2"])
    b.wait_line("^ready$")
    b.kill(signal.SIGTERM)
    sent = time.monotonic()
    assert b.wait(timeout=10) == 137
    took = b.ended - sent
    assert 3.0 <= took < 3.9, "killed at 3 s after the first TERM, not at drain + grace"


def test_child_receives_term_no_earlier_than_the_drain():
    b = Berth(["--drain", "1s", "--grace", "3s", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    sent = time.monotonic()
    b.kill(signal.SIGTERM)
    i = b.wait_line("^signal SIGTERM$")
    assert b.times["out"][i] - sent >= 1.0
    assert b.wait() == 0


def test_second_stop_signal_ends_the_drain():
    b = Berth(["-v", "--drain", "10s", "--grace", "20s", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    sent = time.monotonic()
    b.kill(signal.SIGTERM)
    b.wait_line("shutting down", stream="err")
    b.kill(signal.SIGTERM)
    i = b.wait_line("^signal SIGTERM$")
    assert b.times["out"][i] - sent < 5
    assert b.wait() == 0


def test_map_translates_the_stop_signal():
    b = Berth(["--map", "TERM:QUIT", "--", TESTBIN, "signals", "--exit-on", "QUIT"])
    b.wait_line("^ready$")
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert b.lines["out"][1:] == ["signal SIGQUIT"]


def test_stop_signal_option_chooses_the_stop_signals():
    # QUIT starts the shutdown (deadline armed); TERM is then just forwarded.
    b = Berth(["--stop-signal", "QUIT", "--grace", "1s", "--", TESTBIN, "signals", "--ignore",
               "QUIT", "--exit-on", "USR2"])
    b.wait_line("^ready$")
    b.kill(signal.SIGQUIT)
    assert b.wait() == 137
    assert "stop_signal=SIGQUIT" in summary(b)


def test_quit_is_a_stop_signal_by_default():
    """docker stop sends the image's STOPSIGNAL (nginx's images: QUIT): the drain, then QUIT to
    the child, then the deadline, as for TERM."""
    b = Berth(["--drain", "1s", "--grace", "2s", "--", TESTBIN, "signals", "--ignore", "TERM",
               "--exit-on", "USR2"])
    b.wait_line("^ready$")
    sent = time.monotonic()
    b.kill(signal.SIGQUIT)
    i = b.wait_line("^signal SIGQUIT$")
    assert b.times["out"][i] - sent >= 1.0, "QUIT is forwarded after the drain"
    assert b.wait(timeout=10) == 137  # testbin ignores QUIT's default action: killed at 2 s
    assert "stop_signal=SIGQUIT" in summary(b)


def test_berth_stop_signal_replaces_the_default_set():
    b = Berth(["--grace", "1s", "--", TESTBIN, "signals", "--ignore", "USR1", "--exit-on", "USR2"],
              env={"BERTH_STOP_SIGNAL": "USR1, HUP"})
    b.wait_line("^ready$")
    b.kill(signal.SIGQUIT)  # no longer a stop signal: forwarded as any other
    b.wait_line("^signal SIGQUIT$")
    b.kill(signal.SIGUSR1)
    assert b.wait(timeout=10) == 137
    assert "stop_signal=SIGUSR1" in summary(b)


def test_stop_signal_option_wins_over_the_environment():
    b = Berth(["--stop-signal", "HUP", "--grace", "1s", "--", TESTBIN, "signals", "--ignore", "HUP",
               "--exit-on", "USR2"], env={"BERTH_STOP_SIGNAL": "USR1"})
    b.wait_line("^ready$")
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.kill(signal.SIGHUP)
    assert b.wait(timeout=10) == 137
    assert "stop_signal=SIGHUP" in summary(b)


@pytest.mark.parametrize("value", ["KILL", "NOPE", "", "TERM,,STOP"])
def test_bad_berth_stop_signal_exit_2(value):
    r = run(["--", TESTBIN, "exit", "0"], env={"BERTH_STOP_SIGNAL": value})
    assert r.returncode == 2, r.stderr
    assert "BERTH_STOP_SIGNAL" in r.stderr


@pytest.mark.parametrize("pid1", [True, False], ids=["pid1", "subreaper"])
def test_leftover_daemon_gets_term_then_berth_exits_with_the_childs_code(pid1):
    b = Berth(["--", TESTBIN, "daemon", "--exit", "3"], pid1=pid1)
    b.wait_line(r"^daemon \d+$")
    assert b.wait() == 3
    assert b.ended - b.started < 4, "the daemon exits on TERM: no wait for the 5 s fallback"
    assert "terminated=1" in summary(b)
    assert "killed=0" in summary(b)


def test_leftover_daemon_that_ignores_term_is_killed():
    b = Berth(["--grace", "1s", "--", TESTBIN, "daemon", "--ignore-term", "--exit", "4"])
    b.wait_line(r"^daemon \d+$")
    assert b.wait() == 4
    assert 1.0 <= b.ended - b.started < 3.5
    assert "terminated=1" in summary(b)
    assert "killed=1" in summary(b)


def test_no_teardown_exits_at_once():
    b = Berth(["--no-teardown", "--", TESTBIN, "daemon", "--ignore-term", "--exit", "5"])
    b.wait_line(r"^daemon \d+$")
    assert b.wait() == 5
    assert b.ended - b.started < 1.5


@pytest.mark.parametrize("args,says", [
    (["--grace", "soon"], "bad duration"),
    (["--drain", "1m30"], "bad duration"),
    (["--drain", "-1s"], "bad duration"),
    (["--stop-signal", "NOPE"], "not a valid stop signal"),
    (["--stop-signal", "KILL"], "not a valid stop signal"),
    (["--drain", "5s", "--grace", "5s"], "must be shorter than --grace"),
])
def test_bad_shutdown_options_exit_2(args, says):
    r = run(args + ["--", TESTBIN, "exit", "0"])
    assert r.returncode == 2
    assert says in r.stderr


def test_bad_environment_duration_exit_2():
    r = run(["--", TESTBIN, "exit", "0"], env={"BERTH_GRACE": "later"})
    assert r.returncode == 2
    assert "BERTH_GRACE" in r.stderr


def test_grace_0_is_refused_without_blaming_the_drain():
    r = run(["--grace", "0", "--", "true"])
    assert r.returncode == 2
    assert "--grace 0 leaves the app no time to stop" in r.stderr and "--drain" not in r.stderr
    r = run(["--drain", "5s", "--grace", "5s", "--", "true"])
    assert r.returncode == 2 and "--drain (5s) must be shorter than --grace (5s)" in r.stderr


def test_summary_as_json():
    b = Berth(["--log-format", "json", "--grace", "2s", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    events = [json.loads(line) for line in b.lines["err"]]
    final = events[-1]
    assert final["level"] == "notice"
    assert final["exit_code"] == 0 and final["stop_signal"] == "SIGTERM"
    assert final["forwarded"] == 1 and final["killed"] == 0 and final["terminated"] == 0
    assert final["grace"] == "2s"
    assert final["killed_pids"] == "-"
    # When the stop came, to the millisecond, in UTC: within this test's own run.
    stop_at = datetime.datetime.strptime(final["stop_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)
    assert abs((datetime.datetime.now(datetime.timezone.utc) - stop_at).total_seconds()) < 60


def test_pid1_without_grace_says_so_with_v():
    r = run(["-v", "--", TESTBIN, "exit", "0"], pid1=True)
    assert "no --grace" in r.stderr
    assert "no --grace" not in run(["--", TESTBIN, "exit", "0"], pid1=True).stderr


def test_as_pid1_the_deadline_kills_what_docker_exec_started_too():
    """A process entered into the namespace from outside (docker exec, kubectl exec) is no
    descendant of berth's, but the container's: berth kills and names it at the deadline, rather
    than leave it to the kernel when PID 1 exits."""
    b = Berth(["--grace", "1s", "--", TESTBIN, "signals", "--ignore", "TERM"])
    b.wait_line("^ready$")
    entered = subprocess.Popen(["nsenter", "-t", str(b.pid), "-p", "-m", "--",
                                TESTBIN, "signals", "--ignore", "TERM"],
                               stdout=subprocess.PIPE, text=True)
    assert entered.stdout.readline() == "ready\n"
    b.kill(signal.SIGTERM)
    assert b.wait() == 137
    assert entered.wait(timeout=10) == -signal.SIGKILL
    killed = [line for line in b.lines["err"] if "killed pid" in line and "at the deadline" in line]
    assert len(killed) == 2, b.err  # the child and the entered process
    assert "killed=2" in summary(b)


def test_a_second_stop_signal_cuts_the_drain_and_the_summary_says_how_long_it_was():
    b = Berth(["-v", "--drain", "3s", "--grace", "10s", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    b.kill(signal.SIGTERM)
    b.wait_line("received SIGTERM: shutting down", stream="err")
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    drain = re.search(r" drain=(\S+) ", summary(b))[1]
    assert drain != "3s", summary(b)
    assert drain.endswith("ms") or drain == "0", summary(b)  # cut well before 1 s


def test_a_mass_kill_names_ten_and_counts_the_rest():
    """A fork bomb's teardown: one short summary and eleven lines, not one line per process."""
    b = Berth(["--grace", "1s", "--", "sh", "-c",
               "trap '' TERM; for i in $(seq 30); do sleep 100 & done; echo ready; wait"])
    b.wait_line("^ready$")
    b.kill(signal.SIGTERM)
    assert b.wait() == 137
    s = summary(b)
    assert "killed=31" in s, s
    named = re.search(r"killed_pids=(\S+)", s)[1].split(",")
    assert len(named) == 11 and named[-1] == "+21", s
    lines = [line for line in b.lines["err"] if "killed pid" in line]
    assert len(lines) == 10, b.err
    assert any("killed 21 more process(es) at the deadline" in line for line in b.lines["err"]), b.err


def full_pipe():
    """A pipe whose buffer is full and whose write end blocks, as Docker's log pipe when its
    reader stalls: (read end, write end)."""
    r, w = os.pipe()
    os.set_blocking(w, False)
    try:
        while True:
            os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)  # berth must not find O_NONBLOCK already set
    return r, w


def read_line(stream, timeout):
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        left = deadline - time.monotonic()
        assert left > 0 and select.select([stream], [], [], left)[0], f"no line within {timeout}s"
        chunk = os.read(stream.fileno(), 1)
        assert chunk, "EOF"
        line += chunk
    return line.decode()


def drain(fd):
    os.set_blocking(fd, False)
    data = b""
    try:
        while chunk := os.read(fd, 65536):
            data += chunk
    except BlockingIOError:
        pass
    return data


class StalledStderr:
    """berth as PID 1 with its stderr a full pipe nobody reads; stdout a pipe the test reads."""

    def __init__(self, args):
        need_pid_namespace()
        self.r, w = full_pipe()
        self.proc = subprocess.Popen(["unshare", "-p", "-f", "--mount-proc", BERTH, *args],
                                     stdout=subprocess.PIPE, stderr=w)
        os.close(w)
        self.pid = until(lambda: children_of(self.proc.pid), 10, "berth")[0]

    def close(self):
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self.r)


def test_a_stalled_stderr_reader_does_not_delay_the_deadline():
    """berth's "deadline reached" line once blocked on the full pipe, and the SIGKILL came when
    Docker's reader woke up (8 s) instead of at the grace (2 s)."""
    b = StalledStderr(["--grace", "2s", "--", TESTBIN, "signals", "--ignore", "TERM",
                       "--exit-on", "USR2"])
    try:
        assert read_line(b.proc.stdout, 10) == "ready\n"
        sent = time.monotonic()
        os.kill(b.pid, signal.SIGTERM)
        assert b.proc.wait(timeout=15) == 137
        took = time.monotonic() - sent
        assert 2.0 <= took < 4.0, took  # the grace, plus at most 0.5 s for the last lines
    finally:
        b.close()
