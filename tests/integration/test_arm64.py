# SPDX-License-Identifier: MIT
"""The arm64 release binary (dist/berth-VERSION-linux-arm64, from packaging/release.sh) run under
qemu-user-static: --version, a forwarded signal, exit codes, all as PID 1 of a PID namespace
(qemu-user does not implement PR_SET_CHILD_SUBREAPER, so berth must be PID 1 there). The child
is the native static testbin: qemu-user runs a foreign binary and execs native ones natively.
"""
import glob
import os
import re
import shutil
import signal

import pytest

from conftest import BERTH, ROOT, TESTBIN, Berth, need, run


def project_version():
    return re.search(r"version:\s*'([^']+)'", (ROOT / "meson.build").read_text())[1]


@pytest.fixture(scope="module")
def arm64():
    path = os.environ.get("BERTH_ARM64") or next(
        iter(sorted(glob.glob(str(ROOT / "dist" / "berth-*-linux-arm64")))), None)
    need(path and os.path.exists(path), "no arm64 binary in dist/: run packaging/release.sh")
    qemu = need(shutil.which("qemu-aarch64-static"),
                "qemu-aarch64-static not found (apt-get install qemu-user-static)")
    return [qemu, path]


def test_version_names_the_project_version(arm64):
    r = run(arm64[1:] + ["--version"], binary=arm64[0])
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"berth (\S+) \(git ([0-9a-f]{7}|unknown)\)\n", r.stdout), r.stdout
    assert r.stdout.split()[1] == project_version()
    native = run(["--version"], binary=BERTH).stdout
    assert native.split()[1] == r.stdout.split()[1]


@pytest.mark.parametrize("args,code", [
    (["exit", "0"], 0), (["exit", "42"], 42), (["raise", "TERM"], 143), (["raise", "KILL"], 137)])
def test_exit_code_is_the_childs(arm64, args, code):
    r = run(arm64[1:] + ["--", TESTBIN] + args, binary=arm64[0], pid1=True)
    assert r.returncode == code, r.stderr


def test_signal_is_forwarded_and_translated(arm64):
    b = Berth(arm64[1:] + ["--map", "HUP:USR2", "--", TESTBIN, "signals", "--exit-on", "TERM"],
              binary=arm64[0])
    b.wait_line("^ready$")
    b.kill(signal.SIGUSR1)
    b.wait_line("^signal SIGUSR1$")
    b.kill(signal.SIGHUP)
    b.wait_line("^signal SIGUSR2$")
    b.kill(signal.SIGTERM)
    b.wait_line("^signal SIGTERM$")
    assert b.wait() == 0, b.err
