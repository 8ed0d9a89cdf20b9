# SPDX-License-Identifier: MIT
"""Under the name catatonit berth is catatonit 0.1.7 (plus 0.2.1's chdir to /), checked side by
side with what catatonit.c does: options, forwarding, pause mode, exit rules, fds, LISTEN_PID."""
import os
import re
import signal
import subprocess

import pytest

from conftest import TESTBIN, Berth, children_of, proc_status, run, until

USAGE = "usage: catatonit [-ghLPV] [--] <progname> [<arguments>...]\n"


@pytest.fixture
def catatonit(named):
    return named("catatonit")


def recorder(catatonit, args=(), pid1=True, extra=()):
    b = Berth(list(args) + ["--", TESTBIN, "signals", "--exit-on", "USR2"] + list(extra),
              pid1=pid1, binary=catatonit)
    b.wait_line("^ready$")
    return b


def state(pid):
    return proc_status(pid)["State"][0]


# options and their output


def test_version_in_tinis_format_for_docker_info(catatonit):
    for flag in ("-V", "--version"):
        r = run([flag], binary=catatonit)
        assert r.returncode == 0 and r.stderr == ""
        assert re.fullmatch(r"tini version \d+\.\d+\.\d+_catatonit\n", r.stdout)


def test_license_on_stdout(catatonit):
    r = run(["-L"], binary=catatonit)
    assert r.returncode == 0 and r.stdout.startswith("MIT License")


def test_help_on_stderr(catatonit):
    r = run(["-h"], binary=catatonit)
    assert r.returncode == 0 and r.stdout == ""
    assert r.stderr.startswith(USAGE + "\noptions:\n")
    for flag in ("-g", "-h", "-L", "-P", "-V, --version"):
        assert f"\n  {flag} " in r.stderr


@pytest.mark.parametrize("args,says", [
    ([], "ERROR \\(catatonit:\\d+\\): missing program name\n" + re.escape(USAGE)),
    (["--"], "ERROR \\(catatonit:\\d+\\): missing program name\n" + re.escape(USAGE)),
    (["-x", "true"], "catatonit: invalid option -- 'x'\n" + re.escape(USAGE)),
    (["--map", "TERM:QUIT", "true"], "catatonit: unrecognized option '--map'\n" + re.escape(USAGE)),
])
def test_usage_errors_exit_1(catatonit, args, says):
    r = run(args, binary=catatonit)
    assert r.returncode == 1
    assert re.fullmatch(says, r.stderr), r.stderr


@pytest.mark.parametrize("program,why", [("/doesnotexist", "No such file or directory"),
                                         ("/etc/passwd", "Permission denied")])
def test_exec_failure_exits_1(catatonit, program, why):
    r = run(["--", program], binary=catatonit)
    assert r.returncode == 1
    assert re.fullmatch(f"ERROR \\(catatonit:\\d+\\): failed to exec pid1: {why}\n", r.stderr)


# exit rules: the child's code, 128+N for a signal, at once (leftovers are not waited for)


@pytest.mark.parametrize("code", [0, 1, 3, 126, 255])
def test_exit_code_is_the_childs(catatonit, code):
    assert run(["--", TESTBIN, "exit", str(code)], binary=catatonit, pid1=True).returncode == code


@pytest.mark.parametrize("sig", ["TERM", "KILL", "SEGV"])
def test_killed_child_gives_128_plus_signal(catatonit, sig):
    r = run(["--", TESTBIN, "raise", sig], binary=catatonit, pid1=True)
    assert r.returncode == 128 + signal.Signals["SIG" + sig]


def test_exits_with_the_child_leaving_a_daemon(catatonit):
    r = run(["--", TESTBIN, "daemon", "--exit", "7"], binary=catatonit, pid1=True)
    assert r.returncode == 7


def test_podman_init_is_catatonit(named):
    """Podman mounts its init_path at /run/podman-init and runs `/run/podman-init -- CMD`."""
    podman_init = named("podman-init")
    r = run(["--", TESTBIN, "exit", "5"], binary=podman_init, pid1=True)
    assert (r.returncode, r.stdout, r.stderr) == (5, "", "")
    r = run(["--version"], binary=podman_init)
    assert re.fullmatch(r"tini version \d+\.\d+\.\d+_catatonit\n", r.stdout)
    r = run([], binary=podman_init)
    assert r.returncode == 1 and r.stderr.endswith(USAGE)


def test_quiet_by_default_and_debug_with_catatonit_debug(catatonit):
    r = run(["--", TESTBIN, "exit", "0"], binary=catatonit, pid1=True)
    assert r.stderr == ""
    r = run(["--", TESTBIN, "exit", "0"], binary=catatonit, pid1=True,
            env={"CATATONIT_DEBUG": ""})
    assert "spawned" in r.stderr


def test_reaps_orphans_as_pid1_and_as_subreaper(catatonit):
    for pid1 in (True, False):
        r = run(["--", TESTBIN, "orphans", "200"], binary=catatonit, pid1=pid1)
        assert r.returncode == 0, r.stdout + r.stderr


# forwarding: every signal to the child, or its group with -g; no translation


def test_forwards_signals_to_the_child(catatonit):
    b = recorder(catatonit)
    for n, sig in enumerate([signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1,
                             signal.SIGWINCH, signal.SIGCONT, signal.SIGRTMIN, signal.SIGTERM]):
        b.kill(sig)
        b.wait_line(f"^signal {signal.Signals(sig).name}$", start=n + 1)
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0


