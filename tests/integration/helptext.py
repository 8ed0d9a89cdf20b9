# SPDX-License-Identifier: MIT
"""Reads what a `--help` text lists: options, environment variables and subcommands."""
import re

SECTION = re.compile(r"^([A-Z][A-Za-z ()]*):$")  # "Options:", "Readiness (one of):"


def sections(text):
    """{section title: [lines]} of a --help text."""
    out, current = {}, None
    for line in text.splitlines():
        m = SECTION.match(line)
        if m:
            current = out.setdefault(m[1], [])
        elif current is not None and line.startswith("  "):
            current.append(line)
    return out


def items(text):
    """(options, environment variables, subcommands) that a --help text lists."""
    options, env, commands = set(), set(), set()
    for title, lines in sections(text).items():
        for line in lines:
            synopsis = re.split(r"\s{2,}", line.strip())[0]
            if title == "Environment":
                env.add(synopsis)
            elif synopsis.startswith("-"):
                options.update(t.rstrip(",") for t in synopsis.split() if t.startswith("-"))
            elif title == "Commands":
                commands.add(synopsis.split()[0])
    return options, env, commands
