"""``archiver replay``: serves a directory on loopback, refuses other addresses, stops on Ctrl-C."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from click.testing import CliRunner

from archiver.cli import main


def make_dir(root: Path) -> Path:
    (root / "manifest.json").write_text(
        json.dumps(
            {
                "pages": {
                    "http://tamky.gov.vn/": {"text": "Tam Kỳ"},
                    "http://vnexpress.net/": {"text": "VnExpress"},
                }
            }
        ),
        encoding="utf-8",
    )
    return root


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["replay", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "archiver replay" in result.output


def test_non_loopback_host_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["replay", str(make_dir(tmp_path)), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "loopback" in result.output


def test_bad_manifest_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("[]")
    result = CliRunner().invoke(main, ["replay", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2
    assert result.output.startswith("archiver: replay manifest:")


def test_serves_until_interrupted(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-c",
        "from archiver.cli import main; main()",
        "replay",
        str(make_dir(tmp_path)),
        "--port",
        "0",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    ) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline(), process.stdout.readline()]
            found = re.search(r"http://127\.0\.0\.1:\d+", lines[1])
            assert found, lines
            with httpx.Client(proxy=found[0]) as client:
                assert client.get("http://vnexpress.net/").text == "VnExpress"
                assert client.get("http://tamky.gov.vn/").text == "Tam Kỳ"
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
    assert "2 URLs of tamky.gov.vn, vnexpress.net" in lines[0]
    assert process.returncode == 0, err
    assert "Stopped." in out
    assert "Traceback" not in err
