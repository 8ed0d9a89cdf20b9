# SPDX-License-Identifier: MIT
"""berth's own exit codes: one test per row of the table in README.md and berth(1) (the codes
live in include/berth/base/exit_codes.h). berth runs as PID 1 where the row is about a run."""
import json
import shutil
import signal

import pytest

from conftest import BERTH, TESTBIN, Berth, free_port, need, run


def test_1_set_up_failed_with_config_too(tmp_path):
    """The same failure (a port berth cannot bind) in --config mode is 1 too, not 2."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        cfg = tmp_path / "berth.toml"
        cfg.write_text('[[service]]\nname = "a"\ncommand = "true"\n')
        r = run(["--healthz", f"127.0.0.1:{port}", "--config", str(cfg)], pid1=True)
        assert r.returncode == 1, r.stderr
        r = run(["--healthz", f"127.0.0.1:{port}", "--", TESTBIN, "exit", "0"], pid1=True)
        assert r.returncode == 1, r.stderr


def test_1_set_up_failed_when_descriptors_run_out_in_config_mode(tmp_path):
    """timerfd_create: Too many open files, in --config mode: a set-up failure, 1 as the docs
    say (it was 2, the config-error code)."""
    need(shutil.which("prlimit"), "prlimit is not installed")
    cfg = tmp_path / "berth.toml"
    cfg.write_text("".join(f'[[service]]\nname = "s{i}"\ncommand = "true"\n' for i in range(40)))
    r = run(["prlimit", "--nofile=24", "--", BERTH, "--config", str(cfg)], binary="env")
    assert r.returncode == 1, r.stderr
    assert "Too many open files" in r.stderr


def test_1_wait_for_gave_up():
    r = run(["--wait-for", f"tcp://127.0.0.1:{free_port()}", "--wait-timeout", "300ms", "--",
             TESTBIN, "exit", "0"], pid1=True)
    assert r.returncode == 1, r.stderr


def test_1_user_when_berth_cannot_switch_user():
    """--user needs CAP_SETUID/CAP_SETGID in berth; without them it is one line at start-up and
    exit 1, not a failed exec reported as 126 ("not executable")."""
    need(shutil.which("setpriv"), "setpriv is not installed")
    r = run(["setpriv", "--bounding-set=-setuid,-setgid", "--inh-caps=-setuid,-setgid", "--",
             BERTH, "--user", "nobody", "--", TESTBIN, "exit", "0"],
            binary="env")
    assert r.returncode == 1, r.stderr
    assert "lacks CAP_SETUID/CAP_SETGID" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


@pytest.mark.parametrize("args", [
    ["--no-such-option", "--", "true"],
    [],
    ["--grace", "later", "--", "true"],
    ["--wait-for", "ftp://x:1", "--", "true"],
    ["--wait-for", "tcp://127.0.0.1:99999", "--", "true"],
    ["--user", "4294967295", "--", "true"],
    ["--user", "0:4294967295", "--", "true"],
], ids=["option", "no-program", "duration", "wait-for-scheme", "wait-for-port", "uid", "gid"])
def test_2_usage_error_and_nothing_starts(args, tmp_path):
    marker = tmp_path / "ran"
    r = run(args[:-1] + ["sh", "-c", f"touch {marker}"] if args else args, pid1=True)
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not marker.exists()


def test_69_after_on_unhealthy_exit_and_the_summary_says_69():
    """The summary states the code berth really exits with, in text and JSON."""
    for fmt in ("text", "json"):
        b = Berth(["--log-format", fmt, "--health-cmd", "exit 1", "--health-interval", "100ms",
                   "--health-retries", "1", "--on-unhealthy", "exit", "--", TESTBIN, "signals"])
        # The first check may fail before the child says ready: only the end matters here.
        assert b.wait() == 69, b.err
        assert "failed 1 times" not in b.err and "the check failed, last: " in b.err
        final = b.lines["err"][-1]
        if fmt == "json":
            final = json.loads(final)
            assert final["exit_code"] in (69, "69"), final
            assert final["msg"].startswith("exit 69: "), final
        else:
            assert "notice: exit 69: stopped as unhealthy (child " in final, final
            assert " exit_code=69 " in final, final


def test_126_not_executable(tmp_path):
    script = tmp_path / "app"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o644)
    assert run(["--", str(script)], pid1=True).returncode == 126


def test_127_not_found():
    assert run(["--", "no-such-program-here"], pid1=True).returncode == 127


def test_128_plus_n_signal_killed_the_child():
    assert run(["--", TESTBIN, "raise", "TERM"], pid1=True).returncode == 143


def test_128_plus_n_stop_signal_during_wait_for():
    b = Berth(["-v", "--wait-for", f"tcp://127.0.0.1:{free_port()}", "--wait-timeout", "30s", "--",
               TESTBIN, "exit", "0"])
    b.wait_line("waiting|wait-for", stream="err")
    b.kill(signal.SIGINT)
    assert b.wait() == 128 + signal.SIGINT
