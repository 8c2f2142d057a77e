"""Every command is documented: its help shows an example and the README mentions it."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from archiver.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "archiver") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, f"{prefix} {name}"))
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_help_shows_an_example(name: str, command: click.Command):
    assert "Example" in (command.help or ""), f"{name} --help has no example"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_readme_mentions_every_command(name: str, command: click.Command):
    assert name in README, f"the README does not mention `{name}`"


def test_readme_opens_with_the_two_commands():
    blocks = README.split("```")
    first, second = blocks[1], blocks[3]
    assert "archiver demo" in first and "pip install" in first
    assert "pytest" in second and "[test]" in second
