# SPDX-License-Identifier: MIT
"""berth in the real engines: a private dockerd (and its own containerd) for the session, Podman
with its own storage, and images made without a registry (`docker import` of a directory holding
berth, the static testbin and busybox).

Nothing outlives the session: the fixtures remove every container, stop the daemon, then kill
whatever still runs from their directory (containerd, shims, conmon) or in one of their
containers' cgroups, and unmount what is left under it, whether the tests passed or not.
"""
import glob
import importlib.util
import io
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# need(), until(), BERTH and TESTBIN are the integration suite's: one definition of strict mode.
_spec = importlib.util.spec_from_file_location("berth_integration",
                                               ROOT / "tests" / "integration" / "conftest.py")
integration = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(integration)
need = integration.need
until = integration.until
BERTH = integration.BERTH
TESTBIN = integration.TESTBIN

# docker.io's client, which matches its daemon (20.10); another client earlier on PATH (a newer
# Docker's in /usr/local/bin) would negotiate its own API version and behave differently.
DOCKER = os.environ.get("BERTH_DOCKER", "/usr/bin/docker")
DOCKERD = shutil.which("dockerd") or "/usr/sbin/dockerd"
PODMAN = shutil.which("podman") or "/usr/bin/podman"
BUSYBOX = "/bin/busybox"

BASE = "berth-engine:base"


def berth_commit():
    """The commit `berth --version` names: "berth 0.1.0 (git abc1234)"."""
    out = subprocess.run([BERTH, "--version"], capture_output=True, text=True, check=True).stdout
    return re.search(r"\(git ([^)]+)\)", out).group(1)


def image_tar(files, dirs=("tmp",), links=()):
    """A tar stream of a root file system: `files` maps a path in the image to a file here."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        for inside, here in files.items():
            tar.add(here, arcname=inside, recursive=False)
        for inside, target in links:
            info = tarfile.TarInfo(inside)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tar.addfile(info)
    return buf.getvalue()


def base_image_tar():
    need(os.path.exists(BUSYBOX), "no /bin/busybox for the images' shell (busybox-static)")
    return image_tar({"berth": BERTH, "testbin": TESTBIN, "bin/busybox": BUSYBOX},
                     dirs=("tmp", "bin", "etc"), links=[("bin/sh", "busybox")])


def _processes_mentioning(words):
    """Pids (not ours) whose command line or cgroup names one of `words`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        text = ""
        for name in ("cmdline", "cgroup"):
            try:
                text += pathlib.Path(f"/proc/{entry}/{name}").read_bytes().decode(errors="replace")
            except OSError:
                pass
        if any(w in text for w in words):
            found.append(int(entry))
    return found


def _kill_all(words):
    for _ in range(50):
        pids = _processes_mentioning(words)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)


def _unmount_under(directory):
    prefix = str(directory) + "/"
    mounts = [line.split()[1] for line in pathlib.Path("/proc/mounts").read_text().splitlines()]
    for m in sorted((m for m in mounts if m.startswith(prefix)), key=len, reverse=True):
        subprocess.run(["umount", "-l", m], stderr=subprocess.DEVNULL)


class Engine:
    """One engine's command line, aimed at its private state."""

    def __init__(self, argv, env=None):
        self.argv = list(argv)
        self.env = dict(os.environ)
        self.env.update(env or {})

    def __call__(self, *args, timeout=60, check=True, input=None):
        r = subprocess.run(self.argv + [str(a) for a in args], capture_output=True, text=True,
                           timeout=timeout, env=self.env, input=input)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(self.argv[:1] + list(map(str, args)))} exited "
                                 f"{r.returncode}:\n{r.stdout}\n{r.stderr}")
        return r

    def logs(self, name):
        r = self("logs", name, check=False)
        return r.stdout + r.stderr

    def wait_log(self, name, pattern, timeout=20):
        """Waits until the container's output has a line matching `pattern`; returns the output."""
        rx = re.compile(pattern, re.M)
        text = ""

        def found():
            nonlocal text
            text = self.logs(name)
            return rx.search(text)

        try:
            until(found, timeout, f"{pattern!r} in the logs of {name}")
        except AssertionError as e:
            raise AssertionError(f"{e}; logs:\n{text}") from None
        return text

    def inspect(self, name, template):
        return self("inspect", "--format", template, name).stdout.strip()

    def wait(self, name, timeout=60):
        """The container's exit code, once it has exited."""
        return int(self("wait", name, timeout=timeout).stdout.strip())

    def start(self, *args):
        """`run -d --network none ARGS`; returns the container's id."""
        return self("run", "-d", "--network", "none", *args).stdout.strip()


class Docker(Engine):
    def __init__(self, directory):
        self.dir = directory
        super().__init__([DOCKER], {"DOCKER_HOST": f"unix://{directory}/docker.sock",
                                    "DOCKER_CONFIG": str(directory / "client"),
                                    "DOCKER_BUILDKIT": "0"})

    def build(self, tag, dockerfile, context_files=None):
        """`docker build` of a Dockerfile given as text, with no network."""
        ctx = pathlib.Path(tempfile.mkdtemp(dir=self.dir, prefix="ctx."))
        (ctx / "Dockerfile").write_text(dockerfile)
        for name, content in (context_files or {}).items():
            (ctx / name).write_bytes(content)
        self("build", "--network", "none", "-q", "-t", tag, ctx, timeout=300)
        shutil.rmtree(ctx)
        return tag


