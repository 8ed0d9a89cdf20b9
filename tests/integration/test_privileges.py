# SPDX-License-Identifier: MIT
"""--user, --caps, --no-new-privs, --seccomp(-deny) for the app, and berth's own sandbox.

The app's view comes from `testbin status` (/proc/self/status) and `testbin try-syscall`;
berth's from /proc/PID/status while it runs. Needs root (CI is root); otherwise skipped.
"""
import errno
import grp
import http.server
import json
import os
import pwd
import signal
import socket
import threading
import urllib.error
import urllib.request

import pytest

from conftest import Berth, TESTBIN, free_port, need, proc_status, run, until

CAP_KILL = 5
CAP_NET_BIND_SERVICE = 10


@pytest.fixture(autouse=True)
def need_root():
    need(os.geteuid() == 0, "privilege tests need root")


def status_of(stdout):
    fields = {}
    for line in stdout.splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def caps(fields, key):
    return int(fields[key], 16)


def own_bounding_set():
    return caps(proc_status(os.getpid()), "CapBnd")


NOBODY = pwd.getpwnam("nobody")


# --user


def test_user_nobody_runs_id_as_nobody():
    r = run(["--user", "nobody", "--", "id"], pid1=True)
    assert r.returncode == 0, r.stderr
    groups = os.getgrouplist("nobody", NOBODY.pw_gid)
    assert f"uid={NOBODY.pw_uid}(nobody)" in r.stdout
    assert f"gid={NOBODY.pw_gid}({grp.getgrgid(NOBODY.pw_gid).gr_name})" in r.stdout
    listed = r.stdout.split("groups=")[1].strip().split(",")
    assert sorted(int(g.split("(")[0]) for g in listed) == sorted(groups)


def test_user_and_group_by_number_and_from_the_environment():
    r = run(["--", "id", "-u"], env={"BERTH_USER": f"{NOBODY.pw_uid}:{NOBODY.pw_gid}"})
    assert r.stdout.strip() == str(NOBODY.pw_uid)
    r = run(["--user", "nobody:0", "--", "id", "-G"])
    assert r.stdout.split() == ["0"]


def test_home_follows_the_user_when_it_was_roots():
    sh = ["--", "sh", "-c", 'echo "HOME=$HOME"']
    assert run(["--user", "nobody"] + sh, env={"HOME": "/root"}).stdout.strip() == \
        f"HOME={NOBODY.pw_dir}"
    assert run(["--user", "nobody"] + sh, env={"HOME": "/srv/app"}).stdout.strip() == \
        "HOME=/srv/app"
    assert run(sh, env={"HOME": "/root"}).stdout.strip() == "HOME=/root"


@pytest.mark.parametrize("spec,message", [
    ("no-such-user", "--user: no user 'no-such-user' in /etc/passwd"),
    ("nobody:no-such-group", "--user: no group 'no-such-group' in /etc/group"),
])
def test_unknown_user_or_group_is_exit_2_and_nothing_starts(tmp_path, spec, message):
    marker = tmp_path / "started"
    r = run(["--user", spec, "--", "sh", "-c", f"touch {marker}"], pid1=True)
    assert r.returncode == 2
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not marker.exists()


# --caps and --no-new-privs


def test_caps_survive_the_switch_to_nobody():
    r = run(["--user", "nobody", "--caps", "NET_BIND_SERVICE", "--", TESTBIN, "status"])
    s = status_of(r.stdout)
    want = 1 << CAP_NET_BIND_SERVICE
    for key in ("CapEff", "CapPrm", "CapBnd", "CapAmb", "CapInh"):
        assert caps(s, key) == want, key
    assert s["Uid"].split()[0] == str(NOBODY.pw_uid)


def test_caps_none_and_root():
    s = status_of(run(["--caps", "none", "--", TESTBIN, "status"]).stdout)
    for key in ("CapEff", "CapPrm", "CapBnd", "CapAmb"):
        assert caps(s, key) == 0, key
    s = status_of(run(["--caps", "chown,kill", "--", TESTBIN, "status"]).stdout)
    assert caps(s, "CapEff") == caps(s, "CapBnd") == 0b100001


