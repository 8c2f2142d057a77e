"""The README's Python API session runs as shown, in a fresh interpreter in an empty directory."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
SECTION = README.split("### Python API\n", 1)[1].split("\n### ", 1)[0]


@pytest.mark.slow
def test_the_readme_python_api_session_runs_as_shown(tmp_path):
    pytest.importorskip("pandas")
    (session,) = re.findall(r"```pycon\n(.*?)```", SECTION, re.S)
    script = tmp_path / "session.txt"
    script.write_text(session, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "doctest", "-o", "ELLIPSIS", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.txt"]
