# SPDX-License-Identifier: MIT
"""berth in an empty image: a root filesystem holding only /berth and a static busybox.

Entered with `unshare -p -f -m --mount-proc=ROOT/proc` plus chroot, as a `FROM scratch` image
would be: berth runs busybox as PID 1's child, forwards a signal to a shell trap and exits with
the shell's code. It proves the binary needs nothing from the image (no libc, no /etc, no /tmp).
"""
import os
import shutil
import signal
import stat
import subprocess

import pytest

from conftest import BERTH, Berth, need, need_pid_namespace

BUSYBOX = "/bin/busybox"


def is_static(path):
    out = subprocess.run(["file", "-L", path], capture_output=True, text=True).stdout
    return "statically linked" in out or "static-pie" in out


@pytest.fixture
def rootfs(tmp_path):
    need_pid_namespace()
    need(os.path.exists(BUSYBOX) and is_static(BUSYBOX),
         "no static busybox at /bin/busybox (apt-get install busybox-static)")
    need(is_static(BERTH), f"{BERTH} is not statically linked (build with -Dstatic=true)")
    root = tmp_path / "root"
    (root / "bin").mkdir(parents=True)
    (root / "proc").mkdir()  # the mount point only: berth reads /proc to find leftovers
    shutil.copy2(BERTH, root / "berth")
    shutil.copy2(BUSYBOX, root / "bin" / "busybox")
    return root


def scratch(root, args):
    """berth as PID 1 of a new PID namespace, chrooted into `root`. Its pid is looked up only
    when a test signals it: berth may have exited before then (a missing program)."""
    return Berth([str(root), "/berth"] + args, binary="chroot",
                 unshare=("-p", "-f", "-m", f"--mount-proc={root}/proc"))


def test_the_image_holds_only_berth_and_busybox(rootfs):
    files = sorted(str(p.relative_to(rootfs)) for p in rootfs.rglob("*"))
    assert files == ["berth", "bin", "bin/busybox", "proc"]


def test_busybox_runs_as_child_of_pid1_and_its_exit_code_comes_back(rootfs):
    b = scratch(rootfs, ["--", "/bin/busybox", "sh", "-c", 'echo "pid $$ ppid $PPID"; exit 42'])
    assert b.wait() == 42
    assert b.lines["out"] == ["pid 2 ppid 1"], b.err


def test_signal_reaches_a_busybox_trap_and_its_code_is_berths(rootfs):
    script = ('trap "echo got TERM; exit 7" TERM; echo ready; '
              "while :; do sleep 1 & wait $!; done")
    b = scratch(rootfs, ["--grace", "5s", "--", "/bin/busybox", "sh", "-c", script])
    b.wait_line("^ready$")
    b.kill(signal.SIGTERM)
    b.wait_line("^got TERM$")
    assert b.wait() == 7, b.err


def test_translated_signal_in_scratch(rootfs):
    script = ('trap "echo got QUIT; exit 3" QUIT; trap "echo got TERM; exit 9" TERM; '
              "echo ready; while :; do sleep 1 & wait $!; done")
    b = scratch(rootfs, ["--map", "TERM:QUIT", "--", "/bin/busybox", "sh", "-c", script])
    b.wait_line("^ready$")
    b.kill(signal.SIGTERM)
    b.wait_line("^got QUIT$")
    assert b.wait() == 3, b.err


def test_missing_program_in_scratch_is_127(rootfs):
    b = scratch(rootfs, ["--", "/bin/no-such-program"])
    assert b.wait() == 127
    assert "No such file or directory" in b.err


def test_leftover_killed_at_the_deadline_without_proc(rootfs):
    """An image with no /proc mounted: berth cannot list its leftovers, and a leftover that
    ignores TERM would keep it waiting for ever. As PID 1, kill(-1) reaches it anyway."""
    (rootfs / "proc").rmdir()
    (rootfs / "dev").mkdir()  # busybox sh gives a background job /dev/null as its stdin
    os.mknod(rootfs / "dev" / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    script = ('/bin/busybox sh -c \'trap "" TERM; echo leftover; '
              'while :; do /bin/busybox sleep 1; done\' & exit 3')
    b = Berth([str(rootfs), "/berth", "--grace", "1s", "--", "/bin/busybox", "sh", "-c", script],
              binary="chroot", unshare=("-p", "-f", "-m"))
    b.wait_line("^leftover$")
    assert b.wait(timeout=20) == 3, b.err
