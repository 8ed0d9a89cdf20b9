# SPDX-License-Identifier: MIT
"""berth --config: several services in one container (docs/services.md)."""
import http.server
import json
import os
import pathlib
import pwd
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import BERTH, Berth, ROOT, TESTBIN, children_of, free_port, need, run, until


def config(tmp_path, text):
    path = tmp_path / "berth.toml"
    path.write_text(text)
    return str(path)


def test_essential_exit_stops_the_others_and_gives_its_status(tmp_path):
    cfg = config(tmp_path, f"""
[[service]]
name = "worker"
command = ["{TESTBIN}", "signals"]
ready = {{ log = "^ready$" }}

[[service]]
name = "app"
command = "exit 3"
essential = true
after = ["worker"]
""")
    b = Berth(["--grace", "5s", "--config", cfg])
    rc = b.wait(timeout=20)
    assert rc == 3, b.err
    assert "worker | signal SIGTERM" in b.lines["out"], b.out
    assert b.ended - b.started < 5


def test_restart_on_failure_with_growing_backoff(tmp_path):
    count = tmp_path / "count"
    cfg = config(tmp_path, f"""
[[service]]
name = "flaky"
command = "n=$(cat {count} 2>/dev/null || echo 0); echo $((n+1)) > {count}; echo start $(date +%s.%N); [ $n -ge 2 ] && exec sleep 100; exit 1"
restart = "on-failure"
restart_delay = "200ms"
restart_max_delay = "5s"
""")
    b = Berth(["--no-log-prefix", "--config", cfg])
    b.wait_line(r"restarting in 200ms", stream="err")
    b.wait_line(r"restarting in 400ms", stream="err")
    first = b.wait_line(r"^start ")
    second = b.wait_line(r"^start ", start=first + 1)
    b.wait_line(r"^start ", start=second + 1)
    starts = [float(l.split()[1]) for l in b.lines["out"] if l.startswith("start ")]
    # Each restart waits at least its delay, and the delay doubles (lower bounds only: an upper
    # bound would be the machine's noise).
    assert starts[1] - starts[0] >= 0.2 and starts[2] - starts[1] >= 0.4, starts
    b.kill(signal.SIGTERM)
    assert b.wait() == 0  # no essential service: a stop that stops everything is clean


def test_max_restarts_exhausted_ends_the_container(tmp_path):
    cfg = config(tmp_path, """
[[service]]
name = "bad"
command = "exit 7"
restart = "always"
restart_delay = "100ms"
max_restarts = 2

[[service]]
name = "idle"
command = "sleep 100 & wait"
""")
    b = Berth(["--grace", "5s", "--config", cfg])
    assert b.wait(timeout=20) == 7
    assert "used up its max_restarts" in b.err


def test_after_readiness_one_shot_and_reverse_stop(tmp_path):
    order = tmp_path / "order"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # db takes half a second before it listens, and records the moment it does: web must start
    # after that line, not merely after db's process started.
    db = tmp_path / "db.py"
    db.write_text(f"""import socket, time
time.sleep(0.5)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", {port}))
s.listen()
with open("{order}", "a") as f:
    f.write("db-listening\\n")
time.sleep(100)
""")
    cfg = config(tmp_path, f"""
[[service]]
name = "migrate"
command = "echo migrate >> {order}"
ready = {{ exit = 0 }}

[[service]]
name = "db"
command = "trap 'echo stop-db >> {order}; exit 0' TERM; echo db >> {order}; python3 {db} & wait"
after = ["migrate"]
ready = {{ tcp = "127.0.0.1:{port}" }}

[[service]]
name = "web"
command = "trap 'echo stop-web >> {order}; exit 0' TERM; echo web >> {order}; echo web-up; sleep 100 & wait"
after = ["db"]
ready = {{ log = "never" }}
""")
    b = Berth(["-v", "--grace", "5s", "--config", cfg])
    b.wait_line(r"^web \| web-up$")
    b.kill(15)
    b.wait(timeout=20)
    lines = order.read_text().split()
    assert lines[:4] == ["migrate", "db", "db-listening", "web"], lines
    assert lines.index("stop-web") < lines.index("stop-db"), lines


def test_log_prefixes_without_torn_lines(tmp_path):
    cfg = config(tmp_path, """
[[service]]
name = "a"
command = "i=0; while [ $i -lt 300 ]; do echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa $i; i=$((i+1)); done"

[[service]]
name = "b"
command = "i=0; while [ $i -lt 300 ]; do echo bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb $i; i=$((i+1)); done"
""")
    b = Berth(["--config", cfg])
    b.wait(timeout=20)
    mine = [l for l in b.lines["out"] if l.startswith(("a | ", "b | "))]
    assert len(mine) == 600
    for line in mine:
        assert re.fullmatch(r"(a \| a{40}|b \| b{40}) \d+", line), line


@pytest.mark.parametrize("services,prefix", [(1, []), (1, ["--log-prefix"]), (2, []),
                                             (2, ["--no-log-prefix"])])
