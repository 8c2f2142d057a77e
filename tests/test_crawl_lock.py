"""Two crawls never run on one archive at the same time; a dead run never blocks the next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from archiver.crawl.lock import RunLock
from archiver.errors import CrawlError

HOLD = """
import sys, time
from archiver.crawl.lock import RunLock
with RunLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def _hold_in_subprocess(db):
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "held"
    child.stdout.close()
    return child


def test_second_run_is_refused_with_the_holders_pid(tmp_path):
    db = tmp_path / "archive.db"
    child = _hold_in_subprocess(db)
    try:
        with pytest.raises(CrawlError, match=f"pid {child.pid}"):
            RunLock(db).acquire()
    finally:
        child.kill()
        child.wait()


def test_lock_is_free_again_after_the_holder_is_killed(tmp_path):
    db = tmp_path / "archive.db"
    child = _hold_in_subprocess(db)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    with RunLock(db):
        pass


def test_wait_queues_behind_the_running_crawl(tmp_path):
    db = tmp_path / "archive.db"
    child = _hold_in_subprocess(db)
    killer = subprocess.Popen(["sh", "-c", f"sleep 0.5; kill {child.pid}"])
    try:
        with RunLock(db, wait=True):
            assert child.wait(timeout=5) is not None, "the lock came only after the holder ended"
    finally:
        child.kill()
        child.wait()
        killer.wait()


def test_same_process_can_take_the_lock_again_after_release(tmp_path):
    db = tmp_path / "archive.db"
    with RunLock(db):
        pass
    with RunLock(db):
        pass
