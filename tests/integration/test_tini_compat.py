# SPDX-License-Identifier: MIT
"""Under the name tini (or tini-static, docker-init) berth passes the checks of tini's own suite."""
import os
import re
import signal
import subprocess

import pytest

from conftest import TESTBIN, Berth, need_pid_namespace, run


@pytest.fixture(params=["tini", "tini-static", "docker-init"])
def tini(request, named):
    return named(request.param)


def test_version_in_tinis_format(tini):
    r = subprocess.run([tini, "--version"], capture_output=True, text=True)
    assert r.returncode == 0
    assert re.fullmatch(r"tini version \d+\.\d+\.\d+ - git\.\w+\n", r.stdout)


def test_help_goes_to_stdout_and_exits_0(tini):
    r = subprocess.run([tini, "-h"], capture_output=True, text=True)
    assert r.returncode == 0
    assert "-s" in r.stdout and "TINI_SUBREAPER" in r.stdout


def test_license(named):
    r = subprocess.run([named("tini"), "-l"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("MIT License")


@pytest.mark.parametrize("args", [[], ["-x", "true"], ["-e", "256", "true"], ["-p", "NOPE", "true"]])
def test_usage_errors_exit_1(named, args):
    assert run(args, binary=named("tini")).returncode == 1


def test_exit_codes_inclusive_and_exclusive(named):
    """tini's exit code test: every code 0..255 with -e CODE gives 0; all others given keep it."""
    tini = named("tini")
    for code in range(256):
        r = subprocess.run([tini, "-e", str(code), "--", "sh", "-c", f"exit {code}"])
        assert r.returncode == 0, code
    for code in (0, 1, 77, 255):
        others = [a for x in range(256) if x != code for a in ("-e", str(x))]
        r = subprocess.run([tini] + others + ["sh", "-c", f"exit {code}"],
                           env=dict(os.environ, POSIXLY_CORRECT="1"))
        assert r.returncode == code


@pytest.mark.parametrize("how", [["-s"], []], ids=["flag", "env"])
def test_reaping_as_subreaper(named, how):
    env = {} if how else {"TINI_SUBREAPER": ""}
    r = run(how + ["--", TESTBIN, "orphans", "200"], binary=named("tini"), env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "zombie reaping won't work" not in r.stderr
    assert "Reaped zombie process with pid=" not in r.stderr


def test_reaping_display_with_w(named):
    r = run(["-s", "-w", "--", TESTBIN, "orphans", "5"], binary=named("tini"))
    assert r.returncode == 0
    assert "Reaped zombie process with pid=" in r.stderr


def test_not_pid1_and_not_subreaper_warns_and_reaping_fails(named):
    # PID 1 of the namespace is a python that waits for its own child only, so the orphans stay
    # zombies unless tini reaps them, which it can't.
    need_pid_namespace()
    keeper = ("import subprocess, sys; "
              f"sys.exit(subprocess.call([{named('tini')!r}, '--', {TESTBIN!r}, 'orphans', '5', '500']))")
    r = subprocess.run(["unshare", "-p", "-f", "--mount-proc", "/usr/bin/python3", "-c", keeper],
                       capture_output=True, text=True, env=dict(os.environ, TINI_VERBOSITY="1"))
    assert "zombie reaping won't work" in r.stderr
    assert r.returncode == 1


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGUSR1, signal.SIGUSR2])
def test_signals_kill_a_default_child(named, sig):
    b = Berth(["-s", "--", "sh", "-c", "echo ready; exec sleep 100"], pid1=False,
              binary=named("tini"))
    b.wait_line("^ready$")
    b.kill(sig)
    assert b.wait() == 128 + sig


def test_process_group_with_g(named):
    b = Berth(["-g", "--", TESTBIN, "signals", "--child"], pid1=False, binary=named("tini"))
    b.wait_line("^ready$")
    b.kill(signal.SIGUSR1)
    b.wait_line("^child signal SIGUSR1$")
    b.kill(signal.SIGTERM)  # to the group too, so the grandchild ends with the child
    b.wait_line("^child signal SIGTERM$")
    assert b.wait() == 0


def test_signal_configuration_is_restored_for_the_child(named):
    """The child gets the signal mask and ignored set berth itself started with."""
    def configure():
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTTIN, signal.SIGILL, signal.SIGTERM])
        for sig in (signal.SIGTTOU, signal.SIGSEGV, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)

    r = subprocess.run([named("tini"), "-s", "--", "cat", "/proc/self/status"],
                       capture_output=True, text=True, preexec_fn=configure)
    fields = dict(line.split(":", 1) for line in r.stdout.splitlines())
    blocked = int(fields["SigBlk"], 16)
    ignored = int(fields["SigIgn"], 16)
    for sig in (signal.SIGTTIN, signal.SIGILL, signal.SIGTERM):
        assert blocked & (1 << (sig - 1)), sig
    for sig in (signal.SIGTTOU, signal.SIGSEGV, signal.SIGINT):
        assert ignored & (1 << (sig - 1)), sig


def test_parent_death_signal(named):
    """-p SIGUSR1: when berth's parent dies, berth gets USR1 and forwards it to the child."""
    outer = subprocess.Popen(
        ["sh", "-c", f"{named('tini')} -s -p SIGUSR1 -- {TESTBIN} signals --exit-on USR1 & read x"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert outer.stdout.readline().strip() == "ready"
    outer.stdin.write("go\n")
    outer.stdin.close()
    outer.wait(timeout=10)
    assert outer.stdout.readline().strip() == "signal SIGUSR1"
