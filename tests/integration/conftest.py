# SPDX-License-Identifier: MIT
"""Runs the built berth for real: as PID 1 in a new PID namespace, or as a plain subreaper.

Every wait has a deadline; tests wait on lines the helper prints, never on sleeps.
"""
import os
import pathlib
import queue
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BERTH = os.environ.get("BERTH", str(ROOT / "build" / "berth"))
TESTBIN = os.environ.get("TESTBIN", str(ROOT / "build" / "tests" / "testbin"))
STRICT = os.environ.get("BERTH_STRICT") == "1"


def can_unshare():
    return subprocess.run(["unshare", "-p", "-f", "--mount-proc", "true"],
                          stderr=subprocess.DEVNULL).returncode == 0


def need(condition, why):
    """Skips the test when `condition` is false; fails it in strict mode (CI), where every
    prerequisite is installed and a skip would hide a missing install step."""
    if not condition:
        if STRICT:
            pytest.fail(f"{why} (strict mode)")
        pytest.skip(why)
    return condition


def need_pid_namespace():
    need(can_unshare(), "unshare -p -f --mount-proc is not permitted here (needs root)")


def children_of(pid):
    try:
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def free_port():
    """A loopback port nothing listens on now (the kernel's pick, so tests never collide)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.005)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


_started = []


@pytest.fixture(autouse=True)
def _no_berth_outlives_its_test():
    """A test that fails half-way must not leave its berth running (nor, when berth is PID 1,
    its whole namespace, which SIGKILL to berth ends)."""
    yield
    while _started:
        b = _started.pop()
        if b.proc.poll() is not None:
            continue
        try:
            os.kill(b.pid, signal.SIGKILL)
        except (AssertionError, ProcessLookupError):
            pass
        b.proc.kill()
        b.proc.wait(timeout=10)


class Berth:
    """One berth process; its stdout and stderr are read into line lists by two threads."""

    def __init__(self, args, pid1=True, binary=BERTH, env=None, stdin=subprocess.DEVNULL,
                 preexec_fn=None, pass_fds=(), unshare=("-p", "-f", "--mount-proc"),
                 stdout=subprocess.PIPE):
        cmd = [binary] + list(args)
        if pid1:
            need_pid_namespace()
            cmd = ["unshare", *unshare] + cmd
        self.pid1 = pid1
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE,
                                     stdin=stdin, env=full_env, preexec_fn=preexec_fn,
                                     pass_fds=pass_fds)
        self.lines = {"out": [], "err": []}
        self.times = {"out": [], "err": []}
        self.events = queue.Queue()
        self.readers = [threading.Thread(target=self._read, args=(name, stream), daemon=True)
                        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr))
                        if stream is not None]
        for reader in self.readers:
            reader.start()
        self._pid = None
        _started.append(self)

    def _read(self, name, stream):
        for raw in stream:
            line = raw.decode(errors="replace").rstrip("\n")
            self.times[name].append(time.monotonic())
            self.lines[name].append(line)
            self.events.put(name)
        self.events.put(None)

    @property
    def pid(self):
        """berth's pid as seen from here (inside the namespace it is 1)."""
        if self._pid is None:
            if self.pid1:
                kids = until(lambda: children_of(self.proc.pid), 10, "unshare's child")
                self._pid = kids[0]
            else:
                self._pid = self.proc.pid
        return self._pid

    def wait_line(self, pattern, stream="out", timeout=10, start=0):
        """Returns the index of the first line at or after `start` matching `pattern`."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            for i, line in enumerate(self.lines[stream][start:], start):
                if rx.search(line):
                    return i
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"no line matching {pattern!r} on std{stream} within {timeout}s;\n"
                    f"stdout: {self.lines['out']}\nstderr: {self.lines['err']}")
            try:
                self.events.get(timeout=min(left, 0.1))
            except queue.Empty:
                pass

    def kill(self, sig):
        os.kill(self.pid, sig)

    def wait(self, timeout=30):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError(f"berth did not exit within {timeout}s; stderr: {self.lines['err']}")
        self.ended = time.monotonic()
        for reader in self.readers:  # every line is in once both streams hit EOF
            reader.join(timeout=5)
        return rc

    @property
    def out(self):
        return "\n".join(self.lines["out"])

    @property
    def err(self):
        return "\n".join(self.lines["err"])

    def __del__(self):
        if getattr(self, "proc", None) and self.proc.poll() is None:
            self.proc.kill()


def run(args, binary=BERTH, pid1=False, timeout=30, env=None, input=None):
    """Runs berth to completion; returns CompletedProcess with text output."""
    cmd = [binary] + list(args)
    if pid1:
        need_pid_namespace()
        cmd = ["unshare", "-p", "-f", "--mount-proc"] + cmd
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env,
                          input=input)


@pytest.fixture
def named(tmp_path):
    """named('tini') is a path to a symlink called tini that points to berth."""
    return symlinker(tmp_path)


def symlinker(directory):
    """A function from a name to a symlink by that name in `directory` that points to berth."""
    def make(name):
        link = directory / name
        if not link.exists():
            link.symlink_to(BERTH)
        return str(link)
    return make


def proc_status(pid):
    fields = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields
