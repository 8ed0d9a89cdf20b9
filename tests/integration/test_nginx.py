# SPDX-License-Identifier: MIT
"""The case --map exists for: Debian's nginx as PID 1's child under `berth --map TERM:QUIT`.
`docker stop` sends TERM, which makes nginx drop connections at once; QUIT is its graceful stop.
A slow download in flight when TERM arrives must still complete, and berth must exit 0."""
import http.client
import os
import shutil
import signal
import socket
import threading
import time

import pytest

from conftest import Berth, free_port, need, until

NGINX = shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
SIZE = 256 * 1024  # served at 128 KiB/s: about two seconds in flight

CONFIG = """
worker_processes 1;
user {user};
pid {tmp}/nginx.pid;
error_log {tmp}/error.log notice;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        location /slow/ {{
            limit_rate 128k;
            limit_rate_after 0;
        }}
    }}
}}
"""


def accepting(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@pytest.fixture
def nginx_conf(tmp_path):
    need(NGINX, "nginx is not installed (ci/install-deps.sh installs nginx-light)")
    (tmp_path / "www" / "slow").mkdir(parents=True)
    (tmp_path / "www" / "slow" / "big").write_bytes(os.urandom(SIZE))
    port = free_port()
    conf = tmp_path / "nginx.conf"
    user = "root" if os.geteuid() == 0 else "nobody"
    conf.write_text(CONFIG.format(tmp=tmp_path, port=port, user=user))
    return tmp_path, conf, port


def stop_during_download(nginx_conf, berth_args):
    """Starts nginx under berth, sends berth TERM while /slow/big is being served; returns
    (berth, what the client got, when TERM was sent)."""
    tmp, conf, port = nginx_conf
    b = Berth(berth_args + ["--", NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"),
               "-c", str(conf), "-g", "daemon off;"], pid1=True)
    until(lambda: accepting(port) or b.proc.poll() is not None, 20, "nginx to listen")
    assert b.proc.poll() is None, b.err

    got = {}
    started = threading.Event()

    def download():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/slow/big")
        response = conn.getresponse()
        got["status"] = response.status
        body = response.read(4096)
        started.set()
        try:
            while chunk := response.read(16384):
                body += chunk
        except (OSError, http.client.HTTPException) as e:
            got["error"] = e
        got["body"] = body
        got["done"] = time.monotonic()

    client = threading.Thread(target=download, daemon=True)
    client.start()
    assert started.wait(20), "the download never started"
    term_at = time.monotonic()
    b.kill(signal.SIGTERM)
    client.join(30)
    assert not client.is_alive(), "the download did not finish"
    return b, got, term_at


def test_term_becomes_quit_and_the_request_in_flight_completes(nginx_conf):
    tmp, _, _ = nginx_conf
    b, got, term_at = stop_during_download(nginx_conf, ["--map", "TERM:QUIT"])
    assert b.wait(timeout=30) == 0, b.err

    assert got["status"] == 200
    assert len(got["body"]) == SIZE
    assert got["body"] == (tmp / "www" / "slow" / "big").read_bytes()
    assert got["done"] > term_at  # it was still in flight when TERM came
    log = (tmp / "error.log").read_text()
    assert "signal 3 (SIGQUIT) received" in log, log
    assert "gracefully shutting down" in log, log
    assert "signal 15 (SIGTERM)" not in log, log
    assert "stop_signal=SIGTERM" in b.err


def test_without_the_map_term_cuts_the_download(nginx_conf):
    """The control: nginx's fast stop on TERM drops the request in flight."""
    tmp, _, _ = nginx_conf
    b, got, _ = stop_during_download(nginx_conf, [])
    b.wait(timeout=30)
    assert len(got["body"]) < SIZE
    assert "signal 15 (SIGTERM) received" in (tmp / "error.log").read_text()