def test_a_last_line_without_a_newline_is_relayed(tmp_path, services, prefix):
    text = """
[[service]]
name = "last"
command = "printf 'out words'; printf 'err words' >&2; exit 3"
essential = true
"""
    if services == 2:
        text += f"""
[[service]]
name = "other"
command = ["{TESTBIN}", "signals"]
"""
    r = run(prefix + ["--config", config(tmp_path, text)], pid1=True)
    assert r.returncode == 3, r.stderr
    shown = "last | " if (services == 2 and not prefix) or prefix == ["--log-prefix"] else ""
    assert f"{shown}out words\n" in r.stdout, r.stdout
    assert f"{shown}err words\n" in r.stderr, r.stderr


def test_a_partial_line_is_not_glued_to_the_next_run(tmp_path):
    cfg = config(tmp_path, """
[[service]]
name = "flaky"
command = "printf 'run'; exit 1"
restart = "on-failure"
max_restarts = 1
restart_delay = "100ms"
""")
    r = run(["--config", cfg], pid1=True)
    assert r.stdout.splitlines() == ["run", "run"], r.stdout


def test_long_lines_and_nul_bytes_as_documented(tmp_path):
    """docs/services.md: a line over 16 KiB comes out in 16 KiB pieces, each a line of its own
    with the prefix; every byte, NUL included, is passed on as it is."""
    cfg = config(tmp_path, f"""
[[service]]
name = "long"
command = ["/usr/bin/python3", "-c", "import sys; sys.stdout.buffer.write(b'x' * 40000 + b'\\\\n' + b'a\\\\0b\\\\n')"]

[[service]]
name = "other"
command = "true"
""")
    r = subprocess.run(["unshare", "-p", "-f", "--mount-proc", BERTH, "--config", cfg],
                       capture_output=True, timeout=30)
    lines = r.stdout.split(b"\n")
    mine = [l for l in lines if l.startswith(b"long | ")]
    assert [len(l) - len("long | ") for l in mine] == [16384, 16384, 40000 - 2 * 16384, 3]
    assert mine[-1] == b"long | a\0b"


