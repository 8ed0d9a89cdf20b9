# SPDX-License-Identifier: MIT
"""The man page (docs/berth.1.scd) and `--help` list the same options and environment variables.

--help is generated from the option table, so a failure here means a row was added without its
man page entry (or the reverse). The message names each one and where it is missing.
"""
import re

import pytest

import helptext
from conftest import ROOT, need, run

MAN = ROOT / "docs" / "berth.1.scd"
NAMES = ["berth", "tini", "dumb-init", "catatonit"]
def man_sections(text):
    """{section title: [lines]} of an scdoc page ('# TITLE' starts a section)."""
    sections, current = {}, None
    for line in text.splitlines():
        if line.startswith("# "):
            current = sections.setdefault(line[2:].strip(), [])
        elif current is not None:
            current.append(line)
    return sections


def man_options(text, section="OPTIONS"):
    options = set()
    for line in man_sections(text).get(section, []):
        if line.startswith("*-"):
            options.update(re.findall(r"\*(--?[A-Za-z0-9][A-Za-z0-9-]*)\*", line))
    return options


def man_items(text):
    sections = man_sections(text)
    options = man_options(text)
    env = {m[1] for line in sections.get("ENVIRONMENT", [])
           if (m := re.match(r"^\*([A-Z][A-Z0-9_]*)\*$", line))}
    commands = {m[1] for line in sections.get("COMMANDS", [])
                if (m := re.match(r"^\*berth ([a-z]+)\*", line))}
    return options, env, commands


def diff_message(kind, in_help, in_man):
    lines = []
    if in_help - in_man:
        lines.append(f"{kind} in `--help` but missing from docs/berth.1.scd: "
                     + ", ".join(sorted(in_help - in_man)))
    if in_man - in_help:
        lines.append(f"{kind} in docs/berth.1.scd but missing from `--help`: "
                     + ", ".join(sorted(in_man - in_help)))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def listed(named_module):
    """What the union of every name's --help lists."""
    options, env, commands = set(), set(), set()
    for name in NAMES:
        r = run(["--help"], binary=named_module(name))
        assert r.returncode == 0, r.stderr
        o, e, c = helptext.items(r.stdout + r.stderr)  # dumb-init prints its help on stderr
        options |= o
        env |= e
        commands |= c
    # dumb-init's own help text, which berth prints under that name, lists no environment; its
    # one variable is still berth's to document.
    env |= {"DUMB_INIT_SETSID"}
    return options, env, commands


@pytest.fixture(scope="module")
def named_module(tmp_path_factory):
    from conftest import symlinker
    return symlinker(tmp_path_factory.mktemp("names"))


@pytest.fixture(scope="module")
def documented():
    return man_items(MAN.read_text())


def test_help_parser_finds_the_known_options(listed):
    options, env, _ = listed
    assert {"-h", "--help", "--map", "--grace", "-e"} <= options
    assert "BERTH_GRACE" in env


def test_man_page_lists_every_option_of_help(listed, documented):
    msg = diff_message("options", listed[0], documented[0])
    assert not msg, msg


def test_man_page_lists_every_environment_variable(listed, documented):
    msg = diff_message("environment variables", listed[1], documented[1])
    assert not msg, msg


def test_man_page_lists_every_subcommand(listed, documented):
    msg = diff_message("subcommands", listed[2], documented[2])
    assert not msg, msg


@pytest.mark.parametrize("command", ["check", "probe"])
def test_man_page_lists_every_option_of_each_command(command):
    r = run([command, "--help"])
    assert r.returncode == 0, r.stderr
    in_help = helptext.items(r.stdout)[0]
    assert {"--help"} < in_help
    msg = diff_message(f"`berth {command}` options", in_help,
                       man_options(MAN.read_text(), f"{command.upper()} OPTIONS"))
    assert not msg, msg


def test_man_page_documents_every_exit_code_of_help(listed):
    text = MAN.read_text()
    exit_section = "\n".join(man_sections(text)["EXIT STATUS"])
    for code in ["126", "127", "2", "1", "128"]:
        assert re.search(rf"\b{code}\b", exit_section), f"exit code {code} is not in EXIT STATUS"


def test_man_page_builds_with_scdoc(tmp_path):
    import shutil
    import subprocess
    scdoc = shutil.which("scdoc")
    need(scdoc, "scdoc is not installed (apt-get install scdoc)")
    out = subprocess.run([scdoc], stdin=MAN.open("rb"), capture_output=True)
    assert out.returncode == 0, out.stderr.decode()
    assert b".SH OPTIONS" in out.stdout
