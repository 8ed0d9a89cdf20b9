#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""clang-format and clang-tidy (the repository's .clang-format and .clang-tidy) on the lines a
branch adds or changes since its merge base with main, so new code follows them while the existing
tree is not made to fail.

Usage: check_style.py SOURCE_ROOT BUILD_ROOT (BUILD_ROOT has meson's compile_commands.json).
STYLE_BASE=REV compares with REV instead; on main itself, the last commit is checked. Exits 77,
meson's skip, with the reason when the source is not a git checkout or a tool is missing.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

SKIP = 77
FORMAT = "clang-format-14"
TIDY = "clang-tidy-19"  # 14 cannot parse libstdc++ 12's <expected>
CHECKED = re.compile(r"^(src|include|tests)/.*\.(cc|h)$")
TIDIED = re.compile(r"^src/.*\.cc$")  # the tests' doctest macros are not held to .clang-tidy
HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@")


def git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


def base_revision(root):
    if os.environ.get("STYLE_BASE"):
        return os.environ["STYLE_BASE"]
    head = git(root, "rev-parse", "HEAD").stdout.strip()
    for main in ("main", "origin/main"):
        r = git(root, "merge-base", "HEAD", main)
        if r.returncode == 0 and r.stdout.strip() != head:
            return r.stdout.strip()
    return "HEAD~1"


def changed_lines(diff):
    """{path: [(first, last), ...]} of the lines a `git diff -U0` adds or changes."""
    changes, path = {}, None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = line[len("+++ b/"):] if line.startswith("+++ b/") else None
        elif path and CHECKED.match(path) and (m := HUNK.match(line)):
            first, count = int(m[1]), int(m[2] or 1)
            if count:
                changes.setdefault(path, []).append((first, first + count - 1))
    return changes


def check_format(root, changes):
    failed = []
    for path, lines in sorted(changes.items()):
        r = subprocess.run([FORMAT, "--dry-run", "--Werror"]
                           + [f"--lines={a}:{b}" for a, b in lines] + [path],
                           cwd=root, capture_output=True, text=True)
        if r.returncode:
            failed.append(r.stderr.strip())
    return failed


def check_tidy(root, build, changes):
    sources = sorted(p for p in changes if TIDIED.match(p))
    if not sources:
        return []
    line_filter = json.dumps([{"name": p, "lines": [list(r) for r in lines]}
                              for p, lines in changes.items()])
    r = subprocess.run([TIDY, "-p", str(build), "--quiet", "--warnings-as-errors=*",
                        f"--line-filter={line_filter}"] + sources,
                       cwd=root, capture_output=True, text=True)
    return [r.stdout.strip()] if r.returncode else []


def main(root, build):
    if git(root, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        print(f"skipped: {root} is not a git checkout")
        return SKIP
    for tool in (FORMAT, TIDY):
        if not shutil.which(tool):
            print(f"skipped: {tool} is not installed (bash ci/install-deps.sh)")
            return SKIP
    if not (build / "compile_commands.json").exists():
        print(f"skipped: no compile_commands.json in {build}")
        return SKIP
    base = base_revision(root)
    diff = git(root, "diff", "-U0", "--no-color", base, "--", "*.cc", "*.h")
    if diff.returncode:
        print(f"skipped: git diff {base}: {diff.stderr.strip()}")
        return SKIP
    changes = changed_lines(diff.stdout)
    failed = check_format(root, changes) + check_tidy(root, build, changes)
    for f in failed:
        print(f)
    print(f"{len(changes)} changed file(s) since {base[:12]}: "
          + ("style OK" if not failed else f"{len(failed)} with style errors"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]).resolve(), pathlib.Path(sys.argv[2]).resolve()))
