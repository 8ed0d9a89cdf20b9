# SPDX-License-Identifier: MIT
"""The health endpoint (--healthz), the wrapped checks and `berth probe`, over real loopback HTTP.

berth runs as PID 1 of a new PID namespace (same network namespace), its child a small Python
app whose health a file flips. Every wait polls with a deadline; no sleeps to synchronise.
"""
import http.client
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import BERTH, Berth, TESTBIN, free_port, need, proc_status, run, until

PYTHON = "/usr/bin/python3"

# The child app: GET anything -> 200 while FLAG exists, else 500. Prints "ready" once listening
# and "signal SIGTERM" when told to stop, then exits 0.
APP = r"""
import http.server, os, signal, sys
port, flag = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if os.path.exists(flag) else 500
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
def term(sig, frame):
    print("signal SIGTERM", flush=True)
    os._exit(0)
signal.signal(signal.SIGTERM, term)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
print("ready", flush=True)
srv.serve_forever()
"""


def request(port, raw, timeout=5):
    """Sends raw bytes, returns everything the server sends until it closes (or the timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        chunks = []
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except socket.timeout:
            pass
        return b"".join(chunks)


def get(port, path, method="GET"):
    """One request with Connection: close; returns (status, body as dict or None)."""
    raw = request(port, f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, (json.loads(body) if body else None)


def eventually(port, path, status, timeout=15):
    def check():
        try:
            got = get(port, path)
        except OSError:
            return None
        return got if got[0] == status else None
    return until(check, timeout, f"{path} to answer {status}")


@pytest.fixture
def app(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP)
    flag = tmp_path / "healthy"
    port = free_port()
    return {"argv": [PYTHON, str(script), str(port), str(flag)], "port": port, "flag": flag}


def start(args, child):
    return Berth(args + ["--"] + child)


def test_answers_through_the_childs_life(app):
    hz = free_port()
    b = start(["--healthz", f"127.0.0.1:{hz}", "--health-http",
               f"http://127.0.0.1:{app['port']}/", "--health-interval", "100ms",
               "--health-retries", "2", "--health-start-period", "60s",
               "--drain", "2s", "--grace", "10s"], app["argv"])
    b.wait_line("^ready$")
    # Starting: the app answers 500 and no check has passed; start-period failures don't count.
    status, body = eventually(hz, "/readyz", 503)
    assert body["status"] == "starting"
    assert get(hz, "/healthz")[0] == 200
    # Healthy.
    app["flag"].touch()
    status, body = eventually(hz, "/readyz", 200)
    assert body["status"] == "ok" and body["check"]["ok"] is True
    assert body["check"]["detail"] == "status 200"
    assert get(hz, "/healthz") == (200, body)
    # Failing: two failures in a row make it unhealthy.
    app["flag"].unlink()
    status, body = eventually(hz, "/healthz", 503)
    assert body["status"] == "unhealthy" and body["check"]["detail"] == "status 500"
    assert body["check"]["failures"] >= 2
    assert get(hz, "/readyz")[1]["status"] == "unhealthy"
    # Recovering.
    app["flag"].touch()
    eventually(hz, "/healthz", 200)
    eventually(hz, "/readyz", 200)
    # Draining: /readyz is 503 from the first request after the stop signal; the child still
    # runs (and is live) until the drain is over.
    b.kill(signal.SIGTERM)
    status, body = get(hz, "/readyz")
    assert (status, body["status"]) == (503, "draining")
    assert get(hz, "/healthz")[0] == 200
    assert "signal SIGTERM" not in b.lines["out"]
    b.wait_line("^signal SIGTERM$", timeout=10)
    assert b.wait() == 0
    # After berth is gone, nothing listens.
    with pytest.raises(ConnectionRefusedError):
        get(hz, "/healthz")


def test_readyz_under_load_flips_once_and_never_drops_a_request(app):
    """A load balancer polling hard through a rolling deploy: every answer before the stop signal
    is 200, every one after the first 503 is 503, and no request fails while the app drains."""
    hz = free_port()
    app["flag"].touch()
    b = start(["--healthz", f"127.0.0.1:{hz}", "--health-http", f"http://127.0.0.1:{app['port']}/",
               "--health-interval", "100ms", "--drain", "2s", "--grace", "10s"], app["argv"])
    b.wait_line("^ready$")
    eventually(hz, "/readyz", 200)
    stop = threading.Event()
    # Per client, in order: (answered before TERM was sent?, status).
    answers = [[] for _ in range(8)]
    errors = []
    term_sent = threading.Event()

    def client(out):
        conn = http.client.HTTPConnection("127.0.0.1", hz, timeout=5)
        while not stop.is_set():
            try:
                conn.request("GET", "/readyz")
                r = conn.getresponse()
                r.read()
                out.append((not term_sent.is_set(), r.status))
            except OSError as e:
                errors.append((time.monotonic(), repr(e)))
                return

    threads = [threading.Thread(target=client, args=(a,)) for a in answers]
    for t in threads:
        t.start()
    until(lambda: all(len(a) >= 20 for a in answers), 30, "every client to get answers")
    term_sent.set()
    term_at = time.monotonic()
    b.kill(signal.SIGTERM)
    # The drain lasts 2 s; the app hears TERM only after it, and all the while berth answers.
    b.wait_line("^signal SIGTERM$", timeout=10)
    stop.set()
    for t in threads:
        t.join(10)
    assert b.wait() == 0
    # Once the app has heard TERM (no sooner than the 2 s drain) it exits, and berth with it: a
    # request in flight then is cut, as it would be behind any balancer.
    assert [e for at, e in errors if at < term_at + 1.9] == []
    for a in answers:
        statuses = [s for _, s in a]
        assert all(s == 200 for before, s in a if before)
        first_503 = statuses.index(503)
        assert set(statuses[first_503:]) == {503}, "readiness flips once and stays down"
        assert any(not before for before, _ in a[first_503:]), "every client was served 503"


def test_after_the_child_exits_healthz_is_503_until_berth_ends():
    hz = free_port()
    b = Berth(["--healthz", f":{hz}", "--grace", "3s", "--", TESTBIN, "daemon", "--ignore-term"])
    b.wait_line("^daemon ")
    status, body = eventually(hz, "/healthz", 503)
    assert body == {"status": "exited", "phase": "exited"}
    assert get(hz, "/readyz") == (503, {"status": "exited", "phase": "exited"})
    assert b.wait() == 0


def test_port_alone_listens_on_ipv6_and_ipv4():
    """`:PORT` is every address, as Go's ":8081": a kubelet probing an IPv6 pod address reaches
    it as well as one probing IPv4."""
    need(_have_ipv6_loopback(), "no IPv6 loopback here")
    hz = free_port()
    b = Berth(["--healthz", f":{hz}", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    eventually(hz, "/healthz", 200)
    with socket.create_connection(("::1", hz), timeout=5) as s:
        s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert s.recv(64).startswith(b"HTTP/1.1 200 "), "no answer over IPv6"
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def test_http_rules_head_404_405_keepalive_pipelining():
    hz = free_port()
    b = Berth(["--healthz", f"[::1]:{hz}" if socket.has_ipv6 and _have_ipv6_loopback() else
               f"127.0.0.1:{hz}", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    host = "::1" if _have_ipv6_loopback() else "127.0.0.1"
    eventually_any = lambda: until(lambda: _try_connect(host, hz), 10, "the endpoint")
    eventually_any()
    with socket.create_connection((host, hz), timeout=5) as s:
        # Three pipelined requests on one keep-alive connection, in one write.
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\n"
                  b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        data = _read_until(s, 3)
        assert data.count(b"HTTP/1.1 ") == 3
        parts = data.split(b"HTTP/1.1 ")[1:]
        assert parts[0].startswith(b"200 OK") and b'{"status":"ok","phase":"running"}' in parts[0]
        assert parts[1].startswith(b"200 OK") and parts[1].endswith(b"\r\n\r\n")  # HEAD: no body
        assert b"Content-Length: 34" in parts[1]
        assert parts[2].startswith(b"404 Not Found")
        # Still open: a fourth request on the same connection.
        s.sendall(b"DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data = _read_until(s, 1)
        assert data.startswith(b"HTTP/1.1 405 Method Not Allowed") and b"Allow: GET, HEAD" in data
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def _have_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def _try_connect(host, port):
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


def _read_until(s, responses):
    data = b""
    while data.count(b"HTTP/1.1 ") < responses or not data.endswith((b"}\n", b"\r\n\r\n")):
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def rss_kb(pid):
    return int(proc_status(pid)["VmRSS"].split()[0])


def test_bad_requests_leave_berth_responsive_and_its_memory_flat():
    hz = free_port()
    b = Berth(["--healthz", f"127.0.0.1:{hz}", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    eventually(hz, "/healthz", 200)

    def abuse():
        assert request(hz, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n").startswith(
            b"HTTP/1.1 400 Bad Request")
        assert request(hz, b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 10000 + b"\r\n\r\n"
                       ).startswith(b"HTTP/1.1 431 ")
        assert request(hz, b"POST /healthz HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").startswith(
            b"HTTP/1.1 405 ")
        # Many connections at once, far more than the endpoint keeps: idle ones are dropped,
        # and a real request still gets its answer.
        idle = [socket.create_connection(("127.0.0.1", hz)) for _ in range(150)]
        assert get(hz, "/healthz")[0] == 200
        for s in idle:
            s.close()

    abuse()
    before = rss_kb(b.pid)
    for _ in range(5):
        abuse()
    after = rss_kb(b.pid)
    # ASan's quarantine keeps freed memory on purpose; in ci/sanitize.sh LeakSanitizer checks.
    if os.environ.get("BERTH_SANITIZED") != "1":
        assert after - before < 512, f"VmRSS grew from {before} kB to {after} kB"

    # A slow client (half a request head, then nothing) is cut off at the header timeout
    # (5 s), and others are served meanwhile.
    slow = socket.create_connection(("127.0.0.1", hz))
    slow.sendall(b"GET /healthz HTTP/1.1\r\nHost:")
    opened = time.monotonic()
    assert get(hz, "/healthz")[0] == 200
    slow.settimeout(15)
    data = b""
    while True:
        chunk = slow.recv(4096)
        if not chunk:
            break
        data += chunk
    took = time.monotonic() - opened
    slow.close()
    assert data.startswith(b"HTTP/1.1 408 Request Timeout")
    assert 4.5 <= took < 10
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def test_command_check_timeout_and_on_unhealthy_exit():
    hz = free_port()
    b = Berth(["--healthz", f"127.0.0.1:{hz}", "--health-cmd", "sleep 30",
               "--health-timeout", "200ms", "--health-interval", "100ms", "--health-retries", "2",
               "--on-unhealthy", "exit", "--drain", "1s", "--grace", "10s",
               "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    i = b.wait_line("--on-unhealthy exit: stopping the child", stream="err")
    unhealthy_at = b.times["err"][i]
    # The shutdown rules apply: /readyz says draining, and TERM comes after the drain.
    status, body = get(hz, "/readyz")
    assert status == 503 and body["status"] in ("draining", "stopping")
    assert body["check"]["detail"] == "timed out after 200ms"
    j = b.wait_line("^signal SIGTERM$")
    # 1 s of drain; the slack is for the two reader threads' lag, not for berth.
    assert b.times["out"][j] - unhealthy_at >= 0.7
    assert b.wait() == 69
    # The summary says the code berth exits with, and the child's own status.
    assert "exit 69: stopped as unhealthy (child exited with code 0)" in b.err
    # The killed checks left nothing behind.
    assert "killed=0" in b.err


def test_command_check_passes_through_sh():
    hz = free_port()
    b = Berth(["--healthz", f"127.0.0.1:{hz}", "--health-cmd", "test 1 -eq 1 && exit 0",
               "--health-interval", "100ms", "--", TESTBIN, "signals"])
    b.wait_line("^ready$")
    status, body = eventually(hz, "/readyz", 200)
    assert body["check"]["detail"] == "exited with code 0"
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


def test_tcp_check():
    hz = free_port()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        target = listener.getsockname()[1]
        b = Berth(["--healthz", f"127.0.0.1:{hz}", "--health-tcp", f"127.0.0.1:{target}",
                   "--health-interval", "100ms", "--health-retries", "1",
                   "--", TESTBIN, "signals"])
        b.wait_line("^ready$")
        status, body = eventually(hz, "/readyz", 200)
        assert body["check"]["detail"] == "connected"
    status, body = eventually(hz, "/healthz", 503)
    assert body["check"]["detail"] == "connect: Connection refused"
    b.kill(signal.SIGTERM)
    assert b.wait() == 0


@pytest.mark.parametrize("args, message", [
    (["--healthz", "8081"], "--healthz: bad listen address"),
    (["--healthz", "example.com:80"], "host: an IP address or localhost"),
    (["--health-http", "https://127.0.0.1/"], "https is not supported"),
    (["--health-cmd", "true", "--health-tcp", "127.0.0.1:1"], "give one of"),
    (["--health-tcp", "127.0.0.1:1", "--health-status", "2xx"], "--health-status"),
    (["--health-retries", "0"], "--health-retries"),
    (["--on-unhealthy", "restart"], "--on-unhealthy takes ignore or exit"),
    (["--on-unhealthy", "exit"], "needs a check"),
])
def test_bad_health_options_are_usage_errors(args, message):
    r = run(args + ["--", TESTBIN, "exit", "0"])
    assert r.returncode == 2, r.stderr
    assert message in r.stderr


def test_port_in_use_is_a_setup_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = run(["--healthz", f"127.0.0.1:{port}", "--", TESTBIN, "exit", "0"])
    assert r.returncode == 1
    assert f"bind 127.0.0.1:{port}: Address already in use" in r.stderr


# berth probe


class ProbeHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/500":
            code = 500
        elif self.path == "/header":
            code = 200 if self.headers.get("X-Probe") == "yes" else 401
        else:
            code = 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ProbeHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1]
    srv.shutdown()


def probe(*args, timeout=30):
    return subprocess.run([BERTH, "probe", *args], capture_output=True, text=True, timeout=timeout)


def test_probe_healthy(server):
    r = probe(f"http://127.0.0.1:{server}/healthz")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert probe(f"tcp://127.0.0.1:{server}").returncode == 0
    assert probe(f"http://localhost:{server}/").returncode == 0


def test_probe_500_and_status_lists(server):
    r = probe(f"http://127.0.0.1:{server}/500")
    assert r.returncode == 1
    assert r.stderr == f"berth probe: http://127.0.0.1:{server}/500: unhealthy: status 500\n"
    assert probe("--status", "200-299,500", f"http://127.0.0.1:{server}/500").returncode == 0
    assert probe("--status=200", f"http://127.0.0.1:{server}/500").returncode == 1


def test_probe_headers(server):
    assert probe(f"http://127.0.0.1:{server}/header").returncode == 1
    assert probe("-H", "X-Probe: yes", f"http://127.0.0.1:{server}/header").returncode == 0
    assert probe("-HX-Probe: yes", f"http://127.0.0.1:{server}/header").returncode == 0


def test_probe_closed_port():
    port = free_port()
    for target in (f"http://127.0.0.1:{port}/", f"tcp://127.0.0.1:{port}"):
        r = probe(target)
        assert r.returncode == 1
        assert r.stderr.strip().endswith("unhealthy: connect: Connection refused")


def test_probe_timeout_against_a_server_that_never_answers():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the handshake; nobody ever reads or answers
        port = silent.getsockname()[1]
        started = time.monotonic()
        r = probe("--timeout", "500ms", f"http://127.0.0.1:{port}/healthz")
        took = time.monotonic() - started
    assert r.returncode == 1
    assert r.stderr.strip().endswith("unhealthy: timed out after 500ms")
    assert 0.5 <= took < 3


@pytest.mark.parametrize("args, message", [
    ([], "no TARGET given"),
    (["127.0.0.1:80"], "bad target"),
    (["https://127.0.0.1/"], "https is not supported"),
    (["http://db..x:5432/"], "bad target"),
    (["--timeout", "soon", "http://127.0.0.1:1/"], "bad --timeout"),
    (["--timeout"], "needs a value"),
    (["--status", "2xx", "http://127.0.0.1:1/"], "bad status list item"),
    (["-H", "NoColon", "http://127.0.0.1:1/"], "bad header"),
    (["--frobnicate", "http://127.0.0.1:1/"], "unknown option"),
    (["http://127.0.0.1:1/", "tcp://127.0.0.1:1"], "one TARGET only"),
])
def test_probe_bad_usage(args, message):
    r = probe(*args)
    assert r.returncode == 2
    assert message in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_probe_reads_its_options_as_berth_does():
    """berth's option engine: `--` ends the options (a TARGET may then start with '-'), options
    may follow TARGET, --name=value."""
    r = probe("--", "-x")
    assert r.returncode == 2 and "bad target" in r.stderr and "'-x'" in r.stderr, r.stderr
    r = probe("http://127.0.0.1:1/", "--timeout=soon")
    assert r.returncode == 2 and "bad --timeout 'soon'" in r.stderr, r.stderr
    r = probe("--status", "200", "--bogus=1", "http://127.0.0.1:1/")
    assert r.returncode == 2 and "unknown option '--bogus'" in r.stderr, r.stderr


def test_probe_help():
    r = probe("--help")
    assert r.returncode == 0
    assert 'HEALTHCHECK CMD ["/berth", "probe", "http://127.0.0.1:8000/healthz"]' in r.stdout
