# SPDX-License-Identifier: MIT
"""berth under dockerd 20.10 → containerd → runc: as ENTRYPOINT, and as `docker run --init`
(dockerd's --init-path). Each test asserts on what happened in the container (what the app
printed and saw, the exit code, `docker inspect`'s state), not on berth's own words, except where
berth's words are the feature (the killed processes named, the OOM line)."""
import io
import os
import pty
import re
import select
import signal
import subprocess
import tarfile
import time

import pytest

from conftest import BASE, BERTH, ROOT, berth_commit, json_lines, release_images, until

ENTRY = ["--entrypoint", "/berth"]


def recorder(docker, *berth_args, app=("signals",), init=False, opts=()):
    """A detached container whose app is `testbin signals` (prints "ready", then one line per
    signal); berth is the ENTRYPOINT with `berth_args`, or Docker's --init."""
    if init:
        cid = docker.start("--init", *opts, BASE, "/testbin", *app)
    else:
        cid = docker.start(*ENTRY, *opts, BASE, *berth_args, "--", "/testbin", *app)
    docker.wait_log(cid, "^ready$")
    return cid


def timed_stop(docker, cid, *args):
    t0 = time.monotonic()
    docker("stop", *args, cid, timeout=60)
    return time.monotonic() - t0


# docker run --init: berth as dockerd's docker-init


def test_docker_info_names_berth_as_the_init(docker):
    info = docker("info", "--format", "{{.InitBinary}} {{.InitCommit.ID}}").stdout.split()
    assert info[0].endswith("/docker-init")
    assert os.path.realpath(info[0]) == os.path.realpath(BERTH)
    assert info[1] == berth_commit()  # parsed from the tini-format `docker-init --version`


def test_init_reaps_zombies(docker):
    r = docker("run", "--rm", "--network", "none", "--init", BASE, "/testbin", "orphans", "50",
               check=False)
    assert (r.returncode, r.stdout.strip()) == (0, "reaped 50")


@pytest.mark.parametrize("app, code", [(["exit", "0"], 0), (["exit", "3"], 3),
                                       (["raise", "USR1"], 128 + signal.SIGUSR1),
                                       (["raise", "KILL"], 128 + signal.SIGKILL)])
def test_init_exits_with_the_childs_code(docker, app, code):
    r = docker("run", "--rm", "--network", "none", "--init", BASE, "/testbin", *app, check=False)
    assert r.returncode == code, r.stderr


def test_init_forwards_kill_signals_and_stops(docker):
    cid = recorder(docker, init=True)
    for sig in ("HUP", "USR1"):
        docker("kill", "-s", sig, cid)
        docker.wait_log(cid, f"^signal SIG{sig}$")
    took = timed_stop(docker, cid)
    assert docker.wait(cid) == 0
    assert "signal SIGTERM" in docker.logs(cid)
    assert took < 5, f"docker stop took {took:.1f}s"


