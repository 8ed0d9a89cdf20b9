# SPDX-License-Identifier: MIT
"""The core: berth runs a program as PID 1 (and as a subreaper), forwards, reaps, exits right."""
import signal
import subprocess
import time

import pytest

from conftest import BERTH, TESTBIN, Berth, proc_status, run

FORWARDED = [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
             signal.SIGPIPE, signal.SIGALRM, signal.SIGCONT, signal.SIGTSTP, signal.SIGURG,
             signal.SIGWINCH, signal.SIGXCPU, signal.SIGXFSZ, signal.SIGVTALRM, signal.SIGPROF,
             signal.SIGIO, signal.SIGPWR, signal.SIGSTKFLT, signal.SIGRTMIN, signal.SIGRTMAX,
             signal.SIGTERM]


@pytest.mark.parametrize("pid1", [True, False], ids=["pid1", "subreaper"])
def test_every_forwardable_signal_reaches_the_child(pid1):
    b = Berth(["--", TESTBIN, "signals", "--exit-on", "TERM"], pid1=pid1)
    b.wait_line("^ready$")
    for n, sig in enumerate(FORWARDED):
        b.kill(sig)
        b.wait_line(f"^signal {signal.Signals(sig).name}$", start=n + 1)
    assert b.wait() == 0
    assert len(b.lines["out"]) == len(FORWARDED) + 1


@pytest.mark.parametrize("code", [0, 1, 3, 42, 126, 255])
def test_exit_code_is_the_childs(code):
    assert run(["--", TESTBIN, "exit", str(code)], pid1=True).returncode == code


@pytest.mark.parametrize("args,code", [(["true"], 0), (["sh", "-c", "exit 3"], 3)])
def test_a_run_where_berth_did_nothing_prints_nothing(args, code):
    """As tini, dumb-init and catatonit: no notice at start, no summary at the end."""
    r = run(["--"] + args, pid1=True)
    assert (r.returncode, r.stdout, r.stderr) == (code, "", "")


def test_with_v_the_summary_always_comes():
    r = run(["-v", "--", "sh", "-c", "exit 3"], pid1=True)
    assert r.returncode == 3
    assert "notice: exit 3: child exited with code 3" in r.stderr


@pytest.mark.parametrize("sig,code", [("TERM", 143), ("SEGV", 139), ("KILL", 137), ("INT", 130)])
def test_killed_child_gives_128_plus_signal(sig, code):
    assert run(["--", TESTBIN, "raise", sig], pid1=True).returncode == code


def test_shell_that_kills_itself_exits_143():
    assert run(["--", "sh", "-c", "kill -TERM $$"]).returncode == 143


@pytest.mark.parametrize("name", ["berth", "tini", "dumb-init", "catatonit"])
def test_a_script_without_shebang_runs_through_sh_as_execvp_does(tmp_path, name):
    """tini, dumb-init and catatonit call execvp(3), which hands a file the kernel cannot run
    (ENOEXEC) to /bin/sh; berth searches PATH itself and must do the same."""
    script = tmp_path / "noshebang"
    script.write_text('echo "ran $0 $*"\nexit 7\n')
    script.chmod(0o755)
    link = tmp_path / name
    link.symlink_to(BERTH)
    r = run(["--", str(script), "a", "b"], binary=str(link), pid1=True)
    assert r.returncode == 7, r.stderr
    assert r.stdout == f"ran {script} a b\n"


def test_dash_e_remaps_to_zero():
    assert run(["-e", "3", "--", "sh", "-c", "exit 3"]).returncode == 0
    assert run(["-e", "3", "-e", "4", "--", "sh", "-c", "exit 4"]).returncode == 0
    assert run(["-e", "3", "--", "sh", "-c", "exit 5"]).returncode == 5
    assert run(["-e", "143", "--", "sh", "-c", "kill -TERM $$"]).returncode == 0


@pytest.mark.parametrize("args,code,says", [
    (["--bogus", "true"], 2, "unknown option '--bogus'"),
    ([], 2, "no program given"),
    (["--"], 2, "no program given"),
    ([""], 2, "program name is empty"),
    (["-e", "300", "true"], 2, "not a valid exit code"),
    (["--", "/nonexistent/program"], 127, "No such file or directory"),
    (["--", "no-such-program-on-path"], 127, "No such file or directory"),
    (["--", "/etc/passwd"], 126, "Permission denied"),
])
def test_bad_input(args, code, says):
    r = run(args)
    assert r.returncode == code
    assert says in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_dash_g_signals_the_whole_group():
    b = Berth(["-g", "--", TESTBIN, "signals", "--child", "--exit-on", "USR2"])
    b.wait_line("^ready$")
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.wait_line("^child signal SIGUSR1$")
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0


