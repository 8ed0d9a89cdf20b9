# SPDX-License-Identifier: MIT
"""`berth check`: helper apps of known behaviour give the expected verdict and figures, in text
and in JSON. berth check makes its own namespaces, so it runs here as a plain process.

Timing bounds are one-sided or generous: the machine may be busy.
"""
import json
import os
import subprocess

import pytest

from conftest import BERTH, TESTBIN, free_port, need_pid_namespace

PYTHON = "/usr/bin/python3"
READY = ["--ready-log", "^ready$"]


def check(args, timeout=60):
    cmd = [BERTH, "check"] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def check_json(args, rc):
    """Runs berth check --json; asserts its exit code; returns the parsed report."""
    r = check(["--json", "--quiet-app"] + list(args))
    assert r.returncode == rc, f"stdout: {r.stdout}\nstderr: {r.stderr}"
    return json.loads(r.stdout)


def check_text(args, rc):
    r = check(args)
    assert r.returncode == rc, f"stdout: {r.stdout}\nstderr: {r.stderr}"
    return r


@pytest.fixture(autouse=True)
def namespaces():
    need_pid_namespace()


def test_exits_at_once_on_term():
    j = check_json(READY + ["--", TESTBIN, "signals"], 0)
    assert j["verdict"] == "pass"
    assert j["mode"] == "pid-namespace"
    [sig] = j["signals"]
    assert sig["signal"] == "SIGTERM" and sig["reacted"]
    assert 0 <= sig["exit_after_ms"] < 2000
    assert j["exit_code"] == 0 and j["exit_meaning"] == "clean exit"
    assert j["shutdown_ms"] < 3000
    assert j["leftovers"] == [] and not j["killed_at_budget"]
    assert j["failures"] == [] and j["warnings"] == []
    events = [e["event"] for e in j["timeline"]]
    assert events[0] == "started berth and the program"
    assert "sent SIGTERM to PID 1 (berth)" in events and events[-1] == "PID 1 (berth) exited"

    r = check_text(READY + ["--", TESTBIN, "signals"], 0)
    assert "berth as PID 1 in a new PID namespace" in r.stdout
    assert "ms after SIGTERM" in r.stdout
    assert "verdict     PASS" in r.stdout
    # The app's output passes through on stderr, prefixed; berth's own lines apart.
    assert "app  | ready" in r.stderr and "app  | signal SIGTERM" in r.stderr
    assert "berth| berth: notice: exit 0" in r.stderr


def test_ignores_term_is_killed_at_the_budget():
    args = READY + ["--budget", "2s", "--", TESTBIN, "signals", "--ignore", "TERM"]
    j = check_json(args, 1)
    assert j["verdict"] == "fail"
    assert not j["signals"][0]["reacted"] and j["signals"][0]["exit_after_ms"] is None
    assert j["killed_at_budget"]
    assert any("signals --ignore TERM" in k for k in j["killed"])
    assert j["exit_code"] == 137
    assert 2000 <= j["shutdown_ms"] < 8000
    assert any("did not exit on SIGTERM" in f for f in j["failures"])
    assert any("still running at the 2s budget" in f for f in j["failures"])

    r = check_text(args + [], 1)
    assert "no exit on SIGTERM" in r.stdout
    assert "budget spent: SIGKILL to everything left" in r.stdout
    assert "verdict     FAIL" in r.stdout


def test_takes_two_seconds_to_stop():
    args = READY + ["--", TESTBIN, "signals", "--linger-ms", "2000"]
    j = check_json(args, 0)
    assert 2000 <= j["signals"][0]["exit_after_ms"] < 6000
    assert j["exit_code"] == 0
    # The same app against a 1 s budget fails, killed.
    j = check_json(["--budget", "1s"] + args, 1)
    assert j["killed_at_budget"] and j["exit_code"] == 137


def test_leaves_a_daemon_behind():
    j = check_json(READY + ["--", TESTBIN, "signals", "--daemon"], 0)
    assert j["verdict"] == "pass"
    [left] = j["leftovers"]
    assert "signals --daemon" in left["command"]
    assert left["gone_ms"] is not None and left["gone_ms"] >= j["main_exit_ms"]
    assert left["gone_ms"] - j["main_exit_ms"] < 3000  # berth's teardown TERMs it
    assert any("outlived the main process" in w for w in j["warnings"])

    r = check_text(READY + ["--", TESTBIN, "signals", "--daemon"], 0)
    assert "still running: " in r.stdout and "gone: " in r.stdout


def test_daemon_that_ignores_term_makes_berth_kill():
    args = READY + ["--berth-arg=--grace=1s", "--", TESTBIN, "signals", "--daemon-ignore-term"]
    j = check_json(args, 1)
    assert any("signals --daemon-ignore-term" in k for k in j["killed_by_berth"])
    assert any("berth had to SIGKILL" in f for f in j["failures"])
    assert j["exit_code"] == 0  # the main process itself was clean
    [left] = j["leftovers"]
    assert left["gone_ms"] - j["main_exit_ms"] >= 900


