"""The README is a contract: its two set-up commands, CI and the documented commands agree."""

from __future__ import annotations

import re

from reader.cli import build_parser
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```\n(.*?)```", section, flags=re.S)]


def test_readme_has_exactly_two_setup_commands_run_then_test() -> None:
    commands = setup_commands()
    assert len(commands) == 2, commands
    run, test = commands
    assert all("\n" not in command for command in commands)
    assert run.endswith("readmark") and "pip install ." in run
    assert "pytest" in test and ".[test]" in test


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = setup_commands()[1]
    lines = [line.strip() for line in ci.splitlines()]
    assert test_command in lines


def test_every_cli_command_is_documented() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    names = sorted(subparsers.choices)  # type: ignore[union-attr]
    assert names, "readmark-cli has no commands"
    missing = [name for name in names if f"readmark-cli {name}" not in README]
    assert not missing, f"commands missing from the README: {missing}"


def test_the_readme_screenshot_exists() -> None:
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", README):
        assert (ROOT / image).is_file(), image
