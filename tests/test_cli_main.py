"""The command line as a whole: `python -m archiver`, `-h` on every command, completion."""

from __future__ import annotations

import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from archiver.cli import main
from test_docs import COMMANDS


def test_python_dash_m_archiver_runs_the_command_line():
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("archiver, version ")
    usage = subprocess.run(
        [sys.executable, "-m", "archiver", "-h"], capture_output=True, text=True, check=True
    )
    assert usage.stdout.startswith("Usage: archiver ")


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_dash_h_shows_the_help_of_every_command(name: str, command: click.Command):
    args = name.split()[1:]
    result = CliRunner().invoke(main, [*args, "-h"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert f" {args[-1]} " in result.output.splitlines()[0]
    assert "Example" in result.output


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_script_is_generated(shell: str):
    env = {**os.environ, "_ARCHIVER_COMPLETE": f"{shell}_source"}
    done = subprocess.run(
        [sys.executable, "-m", "archiver"], env=env, capture_output=True, text=True, check=True
    )
    assert "_ARCHIVER_COMPLETE" in done.stdout


def test_completion_offers_commands_and_options():
    env = {
        **os.environ,
        "_ARCHIVER_COMPLETE": "bash_complete",
        "COMP_WORDS": "archiver sea",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "archiver"], env=env, capture_output=True, text=True, check=True
    )
    assert "plain,search" in done.stdout.splitlines()