def test_user_without_caps_has_none_but_keeps_the_bounding_set():
    s = status_of(run(["--user", "nobody", "--", TESTBIN, "status"]).stdout)
    assert caps(s, "CapEff") == caps(s, "CapPrm") == caps(s, "CapAmb") == 0
    assert caps(s, "CapBnd") == own_bounding_set()


def test_nobody_with_net_bind_service_binds_a_low_port():
    # Finds a free port below 1024 itself; EACCES would mean the capability did not survive.
    script = (
        "import socket,errno\n"
        "for port in range(1000, 600, -1):\n"
        "    s = socket.socket()\n"
        "    try:\n"
        "        s.bind(('127.0.0.1', port)); print('bound', port); break\n"
        "    except OSError as e:\n"
        "        if e.errno != errno.EADDRINUSE: print('error', e.errno); break\n")
    r = run(["--user", "nobody", "--caps", "NET_BIND_SERVICE", "--", "/usr/bin/python3", "-c",
             script])
    assert r.stdout.startswith("bound"), r.stdout + r.stderr
    r = run(["--user", "nobody", "--", "/usr/bin/python3", "-c", script])
    assert r.stdout.strip() == f"error {errno.EACCES}"


def test_unknown_capability_is_exit_2():
    r = run(["--caps", "NET_BIND_SERVICE,FLY", "--", "true"])
    assert r.returncode == 2
    assert "--caps: unknown capability 'FLY' (item 2)" in r.stderr


def test_no_new_privs():
    assert status_of(run(["--no-new-privs", "--", TESTBIN, "status"]).stdout)["NoNewPrivs"] == "1"
    assert status_of(run(["--", TESTBIN, "status"]).stdout)["NoNewPrivs"] == "0"


# seccomp for the app


def test_seccomp_deny_gives_eperm():
    r = run(["--seccomp-deny", "uname,mkdirat", "--", TESTBIN, "try-syscall", "uname", "mkdirat",
             "getcwd"])
    assert r.stdout.split("\n")[:3] == ["uname errno EPERM", "mkdirat errno EPERM",
                                        "getcwd errno ERANGE"]
    s = status_of(run(["--seccomp-deny", "uname", "--", TESTBIN, "status"]).stdout)
    assert s["Seccomp"] == "2"


def test_seccomp_with_user_and_no_new_privs():
    r = run(["--user", "nobody", "--no-new-privs", "--seccomp-deny", "uname", "--", TESTBIN,
             "try-syscall", "uname", "getcwd"])
    assert r.stdout.split() == ["uname", "errno", "EPERM", "getcwd", "errno", "ERANGE"]