def test_init_under_a_terminal_ctrl_c_reaches_the_foreground_and_exit_3(docker):
    """`docker run -it --init IMAGE sh`: Ctrl-C goes to the shell's foreground job, not to berth,
    and the shell's `exit 3` is the container's."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(docker.argv[0], docker.argv + ["run", "-it", "--rm", "--network", "none",
                                                 "--init", BASE, "/bin/sh"], docker.env)
    seen = b""

    def expect(pattern, timeout=20):
        nonlocal seen
        deadline = time.monotonic() + timeout
        while not re.search(pattern, seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {pattern!r} on the terminal within {timeout}s: {seen!r}")
            if select.select([fd], [], [], left)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the other side closed
                    raise AssertionError(f"terminal closed before {pattern!r}: {seen!r}")
                # busybox's line editor asks where the cursor is, and goes on without an answer
                seen += chunk.replace(b"\x1b[6n", b"")

    try:
        expect(rb"# $")
        os.write(fd, b"/testbin signals --exit-on INT\r")
        expect(rb"ready\r?\n")
        os.write(fd, b"\x03")
        expect(rb"signal SIGINT\r?\n")
        expect(rb"# $")
        os.write(fd, b"echo alive-$$\r")
        expect(rb"alive-1?\d+")  # the shell lives on
        os.write(fd, b"exit 3\r")
        _, status = os.waitpid(pid, 0)
        pid = 0
        assert os.waitstatus_to_exitcode(status) == 3, seen
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


# berth as ENTRYPOINT under docker stop


def test_stop_of_an_app_that_exits_on_term_is_fast_with_its_code(docker):
    cid = recorder(docker, "--grace", "9s", app=("signals", "--code", "7"))
    took = timed_stop(docker, cid)
    assert docker.wait(cid) == 7
    assert took < 2.5, f"docker stop took {took:.1f}s"


def test_deadline_kills_an_app_ignoring_term_long_before_dockers_kill(docker):
    cid = recorder(docker, "--grace", "2s", app=("signals", "--ignore", "TERM",
                                                 "--daemon-ignore-term"))
    took = timed_stop(docker, cid)  # docker's own SIGKILL would come at 10 s
    assert docker.wait(cid) == 137
    assert 1.5 < took < 7, f"docker stop took {took:.1f}s"
    logs = docker.logs(cid)
    killed = re.findall(r"killed pid \d+ \(([^)]*)\)", logs)
    assert any("signals" in k for k in killed) and any("daemon" in k for k in killed), logs
    assert docker.inspect(cid, "{{.State.OOMKilled}}") == "false"


def test_stop_signal_of_docker_run_reaches_the_app(docker):
    cid = recorder(docker, "--grace", "5s", app=("signals", "--exit-on", "INT"),
                   opts=("--stop-signal", "INT"))
    took = timed_stop(docker, cid)
    assert docker.wait(cid) == 0
    assert "signal SIGINT" in docker.logs(cid)
    assert took < 2.5


def test_map_translates_dockers_term(docker):
    """nginx's case: TERM is a fast stop for nginx, QUIT the graceful one."""
    cid = recorder(docker, "--grace", "5s", "--map", "TERM:QUIT",
                   app=("signals", "--exit-on", "QUIT"))
    took = timed_stop(docker, cid)
    assert docker.wait(cid) == 0
    logs = docker.logs(cid)
    assert "signal SIGQUIT" in logs and "signal SIGTERM" not in logs
    assert took < 2.5


@pytest.fixture(scope="module")
def quit_image(docker):
    return docker.build("berth-engine:stopsignal-quit", f"""FROM {BASE}
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/berth", "--grace", "2s", "--"]
""")


def test_image_stopsignal_reaches_the_app(docker, quit_image):
    cid = docker.start(quit_image, "/testbin", "signals", "--exit-on", "QUIT")
    docker.wait_log(cid, "^ready$")
    took = timed_stop(docker, cid)
    assert docker.wait(cid) == 0
    assert "signal SIGQUIT" in docker.logs(cid)
    assert took < 2.5


@pytest.mark.parametrize("how", ["STOPSIGNAL", "--stop-signal"])
def test_quit_from_docker_stop_is_a_stop_that_has_berths_deadline(docker, quit_image, how):
    """The official nginx images say STOPSIGNAL SIGQUIT: QUIT must start berth's shutdown (and its
    --grace deadline), not be forwarded as an ordinary signal while Docker waits 10 s."""
    if how == "STOPSIGNAL":
        cid = docker.start(quit_image, "/testbin", "signals", "--ignore", "QUIT")
    else:
        cid = docker.start("--stop-signal", "QUIT", *ENTRY, BASE, "--grace", "2s", "--",
                           "/testbin", "signals", "--ignore", "QUIT")
    docker.wait_log(cid, "^ready$")
    # -t 6: Docker's own SIGKILL (also 137) then comes 4 s after berth's deadline should have.
    took = timed_stop(docker, cid, "-t", "6")
    assert docker.wait(cid) == 137
    assert re.search(r"killed pid \d+ \([^)]*signals", docker.logs(cid)), docker.logs(cid)
    assert took < 5.5, f"docker stop took {took:.1f}s: berth's 2 s deadline did not end it"


# HEALTHCHECK with berth probe


@pytest.fixture(scope="module")
def health_image(docker):
    # The app's own check is the file /tmp/ok; berth serves its verdict on :8081, and Docker asks
    # berth probe (no curl in the image).
    return docker.build("berth-engine:health", f"""FROM {BASE}
HEALTHCHECK --interval=1s --timeout=2s --retries=3 \\
  CMD ["/berth", "probe", "http://127.0.0.1:8081/healthz"]
ENTRYPOINT ["/berth", "--healthz", "127.0.0.1:8081", "--health-cmd", "test -f /tmp/ok", \\
            "--health-interval", "1s", "--health-retries", "1", "--grace", "3s", "--"]
""")


def health(docker, cid):
    return docker.inspect(cid, "{{.State.Health.Status}}")