def _container_ids(directory):
    """The ids of the containers an engine keeps under `directory` (dockerd's data root): their
    processes' cgroups are named by them."""
    try:
        return os.listdir(directory / "data" / "containers")
    except OSError:
        return []


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return pathlib.Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _clean_up(directory, daemon_pid=None):
    """Stops what an engine runs from `directory` and removes it: the daemon (which stops its
    containerd), then whatever still names the directory or a container (containerd, shims,
    conmon, the containers' processes), then the mounts under it."""
    ids = _container_ids(directory)
    if daemon_pid and _pid_alive(daemon_pid):
        os.kill(daemon_pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _pid_alive(daemon_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
    _kill_all([str(directory)] + ids)
    _unmount_under(directory)
    shutil.rmtree(directory, ignore_errors=True)


def _guard(directory, daemon_pid=None):
    """A process of its own that runs _clean_up once this session is gone, however it ends (a
    meson timeout SIGKILLs pytest before any finalizer runs). Returns the pipe's write end: the
    guard wakes when the last copy closes. Closing it after a normal clean-up leaves it nothing
    to do."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)  # meson waits for EOF on the output it captures
            os.closerange(3, r)
            os.closerange(r + 1, 65536)
            os.read(r, 1)
            if directory.exists():
                _clean_up(directory, daemon_pid)
        finally:
            os._exit(0)
    os.close(r)
    return w


def _on_sigterm_unwind():
    """SIGTERM (a meson timeout, a Ctrl-C'd make) unwinds like Ctrl-C, so the fixtures' finally
    clauses run."""
    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, raise_interrupt)


@pytest.fixture(scope="session")
def docker():
    """A private dockerd (20.10 from docker.io) whose --init is berth, for the whole session."""
    need(os.path.exists(DOCKER) and os.path.exists(DOCKERD),
         "docker.io is not installed (apt-get install docker.io)")
    need(os.geteuid() == 0, "dockerd needs root")
    base = base_image_tar()
    # Under /tmp, not pytest's deep tmp_path: the socket's path must fit in sun_path.
    directory = pathlib.Path(tempfile.mkdtemp(prefix="berth-dockerd.", dir="/tmp"))
    (directory / "docker-init").symlink_to(BERTH)
    log = open(directory / "dockerd.log", "wb")
    proc = subprocess.Popen(
        [DOCKERD, "--iptables=false", "--ip6tables=false", "--bridge=none",
         "-H", f"unix://{directory}/docker.sock", "--data-root", f"{directory}/data",
         "--exec-root", f"{directory}/exec", "--pidfile", f"{directory}/dockerd.pid",
         "--init-path", f"{directory}/docker-init"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    guard = _guard(directory, proc.pid)
    _on_sigterm_unwind()
    d = Docker(directory)
    try:
        until(lambda: proc.poll() is not None or d("version", check=False).returncode == 0, 60,
              "dockerd to answer")
        if proc.poll() is not None:
            raise AssertionError(f"dockerd exited {proc.returncode}:\n"
                                 f"{(directory / 'dockerd.log').read_text()[-3000:]}")
        r = subprocess.run(d.argv + ["import", "-", BASE], input=base,
                           capture_output=True, env=d.env, timeout=120)
        assert r.returncode == 0, r.stderr
        yield d
    finally:
        try:
            ids = d("ps", "-aq", "--no-trunc", check=False, timeout=30).stdout.split()
            if ids:
                d("rm", "-f", *ids, check=False, timeout=60)
        except (subprocess.TimeoutExpired, OSError):
            pass
        log.close()
        _clean_up(directory, proc.pid)
        proc.wait(timeout=30)
        os.close(guard)


class Podman(Engine):
    """Podman 4.3 with its own storage; runc and explicit rlimits, which this kind of machine
    needs (crun and Podman's default rlimits are refused without CAP_SYS_RESOURCE)."""

    RUN = ["--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"]

    def __init__(self, directory):
        self.dir = directory
        super().__init__([PODMAN, "--root", f"{directory}/root", "--runroot", f"{directory}/run",
                          "--runtime", "runc", "--cgroup-manager", "cgroupfs",
                          "--events-backend", "file", "--tmpdir", f"{directory}/tmp"])
        self.rootfs = directory / "rootfs"

    def start(self, *args):
        return self("run", "-d", *self.RUN, *args).stdout.strip()


@pytest.fixture(scope="session")
def podman():
    need(os.path.exists(PODMAN), "podman is not installed (apt-get install podman)")
    need(os.geteuid() == 0, "rootful podman needs root")
    base = base_image_tar()
    directory = pathlib.Path(tempfile.mkdtemp(prefix="berth-podman.", dir="/tmp"))
    guard = _guard(directory)
    _on_sigterm_unwind()
    p = Podman(directory)
    try:
        p.rootfs.mkdir()
        with tarfile.open(fileobj=io.BytesIO(base)) as tar:
            tar.extractall(p.rootfs)
        yield p
    finally:
        p("rm", "-af", "-t", "0", check=False, timeout=60)
        _clean_up(directory)
        os.close(guard)


def release_images(tmp_path):
    """dist/'s image tarballs (packaging/release.sh), else the same made here from the built
    berth by the release's own writer."""
    found = {arch: sorted(glob.glob(str(ROOT / "dist" / f"berth-*-image-{arch}.tar")))
             for arch in ("amd64", "arm64")}
    if found["amd64"]:
        return {arch: paths[-1] for arch, paths in found.items() if paths}
    version = re.search(r"berth (\S+)", subprocess.run(
        [BERTH, "--version"], capture_output=True, text=True).stdout).group(1)
    out = tmp_path / f"berth-{version}-image-amd64.tar"
    subprocess.run(["/usr/bin/python3", ROOT / "packaging" / "image.py", BERTH, "amd64", version,
                    out], check=True)
    return {"amd64": str(out)}


def json_lines(text):
    """The JSON objects among `text`'s lines."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out
