#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the module edges of shared/STYLE.md: no module includes a header it may not, and each
third-party library is included only where ARCHITECTURE.md says.

A module is a folder under include/berth/ and src/. app (Main, the subcommands' entry points,
the wiring) sits on top: it may include every module, and no module may include it. src/main.cc
is the only file outside a module.
"""
import pathlib
import re
import sys

ALLOWED = {
    "base": set(),
    "log": {"base"},
    "signals": {"base"},
    "options": {"base"},
    "config": {"options", "signals", "log", "base"},
    "process": {"signals", "log", "base"},
    "loop": {"log", "base"},
    "health": {"options", "process", "loop", "log", "base"},
    "security": {"log", "base"},
    "supervisor": {"base", "log", "signals", "options", "config", "process", "loop", "health",
                   "security"},
    "check": {"base", "log", "signals", "options", "config", "process", "loop", "health",
              "security", "supervisor"},
}
ALLOWED["app"] = set(ALLOWED)
LOOSE = pathlib.Path("src/main.cc")
INCLUDE = re.compile(r'#include\s+"(?:berth/)?([a-z_]+)/')
# A library's header -> the path prefixes that may include it (tests may include anything).
THIRD_PARTY = {
    "sys/capability.h": ("src/security/",),
    "seccomp.h": ("src/security/",),
    "ares.h": ("src/health/resolver.cc",),
}
THIRD_PARTY_INCLUDE = re.compile(r'#include\s+[<"]([^>"]+)[>"]')


def main(root):
    bad = []
    for top in ("include/berth", "src"):
        for path in sorted((root / top).iterdir()):
            if path.is_dir() and path.name not in ALLOWED:
                bad.append(f"{path.relative_to(root)}: a folder the module edges do not know")
            elif path.suffix in (".h", ".cc") and path.relative_to(root) != LOOSE:
                bad.append(f"{path.relative_to(root)}: outside a module (app/ is the top)")
        for path in sorted((root / top).glob("*/*")):
            module = path.parent.name
            if module not in ALLOWED or path.suffix not in (".h", ".cc"):
                continue
            for n, line in enumerate(path.read_text().splitlines(), 1):
                m = INCLUDE.match(line)
                if m and m[1] != module and m[1] in ALLOWED and m[1] not in ALLOWED[module]:
                    bad.append(f"{path.relative_to(root)}:{n}: {module} may not include {m[1]}")
    for top in ("include", "src"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".h", ".cc"):
                continue
            rel = str(path.relative_to(root))
            for n, line in enumerate(path.read_text().splitlines(), 1):
                m = THIRD_PARTY_INCLUDE.match(line)
                for header, owners in THIRD_PARTY.items():
                    if m and m[1].startswith(header) and not rel.startswith(owners):
                        bad.append(f"{rel}:{n}: only {' and '.join(owners)} may include {m[1]}")
    for b in bad:
        print(b)
    print(f"{len(bad)} forbidden include(s) or misplaced file(s)" if bad else "module edges OK")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()))