def test_wait_for_success(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        r = run(["--wait-for", f"http://127.0.0.1:{port}/", "--wait-for", f"tcp://127.0.0.1:{port}",
                 "--", "sh", "-c", "echo started"])
        assert r.returncode == 0, r.stderr
        assert "started" in r.stdout
    finally:
        server.shutdown()


def test_wait_for_timeout(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run(["--wait-for", f"tcp://127.0.0.1:{port}", "--wait-timeout", "1s", "--",
             "sh", "-c", "echo started"])
    assert r.returncode == 1
    assert "did not answer within 1s (last attempt: connect: Connection refused)" in r.stderr
    assert "started" not in r.stdout


def test_docker_stop_during_wait_for_ends_berth_at_once(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    b = Berth(["-v", "--wait-for", f"tcp://127.0.0.1:{port}", "--wait-timeout", "60s", "--",
               "sh", "-c", "echo started"])
    b.wait_line("waiting for tcp://", stream="err")
    start = time.monotonic()
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=10) == 128 + signal.SIGTERM
    assert time.monotonic() - start < 10  # not the 60 s --wait-timeout
    assert "started" not in b.lines["out"]
    assert any("SIGTERM while waiting for --wait-for" in l for l in b.lines["err"])


def test_quit_during_wait_for_ends_berth_at_once(tmp_path):
    port = free_port()
    b = Berth(["-v", "--wait-for", f"tcp://127.0.0.1:{port}", "--wait-timeout", "60s", "--",
               "sh", "-c", "echo started"])
    b.wait_line("waiting for tcp://", stream="err")
    b.kill(signal.SIGQUIT)
    assert b.wait(timeout=10) == 128 + signal.SIGQUIT
    assert "started" not in b.lines["out"]


def clean_env(**extra):
    """Only PATH, the sanitizers' settings and `extra`: the caller's own *_FILE variables must
    not count. (Without ASAN_OPTIONS an instrumented berth would run LeakSanitizer, whose
    ptrace berth's own sandbox refuses.)"""
    keep = {k: v for k, v in os.environ.items() if k == "PATH" or k.endswith("SAN_OPTIONS")}
    return dict(keep, **extra)


def run_clean(args, env):
    return subprocess.run([BERTH] + args, capture_output=True, text=True, timeout=30, env=env)


def test_file_env_present_and_missing(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("hunter2\n")
    r = run_clean(["--file-env", "DB_PASSWORD", "--", "sh", "-c", 'echo "pw=$DB_PASSWORD"'],
                  clean_env(DB_PASSWORD_FILE=str(secret)))
    assert r.returncode == 0, r.stderr
    assert "pw=hunter2" in r.stdout
    r = run_clean(["--file-env", "DB_PASSWORD", "--", "sh", "-c", "echo started"],
                  clean_env(DB_PASSWORD_FILE=str(tmp_path / "missing")))
    assert r.returncode == 2
    assert "DB_PASSWORD_FILE" in r.stderr and "missing" in r.stderr
    assert "started" not in r.stdout
    r = run_clean(["--file-env", "DB_PASSWORD", "--", "sh", "-c", "echo started"], clean_env())
    assert r.returncode == 2
    assert r.stderr.strip() == "berth: error: --file-env DB_PASSWORD: DB_PASSWORD_FILE is not set"


def test_file_env_touches_only_the_variables_it_names(tmp_path):
    """SSL_CERT_FILE names a 219 KB bundle: it must reach the app as it is, not become SSL_CERT
    (an exec failing with "Argument list too long"); TF_CLI_CONFIG_FILE names no file at all."""
    secret = tmp_path / "secret"
    secret.write_text("k3y\n")
    bundle = tmp_path / "bundle.crt"
    bundle.write_text("x" * 219_000)
    env = clean_env(API_KEY_FILE=str(secret), SSL_CERT_FILE=str(bundle),
                    TF_CLI_CONFIG_FILE="/nonexistent/.terraformrc")
    script = 'echo "key=$API_KEY ssl=$SSL_CERT_FILE tf=$TF_CLI_CONFIG_FILE set=${SSL_CERT+yes}"'
    for args, extra in ((["--file-env", "API_KEY"], {}), ([], {"BERTH_FILE_ENV": "API_KEY"})):
        r = run_clean(args + ["--", "sh", "-c", script], dict(env, **extra))
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == f"key=k3y ssl={bundle} tf=/nonexistent/.terraformrc set=", r.stdout


def test_file_env_refuses_a_secret_over_the_kernels_limit_at_start_up(tmp_path):
    big = tmp_path / "big"
    big.write_text("x" * 200_000)
    r = run_clean(["--file-env", "CERT", "--", "sh", "-c", "echo started"],
                  clean_env(CERT_FILE=str(big)))
    assert r.returncode == 2, r.stderr
    assert "started" not in r.stdout
    assert "CERT_FILE" in r.stderr and "larger than 128 KiB" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_file_env_wants_the_names(tmp_path):
    """A bare --file-env used to take every *_FILE; now it is a usage error with a hint."""
    cfg = config(tmp_path, '[[service]]\nname = "a"\ncommand = "true"\n')
    r = run_clean(["--file-env", "--config", cfg], clean_env())
    assert r.returncode == 2
    assert "not a variable name (want e.g. --file-env DB_PASSWORD,API_KEY)" in r.stderr
    r = run_clean(["--file-env"], clean_env())
    assert r.returncode == 2 and "--file-env" in r.stderr


def test_file_env_reaches_services(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    cfg = config(tmp_path, """
[[service]]
name = "app"
command = 'echo "token=$TOKEN"'
essential = true
""")
    r = run_clean(["--file-env", "TOKEN", "--config", cfg], clean_env(TOKEN_FILE=str(secret)))
    assert r.returncode == 0, r.stderr
    assert "token=s3cret" in r.stdout


def test_program_becomes_service_main(tmp_path):
    cfg = config(tmp_path, """
[[service]]
name = "side"
command = "sleep 100 & wait"
""")
    r = run(["--grace", "5s", "--config", cfg, "--", "sh", "-c", "echo hi; exit 4"])
    assert r.returncode == 4, r.stderr
    assert "main | hi" in r.stdout


CONFIG_ERRORS = {
    "unknown key": '[[service]]\nname = "a"\ncommand = "true"\ncolour = "red"\n',
    "wrong type": '[[service]]\nname = "a"\ncommand = 5\n',
    "unknown after": '[[service]]\nname = "a"\ncommand = "true"\nafter = ["b"]\n',
    "empty command": '[[service]]\nname = "a"\ncommand = ""\n',
    "no restart delay": '[[service]]\nname = "a"\ncommand = "true"\nrestart_delay = "0s"\n',
    "cycle": ('[[service]]\nname = "a"\ncommand = "true"\nafter = ["b"]\n'
              '[[service]]\nname = "b"\ncommand = "true"\nafter = ["a"]\n'),
}


def test_config_errors_name_file_and_line_and_exit_2(tmp_path):
    for kind, text in CONFIG_ERRORS.items():
        cfg = config(tmp_path, text)
        r = run(["--config", cfg])
        assert r.returncode == 2, (kind, r.stderr)
        assert re.search(re.escape(cfg) + r":\d+:", r.stderr), (kind, r.stderr)


def test_restart_under_berths_own_sandbox(tmp_path):
    # berth sandboxes itself once the services run; a restart forks and execs again after that,
    # so berth loads no seccomp filter (the service would inherit it) and keeps the
    # capabilities a root service got at its first start.
    count = tmp_path / "count"
    cfg = config(tmp_path, f"""
[[service]]
name = "flaky"
command = "n=$(cat {count} 2>/dev/null || echo 0); echo $((n+1)) > {count}; {TESTBIN} status | grep -E '^(CapBnd|CapEff|Seccomp):' | sed \\"s/^/run $n /\\"; [ $n -ge 1 ] && exec {TESTBIN} signals; exit 1"
restart = "on-failure"
restart_delay = "100ms"
essential = true
""")
    b = Berth(["-v", "--no-log-prefix", "--config", cfg])
    b.wait_line("^ready$")
    first = {l.split()[2]: l.split()[3] for l in b.lines["out"] if l.startswith("run 0 ")}
    second = {l.split()[2]: l.split()[3] for l in b.lines["out"] if l.startswith("run 1 ")}
    assert first and first == second, b.out
    assert second["Seccomp:"] == "0"
    b.kill(15)
    assert b.wait(timeout=20) == 0, b.err
    assert "restarting in 100ms" in b.err
    assert "no seccomp filter for berth" in b.err
    assert "refused" not in b.err


def health(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())
    except OSError:
        return None, None


def poll(port, path, want, timeout=15):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = health(port, path)
        if want(*last):
            return last[1]
        time.sleep(0.05)
    raise AssertionError(f"{path}: last answer {last}")


def by_name(body):
    return {s["name"]: s for s in body["services"]}


def test_healthz_and_readyz_aggregate_the_services(tmp_path):
    hz, web = free_port(), free_port()
    flag = tmp_path / "worker-ok"
    flag.write_text("")
    cfg = config(tmp_path, f"""
[[service]]
name = "web"
command = ["/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", "{web}"]
essential = true
ready = {{ http = "http://127.0.0.1:{web}/" }}
health = {{ http = "http://127.0.0.1:{web}/", interval = "100ms" }}

[[service]]
name = "worker"
command = ["{TESTBIN}", "signals"]
essential = true
after = ["web"]
health = {{ cmd = "test -f {flag}", interval = "100ms", retries = 1 }}
""")
    b = Berth(["--healthz", f"127.0.0.1:{hz}", "--config", cfg], env={"PYTHONUNBUFFERED": "1"})
    body = poll(hz, "/readyz", lambda st, b: st == 200)
    assert body["status"] == "ok"
    s = by_name(body)
    assert s["web"] == {"name": "web", "state": "running", "ready": True, "healthy": True,
                        "restarts": 0, "last_exit": None}
    assert s["worker"]["state"] == "running" and s["worker"]["ready"]
    # The worker's own check fails: the container is unhealthy, and not ready either.
    flag.unlink()
    body = poll(hz, "/healthz", lambda st, b: st == 503)
    assert body["status"] == "unhealthy"
    assert by_name(body)["worker"]["healthy"] is False
    assert by_name(body)["web"]["healthy"] is True
    assert health(hz, "/readyz")[0] == 503
    flag.write_text("")
    poll(hz, "/healthz", lambda st, b: st == 200)
    poll(hz, "/readyz", lambda st, b: st == 200)
    b.kill(15)
    assert b.wait(timeout=20) == 0, b.err
    assert "service worker is unhealthy" in b.err
    assert "service worker is healthy again" in b.err


@pytest.mark.parametrize("count", [40, 1000])
def test_healthz_and_readyz_list_any_number_of_services(tmp_path, count):
    """The answer once had to fit 4 KiB: past about 30 services every GET got an empty reply."""
    hz = free_port()
    cfg = config(tmp_path, "".join(f"""
[[service]]
name = "worker-process-{i:04d}"
command = ["{TESTBIN}", "signals"]
""" for i in range(count)))
    b = Berth(["--healthz", f"127.0.0.1:{hz}", "--grace", "20s", "--config", cfg])
    # 1,000 services under ASan beside CI's clang fuzz build: a minute was not always enough.
    body = poll(hz, "/readyz", lambda st, b: st == 200, timeout=180)
    assert len(body["services"]) == count
    status, body = health(hz, "/healthz")
    assert status == 200
    assert body["services"][-1]["name"] == f"worker-process-{count - 1:04d}"
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=60) == 0, b.err[-2000:]


def test_a_dependency_that_is_not_ready_is_said_and_shown(tmp_path):
    """db runs but never answers: app's wait is logged, db is "starting" and app "waiting",
    liveness stays 200 (nothing failed), readiness 503, and a notice says why at a backoff."""
    hz, port = free_port(), free_port()
    cfg = config(tmp_path, f"""
[[service]]
name = "db"
command = ["{TESTBIN}", "signals"]
essential = true
ready = {{ tcp = "127.0.0.1:{port}" }}

[[service]]
name = "app"
command = ["{TESTBIN}", "signals"]
essential = true
after = ["db"]
""")
    b = Berth(["-v", "--healthz", f"127.0.0.1:{hz}", "--config", cfg])
    b.wait_line("service app waits for db", stream="err")
    poll(hz, "/healthz", lambda st, b: st is not None)
    status, body = health(hz, "/healthz")
    assert status == 200 and body["status"] == "ok", body
    assert by_name(body)["db"]["state"] == "starting" and by_name(body)["app"]["state"] == "waiting"
    status, body = health(hz, "/readyz")
    assert status == 503 and body["status"] == "starting"
    b.wait_line(r"notice: service db is not ready after \d+s \(last check: connect: Connection "
                r"refused\); waiting for it: app", stream="err", timeout=15)
    assert sum("app waits for db" in line for line in b.lines["err"]) == 1
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=20) == 0, b.err


def test_a_ready_timeout_ends_the_container_with_exit_1(tmp_path):
    port = free_port()
    cfg = config(tmp_path, f"""
[[service]]
name = "db"
command = ["{TESTBIN}", "signals"]
ready = {{ tcp = "127.0.0.1:{port}", timeout = "1s" }}

[[service]]
name = "app"
command = "echo app-started"
after = ["db"]
""")
    start = time.monotonic()
    r = run(["--grace", "5s", "--config", cfg], pid1=True)
    assert r.returncode == 1, r.stderr
    assert 1 <= time.monotonic() - start < 5
    assert ("service db was not ready within 1s (last check: connect: Connection refused)"
            in r.stderr), r.stderr
    assert "app-started" not in r.stdout


@pytest.mark.parametrize("ready,says", [
    ('{ timeout = "1s" }', "want one of"),
    ('{ tcp = "127.0.0.1:9", timeout = "soon" }', "bad duration"),
    ('{ tcp = "127.0.0.1:9", http = "http://127.0.0.1:9/" }', "want one of"),
])
def test_bad_ready_tables_exit_2(tmp_path, ready, says):
    cfg = config(tmp_path, f"""
[[service]]
name = "db"
command = "true"
ready = {ready}
""")
    r = run(["--config", cfg])
    assert r.returncode == 2 and says in r.stderr, r.stderr


def test_readyz_waits_for_every_service_and_shows_restarts(tmp_path):
    hz = free_port()
    gate = tmp_path / "gate"
    cfg = config(tmp_path, f"""
[[service]]
name = "slow"
command = ["{TESTBIN}", "signals"]
ready = {{ log = "^go$" }}

[[service]]
name = "flaky"
command = "test -f {gate} && exec {TESTBIN} signals; exit 4"
restart = "on-failure"
restart_delay = "100ms"
""")
    b = Berth(["--healthz", f"127.0.0.1:{hz}", "--config", cfg])
    body = poll(hz, "/readyz", lambda st, b: st == 503 and by_name(b)["flaky"]["restarts"] >= 1)
    assert body["status"] == "starting"
    assert by_name(body)["flaky"]["last_exit"] == 4
    assert by_name(body)["slow"]["ready"] is False
    gate.write_text("")
    poll(hz, "/healthz", lambda st, b: st == 200)
    b.kill(15)
    assert b.wait(timeout=20) == 0, b.err


def test_drain_flips_readiness_first_then_stops_the_services(tmp_path):
    hz = free_port()
    cfg = config(tmp_path, f"""
[[service]]
name = "a"
command = ["{TESTBIN}", "signals"]

[[service]]
name = "b"
command = ["{TESTBIN}", "signals"]
""")
    b = Berth(["-v", "--drain", "2s", "--grace", "10s", "--healthz", f"127.0.0.1:{hz}",
               "--config", cfg])
    poll(hz, "/readyz", lambda st, b: st == 200)
    b.kill(15)
    body = poll(hz, "/readyz", lambda st, b: st == 503)
    assert body["status"] == "draining"
    # Still serving during the drain: alive, and no service has had its stop signal yet.
    assert health(hz, "/healthz")[0] == 200
    assert not any("signal SIGTERM" in l for l in b.lines["out"])
    assert b.wait(timeout=20) == 0, b.err
    assert "a | signal SIGTERM" in b.lines["out"] and "b | signal SIGTERM" in b.lines["out"]
    assert "drain of 2s over" in b.err


def need_root():
    need(os.geteuid() == 0, "per-service users need root")


def test_per_service_user_and_restarts_as_that_user(tmp_path):
    need_root()
    nobody = pwd.getpwnam("nobody")
    shared = tempfile.mkdtemp(dir="/tmp")  # pytest's tmp_path is root's alone
    os.chmod(shared, 0o777)
    count = os.path.join(shared, "count")
    cfg = config(tmp_path, f"""
[[service]]
name = "as-nobody"
user = "nobody"
command = "n=$(cat {count} 2>/dev/null || echo 0); echo $((n+1)) > {count}; echo uid $(id -u) gid $(id -g) home $HOME; [ $n -ge 1 ] && exec {TESTBIN} signals; exit 1"
restart = "on-failure"
restart_delay = "100ms"

[[service]]
name = "as-root"
command = "echo uid $(id -u); exec {TESTBIN} signals"
""")
    b = Berth(["--config", cfg])
    b.wait_line(r"^as-nobody \| ready$")
    b.wait_line(r"^as-root \| ready$")
    runs = [l for l in b.lines["out"] if l.startswith("as-nobody | uid")]
    # The restart after berth sandboxed itself switches user again: berth kept SETUID/SETGID.
    assert runs == [f"as-nobody | uid {nobody.pw_uid} gid {nobody.pw_gid} home {nobody.pw_dir}"] * 2
    assert "as-root | uid 0" in b.lines["out"]
    b.kill(15)
    assert b.wait(timeout=20) == 0, b.err
    assert "refused" not in b.err


def test_unknown_service_user_is_exit_2_and_nothing_starts(tmp_path):
    need_root()
    cfg = config(tmp_path, """
[[service]]
name = "w"
user = "no-such-user-here"
command = "echo started"
""")
    r = run(["--config", cfg], pid1=True)
    assert r.returncode == 2
    assert "service w:" in r.stderr and "no-such-user-here" in r.stderr
    assert "started" not in r.stdout


def test_the_nginx_and_app_example_stops_gracefully():
    """examples/services as it is, with local paths and ports: TERM to berth gives nginx QUIT
    (its stop_signal) and the app TERM, last started first; both take their graceful paths."""
    nginx = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    need(nginx, "nginx is not installed (ci/install-deps.sh installs nginx-light)")
    need_root()
    ex = ROOT / "examples" / "services"
    work = tempfile.mkdtemp(dir="/tmp")  # www-data writes its pid and temp files here
    os.chmod(work, 0o777)
    app, web, hz = free_port(), free_port(), free_port()
    conf = os.path.join(work, "nginx.conf")
    with open(conf, "w") as f:
        f.write((ex / "nginx.conf").read_text().replace("/tmp/", f"{work}/")
                .replace("listen 8080", f"listen 127.0.0.1:{web}").replace(":8000", f":{app}"))
    toml = ((ex / "berth.toml").read_text().replace("/app/app.py", str(ex / "app.py"))
            .replace("/etc/nginx/berth-nginx.conf", conf).replace('"python3"', '"/usr/bin/python3"')
            .replace('"nginx", "-e"', f'"{nginx}", "-e"')
            .replace("8000", str(app)).replace("8080", str(web)))
    cfg = os.path.join(work, "berth.toml")
    with open(cfg, "w") as f:
        f.write(toml)
    dockerfile = (ex / "Dockerfile").read_text()
    args = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile, re.M)[1])[1:]
    args[args.index("--config") + 1] = cfg
    args[args.index("--healthz") + 1] = f"127.0.0.1:{hz}"
    b = Berth(["-v"] + args)
    poll(hz, "/readyz", lambda st, body: st == 200, timeout=20)
    with urllib.request.urlopen(f"http://127.0.0.1:{web}/", timeout=5) as r:
        assert r.read() == b"hello from the app behind nginx\n"
    b.kill(15)
    assert b.wait(timeout=30) == 0, b.err
    out, err = b.lines["out"], b.lines["err"]
    assert "app | app: SIGTERM, finishing requests" in out and "app | app: stopped cleanly" in out
    assert any(l.startswith("nginx | ") and "gracefully shutting down" in l for l in err), err
    quit_at = err.index("berth: info: stopping service nginx with SIGQUIT")
    term_at = err.index("berth: info: stopping service app with SIGTERM")
    assert quit_at < term_at
    assert "berth: info: service nginx exited with code 0" in err
    assert "berth: info: service app exited with code 0" in err
    shutil.rmtree(work, ignore_errors=True)