def test_healthcheck_goes_starting_healthy_unhealthy(docker, health_image):
    cid = docker.start(health_image, "/testbin", "signals")
    docker.wait_log(cid, "^ready$")
    assert health(docker, cid) == "starting"
    docker("exec", cid, "/bin/busybox", "touch", "/tmp/ok")
    until_status(docker, cid, "healthy")
    docker("exec", cid, "/bin/busybox", "rm", "/tmp/ok")
    until_status(docker, cid, "unhealthy")
    log = docker.inspect(cid, "{{range .State.Health.Log}}{{.ExitCode}} {{end}}").split()
    assert "0" in log and log[-1] == "1"
    docker("stop", cid)


def until_status(docker, cid, want, timeout=20):
    deadline = time.monotonic() + timeout
    while (got := health(docker, cid)) != want:
        assert time.monotonic() < deadline, f"health stayed {got!r}, never {want!r}"
        time.sleep(0.2)


def test_on_unhealthy_exit_ends_the_container_with_69(docker):
    cid = docker.start(*ENTRY, BASE, "--health-cmd", "test -f /tmp/ok", "--health-interval",
                       "1s", "--health-retries", "1", "--on-unhealthy", "exit", "--grace", "3s",
                       "--", "/testbin", "signals")
    docker.wait_log(cid, "^ready$")
    assert docker.wait(cid, timeout=30) == 69
    assert "signal SIGTERM" in docker.logs(cid)  # stopped with the shutdown rules


# locked down, limited, paused, restarted


LOCKED = ("--read-only", "--user", "65534:65534", "--cap-drop", "ALL",
          "--security-opt", "no-new-privileges")


@pytest.mark.parametrize("init", [False, True], ids=["entrypoint", "init"])
def test_locked_down_container_forwards_stops_and_exits(docker, init):
    cid = recorder(docker, "--grace", "3s", init=init, opts=LOCKED)
    docker("kill", "-s", "USR1", cid)
    docker.wait_log(cid, "^signal SIGUSR1$")
    took = timed_stop(docker, cid)
    assert docker.wait(cid) == 0
    assert took < 2.5


def test_locked_down_deadline_still_kills(docker):
    cid = recorder(docker, "--grace", "2s", app=("signals", "--ignore", "TERM"), opts=LOCKED)
    took = timed_stop(docker, cid)
    assert docker.wait(cid) == 137
    assert took < 7


def test_fork_bomb_under_pids_limit(docker):
    cid = docker.start("--pids-limit", "20", *ENTRY, BASE, "--grace", "3s", "--", "/testbin",
                       "fork-bomb", "5")
    assert docker.wait(cid, timeout=30) == 5
    assert re.search(r"^forked 1\d, then EAGAIN$", docker.logs(cid), re.M), docker.logs(cid)


def test_pause_unpause_then_signals_still_forwarded(docker):
    cid = recorder(docker, "--grace", "3s")
    docker("pause", cid)
    assert docker.inspect(cid, "{{.State.Status}}") == "paused"
    docker("unpause", cid)
    docker("kill", "-s", "HUP", cid)
    docker.wait_log(cid, "^signal SIGHUP$")
    docker("stop", cid)
    assert docker.wait(cid) == 0


def test_restart_runs_berth_again(docker):
    cid = recorder(docker, "--grace", "3s")
    docker("restart", cid, timeout=60)
    until(lambda: docker.logs(cid).count("ready") == 2, 20, "the second run's ready")
    docker("kill", "-s", "HUP", cid)
    docker.wait_log(cid, "^signal SIGHUP$")
    docker("stop", cid)
    assert docker.wait(cid) == 0
    assert docker.inspect(cid, "{{.RestartCount}}") in ("0", "1")


# the OOM killer named


def test_oom_kill_is_named_with_the_limit(docker):
    cid = docker.start("--memory", "48m", "--memory-swap", "48m", *ENTRY, BASE,
                       "--log-format", "json", "--", "/testbin", "hog")
    assert docker.wait(cid, timeout=60) == 137
    assert docker.inspect(cid, "{{.State.OOMKilled}}") == "true"
    logs = docker.logs(cid)
    lines = json_lines(logs)
    oom = [j for j in lines if "OOM killer" in j.get("msg", "")]
    assert len(oom) == 1, logs
    assert oom[0]["msg"].endswith(
        "killed by the kernel's OOM killer: the container's memory limit (48 MiB) was reached")
    summary = [j for j in lines if "exit_code" in j]
    assert summary and str(summary[-1]["oom_kill"]) == "1", logs