def test_only_reacts_to_quit():
    app = ["--", TESTBIN, "signals", "--ignore", "TERM", "--exit-on", "QUIT"]
    j = check_json(READY + ["--budget", "2s"] + app, 1)
    assert not j["signals"][0]["reacted"] and j["killed_at_budget"]

    # TERM, then QUIT half a second later: the second one works.
    j = check_json(READY + ["--signal", "TERM", "--signal", "QUIT", "--signal-gap", "500ms"] + app, 0)
    term, quit_ = j["signals"]
    assert not term["reacted"] and quit_["reacted"]
    assert quit_["sent_ms"] - term["sent_ms"] >= 500
    assert j["main_exit_after_ms"] >= 500
    assert any("did not exit on SIGTERM" in w for w in j["warnings"])

    # Or berth maps TERM to QUIT on the way.
    j = check_json(READY + ["--berth-arg=--map=TERM:QUIT"] + app, 0)
    assert j["signals"][0]["reacted"]


def test_shell_that_does_not_exec(tmp_path):
    script = tmp_path / "run.sh"
    script.write_text(f"#!/bin/sh\n{TESTBIN} signals\n")
    script.chmod(0o755)
    args = READY + ["--budget", "2s", "--compare-bare", "--", str(script)]
    j = check_json(args, 0)
    # Under berth the shell dies of TERM (143) and berth tears its child down.
    assert j["exit_code"] == 143 and j["signals"][0]["reacted"]
    [left] = j["leftovers"]
    assert "signals" in left["command"] and left["gone_ms"] is not None
    # As PID 1 without berth, the shell swallows TERM: nothing happens until the budget.
    bare = j["bare"]
    assert bare["mode"] == "bare" and bare["verdict"] == "fail"
    assert not bare["signals"][0]["reacted"] and bare["killed_at_budget"]
    assert bare["exit_code"] == 137

    r = check_text(args, 0)
    assert "compare: the same program as PID 1 without berth" in r.stdout
    assert "why: as PID 1" in r.stdout
    assert "bare | ready" in r.stderr


def test_compare_bare_pid1_ignores_default_term():
    j = check_json(["--ready-after", "200ms", "--budget", "2s", "--compare-bare", "--",
                    "sleep", "100"], 0)
    assert j["exit_code"] == 143 and j["exit_meaning"] == "128+15: ended by SIGTERM"
    assert not j["bare"]["signals"][0]["reacted"] and j["bare"]["exit_code"] == 137


def http_server(port):
    return ["--", PYTHON, "-m", "http.server", "--bind", "127.0.0.1", str(port)]


def test_ready_by_http():
    port = free_port()
    j = check_json([f"--ready-http=http://127.0.0.1:{port}/"] + http_server(port), 0)
    assert j["ready"]["how"] == f"http http://127.0.0.1:{port}/"
    assert j["ready"]["at_ms"] is not None and not j["ready"]["timed_out"]
    assert j["exit_code"] == 143  # Python's default TERM action


def test_ready_by_tcp():
    port = free_port()
    j = check_json([f"--ready-tcp=127.0.0.1:{port}"] + http_server(port), 0)
    assert j["ready"]["how"] == f"tcp 127.0.0.1:{port}" and j["ready"]["at_ms"] is not None


def test_ready_by_log_line_on_stderr(tmp_path):
    script = tmp_path / "app.sh"
    script.write_text(f"#!/bin/sh\necho listening >&2\nexec {TESTBIN} signals\n")
    script.chmod(0o755)
    j = check_json(["--ready-log", "^listen", "--", str(script)], 0)
    assert j["ready"]["how"] == "log /^listen/"


def test_ready_after_a_delay():
    j = check_json(["--ready-after", "300ms", "--", TESTBIN, "signals"], 0)
    assert j["ready"]["at_ms"] >= 300
    assert j["signals"][0]["sent_ms"] >= 300


def test_readiness_timeout():
    j = check_json(["--ready-log", "never", "--ready-timeout", "1s", "--", TESTBIN, "signals"], 1)
    assert j["ready"]["timed_out"] and j["ready"]["at_ms"] is None
    assert j["failures"] == ["not ready within 1s (log /never/)"]
    assert j["signals"] == []
    r = check_text(["--ready-log", "never", "--ready-timeout", "1s", "--", TESTBIN, "signals"], 1)
    assert "not ready after 1s: giving up" in r.stdout


def test_exit_before_ready():
    j = check_json(READY + ["--", TESTBIN, "exit", "3"], 1)
    assert any("exited before it was ready" in f for f in j["failures"])
    assert j["exit_code"] == 3


def test_subreaper_mode_says_so():
    j = check_json(READY + ["--no-namespace", "--", TESTBIN, "signals", "--daemon"], 0)
    assert j["mode"] == "subreaper"
    assert len(j["leftovers"]) == 1
    r = check_text(READY + ["--no-namespace", "--", TESTBIN, "signals"], 0)
    assert "berth as a child subreaper" in r.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_user_namespace_when_not_root():
    r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", BERTH,
                        "check", "--json", "--quiet-app"] + READY + ["--", TESTBIN, "signals"],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0 and "Permission denied" in r.stderr:
        pytest.skip("nobody cannot run the built binaries here")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["mode"] in ("pid-namespace", "subreaper")
    if j["mode"] == "pid-namespace":
        assert j["user_namespace"]


@pytest.mark.parametrize("args", [[], ["--budget"], ["--signal", "NOPE", "x"], ["--bogus", "x"],
                                  ["--ready-tcp", "1.2.3.4", "x"]])
def test_usage_errors_exit_2(args):
    r = check(args)
    assert r.returncode == 2
    assert r.stderr.startswith("berth check: ") and "see berth check --help" in r.stderr


def test_help():
    r = check(["--help"])
    assert r.returncode == 0 and "Usage: berth check" in r.stdout