def test_berths_own_stderr_reader_gone_costs_the_services_nothing(tmp_path):
    """As test_faults for the single child: berth's writes to a stderr nobody reads raise SIGPIPE
    at berth; the group must not forward them to the services (it once spun at full CPU)."""
    cfg = config(tmp_path, f"""
[[service]]
name = "rec"
command = ["{TESTBIN}", "signals"]
essential = true
""")
    r, w = os.pipe()
    p = subprocess.Popen(["unshare", "-p", "-f", "--mount-proc", BERTH, "-vvv", "--no-log-prefix",
                          "--config", cfg], stdout=subprocess.PIPE, stderr=w)
    os.close(w)
    os.close(r)
    try:
        assert p.stdout.readline() == b"ready\n"
        berth = until(lambda: children_of(p.pid), 10, "berth")[0]
        for sig in ("SIGUSR1", "SIGTERM"):
            os.kill(berth, getattr(__import__("signal"), sig))
            assert p.stdout.readline() == f"signal {sig}\n".encode()
        assert p.wait(timeout=10) == 0
        assert p.stdout.read() == b"", "a service got a signal nobody sent"
    finally:
        if p.poll() is None:
            p.kill()


def test_map_translates_each_services_stop_signal(tmp_path):
    """--map applies in services mode too: TERM, each service's stop signal, arrives as QUIT."""
    cfg = config(tmp_path, f"""
[[service]]
name = "web"
command = ["{TESTBIN}", "signals", "--exit-on", "QUIT"]
ready = {{ log = "^ready$" }}

[[service]]
name = "worker"
command = ["{TESTBIN}", "signals", "--exit-on", "QUIT"]
after = ["web"]
ready = {{ log = "^ready$" }}
""")
    b = Berth(["--map", "TERM:QUIT", "--grace", "10s", "--config", cfg])
    b.wait_line(r"^worker \| ready$")
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=20) == 0, b.err
    assert "web | signal SIGQUIT" in b.lines["out"] and "worker | signal SIGQUIT" in b.lines["out"]
    assert not any("SIGTERM" in line for line in b.lines["out"]), b.out


