"""Running a command of ours as a server in the background, for tests that talk to it."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(
    args: list[str], folder: Path, ready: Callable[[str], bool], timeout: float = 60
) -> Iterator[Path]:
    """Run ``args`` in ``folder`` until the block ends; wait until ``ready(its output so far)``.

    Yields the file its output goes to. It is stopped (SIGTERM) and waited for on exit.
    """
    log = folder / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            args,
            cwd=folder,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    try:
        deadline = time.monotonic() + timeout
        while not ready(log.read_text(errors="replace")):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{args[:4]} did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield log
    finally:
        server.terminate()
        server.wait(timeout=30)
