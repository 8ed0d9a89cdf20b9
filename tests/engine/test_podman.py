# SPDX-License-Identifier: MIT
"""berth under Podman 4.3 (runc): `podman run --init --init-path BERTH` mounts berth at
/run/podman-init and runs `/run/podman-init -- CMD`, where berth must be catatonit (Podman's
default init), checked side by side with the real catatonit; and berth as the ENTRYPOINT under
`podman stop`."""
import os
import shutil
import signal
import time

import pytest

from conftest import BERTH, need, release_images

CATATONIT = shutil.which("catatonit") or "/usr/bin/catatonit"


@pytest.fixture(params=["catatonit", "berth"])
def init_path(request):
    if request.param == "catatonit":
        need(os.path.exists(CATATONIT), "catatonit is not installed")
        return CATATONIT
    return BERTH


def test_init_forwards_and_stops_as_catatonit_does(podman, init_path):
    cid = podman.start("--init", "--init-path", init_path, "--rootfs", podman.rootfs,
                       "/testbin", "signals")
    podman.wait_log(cid, "^ready$")
    podman("kill", "-s", "HUP", cid)
    podman.wait_log(cid, "^signal SIGHUP$")
    t0 = time.monotonic()
    podman("stop", cid, timeout=60)
    took = time.monotonic() - t0
    assert podman.wait(cid) == 0
    # catatonit says nothing of its own: under its name neither does berth.
    assert podman.logs(cid).splitlines() == ["ready", "signal SIGHUP", "signal SIGTERM"]
    assert took < 5


@pytest.mark.parametrize("app, code", [(["exit", "3"], 3),
                                       (["raise", "USR1"], 128 + signal.SIGUSR1)])
def test_init_exit_codes_as_catatonit(podman, init_path, app, code):
    r = podman("run", "--rm", *podman.RUN, "--init", "--init-path", init_path, "--rootfs",
               podman.rootfs, "/testbin", *app, check=False)
    assert (r.returncode, r.stdout) == (code, ""), r.stderr


def test_entrypoint_under_podman_stop(podman):
    cid = podman.start("--rootfs", podman.rootfs, "/berth", "--grace", "5s", "--", "/testbin",
                       "signals", "--code", "4")
    podman.wait_log(cid, "^ready$")
    t0 = time.monotonic()
    podman("stop", cid, timeout=60)
    assert time.monotonic() - t0 < 5
    assert podman.wait(cid) == 4
    assert "signal SIGTERM" in podman.logs(cid)


def test_entrypoint_deadline_under_podman_stop(podman):
    cid = podman.start("--rootfs", podman.rootfs, "/berth", "--grace", "2s", "--", "/testbin",
                       "signals", "--ignore", "TERM")
    podman.wait_log(cid, "^ready$")
    t0 = time.monotonic()
    podman("stop", cid, timeout=60)  # Podman's own SIGKILL would come at 10 s
    took = time.monotonic() - t0
    assert podman.wait(cid) == 137
    assert 1.5 < took < 7, f"podman stop took {took:.1f}s"


def test_release_image_runs_under_podman(podman, tmp_path):
    """The release tarball is an OCI layout too: Podman loads it and runs it as berth."""
    loaded = podman("load", "-i", release_images(tmp_path)["amd64"]).stdout
    tag = loaded.split("Loaded image: ")[-1].split()[0]
    r = podman("run", "--rm", *podman.RUN, tag, "--version")
    assert r.stdout.startswith("berth ")