def test_quit_stops_the_services_with_their_own_stop_signals(tmp_path):
    """QUIT (docker stop with nginx's STOPSIGNAL) is a stop like TERM: each service gets its own
    stop_signal, not a forwarded QUIT, and the grace applies."""
    cfg = config(tmp_path, f"""
[[service]]
name = "stubborn"
command = ["{TESTBIN}", "signals", "--ignore", "TERM", "--exit-on", "USR2"]
ready = {{ log = "^ready$" }}

[[service]]
name = "web"
command = ["{TESTBIN}", "signals"]
after = ["stubborn"]
ready = {{ log = "^ready$" }}
""")
    b = Berth(["--grace", "2s", "--config", cfg])
    b.wait_line(r"^web \| ready$")
    start = time.monotonic()
    b.kill(signal.SIGQUIT)
    assert b.wait(timeout=20) == 0, b.err
    assert time.monotonic() - start >= 2  # the stubborn one is killed at the grace
    assert "web | signal SIGTERM" in b.lines["out"], b.out
    assert not any("SIGQUIT" in line for line in b.lines["out"]), b.out


def test_a_non_essential_service_that_exits_is_left_down(tmp_path):
    cfg = config(tmp_path, f"""
[[service]]
name = "oneoff"
command = "echo oneoff-ran; exit 5"

[[service]]
name = "app"
command = ["{TESTBIN}", "signals"]
essential = true
""")
    b = Berth(["-v", "--config", cfg])
    b.wait_line(r"^oneoff \| oneoff-ran$")
    b.wait_line(r"oneoff.*(exited|exit).*5", stream="err")
    b.wait_line(r"^app \| ready$")
    assert b.proc.poll() is None  # the container goes on without it
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=20) == 0, b.err
    assert sum("oneoff-ran" in line for line in b.lines["out"]) == 1  # never restarted


