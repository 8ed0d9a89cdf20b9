# SPDX-License-Identifier: MIT
"""dumb-init's own test suite, run against berth called dumb-init.

ci/install-deps.sh fetches the upstream source of the dumb-init Debian 12 ships (1.2.5) from
Debian's archive; this test unpacks its tests/ and runs them with a `dumb-init` on PATH that is
berth. They run under berth as PID 1 of a new PID namespace, which reaps what they leave behind
at once (some assert that processes are gone, zombies included, within 1.5 s): the same suite
passes 182 of 182 against Debian's own dumb-init there.
"""
import os
import shutil
import subprocess
import tarfile

from conftest import BERTH, need, need_pid_namespace

SUITE = "/var/cache/berth/dumb-init_1.2.5.orig.tar.gz"


def test_dumb_inits_own_suite_passes_against_berth(tmp_path):
    need(os.path.exists(SUITE), f"{SUITE} is missing (bash ci/install-deps.sh fetches it)")
    need_pid_namespace()
    with tarfile.open(SUITE) as tar:
        tar.extractall(tmp_path)  # checked by its SHA-256 in ci/install-deps.sh
    [source] = tmp_path.glob("dumb-init-*")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # A copy, not a symlink: cwd_test.py runs os.path.realpath(which("dumb-init")).
    shutil.copy(BERTH, bin_dir / "dumb-init")
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}")
    r = subprocess.run(["unshare", "-p", "-f", "--mount-proc", BERTH, "--",
                        "/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "tests"], cwd=source, env=env, capture_output=True, text=True,
                       timeout=300)
    summary = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "182 passed" in summary and "failed" not in summary, summary