def test_a_kill_that_is_not_oom_is_not_called_one(docker):
    # -v: a child killed by someone else is nothing berth did, so only -v brings the summary.
    cid = recorder(docker, "-v", "--log-format", "json", opts=("--memory", "48m"))
    docker("exec", cid, "/bin/sh", "-c", "kill -KILL $(cat /proc/1/task/1/children)")
    assert docker.wait(cid) == 137
    logs = docker.logs(cid)
    assert "OOM" not in logs
    assert [str(j["oom_kill"]) for j in json_lines(logs) if "oom_kill" in j] == ["0"], logs



# the release image: FROM scratch, just /berth, written by packaging/image.py without a daemon


def test_release_image_loads_and_copies_from(docker, tmp_path):
    images = release_images(tmp_path)
    # Both arches' tarballs tag berth:VERSION: the one loaded last (this machine's) keeps it.
    for arch in sorted(images, key=lambda a: a == "amd64"):
        path = images[arch]
        loaded = docker("load", "-i", path).stdout
        tag = re.search(r"Loaded image: (berth:\S+)", loaded).group(1)
        assert docker("image", "inspect", "--format", "{{.Architecture}} {{.Os}}",
                      tag).stdout.split() == [arch, "linux"]
        if (ROOT / "dist" / "SHA256SUMS").exists() and str(ROOT / "dist") in path:
            assert os.path.basename(path) in (ROOT / "dist" / "SHA256SUMS").read_text()
    # just /berth in it
    created = docker("create", tag).stdout.strip()
    exported = subprocess.run(docker.argv + ["export", created], capture_output=True,
                              env=docker.env, check=True).stdout
    names = {n.rstrip("/") for n in tarfile.open(fileobj=io.BytesIO(exported)).getnames()}
    assert "berth" in names
    assert not names - {"berth", ".dockerenv", "dev", "dev/console", "dev/pts", "dev/shm", "etc",
                        "etc/hostname", "etc/hosts", "etc/mtab", "etc/resolv.conf", "proc",
                        "sys"}, names
    docker("rm", created)
    # as users copy grpc-health-probe: COPY --from the release image
    app = docker.build("berth-engine:copied", f"""FROM {BASE}
COPY --from={tag} /berth /usr/local/bin/berth
ENTRYPOINT ["/usr/local/bin/berth", "--grace", "3s", "--"]
""")
    cid = docker.start(app, "/testbin", "signals", "--code", "6")
    docker.wait_log(cid, "^ready$")
    docker("stop", cid)
    assert docker.wait(cid) == 6


def test_oom_kill_of_a_service_is_its_restart_reason(docker, tmp_path):
    config = tmp_path / "berth.toml"
    config.write_text('''[[service]]
name = "hog"
command = ["/testbin", "hog"]
restart = "on-failure"
restart_delay = "100ms"
max_restarts = 1
''')
    cid = docker.start("--memory", "48m", "--memory-swap", "48m", "-v",
                       f"{config}:/berth.toml:ro", *ENTRY, BASE, "--config", "/berth.toml")
    assert docker.wait(cid, timeout=60) == 137
    logs = docker.logs(cid)
    assert logs.count("service hog killed by the kernel's OOM killer: the container's memory "
                      "limit (48 MiB) was reached") == 2, logs
    assert "service hog exited 137 (OOM kill): restarting" in logs, logs


# issue 16's cases that show in Docker


def test_a_run_where_nothing_happened_prints_nothing(docker):
    """As tini, dumb-init and catatonit: `docker run --rm IMAGE true` shows only the app."""
    r = docker("run", "--rm", "--network", "none", *ENTRY, BASE, "--", "/testbin", "exit", "0")
    assert (r.stdout, r.stderr) == ("", "")


def test_on_unhealthy_exit_summary_states_69(docker):
    cid = docker.start(*ENTRY, BASE, "--log-format", "json", "--health-cmd", "test -f /tmp/ok",
                       "--health-interval", "1s", "--health-retries", "1", "--on-unhealthy",
                       "exit", "--grace", "3s", "--", "/testbin", "signals")
    assert docker.wait(cid, timeout=30) == 69
    summary = [j for j in json_lines(docker.logs(cid)) if "exit_code" in j]
    assert [str(j["exit_code"]) for j in summary] == ["69"], docker.logs(cid)


def test_a_services_last_line_without_newline_reaches_docker_logs(docker, tmp_path):
    config = tmp_path / "berth.toml"
    config.write_text('''[[service]]
name = "app"
command = ["/bin/sh", "-c", "printf 'last words'; exit 3"]
essential = true
''')
    cid = docker.start("-v", f"{config}:/berth.toml:ro", *ENTRY, BASE, "--config", "/berth.toml")
    assert docker.wait(cid, timeout=30) == 3
    assert "last words" in docker.logs(cid)
