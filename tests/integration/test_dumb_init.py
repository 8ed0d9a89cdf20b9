# SPDX-License-Identifier: MIT
"""Under the name dumb-init berth is dumb-init 1.2.5: the intent of dumb-init's own suite
(tests/*.py in Yelp/dumb-init), run against berth with the testbin signal recorder."""
import os
import re
import signal
import subprocess

import pytest

from conftest import TESTBIN, Berth, children_of, proc_status, run, until

SUSPEND = [signal.SIGTSTP, signal.SIGTTOU, signal.SIGTTIN]
# dumb-init's NORMAL_SIGNALS: 1..31 but KILL, STOP, CHLD and the suspend signals (SEGV and the
# other synchronous ones included, when sent with kill).
NORMAL = sorted(set(range(1, 32)) - {signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD} - set(SUSPEND))


@pytest.fixture
def dumb_init(named):
    return named("dumb-init")


@pytest.fixture(params=["1", "0"], ids=["setsid", "nosetsid"])
def setsid_env(request):
    return {"DUMB_INIT_SETSID": request.param}


def name(sig):
    return signal.Signals(sig).name


def recorder(dumb_init, args=(), env=None, pid1=False, extra=()):
    b = Berth(list(args) + [TESTBIN, "signals", "--exit-on", str(int(signal.SIGRTMIN))] + list(extra), pid1=pid1,
              binary=dumb_init, env=env)
    b.wait_line("^ready$")
    return b


def child_of(b):
    return until(lambda: children_of(b.pid), 10, "berth's child")[0]


def state(pid):
    return proc_status(pid)["State"][0]


def finish(b):
    b.kill(signal.SIGRTMIN)
    assert b.wait() == 0


# cli_test.py


def test_no_arguments_prints_usage(dumb_init, setsid_env):
    r = run([], binary=dumb_init, env=setsid_env)
    assert r.returncode == 1
    assert r.stderr == ("Usage: dumb-init [option] program [args]\n"
                        "Try dumb-init --help for full usage.\n")


def test_unknown_option_exits_1_as_getopt_says(dumb_init):
    r = run(["--yolo", "/bin/true"], binary=dumb_init)
    assert r.returncode == 1
    assert r.stderr == "dumb-init: unrecognized option '--yolo'\n"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_on_stderr_exits_0(dumb_init, flag):
    r = run([flag], binary=dumb_init)
    assert r.returncode == 0 and r.stdout == ""
    assert re.match(r"dumb-init v\d+\.\d+\.\d+\nUsage: dumb-init \[option\] command \[\[arg\] \.\.\.\]\n",
                    r.stderr)
    for line in ("   -c, --single-child   Run in single-child mode.",
                 "   -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.",
                 "   -v, --verbose        Print debugging information to stderr.",
                 "   -V, --version        Print the current version and exit."):
        assert line in r.stderr.splitlines()


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version_on_stderr(dumb_init, flag):
    r = run([flag], binary=dumb_init)
    assert r.returncode == 0 and r.stdout == ""
    assert re.fullmatch(r"dumb-init v\d+\.\d+\.\d+\n", r.stderr)


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_prints_dumb_inits_own_lines(dumb_init, flag):
    """-v prints what dumb-init prints, word for word, and nothing of berth's log."""
    r = run([flag, "-c", "echo", "oh,", "hi"], binary=dumb_init)
    assert r.returncode == 0
    assert r.stdout == "oh, hi\n"
    assert re.fullmatch(r"\[dumb-init\] Child spawned with PID (\d+)\.\n"
                        r"\[dumb-init\] Received signal 17\.\n"
                        r"\[dumb-init\] A child with PID \1 exited with exit status 0\.\n"
                        r"\[dumb-init\] Forwarded signal 15 to children\.\n"
                        r"\[dumb-init\] Child exited with status 0\. Goodbye\.\n", r.stderr), r.stderr


def test_verbose_in_setsid_mode_reports_the_session_and_the_rewrite(dumb_init):
    b = Berth(["-v", "-r", "10:12", "--", TESTBIN, "signals"], binary=dumb_init)
    b.wait_line("^ready$")
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR2$")
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert "[dumb-init] setsid complete." in b.lines["err"]
    i = b.lines["err"].index("[dumb-init] Received signal 10.")
    assert b.lines["err"][i + 1:i + 3] == ["[dumb-init] Translating signal 10 to 12.",
                                           "[dumb-init] Forwarded signal 12 to children."], b.err
    assert b.lines["err"][-1] == "[dumb-init] Child exited with status 0. Goodbye."