def test_without_g_only_the_child_is_signalled():
    b = Berth(["--", TESTBIN, "signals", "--child", "--exit-on", "USR2"])
    b.wait_line("^ready$")
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0
    assert "child signal SIGUSR1" not in b.out


def test_tini_kill_process_group_env():
    b = Berth(["--", TESTBIN, "signals", "--child", "--exit-on", "USR2"],
              env={"TINI_KILL_PROCESS_GROUP": "1"})
    b.wait_line("^ready$")
    b.kill(signal.SIGUSR1)
    b.wait_line("^child signal SIGUSR1$")
    b.kill(signal.SIGUSR2)
    assert b.wait() == 0


def test_pid1_reaps_ten_thousand_orphans():
    r = run(["--", TESTBIN, "orphans", "10000"], pid1=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "reaped 10000" in r.stdout


def test_subreaper_reaps_orphans_without_being_asked():
    r = run(["-v", "--", TESTBIN, "orphans", "1000"], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "reaped 1000" in r.stdout
    assert "registered as child subreaper" in r.stderr


def test_subreaper_is_quiet_by_default():
    r = run(["--", TESTBIN, "exit", "0"])
    assert "subreaper" not in r.stderr


def test_dash_w_warns_for_each_reaped_zombie():
    r = run(["-w", "--", TESTBIN, "orphans", "3"], pid1=True)
    assert r.returncode == 0
    assert r.stderr.count("Reaped zombie process with pid=") == 3


def test_with_a_tty_the_child_is_in_the_foreground():
    script = subprocess.run(
        ["script", "-qec", f"{BERTH} --no-teardown -- {TESTBIN} tty", "/dev/null"],
        capture_output=True, text=True, timeout=30)
    assert script.returncode == 0, script.stdout + script.stderr
    assert "tty yes" in script.stdout
    assert "foreground yes" in script.stdout


def test_without_a_tty_it_works_the_same():
    r = run(["--", TESTBIN, "tty"])
    assert r.returncode == 0
    assert "tty no" in r.stdout


def test_idle_berth_never_wakes_up():
    b = Berth(["--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    # The child can say ready before berth first blocks (a loaded machine): start counting once
    # berth sleeps in the kernel.
    deadline = time.monotonic() + 10
    while not proc_status(b.pid)["State"].startswith("S") and time.monotonic() < deadline:
        time.sleep(0.01)
    before = proc_status(b.pid)
    time.sleep(5)  # the measurement window, not a synchronisation
    after = proc_status(b.pid)
    assert after["voluntary_ctxt_switches"] == before["voluntary_ctxt_switches"]
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def test_runs_as_any_user_on_a_read_only_root():
    # No writable path and no privileges: nobody, with / read-only in a new mount namespace.
    r = subprocess.run(
        ["unshare", "-m", "-p", "-f", "--mount-proc", "sh", "-c",
         f"mount -o remount,bind,ro / && setpriv --reuid=65534 --regid=65534 --clear-groups "
         f"{BERTH} -- {TESTBIN} exit 7"],
        capture_output=True, text=True, timeout=30)
    assert r.returncode == 7, r.stderr


def test_log_lines_are_json_with_log_format_json():
    import json
    r = run(["--log-format", "json", "-v", "--", TESTBIN, "exit", "0"])
    lines = r.stderr.strip().splitlines()
    assert lines
    for line in lines:
        event = json.loads(line)
        assert {"time", "level", "msg"} <= event.keys()


@pytest.mark.parametrize("args", [["--log-format", "json", "--grace", "soon", "--", "true"],
                                  ["--log-format=json", "--healthz", "8081", "--", "true"]])
def test_a_usage_error_is_json_too_with_log_format_json(args):
    import json
    r = run(args)
    assert r.returncode == 2
    [line] = r.stderr.strip().splitlines()
    event = json.loads(line)
    assert event["level"] == "error" and event["msg"].endswith("(see berth --help)"), event
