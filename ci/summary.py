#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarises meson's testlog.json files (several runs add up, e.g. the plain and the sanitizer
run) as one closing line: 'N passed, N failed' (N skipped).

Counts test cases, not meson tests: doctest's and pytest's own counts are read from each
test's output; a meson test whose output has neither counts as one case.
"""
import json
import re
import sys

DOCTEST = re.compile(r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed\s*\|\s*(\d+) skipped")
PYTEST = re.compile(r"^=*\s*(?:(\d+) failed)?[, ]*(?:(\d+) passed)?[, ]*(?:(\d+) skipped)?.* in [\d.]+s", re.M)


def counts(test):
    out = test.get("stdout") or ""
    m = DOCTEST.search(out)
    if m:
        return int(m[2]), int(m[3]), 0  # doctest counts cases left out by --test-suite as skipped
    for m in PYTEST.finditer(out):
        if any(m.groups()):
            return int(m[2] or 0), int(m[1] or 0), int(m[3] or 0)
    ok = test["result"] in ("OK", "EXPECTEDFAIL")
    skipped = test["result"] == "SKIP"
    return int(ok), int(not ok and not skipped), int(skipped)


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
        with open(path) as f:
            for line in f:
                test = json.loads(line)
                p, fl, s = counts(test)
                if test["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and fl == 0:
                    fl = 1  # a crash or timeout with no count of its own
                print(f"  {test['name']:<40} {test['result']:<8} {p} passed, {fl} failed, {s} skipped")
                passed, failed, skipped = passed + p, failed + fl, skipped + s
    print(f"{passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
