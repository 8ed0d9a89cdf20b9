# SPDX-License-Identifier: MIT
"""The .deb from packaging/deb.sh: built from the tested binary, installed with dpkg -i, checked
(berth --version, the compat names under /usr/lib/berth/, the man page), then purged.

It changes the machine (as root), so it runs only where no berth package was installed before.
"""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BERTH, ROOT, need, run

NAMES = ["tini", "tini-static", "docker-init", "dumb-init", "catatonit"]


def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    need(os.geteuid() == 0, "installing a .deb needs root")
    need(shutil.which("dpkg-deb") and shutil.which("scdoc"), "dpkg-deb and scdoc are needed")
    if sh("dpkg-query", "-W", "-f=${Status}", "berth").stdout.startswith("install ok"):
        pytest.skip("a berth package is already installed here; not touching it")
    version = run(["--version"]).stdout.split()[1]
    arch = sh("dpkg", "--print-architecture").stdout.strip()
    out = tmp_path_factory.mktemp("deb")
    built = sh("bash", str(ROOT / "packaging" / "deb.sh"), BERTH, arch, version, str(out))
    assert built.returncode == 0, built.stderr
    deb = built.stdout.strip()
    assert deb.endswith(f"berth_{version}_{arch}.deb")
    r = sh("dpkg", "-i", deb)
    assert r.returncode == 0, r.stdout + r.stderr
    yield version
    r = sh("dpkg", "--purge", "berth")
    assert r.returncode == 0, r.stdout + r.stderr
    assert not os.path.exists("/usr/bin/berth")
    assert not os.path.exists("/usr/lib/berth")


def test_berth_version(installed):
    r = sh("berth", "--version")
    assert r.returncode == 0
    assert r.stdout == run(["--version"]).stdout
    assert r.stdout.startswith(f"berth {installed} (git ")
    assert shutil.which("berth") == "/usr/bin/berth"


@pytest.mark.parametrize("name", NAMES)
def test_compat_names_live_off_path(installed, name):
    link = f"/usr/lib/berth/{name}"
    assert os.path.realpath(link) == "/usr/bin/berth"
    assert (shutil.which(name) or "") != link


def test_tini_name_gives_tinis_version_format(installed):
    r = sh("/usr/lib/berth/tini", "--version")
    assert r.returncode == 0
    # docker info parses this line: "tini version X - git.COMMIT"
    # (the tini version berth reproduces, and berth's own commit)
    assert re.fullmatch(r"tini version 0\.19\.0 - git\.\w+\n", r.stdout), r.stdout


def test_dumb_init_name_acts_as_dumb_init(installed):
    # dumb-init prints its version on stderr (dumb-init.c: fprintf(stderr, ...)).
    assert sh("/usr/lib/berth/dumb-init", "--version").stderr == "dumb-init v1.2.5\n"
    assert sh("/usr/lib/berth/dumb-init", "sh", "-c", "exit 5").returncode == 5


def test_man_page_and_docs_are_installed(installed):
    files = sh("dpkg", "-L", "berth").stdout.split()
    assert "/usr/share/man/man1/berth.1.gz" in files
    assert "/usr/share/doc/berth/copyright" in files
    assert "/usr/share/doc/berth/README.md" in files
    status = sh("dpkg", "-s", "berth").stdout
    assert f"Version: {installed}" in status
    assert "Depends:" not in status  # static: the package needs nothing