def test_quiet_by_default(dumb_init):
    r = run(["echo", "oh,", "hi"], binary=dumb_init, env={"DUMB_INIT_DEBUG": "0"})
    assert (r.returncode, r.stdout, r.stderr) == (0, "oh, hi\n", "")
    r = run(["true"], binary=dumb_init, env={"DUMB_INIT_DEBUG": "1"})
    assert r.stderr.startswith("[dumb-init] Running in debug mode.\n"), r.stderr
    assert "[dumb-init] Child exited with status 0. Goodbye.\n" in r.stderr


@pytest.mark.parametrize("extra", [
    ["-r"], ["-r", ""], ["-r", "herp"], ["-r", "herp:derp"], ["-r", "15"], ["-r", "15::12"],
    ["-r", "15:derp"], ["-r", "15:12", "-r", "0"], ["-r", "15:12", "-r", "1:32"],
    ["-r", "TERM:QUIT"], ["-r", "0:1"], ["-r", "32:1"],
])
def test_rewrite_errors(dumb_init, extra):
    r = run(extra + ["echo", "oh,", "hi"], binary=dumb_init)
    assert r.returncode == 1
    assert r.stderr == ("Usage: -r option takes <signum>:<signum>, where <signum> is between 1 "
                        "and 31.\nThis option can be specified multiple times.\n"
                        "Use --help for full usage.\n")


# exit_status_test.py


@pytest.mark.parametrize("code", [0, 1, 2, 32, 64, 127, 254, 255])
def test_exit_status_regular_exit(dumb_init, setsid_env, code):
    assert run(["sh", "-c", f"exit {code}"], binary=dumb_init, env=setsid_env).returncode == code


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGKILL])
def test_exit_status_terminated_by_signal(dumb_init, setsid_env, sig):
    r = run([TESTBIN, "raise", str(int(sig))], binary=dumb_init, env=setsid_env)
    assert r.returncode == 128 + sig


@pytest.mark.parametrize("args", [["/doesnotexist"], ["--", "/doesnotexist"],
                                  ["-c", "/doesnotexist"],
                                  ["--single-child", "--", "/doesnotexist"]])
def test_fails_with_2_on_bad_exec(dumb_init, setsid_env, args):
    r = run(args, binary=dumb_init, env=setsid_env)
    assert r.returncode == 2
    assert r.stderr == "[dumb-init] /doesnotexist: No such file or directory\n"


def test_not_executable_is_2_too(dumb_init):
    r = run(["/etc/passwd"], binary=dumb_init)
    assert (r.returncode, r.stderr) == (2, "[dumb-init] /etc/passwd: Permission denied\n")


# cwd_test.py


def test_child_keeps_the_directory_init_does_not(dumb_init, setsid_env, tmp_path):
    r = subprocess.run([dumb_init, "sh", "-c", "readlink /proc/$PPID/cwd; pwd"],
                       cwd=tmp_path, capture_output=True, text=True, env={**os.environ, **setsid_env})
    assert r.returncode == 0
    assert r.stdout == f"/\n{tmp_path}\n"


# sessions: setsid mode by default; -c and DUMB_INIT_SETSID=0 keep the child in berth's group


def test_setsid_mode_child_leads_a_session(dumb_init):
    r = run([TESTBIN, "ids"], binary=dumb_init)
    pid, _, pgid, sid = map(int, re.findall(r"\d+", r.stdout))
    assert pid == pgid == sid


@pytest.mark.parametrize("how", [["-c"], ["--single-child"], "env"])
def test_single_child_mode_stays_in_the_group(dumb_init, how):
    args, env = (how, None) if how != "env" else ([], {"DUMB_INIT_SETSID": "0"})
    r = run(args + [TESTBIN, "ids"], binary=dumb_init, env=env)
    pid, ppid, pgid, sid = map(int, re.findall(r"\d+", r.stdout))
    assert pgid != pid and sid == os.getsid(0)