def test_a_service_that_ignores_its_stop_signal_is_killed_at_the_grace(tmp_path):
    cfg = config(tmp_path, f"""
[[service]]
name = "stubborn"
command = ["{TESTBIN}", "signals", "--ignore", "TERM"]
essential = true
ready = {{ log = "^ready$" }}
""")
    b = Berth(["--grace", "1s", "--config", cfg])
    b.wait_line(r"^ready$")  # one service: no name prefix by default
    start = time.monotonic()
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=20) == 128 + signal.SIGKILL, b.err
    assert time.monotonic() - start >= 1  # not before the grace
    assert "deadline reached: killing what is left" in b.err


def test_a_stopped_leftover_is_continued_and_ends_at_the_term_not_the_deadline(tmp_path):
    """A leftover stopped by SIGSTOP keeps the teardown's SIGTERM pending: the same teardown as
    in one-program mode continues it, so it ends at the TERM, not at the deadline's SIGKILL."""
    said = tmp_path / "leftover.out"  # a file: berth may exit before relaying its last line
    cfg = config(tmp_path, f"""
[[service]]
name = "app"
command = ["{TESTBIN}", "signals"]
essential = true

[[service]]
name = "side"
command = "{TESTBIN} stop-self > {said} & exit 0"
""")
    b = Berth(["-v", "--grace", "10s", "--config", cfg])
    b.wait_line(r"^app \| ready$")

    def stopped_leftover():
        for pid in children_of(b.pid):
            try:
                cmdline = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes()
                stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
                if b"stop-self" in cmdline and stat.rsplit(")", 1)[1].split()[0] == "T":
                    return pid
            except OSError:
                pass
        return None
    until(stopped_leftover, 10, "the leftover to stop")
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=30) == 0, b.err
    assert said.read_text() == "stopping\ncontinued\n", b.err
    assert "deadline reached" not in b.err, b.err
    assert "was stopped: sent SIGCONT" in b.err


