# SPDX-License-Identifier: MIT
"""What can be checked of examples/ without a Docker engine or a cloud account.

The YAML, TOML and JSON files parse; the Dockerfiles' ENTRYPOINT lines run with the built berth
(with `true` as the program) and their HEALTHCHECK lines probe a real server; each platform's
kill timeout is above the grace berth actually uses with that platform's environment, and the
grace leaves the app its own graceful stop time after the drain. Options that are still being built elsewhere make their
test an expected failure that names them (strict=False: it passes once they land).
"""
import http.server
import json
import os
import pwd
import re
import threading
import tomllib

import pytest
import yaml

from conftest import ROOT, free_port, run

EXAMPLES = ROOT / "examples"
# Images of one program under berth; examples/services (several, --config) is run for real by
# test_services.py.
DOCKERFILES = sorted(p for p in EXAMPLES.glob("*/Dockerfile") if p.parent.name != "services")


def instructions(path):
    """(INSTRUCTION, rest) pairs of a Dockerfile, continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def entrypoint(path):
    [rest] = [r for w, r in instructions(path) if w == "ENTRYPOINT"]
    return json.loads(rest)


def cmd(path):
    [rest] = [r for w, r in instructions(path) if w == "CMD"]
    return json.loads(rest)


def env_of(path):
    """The image's ENV NAME=VALUE lines."""
    return dict(r.split("=", 1) for w, r in instructions(path) if w == "ENV")


def healthcheck(path):
    [rest] = [r for w, r in instructions(path) if w == "HEALTHCHECK"]
    return json.loads(rest[rest.index("CMD") + 3:])


def test_there_are_three_dockerfiles():
    assert [p.parent.name for p in DOCKERFILES] == ["nginx", "node", "python"]


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.parent.name)
def test_dockerfile_shape(path):
    words = [w for w, _ in instructions(path)]
    assert "COPY" in words and "ENTRYPOINT" in words and "HEALTHCHECK" in words and "CMD" in words
    args = entrypoint(path)
    assert args[0] == "/berth" and args[-1] == "--", args
    assert "--user" in args, "each example runs the app as a non-root user"
    assert any(r.endswith(" /berth") for w, r in instructions(path) if w == "COPY")
    assert healthcheck(path)[:2] == ["/berth", "probe"]


def test_nginx_translates_term_to_quit():
    args = entrypoint(EXAMPLES / "nginx" / "Dockerfile")
    assert args[args.index("--map") + 1] == "TERM:QUIT"


def local_entrypoint(path):
    """The ENTRYPOINT's options for this machine: the image's user does not exist here, nor is
    its port free, so those two get local values."""
    args = entrypoint(path)[1:]
    me = pwd.getpwuid(os.getuid()).pw_name
    for opt, value in (("--user", me), ("--healthz", f"127.0.0.1:{free_port()}")):
        if opt in args:
            args[args.index(opt) + 1] = value
    return args


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.parent.name)
def test_entrypoint_runs_with_berth(path):
    args = local_entrypoint(path)
    r = run(args + ["true"], timeout=30, env=env_of(path))
    assert r.returncode == 0, f"berth {' '.join(args)} true -> {r.returncode}: {r.stderr}"


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the stdlib's name)
        self.send_response(200 if self.path == "/healthz" else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Healthy)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1]
    srv.shutdown()


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.parent.name)
def test_healthcheck_probes_a_real_server(path, server):
    cmd = healthcheck(path)[1:]
    cmd[-1] = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{server}", cmd[-1])
    r = run(cmd, timeout=30)
    assert r.returncode == 0, f"berth {' '.join(cmd)} -> {r.returncode}: {r.stderr}"
    cmd[-1] = cmd[-1].replace("/healthz", "/nothing-here")
    assert run(cmd, timeout=30).returncode == 1


def seconds(text):
    m = re.fullmatch(r"(\d+)(ms|s|m)?", str(text))
    assert m, f"not a plain duration: {text}"
    return int(m[1]) * {"ms": 0.001, "s": 1, "m": 60, None: 1}[m[2]]


PYTHON_IMAGE = EXAMPLES / "python" / "Dockerfile"  # what every platform example deploys


def budget(platform_env):
    """The grace berth uses (its whole stop budget, the drain included), in seconds: the python
    image's ENTRYPOINT run with its ENV and then the platform's, read back from berth's summary
    line. Also checks that the grace leaves gunicorn its --graceful-timeout after the drain."""
    env = {**env_of(PYTHON_IMAGE), **{k: str(v) for k, v in platform_env.items()}}
    r = run(["-v"] + local_entrypoint(PYTHON_IMAGE) + ["true"], timeout=30, env=env)
    assert r.returncode == 0, r.stderr
    m = re.search(r" drain=(\S+) grace=(\S+)", r.stderr)
    assert m, r.stderr
    drain, grace = seconds(m[1]), seconds(m[2])
    app = cmd(PYTHON_IMAGE)
    graceful = int(app[app.index("--graceful-timeout") + 1])
    assert drain + graceful < grace, f"drain {drain}s + gunicorn's {graceful}s > grace {grace}s"
    return grace


def test_the_python_image_alone_stops_before_docker_stop_kills_it():
    assert budget({}) < 10  # docker stop's default -t


def test_kubernetes_deployment():
    [doc] = list(yaml.safe_load_all((EXAMPLES / "kubernetes" / "deployment.yaml").read_text()))
    pod = doc["spec"]["template"]["spec"]
    [c] = pod["containers"]
    env = {e["name"]: e["value"] for e in c["env"]}
    assert pod["terminationGracePeriodSeconds"] > budget(env)
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports["berth"] == 8081
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "berth"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "berth"}
    assert c["startupProbe"]["httpGet"]["path"] == "/healthz"


def test_fly_toml():
    doc = tomllib.loads((EXAMPLES / "fly" / "fly.toml").read_text())
    assert doc["kill_signal"] in ("SIGTERM", "SIGINT")  # both are berth's default stop signals
    assert doc["kill_timeout"] > budget(doc["env"])
    paths = {c["path"] for c in doc["checks"].values() if c["port"] == 8081}
    assert paths == {"/healthz", "/readyz"}


def test_railway_json():
    doc = json.loads((EXAMPLES / "railway" / "railway.json").read_text())
    deploy = doc["deploy"]
    assert deploy["healthcheckPath"] == "/readyz"
    assert deploy["restartPolicyType"] == "ON_FAILURE"
    readme = (EXAMPLES / "railway" / "README.md").read_text()
    env = dict(re.findall(r"`(BERTH_[A-Z]+)=(\w+)`", readme))
    assert deploy["drainingSeconds"] > budget(env)


def test_ecs_task_definition():
    doc = json.loads((EXAMPLES / "ecs" / "task-definition.json").read_text())
    [c] = doc["containerDefinitions"]
    env = {e["name"]: e["value"] for e in c["environment"]}
    assert budget(env) < c["stopTimeout"] <= 120  # Fargate's maximum
    assert c["healthCheck"]["command"][:3] == ["CMD", "/berth", "probe"]
    assert 8081 in [p["containerPort"] for p in c["portMappings"]]


@pytest.mark.parametrize("folder", ["kubernetes", "fly", "railway", "ecs"])
def test_each_platform_has_a_readme(folder):
    assert (EXAMPLES / folder / "README.md").exists()
