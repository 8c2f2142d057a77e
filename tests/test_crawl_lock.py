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


# A process holding the lock file with whatever holder line it is given: an orphan of a
# killed crawl, a live crawl, or a crawl whose pid has since been reused.
HOLD_AS = """
import fcntl, os, sys, time
from archiver.processes import start_token
fd = os.open(sys.argv[1] + ".lock", os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
token = sys.argv[2].replace("SELF", start_token(os.getpid()))
os.ftruncate(fd, 0)
os.write(fd, f"{token} 2026-01-01T00:00:00\\n".encode())
print("held", flush=True)
time.sleep(60)
"""


def _hold_as(db, token: str) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_AS, str(db), token], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "held"
    child.stdout.close()
    return child


def _dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(done.stdout)


def test_a_lock_still_held_for_a_dead_run_is_taken_over(tmp_path):
    db = tmp_path / "archive.db"
    dead = _dead_pid()
    orphan = _hold_as(db, f"{dead}:")  # the lock outlived the crawl that wrote its pid
    try:
        with RunLock(db) as lock:
            assert lock.took_over and lock.took_over.startswith(f"{dead}:")
            with pytest.raises(CrawlError, match=f"pid {os.getpid()}"):
                RunLock(db).acquire()  # and the new holder is respected in turn
    finally:
        orphan.kill()
        orphan.wait()


def test_a_lock_whose_pid_now_names_another_process_is_taken_over(tmp_path):
    db = tmp_path / "archive.db"
    holder = _hold_as(db, "SELF0")  # its own pid, another start time: a reused pid
    try:
        with RunLock(db) as lock:
            assert lock.took_over
    finally:
        holder.kill()
        holder.wait()


def test_a_live_holder_is_never_taken_over(tmp_path):
    db = tmp_path / "archive.db"
    holder = _hold_as(db, "SELF")
    try:
        with pytest.raises(CrawlError, match=f"pid {holder.pid}"):
            RunLock(db).acquire()
    finally:
        holder.kill()
        holder.wait()