DOCKER_LAYOUT = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "defaultErrnoRet": 1,
    "archMap": [
        {"architecture": "SCMP_ARCH_X86_64",
         "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
        {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
    ],
    "syscalls": [
        {"names": ["uname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
        # args hold (getcwd's size is 0): EACCES; chdir's path is not 5: no match, allowed.
        {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": errno.EACCES,
         "args": [{"index": 1, "value": 0, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
        {"names": ["chdir"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 0, "value": 5, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
        {"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO",
         "excludes": {"caps": ["CAP_SYS_ADMIN"]}, "comment": "only without CAP_SYS_ADMIN"},
    ],
}


def test_a_docker_layout_profile_applies(tmp_path):
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(DOCKER_LAYOUT, indent=2))
    names = ["uname", "getcwd", "chdir", "mkdirat"]
    r = run(["--seccomp", str(profile), "--", TESTBIN, "try-syscall"] + names)
    assert r.stdout.splitlines() == ["uname errno EPERM", "getcwd errno EACCES",
                                     "chdir errno EFAULT", "mkdirat errno EFAULT"]
    # Without CAP_SYS_ADMIN in the app's bounding set the excluded rule applies.
    r = run(["--caps", "none", "--seccomp", str(profile), "--", TESTBIN, "try-syscall", "mkdirat"])
    assert r.stdout.strip() == "mkdirat errno EPERM"


@pytest.mark.parametrize("text,message", [
    ('{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": [,]\n}', "profile.json:3:16: "),
    ('{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read", "nosuchcall"], '
     '"action": "SCMP_ACT_ERRNO"}]}',
     "profile.json: syscalls[0].names[1]: unknown system call 'nosuchcall'"),
    # Nothing but read and write allowed: the program could never be exec'd (it crashed with
    # SIGSEGV, saying nothing, before berth checked).
    ('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "write"], '
     '"action": "SCMP_ACT_ALLOW"}]}',
     "profile.json never allows execve, so the program could not start"),
])
def test_bad_profiles_are_exit_2_with_the_position(tmp_path, text, message):
    profile = tmp_path / "profile.json"
    profile.write_text(text)
    marker = tmp_path / "started"
    r = run(["--seccomp", str(profile), "--", "sh", "-c", f"touch {marker}"])
    assert r.returncode == 2
    assert message in r.stderr
    assert not marker.exists()


def test_missing_profile_and_unknown_deny_name_are_exit_2():
    r = run(["--seccomp", "/nonexistent.json", "--", "true"])
    assert r.returncode == 2 and "/nonexistent.json" in r.stderr
    r = run(["--seccomp-deny", "uname,nosuchcall", "--", "true"])
    assert r.returncode == 2
    assert "--seccomp-deny: unknown system call 'nosuchcall' (item 2)" in r.stderr


def test_a_profile_that_is_no_regular_file_is_exit_2_at_once(tmp_path):
    """--seccomp /dev/zero read until memory ran out."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, says in (("/dev/zero", "not a regular file (a character device)"),
                       (str(fifo), "not a regular file (a FIFO)"),
                       (str(tmp_path), "is a directory")):
        r = run(["--seccomp", path, "--", "true"], timeout=10)
        assert r.returncode == 2, r.stderr
        assert r.stderr.strip() == f"berth: error: --seccomp: {path}: {says}", r.stderr


# berth's own sandbox


def sandboxed(pid):
    return until(lambda: proc_status(pid)["Seccomp"] == "2" and proc_status(pid),
                 10, f"seccomp on pid {pid}")


def test_berth_runs_sandboxed_and_the_app_inherits_nothing():
    b = Berth(["--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    s = sandboxed(b.pid)
    assert s["NoNewPrivs"] == "1"
    assert caps(s, "CapEff") == caps(s, "CapPrm") == 1 << CAP_KILL
    assert caps(s, "CapBnd") == 1 << CAP_KILL
    app = proc_status(until(lambda: [int(p) for p in open(
        f"/proc/{b.pid}/task/{b.pid}/children").read().split()], 10, "the app")[0])
    assert app["Seccomp"] == "0"
    assert app["NoNewPrivs"] == "0"
    assert caps(app, "CapBnd") == own_bounding_set()
    # Signals still reach the app through the filter; the stop signal still ends it.
    b.kill(signal.SIGHUP)
    b.wait_line("^signal SIGHUP$")
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert "refused" not in b.err


def test_reaping_and_teardown_work_under_the_filter():
    r = run(["-v", "--", TESTBIN, "orphans", "50"], pid1=True)
    assert r.returncode == 0, r.stderr
    assert "reaped 50" in r.stdout
    assert "seccomp allowlist" in r.stderr and "refused" not in r.stderr
    # A leftover daemon: /proc scan, SIGTERM, then SIGKILL at the deadline, all from berth.
    r = run(["--grace", "2s", "--", TESTBIN, "daemon", "--ignore-term"], pid1=True)
    assert r.returncode == 0, r.stderr
    assert "killed pid" in r.stderr and "refused" not in r.stderr


def test_a_call_outside_the_allowlist_is_refused_and_logged():
    r = run(["--debug-try-syscall", "getcwd", "--", "true"], pid1=True)
    assert r.returncode == 0
    assert "berth's own sandbox refused system call getcwd" in r.stderr
    assert "debug: getcwd(0, ...) returned -1: Operation not permitted" in r.stderr
    r = run(["--log-format", "json", "--debug-try-syscall", "getcwd", "--", "true"], pid1=True)
    refusals = [json.loads(line) for line in r.stderr.splitlines() if "refused" in line]
    assert refusals and refusals[0]["level"] == "error"


def test_no_self_sandbox():
    r = run(["--no-self-sandbox", "--debug-try-syscall", "getcwd", "--", "true"], pid1=True)
    assert "refused" not in r.stderr
    assert "debug: getcwd(0, ...) returned -1: Numerical result out of range" in r.stderr
    b = Berth(["--no-self-sandbox", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    s = proc_status(b.pid)
    assert s["Seccomp"] == "0" and caps(s, "CapEff") == own_bounding_set()
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def test_the_tini_name_does_not_sandbox_itself(named):
    b = Berth(["--", TESTBIN, "signals"], binary=named("tini"))
    b.wait_line("^ready$")
    assert proc_status(b.pid)["Seccomp"] == "0"
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def test_unknown_debug_syscall_is_exit_2():
    r = run(["--debug-try-syscall", "nosuchcall", "--", "true"])
    assert r.returncode == 2


# berth's own sandbox with the health endpoint and checks


def readyz(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
    except OSError:
        return None, None


def ready(port, what):
    return until(lambda: readyz(port)[0] == 200 and readyz(port)[1], 15, what)


@pytest.fixture
def target():
    """An HTTP server in this process that answers 200 to everything."""
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.mark.parametrize("check", ["http", "tcp"])
def test_health_endpoint_and_probes_work_under_the_filter(target, check):
    hz = free_port()
    url = f"http://127.0.0.1:{target}/" if check == "http" else f"127.0.0.1:{target}"
    b = Berth(["--healthz", f"127.0.0.1:{hz}", f"--health-{check}", url,
               "--health-interval", "100ms", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    sandboxed(b.pid)
    body = ready(hz, "a passing check")
    assert body["check"]["ok"] is True
    assert proc_status(b.pid)["Seccomp"] == "2"
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert "refused" not in b.err


def test_a_command_check_runs_as_the_user_and_berth_loads_no_filter():
    # The check is forked after berth's sandbox is in place, with the app's privilege steps: so
    # berth keeps CAP_SETUID and CAP_SETGID, and loads no filter the check would inherit.
    hz = free_port()
    b = Berth(["-v", "--user", "nobody", "--healthz", f"127.0.0.1:{hz}", "--health-cmd",
               f"test $(id -u) = {NOBODY.pw_uid}", "--health-interval", "100ms",
               "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    body = ready(hz, "the command check as nobody")
    assert body["check"]["detail"] == "exited with code 0"
    s = proc_status(b.pid)
    assert s["Seccomp"] == "0"
    assert caps(s, "CapEff") == (1 << CAP_KILL) | (1 << 6) | (1 << 7)  # KILL, SETGID, SETUID
    b.kill(signal.SIGTERM)
    assert b.wait() == 0
    assert "no seccomp filter for berth" in b.err


def test_a_command_check_as_root_gets_the_apps_capabilities(tmp_path):
    """Without --user the app keeps root's capabilities; so must each check berth forks after
    its own sandbox dropped berth's (a check reading a root-only file would fail otherwise)."""
    hz = free_port()
    seen = tmp_path / "check-caps"
    b = Berth(["--healthz", f"127.0.0.1:{hz}", "--health-cmd",
               f"grep CapEff /proc/self/status > {seen}.tmp && mv {seen}.tmp {seen}",
               "--health-interval", "100ms", "--",
               "sh", "-c", f"grep CapEff /proc/self/status; exec {TESTBIN} signals"])
    b.wait_line("^ready$")
    until(seen.exists, 15, "a command check to run")
    b.kill(signal.SIGTERM)
    assert b.wait() == 0, b.err
    app_eff = next(l for l in b.lines["out"] if l.startswith("CapEff:")).split()[1]
    assert seen.read_text().split()[1] == app_eff, b.err