def test_child_gets_the_controlling_tty(dumb_init):
    """tty_test.py: with a terminal, the child of the new session owns it (bash -m works)."""
    r = subprocess.run(["script", "-qec", f"exec {dumb_init} {TESTBIN} tty", "/dev/null"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "tty yes" in r.stdout and "foreground yes" in r.stdout


def test_job_control_shell_under_a_tty(dumb_init):
    r = subprocess.run(["script", "-qec", f"exec {dumb_init} bash -m -c 'echo flags:$-'",
                        "/dev/null"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"flags:\w*m", r.stdout), r.stdout


# proxies_signals_test.py


def test_proxies_signals(dumb_init, setsid_env):
    b = recorder(dumb_init, env=setsid_env)
    for n, sig in enumerate(NORMAL):
        b.kill(sig)
        b.wait_line(f"^signal {name(sig)}$", start=n + 1)
    finish(b)


@pytest.mark.parametrize("rewrite,sequence,expected", [
    ({}, [15, 3, 18, 2], [15, 3, 18, 2]),
    ({15: 2}, [15, 3, 18, 2], [2, 3, 18, 2]),
    ({15: 2, 2: 15, 3: 3}, [15, 3, 18, 2], [2, 3, 18, 15]),
    ({1: 31, 31: 1}, [1, 31], [31, 1]),  # lowest and highest
])
def test_proxies_signals_with_rewrite(dumb_init, setsid_env, rewrite, sequence, expected):
    args = [a for f, t in rewrite.items() for a in ("-r", f"{f}:{t}")]
    b = recorder(dumb_init, args, env=setsid_env)
    for n, (send, want) in enumerate(zip(sequence, expected)):
        b.kill(send)
        b.wait_line(f"^signal {name(want)}$", start=n + 1)
    finish(b)


def test_ignored_signals_are_not_proxied(dumb_init, setsid_env):
    b = recorder(dumb_init, ["-r", "15:3", "-r", "2:0", "--rewrite", "28:0"], env=setsid_env)
    b.kill(signal.SIGTERM)
    b.kill(signal.SIGINT)
    b.wait_line("^signal SIGQUIT$")
    b.kill(signal.SIGWINCH)
    b.kill(signal.SIGHUP)
    b.wait_line("^signal SIGHUP$")
    finish(b)
    assert b.lines["out"] == ["ready", "signal SIGQUIT", "signal SIGHUP", "signal SIGRTMIN"]


# child_processes_test.py: setsid mode signals the whole group, -c the child alone


def test_setsid_signals_the_entire_group(dumb_init):
    b = recorder(dumb_init, extra=["--child"])
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.wait_line("^child signal SIGUSR1$")
    finish(b)


def test_single_child_signals_the_child_alone(dumb_init):
    b = recorder(dumb_init, ["-c"], extra=["--child"])
    grandchild = until(lambda: children_of(child_of(b)), 10, "the grandchild")[0]
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    finish(b)
    assert "child signal SIGUSR1" not in b.out
    os.kill(grandchild, signal.SIGTERM)  # -c leaves it running, outside any namespace


def test_group_gets_term_when_the_child_exits_in_setsid_mode(dumb_init):
    """The grandchild outlives the child and is sent SIGTERM, which ends it."""
    b = recorder(dumb_init, extra=["--child"])
    b.kill(signal.SIGRTMIN)
    b.wait_line("^child signal SIGTERM$")
    assert b.wait() == 0


def test_no_term_to_others_without_setsid(dumb_init):
    b = recorder(dumb_init, ["-c"], extra=["--child"])
    grandchild = until(lambda: children_of(child_of(b)), 10, "the grandchild")[0]
    b.kill(signal.SIGRTMIN)
    assert b.proc.wait(timeout=10) == 0
    os.kill(grandchild, signal.SIGUSR1)  # still alive, and what it got first was this
    b.wait_line("^child signal SIGUSR1$")
    assert "child signal SIGTERM" not in b.out
    os.kill(grandchild, signal.SIGTERM)
    b.wait()


def test_first_hup_and_cont_ignored_when_berth_led_the_session(dumb_init):
    """tty_test.py: giving up the terminal sends berth SIGHUP and SIGCONT; they are dropped."""
    b = Berth(["-qec", f"exec {dumb_init} -v {TESTBIN} signals --exit-on HUP", "/dev/null"],
              pid1=False, binary="/usr/bin/script")
    b.wait_line("ready")
    berth = until(lambda: children_of(b.proc.pid), 10, "berth under script")[0]
    # Standard signals do not queue: a HUP sent before berth read the hand-off one would merge.
    b.wait_line(r"^\[dumb-init\] Ignoring tty hand-off signal 1\.")
    b.wait_line(r"^\[dumb-init\] Ignoring tty hand-off signal 18\.")
    os.kill(berth, signal.SIGHUP)
    b.wait_line("signal SIGHUP")
    assert b.wait() == 0
    assert not any(line.startswith("signal SIGCONT") for line in b.lines["out"])


# shell_background_test.py: job control


def test_suspend_signals_stop_child_and_init_in_setsid_mode(dumb_init):
    b = recorder(dumb_init)
    child = child_of(b)
    for sig in SUSPEND:
        assert state(b.pid) in "RS" and state(child) in "RS"
        b.kill(sig)
        until(lambda: state(b.pid) == "T" and state(child) == "T", 10, "both stopped")
        before = len(b.lines["out"])
        b.kill(signal.SIGCONT)
        b.wait_line("^signal SIGCONT$", start=before)
        until(lambda: state(b.pid) in "RS" and state(child) in "RS", 10, "both running")
    assert "signal SIGTSTP" not in b.out  # rewritten to SIGSTOP by default
    finish(b)


def test_suspend_signals_are_forwarded_then_init_stops_without_setsid(dumb_init):
    b = recorder(dumb_init, env={"DUMB_INIT_SETSID": "0"})
    for sig in SUSPEND:
        before = len(b.lines["out"])
        b.kill(sig)
        b.wait_line(f"^signal {name(sig)}$", start=before)
        until(lambda: state(b.pid) == "T", 10, "berth stopped")
        b.kill(signal.SIGCONT)
        b.wait_line("^signal SIGCONT$", start=before + 1)
        until(lambda: state(b.pid) in "RS", 10, "berth running")
    finish(b)


def test_default_rewrites_can_be_overridden(dumb_init):
    rewrite = {signal.SIGTTIN: signal.SIGTERM, signal.SIGTTOU: signal.SIGINT,
               signal.SIGTSTP: signal.SIGHUP}
    args = [a for f, t in rewrite.items() for a in ("-r", f"{int(f)}:{int(t)}")]
    b = recorder(dumb_init, args)
    for send, want in rewrite.items():
        before = len(b.lines["out"])
        b.kill(send)
        b.wait_line(f"^signal {name(want)}$", start=before)
        until(lambda: state(b.pid) == "T", 10, "berth stopped")
        b.kill(signal.SIGCONT)
        b.wait_line("^signal SIGCONT$", start=before + 1)
        until(lambda: state(b.pid) in "RS", 10, "berth running")
    finish(b)


def test_as_pid1_the_child_stops_and_continues(dumb_init):
    """As PID 1 berth cannot stop itself (the kernel ignores it), but the child's group can."""
    b = recorder(dumb_init, pid1=True)
    child = child_of(b)
    b.kill(signal.SIGTSTP)
    until(lambda: state(child) == "T", 10, "child stopped")
    b.kill(signal.SIGCONT)
    b.wait_line("^signal SIGCONT$")
    until(lambda: state(child) in "RS", 10, "child running")
    finish(b)


def test_pid1_reaps_zombies(dumb_init):
    """tests/test-zombies: orphans re-parented to PID 1 are reaped."""
    r = run([TESTBIN, "orphans", "200"], binary=dumb_init, pid1=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_child_gets_default_signal_actions_even_when_berth_ignored_them(dumb_init):
    """exit_status_test.py under nohup: dumb-init handles every signal, so exec resets them for the
    child; a SIGHUP berth inherited as ignored must not stay ignored in dumb-init's child."""
    def ignore_hup():
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    r = subprocess.run([dumb_init, "sh", "-c", "kill -HUP $$; exit 0"], preexec_fn=ignore_hup,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 128 + signal.SIGHUP, r.stderr