def test_child_leads_its_own_process_group(catatonit):
    r = run(["--", TESTBIN, "ids"], binary=catatonit)
    pid, _, pgid, _ = map(int, re.findall(r"\d+", r.stdout))
    assert pid == pgid


def test_dash_g_signals_the_group(catatonit):
    b = recorder(catatonit, ["-g"], extra=["--child"])
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.wait_line("^child signal SIGUSR1$")
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0


def test_without_g_only_the_child(catatonit):
    b = recorder(catatonit, extra=["--child"])
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0
    assert "child signal SIGUSR1" not in b.out


def test_terminal_stops_are_ignored_and_cont_is_forwarded(catatonit):
    """catatonit neither forwards TSTP/TTIN/TTOU nor stops; the child stopped by other means
    resumes when berth passes on SIGCONT."""
    b = recorder(catatonit)
    child = children_of(b.pid)[0]
    for sig in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
        b.kill(sig)
    os.kill(child, signal.SIGSTOP)
    until(lambda: state(child) == "T", 10, "child stopped")
    assert state(b.pid) in "RS"
    b.kill(signal.SIGCONT)
    b.wait_line("^signal SIGCONT$")
    until(lambda: state(child) in "RS", 10, "child running")
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0
    assert b.lines["out"] == ["ready", "signal SIGCONT", "signal SIGUSR2"]


# pause mode: no program, reap, exit 0 on TERM or INT, keep no directory busy


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_pause_exits_cleanly_on_term_or_int(catatonit, sig, tmp_path):
    b = Berth(["-P"], binary=catatonit, pid1=True, preexec_fn=lambda: os.chdir(tmp_path))
    until(lambda: os.readlink(f"/proc/{b.pid}/cwd") == "/", 10, "berth in /")
    for other in (signal.SIGHUP, signal.SIGUSR1, signal.SIGQUIT, signal.SIGTSTP):
        b.kill(other)  # ignored, as catatonit does
    assert state(b.pid) in "RS"
    b.kill(sig)
    assert b.wait() == 0
    assert b.err == ""


def test_pause_ignores_a_program(catatonit):
    """catatonit -P runs nothing, whatever follows."""
    b = Berth(["-P", "--", TESTBIN, "exit", "3"], binary=catatonit, pid1=True)
    until(lambda: os.path.exists(f"/proc/{b.pid}/cwd") and state(b.pid) == "S", 10, "pause")
    assert children_of(b.pid) == []
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def test_pause_reaps_orphans_reparented_to_it(catatonit):
    """Orphans made inside the pause container's pid namespace are reaped by berth (PID 1)."""
    b = Berth(["-P"], binary=catatonit, pid1=True)
    until(lambda: state(b.pid) == "S", 10, "pause")
    r = subprocess.run(["nsenter", "-t", str(b.pid), "-p", "-m", "--", "setsid", "-w",
                        TESTBIN, "orphans", "50"],
                       capture_output=True, text=True, timeout=60)
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout == "reaped 50\n"


# inherited fds and socket activation


def test_berth_drops_its_copies_of_inherited_fds(catatonit, tmp_path):
    """The child keeps the fd; berth, once the child runs, no longer holds it (catatonit 0.1.6)."""
    path = tmp_path / "held"
    path.write_text("x")
    fd = os.open(path, os.O_RDONLY)
    try:
        b = Berth(["--", TESTBIN, "signals", "--exit-on", "USR2"], binary=catatonit, pid1=True,
                  pass_fds=(fd,))
        b.wait_line("^ready$")
        held = lambda pid: {os.readlink(f"/proc/{pid}/fd/{n}") for n in os.listdir(f"/proc/{pid}/fd")
                            if os.path.exists(f"/proc/{pid}/fd/{n}")}
        until(lambda: str(path) not in held(b.pid), 10, "berth to close the inherited fd")
        assert str(path) in held(children_of(b.pid)[0])
        b.kill(signal.SIGUSR2)
        assert b.wait() == 0
    finally:
        os.close(fd)


def test_listen_pid_naming_berth_is_rewritten_to_the_child(catatonit):
    """runc sets LISTEN_PID=1 for socket activation; PID 1 is berth, so the child gets its pid."""
    r = run(["--", TESTBIN, "env", "LISTEN_PID"], binary=catatonit, pid1=True,
            env={"LISTEN_PID": "1", "LISTEN_FDS": "1"})
    assert r.returncode == 0
    assert r.stdout == "env LISTEN_PID=2\n"


def test_listen_pid_naming_someone_else_is_left_alone(catatonit):
    r = run(["--", TESTBIN, "env", "LISTEN_PID"], binary=catatonit, pid1=True,
            env={"LISTEN_PID": "77"})
    assert r.stdout == "env LISTEN_PID=77\n"


def test_listen_fds_reach_the_child(catatonit, tmp_path):
    """The socket-activation fds (3 onwards) are inherited as they are; nothing of berth's own
    (epoll, signalfd, timers: all close-on-exec) leaks into the child."""
    path = tmp_path / "socket-stand-in"
    path.write_text("x")
    fd = os.open(path, os.O_RDONLY)
    try:
        r = subprocess.run(["unshare", "-p", "-f", "--mount-proc", catatonit, "--", TESTBIN, "fds"],
                           capture_output=True, text=True, pass_fds=(fd,),
                           env={**os.environ, "LISTEN_PID": "1", "LISTEN_FDS": "1"},
                           stdin=subprocess.DEVNULL, timeout=30)
    finally:
        os.close(fd)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"fds 0 1 2 {fd}\n"
