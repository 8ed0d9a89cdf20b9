# SPDX-License-Identifier: MIT
"""Checks and --wait-for reach a host by its name (a Compose or Kubernetes service name):
berth looks it up itself, in /etc/hosts and then at the name servers of /etc/resolv.conf.
Each test runs berth as PID 1 in a new mount namespace whose /etc/hosts and /etc/resolv.conf
are the test's own, and the name server is a small one the test runs on 127.0.0.77:53."""
import http.server
import json
import os
import socket
import struct
import threading
import urllib.error
import urllib.request

import pytest

from conftest import BERTH, TESTBIN, Berth, need, run, until

DNS_ADDR = "127.0.0.77"  # anywhere in 127/8 is this machine; .77 keeps clear of local resolvers
# Mounts the test's files over /etc's, always in a mount namespace of its own: never the host's.
WRAPPER = """#!/bin/sh
set -e
if [ -z "$IN_OWN_MOUNTS" ]; then
  IN_OWN_MOUNTS=1 exec unshare -m --propagation private "$0" "$@"
fi
unset IN_OWN_MOUNTS
mount --bind "$1" /etc/hosts
mount --bind "$2" /etc/resolv.conf
shift 2
exec "$@"
"""


class NameServer:
    """Answers A queries from `names` (name -> IPv4), NODATA for other types of those names,
    NXDOMAIN for the rest; records every question."""

    def __init__(self, names):
        self.names = names
        self.questions = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((DNS_ADDR, 53))
        self.sock.settimeout(0.1)  # so close() can end the thread and free the port
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            try:
                query, peer = self.sock.recvfrom(512)
            except socket.timeout:
                continue
            self.sock.sendto(self._answer(query), peer)

    def _answer(self, query):
        ident, = struct.unpack("!H", query[:2])
        labels, i = [], 12
        while query[i]:
            labels.append(query[i + 1:i + 1 + query[i]].decode())
            i += 1 + query[i]
        qtype, = struct.unpack("!H", query[i + 1:i + 3])
        question = query[12:i + 5]
        name = ".".join(labels)
        self.questions.append((name, qtype))
        header = lambda rcode, answers: struct.pack("!HHHHHH", ident, 0x8180 | rcode, 1, answers, 0, 0)
        if name not in self.names:
            return header(3, 0) + question
        if qtype != 1:
            return header(0, 0) + question
        record = struct.pack("!HHHIH", 0xC00C, 1, 1, 5, 4) + socket.inet_aton(self.names[name])
        return header(0, 1) + question + record

    def close(self):
        self.stopping = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def resolver_files(tmp_path):
    """Writes /etc/hosts and /etc/resolv.conf stand-ins; returns the argv prefix that runs a
    program with them mounted in place."""
    need(os.geteuid() == 0, "bind-mounting /etc/hosts needs root")
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n127.0.0.1 db db.local\n")
    resolv = tmp_path / "resolv.conf"
    resolv.write_text(f"nameserver {DNS_ADDR}\noptions timeout:1 attempts:1\n")
    wrapper = tmp_path / "with-resolver-files"
    wrapper.write_text(WRAPPER)
    wrapper.chmod(0o755)
    return [str(wrapper), str(hosts), str(resolv)]


@pytest.fixture
def name_server():
    need(os.geteuid() == 0, "a name server on port 53 needs root")
    server = NameServer({"db.example": "127.0.0.1", "app.example": "127.0.0.1"})
    yield server
    server.close()


def listening_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


def http_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_with(files, args):
    return run(files[1:] + [BERTH] + args, binary=files[0], pid1=True)


def test_wait_for_a_name_in_etc_hosts(resolver_files):
    with listening_port() as s:
        port = s.getsockname()[1]
        r = run_with(resolver_files, ["-v", "--wait-for", f"tcp://db:{port}", "--wait-timeout", "5s",
                                      "--", "echo", "started"])
    assert r.returncode == 0, r.stderr
    assert f"tcp://db:{port} answers" in r.stderr
    assert r.stdout.strip() == "started"


def test_wait_for_a_name_from_the_name_server(resolver_files, name_server):
    server = http_server()
    try:
        port = server.server_address[1]
        r = run_with(resolver_files, ["--wait-for", f"http://db.example:{port}/", "--",
                                      "echo", "started"])
    finally:
        server.shutdown()
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "started"
    assert ("db.example", 1) in name_server.questions


def test_an_unknown_name_is_named_when_the_wait_times_out(resolver_files, name_server):
    r = run_with(resolver_files, ["--wait-for", "tcp://nope.example:5432", "--wait-timeout", "1s",
                                  "--", "echo", "started"])
    assert r.returncode == 1
    assert ("--wait-for tcp://nope.example:5432 did not answer within 1s "
            "(last attempt: resolve nope.example: Domain name not found)") in r.stderr
    assert "started" not in r.stdout
    assert ("nope.example", 1) in name_server.questions


def health(port, path="/healthz"):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return None, ""


def test_health_check_by_name_inside_berths_own_sandbox(resolver_files, name_server):
    """The lookups run after berth loaded its own seccomp filter: nothing they need is refused."""
    server = http_server()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        hz = probe.getsockname()[1]
    try:
        app = server.server_address[1]
        b = Berth(resolver_files[1:] + [BERTH, "--healthz", f"127.0.0.1:{hz}",
                                         "--health-http", f"http://app.example:{app}/",
                                         "--health-interval", "200ms", "--", TESTBIN, "signals"],
                  binary=resolver_files[0])
        until(lambda: health(hz)[0] == 200, 10, "/healthz 200 through a looked-up name")
        asked = sum(1 for q in name_server.questions if q == ("app.example", 1))
        until(lambda: sum(1 for q in name_server.questions if q == ("app.example", 1)) > asked,
              10, "a second lookup (names are looked up again before each check)")
        b.wait_line("ready")  # the child handles TERM from here on (slow to start under ASan)
        b.kill(15)
        assert b.wait() == 0, b.err
        assert "refused system call" not in b.err
    finally:
        server.shutdown()


def test_probe_by_name(resolver_files, name_server):
    server = http_server()
    try:
        port = server.server_address[1]
        ok = run(resolver_files[1:] + [BERTH, "probe", f"http://db.example:{port}/"],
                 binary=resolver_files[0], pid1=True)
        unknown = run(resolver_files[1:] + [BERTH, "probe", f"tcp://nope.example:{port}"],
                      binary=resolver_files[0], pid1=True)
    finally:
        server.shutdown()
    assert ok.returncode == 0, ok.stderr
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (f"berth probe: tcp://nope.example:{port}: unhealthy: "
                                      "resolve nope.example: Domain name not found")


def test_check_waits_for_readiness_by_name(resolver_files):
    """berth check's --ready-tcp is health's check too: `db` comes from the mounted /etc/hosts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run(resolver_files[1:] + [BERTH, "check", "--json", "--quiet-app", "--ready-tcp",
                                  f"db:{port}", "--", "/usr/bin/python3", "-m", "http.server",
                                  "--bind", "127.0.0.1", str(port)],
            binary=resolver_files[0], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["ready"]["how"] == f"tcp db:{port}"
    assert report["ready"]["at_ms"] is not None and not report["ready"]["timed_out"]
