# SPDX-License-Identifier: MIT
"""The example images (examples/python, node, nginx, services) built with `docker build` and run:
each serves, its HEALTHCHECK (`berth probe`) turns healthy, and `docker stop` ends it gracefully
with status 0 within the grace its README states (BERTH_GRACE=8s, under docker stop's 10 s).

No registry is reachable here, so each is built `--build-arg BASE=` a Debian 12 made offline by
ci/install-deps.sh (mmdebstrap: python3, gunicorn, nodejs, nginx-light, and the users
`nginx` and `node` the official images have). The steps that download are the ones this machine
cannot run: python's `pip install gunicorn==22.0.0` needs PyPI and services' `apt-get install`
needs Debian's archive inside the build; those RUN lines are replaced by `true` (the same programs
are in the base: Debian's gunicorn 20.1, nginx-light, python3) and the rest of each Dockerfile is
built as it stands."""
import os
import pathlib
import re
import shutil
import tempfile
import time

import pytest

from conftest import BERTH, ROOT, need, until

EXAMPLES = ROOT / "examples"
DEBIAN_BASE = "/var/cache/berth/debian12-examples-1.tar"
IMAGE = "berth-engine:debian12"

# What each needs from the network, and what stands in for it (see the module's comment).
OFFLINE = {
    "python": ("pip install --no-cache-dir gunicorn==22.0.0", "true"),
    "services": ("apt-get update && apt-get install -y --no-install-recommends nginx-light "
                 "python3-minimal \\\n    && rm -rf /var/lib/apt/lists/*", "true"),
}
# The address each app serves on, inside the container (--network none: asked with berth probe).
SERVES = {"python": "http://127.0.0.1:8000/", "node": "http://127.0.0.1:3000/",
          "nginx": "http://127.0.0.1:8080/", "services": "http://127.0.0.1:8080/"}


@pytest.fixture(scope="module")
def debian12(docker):
    need(os.path.exists(DEBIAN_BASE),
         f"no {DEBIAN_BASE}: ci/install-deps.sh makes it with mmdebstrap")
    docker("import", DEBIAN_BASE, IMAGE, timeout=300)
    return IMAGE


def build(docker, name, base):
    text = (EXAMPLES / name / "Dockerfile").read_text()
    if name in OFFLINE:
        needs_network, stand_in = OFFLINE[name]
        assert needs_network in text, f"examples/{name}/Dockerfile changed: update OFFLINE"
        text = text.replace(needs_network, stand_in)
    ctx = pathlib.Path(tempfile.mkdtemp(dir=docker.dir, prefix="example."))
    shutil.copytree(EXAMPLES / name, ctx, dirs_exist_ok=True)
    (ctx / "Dockerfile").write_text(text)
    shutil.copy(BERTH, ctx / "berth-linux-amd64")
    tag = f"berth-example:{name}"
    docker("build", "--network", "none", "-q", "-t", tag, "--build-arg", f"BASE={base}",
           "--build-arg", "TARGETARCH=amd64", ctx, timeout=300)
    shutil.rmtree(ctx)
    return tag


def test_examples_build_serve_turn_healthy_and_stop_gracefully(docker, debian12):
    names = ["python", "node", "nginx", "services"]
    running = {n: docker.start(build(docker, n, debian12)) for n in names}
    for name, cid in running.items():  # all start together: the first health check is at 10 s
        try:
            until(lambda: docker("exec", cid, "/berth", "probe", SERVES[name],
                                 check=False).returncode == 0, 30, f"{name} to serve")
        except AssertionError as e:
            raise AssertionError(f"{e}:\n{docker.logs(cid)}") from None
    for name, cid in running.items():
        until(lambda: docker.inspect(cid, "{{.State.Health.Status}}") == "healthy", 40,
              f"{name}'s HEALTHCHECK to turn healthy")
    for name, cid in running.items():
        t0 = time.monotonic()
        docker("stop", cid, timeout=60)
        took = time.monotonic() - t0
        logs = docker.logs(cid)
        assert docker.wait(cid) == 0, f"{name}:\n{logs}"
        assert took < 8, f"{name}: docker stop took {took:.1f}s, over its 8 s grace"
        assert not re.search(r"killed pid \d+", logs), f"{name} needed the deadline:\n{logs}"