def test_a_stopped_service_is_continued_after_its_stop_signal(tmp_path):
    """As the single child: a service stopped by SIGSTOP gets SIGCONT after its stop signal, so it
    stops at once instead of waiting for the deadline."""
    cfg = config(tmp_path, f"""
[[service]]
name = "app"
command = ["{TESTBIN}", "stop-self"]
essential = true
""")
    b = Berth(["-v", "--grace", "10s", "--config", cfg])
    b.wait_line(r"^stopping$")
    app = until(lambda: children_of(b.pid), 10, "the service")[0]
    until(lambda: pathlib.Path(f"/proc/{app}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T",
          10, "the service to stop")
    b.kill(signal.SIGTERM)
    assert b.wait(timeout=30) == 0, b.err
    assert "continued" in b.lines["out"], b.out
    assert "deadline reached" not in b.err, b.err


def test_workdir_is_the_services_working_directory(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    cfg = config(tmp_path, f"""
[[service]]
name = "app"
command = "pwd"
workdir = "{work}"
""")
    r = run(["--config", cfg])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(work)


def test_services_that_just_finish_print_nothing_of_berths(tmp_path):
    """Quiet by default: the last service ending on its own is nothing berth did; a service
    berth had to stop is, and the closing line says so."""
    cfg = config(tmp_path, '[[service]]\nname = "app"\ncommand = "exit 3"\nessential = true\n')
    r = run(["--config", cfg], pid1=True)
    assert (r.returncode, r.stderr) == (3, "")
    cfg = config(tmp_path, '[[service]]\nname = "app"\ncommand = "exit 3"\nessential = true\n'
                 '[[service]]\nname = "side"\ncommand = "sleep 100 & wait"\n')
    r = run(["--grace", "5s", "--config", cfg], pid1=True)
    assert r.returncode == 3
    assert "notice: stopping the container: essential service app exited 3" in r.stderr
    assert "notice: exit 3" in r.stderr


def test_config_that_is_no_regular_file_is_one_line_and_exit_2(tmp_path):
    """--config /dev/zero read 16 GB, then aborted; a directory said "no service"."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (1 << 20) + "\n")
    for path, says in (("/dev/zero", "not a regular file (a character device)"),
                       (str(tmp_path), "is a directory"),
                       (str(fifo), "not a regular file (a FIFO)"),
                       (str(big), "larger than 1 MiB")):
        start = time.monotonic()
        r = run(["--config", path], pid1=True, timeout=10)
        assert r.returncode == 2, (path, r.stderr)
        assert r.stderr.strip() == f"berth: error: --config {path}: {says}", r.stderr
        assert time.monotonic() - start < 5


def test_a_fifo_as_a_file_env_secret_is_refused_at_once(tmp_path):
    """It blocked before the signal set-up: docker stop then ended in 137."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    r = run_clean(["--file-env", "TOKEN", "--", "sh", "-c", "echo started"],
                  clean_env(TOKEN_FILE=str(fifo)))
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (f"berth: error: --file-env TOKEN: TOKEN_FILE={fifo}: "
                                "not a regular file (a FIFO)")
    assert "started" not in r.stdout


def test_a_stalled_log_reader_costs_lines_not_the_grace(tmp_path):
    """berth's stderr a full pipe nobody reads: the services are still stopped and killed within
    the grace (berth once sat in pipe_write past it)."""
    from test_shutdown import StalledStderr, read_line
    cfg = config(tmp_path, f"""
[[service]]
name = "stubborn"
command = ["{TESTBIN}", "signals", "--ignore", "TERM", "--exit-on", "USR2"]
essential = true
""")
    b = StalledStderr(["--grace", "2s", "--config", cfg])
    try:
        assert read_line(b.proc.stdout, 10) == "ready\n"
        sent = time.monotonic()
        os.kill(b.pid, signal.SIGTERM)
        assert b.proc.wait(timeout=15) == 128 + signal.SIGKILL
        assert time.monotonic() - sent < 4.0
    finally:
        b.close()


def test_relayed_output_nobody_reads_is_dropped_counted_and_said(tmp_path):
    """The services' output to berth's stdout, a full pipe: berth keeps up to 256 KiB, drops the
    rest whole lines at a time, and once the reader is back says how much it dropped."""
    from test_shutdown import drain, full_pipe
    need(shutil.which("unshare") is not None, "no unshare")
    cfg = config(tmp_path, f"""
[[service]]
name = "chatty"
command = "yes 0123456789abcdef | head -n 50000; exec {TESTBIN} signals"
ready = {{ log = "^ready$" }}
""")
    r, w = full_pipe()
    try:
        b = Berth(["-v", "--config", cfg], stdout=w)  # the test's own reads come later
        os.close(w)
        w = None
        b.wait_line("service chatty is ready", stream="err", timeout=20)
        got = b""
        deadline = time.monotonic() + 10
        while not any("dropped" in line for line in b.lines["err"]):
            assert time.monotonic() < deadline, b.err
            select.select([r], [], [], 0.1)
            got += drain(r)
        notice = [line for line in b.lines["err"] if "dropped" in line]
        assert len(notice) == 1, notice
        m = re.search(r"dropped (\d+) bytes of log output: stdout was not being read", notice[0])
        assert m, notice
        b.kill(signal.SIGTERM)
        assert b.wait(timeout=20) == 0, b.err
        got += drain(r)
        relayed = got.replace(b"x", b"").count(b"0123456789abcdef\n")
        # Every line either relayed or counted ("ready\n" may be among the dropped).
        assert 50000 * 17 <= relayed * 17 + int(m.group(1)) <= 50000 * 17 + 6
    finally:
        if w is not None:
            os.close(w)
        os.close(r)
