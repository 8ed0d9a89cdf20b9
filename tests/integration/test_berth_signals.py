# SPDX-License-Identifier: MIT
"""berth's own names for the peers' features: --map/--rewrite/BERTH_MAP, --group,
--single-child, --pause, job control; bad names and numbers are a clear error, exit 2."""
import os
import signal

import pytest

from conftest import TESTBIN, Berth, children_of, proc_status, run, until


def recorder(args=(), env=None, extra=(), pid1=True):
    b = Berth(list(args) + ["--", TESTBIN, "signals", "--exit-on", "USR2"] + list(extra),
              pid1=pid1, env=env)
    b.wait_line("^ready$")
    return b


def finish(b):
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0


def state(pid):
    return proc_status(pid)["State"][0]


@pytest.mark.parametrize("args,env", [
    (["--map", "TERM:QUIT"], None),
    (["--map=SIGTERM:sigquit"], None),
    (["--map", "15:3"], None),
    (["--rewrite", "15:3"], None),
    (["-r", "TERM:QUIT"], None),
    ([], {"BERTH_MAP": "TERM:QUIT"}),
    ([], {"BERTH_MAP": " HUP:USR1 , TERM:QUIT "}),
])
def test_map_term_to_quit(args, env):
    b = recorder(args, env=env, extra=["--exit-on", "QUIT"])
    b.kill(signal.SIGTERM)
    b.wait_line("^signal SIGQUIT$")
    assert b.wait() == 0
    assert "signal SIGTERM" not in b.out


def test_map_several_rules_and_swaps():
    b = recorder(["--map", "TERM:INT", "--map", "INT:TERM", "--map", "HUP:RTMIN+1"])
    b.kill(signal.SIGHUP)
    b.wait_line("^signal SIGRTMIN\\+1$")
    b.kill(signal.SIGTERM)
    b.wait_line("^signal SIGINT$")
    b.kill(signal.SIGINT)
    b.wait_line("^signal SIGTERM$")
    finish(b)


@pytest.mark.parametrize("rule", ["HUP:-", "HUP:0", "1:0", "SIGHUP:-"])
def test_map_drop(rule):
    b = recorder(["--map", rule])
    b.kill(signal.SIGHUP)
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    finish(b)
    assert b.lines["out"] == ["ready", "signal SIGUSR1", "signal SIGUSR2"]


def test_berth_map_env_drop_and_flag_together():
    b = recorder(["--map", "USR1:WINCH"], env={"BERTH_MAP": "HUP:-"})
    b.kill(signal.SIGHUP)
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGWINCH$")
    finish(b)
    assert "signal SIGHUP" not in b.out


def test_mapped_stop_signal_still_starts_the_shutdown():
    """docker stop sends TERM; the child gets QUIT, and berth exits with the child's 0."""
    b = recorder(["--map", "TERM:QUIT"], extra=["--exit-on", "QUIT"])
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert "stop_signal=SIGTERM" in b.err


@pytest.mark.parametrize("args,env,says", [
    (["--map", "FOO:QUIT"], None, "unknown signal 'FOO'"),
    (["--map", "TERM:BAR"], None, "unknown signal 'BAR'"),
    (["--map", "99:1"], None, "unknown signal '99'"),
    (["--map", "1:65"], None, "unknown signal '65'"),
    (["--map", "0:1"], None, "unknown signal '0'"),
    (["--map", "TERM"], None, "want FROM:TO"),
    (["--rewrite", "15:x"], None, "unknown signal 'x'"),
    ([], {"BERTH_MAP": "TERM:QUIT,NOPE:-"}, "BERTH_MAP: bad signal map 'NOPE:-'"),
    # Rules for signals berth never forwards could never apply.
    (["--map", "KILL:TERM"], None, "SIGKILL is never forwarded"),
    (["--map", "STOP:CONT"], None, "SIGSTOP is never forwarded"),
    (["--map", "CHLD:-"], None, "SIGCHLD is never forwarded"),
    (["--map", "SEGV:TERM"], None, "SIGSEGV is never forwarded"),
    (["--map", "TTOU:HUP"], None, "SIGTTOU is never forwarded"),
    (["--rewrite", "11:15"], None, "SIGSEGV is never forwarded"),
    (["--map", ""], None, "no rule: want FROM:TO"),
    ([], {"BERTH_MAP": "KILL:TERM"}, "BERTH_MAP: bad signal map 'KILL:TERM'"),
])
def test_bad_maps_exit_2_with_a_clear_message(args, env, says):
    r = run(args + ["true"], env=env)
    assert r.returncode == 2
    assert says in r.stderr
    assert r.stderr.startswith("berth: ") and r.stderr.count("\n") == 1


def test_map_without_a_value_exits_2():
    r = run(["--map"])
    assert r.returncode == 2 and "option '--map' needs a value" in r.stderr


@pytest.mark.parametrize("flag", ["-g", "--group"])
def test_group_signals_the_whole_group(flag):
    b = recorder([flag], extra=["--child"])
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.wait_line("^child signal SIGUSR1$")
    finish(b)


@pytest.mark.parametrize("flag", ["-c", "--single-child"])
def test_single_child_undoes_group(flag):
    b = recorder(["--group", flag], extra=["--child"])
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    finish(b)
    assert "child signal SIGUSR1" not in b.out


def test_job_control_tstp_is_forwarded_and_berth_stays_up():
    """Under its own name berth forwards TSTP (as tini) and never stops itself."""
    b = recorder(pid1=False)
    b.kill(signal.SIGTSTP)
    b.wait_line("^signal SIGTSTP$")
    assert state(b.pid) in "RS"
    finish(b)


def test_job_control_stop_and_continue():
    b = recorder(["--map", "TSTP:STOP"])
    child = children_of(b.pid)[0]
    b.kill(signal.SIGTSTP)
    until(lambda: state(child) == "T", 10, "child stopped")
    assert state(b.pid) in "RS"
    b.kill(signal.SIGCONT)
    b.wait_line("^signal SIGCONT$")
    until(lambda: state(child) in "RS", 10, "child running")
    finish(b)


@pytest.mark.parametrize("flag", ["-P", "--pause"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_pause(flag, sig, tmp_path):
    b = Berth([flag], pid1=True, preexec_fn=lambda: os.chdir(tmp_path))
    until(lambda: os.readlink(f"/proc/{b.pid}/cwd") == "/", 10, "berth in /")
    b.kill(signal.SIGHUP)
    assert state(b.pid) in "RS"
    b.kill(sig)
    assert b.wait() == 0
    assert "exit 0: pause ended" in b.err


def test_pause_with_a_program_is_an_error():
    r = run(["--pause", "--", "true"])
    assert r.returncode == 2
    assert "--pause runs no program" in r.stderr


def test_listen_pid_for_berth_goes_to_the_child():
    r = run(["--", TESTBIN, "env", "LISTEN_PID"], pid1=True, env={"LISTEN_PID": "1"})
    assert r.stdout == "env LISTEN_PID=2\n"


def test_help_is_grouped_one_line_each():
    r = run(["--help"])
    assert r.returncode == 0
    text = r.stdout
    for group in ("Running:", "Signals:", "Shutdown:", "Output:", "Environment:"):
        assert f"\n{group}\n" in text
    for opt in ("--map FROM:TO", "-r, --rewrite FROM:TO", "-g, --group", "-c, --single-child",
                "-P, --pause", "BERTH_MAP"):
        assert opt in text
    signals = text.split("\nSignals:\n")[1].split("\n\n")[0]
    assert "--map" in signals and "--group" in signals and "--pause" not in signals
